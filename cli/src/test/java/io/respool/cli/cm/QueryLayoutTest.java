package io.respool.cli.cm;

import io.respool.cluster.agent.Agent;
import io.respool.blockdev.BlockDevice;
import io.respool.blockdev.BlockDevices;
import io.respool.cluster.agent.ClusterAreaReader;
import io.respool.cluster.agent.ClusterConfig;
import io.respool.cluster.agent.DecidedRoles;
import io.respool.cluster.agent.HeartbeatReading;
import io.respool.cluster.agent.Json;
import io.respool.cluster.arbiter.ClusterAreaLayout;
import io.respool.cluster.arbiter.ClusterDisk;
import io.respool.cluster.arbiter.EntryVolumeSectorIo;
import io.respool.cluster.arbiter.HeartbeatSector;
import io.respool.cluster.arbiter.PaxosBlock;
import io.respool.dms.api.MembershipView;
import io.respool.dss.arbitration.ArbitrationSectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code cmctl query -Cvipd} against state files written as an agent writes them: the golden layout (CM's sections,
 * headers, widths and state words), the cluster states, and {@code --json}.
 */
class QueryLayoutTest
{
    @TempDir
    Path home;

    @Test
    void shouldLayOutQueryAsCmDoesWithReasonSection() throws IOException
    {
        final Path h = twoNodes();
        agentState(h.resolve("n1"), 1, instance("dms_res", 6001, "ONLINE", "Primary", "Normal", "OnLine", ""));
        agentState(h.resolve("n2"), 2, instance("dms_res", 6002, "PORT_CONFLICT", "Down", "Port conflicting", "OffLine",
            "port 127.0.0.1:1614 (udp) is held by pid 4242 (python3 -m http.server)"));
        final CmCtlRunner r = CmCtlRunner.run(h, "query", "-Cvipd");
        assertEquals(0, r.exit, r.toString());
        final String n1 = h.resolve("n1").toString();
        final String n2 = h.resolve("n2").toString();
        final String d1 = h.resolve("dn1").toString();
        final String d2 = h.resolve("dn2").toString();
        final int pathLen = n1.length() + 1;
        final int dataLen = d1.length() + 1;
        // a datanode column is as wide as its widest row: here node 2's "S Down    Port conflicting"
        final int seg = 16 + 16 + 12 + dataLen + "S Down    Port conflicting".length();
        final String expected = String.join("\n",
            "[   CMAgent State   ]",
            "",
            "node            node_ip         " + pad("instance", 5 + pathLen) + "state",
            "-".repeat(16 + 16 + 5 + pathLen + 7),
            "1  openGauss169 127.0.0.1       1    " + pad(n1, pathLen) + "Running",
            "2  openGauss171 127.0.0.1       2    " + pad(n2, pathLen) + "Running",
            "",
            "[ Defined Resource State ]",
            "",
            "node            node_ip         res_name instance  state",
            "----------------------------------------------------------",
            "1  openGauss169 127.0.0.1       dms_res  6001      OnLine",
            "2  openGauss171 127.0.0.1       dms_res  6002      OffLine",
            "",
            "[   Cluster State   ]",
            "",
            "cluster_state   : Degraded",
            "redistributing  : No",
            "balanced        : Yes",
            "current_az      : AZ_ALL",
            "",
            "[  Datanode State   ]",
            "",
            pad("node            node_ip         " + pad("instance", 5 + 7 + dataLen) + "state",
                seg) + " | " + "node            node_ip         " +
                pad("instance", 5 + 7 + dataLen) + "state",
            "-".repeat(seg + 3 + 16 + 16 + 12 + dataLen + 5),
            pad("1  openGauss169 127.0.0.1       6001 1613   " + pad(d1, dataLen) + "P Primary Normal",
                seg) + " | 2  openGauss171 127.0.0.1       6002 1614   " + pad(d2, dataLen) +
                "S Down    Port conflicting",
            "",
            "[  Instance Reason   ]",
            "",
            "node 2 (openGauss171) dms_res 6002 Port conflicting: port 127.0.0.1:1614 (udp) is held by pid 4242 " +
                "(python3 -m http.server)",
            "");
        assertEquals(expected, r.out);
    }

