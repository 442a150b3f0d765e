/**
 * Block devices: image files memory-mapped through JNA and raw block devices read and written with direct I/O.
 */
package io.respool.blockdev;
