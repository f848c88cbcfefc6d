#!/usr/bin/env bash
# The progress bar of `quantize`, on a pseudo-terminal and off one.
#
#   Tests/shell/progress_test.sh QUANTIZE
#
# A folder of 64 float32 .npy shards of 2 MiB each (128 MiB, made by NumPy in a temporary folder,
# removed afterwards) is quantized under util-linux `script`, which gives the run a pseudo-terminal
# and copies what the run writes to it; the report goes to a file, so the copy holds standard
# error alone. Checked: several frames, each with a bar and a time estimate ("ETA"), redrawn in
# place, and the last one erased, so that nothing follows the final "\r ESC[K"; with standard
# error a file, and with --quiet on the terminal, no progress byte at all; a run failing midway
# (a NaN in its last shard) and one interrupted (SIGINT once a frame is drawn) erase the bar
# before their one line. Exit status 1 on any failure.
set -uo pipefail
quantize=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
check() {  # check DESCRIPTION CONDITION...: runs the condition, prints ok or FAIL
    local description=$1; shift
    if "$@"; then echo "ok   $description"; else echo "FAIL $description"; failures=$((failures + 1)); fi
}

python3 - "$work" <<'PY'
import os, sys, numpy as np
work = sys.argv[1]
rng = np.random.default_rng(0)
for folder, count in (("shards", 64), ("broken", 16)):
    os.makedirs(f"{work}/{folder}")
    for index in range(count):
        weights = rng.standard_normal((512, 1024), dtype=np.float32)
        if folder == "broken" and index == count - 1:
            weights[100, 7] = np.nan
        np.save(f"{work}/{folder}/layer{index:02d}.npy", weights)
PY

# under_terminal CAPTURE COMMAND: runs COMMAND (a shell line) with a pseudo-terminal, copying it to CAPTURE.
under_terminal() { script -q -e -c "$2" /dev/null > "$1" < /dev/null; }

# After the last carriage return, only "erase to the end of the line" (ESC [ K) and nothing else.
ends_clean() { python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); sys.exit(d.rsplit(b"\r", 1)[-1] != b"\x1b[K")' "$1"; }
frames_with_estimate() { grep -ao 'ETA [0-9hms-]*' "$1" | wc -l; }
has_bar() { grep -aqE '\[#*\.*\]' "$1"; }
no_progress_bytes() { ! grep -aq $'\e\|\r\|ETA' "$1"; }

# One thread and .npz compression (deflate on one core) keep the run over a second on a fast
# machine, so that frames 0.1 s apart are several whatever the machine's speed.
under_terminal "$work/tty.txt" "'$quantize' '$work/shards' -o '$work/out' --threads 1 --compress > '$work/report.txt'"
status=$?
check "the run on a terminal succeeds (status $status)" [ "$status" = 0 ]
check "several frames with a time estimate ($(frames_with_estimate "$work/tty.txt"))" [ "$(frames_with_estimate "$work/tty.txt")" -ge 3 ]
check "frames show the bar" has_bar "$work/tty.txt"
check "frames name the shard" grep -aq 'shard [0-9]*/64 [0-9]*% layer' "$work/tty.txt"
check "the last frame is erased: nothing after the final '\\r ESC[K'" ends_clean "$work/tty.txt"
check "the report on stdout has no progress bytes" no_progress_bytes "$work/report.txt"
check "the report is there" grep -q 'layer63' "$work/report.txt"

rm -rf "$work/out"
"$quantize" "$work/shards" -o "$work/out" > "$work/report.txt" 2> "$work/stderr.txt"
check "to files: no progress bytes on stderr" [ ! -s "$work/stderr.txt" ]
check "to files: none on stdout" no_progress_bytes "$work/report.txt"

rm -rf "$work/out"
under_terminal "$work/quiet.txt" "'$quantize' '$work/shards' -o '$work/out' --quiet > '$work/report.txt'"
check "--quiet on a terminal: nothing on stderr" [ ! -s "$work/quiet.txt" ]

under_terminal "$work/failed.txt" "'$quantize' '$work/broken' -o '$work/failed' > /dev/null"
status=$?
check "a NaN in the last shard fails the run (status $status)" [ "$status" = 1 ]
check "frames were drawn before the failure" has_bar "$work/failed.txt"
check "the error line follows the erased bar on a clean line" python3 -c '
import sys; d = open(sys.argv[1], "rb").read()
head, _, line = d.rpartition(b"\r\x1b[K")
sys.exit(not (line.startswith(b"quantize: ") and b"layer15" in line and line.endswith(b"\r\n") and line.count(b"\r") == 1))' \
    "$work/failed.txt"

rm -rf "$work/out"
# The shell writes its pid and becomes quantize (exec); job control (set -m) keeps the background
# job from ignoring SIGINT, as a non-interactive shell's background jobs otherwise do.
set -m
under_terminal "$work/interrupted.txt" "echo \$\$ > '$work/pid'; exec '$quantize' '$work/shards' -o '$work/out' --threads 1 > /dev/null" &
script_pid=$!
set +m
for _ in $(seq 300); do grep -aq ETA "$work/interrupted.txt" 2>/dev/null && break; sleep 0.05; done
kill -INT "$(cat "$work/pid")"
wait "$script_pid"
status=$?
if [ "$status" = 0 ]; then
    echo "skip the interrupt: the run ended before the signal"
else
    check "SIGINT ends the run with 130 (status $status)" [ "$status" = 130 ]
    check "the interrupt line follows the erased bar" python3 -c '
import sys; d = open(sys.argv[1], "rb").read()
sys.exit(not (b"ETA" in d and d.endswith(b"\r\x1b[Kquantize: interrupted; nothing written\r\n")))' "$work/interrupted.txt"
    check "nothing written" [ ! -e "$work/out" ]
fi
[ "$failures" = 0 ]
