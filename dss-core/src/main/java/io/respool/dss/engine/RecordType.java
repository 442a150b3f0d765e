package io.respool.dss.engine;

/**
 * Redo record types. Codes are stored on disk and never change meaning; payload layouts are in
 * {@link io.respool.dss.format.RedoRecordDescriptor} and in {@code FORMAT.md}.
 */
enum RecordType
{
    PAD(0),
    CREATE(1),
    REMOVE(2),
    REMOVE_TREE(3),
    RENAME(4),
    ALLOCATE(5),
    SET_SIZE(6),
    TRUNCATE(7),
    FREE_ORPHAN(8),
    ADD_VOLUME(9),
    REMOVE_VOLUME(10);

    private static final RecordType[] BY_CODE = new RecordType[11];

    static
    {
        for (final RecordType type : values())
        {
            BY_CODE[type.code] = type;
        }
    }

    final int code;

    RecordType(final int code)
    {
        this.code = code;
    }

    static RecordType ofCode(final int code)
    {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
