package io.respool.dss;

import io.respool.common.ErrorCategory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class ErrorCodeTest
{
    @Test
    void shouldGiveEveryCodeAUniqueNumberInTheDssRange()
    {
        final Set<Integer> seen = new HashSet<>();
        for (final ErrorCode code : ErrorCode.values())
        {
            assertTrue(code.code() >= 2001 && code.code() <= 2999, code::toString);
            assertTrue(seen.add(code.code()), () -> "number used twice: " + code);
        }
        // the numbers are API: pin the first and the last
        assertEquals(2001, ErrorCode.NOT_FOUND.code());
        assertEquals(2017, ErrorCode.FILE_TOO_LARGE.code());
    }

    @Test
    void shouldTakeTheCategoryOfItsCode()
    {
        assertEquals(ErrorCategory.FATAL, new DssException(ErrorCode.CORRUPT, "bad sector").category());
        assertEquals(ErrorCategory.FATAL, new DssException(ErrorCode.FENCED, "fenced").category());
        assertEquals(ErrorCategory.ERROR, new DssException(ErrorCode.NOT_FOUND, "no such file").category());
    }
}
