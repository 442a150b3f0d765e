package io.respool.cli.dss;

import io.respool.dss.Dss;
import io.respool.dss.InstanceStatus;
import io.respool.dss.VolumeGroup;
import picocli.CommandLine.Command;

/**
 * {@code stopdss} and {@code clean_vglock}, which openGauss's resource script {@code dss_contrl.sh} calls around a
 * {@code dssserver}. Here there is no server: a DSS instance is a library inside the database process, and the
 * instances of a volume group coordinate through the disk. So these commands do the nearest honest thing and say
 * what it is in their help.
 */
final class ScriptCommands
{
    private ScriptCommands()
    {
    }

    /**
     * {@code stopdss}: succeeds when no process runs this home's instance; refuses, naming the process, when one
     * does, since dsscmd cannot stop a DSS instance embedded in another process.
     */
    @Command(name = "stopdss", sortOptions = false,
        description = "[client command] stop dss server: there is none here (instances live inside the database " +
            "process); succeeds if no process runs this instance, else fails naming the process to stop",
        footerHeading = "%n",
        footer = {"openGauss asks dssserver to exit. Here the DSS instance of a home is a library inside the database " +
            "process and stops when that process closes its volume groups or exits. stopdss checks the volume " +
            "groups' instance table: if no live process runs INST_ID of this home it prints Succeed to stop " +
            "server. (exit 0), otherwise Failed to stop server. and, on stderr, the process to stop (exit 255)."})
    static final class Stop extends DssCommand implements OpenGaussFailure
    {
        Stop(final CliContext context)
        {
            super(context);
        }

        @Override
        public String openGaussFailureLine()
        {
            return "Failed to stop server.";
        }

        @Override
        int execute(final Dss dss)
        {
            final long self = ProcessHandle.current().pid();
            for (final VolumeGroup vg : dss.volumeGroups())
            {
                for (final InstanceStatus status : vg.instances())
                {
                    if (status.instanceId() == vg.instanceId() && status.alive() && status.pid() != 0 &&
                        status.pid() != self)
                    {
                        throw new CliException("instance " + status.instanceId() + " of this DSS home runs inside " +
                            "process " + status.pid() + " (volume group " + vg.name() + "); dsscmd cannot stop a " +
                            "DSS instance embedded in another process: stop that process (the database, e.g. " +
                            "gs_ctl stop), or fence it from another instance with dsscmd kickh -i " +
                            status.instanceId());
                    }
                }
            }
            context.out.println("Succeed to stop server.");
            return ExitCodes.SUCCESS;
        }
    }

    /**
     * {@code clean_vglock}: the volume-group locks here never outlive their holder, so there is none to clean;
     * opening the groups shows the home is usable.
     */
    @Command(name = "clean_vglock", sortOptions = false,
        description = "[manage command] clean vg lock: nothing to clean here, locks end with their holder",
        footerHeading = "%n",
        footer = {"openGauss removes the volume-group locks a dead dssserver left behind. Here no lock outlives its " +
            "holder: with STORAGE_MODE=DISK it is a flock the kernel drops when the process exits, with " +
            "SHARE_DISK a disk lease that lapses when its holder stops renewing it. clean_vglock opens the home's " +
            "volume groups (which fails, naming the problem, if one cannot be used) and prints Succeed to clean " +
            "vg lock."})
    static final class CleanVgLock extends DssCommand implements OpenGaussFailure
    {
        CleanVgLock(final CliContext context)
        {
            super(context);
        }

        @Override
        public String openGaussFailureLine()
        {
            return "Failed to clean vg lock.";
        }

        @Override
        int execute(final Dss dss)
        {
            context.out.println("Succeed to clean vg lock.");
            return ExitCodes.SUCCESS;
        }
    }
}
