package io.respool.common;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

@Timeout(10)
class NodeAddressTest
{
    @Test
    void shouldParseAnIpv4EntryWithBlanksAroundItsParts()
    {
        final NodeAddress address = NodeAddress.parse(" 3 : 127.0.0.1 : 1613 ");

        assertEquals(new NodeAddress(3, "127.0.0.1", 1613), address);
        assertEquals("127.0.0.1:1613", address.endpoint());
        assertEquals("3:127.0.0.1:1613", address.toString());
    }

    @Test
    void shouldParseAnIpv6HostInBracketsAndWriteItBackInBrackets()
    {
        final NodeAddress address = NodeAddress.parse("63:[::1]:65535");

        assertEquals("::1", address.host());
        assertEquals("[::1]:65535", address.endpoint());
        assertEquals(address, NodeAddress.parse(address.toString()));
    }

    @Test
    void shouldRefuseAnInvalidAddressNamingEveryField()
    {
        assertEquals("port out of range 1..65535: id=1, host='h', port=0",
            assertThrows(IllegalArgumentException.class, () -> new NodeAddress(1, "h", 0)).getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''|empty entry (stray comma?)",
        "0:127.0.0.1|expected id:host:port",
        "x:127.0.0.1:1613|node id is not a number: 'x'",
        "64:127.0.0.1:1613|node id out of range 0..63",
        "-1:127.0.0.1:1613|node id out of range 0..63",
        "0:127.0.0.1:0|port out of range 1..65535",
        "0:127.0.0.1:70000|port out of range 1..65535",
        "0:127.0.0.1:p|port is not a number: 'p'",
        "0:::1:1613|IPv6 host must be written in brackets",
        "0:[::1:1613|unbalanced brackets around IPv6 host",
        "0::1613|host is empty or contains blanks",
        "0:a b:1613|host is empty or contains blanks",
    })
    void shouldRefuseAMalformedEntrySayingWhatIsWrong(final String entry, final String problem)
    {
        assertEquals(problem, assertThrows(IllegalArgumentException.class, () -> NodeAddress.parse(entry)).getMessage());
    }
}
