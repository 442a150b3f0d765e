package io.respool.dms.api;

import io.respool.common.ErrorCategory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class DmsErrorCodeTest
{
    @Test
    void shouldGiveEveryCodeAUniqueNumberInTheDmsRange()
    {
        final Set<Integer> seen = new HashSet<>();
        for (final DmsErrorCode code : DmsErrorCode.values())
        {
            assertTrue(code.code() >= 3001 && code.code() <= 3999, code::toString);
            assertTrue(seen.add(code.code()), () -> "number used twice: " + code);
        }
    }

    @Test
    void shouldGiveEachExceptionTypeItsCodeAndTheCodesCategory()
    {
        final List<DmsException> thrown = List.of(
            new DmsConfigException("bad"),
            new DmsTimeoutException("slow"),
            new DirectoryInUseException("taken"),
            new PortConflictException(1, "127.0.0.1", 1614, List.of(), "free it"));

        assertEquals(List.of(DmsErrorCode.CONFIG, DmsErrorCode.TIMEOUT, DmsErrorCode.DIRECTORY_IN_USE,
            DmsErrorCode.PORT_CONFLICT), thrown.stream().map(DmsException::errorCode).toList());
        assertEquals(List.of(ErrorCategory.FATAL, ErrorCategory.ERROR, ErrorCategory.FATAL, ErrorCategory.FATAL),
            thrown.stream().map(DmsException::category).toList());
    }
}
