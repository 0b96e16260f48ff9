#!/bin/sh
# Bad-input and fault cases: run-bad.sh NAME
#
# Environment: VEXPORT (the tool), BAD (folder for the corpus; tests/bad/make-bad.sh fills it
# on first use), FFPROBE (optional, for frame counts). Each case runs vexport on one damaged,
# odd or hostile input (or disturbs a running export) and checks what a user would notice:
# the exit code (1 bad input, 2 runtime fault, 0 when the input is odd but usable), a message
# naming the file and the problem, no crash, and nothing left behind (neither OUT nor
# OUT.partial), or a correct export for the usable ones.
# Exit: 0 pass, 1 fail, 77 skip. VX_BAD_KEEP=1 keeps the case's folder.
set -u
name=${1:?usage: run-bad.sh NAME}
: "${VEXPORT:?VEXPORT not set}" "${BAD:?BAD not set}"
here=$(cd "$(dirname "$0")" && pwd)

say() { printf '%s\n' "$*"; }
fail() { say "FAIL: $name: $*"; exit 1; }
skip() { say "SKIP: $name: $*"; exit 77; }

[ -x "$VEXPORT" ] || skip "vexport tool $VEXPORT not built"
sh "$here/make-bad.sh" "$BAD"
r=$?
[ $r -eq 77 ] && skip "corpus cannot be made (see above)"
[ $r -eq 0 ] || fail "make-bad.sh failed"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vx-bad-$name.XXXXXX") || exit 1
out=$tmp/out
mkdir "$out"
mnt=
cleanup() {
    [ -n "$mnt" ] && umount "$mnt" 2>/dev/null
    if [ -n "${VX_BAD_KEEP:-}" ]; then say "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# only_files DIR NAME...: DIR must hold exactly these names afterwards
only_files() {
    d=$1
    shift
    got=$(cd "$d" && ls -A | sort | tr '\n' ' ')
    want=$(printf '%s\n' "$@" | sed '/^$/d' | sort | tr '\n' ' ')
    [ "$got" = "$want" ] || fail "$d holds [${got% }], expected [${want% }]"
}

# run CMD...: runs from / with stdout and stderr logged; sets rc
run() {
    say "+ $*"
    (cd / && "$@") >"$tmp/stdout.log" 2>"$tmp/stderr.log"
    rc=$?
    say "  exit $rc, stderr:"
    sed 's/^/    /' "$tmp/stderr.log" | head -n 12
    if grep -qE 'AddressSanitizer|runtime error:|LeakSanitizer|ThreadSanitizer' "$tmp/stderr.log"; then
        fail "sanitizer report"
    fi
    [ $rc -lt 128 ] || fail "killed by signal $((rc - 128))"
}

# expect CODE PATTERN...: the last run exited with CODE and its stderr matches every PATTERN
# (grep -E, case-insensitive)
expect() {
    code=$1
    shift
    [ $rc -eq "$code" ] || fail "exit code $rc, expected $code"
    [ "$code" -eq 0 ] || [ -s "$tmp/stderr.log" ] || fail "no message on stderr"
    for pat in "$@"; do
        grep -qiE -- "$pat" "$tmp/stderr.log" || fail "message does not mention '$pat'"
    done
}

# bad CODE PATTERN... -- CMD...: CMD exits with CODE, says every PATTERN, leaves $out empty
bad() {
    code=$1
    shift
    n=0
    for a in "$@"; do
        [ "$a" = -- ] && break
        n=$((n + 1))
    done
    pats=$(for a in "$@"; do [ "$a" = -- ] && break; printf '%s\n' "$a"; done)
    shift $((n + 1))
    run "$@"
    expect "$code"
    printf '%s\n' "$pats" | while IFS= read -r pat; do
        [ -z "$pat" ] && continue
        grep -qiE -- "$pat" "$tmp/stderr.log" || { say "FAIL: $name: message does not mention '$pat'"; exit 1; }
    done || exit 1
    only_files "$out"
}

# frames FILE: number of video frames (ffprobe decodes them all)
frames() {
    ${FFPROBE:-ffprobe} -v error -select_streams v:0 -count_frames -show_entries \
        stream=nb_read_frames -of csv=p=0 "$1"
}
need_ffprobe() {
    command -v "${FFPROBE:-ffprobe}" >/dev/null 2>&1 || skip "ffprobe not found"
}

# R ARGS...: vexport render, flag mode, fast preset
R() { "$VEXPORT" render --preset ultrafast "$@"; }

# project NAME <<EOF: writes $tmp/NAME.json
project() { cat >"$tmp/$1.json"; }
link() { ln -s "$BAD/$1" "$tmp/$2"; }

case $name in

# ------------------------------------------------------------------- damaged or odd media
empty)
    bad 1 'empty\.mp4' 'empty' -- R --screen "$BAD/empty.mp4" -o "$out/out.mp4"
    ;;
