// dialects.mjs
//
// SPDX-FileCopyrightText: 2026 The Tincan authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The real npm socket.io-client (4.8.1) chatting through `tincan --headless` in the dialects of
// docs/protocol.md: the getting-started tutorial ('chat message'), the official chat demo
// (examples/chat) and Tincan's own, alone and all in one room.
//
// The tutorial and demo tests also run against a reference: those two servers as written in
// the socket.io tutorial and examples/chat, on socket.io 4.8.4. A client written for them must
// see the same events with the same arguments from Tincan.
//
// Nothing here asserts on time. "X did not receive Y" is proven by a round trip on X's own
// connection (a namespace that does not exist, answered with connect_error after everything
// sent to X before); timers only turn a hang into a failure (HANG_GUARD_MS).
//
//   TINCAN_BIN=<builddir>/app/tincan node --test dialects.mjs

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const HANG_GUARD_MS = 10_000;

// ---- dependencies -------------------------------------------------------------------------

// The versions package.json pins: a stale node_modules must not test something else.
const PINNED = { 'socket.io-client': '4.8.1', 'socket.io': '4.8.4' };

function checkDependencies () {
  const fix = 'run `npm ci --prefix tests/interop-dialects` (from the source tree root) to install ' +
              'the pinned socket.io packages from tests/interop-dialects/package-lock.json';

  if (!existsSync(join(here, 'node_modules')))
    throw new Error(`tests/interop-dialects/node_modules is missing: ${fix}`);
  for (const [name, version] of Object.entries(PINNED)) {
    const manifest = join(here, 'node_modules', name, 'package.json');

    if (!existsSync(manifest))
      throw new Error(`tests/interop-dialects/node_modules/${name} is missing: ${fix}`);
    const found = JSON.parse(readFileSync(manifest, 'utf8')).version;
    if (found !== version)
      throw new Error(`tests/interop-dialects/node_modules/${name} is ${found}, not the pinned ${version}: ${fix}`);
  }
}

checkDependencies();

const { io } = await import('socket.io-client');
const { Server } = await import('socket.io');

// ---- hang guards --------------------------------------------------------------------------

