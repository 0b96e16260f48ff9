#!/usr/bin/env python3
"""check_soft_captions.py PROJECT SUBTITLES LANG FILE...: the soft captions of an export
against the project, computed here from docs/project-format.md (no library code):

- the timeline ("Time"): range i occupies output [out_i, out_i + (E - S)/X), a cross-fade
  starting it D earlier (both ranges shown in the overlap, the incoming one seen from its
  weight above 0, after its first frame), N = max(1, round(D_out * fps))
  frames, frame n at n / fps showing recording time S + (t - out_i) * X of each range shown;
- the captions ("Captions"): a range shows the first listed cue whose [start, end) holds its
  recording time; a frame shows the texts of its ranges' cues (in cue order, one per line);
- soft captions ("Soft captions"): the frames showing the same text, run by run, as one cue
  from the output time of its first frame to that of the frame after its last, in whole
  milliseconds rounded down.

- markup ("Markup"): <b> <i> <u> <s> (classes allowed) style the text; <v ...>, <c...>,
  <lang ...>, <ruby>, <rt>, <font ...>, their closings, timestamps and {\\...} blocks go;
  the eight character references become characters; lines left blank (empty or spaces) go.
  A mov_text sample holds the plain text and style records ('styl', 3GPP TS 26.245) for its
  bold, italic and underlined stretches (in characters; font 1, size 18, white); an .srt the
  text with <b> <i> <u> <s>, starting with the cue's first {\\anN}; a WebVTT track or .vtt
  the text with <b> <i> <u> and & < > escaped. Where the style changes, all open tags are
  closed (innermost first) and then those of the new style opened in the order b, i, u, s.
- place ("Soft captions"): a WebVTT cue carries the settings of the cue's first {\\anN}
  (ASS's numpad): line:0 for 7 8 9, line:50%,center for 4 5 6, none for 1 2 3; align:left for
  1 4 7, align:right for 3 6 9; none without one. A WebM's are read back through ffmpeg's
  WebVTT muxer.

Each FILE is checked against those cues: an MP4/MOV/WebM's subtitle stream (ffprobe: codec
mov_text or webvtt, language LANG, its packets' text and times, relative to the video's
start), or a sidecar .srt (numbered from 1, HH:MM:SS,mmm) or .vtt (WEBVTT header,
HH:MM:SS.mmm). Exit 0 when all match, 1 otherwise."""
import json
import math
import re
from fractions import Fraction as F
import subprocess
import sys


def settings_of(path):
    """The cue settings of a WebVTT file (after the end time), one string per cue."""
    lines = open(path, encoding="utf-8").read().replace("\r\n", "\n").split("\n")
    return [" ".join(l.split("-->")[1].split()[1:]) for l in lines if "-->" in l]


def vtt_settings(texts):
    """The settings a WebVTT cue of these texts (one cue's, or those shown together) must carry."""
    text = "\n".join(texts)
    place = re.search(r"\{(?=\\)[^{}\n]*?\\an([1-9])[^{}\n]*\}", text)
    if not place:
        return ""
    n = int(place.group(1))
    line = {7: "line:0", 8: "line:0", 9: "line:0", 4: "line:50%,center", 5: "line:50%,center",
            6: "line:50%,center"}
    align = {1: "align:left", 4: "align:left", 7: "align:left",
             3: "align:right", 6: "align:right", 9: "align:right"}
    return " ".join(x for x in (line.get(n, ""), align.get(n, "")) if x)


def read_subs(path):
    """The cues of an SRT or WebVTT file: [(start, end, text)] in file order."""
    def secs(s):
        s = s.strip().split()[0].replace(",", ".")
        v = F(0)
        for p in s.split(":"):
            v = v * 60 + F(p)
        return v
    cues, lines = [], open(path, encoding="utf-8").read().replace("\r\n", "\n").split("\n")
    i = 0
    while i < len(lines):
        if "-->" in lines[i]:
            a, b = lines[i].split("-->")
            text = []
            i += 1
            while i < len(lines) and lines[i].strip():
                text.append(lines[i])
                i += 1
            cues.append((secs(a), secs(b), "\n".join(text)))
        i += 1
    return cues


def expected(project, cues):
    # exact arithmetic (the project's decimals as written): a frame on a range's first output
    # time is that range's
    p = json.load(open(project), parse_float=F, parse_int=F)
    fps = p["output"]["fps"]
    ranges, out = [], F(0)
    for g in p["timeline"]:
        s, e, x = g.get("start", F(0)), g["end"], g.get("speed", F(1))
        tr = g.get("transition", {})
        d = tr.get("duration", F(1, 2)) if tr.get("type") == "crossfade" else 0
        o = out - d
        out = o + (e - s) / x
        ranges.append((s, x, o, out, d > 0))
    n_frames = max(1, math.floor(out * fps + F(1, 2)))
    texts = []
    for n in range(n_frames):
        t = n / fps
        shown = set()
        for i, (s, x, o0, o1, xf) in enumerate(ranges):
            # a range cross-faded in is mixed in at weight (t - o0) / D: seen once above 0
            if (t > o0 if xf else t >= o0) and (t < o1 or i == len(ranges) - 1):
                r = s + (t - o0) * x
                for k, (a, b, _) in enumerate(cues):
                    if a <= r < b:
                        shown.add(k)
                        break
        texts.append(tuple(cues[k][2] for k in sorted(shown)))
    ev, n = [], 0
    while n < n_frames:
        m = n + 1
        while m < n_frames and texts[m] == texts[n]:
            m += 1
        if texts[n]:
            ev.append((math.floor(n * 1000 / fps), math.floor(m * 1000 / fps), texts[n], n, m))
        n = m
    return ev, fps


