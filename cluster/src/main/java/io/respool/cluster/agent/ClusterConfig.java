package io.respool.cluster.agent;

import io.respool.cluster.arbiter.ClusterAreaLayout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The cluster as the agents and {@code cmctl} see it: a home directory holding {@code cm_cluster.json} (the nodes,
 * what CM keeps in its static config) and {@code cm_resource.json} (CM's resource file, with the node resource's
 * {@code command}, {@code ports} and {@code data_dir} added to its instances). Every node reads the same two files.
 *
 * @param home        the directory the files were read from; relative paths in them are relative to it.
 * @param clusterName its name.
 * @param primaryNode the node whose DN is the static primary ({@code P} in {@code query}).
 * @param nodes       the hosts, by id.
 * @param resources   the resources, in file order.
 * @param votingDisk  where the arbiter's cluster area is ({@code "voting_disk"}), null if not given.
 */
public record ClusterConfig(Path home, String clusterName, int primaryNode, List<ClusterNode> nodes,
    List<ResourceDefinition> resources, VotingDisk votingDisk)
{
    /** The node list. */
    public static final String CLUSTER_FILE = "cm_cluster.json";
    /** CM's resource file. */
    public static final String RESOURCE_FILE = "cm_resource.json";

    private static final int MAX_NAME = 31;
    private static final int MAX_RESOURCES = 16;

    /**
     * @param home directory holding {@code cm_cluster.json} and {@code cm_resource.json}.
     * @return the configuration.
     * @throws AgentConfigException naming the file and field that cannot be used.
     */
    public static ClusterConfig load(final Path home)
    {
        final Path abs = home.toAbsolutePath().normalize();
        final Map<String, Object> cluster = object(read(abs.resolve(CLUSTER_FILE)), CLUSTER_FILE);
        final List<ClusterNode> nodes = new ArrayList<>();
        for (final Object n : list(cluster, "nodes", CLUSTER_FILE))
        {
            final Map<String, Object> node = object(n, CLUSTER_FILE + " nodes[]");
            final int id = integer(node, "node_id", -1, 1, 64, CLUSTER_FILE);
            final String name = text(node, "name", "node" + id);
            final String dir = text(node, "agent_dir", "node" + id);
            if (nodes.stream().anyMatch(x -> x.id() == id))
            {
                throw new AgentConfigException("node listed twice: file=" + abs.resolve(CLUSTER_FILE) + ", node_id=" + id);
            }
            nodes.add(new ClusterNode(id, name, text(node, "ip", "127.0.0.1"), abs.resolve(dir).normalize()));
        }
        if (nodes.isEmpty())
        {
            throw new AgentConfigException("no nodes: file=" + abs.resolve(CLUSTER_FILE) + ", add \"nodes\": [{\"node_id\": 1}]");
        }
        final int primary = integer(cluster, "primary_node", nodes.get(0).id(), 1, 64, CLUSTER_FILE);
        final List<ResourceDefinition> resources = parseResources(abs, read(abs.resolve(RESOURCE_FILE)));
        for (final ResourceDefinition r : resources)
        {
            for (final ResourceInstance i : r.instances())
            {
                if (nodes.stream().noneMatch(x -> x.id() == i.nodeId()))
                {
                    throw new AgentConfigException("instance on an unknown node: file=" + abs.resolve(RESOURCE_FILE) +
                        ", resource=" + r.name() + ", node_id=" + i.nodeId() + ", nodes are listed in " + CLUSTER_FILE);
                }
            }
        }
        return new ClusterConfig(abs, text(cluster, "cluster_name", "cluster"), primary, List.copyOf(nodes),
            resources, votingDisk(abs, cluster.get("voting_disk")));
    }

    /**
     * {@code "voting_disk": "PATH"} (the volume group's entry volume, area after the DSS system area) or
     * {@code {"path": PATH, "base": BYTES, "heartbeat_gap_ms": MS}} ({@code "base": 0} for a separate voting volume).
     */
    private static VotingDisk votingDisk(final Path home, final Object o)
    {
        if (o == null)
        {
            return null;
        }
        final String where = CLUSTER_FILE + " voting_disk";
        final Map<String, Object> m = o instanceof String s ? Map.of("path", s) : object(o, where);
        final String path = text(m, "path", "");
        if (path.isEmpty())
        {
            throw new AgentConfigException("missing key: key=path, in=" + where + ", give the volume holding the " +
                "cluster area, e.g. \"voting_disk\": \"/dev/sdb\"");
        }
        final long base = longValue(m, "base", ClusterAreaLayout.DEFAULT_ENTRY_VOLUME_BASE, where);
        if (base % ClusterAreaLayout.BLOCK != 0)
        {
            throw new AgentConfigException("out of range: key=base, value=" + base + ", expected a multiple of " +
                ClusterAreaLayout.BLOCK + ", in=" + where);
        }
        return new VotingDisk(home.resolve(path).normalize(), base,
            integer(m, "heartbeat_gap_ms", (int)VotingDisk.DEFAULT_HEARTBEAT_GAP_MS, 1, 60_000, where));
    }

    private static long longValue(final Map<String, Object> map, final String key, final long dflt, final String where)
    {
        final Object o = map.get(key);
        if (o == null)
        {
            return dflt;
        }
        if (!(o instanceof Number n) || n.longValue() < 0)
        {
            throw new AgentConfigException("not a non-negative number: key=" + key + ", value=" + o + ", in=" + where);
        }
        return n.longValue();
    }

    /**
     * @param id a node id.
     * @return that node.
     * @throws AgentConfigException if there is none.
     */
    public ClusterNode node(final int id)
    {
        for (final ClusterNode n : nodes)
        {
            if (n.id() == id)
            {
                return n;
            }
        }
        throw new AgentConfigException("no such node: node_id=" + id + ", file=" + home.resolve(CLUSTER_FILE));
    }

    /**
     * @param nodeId a node.
     * @return the instances that node's agent supervises, with their resource.
     */
    public List<Map.Entry<ResourceDefinition, ResourceInstance>> instancesOn(final int nodeId)
    {
        final List<Map.Entry<ResourceDefinition, ResourceInstance>> out = new ArrayList<>();
        for (final ResourceDefinition r : resources)
        {
            for (final ResourceInstance i : r.instances())
            {
                if (i.nodeId() == nodeId)
                {
                    out.add(Map.entry(r, i));
                }
            }
        }
        return out;
    }

    static List<ResourceDefinition> parseResources(final Path home, final String json)
    {
        final String file = RESOURCE_FILE;
        final List<ResourceDefinition> out = new ArrayList<>();
        int nextAppId = 20001;
        for (final Object o : list(object(parseJson(json, file), file), "resources", file))
        {
            final Map<String, Object> r = object(o, file + " resources[]");
            final String name = text(r, "name", "");
            if (name.isEmpty() || name.length() > MAX_NAME)
            {
                throw new AgentConfigException("bad resource name: file=" + file + ", name=" + name +
                    ", expected 1.." + MAX_NAME + " characters");
            }
            final String where = file + " resource " + name;
            final ResourceType type = ResourceType.parse(text(r, "resources_type", "APP"), name);
            final String script = text(r, "script", "");
            final List<ResourceInstance> instances = new ArrayList<>();
            for (final Object io : list(r, "instances", where))
            {
                final Map<String, Object> inst = object(io, where + " instances[]");
                final int nodeId = integer(inst, "node_id", -1, 1, 64, where);
                final int resInstId = integer(inst, "res_instance_id", 0, 0, Integer.MAX_VALUE, where);
                final int cmId = type == ResourceType.DN ? 6000 + nodeId : nextAppId++;
                final List<String> command = strings(inst.get("command"), where + " command");
                if (script.isEmpty() && command.isEmpty())
                {
                    throw new AgentConfigException("resource has neither a script nor a command: file=" + file +
                        ", resource=" + name + ", node_id=" + nodeId + ", give \"script\" or the instance's \"command\"");
                }
                final List<String> check = strings(inst.get("check"), where + " check");
                if (!check.isEmpty() && command.isEmpty())
                {
                    throw new AgentConfigException("an instance's check needs its command: file=" + file + ", resource=" +
                        name + ", node_id=" + nodeId + "; a script resource is checked by its script's -check");
                }
                final List<PortUse> ports = new ArrayList<>();
                for (final String p : strings(inst.get("ports"), where + " ports"))
                {
                    ports.add(PortUse.parse(p));
                }
                final String dataDir = text(inst, "data_dir", "");
                final String resArgs = text(inst, "res_args", "").trim();
                instances.add(new ResourceInstance(nodeId, resInstId, cmId,
                    resArgs.isEmpty() ? List.of() : List.of(resArgs.split("\\s+")), command, List.copyOf(ports),
                    dataDir.isEmpty() ? "" : home.resolve(dataDir).normalize().toString(),
                    Boolean.parseBoolean(text(inst, "reports_serving", "false")), check));
            }
            out.add(new ResourceDefinition(name, type, script.isEmpty() ? "" : home.resolve(script).toString(),
                integer(r, "check_interval", 1, 1, Integer.MAX_VALUE, where),
                integer(r, "time_out", 10, 1, Integer.MAX_VALUE, where),
                integer(r, "restart_delay", 1, 0, 1800, where),
                integer(r, "restart_period", 1, 0, 3600, where),
                integer(r, "restart_times", -1, -1, 9999, where),
                integer(r, "abnormal_timeout", 30, 0, Integer.MAX_VALUE, where),
                List.copyOf(instances)));
        }
        if (out.size() > MAX_RESOURCES)
        {
            throw new AgentConfigException("too many resources: file=" + file + ", count=" + out.size() + ", max=" +
                MAX_RESOURCES);
        }
        return List.copyOf(out);
    }

    private static String read(final Path file)
    {
        try
        {
            return Files.readString(file);
        }
        catch (final NoSuchFileException ex)
        {
            throw new AgentConfigException("file not found: " + file + "; create it (see README, the cluster manager)");
        }
        catch (final IOException ex)
        {
            throw new AgentConfigException("cannot read " + file + ": " + ex.getMessage());
        }
    }

    private static Object parseJson(final String json, final String file)
    {
        try
        {
            return Json.parse(json);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new AgentConfigException(file + ": " + ex.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(final Object o, final String where)
    {
        if (o instanceof String s)
        {
            return object(parseJson(s, where), where);
        }
        if (!(o instanceof Map))
        {
            throw new AgentConfigException("expected a JSON object: in=" + where);
        }
        return (Map<String, Object>)o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(final Map<String, Object> map, final String key, final String where)
    {
        final Object o = map.get(key);
        if (!(o instanceof List))
        {
            throw new AgentConfigException("missing array: key=" + key + ", in=" + where);
        }
        return (List<Object>)o;
    }

    private static List<String> strings(final Object o, final String where)
    {
        if (o == null)
        {
            return List.of();
        }
        if (o instanceof String s)
        {
            return s.isBlank() ? List.of() : List.of(s.trim().split("\\s+"));
        }
        if (o instanceof List<?> l)
        {
            final List<String> out = new ArrayList<>();
            l.forEach(x -> out.add(String.valueOf(x)));
            return List.copyOf(out);
        }
        throw new AgentConfigException("expected a string or an array of strings: in=" + where);
    }

    private static String text(final Map<String, Object> map, final String key, final String dflt)
    {
        final Object o = map.get(key);
        return o == null ? dflt : String.valueOf(o);
    }

    private static int integer(final Map<String, Object> map, final String key, final int dflt, final int min,
        final int max, final String where)
    {
        final Object o = map.get(key);
        if (o == null)
        {
            if (dflt < min)
            {
                throw new AgentConfigException("missing key: key=" + key + ", in=" + where);
            }
            return dflt;
        }
        final long v;
        try
        {
            v = o instanceof Number n ? n.longValue() : Long.parseLong(o.toString().trim());
        }
        catch (final NumberFormatException ex)
        {
            throw new AgentConfigException("not a number: key=" + key + ", value=" + o + ", in=" + where);
        }
        if (v < min || v > max)
        {
            throw new AgentConfigException("out of range: key=" + key + ", value=" + v + ", range=" + min + ".." + max +
                ", in=" + where);
        }
        return (int)v;
    }
}
