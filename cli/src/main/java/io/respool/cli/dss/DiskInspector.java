package io.respool.cli.dss;

import io.respool.blockdev.BlockDevice;
import io.respool.blockdev.BlockDevices;
import io.respool.blockdev.OpenOptions;
import io.respool.dss.DssException;
import io.respool.dss.format.Checksums;
import io.respool.dss.format.EntryVolumeLayout;
import io.respool.dss.format.LogRecordHeader;
import io.respool.dss.format.RootControl;
import io.respool.dss.format.VolumeHeader;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Reads the system area of a volume straight from the device, read-only and without opening the volume group, so
 * that {@code showdisk} works on a damaged volume group and next to a running instance. Prints the volume header,
 * both root control copies (saying which is valid and which is active), the redo log and the active checkpoint.
 */
final class DiskInspector implements AutoCloseable
{
    /** Checkpoint header fields, from the layout in {@code CheckpointCodec}'s Javadoc and FORMAT.md. */
    static final long CHECKPOINT_MAGIC = 0x4B43535344505352L;
    static final int CHECKPOINT_HEADER_LENGTH = 64;

    /** Redo record type names by code, from FORMAT.md. */
    private static final String[] RECORD_TYPES = {
        "PAD", "CREATE", "REMOVE", "REMOVE_TREE", "RENAME", "ALLOCATE", "SET_SIZE", "TRUNCATE", "FREE_ORPHAN",
        "ADD_VOLUME", "REMOVE_VOLUME"};

    private static final int MAX_LOG_LENGTH = 1 << 30;

    private final Path path;
    private final BlockDevice device;

    private DiskInspector(final Path path, final BlockDevice device)
    {
        this.path = path;
        this.device = device;
    }

    static DiskInspector open(final Path volume)
    {
        return new DiskInspector(volume, BlockDevices.open(volume, OpenOptions.defaults().readOnly(true)));
    }

    /**
     * Read {@code length} bytes at {@code offset} into a heap buffer, widening the read to the device's alignment.
     */
    UnsafeBuffer read(final long offset, final int length)
    {
        final int alignment = Math.max(1, device.alignment());
        final long start = offset / alignment * alignment;
        final long end = Math.min(device.size(), (offset + length + alignment - 1) / alignment * alignment);
        if (offset < 0 || offset + length > device.size())
        {
            throw new CliException("structure lies outside the volume: volume=" + path + ", offset=" + offset +
                ", length=" + length + ", volumeSize=" + device.size() + "; the volume is truncated or not DSS");
        }
        final byte[] bytes = new byte[(int)(end - start)];
        device.read(start, new UnsafeBuffer(bytes), 0, bytes.length);
        return new UnsafeBuffer(bytes, (int)(offset - start), length);
    }

    void printVolumeHeader(final StructureWriter out, final String name)
    {
        final UnsafeBuffer buffer = read(0, VolumeHeader.LENGTH);
        final VolumeHeader header = new VolumeHeader().wrap(buffer);
        out.begin(name).field("volume", path);
        out.field("magic", StructureWriter.hex(buffer.getLong(VolumeHeader.MAGIC_OFFSET, LITTLE_ENDIAN)) +
            " (" + ascii(buffer, VolumeHeader.MAGIC_OFFSET) + ")");
        out.field("valid", validity(header));
        if (header.hasMagic())
        {
            out.field("version", header.version())
                .field("vg_name", header.vgName())
                .field("vg_uuid", header.vgUuid())
                .field("volume_uuid", header.volumeUuid())
                .field("volume_id", header.volumeId())
                .field("au_size", header.auSize())
                .field("volume_size", header.volumeSize())
                .field("create_time", Formats.time(header.createdMs()))
                .field("checksum", StructureWriter.hex(buffer.getInt(VolumeHeader.CRC_OFFSET, LITTLE_ENDIAN)));
        }
        out.end();
    }

    private String validity(final VolumeHeader header)
    {
        try
        {
            header.validate(path.toString());
            return "true";
        }
        catch (final DssException ex)
        {
            return "false (" + ErrorLines.oneLine(ex.getMessage()) + ")";
        }
    }

