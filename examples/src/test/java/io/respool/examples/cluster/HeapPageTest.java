package io.respool.examples.cluster;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.zip.CRC32C;

import static io.respool.examples.cluster.HeapPageDescriptor.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The row and page checks node 1 relies on can fail: a torn row, a value that is not its version's, another row
 * in the slot, a page image changed after its checksum.
 */
class HeapPageTest
{
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[PAGE_SIZE]);
    private final HeapPage page = new HeapPage().wrap(buffer).format(TablePageStore.pageId(1), TYPE_HEAP);

    @Test
    void shouldAcceptARowAsWritten()
    {
        page.putRow(5, 3, 640);
        assertNull(page.checkRow(5));
        assertEquals(3, page.rowVersion(5));
        assertEquals(640, page.rowLsn(5));
        assertEquals(HeapPage.value(5, 3), page.rowValue(5));
    }

    @Test
    void shouldReportATornRow()
    {
        page.putRow(5, 3, 640);
        buffer.putByte(rowOffset(5) + ROW_PAYLOAD_OFFSET, (byte)0x7F);
        assertTrue(page.checkRow(5).startsWith("row CRC mismatch (torn or mixed image): rowId=5, version=3"),
            page.checkRow(5));
    }

    @Test
    void shouldReportAnotherRowInTheSlot()
    {
        page.putRow(5, 1, 64);
        assertEquals("row slot holds another row: rowId=132, found=5, version=1", page.checkRow(5 + ROWS_PER_PAGE));
    }

    @Test
    void shouldReportAValueThatIsNotItsVersions()
    {
        page.putRow(5, 3, 640);
        final int offset = rowOffset(5);
        buffer.putLong(offset + ROW_VERSION_OFFSET, 4, ByteOrder.LITTLE_ENDIAN);
        final CRC32C crc = new CRC32C();
        crc.update(buffer.byteArray(), offset, ROW_CRC_OFFSET);
        buffer.putInt(offset + ROW_CRC_OFFSET, (int)crc.getValue(), ByteOrder.LITTLE_ENDIAN);
        assertTrue(page.checkRow(5).startsWith("row value is not the one node 0 writes for this version: rowId=5, " +
            "version=4"), page.checkRow(5));
    }

    @Test
    void shouldReportAPageChangedAfterItsChecksum()
    {
        page.putRow(7, 1, 64).lsn(64);
        page.storedChecksum(page.computeChecksum());
        assertEquals(page.storedChecksum(), page.computeChecksum());
        page.lsn(128);
        assertNotEquals(page.storedChecksum(), page.computeChecksum());
    }
}
