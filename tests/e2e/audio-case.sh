#!/bin/sh
# Audio end-to-end cases: audio-case.sh NAME
#
# Environment: VEXPORT (the vexport tool), CHECK_AV (tests/e2e/check_av), MEDIA (folder made by
# tests/media/make-media.sh). Each case makes its inputs (ffmpeg's lavfi sources, `vexport
# synth`), exports with vexport and checks the result with check_av, which decodes it.
# Exit: 0 pass, 1 fail, 77 skip. VX_E2E_KEEP=1 keeps the case's folder.
#
#   mix         three tracks: 440 Hz at -6 dB gain, 1 kHz at +3 dB, 2.5 kHz muted
#   loud        two full-scale tones summed: the limiter keeps every sample under -1 dBFS
#   cuts        a timeline with cuts, 2x (tempo kept) and 4x (muted): beeps where the timeline
#               puts them, audio as long as the video, silence where muted, no clicks, and
#               every video frame from the source time the timeline maps it to (barcode)
#   speeds      0.5x and 4x with the tempo kept, a muted range, 0.3x (muted by default)
#   offset      the recording's audio shifted by the video's start time; a track's offset
#   many        130 short ranges: beeps and frames still in place at the end (no drift)
#   seek        a long cut skipped by seeking the track
#   copy        nothing changes the audio: its packets are copied; a gain re-encodes it

set -u
name=${1:?usage: audio-case.sh NAME}
: "${VEXPORT:?VEXPORT not set}" "${CHECK_AV:?CHECK_AV not set}" "${MEDIA:?MEDIA not set}"

say() { printf '%s\n' "$*"; }
fail() { say "FAIL: $*"; exit 1; }
skip() { say "SKIP: $*"; exit 77; }

[ -x "$VEXPORT" ] || skip "vexport tool $VEXPORT not built"
command -v ffmpeg >/dev/null || skip "ffmpeg not installed (scripts/setup.sh --tests)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vx-audio-$name.XXXXXX") || exit 1
cleanup() { if [ -n "${VX_E2E_KEEP:-}" ]; then say "kept $tmp"; else rm -rf "$tmp"; fi; }
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

ENC="--preset ultrafast --crf 10"

need() { [ -f "$MEDIA/$1" ] || skip "media $MEDIA/$1 not there (tests/media/make-media.sh makes it)"; }
# tone FILE EXPR: 4 s mono of the lavfi aevalsrc expression EXPR (48 kHz, float WAV)
tone() { ffmpeg -nostdin -v error -y -f lavfi -i "aevalsrc=$2:s=48000:d=4" -c:a pcm_f32le "$tmp/$1" ||
    fail "ffmpeg could not make $1"; }
render() {
    say "+ vexport render $1.json -o out.mp4"
    (cd / && "$VEXPORT" render "$tmp/$1.json" -o "$tmp/$2" $ENC -v) >"$tmp/render.log" 2>&1 ||
        { cat "$tmp/render.log"; fail "vexport render exited with an error"; }
    grep -i 'audio' "$tmp/render.log" | sed 's/^/    /'
}
chk() { say "+ check_av $*"; "$CHECK_AV" "$@" || fail "check_av found problems"; }

# the synthetic recording for the timeline cases: 12 s, 640x400 (barcode cells of 8x8 pixels)
long() {
    say "+ vexport synth --size 640x400 --fps 30 --seconds 12"
    "$VEXPORT" synth -o "$tmp/long.mp4" --size 640x400 --fps 30 --seconds 12 ||
        fail "vexport synth failed"
    cat >"$tmp/p.json" <<'EOF'
{ "version": 1, "sources": { "screen": "long.mp4" },
  "timeline": [ { "start": 0, "end": 2 }, { "start": 4, "end": 6, "speed": 2 },
                { "start": 7, "end": 9 }, { "start": 9.5, "end": 12, "speed": 4 } ] }
EOF
    render p out.mp4
}
RANGES="0:2:1,4:6:2,7:9:1,9.5:12:4"

case $name in
mix)
    need screen.mp4
    tone a.wav "0.25*sin(2*PI*440*t)"
    tone b.wav "0.25*sin(2*PI*1000*t)"
    tone c.wav "0.25*sin(2*PI*2500*t)"
    cat >"$tmp/p.json" <<EOF
{ "version": 1, "sources": { "screen": "$MEDIA/screen.mp4",
    "audio": [ { "path": "a.wav", "gain_db": -6 }, { "path": "b.wav", "gain_db": 3 },
               { "path": "c.wav", "mute": true } ] },
  "padding": 0.05 }
EOF
    render p out.mp4
    # -12 dBFS tones: -18.02 and -9.04 dBFS after their gains
    chk tones "$tmp/out.mp4" 440:-18.02 1000:-9.04 2500:absent
    ;;
loud)
    need screen.mp4
    tone a.wav "sin(2*PI*440*t)"
    tone b.wav "sin(2*PI*1000*t)"
    cat >"$tmp/p.json" <<EOF
{ "version": 1, "sources": { "screen": "$MEDIA/screen.mp4", "audio": [ "a.wav", "b.wav" ] },
  "padding": 0.05 }
EOF
    render p out.mp4
    # peaks of up to +6 dBFS in: nothing at full scale out, and not limited to a whisper
    chk peak "$tmp/out.mp4" -0.9 -6
    ;;
