package io.respool.cluster.agent;

import java.util.function.IntConsumer;

/**
 * Supervises one resource instance on the agent's thread (single writer: only {@link #doWork} changes it). Each
 * call looks at the one script call or action in flight, kills it if it outlived its {@code time_out} by the
 * passed-in clock, and otherwise moves the instance on: check ports, start, check every {@code check_interval},
 * restart an offline instance after {@code restart_delay}, and stop it for good at {@code restart_times} with the
 * reason kept. Every state change goes through {@link #state} and is logged.
 *
 * <p>Unlike {@code cm_agent}, which counts restarts in one loop over all resources and on reaching the limit pins
 * down every local resource, the count and the stop are per instance, and the reason is the instance's own
 * (its exit status and last output line, the port holder), not only "restart more than (5) times".
 */
final class InstanceSupervisor
{
    private enum Pending
    {
        NONE, PORTS, START, CHECK, STOP, CLEAN_ABNORMAL, CLEAN_LIMIT
    }

    private final ResourceDefinition resource;
    private final ResourceInstance instance;
    private final ResourceDriver driver;
    private final PortCheck ports;
    private final AgentLog log;
    private final IntConsumer manualStop;
    private final int stableChecks;

    /** Prefixed to an offline instance's reason while the cluster is paused, and taken off once it resumes. */
    private static final String RESTART_WITHHELD = "restart withheld, the cluster is paused (cmctl resume " +
        "restarts it): ";

    private InstanceState state = InstanceState.INIT;
    private long stateSinceMs;
    private String reason = "";
    private String lastFailure = "";
    private int restarts;
    private boolean restartPending;
    private boolean lastStartCounted;
    private int consecutiveOnline;
    private int lastCheck = -1;
    private long checkTimeouts;
    private long results;
    private long opStartedMs;
    private long lastStartMs = Long.MIN_VALUE / 2;
    private long restartAtMs;
    private long abnormalSinceMs;
    private String abnormalDetail = "";
    private long nextCheckMs;
    private RunningOp op;
    private Pending pending = Pending.NONE;
    private StopMode stopMode = StopMode.FAST;

    /**
     * @param manualStop called with the CM instance id when the restart limit is reached, to write its
     *                   {@code instance_manual_start_<id>} flag file (as CM does).
     */
    InstanceSupervisor(final ResourceDefinition resource, final ResourceInstance instance, final ResourceDriver driver,
        final PortCheck ports, final AgentLog log, final IntConsumer manualStop, final int stableChecks)
    {
        this.resource = resource;
        this.instance = instance;
        this.driver = driver;
        this.ports = ports;
        this.log = log;
        this.manualStop = manualStop;
        this.stableChecks = stableChecks;
    }

    /**
     * @param nowMs       the agent's clock, read once per duty cycle.
     * @param wantRunning false while a flag file asks the instance to be stopped.
     * @param mode        how to stop it then.
     * @return work done (0 when there was nothing to do).
     */
    int doWork(final long nowMs, final boolean wantRunning, final StopMode mode)
    {
        return doWork(nowMs, wantRunning, mode, false);
    }

    /**
     * @param paused true while the cluster is paused ({@code cluster_manual_pause}): an offline instance is not
     *               restarted (a start the operator asks for, a removed stop flag, still is).
     */
    int doWork(final long nowMs, final boolean wantRunning, final StopMode mode, final boolean paused)
    {
        int work = 0;
        if (op != null)
        {
            OpResult result = op.result();
            if (result == null)
            {
                final long limitMs = timeoutMs();
                if (limitMs <= 0 || nowMs - op.startedMs() < limitMs)
                {
                    return 0;
                }
                op.kill();
                result = new OpResult(ScriptExit.TIMEOUT, op.what() + " killed after " + (nowMs - op.startedMs()) +
                    " ms (time_out=" + resource.timeOutS() + "s)");
                log.warn("res(" + resource.name() + ") inst(" + instance.cmInstanceId() + ") " + result.detail());
            }
            final Pending done = pending;
            opStartedMs = op.startedMs();
            op = null;
            pending = Pending.NONE;
            onResult(done, result, nowMs);
            work++;
            if (op != null)
            {
                return work;
            }
        }
        if (!wantRunning)
        {
            return work + toStopped(nowMs, mode);
        }
        switch (state)
        {
            case STOPPED, STOPPING, LIMIT_REACHED ->
            {
                if (state == InstanceState.STOPPING)
                {
                    return work;
                }
                // The flag file is gone (cmctl start): a fresh start with the count cleared, as CM's start -I.
                restarts = 0;
                reason = "";
                state(InstanceState.INIT, nowMs, "manual stop flag removed");
                beginStart(nowMs);
                work++;
            }
            case INIT ->
            {
                beginStart(nowMs);
                work++;
            }
            case STARTING, ONLINE, ABNORMAL ->
            {
                if (nowMs - nextCheckMs >= 0)
                {
                    submit(Pending.CHECK, driver.check(nowMs));
                    work++;
                }
            }
            case WAIT_RESTART ->
            {
                if (paused)
                {
                    work += withholdRestart();
                }
                else if (nowMs - restartAtMs >= 0)
                {
                    reason = reason.replace(RESTART_WITHHELD, "");
                    beginStart(nowMs);
                    work++;
                }
            }
            case PORT_CONFLICT ->
            {
                if (nowMs - nextCheckMs >= 0)
                {
                    submit(Pending.PORTS, ports.check(instance.ports(), nowMs));
                    work++;
                }
            }
            default -> throw new IllegalStateException("unknown state " + state);
        }
        return work;
    }

