package io.respool.dss.nio;

import io.respool.dss.DssException;
import io.respool.dss.VolumeGroup;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileStoreAttributeView;

/**
 * One volume group as a {@link FileStore} of type {@code dss}. Space figures are read from the volume group on
 * each call: usable and unallocated space are both the bytes in free allocation units.
 */
final class DssFileStore extends FileStore
{
    static final String TYPE = "dss";

    private final DssFileSystem fileSystem;
    private final String name;

    DssFileStore(final DssFileSystem fileSystem, final String name)
    {
        this.fileSystem = fileSystem;
        this.name = name;
    }

    private VolumeGroup volumeGroup() throws IOException
    {
        try
        {
            return fileSystem.dss().volumeGroup(name);
        }
        catch (final DssException ex)
        {
            throw fileSystem.translate(ex, "+" + name, null);
        }
    }

    /**
     * @return the volume group name.
     */
    @Override
    public String name()
    {
        return name;
    }

    /**
     * @return {@code dss}.
     */
    @Override
    public String type()
    {
        return TYPE;
    }

    /**
     * @return false.
     */
    @Override
    public boolean isReadOnly()
    {
        return false;
    }

    /**
     * @return usable bytes over all volumes of the group.
     */
    @Override
    public long getTotalSpace() throws IOException
    {
        final VolumeGroup group = volumeGroup();
        try
        {
            return group.totalBytes();
        }
        catch (final DssException ex)
        {
            throw fileSystem.translate(ex, "+" + name, null);
        }
    }

    /**
     * @return bytes in free allocation units.
     */
    @Override
    public long getUsableSpace() throws IOException
    {
        final VolumeGroup group = volumeGroup();
        try
        {
            return group.freeBytes();
        }
        catch (final DssException ex)
        {
            throw fileSystem.translate(ex, "+" + name, null);
        }
    }

    /**
     * @return bytes in free allocation units, as {@link #getUsableSpace()}.
     */
    @Override
    public long getUnallocatedSpace() throws IOException
    {
        return getUsableSpace();
    }

    /**
     * @return the allocation unit size: the granularity at which DSS allocates space.
     */
    @Override
    public long getBlockSize() throws IOException
    {
        final VolumeGroup group = volumeGroup();
        try
        {
            return group.auSize();
        }
        catch (final DssException ex)
        {
            throw fileSystem.translate(ex, "+" + name, null);
        }
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public boolean supportsFileAttributeView(final Class<? extends FileAttributeView> type)
    {
        return type == BasicFileAttributeView.class;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public boolean supportsFileAttributeView(final String viewName)
    {
        return DssFileAttributeView.NAME.equals(viewName);
    }

    /**
     * @return null: DSS file stores have no attribute views.
     */
    @Override
    public <V extends FileStoreAttributeView> V getFileStoreAttributeView(final Class<V> type)
    {
        return null;
    }

    /**
     * {@code totalSpace}, {@code usableSpace}, {@code unallocatedSpace} and {@code blockSize}.
     */
    @Override
    public Object getAttribute(final String attribute) throws IOException
    {
        return switch (attribute)
        {
            case "totalSpace" -> getTotalSpace();
            case "usableSpace" -> getUsableSpace();
            case "unallocatedSpace" -> getUnallocatedSpace();
            case "blockSize" -> getBlockSize();
            default -> throw new UnsupportedOperationException("file store attribute not supported by DSS: " +
                "attribute=" + attribute + ", store=+" + name +
                "; supported are totalSpace, usableSpace, unallocatedSpace and blockSize");
        };
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public boolean equals(final Object other)
    {
        return other instanceof DssFileStore && ((DssFileStore)other).fileSystem == fileSystem &&
            ((DssFileStore)other).name.equals(name);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public int hashCode()
    {
        return name.hashCode();
    }

    /**
     * @return {@code +vg (dss)}.
     */
    @Override
    public String toString()
    {
        return "+" + name + " (" + TYPE + ")";
    }
}