random)
    bad 1 'random\.mp4' 'not a video' -- R --screen "$BAD/random.mp4" -o "$out/out.mp4"
    ;;
no-moov)
    # a plain MP4 whose recorder was killed before it wrote the index (moov) at the end
    bad 1 'no-moov\.mp4' 'no moov atom' 'not finished' -- R --screen "$BAD/no-moov.mp4" -o "$out/out.mp4"
    ;;
audio-only)
    bad 1 'audio-only\.mp4' 'no video stream' -- R --screen "$BAD/audio-only.mp4" -o "$out/out.mp4"
    ;;
unknown-codec)
    bad 1 'unknown-codec\.mkv' 'no decoder' -- R --screen "$BAD/unknown-codec.mkv" -o "$out/out.mp4"
    ;;
huge)
    # 16384x16384 declared: refused before anything is decoded or allocated
    bad 1 'huge\.mkv' '16384x16384' 'too large' -- R --screen "$BAD/huge.mkv" -o "$out/out.mp4"
    ;;
one-pixel)
    need_ffprobe
    run R --screen "$BAD/one-pixel.mkv" --size 64x36 -o "$out/out.mp4"
    expect 0
    only_files "$out" out.mp4
    n=$(frames "$out/out.mp4")
    [ "$n" = 30 ] || fail "$n frames, expected 30"
    ;;
one-pixel-native)
    # the same 1x1 video at its own size: no room for a screen of at least 2x2; the message
    # names the file and the keys that would fix it
    bad 1 'one-pixel\.mkv' '1x1' 'output\.width' -- R --screen "$BAD/one-pixel.mkv" -o "$out/out.mp4"
    ;;
size-change)
    # the picture changes from 160x90 to 128x72 after 1 s: refused, naming the file and when
    bad 1 'size-change\.ts' 'changes size at 1\.0' '128x72' '160x90' -- \
        R --screen "$BAD/size-change.ts" --padding 0.1 -o "$out/out.mp4"
    ;;
two-frames)
    need_ffprobe
    run R --screen "$BAD/two-frames.mp4" --size 64x36 --padding 0.1 -o "$out/out.mp4"
    expect 0
    only_files "$out" out.mp4
    n=$(frames "$out/out.mp4")
    [ "$n" = 2 ] || fail "$n frames, expected 2"
    ;;
corrupt)
    # noise over two stretches of the video data: exported, with a warning that names the
    # concealed frames by number and time
    need_ffprobe
    run R --screen "$BAD/corrupt.mp4" --size 160x90 --padding 0.05 -o "$out/out.mp4"
    expect 0 'corrupt\.mp4' 'damaged frames? concealed: frames [0-9]+ \([0-9.]+ s\)'
    only_files "$out" out.mp4
    n=$(frames "$out/out.mp4")
    [ "$n" = 60 ] || fail "$n frames, expected 60"
    ;;
frag-cut)
    # fragmented MP4 (what a crash-safe recorder writes) cut mid-fragment: everything up to
    # the cut is exported. The output may hold the last good frame up to 0.5 s longer (the
    # fragment's index declares the samples the cut removed).
    need_ffprobe
    good=$(frames "$BAD/frag-cut.mp4" 2>/dev/null)
    run R --screen "$BAD/frag-cut.mp4" --size 160x90 --padding 0.05 -o "$out/out.mp4"
    expect 0 'frag-cut\.mp4'
    only_files "$out" out.mp4
    n=$(frames "$out/out.mp4")
    say "  $good decodable frames in the cut file, $n exported"
    [ "$n" -ge $((good - 1)) ] && [ "$n" -le $((good + 15)) ] ||
        fail "$n frames exported, expected about $good"
    ;;

