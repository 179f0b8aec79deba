// lib.mjs
//
// SPDX-FileCopyrightText: 2026 The Tincan authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Shared helpers for the interop tests: they run the real npm socket.io-client against
// tests/conformance-server (--mode interop), or against reference-server.mjs (socket.io on Node)
// when INTEROP_SERVER=reference, so every script can be checked against both.
//
// Nothing here asserts on time. Timers only turn a hang into a failure with a message
// (HANG_GUARD_MS); "X did not receive Y" is always proven by a later round trip on X's
// own connection, which the server answers after anything it sent X before.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

// Generous: the sanitizer build on a busy machine starts and answers slowly, and a guard only
// tells a hang from a pass.
export const HANG_GUARD_MS = 30_000;

// ---- dependencies -------------------------------------------------------------------------

// The versions package.json pins; a stale node_modules must not test something else.
const PINNED = {
  'socket.io-client': '4.8.1',
  'socket.io': '4.8.4',
  'socket.io-client-v2': '2.5.0',
};

function checkDependencies () {
  const fix = 'run `npm ci --prefix tests/interop` (from the source tree root) to install ' +
              'the pinned socket.io packages from tests/interop/package-lock.json';

  if (!existsSync(join(here, 'node_modules')))
    throw new Error(`tests/interop/node_modules is missing: ${fix}`);

  for (const [name, version] of Object.entries(PINNED)) {
    const manifest = join(here, 'node_modules', name, 'package.json');
    let found;

    if (!existsSync(manifest))
      throw new Error(`tests/interop/node_modules/${name} is missing: ${fix}`);
    found = JSON.parse(readFileSync(manifest, 'utf8')).version;
    if (found !== version)
      throw new Error(`tests/interop/node_modules/${name} is ${found}, not the pinned ${version}: ${fix}`);
  }
}

checkDependencies();

const require = createRequire(import.meta.url);
const client = await import('socket.io-client');

export const io = client.io;
export const Manager = client.Manager;
export const clientVersion = PINNED['socket.io-client'];

// socket.io-client 2.x, installed under an alias (CommonJS).
export function loadClientV2 () {
  return require('socket.io-client-v2');
}

// ---- server -------------------------------------------------------------------------------

// Rejects when a server started here dies before stop(): every guarded wait then fails at once
// with that, instead of timing out on a symptom.
let serverDied;
const serverGone = new Promise((resolve, reject) => {
  serverDied = reject;
});
serverGone.catch(() => {});

export const serverKind = process.env.INTEROP_SERVER === 'reference' ? 'reference' : 'tincan';

function serverCommand () {
  if (serverKind === 'reference')
    return { cmd: process.execPath, args: [join(here, 'reference-server.mjs'), '--port', '0'] };

  const bin = process.env.CONFORMANCE_SERVER;
  if (!bin)
    throw new Error('CONFORMANCE_SERVER is not set: run these tests with `meson test --suite interop`, ' +
                    'or set CONFORMANCE_SERVER=<builddir>/tests/conformance-server ' +
                    '(or INTEROP_SERVER=reference for the Node reference server)');
  if (!existsSync(bin))
    throw new Error(`CONFORMANCE_SERVER=${bin} does not exist; build it first`);
  return { cmd: bin, args: ['--mode', 'interop', '--port', '0'] };
}

