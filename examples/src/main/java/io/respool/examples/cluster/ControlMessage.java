package io.respool.examples.cluster;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * The demo's own messages between its two nodes, sent with {@link io.respool.dms.api.DmsNode#broadcast} (the DMS
 * broadcast that a database uses for catalog invalidation) and acknowledged by the receiver.
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                 Type: START, DONE or FINISHED                 |
 *  +---------------------------------------------------------------+
 *  |              Rows inserted (8, DONE only)                     |
 *  +---------------------------------------------------------------+
 *  |              Rows updated (8, DONE only)                      |
 *  +---------------------------------------------------------------+
 *  |       Last LSN (8, DONE only): the writer's WAL, all durable   |
 *  +---------------------------------------------------------------+
 * </pre>
 */
final class ControlMessage
{
    /** Writer to reader: the table exists and its meta page is held by the writer; start reading. */
    static final int START = 1;
    /** Writer to reader: no more changes; the counts and the WAL end, durable and checkpointed. */
    static final int DONE = 2;
    /** Reader to writer: final check done; the writer may stop. */
    static final int FINISHED = 3;

    static final int TYPE_OFFSET = 0;
    static final int INSERTED_OFFSET = 8;
    static final int UPDATED_OFFSET = 16;
    static final int LAST_LSN_OFFSET = 24;
    static final int LENGTH = 32;

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private ControlMessage()
    {
    }

    static int encode(final MutableDirectBuffer buffer, final int type, final long inserted, final long updated,
        final long lastLsn)
    {
        buffer.putInt(TYPE_OFFSET, type, ORDER);
        buffer.putInt(TYPE_OFFSET + 4, 0, ORDER);
        buffer.putLong(INSERTED_OFFSET, inserted, ORDER);
        buffer.putLong(UPDATED_OFFSET, updated, ORDER);
        buffer.putLong(LAST_LSN_OFFSET, lastLsn, ORDER);
        return LENGTH;
    }

    static int type(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + TYPE_OFFSET, ORDER);
    }

    static long inserted(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + INSERTED_OFFSET, ORDER);
    }

    static long updated(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + UPDATED_OFFSET, ORDER);
    }

    static long lastLsn(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + LAST_LSN_OFFSET, ORDER);
    }
}
