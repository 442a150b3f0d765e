package io.respool.examples.cluster;

/**
 * Layout of one record of a node's WAL file on DSS, little-endian, fixed length.
 * <p>
 * <b>LSNs are global.</b> The LSN of a record is the cluster-wide log position just past it: a WAL file starts at a
 * base LSN (node 0's first WAL starts at 0) and the record at file offset {@code o} has LSN
 * {@code base + o + RECORD_LENGTH}, so "the WAL is durable up to LSN n" means "the file is durable up to offset
 * {@code n - base}". A node promoted to writer replays the dead writer's WAL, then starts its own WAL at a base no
 * lower than the replayed end and than any page LSN it has seen ({@link WriterRole#promote}); its first record is an
 * end-of-recovery checkpoint. So LSNs on pages and in WAL records only ever grow across failovers, and a WAL file
 * names its own base: the LSN of its first record minus {@link #RECORD_LENGTH}.
 * <p>
 * <b>Commits.</b> Every record but a checkpoint is a transaction of its own (an insert changes its heap page and
 * the meta page's row count in one record), committed once it is durable; the writer acknowledges a commit to its
 * client only then ({@link Wal#durableCommits()}). A checkpoint record is written after the pages it covers are on
 * DSS: it names the redo LSN (every change at or below it is in the table file) and the commit count and last
 * commit LSN at that point, so that recovery replays only the records above it and still knows the totals.
 * <p>
 * <b>Transfers</b> (layout version 2, the bank workload, {@link BankDescriptor}): one record moves an amount
 * between two accounts, which may lie in two pages; redo applies it to each page whose LSN is older, so a
 * transfer is in the table whole or not at all, and replaying it twice changes nothing.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                       Magic "RPWL"                            |
 *  +---------------------------------------------------------------+
 *  |   Type: INSERT, UPDATE, META, CHECKPOINT or TRANSFER          |
 *  +---------------------------------------------------------------+
 *  |                   LSN (8): global, see above                  |
 *  +---------------------------------------------------------------+
 *  |   Page Id (8); CHECKPOINT: redo LSN; TRANSFER: transfer id    |
 *  +---------------------------------------------------------------+
 *  |  Row Id (8); META: the table's row count; CHECKPOINT: commits |
 *  |  TRANSFER: the account debited                                |
 *  +---------------------------------------------------------------+
 *  |  Version (8); CHECKPOINT: last commit LSN;                    |
 *  |  TRANSFER: the account credited                               |
 *  +---------------------------------------------------------------+
 *  |  Value (8); CHECKPOINT: writer node id; TRANSFER: the amount  |
 *  +-------------------------------+-------------------------------+
 *  |        Layout Version         |        Reserved (10)          |
 *  +-------------------------------+-------------------------------+
 *  |                 CRC32C of bytes 0 to 59                       |
 *  +---------------------------------------------------------------+
 * </pre>
 */
final class WalRecordDescriptor
{
    /** "RPWL" as a little-endian int. */
    static final int MAGIC = 0x4C575052;
    static final int RECORD_LENGTH = 64;

    /** Version 1: a layout version field, global LSNs, one-record inserts and checkpoint records. */
    static final short LAYOUT_VERSION_1 = 1;
    /** Version 2: TRANSFER records (two accounts, maybe two pages, in one record). */
    static final short LAYOUT_VERSION_2 = 2;
    /** The layout this code writes. */
    static final short CURRENT_LAYOUT_VERSION = LAYOUT_VERSION_2;
    /** The oldest layout this code reads. */
    static final short MIN_COMPAT_LAYOUT_VERSION = 1;

    /** A row's first version; also raises the meta page's row count to {@code rowId + 1}. */
    static final int TYPE_INSERT = 1;
    /** A row's next version. */
    static final int TYPE_UPDATE = 2;
    /** The meta page formatted with a row count (the table created). */
    static final int TYPE_META = 3;
    /** A checkpoint finished: pages up to the redo LSN are on DSS. */
    static final int TYPE_CHECKPOINT = 4;
    /** An amount moved from one account to another (layout version 2 on). */
    static final int TYPE_TRANSFER = 5;

    static final int MAGIC_OFFSET = 0;
    static final int TYPE_OFFSET = 4;
    static final int LSN_OFFSET = 8;
    static final int PAGE_ID_OFFSET = 16;
    static final int ROW_ID_OFFSET = 24;
    static final int VERSION_OFFSET = 32;
    static final int VALUE_OFFSET = 40;
    static final int LAYOUT_VERSION_OFFSET = 48;
    static final int CRC_OFFSET = 60;

    static final int REDO_LSN_OFFSET = PAGE_ID_OFFSET;
    static final int COMMITS_OFFSET = ROW_ID_OFFSET;
    static final int LAST_COMMIT_LSN_OFFSET = VERSION_OFFSET;
    static final int WRITER_NODE_OFFSET = VALUE_OFFSET;
    static final int TRANSFER_ID_OFFSET = PAGE_ID_OFFSET;
    static final int FROM_ACCOUNT_OFFSET = ROW_ID_OFFSET;
    static final int TO_ACCOUNT_OFFSET = VERSION_OFFSET;
    static final int AMOUNT_OFFSET = VALUE_OFFSET;

    static
    {
        if (CRC_OFFSET + 4 != RECORD_LENGTH || LAYOUT_VERSION_OFFSET + 2 > CRC_OFFSET)
        {
            throw new IllegalStateException("WAL record layout does not add up: recordLength=" + RECORD_LENGTH);
        }
    }

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
            case TYPE_CHECKPOINT -> "CHECKPOINT";
            case TYPE_TRANSFER -> "TRANSFER";
            default -> "UNKNOWN(" + type + ")";
        };
    }

    /**
     * @param type a record type.
     * @return whether a record of the type is a transaction (every type but a checkpoint).
     */
    static boolean isCommit(final int type)
    {
        return type == TYPE_INSERT || type == TYPE_UPDATE || type == TYPE_META || type == TYPE_TRANSFER;
    }
}
