package io.respool.dss.engine;

import io.respool.blockdev.BlockDevice;
import io.respool.blockdev.BlockDevices;
import io.respool.dss.DssException;
import io.respool.dss.ErrorCode;
import io.respool.dss.format.LogRecordHeader;
import io.respool.dss.format.LogRecords;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.respool.dss.format.LogRecordHeader.HEADER_LENGTH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The record layout version in the log record header covers the redo payloads: replay passes every record of a
 * known version and refuses, loudly and without skipping it, a valid record of any other.
 */
@Timeout(30)
class RedoLogReplayTest
{
    private static final long EPOCH = 0x5EED_0F_10C5L;
    private static final int REGION_LENGTH = 64 * 1024;
    private static final long NODE_ID = 42;

    @TempDir
    Path dir;

    private final UnsafeBuffer log = new UnsafeBuffer(new byte[REGION_LENGTH]);
    private final List<Long> replayedLsns = new ArrayList<>();

    /** Three SET_SIZE records at LSN 0, 64 and 128. */
    private void writeThreeRecords()
    {
        int at = 0;
        for (int n = 0; n < 3; n++)
        {
            final int payloadLength = Records.setSize(log, at + HEADER_LENGTH, NODE_ID, n, n);
            LogRecordHeader.seal(log, at, RecordType.SET_SIZE.code, at, 1000 + n, payloadLength, EPOCH);
            at += LogRecordHeader.length(log, at);
        }
    }

    private long replay()
    {
        BlockDevices.createSparseImage(dir.resolve("log.img"), 1024 * 1024);
        try (BlockDevice device = BlockDevices.open(dir.resolve("log.img")))
        {
            device.write(0, log, 0, REGION_LENGTH);
            return LogReplay.replay(device, 0, REGION_LENGTH, EPOCH, 0,
                (type, buffer, index, ts, lsn) -> replayedLsns.add(lsn));
        }
    }

    private void restampVersion(final int index, final int version)
    {
        LogRecords.restampVersion(log, index, version, EPOCH);
        assertTrue(LogRecordHeader.isValid(log, index, REGION_LENGTH - index, index, EPOCH));
    }

    @Test
    void shouldReplayEveryRecordOfTheCurrentVersion()
    {
        writeThreeRecords();
        assertEquals(LogRecordHeader.CURRENT_VERSION, LogRecordHeader.version(log, 64));
        assertEquals(192, replay());
        assertEquals(List.of(0L, 64L, 128L), replayedLsns);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, LogRecordHeader.CURRENT_VERSION + 1, 0xFFFF})
    void shouldRefuseAValidRecordOfAnUnknownVersionNamingBothNumbers(final int version)
    {
        writeThreeRecords();
        restampVersion(64, version);
        final DssException ex = assertThrows(DssException.class, this::replay);
        assertEquals(ErrorCode.UNSUPPORTED_VERSION, ex.errorCode());
        assertEquals("unsupported redo record version: lsn=64, version=" + version + ", supported=" +
            LogRecordHeader.MIN_COMPAT_VERSION + ".." + LogRecordHeader.CURRENT_VERSION, ex.getMessage());
        assertEquals(List.of(0L), replayedLsns, "the records before it were replayed, none after");
    }
}
