#!/usr/bin/env bash
# DSS benchmarks of issue 2: build, run, print the tables that bench/RESULTS.md ("## DSS (issue 2)") records, and the
# MAPPED data path beside its floor, a raw memory copy into a mapping of the same image (issue 14).
# Rewrites no file in the repository.
#
#   bench/run-dss.sh                       build the committed HEAD, run every io.respool.bench.dss benchmark once,
#                                          print the tables (JMH JSON: /tmp/dss-bench.json)
#   bench/run-dss.sh --abab 3              build HEAD, then run the DIRECT data-path pairs alternately, 3 rounds of
#                                          readDss, readRaw, writeDss, writeRaw (sample mode), print per-round means
#   bench/run-dss.sh --in-place [...]      build the working tree as it is instead of HEAD (either mode)
#   bench/run-dss.sh --table FILE.json     only print the tables from an earlier run's JSON
#
# By default the build is of `git archive HEAD` in a temporary directory, so the figures belong to a commit even
# while others have uncommitted edits in the shared working tree. Extra arguments go to JMH (e.g. -p backend=MAPPED).
# Environment: RESPOOL_BENCH_CPUS=1 pins the benchmark threads; RESPOOL_BENCH_DIR=/path puts the temporary images
# elsewhere (default java.io.tmpdir; each data-path fork writes a 1 GiB file).
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
    res[(name, backend, r["mode"])] = r["primaryMetric"]

def get(name, backend, mode):
    return res.get((name, backend, mode))

def pct(pm, p):
    return pm["scorePercentiles"][p] if pm else float("nan")

def fmt(x, digits=2):
    return "n/a" if x is None or x != x else f"{x:.{digits}f}"

def score(pm, scale=1.0, digits=2):
    return "n/a" if not pm else f"{fmt(pm['score'] * scale, digits)} ± {fmt(pm['scoreError'] * scale, digits)}"

print("Data path, 8 KiB random I/O, one thread, us/op; ratio = raw time / DSS time (>= 0.9 meets the target)")
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
        print(f"| 8 KiB random {op} | {backend} | {score(d)} | {score(r)} | {fmt(ratio)}x"
              f" | {fmt(pct(ds, '50.0'))} / {fmt(pct(ds, '99.0'))} | {fmt(pct(rs, '50.0'))} / {fmt(pct(rs, '99.0'))} |")
print()
print("MAPPED floor: the same 8 KiB copied out of / into a second mapping of the image (DssMappedCopyBenchmark), us/op;")
print("ratio = copy time / DSS MAPPED time (>= 0.8 for the write meets issue 14's target)")
print()
print("| operation | DSS MAPPED avg | memory copy avg | ratio | copy p50 / p99 |")
print("|---|---|---|---|---|")
for op in ("read", "write"):
    d, c, cs = get(op + "Dss", "MAPPED", "avgt"), get(op + "MappedCopy", "", "avgt"), get(op + "MappedCopy", "", "sample")
    if not c:
        continue
    ratio = c["score"] / d["score"] if d else float("nan")
    print(f"| 8 KiB random {op} | {score(d)} | {score(c)} | {fmt(ratio)}x | {fmt(pct(cs, '50.0'))} / {fmt(pct(cs, '99.0'))} |")
print()
print("Metadata, create + delete of a file, each durable on return, ops/s; ratio = DSS rate / raw log-mechanism rate")
print()
print("| benchmark | backend | DSS ops/s | raw ops/s, log mechanism | ratio | DSS p50 / p99 ms | raw ops/s, pwrite+fdatasync |")
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
        print(f"| create+delete, {threads} thread{'s' if threads > 1 else ''} | {backend} | {score(d, 1000, 0)}"
              f" | {score(r, 1000, 0)} | {fmt(ratio)}x"
              f" | {fmt(pct(s, '50.0'), 3)} / {fmt(pct(s, '99.0'), 3)} | {score(p, 1000, 0)} |")
PY
}

abab_table()
{
    python3 - "$1" <<'PY'
import glob, json, sys

rows = {}
for f in glob.glob(sys.argv[1] + "/abab-*.json"):
    _, rnd, method = f[:-5].rsplit("/", 1)[1].split("-")
    pm = json.load(open(f))[0]["primaryMetric"]
    rows.setdefault(method, {})[int(rnd)] = (pm["score"], pm["scorePercentiles"]["50.0"])
print("DIRECT data path run alternately, sample mode, us/op: mean (p50) per round; ratio = raw / DSS")
print()
print("| operation | round | DSS mean (p50) | raw mean (p50) | ratio of means (of p50s) |")
print("|---|---|---|---|---|")
for op in ("read", "write"):
    d, r = rows.get(op + "Dss", {}), rows.get(op + "Raw", {})
    for rnd in sorted(set(d) & set(r)):
        print(f"| 8 KiB {op} | {rnd} | {d[rnd][0]:.1f} ({d[rnd][1]:.1f}) | {r[rnd][0]:.1f} ({r[rnd][1]:.1f})"
              f" | {r[rnd][0] / d[rnd][0]:.2f}x ({r[rnd][1] / d[rnd][1]:.2f}x) |")
    rounds = sorted(set(d) & set(r))
    if rounds:
        dm = sum(d[i][0] for i in rounds) / len(rounds)
        rm = sum(r[i][0] for i in rounds) / len(rounds)
        dp = sum(d[i][1] for i in rounds) / len(rounds)
        rp = sum(r[i][1] for i in rounds) / len(rounds)
        print(f"| 8 KiB {op} | all | {dm:.1f} ({dp:.1f}) | {rm:.1f} ({rp:.1f}) | {rm / dm:.2f}x ({rp / dp:.2f}x) |")
PY
}

if [[ "${1:-}" == "--table" ]]
then
    table "$2"
    exit 0
fi

IN_PLACE=0
if [[ "${1:-}" == "--in-place" ]]
then
    IN_PLACE=1
    shift
fi
ABAB=0
if [[ "${1:-}" == "--abab" ]]
then
    ABAB=$2
    shift 2
fi

echo "== machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p'), $(uname -r), load before: $(uptime)"
# A private copy of the jar: other people rebuild bench/target while a run is in progress.
JAR=$(mktemp /tmp/dss-benchmarks.XXXXXX.jar)
SRC=""
trap 'rm -f "$JAR"; [[ -n "$SRC" ]] && rm -rf "$SRC"' EXIT
if [[ $IN_PLACE == 1 ]]
then
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

if [[ $ABAB -gt 0 ]]
then
    OUT_DIR=/tmp/dss-bench-abab
    rm -rf "$OUT_DIR"
    mkdir -p "$OUT_DIR"
    for round in $(seq 1 "$ABAB")
    do
        for method in readDss readRaw writeDss writeRaw
        do
            java -jar "$JAR" "io.respool.bench.dss.DssDataPathBenchmark.$method\$" -p backend=DIRECT -bm sample \
                -rf json -rff "$OUT_DIR/abab-$round-$method.json" "$@" > "$OUT_DIR/abab-$round-$method.log" 2>&1
        done
        echo "== round $round done: $(uptime)"
    done
    abab_table "$OUT_DIR"
    exit 0
fi

OUT=/tmp/dss-bench.json
java -jar "$JAR" 'io.respool.bench.dss.*' -rf json -rff "$OUT" "$@"
echo "== load after: $(uptime)"
table "$OUT"