// Starts the server and resolves once it printed its "listening on" line:
// { url: 'http://localhost:PORT', kind, stop() }. stop() fails if the server died before
// it was asked to (a crash, or a fatal g_warning/g_critical) or did not exit cleanly.
export function startServer () {
  const { cmd, args } = serverCommand();
  const child = spawn(cmd, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Our server's warnings and criticals are bugs (STYLE.md §7): make them crash it.
    env: { ...process.env, G_DEBUG: 'fatal-warnings' },
  });
  const name = `${serverKind} server (${cmd})`;
  let stderrTail = '';
  let stopping = false;

  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);

  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    process.stderr.write(chunk.replace(/^(?=.)/gm, `[${serverKind} server] `));
    stderrTail = (stderrTail + chunk).slice(-4000);
  });

  return new Promise((resolve, reject) => {
    let stdout = '';
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} printed no "listening on" line within ${HANG_GUARD_MS} ms; ` +
                       `stdout: ${JSON.stringify(stdout)} stderr: ${stderrTail}`));
    }, HANG_GUARD_MS);

    child.on('error', (err) => {
      clearTimeout(guard);
      reject(new Error(`cannot start ${name}: ${err.message}`));
    });
    exited.then(({ code, signal }) => {
      if (stopping)
        return;
      clearTimeout(guard);
      reject(new Error(`${name} exited before listening (code ${code}, signal ${signal}): ${stderrTail}`));
      serverDied(new Error(`${name} died (code ${code}, signal ${signal}): ${stderrTail}`));
    });

    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      const match = (stdout += chunk).match(/ listening on (http:\/\/[^\s/]+)\/socket\.io\/\r?\n/);
      if (!match)
        return;
      clearTimeout(guard);
      child.stdout.removeAllListeners('data');
      child.stdout.resume();
      resolve({
        url: match[1],
        kind: serverKind,
        async stop () {
          process.off('exit', killOnExit);
          if (child.exitCode !== null || child.signalCode !== null)
            throw new Error(`${name} died during the tests (code ${child.exitCode}, ` +
                            `signal ${child.signalCode}): ${stderrTail}`);
          stopping = true;
          child.kill('SIGTERM');
          const { code, signal } = await guarded(exited, `${name} to exit after SIGTERM`,
                                                 () => child.kill('SIGKILL'));
          if (code !== 0)
            throw new Error(`${name} did not exit cleanly on SIGTERM (code ${code}, signal ${signal}): ` +
                            stderrTail);
        },
      });
    });
  });
}

// ---- hang guards --------------------------------------------------------------------------

// Resolves or rejects like promise, but rejects with "timed out waiting for <what>" if it takes
// more than HANG_GUARD_MS (a hang, not a slow answer: nothing here measures time).
// `tincan --headless` ($TINCAN_BIN) on 127.0.0.1, any free port, a new data directory, then
// @args; its warnings are fatal (they are bugs). Resolves once it listens, with
// { child, port, url, dataDir, exited, log(), alive() }; rejects if it ends first.
export function startHeadless (args = []) {
  const dataDir = mkdtempSync(join(tmpdir(), 'tincan-headless-'));
  const child = spawn(process.env.TINCAN_BIN, [
    '--headless', '--port', '0', '--bind', '127.0.0.1', '--data-dir', dataDir, ...args,
  ], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, G_DEBUG: 'fatal-warnings' } });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let stderr = '';
  let stdout = '';

  process.on('exit', () => child.kill('SIGKILL'));
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => { stderr = (stderr + chunk).slice(-200000); });
  child.stdout.setEncoding('utf8');

  return new Promise((resolve, reject) => {
    const guard = setTimeout(() => reject(new Error(`tincan did not start: ${stderr.slice(-2000)}`)), HANG_GUARD_MS);

    exited.then(({ code, signal }) => reject(new Error(`tincan exited (${code}, ${signal}): ${stderr.slice(-4000)}`)));
    child.stdout.on('data', (chunk) => {
      const match = (stdout += chunk).match(/listening on http:\/\/127\.0\.0\.1:(\d+)\//);

      if (!match)
        return;
      clearTimeout(guard);
      resolve({
        child,
        dataDir,
        exited,
        port: Number(match[1]),
        url: `http://127.0.0.1:${match[1]}`,
        log: () => stderr,
        alive: () => child.exitCode === null && child.signalCode === null,
      });
    });
  });
}

export function guarded (promise, what, onTimeout) {
  let timer;
  const timeout = new Promise((resolve, reject) => {
    timer = setTimeout(() => {
      onTimeout?.();
      reject(new Error(`timed out waiting for ${what} (hang guard, ${HANG_GUARD_MS} ms)`));
    }, HANG_GUARD_MS);
    // A guard must not keep the process alive once the test has ended some other way.
    timer.unref();
  });

  return Promise.race([promise, timeout, serverGone]).finally(() => clearTimeout(timer));
}

// The next `event` on emitter, as the array of its arguments. Call it before doing what
// triggers the event.
export function waitFor (emitter, event) {
  let handler;
  const promise = new Promise((resolve) => {
    handler = (...args) => resolve(args);
    emitter.once(event, handler);
  });

  return guarded(promise, `"${event}"`, () => emitter.off(event, handler));
}

