#!/bin/sh
# Chunked exports (vexport render --chunk I/N, vexport join): chunks.sh CASE
#
# Environment: VEXPORT (the vexport tool), CHECK_JOIN (tests/chunks/check_join), CHECK_AV
# (tests/e2e/check_av). Each case makes its recording with `vexport synth` (640x400, 30 fps,
# 12 s: a 440 Hz tone, a beep every second, a barcode of the source frame), checks by decoding.
# Exit: 0 pass, 1 fail, 77 skip. VX_E2E_KEEP=1 keeps the case's folder.
#
#   join     a timeline with cuts, a 2x range and two zooms, exported on one machine and as
#            4 chunks joined: the chunks (tags, IDR start, closed GOPs, video only, copied
#            pixel for pixel into the join) and the joined file against the one-machine
#            export (frame count, timestamps, >= 45 dB every frame, audio sample-identical,
#            A/V sync at each boundary, colour tags, faststart); 1 chunk; too many chunks
#   exact    lossless: a timeline with cuts, 2x, a zoom that follows the cursor and one on a
#            rectangle, the cursor with click rings, a camera bubble, two audio tracks, as 5
#            chunks: the joined file is the one-machine export pixel for pixel (every overlay
#            and the zoom start each chunk in the state a one-machine export has there)
#   sync     cuts and speeds in 3 chunks, joined: every beep where the timeline puts it,
#            within a frame, and every frame from the source frame the timeline maps it to
#            (check_av timeline --video): A/V sync across the boundaries
#   play     a joined export plays in headless Chromium: played, seeked, a frame drawn to a
#            canvas and read back (tests/web/play.sh; skipped without Chromium)
#   refuse   the join refuses, naming the file, and writes nothing: a missing chunk, a
#            duplicated chunk, chunks out of order, a chunk of another project, a chunk with
#            other settings, a file that is not a chunk, a chunk file that is not there; a
#            join stalled on a chunk that arrives slowly, interrupted by Ctrl-C (exit 130)

set -u
name=${1:?usage: chunks.sh join|exact|sync|play|refuse}
: "${VEXPORT:?VEXPORT not set}" "${CHECK_JOIN:?CHECK_JOIN not set}" "${CHECK_AV:?CHECK_AV not set}"

say() { printf '%s\n' "$*"; }
fail() { say "FAIL: $*"; exit 1; }
skip() { say "SKIP: $*"; exit 77; }

[ -x "$VEXPORT" ] || skip "vexport tool $VEXPORT not built"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vx-chunks-$name.XXXXXX") || exit 1
cleanup() { if [ -n "${VX_E2E_KEEP:-}" ]; then say "kept $tmp"; else rm -rf "$tmp"; fi; }
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
cd "$tmp" || exit 1

# The same settings for every export of a case: the chunks' encoder starts afresh at each
# boundary, so the joined pictures differ from the one-machine export's by about what two
# encodes of the same frames differ by; at this quality that is under 1/45 dB's worth.
# --threads 2: x264's output depends on its thread count.
ENC="--crf 6 --threads 2"

v() { say "+ vexport $*"; "$VEXPORT" "$@" >>log 2>&1 || { cat log; fail "vexport $1 exited with an error"; }; }
synth() { v synth -o long.mp4 --size 640x400 --fps 30 --seconds 12; }
# chunk bounds of F frames in N: floor(I*F/N)
bounds() { awk -v f="$1" -v n="$2" 'BEGIN { for (i = 1; i < n; i++) printf "%s%d", (i > 1 ? "," : ""), int(i * f / n) }'; }
frames() { ffprobe -v error -select_streams v:0 -count_packets -show_entries stream=nb_read_packets -of csv=p=0 "$1"; }

case $name in
join)
    command -v ffprobe >/dev/null || skip "ffprobe not installed (scripts/setup.sh --tests)"
    synth
    cat >p.json <<'EOF'
{ "version": 1, "output": { "width": 960, "height": 540, "fps": 30 },
  "sources": { "screen": "long.mp4" },
  "background": { "type": "gradient", "angle": 135, "stops": [ { "color": "#4f46e5" }, { "color": "#ec4899" } ] },
  "padding": 0.05, "radius": 12,
  "timeline": [ { "start": 0, "end": 3 }, { "start": 4, "end": 8, "speed": 2 },
                { "start": 8.5, "end": 12 } ],
  "zoom": [ { "start": 1, "end": 2.5, "rect": [100, 80, 320, 200], "transition": 0.4 },
            { "start": 9.5, "end": 11, "center": [400, 250], "scale": 2, "transition": 0.3 } ] }
