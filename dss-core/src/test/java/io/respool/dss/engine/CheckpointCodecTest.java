package io.respool.dss.engine;

import io.respool.dss.DssException;
import io.respool.dss.ErrorCode;
import io.respool.dss.format.CheckpointDescriptor;
import io.respool.dss.format.PrefixedStrings;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.respool.dss.engine.CheckpointSample.AU_SIZE;
import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The checkpoint of {@link CheckpointSample}: its bytes are those images made before the layout moved to
 * {@link CheckpointDescriptor} hold, it decodes to the same state field by field, and a bad one is refused.
 */
@Timeout(10)
class CheckpointCodecTest
{
    private static final long LSN = 0x0102030405060708L;
    private static final String SAMPLE_HEX =
        "525350445353434b01000000400000000807060504030201060000000000000005000000000000000200000000002000" +
        "000000000000000000000000000000000000000040000000000000000807060504030201181716151413121107002f69" +
        "6d672f76300100000020000000000000002827262524232221383736353433323107002f696d672f7631010000000000" +
        "0000000000000000000002000464617461e803000000000000d007000000000000000000000000000000000000000000" +
        "00040000000000000001000000000000000300026c6eeb03000000000000eb0300000000000003000000000000000000" +
        "0000000000000300642f660200000000000000010000000000000002000164e903000000000000d10700000000000000" +
        "0000000000000000000000000000000300000000000000020000000000000001000166ea03000000000000d207000000" +
        "000000f9ff9f000000000000008000000000000200000000000000000000000500000000000000020000000000000004" +
        "000000000000000300000000000100010000000000000005000000000000000200000000000000010704676f6e65ec03" +
        "000000000000ec0300000000000064000000000000005a000000000000000100000000000000000000000a0000000000" +
        "01000100000000000000";

    private final ExpandableArrayBuffer out = new ExpandableArrayBuffer();

