package io.respool.cli.dss;

import io.respool.dss.Dss;
import io.respool.dss.DssFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.ByteBuffer;

/**
 * {@code examine -p path -o offset -f c|h|u|l|s|x [-s size]}: dump {@code size} bytes (default 512) of a file from
 * {@code offset}, after the line {@code filename is <path>, offset is <offset>.}. A range past the end of the file
 * is cut at the end; a never-written range reads as zeros. {@code size} above 2147483647 is refused, as openGauss
 * refuses it.
 */
@Command(name = "examine", sortOptions = false, description = "[client command] display dss file content")
final class ExamineCommand extends DssCommand
{
    @Mixin
    ReadOnlyOption readOnlyOption;

    static final int DEFAULT_READ_SIZE = 512;
    static final int CHUNK = 64 * 1024;

    /** openGauss reads {@code -s} as an int32 and refuses more. */
    static final long MAX_READ_SIZE = Integer.MAX_VALUE;

    @Option(names = {"-p", "--path"}, required = true, paramLabel = "path",
        description = "the file to examine, must begin with +")
    String path;

    @Option(names = {"-o", "--offset"}, required = true, paramLabel = "offset",
        description = "the offset in the file to start at, in bytes")
    long offset;

    @Option(names = {"-f", "--format"}, required = true, paramLabel = "format",
        description = "c char, h unsigned short, u unsigned int, l unsigned long, s string, x hex")
    String format;

    @Option(names = {"-s", "--read_size"}, paramLabel = "read_size",
        description = "bytes to show, 0 to 2147483647; default 512")
    long readSize = DEFAULT_READ_SIZE;

    @Override
    boolean readOnly()
    {
        return readOnlyOption.readOnly;
    }

    ExamineCommand(final CliContext context)
    {
        super(context);
    }

    @Override
    int execute(final Dss dss)
    {
        if (format.length() != 1 || HexDump.FORMATS.indexOf(format.charAt(0)) < 0)
        {
            throw new CliException("invalid format: format=" + format +
                "; use one letter of c (char), h (unsigned short), u (unsigned int), l (unsigned long), s (string)," +
                " x (hex)");
        }
        if (offset < 0 || readSize < 0)
        {
            throw new CliException("negative offset or read_size: offset=" + offset + ", read_size=" + readSize +
                "; give 0 or more");
        }
        if (readSize > MAX_READ_SIZE)
        {
            throw new CliException("read_size too large: read_size=" + readSize + ", max=" + MAX_READ_SIZE +
                " (2 GiB - 1, as openGauss's int32); give a smaller -s, e.g. -s 8192, and step -o through the file");
        }
        try (DssFile file = dss.open(path))
        {
            final long end = Math.min(file.size(), offset + Math.min(readSize, Long.MAX_VALUE - offset));
            context.out.println("filename is " + path + ", offset is " + offset + ".");
            final StringBuilder text = new StringBuilder();
            final HexDump dump = new HexDump(text, format.charAt(0), offset);
            final ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
            long position = offset;
            while (position < end)
            {
                final int length = (int)Math.min(CHUNK, end - position);
                buffer.clear().limit(length);
                int filled = 0;
                int n;
                while (filled < length && (n = file.read(buffer, position + filled)) > 0)
                {
                    filled += n;
                }
                buffer.flip();
                dump.append(buffer, filled);
                final int rows = text.lastIndexOf("\n") + 1;
                context.out.print(text.substring(0, rows));
                text.delete(0, rows);
                position += length;
                if (filled < length)
                {
                    break;
                }
            }
            dump.finish();
            context.out.print(text);
        }
        return ExitCodes.SUCCESS;
    }
}
