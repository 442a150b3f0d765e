package io.respool.cluster.agent;

/**
 * One node's heartbeat sector as read from the cluster area.
 *
 * @param nodeId      the arbiter's node id (the DN instance's {@code res_instance_id}).
 * @param written     false when the sector was never written (blank), or is torn or corrupt ({@link #problem}).
 * @param selfFenced  the node wrote that it fenced itself.
 * @param incarnation random per start of the node.
 * @param counter     rises by one per renewal.
 * @param viewVersion the latest view version the node knows.
 * @param problem     why the sector is not usable, "" if it is or is simply blank.
 */
public record HeartbeatReading(int nodeId, boolean written, boolean selfFenced, long incarnation, long counter,
    long viewVersion, String problem)
{
    /**
     * @param later the same node's sector read later.
     * @return true if the node renewed in between (its counter or incarnation changed); a torn read proves nothing.
     */
    public boolean renewedBy(final HeartbeatReading later)
    {
        return written && later.written && (later.counter != counter || later.incarnation != incarnation);
    }
}
