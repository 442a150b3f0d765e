package io.respool.cli.dss;

import io.respool.dss.Dss;
import io.respool.dss.config.DssHome;
import io.respool.dss.config.VgConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code cv -g vg -v vol [-s au_size_KB]}: create a volume group. Writes metadata only, so it takes a moment even on
 * a TiB sparse image and keeps the image sparse.
 * <p>
 * The DSS home's {@code dss_vg_conf.ini} is the source of truth for every later command, so {@code cv} checks it
 * first: it refuses when the file names the volume group with another entry volume, or names the volume for
 * another volume group (either would leave a group no command can open). When the group is not in the file yet,
 * it is created anyway and a warning says which line to add. The DSS home itself must exist.
 */
@Command(name = "cv", sortOptions = false,
    description = "[manage command] create volume group: metadata only, quick on any size, keeps an image sparse",
    footerHeading = "%n",
    footer = {"The DSS home's cfg/dss_vg_conf.ini should have the line vg_name:vol_name. cv refuses when that file",
        "names the group with another volume or the volume with another group, and when it does not name the group",
        "yet, creates it and prints the line to add."})
final class CreateVgCommand implements Callable<Integer>
{
    static final long MIN_AU_SIZE_KB = 2048;
    static final long MAX_AU_SIZE_KB = 65536;
    static final long DEFAULT_AU_SIZE_KB = Dss.DEFAULT_AU_SIZE / 1024;

    @Option(names = {"-g", "--vg_name"}, required = true, paramLabel = "vg_name",
        description = "the volume group name, 1 to 63 characters of [0-9A-Za-z_.-]")
    String vgName;

    @Option(names = {"-v", "--vol_name"}, required = true, paramLabel = "vol_name",
        description = "the entry volume: an image file (truncate -s 2T FILE) or a block device")
    String volume;

    @Option(names = {"-s", "--au_size"}, paramLabel = "au_size",
        description = "allocation unit size in KB: a power of two from 2048 (2MB) to 65536 (64MB); default 8192 (8MB)")
    Long auSizeKb;

    @Mixin
    CommonOptions common;

    private final CliContext context;

    CreateVgCommand(final CliContext context)
    {
        this.context = context;
    }

    @Override
    public Integer call()
    {
        final long auKb = auSizeKb == null ? DEFAULT_AU_SIZE_KB : auSizeKb;
        checkAuSize(auKb);
        final Path volumePath = Path.of(volume).toAbsolutePath().normalize();
        final Path homeDirectory = context.homeDirectory(common);
        final Path vgFile = homeDirectory.resolve("cfg").resolve(VgConfig.FILE_NAME);
        final VgConfig config = Files.isRegularFile(vgFile) ? context.loadHome(homeDirectory).vgConfig() : null;
        if (!Files.isDirectory(homeDirectory))
        {
            DssHome.load(homeDirectory); // fails, saying what to do
        }
        final boolean configured = config != null && checkConfig(config, volumePath);

        Dss.createVolumeGroup(vgName, volumePath, (int)(auKb * 1024));
        context.out.println("Succeed to create volume group " + vgName + ", entry volume is " + volumePath + ".");
        if (!configured)
        {
            context.warn("volume group " + vgName + " is not in " + vgFile + "; add the line " + vgName + ":" +
                volumePath + " there so that the other commands and the database find it");
        }
        return ExitCodes.SUCCESS;
    }

    static void checkAuSize(final long auKb)
    {
        if (auKb < MIN_AU_SIZE_KB || auKb > MAX_AU_SIZE_KB || Long.bitCount(auKb) != 1)
        {
            throw new CliException("invalid au_size: au_size=" + auKb + "KB; it must be a power of two from " +
                MIN_AU_SIZE_KB + "KB (2MB) to " + MAX_AU_SIZE_KB + "KB (64MB): 2048, 4096, 8192 (the default), " +
                "16384, 32768 or 65536");
        }
    }

    /**
     * @return true if the file names this group with this volume; false if it does not name the group.
     * @throws CliException if the file ties the group or the volume to something else.
     */
    private boolean checkConfig(final VgConfig config, final Path volumePath)
    {
        final Path real = realPath(volumePath);
        for (final VgConfig.Entry entry : config.entries())
        {
            final boolean sameVolume = realPath(entry.entryVolume()).equals(real);
            if (entry.name().equals(vgName))
            {
                if (!sameVolume)
                {
                    throw new CliException("volume group is configured with another entry volume: vg=" + vgName +
                        ", configured=" + entry.entryVolume() + ", given=" + volumePath + ", file=" + config.file() +
                        ", line=" + entry.line() + "; pass -v " + entry.entryVolume() + ", or fix that line first");
                }
                return true;
            }
            if (sameVolume)
            {
                throw new CliException("volume is configured for another volume group: volume=" + volumePath +
                    ", configuredVg=" + entry.name() + ", given=" + vgName + ", file=" + config.file() + ", line=" +
                    entry.line() + "; pass -g " + entry.name() + ", or fix that line first");
            }
        }
        return false;
    }

    private static Path realPath(final Path path)
    {
        try
        {
            return path.toRealPath();
        }
        catch (final IOException ex)
        {
            return path.toAbsolutePath().normalize();
        }
    }
}