REFS = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'",
        "&nbsp;": "\u00a0", "&lrm;": "\u200e", "&rlm;": "\u200f"}
MARKUP = re.compile(r"<(/?)([biusBIUS])(?:\.[^<>\n]*)?>"
                    r"|</?(?:v|c|lang|ruby|rt|font)(?:[ .\t][^<>\n]*)?>"
                    r"|<[0-9][0-9:.]*>|\{\\[^{}\n]*\}|&[a-z]+;", re.I)


def tagged(chars, keep="biu", escape=False):
    """Characters [(c, styles)] as text with tags for the styles in keep where a style changes:
    all open tags closed (innermost first), then the new ones opened in keep's order; with
    escape, & < > written as WebVTT's references. How each form writes a cue's styled text; a
    mov_text sample is compared as its text and its style records written so (<b> <i> <u>)."""
    out, open_ = "", []
    for c, st in chars + [("", set())]:
        want = [t for t in keep if t in st]
        if want != open_:
            out += "".join(f"</{t}>" for t in reversed(open_)) + "".join(f"<{t}>" for t in want)
            open_ = want
        out += {"&": "&amp;", "<": "&lt;", ">": "&gt;"}.get(c, c) if escape else c
    return out


def tx3g_sample(data):
    """A 3GPP text sample (16-bit length, UTF-8 text, then boxes): its text with the stretches
    its style records ('styl') make bold, italic or underlined as tagged() writes them. The
    records must use font 1 at size 18 in opaque white, as the track's sample entry."""
    n = int.from_bytes(data[:2], "big")
    text = data[2:2 + n].decode("utf-8")
    styles = [set() for _ in text]
    pos = 2 + n
    while pos + 8 <= len(data):
        size, kind = int.from_bytes(data[pos:pos + 4], "big"), data[pos + 4:pos + 8]
        if size < 8 or pos + size > len(data):
            raise ValueError(f"a box of {size} bytes at {pos} in a {len(data)}-byte sample")
        if kind == b"styl":
            count = int.from_bytes(data[pos + 8:pos + 10], "big")
            if size != 10 + 12 * count:
                raise ValueError(f"a styl box of {size} bytes for {count} records")
            for r in range(count):
                e = data[pos + 10 + 12 * r:pos + 22 + 12 * r]
                a, b = int.from_bytes(e[0:2], "big"), int.from_bytes(e[2:4], "big")
                if (not a < b <= len(text) or e[4:6] != b"\0\1" or e[7] != 18
                        or e[8:] != b"\xff" * 4):
                    raise ValueError(f"style record {r}: {e.hex()} "
                                     f"(text of {len(text)} characters)")
                for i in range(a, b):
                    styles[i] |= {t for t, bit in (("b", 1), ("i", 2), ("u", 4)) if e[6] & bit}
        pos += size
    return tagged(list(zip(text, styles)))


def as_written(texts, form):
    """The text of a soft cue, the texts of the subtitle cues it shows one per line, as a FILE
    of this form holds it: "tx3g" (mov_text), "srt" or "vtt". Each cue's markup styles its own
    text only (a tag it leaves open ends with it)."""
    chars = []
    for k, text in enumerate(texts):
        if k:
            chars.append(("\n", frozenset()))
        style, i = set(), 0
        while i < len(text):
            m = MARKUP.match(text, i)
            if m and m.group(0).startswith("&") and m.group(0) not in REFS:
                m = None
            if not m:
                chars.append((text[i], frozenset(style)))
                i += 1
                continue
            tok = m.group(0)
            if tok in REFS:
                chars.append((REFS[tok], frozenset(style)))
            elif m.group(2):
                (style.discard if m.group(1) else style.add)(m.group(2).lower())
            i = m.end()
    text = "\n".join(texts)
    lines, cur = [], []
    for c, st in chars + [("\n", frozenset())]:
        if c == "\n":
            if any(ch not in " \t" for ch, _ in cur):
                lines.append(cur)
            cur = []
        else:
            cur.append((c, st))
    flat = []
    for k, line in enumerate(lines):
        if k:
            flat.append(("\n", line[0][1]))
        flat += line
    if form == "tx3g":  # styled stretches as tags, to compare with a sample's style records
        return tagged(flat)
    place = re.search(r"\{(?=\\)[^{}\n]*?\\an([1-9])[^{}\n]*\}", text)
    out = "{\\an%s}" % place.group(1) if form == "srt" and place else ""  # an .srt keeps it
    return out + tagged(flat, "bius" if form == "srt" else "biu", form == "vtt")


