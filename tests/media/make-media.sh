#!/usr/bin/env bash
# make-media.sh OUTDIR: makes the media the end-to-end tests read (tests/e2e/run-case.sh).
#
#   VEXPORT=build/vexport tests/media/make-media.sh build/media
#
# VEXPORT names the built vexport tool: its `synth` subcommand draws the synthetic screen
# recordings; the ffmpeg command-line tool makes the variants (other codecs, pixel formats,
# rates, rotation) and records a real X session for xrec.mp4. Idempotent: a file already there
# and of the expected codec, size and pixel format is kept. Prints one line per file.
#
# Debian packages it needs: ffmpeg (with libx264, libvpx, libopus: Debian's has them)
#   xvfb xterm x11-apps xdotool fonts-dejavu-core
# Without xvfb (or xterm) xrec.mp4 is skipped with a message; without xdotool the pointer
# stays still in it; without fonts-dejavu-core xterm uses the X server's built-in font.
set -euo pipefail

usage() { echo "usage: VEXPORT=path/to/vexport $0 OUTDIR" >&2; exit 2; }
[ $# -eq 1 ] || usage
out=$1
: "${VEXPORT:?set VEXPORT to the built vexport tool, e.g. VEXPORT=build/vexport}"
[ -x "$VEXPORT" ] || { echo "make-media: $VEXPORT is not an executable" >&2; exit 2; }
if ! command -v ffmpeg >/dev/null || ! command -v ffprobe >/dev/null; then
    echo "make-media: ffmpeg and ffprobe are needed (Debian package ffmpeg)" >&2
    exit 2
fi

mkdir -p "$out"
work=$(mktemp -d "${TMPDIR:-/tmp}/vx-media.XXXXXX")
x_pids=() # X server and clients of the xrec recording, killed on any exit

cleanup_x() {
    local i
    # newest first, each gone before the next (the X server last)
    for ((i = ${#x_pids[@]} - 1; i >= 0; i--)); do
        kill "${x_pids[i]}" 2>/dev/null || true
        wait "${x_pids[i]}" 2>/dev/null || true
    done
    x_pids=()
}
cleanup() {
    cleanup_x
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

ff() { ffmpeg -nostdin -hide_banner -loglevel error -y "$@"; }
synth() { local o=$1; shift; "$VEXPORT" synth -o "$o" "$@"; }

# The first video stream as "codec,width,height,pix_fmt" (nothing if unreadable).
probe() {
    ffprobe -v error -select_streams v:0 -show_entries stream=codec_name,width,height,pix_fmt \
        -of csv=p=0 "$1" 2>/dev/null | head -n 1 | sed 's/,*$//' || true
}

# One-line summary: video codec, size, pixel format, rate, frames, duration; audio codec.
summary() {
    local v a
    v=$(ffprobe -v error -select_streams v:0 -show_entries \
        stream=codec_name,profile,width,height,pix_fmt,color_space,avg_frame_rate,nb_frames:format=duration \
        -of default=nw=1 "$1" 2>/dev/null | tr '\n' ' ' || true)
    a=$(ffprobe -v error -select_streams a:0 -show_entries stream=codec_name,sample_rate,channels \
        -of csv=p=0 "$1" 2>/dev/null | head -n 1 || true)
    printf '%s audio=%s' "${v% }" "${a:-none}"
}

# have NAME WANT: NAME is in OUTDIR and probes as WANT (see probe).
have() {
    local f=$out/$1
    [ -s "$f" ] && [ "$(probe "$f")" = "$2" ] && { echo "have $1: $(summary "$f")"; return 0; }
    return 1
}

# done_ NAME TMPFILE WANT: checks TMPFILE, moves it into OUTDIR as NAME and says so.
done_() {
    local got
    got=$(probe "$2")
    [ "$got" = "$3" ] || { echo "make-media: $1 came out as [$got], expected [$3]" >&2; exit 1; }
    mv -f "$2" "$out/$1"
    echo "made $1: $(summary "$out/$1")"
}

T0=$(date +%s)

# screen.mp4: the main input, 1280x720 30 fps 4 s, BT.709, AAC
want=h264,1280,720,yuv420p
have screen.mp4 $want || {
    synth "$work/screen.mp4" --size 1280x720 --fps 30 --seconds 4
    done_ screen.mp4 "$work/screen.mp4" $want
}

# odd.mp4: 1365x767 (odd sizes cannot be 4:2:0 H.264: the synth codes them as VP9 in MP4)
want=vp9,1365,767,yuv420p
have odd.mp4 $want || {
    synth "$work/odd.mp4" --size 1365x767 --fps 30 --seconds 2
    done_ odd.mp4 "$work/odd.mp4" $want
}

# portrait.mp4: 720x1280 30 fps 2 s
want=h264,720,1280,yuv420p
have portrait.mp4 $want || {
    synth "$work/portrait.mp4" --size 720x1280 --fps 30 --seconds 2
    done_ portrait.mp4 "$work/portrait.mp4" $want
}

# A 1280x720 (BT.709) 2 s clip, source of the 640x360 variants: scaling it keeps the matrix
# right for a bt709 tag, and its 640x360 chroma becomes yuv444p's chroma as it is.
src720() {
    [ -s "$work/s720.mp4" ] || synth "$work/s720.mp4" --size 1280x720 --fps 30 --seconds 2
}
BT709="-color_primaries bt709 -color_trc bt709 -colorspace bt709 -color_range tv"

# yuv444.mp4: 640x360 H.264 High 4:4:4 Predictive, tagged bt709/tv
want=h264,640,360,yuv444p
have yuv444.mp4 $want || {
    src720
    # shellcheck disable=SC2086
    ff -i "$work/s720.mp4" -vf "scale=640:360:flags=bicubic,format=yuv444p" \
        -c:v libx264 -preset ultrafast -crf 18 -profile:v high444 $BT709 -c:a copy \
        -movflags +faststart "$work/yuv444.mp4"
    done_ yuv444.mp4 "$work/yuv444.mp4" $want
}

# 10bit.mp4: 640x360 yuv420p10le H.264 High 10 (if this libx264 can do 10 bits)
want=h264,640,360,yuv420p10le
have 10bit.mp4 $want || {
    x264_help=$(ffmpeg -hide_banner -h encoder=libx264 2>/dev/null || true)
    if [[ $x264_help == *yuv420p10le* ]]; then
        src720
        # shellcheck disable=SC2086
        ff -i "$work/s720.mp4" -vf "scale=640:360:flags=bicubic,format=yuv420p10le" \
            -c:v libx264 -preset ultrafast -crf 18 -profile:v high10 $BT709 -c:a copy \
            -movflags +faststart "$work/10bit.mp4"
        done_ 10bit.mp4 "$work/10bit.mp4" $want
    else
        echo "skip 10bit.mp4: this ffmpeg's libx264 has no 10-bit support"
    fi
}

# prores.mov: 640x360 ProRes 422 HQ, 10-bit 4:2:2, tagged bt709/tv (what macOS tools export)
want=prores,640,360,yuv422p10le
have prores.mov $want || {
    src720
    # shellcheck disable=SC2086
    ff -i "$work/s720.mp4" -vf "scale=640:360:flags=bicubic,format=yuv422p10le" \
        -c:v prores_ks -profile:v 3 $BT709 -c:a copy "$work/prores.mov"
    done_ prores.mov "$work/prores.mov" $want
}

# av1.mkv: 640x360 AV1 (libaom, fastest setting), tagged bt709/tv
want=av1,640,360,yuv420p
have av1.mkv $want || {
    src720
    # shellcheck disable=SC2086
    ff -i "$work/s720.mp4" -vf "scale=640:360:flags=bicubic" -c:v libaom-av1 -cpu-used 8 \
        -row-mt 1 -crf 20 -b:v 0 $BT709 -c:a copy "$work/av1.mkv"
    done_ av1.mkv "$work/av1.mkv" $want
}

# vp9.webm: 960x540 VP9 + Opus 2 s (BT.601 / SMPTE 170M, as the synth tags below 720 lines)
want=vp9,960,540,yuv420p
have vp9.webm $want || {
    synth "$work/s540.mp4" --size 960x540 --fps 30 --seconds 2
    ff -i "$work/s540.mp4" -c:v libvpx-vp9 -deadline realtime -cpu-used 8 -row-mt 1 \
        -crf 20 -b:v 0 -color_primaries smpte170m -color_trc smpte170m \
        -colorspace smpte170m -color_range tv -c:a libopus -b:a 96k "$work/vp9.webm"
    done_ vp9.webm "$work/vp9.webm" $want
}

# vfr.mp4: variable frame rate, 2 s: a 60 fps synth clip keeping 5 frames of every 12 at
# uneven gaps (1, 2, 3, 5, 1 frames) and none for 0.5 s from t = 1 s; each frame keeps its
# timestamp, and its frame counter shows its number in the 60 fps clip.
want=h264,1280,720,yuv420p
have vfr.mp4 $want || {
    synth "$work/s60.mp4" --size 1280x720 --fps 60 --seconds 2
    sel='not(between(n\,60\,89))*(eq(mod(n\,12)\,0)+eq(mod(n\,12)\,1)+eq(mod(n\,12)\,3)+eq(mod(n\,12)\,6)+eq(mod(n\,12)\,11))'
    ff -i "$work/s60.mp4" -vf "select='$sel'" -fps_mode vfr -c:v libx264 -preset ultrafast \
        -crf 18 -c:a copy -movflags +faststart "$work/vfr.mp4"
    done_ vfr.mp4 "$work/vfr.mp4" $want
}

# rotated.mp4: 640x360 with a display matrix of 90 degrees (the MP4 track matrix)
want=h264,640,360,yuv420p
have rotated.mp4 $want || {
    synth "$work/s360.mp4" --size 640x360 --fps 30 --seconds 2
    ff -i "$work/s360.mp4" -c copy -metadata:s:v:0 rotate=90 -movflags +faststart "$work/rotated.mp4"
    rot=$(ffprobe -v error -select_streams v:0 -show_entries stream_side_data=rotation \
        -of csv=p=0 "$work/rotated.mp4" 2>/dev/null | tr -dc 0-9- || true)
    [ -n "$rot" ] || { echo "make-media: rotated.mp4 has no display matrix" >&2; exit 1; }
    done_ rotated.mp4 "$work/rotated.mp4" $want
}

# bg.png: 800x600 colourful pattern for image backgrounds
want=png,800,600,rgb24
have bg.png $want || {
    ff -f lavfi -i "color=c=black:s=800x600:d=1,format=rgb24,geq=r='128+127*sin(X/41+Y/97)':g='128+127*sin(Y/29-X/131+2)':b='128+127*sin((X+2*Y)/53+4)'" \
        -frames:v 1 -update 1 "$work/bg.png"
    done_ bg.png "$work/bg.png" $want
}

# xrec.mp4: a real screen recording of an X session in Xvfb, 1280x720 30 fps 4 s
xrec() {
    local d i dpy font=()
    command -v Xvfb >/dev/null || { echo "skip xrec: Xvfb not installed"; return 0; }
    command -v xterm >/dev/null || { echo "skip xrec: xterm not installed"; return 0; }
    # Xvfb picks a free display itself and writes its number once it accepts clients
    Xvfb -displayfd 3 -screen 0 1280x720x24 -nolisten tcp -noreset 3>"$work/display" \
        >"$work/xvfb.log" 2>&1 &
    x_pids+=($!)
    for ((i = 0; i < 100; i++)); do
        d=$(tr -dc 0-9 <"$work/display" || true)
        [ -n "$d" ] && break
        kill -0 "${x_pids[0]}" 2>/dev/null || break
        sleep 0.1
    done
    [ -n "${d:-}" ] || { echo "skip xrec: Xvfb did not start (see $work/xvfb.log)"; cleanup_x; return 0; }
    dpy=:$d
    if command -v fc-list >/dev/null && fc-list 2>/dev/null | grep -q 'DejaVu Sans Mono'; then
        font=(-fa 'DejaVu Sans Mono' -fs 10)
    fi
    # wallpaper: a full-screen xlogo mapped first (no window manager: later windows stack on top)
    if command -v xlogo >/dev/null; then
        DISPLAY=$dpy xlogo -geometry 1280x720+0+0 -bg '#2f5d8a' -fg '#f2b84b' >/dev/null 2>&1 &
        x_pids+=($!)
        sleep 0.3
    fi
    # shellcheck disable=SC2016 # the quoted scripts run in the xterms' shells
    DISPLAY=$dpy xterm "${font[@]}" -geometry 96x30+24+24 -bg '#101820' -fg '#d8e0e8' \
        -title 'ls -lR /usr/share' -e sh -c \
        'ls -lR --color=always /usr/share 2>/dev/null | while IFS= read -r l; do
             printf "%s\n" "$l"; sleep 0.03; done; sleep 60' >/dev/null 2>&1 &
    x_pids+=($!)
    # shellcheck disable=SC2016
    DISPLAY=$dpy xterm "${font[@]}" -geometry 44x12+830+440 -bg '#f5f0e1' -fg '#202020' \
        -e sh -c 'i=0; while :; do i=$((i+1)); printf "tick %05d  %s\n" "$i" "$(date +%T.%N)"; sleep 0.1; done' \
        >/dev/null 2>&1 &
    x_pids+=($!)
    if command -v xclock >/dev/null; then
        DISPLAY=$dpy xclock -geometry 180x180+1060+30 -update 1 -bg '#fffbe6' -fg '#1b3a5c' \
            -hd '#c0392b' -hl '#c0392b' >/dev/null 2>&1 &
        x_pids+=($!)
    fi
    if command -v xeyes >/dev/null; then
        DISPLAY=$dpy xeyes -geometry 200x110+1040+260 -fg '#27ae60' -outline '#145a32' >/dev/null 2>&1 &
        x_pids+=($!)
    fi
    sleep 1
    if command -v xdotool >/dev/null; then
        # the pointer travels an ellipse, one turn in about 4 s
        DISPLAY=$dpy sh -c 'i=0; while [ $i -lt 400 ]; do
            awk -v i=$i "BEGIN { a = i * 0.0785; printf \"%d %d\n\", 640 + 420 * cos(a), 360 + 250 * sin(a * 1.3) }" |
            { read -r x y; xdotool mousemove "$x" "$y"; }; sleep 0.03; i=$((i + 1)); done' \
            >/dev/null 2>&1 &
        x_pids+=($!)
    else
        echo "xrec: xdotool not installed, the pointer stays still"
    fi
    # in the background and waited for, so that a signal reaches the traps at once
    # shellcheck disable=SC2086
    ffmpeg -nostdin -hide_banner -loglevel error -y -f x11grab -draw_mouse 1 -video_size 1280x720 -framerate 30 -i "$dpy" -frames:v 120 \
        -vf "scale=out_color_matrix=bt709:out_range=tv,format=yuv420p" -c:v libx264 \
        -preset ultrafast -crf 18 $BT709 -movflags +faststart "$work/xrec.mp4" &
    local grab=$!
    x_pids+=("$grab")
    wait "$grab" || { echo "make-media: recording the X session failed" >&2; exit 1; }
    cleanup_x
    done_ xrec.mp4 "$work/xrec.mp4" h264,1280,720,yuv420p
}


have xrec.mp4 h264,1280,720,yuv420p || xrec

echo "make-media: done in $(($(date +%s) - T0)) s ($out)"
