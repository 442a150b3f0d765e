package io.respool.cli.dss;

import java.nio.ByteBuffer;

/**
 * Where {@code cp} reads from: a DSS file or a local file.
 */
interface CopySource extends AutoCloseable
{
    /**
     * @return the length in bytes when the copy starts.
     */
    long size();

    /**
     * Read into {@code dst} from its position towards its limit, starting at {@code position}.
     *
     * @return bytes read, -1 at end of file.
     */
    int read(ByteBuffer dst, long position);

    @Override
    void close();
}
