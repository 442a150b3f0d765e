package io.respool.examples.cluster;

import io.respool.dss.Dss;
import io.respool.dss.DssFile;
import io.respool.dss.OpenFlag;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.respool.examples.cluster.WalRecordDescriptor.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * WAL records round trip and are checked; a WAL on DSS with a torn tail ends at its last whole record, one damaged
 * before its end is refused naming the file and offset.
 */
class WalRecordTest
{
    @Test
    void shouldRoundTripChangeAndCheckpointRecordsAndCatchDamage()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[2 * RECORD_LENGTH]);
        final WalRecord record = new WalRecord();
        record.wrap(buffer, 0).encode(TYPE_UPDATE, 128, TablePageStore.pageId(1), 5, 3, HeapPage.value(5, 3));
        assertNull(record.check(128));
        assertEquals(TYPE_UPDATE, record.type());
        assertEquals(5, record.rowId());
        assertEquals(3, record.version());
        assertEquals(CURRENT_LAYOUT_VERSION, record.layoutVersion());

        record.wrap(buffer, RECORD_LENGTH).encodeCheckpoint(192, 128, 9, 128, 1);
        assertNull(record.check(192));
        assertEquals(TYPE_CHECKPOINT, record.type());
        assertEquals(128, record.redoLsn());
        assertEquals(9, record.commits());
        assertEquals(128, record.lastCommitLsn());
        assertEquals(1, record.writerNode());
        assertNotNull(record.check(256), "an LSN not the one its place implies");

        buffer.putByte(RECORD_LENGTH + 20, (byte)(buffer.getByte(RECORD_LENGTH + 20) ^ 1));
        assertTrue(record.check(192).startsWith("CRC mismatch"), record.check(192));
    }

    @Test
    void shouldRoundTripATransferAndRefuseOneInTheOldLayoutOrOutOfRange()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[RECORD_LENGTH]);
        final WalRecord record = new WalRecord();
        record.wrap(buffer, 0).encodeTransfer(640, 77, 3, 60, 25);
        assertNull(record.check(640));
        assertEquals(TYPE_TRANSFER, record.type());
        assertEquals(LAYOUT_VERSION_2, record.layoutVersion());
        assertEquals(77, record.transferId());
        assertEquals(3, record.fromAccount());
        assertEquals(60, record.toAccount());
        assertEquals(25, record.amount());

        // a TRANSFER stamped with layout 1 (which has none), CRC made good again: refused for its layout
        buffer.putShort(LAYOUT_VERSION_OFFSET, LAYOUT_VERSION_1, java.nio.ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(CRC_OFFSET, record.computeCrc(), java.nio.ByteOrder.LITTLE_ENDIAN);
        assertTrue(record.check(640).contains("layout version 1"), record.check(640));

        record.encodeTransfer(640, 78, 5, 5, 10);
        assertTrue(record.check(640).contains("the same"), record.check(640));
        record.encodeTransfer(640, 79, 5, 6, BankDescriptor.MAX_AMOUNT + 1);
        assertTrue(record.check(640).contains("amount"), record.check(640));
        buffer.putShort(LAYOUT_VERSION_OFFSET, (short)(CURRENT_LAYOUT_VERSION + 1), java.nio.ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(CRC_OFFSET, record.computeCrc(), java.nio.ByteOrder.LITTLE_ENDIAN);
        assertTrue(record.check(640).contains("not in 1..2"), record.check(640));
    }

    @Test
    void shouldEndATornTailAtTheLastWholeRecordAndRefuseDamageBeforeTheEnd(@TempDir final Path dir) throws Exception
    {
        final ClusterConfig config = ExampleDbNode.prepare(dir);
        try (Dss dss = Dss.open(config.dssHome(0));
            DssFile wal = dss.open(ClusterNode.walPath(0), OpenFlag.WRITE))
        {
            final int records = 10;
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[records * RECORD_LENGTH]);
            final WalRecord record = new WalRecord();
            final long base = 6400;
            record.wrap(buffer, 0).encode(TYPE_META, base + RECORD_LENGTH, TablePageStore.pageId(0), 0, 0, 0);
            for (int i = 1; i < records; i++)
            {
                final long lsn = base + (long)(i + 1) * RECORD_LENGTH;
                record.wrap(buffer, i * RECORD_LENGTH).encode(TYPE_INSERT, lsn,
                    TablePageStore.pageId(HeapPageDescriptor.pageNumberOf(i - 1)), i - 1, 1, HeapPage.value(i - 1, 1));
            }
            wal.write(0, buffer, 0, buffer.capacity());
            // a torn last write: 40 bytes of an eleventh record
            wal.write(buffer.capacity(), buffer, 0, 40);
            wal.flush();

            final Recovery.Result torn = Recovery.scan(wal);
            assertEquals(base, torn.baseLsn(), torn.describe());
            assertEquals(base + records * RECORD_LENGTH, torn.endLsn(), torn.describe());
            assertEquals(records, torn.records(), torn.describe());
            assertEquals(records * RECORD_LENGTH, torn.tornTailOffset(), torn.describe());

            // damage in the middle, with whole records after it
            final UnsafeBuffer bad = new UnsafeBuffer(new byte[1]);
            bad.putByte(0, (byte)0x5A);
            wal.write(4 * RECORD_LENGTH + 30, bad, 0, 1);
            wal.flush();
            final RecoveryException ex = assertThrows(RecoveryException.class, () -> Recovery.scan(wal));
            assertEquals(4 * RECORD_LENGTH, ex.offset());
            assertTrue(ex.getMessage().contains(ClusterNode.walPath(0)) &&
                ex.getMessage().contains("offset=" + 4 * RECORD_LENGTH), ex.getMessage());
        }
    }
}
