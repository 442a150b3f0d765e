package io.respool.cli.dss;

/**
 * The {@code -m measure_type} units of {@code lsvg} and {@code ls}, and the unit letter of {@code du -f}: powers of
 * 1024, as openGauss divides.
 */
enum SizeUnit
{
    B(1L), K(1L << 10), M(1L << 20), G(1L << 30), T(1L << 40);

    private final long bytes;

    SizeUnit(final long bytes)
    {
        this.bytes = bytes;
    }

    /**
     * @return bytes in one of this unit.
     */
    long bytes()
    {
        return bytes;
    }

    /**
     * @return {@code size} bytes in this unit.
     */
    double convert(final long size)
    {
        return (double)size / bytes;
    }

    /**
     * @return the unit for a letter of {@code BKMGT}, or null.
     */
    static SizeUnit ofLetter(final char letter)
    {
        for (final SizeUnit unit : values())
        {
            if (unit.name().charAt(0) == letter)
            {
                return unit;
            }
        }
        return null;
    }
}
