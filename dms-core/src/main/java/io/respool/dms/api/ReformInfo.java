package io.respool.dms.api;

/**
 * What a reform changes, as the database is told of it ({@link ReformHandler}).
 *
 * @param before    the view this node served before, or null on a node's first reform.
 * @param after     the view the reform moves to.
 * @param removed   bitmap of the members of {@code before} not in {@code after}: their WAL may need replaying.
 * @param added     bitmap of the members of {@code after} not in {@code before}.
 * @param type      the kind of reform.
 * @param recoverer the member that replays the removed nodes' WAL (the primary of {@code after}), or -1 if none
 *                  needs replaying.
 */
public record ReformInfo(MembershipView before, MembershipView after, long removed, long added, ReformType type,
    int recoverer)
{
    /**
     * @param before the view served before, or null.
     * @param after  the view reformed to.
     * @param type   the kind of reform.
     * @return the info, removed and added computed, the new primary recovering if any node was removed.
     */
    public static ReformInfo of(final MembershipView before, final MembershipView after, final ReformType type)
    {
        return of(before, after, type, 0);
    }

    /**
     * @param restarted members of both views whose incarnation that served {@code before} died (they restarted
     *                  before a reform removed them): removed and added both, their WAL replayed; and nodes of
     *                  neither that may have written pages under a reform cut short after DRC_ACCESS: removed.
     * @return the info.
     */
    public static ReformInfo of(final MembershipView before, final MembershipView after, final ReformType type,
        final long restarted)
    {
        final long was = before == null ? 0 : before.members();
        final long removed = (was & ~after.members()) | restarted;
        return new ReformInfo(before, after, removed, (after.members() & ~was) | (restarted & after.members()), type,
            removed != 0 ? after.primary() : -1);
    }
}
