package io.respool.dms;

import io.respool.dms.api.DmsContext;
import io.respool.dms.api.InMemoryDisk;
import io.respool.dms.api.InMemoryPageStore;
import io.respool.dms.api.LockMode;
import io.respool.dms.stat.StatsFileDescriptor;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

import static io.respool.dms.MessageDescriptor.NO_NODE;

/**
 * N real nodes ({@link NodeParts}: agent, master, requester and owner sides) in one thread with no Aeron: a manual
 * clock, and a network that holds every message between nodes until the test delivers, drops, duplicates or
 * reorders it. Messages a node sends itself go through a local queue that its next duty cycle drains, as over
 * Aeron. Application threads are played by the test through {@link PageClient#tryLatch}.
 */
final class ManualClockCluster implements AutoCloseable
{
    static final int PAGE_SIZE = 8192;
    static final long STEP_NS = TimeUnit.MICROSECONDS.toNanos(50);
    static final long RETRY_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(1);
    static final long REDRIVE_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(2);

    /** A message on the network. */
    static final class Packet
    {
        final int from;
        final int to;
        final MessageType type;
        final byte[] bytes;
        final MessageFlyweight view = new MessageFlyweight();

        Packet(final int from, final int to, final DirectBuffer buffer, final int offset, final int length)
        {
            this.from = from;
            this.to = to;
            this.bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            view.wrapForRead(new UnsafeBuffer(bytes), 0);
            this.type = MessageType.get(view.typeCode());
        }

        @Override
        public String toString()
        {
            return view.toString();
        }
    }

    /** One node and its end of the network. */
    final class Node implements Transport
    {
        final int id;
        final InMemoryPageStore store;
        final NodeStats stats;
        final NodeParts parts;
        private final ArrayDeque<byte[]> selfQueue = new ArrayDeque<>();
        private MessageSink sink;
        /** The next disk read of this node's store throws, as a failed read or an interrupted reader's would. */
        boolean failNextRead;

        Node(final int id, final String url, final File base, final UnaryOperator<DmsContext> settings)
        {
            this.id = id;
            this.store = new InMemoryPageStore(id, PAGE_SIZE, disk)
            {
                @Override
                public void readFromDisk(final long pageId, final MutableDirectBuffer buffer)
                {
                    if (failNextRead)
                    {
                        failNextRead = false;
                        throw new IllegalStateException("disk read failed (injected): pageId=" + pageId);
                    }
                    super.readFromDisk(pageId, buffer);
                }
            };
            final DmsContext ctx = settings.apply(new DmsContext().url(url).nodeId(id).baseDirectory(base)
                .incarnations(incarnations).pageStore(store).pageSize(PAGE_SIZE).retryIntervalNs(RETRY_INTERVAL_NS)
                .redriveIntervalNs(REDRIVE_INTERVAL_NS)).conclude();
            final File dir = new File(base, "node-" + id);
            if (!dir.mkdirs())
            {
                throw new IllegalStateException("cannot create " + dir);
            }
            this.stats = new NodeStats(new File(dir, StatsFileDescriptor.FILE_NAME), id, 1);
            this.parts = new NodeParts(ctx, stats, this, clock);
        }

        @Override
        public void sink(final MessageSink sink)
        {
            this.sink = sink;
        }

        @Override
        public int invoke()
        {
            return 0;
        }

        @Override
        public int poll()
        {
            int work = 0;
            for (int i = selfQueue.size(); i > 0; i--)
            {
                final byte[] bytes = selfQueue.poll();
                sink.onMessage(new UnsafeBuffer(bytes), 0, bytes.length, true);
                traceDelivery(this, bytes, "self");
                work++;
            }
            return work;
        }

        @Override
        public boolean send(
            final int destination, final Lane lane, final DirectBuffer buffer, final int offset, final int length)
        {
            if (destination == id)
            {
                final byte[] bytes = new byte[length];
                buffer.getBytes(offset, bytes);
                selfQueue.add(bytes);
            }
            else
            {
                network.add(new Packet(id, destination, buffer, offset, length));
            }
            return true;
        }

