package io.respool.cli.dss;

import picocli.CommandLine.Option;

/**
 * {@code --read_only}, for the commands that only read (ls, cp out of DSS, examine, check): open the volume groups
 * for reading only, so that one whose committed redo log is damaged, which every other command refuses, can still be
 * looked at and copied out of before an operator restores it or accepts the loss. Nothing is written; every write
 * is refused naming the damage.
 */
final class ReadOnlyOption
{
    @Option(names = "--read_only", order = 80,
        description = "open the volume groups for reading only: works where the redo log is damaged, writes nothing")
    boolean readOnly;
}