    private int toStopped(final long nowMs, final StopMode mode)
    {
        switch (state)
        {
            case STOPPED, STOPPING, LIMIT_REACHED ->
            {
                return 0;
            }
            case INIT, PORT_CONFLICT, WAIT_RESTART ->
            {
                if (driver.pid() < 0 && instance.command().size() > 0)
                {
                    state(InstanceState.STOPPED, nowMs, "manual stop flag present");
                    return 1;
                }
            }
            default ->
            {
            }
        }
        stopMode = mode;
        state(InstanceState.STOPPING, nowMs, "manual stop flag present, mode " + mode.name().toLowerCase());
        submit(Pending.STOP, driver.stop(mode, nowMs));
        return 1;
    }

    private void beginStart(final long nowMs)
    {
        if (driver.pid() > 0)
        {
            startNow(nowMs);
            return;
        }
        submit(Pending.PORTS, ports.check(instance.ports(), nowMs));
    }

    private void startNow(final long nowMs)
    {
        lastStartCounted = restartPending;
        if (restartPending)
        {
            restartPending = false;
            restarts++;
            log.info("res(" + resource.name() + ") inst(" + instance.cmInstanceId() + ") has been restart (" + restarts +
                ") times, restart more than (" + resource.restartTimes() + ") time will manually stop.");
        }
        lastStartMs = nowMs;
        state(InstanceState.STARTING, nowMs, "starting");
        submit(Pending.START, driver.start(nowMs));
    }

    private void onResult(final Pending done, final OpResult r, final long nowMs)
    {
        results++;
        switch (done)
        {
            case PORTS -> onPorts(r, nowMs);
            case START -> onStart(r, nowMs);
            case CHECK -> onCheck(r, nowMs);
            case STOP -> state(InstanceState.STOPPED, nowMs, "stopped (" + stopMode.name().toLowerCase() + ")");
            case CLEAN_ABNORMAL -> failure(nowMs, "abnormal for " + resource.abnormalTimeoutS() + " s, cleaned" +
                (abnormalDetail.isEmpty() ? "" : "; last check: " + abnormalDetail));
            case CLEAN_LIMIT -> log.info("res(" + resource.name() + ") inst(" + instance.cmInstanceId() + ") cleaned");
            default -> throw new IllegalStateException("no result expected for " + done);
        }
    }

    private void onPorts(final OpResult r, final long nowMs)
    {
        if (r.exit() == 0)
        {
            if (state == InstanceState.PORT_CONFLICT)
            {
                log.info("res(" + resource.name() + ") inst(" + instance.cmInstanceId() + ") ports are free now");
            }
            startNow(nowMs);
            return;
        }
        nextCheckMs = nowMs + resource.checkIntervalS() * 1000L;
        final String detail = r.exit() == ScriptExit.TIMEOUT ? "port check timed out" : r.detail();
        if (state != InstanceState.PORT_CONFLICT || !detail.equals(reason))
        {
            reason = detail;
            log.warn(detail.startsWith("port ") ? detail.replaceFirst("^port ([^ ]+) .*", "port:$1 already in use.") :
                detail);
            log.keyEvent("KEY_EVENT_PORT_CONFLICT", instance.cmInstanceId(), "res(" + resource.name() + ") not started: " +
                detail);
            state(InstanceState.PORT_CONFLICT, nowMs, detail);
        }
    }

    private void onStart(final OpResult r, final long nowMs)
    {
        nextCheckMs = nowMs + resource.checkIntervalS() * 1000L;
        if (r.exit() == 0)
        {
            return;
        }
        if (r.exit() == ScriptExit.START_DEPEND_NOT_ALIVE)
        {
            // CM does not count this as a restart: wait for the resource it depends on.
            if (lastStartCounted)
            {
                restarts--;
                restartPending = true;
            }
            reason = "a resource it depends on is not alive (start exit 6)";
            restartAtMs = nowMs + Math.max(1, resource.restartDelayS()) * 1000L;
            state(InstanceState.WAIT_RESTART, nowMs, reason);
            return;
        }
        failure(nowMs, "start failed (exit " + r.exit() + ")" + (r.detail().isEmpty() ? "" : ": " + r.detail()));
    }

