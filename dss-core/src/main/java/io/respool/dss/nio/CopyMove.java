package io.respool.dss.nio;

import io.respool.dss.Dss;
import io.respool.dss.DssException;
import io.respool.dss.ErrorCode;
import io.respool.dss.FileStat;
import io.respool.dss.FileType;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.CopyOption;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.LinkOption;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.Set;

/**
 * {@link java.nio.file.Files#copy} and {@link java.nio.file.Files#move} between DSS paths.
 * <p>
 * Within a volume group a move is one DSS rename, atomic and durable. Across volume groups (or DSS homes) a move
 * copies then removes the source; a non-empty directory cannot move there. {@code REPLACE_EXISTING} removes the
 * target first (an empty directory, a file or a link), so a replacing move is two steps. {@code COPY_ATTRIBUTES}
 * is accepted and copies nothing: DSS stamps creation and modification times itself.
 */
final class CopyMove
{
    private CopyMove()
    {
    }

    private record Options(boolean replace, boolean followLinks, boolean atomic)
    {
        static Options of(final CopyOption[] options, final boolean move)
        {
            boolean replace = false;
            boolean follow = !move;
            boolean atomic = false;
            for (final CopyOption option : options)
            {
                if (option == StandardCopyOption.REPLACE_EXISTING)
                {
                    replace = true;
                }
                else if (option == LinkOption.NOFOLLOW_LINKS)
                {
                    follow = false;
                }
                else if (option == StandardCopyOption.ATOMIC_MOVE && move)
                {
                    atomic = true;
                }
                else if (option == null)
                {
                    throw new NullPointerException("copy option is null");
                }
                else if (option != StandardCopyOption.COPY_ATTRIBUTES)
                {
                    throw new UnsupportedOperationException("copy option not supported by DSS: option=" + option +
                        "; supported are REPLACE_EXISTING, NOFOLLOW_LINKS, COPY_ATTRIBUTES" +
                        (move ? ", ATOMIC_MOVE" : " (ATOMIC_MOVE applies to move only)"));
                }
            }
            return new Options(replace, follow, atomic);
        }
    }

    static void copy(final DssNioPath source, final DssNioPath target, final CopyOption... copyOptions)
        throws IOException
    {
        final Options options = Options.of(copyOptions, false);
        final DssFileSystem fileSystem = source.getFileSystem();
        final String from = DssFileSystem.dssPathOf(source);
        final String to = DssFileSystem.dssPathOf(target);
        try
        {
            final Dss dss = fileSystem.dss();
            final FileStat stat = options.followLinks ? dss.stat(from) : dss.lstat(from);
            if (prepareTarget(source, target, options.replace, options.followLinks))
            {
                return;
            }
            transfer(source, target, stat.type(), false);
        }
        catch (final DssException ex)
        {
            throw fileSystem.translate(ex, from, to);
        }
    }

    static void move(final DssNioPath source, final DssNioPath target, final CopyOption... copyOptions)
        throws IOException
    {
        final Options options = Options.of(copyOptions, true);
        final DssFileSystem fileSystem = source.getFileSystem();
        final String from = DssFileSystem.dssPathOf(source);
        final String to = DssFileSystem.dssPathOf(target);
        try
        {
            final Dss dss = fileSystem.dss();
            final FileStat stat = dss.lstat(from);
            if (DssNioPath.parse(fileSystem, from).getNameCount() == 0)
            {
                throw new FileSystemException(from, to, "cannot move the root of a volume group");
            }
            final boolean sameGroup = target.getFileSystem() == fileSystem &&
                fileSystem.resolveLinks(source, false, true).volumeGroup().equals(
                fileSystem.resolveLinks(target, false, false).volumeGroup());
            if (options.atomic)
            {
                if (!sameGroup)
                {
                    throw new AtomicMoveNotSupportedException(from, to,
                        "source and target are in different volume groups; an atomic move is a rename within one");
                }
                if (!sameFile(source, target))
                {
                    rename(dss, from, to);
                }
                return;
            }
            if (prepareTarget(source, target, options.replace, false))
            {
                return;
            }
            if (sameGroup)
            {
                rename(dss, from, to);
                return;
            }
            transfer(source, target, stat.type(), true);
        }
        catch (final DssException ex)
        {
            throw fileSystem.translate(ex, from, to);
        }
    }

