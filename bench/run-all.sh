#!/usr/bin/env bash
# Every benchmark of the DSS and DMS issues in one run, written to bench/RESULTS.md: the machine, this command, each
# figure beside its raw baseline from the same run as a ratio, and a verdict per target. Only the generated section
# of RESULTS.md (between its BEGIN/END GENERATED markers) is rewritten; the hand-written analysis stays.
#
#   bench/run-all.sh               build the committed HEAD (git archive), run everything (about 25 minutes on 2 cores)
#   bench/run-all.sh --quick       the same with 1 s iterations and 1 + 2 reforms per setting (about
#                                  8 minutes): checks that everything runs;
#                                  the figures are marked as not for comparison
#   bench/run-all.sh --in-place    build the working tree as it is instead of HEAD (the commit is marked +dirty)
#
# Suites, in order: DSS data path (8 KiB random read/write beside raw pread/pwrite, MAPPED then DIRECT; MAPPED also
# beside its floor, a raw memory copy into a mapping of the same image), DSS metadata (create+delete beside raw
# durable writes), DMS unpinned, DMS pinned (asking side on CPU 0, answering side on CPU 1; each with the same-host
# fetches over Aeron IPC, fetch2WaySIpc and fetch2WayXIpc, and the cross-host ones over UDP), each DMS suite with its
# floors: raw 8 KiB echoes over Aeron UDP, Aeron IPC (one driver) and TCP loopback (NIO, TCP_NODELAY, blocking and
# polling); then DMS reform (ReformBenchmark: failover and switchover time of 3 nodes with 10 000 to 1 000 000 pages
# cached, unpinned).
# JMH JSON of each suite stays in $TMPDIR/respool-bench-<time>.
# The DSS images (up to 1.25 GiB, sparse) go to java.io.tmpdir, or to $RESPOOL_BENCH_DIR if set.
set -euo pipefail
cd "$(dirname "$0")/.."

QUICK=""
IN_PLACE=0
for arg in "$@"
do
    case "$arg" in
        --quick) QUICK=--quick ;;
        --in-place) IN_PLACE=1 ;;
        *) echo "run-all: unknown argument: $arg (expected --quick, --in-place)" >&2; exit 2 ;;
    esac
done
for tool in mvn java git
do
    command -v "$tool" > /dev/null || { echo "run-all: $tool is not on the PATH (needs JDK 17, Maven 3.8+, git)" >&2; exit 2; }
done

# The DMS suites choose their own pinning; the DSS suites run unpinned, as the report says.
unset RESPOOL_BENCH_CPUS

# A private copy of the jar: others may rebuild bench/target while a run is in progress.
JAR=$(mktemp "${TMPDIR:-/tmp}/respool-benchmarks.XXXXXX.jar")
SRC=""
trap 'rm -f "$JAR"; [[ -n "$SRC" ]] && rm -rf "$SRC"' EXIT
COMMIT=$(git rev-parse --short HEAD)
if [[ $IN_PLACE == 1 ]]
then
    [[ -n "$(git status --porcelain -- . ':!bench/RESULTS.md')" ]] && COMMIT="$COMMIT+dirty"
    echo "== building the working tree ($COMMIT)"
    mvn -q -B -pl bench -am package -DskipTests
    cp bench/target/benchmarks.jar "$JAR"
else
    SRC=$(mktemp -d "${TMPDIR:-/tmp}/respool-bench-src.XXXXXX")
    echo "== building commit $COMMIT (git archive HEAD) in $SRC"
    git archive HEAD | tar -x -C "$SRC"
    (cd "$SRC" && mvn -q -B -pl bench -am package -DskipTests)
    cp "$SRC/bench/target/benchmarks.jar" "$JAR"
fi

JSON_DIR="${TMPDIR:-/tmp}/respool-bench-$(date -u +%Y%m%dT%H%M%S)"
java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp "$JAR" io.respool.bench.report.RunAll \
    --results bench/RESULTS.md --commit "$COMMIT" --command "bench/run-all.sh${*:+ $*}" --json-dir "$JSON_DIR" $QUICK
