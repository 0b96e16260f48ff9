#!/bin/sh
# Layouts over time (docs/project-format.md, "Scenes"): a solid red 320x200 screen clip and a
# camera clip half green, half blue, exported losslessly with scenes that switch between the
# four layouts (transition 0), in a landscape output (NV12, and I420 through VP9) and a
# portrait one (mirrored). check_scenes.py checks every frame against its own model of the
# documented rectangles and of the camera's centred crop; 3 chunks joined equal the one
# export. Animated transitions (the camera growing from the bubble to the whole output and
# back, shrinking into the bubble's centre for "screen") are checked frame by frame against the
# checker's own model of the moving box, in NV12 and I420, and in 3 joined chunks (one starts
# mid-transition); into and out of "split" the screen slides between its two rectangles while
# the camera's box moves into or out of its cell, in a landscape and a portrait output, with a
# border around the moving rectangle, and in 3 joined chunks (one starts mid-slide). Then the
# checker must reject the export without scenes (it shows the default layout throughout), the
# ones with switches where transitions should be, the mirrored one taken as unmirrored and the
# bordered one taken as borderless, and the refusals name their key.
# Environment: VEXPORT, CHECK_SCENES. Exit 0 pass, 1 fail, 77 skip.
set -u
: "${VEXPORT:?}" "${CHECK_SCENES:?}"
command -v ffmpeg >/dev/null || { echo "SKIP: ffmpeg not installed"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vx-scenes.XXXXXX") || exit 1
if [ -n "${VX_E2E_KEEP:-}" ]; then trap 'echo "kept $tmp"' EXIT; else trap 'rm -rf "$tmp"' EXIT; fi
fail() { echo "FAIL: $*"; exit 1; }
ff() { ffmpeg -nostdin -hide_banner -loglevel error -y "$@"; }
ff -f lavfi -i color=c=0xd02020:s=320x200:r=30:d=3 -c:v libx264 -preset ultrafast -qp 0 \
    -pix_fmt yuv420p "$tmp/screen.mp4" || fail "ffmpeg could not make the screen clip"
# the camera: its left half green, its right half blue (where each lands shows the crop and
# the mirroring)
ff -f lavfi -i "color=c=0x20c020:s=320x240:r=30:d=3,drawbox=x=160:y=0:w=160:h=240:color=0x2020d0:t=fill" \
    -c:v libx264 -preset ultrafast -qp 0 -pix_fmt yuv420p "$tmp/webcam.mp4" ||
    fail "ffmpeg could not make the camera clip"

# export NAME W H SCENES_JSON [MIRROR]
export_() {
    cat >"$tmp/$1.json" <<JSON
{ "version": 1, "output": { "width": $2, "height": $3, "fps": 30 },
  "sources": { "screen": "screen.mp4", "camera": "webcam.mp4" },
  "background": "#c0c8d0", "padding": 0.05, "radius": 12,
  "camera": { "size": 0.3, "margin": 0.04, "mirror": ${5:-false} }$4 }
JSON
    "$VEXPORT" render "$tmp/$1.json" -o "$tmp/$1.mp4" --preset ultrafast --crf 0 --threads 2 \
        -q >"$tmp/$1.log" 2>&1 || { cat "$tmp/$1.log"; fail "vexport $1"; }
}
check() { # NAME W H SCENES [MIRROR [BORDER [SHADOW]]]
    "$CHECK_SCENES" "$tmp/$1.mp4" "$2" "$3" 30 90 320 200 0.05 12 0.3 0.04 "$4" "${5:-0}" \
        ${6:+"$6"} ${7:+"$7"}
}

# scene edges half-way between frames: frame 16 (0.533 s) is the first of the camera scene
land=', "scenes": [ { "start": 0.52, "end": 1.02, "layout": "camera" },
  { "start": 1.02, "end": 1.82, "layout": "split", "transition": 0 },
  { "start": 2.02, "end": 2.52, "layout": "screen" } ]'
export_ land 640 360 "$land"
check land 640 360 "0.52:1.02:camera,1.02:1.82:split,2.02:2.52:screen" || fail "landscape"
export_ portrait 360 640 ', "scenes": [ { "start": 0, "end": 0.52, "layout": "split" },
  { "start": 1.52, "end": 3, "layout": "camera" } ]' true
