package io.respool.examples.cluster;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A network of its own for each node, so that one node can be cut off while every node still reaches the disk
 * (the image is a file, which a network namespace does not hide): one network namespace per node, each with one
 * end of a veth pair addressed {@code 10.213.0.<id+1>/24}, the other end in a hub namespace on a bridge. Cutting a
 * node takes its hub-side link down: its DMS transport and its arbiter's UDP lane hear nothing and reach nothing,
 * in both directions, and nothing else on the host is touched (no firewall rule, no address outside the
 * namespaces). The namespaces are named after the launcher's pid ({@code rpd<pid>n<id>}, {@code rpd<pid>h}) and
 * deleted on close, which also deletes their links; namespaces a killed launcher left behind (its pid gone) are
 * deleted at the next start.
 * <p>
 * Needs {@code ip} (iproute2) and the right to create namespaces (root, or CAP_SYS_ADMIN and CAP_NET_ADMIN).
 */
final class NetnsLinks implements AutoCloseable
{
    /** The nodes' subnet inside the namespaces. */
    static final String SUBNET = "10.213.0.";

    private static final Pattern OURS = Pattern.compile("^rpd(\\d+)[hn]\\d*\\b");

    private final String prefix;
    private final int nodes;
    private final PrintStream out;
    private final List<String> created = new ArrayList<>();

    private NetnsLinks(final int nodes, final PrintStream out)
    {
        this.prefix = "rpd" + ProcessHandle.current().pid();
        this.nodes = nodes;
        this.out = out;
    }

    /**
     * Create the namespaces and links.
     *
     * @throws IllegalStateException naming the command that failed and what to do (run as root).
     */
    static NetnsLinks create(final int nodes, final PrintStream out)
    {
        removeStale(out);
        final NetnsLinks links = new NetnsLinks(nodes, out);
        try
        {
            final String hub = links.hub();
            links.add(hub);
            ip(hub, "link", "add", "br0", "type", "bridge");
            ip(hub, "link", "set", "br0", "up");
            for (int id = 0; id < nodes; id++)
            {
                final String ns = links.namespace(id);
                links.add(ns);
                final String inside = links.prefix + "v" + id;
                final String outside = links.hubLink(id);
                ip(null, "link", "add", inside, "type", "veth", "peer", "name", outside);
                ip(null, "link", "set", inside, "netns", ns);
                ip(null, "link", "set", outside, "netns", hub);
                ip(hub, "link", "set", outside, "master", "br0");
                ip(hub, "link", "set", outside, "up");
                ip(ns, "addr", "add", address(id) + "/24", "dev", inside);
                ip(ns, "link", "set", inside, "up");
                ip(ns, "link", "set", "lo", "up");
            }
            out.println("network namespaces " + links.created + ": node i at " + SUBNET + "<i+1>, links on a " +
                "bridge in " + hub + " (deleted at the end)");
            return links;
        }
        catch (final RuntimeException ex)
        {
            links.close();
            throw ex;
        }
    }

    /**
     * @return node id's address inside its namespace.
     */
    static String address(final int id)
    {
        return SUBNET + (id + 1);
    }

    /**
     * @return the command prefix that runs a program in node id's namespace.
     */
    List<String> exec(final int id)
    {
        return List.of("ip", "netns", "exec", namespace(id));
    }

    /**
     * Cut node id off the network (its link to the hub down).
     */
    void cut(final int id)
    {
        ip(hub(), "link", "set", hubLink(id), "down");
    }

    /**
     * Join node id to the network again.
     */
    void heal(final int id)
    {
        ip(hub(), "link", "set", hubLink(id), "up");
    }

    int nodes()
    {
        return nodes;
    }

    /**
     * Delete every namespace created (their links go with them); errors are printed, not thrown.
     */
    @Override
    public void close()
    {
        for (int i = created.size() - 1; i >= 0; i--)
        {
            try
            {
                ip(null, "netns", "del", created.get(i));
            }
            catch (final RuntimeException ex)
            {
                out.println("cannot delete network namespace " + created.get(i) + ": " + ex.getMessage() +
                    "; delete it with: ip netns del " + created.get(i));
            }
        }
        created.clear();
    }

    private void add(final String ns)
    {
        ip(null, "netns", "add", ns);
        created.add(ns);
    }

    private String namespace(final int id)
    {
        return prefix + "n" + id;
    }

    private String hub()
    {
        return prefix + "h";
    }

    private String hubLink(final int id)
    {
        return prefix + "h" + id;
    }

    private static void removeStale(final PrintStream out)
    {
        for (final String line : run(List.of("ip", "netns", "list")).split("\n"))
        {
            final Matcher m = OURS.matcher(line.trim());
            if (m.find() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty())
            {
                final String name = line.trim().split("\\s+")[0];
                run(List.of("ip", "netns", "del", name));
                out.println("deleted network namespace " + name + " left by a launcher that is gone (pid " +
                    m.group(1) + ")");
            }
        }
    }

    private static void ip(final String ns, final String... args)
    {
        final List<String> command = new ArrayList<>();
        command.add("ip");
        if (ns != null)
        {
            command.add("-n");
            command.add(ns);
        }
        command.addAll(List.of(args));
        run(command);
    }

    private static String run(final List<String> command)
    {
        try
        {
            final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            final String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0)
            {
                throw new IllegalStateException("'" + String.join(" ", command) + "' failed: " + output +
                    " (a partition run creates network namespaces: run it as root, with iproute2 installed)");
            }
            return output;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot run '" + String.join(" ", command) + "': " + ex.getMessage() +
                " (install iproute2)", ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, ex);
        }
    }
}
