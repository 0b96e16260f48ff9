#!/bin/sh
# Cuts by stream copy (remux-cuts, docs/project-format.md, Time): a timeline whose ranges play
# at 1x and start on keyframes is copied, not re-encoded; a cut off a keyframe falls back to
# the composite path and says why.
#
# Environment: VEXPORT (the vexport tool), CHECK_AV (tests/e2e/check_av), CHECK_CUTS
# (tests/e2e/check_cuts.py). Exit: 0 pass, 1 fail, 77 skip. VX_E2E_KEEP=1 keeps the folder.
#
# Recordings (from `vexport synth`: a frame-number barcode, a 440 Hz tone and a beep at each
# whole second, AAC 48 kHz):
#   bf.mp4    re-encoded with B-frames (2) and a keyframe every 15 frames (0.5 s at 30 fps)
#   plain.mp4 the synth's own: no B-frames, a keyframe every 2 s
# Cases:
#   keys      bf.mp4 cut on keyframes: copied (-v, --progress json, --stats say remux-cuts);
#             check_cuts: packets byte-identical, timestamps, decoded frames at the joins;
#             check_av: beeps (A/V sync at every cut), audio as long as the video, barcodes
#   ends      plain.mp4, ranges start on keyframes and end anywhere (no frame reordering):
#             copied; the same checks
#   hevc      the keys case in HEVC (closed GOPs, B-frames): copied, the same checks
#   noaudio   "audio": [] and a muted range: copied without audio
#   offkey    bf.mp4 with a range starting at 3.2 s: composite, "not on a keyframe
#             (nearest 3.00 s)" logged, and the output still right (check_av --video)
#   bframes   bf.mp4 with a range ending at 2.3 s (off a keyframe, B-frames): composite
#   open      bf.mp4's cuts in a recording with open GOPs: composite
#   vfr       frames unevenly spaced: composite (the output's frame rate is constant)
#   muted     a muted range with the recording's audio: composite (silence is encoded)

set -u
: "${VEXPORT:?VEXPORT not set}" "${CHECK_AV:?CHECK_AV not set}" "${CHECK_CUTS:?CHECK_CUTS not set}"

say() { printf '%s\n' "$*"; }
fail() { say "FAIL: $*"; exit 1; }
skip() { say "SKIP: $*"; exit 77; }

[ -x "$VEXPORT" ] || skip "vexport tool $VEXPORT not built"
command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null ||
    skip "ffmpeg/ffprobe not installed (scripts/setup.sh --tests)"
command -v python3 >/dev/null || skip "python3 not installed"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vx-remux-cuts.XXXXXX") || exit 1
cleanup() { if [ -n "${VX_E2E_KEEP:-}" ]; then say "kept $tmp"; else rm -rf "$tmp"; fi; }
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

say "+ vexport synth --size 640x400 --fps 30 --seconds 12"
"$VEXPORT" synth -o "$tmp/plain.mp4" --size 640x400 --fps 30 --seconds 12 ||
    fail "vexport synth failed"
say "+ ffmpeg: B-frames, a keyframe every 15 frames"
ffmpeg -nostdin -v error -y -i "$tmp/plain.mp4" -c:v libx264 -preset ultrafast -crf 18 -bf 2 \
    -g 15 -keyint_min 15 -sc_threshold 0 -c:a copy "$tmp/bf.mp4" ||
    fail "ffmpeg could not re-encode the recording"
ffprobe -v error -select_streams v:0 -show_entries stream=has_b_frames -of csv=p=0 \
    "$tmp/bf.mp4" | grep -qv '^0' || fail "bf.mp4 has no B-frames"

# project NAME SCREEN 'TIMELINE' [SOURCES-EXTRA]
project() {
    cat >"$tmp/$1.json" <<EOF
{ "version": 1, "sources": { "screen": "$2"${4:-} }, "timeline": [ $3 ] }
EOF
}
# render NAME: exports NAME.json to NAME.mp4 with -v, --stats and --progress json
render() {
    say "+ vexport render $1.json -o $1.mp4 -v --stats --progress json"
    (cd "$tmp" && "$VEXPORT" render "$1.json" -o "$1.mp4" -v --stats --progress json) \
        >"$tmp/$1.out" 2>"$tmp/$1.log" || { cat "$tmp/$1.log"; fail "vexport render failed"; }
    grep -E 'passthrough|composite path' "$tmp/$1.log" | sed 's/^/    /'
}
# mode NAME MODE: the log, the first progress line and the stats all name MODE
mode() {
    grep -q "stats: $2," "$tmp/$1.log" || fail "$1: --stats does not say $2"
    head -n 1 "$tmp/$1.out" | grep -q "\"mode\":\"$2\"" ||
        fail "$1: the first progress line does not say $2: $(head -n 1 "$tmp/$1.out")"
    grep -q '"stats":{"mode":"'"$2"'"' "$tmp/$1.out" || fail "$1: the stats line does not say $2"
    if [ "$2" = remux-cuts ]; then
        grep -q 'passthrough: copying the .* (remux-cuts' "$tmp/$1.log" ||
            fail "$1: -v does not say the ranges are copied"
    fi
    say "    mode $2"
}
cuts() { say "+ check_cuts $*"; python3 "$CHECK_CUTS" "$@" || fail "check_cuts found problems"; }
av() { say "+ check_av timeline $*"; "$CHECK_AV" timeline "$@" || fail "check_av found problems"; }

