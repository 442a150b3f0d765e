package io.respool.dss.nio;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * A child JVM for {@link DssFileLockTest}: another instance of the volume group, holding an exclusive lock on a
 * DSS file until it is killed, and answering each line it reads with {@code VALID true} or {@code VALID false}, as
 * the lock's {@link FileLock#isValid()} says. Arguments: its DSS home, the DSS path to lock.
 */
public final class LockHolder
{
    private LockHolder()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final FileSystem fs = FileSystems.newFileSystem(NioTestSupport.uriOf(Path.of(args[0])), Map.of());
        final FileChannel channel = FileChannel.open(fs.getPath(args[1]), StandardOpenOption.CREATE,
            StandardOpenOption.READ, StandardOpenOption.WRITE);
        final FileLock lock = channel.lock();
        System.out.println("LOCKED " + lock.isValid());
        System.out.flush();
        final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        while (in.readLine() != null)
        {
            System.out.println("VALID " + lock.isValid());
            System.out.flush();
        }
        fs.close();
    }
}
