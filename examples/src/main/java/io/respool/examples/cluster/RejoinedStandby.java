package io.respool.examples.cluster;

import io.respool.dms.api.AcquireResult;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The work of an old primary that came back as a standby: the cluster manager's arbiter admitted its new process
 * into a new view and DMS re-formed (JOIN) with it, while the new primary may still be writing. It reads the whole
 * table through DMS in S, pass after pass, each page shipped from the new primary's buffer or read from the shared
 * disk, until the table holds the whole workload. Checks, on every pass:
 * <ul>
 *     <li>each row passes its CRC and holds the value of its version ({@link HeapPage#checkRow});</li>
 *     <li>no row version goes back between passes, and none is beyond the workload's last version of that row;</li>
 * </ul>
 * and at the end the table is exactly the workload's {@code 1 + rows + updates} commits. Then it tells the new
 * primary (FINISHED), which, run by the launcher rather than an agent, waits for that before it stops.
 */
final class RejoinedStandby
{
    /** Pause between passes: the standby reads, it should not take the cores from the writer. */
    private static final long PASS_PAUSE_NS = TimeUnit.MILLISECONDS.toNanos(20);

    /**
     * Where the check stands.
     */
    enum State
    {
        /** Reading pass after pass while the new primary writes. */
        READING,
        /** The table holds the whole workload, every pass was sound. */
        CHECKED,
        /** A pass found a row that is not sound, or the workload did not end in time. */
        FAILED,
        /** A switchover is making this node the primary: it stopped reading ({@link #stop}). */
        PROMOTED
    }

    private final PageAccess pages;
    private final TableScan scan;
    private final Problems problems;
    private final WriterRole.Settings settings;
    private final long[] finalVersions;
    private final long[] lastVersions;
    private volatile State state = State.READING;
    private volatile long passes;

    RejoinedStandby(final PageAccess pages, final TablePageStore store, final Problems problems,
        final WriterRole.Settings settings)
    {
        this.pages = pages;
        this.scan = new TableScan(pages, store);
        this.problems = problems;
        this.settings = settings;
        this.finalVersions = Workload.versionsAfter(settings.rows(), settings.updates(), settings.seed(),
            settings.rows() + settings.updates());
        this.lastVersions = new long[(int)settings.rows()];
    }

    /**
     * Read until the table holds the whole workload, or a problem, or the deadline.
     *
     * @return the state it ended in: {@link State#CHECKED}, {@link State#FAILED} or {@link State#PROMOTED}.
     */
    State run(final long deadlineNs)
    {
        while (state == State.READING)
        {
            final long[] versions;
            try
            {
                versions = scan.rowVersions(settings.rows());
            }
            catch (final RuntimeException ex)
            {
                if (state == State.PROMOTED)
                {
                    // a read caught in the switchover's reform
                    break;
                }
                fail("a row read on the rejoined standby fails its check: " + ex.getMessage());
                break;
            }
            passes++;
            if (state == State.PROMOTED)
            {
                break;
            }
            if (check(versions) && java.util.Arrays.equals(versions, finalVersions))
            {
                settle(State.CHECKED);
            }
            else if (deadlineNs - System.nanoTime() < 0)
            {
                fail("the table did not reach the workload's end within the run's time: " +
                    scan.differenceFromWorkload(settings.rows(), settings.updates(), settings.seed(),
                    1 + settings.rows() + settings.updates()));
            }
            else
            {
                LockSupport.parkNanos(PASS_PAUSE_NS);
            }
        }
        return state;
    }

    private boolean check(final long[] versions)
    {
        for (int row = 0; row < versions.length; row++)
        {
            if (versions[row] < lastVersions[row] || versions[row] > finalVersions[row])
            {
                fail("row " + row + " read at version " + versions[row] + " on the rejoined standby, after " +
                    lastVersions[row] + " in an earlier pass; the workload's last version is " + finalVersions[row]);
                return false;
            }
            lastVersions[row] = versions[row];
        }
        return true;
    }

    /**
     * A switchover makes this node the primary (any thread): stop reading, unless the check already ended.
     */
    void stop()
    {
        settle(State.PROMOTED);
    }

    private void fail(final String problem)
    {
        problems.add(problem);
        settle(State.FAILED);
    }

    private synchronized void settle(final State end)
    {
        if (state == State.READING)
        {
            state = end;
        }
    }

    State state()
    {
        return state;
    }

    /**
     * @return the line a standby prints once its check ended.
     */
    String describe()
    {
        return passes + " passes over the table through DMS, pages from the new primary: " +
            pages.count(AcquireResult.FROM_PEER) + ", from the shared disk: " + pages.count(AcquireResult.FROM_DISK) +
            ", still current here: " + pages.count(AcquireResult.LOCAL_HIT) + "; table " +
            (state == State.CHECKED ? "holds the whole workload" : state.name());
    }

    void report(final NodeReport report)
    {
        report.put("rejoin.passes", passes);
        report.put("rejoin.fromPeer", pages.count(AcquireResult.FROM_PEER));
        report.put("rejoin.fromDisk", pages.count(AcquireResult.FROM_DISK));
        report.put("rejoin.localHits", pages.count(AcquireResult.LOCAL_HIT));
        report.put("rejoin.checked", state == State.CHECKED ? 1 : 0);
    }
}
