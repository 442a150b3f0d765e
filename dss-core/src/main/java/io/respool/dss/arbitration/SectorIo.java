package io.respool.dss.arbitration;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Sector-sized reads and writes on the entry volume, whatever the device needs for them (a direct-I/O device reads
 * and writes whole aligned blocks).
 */
public interface SectorIo
{
    /**
     * Read {@code length} bytes at {@code offset} of the volume into {@code dst} at {@code index}.
     */
    void read(long offset, MutableDirectBuffer dst, int index, int length);

    /**
     * Write {@code length} bytes of {@code src} at {@code index} to {@code offset} of the volume.
     *
     * @param durable flush the 4 KiB block holding it before returning.
     */
    void write(long offset, DirectBuffer src, int index, int length, boolean durable);
}
