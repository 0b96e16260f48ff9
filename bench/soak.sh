#!/bin/sh
# Soak test: a long export, watching its memory. Not part of the default test run.
#   bench/soak.sh [MINUTES]          (default 30: 30 minutes of 720p30 input)
# Environment: VEXPORT (default build/vexport), SOAK_DIR (work folder, default build/soak;
# the input is kept there for re-runs), SOAK_INTERVAL (seconds between samples, default 2).
#
# The input is a synthetic desktop recording (`vexport synth`, 60 s, 1280x720, 30 fps, with
# audio) repeated MINUTES times by stream copy. It is exported with everything the project
# format has today on (gradient, padding, rounded corners, shadow; audio re-encoded). The
# cursor track and camera bubble are not in the format yet, so they are not exercised.
# VmRSS is sampled from /proc/PID/status every SOAK_INTERVAL s into SOAK_DIR/rss.csv; the
# test fails if the peak after the first minute exceeds the peak of the first minute by more
# than 5 %. Prints the samples once a minute and a summary line.
set -eu
cd "$(dirname "$0")/.."
minutes=${1:-30}
VEXPORT=${VEXPORT:-$PWD/build/vexport}
dir=${SOAK_DIR:-$PWD/build/soak}
interval=${SOAK_INTERVAL:-2}
[ -x "$VEXPORT" ] || { echo "soak: $VEXPORT not built" >&2; exit 1; }
command -v ffmpeg >/dev/null || { echo "soak: the ffmpeg tool is needed" >&2; exit 1; }
mkdir -p "$dir"

clip=$dir/clip-60s.mp4
input=$dir/input-${minutes}min.mp4
if [ ! -f "$clip" ]; then
    echo "soak: making a 60 s 720p30 recording"
    "$VEXPORT" synth -o "$clip" --size 1280x720 --fps 30 --seconds 60 >/dev/null
fi
if [ ! -f "$input" ]; then
    echo "soak: repeating it to $minutes min"
    ffmpeg -nostdin -v error -y -stream_loop $((minutes - 1)) -i "$clip" -c copy \
        "$input.tmp.mp4"
    mv "$input.tmp.mp4" "$input"
fi
cat >"$dir/project.json" <<EOF
{ "version": 1, "output": { "width": 1280, "height": 720, "fps": 30 },
  "sources": { "screen": "$(basename "$input")" },
  "background": { "type": "gradient", "angle": 135, "stops": [ { "at": 0, "color": "#4f46e5" }, { "at": 1, "color": "#ec4899" } ] },
  "padding": 0.06, "radius": 18,
  "shadow": { "blur": 40, "offset_x": 0, "offset_y": 12, "opacity": 0.45, "color": "#000000" } }
EOF
out=$dir/out.mp4
rm -f "$out"
echo "soak: exporting $minutes min of 720p30, sampling VmRSS every $interval s"
"$VEXPORT" render "$dir/project.json" -o "$out" -q >"$dir/render.log" 2>&1 &
pid=$!
t0=$(date +%s)
echo "seconds,rss_kib" >"$dir/rss.csv"
last_print=-60
while kill -0 $pid 2>/dev/null; do
    rss=$(awk '/^VmRSS:/ { print $2 }' /proc/$pid/status 2>/dev/null || true)
    now=$(($(date +%s) - t0))
    if [ -n "$rss" ]; then
        echo "$now,$rss" >>"$dir/rss.csv"
        if [ $((now - last_print)) -ge 60 ]; then
            echo "  $now s: VmRSS $((rss / 1024)) MiB"
            last_print=$now
        fi
    fi
    sleep "$interval"
done
rc=0
wait $pid || rc=$?
t1=$(date +%s)
[ $rc -eq 0 ] || { cat "$dir/render.log"; echo "soak: FAIL: export exited with $rc"; exit 1; }
python3 - "$dir/rss.csv" "$minutes" $((t1 - t0)) <<'PY'
import sys
rows = [tuple(map(int, l.split(','))) for l in open(sys.argv[1]).read().split()[1:]]
minutes, wall = int(sys.argv[2]), int(sys.argv[3])
first = [r for s, r in rows if s <= 60]
rest = [r for s, r in rows if s > 60]
if not first or not rest:
    print("soak: export too short to compare (under a minute)")
    sys.exit(0)
p1, p2 = max(first), max(rest)
growth = 100.0 * (p2 - p1) / p1
last = rows[-1][1]
print(f"soak: {minutes} min of 720p30 exported in {wall} s ({minutes * 60 * 30 / wall:.0f} fps); "
      f"VmRSS peak {p1 / 1024:.1f} MiB in the first minute, {p2 / 1024:.1f} MiB after it "
      f"({growth:+.1f} %), {last / 1024:.1f} MiB at the end; {len(rows)} samples")
if growth > 5:
    print("soak: FAIL: memory grew more than 5 % after the first minute")
    sys.exit(1)
print("soak: PASS")
PY
