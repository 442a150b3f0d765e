package io.respool.cli.dss;

import io.respool.dss.Dss;
import io.respool.dss.InstanceStatus;
import io.respool.dss.KickResult;
import io.respool.dss.VolumeGroup;
import io.respool.dss.config.InstanceConfig;
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
    /** openGauss {@code DSS_MAX_INST_ID}: instance ids are 0 to 63. */
    static final int MAX_INST_ID = InstanceConfig.MAX_INSTANCES;

    private FenceCommands()
    {
    }

    /**
     * @throws CliException naming the valid range if {@code id} is not an instance id, with openGauss's line.
     */
    static void checkInstanceId(final int id)
    {
        if (id < 0 || id >= MAX_INST_ID)
        {
            throw CliException.withOpenGaussLine("inst_id out of range: inst_id=" + id + ", valid=0.." +
                (MAX_INST_ID - 1) + "; give the INST_ID of an instance (dss_inst.ini), 0 to " + (MAX_INST_ID - 1),
                "The value of inst_id should be in [0, " + MAX_INST_ID + ").");
        }
    }

    /**
     * {@code reghl -i id} and {@code unreghl -i id}, as one version of openGauss's {@code dss_contrl.sh} passes
     * them, act on the instance of the DSS home; {@code id} must be its {@code INST_ID}.
     *
     * @param given the {@code -i} value, or null if not given.
     */
    static void checkOwnInstance(final String command, final Integer given, final int own)
    {
        if (given == null)
        {
            return;
        }
        checkInstanceId(given);
        if (given != own)
        {
            throw new CliException(command + " -i names another instance: inst_id=" + given + ", INST_ID=" + own +
                "; " + command + " acts on the instance of this DSS home: pass -i " + own + " or leave -i out, or " +
                "run it with the DSS home of instance " + given + (command.equals("unreghl") ?
                ", or fence that instance from here with dsscmd kickh -i " + given : ""));
        }
    }

    /**
     * {@code reghl [-i id]}: register this instance on every volume group, lifting a fence.
     */
    @Command(name = "reghl", sortOptions = false,
        description = "[manage command] register this instance (INST_ID of the DSS home) on every volume group")
    static final class Register extends DssCommand implements OpenGaussFailure
    {
        @Option(names = {"-i", "--inst_id"}, paramLabel = "id",
            description = "must be this home's INST_ID if given (one dss_contrl.sh version passes it)")
        Integer instanceId;

        Register(final CliContext context)
        {
            super(context);
        }

        @Override
        public String openGaussFailureLine()
        {
            return "Failed to register.";
        }

        @Override
        void checkArguments()
        {
            if (instanceId != null)
            {
                checkInstanceId(instanceId);
            }
        }

        @Override
        int execute(final Dss dss)
        {
            checkOwnInstance("reghl", instanceId, home.instance().instanceId());
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
    static final class Unregister extends DssCommand implements OpenGaussFailure
    {
        @Option(names = {"-t", "--type"}, paramLabel = "0|1", description = "accepted for openGauss compatibility")
        int type = 1;

        @Option(names = {"-i", "--inst_id"}, paramLabel = "id",
            description = "must be this home's INST_ID if given (one dss_contrl.sh version passes it)")
        Integer instanceId;

        Unregister(final CliContext context)
        {
            super(context);
        }

        @Override
        public String openGaussFailureLine()
        {
            return "Failed to unregister.";
        }

        @Override
        void checkArguments()
        {
            if (instanceId != null)
            {
                checkInstanceId(instanceId);
            }
        }

        @Override
        int execute(final Dss dss)
        {
            checkOwnInstance("unreghl", instanceId, home.instance().instanceId());
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
    static final class Kick extends DssCommand implements OpenGaussFailure
    {
        @Option(names = {"-i", "--inst_id"}, required = true, paramLabel = "id",
            description = "instance to fence, 0 to 63")
        int instanceId;

        Kick(final CliContext context)
        {
            super(context);
        }

        @Override
        public String openGaussFailureLine()
        {
            return "Failed to kick host, kickid " + instanceId + ".";
        }

        @Override
        void checkArguments()
        {
            checkInstanceId(instanceId);
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
                        context.out.println(openGaussFailureLine());
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
    static final class Inquire extends DssCommand implements OpenGaussFailure
    {
        @Option(names = {"-i", "--inst_id"}, required = true, paramLabel = "id",
            description = "instance to ask about, 0 to 63")
        int instanceId;

        Inquire(final CliContext context)
        {
            super(context);
        }

        @Override
        public String openGaussFailureLine()
        {
            return "Failed to inq reg host " + instanceId + ".";
        }

        @Override
        void checkArguments()
        {
            checkInstanceId(instanceId);
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
     * {@code getstatus}: openGauss's three lines, then each volume group's lock holder and instance table.
     */
    @Command(name = "getstatus", sortOptions = false,
        description = "[client command] get dss server status: this instance's, then every instance's per volume " +
            "group",
        footerHeading = "%n",
        footer = {"The first three lines are openGauss's. READONLY means this instance is fenced on some volume group. " +
            "Master id is this instance's own id: there is no metadata primary here, every instance makes its own " +
            "metadata changes under the volume-group lock, whose holder the next lines name. DSS_MAINTAIN is " +
            "always FALSE: there is no maintain mode."})
    static final class Status extends DssCommand implements OpenGaussFailure
    {
        Status(final CliContext context)
        {
            super(context);
        }

        @Override
        public String openGaussFailureLine()
        {
            return "Failed to get server status.";
        }

        @Override
        int execute(final Dss dss)
        {
            final int self = home.instance().instanceId();
            boolean fenced = false;
            for (final VolumeGroup vg : dss.volumeGroups())
            {
                fenced |= vg.instances().stream().anyMatch(s -> s.instanceId() == self && s.fenced());
            }
            context.out.println("Server status of instance " + self + " is open and " +
                (fenced ? "READONLY" : "READWRITE") + ".");
            context.out.println("Master id is " + self + " .");
            context.out.println("DSS_MAINTAIN is FALSE.");
            for (final VolumeGroup vg : dss.volumeGroups())
            {
                final List<InstanceStatus> instances = vg.instances();
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
