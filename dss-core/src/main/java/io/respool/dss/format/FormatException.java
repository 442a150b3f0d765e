package io.respool.dss.format;

import io.respool.dss.DssException;
import io.respool.dss.ErrorCode;

/**
 * On-disk data failed a magic, version, length or checksum check.
 */
public final class FormatException extends DssException
{
    private static final long serialVersionUID = 1L;

    public FormatException(final ErrorCode code, final String message)
    {
        super(code, message);
    }

    public static FormatException corrupt(final String message)
    {
        return new FormatException(ErrorCode.CORRUPT, message);
    }
}
