// hostile.mjs
//
// SPDX-FileCopyrightText: 2026 The Tincan authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Hostile and broken clients against `tincan --headless`, one attack at a time, while a
// well-behaved socket.io-client keeps chatting from another address. For each attack the test
// asserts what the server must do (refuse, close, time out) and that the good client got an
// answer to every request; it also records the good client's round trips and the host's memory
// before and after, and writes them as a Markdown table (hostile.md in TINCAN_ARTIFACTS) for the
// README. Round trips are reported, not asserted: timing is for benchmarks (DEVELOPERS.md); a
// hang still fails, through the hang guard.
//
// Attackers connect from 127.0.0.2 and up (Linux routes all of 127/8 to loopback), the good
// client from 127.0.0.1, so the per-address caps see them as different machines.

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { HANG_GUARD_MS, io, startHeadless } from './lib.mjs';

const PER_ADDRESS = 40;
const MAX_CONNECTIONS = 600;
const REQUEST_TIMEOUT_S = 2;
const UNDER_ASAN = Boolean(process.env.ASAN_OPTIONS);

let host;
let good;
const rows = [];

// ---- the host -----------------------------------------------------------------------------

function startHost () {
  return startHeadless([
    '--max-connections', String(MAX_CONNECTIONS), '--max-per-address', String(PER_ADDRESS),
    '--request-timeout', String(REQUEST_TIMEOUT_S),
  ]);
}

function rssKiB () {
  const status = readFileSync(`/proc/${host.child.pid}/status`, 'utf8');

  return Number(status.match(/VmRSS:\s+(\d+)/)[1]);
}

// ---- the good client ----------------------------------------------------------------------

// Joins the room and keeps asking something with an ack (a rename to its own name) every
// 20 ms, recording each round trip. Every request must be answered. It runs on a worker thread:
// the attacks keep this thread's event loop busy, which must not count as the server's delay.
const goodClientSource = `
  import { parentPort, workerData } from 'node:worker_threads';
  import { setTimeout as sleep } from 'node:timers/promises';
  const { io, HANG_GUARD_MS } = await import(workerData.lib);
  const socket = io(workerData.url, {
    transports: ['websocket'],
    auth: { client: 'tincan', nick: 'good', kind: 'terminal' },
    reconnection: false,
  });
  let running = true;
  parentPort.on('message', (m) => { if (m === 'stop') running = false; });
  socket.once('connect_error', (err) => parentPort.postMessage({ failure: String(err) }));
  socket.once('connect', async () => {
    parentPort.postMessage({ connected: true });
    while (running) {
      const start = process.hrtime.bigint();
      try {
        await socket.timeout(HANG_GUARD_MS).emitWithAck('nick', 'good');
      } catch (err) {
        parentPort.postMessage({ failure: String(err) });
        break;
      }
      parentPort.postMessage({ rtt: Number(process.hrtime.bigint() - start) / 1e6 });
      await sleep(20);
    }
    socket.close();
    parentPort.postMessage({ done: true });
  });
`;

