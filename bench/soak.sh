#!/bin/sh
# Soak test: a long export, watching its memory. Not part of the default test run.
#   bench/soak.sh [MINUTES]          (default 30: 30 minutes of 720p30 input)
# Environment: VEXPORT (default build/vexport), SOAK_DIR (work folder, default build/soak;
# the input is kept there for re-runs), SOAK_INTERVAL (seconds between samples, default 2).
#
# The input is a synthetic desktop recording (`vexport synth`, 60 s, 1280x720, 30 fps, with
# audio, its pointer not baked in) repeated MINUTES times by stream copy, with its cursor track
# repeated alongside. It is exported with gradient, padding, rounded corners, shadow, the
# cursor redrawn from the track (smoothed, 1.5x, click rings) and audio re-encoded.
# VmRSS is sampled from /proc/PID/status every SOAK_INTERVAL s into SOAK_DIR/rss.csv; the
# test fails if the peak after the first minute exceeds the peak of the first minute by more
# than 5 %. Prints the samples once a minute and a summary line. SOAK_FLOOR=1 then runs a bare
# ffmpeg decode + encode of the same input the same way, for comparison.
set -eu
cd "$(dirname "$0")/.."
minutes=${1:-30}
VEXPORT=${VEXPORT:-$PWD/build/vexport}
dir=${SOAK_DIR:-$PWD/build/soak}
interval=${SOAK_INTERVAL:-2}
[ -x "$VEXPORT" ] || { echo "soak: $VEXPORT not built" >&2; exit 1; }
command -v ffmpeg >/dev/null || { echo "soak: the ffmpeg tool is needed" >&2; exit 1; }
mkdir -p "$dir"

clip=$dir/clip-60s-cursor.mp4
input=$dir/input-${minutes}min.mp4
track=$dir/input-${minutes}min.jsonl
if [ ! -f "$clip" ]; then
    echo "soak: making a 60 s 720p30 recording with its cursor track"
    rm -f "$input" "$track"
    "$VEXPORT" synth -o "$clip" --size 1280x720 --fps 30 --seconds 60 --no-pointer \
        --cursor-track "$dir/clip-60s.jsonl" >/dev/null
fi
if [ ! -f "$track" ]; then
    # the track again for each repetition of the recording, shifted by 60 s each time
    python3 - "$dir/clip-60s.jsonl" "$minutes" >"$track.tmp" <<'PY'
import json, sys
events = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
for k in range(int(sys.argv[2])):
    for e in events:
        print(json.dumps(dict(e, t=round(e["t"] + 60 * k, 6))))
PY
    mv "$track.tmp" "$track"
fi
if [ ! -f "$input" ]; then
    echo "soak: repeating it to $minutes min"
    ffmpeg -nostdin -v error -y -stream_loop $((minutes - 1)) -i "$clip" -c copy \
        "$input.tmp.mp4"
    mv "$input.tmp.mp4" "$input"
fi
cat >"$dir/project.json" <<EOF
{ "version": 1, "output": { "width": 1280, "height": 720, "fps": 30 },
  "sources": { "screen": "$(basename "$input")", "cursor": "$(basename "$track")" },
  "cursor": { "size": 1.5, "smoothing": "one-euro", "click": "ring" },
  "background": { "type": "gradient", "angle": 135, "stops": [ { "at": 0, "color": "#4f46e5" }, { "at": 1, "color": "#ec4899" } ] },
  "padding": 0.06, "radius": 18,
  "shadow": { "blur": 40, "offset_x": 0, "offset_y": 12, "opacity": 0.45, "color": "#000000" } }
EOF
# sample NAME CMD...: runs CMD, writes VmRSS every $interval s to $dir/NAME.csv
sample() {
    name=$1
    shift
    "$@" >"$dir/$name.log" 2>&1 &
    pid=$!
    t0=$(date +%s)
    echo "seconds,rss_kib" >"$dir/$name.csv"
    last_print=-60
    while kill -0 $pid 2>/dev/null; do
        rss=$(awk '/^VmRSS:/ { print $2 }' /proc/$pid/status 2>/dev/null || true)
        now=$(($(date +%s) - t0))
        if [ -n "$rss" ]; then
            echo "$now,$rss" >>"$dir/$name.csv"
            if [ $((now - last_print)) -ge 60 ]; then
                echo "  $name $now s: VmRSS $((rss / 1024)) MiB"
                last_print=$now
            fi
        fi
        sleep "$interval"
    done
    rc=0
    wait $pid || rc=$?
    wall=$(($(date +%s) - t0))
    [ $rc -eq 0 ] || { tail -n 20 "$dir/$name.log"; echo "soak: FAIL: $name exited with $rc"; exit 1; }
}

out=$dir/out.mp4
rm -f "$out"
echo "soak: exporting $minutes min of 720p30, sampling VmRSS every $interval s"
sample rss "$VEXPORT" render "$dir/project.json" -o "$out" -q
vx_wall=$wall
floor=
if [ -n "${SOAK_FLOOR:-}" ]; then
    # the same input through a bare ffmpeg decode + x264 + AAC encode into MP4: how much a
    # plain FFmpeg export grows over this length (the MP4 muxer keeps every sample's index
    # entry in memory until the end)
    echo "soak: the floor (ffmpeg) on the same input"
    sample floor ffmpeg -nostdin -v error -y -i "$input" -c:v libx264 -preset veryfast \
        -c:a aac "$dir/floor.mp4"
    floor=$dir/floor.csv
    rm -f "$dir/floor.mp4"
fi
rm -f "$out"
python3 - "$dir/rss.csv" "$minutes" "$vx_wall" "$floor" <<'PY'
import sys

def growth(path):
    rows = [tuple(map(int, l.split(','))) for l in open(path).read().split()[1:]]
    first = [r for s, r in rows if s <= 60]
    rest = [r for s, r in rows if s > 60]
    if not first or not rest:
        return None
    p1, p2 = max(first), max(rest)
    return p1, p2, 100.0 * (p2 - p1) / p1, rows[-1][1], len(rows)

minutes, wall = int(sys.argv[2]), int(sys.argv[3])
g = growth(sys.argv[1])
if not g:
    print("soak: export too short to compare (under a minute)")
    sys.exit(0)
p1, p2, pct, last, n = g
print(f"soak: {minutes} min of 720p30 exported in {wall} s ({minutes * 60 * 30 / wall:.0f} fps); "
      f"VmRSS peak {p1 / 1024:.1f} MiB in the first minute, {p2 / 1024:.1f} MiB after it "
      f"({pct:+.1f} %, {(p2 - p1) / 1024:+.1f} MiB), {last / 1024:.1f} MiB at the end; {n} samples")
if sys.argv[4]:
    f = growth(sys.argv[4])
    if f:
        print(f"soak: floor (ffmpeg): {f[0] / 1024:.1f} MiB in the first minute, "
              f"{f[1] / 1024:.1f} MiB after it ({f[2]:+.1f} %, {(f[1] - f[0]) / 1024:+.1f} MiB)")
if pct > 5:
    print("soak: FAIL: memory grew more than 5 % after the first minute")
    sys.exit(1)
print("soak: PASS")
PY
