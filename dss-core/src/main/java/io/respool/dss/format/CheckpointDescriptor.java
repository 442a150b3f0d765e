package io.respool.dss.format;

import io.respool.dss.ErrorCode;
import org.agrona.DirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Layout of a checkpoint: the whole metadata state as of one LSN, onto which the log replays. Little-endian; its
 * CRC32C and length are kept in the root control block, which is written only after the checkpoint is durable.
 * <pre>
 * header   0 magic "RSPDSSCK" (8)   8 version (4)        12 header length (4) = 64   16 LSN (8)
 *         24 next node id (8)      32 node count (8)    40 volume count (4)         44 AU size (4)   48 reserved (16)
 * volume   0 id (4)   4 auCount (8)   12 uuid most significant (8)   20 least significant (8)   28 path (2 + n)
 * node     0 id (8)   8 parentId (8)  16 type (1)   17 flags (1: bit 0 orphan, bits 1-7 the instance keeping it open)
 *         18 name (1 + n), then the tail:
 *          0 created (8)   8 updated (8)   16 size (8)   24 writtenSize (8)
 *         then for a link: target (2 + n)
 *         for a file: runCount (4), runCount x run as {@link RedoRecordDescriptor#RUN_LENGTH}
 * </pre>
 * Volumes follow the header, then the nodes: parents first (breadth first from the root), orphans last. Names and
 * texts are {@link PrefixedStrings}.
 */
public final class CheckpointDescriptor
{
    /** "RSPDSSCK" read as a little-endian long. */
    public static final long MAGIC = 0x4B43535344505352L;
    /** Version 1: first format. */
    public static final int CURRENT_VERSION = 1;
    public static final int MIN_COMPAT_VERSION = 1;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 8;
    public static final int HEADER_LENGTH_OFFSET = 12;
    public static final int LSN_OFFSET = 16;
    public static final int NEXT_NODE_ID_OFFSET = 24;
    public static final int NODE_COUNT_OFFSET = 32;
    public static final int VOLUME_COUNT_OFFSET = 40;
    public static final int AU_SIZE_OFFSET = 44;
    public static final int RESERVED_OFFSET = 48;
    public static final int RESERVED_LENGTH = 16;
    public static final int HEADER_LENGTH = 64;

    public static final int VOLUME_ID_OFFSET = 0;
    public static final int VOLUME_AU_COUNT_OFFSET = 4;
    public static final int VOLUME_UUID_MSB_OFFSET = 12;
    public static final int VOLUME_UUID_LSB_OFFSET = 20;
    public static final int VOLUME_PATH_OFFSET = 28;

    public static final int NODE_ID_OFFSET = 0;
    public static final int NODE_PARENT_ID_OFFSET = 8;
    public static final int NODE_TYPE_OFFSET = 16;
    public static final int NODE_FLAGS_OFFSET = 17;
    public static final int NODE_NAME_OFFSET = 18;

    /** The node tail, after the name. */
    public static final int TAIL_CREATED_OFFSET = 0;
    public static final int TAIL_UPDATED_OFFSET = 8;
    public static final int TAIL_SIZE_OFFSET = 16;
    public static final int TAIL_WRITTEN_SIZE_OFFSET = 24;
    public static final int TAIL_LENGTH = 32;

    /** A file's extents, after the tail: the run count, then the runs. */
    public static final int RUN_COUNT_LENGTH = 4;

    public static final int ORPHAN_FLAG = 1;
    public static final int ORPHAN_OWNER_SHIFT = 1;

    private CheckpointDescriptor()
    {
    }

    /**
     * @return the flags byte of a node.
     */
    public static int flags(final boolean orphan, final int orphanOwner)
    {
        return orphan ? ORPHAN_FLAG | orphanOwner << ORPHAN_OWNER_SHIFT : 0;
    }

    public static boolean isOrphan(final int flags)
    {
        return (flags & ORPHAN_FLAG) != 0;
    }

    /**
     * @return the instance keeping an orphan open, or -1 if the node is not an orphan.
     */
    public static int orphanOwner(final int flags)
    {
        return isOrphan(flags) ? flags >>> ORPHAN_OWNER_SHIFT : -1;
    }

    /**
     * @throws FormatException if the {@code length} bytes of {@code buffer} do not start with a checkpoint header of
     * a version this reader knows; the message names both numbers.
     */
    public static void checkHeader(final DirectBuffer buffer, final int length)
    {
        if (length < HEADER_LENGTH || buffer.getLong(MAGIC_OFFSET, LITTLE_ENDIAN) != MAGIC)
        {
            throw FormatException.corrupt("checkpoint has a wrong magic or is truncated: length=" + length);
        }
        final int version = buffer.getInt(VERSION_OFFSET, LITTLE_ENDIAN);
        if (version < MIN_COMPAT_VERSION || version > CURRENT_VERSION)
        {
            throw new FormatException(ErrorCode.UNSUPPORTED_VERSION, "unsupported checkpoint version: version=" +
                version + ", supported=" + MIN_COMPAT_VERSION + ".." + CURRENT_VERSION);
        }
    }
}
