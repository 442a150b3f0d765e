package io.respool.examples.cluster;

import io.respool.dms.api.DmsNode;
import io.respool.dss.Dss;
import io.respool.dss.DssFile;

import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A node's part in the bank run ({@link BankRun}), in its own JVM under the disk arbiter.
 * <ul>
 *     <li>Node 0 is the writer. If the table has data (a cluster restarted over it) it first replays the newest
 *     WAL of the two ({@link WriterRole#recoverAtStart}): the old primary's log recovered at start. Then it tells
 *     node 1 to start, and runs the {@link BankClients} and a {@link BankReader}.</li>
 *     <li>Node 1 reads the total with the pages shipped from node 0 ({@link BankReader}, S on all account
 *     pages). If node 0 fails, DMS's reform replays node 0's WAL (TRANSFER records included) and node 1 takes
 *     the writer's role and runs the clients itself.</li>
 *     <li>A new process of node 0 started after a failover ({@code rejoin=true}) rejoins as a standby through
 *     the arbiter and reads the total ({@link #runRejoined}).</li>
 *     <li>In the final epoch ({@code final=true}) node 0 recovers, prints every balance and transfers nothing;
 *     node 1 reads the total a few times; both exit.</li>
 * </ul>
 * Lines for the launcher, which plays the clients' side: {@code BANKACK <ids>} (transfers acknowledged: durable),
 * {@code BANKREAD <node> <reads> <wrong> <unanswered>}, {@code BANKWRONG <what>} (a read saw another total),
 * {@code BANKFINAL <balances>}.
 */
final class BankNode
{
    static final String ACK_PREFIX = "BANKACK ";
    static final String READ_PREFIX = "BANKREAD ";
    static final String WRONG_PREFIX = "BANKWRONG ";
    static final String FINAL_PREFIX = "BANKFINAL ";
    /** Reader acquires wait at most this long, so a read never holds pages long in a failover. */
    static final long READ_ACQUIRE_NS = TimeUnit.MILLISECONDS.toNanos(200);
    /** Transfer ids of the new primary after a failover start this far above the epoch's base. */
    static final long PROMOTED_ID_OFFSET = 500_000_000L;
    static final int CLIENTS = 4;

    private final int nodeId;
    private final Dss dss;
    private final DmsNode node;
    private final PageAccess pages;
    private final TablePageStore store;
    private final DssFile heap;
    private final Wal wal;
    private final ControlChannel control;
    private final Problems problems;
    private final WriterRole.Settings settings;
    private final NodeReformHandler reform;
    private final long idBase;
    private final long ratePerClient;
    private final boolean finalEpoch;
    private final ConcurrentLinkedQueue<Long> toAnnounce = new ConcurrentLinkedQueue<>();
    private volatile boolean failover;
    private volatile BankReader standbyReader;

    BankNode(final int nodeId, final Dss dss, final DmsNode node, final PageAccess pages, final TablePageStore store,
        final DssFile heap, final Wal wal, final ControlChannel control, final Problems problems,
        final WriterRole.Settings settings, final NodeReformHandler reform, final long idBase,
        final long ratePerClient, final boolean finalEpoch)
    {
        this.nodeId = nodeId;
        this.dss = dss;
        this.node = node;
        this.pages = pages;
        this.store = store;
        this.heap = heap;
        this.wal = wal;
        this.control = control;
        this.problems = problems;
        this.settings = settings;
        this.reform = reform;
        this.idBase = idBase;
        this.ratePerClient = ratePerClient;
        this.finalEpoch = finalEpoch;
    }

    /**
     * What the reform handler runs when a reform after the first starts: node 0 is gone.
     */
    void onFailover()
    {
        final BankReader reader = standbyReader;
        if (reader != null)
        {
            // the reform's recovery takes the pages in X: no read may hold or ask for one meanwhile
            reader.pause(true);
        }
        failover = true;
    }

    void run(final long deadlineNs)
    {
        if (0 == nodeId)
        {
            runWriter(deadlineNs);
        }
        else
        {
            runStandby(deadlineNs);
        }
    }

    private void runWriter(final long deadlineNs)
    {
        final WriterRole role = WriterRole.recoverAtStart(dss, node, pages, store, heap, wal, control, problems,
            settings);
        final Bank bank = new Bank(pages, store, wal);
        if (finalEpoch)
        {
            try (role)
            {
                final long[] balances = bank.balances();
                System.out.println(FINAL_PREFIX + Arrays.toString(balances).replace(" ", ""));
                control.send(node, ControlMessage.START, 0, 0, 0, settings.timeoutNs());
                control.awaitFinished(deadlineNs - System.nanoTime());
            }
            return;
        }
        control.send(node, ControlMessage.START, 0, 0, 0, settings.timeoutNs());
        System.out.println("bank: node 0 transfers with " + CLIENTS + " clients, transfer ids from " + idBase);
        serve(role, bank, idBase, new PageAccess(node, READ_ACQUIRE_NS), deadlineNs);
    }

    private void runStandby(final long deadlineNs)
    {
        control.awaitStart(deadlineNs - System.nanoTime());
        final Bank readBank = new Bank(new PageAccess(node, READ_ACQUIRE_NS), store, wal);
        final BankReader reader = new BankReader(readBank, 5, "bank-reader-" + nodeId);
        standbyReader = reader;
        try (reader;
            ClusterNode.Periodic reads = new ClusterNode.Periodic("bank-reads", 250, () -> readLine(reader)))
        {
            reader.start();
            reads.start();
            if (finalEpoch)
            {
                while (reader.reads() < 20)
                {
                    control.checkNotAborted();
                    check(deadlineNs, "20 reads of the final epoch");
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                }
                System.out.println(readLine(reader));
                control.send(node, ControlMessage.FINISHED, 0, 0, 0, settings.timeoutNs());
                return;
            }
            while (!failover)
            {
                control.checkNotAborted();
                check(deadlineNs, "a failover");
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
            reader.pause(true);
            final Recovery.Result recovery = reform.awaitTakeOver(deadlineNs - System.nanoTime());
            final WriterRole role = WriterRole.takeOver(dss, ClusterNode.HEAP_PATH, recovery, node, pages, store,
                wal, control, problems, settings);
            reader.pause(false);
            System.out.println("bank: node 1 is the writer after replaying " + recovery.describe());
            serve(role, new Bank(pages, store, wal), idBase + PROMOTED_ID_OFFSET, null, deadlineNs);
        }
    }

    /**
     * Transfer until the run ends (the launcher kills or stops this node), announcing acknowledged transfers.
     */
    private void serve(final WriterRole role, final Bank bank, final long firstId, final PageAccess readAccess,
        final long deadlineNs)
    {
        final AtomicLong ids = new AtomicLong(firstId);
        final FailoverEvents events = new FailoverEvents(System.out);
        final AtomicLong announced = new AtomicLong();
        final BankReader reader = readAccess == null ? null :
            new BankReader(new Bank(readAccess, store, wal), 5, "bank-reader-" + nodeId);
        try (role;
            BankClients clients = new BankClients(bank, wal, CLIENTS, idBase + nodeId, ids, ratePerClient,
                settings.timeoutNs(), toAnnounce::add);
            ClusterNode.Periodic acks = new ClusterNode.Periodic("bank-acks", ClusterNode.ACKED_INTERVAL_MS,
                () -> ackLine(announced, events)))
        {
            clients.start();
            acks.start();
            if (reader != null)
            {
                reader.start();
            }
            try (ClusterNode.Periodic reads = new ClusterNode.Periodic("bank-reads", 250,
                () -> reader == null ? null : readLine(reader)))
            {
                reads.start();
                while (clients.failures().isEmpty())
                {
                    control.checkNotAborted();
                    check(deadlineNs, "the end of the epoch");
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                }
                problems.addAll(clients.failures());
            }
        }
        finally
        {
            if (reader != null)
            {
                reader.close();
            }
        }
    }

    private String ackLine(final AtomicLong announced, final FailoverEvents events)
    {
        final StringBuilder line = new StringBuilder(ACK_PREFIX);
        Long id;
        int n = 0;
        while (n < 2000 && (id = toAnnounce.poll()) != null)
        {
            line.append(n++ == 0 ? "" : ",").append(id);
        }
        if (0 == n)
        {
            return null;
        }
        if (announced.getAndAdd(n) == 0 && 1 == nodeId)
        {
            events.emit(FailoverEvents.SERVING_WRITES, "first transfer of the new primary durable");
        }
        return line.toString();
    }

    private String readLine(final BankReader reader)
    {
        final String wrong = reader.firstWrong();
        return (wrong == null ? "" : WRONG_PREFIX + "node " + nodeId + ": " + wrong + "\n") + READ_PREFIX + nodeId +
            " " + reader.reads() + " " + reader.wrong() + " " + reader.unanswered();
    }

    /**
     * The old primary back after a failover: a new process that the arbiter admitted, DMS re-formed with it
     * (JOIN). It reads the total with S on every account page, shipped from the new primary, until the launcher
     * stops it; a read that sees another total is a {@code BANKWRONG} line as on the other nodes.
     */
    void runRejoined(final long deadlineNs)
    {
        final BankReader reader = new BankReader(new Bank(new PageAccess(node, READ_ACQUIRE_NS), store, wal), 5,
            "bank-reader-" + nodeId);
        standbyReader = reader;
        System.out.println("bank: node " + nodeId + " rejoined as a standby; reading the total");
        try (reader;
            ClusterNode.Periodic reads = new ClusterNode.Periodic("bank-reads", 250, () -> readLine(reader)))
        {
            reader.start();
            reads.start();
            while (true)
            {
                control.checkNotAborted();
                check(deadlineNs, "the launcher's stop");
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
        }
    }

    private static void check(final long deadlineNs, final String what)
    {
        if (deadlineNs - System.nanoTime() < 0)
        {
            throw new IllegalStateException("the node's deadline passed waiting for " + what);
        }
    }
}