    /**
     * @return the copy the volume group opens with (valid, highest sequence, B on a tie), or -1 if neither is valid.
     */
    int activeRootCopy()
    {
        final RootControl a = root(0);
        final RootControl b = root(1);
        final long sequenceA = a.invalidReason() == null ? a.sequence() : -1;
        final long sequenceB = b.invalidReason() == null ? b.sequence() : -1;
        if (sequenceA < 0 && sequenceB < 0)
        {
            return -1;
        }
        return sequenceA > sequenceB ? 0 : 1;
    }

    RootControl root(final int copy)
    {
        return new RootControl().wrap(read(EntryVolumeLayout.rootOffset(copy), RootControl.LENGTH));
    }

    void printRootControls(final StructureWriter out)
    {
        final int active = activeRootCopy();
        for (int copy = 0; copy < 2; copy++)
        {
            final UnsafeBuffer buffer = read(EntryVolumeLayout.rootOffset(copy), RootControl.LENGTH);
            final RootControl root = new RootControl().wrap(buffer);
            final String reason = root.invalidReason();
            out.begin("root_ctrl[" + copy + "]")
                .field("copy", copy == 0 ? "A" : "B")
                .field("offset", EntryVolumeLayout.rootOffset(copy))
                .field("valid", reason == null ? "true" : "false (" + reason + ")")
                .field("active", copy == active);
            if (reason == null || !reason.startsWith("wrong magic"))
            {
                printRootFields(out, root);
                out.field("checksum", StructureWriter.hex(buffer.getInt(RootControl.CRC_OFFSET, LITTLE_ENDIAN)));
            }
            out.end();
        }
        if (active < 0)
        {
            throw new CliException("both root control copies are invalid: vg volume=" + path +
                "; the volume group cannot be opened: restore the volume from a backup");
        }
    }

    private static void printRootFields(final StructureWriter out, final RootControl root)
    {
        out.field("sequence", root.sequence())
            .field("version", root.version())
            .field("vg_name", root.vgName())
            .field("vg_uuid", root.vgUuid())
            .field("au_size", root.auSize())
            .field("active_slot", root.activeSlot())
            .field("log_epoch", StructureWriter.hex(root.logEpoch()))
            .field("log_offset", root.logOffset())
            .field("log_length", root.logLength())
            .field("checkpoint_lsn", root.checkpointLsn())
            .field("checkpoint_length", root.checkpointLength())
            .field("checkpoint_crc", StructureWriter.hex(root.checkpointCrc()))
            .field("lease_area_offset", root.leaseAreaOffset())
            .field("instance_table_offset", root.instanceTableOffset());
        for (int slot = 0; slot < 2; slot++)
        {
            final int count = root.slotExtentCount(slot);
            out.begin("slot[" + slot + "]").field("extent_count", count);
            for (int i = 0; i < Math.min(count, RootControl.MAX_SLOT_EXTENTS); i++)
            {
                out.field("extent[" + i + "]", extent(root.slotExtentAu(slot, i), root.slotExtentCount(slot, i)));
            }
            out.end();
        }
    }

    private static String extent(final long physicalAu, final long count)
    {
        return "{volume = " + EntryVolumeLayout.volumeOf(physicalAu) + ", au = " +
            EntryVolumeLayout.auIndexOf(physicalAu) + ", au_count = " + count + "}";
    }

    private RootControl activeRoot()
    {
        final int active = activeRootCopy();
        if (active < 0)
        {
            throw new CliException("both root control copies are invalid: volume=" + path +
                "; run dsscmd showdisk -s root_ctrl for the reasons, and restore the volume from a backup");
        }
        return root(active);
    }

