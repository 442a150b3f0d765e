package io.respool.dss.nio;

import io.respool.dss.engine.Names;

import java.nio.file.InvalidPathException;
import java.util.ArrayList;
import java.util.List;

/**
 * The syntax of DSS path strings: {@code +vg/name/...} (absolute) or {@code name/...} (relative), names of 1 to 63
 * characters from {@code [0-9A-Za-z_.-]}. {@code .} and {@code ..} are accepted below the root as intermediate
 * values; they are normalized away before DSS sees a path.
 */
final class PathSyntax
{
    static final String CURRENT = ".";
    static final String PARENT = "..";

    private PathSyntax()
    {
    }

    /**
     * A split path string.
     *
     * @param vg    the volume group of an absolute path, null for a relative one.
     * @param names the names below the root; none for the empty path.
     */
    record Parsed(String vg, String[] names)
    {
    }

    /**
     * Split and check a path string; repeated and trailing slashes collapse.
     *
     * @throws InvalidPathException if a name breaks the DSS naming rules.
     */
    static Parsed parse(final String input)
    {
        if (input.isEmpty())
        {
            return new Parsed(null, new String[0]);
        }
        if (input.charAt(0) == '/')
        {
            throw new InvalidPathException(input, "a DSS path starts with +vg (absolute, e.g. +data/dir/file) or " +
                "with a name (relative), not with /", 0);
        }
        final boolean absolute = input.charAt(0) == '+';
        final String[] parts = input.split("/");
        String vg = null;
        int first = 0;
        if (absolute)
        {
            vg = parts[0].substring(1);
            if (vg.isEmpty())
            {
                throw new InvalidPathException(input, "the DSS path names no volume group; write +vg/...", 0);
            }
            checkName(input, vg, 1, false);
            first = 1;
        }
        final List<String> names = new ArrayList<>(parts.length);
        int offset = absolute ? parts[0].length() + 1 : 0;
        for (int i = first; i < parts.length; i++)
        {
            if (!parts[i].isEmpty())
            {
                checkName(input, parts[i], offset, true);
                names.add(parts[i]);
            }
            offset += parts[i].length() + 1;
        }
        return new Parsed(vg, names.toArray(new String[0]));
    }

    private static void checkName(final String input, final String name, final int offset, final boolean dotsAllowed)
    {
        if (name.length() > Names.MAX_NAME_LENGTH)
        {
            throw new InvalidPathException(input, "name too long: name=" + name + ", length=" + name.length() +
                ", max=" + Names.MAX_NAME_LENGTH, offset);
        }
        if (!dotsAllowed && (CURRENT.equals(name) || PARENT.equals(name)))
        {
            throw new InvalidPathException(input, "a volume group name may not be . or ..", offset);
        }
        for (int i = 0; i < name.length(); i++)
        {
            final char c = name.charAt(i);
            if (!Names.isNameChar(c))
            {
                throw new InvalidPathException(input, "bad character in DSS name: name=" + name + ", char='" + c +
                    "'; allowed are 0-9 A-Z a-z _ . - (and + only to start an absolute path)", offset + i);
            }
        }
    }

    /**
     * @return {@code +vg/a/b} or {@code a/b}.
     */
    static String format(final String vg, final String[] names)
    {
        final StringBuilder builder = new StringBuilder();
        if (vg != null)
        {
            builder.append('+').append(vg);
        }
        for (int i = 0; i < names.length; i++)
        {
            if (vg != null || i > 0)
            {
                builder.append('/');
            }
            builder.append(names[i]);
        }
        return builder.toString();
    }
}
