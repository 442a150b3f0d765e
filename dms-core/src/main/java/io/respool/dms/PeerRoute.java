package io.respool.dms;

/**
 * How a node reaches one peer, chosen once at start ({@link PeerRoutes}) and kept across restarts of the peer, reforms
 * and reconnections to the media driver.
 */
enum PeerRoute
{
    /** Aeron UDP to the peer's endpoint: a peer on another host, an embedded driver, or {@code transport=udp}. */
    UDP(0),
    /** Aeron IPC through the media driver this host's nodes share, only ({@code transport=ipc}). */
    IPC(1),
    /** Aeron IPC while the peer's IPC stream is connected, else UDP (a peer on this host, {@code transport=auto}). */
    IPC_OR_UDP(2);

    static final PeerRoute[] ROUTES = values();

    private final int code;

    PeerRoute(final int code)
    {
        this.code = StableCodes.check(code, ordinal());
    }

    int code()
    {
        return code;
    }

    /** Whether the node publishes to the peer over IPC. */
    boolean usesIpc()
    {
        return this != UDP;
    }

    /** Whether the node publishes to the peer over UDP. */
    boolean usesUdp()
    {
        return this != IPC;
    }
}
