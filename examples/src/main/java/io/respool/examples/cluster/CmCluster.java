package io.respool.examples.cluster;

import io.respool.cluster.agent.Agent;
import io.respool.cluster.agent.FlagFiles;
import io.respool.cluster.agent.Json;
import io.respool.cluster.agent.StopMode;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * The example cluster run by the cluster manager of {@code cluster/} instead of by the launcher: a cluster home
 * ({@code cm_cluster.json} with the image as {@code voting_disk}, {@code cm_resource.json} with one DN resource
 * whose instances are the example nodes, {@code res_instance_id} = DMS node id, {@code reports_serving}), one
 * agent per node ({@code io.respool.cluster.agent.Agent}, what {@code cmctl start} launches on one machine), and the
 * agents start, check and restart the node processes. The launcher follows each node's output in the agent's log
 * of it and finds its pid in the agent's pid file, so a fault reaches whatever process the agent runs now.
 * {@code cmctl} ({@code bin/cmctl query -Cvipd --home <home>}) sees the same files.
 */
final class CmCluster implements AutoCloseable
{
    /** The resource name in cm_resource.json. */
    static final String RESOURCE = "example_db";
    /** The agent restarts a node this often before it stops it with its reason (CM's {@code restart_times}). */
    static final int RESTART_TIMES = 3;
    private static final String CM_CTL_CLASS = "io.respool.cli.cm.CmCtl";

    private final Path home;
    private final List<Process> agents = new ArrayList<>();
    private final List<ManagedNode> nodes = new ArrayList<>();
    private final PrintStream out;

    private CmCluster(final Path home, final PrintStream out)
    {
        this.home = home;
        this.out = out;
    }

    /**
     * Write a new cluster home (the last run's is removed), start one agent per node and let them start the nodes.
     *
     * @param home       the cluster home to create.
     * @param image      the volume group's entry volume: the voting disk.
     * @param commands   per DMS node id, the node process's command line.
     * @param dmsPorts   per DMS node id, its DMS port on 127.0.0.1 (checked by the agent before each start).
     * @param listeners  per DMS node id, what sees the node's output lines first.
     * @param out        where progress and the nodes' output go.
     */
    static CmCluster start(final Path home, final Path image, final List<List<String>> commands,
        final List<Integer> dmsPorts, final List<NodeProcess.LineListener> listeners, final PrintStream out)
    {
        final CmCluster cluster = new CmCluster(home, out);
        try
        {
            deleteTree(home);
            Files.createDirectories(home);
            cluster.writeConfig(image, commands, dmsPorts);
            for (int id = 0; id < commands.size(); id++)
            {
                final ManagedNode node = new ManagedNode(id, cluster.agentDir(id), listeners.get(id), out);
                cluster.nodes.add(node);
                Files.createDirectories(cluster.dataDir(id));
                cluster.agents.add(cluster.startAgent(id));
                node.follow();
            }
            return cluster;
        }
        catch (final IOException ex)
        {
            cluster.close();
            throw new UncheckedIOException("cannot set up the cluster manager in " + home + ": " + ex.getMessage(),
                ex);
        }
        catch (final RuntimeException ex)
        {
            cluster.close();
            throw ex;
        }
    }

    Path home()
    {
        return home;
    }

    /**
     * @param dmsNodeId DMS node id.
     * @return the node's data directory (its {@code data_dir}: cm_role and cm_request live there).
     */
    Path dataDir(final int dmsNodeId)
    {
        return home.resolve("dn" + dmsNodeId);
    }

    ManagedNode node(final int dmsNodeId)
    {
        return nodes.get(dmsNodeId);
    }

    /**
     * @return {@code cmctl query} with these options, run as a user would (its own JVM, {@code --home}), output
     * and error together; or why it could not run.
     */
    String query(final String... options)
    {
        return cmctl("query", options);
    }

    /**
     * @return {@code cmctl COMMAND OPTIONS --home HOME}, run as a user would (its own JVM), output and error
     * together; or why it could not run.
     */
    String cmctl(final String subcommand, final String... options)
    {
        final List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:+UseSerialGC");
        command.addAll(jvmArgs());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(CM_CTL_CLASS);
        command.add(subcommand);
        command.addAll(List.of(options));
        command.add("--home");
        command.add(home.toString());
        try
        {
            final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            final String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            return text;
        }
        catch (final IOException ex)
        {
            return "cmctl " + subcommand + " could not run: " + ex.getMessage();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return "cmctl " + subcommand + " interrupted";
        }
    }

