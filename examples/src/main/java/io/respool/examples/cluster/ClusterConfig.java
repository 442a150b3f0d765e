package io.respool.examples.cluster;

import io.respool.dms.api.DmsConfigException;
import io.respool.dms.api.NodeList;

import java.io.File;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;

/**
 * Settings of the two-node cluster demo. Each has a property ({@code *_PROP_NAME}), given as {@code -Dname=value}
 * to {@code bin/cluster-demo} or to the JVM, and a default ({@code *_DEFAULT}); {@link #from(Properties)} checks
 * them all once and names the property in any error.
 *
 * @param directory       where the image and the two DSS homes go (never inside a git work tree).
 * @param imageSize       apparent size of the sparse image, in bytes.
 * @param recreate        recreate the image and volume group even if a usable one exists.
 * @param dmsUrl          the DMS node list ({@code dms_url}).
 * @param dssNodesList    {@code DSS_NODES_LIST} written to both {@code dss_inst.ini} files.
 * @param dmsDirectory    where the DMS node directories (Aeron driver, statistics file) go.
 * @param rows            rows node 0 inserts.
 * @param updates         updates node 0 makes to random rows already inserted.
 * @param rate            changes per second node 0 aims at; 0 for as fast as it can.
 * @param seed            seed of node 0's choice of operations and node 1's random reads.
 * @param checkpointMs    node 0's checkpoint interval.
 * @param walWriterDelayMs how long WAL records wait for a flush when nobody asks for one.
 * @param timeoutSeconds  limit on the whole run; the nodes are stopped after it.
 */
