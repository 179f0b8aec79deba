// soak.mjs
//
// SPDX-FileCopyrightText: 2026 The Tincan authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Churn against `tincan --headless` for SOAK_SECONDS (45 by default; README: 600 for the long
// run): 16 clients connect over polling, WebSocket or polling then upgrade, in the Tincan or the
// tutorial dialect, chat, then leave politely or drop dead (transport torn down, no goodbye),
// and come back, again and again. Every message must be acknowledged. At the end the host must
// exit cleanly on SIGTERM: in the sanitizer build that exit runs LeakSanitizer, so a leak fails
// this test. Outside ASan, the host's RSS must stay flat over the second half of the run.

import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { HANG_GUARD_MS, io, startHeadless } from './lib.mjs';

const SECONDS = Number(process.env.SOAK_SECONDS || 45);
const CLIENTS = 16;
const UNDER_ASAN = Boolean(process.env.ASAN_OPTIONS);

const TRANSPORTS = [['polling'], ['websocket'], ['polling', 'websocket']];

// One visit: connect, say something (acknowledged), maybe listen a while, leave one way or
// another. Returns the number of messages acknowledged.
async function visit (url, n) {
  const tincan = n % 3 !== 0;
  const socket = io(url, {
    transports: TRANSPORTS[n % TRANSPORTS.length],
    auth: tincan ? { client: 'tincan', nick: `soak-${n}`, kind: 'terminal' } : undefined,
    reconnection: false,
    forceNew: true,
  });

  try {
    await new Promise((resolve, reject) => {
      const guard = setTimeout(() => reject(new Error(`visit ${n}: no connect`)), HANG_GUARD_MS);

      socket.once('connect', () => { clearTimeout(guard); resolve(); });
      socket.once('connect_error', (err) => { clearTimeout(guard); reject(err); });
    });

    let acked = 0;
    for (let i = 0; i < 1 + (n % 3); i++) {
      const answer = await socket.timeout(HANG_GUARD_MS).emitWithAck(tincan ? 'message' : 'chat message', `soak ${n}.${i}`);

      if (tincan)
        assert.equal(answer.ok, true, JSON.stringify(answer));
      acked++;
    }
    await sleep(n % 4 === 0 ? 300 : 20);
    return acked;
  } finally {
    if (n % 2 === 0 || !socket.io.engine)
      socket.disconnect();
    else
      socket.io.engine.transport.close();   // dropped: no disconnect packet, no close packet
    socket.io.engine?.close();
  }
}

function rssKiB (pid) {
  return Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]);
}

test(`soak: ${CLIENTS} clients churning for ${SECONDS} s`, { timeout: (SECONDS + 120) * 1000 }, async () => {
  const host = await startHeadless(['--flood-limit', '0', '--history', '20']);
  const end = Date.now() + SECONDS * 1000;
  const rss = [];
  let visits = 0;
  let acked = 0;

  try {
    const sampler = setInterval(() => rss.push(rssKiB(host.child.pid)), 1000);
    await Promise.all(Array.from({ length: CLIENTS }, async (_, c) => {
      for (let n = c; Date.now() < end; n += CLIENTS) {
        const n_acked = await visit(host.url, n);

        acked += n_acked;
        visits++;
      }
    }));
    clearInterval(sampler);

    assert.ok(visits > CLIENTS, `only ${visits} visits`);
    console.log(`${visits} visits, ${acked} messages acknowledged; RSS (KiB, each second): ${rss.join(" ")}`);
    if (!UNDER_ASAN && rss.length >= 10) {
      const middle = rss[Math.floor(rss.length / 2)];
      const last = rss[rss.length - 1];

      assert.ok(last <= middle * 1.1 + 2048, `RSS kept growing: ${middle} KiB halfway, ${last} KiB at the end`);
    }
  } finally {
    host.child.kill('SIGTERM');
    const { code, signal } = await host.exited;

    rmSync(host.dataDir, { recursive: true, force: true });
    assert.equal(signal, null, `tincan ended by ${signal}: ${host.log().slice(-6000)}`);
    assert.equal(code, 0, `tincan exited with ${code} (a leak report ends the sanitizer build so): ${host.log().slice(-6000)}`);
  }
});
