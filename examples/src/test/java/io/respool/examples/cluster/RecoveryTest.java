package io.respool.examples.cluster;

import io.respool.dss.DssFile;
import io.respool.dss.OpenFlag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The single writer crashes mid-run, in this JVM: its WAL drops what it had not written, its checkpoints stop.
 * Another node, with the other DSS home, replays the dead writer's WAL from its last checkpoint and takes the
 * writer's role. Every acknowledged commit must be there, nothing past the WAL's end, and LSNs must keep growing.
 */
class RecoveryTest
{
    private static final long ROWS = 400;
    private static final long UPDATES = 5000;
    private static final long RATE = 6000;
    private static final long CRASH_AFTER_COMMITS = 1500;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldKeepEveryAcknowledgedCommitThroughACrashAndPromotionWithLsnsGrowing(@TempDir final Path dir)
        throws Exception
    {
        final ClusterConfig config = ExampleDbNode.prepare(dir);
        final WriterRole.Settings settings = ExampleDbNode.settings(ROWS, UPDATES, RATE, 150);
        final long acknowledged;
        final long acknowledgedLsn;
        final long appended;
        try (ExampleDbNode node0 = ExampleDbNode.open(config, 0, true))
        {
            final WriterRole role = node0.writerRole(settings).start();
            final AtomicReference<Throwable> writerFailure = new AtomicReference<>();
            final Thread writer = new Thread(() ->
            {
                try
                {
                    role.writer().createAndWrite();
                }
                catch (final RuntimeException ex)
                {
                    writerFailure.set(ex);
                }
            }, "test-writer");
            writer.start();
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (node0.wal.durableCommits() < CRASH_AFTER_COMMITS || role.checkpointer().lastCheckpointLsn() == 0)
            {
                assertTrue(deadlineNs - System.nanoTime() > 0, "the writer did not reach the crash point");
                assertTrue(writer.isAlive(), () -> "the writer stopped early: " + writerFailure.get());
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            node0.crash();
            writer.join(TimeUnit.SECONDS.toMillis(10));
            role.close();
            assertNotNull(writerFailure.get(), "the crash must stop the writer mid-run");
            // once the WAL writer is stopped nothing more becomes durable: these are the acknowledged commits
            acknowledged = node0.wal.durableCommits();
            acknowledgedLsn = node0.wal.durableCommitLsn();
            appended = node0.wal.position().commits();
        }
        assertTrue(acknowledged < 1 + ROWS + UPDATES, "crashed before the end: " + acknowledged);

        try (ExampleDbNode node1 = ExampleDbNode.open(config, 1, false);
            WriterRole role = node1.promote(0, settings))
        {
            final Recovery.Result recovery = role.promoted().recovery();
            assertEquals(acknowledged, recovery.commits(), recovery.describe() + ", appended=" + appended);
            assertEquals(acknowledgedLsn, recovery.lastCommitLsn(), recovery.describe());
            assertEquals(-1, recovery.tornTailOffset(), recovery.describe());
            assertTrue(recovery.checkpointLsn() > 0 && recovery.redoLsn() > 0, recovery.describe());
            assertTrue(recovery.replayed() < recovery.records(), "replay starts at the checkpoint: " +
                recovery.describe());
            assertTrue(recovery.pagesChanged() > 0, "changes after the checkpoint were redone: " +
                recovery.describe());

            // exactly the first commits: each row at the version the workload gives it after them, nothing else
            final long[] expected = Workload.versionsAfter(ROWS, UPDATES, 7, acknowledged - 1);
            assertArrayEquals(expected, node1.rowVersions(ROWS));
            final TreeMap<Integer, Long> recoveredLsns = node1.pageLsns(ROWS);

            // the second replay of the same WAL finds every change already there
            try (DssFile deadWal = node1.dss.open(ClusterNode.walPath(0)))
            {
                final Recovery.Result again = Recovery.replay(deadWal, new DmsRedoPages(node1.pages, node1.store));
                assertEquals(0, again.pagesChanged(), again.describe());
                assertTrue(again.pagesSkipped() > 0, again.describe());
                assertEquals(recovery.commits(), again.commits());
            }
            assertArrayEquals(expected, node1.rowVersions(ROWS));

            // the promoted writer's WAL starts above everything the dead one wrote
            final long base = role.promoted().baseLsn();
            assertTrue(base >= recovery.endLsn(), "base=" + base + ", " + recovery.describe());
            for (final long lsn : recoveredLsns.values())
            {
                assertTrue(lsn <= base, "page LSN " + lsn + " above the new base " + base);
            }

            role.writer().resume(recovery.commits());
            assertTrue(role.writer().finished());
            assertArrayEquals(Workload.versionsAfter(ROWS, UPDATES, 7, ROWS + UPDATES), node1.rowVersions(ROWS));
            assertEquals(1 + ROWS + UPDATES, node1.wal.durableCommits());
            final TreeMap<Integer, Long> finalLsns = node1.pageLsns(ROWS);
            for (final Map.Entry<Integer, Long> entry : finalLsns.entrySet())
            {
                final long before = recoveredLsns.getOrDefault(entry.getKey(), 0L);
                assertTrue(entry.getValue() >= before, "page " + entry.getKey() + " LSN went back");
                assertTrue(entry.getValue() == before || entry.getValue() > base,
                    "page " + entry.getKey() + " changed after promotion at an LSN not above the base");
            }

            // the new WAL is whole on its own: it begins with the end-of-recovery checkpoint at the base
            try (DssFile ownWal = node1.dss.open(ClusterNode.walPath(1), OpenFlag.WRITE))
            {
                final Recovery.Result scan = Recovery.scan(ownWal);
                assertEquals(base, scan.baseLsn(), scan.describe());
                assertEquals(1 + ROWS + UPDATES, scan.commits(), scan.describe());
                assertTrue(scan.redoLsn() >= base, scan.describe());
            }
            assertEquals(0, node1.problems.count(), () -> String.join("\n", node1.problems.first()));
        }
    }
}
