package io.respool.cli.dss;

import io.respool.blockdev.BlockDevices;
import io.respool.testsupport.TempDssHome;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A DSS home in a temporary directory, laid out as openGauss has it ({@code cfg/dss_inst.ini},
 * {@code cfg/dss_vg_conf.ini}), with sparse image files for volumes, and {@code dsscmd} run with
 * {@code DSS_HOME} pointing at it.
 */
final class TestHome
{
    static final long IMAGE_SIZE = 1L << 30;

    final Path root;
    final Path home;
    final Path devices;
    final long imageSize;

    private TestHome(final Path root, final long imageSize)
    {
        this.root = root;
        this.imageSize = imageSize;
        this.home = root.resolve("dss0").resolve("dssdba");
        this.devices = root.resolve("dev");
    }

    /**
     * A home whose {@code dss_vg_conf.ini} lists {@code vg:image} for each name given, with a 1 GiB sparse image
     * each; the volume groups are not created.
     */
    static TestHome create(final Path root, final String... vgNames)
    {
        return create(root, IMAGE_SIZE, vgNames);
    }

    /**
     * A home as {@link #create(Path, String...)} with images of {@code imageSize} bytes.
     */
    static TestHome create(final Path root, final long imageSize, final String... vgNames)
    {
        final TestHome testHome = new TestHome(root, imageSize);
        try
        {
            Files.createDirectories(testHome.devices);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        final TempDssHome dssHome = TempDssHome.at(testHome.home).instanceId(0).logLevel(255)
            .nodesList("0:127.0.0.1:17102").listenerPath(root).vgComment("volume groups");
        for (final String vg : vgNames)
        {
            dssHome.volumeGroup(vg, testHome.image(vg));
        }
        dssHome.write();
        return testHome;
    }

    /**
     * A home as {@link #create}, with every volume group created by {@code dsscmd cv}.
     */
    static TestHome createWithVolumeGroups(final Path root, final String... vgNames)
    {
        final TestHome testHome = create(root, vgNames);
        for (final String vg : vgNames)
        {
            testHome.dsscmd("cv", "-g", vg, "-v", testHome.image(vg).toString())
                .assertSuccess("Succeed to create volume group " + vg + ", entry volume is " + testHome.image(vg) +
                    ".");
        }
        return testHome;
    }

    /**
     * @return the sparse image for {@code name}, created if missing.
     */
    Path image(final String name)
    {
        final Path image = devices.resolve(name + ".img");
        if (!Files.exists(image))
        {
            BlockDevices.createSparseImage(image, imageSize);
        }
        return image;
    }

    Path vgConf()
    {
        return home.resolve("cfg").resolve("dss_vg_conf.ini");
    }

    Map<String, String> env()
    {
        return Map.of("DSS_HOME", home.toString());
    }

    DssCmdRunner.Result dsscmd(final String... args)
    {
        return DssCmdRunner.run(env(), args);
    }
}
