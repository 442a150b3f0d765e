package io.respool.cli.dss;

import io.respool.dss.Dss;
import io.respool.dss.InstanceStatus;
import io.respool.dss.KickResult;
import io.respool.dss.VolumeGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;

/**
 * The registration and fencing commands of openGauss ({@code reghl}, {@code unreghl}, {@code kickh},
 * {@code inq_reg}) and {@code getstatus}. openGauss drives SCSI-3 persistent reservations with them; here they work
 * on the instance table of every volume group in the DSS home, and every instance enforces it in its write path.
 */
final class FenceCommands
{
    private FenceCommands()
    {
    }

    /**
     * {@code reghl}: register this instance on every volume group, lifting a fence.
     */
    @Command(name = "reghl", sortOptions = false,
        description = "[manage command] register this instance (INST_ID of the DSS home) on every volume group")
    static final class Register extends DssCommand
    {
        Register(final CliContext context)
        {
            super(context);
        }

        @Override
        int execute(final Dss dss)
        {
            for (final VolumeGroup vg : dss.volumeGroups())
            {
                vg.register();
                context.out.println("Succeed to register instance " + vg.instanceId() + " on volume group " +
                    vg.name() + ".");
            }
            return ExitCodes.SUCCESS;
        }
    }

    /**
     * {@code unreghl}: unregister this instance: it fences itself and may no longer write.
     */
    @Command(name = "unreghl", sortOptions = false,
        description = "[manage command] unregister this instance from every volume group; it may no longer write")
    static final class Unregister extends DssCommand
    {
        @Option(names = "-t", paramLabel = "0|1", description = "accepted for openGauss compatibility")
        int type = 1;

        Unregister(final CliContext context)
        {
            super(context);
        }

        @Override
        int execute(final Dss dss)
        {
            for (final VolumeGroup vg : dss.volumeGroups())
            {
                vg.unregister();
                context.out.println("Succeed to unregister instance " + vg.instanceId() + " from volume group " +
                    vg.name() + ".");
            }
            return ExitCodes.SUCCESS;
        }
    }

    /**
     * {@code kickh -i id}: fence another instance off every volume group.
     */
    @Command(name = "kickh", sortOptions = false,
        description = "[manage command] fence instance <id> off every volume group: its writes fail from now on")
    static final class Kick extends DssCommand
    {
        @Option(names = {"-i", "--inst_id"}, required = true, paramLabel = "id", description = "instance to fence")
        int instanceId;

        Kick(final CliContext context)
        {
            super(context);
        }

        @Override
        int execute(final Dss dss)
        {
            int exit = ExitCodes.SUCCESS;
            for (final VolumeGroup vg : dss.volumeGroups())
            {
                final KickResult result = vg.kick(instanceId);
                switch (result)
                {
                    case ACKNOWLEDGED -> context.out.println("Succeed to kick instance " + instanceId +
                        " from volume group " + vg.name() + ": it stopped writing.");
                    case NOT_RUNNING -> context.out.println("Succeed to kick instance " + instanceId +
                        " from volume group " + vg.name() + ": it is not running, and stays fenced when it starts.");
                    case KILLED -> context.out.println("Succeed to kick instance " + instanceId +
                        " from volume group " + vg.name() + ": it did not answer and its process was killed.");
                    case UNCONFIRMED ->
                    {
                        context.err.println("dsscmd: kickh: instance " + instanceId + " on another host did not " +
                            "confirm the fence on volume group " + vg.name() + "; a write it had in flight may " +
                            "still land: stop that host, or use SCSI-3 reservations on shared block devices");
                        exit = ExitCodes.ERROR;
                    }
                    default -> throw new IllegalStateException("unknown kick result: " + result);
                }
            }
            return exit;
        }
    }

    /**
     * {@code inq_reg -i id}: is the instance registered? The exit status says: 2 yes, 1 partly, 0 no.
     */
    @Command(name = "inq_reg", sortOptions = false,
        description = "[manage command] is instance <id> registered? exit status 2 yes, 1 partly, 0 no")
    static final class Inquire extends DssCommand
    {
        @Option(names = {"-i", "--inst_id"}, required = true, paramLabel = "id", description = "instance to ask about")
        int instanceId;

        Inquire(final CliContext context)
        {
            super(context);
        }

        @Override
        int execute(final Dss dss)
        {
            int registeredVgs = 0;
            int partly = 0;
            for (final VolumeGroup vg : dss.volumeGroups())
            {
                final int result = vg.instances().stream().filter(s -> s.instanceId() == instanceId)
                    .mapToInt(InstanceStatus::inquiryResult).findFirst().orElse(0);
                registeredVgs += result == 2 ? 1 : 0;
                partly += result == 1 ? 1 : 0;
            }
            final int vgs = dss.volumeGroups().size();
            final int result = registeredVgs == vgs ? 2 : registeredVgs + partly > 0 ? 1 : 0;
            context.out.println("The node " + instanceId + (result == 2 ? " is registered" :
                result == 1 ? " is partly registered" : " is not registered") + ", inq_result = " + result + ".");
            return result;
        }
    }

    /**
     * {@code getstatus}: this instance's state and every registered instance's.
     */
    @Command(name = "getstatus", sortOptions = false,
        description = "[client command] show the status of this instance and of every instance sharing the groups")
    static final class Status extends DssCommand
    {
        Status(final CliContext context)
        {
            super(context);
        }

        @Override
        int execute(final Dss dss)
        {
            for (final VolumeGroup vg : dss.volumeGroups())
            {
                final List<InstanceStatus> instances = vg.instances();
                final InstanceStatus self = instances.stream().filter(s -> s.instanceId() == vg.instanceId())
                    .findFirst().orElse(null);
                final boolean fenced = self != null && self.fenced();
                context.out.println("Server status of instance " + vg.instanceId() + " is open and " +
                    (fenced ? "READONLY" : "READWRITE") + ".");
                context.out.println("Volume group " + vg.name() + ": metadata changes take the volume-group lock; " +
                    "holder: " + instances.stream().filter(InstanceStatus::holdsVgLock).map(s ->
                    "instance " + s.instanceId()).findFirst().orElse("none") + ".");
                context.out.printf("%-9s%-12s%-8s%-10s%-22s%s%n", "inst_id", "registered", "fenced", "pid",
                    "alive", "heartbeat_age_ms");
                for (final InstanceStatus status : instances)
                {
                    context.out.printf("%-9d%-12s%-8s%-10d%-22s%d%n", status.instanceId(), status.registered(),
                        status.fenced() ? (status.fenceAcked() ? "yes" : "pending") : "no", status.pid(),
                        status.alive() ? "yes" : "no", status.heartbeatAgeMs());
                }
            }
            return ExitCodes.SUCCESS;
        }
    }
}
