#!/usr/bin/env node
// report.js: Tincan vs Node socket.io, from one run.sh session, as markdown.
//
// SPDX-FileCopyrightText: 2026 The Tincan authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
//   node report.js [results/run-STAMP]      (default: the newest results/run-*)
//
// For each metric: Node median [min–max], Tincan median [min–max], how many times better Tincan is
// (ours/Node for rates, Node/ours for latency and memory), the per-try paired factors, and the
// issue's target, marked met / not met on the medians. Then every run with its interference
// (otherCpuPct, host busy before the run) and a list of anomalies. No npm dependencies; plot.js
// uses analyze().
'use strict';
const fs = require('fs');
const path = require('path');

const METRICS = [
  { key: 'fanout1000', test: (l) => l === 'fanout1000-max', value: (r) => r.deliveredPerSec, better: 'higher',
    title: 'Fan-out deliveries/s, 1000 clients', short: 'fan-out\n1000 clients',
    how: 'closed loop: 10 senders, 4 messages in flight each', unit: '/s', target: 10, targetText: '≥ 10× Node' },
  { key: 'fanout100', test: (l) => l === 'fanout100-max', value: (r) => r.deliveredPerSec, better: 'higher',
    title: 'Fan-out deliveries/s, 100 clients', short: 'fan-out\n100 clients',
    how: 'closed loop: 10 senders, 4 in flight each', unit: '/s', target: null, targetText: '–' },
  { key: 'p99sat', test: (l) => /^sat-r\d+$/.test(l), value: (r) => r.latencyMs && r.latencyMs.p99, better: 'lower',
    title: "p99 latency at Node's saturation load", short: 'p99 latency\nat Node sat.',
    how: 'open loop: 1000 clients, 10 senders at R msgs/s each', unit: ' ms', target: 10, targetText: '≤ 1/10 of Node' },
  { key: 'idle5000', test: (l) => l === 'idle5000', value: (r) => r.rssPerConnKiB, better: 'lower',
    title: 'Idle memory per connection, 5000 clients', short: 'idle memory\n5000 clients',
    how: 'server RSS growth / 5000', unit: ' KiB', target: 1 / 0.15, targetText: '≤ 0.15× Node' },
  { key: 'connrate', test: (l) => l === 'connrate-c100', value: (r) => r.handshakesPerSec, better: 'higher',
    title: 'Full handshakes/s', short: 'handshakes/s',
    how: 'EIO open + SIO connect, then close; 100 in flight', unit: '/s', target: 3, targetText: '≥ 3× Node' },
];

const median = (a) => { const s = [...a].sort((x, y) => x - y), n = s.length;
  return n ? (n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2) : null; };

function newestRun(dir) {
  const runs = fs.readdirSync(dir).filter((d) => d.startsWith('run-')).sort();
  if (!runs.length) throw new Error(`no run-* directory in ${dir}`);
  return path.join(dir, runs[runs.length - 1]);
}

function readJsonl(file) {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
}

