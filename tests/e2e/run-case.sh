#!/bin/sh
# End-to-end case runner: run-case.sh NAME
#
# Environment: VEXPORT (the vexport tool), VXCHECK (the checker), MEDIA (folder with the media
# made by tests/media/make-media.sh). Each case writes a project into a temporary folder, runs
# vexport, checks what a user would notice with vxcheck (or, for bad input, the exit code, the
# message and that nothing was left behind), and cleans up.
# Exit: 0 pass, 1 fail, 77 skip (media or tool missing).
# VX_E2E_KEEP=1 keeps the case's folder (project, output, logs) for a look afterwards.

set -u

name=${1:?usage: run-case.sh NAME}
: "${VEXPORT:?VEXPORT not set}" "${VXCHECK:?VXCHECK not set}" "${MEDIA:?MEDIA not set}"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vx-e2e-$name.XXXXXX") || exit 1
out=$tmp/out
mkdir "$out"
cleanup() {
    if [ -n "${VX_E2E_KEEP:-}" ]; then
        say "kept $tmp"
    else
        rm -rf "$tmp"
    fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# Encodes at high quality (and fast) so the encoder's error does not hide the composer's.
ENC="--preset ultrafast --crf 4"
LOSSLESS="--preset ultrafast --crf 0"

say() { printf '%s\n' "$*"; }
fail() { say "FAIL: $*"; exit 1; }
skip() { say "SKIP: $*"; exit 77; }

need() {
    for f in "$@"; do
        [ -f "$MEDIA/$f" ] || skip "media $MEDIA/$f not there (tests/media/make-media.sh makes it)"
    done
}

[ -x "$VEXPORT" ] || skip "vexport tool $VEXPORT not built"

# Links a medium into the case folder so the project can name it relatively (relative paths
# resolve against the project file's folder, and vexport runs from another folder).
link() { ln -s "$MEDIA/$1" "$tmp/$2"; }

# project NAME <<EOF ... EOF: writes $tmp/NAME.json
project() { cat >"$tmp/$1.json"; }

# The output folder must hold exactly the given names afterwards (no temporary left over).
only_files() {
    got=$(cd "$out" && ls -A | sort | tr '\n' ' ')
    want=$(printf '%s\n' "$@" | sed '/^$/d' | sort | tr '\n' ' ')
    [ "$got" = "$want" ] || fail "output folder holds [${got% }], expected [${want% }]"
}

# render PROJECT [flags...]: vexport render $tmp/PROJECT.json -o $out/out.mp4, run from /
render() {
    p=$1
    shift
    say "+ vexport render $p.json -o out.mp4 $*"
    t0=$(date +%s)
    (cd / && "$VEXPORT" render "$tmp/$p.json" -o "$out/out.mp4" "$@") >"$tmp/render.log" 2>&1
    rc=$?
    t1=$(date +%s)
    tail -n 5 "$tmp/render.log"
    [ $rc -eq 0 ] || { cat "$tmp/render.log"; fail "vexport render exited with $rc"; }
    say "  rendered in $((t1 - t0)) s"
    only_files out.mp4
}

# vxcheck PROJECT [options]: checks $out/out.mp4 against $tmp/PROJECT.json
check() {
    p=$1
    shift
    "$VXCHECK" "$tmp/$p.json" "$out/out.mp4" "$@" || fail "vxcheck found problems (see above)"
}

# bad CODE PATTERN COMMAND...: the command must exit with CODE, print a message matching
# PATTERN (grep -E, case-insensitive) on stderr, and leave the output folder empty.
bad() {
    code=$1
    pat=$2
    shift 2
    say "+ $*"
    (cd / && "$@") >"$tmp/stdout.log" 2>"$tmp/stderr.log"
    rc=$?
    say "  exit $rc, stderr:"
    sed 's/^/    /' "$tmp/stderr.log" | head -n 10
    [ $rc -eq "$code" ] || fail "exit code $rc, expected $code"
    [ -s "$tmp/stderr.log" ] || fail "no message on stderr"
    grep -qiE -- "$pat" "$tmp/stderr.log" || fail "message does not mention '$pat'"
    only_files
    say "PASS"
}

# A fitted project on the screen recording with the given extra JSON members.
fitted() {
    pname=$1
    screen=$2
    w=$3
    h=$4
    extra=$5
    project "$pname" <<EOF
{
  "version": 1,
  "output": { "width": $w, "height": $h, "fps": 30 },
  "sources": { "screen": "$screen" }$extra
}
EOF
}

GRAD='"background": { "type": "gradient", "angle": 135, "stops": [ { "at": 0, "color": "#4f46e5" }, { "at": 1, "color": "#ec4899" } ] }'
SHADOW='"shadow": { "blur": 40, "offset_x": 0, "offset_y": 12, "opacity": 0.45, "color": "#000000" }'

case $name in

# ---------------------------------------------------------------------------- exports
demo)
    # the built-in demo with its defaults: 14 s recording, cut 5..6.5 s, 6.5..10.5 s at 2x
    # cross-faded in over 0.5 s: 5 + 2 + 3.5 - 0.5 = 10 s of output = 600 frames at 60 fps; its
    # temporary inputs are removed
    mkdir "$tmp/t"
    say "+ vexport demo -o demo.mp4"
    (cd / && TMPDIR=$tmp/t "$VEXPORT" demo -o "$out/demo.mp4") >"$tmp/render.log" 2>&1 || {
        cat "$tmp/render.log"
        fail "vexport demo failed"
    }
    only_files demo.mp4
    left=$(ls -A "$tmp/t")
    [ -z "$left" ] || fail "vexport demo left its inputs behind in TMPDIR: $left"
    "$VXCHECK" - "$out/demo.mp4" --size 1920x1080 --fps 60 --expect-frames 600 --expect-audio yes ||
        fail "vxcheck found problems"
    ;;

