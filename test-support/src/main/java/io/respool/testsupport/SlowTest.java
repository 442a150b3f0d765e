package io.respool.testsupport;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A test that takes seconds (child JVMs, soaks, crash loops). Skip them locally with
 * {@code mvn test -DexcludedGroups=slow}; CI runs them all.
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Tag(SlowTest.TAG)
@Test
public @interface SlowTest
{
    String TAG = "slow";
}