function analyze(dir) {
  dir = dir || newestRun(path.join(__dirname, 'results'));
  const read = (f) => { try { return JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')); } catch (e) { return {}; } };
  const meta = read('meta.json'), sat = read('sat.json');
  let runs = [], sweep = [];
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.jsonl')).sort()) {
    const rows = readJsonl(path.join(dir, f));
    if (f.includes('satsweep')) sweep = sweep.concat(rows); else runs = runs.concat(rows);
  }
  runs.sort((a, b) => (a.try - b.try) || 0);

  const metrics = [];
  for (const m of METRICS) {
    const rs = runs.filter((r) => m.test(r.label));
    if (!rs.length) continue;
    const side = (srv) => {
      const v = rs.filter((r) => r.server === srv && !r.error).map(m.value).filter((x) => x != null && isFinite(x));
      return { n: v.length, median: median(v), min: v.length ? Math.min(...v) : null, max: v.length ? Math.max(...v) : null, values: v };
    };
    const node = side('node-socketio'), ours = side('tincan');
    const better = (n, o) => (n == null || o == null || !n || !o ? null : m.better === 'higher' ? o / n : n / o);
    const factor = better(node.median, ours.median);
    const tries = [...new Set(rs.map((r) => r.try))].sort((a, b) => a - b);
    const perTry = tries.map((t) => {
      const get = (srv) => { const r = rs.find((x) => x.try === t && x.server === srv && !x.error); return r ? m.value(r) : null; };
      return { try: t, factor: better(get('node-socketio'), get('tincan')) };
    });
    metrics.push({ ...m, node, ours, factor, perTry,
      met: m.target == null || factor == null ? null : factor >= m.target - 1e-9,
      label: rs[0].label });
  }

  const anomalies = [];
  for (const r of runs.concat(sweep)) {
    const who = `${r.server} ${r.label} try ${r.try}`;
    if (r.error) anomalies.push(`${who}: error "${r.error}"`);
    if (r.connectErrors) anomalies.push(`${who}: ${r.connectErrors} connect errors during the ramp`);
    if (r.errors) anomalies.push(`${who}: ${r.errors} client errors/disconnects`);
    if (r.mode === 'fanout' && r.deliveryRatio != null && r.deliveryRatio < 0.99)
      anomalies.push(`${who}: delivery ratio ${r.deliveryRatio} (${r.rate ? 'open loop: the server fell behind the offered load' : 'closed loop'})`);
    if (r.mode === 'fanout' && r.connectedAtEnd != null && r.connectedAtEnd < r.clients)
      anomalies.push(`${who}: ${r.connectedAtEnd}/${r.clients} clients connected at the end`);
    if (r.mode === 'idle' && r.stillConnected != null && r.stillConnected < r.clients)
      anomalies.push(`${who}: ${r.stillConnected}/${r.clients} clients connected at the end`);
    if (r.handshakeMs && r.handshakeMs.max > 900 && r.mode !== 'connrate')
      anomalies.push(`${who}: connect ramp handshake max ${Math.round(r.handshakeMs.max)} ms (p99 ${Math.round(r.handshakeMs.p99)} ms; ≥ 1 s means dropped SYNs / TCP retransmits)`);
    if (r.mode === 'connrate' && r.handshakeMs && r.handshakeMs.p99 > 900)
      anomalies.push(`${who}: handshake p99 ${Math.round(r.handshakeMs.p99)} ms (≥ 1 s means dropped SYNs / TCP retransmits)`);
    if (r.genCpuPct > 85) anomalies.push(`${who}: generator at ${r.genCpuPct}% of its core (may be generator-bound)`);
    if (r.otherCpuPct > 60) anomalies.push(`${who}: other processes used ${r.otherCpuPct}% of a core during the run`);
  }
  const tries = new Set(runs.map((r) => r.try)).size;
  return { dir, meta, sat, runs, sweep, metrics, anomalies, tries };
}

// ---- formatting
const num = (v, unit) => {
  if (v == null) return 'n/a';
  const s = Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);
  return s + (unit || '');
};
const side = (s, unit) => (s.n ? `${num(s.median, unit)}` + (s.n > 1 ? ` [${num(s.min)}–${num(s.max)}]` : '') : 'n/a');
const fx = (f) => (f == null ? 'n/a' : f >= 10 ? `${f.toFixed(0)}×` : f >= 1 ? `${f.toFixed(1)}×` : `${f.toFixed(2)}×`);
function versus(m) {
  if (m.factor == null) return 'n/a';
  if (m.key === 'idle5000') return `${(1 / m.factor).toFixed(2)}× Node's` + (m.factor >= 1 ? ` (${fx(m.factor)} less)` : ` (${fx(1 / m.factor)} more)`);
  if (m.factor < 1) return `${fx(m.factor)} (Node ${fx(1 / m.factor)} better)`;
  return `${fx(m.factor)} ${m.better === 'higher' ? 'more' : 'lower'}`;
}

