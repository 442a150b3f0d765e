package io.respool.cluster.arbiter;

import io.respool.blockdev.BlockDevices;
import io.respool.common.process.ProcessIdentity;
import org.junit.jupiter.api.Assumptions;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Two hosts simulated on this machine, for tests of the arbiter across hosts: two network namespaces joined by one
 * veth pair ({@code rsp0} in host 0's namespace, {@code rsp1} in host 1's) with the addresses 10.213.R.1/24 and
 * 10.213.R.2/24 (R random), which exist only inside those namespaces; and a loop device ({@code losetup
 * --direct-io=on}) over an image file as the shared block device, so the nodes take DSS's direct-I/O path. A node
 * runs in its host's namespace and in a pid namespace of its own ({@link #onHost}), so that to the arbiter its peer
 * is on another host ({@code /proc} cannot see it, {@link ProcessIdentity#sameHostAs} is false).
 * <p>
 * Everything it creates is named {@value #PREFIX}{@code <pid of this JVM>-<random>}, and {@link #close} removes it
 * in every case: processes left in the namespaces, the namespaces, the loop device, the image. {@link #create} first
 * removes what an earlier JVM that no longer runs left behind (a test JVM killed before its cleanup), and skips the
 * test through {@link Assumptions} naming what this machine does not allow (root, {@code ip netns}, veth, {@code
 * unshare --pid}, {@code /dev/loop-control}, {@code losetup}).
 */
final class TwoHostRig implements AutoCloseable
{
    /** The prefix of every namespace, image directory and loop device backing file the rig creates. */
    static final String PREFIX = "respool-2h-";
    static final int HOSTS = 2;
    private static final long COMMAND_TIMEOUT_S = 20;
    private static final long PID = ProcessHandle.current().pid();

    private final String name;
    private final int subnet;
    private final List<String> namespaces = new ArrayList<>();
    private final Path directory;
    private Path image;
    private Path loopDevice;
    private boolean directIo;

    private TwoHostRig(final String name, final int subnet, final Path directory)
    {
        this.name = name;
        this.subnet = subnet;
        this.directory = directory;
    }

    /**
     * Set up both hosts and the shared device, or skip the test with the reason.
     *
     * @param imageSize size of the shared device in bytes.
     */
    static TwoHostRig create(final long imageSize)
    {
        Assumptions.assumeTrue(System.getProperty("os.name", "").toLowerCase().contains("linux"),
            "two hosts on one machine need Linux network namespaces and loop devices; this is " +
            System.getProperty("os.name"));
        final String missing = missingTools();
        Assumptions.assumeTrue(missing == null, missing);
        removeLeftovers();
        final byte[] random = new byte[3];
        new SecureRandom().nextBytes(random);
        final String name = PREFIX + PID + "-" + HexFormat.of().formatHex(random, 0, 2);
        final Path directory;
        try
        {
            directory = Files.createTempDirectory(name + "-");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create the rig's directory under " +
                System.getProperty("java.io.tmpdir"), ex);
        }
        final TwoHostRig rig = new TwoHostRig(name, random[2] & 0xFF, directory);
        boolean done = false;
        try
        {
            rig.setUp(imageSize);
            done = true;
            return rig;
        }
        finally
        {
            if (!done)
            {
                rig.tearDown();
            }
        }
    }

    /**
     * @return the name of host {@code host}'s network namespace.
     */
    String namespace(final int host)
    {
        return namespaces.get(host);
    }

    /**
     * @return host {@code host}'s address, 10.213.R.(host + 1), which exists only in its namespace.
     */
    String address(final int host)
    {
        return "10.213." + subnet + "." + (host + 1);
    }

    InetSocketAddress endpoint(final int host, final int port)
    {
        return new InetSocketAddress(address(host), port);
    }

    /**
     * @return host {@code host}'s end of the veth pair, in its namespace.
     */
    String link(final int host)
    {
        return "rsp" + host;
    }

    /**
     * @return the loop device both hosts share.
     */
    Path device()
    {
        return loopDevice;
    }

    /**
     * @return true if the loop device does direct I/O on its backing file too ({@code losetup -l} DIO 1); a
     * backing file system without O_DIRECT (tmpfs) leaves it buffered below the device, which the nodes above it do
     * not see: they open the device with O_DIRECT either way.
     */
    boolean directIo()
    {
        return directIo;
    }

    /**
     * @return a directory of host {@code host}'s own (its DSS lock directory), created on first use.
     */
    Path hostDirectory(final int host)
    {
        final Path dir = directory.resolve("host" + host);
        try
        {
            return Files.createDirectories(dir);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create " + dir, ex);
        }
    }

    Path directory()
    {
        return directory;
    }

    /**
     * @return {@code command} run on host {@code host}: in its network namespace and in a new pid namespace with
     * its own {@code /proc}, where the command is pid 1; {@code --kill-child} ends it when the {@code unshare} the
     * caller started is killed.
     */
    List<String> onHost(final int host, final List<String> command)
    {
        final List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace(host),
            "unshare", "--pid", "--fork", "--kill-child", "--mount-proc"));
        full.addAll(command);
        return full;
    }

    /**
     * A partition: host {@code host}'s end of the link goes down, and with it the carrier of the other end.
     */
    void linkDown(final int host)
    {
        mustRun("take " + link(host) + " down", List.of("ip", "-n", namespace(host), "link", "set", link(host),
            "down"));
    }

    void linkUp(final int host)
    {
        mustRun("bring " + link(host) + " up", List.of("ip", "-n", namespace(host), "link", "set", link(host), "up"));
    }

    @Override
    public void close()
    {
        final List<String> failures = tearDown();
        if (!failures.isEmpty())
        {
            throw new AssertionError("the two-host rig " + name + " could not remove everything it created; " +
                "remove by hand: " + String.join("; ", failures));
        }
    }

    @Override
    public String toString()
    {
        return name + " (" + String.join(", ", namespaces) + ", " + address(0) + " and " + address(1) + ", " +
            loopDevice + (directIo ? " with direct I/O" : " buffered below") + " over " + image + ")";
    }

    private void setUp(final long imageSize)
    {
        for (int host = 0; host < HOSTS; host++)
        {
            final String ns = name + "-" + host;
            final Result added = run(List.of("ip", "netns", "add", ns));
            Assumptions.assumeTrue(added.ok(), "this machine does not let the test create network namespaces " +
                "(ip netns add " + ns + ": " + added + "); run as root with CAP_SYS_ADMIN, e.g. not in an " +
                "unprivileged container");
            namespaces.add(ns);
        }
        final Result veth = run(List.of("ip", "-n", namespace(0), "link", "add", link(0), "type", "veth", "peer",
            "name", link(1), "netns", namespace(1)));
        Assumptions.assumeTrue(veth.ok(), "cannot create a veth pair between the test's namespaces (" + veth +
            "): the kernel's veth driver is missing");
        for (int host = 0; host < HOSTS; host++)
        {
            mustRun("address host " + host, List.of("ip", "-n", namespace(host), "addr", "add",
                address(host) + "/24", "dev", link(host)));
            mustRun("bring lo up on host " + host, List.of("ip", "-n", namespace(host), "link", "set", "lo", "up"));
            linkUp(host);
        }
        final Result pidNs = run(onHost(0, List.of("true")));
        Assumptions.assumeTrue(pidNs.ok(), "cannot run a process in a pid namespace of its own inside the test's " +
            "network namespace (" + String.join(" ", onHost(0, List.of("true"))) + ": " + pidNs + ")");
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/loop-control")), "no /dev/loop-control: the kernel's " +
            "loop driver is not loaded (modprobe loop) or /dev is not the host's");
        image = directory.resolve("shared.img");
        try
        {
            BlockDevices.createSparseImage(image, imageSize);
        }
        catch (final RuntimeException ex)
        {
            throw new IllegalStateException("cannot create the shared image " + image + ": " + ex.getMessage(), ex);
        }
        final Result attached = run(List.of("losetup", "--direct-io=on", "-f", "--show", image.toString()));
        // a warning (no direct I/O on this file system) may come before the device's name
        final Optional<String> attachedTo = attached.output().lines().map(String::trim)
            .filter(line -> line.startsWith("/dev/")).findFirst();
        Assumptions.assumeTrue(attached.ok() && attachedTo.isPresent(), "cannot attach a loop device over " + image +
            " (losetup --direct-io=on -f --show: " + attached + "): no free loop device or no permission");
        loopDevice = Path.of(attachedTo.get());
        final Result listed = run(List.of("losetup", "-l", "-n", "-O", "DIO", loopDevice.toString()));
        directIo = listed.ok() && listed.output().trim().equals("1");
    }

    /**
     * Remove everything, each step tried whatever the others did.
     *
     * @return what could not be removed.
     */
    private List<String> tearDown()
    {
        final List<String> failures = new ArrayList<>();
        for (final String ns : namespaces)
        {
            removeNamespace(ns, failures);
        }
        namespaces.clear();
        if (loopDevice != null)
        {
            final Result detached = run(List.of("losetup", "-d", loopDevice.toString()));
            if (!detached.ok())
            {
                failures.add("losetup -d " + loopDevice + ": " + detached);
            }
            loopDevice = null;
        }
        deleteTree(directory, failures);
        return failures;
    }

    /**
     * Remove what rigs of JVMs that no longer run left behind: namespaces, loop devices and image directories named
     * with {@link #PREFIX} and a pid that is not alive. Those of a live JVM (a rig of another test run at once) are
     * left alone.
     */
    static void removeLeftovers()
    {
        final List<String> failures = new ArrayList<>();
        final Result netns = run(List.of("ip", "netns", "list"));
        if (netns.ok())
        {
            netns.output().lines().map(line -> line.split(" ")[0]).filter(TwoHostRig::leftOver)
                .forEach(ns -> removeNamespace(ns, failures));
        }
        final Result loops = run(List.of("losetup", "-l", "-n", "-O", "NAME,BACK-FILE"));
        if (loops.ok())
        {
            for (final String line : loops.output().lines().toList())
            {
                final String[] fields = line.trim().split("\\s+", 2);
                if (fields.length == 2 && Stream.of(fields[1].split("/")).anyMatch(TwoHostRig::leftOver))
                {
                    run(List.of("losetup", "-d", fields[0]));
                }
            }
        }
        try (Stream<Path> dirs = Files.list(Path.of(System.getProperty("java.io.tmpdir"))))
        {
            dirs.filter(dir -> leftOver(dir.getFileName().toString())).forEach(dir -> deleteTree(dir, failures));
        }
        catch (final IOException ex)
        {
            failures.add("list " + System.getProperty("java.io.tmpdir") + ": " + ex.getMessage());
        }
        if (!failures.isEmpty())
        {
            System.err.println("TwoHostRig: leftovers of earlier runs not removed: " + String.join("; ", failures));
        }
    }

    /**
     * @return true for a name of ours whose JVM no longer runs.
     */
    private static boolean leftOver(final String name)
    {
        if (!name.startsWith(PREFIX))
        {
            return false;
        }
        final String rest = name.substring(PREFIX.length());
        final int dash = rest.indexOf('-');
        try
        {
            final long pid = Long.parseLong(dash < 0 ? rest : rest.substring(0, dash));
            return pid != PID && !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
        catch (final NumberFormatException ex)
        {
            return false;
        }
    }

    /**
     * Kill the processes left in namespace {@code ns} (only nodes a rig started run there), then delete it: a
     * namespace with a process in it outlives its name.
     */
    private static void removeNamespace(final String ns, final List<String> failures)
    {
        final Result pids = run(List.of("ip", "netns", "pids", ns));
        if (pids.ok())
        {
            for (final String pid : pids.output().lines().map(String::trim).filter(s -> !s.isEmpty()).toList())
            {
                final Optional<ProcessHandle> process = ProcessHandle.of(Long.parseLong(pid));
                process.ifPresent(ProcessHandle::destroyForcibly);
                process.ifPresent(handle -> handle.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(ex -> handle)
                    .join());
            }
        }
        final Result deleted = run(List.of("ip", "netns", "del", ns));
        if (!deleted.ok())
        {
            failures.add("ip netns del " + ns + ": " + deleted);
        }
    }

    private static void deleteTree(final Path root, final List<String> failures)
    {
        if (!Files.exists(root))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(root))
        {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(path);
            }
        }
        catch (final IOException | UncheckedIOException ex)
        {
            failures.add("delete " + root + ": " + ex.getMessage());
        }
    }

    /**
     * @return null if every command the rig needs is installed, else which is not.
     */
    private static String missingTools()
    {
        for (final List<String> probe : List.of(List.of("ip", "-V"), List.of("losetup", "--version"),
            List.of("unshare", "--version")))
        {
            final Result result = run(probe);
            if (result.exit() == Result.NOT_STARTED)
            {
                return "'" + probe.get(0) + "' is not installed (" + result.output().trim() + "); two hosts on " +
                    "one machine need iproute2 (ip netns) and util-linux (losetup, unshare)";
            }
        }
        return null;
    }

    private static void mustRun(final String what, final List<String> command)
    {
        final Result result = run(command);
        if (!result.ok())
        {
            throw new IllegalStateException("two-host rig: cannot " + what + ": " + String.join(" ", command) +
                ": " + result);
        }
    }

    /**
     * @param exit   the exit status; {@link #NOT_STARTED} if the program could not be started, {@link #TIMED_OUT}.
     * @param output stdout and stderr merged.
     */
    record Result(int exit, String output)
    {
        static final int NOT_STARTED = -1;
        static final int TIMED_OUT = -2;

        boolean ok()
        {
            return exit == 0;
        }

        @Override
        public String toString()
        {
            final String text = output.trim();
            return (exit == NOT_STARTED ? "not started" : exit == TIMED_OUT ? "timed out" : "exit " + exit) +
                (text.isEmpty() ? "" : ", " + text);
        }
    }

    static Result run(final List<String> command)
    {
        final Process process;
        try
        {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        }
        catch (final IOException ex)
        {
            return new Result(Result.NOT_STARTED, String.valueOf(ex.getMessage()));
        }
        try (InputStream in = process.getInputStream())
        {
            process.getOutputStream().close();
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            final Thread reader = new Thread(() ->
            {
                try
                {
                    in.transferTo(out);
                }
                catch (final IOException ignored)
                {
                    // the process was killed: what it printed so far is the output
                }
            }, "rig-" + command.get(0));
            reader.setDaemon(true);
            reader.start();
            if (!process.waitFor(COMMAND_TIMEOUT_S, TimeUnit.SECONDS))
            {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                return new Result(Result.TIMED_OUT, String.join(" ", command) + " ran over " + COMMAND_TIMEOUT_S +
                    " s");
            }
            reader.join(TimeUnit.SECONDS.toMillis(5));
            return new Result(process.exitValue(), out.toString(StandardCharsets.UTF_8));
        }
        catch (final IOException ex)
        {
            return new Result(Result.NOT_STARTED, String.valueOf(ex.getMessage()));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return new Result(Result.TIMED_OUT, "interrupted");
        }
    }
}
