package io.respool.cli.dss;

import io.respool.blockdev.BlockDeviceException;
import io.respool.dss.DssException;
import io.respool.dss.ErrorCode;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Turns any failure into the one line {@code dsscmd} prints on stderr: {@code dsscmd: <command>: <message>}. Never
 * a stack trace. A DSS error whose message does not already say what to do gets a hint chosen by its error code.
 */
final class ErrorLines
{
    static final String PREFIX = "dsscmd: ";

    private ErrorLines()
    {
    }

    /**
     * @param command the subcommand name, or null for the top level.
     * @return the error line, without a line terminator.
     */
    static String line(final String command, final Throwable failure)
    {
        return PREFIX + (command == null ? "" : command + ": ") + oneLine(message(failure));
    }

    /**
     * @return a warning line: {@code dsscmd: warning: <message>}.
     */
    static String warning(final String message)
    {
        return PREFIX + "warning: " + oneLine(message);
    }

    static String message(final Throwable failure)
    {
        if (failure instanceof CliException)
        {
            return failure.getMessage();
        }
        if (failure instanceof DssException)
        {
            final DssException ex = (DssException)failure;
            final String text = text(ex);
            final String hint = text.contains(";") ? null : hint(ex.errorCode());
            return text + (hint == null ? "" : "; " + hint) + " [" + ex.errorCode() + " " + ex.errorCode().code() + "]";
        }
        if (failure instanceof BlockDeviceException)
        {
            return text(failure);
        }
        if (failure instanceof UncheckedIOException || failure instanceof IOException)
        {
            final Throwable io = failure instanceof UncheckedIOException ? failure.getCause() : failure;
            return "I/O error: " + io.getClass().getSimpleName() + ": " + text(io) + "; check the path and permissions";
        }
        if (failure instanceof OutOfMemoryError)
        {
            return "out of memory: " + text(failure) + "; give the JVM more, e.g. JAVA_OPTS=-Xmx4g bin/dsscmd ...";
        }
        return "internal error: " + failure.getClass().getName() + ": " + text(failure) +
            "; this is a bug in dsscmd, please report it with the command line";
    }

    private static String text(final Throwable failure)
    {
        final String message = failure.getMessage();
        return message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
    }

    /**
     * @return what to do about an error of this kind, for messages that do not say.
     */
    static String hint(final ErrorCode code)
    {
        return switch (code)
        {
            case NOT_FOUND -> "check the path with dsscmd ls, and create missing directories with dsscmd mkdir";
            case ALREADY_EXISTS -> "pick another name, or remove the existing one first";
            case INVALID_PATH -> "DSS paths are +vgname/dir/name, names 1 to 63 characters of [0-9A-Za-z_.-], " +
                "not . or ..";
            case INVALID_ARGUMENT -> "check the arguments with dsscmd <command> --help";
            case NOT_A_DIRECTORY -> "the path names a file or link where a directory is needed";
            case IS_A_DIRECTORY -> "use dsscmd rmdir for directories";
            case DIRECTORY_NOT_EMPTY -> "remove its entries first, or use dsscmd rmdir -r to remove it recursively";
            case NOT_A_LINK -> "the path is not a symbolic link; use dsscmd ls -p to see what it is";
            case OUT_OF_SPACE -> "free space with dsscmd rm, or add a volume with dsscmd adv";
            case VOLUME_IN_USE -> "close the other user of the volume group, or remove its data first";
            case CORRUPT -> "run dsscmd check -g <vg>; restore the volume from a backup if it stays corrupt";
            case CONFIG -> "fix the configuration files in $DSS_HOME/cfg";
            case CLOSED -> "retry the command";
            case IO_ERROR -> "check the device and the system log (dmesg)";
            case FENCED -> "this instance was fenced off the volume group; restart it after the cluster recovers";
            case UNSUPPORTED_VERSION -> "use the dsscmd version that created the volume group";
            case FILE_TOO_LARGE -> "files are limited to 8 TiB";
            case READ_ONLY -> "run the command without --read_only to change the volume group";
        };
    }

    /**
     * @return the text on one line: line breaks become spaces.
     */
    static String oneLine(final String text)
    {
        return text.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
    }
}
