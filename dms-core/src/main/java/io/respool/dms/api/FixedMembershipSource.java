package io.respool.dms.api;

/**
 * A membership that never changes, the default: one view for the node's whole life, as DMS ran before reform.
 * A listener is never called.
 */
public final class FixedMembershipSource implements MembershipSource
{
    private final MembershipView view;

    /**
     * @param view the one view.
     */
    public FixedMembershipSource(final MembershipView view)
    {
        if (view == null)
        {
            throw new DmsConfigException("membership view not set: FixedMembershipSource needs one");
        }
        this.view = view;
    }

    @Override
    public MembershipView current()
    {
        return view;
    }

    @Override
    public void listen(final MembershipSource.Listener listener)
    {
        // no view will ever follow the first
    }
}
