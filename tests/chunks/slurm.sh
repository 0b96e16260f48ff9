#!/bin/bash
# A chunked export on a real Slurm (docs/scale-out.md): starts a single-node cluster on this
# machine (munged, slurmctld, slurmd: Debian's slurm-wlm and munge, which scripts/setup.sh
# --tests installs), submits a 4-chunk export as a job array and the join as a job that
# depends on it (--dependency=afterok), waits (at most SLURM_WAIT seconds, 240), and checks
# the result against a one-machine export (check_join). Every daemon it started is stopped
# on any exit. Needs root (the daemons run as root: SlurmUser=root); else skipped.
#
# Environment: VEXPORT, CHECK_JOIN. Exit: 0 pass, 1 fail, 77 skip. VX_E2E_KEEP=1 keeps the
# folder (configuration, logs, chunks).
set -u

say() { printf '%s\n' "$*"; }
skip() { say "SKIP: $*"; exit 77; }
: "${VEXPORT:?VEXPORT not set}" "${CHECK_JOIN:?CHECK_JOIN not set}"
[ "$(id -u)" = 0 ] || skip "not root: the test starts munged, slurmctld and slurmd as root"
for t in munged slurmctld slurmd sbatch scontrol sinfo; do
    command -v "$t" >/dev/null || [ -x "/usr/sbin/$t" ] ||
        skip "$t not installed (scripts/setup.sh --tests installs slurm-wlm and munge)"
