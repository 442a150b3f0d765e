package io.respool.dss.engine;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * A test's {@link ManualClockVolumeGroup} of two instances, {@code a} (0) and {@code b} (1), made before each test
 * and closed after it.
 */
abstract class TwoPeersFixture
{
    @TempDir
    Path dir;

    ManualClockVolumeGroup group;
    ManualClockVolumeGroup.Peer a;
    ManualClockVolumeGroup.Peer b;

    @BeforeEach
    void setUpPeers()
    {
        group = new ManualClockVolumeGroup(dir, 2);
        a = group.peer(0);
        b = group.peer(1);
    }

    @AfterEach
    void closePeers()
    {
        group.close();
    }
}
