package io.respool.examples.embedding;

import io.respool.dss.Dss;
import io.respool.dss.DssException;
import io.respool.dss.DssFile;
import io.respool.dss.FileStat;
import io.respool.dss.OpenFlag;
import io.respool.dss.VolumeGroup;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Embedding DSS: what a database does with its files on shared storage. Opens the volume groups of a DSS home
 * ({@link Dss#open}), makes a directory, writes 8 KiB pages at their offsets from a direct {@link ByteBuffer} and
 * from an Agrona buffer (no copy in between), flushes them durable, reads them back, looks at the file's
 * attributes, lists, renames, links, copies and deletes, and handles a DSS error by its {@link DssException#errorCode
 * error code}.
 * <p>
 * Properties:
 * <ul>
 *     <li>{@code -Drespool.example.dss.home=DIR}: a DSS home ({@code cfg/dss_vg_conf.ini}, {@code cfg/dss_inst.ini});
 *     default: a throw-away 64 GiB sparse image and volume group in a temporary directory, deleted at the end.</li>
 *     <li>{@code -Drespool.example.dss.vg=NAME}: the volume group to use, default {@code data}.</li>
 *     <li>{@code -Drespool.example.pages=N}: 8 KiB pages to write, default 16.</li>
 * </ul>
 * Run it with {@code java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp
 * examples/target/respool-examples.jar io.respool.examples.embedding.DssFilesExample}.
 */
public final class DssFilesExample
{
    /** DSS home property. */
    public static final String HOME_PROP_NAME = "respool.example.dss.home";
    /** Volume group property. */
    public static final String VG_PROP_NAME = "respool.example.dss.vg";
    /** Page count property. */
    public static final String PAGES_PROP_NAME = "respool.example.pages";
    /** openGauss's page size. */
    public static final int PAGE_SIZE = 8192;
    /** What {@link DssFile#read} returns at or past the end of the file. */
    private static final int END_OF_FILE = -1;

    private DssFilesExample()
    {
    }

    /**
     * @param args none; settings are the properties above.
     * @throws IOException if the throw-away image cannot be made.
     */
    public static void main(final String[] args) throws IOException
    {
        final String home = System.getProperty(HOME_PROP_NAME);
        final String vg = System.getProperty(VG_PROP_NAME, "data");
        final int pages = Integer.getInteger(PAGES_PROP_NAME, 16);
        if (home != null)
        {
            try (Dss dss = Dss.open(Path.of(home)))
            {
                run(dss, vg, pages);
            }
            return;
        }

        final Path scratch = Files.createTempDirectory("respool-dss-example");
        try
        {
            final Path image = scratch.resolve("dss-dba");
            try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw"))
            {
                file.setLength(64L << 30); // sparse, like truncate -s 64G
            }
            Dss.createVolumeGroup(vg, image, Dss.DEFAULT_AU_SIZE);
            System.out.println("made a throw-away volume group " + vg + " on a 64 GiB sparse image: " + image);
            try (Dss dss = Dss.openVolumeGroup(vg, image))
            {
                run(dss, vg, pages);
            }
        }
        finally
        {
            try (Stream<Path> paths = Files.walk(scratch))
            {
                paths.sorted(Comparator.reverseOrder()).forEach((p) -> p.toFile().delete());
            }
        }
    }

    /**
     * The example proper, over an open DSS.
     *
     * @param dss   the open instance.
     * @param vg    the volume group.
     * @param pages how many pages to write.
     */
    public static void run(final Dss dss, final String vg, final int pages)
    {
        final VolumeGroup group = dss.volumeGroup(vg);
        System.out.printf("volume group %s: AU %d MiB, %d MiB free of %d MiB, this is instance %d%n", group.name(),
            group.auSize() >> 20, group.freeBytes() >> 20, group.totalBytes() >> 20, group.instanceId());

        final String dir = "+" + vg + "/example/base/16384";
        final String path = dir + "/t1";
        if (dss.exists("+" + vg + "/example"))
        {
            dss.rmdir("+" + vg + "/example", true);
        }
        dss.mkdirs(dir);

        try (DssFile file = dss.open(path, OpenFlag.CREATE, OpenFlag.WRITE, OpenFlag.TRUNCATE))
        {
            // even pages from a direct ByteBuffer, odd pages from an Agrona buffer: DSS copies straight from either
            final ByteBuffer direct = ByteBuffer.allocateDirect(PAGE_SIZE);
            final UnsafeBuffer agrona = new UnsafeBuffer(ByteBuffer.allocateDirect(PAGE_SIZE));
            for (int page = 0; page < pages; page++)
            {
                if ((page & 1) == 0)
                {
                    fill(direct, page);
                    file.write(direct, (long)PAGE_SIZE * page);
                }
                else
                {
                    agrona.setMemory(0, PAGE_SIZE, (byte)page);
                    file.write((long)PAGE_SIZE * page, agrona, 0, PAGE_SIZE);
                }
            }
            file.flush(); // the data and the new size are durable from here on
            System.out.println("wrote and flushed " + pages + " pages of 8 KiB to " + path);

            final ByteBuffer readBack = ByteBuffer.allocateDirect(PAGE_SIZE);
            for (int page = 0; page < pages; page++)
            {
                readBack.clear();
                final int read = file.read(readBack, (long)PAGE_SIZE * page);
                if (read != PAGE_SIZE || readBack.get(0) != (byte)page || readBack.get(PAGE_SIZE - 1) != (byte)page)
                {
                    throw new IllegalStateException("page did not read back: page=" + page + ", read=" + read);
                }
            }
            readBack.clear();
            final int pastEnd = file.read(readBack, (long)PAGE_SIZE * pages);
            if (pastEnd != END_OF_FILE)
            {
                throw new IllegalStateException("expected end of file past the last page: read=" + pastEnd);
            }
            System.out.println("read every page back; a read past the last page returns END_OF_FILE (-1)");

            final FileStat stat = file.stat();
            System.out.printf("stat: size %d, written %d, allocated %d (one %d MiB AU), id %d%n", stat.size(),
                stat.writtenSize(), stat.allocatedSize(), group.auSize() >> 20, stat.id());
        }

        dss.rename(path, dir + "/t2");
        dss.symlink(dir + "/t2", "+" + vg + "/example/latest");
        dss.copy(dir + "/t2", dir + "/t2.copy");
        System.out.println("renamed to t2, linked +" + vg + "/example/latest -> " +
            dss.readlink("+" + vg + "/example/latest") + ", copied to t2.copy");
        for (final FileStat entry : dss.list(dir))
        {
            System.out.printf("  %-8s %-9s %8d bytes%n", entry.name(), entry.type(), entry.size());
        }

        try
        {
            dss.createFile(dir + "/t2");
        }
        catch (final DssException ex)
        {
            switch (ex.errorCode())
            {
                case ALREADY_EXISTS ->
                {
                    System.out.println("creating t2 again fails as it should: " + ex.errorCode() + " (" +
                        ex.errorCode().code() + "): " + ex.getMessage());
                }

                default -> throw ex;
            }
        }

        dss.rmdir("+" + vg + "/example", true);
        System.out.printf("removed the example tree; %d MiB free again%n", group.freeBytes() >> 20);
    }

    private static void fill(final ByteBuffer buffer, final int page)
    {
        buffer.clear();
        while (buffer.hasRemaining())
        {
            buffer.put((byte)page);
        }
        buffer.flip();
    }
}
