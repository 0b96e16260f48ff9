#!/bin/bash
# Output formats (docs/project-format.md, "Formats"): the container from the output's name or
# output.format, the codec its default or output.codec. Each pair is exported small (320x180,
# 2 s at 30 fps, padded and rounded) and decoded: codec, size, frame count, duration, colour
# tags (BT.601 limited below 720 lines), the audio codec (AAC, Opus in WebM), and the picture
# against the H.264 export (PSNR). The web ones play in headless Chromium (tests/web/play.sh;
# skipped there without Chromium). Impossible pairs are refused up front, naming the key,
# leaving nothing behind. Environment: VEXPORT, MEDIA, PLAY. Exit 0 pass, 1 fail, 77 skip.
set -u
: "${VEXPORT:?}" "${MEDIA:?}" "${PLAY:?}"
[ -f "$MEDIA/screen.mp4" ] || { echo "SKIP: $MEDIA/screen.mp4 missing"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vx-formats.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
ln -s "$MEDIA/screen.mp4" "$tmp/rec.mp4"
project() { # project NAME OUTPUT-EXTRA-JSON
    cat >"$tmp/$1.json" <<J
{ "version": 1, "output": { "width": 320, "height": 180, "fps": 30 $2 },
  "sources": { "screen": "rec.mp4" }, "background": "#1e293b", "padding": 0.06, "radius": 10,
  "timeline": [ { "start": 0, "end": 2 } ] }
J
}
probe() { ffprobe -v error -select_streams "$2" -count_frames -show_entries \
    "stream=$3" -of default=nw=1:nk=1 "$1" | tr '\n' ' ' | sed 's/ $//'; }

# name   output file   output keys                        codec  audio
cases=(
    "h264   a.mp4      ''                                  h264   aac"
    "hevc   b.mp4      ',\"codec\":\"hevc\"'               hevc   aac"
    "av1mp4 c.mp4      ',\"codec\":\"av1\"'                av1    aac"
    "vp9    d.webm     ''                                  vp9    opus"
    "av1web e.webm     ',\"codec\":\"av1\"'                av1    opus"
    "movh   f.mov      ''                                  h264   aac"
    "prores g.mov      ',\"codec\":\"prores\"'             prores aac"
    "fmtkey h.webm     ',\"format\":\"webm\"'              vp9    opus"
)
for c in "${cases[@]}"; do
    eval "set -- $c"
    name=$1 out=$2 keys=$3 codec=$4 acodec=$5
    project "$name" "$keys"
    start=$(date +%s.%N)
    "$VEXPORT" render "$tmp/$name.json" -o "$tmp/$out" -q >"$tmp/$name.log" 2>&1 ||
        { cat "$tmp/$name.log"; fail "$name: vexport render -o $out"; }
    secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    got=$(probe "$tmp/$out" v:0 codec_name,width,height,nb_read_frames)
    [ "$got" = "$codec 320 180 60" ] || fail "$name ($out): video '$got', expected '$codec 320 180 60'"
    col=$(probe "$tmp/$out" v:0 color_range,color_space,color_transfer,color_primaries)
    [ "$col" = "tv smpte170m smpte170m smpte170m" ] || fail "$name ($out): colour tags '$col'"
    a=$(probe "$tmp/$out" a:0 codec_name,sample_rate)
    [ "$a" = "$acodec 48000" ] || fail "$name ($out): audio '$a', expected '$acodec 48000'"
    d=$(ffprobe -v error -show_entries format=duration -of default=nw=1:nk=1 "$tmp/$out")
    awk -v d="$d" 'BEGIN { exit !(d > 1.95 && d < 2.1) }' || fail "$name ($out): duration $d s, expected 2"
    # the first video frame at 0 and the last at 59/30 s
    ts=$(ffprobe -v error -select_streams v:0 -show_entries frame=best_effort_timestamp_time \
         -of csv=p=0 "$tmp/$out" | sed -n '1p;$p' | tr '\n' ' ')
    awk -v t="$ts" 'BEGIN { split(t, a, " "); exit !(a[1] + 0 < 0.01 && a[2] > 1.95 && a[2] < 1.98) }' ||
        fail "$name ($out): first/last frame times $ts, expected 0 and 1.967"
    if [ "$name" != h264 ]; then
        psnr=$(ffmpeg -v error -i "$tmp/$out" -i "$tmp/a.mp4" -lavfi \
            "[0:v]format=yuv420p[x];[1:v]format=yuv420p[y];[x][y]psnr=stats_file=-" -f null - |
            awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^psnr_avg:/) { split($i, v, ":"); s += v[2]; n++ } }
                 END { printf "%.1f", n ? s / n : 0 }')
        awk -v p="$psnr" 'BEGIN { exit !(p >= 30) }' ||
            fail "$name ($out): picture differs from the H.264 export (PSNR $psnr dB < 30)"
    else
        psnr=-
    fi
    echo "ok: $name $out: $got, $col, audio $a, ${d}s, PSNR vs h264 $psnr dB, ${secs}s"
done

# the web ones play in Chromium (Debian's chromium has no HEVC decoder: b.mp4 is left out)
for f in a.mp4 c.mp4 d.webm e.webm; do
    bash "$PLAY" "$tmp/$f" 1 >"$tmp/play.log" 2>&1
    r=$?
    [ $r = 77 ] && { echo "skip: no Chromium, $f not played"; continue; }
    [ $r = 0 ] || { cat "$tmp/play.log"; fail "$f does not play in Chromium"; }
    echo "ok: $f plays in Chromium: $(grep -o 'RESULT.*' "$tmp/play.log" | head -1)"
done

# refusals, up front, naming the key
refuse() { # refuse NAME OUTPUT KEYS EXPECTED-KEY [AUDIO]
    project "$1" "$3"
    [ -n "${5:-}" ] && sed -i 's|"screen": "rec.mp4" }|"screen": "rec.mp4", "audio": ["rec.mp4"] }|' "$tmp/$1.json"
    "$VEXPORT" render "$tmp/$1.json" -o "$tmp/$2" >"$tmp/$1.log" 2>&1
    r=$?
    [ $r = 1 ] || { cat "$tmp/$1.log"; fail "$1: $2 with $3: exit code $r, expected 1 (refused)"; }
    grep -q "$4" "$tmp/$1.log" || { cat "$tmp/$1.log"; fail "$1: the error does not name $4"; }
    [ ! -e "$tmp/$2" ] && [ ! -e "$tmp/$2.partial" ] || fail "$1: a refused export left $2 behind"
    echo "ok: refused $1: $(head -1 "$tmp/$1.log")"
}
refuse prores-webm x.webm ',"codec":"prores"' output.codec
refuse vp9-mp4 x.mp4 ',"codec":"vp9"' output.codec
refuse h264-webm x.webm ',"codec":"h264"' output.codec
refuse name-vs-key x.mp4 ',"format":"webm"' output.format
refuse bad-codec x.mp4 ',"codec":"mpeg2"' output.codec
refuse gif-audio x.gif '' sources.audio audio
echo "PASS: every format and codec decodes as asked; impossible pairs refused"
