package io.respool.dms.stat;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.List;

import static io.respool.dms.stat.StatsFileDescriptor.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Statistics files made by hand, byte by byte as the layout comment describes them: this build reads its own layout
 * (version 2, 48 event slots) and the one before (version 1, 16 event slots, whose writer knew fewer counters and
 * events), and names the file and the versions when it cannot.
 */
class StatsReaderTest
{
    /** A file of {@code version} with its slots, the header filled but no value. */
    private static UnsafeBuffer file(final int version, final int counterSlots, final int eventSlots)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[(int)fileLength(counterSlots, eventSlots)]);
        buffer.putLong(0, 0x3154415453534D44L, ByteOrder.LITTLE_ENDIAN); // "DMSSTAT1"
        buffer.putInt(8, version, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(12, 3, ByteOrder.LITTLE_ENDIAN); // node id
        buffer.putLong(16, 4242, ByteOrder.LITTLE_ENDIAN); // pid
        buffer.putInt(32, 9, ByteOrder.LITTLE_ENDIAN); // membership version
        buffer.putInt(36, counterSlots, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(40, eventSlots, ByteOrder.LITTLE_ENDIAN);
        return buffer;
    }

    private static void putCounter(final UnsafeBuffer buffer, final int id, final long value)
    {
        buffer.putLong(64 + id * 8, value, ByteOrder.LITTLE_ENDIAN);
    }

    /** Event {@code id}'s record, after 64 counter slots: count, then min to max as {@code base + 1} to 6, mean. */
    private static void putEvent(final UnsafeBuffer buffer, final int id, final long count, final long base)
    {
        final int offset = 64 + 64 * 8 + id * 64;
        buffer.putLong(offset, count, ByteOrder.LITTLE_ENDIAN);
        for (int i = 1; i < 8; i++)
        {
            buffer.putLong(offset + i * 8, base + i, ByteOrder.LITTLE_ENDIAN);
        }
    }

    @Test
    void shouldReadAVersion1FileWithSixteenEventSlots()
    {
        final UnsafeBuffer buffer = file(1, 64, 16);
        assertEquals(1600, buffer.capacity(), "64 header, 64 counters of 8, 16 events of 64");
        putCounter(buffer, 47, 7); // REFORM_RESENDS: steps and batches, the only resend counter of version 1
        putCounter(buffer, 52, 2); // DRIVER_RECONNECTS, the last counter version 1 knew
        putCounter(buffer, 53, 99); // not a counter in version 1: must not be read as step resends
        putEvent(buffer, 5, 10, 1_000); // LOCK_WAIT
        putEvent(buffer, 9, 4, 2_000); // REFORM_STEP, all steps
        putEvent(buffer, 11, 1, 3_000); // REFORM_RECOVERY, the last event version 1 knew
        putEvent(buffer, 12, 5, 4_000); // not an event in version 1: must not be read as START's barrier

        final StatsReader.Snapshot s = StatsReader.read(buffer, "v1");

        assertEquals(1, s.version());
        assertEquals(3, s.nodeId());
        assertEquals(4242, s.pid());
        assertEquals(9, s.membershipVersion());
        assertEquals(7, s.counter(StatCounter.REFORM_RESENDS));
        assertEquals(2, s.counter(StatCounter.DRIVER_RECONNECTS));
        assertTrue(s.has(StatCounter.DRIVER_RECONNECTS));
        assertFalse(s.has(StatCounter.REFORM_STEP_RESENDS));
        assertFalse(s.has(StatCounter.REBUILD_BATCH_RESENDS));
        assertEquals(0, s.counter(StatCounter.REFORM_STEP_RESENDS));
        assertEquals(List.of(StatEvent.values()).subList(0, 12), s.events().stream().map(e -> e.event()).toList());
        assertEquals(new StatsReader.EventSummary(StatEvent.LOCK_WAIT, 10, 1_001, 1_002, 1_003, 1_004, 1_005, 1_006,
            1_007), s.event(StatEvent.LOCK_WAIT));
        assertEquals(4, s.event(StatEvent.REFORM_STEP).count());
        assertEquals(3_004, s.event(StatEvent.REFORM_RECOVERY).p99());
        assertEquals(0, s.event(StatEvent.REFORM_STEP_START).count());
    }

    @Test
    void shouldReadAVersion2FileWithAHistogramPerReformStep()
    {
        final UnsafeBuffer buffer = file(2, 64, 48);
        assertEquals(64 + 64 * 8 + 48 * 64, buffer.capacity());
        assertEquals(FILE_LENGTH, buffer.capacity(), "this build writes version 2");
        putCounter(buffer, 47, 12);
        putCounter(buffer, 53, 5);
        putCounter(buffer, 54, 7);
        putEvent(buffer, 9, 11, 1_000);
        putEvent(buffer, 12, 1, 2_000); // START
        putEvent(buffer, 17, 3, 3_000); // REBUILD
        putEvent(buffer, 23, 2, 4_000); // FAILED, the last one
        putEvent(buffer, 47, 8, 5_000); // a slot a later build may use: this one knows no event there

        final StatsReader.Snapshot s = StatsReader.read(buffer, "v2");

        assertEquals(2, s.version());
        assertEquals(12, s.counter(StatCounter.REFORM_RESENDS));
        assertEquals(5, s.counter(StatCounter.REFORM_STEP_RESENDS));
        assertEquals(7, s.counter(StatCounter.REBUILD_BATCH_RESENDS));
        assertEquals(List.of(StatEvent.values()), s.events().stream().map(e -> e.event()).toList());
        assertEquals(11, s.event(StatEvent.REFORM_STEP).count());
        assertEquals(1, s.event(StatEvent.REFORM_STEP_START).count());
        assertEquals(new StatsReader.EventSummary(StatEvent.REFORM_STEP_REBUILD, 3, 3_001, 3_002, 3_003, 3_004, 3_005,
            3_006, 3_007), s.event(StatEvent.REFORM_STEP_REBUILD));
        assertEquals(4_006, s.event(StatEvent.REFORM_STEP_FAILED).max());
        assertEquals(0, s.event(StatEvent.REFORM_STEP_DEMOTE).count());
    }

    @Test
    void shouldNameTheFileAndTheVersionsItCannotRead()
    {
        final IllegalStateException newer = assertThrows(IllegalStateException.class,
            () -> StatsReader.read(file(3, 64, 48), "/tmp/node-3/dms-stat.dat"));
        assertEquals("unsupported stats file version: file=/tmp/node-3/dms-stat.dat, version=3, supported=1..2 " +
            "(written by a newer build: read it with that build's dmscmd)", newer.getMessage());

        final IllegalStateException starting = assertThrows(IllegalStateException.class,
            () -> StatsReader.read(file(0, 64, 48), "/tmp/node-3/dms-stat.dat"));
        assertEquals("unsupported stats file version: file=/tmp/node-3/dms-stat.dat, version=0, supported=1..2 " +
            "(the header is still being written: its node is starting)", starting.getMessage());

        final UnsafeBuffer truncated = new UnsafeBuffer(new byte[1600]);
        truncated.putBytes(0, file(2, 64, 48), 0, 64);
        final IllegalStateException shorter = assertThrows(IllegalStateException.class,
            () -> StatsReader.read(truncated, "/tmp/node-3/dms-stat.dat"));
        assertEquals("stats file shorter than its header says: file=/tmp/node-3/dms-stat.dat, version=2, " +
            "counterSlots=64, eventSlots=48, length=1600", shorter.getMessage());
    }

    @Test
    void shouldFitEveryCounterAndEventInTheSlotsOfThisVersion()
    {
        assertTrue(StatCounter.values().length <= COUNTER_SLOTS);
        assertTrue(StatEvent.values().length <= EVENT_SLOTS);
        assertEquals(StatCounter.DRIVER_RECONNECTS.id() + 1, V1_COUNTERS);
        assertEquals(StatEvent.REFORM_RECOVERY.id() + 1, V1_EVENTS);
        assertTrue(V1_EVENTS <= V1_EVENT_SLOTS);
        assertEquals("reform step REBUILD barrier (reformer)", StatEvent.REFORM_STEP_REBUILD.label());
        assertEquals("REBUILD", StatEvent.REFORM_STEP_REBUILD.reformStep());
        assertNull(StatEvent.REFORM_STEP.reformStep(), "the histogram of all steps is no one step's");
    }
}
