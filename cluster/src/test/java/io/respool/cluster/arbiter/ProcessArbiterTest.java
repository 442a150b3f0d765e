package io.respool.cluster.arbiter;

import io.respool.blockdev.BlockDevice;
import io.respool.blockdev.BlockDevices;
import io.respool.dms.api.MembershipView;
import io.respool.dss.Dss;
import io.respool.dss.arbitration.ArbitrationSectors;
import io.respool.dss.engine.InstanceOptions;
import io.respool.testsupport.ChildJvm;
import io.respool.testsupport.ChildProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The primary as a separate process on this host ({@link ArbiterNodeMain}, DSS instance 0) and the standby's arbiter
 * in the test over one image file, disk only, with the real kick and {@code /proc}: a primary killed with SIGKILL or
 * stopped with SIGSTOP is removed, fenced and replaced well inside its lease, because its process is seen gone (or
 * is killed and then seen gone); and its DSS instance is fenced before the view is published. Real clock.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(90)
class ProcessArbiterTest
{

    @TempDir
    Path dir;

    @Test
    void shouldReplaceAKilledPrimaryOnThisHostWithoutWaitingOutItsLease() throws Exception
    {
        failOver(ChildProcess::kill, "kill -9");
    }

    @Test
    void shouldKillAndReplaceAStoppedPrimaryOnThisHostWithoutWaitingOutItsLease() throws Exception
    {
        failOver(ChildProcess::pause, "kill -STOP");
    }

    @Test
    void shouldTakeAKilledPrimaryBackAsAStandbyOnceItsProcessRestarts() throws Exception
    {
        failOver(ChildProcess::kill, "kill -9, restart");
    }

    private void failOver(final Consumer<ChildProcess> fault, final String what) throws Exception
    {
        final Path volume = ArbiterNodeMain.formattedVolume(dir);
        final ClusterAreaLayout layout = new ClusterAreaLayout(ClusterAreaLayout.DEFAULT_ENTRY_VOLUME_BASE);
        final String[] fenced = new String[1];
        try (ChildProcess primary = ChildJvm.of(ArbiterNodeMain.class)
                .args(volume.toString(), dir.toString(), "0").start();
            Dss dss = Dss.openVolumeGroup("data", volume, InstanceOptions.defaults().withLockDirectory(dir)
                .withInstanceId(1));
            BlockDevice device = BlockDevices.open(volume);
            VolumeGroupFencer fencer = new VolumeGroupFencer(dss.volumeGroup("data"), node -> node))
        {
            final ClusterDisk disk = new ClusterDisk(new EntryVolumeSectorIo(ArbitrationSectors.on(device)), layout);
            final DecidedViews views = new DecidedViews();
            final ArbiterContext ctx = new ArbiterContext().nodeId(1).nodeCount(2).initialView(0b11, 0);
            final Arbiter arbiter = new Arbiter(ctx, disk, new DiskPaxosRegister(disk, 1, 2),
                NetworkLiveness.diskOnly(), fencer, reason -> fenced[0] = reason, views, 11, System.nanoTime());
            primary.awaitLine("view 1", Duration.ofSeconds(60));
            runUntil(arbiter, () -> views.hasView(), TimeUnit.SECONDS.toNanos(20));
            runUntil(arbiter, () -> false, TimeUnit.MILLISECONDS.toNanos(500));
            assertEquals(new MembershipView(1, 0b11, 0, 0), views.current());

            final long faultNs = System.nanoTime();
            fault.accept(primary);
            runUntil(arbiter, () -> views.current().version() == 2, TimeUnit.SECONDS.toNanos(10));
            final long failoverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - faultNs);

            assertEquals(new MembershipView(2, 0b10, 1, 1), views.current(), what + ", after " + failoverMs + " ms");
            assertTrue(failoverMs < ArbiterContext.LEASE_TIMEOUT_DEFAULT_MS,
                what + " to published view took " + failoverMs + " ms, the lease is " +
                ArbiterContext.LEASE_TIMEOUT_DEFAULT_MS + " ms");
            assertTrue(dss.volumeGroup("data").instances().stream()
                .anyMatch(s -> s.instanceId() == 0 && s.fenced()), "DSS instance 0 fenced");
            assertTrue(primary.waitFor(Duration.ofSeconds(10)), "the primary's process is gone");
            assertFalse(primary.isAlive());
            assertNull(fenced[0]);
            System.out.println(what + " of the primary's process to the standby's published view: " + failoverMs +
                " ms");
            if (what.endsWith("restart"))
            {
                rejoin(volume, arbiter, views, dss);
            }
        }
    }

    /**
     * Start node 0 again as a new process: it finds itself outside the view, asks to join, is added by the new
     * primary (node 1, this test's arbiter), registers its kicked DSS instance again and writes.
     */
    private void rejoin(final Path volume, final Arbiter arbiter, final DecidedViews views, final Dss dss)
    {
        final long restartNs = System.nanoTime();
        try (ChildProcess restarted = ChildJvm.of(ArbiterNodeMain.class)
            .args(volume.toString(), dir.toString(), "0").start())
        {
            runUntil(arbiter, () -> views.current().version() == 3, TimeUnit.SECONDS.toNanos(60));
            final long joinMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartNs);
            assertEquals(new MembershipView(3, 0b11, 1, 1), views.current(), "after " + joinMs + " ms");
            // the arbiter keeps its duty cycle while the joiner takes the view up (its decision is written then)
            runUntil(arbiter, () -> restarted.output().contains("\nwrote"), TimeUnit.SECONDS.toNanos(20));
            restarted.awaitLine("view 3", Duration.ofSeconds(1));
            restarted.awaitLine("wrote", Duration.ofSeconds(1));
            assertTrue(dss.volumeGroup("data").instances().stream()
                .anyMatch(s -> s.instanceId() == 0 && !s.fenced() && s.registered()), "DSS instance 0 registered");
            runUntil(arbiter, () -> false, TimeUnit.SECONDS.toNanos(1));
            assertEquals(3, views.current().version(), "stable after the rejoin");
            assertTrue(restarted.isAlive());
            System.out.println("restart of node 0's process (JVM start included) to the view adding it back: " +
                joinMs + " ms");
        }
    }

    private static void runUntil(final Arbiter arbiter, final java.util.function.BooleanSupplier done,
        final long timeoutNs)
    {
        final long deadlineNs = System.nanoTime() + timeoutNs;
        while (!done.getAsBoolean() && System.nanoTime() - deadlineNs < 0)
        {
            arbiter.doWork(System.nanoTime(), System.currentTimeMillis());
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }
}
