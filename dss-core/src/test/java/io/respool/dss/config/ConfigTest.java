package io.respool.dss.config;

import io.respool.common.NodeAddress;
import io.respool.dss.Dss;
import io.respool.dss.DssException;
import io.respool.dss.ErrorCode;
import io.respool.blockdev.BlockDevices;
import io.respool.testsupport.TempDssHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class ConfigTest
{
    @TempDir
    Path dir;

    private static ConfigException parseFails(final String... lines)
    {
        return assertThrows(ConfigException.class, () -> InstanceConfig.parse("dss_inst.ini", List.of(lines)));
    }

    @Test
    void shouldParseTheGuidesInstanceFileWithTheOldLockKey()
    {
        final InstanceConfig config = InstanceConfig.parse("dss_inst.ini", List.of(
            "INST_ID=1",
            "_LOG_LEVEL=255",
            "DSS_NODES_LIST=0:127.0.0.1:17102, 1:127.0.0.1:18102",
            "DISK_LOCK_FILE_PATH=/home/test/dss/dss0",
            "LSNR_PATH=/home/test/dss/dss1",
            "_LOG_MAX_FILE_SIZE=20M",
            "_LOG_BACKUP_FILE_COUNT=128"));
        assertEquals(1, config.instanceId());
        assertEquals(List.of(new NodeAddress(0, "127.0.0.1", 17102), new NodeAddress(1, "127.0.0.1", 18102)),
            config.nodes());
        assertEquals(Path.of("/home/test/dss/dss0"), config.diskLockFilePath());
        assertEquals(Path.of("/home/test/dss/dss1"), config.listenerPath());
        assertEquals(255, config.logLevel());
        assertEquals(20L << 20, config.logMaxFileSize());
        assertEquals(128, config.logBackupFileCount());
        assertEquals(StorageMode.DISK, config.storageMode());
        assertEquals(List.of(), config.warnings());
    }

    @Test
    void shouldPreferTheNewLockKeyWhicheverLineComesFirst()
    {
        final InstanceConfig config = InstanceConfig.parse("dss_inst.ini", List.of(
            "_DISK_LOCK_FILE_PATH=/new", "DISK_LOCK_FILE_PATH=/old", "STORAGE_MODE=share_disk"));
        assertEquals(Path.of("/new"), config.diskLockFilePath());
        assertEquals(StorageMode.SHARE_DISK, config.storageMode());
    }

    @Test
    void shouldWarnNotFailOnAnUnknownKey()
    {
        final InstanceConfig config = InstanceConfig.parse("dss_inst.ini", List.of("# comment", "", "NO_SUCH_KEY=1",
            "MES_WAIT_TIMEOUT=10000"));
        assertEquals(1, config.warnings().size());
        assertTrue(config.warnings().get(0).contains("line=3") && config.warnings().get(0).contains("NO_SUCH_KEY"),
            config.warnings().toString());
    }

    @Test
    void shouldNameTheLineOfABadValue()
    {
        assertTrue(parseFails("INST_ID=64").getMessage().contains("line=1"));
        assertTrue(parseFails("X", "INST_ID=0").getMessage().contains("not KEY=VALUE"));
        assertTrue(parseFails("STORAGE_MODE=RAID").getMessage().contains("SHARE_DISK"));
        assertTrue(parseFails("DSS_NODES_LIST=0:127.0.0.1:1611,2:127.0.0.1:1612").getMessage()
            .contains("expectedId=1"));
        assertTrue(parseFails("DSS_NODES_LIST=0:127.0.0.1:0").getMessage().contains("range"));
        assertTrue(parseFails("INST_ID=1", "DSS_NODES_LIST=0:127.0.0.1:1611").getMessage()
            .contains("INST_ID is not in DSS_NODES_LIST"));
        assertTrue(parseFails("_LOG_MAX_FILE_SIZE=20Q").getMessage().contains("not a size"));
    }

    @Test
    void shouldRejectDuplicateVolumeGroupNamesAndVolumesWithBothLines(@TempDir final Path tmp)
    {
        final ConfigException name = assertThrows(ConfigException.class, () -> VgConfig.parse(tmp.resolve("f"),
            List.of("# vgs", "data:/dev/sdb", "", "data:/dev/sdc")));
        assertTrue(name.getMessage().contains("line=4") && name.getMessage().contains("firstLine=2"),
            name.getMessage());
        final ConfigException volume = assertThrows(ConfigException.class, () -> VgConfig.parse(tmp.resolve("f"),
            List.of("data:/dev/sdb", "log:/dev//sdb")));
        assertTrue(volume.getMessage().contains("volume named twice") && volume.getMessage().contains("line=2"),
            volume.getMessage());
        assertTrue(assertThrows(ConfigException.class, () -> VgConfig.parse(tmp.resolve("f"),
            List.of("data:relative/path"))).getMessage().contains("absolute"));
        final VgConfig ok = VgConfig.parse(tmp.resolve("f"), List.of(" data : /dev/sdb ", "log:/dev/sdc"));
        assertEquals("data", ok.entries().get(0).name());
        assertEquals(Path.of("/dev/sdb"), ok.entries().get(0).entryVolume());
        assertEquals(2, ok.entries().get(1).line());
    }

    @Test
    void shouldOpenTheVolumeGroupsOfAHomeAndNameAMissingOne() throws IOException
    {
        final Path image = dir.resolve("dss-dba");
        BlockDevices.createSparseImage(image, 256L << 20);
        Dss.createVolumeGroup("data", image, 2 << 20);
        final Path home = TempDssHome.at(dir.resolve("dss0/dssdba")).volumeGroup("data", image).write();
        try (Dss dss = Dss.open(home))
        {
            dss.mkdir("+data/x");
            final DssException missing = assertThrows(DssException.class, () -> dss.mkdir("+log/x"));
            assertEquals(ErrorCode.NOT_FOUND, missing.errorCode());
            assertTrue(missing.getMessage().contains("vg=log") && missing.getMessage().contains("dss_vg_conf.ini"),
                missing.getMessage());
        }
        TempDssHome.at(home).volumeGroup("log", image).write();
        final DssException renamed = assertThrows(DssException.class, () -> Dss.open(home));
        assertEquals(ErrorCode.CONFIG, renamed.errorCode());
        assertTrue(renamed.getMessage().contains("configured=log") && renamed.getMessage().contains("onDisk=data"),
            renamed.getMessage());
        final DssException noHome = assertThrows(DssException.class, () -> Dss.open(dir.resolve("nowhere")));
        assertEquals(ErrorCode.CONFIG, noHome.errorCode());
        Files.delete(home.resolve("cfg/dss_vg_conf.ini"));
        assertTrue(assertThrows(DssException.class, () -> Dss.open(home)).getMessage()
            .contains("missing dss_vg_conf.ini"));
    }
}
