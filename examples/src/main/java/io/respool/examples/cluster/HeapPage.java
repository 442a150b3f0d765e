package io.respool.examples.cluster;

import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;
import java.util.zip.CRC32C;

import static io.respool.examples.cluster.HeapPageDescriptor.*;

/**
 * Flyweight over a page of the demo table ({@link HeapPageDescriptor}). Wrap a page buffer, read and write its
 * fields; nothing allocates. Not thread-safe: the caller holds the page's DMS latch (S to read, X to write).
 */
final class HeapPage
{
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    private static final byte[] ZEROS = new byte[4];

    private final CRC32C crc = new CRC32C();
    private MutableDirectBuffer buffer;

    /**
     * @param buffer a page buffer, at least {@link HeapPageDescriptor#PAGE_SIZE} long, backed by a byte array.
     * @return this.
     */
    HeapPage wrap(final MutableDirectBuffer buffer)
    {
        if (buffer.byteArray() == null)
        {
            throw new IllegalArgumentException("page buffers of the demo are heap buffers: buffer=" + buffer);
        }
        this.buffer = buffer;
        return this;
    }

    /**
     * Format an all-zero page (never written) as an empty page of its type.
     *
     * @param pageId the DMS page id.
     * @param type   {@link HeapPageDescriptor#TYPE_META} or {@link HeapPageDescriptor#TYPE_HEAP}.
     * @return this.
     */
    HeapPage format(final long pageId, final short type)
    {
        buffer.setMemory(0, PAGE_SIZE, (byte)0);
        buffer.putInt(MAGIC_OFFSET, MAGIC, ORDER);
        buffer.putShort(VERSION_OFFSET, CURRENT_VERSION, ORDER);
        buffer.putShort(TYPE_OFFSET, type, ORDER);
        buffer.putLong(PAGE_ID_OFFSET, pageId, ORDER);
        return this;
    }

    boolean isFormatted()
    {
        return magic() == MAGIC;
    }

    int magic()
    {
        return buffer.getInt(MAGIC_OFFSET, ORDER);
    }

    short type()
    {
        return buffer.getShort(TYPE_OFFSET, ORDER);
    }

    short layoutVersion()
    {
        return buffer.getShort(VERSION_OFFSET, ORDER);
    }

    long pageId()
    {
        return buffer.getLong(PAGE_ID_OFFSET, ORDER);
    }

    long lsn()
    {
        return buffer.getLong(LSN_OFFSET, ORDER);
    }

    HeapPage lsn(final long lsn)
    {
        buffer.putLong(LSN_OFFSET, lsn, ORDER);
        return this;
    }

    int pageRows()
    {
        return buffer.getInt(PAGE_ROWS_OFFSET, ORDER);
    }

    HeapPage pageRows(final int rows)
    {
        buffer.putInt(PAGE_ROWS_OFFSET, rows, ORDER);
        return this;
    }

    long tableRows()
    {
        return buffer.getLong(TABLE_ROWS_OFFSET, ORDER);
    }

    HeapPage tableRows(final long rows)
    {
        buffer.putLong(TABLE_ROWS_OFFSET, rows, ORDER);
        return this;
    }

    int storedChecksum()
    {
        return buffer.getInt(CHECKSUM_OFFSET, ORDER);
    }

    HeapPage storedChecksum(final int checksum)
    {
        buffer.putInt(CHECKSUM_OFFSET, checksum, ORDER);
        return this;
    }

    /**
     * @return CRC32C of the page with the checksum field taken as zero.
     */
    int computeChecksum()
    {
        final byte[] array = buffer.byteArray();
        final int base = (int)buffer.wrapAdjustment();
        crc.reset();
        crc.update(array, base, CHECKSUM_OFFSET);
        crc.update(ZEROS, 0, 4);
        crc.update(array, base + CHECKSUM_OFFSET + 4, PAGE_SIZE - CHECKSUM_OFFSET - 4);
        return (int)crc.getValue();
    }

    long rowId(final long rowId)
    {
        return buffer.getLong(rowOffset(rowId) + ROW_ID_OFFSET, ORDER);
    }

    long rowVersion(final long rowId)
    {
        return buffer.getLong(rowOffset(rowId) + ROW_VERSION_OFFSET, ORDER);
    }

    long rowLsn(final long rowId)
    {
        return buffer.getLong(rowOffset(rowId) + ROW_LSN_OFFSET, ORDER);
    }

    long rowValue(final long rowId)
    {
        return buffer.getLong(rowOffset(rowId) + ROW_VALUE_OFFSET, ORDER);
    }

    /**
     * Write a row version: id, version, LSN, the value and payload derived from them, and the row CRC.
     *
     * @param rowId   the row.
     * @param version its new version (1 for an insert).
     * @param lsn     the LSN of the WAL record that logged it.
     * @return this.
     */
    HeapPage putRow(final long rowId, final long version, final long lsn)
    {
        putRowAt(rowOffset(rowId), rowId, version, lsn, value(rowId, version));
        return this;
    }

    private void putRowAt(final int offset, final long rowId, final long version, final long lsn, final long value)
    {
        buffer.putLong(offset + ROW_ID_OFFSET, rowId, ORDER);
        buffer.putLong(offset + ROW_VERSION_OFFSET, version, ORDER);
        buffer.putLong(offset + ROW_LSN_OFFSET, lsn, ORDER);
        buffer.putLong(offset + ROW_VALUE_OFFSET, value, ORDER);
        for (int i = 0; i < ROW_PAYLOAD_LENGTH; i++)
        {
            buffer.putByte(offset + ROW_PAYLOAD_OFFSET + i, payloadByte(value, i));
        }
        buffer.putInt(offset + ROW_CRC_OFFSET, rowCrc(offset), ORDER);
    }

