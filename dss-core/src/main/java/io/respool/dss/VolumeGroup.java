package io.respool.dss;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * An open volume group: an entry volume and further volumes, split into allocation units, holding a directory tree.
 * Paths given to a volume group's methods are relative to its root ({@code "dir/file"}, {@code ""} for the root);
 * use {@link Dss} for {@code +vg/...} paths.
 */
public interface VolumeGroup extends AutoCloseable
{
    String name();

    /**
     * @return allocation unit size in bytes, fixed at creation.
     */
    int auSize();

    /**
     * @return the volumes in id order, the entry volume first.
     */
    List<VolumeInfo> volumes();

    /**
     * @return total usable bytes over all volumes.
     */
    long totalBytes();

    /**
     * @return bytes in free allocation units, reusable at once.
     */
    long freeBytes();

    /**
     * Add a volume (image file or block device) to the group. The volume must not belong to another group.
     */
    VolumeInfo addVolume(Path volumePath);

    /**
     * Remove a volume that holds no data. The entry volume cannot be removed.
     */
    void removeVolume(Path volumePath);

    /**
     * @return this instance's id among those sharing the group ({@code INST_ID}).
     */
    int instanceId();

    /**
     * @return registration, fencing and liveness of every instance that ever joined the group.
     */
    List<InstanceStatus> instances();

    /**
     * Fence instance {@code instanceId} off the group ({@code dsscmd kickh}): from when this returns, none of its
     * data writes or metadata changes reach the volumes; they fail with {@link ErrorCode#FENCED}.
     */
    KickResult kick(int instanceId);

    /**
     * Register this instance ({@code dsscmd reghl}): lift a fence so that it may write again.
     */
    void register();

    /**
     * Unregister this instance ({@code dsscmd unreghl}): it fences itself and stops writing.
     */
    void unregister();

    /**
     * @return how many errors this instance's coordination agent (heartbeat, lease renewal, fence polling) has met
     *         since the volume group was opened; each is logged too. A count that keeps rising means the instance
     *         cannot reach the shared sectors and will lose its lease and be fenced.
     */
    long coordinatorErrors();

    /**
     * Try once to lock bytes {@code [position, position + size)} of file {@code fileId} against every other instance
     * of the group ({@code STORAGE_MODE=SHARE_DISK} file locks; the NIO provider's {@code FileChannel.tryLock}).
     * Shared locks of several instances coexist. The records of an instance that died, left or was fenced are void,
     * and so are those of an instance whose heartbeat this one has seen stand still for the expiry.
     *
     * @param size {@code Long.MAX_VALUE} (or a range past it): to the end of the file, however it grows.
     * @return the lock, or null if another instance that may be alive holds an overlapping one (a holder seen for
     * the first time counts as alive: poll to let a dead one expire).
     * @throws DssException VOLUME_IN_USE if this process is not the instance's member or cannot hold the lease,
     *                      FENCED if the instance is fenced, OUT_OF_SPACE if its slot has no room for another lock.
     */
    FileRangeLock tryLockRange(long fileId, long position, long size, boolean shared);

    /**
     * @return why this group refuses every change and write, if it was opened read-only
     * ({@code InstanceOptions.readOnly}): the damage of its committed redo log, when it has some.
     */
    Optional<String> readOnlyReason();

    /**
     * Verify every on-disk and in-memory metadata structure.
     *
     * @return problems found, empty when the volume group is consistent.
     */
    List<String> check();

    @Override
    void close();
}
