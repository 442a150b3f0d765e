package io.respool.dss.shared;

import io.respool.dss.Dss;
import io.respool.dss.DssException;
import io.respool.dss.DssFile;
import io.respool.dss.OpenFlag;
import io.respool.dss.engine.InstanceOptions;

import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The child process of {@link FencingProcessTest}: instance 1, writing 8 KiB pages round-robin into 64 slots of
 * {@code +data/pages}, each page stamped with its sequence number. Journals {@code A n} after write n returned and
 * {@code F n <message>} after it failed. Usage: {@code FencedWriter <volume> <lockDir> <journal>}.
 */
public final class FencedWriter
{
    static final int PAGE = 8192;
    static final int SLOTS = 64;

    private FencedWriter()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        try (Dss dss = Dss.openVolumeGroup("data", Path.of(args[0]), InstanceOptions.defaults().withInstanceId(1)
            .withLockDirectory(Path.of(args[1])));
            PrintStream journal = new PrintStream(new FileOutputStream(args[2]), true, StandardCharsets.UTF_8);
            DssFile file = dss.open("+data/pages", OpenFlag.CREATE, OpenFlag.WRITE))
        {
            file.allocate(0, (long)SLOTS * PAGE, false);
            file.flush();
            System.out.println("READY");
            System.out.flush();
            int failures = 0;
            for (long n = 1; failures < 200; n++)
            {
                final ByteBuffer page = ByteBuffer.allocate(PAGE);
                page.putLong(0, n);
                try
                {
                    file.write(page, (n % SLOTS) * PAGE);
                    journal.println("A " + n);
                }
                catch (final DssException ex)
                {
                    journal.println("F " + n + " " + ex.errorCode() + " " + ex.getMessage());
                    failures++;
                    Thread.sleep(2);
                }
            }
        }
    }
}
