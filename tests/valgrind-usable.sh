#!/bin/sh
# valgrind-usable.sh VEXPORT: exits 0 when valgrind can run the tool at all on this machine,
# else prints why and exits 1. valgrind 3.19 (Debian 12) stops with SIGILL on instructions it
# does not know, e.g. in libhwy's start-up code (pulled in by FFmpeg through libjxl) on some
# AMD EPYC CPUs: the process dies in a library's initialiser before any vexport code runs, so
# a memcheck of vexport cannot be done there and the test is skipped with that reason.
command -v valgrind >/dev/null 2>&1 || { echo "valgrind not installed"; exit 1; }
log=$(valgrind -q --error-exitcode=9 "$1" --version 2>&1 >/dev/null)
rc=$?
[ $rc = 0 ] && exit 0
# only a SIGILL whose innermost frame is in a system library is valgrind's limit; anything
# else is left for the test itself to report
frame=$(printf '%s\n' "$log" | grep -A1 "Illegal opcode" | grep -m1 "at 0x")
case "$rc:$frame" in
132:*"(in /usr/lib/"*|132:*"(in /lib/"*) ;;
*) exit 0 ;;
esac
echo "valgrind cannot run the tool here: SIGILL in a system library before vexport's own code ($(printf '%s' "$frame" | sed 's/^==[0-9]*== *//'))"
exit 1
