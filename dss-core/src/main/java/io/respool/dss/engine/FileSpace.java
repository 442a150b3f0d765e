package io.respool.dss.engine;

import io.respool.blockdev.BlockDeviceException;
import io.respool.dss.DssException;
import io.respool.dss.ErrorCode;

import static io.respool.dss.format.RedoRecordDescriptor.allocateLength;
import static io.respool.dss.format.RedoRecordDescriptor.TRUNCATE_LENGTH;
import static io.respool.dss.format.RedoRecordDescriptor.SET_SIZE_LENGTH;
import static io.respool.dss.format.EntryVolumeLayout.auIndexOf;
import static io.respool.dss.format.EntryVolumeLayout.physicalAu;
import static io.respool.dss.format.EntryVolumeLayout.volumeOf;

/**
 * The space and size of files: where a file's new AUs come from (the volume with the most free space), zeroing them
 * before any record names them, truncation, logging the sizes that writes changed, and making a file durable. Each
 * change runs through the {@link ChangeRunner}; a caller that frees or allocates AUs of a file holds the node's
 * {@code ioLock}.
 */
final class FileSpace
{
    static final long MAX_FILE_SIZE = 8L << 40;

    private final String vgName;
    private final int auSize;
    private final MetadataState state;
    private final RedoLog log;
    private final MetaLock metaLock;
    private final ChangeRunner runner;
    private final VolumeSet volumes;

    FileSpace(final String vgName, final int auSize, final MetadataState state, final RedoLog log,
        final MetaLock metaLock, final ChangeRunner runner, final VolumeSet volumes)
    {
        this.vgName = vgName;
        this.auSize = auSize;
        this.state = state;
        this.log = log;
        this.metaLock = metaLock;
        this.runner = runner;
        this.volumes = volumes;
    }

    int auSize()
    {
        return auSize;
    }

    static void checkFileSize(final long size, final String path)
    {
        if (size < 0 || size > MAX_FILE_SIZE)
        {
            throw new DssException(size < 0 ? ErrorCode.INVALID_ARGUMENT : ErrorCode.FILE_TOO_LARGE,
                "file size out of range: path=" + path + ", size=" + size + ", max=" + MAX_FILE_SIZE + " (8 TiB)");
        }
    }

    /**
     * Allocate and zero the holes among file AUs {@code [firstAu, lastAu]}. The caller holds the node's
     * {@code ioLock}. Not waited for: durable with the next flush, or pass the result to
     * {@link ChangeRunner#awaitDurable}.
     *
     * @return the LSN to await, or 0 if nothing was allocated.
     */
    long allocate(final Node node, final long firstAu, final long lastAu, final String path)
    {
        return runner.mutate("allocate " + path, () ->
        {
            metaLock.writeLock().lock();
            try
            {
                metaLock.checkOpen();
                checkOpenable(node, path);
                long lsn = 0;
                final long[] fileAus = new long[Records.MAX_RUNS_PER_RECORD];
                final long[] physicalAus = new long[Records.MAX_RUNS_PER_RECORD];
                final long[] counts = new long[Records.MAX_RUNS_PER_RECORD];
                final long[] runLength = new long[1];
                long fileAu = firstAu;
                while (fileAu <= lastAu)
                {
                    int runs = 0;
                    try
                    {
                        while (fileAu <= lastAu && runs < Records.MAX_RUNS_PER_RECORD)
                        {
                            if (node.extents.lookup(fileAu) != ExtentMap.HOLE)
                            {
                                fileAu++;
                                continue;
                            }
                            long holeEnd = fileAu;
                            while (holeEnd < lastAu && node.extents.lookup(holeEnd + 1) == ExtentMap.HOLE)
                            {
                                holeEnd++;
                            }
                            final VolumeEntry volume = volumeWithMostFreeSpace(holeEnd - fileAu + 1, path);
                            final long au = volume.space.allocate(holeEnd - fileAu + 1, runLength);
                            fileAus[runs] = fileAu;
                            physicalAus[runs] = physicalAu(volume.id, au);
                            counts[runs] = runLength[0];
                            runs++;
                            runner.checkStillHeld(); // not durably ours yet: a taker could reuse them
                            volume.io.zero(au * auSize, runLength[0] * auSize);
                            fileAu += runLength[0];
                        }
                    }
                    catch (final RuntimeException ex)
                    {
                        for (int r = 0; r < runs; r++)
                        {
                            state.markFreeNow(physicalAus[r], counts[r]);
                        }
                        throw ex instanceof BlockDeviceException ? Volumes.translate((BlockDeviceException)ex) : ex;
                    }
                    if (runs > 0)
                    {
                        final int n = runs;
                        lsn = runner.commit(RecordType.ALLOCATE, allocateLength(n),
                            (b, i) -> Records.allocate(b, i, node.id, fileAus, physicalAus, counts, n));
                    }
                }
                return lsn;
            }
            finally
            {
                metaLock.writeLock().unlock();
            }
        });
    }

    /**
     * Allocate under the volume-group lock, and wait until data may land there: until the allocation is durable
     * under a lease, at once under the {@code flock} ({@link ChangeRunner#awaitAllocationSafe}).
     */
    void allocateForWrite(final Node node, final long firstAu, final long lastAu, final String path)
    {
        runner.mutate("allocate " + path, () ->
        {
            runner.awaitAllocationSafe(allocate(node, firstAu, lastAu, path));
            return null;
        });
    }

