package io.respool.dss.format;

import io.respool.dss.ErrorCode;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RootControlTest
{
    private static final UUID VG = new UUID(0x1122334455667788L, 0x99AABBCCDDEEFF00L);

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[RootControl.LENGTH]);
    private final RootControl root = new RootControl().wrap(buffer);

    private RootControl sealedRoot()
    {
        return root.initialise().sequence(42).vgUuid(VG).auSize(2 << 20).activeSlot(1).logEpoch(7)
            .logOffset(2L << 20).logLength(64L << 20).checkpointLsn(123_456).checkpointLength(8192)
            .checkpointCrc(0xCAFEBABE).vgName("data")
            .reservedAreas(EntryVolumeLayout.LEASE_AREA_OFFSET, EntryVolumeLayout.LEASE_AREA_LENGTH,
                EntryVolumeLayout.INSTANCE_TABLE_OFFSET, EntryVolumeLayout.INSTANCE_TABLE_LENGTH)
            .slotExtents(1, new long[]{EntryVolumeLayout.physicalAu(0, 33), EntryVolumeLayout.physicalAu(2, 5)},
                new long[]{1, 3}, 2)
            .seal();
    }

    @Test
    void shouldReadBackEveryFieldOfASealedCopy()
    {
        sealedRoot();
        final RootControl read = new RootControl().wrap(new UnsafeBuffer(buffer.byteArray().clone()));

        assertNull(read.invalidReason());
        assertTrue(read.isVersionSupported());
        assertEquals(RootControl.CURRENT_VERSION, read.version());
        assertEquals(42, read.sequence());
        assertEquals(VG, read.vgUuid());
        assertEquals(2 << 20, read.auSize());
        assertEquals(1, read.activeSlot());
        assertEquals(7, read.logEpoch());
        assertEquals(2L << 20, read.logOffset());
        assertEquals(64L << 20, read.logLength());
        assertEquals(123_456, read.checkpointLsn());
        assertEquals(8192, read.checkpointLength());
        assertEquals(0xCAFEBABE, read.checkpointCrc());
        assertEquals("data", read.vgName());
        assertEquals(EntryVolumeLayout.LEASE_AREA_OFFSET, read.leaseAreaOffset());
        assertEquals(EntryVolumeLayout.INSTANCE_TABLE_OFFSET, read.instanceTableOffset());
        assertEquals(0, read.slotExtentCount(0));
        assertEquals(2, read.slotExtentCount(1));
        assertEquals(EntryVolumeLayout.physicalAu(0, 33), read.slotExtentAu(1, 0));
        assertEquals(3, read.slotExtentCount(1, 1));
        assertEquals(2, EntryVolumeLayout.volumeOf(read.slotExtentAu(1, 1)));
    }

    @Test
    void shouldPutTheFieldsAtTheDocumentedOffsets()
    {
        sealedRoot();

        assertEquals(RootControl.MAGIC, buffer.getLong(0, LITTLE_ENDIAN));
        assertEquals("RSPDSSRT", new String(buffer.byteArray(), 0, 8, StandardCharsets.US_ASCII));
        assertEquals(RootControl.LENGTH, buffer.getInt(12, LITTLE_ENDIAN));
        assertEquals(42, buffer.getLong(16, LITTLE_ENDIAN));
        assertEquals(123_456, buffer.getLong(72, LITTLE_ENDIAN));
        assertEquals(2, buffer.getInt(96, LITTLE_ENDIAN), "slot 1 extent count");
        assertEquals(4, buffer.getByte(128), "name length byte");
        assertEquals(EntryVolumeLayout.physicalAu(0, 33), buffer.getLong(256 + 4096, LITTLE_ENDIAN));
        assertEquals(3, buffer.getLong(256 + 4096 + 16 + 8, LITTLE_ENDIAN));
        assertEquals(Checksums.crc32c(0, buffer, 0, RootControl.CRC_OFFSET),
            buffer.getInt(RootControl.LENGTH - 4, LITTLE_ENDIAN));
        assertTrue(RootControl.SLOT_EXTENTS_OFFSET + RootControl.MAX_SLOT_EXTENTS * RootControl.EXTENT_LENGTH <=
            RootControl.SLOT_EXTENTS_OFFSET + RootControl.SLOT_EXTENTS_LENGTH, "a full slot 0 stays out of slot 1");
        assertTrue(RootControl.SLOT_EXTENTS_OFFSET + 2 * RootControl.SLOT_EXTENTS_LENGTH <= RootControl.CRC_OFFSET);
    }

    @Test
    void shouldRejectAnEmptyBlock()
    {
        assertEquals("wrong magic 0x0", root.invalidReason());
    }

    @Test
    void shouldRejectAnUnsealedChange()
    {
        sealedRoot().sequence(43);

        assertTrue(root.invalidReason().startsWith("checksum mismatch: stored 0x"), root.invalidReason());
        root.seal();
        assertNull(root.invalidReason());
    }

    @Test
    void shouldRejectEveryFlippedBitOfTheCheckedBytes()
    {
        sealedRoot();
        final byte[] good = buffer.byteArray().clone();
        for (int index = 0; index < RootControl.LENGTH; index += 7)
        {
            for (int bit = 0; bit < 8; bit += 3)
            {
                System.arraycopy(good, 0, buffer.byteArray(), 0, good.length);
                buffer.putByte(index, (byte)(good[index] ^ (1 << bit)));
                assertFalse(root.invalidReason() == null, "byte " + index + " bit " + bit + " flipped");
            }
        }
    }

    @Test
    void shouldRejectVersionsOutOfRangeNamingBoth()
    {
        for (final int version : new int[]{RootControl.MIN_COMPAT_VERSION - 1, RootControl.CURRENT_VERSION + 1,
            Integer.MIN_VALUE})
        {
            sealedRoot();
            buffer.putInt(RootControl.VERSION_OFFSET, version, LITTLE_ENDIAN);
            root.seal();

            assertFalse(root.isVersionSupported());
            assertEquals("unsupported version " + version + ", supported " + RootControl.MIN_COMPAT_VERSION + ".." +
                RootControl.CURRENT_VERSION, root.invalidReason(), "checked before the checksum");
        }
    }

    @Test
    void shouldRejectAWrongLengthAndAnExtentCountOutOfRange()
    {
        sealedRoot();
        buffer.putInt(RootControl.LENGTH_OFFSET, 4096, LITTLE_ENDIAN);
        root.seal();
        assertEquals("length 4096, expected " + RootControl.LENGTH, root.invalidReason());

        for (final int count : new int[]{-1, RootControl.MAX_SLOT_EXTENTS + 1})
        {
            sealedRoot();
            buffer.putInt(RootControl.SLOT_EXTENT_COUNT_OFFSET, count, LITTLE_ENDIAN);
            root.seal();
            assertEquals("slot 0 extent count " + count + " out of range", root.invalidReason());
        }
    }

    @Test
    void shouldTakeAFullSlotAndRefuseOneExtentMore()
    {
        final int max = RootControl.MAX_SLOT_EXTENTS;
        final long[] aus = new long[max + 1];
        final long[] counts = new long[max + 1];
        for (int i = 0; i <= max; i++)
        {
            aus[i] = EntryVolumeLayout.physicalAu(1, 100 + i);
            counts[i] = i + 1;
        }
        sealedRoot().slotExtents(0, aus, counts, max).seal();
        assertNull(root.invalidReason());
        assertEquals(max, root.slotExtentCount(0));
        assertEquals(aus[max - 1], root.slotExtentAu(0, max - 1));
        assertEquals(max, root.slotExtentCount(0, max - 1));
        assertEquals(EntryVolumeLayout.physicalAu(0, 33), root.slotExtentAu(1, 0), "slot 1 untouched");

        final FormatException tooMany = assertThrows(FormatException.class,
            () -> root.slotExtents(0, aus, counts, max + 1));
        assertEquals(ErrorCode.OUT_OF_SPACE, tooMany.errorCode());
        assertTrue(tooMany.getMessage().contains("slot=0, extents=256, max=255"), tooMany.getMessage());
        assertEquals(max, root.slotExtentCount(0), "a refused replacement changes nothing");
        assertNull(root.invalidReason());
    }

    @Test
    void shouldRefuseANameLongerThanTheField()
    {
        root.initialise().vgName("x".repeat(VolumeHeader.MAX_NAME_LENGTH));
        assertEquals("x".repeat(VolumeHeader.MAX_NAME_LENGTH), root.vgName());
        assertThrows(IllegalArgumentException.class, () -> root.vgName("x".repeat(VolumeHeader.MAX_NAME_LENGTH + 1)));
    }

    @Test
    void shouldClearEverythingOnInitialise()
    {
        sealedRoot().initialise();

        assertEquals(0, root.sequence());
        assertEquals(0, root.slotExtentCount(1));
        assertEquals("", root.vgName());
        assertTrue(root.invalidReason().startsWith("checksum mismatch"), "initialise does not seal");
    }
}