        @Override
        public boolean isConnected(final int node)
        {
            return !dead[node];
        }

        LocalPage page(final long pageId)
        {
            return parts.pages.get(pageId);
        }

        LockMode mode(final long pageId)
        {
            final LocalPage lp = parts.pages.get(pageId);
            return lp == null ? LockMode.NULL : lp.mode;
        }

        /**
         * As an application thread would, without waiting: latch the page if possible, loading it from disk if so
         * told; otherwise a request is sent (or already out).
         *
         * @return true if latched (the caller must {@link #unlatch}).
         */
        boolean tryLatch(final long pageId, final LockMode mode)
        {
            return tryLatch(pageId, mode, false);
        }

        /** {@link #tryLatch(long, LockMode)}, as the database's recovery if {@code recovery}. */
        boolean tryLatch(final long pageId, final LockMode mode, final boolean recovery)
        {
            final LocalPage lp = parts.pages.computeIfAbsent(pageId, LocalPage::new);
            final int outcome;
            synchronized (lp)
            {
                outcome = parts.pageClient.tryLatch(lp, mode, recovery);
            }
            if (pageId == TRACE_PAGE && outcome != PageClient.MUST_WAIT)
            {
                trace("node" + id + " tryLatch " + mode + (recovery ? " recovery" : "") + " -> " + outcome + " => " +
                    lp);
            }
            if (outcome == PageClient.LATCHED_MUST_LOAD)
            {
                parts.pageClient.load(lp);
            }
            return outcome == PageClient.LATCHED || outcome == PageClient.LATCHED_MUST_LOAD;
        }

        void unlatch(final long pageId)
        {
            parts.pageClient.unlatch(pageId);
        }

        /**
         * As an application thread whose {@code acquirePage} ran out of time: give up waiting for the page.
         *
         * @return the timeout's message.
         */
        String timeOut(final long pageId, final LockMode mode)
        {
            final LocalPage lp = parts.pages.get(pageId);
            synchronized (lp)
            {
                return parts.pageClient.onAcquireTimeout(lp, mode).getMessage();
            }
        }
    }

    /** {@code -Ddms.clusterTrace=PAGEID}: keep the story of that page (messages, reform steps) in {@link #trace}. */
    static final long TRACE_PAGE = Long.getLong("dms.clusterTrace", Long.MIN_VALUE);
    private static final int TRACE_LIMIT = 20_000;
    private static final long TRACE_START_NS = TimeUnit.SECONDS.toNanos(1);
    /** The traced page's events, oldest first (empty unless {@link #TRACE_PAGE} is set). */
    final ArrayList<String> trace = new ArrayList<>();
    final CachedNanoClock clock = new CachedNanoClock();
    final InMemoryDisk disk = new InMemoryDisk(PAGE_SIZE);
    final List<Packet> network = new ArrayList<>();
    final Node[] nodes;
    /** Nodes killed: they run no duty cycle, and what is sent to them is lost. */
    final boolean[] dead;
    private final File base;
    private final String url;
    private final UnaryOperator<DmsContext> settings;
    /**
     * Incarnations counted, not read off the wall clock, so that a seed replays the same run (serials and the order of
     * what is keyed by them follow the incarnation); a simulated second apart, so serials never overlap.
     */
    private long lastIncarnation = 1L << 40;
    private long delivered;
    private long deliveredHash;
    private final LongSupplier incarnations = () -> lastIncarnation += 1_000_000;

    ManualClockCluster(final int count, final File base)
    {
        this(count, base, UnaryOperator.identity());
    }

