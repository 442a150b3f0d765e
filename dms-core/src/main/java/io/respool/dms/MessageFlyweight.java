package io.respool.dms;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

import static io.respool.dms.MessageDescriptor.*;

/**
 * Flyweight over a DMS message in a buffer ({@link MessageDescriptor} layout). Wraps without copying; setters
 * return this; every access names the byte order.
 */
final class MessageFlyweight
{
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private MutableDirectBuffer mutable;
    private DirectBuffer buffer;
    private int offset;

    MessageFlyweight wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.mutable = buffer;
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    MessageFlyweight wrapForRead(final DirectBuffer buffer, final int offset)
    {
        this.mutable = null;
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    DirectBuffer buffer()
    {
        return buffer;
    }

    int offset()
    {
        return offset;
    }

    int version()
    {
        return buffer.getByte(offset + VERSION_OFFSET) & 0xFF;
    }

    MessageFlyweight version(final int version)
    {
        mutable.putByte(offset + VERSION_OFFSET, (byte)version);
        return this;
    }

    int typeCode()
    {
        return buffer.getByte(offset + TYPE_OFFSET) & 0xFF;
    }

    MessageFlyweight type(final MessageType type)
    {
        mutable.putByte(offset + TYPE_OFFSET, (byte)type.code());
        return this;
    }

    int flags()
    {
        return buffer.getShort(offset + FLAGS_OFFSET, ORDER) & 0xFFFF;
    }

    MessageFlyweight flags(final int flags)
    {
        mutable.putShort(offset + FLAGS_OFFSET, (short)flags, ORDER);
        return this;
    }

    int sourceNode()
    {
        return buffer.getShort(offset + SOURCE_NODE_OFFSET, ORDER) & 0xFFFF;
    }

    MessageFlyweight sourceNode(final int node)
    {
        mutable.putShort(offset + SOURCE_NODE_OFFSET, (short)node, ORDER);
        return this;
    }

    int destinationNode()
    {
        return buffer.getShort(offset + DESTINATION_NODE_OFFSET, ORDER) & 0xFFFF;
    }

    MessageFlyweight destinationNode(final int node)
    {
        mutable.putShort(offset + DESTINATION_NODE_OFFSET, (short)node, ORDER);
        return this;
    }

    int membershipVersion()
    {
        return buffer.getInt(offset + MEMBERSHIP_VERSION_OFFSET, ORDER);
    }

    MessageFlyweight membershipVersion(final int version)
    {
        mutable.putInt(offset + MEMBERSHIP_VERSION_OFFSET, version, ORDER);
        return this;
    }

    int partitionMapVersion()
    {
        return buffer.getInt(offset + PARTITION_MAP_VERSION_OFFSET, ORDER);
    }

    MessageFlyweight partitionMapVersion(final int version)
    {
        mutable.putInt(offset + PARTITION_MAP_VERSION_OFFSET, version, ORDER);
        return this;
    }

    long serial()
    {
        return buffer.getLong(offset + SERIAL_OFFSET, ORDER);
    }

    MessageFlyweight serial(final long serial)
    {
        mutable.putLong(offset + SERIAL_OFFSET, serial, ORDER);
        return this;
    }

    int requesterNode()
    {
        return buffer.getShort(offset + REQUESTER_NODE_OFFSET, ORDER) & 0xFFFF;
    }

    MessageFlyweight requesterNode(final int node)
    {
        mutable.putShort(offset + REQUESTER_NODE_OFFSET, (short)node, ORDER);
        return this;
    }

    int modeCode()
    {
        return buffer.getByte(offset + MODE_OFFSET) & 0xFF;
    }

    MessageFlyweight modeCode(final int mode)
    {
        mutable.putByte(offset + MODE_OFFSET, (byte)mode);
        return this;
    }

    int status()
    {
        return buffer.getByte(offset + STATUS_OFFSET) & 0xFF;
    }

    MessageFlyweight status(final int status)
    {
        mutable.putByte(offset + STATUS_OFFSET, (byte)status);
        return this;
    }

    int payloadLength()
    {
        return buffer.getInt(offset + PAYLOAD_LENGTH_OFFSET, ORDER);
    }

    MessageFlyweight payloadLength(final int length)
    {
        mutable.putInt(offset + PAYLOAD_LENGTH_OFFSET, length, ORDER);
        return this;
    }

    long resourceId()
    {
        return buffer.getLong(offset + RESOURCE_ID_OFFSET, ORDER);
    }

    MessageFlyweight resourceId(final long id)
    {
        mutable.putLong(offset + RESOURCE_ID_OFFSET, id, ORDER);
        return this;
    }

    long seq()
    {
        return buffer.getLong(offset + SEQ_OFFSET, ORDER);
    }

    MessageFlyweight seq(final long seq)
    {
        mutable.putLong(offset + SEQ_OFFSET, seq, ORDER);
        return this;
    }

    long lsn()
    {
        return buffer.getLong(offset + LSN_OFFSET, ORDER);
    }

    MessageFlyweight lsn(final long lsn)
    {
        mutable.putLong(offset + LSN_OFFSET, lsn, ORDER);
        return this;
    }

    long aux()
    {
        return buffer.getLong(offset + AUX_OFFSET, ORDER);
    }

    MessageFlyweight aux(final long aux)
    {
        mutable.putLong(offset + AUX_OFFSET, aux, ORDER);
        return this;
    }

    int payloadOffset()
    {
        return offset + HEADER_LENGTH;
    }

    int totalLength()
    {
        return HEADER_LENGTH + payloadLength();
    }

    /**
     * Reset the header to zero and set the fields every message carries.
     */
    MessageFlyweight header(
        final MessageType type,
        final int sourceNode,
        final int destinationNode,
        final int membershipVersion,
        final int partitionMapVersion)
    {
        mutable.setMemory(offset, HEADER_LENGTH, (byte)0);
        return version(CURRENT_VERSION)
            .type(type)
            .sourceNode(sourceNode)
            .destinationNode(destinationNode)
            .membershipVersion(membershipVersion)
            .partitionMapVersion(partitionMapVersion)
            .requesterNode(NO_NODE);
    }

    @Override
    public String toString()
    {
        final MessageType type = MessageType.get(typeCode());
        return "Message{type=" + type + ", src=" + sourceNode() + ", dst=" + destinationNode() +
            ", mv=" + membershipVersion() + ", serial=" + serial() + ", requester=" + requesterNode() +
            ", mode=" + modeCode() + ", status=" + status() + ", resource=" + resourceId() + ", seq=" + seq() +
            ", lsn=" + lsn() + ", aux=" + aux() + ", flags=0x" + Integer.toHexString(flags()) +
            ", payload=" + payloadLength() + "}";
    }
}