# ------------------------------------------------------------------- bad projects
syntax)
    # a missing comma: the message gives file:line:column
    printf '{\n  "version": 1,\n  "sources": { "screen": "rec.mp4" }\n  "padding": 0.1\n}\n' >"$tmp/p.json"
    bad 1 'p\.json:4:[0-9]+' 'invalid JSON' -- "$VEXPORT" render "$tmp/p.json" -o "$out/out.mp4"
    ;;
syntax-eof)
    printf '{ "version": 1,\n  "sources": { "screen": "rec.mp4" ' >"$tmp/p.json"
    bad 1 'p\.json:2:[0-9]+' 'end of file' -- "$VEXPORT" render "$tmp/p.json" -o "$out/out.mp4"
    ;;
type-screen)
    project p <<'EOF'
{ "version": 1, "sources": { "screen": 42 } }
EOF
    bad 1 'p\.json' 'sources\.screen' -- "$VEXPORT" render "$tmp/p.json" -o "$out/out.mp4"
    ;;
type-width)
    link base.mp4 rec.mp4
    project p <<'EOF'
{ "version": 1, "output": { "width": "1920", "height": 1080 }, "sources": { "screen": "rec.mp4" } }
EOF
    bad 1 'p\.json' 'output\.width' -- "$VEXPORT" render "$tmp/p.json" -o "$out/out.mp4"
    ;;
unknown-nested)
    link base.mp4 rec.mp4
    project p <<'EOF'
{ "version": 1, "output": { "widht": 1920 }, "sources": { "screen": "rec.mp4" } }
EOF
    bad 1 'p\.json' 'widht' -- "$VEXPORT" render "$tmp/p.json" -o "$out/out.mp4"
    ;;
range-opacity)
    link base.mp4 rec.mp4
    project p <<'EOF'
{ "version": 1, "sources": { "screen": "rec.mp4" }, "shadow": { "blur": 10, "opacity": 2 } }
EOF
    bad 1 'p\.json' 'shadow\.opacity' -- "$VEXPORT" render "$tmp/p.json" -o "$out/out.mp4"
    ;;
range-motion-blur)
    # the shutter is a fraction of the frame interval, and cursor a boolean
    link base.mp4 rec.mp4
    project p <<'EOF'
{ "version": 1, "sources": { "screen": "rec.mp4" }, "motion_blur": { "screen": 1.5, "cursor": true } }
EOF
    bad 1 'p\.json' 'motion_blur\.screen' -- "$VEXPORT" render "$tmp/p.json" -o "$out/out.mp4"
    project p <<'EOF'
{ "version": 1, "sources": { "screen": "rec.mp4" }, "motion_blur": { "screen": 0.5, "cursor": 1 } }
EOF
    bad 1 'p\.json' 'motion_blur\.cursor' -- "$VEXPORT" render "$tmp/p.json" -o "$out/out.mp4"
    ;;
range-fps)
    link base.mp4 rec.mp4
    project p <<'EOF'
{ "version": 1, "output": { "fps": 100000 }, "sources": { "screen": "rec.mp4" } }
EOF
    bad 1 'p\.json' 'output\.fps' -- "$VEXPORT" render "$tmp/p.json" -o "$out/out.mp4"
    ;;
time-inverted)
    link base.mp4 rec.mp4
    project p <<'EOF'
{ "version": 1, "sources": { "screen": "rec.mp4" }, "timeline": [ { "start": 1.5, "end": 0.5 } ] }
EOF
    bad 1 'p\.json' 'timeline\[0\]\.end' 'before it starts' -- "$VEXPORT" render "$tmp/p.json" -o "$out/out.mp4"
    ;;