    @Test
    void shouldShowOneDatanodePerLineWithWAndClusterStatesByCmRule() throws IOException
    {
        final Path h = twoNodes();
        agentState(h.resolve("n1"), 1, instance("dms_res", 6001, "ONLINE", "Primary", "Normal", "OnLine", ""));
        agentState(h.resolve("n2"), 2, instance("dms_res", 6002, "ONLINE", "Standby", "Normal", "OnLine", ""));
        final CmCtlRunner all = CmCtlRunner.run(h, "query", "-Cvw");
        assertTrue(all.out.contains("[  Datanode State   ]\n\nnode            instance state\n" +
            "------------------------------\n" +
            "1  openGauss169 6001     P Primary Normal\n" +
            "2  openGauss171 6002     S Standby Normal\n"), all.out);
        assertTrue(all.out.contains("cluster_state   : Normal\n"), all.out);
        assertEquals("[   Cluster State   ]\n\ncluster_state   : Normal\nredistributing  : No\nbalanced        : Yes\n" +
            "current_az      : AZ_ALL\n", CmCtlRunner.run(h, "query").out);

        agentState(h.resolve("n1"), 1, instance("dms_res", 6001, "LIMIT_REACHED", "Down", "Manually stopped", "OffLine",
            "restart limit reached: restarted 5 times (restart_times=5); last failure: process exited with status 1"));
        final CmCtlRunner down = CmCtlRunner.run(h, "query", "-Cv");
        assertTrue(down.out.contains("cluster_state   : Unavailable\n"), down.out);
        assertTrue(down.out.contains("node 1 (openGauss169) dms_res 6001 Manually stopped: restart limit reached: " +
            "restarted 5 times (restart_times=5); last failure: process exited with status 1\n"), down.out);

        final Map<?, ?> json = (Map<?, ?>)Json.parse(CmCtlRunner.run(h, "query", "--json").out);
        assertEquals("Unavailable", json.get("cluster_state"));
        final Map<?, ?> node1 = (Map<?, ?>)((List<?>)json.get("nodes")).get(0);
        assertEquals("Running", node1.get("agent_state"));
        assertEquals("LIMIT_REACHED", ((Map<?, ?>)((List<?>)node1.get("instances")).get(0)).get("state"));
    }

    @Test
    void shouldShowMemoryAlarmsWithTheirCount() throws IOException
    {
        final Path h = twoNodes();
        final Map<String, Object> inst = instance("dms_res", 6001, "ONLINE", "Primary", "Normal", "OnLine", "");
        inst.put("memory_alarm", true);
        inst.put("rss_kb", 3L * 1024 * 1024);
        inst.put("heap_alarm", true);
        inst.put("heap_old_used_kb", 240L * 1024);
        inst.put("heap_old_max_kb", 256L * 1024);
        inst.put("full_gcs", 12L);
        agentState(h.resolve("n1"), 1, inst);
        final Path state = h.resolve("n1").resolve(Agent.STATE_FILE);
        Files.writeString(state, Files.readString(state).replace("\"host_alarm\": false",
            "\"host_alarm\": true, \"alarms\": 2, \"available_kb\": 204800, \"total_kb\": 8192000"));
        final String out = CmCtlRunner.run(h, "query", "-Cv").out;
        assertTrue(out.contains("node 1 (openGauss169) memory alarm: host MemAvailable 200 MiB of 8000 MiB (2 alarm(s) " +
            "raised since the agent started)\n"), out);
        assertTrue(out.contains("node 1 (openGauss169) dms_res 6001 memory alarm: resident 3072 MiB\n"), out);
        assertTrue(out.contains("node 1 (openGauss169) dms_res 6001 heap alarm: old generation 240 MiB of 256 MiB after " +
            "12 full collections\n"), out);
    }

