package io.respool.dms.stat;

import org.agrona.DirectBuffer;

/**
 * Layout of a node's statistics file ({@code dms-stat.dat} in the node directory), little-endian.
 * One writer (the node's agent thread); any number of readers in other processes.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                         Magic (8 bytes)                       |
 *  +---------------------------------------------------------------+
 *  |                           Version                             |
 *  +---------------------------------------------------------------+
 *  |                           Node Id                             |
 *  +---------------------------------------------------------------+
 *  |                           Pid (8)                             |
 *  +---------------------------------------------------------------+
 *  |                    Start Epoch Ms (8)                         |
 *  +---------------------------------------------------------------+
 *  |                    Membership Version                         |
 *  +---------------------------------------------------------------+
 *  |                       Counter Slots                           |
 *  +---------------------------------------------------------------+
 *  |                        Event Slots                            |
 *  +---------------------------------------------------------------+
 *  |                     Reserved (4)                              |
 *  +---------------------------------------------------------------+
 *  |           Summary Seqlock (8, odd while writing)              |
 *  +---------------------------------------------------------------+
 *  |           Last Update Epoch Ms (8)                            |
 *  +---------------------------------------------------------------+
 *  |      Counters: Counter Slots x 8 bytes (ordered writes)        |
 *  +---------------------------------------------------------------+
 *  |  Events: Event Slots x 64 bytes: count, min, p50, p90, p99,   |
 *  |          p99.9, max, mean (all nanoseconds except count)       |
 *  +---------------------------------------------------------------+
 * </pre>
 * The counters start at the end of the header and the events after {@code Counter Slots} counters, as the header
 * says; a reader takes the slot counts from there, not from this build's constants. Versions:
 * <ul>
 *   <li>1: 64 counter slots (ids 0 to 52 written), 16 event slots (ids 0 to 11 written).</li>
 *   <li>2: 64 counter slots, 48 event slots: one barrier histogram per reform step (events 12 to 23), and the
 *   reform resends (counter 47, still their total) split into steps (53) and rebuild batches (54).</li>
 * </ul>
 */
public final class StatsFileDescriptor
{
    /** "DMSSTAT1" as a little-endian long. */
    public static final long MAGIC = 0x3154415453534D44L;
    /** Version 2: 48 event slots, for a histogram per reform step. */
    public static final int CURRENT_VERSION = 2;
    /** Oldest version a reader of this build accepts: version 1, with 16 event slots. */
    public static final int MIN_COMPAT_VERSION = 1;

    /** File name inside the node directory. */
    public static final String FILE_NAME = "dms-stat.dat";

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 8;
    public static final int NODE_ID_OFFSET = 12;
    public static final int PID_OFFSET = 16;
    public static final int START_EPOCH_MS_OFFSET = 24;
    public static final int MEMBERSHIP_VERSION_OFFSET = 32;
    public static final int COUNTER_SLOTS_OFFSET = 36;
    public static final int EVENT_SLOTS_OFFSET = 40;
    public static final int SEQLOCK_OFFSET = 48;
    public static final int LAST_UPDATE_EPOCH_MS_OFFSET = 56;
    public static final int HEADER_LENGTH = 64;

    /** Counter slots reserved in versions 1 and 2. */
    public static final int COUNTER_SLOTS = 64;
    /** Event slots reserved in version 2. */
    public static final int EVENT_SLOTS = 48;
    /** Event slots reserved in version 1. */
    public static final int V1_EVENT_SLOTS = 16;
    /** Counters a version-1 writer knew (ids 0 to 52): a version-1 file's slots after them are not counters. */
    public static final int V1_COUNTERS = 53;
    /** Events a version-1 writer knew (ids 0 to 11): a version-1 file's slots after them are not events. */
    public static final int V1_EVENTS = 12;

    public static final int EVENT_RECORD_LENGTH = 64;
    public static final int EVENT_COUNT_OFFSET = 0;
    public static final int EVENT_MIN_OFFSET = 8;
    public static final int EVENT_P50_OFFSET = 16;
    public static final int EVENT_P90_OFFSET = 24;
    public static final int EVENT_P99_OFFSET = 32;
    public static final int EVENT_P999_OFFSET = 40;
    public static final int EVENT_MAX_OFFSET = 48;
    public static final int EVENT_MEAN_OFFSET = 56;

