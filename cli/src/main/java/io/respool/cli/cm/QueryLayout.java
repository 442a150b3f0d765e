package io.respool.cli.cm;

import io.respool.cluster.agent.ClusterConfig;
import io.respool.cluster.agent.ClusterNode;
import io.respool.cluster.agent.DecidedRoles;
import io.respool.cluster.agent.FlagFiles;
import io.respool.cluster.agent.ResourceType;
import io.respool.dms.api.MembershipView;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code cmctl query} laid out as {@code cm_ctl query -Cvipd[w]} lays it out ({@code ctl_query.cpp}): section
 * titles, a blank line, a header of {@code node}, {@code node_ip}, {@code instance}, {@code state}, a line of
 * {@code -}, rows with CM's column widths (node id 2, space, node name, IPv4 15, instance id 4, dynamic role 7) and
 * state words. The agents stand where CM's servers stand ({@code [   CMAgent State   ]}: Running / Down). One
 * section is ours, after CM's: {@code [  Instance Reason   ]}, why an instance is not Normal (the port holder, the
 * restart limit and the last failure, a memory alarm), printed only when there is a reason.
 *
 * <p>With a voting disk in {@code cm_cluster.json} the dynamic role (Primary / Standby / Down) is the arbiter's
 * decided view and disk heartbeats ({@link ViewStatus}), not what the node process or the static configuration
 * says: a node outside the view is Down, "kicked out in view N". The static role (P/S) stays CM's.
 */
final class QueryLayout
{
    private static final int IP_LEN = 15;
    private static final int ID_LEN = 4;
    private static final int DYNAMIC_ROLE_LEN = 7;

    private final ClusterConfig config;
    private final List<NodeStatus> nodes;
    private final boolean ip;
    private final boolean port;
    private final boolean dataPath;
    private final boolean wide;
    private final int nodeLen;
    private final ViewStatus view;

    QueryLayout(final ClusterConfig config, final List<NodeStatus> nodes, final boolean ip, final boolean port,
        final boolean dataPath, final boolean wide)
    {
        this(config, nodes, ViewStatus.NONE, ip, port, dataPath, wide);
    }

    QueryLayout(final ClusterConfig config, final List<NodeStatus> nodes, final ViewStatus view, final boolean ip,
        final boolean port, final boolean dataPath, final boolean wide)
    {
        this.config = config;
        this.view = view;
        this.nodes = nodes;
        this.ip = ip;
        this.port = port;
        this.dataPath = dataPath;
        this.wide = wide;
        int maxName = 0;
        for (final NodeStatus n : nodes)
        {
            maxName = Math.max(maxName, n.node().name().length());
        }
        this.nodeLen = 2 + 1 + maxName + 1;
    }

    /**
     * @param detail {@code -v} (or {@code -C}): every section; else the cluster state only, as CM.
     * @return the text.
     */
    String render(final boolean detail)
    {
        final StringBuilder out = new StringBuilder();
        if (!detail)
        {
            cluster(out, false);
            return out.toString();
        }
        agents(out);
        out.append('\n');
        if (resources(out))
        {
            out.append('\n');
        }
        cluster(out, true);
        out.append('\n');
        datanodes(out);
        reasons(out);
        return out.toString();
    }

    private void agents(final StringBuilder out)
    {
        out.append("[   CMAgent State   ]\n\n");
        int maxPath = 0;
        for (final NodeStatus n : nodes)
        {
            maxPath = Math.max(maxPath, n.node().agentDir().toString().length());
        }
        final int instanceLen = ID_LEN + 1 + (dataPath ? maxPath + 1 : 4);
        final StringBuilder h = header("instance", instanceLen);
        out.append(h).append('\n').append("-".repeat(nodeLen + (ip ? IP_LEN + 1 : 0) + instanceLen + DYNAMIC_ROLE_LEN))
            .append('\n');
        for (final NodeStatus n : nodes)
        {
            final StringBuilder r = nodeColumns(n);
            pad(r, Integer.toString(n.node().id()), ID_LEN + 1);
            r.append(dataPath ? padded(n.node().agentDir().toString(), maxPath + 1) : "    ");
            r.append(n.agentUp() ? "Running" : "Down");
            out.append(r).append('\n');
        }
    }