    @Test
    void shouldShowAgentDownWhenItsProcessIsGone() throws IOException
    {
        final Path h = twoNodes();
        agentState(h.resolve("n1"), 1, instance("dms_res", 6001, "ONLINE", "Primary", "Normal", "OnLine", ""));
        final CmCtlRunner r = CmCtlRunner.run(h, "query", "-Cv");
        assertTrue(r.out.contains("2  openGauss171 2        Down\n"), r.out);
        assertTrue(r.out.contains("S Down    Unknown"), r.out);
        assertTrue(r.out.contains("cluster_state   : Degraded"), r.out);
        assertTrue(r.out.contains("node 2 (openGauss171) agent: no state file"), r.out);
    }

    @Test
    void shouldTakeRolesFromTheDecidedViewAndShowAKickedOutNodeDown() throws IOException
    {
        final Path h = votingTwoNodes();
        // node 1's process still runs and says Primary (its agent shows it), but view 2 removed it
        agentState(h.resolve("n1"), 1, instance("dms_res", 6001, "ONLINE", "Primary", "Normal", "OnLine", ""));
        agentState(h.resolve("n2"), 2, instance("dms_res", 6002, "ONLINE", "Standby", "Normal", "OnLine", ""));
        final ClusterConfig config = ClusterConfig.load(h);
        assertEquals(h.resolve("vol0"), config.votingDisk().path());

        final CmCtlRunner unreadable = CmCtlRunner.run(h, "query", "-Cv");
        assertTrue(unreadable.out.contains("view_version    : none\n"), unreadable.out);
        assertTrue(unreadable.out.contains("voting disk " + h.resolve("vol0") + " not readable: "), unreadable.out);
        assertTrue(unreadable.out.contains("P Primary Normal"), unreadable.out);

        final ClusterAreaReader.Snapshot first = snapshot(new MembershipView(2, 0b10, 1, 1), 7, 40);
        final ClusterAreaReader.Snapshot second = snapshot(new MembershipView(2, 0b10, 1, 1), 7, 43);
        final ViewStatus view = new ViewStatus(config.votingDisk(), DecidedRoles.judge(first, second, 300), "");
        final QueryLayout layout = new QueryLayout(config, ClusterStatus.read(config, System.currentTimeMillis()), view,
            false, false, false, true);
        final String out = layout.render(true);
        assertTrue(out.contains("view_version    : 2 (members 2, primary 2, reformer 2)\n"), out);
        assertTrue(out.contains("1  openGauss169 6001     P Down    Unknown\n"), out);
        assertTrue(out.contains("2  openGauss171 6002     S Primary Normal\n"), out);
        assertTrue(out.contains("cluster_state   : Degraded\n"), out);
        assertTrue(out.contains("balanced        : No\n"), out);
        assertTrue(out.contains("node 1 (openGauss169) dms_res 6001 Down: kicked out in view 2\n"), out);
        final Map<?, ?> json = (Map<?, ?>)Json.parse(Json.write(layout.json()));
        final Map<?, ?> v = (Map<?, ?>)json.get("view");
        assertEquals(2L, v.get("version"));
        assertEquals(List.of(2L), v.get("members"));
        assertEquals(2L, v.get("primary"));
        final Map<?, ?> dn1 = (Map<?, ?>)((List<?>)json.get("datanodes")).get(0);
        assertEquals("Down", dn1.get("dynamic_role"));
        assertEquals("kicked out in view 2", dn1.get("reason"));

        // the primary's heartbeat stops: Down while still a member
        final String stale = new QueryLayout(config, ClusterStatus.read(config, System.currentTimeMillis()),
            new ViewStatus(config.votingDisk(), DecidedRoles.judge(first, first, 300), ""), false, false, false, true)
            .render(true);
        assertTrue(stale.contains("2  openGauss171 6002     S Down    Unknown\n"), stale);
        assertTrue(stale.contains("node 2 (openGauss171) dms_res 6002 Down: disk heartbeat unchanged for 300 ms\n"),
            stale);
        assertTrue(stale.contains("cluster_state   : Unavailable\n"), stale);
    }

