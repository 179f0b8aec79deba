#!/usr/bin/env bash
# tests/bench/gui-stall.sh [TINCAN_BIN]: does the window stay smooth while it hosts a busy room?
#
# SPDX-FileCopyrightText: 2026 The Tincan authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Starts the windowed app under Xvfb with its stall probe (TINCAN_STALL_REPORT: how late the
# GTK main loop runs a 1 ms timer), then has 1000 browser-protocol clients exchange about
# 50,000 deliveries/s through it (10 senders x 5 messages/s, every one shown in the window's
# log), and reports the main loop's stalls: the target is no stall over 16 ms at p99. A
# benchmark, not a test.
set -u
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH_DIR/../.." && pwd)
BIN=${1:-${TINCAN_BIN:-$ROOT/build-bench/app/tincan}}
[ -x "$BIN" ] || BIN=$ROOT/build/app/tincan
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
PORT=${PORT:-29321}
SECONDS_LOAD=${SECONDS_LOAD:-15}
# A control run with CLIENTS=10 keeps the window's work (the same messages, shown at the same
# rate) and drops nearly all of the server's: what is left is the cost of drawing the log.
CLIENTS=${CLIENTS:-1000}
# Xvfb has no GPU: GTK's GL renderer there is Mesa's llvmpipe, which redraws the whole window
# on the CPU every frame (2 threads, 20-40 ms a frame on 2 cores) however small the change, and
# the main loop waits for it. That measures llvmpipe, not the app (the CLIENTS=10 control run
# stalls as much as the full load), so the CPU renderer made for this case is the default here;
# GSK_RENDERER=ngl measures the GL path anyway.
GSK_RENDERER=${GSK_RENDERER:-cairo}
cd "$BENCH_DIR" || exit 2
[ -f node_modules/ws/package.json ] || npm ci --no-audit --no-fund > /dev/null || exit 2
ulimit -n 20000 2> /dev/null || true
OUT=results/gui-stall-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
DATA=$(mktemp -d)

# The schema compiled in the build tree, as `meson devenv` would set it.
SCHEMAS=$(cd "$(dirname "$BIN")/../data" && pwd)
xvfb-run -a -s "-screen 0 1280x900x24" env GTK_A11Y=none NO_AT_BRIDGE=1 GSETTINGS_BACKEND=memory \
  GSETTINGS_SCHEMA_DIR="$SCHEMAS" GSK_RENDERER="$GSK_RENDERER" \
  TINCAN_STALL_REPORT="$OUT/idle.json" "$BIN" --port "$PORT" --bind 127.0.0.1 --data-dir "$DATA" \
  --flood-limit 0 > "$OUT/tincan.log" 2>&1 &
XPID=$!
for _ in $(seq 1 100); do
  (exec 3<> /dev/tcp/127.0.0.1/"$PORT") 2> /dev/null && break
  sleep 0.2
done
SPID=$(pgrep -f -- "^$BIN --port $PORT" | head -1)
sleep 3
cp "$OUT/idle.json" "$OUT/before-load.json" 2> /dev/null

node loadgen.js --url "ws://127.0.0.1:$PORT/socket.io/?EIO=4&transport=websocket" --event 'chat message' \
  --count-event-only true --mode fanout --clients "$CLIENTS" --senders 10 --rate 5 --duration "$SECONDS_LOAD" \
  --warmup 3 --server-pid "$SPID" --json "$OUT/load.jsonl" --label gui --timeout 58 | tail -1 > "$OUT/loadgen.txt"
sleep 1.5
cp "$OUT/idle.json" "$OUT/after-load.json"

kill "$SPID" 2> /dev/null
wait "$XPID" 2> /dev/null
rm -rf "$DATA"

node -e '
  const fs = require("fs"), out = process.argv[1], renderer = process.argv[2], clients = process.argv[3];
  const load = JSON.parse(fs.readFileSync(out + "/loadgen.txt", "utf8").replace(/^RESULT /, ""));
  const stall = JSON.parse(fs.readFileSync(out + "/after-load.json", "utf8"));
  console.log(`${clients} clients, GSK_RENDERER=${renderer}`);
  console.log(`deliveries/s ${load.deliveredPerSec} (delivery ratio ${load.deliveryRatio}), server CPU ${load.serverCpuPct}%`);
  console.log(`main-loop stalls over the whole run: p50 ${stall.p50Ms} ms, p99 ${stall.p99Ms} ms, p99.9 ${stall.p999Ms} ms, max ${stall.maxMs} ms (${stall.samples} samples)`);
  console.log(`target: p99 <= 16 ms: ${stall.p99Ms <= 16 ? "met" : "NOT met"}`);
' "$OUT" "$GSK_RENDERER" "$CLIENTS" | tee "$OUT/summary.txt"
