package io.respool.cli.dss;

import io.respool.dss.Dss;
import io.respool.dss.DssException;
import io.respool.dss.ErrorCode;
import io.respool.dss.engine.InstanceOptions;
import io.respool.dss.VolumeGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;

/**
 * {@code check [-g vg] [--accept_log_loss_at lsn]}: verify every metadata structure of one volume group, or of all,
 * like {@code fsck}. Prints each problem on stdout as {@code <vg>: <problem>}; exits 1 if there are any, 0 with a
 * success line if not. A group that open refuses as damaged is reported the same way; the operator may then give up
 * the changes after a damaged committed redo log record by naming its LSN.
 */
@Command(name = "check", sortOptions = false,
    description = "[manage command] verify every metadata structure of a volume group and report what is wrong")
final class CheckCommand extends DssCommand
{
    @Mixin
    ReadOnlyOption readOnlyOption;

    @Option(names = {"-g", "--vg_name"}, paramLabel = "vg_name",
        description = "the volume group to check; default every volume group of the DSS home")
    String vgName;

    @Option(names = "--accept_log_loss_at", paramLabel = "lsn",
        description = "give up every change from this LSN on, where check reported the redo log damaged inside " +
            "its committed part; stop every other instance first")
    Long acceptLogLossAt;

    @Override
    boolean readOnly()
    {
        return readOnlyOption.readOnly;
    }

    CheckCommand(final CliContext context)
    {
        super(context);
    }

    @Override
    String vgOption()
    {
        return vgName;
    }

    @Override
    long acceptLogLossAt()
    {
        return acceptLogLossAt == null ? InstanceOptions.NO_LOSS_ACCEPTED : acceptLogLossAt;
    }

    /**
     * A volume group whose metadata is damaged where open can prove it (committed redo log records that cannot be
     * replayed) is not opened: that is the problem to report, as if check had found it.
     */
    @Override
    int openRefused(final DssException ex)
    {
        if (ex.errorCode() != ErrorCode.CORRUPT)
        {
            throw ex;
        }
        context.out.println((vgName == null ? "" : vgName + ": ") + ErrorLines.oneLine(ex.getMessage()));
        context.err.println(ErrorLines.PREFIX + "check: a volume group could not be opened, the problem is listed " +
            "on stdout; do not write to it, and restore it from a backup or report the problem");
        return ExitCodes.PROBLEMS_FOUND;
    }

    @Override
    int execute(final Dss dss)
    {
        if (acceptLogLossAt != null)
        {
            context.warn("accept_log_loss_at=" + acceptLogLossAt + ": a volume group whose committed redo log was " +
                "damaged at that LSN opened without every change from it on (the DSS log names what was given up)");
        }
        final List<VolumeGroup> groups = vgName == null ? dss.volumeGroups() : List.of(dss.volumeGroup(vgName));
        int total = 0;
        for (final VolumeGroup vg : groups)
        {
            final List<String> problems = vg.check();
            for (final String problem : problems)
            {
                context.out.println(vg.name() + ": " + ErrorLines.oneLine(problem));
            }
            if (problems.isEmpty())
            {
                context.out.println("Succeed to check volume group " + vg.name() + ", no problem found.");
            }
            else
            {
                context.err.println(ErrorLines.PREFIX + "check: volume group " + vg.name() + " has " +
                    problems.size() + " problem(s), listed on stdout; do not write to it, and restore it from a " +
                    "backup or report the problems");
            }
            total += problems.size();
        }
        return total == 0 ? ExitCodes.SUCCESS : ExitCodes.PROBLEMS_FOUND;
    }
}
