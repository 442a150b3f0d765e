package io.respool.examples.cluster;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How the old primary came back after a failover, from the report its new process wrote
 * ({@link ClusterStorage#rejoinReportFile}): the view that admitted it, how long after its restart, and its check of
 * the table as a standby ({@link RejoinedStandby}).
 *
 * @param view        the version of the view that admitted it, -1 if it was not admitted.
 * @param admittedMs  its process start (JVM start included) to that view, ms; -1 if unknown.
 * @param passes      passes over the table it read through DMS.
 * @param fromPeer    pages shipped to it from the new primary's buffer.
 * @param fromDisk    pages it read from the shared disk.
 * @param checked     whether the table it read held the whole workload, every pass sound.
 * @param problems    what did not hold, empty if it rejoined and checked the table.
 */
public record RejoinSummary(long view, long admittedMs, long passes, long fromPeer, long fromDisk, boolean checked,
    List<String> problems)
{
    static RejoinSummary of(final Path reportFile)
    {
        final NodeReport r = NodeReport.read(reportFile);
        final List<String> problems = new ArrayList<>();
        if (r == null)
        {
            problems.add("the restarted node 0 wrote no report (" + reportFile + "): it did not rejoin and end its " +
                "check as a standby");
            return new RejoinSummary(-1, -1, 0, 0, 0, false, List.copyOf(problems));
        }
        for (int p = 0; r.get("problem." + p) != null; p++)
        {
            problems.add("restarted node 0: " + r.get("problem." + p));
        }
        final boolean checked = 1 == r.getLong("rejoin.checked");
        final long view = r.get("rejoin.view") == null ? -1 : r.getLong("rejoin.view");
        if (view < 0)
        {
            problems.add("the restarted node 0 was not admitted back into the cluster by the arbiter");
        }
        else if (!checked)
        {
            problems.add("the rejoined node 0 did not see the table reach the whole workload as a standby");
        }
        return new RejoinSummary(view, r.get("rejoin.admittedMs") == null ? -1 : r.getLong("rejoin.admittedMs"),
            r.getLong("rejoin.passes"), r.getLong("rejoin.fromPeer"), r.getLong("rejoin.fromDisk"), checked,
            List.copyOf(problems));
    }

    void print(final PrintStream out)
    {
        ClusterSummary.line(out, "old primary rejoined", view < 0 ? "NO" : String.format(Locale.ROOT,
            "node 0 restarted, admitted as a standby in view %d %d ms after its process started (JVM start " +
            "included); DMS JOIN reform; %d passes over the table as a standby, pages from the new primary %d, " +
            "from the shared disk %d; table at the workload's end: %s", view, admittedMs, passes, fromPeer,
            fromDisk, checked ? "yes" : "NO"));
    }
}
