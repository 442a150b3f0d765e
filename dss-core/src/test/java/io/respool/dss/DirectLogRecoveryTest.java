package io.respool.dss;

import io.respool.dss.engine.VolumeGroupFormatter;
import io.respool.dss.engine.Volumes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.respool.dss.DssTestSupport.AU;
import static io.respool.dss.DssTestSupport.image;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Recovery of a wrapped redo log of a size other than the default: the image is written through the mapped backend
 * (whose records are padded to 512 bytes, so the log's tail and end need not fall on a 4 KiB block), copied while the
 * volume group is open (what a crash leaves), and the copy must open on either backend with every acknowledged
 * change. The direct backend can only write whole 4 KiB blocks.
 */
@Timeout(120)
class DirectLogRecoveryTest
{
    @TempDir
    Path dir;

    @AfterEach
    void clearBackend()
    {
        System.clearProperty(Volumes.BACKEND_PROP_NAME);
    }

    @ParameterizedTest
    @ValueSource(strings = {"MAPPED", "DIRECT"})
    void shouldRecoverAWrappedSmallLogAfterACrashAtAnyPoint(final String recoveryBackend) throws IOException
    {
        System.setProperty(Volumes.BACKEND_PROP_NAME, "MAPPED");
        final Path volume = image(dir, "vol0", 16L * AU);
        VolumeGroupFormatter.format("data", volume, AU, 192 * 1024, Volumes.fromSystemProperties());
        try (Dss dss = Dss.openVolumeGroup("data", volume))
        {
            for (int i = 0; i < 800; i++)
            {
                dss.createFile("+data/file-with-a-long-name-" + i);
                if (i % 61 == 60)
                {
                    crashCopyMustRecover(volume, i, recoveryBackend);
                }
            }
        }
    }

    private void crashCopyMustRecover(final Path volume, final int last, final String backend) throws IOException
    {
        final Path copy = dir.resolve("crash-" + last);
        Files.copy(volume, copy);
        System.setProperty(Volumes.BACKEND_PROP_NAME, backend);
        try (Dss dss = Dss.openVolumeGroup("data", copy))
        {
            for (int i = 0; i <= last; i++)
            {
                assertTrue(dss.exists("+data/file-with-a-long-name-" + i), "lost after crash at " + last + ": " + i);
            }
            assertEquals(List.of(), dss.volumeGroup("data").check(), "check after crash at " + last);
        }
        finally
        {
            System.setProperty(Volumes.BACKEND_PROP_NAME, "MAPPED");
        }
        Files.delete(copy);
    }
}
