package io.respool.dss.format;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SectorBlockTest
{
    private static final long MAGIC = 0x5445535453454354L;
    private static final int FIELD = SectorBlock.FIELDS_OFFSET;

    /** A minimal sector at version 2 so that both an older and a newer version can be tried. */
    static final class Probe extends SectorBlock<Probe>
    {
        protected long magic()
        {
            return MAGIC;
        }

        protected int currentVersion()
        {
            return 2;
        }

        long value()
        {
            return getLong(FIELD);
        }

        Probe value(final long value)
        {
            putLong(FIELD, value);
            return this;
        }
    }

    // An offset inside a larger buffer checks that every access is relative to the wrapped offset.
    private static final int AT = 3 * SectorBlock.LENGTH;
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[5 * SectorBlock.LENGTH]);
    private final Probe probe = new Probe().wrap(buffer, AT);

    @Test
    void neverWrittenSectorIsEmptyNotValid()
    {
        assertTrue(probe.isEmpty());
        assertFalse(probe.isValid());
        assertEquals("wrong magic", probe.invalidReason());
    }

    @Test
    void sealedSectorIsValidAndKeepsItsFields()
    {
        assertSame(probe, probe.initialise().value(42).seal());
        assertFalse(probe.isEmpty());
        assertTrue(probe.isValid());
        assertNull(probe.invalidReason());
        assertEquals(42, probe.value());
        assertEquals(MAGIC, buffer.getLong(AT + SectorBlock.MAGIC_OFFSET, LITTLE_ENDIAN));
        assertEquals(2, buffer.getInt(AT + SectorBlock.VERSION_OFFSET, LITTLE_ENDIAN));
        assertEquals(0, buffer.getLong(AT - 8), "nothing written before the sector");
        assertEquals(0, buffer.getLong(AT + SectorBlock.LENGTH), "nothing written after the sector");
    }

    @Test
    void initialiseClearsOldFields()
    {
        probe.initialise().value(7).seal();
        buffer.putByte(AT + 100, (byte)9);
        probe.initialise().seal();
        assertEquals(0, probe.value());
        assertEquals(0, buffer.getByte(AT + 100));
        assertTrue(probe.isValid());
    }

    @Test
    void everyFlippedBitBeforeTheChecksumIsDetected()
    {
        probe.initialise().value(0x0102030405060708L).seal();
        for (int bit = 0; bit < SectorBlock.CRC_OFFSET * 8; bit++)
        {
            flip(bit);
            assertFalse(probe.isValid(), "bit " + bit);
            flip(bit);
        }
        assertTrue(probe.isValid());
    }

    @Test
    void aFlippedChecksumBitIsDetected()
    {
        probe.initialise().seal();
        for (int bit = SectorBlock.CRC_OFFSET * 8; bit < SectorBlock.LENGTH * 8; bit++)
        {
            flip(bit);
            assertEquals("checksum mismatch", probe.invalidReason(), "bit " + bit);
            flip(bit);
        }
    }

    @Test
    void unsealedChangeIsAChecksumMismatch()
    {
        probe.initialise().value(1).seal();
        probe.value(2);
        assertEquals("checksum mismatch", probe.invalidReason());
        probe.seal();
        assertTrue(probe.isValid());
    }

    @Test
    void olderVersionIsReadNewerAndZeroAreNot()
    {
        probe.initialise();
        buffer.putInt(AT + SectorBlock.VERSION_OFFSET, 1, LITTLE_ENDIAN);
        probe.seal();
        assertTrue(probe.isValid(), "version 1 is supported by a version-2 reader");

        buffer.putInt(AT + SectorBlock.VERSION_OFFSET, 3, LITTLE_ENDIAN);
        probe.seal();
        assertEquals("unsupported version 3, supported 1..2", probe.invalidReason());

        buffer.putInt(AT + SectorBlock.VERSION_OFFSET, 0, LITTLE_ENDIAN);
        probe.seal();
        assertEquals("unsupported version 0, supported 1..2", probe.invalidReason());
    }

    @Test
    void otherMagicIsRejectedEvenWhenSealed()
    {
        probe.initialise();
        buffer.putLong(AT + SectorBlock.MAGIC_OFFSET, MAGIC + 1, LITTLE_ENDIAN);
        probe.seal();
        assertEquals("wrong magic", probe.invalidReason());
        assertFalse(probe.isValid());
    }

    @Test
    void aSingleNonZeroByteAnywhereMakesItNonEmpty()
    {
        for (int i = 0; i < SectorBlock.LENGTH; i++)
        {
            buffer.putByte(AT + i, (byte)1);
            assertFalse(probe.isEmpty(), "byte " + i);
            buffer.putByte(AT + i, (byte)0);
        }
        assertTrue(probe.isEmpty());
    }

    private void flip(final int bit)
    {
        final int index = AT + bit / 8;
        buffer.putByte(index, (byte)(buffer.getByte(index) ^ (1 << (bit % 8))));
    }
}
