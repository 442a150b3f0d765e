package io.respool.examples.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The events of a failover as the launcher records them from node 1's lines: only those after the fault, except a
 * suspicion of node 0 that stands at the fault (a renewal late under load just then), which is the failover's own.
 */
class FaultRunTest
{
    private final FakeTarget primary = new FakeTarget();
    private final PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    private final FaultRun run = new FaultRun(Fault.KILL9, 10, Path.of("unused"), out);

    @Test
    void shouldTakeASuspicionStandingAtTheFaultAsTheFailoversOwn()
    {
        run.primary(primary);
        run.onStandbyLine("EVENT suspected 1000 node 0: disk heartbeat unchanged for 208 ms (counter 422)");
        run.onPrimaryLine(ClusterNode.ACKED_PREFIX + "10 4096");

        assertEquals(List.of("KILL"), primary.signals);
        final FailoverEvents.Event suspected = run.event(FailoverEvents.SUSPECTED);
        assertEquals(run.faultWallMs(), suspected.wallMs());
        assertTrue(suspected.detail().startsWith("standing since before the fault: node 0"), suspected.detail());
    }

    @Test
    void shouldIgnoreASuspicionClearedBeforeTheFault()
    {
        run.primary(primary);
        run.onStandbyLine("EVENT suspected 1000 node 0: disk heartbeat unchanged for 208 ms (counter 422)");
        run.onStandbyLine("EVENT suspicion-cleared 1100 node 0: disk heartbeat changed again (counter 423)");
        run.onStandbyLine("EVENT confirmed 1200 too early to be this failover's");
        run.onPrimaryLine(ClusterNode.ACKED_PREFIX + "10 4096");

        assertNull(run.event(FailoverEvents.SUSPECTED));
        assertNull(run.event(FailoverEvents.CONFIRMED));
        final long afterFault = run.faultWallMs() + 5;
        run.onStandbyLine("EVENT suspected " + afterFault + " node 0: disk heartbeat unchanged for 200 ms");
        assertEquals(afterFault, run.event(FailoverEvents.SUSPECTED).wallMs());
    }

    @Test
    void shouldMakeTheOutOfMemoryFaultByCreatingTheTriggerFileNotBySignal(@TempDir final Path dir)
    {
        final Path trigger = dir.resolve("node0.exhaust-heap");
        final FaultRun oom = new FaultRun(Fault.parse("oom"), 10, trigger, out);
        oom.primary(primary);
        oom.onPrimaryLine(ClusterNode.ACKED_PREFIX + "9 4000");
        assertFalse(Files.exists(trigger), "not before the commit count");
        oom.onPrimaryLine(ClusterNode.ACKED_PREFIX + "10 4096");

        assertTrue(Files.exists(trigger));
        assertEquals(List.of(), primary.signals);
        assertEquals(10, oom.ackedBeforeFault());
        assertNull(oom.failure());
        oom.onPrimaryLine(ClusterNode.ACKED_PREFIX + "11 4200");
        assertNull(oom.failure(), "made once: a second creation would fail");
        assertEquals(trigger, HeapExhaustion.triggerFile(dir.resolve("node0.report"), 0), "the node looks beside its report");
    }

    private static final class FakeTarget implements FaultTarget
    {
        final List<String> signals = new ArrayList<>();

        @Override
        public long pid()
        {
            return 4242;
        }

        @Override
        public boolean isAlive()
        {
            return true;
        }

        @Override
        public void signal(final String signal)
        {
            signals.add(signal);
        }
    }
}
