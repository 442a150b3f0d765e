package io.respool.dss;

import io.respool.blockdev.BlockDevices;
import io.respool.dss.config.StorageMode;
import io.respool.dss.engine.InstanceOptions;
import io.respool.dss.engine.VolumeGroupFormatter;
import io.respool.dss.engine.Volumes;
import io.respool.dss.format.EntryVolumeLayout;
import io.respool.dss.format.LogRecordHeader;
import io.respool.dss.format.LogRecords;
import io.respool.dss.format.PrefixedStrings;
import io.respool.dss.format.RedoRecordDescriptor;
import io.respool.dss.format.RootControl;
import io.respool.dss.format.VgHead;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static io.respool.dss.DssTestSupport.AU;
import static io.respool.dss.DssTestSupport.image;
import static io.respool.dss.DssTestSupport.newVolumeGroup;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Damaged disks, torn writes, a full log, a full volume group: every one fails clearly or recovers whole.
 */
@Timeout(120)
class RecoveryTest
{
    @TempDir
    Path dir;

    private static void overwrite(final Path file, final long offset, final byte[] bytes) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.seek(offset);
            raf.write(bytes);
        }
    }

    private static DssException openFails(final Path volume, final ErrorCode code, final String... parts)
    {
        final DssException ex = assertThrows(DssException.class, () -> Dss.openVolumeGroup("data", volume).close());
        assertEquals(code, ex.errorCode(), ex.getMessage());
        for (final String part : parts)
        {
            assertTrue(ex.getMessage().contains(part), () -> "'" + ex.getMessage() + "' lacks '" + part + "'");
        }
        return ex;
    }

    @Test
    void shouldRejectAWrongMagicNamingTheVolume() throws IOException
    {
        final Path volume = newVolumeGroup(dir, 256L << 20);
        overwrite(volume, 0, "NOTADISK".getBytes());
        openFails(volume, ErrorCode.CORRUPT, "wrong magic", volume.toString());
    }

    @Test
    void shouldRejectAHeaderChecksumMismatch() throws IOException
    {
        final Path volume = newVolumeGroup(dir, 256L << 20);
        overwrite(volume, 100, new byte[]{1, 2, 3});
        openFails(volume, ErrorCode.CORRUPT, "checksum mismatch", "offset=0", volume.toString());
    }

    @Test
    void shouldRejectATruncatedImageWithWhatToDo() throws IOException
    {
        final Path volume = newVolumeGroup(dir, 256L << 20);
        try (RandomAccessFile raf = new RandomAccessFile(volume.toFile(), "rw"))
        {
            raf.setLength(100L << 20);
        }
        openFails(volume, ErrorCode.CORRUPT, "truncated", "recorded=" + (256L << 20));
    }

    @Test
    void shouldOpenFromTheOtherRootCopyWhenOneIsTornAndRewriteIt() throws IOException
    {
        final Path volume = newVolumeGroup(dir, 256L << 20);
        try (Dss dss = Dss.openVolumeGroup("data", volume))
        {
            dss.mkdir("+data/kept");
        }
        overwrite(volume, EntryVolumeLayout.ROOT_A_OFFSET + 40, new byte[]{9, 9, 9, 9});
        try (Dss dss = Dss.openVolumeGroup("data", volume))
        {
            assertTrue(dss.exists("+data/kept"));
            final List<String> repaired = dss.volumeGroup("data").check();
            assertEquals(1, repaired.size(), repaired.toString());
            assertTrue(repaired.get(0).contains("copy A is invalid") && repaired.get(0).contains("rewritten"),
                repaired.toString());
            assertEquals(List.of(), dss.volumeGroup("data").check(), "the open rewrote copy A from copy B");

            overwrite(volume, EntryVolumeLayout.ROOT_B_OFFSET + 40, new byte[]{9, 9, 9, 9});
            final List<String> problems = dss.volumeGroup("data").check();
            assertEquals(1, problems.size(), problems.toString());
            assertTrue(problems.get(0).contains("copy B is invalid") && problems.get(0).contains("rewritten"),
                problems.toString());
            assertEquals(List.of(), dss.volumeGroup("data").check(), "the check rewrote copy B from copy A");
        }
        overwrite(volume, EntryVolumeLayout.ROOT_A_OFFSET + 40, new byte[]{9, 9, 9, 9});
        try (Dss dss = Dss.openVolumeGroup("data", volume))
        {
            assertTrue(dss.exists("+data/kept"), "copy A was rewritten, so copy B can be lost too");
        }
        overwrite(volume, EntryVolumeLayout.ROOT_A_OFFSET + 40, new byte[]{9, 9, 9, 9});
        overwrite(volume, EntryVolumeLayout.ROOT_B_OFFSET + 40, new byte[]{9, 9, 9, 9});
        openFails(volume, ErrorCode.CORRUPT, "both root control copies are invalid", "offset=262144", "offset=524288");
    }

    /**
     * The fields of a record header, in order, then a field of the payload (the new node's id, where this test
     * once tore at a hard-coded offset): each ends where the next starts.
     */
    enum RecordField
    {
        LENGTH(LogRecordHeader.LENGTH_OFFSET),
        TYPE(LogRecordHeader.TYPE_OFFSET),
        VERSION(LogRecordHeader.VERSION_OFFSET),
        LSN(LogRecordHeader.LSN_OFFSET),
        TIMESTAMP(LogRecordHeader.TIMESTAMP_OFFSET),
        CRC(LogRecordHeader.CRC_OFFSET),
        PAYLOAD_LENGTH(LogRecordHeader.PAYLOAD_LENGTH_OFFSET),
        PAYLOAD(LogRecordHeader.HEADER_LENGTH + RedoRecordDescriptor.CREATE_NODE_ID_OFFSET);

        final int offset;

        RecordField(final int offset)
        {
            this.offset = offset;
        }

        int length()
        {
            return ordinal() + 1 < values().length ? values()[ordinal() + 1].offset - offset :
                RedoRecordDescriptor.CREATE_FILE_TYPE_OFFSET - RedoRecordDescriptor.CREATE_NODE_ID_OFFSET;
        }
    }

    /** FORMAT.md: a CREATE record is type 1. */
    private static final int CREATE_RECORD_TYPE = 1;

    /** How a record is damaged at a field. */
    enum Tear
    {
        /** The write stopped inside the field: from its middle to the record's end the old (zero) bytes remain. */
        CUT,
        /** The first byte of the field is wrong. */
        FLIP
    }

    static Stream<Arguments> tornRecords()
    {
        return Arrays.stream(RecordField.values())
            .flatMap(field -> Arrays.stream(Tear.values()).map(tear -> Arguments.of(field, tear)));
    }

    private static RootControl rootA(final RandomAccessFile raf) throws IOException
    {
        final UnsafeBuffer rootBytes = new UnsafeBuffer(new byte[RootControl.LENGTH]);
        raf.seek(EntryVolumeLayout.ROOT_A_OFFSET);
        raf.readFully(rootBytes.byteArray());
        return new RootControl().wrap(rootBytes);
    }

    private static Path volumeWithTenDirectories(final Path dir)
    {
        final Path volume = newVolumeGroup(dir, 256L << 20);
        try (Dss dss = Dss.openVolumeGroup("data", volume))
        {
            for (int i = 0; i < 10; i++)
            {
                dss.mkdir("+data/d" + i);
            }
        }
        return volume;
    }

    /**
     * @return the offset on the volume of the record that created {@code +data/d<n>}, found by walking the log's
     * record headers from the checkpoint to the first change record that names {@code d<n>}.
     */
    static long recordOffset(final Path volume, final int n) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(volume.toFile(), "r"))
        {
            final RootControl root = rootA(raf);
            final long start = root.logOffset() + root.checkpointLsn() % root.logLength();
            final UnsafeBuffer log = new UnsafeBuffer(new byte[64 * 1024]);
            raf.seek(start);
            raf.readFully(log.byteArray());
            final int nameAt = LogRecordHeader.HEADER_LENGTH + RedoRecordDescriptor.CREATE_NAME_OFFSET;
            int at = 0;
            for (; ; at += LogRecordHeader.length(log, at))
            {
                assertTrue(LogRecordHeader.length(log, at) >= LogRecordHeader.HEADER_LENGTH, "a valid log at " + at);
                if (LogRecordHeader.type(log, at) == CREATE_RECORD_TYPE &&
                    ("d" + n).equals(PrefixedStrings.getName(log, at + nameAt)))
                {
                    return start + at;
                }
            }
        }
    }

    static void tear(final Path volume, final long record, final RecordField field, final Tear tear)
        throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(volume.toFile(), "rw"))
        {
            raf.seek(record + LogRecordHeader.LENGTH_OFFSET);
            final int length = Integer.reverseBytes(raf.readInt());
            if (tear == Tear.CUT)
            {
                final int at = field.offset + field.length() / 2;
                raf.seek(record + at);
                raf.write(new byte[length - at]);
            }
            else
            {
                raf.seek(record + field.offset);
                final int old = raf.read();
                raf.seek(record + field.offset);
                raf.write(old ^ 0xFF);
            }
        }
    }

    /**
     * @return the LSN of the record at {@code offset} on the volume, from where the log region starts.
     */
    static long recordLsn(final Path volume, final long offset) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(volume.toFile(), "r"))
        {
            final RootControl root = rootA(raf);
            return root.checkpointLsn() + offset - (root.logOffset() + root.checkpointLsn() % root.logLength());
        }
    }

    private static VgHead readHead(final RandomAccessFile raf) throws IOException
    {
        final UnsafeBuffer sector = new UnsafeBuffer(new byte[VgHead.LENGTH]);
        raf.seek(EntryVolumeLayout.VG_HEAD_OFFSET);
        raf.readFully(sector.byteArray());
        final VgHead head = new VgHead().wrap(sector, 0);
        assertTrue(head.isValid(), "the VG head was published");
        return head;
    }

    private static long publishedEnd(final Path volume) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(volume.toFile(), "r"))
        {
            return readHead(raf).endLsn();
        }
    }

    /**
     * Leave the VG head as a holder that crashed while writing the record at {@code lsn} leaves it: held, its end
     * the last one published, before that record.
     */
    private static void crashBeforePublishing(final Path volume, final long lsn) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(volume.toFile(), "rw"))
        {
            final VgHead head = readHead(raf);
            head.endLsn(lsn).held(true).seal();
            raf.seek(EntryVolumeLayout.VG_HEAD_OFFSET);
            raf.write(head.buffer().byteArray());
        }
    }

    private static byte[] bytesAt(final Path volume, final long offset, final int length) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(volume.toFile(), "r"))
        {
            final byte[] bytes = new byte[length];
            raf.seek(offset);
            raf.readFully(bytes);
            return bytes;
        }
    }

    @ParameterizedTest(name = "{1} at {0}")
    @MethodSource("tornRecords")
    void shouldRecoverUpToATornLogRecord(final RecordField field, final Tear tear) throws IOException
    {
        final Path volume = volumeWithTenDirectories(dir);
        // One record per mkdir, each commit padded to the device's write unit. Tear record 7, the one being written
        // when the holder crashed: the VG head it last published ends before it.
        final long record = recordOffset(volume, 7);
        crashBeforePublishing(volume, recordLsn(volume, record));
        tear(volume, record, field, tear);
        try (Dss dss = Dss.openVolumeGroup("data", volume))
        {
            for (int i = 0; i < 7; i++)
            {
                assertTrue(dss.exists("+data/d" + i), "d" + i);
            }
            assertFalse(dss.exists("+data/d7"));
            assertFalse(dss.exists("+data/d8"), "a record past a torn one must not come back");
            assertEquals(List.of(), dss.volumeGroup("data").check());
            dss.mkdir("+data/after");
        }
        try (Dss dss = Dss.openVolumeGroup("data", volume))
        {
            assertTrue(dss.exists("+data/after"));
            assertFalse(dss.exists("+data/d8"));
            assertEquals(List.of(), dss.volumeGroup("data").check());
        }
    }

    /**
     * Record 7 of 10 damaged after the volume group was closed: the VG head proves records 7 to 9 were committed.
     * Open refuses, naming the damage and what is lost, and leaves the log as it was, so that it refuses again.
     */
    @ParameterizedTest(name = "{1} at {0}")
    @MethodSource("tornRecords")
    void shouldRefuseToOpenALogDamagedInsideItsPublishedEnd(final RecordField field, final Tear tear)
        throws IOException
    {
        final Path volume = volumeWithTenDirectories(dir);
        final long record = recordOffset(volume, 7);
        final long lsn = recordLsn(volume, record);
        final long end = publishedEnd(volume);
        tear(volume, record, field, tear);
        final byte[] damaged = bytesAt(volume, record, 64 * 1024);
        final String[] parts = {"redo log damaged inside its committed part", "vg=data", "volume=" + volume,
            "lsn=" + lsn + ",", "publishedEnd=" + end, "and 2 intact change record(s) after them",
            (end - lsn) + " bytes of log", "the volume group is not opened", "restore the volume group from a backup"};
        openFails(volume, ErrorCode.CORRUPT, parts);
        assertArrayEquals(damaged, bytesAt(volume, record, 64 * 1024), "open must not seal the log at the damage");
        openFails(volume, ErrorCode.CORRUPT, parts);
    }

    @ParameterizedTest
    @EnumSource(value = StorageMode.class, names = {"DISK", "SHARE_DISK"})
    void shouldOpenAsOfTheDamageOnlyWhenAnOperatorAcceptsTheLossAtItsLsn(final StorageMode mode) throws IOException
    {
        final Path volume = volumeWithTenDirectories(dir);
        final long record = recordOffset(volume, 7);
        final long lsn = recordLsn(volume, record);
        tear(volume, record, RecordField.TYPE, Tear.FLIP);
        final InstanceOptions lockHere = InstanceOptions.defaults().withLockDirectory(dir).withStorageMode(mode);
        final DssException wrongLsn = assertThrows(DssException.class,
            () -> Dss.openVolumeGroup("data", volume, lockHere.withAcceptLogLossAt(lsn + 32)).close());
        assertEquals(ErrorCode.CORRUPT, wrongLsn.errorCode(), wrongLsn.getMessage());
        assertTrue(wrongLsn.getMessage().contains("InstanceOptions.acceptLogLossAt=" + lsn), wrongLsn.getMessage());
        try (Dss dss = Dss.openVolumeGroup("data", volume, lockHere.withAcceptLogLossAt(lsn)))
        {
            for (int i = 0; i < 7; i++)
            {
                assertTrue(dss.exists("+data/d" + i), "d" + i);
            }
            for (int i = 7; i < 10; i++)
            {
                assertFalse(dss.exists("+data/d" + i), "d" + i + " was given up");
            }
            assertEquals(List.of(), dss.volumeGroup("data").check());
            dss.mkdir("+data/after");
        }
        try (Dss dss = Dss.openVolumeGroup("data", volume, lockHere))
        {
            assertTrue(dss.exists("+data/after"));
            assertFalse(dss.exists("+data/d8"), "a record given up never comes back");
            assertEquals(List.of(), dss.volumeGroup("data").check());
        }
    }

    @ParameterizedTest(name = "record {0}")
    @ValueSource(ints = {0, 4, 9})
    void shouldCountTheIntactChangesAfterADamagedCommittedRecord(final int n) throws IOException
    {
        final Path volume = volumeWithTenDirectories(dir);
        final long record = recordOffset(volume, n);
        final long lsn = recordLsn(volume, record);
        tear(volume, record, RecordField.CRC, Tear.FLIP);
        openFails(volume, ErrorCode.CORRUPT, "lsn=" + lsn + ",", "publishedEnd=" + publishedEnd(volume),
            "and " + (9 - n) + " intact change record(s) after them");
    }

    @Test
    void shouldReportInCheckALogDamagedWhileOpenThenRefuseToReopen() throws IOException
    {
        final Path volume = newVolumeGroup(dir, 256L << 20);
        final long lsn;
        try (Dss dss = Dss.openVolumeGroup("data", volume))
        {
            for (int i = 0; i < 10; i++)
            {
                dss.mkdir("+data/d" + i);
            }
            assertEquals(List.of(), dss.volumeGroup("data").check());
            final long record = recordOffset(volume, 3);
            lsn = recordLsn(volume, record);
            tear(volume, record, RecordField.PAYLOAD, Tear.FLIP);
            final List<String> problems = dss.volumeGroup("data").check();
            assertFalse(problems.isEmpty(), "check must report the damage");
            final String problem = problems.get(0);
            for (final String part : new String[]{"redo log damaged inside its committed part", "vg=data",
                "lsn=" + lsn + ",", "durableEnd=", "and 6 intact change record(s) after them"})
            {
                assertTrue(problem.contains(part), () -> "'" + problem + "' lacks '" + part + "'");
            }
            assertTrue(dss.exists("+data/d9"), "the instance's own state is whole");
        }
        openFails(volume, ErrorCode.CORRUPT, "lsn=" + lsn + ",", "publishedEnd=" + publishedEnd(volume),
            "and 6 intact change record(s) after them");
    }

    @Test
    void shouldRefuseAChangeWhenCatchingUpHitsDamageInsideThePublishedEnd() throws IOException
    {
        final Path volume = newVolumeGroup(dir, 256L << 20);
        final io.respool.dss.engine.InstanceOptions zero = io.respool.dss.engine.InstanceOptions.defaults()
            .withLockDirectory(dir);
        try (Dss first = Dss.openVolumeGroup("data", volume, zero))
        {
            final Dss second = Dss.openVolumeGroup("data", volume, zero.withInstanceId(1));
            for (int i = 0; i < 10; i++)
            {
                first.mkdir("+data/d" + i);
            }
            final long record = recordOffset(volume, 7);
            final long lsn = recordLsn(volume, record);
            tear(volume, record, RecordField.LENGTH, Tear.CUT);
            final byte[] damaged = bytesAt(volume, record, 64 * 1024);
            for (int attempt = 0; attempt < 2; attempt++)
            {
                final DssException ex = assertThrows(DssException.class, () -> second.mkdir("+data/second"));
                assertEquals(ErrorCode.CORRUPT, ex.errorCode(), ex.getMessage());
                for (final String part : new String[]{"lsn=" + lsn + ",", "publishedEnd=" + publishedEnd(volume),
                    "and 2 intact change record(s) after them", "no metadata change is made"})
                {
                    assertTrue(ex.getMessage().contains(part), () -> "'" + ex.getMessage() + "' lacks '" + part + "'");
                }
            }
            assertArrayEquals(damaged, bytesAt(volume, record, 64 * 1024), "catch-up must not seal the log");
            // Close is a change too (it logs the sizes writes changed): refused the same way, the devices closed.
            final DssException onClose = assertThrows(DssException.class, second::close);
            assertEquals(ErrorCode.CORRUPT, onClose.errorCode(), onClose.getMessage());
        }
    }

    @Test
    void shouldRefuseAWholeLogRecordOfAnUnknownVersionAndKeepTheLog() throws IOException
    {
        final Path volume = volumeWithTenDirectories(dir);
        final long record = recordOffset(volume, 7);
        try (RandomAccessFile raf = new RandomAccessFile(volume.toFile(), "rw"))
        {
            final long epoch = rootA(raf).logEpoch();
            final UnsafeBuffer bytes = new UnsafeBuffer(new byte[LogRecordHeader.HEADER_LENGTH]);
            raf.seek(record);
            raf.readFully(bytes.byteArray());
            final UnsafeBuffer whole = new UnsafeBuffer(new byte[LogRecordHeader.length(bytes, 0)]);
            raf.seek(record);
            raf.readFully(whole.byteArray());
            LogRecords.restampVersion(whole, 0, LogRecordHeader.CURRENT_VERSION + 1, epoch);
            raf.seek(record);
            raf.write(whole.byteArray());
        }
        final String[] parts = {"unsupported redo record version", "version=" + (LogRecordHeader.CURRENT_VERSION + 1),
            "supported=" + LogRecordHeader.MIN_COMPAT_VERSION + ".." + LogRecordHeader.CURRENT_VERSION};
        openFails(volume, ErrorCode.UNSUPPORTED_VERSION, parts);
        openFails(volume, ErrorCode.UNSUPPORTED_VERSION, parts);
    }

    @Test
    void shouldCheckpointAndWrapASmallLogWithoutLosingAChange() throws Exception
    {
        final Path volume = image(dir, "vol0", 256L << 20);
        VolumeGroupFormatter.format("data", volume, AU, AU, Volumes.fromSystemProperties());
        final int files = 6000;
        final ExecutorService pool = Executors.newFixedThreadPool(8);
        try (Dss dss = Dss.openVolumeGroup("data", volume))
        {
            final List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++)
            {
                final int first = t;
                futures.add(pool.submit(() ->
                {
                    for (int i = first; i < files; i += 8)
                    {
                        dss.createFile("+data/f" + i);
                        if (i % 3 == 0)
                        {
                            dss.delete("+data/f" + i);
                        }
                    }
                }));
            }
            for (final Future<?> future : futures)
            {
                future.get();
            }
            assertEquals(List.of(), dss.volumeGroup("data").check());
        }
        finally
        {
            pool.shutdownNow();
        }
        try (Dss dss = Dss.openVolumeGroup("data", volume))
        {
            for (int i = 0; i < files; i++)
            {
                assertEquals(i % 3 != 0, dss.exists("+data/f" + i), "f" + i);
            }
            assertEquals(List.of(), dss.volumeGroup("data").check());
        }
    }

    @Test
    void shouldRefuseAVolumeThatIsAlreadyInAVolumeGroup()
    {
        final Path volume = newVolumeGroup(dir, 256L << 20);
        final DssException again = assertThrows(DssException.class,
            () -> Dss.createVolumeGroup("other", volume, AU));
        assertEquals(ErrorCode.ALREADY_EXISTS, again.errorCode());
        assertTrue(again.getMessage().contains("vg=data"), again.getMessage());
        final Path second = image(dir, "vol1", 128L << 20);
        Dss.createVolumeGroup("log", second, AU);
        try (Dss dss = Dss.openVolumeGroup("data", volume))
        {
            final DssException ex = assertThrows(DssException.class, () -> dss.volumeGroup("data").addVolume(second));
            assertEquals(ErrorCode.ALREADY_EXISTS, ex.errorCode());
            assertTrue(ex.getMessage().contains("vg=log"), ex.getMessage());
            final DssException self = assertThrows(DssException.class,
                () -> dss.volumeGroup("data").addVolume(volume));
            assertEquals(ErrorCode.ALREADY_EXISTS, self.errorCode());
        }
    }

    @Test
    void shouldShareOneVolumeGroupBetweenTwoInstancesInOneProcess()
    {
        final Path volume = newVolumeGroup(dir, 256L << 20);
        final io.respool.dss.engine.InstanceOptions zero = io.respool.dss.engine.InstanceOptions.defaults()
            .withLockDirectory(dir);
        try (Dss first = Dss.openVolumeGroup("data", volume, zero);
            Dss second = Dss.openVolumeGroup("data", volume, zero.withInstanceId(1)))
        {
            first.mkdir("+data/made-by-0");
            assertTrue(second.exists("+data/made-by-0"), "a change is visible in the other instance at once");
            DssTestSupport.write(second, "+data/made-by-0/f", new byte[]{1, 2, 3}, AU - 1);
            assertEquals(AU + 2, first.stat("+data/made-by-0/f").size());
            final byte[] read = DssTestSupport.readAll(first, "+data/made-by-0/f");
            assertEquals(3, read[AU + 1]);
            second.rename("+data/made-by-0/f", "+data/g");
            assertFalse(first.exists("+data/made-by-0/f"));
            first.delete("+data/g");
            assertFalse(second.exists("+data/g"));
            assertEquals(List.of(), first.volumeGroup("data").check());
            assertEquals(List.of(), second.volumeGroup("data").check());
        }
    }

    @Test
    void shouldFailCleanlyWhenFullThenGrowWithAVolumeAndShrinkBack()
    {
        final Path volume = image(dir, "vol0", 8L * AU);
        VolumeGroupFormatter.format("data", volume, AU, AU, Volumes.fromSystemProperties());
        try (Dss dss = Dss.openVolumeGroup("data", volume))
        {
            final VolumeGroup vg = dss.volumeGroup("data");
            final long free = vg.freeBytes();
            assertEquals(4L * AU, free, "8 AUs less the system area, the log and the two checkpoint slots");
            final DssException full = assertThrows(DssException.class,
                () -> DssTestSupport.write(dss, "+data/big", new byte[6 * AU], 0));
            assertEquals(ErrorCode.OUT_OF_SPACE, full.errorCode());
            assertTrue(full.getMessage().contains("+data/big") && full.getMessage().contains("dsscmd adv"),
                full.getMessage());
            assertEquals(free, vg.freeBytes(), "a failed allocation takes nothing");
            assertEquals(0, dss.stat("+data/big").allocatedSize());

            final Path extra = image(dir, "vol1", 16L * AU);
            vg.addVolume(extra);
            DssTestSupport.write(dss, "+data/big", new byte[6 * AU], 0);
            assertEquals(List.of(), vg.check());
            final DssException inUse = assertThrows(DssException.class, () -> vg.removeVolume(extra));
            assertEquals(ErrorCode.VOLUME_IN_USE, inUse.errorCode());
            assertThrows(DssException.class, () -> vg.removeVolume(volume));
        }
        try (Dss dss = Dss.openVolumeGroup("data", volume))
        {
            assertEquals(2, dss.volumeGroup("data").volumes().size());
            assertEquals(6L * AU, dss.stat("+data/big").size());
            dss.delete("+data/big");
            dss.volumeGroup("data").removeVolume(dir.resolve("vol1"));
            assertEquals(1, dss.volumeGroup("data").volumes().size());
            assertEquals(List.of(), dss.volumeGroup("data").check());
        }
        try (Dss dss = Dss.openVolumeGroup("data", volume))
        {
            assertEquals(1, dss.volumeGroup("data").volumes().size());
            dss.volumeGroup("data").addVolume(dir.resolve("vol1"));
            assertEquals(List.of(), dss.volumeGroup("data").check());
        }
    }

    @Test
    void shouldKeepAFileRemovedWhileOpenUntilClosedOrReopened()
    {
        final Path volume = newVolumeGroup(dir, 256L << 20);
        final byte[] data = DssTestSupport.randomBytes(5, 3 * AU);
        final long freshFree;
        try (Dss dss = Dss.openVolumeGroup("data", volume))
        {
            freshFree = dss.volumeGroup("data").freeBytes();
            DssTestSupport.write(dss, "+data/f", data, 0);
            final long freeBefore = dss.volumeGroup("data").freeBytes();
            final DssFile open = dss.open("+data/f", OpenFlag.WRITE);
            dss.delete("+data/f");
            assertFalse(dss.exists("+data/f"));
            final ByteBuffer read = ByteBuffer.allocate(data.length);
            assertEquals(data.length, open.read(read, 0));
            assertEquals(data[12345], read.get(12345));
            open.write(ByteBuffer.wrap(new byte[]{1}), 10);
            open.write(ByteBuffer.wrap(new byte[]{7}), 3L * AU);
            open.truncate(4L * AU);
            open.flush();
            assertEquals(freeBefore - AU, dss.volumeGroup("data").freeBytes(), "space is held while open, and grows");
            assertEquals(List.of(), dss.volumeGroup("data").check());
            open.close();
            assertEquals(freeBefore + 3L * AU, dss.volumeGroup("data").freeBytes(), "all of it comes back at close");
            assertEquals(List.of(), dss.volumeGroup("data").check());
            assertThrows(DssException.class, () -> open.read(ByteBuffer.allocate(1), 0));

            DssTestSupport.write(dss, "+data/g", data, 0);
            dss.open("+data/g");
            dss.delete("+data/g");
            // closed with the handle still open: the orphan is freed on the next open
        }
        try (Dss dss = Dss.openVolumeGroup("data", volume))
        {
            assertFalse(dss.exists("+data/g"));
            assertEquals(freshFree, dss.volumeGroup("data").freeBytes(), "the orphan's space came back");
            assertEquals(List.of(), dss.volumeGroup("data").check());
        }
    }

    @Test
    void shouldFormatATwoTebibyteSparseImageQuicklyAndStaySparse() throws IOException
    {
        final Path volume = dir.resolve("big.img");
        BlockDevices.createSparseImage(volume, 2L << 40);
        final long start = System.nanoTime();
        Dss.createVolumeGroup("data", volume, Dss.DEFAULT_AU_SIZE);
        final long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms < 5000, "cv took " + ms + " ms");
        final long allocatedBlocks = Long.parseLong(new String(new ProcessBuilder("stat", "-c", "%b",
            volume.toString()).start().getInputStream().readAllBytes()).trim());
        // cv reserves only the metadata: the system area, the 64 MiB log and two checkpoint slots of one AU each
        final long reserved = (1536L << 10) + (64L << 20) + 2L * Dss.DEFAULT_AU_SIZE;
        assertTrue(allocatedBlocks * 512 < reserved + (1L << 20), "allocated " + allocatedBlocks * 512 + " bytes");
        try (Dss dss = Dss.openVolumeGroup("data", volume))
        {
            assertEquals((2L << 40) / Dss.DEFAULT_AU_SIZE * Dss.DEFAULT_AU_SIZE, dss.volumeGroup("data").totalBytes());
            assertEquals(List.of(), dss.volumeGroup("data").check());
        }
    }
}
