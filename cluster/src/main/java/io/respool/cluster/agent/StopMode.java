package io.respool.cluster.agent;

/**
 * {@code cmctl stop -m}: smart waits for the resource to stop by itself ({@code -stop}, SIGTERM), fast does the
 * same but kills it after {@code time_out} (the default, as CM), immediate kills it at once ({@code -clean}).
 * The code is the second line CM writes into the flag file.
 */
public enum StopMode
{
    SMART(0),
    FAST(1),
    IMMEDIATE(2);

    private final int code;

    StopMode(final int code)
    {
        if (code != ordinal())
        {
            throw new IllegalStateException("code must equal ordinal: " + name());
        }
        this.code = code;
    }

    public int code()
    {
        return code;
    }

    /**
     * @param code 0, 1 or 2.
     * @return the mode, FAST for anything else.
     */
    public static StopMode ofCode(final int code)
    {
        return code >= 0 && code < values().length ? values()[code] : FAST;
    }

    /**
     * @param text smart, fast or immediate (any case), or s, f, i.
     * @return the mode.
     * @throws IllegalArgumentException naming the choices.
     */
    public static StopMode parse(final String text)
    {
        for (final StopMode m : values())
        {
            if (m.name().equalsIgnoreCase(text) || m.name().substring(0, 1).equalsIgnoreCase(text))
            {
                return m;
            }
        }
        throw new IllegalArgumentException("bad stop mode: " + text + ", expected smart, fast or immediate");
    }
}
