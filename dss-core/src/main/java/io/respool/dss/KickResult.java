package io.respool.dss;

/**
 * How a kick ({@code dsscmd kickh}) ended.
 */
public enum KickResult
{
    /** The instance's process confirmed it stopped writing: nothing of it reaches the volumes from now on. */
    ACKNOWLEDGED,
    /** No process runs the instance: it is fenced for when one starts. */
    NOT_RUNNING,
    /** Its process on this host did not confirm in time (paused?) and was killed, and has exited. */
    KILLED,
    /**
     * Its process on another host did not confirm in time: its writes are refused once it looks, but one already in
     * flight could still land. Only storage-side fencing (SCSI-3 persistent reservations) closes that window.
     */
    UNCONFIRMED
}
