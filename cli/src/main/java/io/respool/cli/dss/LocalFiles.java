package io.respool.cli.dss;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Error messages for local files, one line each, saying what to do.
 */
final class LocalFiles
{
    private LocalFiles()
    {
    }

    /**
     * @param what what was being done, e.g. "cannot read local file".
     */
    static CliException failure(final String what, final Path path, final IOException ex)
    {
        if (ex instanceof NoSuchFileException)
        {
            return new CliException(what + ", no such file or directory: path=" + path +
                "; check the path (local paths are absolute, e.g. /tmp/file)", ex);
        }
        if (ex instanceof FileAlreadyExistsException)
        {
            return new CliException(what + ", it already exists: path=" + path +
                "; remove it first or pick another name", ex);
        }
        if (ex instanceof AccessDeniedException)
        {
            return new CliException(what + ", permission denied: path=" + path + "; check its permissions", ex);
        }
        return new CliException(what + ": path=" + path + ", error=" + ErrorLines.oneLine(String.valueOf(
            ex.getMessage())) + "; check the path, the permissions and the free space of its file system", ex);
    }

    /**
     * @return the path, checked to be absolute, as openGauss requires of local cp paths.
     */
    static Path absolute(final String text)
    {
        final Path path = Path.of(text);
        if (!path.isAbsolute())
        {
            throw new CliException("local path is not absolute: path=" + text + "; write it from the root, e.g. " +
                Path.of(text).toAbsolutePath().normalize() + ", or start DSS paths with +vgname");
        }
        return path.normalize();
    }
}
