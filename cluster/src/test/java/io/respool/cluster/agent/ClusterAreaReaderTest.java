package io.respool.cluster.agent;

import io.respool.blockdev.BlockDevice;
import io.respool.blockdev.BlockDevices;
import io.respool.cluster.arbiter.Arbiter;
import io.respool.cluster.arbiter.ArbiterContext;
import io.respool.cluster.arbiter.ClusterAreaLayout;
import io.respool.cluster.arbiter.ClusterDisk;
import io.respool.cluster.arbiter.DecidedViews;
import io.respool.cluster.arbiter.DiskPaxosRegister;
import io.respool.cluster.arbiter.EntryVolumeSectorIo;
import io.respool.cluster.arbiter.Fencer;
import io.respool.cluster.arbiter.NetworkLiveness;
import io.respool.dms.api.MembershipView;
import io.respool.dss.KickResult;
import io.respool.dss.arbitration.ArbitrationSectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The reader over a cluster area written by the real arbiter (two {@link Arbiter}s, Disk Paxos, heartbeats) on an
 * image file, on a stepped clock, without a network lane: view 1 with both nodes, a member whose heartbeat stops, then the primary kicked
 * out in view 2. The reader never changes a byte of the volume.
 */
class ClusterAreaReaderTest
{
    private static final long STEP_NS = TimeUnit.MILLISECONDS.toNanos(10);

    @TempDir
    Path dir;

    private final String[] fenced = new String[2];
    private long nowNs = 1_000_000_000L;

    @Test
    void shouldReadTheDecidedViewAndJudgeHeartbeatsByTheReadersClock() throws Exception
    {
        final Path volume = dir.resolve("vol0");
        BlockDevices.createSparseImage(volume, 16L << 20);
        final VotingDisk voting = new VotingDisk(volume, ClusterAreaLayout.DEFAULT_ENTRY_VOLUME_BASE, 300);
        try (BlockDevice device = BlockDevices.open(volume); ClusterAreaReader reader = ClusterAreaReader.open(voting))
        {
            final ClusterDisk disk = new ClusterDisk(new EntryVolumeSectorIo(ArbitrationSectors.on(device)),
                new ClusterAreaLayout(voting.base()));
            disk.format(2);
            assertNull(DecidedRoles.judge(reader.read(2), reader.read(2), 300).of(0), "no view decided yet");

            final DecidedViews views0 = new DecidedViews();
            final DecidedViews views1 = new DecidedViews();
            final Fencer fencer = new Fencer()
            {
                @Override
                public void start(final int nodeId)
                {
                }

                @Override
                public KickResult poll(final int nodeId)
                {
                    return KickResult.NOT_RUNNING;
                }
            };
            final Arbiter a0 = new Arbiter(context(0), disk, new DiskPaxosRegister(disk, 0, 2), NetworkLiveness.diskOnly(),
                fencer,
                r -> fenced[0] = r, views0, 10, nowNs);
            final Arbiter a1 = new Arbiter(context(1), disk, new DiskPaxosRegister(disk, 1, 2), NetworkLiveness.diskOnly(),
                fencer,
                r -> fenced[1] = r, views1, 11, nowNs);
            for (int i = 0; i < 300 && !(views0.hasView() && views1.hasView()); i++)
            {
                step(a0, a1);
            }
            assertEquals(new MembershipView(1, 0b11, 0, 0), views1.current());

            ClusterAreaReader.Snapshot first = reader.read(2);
            for (int i = 0; i < 30; i++)
            {
                step(a0, a1);
            }
            DecidedRoles roles = DecidedRoles.judge(first, reader.read(2), 300);
            assertEquals(views1.current(), roles.view());
            assertEquals(new DecidedRoles.Verdict("Primary", ""), roles.of(0));
            assertEquals(new DecidedRoles.Verdict("Standby", ""), roles.of(1));

            // node 1's heartbeat stops for the gap (only node 0 runs): Down by the reader's judgement, still a member
            first = reader.read(2);
            for (int i = 0; i < 30; i++)
            {
                step(a0, null);
            }
            roles = DecidedRoles.judge(first, reader.read(2), 300);
            assertEquals(new DecidedRoles.Verdict("Primary", ""), roles.of(0));
            assertEquals(new DecidedRoles.Verdict("Down", "disk heartbeat unchanged for 300 ms"), roles.of(1));

            // the primary stops; node 1 confirms it on the disk, fences it and decides view 2 without it
            for (int i = 0; i < 500 && views1.current().version() < 2; i++)
            {
                step(null, a1);
            }
            assertEquals(new MembershipView(2, 0b10, 1, 1), views1.current());
            final byte[] before = Files.readAllBytes(volume);
            first = reader.read(2);
            final ClusterAreaReader.Snapshot second = reader.read(2);
            assertArrayEquals(before, Files.readAllBytes(volume), "the reader wrote to the volume");
            for (int i = 0; i < 30; i++)
            {
                step(null, a1);
            }
            final ClusterAreaReader.Snapshot later = reader.read(2);
            roles = DecidedRoles.judge(first, later, 300);
            assertEquals(2, roles.view().version());
            assertEquals(new DecidedRoles.Verdict("Down", "kicked out in view 2"), roles.of(0));
            assertEquals(new DecidedRoles.Verdict("Primary", ""), roles.of(1));
            assertEquals(2, later.heartbeats().get(1).viewVersion(), "node 1's heartbeat names the view it published");
            assertEquals(1, later.heartbeats().get(0).viewVersion(), "node 0 stopped in view 1");
            assertNull(fenced[1]);
            assertEquals(0, second.problems().size(), second.problems().toString());
        }
    }

    /** One 10 ms step of the nodes that run (no network lane: a stopped node is removed at its lease timeout). */
    private void step(final Arbiter a0, final Arbiter a1)
    {
        nowNs += STEP_NS;
        if (a0 != null)
        {
            a0.doWork(nowNs, nowNs / 1_000_000);
        }
        if (a1 != null)
        {
            a1.doWork(nowNs, nowNs / 1_000_000);
        }
    }

    private ArbiterContext context(final int node)
    {
        return new ArbiterContext().nodeId(node).nodeCount(2).initialView(0b11, 0).nanoClock(() -> nowNs);
    }
}
