package io.respool.dms;

import io.respool.dms.api.LockMode;
import io.respool.dms.api.MembershipView;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static io.respool.dms.MessageDescriptor.*;

/**
 * Encodes and sends every outbound message. Single-threaded: the node agent, which owns the one send buffer. A
 * payload that lives elsewhere (a page image in the page store, a broadcast, a rebuild batch) is not copied into the
 * send buffer: the transport gathers header and payload into one message.
 */
final class MessageProxy
{
    private final int self;
    private final long incarnation;
    private final Transport transport;
    private final UnsafeBuffer sendBuffer;
    private final MessageFlyweight fw = new MessageFlyweight();
    private int membershipVersion;
    private int partitionMapVersion;

    MessageProxy(final int self, final long incarnation, final Transport transport, final int membershipVersion,
        final int partitionMapVersion, final int maxPayload)
    {
        this.self = self;
        this.incarnation = incarnation;
        this.transport = transport;
        this.membershipVersion = membershipVersion;
        this.partitionMapVersion = partitionMapVersion;
        this.sendBuffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            BitUtil.align(HEADER_LENGTH + maxPayload, 64), 64));
        fw.wrap(sendBuffer, 0);
    }

    private MessageFlyweight header(final MessageType type, final int destination)
    {
        return fw.header(type, self, incarnation, destination, membershipVersion, partitionMapVersion);
    }

    /** The epoch stamped from now on (a reform moved on). */
    void epoch(final int epoch)
    {
        this.membershipVersion = epoch;
    }

    /** The partition map version stamped from now on. */
    void partitionMapVersion(final int version)
    {
        this.partitionMapVersion = version;
    }

    /** The largest payload one message can carry. */
    int maxPayload()
    {
        return sendBuffer.capacity() - HEADER_LENGTH;
    }

    boolean reformStep(final int member, final MembershipView view, final int stepCode, final int typeCode,
        final PartitionMap map, final long restarted, final String reason)
    {
        fw.header(MessageType.REFORM_STEP, self, incarnation, member, view.version(), partitionMapVersion)
            .serial(stepCode).resourceId(view.members()).requesterNode(view.reformer()).lsn(view.primary())
            .status(typeCode).seq(restarted);
        map.encode(sendBuffer, fw.payloadOffset());
        fw.payloadLength(PartitionMap.ENCODED_LENGTH + putReason(fw.payloadOffset() + PartitionMap.ENCODED_LENGTH,
            reason));
        return send(MessageType.REFORM_STEP, member);
    }

    boolean reformAck(final int reformer, final int epoch, final int stepCode, final String reason,
        final int servedVersion, final long mayHold)
    {
        fw.header(MessageType.REFORM_ACK, self, incarnation, reformer, epoch, partitionMapVersion).serial(stepCode)
            .status(reason == null ? STATUS_OK : STATUS_DENIED).lsn(servedVersion).seq(mayHold);
        fw.payloadLength(putReason(fw.payloadOffset(), reason));
        return send(MessageType.REFORM_ACK, reformer);
    }

    /** A member still at a step the reformer resent: not done, but alive. */
    boolean reformBusy(final int reformer, final int epoch, final int stepCode)
    {
        fw.header(MessageType.REFORM_ACK, self, incarnation, reformer, epoch, partitionMapVersion).serial(stepCode)
            .status(STATUS_BUSY);
        fw.payloadLength(0);
        return send(MessageType.REFORM_ACK, reformer);
    }

    /** Why a reform failed, after the other payload: at most 1 KiB of UTF-8. */
    private int putReason(final int offset, final String reason)
    {
        if (reason == null)
        {
            return 0;
        }
        final byte[] bytes = reason.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        final int length = Math.min(bytes.length, Math.min(1024, sendBuffer.capacity() - offset));
        sendBuffer.putBytes(offset, bytes, 0, length);
        return length;
    }

    /**
     * @return the reason {@link #putReason} wrote at {@code from} bytes into the payload, or null if none.
     */
    static String reason(final MessageFlyweight msg, final int from)
    {
        final int length = msg.payloadLength() - from;
        if (length <= 0)
        {
            return null;
        }
        final byte[] bytes = new byte[length];
        msg.buffer().getBytes(msg.payloadOffset() + from, bytes);
        return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }

    boolean rebuild(final int master, final int epoch, final long batch, final int entries,
        final DirectBuffer payload, final int length)
    {
        fw.header(MessageType.REBUILD, self, incarnation, master, epoch, partitionMapVersion).serial(batch)
            .resourceId(entries).payloadLength(length);
        return transport.offer(master, MessageType.REBUILD.lane(), sendBuffer, 0, HEADER_LENGTH, payload, 0, length);
    }

    boolean rebuildAck(final int node, final int epoch, final long batch, final String conflict)
    {
        fw.header(MessageType.REBUILD_ACK, self, incarnation, node, epoch, partitionMapVersion).serial(batch)
            .status(conflict == null ? STATUS_OK : STATUS_DENIED);
        fw.payloadLength(putReason(fw.payloadOffset(), conflict));
        return send(MessageType.REBUILD_ACK, node);
    }

    private boolean send(final MessageType type, final int destination)
    {
        return transport.send(destination, type.lane(), sendBuffer, 0, fw.totalLength());
    }

    boolean askMaster(final int master, final long pageId, final LockMode mode, final long serial)
    {
        return askMaster(master, pageId, mode, serial, 0);
    }

    boolean askMaster(final int master, final long pageId, final LockMode mode, final long serial, final int flags)
    {
        header(MessageType.ASK_MASTER, master).resourceId(pageId).modeCode(mode.code()).serial(serial)
            .requesterNode(self).flags(flags);
        return send(MessageType.ASK_MASTER, master);
    }

    boolean askOwner(final int owner, final long pageId, final int requester, final LockMode mode,
        final long serial, final long seq, final int flags)
    {
        header(MessageType.ASK_OWNER, owner).resourceId(pageId).requesterNode(requester).modeCode(mode.code())
            .serial(serial).seq(seq).flags(flags);
        return send(MessageType.ASK_OWNER, owner);
    }

    boolean grant(final int requester, final long pageId, final LockMode mode, final long serial, final long seq,
        final int flags)
    {
        header(MessageType.GRANT, requester).resourceId(pageId).requesterNode(requester).modeCode(mode.code())
            .serial(serial).seq(seq).flags(flags);
        return send(MessageType.GRANT, requester);
    }

    boolean alreadyOwner(final int requester, final long pageId, final LockMode mode, final long serial,
        final long seq)
    {
        header(MessageType.ALREADY_OWNER, requester).resourceId(pageId).requesterNode(requester)
            .modeCode(mode.code()).serial(serial).seq(seq);
        return send(MessageType.ALREADY_OWNER, requester);
    }

    boolean pageReady(final int requester, final long pageId, final LockMode mode, final long serial,
        final long seq, final long lsn, final int flags, final DirectBuffer page, final int pageSize)
    {
        header(MessageType.PAGE_READY, requester).resourceId(pageId).requesterNode(requester)
            .modeCode(mode.code()).serial(serial).seq(seq).lsn(lsn).flags(flags).payloadLength(pageSize);
        // the page goes from the store's buffer straight to the transport, not through the send buffer
        return transport.send(requester, MessageType.PAGE_READY.lane(), sendBuffer, 0, HEADER_LENGTH, page, 0,
            pageSize);
    }

    boolean claim(final int master, final long pageId, final LockMode mode, final long serial, final long seq,
        final int flags, final long lsn)
    {
        header(MessageType.CLAIM, master).resourceId(pageId).requesterNode(self).modeCode(mode.code())
            .serial(serial).seq(seq).flags(flags).lsn(lsn);
        return send(MessageType.CLAIM, master);
    }

    boolean invalidate(final int holder, final long pageId, final int requester, final long serial,
        final long seq)
    {
        header(MessageType.INVALIDATE, holder).resourceId(pageId).requesterNode(requester).serial(serial).seq(seq)
            .modeCode(LockMode.NULL.code());
        return send(MessageType.INVALIDATE, holder);
    }

    boolean invalidateAck(final int master, final long pageId, final long seq)
    {
        header(MessageType.INVALIDATE_ACK, master).resourceId(pageId).seq(seq);
        return send(MessageType.INVALIDATE_ACK, master);
    }

    boolean release(final int master, final long pageId, final long serial, final LockMode currentMode)
    {
        header(MessageType.RELEASE, master).resourceId(pageId).serial(serial).requesterNode(self)
            .modeCode(currentMode.code());
        return send(MessageType.RELEASE, master);
    }

    boolean releaseAck(final int node, final long pageId, final long serial, final int status)
    {
        header(MessageType.RELEASE_ACK, node).resourceId(pageId).serial(serial).status(status);
        return send(MessageType.RELEASE_ACK, node);
    }

    boolean cleanEdp(final int master, final long pageId, final long lsn)
    {
        header(MessageType.CLEAN_EDP, master).resourceId(pageId).lsn(lsn);
        return send(MessageType.CLEAN_EDP, master);
    }

    boolean edpCleaned(final int holder, final long pageId, final long lsn)
    {
        header(MessageType.EDP_CLEANED, holder).resourceId(pageId).lsn(lsn);
        return send(MessageType.EDP_CLEANED, holder);
    }

    boolean ckptEdp(final int master, final long pageId)
    {
        header(MessageType.CKPT_EDP, master).resourceId(pageId);
        return send(MessageType.CKPT_EDP, master);
    }

    boolean ownerCkptEdp(final int owner, final long pageId, final long edpLsn)
    {
        header(MessageType.OWNER_CKPT_EDP, owner).resourceId(pageId).lsn(edpLsn);
        return send(MessageType.OWNER_CKPT_EDP, owner);
    }

    boolean lockRequest(final int master, final long resourceId, final LockMode mode, final long serial,
        final int flags)
    {
        header(MessageType.LOCK_REQUEST, master).resourceId(resourceId).modeCode(mode.code()).serial(serial)
            .requesterNode(self).flags(flags);
        return send(MessageType.LOCK_REQUEST, master);
    }

    boolean lockReply(final int node, final long resourceId, final long serial, final int status)
    {
        header(MessageType.LOCK_REPLY, node).resourceId(resourceId).serial(serial).status(status);
        return send(MessageType.LOCK_REPLY, node);
    }

    boolean lockRelease(final int master, final long resourceId, final long serial)
    {
        header(MessageType.LOCK_RELEASE, master).resourceId(resourceId).serial(serial).requesterNode(self);
        return send(MessageType.LOCK_RELEASE, master);
    }

    boolean lockReleaseAck(final int node, final long resourceId, final long serial)
    {
        header(MessageType.LOCK_RELEASE_ACK, node).resourceId(resourceId).serial(serial);
        return send(MessageType.LOCK_RELEASE_ACK, node);
    }

    boolean broadcast(final int node, final long serial, final DirectBuffer payload, final int offset,
        final int length)
    {
        header(MessageType.BROADCAST, node).serial(serial).requesterNode(self).payloadLength(length);
        return transport.send(node, MessageType.BROADCAST.lane(), sendBuffer, 0, HEADER_LENGTH, payload, offset,
            length);
    }

    boolean cancel(final int master, final long pageId, final long serial)
    {
        header(MessageType.CANCEL, master).resourceId(pageId).serial(serial).requesterNode(self);
        return send(MessageType.CANCEL, master);
    }

    boolean cancelAck(final int node, final long pageId, final long serial, final int status)
    {
        header(MessageType.CANCEL_ACK, node).resourceId(pageId).serial(serial).status(status);
        return send(MessageType.CANCEL_ACK, node);
    }

    boolean refused(final int node, final long incarnation)
    {
        header(MessageType.REFUSED, node).resourceId(incarnation);
        return send(MessageType.REFUSED, node);
    }

    boolean hello(final int node)
    {
        header(MessageType.HELLO, node);
        return send(MessageType.HELLO, node);
    }

    boolean helloAck(final int node)
    {
        header(MessageType.HELLO_ACK, node);
        return send(MessageType.HELLO_ACK, node);
    }

    boolean broadcastAck(final int node, final long serial, final int status)
    {
        header(MessageType.BROADCAST_ACK, node).serial(serial).status(status);
        return send(MessageType.BROADCAST_ACK, node);
    }
}
