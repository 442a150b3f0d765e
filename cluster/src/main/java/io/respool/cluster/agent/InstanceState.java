package io.respool.cluster.agent;

/**
 * The supervisor's states for one resource instance, with the words {@code query} shows for each: the Datanode
 * State's dynamic role and db state, and the Defined Resource State (CM's words).
 */
public enum InstanceState
{
    /** Not yet acted on. */
    INIT(0, "Down", "Unknown", "OffLine"),
    /** Ports checked free, started, waiting for its first online check. */
    STARTING(1, "Pending", "Starting", "OffLine"),
    /** Checked online. */
    ONLINE(2, "", "Normal", "OnLine"),
    /** Went offline; restarted after {@code restart_delay}. */
    WAIT_RESTART(3, "Down", "Starting", "OffLine"),
    /** A port it needs is held by another process; not started, re-checked each {@code check_interval}. */
    PORT_CONFLICT(4, "Down", "Port conflicting", "OffLine"),
    /** {@code restart_times} reached: stopped for good with its reason, until {@code cmctl start}. */
    LIMIT_REACHED(5, "Down", "Manually stopped", "OffLine"),
    /** Being stopped because of a flag file. */
    STOPPING(6, "Down", "Manually stopped", "OffLine"),
    /** Stopped because of a flag file ({@code cmctl stop}). */
    STOPPED(7, "Down", "Manually stopped", "OffLine"),
    /** Checked abnormal (3); cleaned and restarted after {@code abnormal_timeout}. */
    ABNORMAL(8, "", "Need repair", "Unknown");

    private final int code;
    private final String dynamicRole;
    private final String dbState;
    private final String resourceState;

    InstanceState(final int code, final String dynamicRole, final String dbState, final String resourceState)
    {
        if (code != ordinal())
        {
            throw new IllegalStateException("code must equal ordinal: " + name());
        }
        this.code = code;
        this.dynamicRole = dynamicRole;
        this.dbState = dbState;
        this.resourceState = resourceState;
    }

    public int code()
    {
        return code;
    }

    /**
     * @return the Datanode State's dynamic role, or "" when the node reports its own (Primary, Standby...).
     */
    public String dynamicRole()
    {
        return dynamicRole;
    }

    public String dbState()
    {
        return dbState;
    }

    public String resourceState()
    {
        return resourceState;
    }
}
