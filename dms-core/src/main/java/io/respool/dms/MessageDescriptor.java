package io.respool.dms;

/**
 * Layout of every DMS message: a fixed 64-byte header, then an optional payload (a page image, a broadcast). Which
 * fields each message uses, and how a node admits a message, is in {@code dms-core/PROTOCOL.md}.
 * Little-endian.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+-------------------------------+
 *  |    Version    |     Type      |             Flags             |
 *  +---------------+---------------+-------------------------------+
 *  |          Source Node          |       Destination Node        |
 *  +-------------------------------+-------------------------------+
 *  |              Membership Version (the epoch)                   |
 *  +---------------------------------------------------------------+
 *  |                   Partition Map Version                       |
 *  +---------------------------------------------------------------+
 *  |                  Request Serial (8 bytes)                     |
 *  +-------------------------------+---------------+---------------+
 *  |        Requester Node         |     Mode      |    Status     |
 *  +-------------------------------+---------------+---------------+
 *  |                       Payload Length                          |
 *  +---------------------------------------------------------------+
 *  |              Resource Id: page or lock (8 bytes)              |
 *  +---------------------------------------------------------------+
 *  |            Seq: directory version of the page (8)             |
 *  +---------------------------------------------------------------+
 *  |                         LSN (8)                               |
 *  +---------------------------------------------------------------+
 *  |               Source Incarnation (8 bytes)                    |
 *  +---------------------------------------------------------------+
 *  |                        Payload ...                           ...
 *  +---------------------------------------------------------------+
 * </pre>
 */
final class MessageDescriptor
{
    /** Version 1: first layout. Version 2: the sender's incarnation where aux (never read) was. */
    static final int CURRENT_VERSION = 2;

    static final int VERSION_OFFSET = 0;
    static final int TYPE_OFFSET = 1;
    static final int FLAGS_OFFSET = 2;
    static final int SOURCE_NODE_OFFSET = 4;
    static final int DESTINATION_NODE_OFFSET = 6;
    static final int MEMBERSHIP_VERSION_OFFSET = 8;
    static final int PARTITION_MAP_VERSION_OFFSET = 12;
    static final int SERIAL_OFFSET = 16;
    static final int REQUESTER_NODE_OFFSET = 24;
    static final int MODE_OFFSET = 26;
    static final int STATUS_OFFSET = 27;
    static final int PAYLOAD_LENGTH_OFFSET = 28;
    static final int RESOURCE_ID_OFFSET = 32;
    static final int SEQ_OFFSET = 40;
    static final int LSN_OFFSET = 48;
    static final int SOURCE_INCARNATION_OFFSET = 56;
    static final int HEADER_LENGTH = 64;

    /** Page image is newer than disk: the sender flushed its WAL up to LSN first. */
    static final int FLAG_DIRTY = 0x1;
    /** The page is shipped from an earlier dirty copy because it has no owner and disk is older. */
    static final int FLAG_EDP_SHIP = 0x2;
    /** Lock request: only if it can be granted at once. */
    static final int FLAG_TRY = 0x4;
    /** Claim: the previous owner keeps an earlier dirty copy. */
    static final int FLAG_HAS_EDP = 0x8;
    /** Grant sent by an owner that no longer held the page. */
    static final int FLAG_OWNER_NO_PAGE = 0x10;
    /** Ask-master: the database's recovery asks, served while the access gate admits recovery only. */
    static final int FLAG_RECOVERY = 0x20;

    /** Status: done / granted. */
    static final int STATUS_OK = 0;
    /** Status: refused (lock held, release not allowed now). */
    static final int STATUS_DENIED = 1;
    /** Status: refused because earlier dirty copies exist; write and clean first. */
    static final int STATUS_DENIED_EDP = 2;
    /** Status (REFORM_ACK): the step is still running here; not silent, not done. */
    static final int STATUS_BUSY = 3;

    /** No node. */
    static final int NO_NODE = 0xFFFF;

    private MessageDescriptor()
    {
    }

    /**
     * @param length length of a received message.
     * @return true if it can hold a header.
     */
    static boolean isLongEnough(final int length)
    {
        return length >= HEADER_LENGTH;
    }
}
