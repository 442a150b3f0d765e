package io.respool.dms;

/**
 * The check every enum with a wire or file code makes ({@link Lane}, {@link MessageType},
 * {@link Conversion.State}): the code equals the ordinal, so that a constant inserted in the middle fails at once
 * instead of silently renumbering what is on the wire.
 */
final class StableCodes
{
    private StableCodes()
    {
    }

    /**
     * @return {@code code}, after checking it equals {@code ordinal}.
     * @throws IllegalStateException if it does not: add new constants at the end.
     */
    static int check(final int code, final int ordinal)
    {
        if (code != ordinal)
        {
            throw new IllegalStateException("code must equal ordinal: code=" + code + ", ordinal=" + ordinal);
        }
        return code;
    }
}
