#!/bin/sh
# Transitions at cuts (docs/project-format.md, "Transitions at cuts"), checked by
# check_transition (FFmpeg only) on lossless exports:
# - fade to black: the same two ranges with a plain cut and with the fade: each frame is the
#   plain cut's faded as documented, black at the cut, the same length, the audio faded with it
#   and no click;
# - cross-fade: against each range exported alone: the output D shorter, the frames in the
#   overlap the documented mix (the middle one the average), the audio the same mix, no click;
#   `vexport frame` in the overlap shows the same mix (PSNR against the average of the sides);
#   4 chunks joined, one boundary inside the overlap, are the one export frame for frame;
# - bad transitions are refused at load with a message naming the key, leaving nothing behind.
# Environment: VEXPORT, CHECK_TRANSITION, MEDIA. Exit 0 pass, 1 fail, 77 skip.
set -u
: "${VEXPORT:?}" "${CHECK_TRANSITION:?}" "${MEDIA:?}"
[ -f "$MEDIA/screen.mp4" ] || { echo "SKIP: $MEDIA/screen.mp4 missing"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vx-transition.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
ln -s "$MEDIA/screen.mp4" "$tmp/rec.mp4"
base='"version": 1, "output": { "width": 640, "height": 360 }, "sources": { "screen": "rec.mp4" },
  "background": "#1e293b", "padding": 0.06, "radius": 10'
# 1.5 s, then 1.5 s from 2.5 s on: the cut at output 1.5 s (frame 45 at 30 fps)
echo "{ $base, \"timeline\": [ { \"start\": 0, \"end\": 1.5 }, { \"start\": 2.5, \"end\": 4 } ] }" \
    >"$tmp/ref.json"
echo "{ $base, \"timeline\": [ { \"start\": 0, \"end\": 1.5 }, { \"start\": 2.5, \"end\": 4,
  \"transition\": { \"type\": \"fade-black\", \"duration\": 0.6 } } ] }" >"$tmp/fade.json"
for p in ref fade; do
    "$VEXPORT" render "$tmp/$p.json" -o "$tmp/$p.mp4" --preset ultrafast --crf 0 \
        >"$tmp/$p.log" 2>&1 || { cat "$tmp/$p.log"; echo "FAIL: vexport $p"; exit 1; }
done
"$CHECK_TRANSITION" "$tmp/fade.mp4" "$tmp/ref.mp4" 1.5 0.6 ||
    { echo "FAIL: the fade is not what docs/project-format.md says"; exit 1; }
# a cross-fade of 0.6 s: B starts at 0.9 s (frame 27), the output is 2.4 s (72 frames)
echo "{ $base, \"timeline\": [ { \"start\": 0, \"end\": 1.5 } ] }" >"$tmp/a.json"
echo "{ $base, \"timeline\": [ { \"start\": 2.5, \"end\": 4 } ] }" >"$tmp/b.json"
echo "{ $base, \"timeline\": [ { \"start\": 0, \"end\": 1.5 }, { \"start\": 2.5, \"end\": 4,
  \"transition\": { \"type\": \"crossfade\", \"duration\": 0.6 } } ] }" >"$tmp/x.json"
for p in a b x; do
    "$VEXPORT" render "$tmp/$p.json" -o "$tmp/$p.mp4" --preset ultrafast --crf 0 \
        >"$tmp/$p.log" 2>&1 || { cat "$tmp/$p.log"; echo "FAIL: vexport $p"; exit 1; }
done
"$CHECK_TRANSITION" crossfade "$tmp/x.mp4" "$tmp/a.mp4" "$tmp/b.mp4" 0.9 0.6 ||
    { echo "FAIL: the cross-fade is not what docs/project-format.md says"; exit 1; }
# in 4 chunks (18 frames each: the boundary at frame 36 lies in the overlap) and joined: the
# same frames as the one export
for k in 0 1 2 3; do
    "$VEXPORT" render "$tmp/x.json" --chunk $k/4 -o "$tmp/q$k.mp4" --preset ultrafast --crf 0 -q ||
        { echo "FAIL: vexport render --chunk $k/4"; exit 1; }
done
"$VEXPORT" join "$tmp/x.json" "$tmp/q0.mp4" "$tmp/q1.mp4" "$tmp/q2.mp4" "$tmp/q3.mp4" \
    -o "$tmp/joined.mp4" -q || { echo "FAIL: vexport join"; exit 1; }
for f in x joined; do
    ffmpeg -v error -i "$tmp/$f.mp4" -map 0:v -f framemd5 - | grep -v '^#' | cut -d, -f6 >"$tmp/$f.md5"
done
[ "$(wc -l <"$tmp/x.md5")" -eq 72 ] && cmp -s "$tmp/x.md5" "$tmp/joined.md5" ||
    { echo "FAIL: the chunked cross-fade differs from the one export"; exit 1; }
echo "chunks: 4 chunks joined (one boundary inside the overlap) are the one export's 72 frames"
# the single-frame render of the middle of the overlap: the average of the two sides' frames
"$VEXPORT" frame "$tmp/x.json" --at 1.2 -o "$tmp/fx.png" -q &&
    "$VEXPORT" frame "$tmp/a.json" --at 1.2 -o "$tmp/fa.png" -q &&
    "$VEXPORT" frame "$tmp/b.json" --at 0.3 -o "$tmp/fb.png" -q ||
    { echo "FAIL: vexport frame"; exit 1; }
ffmpeg -v error -y -i "$tmp/fa.png" -i "$tmp/fb.png" -filter_complex \
    "[0:v]format=rgba[a];[1:v]format=rgba[b];[a][b]blend=all_mode=average" "$tmp/avg.png" ||
    { echo "FAIL: ffmpeg blend"; exit 1; }
psnr=$(ffmpeg -i "$tmp/fx.png" -i "$tmp/avg.png" -lavfi \
    "[0:v]format=rgb24[x];[1:v]format=rgb24[y];[x][y]psnr" -f null - 2>&1 |
    sed -n 's/.*average:\([0-9.inf]*\).*/\1/p')
case $psnr in
inf) ;;
'' ) echo "FAIL: no PSNR from ffmpeg"; exit 1 ;;
*) awk -v p="$psnr" 'BEGIN { exit !(p >= 40) }' ||
       { echo "FAIL: vexport frame mid cross-fade: PSNR $psnr dB against the sides' average"; exit 1; } ;;
