package io.respool.dms;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PeerIncarnationsTest
{
    private final PeerIncarnations peers = new PeerIncarnations(0);

    @Test
    void shouldAdmitTheFirstIncarnationSeenAndDropOlderOnesAfterARestart()
    {
        assertEquals(PeerIncarnations.CURRENT, peers.admit(2, 100));
        assertEquals(PeerIncarnations.CURRENT, peers.admit(2, 100));
        assertEquals(PeerIncarnations.DEAD, peers.admit(2, 99));
        assertEquals(100, peers.newest(2));

        assertEquals(PeerIncarnations.RESTARTED, peers.admit(2, 200));
        assertEquals(PeerIncarnations.DEAD, peers.admit(2, 100), "the incarnation before the restart is dead");
        assertEquals(PeerIncarnations.CURRENT, peers.admit(2, 200));
        assertEquals(0, peers.newest(1), "each peer on its own");
    }

    @Test
    void shouldGiveEveryStartAHigherIncarnation()
    {
        final long first = Incarnation.next();
        final long second = Incarnation.next();
        assertTrue(second > first, () -> first + " then " + second);
        final long wallUs = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
        assertTrue(Math.abs(second - wallUs) < TimeUnit.SECONDS.toMicros(10), "wall-clock microseconds");
    }
}
