package io.respool.dms;

import org.agrona.collections.Long2LongHashMap;

/**
 * Remembers finished requests, keyed by (node, serial), for a while, so that a late or duplicate message of a
 * finished request is recognised and never applied twice. Single-threaded: owned by the node agent.
 */
final class Tombstones
{
    private static final long MISSING = Long.MIN_VALUE;

    private final Long2LongHashMap expiryByKey = new Long2LongHashMap(MISSING);
    private final Long2LongHashMap outcomeByKey = new Long2LongHashMap(MISSING);
    private final long ttlNs;

    Tombstones(final long ttlNs)
    {
        this.ttlNs = ttlNs;
    }

    static long key(final int node, final long serial)
    {
        return ((long)node << 56) | (serial & 0x00FF_FFFF_FFFF_FFFFL);
    }

    void add(final int node, final long serial, final long nowNs)
    {
        expiryByKey.put(key(node, serial), nowNs + ttlNs);
    }

    /**
     * Remember a finished request together with the answer it got, so a resent copy gets the same answer.
     */
    void add(final int node, final long serial, final long nowNs, final int outcome)
    {
        final long key = key(node, serial);
        expiryByKey.put(key, nowNs + ttlNs);
        outcomeByKey.put(key, outcome);
    }

    /**
     * @return the answer remembered for the request, or -1 if none.
     */
    int outcome(final int node, final long serial)
    {
        final long outcome = outcomeByKey.get(key(node, serial));
        return outcome == MISSING ? -1 : (int)outcome;
    }

    boolean contains(final int node, final long serial)
    {
        return expiryByKey.get(key(node, serial)) != MISSING;
    }

    int expire(final long nowNs)
    {
        int removed = 0;
        final Long2LongHashMap.EntryIterator it = expiryByKey.entrySet().iterator();
        while (it.hasNext())
        {
            it.next();
            if (it.getLongValue() - nowNs < 0)
            {
                outcomeByKey.remove(it.getLongKey());
                it.remove();
                removed++;
            }
        }
        return removed;
    }

    int size()
    {
        return expiryByKey.size();
    }
}
