package io.respool.cli.dss;

import io.respool.testsupport.TempDssHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
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
}
