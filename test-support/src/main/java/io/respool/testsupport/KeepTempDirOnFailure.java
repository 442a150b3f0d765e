package io.respool.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test a fresh temporary directory as a {@link Path} parameter annotated {@link KeptDir}, deletes it when the
 * test passes, and keeps it and prints where when the test fails, so the disk image or logs can be looked at.
 */
public final class KeepTempDirOnFailure implements ParameterResolver, AfterEachCallback
{
    private static final ExtensionContext.Namespace NAMESPACE =
        ExtensionContext.Namespace.create(KeepTempDirOnFailure.class);
    private static final String KEY = "dir";

    public boolean supportsParameter(final ParameterContext parameterContext, final ExtensionContext extensionContext)
    {
        return parameterContext.getParameter().getType() == Path.class && parameterContext.isAnnotated(KeptDir.class);
    }

    public Object resolveParameter(final ParameterContext parameterContext, final ExtensionContext extensionContext)
    {
        return extensionContext.getStore(NAMESPACE).getOrComputeIfAbsent(KEY, key -> create(extensionContext), Path.class);
    }

    public void afterEach(final ExtensionContext context) throws IOException
    {
        final Path dir = context.getStore(NAMESPACE).remove(KEY, Path.class);
        if (dir == null)
        {
            return;
        }
        if (context.getExecutionException().isPresent())
        {
            System.err.println("[" + context.getDisplayName() + "] failed; its directory is kept at " + dir);
        }
        else
        {
            deleteRecursively(dir);
        }
    }

    /**
     * @param dir to delete with everything under it; absent is fine.
     * @throws IOException if a file cannot be deleted.
     */
    public static void deleteRecursively(final Path dir) throws IOException
    {
        if (!Files.exists(dir))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir))
        {
            for (final Path path : (Iterable<Path>)paths.sorted(Comparator.reverseOrder())::iterator)
            {
                Files.delete(path);
            }
        }
    }

    private static Path create(final ExtensionContext context)
    {
        try
        {
            return Files.createTempDirectory("respool-" + context.getRequiredTestMethod().getName() + "-");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
