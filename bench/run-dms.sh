#!/usr/bin/env bash
# DMS benchmarks of issues 4 and 11: build, run every io.respool.bench.dms benchmark in one JMH run (the floors
# included: raw 8 KiB echoes over Aeron UDP, Aeron IPC and TCP loopback, blocking and polling; and ReformBenchmark, failover and
# switchover time with 10 000 to 1 000 000 pages cached; fetch2WaySIpc and fetch2WayXIpc: two nodes on one shared
# driver over Aeron IPC, judged against the IPC and TCP echoes), print the tables that bench/RESULTS.md records.
# Rewrites no file in the repository.
#
#   bench/run-dms.sh                          build, run, print the table (JSON to /tmp/dms-bench.json)
#   bench/run-dms.sh --table FILE.json        only print the table from an earlier run's JSON
#   bench/run-dms.sh ReformBenchmark -wi 0 -i 2      only the reform benchmark, short (a first argument that is not an
#                                             option replaces the benchmark pattern)
#
# Extra arguments go to JMH (e.g. -p copies=2, -f 3 for more forks, -e WalFlush to leave benchmarks out). DMS
# settings reach the forks with -jvmArgsPrepend, e.g.
# -jvmArgsPrepend -Drespool.dms.wait.drive.ns=0 (not -jvmArgsAppend: that replaces the --add-exports the forks need).
# Environment: RESPOOL_BENCH_CPUS=<asking cpu>,<answering cpu> (e.g. 0,1) pins the benchmark thread and node 0 to
# the first CPU and the other nodes and the echo end to the second; unpinned forks warn on stderr.
set -euo pipefail
cd "$(dirname "$0")/.."

table()
{
    python3 - "$1" <<'PY'
import json, sys

runs = json.load(open(sys.argv[1]))
rows = []
raw = None
floors = {}
reforms = []
for r in runs:
    name = r["benchmark"].rsplit(".", 1)[1]
    params = r.get("params", {})
    if r["mode"] == "ss":
        reforms.append((name, params.get("pages", "n/a"), r["primaryMetric"]))
        continue
    label = name + "".join(f" {k}={v}" for k, v in sorted(params.items()))
    p = r["primaryMetric"]["scorePercentiles"]
    row = (label, p["50.0"], p["90.0"], p["99.0"], p["99.9"], r["primaryMetric"]["score"])
    if name == "rawEcho8k":
        raw = row
    if name in ("rawIpcEcho8k", "rawTcpEcho8k", "rawTcpPollEcho8k"):
        floors[name] = row
    rows.append(row)

def ratio(x, base):
    return f"{x / base:.2f}x" if base else "n/a"

if rows:
    print("| benchmark | p50 us | p90 us | p99 us | p99.9 us | mean us | p50 / raw p50 | p99 / raw p99 |")
    print("|---|---|---|---|---|---|---|---|")
for label, p50, p90, p99, p999, mean in rows:
    print(f"| {label} | {p50:.1f} | {p90:.1f} | {p99:.1f} | {p999:.1f} | {mean:.1f} | "
          f"{ratio(p50, raw[1] if raw else 0)} | {ratio(p99, raw[3] if raw else 0)} |")
two = [row for row in rows if row[0] == "fetch2WayS"]
same_host = [row for row in rows if row[0].startswith("fetch2WaySIpc")]
if raw and two:
    _, p50, _, p99, _, _ = two[0]
    ok50, ok99 = p50 <= 1.25 * raw[1], p99 <= 2 * raw[3]
    print()
    print(f"2-way page fetch target (median <= 1.25x, p99 <= 2x the raw echo): median {p50 / raw[1]:.2f}x "
          f"{'met' if ok50 else 'MISSED'}, p99 {p99 / raw[3]:.2f}x {'met' if ok99 else 'MISSED'}")
if reforms:
    print()
    print("| reform (view published to access open on every member) | pages | mean ms | each iteration ms |")
    print("|---|---|---|---|")
    for name, pages, metric in reforms:
        each = ", ".join(f"{x:.0f}" for fork in metric["rawData"] for x in fork)
        print(f"| {name} | {pages} | {metric['score']:.0f} | {each} |")
    big = [m for name, pages, m in reforms if name == "failover" and pages == "1000000"]
    if big:
        print()
        print(f"issue 11 failover target (1 000 000 pages, below 1 s): {big[0]['score']:.0f} ms "
              f"{'met' if big[0]['score'] < 1000 else 'MISSED'}")
ipc, tcp = floors.get("rawIpcEcho8k"), floors.get("rawTcpEcho8k")
poll = floors.get("rawTcpPollEcho8k")
if ipc and tcp and same_host:
    _, p50, _, p99, _, _ = same_host[0]
    print(f"issue 14, same host over IPC (median <= 1.25x and p99 <= 2x the IPC echo, median below both TCP echoes): "
          f"median {p50 / ipc[1]:.2f}x {'met' if p50 <= 1.25 * ipc[1] else 'MISSED'}, "
          f"p99 {p99 / ipc[3]:.2f}x {'met' if p99 <= 2 * ipc[3] else 'MISSED'}, "
          f"median / blocking TCP {p50 / tcp[1]:.2f}x {'met' if p50 < tcp[1] else 'MISSED'}"
          + (f", median / polling TCP {p50 / poll[1]:.2f}x {'met' if p50 < poll[1] else 'MISSED'}" if poll else ""))
if raw and two:
    print(f"issue 14, cross host (median <= 1.25x the UDP echo, unpinned, every full run): "
          f"{two[0][1] / raw[1]:.2f}x {'met' if two[0][1] <= 1.25 * raw[1] else 'MISSED'}")
PY
}

if [[ "${1:-}" == "--table" ]]
then
    table "$2"
    exit 0
fi

OUT=/tmp/dms-bench.json
echo "== machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p'), load before: $(uptime)"
mvn -q -B -pl bench -am package -DskipTests
# A private copy of the jar: other people rebuild bench/target while a run is in progress.
JAR=$(mktemp /tmp/dms-benchmarks.XXXXXX.jar)
trap 'rm -f "$JAR"' EXIT
cp bench/target/benchmarks.jar "$JAR"
PATTERN='io.respool.bench.dms.*'
if [[ $# -gt 0 && "$1" != -* ]]
then
    PATTERN="$1"
    shift
fi
java -jar "$JAR" "$PATTERN" -rf json -rff "$OUT" "$@"
echo "== load after: $(uptime)"
table "$OUT"
