package io.respool.cluster.arbiter;

/**
 * How a node that was removed gets its storage back once a decided view admits it again: DSS {@code reghl}
 * ({@link io.respool.dss.VolumeGroup#register}), which lifts the fence a kick raised on its instance. The arbiter of
 * the admitted node starts it after its first {@link HeartbeatSector#RUNNING} sector landed and publishes the view
 * only once it is {@link Status#DONE}; it is never started by another node, and never before a view holding this
 * node was decided after one that did not (cluster/DESIGN.md, "Rejoin"). Polled, so that the arbiter's duty cycle
 * never blocks on it; {@link VolumeGroupFencer} runs it on its own thread.
 */
public interface StorageAdmission
{
    /**
     * How the admission last started stands.
     */
    enum Status
    {
        /** Started, not ended: poll again. */
        RUNNING,
        /** This node's storage instance is registered: it may write again. */
        DONE,
        /** It could not be registered: the arbiter fences itself (a restart tries again). */
        FAILED
    }

    /** Nothing to register (tests, a storage without fences): done at once. */
    StorageAdmission NONE = new StorageAdmission()
    {
        @Override
        public void start()
        {
        }

        @Override
        public Status poll()
        {
            return Status.DONE;
        }
    };

    /**
     * Start registering this node's storage instance again, unless it is under way.
     */
    void start();

    /**
     * @return how the admission stands.
     */
    Status poll();
}