check portrait 360 640 "0:0.52:split,1.52:3:camera" 1 || fail "portrait, mirrored"
# the same with an encoder that takes planar 4:2:0 only (the compositors' I420 layout)
if ffmpeg -hide_banner -encoders 2>/dev/null | grep -q libvpx-vp9; then
    "$VEXPORT" render "$tmp/land.json" -o "$tmp/i420.mp4" --crf 0 --encoder libvpx-vp9 \
        --encoder-opt lossless=1 --encoder-opt deadline=realtime --encoder-opt cpu-used=8 \
        --threads 2 -q >"$tmp/i420.log" 2>&1 || { cat "$tmp/i420.log"; fail "vexport i420"; }
    check i420 640 360 "0.52:1.02:camera,1.02:1.82:split,2.02:2.52:screen" || fail "I420"
fi
# in 3 chunks (boundaries at frames 30 and 60: inside the camera and the split scenes), joined:
# frame for frame the one export
md5s() { ffmpeg -nostdin -v error -i "$1" -map 0:v -f framemd5 - | grep -v '^#' | cut -d, -f6; }
chunks_join() { # NAME: NAME.json in 3 chunks, joined, frame for frame NAME.mp4 (90 frames)
    for i in 0 1 2; do
        "$VEXPORT" render "$tmp/$1.json" --chunk $i/3 -o "$tmp/$1-part$i.mp4" --preset ultrafast \
            --crf 0 --threads 2 -q >"$tmp/part.log" 2>&1 || { cat "$tmp/part.log"; fail "$1: chunk $i"; }
    done
    "$VEXPORT" join "$tmp/$1.json" "$tmp/$1-part0.mp4" "$tmp/$1-part1.mp4" "$tmp/$1-part2.mp4" \
        -o "$tmp/$1-joined.mp4" -q >"$tmp/part.log" 2>&1 || { cat "$tmp/part.log"; fail "$1: join"; }
    md5s "$tmp/$1.mp4" >"$tmp/$1.md5" && md5s "$tmp/$1-joined.mp4" >"$tmp/$1-joined.md5" &&
        [ "$(wc -l <"$tmp/$1.md5")" -eq 90 ] && cmp -s "$tmp/$1.md5" "$tmp/$1-joined.md5" ||
        fail "$1: the joined chunks differ from the one export"
}
chunks_join land
# animated transitions: into the camera over 0.5 s and out of it (frames 16-30 and 46-60; the
# chunk boundary at frame 60, t 2.0, is mid-transition), into and out of "screen" over 0.3 s
trans='0.52:1.52:camera:0.5,2.02:2.52:screen:0.3'
export_ trans 640 360 ', "scenes": [ { "start": 0.52, "end": 1.52, "layout": "camera", "transition": 0.5 },
  { "start": 2.02, "end": 2.52, "layout": "screen", "transition": 0.3 } ]'
check trans 640 360 "$trans" >"$tmp/trans.log" || { cat "$tmp/trans.log"; fail "transitions"; }
grep -q ' 48 mid-transition' "$tmp/trans.log" || { cat "$tmp/trans.log"; fail "transition frames"; }
if ffmpeg -hide_banner -encoders 2>/dev/null | grep -q libvpx-vp9; then
    "$VEXPORT" render "$tmp/trans.json" -o "$tmp/trans-i420.mp4" --crf 0 --encoder libvpx-vp9 \
        --encoder-opt lossless=1 --encoder-opt deadline=realtime --encoder-opt cpu-used=8 \
        --threads 2 -q >"$tmp/i420.log" 2>&1 || { cat "$tmp/i420.log"; fail "vexport i420"; }
    check trans-i420 640 360 "$trans" || fail "transitions, I420"
fi
chunks_join trans
# into and out of "split" the screen slides (frames 16-30, then 46-57 into the camera, 76-87
# out of it); the chunk boundaries at frames 30 and 60 start a chunk mid-slide and at its end.
# The screen's shadow follows the rectangle of the moment: its pixels mid-slide are checked
# against the documented blurred rectangle (and the same export is refused as shadowless)
slide='0.52:1.52:split:0.5,1.52:2.52:camera:0.4'
export_ slide 640 360 ', "shadow": { "blur": 24, "offset_y": 8, "opacity": 0.5 },
  "scenes": [ { "start": 0.52, "end": 1.52, "layout": "split", "transition": 0.5 },
  { "start": 1.52, "end": 2.52, "layout": "camera", "transition": 0.4 } ]'
check slide 640 360 "$slide" 0 0 24:0:8:0.5 >"$tmp/slide.log" || { cat "$tmp/slide.log"; fail "slide"; }
grep -q ' 39 mid-transition' "$tmp/slide.log" || { cat "$tmp/slide.log"; fail "slide frames"; }
if check slide 640 360 "$slide" 0 0 24:0:8:0 >"$tmp/neg.log"; then
    cat "$tmp/neg.log"; fail "the checker accepted the slide's shadow as none"
