package io.respool.dss;

/**
 * One instance's place in a shared volume group, as {@code dsscmd getstatus} and {@code inq_reg} show it.
 *
 * @param instanceId  {@code INST_ID}.
 * @param registered  registered: allowed to write (openGauss: its reservation key is on the volumes).
 * @param fenced      kicked off ({@code kickh}) or unregistered, and not registered again since.
 * @param fenceAcked  the running process confirmed that none of its writes can reach the volumes any more.
 * @param pid         process running the instance, 0 if none.
 * @param alive       that process heartbeated recently.
 * @param heartbeatAgeMs ms since its last heartbeat by this host's clock (only meaningful on one host), -1 if none.
 * @param holdsVgLock it holds the volume-group lock now.
 */
public record InstanceStatus(int instanceId, boolean registered, boolean fenced, boolean fenceAcked, int pid,
    boolean alive, long heartbeatAgeMs, boolean holdsVgLock)
{
    /**
     * @return the {@code inq_reg} exit status of openGauss: 2 registered, 1 partly (a kick not yet obeyed),
     * 0 not registered.
     */
    public int inquiryResult()
    {
        if (fenced)
        {
            return fenceAcked || !alive ? 0 : 1;
        }
        return registered ? 2 : 0;
    }
}
