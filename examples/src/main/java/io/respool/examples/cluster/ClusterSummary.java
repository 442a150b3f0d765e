package io.respool.examples.cluster;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a run of the cluster came to, from the two nodes' reports, the exit status of their processes and the check
 * of the volume group afterwards.
 *
 * @param rowsWritten     rows node 0 inserted.
 * @param updates         updates node 0 made.
 * @param rowsRead        rows node 1 read back, each at its last version, after node 0 finished.
 * @param rowReads        row reads node 1 made while node 0 wrote.
 * @param walChecks       row versions node 1 found committed in node 0's WAL on DSS.
 * @param requests1Way    DMS page requests resolved at a local master, both nodes.
 * @param requests2Way    DMS page requests with one round trip, both nodes.
 * @param requests3Way    DMS page requests forwarded to a third node, both nodes (none with two nodes).
 * @param pagesShipped    pages DMS shipped between the nodes.
 * @param pagesFromPeer   page acquisitions of node 1 answered by a page shipped from node 0.
 * @param readerDiskReads page reads from the table file by node 1 through DMS (0: every page came from memory).
 * @param problems        everything that went wrong, empty if the run passed.
 */
public record ClusterSummary(
    long rowsWritten,
    long updates,
    long rowsRead,
    long rowReads,
    long walChecks,
    long requests1Way,
    long requests2Way,
    long requests3Way,
    long pagesShipped,
    long pagesFromPeer,
    long readerDiskReads,
    List<String> problems)
{
    /**
     * @return true if every check passed.
     */
    public boolean passed()
    {
        return problems.isEmpty();
    }

    static ClusterSummary of(final NodeReport writer, final NodeReport reader, final List<String> problems)
    {
        final List<String> all = new ArrayList<>(problems);
        final NodeReport[] reports = { writer, reader };
        for (int i = 0; i < reports.length; i++)
        {
            final NodeReport report = reports[i];
            if (report == null)
            {
                all.add("node " + i + " wrote no report");
                continue;
            }
            for (int p = 0; report.get("problem." + p) != null; p++)
            {
                all.add("node " + i + ": " + report.get("problem." + p));
            }
            final long more = report.getLong("problems") - countKept(report);
            if (more > 0)
            {
                all.add("node " + i + ": " + more + " more problems");
            }
        }
        final NodeReport w = writer == null ? new NodeReport() : writer;
        final NodeReport r = reader == null ? new NodeReport() : reader;
        final long rowsWritten = w.getLong("inserted");
        final long rowsRead = r.getLong("finalRowsRead");
        final long pagesFromPeer = r.getLong("acquire.FROM_PEER");
        if (writer != null && reader != null)
        {
            if (1 != r.getLong("finalCheckDone"))
            {
                all.add("node 1 did not finish its final check");
            }
            else if (rowsRead != rowsWritten || rowsWritten != w.getLong("plannedRows"))
            {
                all.add("rows read back differ from rows written: written=" + rowsWritten + ", read=" + rowsRead +
                    ", planned=" + w.getLong("plannedRows"));
            }
            if (0 == pagesFromPeer)
            {
                all.add("node 1 never received a page from node 0");
            }
        }
        return new ClusterSummary(
            rowsWritten,
            w.getLong("updated"),
            rowsRead,
            r.getLong("rowReads"),
            r.getLong("walChecks"),
            w.getLong("dms.PAGE_REQUESTS_1WAY") + r.getLong("dms.PAGE_REQUESTS_1WAY"),
            w.getLong("dms.PAGE_REQUESTS_2WAY") + r.getLong("dms.PAGE_REQUESTS_2WAY"),
            w.getLong("dms.PAGE_REQUESTS_3WAY") + r.getLong("dms.PAGE_REQUESTS_3WAY"),
            w.getLong("dms.PAGES_SHIPPED") + r.getLong("dms.PAGES_SHIPPED"),
            pagesFromPeer,
            r.getLong("diskReads"),
            List.copyOf(all));
    }

    private static long countKept(final NodeReport report)
    {
        long kept = 0;
        while (report.get("problem." + kept) != null)
        {
            kept++;
        }
        return kept;
    }

    /**
     * Print the summary, with the latency figures of the reports.
     */
    static void print(final ClusterSummary s, final NodeReport writer, final NodeReport reader,
        final String vgCheck, final PrintStream out)
    {
        final NodeReport w = writer == null ? new NodeReport() : writer;
        final NodeReport r = reader == null ? new NodeReport() : reader;
        out.println();
        out.println("== Summary");
        final double seconds = w.getDouble("writeSeconds");
        line(out, "rows written", String.format(Locale.ROOT, "%d inserted and %d updates by node 0 in %.1f s " +
            "(%.0f changes/s), each logged in node 0's WAL on DSS", s.rowsWritten, s.updates, seconds,
            seconds > 0 ? (s.rowsWritten + s.updates) / seconds : 0.0));
        line(out, "rows read", String.format(Locale.ROOT, "%d of %d read back by node 1 at their last version; " +
            "%d row reads while node 0 wrote, %d new row versions found committed in node 0's WAL on DSS",
            s.rowsRead, s.rowsWritten, s.rowReads, s.walChecks));
        line(out, "pages to node 1", String.format(Locale.ROOT, "%d shipped from node 0's memory, %d still " +
            "current in its own buffer, %d read from disk", s.pagesFromPeer, r.getLong("acquire.LOCAL_HIT"),
            s.readerDiskReads));
        line(out, "DMS page requests", String.format(Locale.ROOT, "1-way %d, 2-way %d, 3-way %d (both nodes; " +
            "3-way needs a third node); pages shipped %d, of them dirty %d (WAL flushed first; %d waited for the " +
            "WAL writer)",
            s.requests1Way, s.requests2Way, s.requests3Way, s.pagesShipped,
            w.getLong("dms.DIRTY_PAGES_SHIPPED") + r.getLong("dms.DIRTY_PAGES_SHIPPED"),
            w.getLong("dms.WAL_FLUSH_WAITS") + r.getLong("dms.WAL_FLUSH_WAITS")));
        line(out, "DMS transport", "node 0 to node 1 over " + transport(w, 1) + ", node 1 to node 0 over " +
            transport(r, 0) + " (IPC: both nodes on one shared media driver; dmscmd stat shows it live)");
        line(out, "node 1 S copies", String.format(Locale.ROOT, "%d invalidated by node 0's X requests",
            r.getLong("dms.INVALIDATIONS_RECEIVED")));
        line(out, "DMS retries", String.format(Locale.ROOT, "%d request retransmits, %d master re-drives, %d " +
            "late duplicates ignored (an answer slower than the retry interval, e.g. behind a WAL flush, is asked " +
            "for again; serial numbers keep a retry from applying twice)",
            w.getLong("dms.REQUEST_RETRANSMITS") + r.getLong("dms.REQUEST_RETRANSMITS"),
            w.getLong("dms.MASTER_REDRIVES") + r.getLong("dms.MASTER_REDRIVES"),
            w.getLong("dms.STALE_MESSAGES") + r.getLong("dms.STALE_MESSAGES")));
        line(out, "WAL of node 0", String.format(Locale.ROOT, "%d records, %d flushes (%d asked for by DMS or a " +
            "checkpoint, the rest by the WAL writer's timer); DMS asked %d times", w.getLong("walRecords"),
            w.getLong("walFlushes"), w.getLong("walFlushesRequested"), w.getLong("walFlushRequests")));
        line(out, "checkpoints", String.format(Locale.ROOT, "%d by node 0, %d page writes to the table file on DSS; " +
            "node 1 compared %d pages on DSS with the images DMS gave it", w.getLong("checkpoints"),
            w.getLong("pagesWritten"), r.getLong("finalPagesCompared")));
        out.println("latency, microseconds       p50      p90      p99    p99.9      max    count");
        latency(out, "node 1 page from node 0 (S)", r, "acquire.FROM_PEER");
        latency(out, "node 1 page still current", r, "acquire.LOCAL_HIT");
        latency(out, "node 0 X on a page node 1 shares", w, "acquire.UPGRADED");
        latency(out, "node 0 change (insert/update)", w, "op");
        latency(out, "node 0 WAL write to DSS", w, "walWrite");
        latency(out, "node 0 WAL flush (DssFile.flush)", w, "walFlush");
        latency(out, "node 1 WAL record check on DSS", r, "walCheck");
        dmsLatency(out, "DMS 2-way request, node 1", r, "dms.PAGE_2WAY");
        dmsLatency(out, "DMS 2-way request, node 0", w, "dms.PAGE_2WAY");
        dmsLatency(out, "DMS invalidation (master)", w, r, "dms.INVALIDATION");
        line(out, "volume group check", vgCheck);
        result(out, "every row node 1 read was one node 0 committed, no value went back, and no error",
            s.problems);
    }

    /**
     * The summary's last line: PASSED with what held, or FAILED with the problems one a line.
     */
    static void result(final PrintStream out, final String passed, final List<String> problems)
    {
        if (problems.isEmpty())
        {
            line(out, "result", "PASSED: " + passed);
        }
        else
        {
            line(out, "result", "FAILED: " + problems.size() + " problem(s)");
            for (final String problem : problems)
            {
                out.println("  - " + problem);
            }
        }
    }

    /**
     * @return the transport a node's report says it reached the peer over last ("unknown" if it never did).
     */
    private static String transport(final NodeReport report, final int peer)
    {
        final long bit = 1L << peer;
        if ((report.getLong("dms.PEERS_OVER_IPC") & bit) != 0)
        {
            return "Aeron IPC";
        }
        return (report.getLong("dms.PEERS_OVER_UDP") & bit) != 0 ? "Aeron UDP" : "unknown";
    }

    static void line(final PrintStream out, final String label, final String text)
    {
        out.printf(Locale.ROOT, "%-20s %s%n", label, text);
    }

    private static void latency(final PrintStream out, final String label, final NodeReport report,
        final String prefix)
    {
        out.printf(Locale.ROOT, "  %-33s %8.1f %8.1f %8.1f %8.1f %8.1f %8d%n", label,
            report.getDouble(prefix + ".p50"), report.getDouble(prefix + ".p90"), report.getDouble(prefix + ".p99"),
            report.getDouble(prefix + ".p999"), report.getDouble(prefix + ".max"), report.getLong(prefix + ".count"));
    }

    private static void dmsLatency(final PrintStream out, final String label, final NodeReport report,
        final String prefix)
    {
        out.printf(Locale.ROOT, "  %-33s %8.1f %8.1f %8.1f %8s %8.1f %8d%n", label,
            report.getDouble(prefix + ".p50"), report.getDouble(prefix + ".p90"), report.getDouble(prefix + ".p99"),
            "-", report.getDouble(prefix + ".max"), report.getLong(prefix + ".count"));
    }

    private static void dmsLatency(final PrintStream out, final String label, final NodeReport a,
        final NodeReport b, final String prefix)
    {
        dmsLatency(out, label, a.getLong(prefix + ".count") >= b.getLong(prefix + ".count") ? a : b, prefix);
    }
}
