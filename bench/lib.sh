# bench/lib.sh: what bench/wim.sh and bench/esd.sh share. Source it after
# setting WORK (a scratch folder).
#
# measure NAME CMD...: runs CMD, records this round's wall and CPU
# (user+system) seconds in wall[NAME]/cpu[NAME] and the peak RSS (KB) in
# rss[NAME].
# pair OP: appends this round's refimage/wimlib ratios for OP (from
# OP_ours and OP_wimlib) to wratios[OP]/cratios[OP].
# apply_round RUN WIM: both tools apply image 1 of WIM into new folders
# of round RUN ($a1: refimage's, $a2: wimlib's), the order alternating
# between rounds, and the pair is recorded as "apply".
# median "LIST": the median of a space-separated list of numbers.
# check_runs: warns when RUNS is odd. The tool that applies second in a
# round is slower (the first one's writes are still being settled by the
# file system even after sync: wimlib took 2.98-3.18 s first and
# 3.32-3.90 s second), and apply_round alternates the order, so only an
# even number of rounds gives both tools the same share of first places.
# describe_build: prints how $R was built (cgo; the revision when Go
# recorded it). A cgo build
# (the Go default where a C compiler is installed) starts ~4 ms slower;
# releases and these scripts build with CGO_ENABLED=0.
declare -A wall cpu rss wratios cratios
measure() {
	local name=$1; shift
	/usr/bin/time -f "%e %M %U %S" -o "$WORK/time" "$@" >/dev/null 2>"$WORK/err" || { cat "$WORK/err" >&2; exit 1; }
	read -r secs kb user sys < "$WORK/time"
	wall[$name]=$secs
	cpu[$name]=$(awk "BEGIN{printf \"%.3f\", $user + $sys}")
	if [ -z "${rss[$name]:-}" ] || [ "$kb" -gt "${rss[$name]}" ]; then rss[$name]=$kb; fi
}
pair() {
	wratios[$1]+=" $(awk "BEGIN{printf \"%.4f\", ${wall[${1}_ours]} / ${wall[${1}_wimlib]}}")"
	cratios[$1]+=" $(awk "BEGIN{printf \"%.4f\", ${cpu[${1}_ours]} / ${cpu[${1}_wimlib]}}")"
}
median() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{a[NR]=$1} END{if (NR%2) printf "%.3f", a[(NR+1)/2]; else printf "%.3f", (a[NR/2]+a[NR/2+1])/2}'; }

apply_round() {
	local run=$1 wim=$2
	# sync before each apply so neither pays for the other's write-back.
	# Each round applies into new folders, kept until the end: deleting
	# the last round's files first makes ext4 search its inode bitmaps past
	# the freshly freed inodes on every create (both tools pay it, by turns,
	# and it swamps the ratio); a deployment applies to a fresh volume.
	a1="$WORK/apply-$run/ours" a2="$WORK/apply-$run/wimlib"; mkdir -p "$WORK/apply-$run"; sync
	if [ $((run % 2)) = 1 ]; then
		measure apply_wimlib wimlib-imagex apply "$wim" 1 "$a2"; sync
		measure apply_ours "$R" wim apply "$wim" 1 "$a1" --threads "$THREADS" --quiet
	else
		measure apply_ours "$R" wim apply "$wim" 1 "$a1" --threads "$THREADS" --quiet; sync
		measure apply_wimlib wimlib-imagex apply "$wim" 1 "$a2"
	fi
	pair apply
}

describe_build() {
	local info rev cgo
	info=$(go version -m "$R" 2>/dev/null || true)
	rev=$(awk '$2 == "vcs.revision" {print substr($3, 1, 12)}' <<<"$info")
	cgo=$(awk '$2 ~ /^CGO_ENABLED=/ {print $2}' <<<"$info")
	echo "refimage: $R (${rev:+revision $rev, }${cgo:-CGO_ENABLED unknown})"
	[ "$cgo" = CGO_ENABLED=0 ] || echo "warning: refimage was not built with CGO_ENABLED=0; its start-up costs more than a release's" >&2
}

check_runs() {
	[ $((RUNS % 2)) = 0 ] || echo "warning: RUNS=$RUNS is odd: refimage applies second in $(( (RUNS + 1) / 2 )) of $RUNS rounds; use an even RUNS for a fair apply figure" >&2
}
