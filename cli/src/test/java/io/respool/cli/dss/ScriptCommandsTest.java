package io.respool.cli.dss;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The commands openGauss's resource script {@code dss_contrl.sh} calls, as it calls them, and {@code ls -w 1}.
 */
@Timeout(60)
class ScriptCommandsTest
{
    @TempDir
    Path dir;

    @Test
    void shouldScanDisksAsDssContrlShDoesAndSucceedWhenNoneMatch() throws IOException
    {
        final String user = Files.getOwner(dir).getName();
        final Path devices = Files.createDirectories(dir.resolve("dev"));
        Files.createFile(devices.resolve("sda")); // a regular file is no block device: skipped
        final String prefix = devices.resolve("sd").toString();
        DssCmdRunner.run(Map.of(), "scandisk", "-t", "block", "-p", prefix, "-u", user, "-g", user)
            .assertSuccess("Succeed to scan disk.");
        DssCmdRunner.run(Map.of(), "scandisk", "-t", "block", "-p", "/dev/sd", "-u", user, "-g", user)
            .assertSuccess("Succeed to scan disk.");
    }

    @Test
    void shouldRefuseOtherTypesAndShellCharactersWithOpenGaussLines()
    {
        final DssCmdRunner.Result type = DssCmdRunner.run(Map.of(), "scandisk", "-t", "file", "-p", "/dev/sd", "-u",
            "omm", "-g", "dbgrp").assertError("scandisk: invalid type", "type=file", "-t block");
        assertEquals(List.of("Failed to check file type, only support block type."), type.outLines());
        final DssCmdRunner.Result injection = DssCmdRunner.run(Map.of(), "scandisk", "-t", "block", "-p",
            "/dev/sd;rm", "-u", "omm", "-g", "dbgrp").assertError("scandisk: character not allowed", "path=/dev/sd;rm");
        assertEquals(List.of("Failed to check command injection, /dev/sd;rm has ;."), injection.outLines());
        DssCmdRunner.run(Map.of(), "scandisk", "-t", "block", "-p", "/dev/sd").assertError("scandisk: ",
            "Missing required options");
    }

    @Test
    void shouldStopAndCleanVgLockWhenNoProcessRunsTheInstance()
    {
        final TestHome home = TestHome.createWithVolumeGroups(dir, "data");
        // dss_contrl.sh -stop / -clean: dsscmd stopdss -U ${CONN_PATH}, dsscmd clean_vglock -D ${DSS_HOME}
        home.dsscmd("stopdss", "-U", "UDS:" + dir + "/.dss_unix_d_socket").assertSuccess("Succeed to stop server.");
        DssCmdRunner.run(Map.of(), "clean_vglock", "-D", home.home.toString())
            .assertSuccess("Succeed to clean vg lock.");
        DssCmdRunner.run(Map.of(), "clean_vglock").assertError("clean_vglock: no DSS home");
        final DssCmdRunner.Result noHome = DssCmdRunner.run(Map.of(), "stopdss");
        assertEquals(List.of("Failed to stop server."), noHome.outLines(), noHome.describe());
    }

    @Test
    void shouldDocumentWhatStopdssAndCleanVglockDoHere()
    {
        assertTrue(help("stopdss").contains("the DSS instance of a home is a library inside the database process"));
        assertTrue(help("clean_vglock").contains("Here no lock outlives its holder"));
        assertTrue(help("getstatus").contains("Master id is this instance's own id"));
        assertTrue(help("scandisk").contains("Called by openGauss's dss_contrl.sh"));
    }

    /**
     * @return the command's help with line breaks as spaces, as picocli wraps it.
     */
    private static String help(final String command)
    {
        return DssCmdRunner.run(Map.of(), command, "-h").assertSuccess().out().replaceAll("\\s+", " ");
    }

    @Test
    void shouldShowMinInitedSizeColumnWithDashW1() throws IOException
    {
        final TestHome home = TestHome.createWithVolumeGroups(dir, "data");
        final byte[] page = new byte[8192];
        java.util.Arrays.fill(page, (byte)7);
        final Path local = Files.write(dir.resolve("page"), page);
        home.dsscmd("cp", "-s", local.toString(), "-d", "+data/f").assertSuccess();
        home.dsscmd("truncate", "-p", "+data/f", "-l", "16384").assertSuccess();
        final List<String> lines = home.dsscmd("ls", "-p", "+data/f", "-w", "1")
            .assertSuccess("Succeed to ls file info +data/f.").outLines();
        assertEquals(String.format("%-5s%-20s%-14s %-14s %-14s %-64s%-5s%s", "type", "time", "size", "written_size",
            "min_inited_size", "name", "fid", "node_id"), lines.get(0));
        final String[] row = lines.get(1).split("\\s+");
        assertEquals(List.of("16384.00000", "8192.00000", "8192.00000", "f"), List.of(row[3], row[4], row[5], row[6]));
        assertEquals(List.of("type", "time", "size", "written_size", "name", "fid", "node_id"), List.of(
            home.dsscmd("ls", "-p", "+data", "-w", "0").assertSuccess().outLines().get(0).split("\\s+")));
        final DssCmdRunner.Result bad = home.dsscmd("ls", "-p", "+data", "-w", "2")
            .assertError("ls: invalid min_inited_size", "-w 1");
        assertEquals(List.of("The value of zero_or_one is invalid."), bad.outLines());
        assertTrue(home.dsscmd("ls", "-h").assertSuccess().out().contains("-w, --min_inited_size"));
    }

    @Test
    void shouldPrintOpenGaussLineOnStdoutWhenLsPathMissing()
    {
        final TestHome home = TestHome.createWithVolumeGroups(dir, "data");
        final DssCmdRunner.Result result = home.dsscmd("ls", "-p", "+data/none")
            .assertError("ls: no such file or directory", "path=+data/none", "NOT_FOUND");
        assertEquals(List.of("The path +data/none is not exist."), result.outLines());
        assertEquals(List.of("Failed to find vg when ls the path +nope/x."),
            home.dsscmd("ls", "-p", "+nope/x").assertError("ls: no such volume group").outLines());
    }
}
