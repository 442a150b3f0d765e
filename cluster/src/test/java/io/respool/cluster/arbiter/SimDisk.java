package io.respool.cluster.arbiter;

import io.respool.dss.arbitration.SectorIo;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * A shared disk in memory for deterministic tests: every write lands whole, or (when a fault is drawn for it, from a
 * seeded generator) fails with nothing, all or a torn prefix of it landed, or tears and crashes its writer. Each node
 * reaches it through its own {@link #port}; no threads.
 */
final class SimDisk
{
    /** Thrown by a write that tore and took its writer down: the test restarts the writer. */
    static final class Crash extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        Crash(final String message)
        {
            super(message);
        }
    }

    private final Map<Long, byte[]> blocks = new HashMap<>();
    private final Random random;
    private double writeFailure;
    private double crash;
    private double readFailure;
    private final boolean[] crashed = new boolean[ClusterAreaLayout.MAX_NODES];
    private final boolean[] cutOff = new boolean[ClusterAreaLayout.MAX_NODES];
    private final Map<FrozenRead, byte[]> frozen = new HashMap<>();
    private int writes;
    private int faults;

    SimDisk(final long seed)
    {
        random = new Random(seed);
    }

    /**
     * @param writeFailure chance that a write fails (nothing, all, or a torn part of it landed).
     * @param crash        chance that a write tears and crashes its writer.
     * @param readFailure  chance that a read fails.
     */
    SimDisk faults(final double writeFailure, final double crash, final double readFailure)
    {
        this.writeFailure = writeFailure;
        this.crash = crash;
        this.readFailure = readFailure;
        return this;
    }

    /**
     * @return true once (then cleared) if a write of {@code node} crashed it.
     */
    boolean takeCrash(final int node)
    {
        final boolean was = crashed[node];
        crashed[node] = false;
        return was;
    }

    /**
     * Every I/O of {@code node} fails while cut off (it lost its path to the disk).
     */
    void cutOff(final int node, final boolean value)
    {
        cutOff[node] = value;
    }

    boolean isCutOff(final int node)
    {
        return cutOff[node];
    }

    /**
     * Until {@link #thaw}, {@code reader}'s reads of the block at {@code offset} return what it holds now, as reads
     * that all happened before every later write of it: a reader's view that lags, for as long as a test needs.
     */
    void freeze(final int reader, final long offset)
    {
        frozen.put(new FrozenRead(reader, offset), blocks.getOrDefault(offset, new byte[ClusterAreaLayout.BLOCK]).clone());
    }

    /** Ends every {@link #freeze}. */
    void thaw()
    {
        frozen.clear();
    }

    int writes()
    {
        return writes;
    }

    int faults()
    {
        return faults;
    }

    /**
     * Overwrite part of a sector with garbage, as damage would.
     */
    void damage(final long offset, final int from, final int length)
    {
        final byte[] block = blocks.computeIfAbsent(offset, k -> new byte[ClusterAreaLayout.BLOCK]);
        for (int i = from; i < from + length; i++)
        {
            block[i] = (byte)(block[i] ^ 0x5A);
        }
    }

    SectorIo port(final int node)
    {
        return new SectorIo()
        {
            @Override
            public void read(final long offset, final MutableDirectBuffer dst, final int index, final int length)
            {
                if (cutOff[node] || random.nextDouble() < readFailure)
                {
                    faults++;
                    throw new IllegalStateException("simulated read failure: node=" + node + ", offset=" + offset);
                }
                final byte[] block = frozen.getOrDefault(new FrozenRead(node, offset), blocks.get(offset));
                if (block == null)
                {
                    dst.setMemory(index, length, (byte)0);
                }
                else
                {
                    dst.putBytes(index, block, 0, length);
                }
            }

            @Override
            public void write(
                final long offset, final DirectBuffer src, final int index, final int length, final boolean durable)
            {
                writes++;
                if (cutOff[node])
                {
                    faults++;
                    throw new IllegalStateException("simulated cut-off: node=" + node + ", offset=" + offset);
                }
                final byte[] block = blocks.computeIfAbsent(offset, k -> new byte[ClusterAreaLayout.BLOCK]);
                final double draw = random.nextDouble();
                if (draw < crash)
                {
                    faults++;
                    src.getBytes(index, block, 0, 1 + random.nextInt(length - 1));
                    crashed[node] = true;
                    throw new Crash("simulated crash in a torn write: node=" + node + ", offset=" + offset);
                }
                if (draw < crash + writeFailure)
                {
                    faults++;
                    final int landed = switch (random.nextInt(3))
                    {
                        case 0 -> 0;
                        case 1 -> length;
                        default -> 1 + random.nextInt(length - 1);
                    };
                    src.getBytes(index, block, 0, landed);
                    throw new IllegalStateException("simulated write failure: node=" + node + ", offset=" + offset +
                        ", landed=" + landed);
                }
                src.getBytes(index, block, 0, length);
            }
        };
    }

    private record FrozenRead(int reader, long offset)
    {
    }
}