EOF
    v render p.json -o one.mp4 $ENC
    for i in 0 1 2 3; do v render p.json --chunk $i/4 -o part-$i.mp4 $ENC; done
    ls | grep -q partial && fail "a .partial file was left: $(ls)"
    v join p.json part-0.mp4 part-1.mp4 part-2.mp4 part-3.mp4 -o joined.mp4
    ls | grep -q partial && fail "a .partial file was left: $(ls)"
    F=$(frames one.mp4)
    [ "$F" -gt 100 ] || fail "the one-machine export has $F frames"
    B=$(bounds "$F" 4)
    say "one-machine export: $F frames; chunk boundaries at frames $B"
    [ "$(echo "$B" | tr ',' '\n' | wc -l)" = 3 ] || fail "3 boundaries expected, got '$B'"
    ok=1
    for i in 0 1 2 3; do
        first=$(awk -v f="$F" -v i=$i 'BEGIN { print int(i * f / 4) }')
        end=$(awk -v f="$F" -v i=$i 'BEGIN { print int((i + 1) * f / 4) }')
        "$CHECK_JOIN" chunk part-$i.mp4 $i 4 "$first" "$end" joined.mp4 || ok=0
    done
    "$CHECK_JOIN" compare one.mp4 joined.mp4 45 "$B" || ok=0
    [ $ok = 1 ] || fail "check_join found problems"
    # one chunk is the whole export
    v render p.json --chunk 0/1 -o whole.mp4 $ENC
    v join p.json whole.mp4 -o joined1.mp4
    "$CHECK_JOIN" compare one.mp4 joined1.mp4 45 "" || fail "a join of 1 chunk differs"
    # more chunks than frames: refused up front, nothing written
    if "$VEXPORT" render p.json --chunk 0/100000 -o many.mp4 $ENC >many.log 2>&1; then
        fail "--chunk 0/100000 of a $F-frame export was accepted"
    fi
    grep -q "only $F frames" many.log || { cat many.log; fail "the message does not say why"; }
    [ ! -e many.mp4 ] && [ ! -e many.mp4.partial ] || fail "a refused chunk left a file"
    ;;
exact)
    command -v ffprobe >/dev/null || skip "ffprobe not installed (scripts/setup.sh --tests)"
    v synth -o rec.mp4 --size 640x400 --fps 30 --seconds 8 --cursor-track cursor.jsonl \
        --no-pointer --webcam cam.mp4 --mic mic.m4a
    cat >e.json <<'EOF'
{ "version": 1, "output": { "width": 800, "height": 500, "fps": 30 },
  "sources": { "screen": "rec.mp4", "cursor": "cursor.jsonl", "camera": "cam.mp4",
               "audio": [ { "screen": true }, { "path": "mic.m4a", "gain_db": -3 } ] },
  "background": { "type": "gradient", "angle": 135, "stops": [ { "color": "#4f46e5" }, { "color": "#ec4899" } ] },
  "padding": 0.06, "radius": 14, "shadow": { "blur": 24, "offset_y": 8, "opacity": 0.5 },
  "timeline": [ { "start": 0, "end": 2.5 }, { "start": 3, "end": 6, "speed": 2 }, { "start": 6.2 } ],
  "zoom": [ { "start": 0.8, "end": 2.2, "follow": "cursor", "scale": 2, "transition": 0.4 },
            { "start": 6.5, "end": 7.4, "rect": [200, 120, 320, 200], "transition": 0.3 } ],
  "cursor": { "size": 1.5, "smoothing": "one-euro", "click": "ring", "click_color": "#ffffff" },
  "camera": { "shape": "circle", "corner": "bottom-right", "size": 0.25, "margin": 0.03,
              "border": 3, "border_color": "#ffffff", "shadow": true } }
