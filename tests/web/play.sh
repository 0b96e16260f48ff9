#!/bin/bash
# play.sh VIDEO [SECONDS]: does the video play in a browser? Loads a local page holding a
# <video> of VIDEO in headless Chromium, plays it until its time has advanced, pauses, seeks to
# SECONDS (default 1, at most half the duration), draws the frame shown to a <canvas> and
# reads a pixel back (at 8,8). The page prints its result on the console, which Chromium logs:
#   RESULT OK played P seeked S size WxH duration D pixel R,G,B,A
# Checks: it played (P > 0), it seeked, the size is the file's (ffprobe, when there), the
# pixel is opaque and, when ffmpeg is there, within 24 levels of ffmpeg's decode of that frame.
# Exit 0: it played and a frame was drawn; 1: it did not (the reason printed); 77: no Chromium
# (scripts/setup.sh --tests installs Debian's chromium). PLAY_TIMEOUT: seconds (default 60).
set -u
video=${1:?usage: play.sh VIDEO [SECONDS]}
seek=${2:-1}
say() { printf '%s\n' "$*"; }
fail() { say "play.sh: FAIL: $*"; exit 1; }
[ -f "$video" ] || fail "$video: file not found"
browser=
for b in chromium chromium-browser google-chrome; do
    command -v "$b" >/dev/null && { browser=$b; break; }
done
[ -n "$browser" ] || { say "play.sh: SKIP: no chromium (scripts/setup.sh --tests installs it)"; exit 77; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vx-play.XXXXXX") || exit 1
pid=
cleanup() {
    # the browser this script started: its own process group (setsid), by its id
    [ -n "$pid" ] && { kill -TERM -- "-$pid" 2>/dev/null; wait "$pid" 2>/dev/null; }
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

ext=${video##*.}
ln -s "$(realpath "$video")" "$tmp/video.$ext"
if [ "$ext" = gif ]; then
    # a GIF is an <img>: loaded, left to animate 0.3 s, drawn to the canvas (frame 0's pixel
    # at 8,8 is compared with ffmpeg's: the checks below take "seeked 0")
    cat >"$tmp/page.html" <<HTML
<!doctype html><html><body>
<img id="v" src="video.gif"><canvas id="c"></canvas>
<script>
const v = document.getElementById('v');
const report = m => console.log('RESULT ' + m);
v.addEventListener('error', () => report('ERROR the GIF failed to load'));
v.addEventListener('load', () => setTimeout(() => {
  const c = document.getElementById('c');
  c.width = v.naturalWidth; c.height = v.naturalHeight;
  const g = c.getContext('2d');
  g.drawImage(v, 0, 0);
  try {
    const d = g.getImageData(8, 8, 1, 1).data;
    report('OK played 0.300 seeked 0 size ' + v.naturalWidth + 'x' + v.naturalHeight +
           ' duration 0 pixel ' + d[0] + ',' + d[1] + ',' + d[2] + ',' + d[3]);
  } catch (e) { report('ERROR reading the canvas: ' + e); }
}, 300));
</script></body></html>
HTML
else
cat >"$tmp/page.html" <<HTML
<!doctype html><html><body>
<video id="v" muted playsinline preload="auto" src="video.$ext"></video>
<canvas id="c"></canvas>
<script>
const v = document.getElementById('v');
let reported = false, played = 0;
function report(msg) { if (!reported) { reported = true; console.log('RESULT ' + msg); } }
v.addEventListener('error', () => report('ERROR the media failed: ' + (v.error ? v.error.code + ' ' + v.error.message : '')));
v.addEventListener('loadedmetadata', () => v.play().catch(e => report('ERROR play(): ' + e)));
v.addEventListener('playing', () => {
  const t0 = v.currentTime;
  const tick = () => {
    if (v.currentTime > t0 + 0.1 || v.ended) {
      played = v.currentTime; v.pause();
      v.currentTime = Math.min($seek, v.duration / 2);
    } else setTimeout(tick, 20);
  };
  tick();
});
v.addEventListener('seeked', () => {
  if (!played) return;
  const c = document.getElementById('c');
  c.width = v.videoWidth; c.height = v.videoHeight;
  const g = c.getContext('2d');
  g.drawImage(v, 0, 0);
  try {
    const d = g.getImageData(8, 8, 1, 1).data;
    report('OK played ' + played.toFixed(3) + ' seeked ' + v.currentTime.toFixed(3) + ' size ' +
           v.videoWidth + 'x' + v.videoHeight + ' duration ' + v.duration.toFixed(3) +
           ' pixel ' + d[0] + ',' + d[1] + ',' + d[2] + ',' + d[3]);
  } catch (e) { report('ERROR reading the canvas: ' + e); }
});
</script></body></html>
HTML
fi

# as root Chromium needs --no-sandbox; a profile of its own, so that runs do not share one
setsid "$browser" --headless --no-sandbox --disable-gpu --no-first-run --mute-audio \
    --user-data-dir="$tmp/profile" --allow-file-access-from-files \
    --autoplay-policy=no-user-gesture-required --enable-logging=stderr --v=0 \
    "file://$tmp/page.html" >"$tmp/out.log" 2>"$tmp/err.log" &
pid=$!
line=
end=$((SECONDS + ${PLAY_TIMEOUT:-60}))
while [ $SECONDS -lt $end ]; do
    line=$(grep -o '"RESULT [^"]*"' "$tmp/err.log" | head -n 1 | tr -d '"')
    [ -n "$line" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
done
[ -n "$line" ] || { tail -n 5 "$tmp/err.log"; fail "$video: no result from $browser within ${PLAY_TIMEOUT:-60} s"; }
say "play.sh: $browser: $line"
set -- $line
[ "$2" = OK ] || fail "$video: ${line#RESULT }"
played=$4 seeked=$6 size=$8 pixel=${12}
awk -v p="$played" 'BEGIN { exit !(p > 0) }' || fail "$video: it did not play (time $played)"
if command -v ffprobe >/dev/null; then
    want=$(ffprobe -v error -select_streams v:0 -show_entries stream=width,height -of csv=s=x:p=0 "$video")
    [ "$size" = "$want" ] || fail "$video: the browser shows $size, the file is $want"
fi
IFS=, read -r r g b a <<<"$pixel"
[ "$a" = 255 ] || fail "$video: the pixel drawn is not opaque ($pixel): no frame was drawn"
if command -v ffmpeg >/dev/null; then
    ref=$(ffmpeg -v error -ss "$seeked" -i "$video" -frames:v 1 -vf format=rgb24,crop=1:1:8:8 -f rawvideo \
        -pix_fmt rgb24 - | od -An -tu1 | tr -s ' ' ',' | sed 's/^,//; s/,$//')
    IFS=, read -r R G B <<<"$ref"
    say "play.sh: pixel (8,8) at $seeked s: the browser drew $r,$g,$b, ffmpeg decodes $ref"
    for d in $((r - R)) $((g - G)) $((b - B)); do
        [ "${d#-}" -le 24 ] || fail "$video: the browser's pixel $r,$g,$b is not ffmpeg's $ref"
    done
fi
say "play.sh: PASS: $video played to $played s, seeked to $seeked s, a ${size} frame drawn"