    /**
     * Write a bank account's row ({@link BankDescriptor}) in its slot: id, version, LSN, balance, the payload
     * derived from the balance, the row CRC.
     *
     * @return this.
     */
    HeapPage putAccount(final int account, final long version, final long balance, final long lsn)
    {
        putRowAt(rowOffset(BankDescriptor.slotOf(account)), account, version, lsn, balance);
        return this;
    }

    /**
     * @param account an account of this page.
     * @return its balance: {@link BankDescriptor#INITIAL_BALANCE} if no transfer has written it.
     */
    long balance(final int account)
    {
        final int offset = rowOffset(BankDescriptor.slotOf(account));
        return 0 == buffer.getLong(offset + ROW_VERSION_OFFSET, ORDER) ? BankDescriptor.INITIAL_BALANCE :
            buffer.getLong(offset + ROW_VALUE_OFFSET, ORDER);
    }

    /**
     * @param account an account of this page.
     * @return transfers that changed it (0: never written).
     */
    long accountVersion(final int account)
    {
        return buffer.getLong(rowOffset(BankDescriptor.slotOf(account)) + ROW_VERSION_OFFSET, ORDER);
    }

    /**
     * Check an account's slot: never written (all zero), or its id, CRC and payload match.
     *
     * @return null if sound, else what is wrong.
     */
    String checkAccount(final int account)
    {
        final int offset = rowOffset(BankDescriptor.slotOf(account));
        final long version = buffer.getLong(offset + ROW_VERSION_OFFSET, ORDER);
        if (0 == version)
        {
            return 0 == buffer.getLong(offset + ROW_ID_OFFSET, ORDER) &&
                0 == buffer.getInt(offset + ROW_CRC_OFFSET, ORDER) ? null :
                "account slot with version 0 is not empty: account=" + account;
        }
        final long id = buffer.getLong(offset + ROW_ID_OFFSET, ORDER);
        final long balance = buffer.getLong(offset + ROW_VALUE_OFFSET, ORDER);
        if (id != account)
        {
            return "account slot holds another row: account=" + account + ", found=" + id;
        }
        if (buffer.getInt(offset + ROW_CRC_OFFSET, ORDER) != rowCrc(offset))
        {
            return "account row CRC mismatch (torn or mixed image): account=" + account + ", version=" + version;
        }
        if (balance < 0)
        {
            return "account balance negative: account=" + account + ", balance=" + balance;
        }
        for (int i = 0; i < ROW_PAYLOAD_LENGTH; i++)
        {
            if (buffer.getByte(offset + ROW_PAYLOAD_OFFSET + i) != payloadByte(balance, i))
            {
                return "account payload does not match its balance: account=" + account + ", byte=" + i;
            }
        }
        return null;
    }

    /**
     * Check a written row slot: its id, its CRC, and that its value and payload are the ones its version implies.
     *
     * @param rowId the row expected in the slot.
     * @return null if the row is sound, else what is wrong.
     */
    String checkRow(final long rowId)
    {
        final int offset = rowOffset(rowId);
        final long id = buffer.getLong(offset + ROW_ID_OFFSET, ORDER);
        final long version = buffer.getLong(offset + ROW_VERSION_OFFSET, ORDER);
        final long value = buffer.getLong(offset + ROW_VALUE_OFFSET, ORDER);
        if (id != rowId)
        {
            return "row slot holds another row: rowId=" + rowId + ", found=" + id + ", version=" + version;
        }
        final int stored = buffer.getInt(offset + ROW_CRC_OFFSET, ORDER);
        final int computed = rowCrc(offset);
        if (stored != computed)
        {
            return "row CRC mismatch (torn or mixed image): rowId=" + rowId + ", version=" + version +
                ", stored=" + Integer.toHexString(stored) + ", computed=" + Integer.toHexString(computed);
        }
        if (value != value(rowId, version))
        {
            return "row value is not the one node 0 writes for this version: rowId=" + rowId + ", version=" +
                version + ", value=" + value + ", expected=" + value(rowId, version);
        }
        for (int i = 0; i < ROW_PAYLOAD_LENGTH; i++)
        {
            if (buffer.getByte(offset + ROW_PAYLOAD_OFFSET + i) != payloadByte(value, i))
            {
                return "row payload does not match its value: rowId=" + rowId + ", version=" + version +
                    ", byte=" + i;
            }
        }
        return null;
    }

    private int rowCrc(final int offset)
    {
        crc.reset();
        crc.update(buffer.byteArray(), (int)buffer.wrapAdjustment() + offset, ROW_CRC_OFFSET);
        return (int)crc.getValue();
    }

    /**
     * The value node 0 writes for a row version: a hash, so that a reader can tell a real version from garbage.
     *
     * @param rowId   the row.
     * @param version the version.
     * @return the value.
     */
    static long value(final long rowId, final long version)
    {
        long z = rowId * 0x9E3779B97F4A7C15L + version * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    static byte payloadByte(final long value, final int index)
    {
        return (byte)((value >>> ((index & 7) * 8)) + index);
    }
}
