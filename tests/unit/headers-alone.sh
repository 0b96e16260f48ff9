#!/bin/sh
# Every internal header (src/*.h, src/layers/*.h, src/dsp/*.h) compiles on its own, first in a
# file, with every warning an error: each module's header says everything it needs, so a file
# includes the headers of the modules it uses and nothing else.
#   headers-alone.sh SRC_DIR BUILD_INCLUDE CC
set -eu
src=${1:?}; binc=${2:?}; cc=${3:-cc}
flags=$(pkg-config --cflags json-c libavcodec libavformat libavutil 2>/dev/null || true)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
n=0
for h in "$src"/src/*.h "$src"/src/layers/*.h "$src"/src/dsp/*.h; do
    d=$(dirname "$h")
    printf '#include "%s"\n' "$(basename "$h")" >"$tmp/t.c"
    # shellcheck disable=SC2086
    if ! $cc -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -fsyntax-only -I"$d" \
            -I"$src/src" -I"$src/include" -I"$binc" $flags "$tmp/t.c" 2>"$tmp/err"; then
        cat "$tmp/err"; echo "FAIL: ${h#"$src"/} does not compile alone"; exit 1
    fi
    n=$((n + 1))
done
echo "$n internal headers compile alone"
