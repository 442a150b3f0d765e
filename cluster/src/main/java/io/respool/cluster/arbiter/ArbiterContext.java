package io.respool.cluster.arbiter;

import io.respool.common.process.HostProcesses;
import io.respool.common.process.LinuxProcesses;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The arbiter's settings. Every timeout has a {@code *_PROP_NAME} and a {@code *_DEFAULT}; {@link #conclude()}
 * checks the relations the safety argument in cluster/DESIGN.md needs and names the setting it refuses.
 */
public final class ArbiterContext
{
    public static final String HEARTBEAT_INTERVAL_PROP_NAME = "respool.cluster.heartbeat.interval.ms";
    /** Disk heartbeat renewal period. */
    public static final long HEARTBEAT_INTERVAL_DEFAULT_MS = 100;
    public static final String SELF_FENCE_TIMEOUT_PROP_NAME = "respool.cluster.self.fence.timeout.ms";
    /**
     * A node whose own renewal has not been confirmed for this long fences itself: over twice the worst renewal gap
     * measured with both cores saturated (cluster/DESIGN.md, "Choosing the timeouts").
     */
    public static final long SELF_FENCE_TIMEOUT_DEFAULT_MS = 1600;
    public static final String LEASE_TIMEOUT_PROP_NAME = "respool.cluster.lease.timeout.ms";
    /**
     * A peer whose sector stayed unchanged this long has fenced itself for certain: at least 1.5 x self-fence, the
     * margin over it covering the worst measured stall between a gate check and its write.
     */
    public static final long LEASE_TIMEOUT_DEFAULT_MS = 2400;
    public static final String DISK_CONFIRM_TIMEOUT_PROP_NAME = "respool.cluster.disk.confirm.timeout.ms";
    /**
     * A network suspicion of the primary is confirmed when its sector stayed unchanged this long: as long as the
     * self-fence timeout, so that a primary removed this way has fenced itself or is about to.
     */
    public static final long DISK_CONFIRM_TIMEOUT_DEFAULT_MS = 1600;
    public static final String NETWORK_SUSPECT_TIMEOUT_PROP_NAME = "respool.cluster.network.suspect.timeout.ms";
    /**
     * A peer not heard on the network for this long is suspected: twice the worst gap measured under saturation, as
     * the primary removes a standby it cannot hear (cluster/DESIGN.md).
     */
    public static final long NETWORK_SUSPECT_TIMEOUT_DEFAULT_MS = 1600;
    public static final String DISK_SUSPECT_TIMEOUT_PROP_NAME = "respool.cluster.disk.suspect.timeout.ms";
    /**
     * A peer whose sector stayed unchanged this long is suspected on the disk: if it runs on this host, its process is
     * checked, and one that is gone or stopped is removed at once (cluster/DESIGN.md, "Certain fences").
     */
    public static final long DISK_SUSPECT_TIMEOUT_DEFAULT_MS = 200;
    public static final String REGISTER_POLL_INTERVAL_PROP_NAME = "respool.cluster.register.poll.interval.ms";
    /** How often a node reads the register for views others decided. */
    public static final long REGISTER_POLL_INTERVAL_DEFAULT_MS = 100;
    public static final String PROPOSE_BACKOFF_PROP_NAME = "respool.cluster.propose.backoff.ms";
    /** After an aborted ballot a node waits this long times (1 + its id) before proposing again. */
    public static final long PROPOSE_BACKOFF_DEFAULT_MS = 20;