cuts)
    long
    chk timeline "$tmp/out.mp4" "$tmp/long.mp4" "$RANGES" --video
    ;;
speeds)
    # 0.5x (tempo kept), 4x with "audio": "keep" (chained atempo), a muted 1x range, 0.3x
    # (auto: muted, below 0.5x)
    long
    cat >"$tmp/sp.json" <<'EOF'
{ "version": 1, "sources": { "screen": "long.mp4" },
  "timeline": [ { "start": 0, "end": 1.5, "speed": 0.5 },
                { "start": 2, "end": 6, "speed": 4, "audio": "keep" },
                { "start": 6, "end": 8, "audio": "mute" }, { "start": 8, "end": 10, "speed": 0.3 } ] }
EOF
    render sp sp.mp4
    chk timeline "$tmp/sp.mp4" "$tmp/long.mp4" "0:1.5:0.5,2:6:4:keep,6:8:1:mute,8:10:0.3" --video
    ;;
offset)
    long
    # the video starts 0.5 s after the audio in the file: recording time 0 is the first video
    # frame, so the beeps at file times 1, 2, ... sit at recording times 0.5, 1.5, ...
    ffmpeg -nostdin -v error -y -i "$tmp/long.mp4" -itsoffset 0.5 -i "$tmp/long.mp4" \
        -map 1:v -map 0:a -c copy "$tmp/shifted.mp4" || fail "ffmpeg could not shift the video"
    sed 's/"long.mp4"/"shifted.mp4"/' "$tmp/p.json" >"$tmp/s.json"
    render s shifted-out.mp4
    chk timeline "$tmp/shifted-out.mp4" "$tmp/long.mp4" "$RANGES" --beep-phase 0.5 --video
    # a separate track placed by its offset: its time 0 at recording time 0.25
    sed 's/"screen": "long.mp4" }/"screen": "long.mp4", "audio": [ { "path": "long.mp4", "offset": 0.25 } ] }/' \
        "$tmp/p.json" >"$tmp/o.json"
    grep -q offset "$tmp/o.json" || fail "could not write the project"
    render o offset-out.mp4
    chk timeline "$tmp/offset-out.mp4" "$tmp/long.mp4" "$RANGES" --beep-phase 0.25
    ;;
many)
    # 130 short ranges (0.1 s of every 0.15 s, alternately at 1x and 1.5x): no drift builds up
    say "+ vexport synth --size 640x400 --fps 10 --seconds 20"
    "$VEXPORT" synth -o "$tmp/r20.mp4" --size 640x400 --fps 10 --seconds 20 ||
        fail "vexport synth failed"
    awk 'BEGIN {
        printf "{ \"version\": 1, \"output\": { \"fps\": 30 }, \"sources\": { \"screen\": \"r20.mp4\" }, \"timeline\": [" > "'"$tmp/m.json"'"
        for (i = 0; i < 130; i++) {
            s = i * 0.15; x = i % 2 ? 1.5 : 1
            printf "%s{ \"start\": %.2f, \"end\": %.2f, \"speed\": %g }", i ? ", " : "", s, s + 0.1, x > "'"$tmp/m.json"'"
            printf "%s%.2f:%.2f:%g", i ? "," : "", s, s + 0.1, x > "'"$tmp/m.ranges"'"
        }
        print "] }" > "'"$tmp/m.json"'"
    }'
    render m m.mp4
    chk timeline "$tmp/m.mp4" "$tmp/r20.mp4" "$(cat "$tmp/m.ranges")" --video
    ;;
seek)
    # a cut of more than 30 s: the track seeks over it instead of decoding it
    say "+ vexport synth --size 640x400 --fps 10 --seconds 40"
    "$VEXPORT" synth -o "$tmp/r40.mp4" --size 640x400 --fps 10 --seconds 40 ||
        fail "vexport synth failed"
    cat >"$tmp/k.json" <<'EOF'
{ "version": 1, "sources": { "screen": "r40.mp4" },
  "timeline": [ { "start": 0, "end": 2 }, { "start": 35.5, "end": 38, "speed": 1.25 } ] }
EOF
    render k k.mp4
    grep -q 'audio seeks to 35.500 s' "$tmp/render.log" || fail "the audio did not seek"
    chk timeline "$tmp/k.mp4" "$tmp/r40.mp4" "0:2:1,35.5:38:1.25" --video
    ;;
copy)
    need screen.mp4
    cat >"$tmp/p.json" <<EOF
{ "version": 1, "sources": { "screen": "$MEDIA/screen.mp4" }, "padding": 0.05 }
EOF
    render p out.mp4
    chk same "$tmp/out.mp4" "$MEDIA/screen.mp4"
    # the recording's own track given explicitly with a gain: re-encoded, 6 dB lower
    cat >"$tmp/g.json" <<EOF
{ "version": 1, "sources": { "screen": "$MEDIA/screen.mp4",
    "audio": [ { "screen": true, "gain_db": -6 } ] }, "padding": 0.05 }
EOF
    render g gain.mp4
    say "+ check_av same gain.mp4 screen.mp4 (must find differences)"
    if "$CHECK_AV" same "$tmp/gain.mp4" "$MEDIA/screen.mp4" >"$tmp/same.log"; then
        cat "$tmp/same.log"
        fail "the audio was copied although its gain changes"
    fi
    chk tones "$tmp/gain.mp4" 440:-18.02
    ;;
*)
    fail "unknown case $name"
    ;;
esac
say PASS