public record ClusterConfig(
    Path directory,
    long imageSize,
    boolean recreate,
    String dmsUrl,
    String dssNodesList,
    Path dmsDirectory,
    long rows,
    long updates,
    long rate,
    long seed,
    long checkpointMs,
    long walWriterDelayMs,
    long timeoutSeconds)
{
    /** Directory of the image and DSS homes; else $RESPOOL_CLUSTER_DIR, else ${TMPDIR:-/tmp}/respool-cluster. */
    public static final String DIR_PROP_NAME = "respool.cluster.dir";
    /** Environment variable for the directory. */
    public static final String DIR_ENV_NAME = "RESPOOL_CLUSTER_DIR";
    /** Image size: bytes, or with a K, M, G or T suffix. */
    public static final String IMAGE_SIZE_PROP_NAME = "respool.cluster.image.size";
    /** Default image size: 2 TiB, the guide's {@code dd} image, but sparse. */
    public static final String IMAGE_SIZE_DEFAULT = "2T";
    /** Recreate the image even if it is usable. */
    public static final String RECREATE_PROP_NAME = "respool.cluster.recreate";
    /** DMS node list. */
    public static final String DMS_URL_PROP_NAME = "respool.cluster.dms.url";
    /** Default DMS node list, as in the guide. */
    public static final String DMS_URL_DEFAULT = "0:127.0.0.1:1613,1:127.0.0.1:1614";
    /** DSS node list. */
    public static final String DSS_NODES_PROP_NAME = "respool.cluster.dss.nodes";
    /** Default DSS node list, as in the guide. */
    public static final String DSS_NODES_DEFAULT = "0:127.0.0.1:17102, 1:127.0.0.1:18102";
    /** Base directory of the DMS node directories. */
    public static final String DMS_DIR_PROP_NAME = "respool.cluster.dms.dir";
    /** Rows node 0 inserts. */
    public static final String ROWS_PROP_NAME = "respool.cluster.rows";
    /** Default rows: 16 heap pages of 127 rows. */
    public static final long ROWS_DEFAULT = 2000;
    /** Updates node 0 makes. */
    public static final String UPDATES_PROP_NAME = "respool.cluster.updates";
    /** Default updates. */
    public static final long UPDATES_DEFAULT = 20000;
    /** Changes per second node 0 aims at, 0 for no limit. */
    public static final String RATE_PROP_NAME = "respool.cluster.rate";
    /** Default rate: the defaults take about 11 s to write, with two JVMs sharing two cores comfortably. */
    public static final long RATE_DEFAULT = 2000;
    /** Seed of the workload. */
    public static final String SEED_PROP_NAME = "respool.cluster.seed";
    /** Default seed. */
    public static final long SEED_DEFAULT = 42;
    /** Checkpoint interval of node 0, ms. */
    public static final String CHECKPOINT_MS_PROP_NAME = "respool.cluster.checkpoint.ms";
    /** Default checkpoint interval. */
    public static final long CHECKPOINT_MS_DEFAULT = 1000;
    /** WAL writer delay, ms. */
    public static final String WAL_DELAY_MS_PROP_NAME = "respool.cluster.wal.writer.delay.ms";
    /** Default WAL writer delay, as openGauss's {@code wal_writer_delay} scaled down. */
    public static final long WAL_DELAY_MS_DEFAULT = 20;
    /** Limit on the whole run, seconds. */
    public static final String TIMEOUT_PROP_NAME = "respool.cluster.timeout.seconds";
    /** Default limit. */
    public static final long TIMEOUT_DEFAULT = 120;

    /**
     * Read and check every setting.
     *
     * @param props system properties, with any {@code -D} arguments laid over them.
     * @return the settings.
     * @throws IllegalArgumentException naming the property and its value.
     */
    public static ClusterConfig from(final Properties props)
    {
        final String env = System.getenv(DIR_ENV_NAME);
        final String tmp = System.getenv("TMPDIR") == null || System.getenv("TMPDIR").isBlank() ?
            "/tmp" : System.getenv("TMPDIR");
        final Path directory = Path.of(props.getProperty(DIR_PROP_NAME,
            env != null && !env.isBlank() ? env : tmp + "/respool-cluster")).toAbsolutePath().normalize();

        final long imageSize = parseSize(IMAGE_SIZE_PROP_NAME, props.getProperty(IMAGE_SIZE_PROP_NAME,
            IMAGE_SIZE_DEFAULT));
        if (imageSize < 1L << 30)
        {
            throw bad(IMAGE_SIZE_PROP_NAME, props.getProperty(IMAGE_SIZE_PROP_NAME), "must be at least 1G");
        }

        final String dmsUrl = props.getProperty(DMS_URL_PROP_NAME, DMS_URL_DEFAULT);
        final NodeList nodes;
        try
        {
            nodes = NodeList.parse(dmsUrl);
        }
        catch (final DmsConfigException ex)
        {
            throw bad(DMS_URL_PROP_NAME, dmsUrl, ex.getMessage());
        }
        if (nodes.size() != 2 || nodes.node(0) == null || nodes.node(1) == null)
        {
            throw bad(DMS_URL_PROP_NAME, dmsUrl, "the demo runs exactly nodes 0 and 1");
        }

        final String shm = "/dev/shm";
        final Path dmsDirectory = Path.of(props.getProperty(DMS_DIR_PROP_NAME, new File(shm).isDirectory() ?
            shm + "/respool-cluster-" + System.getProperty("user.name", "user") :
            directory.resolve("dms").toString())).toAbsolutePath().normalize();

        final long rows = parseLong(props, ROWS_PROP_NAME, ROWS_DEFAULT, 1, 10_000_000);
        final long updates = parseLong(props, UPDATES_PROP_NAME, UPDATES_DEFAULT, 0, 1_000_000_000);
        return new ClusterConfig(
            directory,
            imageSize,
            Boolean.parseBoolean(props.getProperty(RECREATE_PROP_NAME, "false")),
            dmsUrl,
            props.getProperty(DSS_NODES_PROP_NAME, DSS_NODES_DEFAULT),
            dmsDirectory,
            rows,
            updates,
            parseLong(props, RATE_PROP_NAME, RATE_DEFAULT, 0, 10_000_000),
            parseLong(props, SEED_PROP_NAME, SEED_DEFAULT, Long.MIN_VALUE, Long.MAX_VALUE),
            parseLong(props, CHECKPOINT_MS_PROP_NAME, CHECKPOINT_MS_DEFAULT, 10, 3_600_000),
            parseLong(props, WAL_DELAY_MS_PROP_NAME, WAL_DELAY_MS_DEFAULT, 1, 10_000),
            parseLong(props, TIMEOUT_PROP_NAME, TIMEOUT_DEFAULT, 5, 86_400));
    }

    /**
     * @return the DMS node list parsed.
     */
    public NodeList nodeList()
    {
        return NodeList.parse(dmsUrl);
    }

    /**
     * @param nodeId 0 or 1.
     * @return the node's DSS home, laid out as in the guide: {@code <dir>/dss<id>/dssdba}.
     */
    public Path dssHome(final int nodeId)
    {
        return directory.resolve("dss" + nodeId).resolve("dssdba");
    }

    /**
     * @return the image: {@code <dir>/dev/dss-dba}.
     */
    public Path image()
    {
        return directory.resolve("dev").resolve("dss-dba");
    }

    /**
     * @return where the nodes write their reports.
     */
    public Path runDirectory()
    {
        return directory.resolve("run");
    }

    static String usage()
    {
        final String[][] settings = {
            { DIR_PROP_NAME + "=DIR", "image and DSS homes (else $" + DIR_ENV_NAME + ", else " +
                "${TMPDIR:-/tmp}/respool-cluster)" },
            { ROWS_PROP_NAME + "=N", "rows node 0 inserts (default " + ROWS_DEFAULT + ")" },
            { UPDATES_PROP_NAME + "=N", "updates of random rows (default " + UPDATES_DEFAULT + ")" },
            { RATE_PROP_NAME + "=N", "changes per second node 0 aims at, 0 for no limit (default " + RATE_DEFAULT +
                ")" },
            { DMS_URL_PROP_NAME + "=URL", "DMS nodes (default " + DMS_URL_DEFAULT + ")" },
            { DSS_NODES_PROP_NAME + "=LIST", "DSS_NODES_LIST (default '" + DSS_NODES_DEFAULT + "')" },
            { IMAGE_SIZE_PROP_NAME + "=SIZE", "sparse image size (default " + IMAGE_SIZE_DEFAULT + ")" },
            { RECREATE_PROP_NAME + "=true", "recreate the image even if it is usable" },
            { DMS_DIR_PROP_NAME + "=DIR", "DMS node directories (default /dev/shm/respool-cluster-$USER)" },
            { SEED_PROP_NAME + "=N", "workload seed, and the bank run's fault schedule (default " + SEED_DEFAULT +
                ")" },
            { "respool.cluster.bank.seconds=S", "--bank: run at least this long (default 0: one epoch)" },
            { "respool.cluster.bank.faults=N", "--bank: make at least this many faults (default 3)" },
            { "respool.cluster.bank.rate=N", "--bank: transfers a second per client, 4 clients (default 100)" },
            { CHECKPOINT_MS_PROP_NAME + "=MS", "node 0 checkpoint interval (default " + CHECKPOINT_MS_DEFAULT + ")" },
            { WAL_DELAY_MS_PROP_NAME + "=MS", "WAL writer delay (default " + WAL_DELAY_MS_DEFAULT + ")" },
            { TIMEOUT_PROP_NAME + "=S", "stop everything after this long (default " + TIMEOUT_DEFAULT + ")" },
            { "respool.dms.*, respool.dss.*", "passed on to both nodes, e.g. -Drespool.dms.idle.strategy=backoff" },
        };
        final StringBuilder sb = new StringBuilder()
            .append("usage: bin/cluster-demo [--fault kill9|sigstop|oom [--cm [--pause]] | --switchover | " +
                "--fault partition | --bank] [-Dname=value ...]\n\n")
            .append("Runs two database nodes on this machine, each embedding DSS and DMS, over one sparse image:\n")
            .append("node 0 inserts and updates rows of a page-based table on DSS, node 1 reads them with pages\n")
            .append("shipped from node 0 by DMS and checks every row it sees.\n\n")
            .append("--fault kill9|sigstop|oom: a failover run. The nodes run under the disk arbiter; after\n")
            .append("-D" + ClusterDemo.FAULT_AFTER_PROP_NAME + "=N commits (default a third of the workload)\n")
            .append("node 0 gets kill -9 or SIGSTOP, or fills its heap until it runs out (oom: it exits on\n")
            .append("OutOfMemoryError), node 1 fences it, re-forms DMS, replays its WAL and\n")
            .append("finishes the workload as the new primary. Arbiter timeouts (cluster/DESIGN.md) are passed\n")
            .append("on; the demo gives -Drespool.cluster.self.fence.timeout.ms=2000 and\n")
            .append("-Drespool.cluster.lease.timeout.ms=4000 unless set (the module's defaults: 1600, 2400).\n")
            .append("--cm: agents (the cluster manager) run the nodes and restart the killed one. --pause\n")
            .append("(with --fault kill9 --cm): cmctl pause before the fault; nothing may happen for two\n")
            .append("leases, then cmctl failover -n 2 promotes node 1 and cmctl resume restarts node 0.\n\n")
            .append("--switchover (= --fault switchover --cm): a planned switchover run. Agents run the nodes;\n")
            .append("after the same number of commits bin/cmctl switchover -n 2 moves the primary to node 1 with\n")
            .append("both alive (node 0 demotes and reads on as a standby), then -n 1 moves it back\n")
            .append("(-D" + SwitchoverRun.BACK_PROP_NAME + "=false: no switch back).\n\n");
        for (final String[] setting : settings)
        {
            sb.append(String.format("  -D%-40s %s%n", setting[0], setting[1]));
        }
        return sb.append("\nExit status: 0 every check passed, 1 a check or a node failed, 2 bad settings or ")
            .append("storage,\n3 a DMS port is taken.").toString();
    }

    static long parseSize(final String name, final String text)
    {
        final String t = text.trim().toUpperCase(Locale.ROOT);
        final int unit = "KMGT".indexOf(t.isEmpty() ? ' ' : t.charAt(t.length() - 1));
        try
        {
            final long number = Long.parseLong(unit >= 0 ? t.substring(0, t.length() - 1) : t);
            return unit >= 0 ? Math.multiplyExact(number, 1L << (10 * (unit + 1))) : number;
        }
        catch (final NumberFormatException | ArithmeticException ex)
        {
            throw bad(name, text, "expected bytes or a number with K, M, G or T");
        }
    }

    private static long parseLong(final Properties props, final String name, final long defaultValue,
        final long min, final long max)
    {
        final String text = props.getProperty(name);
        if (text == null)
        {
            return defaultValue;
        }
        final long value;
        try
        {
            value = Long.parseLong(text.trim());
        }
        catch (final NumberFormatException ex)
        {
            throw bad(name, text, "not a number");
        }
        if (value < min || value > max)
        {
            throw bad(name, text, "out of range " + min + ".." + max);
        }
        return value;
    }

    private static IllegalArgumentException bad(final String name, final String value, final String problem)
    {
        return new IllegalArgumentException("bad setting: -D" + name + "=" + value + ", problem=" + problem);
    }
}
