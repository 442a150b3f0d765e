package io.respool.cli.cm;

import io.respool.cluster.agent.Agent;
import io.respool.cluster.agent.AtomicFiles;
import io.respool.cluster.agent.ClusterConfig;
import io.respool.cluster.agent.ClusterNode;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.UnknownHostException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The one-machine case: {@code cmctl start} starts the agent of a node whose address is on this host and whose
 * agent is not running, as a detached JVM ({@code io.respool.cluster.agent.Agent}) from cmctl's own class path,
 * its output appended to {@code <agent_dir>/cm_agent.log}, in a session of its own ({@code setsid}, where the host
 * has it), as systemd runs a service: in cmctl's caller's session Linux's autogroup would schedule the agent, and so
 * its arbiter's duty cycle, as one group with whatever else that shell runs (a build, a load test), and both
 * arbiter threads of a soak sharing a session with its busy loops went without CPU for up to 1.5 s at once
 * (cluster/DESIGN.md, "The soak's remaining self-fences"). On production hosts systemd starts the agents
 * ({@code cluster/systemd/respool-cm-agent@.service}) and cmctl only removes and writes flag files.
 */
final class AgentLauncher
{
    /** The agent's log in its directory. */
    static final String LOG = "cm_agent.log";
    /** The pid of the agent cmctl last launched for the node. */
    static final String LAUNCHED = "cm_agent.launched";

    private static final String AGENT_CLASS = "io.respool.cluster.agent.Agent";
    /**
     * setsid(1): a child of a JVM is no process group leader, so it calls setsid(2) and execs the JVM in place (the
     * pid cmctl keeps stays the agent's).
     */
    private static final Path SETSID = Stream.of("/usr/bin/setsid", "/bin/setsid").map(Path::of)
        .filter(Files::isExecutable).findFirst().orElse(null);

    private AgentLauncher()
    {
    }

    static boolean isLocal(final ClusterNode node)
    {
        try
        {
            final InetAddress a = InetAddress.getByName(node.ip());
            return a.isLoopbackAddress() || a.isAnyLocalAddress() || NetworkInterface.getByInetAddress(a) != null;
        }
        catch (final UnknownHostException | java.net.SocketException ex)
        {
            return false;
        }
    }

    /**
     * @return true if an agent holds the node's lock file: it runs, even if it has not written its state yet (an
     * agent JVM still booting must not get a twin).
     */
    static boolean holdsLock(final ClusterNode node)
    {
        if (launchedAlive(node))
        {
            return true;
        }
        final Path lock = node.agentDir().resolve(Agent.LOCK_FILE);
        if (!Files.exists(lock))
        {
            return false;
        }
        try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.WRITE);
            FileLock l = ch.tryLock())
        {
            return l == null;
        }
        catch (final OverlappingFileLockException ex)
        {
            return true;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    /**
     * An agent cmctl launched may still be booting (its JVM has not taken the lock yet): its pid, kept in
     * {@link #LAUNCHED}, still lives and runs the agent class (guard against a reused pid).
     */
    private static boolean launchedAlive(final ClusterNode node)
    {
        try
        {
            final Path f = node.agentDir().resolve(LAUNCHED);
            if (!Files.exists(f))
            {
                return false;
            }
            final long pid = Long.parseLong(Files.readString(f).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .map(h -> h.info().commandLine().orElse("").contains(AGENT_CLASS)).orElse(false);
        }
        catch (final IOException | NumberFormatException ex)
        {
            return false;
        }
    }

    static long launch(final ClusterConfig config, final ClusterNode node) throws IOException
    {
        Files.createDirectories(node.agentDir());
        final Path log = node.agentDir().resolve(LOG);
        final List<String> cmd = new ArrayList<>();
        if (SETSID != null)
        {
            cmd.add(SETSID.toString());
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        final String extra = System.getenv("CM_AGENT_JAVA_OPTS");
        cmd.add("-Xmx128m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("--add-exports");
        cmd.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        if (extra != null && !extra.isBlank())
        {
            cmd.addAll(List.of(extra.trim().split("\\s+")));
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(AGENT_CLASS);
        cmd.add("--home");
        cmd.add(config.home().toString());
        cmd.add("--node");
        cmd.add(Integer.toString(node.id()));
        final Process p = new ProcessBuilder(cmd).directory(node.agentDir().toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        AtomicFiles.write(node.agentDir().resolve(LAUNCHED), p.pid() + "\n");
        return p.pid();
    }
}
