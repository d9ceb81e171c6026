#!/usr/bin/env bash
# bench/wim.sh: refimage's native WIM code against wimlib-imagex on the same
# tree, same compression, same thread count, in one run.
#
#   bench/wim.sh                 XPRESS, threads = nproc, 4 rounds
#   COMPRESS=lzx RUNS=6 THREADS=2 bench/wim.sh
#
# The tree is the Go distribution's GOROOT plus generated data (a large
# log, random bytes, a duplicated folder): > 250 MB and > 10,000 files.
# Capture: both tools capture the tree (no integrity table). Apply, verify,
# info (20 runs in a row: one is too short to time) and export (to the
# same compression: a copy): both tools read the same WIM (the one wimlib
# wrote, so COMPRESS=lzx times the apply of an LZX WIM). The load average
# is printed before and after: on a shared machine the figures move with
# it. Each round runs both tools back to back (the
# order of the applies alternates); the ratio refimage / wimlib is taken per
# round and the median over the rounds is printed (< 1.0 means refimage is
# faster/smaller), for wall time and for CPU (user+system) time, which is
# the steadier figure on a shared machine. Peak RSS is the largest seen.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wimlib-imagex >/dev/null || { echo "wimlib-imagex missing: apt-get install wimtools" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time missing: apt-get install time" >&2; exit 1; }
COMPRESS=${COMPRESS:-xpress}
THREADS=${THREADS:-$(nproc)}
RUNS=${RUNS:-4}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/wimbench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
GOROOT_DIR=$(go env GOROOT)

# REFIMAGE=path uses an already built binary.
if [ -n "${REFIMAGE:-}" ]; then
	R=$REFIMAGE
else
	CGO_ENABLED=0 go build -o "$WORK/refimage" ./cmd/refimage
	R="$WORK/refimage"
fi

# The tree.
T="$WORK/tree"
mkdir -p "$T/gen"
cp -a "$GOROOT_DIR" "$T/goroot"
seq 1 4000000 | sed 's/$/ refimage benchmark log line/' > "$T/gen/big.log"
head -c $((24 << 20)) /dev/urandom > "$T/gen/random.bin"
cp -a "$GOROOT_DIR/src/net" "$T/gen/dup-net"
files=$(find "$T" -type f | wc -l)
bytes=$(du -sb "$T" | cut -f1)
echo "tree: $files files, $bytes bytes; compression $COMPRESS; threads $THREADS; $RUNS rounds"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
sync

. bench/lib.sh
describe_build
check_runs

for run in $(seq 1 "$RUNS"); do
	rm -f "$WORK/ours.wim" "$WORK/theirs.wim"; sync
	measure capture_ours "$R" wim capture "$T" "$WORK/ours.wim" --compress "$COMPRESS" --threads "$THREADS" --no-integrity --quiet
	sync
	measure capture_wimlib wimlib-imagex capture "$T" "$WORK/theirs.wim" --compress="$COMPRESS" --threads="$THREADS"
	pair capture
	apply_round "$run" "$WORK/theirs.wim"
	measure verify_ours "$R" wim verify "$WORK/theirs.wim" --threads "$THREADS" --quiet
	measure verify_wimlib wimlib-imagex verify "$WORK/theirs.wim"
	pair verify
	measure info_ours sh -c 'for i in $(seq 20); do "$1" wim info "$2" >/dev/null || exit 1; done' sh "$R" "$WORK/theirs.wim"
	measure info_wimlib sh -c 'for i in $(seq 20); do wimlib-imagex info "$1" >/dev/null || exit 1; done' sh "$WORK/theirs.wim"
	pair info
	rm -f "$WORK/e1.wim" "$WORK/e2.wim"; sync
	measure export_ours "$R" wim export "$WORK/theirs.wim" 1 "$WORK/e1.wim" --no-integrity --quiet
	sync
	measure export_wimlib wimlib-imagex export "$WORK/theirs.wim" 1 "$WORK/e2.wim"
	pair export
done
# Our output must be valid for wimlib too.
wimlib-imagex verify "$WORK/ours.wim" >/dev/null 2>&1 || { echo "wimlib-imagex verify failed on refimage's WIM" >&2; exit 1; }

size_ours=$(stat -c %s "$WORK/ours.wim")
size_wimlib=$(stat -c %s "$WORK/theirs.wim")
ratio() { awk "BEGIN{printf \"%.3f\", $1 / $2}"; }
printf '\nmedian of %d per-round ratios refimage/wimlib (last round: wall and CPU seconds)\n' "$RUNS"
printf '%-8s %9s %9s   %9s %9s %9s %9s\n' "" "wall" "CPU" "ref.wall" "wl.wall" "ref.CPU" "wl.CPU"
for op in capture apply verify info export; do
	printf '%-8s %9s %9s   %8ss %8ss %8ss %8ss\n' "$op" "$(median "${wratios[$op]}")" "$(median "${cratios[$op]}")" \
		"${wall[${op}_ours]}" "${wall[${op}_wimlib]}" "${cpu[${op}_ours]}" "${cpu[${op}_wimlib]}"
done
printf '%-8s %10s %10s %7s\n' size "$size_ours" "$size_wimlib" "$(ratio "$size_ours" "$size_wimlib")"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
for op in capture apply verify export; do
	printf 'peak RSS %-8s refimage %6d MiB   wimlib %6d MiB\n' "$op" $(( ${rss[${op}_ours]} / 1024 )) $(( ${rss[${op}_wimlib]} / 1024 ))
done