    @Test
    void shouldReadTheViewFromAnImageFileThroughCmctl() throws Exception
    {
        final Path h = votingTwoNodes();
        agentState(h.resolve("n1"), 1, instance("dms_res", 6001, "ONLINE", "Primary", "Normal", "OnLine", ""));
        agentState(h.resolve("n2"), 2, instance("dms_res", 6002, "ONLINE", "Standby", "Normal", "OnLine", ""));
        final Path volume = h.resolve("vol0");
        BlockDevices.createSparseImage(volume, 16L << 20);
        try (BlockDevice device = BlockDevices.open(volume))
        {
            final ClusterDisk disk = new ClusterDisk(new EntryVolumeSectorIo(ArbitrationSectors.on(device)),
                new ClusterAreaLayout(ClusterAreaLayout.DEFAULT_ENTRY_VOLUME_BASE));
            disk.format(2);
            // what the arbiter of node 1 (arbiter id 1) leaves after kicking out node 0: view 2 decided in its block
            disk.writePaxos(ArbitrationSectors.blank(new PaxosBlock()).sequence(9).nodeId(1).instance(2)
                .decided(new MembershipView(2, 0b10, 1, 1)), 0);
            disk.writeHeartbeat(heartbeat(0, 1, 17));
            final java.util.concurrent.atomic.AtomicBoolean renew = new java.util.concurrent.atomic.AtomicBoolean(true);
            final Thread node1 = new Thread(() ->
            {
                for (long counter = 1; renew.get(); counter++)
                {
                    disk.writeHeartbeat(heartbeat(1, 2, counter));
                    LockSupport.parkNanos(10_000_000);
                }
            });
            node1.start();
            final CmCtlRunner r;
            final Map<?, ?> json;
            try
            {
                r = CmCtlRunner.run(h, "query", "-Cvw");
                json = (Map<?, ?>)Json.parse(CmCtlRunner.run(h, "query", "--json").out);
            }
            finally
            {
                renew.set(false);
                node1.join();
            }
            assertTrue(r.out.contains("view_version    : 2 (members 2, primary 2, reformer 2)\n"), r.out);
            assertTrue(r.out.contains("1  openGauss169 6001     P Down    Unknown\n"), r.out);
            assertTrue(r.out.contains("2  openGauss171 6002     S Primary Normal\n"), r.out);
            assertTrue(r.out.contains("node 1 (openGauss169) dms_res 6001 Down: kicked out in view 2\n"), r.out);
            assertEquals(2L, ((Map<?, ?>)json.get("view")).get("version"));
            assertEquals("Primary", ((Map<?, ?>)((List<?>)json.get("datanodes")).get(1)).get("dynamic_role"));
        }
    }

    private static HeartbeatSector heartbeat(final int node, final long view, final long counter)
    {
        return ArbitrationSectors.blank(new HeartbeatSector()).nodeId(node)
            .state(HeartbeatSector.RUNNING).incarnation(100 + node).counter(counter).viewVersion(view);
    }

    private Path votingTwoNodes() throws IOException
    {
        final Path h = twoNodes();
        Files.writeString(h.resolve(ClusterConfig.RESOURCE_FILE), Files.readString(h.resolve(ClusterConfig.RESOURCE_FILE))
            .replace("{\"node_id\": 1,", "{\"node_id\": 1, \"res_instance_id\": 0,")
            .replace("{\"node_id\": 2,", "{\"node_id\": 2, \"res_instance_id\": 1,"));
        Files.writeString(h.resolve(ClusterConfig.CLUSTER_FILE), Files.readString(h.resolve(ClusterConfig.CLUSTER_FILE))
            .replace("{\"cluster_name\": \"t\",", "{\"cluster_name\": \"t\", \"voting_disk\": \"vol0\","));
        return h;
    }

