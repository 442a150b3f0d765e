package io.respool.cluster.arbiter;

import io.respool.blockdev.BlockDevice;
import io.respool.blockdev.BlockDevices;
import io.respool.dss.Dss;
import io.respool.dss.DssFile;
import io.respool.dss.OpenFlag;
import io.respool.dss.arbitration.ArbitrationSectors;
import io.respool.dss.arbitration.Kick;
import io.respool.dss.config.StorageMode;
import io.respool.dss.engine.InstanceOptions;
import io.respool.testsupport.ChildJvm;
import io.respool.testsupport.ChildProcess;
import io.respool.testsupport.SlowTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Two nodes on two simulated hosts ({@link TwoHostRig}: a network namespace and a pid namespace each, a veth pair
 * between them, a loop device over an image file as the shared disk, DSS in SHARE_DISK mode on its direct-I/O
 * path), each a {@link TwoHostNodeMain} with its arbiter, its UDP lane on its host's address and a writer of
 * witness records while its gate is open. Node 0 is the primary. Each test measures, on this machine's monotonic
 * clock, from the fault to the survivor's published view, and reads the witness files back from the disk to check
 * who wrote what when. Skipped, naming what is missing, where namespaces or loop devices cannot be made.
 * <p>
 * Real clocks and the default timeouts (cluster/DESIGN.md) but {@link #NETWORK_SUSPECT_MS}: the nodes cannot see
 * each other's processes, so no same-host shortcut applies; the network lane and the disk decide.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(90)
class TwoHostArbiterTest
{
    private static final int AU = 2 * 1024 * 1024;
    private static final long IMAGE_SIZE = 256L << 20;
    private static final int PORT = 7411;
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration FAILOVER = Duration.ofSeconds(15);
    private static final ClusterAreaLayout LAYOUT = new ClusterAreaLayout(ClusterAreaLayout.DEFAULT_ENTRY_VOLUME_BASE);

    /**
     * {@code network.suspect.timeout} of these nodes: above {@code disk.confirm.timeout} (1600 ms) by more than a
     * peer read interval (100 ms) and a stall, so that when the standby judges a dead primary's network silence, the
     * primary's sector has also been unchanged for the confirm timeout. With the defaults (both 1600 ms) the standby
     * judges the silence first, while the sector has looked unchanged for up to 100 ms less, and fences itself as if
     * partitioned from a live primary: {@link #shouldFailOverWithTheDefaultTimeouts}.
     */
    private static final long NETWORK_SUSPECT_MS = 2000;

    /**
     * The kill -9 and stop bound across hosts: the network suspicion, the DSS kick, which finds the victim
     * unresponsive after {@code Kick.STALE_MS} and cannot confirm it on another host (by then the lease has run
     * out), and two seconds of slack for a loaded machine (measured here: 2.7 to 3.2 s).
     */
    private static final long SLACK_MS = 2000;
    private static final long FAILOVER_BOUND_MS = NETWORK_SUSPECT_MS + Kick.STALE_MS + SLACK_MS;

    /** The network suspicion, a kick the live standby acknowledges, and the slack (measured: 2.0 to 2.5 s). */
    private static final long PARTITION_BOUND_MS = NETWORK_SUSPECT_MS + SLACK_MS;

    /**
     * Each case takes about 18 s; CI runs the three that the others repeat with a small change (a kill -9 at the
     * defaults, host 0's link down, SIGSTOP). {@code -Drespool.test.twoHost.all=true} runs all five.
     */
    private static final boolean ALL_CASES = Boolean.getBoolean("respool.test.twoHost.all");
    private static final String NOT_ALL_CASES = "a variant of a case CI runs: run it with -Drespool.test.twoHost.all=true";

    /**
     * kill -9 of the primary's process: the standby's UDP lane goes silent and the primary's sector stops changing;
     * the standby removes it, kicks its DSS instance (unconfirmed: another host), waits until the sector stood still
     * for the lease, and publishes itself primary. The killed node wrote nothing after the kill.
     */
    @SlowTest
    void shouldFailOverToTheStandbyWhenThePrimarysProcessIsKilled() throws Exception
    {
        assumeTrue(ALL_CASES, NOT_ALL_CASES);
        killThePrimary(NETWORK_SUSPECT_MS);
    }

    /**
     * The same with the default timeouts (network suspect = disk confirm = 1600 ms). It used to fail in most runs:
     * the standby took a primary's sector unchanged for less than the confirm timeout as still changing and fenced
     * itself as if partitioned; the partition rule now needs a sector unchanged less than {@code
     * disk.suspect.timeout} (cluster/DESIGN.md, "Partition rule, precisely"). 4 of 4 runs passed, 2656 to 2716 ms.
     */
    @SlowTest
    void shouldFailOverWithTheDefaultTimeouts() throws Exception
    {
        killThePrimary(ArbiterContext.NETWORK_SUSPECT_TIMEOUT_DEFAULT_MS);
    }

    private void killThePrimary(final long networkSuspectMs) throws Exception
    {
        try (Cluster cluster = Cluster.start(networkSuspectMs))
        {
            cluster.awaitBothServing();
            final ProcessHandle primary = cluster.javaProcess(0);
            final long faultNs = System.nanoTime();
            primary.destroyForcibly();
            primary.onExit().get(10, TimeUnit.SECONDS);
            final View view = cluster.awaitView(1, 2);
            final long takeoverMs = ms(view.atNs - faultNs);

            assertEquals(0b10, view.members, "the standby's view after the kill");
            assertEquals(1, view.primary);
            final List<WitnessRecords.Record> killed = cluster.witness(0);
            final long heartbeat = cluster.heartbeat(0).counter();
            assertTrue(killed.stream().allMatch(r -> r.gateNs() < faultNs), "a write of node 0 let through after " +
                "its kill: " + last(killed) + ", kill at " + faultNs);
            Thread.sleep(1000);
            assertEquals(killed, cluster.witness(0), "node 0 wrote after the standby published view 2");
            assertEquals(heartbeat, cluster.heartbeat(0).counter(), "node 0's heartbeat changed after its kill");
            assertTrue(cluster.witness(1).stream().anyMatch(r -> r.viewVersion() == 2),
                "the new primary serves writes in view 2: " + last(cluster.witness(1)));
            assertFalse(cluster.node(1).output().contains("fenced at"), cluster.node(1).tail());
            final long boundMs = networkSuspectMs + Kick.STALE_MS + SLACK_MS;
            assertTrue(takeoverMs < boundMs, "kill -9 to the standby's view took " + takeoverMs + " ms, bound " +
                boundMs + " ms; " + cluster.removal(1));
            System.out.println("TwoHostArbiterTest kill -9 of the primary's process to the standby's published " +
                "view as primary: " + takeoverMs + " ms at network.suspect.timeout " + networkSuspectMs + " ms; " +
                cluster.removal(1) + "; " + cluster.kick(1) + " (" + cluster.rig + ")");
        }
    }

    /**
     * A partition while both reach the disk: the link of one host goes down (its veth, in its namespace; the peer
     * end loses its carrier). The primary keeps its role and removes the standby; the standby stops writing and
     * serving by itself. The link comes up again and nothing changes back: the standby stays fenced (rejoin is not
     * built), the primary serves on.
     *
     * @param host whose link goes down: 0 the primary's, 1 the standby's.
     */
    @ParameterizedTest(name = "link of host {0} down")
    @ValueSource(ints = {0, 1})
    @Tag(SlowTest.TAG)
    void shouldKeepThePrimaryAndFenceTheStandbyWhenALinkGoesDown(final int host) throws Exception
    {
        assumeTrue(host == 0 || ALL_CASES, NOT_ALL_CASES);
        try (Cluster cluster = Cluster.start(NETWORK_SUSPECT_MS))
        {
            cluster.awaitBothServing();
            final long cutNs = System.nanoTime();
            cluster.rig.linkDown(host);
            final View view = cluster.awaitView(0, 2);
            final Fenced fenced = cluster.awaitFenced(1);
            final long publishedMs = ms(view.atNs - cutNs);
            final long fencedMs = ms(fenced.atNs - cutNs);

            assertEquals(0b01, view.members, "the primary's view after the partition");
            assertEquals(0, view.primary);
            assertFalse(cluster.node(0).output().contains("fenced at"), "the primary fenced itself:\n" +
                cluster.node(0).tail());
            final List<WitnessRecords.Record> standby = cluster.witness(1);
            assertTrue(standby.stream().allMatch(r -> r.gateNs() < fenced.atNs), "a write of the standby let " +
                "through after it fenced itself: " + last(standby) + ", fenced at " + fenced.atNs);
            final int primaryBefore = cluster.witness(0).size();

            cluster.rig.linkUp(host);
            Thread.sleep(1500);
            assertEquals(standby, cluster.witness(1), "the standby wrote after it fenced itself");
            final List<WitnessRecords.Record> primary = cluster.witness(0);
            assertTrue(primary.size() > primaryBefore && last(primary).viewVersion() == 2,
                "the primary serves on in view 2: " + primaryBefore + " records before the link came up, then " +
                primary.size() + ", last " + last(primary));
            assertFalse(cluster.node(0).output().contains("fenced at"), cluster.node(0).tail());
            assertTrue(cluster.node(0).output().lines().noneMatch(line -> line.startsWith("view 3")));
            assertTrue(Math.max(publishedMs, fencedMs) < PARTITION_BOUND_MS, "partition resolved in " +
                publishedMs + " ms (primary's view) and " + fencedMs + " ms (standby fenced), bound " +
                PARTITION_BOUND_MS + " ms");
            System.out.println("TwoHostArbiterTest link of host " + host + " down to the primary's view without " +
                "the standby: " + publishedMs + " ms; to the standby fencing itself: " + fencedMs + " ms (" +
                fenced.reason + ")");
        }
    }

    /**
     * SIGSTOP of the primary's process past its lease, SIGCONT once the standby published itself primary: on
     * waking the old primary fences itself (its own renewal is long overdue, or it reads the view that removed
     * it) and its writer's gate stays shut, so no write is let through after the stop. A write already past the
     * gate when the signal came (a window of microseconds in each 20 ms) would still land after waking: that is the
     * lease bound's stated exception (cluster/DESIGN.md, "Timing bounds"), which only a hard fence closes; the test
     * allows that one and says so when it happens.
     */
    @SlowTest
    void shouldFailOverPastAStoppedPrimaryThatWritesNothingAfterWaking() throws Exception
    {
        try (Cluster cluster = Cluster.start(NETWORK_SUSPECT_MS))
        {
            cluster.awaitBothServing();
            final ProcessHandle primary = cluster.javaProcess(0);
            final long stopNs = System.nanoTime();
            signal("STOP", primary);
            // stopped for certain once kill(1) returned: a write gated later was gated after waking
            final long stoppedNs = System.nanoTime();
            final View view;
            final List<WitnessRecords.Record> atTakeover;
            final long contNs;
            try
            {
                view = cluster.awaitView(1, 2);
                atTakeover = cluster.witness(0);
                Thread.sleep(500);
                // taken before the signal: the node runs again as soon as kill(1) sends it, before kill(1) exits
                contNs = System.nanoTime();
            }
            finally
            {
                signal("CONT", primary);
            }
            final long takeoverMs = ms(view.atNs - stopNs);
            final Fenced fenced = cluster.awaitFenced(0);
            Thread.sleep(1500);

            assertEquals(0b10, view.members, "the standby's view after the stop");
            assertEquals(1, view.primary);
            assertTrue(fenced.atNs - contNs >= 0, "node 0 fenced itself before it was woken: " + fenced.reason);
            final List<WitnessRecords.Record> after = cluster.witness(0);
            assertTrue(after.stream().allMatch(r -> r.gateNs() < stoppedNs), "a write of node 0 let through after " +
                "it woke: " + last(after) + ", stopped by " + stoppedNs + ", woken at " + contNs);
            final List<WitnessRecords.Record> late = new ArrayList<>(after);
            late.removeAll(atTakeover);
            assertTrue(late.size() <= 1, "node 0 wrote after the standby's view: " + late);
            assertTrue(cluster.node(0).output().lines().filter(line -> line.startsWith("serving from")).count() == 1,
                "node 0 served again after waking:\n" + cluster.node(0).tail());
            assertEquals(HeartbeatSector.SELF_FENCED, cluster.heartbeat(0).state(),
                "node 0's heartbeat sector after waking");
            assertFalse(cluster.node(1).output().contains("fenced at"), cluster.node(1).tail());
            assertTrue(takeoverMs < FAILOVER_BOUND_MS, "kill -STOP to the standby's view took " + takeoverMs +
                " ms, bound " + FAILOVER_BOUND_MS + " ms");
            System.out.println("TwoHostArbiterTest kill -STOP of the primary's process to the standby's published " +
                "view as primary: " + takeoverMs + " ms, " + cluster.removal(1) + "; after SIGCONT node 0 fenced " +
                "itself in " + ms(fenced.atNs - contNs) + " ms (" + fenced.reason + ")" + (late.isEmpty() ? "" :
                "; one write already past the gate at the stop landed after waking: " + late));
        }
    }

    private static long ms(final long ns)
    {
        return TimeUnit.NANOSECONDS.toMillis(ns);
    }

    private static WitnessRecords.Record last(final List<WitnessRecords.Record> records)
    {
        return records.isEmpty() ? null : records.get(records.size() - 1);
    }

    private static void signal(final String signal, final ProcessHandle process) throws Exception
    {
        final TwoHostRig.Result result = TwoHostRig.run(List.of("kill", "-" + signal, Long.toString(process.pid())));
        assertTrue(result.ok(), "kill -" + signal + " " + process.pid() + ": " + result);
    }

    /** A view a node published, as it printed it. */
    private record View(int version, long members, int primary, long atNs)
    {
        static View parse(final String line)
        {
            final String[] f = line.split(" ");
            return new View(Integer.parseInt(f[1]), Long.parseLong(f[2].substring("members=".length())),
                Integer.parseInt(f[3].substring("primary=".length())), Long.parseLong(f[5]));
        }
    }

    /** A node's self-fence, as it printed it. */
    private record Fenced(long atNs, String reason)
    {
        static Fenced parse(final String line)
        {
            final int colon = line.indexOf(':');
            return new Fenced(Long.parseLong(line.substring("fenced at ".length(), colon)),
                line.substring(colon + 2));
        }
    }

    /**
     * The rig, the volume group on its loop device, and the two node processes; closing it kills the nodes and
     * removes the rig whatever happened.
     */
    private static final class Cluster implements AutoCloseable
    {
        final TwoHostRig rig;
        final List<ChildProcess> nodes = new ArrayList<>();
        private final long networkSuspectMs;
        private BlockDevice device;

        private Cluster(final TwoHostRig rig, final long networkSuspectMs)
        {
            this.rig = rig;
            this.networkSuspectMs = networkSuspectMs;
        }

        /**
         * @param networkSuspectMs the nodes' {@code network.suspect.timeout}; every other setting is the default.
         */
        static Cluster start(final long networkSuspectMs)
        {
            final Cluster cluster = new Cluster(TwoHostRig.create(IMAGE_SIZE), networkSuspectMs);
            boolean started = false;
            try
            {
                cluster.format();
                cluster.startNodes();
                started = true;
                return cluster;
            }
            finally
            {
                if (!started)
                {
                    cluster.close();
                }
            }
        }

        private void format()
        {
            Dss.createVolumeGroup("data", rig.device(), AU);
            device = BlockDevices.open(rig.device());
            assertEquals(BlockDevice.Backend.DIRECT, device.backend(), "the shared device is opened with O_DIRECT");
            new ClusterDisk(new EntryVolumeSectorIo(ArbitrationSectors.on(device)), LAYOUT).format(2);
            // witness files made and zeroed here, so that the nodes' writes never change metadata
            try (Dss dss = Dss.openVolumeGroup("data", rig.device(), options(2, false)))
            {
                final ByteBuffer zeros = WitnessRecords.slot();
                for (int node = 0; node < TwoHostRig.HOSTS; node++)
                {
                    try (DssFile file = dss.open(WitnessRecords.path(node), OpenFlag.CREATE, OpenFlag.WRITE))
                    {
                        for (long at = 0; at < WitnessRecords.FILE_LENGTH; at += WitnessRecords.SLOT_LENGTH)
                        {
                            zeros.clear();
                            file.write(zeros, at);
                        }
                        file.flush();
                    }
                }
            }
        }

        private InstanceOptions options(final int instance, final boolean readOnly)
        {
            return InstanceOptions.defaults().withLockDirectory(rig.directory()).withStorageMode(StorageMode.SHARE_DISK)
                .withInstanceId(instance).withReadOnly(readOnly);
        }

        private void startNodes()
        {
            for (int node = 0; node < TwoHostRig.HOSTS; node++)
            {
                final List<String> command = ChildJvm.of(TwoHostNodeMain.class)
                    // both JVMs are pid 1 of their namespaces: no shared hsperfdata file
                    .jvmArgs("-Xmx256m", "-XX:-UsePerfData", "-D" + ArbiterContext.NETWORK_SUSPECT_TIMEOUT_PROP_NAME +
                        "=" + networkSuspectMs)
                    .args(rig.device().toString(), rig.hostDirectory(node).toString(), Integer.toString(node),
                        rig.endpoint(0, PORT).getHostString() + ":" + PORT,
                        rig.endpoint(1, PORT).getHostString() + ":" + PORT)
                    .command();
                nodes.add(ChildProcess.builder(rig.onHost(node, command)).name("node " + node + " in " +
                    rig.namespace(node)).start());
            }
            for (final ChildProcess node : nodes)
            {
                node.awaitLine("ready", line -> line.startsWith("ready "), START);
            }
            nodes.forEach(node -> node.send("go"));
            for (int node = 0; node < TwoHostRig.HOSTS; node++)
            {
                final View first = awaitView(node, 1);
                assertEquals(new View(1, 0b11, 0, first.atNs), first, "node " + node + "'s first view");
            }
        }

        ChildProcess node(final int node)
        {
            return nodes.get(node);
        }

        /**
         * Both nodes write, and a second passes with both up: no kick-out at start.
         */
        void awaitBothServing() throws InterruptedException
        {
            for (final ChildProcess node : nodes)
            {
                node.awaitLine("serving", line -> line.startsWith("serving from"), START);
            }
            Thread.sleep(1000);
            for (final ChildProcess node : nodes)
            {
                assertFalse(node.output().contains("fenced at") || node.output().contains("view 2"),
                    "a node was removed with both up:\n" + node.tail());
            }
        }

        View awaitView(final int node, final int version)
        {
            return View.parse(nodes.get(node).awaitLine("view " + version,
                line -> line.startsWith("view " + version + " "), FAILOVER));
        }

        Fenced awaitFenced(final int node)
        {
            return Fenced.parse(nodes.get(node).awaitLine("fenced", line -> line.startsWith("fenced at "),
                FAILOVER));
        }

        /**
         * @return the process of node {@code node}'s JVM (pid 1 in its pid namespace, a child of the {@code
         * unshare} started).
         */
        ProcessHandle javaProcess(final int node)
        {
            final ProcessHandle unshare = nodes.get(node).process().toHandle();
            final List<ProcessHandle> children = unshare.children().toList();
            if (children.size() != 1)
            {
                throw new AssertionError("expected one process, the node's JVM, under " + nodes.get(node) + ": " +
                    unshare.info() + " has " + children.stream().map(p -> p.pid() + " " + p.info()).toList());
            }
            return children.get(0);
        }

        /**
         * @return node {@code node}'s witness records as they are on the disk now (a read-only open of the
         * volume group, reading through O_DIRECT).
         */
        List<WitnessRecords.Record> witness(final int node)
        {
            try (Dss dss = Dss.openVolumeGroup("data", rig.device(), options(3, true));
                DssFile file = dss.open(WitnessRecords.path(node), OpenFlag.READ))
            {
                return WitnessRecords.read(file, node);
            }
        }

        /**
         * @return why node {@code node}'s arbiter removed its peer, as it logged it.
         */
        String removal(final int node)
        {
            return nodes.get(node).output().lines().filter(line -> line.contains("kick out:"))
                .map(line -> line.substring(line.indexOf("kick out:")).replaceFirst("\\.]$", "")).findFirst()
                .orElse("no kick-out logged");
        }

        /**
         * @return how node {@code node}'s DSS kick of its peer ended, as its fencer logged it.
         */
        String kick(final int node)
        {
            return nodes.get(node).output().lines().filter(line -> line.contains("kick of node"))
                .map(line -> line.substring(line.indexOf("kick of node"))).findFirst().orElse("no kick logged");
        }

        HeartbeatSector heartbeat(final int node)
        {
            return new ClusterDisk(new EntryVolumeSectorIo(ArbitrationSectors.on(device)), LAYOUT)
                .readHeartbeat(node);
        }

        @Override
        public void close()
        {
            final List<Throwable> failures = new ArrayList<>();
            for (final ChildProcess node : nodes)
            {
                try
                {
                    node.close();
                }
                catch (final RuntimeException | Error ex)
                {
                    failures.add(ex);
                }
            }
            if (device != null)
            {
                device.close();
            }
            try
            {
                rig.close();
            }
            catch (final RuntimeException | Error ex)
            {
                failures.add(ex);
            }
            if (!failures.isEmpty())
            {
                final AssertionError error = new AssertionError("closing the two-host cluster failed");
                failures.forEach(error::addSuppressed);
                throw error;
            }
        }
    }
}
