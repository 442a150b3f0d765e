package io.respool.dss.engine;

import io.respool.common.process.HostProcesses;
import io.respool.common.process.LinuxProcesses;
import io.respool.common.process.ProcessIdentity;
import io.respool.dss.DssException;
import io.respool.dss.ErrorCode;
import io.respool.dss.InstanceStatus;
import io.respool.dss.KickResult;
import io.respool.dss.format.MemberSector;
import io.respool.dss.format.SectorBlock;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A kick, the instance statuses and a join judge a member's process through {@code /proc} only when its member
 * sector names it precisely: this boot, this pid namespace, and the start time the process has now. The member here
 * is a real child process (a {@code sleep}) whose sector stopped heartbeating; the identity recorded for it is
 * varied: another pid namespace on this kernel (a container), another start time (the pid was reused), a sector of
 * version 1 (no identity), a real process in a new pid namespace ({@code unshare --pid}), and, to show that the
 * check can find it at all, its exact identity, which gets it killed.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class KickProcessIdentityTest extends TwoPeersFixture
{
    private static final int VICTIM = 5;

    private final LinuxProcesses processes = new LinuxProcesses();
    private Process child;

    @AfterEach
    void stopChild()
    {
        if (child != null)
        {
            child.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            child.destroyForcibly();
        }
    }

    @Test
    void shouldNeverKillNorCheckHereAMemberOfAnotherPidNamespace() throws Exception
    {
        final ProcessIdentity sleeper = startSleeper();
        final ProcessIdentity sameKernelOtherNamespace = new ProcessIdentity(sleeper.bootId(),
            sleeper.pidNamespace() + 1, sleeper.pid(), sleeper.startTicks());
        writeVictim(sameKernelOtherNamespace);

        assertEquals(HostProcesses.Status.ELSEWHERE, Processes.HOST.status(sameKernelOtherNamespace));
        assertTrue(victimStatus().alive(), "judged by its fresh heartbeat, not by the pid here");
        assertEquals(KickResult.UNCONFIRMED, b.coordinator.kick(VICTIM));
        assertTrue(child.isAlive(), "the process with that pid here is not the member and was left alone");
        group.advance(3 * Fencing.STALE_MS);
        assertFalse(victimStatus().alive(), "a heartbeat that stood still long enough says it is dead");
    }

    @Test
    void shouldTakeAPidOfAnotherStartTimeForAnotherProcess() throws Exception
    {
        final ProcessIdentity sleeper = startSleeper();
        final ProcessIdentity reused = new ProcessIdentity(sleeper.bootId(), sleeper.pidNamespace(), sleeper.pid(),
            sleeper.startTicks() - 1);
        writeVictim(reused);

        assertFalse(victimStatus().alive(), "the member's process is gone, though a process has its pid");
        assertEquals(KickResult.NOT_RUNNING, b.coordinator.kick(VICTIM));
        assertTrue(child.isAlive(), "the later process that got the pid was left alone");
    }

    @Test
    void shouldJudgeAVersion1MemberByItsHeartbeatOnly() throws Exception
    {
        final ProcessIdentity sleeper = startSleeper();
        final MemberSector version1 = member(sleeper);
        // as a version 1 writer left it: its pid, the 32-bit hash of the boot id, nothing more
        version1.buffer().putInt(SectorBlock.VERSION_OFFSET, 1, LITTLE_ENDIAN);
        version1.buffer().putLong(48, bootIdHash(), LITTLE_ENDIAN);
        version1.buffer().putLong(64, 0, LITTLE_ENDIAN);
        version1.buffer().putLong(72, 0, LITTLE_ENDIAN);
        a.sectors.writeMember(VICTIM, version1);
        assertEquals(1, a.sectors.readMember(VICTIM).version());

        assertEquals(KickResult.UNCONFIRMED, b.coordinator.kick(VICTIM));
        assertTrue(child.isAlive(), "a pid without an identity is never killed");
    }

    @Test
    void shouldJoinOverAStillMemberOfAnotherPidNamespaceButNotOverALiveOneHere() throws Exception
    {
        final ProcessIdentity sleeper = startSleeper();
        writeVictim(new ProcessIdentity(sleeper.bootId(), sleeper.pidNamespace() + 1, sleeper.pid(),
            sleeper.startTicks()));
        final ManualClockVolumeGroup.Peer joiner = group.new Peer(VICTIM, dir.resolve("entry"));
        assertTrue(joiner.coordinator.isMember(), "its heartbeat stood still: the member is gone, whatever the pid");
        CloseHelper.quietClose(joiner.device);

        writeVictim(sleeper);
        final ManualClockVolumeGroup.Peer second = group.new Peer(VICTIM, dir.resolve("entry"));
        assertFalse(second.coordinator.isMember(), "the member's own process runs here: it stays the member");
        CloseHelper.quietClose(second.device);
    }

    @Test
    void shouldKillTheMemberItNamesPrecisely() throws Exception
    {
        final ProcessIdentity sleeper = startSleeper();
        writeVictim(sleeper);

        assertTrue(victimStatus().alive());
        assertEquals(KickResult.KILLED, b.coordinator.kick(VICTIM));
        assertTrue(child.waitFor(10, TimeUnit.SECONDS), "killed, and exited");
        assertEquals(HostProcesses.Status.GONE, Processes.HOST.status(sleeper));
    }

    @Test
    void shouldRefuseToKillThisVeryProcess()
    {
        writeVictim(Processes.HOST.self()); // another open of the group in this JVM, its agent hung

        final DssException refused = assertThrows(DssException.class, () -> b.coordinator.kick(VICTIM));
        assertEquals(ErrorCode.IO_ERROR, refused.errorCode());
        assertTrue(refused.getMessage().contains("this very process") && refused.getMessage().contains("instance=5"),
            refused.getMessage());
        assertTrue(a.sectors.readFence(VICTIM).fenced(), "its fence stands");
    }

    /**
     * A real member process in a pid namespace of its own, as a container (or the two-host rig) runs it: it records
     * its identity as it sees it (pid 1 there). Here pid 1 is another process (our init): a kick that trusted the
     * boot id would have killed that.
     */
    @Test
    void shouldLeaveARealProcessInANewPidNamespaceAlone() throws Exception
    {
        final ProcessBuilder unshare = new ProcessBuilder("unshare", "--pid", "--fork", "--mount-proc", "sh", "-c",
            "echo \"$(readlink /proc/self/ns/pid) $(cat /proc/$$/stat)\"; exec sleep 60");
        unshare.redirectErrorStream(true);
        child = unshare.start();
        final String line = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))
            .readLine();
        Assumptions.assumeTrue(line != null && line.startsWith("pid:["),
            () -> "unshare --pid --fork --mount-proc is not allowed here (needs root or CAP_SYS_ADMIN and no seccomp " +
                "filter against unshare): it said " + line);
        final ProcessIdentity inside = identityAsSeenInside(line);
        final ProcessHandle sleeper = child.toHandle().children().findFirst().orElseThrow();
        assertEquals(1, inside.pid(), "the first process of a new pid namespace");
        assertNotEquals(Processes.HOST.self().pidNamespace(), inside.pidNamespace());
        assertEquals(processes.identify(sleeper.pid()).startTicks(), inside.startTicks(), "one kernel, one clock");
        writeVictim(inside);

        assertEquals(HostProcesses.Status.ELSEWHERE, Processes.HOST.status(inside));
        assertEquals(KickResult.UNCONFIRMED, b.coordinator.kick(VICTIM));
        assertTrue(sleeper.isAlive(), "the process in the other pid namespace was not killed");
        assertTrue(ProcessHandle.of(1).map(ProcessHandle::isAlive).orElse(true), "nor our pid 1");
    }

    /** From "pid:[NNN] PID (COMM) STATE ...": the namespace inode, then the stat line's pid and field 22. */
    private ProcessIdentity identityAsSeenInside(final String line)
    {
        final long namespace = Long.parseLong(line.substring(line.indexOf('[') + 1, line.indexOf(']')));
        final String stat = line.substring(line.indexOf(']') + 2);
        final long pid = Long.parseLong(stat.substring(0, stat.indexOf(' ')));
        final String[] fields = stat.substring(stat.lastIndexOf(')') + 1).trim().split(" +");
        return new ProcessIdentity(Processes.HOST.self().bootId(), namespace, pid, Long.parseLong(fields[19]));
    }

    private ProcessIdentity startSleeper() throws Exception
    {
        child = new ProcessBuilder("sleep", "60").start();
        final ProcessIdentity identity = processes.identify(child.pid());
        assertTrue(identity.known() && identity.sameHostAs(Processes.HOST.self()), identity.toString());
        return identity;
    }

    private MemberSector member(final ProcessIdentity process)
    {
        return SharedSectors.blank(new MemberSector()).registered(true).incarnation(7).heartbeat(9).process(process)
            .heartbeatMs(group.nowMs());
    }

    private void writeVictim(final ProcessIdentity process)
    {
        a.sectors.writeMember(VICTIM, member(process));
    }

    private InstanceStatus victimStatus()
    {
        return b.coordinator.statuses().stream().filter(s -> s.instanceId() == VICTIM).findFirst().orElseThrow();
    }

    /** The boot id as version 1 recorded it. */
    private static long bootIdHash() throws Exception
    {
        return Files.readString(Path.of("/proc/sys/kernel/random/boot_id"), StandardCharsets.US_ASCII).trim()
            .hashCode() & 0xFFFFFFFFL;
    }
}
