#!/usr/bin/env python3
"""arbiter-stall-sampler.py: watch the arbiter threads of the soak's node JVMs (bench/arbiter-soak.sh) from outside.

Every PERIOD ms it reads, for each node JVM's main thread (the arbiter's duty cycle, comm "java", tid != pid), its
state, wchan and /proc/.../schedstat (time run, time waited runnable on a run queue, slices); and its own lateness
(a sampler that is late too means the whole guest did not run). When a thread has not run for STALL ms, or is in
state D, it prints the thread's state, wchan and kernel stack once per stall, and when the stall ends how it was
spent: run-queue wait (CPU starvation) or blocked (I/O, a lock), with the guest's counters over it.

    python3 bench/arbiter-stall-sampler.py OUT [PERIOD_MS] [STALL_MS]

Run it as root (kernel stacks), best under chrt -f 10 so that its own lateness is the guest's, not the load's, and
with OUT on a tmpfs (/dev/shm): a log on the watched file system blocks when it does. At each stall's start and end
it reads every thread's schedstat ("ran meanwhile"), which costs it 20-70 ms of CPU at its real-time priority.
"""
import os
import sys
import time

out = open(sys.argv[1], "a", buffering=1)
period = float(sys.argv[2] if len(sys.argv) > 2 else 50) / 1000
stall_ms = float(sys.argv[3] if len(sys.argv) > 3 else 300)


def log(msg):
    out.write("%s %s\n" % (time.strftime("%H:%M:%S", time.gmtime()) + ".%03d" % (time.time() % 1 * 1000), msg))


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


def vm_counters():
    wanted = ("pgmajfault", "nr_dirty", "nr_writeback", "pgpgout", "pgpgin", "workingset_refault_file")
    res = {}
    for line in read("/proc/vmstat").splitlines():
        k, _, v = line.partition(" ")
        if k in wanted:
            res[k] = int(v)
    return res


def all_threads():
    """run time (ns) of every thread of the guest, by (pid, tid), with its comm and autogroup: who ran in a stall"""
    res = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        group = read("/proc/%s/autogroup" % pid).split(" ")[0].replace("/autogroup-", "ag")
        try:
            tids = os.listdir("/proc/%s/task" % pid)
        except OSError:
            continue
        for tid in tids:
            sched = read("/proc/%s/task/%s/schedstat" % (pid, tid)).split()
            if sched:
                res[(pid, tid)] = (int(sched[0]), group, read("/proc/%s/task/%s/comm" % (pid, tid)).strip())
    return res


def top_ran(before, after, n=8):
    ran = []
    for key, (run, group, comm) in after.items():
        if key in before:
            ran.append((run - before[key][0], "%s/%s %s" % (key[0], group, comm)))
    ran.sort(reverse=True)
    return ", ".join("%s %.0f" % (who, ns / 1e6) for ns, who in ran[:n] if ns > 0)


def cpu_times():
    f = read("/proc/stat").splitlines()[0].split()[1:]
    return [int(x) for x in f]


def nodes():
    res = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        cmd = read("/proc/%s/cmdline" % pid).split("\0")
        if "io.respool.cluster.arbiter.ArbiterNodeMain" in cmd:
            node = cmd[-2] if cmd[-1] == "" else cmd[-1]
            for tid in os.listdir("/proc/%s/task" % pid) if os.path.isdir("/proc/%s/task" % pid) else []:
                if tid != pid and read("/proc/%s/task/%s/comm" % (pid, tid)).strip() == "java":
                    res[(pid, tid)] = "node" + node
                    break
    return res