time-negative)
    link base.mp4 rec.mp4
    project p <<'EOF'
{ "version": 1, "sources": { "screen": "rec.mp4" }, "timeline": [ { "start": -1, "end": 1 } ] }
EOF
    bad 1 'p\.json' 'timeline\[0\]\.start' 'out of range' -- "$VEXPORT" render "$tmp/p.json" -o "$out/out.mp4"
    ;;
time-overlap)
    link base.mp4 rec.mp4
    project p <<'EOF'
{ "version": 1, "sources": { "screen": "rec.mp4" },
  "timeline": [ { "start": 0, "end": 1.2 }, { "start": 1.0, "end": 1.8 } ] }
EOF
    bad 1 'p\.json' 'timeline\[1\]' 'overlap' -- "$VEXPORT" render "$tmp/p.json" -o "$out/out.mp4"
    ;;
time-past-end)
    link base.mp4 rec.mp4
    project p <<'EOF'
{ "version": 1, "sources": { "screen": "rec.mp4" }, "timeline": [ { "start": 5, "end": 6 } ] }
EOF
    bad 1 'timeline\[0\]' 'only 2\.000 s long' -- "$VEXPORT" render "$tmp/p.json" -o "$out/out.mp4"
    ;;
zoom-outside)
    link base.mp4 rec.mp4
    project p <<'EOF'
{ "version": 1, "sources": { "screen": "rec.mp4" },
  "zoom": [ { "start": 0.2, "end": 1, "rect": [ 100, 40, 120, 60 ] } ] }
EOF
    bad 1 'zoom\[0\]\.rect' 'outside the recording \(160x90\)' -- "$VEXPORT" render "$tmp/p.json" -o "$out/out.mp4"
    ;;
mask-keyframes-decreasing)
    link base.mp4 rec.mp4
    project p <<'EOF'
{ "version": 1, "sources": { "screen": "rec.mp4" }, "padding": 0.1,
  "masks": [ { "type": "blur", "shape": "rect", "start": 0, "end": 2,
               "keyframes": [ { "t": 0.5, "rect": [ 10, 10, 40, 20 ] },
                              { "t": 0.2, "rect": [ 60, 10, 40, 20 ] } ] } ] }
EOF
    bad 1 'p\.json' 'masks\[0\]\.keyframes\[1\]\.t' 'times must increase' -- "$VEXPORT" render "$tmp/p.json" -o "$out/out.mp4"
    ;;
mask-outside)
    link base.mp4 rec.mp4
    project p <<'EOF'
{ "version": 1, "sources": { "screen": "rec.mp4" }, "padding": 0.1,
  "masks": [ { "type": "pixelate", "rect": [ 200, 10, 40, 20 ] } ] }
EOF
    bad 1 'masks\[0\]\.rect' 'outside the recording \(160x90\)' -- "$VEXPORT" render "$tmp/p.json" -o "$out/out.mp4"
    ;;
mask-bad-type)
    link base.mp4 rec.mp4
    project p <<'EOF'
{ "version": 1, "sources": { "screen": "rec.mp4" }, "padding": 0.1,
  "masks": [ { "type": "smudge", "rect": [ 20, 10, 40, 20 ] } ] }
EOF
    bad 1 'p\.json' 'masks\[0\]\.type' 'expected "blur" or "pixelate"' -- "$VEXPORT" render "$tmp/p.json" -o "$out/out.mp4"
    ;;
annotation-outside)
    link base.mp4 rec.mp4
    project p <<'EOF'
{ "version": 1, "sources": { "screen": "rec.mp4" }, "padding": 0.1,
  "annotations": [ { "type": "arrow", "from": [ 10, 10 ], "to": [ 50, 20 ] },
                   { "type": "rectangle", "rect": [ 150, 80, 40, 20 ] } ] }
EOF
    bad 1 'annotations\[1\]\.rect' 'outside the recording \(160x90\)' -- "$VEXPORT" render "$tmp/p.json" -o "$out/out.mp4"
    ;;
