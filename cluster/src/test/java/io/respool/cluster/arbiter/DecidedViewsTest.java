package io.respool.cluster.arbiter;

import io.respool.dms.api.MembershipView;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DecidedViewsTest
{
    @Test
    void shouldTellListenersOfEveryViewInRisingVersions()
    {
        final DecidedViews views = new DecidedViews();
        final List<MembershipView> heard = new ArrayList<>();
        views.listen(heard::add);
        final MembershipView first = new MembershipView(1, 0b11, 0, 0);
        final MembershipView third = new MembershipView(3, 0b10, 1, 1);

        views.publish(first);
        views.publish(third);

        assertEquals(List.of(first, third), heard);
        assertEquals(third, views.current());
        final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> views.publish(first));
        assertEquals("membership view versions must increase: current=" + third + ", new=" + first, ex.getMessage());
    }

    @Test
    void shouldSayWhatToDoWhenAskedBeforeTheFirstView()
    {
        final DecidedViews views = new DecidedViews();

        assertFalse(views.hasView());
        assertEquals("no membership view decided yet: start DMS once the arbiter has joined",
            assertThrows(IllegalStateException.class, views::current).getMessage());
    }
}
