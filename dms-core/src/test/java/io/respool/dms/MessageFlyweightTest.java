package io.respool.dms;

import io.respool.dms.api.LockMode;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

import static io.respool.dms.MessageDescriptor.*;
import static org.junit.jupiter.api.Assertions.*;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class MessageFlyweightTest
{
    @Test
    void shouldWriteEveryFieldAtItsDescribedOffset()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[HEADER_LENGTH + 16]);
        final MessageFlyweight fw = new MessageFlyweight().wrap(buffer, 0);
        fw.header(MessageType.PAGE_READY, 3, 0x0102030405060708L, 7, 42, 5).serial(0x1122334455667788L)
            .requesterNode(9).modeCode(LockMode.X.code()).status(STATUS_DENIED).payloadLength(16).resourceId(-2L)
            .seq(77).lsn(88).flags(FLAG_DIRTY | FLAG_HAS_EDP);

        final ByteOrder le = ByteOrder.LITTLE_ENDIAN;
        assertEquals(2, CURRENT_VERSION, "version 2 carries the sender's incarnation");
        assertEquals(CURRENT_VERSION, buffer.getByte(VERSION_OFFSET));
        assertEquals(MessageType.PAGE_READY.code(), buffer.getByte(TYPE_OFFSET));
        assertEquals(FLAG_DIRTY | FLAG_HAS_EDP, buffer.getShort(FLAGS_OFFSET, le));
        assertEquals(3, buffer.getShort(SOURCE_NODE_OFFSET, le));
        assertEquals(7, buffer.getShort(DESTINATION_NODE_OFFSET, le));
        assertEquals(42, buffer.getInt(MEMBERSHIP_VERSION_OFFSET, le));
        assertEquals(5, buffer.getInt(PARTITION_MAP_VERSION_OFFSET, le));
        assertEquals(0x1122334455667788L, buffer.getLong(SERIAL_OFFSET, le));
        assertEquals(9, buffer.getShort(REQUESTER_NODE_OFFSET, le));
        assertEquals(LockMode.X.code(), buffer.getByte(MODE_OFFSET));
        assertEquals(STATUS_DENIED, buffer.getByte(STATUS_OFFSET));
        assertEquals(16, buffer.getInt(PAYLOAD_LENGTH_OFFSET, le));
        assertEquals(-2L, buffer.getLong(RESOURCE_ID_OFFSET, le));
        assertEquals(77, buffer.getLong(SEQ_OFFSET, le));
        assertEquals(88, buffer.getLong(LSN_OFFSET, le));
        assertEquals(0x0102030405060708L, buffer.getLong(SOURCE_INCARNATION_OFFSET, le));
        assertEquals(HEADER_LENGTH + 16, fw.totalLength());

        final MessageFlyweight read = new MessageFlyweight().wrapForRead(buffer, 0);
        assertEquals(MessageType.PAGE_READY, MessageType.get(read.typeCode()));
        assertEquals(9, read.requesterNode());
        assertEquals(42, read.membershipVersion());
        assertEquals(3, read.sourceNode());
        assertEquals(0x0102030405060708L, read.sourceIncarnation());
    }

    @Test
    void shouldRejectUnknownTypeCodes()
    {
        assertNull(MessageType.get(0));
        assertNull(MessageType.get(200));
        assertEquals(Lane.CLAIM, MessageType.CLAIM.lane());
        assertEquals(Lane.CLAIM, MessageType.INVALIDATE.lane());
        assertEquals(Lane.DATA, MessageType.PAGE_READY.lane());
        assertEquals(Lane.CONTROL, MessageType.LOCK_REQUEST.lane());
    }

    @Test
    void shouldSpreadPartitionsAndHonourCentralizedMaster()
    {
        final io.respool.dms.api.NodeList nodes = io.respool.dms.api.NodeList.parse(
            "0:127.0.0.1:1,1:127.0.0.1:2,2:127.0.0.1:3");
        final PartitionMap spread = PartitionMap.create(nodes, -1, 1);
        final int[] count = new int[3];
        for (int p = 0; p < PartitionMap.PARTITION_COUNT; p++)
        {
            count[spread.masterOfPartition(p)]++;
        }
        assertArrayEquals(new int[] { 43, 43, 42 }, count);
        final PartitionMap central = PartitionMap.create(nodes, 1, 2);
        for (long page = 0; page < 1000; page++)
        {
            assertEquals(1, central.masterOf(page));
        }
        assertEquals(2, central.version());
    }
}
