package io.respool.dss.engine;

import io.respool.dss.FileType;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Payload layouts of the redo records, little-endian, written at {@code index} (just after the record header).
 * Each encoder returns the payload length. Decoding lives next to the state it changes, in {@link MetadataState}.
 * <pre>
 * CREATE        parentId(8) nodeId(8) type(1) nameLength(1) name targetLength(2) target
 * REMOVE        nodeId(8) orphanOwner(4): the instance keeping the file open, -1 to free it now
 * REMOVE_TREE   nodeId(8) orphanOwner(4) orphanCount(4) orphanCount x nodeId(8): files below kept open
 * RENAME        nodeId(8) newParentId(8) nameLength(1) name
 * ALLOCATE      nodeId(8) runCount(4) runCount x { fileAu(8) physicalAu(8) count(8) }
 * SET_SIZE      nodeId(8) size(8) writtenSize(8)
 * TRUNCATE      nodeId(8) newSize(8)
 * FREE_ORPHAN   nodeId(8)
 * ADD_VOLUME    volumeId(4) auCount(8) uuid(16) pathLength(2) path
 * REMOVE_VOLUME volumeId(4)
 * </pre>
 */
final class Records
{
    static final int MAX_RUNS_PER_RECORD = 1024;
    static final int MAX_PAYLOAD = 12 + MAX_RUNS_PER_RECORD * 24 + 8;

    private Records()
    {
    }

    static int create(
        final MutableDirectBuffer b, final int i, final long parentId, final long nodeId, final FileType type,
        final String name, final String target)
    {
        b.putLong(i, parentId, LITTLE_ENDIAN);
        b.putLong(i + 8, nodeId, LITTLE_ENDIAN);
        b.putByte(i + 16, (byte)type.code());
        final int nameEnd = putName(b, i + 17, name);
        return putText(b, nameEnd, target == null ? "" : target) - i;
    }

    static int nodeOnly(final MutableDirectBuffer b, final int i, final long nodeId)
    {
        b.putLong(i, nodeId, LITTLE_ENDIAN);
        return 8;
    }

    static int remove(final MutableDirectBuffer b, final int i, final long nodeId, final int orphanOwner)
    {
        b.putLong(i, nodeId, LITTLE_ENDIAN);
        b.putInt(i + 8, orphanOwner, LITTLE_ENDIAN);
        return 12;
    }

    static int removeTree(final MutableDirectBuffer b, final int i, final long nodeId, final int orphanOwner,
        final long[] orphans)
    {
        b.putLong(i, nodeId, LITTLE_ENDIAN);
        b.putInt(i + 8, orphanOwner, LITTLE_ENDIAN);
        b.putInt(i + 12, orphans.length, LITTLE_ENDIAN);
        for (int n = 0; n < orphans.length; n++)
        {
            b.putLong(i + 16 + n * 8, orphans[n], LITTLE_ENDIAN);
        }
        return 16 + orphans.length * 8;
    }

    static int rename(final MutableDirectBuffer b, final int i, final long nodeId, final long newParentId,
        final String newName)
    {
        b.putLong(i, nodeId, LITTLE_ENDIAN);
        b.putLong(i + 8, newParentId, LITTLE_ENDIAN);
        return putName(b, i + 16, newName) - i;
    }

    static int allocate(final MutableDirectBuffer b, final int i, final long nodeId, final long[] fileAus,
        final long[] physicalAus, final long[] counts, final int runs)
    {
        b.putLong(i, nodeId, LITTLE_ENDIAN);
        b.putInt(i + 8, runs, LITTLE_ENDIAN);
        int at = i + 12;
        for (int r = 0; r < runs; r++)
        {
            b.putLong(at, fileAus[r], LITTLE_ENDIAN);
            b.putLong(at + 8, physicalAus[r], LITTLE_ENDIAN);
            b.putLong(at + 16, counts[r], LITTLE_ENDIAN);
            at += 24;
        }
        return at - i;
    }

    static int setSize(final MutableDirectBuffer b, final int i, final long nodeId, final long size,
        final long writtenSize)
    {
        b.putLong(i, nodeId, LITTLE_ENDIAN);
        b.putLong(i + 8, size, LITTLE_ENDIAN);
        b.putLong(i + 16, writtenSize, LITTLE_ENDIAN);
        return 24;
    }

    static int truncate(final MutableDirectBuffer b, final int i, final long nodeId, final long newSize)
    {
        b.putLong(i, nodeId, LITTLE_ENDIAN);
        b.putLong(i + 8, newSize, LITTLE_ENDIAN);
        return 16;
    }

    static int addVolume(final MutableDirectBuffer b, final int i, final int volumeId, final long auCount,
        final UUID uuid, final String path)
    {
        b.putInt(i, volumeId, LITTLE_ENDIAN);
        b.putLong(i + 4, auCount, LITTLE_ENDIAN);
        b.putLong(i + 12, uuid.getMostSignificantBits(), LITTLE_ENDIAN);
        b.putLong(i + 20, uuid.getLeastSignificantBits(), LITTLE_ENDIAN);
        return putText(b, i + 28, path) - i;
    }

    static int removeVolume(final MutableDirectBuffer b, final int i, final int volumeId)
    {
        b.putInt(i, volumeId, LITTLE_ENDIAN);
        return 4;
    }

    static int putName(final MutableDirectBuffer b, final int i, final String name)
    {
        final byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        b.putByte(i, (byte)bytes.length);
        b.putBytes(i + 1, bytes);
        return i + 1 + bytes.length;
    }

    static String getName(final DirectBuffer b, final int i)
    {
        final byte[] bytes = new byte[b.getByte(i) & 0xFF];
        b.getBytes(i + 1, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    static int putText(final MutableDirectBuffer b, final int i, final String text)
    {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        b.putShort(i, (short)bytes.length, LITTLE_ENDIAN);
        b.putBytes(i + 2, bytes);
        return i + 2 + bytes.length;
    }

    static String getText(final DirectBuffer b, final int i)
    {
        final byte[] bytes = new byte[b.getShort(i, LITTLE_ENDIAN) & 0xFFFF];
        b.getBytes(i + 2, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static int nameLength(final DirectBuffer b, final int i)
    {
        return 1 + (b.getByte(i) & 0xFF);
    }
}
