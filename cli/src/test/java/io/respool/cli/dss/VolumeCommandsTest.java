package io.respool.cli.dss;

import io.respool.blockdev.BlockDevices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class VolumeCommandsTest
{
    @TempDir
    Path dir;

    @Test
    void shouldCreateVolumeGroupWithDefaultAuSize()
    {
        final TestHome home = TestHome.createWithVolumeGroups(dir, "data");
        final DssCmdRunner.Result result = home.dsscmd("showdisk", "-g", "data", "-s", "vg_header")
            .assertSuccess("Succeed to printf dss metadata.");
        assertTrue(result.outLines().contains("  au_size = 8388608"), result.describe());
        assertTrue(result.outLines().contains("  vg_name = data"), result.describe());
    }

    @Test
    void shouldCreateVolumeGroupWithGivenAuSizeInKb()
    {
        final TestHome home = TestHome.create(dir, "data");
        home.dsscmd("cv", "-g", "data", "-v", home.image("data").toString(), "-s", "2048")
            .assertSuccess("Succeed to create volume group data, entry volume is " + home.image("data") + ".");
        final DssCmdRunner.Result result = home.dsscmd("showdisk", "-g", "data", "-s", "vg_header").assertSuccess();
        assertTrue(result.outLines().contains("  au_size = 2097152"), result.describe());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1024", "3000", "131072", "-8192", "99999999999"})
    void shouldRejectAuSizeOutOfRangeOrNotPowerOfTwo(final String auSizeKb)
    {
        final TestHome home = TestHome.create(dir, "data");
        home.dsscmd("cv", "-g", "data", "-v", home.image("data").toString(), "-s", auSizeKb)
            .assertError("cv: invalid au_size", "2048KB", "65536KB");
    }

    @Test
    void shouldRejectAuSizeThatIsNotANumber()
    {
        final TestHome home = TestHome.create(dir, "data");
        home.dsscmd("cv", "-g", "data", "-v", home.image("data").toString(), "-s", "8M")
            .assertError("cv: ", "au_size", "see dsscmd cv -h");
    }

    @Test
    void shouldRefuseAsOpenGaussDoesWhenVgNotInConfig()
    {
        final TestHome home = TestHome.create(dir, "data");
        final Path image = home.image("extra");
        final DssCmdRunner.Result result = home.dsscmd("cv", "-g", "extra", "-v", image.toString())
            .assertError("cv: volume group is not in dss_vg_conf.ini", "vg=extra", "add the line extra:" + image);
        assertEquals(List.of("Failed to create volume group, vg name is extra, volume path is " + image + ".",
            " detail reason [2000] : Create volume group extra failed, reason Failed to find vg info from config"),
            result.outLines());
        assertFalse(ConfiguredGroups.isCreated(image), "cv formatted a volume group it refused");
    }

    @Test
    void shouldRefuseAsOpenGaussDoesWhenHomeHasNoVgConfig() throws IOException
    {
        final TestHome home = TestHome.create(dir);
        Files.delete(home.vgConf());
        final DssCmdRunner.Result result = home.dsscmd("cv", "-g", "data", "-v", home.image("data").toString())
            .assertError("cv: no dss_vg_conf.ini", "create it with the line data:" + home.image("data"));
        assertEquals(List.of("Failed to create volume group, vg name is data, volume path is " + home.image("data") +
            ".", " detail reason [2190] : The file " + home.vgConf() + " of config does not exist"), result.outLines());
        assertFalse(ConfiguredGroups.isCreated(home.image("data")), "cv formatted a volume group it refused");
    }

    @Test
    void shouldRefuseWhenVgConfiguredWithAnotherVolume()
    {
        final TestHome home = TestHome.create(dir, "data");
        final Path other = home.image("other");
        home.dsscmd("cv", "-g", "data", "-v", other.toString())
            .assertError("cv: volume group is configured with another entry volume", "configured=" +
                home.image("data"), "given=" + other, "line=2", "pass -v " + home.image("data"));
        assertEquals(List.of("Failed to create volume group, vg name is data, volume path is " + other + ".",
            " detail reason [2000] : Create volume group data failed, reason Failed to cmp super-block name with " +
            "entry_path config in dss_vg_conf."), home.dsscmd("cv", "-g", "data", "-v", other.toString()).outLines());
        home.dsscmd("ls", "-p", "+data").assertError("ls: volume group is not created", "vg=data", "dsscmd cv");
    }

    @Test
    void shouldRefuseWhenVolumeConfiguredForAnotherVg()
    {
        final TestHome home = TestHome.create(dir, "data");
        home.dsscmd("cv", "-g", "log", "-v", home.image("data").toString())
            .assertError("cv: volume is configured for another volume group", "configuredVg=data", "pass -g data");
    }

    @Test
    void shouldRefuseVolumeThatAlreadyBelongsToAVolumeGroup()
    {
        final TestHome home = TestHome.createWithVolumeGroups(dir, "data");
        home.dsscmd("cv", "-g", "data", "-v", home.image("data").toString())
            .assertError("cv: volume already belongs to a volume group", "vg=data", "ALREADY_EXISTS");
    }

    @Test
    void shouldRefuseBadVgNameAndMissingVolume() throws IOException
    {
        final TestHome home = TestHome.create(dir);
        Files.writeString(home.vgConf(), "bad/name:" + home.image("x") + "\ndata:" + dir.resolve("missing.img") + "\n");
        home.dsscmd("cv", "-g", "bad/name", "-v", home.image("x").toString()).assertError("cv: ", "bad/name");
        home.dsscmd("cv", "-g", "data", "-v", dir.resolve("missing.img").toString())
            .assertError("cv: ", "missing.img", "truncate -s");
    }

    @Test
    void shouldListVolumeGroupsAsOpenGaussTable()
    {
        final TestHome home = TestHome.createWithVolumeGroups(dir, "data", "log");
        final List<String> lines = home.dsscmd("lsvg").assertSuccess("Succeed to display lsvg info.").outLines();
        assertEquals(4, lines.size());
        assertEquals(List.of("vg_name", "volume_count", "size", "free", "used", "percent(%)"),
            List.of(lines.get(0).split("\\s+")));
        final String[] data = lines.get(1).split("\\s+");
        assertEquals("data", data[0]);
        assertEquals("1", data[1]);
        assertEquals("1073741824.00000", data[2]);
        assertEquals(Double.parseDouble(data[2]), Double.parseDouble(data[3]) + Double.parseDouble(data[4]), 0.001);
        assertTrue(data[5].matches("\\d+\\.\\d\\d"), data[5]);
        assertTrue(lines.get(2).startsWith("log "), lines.get(2));
    }

    @Test
    void shouldPadTheVgNameColumnTo64AsOpenGaussDoesSince2024()
    {
        final String name = "a".repeat(63);
        final TestHome home = TestHome.createWithVolumeGroups(dir, "data", name);
        final List<String> lines = home.dsscmd("lsvg").assertSuccess("Succeed to display lsvg info.").outLines();
        assertEquals(String.format("%-64s%-20s%-20s %-20s %-20s %s", "vg_name", "volume_count", "size", "free",
            "used", "percent(%)"), lines.get(0));
        assertTrue(lines.get(1).startsWith(String.format("%-64s%-20s1073741824.00000 ", "data", "1")), lines.get(1));
        assertTrue(lines.get(2).startsWith(name + " 1" + " ".repeat(19) + "1073741824.00000 "), lines.get(2));
    }

    @Test
    void shouldShowSizesInTheUnitGivenWithDashM()
    {
        final TestHome home = TestHome.createWithVolumeGroups(dir, "data");
        assertEquals("1024.00000", home.dsscmd("lsvg", "-m", "M").assertSuccess().outLines().get(1).split("\\s+")[2]);
        assertEquals("1.00000", home.dsscmd("lsvg", "-m", "G").assertSuccess().outLines().get(1).split("\\s+")[2]);
        assertEquals("1048576.00000", home.dsscmd("lsvg", "-m", "K").assertSuccess().outLines().get(1)
            .split("\\s+")[2]);
        home.dsscmd("lsvg", "-m", "Q").assertError("lsvg: ", "measure_type");
        home.dsscmd("lsvg", "-t", "x").assertError("lsvg: invalid show_type", "use t (table) or d (detail)");
    }

    @Test
    void shouldShowEveryVolumeWithDashTD()
    {
        final TestHome home = TestHome.createWithVolumeGroups(dir, "data");
        final Path extra = home.image("extra");
        home.dsscmd("adv", "-g", "data", "-v", extra.toString()).assertSuccess();
        final List<String> lines = home.dsscmd("lsvg", "-t", "d", "-m", "M")
            .assertSuccess("Succeed to display lsvg info.").outLines();
        assertEquals("vg_name:data", lines.get(0));
        assertEquals("   volume_count:2", lines.get(1));
        assertEquals("   volumes:", lines.get(2));
        assertEquals("      volume_name:" + home.image("data"), lines.get(3));
        assertEquals("      volume_name:" + extra, lines.get(7));
        assertEquals("      volume_size:1024.00000", lines.get(9));
        assertEquals("   vg_size:2048.00000", lines.get(11));
    }

    @Test
    void shouldAddAndRemoveVolume()
    {
        final TestHome home = TestHome.createWithVolumeGroups(dir, "data");
        final Path extra = home.image("extra");
        home.dsscmd("adv", "-g", "data", "-v", extra.toString(), "-f")
            .assertSuccess("Succeed to add volume offline, vg_name is data, volume path is " + extra +
                ", volume id is 1.");
        assertEquals("2", home.dsscmd("lsvg").assertSuccess().outLines().get(1).split("\\s+")[1]);
        home.dsscmd("adv", "-g", "data", "-v", extra.toString()).assertError("adv: ", "already", extra.toString());
        home.dsscmd("rmv", "-g", "data", "-v", extra.toString())
            .assertSuccess("Succeed to remove volume offline, vg_name is data, volume name is " + extra + ".");
        assertEquals("1", home.dsscmd("lsvg").assertSuccess().outLines().get(1).split("\\s+")[1]);
        home.dsscmd("rmv", "-g", "data", "-v", extra.toString()).assertError("rmv: volume not in the volume group",
            "lsvg -t d");
    }

    @Test
    void shouldRefuseToRemoveEntryVolumeOrUseUnknownVg()
    {
        final TestHome home = TestHome.createWithVolumeGroups(dir, "data");
        home.dsscmd("rmv", "-g", "data", "-v", home.image("data").toString())
            .assertError("rmv: the entry volume cannot be removed", "VOLUME_IN_USE");
        home.dsscmd("adv", "-g", "nope", "-v", home.image("extra").toString())
            .assertError("adv: no such volume group: vg=nope", "dss_vg_conf.ini");
    }

    @Test
    void shouldReportCleanVolumeGroupWhenChecked()
    {
        final TestHome home = TestHome.createWithVolumeGroups(dir, "data", "log");
        home.dsscmd("mkdir", "-p", "+data", "-d", "base").assertSuccess();
        home.dsscmd("check", "-g", "data").assertSuccess("Succeed to check volume group data, no problem found.");
        final List<String> lines = home.dsscmd("check").assertSuccess().outLines();
        assertEquals(List.of("Succeed to check volume group data, no problem found.",
            "Succeed to check volume group log, no problem found."), lines);
    }

    @Test
    void shouldReportProblemsAndExitOneWhenCheckFindsDamage() throws IOException
    {
        final TestHome home = TestHome.createWithVolumeGroups(dir, "data");
        corruptRootCopyA(home.image("data"));
        final DssCmdRunner.Result result = home.dsscmd("check", "-g", "data").assertNoStackTrace();
        assertEquals(ExitCodes.PROBLEMS_FOUND, result.exitCode(), result.describe());
        assertTrue(result.out().contains("data: root control copy A is invalid"), result.describe());
        assertEquals(1, result.errLines().size(), result.describe());
        assertTrue(result.errLines().get(0).startsWith("dsscmd: check: volume group data has 1 problem(s)"),
            result.describe());
    }

    @Test
    void shouldWorkOnTheCreatedVgWhenConfigNamesAVgNeverCreated()
    {
        final TestHome home = TestHome.createWithVolumeGroups(dir, "data");
        BlockDevices.createSparseImage(home.image("log"), TestHome.IMAGE_SIZE);
        final TestHome withLog = TestHome.create(dir, "data", "log");
        withLog.dsscmd("mkdir", "-p", "+data", "-d", "base").assertSuccess();
        withLog.dsscmd("touch", "-p", "+data/base/t1").assertSuccess();
        withLog.dsscmd("ls", "-p", "+data/base").assertSuccess("Succeed to ls dir info +data/base.");
        withLog.dsscmd("check", "-g", "data").assertSuccess();

        withLog.dsscmd("ls", "-p", "+log").assertError("ls: volume group is not created", "vg=log",
            "all zeros", "line=3", "dsscmd cv -g log -v " + withLog.image("log"));
        withLog.dsscmd("touch", "-p", "+log/x").assertError("touch: volume group is not created", "vg=log");
        withLog.dsscmd("check", "-g", "log").assertError("check: volume group is not created", "dsscmd cv -g log");

        final DssCmdRunner.Result lsvg = withLog.dsscmd("lsvg");
        assertEquals(0, lsvg.exitCode(), lsvg.describe());
        assertEquals(3, lsvg.outLines().size(), lsvg.describe());
        assertTrue(lsvg.outLines().get(1).startsWith("data "), lsvg.describe());
        assertEquals(1, lsvg.errLines().size(), lsvg.describe());
        assertTrue(lsvg.errLines().get(0).startsWith("dsscmd: warning: volume group log is in dss_vg_conf.ini but " +
            "not created, skipped"), lsvg.describe());
        assertTrue(lsvg.errLines().get(0).contains("dsscmd cv -g log -v " + withLog.image("log")), lsvg.describe());

        withLog.dsscmd("cv", "-g", "log", "-v", withLog.image("log").toString()).assertSuccess();
        withLog.dsscmd("lsvg").assertSuccess("Succeed to display lsvg info.");
        withLog.dsscmd("touch", "-p", "+log/x").assertSuccess();
    }

    @Test
    void shouldNameTheMissingEntryVolumeWhenConfigNamesAVgWhoseVolumeDoesNotExist() throws IOException
    {
        final TestHome home = TestHome.createWithVolumeGroups(dir, "data");
        final Path missing = dir.resolve("dev/never.img");
        Files.writeString(home.vgConf(), "data:" + home.image("data") + "\nlog:" + missing + "\n");
        home.dsscmd("touch", "-p", "+data/t1").assertSuccess();
        home.dsscmd("rm", "-p", "+log/t1").assertError("rm: volume group is not created", "does not exist",
            "truncate -s 10G " + missing + " && dsscmd cv -g log -v " + missing);
    }

    @Test
    void shouldStillFailEveryCommandWhenAConfiguredVgIsDamaged() throws IOException
    {
        final TestHome home = TestHome.createWithVolumeGroups(dir, "data", "log");
        try (RandomAccessFile file = new RandomAccessFile(home.image("log").toFile(), "rw"))
        {
            file.seek(0);
            file.write(new byte[]{1, 2, 3, 4});
        }
        home.dsscmd("ls", "-p", "+data").assertError("ls: ", "log.img");
    }

    static void corruptRootCopyA(final Path image) throws IOException
    {
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw"))
        {
            file.seek(256 * 1024 + 200);
            final int b = file.read();
            file.seek(256 * 1024 + 200);
            file.write(b ^ 0xFF);
        }
    }
}
