#!/bin/sh
# Transitions at cuts (docs/project-format.md, "Transitions at cuts"): the same two ranges
# exported losslessly with a plain cut and with a fade to black, compared by check_transition
# (FFmpeg only): each frame is the plain cut's faded as documented, black at the cut, the same
# length, the audio faded with it and no click; and bad transitions are refused at load with a
# message naming the key, leaving nothing behind.
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
echo "PASS: fade to black at a cut as documented, audio with it, no click; bad ones refused"
