package io.respool.examples.cluster;

import io.respool.dss.Dss;
import io.respool.dss.DssException;
import io.respool.dss.VolumeGroup;

import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The storage of the guide's two-node setup (seed 003), made the way the guide makes it but with a sparse image
 * instead of {@code dd}: {@code <dir>/dev/dss-dba} (2 TiB apparent, a few MiB real), two DSS homes
 * {@code <dir>/dss0/dssdba} and {@code <dir>/dss1/dssdba} with {@code dss_inst.ini} ({@code INST_ID} 0 and 1, one
 * shared {@code DISK_LOCK_FILE_PATH}) and {@code dss_vg_conf.ini} ({@code data:<image>}), and the volume group
 * {@code data}. A usable image is reused; one that is missing, of another size or not a volume group is
 * recreated. The image is never copied, and never placed inside a git work tree, where a sparse-unaware copy of
 * the repository would expand it to its full size.
 */
final class ClusterStorage
{
    /** The volume group, as in the guide. */
    static final String VG_NAME = "data";

    private ClusterStorage()
    {
    }

    /**
     * Make or reuse the image, the homes and the volume group, and an empty table and WAL files.
     *
     * @throws IllegalStateException if the directory is inside a git work tree.
     * @throws DssException          if DSS cannot create or open the volume group.
     */
    static void prepare(final ClusterConfig config, final PrintStream out)
    {
        prepare(config, out, false);
    }

