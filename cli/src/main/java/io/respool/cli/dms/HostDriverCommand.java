package io.respool.cli.dms;

import io.respool.dms.HostDriver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.File;
import java.util.concurrent.Callable;

/**
 * {@code dmscmd host-driver DIR}: the media driver the DMS nodes of this host share ({@link HostDriver}), in the
 * foreground until SIGTERM or SIGINT, as a supervisor (the cluster manager's agent, systemd) runs it. Exit 1 at once,
 * naming the pid, if another driver runs in {@code DIR}. With {@code --check}, say whether the driver there runs and
 * exit with CM's {@code -check} code ({@link HostDriver#check}), for the agent's {@code check} of the instance.
 */
@Command(name = "host-driver", mixinStandardHelpOptions = true,
    description = "Run the media driver this host's DMS nodes share (Aeron IPC between them), until SIGTERM; " +
        "exit 1 if another driver runs in DIR. --check: exit 0 if a driver runs there, 1 if none, 3 if hung.")
final class HostDriverCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR",
        description = "its Aeron directory, the nodes' respool.dms.external.aeron.dir (e.g. /dev/shm/respool-host-driver)")
    File dir;

    @Option(names = "--idle",
        description = "idle strategy of its conductor: sleep (default: 100 us parks), yield, backoff, sleep-1ms, busy")
    String idleStrategy = System.getProperty(HostDriver.IDLE_STRATEGY_PROP_NAME, HostDriver.IDLE_STRATEGY_DEFAULT);

    @Option(names = "--client-liveness-ms",
        description = "how long it keeps a silent node's resources and UDP port (default ${DEFAULT-VALUE})")
    long clientLivenessMs = Long.getLong(HostDriver.CLIENT_LIVENESS_PROP_NAME, HostDriver.CLIENT_LIVENESS_DEFAULT_MS);

    @Option(names = "--check",
        description = "do not run a driver: exit 0 if one runs in DIR, 1 if none does, 3 if its process lives but its " +
            "conductor's heartbeat is older than --timeout-ms (hung, stopped)")
    boolean check;

    @Option(names = "--timeout-ms",
        description = "with --check, how old the driver's heartbeat may be (default ${DEFAULT-VALUE}; it writes it " +
            "about once a second)")
    long timeoutMs = HostDriver.CHECK_TIMEOUT_DEFAULT_MS;

    @Override
    public Integer call()
    {
        if (check)
        {
            return HostDriver.check(dir, timeoutMs, spec.commandLine().getOut());
        }
        return HostDriver.run(dir, idleStrategy, clientLivenessMs, spec.commandLine().getOut(),
            spec.commandLine().getErr());
    }
}
