package io.respool.examples.cluster;

import io.respool.dss.DssFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The bank in this JVM, through three writer crashes: clients transfer on the writer, a reader sums every balance
 * under S on all account pages, the writer crashes (its WAL drops what was not written), the other node replays
 * its WAL, TRANSFER records included, and becomes the writer, and so on back and forth. At the end: every read saw
 * the true total, every acknowledged transfer is in a WAL exactly once, the logged transfers replayed give the
 * table's balances, a second replay changes nothing.
 */
class BankRecoveryTest
{
    private static final int CRASHES = 3;
    private static final long TRANSFERS_PER_EPOCH = 300;

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldConserveTheTotalAndKeepEveryAcknowledgedTransferOnceThroughCrashes(@TempDir final Path dir)
        throws Exception
    {
        final ClusterConfig config = ExampleDbNode.prepare(dir);
        final WriterRole.Settings settings = ExampleDbNode.settings(1, 0, 0, 100);
        final BankLedger ledger = new BankLedger();
        final Set<Long> acked = ConcurrentHashMap.newKeySet();
        final AtomicLong ids = new AtomicLong(1);
        long readsTotal = 0;
        long pagesRedone = 0;

        ExampleDbNode node = ExampleDbNode.open(config, 0, true);
        WriterRole role = node.writerRole(settings).start();
        try
        {
            for (int epoch = 0; epoch <= CRASHES; epoch++)
            {
                final Bank bank = new Bank(node.pages, node.store, node.wal);
                assertEquals(BankDescriptor.TOTAL, bank.total(), "total after recovery, epoch " + epoch);
                final long ackedAtStart = acked.size();
                final BankClients clients = new BankClients(bank, node.wal, 4, 11 + epoch, ids, 400,
                    ExampleDbNode.TIMEOUT_NS, acked::add).start();
                final BankReader reader = new BankReader(bank, 2, "bank-reader").start();
                final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (acked.size() - ackedAtStart < TRANSFERS_PER_EPOCH || role.checkpointer().checkpoints() < 2)
                {
                    assertTrue(deadlineNs - System.nanoTime() > 0, "epoch " + epoch + " did not reach its end: " +
                        clients.failures());
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
                }
                if (epoch == CRASHES)
                {
                    clients.close();
                    reader.close();
                    assertEquals(List.of(), clients.failures());
                }
                else
                {
                    node.crash();
                    clients.close();
                    reader.close();
                }
                assertEquals(0, reader.wrong(), reader.firstWrong());
                assertTrue(reader.reads() > 0, "the reader read");
                readsTotal += reader.reads();
                role.close();
                if (epoch == CRASHES)
                {
                    break;
                }
                final int dead = node.nodeId;
                node.close();
                node = ExampleDbNode.open(config, 1 - dead, false);
                // collect the dead writer's WAL, and this node's own old one before its restart empties it
                collect(node, ledger, dead);
                collect(node, ledger, node.nodeId);
                role = node.promote(dead, settings);
                final Recovery.Result recovery = role.promoted().recovery();
                // a checkpoint under way at the crash may have written every page already: counted over all crashes
                pagesRedone += recovery.pagesChanged();
                try (DssFile deadWal = node.dss.open(ClusterNode.walPath(dead)))
                {
                    final Recovery.Result again = Recovery.replay(deadWal, new DmsRedoPages(node.pages, node.store));
                    assertEquals(0, again.pagesChanged(), "a second replay changes nothing: " + again.describe());
                }
            }
            collect(node, ledger, node.nodeId);
            final long[] balances = new Bank(node.pages, node.store, node.wal).balances();
            assertEquals(List.of(), ledger.check(acked, balances));
            assertTrue(ledger.size() >= acked.size(), "ledger " + ledger.size() + ", acked " + acked.size());
            assertTrue(acked.size() >= (CRASHES + 1) * TRANSFERS_PER_EPOCH, "acked " + acked.size());
            assertTrue(readsTotal > 0);
            assertTrue(pagesRedone > 0, "redo applied TRANSFER records to pages in some recovery");
            final Problems problems = node.problems;
            assertEquals(0, problems.count(), () -> String.join("\n", problems.first()));
            assertEquals(List.of(), node.dss.volumeGroup(ClusterStorage.VG_NAME).check());
        }
        finally
        {
            role.close();
            node.close();
        }
    }

    private static void collect(final ExampleDbNode node, final BankLedger ledger, final int walNode)
    {
        try (DssFile wal = node.dss.open(ClusterNode.walPath(walNode)))
        {
            ledger.collect(wal);
        }
    }
}