    private long heartbeatIntervalMs = Long.getLong(HEARTBEAT_INTERVAL_PROP_NAME, HEARTBEAT_INTERVAL_DEFAULT_MS);
    private long selfFenceTimeoutMs = Long.getLong(SELF_FENCE_TIMEOUT_PROP_NAME, SELF_FENCE_TIMEOUT_DEFAULT_MS);
    private long leaseTimeoutMs = Long.getLong(LEASE_TIMEOUT_PROP_NAME, LEASE_TIMEOUT_DEFAULT_MS);
    private long diskConfirmTimeoutMs = Long.getLong(DISK_CONFIRM_TIMEOUT_PROP_NAME,
        DISK_CONFIRM_TIMEOUT_DEFAULT_MS);
    private long networkSuspectTimeoutMs = Long.getLong(NETWORK_SUSPECT_TIMEOUT_PROP_NAME,
        NETWORK_SUSPECT_TIMEOUT_DEFAULT_MS);
    private long diskSuspectTimeoutMs = Long.getLong(DISK_SUSPECT_TIMEOUT_PROP_NAME, DISK_SUSPECT_TIMEOUT_DEFAULT_MS);
    private long registerPollIntervalMs = Long.getLong(REGISTER_POLL_INTERVAL_PROP_NAME,
        REGISTER_POLL_INTERVAL_DEFAULT_MS);
    private long proposeBackoffMs = Long.getLong(PROPOSE_BACKOFF_PROP_NAME, PROPOSE_BACKOFF_DEFAULT_MS);
    private int nodeId = -1;
    private int nodeCount;
    private long initialMembers;
    private int initialPrimary;
    private HostProcesses hostProcesses;
    private StorageAdmission storageAdmission = StorageAdmission.NONE;
    private NanoClock nanoClock = SystemNanoClock.INSTANCE;
    private BooleanSupplier arbitrationPaused = () -> false;

    /**
     * @return this, checked: every relation the safety argument needs holds.
     */
    public ArbiterContext conclude()
    {
        if (nodeCount < 1 || nodeCount > ClusterAreaLayout.MAX_NODES || nodeId < 0 || nodeId >= nodeCount)
        {
            throw new IllegalArgumentException("nodeId and nodeCount out of range: nodeId=" + nodeId +
                ", nodeCount=" + nodeCount + ", max nodes=" + ClusterAreaLayout.MAX_NODES);
        }
        if (initialMembers == 0 || (initialMembers & (1L << initialPrimary)) == 0 ||
            Long.numberOfLeadingZeros(initialMembers) < 64 - nodeCount)
        {
            throw new IllegalArgumentException("initialMembers must be a non-empty subset of the nodes holding " +
                "initialPrimary: initialMembers=0x" + Long.toHexString(initialMembers) + ", initialPrimary=" +
                initialPrimary + ", nodeCount=" + nodeCount);
        }
        positive(HEARTBEAT_INTERVAL_PROP_NAME, heartbeatIntervalMs);
        positive(REGISTER_POLL_INTERVAL_PROP_NAME, registerPollIntervalMs);
        positive(PROPOSE_BACKOFF_PROP_NAME, proposeBackoffMs);
        atLeast(SELF_FENCE_TIMEOUT_PROP_NAME, selfFenceTimeoutMs, 3 * heartbeatIntervalMs, "3 x heartbeat interval");
        atLeast(LEASE_TIMEOUT_PROP_NAME, leaseTimeoutMs, (3 * selfFenceTimeoutMs + 1) / 2,
            "1.5 x self-fence timeout");
        atLeast(DISK_CONFIRM_TIMEOUT_PROP_NAME, diskConfirmTimeoutMs, 3 * heartbeatIntervalMs,
            "3 x heartbeat interval");
        atLeast(NETWORK_SUSPECT_TIMEOUT_PROP_NAME, networkSuspectTimeoutMs, 1, "1");
        atLeast(DISK_SUSPECT_TIMEOUT_PROP_NAME, diskSuspectTimeoutMs, 2 * heartbeatIntervalMs,
            "2 x heartbeat interval");
        if (hostProcesses == null)
        {
            hostProcesses = new LinuxProcesses();
        }
        return this;
    }

    private static void positive(final String name, final long value)
    {
        atLeast(name, value, 1, "1");
    }

    private static void atLeast(final String name, final long value, final long min, final String what)
    {
        if (value < min)
        {
            throw new IllegalArgumentException(name + " must be at least " + what + ": " + name + "=" + value +
                ", minimum=" + min);
        }
    }

    public ArbiterContext nodeId(final int value)
    {
        nodeId = value;
        return this;
    }

    public int nodeId()
    {
        return nodeId;
    }

    public ArbiterContext nodeCount(final int value)
    {
        nodeCount = value;
        return this;
    }

    public int nodeCount()
    {
        return nodeCount;
    }

    /**
     * The first view, version 1, that every node proposes when none was ever decided.
     */
    public ArbiterContext initialView(final long members, final int primary)
    {
        initialMembers = members;
        initialPrimary = primary;
        return this;
    }

