package io.respool.dss.crash;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * What one crash-test thread's directory must hold: each path's expected entry, built by applying the operations of
 * its journal. An operation that failed (journal line {@code F}) changed nothing.
 */
final class Model
{
    /**
     * An expected entry: a directory, a link to {@code target}, or a file of {@code length} bytes with CRC32
     * {@code crc}; {@code seed} and {@code dataLength} say how the content was made, so a truncate can be modelled.
     */
    record Entry(char type, long seed, int dataLength, long length, long crc, String target)
    {
        /**
         * What is observable on disk: type, length, content checksum and link target, not how it was produced.
         */
        @Override
        public boolean equals(final Object o)
        {
            return o instanceof Entry e && type == e.type && length == e.length && crc == e.crc &&
                java.util.Objects.equals(target, e.target);
        }

        @Override
        public int hashCode()
        {
            return java.util.Objects.hash(type, length, crc, target);
        }

        static Entry directory()
        {
            return new Entry('d', 0, 0, 0, 0, null);
        }

        static Entry file(final long seed, final int dataLength, final long length)
        {
            final java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            final byte[] data = content(seed, dataLength);
            crc.update(data, 0, (int)Math.min(dataLength, length));
            for (long i = dataLength; i < length; i++)
            {
                crc.update(0);
            }
            return new Entry('-', seed, dataLength, length, crc.getValue(), null);
        }
    }

    final Map<String, Entry> entries = new HashMap<>();

    static byte[] content(final long seed, final int length)
    {
        final byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    Model copy()
    {
        final Model model = new Model();
        model.entries.putAll(entries);
        return model;
    }

    /**
     * Apply a journal operation that succeeded.
     */
    void apply(final String op)
    {
        final String[] f = op.split(" ");
        switch (f[0])
        {
            case "MKDIR" -> entries.put(f[1], Entry.directory());
            case "WRITE" -> entries.put(f[1], Entry.file(Long.parseLong(f[2]), Integer.parseInt(f[3]),
                Integer.parseInt(f[3])));
            case "DELETE" -> entries.remove(f[1]);
            case "RENAME" ->
            {
                final Entry moved = entries.remove(f[1]);
                entries.put(f[2], moved);
            }
            case "TRUNCATE" ->
            {
                final Entry e = entries.get(f[1]);
                final long length = Long.parseLong(f[2]);
                entries.put(f[1], Entry.file(e.seed(), (int)Math.min(e.dataLength(), length), length));
            }
            case "SYMLINK" -> entries.put(f[2], new Entry('l', 0, 0, 0, 0, f[1]));
            case "RMDIR" -> entries.keySet().removeIf(path -> path.equals(f[1]) || path.startsWith(f[1] + "/"));
            default -> throw new IllegalArgumentException("unknown journal op: " + op);
        }
    }

    /**
     * @return the one path a WRITE changes.
     */
    static String touchedPath(final String op)
    {
        return op.split(" ")[1];
    }

    /**
     * @return the state after {@code op} if it took effect; for WRITE, which is several metadata changes and data
     * writes, null: any state of its path is possible.
     */
    Model after(final String op)
    {
        if (op.startsWith("WRITE "))
        {
            return null;
        }
        final Model after = copy();
        try
        {
            after.apply(op);
        }
        catch (final RuntimeException ex)
        {
            return this; // the operation could only have failed
        }
        return after;
    }
}
