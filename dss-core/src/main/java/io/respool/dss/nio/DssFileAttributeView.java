package io.respool.dss.nio;

import java.io.IOException;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;

/**
 * The {@code basic} view of a DSS file: attributes can be read, times cannot be set.
 */
final class DssFileAttributeView implements BasicFileAttributeView
{
    static final String NAME = "basic";

    private final DssNioPath path;
    private final boolean followLinks;

    DssFileAttributeView(final DssNioPath path, final boolean followLinks)
    {
        this.path = path;
        this.followLinks = followLinks;
    }

    /**
     * @return {@code basic}.
     */
    @Override
    public String name()
    {
        return NAME;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public BasicFileAttributes readAttributes() throws IOException
    {
        return path.getFileSystem().stat(path, followLinks);
    }

    /**
     * Throws unless every argument is null: DSS sets creation and modification times itself.
     */
    @Override
    public void setTimes(final FileTime lastModifiedTime, final FileTime lastAccessTime, final FileTime createTime)
    {
        if (lastModifiedTime != null || lastAccessTime != null || createTime != null)
        {
            throw DssFileSystemProvider.cannotSetTimes(path);
        }
    }
}
