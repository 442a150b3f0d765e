package io.respool.examples.cluster;

/**
 * Layout of one record of a node's WAL file on DSS, little-endian, fixed length. The LSN of a record is the file
 * offset just past it, so "the WAL is durable up to LSN n" means "the first n bytes of the file are durable", and
 * the record that produced a row version with LSN {@code n} sits at {@code n - RECORD_LENGTH}.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                       Magic "RPWL"                            |
 *  +---------------------------------------------------------------+
 *  |                 Type: INSERT, UPDATE or META                  |
 *  +---------------------------------------------------------------+
 *  |                   LSN (8): end offset                         |
 *  +---------------------------------------------------------------+
 *  |                        Page Id (8)                            |
 *  +---------------------------------------------------------------+
 *  |         Row Id (8); for META the table's row count            |
 *  +---------------------------------------------------------------+
 *  |                        Version (8)                            |
 *  +---------------------------------------------------------------+
 *  |                         Value (8)                             |
 *  +---------------------------------------------------------------+
 *  |                      Reserved (12)                            |
 *  +---------------------------------------------------------------+
 *  |                 CRC32C of bytes 0 to 59                       |
 *  +---------------------------------------------------------------+
 * </pre>
 */
final class WalRecordDescriptor
{
    /** "RPWL" as a little-endian int. */
    static final int MAGIC = 0x4C575052;
    static final int RECORD_LENGTH = 64;

    /** A row's first version. */
    static final int TYPE_INSERT = 1;
    /** A row's next version. */
    static final int TYPE_UPDATE = 2;
    /** The meta page's row count raised. */
    static final int TYPE_META = 3;

    static final int MAGIC_OFFSET = 0;
    static final int TYPE_OFFSET = 4;
    static final int LSN_OFFSET = 8;
    static final int PAGE_ID_OFFSET = 16;
    static final int ROW_ID_OFFSET = 24;
    static final int VERSION_OFFSET = 32;
    static final int VALUE_OFFSET = 40;
    static final int CRC_OFFSET = 60;

    private WalRecordDescriptor()
    {
    }

    /**
     * @param type a record type.
     * @return its name.
     */
    static String typeName(final int type)
    {
        return switch (type)
        {
            case TYPE_INSERT -> "INSERT";
            case TYPE_UPDATE -> "UPDATE";
            case TYPE_META -> "META";
            default -> "UNKNOWN(" + type + ")";
        };
    }
}
