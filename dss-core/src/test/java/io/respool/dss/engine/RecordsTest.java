package io.respool.dss.engine;

import io.respool.dss.FileType;
import io.respool.dss.format.RedoRecordDescriptor;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.UUID;

import static io.respool.dss.format.EntryVolumeLayout.physicalAu;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every redo payload, encoded by {@link Records} and decoded by {@link MetadataState#apply}: each field comes back,
 * and the bytes are those that images made before the layouts moved to {@link RedoRecordDescriptor} hold.
 */
@Timeout(10)
class RecordsTest
{
    private static final int AU_SIZE = 2 * 1024 * 1024;
    /** Payloads are written at an odd index so that every offset is checked to be relative to it. */
    private static final int AT = 3;
    private static final long TS = 1_700_000_000_123L;
    private static final UUID VOLUME_UUID = new UUID(0x2122232425262728L, 0x3132333435363738L);

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[Records.MAX_PAYLOAD + 2 * AT]);
    private final MetadataState state = new MetadataState(AU_SIZE);

    @FunctionalInterface
    private interface Encoder
    {
        int encode(MutableDirectBuffer buffer, int index);
    }

    RecordsTest()
    {
        state.volumes[0] = new VolumeEntry(0, new UUID(1, 2), 64, "/v0");
        state.createRoot("data", 1);
    }

    private static String hex(final DirectBuffer b, final int from, final int length)
    {
        final StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++)
        {
            s.append(String.format("%02x", b.getByte(from + i) & 0xFF));
        }
        return s.toString();
    }

    private String encoded(final Encoder encoder)
    {
        buffer.setMemory(0, buffer.capacity(), (byte)0);
        final int length = encoder.encode(buffer, AT);
        assertEquals(0, buffer.getByte(AT + length), "nothing written past the returned length");
        return hex(buffer, AT, length);
    }

    private void apply(final RecordType type, final long ts, final Encoder encoder)
    {
        encoder.encode(buffer, AT);
        state.apply(type, buffer, AT, ts);
    }

    private Node create(final long parentId, final long id, final FileType type, final String name,
        final String target)
    {
        apply(RecordType.CREATE, TS, (b, i) -> Records.create(b, i, parentId, id, type, name, target));
        return state.node(id);
    }

    private Node fileWithTwoAus(final long id)
    {
        final Node file = create(MetadataState.ROOT_ID, id, FileType.FILE, "f" + id, null);
        apply(RecordType.ALLOCATE, TS, (b, i) -> Records.allocate(b, i, id, new long[]{0},
            new long[]{physicalAu(0, 10 + id * 2)}, new long[]{2}, 1));
        return file;
    }

    private long usedAus()
    {
        return state.volumes[0].space.usedCount();
    }

    @Test
    void shouldEncodeEveryPayloadAsImagesMadeBeforeHoldIt()
    {
        assertEquals("0807060504030201181716151413121103026c6e0400742fc3a9", encoded((b, i) ->
            Records.create(b, i, 0x0102030405060708L, 0x1112131415161718L, FileType.LINK, "ln", "t/\u00e9")));
        assertEquals("01000000000000000900000000000000010466696c650000", encoded((b, i) ->
            Records.create(b, i, 1, 9, FileType.FILE, "file", null)));
        assertEquals("282726252423222134333231", encoded((b, i) ->
            Records.remove(b, i, 0x2122232425262728L, 0x31323334)));
        assertEquals("2827262524232221ffffffff0200000048474645444342415857565554535251", encoded((b, i) ->
            Records.removeTree(b, i, 0x2122232425262728L, -1, new long[]{0x4142434445464748L, 0x5152535455565758L})));
        assertEquals("08070605040302011817161514131211036e6577", encoded((b, i) ->
            Records.rename(b, i, 0x0102030405060708L, 0x1112131415161718L, "new")));
        assertEquals("0807060504030201020000001100000000000000210000000000000031000000000000001200000000000000" +
            "22000000000000003200000000000000", encoded((b, i) -> Records.allocate(b, i, 0x0102030405060708L,
            new long[]{0x11, 0x12}, new long[]{0x21, 0x22}, new long[]{0x31, 0x32, 0x33}, 2)));
        assertEquals("080706050403020118171615141312112827262524232221", encoded((b, i) ->
            Records.setSize(b, i, 0x0102030405060708L, 0x1112131415161718L, 0x2122232425262728L)));
        assertEquals("08070605040302011817161514131211", encoded((b, i) ->
            Records.truncate(b, i, 0x0102030405060708L, 0x1112131415161718L)));
        assertEquals("0807060504030201", encoded((b, i) -> Records.nodeOnly(b, i, 0x0102030405060708L)));
        assertEquals("0403020118171615141312112827262524232221383736353433323106002f6465762f78", encoded((b, i) ->
            Records.addVolume(b, i, 0x01020304, 0x1112131415161718L, VOLUME_UUID, "/dev/x")));
        assertEquals("04030201", encoded((b, i) -> Records.removeVolume(b, i, 0x01020304)));
    }

    @Test
    void shouldReturnTheFixedPayloadLengthsOfTheDescriptor()
    {
        assertEquals(RedoRecordDescriptor.REMOVE_LENGTH, Records.remove(buffer, AT, 7, -1));
        assertEquals(RedoRecordDescriptor.removeTreeLength(3), Records.removeTree(buffer, AT, 7, -1, new long[3]));
        assertEquals(RedoRecordDescriptor.allocateLength(Records.MAX_RUNS_PER_RECORD), Records.allocate(buffer, AT,
            7, new long[Records.MAX_RUNS_PER_RECORD], new long[Records.MAX_RUNS_PER_RECORD],
            new long[Records.MAX_RUNS_PER_RECORD], Records.MAX_RUNS_PER_RECORD));
        assertTrue(RedoRecordDescriptor.allocateLength(Records.MAX_RUNS_PER_RECORD) <= Records.MAX_PAYLOAD);
        assertEquals(RedoRecordDescriptor.SET_SIZE_LENGTH, Records.setSize(buffer, AT, 7, 1, 1));
        assertEquals(RedoRecordDescriptor.TRUNCATE_LENGTH, Records.truncate(buffer, AT, 7, 1));
        assertEquals(RedoRecordDescriptor.FREE_ORPHAN_LENGTH, Records.nodeOnly(buffer, AT, 7));
        assertEquals(RedoRecordDescriptor.REMOVE_VOLUME_LENGTH, Records.removeVolume(buffer, AT, 7));
    }

    @Test
    void shouldRoundTripCreateOfEveryFileType()
    {
        final Node dir = create(MetadataState.ROOT_ID, 40, FileType.DIRECTORY, "dir", null);
        final Node file = create(dir.id, 41, FileType.FILE, "file", "ignored for a file");
        final Node link = create(dir.id, 45, FileType.LINK, "ln", "../t\u00e9");

        assertEquals(40, dir.id);
        assertEquals(FileType.DIRECTORY, dir.type);
        assertEquals("dir", dir.name);
        assertEquals(MetadataState.ROOT_ID, dir.parentId);
        assertEquals(TS, dir.createdMs);
        assertSame(dir, state.root.children.get("dir"));

        assertEquals(FileType.FILE, file.type);
        assertEquals("file", file.name);
        assertEquals(dir.id, file.parentId);
        assertNull(file.target);
        assertSame(file, dir.children.get("file"));

        assertEquals(FileType.LINK, link.type);
        assertEquals("ln", link.name);
        assertEquals("../t\u00e9", link.target);
        assertEquals(TS, link.createdMs);
        assertEquals(TS, dir.updatedMs);
        assertEquals(46, state.nextNodeId, "past the highest id created");
    }

    @Test
    void shouldRoundTripRemoveFreeingOrKeepingAnOrphan()
    {
        final long fresh = usedAus();
        final Node freed = fileWithTwoAus(2);
        final Node kept = fileWithTwoAus(3);
        assertEquals(fresh + 4, usedAus());

        apply(RecordType.REMOVE, TS + 1, (b, i) -> Records.remove(b, i, freed.id, -1));
        assertTrue(freed.deleted);
        assertNull(state.node(freed.id));
        assertEquals(fresh + 2, usedAus());

        apply(RecordType.REMOVE, TS + 2, (b, i) -> Records.remove(b, i, kept.id, 7));
        assertTrue(kept.orphan);
        assertEquals(7, kept.orphanOwner);
        assertFalse(kept.deleted);
        assertSame(kept, state.node(kept.id));
        assertNull(state.root.children.get(kept.name));
        assertEquals(fresh + 2, usedAus(), "an orphan keeps its space");
        assertEquals(TS + 2, state.root.updatedMs);

        apply(RecordType.FREE_ORPHAN, TS + 3, (b, i) -> Records.nodeOnly(b, i, kept.id));
        assertTrue(kept.deleted);
        assertNull(state.node(kept.id));
        assertEquals(fresh, usedAus());
    }

    @Test
    void shouldRoundTripRemoveTreeKeepingOnlyTheNamedOrphans()
    {
        final long fresh = usedAus();
        final Node dir = create(MetadataState.ROOT_ID, 2, FileType.DIRECTORY, "dir", null);
        final Node open = fileWithTwoAus(3);
        final Node closed = fileWithTwoAus(4);
        apply(RecordType.RENAME, TS, (b, i) -> Records.rename(b, i, open.id, dir.id, "open"));
        apply(RecordType.RENAME, TS, (b, i) -> Records.rename(b, i, closed.id, dir.id, "closed"));

        apply(RecordType.REMOVE_TREE, TS + 1, (b, i) -> Records.removeTree(b, i, dir.id, 5, new long[]{open.id}));
        assertTrue(dir.deleted);
        assertTrue(closed.deleted);
        assertFalse(open.deleted);
        assertTrue(open.orphan);
        assertEquals(5, open.orphanOwner);
        assertNull(state.root.children.get("dir"));
        assertEquals(fresh + 2, usedAus(), "only the kept file holds space");
    }

    @Test
    void shouldRoundTripRename()
    {
        final Node dir = create(MetadataState.ROOT_ID, 2, FileType.DIRECTORY, "dir", null);
        final Node file = create(MetadataState.ROOT_ID, 3, FileType.FILE, "old", null);
        apply(RecordType.RENAME, TS + 5, (b, i) -> Records.rename(b, i, file.id, dir.id, "new-name"));
        assertEquals("new-name", file.name);
        assertEquals(dir.id, file.parentId);
        assertSame(file, dir.children.get("new-name"));
        assertNull(state.root.children.get("old"));
        assertEquals(TS + 5, dir.updatedMs);
        assertEquals(TS + 5, state.root.updatedMs);
    }

    @Test
    void shouldRoundTripAllocateOfSeveralRuns()
    {
        final long fresh = usedAus();
        final Node file = create(MetadataState.ROOT_ID, 2, FileType.FILE, "f", null);
        apply(RecordType.ALLOCATE, TS + 9, (b, i) -> Records.allocate(b, i, file.id, new long[]{0, 5, 9},
            new long[]{physicalAu(0, 20), physicalAu(0, 30), physicalAu(0, 40)}, new long[]{3, 1, 2}, 3));
        final ExtentMap extents = file.extents;
        assertEquals(3, extents.runCount());
        assertEquals(0, extents.runFileAu(0));
        assertEquals(physicalAu(0, 20), extents.runPhysicalAu(0));
        assertEquals(3, extents.runCount(0));
        assertEquals(5, extents.runFileAu(1));
        assertEquals(physicalAu(0, 30), extents.runPhysicalAu(1));
        assertEquals(1, extents.runCount(1));
        assertEquals(9, extents.runFileAu(2));
        assertEquals(physicalAu(0, 40), extents.runPhysicalAu(2));
        assertEquals(2, extents.runCount(2));
        assertEquals(fresh + 6, usedAus());
        assertTrue(state.volumes[0].space.isUsed(22));
        assertFalse(state.volumes[0].space.isUsed(23));
        assertEquals(TS + 9, file.updatedMs);
    }

    @Test
    void shouldRoundTripSetSize()
    {
        final Node file = create(MetadataState.ROOT_ID, 2, FileType.FILE, "f", null);
        apply(RecordType.SET_SIZE, TS + 4, (b, i) -> Records.setSize(b, i, file.id, 0x1_0000_0001L, 0x1_0000L));
        assertEquals(0x1_0000_0001L, file.size);
        assertEquals(0x1_0000L, file.writtenSize);
        assertEquals(TS + 4, file.updatedMs);
    }

    @Test
    void shouldRoundTripTruncateFreeingWholeAusPastTheNewEnd()
    {
        final long fresh = usedAus();
        final Node file = fileWithTwoAus(2);
        apply(RecordType.SET_SIZE, TS, (b, i) -> Records.setSize(b, i, file.id, 2L * AU_SIZE, 2L * AU_SIZE));
        apply(RecordType.TRUNCATE, TS + 6, (b, i) -> Records.truncate(b, i, file.id, AU_SIZE - 1));
        assertEquals(AU_SIZE - 1, file.size);
        assertEquals(AU_SIZE - 1, file.writtenSize);
        assertEquals(1, file.extents.allocatedAus());
        assertEquals(fresh + 1, usedAus());
        assertEquals(TS + 6, file.updatedMs);
    }

    @Test
    void shouldRoundTripAddAndRemoveVolume()
    {
        apply(RecordType.ADD_VOLUME, TS, (b, i) -> Records.addVolume(b, i, 7, 1234, VOLUME_UUID, "/dev/d\u00e9"));
        final VolumeEntry volume = state.volumes[7];
        assertEquals(7, volume.id);
        assertEquals(1234, volume.auCount);
        assertEquals(VOLUME_UUID, volume.uuid);
        assertEquals("/dev/d\u00e9", volume.path);
        assertEquals(1234, volume.space.auCount());

        apply(RecordType.REMOVE_VOLUME, TS, (b, i) -> Records.removeVolume(b, i, 7));
        assertNull(state.volumes[7]);
        assertEquals(1, state.volumeList().size());
    }
}
