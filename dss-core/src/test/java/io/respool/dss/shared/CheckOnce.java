package io.respool.dss.shared;

import io.respool.dss.Dss;
import io.respool.dss.config.StorageMode;
import io.respool.dss.engine.InstanceOptions;

import java.nio.file.Path;
import java.util.List;

/**
 * A child process of {@link LeaseSafetyProcessTest}, as {@code dsscmd check} from a third DSS home would run: open
 * the volume group as its own instance, check it, print {@code PROBLEM <line>} for each problem found, and close.
 * Usage: {@code CheckOnce <volume> <lockDirectory> <instanceId>}.
 */
public final class CheckOnce
{
    private CheckOnce()
    {
    }

    public static void main(final String[] args)
    {
        final InstanceOptions options = InstanceOptions.defaults().withLockDirectory(Path.of(args[1]))
            .withStorageMode(StorageMode.SHARE_DISK).withInstanceId(Integer.parseInt(args[2]));
        try (Dss dss = Dss.openVolumeGroup("data", Path.of(args[0]), options))
        {
            final List<String> problems = dss.volumeGroup("data").check();
            for (final String problem : problems)
            {
                System.out.println("PROBLEM " + problem);
            }
        }
        System.out.println("CHECKED");
    }
}