demo-picture)
    # the demo with its inputs kept (--inputs) and its project written (--project-out): the
    # inputs are what tools/demo_scene.h documents, the output follows the project's timeline
    # and mixes the microphone in, and docs/demo-project.json is the project the demo uses
    CHECK_DEMO=${CHECK_DEMO:-$(dirname "$VXCHECK")/check_demo}
    [ -x "$CHECK_DEMO" ] || skip "checker $CHECK_DEMO not built"
    docs=$(cd "$(dirname "$0")/../../docs" && pwd)
    say "+ vexport demo -o out.mp4 --inputs in --project-out in/demo-project.json $ENC"
    (cd / && "$VEXPORT" demo -o "$out/out.mp4" --inputs "$tmp/in" \
        --project-out "$tmp/in/demo-project.json" $ENC) >"$tmp/render.log" 2>&1 ||
        { cat "$tmp/render.log"; fail "vexport demo failed"; }
    only_files out.mp4
    got=$(cd "$tmp/in" && ls -A | sort | tr '\n' ' ')
    [ "$got" = "camera.mp4 captions.srt cursor.jsonl demo-project.json keys.jsonl mic.m4a screen.mp4 " ] ||
        fail "the inputs folder holds [$got]"
    cmp "$tmp/in/demo-project.json" "$docs/demo-project.json" ||
        fail "docs/demo-project.json differs from the project vexport demo renders"
    "$CHECK_DEMO" inputs "$tmp/in" || fail "the demo's inputs are not as documented"
    # the camera bubble is checked once the library draws it (src/camera.c is in the tree)
    cam=
    [ -f "$docs/../src/camera.c" ] && cam=--expect-camera
    "$CHECK_DEMO" output "$tmp/in/demo-project.json" "$out/out.mp4" $cam ||
        fail "the demo's output does not follow its project"
    "$VXCHECK" - "$out/out.mp4" --size 1920x1080 --fps 60 --expect-frames 600 --expect-audio yes ||
        fail "vxcheck found problems"
    # the written project renders on its own (relative paths resolve against its folder)
    (cd / && "$VEXPORT" frame "$tmp/in/demo-project.json" --at 2 -o "$tmp/f.png") \
        >"$tmp/frame.log" 2>&1 || { cat "$tmp/frame.log"; fail "vexport frame on the demo's project failed"; }
    ;;

