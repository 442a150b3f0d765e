package io.respool.cli.cm;

import io.respool.cluster.agent.ClusterConfig;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * {@code cmctl res --list | --check}: CM's {@code res} for reading and checking {@code cm_resource.json}. Editing
 * ({@code --add}, {@code --edit}, {@code --del}) is done in the file itself, which must be copied to every node.
 */
@Command(name = "res", mixinStandardHelpOptions = true,
    description = "Resources of cm_resource.json: --list shows them, --check validates the file. To add, edit or " +
        "delete one, edit the file and copy it to every node, then restart the agents.")
final class ResCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Mixin
    HomeOption home;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Action action;

    static final class Action
    {
        @Option(names = "--list", required = true, description = "list the resources")
        boolean list;

        @Option(names = "--check", required = true, description = "check cm_resource.json")
        boolean check;

        @Option(names = { "--add", "--edit", "--del" }, required = true,
            description = "not here: edit cm_resource.json instead")
        boolean edit;
    }

    @Override
    public Integer call()
    {
        final PrintWriter out = spec.commandLine().getOut();
        if (action.edit)
        {
            throw new CmCtlException("res --add/--edit/--del is not supported; edit " + ClusterConfig.RESOURCE_FILE +
                " in the cluster home, copy it to every node, and restart the agents", 2);
        }
        final ClusterConfig config = home.load();
        if (action.check)
        {
            out.printf("cmctl: %s is valid: %d resource(s)%n", config.home().resolve(ClusterConfig.RESOURCE_FILE),
                config.resources().size());
        }
        else
        {
            ListCommand.resources(out, config);
        }
        out.flush();
        return 0;
    }
}