EOF
    LL="--preset ultrafast --crf 0 --threads 2"
    v render e.json -o one.mp4 $LL
    for i in 0 1 2 3 4; do v render e.json --chunk $i/5 -o e$i.mp4 $LL; done
    v join e.json e0.mp4 e1.mp4 e2.mp4 e3.mp4 e4.mp4 -o joined.mp4
    F=$(frames one.mp4)
    B=$(bounds "$F" 5)
    say "one-machine export: $F frames; chunk boundaries at frames $B"
    # 99 dB: identical frames only
    "$CHECK_JOIN" compare one.mp4 joined.mp4 99 "$B" || fail "check_join found problems"
    ;;
sync)
    synth
    cat >c.json <<'EOF'
{ "version": 1, "sources": { "screen": "long.mp4" },
  "timeline": [ { "start": 0, "end": 2 }, { "start": 4, "end": 6, "speed": 2 },
                { "start": 7, "end": 9 }, { "start": 9.5, "end": 12, "speed": 4 } ] }
EOF
    for i in 0 1 2; do v render c.json --chunk $i/3 -o c$i.mp4 --preset ultrafast --crf 10; done
    v join c.json c0.mp4 c1.mp4 c2.mp4 -o c.mp4
    say "+ check_av timeline c.mp4 long.mp4 (beeps and frames across the chunk boundaries)"
    "$CHECK_AV" timeline c.mp4 long.mp4 "0:2:1,4:6:2,7:9:1,9.5:12:4" --video ||
        fail "check_av found problems"
    ;;
play)
    v synth -o long.mp4 --size 640x400 --fps 30 --seconds 4
    cat >w.json <<'EOF'
{ "version": 1, "sources": { "screen": "long.mp4" }, "background": "#203040", "padding": 0.05,
  "radius": 12, "timeline": [ { "start": 0, "end": 1.5 }, { "start": 2, "end": 4, "speed": 2 } ] }
EOF
    for i in 0 1 2; do v render w.json --chunk $i/3 -o w$i.mp4 --preset ultrafast; done
    v join w.json w0.mp4 w1.mp4 w2.mp4 -o web.mp4
    say "+ tests/web/play.sh web.mp4 1"
    bash "${PLAY:-$(dirname "$0")/../web/play.sh}" web.mp4 1
    rc=$?
    [ $rc = 77 ] && skip "no chromium (scripts/setup.sh --tests installs it)"
    [ $rc = 0 ] || fail "the joined export did not play in Chromium"
    ;;
refuse)
    v synth -o long.mp4 --size 320x200 --fps 30 --seconds 3
    cat >a.json <<'EOF'
{ "version": 1, "sources": { "screen": "long.mp4" }, "padding": 0.05,
  "timeline": [ { "start": 0, "end": 1 }, { "start": 1.5, "end": 3 } ] }