    /**
     * @param settings changes every node's settings before they are concluded.
     */
    ManualClockCluster(final int count, final File base, final UnaryOperator<DmsContext> settings)
    {
        this.base = base;
        this.settings = settings;
        final StringBuilder url = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            url.append(i == 0 ? "" : ",").append(i).append(":127.0.0.1:").append(41000 + i);
        }
        this.url = url.toString();
        clock.update(TimeUnit.SECONDS.toNanos(1));
        nodes = new Node[count];
        dead = new boolean[count];
        for (int i = 0; i < count; i++)
        {
            nodes[i] = new Node(i, this.url, base, settings);
        }
        // under the fixed view every node serves once its peers admitted it (StartHandshake): let them (and only
        // that: a first reform is the test's to run)
        cycle();
        for (List<Packet> hellos = handshakes(); !hellos.isEmpty(); hellos = handshakes())
        {
            hellos.forEach(this::deliver);
        }
    }

    private List<Packet> handshakes()
    {
        final List<Packet> list = inFlight(MessageType.HELLO);
        list.addAll(inFlight(MessageType.HELLO_ACK));
        return list;
    }

    /**
     * As {@code kill -9} and a start on the same ports: the node comes back empty, with a new incarnation, while
     * its peers keep what they knew of it and the messages its dead incarnation sent stay in flight.
     *
     * @return the new node.
     */
    Node restart(final int id)
    {
        CloseHelper.quietClose(nodes[id].stats);
        nodes[id] = new Node(id, url, new File(base, "restart-" + id + "-" + nowNs()), settings);
        dead[id] = false;
        trace("restart node" + id);
        return nodes[id];
    }

    /**
     * As {@code kill -9}: the node runs no more duty cycles, and every message to it, in flight or later, is lost.
     * Messages it sent before stay in flight.
     */
    void kill(final int id)
    {
        dead[id] = true;
        network.removeIf((p) -> p.to == id);
        trace("kill node" + id);
    }

    /** @return a live node, for what every live node agrees on. */
    Node live()
    {
        for (final Node node : nodes)
        {
            if (!dead[node.id])
            {
                return node;
            }
        }
        throw new IllegalStateException("every node is dead");
    }

    PartitionMap partitionMap()
    {
        return live().parts.services.partitionMap();
    }

    Node node(final int id)
    {
        return nodes[id];
    }

    long nowNs()
    {
        return clock.nanoTime();
    }

    /** @return the first page at or after {@code from} mastered by {@code master}. */
    long pageMasteredBy(final int master, final long from)
    {
        long page = from;
        while (partitionMap().masterOf(page) != master)
        {
            page++;
        }
        return page;
    }

    DrcPage entry(final long pageId)
    {
        return nodes[partitionMap().masterOf(pageId)].parts.drc.entry(pageId);
    }

    /**
     * Run one duty cycle of every node at the current time (commands, self messages, deferred revokes, timers).
     */
    void cycle()
    {
        boolean more = true;
        for (int round = 0; more && round < 16; round++)
        {
            int work = 0;
            for (final Node node : nodes)
            {
                if (!dead[node.id])
                {
                    work += node.parts.agent.doWork();
                }
            }
            more = work > 0;
        }
    }

    /** Move the clock on by {@code ns} and run a duty cycle. */
    void advance(final long ns)
    {
        clock.advance(ns);
        cycle();
    }

    /** Messages in flight of a type. */
    List<Packet> inFlight(final MessageType type)
    {
        final List<Packet> list = new ArrayList<>();
        for (final Packet p : network)
        {
            if (p.type == type)
            {
                list.add(p);
            }
        }
        return list;
    }

    /** Take a message off the network and hand it to its destination, then run a duty cycle. */
    void deliver(final Packet packet)
    {
        if (!network.remove(packet))
        {
            throw new IllegalStateException("not in flight: " + packet);
        }
        deliverCopy(packet);
    }

    /**
     * @return how many messages were handed to their destinations so far, and a hash of each one's type, sender,
     * destination and serial, in order: equal for two runs only if they took the same course.
     */
    String delivered()
    {
        return delivered + " (hash " + Long.toHexString(deliveredHash) + ")";
    }

    /** Hand a copy of a message to its destination (a duplicate or a late one), then run a duty cycle. */
    void deliverCopy(final Packet packet)
    {
        delivered++;
        deliveredHash = 31 * deliveredHash + java.util.Objects.hash(packet.type, packet.from, packet.to,
            packet.view.serial());
        if (dead[packet.to])
        {
            cycle();
            return;
        }
        nodes[packet.to].sink.onMessage(new UnsafeBuffer(packet.bytes.clone()), 0, packet.bytes.length, false);
        traceDelivery(nodes[packet.to], packet.bytes, "net");
        cycle();
    }

    /** Take a message off the network without delivering it. */
    void drop(final Packet packet)
    {
        if (!network.remove(packet))
        {
            throw new IllegalStateException("not in flight: " + packet);
        }
        if (traced(packet.view))
        {
            trace("dropped " + packet.view);
        }
    }

    /** Whether {@code -Ddms.clusterTrace=PAGEID} asks for this message in the {@link #trace}. */
    private static boolean traced(final MessageFlyweight msg)
    {
        return TRACE_PAGE != Long.MIN_VALUE && (msg.resourceId() == TRACE_PAGE ||
            MessageType.get(msg.typeCode()) == MessageType.REFORM_STEP ||
            MessageType.get(msg.typeCode()) == MessageType.REFORM_ACK ||
            MessageType.get(msg.typeCode()) == MessageType.REBUILD);
    }

    private void traceDelivery(final Node node, final byte[] bytes, final String how)
    {
        final MessageFlyweight msg = new MessageFlyweight();
        msg.wrapForRead(new UnsafeBuffer(bytes), 0);
        if (!traced(msg))
        {
            return;
        }
        final MessageType type = MessageType.get(msg.typeCode());
        final String what = type == MessageType.REFORM_STEP ?
            "REFORM_STEP " + ReformStep.get((int)msg.serial()) + " mv=" + msg.membershipVersion() + " src=" +
            msg.sourceNode() + " members=0x" + Long.toHexString(msg.resourceId()) + " restarted=0x" +
            Long.toHexString(msg.seq()) :
            type == MessageType.REFORM_ACK ? "REFORM_ACK " + ReformStep.get((int)msg.serial()) + " mv=" +
            msg.membershipVersion() + " src=" + msg.sourceNode() + " served=" + msg.lsn() + " status=" + msg.status() +
            " incarnation=" + msg.sourceIncarnation() :
            type == MessageType.REBUILD ? "REBUILD mv=" + msg.membershipVersion() + " src=" + msg.sourceNode() +
            " " + rebuildEntries(msg) : msg.toString();
        if (type == MessageType.REBUILD && !what.contains("page=" + TRACE_PAGE))
        {
            return;
        }
        trace(how + " -> node" + node.id + " (epoch " + node.parts.services.epoch() + ", step " +
            node.parts.reform.step() + "): " + what + " => " + node.page(TRACE_PAGE) + " drc=" + entry(TRACE_PAGE));
    }

    private static String rebuildEntries(final MessageFlyweight msg)
    {
        final StringBuilder sb = new StringBuilder();
        final int count = (int)msg.resourceId();
        for (int i = 0; i < count; i++)
        {
            final int at = msg.payloadOffset() + i * DrcRebuild.ENTRY_LENGTH;
            final long id = msg.buffer().getLong(at, java.nio.ByteOrder.LITTLE_ENDIAN);
            if (id == TRACE_PAGE)
            {
                sb.append("[page=").append(id).append(" lsn=")
                    .append(msg.buffer().getLong(at + 8, java.nio.ByteOrder.LITTLE_ENDIAN))
                    .append(" kind=").append(msg.buffer().getByte(at + 16)).append(" mode=")
                    .append(LockMode.get(msg.buffer().getByte(at + 17))).append(" flags=")
                    .append(msg.buffer().getByte(at + 18)).append(']');
            }
        }
        return sb.toString();
    }

    /** With {@code -Ddms.clusterTrace=PAGEID}: the page's story to {@code target/cluster-trace-NAME.txt}. */
    void dumpTrace(final String name)
    {
        if (TRACE_PAGE == Long.MIN_VALUE)
        {
            return;
        }
        final java.nio.file.Path file = java.nio.file.Path.of("target", "cluster-trace-" + name + ".txt");
        try
        {
            java.nio.file.Files.write(file, trace);
            System.out.println("trace of page " + TRACE_PAGE + ": " + file.toAbsolutePath());
        }
        catch (final java.io.IOException ex)
        {
            System.out.println("cannot write the trace to " + file.toAbsolutePath() + ": " + ex);
        }
    }

    /** Add an event to the {@link #trace}, if one is asked for; the oldest go once it is long. */
    void trace(final String event)
    {
        if (TRACE_PAGE == Long.MIN_VALUE)
        {
            return;
        }
        if (trace.size() > TRACE_LIMIT)
        {
            trace.remove(0);
        }
        trace.add("t=" + (nowNs() - TRACE_START_NS) / 1000 + "us " + event);
    }

    /** Deliver everything in order, including what deliveries send, until the network is empty. */
    void deliverAll()
    {
        for (int i = 0; !network.isEmpty(); i++)
        {
            if (i > 100_000)
            {
                throw new IllegalStateException("network never drains: " + network);
            }
            deliver(network.get(0));
        }
    }

    /**
     * The safety rule of cache fusion, checked on every node's real state: at most one node holds the page in X,
     * and then no other node holds it at all.
     */
    void assertOneWriter(final long pageId)
    {
        int writers = 0;
        int holders = 0;
        for (final Node node : liveNodes())
        {
            final LockMode mode = node.mode(pageId);
            writers += mode == LockMode.X ? 1 : 0;
            holders += mode != LockMode.NULL ? 1 : 0;
        }
        if (writers > 1 || (writers == 1 && holders > 1))
        {
            throw new AssertionError("two writers or a writer beside readers: pageId=" + pageId + ", " +
                describe(pageId));
        }
    }

    /**
     * When nothing is in flight: the master's entry names an owner that holds the page, and exactly the owner and
     * the shared copies it lists hold it.
     */
    void assertDirectoryMatchesNodes(final long pageId)
    {
        final DrcPage entry = entry(pageId);
        long holders = 0;
        for (final Node node : liveNodes())
        {
            if (node.mode(pageId) != LockMode.NULL)
            {
                holders |= 1L << node.id;
            }
        }
        if (holders == 0 && (entry == null || entry.owner == NO_NODE))
        {
            return;
        }
        if (entry == null || entry.owner == NO_NODE || entry.converting != null ||
            holders != ((1L << entry.owner) | entry.copies) || nodes[entry.owner].mode(pageId) != entry.mode)
        {
            throw new AssertionError("directory and nodes disagree: pageId=" + pageId + ", holders=0x" +
                Long.toHexString(holders) + ", " + describe(pageId));
        }
    }

    /** @return the nodes not killed. */
    List<Node> liveNodes()
    {
        final List<Node> live = new ArrayList<>();
        for (final Node node : nodes)
        {
            if (!dead[node.id])
            {
                live.add(node);
            }
        }
        return live;
    }

    String describe(final long pageId)
    {
        final StringBuilder sb = new StringBuilder("drc=").append(entry(pageId));
        for (final Node node : nodes)
        {
            sb.append(", node").append(node.id).append('=').append(node.page(pageId));
        }
        return sb.append(", inFlight=").append(network).toString();
    }

    @Override
    public void close()
    {
        for (final Node node : nodes)
        {
            if (node != null)
            {
                CloseHelper.quietClose(node.stats);
            }
        }
        TestCluster.deleteQuietly(base);
    }
}
