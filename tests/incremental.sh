#!/bin/sh
# The compositor redraws only what changed since the previous source frame (and reuses the
# previous output for a repeated source frame), and what the overlays covered. That must be invisible: each export here is
# made with and without it, losslessly, and every decoded frame must be identical.
set -eu
dir=$(mktemp -d "${TMPDIR:-/tmp}/vx-incremental.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$dir"' EXIT
fail=0
run() { # name input extra-args...
    name=$1 in=$2
    shift 2
    for inc in 0 1; do
        case $in in
        *.json) VEXPORT_INCREMENTAL=$inc "$VEXPORT" render "$in" --crf 0 -q \
                    -o "$dir/$name-$inc.mp4" "$@" ;;
        *) VEXPORT_INCREMENTAL=$inc "$VEXPORT" render --screen "$in" --crf 0 --audio none -q \
               -o "$dir/$name-$inc.mp4" "$@" ;;
        esac
        ffmpeg -v error -i "$dir/$name-$inc.mp4" -f framemd5 - | grep -v '^#' | cut -d, -f6 \
            > "$dir/$name-$inc.md5"
    done
    n=$(wc -l < "$dir/$name-1.md5")
    if [ "$n" -lt 2 ] || ! cmp -s "$dir/$name-0.md5" "$dir/$name-1.md5"; then
        echo "FAIL $name: frames differ with incremental compose ($n frames)"
        fail=1
    else
        echo "ok   $name: $n frames identical"
    fi
}
run shrink "$MEDIA/screen.mp4" --preset ultrafast --size 1280x720 --padding 0.06 --radius 18 --shadow 20 \
    --background 'gradient:30:#000000:#ffffff'
# a strong shrink (4.4x): the AVX-512 kernels' wide blocks, over spans of changed samples
run strong "$MEDIA/screen.mp4" --preset ultrafast --size 320x180 --padding 0.05 --radius 6
run repeat60 "$MEDIA/screen.mp4" --preset ultrafast --size 1920x1080 --fps 60 --padding 0.04 --radius 31
# a budget of 8 threads: drawn in slices of rows on 2 (against one full redraw per frame)
run slices "$MEDIA/screen.mp4" --preset ultrafast --size 1280x720 --padding 0.06 --radius 18 \
    --threads 8
run yuv444 "$MEDIA/yuv444.mp4" --preset ultrafast --size 1080x1080 --padding 0.1 --radius 7 --background '#334455'
run odd "$MEDIA/odd.mp4" --preset ultrafast --size 854x480 --radius 5 --background '#102030'
# an encoder that takes only planar 4:2:0 (the I420 output layout), lossless
run i420 "$MEDIA/screen.mp4" --size 640x360 --radius 12 --encoder libvpx-vp9 \
    --encoder-opt lossless=1 --encoder-opt deadline=realtime --encoder-opt cpu-used=8
# zoom: while the view moves every frame is drawn whole; while it holds still, only what
# changed (the kept passes belong to the zoomed scaler, and must be dropped when it changes)
cat > "$dir/zoom.json" <<EOF
{ "sources": { "screen": "$MEDIA/screen.mp4", "audio": [] }, "output": { "width": 1280, "height": 720 },
  "padding": 0.05, "radius": 14, "background": "#203040",
  "zoom": [ { "start": 0.5, "end": 1.6, "rect": [ 100, 80, 640, 360 ], "transition": 0.3 },
            { "start": 2.2, "end": 3.0, "center": [ 600, 300 ], "scale": 3, "transition": 0.2 } ] }
EOF
run zoom "$dir/zoom.json" --preset ultrafast
# overlays: under where the cursor (and its click rings) and the camera bubble (its soft edge
# and shadow over the screen) were drawn in the previous frame the screen is redrawn, whether
# they moved or not, zoomed or not
awk 'BEGIN { for (i = 0; i <= 480; i++) { t = i / 120; x = 640 + 400 * sin(1.3 * t); y = 330 + 200 * sin(0.9 * t + 1);
             if (i > 200 && i < 260) { x = 700; y = 400 }
             printf "{\"t\": %.4f, \"x\": %.2f, \"y\": %.2f}\n", t, x, y;
             if (i % 90 == 45) printf "{\"t\": %.4f, \"down\": \"left\"}\n", t;
             if (i % 90 == 55) printf "{\"t\": %.4f, \"up\": \"left\"}\n", t } }' > "$dir/track.jsonl"
ffmpeg -v error -f lavfi -i testsrc2=size=320x240:rate=24:duration=4 -c:v libx264 -preset ultrafast \
    -pix_fmt yuv420p "$dir/cam.mp4"
