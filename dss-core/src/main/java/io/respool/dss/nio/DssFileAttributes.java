package io.respool.dss.nio;

import io.respool.dss.FileStat;
import io.respool.dss.FileType;

import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;

/**
 * {@link BasicFileAttributes} over a DSS {@link FileStat}. DSS keeps no access time: {@link #lastAccessTime()} is
 * the last modification time. {@link #fileKey()} is the node id, a {@link Long}, unique within a volume group.
 */
final class DssFileAttributes implements BasicFileAttributes
{
    private final FileStat stat;

    DssFileAttributes(final FileStat stat)
    {
        this.stat = stat;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public FileTime lastModifiedTime()
    {
        return FileTime.from(stat.updateTimeMs(), TimeUnit.MILLISECONDS);
    }

    /**
     * @return the last modification time: DSS keeps no access time.
     */
    @Override
    public FileTime lastAccessTime()
    {
        return lastModifiedTime();
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public FileTime creationTime()
    {
        return FileTime.from(stat.createTimeMs(), TimeUnit.MILLISECONDS);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public boolean isRegularFile()
    {
        return stat.type() == FileType.FILE;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public boolean isDirectory()
    {
        return stat.type() == FileType.DIRECTORY;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public boolean isSymbolicLink()
    {
        return stat.type() == FileType.LINK;
    }

    /**
     * @return false: DSS has files, directories and links only.
     */
    @Override
    public boolean isOther()
    {
        return false;
    }

    /**
     * @return the logical length in bytes.
     */
    @Override
    public long size()
    {
        return stat.size();
    }

    /**
     * @return the DSS node id as a {@link Long}; unique within a volume group and never reused.
     */
    @Override
    public Object fileKey()
    {
        return stat.id();
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public String toString()
    {
        return "DssFileAttributes{" + stat + "}";
    }
}
