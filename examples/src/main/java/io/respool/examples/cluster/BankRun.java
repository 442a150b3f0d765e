package io.respool.examples.cluster;

import io.respool.cluster.arbiter.ArbiterContext;
import io.respool.dss.Dss;
import io.respool.dss.DssException;
import io.respool.dss.DssFile;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The bank test across processes and faults ({@code bin/cluster-demo --bank}): Jepsen's bank, adapted. The
 * launcher plays the clients' side: it gathers the transfer ids the writer acknowledged ({@code BANKACK}) and the
 * nodes' read counts, and runs a fault schedule drawn from one seed, printed as it goes, the same for the same seed.
 * <p>
 * The run is a series of epochs. In each the cluster starts (over the data of the last, node 0 recovering the
 * newest WAL at start), then: short pauses of either node ({@code SIGSTOP} for less than the self-fence timeout,
 * then {@code SIGCONT}), after each of which no failover may happen and the writer must go on acknowledging; then
 * the primary is {@code kill -9}-ed or paused beyond the lease (a failover must follow: node 1 replays node 0's WAL
 * and transfers itself; a paused node 0 is resumed and must find itself fenced); then node 0 is started again and
 * rejoins as a standby through the arbiter (admitted in a new view, DMS JOIN reform) and reads the total; then both
 * are {@code kill -9}-ed and the next epoch restarts the cluster over its data. A final epoch recovers, prints
 * every balance and reads the total on both nodes.
 * <p>
 * It passes only if every read saw the total, every acknowledged transfer is in the WALs exactly once, the logged
 * transfers replayed from the opening balances give the final balances ({@link BankLedger}), no short pause
 * caused a failover, every long one did, and {@code dsscmd check} is clean.
 */
final class BankRun
{
    /** Run at least this long, s (0: one epoch, for CI). */
    static final String SECONDS_PROP_NAME = "respool.cluster.bank.seconds";
    /** Make at least this many faults. */
    static final String FAULTS_PROP_NAME = "respool.cluster.bank.faults";
    /** Transfers a second per client thread (4 clients on the writer). */
    static final String RATE_PROP_NAME = "respool.cluster.bank.rate";

    private static final long EPOCH_ID_STRIDE = 1_000_000_000L;
    /** Starts of one epoch's cluster before the run gives up. */
    private static final int START_ATTEMPTS = 3;
    /** Reads of the total by the rejoined old primary before the epoch goes on. */
    private static final long REJOIN_READS = 20;

    private final ClusterConfig config;
    private final Map<String, String> nodeProps;
    private final PrintStream out;
    private final long seed;
    private final long seconds;
    private final int minFaults;
    private final long rate;
    private final long leaseMs;
    private final long selfFenceMs;
    private final BankLedger ledger = new BankLedger();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final long[] reads = new long[2];
    private final long[] unanswered = new long[2];
    /** Per failover: node 1's reads per second before, during and after it ({@link #standbyReads}). */
    private final List<long[]> readRates = new ArrayList<>();
    private final BankLines lines = new BankLines(problems);
    private final long startNs = System.nanoTime();
    private int faults;
    private int kills;
    private int shortPauses;
    private int longPauses;
    private int restarts;
    private int rejoins;
    private int startRetries;
    private volatile BankEpoch epoch;

    private BankRun(final ClusterConfig config, final Map<String, String> nodeProps, final long seconds,
        final int minFaults, final long rate, final PrintStream out)
    {
        this.config = config;
        this.nodeProps = nodeProps;
        this.out = out;
        this.seed = config.seed();
        this.seconds = seconds;
        this.minFaults = minFaults;
        this.rate = rate;
        this.leaseMs = Long.parseLong(nodeProps.get(ArbiterContext.LEASE_TIMEOUT_PROP_NAME));
        this.selfFenceMs = Long.parseLong(nodeProps.get(ArbiterContext.SELF_FENCE_TIMEOUT_PROP_NAME));
    }

