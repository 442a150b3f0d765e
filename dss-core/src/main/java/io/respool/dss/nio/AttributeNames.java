package io.respool.dss.nio;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The string form of attributes, {@code [view:]name[,name...]} as {@link java.nio.file.Files#readAttributes(
 * java.nio.file.Path, String, java.nio.file.LinkOption...)} takes it. Only the {@code basic} view exists on DSS.
 */
final class AttributeNames
{
    static final String SIZE = "size";
    static final String LAST_MODIFIED_TIME = "lastModifiedTime";
    static final String LAST_ACCESS_TIME = "lastAccessTime";
    static final String CREATION_TIME = "creationTime";
    static final String IS_REGULAR_FILE = "isRegularFile";
    static final String IS_DIRECTORY = "isDirectory";
    static final String IS_SYMBOLIC_LINK = "isSymbolicLink";
    static final String IS_OTHER = "isOther";
    static final String FILE_KEY = "fileKey";

    static final List<String> BASIC = List.of(
        SIZE, LAST_MODIFIED_TIME, LAST_ACCESS_TIME, CREATION_TIME, IS_REGULAR_FILE, IS_DIRECTORY, IS_SYMBOLIC_LINK,
        IS_OTHER, FILE_KEY);

    private static final List<String> TIMES = List.of(LAST_MODIFIED_TIME, LAST_ACCESS_TIME, CREATION_TIME);

    private AttributeNames()
    {
    }

    /**
     * @return the attribute names after the view, having checked the view is {@code basic}.
     * @throws UnsupportedOperationException for any other view.
     */
    static String namesOf(final String attributes, final String path)
    {
        final int colon = attributes.indexOf(':');
        final String view = colon < 0 ? DssFileAttributeView.NAME : attributes.substring(0, colon);
        if (!DssFileAttributeView.NAME.equals(view))
        {
            throw new UnsupportedOperationException("attribute view not supported by DSS: view=" + view +
                ", path=" + path + "; only the basic view exists, DSS has no owners, groups or permissions");
        }
        return colon < 0 ? attributes : attributes.substring(colon + 1);
    }

    /**
     * @return the requested attributes by name.
     */
    static Map<String, Object> read(final DssFileAttributes attributes, final String names)
    {
        final Map<String, Object> result = new LinkedHashMap<>();
        for (final String name : names.split(","))
        {
            if ("*".equals(name))
            {
                for (final String each : BASIC)
                {
                    result.put(each, valueOf(attributes, each));
                }
            }
            else
            {
                result.put(name, valueOf(attributes, name));
            }
        }
        return result;
    }

    private static Object valueOf(final DssFileAttributes attributes, final String name)
    {
        return switch (name)
        {
            case SIZE -> attributes.size();
            case LAST_MODIFIED_TIME -> attributes.lastModifiedTime();
            case LAST_ACCESS_TIME -> attributes.lastAccessTime();
            case CREATION_TIME -> attributes.creationTime();
            case IS_REGULAR_FILE -> attributes.isRegularFile();
            case IS_DIRECTORY -> attributes.isDirectory();
            case IS_SYMBOLIC_LINK -> attributes.isSymbolicLink();
            case IS_OTHER -> attributes.isOther();
            case FILE_KEY -> attributes.fileKey();
            default -> throw unknown(name);
        };
    }

    /**
     * @return true if {@code name} is a time, which DSS cannot set.
     * @throws IllegalArgumentException if {@code name} is no basic attribute or one that is never settable.
     */
    static boolean isTime(final String name)
    {
        if (TIMES.contains(name))
        {
            return true;
        }
        if (BASIC.contains(name))
        {
            throw new IllegalArgumentException("basic attribute is read-only: attribute=" + name);
        }
        throw unknown(name);
    }

    private static IllegalArgumentException unknown(final String name)
    {
        return new IllegalArgumentException("unknown basic attribute: attribute=" + name + "; known are " + BASIC);
    }
}
