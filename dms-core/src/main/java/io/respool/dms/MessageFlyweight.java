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
        return u8(VERSION_OFFSET);
    }

    MessageFlyweight version(final int version)
    {
        return u8(VERSION_OFFSET, version);
    }

    int typeCode()
    {
        return u8(TYPE_OFFSET);
    }

    MessageFlyweight type(final MessageType type)
    {
        return u8(TYPE_OFFSET, type.code());
    }

    int flags()
    {
        return u16(FLAGS_OFFSET);
    }

    MessageFlyweight flags(final int flags)
    {
        return u16(FLAGS_OFFSET, flags);
    }

    int sourceNode()
    {
        return u16(SOURCE_NODE_OFFSET);
    }

    MessageFlyweight sourceNode(final int node)
    {
        return u16(SOURCE_NODE_OFFSET, node);
    }

    int destinationNode()
    {
        return u16(DESTINATION_NODE_OFFSET);
    }

    MessageFlyweight destinationNode(final int node)
    {
        return u16(DESTINATION_NODE_OFFSET, node);
    }

    int membershipVersion()
    {
        return i32(MEMBERSHIP_VERSION_OFFSET);
    }

    MessageFlyweight membershipVersion(final int version)
    {
        return i32(MEMBERSHIP_VERSION_OFFSET, version);
    }

    int partitionMapVersion()
    {
        return i32(PARTITION_MAP_VERSION_OFFSET);
    }

    MessageFlyweight partitionMapVersion(final int version)
    {
        return i32(PARTITION_MAP_VERSION_OFFSET, version);
    }

    long serial()
    {
        return i64(SERIAL_OFFSET);
    }

    MessageFlyweight serial(final long serial)
    {
        return i64(SERIAL_OFFSET, serial);
    }

    int requesterNode()
    {
        return u16(REQUESTER_NODE_OFFSET);
    }

    MessageFlyweight requesterNode(final int node)
    {
        return u16(REQUESTER_NODE_OFFSET, node);
    }

    int modeCode()
    {
        return u8(MODE_OFFSET);
    }

    MessageFlyweight modeCode(final int mode)
    {
        return u8(MODE_OFFSET, mode);
    }

    int status()
    {
        return u8(STATUS_OFFSET);
    }

    MessageFlyweight status(final int status)
    {
        return u8(STATUS_OFFSET, status);
    }

    int payloadLength()
    {
        return i32(PAYLOAD_LENGTH_OFFSET);
    }

    MessageFlyweight payloadLength(final int length)
    {
        return i32(PAYLOAD_LENGTH_OFFSET, length);
    }

    long resourceId()
    {
        return i64(RESOURCE_ID_OFFSET);
    }

    MessageFlyweight resourceId(final long id)
    {
        return i64(RESOURCE_ID_OFFSET, id);
    }

    long seq()
    {
        return i64(SEQ_OFFSET);
    }

    MessageFlyweight seq(final long seq)
    {
        return i64(SEQ_OFFSET, seq);
    }

    long lsn()
    {
        return i64(LSN_OFFSET);
    }

    MessageFlyweight lsn(final long lsn)
    {
        return i64(LSN_OFFSET, lsn);
    }

    long sourceIncarnation()
    {
        return i64(SOURCE_INCARNATION_OFFSET);
    }

    MessageFlyweight sourceIncarnation(final long incarnation)
    {
        return i64(SOURCE_INCARNATION_OFFSET, incarnation);
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
        final long sourceIncarnation,
        final int destinationNode,
        final int membershipVersion,
        final int partitionMapVersion)
    {
        mutable.setMemory(offset, HEADER_LENGTH, (byte)0);
        return version(CURRENT_VERSION)
            .type(type)
            .sourceNode(sourceNode)
            .sourceIncarnation(sourceIncarnation)
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
            ", lsn=" + lsn() + ", incarnation=" + sourceIncarnation() + ", flags=0x" + Integer.toHexString(flags()) +
            ", payload=" + payloadLength() + "}";
    }

    // Every field access goes through these: the field's offset from the message start, its width and sign, and
    // the byte order, in one place.

    private int u8(final int fieldOffset)
    {
        return buffer.getByte(offset + fieldOffset) & 0xFF;
    }

    private MessageFlyweight u8(final int fieldOffset, final int value)
    {
        mutable.putByte(offset + fieldOffset, (byte)value);
        return this;
    }

    private int u16(final int fieldOffset)
    {
        return buffer.getShort(offset + fieldOffset, ORDER) & 0xFFFF;
    }

    private MessageFlyweight u16(final int fieldOffset, final int value)
    {
        mutable.putShort(offset + fieldOffset, (short)value, ORDER);
        return this;
    }

    private int i32(final int fieldOffset)
    {
        return buffer.getInt(offset + fieldOffset, ORDER);
    }

    private MessageFlyweight i32(final int fieldOffset, final int value)
    {
        mutable.putInt(offset + fieldOffset, value, ORDER);
        return this;
    }

    private long i64(final int fieldOffset)
    {
        return buffer.getLong(offset + fieldOffset, ORDER);
    }

    private MessageFlyweight i64(final int fieldOffset, final long value)
    {
        mutable.putLong(offset + fieldOffset, value, ORDER);
        return this;
    }
}