    static ClusterDemo.Outcome run(final ClusterConfig config, final Map<String, String> passThrough,
        final long seconds, final int minFaults, final long rate, final PrintStream out)
    {
        ClusterDemo.step(out, "Bank test on the two-node cluster: seed " + config.seed() + " (-D" +
            ClusterConfig.SEED_PROP_NAME + "=" + config.seed() + " replays the schedule), at least " + minFaults +
            " faults" + (seconds > 0 ? " and " + seconds + " s" : "") + "; dms_url " + config.dmsUrl());
        if (ClusterDemo.checkPorts(config, out) != null)
        {
            return new ClusterDemo.Outcome(ClusterDemo.EXIT_PORT_CONFLICT, null, "DMS port taken");
        }
        final BankRun run = new BankRun(config, ClusterDemo.arbiterTimeouts(passThrough, out), seconds, minFaults,
            rate, out);
        final Thread hook = new Thread(run::stopAll, "bank-run-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try
        {
            run.runEpochs();
        }
        catch (final IllegalStateException | DssException | UncheckedIOException ex)
        {
            run.problems.add("the run stopped: " + ex.getMessage());
        }
        finally
        {
            run.stopAll();
            ClusterDemo.removeHook(hook);
        }
        return run.summary();
    }

    private void runEpochs()
    {
        final SplittableRandom random = new SplittableRandom(seed);
        int number = 0;
        while (faults < minFaults || elapsedSeconds() < seconds)
        {
            try
            {
                runEpoch(number++, random);
            }
            catch (final IllegalStateException | DssException ex)
            {
                problems.add("epoch " + (number - 1) + " stopped: " + ex.getMessage());
                stopAll();
            }
            if (!problems.isEmpty())
            {
                // stop the schedule, but still restart over the data to check what the failure left
                break;
            }
        }
        finalEpoch(number);
    }

    private void runEpoch(final int number, final SplittableRandom random)
    {
        // the plan comes from the seed alone, whatever happens, so that the same seed gives the same schedule
        final int pauses = (0 == number ? 1 : 0) + random.nextInt(3);
        final long[] pauseNode = new long[pauses];
        final long[] pauseMs = new long[pauses];
        final long[] gapMs = new long[pauses + 1];
        final StringBuilder plan = new StringBuilder();
        for (int i = 0; i < pauses; i++)
        {
            pauseNode[i] = random.nextInt(2);
            // at most half the self-fence timeout: a paused node's own renewal is late by the pause plus the time
            // it takes to be scheduled again, which reached 1.2 s at load 30 (a 1278 ms pause self-fenced)
            pauseMs[i] = selfFenceMs / 8 + random.nextLong(selfFenceMs * 3 / 8);
            gapMs[i] = 500 + random.nextLong(1500);
            plan.append("pause node ").append(pauseNode[i]).append(' ').append(pauseMs[i]).append(" ms, ");
        }
        gapMs[pauses] = 500 + random.nextLong(1500);
        final boolean kill = random.nextBoolean();
        final long longPauseMs = leaseMs + 1000 + random.nextLong(2000);
        final long survivorMs = 1000 + random.nextLong(2000);
        plan.append(kill ? "kill -9 node 0" : "pause node 0 " + longPauseMs + " ms (beyond the lease)")
            .append(", node 0 restarted rejoins as a standby and reads, node 1 transfers ").append(survivorMs)
            .append(" ms more, kill -9 both, restart over the data");
        ClusterDemo.step(out, "Epoch " + number + " (seed " + seed + "): " + plan);

        final BankEpoch current = startEpoch(number, false);
        for (int i = 0; i < pauses; i++)
        {
            hold(gapMs[i]);
            shortPause(current, (int)pauseNode[i], pauseMs[i]);
        }
        hold(gapMs[pauses]);
        final long ackedBefore = lines.acked().size();
        final NodeProcess primary = current.nodes[0];
        fault(kill ? "kill -9 node 0 (pid " + primary.pid() + "), the primary, with " + ackedBefore +
            " transfers acknowledged" : "kill -STOP node 0 (pid " + primary.pid() + ") for " + longPauseMs +
            " ms, beyond the " + leaseMs + " ms lease, with " + ackedBefore + " transfers acknowledged");
        final long faultNs = System.nanoTime();
        primary.signal(kill ? "KILL" : "STOP");
        if (kill)
        {
            kills++;
        }
        else
        {
            longPauses++;
            hold(longPauseMs);
            if (primary.isAlive())
            {
                primary.signal("CONT");
                out.println("kill -CONT node 0: it must find itself fenced");
            }
        }
        final long servingNs = awaitServing(current, faultNs);
        if (!primary.waitFor(TimeUnit.SECONDS.toMillis(15)))
        {
            problems.add("epoch " + number + ": the old primary is still running 15 s after the new one serves");
        }
        else if (!kill && primary.exitValue() == 0)
        {
            problems.add("epoch " + number + ": the paused old primary exited 0 instead of being fenced");
        }
        rejoin(current);
        hold(survivorMs);
        final long survivorAcks = current.acks[1];
        if (survivorAcks == 0)
        {
            problems.add("epoch " + number + ": the new primary acknowledged no transfer");
        }
        if (current.nodes[0].isAlive())
        {
            // the rejoined standby first: killed after node 1 it would be promoted, and the epoch is over
            out.println("kill -9 node 0 (pid " + current.nodes[0].pid() + "), the rejoined standby");
            current.nodes[0].signal("KILL");
            current.nodes[0].waitFor(TimeUnit.SECONDS.toMillis(15));
        }
        standbyReads(current, faultNs, servingNs, System.nanoTime());
        fault("kill -9 node 1 (pid " + current.nodes[1].pid() + "), the new primary, after " + survivorAcks +
            " transfers of its own: the cluster restarts over its data");
        current.nodes[1].signal("KILL");
        kills++;
        current.nodes[1].waitFor(TimeUnit.SECONDS.toMillis(15));
        endEpoch(current);
        restarts++;
    }

    /**
     * After a failover: start node 0 again; its arbiter asks to join, the new primary admits it in a new view, DMS
     * re-forms (JOIN), and it reads the total as a standby. Its reads count as node 0's.
     */
    private void rejoin(final BankEpoch current)
    {
        reads[0] += current.reads[0];
        unanswered[0] += current.unanswered[0];
        current.reads[0] = 0;
        current.unanswered[0] = 0;
        final long restartNs = System.nanoTime();
        final Map<String, String> args = nodeArgs(current.number, 0, false, current.attempt);
        args.put("rejoin", "true");
        current.nodes[0] = NodeProcess.start(0, args, nodeProps, out, (line) -> lines.onLine(current, 0, line));
        out.println("started node 0 again: pid " + current.nodes[0].pid() + "; it rejoins as a standby");
        final long deadlineNs = restartNs + TimeUnit.SECONDS.toNanos(60);
        while (current.reads[0] < REJOIN_READS)
        {
            if (!current.nodes[0].isAlive() || deadlineNs - System.nanoTime() < 0)
            {
                problems.add("epoch " + current.number + ": the restarted node 0 did not rejoin and read the total " +
                    REJOIN_READS + " times within 60 s (reads " + current.reads[0] + ", alive " +
                    current.nodes[0].isAlive() + ")");
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        rejoins++;
        out.printf("epoch %d: node 0 rejoined and read the total %d times as a standby, %.1f s after its restart%n",
            current.number, current.reads[0], (System.nanoTime() - restartNs) / 1e9);
    }

    private void finalEpoch(final int number)
    {
        ClusterDemo.step(out, "Final epoch " + number + ": the cluster restarts over its data, node 0 recovers " +
            "and prints every balance, node 1 reads the total, both exit");
        final BankEpoch current = startEpoch(number, true);
        for (final NodeProcess node : current.nodes)
        {
            if (!node.waitFor(TimeUnit.SECONDS.toMillis(60)))
            {
                problems.add("final epoch: node " + node.nodeId() + " did not end within 60 s");
            }
            else if (node.exitValue() != 0)
            {
                problems.add("final epoch: node " + node.nodeId() + " exited with status " + node.exitValue() +
                    " (see " + ClusterStorage.reportFile(config, node.nodeId()) + ")");
            }
        }
        endEpoch(current);
        collectWals(0);
    }

    /**
     * Start an epoch's cluster. Nodes that fence themselves before any fault of the epoch (their own heartbeat
     * renewal seen late while two JVMs start on a loaded machine) are no finding of the test: the cluster is
     * restarted over its data again, at most {@link #START_ATTEMPTS} times, and the restarts counted.
     */
    private BankEpoch startEpoch(final int number, final boolean last)
    {
        for (int attempt = 1; ; attempt++)
        {
            final BankEpoch current = tryStartEpoch(number, last, attempt);
            if (current != null)
            {
                return current;
            }
            if (attempt == START_ATTEMPTS)
            {
                throw new IllegalStateException("epoch " + number + ": the cluster did not start in " +
                    START_ATTEMPTS + " attempts");
            }
            startRetries++;
            out.println("epoch " + number + ": a node ended before any fault (self-fenced at start); restarting " +
                "the cluster over its data, attempt " + (attempt + 1));
        }
    }

    /**
     * @return the epoch, started; null if a node ended before it was transferring and reading.
     */
    private BankEpoch tryStartEpoch(final int number, final boolean last, final int attempt)
    {
        // the first start of the run makes a new table; every other start keeps the data
        ClusterStorage.prepare(config, out, number > 0 || epoch != null);
        if (number > 0 || epoch != null)
        {
            // the fences are lifted: read both WALs now, before the writer's restart empties one of them
            collectWals(0);
        }
        final BankEpoch current = new BankEpoch(number);
        epoch = current;
        current.attempt = attempt;
        for (int id = 0; id < 2; id++)
        {
            final int self = id;
            current.nodes[id] = NodeProcess.start(id, nodeArgs(number, id, last, attempt), nodeProps, out,
                (line) -> lines.onLine(current, self, line));
            out.println("started node " + id + ": pid " + current.nodes[id].pid());
        }
        if (!last)
        {
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (current.reads[1] == 0 || current.acks[0] < 20)
            {
                if (!current.nodes[0].isAlive() || !current.nodes[1].isAlive())
                {
                    endEpoch(current);
                    return null;
                }
                if (deadlineNs - System.nanoTime() < 0)
                {
                    throw new IllegalStateException("epoch " + number + ": the cluster did not start transferring " +
                        "and reading within 90 s (acks " + current.acks[0] + ", reads on node 1 " +
                        current.reads[1] + ")");
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            current.armed = true;
            out.println("epoch " + number + ": transferring on node 0, reading on both");
        }
        return current;
    }

    private Map<String, String> nodeArgs(final int number, final int id, final boolean last, final int attempt)
    {
        final Map<String, String> args = ClusterDemo.managedArgs(config, id);
        args.put("workload", "bank");
        // ids unique over the run: a stride per epoch, a tenth of it per start attempt (at most 3)
        args.put("idBase", Long.toString((number + 1) * EPOCH_ID_STRIDE + (attempt - 1) * EPOCH_ID_STRIDE / 10));
        args.put("bankRate", Long.toString(rate));
        args.put("final", Boolean.toString(last));
        return args;
    }

    private void shortPause(final BankEpoch current, final int nodeId, final long ms)
    {
        final NodeProcess node = current.nodes[nodeId];
        fault("kill -STOP node " + nodeId + " (pid " + node.pid() + ") for " + ms + " ms, below the " +
            selfFenceMs + " ms self-fence and " + leaseMs + " ms lease: no failover may follow");
        node.signal("STOP");
        hold(ms);
        node.signal("CONT");
        shortPauses++;
        final long acksBefore = current.acks[0];
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (current.acks[0] <= acksBefore + 10)
        {
            if (deadlineNs - System.nanoTime() < 0)
            {
                problems.add("epoch " + current.number + ": the writer did not go on within 10 s after a pause of " +
                    "node " + nodeId);
                break;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        hold(Math.max(500, leaseMs - ms));
        if (!current.events.isEmpty() || current.fenced != null || !current.nodes[0].isAlive() ||
            !current.nodes[1].isAlive())
        {
            problems.add("epoch " + current.number + ": a pause of node " + nodeId + " for " + ms + " ms caused a " +
                "failover: events " + current.events + ", fenced " + current.fenced + ", alive " +
                current.nodes[0].isAlive() + "/" + current.nodes[1].isAlive());
        }
    }

    /**
     * Issue 13's figure: the standby's balance reads per second in the 2 s before the fault, from the fault until
     * it served writes as the new primary, and after that until now (the old primary's rejoin included).
     */
    private void standbyReads(final BankEpoch current, final long faultNs, final long servingNs, final long nowNs)
    {
        final ReadSamples node1 = current.readSamples[1];
        final long before = node1.perSecond(faultNs - TimeUnit.SECONDS.toNanos(2), faultNs);
        final long during = node1.perSecond(faultNs, servingNs);
        final long after = node1.perSecond(servingNs, nowNs);
        readRates.add(new long[] { before, during, after });
        out.printf("epoch %d: node 1's balance reads %s/s in the 2 s before the fault, %s/s from the fault until it " +
            "served writes (%.1f s), %s/s after that (%.1f s, the old primary's rejoin included)%n", current.number,
            rate(before), rate(during), (servingNs - faultNs) / 1e9, rate(after), (nowNs - servingNs) / 1e9);
    }

    private static String rate(final long perSecond)
    {
        return perSecond < 0 ? "?" : Long.toString(perSecond);
    }

    private long awaitServing(final BankEpoch current, final long faultNs)
    {
        final long deadlineNs = faultNs + TimeUnit.SECONDS.toNanos(60);
        while (!current.events.contains(FailoverEvents.SERVING_WRITES))
        {
            if (deadlineNs - System.nanoTime() < 0 || !current.nodes[1].isAlive())
            {
                throw new IllegalStateException("epoch " + current.number + ": node 1 did not serve writes within " +
                    "60 s of the fault (events " + current.events + ", alive " + current.nodes[1].isAlive() + ")");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        final long servingNs = System.nanoTime();
        out.printf("epoch %d: node 1 serves writes %.1f s after the fault%n", current.number,
            (servingNs - faultNs) / 1e9);
        return servingNs;
    }

    private void endEpoch(final BankEpoch current)
    {
        for (int id = 0; id < 2; id++)
        {
            current.nodes[id].close();
            reads[id] += current.reads[id];
            unanswered[id] += current.unanswered[id];
        }
        out.printf("epoch %d ends: %d acknowledged on node 0, %d on node 1; reads %d on node 0, %d on node 1 " +
            "(%d and %d got no answer); %d transfers acknowledged in all, %d faults so far, %.0f s%n",
            current.number, current.acks[0], current.acks[1], current.reads[0], current.reads[1],
            current.unanswered[0], current.unanswered[1], lines.acked().size(), faults, elapsedSeconds());
    }

    private void collectWals(final int instance)
    {
        try (Dss dss = Dss.open(config.dssHome(instance)))
        {
            for (int id = 0; id < 2; id++)
            {
                try (DssFile wal = dss.open(ClusterNode.walPath(id)))
                {
                    ledger.collect(wal);
                }
            }
        }
    }

    private void fault(final String what)
    {
        faults++;
        out.printf("FAULT #%d at %.1f s: %s%n", faults, elapsedSeconds(), what);
    }

    private void hold(final long ms)
    {
        final long untilNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        long waitNs;
        while ((waitNs = untilNs - System.nanoTime()) > 0)
        {
            LockSupport.parkNanos(waitNs);
        }
    }

    private double elapsedSeconds()
    {
        return (System.nanoTime() - startNs) / 1e9;
    }

    private void stopAll()
    {
        final BankEpoch current = epoch;
        if (current == null)
        {
            return;
        }
        for (final NodeProcess node : current.nodes)
        {
            if (node != null)
            {
                if (node.isAlive())
                {
                    try
                    {
                        node.signal("CONT");
                    }
                    catch (final RuntimeException ignore)
                    {
                        // it ended meanwhile
                    }
                }
                node.close();
            }
        }
    }

    private String readRatesText()
    {
        final StringBuilder text = new StringBuilder();
        for (final long[] r : readRates)
        {
            text.append(text.length() == 0 ? "" : ", ").append(rate(r[0])).append(" / ").append(rate(r[1]))
                .append(" / ").append(rate(r[2]));
        }
        return text.length() == 0 ? "no failover" : text.toString();
    }

    private ClusterDemo.Outcome summary()
    {
        final List<String> found = new ArrayList<>(problems);
        final long[] balances = lines.finalBalances();
        if (balances == null)
        {
            found.add("no final balances: the final epoch did not run or node 0 did not print them");
        }
        else
        {
            found.addAll(ledger.check(lines.acked(), balances));
        }
        if (faults < minFaults)
        {
            found.add("only " + faults + " faults, fewer than the " + minFaults + " asked for");
        }
        final String vgCheck = ClusterDemo.checkVolumeGroup(config, 0, found);
        ClusterDemo.step(out, "Bank test summary (seed " + seed + ")");
        out.printf("duration                 %.1f s%n", elapsedSeconds());
        out.printf("faults                   %d: %d kill -9, %d pauses below the lease (no failover), %d beyond it " +
            "(failover); %d rejoins of the old primary as a standby; %d cluster restarts over the data; %d " +
            "heartbeat suspicions that came to nothing; %d restarts after a node fenced itself at start%n",
            faults, kills, shortPauses, longPauses, rejoins, restarts, lines.suspicions(), startRetries);
        out.printf("transfers acknowledged   %d (in the WALs: %d transfers logged)%n", lines.acked().size(), ledger.size());
        out.printf("balance reads            %d on node 0, %d on node 1, each S on all %d account pages; %d saw " +
            "another total than %d; %d got no answer (in a fault)%n", reads[0], reads[1], BankDescriptor.PAGES,
            lines.wrongReads(), BankDescriptor.TOTAL, unanswered[0] + unanswered[1]);
        out.println("standby reads/s          " + readRatesText() + " (node 1, before / during / after each failover)");
        out.println("final total              " + (balances == null ? "unknown" : Bank.sum(balances)) + " of " +
            BankDescriptor.TOTAL);
        out.println("volume group             " + vgCheck);
        for (final String problem : found)
        {
            out.println("PROBLEM " + problem);
        }
        final boolean passed = found.isEmpty();
        out.println(passed ? "PASSED: total conserved, every acknowledged transfer present exactly once, every " +
            "read saw the total, check clean" : "FAILED: " + found.size() + " problem(s)");
        return new ClusterDemo.Outcome(passed ? ClusterDemo.EXIT_PASSED : ClusterDemo.EXIT_FAILED, null,
            passed ? null : found.get(0));
    }
}
