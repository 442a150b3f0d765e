package io.respool.cli.dss;

import io.respool.dss.format.EntryVolumeLayout;
import io.respool.dss.format.LogRecordHeader;
import io.respool.dss.format.RootControl;
import io.respool.testsupport.TempDssHome;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckCommandTest
{
    @TempDir
    Path dir;

    /**
     * The first record after the checkpoint damaged once the volume group is closed: the VG head proves it and the
     * records after it were committed. {@code check} from another DSS home (instance 1) reports it as its problem,
     * with the LSN and how many acknowledged changes are lost; other commands refuse to open the group, until the
     * operator accepts the loss at that LSN.
     */
    @Test
    void shouldReportARedoLogDamagedInsideItsPublishedEnd() throws IOException
    {
        final TestHome home = TestHome.createWithVolumeGroups(dir.resolve("a"), "data");
        for (int i = 0; i < 5; i++)
        {
            home.dsscmd("mkdir", "-p", "+data", "-d", "d" + i).assertSuccess();
        }
        final long lsn;
        try (RandomAccessFile raf = new RandomAccessFile(home.image("data").toFile(), "rw"))
        {
            final UnsafeBuffer bytes = new UnsafeBuffer(new byte[RootControl.LENGTH]);
            raf.seek(EntryVolumeLayout.ROOT_A_OFFSET);
            raf.readFully(bytes.byteArray());
            final RootControl root = new RootControl().wrap(bytes);
            lsn = root.checkpointLsn();
            final long crcAt = root.logOffset() + lsn % root.logLength() + LogRecordHeader.CRC_OFFSET;
            raf.seek(crcAt);
            final int old = raf.read();
            raf.seek(crcAt);
            raf.write(old ^ 0xFF);
        }
        final Path second = dir.resolve("b").resolve("dssdba");
        TempDssHome.at(second).instanceId(1).logLevel(255).nodesList("0:127.0.0.1:17102,1:127.0.0.1:17103")
            .listenerPath(dir.resolve("b")).volumeGroup("data", home.image("data")).write();
        final DssCmdRunner.Result check = DssCmdRunner.run(Map.of("DSS_HOME", second.toString()), "check", "-g",
            "data").assertNoStackTrace();
        assertEquals(ExitCodes.PROBLEMS_FOUND, check.exitCode(), check.describe());
        final List<String> lines = check.outLines();
        assertEquals(1, lines.size(), check.describe());
        for (final String part : new String[]{"data: redo log damaged inside its committed part", "lsn=" + lsn + ",",
            "publishedEnd=", "and 4 intact change record(s) after them", "restore the volume group from a backup"})
        {
            assertTrue(lines.get(0).contains(part), () -> "'" + lines.get(0) + "' lacks '" + part + "'");
        }
        assertTrue(check.err().contains("check: a volume group could not be opened"), check.describe());
        home.dsscmd("ls", "-p", "+data").assertError("ls: ", "redo log damaged inside its committed part",
            "lsn=" + lsn + ",");
        final DssCmdRunner.Result wrong = home.dsscmd("check", "-g", "data", "--accept_log_loss_at",
            String.valueOf(lsn + 32)).assertNoStackTrace();
        assertEquals(ExitCodes.PROBLEMS_FOUND, wrong.exitCode(), wrong.describe());
        final DssCmdRunner.Result accepted = home.dsscmd("check", "-g", "data", "--accept_log_loss_at",
            String.valueOf(lsn)).assertNoStackTrace();
        assertEquals(ExitCodes.SUCCESS, accepted.exitCode(), accepted.describe());
        assertEquals(List.of("Succeed to check volume group data, no problem found."), accepted.outLines());
        assertTrue(accepted.err().contains("accept_log_loss_at=" + lsn), accepted.describe());
        home.dsscmd("ls", "-p", "+data/d0").assertError("ls: no such file or directory");
        home.dsscmd("mkdir", "-p", "+data", "-d", "after").assertSuccess();
        home.dsscmd("check").assertSuccess();
    }
}
