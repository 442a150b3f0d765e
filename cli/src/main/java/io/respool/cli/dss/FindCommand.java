package io.respool.cli.dss;

import io.respool.dss.Dss;
import io.respool.dss.DssPath;
import io.respool.dss.FileStat;
import io.respool.dss.FileType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.regex.PatternSyntaxException;

/**
 * {@code find -p path -n glob}: print every path at or under {@code path} whose last name matches the glob
 * ({@code *}, {@code ?}, {@code [abc]}, {@code [!abc]}, {@code {a,b}}), parents before children. Links are listed,
 * not followed.
 */
@Command(name = "find", sortOptions = false, description = "[client command] find files by name from path recursively")
final class FindCommand extends DssCommand
{
    @Option(names = {"-p", "--path"}, required = true, paramLabel = "path", description = "the path to find from")
    String path;

    @Option(names = {"-n", "--name"}, required = true, paramLabel = "name",
        description = "the name to find, with unix style wildcards: * ? [...] (man 7 glob); quote it for the shell")
    String name;

    FindCommand(final CliContext context)
    {
        super(context);
    }

    @Override
    int execute(final Dss dss)
    {
        final PathMatcher matcher = matcher(name);
        final DssPath start = DssPath.parse(path);
        final FileStat stat = dss.lstat(start.toString());
        if (matcher.matches(Path.of(start.name())))
        {
            context.out.println(start);
        }
        if (stat.type() == FileType.DIRECTORY)
        {
            traverse(dss, start.toString(), matcher);
        }
        return ExitCodes.SUCCESS;
    }

    private void traverse(final Dss dss, final String directory, final PathMatcher matcher)
    {
        for (final FileStat child : dss.list(directory))
        {
            final String childPath = directory + "/" + child.name();
            if (matcher.matches(Path.of(child.name())))
            {
                context.out.println(childPath);
            }
            if (child.type() == FileType.DIRECTORY)
            {
                traverse(dss, childPath, matcher);
            }
        }
    }

    static PathMatcher matcher(final String glob)
    {
        if (glob.isEmpty() || glob.indexOf('/') >= 0)
        {
            throw new CliException("invalid name pattern: name=" + glob +
                "; give a pattern for one name, without /, e.g. 't*' or '*.dat'");
        }
        try
        {
            return FileSystems.getDefault().getPathMatcher("glob:" + glob);
        }
        catch (final PatternSyntaxException ex)
        {
            throw new CliException("invalid name pattern: name=" + glob + ", error=" +
                ErrorLines.oneLine(ex.getDescription()) + "; use * ? [abc] [!abc] {a,b}");
        }
    }
}