    @Test
    void shouldEndASwitchoverAtOnceWhenTheNodeAnswersThatItFailed() throws Exception
    {
        final Path h = twoNodes();
        agentState(h.resolve("n1"), 1, instance("dms_res", 6001, "ONLINE", "Primary", "Normal", "OnLine", ""));
        agentState(h.resolve("n2"), 2, instance("dms_res", 6002, "ONLINE", "Standby", "Normal", "OnLine", ""));
        // a fake node 2 with its agent: answers the request cmctl writes, by its request_id, as failed
        final Thread node = new Thread(() ->
        {
            final Path request = h.resolve("dn2").resolve("cm_request");
            try
            {
                while (!Files.exists(request))
                {
                    Thread.sleep(5);
                }
                final String text = Files.readString(request);
                final long id = Long.parseLong(text.replaceAll("(?s).*request_id = (\\d+).*", "$1"));
                final Map<String, Object> answered = instance("dms_res", 6002, "ONLINE", "Standby", "Normal", "OnLine",
                    "");
                answered.put("request_id", id);
                answered.put("request_result", "failed: DMS switchover refused: node 1 is reforming");
                agentState(h.resolve("n2"), 2, answered);
            }
            catch (final IOException | InterruptedException | RuntimeException ex)
            {
                throw new AssertionError(ex);
            }
        });
        node.start();
        final long t0 = System.nanoTime();
        final CmCtlRunner r = CmCtlRunner.run(h, "switchover", "-n", "2", "-t", "30");
        node.join();
        assertEquals(1, r.exit, r.toString());
        assertTrue(r.err.startsWith("cmctl: switchover to node 2 failed: DMS switchover refused: node 1 is reforming"),
            r.err);
        assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "waited out -t");
    }

    /** Node 0 wrote its heartbeat once (counter 5) and stopped; node 1 is at {@code counter1}. */
    private static ClusterAreaReader.Snapshot snapshot(final MembershipView view, final long incarnation1,
        final long counter1)
    {
        return new ClusterAreaReader.Snapshot(view, List.of(
            new HeartbeatReading(0, true, false, 3, 5, 1, ""),
            new HeartbeatReading(1, true, false, incarnation1, counter1, view.version(), "")), List.of());
    }

    private Path twoNodes() throws IOException
    {
        Files.writeString(home.resolve(ClusterConfig.CLUSTER_FILE), "{\"cluster_name\": \"t\", \"nodes\": [" +
            "{\"node_id\": 1, \"name\": \"openGauss169\", \"ip\": \"127.0.0.1\", \"agent_dir\": \"n1\"}, " +
            "{\"node_id\": 2, \"name\": \"openGauss171\", \"ip\": \"127.0.0.1\", \"agent_dir\": \"n2\"}]}");
        Files.writeString(home.resolve(ClusterConfig.RESOURCE_FILE), "{\"resources\": [{\"name\": \"dms_res\", " +
            "\"resources_type\": \"DN\", \"instances\": [" +
            "{\"node_id\": 1, \"command\": \"sleep 1\", \"ports\": [\"127.0.0.1:1613\"], \"data_dir\": \"dn1\"}, " +
            "{\"node_id\": 2, \"command\": \"sleep 1\", \"ports\": [\"127.0.0.1:1614\"], \"data_dir\": \"dn2\"}]}]}");
        return home;
    }

    private static Map<String, Object> instance(final String name, final int id, final String state, final String role,
        final String db, final String res, final String reason)
    {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("type", "DN");
        m.put("cm_instance_id", (long)id);
        m.put("state", state);
        m.put("dynamic_role", role);
        m.put("db_state", db);
        m.put("resource_state", res);
        m.put("pid", -1L);
        m.put("reason", reason);
        return m;
    }

    private static void agentState(final Path dir, final int node, final Map<String, Object> instance) throws IOException
    {
        final Map<String, Object> root = new LinkedHashMap<>();
        root.put("node_id", (long)node);
        root.put("agent_pid", ProcessHandle.current().pid());
        root.put("updated_ms", System.currentTimeMillis());
        root.put("memory", Map.of("host_alarm", false));
        root.put("instances", List.of(instance));
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(Agent.STATE_FILE), Json.write(root));
    }

    private static String pad(final String s, final int width)
    {
        return s.length() >= width ? s + " " : s + " ".repeat(width - s.length());
    }
}
