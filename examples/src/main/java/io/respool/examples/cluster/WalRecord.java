package io.respool.examples.cluster;

import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;
import java.util.zip.CRC32C;

import static io.respool.examples.cluster.WalRecordDescriptor.*;

/**
 * Flyweight over one WAL record ({@link WalRecordDescriptor}): encode a record with its layout version and CRC,
 * read its fields, and check it. Not thread-safe (it keeps a CRC instance); nothing allocates but a problem text.
 */
final class WalRecord
{
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private final CRC32C crc = new CRC32C();
    private MutableDirectBuffer buffer;
    private int offset;

    /**
     * @param buffer a buffer backed by a byte array.
     * @param offset where the record starts in it.
     * @return this.
     */
    WalRecord wrap(final MutableDirectBuffer buffer, final int offset)
    {
        if (buffer.byteArray() == null)
        {
            throw new IllegalArgumentException("WAL buffers of the demo are heap buffers: buffer=" + buffer);
        }
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /**
     * Write a whole record at the wrapped offset: the fields, the current layout version and the CRC.
     *
     * @return this.
     */
    WalRecord encode(final int type, final long lsn, final long pageId, final long rowId, final long version,
        final long value)
    {
        buffer.setMemory(offset, RECORD_LENGTH, (byte)0);
        buffer.putInt(offset + MAGIC_OFFSET, MAGIC, ORDER);
        buffer.putInt(offset + TYPE_OFFSET, type, ORDER);
        buffer.putLong(offset + LSN_OFFSET, lsn, ORDER);
        buffer.putLong(offset + PAGE_ID_OFFSET, pageId, ORDER);
        buffer.putLong(offset + ROW_ID_OFFSET, rowId, ORDER);
        buffer.putLong(offset + VERSION_OFFSET, version, ORDER);
        buffer.putLong(offset + VALUE_OFFSET, value, ORDER);
        buffer.putShort(offset + LAYOUT_VERSION_OFFSET, CURRENT_LAYOUT_VERSION, ORDER);
        buffer.putInt(offset + CRC_OFFSET, computeCrc(), ORDER);
        return this;
    }

    /**
     * Write a checkpoint record at the wrapped offset.
     *
     * @return this.
     */
    WalRecord encodeCheckpoint(final long lsn, final long redoLsn, final long commits, final long lastCommitLsn,
        final int writerNode)
    {
        return encode(TYPE_CHECKPOINT, lsn, redoLsn, commits, lastCommitLsn, writerNode);
    }

    /**
     * Write a transfer record at the wrapped offset.
     *
     * @return this.
     */
    WalRecord encodeTransfer(final long lsn, final long transferId, final int from, final int to, final long amount)
    {
        return encode(TYPE_TRANSFER, lsn, transferId, from, to, amount);
    }

    long transferId()
    {
        return buffer.getLong(offset + TRANSFER_ID_OFFSET, ORDER);
    }

    int fromAccount()
    {
        return (int)buffer.getLong(offset + FROM_ACCOUNT_OFFSET, ORDER);
    }

    int toAccount()
    {
        return (int)buffer.getLong(offset + TO_ACCOUNT_OFFSET, ORDER);
    }

    long amount()
    {
        return buffer.getLong(offset + AMOUNT_OFFSET, ORDER);
    }

    int magic()
    {
        return buffer.getInt(offset + MAGIC_OFFSET, ORDER);
    }

    int type()
    {
        return buffer.getInt(offset + TYPE_OFFSET, ORDER);
    }

    long lsn()
    {
        return buffer.getLong(offset + LSN_OFFSET, ORDER);
    }

    long pageId()
    {
        return buffer.getLong(offset + PAGE_ID_OFFSET, ORDER);
    }

    long rowId()
    {
        return buffer.getLong(offset + ROW_ID_OFFSET, ORDER);
    }

    long version()
    {
        return buffer.getLong(offset + VERSION_OFFSET, ORDER);
    }

    long value()
    {
        return buffer.getLong(offset + VALUE_OFFSET, ORDER);
    }

    short layoutVersion()
    {
        return buffer.getShort(offset + LAYOUT_VERSION_OFFSET, ORDER);
    }

    int storedCrc()
    {
        return buffer.getInt(offset + CRC_OFFSET, ORDER);
    }

    long redoLsn()
    {
        return buffer.getLong(offset + REDO_LSN_OFFSET, ORDER);
    }

    long commits()
    {
        return buffer.getLong(offset + COMMITS_OFFSET, ORDER);
    }

    long lastCommitLsn()
    {
        return buffer.getLong(offset + LAST_COMMIT_LSN_OFFSET, ORDER);
    }

    int writerNode()
    {
        return (int)buffer.getLong(offset + WRITER_NODE_OFFSET, ORDER);
    }

    /**
     * @return CRC32C of the record's bytes before the CRC field.
     */
    int computeCrc()
    {
        crc.reset();
        crc.update(buffer.byteArray(), (int)buffer.wrapAdjustment() + offset, CRC_OFFSET);
        return (int)crc.getValue();
    }

    /**
     * Check the record: magic, CRC, layout version, type, and the values a change must carry.
     *
     * @param expectedLsn the LSN its place in the file implies, or -1 if not known (the first record of a file).
     * @return null if sound, else what is wrong (without the file and offset, which the caller adds).
     */
    String check(final long expectedLsn)
    {
        if (magic() != MAGIC)
        {
            return "bad magic " + Integer.toHexString(magic());
        }
        if (storedCrc() != computeCrc())
        {
            return "CRC mismatch: stored=" + Integer.toHexString(storedCrc()) + ", computed=" +
                Integer.toHexString(computeCrc());
        }
        final short layout = layoutVersion();
        if (layout < MIN_COMPAT_LAYOUT_VERSION || layout > CURRENT_LAYOUT_VERSION)
        {
            return "layout version " + layout + " not in " + MIN_COMPAT_LAYOUT_VERSION + ".." +
                CURRENT_LAYOUT_VERSION;
        }
        if (expectedLsn >= 0 ? lsn() != expectedLsn : lsn() < RECORD_LENGTH)
        {
            return "LSN " + lsn() + " is not the one its place implies: expected=" + expectedLsn;
        }
        final int type = type();
        if (type == TYPE_INSERT || type == TYPE_UPDATE)
        {
            if (value() != HeapPage.value(rowId(), version()) || (type == TYPE_INSERT && version() != 1))
            {
                return "value is not the one for its row version: rowId=" + rowId() + ", version=" + version();
            }
        }
        else if (type == TYPE_CHECKPOINT)
        {
            if (redoLsn() > lsn() || lastCommitLsn() > redoLsn())
            {
                return "checkpoint positions out of order: redoLsn=" + redoLsn() + ", lastCommitLsn=" +
                    lastCommitLsn() + ", lsn=" + lsn();
            }
        }
        else if (type == TYPE_TRANSFER)
        {
            return BankDescriptor.checkTransfer(layout, transferId(), buffer.getLong(offset + FROM_ACCOUNT_OFFSET,
                ORDER), buffer.getLong(offset + TO_ACCOUNT_OFFSET, ORDER), amount());
        }
        else if (type != TYPE_META)
        {
            return "unknown type " + type;
        }
        return null;
    }

    @Override
    public String toString()
    {
        if (type() == TYPE_TRANSFER)
        {
            return "WalRecord{type=TRANSFER, lsn=" + lsn() + ", transferId=" + transferId() + ", from=" +
                fromAccount() + ", to=" + toAccount() + ", amount=" + amount() + "}";
        }
        return "WalRecord{type=" + typeName(type()) + ", lsn=" + lsn() + ", pageId=" + pageId() + ", rowId=" +
            rowId() + ", version=" + version() + "}";
    }
}