    /**
     * Make or reuse the image, the homes and the volume group; with {@code keepData} keep the table and WAL files
     * as the last run left them (a cluster restarted over its data), else make them empty.
     *
     * @throws IllegalStateException if the directory is inside a git work tree, or data to keep is not there.
     * @throws DssException          if DSS cannot create or open the volume group.
     */
    static void prepare(final ClusterConfig config, final PrintStream out, final boolean keepData)
    {
        final Path dir = config.directory();
        refuseInsideGitWorkTree(dir);
        try
        {
            for (int i = 0; i < 2; i++)
            {
                Files.createDirectories(config.dssHome(i).resolve("cfg"));
                Files.createDirectories(config.dssHome(i).resolve("log"));
                writeHome(config, i);
            }
            Files.createDirectories(config.image().getParent());
            Files.createDirectories(config.runDirectory());
            for (int i = 0; i < 2; i++)
            {
                Files.deleteIfExists(reportFile(config, i));
                Files.deleteIfExists(rejoinReportFile(config, i));
                Files.deleteIfExists(config.runDirectory().resolve("node" + i + ".ready"));
                // left by an interrupted --fault oom run, it would exhaust this run's node at its start
                Files.deleteIfExists(HeapExhaustion.triggerFile(config, i));
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot prepare the cluster directory: dir=" + dir + ", reason=" + ex, ex);
        }
        out.println("DSS homes " + config.dssHome(0) + " (INST_ID=0) and " + config.dssHome(1) + " (INST_ID=1), " +
            "DSS_NODES_LIST=" + config.dssNodesList() + ", DISK_LOCK_FILE_PATH=" + dir.resolve("dss0"));

        final String notUsable = config.recreate() ? "recreate asked for" : whyNotUsable(config);
        if (notUsable == null)
        {
            out.println("reusing image " + config.image() + ": volume group " + VG_NAME + ", " +
                describeImage(config.image()));
        }
        else
        {
            out.println("creating image " + config.image() + " (" + notUsable + ")");
            createImage(config);
            out.println("created volume group " + VG_NAME + " on it: " + describeImage(config.image()));
        }

        resetArbitration(config, out);
        removeDeadNodeDirectories(config, out);
        if (keepData)
        {
            try (Dss dss = Dss.open(config.dssHome(0)))
            {
                for (final String path : new String[] { ClusterNode.HEAP_PATH, ClusterNode.walPath(0),
                    ClusterNode.walPath(1) })
                {
                    if (!dss.exists(path))
                    {
                        throw new IllegalStateException("no " + path + " to restart the cluster over");
                    }
                }
            }
            out.println("keeping table " + ClusterNode.HEAP_PATH + " and WAL files " + ClusterNode.walPath(0) +
                ", " + ClusterNode.walPath(1) + ": the cluster restarts over its data");
            return;
        }
        try (Dss dss = Dss.open(config.dssHome(0)))
        {
            if (dss.exists("+data/cluster"))
            {
                dss.rmdir("+data/cluster", true);
            }
            dss.mkdirs("+data/cluster/base");
            dss.mkdirs(ClusterNode.WAL_DIR);
            dss.createFile(ClusterNode.HEAP_PATH);
            dss.createFile(ClusterNode.walPath(0));
            dss.createFile(ClusterNode.walPath(1));
        }
        out.println("empty table " + ClusterNode.HEAP_PATH + " and WAL files " + ClusterNode.walPath(0) + ", " +
            ClusterNode.walPath(1));
    }

    /**
     * Start the cluster manager's state afresh, as an operator restarting the whole cluster does: lift the DSS
     * fence a failover of the last run left on an instance ({@code dsscmd reghl}), and zero the arbiter's area
     * (heartbeats and decided views) so that the nodes decide a first view again.
     */
    private static void resetArbitration(final ClusterConfig config, final PrintStream out)
    {
        for (int id = 0; id < 2; id++)
        {
            try (Dss dss = Dss.open(config.dssHome(id)))
            {
                final VolumeGroup group = dss.volumeGroup(VG_NAME);
                final int self = id;
                if (group.instances().stream().anyMatch((status) -> status.instanceId() == self && status.fenced()))
                {
                    group.register();
                    out.println("DSS instance " + id + " was fenced off volume group " + VG_NAME + " by the last " +
                        "run's failover; registered it again (dsscmd reghl)");
                }
            }
        }
        NodeArbiter.format(config.image(), 2);
        out.println("cluster area of the arbiter zeroed (heartbeats, Disk Paxos register): a new cluster");
    }

    /**
     * Remove a DMS node directory ({@code <dms dir>/node-N}) left by a node of an earlier run that is no longer
     * running. A node killed while its embedded media driver was still creating its CnC file (a node that fenced
     * itself at start is halted at once) leaves a {@code cnc.dat} that is created but not initialised, and every
     * later start on that directory failed with Aeron's {@code DriverTimeoutException} until it was removed. The
     * launcher starts both nodes itself, so a directory whose {@code node.lock} names a dead pid is stale.
     */
    private static void removeDeadNodeDirectories(final ClusterConfig config, final PrintStream out)
    {
        for (int id = 0; id < 2; id++)
        {
            final Path nodeDir = config.dmsDirectory().resolve("node-" + id);
            final Path lock = nodeDir.resolve("node.lock");
            if (!Files.isRegularFile(lock))
            {
                continue;
            }
            try
            {
                final String[] lines = Files.readString(lock, StandardCharsets.UTF_8).split("\n", 2);
                final long pid = Long.parseLong(lines[0].trim());
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                {
                    continue;
                }
                try (java.util.stream.Stream<Path> walk = Files.walk(nodeDir))
                {
                    walk.sorted(java.util.Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
                }
                out.println("removed the DMS directory of node " + id + " left by an earlier run (pid " + pid +
                    " is gone): " + nodeDir);
            }
            catch (final IOException | NumberFormatException ex)
            {
                out.println("left the DMS directory of node " + id + " as it is (" + ex + "): " + nodeDir);
            }
        }
    }

    static Path reportFile(final ClusterConfig config, final int nodeId)
    {
        return config.runDirectory().resolve("node" + nodeId + ".report");
    }

    /**
     * @return the report of a node's process that rejoined the cluster after it was removed: the report of the
     *         process before it stays as it was.
     */
    static Path rejoinReportFile(final ClusterConfig config, final int nodeId)
    {
        return rejoinReportFile(reportFile(config, nodeId));
    }

    static Path rejoinReportFile(final Path reportFile)
    {
        return reportFile.resolveSibling(reportFile.getFileName() + ".rejoin");
    }

    /**
     * @throws IllegalStateException if {@code dir} or a directory above it holds {@code .git}.
     */
    static void refuseInsideGitWorkTree(final Path dir)
    {
        for (Path p = dir.toAbsolutePath().normalize(); p != null; p = p.getParent())
        {
            if (Files.exists(p.resolve(".git")))
            {
                throw new IllegalStateException("refusing to put a 2 TiB sparse image inside a git work tree: dir=" +
                    dir + ", workTree=" + p + "; a copy of the tree by a tool that does not keep holes would " +
                    "write the image out in full. Use a directory outside it: -D" + ClusterConfig.DIR_PROP_NAME +
                    "=DIR or $" + ClusterConfig.DIR_ENV_NAME);
            }
        }
    }

    private static void writeHome(final ClusterConfig config, final int nodeId) throws IOException
    {
        final Path dir = config.directory();
        final String inst = String.join("\n",
            "INST_ID=" + nodeId,
            "_LOG_LEVEL=255",
            "DSS_NODES_LIST=" + config.dssNodesList(),
            "DISK_LOCK_FILE_PATH=" + dir.resolve("dss0"),
            "LSNR_PATH=" + dir.resolve("dss" + nodeId),
            "_LOG_MAX_FILE_SIZE=20M",
            "_LOG_BACKUP_FILE_COUNT=128",
            "");
        Files.writeString(config.dssHome(nodeId).resolve("cfg").resolve("dss_inst.ini"), inst,
            StandardCharsets.UTF_8);
        Files.writeString(config.dssHome(nodeId).resolve("cfg").resolve("dss_vg_conf.ini"),
            VG_NAME + ":" + config.image() + "\n", StandardCharsets.UTF_8);
    }

    private static String whyNotUsable(final ClusterConfig config)
    {
        final Path image = config.image();
        if (!Files.isRegularFile(image))
        {
            return "none yet";
        }
        try
        {
            final long size = Files.size(image);
            if (size != config.imageSize())
            {
                return "it is " + size + " bytes, " + config.imageSize() + " asked for";
            }
        }
        catch (final IOException ex)
        {
            return "cannot read its size: " + ex.getMessage();
        }
        try (Dss dss = Dss.open(config.dssHome(0)))
        {
            dss.volumeGroup(VG_NAME);
            return null;
        }
        catch (final DssException ex)
        {
            return "the old one is not usable: " + ex.getMessage();
        }
    }

    private static void createImage(final ClusterConfig config)
    {
        final Path image = config.image();
        try
        {
            Files.deleteIfExists(image);
            try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw"))
            {
                // like truncate -s: a sparse file that takes no disk space until written
                file.setLength(config.imageSize());
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create the image: path=" + image + ", reason=" + ex, ex);
        }
        Dss.createVolumeGroup(VG_NAME, image, Dss.DEFAULT_AU_SIZE);
    }

    /**
     * @return apparent and allocated size, as {@code ls -l} and {@code du} show them.
     */
    static String describeImage(final Path image)
    {
        try
        {
            final long apparent = Files.size(image);
            final Process du = new ProcessBuilder("du", "-k", image.toString()).redirectErrorStream(true).start();
            final String output = new String(du.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!du.waitFor(10, TimeUnit.SECONDS) || du.exitValue() != 0)
            {
                return humanBytes(apparent) + " apparent";
            }
            final long allocatedKiB = Long.parseLong(output.split("\\s+")[0]);
            return humanBytes(apparent) + " apparent, " + humanBytes(allocatedKiB * 1024) + " on disk (sparse)";
        }
        catch (final IOException | NumberFormatException ex)
        {
            return "size unknown: " + ex.getMessage();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return "size unknown";
        }
    }

    static String humanBytes(final long bytes)
    {
        final String[] units = { "B", "KiB", "MiB", "GiB", "TiB" };
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1)
        {
            value /= 1024;
            unit++;
        }
        return (unit == 0 ? String.valueOf(bytes) : String.format(Locale.ROOT, "%.1f", value)) + " " +
            units[unit];
    }
}
