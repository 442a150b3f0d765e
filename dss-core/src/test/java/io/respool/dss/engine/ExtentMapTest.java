package io.respool.dss.engine;

import io.respool.dss.format.EntryVolumeLayout;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.respool.dss.format.EntryVolumeLayout.physicalAu;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExtentMapTest
{
    private static final long V0 = physicalAu(0, 0);
    private static final long V1 = physicalAu(1, 0);

    @Test
    void shouldReadHolesEverywhereInTheEmptyMap()
    {
        assertEquals(0, ExtentMap.EMPTY.runCount());
        assertEquals(0, ExtentMap.EMPTY.allocatedAus());
        assertEquals(ExtentMap.HOLE, ExtentMap.EMPTY.lookup(0));
        assertEquals(ExtentMap.HOLE, ExtentMap.EMPTY.lookup(Long.MAX_VALUE));
    }

    @Test
    void shouldMapEveryAuOfARunAndHolesAroundIt()
    {
        final ExtentMap map = ExtentMap.EMPTY.with(10, V0 + 100, 4);

        assertEquals(ExtentMap.HOLE, map.lookup(9));
        assertEquals(V0 + 100, map.lookup(10));
        assertEquals(V0 + 103, map.lookup(13));
        assertEquals(ExtentMap.HOLE, map.lookup(14));
        assertEquals(4, map.allocatedAus());
    }

    @Test
    void shouldLeaveTheOriginalUnchanged()
    {
        final ExtentMap one = ExtentMap.EMPTY.with(0, V0 + 5, 1);
        final ExtentMap two = one.with(1, V0 + 6, 1);
        final ExtentMap three = two.with(5, V0 + 50, 1);

        assertEquals(1, one.allocatedAus());
        assertEquals(ExtentMap.HOLE, one.lookup(1));
        assertEquals(ExtentMap.HOLE, two.lookup(5));
        assertEquals(1, two.runCount(), "the continuing run was merged");
        assertEquals(2, two.runCount(0));
        assertEquals(2, three.runCount());
        assertEquals(0, ExtentMap.EMPTY.runCount());
    }

    @Test
    void shouldKeepRunsSortedWhateverTheOrderAdded()
    {
        ExtentMap map = ExtentMap.EMPTY;
        final long[] fileAus = {40, 0, 20, 60, 10};
        for (final long fileAu : fileAus)
        {
            map = map.with(fileAu, V0 + 1000 + fileAu * 10, 2);
        }

        assertEquals(5, map.runCount());
        for (int i = 0; i < map.runCount(); i++)
        {
            assertEquals(i == 0 ? 0 : (i == 1 ? 10 : 20L * (i - 1)), map.runFileAu(i));
            assertEquals(V0 + 1000 + map.runFileAu(i) * 10, map.runPhysicalAu(i));
            assertEquals(map.runPhysicalAu(i) + 1, map.lookup(map.runFileAu(i) + 1));
        }
        assertEquals(10, map.allocatedAus());
    }

    @Test
    void shouldMergeOnlyRunsThatContinueEachOtherOnOneVolume()
    {
        final ExtentMap base = ExtentMap.EMPTY.with(0, V0 + 10, 2);

        assertEquals(1, base.with(2, V0 + 12, 3).runCount(), "file and disk both continue");
        assertEquals(2, base.with(2, V0 + 13, 3).runCount(), "disk gap");
        assertEquals(2, base.with(3, V0 + 12, 3).runCount(), "file hole");
        final long endOfVolume0 = physicalAu(0, EntryVolumeLayout.AU_INDEX_MASK);
        final ExtentMap atVolumeEnd = ExtentMap.EMPTY.with(0, endOfVolume0 - 1, 2);
        assertEquals(V1, endOfVolume0 + 1);
        assertEquals(2, atVolumeEnd.with(2, V1, 1).runCount(), "not merged across volumes, though numbers continue");
        assertEquals(V1, atVolumeEnd.with(2, V1, 1).lookup(2));
    }

    @Test
    void shouldNotMergeARunThatWouldTouchTheNextOne()
    {
        final ExtentMap map = ExtentMap.EMPTY.with(0, V0 + 10, 2).with(4, V0 + 40, 2).with(2, V0 + 12, 2);

        assertEquals(3, map.runCount());
        assertEquals(V0 + 13, map.lookup(3));
        assertEquals(V0 + 40, map.lookup(4));
        assertEquals(6, map.allocatedAus());
    }

    @Test
    void shouldRefuseARunOverlappingAnother()
    {
        final ExtentMap map = ExtentMap.EMPTY.with(10, V0 + 100, 5);

        assertThrows(IllegalStateException.class, () -> map.with(10, V0, 1), "same start");
        assertThrows(IllegalStateException.class, () -> map.with(14, V0, 1), "last AU");
        assertThrows(IllegalStateException.class, () -> map.with(8, V0, 3), "reaches into it");
        assertThrows(IllegalStateException.class, () -> map.with(5, V0, 20), "covers it");
        assertThrows(IllegalStateException.class, () -> map.with(12, V0 + 105, 10),
            "overlaps even where it would continue the run on disk");
        assertEquals(V0, map.with(15, V0, 1).lookup(15), "right after it is free");
        assertEquals(V0, map.with(9, V0, 1).lookup(9), "right before it is free");
    }

    @Test
    void shouldBuildFromSortedRunsAndRefuseUnsortedOrOverlapping()
    {
        final ExtentMap map = ExtentMap.ofSorted(new long[]{0, 5, 9}, new long[]{V0 + 1, V0 + 20, V1 + 3},
            new long[]{5, 2, 1}, 3);

        assertEquals(V0 + 5, map.lookup(4));
        assertEquals(V0 + 21, map.lookup(6));
        assertEquals(ExtentMap.HOLE, map.lookup(7));
        assertEquals(V1 + 3, map.lookup(9));
        assertEquals(8, map.allocatedAus());
        assertSame(ExtentMap.EMPTY, ExtentMap.ofSorted(new long[4], new long[4], new long[4], 0));
        assertEquals(1, ExtentMap.ofSorted(new long[]{7, 0}, new long[]{V0, V0}, new long[]{1, 1}, 1).runCount(),
            "only the first length runs count");
        assertThrows(IllegalStateException.class,
            () -> ExtentMap.ofSorted(new long[]{5, 0}, new long[]{V0, V0}, new long[]{1, 1}, 2));
        assertThrows(IllegalStateException.class,
            () -> ExtentMap.ofSorted(new long[]{0, 4}, new long[]{V0, V0 + 10}, new long[]{5, 1}, 2));
    }

    @Test
    void shouldTruncateAtRunBoundariesAndInsideARun()
    {
        final ExtentMap map = ExtentMap.EMPTY.with(0, V0 + 10, 4).with(10, V0 + 50, 4).with(20, V1 + 7, 2);

        final List<long[]> freed = new ArrayList<>();
        final ExtentMap cut = map.truncatedTo(12, (au, count) -> freed.add(new long[]{au, count}));

        assertEquals(2, cut.runCount());
        assertEquals(V0 + 51, cut.lookup(11));
        assertEquals(ExtentMap.HOLE, cut.lookup(12));
        assertEquals(ExtentMap.HOLE, cut.lookup(20));
        assertEquals(6, cut.allocatedAus());
        assertEquals(2, freed.size());
        assertEquals(List.of(V0 + 52, 2L), List.of(freed.get(0)[0], freed.get(0)[1]), "the cut tail of a run");
        assertEquals(List.of(V1 + 7, 2L), List.of(freed.get(1)[0], freed.get(1)[1]), "a whole run past the cut");
        assertEquals(V0 + 53, map.lookup(13), "the original still maps the cut AUs");

        freed.clear();
        final ExtentMap atBoundary = map.truncatedTo(10, (au, count) -> freed.add(new long[]{au, count}));
        assertEquals(1, atBoundary.runCount());
        assertEquals(List.of(V0 + 50, V1 + 7), List.of(freed.get(0)[0], freed.get(1)[0]));

        freed.clear();
        final ExtentMap empty = map.truncatedTo(0, (au, count) -> freed.add(new long[]{au, count}));
        assertEquals(0, empty.runCount());
        assertEquals(ExtentMap.HOLE, empty.lookup(0));
        assertEquals(3, freed.size());
    }

    @Test
    void shouldReturnItselfWhenTruncationCutsNothing()
    {
        final ExtentMap map = ExtentMap.EMPTY.with(0, V0 + 10, 4).with(10, V0 + 50, 4);
        final List<Long> freed = new ArrayList<>();

        assertSame(map, map.truncatedTo(14, (au, count) -> freed.add(au)));
        assertSame(map, map.truncatedTo(Long.MAX_VALUE, (au, count) -> freed.add(au)));
        assertTrue(freed.isEmpty());
    }

    @Test
    void shouldVisitEveryRunInFileOrder()
    {
        final ExtentMap map = ExtentMap.EMPTY.with(30, V1 + 1, 1).with(0, V0 + 9, 3);
        final List<Long> seen = new ArrayList<>();

        map.forEachRun((au, count) ->
        {
            seen.add(au);
            seen.add(count);
        });

        assertEquals(List.of(V0 + 9, 3L, V1 + 1, 1L), seen);
    }
}
