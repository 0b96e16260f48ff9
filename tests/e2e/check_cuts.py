#!/usr/bin/env python3
"""check_cuts: an export made by copying the kept ranges of a recording (remux-cuts) holds
exactly the recording's packets of those ranges, placed one after the other.

    check_cuts.py SRC.mp4 OUT.mp4 RANGES

RANGES = "start:end,start:end,...", recording seconds as in the project's timeline (an end
of "-" = to the end of the recording). Reads both files with ffprobe and ffmpeg only (no code
shared with vexport) and checks, following docs/project-format.md (Time):

  - video: the output's packets, in decoding order, are the recording's packets of the
    ranges (the frames shown from start - half a frame to end - half a frame), byte for byte
    (MD5 of the data), each range starting on a keyframe;
  - timestamps: each packet sits at its range's output start plus its distance from the
    range's first frame; sorted, the output's frames are at n / fps from 0 (constant frame
    rate, no gap or overlap at a join), as many as the ranges keep;
  - decoded: every output frame (ffmpeg's decoding, framemd5) is the recording's frame at the
    source time the timeline maps it to; the frames at each join are printed;
  - audio (when the output has audio): every packet is one of the recording's, byte for
    byte, in the recording's order, in at most one run per range.

Prints one line per check, then PASS or FAIL; exit 0, 1, or 2 if it could not run.
"""
import json
import subprocess
import sys
from fractions import Fraction

failed = False


def check(ok, msg):
    global failed
    print(("ok   " if ok else "FAIL ") + msg)
    failed |= not ok


def die(msg):
    print("ERROR " + msg + "\nFAIL (check_cuts could not run)")
    sys.exit(2)


def probe(path, sel):
    try:
        out = subprocess.run(
            ["ffprobe", "-v", "error", "-select_streams", sel, "-show_packets",
             "-show_data_hash", "MD5", "-show_entries",
             "packet=pts,dts,duration,flags,data_hash:stream=time_base,avg_frame_rate",
             "-of", "json", path], check=True, capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        die("ffprobe %s: %s" % (path, e))
    j = json.loads(out)
    if not j.get("streams"):
        return None, None, []
    st = j["streams"][0]
    num, _, den = st.get("avg_frame_rate", "0/0").partition("/")
    rate = Fraction(int(num), int(den)) if den and int(den) else None
    return Fraction(st["time_base"]), rate, j.get("packets", [])


def frame_md5s(path):
    """MD5 of each decoded video frame, in presentation order."""
    try:
        out = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-map", "0:v:0",
                              "-f", "framemd5", "-"], check=True, capture_output=True,
                             text=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        die("ffmpeg %s: %s" % (path, e))
    return [ln.split(",")[-1].strip() for ln in out.splitlines() if ln and ln[0] != "#"]