annotation-bad-fade)
    link base.mp4 rec.mp4
    project p <<'EOF'
{ "version": 1, "sources": { "screen": "rec.mp4" }, "padding": 0.1,
  "annotations": [ { "type": "ellipse", "rect": [ 10, 10, 40, 20 ], "fade_in": -1 } ] }
EOF
    bad 1 'p\.json' 'annotations\[0\]\.fade_in' 'expected a number from 0 to 60' -- "$VEXPORT" render "$tmp/p.json" -o "$out/out.mp4"
    ;;
zoom-overlap)
    link base.mp4 rec.mp4
    project p <<'EOF'
{ "version": 1, "sources": { "screen": "rec.mp4" },
  "zoom": [ { "start": 0.2, "end": 0.8, "center": [ 80, 45 ] },
            { "start": 1.0, "end": 1.5, "center": [ 40, 45 ] } ] }
EOF
    bad 1 'p\.json' 'zoom\[1\]' 'must not overlap' -- "$VEXPORT" render "$tmp/p.json" -o "$out/out.mp4"
    ;;
keys-decreasing)
    # a keystroke track whose times go back: refused naming the file, the line and the problem
    link base.mp4 rec.mp4
    printf '{"t": 1.0, "key": "a", "down": true}\n{"t": 1.2, "key": "a", "down": false}\n{"t": 0.8, "key": "b", "down": true}\n' >"$tmp/keys.jsonl"
    project p <<'EOF'
{ "version": 1, "sources": { "screen": "rec.mp4", "keys": "keys.jsonl" } }
EOF
    bad 1 'keys\.jsonl:3' 'time 0\.8 is before the previous event' 'must not decrease' -- "$VEXPORT" render "$tmp/p.json" -o "$out/out.mp4"
    ;;
keys-bad-modifier)
    link base.mp4 rec.mp4
    printf '{"t": 1.0, "key": "P", "down": true, "modifiers": ["cmd", "meta"]}\n' >"$tmp/keys.jsonl"
    project p <<'EOF'
{ "version": 1, "sources": { "screen": "rec.mp4", "keys": "keys.jsonl" } }
EOF
    bad 1 'keys\.jsonl:1' 'unknown modifier "meta"' -- "$VEXPORT" render "$tmp/p.json" -o "$out/out.mp4"
    ;;
missing-cursor)
    link base.mp4 rec.mp4
    project p <<'EOF'
{ "version": 1, "sources": { "screen": "rec.mp4", "cursor": "no such track.jsonl" } }
EOF
    bad 1 'sources\.cursor' 'no such track\.jsonl' 'not found' -- "$VEXPORT" render "$tmp/p.json" -o "$out/out.mp4"
    ;;
follow-no-cursor)
    link base.mp4 rec.mp4
    project p <<'EOF'
{ "version": 1, "sources": { "screen": "rec.mp4" },
  "zoom": [ { "start": 0.2, "end": 1, "follow": "cursor" } ] }
EOF
    bad 1 'p\.json' 'needs a cursor track' -- "$VEXPORT" render "$tmp/p.json" -o "$out/out.mp4"
    ;;
huge-output)
    link base.mp4 rec.mp4
    project p <<'EOF'
{ "version": 1, "output": { "width": 20000, "height": 20000 }, "sources": { "screen": "rec.mp4" } }
EOF
    bad 1 'p\.json' 'output\.width' -- "$VEXPORT" render "$tmp/p.json" -o "$out/out.mp4"
    ;;
infinity)
    link base.mp4 rec.mp4
    project p <<'EOF'
{ "version": 1, "sources": { "screen": "rec.mp4" }, "shadow": { "blur": Infinity } }
EOF
    bad 1 'p\.json' 'shadow\.blur' -- "$VEXPORT" render "$tmp/p.json" -o "$out/out.mp4"
    ;;
neg-infinity)
    link base.mp4 rec.mp4
    project p <<'EOF'
{ "version": 1, "sources": { "screen": "rec.mp4" }, "shadow": { "blur": 4, "offset_y": -Infinity } }
EOF
    bad 1 'p\.json' 'shadow\.offset_y' -- "$VEXPORT" render "$tmp/p.json" -o "$out/out.mp4"
    ;;
