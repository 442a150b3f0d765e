package io.respool.dss.nio;

import java.util.regex.PatternSyntaxException;

/**
 * Translates a glob, as {@link java.nio.file.FileSystem#getPathMatcher} documents it, into a regular expression:
 * {@code *} and {@code ?} stay within one name, {@code **} crosses names, {@code [...]} (with {@code !} to negate),
 * {@code {a,b}} and {@code \} escapes.
 */
final class Globs
{
    private static final String REGEX_META = ".^$+()|{}[]\\*?";

    private Globs()
    {
    }

    static String toRegex(final String glob)
    {
        final StringBuilder regex = new StringBuilder("^");
        boolean inGroup = false;
        int i = 0;
        while (i < glob.length())
        {
            final char c = glob.charAt(i++);
            switch (c)
            {
                case '\\' ->
                {
                    if (i == glob.length())
                    {
                        throw new PatternSyntaxException("no character to escape", glob, i - 1);
                    }
                    appendLiteral(regex, glob.charAt(i++));
                }
                case '*' ->
                {
                    if (i < glob.length() && glob.charAt(i) == '*')
                    {
                        regex.append(".*");
                        i++;
                    }
                    else
                    {
                        regex.append("[^/]*");
                    }
                }
                case '?' -> regex.append("[^/]");
                case '[' -> i = appendClass(regex, glob, i);
                case '{' ->
                {
                    if (inGroup)
                    {
                        throw new PatternSyntaxException("cannot nest groups", glob, i - 1);
                    }
                    regex.append("(?:(?:");
                    inGroup = true;
                }
                case '}' ->
                {
                    if (inGroup)
                    {
                        regex.append("))");
                        inGroup = false;
                    }
                    else
                    {
                        appendLiteral(regex, c);
                    }
                }
                case ',' -> regex.append(inGroup ? ")|(?:" : ",");
                default -> appendLiteral(regex, c);
            }
        }
        if (inGroup)
        {
            throw new PatternSyntaxException("missing '}'", glob, glob.length());
        }
        return regex.append('$').toString();
    }

    /**
     * @param start index just after the {@code [}.
     * @return index just after the closing {@code ]}.
     */
    private static int appendClass(final StringBuilder regex, final String glob, final int start)
    {
        int i = start;
        regex.append("[[^/]&&[");
        if (i < glob.length() && glob.charAt(i) == '!')
        {
            regex.append('^');
            i++;
        }
        else if (i < glob.length() && glob.charAt(i) == '^')
        {
            regex.append("\\^");
            i++;
        }
        boolean empty = true;
        while (i < glob.length())
        {
            final char c = glob.charAt(i++);
            if (c == ']' && !empty)
            {
                regex.append("]]");
                return i;
            }
            if (c == '/')
            {
                throw new PatternSyntaxException("explicit name separator in class", glob, i - 1);
            }
            if (c == '\\' || c == '[' || c == '&' || c == ']')
            {
                regex.append('\\');
            }
            regex.append(c);
            empty = false;
        }
        throw new PatternSyntaxException("missing ']'", glob, glob.length());
    }

    private static void appendLiteral(final StringBuilder regex, final char c)
    {
        if (REGEX_META.indexOf(c) >= 0)
        {
            regex.append('\\');
        }
        regex.append(c);
    }
}
