package io.respool.cli.cm;

import io.respool.cluster.agent.ClusterConfig;
import io.respool.cluster.agent.ResourceType;

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

    QueryLayout(final ClusterConfig config, final List<NodeStatus> nodes, final boolean ip, final boolean port,
        final boolean dataPath, final boolean wide)
    {
        this.config = config;
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
            cluster(out);
            return out.toString();
        }
        agents(out);
        out.append('\n');
        if (resources(out))
        {
            out.append('\n');
        }
        cluster(out);
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

    private void cluster(final StringBuilder out)
    {
        out.append("[   Cluster State   ]\n\n");
        out.append("cluster_state   : ").append(clusterState()).append('\n');
        out.append("redistributing  : No\n");
        out.append("balanced        : ").append(balanced() ? "Yes" : "No").append('\n');
        out.append("current_az      : AZ_ALL\n");
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
            }
        }
        if (!lines.isEmpty())
        {
            out.append("\n[  Instance Reason   ]\n\n");
            lines.forEach(l -> out.append(l).append('\n'));
        }
    }

    /**
     * Rows of DN instances: node id, cm id, port, data dir, static role, dynamic role, db state.
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
                rows.add(new String[] {
                    Integer.toString(inst.nodeId()),
                    Integer.toString(inst.cmInstanceId()),
                    inst.ports().isEmpty() ? "0" : Integer.toString(inst.ports().get(0).port()),
                    inst.dataDir(),
                    config.primaryNode() == inst.nodeId() ? "P" : "S",
                    known ? n.text(s, "dynamic_role") : "Down",
                    known ? n.text(s, "db_state") : "Unknown" });
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
