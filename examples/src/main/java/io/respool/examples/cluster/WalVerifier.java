package io.respool.examples.cluster;

import io.respool.dss.DssFile;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

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
    private final WalRecord flyweight = new WalRecord();
    private long baseLsn = -1;
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
        final long base = baseLsn();
        if (base < 0 || lsn < base + RECORD_LENGTH || (lsn - base) % RECORD_LENGTH != 0)
        {
            problems.add("row LSN is not a WAL record boundary: rowId=" + rowId + ", lsn=" + lsn + ", walBase=" +
                base);
            return;
        }
        final long offset = lsn - base - RECORD_LENGTH;
        final int read = wal.read(offset, record, 0, RECORD_LENGTH);
        if (read < RECORD_LENGTH)
        {
            problems.add("row version visible on node 1 before its WAL record was on DSS: rowId=" + rowId +
                ", version=" + version + ", lsn=" + lsn + ", read=" + Math.max(0, read));
            return;
        }
        final String bad = flyweight.wrap(record, 0).check(lsn);
        final int expectedType = 1 == version ? TYPE_INSERT : TYPE_UPDATE;
        if (bad != null)
        {
            problems.add("WAL record at offset " + offset + " of " + wal.path() + ": " + bad + " (for rowId=" +
                rowId + ", version=" + version + ")");
        }
        else if (flyweight.type() != expectedType || flyweight.rowId() != rowId || flyweight.version() != version)
        {
            problems.add("the WAL record at the row's LSN is another change: rowId=" + rowId + ", version=" +
                version + ", lsn=" + lsn + ", record=" + flyweight);
        }
    }

    /**
     * @return the base LSN of node 0's WAL, from its first record; -1 if that is not on DSS yet.
     */
    private long baseLsn()
    {
        if (baseLsn < 0 && wal.read(0, record, 0, RECORD_LENGTH) == RECORD_LENGTH &&
            flyweight.wrap(record, 0).check(-1) == null)
        {
            baseLsn = flyweight.lsn() - RECORD_LENGTH;
        }
        return baseLsn;
    }

    /**
     * Replay the log up to {@code lastLsn}, node 0's last commit: records contiguous and sound, inserts in row
     * order, each update one version past the last, checkpoint records in between, and exactly the commits node 0
     * reported (the table's creation, its inserts and its updates), the last at {@code lastLsn}.
     *
     * @return each row's last version.
     */
    long[] replay(final long inserted, final long updated, final long lastLsn)
    {
        final long[] versions = new long[(int)inserted];
        final UnsafeBuffer chunk = new UnsafeBuffer(new byte[CHUNK]);
        final long base = baseLsn();
        if (base < 0)
        {
            problems.add("node 0's WAL on DSS has no first record: file=" + wal.path());
            return versions;
        }
        final long end = lastLsn - base;
        long inserts = 0;
        long updates = 0;
        long metas = 0;
        long lastCommit = 0;
        for (long position = 0; position < end; position += CHUNK)
        {
            final int length = (int)Math.min(CHUNK, end - position);
            final int read = wal.read(position, chunk, 0, length);
            if (read != length)
            {
                problems.add("node 0's WAL on DSS is shorter than node 0 says it committed: lastLsn=" + lastLsn +
                    ", read=" + Math.max(0, read) + " bytes at " + position);
                return versions;
            }
            for (int offset = 0; offset + RECORD_LENGTH <= length; offset += RECORD_LENGTH)
            {
                recordsReplayed++;
                final long fileOffset = position + offset;
                final String bad = flyweight.wrap(chunk, offset).check(base + fileOffset + RECORD_LENGTH);
                if (bad != null)
                {
                    problems.add("WAL record at offset " + fileOffset + " of " + wal.path() + ": " + bad);
                    return versions;
                }
                final int type = flyweight.type();
                final long rowId = flyweight.rowId();
                final long version = flyweight.version();
                if (type == TYPE_CHECKPOINT)
                {
                    continue;
                }
                lastCommit = flyweight.lsn();
                if (type == TYPE_INSERT && rowId == inserts && rowId < inserted)
                {
                    versions[(int)rowId] = 1;
                    inserts++;
                }
                else if (type == TYPE_UPDATE && rowId < inserts && version == versions[(int)rowId] + 1)
                {
                    versions[(int)rowId] = version;
                    updates++;
                }
                else if (type == TYPE_META && 0 == metas && 0 == rowId && 0 == inserts)
                {
                    metas++;
                }
                else
                {
                    problems.add("WAL record out of order: offset=" + fileOffset + ", record=" + flyweight);
                    return versions;
                }
            }
        }
        if (inserts != inserted || updates != updated || 1 != metas || lastCommit != lastLsn)
        {
            problems.add("node 0's WAL on DSS does not hold the commits node 0 reported: inserts=" + inserts + "/" +
                inserted + ", updates=" + updates + "/" + updated + ", creates=" + metas + "/1, last commit LSN=" +
                lastCommit + "/" + lastLsn);
        }
        return versions;
    }
}
