#!/usr/bin/env bash
# The README's two commands on a truly fresh machine: a minimal Debian 12 (debootstrap
# --variant=minbase bookworm, plus git and sudo), a clone of the commit under test, a user with
# sudo. As that user `./demo.sh`, exactly as the README writes it, must install what is
# missing, build and write demo.mp4, which is decoded and checked here; then, as root, the
# test command's set-up and build (`scripts/setup.sh --tests build`, the first line of
# test.sh) and a quick part of the suite (unit and bad) must pass in the same system.
#
# Environment: FRESH_SRC (the checkout under test), FRESH_WORK (a folder for the system; it
# must allow device files and executables, the build folder does), VXCHECK and CHECK_DEMO (the
# checkers of tests/e2e, built on the host); VEXPORT_FRESH_MIRROR (default: the mirror this
# machine's apt uses for bookworm, else http://deb.debian.org/debian); VEXPORT_FRESH=0 skips
# it; FRESH_LIMIT: seconds it may take in all (2400).
# Skipped (exit 77, with the reason) when not root, without debootstrap, without the mirror,
# or when the source is not a git checkout. Every mount is undone on any exit.
# The packages debootstrap fetches are kept in FRESH_WORK/bookworm-minbase.tgz (a week), so a
# second run in the same build folder does not download them again; the system itself is
# always built anew.
set -euo pipefail

say() { printf '%s\n' "$*"; }
skip() { say "SKIP: fresh-machine: $*"; exit 77; }
fail() { say "FAIL: fresh-machine: $*"; exit 1; }

: "${FRESH_SRC:?FRESH_SRC not set}" "${FRESH_WORK:?FRESH_WORK not set}"
suite=bookworm
# the mirror this machine's apt uses for bookworm (CI may reach no other), else deb.debian.org
host_mirror() {
    awk -v s="$suite" '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) break
                                     if ($(i + 1) == s && $i ~ /^https?:/) { print $i; exit } }' \
        /etc/apt/sources.list 2>/dev/null
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk -v s="$suite" '/^$/ { u = "" } /^URIs:/ { u = $2 }
            /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == s && u ~ /^https?:/) { print u; exit } }' "$f"
    done
    return 0
}
mirror=${VEXPORT_FRESH_MIRROR:-$(host_mirror | head -n 1)}
mirror=${mirror:-http://deb.debian.org/debian}
user=vx

[ "${VEXPORT_FRESH:-1}" != 0 ] || skip "VEXPORT_FRESH=0"
[ "$(id -u)" = 0 ] || skip "not root: building a Debian system with debootstrap and entering it with chroot need root"
command -v debootstrap >/dev/null || skip "debootstrap is not installed (scripts/setup.sh --tests installs it)"
command -v ffprobe >/dev/null || skip "ffprobe is not installed (scripts/setup.sh --tests installs ffmpeg)"
head=$(git -C "$FRESH_SRC" rev-parse --verify HEAD 2>/dev/null) ||
    skip "$FRESH_SRC is not a git checkout: there is no commit to clone"
python3 - "$mirror/dists/$suite/Release" <<'EOF' || skip "the Debian mirror $mirror cannot be reached"
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=20) as r:
    r.read(64)
EOF

mkdir -p "$FRESH_WORK"
work=$(cd "$FRESH_WORK" && pwd)
# root in name only (a user namespace) cannot mount: the system could not be entered
probe=$(mktemp -d "$work/probe.XXXXXX")
if ! mount -t tmpfs none "$probe" 2>/dev/null; then
    rmdir "$probe"
    skip "root here cannot mount file systems (a container without the privilege)"
fi
umount "$probe"
# without the right to make device files (some containers), debootstrap is told it runs in
# one, and the system's /dev is the host's bound in anyway
devs=
if mknod "$probe/null" c 1 3 2>/dev/null; then rm -f "$probe/null"; else devs="container=lxc"; fi
rmdir "$probe"

