package io.respool.testsupport;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The command line of a child JVM that runs a class of the test's own class path: {@code java} of this JVM's
 * {@code java.home}, the arguments every JVM of ours needs ({@value #JVM_ARGS_PROPERTY}, which the build passes to
 * the tests), the test's extra JVM arguments, {@code -cp} of {@code java.class.path}, the main class and its
 * arguments. {@link #start()} runs it as a {@link ChildProcess}.
 */
public final class ChildJvm
{
    /**
     * The system property that holds the JVM arguments every JVM of ours needs; the parent pom sets it for tests.
     */
    public static final String JVM_ARGS_PROPERTY = "respool.jvm.args";

    /**
     * What {@value #JVM_ARGS_PROPERTY} holds in the build, used when a test runs outside it (an IDE, say): Agrona
     * needs it on Java 17.
     */
    public static final String DEFAULT_JVM_ARGS = "--add-exports java.base/jdk.internal.misc=ALL-UNNAMED";

    private final String mainClass;
    private final List<String> jvmArgs = new ArrayList<>();
    private final List<String> args = new ArrayList<>();
    private String name;

    private ChildJvm(final String mainClass)
    {
        this.mainClass = mainClass;
        this.name = mainClass.substring(mainClass.lastIndexOf('.') + 1);
    }

    /**
     * @param mainClass a class with a {@code main} on the test's class path.
     */
    public static ChildJvm of(final Class<?> mainClass)
    {
        return new ChildJvm(mainClass.getName());
    }

    /**
     * @param mainClass the name of a class with a {@code main} on the test's class path, such as a library's.
     */
    public static ChildJvm of(final String mainClass)
    {
        return new ChildJvm(mainClass);
    }

    /**
     * @param name how failure messages call the child; the main class's simple name by default.
     */
    public ChildJvm name(final String name)
    {
        this.name = name;
        return this;
    }

    /**
     * JVM arguments after {@value #JVM_ARGS_PROPERTY}, such as {@code -Xmx256m} or {@code -Dkey=value}.
     */
    public ChildJvm jvmArgs(final String... jvmArgs)
    {
        this.jvmArgs.addAll(Arrays.asList(jvmArgs));
        return this;
    }

    /**
     * Arguments of the main class.
     */
    public ChildJvm args(final String... args)
    {
        this.args.addAll(Arrays.asList(args));
        return this;
    }

    /**
     * Arguments of the main class.
     */
    public ChildJvm args(final List<String> args)
    {
        this.args.addAll(args);
        return this;
    }

    public List<String> command()
    {
        final List<String> command = new ArrayList<>();
        command.add(javaHomeTool("java"));
        for (final String arg : System.getProperty(JVM_ARGS_PROPERTY, DEFAULT_JVM_ARGS).trim().split("\\s+"))
        {
            if (!arg.isEmpty())
            {
                command.add(arg);
            }
        }
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        return command;
    }

    /**
     * @return a builder of the child, to set its environment or where its output goes before starting it.
     */
    public ChildProcess.Builder process()
    {
        return ChildProcess.builder(command()).name(name);
    }

    /**
     * Start the child with this JVM's environment, stdout and stderr merged and read as they come.
     */
    public ChildProcess start()
    {
        return process().start();
    }

    static String javaHomeTool(final String tool)
    {
        return Path.of(System.getProperty("java.home"), "bin", tool).toString();
    }
}
