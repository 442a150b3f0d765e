package io.respool.cluster.arbiter;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The network lane of failure detection: a UDP heartbeat from this node's arbiter to every peer's every interval,
 * and the time each peer was last heard, on the arbiter's clock. Driven by the arbiter's duty cycle ({@link
 * #doWork}: send when due, then read every datagram waiting, non-blocking); nothing but the arbiter's thread
 * touches the channel. Only a suspicion: the arbiter confirms it on the disk (cluster/DESIGN.md). Datagram, 32
 * bytes little-endian: 0 magic "RSPCMNET" (8), 8 node id (4), 12 reserved (4), 16 incarnation (8), 24 counter (8);
 * anything else is ignored.
 */
public final class UdpLiveness implements NetworkLiveness, AutoCloseable
{
    /** "RSPCMNET" read as a little-endian long. */
    public static final long MAGIC = 0x54454E4D43505352L;
    static final int LENGTH = 32;

    private final int me;
    private final long incarnation;
    private final long intervalNs;
    private final List<InetSocketAddress> endpoints;
    private final DatagramChannel channel;
    private final ByteBuffer sendBuffer = ByteBuffer.allocateDirect(LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer receiveBuffer = ByteBuffer.allocateDirect(LENGTH + 1).order(ByteOrder.LITTLE_ENDIAN);
    private final UnsafeBuffer received = new UnsafeBuffer(receiveBuffer);
    private final AtomicLongArray heardNs;
    private long counter;
    private long nextSendNs;
    private long sendErrors;

    /**
     * @param endpoints  every node's UDP endpoint, indexed by node id (loopback or the cluster's own network).
     * @param intervalNs how often to send; the arbiter's heartbeat interval.
     */
    public UdpLiveness(final int nodeId, final long incarnation, final List<InetSocketAddress> endpoints,
        final long intervalNs, final long nowNs)
    {
        this.me = nodeId;
        this.incarnation = incarnation;
        this.endpoints = List.copyOf(endpoints);
        this.intervalNs = intervalNs;
        this.nextSendNs = nowNs;
        this.heardNs = new AtomicLongArray(endpoints.size());
        for (int node = 0; node < endpoints.size(); node++)
        {
            heardNs.set(node, NEVER);
        }
        try
        {
            channel = DatagramChannel.open(StandardProtocolFamily.INET);
            channel.configureBlocking(false);
            channel.bind(endpoints.get(nodeId));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot bind the arbiter's UDP heartbeat: node=" + nodeId +
                ", endpoint=" + endpoints.get(nodeId), ex);
        }
    }

    @Override
    public long lastHeardNs(final int nodeId)
    {
        return heardNs.get(nodeId);
    }

    @Override
    public int doWork(final long nowNs)
    {
        int work = 0;
        if (nowNs - nextSendNs >= 0)
        {
            nextSendNs = nowNs + intervalNs;
            send();
            work++;
        }
        work += receive(nowNs);
        return work;
    }

    /**
     * @return datagrams that could not be sent (a peer's host unreachable; the peer then just goes unheard).
     */
    public long sendErrors()
    {
        return sendErrors;
    }

    @Override
    public void close()
    {
        try
        {
            channel.close();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private void send()
    {
        counter++;
        for (int node = 0; node < endpoints.size(); node++)
        {
            if (node == me)
            {
                continue;
            }
            sendBuffer.clear();
            sendBuffer.putLong(0, MAGIC).putInt(8, me).putInt(12, 0).putLong(16, incarnation).putLong(24, counter);
            try
            {
                channel.send(sendBuffer, endpoints.get(node));
            }
            catch (final IOException ex)
            {
                sendErrors++;
            }
        }
    }

    private int receive(final long nowNs)
    {
        int work = 0;
        while (true)
        {
            receiveBuffer.clear();
            final SocketAddress from;
            try
            {
                from = channel.receive(receiveBuffer);
            }
            catch (final IOException ex)
            {
                return work;
            }
            if (from == null)
            {
                return work;
            }
            work++;
            if (receiveBuffer.position() != LENGTH || received.getLong(0, ByteOrder.LITTLE_ENDIAN) != MAGIC)
            {
                continue;
            }
            final int node = received.getInt(8, ByteOrder.LITTLE_ENDIAN);
            if (node >= 0 && node < endpoints.size() && node != me)
            {
                heardNs.set(node, nowNs);
            }
        }
    }
}
