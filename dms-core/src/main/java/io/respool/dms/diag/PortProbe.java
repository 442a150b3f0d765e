package io.respool.dms.diag;

import io.respool.dms.api.DmsConfigException;
import io.respool.dms.api.PortHolder;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds who holds a UDP or TCP port the way {@code lsof -i} does, without starting anything: it reads
 * {@code /proc/net/udp}, {@code udp6}, {@code tcp} and {@code tcp6} for sockets bound to the port (TCP only when
 * listening), then scans {@code /proc/<pid>/fd} for links to {@code socket:[inode]} to find the process, and
 * reads its {@code /proc/<pid>/cmdline}. A holder counts when its address is the same as ours or either is a
 * wildcard. Processes whose descriptors cannot be read (not permitted) are reported with pid -1.
 */
public final class PortProbe
{
    private static final String[] TABLES = { "udp", "udp6", "tcp", "tcp6" };
    private static final String TCP_LISTEN = "0A";

    private final Path procRoot;

    /**
     * A probe over the real {@code /proc}.
     */
    public PortProbe()
    {
        this(Paths.get("/proc"));
    }

    /**
     * A probe over another proc root, for tests.
     *
     * @param procRoot directory laid out like {@code /proc}.
     */
    public PortProbe(final Path procRoot)
    {
        this.procRoot = procRoot;
    }

    /**
     * Who holds {@code host:port}.
     *
     * @param host the address the node will bind (a literal or a name).
     * @param port the port.
     * @return holders, empty if the port is free.
     */
    public List<PortHolder> holders(final String host, final int port)
    {
        final byte[] wanted = resolve(host);
        final List<long[]> found = new ArrayList<>();
        final List<String[]> foundInfo = new ArrayList<>();
        for (final String table : TABLES)
        {
            final Path file = procRoot.resolve("net").resolve(table);
            if (!Files.isReadable(file))
            {
                continue;
            }
            final List<String> lines;
            try
            {
                lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
            }
            catch (final IOException ex)
            {
                continue;
            }
            for (int i = 1; i < lines.size(); i++)
            {
                final String[] fields = lines.get(i).trim().split("\\s+");
                if (fields.length < 10)
                {
                    continue;
                }
                final String local = fields[1];
                final int colon = local.lastIndexOf(':');
                if (colon < 0)
                {
                    continue;
                }
                final int localPort = Integer.parseInt(local.substring(colon + 1), 16);
                if (localPort != port)
                {
                    continue;
                }
                if (table.startsWith("tcp") && !TCP_LISTEN.equals(fields[3]))
                {
                    continue;
                }
                final byte[] address = decodeAddress(local.substring(0, colon));
                if (!overlaps(wanted, address))
                {
                    continue;
                }
                final long inode = Long.parseLong(fields[9]);
                found.add(new long[] { inode });
                foundInfo.add(new String[] { table, formatAddress(address) });
            }
        }

        if (found.isEmpty())
        {
            return List.of();
        }

        final Map<Long, Long> inodeToPid = new HashMap<>();
        for (final long[] inode : found)
        {
            inodeToPid.put(inode[0], -1L);
        }
        scanProcesses(inodeToPid);

        final List<PortHolder> holders = new ArrayList<>(found.size());
        for (int i = 0; i < found.size(); i++)
        {
            final long inode = found.get(i)[0];
            final long pid = inodeToPid.get(inode);
            final String command = pid < 0 ? "unknown (socket inode " + inode + " not found in any readable " +
                "/proc/<pid>/fd; run as the owning user or root)" : commandLine(pid);
            holders.add(new PortHolder(foundInfo.get(i)[0], foundInfo.get(i)[1], port, inode, pid, command));
        }
        return holders;
    }