# keys: each range starts on a keyframe, ends on one or at the end; no beep at a range's end
# (a cut keeps the audio packets whose middle is inside it: up to half a packet of what follows
# the cut may be heard), the beeps at 5, 6, 8 and 9 s sit inside ranges
project keys bf.mp4 '{ "start": 0, "end": 2.5 }, { "start": 4.5, "end": 6.5 },
    { "start": 7.5, "end": 10 }, { "start": 11.5 }'
render keys
mode keys remux-cuts
cuts "$tmp/bf.mp4" "$tmp/keys.mp4" "0:2.5,4.5:6.5,7.5:10,11.5:-"
av "$tmp/keys.mp4" "$tmp/bf.mp4" "0:2.5:1,4.5:6.5:1,7.5:10:1,11.5:12:1" --video

# ends: no reordering, so a range may end between keyframes; the third starts on a beep, and
# the last ends before the recording does (the packets after it are not even read)
project ends plain.mp4 '{ "start": 0, "end": 1.3 }, { "start": 4, "end": 5.7 }, { "start": 8, "end": 10.4 }'
render ends
mode ends remux-cuts
cuts "$tmp/plain.mp4" "$tmp/ends.mp4" "0:1.3,4:5.7,8:10.4"
av "$tmp/ends.mp4" "$tmp/plain.mp4" "0:1.3:1,4:5.7:1,8:10.4:1" --video

# hevc: HEVC with B-frames and closed GOPs (x265 opens them by default) is copied the same way
say "+ ffmpeg: HEVC, B-frames, closed GOPs, a keyframe every 15 frames"
ffmpeg -nostdin -v error -y -i "$tmp/plain.mp4" -c:v libx265 -preset ultrafast -tag:v hvc1 \
    -x265-params keyint=15:min-keyint=15:scenecut=0:open-gop=0:bframes=3:log-level=error \
    -c:a copy "$tmp/hevc.mp4" || fail "ffmpeg could not make hevc.mp4"
cat >"$tmp/hevccut.json" <<'EOF'
{ "version": 1, "output": { "codec": "hevc" }, "sources": { "screen": "hevc.mp4" },
  "timeline": [ { "start": 0, "end": 2.5 }, { "start": 4.5, "end": 6.5 }, { "start": 7.5 } ] }
EOF
render hevccut
mode hevccut remux-cuts
cuts "$tmp/hevc.mp4" "$tmp/hevccut.mp4" "0:2.5,4.5:6.5,7.5:-"
av "$tmp/hevccut.mp4" "$tmp/hevc.mp4" "0:2.5:1,4.5:6.5:1,7.5:12:1" --video

project noaudio bf.mp4 '{ "start": 1, "end": 3, "audio": "mute" }, { "start": 6 }' ', "audio": []'
render noaudio
mode noaudio remux-cuts
ffprobe -v error -show_entries stream=codec_type -of csv=p=0 "$tmp/noaudio.mp4" | grep -q audio &&
    fail "noaudio: the output has audio"
cuts "$tmp/bf.mp4" "$tmp/noaudio.mp4" "1:3,6:-"

project offkey bf.mp4 '{ "start": 0, "end": 2.5 }, { "start": 3.2, "end": 6.5 }'
render offkey
mode offkey composite
grep -q 'composite path: the cut at 3.20 s is not on a keyframe (nearest 3.00 s)' \
    "$tmp/offkey.log" || fail "offkey: the reason is not logged"
av "$tmp/offkey.mp4" "$tmp/bf.mp4" "0:2.5:1,3.2:6.5:1" --video

project bframes bf.mp4 '{ "start": 0, "end": 2.3 }, { "start": 4.5, "end": 6.5 }'
render bframes
mode bframes composite
grep -q 'composite path: the cut at 2.30 s is not on a keyframe (nearest 2.50 s) and the recording reorders frames' \
    "$tmp/bframes.log" || fail "bframes: the reason is not logged"
av "$tmp/bframes.mp4" "$tmp/bf.mp4" "0:2.3:1,4.5:6.5:1" --video

# an open GOP: the frames before a keyframe are decoded after it
say "+ ffmpeg: an open GOP"
ffmpeg -nostdin -v error -y -i "$tmp/plain.mp4" -c:v libx264 -preset ultrafast -bf 2 -g 15 \
    -keyint_min 15 -sc_threshold 0 -x264opts open-gop=1 -c:a copy "$tmp/opengop.mp4" ||
    fail "ffmpeg could not make opengop.mp4"
project open opengop.mp4 '{ "start": 0, "end": 2.5 }, { "start": 4.5, "end": 6.5 }'
render open
mode open composite
grep -q "composite path: the keyframe at 2.50 s starts an open GOP" "$tmp/open.log" ||
    fail "open: the reason is not logged"

# a variable frame rate: the copy would keep it, the output must be constant
say "+ ffmpeg: 50 ms missing after frame 100"
ffmpeg -nostdin -v error -y -i "$tmp/plain.mp4" -vf "setpts='if(gte(N,100),PTS+0.05/TB,PTS)'" \
    -c:v libx264 -preset ultrafast -bf 0 -g 15 -fps_mode passthrough -c:a copy "$tmp/uneven.mp4" ||
    fail "ffmpeg could not make uneven.mp4"
project vfr uneven.mp4 '{ "start": 0, "end": 2 }, { "start": 4, "end": 6 }'
render vfr
mode vfr composite
grep -q "composite path: the recording's frame rate varies" "$tmp/vfr.log" ||
    fail "vfr: the reason is not logged"

project muted bf.mp4 '{ "start": 0, "end": 2.5, "audio": "mute" }, { "start": 4.5, "end": 6.5 }'
render muted
mode muted composite
grep -q 'composite path: timeline\[0\] is muted' "$tmp/muted.log" ||
    fail "muted: the reason is not logged"
say PASS
