#!/usr/bin/env node
// plot.js: the run.sh results as an SVG bar chart (hand-written SVG, no dependencies).
//
// SPDX-FileCopyrightText: 2026 The Tincan authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
//   node plot.js [results/run-STAMP] > docs/bench.svg
//
// One group per metric: a bar per try (the paired Tincan-vs-Node factor of that try) and a bar for
// the ratio of the medians, on a log scale where up is better for Tincan; the issue's target is the
// dashed line across its group, 1× (parity) the solid grey line.
'use strict';
const { analyze, fx } = require('./report.js');

const a = analyze(process.argv[2]);
const ms = a.metrics;
const W = 820, H = 452, L = 64, R = 16, T = 58, B = 114;
const pw = W - L - R, ph = H - T - B;
const factors = ms.flatMap((m) => [m.factor, m.target, ...m.perTry.map((p) => p.factor)]).filter((x) => x > 0);
const lo = Math.min(0.5, ...factors) / 1.3, hi = Math.max(20, ...factors) * 1.5;
const y = (v) => T + ph - (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) * ph;
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const out = [];
const t = (x, yy, s, attrs = '') => out.push(`<text x="${x.toFixed(1)}" y="${yy.toFixed(1)}" ${attrs}>${esc(s)}</text>`);

out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
t(W / 2, 22, 'Tincan vs Node socket.io 4.8.4: how many times better (log scale, higher = better for Tincan)', 'text-anchor="middle" font-size="14" font-weight="bold"');
t(W / 2, 40, `${a.tries} interleaved tries on a shared 2-vCPU VM, ${(a.meta.started || '').slice(0, 10)}, Tincan ${a.meta.commit || '?'}${a.meta.trackedFilesModified ? ' + local changes' : ''}`, 'text-anchor="middle" fill="#555"');

// y grid: 1-2-5 decades
for (let d = Math.floor(Math.log10(lo)); d <= Math.ceil(Math.log10(hi)); d++) {
  for (const k of [1, 2, 5]) {
    const v = k * 10 ** d; if (v < lo || v > hi) continue;
    const yy = y(v);
    out.push(`<line x1="${L}" x2="${W - R}" y1="${yy.toFixed(1)}" y2="${yy.toFixed(1)}" stroke="${v === 1 ? '#888' : '#e6e6e6'}" stroke-width="${v === 1 ? 1.5 : 1}"/>`);
    t(L - 6, yy + 4, `${v}×`, 'text-anchor="end" fill="#444"');
  }
}
out.push(`<line x1="${L}" x2="${L}" y1="${T}" y2="${T + ph}" stroke="#444"/>`);

const gw = pw / ms.length;
ms.forEach((m, i) => {
  const bars = m.perTry.map((p) => ({ v: p.factor, name: `try ${p.try}`, median: false }))
    .concat([{ v: m.factor, name: 'median', median: true }]);
  const bw = Math.min(34, (gw - 24) / bars.length), x0 = L + i * gw + (gw - bw * bars.length) / 2;
  const color = m.met == null ? '#7a8ca3' : m.met ? '#2e9e5b' : '#d9822b';
  bars.forEach((b, j) => {
    const x = x0 + j * bw;
    if (!(b.v > 0)) { t(x + bw / 2, y(1) - 4, 'n/a', 'text-anchor="middle" fill="#999" font-size="10"'); return; }
    const y1 = y(Math.max(b.v, lo)), y0 = y(1);
    out.push(`<rect x="${(x + 2).toFixed(1)}" y="${Math.min(y0, y1).toFixed(1)}" width="${(bw - 4).toFixed(1)}" height="${Math.max(1, Math.abs(y0 - y1)).toFixed(1)}" ` +
      `fill="${m.target == null ? color : b.v >= m.target - 1e-9 ? '#2e9e5b' : '#d9822b'}" fill-opacity="${b.median ? 1 : 0.45}"><title>${esc(`${m.title}, ${b.name}: ${fx(b.v)}`)}</title></rect>`);
    t(x + bw / 2, (b.v >= 1 ? y1 - 4 : y1 + 12), fx(b.v), `text-anchor="middle" font-size="${b.median ? 11 : 9}" ${b.median ? 'font-weight="bold"' : 'fill="#555"'}`);
    t(x + bw / 2, T + ph + 12, b.median ? 'med' : `t${b.name.slice(4)}`, 'text-anchor="middle" font-size="9" fill="#777"');
  });
  if (m.target) {
    const yy = y(m.target);
    out.push(`<line x1="${(x0 - 6).toFixed(1)}" x2="${(x0 + bw * bars.length + 6).toFixed(1)}" y1="${yy.toFixed(1)}" y2="${yy.toFixed(1)}" stroke="#c0392b" stroke-width="2" stroke-dasharray="6 3"/>`);
  }
  m.short.split('\n').forEach((line, k) => t(L + i * gw + gw / 2, T + ph + 30 + k * 14, line, 'text-anchor="middle" font-weight="bold"'));
  const cx = L + i * gw + gw / 2;
  if (m.target) t(cx, T + ph + 60, `target ${m.targetText}`, 'text-anchor="middle" fill="#c0392b" font-size="10"');
  t(cx, T + ph + 73, m.met == null ? 'no target' : m.met ? 'met' : 'not met', `text-anchor="middle" fill="${color}" font-size="11" font-weight="bold"`);
});
t(L, H - 20, 'Light bars: one try (its Node and Tincan runs paired); solid bars: ratio of the medians; green/orange: target met/not met;', 'fill="#555" font-size="10"');
t(L, H - 7, 'red dashes: the target. Latency and memory are plotted as Node ÷ Tincan, rates as Tincan ÷ Node.', 'fill="#555" font-size="10"');
out.push('</svg>');
process.stdout.write(out.join('\n') + '\n');
