package io.respool.cluster.agent;

/**
 * The exit codes of CM's resource script interface ({@code include/cm/cm_misc_res.h} in openGauss CM), which our
 * scripts and the agent keep, so a script written for {@code cm_agent} works here unchanged.
 */
public final class ScriptExit
{
    /** {@code -check}: running. */
    public static final int CHECK_ONLINE = 0;
    /** {@code -check}: not running; the agent restarts it. */
    public static final int CHECK_OFFLINE = 1;
    /** {@code -check}: cannot tell. */
    public static final int CHECK_UNKNOWN = 2;
    /** {@code -check}: running but unhealthy; cleaned after {@code abnormal_timeout}. */
    public static final int CHECK_ABNORMAL = 3;
    /** Any call killed at its {@code time_out} (SIGKILL, as {@code timeout -s SIGKILL}). */
    public static final int TIMEOUT = 137;
    /** Any call that could not be run. */
    public static final int FAILED = 255;
    /** {@code -start}: a resource it depends on is not alive; not counted as a restart. */
    public static final int START_DEPEND_NOT_ALIVE = 6;
    /** {@code -isreg}: not registered (fenced out). */
    public static final int ISREG_UNREG = 0;
    /** {@code -isreg}: partly registered. */
    public static final int ISREG_PENDING = 1;
    /** {@code -isreg}: registered. */
    public static final int ISREG_REG = 2;
    /** {@code -isreg}: the resource has no fence of its own. */
    public static final int ISREG_NOT_SUPPORTED = 11;

    private ScriptExit()
    {
    }

    /**
     * @param code a {@code -check} exit code.
     * @return its CM name.
     */
    public static String checkName(final int code)
    {
        return switch (code)
        {
            case CHECK_ONLINE -> "online";
            case CHECK_OFFLINE -> "offline";
            case CHECK_UNKNOWN -> "unknown";
            case CHECK_ABNORMAL -> "abnormal";
            case TIMEOUT -> "timeout";
            default -> "failed(" + code + ")";
        };
    }
}
