package io.respool.dms.api;

/**
 * One version of the cluster's membership, as a cluster manager decides it: who is in, who runs a reform, who
 * writes. DMS does not elect anyone or decide who is dead; it is given views by a {@link MembershipSource}.
 *
 * @param version  the view's version (the membership epoch): strictly increasing from one view to the next, and
 *                 stamped on every message, so that a message of an older epoch is dropped on arrival.
 * @param members  bitmap of the member node ids (bit {@code id} set), a subset of the nodes in {@code dms_url}.
 * @param reformer the member that runs the reform into this view.
 * @param primary  the member that writes, in openGauss's one-writer mode.
 */
public record MembershipView(int version, long members, int reformer, int primary)
{
    /**
     * @throws DmsConfigException if the version is not positive, the set is empty, or the reformer or the primary
     *                            is not a member.
     */
    public MembershipView
    {
        if (version < 1)
        {
            throw new DmsConfigException("membership view version must be >= 1: version=" + version);
        }
        if (members == 0)
        {
            throw new DmsConfigException("membership view has no members: version=" + version);
        }
        if (!isMember(members, reformer))
        {
            throw new DmsConfigException("reformer is not a member: version=" + version + ", reformer=" +
                reformer + ", members=" + describe(members));
        }
        if (!isMember(members, primary))
        {
            throw new DmsConfigException("primary is not a member: version=" + version + ", primary=" +
                primary + ", members=" + describe(members));
        }
    }

    /**
     * Every node of the list a member, as DMS has always run: the lowest id reforms, and writes unless
     * {@code primary} says otherwise.
     *
     * @param version the view's version.
     * @param nodes   the nodes of {@code dms_url}.
     * @param primary the primary, or -1 for the lowest id.
     * @return the view.
     */
    public static MembershipView allOf(final int version, final NodeList nodes, final int primary)
    {
        final long members = nodes.idBitmap();
        final int lowest = Long.numberOfTrailingZeros(members);
        return new MembershipView(version, members, lowest, primary == -1 ? lowest : primary);
    }

    /**
     * @param nodeId a node id.
     * @return whether it is a member of this view.
     */
    public boolean isMember(final int nodeId)
    {
        return isMember(members, nodeId);
    }

    @Override
    public String toString()
    {
        return "MembershipView{version=" + version + ", members=" + describe(members) + ", reformer=" + reformer +
            ", primary=" + primary + "}";
    }

    private static boolean isMember(final long members, final int nodeId)
    {
        return nodeId >= 0 && nodeId < NodeList.MAX_NODES && (members & (1L << nodeId)) != 0;
    }

    /**
     * @param members a bitmap of node ids.
     * @return the ids, as {@code [0,2]}.
     */
    public static String describe(final long members)
    {
        final StringBuilder sb = new StringBuilder("[");
        for (long rest = members; rest != 0; rest &= rest - 1)
        {
            sb.append(sb.length() > 1 ? "," : "").append(Long.numberOfTrailingZeros(rest));
        }
        return sb.append(']').toString();
    }
}