    /**
     * @return the agent's last word on the node's DN instance ({@code cm_agent_state.json}), empty if none yet.
     */
    Optional<Map<String, Object>> instanceState(final int dmsNodeId)
    {
        try
        {
            final Path file = agentDir(dmsNodeId).resolve(Agent.STATE_FILE);
            if (!Files.exists(file))
            {
                return Optional.empty();
            }
            @SuppressWarnings("unchecked")
            final Map<String, Object> root = (Map<String, Object>)Json.parse(Files.readString(file));
            @SuppressWarnings("unchecked")
            final List<Map<String, Object>> instances = (List<Map<String, Object>>)root.get("instances");
            return instances == null || instances.isEmpty() ? Optional.empty() : Optional.of(instances.get(0));
        }
        catch (final IOException | RuntimeException ex)
        {
            // written by rename, so a read sees a whole file; a parse error means none yet
            return Optional.empty();
        }
    }

    /**
     * @return the agent's restart count of the node, -1 if unknown.
     */
    long restarts(final int dmsNodeId)
    {
        return instanceState(dmsNodeId).map(m -> ((Number)m.getOrDefault("restarts", -1L)).longValue()).orElse(-1L);
    }

    /**
     * {@code cmctl stop}'s flag file on every node (fast: SIGTERM, killed at time_out), then wait until no node
     * process is left, then end the agents.
     */
    @Override
    public void close()
    {
        for (int id = 0; id < agents.size(); id++)
        {
            try
            {
                new FlagFiles(agentDir(id)).writeCluster(StopMode.FAST);
            }
            catch (final IOException ex)
            {
                out.println("cannot write the stop flag file in " + agentDir(id) + ": " + ex.getMessage());
            }
        }
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (final ManagedNode node : nodes)
        {
            while (node.isAlive() && deadlineNs - System.nanoTime() > 0)
            {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
            if (node.isAlive())
            {
                out.println("node " + node.nodeId + " (pid " + node.pid() + ") did not stop in 20 s: killed");
                ProcessHandle.of(node.pid()).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        for (final Process agent : agents)
        {
            agent.destroy();
            try
            {
                if (!agent.waitFor(10, TimeUnit.SECONDS))
                {
                    agent.destroyForcibly();
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                agent.destroyForcibly();
            }
        }
        for (final ManagedNode node : nodes)
        {
            node.stopFollowing();
        }
    }

    private Path agentDir(final int dmsNodeId)
    {
        return agentDir(home, dmsNodeId);
    }

    /**
     * @return the agent directory of a DMS node (CM numbers nodes from 1).
     */
    static Path agentDir(final Path home, final int dmsNodeId)
    {
        return home.resolve("node" + (dmsNodeId + 1));
    }

    private void writeConfig(final Path image, final List<List<String>> commands, final List<Integer> dmsPorts)
        throws IOException
    {
        final List<Object> nodeList = new ArrayList<>();
        final List<Object> instances = new ArrayList<>();
        for (int id = 0; id < commands.size(); id++)
        {
            final Map<String, Object> node = new LinkedHashMap<>();
            node.put("node_id", (long)(id + 1));
            node.put("name", "host" + (id + 1));
            node.put("ip", "127.0.0.1");
            nodeList.add(node);
            final Map<String, Object> instance = new LinkedHashMap<>();
            instance.put("node_id", (long)(id + 1));
            instance.put("res_instance_id", (long)id);
            instance.put("data_dir", "dn" + id);
            instance.put("ports", List.of("127.0.0.1:" + dmsPorts.get(id)));
            instance.put("reports_serving", true);
            instance.put("command", new ArrayList<Object>(commands.get(id)));
            instances.add(instance);
        }
        final Map<String, Object> cluster = new LinkedHashMap<>();
        cluster.put("cluster_name", "respool-example");
        cluster.put("primary_node", 1L);
        cluster.put("voting_disk", image.toString());
        cluster.put("nodes", nodeList);
        final Map<String, Object> resource = new LinkedHashMap<>();
        resource.put("name", RESOURCE);
        resource.put("resources_type", "DN");
        resource.put("check_interval", 1L);
        resource.put("time_out", 10L);
        resource.put("restart_delay", 1L);
        resource.put("restart_period", 1L);
        resource.put("restart_times", (long)RESTART_TIMES);
        resource.put("instances", instances);
        Files.writeString(home.resolve("cm_cluster.json"), Json.write(cluster));
        Files.writeString(home.resolve("cm_resource.json"), Json.write(Map.of("resources", List.of(resource))));
    }

    private Process startAgent(final int dmsNodeId) throws IOException
    {
        final Path dir = agentDir(dmsNodeId);
        Files.createDirectories(dir);
        final List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.add("-Xmx128m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.addAll(jvmArgs());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Agent.class.getName());
        command.add("--home");
        command.add(home.toString());
        command.add("--node");
        command.add(Integer.toString(dmsNodeId + 1));
        final Process agent = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("cm_agent.log").toFile())).start();
        out.println("cm agent of node " + (dmsNodeId + 1) + " (DMS node " + dmsNodeId + "): pid " + agent.pid() +
            ", log " + dir.resolve("cm_agent.log"));
        return agent;
    }

    private static List<String> jvmArgs()
    {
        return List.of(System.getProperty("respool.jvm.args", NodeProcess.DEFAULT_JVM_ARGS).trim().split("\\s+"));
    }

    private static String javaBinary()
    {
        return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    }

    private static void deleteTree(final Path dir) throws IOException
    {
        if (!Files.exists(dir))
        {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir))
        {
            for (final Path p : walk.sorted(Comparator.reverseOrder()).toList())
            {
                Files.delete(p);
            }
        }
    }

    /**
     * A node process as its agent runs it: the pid is read from the agent's pid file at each use (the agent
     * writes a new one when it restarts the node), the output is followed in the agent's log of the instance.
     */
    static final class ManagedNode implements FaultTarget
    {
        private final int nodeId;
        private final Path pidFile;
        private final Path logFile;
        private final NodeProcess.LineListener listener;
        private final PrintStream out;
        private final Thread follower;
        private volatile boolean following = true;
        private volatile boolean workDone;
        private volatile boolean rejoined;
        private volatile boolean standbyChecked;

        ManagedNode(final int nodeId, final Path agentDir, final NodeProcess.LineListener listener,
            final PrintStream out)
        {
            this.nodeId = nodeId;
            final String base = RESOURCE + "_" + (6001 + nodeId);
            this.pidFile = agentDir.resolve("run").resolve(base + ".pid");
            this.logFile = agentDir.resolve("log").resolve(base + ".log");
            this.listener = listener;
            this.out = out;
            this.follower = new Thread(this::followLog, "node-" + nodeId + "-log");
            this.follower.setDaemon(true);
        }

        void follow()
        {
            follower.start();
        }

        int nodeId()
        {
            return nodeId;
        }

        @Override
        public long pid()
        {
            try
            {
                return Long.parseLong(Files.readString(pidFile).trim());
            }
            catch (final IOException | NumberFormatException ex)
            {
                return -1;
            }
        }

        @Override
        public boolean isAlive()
        {
            final long pid = pid();
            return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }

        @Override
        public void signal(final String signal)
        {
            final long pid = pid();
            if (pid <= 0)
            {
                throw new IllegalStateException("node " + nodeId + " has no pid yet in " + pidFile);
            }
            NodeProcess.kill(pid, signal);
        }

        /**
         * @return the node said its work is done and its report written ({@link ClusterNode#WORK_DONE}).
         */
        boolean workDone()
        {
            return workDone;
        }

        /**
         * @return a restarted incarnation was admitted back into the cluster ({@link ClusterNode#REJOINED_PREFIX}).
         */
        boolean rejoined()
        {
            return rejoined;
        }

        /**
         * @return a rejoined standby ended its check of the table ({@link ClusterNode#STANDBY_CHECKED_PREFIX}).
         */
        boolean standbyChecked()
        {
            return standbyChecked;
        }

        void stopFollowing()
        {
            following = false;
            try
            {
                follower.join(TimeUnit.SECONDS.toMillis(2));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }

        private void followLog()
        {
            long offset = 0;
            final StringBuilder partial = new StringBuilder();
            final byte[] buffer = new byte[8192];
            boolean last = false;
            while (!last)
            {
                // one more pass after the stop, for the lines written while the node stopped
                last = !following;
                try
                {
                    if (Files.exists(logFile))
                    {
                        try (RandomAccessFile file = new RandomAccessFile(logFile.toFile(), "r"))
                        {
                            file.seek(offset);
                            int n;
                            while ((n = file.read(buffer)) > 0)
                            {
                                offset += n;
                                partial.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                                int nl;
                                while ((nl = partial.indexOf("\n")) >= 0)
                                {
                                    onLine(partial.substring(0, nl));
                                    partial.delete(0, nl + 1);
                                }
                            }
                        }
                    }
                }
                catch (final IOException ex)
                {
                    out.println("cannot read " + logFile + ": " + ex.getMessage());
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
        }

        private void onLine(final String line)
        {
            if (line.startsWith(ClusterNode.WORK_DONE))
            {
                workDone = true;
            }
            if (line.startsWith(ClusterNode.REJOINED_PREFIX))
            {
                rejoined = true;
            }
            if (line.startsWith(ClusterNode.STANDBY_CHECKED_PREFIX))
            {
                standbyChecked = true;
            }
            if (listener.onLine(line))
            {
                out.println("node " + nodeId + " | " + line);
            }
        }
    }
}
