package io.respool.cli.dss;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

@Timeout(10)
class UnitsTest
{
    @Test
    void shouldParseSizesWithBinarySuffixes()
    {
        assertEquals(0, Formats.parseSize("0", "length"));
        assertEquals(8192, Formats.parseSize("8192", "length"));
        assertEquals(16L << 20, Formats.parseSize("16M", "length"));
        assertEquals(2L << 40, Formats.parseSize("2t", "length"));
        assertEquals(3, Formats.parseSize("3B", "length"));
        assertEquals("not a size: length=9999999T; give bytes, optionally with K, M, G or T (powers of 1024), " +
            "e.g. 8192 or 16M", assertThrows(CliException.class, () -> Formats.parseSize("9999999T", "length"))
            .getMessage());
        assertThrows(CliException.class, () -> Formats.parseSize("", "length"));
        assertThrows(CliException.class, () -> Formats.parseSize("-1", "length"));
    }

    @Test
    void shouldFormatBytesForPeople()
    {
        assertEquals("512 B", Formats.bytes(512));
        assertEquals("1.5 KiB", Formats.bytes(1536));
        assertEquals("33.0 MiB", Formats.bytes(33L << 20));
        assertEquals("2.0 TiB", Formats.bytes(2L << 40));
    }

    @Test
    void shouldRenderProgressBar()
    {
        assertEquals("cp [###############---------------]  50%  512.0 MiB / 1.0 GiB  256.0 MiB/s",
            ProgressBar.render("cp", 512L << 20, 1L << 30, 2_000_000_000L));
        assertEquals("cp [##############################] 100%  0 B / 0 B  0 B/s",
            ProgressBar.render("cp", 0, 0, 0));
    }

    @Test
    void shouldDumpLikeOpenGaussExamine()
    {
        final byte[] bytes = new byte[20];
        for (int i = 0; i < bytes.length; i++)
        {
            bytes[i] = (byte)(0x41 + i);
        }
        bytes[1] = 0;
        assertEquals("0000000000001000 41 00 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f 50\n" +
            "0000000000001010 51 52 53 54\n", dump('x', bytes, 0x1000));
        assertEquals("0000000000000000 A.CDEFGHIJKLMNOP\n0000000000000010 QRST\n", dump('s', bytes, 0));
        assertEquals("0000000000000000    65 17475 17989 18503 19017 19531 20045 20559\n" +
            "0000000000000010 21073 21587\n", dump('h', bytes, 0));
        assertEquals("0000000000000000  5208208757389197377  5786930140093827657\n", dump('l', bytes, 0));
        assertThrows(CliException.class, () -> HexDump.elementBytes('q'));
    }

    private static String dump(final char format, final byte[] bytes, final long offset)
    {
        final StringBuilder text = new StringBuilder();
        final HexDump dump = new HexDump(text, format, offset);
        dump.append(ByteBuffer.wrap(bytes), bytes.length);
        dump.finish();
        return text.toString();
    }
}
