package io.respool.examples.cluster;

import io.respool.dms.api.DmsNode;
import io.respool.dss.Dss;
import io.respool.dss.DssFile;
import io.respool.dss.OpenFlag;

/**
 * The writer's role on a node: a {@link Checkpointer} on a timer (and when DMS asks for a page write) and the
 * {@link Writer}. Node 0 takes it at the start; a standby takes it by {@link #promote}.
 * <p>
 * Promotion, in order: reopen the table file for writing; replay the dead writer's WAL from its last checkpoint
 * into the pages ({@link Recovery}, through {@link DmsRedoPages}); restart this node's own, empty WAL at a base
 * LSN no lower than the replayed end and than any LSN this node has seen, so that LSNs keep growing; write an
 * end-of-recovery checkpoint (the replayed pages to DSS and a checkpoint record on the new WAL, so the dead WAL is
 * no longer needed); start checkpointing. The caller then runs {@code writer().resume(commits)} to go on with the
 * dead writer's work. Under a DMS reform ({@link NodeReformHandler}) the replay runs in the reform's recovery step
 * through DMS's recovery-only access ({@link #replay}), and the rest once the reform has ended ({@link #takeOver}):
 * the checkpoint takes pages through normal access, which opens only then.
 */
final class WriterRole implements AutoCloseable
{
    /**
     * The writer's settings.
     *
     * @param rows         rows the workload inserts.
     * @param updates      updates it makes.
     * @param rate         transactions per second, 0 for no limit.
     * @param seed         the workload's seed.
     * @param checkpointMs checkpoint interval.
     * @param timeoutNs    how long one page acquire or WAL flush may take.
     */
    record Settings(long rows, long updates, long rate, long seed, long checkpointMs, long timeoutNs)
    {
    }

    /**
     * What a promotion did.
     *
     * @param recovery     the replay of the dead writer's WAL.
     * @param baseLsn      where this node's WAL restarted.
     * @param pagesWritten pages the end-of-recovery checkpoint wrote.
     */
    record Promoted(Recovery.Result recovery, long baseLsn, int pagesWritten)
    {
    }

    private final Checkpointer checkpointer;
    private final Writer writer;
    private final ClusterNode.Periodic checkpoints;
    private final Problems problems;
    private final DssFile ownedHeap;
    private volatile Promoted promoted;

    /**
     * @param heap      the table file, open for writing.
     * @param ownedHeap the same handle if this role is to close it, else null.
     */
    WriterRole(final DmsNode node, final PageAccess pages, final TablePageStore store, final DssFile heap,
        final Wal wal, final ControlChannel control, final Problems problems, final Settings settings,
        final DssFile ownedHeap)
    {
        this.problems = problems;
        this.ownedHeap = ownedHeap;
        this.checkpointer = new Checkpointer(node, store, heap, wal, settings.timeoutNs());
        this.writer = new Writer(pages, store, wal, checkpointer, control, problems, settings.rows(),
            settings.updates(), settings.rate(), settings.seed(), settings.timeoutNs());
        this.checkpoints = new ClusterNode.Periodic("checkpointer", settings.checkpointMs(), () ->
        {
            checkpointer.checkpoint();
            return null;
        });
        store.onWriteRequested(checkpoints::wake);
    }

    /**
     * Take the writer's role from a dead writer (see the class comment): replay, then {@link #takeOver}.
     *
     * @param dss         this node's DSS instance.
     * @param deadWalPath the dead writer's WAL file on DSS.
     * @return the role, checkpointing; {@link #promoted()} says what recovery found.
     * @throws RecoveryException if the dead writer's WAL is damaged before its end.
     */
    static WriterRole promote(final Dss dss, final String heapPath, final String deadWalPath, final DmsNode node,
        final PageAccess pages, final TablePageStore store, final Wal ownWal, final ControlChannel control,
        final Problems problems, final Settings settings)
    {
        final Recovery.Result recovery = replay(dss, deadWalPath, new DmsRedoPages(pages, store), node.nodeId());
        return takeOver(dss, heapPath, recovery, node, pages, store, ownWal, control, problems, settings);
    }

    /**
     * Replay a dead writer's WAL from its last checkpoint into the pages. In a DMS reform this runs in the
     * database's {@code recover} step, with {@link RecoveryRedoPages}; the pages it changes stay dirty here until
     * {@link #takeOver}'s end-of-recovery checkpoint.
     *
     * @throws RecoveryException if the WAL is damaged before its end.
     */
    static Recovery.Result replay(final Dss dss, final String deadWalPath, final Recovery.RedoPages redoPages,
        final int nodeId)
    {
        final Recovery.Result recovery;
        try (DssFile deadWal = dss.open(deadWalPath))
        {
            recovery = Recovery.replay(deadWal, redoPages);
        }
        System.out.println("node " + nodeId + " replayed " + recovery.describe());
        return recovery;
    }

