package io.respool.examples.cluster;

import io.respool.dms.api.BroadcastHandler;
import io.respool.dms.api.DmsNode;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The two nodes' conversation about the run ({@link ControlMessage}), over DMS broadcasts. The handler side runs on
 * the DMS agent thread and only records what arrived; the waiting side runs on the node's main thread.
 */
final class ControlChannel implements BroadcastHandler
{
    /** Status in the acknowledgement of a message this node understood. */
    static final int ACK_OK = 0;
    /** Status in the acknowledgement of a message that was too short or of an unknown type. */
    static final int ACK_BAD_MESSAGE = 1;

    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch done = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final BooleanSupplier aborted;
    private volatile long doneInserted;
    private volatile long doneUpdated;
    private volatile long doneLastLsn;

    /**
     * @param aborted true once the node must give up (its launcher went away).
     */
    ControlChannel(final BooleanSupplier aborted)
    {
        this.aborted = aborted;
    }

    @Override
    public int onBroadcast(final int fromNode, final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < ControlMessage.LENGTH)
        {
            return ACK_BAD_MESSAGE;
        }
        switch (ControlMessage.type(buffer, offset))
        {
            case ControlMessage.START ->
            {
                started.countDown();
                return ACK_OK;
            }

            case ControlMessage.DONE ->
            {
                doneInserted = ControlMessage.inserted(buffer, offset);
                doneUpdated = ControlMessage.updated(buffer, offset);
                doneLastLsn = ControlMessage.lastLsn(buffer, offset);
                done.countDown();
                return ACK_OK;
            }

            case ControlMessage.FINISHED ->
            {
                finished.countDown();
                return ACK_OK;
            }

            default ->
            {
                return ACK_BAD_MESSAGE;
            }
        }
    }

    /**
     * Send a message to the other node and wait for its acknowledgement, resending until the deadline.
     *
     * @throws IllegalStateException if it was not acknowledged in time.
     */
    void send(final DmsNode node, final int type, final long inserted, final long updated, final long lastLsn,
        final long timeoutNs)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[ControlMessage.LENGTH]);
        final int length = ControlMessage.encode(buffer, type, inserted, updated, lastLsn);
        final long deadlineNs = System.nanoTime() + timeoutNs;
        while (true)
        {
            checkNotAborted();
            final boolean acknowledged = node.broadcast(buffer, 0, length, TimeUnit.SECONDS.toNanos(1));
            if (acknowledged)
            {
                return;
            }
            if (deadlineNs - System.nanoTime() < 0)
            {
                throw new IllegalStateException("the other node did not acknowledge a control message: type=" +
                    type + ", nodeId=" + node.nodeId() + ", timeoutMs=" + TimeUnit.NANOSECONDS.toMillis(timeoutNs));
            }
        }
    }

    void awaitStart(final long timeoutNs)
    {
        await(started, "START from node 0", timeoutNs);
    }

    void awaitFinished(final long timeoutNs)
    {
        await(finished, "FINISHED from node 1", timeoutNs);
    }

    /**
     * @param readerGone true once node 1 is out of the cluster (a partition: it fenced itself).
     * @return true if node 1 said FINISHED, false if it left the cluster first.
     */
    boolean awaitFinishedUnless(final BooleanSupplier readerGone, final long timeoutNs)
    {
        return await(finished, "FINISHED from node 1", readerGone, timeoutNs);
    }

    boolean isDone()
    {
        return done.getCount() == 0;
    }

    long doneInserted()
    {
        return doneInserted;
    }

    long doneUpdated()
    {
        return doneUpdated;
    }

    long doneLastLsn()
    {
        return doneLastLsn;
    }

    void checkNotAborted()
    {
        if (aborted.getAsBoolean())
        {
            throw new Stopped();
        }
    }

    /**
     * Thrown where a node notices that its launcher asked it to stop (or went away): the node closes DMS and DSS
     * in order and exits.
     */
    static final class Stopped extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        Stopped()
        {
            super("stopped: the launcher closed this node's standard input (it was stopped, or went away)", null,
                false, false);
        }
    }

    private void await(final CountDownLatch latch, final String what, final long timeoutNs)
    {
        await(latch, what, () -> false, timeoutNs);
    }

    private boolean await(final CountDownLatch latch, final String what, final BooleanSupplier giveUp,
        final long timeoutNs)
    {
        final long deadlineNs = System.nanoTime() + timeoutNs;
        try
        {
            while (!latch.await(100, TimeUnit.MILLISECONDS))
            {
                checkNotAborted();
                if (giveUp.getAsBoolean())
                {
                    return false;
                }
                if (deadlineNs - System.nanoTime() < 0)
                {
                    throw new IllegalStateException("timed out waiting for " + what + ": timeoutMs=" +
                        TimeUnit.NANOSECONDS.toMillis(timeoutNs));
                }
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + what, ex);
        }
        return true;
    }
}