    private static void rename(final Dss dss, final String from, final String to) throws IOException
    {
        try
        {
            dss.rename(from, to);
        }
        catch (final DssException ex)
        {
            if (ex.errorCode() == ErrorCode.ALREADY_EXISTS)
            {
                throw NioExceptions.translate(ex, to, null);
            }
            throw ex;
        }
    }

    /**
     * Make {@code target} of {@code type} from {@code source}: an empty directory, a link to the same target, or a
     * copy of the file's data; then, for a move, remove {@code source}.
     */
    private static void transfer(
        final DssNioPath source, final DssNioPath target, final FileType type, final boolean removeSource)
        throws IOException
    {
        final Dss sourceDss = source.getFileSystem().dss();
        final Dss targetDss = target.getFileSystem().dss();
        final String from = DssFileSystem.dssPathOf(source);
        final String to = DssFileSystem.dssPathOf(target);
        switch (type)
        {
            case DIRECTORY ->
            {
                if (removeSource && !sourceDss.list(from).isEmpty())
                {
                    throw new NioExceptions.DssDirectoryNotEmptyException(from, "cannot move a non-empty " +
                        "directory to another volume group: target=" + to + "; move its entries first");
                }
                targetDss.mkdir(to);
            }
            case LINK -> targetDss.symlink(sourceDss.readlink(from), to);
            default ->
            {
                if (sourceDss == targetDss)
                {
                    sourceDss.copy(from, to);
                }
                else
                {
                    copyData(source, target);
                }
            }
        }
        if (removeSource)
        {
            if (type == FileType.DIRECTORY)
            {
                sourceDss.rmdir(from, false);
            }
            else
            {
                sourceDss.delete(from);
            }
        }
    }

    /**
     * Copy a file between two DSS file systems through channels.
     */
    private static void copyData(final DssNioPath source, final DssNioPath target) throws IOException
    {
        final Set<StandardOpenOption> create = EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        final DssFileSystemProvider provider = source.getFileSystem().provider();
        try (FileChannel in = provider.newFileChannel(source, Set.of(StandardOpenOption.READ));
            FileChannel out = provider.newFileChannel(target, create))
        {
            final long size = in.size();
            long done = 0;
            while (done < size)
            {
                final long n = in.transferTo(done, size - done, out);
                if (n <= 0)
                {
                    break;
                }
                done += n;
            }
            out.force(true);
        }
    }

    /**
     * If {@code target} exists: nothing to do if it is the source itself, else remove it when replacing.
     *
     * @return true if source and target are the same file.
     */
    private static boolean prepareTarget(
        final DssNioPath source, final DssNioPath target, final boolean replace, final boolean followSource)
        throws IOException
    {
        final DssFileSystem targetFileSystem = target.getFileSystem();
        final Dss dss = targetFileSystem.dss();
        final String to = DssFileSystem.dssPathOf(target);
        final FileStat existing;
        try
        {
            existing = dss.lstat(to);
        }
        catch (final DssException ex)
        {
            if (ex.errorCode() == ErrorCode.NOT_FOUND)
            {
                return false;
            }
            throw targetFileSystem.translate(ex, to, null);
        }
        if (targetFileSystem == source.getFileSystem() &&
            source.getFileSystem().resolveLinks(source, followSource, true).equals(
            targetFileSystem.resolveLinks(target, false, true)))
        {
            return true;
        }
        if (!replace)
        {
            throw new FileAlreadyExistsException(to, null, "target exists; pass REPLACE_EXISTING to replace it");
        }
        try
        {
            if (existing.type() == FileType.DIRECTORY)
            {
                dss.rmdir(to, false);
            }
            else
            {
                dss.delete(to);
            }
        }
        catch (final DssException ex)
        {
            throw targetFileSystem.translate(ex, to, null);
        }
        return false;
    }

    private static boolean sameFile(final DssNioPath source, final DssNioPath target) throws IOException
    {
        final DssFileSystem fileSystem = source.getFileSystem();
        return fileSystem.resolveLinks(source, false, true).equals(fileSystem.resolveLinks(target, false, false));
    }
}