missing-audio)
    link base.mp4 rec.mp4
    project p <<'EOF'
{ "version": 1, "sources": { "screen": "rec.mp4", "audio": ["narration.m4a"] } }
EOF
    bad 1 'narration\.m4a' -- "$VEXPORT" render "$tmp/p.json" -o "$out/out.mp4"
    ;;
camera-not-video | camera-audio-only | cursor-is-video | audio-not-audio | audio-no-stream)
    # an input that is not what its key wants: the message names that file and the problem
    case $name in
    camera-not-video)  printf 'not a video\n' >"$tmp/in.mp4"; set -- camera '"in.mp4"' 'not a video' ;;
    camera-audio-only) link audio-only.mp4 in.mp4; set -- camera '"in.mp4"' 'no video stream' ;;
    cursor-is-video)   link base.mp4 in.mp4; set -- cursor '"in.mp4"' 'in\.mp4:1: ' ;;
    audio-not-audio)   printf 'not a sound\n' >"$tmp/in.mp4"; set -- audio '["in.mp4"]' 'not an audio file' ;;
    audio-no-stream)   link one-pixel.mkv in.mp4; set -- audio '["in.mp4"]' 'no audio stream' ;;
    esac
    link base.mp4 rec.mp4
    printf '{ "version": 1, "sources": { "screen": "rec.mp4", "%s": %s } }\n' "$1" "$2" >"$tmp/p.json"
    bad 1 'in\.mp4' "$3" -- "$VEXPORT" render "$tmp/p.json" -o "$out/out.mp4"
    ;;
image-not-image)
    printf 'not a picture\n' >"$tmp/wall.png"
    bad 1 'wall\.png' 'image' -- R --screen "$BAD/two-frames.mp4" --size 64x36 --padding 0.1 \
        --background "image:$tmp/wall.png" -o "$out/out.mp4"
    ;;
hevc-too-small)
    link base.mp4 rec.mp4
    project p <<'EOF'
{ "version": 1, "output": { "width": 32, "height": 32, "codec": "hevc" },
  "sources": { "screen": "rec.mp4" } }
EOF
    bad 1 'output\.codec' '32x32' -- "$VEXPORT" render "$tmp/p.json" -o "$out/out.mp4"
    ;;
bad-quality)
    bad 1 'output\.quality' '"ultra"' -- "$VEXPORT" render --screen "$BAD/two-frames.mp4" \
        --quality ultra -o "$out/out.mp4"
    ;;
bad-resolution)
    bad 1 'output\.resolution' '"8k"' -- "$VEXPORT" render --screen "$BAD/two-frames.mp4" \
        --resolution 8k -o "$out/out.mp4"
    ;;
bad-aspect)
    bad 1 'output\.aspect' '"2:1"' -- "$VEXPORT" render --screen "$BAD/two-frames.mp4" \
        --aspect 2:1 -o "$out/out.mp4"
    ;;
aspect-and-size)
    bad 1 'output\.aspect' 'not both' -- "$VEXPORT" render --screen "$BAD/two-frames.mp4" \
        --aspect 1:1 --size 64x36 -o "$out/out.mp4"
    ;;
bad-preset)
    bad 1 'libx264' "preset 'warp'" -- "$VEXPORT" render --screen "$BAD/two-frames.mp4" \
        --size 64x36 --preset warp -o "$out/out.mp4"
    ;;
bad-encoder-opt)
    bad 1 "no option 'warp'" 'warp=9' -- R --screen "$BAD/two-frames.mp4" --size 64x36 \
        --encoder-opt warp=9 -o "$out/out.mp4"
    ;;
project-is-dir)
    mkdir "$tmp/p.json"
    bad 1 'p\.json' 'is a folder' -- "$VEXPORT" render "$tmp/p.json" -o "$out/out.mp4"
    ;;

