#!/usr/bin/env bash
# Prints two figures for BENCHMARKS.md, measured on the release binary in a real terminal
# (tmux, 200x50):
#  1. time to first full frame of `opsdeck --demo`: process start until a frame with data in
#     all seven panes has been drawn (the hidden flag --exit-after-first-full-frame quits right
#     after it; the figure includes process start-up and terminal set-up/teardown);
#  2. CPU used by an idle `opsdeck --demo` over 30 s (no keys pressed; polling every 2 s).
# Usage: benches/startup_and_idle.sh [RUNS]   (needs: cargo build --release, tmux)
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$PWD/target/release/opsdeck"
runs="${1:-20}"
socket="opsdeck-bench-$$"
out="$(mktemp -d)"
trap 'tmux -L "$socket" kill-server 2>/dev/null || true; rm -rf "$out"' EXIT

echo "time to first full frame ($runs runs, 200x50):"
for i in $(seq 1 "$runs"); do
  tmux -L "$socket" -f /dev/null new-session -d -s "run$i" -x 200 -y 50 \
    "sh -c 'start=\$(date +%s%N); $bin --demo --log-file $out/log --exit-after-first-full-frame; end=\$(date +%s%N); echo \$(( (end - start) / 1000 )) > $out/run$i'"
  for _ in $(seq 1 100); do [ -s "$out/run$i" ] && break; sleep 0.05; done
done
sort -n "$out"/run* | awk '{ a[NR] = $1 } END {
  printf "  min %.1f ms, median %.1f ms, max %.1f ms\n", a[1] / 1000, a[int((NR + 1) / 2)] / 1000, a[NR] / 1000 }'

echo "idle CPU over 30 s (--demo, no input, 200x50):"
tmux -L "$socket" -f /dev/null new-session -d -s idle -x 200 -y 50 "$bin --demo --log-file $out/log"
sleep 3
pid=$(pgrep -n -f "$bin --demo --log-file $out/log")
ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)
before=$(ticks)
sleep 30
after=$(ticks)
awk -v d=$((after - before)) -v hz="$hz" 'BEGIN {
  printf "  %d ticks of %d Hz in 30 s = %.2f %% of one core\n", d, hz, 100 * d / hz / 30 }'
