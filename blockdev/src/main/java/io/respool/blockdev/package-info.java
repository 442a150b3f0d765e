/**
 * Block devices: image files and raw block devices behind one {@link io.respool.blockdev.BlockDevice} interface,
 * opened with {@link io.respool.blockdev.BlockDevices}; memory-mapped through JNA by default for image files and
 * read and written with {@code O_DIRECT} by default for block devices.
 */
package io.respool.blockdev;
