package io.respool.cluster.arbiter;

import io.respool.dms.api.MembershipView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Disk Paxos (Gafni and Lamport) on one disk: every node owns one block ({@link PaxosBlock}, two copies) and reads
 * everyone's. One instance per view version; a ballot is: write own block with mbal = b, read all others (abort if
 * one has a higher mbal, else take the value of the highest bal), write own block with bal = b and that value, read
 * all others again (abort on a higher mbal), and the value is chosen; a last write publishes the decision in the
 * block's decided fields. See cluster/DESIGN.md for why two proposers cannot both win. Single-threaded: one caller
 * drives {@link #doWork}; every step is one sector I/O.
 */
public final class DiskPaxosRegister implements DecisionRegister
{
    private static final Logger LOG = LoggerFactory.getLogger(DiskPaxosRegister.class);
    private static final int NODE_BITS = 8;

    private final ClusterDisk disk;
    private final int nodeId;
    private final int nodeCount;

    private RegisterState state = RegisterState.RECOVER;
    private Outcome outcome = Outcome.NONE;
    private String abortReason;
    private MembershipView latest;

    private long ownSequence;
    private int ownNextCopy;
    private long instance;
    private long mbal;
    private long bal;
    private MembershipView inp;
    private long maxSeenMbal;

    private MembershipView proposal;
    private long bestBal;
    private MembershipView bestInp;
    private int cursor;

    /**
     * @param nodeCount the nodes that may ever propose: ids 0 .. nodeCount - 1, every block of which is read.
     */
    public DiskPaxosRegister(final ClusterDisk disk, final int nodeId, final int nodeCount)
    {
        ClusterAreaLayout.checkNode(nodeId);
        if (nodeCount < 1 || nodeCount > ClusterAreaLayout.MAX_NODES || nodeId >= nodeCount)
        {
            throw new IllegalArgumentException("node count out of range: nodeCount=" + nodeCount + ", nodeId=" +
                nodeId + ", max=" + ClusterAreaLayout.MAX_NODES);
        }
        this.disk = disk;
        this.nodeId = nodeId;
        this.nodeCount = nodeCount;
    }

    @Override
    public MembershipView latest()
    {
        return latest;
    }

    @Override
    public boolean propose(final MembershipView view)
    {
        final int next = latest == null ? 1 : latest.version() + 1;
        if (state != RegisterState.IDLE || view.version() != next)
        {
            return false;
        }
        proposal = view;
        if (instance != next)
        {
            instance = next;
            bal = 0;
            inp = null;
        }
        mbal = ((Math.max(mbal, maxSeenMbal) >>> NODE_BITS) + 1) << NODE_BITS | nodeId;
        outcome = Outcome.PENDING;
        abortReason = null;
        state(RegisterState.PHASE1_WRITE, "propose " + view + " at ballot " + ballotString(mbal));
        return true;
    }

    @Override
    public boolean refresh()
    {
        if (state != RegisterState.IDLE)
        {
            return false;
        }
        cursor = firstPeer();
        state(RegisterState.REFRESH, "refresh");
        return true;
    }

    @Override
    public boolean busy()
    {
        return state != RegisterState.IDLE;
    }

    @Override
    public Outcome outcome()
    {
        return outcome;
    }

    @Override
    public String abortReason()
    {
        return abortReason;
    }

    RegisterState state()
    {
        return state;
    }

    @Override
    public int doWork(final long nowNs)
    {
        try
        {
            switch (state)
            {
                case RECOVER -> recover();
                case IDLE ->
                {
                    return 0;
                }
                case REFRESH -> refreshStep();
                case PHASE1_WRITE, PHASE2_WRITE -> writeStep();
                case PHASE1_READ, PHASE2_READ -> readStep();
                case COMMIT_WRITE -> commitStep();
                default -> throw new IllegalStateException("unknown state " + state);
            }
        }
        catch (final RuntimeException ex)
        {
            onIoFailure(ex);
        }
        return 1;
    }

    private void recover()
    {
        final PaxosRead own = disk.readPaxos(nodeId);
        if (!own.readable())
        {
            throw new IllegalStateException("own Paxos block of node " + nodeId + " is damaged: " + own.problem());
        }
        ownNextCopy = own.nextCopy();
        final PaxosBlock block = own.latest();
        if (block != null)
        {
            ownSequence = block.sequence();
            instance = block.instance();
            mbal = block.mbal();
            bal = block.bal();
            inp = block.inp();
            latest = block.decided();
        }
        state(RegisterState.IDLE, "recovered own block: instance=" + instance + ", mbal=" + ballotString(mbal) +
            ", decided=" + (latest == null ? 0 : latest.version()));
    }

    private void refreshStep()
    {
        final PaxosRead read = disk.readPaxos(cursor);
        if (read.readable() && read.latest() != null)
        {
            learn(read.latest());
        }
        cursor = nextPeer(cursor);
        if (cursor >= nodeCount)
        {
            state(RegisterState.IDLE, "refreshed: decided=" + (latest == null ? 0 : latest.version()));
        }
    }

    private void writeStep()
    {
        final boolean phase1 = state == RegisterState.PHASE1_WRITE;
        if (!phase1)
        {
            bal = mbal;
            inp = chosenValue();
        }
        writeOwn();
        bestBal = bal;
        bestInp = inp;
        cursor = firstPeer();
        if (cursor >= nodeCount)
        {
            endOfReads(phase1);
        }
        else
        {
            state(phase1 ? RegisterState.PHASE1_READ : RegisterState.PHASE2_READ, "wrote own block");
        }
    }

    private void readStep()
    {
        final int peer = cursor;
        final PaxosRead read = disk.readPaxos(peer);
        if (!read.readable())
        {
            abort("Paxos block of node " + peer + " is damaged: " + read.problem());
            return;
        }
        final PaxosBlock block = read.latest();
        if (block != null)
        {
            if (block.decidedVersion() >= instance)
            {
                learn(block);
                outcome = Outcome.DECIDED;
                state(RegisterState.IDLE, "node " + peer + " already decided version " + block.decidedVersion());
                return;
            }
            if (block.instance() > instance)
            {
                abort("node " + peer + " is at instance " + block.instance() + " without its decision");
                return;
            }
            if (block.instance() == instance)
            {
                maxSeenMbal = Math.max(maxSeenMbal, block.mbal());
                if (block.mbal() > mbal)
                {
                    abort("node " + peer + " began ballot " + ballotString(block.mbal()) + " above " +
                        ballotString(mbal));
                    return;
                }
                if (block.bal() > bestBal && block.inp() != null)
                {
                    bestBal = block.bal();
                    bestInp = block.inp();
                }
            }
        }
        cursor = nextPeer(cursor);
        if (cursor >= nodeCount)
        {
            endOfReads(state == RegisterState.PHASE1_READ);
        }
    }

    private void endOfReads(final boolean phase1)
    {
        if (phase1)
        {
            state(RegisterState.PHASE2_WRITE, "phase 1 done: value " + chosenValue() + " (best bal " +
                ballotString(bestBal) + ")");
        }
        else
        {
            latest = inp;
            outcome = Outcome.DECIDED;
            state(RegisterState.COMMIT_WRITE, "chosen at ballot " + ballotString(mbal) + ": " + inp);
        }
    }

    private void commitStep()
    {
        writeOwn();
        state(RegisterState.IDLE, "decision written: version " + latest.version());
    }

    private MembershipView chosenValue()
    {
        return bestInp != null ? bestInp : proposal;
    }

    private void writeOwn()
    {
        final PaxosBlock block = ClusterDisk.blank(new PaxosBlock()).sequence(ownSequence + 1).nodeId(nodeId)
            .instance(instance).mbal(mbal).bal(bal).inp(inp).decided(latest);
        disk.writePaxos(block, ownNextCopy);
        ownSequence++;
        ownNextCopy ^= 1;
    }

    private void learn(final PaxosBlock block)
    {
        final MembershipView decided = block.decided();
        if (decided != null && (latest == null || decided.version() > latest.version()))
        {
            LOG.info("node {} learned decided view {} from node {}", nodeId, decided, block.nodeId());
            latest = decided;
        }
    }

    private void onIoFailure(final RuntimeException ex)
    {
        final String why = "I/O failed in " + state + ": " + ex.getMessage();
        switch (state)
        {
            case RECOVER, COMMIT_WRITE -> LOG.warn("node {}: {}; retrying", nodeId, why);
            case REFRESH -> state(RegisterState.IDLE, why);
            default -> abort(why);
        }
    }

    private void abort(final String reason)
    {
        abortReason = reason;
        outcome = Outcome.ABORTED;
        state(RegisterState.IDLE, "abort: " + reason);
    }

    private int firstPeer()
    {
        return nextPeer(-1);
    }

    private int nextPeer(final int from)
    {
        final int next = from + 1;
        return next == nodeId ? next + 1 : next;
    }

    private void state(final RegisterState newState, final String reason)
    {
        if (LOG.isDebugEnabled())
        {
            LOG.debug("node {} register {} -> {}: {}", nodeId, state, newState, reason);
        }
        state = newState;
    }

    static String ballotString(final long ballot)
    {
        return ballot == 0 ? "0" : (ballot >>> NODE_BITS) + "." + (ballot & ((1 << NODE_BITS) - 1));
    }
}