    void printRedoLog(final StructureWriter out)
    {
        final RootControl root = activeRoot();
        final long logOffset = root.logOffset();
        final long logLength = root.logLength();
        if (logLength <= 0 || logLength > MAX_LOG_LENGTH || logOffset < 0 ||
            logOffset + logLength > device.size())
        {
            throw new CliException("redo log region out of range: volume=" + path + ", log_offset=" + logOffset +
                ", log_length=" + logLength + ", volumeSize=" + device.size() + "; run dsscmd check");
        }
        final UnsafeBuffer region = read(logOffset, (int)logLength);
        final long epoch = root.logEpoch();
        final long from = root.checkpointLsn();
        final Map<String, Integer> byType = new TreeMap<>();
        long lsn = from;
        long records = 0;
        while (lsn - from < logLength)
        {
            final int position = (int)(lsn % logLength);
            if (!LogRecordHeader.isValid(region, position, (int)(logLength - position), lsn, epoch))
            {
                break;
            }
            final int type = LogRecordHeader.type(region, position);
            byType.merge(type >= 0 && type < RECORD_TYPES.length ? RECORD_TYPES[type] : "type_" + type, 1,
                Integer::sum);
            records += type == 0 ? 0 : 1;
            lsn += LogRecordHeader.length(region, position);
        }
        out.begin("redo_ctrl")
            .field("volume", path)
            .field("log_offset", logOffset)
            .field("log_length", logLength)
            .field("log_epoch", StructureWriter.hex(epoch))
            .field("replay_from_lsn", from)
            .field("end_lsn", lsn)
            .field("records", records)
            .field("used_bytes", lsn - from)
            .field("used_percent", Formats.format("%.2f", 100.0 * (lsn - from) / logLength));
        out.begin("records_by_type");
        for (final Map.Entry<String, Integer> entry : byType.entrySet())
        {
            out.field(entry.getKey(), entry.getValue());
        }
        out.end().end();
    }

    void printCheckpoint(final StructureWriter out)
    {
        final RootControl root = activeRoot();
        final int slot = root.activeSlot();
        final long length = root.checkpointLength();
        final int auSize = root.auSize();
        final int count = root.slotExtentCount(slot);
        long capacity = 0;
        for (int i = 0; i < count; i++)
        {
            capacity += root.slotExtentCount(slot, i) * auSize;
        }
        out.begin("checkpoint")
            .field("volume", path)
            .field("active_slot", slot)
            .field("lsn", root.checkpointLsn())
            .field("length", length)
            .field("slot_capacity", capacity)
            .field("crc", StructureWriter.hex(root.checkpointCrc()));
        if (length < CHECKPOINT_HEADER_LENGTH || length > capacity || length > MAX_LOG_LENGTH)
        {
            out.field("valid", "false (length out of range)").end();
            return;
        }
        final byte[] bytes = new byte[(int)length];
        int done = 0;
        for (int i = 0; i < count && done < length; i++)
        {
            final long au = root.slotExtentAu(slot, i);
            out.field("extent[" + i + "]", extent(au, root.slotExtentCount(slot, i)));
            if (EntryVolumeLayout.volumeOf(au) != 0)
            {
                out.field("valid", "false (extent outside the entry volume)").end();
                return;
            }
            final int chunk = (int)Math.min(length - done, root.slotExtentCount(slot, i) * auSize);
            read(EntryVolumeLayout.auIndexOf(au) * auSize, chunk).getBytes(0, bytes, done, chunk);
            done += chunk;
        }
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        final int crc = Checksums.crc32c(0, buffer, 0, (int)length);
        out.field("crc_valid", crc == root.checkpointCrc() ? "true" : "false (computed " +
            StructureWriter.hex(crc) + ")");
        final long magic = buffer.getLong(0, LITTLE_ENDIAN);
        out.field("magic", StructureWriter.hex(magic) + " (" + ascii(buffer, 0) + ")");
        if (magic == CHECKPOINT_MAGIC)
        {
            out.field("version", buffer.getInt(8, LITTLE_ENDIAN))
                .field("header_length", buffer.getInt(12, LITTLE_ENDIAN))
                .field("header_lsn", buffer.getLong(16, LITTLE_ENDIAN))
                .field("next_node_id", buffer.getLong(24, LITTLE_ENDIAN))
                .field("node_count", buffer.getLong(32, LITTLE_ENDIAN))
                .field("volume_count", buffer.getInt(40, LITTLE_ENDIAN))
                .field("au_size", buffer.getInt(44, LITTLE_ENDIAN));
        }
        out.end();
    }

    private static String ascii(final UnsafeBuffer buffer, final int offset)
    {
        final byte[] bytes = new byte[8];
        buffer.getBytes(offset, bytes);
        for (int i = 0; i < bytes.length; i++)
        {
            if (bytes[i] < 0x20 || bytes[i] > 0x7e)
            {
                bytes[i] = '.';
            }
        }
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    @Override
    public void close()
    {
        device.close();
    }
}
