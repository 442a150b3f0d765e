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
 * first, as openGauss does: it refuses a group the file does not name (or a home without the file), a group the
 * file names with another entry volume, and a volume the file names for another group. A refusal prints
 * openGauss's lines on stdout ({@code Failed to create volume group, vg name is X, volume path is Y.} and
 * {@code  detail reason [2000] : ...}) and the line to add on stderr, exit 255. The DSS home itself must exist.
 */
@Command(name = "cv", sortOptions = false,
    description = "[manage command] create volume group: metadata only, quick on any size, keeps an image sparse",
    footerHeading = "%n",
    footer = {"The DSS home's cfg/dss_vg_conf.ini must have the line vg_name:vol_name first, as in openGauss: cv " +
        "refuses (exit 255) when the file does not name the group, names it with another volume, or names the " +
        "volume for another group; stdout then has openGauss's Failed line and stderr the line to add."})
final class CreateVgCommand implements Callable<Integer>, OpenGaussFailure
{
    static final long MIN_AU_SIZE_KB = 2048;
    static final long MAX_AU_SIZE_KB = 65536;
    static final long DEFAULT_AU_SIZE_KB = Dss.DEFAULT_AU_SIZE / 1024;

    /** openGauss {@code ERR_DSS_VG_CREATE} and {@code ERR_DSS_FILE_NOT_EXIST} ({@code dss_errno.h}). */
    static final int ERR_VG_CREATE = 2000;
    static final int ERR_FILE_NOT_EXIST = 2190;

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
        final Path volumePath = volumePath();
        final Path homeDirectory = context.homeDirectory(common);
        if (!Files.isDirectory(homeDirectory))
        {
            DssHome.load(homeDirectory); // fails, saying what to do
        }
        final Path vgFile = homeDirectory.resolve("cfg").resolve(VgConfig.FILE_NAME);
        if (!Files.isRegularFile(vgFile))
        {
            throw new CliException("no " + VgConfig.FILE_NAME + ": file=" + vgFile + "; create it with the line " +
                vgName + ":" + volumePath + ", then run cv again", "[" + ERR_FILE_NOT_EXIST + "] : The file " +
                vgFile + " of config does not exist");
        }
        checkConfig(context.loadHome(homeDirectory).vgConfig(), volumePath);

        Dss.createVolumeGroup(vgName, volumePath, (int)(auKb * 1024));
        context.out.println("Succeed to create volume group " + vgName + ", entry volume is " + volumePath + ".");
        return ExitCodes.SUCCESS;
    }

    @Override
    public String openGaussFailureLine()
    {
        return "Failed to create volume group, vg name is " + vgName + ", volume path is " + volumePath() + ".";
    }

    private Path volumePath()
    {
        return Path.of(volume).toAbsolutePath().normalize();
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
     * @throws CliException if the file does not name the group with this volume, with openGauss's reason.
     */
    private void checkConfig(final VgConfig config, final Path volumePath)
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
                        ", line=" + entry.line() + "; pass -v " + entry.entryVolume() + ", or fix that line first",
                        reason("Failed to cmp super-block name with entry_path config in dss_vg_conf."));
                }
                return;
            }
            if (sameVolume)
            {
                throw new CliException("volume is configured for another volume group: volume=" + volumePath +
                    ", configuredVg=" + entry.name() + ", given=" + vgName + ", file=" + config.file() + ", line=" +
                    entry.line() + "; pass -g " + entry.name() + ", or fix that line first",
                    reason("Failed to find vg info from config"));
            }
        }
        throw new CliException("volume group is not in " + VgConfig.FILE_NAME + ": vg=" + vgName + ", volume=" +
            volumePath + ", file=" + config.file() + "; add the line " + vgName + ":" + volumePath + " there (on " +
            "every node), then run cv again", reason("Failed to find vg info from config"));
    }

    /**
     * @return openGauss's {@code ERR_DSS_VG_CREATE} detail with {@code reason}.
     */
    private String reason(final String reason)
    {
        return "[" + ERR_VG_CREATE + "] : Create volume group " + vgName + " failed, reason " + reason;
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
