#!/usr/bin/env bash
# tests/bench/run.sh [CONFORMANCE_SERVER]: Tincan vs Node socket.io, interleaved, one session.
#
# SPDX-FileCopyrightText: 2026 The Tincan authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A benchmark, not a test: it always exits 0 unless it could not run at all. It builds nothing.
# The server under test is `conformance-server --mode bench` (re-broadcasts every 'chat message' to
# every socket, sender included, like server-socketio.js). Path: first argument, else $TINCAN_SERVER,
# else build-bench/tests/conformance-server (release build), else build/tests/conformance-server.
#
# For each try (TRIES, default 2) and each measurement, Node runs, then Tincan (interleaved), each
# server freshly started for its group, pinned to SERVER_CPU (default 0), the generator to GEN_CPU
# (default 1). Before every run it waits (at most QUIET_WAIT s, default 30) until the host is at most
# QUIET_MAX % of one core busy (default 25): the machine is shared. Every run is bounded by loadgen
# --timeout and by timeout(1).
#
# Measurements (labels):
#   fanout1000-max  --mode fanout --clients 1000 --senders 10 --rate 0 --window 4   (closed loop)
#   fanout100-max   --mode fanout --clients 100  --senders 10 --rate 0 --window 4
#   sat-rR          --mode fanout --clients 1000 --senders 10 --rate R, R = Node's saturation rate
#                   (first found by a sweep against Node, unless SAT_RATE is given)
#   idle5000        --mode idle --clients 5000 --workers 2
#   connrate-c100   --mode connrate --concurrency 100
#
# Env: TRIES, SAT_RATE, SAT_RATES (sweep list), ONLY (subset of: fanout1000 fanout100 sat idle
# connrate), NODE_PORT/TINCAN_PORT (29301/29302), SERVER_CPU, GEN_CPU, QUIET_MAX, QUIET_WAIT,
# PLOT (default docs/bench.svg; empty = no plot), RUN_DIR (results/run-<stamp>: add TRIES more tries
# to that session, at its saturation rate).
#
# Output: tests/bench/results/run-<stamp>/{node-socketio,tincan}-try<N>.jsonl (one JSON object per
# run, loadgen's fields plus server, try, preBusyPct, quietWaitSec), meta.json, SUMMARY.md; the
# newest summary is copied to tests/bench/results/SUMMARY.md.

set -u

CALLER_DIR=$PWD
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/../.." && pwd)

TRIES=${TRIES:-2}
# below the ephemeral range (32768-60999 here): thousands of client sockets and TIME_WAITs from the
# previous run must not be able to sit on the port the next server binds
NODE_PORT=${NODE_PORT:-29301}
TINCAN_PORT=${TINCAN_PORT:-29302}
SERVER_CPU=${SERVER_CPU:-0}
GEN_CPU=${GEN_CPU:-1}
QUIET_MAX=${QUIET_MAX:-25}
QUIET_WAIT=${QUIET_WAIT:-30}
ONLY=${ONLY:-"fanout1000 fanout100 sat idle connrate"}
SAT_RATES=${SAT_RATES:-"5 8 10 12 15 20 25 30 40"}
SAT_P99_MS=${SAT_P99_MS:-200}      # the sweep calls Node saturated when p99 > this ...
SAT_MIN_RATIO=${SAT_MIN_RATIO:-0.97} # ... or deliveryRatio < this (confirmed by a second run)
PLOT=${PLOT-docs/bench.svg}
EVENT='chat message'

# ---- server binary
BIN=${1:-${TINCAN_SERVER:-}}
if [ -z "$BIN" ]; then
  for c in "$ROOT/build-bench/tests/conformance-server" "$ROOT/build/tests/conformance-server"; do
    if [ -x "$c" ]; then BIN=$c; break; fi
  done
fi
if [ -z "$BIN" ] || [ ! -x "$BIN" ]; then
  echo "run.sh: no conformance-server; build one first:" >&2
  echo "  meson setup build-bench -Dbuildtype=release && meson compile -C build-bench" >&2
  exit 2
fi
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

for t in node npm taskset timeout ss; do
  command -v $t > /dev/null || { echo "run.sh: needs $t" >&2; exit 2; }
