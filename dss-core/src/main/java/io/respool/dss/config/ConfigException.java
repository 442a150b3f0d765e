package io.respool.dss.config;

import io.respool.dss.DssException;
import io.respool.dss.ErrorCode;

/**
 * A configuration file is wrong; the message names the file, the line and what to change.
 */
public final class ConfigException extends DssException
{
    private static final long serialVersionUID = 1L;

    public ConfigException(final String message)
    {
        super(ErrorCode.CONFIG, message);
    }
}
