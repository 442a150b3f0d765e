package io.respool.examples.embedding;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

/**
 * Each embedding example runs to its end with its defaults (a throw-away image, free loopback ports): they check
 * their own steps and throw if one does not do what the example says.
 */
class EmbeddingExamplesTest
{
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void dssFilesExampleShouldRun()
    {
        assertDoesNotThrow(() -> DssFilesExample.main(new String[0]));
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void dmsPageExampleShouldRun()
    {
        assertDoesNotThrow(() -> DmsPageExample.main(new String[0]));
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void globalLockExampleShouldRun()
    {
        assertDoesNotThrow(() -> GlobalLockExample.main(new String[0]));
    }
}