# mounts_under DIR: the mount points at or below DIR, deepest first
mounts_under() {
    awk -v d="$1" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/self/mounts | sort -r
}
# undo DIR: ends the processes running inside DIR (ours: it is our system), unmounts everything
# below it, then removes it; a mount that does not go away keeps the folder (never removed
# with something mounted in it)
undo() {
    local d=$1 p m left
    for p in /proc/[0-9]*; do
        [ "$(readlink "$p/root" 2>/dev/null)" = "$d" ] && kill -KILL "${p#/proc/}" 2>/dev/null
    done
    for m in $(mounts_under "$d"); do
        umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || say "cannot unmount $m"
    done
    left=$(mounts_under "$d")
    if [ -n "$left" ]; then
        say "still mounted, $d kept: $left"
        return 1
    fi
    rm -rf --one-file-system "$d"
}

# systems left by a run that was killed before its trap ran
for old in "$work"/root.* "$work"/probe.* "$work"/dl.*; do
    [ -d "$old" ] && { say "removing $old, left by an earlier run"; undo "$old" || true; }
done

root=$(mktemp -d "$work/root.XXXXXX")
chmod 755 "$root" # the system's / (mktemp makes it private)
t0=$(date +%s)
deadline=$((t0 + ${FRESH_LIMIT:-2400})) # meson's timeout is longer: the steps end here first
step_pid=
cleanup() {
    local rc=$?
    trap - EXIT INT TERM HUP
    [ -n "$step_pid" ] && kill -TERM "$step_pid" 2>/dev/null
    undo "$root" || rc=1
    say "fresh-machine: $(($(date +%s) - t0)) s in all"
    exit $rc
}
trap cleanup EXIT
trap 'exit 143' TERM HUP
trap 'exit 130' INT

# step NAME CMD...: runs CMD (within what is left of the time), logs it to $work/NAME.log and
# says how long it took. In the background and waited for, so that a signal reaches the trap
# at once and the mounts are undone before meson's SIGKILL follows its SIGTERM.
step() {
    local name=$1 s=$(date +%s) rc=0
    shift
    say "== $name: $*"
    timeout -k 20 $((deadline - s)) "$@" >"$work/$name.log" 2>&1 </dev/null &
    step_pid=$!
    wait $step_pid || rc=$?
    step_pid=
    say "   $(($(date +%s) - s)) s, exit $rc (log: $work/$name.log)"
    if [ $rc != 0 ]; then
        tail -n 40 "$work/$name.log" | sed 's/^/   | /'
        [ $rc = 124 ] && fail "$name did not finish within ${FRESH_LIMIT:-2400} s in all"
        fail "$name failed"
    fi
}

# 1. the system: minbase bookworm with git and sudo
tarball=$work/$suite-minbase.tgz
if [ -n "$(find "$tarball" -mtime -7 2>/dev/null)" ]; then
    say "== debootstrap packages: reusing $tarball"
else
    rm -f "$tarball"
    tmpdl=$(mktemp -d "$work/dl.XXXXXX")
    step debootstrap-download env $devs debootstrap --variant=minbase --include=git,sudo \
        --make-tarball="$tarball.part" "$suite" "$tmpdl" "$mirror"
    mv "$tarball.part" "$tarball"
    rm -rf "$tmpdl"
fi
step debootstrap env $devs debootstrap --variant=minbase --include=git,sudo --unpack-tarball="$tarball" \
    "$suite" "$root" "$mirror"
for d in proc sys dev dev/pts; do mkdir -p "$root/$d"; done
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
# what a booted machine has and a bare chroot lacks: its own name resolvable, and no daemon
# started by a package's installation (it would outlive the test and hold the mounts)
echo "127.0.0.1 localhost $(cat "$root/etc/hostname" 2>/dev/null || echo debian)" >"$root/etc/hosts"
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"

