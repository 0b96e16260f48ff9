#!/bin/sh
# Hardware decoding, on the machine the test runs on:
# - with a CUDA or VAAPI device that FFmpeg opens (ffmpeg -init_hw_device, independent of
#   vexport): an export with --hwaccel TYPE must decode on it (--stats and the JSON stats name
#   the type), have every frame, and look like the software-decoded export of the same
#   project (decoded and compared: PSNR over every frame, and the same frame count);
# - without one (the CI machines): "auto" falls back to software without a word;
#   a hardware decoder asked by name falls back with a warning (the picture is the same either
#   way; -v tells the whole story, one line each, and without -v nothing is said about
#   hardware that is not there); a hardware encoder asked by name is an error naming what is missing (its output
#   would differ), and nothing is written.
# It skips (77) only where a device node exists that FFmpeg cannot open (no driver): then
# neither part applies; the reason is printed.
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
# the device nodes vx_hw_missing (src/encode.c) looks for, per type
node() { case $1 in cuda) echo /dev/nvidiactl ;; vaapi) echo /dev/dri/renderD128 ;; esac; }
# the device opened by FFmpeg itself: 0 when it opens; the reason in $dir/open-TYPE.err
opens() {
    dev=""; [ "$1" = vaapi ] && dev=":$(node vaapi)"
    ffmpeg -hide_banner -v error -init_hw_device "$1=hw$dev" -f lavfi -i nullsrc=s=64x64 \
        -frames:v 1 -f null - 2>"$dir/open-$1.err"
}
hw="" nodes="" why=""
for t in cuda vaapi; do
    [ -e "$(node $t)" ] || continue
    nodes="$nodes $(node $t)"
    if ! ffmpeg -hide_banner -hwaccels 2>/dev/null | grep -qx $t; then
        why="$why; $t: this FFmpeg has no $t hwaccel"
    elif opens $t; then
        hw=$t
        break
    else
        why="$why; $t: FFmpeg cannot open $(node $t): $(tail -n 3 "$dir/open-$t.err" | tr '\n' ' ')"
    fi
done
if [ -n "$hw" ]; then
    echo "device: $hw opens ($(node $hw)): exporting with --hwaccel $hw"
    # the same project decoded on the device and in software; libx264 both times
    r --hwaccel "$hw" --encoder libx264 --stats --progress json -o "$dir/hw.mp4" \
        >"$dir/hw.json" 2>"$dir/hw.err" || no "--hwaccel $hw: exit $?: $(cat "$dir/hw.err")"
    r --hwaccel none --encoder libx264 -o "$dir/sw.mp4" 2>"$dir/sw.err" ||
        no "--hwaccel none: exit $?: $(cat "$dir/sw.err")"
    grep -q "^vexport: hwaccel: decoding with $hw$" "$dir/hw.err" ||
        no "$hw: no 'decoding with $hw' line: $(cat "$dir/hw.err")"
    grep -q "^vexport: stats: threads: .*decode 1 on $hw," "$dir/hw.err" ||
        no "$hw: --stats does not name the device: $(grep stats: "$dir/hw.err")"
    grep -q "\"hwaccel\": *\"$hw\"" "$dir/hw.json" ||
        no "$hw: the JSON stats do not name the device: $(tail -n 1 "$dir/hw.json")"
    [ "$(frames "$dir/hw.mp4")" = 30 ] || no "$hw: output has not 30 frames"
    [ "$(frames "$dir/sw.mp4")" = 30 ] || no "software: output has not 30 frames"
    # decoded pictures: H.264 decoding is exact, so the two exports differ only where the
    # device's NV12 and the software's I420 take different (equivalent) conversion paths
    psnr=$(ffmpeg -hide_banner -i "$dir/hw.mp4" -i "$dir/sw.mp4" -lavfi "[0:v][1:v]psnr" \
        -f null - 2>&1 | sed -n 's/.*PSNR .*average:\([0-9.inf]*\).*/\1/p')
    echo "device: PSNR of the $hw export against the software one: $psnr dB"
    case $psnr in
        inf) ;;
        "") no "$hw: no PSNR measured" ;;
        *) awk -v p="$psnr" 'BEGIN { exit !(p >= 45) }' ||
            no "$hw: the device-decoded export differs from software (PSNR $psnr dB < 45)" ;;
    esac
elif [ -n "$nodes" ]; then
    echo "SKIP: device node(s)$nodes exist but no device opens${why#;}; the device test needs"
    echo "      one that opens and the fallback tests need none at all"
    exit 77
else
    echo "device: none (no /dev/nvidiactl, no /dev/dri/renderD128): the device test does not"
    echo "        apply here; the fallback tests run"
fi
if [ -z "$nodes" ]; then
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
fi
# an unknown name: usage error, exit 1
rc=0; r --hwaccel warp9 -o "$dir/w.mp4" 2>"$dir/w.err" || rc=$?
[ $rc = 1 ] || no "--hwaccel warp9: exit $rc (want 1)"
grep -q "hwaccel 'warp9' is unknown" "$dir/w.err" || no "warp9: $(cat "$dir/w.err")"
# a hardware encoder by name: an error that says what is missing, exit 2, nothing written
if [ -z "$nodes" ] && ffmpeg -hide_banner -encoders 2>/dev/null | grep -q h264_nvenc; then
    rc=0; r --encoder h264_nvenc -o "$dir/e.mp4" 2>"$dir/e.err" || rc=$?
    [ $rc = 2 ] || no "--encoder h264_nvenc: exit $rc (want 2)"
    grep -q "encoder h264_nvenc cannot be used here (h264_nvenc: no NVIDIA device" "$dir/e.err" ||
        no "nvenc: $(cat "$dir/e.err")"
    ls "$dir" | grep -q '^e\.mp4' && no "nvenc: output left behind"
fi
[ $fail = 0 ] && echo "PASS: hardware ${hw:+decoding on $hw}${hw:-fallbacks}"
exit $fail
