package io.respool.cli.dss;

import io.respool.dss.Dss;
import io.respool.dss.VolumeGroup;
import io.respool.dss.DssException;
import io.respool.dss.DssPath;
import io.respool.dss.config.DssHome;
import io.respool.dss.engine.InstanceOptions;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Spec;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * A subcommand that works on the open volume groups of the DSS home: checks its DSS path options, opens the
 * volume groups, runs, closes them.
 * <p>
 * Volume groups that {@code dss_vg_conf.ini} names but that are not created yet are left closed: a command that
 * names one (in a {@code +vg} path or {@code -g}) fails saying to run {@code cv}, a command on every group warns
 * about each and goes on with the others.
 */
abstract class DssCommand implements Callable<Integer>
{
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    final CliContext context;

    /** The DSS home, loaded when the command runs. */
    DssHome home;

    DssCommand(final CliContext context)
    {
        this.context = context;
    }

    @Override
    public final Integer call()
    {
        checkArguments();
        final Set<String> named = namedVolumeGroups();
        home = context.loadHome(context.homeDirectory(common));
        final ConfiguredGroups groups = ConfiguredGroups.of(home);
        if (named.isEmpty())
        {
            groups.notCreatedWarnings().forEach(context::warn);
        }
        named.forEach(groups::checkCreated);
        final Dss opened;
        try
        {
            final DssHome created = groups.createdOnly();
            opened = Dss.open(created, InstanceOptions.of(created).withAcceptLogLossAt(acceptLogLossAt())
                .withReadOnly(readOnly()));
        }
        catch (final DssException ex)
        {
            return openRefused(ex);
        }
        try (Dss dss = opened)
        {
            for (final VolumeGroup group : dss.volumeGroups())
            {
                group.readOnlyReason().ifPresent(context::warn);
            }
            return execute(dss);
        }
    }

    /**
     * @return true to open the volume groups for reading only ({@code --read_only} of the commands that only read).
     */
    boolean readOnly()
    {
        return false;
    }

    /**
     * @return the LSN where the operator accepts the loss of a damaged redo log, or
     * {@link InstanceOptions#NO_LOSS_ACCEPTED}.
     */
    long acceptLogLossAt()
    {
        return InstanceOptions.NO_LOSS_ACCEPTED;
    }

    /**
     * The volume groups could not be opened. Most commands fail with the reason; {@code check} reports it.
     *
     * @return the exit status.
     */
    int openRefused(final DssException ex)
    {
        throw ex;
    }

    /**
     * Check the arguments before the DSS home is opened.
     *
     * @throws CliException naming the bad argument and what to give instead.
     */
    void checkArguments()
    {
    }

    /**
     * @return the exit status.
     */
    abstract int execute(Dss dss);

    /**
     * @return the {@code -g} volume group of commands that take one, else null.
     */
    String vgOption()
    {
        return null;
    }

    /**
     * @return the volume groups the command names: those of its {@code +vg/...} options and its {@code -g}.
     * @throws CliException if a DSS path has an empty component ({@code +data//x}).
     */
    private Set<String> namedVolumeGroups()
    {
        final Set<String> names = new LinkedHashSet<>();
        for (final OptionSpec option : spec.options())
        {
            final Object value = option.getValue();
            if (value instanceof String && DssPath.isDssPath((String)value))
            {
                final String path = (String)value;
                checkNoEmptyComponent(path, option.shortestName());
                names.add(DssPath.parse(path).vg());
            }
        }
        if (vgOption() != null)
        {
            names.add(vgOption());
        }
        return names;
    }

    /**
     * {@code +data//x} would silently name {@code +data/x}; a slash at the end ({@code +data/}) is accepted.
     */
    static void checkNoEmptyComponent(final String path, final String option)
    {
        final int empty = path.indexOf("//");
        if (empty >= 0)
        {
            throw new CliException("empty path component: path=" + path + ", option=" + option + ", offset=" +
                (empty + 1) + "; separate names with a single /, e.g. " + path.replaceAll("/{2,}", "/"));
        }
    }
}
