#!/usr/bin/env bash
# failover-runs.sh: the failover distribution of bench/RESULTS.md (issues 12 and 13). Runs `bin/cluster-demo --fault
# KIND` RUNS times on one image and prints, per phase of the failover summary and for the total (fault to the new
# primary's first commit), the median, p90 and max in ms, the commits lost over all runs, and the load average before
# and after. A run that does not pass (a lost commit, a failed check) is counted and its log kept; the exit status is
# 1 if any run failed.
#
#   bench/failover-runs.sh kill9 20
#   bench/failover-runs.sh sigstop 20 -Drespool.cluster.updates=40000     # extra arguments go to cluster-demo
#   bench/failover-runs.sh switchover 5     # planned switchovers there and back (--fault switchover --cm): total =
#                                           # the target reading cmctl's request to its first commit, per switch;
#                                           # lost = the old primary's acknowledged commits the new one lacks
#
# Build first, at the repository root: mvn -q -B package -DskipTests
set -euo pipefail

kind="${1:?usage: bench/failover-runs.sh kill9|sigstop|... RUNS [cluster-demo arguments]}"
runs="${2:?usage: bench/failover-runs.sh KIND RUNS [cluster-demo arguments]}"
shift 2
repo="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${TMPDIR:-/tmp}/respool-failover-runs-$kind-$$"
mkdir -p "$out"

echo "failover runs: --fault $kind, $runs runs, logs in $out; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
failed=0
lost=0
for i in $(seq 1 "$runs"); do
    log="$out/run-$i.log"
    flags=(--fault "$kind")
    [ "$kind" = switchover ] && flags+=(--cm)
    if "$repo/bin/cluster-demo" "${flags[@]}" "$@" >"$log" 2>&1; then
        status=passed
    else
        status=FAILED
        failed=$((failed + 1))
    fi
    # "acknowledged  N commits acknowledged before the fault, M present after it"
    before=$(sed -n 's/^acknowledged *\([0-9]*\) commits acknowledged before the fault, \([0-9]*\) present.*/\1/p' "$log")
    after=$(sed -n 's/^acknowledged *\([0-9]*\) commits acknowledged before the fault, \([0-9]*\) present.*/\2/p' "$log")
    if [ -n "$before" ] && [ -n "$after" ] && [ "$after" -lt "$before" ]; then
        lost=$((lost + before - after))
    fi
    if [ "$kind" = switchover ]; then
        # per switch: "acknowledged  N acknowledged by node A, M in the table node B took over: ..."
        pairs=$(sed -n 's/^acknowledged *\([0-9]*\) acknowledged by node [01], \([0-9]*\) in the table.*/\1 \2/p' "$log")
        while read -r b a; do
            if [ -n "$b" ] && [ -n "$a" ] && [ "$a" -lt "$b" ]; then
                lost=$((lost + b - a))
            fi
        done <<<"$pairs"
        before=$(echo "$pairs" | cut -d' ' -f1 | paste -sd/)
        after=$(echo "$pairs" | cut -d' ' -f2 | paste -sd/)
    fi
    # a switchover run has one summary per switch (there and back): their totals joined by "/"
    total=$(sed -n 's/^  \(total: .*\|switch: request read .*\) \([0-9][0-9]*\)$/\2/p' "$log" | paste -sd/)
    echo "run $i: $status, total ${total:-?} ms, acknowledged ${before:-?}, present ${after:-?}"
done

# Every phase line of the summary: two spaces, a name, its time in ms at the end of the line.
cat "$out"/run-*.log | awk '
    /^== (Failover|Switchover) summary/ { inSummary = 1; next }
    inSummary && /^  [A-Za-z]/ && $NF ~ /^[0-9]+$/ {
        name = $0; sub(/ +[0-9]+$/, "", name); sub(/^  /, "", name); sub(/ \(.*/, "", name)
        if (!(name in count)) order[++names] = name
        values[name, ++count[name]] = $NF
    }
    /^result/ { inSummary = 0 }
    END {
        printf "%-40s %5s %7s %7s %7s\n", "phase (ms)", "n", "median", "p90", "max"
        for (k = 1; k <= names; k++) {
            name = order[k]; n = count[name]
            for (i = 1; i <= n; i++) v[i] = values[name, i]
            for (i = 2; i <= n; i++) { x = v[i]; j = i - 1; while (j > 0 && v[j] > x) { v[j + 1] = v[j]; j-- } v[j + 1] = x }
            printf "%-40s %5d %7d %7d %7d\n", name, n, v[int((n + 1) / 2)], v[int((n * 9 + 9) / 10)], v[n]
        }
    }'
echo "runs failed: $failed of $runs; acknowledged commits lost: $lost; load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$failed" -eq 0 ]