    private void onCheck(final OpResult r, final long nowMs)
    {
        lastCheck = r.exit();
        // every check_interval from the start of the last check, so a check's own duration does not stretch it;
        // after a check killed at time_out, a whole interval from now, so a hung script is not run back to back
        final long intervalMs = resource.checkIntervalS() * 1000L;
        nextCheckMs = r.exit() == ScriptExit.TIMEOUT ? nowMs + intervalMs : Math.max(opStartedMs + intervalMs, nowMs);
        switch (r.exit())
        {
            case ScriptExit.CHECK_ONLINE ->
            {
                abnormalSinceMs = 0;
                if (state != InstanceState.ONLINE)
                {
                    reason = "";
                    state(InstanceState.ONLINE, nowMs, "online");
                }
                consecutiveOnline++;
                if (restarts > 0 && consecutiveOnline >= stableChecks)
                {
                    restarts = 0;
                    log.info("res(" + resource.name() + ") inst(" + instance.cmInstanceId() + ") restart times clean.");
                }
            }
            case ScriptExit.CHECK_OFFLINE ->
            {
                consecutiveOnline = 0;
                failure(nowMs, driver.failureDetail());
            }
            case ScriptExit.CHECK_ABNORMAL ->
            {
                consecutiveOnline = 0;
                abnormalDetail = r.detail();
                if (abnormalSinceMs == 0)
                {
                    abnormalSinceMs = nowMs;
                    reason = "check says abnormal (3)" + (r.detail().isEmpty() ? "" : ": " + r.detail());
                    state(InstanceState.ABNORMAL, nowMs, reason);
                }
                else if (nowMs - abnormalSinceMs >= resource.abnormalTimeoutS() * 1000L)
                {
                    abnormalSinceMs = 0;
                    submit(Pending.CLEAN_ABNORMAL, driver.clean(nowMs));
                }
            }
            default ->
            {
                // unknown (2), timeout (137), failed: no verdict; the state stays and query shows Unknown.
                consecutiveOnline = 0;
                if (r.exit() == ScriptExit.TIMEOUT)
                {
                    checkTimeouts++;
                }
                log.warn("res(" + resource.name() + ") inst(" + instance.cmInstanceId() + ") check " +
                    ScriptExit.checkName(r.exit()) + (r.detail().isEmpty() ? "" : ": " + r.detail()));
            }
        }
    }

    private void failure(final long nowMs, final String detail)
    {
        lastFailure = detail;
        if (resource.restartTimes() >= 0 && restarts >= resource.restartTimes())
        {
            reason = "restart limit reached: restarted " + restarts + " times (restart_times=" + resource.restartTimes() +
                "); last failure: " + detail;
            log.info("res(" + resource.name() + ") inst(" + instance.cmInstanceId() + ") is offline, but restart times (" +
                restarts + ") >= limit (" + resource.restartTimes() + "), can't do restart again, will do manually stop.");
            log.keyEvent("KEY_EVENT_RES_RESTART_LIMIT", instance.cmInstanceId(), "res(" + resource.name() +
                ") manually stopped: " + reason);
            state(InstanceState.LIMIT_REACHED, nowMs, reason);
            manualStop.accept(instance.cmInstanceId());
            submit(Pending.CLEAN_LIMIT, driver.clean(nowMs));
            return;
        }
        reason = "offline: " + detail;
        restartPending = true;
        log.info("res(" + resource.name() + ") inst(" + instance.cmInstanceId() + ") is offline: " + detail);
        restartAtMs = Math.max(nowMs + resource.restartDelayS() * 1000L, lastStartMs + resource.restartPeriodS() * 1000L);
        state(InstanceState.WAIT_RESTART, nowMs, reason);
    }

    private int withholdRestart()
    {
        if (reason.startsWith(RESTART_WITHHELD))
        {
            return 0;
        }
        reason = RESTART_WITHHELD + reason;
        log.keyEvent("KEY_EVENT_RES_RESTART_WITHHELD", instance.cmInstanceId(), "res(" + resource.name() + ") " +
            reason);
        return 1;
    }

    private long timeoutMs()
    {
        if (pending == Pending.STOP && stopMode == StopMode.SMART)
        {
            return 0;
        }
        return resource.timeOutS() * 1000L;
    }

    private void submit(final Pending kind, final RunningOp running)
    {
        pending = kind;
        op = running;
    }

    private void state(final InstanceState next, final long nowMs, final String why)
    {
        if (next != state)
        {
            log.info("res(" + resource.name() + ") inst(" + instance.cmInstanceId() + ") state " + state + " -> " + next +
                ": " + why);
            state = next;
            stateSinceMs = nowMs;
        }
    }

    ResourceDefinition resource()
    {
        return resource;
    }

    ResourceInstance instance()
    {
        return instance;
    }

    InstanceState state()
    {
        return state;
    }

    long stateSinceMs()
    {
        return stateSinceMs;
    }

    String reason()
    {
        return reason;
    }

    String lastFailure()
    {
        return lastFailure;
    }

    int restarts()
    {
        return restarts;
    }

    int lastCheck()
    {
        return lastCheck;
    }

    long checkTimeouts()
    {
        return checkTimeouts;
    }

    /**
     * @return how many script calls or actions have ended so far: a reader sees from a change that the state is
     * a new verdict, not an old one (cmctl start after the port was freed).
     */
    long results()
    {
        return results;
    }

    long pid()
    {
        return driver.pid();
    }
}
