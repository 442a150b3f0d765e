package io.respool.dms;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

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
     * Send a header and a payload as one message, without first copying the payload next to the header. This
     * default copies both into a new buffer (for transports of tests); {@link AeronTransport} gathers them straight
     * into the publication's log.
     *
     * @param destination   node id.
     * @param lane          the stream it goes on.
     * @param header        holds the message's start.
     * @param headerOffset  where it starts.
     * @param headerLength  its length.
     * @param payload       holds the rest.
     * @param payloadOffset where that starts.
     * @param payloadLength its length.
     * @return true if it was handed to the network.
     */
    default boolean send(final int destination, final Lane lane, final DirectBuffer header, final int headerOffset,
        final int headerLength, final DirectBuffer payload, final int payloadOffset, final int payloadLength)
    {
        final UnsafeBuffer message = new UnsafeBuffer(new byte[headerLength + payloadLength]);
        message.putBytes(0, header, headerOffset, headerLength);
        message.putBytes(headerLength, payload, payloadOffset, payloadLength);
        return send(destination, lane, message, 0, message.capacity());
    }

    /**
     * Send a header and a payload as one message, as {@link #send(int, Lane, DirectBuffer, int, int, DirectBuffer,
     * int, int)}, but refused at once when the network pushes back, rather than after the media driver had a few
     * hundred duty cycles to make room: for a sender that keeps the message and tries again on its next duty cycle
     * (a rebuild batch). On a shared core, those duty cycles only take the time the receiver needs to make room.
     *
     * @param destination   node id.
     * @param lane          the stream it goes on.
     * @param header        holds the message's start.
     * @param headerOffset  where it starts.
     * @param headerLength  its length.
     * @param payload       holds the rest.
     * @param payloadOffset where that starts.
     * @param payloadLength its length.
     * @return true if it was handed to the network.
     */
    default boolean offer(final int destination, final Lane lane, final DirectBuffer header, final int headerOffset,
        final int headerLength, final DirectBuffer payload, final int payloadOffset, final int payloadLength)
    {
        return send(destination, lane, header, headerOffset, headerLength, payload, payloadOffset, payloadLength);
    }

    /**
     * @param node a peer.
     * @return whether a process listens at the peer's address (its control lane is connected).
     */
    boolean isConnected(int node);
}
