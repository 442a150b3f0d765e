package io.respool.examples.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * What went wrong on a node: every problem is counted, the first few are kept word for word for the report.
 * Thread-safe.
 */
final class Problems
{
    private static final int KEPT = 10;

    private final List<String> first = new ArrayList<>();
    private long count;

    synchronized void add(final String problem)
    {
        count++;
        if (first.size() < KEPT)
        {
            first.add(problem);
            System.out.println("ERROR " + problem);
        }
    }

    void addAll(final Iterable<String> problems)
    {
        for (final String problem : problems)
        {
            add(problem);
        }
    }

    synchronized long count()
    {
        return count;
    }

    synchronized List<String> first()
    {
        return new ArrayList<>(first);
    }
}