solid)
    # solid colour, padding, default frame rate (the recording's: 30)
    need screen.mp4
    link screen.mp4 rec.mp4
    project p <<'EOF'
{ "version": 1, "output": { "width": 1920, "height": 1080 },
  "sources": { "screen": "rec.mp4" },
  "background": "#1e293b", "padding": 0.06 }
EOF
    render p $ENC
    check p --fps 30
    ;;

gradient)
    need screen.mp4
    link screen.mp4 rec.mp4
    fitted p rec.mp4 1920 1080 ", $GRAD, \"padding\": 0.08"
    render p $ENC
    check p
    ;;

gradient3)
    # three uneven stops, an angle that is not a multiple of 45, 720p output
    need screen.mp4
    link screen.mp4 rec.mp4
    fitted p rec.mp4 1280 720 ', "background": { "type": "gradient", "angle": 30, "stops": [ { "at": 0, "color": "#000000" }, { "at": 0.2, "color": "#ff0000" }, { "at": 0.9, "color": "#00ffcc" } ] }, "padding": 0.12, "radius": 10'
    render p $ENC
    check p
    ;;

image)
    need screen.mp4 bg.png
    link screen.mp4 rec.mp4
    link bg.png wall.png
    fitted p rec.mp4 1920 1080 ', "background": { "type": "image", "path": "wall.png" }, "padding": 0.1, "radius": 12'
    render p $ENC
    check p
    ;;

plain)
    # no padding, radius or shadow: the screen scaled to fill the frame
    need screen.mp4
    link screen.mp4 rec.mp4
    fitted p rec.mp4 1920 1080 ''
    render p $ENC
    check p --frames 4
    ;;

full)
    need screen.mp4
    link screen.mp4 rec.mp4
    fitted p rec.mp4 1920 1080 ", $GRAD, \"padding\": 0.06, \"radius\": 18, $SHADOW"
    render p $ENC
    check p
    ;;

precise)
    # everything on, lossless: the composition itself must be far better than 40 dB (the
    # format's rules leave only rounding, so a small misplacement shows here)
    need screen.mp4
    link screen.mp4 rec.mp4
    fitted p rec.mp4 1920 1080 ", $GRAD, \"padding\": 0.06, \"radius\": 18, $SHADOW"
    render p $LOSSLESS
    check p --min-psnr 50 --min-tile-psnr 40 --frames 2
    ;;

full-cpu-c)
    # the same with the C kernels only: must give the same picture as the SIMD ones
    need screen.mp4
    link screen.mp4 rec.mp4
    fitted p rec.mp4 1920 1080 ", $GRAD, \"padding\": 0.06, \"radius\": 18, $SHADOW"
    render p $ENC --cpu c
    check p
    ;;

odd)
    need odd.mp4
    link odd.mp4 rec.mp4
    fitted p rec.mp4 1920 1080 ', "background": { "type": "solid", "color": "#f0e6d2" }, "padding": 0.05, "radius": 14, "shadow": { "blur": 24 }'
    render p $ENC
    check p
    ;;

yuv444)
    need yuv444.mp4
    link yuv444.mp4 rec.mp4
    fitted p rec.mp4 1280 720 ", $GRAD, \"padding\": 0.04, \"radius\": 10"
    render p $ENC
    check p
    ;;

10bit)
    need 10bit.mp4
    link 10bit.mp4 rec.mp4
    fitted p rec.mp4 1920 1080 ", $GRAD, \"padding\": 0.06, \"radius\": 18"
    render p $ENC
    check p
    ;;

prores)
    # ProRes 422 HQ (10-bit 4:2:2) in MOV: chroma read on its own grid
    need prores.mov
    link prores.mov rec.mov
    fitted p rec.mov 1920 1080 ", $GRAD, \"padding\": 0.06, \"radius\": 18"
    render p $ENC
    check p
    ;;
av1)
    # AV1 in Matroska
    need av1.mkv
    link av1.mkv rec.mkv
    fitted p rec.mkv 1280 720 ", $GRAD, \"padding\": 0.06, \"radius\": 18, $SHADOW"
    render p $ENC
    check p
    ;;
