#!/bin/bash
# The transparent export's cost (background "transparent": ProRes 4444 with alpha) against the
# opaque ProRes export (4:2:2 HQ) of the same project, and the normal H.264 export (the NV12
# path) of this build against another build (BASE, e.g. the branch point's), alternating runs;
# prints each run's wall and CPU (user + sys) seconds, then the medians.
#   bench/alpha.sh [RUNS] [SECONDS]     (VEXPORT, BASE, MEDIA: the tools and the media folder)
set -u
V=${VEXPORT:-build/vexport} B=${BASE:-} MEDIA=${MEDIA:-build/media}
runs=${1:-3} secs=${2:-2}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vx-alpha-bench.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
ln -s "$(realpath "$MEDIA/screen.mp4")" "$tmp/rec.mp4"
V=$(realpath "$V"); [ -n "$B" ] && B=$(realpath "$B")
project() { # NAME BACKGROUND CODEC-KEY
    cat >"$tmp/$1.json" <<J
{ "version": 1, "output": { "width": 1280, "height": 720, "fps": 30 $3 },
  "sources": { "screen": "rec.mp4" }, "background": $2, "padding": 0.08, "radius": 16,
  "shadow": { "blur": 32, "opacity": 0.5, "offset_y": 8 },
  "timeline": [ { "start": 0, "end": $secs } ] }
J
}
project opaque '"#1e293b"' ',"codec":"prores"'
project alpha '"transparent"' ',"codec":"prores"'
project h264 '"#1e293b"' ''
run() { # LABEL TOOL PROJECT OUT
    /usr/bin/time -f "$1 %e %U %S" "$2" render "$tmp/$3.json" -o "$tmp/$4" -q 2>&1 | tail -1 |
        awk '{ printf "%s %.2f %.2f\n", $1, $2, $3 + $4 }' | tee -a "$tmp/runs"
}
for i in $(seq "$runs"); do
    run prores-opaque "$V" opaque o.mov
    run prores-alpha "$V" alpha a.mov
    if [ -n "$B" ]; then
        run h264-base "$B" h264 hb.mp4
        run h264-this "$V" h264 h.mp4
    fi
done
[ -n "$B" ] && { cmp -s "$tmp/hb.mp4" "$tmp/h.mp4" && echo "h264: byte-identical outputs" ||
                 echo "h264: the outputs differ"; }
echo "sizes: opaque $(stat -c %s "$tmp/o.mov") B, alpha $(stat -c %s "$tmp/a.mov") B"
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
for l in prores-opaque prores-alpha h264-base h264-this; do
    grep -q "^$l " "$tmp/runs" || continue
    echo "$l: median wall $(grep "^$l " "$tmp/runs" | cut -d' ' -f2 | median) s, CPU" \
         "$(grep "^$l " "$tmp/runs" | cut -d' ' -f3 | median) s ($(grep -c "^$l " "$tmp/runs") runs)"
done
