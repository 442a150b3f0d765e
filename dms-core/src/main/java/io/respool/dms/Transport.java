package io.respool.dms;

import org.agrona.DirectBuffer;

/**
 * What the node agent needs from a transport: run its duty cycle, deliver received messages to a sink, and send.
 * {@link AeronTransport} is the real one; a deterministic test routes messages itself. Single-threaded: the node
 * agent.
 */
interface Transport
{
    /** Receives one whole message. */
    @FunctionalInterface
    interface MessageSink
    {
        /**
         * @param buffer   holds the message.
         * @param offset   where it starts.
         * @param length   its length.
         * @param fromSelf whether this node sent it to itself.
         */
        void onMessage(DirectBuffer buffer, int offset, int length, boolean fromSelf);
    }

    /**
     * @param sink where received messages go.
     */
    void sink(MessageSink sink);

    /**
     * Run the transport's own duty cycle (media driver and client conductor).
     *
     * @return work done.
     */
    int invoke();

    /**
     * Deliver received messages to the sink, control and claims before data.
     *
     * @return messages delivered.
     */
    int poll();

    /**
     * Send one message. A failure is counted and reported as false; callers rely on retransmits and re-drives.
     *
     * @param destination node id.
     * @param lane        the stream it goes on.
     * @param buffer      holds the message.
     * @param offset      where it starts.
     * @param length      its length.
     * @return true if it was handed to the network.
     */
    boolean send(int destination, Lane lane, DirectBuffer buffer, int offset, int length);

    /**
     * @param node a peer.
     * @return whether a process listens at the peer's address (its control lane is connected).
     */
    boolean isConnected(int node);
}
