#!/usr/bin/env bash
# bench/esd.sh: reading ESD files (solid LZMS) — refimage against
# wimlib-imagex on the same ESD, in one run.
#
#   bench/esd.sh                      GOROOT/src as the tree, 4 rounds
#   TREE=/some/folder RUNS=6 bench/esd.sh
#
# wimlib-imagex captures the tree once with --solid (LZMS, 64 MiB solid
# chunks: the layout of an install.esd). Each round then times both tools
# on that ESD: apply (the order alternates between rounds, with a sync
# before each), verify, and export to an LZX WIM (what DISM /Export-Image
# does to an install.esd). The ratio refimage / wimlib is taken per round
# and the median over the rounds printed (< 1.0: refimage is faster), for
# wall and CPU (user+system) time; peak RSS is the largest seen.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wimlib-imagex >/dev/null || { echo "wimlib-imagex missing: apt-get install wimtools" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time missing: apt-get install time" >&2; exit 1; }
RUNS=${RUNS:-4}
THREADS=${THREADS:-$(nproc)}
TREE=${TREE:-$(go env GOROOT)/src}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/esdbench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
if [ -n "${REFIMAGE:-}" ]; then
	R=$REFIMAGE
else
	CGO_ENABLED=0 go build -o "$WORK/refimage" ./cmd/refimage
	R="$WORK/refimage"
fi
ESD="$WORK/install.esd"
start=$(date +%s)
wimlib-imagex capture "$TREE" "$ESD" bench --solid --threads="$THREADS" >/dev/null
echo "tree $TREE: $(find "$TREE" -type f | wc -l) files, $(du -sb "$TREE" | cut -f1) bytes; ESD $(stat -c %s "$ESD") bytes (wimlib capture --solid: $(( $(date +%s) - start )) s); $RUNS rounds"
sync

. bench/lib.sh
describe_build
check_runs

for run in $(seq 1 "$RUNS"); do
	apply_round "$run" "$ESD"
	diff -r "$a1" "$a2" >/dev/null || { echo "the two applies differ" >&2; exit 1; }
	measure verify_ours "$R" wim verify "$ESD" --threads "$THREADS" --quiet
	measure verify_wimlib wimlib-imagex verify "$ESD"
	pair verify
	rm -f "$WORK/e1.wim" "$WORK/e2.wim"; sync
	measure export_ours "$R" wim export "$ESD" 1 "$WORK/e1.wim" --compress lzx --threads "$THREADS" --no-integrity --quiet
	sync
	measure export_wimlib wimlib-imagex export "$ESD" 1 "$WORK/e2.wim" --compress=LZX --threads="$THREADS"
	pair export
done
wimlib-imagex verify "$WORK/e1.wim" >/dev/null 2>&1 || { echo "wimlib-imagex verify failed on refimage's export" >&2; exit 1; }

printf '\nmedian of %d per-round ratios refimage/wimlib (last round: wall and CPU seconds)\n' "$RUNS"
printf '%-8s %9s %9s   %9s %9s %9s %9s\n' "" "wall" "CPU" "ref.wall" "wl.wall" "ref.CPU" "wl.CPU"
for op in apply verify export; do
	printf '%-8s %9s %9s   %8ss %8ss %8ss %8ss\n' "$op" "$(median "${wratios[$op]}")" "$(median "${cratios[$op]}")" \
		"${wall[${op}_ours]}" "${wall[${op}_wimlib]}" "${cpu[${op}_ours]}" "${cpu[${op}_wimlib]}"
done
printf 'export size: refimage %d, wimlib %d\n' "$(stat -c %s "$WORK/e1.wim")" "$(stat -c %s "$WORK/e2.wim")"
for op in apply verify export; do
	printf 'peak RSS %-8s refimage %6d MiB   wimlib %6d MiB\n' "$op" $(( ${rss[${op}_ours]} / 1024 )) $(( ${rss[${op}_wimlib]} / 1024 ))
done
