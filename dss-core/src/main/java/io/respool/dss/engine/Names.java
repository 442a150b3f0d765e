package io.respool.dss.engine;

import io.respool.dss.DssException;
import io.respool.dss.ErrorCode;

/**
 * Naming rules of openGauss DSS: 1 to 63 characters from {@code [0-9A-Za-z_.-]}, never {@code .} or {@code ..}.
 */
public final class Names
{
    public static final int MAX_NAME_LENGTH = 63;

    private Names()
    {
    }

    /**
     * @param c a character.
     * @return whether it may appear in a DSS name: {@code [0-9A-Za-z_.-]}.
     */
    public static boolean isNameChar(final char c)
    {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '.' ||
            c == '-';
    }

    /**
     * @param what what the name is, for the message ("file name", "volume group name").
     */
    public static void checkName(final String name, final String what)
    {
        if (name == null || name.isEmpty())
        {
            throw new DssException(ErrorCode.INVALID_PATH, what + " is empty");
        }
        if (name.length() > MAX_NAME_LENGTH)
        {
            throw new DssException(ErrorCode.INVALID_PATH, what + " too long: name=" + name + ", length=" +
                name.length() + ", max=" + MAX_NAME_LENGTH);
        }
        if (name.equals(".") || name.equals(".."))
        {
            throw new DssException(ErrorCode.INVALID_PATH, what + " may not be '.' or '..': name=" + name +
                "; DSS paths are absolute, +vg/dir/name");
        }
        for (int i = 0; i < name.length(); i++)
        {
            final char c = name.charAt(i);
            if (!isNameChar(c))
            {
                throw new DssException(ErrorCode.INVALID_PATH, what + " has a bad character: name=" + name +
                    ", char='" + c + "' at " + i + "; allowed are 0-9 A-Z a-z _ . -");
            }
        }
    }
}
