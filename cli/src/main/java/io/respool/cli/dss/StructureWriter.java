package io.respool.cli.dss;

import java.io.PrintStream;

/**
 * Prints on-disk structures the way openGauss {@code showdisk} does: {@code name = {}, one {@code field = value} a
 * line indented two spaces a level, {@code }} to close.
 */
final class StructureWriter
{
    private final PrintStream out;
    private int depth;

    StructureWriter(final PrintStream out)
    {
        this.out = out;
    }

    StructureWriter begin(final String name)
    {
        out.println(indent() + name + " = {");
        depth++;
        return this;
    }

    StructureWriter field(final String name, final Object value)
    {
        out.println(indent() + name + " = " + value);
        return this;
    }

    StructureWriter end()
    {
        depth--;
        out.println(indent() + "}");
        return this;
    }

    static String hex(final long value)
    {
        return "0x" + Long.toHexString(value);
    }

    static String hex(final int value)
    {
        return "0x" + Integer.toHexString(value);
    }

    private String indent()
    {
        return "  ".repeat(depth);
    }
}
