package io.respool.cli.dss;

import io.respool.testsupport.TempDssHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * reghl, unreghl, kickh, inq_reg and getstatus through two DSS homes (instances 0 and 1) over one image, as in
 * seed 003, and the fenced instance's writes refused with a clear error.
 */
@Timeout(120)
class FenceCommandsTest
{
    @TempDir
    Path dir;

    private Map<String, String> home(final int instance, final Path image)
    {
        final TempDssHome home = TempDssHome.at(dir.resolve("dss" + instance + "/dssdba")).instanceId(instance)
            .nodesList("0:127.0.0.1:17102, 1:127.0.0.1:18102").set("_DISK_LOCK_FILE_PATH", dir.toString())
            .volumeGroup("data", image);
        home.write();
        return home.env();
    }

    /**
     * @return the entry volume of volume group data, created from instance 0's home.
     */
    private Path createVolumeGroup() throws IOException
    {
        final Path image = dir.resolve("dss-dba");
        io.respool.blockdev.BlockDevices.createSparseImage(image, 1L << 30);
        DssCmdRunner.run(home(0, image), "cv", "-g", "data", "-v", image.toString()).assertSuccess();
        return image;
    }

    @Test
    void shouldFenceAnInstanceAndLetItBackAfterReghl() throws IOException
    {
        final Path image = dir.resolve("dss-dba");
        io.respool.blockdev.BlockDevices.createSparseImage(image, 1L << 30);
        final Map<String, String> zero = home(0, image);
        final Map<String, String> one = home(1, image);
        DssCmdRunner.run(zero, "cv", "-g", "data", "-v", image.toString()).assertSuccess();
        DssCmdRunner.run(one, "reghl").assertSuccess("Succeed to register instance 1 on volume group data.");

        final DssCmdRunner.Result registered = DssCmdRunner.run(zero, "inq_reg", "-i", "1");
        assertEquals(2, registered.exitCode(), registered.describe());
        assertEquals("The node 1 is registered, inq_result = 2.", registered.outLines().get(0));

        DssCmdRunner.run(zero, "kickh", "-i", "1").assertSuccess(
            "Succeed to kick instance 1 from volume group data: it is not running, and stays fenced when it starts.");
        assertEquals(0, DssCmdRunner.run(zero, "inq_reg", "-i", "1").exitCode());
        DssCmdRunner.run(one, "mkdir", "-p", "+data", "-d", "x").assertError("fenced", "instance 1", "reghl",
            "FENCED");
        DssCmdRunner.run(zero, "ls", "-p", "+data").assertSuccess();

        final DssCmdRunner.Result status = DssCmdRunner.run(zero, "getstatus").assertSuccess();
        assertTrue(status.out().contains("Server status of instance 0 is open and READWRITE."), status.describe());
        assertTrue(status.out().matches("(?s).*\\n1 +false +yes .*"), status.describe());
        assertTrue(DssCmdRunner.run(one, "getstatus").assertSuccess().out()
            .contains("Server status of instance 1 is open and READONLY."));

        DssCmdRunner.run(one, "reghl").assertSuccess();
        DssCmdRunner.run(one, "mkdir", "-p", "+data", "-d", "x").assertSuccess();
        DssCmdRunner.run(one, "unreghl").assertSuccess("Succeed to unregister instance 1 from volume group data.");
        assertEquals(0, DssCmdRunner.run(zero, "inq_reg", "-i", "1").exitCode());
        DssCmdRunner.run(zero, "kickh", "-i", "0").assertError("cannot kick itself");
        DssCmdRunner.run(zero, "check", "-g", "data").assertSuccess();
    }

    @Test
    void shouldRefuseInstanceIdOutsideZeroTo63NamingTheRange() throws IOException
    {
        final Path image = createVolumeGroup();
        final Map<String, String> zero = home(0, image);
        for (final String command : new String[]{"inq_reg", "kickh", "reghl", "unreghl"})
        {
            final DssCmdRunner.Result result = DssCmdRunner.run(zero, command, "-i", "64")
                .assertError(command + ": inst_id out of range", "inst_id=64", "valid=0..63");
            assertEquals(List.of("The value of inst_id should be in [0, 64)."), result.outLines(), result.describe());
        }
        DssCmdRunner.run(zero, "inq_reg", "-i", "-1").assertError("inq_reg: inst_id out of range", "inst_id=-1");
        final DssCmdRunner.Result last = DssCmdRunner.run(zero, "inq_reg", "-i", "63");
        assertEquals(0, last.exitCode(), last.describe());
        assertEquals(List.of("The node 63 is not registered, inq_result = 0."), last.outLines());
    }

    @Test
    void shouldTakeDashIAsOneDssContrlShVersionPassesItToReghlAndUnreghl() throws IOException
    {
        final Path image = createVolumeGroup();
        final Map<String, String> zero = home(0, image);
        final Map<String, String> one = home(1, image);
        final String homeOne = one.get("DSS_HOME");

        // dss_contrl.sh -reg / -unreg 1: dsscmd reghl -i 1 -D $DSS_HOME, dsscmd unreghl -i 1 -D $DSS_HOME
        DssCmdRunner.run(Map.of(), "reghl", "-i", "1", "-D", homeOne)
            .assertSuccess("Succeed to register instance 1 on volume group data.");
        assertEquals(2, DssCmdRunner.run(zero, "inq_reg", "-i", "1").exitCode());
        DssCmdRunner.run(Map.of(), "unreghl", "-i", "1", "-D", homeOne)
            .assertSuccess("Succeed to unregister instance 1 from volume group data.");
        assertEquals(0, DssCmdRunner.run(zero, "inq_reg", "-i", "1").exitCode());

        final DssCmdRunner.Result other = DssCmdRunner.run(Map.of(), "reghl", "-i", "0", "-D", homeOne)
            .assertError("reghl: reghl -i names another instance", "inst_id=0", "INST_ID=1", "pass -i 1");
        assertEquals(List.of("Failed to register."), other.outLines());
        assertEquals(List.of("Failed to unregister."), DssCmdRunner.run(Map.of(), "unreghl", "-i", "0", "-D",
            homeOne).assertError("unreghl: unreghl -i names another instance", "kickh -i 0").outLines());
        assertEquals(0, DssCmdRunner.run(zero, "inq_reg", "-i", "1").exitCode(), "a refused reghl registered");
    }

    @Test
    void shouldPrintOpenGaussStatusLinesFirst() throws IOException
    {
        final Path image = createVolumeGroup();
        final Map<String, String> zero = home(0, image);
        final Map<String, String> one = home(1, image);
        assertEquals(List.of("Server status of instance 1 is open and READWRITE.", "Master id is 1 .",
            "DSS_MAINTAIN is FALSE."), DssCmdRunner.run(one, "getstatus").assertSuccess().outLines().subList(0, 3));
        DssCmdRunner.run(zero, "kickh", "-i", "1").assertSuccess();
        final List<String> fenced = DssCmdRunner.run(one, "getstatus").assertSuccess().outLines();
        assertEquals(List.of("Server status of instance 1 is open and READONLY.", "Master id is 1 .",
            "DSS_MAINTAIN is FALSE."), fenced.subList(0, 3));
        assertTrue(fenced.get(3).startsWith("Volume group data: "), fenced.toString());
    }
}
