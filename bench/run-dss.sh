#!/usr/bin/env bash
# DSS benchmarks of issue 2: build, run every io.respool.bench.dss benchmark once, print the table that
# bench/RESULTS.md ("## DSS (issue 2)") records. Rewrites no file in the repository.
#
#   bench/run-dss.sh                          build the committed HEAD, run, print the table (JSON: /tmp/dss-bench.json)
#   bench/run-dss.sh --in-place               build the working tree as it is instead (cd /work/main && mvn ...)
#   bench/run-dss.sh --table FILE.json        only print the table from an earlier run's JSON
#
# By default the build is of `git archive HEAD` in a temporary directory, so the figures belong to a commit even
# while others have uncommitted edits in the shared working tree; --in-place measures those edits too.
# Extra arguments after the options go to JMH (e.g. -p backend=MAPPED). Environment: RESPOOL_BENCH_CPUS=1 pins the
# benchmark threads; RESPOOL_BENCH_DIR=/path puts the temporary images elsewhere (default java.io.tmpdir).
set -euo pipefail
cd "$(dirname "$0")/.."

table()
{
    python3 - "$1" <<'PY'
import json, sys

runs = json.load(open(sys.argv[1]))
res = {}
for r in runs:
    name = r["benchmark"].rsplit(".", 1)[1]
    backend = r.get("params", {}).get("backend", "")
    pm = r["primaryMetric"]
    res[(name, backend, r["mode"])] = pm

def get(name, backend, mode):
    return res.get((name, backend, mode))

def pct(pm, p):
    return pm["scorePercentiles"][p] if pm else float("nan")

def fmt(x, digits=2):
    return "n/a" if x is None or x != x else f"{x:.{digits}f}"

print("### Data path: 8 KiB random I/O, single thread (us/op; ratio = raw time / DSS time, >= 0.9 meets the target)")
print()
print("| benchmark | backend | DSS avg | raw avg | ratio | DSS p50 / p99 | raw p50 / p99 |")
print("|---|---|---|---|---|---|---|")
for op in ("read", "write"):
    for backend in ("MAPPED", "DIRECT"):
        d, r = get(op + "Dss", backend, "avgt"), get(op + "Raw", backend, "avgt")
        ds, rs = get(op + "Dss", backend, "sample"), get(op + "Raw", backend, "sample")
        if not d and not r:
            continue
        ratio = r["score"] / d["score"] if d and r else float("nan")
        print(f"| 8 KiB random {op} | {backend} | {fmt(d['score'] if d else None)} ± {fmt(d['scoreError'] if d else None)}"
              f" | {fmt(r['score'] if r else None)} ± {fmt(r['scoreError'] if r else None)} | {fmt(ratio)}x"
              f" | {fmt(pct(ds, '50.0'))} / {fmt(pct(ds, '99.0'))} | {fmt(pct(rs, '50.0'))} / {fmt(pct(rs, '99.0'))} |")
print()
print("### Metadata: create + delete of a file, each durable on return (ops/s; ratio = DSS rate / raw rate)")
print()
print("| benchmark | backend | DSS ops/s | raw ops/s (log mechanism, 1 thread) | ratio | DSS p50 / p99 ms | raw pwrite+fdatasync ops/s |")
print("|---|---|---|---|---|---|---|")
for threads, name in ((1, "createDelete1Thread"), (4, "createDelete4Threads"), (16, "createDelete16Threads")):
    for backend in ("MAPPED", "DIRECT"):
        d = get(name, backend, "thrpt")
        r = get("rawTwoSyncsLogMechanism", backend, "thrpt")
        p = get("rawTwoSyncsPwrite", backend, "thrpt")
        s = get(name, backend, "sample")
        if not d:
            continue
        ratio = d["score"] / r["score"] if r else float("nan")
        print(f"| create+delete, {threads} thread{'s' if threads > 1 else ''} | {backend} | {fmt(d['score'] * 1000, 0)}"
              f" | {fmt(r['score'] * 1000 if r else None, 0)} | {fmt(ratio)}x"
              f" | {fmt(pct(s, '50.0'), 3)} / {fmt(pct(s, '99.0'), 3)} | {fmt(p['score'] * 1000 if p else None, 0)} |")
PY
}

if [[ "${1:-}" == "--table" ]]
then
    table "$2"
    exit 0
fi

OUT=/tmp/dss-bench.json
echo "== machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p'), $(uname -r), load before: $(uptime)"
# A private copy of the jar: other people rebuild bench/target while a run is in progress.
JAR=$(mktemp /tmp/dss-benchmarks.XXXXXX.jar)
SRC=""
trap 'rm -f "$JAR"; [[ -n "$SRC" ]] && rm -rf "$SRC"' EXIT
if [[ "${1:-}" == "--in-place" ]]
then
    shift
    echo "== building the working tree of $(pwd)"
    mvn -q -B -pl bench -am package -DskipTests
    cp bench/target/benchmarks.jar "$JAR"
else
    SRC=$(mktemp -d /tmp/dss-bench-src.XXXXXX)
    echo "== building commit $(git rev-parse HEAD) (git archive) in $SRC"
    git archive HEAD | tar -x -C "$SRC"
    (cd "$SRC" && mvn -q -B -pl bench -am package -DskipTests)
    cp "$SRC/bench/target/benchmarks.jar" "$JAR"
fi
java -jar "$JAR" 'io.respool.bench.dss.*' -rf json -rff "$OUT" "$@"
echo "== load after: $(uptime)"
table "$OUT"
