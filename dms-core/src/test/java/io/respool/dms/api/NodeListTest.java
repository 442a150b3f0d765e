package io.respool.dms.api;

import io.respool.common.NodeAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class NodeListTest
{
    @Test
    void shouldParseSeedUrl()
    {
        final NodeList list = NodeList.parse("0:127.0.0.1:1613,1:127.0.0.1:1614");
        assertEquals(2, list.size());
        assertEquals(new NodeAddress(0, "127.0.0.1", 1613), list.node(0));
        assertEquals(new NodeAddress(1, "127.0.0.1", 1614), list.node(1));
        assertEquals(0b11, list.idBitmap());
    }

    @Test
    void shouldParseBlanksAndIpv6AndSparseIds()
    {
        final NodeList list = NodeList.parse(" 3:[::1]:7000 , 63:localhost:7001");
        assertEquals("::1", list.node(3).host());
        assertEquals("[::1]:7000", list.node(3).endpoint());
        assertEquals(7001, list.node(63).port());
        assertNull(list.node(0));
    }

    @Test
    void shouldAcceptSixtyFourNodesAndRefuseSixtyFive()
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 64; i++)
        {
            sb.append(i == 0 ? "" : ",").append(i).append(":127.0.0.1:").append(20000 + i);
        }
        assertEquals(64, NodeList.parse(sb.toString()).size());
        final DmsConfigException ex = assertThrows(DmsConfigException.class,
            () -> NodeList.parse(sb + ",64:127.0.0.1:30000"));
        assertEquals("dms_url has too many nodes: count=65, max=64", ex.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0:127.0.0.1:1613,x:127.0.0.1:1614|entry='x:127.0.0.1:1614', position=1, problem=node id is not a number: 'x'",
        "0:127.0.0.1:1613,,1:127.0.0.1:1614|entry='', position=1, problem=empty entry (stray comma?)",
        "0:127.0.0.1|entry='0:127.0.0.1', position=0, problem=expected id:host:port",
        "64:127.0.0.1:1613|entry='64:127.0.0.1:1613', position=0, problem=node id out of range 0..63",
        "0:127.0.0.1:70000|entry='0:127.0.0.1:70000', position=0, problem=port out of range 1..65535",
        "0:127.0.0.1:1613,0:127.0.0.1:1614|entry='0:127.0.0.1:1614', position=1, problem=duplicate node id 0 (also entry 0)",
        "0:127.0.0.1:1613,1:127.0.0.1:1613|entry='1:127.0.0.1:1613', position=1, problem=duplicate address 127.0.0.1:1613 (also entry 0)",
        "0:::1:1613|entry='0:::1:1613', position=0, problem=IPv6 host must be written in brackets",
        "0::1613|entry='0::1613', position=0, problem=host is empty or contains blanks",
    })
    void shouldNameTheBadEntry(final String url, final String expected)
    {
        final DmsConfigException ex = assertThrows(DmsConfigException.class, () -> NodeList.parse(url));
        assertTrue(ex.getMessage().startsWith("bad dms_url entry: " + expected + "; "), ex.getMessage());
    }

    @Test
    void shouldRefuseEmptyUrl()
    {
        final DmsConfigException ex = assertThrows(DmsConfigException.class, () -> NodeList.parse(" "));
        assertTrue(ex.getMessage().startsWith("dms_url is empty"), ex.getMessage());
    }
}