vp9)
    # VP9 + Opus in WebM: Opus is copied into the MP4
    need vp9.webm
    link vp9.webm rec.webm
    fitted p rec.webm 1920 1080 ", $GRAD, \"padding\": 0.06, \"radius\": 18, $SHADOW"
    render p $ENC
    check p
    ;;

portrait)
    # 9:16 output from a portrait recording
    need portrait.mp4
    link portrait.mp4 rec.mp4
    fitted p rec.mp4 1080 1920 ", $GRAD, \"padding\": 0.05, \"radius\": 24, $SHADOW"
    render p $ENC
    check p
    ;;

vertical)
    # 9:16 output from the landscape recording: wide margins above and below
    need screen.mp4
    link screen.mp4 rec.mp4
    fitted p rec.mp4 1080 1920 ", $GRAD, \"padding\": 0.04, \"radius\": 16, $SHADOW"
    render p $ENC
    check p
    ;;

square)
    need screen.mp4
    link screen.mp4 rec.mp4
    fitted p rec.mp4 1080 1080 ', "background": "#0b1020", "padding": 0.05, "radius": 20, "shadow": { "blur": 30, "opacity": 0.8, "color": "#3040ff" }'
    render p $ENC
    check p
    ;;

4k)
    need screen.mp4
    link screen.mp4 rec.mp4
    fitted p rec.mp4 3840 2160 ", $GRAD, \"padding\": 0.06, \"radius\": 36, \"shadow\": { \"blur\": 80, \"offset_y\": 24, \"opacity\": 0.5 }"
    render p $ENC
    check p --frames 2
    ;;

native)
    # no output size: the screen is copied 1:1 into a canvas with margins (lossless encode,
    # so the screen area must equal the source exactly)
    need screen.mp4
    link screen.mp4 rec.mp4
    project p <<EOF
{ "version": 1, "sources": { "screen": "rec.mp4" }, $GRAD, "padding": 0.05, "radius": 16, $SHADOW }
EOF
    render p $LOSSLESS
    check p --exact-screen --corner-tol 2
    ;;

sd)
    # output below 720 lines: BT.601 (SMPTE 170M) tags and matrix, from a BT.709 recording
    need screen.mp4
    link screen.mp4 rec.mp4
    fitted p rec.mp4 640 360 ", $GRAD, \"padding\": 0.05, \"radius\": 8"
    render p $ENC
    check p
    ;;

vfr)
    # variable frame rate recording, constant 30 fps output: frame n shows the source frame
    # displayed at n/30
    need vfr.mp4
    link vfr.mp4 rec.mp4
    fitted p rec.mp4 1280 720 ', "background": "#202020", "padding": 0.05'
    render p $ENC
    check p --frames 7
    ;;

fps60)
    # 30 fps recording to 60 fps: every source frame shown twice, audio unchanged
    need screen.mp4
    link screen.mp4 rec.mp4
    project p <<EOF
{ "version": 1, "output": { "width": 1280, "height": 720, "fps": 60 }, "sources": { "screen": "rec.mp4" },
  $GRAD, "padding": 0.05, "radius": 12 }
EOF
    render p $ENC
    check p --sample 0,1,2,3,60,61,238,239
    ;;

zoom-rect)
    # a rectangle zoom eases in and out (ease-in-out): every sampled frame, in the transitions
    # too, must match the checker's own crop-and-scale of the recording at the view the
    # project format's easing gives; fractional views included (no 1 px jitter)
    need screen.mp4
    link screen.mp4 rec.mp4
    project p <<EOF
{ "version": 1, "output": { "width": 1280, "height": 720 }, "sources": { "screen": "rec.mp4" },
  $GRAD, "padding": 0.05, "radius": 12,
  "zoom": [ { "start": 1.0, "end": 2.5, "rect": [ 200, 120, 480, 270 ], "transition": 0.5 } ] }
EOF
    render p $LOSSLESS
    check p --sample 0,15,17,20,22,25,30,45,75,80,85,90,119
    ;;