    /**
     * After the replay, with normal page access open: reopen the table for writing, restart this node's WAL above
     * every LSN seen, write the end-of-recovery checkpoint and start checkpointing.
     *
     * @param recovery what the replay found.
     * @return the role, checkpointing.
     */
    static WriterRole takeOver(final Dss dss, final String heapPath, final Recovery.Result recovery,
        final DmsNode node, final PageAccess pages, final TablePageStore store, final Wal ownWal,
        final ControlChannel control, final Problems problems, final Settings settings)
    {
        final DssFile heap = dss.open(heapPath, OpenFlag.WRITE);
        try
        {
            store.useHeap(heap);
            final long baseLsn = Math.max(Math.max(recovery.endLsn(), store.highestLsnSeen()), ownWal.flushedLsn());
            ownWal.restartAt(baseLsn, recovery.commits(), recovery.lastCommitLsn());
            final WriterRole role = new WriterRole(node, pages, store, heap, ownWal, control, problems, settings,
                heap);
            final int written = role.checkpointer.checkpoint();
            role.promoted = new Promoted(recovery, baseLsn, written);
            System.out.println("node " + node.nodeId() + " is the writer: its WAL continues above LSN " + baseLsn +
                ", end-of-recovery checkpoint wrote " + written + " pages");
            return role.start();
        }
        catch (final RuntimeException | Error ex)
        {
            heap.close();
            throw ex;
        }
    }

    /**
     * The writer's role at the start of a cluster restarted over its data (or a new one): replay the newest of
     * the two WALs, the last writer's, into the pages through DMS (this node masters every page and no other
     * node has any yet), restart this node's WAL above both, write the end-of-recovery checkpoint, start
     * checkpointing. The older WAL needs no replay: the newer one's writer checkpointed everything before it.
     * With both WALs empty it is a new table: the role starts as is.
     *
     * @param heap the table file, open for writing (not closed by the role).
     * @return the role, checkpointing; {@link #promoted()} says what recovery found, null for a new table.
     */
    static WriterRole recoverAtStart(final Dss dss, final DmsNode node, final PageAccess pages,
        final TablePageStore store, final DssFile heap, final Wal wal, final ControlChannel control,
        final Problems problems, final Settings settings)
    {
        String newest = null;
        long newestEnd = 0;
        long highestEnd = 0;
        for (int id = 0; id < 2; id++)
        {
            try (DssFile file = dss.open(ClusterNode.walPath(id)))
            {
                final Recovery.Result scan = Recovery.scan(file);
                highestEnd = Math.max(highestEnd, scan.endLsn());
                if (scan.endLsn() > newestEnd)
                {
                    newestEnd = scan.endLsn();
                    newest = scan.walPath();
                }
            }
        }
        final WriterRole role = new WriterRole(node, pages, store, heap, wal, control, problems, settings, null);
        if (newest == null)
        {
            return role.start();
        }
        final Recovery.Result recovery = replay(dss, newest, new DmsRedoPages(pages, store), node.nodeId());
        final long baseLsn = Math.max(Math.max(highestEnd, store.highestLsnSeen()), wal.flushedLsn());
        wal.restartAt(baseLsn, recovery.commits(), recovery.lastCommitLsn());
        final int written = role.checkpointer.checkpoint();
        role.promoted = new Promoted(recovery, baseLsn, written);
        System.out.println("node " + node.nodeId() + " recovered the table at start: its WAL continues above LSN " +
            baseLsn + ", end-of-recovery checkpoint wrote " + written + " pages");
        return role.start();
    }

    /**
     * Start the checkpoint timer.
     *
     * @return this.
     */
    WriterRole start()
    {
        checkpoints.start();
        return this;
    }

    Writer writer()
    {
        return writer;
    }

    Checkpointer checkpointer()
    {
        return checkpointer;
    }

    /**
     * @return what the promotion that made this role did, or null for the first writer.
     */
    Promoted promoted()
    {
        return promoted;
    }

    /**
     * Stop checkpointing (a checkpoint in progress completes) and report its failures as problems.
     */
    @Override
    public void close()
    {
        checkpoints.close();
        problems.addAll(checkpoints.failures());
        if (ownedHeap != null)
        {
            ownedHeap.close();
        }
    }
}
