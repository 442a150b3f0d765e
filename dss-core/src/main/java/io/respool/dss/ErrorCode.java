package io.respool.dss;

import io.respool.common.ErrorCategory;
import io.respool.common.StableCode;

/**
 * Stable error codes of the DSS API, 2001 to 2999 (DMS has 3001 to 3999). The numeric values are part of the API:
 * they never change meaning. A {@link ErrorCategory#FATAL} code means the volume group cannot go on as it is opened
 * (corrupt metadata, fenced off, a format this software does not read, a wrong configuration).
 */
public enum ErrorCode implements StableCode
{
    /** A path, volume group or volume does not exist. */
    NOT_FOUND(2001, ErrorCategory.ERROR),
    /** The name is already taken in its directory, or the volume already belongs to a volume group. */
    ALREADY_EXISTS(2002, ErrorCategory.ERROR),
    /** A path or name breaks the naming rules. */
    INVALID_PATH(2003, ErrorCategory.ERROR),
    /** An argument is out of range (size, offset, AU size, unit). */
    INVALID_ARGUMENT(2004, ErrorCategory.ERROR),
    /** The operation needs a directory and found something else. */
    NOT_A_DIRECTORY(2005, ErrorCategory.ERROR),
    /** The operation needs a file and found a directory. */
    IS_A_DIRECTORY(2006, ErrorCategory.ERROR),
    /** The directory still has entries. */
    DIRECTORY_NOT_EMPTY(2007, ErrorCategory.ERROR),
    /** The operation needs a symbolic link and found something else, or links loop. */
    NOT_A_LINK(2008, ErrorCategory.ERROR),
    /** No free allocation unit is left in the volume group. */
    OUT_OF_SPACE(2009, ErrorCategory.ERROR),
    /** The volume still holds data, or is the entry volume. */
    VOLUME_IN_USE(2010, ErrorCategory.ERROR),
    /** On-disk data failed a magic, version or checksum check. */
    CORRUPT(2011, ErrorCategory.FATAL),
    /** A configuration file is wrong. */
    CONFIG(2012, ErrorCategory.FATAL),
    /** The file handle or volume group was closed. */
    CLOSED(2013, ErrorCategory.ERROR),
    /** An I/O on a volume failed. */
    IO_ERROR(2014, ErrorCategory.ERROR),
    /** The instance was fenced off the volume group and may not write. */
    FENCED(2015, ErrorCategory.FATAL),
    /** The on-disk format version is not one this software reads. */
    UNSUPPORTED_VERSION(2016, ErrorCategory.FATAL),
    /** A file would grow past the maximum file size. */
    FILE_TOO_LARGE(2017, ErrorCategory.ERROR),
    /** The volume group was opened read-only, and a change or a write was asked for. */
    READ_ONLY(2018, ErrorCategory.ERROR);

    private final int code;
    private final ErrorCategory category;

    ErrorCode(final int code, final ErrorCategory category)
    {
        this.code = code;
        this.category = category;
    }

    /**
     * {@inheritDoc}
     */
    public int code()
    {
        return code;
    }

    /**
     * {@inheritDoc}
     */
    public ErrorCategory category()
    {
        return category;
    }
}
