package io.respool.cluster.arbiter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The UDP lane between two arbiters on 127.0.0.1 (free ports), driven with a stepped clock: each hears the other
 * at the time of the duty cycle that read the datagram; a closed peer goes unheard; a stray datagram is ignored.
 */
@Timeout(30)
class UdpLivenessTest
{
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void shouldHearEachOtherOnTheArbitersClockAndNothingOnceAPeerStops() throws Exception
    {
        final List<InetSocketAddress> endpoints = List.of(freeEndpoint(), freeEndpoint());
        try (UdpLiveness lane0 = new UdpLiveness(0, 7, endpoints, 100 * MS, 0);
            UdpLiveness lane1 = new UdpLiveness(1, 8, endpoints, 100 * MS, 0))
        {
            assertEquals(NetworkLiveness.NEVER, lane0.lastHeardNs(1));
            lane0.doWork(0);
            awaitHeard(lane1, 0, 5 * MS);
            awaitHeard(lane0, 1, 10 * MS);

            try (DatagramChannel stray = DatagramChannel.open())
            {
                final ByteBuffer wrongMagic = ByteBuffer.allocate(UdpLiveness.LENGTH);
                wrongMagic.putLong(0, 1).putInt(8, 1);
                stray.send(wrongMagic, endpoints.get(0));
                stray.send(ByteBuffer.allocate(3), endpoints.get(0));
            }
            lane1.close();
            for (long t = 100; t <= 1000; t += 100)
            {
                lane0.doWork(t * MS);
            }
            assertEquals(10 * MS, lane0.lastHeardNs(1), "nothing heard from a stopped peer or a stray datagram");
        }
    }

    private static void awaitHeard(final UdpLiveness lane, final int peer, final long nowNs)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (lane.lastHeardNs(peer) != nowNs && System.nanoTime() - deadline < 0)
        {
            lane.doWork(nowNs);
            LockSupport.parkNanos(MS);
        }
        assertEquals(nowNs, lane.lastHeardNs(peer));
    }

    static InetSocketAddress freeEndpoint() throws Exception
    {
        try (DatagramChannel probe = DatagramChannel.open())
        {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return (InetSocketAddress)probe.getLocalAddress();
        }
    }
}