    private static String hex(final DirectBuffer b, final int length)
    {
        final StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++)
        {
            s.append(String.format("%02x", b.getByte(i) & 0xFF));
        }
        return s.toString();
    }

    private int encodeSample()
    {
        return CheckpointCodec.encode(CheckpointSample.state(), LSN, out);
    }

    private DssException decodeFails(final int length)
    {
        return assertThrows(DssException.class, () -> CheckpointCodec.decode(out, length, new MetadataState(AU_SIZE)));
    }

    @Test
    void shouldEncodeAsImagesMadeBeforeHoldIt()
    {
        final int length = encodeSample();
        assertEquals(SAMPLE_HEX, hex(out, length));
        assertEquals(CheckpointDescriptor.MAGIC, out.getLong(CheckpointDescriptor.MAGIC_OFFSET, LITTLE_ENDIAN));
        assertEquals(CheckpointDescriptor.CURRENT_VERSION, out.getInt(CheckpointDescriptor.VERSION_OFFSET,
            LITTLE_ENDIAN));
        assertEquals(5, out.getLong(CheckpointDescriptor.NODE_COUNT_OFFSET, LITTLE_ENDIAN));
        assertEquals(2, out.getInt(CheckpointDescriptor.VOLUME_COUNT_OFFSET, LITTLE_ENDIAN));
    }

    @Test
    void shouldDecodeEveryFieldBack()
    {
        final MetadataState expected = CheckpointSample.state();
        final int length = encodeSample();
        final MetadataState decoded = new MetadataState(AU_SIZE);
        assertEquals(LSN, CheckpointCodec.decode(out, length, decoded));

        assertEquals(expected.nextNodeId, decoded.nextNodeId);
        assertEquals(expected.nodes.size(), decoded.nodes.size());
        assertSame(decoded.node(MetadataState.ROOT_ID), decoded.root);
        for (final Node want : expected.nodes.values())
        {
            final Node got = decoded.node(want.id);
            final String what = "nodeId=" + want.id;
            assertEquals(want.type, got.type, what);
            assertEquals(want.name, got.name, what);
            assertEquals(want.parentId, got.parentId, what);
            assertEquals(want.createdMs, got.createdMs, what);
            assertEquals(want.updatedMs, got.updatedMs, what);
            assertEquals(want.size, got.size, what);
            assertEquals(want.writtenSize, got.writtenSize, what);
            assertEquals(want.target, got.target, what);
            assertEquals(want.orphan, got.orphan, what);
            assertEquals(want.orphanOwner, got.orphanOwner, what);
            assertEquals(want.extents.runCount(), got.extents.runCount(), what);
            for (int r = 0; r < want.extents.runCount(); r++)
            {
                assertEquals(want.extents.runFileAu(r), got.extents.runFileAu(r), what);
                assertEquals(want.extents.runPhysicalAu(r), got.extents.runPhysicalAu(r), what);
                assertEquals(want.extents.runCount(r), got.extents.runCount(r), what);
            }
            if (want.isDirectory())
            {
                assertEquals(want.children.keySet(), got.children.keySet(), what);
            }
        }
        assertNull(decoded.node(2).children.get("gone"), "an orphan is in no directory");
        assertTrue(decoded.node(5).orphan);
        assertEquals(3, decoded.node(5).orphanOwner);

        for (int id = 0; id < 2; id++)
        {
            final VolumeEntry want = expected.volumes[id];
            final VolumeEntry got = decoded.volumes[id];
            assertEquals(want.id, got.id);
            assertEquals(want.uuid, got.uuid);
            assertEquals(want.auCount, got.auCount);
            assertEquals(want.path, got.path);
            assertEquals(want.space.usedCount(), got.space.usedCount(), "space is rebuilt from the extents");
        }
        assertEquals(2, decoded.volumeList().size());
    }

    @Test
    void shouldEncodeWhatItDecodes()
    {
        final int length = encodeSample();
        final MetadataState decoded = new MetadataState(AU_SIZE);
        CheckpointCodec.decode(out, length, decoded);
        final ExpandableArrayBuffer again = new ExpandableArrayBuffer();
        assertEquals(length, CheckpointCodec.encode(decoded, LSN, again));
        assertEquals(SAMPLE_HEX, hex(again, length));
    }

    @Test
    void shouldRefuseAWrongMagicOrATruncatedHeader()
    {
        final int length = encodeSample();
        assertEquals("checkpoint has a wrong magic or is truncated: length=63",
            decodeFails(CheckpointDescriptor.HEADER_LENGTH - 1).getMessage());
        out.putByte(CheckpointDescriptor.MAGIC_OFFSET, (byte)'X');
        final DssException ex = decodeFails(length);
        assertEquals(ErrorCode.CORRUPT, ex.errorCode());
        assertEquals("checkpoint has a wrong magic or is truncated: length=" + length, ex.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, CheckpointDescriptor.CURRENT_VERSION + 1})
    void shouldRefuseAnUnknownVersionNamingBothNumbers(final int version)
    {
        final int length = encodeSample();
        out.putInt(CheckpointDescriptor.VERSION_OFFSET, version, LITTLE_ENDIAN);
        final DssException ex = decodeFails(length);
        assertEquals(ErrorCode.UNSUPPORTED_VERSION, ex.errorCode());
        assertEquals("unsupported checkpoint version: version=" + version + ", supported=1..1", ex.getMessage());
    }

    @Test
    void shouldRefuseAnotherAuSize()
    {
        final int length = encodeSample();
        out.putInt(CheckpointDescriptor.AU_SIZE_OFFSET, 2 * AU_SIZE, LITTLE_ENDIAN);
        assertEquals("checkpoint AU size differs from the volume header: checkpoint=" + 2 * AU_SIZE + ", header=" +
            AU_SIZE, decodeFails(length).getMessage());
    }

    @Test
    void shouldRefuseALengthThatDisagreesWithTheContent()
    {
        final int length = encodeSample();
        assertEquals("checkpoint length mismatch: decoded=" + length + ", stored=" + (length + 8),
            decodeFails(length + 8).getMessage());
    }

    @Test
    void shouldRefuseANodeBeforeItsParent()
    {
        final int length = encodeSample();
        final int rootAt = CheckpointDescriptor.HEADER_LENGTH + volumeLength("/img/v0") + volumeLength("/img/v1");
        // The node after the root is a child of the root: point it at a parent not yet decoded.
        final int firstChildAt = rootAt + CheckpointDescriptor.NODE_NAME_OFFSET + PrefixedStrings.NAME_PREFIX_LENGTH +
            "data".length() + CheckpointDescriptor.TAIL_LENGTH;
        out.putLong(firstChildAt + CheckpointDescriptor.NODE_PARENT_ID_OFFSET, 99, LITTLE_ENDIAN);
        final String message = decodeFails(length).getMessage();
        assertTrue(message.startsWith("checkpoint node before its parent: nodeId="), message);
        assertTrue(message.endsWith(", parentId=99"), message);
    }

    private static int volumeLength(final String path)
    {
        return CheckpointDescriptor.VOLUME_PATH_OFFSET + PrefixedStrings.TEXT_PREFIX_LENGTH + path.length();
    }
}