// Records every `event` from now on: { events: [args, …], count(n) } where count(n) resolves
// once n have arrived.
export function record (emitter, event) {
  const events = [];
  const waiters = [];

  emitter.on(event, (...args) => {
    events.push(args);
    for (const w of waiters.filter((w) => events.length >= w.n)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });

  return {
    events,
    count (n) {
      if (events.length >= n)
        return Promise.resolve(events);
      return guarded(new Promise((resolve) => waiters.push({ n, resolve: () => resolve(events) })),
                     `${n} "${event}" event(s), got ${events.length}`);
    },
  };
}

// Emits with an acknowledgement callback; resolves with the array of the ack's arguments.
export function emitAck (socket, event, ...args) {
  return guarded(new Promise((resolve) => socket.emit(event, ...args, (...reply) => resolve(reply))),
                 `the ack of "${event}"`);
}

// A round trip on socket's own connection: when its ack arrives, everything the server sent
// this socket before handling it has been delivered. 'rooms' is answered on / and /chat.
export async function roundTrip (socket) {
  await emitAck(socket, 'rooms');
}

// The first n arguments of an event. Servers with connection state recovery (both of ours)
// append the packet's offset, a string, to every event sent without an ack; allow that one
// extra argument and nothing else.
export function eventArgs (args, n) {
  assert.ok(args.length === n || (args.length === n + 1 && typeof args[n] === 'string'),
            `expected ${n} argument(s) (+ an optional offset), got ${JSON.stringify(args)}`);
  return args.slice(0, n);
}

// ---- clients ------------------------------------------------------------------------------

const sockets = new Set();

// An unconnected socket.io-client socket; forceNew unless opts says otherwise. Closed by
// closeClients().
export function socketFor (server, nsp = '/', opts = {}) {
  const socket = io(server.url + nsp, { forceNew: true, ...opts });

  sockets.add(socket);
  return socket;
}

export function track (socket) {
  sockets.add(socket);
  return socket;
}

// Resolves with socket once it fired 'connect'; rejects on 'connect_error'.
export function connected (socket) {
  if (socket.connected)
    return Promise.resolve(socket);

  let onConnect, onError;
  const promise = new Promise((resolve, reject) => {
    onConnect = () => resolve(socket);
    onError = (err) => reject(new Error(`connect_error on ${socket.nsp}: ${err.message}`, { cause: err }));
    socket.once('connect', onConnect);
    socket.once('connect_error', onError);
  }).finally(() => {
    socket.off('connect', onConnect);
    socket.off('connect_error', onError);
  });

  return guarded(promise, `"connect" on ${socket.nsp}`);
}

export function connect (server, nsp = '/', opts = {}) {
  return connected(socketFor(server, nsp, opts));
}

// Resolves with the error of the next 'connect_error'; fails if the socket connects instead.
export function connectError (socket) {
  let onConnect, onError;
  const promise = new Promise((resolve, reject) => {
    onConnect = () => reject(new Error(`${socket.nsp} connected (id ${socket.id}), expected connect_error`));
    onError = (err) => resolve(err);
    socket.once('connect', onConnect);
    socket.once('connect_error', onError);
  }).finally(() => {
    socket.off('connect', onConnect);
    socket.off('connect_error', onError);
  });

  return guarded(promise, `"connect_error" on ${socket.nsp}`);
}

export function closeClients () {
  const managers = new Set();

  for (const socket of sockets) {
    socket.io.reconnection(false);
    socket.disconnect();
    managers.add(socket.io);
  }
  sockets.clear();
  for (const manager of managers)
    manager.engine?.close();
}

// ---- data ---------------------------------------------------------------------------------

// Binary arguments arrive as Buffer (or ArrayBuffer, depending on transport and client);
// compare bytes, but fail on anything that is not binary.
export function bytes (value) {
  if (Buffer.isBuffer(value))
    return value;
  if (value instanceof ArrayBuffer)
    return Buffer.from(value);
  if (ArrayBuffer.isView(value))
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  assert.fail(`expected binary data, got ${typeof value}: ${JSON.stringify(value)}`);
}

// Replaces every binary value in a decoded argument by a Buffer so deepStrictEqual compares bytes.
export function normalize (value) {
  if (Buffer.isBuffer(value) || value instanceof ArrayBuffer || ArrayBuffer.isView(value))
    return bytes(value);
  if (Array.isArray(value))
    return value.map(normalize);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v)]));
  return value;
}

export const TRANSPORTS = {
  polling: { transports: ['polling'] },
  websocket: { transports: ['websocket'] },
};
