package io.respool.dss.format;

import io.respool.common.process.ProcessIdentity;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The member sector's two versions: version 2 records the writer's full process identity and round-trips it;
 * version 1, written by an older release, is still read, but names no process precisely; and a damaged sector of
 * either version is refused with its reason, including a change in any of the identity fields.
 */
class MemberSectorTest
{
    private static final ProcessIdentity WRITER = new ProcessIdentity(0x1234_5678_9ABC_DEF0L, 4026531836L, 4242,
        987_654_321L);

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[SectorBlock.LENGTH]);
    private final MemberSector sector = new MemberSector().wrap(buffer, 0);

    @Test
    void shouldRoundTripTheFullProcessIdentityInVersion2()
    {
        sector.initialise().registered(true).process(WRITER).incarnation(-7).heartbeat(11).ackedFenceGeneration(3)
            .heartbeatMs(1_700_000_000_000L).seal();

        final MemberSector read = new MemberSector().wrap(new UnsafeBuffer(buffer.byteArray().clone()), 0);
        assertNull(read.invalidReason());
        assertEquals(2, read.version());
        assertEquals(WRITER, read.process());
        assertTrue(read.process().known());
        assertEquals(4242, read.pid());
        assertTrue(read.registered());
        assertEquals(-7, read.incarnation());
        assertEquals(11, read.heartbeat());
        assertEquals(3, read.ackedFenceGeneration());
        assertEquals(1_700_000_000_000L, read.heartbeatMs());
        // the layout other releases and tools read: boot id 48, pid namespace 64, start ticks 72
        assertEquals(WRITER.bootId(), buffer.getLong(48, LITTLE_ENDIAN));
        assertEquals(WRITER.pidNamespace(), buffer.getLong(64, LITTLE_ENDIAN));
        assertEquals(WRITER.startTicks(), buffer.getLong(72, LITTLE_ENDIAN));
    }

    @Test
    void shouldReadAVersion1SectorButNameNoProcessPrecisely()
    {
        // as a version 1 writer left it: pid and a 32-bit boot id hash, nothing at 64 and 72
        buffer.putLong(SectorBlock.MAGIC_OFFSET, MemberSector.MAGIC, LITTLE_ENDIAN);
        buffer.putInt(SectorBlock.VERSION_OFFSET, 1, LITTLE_ENDIAN);
        buffer.putInt(16, 1, LITTLE_ENDIAN);
        buffer.putInt(20, 4242, LITTLE_ENDIAN);
        buffer.putLong(32, 99, LITTLE_ENDIAN);
        buffer.putLong(48, 0x9ABC_DEF0L, LITTLE_ENDIAN);
        sector.seal();

        assertNull(sector.invalidReason(), "an older release's sector stays readable");
        assertEquals(1, sector.version());
        assertTrue(sector.registered());
        assertEquals(4242, sector.pid(), "its pid still says a process runs the instance");
        assertEquals(99, sector.heartbeat());
        assertEquals(ProcessIdentity.UNKNOWN, sector.process(), "but it cannot be checked through /proc");
        assertFalse(sector.process().known());
    }

    @Test
    void shouldRefuseASectorWhoseIdentityChangedAfterItWasSealed()
    {
        for (final int field : new int[] {20, 48, 64, 72})
        {
            sector.initialise().registered(true).process(WRITER).heartbeat(1).seal();
            buffer.putByte(field, (byte)(buffer.getByte(field) ^ 0x10));

            assertFalse(sector.isValid(), "a bit flipped at " + field);
            assertEquals("checksum mismatch", sector.invalidReason(), "a bit flipped at " + field);
        }
    }

    @Test
    void shouldRefuseAVersionItDoesNotKnow()
    {
        sector.initialise().process(WRITER).seal();
        buffer.putInt(SectorBlock.VERSION_OFFSET, MemberSector.CURRENT_VERSION + 1, LITTLE_ENDIAN);
        sector.seal();

        assertFalse(sector.isValid());
        assertEquals("unsupported version 3, supported 1..2", sector.invalidReason());
    }
}
