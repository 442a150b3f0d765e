package io.respool.cluster.agent;

/**
 * How the agent acts on one resource instance: through CM's script interface ({@link ScriptDriver}) or, for the
 * node process, by running its command line itself ({@link CommandDriver}). Every call returns at once; the work
 * goes on in a {@link RunningOp} the supervisor polls and may kill.
 */
interface ResourceDriver
{
    RunningOp start(long nowMs);

    RunningOp check(long nowMs);

    RunningOp stop(StopMode mode, long nowMs);

    RunningOp clean(long nowMs);

    /**
     * @return the pid of the instance's main process, or -1 if not known (a script resource) or not running.
     */
    long pid();

    /**
     * @return why the instance's last run ended, as far as the driver knows (exit status, last output line).
     */
    String failureDetail();
}