    /**
     * Frees that are durable are released first; when nothing is free but frees wait for the log, this waits for
     * the log (under the metadata lock, which keeps other changes out meanwhile).
     */
    private VolumeEntry volumeWithMostFreeSpace(final long wanted, final String path)
    {
        state.releaseFrees(log.durableLsn());
        if (freeAus() == 0 && state.pendingFreesLsn() != 0)
        {
            log.awaitDurable(state.pendingFreesLsn());
            state.releaseFrees(log.durableLsn());
        }
        VolumeEntry best = null;
        long free = 0;
        for (final VolumeEntry volume : state.volumeList())
        {
            free += volume.space.freeCount();
            if (best == null || volume.space.freeCount() > best.space.freeCount())
            {
                best = volume;
            }
        }
        if (best == null || best.space.freeCount() == 0)
        {
            throw new DssException(ErrorCode.OUT_OF_SPACE, "volume group out of space: vg=" + vgName + ", path=" +
                path + ", neededAus=" + wanted + ", freeAus=" + free +
                "; add a volume (dsscmd adv) or delete files (dsscmd rm)");
        }
        return best;
    }

    private long freeAus()
    {
        long free = 0;
        for (final VolumeEntry volume : state.volumeList())
        {
            free += volume.space.freeCount();
        }
        return free;
    }

    /**
     * Set a file's length. The caller holds the node's {@code ioLock} for writing. Growing zeroes what lies past
     * the old end inside allocated AUs first, so the new range reads as zeros. Shrinking zeroes the rest of the
     * last AU kept once the record is durable: a write past the end zeroes nothing, so what a truncate leaves
     * behind must already read as zeros when the file grows again, and zeroing before the record would lose the
     * data of a truncate that a crash undoes (dss-core/DESIGN.md, "Growing a file").
     */
    void truncate(final Node node, final long newSize, final String path)
    {
        runner.mutate("truncate " + path, () ->
        {
            checkFileSize(newSize, path);
            final long lsn;
            final boolean grows;
            metaLock.writeLock().lock();
            try
            {
                metaLock.checkOpen();
                checkOpenable(node, path);
                grows = newSize > node.size;
                if (grows)
                {
                    zeroAllocated(node, node.size, newSize);
                }
                logSizeIfDirty(node);
                lsn = runner.commit(RecordType.TRUNCATE, TRUNCATE_LENGTH, (b, i) -> Records.truncate(b, i, node.id, newSize));
            }
            finally
            {
                metaLock.writeLock().unlock();
            }
            runner.awaitDurable(lsn);
            if (!grows)
            {
                zeroAllocated(node, newSize, (newSize + auSize - 1) / auSize * auSize);
            }
            return null;
        });
    }

    /**
     * Log a file's size and written size if writes changed them since they were last logged. Not waited for.
     *
     * @return the LSN to await, or 0.
     */
    long logSizeIfDirty(final Node node)
    {
        if (!node.sizeDirty)
        {
            return 0;
        }
        return runner.mutate("log the size of a file", () ->
        {
            metaLock.writeLock().lock();
            try
            {
                if (!node.sizeDirty || node.deleted || metaLock.isClosed())
                {
                    return 0L;
                }
                node.sizeDirty = false;
                final long size = node.size;
                final long written = node.writtenSize;
                return runner.commit(RecordType.SET_SIZE, SET_SIZE_LENGTH, (b, i) -> Records.setSize(b, i, node.id, size, written));
            }
            finally
            {
                metaLock.writeLock().unlock();
            }
        });
    }

    /**
     * Make a file's data durable, then its size, then every logged change: data before the size that covers it.
     * Only a size to log (or records still staged) needs the volume-group lock; the data flush does not.
     */
    void flush(final Node node)
    {
        volumes.flushDevices();
        if ((node != null && node.sizeDirty) || hasRecordsToFlush())
        {
            runner.mutate("flush", () ->
            {
                if (node != null && node.sizeDirty)
                {
                    logSizeIfDirty(node);
                }
                runner.flushLog();
                return null;
            });
        }
    }

    /**
     * Records appended and not yet durable. Another thread may be logging this file's size right now: it cleared
     * {@code sizeDirty} and has not appended yet, both under the metadata write lock. Taking the read lock waits
     * for that, so a flush that found the flag clear never returns before the size that covers its writes is
     * durable.
     */
    private boolean hasRecordsToFlush()
    {
        metaLock.readLock().lock();
        try
        {
            return log.appendedLsn() > log.durableLsn();
        }
        finally
        {
            metaLock.readLock().unlock();
        }
    }

    /**
     * Zero the allocated parts of byte range {@code [from, to)} of a file.
     */
    private void zeroAllocated(final Node node, final long from, final long to)
    {
        long position = from;
        while (position < to)
        {
            final long fileAu = position / auSize;
            final long within = position - fileAu * auSize;
            final long chunk = Math.min(to - position, auSize - within);
            final long au = node.extents.lookup(fileAu);
            if (au != ExtentMap.HOLE)
            {
                io(au).zero(auIndexOf(au) * auSize + within, chunk);
            }
            position += chunk;
        }
    }

    DeviceIo io(final long physicalAu)
    {
        return state.volumes[volumeOf(physicalAu)].io;
    }

    /**
     * The node is still in the tree, or is an orphan (deleted while open) reached through a handle.
     */
    private static void checkOpenable(final Node node, final String path)
    {
        if (node.deleted)
        {
            throw new DssException(ErrorCode.NOT_FOUND, "no such file (deleted): path=" + path);
        }
    }
}