motion-blur)
    # motion blur ({"screen": 0.5}): frames in the zoom's transitions must match the checker's
    # own average of the screen at the views sampled over the shutter (docs/project-format.md,
    # motion_blur); frames whose view is still over the shutter are byte-identical to the same
    # export without motion blur, and frames well inside a transition are not
    need screen.mp4
    command -v ffmpeg >/dev/null || skip "ffmpeg not installed (scripts/setup.sh --tests)"
    link screen.mp4 rec.mp4
    for mb in on off; do
        blur='"motion_blur": { "screen": 0.5, "cursor": true },'
        [ $mb = off ] && blur=
        project $mb <<EOF
{ "version": 1, "output": { "width": 640, "height": 360, "fps": 30 }, "sources": { "screen": "rec.mp4" },
  $GRAD, "padding": 0.05, "radius": 8, $blur
  "zoom": [ { "start": 1.0, "end": 2.0, "rect": [ 200, 120, 480, 270 ], "transition": 0.5 } ] }
EOF
        render $mb $LOSSLESS
        ffmpeg -nostdin -v error -i "$out/out.mp4" -map 0:v -f framemd5 - | grep -v '^#' |
            awk -F, '{ print $NF }' >"$tmp/$mb.md5" || fail "ffmpeg could not decode the $mb export"
        [ $mb = on ] && check on --sample 0,14,16,20,22,25,29,40,61,65,70,74,90
    done
    [ "$(wc -l <"$tmp/on.md5")" -eq 120 ] && [ "$(wc -l <"$tmp/off.md5")" -eq 120 ] ||
        fail "expected 120 frames with and without motion blur"
    # the view is still over frames 0-13, 32-58, 77-119 (a shutter of 1/60 s centred on each)
    still=$(paste "$tmp/on.md5" "$tmp/off.md5" | awk '(NR <= 14 || (NR >= 33 && NR <= 59) || NR >= 78) && $1 != $2 { print NR - 1 }')
    [ -z "$still" ] || fail "frames with a still view differ with motion blur: $still"
    moving=$(paste "$tmp/on.md5" "$tmp/off.md5" | awk '((NR >= 19 && NR <= 29) || (NR >= 64 && NR <= 74)) && $1 == $2 { print NR - 1 }')
    [ -z "$moving" ] || fail "frames mid-transition are the same with motion blur: $moving"
    say "still frames identical with and without motion blur; transition frames blurred"
    ;;

zoom-center)
    # centre + scale with a spring, at 60 fps from a 30 fps recording (each source frame shown
    # twice, but the view moves every output frame), and a zoom that reaches the edge (clamped)
    need screen.mp4
    link screen.mp4 rec.mp4
    project p <<EOF
{ "version": 1, "output": { "width": 1280, "height": 720, "fps": 60 }, "sources": { "screen": "rec.mp4" },
  $GRAD, "padding": 0.04, "radius": 16,
  "zoom": [ { "start": 0.5, "end": 1.5, "center": [ 900, 500 ], "scale": 2.5, "ease": "spring",
              "transition": 0.4 },
            { "start": 2.6, "end": 3.2, "center": [ 1270, 20 ], "scale": 1.5, "ease": "linear",
              "transition": 0.3 } ] }
EOF
    render p $LOSSLESS
    check p --sample 0,7,8,13,19,24,30,60,95,100,140,150,160,180,200,230
    ;;

cuts)
    # kept ranges with speed changes: each output frame comes from the recording time the
    # timeline maps it to (the checker reads the source frame it expects and compares the
    # picture), the frame count follows the kept ranges, and cuts join without repeats
    need screen.mp4
    link screen.mp4 rec.mp4
    project p <<EOF
{ "version": 1, "output": { "width": 1280, "height": 720 }, "sources": { "screen": "rec.mp4" },
  $GRAD, "padding": 0.05, "radius": 12,
  "timeline": [ { "start": 0, "end": 1 }, { "start": 1.5, "end": 2.5, "speed": 2 },
                { "start": 2.9, "end": 3.5, "speed": 0.5 }, { "start": 3.7 } ] }