    private void scanProcesses(final Map<Long, Long> inodeToPid)
    {
        int remaining = inodeToPid.size();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(procRoot))
        {
            for (final Path proc : procs)
            {
                final String name = proc.getFileName().toString();
                if (name.isEmpty() || !Character.isDigit(name.charAt(0)))
                {
                    continue;
                }
                final long pid;
                try
                {
                    pid = Long.parseLong(name);
                }
                catch (final NumberFormatException ex)
                {
                    continue;
                }
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd")))
                {
                    for (final Path fd : fds)
                    {
                        final String target;
                        try
                        {
                            target = Files.readSymbolicLink(fd).toString();
                        }
                        catch (final IOException | UnsupportedOperationException ex)
                        {
                            continue;
                        }
                        if (target.startsWith("socket:["))
                        {
                            final long inode = Long.parseLong(target.substring(8, target.length() - 1));
                            final Long current = inodeToPid.get(inode);
                            if (current != null && current < 0)
                            {
                                inodeToPid.put(inode, pid);
                                if (--remaining == 0)
                                {
                                    return;
                                }
                            }
                        }
                    }
                }
                catch (final IOException | SecurityException ex)
                {
                    // not permitted or the process exited: skip it
                }
            }
        }
        catch (final IOException ex)
        {
            // no /proc: holders stay unknown
        }
    }

    private String commandLine(final long pid)
    {
        try
        {
            final byte[] bytes = Files.readAllBytes(procRoot.resolve(Long.toString(pid)).resolve("cmdline"));
            final String text = new String(bytes, StandardCharsets.UTF_8).replace('\0', ' ')
                .replaceAll("[\\r\\n\\t]+", " ").trim();
            return text.isEmpty() ? "[" + readComm(pid) + "]" : text;
        }
        catch (final IOException ex)
        {
            return "unknown (cannot read /proc/" + pid + "/cmdline: " + ex.getMessage() + ")";
        }
    }

    private String readComm(final long pid)
    {
        try
        {
            return Files.readString(procRoot.resolve(Long.toString(pid)).resolve("comm")).trim();
        }
        catch (final IOException ex)
        {
            return "?";
        }
    }

    private static byte[] resolve(final String host)
    {
        try
        {
            return InetAddress.getByName(host).getAddress();
        }
        catch (final UnknownHostException ex)
        {
            throw new DmsConfigException("cannot resolve node address: host=" + host + ", reason=" + ex.getMessage());
        }
    }

    /**
     * Decode a /proc/net hex address: IPv4 is one 32-bit word, IPv6 four, each in host byte order.
     */
    static byte[] decodeAddress(final String hex)
    {
        final int words = hex.length() / 8;
        final byte[] out = new byte[words * 4];
        final boolean little = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
        for (int w = 0; w < words; w++)
        {
            final long word = Long.parseLong(hex.substring(w * 8, w * 8 + 8), 16);
            for (int b = 0; b < 4; b++)
            {
                final int shift = little ? 8 * b : 8 * (3 - b);
                out[w * 4 + b] = (byte)(word >>> shift);
            }
        }
        return out;
    }

    static boolean overlaps(final byte[] wanted, final byte[] held)
    {
        final byte[] a = toV4IfMapped(wanted);
        final byte[] b = toV4IfMapped(held);
        if (isWildcard(a) || isWildcard(b))
        {
            return true;
        }
        return java.util.Arrays.equals(a, b);
    }

    private static byte[] toV4IfMapped(final byte[] address)
    {
        if (address.length == 16)
        {
            for (int i = 0; i < 10; i++)
            {
                if (address[i] != 0)
                {
                    return address;
                }
            }
            if (address[10] == (byte)0xff && address[11] == (byte)0xff)
            {
                return new byte[] { address[12], address[13], address[14], address[15] };
            }
        }
        return address;
    }

    private static boolean isWildcard(final byte[] address)
    {
        for (final byte b : address)
        {
            if (b != 0)
            {
                return false;
            }
        }
        return true;
    }

    private static String formatAddress(final byte[] address)
    {
        try
        {
            return InetAddress.getByAddress(address).getHostAddress();
        }
        catch (final UnknownHostException ex)
        {
            return "?";
        }
    }
}
