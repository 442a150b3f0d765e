package io.respool.dss;

/**
 * What a node of the DSS directory tree is. Codes are stored on disk and never change.
 */
public enum FileType
{
    FILE(1, '-'), DIRECTORY(2, 'd'), LINK(3, 'l');

    private final int code;
    private final char lsChar;

    FileType(final int code, final char lsChar)
    {
        this.code = code;
        this.lsChar = lsChar;
    }

    public int code()
    {
        return code;
    }

    /**
     * @return the type column of {@code dsscmd ls}: {@code -}, {@code d} or {@code l}.
     */
    public char lsChar()
    {
        return lsChar;
    }

    public static FileType ofCode(final int code)
    {
        for (final FileType type : values())
        {
            if (type.code == code)
            {
                return type;
            }
        }
        throw new DssException(ErrorCode.CORRUPT, "unknown file type code: code=" + code);
    }
}
