package io.respool.dss.engine;

import io.respool.dss.DssException;
import io.respool.dss.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class FenceGateTest
{
    private final FenceGate gate = new FenceGate();

    @Test
    void shouldLetWritesThroughWhileOpen()
    {
        assertFalse(gate.isClosed());
        assertNull(gate.closedReason());
        assertTrue(gate.tryEnter());
        assertFalse(gate.isDrained());
        gate.enter("second write");
        gate.exit();
        gate.exit();
        assertTrue(gate.isDrained());
    }

    @Test
    void shouldRefuseEveryWriteOnceShutAndSayWhy()
    {
        gate.shut("instance 1 is fenced");

        assertTrue(gate.isClosed());
        assertFalse(gate.tryEnter());
        assertTrue(gate.isDrained(), "a refused write leaves nothing in flight");
        final DssException refused = assertThrows(DssException.class, () -> gate.enter("metadata change"));
        assertEquals(ErrorCode.FENCED, refused.errorCode());
        assertEquals("metadata change refused: instance 1 is fenced", refused.getMessage());
        assertEquals("write refused: instance 1 is fenced", gate.refused("write").getMessage());
    }

    @Test
    void shouldNotBeDrainedUntilEveryWriteThatEnteredBeforeTheShutHasLeft()
    {
        assertTrue(gate.tryEnter());
        assertTrue(gate.tryEnter());

        gate.shut("fenced");

        assertFalse(gate.isDrained());
        gate.exit();
        assertFalse(gate.isDrained());
        gate.exit();
        assertTrue(gate.isDrained());
    }

    @Test
    void shouldLetWritesThroughAgainOnceReopened()
    {
        gate.shut("unregistered");
        gate.shut("kicked by instance 2");
        assertEquals("kicked by instance 2", gate.closedReason());

        gate.open();

        assertFalse(gate.isClosed());
        assertTrue(gate.tryEnter());
        gate.exit();
    }

    @Test
    void shouldBeDrainedOnlyOnceTheWriteThatEnteredBeforeTheShutHasLeft()
    {
        assertTrue(gate.tryEnter());
        gate.shut("fenced");
        for (int i = 0; i < 1000; i++)
        {
            assertFalse(gate.tryEnter());
            assertFalse(gate.isDrained(), "the write that entered before the shut is still in flight");
        }
        gate.exit();
        assertFalse(gate.tryEnter());
        assertTrue(gate.isDrained(), "refused writers leave no count behind");
    }
}
