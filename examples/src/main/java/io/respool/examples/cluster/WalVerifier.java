package io.respool.examples.cluster;

import io.respool.dss.DssFile;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.zip.CRC32C;

import static io.respool.examples.cluster.WalRecordDescriptor.*;

/**
 * Node 1's view of node 0's WAL, read from DSS through node 1's own DSS instance: whether the record of a row
 * version is there (so the version was committed before node 1 saw it), and a replay of the whole log at the end.
 * Reads go through {@link DssFile#read}, never {@link DssFile#size()}: an open handle's size is not refreshed from
 * what other instances wrote, a read past its end is. Used by one thread.
 */
final class WalVerifier
{
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    private static final int CHUNK = 64 * 1024;

    private final DssFile wal;
    private final Problems problems;
    private final UnsafeBuffer record = new UnsafeBuffer(new byte[RECORD_LENGTH]);
    private final CRC32C crc = new CRC32C();
    private volatile long committedChecks;
    private volatile long recordsReplayed;

    /**
     * @param wal      node 0's WAL file, open read-only.
     * @param problems where problems go.
     */
    WalVerifier(final DssFile wal, final Problems problems)
    {
        this.wal = wal;
        this.problems = problems;
    }

    long committedChecks()
    {
        return committedChecks;
    }

    long recordsReplayed()
    {
        return recordsReplayed;
    }

    /**
     * The WAL record that made this row version must already be on DSS, with this row, version and value.
     */
    void checkCommitted(final long rowId, final long version, final long lsn)
    {
        committedChecks++;
        if (lsn < RECORD_LENGTH || lsn % RECORD_LENGTH != 0)
        {
            problems.add("row LSN is not a WAL record boundary: rowId=" + rowId + ", lsn=" + lsn);
            return;
        }
        final int read = wal.read(lsn - RECORD_LENGTH, record, 0, RECORD_LENGTH);
        if (read < RECORD_LENGTH)
        {
            problems.add("row version visible on node 1 before its WAL record was on DSS: rowId=" + rowId +
                ", version=" + version + ", lsn=" + lsn + ", read=" + Math.max(0, read));
            return;
        }
        final String bad = check(record, 0, lsn - RECORD_LENGTH);
        final int expectedType = 1 == version ? TYPE_INSERT : TYPE_UPDATE;
        if (bad != null)
        {
            problems.add(bad + " (for rowId=" + rowId + ", version=" + version + ")");
        }
        else if (record.getInt(TYPE_OFFSET, ORDER) != expectedType ||
            record.getLong(ROW_ID_OFFSET, ORDER) != rowId ||
            record.getLong(VERSION_OFFSET, ORDER) != version)
        {
            problems.add("the WAL record at the row's LSN is another change: rowId=" + rowId + ", version=" +
                version + ", lsn=" + lsn + ", record={type=" + typeName(record.getInt(TYPE_OFFSET, ORDER)) +
                ", rowId=" + record.getLong(ROW_ID_OFFSET, ORDER) + ", version=" +
                record.getLong(VERSION_OFFSET, ORDER) + "}");
        }
    }

    /**
     * Replay the log up to {@code lastLsn}: records contiguous and sound, inserts in row order, each update one
     * version past the last, and exactly the counts node 0 reported.
     *
     * @return each row's last version.
     */
    long[] replay(final long inserted, final long updated, final long lastLsn)
    {
        final long[] versions = new long[(int)inserted];
        final UnsafeBuffer chunk = new UnsafeBuffer(new byte[CHUNK]);
        long inserts = 0;
        long updates = 0;
        for (long position = 0; position < lastLsn; position += CHUNK)
        {
            final int length = (int)Math.min(CHUNK, lastLsn - position);
            final int read = wal.read(position, chunk, 0, length);
            if (read != length)
            {
                problems.add("node 0's WAL on DSS is shorter than node 0 says it flushed: lastLsn=" + lastLsn +
                    ", read=" + Math.max(0, read) + " bytes at " + position);
                return versions;
            }
            for (int offset = 0; offset + RECORD_LENGTH <= length; offset += RECORD_LENGTH)
            {
                recordsReplayed++;
                final String bad = check(chunk, offset, position + offset);
                if (bad != null)
                {
                    problems.add(bad);
                    return versions;
                }
                final int type = chunk.getInt(offset + TYPE_OFFSET, ORDER);
                final long rowId = chunk.getLong(offset + ROW_ID_OFFSET, ORDER);
                final long version = chunk.getLong(offset + VERSION_OFFSET, ORDER);
                if (type == TYPE_INSERT && rowId == inserts && 1 == version && rowId < inserted)
                {
                    versions[(int)rowId] = 1;
                    inserts++;
                }
                else if (type == TYPE_UPDATE && rowId < inserts && version == versions[(int)rowId] + 1)
                {
                    versions[(int)rowId] = version;
                    updates++;
                }
                else if (type != TYPE_META || rowId != inserts)
                {
                    problems.add("WAL record out of order: offset=" + (position + offset) + ", type=" +
                        typeName(type) + ", rowId=" + rowId + ", version=" + version);
                    return versions;
                }
            }
        }
        if (inserts != inserted || updates != updated)
        {
            problems.add("node 0's WAL on DSS does not hold what node 0 reported: inserts=" + inserts + "/" +
                inserted + ", updates=" + updates + "/" + updated);
        }
        return versions;
    }

    /**
     * @return null if the record at {@code offset} of {@code buffer} is sound, else what is wrong.
     */
    private String check(final UnsafeBuffer buffer, final int offset, final long fileOffset)
    {
        if (buffer.getInt(offset + MAGIC_OFFSET, ORDER) != MAGIC)
        {
            return "WAL record has a bad magic: offset=" + fileOffset;
        }
        crc.reset();
        crc.update(buffer.byteArray(), (int)buffer.wrapAdjustment() + offset, CRC_OFFSET);
        if ((int)crc.getValue() != buffer.getInt(offset + CRC_OFFSET, ORDER))
        {
            return "WAL record fails its CRC: offset=" + fileOffset;
        }
        if (buffer.getLong(offset + LSN_OFFSET, ORDER) != fileOffset + RECORD_LENGTH)
        {
            return "WAL record LSN is not its end offset: offset=" + fileOffset + ", lsn=" +
                buffer.getLong(offset + LSN_OFFSET, ORDER);
        }
        final int type = buffer.getInt(offset + TYPE_OFFSET, ORDER);
        if (type != TYPE_META)
        {
            final long rowId = buffer.getLong(offset + ROW_ID_OFFSET, ORDER);
            final long version = buffer.getLong(offset + VERSION_OFFSET, ORDER);
            if (buffer.getLong(offset + VALUE_OFFSET, ORDER) != HeapPage.value(rowId, version))
            {
                return "WAL record value is not the one for its version: offset=" + fileOffset + ", rowId=" + rowId;
            }
        }
        return null;
    }
}