    public long initialMembers()
    {
        return initialMembers;
    }

    public int initialPrimary()
    {
        return initialPrimary;
    }

    public ArbiterContext heartbeatIntervalMs(final long value)
    {
        heartbeatIntervalMs = value;
        return this;
    }

    public ArbiterContext selfFenceTimeoutMs(final long value)
    {
        selfFenceTimeoutMs = value;
        return this;
    }

    public ArbiterContext leaseTimeoutMs(final long value)
    {
        leaseTimeoutMs = value;
        return this;
    }

    public ArbiterContext diskConfirmTimeoutMs(final long value)
    {
        diskConfirmTimeoutMs = value;
        return this;
    }

    public ArbiterContext networkSuspectTimeoutMs(final long value)
    {
        networkSuspectTimeoutMs = value;
        return this;
    }

    public ArbiterContext diskSuspectTimeoutMs(final long value)
    {
        diskSuspectTimeoutMs = value;
        return this;
    }

    /**
     * How this node checks the processes of peers on its own host; {@link LinuxProcesses} unless set.
     */
    public ArbiterContext hostProcesses(final HostProcesses value)
    {
        hostProcesses = value;
        return this;
    }

    public HostProcesses hostProcesses()
    {
        return hostProcesses;
    }

    /**
     * How this node gets its storage back when a view admits it again after it was removed: {@link
     * VolumeGroupFencer#admission()} (DSS {@code reghl}) in a node over DSS; {@link StorageAdmission#NONE} unless set.
     */
    public ArbiterContext storageAdmission(final StorageAdmission value)
    {
        storageAdmission = value == null ? StorageAdmission.NONE : value;
        return this;
    }

    public StorageAdmission storageAdmission()
    {
        return storageAdmission;
    }

    /**
     * Whether the operator paused the cluster's arbitration ({@code cmctl pause}: the host's
     * {@code cluster_manual_pause} flag file); never paused unless set. While it answers true this arbiter
     * proposes no view of its own accord: no removal of a failed member and no admission of a joiner; it logs what
     * it withholds. The operator's {@code cmctl switchover} and {@code failover} still go through, and every node
     * still fences itself when it must: withholding a decision never makes two writers. Read on the arbiter's
     * thread once a judging cycle; keep it cheap.
     */
    public ArbiterContext arbitrationPaused(final BooleanSupplier value)
    {
        arbitrationPaused = value;
        return this;
    }

    public BooleanSupplier arbitrationPaused()
    {
        return arbitrationPaused;
    }

    /**
     * The clock the caller's {@code nowNs} comes from ({@link SystemNanoClock} unless set; a simulation's stepped
     * clock in tests). The own heartbeat reads it right before and after its write: the duty cycle's {@code nowNs}
     * is older than the write by whatever ran before it in the cycle, and the self-fence rule is about the write.
     */
    public ArbiterContext nanoClock(final NanoClock value)
    {
        nanoClock = value;
        return this;
    }

    public NanoClock nanoClock()
    {
        return nanoClock;
    }

    public long diskSuspectTimeoutNs()
    {
        return TimeUnit.MILLISECONDS.toNanos(diskSuspectTimeoutMs);
    }

    public long heartbeatIntervalNs()
    {
        return TimeUnit.MILLISECONDS.toNanos(heartbeatIntervalMs);
    }

    public long selfFenceTimeoutNs()
    {
        return TimeUnit.MILLISECONDS.toNanos(selfFenceTimeoutMs);
    }

    public long leaseTimeoutNs()
    {
        return TimeUnit.MILLISECONDS.toNanos(leaseTimeoutMs);
    }

    public long diskConfirmTimeoutNs()
    {
        return TimeUnit.MILLISECONDS.toNanos(diskConfirmTimeoutMs);
    }

    public long networkSuspectTimeoutNs()
    {
        return TimeUnit.MILLISECONDS.toNanos(networkSuspectTimeoutMs);
    }

    public long registerPollIntervalNs()
    {
        return TimeUnit.MILLISECONDS.toNanos(registerPollIntervalMs);
    }

    public long proposeBackoffNs()
    {
        return TimeUnit.MILLISECONDS.toNanos(proposeBackoffMs);
    }
}