def ffprobe(path, *args):
    return json.loads(subprocess.run(["ffprobe", "-v", "error", "-of", "json", *args, path],
                                     check=True, capture_output=True).stdout)


def track(path, lang):
    """The subtitle stream's cues [(start_ms, end_ms, text)] (empty samples left out)."""
    st = ffprobe(path, "-show_streams")["streams"]
    subs = [s for s in st if s["codec_type"] == "subtitle"]
    video = [s for s in st if s["codec_type"] == "video"][0]
    if len(subs) != 1:
        raise ValueError(f"{len(subs)} subtitle streams, expected 1")
    s = subs[0]
    want = "webvtt" if path.endswith(".webm") else "mov_text"
    if s["codec_name"] != want:
        raise ValueError(f"codec {s['codec_name']}, expected {want}")
    if s.get("tags", {}).get("language") != lang:
        raise ValueError(f"language {s.get('tags', {}).get('language')}, expected {lang}")
    v0 = float(video.get("start_time", 0))
    pk = ffprobe(path, "-show_packets", "-show_data", "-select_streams", str(s["index"]))["packets"]
    out = []
    for k in pk:
        data = bytes.fromhex("".join(l[10:49].replace(" ", "") for l in k["data"].splitlines()))
        text = tx3g_sample(data) if want == "mov_text" else data.decode("utf-8")
        if not text:
            continue  # the empty samples between cues
        a = float(k["pts_time"]) - v0
        out.append((round(a * 1000), round((a + float(k["duration_time"])) * 1000), text))
    return out


def sidecar(path):
    raw = open(path, encoding="utf-8").read()
    lines = raw.split("\n")
    if path.endswith(".vtt"):
        if lines[0] != "WEBVTT":
            raise ValueError(f"the first line is {lines[0]!r}, not WEBVTT")
        sep = "."
    else:
        sep = ","
        nums = [l for i, l in enumerate(lines) if i + 1 < len(lines) and "-->" in lines[i + 1]]
        if nums != [str(i + 1) for i in range(len(nums))]:
            raise ValueError(f"cue numbers {nums}, expected 1..{len(nums)}")
    for l in lines:
        if "-->" in l:
            a, b = l.split(" --> ")
            b = b.split(" ")[0]  # the settings after it are checked apart (.vtt)
            for x in (a, b):
                if len(x) != 12 or x[2] != ":" or x[5] != ":" or x[8] != sep:
                    raise ValueError(f"timing {l!r}: expected HH:MM:SS{sep}mmm --> HH:MM:SS{sep}mmm")
    return [(round(a * 1000), round(b * 1000), t) for a, b, t in read_subs(path)]


def main():
    project, subs, lang, files = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    ev, fps = expected(project, read_subs(subs))
    bad = 0
    for f in files:
        try:
            got = sidecar(f) if f.endswith((".srt", ".vtt")) else track(f, lang)
        except (ValueError, KeyError, IndexError, UnicodeDecodeError) as e:
            print(f"FAIL: {f}: {e}")
            bad = 1
            continue
        form = "srt" if f.endswith(".srt") else "vtt" if f.endswith((".vtt", ".webm")) else "tx3g"
        want = [(a, b, as_written(t, form)) for a, b, t, _, _ in ev]
        # a WebM's times are in whole ms after the muxer's shift: within 1 ms
        ok = len(got) == len(want) and all(
            g[2] == w[2] and abs(g[0] - w[0]) <= 1 and abs(g[1] - w[1]) <= 1 for g, w in zip(got, want))
        # and, to the frame: a cue covers exactly the frames n with start <= n / fps < end
        if ok:
            for (a, b, _), (_, _, _, n0, n1) in zip(got, ev):
                first = math.ceil(a * fps / 1000 - 1e-9)
                end = math.ceil(b * fps / 1000 - 1e-9)
                if (first, end) != (n0, n1):
                    print(f"FAIL: {f}: a cue {a}..{b} ms covers frames {first}..{end - 1}, "
                          f"expected {n0}..{n1 - 1}")
                    ok = False
        if ok and form == "vtt":
            if f.endswith(".webm"):
                vtt = f + ".vtt"
                subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", f, "-map", "0:s:0", "-c:s",
                                "copy", "-f", "webvtt", vtt], check=True)
            else:
                vtt = f
            got_set, want_set = settings_of(vtt), [vtt_settings(t) for _, _, t, _, _ in ev]
            if got_set != want_set:
                print(f"FAIL: {f}: cue settings {got_set}, expected {want_set}")
                ok = False
        if not ok:
            print(f"FAIL: {f}: cues\n  got      {got}\n  expected {want}")
            bad = 1
        else:
            print(f"ok: {f}: {len(got)} cues at their frames: " +
                  ", ".join(f"{n0}..{n1 - 1}" for _, _, _, n0, n1 in ev))
    return bad


if __name__ == "__main__":
    sys.exit(main())