cat > "$dir/cursor.json" <<EOF
{ "sources": { "screen": "$MEDIA/screen.mp4", "audio": [], "cursor": "$dir/track.jsonl",
               "camera": "$dir/cam.mp4" },
  "camera": { "corner": "bottom-left", "size": 0.3, "border": 3 },
  "output": { "width": 1280, "height": 720, "fps": 60 }, "padding": 0.05, "radius": 14,
  "cursor": { "smoothing": "spring", "size": 1.5 },
  "zoom": [ { "start": 1.2, "end": 2.4, "follow": "cursor", "scale": 2, "transition": 0.3 } ] }
EOF
run cursor "$dir/cursor.json" --preset ultrafast
# motion blur: outputs whose view moves over the shutter are averages drawn whole, the next
# still one is drawn whole again, the still ones after it only where they changed (a zoom and a
# follow-cursor pan, with threads)
sed -e 's/"width": 1280, "height": 720, "fps": 60 }/"width": 640, "height": 360, "fps": 30 },\
  "motion_blur": { "screen": 0.5, "cursor": true }/' \
    -e 's/"follow": "cursor", "scale": 2, "transition": 0.3 }/&, { "start": 3.0, "end": 3.5, "rect": [ 100, 80, 640, 360 ], "transition": 0.3 }/' \
    "$dir/cursor.json" >"$dir/blur.json"
run blur "$dir/blur.json" --preset ultrafast --threads 4
# a fade to black at a cut, over the camera and the cursor: the faded outputs are copies, the
# kept previous output stays as drawn (the next output is redrawn from it)
cat > "$dir/fade.json" <<EOF
{ "sources": { "screen": "$MEDIA/screen.mp4", "audio": [], "cursor": "$dir/track.jsonl",
               "camera": "$dir/cam.mp4" },
  "camera": { "corner": "bottom-left", "size": 0.3 },
  "output": { "width": 640, "height": 360 }, "padding": 0.05, "radius": 10,
  "timeline": [ { "start": 0, "end": 1.5 },
                { "start": 2, "end": 4, "transition": { "type": "fade-black", "duration": 0.8 } } ] }
EOF
run fade "$dir/fade.json" --preset ultrafast
# a cross-fade: the outgoing side's outputs are composed ahead and kept, then the incoming
# side's; the mixes are copies
sed 's/"fade-black", "duration": 0.8/"crossfade", "duration": 0.6/' "$dir/fade.json" >"$dir/xfade.json"
run xfade "$dir/xfade.json" --preset ultrafast
# keystroke badges: fading in and out, stacking and moving up, a typing badge whose text grows,
# over a zoom and the cursor; under where they were the screen is redrawn (threads: slices)
cat > "$dir/keys.jsonl" <<EOF
{"t": 0.2, "key": "P", "down": true, "modifiers": ["cmd", "shift"]}
{"t": 0.6, "key": "tab", "down": true, "modifiers": ["shift"]}
{"t": 1.3, "key": "h", "down": true}
{"t": 1.5, "key": "i", "down": true}
{"t": 1.7, "key": "space", "down": true}
{"t": 1.9, "key": "x", "down": true}
{"t": 2.4, "key": "s", "down": true, "modifiers": ["ctrl"]}
EOF
cat > "$dir/keys.json" <<EOF
{ "sources": { "screen": "$MEDIA/screen.mp4", "audio": [], "cursor": "$dir/track.jsonl",
               "keys": "$dir/keys.jsonl" },
  "output": { "width": 640, "height": 360, "fps": 30 }, "padding": 0.05, "radius": 14,
  "keys": { "max": 2 },
  "zoom": [ { "start": 1.2, "end": 2.4, "follow": "cursor", "scale": 2, "transition": 0.3 } ] }
EOF
run keys "$dir/keys.json" --preset ultrafast --threads 4
# scenes: each layout's compositor keeps its own previous output; coming back to a layout
# after others (default, camera, split, default, screen, default), over the cursor and a zoom
cat > "$dir/scenes.json" <<EOF
{ "sources": { "screen": "$MEDIA/screen.mp4", "audio": [], "cursor": "$dir/track.jsonl",
               "camera": "$dir/cam.mp4" },
  "camera": { "corner": "bottom-left", "size": 0.3, "border": 3 },
  "output": { "width": 640, "height": 360, "fps": 30 }, "padding": 0.05, "radius": 14,
  "zoom": [ { "start": 1.2, "end": 2.4, "follow": "cursor", "scale": 2, "transition": 0.3 } ],
  "scenes": [ { "start": 0.5, "end": 1.0, "layout": "camera" },
              { "start": 1.0, "end": 1.8, "layout": "split" },
              { "start": 2.4, "end": 3.0, "layout": "screen" } ] }