# ------------------------------------------------------------------- paths and outputs
unicode-paths)
    # spaces and non-ASCII characters in every path: project, recording, output
    need_ffprobe
    d="$tmp/my projects/démo ünï 日本"
    mkdir -p "$d" "$out/sub folder é"
    ln -s "$BAD/two-frames.mp4" "$d/screen rec ü.mp4"
    cat >"$d/prøject 1.json" <<'EOF'
{ "version": 1, "output": { "width": 64, "height": 36 }, "sources": { "screen": "screen rec ü.mp4" }, "padding": 0.1 }
EOF
    run "$VEXPORT" render "$d/prøject 1.json" -o "$out/sub folder é/résultat final.mp4" --preset ultrafast
    expect 0
    only_files "$out/sub folder é" "résultat final.mp4"
    n=$(frames "$out/sub folder é/résultat final.mp4")
    [ "$n" = 2 ] || fail "$n frames, expected 2"
    ;;
unicode-missing)
    d="$tmp/démo ü"
    mkdir -p "$d"
    cat >"$d/p 1.json" <<'EOF'
{ "version": 1, "sources": { "screen": "enregistrement d'écran.mp4" } }
EOF
    bad 1 "enregistrement d'écran\\.mp4" -- "$VEXPORT" render "$d/p 1.json" -o "$out/out.mp4"
    ;;
out-missing-dir)
    bad 1 'no-such-folder/out\.mp4' 'No such file or directory' -- \
        R --screen "$BAD/two-frames.mp4" -o "$out/no-such-folder/out.mp4"
    ;;
out-readonly)
    ro=$tmp/ro
    mkdir "$ro"
    if [ "$(id -u)" = 0 ]; then
        # root ignores file modes: a read-only mount instead
        mount -t tmpfs -o ro,size=1m vx-ro "$ro" 2>/dev/null || skip "cannot mount a read-only tmpfs"
        mnt=$ro
    else
        chmod 555 "$ro"
    fi
    bad 1 'ro/out\.mp4' 'read-only|permission denied' -- \
        R --screen "$BAD/two-frames.mp4" --size 64x36 -o "$ro/out.mp4"
    only_files "$ro"
    ;;
out-is-input)
    cp "$BAD/two-frames.mp4" "$out/rec.mp4"
    sum=$(cksum <"$out/rec.mp4")
    run R --screen "$out/rec.mp4" --size 64x36 -o "$out/rec.mp4"
    expect 1 'rec\.mp4'
    only_files "$out" rec.mp4
    [ "$(cksum <"$out/rec.mp4")" = "$sum" ] || fail "the recording was changed"
    ;;
out-is-dir)
    mkdir "$out/clip.mp4"
    run R --screen "$BAD/two-frames.mp4" --size 64x36 -o "$out/clip.mp4"
    expect 1 'clip\.mp4' 'is a folder'
    only_files "$out" clip.mp4
    [ -d "$out/clip.mp4" ] || fail "the folder was replaced"
    ;;
out-is-device)
    # -o /dev/null (a benchmark's habit) or a FIFO: written in place, never replaced by a file
    # (a temporary file renamed onto /dev/null would turn it into a regular file, as root)
    need_ffprobe
    mkfifo "$out/pipe.gif" || skip "cannot make a FIFO"
    timeout 30 cat "$out/pipe.gif" >"$tmp/got.gif" &
    reader=$!
    run R --screen "$BAD/two-frames.mp4" --size 64x36 -o "$out/pipe.gif"
    expect 0
    wait $reader
    [ -p "$out/pipe.gif" ] || fail "the FIFO was replaced"
    run R --screen "$BAD/two-frames.mp4" --size 64x36 -o "$tmp/file.gif"
    expect 0
    cmp -s "$tmp/got.gif" "$tmp/file.gif" || fail "the GIF read from the FIFO is not the one written to a file"
    node=
    if [ "$(id -u)" = 0 ] && mknod -m 666 "$out/null.mp4" c 1 3 2>/dev/null; then
        node=null.mp4 # a /dev/null of our own (an MP4 muxer seeks: /dev/null lets it)
        run R --screen "$BAD/two-frames.mp4" --size 64x36 -o "$out/null.mp4"
        expect 0
        [ -c "$out/null.mp4" ] || fail "the device node was replaced by a file"
    fi
    only_files "$out" $node pipe.gif
    ;;

