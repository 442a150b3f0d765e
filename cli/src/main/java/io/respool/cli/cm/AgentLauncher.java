package io.respool.cli.cm;

import io.respool.cluster.agent.ClusterConfig;
import io.respool.cluster.agent.ClusterNode;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The one-machine case: {@code cmctl start} starts the agent of a node whose address is on this host and whose
 * agent is not running, as a detached JVM ({@code io.respool.cluster.agent.Agent}) from cmctl's own class path,
 * its output appended to {@code <agent_dir>/cm_agent.log}. On production hosts systemd starts the agents
 * ({@code cluster/systemd/respool-cm-agent@.service}) and cmctl only removes and writes flag files.
 */
final class AgentLauncher
{
    /** The agent's log in its directory. */
    static final String LOG = "cm_agent.log";

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

    static long launch(final ClusterConfig config, final ClusterNode node) throws IOException
    {
        Files.createDirectories(node.agentDir());
        final Path log = node.agentDir().resolve(LOG);
        final List<String> cmd = new ArrayList<>();
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
        cmd.add("io.respool.cluster.agent.Agent");
        cmd.add("--home");
        cmd.add(config.home().toString());
        cmd.add("--node");
        cmd.add(Integer.toString(node.id()));
        final Process p = new ProcessBuilder(cmd).directory(node.agentDir().toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return p.pid();
    }
}
