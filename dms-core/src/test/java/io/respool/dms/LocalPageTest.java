package io.respool.dms;

import io.respool.dms.api.LockMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LocalPageTest
{
    private final LocalPage lp = new LocalPage(7);

    @Test
    void shouldGoThroughTheRequestStatesAndClearTheSerialWhenIdle()
    {
        lp.request(LocalPage.Request.ISSUED, "test");
        lp.requestSerial = 42;
        assertTrue(lp.awaits(42));
        lp.request(LocalPage.Request.SENT, "test");
        assertTrue(lp.awaits(42));
        assertFalse(lp.awaits(41));

        lp.request(LocalPage.Request.IDLE, "answered");
        assertEquals(0, lp.requestSerial);
        assertFalse(lp.awaits(42), "an answer must not match a finished request");
        assertFalse(lp.awaits(0), "nor serial 0 an idle one");
    }

    @Test
    void shouldRefuseARequestTransitionThatSkipsOrRepeatsAState()
    {
        final AssertionError skip = assertThrows(AssertionError.class,
            () -> lp.request(LocalPage.Request.SENT, "test"));
        assertTrue(skip.getMessage().startsWith("request cannot go IDLE -> SENT: LocalPage{pageId=7"),
            skip.getMessage());
        assertThrows(AssertionError.class, () -> lp.request(LocalPage.Request.IDLE, "test"));
    }

    @Test
    void shouldKeepThePageUnlatchableWhileAReleaseIsOut()
    {
        lp.mode = LockMode.S;
        assertTrue(lp.canLatch(LockMode.S));
        lp.release(LocalPage.Release.ISSUED, "test");
        assertTrue(lp.isReleasing());
        assertFalse(lp.canLatch(LockMode.S));
        lp.release(LocalPage.Release.SENT, "test");
        assertFalse(lp.isReleaseAnswered());
        lp.release(LocalPage.Release.DENIED, "kept");
        assertTrue(lp.isReleaseAnswered());
        assertTrue(lp.canLatch(LockMode.S));
        assertThrows(AssertionError.class, () -> lp.release(LocalPage.Release.SENT, "test"));
        lp.release(LocalPage.Release.ISSUED, "again");
        assertEquals(LocalPage.Release.ISSUED, lp.release);
    }

    @Test
    void shouldKeepThePageUnlatchableWhileARevokeIsDeferred()
    {
        lp.mode = LockMode.X;
        lp.revoke(LocalPage.Revoke.ASK_OWNER, "test");
        assertFalse(lp.canLatch(LockMode.S));
        assertTrue(lp.blocksRevoke(LocalPage.Revoke.INVALIDATE, LockMode.NULL) == lp.latched());
        lp.revoke(LocalPage.Revoke.NONE, "carried out");
        assertTrue(lp.canLatch(LockMode.X));
    }
}