    private boolean resources(final StringBuilder out)
    {
        int nameLen = 8;
        final List<String[]> rows = new ArrayList<>();
        for (final NodeStatus n : nodes)
        {
            for (final Map<?, ?> i : n.instances())
            {
                nameLen = Math.max(nameLen, n.text(i, "name").length());
            }
        }
        nameLen++;
        if (config.resources().isEmpty())
        {
            return false;
        }
        final StringBuilder h = header("res_name", nameLen);
        h.insert(h.length() - "state".length(), padded("instance", 10));
        out.append("[ Defined Resource State ]\n\n").append(h).append('\n')
            .append("-".repeat(nodeLen + (ip ? IP_LEN + 1 : 0) + nameLen + 10 + DYNAMIC_ROLE_LEN)).append('\n');
        for (final var r : config.resources())
        {
            for (final var inst : r.instances())
            {
                final NodeStatus n = status(inst.nodeId());
                final Map<?, ?> s = instance(n, inst.cmInstanceId());
                final StringBuilder row = nodeColumns(n);
                pad(row, r.name(), nameLen);
                pad(row, Integer.toString(inst.cmInstanceId()), 10);
                row.append(s == null || !n.agentUp() ? "Unknown" : n.text(s, "resource_state"));
                rows.add(new String[] { row.toString() });
            }
        }
        rows.forEach(r -> out.append(r[0]).append('\n'));
        return true;
    }

    private void cluster(final StringBuilder out, final boolean detail)
    {
        out.append("[   Cluster State   ]\n\n");
        out.append("cluster_state   : ").append(clusterState()).append('\n');
        out.append("redistributing  : No\n");
        out.append("balanced        : ").append(balanced() ? "Yes" : "No").append('\n');
        out.append("current_az      : AZ_ALL\n");
        final List<Integer> paused = pausedNodes();
        if (!paused.isEmpty())
        {
            // CM's line; ours names the nodes when only some are paused (a pause cmctl could not finish)
            out.append("pausing         : Yes").append(paused.size() == config.nodes().size() ? "" : " (nodes " +
                paused + " only: run cmctl pause or cmctl resume again)").append('\n');
        }
        if (detail && view.votingDisk() != null)
        {
            // ours, after CM's lines: the decided membership view (CM's cluster version, "last(39) ... current(40)")
            final MembershipView v = view.roles() == null ? null : view.roles().view();
            out.append("view_version    : ").append(v == null ? "none" : v.version() + " (members " +
                cmNodes(v.members()) + ", primary " + cmNode(v.primary()) + ", reformer " + cmNode(v.reformer()) + ")")
                .append('\n');
        }
    }

    /** @return the CM node ids whose agent directory holds {@code cluster_manual_pause}. */
    private List<Integer> pausedNodes()
    {
        return config.nodes().stream().filter(n -> new FlagFiles(n.agentDir()).paused()).map(ClusterNode::id).toList();
    }

    private String cmNodes(final long members)
    {
        final StringBuilder b = new StringBuilder();
        for (long rest = members; rest != 0; rest &= rest - 1)
        {
            b.append(b.length() > 0 ? " " : "").append(cmNode(Long.numberOfTrailingZeros(rest)));
        }
        return b.toString();
    }

    /** A CM node id for an arbiter node id, or {@code ?N} when no DN instance has it. */
    private String cmNode(final int arbiterId)
    {
        final int id = ViewStatus.cmNodeId(config, arbiterId);
        return id < 0 ? "?" + arbiterId : Integer.toString(id);
    }

    private List<Long> cmNodeList(final long members)
    {
        final List<Long> out = new ArrayList<>();
        for (long rest = members; rest != 0; rest &= rest - 1)
        {
            out.add((long)ViewStatus.cmNodeId(config, Long.numberOfTrailingZeros(rest)));
        }
        return out;
    }

    private void datanodes(final StringBuilder out)
    {
        out.append("[  Datanode State   ]\n\n");
        final List<String[]> dns = datanodeRows();
        int maxData = 0;
        for (final String[] d : dns)
        {
            maxData = Math.max(maxData, d[3].length());
        }
        final int instanceLen = ID_LEN + 1 + (port ? 7 : 0) + (dataPath ? maxData + 1 : 4);
        final StringBuilder h = header("instance", instanceLen);
        final List<String> segments = new ArrayList<>();
        for (final String[] d : dns)
        {
            final StringBuilder r = nodeColumns(status(Integer.parseInt(d[0])));
            r.append(d[1]).append(' ');
            if (port)
            {
                pad(r, d[2], 7);
            }
            r.append(dataPath ? padded(d[3], maxData + 1) : "    ");
            r.append(d[4]).append(' ');
            pad(r, d[5], DYNAMIC_ROLE_LEN + 1);
            r.append(d[6]);
            segments.add(r.toString());
        }
        int width = h.length();
        for (final String s : segments)
        {
            width = Math.max(width, s.length());
        }
        final int perLine = wide ? 1 : Math.max(1, segments.size());
        final String header = joined(repeat(h.toString(), Math.min(perLine, Math.max(1, segments.size()))), width);
        out.append(header).append('\n').append("-".repeat(header.length())).append('\n');
        for (int i = 0; i < segments.size(); i += perLine)
        {
            out.append(joined(segments.subList(i, Math.min(segments.size(), i + perLine)), width)).append('\n');
        }
    }