# ------------------------------------------------------------------- faults
enospc)
    # the disk fills up while writing: exit 2, the file and the reason named, the temporary
    # removed, the file that was there before untouched
    [ "$(id -u)" = 0 ] || skip "needs root to mount a 2 MB tmpfs"
    small=$tmp/small
    mkdir "$small"
    mount -t tmpfs -o size=2m vx-small "$small" 2>/dev/null || skip "cannot mount a tmpfs"
    mnt=$small
    printf 'the export from yesterday\n' >"$small/out.mp4"
    run R --screen "$BAD/base.mp4" --size 1280x720 --crf 0 -o "$small/out.mp4"
    expect 2 'small/out\.mp4' 'No space left on device'
    only_files "$small" out.mp4
    [ "$(cat "$small/out.mp4")" = "the export from yesterday" ] || fail "the old file was changed"
    ;;
sigterm|sigkill)
    # a long export (4K, slow preset) stopped after 1 s; an older export is in place
    sig=$(echo "$name" | sed 's/^sig//' | tr a-z A-Z)
    printf 'the export from yesterday\n' >"$out/out.mp4"
    "$VEXPORT" render --screen "$BAD/base.mp4" --size 3840x2160 --padding 0.05 --radius 20 \
        --preset medium -o "$out/out.mp4" >"$tmp/render.log" 2>&1 &
    pid=$!
    sleep 1
    kill -0 $pid 2>/dev/null || { cat "$tmp/render.log"; fail "export ended before the signal"; }
    ls -A "$out" | grep -q 'out\.mp4\.partial' || say "  (no temporary yet at 1 s)"
    kill -$sig $pid
    t0=$(date +%s%N)
    wait $pid
    rc=$?
    t1=$(date +%s%N)
    ms=$(((t1 - t0) / 1000000))
    tail -n 3 "$tmp/render.log"
    say "  exit $rc, $ms ms after SIG$sig"
    if [ $sig = TERM ]; then
        [ $rc -eq 143 ] || fail "exit code $rc after SIGTERM, expected 143"
        # prompt, not timed: a 4K preset-medium export runs for tens of seconds, and x264 must
        # finish its frames in flight (0.3-0.6 s here; 1.0-1.4 s under meson's MALLOC_PERTURB_,
        # which fills the freed buffers; BENCHMARKS.md "cancel latency" has the figures)
        [ $ms -le 3000 ] || fail "took $ms ms to stop, expected <= 3000"
        only_files "$out" out.mp4
    else
        [ $rc -eq 137 ] || fail "exit code $rc after SIGKILL, expected 137"
        # nothing can run after SIGKILL: at most the temporary is left beside the target
        got=$(cd "$out" && ls -A | tr '\n' ' ')
        case "$got" in
        "out.mp4 " | "out.mp4 out.mp4.partial ") ;;
        *) fail "output folder holds [$got]" ;;
        esac
    fi
    [ "$(cat "$out/out.mp4")" = "the export from yesterday" ] || fail "the old export was changed"
    ;;

# ------------------------------------------------------------------- memcheck
memcheck)
    # the damaged inputs under valgrind: the concealment and skip paths (exports) and the
    # refusals (errors) read no uninitialised or freed memory and lose nothing
    why=$(sh "$here/../valgrind-usable.sh" "$VEXPORT") || skip "$why"
    for f in corrupt.mp4:0 frag-cut.mp4:0 no-moov.mp4:1 huge.mkv:1 random.mp4:1 unknown-codec.mkv:1; do
        file=${f%:*}
        code=${f#*:}
        run valgrind --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite \
            --show-leak-kinds=definite -q \
            "$VEXPORT" render --preset ultrafast --screen "$BAD/$file" --size 160x90 \
            --padding 0.05 --radius 6 -o "$out/out.mp4"
        [ $rc -ne 9 ] || fail "valgrind found errors with $file (above)"
        expect "$code"
        rm -f "$out/out.mp4"
        only_files "$out"
    done
    ;;

*)
    fail "unknown case"
    ;;
esac
say "PASS: $name"
exit 0
