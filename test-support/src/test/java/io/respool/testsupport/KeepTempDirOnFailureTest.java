package io.respool.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(KeepTempDirOnFailure.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KeepTempDirOnFailureTest
{
    private static Path seen;

    @Test
    @Order(1)
    void givesAFreshDirectory(@KeptDir final Path dir) throws Exception
    {
        assertTrue(Files.isDirectory(dir));
        Files.writeString(Files.createDirectories(dir.resolve("sub")).resolve("f"), "x");
        seen = dir;
    }

    @Test
    @Order(2)
    void deletesItWhenTheTestPassed()
    {
        assertNotNull(seen);
        assertFalse(Files.exists(seen));
    }

    @AfterAll
    static void clear()
    {
        seen = null;
    }
}
