package io.respool.dss.nio;

import io.respool.dss.config.StorageMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Path;

import static io.respool.dss.nio.NioTestSupport.newDssHome;

/**
 * A test's DSS file system: a home in a temporary directory with one volume group, {@code data}, opened before
 * each test and closed after it, in the {@link #storageMode()} of the test class.
 */
abstract class OneVolumeGroupFixture
{
    @TempDir
    Path dir;
    FileSystem fs;

    @BeforeEach
    void openFileSystem() throws IOException
    {
        fs = NioTestSupport.open(newDssHome(dir, storageMode(), "data"));
    }

    /**
     * @return how the instances of the test's volume group share it: DISK unless a subclass says otherwise.
     */
    StorageMode storageMode()
    {
        return StorageMode.DISK;
    }

    @AfterEach
    void closeFileSystem() throws IOException
    {
        if (fs != null)
        {
            fs.close();
        }
    }
}