function markdown(a) {
  const o = [];
  const meta = a.meta, sat = a.sat && a.sat.satRate;
  o.push(`# Tincan vs Node socket.io: ${path.basename(a.dir)}`, '');
  o.push(`Node ${meta.node || '?'}, socket.io ${meta.socketio || '?'} (engine.io ${meta.engineio || '?'}, ws ${meta.ws || '?'}) vs ` +
    `Tincan \`conformance-server --mode bench\` at ${meta.commit || '?'}` +
    (meta.trackedFilesModified ? ` (+${meta.trackedFilesModified} modified files)` : '') +
    `. Host: ${meta.host ? `${meta.host.cpus} × ${meta.host.model}, ${meta.host.memGiB} GiB, Linux ${meta.host.kernel}` : '?'}; ` +
    `server on CPU ${meta.serverCpu ?? '?'}, generator on CPU ${meta.genCpu ?? '?'}; ${a.tries} interleaved tries (Node, Tincan, Node, Tincan, …), ` +
    `each server restarted per measurement.` + (sat ? ` Node's saturation load: ${sat} msgs/s per sender × 10 senders × 1000 clients = ${(sat * 10000).toLocaleString('en-US')} deliveries/s offered.` : ''), '');
  o.push('| Metric | Node median [min–max] | Tincan median [min–max] | Tincan vs Node | per try | Target | Met? |');
  o.push('|---|---|---|---|---|---|---|');
  for (const m of a.metrics) {
    o.push(`| ${m.title}${m.key === 'p99sat' && sat ? ` (R = ${sat})` : ''} | ${side(m.node, m.unit)} | ${side(m.ours, m.unit)} | ${versus(m)} | ` +
      `${m.perTry.map((p) => fx(p.factor)).join(', ')} | ${m.targetText} | ${m.met == null ? '–' : m.met ? '**met**' : '**not met**'} |`);
  }
  o.push('', '"Tincan vs Node" is the ratio of the medians, oriented so that a bigger number is better for Tincan; ' +
    '"per try" pairs the Node and Tincan runs of the same try.', '');

  o.push('## Runs', '');
  o.push('| try | metric | server | value | delivery ratio | p50 / p99 ms | srv CPU % | gen CPU % | other CPU % | host busy before % (waited s) |');
  o.push('|---|---|---|---|---|---|---|---|---|---|');
  const key = (r) => { const m = METRICS.find((x) => x.test(r.label)); return m; };
  for (const r of a.runs) {
    const m = key(r); const v = m ? m.value(r) : null;
    const lat = r.latencyMs || (r.mode === 'connrate' ? r.handshakeMs : null);
    o.push(`| ${r.try} | ${r.label} | ${r.server} | ${r.error ? 'ERROR ' + r.error : num(v, m ? m.unit : '')} | ${r.deliveryRatio ?? ''} | ` +
      `${lat ? `${num(lat.p50)} / ${num(lat.p99)}` : ''} | ${r.serverCpuPct ?? (r.serverIdleCpuPct != null ? r.serverIdleCpuPct + ' (idle)' : '')} | ${r.genCpuPct ?? ''} | ${r.otherCpuPct ?? ''} | ${r.preBusyPct ?? ''} (${r.quietWaitSec ?? ''}) |`);
  }
  if (a.sweep.length) {
    o.push('', "## Sweep for Node's saturation rate", '', '| rate/sender | deliveries/s | delivery ratio | p50 / p99 ms | srv CPU % | other CPU % |', '|---|---|---|---|---|---|');
    for (const r of a.sweep) o.push(`| ${r.rate} | ${num(r.deliveredPerSec)} | ${r.deliveryRatio ?? ''} | ${r.latencyMs ? `${num(r.latencyMs.p50)} / ${num(r.latencyMs.p99)}` : r.error || ''} | ${r.serverCpuPct ?? ''} | ${r.otherCpuPct ?? ''} |`);
  }
  o.push('', '## Anomalies', '');
  if (!a.anomalies.length) o.push('None.');
  for (const x of a.anomalies) o.push(`* ${x}`);
  return o.join('\n') + '\n';
}

module.exports = { analyze, markdown, METRICS, fx };

if (require.main === module) {
  const dir = process.argv.slice(2).find((x) => !x.startsWith('--'));
  process.stdout.write(markdown(analyze(dir)));
}