done
PATH=$PATH:/usr/sbin
command -v ffprobe >/dev/null || skip "ffprobe not installed (scripts/setup.sh --tests)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vx-slurm.XXXXXX") || exit 1
chmod 755 "$tmp"
pids=()
stop() {
    # the daemons this test started, by their process ids, and nothing else
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${pids[@]}"; do
        for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
    pids=()
}
cleanup() {
    stop
    if [ -n "${VX_E2E_KEEP:-}" ]; then say "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
fail() {
    say "FAIL: $*"
    for f in "$tmp"/slurmctld.log "$tmp"/slurmd.log "$tmp"/munge/munged.out "$tmp"/out/*; do
        [ -f "$f" ] && { say "--- $f (last lines)"; tail -n 15 "$f"; }
    done
    exit 1
}

# two free TCP ports on 127.0.0.1 (nothing answers on them)
free_port() {
    local p
    for _ in $(seq 200); do
        p=$((20000 + RANDOM % 20000))
        (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
    done
    echo 0
}
ctld_port=$(free_port)
d_port=$(free_port)
[ "$d_port" != "$ctld_port" ] || d_port=$((ctld_port + 1))

# munge: a key of its own, a socket in the test's folder
mkdir -m 755 "$tmp/munge" "$tmp/state" "$tmp/spool" "$tmp/out"
head -c 1024 /dev/urandom >"$tmp/munge/munge.key"
chmod 400 "$tmp/munge/munge.key"
sock=$tmp/munge/munge.sock
munged --foreground --force --key-file="$tmp/munge/munge.key" --socket="$sock" \
    --pid-file="$tmp/munge/munged.pid" --log-file="$tmp/munge/munged.log" \
    --seed-file="$tmp/munge/seed" >>"$tmp/munge/munged.out" 2>&1 &
pids+=($!)

host=$(hostname -s 2>/dev/null || hostname)
cpus=$(nproc)
cat >"$tmp/slurm.conf" <<EOF
ClusterName=vexport-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$d_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$sock
CredType=cred/munge
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
SlurmdParameters=config_overrides
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$tmp/slurm.conf

for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
[ -S "$sock" ] || fail "munged did not start"
slurmctld -D -f "$SLURM_CONF" >/dev/null 2>&1 &
pids+=($!)
slurmd -D -N "$host" -f "$SLURM_CONF" >/dev/null 2>&1 &
pids+=($!)
state=
for _ in $(seq 300); do
    state=$(sinfo -h -o %T 2>/dev/null)
    [ "$state" = idle ] && break
    sleep 0.1
done
[ "$state" = idle ] || fail "the node did not come up (state '$state')"
say "+ a Slurm cluster of one node ($host, $cpus CPUs) on ports $ctld_port/$d_port: idle"

cd "$tmp" || exit 1
"$VEXPORT" synth -o rec.mp4 --size 640x400 --fps 30 --seconds 8 || fail "vexport synth failed"
cat >project.json <<'EOF'
{ "version": 1, "output": { "width": 960, "height": 540, "fps": 30 },
  "sources": { "screen": "rec.mp4" }, "padding": 0.05, "radius": 12,
  "timeline": [ { "start": 0, "end": 3 }, { "start": 3.5, "end": 6, "speed": 2 }, { "start": 6.5 } ],
  "zoom": [ { "start": 1, "end": 2.5, "rect": [100, 80, 320, 200], "transition": 0.4 } ] }
EOF
ENC="--crf 6 --threads 2"
# the recipe of docs/scale-out.md, with this folder as the shared storage
cat >chunk.sbatch <<EOF
#!/bin/sh
#SBATCH --job-name=vexport-chunk
#SBATCH --output=$tmp/out/chunk-%a.out
echo "array task \$SLURM_ARRAY_TASK_ID of job \$SLURM_ARRAY_JOB_ID on \$(hostname)"
exec "$VEXPORT" render "$tmp/project.json" --chunk "\$SLURM_ARRAY_TASK_ID/4" \\
    -o "$tmp/part-\$SLURM_ARRAY_TASK_ID.mp4" $ENC
EOF
cat >join.sbatch <<EOF
#!/bin/sh
#SBATCH --job-name=vexport-join
#SBATCH --output=$tmp/out/join.out
echo "join job \$SLURM_JOB_ID on \$(hostname)"
exec "$VEXPORT" join "$tmp/project.json" $tmp/part-0.mp4 $tmp/part-1.mp4 $tmp/part-2.mp4 \\
    $tmp/part-3.mp4 -o "$tmp/final.mp4"
EOF
say "+ sbatch --parsable --array=0-3 chunk.sbatch"
array=$(sbatch --parsable --array=0-3 chunk.sbatch) || fail "sbatch of the array failed"
say "+ sbatch --parsable --dependency=afterok:$array --kill-on-invalid-dep=yes join.sbatch"
join=$(sbatch --parsable --dependency=afterok:"$array" --kill-on-invalid-dep=yes join.sbatch) ||
    fail "sbatch of the join failed"
say "  jobs: array $array, join $join"

wait_s=${SLURM_WAIT:-240}
end=$((SECONDS + wait_s))
js=
while [ $SECONDS -lt $end ]; do
    js=$(scontrol show job "$join" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p')
    case $js in COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY) break ;; esac
    sleep 1
done
say "  join job $join: ${js:-unknown} after $((SECONDS - end + wait_s)) s"
[ "$js" = COMPLETED ] || fail "the join job did not complete within $wait_s s (state ${js:-unknown})"
for i in 0 1 2 3; do
    s=$(scontrol show job "${array}_$i" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p')
    grep -q "array task $i of job $array" "out/chunk-$i.out" ||
        fail "chunk $i was not rendered by array task $i"
    say "  array task ${array}_$i: ${s:-gone from the queue}, wrote part-$i.mp4 ($(wc -c <part-$i.mp4) bytes)"
done
stop # the cluster is no longer needed

say "+ vexport render project.json -o one.mp4 (the one-machine export, to compare)"
"$VEXPORT" render project.json -o one.mp4 $ENC -q || fail "the one-machine export failed"
F=$(ffprobe -v error -select_streams v:0 -count_packets -show_entries stream=nb_read_packets \
    -of csv=p=0 one.mp4)
B=$(awk -v f="$F" 'BEGIN { for (i = 1; i < 4; i++) printf "%s%d", (i > 1 ? "," : ""), int(i * f / 4) }')
"$CHECK_JOIN" compare one.mp4 final.mp4 45 "$B" || fail "check_join found problems"
say "PASS"
