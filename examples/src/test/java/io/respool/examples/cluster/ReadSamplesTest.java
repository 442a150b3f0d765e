package io.respool.examples.cluster;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The read rate over a window, from a running count sampled every 250 ms. */
class ReadSamplesTest
{
    private static final long MS = 1_000_000L;

    @Test
    void shouldTakeTheRateBetweenTheLastSamplesAtOrBeforeEachEnd()
    {
        final ReadSamples samples = new ReadSamples();
        assertEquals(-1, samples.perSecond(0, 1000 * MS), "no sample yet");
        samples.add(1000 * MS, 100);
        samples.add(1250 * MS, 600);
        samples.add(1500 * MS, 600); // no read answered in a fault
        samples.add(1750 * MS, 700);
        assertEquals(2000, samples.perSecond(1000 * MS, 1250 * MS));
        assertEquals(800, samples.perSecond(1100 * MS, 1800 * MS), "from the 1000 ms sample to the 1750 ms one");
        assertEquals(0, samples.perSecond(1250 * MS, 1500 * MS));
        assertEquals(-1, samples.perSecond(900 * MS, 1200 * MS), "nothing at or before the window's start");
        assertEquals(-1, samples.perSecond(1260 * MS, 1300 * MS), "one sample for both ends");
    }
}
