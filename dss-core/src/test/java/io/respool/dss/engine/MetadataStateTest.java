package io.respool.dss.engine;

import io.respool.dss.DssException;
import io.respool.dss.ErrorCode;
import io.respool.dss.FileType;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.UUID;

import static io.respool.dss.engine.CheckpointSample.AU_SIZE;
import static io.respool.dss.format.EntryVolumeLayout.physicalAu;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@link MetadataState} does around the records it applies: frees held until their record is durable, foreign
 * records, adopting a newer checkpoint, and records that do not fit the state.
 */
@Timeout(10)
class MetadataStateTest
{
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[Records.MAX_PAYLOAD]);
    private final MetadataState state = CheckpointSample.state();
    /** The file {@code /d/f} of the sample: 3 AUs, 2 on volume 0 and 1 on volume 1. */
    private final Node file = state.node(3);

    private long used(final int volumeId)
    {
        return state.volumes[volumeId].space.usedCount();
    }

    private void remove(final long nodeId)
    {
        Records.remove(buffer, 0, nodeId, -1);
        state.apply(RecordType.REMOVE, buffer, 0, 5000);
    }

    private DssException applyFails(final RecordType type)
    {
        return assertThrows(DssException.class, () -> state.apply(type, buffer, 0, 5000));
    }

    @Test
    void shouldFreeAtOnceWhileNotDeferring()
    {
        final long before = used(0);
        remove(file.id);
        assertEquals(before - 2, used(0));
        assertEquals(0, state.pendingFreesLsn());
    }

    @Test
    void shouldHoldFreesUntilTheirRecordIsDurable()
    {
        final long before0 = used(0);
        final long before1 = used(1);
        state.deferFrees();
        remove(file.id);
        assertTrue(file.deleted);
        assertEquals(before0, used(0), "freed AUs stay in use until the REMOVE is durable");
        assertEquals(0, state.pendingFreesLsn(), "not yet tagged with an LSN");

        state.freesLoggedAt(4096);
        assertEquals(4096, state.pendingFreesLsn());
        state.releaseFrees(4095);
        assertEquals(before0, used(0));
        state.releaseFrees(4096);
        assertEquals(before0 - 2, used(0));
        assertEquals(before1 - 1, used(1));
        assertEquals(0, state.pendingFreesLsn());
    }

    @Test
    void shouldNeverLowerASizeBySetSizeOnlyByTruncate()
    {
        final long grown = file.size + 2L * AU_SIZE;
        Records.setSize(buffer, 0, file.id, grown, grown - 1);
        state.apply(RecordType.SET_SIZE, buffer, 0, 5000);
        Records.setSize(buffer, 0, file.id, file.size - AU_SIZE, file.size - AU_SIZE);
        state.apply(RecordType.SET_SIZE, buffer, 0, 5001);
        assertEquals(grown, file.size, "another instance's smaller view of a growing file, logged later");
        assertEquals(grown - 1, file.writtenSize);

        Records.truncate(buffer, 0, file.id, AU_SIZE);
        state.apply(RecordType.TRUNCATE, buffer, 0, 5002);
        assertEquals(AU_SIZE, file.size);
        assertEquals(AU_SIZE, file.writtenSize);
    }

    @Test
    void shouldTagOnlyTheFreesOfTheLastRecord()
    {
        state.deferFrees();
        remove(file.id);
        state.freesLoggedAt(100);
        Records.truncate(buffer, 0, 5, 0);
        state.apply(RecordType.TRUNCATE, buffer, 0, 5000);
        state.freesLoggedAt(200);
        assertEquals(200, state.pendingFreesLsn());
        final long before = used(1);
        state.releaseFrees(100);
        assertEquals(before - 1, used(1), "the REMOVE's run on volume 1 is back, the orphan's not yet");
        state.releaseFrees(200);
        assertEquals(before - 2, used(1));
    }

    @Test
    void shouldFreeAtOnceAndCollectRemovedVolumesWhenApplyingForeignRecords()
    {
        final long before = used(0);
        state.deferFrees();
        state.applyingForeign(true);
        remove(file.id);
        assertEquals(before - 2, used(0), "another instance's record is already durable");

        final VolumeEntry volume1 = state.volumes[1];
        Records.removeVolume(buffer, 0, 1);
        state.apply(RecordType.REMOVE_VOLUME, buffer, 0, 5000);
        assertNull(state.volumes[1]);
        assertNull(volume1.device);
        state.closeRemovedDevices();
        assertEquals(1, state.volumeList().size());
    }

    @Test
    void shouldAdoptANewerStateKeepingTheNodesThatHandlesHold()
    {
        final MetadataState fresh = CheckpointSample.state();
        fresh.node(3).size = 12345;
        fresh.node(3).writtenSize = 12000;
        fresh.node(3).name = "renamed";
        fresh.node(2).children.remove("f");
        fresh.node(2).children.put("renamed", fresh.node(3));
        fresh.nodes.remove(4L);
        fresh.root.children.remove("ln");
        fresh.nextNodeId = 99;
        fresh.volumes[1] = null;
        final Node link = state.node(4);
        final Node dir = state.node(2);
        dir.sizeDirty = true;
        dir.size = 777;

        state.adopt(fresh);

        assertSame(file, state.node(3), "the live object stays");
        assertEquals("renamed", file.name);
        assertEquals(12345, file.size);
        assertEquals(12000, file.writtenSize);
        assertSame(file, state.node(2).children.get("renamed"));
        assertNull(state.node(2).children.get("f"));
        assertTrue(link.deleted, "a node gone from the newer state is deleted");
        assertNull(state.node(4));
        assertEquals(777, dir.size, "a size not yet logged is newer than the checkpoint");
        assertEquals(99, state.nextNodeId);
        assertSame(state.node(MetadataState.ROOT_ID), state.root);
        assertNull(state.volumes[1]);
        assertFalse(state.node(5).deleted);
        assertNull(state.node(2).children.get("gone"), "an orphan stays out of the tree");
    }

    @Test
    void shouldRefuseARecordNamingAMissingNode()
    {
        Records.setSize(buffer, 0, 77, 1, 1);
        final DssException ex = applyFails(RecordType.SET_SIZE);
        assertEquals(ErrorCode.CORRUPT, ex.errorCode());
        assertEquals("redo record names a missing node: type=SET_SIZE, nodeId=77", ex.getMessage());
    }

    @Test
    void shouldRefuseACreateBelowAFile()
    {
        Records.create(buffer, 0, file.id, 50, FileType.FILE, "child", null);
        assertEquals("parent is not a directory: parentId=3, child=child",
            applyFails(RecordType.CREATE).getMessage());
    }

    @Test
    void shouldRefuseAnAllocationOnAVolumeNotInTheGroup()
    {
        Records.allocate(buffer, 0, file.id, new long[]{9}, new long[]{physicalAu(9, 3)}, new long[]{1}, 1);
        assertEquals("AU on a volume not in the group: volumeId=9, au=3",
            applyFails(RecordType.ALLOCATE).getMessage());
    }

    @Test
    void shouldCreateTheRootAsADirectoryNamedAfterTheGroup()
    {
        final MetadataState empty = new MetadataState(AU_SIZE);
        empty.volumes[0] = new VolumeEntry(0, new UUID(1, 1), 8, "/v");
        empty.createRoot("vg", 42);
        assertSame(empty.root, empty.node(MetadataState.ROOT_ID));
        assertEquals(FileType.DIRECTORY, empty.root.type);
        assertEquals("vg", empty.root.name);
        assertEquals(42, empty.root.createdMs);
        assertEquals(MetadataState.ROOT_ID + 1, empty.nextNodeId);
        assertEquals(1, empty.volumes[0].space.usedCount(), "AU 0 is the system area");
    }
}