EOF
run scenes "$dir/scenes.json" --preset ultrafast --threads 4
# scene transitions: the camera box moves over the cursor and a zoom (the default layout's
# compositor draws them, its pooled outputs holding the camera anywhere); into and out of
# "split" the screen slides: the card compositor (the default layout's layers below the
# camera, with a border) draws, and the slide stack scales its screen into the moving rectangle
cat > "$dir/transitions.json" <<EOF
{ "sources": { "screen": "$MEDIA/screen.mp4", "audio": [], "cursor": "$dir/track.jsonl",
               "camera": "$dir/cam.mp4" },
  "camera": { "corner": "bottom-left", "size": 0.3, "border": 3 },
  "border": { "width": 5, "color": "#ffffff" },
  "output": { "width": 640, "height": 360, "fps": 30 }, "padding": 0.05, "radius": 14,
  "zoom": [ { "start": 1.2, "end": 2.4, "follow": "cursor", "scale": 2, "transition": 0.3 } ],
  "scenes": [ { "start": 0.3, "end": 1.1, "layout": "camera", "transition": 0.4 },
              { "start": 1.1, "end": 1.7, "layout": "screen", "transition": 0.3 },
              { "start": 2.0, "end": 2.4, "layout": "split", "transition": 0.2 },
              { "start": 2.4, "end": 2.8, "layout": "camera", "transition": 0.2 } ] }
EOF
run transitions "$dir/transitions.json" --preset ultrafast --threads 4
# masks: one that holds still over a part of the recording that rarely changes writes its kept
# box back (the screen under it the same samples through the same view, sharp), and masks anew
# where that part changes, while a zoom moves it (motion blur) and after, and not on the output
# whose view is its own but blurred with the next one's (a cut zoom 5 ms after it); one over a
# part that changes on every frame, one that moves and then stops, two that overlap (never
# kept); NV12 and I420
cat > "$dir/masks.json" <<EOF
{ "sources": { "screen": "$MEDIA/screen.mp4", "audio": [] },
  "output": { "width": 960, "height": 540, "fps": 30 }, "padding": 0.05, "radius": 14,
  "motion_blur": { "screen": 0.5 },
  "zoom": [ { "start": 1.5, "end": 2.6, "center": [ 900, 300 ], "scale": 1.6, "transition": 0.3 },
            { "start": 3.505, "end": 3.9, "center": [ 900, 500 ], "scale": 1.3, "transition": 0 } ],
  "masks": [ { "type": "blur", "rect": [ 700, 40, 400, 300 ] },
             { "type": "pixelate", "shape": "ellipse", "rect": [ 1000, 600, 240, 100 ], "start": 0.4 },
             { "type": "blur", "shape": "ellipse", "rect": [ 40, 60, 300, 200 ], "radius": 6 },
             { "type": "blur", "rect": [ 100, 400, 200, 120 ], "start": 0.2,
               "keyframes": [ { "t": 0.5, "rect": [ 100, 400, 200, 120 ] },
                              { "t": 1.2, "rect": [ 500, 560, 200, 120 ] } ] },
             { "type": "pixelate", "rect": [ 900, 250, 200, 150 ], "block": 10, "end": 3.2 } ] }
EOF
run masks "$dir/masks.json" --preset ultrafast
run masks-i420 "$dir/masks.json" --encoder libvpx-vp9 --encoder-opt lossless=1 \
    --encoder-opt deadline=realtime --encoder-opt cpu-used=8
# annotations: the screen is redrawn under what each shape drew in the previous output (the
# strokes of an outline, the bands of an arrow, not the inside of their boxes): shapes that fade
# in and out, move with a zoom and go, over a screen that changes under them, and a spotlight
cat > "$dir/annotations.json" <<EOF
{ "sources": { "screen": "$MEDIA/screen.mp4", "audio": [] },
  "output": { "width": 960, "height": 540, "fps": 30 }, "padding": 0.05, "radius": 14,
  "zoom": [ { "start": 1.5, "end": 2.6, "center": [ 500, 300 ], "scale": 1.6, "transition": 0.3 } ],
  "annotations": [
    { "type": "rectangle", "rect": [ 100, 80, 520, 300 ], "width": 6, "start": 0.2, "end": 3.0 },
    { "type": "arrow", "from": [ 900, 650 ], "to": [ 200, 150 ], "width": 8, "start": 0.5 },
    { "type": "ellipse", "rect": [ 700, 100, 400, 260 ], "width": 5, "color": "#3b82f6",
      "start": 1.0, "end": 3.5 },
    { "type": "arrow", "space": "output", "from": [ 40, 500 ], "to": [ 300, 420 ], "width": 5,
      "start": 0.1, "end": 2.2 },
    { "type": "spotlight", "rect": [ 300, 300, 300, 200 ], "start": 2.8, "end": 3.6 } ] }
EOF
run annotations "$dir/annotations.json" --preset ultrafast --threads 4
exit $fail
