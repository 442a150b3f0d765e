package io.respool.dss.nio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.ProviderMismatchException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.PatternSyntaxException;

import static io.respool.dss.nio.NioTestSupport.assertFails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Path} operations on DSS paths: syntax, names, resolution, relativization, comparison and matching.
 */
@Timeout(60)
class DssNioPathTest extends OneVolumeGroupFixture
{
    private Path path(final String text)
    {
        return fs.getPath(text);
    }

    @Test
    void shouldSplitAnAbsolutePathIntoRootAndNames()
    {
        final Path path = path("+data//dir/sub/file.dat/");
        assertEquals("+data/dir/sub/file.dat", path.toString());
        assertTrue(path.isAbsolute());
        assertEquals(path("+data"), path.getRoot());
        assertEquals("+data", path.getRoot().toString());
        assertEquals(path("file.dat"), path.getFileName());
        assertFalse(path.getFileName().isAbsolute());
        assertEquals(path("+data/dir/sub"), path.getParent());
        assertEquals(3, path.getNameCount());
        assertEquals(path("dir"), path.getName(0));
        assertEquals(path("file.dat"), path.getName(2));
        assertEquals(path("dir/sub"), path.subpath(0, 2));
        assertEquals(path("sub/file.dat"), path.subpath(1, 3));
        assertThrows(IllegalArgumentException.class, () -> path.getName(3));
        assertThrows(IllegalArgumentException.class, () -> path.subpath(2, 2));
        final List<String> names = new ArrayList<>();
        path.forEach((name) -> names.add(name.toString()));
        assertEquals(List.of("dir", "sub", "file.dat"), names);
        assertEquals(path, fs.getPath("+data", "dir", "", "sub/file.dat"));

        final Path root = path("+data");
        assertEquals(0, root.getNameCount());
        assertNull(root.getFileName());
        assertNull(root.getParent());
        assertEquals(root, root.getRoot());
        assertEquals(root, path("+data/dir").getParent());
    }

    @Test
    void shouldTreatPathsWithoutPlusAsRelative()
    {
        final Path relative = path("dir/file");
        assertFalse(relative.isAbsolute());
        assertNull(relative.getRoot());
        assertEquals(path("dir"), relative.getParent());
        assertNull(path("dir").getParent());
        assertEquals(path("+data/dir/file"), relative.toAbsolutePath());

        final Path empty = path("");
        assertEquals(1, empty.getNameCount());
        assertEquals("", empty.toString());
        assertEquals(empty, empty.getFileName());
        assertNull(empty.getParent());
        assertEquals(path("+data"), empty.toAbsolutePath());
    }

    @ParameterizedTest
    @ValueSource(strings = { "/data/x", "+", "+/x", "+data/bad name", "+data/a+b", "+da:ta/x", "+./x", "x/\u00e9",
        "+data/0123456789012345678901234567890123456789012345678901234567890123" })
    void shouldRejectPathsThatBreakTheDssNamingRules(final String text)
    {
        final InvalidPathException ex = assertThrows(InvalidPathException.class, () -> path(text));
        assertEquals(text, ex.getInput());
        assertFalse(ex.getReason().isEmpty());
    }

    @Test
    void shouldStartAndEndWithWholeNamesOnly()
    {
        final Path path = path("+data/dir/file");
        assertTrue(path.startsWith(path("+data")));
        assertTrue(path.startsWith("+data/dir"));
        assertTrue(path.startsWith(path));
        assertFalse(path.startsWith("+data/di"));
        assertFalse(path.startsWith("dir"));
        assertFalse(path.startsWith("+logs"));
        assertFalse(path.startsWith(Path.of("+data")));
        assertTrue(path.endsWith("file"));
        assertTrue(path.endsWith("dir/file"));
        assertTrue(path.endsWith(path("+data/dir/file")));
        assertFalse(path.endsWith("ile"));
        assertFalse(path.endsWith("+data/file"));
        assertFalse(path.endsWith(""));
        assertTrue(path("").startsWith(""));
        assertTrue(path("a/b").startsWith("a"));
        assertFalse(path("a/b").startsWith("+data/a"));
    }

