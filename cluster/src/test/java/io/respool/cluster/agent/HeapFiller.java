package io.respool.cluster.agent;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;

/**
 * A child JVM that fills its old generation with live data to {@code args[0]} percent of its maximum, measured after a
 * full collection, prints {@code READY} and holds it until its input closes: a node short of heap, as seed 002's was.
 */
public final class HeapFiller
{
    private static final int CHUNK = 256 * 1024;

    private HeapFiller()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int percent = Integer.parseInt(args[0]);
        final MemoryPoolMXBean old = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP && p.getCollectionUsage() != null)
            .filter(p -> p.getName().contains("Old") || p.getName().contains("Tenured"))
            .findFirst().orElseThrow();
        final List<byte[]> live = new ArrayList<>();
        long collectedUsed = 0;
        while (collectedUsed * 100 < old.getUsage().getMax() * percent)
        {
            for (int i = 0; i < 16; i++)
            {
                live.add(new byte[CHUNK]);
            }
            System.gc();
            collectedUsed = old.getCollectionUsage().getUsed();
        }
        System.out.println("READY " + live.size() + " chunks, old generation " + collectedUsed + " of " +
            old.getUsage().getMax());
        System.out.flush();
        while (System.in.read() >= 0)
        {
            Thread.onSpinWait();
        }
    }
}