EOF
    render p $ENC
    # 1 + 0.5 + 1.2 + 0.3 s at 30 fps
    check p --expect-frames 90 --sample 0,29,30,31,44,45,46,60,80,81,89
    ;;

rotated)
    need rotated.mp4
    link rotated.mp4 rec.mp4
    fitted p rec.mp4 1920 1080 ", $GRAD, \"padding\": 0.05, \"radius\": 16"
    render p $ENC
    check p
    ;;

xrec)
    need xrec.mp4
    link xrec.mp4 rec.mp4
    fitted p rec.mp4 1920 1080 ", $GRAD, \"padding\": 0.06, \"radius\": 18, $SHADOW"
    render p $ENC
    check p
    ;;

corners)
    # big radius on a contrasting background, lossless: outside the arcs is background,
    # inside is screen
    need screen.mp4
    link screen.mp4 rec.mp4
    fitted p rec.mp4 1280 720 ', "background": "#ff00ff", "padding": 0.1, "radius": 48'
    render p $LOSSLESS
    check p --corner-tol 2 --frames 2
    ;;

noaudio)
    need screen.mp4
    link screen.mp4 rec.mp4
    project p <<'EOF'
{ "version": 1, "output": { "width": 1280, "height": 720 }, "sources": { "screen": "rec.mp4", "audio": [] },
  "background": "#445566", "padding": 0.05 }
EOF
    render p $ENC
    check p --expect-audio no --frames 2
    ;;

audiofile)
    # sources.audio replaces the recording's audio (here the Opus track of the WebM file)
    need screen.mp4 vp9.webm
    link screen.mp4 rec.mp4
    link vp9.webm voice.webm
    project p <<'EOF'
{ "version": 1, "output": { "width": 1280, "height": 720 }, "sources": { "screen": "rec.mp4", "audio": ["voice.webm"] },
  "background": "#445566", "padding": 0.05 }
EOF
    render p $ENC
    check p --expect-audio yes --frames 2
    ;;

hevc)
    need screen.mp4
    link screen.mp4 rec.mp4
    project p <<EOF
{ "version": 1, "output": { "width": 1280, "height": 720, "codec": "hevc" }, "sources": { "screen": "rec.mp4" },
  $GRAD, "padding": 0.06, "radius": 12 }
EOF
    render p $ENC
    check p --codec hevc --frames 2
    ;;

flags)
    # flag mode (no project file); checked against the equivalent project
    need screen.mp4
    say "+ vexport render --screen screen.mp4 --background gradient:135:#4f46e5:#ec4899 ..."
    (cd "$tmp" && "$VEXPORT" render --screen "$MEDIA/screen.mp4" --background 'gradient:135:#4f46e5:#ec4899' \
        --padding 0.06 --radius 18 --shadow '40:0.45:0:12:#000000' --size 1920x1080 -o "$out/out.mp4" $ENC) \
        >"$tmp/render.log" 2>&1 || { cat "$tmp/render.log"; fail "vexport render (flags) failed"; }
    only_files out.mp4
    project p <<EOF
{ "version": 1, "output": { "width": 1920, "height": 1080 }, "sources": { "screen": "$MEDIA/screen.mp4" },
  $GRAD, "padding": 0.06, "radius": 18, $SHADOW }
EOF
    check p
    ;;

flags2)
    # flag mode: three-stop gradient spelled on the command line, 60 fps, audio from a file
    need screen.mp4 vp9.webm
    say "+ vexport render --screen screen.mp4 --background gradient:90:#000000:#ffffff:#3366ff --fps 60 --audio vp9.webm ..."
    (cd "$tmp" && "$VEXPORT" render --screen "$MEDIA/screen.mp4" --background 'gradient:90:#000000:#ffffff:#3366ff' \
        --padding 0.1 --radius 30 --size 1280x720 --fps 60 --audio "$MEDIA/vp9.webm" -o "$out/out.mp4" $ENC) \
        >"$tmp/render.log" 2>&1 || { cat "$tmp/render.log"; fail "vexport render (flags) failed"; }
    only_files out.mp4
    project p <<EOF
{ "version": 1, "output": { "width": 1280, "height": 720, "fps": 60 },
  "sources": { "screen": "$MEDIA/screen.mp4", "audio": [ "$MEDIA/vp9.webm" ] },
  "background": { "type": "gradient", "angle": 90, "stops": [ { "at": 0, "color": "#000000" }, { "at": 0.5, "color": "#ffffff" }, { "at": 1, "color": "#3366ff" } ] },
  "padding": 0.1, "radius": 30 }
