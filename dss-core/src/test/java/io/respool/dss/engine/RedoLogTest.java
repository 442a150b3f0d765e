package io.respool.dss.engine;

import io.respool.dss.DssException;
import io.respool.dss.ErrorCode;
import io.respool.dss.format.LogRecordHeader;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RedoLogTest
{
    private static final int SECTOR = 512;
    private static final long REGION_OFFSET = 4096;
    private static final long REGION_LENGTH = 64 * 1024;
    private static final long EPOCH = 77;

    private final MemoryBlockDevice device = new MemoryBlockDevice((int)(REGION_OFFSET + REGION_LENGTH) + 4096,
        SECTOR, SECTOR);

    /**
     * A record as replay handed it over: type, the long its payload starts with, timestamp and LSN.
     */
    record Replayed(RecordType type, long value, long timestampMs, long lsn)
    {
    }

    private static RedoLog.PayloadEncoder payload(final long value, final int length)
    {
        return (buffer, index) ->
        {
            buffer.setMemory(index, length, (byte)0x5A);
            buffer.putLong(index, value);
            return length;
        };
    }

    private RedoLog newLog(final long regionLength)
    {
        return new RedoLog(device, REGION_OFFSET, regionLength, EPOCH, 0, 0);
    }

    private List<Replayed> replay(final long regionLength, final long epoch, final long fromLsn, final long[] end)
    {
        final List<Replayed> records = new ArrayList<>();
        end[0] = LogReplay.replay(device, REGION_OFFSET, regionLength, epoch, fromLsn,
            (type, buffer, payloadIndex, timestampMs, lsn) ->
            records.add(new Replayed(type, buffer.getLong(payloadIndex), timestampMs, lsn)));
        return records;
    }

    @Test
    void shouldReplayWhatWasMadeDurableInOrder()
    {
        final RedoLog log = newLog(REGION_LENGTH);
        final long first = log.append(RecordType.CREATE, 1000, 64, payload(11, 40));
        final long second = log.append(RecordType.RENAME, 1001, 64, payload(22, 8));
        final long third = log.append(RecordType.TRUNCATE, 1002, 300, payload(33, 200));

        assertEquals(LogRecordHeader.alignedLength(40), first);
        assertEquals(first + LogRecordHeader.alignedLength(8), second);
        assertEquals(second + LogRecordHeader.alignedLength(200), third);
        assertTrue(third < SECTOR);
        log.awaitDurable(third);

        final long[] end = new long[1];
        final List<Replayed> records = replay(REGION_LENGTH, EPOCH, 0, end);
        assertEquals(List.of(new Replayed(RecordType.CREATE, 11, 1000, 0),
            new Replayed(RecordType.RENAME, 22, 1001, first),
            new Replayed(RecordType.TRUNCATE, 33, 1002, second)), records);
        assertEquals(SECTOR, end[0], "the batch was padded to the atomic write unit, and the pad is no record");
        assertEquals(end[0], log.durableLsn());
        assertEquals(end[0], log.appendedLsn());
    }

    @Test
    void shouldWriteNothingUntilAskedToMakeItDurable()
    {
        final RedoLog log = newLog(REGION_LENGTH);
        log.append(RecordType.CREATE, 1, 8, payload(1, 8));

        assertEquals(0, device.writes);
        assertEquals(0, log.durableLsn());
        assertEquals(List.of(), replay(REGION_LENGTH, EPOCH, 0, new long[1]));
    }

    @Test
    void shouldWriteAllStagedRecordsInOneBatchAndNotAgain()
    {
        final RedoLog log = newLog(REGION_LENGTH);
        final long first = log.append(RecordType.CREATE, 1, 8, payload(1, 8));
        log.append(RecordType.CREATE, 2, 8, payload(2, 8));
        final long last = log.append(RecordType.CREATE, 3, 8, payload(3, 8));

        log.awaitDurable(first);
        assertEquals(1, log.batches());
        assertEquals(1, device.writes);
        assertTrue(log.durableLsn() >= last, "the waiter for the first record wrote the others too");
        log.awaitDurable(last);
        assertEquals(1, log.batches(), "already durable: no write");

        final long next = log.append(RecordType.REMOVE, 4, 8, payload(4, 8));
        assertEquals(SECTOR + LogRecordHeader.alignedLength(8), next, "the next batch starts after the pad");
        log.awaitDurable(next);
        assertEquals(2, log.batches());
        assertEquals(4, replay(REGION_LENGTH, EPOCH, 0, new long[1]).size());
    }

    @Test
    void shouldRefuseToAwaitAnLsnNeverAppended()
    {
        final RedoLog log = newLog(REGION_LENGTH);
        log.awaitDurable(log.append(RecordType.CREATE, 1, 8, payload(1, 8)));

        assertThrows(IllegalStateException.class, () -> log.awaitDurable(log.appendedLsn() + 32));
    }

    @Test
    void shouldPadToTheRegionEndAndReplayAcrossTheWrap()
    {
        final long region = 8 * 1024;
        final RedoLog log = newLog(region);
        long next = 0;
        long firstAfterTail = 0;
        boolean replayedAcrossTheEnd = false;
        for (int batch = 0; batch < 60; batch++)
        {
            if (log.usedBytes() + 4096 > region - SECTOR)
            {
                log.tail(log.durableLsn());
                firstAfterTail = next;
            }
            long lsn = 0;
            for (int r = 0; r < 3; r++)
            {
                lsn = log.append(RecordType.SET_SIZE, next, 400, payload(next, payloadLength(next)));
                next++;
            }
            log.awaitDurable(lsn);

            final long[] end = new long[1];
            final List<Replayed> records = replay(region, EPOCH, log.tailLsn(), end);
            assertEquals(log.durableLsn(), end[0], "batch " + batch);
            assertEquals(LongStream.range(firstAfterTail, next).boxed().toList(),
                records.stream().map(Replayed::value).toList(), "every record since the tail, in order");
            for (final Replayed record : records)
            {
                assertEquals(record.value(), record.timestampMs());
                assertTrue(record.lsn() % region + LogRecordHeader.alignedLength(payloadLength(record.value())) <=
                    region, "no record straddles the region end: lsn=" + record.lsn());
            }
            replayedAcrossTheEnd |= records.get(0).lsn() / region != records.get(records.size() - 1).lsn() / region;
        }
        assertTrue(log.durableLsn() > 3 * region, "the log went round several times: lsn=" + log.durableLsn());
        assertTrue(replayedAcrossTheEnd, "some replay ran across the end of the region");
    }

    private static int payloadLength(final long value)
    {
        return 200 + (int)(value % 100);
    }

    @Test
    void shouldRefuseAnAppendThatWouldOverrunTheTail()
    {
        final long region = 4096;
        final RedoLog log = newLog(region);
        long lsn = 0;
        while (lsn + 512 <= region - SECTOR)
        {
            lsn = log.append(RecordType.CREATE, 0, 480, payload(1, 480));
        }
        log.awaitDurable(lsn);

        final DssException full = assertThrows(DssException.class,
            () -> log.append(RecordType.CREATE, 0, 480, payload(1, 480)));
        assertEquals(ErrorCode.OUT_OF_SPACE, full.errorCode());
        assertTrue(full.getMessage().contains("redo log full: used=" + lsn + ", length=4096"), full.getMessage());

        log.tail(log.durableLsn());
        final long after = log.append(RecordType.CREATE, 0, 480, payload(2, 480));
        log.awaitDurable(after);
        assertEquals(2, replay(region, EPOCH, log.tailLsn(), new long[1]).get(0).value(),
            "once a checkpoint frees the log it takes records again");
    }

    @Test
    void shouldStopReplayAtATornRecord()
    {
        final RedoLog log = newLog(REGION_LENGTH);
        final long first = log.append(RecordType.CREATE, 1, 8, payload(1, 8));
        final long second = log.append(RecordType.CREATE, 2, 64, payload(2, 64));
        log.append(RecordType.CREATE, 3, 8, payload(3, 8));
        log.awaitDurable(log.appendedLsn());

        final int payloadByte = (int)(REGION_OFFSET + first + LogRecordHeader.HEADER_LENGTH + 20);
        device.bytes.putByte(payloadByte, (byte)(device.bytes.getByte(payloadByte) ^ 1));

        final long[] end = new long[1];
        final List<Replayed> records = replay(REGION_LENGTH, EPOCH, 0, end);
        assertEquals(1, records.size(), "the records after a torn one are not replayed");
        assertEquals(first, end[0], "the log ends where the torn record starts");
        assertTrue(second > first);
    }

    @Test
    void shouldStopReplayAtEveryTornHeaderField()
    {
        final RedoLog log = newLog(REGION_LENGTH);
        final long first = log.append(RecordType.CREATE, 1, 8, payload(1, 8));
        log.append(RecordType.CREATE, 2, 8, payload(2, 8));
        log.awaitDurable(log.appendedLsn());
        final byte[] good = device.bytes.byteArray().clone();

        for (int field = 0; field < LogRecordHeader.HEADER_LENGTH; field++)
        {
            System.arraycopy(good, 0, device.bytes.byteArray(), 0, good.length);
            final int at = (int)(REGION_OFFSET + first + field);
            device.bytes.putByte(at, (byte)(good[at] ^ 0x10));
            final long[] end = new long[1];
            assertEquals(1, replay(REGION_LENGTH, EPOCH, 0, end).size(), "header byte " + field);
            assertEquals(first, end[0], "header byte " + field);
        }
    }

    @Test
    void shouldReplayNothingOfAnotherEpoch()
    {
        final RedoLog log = newLog(REGION_LENGTH);
        log.awaitDurable(log.append(RecordType.CREATE, 1, 8, payload(1, 8)));

        final long[] end = new long[1];
        assertEquals(List.of(), replay(REGION_LENGTH, EPOCH + 1, 0, end));
        assertEquals(0, end[0]);
    }

    @Test
    void shouldFailOnAnUnknownRecordType()
    {
        final UnsafeBuffer record = new UnsafeBuffer(new byte[LogRecordHeader.HEADER_LENGTH]);
        LogRecordHeader.seal(record, 0, 99, 0, 5, 0, EPOCH);
        device.write(REGION_OFFSET, record, 0, record.capacity());

        final DssException unknown = assertThrows(DssException.class,
            () -> replay(REGION_LENGTH, EPOCH, 0, new long[1]));
        assertEquals(ErrorCode.CORRUPT, unknown.errorCode());
        assertTrue(unknown.getMessage().contains("type=99"), unknown.getMessage());
    }

    @Test
    void shouldRefuseEverythingAfterAFailedWrite()
    {
        final RedoLog log = newLog(REGION_LENGTH);
        final long lsn = log.append(RecordType.CREATE, 1, 8, payload(1, 8));
        device.failWrites = true;

        final DssException failed = assertThrows(DssException.class, () -> log.awaitDurable(lsn));
        assertEquals(ErrorCode.IO_ERROR, failed.errorCode());
        assertTrue(failed.getMessage().contains("lsn=0"), failed.getMessage());
        assertEquals(0, log.durableLsn());

        device.failWrites = false;
        final DssException after = assertThrows(DssException.class,
            () -> log.append(RecordType.CREATE, 2, 8, payload(2, 8)));
        assertEquals(ErrorCode.IO_ERROR, after.errorCode());
        assertTrue(after.getMessage().startsWith("redo log unusable after an earlier failure"), after.getMessage());
    }

    @Test
    void shouldWriteNothingThroughAClosedGate()
    {
        final RedoLog log = newLog(REGION_LENGTH);
        final FenceGate gate = new FenceGate();
        log.gate(gate);
        log.awaitDurable(log.append(RecordType.CREATE, 1, 8, payload(1, 8)));
        final int writes = device.writes;
        gate.shut("instance 1 is fenced");
        final long lsn = log.append(RecordType.CREATE, 2, 8, payload(2, 8));

        final DssException fenced = assertThrows(DssException.class, () -> log.awaitDurable(lsn));
        assertEquals(ErrorCode.FENCED, fenced.errorCode());
        assertTrue(fenced.getMessage().contains("instance 1 is fenced"), fenced.getMessage());
        assertEquals(writes, device.writes);
        gate.open();
        assertThrows(DssException.class, () -> log.append(RecordType.CREATE, 3, 8, payload(3, 8)),
            "the log stays failed: what is in memory is ahead of it");
    }

    @Test
    void shouldFailOnlyWhenStagedChangesAreDropped()
    {
        final RedoLog log = newLog(REGION_LENGTH);
        log.dropStaged("nothing staged");
        log.awaitDurable(log.append(RecordType.CREATE, 1, 8, payload(1, 8)));

        log.append(RecordType.CREATE, 2, 8, payload(2, 8));
        log.dropStaged("fenced");
        final DssException dropped = assertThrows(DssException.class,
            () -> log.append(RecordType.CREATE, 3, 8, payload(3, 8)));
        assertEquals(ErrorCode.FENCED, dropped.errorCode());
        assertTrue(dropped.getMessage().contains("dropped (fenced)"), dropped.getMessage());
    }

    @Test
    void shouldContinueAfterRecordsAnotherInstanceWrote()
    {
        final RedoLog writer = newLog(REGION_LENGTH);
        writer.awaitDurable(writer.append(RecordType.CREATE, 1, 8, payload(1, 8)));
        final RedoLog reader = newLog(REGION_LENGTH);

        reader.advanceTo(writer.durableLsn());
        assertEquals(writer.durableLsn(), reader.appendedLsn());
        assertEquals(writer.durableLsn(), reader.durableLsn());
        reader.awaitDurable(reader.append(RecordType.REMOVE, 2, 8, payload(2, 8)));
        assertEquals(2, replay(REGION_LENGTH, EPOCH, 0, new long[1]).size());

        reader.append(RecordType.REMOVE, 3, 8, payload(3, 8));
        assertThrows(IllegalStateException.class, () -> reader.advanceTo(reader.appendedLsn()),
            "records staged while another instance wrote");
    }

    @Test
    void shouldZeroATornBatchPastTheRecoveredEnd()
    {
        final RedoLog crashed = newLog(REGION_LENGTH);
        crashed.awaitDurable(crashed.append(RecordType.CREATE, 1, 8, payload(1, 8)));
        final long validEnd = crashed.durableLsn();
        final long torn = crashed.append(RecordType.CREATE, 2, 8, payload(2, 8));
        crashed.awaitDurable(torn);
        final int tornAt = (int)(REGION_OFFSET + validEnd + LogRecordHeader.HEADER_LENGTH);
        device.bytes.putByte(tornAt, (byte)(device.bytes.getByte(tornAt) ^ 1));
        final long[] end = new long[1];
        assertEquals(1, replay(REGION_LENGTH, EPOCH, 0, end).size());
        assertEquals(validEnd, end[0]);

        final RedoLog recovered = new RedoLog(device, REGION_OFFSET, REGION_LENGTH, EPOCH, 0, end[0]);
        recovered.sealRecoveredEnd();

        for (long lsn = validEnd; lsn < REGION_LENGTH; lsn++)
        {
            assertEquals(0, device.bytes.getByte((int)(REGION_OFFSET + lsn)), "byte at lsn " + lsn);
        }
        final long next = recovered.append(RecordType.RENAME, 3, 8, payload(3, 8));
        recovered.awaitDurable(next);
        final List<Replayed> records = replay(REGION_LENGTH, EPOCH, 0, end);
        assertEquals(List.of(1L, 3L), records.stream().map(Replayed::value).toList(),
            "the torn record never comes back; the new one follows the valid end");
    }

    @Test
    void shouldAlignAnEndRecoveredMidSector()
    {
        final RedoLog crashed = newLog(REGION_LENGTH);
        final long midSector = crashed.append(RecordType.CREATE, 1, 8, payload(1, 8));
        crashed.awaitDurable(midSector);
        device.bytes.setMemory((int)(REGION_OFFSET + midSector), SECTOR, (byte)0);

        final RedoLog recovered = new RedoLog(device, REGION_OFFSET, REGION_LENGTH, EPOCH, 0, midSector);
        recovered.sealRecoveredEnd();

        assertEquals(SECTOR, recovered.appendedLsn(), "padded to the sector");
        assertEquals(SECTOR, recovered.durableLsn());
        final long[] end = new long[1];
        assertEquals(1, replay(REGION_LENGTH, EPOCH, 0, end).size());
        assertEquals(SECTOR, end[0], "the pad is durable");
    }
}
