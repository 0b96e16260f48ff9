#!/bin/sh
# The keystroke overlay (docs/keys-track.md, docs/project-format.md "Keystrokes"): the same
# project exported losslessly with and without a keys track, compared by check_keys (FFmpeg
# only): badges show at the bottom centre during their windows and only then, two at once
# stack as two pills, a run of typing is one badge (not one per key), typing "hide" shows none,
# and each badge's text is legible; through a cut, the badges follow recording time. Bad
# tracks (decreasing times, an unknown modifier) are refused with the file, line and problem;
# a bad keys section names its key.
# Environment: VEXPORT, CHECK_KEYS, MEDIA. Exit 0 pass, 1 fail, 77 skip.
set -u
: "${VEXPORT:?}" "${CHECK_KEYS:?}" "${MEDIA:?}"
[ -f "$MEDIA/screen.mp4" ] || { echo "SKIP: $MEDIA/screen.mp4 missing"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vx-keys.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
ln -s "$MEDIA/screen.mp4" "$tmp/rec.mp4"
# a combo, a special key 0.3 s later (two stacked), then five typed letters 0.1 s apart
cat >"$tmp/keys.jsonl" <<'EOF'
{"t": 0.20, "key": "shift", "down": true}
{"t": 0.25, "key": "P", "down": true, "modifiers": ["cmd", "shift"]}
{"t": 0.35, "key": "P", "down": false, "modifiers": ["cmd", "shift"]}
{"t": 0.40, "key": "shift", "down": false}

{"t": 0.55, "key": "enter", "down": true}
{"t": 0.60, "key": "enter", "down": false}
{"t": 2.15, "key": "h", "down": true}
{"t": 2.25, "key": "e", "down": true}
{"t": 2.35, "key": "l", "down": true}
{"t": 2.45, "key": "l", "down": true}
{"t": 2.55, "key": "o", "down": true}
EOF
base='"version": 1, "output": { "width": 640, "height": 360, "fps": 10 },
  "background": "#1e293b", "padding": 0.08'
mk() { # name, timeline, sources extra, top-level extra
    echo "{ $base, \"timeline\": $2, \"sources\": { \"screen\": \"rec.mp4\" $3 } ${4:-} }" >"$tmp/$1.json"
    "$VEXPORT" render "$tmp/$1.json" -o "$tmp/$1.mp4" --preset ultrafast --crf 0 >"$tmp/$1.log" 2>&1 ||
        { cat "$tmp/$1.log"; echo "FAIL: vexport $1"; exit 1; }
}
whole='[ { "start": 0, "end": 3 } ]'
mk ref "$whole" ''
mk keys "$whole" ', "keys": "keys.jsonl"'
mk hide "$whole" ', "keys": "keys.jsonl"' ', "keys": { "typing": "hide" }'
# the region: bottom centre, the newest pill's bottom at (1 - margin) H = 342, three pills of
# 1.6 x 0.045 H (26 px) and gaps of 6 px above it at most
region='100 246 540 342'
echo "-- combo, stacked special key, typing collapsed"
"$CHECK_KEYS" "$tmp/keys.mp4" "$tmp/ref.mp4" 10 $region 0.25:0.55:1 0.55:1.75:2 1.75:2.05:1 2.15:3.1:1 ||
    { echo "FAIL: badges not where and when docs/keys-track.md says"; exit 1; }
echo "-- typing hidden"
"$CHECK_KEYS" "$tmp/hide.mp4" "$tmp/ref.mp4" 10 $region 0.25:0.55:1 0.55:1.75:2 1.75:2.05:1 ||
    { echo "FAIL: typing \"hide\" still shows the typed text"; exit 1; }
# through a cut (recording 0.5..0.7 and 2.1..3.0 kept): output 0..0.2 shows both badges,
# output 0.2..0.3 none (recording 2.1..2.15), then the typing badge
echo "-- through a cut"
cut='[ { "start": 0.5, "end": 0.7 }, { "start": 2.1, "end": 3 } ]'
mk refcut "$cut" ''
mk keyscut "$cut" ', "keys": "keys.jsonl"'
"$CHECK_KEYS" "$tmp/keyscut.mp4" "$tmp/refcut.mp4" 10 $region -1:0.05:1 0.05:0.2:2 0.25:1.2:1 ||
    { echo "FAIL: badges do not follow recording time through a cut"; exit 1; }
refuse() { # track, expected text, [top-level extra]
    echo "{ $base, \"sources\": { \"screen\": \"rec.mp4\", \"keys\": \"$1\" } ${3:-} }" >"$tmp/bad.json"
    if "$VEXPORT" render "$tmp/bad.json" -o "$tmp/bad.mp4" >"$tmp/bad.log" 2>&1; then
        echo "FAIL: $1 ${3:-} was accepted"; exit 1
    fi
    grep -q "$2" "$tmp/bad.log" || { cat "$tmp/bad.log"; echo "FAIL: the error does not say '$2'"; exit 1; }
    [ ! -e "$tmp/bad.mp4" ] || { echo "FAIL: a refused export left bad.mp4 behind"; exit 1; }
}
printf '{"t": 1.0, "key": "a", "down": true}\n{"t": 0.5, "key": "b", "down": true}\n' >"$tmp/back.jsonl"
refuse back.jsonl 'back.jsonl:2: time 0.5 is before the previous event'
printf '{"t": 1.0, "key": "a", "down": true, "modifiers": ["super"]}\n' >"$tmp/mod.jsonl"
refuse mod.jsonl 'mod.jsonl:1: "modifiers": unknown modifier "super"'
printf '{"t": 1.0, "key": "return", "down": true}\n' >"$tmp/name.jsonl"
refuse name.jsonl 'name.jsonl:1: "key": unknown key "return"'
printf '{"t": 1.0, "key": "a", "down": "yes"}\n' >"$tmp/down.jsonl"
refuse down.jsonl 'down.jsonl:1: "down": expected true or false'
printf '{"t": 1.0, "key": "a", "down": true\n' >"$tmp/json.jsonl"
refuse json.jsonl 'json.jsonl:1: not valid JSON'
# a bad keys section: refused when the project is loaded, naming the key
refuse keys.jsonl 'keys.typing: expected "collapse" (default) or "hide"' ', "keys": { "typing": "fold" }'
echo "PASS: keystroke badges when and where documented, stacked, typing collapsed or hidden, through a cut; bad tracks refused"