async function startGoodClient () {
  const { Worker } = await import('node:worker_threads');
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(goodClientSource)}`), {
    workerData: { url: host.url, lib: new URL('./lib.mjs', import.meta.url).href },
  });
  const client = { worker, samples: [], failure: null };

  client.done = new Promise((resolve) => {
    worker.on('message', (m) => {
      if (m.rtt !== undefined)
        client.samples.push(m.rtt);
      if (m.failure)
        client.failure = m.failure;
      if (m.done)
        resolve();
    });
    worker.on('error', (err) => {
      client.failure = String(err);
      resolve();
    });
  });
  await new Promise((resolve, reject) => {
    worker.on('message', (m) => (m.connected ? resolve() : m.failure && reject(new Error(m.failure))));
  });
  // Something answered in the main thread too, to check the server after each attack.
  client.probe = io(host.url, { transports: ['websocket'], auth: { client: 'tincan', nick: 'probe', kind: 'terminal' } });
  await new Promise((resolve) => client.probe.once('connect', resolve));
  return client;
}

function takeSamples () {
  const samples = good.samples.splice(0).sort((a, b) => a - b);

  assert.equal(good.failure, null, `the good client lost an answer: ${good.failure}`);
  assert.ok(samples.length > 0, 'the good client got no answers during the attack');
  return {
    n: samples.length,
    p99: samples[Math.min(samples.length - 1, Math.floor(samples.length * 0.99))],
    max: samples[samples.length - 1],
  };
}

// Runs one attack and records a row: what was tried, the limit, what the server did.
async function attack (name, limit, run) {
  const baseline = rssKiB();

  good.samples.splice(0);
  const outcome = await run();
  const during = takeSamples();
  const peak = rssKiB();

  // Let closes and timers settle, then make sure the good client is still served.
  await sleep(500);
  await good.probe.timeout(HANG_GUARD_MS).emitWithAck('nick', 'probe');
  assert.ok(host.alive(), `tincan died during "${name}": ${host.log().slice(-4000)}`);
  rows.push({ name, limit, outcome, during, baseline, peak, after: rssKiB() });
}

// ---- attack tools -------------------------------------------------------------------------

let nextAttacker = 2;

// A fresh attacker address each time, so the per-address caps start from zero.
function attackerAddress () {
  return `127.0.0.${nextAttacker++}`;
}

function connectRaw (localAddress) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port: host.port, localAddress });
    const state = { socket, data: Buffer.alloc(0), closed: false };

    socket.on('data', (chunk) => { state.data = Buffer.concat([state.data, chunk]); });
    socket.on('close', () => { state.closed = true; });
    socket.on('error', () => { state.closed = true; });
    socket.once('connect', () => resolve(state));
    socket.once('error', () => resolve(state));
  });
}

async function waitFor (what, condition) {
  const deadline = Date.now() + HANG_GUARD_MS * 3;

  while (!condition()) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

// A WebSocket handshake on a raw connection; resolves once the 101 is in.
async function rawWebSocket (localAddress, query = 'EIO=4&transport=websocket') {
  const raw = await connectRaw(localAddress);

  raw.socket.write(`GET /socket.io/?${query} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n` +
                   'Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
                   'Sec-WebSocket-Version: 13\r\n\r\n');
  await waitFor('a 101', () => raw.data.includes('\r\n\r\n') || raw.closed);
  assert.match(raw.data.toString('latin1'), /^HTTP\/1\.1 101/);
  raw.data = raw.data.subarray(raw.data.indexOf('\r\n\r\n') + 4);
  return raw;
}

// A masked client frame (RFC 6455 5.2).
function frame (opcode, payload) {
  const body = Buffer.from(payload);
  const mask = Buffer.from([1, 2, 3, 4]);
  let header;

  if (body.length < 126) {
    header = Buffer.from([0x80 | opcode, 0x80 | body.length]);
  } else if (body.length < 65536) {
    header = Buffer.from([0x80 | opcode, 0x80 | 126, body.length >> 8, body.length & 0xff]);
  } else {
    header = Buffer.alloc(10);
    header[0] = 0x80 | opcode;
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(body.length), 2);
  }
  for (let i = 0; i < body.length; i++)
    body[i] ^= mask[i % 4];
  return Buffer.concat([header, mask, body]);
}

// The status code of the close frame the server sent, if any.
function closeCode (raw) {
  for (let i = 0; i + 1 < raw.data.length;) {
    const opcode = raw.data[i] & 0x0f;
    let len = raw.data[i + 1] & 0x7f;
    let offset = i + 2;

    if (len === 126) {
      len = raw.data.readUInt16BE(offset);
      offset += 2;
    } else if (len === 127) {
      len = Number(raw.data.readBigUInt64BE(offset));
      offset += 8;
    }
    if (opcode === 0x8 && len >= 2)
      return raw.data.readUInt16BE(offset);
    i = offset + len;
  }
  return null;
}

// ---- the run ------------------------------------------------------------------------------

before(async () => {
  host = await startHost();
  good = await startGoodClient();
});

after(async () => {
  if (good) {
    good.worker.postMessage('stop');
    await good.done;
    await good.worker.terminate();
    good.probe.close();
  }
  if (host?.alive()) {
    host.child.kill('SIGTERM');
    await new Promise((resolve) => host.child.once('exit', resolve));
  }
  if (host)
    rmSync(host.dataDir, { recursive: true, force: true });
  if (rows.length > 0)
    writeTable();
});

test('idle connections from one address are capped', async () => {
  await attack('2,000 idle TCP connections from one address', `${PER_ADDRESS} connections per address`, async () => {
    const address = attackerAddress();
    const raws = [];

    for (let i = 0; i < 2000; i++)
      raws.push(connectRaw(address));
    const opened = await Promise.all(raws);
    await waitFor('the refused ones to be closed', () => opened.filter((r) => r.closed).length >= 2000 - PER_ADDRESS);
    const refused = opened.filter((r) => r.closed).length;
    assert.ok(refused >= 2000 - PER_ADDRESS, `${refused} refused`);
    // The ones let in send nothing and are closed by the request timeout.
    await waitFor('the idle ones to time out', () => opened.every((r) => r.closed));
    return `refused ${refused} at once; closed the other ${2000 - refused} after ${REQUEST_TIMEOUT_S} s without a request`;
  });
});

async function totalCapAttack () {
  const opened = [];

  for (let a = 0; a < 20; a++) {
    const address = attackerAddress();

    for (let i = 0; i < (MAX_CONNECTIONS + 200) / 20; i++)
      opened.push(connectRaw(address));
  }
  const raws = await Promise.all(opened);
  await waitFor('the ones over the cap to be closed', () => raws.filter((r) => r.closed).length >= 200);
  const refused = raws.filter((r) => r.closed).length;
  await waitFor('the rest to time out', () => raws.every((r) => r.closed));
  return `refused ${refused} over the cap; the established client kept its connection; the rest closed after ${REQUEST_TIMEOUT_S} s`;
}

test('connections from many addresses hit the total cap', async () => {
  await attack(`${MAX_CONNECTIONS + 200} idle connections from 20 addresses`, `${MAX_CONNECTIONS} connections in all`, totalCapAttack);
});

test('slowloris: headers and bodies trickled', async () => {
  await attack('slowloris: 30 requests trickling a header line (or body byte) every 300 ms', `whole request within ${REQUEST_TIMEOUT_S} s`, async () => {
    const address = attackerAddress();
    const raws = await Promise.all(Array.from({ length: 30 }, () => connectRaw(address)));
    const started = Date.now();
    let ticks = 0;

    raws.forEach((raw, i) => raw.socket.write(i % 2
      ? 'GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n'
      : 'POST /socket.io/?EIO=4&transport=polling&sid=x HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n'));
    while (!raws.every((r) => r.closed)) {
      for (const raw of raws.filter((r) => !r.closed))
        raw.socket.write(raw === raws[0] || raws.indexOf(raw) % 2 ? `X-Trickle-${ticks}: 1\r\n` : 'x');
      ticks++;
      assert.ok(Date.now() - started < HANG_GUARD_MS * 3, 'trickling connections were never closed');
      await sleep(300);
    }
    assert.ok(raws.every((r) => r.data.length === 0), 'a trickled request got an answer');
    return `closed all 30 without an answer, about ${REQUEST_TIMEOUT_S} s after they began`;
  });
});

test('sessions that never join a namespace, and handshake floods', async () => {
  await attack('200 Engine.IO sessions that never join a namespace, from one address', `${PER_ADDRESS} sessions per address (default 32)`, async () => {
    const address = attackerAddress();
    const agent = new (await import('node:http')).Agent({ keepAlive: false, localAddress: address });
    const http = await import('node:http');
    let refused = 0;
    let opened = 0;

    for (let i = 0; i < 200; i++) {
      const status = await new Promise((resolve) => {
        http.get(`${host.url}/socket.io/?EIO=4&transport=polling`, { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode));
        }).on('error', () => resolve(0));
      });
      if (status === 200)
        opened++;
      else if (status === 403)
        refused++;
    }
    assert.equal(opened, PER_ADDRESS);
    assert.equal(refused, 200 - PER_ADDRESS);
    return `opened ${opened}, refused ${refused} with 403 "Too many sessions from this address"; the open ones end at connectTimeout (45 s)`;
  });
});

test('upgrades started and abandoned', async () => {
  await attack('30 WebSocket upgrades probed and never finished', 'upgradeTimeout 10 s', async () => {
    const address = attackerAddress();
    const http = await import('node:http');
    const agent = new http.Agent({ keepAlive: false, localAddress: address });
    const probes = [];

    for (let i = 0; i < 30; i++) {
      const body = await new Promise((resolve) => {
        http.get(`${host.url}/socket.io/?EIO=4&transport=polling`, { agent }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c) => { text += c; });
          res.on('end', () => resolve(text));
        });
      });
      const sid = JSON.parse(body.slice(1)).sid;
      const raw = await rawWebSocket(address, `EIO=4&transport=websocket&sid=${sid}`);

      raw.socket.write(frame(1, '2probe'));
      probes.push(raw);
    }
    await waitFor('the probes to be answered', () => probes.every((r) => r.data.includes('3probe')));
    probes.forEach((raw) => raw.socket.destroy());
    return 'answered every probe; the sessions stay on polling until they time out';
  });
});

test('ping and message floods', async () => {
  await attack('floods: client pings, and 5,000 events as fast as possible, on 10 sessions', '100 packets/s per session', async () => {
    const address = attackerAddress();
    const pingers = await Promise.all(Array.from({ length: 5 }, () => rawWebSocket(address)));
    const flooders = await Promise.all(Array.from({ length: 5 }, () => rawWebSocket(address)));

    pingers.forEach((raw) => raw.socket.write(frame(1, '2')));
    for (const raw of flooders) {
      raw.socket.write(frame(1, '40'));
      const burst = [];
      for (let i = 0; i < 1000; i++)
        burst.push(frame(1, '42["typing",true]'));
      raw.socket.write(Buffer.concat(burst));
    }
    await waitFor('every flooder to be closed', () => [...pingers, ...flooders].every((r) => r.closed));
    return 'closed the pingers (a v4 client must not ping) and each flooder after its first second of packets';
  });
});

test('1 MB frames in a loop', async () => {
  await attack('50 connections each sending a 1 MB frame', 'maxPayload 1,000,000 bytes', async () => {
    const address = attackerAddress();
    const big = frame(1, '4' + 'x'.repeat(1_000_000));
    let closedWith1009 = 0;

    for (let i = 0; i < 50; i++) {
      const raw = await rawWebSocket(address);

      raw.socket.write(big);
      await waitFor('the close', () => raw.closed);
      if (closeCode(raw) === 1009)
        closedWith1009++;
    }
    assert.equal(closedWith1009, 50);
    return 'closed each with 1009 (message too big), the frame never buffered whole';
  });
});

test('10,000 namespaces requested', async () => {
  await attack('10,000 CONNECTs to made-up namespaces over 100 sessions', 'one namespace (/) and 100 packets/s', async () => {
    let errors = 0;

    for (let batch = 0; batch < 4; batch++) {
      const address = attackerAddress();
      const raws = await Promise.all(Array.from({ length: 25 }, () => rawWebSocket(address)));

      raws.forEach((raw, r) => {
        const frames = [];
        for (let i = 0; i < 100; i++)
          frames.push(frame(1, `40/ns-${batch}-${r}-${i},`));
        raw.socket.write(Buffer.concat(frames));
      });
      await waitFor('the answers', () => raws.every((raw) => raw.data.toString('latin1').split('Invalid namespace').length - 1 >= 90 || raw.closed));
      for (const raw of raws) {
        errors += raw.data.toString('latin1').split('Invalid namespace').length - 1;
        raw.socket.destroy();
      }
    }
    assert.ok(errors >= 9000, `${errors} "Invalid namespace" answers`);
    return `answered ${errors} with "Invalid namespace", created none`;
  });
});

test('binary attachment counts that lie', async () => {
  await attack('binary events whose attachment count lies (too many, never sent, or more than announced)', 'at most 10 attachments, each within maxPayload', async () => {
    const address = attackerAddress();
    const closed = [];

    // Claims 11: over the limit, a parse error.
    const tooMany = await rawWebSocket(address);
    tooMany.socket.write(frame(1, '40'));
    tooMany.socket.write(frame(1, '4511-["message",{"_placeholder":true,"num":0}]'));
    closed.push(tooMany);

    // Claims 2, sends 3.
    const extra = await rawWebSocket(address);
    extra.socket.write(frame(1, '40'));
    extra.socket.write(frame(1, '452-["message",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]'));
    extra.socket.write(frame(2, Buffer.from([1])));
    extra.socket.write(frame(2, Buffer.from([2])));
    extra.socket.write(frame(2, Buffer.from([3])));
    closed.push(extra);

    // Claims 1, sends a text packet instead.
    const missing = await rawWebSocket(address);
    missing.socket.write(frame(1, '40'));
    missing.socket.write(frame(1, '451-["message",{"_placeholder":true,"num":0}]'));
    missing.socket.write(frame(1, '42["message","not an attachment"]'));
    closed.push(missing);

    await waitFor('each liar to be closed', () => closed.every((r) => r.closed));
    return 'closed each with a parse error';
  });
});

test('the heaviest attack again: memory does not grow', async () => {
  await attack(`${MAX_CONNECTIONS + 200} idle connections from 20 addresses, again`, `${MAX_CONNECTIONS} connections in all`, totalCapAttack);
  const first = rows.find((row) => row.name.startsWith(`${MAX_CONNECTIONS + 200} idle`));
  const again = rows[rows.length - 1];

  if (!UNDER_ASAN)
    assert.ok(again.after <= first.after + 1024, `RSS after the first run ${first.after} KiB, after the second ${again.after} KiB`);
});

test('a page on another origin gets no CORS grant', async () => {
  const http = await import('node:http');
  const ask = (method) => new Promise((resolve, reject) => {
    const req = http.request(`${host.url}/socket.io/?EIO=4&transport=polling`, {
      method,
      headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'POST' },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.headers));
    });
    req.on('error', reject);
    req.end();
  });

  for (const method of ['GET', 'OPTIONS']) {
    const headers = await ask(method);

    assert.equal(headers['access-control-allow-origin'], undefined, `${method}: ${JSON.stringify(headers)}`);
    assert.equal(headers['access-control-allow-credentials'], undefined, method);
  }
});

// ---- the report ---------------------------------------------------------------------------

function writeTable () {
  const mib = (kib) => (kib / 1024).toFixed(1);
  const lines = [
    `Good client's round trips during each attack (target: under 100 ms) and the host's memory (RSS, MiB).${UNDER_ASAN ? ' Under ASan: slower, and memory includes its quarantine.' : ''}`,
    '',
    '| attack | limit | what the server did | round trip p99 / max (ms) | memory before → peak → after |',
    '| --- | --- | --- | --- | --- |',
  ];

  for (const row of rows) {
    lines.push(`| ${row.name} | ${row.limit} | ${row.outcome} | ${row.during.p99.toFixed(1)} / ${row.during.max.toFixed(1)} ` +
               `(${row.during.n} asked) | ${mib(row.baseline)} → ${mib(row.peak)} → ${mib(row.after)} |`);
  }
  const table = lines.join('\n') + '\n';
  const dir = process.env.TINCAN_ARTIFACTS;

  console.log(table);
  if (dir) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'hostile.md'), table);
  }
}

test('memory stays within 16 MiB of where it started', { skip: UNDER_ASAN && 'ASan keeps freed memory in quarantine' }, async () => {
  const first = rows[0];
  const last = rows[rows.length - 1];

  assert.ok(rows.length >= 10, 'every attack ran');
  // glibc keeps some freed memory for reuse rather than returning it: allow a few MiB.
  assert.ok(last.after - first.baseline < 16 * 1024,
            `RSS went from ${first.baseline} KiB to ${last.after} KiB over the attacks`);
});