EOF
    sed 's/"padding": 0.05/"padding": 0.08/' a.json >b.json
    E="--preset ultrafast --threads 1"
    for i in 0 1 2 3; do v render a.json --chunk $i/4 -o a$i.mp4 $E; done
    v render b.json --chunk 2/4 -o b2.mp4 $E
    v render a.json --chunk 2/4 -o q2.mp4 $E --crf 30
    v render a.json --chunk 1/3 -o t1.mp4 $E
    v render a.json -o whole.mp4 $E
    # refuse WHY FILE-NAMED MESSAGE-PART CHUNKS...: exit 1, the message names the file, no output
    refuse() {
        why=$1 named=$2 part=$3
        shift 3
        say "+ vexport join a.json $* -o out.mp4   ($why)"
        "$VEXPORT" join a.json "$@" -o out.mp4 >err.log 2>&1
        rc=$?
        sed 's/^/    /' err.log
        [ $rc = 1 ] || fail "$why: exit code $rc, not 1"
        grep -q "$named" err.log || fail "$why: the message does not name $named"
        grep -q "$part" err.log || fail "$why: the message does not say '$part'"
        [ ! -e out.mp4 ] && [ ! -e out.mp4.partial ] || fail "$why: a file was left: $(ls)"
    }
    refuse "a missing chunk" "a3.mp4" "chunk 2/4 is missing, between a1.mp4" a0.mp4 a1.mp4 a3.mp4
    refuse "the last chunk missing" "a2.mp4" "chunk 3/4 is missing, after" a0.mp4 a1.mp4 a2.mp4
    refuse "a duplicated chunk" "a1.mp4" "duplicates chunk 1/4" a0.mp4 a1.mp4 a1.mp4 a2.mp4 a3.mp4
    cp a1.mp4 copy.mp4
    refuse "a copy of a chunk" "copy.mp4" "already given as a1.mp4" a0.mp4 a1.mp4 copy.mp4 a2.mp4 a3.mp4
    refuse "the first chunk missing" "a1.mp4" "chunk 0/4 is missing, before" a1.mp4 a2.mp4 a3.mp4
    refuse "chunks in the wrong order" "a2.mp4" "in order" a0.mp4 a2.mp4 a1.mp4 a3.mp4
    refuse "a chunk of another project" "b2.mp4" "another project" a0.mp4 a1.mp4 b2.mp4 a3.mp4
    refuse "a chunk with other settings" "q2.mp4" "other settings" a0.mp4 a1.mp4 q2.mp4 a3.mp4
    refuse "a chunk of another split" "t1.mp4" "chunk 1 of 3" a0.mp4 t1.mp4 a2.mp4 a3.mp4
    refuse "a file that is not a chunk" "whole.mp4" "not a chunk" a0.mp4 whole.mp4 a2.mp4 a3.mp4
    refuse "a chunk file that is not there" "a9.mp4" "file not found" a0.mp4 a1.mp4 a9.mp4 a3.mp4
    # an existing output is left as it was when the join is refused
    echo keep >out.mp4
    "$VEXPORT" join a.json a0.mp4 a2.mp4 -o out.mp4 >/dev/null 2>&1 && fail "a bad join succeeded"
    [ "$(cat out.mp4)" = keep ] || fail "a refused join changed the existing output"
    rm -f out.mp4
    # Ctrl-C during a join cancels it: the last chunk is a FIFO fed 512 bytes every 0.1 s and
    # then held open, so the join stalls reading it; SIGINT ends it with 130 within 3 s and
    # nothing written (before the join was a job, it waited for the FIFO until its writer
    # went away)
    mkfifo slow.mp4 || fail "mkfifo"
    (n=$(($(wc -c <a3.mp4) / 512 + 1)) i=0
     while [ $i -lt $n ]; do dd if=a3.mp4 bs=512 skip=$i count=1 2>/dev/null; i=$((i + 1)); sleep 0.1; done
     sleep 60) >slow.mp4 &
    feeder=$!
    say "+ vexport join a.json a0.mp4 a1.mp4 a2.mp4 slow.mp4 -o out.mp4, then Ctrl-C"
    "$VEXPORT" join a.json a0.mp4 a1.mp4 a2.mp4 slow.mp4 -o out.mp4 >err.log 2>&1 &
    pid=$!
    sleep 1
    kill -INT $pid
    t=0
    while kill -0 $pid 2>/dev/null && [ $t -lt 30 ]; do sleep 0.1; t=$((t + 1)); done
    if kill -0 $pid 2>/dev/null; then
        kill -KILL $pid; kill $feeder 2>/dev/null
        fail "the join still ran 3 s after Ctrl-C"
    fi
    rc=0; wait $pid || rc=$?
    kill $feeder 2>/dev/null; wait $feeder 2>/dev/null
    sed 's/^/    /' err.log
    [ $rc = 130 ] || fail "the interrupted join exited $rc, not 130"
    [ ! -e out.mp4 ] && [ ! -e out.mp4.partial ] || fail "the interrupted join left: $(ls)"
    rm -f slow.mp4
    # and the good set joins
    v join a.json a0.mp4 a1.mp4 a2.mp4 a3.mp4 -o out.mp4
    [ -s out.mp4 ] || fail "the join of the right chunks wrote nothing"
    # the project's fingerprint is of its content: the same project written otherwise (keys
    # in another order, other spacing, 5e-2 for 0.05, 3.0 for 3) joins the same chunks
    printf '%s\n' '{"timeline":[{"end":1,"start":0},{"end":3.0,"start":1.5}],' \
        '"padding":5e-2,"sources":{"screen":"long.mp4"},"version":1}' >a-again.json
    v join a-again.json a0.mp4 a1.mp4 a2.mp4 a3.mp4 -o out2.mp4
    [ -s out2.mp4 ] || fail "the join with the reformatted project wrote nothing"
    ;;
*)
    fail "unknown case $name"
    ;;
esac
say "PASS"
