package io.respool.dss.engine;

import io.respool.dss.FileType;

import java.util.UUID;

import static io.respool.dss.format.EntryVolumeLayout.physicalAu;

/**
 * A small metadata state with every kind of node and checkpoint field: two volumes, a directory, a file with two
 * runs on two volumes, a link, and an orphan kept by instance 3.
 */
final class CheckpointSample
{
    static final int AU_SIZE = 2 * 1024 * 1024;
    static final UUID VOLUME_0 = new UUID(0x0102030405060708L, 0x1112131415161718L);
    static final UUID VOLUME_1 = new UUID(0x2122232425262728L, 0x3132333435363738L);

    private CheckpointSample()
    {
    }

    static MetadataState state()
    {
        final MetadataState state = new MetadataState(AU_SIZE);
        state.volumes[0] = new VolumeEntry(0, VOLUME_0, 64, "/img/v0");
        state.volumes[1] = new VolumeEntry(1, VOLUME_1, 32, "/img/v1");
        state.createRoot("data", 1000);

        final Node dir = node(state, state.root, 2, FileType.DIRECTORY, "d", 1001, null);
        final Node file = node(state, dir, 3, FileType.FILE, "f", 1002, null);
        file.extents = ExtentMap.EMPTY.with(0, physicalAu(0, 5), 2).with(4, physicalAu(1, 3), 1);
        state.markUsed(physicalAu(0, 5), 2);
        state.markUsed(physicalAu(1, 3), 1);
        file.size = 5L * AU_SIZE - 7;
        file.writtenSize = 4L * AU_SIZE;
        node(state, state.root, 4, FileType.LINK, "ln", 1003, "d/f");

        final Node orphan = new Node(5, FileType.FILE, "gone", dir.id, 1004, null);
        orphan.orphan = true;
        orphan.orphanOwner = 3;
        orphan.extents = ExtentMap.EMPTY.with(0, physicalAu(1, 10), 1);
        state.markUsed(physicalAu(1, 10), 1);
        orphan.size = 100;
        orphan.writtenSize = 90;
        state.nodes.put(orphan.id, orphan);

        file.updatedMs = 2002;
        dir.updatedMs = 2001;
        state.root.updatedMs = 2000;
        state.nextNodeId = 6;
        return state;
    }

    private static Node node(final MetadataState state, final Node parent, final long id, final FileType type,
        final String name, final long createdMs, final String target)
    {
        final Node node = new Node(id, type, name, parent.id, createdMs, target);
        state.attach(parent, node, createdMs);
        state.nodes.put(id, node);
        return node;
    }
}
