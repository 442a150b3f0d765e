package io.respool.cli.dss;

import java.nio.ByteBuffer;

/**
 * Where {@code cp} writes to: a new DSS file or a new local file, removed again if the copy fails.
 */
interface CopySink extends AutoCloseable
{
    /**
     * Write all of {@code src} from its position to its limit at {@code position}.
     */
    void write(ByteBuffer src, long position);

    /**
     * Set the final length (the tail may be a hole left by skipped zeros) and make everything durable.
     */
    void finish(long length);

    /**
     * Close and remove the partly written destination; never throws.
     *
     * @return null if nothing is left behind, else what is left and why, for a warning.
     */
    String abort();

    @Override
    void close();
}
