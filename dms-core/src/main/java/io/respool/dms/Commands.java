package io.respool.dms;

import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

/**
 * Commands from application threads to the node agent: the inbound side of every API call that must touch
 * agent-owned state. Many producers, one consumer (the agent).
 */
final class Commands
{
    private final ManyToOneConcurrentArrayQueue<Runnable> queue = new ManyToOneConcurrentArrayQueue<>(16 * 1024);

    /**
     * Enqueue a command, yielding while the queue is full. Thread-safe.
     */
    void offer(final Runnable command)
    {
        while (!queue.offer(command))
        {
            Thread.yield();
        }
    }

    /**
     * Run queued commands on the agent thread.
     */
    int drain(final int limit)
    {
        return queue.drain(Runnable::run, limit);
    }
}
