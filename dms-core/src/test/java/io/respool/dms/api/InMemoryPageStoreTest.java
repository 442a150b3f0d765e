package io.respool.dms.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class InMemoryPageStoreTest
{
    private final InMemoryDisk disk = new InMemoryDisk(512);
    private final InMemoryPageStore store = new InMemoryPageStore(3, 512, disk);

    @Test
    void shouldGiveEachIncrementANewLsnAndMakeThePageDirty()
    {
        assertFalse(store.isDirty(9));
        assertEquals(1, store.increment(9));
        assertEquals(2, store.increment(9));
        assertEquals(2, store.counter(9));
        assertEquals(2, store.pageLsn(9));
        assertTrue(store.isDirty(9));

        store.write(9);
        assertFalse(store.isDirty(9));
        assertEquals(2, store.diskLsn(9));
    }

    @Test
    void shouldFlushTheWalOnlyWhenToldWhenByHand()
    {
        assertEquals(5, store.requestWalFlush(5), "durable at once by default");
        store.walByHand(true);
        assertEquals(5, store.requestWalFlush(8));
        assertEquals(5, store.walFlushedLsn());
        store.completeWalFlush();
        assertEquals(8, store.walFlushedLsn());
    }

    @Test
    void shouldRecordADirtyPageReceivedAheadOfTheSharedWal()
    {
        store.onPageReceived(9, 4, true);
        assertEquals(List.of("dirty page received ahead of WAL: node=3, pageId=9, lsn=4, walFlushed=0"),
            List.copyOf(store.violations()));
        assertTrue(store.isDirty(9));

        final InMemoryPageStore own = new InMemoryPageStore(512);
        own.onPageReceived(9, 4, true);
        assertTrue(own.violations().isEmpty(), "a store with a WAL of its own has no WAL rule to check");
    }

    @Test
    void shouldForgetDirtinessWhenThePageGoesAndKeepAnEarlierDirtyCopy()
    {
        store.increment(9);
        store.onModeChanged(9, LockMode.NULL, true);
        assertFalse(store.isDirty(9));
        assertTrue(store.isEarlierDirty(9));
        store.onModeChanged(9, LockMode.NULL, false);
        assertFalse(store.isEarlierDirty(9));
        store.writeRequested(9);
        assertEquals(List.of(9L), List.copyOf(store.writeRequests()));
    }
}
