/**
 * The sectors on a volume group's entry volume that instances sharing it arbitrate through, and the kick, for a
 * cluster manager above DSS that must arbitrate on the same disk without reaching into the engine.
 * <p>
 * <b>The sectors.</b> Each is one 512-byte {@link io.respool.dss.format.SectorBlock} (magic, version, CRC32C) alone in
 * its own 4 KiB block, so writing one never rewrites another; a device writes a sector atomically, so a reader sees
 * the old or the new value, never a mix, and a torn or foreign sector reads as invalid, never as a value. All offsets
 * are in {@link io.respool.dss.format.EntryVolumeLayout}.
 * <ul>
 * <li><b>Lease</b> ({@link io.respool.dss.format.DiskLease}, {@code LEASE_AREA_OFFSET}): the SHARE_DISK
 * volume-group lock. Written by its holder (claim, renewal every quarter period, release), and by a kick, which frees
 * the lease of the instance it fenced. Owner {@link io.respool.dss.format.DiskLease#FREE} when free.</li>
 * <li><b>Fence sector</b> of instance <i>i</i> ({@link io.respool.dss.format.FenceSector}, {@code
 * fenceSectorOffset(i)}): written only by whoever fences or lets <i>i</i> back in (kickh, reghl, unreghl); every
 * change raises its generation.</li>
 * <li><b>Member sector</b> of instance <i>i</i> ({@link io.respool.dss.format.MemberSector}, {@code
 * memberSectorOffset(i)}): written only by the process that runs <i>i</i>: registered, its process identity, a heartbeat
 * that rises every 100 ms, and the highest fence generation it has obeyed.</li>
 * </ul>
 * <b>The timing rules a reader may rely on.</b> Liveness is judged only by whether a sector <i>changed</i> over a
 * span of the reader's own clock, never by comparing clocks of two hosts (the ms fields are for display).
 * <ul>
 * <li>A lease whose (owner, generation, heartbeat) stayed the same for one whole lease period may be taken over; its
 * holder stops writing metadata half a period after its last renewal confirmed on disk, or as soon as the sector,
 * read again before each write, no longer holds its claim, and then never writes the sector again
 * ({@link io.respool.dss.arbitration.LeaseWatch}).</li>
 * <li>A member that acknowledged fence generation <i>g</i> ({@code ackedFenceGeneration >= g}) has shut its gate and
 * waited out its writes in flight: nothing it writes reaches the volumes any more.</li>
 * <li>A member whose heartbeat did not change for {@link io.respool.dss.arbitration.Kick#STALE_MS} is unresponsive: it
 * may be paused or hung, and only killing it (or cutting its storage) makes it safe.</li>
 * </ul>
 * Thread-safe where said; nothing here runs a thread or reads a clock: time is passed in.
 */
package io.respool.dss.arbitration;