function guarded (promise, what) {
  let timer;
  const timeout = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what} (hang guard, ${HANG_GUARD_MS} ms)`)),
                       HANG_GUARD_MS);
    timer.unref();
  });

  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// Every `event` on socket from now on; next() resolves with the next unread one's arguments.
function record (socket, event) {
  const events = [];
  const waiters = [];
  let read = 0;

  socket.on(event, (...args) => {
    events.push(args);
    while (waiters.length > 0 && read < events.length)
      waiters.shift()(events[read++]);
  });

  return {
    events,
    next () {
      if (read < events.length)
        return Promise.resolve(events[read++]);
      return guarded(new Promise((resolve) => waiters.push(resolve)), `"${event}" on ${socket.label}`);
    },
    // How many arrived that nobody read.
    get unread () {
      return events.length - read;
    },
  };
}

function once (socket, event) {
  return guarded(new Promise((resolve) => socket.once(event, (...args) => resolve(args))),
                 `"${event}" on ${socket.label}`);
}

function emitAck (socket, event, ...args) {
  return guarded(new Promise((resolve) => socket.emit(event, ...args, (reply) => resolve(reply))),
                 `the ack of "${event}" on ${socket.label}`);
}

// A round trip on socket's own connection, answered by any Socket.IO server.
let syncs = 0;
async function roundTrip (socket) {
  const probe = socket.io.socket(`/no-such-namespace-${++syncs}`);
  const error = once(probe, 'connect_error');

  probe.connect();
  assert.equal((await error)[0].message, 'Invalid namespace');
  probe.disconnect();
}

// ---- servers ------------------------------------------------------------------------------

// `tincan --headless` on a fresh data folder; resolves once it printed where it listens.
async function startTincan (...extra) {
  const bin = process.env.TINCAN_BIN;

  if (!bin)
    throw new Error('TINCAN_BIN is not set: run these tests with `meson test --suite interop`, or set ' +
                    'TINCAN_BIN=<builddir>/app/tincan');
  if (!existsSync(bin))
    throw new Error(`TINCAN_BIN=${bin} does not exist; build it first`);

  const dataDir = mkdtempSync(join(tmpdir(), 'tincan-interop-'));
  const child = spawn(bin, ['--headless', '--port', '0', '--bind', '127.0.0.1', '--data-dir', dataDir,
                            '--nick', 'Host', ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Our warnings and criticals are bugs (STYLE.md §7): make them crash it.
    env: { ...process.env, G_DEBUG: 'fatal-warnings', HOME: dataDir, XDG_DATA_HOME: dataDir },
  });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const killOnExit = () => child.kill('SIGKILL');
  let stderr = '';
  let stdout = '';

  process.on('exit', killOnExit);
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-8000);
  });
  child.stdout.setEncoding('utf8');

  const url = await guarded(new Promise((resolve, reject) => {
    child.on('error', (err) => reject(new Error(`cannot start ${bin}: ${err.message}`)));
    exited.then(({ code, signal }) => reject(new Error(`tincan exited before listening (code ${code}, ` +
                                                       `signal ${signal}): ${stderr}`)));
    child.stdout.on('data', (chunk) => {
      const match = (stdout += chunk).match(/^Tincan listening on (http:\/\/127\.0\.0\.1:\d+)\/$/m);

      if (match)
        resolve(match[1]);
    });
  }), 'the "Tincan listening on" line');

  return {
    kind: 'tincan',
    url,
    get stdout () {
      return stdout;
    },
    async stop () {
      process.off('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`tincan died during the tests (code ${child.exitCode}, signal ${child.signalCode}): ` +
                        stderr);
      child.kill('SIGTERM');
      const { code, signal } = await guarded(exited, 'tincan to exit after SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
      assert.equal(code, 0, `tincan did not exit cleanly on SIGTERM (signal ${signal}): ${stderr}`);
    },
  };
}

// The two servers a tutorial reader would have written, on one socket.io server: the
// getting-started tutorial's handler and examples/chat/index.js, verbatim in behaviour.
async function startReference () {
  const http = createServer();
  const server = new Server(http);
  let numUsers = 0;

  server.on('connection', (socket) => {
    // https://socket.io/docs/v4/tutorial/step-5
    socket.on('chat message', (msg) => {
      server.emit('chat message', msg);
    });

    // https://github.com/socketio/socket.io/blob/main/examples/chat/index.js
    let addedUser = false;

    socket.on('new message', (data) => {
      socket.broadcast.emit('new message', { username: socket.username, message: data });
    });
    socket.on('add user', (username) => {
      if (addedUser)
        return;
      socket.username = username;
      ++numUsers;
      addedUser = true;
      socket.emit('login', { numUsers });
      socket.broadcast.emit('user joined', { username: socket.username, numUsers });
    });
    socket.on('typing', () => {
      socket.broadcast.emit('typing', { username: socket.username });
    });
    socket.on('stop typing', () => {
      socket.broadcast.emit('stop typing', { username: socket.username });
    });
    socket.on('disconnect', () => {
      if (addedUser) {
        --numUsers;
        socket.broadcast.emit('user left', { username: socket.username, numUsers });
      }
    });
  });

  await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    kind: 'reference',
    url: `http://127.0.0.1:${http.address().port}`,
    async stop () {
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

// ---- clients ------------------------------------------------------------------------------

const clients = new Set();

function client (server, label, opts = {}) {
  const socket = io(server.url, { forceNew: true, reconnection: false, ...opts });

  socket.label = label;
  clients.add(socket);
  return socket;
}

async function connected (socket) {
  if (!socket.connected) {
    const result = await guarded(new Promise((resolve) => {
      socket.once('connect', () => resolve(null));
      socket.once('connect_error', (err) => resolve(err));
    }), `"connect" on ${socket.label}`);

    if (result)
      throw new Error(`${socket.label}: connect_error ${result.message} ${JSON.stringify(result.data)}`);
  }
  return socket;
}

async function connectError (socket) {
  const result = await guarded(new Promise((resolve) => {
    socket.once('connect', () => resolve(null));
    socket.once('connect_error', (err) => resolve(err));
  }), `"connect_error" on ${socket.label}`);

  assert.ok(result, `${socket.label} connected; expected connect_error`);
  return result;
}

function closeClients () {
  for (const socket of clients)
    socket.disconnect();
  clients.clear();
}

// A Tincan-dialect client; resolves with [socket, welcome].
async function tincanClient (server, nick, extra = {}) {
  const socket = client(server, nick, { auth: { client: 'tincan', nick, kind: 'terminal', ...extra } });
  const welcome = once(socket, 'welcome');

  await connected(socket);
  return [socket, (await welcome)[0]];
}

// ---- tutorial and demo, against Tincan and the reference ----------------------------------

for (const start of [startTincan, startReference]) {
  describe(start === startTincan ? 'tincan' : 'reference', () => {
    let server;

    // A fresh server for each: Tincan would replay one test's lines to the next one's joiners.
    beforeEach(async () => {
      server = await start();
    });
    afterEach(async () => {
      closeClients();
      await server.stop();
    });

    test("'chat message': everyone, the sender included, gets the string", async () => {
      // One over long-polling only, one upgraded to WebSocket: both transports.
      const a = await connected(client(server, 'a', { transports: ['polling'] }));
      const b = await connected(client(server, 'b'));
      const linesA = record(a, 'chat message');
      const linesB = record(b, 'chat message');

      a.emit('chat message', 'hello <b>world</b>');
      assert.deepEqual(await linesA.next(), ['hello <b>world</b>']);
      assert.deepEqual(await linesB.next(), ['hello <b>world</b>']);
      b.emit('chat message', 'hi a');
      assert.deepEqual(await linesA.next(), ['hi a']);
      assert.deepEqual(await linesB.next(), ['hi a']);

      await roundTrip(a);
      await roundTrip(b);
      assert.equal(linesA.unread, 0);
      assert.equal(linesB.unread, 0);
      a.disconnect();
      b.disconnect();
    });

    test('official chat demo: login, user joined, new message, typing, user left', async () => {
      const dora = await connected(client(server, 'dora'));
      const eve = await connected(client(server, 'eve', { transports: ['polling'] }));
      const doraLogin = once(dora, 'login');
      const doraJoined = record(dora, 'user joined');
      const doraMessages = record(dora, 'new message');
      const doraTyping = record(dora, 'typing');
      const doraStopTyping = record(dora, 'stop typing');
      const doraLeft = record(dora, 'user left');
      const eveMessages = record(eve, 'new message');
      const eveTyping = record(eve, 'typing');

      dora.emit('add user', 'dora');
      const [{ numUsers }] = await doraLogin;
      assert.equal(typeof numUsers, 'number');
      assert.ok(numUsers >= 1);

      const eveLogin = once(eve, 'login');
      eve.emit('add user', 'eve');
      assert.deepEqual(await eveLogin, [{ numUsers: numUsers + 1 }]);
      assert.deepEqual(await doraJoined.next(), [{ username: 'eve', numUsers: numUsers + 1 }]);

      // Not echoed to its author: the demo page shows its own line itself.
      eve.emit('new message', 'hello dora');
      assert.deepEqual(await doraMessages.next(), [{ username: 'eve', message: 'hello dora' }]);
      eve.emit('typing');
      assert.deepEqual(await doraTyping.next(), [{ username: 'eve' }]);
      eve.emit('stop typing');
      assert.deepEqual(await doraStopTyping.next(), [{ username: 'eve' }]);
      await roundTrip(eve);
      assert.equal(eveMessages.unread, 0);
      assert.equal(eveTyping.unread, 0);

      dora.emit('new message', 'hi eve');
      assert.deepEqual(await eveMessages.next(), [{ username: 'dora', message: 'hi eve' }]);

      eve.disconnect();
      assert.deepEqual(await doraLeft.next(), [{ username: 'eve', numUsers }]);
      await roundTrip(dora);
      assert.equal(doraMessages.unread, 0);
      dora.disconnect();
    });
  });
}

// ---- Tincan only: one room across dialects ------------------------------------------------

describe('tincan: one room, every dialect', () => {
  let server;

  before(async () => {
    server = await startTincan();
  });
  after(async () => {
    closeClients();
    await server.stop();
  });

  test('tutorial, demo and tincan clients each see the others in their own format', async () => {
    const [kim, welcome] = await tincanClient(server, 'kim');
    const tut = await connected(client(server, 'tutorial'));
    const demo = await connected(client(server, 'demo', { transports: ['polling'] }));
    const kimMessages = record(kim, 'message');
    const kimJoined = record(kim, 'user-joined');
    const tutLines = record(tut, 'chat message');
    const demoMessages = record(demo, 'new message');
    const demoJoined = record(demo, 'user joined');

    assert.equal(welcome.room.host, 'Host');
    assert.deepEqual(welcome.you, { id: kim.id, nick: 'kim', client: 'terminal', typing: false });
    assert.deepEqual(welcome.history, []);

    const login = once(demo, 'login');
    demo.emit('add user', 'dora');
    assert.deepEqual(await login, [{ numUsers: 3 }]);   // Host, kim, dora
    assert.deepEqual(await kimJoined.next(), [{ id: demo.id, nick: 'dora', client: 'tutorial', typing: false }]);

    // The tutorial: its own line bare, as the tutorial prints it; named for the others.
    tut.emit('chat message', 'from the tutorial');
    assert.deepEqual(await tutLines.next(), ['from the tutorial']);
    assert.deepEqual(await demoJoined.next(), [{ username: 'guest-1', numUsers: 4 }]);
    assert.deepEqual(await demoMessages.next(), [{ username: 'guest-1', message: 'from the tutorial' }]);
    assert.deepEqual((await kimJoined.next())[0].nick, 'guest-1');
    {
      const [m] = await kimMessages.next();

      assert.equal(m.kind, 'chat');
      assert.equal(m.from, 'guest-1');
      assert.equal(m.text, 'from the tutorial');
      assert.equal(typeof m.id, 'number');
      assert.equal(typeof m.time, 'number');
    }

    // The demo: everyone but its author.
    demo.emit('new message', 'from the demo');
    assert.deepEqual(await tutLines.next(), ['dora: from the demo']);
    assert.equal((await kimMessages.next())[0].text, 'from the demo');

    // Tincan: acknowledged once stored, markup kept as characters.
    const ack = await emitAck(kim, 'message', '<script>alert(1)</script>');
    assert.equal(ack.ok, true);
    assert.equal(ack.message.from, 'kim');
    assert.equal(ack.message.text, '<script>alert(1)</script>');
    assert.deepEqual(await kimMessages.next(), [ack.message]);
    assert.deepEqual(await tutLines.next(), ['kim: <script>alert(1)</script>']);
    assert.deepEqual(await demoMessages.next(), [{ username: 'kim', message: '<script>alert(1)</script>' }]);

    // Typing, tincan to demo.
    const demoTyping = once(demo, 'typing');
    kim.emit('typing', true);
    assert.deepEqual(await demoTyping, [{ username: 'kim' }]);

    // A tutorial client that asked for an ack gets it after storing.
    const tutAck = await emitAck(tut, 'chat message', 'acked');
    assert.equal(tutAck.ok, true);
    assert.equal(tutAck.message.text, 'acked');
    assert.deepEqual(await tutLines.next(), ['acked']);
    assert.deepEqual(await demoMessages.next(), [{ username: 'guest-1', message: 'acked' }]);

    // The host's terminal printed every line.
    for (const line of ['guest-1: from the tutorial', 'dora: from the demo', 'kim: <script>alert(1)</script>'])
      assert.ok(server.stdout.includes(`${line}\n`), `stdout lacks "${line}": ${server.stdout}`);

    // Nothing twice, nothing to the demo's author.
    await roundTrip(tut);
    await roundTrip(demo);
    await roundTrip(kim);
    assert.equal(tutLines.unread, 0);
    assert.equal(demoMessages.unread, 0);
    assert.equal(kimMessages.unread, 1);   // "acked"
  });

  test('a late joiner gets the history in its own dialect', async () => {
    const listener = client(server, 'late tutorial');
    const lines = record(listener, 'chat message');
    const [, welcome] = await tincanClient(server, 'late');

    await connected(listener);
    assert.deepEqual(welcome.history.map((m) => `${m.from}: ${m.text}`), [
      'guest-1: from the tutorial',
      'dora: from the demo',
      'kim: <script>alert(1)</script>',
      'guest-1: acked',
    ]);
    // A tutorial page that only listens sees the conversation so far.
    await roundTrip(listener);
    assert.deepEqual(lines.events.map((args) => args[0]), [
      'from the tutorial',
      'dora: from the demo',
      'kim: <script>alert(1)</script>',
      'acked',
    ]);
  });

  test('a taken nickname is refused with data.code "nick-taken"', async () => {
    const socket = client(server, 'KIM', { auth: { client: 'tincan', nick: 'KIM' } });
    const err = await connectError(socket);

    assert.equal(err.data?.code, 'nick-taken');
    assert.match(err.message, /KIM/);
  });
});

describe('tincan: passcode', () => {
  let server;

  before(async () => {
    server = await startTincan('--passcode', 'sesame');
  });
  after(async () => {
    closeClients();
    await server.stop();
  });

  test('tincan clients give it in auth', async () => {
    let err = await connectError(client(server, 'none', { auth: { client: 'tincan', nick: 'a' } }));
    assert.equal(err.data?.code, 'passcode');
    err = await connectError(client(server, 'wrong', { auth: { client: 'tincan', nick: 'a', passcode: 'x' } }));
    assert.equal(err.data?.code, 'passcode');
    await tincanClient(server, 'a', { passcode: 'sesame' });
  });

  test('tutorial clients give it in the URL', async () => {
    const err = await connectError(client(server, 'none'));
    assert.equal(err.data?.code, 'passcode');

    const tut = await connected(client(server, 'tutorial', { query: { passcode: 'sesame' } }));
    const lines = record(tut, 'chat message');
    tut.emit('chat message', 'in');
    assert.deepEqual(await lines.next(), ['in']);
  });
});
