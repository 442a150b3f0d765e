package io.respool.cli.dss;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class DssCmdTest
{
    private static final String[] COMMANDS = {"cv", "lsvg", "adv", "rmv", "mkdir", "touch", "ls", "cp", "rm", "rmdir",
        "rename", "truncate", "du", "find", "ln", "readlink", "unlink", "examine", "showdisk", "check", "getstatus",
        "reghl", "unreghl", "kickh", "inq_reg", "stopdss", "scandisk", "clean_vglock"};

    @TempDir
    Path dir;

    @Test
    void shouldListEveryCommandInTopLevelHelp()
    {
        for (final String flag : new String[]{"-h", "--help"})
        {
            final DssCmdRunner.Result result = DssCmdRunner.run(Map.of(), flag).assertSuccess();
            for (final String command : COMMANDS)
            {
                assertTrue(result.out().contains("\n  " + command + " "), command + ": " + result.describe());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cv", "lsvg", "adv", "rmv", "mkdir", "touch", "ls", "cp", "rm", "rmdir", "rename",
        "truncate", "du", "find", "ln", "readlink", "unlink", "examine", "showdisk", "check", "getstatus", "reghl",
        "unreghl", "kickh", "inq_reg", "stopdss", "scandisk", "clean_vglock"})
    void shouldPrintCommandHelpWithoutDssHomeWhenAskedWithDashH(final String command)
    {
        for (final String flag : new String[]{"-h", "--help"})
        {
            final DssCmdRunner.Result result = DssCmdRunner.run(Map.of(), command, flag).assertSuccess();
            assertTrue(result.out().startsWith("Usage: dsscmd " + command), result.describe());
            assertTrue(result.out().contains("-h, --help"), result.describe());
        }
    }

    @Test
    void shouldPrintEveryCommandsHelpWhenAll()
    {
        final DssCmdRunner.Result result = DssCmdRunner.run(Map.of(), "-a").assertSuccess();
        for (final String command : COMMANDS)
        {
            assertTrue(result.out().contains("Usage: dsscmd " + command + " "), command + ": " + result.describe());
        }
    }

    @Test
    void shouldPrintVersionWhenDashV()
    {
        for (final String flag : new String[]{"-v", "--version"})
        {
            final DssCmdRunner.Result result = DssCmdRunner.run(Map.of(), flag).assertSuccess();
            assertTrue(result.out().startsWith("dsscmd "), result.describe());
            assertEquals(1, result.outLines().size(), result.describe());
        }
    }

    @Test
    void shouldPrintOpenGaussLineAndHelpHintOnStdoutWhenCommandUnknown()
    {
        final DssCmdRunner.Result result = DssCmdRunner.run(Map.of(), "mkfs", "-g", "data").assertNoStackTrace();
        assertEquals(ExitCodes.ERROR, result.exitCode());
        assertEquals(List.of("dsscmd: command(mkfs) not found!",
            "dsscmd: Try \"dsscmd -h/--help\" for help information.",
            "dsscmd: Try \"dsscmd -a/--all\" for detailed help information."), result.outLines());
        assertEquals("", result.err(), result.describe());
    }

    @Test
    void shouldFailWhenNoCommandGiven()
    {
        DssCmdRunner.run(Map.of()).assertError("no operation specified", "dsscmd -h");
    }

    @Test
    void shouldFailWithUsageHintWhenOptionUnknown()
    {
        DssCmdRunner.run(Map.of(), "--frobnicate").assertError("Unknown option", "dsscmd -h");
        DssCmdRunner.run(Map.of(), "ls", "-p", "+data", "-x", "1").assertError("ls: ", "Unknown option",
            "see dsscmd ls -h");
    }

    @Test
    void shouldFailWithUsageHintWhenRequiredOptionMissing()
    {
        DssCmdRunner.run(Map.of(), "mkdir", "-p", "+data").assertError("mkdir: ", "--dir_name",
            "see dsscmd mkdir -h");
        DssCmdRunner.run(Map.of(), "cv").assertError("cv: ", "Missing required option");
    }

    @Test
    void shouldFailSayingWhatToDoWhenNoDssHome()
    {
        DssCmdRunner.run(Map.of(), "ls", "-p", "+data").assertError("ls: no DSS home", "-D DIR", "DSS_HOME");
        DssCmdRunner.run(Map.of("DSS_HOME", " "), "lsvg").assertError("lsvg: no DSS home");
    }

    @Test
    void shouldFailNamingTheFileWhenDssHomeHasNoVgConfig() throws IOException
    {
        Files.createDirectories(dir.resolve("cfg"));
        DssCmdRunner.run(Map.of("DSS_HOME", dir.toString()), "lsvg").assertError("dss_vg_conf.ini",
            dir.resolve("cfg").toString());
        DssCmdRunner.run(Map.of(), "lsvg", "-D", dir.resolve("nowhere").toString())
            .assertError("DSS home is not a directory", "nowhere");
    }

    @Test
    void shouldPreferDashDOverDssHomeEnvironment()
    {
        final TestHome testHome = TestHome.createWithVolumeGroups(dir, "data");
        DssCmdRunner.run(Map.of("DSS_HOME", dir.resolve("elsewhere").toString()), "lsvg", "-D",
            testHome.home.toString()).assertSuccess("Succeed to display lsvg info.");
        DssCmdRunner.run(Map.of("DSS_HOME", dir.resolve("elsewhere").toString()), "lsvg", "--DSS_HOME",
            testHome.home.toString()).assertSuccess("Succeed to display lsvg info.");
    }

    @Test
    void shouldAcceptAndIgnoreUdsOption()
    {
        final TestHome testHome = TestHome.createWithVolumeGroups(dir, "data");
        testHome.dsscmd("lsvg", "-U", "UDS:" + dir + "/.dss_unix_d_socket")
            .assertSuccess("Succeed to display lsvg info.");
    }

    @Test
    void shouldPrintConfigWarningsOnStderrAndStillSucceed() throws IOException
    {
        final TestHome testHome = TestHome.createWithVolumeGroups(dir, "data");
        Files.writeString(testHome.home.resolve("cfg").resolve("dss_inst.ini"), "INST_ID=0\nNO_SUCH_KEY=1\n");
        final DssCmdRunner.Result result = testHome.dsscmd("lsvg");
        assertEquals(0, result.exitCode(), result.describe());
        assertEquals(1, result.errLines().size(), result.describe());
        assertTrue(result.errLines().get(0).startsWith("dsscmd: warning: unknown key ignored"), result.describe());
        assertTrue(result.errLines().get(0).contains("NO_SUCH_KEY"), result.describe());
    }

    @Test
    void shouldFailNamingTheLineWhenInstanceConfigBroken() throws IOException
    {
        final TestHome testHome = TestHome.createWithVolumeGroups(dir, "data");
        Files.writeString(testHome.home.resolve("cfg").resolve("dss_inst.ini"), "INST_ID=99\n");
        testHome.dsscmd("ls", "-p", "+data").assertError("ls: ", "INST_ID", "line=1");
    }

    @Test
    void shouldExplainDssErrorsWithHintAndCode()
    {
        final String line = ErrorLines.line("rm", new io.respool.dss.DssException(
            io.respool.dss.ErrorCode.NOT_FOUND, "no such file or directory: path=+data/x"));
        assertEquals("dsscmd: rm: no such file or directory: path=+data/x; check the path with dsscmd ls, and " +
            "create missing directories with dsscmd mkdir [NOT_FOUND 2001]", line);
    }

    @Test
    void shouldKeepErrorLinesOnOneLine()
    {
        assertEquals("dsscmd: x: internal error: java.lang.IllegalStateException: a b; this is a bug in dsscmd, " +
            "please report it with the command line", ErrorLines.line("x", new IllegalStateException("a\nb")));
    }
}
