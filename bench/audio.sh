#!/bin/sh
# What the audio mix costs: the same timeline export (60 s 640x360 synth recording, two
# ranges, the second at 1.5x) with its audio and without ("audio": []), alternating, RUNS
# times each; prints the medians of wall and user CPU seconds and the difference.
#
#   bench/audio.sh [build/vexport] [RUNS]
set -eu
vx=${1:-build/vexport}
runs=${2:-5}
dir=$(mktemp -d "${TMPDIR:-/tmp}/vx-audio-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT
"$vx" synth -o "$dir/rec.mp4" --size 640x360 --fps 30 --seconds 60
for m in with without; do
    extra=
    [ $m = without ] && extra=', "audio": []'
    cat >"$dir/$m.json" <<EOF
{ "version": 1, "sources": { "screen": "rec.mp4" $extra },
  "timeline": [ { "start": 0, "end": 20 }, { "start": 25, "end": 60, "speed": 1.5 } ] }
EOF
done
i=0
while [ $i -lt "$runs" ]; do
    for m in with without; do
        /usr/bin/time -f "%e %U" -o "$dir/t" "$vx" render "$dir/$m.json" -o "$dir/$m.mp4" \
            --preset ultrafast -q
        cat "$dir/t" >>"$dir/$m.times"
    done
    i=$((i + 1))
done
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
for m in with without; do
    w=$(cut -d' ' -f1 "$dir/$m.times" | median)
    u=$(cut -d' ' -f2 "$dir/$m.times" | median)
    echo "$m audio: wall $w s, user $u s (median of $runs; 43.3 s of output)"
    eval "u_$m=$u"
done
# shellcheck disable=SC2154
awk -v a="$u_with" -v b="$u_without" 'BEGIN { printf "audio: %.2f s of CPU, %.1f ms per second of output\n", a - b, (a - b) / 43.333 * 1000 }'
