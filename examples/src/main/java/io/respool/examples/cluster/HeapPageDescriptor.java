package io.respool.examples.cluster;

/**
 * Layout of one 8 KiB page of the demo table, little-endian. Page 0 of the table is the meta page (how many rows the
 * table has); pages 1.. are heap pages of {@link #ROWS_PER_PAGE} fixed-size rows each, row {@code r} in page
 * {@code 1 + r / ROWS_PER_PAGE}, slot {@code r % ROWS_PER_PAGE}.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                        Magic "RPHP"                           |
 *  +-------------------------------+-------------------------------+
 *  |        Layout Version         |          Page Type            |
 *  +-------------------------------+-------------------------------+
 *  |                        Page Id (8)                            |
 *  +---------------------------------------------------------------+
 *  |                        Page LSN (8)                           |
 *  +---------------------------------------------------------------+
 *  |                     Rows In This Page                         |
 *  +---------------------------------------------------------------+
 *  |    Checksum: CRC32C of the page with this field zero, set      |
 *  |    only in the image written to DSS (0 in memory)              |
 *  +---------------------------------------------------------------+
 *  |              Table Rows (8, meta page only)                   |
 *  +---------------------------------------------------------------+
 *  |                 Reserved to offset 64                         |
 *  +---------------------------------------------------------------+
 *  |          Rows: ROWS_PER_PAGE x ROW_LENGTH bytes                |
 *  +---------------------------------------------------------------+
 *
 *  Row (64 bytes):
 *  +---------------------------------------------------------------+
 *  |                         Row Id (8)                            |
 *  +---------------------------------------------------------------+
 *  |               Version (8): 0 = slot never written             |
 *  +---------------------------------------------------------------+
 *  |        LSN (8): end of the WAL record that wrote this version  |
 *  +---------------------------------------------------------------+
 *  |              Value (8) = RowValues.value(rowId, version)      |
 *  +---------------------------------------------------------------+
 *  |          Payload (28) = RowValues.payloadByte(value, i)        |
 *  +---------------------------------------------------------------+
 *  |                 CRC32C of bytes 0 to 59                       |
 *  +---------------------------------------------------------------+
 * </pre>
 */
final class HeapPageDescriptor
{
    /** Page size: openGauss's 8 KiB. */
    static final int PAGE_SIZE = 8192;
    /** "RPHP" as a little-endian int. */
    static final int MAGIC = 0x50485052;
    /** Version 1: first layout. */
    static final short CURRENT_VERSION = 1;

    /** Page type of page 0. */
    static final short TYPE_META = 1;
    /** Page type of pages 1.. */
    static final short TYPE_HEAP = 2;

    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 4;
    static final int TYPE_OFFSET = 6;
    static final int PAGE_ID_OFFSET = 8;
    static final int LSN_OFFSET = 16;
    static final int PAGE_ROWS_OFFSET = 24;
    static final int CHECKSUM_OFFSET = 28;
    static final int TABLE_ROWS_OFFSET = 32;
    static final int HEADER_LENGTH = 64;

    static final int ROW_LENGTH = 64;
    static final int ROW_ID_OFFSET = 0;
    static final int ROW_VERSION_OFFSET = 8;
    static final int ROW_LSN_OFFSET = 16;
    static final int ROW_VALUE_OFFSET = 24;
    static final int ROW_PAYLOAD_OFFSET = 32;
    static final int ROW_PAYLOAD_LENGTH = 28;
    static final int ROW_CRC_OFFSET = 60;

    /** Rows in one heap page: 127. */
    static final int ROWS_PER_PAGE = (PAGE_SIZE - HEADER_LENGTH) / ROW_LENGTH;

    static
    {
        if (ROW_CRC_OFFSET + 4 != ROW_LENGTH || ROW_PAYLOAD_OFFSET + ROW_PAYLOAD_LENGTH != ROW_CRC_OFFSET)
        {
            throw new IllegalStateException("row layout does not add up: rowLength=" + ROW_LENGTH);
        }
    }

    private HeapPageDescriptor()
    {
    }

    /**
     * @param rowId a row.
     * @return the table page number (1..) that holds it.
     */
    static int pageNumberOf(final long rowId)
    {
        return 1 + (int)(rowId / ROWS_PER_PAGE);
    }

    /**
     * @param rowId a row.
     * @return the offset of its slot within its page.
     */
    static int rowOffset(final long rowId)
    {
        return HEADER_LENGTH + (int)(rowId % ROWS_PER_PAGE) * ROW_LENGTH;
    }

    /**
     * @param rows rows in the table.
     * @return heap pages needed for them (the meta page not counted).
     */
    static int heapPagesFor(final long rows)
    {
        return (int)((rows + ROWS_PER_PAGE - 1) / ROWS_PER_PAGE);
    }
}
