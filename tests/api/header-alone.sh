#!/bin/sh
# Each public header compiles on its own, first thing in a file, as C11 and C99 with every
# warning as an error (and as C++ when a C++ compiler is installed): an embedder includes one
# header and nothing else.
#   header-alone.sh SRC_INCLUDE BUILD_INCLUDE CC
set -eu
inc=${1:?}; binc=${2:?}; cc=${3:-cc}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
n=0
for h in "$inc"/vexport/*.h "$binc"/vexport/*.h; do
    [ -f "$h" ] || continue
    name=vexport/$(basename "$h")
    printf '#include <%s>\nint main(void) { return 0; }\n' "$name" >"$tmp/t.c"
    for std in c11 c99; do
        if ! $cc -std=$std -Wall -Wextra -Wpedantic -Werror -I"$inc" -I"$binc" -c "$tmp/t.c" \
                -o "$tmp/t.o" 2>"$tmp/err"; then
            cat "$tmp/err"; echo "FAIL: <$name> does not compile alone as $std"; exit 1
        fi
    done
    if command -v c++ >/dev/null 2>&1; then
        cp "$tmp/t.c" "$tmp/t.cc"
        if ! c++ -std=c++11 -Wall -Wextra -Wpedantic -Werror -I"$inc" -I"$binc" -c "$tmp/t.cc" \
                -o "$tmp/t.o" 2>"$tmp/err"; then
            cat "$tmp/err"; echo "FAIL: <$name> does not compile alone as C++11"; exit 1
        fi
    fi
    n=$((n + 1))
done
[ "$n" -ge 3 ] || { echo "FAIL: found only $n public headers"; exit 1; }
echo "$n public headers compile alone (C11, C99$(command -v c++ >/dev/null 2>&1 && echo ', C++11'))"
