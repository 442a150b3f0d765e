package io.respool.dms.api;

import io.respool.common.NodeAddress;
import org.agrona.ErrorHandler;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Settings of one DMS node. Each setting has a system property ({@code *_PROP_NAME}) and a default
 * ({@code *_DEFAULT}); {@link #conclude()} validates them all once and names the field in any error.
 */
public final class DmsContext
{
    /** The cluster's node list, {@code id:host:port,...}. */
    public static final String URL_PROP_NAME = "respool.dms.url";
    /** This node's id. */
    public static final String NODE_ID_PROP_NAME = "respool.dms.node.id";
    /** Directory under which each node gets {@code node-<id>}. */
    public static final String BASE_DIR_PROP_NAME = "respool.dms.dir";
    /** Page size in bytes. */
    public static final String PAGE_SIZE_PROP_NAME = "respool.dms.page.size";
    /** Default page size, as openGauss. */
    public static final int PAGE_SIZE_DEFAULT = 8192;
    /** Idle strategy of the node's one agent thread: yield, backoff, sleep, busy. */
    public static final String IDLE_STRATEGY_PROP_NAME = "respool.dms.idle.strategy";
    /**
     * Default idle strategy, chosen by measurement on these 2-core machines (test class IdleStrategyProbe: two
     * nodes in one JVM moving an 8 KiB page back and forth in X, under a load average of 5 to 7 from other builds):
     * yield p50 31-50 us, p99 62-670 us; backoff p50 80-117 us, p99 165-1400 us; sleep (100 us) p50 337 us;
     * sleep-1ms p50 1.9 ms; busy p50 27 us but p99 up to 3.2 ms and max 76 ms, and it starves other threads as
     * soon as there are more spinning threads than cores. Yield is the best median that stays fair.
     */
    public static final String IDLE_STRATEGY_DEFAULT = "yield";
    /** Every idle strategy name {@link #IDLE_STRATEGY_PROP_NAME} accepts. */
    public static final List<String> IDLE_STRATEGIES = List.of("yield", "backoff", "sleep", "sleep-1ms", "busy");
    /** Aeron MTU: 16 KiB puts an 8 KiB page in one frame. */
    public static final String MTU_PROP_NAME = "respool.dms.mtu";
    /** Default MTU. */
    public static final int MTU_DEFAULT = 16 * 1024;
    /** Aeron term buffer length of each publication. */
    public static final String TERM_LENGTH_PROP_NAME = "respool.dms.term.length";
    /** Default term length. */
    public static final int TERM_LENGTH_DEFAULT = 1024 * 1024;
    /** Membership version stamped on every message. */
    public static final String MEMBERSHIP_VERSION_PROP_NAME = "respool.dms.membership.version";
    /** If set, every partition is mastered by this node (openGauss's centralized catalog); else spread. */
    public static final String CENTRALIZED_MASTER_PROP_NAME = "respool.dms.centralized.master";
    /** If true, a reform gives every partition to the new view's primary (openGauss's one-writer setting). */
    public static final String CENTRALIZED_ON_PRIMARY_PROP_NAME = "respool.dms.centralized.primary";
    /** How long a requester waits for an answer before resending (doubles up to 16 times this). */
    public static final String RETRY_INTERVAL_PROP_NAME = "respool.dms.retry.interval.ns";
    /** Default retry interval. */
    public static final long RETRY_INTERVAL_DEFAULT_NS = TimeUnit.MILLISECONDS.toNanos(20);
    /** How long a master waits for a claim or acks before driving a conversion again. */
    public static final String REDRIVE_INTERVAL_PROP_NAME = "respool.dms.redrive.interval.ns";
    /** Default re-drive interval. */
    public static final long REDRIVE_INTERVAL_DEFAULT_NS = TimeUnit.MILLISECONDS.toNanos(50);
    /**
     * How long the reformer waits for a member that says nothing in a reform step, in ns: neither an
     * acknowledgement nor a word that it is still at the step (a member answers every resent step, busy or done,
     * so a long step, the database's recovery for one, is no silence). After it the reform fails (REFORM_FAILED,
     * naming the step and the silent nodes) and waits for a newer view, which the cluster manager must publish.
     * Not for a node's first reform, which forms the cluster: its members may start one after another.
     */
    public static final String REFORM_STEP_TIMEOUT_PROP_NAME = "respool.dms.reform.step.timeout.ns";
    /** Default reform step timeout: far beyond any scheduling stall of a live node, well before anyone gives up. */
    public static final long REFORM_STEP_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(10);
    /**
     * Under the fixed membership, how long a starting node waits for a peer whose address nobody listens at before
     * it serves without it, in ns. Until every peer has admitted it (or is found not running), a node serves
     * nothing, not even the pages it masters: a peer that knew an older incarnation of it refuses it instead.
     */
    public static final String START_GRACE_PROP_NAME = "respool.dms.start.grace.ns";
    /** Default start grace: Aeron connects to a running peer within milliseconds. */
    public static final long START_GRACE_DEFAULT_NS = TimeUnit.MILLISECONDS.toNanos(500);
    /**
     * How long a thread waiting for a page or a global lock runs the node's duty cycle itself before it blocks, in
     * ns (0: block at once and let the agent thread do the work).
     */
    public static final String WAIT_DRIVE_PROP_NAME = "respool.dms.wait.drive.ns";
    /** Default: measured on 2 cores, see bench/RESULTS.md. */
    public static final long WAIT_DRIVE_DEFAULT_NS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Fraction of received messages to drop on purpose (testing only). */
    public static final String LOSS_RATE_PROP_NAME = "respool.dms.loss.rate";
    /** Seed of the loss injector. */
    public static final String LOSS_SEED_PROP_NAME = "respool.dms.loss.seed";
    /**
     * Use the media driver running in this Aeron directory instead of embedding one in each node, so that nodes on
     * one host can share a driver. Start it first, for example {@code java --add-exports
     * java.base/jdk.internal.misc=ALL-UNNAMED -Daeron.dir=/dev/shm/aeron-dms -Daeron.threading.mode=SHARED
     * -cp <aeron-all jar of the same Aeron version> io.aeron.driver.MediaDriver}. The node neither stops the driver
     * nor touches its directory. Without a live driver there, start-up fails after {@link #DRIVER_TIMEOUT_PROP_NAME}.
     * Close waits until the driver has let go of the node's port (about 1.4 s with Aeron's defaults), so the node can
     * start again at once; one that dies without closing holds its port until the driver times the client out
     * ({@code aeron.client.liveness.timeout}, 10 s by default); a restart meanwhile fails with a port conflict
     * that names the driver and the wait.
     */
    public static final String EXTERNAL_AERON_DIR_PROP_NAME = "respool.dms.external.aeron.dir";
    /**
     * How long the Aeron client waits for the media driver: at start-up for an external one to answer, and while
     * running before it deems a silent driver dead. At least 1 s: below that a driver on a busy host may look dead.
     */
    public static final String DRIVER_TIMEOUT_PROP_NAME = "respool.dms.driver.timeout.ms";
    /** Default driver timeout, Aeron's. */
    public static final long DRIVER_TIMEOUT_DEFAULT_MS = 10_000;
    /**
     * How the node reaches each peer: {@code auto} (the default) over Aeron IPC for a peer whose address is on this
     * host when the node runs on an external media driver ({@link #EXTERNAL_AERON_DIR_PROP_NAME}), which the nodes of
     * one host share, falling back to UDP while the peer's IPC stream is unconnected (it runs on another driver);
     * over UDP for every other peer and with an embedded driver. {@code udp}: UDP to every peer. {@code ipc}: IPC to
     * every peer on this host, without the fallback (needs the external driver). {@code dmscmd stat} shows which
     * peer uses which.
     */
    public static final String TRANSPORT_PROP_NAME = "respool.dms.transport";
    /** Default transport choice. */
    public static final String TRANSPORT_DEFAULT = "auto";
    /** Every transport choice {@link #TRANSPORT_PROP_NAME} accepts. */
    public static final List<String> TRANSPORTS = List.of("auto", "udp", "ipc");

    private String url = System.getProperty(URL_PROP_NAME);
    private int nodeId = Integer.getInteger(NODE_ID_PROP_NAME, -1);
    private File baseDirectory = System.getProperty(BASE_DIR_PROP_NAME) != null ?
        new File(System.getProperty(BASE_DIR_PROP_NAME)) : null;
    private int pageSize = Integer.getInteger(PAGE_SIZE_PROP_NAME, PAGE_SIZE_DEFAULT);
    private String idleStrategy = System.getProperty(IDLE_STRATEGY_PROP_NAME, IDLE_STRATEGY_DEFAULT);
    private int mtuLength = Integer.getInteger(MTU_PROP_NAME, MTU_DEFAULT);
    private int termLength = Integer.getInteger(TERM_LENGTH_PROP_NAME, TERM_LENGTH_DEFAULT);
    private int membershipVersion = Integer.getInteger(MEMBERSHIP_VERSION_PROP_NAME, 1);
    private int centralizedMaster = Integer.getInteger(CENTRALIZED_MASTER_PROP_NAME, -1);
    private MembershipSource membershipSource;
    private boolean centralizedOnPrimary = Boolean.getBoolean(CENTRALIZED_ON_PRIMARY_PROP_NAME);
    private ReformHandler reformHandler = ReformHandler.NONE;
    private LongSupplier incarnations;
    private long retryIntervalNs = Long.getLong(RETRY_INTERVAL_PROP_NAME, RETRY_INTERVAL_DEFAULT_NS);
    private long redriveIntervalNs = Long.getLong(REDRIVE_INTERVAL_PROP_NAME, REDRIVE_INTERVAL_DEFAULT_NS);
    private long waitDriveNs = Long.getLong(WAIT_DRIVE_PROP_NAME, WAIT_DRIVE_DEFAULT_NS);
    private long reformStepTimeoutNs = Long.getLong(REFORM_STEP_TIMEOUT_PROP_NAME, REFORM_STEP_TIMEOUT_DEFAULT_NS);
    private long startGraceNs = Long.getLong(START_GRACE_PROP_NAME, START_GRACE_DEFAULT_NS);
    private long tombstoneTtlNs = TimeUnit.SECONDS.toNanos(30);
    private long statsIntervalNs = TimeUnit.MILLISECONDS.toNanos(200);
    private double lossRate = Double.parseDouble(System.getProperty(LOSS_RATE_PROP_NAME, "0"));
    private long lossSeed = Long.getLong(LOSS_SEED_PROP_NAME, 0L);
    private String externalAeronDirectory = System.getProperty(EXTERNAL_AERON_DIR_PROP_NAME);
    private long driverTimeoutMs = Long.getLong(DRIVER_TIMEOUT_PROP_NAME, DRIVER_TIMEOUT_DEFAULT_MS);
    private String transport = System.getProperty(TRANSPORT_PROP_NAME, TRANSPORT_DEFAULT);
    private PageStore pageStore;
    private BroadcastHandler broadcastHandler = (from, buffer, offset, length) -> 0;
    private ErrorHandler errorHandler;

    private NodeList nodeList;
    private File nodeDirectory;
    private boolean concluded;

    /**
     * Validate every setting and derive the rest. Called by {@link Dms#launch}.
     *
     * @return this.
     * @throws DmsConfigException naming the bad field and its value.
     */
    public DmsContext conclude()
    {
        if (concluded)
        {
            return this;
        }
        if (url == null)
        {
            throw new DmsConfigException("url not set: set DmsContext.url(\"0:127.0.0.1:1613,1:127.0.0.1:1614\") " +
                "or -D" + URL_PROP_NAME);
        }
        nodeList = NodeList.parse(url);
        if (nodeList.node(nodeId) == null)
        {
            throw new DmsConfigException("nodeId not in dms_url: nodeId=" + nodeId + ", url=" + url);
        }
        if (pageSize < 512 || pageSize > 32768 || (pageSize & (pageSize - 1)) != 0)
        {
            throw new DmsConfigException("pageSize must be a power of two in 512..32768: pageSize=" + pageSize);
        }
        checkIdleStrategy(idleStrategy);
        if (mtuLength < 4096 || mtuLength > 65504 || (mtuLength & 31) != 0)
        {
            throw new DmsConfigException("mtuLength must be a multiple of 32 in 4096..65504: mtuLength=" + mtuLength);
        }
        if (termLength < 64 * 1024 || (termLength & (termLength - 1)) != 0 || termLength < 8 * mtuLength)
        {
            throw new DmsConfigException("termLength must be a power of two >= 64 KiB and >= 8 * mtuLength: " +
                "termLength=" + termLength + ", mtuLength=" + mtuLength);
        }
        if (centralizedMaster != -1 && nodeList.node(centralizedMaster) == null)
        {
            throw new DmsConfigException("centralizedMaster not in dms_url: centralizedMaster=" +
                centralizedMaster + ", url=" + url);
        }
        concludeMembership();
        if (retryIntervalNs < TimeUnit.MICROSECONDS.toNanos(100))
        {
            throw new DmsConfigException("retryIntervalNs must be >= 100 us: retryIntervalNs=" + retryIntervalNs);
        }
        if (redriveIntervalNs < TimeUnit.MICROSECONDS.toNanos(100))
        {
            throw new DmsConfigException("redriveIntervalNs must be >= 100 us: redriveIntervalNs=" +
                redriveIntervalNs);
        }
        if (waitDriveNs < 0 || waitDriveNs > TimeUnit.SECONDS.toNanos(1))
        {
            throw new DmsConfigException("waitDriveNs must be in 0..1 s: waitDriveNs=" + waitDriveNs);
        }
        if (startGraceNs < 0)
        {
            throw new DmsConfigException("startGraceNs must be >= 0: startGraceNs=" + startGraceNs);
        }
        if (reformStepTimeoutNs < 4 * retryIntervalNs)
        {
            throw new DmsConfigException("reformStepTimeoutNs must be >= 4 * retryIntervalNs (a member gets the " +
                "step resent a few times before it counts as silent): reformStepTimeoutNs=" + reformStepTimeoutNs +
                ", retryIntervalNs=" + retryIntervalNs);
        }
        if (lossRate < 0 || lossRate >= 1)
        {
            throw new DmsConfigException("lossRate must be in [0, 1): lossRate=" + lossRate);
        }
        if (driverTimeoutMs < 1000)
        {
            throw new DmsConfigException("driverTimeoutMs must be >= 1000: driverTimeoutMs=" + driverTimeoutMs);
        }
        if (pageStore == null)
        {
            throw new DmsConfigException("pageStore not set: the database must lend its buffers through a " +
                "PageStore (DmsContext.pageStore(...))");
        }
        if (baseDirectory == null)
        {
            baseDirectory = defaultBaseDirectory();
        }
        nodeDirectory = new File(baseDirectory, "node-" + nodeId);
        if (externalAeronDirectory != null)
        {
            checkExternalAeronDirectory();
        }
        if (!TRANSPORTS.contains(transport))
        {
            throw new DmsConfigException("unknown transport: transport=" + transport + ", known=" +
                String.join(",", TRANSPORTS));
        }
        if ("ipc".equals(transport) && externalAeronDirectory == null)
        {
            throw new DmsConfigException("transport=ipc needs the media driver the nodes of this host share: set " +
                "externalAeronDirectory (" + EXTERNAL_AERON_DIR_PROP_NAME + "), or use transport=auto or udp");
        }
        if (errorHandler == null)
        {
            errorHandler = (throwable) -> LoggerFactory.getLogger(DmsContext.class)
                .error("dms node error: nodeId={}", nodeId, throwable);
        }
        concluded = true;
        return this;
    }

    /**
     * Each node deletes its own directory under the base directory on start (if stale) and on close, and a driver may
     * delete its own on start, so the driver's directory and the base directory must not hold one another.
     */
    private void checkExternalAeronDirectory()
    {
        if (externalAeronDirectory.isBlank())
        {
            throw new DmsConfigException("externalAeronDirectory is blank: set it to the media driver's aeron.dir, " +
                "or leave " + EXTERNAL_AERON_DIR_PROP_NAME + " unset to embed a driver");
        }
        final Path external = Paths.get(externalAeronDirectory).toAbsolutePath().normalize();
        final Path base = baseDirectory.toPath().toAbsolutePath().normalize();
        if (external.startsWith(base) || base.startsWith(external))
        {
            throw new DmsConfigException("externalAeronDirectory and the nodes' base directory must not hold one " +
                "another: externalAeronDirectory=" + external + ", baseDirectory=" + base + "; give the driver a " +
                "directory of its own");
        }
    }

    private void concludeMembership()
    {
        if (membershipSource == null)
        {
            membershipSource = new FixedMembershipSource(
                MembershipView.allOf(membershipVersion, nodeList, centralizedMaster));
        }
        final MembershipView view = membershipSource.current();
        if (view == null || (view.members() & ~nodeList.idBitmap()) != 0)
        {
            throw new DmsConfigException("membership view must name only nodes of dms_url: view=" + view +
                ", url=" + url);
        }
        membershipVersion = view.version();
    }

    /**
     * @param name an idle strategy name.
     * @throws DmsConfigException if it is not one of {@link #IDLE_STRATEGIES}.
     */
    public static void checkIdleStrategy(final String name)
    {
        if (!IDLE_STRATEGIES.contains(name))
        {
            throw new DmsConfigException("unknown idleStrategy: idleStrategy=" + name +
                ", known=" + String.join(",", IDLE_STRATEGIES));
        }
    }

    /**
     * Where node directories go by default: {@code /dev/shm/respool-dms-<user>} if /dev/shm exists (Aeron's
     * choice too), else under java.io.tmpdir.
     *
     * @return the default base directory.
     */
    public static File defaultBaseDirectory()
    {
        final String name = "respool-dms-" + System.getProperty("user.name", "user");
        final File shm = new File("/dev/shm");
        return shm.isDirectory() ? new File(shm, name) : new File(System.getProperty("java.io.tmpdir"), name);
    }

    /**
     * @param url the cluster's node list, {@code id:host:port,...}.
     * @return this.
     */
    public DmsContext url(final String url)
    {
        this.url = url;
        return this;
    }

    /**
     * @return the node list url.
     */
    public String url()
    {
        return url;
    }

    /**
     * @param nodeId this node's id.
     * @return this.
     */
    public DmsContext nodeId(final int nodeId)
    {
        this.nodeId = nodeId;
        return this;
    }

    /**
     * @return this node's id.
     */
    public int nodeId()
    {
        return nodeId;
    }

    /**
     * @param dir directory under which the node directory {@code node-<id>} is made.
     * @return this.
     */
    public DmsContext baseDirectory(final File dir)
    {
        this.baseDirectory = dir;
        return this;
    }

    /**
     * @return the base directory.
     */
    public File baseDirectory()
    {
        return baseDirectory;
    }

    /**
     * @return {@code <base>/node-<id>}, set by {@link #conclude()}.
     */
    public File nodeDirectory()
    {
        return nodeDirectory;
    }

    /**
     * @param pageSize page size in bytes.
     * @return this.
     */
    public DmsContext pageSize(final int pageSize)
    {
        this.pageSize = pageSize;
        return this;
    }

    /**
     * @return page size.
     */
    public int pageSize()
    {
        return pageSize;
    }

    /**
     * @param idleStrategy yield, backoff, sleep (100 us sleeps), sleep-1ms or busy.
     * @return this.
     */
    public DmsContext idleStrategy(final String idleStrategy)
    {
        this.idleStrategy = idleStrategy;
        return this;
    }

    /**
     * @return idle strategy name.
     */
    public String idleStrategy()
    {
        return idleStrategy;
    }

    /**
     * @param mtuLength Aeron MTU.
     * @return this.
     */
    public DmsContext mtuLength(final int mtuLength)
    {
        this.mtuLength = mtuLength;
        return this;
    }

    /**
     * @return Aeron MTU.
     */
    public int mtuLength()
    {
        return mtuLength;
    }

    /**
     * @param termLength Aeron term length.
     * @return this.
     */
    public DmsContext termLength(final int termLength)
    {
        this.termLength = termLength;
        return this;
    }

    /**
     * @return Aeron term length.
     */
    public int termLength()
    {
        return termLength;
    }

    /**
     * @param version membership version stamped on every message.
     * @return this.
     */
    public DmsContext membershipVersion(final int version)
    {
        this.membershipVersion = version;
        return this;
    }

    /**
     * @return membership version; after {@link #conclude()}, the version of the source's current view.
     */
    public int membershipVersion()
    {
        return membershipVersion;
    }

    /**
     * @param source where membership views come from. Default: a {@link FixedMembershipSource} of every node in
     *               the url at {@link #membershipVersion(int)}, the lowest id reforming and the centralized master
     *               (else the lowest id) primary. A source given here overrides {@link #membershipVersion(int)}.
     * @return this.
     */
    public DmsContext membershipSource(final MembershipSource source)
    {
        this.membershipSource = source;
        return this;
    }

    /**
     * @return where membership views come from; set by {@link #conclude()} if not given.
     */
    public MembershipSource membershipSource()
    {
        return membershipSource;
    }

    /**
     * @param nodeId master every partition on this node (openGauss's centralized catalog), or -1 to spread.
     * @return this.
     */
    public DmsContext centralizedMaster(final int nodeId)
    {
        this.centralizedMaster = nodeId;
        return this;
    }

    /**
     * @return the centralized master or -1.
     */
    public int centralizedMaster()
    {
        return centralizedMaster;
    }

    /**
     * @param centralized whether a reform gives every partition to the new view's primary, as openGauss runs
     *                    (then a standby leaving moves no partition), rather than spreading them over the members
     *                    (keeping surviving masters' partitions in place). A centralized master implies it.
     * @return this.
     */
    public DmsContext centralizedOnPrimary(final boolean centralized)
    {
        this.centralizedOnPrimary = centralized;
        return this;
    }

    /**
     * @return whether a reform centralizes every partition on the primary.
     */
    public boolean centralizedOnPrimary()
    {
        return centralizedOnPrimary || centralizedMaster != -1;
    }

    /**
     * @param handler how the database takes part in reforms; default {@link ReformHandler#NONE}.
     * @return this.
     */
    public DmsContext reformHandler(final ReformHandler handler)
    {
        this.reformHandler = handler;
        return this;
    }

    /**
     * @return how the database takes part in reforms.
     */
    public ReformHandler reformHandler()
    {
        return reformHandler;
    }

    /**
     * Where this node's incarnation comes from, one call per start: by default the wall clock in microseconds at
     * start, so that a node restarted in another process is newer than its dead incarnation. A stepped-clock test
     * gives a counter instead, so that a seed replays the same run whatever ran before it in the JVM (serials are
     * drawn from the incarnation: {@code NodeServices.SERIALS_PER_MICROSECOND} per unit). Each value must exceed
     * every earlier one of this node id by more than its requests since then / 1000.
     *
     * @param supplier the incarnations, or null for the wall clock.
     * @return this.
     */
    public DmsContext incarnations(final LongSupplier supplier)
    {
        this.incarnations = supplier;
        return this;
    }

    /**
     * @return where incarnations come from, null for the wall clock.
     */
    public LongSupplier incarnations()
    {
        return incarnations;
    }

    /**
     * @param ns how long a thread waiting for a page or a global lock runs the node's duty cycle itself (a
     *           caller-runs wait, one such thread per node) before it blocks; 0 blocks at once and leaves the work
     *           to the agent thread. Driving saves the two thread hand-offs of a request, which on 2 cores cost
     *           about half a 2-way fetch; PageStore callbacks may then run on the waiting thread.
     * @return this.
     */
    public DmsContext waitDriveNs(final long ns)
    {
        this.waitDriveNs = ns;
        return this;
    }

    /**
     * @return how long a waiting thread drives the node before it blocks, in ns.
     */
    public long waitDriveNs()
    {
        return waitDriveNs;
    }

    /**
     * @param ns how long a requester waits before resending.
     * @return this.
     */
    public DmsContext retryIntervalNs(final long ns)
    {
        this.retryIntervalNs = ns;
        return this;
    }

    /**
     * @return retry interval.
     */
    public long retryIntervalNs()
    {
        return retryIntervalNs;
    }

    /**
     * @param ns how long a starting node under the fixed membership waits for a peer that is not running
     *           ({@link #START_GRACE_PROP_NAME}).
     * @return this.
     */
    public DmsContext startGraceNs(final long ns)
    {
        this.startGraceNs = ns;
        return this;
    }

    /**
     * @return the start grace.
     */
    public long startGraceNs()
    {
        return startGraceNs;
    }

    /**
     * @param ns how long the reformer waits for a silent member in a reform step before the reform fails
     *           ({@link #REFORM_STEP_TIMEOUT_PROP_NAME}).
     * @return this.
     */
    public DmsContext reformStepTimeoutNs(final long ns)
    {
        this.reformStepTimeoutNs = ns;
        return this;
    }

    /**
     * @return the reform step timeout.
     */
    public long reformStepTimeoutNs()
    {
        return reformStepTimeoutNs;
    }

    /**
     * @param ns how long a master waits for a claim or acks before driving a conversion again.
     * @return this.
     */
    public DmsContext redriveIntervalNs(final long ns)
    {
        this.redriveIntervalNs = ns;
        return this;
    }

    /**
     * @return re-drive interval.
     */
    public long redriveIntervalNs()
    {
        return redriveIntervalNs;
    }

    /**
     * @param ns how long finished request serials are remembered so late duplicates are ignored.
     * @return this.
     */
    public DmsContext tombstoneTtlNs(final long ns)
    {
        this.tombstoneTtlNs = ns;
        return this;
    }

    /**
     * @return tombstone time to live.
     */
    public long tombstoneTtlNs()
    {
        return tombstoneTtlNs;
    }

    /**
     * @param ns how often latency summaries are written to the stats file.
     * @return this.
     */
    public DmsContext statsIntervalNs(final long ns)
    {
        this.statsIntervalNs = ns;
        return this;
    }

    /**
     * @return stats interval.
     */
    public long statsIntervalNs()
    {
        return statsIntervalNs;
    }

    /**
     * @param rate fraction of received remote messages to drop on purpose (testing).
     * @return this.
     */
    public DmsContext lossRate(final double rate)
    {
        this.lossRate = rate;
        return this;
    }

    /**
     * @return loss rate.
     */
    public double lossRate()
    {
        return lossRate;
    }

    /**
     * @param seed seed of the loss injector.
     * @return this.
     */
    public DmsContext lossSeed(final long seed)
    {
        this.lossSeed = seed;
        return this;
    }

    /**
     * @return loss seed.
     */
    public long lossSeed()
    {
        return lossSeed;
    }

    /**
     * @param dir Aeron directory of an external media driver, or null for an embedded one; see
     *            {@link #EXTERNAL_AERON_DIR_PROP_NAME}.
     * @return this.
     */
    public DmsContext externalAeronDirectory(final String dir)
    {
        this.externalAeronDirectory = dir;
        return this;
    }

    /**
     * @return external Aeron directory or null.
     */
    public String externalAeronDirectory()
    {
        return externalAeronDirectory;
    }

    /**
     * @param transport {@code auto}, {@code udp} or {@code ipc}; see {@link #TRANSPORT_PROP_NAME}.
     * @return this.
     */
    public DmsContext transport(final String transport)
    {
        this.transport = transport;
        return this;
    }

    /**
     * @return the transport choice.
     */
    public String transport()
    {
        return transport;
    }

    /**
     * @param ms how long the Aeron client waits for the media driver; see {@link #DRIVER_TIMEOUT_PROP_NAME}.
     * @return this.
     */
    public DmsContext driverTimeoutMs(final long ms)
    {
        this.driverTimeoutMs = ms;
        return this;
    }

    /**
     * @return driver timeout.
     */
    public long driverTimeoutMs()
    {
        return driverTimeoutMs;
    }

    /**
     * @param store the database's buffers, disk and WAL.
     * @return this.
     */
    public DmsContext pageStore(final PageStore store)
    {
        this.pageStore = store;
        return this;
    }

    /**
     * @return the page store.
     */
    public PageStore pageStore()
    {
        return pageStore;
    }

    /**
     * @param handler receiver of broadcasts.
     * @return this.
     */
    public DmsContext broadcastHandler(final BroadcastHandler handler)
    {
        this.broadcastHandler = handler;
        return this;
    }

    /**
     * @return broadcast handler.
     */
    public BroadcastHandler broadcastHandler()
    {
        return broadcastHandler;
    }

    /**
     * @param handler where agent errors go (they are also counted).
     * @return this.
     */
    public DmsContext errorHandler(final ErrorHandler handler)
    {
        this.errorHandler = handler;
        return this;
    }

    /**
     * @return error handler.
     */
    public ErrorHandler errorHandler()
    {
        return errorHandler;
    }

    /**
     * @return the parsed node list, set by {@link #conclude()}.
     */
    public NodeList nodeList()
    {
        return nodeList;
    }

    /**
     * @return this node's address, set by {@link #conclude()}.
     */
    public NodeAddress self()
    {
        return nodeList.node(nodeId);
    }
}