# 2. a user with sudo, and the clone of the commit under test in their home
chroot "$root" useradd --create-home --shell /bin/bash --groups sudo "$user"
echo "$user ALL=(ALL) NOPASSWD:ALL" >"$root/etc/sudoers.d/$user"
chmod 440 "$root/etc/sudoers.d/$user"
home=/home/$user
git clone --quiet --no-hardlinks "$FRESH_SRC" "$root$home/vexport"
git -C "$root$home/vexport" checkout --quiet --detach "$head"
chroot "$root" chown -R "$user:$user" "$home/vexport"
say "cloned $head"

# as_user CMD / as_root CMD: the shell command CMD in the clone, as the user or root, with a
# login's environment
as_user=(chroot "$root" runuser -u "$user" -- env -i HOME="$home" USER="$user" LOGNAME="$user"
         SHELL=/bin/bash PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 bash -c)
as_root=(chroot "$root" env -i HOME=/root USER=root LOGNAME=root SHELL=/bin/bash
         PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 bash -c)

# 3. the first command, as the user: from nothing to the video
s=$(date +%s)
step demo "${as_user[@]}" "cd ~/vexport && ./demo.sh"
say "   time to the first video: $(($(date +%s) - s)) s"
mp4=$root$home/vexport/demo.mp4
[ -s "$mp4" ] || fail "./demo.sh wrote no demo.mp4"
[ ! -e "$root$home/vexport/build/tests" ] || [ -z "$(find "$root$home/vexport/build/tests" -type f -perm -u+x)" ] ||
    fail "./demo.sh built test programs (it should build only the tool)"
# decoded here: size, frames, duration, rate and colour tags ...
probe=$(ffprobe -v error -select_streams v:0 -count_frames -show_entries \
    stream=codec_name,width,height,pix_fmt,avg_frame_rate,nb_read_frames,color_space,color_primaries,color_transfer,color_range:format=duration \
    -of default=nw=1 "$mp4") || fail "ffprobe cannot read demo.mp4"
say "$probe" | sed 's/^/   /'
want="codec_name=h264 width=1920 height=1080 pix_fmt=yuv420p color_range=tv color_space=bt709 color_transfer=bt709 color_primaries=bt709 avg_frame_rate=60/1 nb_read_frames=600"
for kv in $want; do
    say "$probe" | grep -qx "$kv" || fail "demo.mp4: expected $kv"
done
dur=$(say "$probe" | sed -n 's/^duration=//p')
awk -v d="$dur" 'BEGIN { exit !(d >= 9.95 && d <= 10.1) }' || fail "demo.mp4 lasts $dur s, not 10"
# ... and its content against its project, by the independent checkers of tests/e2e
if [ -x "${CHECK_DEMO:-}" ] && [ -x "${VXCHECK:-}" ]; then
    "$CHECK_DEMO" output "$FRESH_SRC/docs/demo-project.json" "$mp4" --expect-camera >"$work/check_demo.log" 2>&1 ||
        { cat "$work/check_demo.log"; fail "demo.mp4 does not follow docs/demo-project.json"; }
    "$VXCHECK" - "$mp4" --size 1920x1080 --fps 60 --expect-frames 600 --expect-audio yes \
        >"$work/vxcheck.log" 2>&1 || { cat "$work/vxcheck.log"; fail "vxcheck found problems in demo.mp4"; }
    say "   check_demo and vxcheck: PASS"
else
    say "   (check_demo/vxcheck not built: container checks only)"
fi

# 4. the test command's set-up and build, as root, then a quick part of the suite
step tests-setup "${as_root[@]}" "cd $home/vexport && scripts/setup.sh --tests build"
# what the tests themselves need is installed by that set-up: this test's own debootstrap too
for pkg in debootstrap ffmpeg git; do
    chroot "$root" dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
        fail "scripts/setup.sh --tests did not install $pkg"
done
step tests-quick "${as_root[@]}" "cd $home/vexport && meson test -C build --suite unit --suite bad --num-processes 2 --print-errorlogs"
say "   $(grep -E '^(Ok|Fail|Skipped):' "$work/tests-quick.log" | tr -s ' ' | tr '\n' ' ')"
say "PASS: fresh-machine: demo.mp4 and the quick tests on a fresh $suite"
