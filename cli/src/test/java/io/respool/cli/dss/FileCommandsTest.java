package io.respool.cli.dss;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class FileCommandsTest
{
    private static final Pattern LS_ROW = Pattern.compile(
        "([-dl])    (\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d) (\\d+\\.\\d{5}) +(\\d+\\.\\d{5}) +(\\S+) +" +
        "(\\d+) +(\\d+)");

    @TempDir
    Path dir;

    private TestHome home;

    @BeforeEach
    void createHome()
    {
        home = TestHome.createWithVolumeGroups(dir, "data", "log");
    }

    @Test
    void shouldMakeDirectoriesAndListThem()
    {
        home.dsscmd("mkdir", "-p", "+data", "-d", "base")
            .assertSuccess("Succeed to make dir, path is +data, dir name is base.");
        home.dsscmd("mkdir", "--path", "+data/base", "--dir_name", "sub")
            .assertSuccess("Succeed to make dir, path is +data/base, dir name is sub.");
        final List<String> lines = home.dsscmd("ls", "-p", "+data").assertSuccess("Succeed to ls dir info +data.")
            .outLines();
        assertEquals(List.of("type", "time", "size", "written_size", "name", "fid", "node_id"),
            List.of(lines.get(0).split("\\s+")));
        assertEquals(3, lines.size());
        assertTrue(LS_ROW.matcher(lines.get(1)).matches(), lines.get(1));
        assertTrue(lines.get(1).startsWith("d    "), lines.get(1));
        assertEquals("base", lines.get(1).split("\\s+")[5]);
    }

    @Test
    void shouldRefuseBadNamesMissingParentsAndExistingNames()
    {
        home.dsscmd("mkdir", "-p", "+data", "-d", "bad*name").assertError("mkdir: ", "bad character", "'*'",
            "INVALID_PATH");
        home.dsscmd("mkdir", "-p", "+data", "-d", "x".repeat(64)).assertError("mkdir: ", "INVALID_PATH");
        home.dsscmd("mkdir", "-p", "+data", "-d", "..").assertError("mkdir: ");
        home.dsscmd("mkdir", "-p", "+data", "-d", "a/b").assertError("mkdir: dir name must be one name without /",
            "-p +data -d a");
        home.dsscmd("mkdir", "-p", "+data/missing", "-d", "x").assertError("mkdir: no such directory",
            "missing=+data/missing", "dsscmd mkdir");
        home.dsscmd("touch", "-p", "+data/missing/f").assertError("touch: ", "+data/missing");
        home.dsscmd("mkdir", "-p", "+data", "-d", "base").assertSuccess();
        home.dsscmd("mkdir", "-p", "+data", "-d", "base").assertError("mkdir: already exists", "+data/base");
        home.dsscmd("touch", "-p", "+data/base").assertError("touch: already exists", "+data/base");
        home.dsscmd("ls", "-p", "+data/none").assertError("ls: no such file or directory", "+data/none");
        home.dsscmd("ls", "-p", "data/none").assertError("ls: not a DSS path", "+vgname");
    }

    @Test
    void shouldFailNamingTheVgWhenItIsNotInConfig()
    {
        home.dsscmd("mkdir", "-p", "+redo", "-d", "x").assertError("mkdir: no such volume group: vg=redo",
            "configured: [data, log]", "dss_vg_conf.ini");
        home.dsscmd("ls", "-p", "+redo").assertError("ls: no such volume group: vg=redo");
    }

    @Test
    void shouldCreateListTruncateAndRemoveFile()
    {
        home.dsscmd("touch", "-p", "+data/t1").assertSuccess("Succeed to create file, name is +data/t1.");
        home.dsscmd("touch", "-p", "+data/t2", "-f", "2147483648").assertSuccess();
        home.dsscmd("touch", "-p", "+data/t3", "-f", "7").assertError("touch: invalid flag", "2147483648");
        home.dsscmd("truncate", "-p", "+data/t1", "-l", "3M")
            .assertSuccess("Success to truncate file, name is +data/t1.");
        List<String> lines = home.dsscmd("ls", "-p", "+data/t1", "-m", "K")
            .assertSuccess("Succeed to ls file info +data/t1.").outLines();
        assertEquals(3, lines.size());
        final String[] row = lines.get(1).split("\\s+");
        assertEquals("-", row[0]);
        assertEquals("3072.00000", row[3]);
        assertEquals("0.00000", row[4]);
        assertEquals("t1", row[5]);
        home.dsscmd("truncate", "-p", "+data/t1", "-l", "100").assertSuccess();
        lines = home.dsscmd("ls", "-p", "+data/t1").assertSuccess().outLines();
        assertEquals("100.00000", lines.get(1).split("\\s+")[3]);
        home.dsscmd("truncate", "-p", "+data/t1", "-l", "-1").assertError("truncate: negative length");
        home.dsscmd("truncate", "-p", "+data/t1", "-l", "lots").assertError("truncate: not a size", "16M");
        home.dsscmd("truncate", "-p", "+data/none", "-l", "1").assertError("truncate: ", "+data/none");
        home.dsscmd("rm", "-p", "+data/t1").assertSuccess("Succeed to remove device +data/t1.");
        home.dsscmd("rm", "-p", "+data/t1").assertError("rm: ", "+data/t1", "NOT_FOUND");
        assertEquals(3, home.dsscmd("ls", "-p", "+data").assertSuccess().outLines().size());
    }

    @Test
    void shouldRemoveDirectoryOnlyWhenEmptyUnlessRecursive()
    {
        home.dsscmd("mkdir", "-p", "+data", "-d", "base").assertSuccess();
        home.dsscmd("mkdir", "-p", "+data/base", "-d", "sub").assertSuccess();
        home.dsscmd("touch", "-p", "+data/base/sub/f").assertSuccess();
        home.dsscmd("rmdir", "-p", "+data/base").assertError("rmdir: directory not empty", "+data/base",
            "rmdir -r");
        home.dsscmd("rm", "-p", "+data/base").assertError("rm: is a directory", "use rmdir");
        home.dsscmd("rmdir", "-p", "+data/base/sub/f").assertError("rmdir: not a directory", "+data/base/sub/f");
        home.dsscmd("rmdir", "-p", "+data/base", "-r").assertSuccess("Succeed to rm dir, path is +data/base.");
        home.dsscmd("mkdir", "-p", "+data", "-d", "empty").assertSuccess();
        home.dsscmd("rmdir", "-p", "+data/empty").assertSuccess("Succeed to rm dir, path is +data/empty.");
        assertEquals(List.of("Succeed to ls dir info +data."),
            home.dsscmd("ls", "-p", "+data").assertSuccess().outLines().subList(1, 2));
        home.dsscmd("check", "-g", "data").assertSuccess("Succeed to check volume group data, no problem found.");
    }

    @Test
    void shouldRenameWithinVolumeGroupOnly()
    {
        home.dsscmd("touch", "-p", "+data/a").assertSuccess();
        home.dsscmd("mkdir", "-p", "+data", "-d", "d").assertSuccess();
        home.dsscmd("rename", "-o", "+data/a", "-n", "+data/d/b")
            .assertSuccess("Succeed to rename file, old name is +data/a, new name is +data/d/b.");
        home.dsscmd("ls", "-p", "+data/d/b").assertSuccess();
        home.dsscmd("ls", "-p", "+data/a").assertError("ls: ", "+data/a");
        home.dsscmd("touch", "-p", "+data/c").assertSuccess();
        home.dsscmd("rename", "-o", "+data/c", "-n", "+data/d/b").assertError("rename: already exists");
        home.dsscmd("rename", "-o", "+data/c", "-n", "+log/c").assertError("rename: rename across volume groups",
            "copy then remove");
    }

    @Test
    void shouldLinkReadAndUnlink()
    {
        home.dsscmd("touch", "-p", "+data/target").assertSuccess();
        home.dsscmd("ln", "-s", "+data/target", "-t", "+log/link")
            .assertSuccess("Success to link +log/link to +data/target.");
        home.dsscmd("readlink", "-p", "+log/link").assertSuccess("link: +log/link link to: +data/target.");
        final List<String> lines = home.dsscmd("ls", "-p", "+log/link").assertSuccess("Succeed to ls link info " +
            "+log/link.").outLines();
        assertTrue(lines.get(1).startsWith("l    "), lines.get(1));
        home.dsscmd("readlink", "-p", "+data/target").assertError("readlink: not a symbolic link", "+data/target");
        home.dsscmd("unlink", "-p", "+data/target").assertError("unlink: not a symbolic link", "use rm");
        home.dsscmd("unlink", "-p", "+log/link").assertSuccess("Succeed to unlink +log/link.");
        home.dsscmd("ls", "-p", "+data/target").assertSuccess();
        home.dsscmd("ln", "-s", "+data/x", "-t", "+log/missing/link").assertError("ln: ", "+log/missing");
    }

    @Test
    void shouldSummarizeOrListSizesWithDu()
    {
        home.dsscmd("mkdir", "-p", "+data", "-d", "d").assertSuccess();
        home.dsscmd("mkdir", "-p", "+data/d", "-d", "e").assertSuccess();
        home.dsscmd("touch", "-p", "+data/f").assertSuccess();
        home.dsscmd("touch", "-p", "+data/d/g").assertSuccess();
        home.dsscmd("touch", "-p", "+data/d/e/h").assertSuccess();
        home.dsscmd("truncate", "-p", "+data/f", "-l", "1M").assertSuccess();
        home.dsscmd("truncate", "-p", "+data/d/g", "-l", "2M").assertSuccess();
        home.dsscmd("truncate", "-p", "+data/d/e/h", "-l", "4M").assertSuccess();

        assertEquals(List.of("7340032B           +data"), home.dsscmd("du", "-p", "+data").assertSuccess().outLines());
        assertEquals(List.of("7M                 +data"), home.dsscmd("du", "-p", "+data/", "-f", "Ms").assertSuccess()
            .outLines());
        assertEquals(List.of("4M                 +data/d/e", "6M                 +data/d", "7M                 +data"),
            home.dsscmd("du", "-p", "+data", "-f", "M").assertSuccess().outLines());
        assertEquals(List.of("4M                 +data/d/e/h", "4M                 +data/d/e",
            "2M                 +data/d/g", "6M                 +data/d", "1M                 +data/f",
            "7M                 +data"), home.dsscmd("du", "-p", "+data", "-f", "aM").assertSuccess().outLines());
        assertEquals(List.of("1M                 +data"), home.dsscmd("du", "-p", "+data", "-f", "MsS").assertSuccess()
            .outLines());
        assertEquals(List.of("0.00195G           +data/d/g"), home.dsscmd("du", "-p", "+data/d/g", "-f", "G")
            .assertSuccess().outLines());
        home.dsscmd("du", "-p", "+data", "-f", "MM").assertError("du: invalid format", "format=MM");
        home.dsscmd("du", "-p", "+data", "-f", "x").assertError("du: invalid format", "[BKMGT]");
    }

    @Test
    void shouldFindByGlobRecursively()
    {
        home.dsscmd("mkdir", "-p", "+data", "-d", "base").assertSuccess();
        home.dsscmd("mkdir", "-p", "+data/base", "-d", "t9").assertSuccess();
        home.dsscmd("touch", "-p", "+data/base/t1").assertSuccess();
        home.dsscmd("touch", "-p", "+data/base/t9/t2.dat").assertSuccess();
        home.dsscmd("touch", "-p", "+data/other").assertSuccess();
        assertEquals(List.of("+data/base/t1", "+data/base/t9", "+data/base/t9/t2.dat"),
            home.dsscmd("find", "-p", "+data", "-n", "t*").assertSuccess().outLines());
        assertEquals(List.of("+data/base/t9/t2.dat"),
            home.dsscmd("find", "-p", "+data/base", "-n", "*.dat").assertSuccess().outLines());
        assertEquals(List.of("+data/base/t1", "+data/base/t9"),
            home.dsscmd("find", "-p", "+data", "-n", "t[0-9]").assertSuccess().outLines());
        assertEquals(List.of("+data"), home.dsscmd("find", "-p", "+data", "-n", "data").assertSuccess().outLines());
        assertEquals(List.of(), home.dsscmd("find", "-p", "+data", "-n", "zz*").assertSuccess().outLines());
        home.dsscmd("find", "-p", "+data", "-n", "a/b").assertError("find: invalid name pattern", "without /");
        home.dsscmd("find", "-p", "+data", "-n", "[a").assertError("find: invalid name pattern");
        home.dsscmd("find", "-p", "+data/none", "-n", "x").assertError("find: ", "+data/none");
    }

    @Test
    void shouldExamineFileContentInEveryFormat()
    {
        home.dsscmd("touch", "-p", "+data/f").assertSuccess();
        home.dsscmd("truncate", "-p", "+data/f", "-l", "100").assertSuccess();
        List<String> lines = home.dsscmd("examine", "-p", "+data/f", "-o", "0", "-f", "x").assertSuccess().outLines();
        assertEquals("filename is +data/f, offset is 0.", lines.get(0));
        assertEquals(8, lines.size());
        assertEquals("0000000000000000 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00", lines.get(1));
        assertEquals("0000000000000060 00 00 00 00", lines.get(7));
        lines = home.dsscmd("examine", "-p", "+data/f", "-o", "16", "-f", "l", "-s", "32").assertSuccess().outLines();
        assertEquals(List.of("filename is +data/f, offset is 16.",
            "0000000000000010                    0                    0",
            "0000000000000020                    0                    0"), lines);
        lines = home.dsscmd("examine", "-p", "+data/f", "-o", "0", "-f", "c", "-s", "16").assertSuccess().outLines();
        assertEquals("0000000000000000 . . . . . . . . . . . . . . . .", lines.get(1));
        lines = home.dsscmd("examine", "-p", "+data/f", "-o", "0", "-f", "s", "-s", "16").assertSuccess().outLines();
        assertEquals("0000000000000000 ................", lines.get(1));
        lines = home.dsscmd("examine", "-p", "+data/f", "-o", "0", "-f", "h", "-s", "4").assertSuccess().outLines();
        assertEquals("0000000000000000     0     0", lines.get(1));
        lines = home.dsscmd("examine", "-p", "+data/f", "-o", "0", "-f", "u", "-s", "4").assertSuccess().outLines();
        assertEquals("0000000000000000          0", lines.get(1));
        assertEquals(List.of("filename is +data/f, offset is 4096."),
            home.dsscmd("examine", "-p", "+data/f", "-o", "4096", "-f", "x").assertSuccess().outLines());
        home.dsscmd("examine", "-p", "+data/f", "-o", "0", "-f", "q").assertError("examine: invalid format",
            "c (char)");
        home.dsscmd("examine", "-p", "+data/f", "-o", "-1", "-f", "x").assertError("examine: negative offset");
        home.dsscmd("examine", "-p", "+data", "-o", "0", "-f", "x").assertError("examine: ", "+data");
    }

    @Test
    void shouldRefuseEmptyPathComponentNamingThePath()
    {
        home.dsscmd("touch", "-p", "+data//x").assertError("touch: empty path component", "path=+data//x",
            "option=-p", "e.g. +data/x");
        home.dsscmd("mkdir", "-p", "+data//", "-d", "d").assertError("mkdir: empty path component", "path=+data//");
        home.dsscmd("cp", "-s", "+data/a//b", "-d", "+log/b").assertError("cp: empty path component",
            "path=+data/a//b", "option=-s");
        home.dsscmd("rename", "-o", "+data/a", "-n", "+data///b").assertError("rename: empty path component",
            "option=-n");
        assertEquals(List.of("type", "time", "size", "written_size", "name", "fid", "node_id"), List.of(
            home.dsscmd("ls", "-p", "+data").assertSuccess("Succeed to ls dir info +data.").outLines().get(0)
                .split("\\s+")));
        assertEquals(2, home.dsscmd("ls", "-p", "+data").outLines().size(), "touch created a file it refused");
        home.dsscmd("touch", "-p", "+data/x").assertSuccess("Succeed to create file, name is +data/x.");
        home.dsscmd("ls", "-p", "+data/").assertSuccess("Succeed to ls dir info +data/.");
    }

    @Test
    void shouldRefuseExamineReadSizeBeyondWhatOpenGaussReadsNamingIt()
    {
        home.dsscmd("touch", "-p", "+data/f").assertSuccess();
        home.dsscmd("truncate", "-p", "+data/f", "-l", "100000").assertSuccess();
        final DssCmdRunner.Result result = home.dsscmd("examine", "-p", "+data/f", "-o", "0", "-f", "x", "-s",
            "99999999999").assertError("examine: read_size too large", "read_size=99999999999", "max=2147483647");
        assertEquals("", result.out(), result.describe());
        assertEquals(2, home.dsscmd("examine", "-p", "+data/f", "-o", "0", "-f", "x", "-s", "16").assertSuccess()
            .outLines().size());
        assertEquals(List.of("filename is +data/f, offset is 99999999999."), home.dsscmd("examine", "-p", "+data/f",
            "-o", "99999999999", "-f", "x", "-s", "2147483647").assertSuccess().outLines());
    }
}