    private void reasons(final StringBuilder out)
    {
        final List<String> lines = new ArrayList<>();
        if (!view.problem().isEmpty())
        {
            lines.add(view.problem());
        }
        for (final String[] d : datanodeRows())
        {
            if (!d[7].isEmpty())
            {
                final NodeStatus n = status(Integer.parseInt(d[0]));
                lines.add("node " + d[0] + " (" + n.node().name() + ") " + d[8] + " " + d[1] + " " + d[5] + ": " + d[7]);
            }
        }
        for (final NodeStatus n : nodes)
        {
            final String who = "node " + n.node().id() + " (" + n.node().name() + ")";
            if (!n.agentUp())
            {
                lines.add(who + " agent: " + n.agentNote());
                continue;
            }
            if (Boolean.TRUE.equals(n.memory().get("host_alarm")))
            {
                lines.add(who + " memory alarm: host MemAvailable " + kbToMb(n.memory().get("available_kb")) +
                    " MiB of " + kbToMb(n.memory().get("total_kb")) + " MiB (" + n.memory().get("alarms") +
                    " alarm(s) raised since the agent started)");
            }
            for (final Map<?, ?> i : n.instances())
            {
                final String what = who + " " + n.text(i, "name") + " " + n.text(i, "cm_instance_id");
                if (!n.text(i, "reason").isEmpty())
                {
                    lines.add(what + " " + n.text(i, "db_state") + ": " + n.text(i, "reason"));
                }
                if (Boolean.TRUE.equals(i.get("memory_alarm")))
                {
                    lines.add(what + " memory alarm: resident " + kbToMb(i.get("rss_kb")) + " MiB");
                }
                if (Boolean.TRUE.equals(i.get("heap_alarm")))
                {
                    lines.add(what + " heap alarm: old generation " + kbToMb(i.get("heap_old_used_kb")) + " MiB of " +
                        kbToMb(i.get("heap_old_max_kb")) + " MiB after " + n.text(i, "full_gcs") + " full collections");
                }
            }
        }
        if (!lines.isEmpty())
        {
            out.append("\n[  Instance Reason   ]\n\n");
            lines.forEach(l -> out.append(l).append('\n'));
        }
    }

    /**
     * Rows of DN instances: node id, cm id, port, data dir, static role, dynamic role, db state, why the decided
     * view says Down ("" if it does not), resource name.
     */
    List<String[]> datanodeRows()
    {
        final List<String[]> rows = new ArrayList<>();
        for (final var r : config.resources())
        {
            if (r.type() != ResourceType.DN)
            {
                continue;
            }
            for (final var inst : r.instances())
            {
                final NodeStatus n = status(inst.nodeId());
                final Map<?, ?> s = instance(n, inst.cmInstanceId());
                final boolean known = s != null && n.agentUp();
                String role = known ? n.text(s, "dynamic_role") : "Down";
                String db = known ? n.text(s, "db_state") : "Unknown";
                String why = "";
                final DecidedRoles.Verdict v = view.roles() == null ? null :
                    view.roles().of(inst.resInstanceId());
                if (v != null)
                {
                    role = v.role();
                    why = v.reason();
                    // a running process outside the view, or not renewing, is not serving: it is not Normal
                    db = "Down".equals(role) && ("Normal".equals(db) || "Promoting".equals(db)) ? "Unknown" : db;
                }
                rows.add(new String[] {
                    Integer.toString(inst.nodeId()),
                    Integer.toString(inst.cmInstanceId()),
                    inst.ports().isEmpty() ? "0" : Integer.toString(inst.ports().get(0).port()),
                    inst.dataDir(),
                    config.primaryNode() == inst.nodeId() ? "P" : "S",
                    role,
                    db,
                    why,
                    r.name() });
            }
        }
        return rows;
    }

    /**
     * CM's rule in shared storage: a normal primary and every other DN normal: Normal; a normal primary only:
     * Degraded; no normal primary: Unavailable (Starting while one is being started).
     */
    String clusterState()
    {
        final List<String[]> dns = datanodeRows();
        if (dns.isEmpty())
        {
            return resourcesOnlyState();
        }
        boolean primary = false;
        boolean all = true;
        boolean starting = false;
        for (final String[] d : dns)
        {
            final boolean normal = "Normal".equals(d[6]);
            primary |= normal && "Primary".equals(d[5]);
            all &= normal;
            starting |= "Starting".equals(d[6]);
        }
        if (primary)
        {
            return all ? "Normal" : "Degraded";
        }
        return starting ? "Starting" : "Unavailable";
    }

    private String resourcesOnlyState()
    {
        int online = 0;
        int total = 0;
        for (final NodeStatus n : nodes)
        {
            for (final Map<?, ?> i : n.instances())
            {
                total++;
                online += n.agentUp() && "OnLine".equals(n.text(i, "resource_state")) ? 1 : 0;
            }
        }
        return total > 0 && online == total ? "Normal" : online > 0 ? "Degraded" : "Unavailable";
    }

