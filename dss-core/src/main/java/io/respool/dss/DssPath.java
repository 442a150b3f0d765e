package io.respool.dss;

import io.respool.dss.engine.Names;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A parsed DSS path, {@code +vg/dir/.../name}: the volume group and the components under its root. Repeated
 * slashes collapse; {@code .} and {@code ..} are not allowed; every name follows the DSS naming rules.
 *
 * @param vg         volume group name.
 * @param components names below the VG root, empty for the root itself.
 */
public record DssPath(String vg, List<String> components)
{
    /**
     * @return true if {@code text} is a DSS path (starts with {@code +}) rather than a local one.
     */
    public static boolean isDssPath(final String text)
    {
        return text != null && text.startsWith("+");
    }

    public static DssPath parse(final String text)
    {
        if (!isDssPath(text))
        {
            throw new DssException(ErrorCode.INVALID_PATH, "not a DSS path: path=" + text +
                "; DSS paths start with +vgname, e.g. +data/dir/file");
        }
        final String[] parts = text.substring(1).split("/+");
        if (parts.length == 0 || parts[0].isEmpty())
        {
            throw new DssException(ErrorCode.INVALID_PATH, "DSS path names no volume group: path=" + text);
        }
        Names.checkName(parts[0], "volume group name in " + text);
        final List<String> components = new ArrayList<>(parts.length - 1);
        for (int i = 1; i < parts.length; i++)
        {
            if (!parts[i].isEmpty())
            {
                Names.checkName(parts[i], "name in " + text);
                components.add(parts[i]);
            }
        }
        return new DssPath(parts[0], Collections.unmodifiableList(components));
    }

    public boolean isRoot()
    {
        return components.isEmpty();
    }

    /**
     * @return the last component, or the VG name for the root.
     */
    public String name()
    {
        return components.isEmpty() ? vg : components.get(components.size() - 1);
    }

    public DssPath parent()
    {
        if (components.isEmpty())
        {
            throw new DssException(ErrorCode.INVALID_PATH, "the root of a volume group has no parent: path=" + this);
        }
        return new DssPath(vg, components.subList(0, components.size() - 1));
    }

    public DssPath child(final String name)
    {
        final List<String> list = new ArrayList<>(components);
        list.add(name);
        return new DssPath(vg, Collections.unmodifiableList(list));
    }

    @Override
    public String toString()
    {
        return components.isEmpty() ? "+" + vg : "+" + vg + "/" + String.join("/", components);
    }
}
