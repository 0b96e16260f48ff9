#!/bin/sh
# Small exports that go through every hand-over between the pipeline's threads (decode thread
# and queue, encoder and decoder thread pools, compose slices, audio copy and transcode,
# cancellation), on a tiny clip of its own so they stay quick when built with
# ThreadSanitizer. Each checks what it produced.
set -eu
dir=$(mktemp -d "${TMPDIR:-/tmp}/vx-threads.XXXXXX")
trap 'rm -rf "$dir"' EXIT
frames() {
    ffprobe -v error -select_streams v -count_frames -show_entries stream=nb_read_frames \
        -of csv=p=0 "$1"
}
fail=0
"$VEXPORT" synth -o "$dir/src.mp4" --size 192x108 --fps 30 --seconds 2
ffmpeg -v error -i "$dir/src.mp4" -c:v copy -c:a libopus -b:a 64k "$dir/opus.mkv"
"$VEXPORT" synth -o "$dir/long.mp4" --size 192x108 --fps 30 --seconds 60 --no-audio

"$VEXPORT" render --screen "$dir/src.mp4" --size 256x144 --padding 0.05 --radius 6 \
    --shadow 6 --background 'gradient:90:#101010:#f0f0f0' --preset ultrafast -q --threads 3 \
    -o "$dir/a.mp4"
n=$(frames "$dir/a.mp4"); [ "$n" = 60 ] || { echo "FAIL styled: $n frames (want 60)"; fail=1; }
# a budget of 8: the compositor draws in slices of rows on 2 threads
"$VEXPORT" render --screen "$dir/src.mp4" --size 256x144 --padding 0.05 --radius 6 \
    --preset ultrafast --threads 8 --stats -o "$dir/s.mp4" 2>"$dir/s.err"
grep -q "compose 2 (the job's thread and slices" "$dir/s.err" ||
    { echo "FAIL slices: compose not on 2 threads: $(grep threads: "$dir/s.err")"; fail=1; }
n=$(frames "$dir/s.mp4"); [ "$n" = 60 ] || { echo "FAIL slices: $n frames (want 60)"; fail=1; }
# masks and annotations drawn in slices on 2 threads: the slices of one plane's blur passes run
# beside another plane's, so no plane's scratch may be shared
cat > "$dir/ov.json" <<EOF
{ "sources": { "screen": "$dir/src.mp4", "audio": [] }, "output": { "width": 256, "height": 144 },
  "masks": [ { "type": "blur", "rect": [100, 10, 80, 60], "radius": 4.5 },
             { "type": "pixelate", "shape": "ellipse", "rect": [10, 50, 70, 40], "block": 6 } ],
  "annotations": [ { "type": "arrow", "from": [20, 20], "to": [90, 60], "width": 3 } ] }
EOF
"$VEXPORT" render "$dir/ov.json" --preset ultrafast -q --threads 8 -o "$dir/ov.mp4"
n=$(frames "$dir/ov.mp4"); [ "$n" = 60 ] || { echo "FAIL masks: $n frames (want 60)"; fail=1; }
# scenes: the camera's decode thread per layout, the camera moving, and the screen sliding into
# and out of "split" (the card compositor in slices, then the slide stack), on 2 threads
cat > "$dir/sc.json" <<EOF
{ "sources": { "screen": "$dir/src.mp4", "camera": "$dir/src.mp4", "audio": [] },
  "output": { "width": 256, "height": 144 }, "padding": 0.05, "radius": 6,
  "scenes": [ { "start": 0.2, "end": 0.9, "layout": "split", "transition": 0.3 },
              { "start": 1.2, "end": 1.7, "layout": "camera", "transition": 0.2 } ] }
EOF
"$VEXPORT" render "$dir/sc.json" --preset ultrafast -q --threads 8 -o "$dir/sc.mp4"
n=$(frames "$dir/sc.mp4"); [ "$n" = 60 ] || { echo "FAIL scenes: $n frames (want 60)"; fail=1; }
# motion blur: each output of a zoom's moves is the mean of several views, drawn in bands of
# rows on 2 threads: the same frames as on one (lossless, compared decoded), and not the
# frames of the same export without the blur
for b in 1 0; do
    cat > "$dir/mb$b.json" <<EOF
{ "sources": { "screen": "$dir/src.mp4", "audio": [] }, "output": { "width": 256, "height": 144 },
  "padding": 0.05, "radius": 6, "motion_blur": { "screen": $b },
  "zoom": [ { "start": 0.6, "end": 1.2, "scale": 2, "center": [0.3, 0.6], "transition": 0.5 } ] }
EOF
done
for run in mb1:1 mb1:8 mb0:1; do
    p=${run%:*} t=${run#*:}
    "$VEXPORT" render "$dir/$p.json" --preset ultrafast --crf 0 -q --threads "$t" \
        -o "$dir/$p-$t.mkv"
    ffmpeg -v error -i "$dir/$p-$t.mkv" -map 0:v -f framemd5 - | grep -v '^#' >"$dir/$p-$t.md5"
done
n=$(wc -l <"$dir/mb1-1.md5"); [ "$n" = 60 ] || { echo "FAIL blur: $n frames (want 60)"; fail=1; }
cmp -s "$dir/mb1-1.md5" "$dir/mb1-8.md5" ||
    { echo "FAIL blur: 2 threads drew other frames than 1"; fail=1; }
cmp -s "$dir/mb1-1.md5" "$dir/mb0-1.md5" && { echo "FAIL blur: no frame was blurred"; fail=1; }
"$VEXPORT" render --screen "$dir/opus.mkv" --size 256x144 --fps 60 --preset ultrafast -q \
    -o "$dir/b.mp4"
ffprobe -v error -show_entries stream=codec_name -of csv=p=0 "$dir/b.mp4" | grep -q aac ||
    { echo "FAIL opus: no AAC audio"; fail=1; }
n=$(frames "$dir/b.mp4"); [ "$n" = 120 ] || { echo "FAIL 60 fps: $n frames (want 120)"; fail=1; }
# cancellation from the signal handler while every thread is busy
"$VEXPORT" render --screen "$dir/long.mp4" --size 256x144 --padding 0.05 --preset veryslow -q \
    -o "$dir/c.mp4" &
pid=$!
sleep 1
kill -INT $pid 2>/dev/null || true # if it already finished, the exit code says so below
rc=0
wait $pid || rc=$?
[ "$rc" = 130 ] || { echo "FAIL sigint: exit $rc (want 130)"; fail=1; }
if ls "$dir" | grep -q '^c\.mp4'; then echo "FAIL sigint: output left behind"; fail=1; fi
[ $fail = 0 ] && echo "PASS: threaded exports and cancellation"
exit $fail
