package io.respool.dms.api;

/**
 * A setting is missing or out of range (a bad {@code dms_url} entry, say). The message names the setting and value.
 */
public class DmsConfigException extends DmsException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong, naming the setting and its value, and what to do.
     */
    public DmsConfigException(final String message)
    {
        super(DmsErrorCode.CONFIG, message);
    }
}