esac
echo "frame: the middle of the cross-fade is the sides' average (PSNR $psnr dB)"
# refused at load, naming the key: a transition into the first range, one longer than the
# ranges it joins, an unknown type
bad() { # NAME TIMELINE EXPECTED-KEY
    echo "{ $base, \"timeline\": $2 }" >"$tmp/$1.json"
    if "$VEXPORT" render "$tmp/$1.json" -o "$tmp/$1.mp4" >"$tmp/$1.log" 2>&1; then
        echo "FAIL: $1 was accepted"; exit 1
    fi
    grep -qF "$3" "$tmp/$1.log" || { cat "$tmp/$1.log"; echo "FAIL: $1: no '$3' in the error"; exit 1; }
    [ ! -e "$tmp/$1.mp4" ] || { echo "FAIL: $1 left its output behind"; exit 1; }
}
bad first '[ { "start": 0, "end": 1, "transition": { "type": "fade-black", "duration": 0.5 } } ]' \
    'timeline[0]'
bad long '[ { "start": 0, "end": 1 }, { "start": 2, "end": 3, "transition": { "type": "fade-black", "duration": 2.5 } } ]' \
    'timeline[1].transition'
bad type '[ { "start": 0, "end": 1 }, { "start": 2, "end": 3, "transition": { "type": "wipe", "duration": 0.5 } } ]' \
    'timeline[1].transition.type'
bad xlong '[ { "start": 0, "end": 1 }, { "start": 2, "end": 3.5, "transition": { "type": "crossfade", "duration": 1.2 } } ]' \
    'timeline[1].transition'
bad xmax '[ { "start": 0, "end": 9 }, { "start": 10, "end": 20, "transition": { "type": "crossfade", "duration": 6 } } ]' \
    'timeline[1].transition.duration'
echo "PASS: fade to black and cross-fade at a cut as documented, audio with them, no click; bad ones refused"
