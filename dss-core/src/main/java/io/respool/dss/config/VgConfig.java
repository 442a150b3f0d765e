package io.respool.dss.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * {@code cfg/dss_vg_conf.ini}: one {@code vgname:entry_volume_path} a line, {@code #} comments, blank lines
 * skipped. Line order is VG order. A duplicate name, or two lines naming the same volume, is rejected with both
 * line numbers.
 */
public final class VgConfig
{
    public static final String FILE_NAME = "dss_vg_conf.ini";
    public static final int MAX_VOLUME_GROUPS = 65;
    public static final long MAX_FILE_SIZE = 64 * 1024;

    private final Path file;
    private final List<Entry> entries;

    /**
     * One line: a volume group and its entry volume.
     *
     * @param name        volume group name.
     * @param entryVolume path of the entry volume.
     * @param line        line number in the file.
     */
    public record Entry(String name, Path entryVolume, int line)
    {
    }

    private VgConfig(final Path file, final List<Entry> entries)
    {
        this.file = file;
        this.entries = Collections.unmodifiableList(entries);
    }

    public static VgConfig load(final Path file)
    {
        try
        {
            if (Files.size(file) > MAX_FILE_SIZE)
            {
                throw new ConfigException(FILE_NAME + " too large: file=" + file + ", max=" + MAX_FILE_SIZE + " bytes");
            }
            return parse(file, Files.readAllLines(file, StandardCharsets.UTF_8));
        }
        catch (final IOException ex)
        {
            throw new ConfigException("cannot read " + FILE_NAME + ": file=" + file + ", error=" + ex +
                "; create it with one line per volume group, e.g. data:/path/to/volume");
        }
    }

    static VgConfig parse(final Path file, final List<String> lines)
    {
        final List<Entry> entries = new ArrayList<>();
        final Map<String, Integer> names = new HashMap<>();
        final Map<Path, Integer> volumes = new HashMap<>();
        for (int i = 0; i < lines.size(); i++)
        {
            final int lineNumber = i + 1;
            final String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#"))
            {
                continue;
            }
            final int colon = line.indexOf(':');
            final String where = "file=" + file + ", line=" + lineNumber + ", text=" + line;
            if (colon < 0)
            {
                throw new ConfigException("line is not vgname:volume_path: " + where);
            }
            final String name = line.substring(0, colon).trim();
            final String volume = line.substring(colon + 1).trim();
            if (name.isEmpty() || volume.isEmpty())
            {
                throw new ConfigException("empty volume group name or volume path: " + where);
            }
            final Path path = Path.of(volume);
            if (!path.isAbsolute())
            {
                throw new ConfigException("volume path must be absolute: " + where);
            }
            final Integer sameName = names.putIfAbsent(name, lineNumber);
            if (sameName != null)
            {
                throw new ConfigException("duplicate volume group name: " + where + ", vg=" + name +
                    ", firstLine=" + sameName);
            }
            final Path real = realPath(path);
            final Integer sameVolume = volumes.putIfAbsent(real, lineNumber);
            if (sameVolume != null)
            {
                throw new ConfigException("volume named twice: " + where + ", volume=" + real + ", firstLine=" +
                    sameVolume);
            }
            entries.add(new Entry(name, path, lineNumber));
            if (entries.size() > MAX_VOLUME_GROUPS)
            {
                throw new ConfigException("too many volume groups: file=" + file + ", max=" + MAX_VOLUME_GROUPS);
            }
        }
        return new VgConfig(file, entries);
    }

    private static Path realPath(final Path path)
    {
        try
        {
            return path.toRealPath();
        }
        catch (final IOException ex)
        {
            return path.toAbsolutePath().normalize();
        }
    }

    public Path file()
    {
        return file;
    }

    public List<Entry> entries()
    {
        return entries;
    }

    /**
     * @return the same file with only the lines that {@code keep} accepts, in their order; for opening some of
     * the volume groups of a DSS home.
     */
    public VgConfig retain(final Predicate<Entry> keep)
    {
        final List<Entry> kept = new ArrayList<>(entries.size());
        for (final Entry entry : entries)
        {
            if (keep.test(entry))
            {
                kept.add(entry);
            }
        }
        return new VgConfig(file, kept);
    }

    /**
     * @return the line for volume group {@code name}, or null.
     */
    public Entry find(final String name)
    {
        for (final Entry entry : entries)
        {
            if (entry.name().equals(name))
            {
                return entry;
            }
        }
        return null;
    }
}
