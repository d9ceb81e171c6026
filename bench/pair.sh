#!/usr/bin/env bash
# bench/pair.sh: two commands run by turns, each run's CPU time measured
# with perf stat (task-clock), and the medians and the median of the
# pairwise ratios printed. For commands too short for bench/wim.sh's
# /usr/bin/time (a few tens of milliseconds), such as `wim info`:
#
#   bench/pair.sh 40 ./refimage wim info x.wim -- wimlib-imagex info x.wim
#
# N (first argument) is the number of pairs; A's output and B's are
# discarded, and a failing run stops the script.
set -euo pipefail
command -v perf >/dev/null || { echo "perf missing: apt-get install linux-perf" >&2; exit 1; }
[ $# -ge 4 ] || { echo "usage: bench/pair.sh N CMD-A... -- CMD-B..." >&2; exit 2; }
n=$1; shift
a=(); while [ $# -gt 0 ] && [ "$1" != "--" ]; do a+=("$1"); shift; done
[ $# -gt 1 ] || { echo "usage: bench/pair.sh N CMD-A... -- CMD-B..." >&2; exit 2; }
shift; b=("$@")
clock() {
	local out
	out=$(perf stat -x, -e task-clock -- "$@" 2>&1 >/dev/null) || { echo "failed: $*" >&2; return 1; }
	grep task-clock <<<"$out" | cut -d, -f1
}
pairs=""
for i in $(seq "$n"); do
	ta=$(clock "${a[@]}") || exit 1
	tb=$(clock "${b[@]}") || exit 1
	pairs+="$ta $tb"$'\n'
done
awk '
	$2 > 0 { k++; a[k] = $1; b[k] = $2; r[k] = $1 / $2 }
	function med(x, n,   i, j, t) {
		for (i = 2; i <= n; i++) for (j = i; j > 1 && x[j-1] > x[j]; j--) { t = x[j]; x[j] = x[j-1]; x[j-1] = t }
		return n % 2 ? x[(n+1)/2] : (x[n/2] + x[n/2+1]) / 2
	}
	END {
		if (k == 0) { print "no pair had a measurable B" > "/dev/stderr"; exit 1 }
		printf "A %.2f ms  B %.2f ms  A/B %.3f (median of %d pairs)\n", med(a, k), med(b, k), med(r, k), k
	}' <<<"$pairs"
