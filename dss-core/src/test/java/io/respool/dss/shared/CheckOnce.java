package io.respool.dss.shared;

import io.respool.dss.Dss;

import java.nio.file.Path;
import java.util.List;

/**
 * A child process of {@link LeaseSafetyProcessTest}, as {@code dsscmd check -D <home>} runs from a third DSS home:
 * open the home's volume groups as its instance ({@code INST_ID}, {@code STORAGE_MODE} from its
 * {@code dss_inst.ini}), check {@code data}, print {@code PROBLEM <line>} for each problem found, and close.
 * Usage: {@code CheckOnce <dssHome>}.
 */
public final class CheckOnce
{
    private CheckOnce()
    {
    }

    public static void main(final String[] args)
    {
        try (Dss dss = Dss.open(Path.of(args[0])))
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