EOF
    check p --frames 4
    ;;

flags-image)
    need screen.mp4 bg.png
    (cd "$tmp" && "$VEXPORT" render --screen "$MEDIA/screen.mp4" --background "image:$MEDIA/bg.png" \
        --padding 0.08 --radius 12 --shadow 20 -o "$out/out.mp4" $ENC) \
        >"$tmp/render.log" 2>&1 || { cat "$tmp/render.log"; fail "vexport render (flags) failed"; }
    only_files out.mp4
    project p <<EOF
{ "version": 1, "sources": { "screen": "$MEDIA/screen.mp4" },
  "background": { "type": "image", "path": "$MEDIA/bg.png" }, "padding": 0.08, "radius": 12, "shadow": { "blur": 20 } }
EOF
    check p --frames 2
    ;;

frame)
    # vexport frame: RGBA PNG of the composed frame at t = 2 s
    need screen.mp4
    link screen.mp4 rec.mp4
    fitted p rec.mp4 1920 1080 ", $GRAD, \"padding\": 0.06, \"radius\": 18, $SHADOW"
    (cd / && "$VEXPORT" frame "$tmp/p.json" --at 2 -o "$out/f.png") >"$tmp/render.log" 2>&1 ||
        { cat "$tmp/render.log"; fail "vexport frame failed"; }
    only_files f.png
    "$VXCHECK" "$tmp/p.json" - --png "$out/f.png" --at 2 || fail "vxcheck found problems"
    ;;

# ---------------------------------------------------------------------------- bad input
bad-missing)
    project p <<'EOF'
{ "version": 1, "sources": { "screen": "no-such-recording.mp4" } }
EOF
    bad 1 'no-such-recording\.mp4' "$VEXPORT" render "$tmp/p.json" -o "$out/out.mp4"
    ;;

bad-missing-project)
    bad 1 'no-such-project\.json' "$VEXPORT" render "$tmp/no-such-project.json" -o "$out/out.mp4"
    ;;

bad-missing-flags)
    bad 1 'no-such-recording\.mp4' "$VEXPORT" render --screen "$tmp/no-such-recording.mp4" -o "$out/out.mp4"
    ;;

bad-notvideo)
    printf 'this is not a video\n%.0s' 1 2 3 4 5 6 7 8 >"$tmp/notes.mp4"
    project p <<'EOF'
{ "version": 1, "sources": { "screen": "notes.mp4" } }
EOF
    bad 1 'notes\.mp4' "$VEXPORT" render "$tmp/p.json" -o "$out/out.mp4"
    ;;

bad-truncated-head)
    # only the first 1 KiB of a recording
    need screen.mp4
    head -c 1024 "$MEDIA/screen.mp4" >"$tmp/head.mp4"
    project p <<'EOF'
{ "version": 1, "sources": { "screen": "head.mp4" } }
EOF
    bad 1 'head\.mp4' "$VEXPORT" render "$tmp/p.json" -o "$out/out.mp4"
    ;;

bad-type)
    need screen.mp4
    project p <<EOF
{ "version": 1, "sources": { "screen": "$MEDIA/screen.mp4" }, "padding": "big" }
EOF
    bad 1 'padding' "$VEXPORT" render "$tmp/p.json" -o "$out/out.mp4"
    ;;

bad-angle)
    need screen.mp4
    project p <<EOF
{ "version": 1, "sources": { "screen": "$MEDIA/screen.mp4" },
  "background": { "type": "gradient", "angle": "steep", "stops": [ { "at": 0, "color": "#000000" }, { "at": 1, "color": "#ffffff" } ] } }
EOF
    bad 1 'background\.angle' "$VEXPORT" render "$tmp/p.json" -o "$out/out.mp4"
    ;;

