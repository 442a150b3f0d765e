package io.respool.dms.stat;

/**
 * What {@link StatCounter} and {@link StatEvent} share: an id that is the slot in the statistics file, equal to
 * the enum ordinal so that slots never move, and a lookup by id that answers null for ids a newer build wrote.
 */
final class StatIds
{
    private StatIds()
    {
    }

    /**
     * @return {@code id}, after checking it equals {@code ordinal}.
     * @throws IllegalStateException if it does not: slots must be stable, add new entries at the end.
     */
    static int checkId(final int id, final int ordinal)
    {
        if (id != ordinal)
        {
            throw new IllegalStateException("id must equal ordinal: id=" + id + ", ordinal=" + ordinal);
        }
        return id;
    }

    /**
     * @return the entry with this id, or null if this build does not know it.
     */
    static <E> E byId(final E[] byId, final int id)
    {
        return id >= 0 && id < byId.length ? byId[id] : null;
    }
}
