#!/bin/sh
# The captions layer (docs/project-format.md, "Captions"): a project exported losslessly with
# and without an SRT file of three cues (Latin with diacritics and Cyrillic; Hebrew and Arabic;
# Chinese and an emoji), compared pixel by pixel with check_captions' own libass rendering,
# decoded with ffmpeg: the bottom band differs from the export without captions during each cue
# and only then; a cut that keeps half of a cue keeps that half. Bad subtitle files (not UTF-8,
# a malformed timing) are refused with the file, the line and the problem. A cue longer than
# max_lines lines is shown in pages at their share of the cue's time. Markup (<i> <b> <u> <s>,
# dropped tags, character references) is read as the document says, its style kept across pages.
# Environment: VEXPORT, MEDIA. Exit 0 pass, 1 fail, 77 skip.
set -u
: "${VEXPORT:?}" "${MEDIA:?}" "${CHECK_CAPTIONS:?}"
[ -f "$MEDIA/screen.mp4" ] || { echo "SKIP: $MEDIA/screen.mp4 missing"; exit 77; }
command -v ffmpeg >/dev/null || { echo "SKIP: ffmpeg missing"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vx-captions.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
ln -s "$MEDIA/screen.mp4" "$tmp/rec.mp4"
printf '1\r\n00:00:00,250 --> 00:00:00,650\r\nCafé déjà vu Привет\r\n\r\n2\r\n00:00:01,050 --> 00:00:01,450\r\nשלום مرحبا\r\n\r\n3\r\n00:00:01,550 --> 00:00:01,950\r\n你好，世界 ☺\r\n' >"$tmp/t.srt"
base='"version": 1, "output": { "width": 320, "height": 180, "fps": 10 },
  "background": "#1e293b", "padding": 0.08'
mk() { # name, timeline, sources extra
    echo "{ $base, \"timeline\": $2, \"sources\": { \"screen\": \"rec.mp4\" $3 }, \"captions\": { \"size\": 0.1 } }" >"$tmp/$1.json"
    "$VEXPORT" render "$tmp/$1.json" -o "$tmp/$1.mp4" --preset ultrafast --crf 0 >"$tmp/$1.log" 2>&1 ||
        { cat "$tmp/$1.log"; echo "FAIL: vexport $1"; exit 1; }
    ffmpeg -loglevel error -i "$tmp/$1.mp4" -f rawvideo -pix_fmt gray "$tmp/$1.y" ||
        { echo "FAIL: decoding $1"; exit 1; }
}
mk ref '[ { "start": 0, "end": 2 } ]' ''
mk cap '[ { "start": 0, "end": 2 } ]' ', "captions": "t.srt"'
# recording 0.4..1.5 kept: the first cue's second half (0.4..0.65) shows at output 0..0.25
mk refcut '[ { "start": 0.4, "end": 1.5 } ]' ''
mk capcut '[ { "start": 0.4, "end": 1.5 } ]' ', "captions": "t.srt"'
python3 - "$tmp" <<'PY' || exit 1
import sys
d = sys.argv[1]; W, H = 320, 180
def frames(n):
    b = open(f"{d}/{n}.y", "rb").read(); return [b[i:i + W * H] for i in range(0, len(b), W * H)]
def band_diff(a, b):  # mean |difference| over the bottom quarter
    s = sum(abs(a[y * W + x] - b[y * W + x]) for y in range(H * 3 // 4, H) for x in range(W))
    return s / (W * H / 4)
def check(ref, cap, cues, label):
    R, C = frames(ref), frames(cap); bad = 0
    if len(R) != len(C): print(f"FAIL: {label}: {len(C)} frames, {len(R)} without captions"); return 1
    for i, (r, c) in enumerate(zip(R, C)):
        t = i / 10; inside = any(a <= t < b for a, b in cues); dd = band_diff(r, c)
        if inside != (dd > 0.5) or (not inside and r != c):
            print(f"FAIL: {label}: frame {i} (t={t:.1f}) diff {dd:.2f}, cue {'on' if inside else 'off'}"); bad = 1
    print(f"{label}: {len(C)} frames, captions during the cues and only then" if not bad else "")
    return bad
bad = check("ref", "cap", [(0.25, 0.65), (1.05, 1.45), (1.55, 1.95)], "whole")
bad |= check("refcut", "capcut", [(0.0, 0.25), (0.65, 1.05)], "cut")
sys.exit(bad)
PY
# the pixels: the checker's own libass rendering of the cues composited over the export
# without captions, >= 35 dB over each caption's box, and nothing else changed
"$CHECK_CAPTIONS" "$tmp/cap.mp4" "$tmp/ref.mp4" "$tmp/t.srt" 10 0.1 ||
    { echo "FAIL: the captions are not libass's rendering of the cues in the documented style"; exit 1; }
# a cue that wraps to 4 lines and more at the default max_lines (2): shown in pages of at most 2
# lines, each for its share of the cue's time by characters, as the checker's model has it
printf '1\n00:00:00,000 --> 00:00:02,000\nOne two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty\n' >"$tmp/long.srt"
mk pages '[ { "start": 0, "end": 2 } ]' ', "captions": "long.srt"'
"$CHECK_CAPTIONS" "$tmp/pages.mp4" "$tmp/ref.mp4" "$tmp/long.srt" 10 0.1 2 >"$tmp/pages.log" ||
    { cat "$tmp/pages.log"; echo "FAIL: a long cue is not shown in pages of max_lines lines at their times"; exit 1; }
cat "$tmp/pages.log"
np=$(sed -n 's/.*(\([0-9]*\) pages of at most 2 lines).*/\1/p' "$tmp/pages.log")
[ "${np:-0}" -ge 2 ] || { echo "FAIL: the long cue was not shown in pages (${np:-no} pages)"; exit 1; }
# markup (docs/project-format.md, "Captions", Files): <i> <b> <u> <s> style the text; other
# tags, WebVTT timestamps and {\...} blocks are dropped, a cue's {\an8} puts it at the top;
# character references become their characters; a style open across a page break goes on on
# the next page. The checker draws its
# own translation of the file; the same cues without markup must look different.
printf '1\n00:00:00,200 --> 00:00:00,900\n{\\an8}<i>Italic</i> <b>bold</b> &amp; <u>under</u>\n<v Ana><s>struck</s></v> &lt;3 <00:00:00.500><c.yellow>now</c>\n\n2\n00:00:01,000 --> 00:00:02,000\nOne two <i>three four five six seven eight nine ten eleven twelve thirteen fourteen</i> <b>fifteen</b>\n' >"$tmp/tags.srt"
printf '1\n00:00:00,200 --> 00:00:00,900\nItalic bold & under\nstruck <3 now\n\n2\n00:00:01,000 --> 00:00:02,000\nOne two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen\n' >"$tmp/plain.srt"
mk tags '[ { "start": 0, "end": 2 } ]' ', "captions": "tags.srt"'
mk plain '[ { "start": 0, "end": 2 } ]' ', "captions": "plain.srt"'
"$CHECK_CAPTIONS" "$tmp/tags.mp4" "$tmp/ref.mp4" "$tmp/tags.srt" 10 0.1 2 >"$tmp/tags.log" ||
    { cat "$tmp/tags.log"; echo "FAIL: captions with markup are not drawn as the document says"; exit 1; }
python3 - "$tmp" <<'PY' || exit 1
import sys
d = sys.argv[1]; W, H = 320, 180
def frames(n):
    b = open(f"{d}/{n}.y", "rb").read(); return [b[i:i + W * H] for i in range(0, len(b), W * H)]
T, P = frames("tags"), frames("plain")
if len(T) != len(P): print(f"FAIL: markup: {len(T)} frames against {len(P)}"); sys.exit(1)
for i, (a, b) in enumerate(zip(T, P)):
    t = i / 10; on = 0.2 <= t < 0.9 or 1.0 <= t < 2.0
    if on == (a == b):
        print(f"FAIL: frame {i} (t={t:.1f}): the styled cue {'looks like the plain one' if on else 'left a mark'}")
        sys.exit(1)
print("markup: styled captions differ from the plain ones during their cues, and only then")
PY
refuse() { # name, expected text
    echo "{ $base, \"sources\": { \"screen\": \"rec.mp4\", \"captions\": \"$1\" } }" >"$tmp/bad.json"
    if "$VEXPORT" render "$tmp/bad.json" -o "$tmp/bad.mp4" >"$tmp/bad.log" 2>&1; then
        echo "FAIL: $1 was accepted"; exit 1
    fi
    grep -q "$2" "$tmp/bad.log" || { cat "$tmp/bad.log"; echo "FAIL: the error does not say '$2'"; exit 1; }
}
printf '1\n00:00:00,200 --> 00:00:00,600\nCaf\351\n' >"$tmp/latin1.srt"
refuse latin1.srt 'latin1.srt:3: not UTF-8'
printf 'WEBVTT\n\n00:00.200 --> 00:00.600\nok\n\n00:01.000 -> 00:01.400\nbad\n' >"$tmp/bad.vtt"
refuse bad.vtt 'bad.vtt:6: malformed cue timing'
printf '1\n00:00:00,200 --> 00:00:0x,600\nbad\n' >"$tmp/time.srt"
refuse time.srt 'time.srt:2: malformed cue timing'
printf '1\n00:00:00,200 --> 00:00:00,600\nok\n\nhello\n' >"$tmp/junk.srt"
refuse junk.srt 'junk.srt:5: expected a cue number or a cue timing line'
# a bad max_lines is refused naming the key
echo "{ $base, \"sources\": { \"screen\": \"rec.mp4\", \"captions\": \"t.srt\" }, \"captions\": { \"max_lines\": 0 } }" >"$tmp/badml.json"
if "$VEXPORT" render "$tmp/badml.json" -o "$tmp/badml.mp4" >"$tmp/badml.log" 2>&1; then
    echo "FAIL: max_lines 0 was accepted"; exit 1
fi
grep -q "captions.max_lines: expected a whole number from 1 to 20" "$tmp/badml.log" ||
    { cat "$tmp/badml.log"; echo "FAIL: the error does not name captions.max_lines"; exit 1; }
echo "PASS: captions during their cues and only then, through a cut; bad subtitle files refused"