    public static final int COUNTERS_OFFSET;
    public static final int EVENTS_OFFSET;
    public static final int FILE_LENGTH;

    static
    {
        COUNTERS_OFFSET = HEADER_LENGTH;
        EVENTS_OFFSET = COUNTERS_OFFSET + COUNTER_SLOTS * Long.BYTES;
        FILE_LENGTH = EVENTS_OFFSET + EVENT_SLOTS * EVENT_RECORD_LENGTH;
    }

    private StatsFileDescriptor()
    {
    }

    /**
     * @param counterId counter slot.
     * @return offset of its value.
     */
    public static int counterOffset(final int counterId)
    {
        return COUNTERS_OFFSET + counterId * Long.BYTES;
    }

    /**
     * @param eventId event slot.
     * @return offset of its record in a file of this build's layout.
     */
    public static int eventOffset(final int eventId)
    {
        return eventOffset(COUNTER_SLOTS, eventId);
    }

    /**
     * @param counterSlots the file's counter slots, from its header.
     * @param eventId      event slot.
     * @return offset of its record.
     */
    public static int eventOffset(final int counterSlots, final int eventId)
    {
        return COUNTERS_OFFSET + counterSlots * Long.BYTES + eventId * EVENT_RECORD_LENGTH;
    }

    /**
     * @param counterSlots the file's counter slots, from its header.
     * @param eventSlots   the file's event slots, from its header.
     * @return the length of a file with those slots.
     */
    public static long fileLength(final int counterSlots, final int eventSlots)
    {
        return COUNTERS_OFFSET + (long)counterSlots * Long.BYTES + (long)eventSlots * EVENT_RECORD_LENGTH;
    }

    /**
     * Check the header of a mapped file.
     *
     * @param buffer the file.
     * @param name   its name for the message.
     * @throws IllegalStateException naming the file and the values found.
     */
    public static void checkHeader(final DirectBuffer buffer, final String name)
    {
        if (buffer.capacity() < HEADER_LENGTH)
        {
            throw new IllegalStateException("stats file too short: file=" + name + ", length=" + buffer.capacity() +
                ", minimum=" + HEADER_LENGTH);
        }
        final long magic = buffer.getLong(MAGIC_OFFSET, java.nio.ByteOrder.LITTLE_ENDIAN);
        if (magic != MAGIC)
        {
            throw new IllegalStateException("not a DMS stats file: file=" + name + ", magic=0x" +
                Long.toHexString(magic) + ", expected=0x" + Long.toHexString(MAGIC));
        }
        final int version = buffer.getInt(VERSION_OFFSET, java.nio.ByteOrder.LITTLE_ENDIAN);
        if (version < MIN_COMPAT_VERSION || version > CURRENT_VERSION)
        {
            throw new IllegalStateException("unsupported stats file version: file=" + name + ", version=" +
                version + ", supported=" + MIN_COMPAT_VERSION + ".." + CURRENT_VERSION + versionHint(version));
        }
        final int counterSlots = buffer.getInt(COUNTER_SLOTS_OFFSET, java.nio.ByteOrder.LITTLE_ENDIAN);
        final int eventSlots = buffer.getInt(EVENT_SLOTS_OFFSET, java.nio.ByteOrder.LITTLE_ENDIAN);
        if (counterSlots < 0 || eventSlots < 0 || buffer.capacity() < fileLength(counterSlots, eventSlots))
        {
            throw new IllegalStateException("stats file shorter than its header says: file=" + name + ", version=" +
                version + ", counterSlots=" + counterSlots + ", eventSlots=" + eventSlots + ", length=" +
                buffer.capacity());
        }
    }

    private static String versionHint(final int version)
    {
        if (version == 0)
        {
            return " (the header is still being written: its node is starting)";
        }
        return version > CURRENT_VERSION ? " (written by a newer build: read it with that build's dmscmd)" :
            " (written by an older build than this one reads)";
    }
}
