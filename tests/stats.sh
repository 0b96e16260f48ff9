#!/bin/sh
# --stats on a composited export: the composed frame goes to the encoder without a copy
# (0 frames copied), each stage reports work, the numbers add up against the wall clock, the
# thread budget is split as documented, and the same budget gives the same output twice.
set -eu
dir=$(mktemp -d "${TMPDIR:-/tmp}/vx-stats.XXXXXX")
trap 'rm -rf "$dir"' EXIT
"$VEXPORT" synth -o "$dir/src.mp4" --size 640x360 --fps 30 --seconds 2
render() { # OUT THREADS [more args]: composited export with --stats, JSON on stdout
    out=$1 thr=$2
    shift 2
    "$VEXPORT" render --screen "$dir/src.mp4" --size 640x360 --padding 0.06 --radius 12 \
        --shadow 16 --background '#336699' --preset ultrafast --threads "$thr" --stats \
        --progress json -o "$dir/$out.mp4" "$@" >"$dir/$out.json" 2>"$dir/$out.err"
}
render a 2
render b 2
render c 16
fail=0
python3 - "$dir" <<'PY' || fail=1
import json, sys
d = sys.argv[1]
bad = []
def stats(name):
    lines = [json.loads(l) for l in open(f"{d}/{name}.json") if l.strip()]
    if not lines or "stats" not in lines[-1]:
        bad.append(f"{name}: no stats line last on stdout"); return None
    return lines[-1]["stats"]
a, c = stats("a"), stats("c")
if a:
    if a["mode"] != "composite": bad.append(f"mode {a['mode']} (want composite)")
    if a["frames_copied"] != 0: bad.append(f"{a['frames_copied']} frames copied between compose and encode (want 0)")
    if a["frames_composed"] != 60 or a["frames_decoded"] != 60:
        bad.append(f"frames: {a['frames_decoded']} decoded, {a['frames_composed']} composed (want 60, 60)")
    for k in ("decode_s", "compose_s", "encode_s", "mux_s", "wall_s"):
        if not a[k] > 0: bad.append(f"{k} = {a[k]} (want > 0)")
    w = a["wall_s"]
    # compose, encode, audio and mux run one after another in the job's thread, and wait on the
    # decode queue there too: together they cannot take longer than the export
    # (after setup); with the setup they account for the whole export but a little
    # (progress reports, picking source frames)
    main = a["compose_s"] + a["encode_s"] + a["audio_s"] + a["mux_s"] + a["compose_wait_empty_s"]
    if not a["setup_s"] > 0: bad.append(f"setup_s = {a['setup_s']}")
    if main + a["setup_s"] > w * 1.02 + 0.01:
        bad.append(f"setup + job thread's stages = {main + a['setup_s']:.3f} s > wall {w:.3f} s")
    if main + a["setup_s"] < w * 0.9 - 0.01:
        bad.append(f"setup + job thread's stages = {main + a['setup_s']:.3f} s, under 90% of the wall {w:.3f} s")
    dt = a["decode_s"] + a["decode_wait_full_s"]
    if dt > w * 1.02 + 0.01: bad.append(f"decode thread busy+waiting {dt:.3f} s > wall {w:.3f} s")
    if not 10 * 1024 < a["peak_rss_kib"] < 4 * 1024 * 1024: bad.append(f"peak memory {a['peak_rss_kib']} KiB")
    if (a["threads"], a["decode_threads"], a["compose_threads"], a["encode_threads"]) != (2, 1, 1, 3):
        bad.append(f"budget 2 split {a['decode_threads']}+{a['compose_threads']}+{a['encode_threads']} (want 1+1+3)")
    if a["encoder"] != "libx264": bad.append(f"encoder {a['encoder']!r}")
if c and (c["threads"], c["decode_threads"], c["compose_threads"], c["encode_threads"]) != (16, 2, 4, 20):
    bad.append(f"budget 16 split {c['decode_threads']}+{c['compose_threads']}+{c['encode_threads']} (want 2+4+20)")
err = open(f"{d}/a.err").read()
if "0 copied between compose and encode" not in err: bad.append("stderr summary missing: " + err)
for b in bad: print("FAIL", b)
sys.exit(1 if bad else 0)
PY
h() { ffmpeg -v error -i "$1" -map 0:v -c copy -f streamhash -; }
[ "$(h "$dir/a.mp4")" = "$(h "$dir/b.mp4")" ] ||
    { echo "FAIL: two exports with the same thread budget differ"; fail=1; }
[ $fail = 0 ] && echo "PASS: stats, 0 frames copied, thread budget, same output for the same budget"
exit $fail
