#!/bin/sh
# Hardware decode/encode selection where there is no hardware (the CI machines): "auto" falls
# back to software without a word (a machine with no video hardware hears nothing about it)
# and -v tells the whole story, one line each for decoding and encoding; a hardware decoder
# asked by name falls back with a warning (the picture is the same either way); a hardware
# encoder asked by name is an error naming what is missing (its output would differ), and
# nothing is written. Parts that need a device to be absent are skipped where it is present.
set -eu
dir=$(mktemp -d "${TMPDIR:-/tmp}/vx-hw.XXXXXX")
trap 'rm -rf "$dir"' EXIT
"$VEXPORT" synth -o "$dir/src.mp4" --size 320x180 --fps 30 --seconds 1 --no-audio
fail=0
no() { echo "FAIL: $*"; fail=1; }
frames() {
    ffprobe -v error -select_streams v -count_frames -show_entries stream=nb_read_frames \
        -of csv=p=0 "$1"
}
r() { "$VEXPORT" render --screen "$dir/src.mp4" --padding 0.05 --preset ultrafast "$@"; }
if [ -e /dev/nvidiactl ] || [ -e /dev/dri/renderD128 ]; then
    echo "SKIP: this machine has a GPU device; the fallback tests need one without"
    exit 77
fi
# auto (the default): software, and not a line about hardware that is not there
r -o "$dir/a.mp4" 2>"$dir/a.err" || no "auto: exit $?"
grep -qiE "hwaccel|hardware|encoder" "$dir/a.err" &&
    no "auto: speaks of absent hardware: $(cat "$dir/a.err")"
[ "$(frames "$dir/a.mp4")" = 30 ] || no "auto: output has not 30 frames"
# -v: one line each for decoding and encoding, saying why
r -v -o "$dir/v.mp4" 2>"$dir/v.err" || no "-v: exit $?"
grep -q "^vexport: hwaccel: none usable (.*), decoding in software$" "$dir/v.err" ||
    no "-v: no hwaccel fallback line: $(cat "$dir/v.err")"
grep -q "^vexport: encoder: no hardware encoder usable (.*), encoding with libx264$" "$dir/v.err" ||
    no "-v: no encoder fallback line: $(cat "$dir/v.err")"
[ "$(frames "$dir/v.mp4")" = 30 ] || no "-v: output has not 30 frames"
# -q silences them
r -q -o "$dir/q.mp4" 2>"$dir/q.err" || no "-q: exit $?"
[ -s "$dir/q.err" ] && no "-q printed: $(cat "$dir/q.err")"
# none: not a word about hardware decoding
r --hwaccel none -o "$dir/n.mp4" 2>"$dir/n.err" || no "none: exit $?"
grep -q hwaccel "$dir/n.err" && no "--hwaccel none mentions hwaccel: $(cat "$dir/n.err")"
# a type asked by name falls back with a warning saying why; same picture as software
if ffmpeg -hide_banner -hwaccels 2>/dev/null | grep -qx cuda; then
    r --hwaccel cuda --encoder libx264 -o "$dir/c.mp4" 2>"$dir/c.err" || no "cuda: exit $?"
    grep -q "^vexport: warning: hwaccel: cuda unavailable (no NVIDIA device (/dev/nvidiactl)), decoding in software$" \
        "$dir/c.err" || no "cuda: no warning: $(cat "$dir/c.err")"
    h() { ffmpeg -v error -i "$1" -map 0:v -c copy -f streamhash -; }
    [ "$(h "$dir/c.mp4")" = "$(h "$dir/n.mp4")" ] || no "cuda fallback: output differs from software"
fi
# an unknown name: usage error, exit 1
rc=0; r --hwaccel warp9 -o "$dir/w.mp4" 2>"$dir/w.err" || rc=$?
[ $rc = 1 ] || no "--hwaccel warp9: exit $rc (want 1)"
grep -q "hwaccel 'warp9' is unknown" "$dir/w.err" || no "warp9: $(cat "$dir/w.err")"
# a hardware encoder by name: an error that says what is missing, exit 2, nothing written
if ffmpeg -hide_banner -encoders 2>/dev/null | grep -q h264_nvenc; then
    rc=0; r --encoder h264_nvenc -o "$dir/e.mp4" 2>"$dir/e.err" || rc=$?
    [ $rc = 2 ] || no "--encoder h264_nvenc: exit $rc (want 2)"
    grep -q "encoder h264_nvenc cannot be used here (h264_nvenc: no NVIDIA device" "$dir/e.err" ||
        no "nvenc: $(cat "$dir/e.err")"
    ls "$dir" | grep -q '^e\.mp4' && no "nvenc: output left behind"
fi
[ $fail = 0 ] && echo "PASS: hardware fallbacks"
exit $fail
