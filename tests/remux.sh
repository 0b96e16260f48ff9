#!/bin/sh
# An unedited recording is copied, not re-encoded: the output's video and audio packets are
# the input's, packet for packet (data, timestamps, durations, flags), and --stats says remux.
set -eu
dir=$(mktemp -d "${TMPDIR:-/tmp}/vx-remux.XXXXXX")
trap 'rm -rf "$dir"' EXIT
"$VEXPORT" synth -o "$dir/src.mp4" --size 640x360 --fps 30 --seconds 3
# --encoder auto and --hwaccel auto are the defaults: naming them changes nothing
"$VEXPORT" render --screen "$dir/src.mp4" --stats --encoder auto --hwaccel auto \
    -o "$dir/out.mp4" 2>"$dir/err"
fail=0
grep -q "stats: remux," "$dir/err" || { echo "FAIL: not remuxed: $(cat "$dir/err")"; fail=1; }
for f in src out; do
    ffmpeg -v error -i "$dir/$f.mp4" -map 0 -c copy -f streamhash - >"$dir/$f.hash"
    ffmpeg -v error -i "$dir/$f.mp4" -map 0 -c copy -f framemd5 - | grep -v '^#' >"$dir/$f.pkts"
done
grep -q '^0,v,' "$dir/src.hash" && grep -q '^1,a,' "$dir/src.hash" ||
    { echo "FAIL: source lacks video or audio: $(cat "$dir/src.hash")"; fail=1; }
cmp -s "$dir/src.hash" "$dir/out.hash" ||
    { echo "FAIL: stream hashes differ:"; cat "$dir/src.hash" "$dir/out.hash"; fail=1; }
n=$(wc -l <"$dir/src.pkts")
cmp -s "$dir/src.pkts" "$dir/out.pkts" ||
    { echo "FAIL: packets differ:"; diff "$dir/src.pkts" "$dir/out.pkts" | head -5; fail=1; }
[ $fail = 0 ] && echo "PASS: remux is packet-for-packet identical ($n packets)"
exit $fail
