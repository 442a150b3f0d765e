package io.respool.dms.api;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * Membership views from a small file that a test, a demo or a simple cluster manager rewrites: every node process
 * reads the same file, so every node gets the same view for a version. {@link #publish} writes a view atomically
 * (a temporary file in the same directory, fsync, rename over the old one, fsync of the directory); a poll thread
 * of its own (a daemon, named {@code dms-membership-<file>}) reads the file every poll interval and tells the
 * listeners of a view whose version is higher than the current one.
 * <p>
 * The file, UTF-8 text, one {@code key=value} per line in this order :
 * <pre>
 * respool-membership-view
 * format=1
 * version=3
 * members=0,2
 * reformer=0
 * primary=2
 * crc32c=5b1e7a0c
 * </pre>
 * The checksum is CRC-32C of every byte before the {@code crc32c=} line. A read that finds a torn, corrupt or
 * unreadable file, or a view that breaks {@link MembershipView}'s rules, is never applied: it is counted in
 * {@link #corruptReads()} and logged once per distinct content. A valid view whose version is not higher than the
 * current one is never applied either: it is counted in {@link #staleReads()} (rereading the file unchanged counts
 * nothing). Publishing keeps the source's contract only if the publisher does: versions strictly increase, and a
 * removed node is fenced off the shared storage before the view that removes it is published.
 * <p>
 * Thread-safe. {@link #close()} stops the poll thread and waits for it.
 */
public final class FileMembershipSource implements MembershipSource, AutoCloseable
{
    /** How often the file is read, in milliseconds. */
    public static final String POLL_INTERVAL_PROP_NAME = "respool.dms.membership.file.poll.interval.ms";
    /** Default of {@link #POLL_INTERVAL_PROP_NAME}: 20 ms, so a view reaches every node well within a reform. */
    public static final long POLL_INTERVAL_DEFAULT_MS = 20;

    private static final Logger LOG = LoggerFactory.getLogger(FileMembershipSource.class);
    private static final long CLOSE_WAIT_MS = 10_000;

    private final Path file;
    private final long pollIntervalNs;
    private final List<MembershipSource.Listener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong appliedViews = new AtomicLong();
    private final AtomicLong corruptReads = new AtomicLong();
    private final AtomicLong staleReads = new AtomicLong();
    private volatile MembershipView current;
    private volatile boolean closed;
    private byte[] lastContent;
    private byte[] lastRejected;
    private Thread poller;

    /**
     * A source over {@code file}, polled every {@value #POLL_INTERVAL_PROP_NAME} ms (default
     * {@value #POLL_INTERVAL_DEFAULT_MS}).
     *
     * @param file the view file, already published.
     * @throws DmsConfigException if the file cannot be read or holds no valid view.
     */
    public FileMembershipSource(final Path file)
    {
        this(file, TimeUnit.MILLISECONDS.toNanos(Long.getLong(POLL_INTERVAL_PROP_NAME, POLL_INTERVAL_DEFAULT_MS)));
    }

    /**
     * @param file           the view file, already published ({@link #publish}).
     * @param pollIntervalNs how often the poll thread reads it: 1 ms to 60 s.
     * @throws DmsConfigException if the interval is out of range, or the file cannot be read or holds no valid
     *                            view (its first view is the current one).
     */
    public FileMembershipSource(final Path file, final long pollIntervalNs)
    {
        if (file == null)
        {
            throw new DmsConfigException("membership file not set: FileMembershipSource needs a path");
        }
        if (pollIntervalNs < TimeUnit.MILLISECONDS.toNanos(1) || pollIntervalNs > TimeUnit.SECONDS.toNanos(60))
        {
            throw new DmsConfigException("membership file poll interval must be 1 ms to 60 s: " +
                POLL_INTERVAL_PROP_NAME + "=" + TimeUnit.NANOSECONDS.toMillis(pollIntervalNs) + ", path=" + file);
        }
        this.file = file;
        this.pollIntervalNs = pollIntervalNs;
        final byte[] content;
        try
        {
            content = Files.readAllBytes(file);
        }
        catch (final IOException ex)
        {
            throw new DmsConfigException("membership file cannot be read: path=" + file + ", reason=" + ex +
                "; publish a first view with FileMembershipSource.publish before starting the node");
        }
        try
        {
            current = Format.decode(content);
        }
        catch (final Format.FormatException ex)
        {
            throw new DmsConfigException("membership file holds no valid view: path=" + file + ", reason=" +
                ex.getMessage() + "; publish a view with FileMembershipSource.publish");
        }
        lastContent = content;
    }

    /**
     * Write {@code view} to {@code file} atomically: readers see the old file or the new one, never a mix, and
     * after a crash the file is the old view or the new one. Does not check that the version rises: a reader
     * ignores one that does not.
     *
     * @param file where the view goes; its directory must exist.
     * @param view the view.
     * @throws DmsException if the file cannot be written, naming it.
     */
    public static void publish(final Path file, final MembershipView view)
    {
        final Path dir = file.toAbsolutePath().getParent();
        final Path temp = dir.resolve(file.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-" +
            System.nanoTime());
        try
        {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE))
            {
                final java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(Format.encode(view));
                while (bytes.hasRemaining())
                {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            try
            {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            catch (final AtomicMoveNotSupportedException ex)
            {
                throw new IOException("the file system cannot rename atomically: " + dir, ex);
            }
            syncDirectory(dir);
        }
        catch (final IOException ex)
        {
            try
            {
                Files.deleteIfExists(temp);
            }
            catch (final IOException ignore)
            {
                // the write failure is the one to report
            }
            throw new DmsException(DmsErrorCode.CONFIG, "cannot publish membership view: path=" + file +
                ", view=" + view + ", reason=" + ex + "; check the directory exists and is writable");
        }
    }

    @Override
    public MembershipView current()
    {
        return current;
    }

    /**
     * Start telling {@code listener} of every view after {@link #current()}; the first call starts the poll thread.
     *
     * @param listener the listener.
     * @throws IllegalStateException if the source is closed.
     */
    @Override
    public synchronized void listen(final MembershipSource.Listener listener)
    {
        if (closed)
        {
            throw new IllegalStateException("membership source is closed: path=" + file);
        }
        listeners.add(listener);
        if (poller == null)
        {
            poller = new Thread(this::run, "dms-membership-" + file.getFileName());
            poller.setDaemon(true);
            poller.start();
        }
    }

    /**
     * Read the file now, as the poll thread does each interval, and tell the listeners if it holds a newer view.
     *
     * @return true if a newer view was applied.
     */
    public synchronized boolean poll()
    {
        final byte[] content;
        try
        {
            content = Files.readAllBytes(file);
        }
        catch (final IOException ex)
        {
            reject(new byte[0], "membership file cannot be read: path=" + file + ", reason=" + ex);
            return false;
        }
        if (Arrays.equals(content, lastContent))
        {
            return false;
        }
        final MembershipView view;
        try
        {
            view = Format.decode(content);
        }
        catch (final Format.FormatException ex)
        {
            reject(content, "membership file ignored, torn or corrupt: path=" + file + ", reason=" +
                ex.getMessage());
            return false;
        }
        lastContent = content;
        final MembershipView before = current;
        if (view.version() <= before.version())
        {
            staleReads.incrementAndGet();
            LOG.warn("membership view ignored, its version is not higher than the current one: path={}, read={}, " +
                "current={}", file, view, before);
            return false;
        }
        current = view;
        appliedViews.incrementAndGet();
        LOG.info("membership view applied: path={}, view={}, previous={}", file, view, before);
        for (final MembershipSource.Listener listener : listeners)
        {
            try
            {
                listener.onView(view);
            }
            catch (final RuntimeException ex)
            {
                LOG.error("membership listener failed: path={}, view={}", file, view, ex);
            }
        }
        return true;
    }

    /**
     * @return views applied after the first one.
     */
    public long appliedViews()
    {
        return appliedViews.get();
    }

    /**
     * @return reads that found a torn, corrupt or unreadable file or an invalid view, never applied.
     */
    public long corruptReads()
    {
        return corruptReads.get();
    }

    /**
     * @return reads of a valid view whose version was not higher than the current one, never applied.
     */
    public long staleReads()
    {
        return staleReads.get();
    }

    /**
     * @return the view file.
     */
    public Path file()
    {
        return file;
    }

    /**
     * Stop the poll thread and wait for it to end. Safe to call twice; no listener is called after it returns.
     */
    @Override
    public void close()
    {
        final Thread thread;
        synchronized (this)
        {
            closed = true;
            thread = poller;
        }
        if (thread != null && thread != Thread.currentThread())
        {
            thread.interrupt();
            try
            {
                thread.join(CLOSE_WAIT_MS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive())
            {
                LOG.warn("membership poll thread did not stop within {} ms: path={}, thread={}", CLOSE_WAIT_MS, file,
                    thread.getName());
            }
        }
    }

    @Override
    public String toString()
    {
        return "FileMembershipSource{path=" + file + ", current=" + current + ", applied=" + appliedViews.get() +
            ", corrupt=" + corruptReads.get() + ", stale=" + staleReads.get() + "}";
    }

    private void run()
    {
        while (!closed)
        {
            try
            {
                TimeUnit.NANOSECONDS.sleep(pollIntervalNs);
            }
            catch (final InterruptedException ex)
            {
                break;
            }
            synchronized (this)
            {
                if (closed)
                {
                    break;
                }
                try
                {
                    poll();
                }
                catch (final RuntimeException ex)
                {
                    LOG.error("membership poll failed: path={}", file, ex);
                }
            }
        }
    }

    private void reject(final byte[] content, final String reason)
    {
        corruptReads.incrementAndGet();
        if (!Arrays.equals(content, lastRejected))
        {
            lastRejected = content;
            LOG.warn("{}; the current view stays in force: {}", reason, current);
        }
    }

    private static void syncDirectory(final Path dir)
    {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ))
        {
            channel.force(true);
        }
        catch (final IOException ex)
        {
            // some file systems cannot open a directory for fsync; the rename is still atomic
            LOG.debug("cannot fsync directory {}: {}", dir, ex.toString());
        }
    }

    /**
     * The file's layout: encode and a strict decode that rejects anything but a whole, checksummed view.
     */
    static final class Format
    {
        /** The first line of every view file. */
        static final String MAGIC = "respool-membership-view";
        /** Oldest format this build reads. */
        static final int MIN_COMPAT_FORMAT_VERSION = 1;
        /** Format written. Version 1: magic, format, version, members, reformer, primary, crc32c. */
        static final int CURRENT_FORMAT_VERSION = 1;
        /** Longest file read: a view is a few dozen bytes, so anything longer is not one. */
        static final int MAX_LENGTH = 1024;

        private static final String CRC_KEY = "crc32c=";

        private Format()
        {
        }

        /** Why a file holds no valid view. */
        static final class FormatException extends Exception
        {
            private static final long serialVersionUID = 1L;

            FormatException(final String message)
            {
                super(message);
            }
        }

        static byte[] encode(final MembershipView view)
        {
            final StringBuilder members = new StringBuilder();
            for (long rest = view.members(); rest != 0; rest &= rest - 1)
            {
                members.append(members.length() > 0 ? "," : "").append(Long.numberOfTrailingZeros(rest));
            }
            final String body = MAGIC + "\n" +
                "format=" + CURRENT_FORMAT_VERSION + "\n" +
                "version=" + view.version() + "\n" +
                "members=" + members + "\n" +
                "reformer=" + view.reformer() + "\n" +
                "primary=" + view.primary() + "\n";
            final byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
            final String crc = CRC_KEY + String.format("%08x", crc(bodyBytes, bodyBytes.length)) + "\n";
            final byte[] all = Arrays.copyOf(bodyBytes, bodyBytes.length + crc.length());
            System.arraycopy(crc.getBytes(StandardCharsets.UTF_8), 0, all, bodyBytes.length, crc.length());
            return all;
        }

        static MembershipView decode(final byte[] content) throws FormatException
        {
            if (content.length == 0)
            {
                throw new FormatException("empty file");
            }
            if (content.length > MAX_LENGTH)
            {
                throw new FormatException("file too long for a view: length=" + content.length + ", max=" +
                    MAX_LENGTH);
            }
            final String text = new String(content, StandardCharsets.US_ASCII);
            final int crcAt = text.lastIndexOf("\n" + CRC_KEY) + 1;
            if (crcAt == 0 || !text.endsWith("\n"))
            {
                throw new FormatException("no checksum line at the end (torn write?): length=" + content.length);
            }
            final String crcText = text.substring(crcAt + CRC_KEY.length(), text.length() - 1);
            final long expected = crc(content, crcAt);
            if (crcText.length() != 8 || !crcText.equals(String.format("%08x", expected)))
            {
                throw new FormatException("checksum mismatch: stored=" + crcText + ", computed=" +
                    String.format("%08x", expected));
            }
            final String[] lines = text.substring(0, crcAt).split("\n");
            if (lines.length != 6 || !MAGIC.equals(lines[0]))
            {
                throw new FormatException("not a membership view file: first line=" + lines[0] + ", lines=" +
                    lines.length + ", expected " + MAGIC + " and 6 lines before the checksum");
            }
            final int format = (int)number(lines[1], "format");
            if (format < MIN_COMPAT_FORMAT_VERSION || format > CURRENT_FORMAT_VERSION)
            {
                throw new FormatException("unsupported format: format=" + format + ", supported=" +
                    MIN_COMPAT_FORMAT_VERSION + ".." + CURRENT_FORMAT_VERSION);
            }
            final long version = number(lines[2], "version");
            final long members = members(value(lines[3], "members"));
            final long reformer = number(lines[4], "reformer");
            final long primary = number(lines[5], "primary");
            if (version > Integer.MAX_VALUE || reformer > NodeList.MAX_NODES || primary > NodeList.MAX_NODES)
            {
                throw new FormatException("value out of range: version=" + version + ", reformer=" + reformer +
                    ", primary=" + primary);
            }
            try
            {
                return new MembershipView((int)version, members, (int)reformer, (int)primary);
            }
            catch (final DmsConfigException ex)
            {
                throw new FormatException(ex.getMessage());
            }
        }

        private static long members(final String list) throws FormatException
        {
            long members = 0;
            for (final String id : list.split(",", -1))
            {
                final long nodeId = parse(id, "members");
                if (nodeId >= NodeList.MAX_NODES)
                {
                    throw new FormatException("member out of range: members=" + list + ", max=" +
                        (NodeList.MAX_NODES - 1));
                }
                members |= 1L << nodeId;
            }
            return members;
        }

        private static long number(final String line, final String key) throws FormatException
        {
            return parse(value(line, key), key);
        }

        private static String value(final String line, final String key) throws FormatException
        {
            if (!line.startsWith(key + "="))
            {
                throw new FormatException("expected " + key + "=..., found: " + line);
            }
            return line.substring(key.length() + 1);
        }

        private static long parse(final String digits, final String key) throws FormatException
        {
            if (digits.isEmpty() || digits.length() > 10 || !digits.chars().allMatch(Character::isDigit))
            {
                throw new FormatException("not a number: " + key + "=" + digits);
            }
            return Long.parseLong(digits);
        }

        private static long crc(final byte[] bytes, final int length)
        {
            final CRC32C crc = new CRC32C();
            crc.update(bytes, 0, length);
            return crc.getValue();
        }
    }
}
