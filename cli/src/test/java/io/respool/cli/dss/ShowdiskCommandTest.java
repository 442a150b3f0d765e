package io.respool.cli.dss;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class ShowdiskCommandTest
{
    @TempDir
    Path dir;

    private TestHome home;

    @BeforeEach
    void createHome()
    {
        home = TestHome.createWithVolumeGroups(dir, "data");
    }

    private List<String> showdisk(final String structure)
    {
        return home.dsscmd("showdisk", "-g", "data", "-s", structure).assertSuccess("Succeed to printf dss metadata.")
            .outLines();
    }

    @Test
    void shouldPrintVolumeHeaderInOpenGaussForm()
    {
        final List<String> lines = showdisk("vg_header");
        assertEquals("vg_header = {", lines.get(0));
        assertTrue(lines.contains("  volume = " + home.image("data")), lines.toString());
        assertTrue(lines.contains("  magic = 0x4c56535344505352 (RSPDSSVL)"), lines.toString());
        assertTrue(lines.contains("  valid = true"), lines.toString());
        assertTrue(lines.contains("  vg_name = data"), lines.toString());
        assertTrue(lines.contains("  volume_id = 0"), lines.toString());
        assertTrue(lines.contains("  volume_size = 1073741824"), lines.toString());
        assertEquals("}", lines.get(lines.size() - 2));
    }

    @Test
    void shouldPrintBothRootCopiesAndWhichIsActive()
    {
        final List<String> lines = showdisk("root_ctrl");
        assertEquals("root_ctrl[0] = {", lines.get(0));
        assertTrue(lines.contains("root_ctrl[1] = {"), lines.toString());
        assertTrue(lines.contains("  copy = A"), lines.toString());
        assertTrue(lines.contains("  copy = B"), lines.toString());
        assertEquals(2, lines.stream().filter("  valid = true"::equals).count(), lines.toString());
        assertEquals(1, lines.stream().filter("  active = true"::equals).count(), lines.toString());
        assertTrue(lines.contains("  au_size = 8388608"), lines.toString());
        assertTrue(lines.contains("    extent_count = 1"), lines.toString());
    }

    @Test
    void shouldSayWhichRootCopyIsInvalidAndUseTheOther() throws IOException
    {
        VolumeCommandsTest.corruptRootCopyA(home.image("data"));
        final List<String> lines = showdisk("root_ctrl");
        final int copyB = lines.indexOf("root_ctrl[1] = {");
        assertTrue(lines.subList(0, copyB).stream().anyMatch((l) -> l.startsWith("  valid = false (checksum mismatch")),
            lines.toString());
        assertTrue(lines.subList(0, copyB).contains("  active = false"), lines.toString());
        assertTrue(lines.subList(copyB, lines.size()).contains("  valid = true"), lines.toString());
        assertTrue(lines.subList(copyB, lines.size()).contains("  active = true"), lines.toString());
    }

    @Test
    void shouldCountRedoRecordsSinceCheckpoint()
    {
        home.dsscmd("mkdir", "-p", "+data", "-d", "a").assertSuccess();
        home.dsscmd("touch", "-p", "+data/a/f").assertSuccess();
        final List<String> lines = showdisk("redo_ctrl");
        assertEquals("redo_ctrl = {", lines.get(0));
        assertTrue(lines.contains("  log_length = 67108864"), lines.toString());
        assertTrue(lines.stream().anyMatch((l) -> l.startsWith("  records = ")), lines.toString());
        assertTrue(lines.contains("  records_by_type = {"), lines.toString());
    }

    @Test
    void shouldPrintActiveCheckpointWithValidChecksum()
    {
        final List<String> lines = showdisk("checkpoint");
        assertEquals("checkpoint = {", lines.get(0));
        assertTrue(lines.contains("  crc_valid = true"), lines.toString());
        assertTrue(lines.contains("  magic = 0x4b43535344505352 (RSPDSSCK)"), lines.toString());
        assertTrue(lines.contains("  volume_count = 1"), lines.toString());
    }

    @Test
    void shouldPrintVolumesWithTheirHeaders()
    {
        final Path extra = home.image("extra");
        home.dsscmd("adv", "-g", "data", "-v", extra.toString()).assertSuccess();
        final List<String> lines = showdisk("volume_ctrl");
        assertEquals("volume_ctrl = {", lines.get(0));
        assertTrue(lines.contains("  volume_count = 2"), lines.toString());
        assertTrue(lines.contains("  volume_defs[1] = {"), lines.toString());
        assertTrue(lines.contains("    name = " + extra), lines.toString());
        assertTrue(lines.contains("      volume_id = 1"), lines.toString());
        final List<String> core = showdisk("core_ctrl");
        assertTrue(core.contains("  au_size = 8388608"), core.toString());
        assertTrue(core.contains("  volume_count = 2"), core.toString());
    }

    @Test
    void shouldRefuseUnknownStructureAndUnconfiguredVg()
    {
        home.dsscmd("showdisk", "-g", "data", "-s", "root_ft_block").assertError("showdisk: unknown struct_name",
            "vg_header, root_ctrl", "not in FT blocks");
        home.dsscmd("showdisk", "-g", "log", "-s", "vg_header").assertError("showdisk: volume group not in " +
            "dss_vg_conf.ini: vg=log", "configured=[data]", "add the line log:");
    }
}
