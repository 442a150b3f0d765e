package io.respool.bench.report;

import io.aeron.AeronVersion;
import org.openjdk.jmh.util.Version;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the report says about the machine a run measured, read from {@code /proc} and the JVM: figures from a
 * 2-core guest and a 64-core host are not comparable, so every report names its machine.
 *
 * @param cpus     CPU count and model.
 * @param memory   total memory.
 * @param kernel   operating system and kernel version, and whether the CPU flags say it runs under a hypervisor.
 * @param jvm      the JVM that ran the forks.
 * @param versions JMH and Aeron versions.
 * @param storage  file system type and device holding the benchmark images.
 */
public record Machine(String cpus, String memory, String kernel, String jvm, String versions, String storage)
{
    private static final Path CPU_INFO = Path.of("/proc/cpuinfo");
    private static final Path MEM_INFO = Path.of("/proc/meminfo");
    private static final Path MOUNTS = Path.of("/proc/mounts");
    private static final Path LOAD_AVERAGE = Path.of("/proc/loadavg");
    private static final Path SELF_STATUS = Path.of("/proc/self/status");

    /**
     * @param imageDirectory where the DSS benchmarks put their images.
     * @return this machine.
     */
    public static Machine describe(final Path imageDirectory)
    {
        final List<String> cpuInfo = lines(CPU_INFO);
        final String model = field(cpuInfo, "model name").orElse("unknown model");
        final boolean guest = cpuInfo.stream()
            .anyMatch((line) -> line.startsWith("flags") && line.contains(" hypervisor"));
        final String memory = field(lines(MEM_INFO), "MemTotal")
            .map((kib) -> Math.round(Long.parseLong(kib.replaceAll("[^0-9]", "")) / (1024.0 * 1024.0)) + " GiB")
            .orElse("unknown");

        return new Machine(
            Runtime.getRuntime().availableProcessors() + " CPUs (" + model + ")",
            memory,
            System.getProperty("os.name") + " " + System.getProperty("os.version") +
                (guest ? ", virtual machine (hypervisor CPU flag)" : ""),
            System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
            "JMH " + Version.getPlainVersion() + ", Aeron " + AeronVersion.VERSION,
            storage(imageDirectory.toAbsolutePath().normalize()));
    }

    /**
     * @return the 1, 5 and 15 minute load averages, e.g. {@code 0.52 / 1.10 / 2.03}, or {@code unknown}.
     */
    public static String loadAverage()
    {
        final List<String> lines = lines(LOAD_AVERAGE);
        if (lines.isEmpty())
        {
            return "unknown";
        }
        final String[] fields = lines.get(0).split(" ");
        return fields[0] + " / " + fields[1] + " / " + fields[2];
    }

    /**
     * @return the CPUs this process may run on, in order, from {@code Cpus_allowed_list} (e.g. {@code 0-1,4}), or
     * none if it cannot be read.
     */
    public static List<Integer> allowedCpus()
    {
        final List<Integer> cpus = new ArrayList<>();
        field(lines(SELF_STATUS), "Cpus_allowed_list").ifPresent((list) ->
        {
            for (final String range : list.split(","))
            {
                final String[] ends = range.trim().split("-");
                final int first = Integer.parseInt(ends[0]);
                final int last = ends.length > 1 ? Integer.parseInt(ends[1]) : first;
                for (int cpu = first; cpu <= last; cpu++)
                {
                    cpus.add(cpu);
                }
            }
        });
        return cpus;
    }

    private static String storage(final Path directory)
    {
        String best = null;
        int bestLength = -1;
        for (final String line : lines(MOUNTS))
        {
            final String[] fields = line.split(" ");
            final String mountPoint = fields[1];
            if (directory.startsWith(mountPoint) && mountPoint.length() > bestLength)
            {
                best = fields[2] + " on " + fields[0] + " (" + directory + ")";
                bestLength = mountPoint.length();
            }
        }
        return best == null ? directory.toString() : best;
    }

    private static Optional<String> field(final List<String> lines, final String name)
    {
        return lines.stream()
            .filter((line) -> line.startsWith(name))
            .map((line) -> line.substring(line.indexOf(':') + 1).trim())
            .findFirst();
    }

    private static List<String> lines(final Path file)
    {
        try
        {
            return Files.readAllLines(file);
        }
        catch (final IOException ex)
        {
            return List.of();
        }
    }
}
