package io.respool.cli.cm;

import io.respool.cluster.agent.AgentConfigException;
import io.respool.cluster.agent.ClusterConfig;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code -H/--home DIR}: the cluster home (the directory with {@code cm_cluster.json} and
 * {@code cm_resource.json}); defaults to {@code $CM_HOME}.
 */
final class HomeOption
{
    @Option(names = { "-H", "--home" }, paramLabel = "DIR",
        description = "cluster home: the directory with cm_cluster.json and cm_resource.json (default: $CM_HOME)")
    Path home;

    ClusterConfig load()
    {
        Path dir = home;
        if (dir == null)
        {
            final String env = System.getenv("CM_HOME");
            if (env == null || env.isBlank())
            {
                throw new CmCtlException("no cluster home: set CM_HOME or pass --home DIR (the directory with " +
                    ClusterConfig.CLUSTER_FILE + ")", 2);
            }
            dir = Path.of(env);
        }
        if (!Files.isDirectory(dir))
        {
            throw new CmCtlException("cluster home " + dir + " is not a directory; pass --home DIR or set CM_HOME", 2);
        }
        try
        {
            return ClusterConfig.load(dir);
        }
        catch (final AgentConfigException ex)
        {
            throw new CmCtlException(ex.getMessage(), 2);
        }
    }
}
