package io.respool.bench.report;

/**
 * How a measured ratio must compare with its target.
 */
enum Bound
{
    AT_LEAST("≥ "), AT_MOST("≤ "), BELOW("< ");

    final String sign;

    Bound(final String sign)
    {
        this.sign = sign;
    }

    boolean isMet(final double printed, final double target)
    {
        return switch (this)
        {
            case AT_LEAST -> printed >= target;
            case AT_MOST -> printed <= target;
            case BELOW -> printed < target;
        };
    }
}