    private boolean balanced()
    {
        for (final String[] d : datanodeRows())
        {
            if ("Primary".equals(d[5]) && "Normal".equals(d[6]))
            {
                return "P".equals(d[4]);
            }
        }
        return false;
    }

    Map<String, Object> json()
    {
        final Map<String, Object> root = new LinkedHashMap<>();
        root.put("cluster_name", config.clusterName());
        root.put("cluster_state", clusterState());
        root.put("balanced", balanced());
        root.put("pausing", pausedNodes().stream().map(Integer::longValue).toList());
        if (view.votingDisk() != null)
        {
            final Map<String, Object> v = new LinkedHashMap<>();
            final MembershipView decided = view.roles() == null ? null : view.roles().view();
            v.put("voting_disk", view.votingDisk().path().toString());
            v.put("version", decided == null ? 0L : (long)decided.version());
            v.put("members", decided == null ? List.of() : cmNodeList(decided.members()));
            v.put("primary", decided == null ? -1L : (long)ViewStatus.cmNodeId(config, decided.primary()));
            v.put("reformer", decided == null ? -1L : (long)ViewStatus.cmNodeId(config, decided.reformer()));
            v.put("problem", view.problem());
            root.put("view", v);
        }
        final List<Object> dns = new ArrayList<>();
        for (final String[] d : datanodeRows())
        {
            final Map<String, Object> m = new LinkedHashMap<>();
            m.put("node_id", Long.parseLong(d[0]));
            m.put("cm_instance_id", Long.parseLong(d[1]));
            m.put("static_role", d[4]);
            m.put("dynamic_role", d[5]);
            m.put("db_state", d[6]);
            m.put("reason", d[7]);
            dns.add(m);
        }
        root.put("datanodes", dns);
        final List<Object> list = new ArrayList<>();
        for (final NodeStatus n : nodes)
        {
            final Map<String, Object> m = new LinkedHashMap<>();
            m.put("node_id", (long)n.node().id());
            m.put("name", n.node().name());
            m.put("ip", n.node().ip());
            m.put("agent_dir", n.node().agentDir().toString());
            m.put("agent_state", n.agentUp() ? "Running" : "Down");
            m.put("agent_pid", n.agentPid());
            m.put("agent_note", n.agentNote());
            m.put("memory", n.memory());
            m.put("instances", n.agentUp() ? n.instances() : List.of());
            list.add(m);
        }
        root.put("nodes", list);
        return root;
    }

    private NodeStatus status(final int nodeId)
    {
        for (final NodeStatus n : nodes)
        {
            if (n.node().id() == nodeId)
            {
                return n;
            }
        }
        throw new IllegalStateException("no status for node " + nodeId);
    }

    private static Map<?, ?> instance(final NodeStatus n, final int cmInstanceId)
    {
        for (final Map<?, ?> i : n.instances())
        {
            if (n.number(i, "cm_instance_id") == cmInstanceId)
            {
                return i;
            }
        }
        return null;
    }

    /**
     * {@code node}, ({@code -i}) {@code node_ip}, one more column, then {@code state}: CM's header line.
     */
    private StringBuilder header(final String column, final int width)
    {
        final StringBuilder h = new StringBuilder();
        pad(h, "node", nodeLen);
        if (ip)
        {
            pad(h, "node_ip", IP_LEN + 1);
        }
        pad(h, column, width);
        return h.append("state");
    }

    private StringBuilder nodeColumns(final NodeStatus n)
    {
        final StringBuilder r = new StringBuilder();
        pad(r, Integer.toString(n.node().id()), 3);
        pad(r, n.node().name(), nodeLen - 3);
        if (ip)
        {
            pad(r, n.node().ip(), IP_LEN + 1);
        }
        return r;
    }

    private static String joined(final List<String> parts, final int width)
    {
        final StringBuilder b = new StringBuilder();
        for (int i = 0; i < parts.size(); i++)
        {
            if (i > 0)
            {
                b.append(" | ");
            }
            b.append(i + 1 < parts.size() ? padded(parts.get(i), width) : parts.get(i));
        }
        return b.toString();
    }

    private static List<String> repeat(final String s, final int n)
    {
        final List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            out.add(s);
        }
        return out;
    }

    private static String kbToMb(final Object kb)
    {
        return kb instanceof Number n && n.longValue() >= 0 ? Long.toString(n.longValue() / 1024) : "?";
    }

    private static void pad(final StringBuilder b, final String s, final int width)
    {
        b.append(padded(s, width));
    }

    private static String padded(final String s, final int width)
    {
        return s.length() >= width ? s + " " : s + " ".repeat(width - s.length());
    }
}
