package io.respool.testsupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class TempDssHomeTest
{
    private enum Mode
    {
        SHARE_DISK
    }

    @TempDir
    Path dir;

    @Test
    void shouldWriteBothFilesInTheOrderGiven() throws Exception
    {
        final Path home = dir.resolve("dss0/dssdba");
        final TempDssHome dssHome = TempDssHome.at(home).instanceId(1).logLevel(255)
            .nodesList("0:127.0.0.1:17102, 1:127.0.0.1:18102").diskLockFilePath(dir).listenerPath(dir.resolve("l"))
            .storageMode(Mode.SHARE_DISK).set("_LOG_MAX_FILE_SIZE", "20M").instanceId(0)
            .vgComment("volume groups").volumeGroup("data", dir.resolve("a.img")).volumeGroup("log", dir.resolve("b"));

        assertEquals(home, dssHome.write());
        assertEquals("INST_ID=0\n_LOG_LEVEL=255\nDSS_NODES_LIST=0:127.0.0.1:17102, 1:127.0.0.1:18102\n" +
            "DISK_LOCK_FILE_PATH=" + dir + "\nLSNR_PATH=" + dir.resolve("l") + "\nSTORAGE_MODE=SHARE_DISK\n" +
            "_LOG_MAX_FILE_SIZE=20M\n", Files.readString(home.resolve("cfg/dss_inst.ini")));
        assertEquals("# volume groups\ndata:" + dir.resolve("a.img") + "\nlog:" + dir.resolve("b") + "\n",
            Files.readString(home.resolve("cfg/dss_vg_conf.ini")));
        assertEquals(home.resolve("cfg/dss_inst.ini"), dssHome.instIni());
        assertEquals(Map.of("DSS_HOME", home.toString()), dssHome.env());
    }

    @Test
    void shouldLeaveOutTheInstanceFileWhenNoKeyIsSet() throws Exception
    {
        final Path home = TempDssHome.at(dir.resolve("home")).volumeGroup("data", dir.resolve("vol")).write();

        assertFalse(Files.exists(home.resolve("cfg/dss_inst.ini")));
        assertEquals("data:" + dir.resolve("vol") + "\n", Files.readString(home.resolve("cfg/dss_vg_conf.ini")));
    }
}