class Watch:
    def __init__(self, name, pid, tid):
        self.name, self.pid, self.tid = name, pid, tid
        self.base = "/proc/%s/task/%s/" % (pid, tid)
        self.last_slices = None
        self.last_progress = time.monotonic()
        self.stalled = None
        self.max_stall = 0.0

    def sample(self, now, late_ms):
        sched = read(self.base + "schedstat").split()
        stat = read(self.base + "stat")
        if not sched or not stat:
            return False
        run_ns, wait_ns, slices = int(sched[0]), int(sched[1]), int(sched[2])
        state = stat[stat.rindex(")") + 2]
        if slices != self.last_slices:
            if self.stalled is not None:
                s = self.stalled
                dur = (now - s["t"]) * 1000 + stall_ms
                vm = vm_counters()
                cpu = cpu_times()
                d = {k: vm.get(k, 0) - s["vm"].get(k, 0) for k in vm}
                dcpu = [a - b for a, b in zip(cpu, s["cpu"])]
                log("%s END stall ~%.0f ms: run-queue wait +%.0f ms, ran +%.1f ms, states seen %s, wchans %s, "
                    "sampler max late %.0f ms, guest cpu ticks user/sys/idle/iowait/steal %s, vm %s; ran meanwhile (ms): %s" % (
                        self.name, dur, (wait_ns - s["wait"]) / 1e6, (run_ns - s["run"]) / 1e6,
                        "".join(sorted(s["states"])), sorted(s["wchans"]), s["late"],
                        [dcpu[0], dcpu[2], dcpu[3], dcpu[4], dcpu[7]], d, top_ran(s["threads"], all_threads())))
                self.max_stall = max(self.max_stall, dur)
                self.stalled = None
            self.last_slices = slices
            self.last_progress = now
            self.run_ns, self.wait_ns = run_ns, wait_ns
            if state == "D":
                log("%s in D while progressing: wchan %s stack %s" % (self.name, read(self.base + "wchan"),
                    read(self.base + "stack").replace("\n", " | ")))
            return True
        idle_ms = (now - self.last_progress) * 1000
        if idle_ms >= stall_ms:
            wchan = read(self.base + "wchan")
            if self.stalled is None:
                self.stalled = {"t": now, "run": self.run_ns, "wait": self.wait_ns, "states": set(),
                                "wchans": set(), "late": 0.0, "vm": vm_counters(), "cpu": cpu_times(),
                                "threads": all_threads()}
                log("%s STALL %.0f ms: state %s wchan %s stack %s; D threads of the JVM: %s" % (
                    self.name, idle_ms, state, wchan, read(self.base + "stack").replace("\n", " | "),
                    d_threads(self.pid)))
            s = self.stalled
            if state not in s["states"] or wchan not in s["wchans"]:
                if s["states"]:
                    log("%s   now state %s wchan %s stack %s" % (self.name, state, wchan,
                        read(self.base + "stack").replace("\n", " | ")))
            s["states"].add(state)
            s["wchans"].add(wchan)
            s["late"] = max(s["late"], late_ms)
        return True


def d_threads(pid):
    res = []
    for tid in os.listdir("/proc/%s/task" % pid):
        st = read("/proc/%s/task/%s/stat" % (pid, tid))
        if st and st[st.rindex(")") + 2] == "D":
            res.append("%s(%s): %s" % (tid, read("/proc/%s/task/%s/comm" % (pid, tid)).strip(),
                read("/proc/%s/task/%s/stack" % (pid, tid)).replace("\n", " | ")))
    return res


def main():
    watches = {}
    next_t = time.monotonic()
    max_late = 0.0
    last_scan = 0.0
    last_report = time.monotonic()
    log("sampler start period %.0f ms stall %.0f ms" % (period * 1000, stall_ms))
    while True:
        now = time.monotonic()
        late_ms = (now - next_t) * 1000
        max_late = max(max_late, late_ms)
        if late_ms > 250:
            log("SAMPLER LATE %.0f ms (the guest or this process did not run)" % late_ms)
        if now - last_scan > 2:
            last_scan = now
            for key, name in nodes().items():
                if key not in watches:
                    watches[key] = Watch(name, key[0], key[1])
                    log("watching %s pid %s tid %s" % (name, key[0], key[1]))
        for key in list(watches):
            if not watches[key].sample(now, late_ms):
                log("%s gone; its longest stall %.0f ms" % (watches[key].name, watches[key].max_stall))
                del watches[key]
        if now - last_report > 60:
            last_report = now
            log("minute: sampler max late %.0f ms; %s" % (max_late, ", ".join(
                "%s max stall %.0f ms" % (w.name, w.max_stall) for w in watches.values())))
            max_late = 0.0
        next_t += period
        delay = next_t - time.monotonic()
        if delay < 0:
            next_t = time.monotonic()
            delay = 0
        time.sleep(delay)


main()
