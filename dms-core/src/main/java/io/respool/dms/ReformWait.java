package io.respool.dms;

import io.respool.dms.api.DmsErrorCode;
import io.respool.dms.api.DmsException;
import io.respool.dms.api.MembershipSource;
import io.respool.dms.api.MembershipView;
import io.respool.dms.api.ReformState;

import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * An application thread's wait for reforms to end, polling the state the agent publishes.
 */
final class ReformWait
{
    private ReformWait()
    {
    }

    /**
     * @param source   the node's membership source.
     * @param until    what the served view must also satisfy.
     * @param timeoutNs how long to wait.
     * @return true once the newest known view is served, stable, and satisfies {@code until}.
     * @throws DmsException if the node was stopped or the reform failed.
     */
    static boolean await(final NodeServices services, final Reform reform, final MembershipSource source,
        final Predicate<MembershipView> until, final long timeoutNs)
    {
        final long deadlineNs = System.nanoTime() + timeoutNs;
        while (true)
        {
            services.checkOpen();
            final ReformState state = reform.state();
            if (state == ReformState.FAILED)
            {
                throw new DmsException(DmsErrorCode.REFORM_FAILED, reform.failure());
            }
            final MembershipView served = reform.served();
            final MembershipView latest = reform.latest();
            // the source's view too: the agent may not have taken in a view the source published just now
            if (state == ReformState.STABLE && served != null && served.version() == latest.version() &&
                served.version() >= source.current().version() && until.test(served))
            {
                return true;
            }
            if (deadlineNs - System.nanoTime() <= 0)
            {
                return false;
            }
            LockSupport.parkNanos(1_000_000L);
            if (Thread.interrupted())
            {
                Thread.currentThread().interrupt();
                throw new DmsException(DmsErrorCode.INTERRUPTED, "interrupted while waiting for a reform");
            }
        }
    }
}