def main():
    if len(sys.argv) != 4:
        die("usage: check_cuts.py SRC.mp4 OUT.mp4 START:END,...")
    src, out, spec = sys.argv[1:]
    ranges = []
    for tok in spec.split(","):
        s, e = tok.split(":")
        ranges.append((Fraction(s), None if e == "-" else Fraction(e)))

    stb, fps, sp = probe(src, "v:0")
    otb, ofps, op = probe(out, "v:0")
    if not sp or not op:
        die("no video packets in %s or %s" % (src, out))
    hf = 1 / (2 * fps)
    origin = min(int(p["pts"]) for p in sp)
    for i, p in enumerate(sp):
        p["n"] = i
        p["t"] = (int(p["pts"]) - origin) * stb  # recording time
    # the recording's frames in presentation order, for the decoded comparison
    by_pts = sorted(sp, key=lambda p: p["t"])
    rank = {p["n"]: k for k, p in enumerate(by_pts)}

    want = []       # (source packet, output time) in decoding order
    frame_src = []  # output frame n -> index of the source frame (presentation order)
    joins = []
    o = Fraction(0)
    for i, (s, e) in enumerate(ranges):
        kept = [p for p in sp if p["t"] >= s - hf and (e is None or p["t"] < e - hf)]
        if not kept:
            die("range %d keeps no frame" % i)
        first = min(kept, key=lambda p: p["t"])
        check("K" in kept[0]["flags"] and kept[0] is first,
              "range %d (%s..%s s) starts on a keyframe at %.4f s, first in decoding order"
              % (i, float(s), "end" if e is None else float(e), float(first["t"])))
        for p in kept:
            want.append((p, o + p["t"] - first["t"]))
        if i:
            joins.append(len(frame_src))
        frame_src += [rank[p["n"]] for p in sorted(kept, key=lambda p: p["t"])]
        o += len(kept) / fps

    check(len(op) == len(want), "%d video packets, the ranges keep %d" % (len(op), len(want)))
    n = min(len(op), len(want))
    bad = [k for k in range(n) if op[k]["data_hash"] != want[k][0]["data_hash"]]
    for k in bad[:5]:
        print("     packet %d: data %s, want the recording's packet %d (%s)"
              % (k, op[k]["data_hash"], want[k][0]["n"], want[k][0]["data_hash"]))
    check(not bad, "video packets byte-identical to the recording's of the ranges "
          "(%d of %d differ)" % (len(bad), n))
    tick = otb / 2
    bad = [k for k in range(n) if abs(int(op[k]["pts"]) * otb - want[k][1]) > tick]
    for k in bad[:5]:
        print("     packet %d: at %.5f s, want %.5f s" % (k, float(int(op[k]["pts"]) * otb),
                                                         float(want[k][1])))
    check(not bad, "each packet at its range's output start + its time in the range "
          "(%d of %d misplaced)" % (len(bad), n))
    ts = sorted(int(p["pts"]) * otb for p in op)
    off = [k for k, t in enumerate(ts) if abs(t - k / fps) > tick]
    for k in off[:5]:
        print("     frame %d at %.5f s, want %.5f s" % (k, float(ts[k]), float(k / fps)))
    check(not off and ofps == fps, "%d frames at n / %s fps from 0 (%d off), stream rate %s"
          % (len(ts), fps, len(off), ofps))
    dts = [int(p["dts"]) for p in op]
    check(all(a < b for a, b in zip(dts, dts[1:])), "decoding timestamps increase")

    smd5, omd5 = frame_md5s(src), frame_md5s(out)
    check(len(omd5) == len(frame_src), "%d frames decoded, want %d" % (len(omd5), len(frame_src)))
    bad = [k for k in range(min(len(omd5), len(frame_src))) if omd5[k] != smd5[frame_src[k]]]
    for k in bad[:5]:
        print("     frame %d is not the recording's frame %d" % (k, frame_src[k]))
    for j in joins:
        if j < len(omd5):
            print("     join at frame %d: frames %d, %d = the recording's %d, %d%s"
                  % (j, j - 1, j, frame_src[j - 1], frame_src[j],
                     "" if j in bad or j - 1 in bad else ", identical"))
    check(not bad, "decoded frames equal the recording's frames the timeline maps them to "
          "(%d of %d differ)" % (len(bad), len(frame_src)))

    _, _, sa = probe(src, "a:0")
    _, _, oa = probe(out, "a:0")
    if oa:
        # match in order, continuing the current run where the data allows (a steady tone
        # makes some packets identical)
        idx, prev = [], -1
        for p in oa:
            h = p["data_hash"]
            if prev + 1 < len(sa) and sa[prev + 1]["data_hash"] == h:
                prev += 1
            else:
                prev = next((k for k in range(prev + 1, len(sa)) if sa[k]["data_hash"] == h), -1)
                if prev < 0:
                    break
            idx.append(prev)
        runs = 1 + sum(1 for a, b in zip(idx, idx[1:]) if b != a + 1)
        check(len(idx) == len(oa) and runs <= len(ranges),
              "%d of %d audio packets copied from the recording, in order, in %d run(s) for "
              "%d range(s)" % (len(idx), len(oa), runs, len(ranges)))
    print("FAIL" if failed else "PASS")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
