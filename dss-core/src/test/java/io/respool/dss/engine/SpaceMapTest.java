package io.respool.dss.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpaceMapTest
{
    private final long[] run = new long[1];

    @Test
    void shouldStartAllFree()
    {
        final SpaceMap map = new SpaceMap(3, 100);

        assertEquals(3, map.volumeId());
        assertEquals(100, map.auCount());
        assertEquals(100, map.freeCount());
        assertEquals(0, map.usedCount());
        assertFalse(map.isUsed(0));
        assertFalse(map.isUsed(99));
    }

    @Test
    void shouldCountEachAuOnceWhenMarkedTwice()
    {
        final SpaceMap map = new SpaceMap(0, 100);

        map.markUsed(10, 5);
        map.markUsed(12, 5);
        assertEquals(7, map.usedCount());
        assertEquals(93, map.freeCount());
        assertTrue(map.isUsed(10));
        assertTrue(map.isUsed(16));
        assertFalse(map.isUsed(17));

        map.markFree(14, 10);
        map.markFree(14, 10);
        assertEquals(4, map.usedCount());
        assertFalse(map.isUsed(14));
        assertTrue(map.isUsed(13));
        map.markUsed(0, 0);
        assertEquals(4, map.usedCount(), "an empty range changes nothing");
    }

    @Test
    void shouldRefuseRangesOutsideTheVolume()
    {
        final SpaceMap map = new SpaceMap(7, 100);

        map.markUsed(99, 1);
        map.markUsed(0, 100);
        final IllegalStateException past = assertThrows(IllegalStateException.class, () -> map.markUsed(99, 2));
        assertEquals("AU range outside volume: volumeId=7, au=99, count=2, volumeAus=100", past.getMessage());
        assertThrows(IllegalStateException.class, () -> map.markUsed(-1, 1));
        assertThrows(IllegalStateException.class, () -> map.markFree(0, -1));
        assertThrows(IllegalStateException.class, () -> map.markFree(100, 1));
        assertEquals(100, map.usedCount());
    }

    @Test
    void shouldRefuseAVolumeBeyondTheBitSet()
    {
        final IllegalArgumentException tooLarge = assertThrows(IllegalArgumentException.class,
            () -> new SpaceMap(2, Integer.MAX_VALUE + 1L));
        assertEquals("volume too large: volumeId=2, aus=" + (Integer.MAX_VALUE + 1L), tooLarge.getMessage());
    }

    @Test
    void shouldAllocateTheLowestFreeRunUpToTheMaximum()
    {
        final SpaceMap map = new SpaceMap(0, 100);
        map.markUsed(0, 1);
        map.markUsed(4, 1);

        assertEquals(1, map.allocate(10, run));
        assertEquals(3, run[0], "stops at the next used AU");
        assertEquals(5, map.allocate(10, run));
        assertEquals(10, run[0], "stops at the maximum");
        assertEquals(15, map.allocate(1, run));
        assertEquals(1, run[0]);
        assertEquals(16, map.usedCount());
        assertTrue(map.isUsed(15));
        assertFalse(map.isUsed(16));
    }

    @Test
    void shouldStopAtTheEndOfTheVolumeAndWrapToFreedSpace()
    {
        final SpaceMap map = new SpaceMap(0, 10);

        assertEquals(0, map.allocate(8, run));
        assertEquals(8, map.allocate(8, run));
        assertEquals(2, run[0], "the end of the volume ends the run");
        assertEquals(-1, map.allocate(1, run), "full");
        assertEquals(0, map.freeCount());

        map.markFree(6, 1);
        map.markFree(2, 2);
        assertEquals(2, map.allocate(5, run), "a free moves the cursor back to the lowest freed AU");
        assertEquals(2, run[0]);
        assertEquals(6, map.allocate(5, run));
        assertEquals(1, run[0]);
        assertEquals(-1, map.allocate(5, run));
    }
}
