package io.respool.dms;

import io.respool.dms.api.DmsContext;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

import java.util.concurrent.TimeUnit;

/**
 * Idle strategies by name. On 2 cores busy spinning more threads than cores collapses latency to milliseconds;
 * see {@link DmsContext#IDLE_STRATEGY_DEFAULT}.
 */
final class IdleStrategies
{
    private IdleStrategies()
    {
    }

    static IdleStrategy create(final String name)
    {
        return switch (name)
        {
            case "yield" -> new YieldingIdleStrategy();
            case "backoff" -> new BackoffIdleStrategy();
            case "sleep" -> new SleepingIdleStrategy(TimeUnit.MICROSECONDS.toNanos(100));
            case "sleep-1ms" -> new SleepingIdleStrategy(TimeUnit.MILLISECONDS.toNanos(1));
            case "busy" -> new BusySpinIdleStrategy();
            default ->
            {
                DmsContext.checkIdleStrategy(name);
                throw new IllegalStateException("unreachable");
            }
        };
    }
}
