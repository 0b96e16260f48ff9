#!/bin/sh
# Generates the bad-input corpus: make-bad.sh DIR
#
# Small damaged, odd or hostile media files, made from FFmpeg's test sources and patched with
# python3 (stdlib). Deterministic: the same bytes on every run. Idempotent: does nothing when
# DIR/.complete holds this script's checksum (several test processes may call it at once; each
# builds in a temporary folder and the first rename into place wins).
set -eu
dir=${1:?usage: make-bad.sh DIR}
stamp=$(cksum <"$0")
[ "$(cat "$dir/.complete" 2>/dev/null)" = "$stamp" ] && exit 0
[ -d "$dir" ] && rm -rf "$dir" # made by an older version of this script
command -v ffmpeg >/dev/null 2>&1 || { echo "make-bad.sh: the ffmpeg tool is needed" >&2; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "make-bad.sh: python3 is needed" >&2; exit 77; }
parent=$(dirname "$dir")
mkdir -p "$parent"
tmp=$(mktemp -d "$parent/.bad.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
ff() { ffmpeg -nostdin -v error -y "$@"; }
X264="-c:v libx264 -preset ultrafast -pix_fmt yuv420p -bitexact"

# base: 2 s of 160x90 at 30 fps with a tone, keyframe every 15 frames, moov at the end
ff -f lavfi -i testsrc2=s=160x90:r=30:d=2 -f lavfi -i sine=f=440:d=2 $X264 -g 15 \
   -c:a aac -shortest -fflags +bitexact base.mp4
# fragmented (as a recorder that survives a crash writes it), cut in the middle of a fragment
ff -i base.mp4 -c copy -movflags frag_keyframe+empty_moov -fflags +bitexact frag.mp4
# audio only
ff -f lavfi -i sine=f=440:d=1 -c:a aac -fflags +bitexact audio-only.mp4
# 1x1 and 2-frame videos (FFV1 in Matroska: x264 needs even sizes)
ff -f lavfi -i color=c=red:s=16x16:r=30:d=1 -vf scale=1:1 -pix_fmt yuv420p -c:v ffv1 -fflags +bitexact one-pixel.mkv
ff -f lavfi -i testsrc2=s=160x90:r=30 -frames:v 2 $X264 -fflags +bitexact two-frames.mp4
# H.264 in MPEG-TS whose picture changes size after 1 s (two encodes joined)
ff -f lavfi -i testsrc2=s=160x90:r=30:d=1 $X264 -fflags +bitexact size-a.ts
ff -f lavfi -i testsrc2=s=128x72:r=30:d=1 $X264 -output_ts_offset 1 -fflags +bitexact size-b.ts
cat size-a.ts size-b.ts >size-change.ts
rm -f size-a.ts size-b.ts
# Matroska H.264 whose codec ID is patched below into one no decoder knows
ff -i base.mp4 -an -c copy -fflags +bitexact unknown-codec.mkv
# the fuzzers' clip (tests/fuzz/fuzz_render.c): 64x36, 3 frames, a little audio; and a picture
ff -f lavfi -i testsrc2=s=64x36:r=30 -f lavfi -i sine=f=440:d=0.1 -frames:v 3 $X264 -c:a aac \
   -fflags +bitexact tiny.mp4
ff -f lavfi -i testsrc2=s=16x16:r=1 -frames:v 1 tiny.png
# raw video in Matroska whose header is patched below to declare 16384x16384 (one 256x256
# grey frame: PixelWidth/PixelHeight are 2-byte numbers, so the patch keeps every size)
ff -f lavfi -i color=c=blue:s=256x256:r=30 -frames:v 1 -c:v rawvideo -pix_fmt gray huge.mkv

python3 - <<'PY'
import random, struct
rnd = random.Random(6)

def boxes(data):
    """top-level MP4 boxes: (type, offset, size)"""
    pos = 0
    while pos + 8 <= len(data):
        size, typ = struct.unpack('>I4s', data[pos:pos + 8])
        if size == 1:
            size = struct.unpack('>Q', data[pos + 8:pos + 16])[0]
        if size < 8:
            size = len(data) - pos
        yield typ.decode('latin1'), pos, size
        pos += size

base = open('base.mp4', 'rb').read()
# a recorder killed before it wrote the index: everything but the moov at the end
moov = [b for b in boxes(base) if b[0] == 'moov'][0]
assert moov[1] > len(base) // 2, 'moov expected at the end'
open('no-moov.mp4', 'wb').write(base[:moov[1]])

# fragmented file cut half-way into its third fragment (moof + mdat)
frag = open('frag.mp4', 'rb').read()
moofs = [b for b in boxes(frag) if b[0] == 'moof']
mdats = [b for b in boxes(frag) if b[0] == 'mdat']
assert len(moofs) >= 4, 'expected several fragments'
m = mdats[2]
open('frag-cut.mp4', 'wb').write(frag[:m[1] + m[2] // 2])

# corrupted packets mid-stream: noise over parts of the mdat (the index is left alone)
mdat = [b for b in boxes(base) if b[0] == 'mdat'][0]
data = bytearray(base)
for frac in (0.35, 0.6):
    off = mdat[1] + int(mdat[2] * frac)
    for i in range(off, off + 600):
        data[i] = rnd.randrange(256)
open('corrupt.mp4', 'wb').write(data)

# random bytes named .mp4, and a zero-byte file
open('random.mp4', 'wb').write(bytes(rnd.randrange(256) for _ in range(64 * 1024)))
open('empty.mp4', 'wb').close()

# codec ID no decoder knows (same length, so no element size changes)
mkv = open('unknown-codec.mkv', 'rb').read()
assert mkv.count(b'V_MPEG4/ISO/AVC') == 1
open('unknown-codec.mkv', 'wb').write(mkv.replace(b'V_MPEG4/ISO/AVC', b'V_VXTEST/NOPE/0'))

# 16384x16384 declared in the Matroska header: PixelWidth (B0) and PixelHeight (BA), 2 bytes
mkv = open('huge.mkv', 'rb').read()
for el in (b'\xb0', b'\xba'):
    assert mkv.count(el + b'\x82\x01\x00') == 1
    mkv = mkv.replace(el + b'\x82\x01\x00', el + b'\x82\x40\x00')
open('huge.mkv', 'wb').write(mkv)
PY
rm -f frag.mp4
cd /
echo "$stamp" >"$tmp/.complete"
if ! mv -T "$tmp" "$dir" 2>/dev/null; then
    [ "$(cat "$dir/.complete" 2>/dev/null)" = "$stamp" ] ||
        { echo "make-bad.sh: cannot create $dir" >&2; exit 1; }
fi
trap - EXIT
rm -rf "$tmp"
