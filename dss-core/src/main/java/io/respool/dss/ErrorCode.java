package io.respool.dss;

/**
 * Stable error codes of the DSS API. The numeric values are part of the API: they never change meaning.
 */
public enum ErrorCode
{
    /** A path, volume group or volume does not exist. */
    NOT_FOUND(2001),
    /** The name is already taken in its directory, or the volume already belongs to a volume group. */
    ALREADY_EXISTS(2002),
    /** A path or name breaks the naming rules. */
    INVALID_PATH(2003),
    /** An argument is out of range (size, offset, AU size, unit). */
    INVALID_ARGUMENT(2004),
    /** The operation needs a directory and found something else. */
    NOT_A_DIRECTORY(2005),
    /** The operation needs a file and found a directory. */
    IS_A_DIRECTORY(2006),
    /** The directory still has entries. */
    DIRECTORY_NOT_EMPTY(2007),
    /** The operation needs a symbolic link and found something else, or links loop. */
    NOT_A_LINK(2008),
    /** No free allocation unit is left in the volume group. */
    OUT_OF_SPACE(2009),
    /** The volume still holds data, or is the entry volume. */
    VOLUME_IN_USE(2010),
    /** On-disk data failed a magic, version or checksum check. */
    CORRUPT(2011),
    /** A configuration file is wrong. */
    CONFIG(2012),
    /** The file handle or volume group was closed. */
    CLOSED(2013),
    /** An I/O on a volume failed. */
    IO_ERROR(2014),
    /** The instance was fenced off the volume group and may not write. */
    FENCED(2015),
    /** The on-disk format version is not one this software reads. */
    UNSUPPORTED_VERSION(2016),
    /** A file would grow past the maximum file size. */
    FILE_TOO_LARGE(2017);

    private final int code;

    ErrorCode(final int code)
    {
        this.code = code;
    }

    /**
     * @return the stable numeric value.
     */
    public int code()
    {
        return code;
    }
}
