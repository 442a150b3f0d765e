package io.respool.dms.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class MembershipViewTest
{
    private static final String URL = "0:127.0.0.1:1,1:127.0.0.1:2,3:127.0.0.1:3";

    @Test
    void shouldMakeEveryNodeOfTheListAMemberByDefault()
    {
        final DmsContext ctx = new DmsContext().url(URL).nodeId(1).membershipVersion(7)
            .pageStore(new InMemoryPageStore(8192)).conclude();

        final MembershipSource source = ctx.membershipSource();
        assertInstanceOf(FixedMembershipSource.class, source);
        assertEquals(new MembershipView(7, 0b1011, 0, 0), source.current());
        assertEquals(7, ctx.membershipVersion());
        assertTrue(source.current().isMember(3));
        assertFalse(source.current().isMember(2));
        assertFalse(source.current().isMember(64));
    }

    @Test
    void shouldMakeTheCentralizedMasterThePrimary()
    {
        final DmsContext ctx = new DmsContext().url(URL).nodeId(0).centralizedMaster(3)
            .pageStore(new InMemoryPageStore(8192)).conclude();

        assertEquals(new MembershipView(1, 0b1011, 0, 3), ctx.membershipSource().current());
    }

    @Test
    void shouldTakeTheVersionOfAGivenSourcesView()
    {
        final MembershipView view = new MembershipView(5, 0b0011, 1, 1);
        final DmsContext ctx = new DmsContext().url(URL).nodeId(0).membershipVersion(2)
            .membershipSource(new FixedMembershipSource(view)).pageStore(new InMemoryPageStore(8192)).conclude();

        assertSame(view, ctx.membershipSource().current());
        assertEquals(5, ctx.membershipVersion());
    }

    @Test
    void shouldRejectAViewNamingANodeOutsideTheList()
    {
        final DmsContext ctx = new DmsContext().url(URL).nodeId(0)
            .membershipSource(new FixedMembershipSource(new MembershipView(1, 0b0101, 0, 0)))
            .pageStore(new InMemoryPageStore(8192));

        final DmsConfigException ex = assertThrows(DmsConfigException.class, ctx::conclude);
        assertEquals("membership view must name only nodes of dms_url: view=MembershipView{version=1, " +
            "members=[0,2], reformer=0, primary=0}, url=" + URL, ex.getMessage());
    }

    @Test
    void shouldRejectABadView()
    {
        assertEquals("membership view version must be >= 1: version=0",
            assertThrows(DmsConfigException.class, () -> new MembershipView(0, 1, 0, 0)).getMessage());
        assertEquals("membership view has no members: version=1",
            assertThrows(DmsConfigException.class, () -> new MembershipView(1, 0, 0, 0)).getMessage());
        assertEquals("reformer is not a member: version=2, reformer=1, members=[0,2]",
            assertThrows(DmsConfigException.class, () -> new MembershipView(2, 0b101, 1, 0)).getMessage());
        assertEquals("primary is not a member: version=2, primary=3, members=[0,2]",
            assertThrows(DmsConfigException.class, () -> new MembershipView(2, 0b101, 2, 3)).getMessage());
        assertThrows(DmsConfigException.class, () -> new FixedMembershipSource(null));
    }

    @Test
    void shouldNeverCallTheListenerOfAFixedSource()
    {
        final FixedMembershipSource source = new FixedMembershipSource(new MembershipView(1, 1, 0, 0));
        source.listen((view) -> fail("a fixed source has no second view: " + view));
        assertEquals(1, source.current().version());
    }
}
