package io.respool.bench.dms;

import io.respool.dms.AeronSetup;
import io.respool.dms.api.DmsContext;
import org.agrona.CloseHelper;
import org.agrona.concurrent.IdleStrategy;

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
 * MES's own work. Two ways of waiting, because a blocked {@code read} pays a thread wake-up on each end of every
 * round trip, which on a loaded or idle-halting guest costs more than the transfer, while the Aeron floors spin:
 * <ul>
 *   <li>{@link Mode#BLOCKING}: both ends sleep in {@code read}, as a receive thread on a selector or socket does.</li>
 *   <li>{@link Mode#POLLING}: non-blocking channels, both ends poll {@code read} and idle between polls with the
 *   nodes' default idle strategy, the shape of the Aeron echoes: the lowest a TCP transport could go.</li>
 * </ul>
 */
final class TcpEcho implements AutoCloseable
{
    /** How both ends wait for data. */
    enum Mode
    {
        BLOCKING("raw-tcp-echo"), POLLING("raw-tcp-poll-echo");

        /** Name of the echo end's thread, for pinning. */
        final String roleName;

        Mode(final String roleName)
        {
            this.roleName = roleName;
        }
    }

    private final int length;
    private final Mode mode;
    private final IdleStrategy pingIdle;
    private final ServerSocketChannel server;
    private final SocketChannel ping;
    private final ByteBuffer pingBuffer;
    private final Thread echoThread;
    private volatile Throwable echoFailure;

    TcpEcho(final Mode mode, final int length) throws IOException
    {
        this.length = length;
        this.mode = mode;
        this.pingIdle = idleStrategy();
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
            client.configureBlocking(mode == Mode.BLOCKING);
            pong.configureBlocking(mode == Mode.BLOCKING);
        }
        catch (final IOException | RuntimeException ex)
        {
            CloseHelper.quietCloseAll(pong, client, server);
            throw ex;
        }
        ping = client;
        final SocketChannel echoEnd = pong;
        echoThread = new Thread(() -> echo(echoEnd), mode.roleName);
        echoThread.setDaemon(true);
        echoThread.start();
    }

    /**
     * Send one message and wait, blocked in or polling {@code read}, for all of its echo.
     */
    void roundTrip()
    {
        try
        {
            pingBuffer.clear();
            writeFully(ping, pingBuffer, pingIdle);
            pingBuffer.clear();
            readFully(ping, pingBuffer, pingIdle);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("TCP echo failed: echoFailure=" + echoFailure, ex);
        }
    }

    private void echo(final SocketChannel pong)
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(length);
        final IdleStrategy idle = idleStrategy();
        try (pong)
        {
            while (true)
            {
                buffer.clear();
                readFully(pong, buffer, idle);
                buffer.flip();
                writeFully(pong, buffer, idle);
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

    /** The nodes' default idle strategy; a blocking channel never returns 0 bytes, so it never idles. */
    private static IdleStrategy idleStrategy()
    {
        return AeronSetup.idleStrategy(new DmsContext());
    }

    private static void readFully(final SocketChannel channel, final ByteBuffer buffer, final IdleStrategy idle)
        throws IOException
    {
        while (buffer.hasRemaining())
        {
            final int read = channel.read(buffer);
            if (read < 0)
            {
                throw new EOFException("TCP echo peer closed: read " + buffer.position() + " of " + buffer.limit());
            }
            idle.idle(read);
        }
    }

    private static void writeFully(final SocketChannel channel, final ByteBuffer buffer, final IdleStrategy idle)
        throws IOException
    {
        while (buffer.hasRemaining())
        {
            idle.idle(channel.write(buffer));
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