bad-negative)
    need screen.mp4
    project p <<EOF
{ "version": 1, "sources": { "screen": "$MEDIA/screen.mp4" }, "radius": -3 }
EOF
    bad 1 'radius' "$VEXPORT" render "$tmp/p.json" -o "$out/out.mp4"
    ;;

bad-nan)
    # json-c accepts the NaN literal; it must still be refused
    need screen.mp4
    project p <<EOF
{ "version": 1, "sources": { "screen": "$MEDIA/screen.mp4" }, "radius": NaN }
EOF
    bad 1 'radius' "$VEXPORT" render "$tmp/p.json" -o "$out/out.mp4"
    ;;

bad-nan-string)
    need screen.mp4
    project p <<EOF
{ "version": 1, "sources": { "screen": "$MEDIA/screen.mp4" }, "radius": "NaN" }
EOF
    bad 1 'radius' "$VEXPORT" render "$tmp/p.json" -o "$out/out.mp4"
    ;;

bad-inf)
    # 1e999 overflows to infinity
    need screen.mp4
    project p <<EOF
{ "version": 1, "sources": { "screen": "$MEDIA/screen.mp4" }, "padding": 1e999 }
EOF
    bad 1 'padding' "$VEXPORT" render "$tmp/p.json" -o "$out/out.mp4"
    ;;

bad-zero-size)
    need screen.mp4
    project p <<EOF
{ "version": 1, "output": { "width": 0, "height": 1080 }, "sources": { "screen": "$MEDIA/screen.mp4" } }
EOF
    bad 1 'output\.width|width' "$VEXPORT" render "$tmp/p.json" -o "$out/out.mp4"
    ;;

bad-unknown-key)
    need screen.mp4
    project p <<EOF
{ "version": 1, "sources": { "screen": "$MEDIA/screen.mp4" }, "paddding": 0.1 }
EOF
    bad 1 'paddding' "$VEXPORT" render "$tmp/p.json" -o "$out/out.mp4"
    ;;

bad-image)
    need screen.mp4
    project p <<EOF
{ "version": 1, "sources": { "screen": "$MEDIA/screen.mp4" }, "background": { "type": "image", "path": "missing-wallpaper.png" } }
EOF
    bad 1 'missing-wallpaper\.png' "$VEXPORT" render "$tmp/p.json" -o "$out/out.mp4"
    ;;

bad-flag-value)
    need screen.mp4
    bad 1 'padding' "$VEXPORT" render --screen "$MEDIA/screen.mp4" --padding lots -o "$out/out.mp4"
    ;;

sigint)
    # Ctrl-C during a long export: exit 130 promptly, nothing left in the output folder
    need screen.mp4
    project p <<EOF
{ "version": 1, "output": { "width": 3840, "height": 2160 }, "sources": { "screen": "$MEDIA/screen.mp4" },
  $GRAD, "padding": 0.06, "radius": 36, $SHADOW }
EOF
    # a background job of a non-interactive shell ignores SIGINT: give it the default back
    env --default-signal=INT true 2>/dev/null && sigdef="env --default-signal=INT" || sigdef=""
    $sigdef "$VEXPORT" render "$tmp/p.json" -o "$out/out.mp4" --preset medium >"$tmp/render.log" 2>&1 &
    pid=$!
    sleep 1.5
    kill -0 $pid 2>/dev/null || { cat "$tmp/render.log"; fail "export ended before the interrupt"; }
    kill -INT $pid
    t0=$(date +%s)
    # wait at most ~5 s
    i=0
    while kill -0 $pid 2>/dev/null && [ $i -lt 50 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    if kill -0 $pid 2>/dev/null; then
        kill -KILL $pid
        wait $pid
        fail "still running 5 s after SIGINT"
    fi
    wait $pid
    rc=$?
    t1=$(date +%s)
    cat "$tmp/render.log" | tail -n 3
    say "  exit $rc after $((t1 - t0)) s"
    [ $rc -eq 130 ] || fail "exit code $rc after SIGINT, expected 130"
    only_files
    ;;

*)
    fail "unknown case $name"
    ;;
esac

say "PASS: $name"
exit 0
