#!/usr/bin/env bash
# tests/bench/chat.sh [TINCAN_BIN]: the chat itself against Node's tutorial chat, one session.
#
# SPDX-FileCopyrightText: 2026 The Tincan authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# `tincan --headless` (history on: every message committed to SQLite before it is sent) against
# server-socketio.js (socket.io 4.8.4 running the getting-started tutorial chat), with the same
# load generator: 1000 clients, 10 senders in closed loop. Only 'chat message' frames are
# counted (--count-event-only): Tincan also sends sockets that have not spoken each message as
# 'chat', which would otherwise be counted twice. Tries are interleaved; servers are pinned to
# SERVER_CPU, the generator to GEN_CPU. A benchmark, not a test: it reports ratios.
set -u
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH_DIR/../.." && pwd)
BIN=${1:-${TINCAN_BIN:-$ROOT/build-bench/app/tincan}}
[ -x "$BIN" ] || BIN=$ROOT/build/app/tincan
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
TRIES=${TRIES:-3}
SERVER_CPU=${SERVER_CPU:-0}
GEN_CPU=${GEN_CPU:-1}
NODE_PORT=${NODE_PORT:-29311}
TINCAN_PORT=${TINCAN_PORT:-29312}
cd "$BENCH_DIR" || exit 2
[ -f node_modules/socket.io/package.json ] || npm ci --no-audit --no-fund > /dev/null || exit 2
ulimit -n 20000 2> /dev/null || true
OUT=results/chat-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
DATA=$(mktemp -d)
trap 'kill $SPID 2> /dev/null; rm -rf "$DATA"' EXIT

run () { # label port
  taskset -c "$GEN_CPU" node loadgen.js --url "ws://127.0.0.1:$2/socket.io/?EIO=4&transport=websocket" \
    --event 'chat message' --count-event-only true --mode fanout --clients 1000 --senders 10 --rate 0 \
    --window 4 --duration 10 --warmup 3 --server-pid "$SPID" --label "$1" --json "$OUT/chat.jsonl" \
    --timeout 58 | tail -1
}

for try in $(seq 1 "$TRIES"); do
  PORT=$NODE_PORT taskset -c "$SERVER_CPU" node server-socketio.js > /dev/null 2>&1 &
  SPID=$!
  sleep 1.5
  echo "try $try node:   $(run node-tutorial "$NODE_PORT" | grep -o '"deliveredPerSec":[0-9]*')"
  kill $SPID; wait $SPID 2> /dev/null

  rm -rf "$DATA/$try"
  taskset -c "$SERVER_CPU" "$BIN" --headless --port "$TINCAN_PORT" --bind 127.0.0.1 \
    --data-dir "$DATA/$try" --flood-limit 0 > /dev/null 2> "$OUT/tincan-$try.log" &
  SPID=$!
  sleep 1.5
  echo "try $try tincan: $(run tincan-headless "$TINCAN_PORT" | grep -o '"deliveredPerSec":[0-9]*')"
  kill $SPID; wait $SPID 2> /dev/null
done

node -e '
  const rows = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
  const med = (l) => { const v = rows.filter(r => r.label === l).map(r => r.deliveredPerSec).sort((a, b) => a - b); return v[v.length >> 1]; };
  const n = med("node-tutorial"), t = med("tincan-headless");
  console.log(`median deliveries/s: Node ${n}, Tincan ${t}, ratio ${(t / n).toFixed(1)}x (target >= 5x)`);
' "$OUT/chat.jsonl" | tee "$OUT/summary.txt"