fi
chunks_join slide
# a 12 px white border goes around the sliding rectangle at full width (frames 16-30 in,
# 46-60 out); the checker without the border must see it
bslide='0.52:1.52:split:0.5'
export_ bslide 640 360 ', "border": { "width": 12, "color": "#ffffff" },
  "scenes": [ { "start": 0.52, "end": 1.52, "layout": "split", "transition": 0.5 } ]'
check bslide 640 360 "$bslide" 0 12 >"$tmp/bslide.log" || { cat "$tmp/bslide.log"; fail "bordered slide"; }
grep -q ' 30 mid-transition' "$tmp/bslide.log" || { cat "$tmp/bslide.log"; fail "bordered slide frames"; }
if check bslide 640 360 "$bslide" 0 0 >"$tmp/neg.log"; then
    cat "$tmp/neg.log"; fail "the checker accepted a bordered export as borderless"
fi
# portrait: the screen's cell on top, the camera's below (frames 9-26 into "split" from the
# default layout, 57-74 out of it, mirrored)
pslide='0.3:1.9:split:0.6'
export_ pslide 360 640 ', "scenes": [ { "start": 0.3, "end": 1.9, "layout": "split", "transition": 0.6 } ]' true
check pslide 360 640 "$pslide" 1 >"$tmp/pslide.log" || { cat "$tmp/pslide.log"; fail "portrait slide"; }
grep -q ' 36 mid-transition' "$tmp/pslide.log" || { cat "$tmp/pslide.log"; fail "portrait slide frames"; }
# the same scenes switched (transition 0) are not the animated ones
export_ switched 640 360 ', "scenes": [ { "start": 0.52, "end": 1.52, "layout": "camera" },
  { "start": 2.02, "end": 2.52, "layout": "screen" } ]'
if check switched 640 360 "$trans" >"$tmp/neg.log"; then
    cat "$tmp/neg.log"; fail "the checker accepted switches for transitions"
fi
export_ dswitched 640 360 ', "scenes": [ { "start": 0.52, "end": 1.52, "layout": "split" },
  { "start": 1.52, "end": 2.52, "layout": "camera" } ]'
if check dswitched 640 360 "$slide" >"$tmp/neg.log"; then
    cat "$tmp/neg.log"; fail "the checker accepted switches for a slide"
fi

# the same checker on the export without scenes: it must see the missing layouts; and on the
# mirrored export as if it were not
export_ plain 640 360 ""
if check plain 640 360 "0.52:1.02:camera,1.02:1.82:split,2.02:2.52:screen" >"$tmp/neg.log"; then
    cat "$tmp/neg.log"; fail "the checker accepted an export without scenes"
fi
if check portrait 360 640 "0:0.52:split,1.52:3:camera" 0 >"$tmp/neg.log"; then
    cat "$tmp/neg.log"; fail "the checker accepted a mirrored camera as unmirrored"
fi

# refusals name the file and the key
refuse() { # SCENES_JSON EXPECTED_TEXT
    cat >"$tmp/bad.json" <<JSON
{ "sources": { "screen": "screen.mp4" $3 }, "scenes": $1 }
JSON
    if "$VEXPORT" render "$tmp/bad.json" -o "$tmp/bad.mp4" >"$tmp/bad.log" 2>&1; then
        fail "accepted: $1"
    fi
    grep -qF "bad.json" "$tmp/bad.log" && grep -qF "$2" "$tmp/bad.log" ||
        { cat "$tmp/bad.log"; fail "the refusal of $1 lacks '$2'"; }
    [ ! -e "$tmp/bad.mp4" ] || fail "$1 left an output behind"
}
cam=', "camera": "webcam.mp4"'
refuse '[ { "start": 0, "end": 1, "layout": "camera" } ]' 'scenes[0].layout' ''
refuse '[ { "start": 0, "end": 1, "layout": "screen" }, { "start": 1, "end": 2, "layout": "pip" } ]' \
    'scenes[1].layout' "$cam"
refuse '[ { "start": 0, "end": 2, "layout": "split" }, { "start": 1, "end": 3, "layout": "screen" } ]' \
    'scenes[1]: starts at 1 s, before scenes[0] ends' "$cam"
refuse '[ { "start": 1, "end": 1, "layout": "split" } ]' 'scenes[0].end' "$cam"
refuse '[ { "start": 0, "end": 2, "layout": "camera", "transition": -1 } ]' 'scenes[0].transition' "$cam"
echo "PASS"
