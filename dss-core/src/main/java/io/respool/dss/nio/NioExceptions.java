package io.respool.dss.nio;

import io.respool.dss.DssException;

import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;

/**
 * Maps {@link DssException}s to {@code java.nio.file} exceptions. The exception names the path; the DSS message is
 * its reason and the {@link DssException} its cause.
 */
final class NioExceptions
{
    private NioExceptions()
    {
    }

    /**
     * @param file  the path the operation was on.
     * @param other the second path of a two-path operation (move, copy, link), or null.
     */
    static FileSystemException translate(final DssException ex, final String file, final String other)
    {
        final String reason = ex.getMessage();
        final FileSystemException result = switch (ex.errorCode())
        {
            case NOT_FOUND -> new NoSuchFileException(file, other, reason);
            case ALREADY_EXISTS -> new FileAlreadyExistsException(file, other, reason);
            case DIRECTORY_NOT_EMPTY -> new DssDirectoryNotEmptyException(file, reason);
            case NOT_A_DIRECTORY -> new DssNotDirectoryException(file, reason);
            default -> new FileSystemException(file, other, reason);
        };
        result.initCause(ex);
        return result;
    }

    /**
     * A {@link NotLinkException} for {@code file}, of type {@code type}.
     */
    static NotLinkException notLink(final String file, final Object type)
    {
        return new NotLinkException(file, null, "not a symbolic link: type=" + type);
    }

    /**
     * {@link DirectoryNotEmptyException} has no reason; this one keeps the DSS message.
     */
    static final class DssDirectoryNotEmptyException extends DirectoryNotEmptyException
    {
        private static final long serialVersionUID = 1L;

        private final String reason;

        DssDirectoryNotEmptyException(final String directory, final String reason)
        {
            super(directory);
            this.reason = reason;
        }

        /**
         * {@inheritDoc}
         */
        @Override
        public String getReason()
        {
            return reason;
        }
    }

    /**
     * {@link NotDirectoryException} has no reason; this one keeps the DSS message.
     */
    static final class DssNotDirectoryException extends NotDirectoryException
    {
        private static final long serialVersionUID = 1L;

        private final String reason;

        DssNotDirectoryException(final String file, final String reason)
        {
            super(file);
            this.reason = reason;
        }

        /**
         * {@inheritDoc}
         */
        @Override
        public String getReason()
        {
            return reason;
        }
    }
}
