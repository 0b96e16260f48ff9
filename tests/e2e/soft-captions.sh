#!/bin/bash
# Soft captions (docs/project-format.md, "Captions", "Soft captions"): a small export (320x180,
# 10 fps, 3 s) through a cut, a 2x range, a 0.5x range cross-faded in and a fade to black, with
# an SRT file in Latin with diacritics, Cyrillic, Hebrew and Arabic, CJK, Greek and an emoji.
# check_soft_captions.py computes the cues' output frames from the project and the SRT itself
# and checks the mov_text track of the MP4 and the MOV, the WebVTT track of the WebM, the .srt
# and .vtt sidecars, that of a GIF too (text, times to the frame, numbering, header, language
# tag). The soft cues lie on the frames where the burnt-in captions are drawn (lossless
# exports with and without the SRT, whole frames); the video and audio are those of the export without soft captions
# (frame count, durations, decoded video). The MP4 with its track and the WebM still play in
# headless Chromium, and a <track> of the .vtt sidecar loads its cues there. Refused, naming
# the key and leaving nothing behind: a GIF with captions.soft, --chunk, a bad
# captions.sidecar or captions.language, soft captions without sources.captions; Ctrl-C
# during an export leaves no sidecar (nor its .partial).
# Environment: VEXPORT, MEDIA, CHECK_SOFT, PLAY. Exit 0 pass, 1 fail, 77 skip.
set -u
: "${VEXPORT:?}" "${MEDIA:?}" "${CHECK_SOFT:?}" "${PLAY:?}"
[ -f "$MEDIA/screen.mp4" ] || { echo "SKIP: $MEDIA/screen.mp4 missing"; exit 77; }
command -v ffprobe >/dev/null || { echo "SKIP: ffprobe missing"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vx-soft.XXXXXX") || exit 1
pid=
cleanup() { [ -n "$pid" ] && { kill -TERM -- "-$pid" 2>/dev/null; wait "$pid" 2>/dev/null; }; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
ln -s "$MEDIA/screen.mp4" "$tmp/rec.mp4"
# cue 1 is halved by the cut at 0.5 s; cue 2 ends the 2x range, seen in the cross-fade with
# cue 7 of the range fading in (one soft cue of both texts; cue 2 leaves its <b> open, which
# must not reach cue 7's text); cue 4 is cut away; cue 5 spans
# the fade to black; cue 6 runs past the end, its text in markup (docs/project-format.md,
# "Markup": styled, dropped, escaped as each format asks)
printf '1\r\n00:00:00,270 --> 00:00:00,630\r\nCafé déjà vu Привет\r\n\r\n2\r\n00:00:00,930 --> 00:00:01,070\r\n<b>שלום مرحبا\r\nline two\r\n\r\n3\r\n00:00:01,530 --> 00:00:02,030\r\n{\\an5}你好，世界 ☺\r\n\r\n4\r\n00:00:01,250 --> 00:00:01,350\r\ngone\r\n\r\n5\r\n00:00:02,130 --> 00:00:02,770\r\nΕλληνικά 😀\r\n\r\n6\r\n00:00:03,330 --> 00:00:03,900\r\n<i>the</i> end &amp; <3\r\n{\\an8}\r\n\r\n7\r\n00:00:01,430 --> 00:00:01,520\r\nמעבר\r\n' >"$tmp/t.srt"
mk() { # name, sources extra, captions extra
    cat >"$tmp/$1.json" <<J
{ "version": 1, "output": { "width": 320, "height": 180, "fps": 10 }, "background": "#1e293b",
  "timeline": [ { "start": 0, "end": 0.5 }, { "start": 0.6, "end": 1.2, "speed": 2 },
    { "start": 1.4, "end": 2.2, "speed": 0.5, "transition": { "type": "crossfade", "duration": 0.2 } },
    { "start": 2.6, "end": 3.5, "transition": { "type": "fade-black", "duration": 0.4 } } ],
  "sources": { "screen": "rec.mp4" $2 }, "captions": { "size": 0.1 $3 } }
J
}
render() { # project, output, extra args
    "$VEXPORT" render "$tmp/$1.json" -o "$tmp/$2" --preset ultrafast "${@:3}" >"$tmp/$1.log" 2>&1 ||
        { cat "$tmp/$1.log"; fail "vexport $1 -> $2"; }
}
mk soft ', "captions": "t.srt"' ', "soft": true, "sidecar": "srt", "language": "rus"'
mk vtt ', "captions": "t.srt"' ', "soft": true, "sidecar": "vtt", "language": "rus"'
mk burnt ', "captions": "t.srt"' ''
mk none '' ''
render soft a.mp4
render vtt b.webm
render soft c.mov
render vtt d.mp4
render burnt burnt.mp4
mk gif ', "captions": "t.srt"' ', "sidecar": "srt"'
render gif e.gif
for f in a.srt b.vtt c.srt d.vtt e.srt; do [ -f "$tmp/$f" ] || fail "no sidecar $f beside the export"; done
[ -z "$(find "$tmp" -name '*.partial')" ] || fail "a .partial was left: $(find "$tmp" -name '*.partial')"
python3 "$CHECK_SOFT" "$tmp/soft.json" "$tmp/t.srt" rus "$tmp/a.mp4" "$tmp/a.srt" "$tmp/b.webm" \
    "$tmp/b.vtt" "$tmp/c.mov" "$tmp/d.mp4" "$tmp/e.srt" || fail "the soft captions are not on the output's timeline"

# -o /dev/null (written in place): the track goes there too, no sidecar beside it
if [ -c /dev/null ] && [ ! -e /dev/null.srt ]; then
    "$VEXPORT" render "$tmp/soft.json" -o /dev/null --preset ultrafast >"$tmp/null.log" 2>&1 ||
        { cat "$tmp/null.log"; fail "-o /dev/null"; }
    [ -c /dev/null ] && [ ! -e /dev/null.srt ] && [ ! -e /dev/null.srt.partial ] ||
        { rm -f /dev/null.srt /dev/null.srt.partial; fail "-o /dev/null wrote a sidecar beside it"; }
    echo "ok: -o /dev/null: no sidecar"
fi

# the video and audio unchanged by the track: frame count, durations, decoded video
vinfo() { ffprobe -v error -count_frames -show_entries stream=codec_type,nb_read_frames,duration \
    -of csv=p=0 "$1" | grep -v subtitle; }
[ "$(vinfo "$tmp/a.mp4")" = "$(vinfo "$tmp/burnt.mp4")" ] ||
    fail "streams differ with the track: $(vinfo "$tmp/a.mp4" | tr '\n' ' ') vs $(vinfo "$tmp/burnt.mp4" | tr '\n' ' ')"
vmd5() { ffmpeg -v error -i "$1" -map 0:v -f md5 -; }
[ "$(vmd5 "$tmp/a.mp4")" = "$(vmd5 "$tmp/burnt.mp4")" ] || fail "the video differs with the track"
echo "ok: video and audio as without the track: $(vinfo "$tmp/a.mp4" | tr '\n' ' ')"

# the soft cues on the burnt-in captions' frames: lossless exports with and without the SRT
"$VEXPORT" render "$tmp/burnt.json" -o "$tmp/bl.mp4" --preset ultrafast --crf 0 >/dev/null 2>&1 &&
"$VEXPORT" render "$tmp/none.json" -o "$tmp/nl.mp4" --preset ultrafast --crf 0 >/dev/null 2>&1 ||
    fail "the lossless exports"
ffmpeg -v error -i "$tmp/bl.mp4" -f rawvideo -pix_fmt gray "$tmp/bl.y" &&
ffmpeg -v error -i "$tmp/nl.mp4" -f rawvideo -pix_fmt gray "$tmp/nl.y" || fail "decoding"
python3 - "$tmp" <<'PY' || exit 1
import sys
d = sys.argv[1]; W, H = 320, 180
def frames(n):
    b = open(f"{d}/{n}.y", "rb").read(); return [b[i:i + W * H] for i in range(0, len(b), W * H)]
B, N = frames("bl"), frames("nl")
drawn = {i for i, (b, n) in enumerate(zip(B, N)) if b != n}  # anywhere: cue 6 is at the top
soft = set()
for l in open(f"{d}/a.srt", encoding="utf-8"):
    if "-->" in l:
        ms = [int(x[:2]) * 3600000 + int(x[3:5]) * 60000 + int(x[6:8]) * 1000 + int(x[9:12])
              for x in l.strip().split(" --> ")]
        soft |= {n for n in range(len(B)) if ms[0] <= n * 100 < ms[1]}
# frame 22 (t = 2.2 s) is the fade to black's cut: black, so no caption is seen there
if drawn != soft - {22}:
    print(f"FAIL: burnt-in captions on frames {sorted(drawn)}, soft cues on {sorted(soft)}"); sys.exit(1)
print(f"ok: soft cues on the burnt-in captions' frames ({len(soft)} frames)")
PY

# in headless Chromium: the MP4 with its mov_text track and the WebM with its WebVTT track
# play, and a <track> of the .vtt sidecar loads its cues, the {\an8} one on the top line and
# the {\an5} one on the middle (centred on it where the browser reads a line's alignment:
# Chromium has no VTTCue.lineAlign and gives undefined; the setting itself is checked above)
for f in a.mp4 b.webm; do
    bash "$PLAY" "$tmp/$f" 1 >"$tmp/play.log" 2>&1
    r=$?
    [ $r = 77 ] && { echo "skip: no Chromium, $f not played"; continue; }
    [ $r = 0 ] || { cat "$tmp/play.log"; fail "$f does not play in Chromium"; }
    echo "ok: $f plays in Chromium: $(grep -o 'RESULT.*' "$tmp/play.log" | head -1)"
done
browser=
for b in chromium chromium-browser google-chrome; do command -v "$b" >/dev/null && { browser=$b; break; }; done
if [ -n "$browser" ]; then
    want=$(grep -c -- '-->' "$tmp/b.vtt")
    cat >"$tmp/page.html" <<'HTML'
<!doctype html><html><body>
<video id="v" muted preload="auto" src="b.webm"><track id="k" kind="subtitles" srclang="ru" src="b.vtt" default></video>
<script>
const k = document.getElementById('k');
const report = m => console.log('RESULT ' + m);
k.addEventListener('load', () => {
  const c = k.track.cues;
  const end = Array.from(c).filter(x => x.text.includes('end')); /* the cue with {\an8} */
  const mid = Array.from(c).filter(x => x.text.includes('世界')); /* the cue with {\an5} */
  report('OK ' + c.length + ' ' + (c.length ? c[0].startTime.toFixed(3) + ' ' + encodeURIComponent(c[0].text) +
         ' ' + c[0].line + ' ' + end.map(x => x.line).join(',') + ' ' +
         mid.map(x => x.line + ':' + x.lineAlign).join(',') : ''));
});
k.addEventListener('error', () => report('ERROR the track did not load'));
setTimeout(() => report('ERROR no load event'), 20000);
</script></body></html>
HTML
    setsid "$browser" --headless --no-sandbox --disable-gpu --no-first-run --mute-audio \
        --user-data-dir="$tmp/profile" --allow-file-access-from-files --enable-logging=stderr \
        --v=0 "file://$tmp/page.html" >"$tmp/chr.log" 2>"$tmp/chr.err" &
    pid=$!
    line=
    for _ in $(seq 300); do
        line=$(grep -o '"RESULT [^"]*"' "$tmp/chr.err" | head -n 1 | tr -d '"')
        [ -n "$line" ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
    done
    kill -TERM -- "-$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=
    set -- $line
    [ "${2:-}" = OK ] && [ "$3" = "$want" ] && [ "$4" = 0.300 ] && [ "${6:-}" = auto ] && [ "${7:-}" = 0 ] &&
        { [ "${8:-}" = 50:center ] || [ "${8:-}" = 50:undefined ]; } ||
        { tail -n 5 "$tmp/chr.err"; fail "the .vtt sidecar in a <track>: '$line', expected $want cues, the first at 0.300 on line auto, the {\an8} one on line 0, the {\an5} one on line 50 (50:center, or 50:undefined without lineAlign)"; }
    first=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.unquote(sys.argv[1]))' "$5")
    [ "$first" = "Café" ] || [ "$first" = "Café déjà vu Привет" ] ||
        fail "the first cue in Chromium reads '$first'"
    echo "ok: the .vtt sidecar in a <track>: $3 cues, the first at $4 s: $first; the {\an8} cue on line $7 (the top), the {\an5} one at $8"
else
    echo "skip: no Chromium, the <track> not loaded"
fi

# refusals naming the key, nothing left behind
refuse() { # name, output, key, sources extra, captions extra, extra args
    mk "$1" "$4" "$5"
    if "$VEXPORT" render "$tmp/$1.json" -o "$tmp/r/$2" "${@:6}" >"$tmp/$1.log" 2>&1; then
        fail "$1 was accepted"
    fi
    grep -q "$3" "$tmp/$1.log" || { cat "$tmp/$1.log"; fail "$1: the error does not name $3"; }
    [ -z "$(ls -A "$tmp/r")" ] || fail "$1: a refused export left $(ls "$tmp/r")"
    echo "ok: refused $1: $(grep error "$tmp/$1.log" | head -1)"
}
mkdir "$tmp/r"
refuse gif x.gif captions.soft ', "captions": "t.srt"' ', "soft": true, "sidecar": "srt"'
refuse chunk x.mp4 captions.soft ', "captions": "t.srt"' ', "soft": true, "sidecar": "vtt"' --chunk 1/2
refuse chunk-sidecar x.mp4 captions.sidecar ', "captions": "t.srt"' ', "sidecar": "vtt"' --chunk 1/2
refuse sidecar-ass x.mp4 captions.sidecar ', "captions": "t.srt"' ', "sidecar": "ass"'
refuse language x.mp4 captions.language ', "captions": "t.srt"' ', "soft": true, "language": "en"'
refuse no-file x.mp4 captions.soft '' ', "soft": true'
# Ctrl-C during an export (a long one: 16 s of 720p output, slow preset) removes the sidecar's
# .partial with the output's
cat >"$tmp/long.json" <<J
{ "version": 1, "output": { "width": 1280, "height": 720, "fps": 30 }, "background": "#1e293b",
  "timeline": [ { "start": 0, "end": 4, "speed": 0.25 } ],
  "sources": { "screen": "rec.mp4", "captions": "t.srt" }, "captions": { "soft": true, "sidecar": "srt" } }
J
mkdir "$tmp/int"
"$VEXPORT" render "$tmp/long.json" -o "$tmp/int/long.mp4" --preset veryslow --threads 1 >"$tmp/int.log" 2>&1 &
vx=$!
for _ in $(seq 100); do [ -e "$tmp/int/long.srt.partial" ] && break; sleep 0.1; done
[ -e "$tmp/int/long.srt.partial" ] || { kill "$vx"; fail "no long.srt.partial while exporting"; }
kill -INT "$vx"
wait "$vx"
r=$?
[ $r = 130 ] || { cat "$tmp/int.log"; fail "interrupted export: exit code $r, expected 130"; }
[ -z "$(ls -A "$tmp/int")" ] || fail "an interrupted export left $(ls "$tmp/int")"
echo "ok: Ctrl-C: nothing left ($(tail -n 1 "$tmp/int.log"))"
echo "PASS: soft captions and sidecars on the output's timeline, to the frame; refusals"
