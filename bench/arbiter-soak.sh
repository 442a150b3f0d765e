#!/usr/bin/env bash
# arbiter-soak.sh: the no-false-kick-out run of issue 12 (cluster/DESIGN.md, "Choosing the timeouts"). Two arbiter
# nodes as their own JVMs on one image with the arbiter's default timeouts, MINUTES long, beside BUSY processes that
# spin (default 2: both cores saturated by other work); no fault is made, so any view after the first or any
# self-fence is a false kick-out. Exit status 0 only if there was none. Each node JVM runs in a session of its own
# (setsid), as a service does; -Drespool.soak.sharedSession=true in JAVA_OPTS puts them in the soak's session with
# the spinners, where Linux's autogroup schedules them as one group (cluster/DESIGN.md). To see a stall from outside:
# chrt -f 10 python3 bench/arbiter-stall-sampler.py OUT.log 50 300 beside it.
#
#   bench/arbiter-soak.sh 30 2
#
# Build first, at the repository root: mvn -q -B package -DskipTests (it compiles the cluster module's test classes).
set -euo pipefail
minutes="${1:-30}"
busy="${2:-2}"
repo="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cp_file="$(mktemp)"
build_log="$(mktemp)"
trap 'rm -f "$cp_file" "$build_log"' EXIT
if ! (cd "$repo" && mvn -B -ntp -pl cluster -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$cp_file" >"$build_log" 2>&1); then
    grep -E "ERROR" "$build_log" | head -20 >&2
    echo "arbiter-soak: the build failed (above)" >&2
    exit 2
fi
# shellcheck disable=SC2086 # JAVA_OPTS is a list of JVM options, split on purpose.
exec java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED ${JAVA_OPTS:-} \
    -cp "$repo/cluster/target/test-classes:$repo/cluster/target/classes:$(cat "$cp_file")" \
    io.respool.cluster.soak.ArbiterSoak "$minutes" "$busy"