done

cd "$BENCH_DIR" || exit 2
if [ ! -f node_modules/socket.io/package.json ] || [ ! -f node_modules/ws/package.json ]; then
  echo "run.sh: npm ci (socket.io 4.8.4, ws 8.23.0)" >&2
  npm ci --no-audit --no-fund > /dev/null || { echo "run.sh: npm ci failed" >&2; exit 2; }
fi

ulimit -n 20000 2> /dev/null || ulimit -n "$(ulimit -Hn)"
if [ "$(ulimit -n)" -lt 12000 ]; then
  echo "run.sh: ulimit -n is $(ulimit -n); 5000 idle clients need ~10000 descriptors" >&2
fi

for p in "$NODE_PORT" "$TINCAN_PORT"; do
  if [ -n "$(ss -Hltn "sport = :$p")" ]; then
    echo "run.sh: port $p is already in use (set NODE_PORT/TINCAN_PORT)" >&2
    exit 2
  fi
done

FIRST_TRY=1
if [ -n "${RUN_DIR:-}" ]; then
  # add TRIES more tries to an earlier session (same saturation rate, tries numbered on)
  OUT=$(cd "$CALLER_DIR" && cd "$RUN_DIR" 2> /dev/null && pwd) || { echo "run.sh: no $RUN_DIR" >&2; exit 2; }
  if [ -z "${SAT_RATE:-}" ]; then
    SAT_RATE=$(node -e 'const s = require(process.argv[1]).satRate; if (s) console.log(s);' "$OUT/sat.json" 2> /dev/null)
  fi
  FIRST_TRY=$(($(cat "$OUT"/*-try*.jsonl 2> /dev/null | node -e '
    let m = 0; for (const l of require("fs").readFileSync(0, "utf8").split("\n")) if (l.trim()) m = Math.max(m, JSON.parse(l).try || 0);
    console.log(m);') + 1))
  META=$OUT/meta-try$FIRST_TRY.json
else
  OUT=results/run-$(date +%Y%m%d-%H%M%S)
  META=$OUT/meta.json
fi
mkdir -p "$OUT/logs"
T_START=$(date +%s)

# ---- metadata
{
  commit=$(git -C "$ROOT" rev-parse --short HEAD 2> /dev/null || echo unknown)
  dirty=$(git -C "$ROOT" status --porcelain --untracked-files=no 2> /dev/null | grep -c . || true)
  BIN="$BIN" COMMIT="$commit" DIRTY="$dirty" TRIES="$TRIES" SERVER_CPU="$SERVER_CPU" GEN_CPU="$GEN_CPU" \
  QUIET_MAX="$QUIET_MAX" QUIET_WAIT="$QUIET_WAIT" node -e '
    const os = require("os"), e = process.env;
    console.log(JSON.stringify({
      started: new Date().toISOString(), node: process.version,
      socketio: require("socket.io/package.json").version, ws: require("ws/package.json").version,
      engineio: JSON.parse(require("fs").readFileSync("node_modules/engine.io/package.json")).version,
      server: e.BIN, serverBuilt: require("fs").statSync(e.BIN).mtime.toISOString(), commit: e.COMMIT, trackedFilesModified: Number(e.DIRTY),
      tries: Number(e.TRIES), serverCpu: e.SERVER_CPU, genCpu: e.GEN_CPU,
      quietMaxPct: Number(e.QUIET_MAX), quietWaitSec: Number(e.QUIET_WAIT),
      host: { cpus: os.cpus().length, model: os.cpus()[0] && os.cpus()[0].model,
              memGiB: +(os.totalmem() / 2 ** 30).toFixed(1), kernel: os.release() },
    }, null, 2));'
} > "$META"

# ---- servers
SPID=""
start_server() { # name port
  local name=$1 port=$2
  stop_server
  if [ -n "$(ss -Hltn "sport = :$port")" ]; then
    echo "run.sh: port $port taken by someone else" >&2
    return 1
  fi
  if [ "$name" = node-socketio ]; then
    PORT=$port taskset -c "$SERVER_CPU" node server-socketio.js >> "$OUT/logs/$name.log" 2>&1 &
  else
    taskset -c "$SERVER_CPU" "$BIN" --mode bench --port "$port" >> "$OUT/logs/$name.log" 2>&1 &
  fi
  SPID=$!
  for _ in $(seq 1 100); do
    if (exec 3<> /dev/tcp/127.0.0.1/"$port") 2> /dev/null; then break; fi
    kill -0 "$SPID" 2> /dev/null || break
    sleep 0.1
  done
  if ! kill -0 "$SPID" 2> /dev/null; then
    echo "run.sh: $name did not start (see $OUT/logs/$name.log)" >&2
    SPID=""
    return 1
  fi
  sleep 1 # let the runtime settle before the RSS baseline
}
stop_server() {
  if [ -n "$SPID" ] && kill -0 "$SPID" 2> /dev/null; then
    kill "$SPID"
    for _ in $(seq 1 50); do kill -0 "$SPID" 2> /dev/null || break; sleep 0.1; done
    kill -0 "$SPID" 2> /dev/null && kill -9 "$SPID"
    wait "$SPID" 2> /dev/null
  fi
  SPID=""
}
trap stop_server EXIT
trap 'stop_server; exit 130' INT TERM

# ---- shared host: wait (bounded) until the other jobs leave the CPUs mostly idle
BUSY=0 WAITED=0
busy_pct() { # % of one core busy over 1 s, whole host
  local a b
  a=$(awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat)
  sleep 1
  b=$(awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat)
  echo $((b - a)) # USER_HZ=100 ticks in 1 s == percent of one core
}
wait_quiet() {
  WAITED=0
  while :; do
    BUSY=$(busy_pct)
    if [ "$BUSY" -le "$QUIET_MAX" ] || [ "$WAITED" -ge "$QUIET_WAIT" ]; then return; fi
    WAITED=$((WAITED + 1))
  done
}

# ---- one loadgen run: gen NAME TRY LABEL HARD_TIMEOUT loadgen-args...
LAST=""
gen() {
  local name=$1 try=$2 label=$3 hard=$4 port tmp
  shift 4
  port=$NODE_PORT
  [ "$name" = tincan ] && port=$TINCAN_PORT
  tmp=$OUT/.last.json
  rm -f "$tmp"
  wait_quiet
  printf '  %-14s %-16s try %s  (host busy %s%% of a core, waited %ss)\n' "$name" "$label" "$try" "$BUSY" "$WAITED" >&2
  timeout -k 5 "$hard" taskset -c "$GEN_CPU" node loadgen.js \
    --url "ws://127.0.0.1:$port/socket.io/?EIO=4&transport=websocket" --event "$EVENT" \
    --server-pid "${SPID:-0}" --label "$label" --json "$tmp" --timeout $((hard - 10)) "$@" \
    >> "$OUT/logs/loadgen.log" 2>&1
  # loadgen's line + who/when/how quiet; a run killed by timeout(1) still leaves a line
  LAST=$(NAME=$name TRY=$try LABEL=$label BUSY=$BUSY WAITED=$WAITED TMP=$tmp ARGS="$*" node -e '
    const fs = require("fs"), e = process.env;
    let r;
    try { r = JSON.parse(fs.readFileSync(e.TMP, "utf8").trim().split("\n").pop()); }
    catch (err) { r = { label: e.LABEL, error: "no result (killed by timeout or crashed)" }; }
    r.server = e.NAME; r.try = e.TRY === "sweep" ? e.TRY : Number(e.TRY);
    r.preBusyPct = Number(e.BUSY); r.quietWaitSec = Number(e.WAITED); r.args = e.ARGS;
    console.log(JSON.stringify(r));')
  echo "$LAST" >> "$OUT/$name-$( [ "$try" = sweep ] && echo satsweep || echo "try$try").jsonl"
  echo "$LAST" | node -e '
    const r = JSON.parse(require("fs").readFileSync(0, "utf8")), l = r.latencyMs || {}, h = r.handshakeMs || {};
    const v = r.mode === "idle" ? `${r.rssPerConnKiB} KiB/conn, ${r.stillConnected}/${r.clients} connected`
      : r.mode === "connrate" ? `${r.handshakesPerSec} handshakes/s, p99 ${h.p99} ms`
      : `${r.deliveredPerSec} deliveries/s, ratio ${r.deliveryRatio}, p50 ${l.p50} p99 ${l.p99} ms`;
    console.error(`      -> ${r.error ? "ERROR " + r.error + "; " : ""}${v}; srv ${r.serverCpuPct ?? "-"}% gen ${r.genCpuPct ?? "-"}% other ${r.otherCpuPct ?? "-"}%`);'
}

FANOUT=(--mode fanout --clients 1000 --senders 10)

# ---- Node's saturation rate (open loop, 1000 clients, 10 senders)
if [[ " $ONLY " == *" sat "* ]] && [ -z "${SAT_RATE:-}" ]; then
  echo "== sweep: Node's saturation rate (1000 clients, 10 senders; saturated = p99 > ${SAT_P99_MS} ms or delivery ratio < ${SAT_MIN_RATIO}, seen twice)" >&2
  start_server node-socketio "$NODE_PORT" || exit 1
  last_rate=""
  for r in $SAT_RATES; do
    last_rate=$r
    sat=0
    for _ in 1 2; do
      gen node-socketio sweep "sweep-r$r" 45 "${FANOUT[@]}" --rate "$r" --duration 6 --warmup 2
      if echo "$LAST" | P99=$SAT_P99_MS MINR=$SAT_MIN_RATIO node -e '
          const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
          const bad = r.error || (r.latencyMs && r.latencyMs.p99 > Number(process.env.P99)) ||
                      r.deliveryRatio < Number(process.env.MINR);
          process.exit(bad ? 0 : 1);'; then
        sat=$((sat + 1))
      else
        break
      fi
    done
    if [ "$sat" -ge 2 ]; then SAT_RATE=$r; break; fi
  done
  SAT_RATE=${SAT_RATE:-$last_rate}
  stop_server
  echo "== Node saturates at ${SAT_RATE} msgs/s per sender ($((SAT_RATE * 10)) msgs/s in, $((SAT_RATE * 10000)) deliveries/s offered)" >&2
fi
echo "{\"satRate\": ${SAT_RATE:-null}}" > "$OUT/sat.json"

# ---- interleaved tries
for try in $(seq "$FIRST_TRY" $((FIRST_TRY + TRIES - 1))); do
  echo "== try $try" >&2
  for part in $ONLY; do
    for name in node-socketio tincan; do
      port=$NODE_PORT
      [ "$name" = tincan ] && port=$TINCAN_PORT
      start_server "$name" "$port" || continue
      case $part in
        fanout1000)
          gen "$name" "$try" fanout1000-max 70 "${FANOUT[@]}" --rate 0 --window 4 --duration 10 --warmup 3 \
            --connect-timeout 40
          ;;
        fanout100)
          gen "$name" "$try" fanout100-max 60 --mode fanout --clients 100 --senders 10 --rate 0 --window 4 \
            --duration 10 --warmup 3
          ;;
        sat)
          gen "$name" "$try" "sat-r$SAT_RATE" 70 "${FANOUT[@]}" --rate "$SAT_RATE" --duration 10 --warmup 3 \
            --connect-timeout 40
          ;;
        idle)
          gen "$name" "$try" idle5000 70 --mode idle --clients 5000 --workers 2 --concurrency 100 \
            --settle 5 --duration 15 --connect-timeout 40
          ;;
        connrate)
          gen "$name" "$try" connrate-c100 60 --mode connrate --concurrency 100 --duration 10 --warmup 2
          ;;
      esac
      stop_server
    done
  done
done
rm -f "$OUT/.last.json"

echo "== done in $(($(date +%s) - T_START)) s; results in $OUT" >&2
node report.js "$OUT" > "$OUT/SUMMARY.md"
cp "$OUT/SUMMARY.md" results/SUMMARY.md
if [ -n "$PLOT" ]; then
  mkdir -p "$ROOT/$(dirname "$PLOT")"
  node plot.js "$OUT" > "$ROOT/$PLOT" && echo "plot: $PLOT" >&2
fi
cat "$OUT/SUMMARY.md"
