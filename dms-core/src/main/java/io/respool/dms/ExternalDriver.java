package io.respool.dms;

import io.aeron.CncFileDescriptor;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.TimeUnit;

/**
 * What a node needs to know of an external media driver from its CnC file: its pid and how long it keeps a silent
 * client's resources. A node that dies leaves its subscription, and so its UDP port, to the driver until that
 * client liveness timeout ends; a restart in the meantime finds the port held by the driver, and the port conflict
 * must say so rather than ask the operator to stop a driver other nodes use.
 *
 * @param directory               the driver's Aeron directory.
 * @param pid                     the driver's process id.
 * @param clientLivenessTimeoutNs how long the driver waits for a silent client before freeing what it held.
 */
record ExternalDriver(String directory, long pid, long clientLivenessTimeoutNs)
{
    /**
     * @param directory an Aeron directory.
     * @return the driver's facts, or null if no readable CnC file of this Aeron version is there (the caller then
     *     gives its general advice).
     */
    static ExternalDriver read(final String directory)
    {
        final File cnc = new File(directory, CncFileDescriptor.CNC_FILE);
        if (!cnc.isFile() || cnc.length() < CncFileDescriptor.END_OF_METADATA_OFFSET)
        {
            return null;
        }
        MappedByteBuffer mapped = null;
        try
        {
            mapped = IoUtil.mapExistingFile(cnc, FileChannel.MapMode.READ_ONLY, "cnc", 0,
                CncFileDescriptor.END_OF_METADATA_OFFSET);
            final UnsafeBuffer metaData = CncFileDescriptor.createMetaDataBuffer(mapped);
            // Aeron's own rule: any version with this client's major version (throws otherwise, caught below)
            CncFileDescriptor.checkVersion(metaData.getIntVolatile(CncFileDescriptor.cncVersionOffset(0)));
            return new ExternalDriver(cnc.getParentFile().getAbsolutePath(), CncFileDescriptor.pid(metaData),
                CncFileDescriptor.clientLivenessTimeoutNs(metaData));
        }
        catch (final RuntimeException ex)
        {
            return null;
        }
        finally
        {
            IoUtil.unmap(mapped);
        }
    }

    /**
     * @return what to do when this driver holds a node's port.
     */
    String holdsPortAdvice()
    {
        final long timeoutMs = TimeUnit.NANOSECONDS.toMillis(clientLivenessTimeoutNs);
        return "the holding process runs the external media driver (pid=" + pid + ", aeron.dir=" + directory +
            "), which may hold the port for one of its clients: a node on this port that died less than the " +
            "driver's client liveness timeout (" + timeoutMs + " ms) ago, which the driver frees when that timeout " +
            "ends, or another live client subscribed to this port; retry after " + timeoutMs + " ms, or stop that " +
            "client";
    }
}
