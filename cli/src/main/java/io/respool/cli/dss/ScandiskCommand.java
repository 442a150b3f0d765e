package io.respool.cli.dss;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code scandisk -t block -p /dev/sd -u user -g group}: open and close, read-write, every block device whose path
 * starts with {@code path} and that {@code user:group} owns, as openGauss does before starting DSS so that udev
 * (re)creates the devices' links. Needs no DSS home.
 */
@Command(name = "scandisk", sortOptions = false,
    description = "[client command] scan disk to rebuild soft link: open and close each block device path* " +
        "owned by user:group",
    footerHeading = "%n",
    footer = {"Called by openGauss's dss_contrl.sh -start and -reg. Prints Succeed to scan disk. (exit 0), also when " +
        "no device matches; a device that cannot be opened fails with openGauss's line and the reason on stderr."})
final class ScandiskCommand implements Callable<Integer>, OpenGaussFailure
{
    /** openGauss refuses these in names and paths passed to its shell pipeline. */
    static final String INJECTION_CHARS = "|;&$<>`\\'\"{}()[]~*? !\n";

    /** {@code S_IFMT} and {@code S_IFBLK} of {@code stat(2)}. */
    private static final int FILE_TYPE_MASK = 0170000;
    private static final int BLOCK_DEVICE = 0060000;

    @Option(names = {"-t", "--type"}, required = true, paramLabel = "type", description = "file type: block")
    String type;

    @Option(names = {"-p", "--path"}, required = true, paramLabel = "path",
        description = "path prefix of the devices, e.g. /dev/sd")
    String path;

    @Option(names = {"-u", "--user_name"}, required = true, paramLabel = "user_name",
        description = "owner the devices must have")
    String user;

    @Option(names = {"-g", "--group_name"}, required = true, paramLabel = "group_name",
        description = "group the devices must have")
    String group;

    @Mixin
    CommonOptions common;

    private final CliContext context;

    ScandiskCommand(final CliContext context)
    {
        this.context = context;
    }

    @Override
    public String openGaussFailureLine()
    {
        return "Failed to scan disk when open handle.";
    }

    @Override
    public Integer call()
    {
        if (!"block".equals(type))
        {
            throw CliException.withOpenGaussLine("invalid type: type=" + type + "; scandisk scans block devices " +
                "only: pass -t block", "Failed to check file type, only support block type.");
        }
        checkNoInjection(path, "path", "Failed to check path " + path + ".");
        checkNoInjection(user, "user_name", "Failed to check name " + user + ".");
        checkNoInjection(group, "group_name", "Failed to check name " + group + ".");
        for (final Path device : devices())
        {
            try (FileChannel ignored = FileChannel.open(device, StandardOpenOption.READ, StandardOpenOption.WRITE))
            {
                // opening and closing is the whole point: udev sees the close of a writable open and rescans
            }
            catch (final IOException ex)
            {
                throw LocalFiles.failure("cannot open block device (" + user + " must be able to read and write it: ls -l " +
                    device + ")", device, ex);
            }
        }
        context.out.println("Succeed to scan disk.");
        return ExitCodes.SUCCESS;
    }

    /**
     * @return the block devices whose path starts with {@link #path}, owned by {@link #user} and {@link #group}.
     */
    private List<Path> devices()
    {
        final Path prefix = Path.of(path).toAbsolutePath();
        final Path directory = path.endsWith("/") ? prefix : prefix.getParent();
        final String start = path.endsWith("/") ? "" : prefix.getFileName().toString();
        final List<Path> devices = new ArrayList<>();
        if (directory == null || !Files.isDirectory(directory))
        {
            return devices;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, p ->
            p.getFileName().toString().startsWith(start)))
        {
            for (final Path entry : entries)
            {
                if (isBlockDeviceOf(entry))
                {
                    devices.add(entry);
                }
            }
        }
        catch (final IOException ex)
        {
            throw LocalFiles.failure("cannot list the devices of -p " + path, directory, ex);
        }
        devices.sort(null);
        return devices;
    }

    private boolean isBlockDeviceOf(final Path entry) throws IOException
    {
        final Map<String, Object> unix = Files.readAttributes(entry, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if (((Integer)unix.get("mode") & FILE_TYPE_MASK) != BLOCK_DEVICE)
        {
            return false;
        }
        final PosixFileAttributes attributes =
            Files.readAttributes(entry, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return attributes.owner().getName().equals(user) && attributes.group().getName().equals(group);
    }

    private static void checkNoInjection(final String value, final String option, final String openGaussLine)
    {
        for (int i = 0; i < value.length(); i++)
        {
            if (INJECTION_CHARS.indexOf(value.charAt(i)) >= 0)
            {
                throw CliException.withOpenGaussLine("character not allowed: " + option + "=" + value + ", char='" +
                    value.charAt(i) + "' at " + i + "; scandisk refuses shell characters, as openGauss does",
                    "Failed to check command injection, " + value + " has " + value.charAt(i) + ".");
            }
        }
        if (value.isEmpty())
        {
            throw CliException.withOpenGaussLine("empty " + option + "; give a value", openGaussLine);
        }
    }
}
