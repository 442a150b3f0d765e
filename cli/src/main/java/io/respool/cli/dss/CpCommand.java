package io.respool.cli.dss;

import io.respool.dss.Dss;
import io.respool.dss.DssPath;
import io.respool.dss.FileType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code cp -s src -d dst}: copy a file between DSS paths ({@code +vg/...}) and absolute local paths, in any
 * direction but local to local. The destination must not exist; if it is an existing directory the file keeps its
 * name inside it. Streams in 4 MiB pieces, keeps holes, and makes the destination durable before the success line.
 * A failed copy removes its partial destination. Large copies draw a progress bar on stderr when stderr is a
 * terminal ({@code bin/dsscmd} decides; see {@link DssCmd#PROGRESS_PROP_NAME}).
 */
@Command(name = "cp", sortOptions = false, description = "[client command] copy source file to destination file")
final class CpCommand extends DssCommand
{
    @Mixin
    ReadOnlyOption readOnlyOption;

    @Option(names = {"-s", "--src_file"}, required = true, paramLabel = "src_file",
        description = "source file: a DSS path +vg/... or an absolute local path")
    String source;

    @Option(names = {"-d", "--dest_file"}, required = true, paramLabel = "dest_file",
        description = "destination file (must not exist) or existing directory: a DSS path or an absolute local path")
    String destination;

    @Override
    boolean readOnly()
    {
        return readOnlyOption.readOnly;
    }

    CpCommand(final CliContext context)
    {
        super(context);
    }

    @Override
    int execute(final Dss dss)
    {
        final boolean fromDss = DssPath.isDssPath(source);
        final boolean toDss = DssPath.isDssPath(destination);
        if (!fromDss && !toDss)
        {
            throw new CliException("no DSS path on either side: src_file=" + source + ", dest_file=" +
                destination + "; DSS paths start with +vgname, e.g. +data/file; use the system cp for local files");
        }
        final String sourceName = fromDss ? DssPath.parse(source).name() :
            String.valueOf(LocalFiles.absolute(source).getFileName());
        final String target = toDss ? dssTarget(dss, sourceName) : localTarget(sourceName).toString();

        try (CopySource from = fromDss ? new DssSource(dss, source) : new LocalSource(LocalFiles.absolute(source)))
        {
            final long size = from.size();
            final CopySink to = toDss ? new DssSink(dss, target) : new LocalSink(Path.of(target));
            try
            {
                final ProgressBar progress = context.progress && size >= FileCopier.PROGRESS_THRESHOLD ?
                    new ProgressBar(context.err, "cp", size, System.nanoTime()) : null;
                new FileCopier().copy(from, to, progress);
                to.close();
            }
            catch (final RuntimeException ex)
            {
                final String leftBehind = to.abort();
                if (leftBehind != null)
                {
                    context.warn(leftBehind);
                }
                throw ex;
            }
        }
        context.out.println("Succeed to copy file from srcpath " + source + " to destpath " + target + ".");
        return ExitCodes.SUCCESS;
    }

    private String dssTarget(final Dss dss, final String sourceName)
    {
        final String path = DssPath.parse(destination).toString();
        if (dss.exists(path) && dss.stat(path).type() == FileType.DIRECTORY)
        {
            return path + "/" + sourceName;
        }
        return path;
    }

    private Path localTarget(final String sourceName)
    {
        final Path path = LocalFiles.absolute(destination);
        return Files.isDirectory(path) ? path.resolve(sourceName) : path;
    }
}
