package io.respool.bench.dms;

import org.agrona.CloseHelper;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * The raw TCP loopback floor: an 8 KiB message echoed over one connection on 127.0.0.1 (a port the kernel picks),
 * plain blocking {@code java.nio} {@link SocketChannel}s with {@code TCP_NODELAY} on both ends and direct buffers, so
 * nothing is copied in Java. The echo end is a thread of its own that reads the whole message and writes it back;
 * the ping end is the calling thread. This is the transport openGauss's MES uses between nodes, without any of
 * MES's own work.
 */
final class TcpEcho implements AutoCloseable
{
    /** Name of the echo end's thread, for pinning. */
    static final String ROLE_NAME = "raw-tcp-echo";

    private final int length;
    private final ServerSocketChannel server;
    private final SocketChannel ping;
    private final ByteBuffer pingBuffer;
    private final Thread echoThread;
    private volatile Throwable echoFailure;

    TcpEcho(final int length) throws IOException
    {
        this.length = length;
        this.pingBuffer = ByteBuffer.allocateDirect(length);
        server = ServerSocketChannel.open();
        SocketChannel client = null;
        SocketChannel pong = null;
        try
        {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            client = SocketChannel.open(server.getLocalAddress());
            client.setOption(StandardSocketOptions.TCP_NODELAY, true);
            pong = server.accept();
            pong.setOption(StandardSocketOptions.TCP_NODELAY, true);
        }
        catch (final IOException | RuntimeException ex)
        {
            CloseHelper.quietCloseAll(pong, client, server);
            throw ex;
        }
        ping = client;
        final SocketChannel echoEnd = pong;
        echoThread = new Thread(() -> echo(echoEnd), ROLE_NAME);
        echoThread.setDaemon(true);
        echoThread.start();
    }

    /**
     * Send one message and wait, blocked in {@code read}, for all of its echo.
     */
    void roundTrip()
    {
        try
        {
            pingBuffer.clear();
            writeFully(ping, pingBuffer);
            pingBuffer.clear();
            readFully(ping, pingBuffer);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("TCP echo failed: echoFailure=" + echoFailure, ex);
        }
    }

    private void echo(final SocketChannel pong)
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(length);
        try (pong)
        {
            while (true)
            {
                buffer.clear();
                readFully(pong, buffer);
                buffer.flip();
                writeFully(pong, buffer);
            }
        }
        catch (final EOFException | ClosedChannelException ex)
        {
            // the ping end closed: the echo is over
        }
        catch (final IOException ex)
        {
            echoFailure = ex;
        }
    }

    private static void readFully(final SocketChannel channel, final ByteBuffer buffer) throws IOException
    {
        while (buffer.hasRemaining())
        {
            if (channel.read(buffer) < 0)
            {
                throw new EOFException("TCP echo peer closed: read " + buffer.position() + " of " + buffer.limit());
            }
        }
    }

    private static void writeFully(final SocketChannel channel, final ByteBuffer buffer) throws IOException
    {
        while (buffer.hasRemaining())
        {
            channel.write(buffer);
        }
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(ping, server);
        try
        {
            echoThread.join(TimeUnit.NANOSECONDS.toMillis(BenchNodes.TIMEOUT_NS));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
