#!/bin/sh
# Renders e2e cases with two vexport tools and compares the outputs' md5 (a refactor that
# must not change a byte): scripts/compare-tools.sh OLD_VEXPORT NEW_VEXPORT [CASE...]
#
# Runs tests/e2e/run-case.sh for each case with each tool (VX_E2E_KEEP=1 keeps the outputs),
# with the same thread count for both (VEXPORT_THREADS, default 2, passed as --threads
# through a wrapper), and prints one line per output file: same or DIFFERENT. Needs a build
# (BUILD, default build) for vxcheck and check_demo, and the e2e media (MEDIA).
# Exit: 0 when every output is byte-identical, 1 otherwise.
set -u
old=$(realpath "${1:?usage: compare-tools.sh OLD NEW [CASE...]}")
new=$(realpath "${2:?usage: compare-tools.sh OLD NEW [CASE...]}")
shift 2
here=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$here/build}
MEDIA=${MEDIA:-$BUILD/media}
threads=${VEXPORT_THREADS:-2}
cases=${*:-demo-picture zoom-rect zoom-center cuts solid gradient image plain full odd yuv444 portrait corners native fps60 vfr flags}
work=$(mktemp -d "${TMPDIR:-/tmp}/vx-compare.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT

# a wrapper that adds --threads to render (and demo) so both tools split work alike
wrap() {
    cat >"$work/$1" <<EOS
#!/bin/sh
cmd=\$1; shift
case \$cmd in
render|demo) exec "$2" "\$cmd" "\$@" --threads $threads ;;
*) exec "$2" "\$cmd" "\$@" ;;
esac
EOS
    chmod +x "$work/$1"
}
wrap old "$old"
wrap new "$new"

status=0
for c in $cases; do
    for tool in old new; do
        log=$work/$c.$tool.log
        VX_E2E_KEEP=1 VEXPORT=$work/$tool VXCHECK=$BUILD/tests/e2e/vxcheck MEDIA=$MEDIA \
            CHECK_DEMO=$BUILD/tests/e2e/check_demo \
            sh "$here/tests/e2e/run-case.sh" "$c" >"$log" 2>&1
        rc=$?
        dir=$(sed -n 's/^kept //p' "$log" | tail -n 1)
        if [ $rc -ne 0 ] || [ -z "$dir" ]; then
            echo "$c: the $tool tool's run failed (rc $rc), see below"; tail -n 5 "$log"
            status=1
        fi
        echo "$dir" >"$work/$c.$tool.dir"
    done
    od=$(cat "$work/$c.old.dir"); nd=$(cat "$work/$c.new.dir")
    for f in $(cd "$od/out" 2>/dev/null && ls); do
        a=$(md5sum <"$od/out/$f" | cut -c1-32); b=$(md5sum <"$nd/out/$f" 2>/dev/null | cut -c1-32)
        if [ "$a" = "$b" ]; then
            echo "$c/$f: same $a"
        else
            echo "$c/$f: DIFFERENT old $a new $b"
            status=1
        fi
    done
    rm -rf "$od" "$nd"
done
exit $status
