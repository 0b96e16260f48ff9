#!/bin/sh
# Camera bubble end to end: a screen clip and a camera clip made with the ffmpeg tool, exported
# losslessly with and without the bubble by the vexport tool, and checked by check_camera
# (tests/e2e/check_camera.c: shape, border, shadow, untouched pixels, the camera frame shown
# at each output time). Environment: VEXPORT, CHECK_CAMERA. VX_E2E_KEEP=1 keeps the folder.
set -u
: "${VEXPORT:?VEXPORT not set}" "${CHECK_CAMERA:?CHECK_CAMERA not set}"
command -v ffmpeg >/dev/null || { echo "SKIP: the ffmpeg tool is needed"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vx-camera.XXXXXX") || exit 1
if [ -n "${VX_E2E_KEEP:-}" ]; then trap 'echo "kept $tmp"' EXIT; else trap 'rm -rf "$tmp"' EXIT; fi
ff() { ffmpeg -nostdin -hide_banner -loglevel error -y "$@"; }

CAM_FPS=24 CAM_FRAMES=72 SIZE=0.4 MARGIN=0.04 BORDER=4 MIRROR=1 OFFSET=0.5
# screen: 4 s at 30 fps; camera: 3 s at 24 fps, left half luma 16 + 3k in frame k (a clock the
# checker reads), right half a fixed colour (which side it lands on shows the mirroring)
ff -f lavfi -i testsrc2=s=640x360:r=30:d=4 -c:v libx264 -preset ultrafast -crf 18 \
   -pix_fmt yuv420p "$tmp/screen.mp4" || exit 1
left='lt(X,W/2)'
ff -f lavfi -i "color=c=black:s=320x240:r=$CAM_FPS,format=yuv420p,geq=lum='if($left,16+3*N,200)':cb='if($left,128,90)':cr='if($left,128,170)'" \
   -frames:v $CAM_FRAMES -c:v libx264 -qp 0 -g $CAM_FPS -pix_fmt yuv420p \
   -colorspace smpte170m -color_primaries smpte170m -color_trc smpte170m "$tmp/webcam.mp4" || exit 1

common='"output": { "width": 640, "height": 360, "fps": 30 }, "background": "#203040",
  "padding": 0.05, "radius": 12'
# export PROJECT_EXTRA -> $tmp/{ref,cam}.mp4
export_both() {
    cat >"$tmp/ref.json" <<JSON
{ $common, $1 "sources": { "screen": "screen.mp4" } }
JSON
    cat >"$tmp/cam.json" <<JSON
{ $common, $1 "sources": { "screen": "screen.mp4", "camera": "webcam.mp4" },
  "camera": { "size": $SIZE, "margin": $MARGIN, "border": $BORDER, "mirror": true,
              "offset": $OFFSET } }
JSON
    for p in ref cam; do
        "$VEXPORT" render "$tmp/$p.json" -o "$tmp/$p.mp4" --preset ultrafast --crf 0 \
            --progress none >"$tmp/$p.log" 2>&1 ||
            { cat "$tmp/$p.log"; echo "FAIL: vexport $p"; exit 1; }
    done
}
export_both ""
"$CHECK_CAMERA" "$tmp/cam.mp4" "$tmp/ref.mp4" $SIZE $MARGIN $BORDER $MIRROR $OFFSET $CAM_FPS \
    $CAM_FRAMES || exit 1
# a cut and a speed change: the camera follows the recording's time; a zoom under the bubble
# (the screen is redrawn under it each frame) does not move it
export_both '"timeline": [ { "start": 0, "end": 1.01 }, { "start": 2.5, "speed": 2 } ],
  "zoom": [ { "start": 0.5, "end": 3, "center": [ 500, 300 ], "scale": 2, "transition": 0.4 } ],'
"$CHECK_CAMERA" "$tmp/cam.mp4" "$tmp/ref.mp4" $SIZE $MARGIN $BORDER $MIRROR $OFFSET $CAM_FPS \
    $CAM_FRAMES 1.01 2.5 2
