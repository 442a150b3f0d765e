package io.respool.cluster.agent;

import io.respool.blockdev.BlockDevice;
import io.respool.blockdev.BlockDevices;
import io.respool.blockdev.OpenOptions;
import io.respool.cluster.arbiter.ClusterAreaLayout;
import io.respool.cluster.arbiter.ClusterDisk;
import io.respool.cluster.arbiter.EntryVolumeSectorIo;
import io.respool.cluster.arbiter.HeartbeatSector;
import io.respool.cluster.arbiter.PaxosRead;
import io.respool.dms.api.MembershipView;
import io.respool.dss.arbitration.ArbitrationSectors;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the arbiter's cluster area read-only, through the arbiter's own read paths ({@link ClusterDisk}): the
 * decided membership view (the highest decided version any node's Disk Paxos block carries) and every node's
 * heartbeat sector. It never writes: the device is opened read-only, so a reader can never disturb a ballot.
 */
public final class ClusterAreaReader implements AutoCloseable
{
    private final BlockDevice device;
    private final ClusterDisk disk;

    private ClusterAreaReader(final BlockDevice device, final ClusterDisk disk)
    {
        this.device = device;
        this.disk = disk;
    }

    /**
     * @param votingDisk the volume and the area's base.
     * @return a reader over it.
     */
    public static ClusterAreaReader open(final VotingDisk votingDisk)
    {
        final Path path = votingDisk.path();
        final BlockDevice device = BlockDevices.open(path, OpenOptions.defaults().readOnly(true));
        try
        {
            return new ClusterAreaReader(device, new ClusterDisk(new EntryVolumeSectorIo(ArbitrationSectors.on(device)),
                new ClusterAreaLayout(votingDisk.base())));
        }
        catch (final RuntimeException ex)
        {
            device.close();
            throw ex;
        }
    }

    /**
     * @param nodeCount read nodes {@code 0 .. nodeCount-1}.
     * @return the decided view (null if none decided yet) and the heartbeats, in node order.
     */
    public Snapshot read(final int nodeCount)
    {
        MembershipView view = null;
        final List<String> problems = new ArrayList<>();
        final List<HeartbeatReading> beats = new ArrayList<>();
        for (int node = 0; node < nodeCount; node++)
        {
            final PaxosRead paxos = disk.readPaxos(node);
            if (!paxos.readable())
            {
                problems.add("Disk Paxos block of node " + node + " unreadable: " + paxos.problem());
            }
            else if (paxos.latest() != null)
            {
                final MembershipView decided = paxos.latest().decided();
                if (decided != null && (view == null || decided.version() > view.version()))
                {
                    view = decided;
                }
            }
            beats.add(heartbeat(node, disk.readHeartbeat(node)));
        }
        return new Snapshot(view, List.copyOf(beats), List.copyOf(problems));
    }

    private static HeartbeatReading heartbeat(final int node, final HeartbeatSector s)
    {
        if (s.isEmpty() || s.buffer().getLong(0) == 0)
        {
            return new HeartbeatReading(node, false, false, 0, 0, 0, "");
        }
        if (!s.isValid())
        {
            return new HeartbeatReading(node, false, false, 0, 0, 0, "heartbeat sector of node " + node + ": " +
                s.invalidReason());
        }
        return new HeartbeatReading(node, true, s.state() == HeartbeatSector.SELF_FENCED, s.incarnation(),
            s.counter(), s.viewVersion(), "");
    }

    @Override
    public void close()
    {
        device.close();
    }

    /**
     * One read of the area.
     *
     * @param view       the highest decided view, null if none.
     * @param heartbeats per node, index = node id.
     * @param problems   sectors that could not be used.
     */
    public record Snapshot(MembershipView view, List<HeartbeatReading> heartbeats, List<String> problems)
    {
    }
}