    @ParameterizedTest
    @CsvSource({
        "+data/a/./b, +data/a/b",
        "+data/a/../b, +data/b",
        "+data/../a, +data/a",
        "+data/a/b/../.., +data",
        "a/../../b, ../b",
        "./a/., a",
        "a/.., ''",
        "+data/a/b, +data/a/b" })
    void shouldRemoveDotsLexicallyWhenNormalizing(final String input, final String expected)
    {
        assertEquals(path(expected), path(input).normalize());
    }

    @Test
    void shouldResolveAndRelativizeBetweenDssPaths()
    {
        final Path base = path("+data/a/b");
        assertEquals(path("+data/a/b/c/d"), base.resolve("c/d"));
        assertEquals(path("+data/x"), base.resolve("+data/x"));
        assertSame(base, base.resolve(""));
        assertEquals(path("c"), path("").resolve("c"));
        assertEquals(path("+data/a/c"), base.resolveSibling("c"));
        assertEquals(path("c"), path("b").resolveSibling("c"));
        assertEquals(path("c/d"), base.relativize(path("+data/a/b/c/d")));
        assertEquals(path("../../x/y"), base.relativize(path("+data/x/y")));
        assertEquals(path("+data/x/y"), base.resolve(base.relativize(path("+data/x/y"))).normalize());
        assertEquals(path(""), base.relativize(base));
        assertEquals(path("c"), path("a/b").relativize(path("a/b/c")));
        assertEquals(path("+data/q"), path("+data/a/b").resolve("../../q").normalize());
        assertFails(IllegalArgumentException.class, "absolute and a relative",
            () -> base.relativize(path("c")));
        assertFails(IllegalArgumentException.class, "different volume groups",
            () -> base.relativize(path("+logs/c")));
        assertFails(ProviderMismatchException.class, "not a DSS path", () -> base.resolve(Path.of("x")));
    }

    @Test
    void shouldCompareAndHashByPathString()
    {
        assertEquals(path("+data/a"), path("+data//a/"));
        assertEquals(path("+data/a").hashCode(), path("+data//a/").hashCode());
        assertNotEquals(path("+data/a"), path("a"));
        assertNotEquals(path("+data/a"), Path.of("+data/a"));
        final TreeSet<Path> sorted = new TreeSet<>(List.of(path("+data/b"), path("+data/a/z"), path("+data/a"),
            path("+data")));
        assertEquals(List.of(path("+data"), path("+data/a"), path("+data/a/z"), path("+data/b")),
            new ArrayList<>(sorted));
        assertTrue(path("+data/a").compareTo(path("+data/b")) < 0);
        assertThrows(ClassCastException.class, () -> path("+data").compareTo(Path.of("x")));
        assertThrows(UnsupportedOperationException.class, () -> path("+data/a").toFile());
    }

    @Test
    void shouldMatchGlobsNameByNameAndRegexesOnTheWholePath()
    {
        final PathMatcher dat = fs.getPathMatcher("glob:+data/*/*.dat");
        assertTrue(dat.matches(path("+data/dir/x.dat")));
        assertFalse(dat.matches(path("+data/dir/sub/x.dat")));
        final PathMatcher deep = fs.getPathMatcher("glob:+data/**.dat");
        assertTrue(deep.matches(path("+data/dir/sub/x.dat")));
        final PathMatcher choice = fs.getPathMatcher("glob:{t1,t2}_[0-9]?");
        assertTrue(choice.matches(path("t2_5x")));
        assertFalse(choice.matches(path("t3_5x")));
        final PathMatcher negated = fs.getPathMatcher("glob:f[!a]");
        assertTrue(negated.matches(path("fb")));
        assertFalse(negated.matches(path("fa")));
        final PathMatcher escaped = fs.getPathMatcher("glob:a\\.b");
        assertTrue(escaped.matches(path("a.b")));
        assertFalse(escaped.matches(path("axb")));
        assertTrue(fs.getPathMatcher("regex:\\+data/.*\\d").matches(path("+data/a/b1")));
        assertFails(UnsupportedOperationException.class, "syntax=shell", () -> fs.getPathMatcher("shell:*"));
        assertFails(IllegalArgumentException.class, "syntax:pattern", () -> fs.getPathMatcher("*.dat"));
        assertThrows(PatternSyntaxException.class, () -> fs.getPathMatcher("glob:{a,{b}}"));
    }
}
