// terminal-client.mjs
//
// SPDX-FileCopyrightText: 2026 The Tincan authors
// SPDX-License-Identifier: GPL-3.0-or-later

// `tincan --headless --join URL` chatting through a Node socket.io server built like the
// Socket.IO getting-started tutorial ('chat message' re-emitted to everyone), the kind of
// server people have on their LAN already. A Node socket.io-client sits in the same room.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import test from 'node:test';

import { io, HANG_GUARD_MS } from './lib.mjs';

const require = createRequire(import.meta.url);
const { Server } = require('socket.io');

function tutorialServer () {
  return new Promise((resolve) => {
    const http = createServer();
    const server = new Server(http);

    server.on('connection', (socket) => {
      socket.on('chat message', (msg) => server.emit('chat message', msg));
    });
    http.listen(0, '127.0.0.1', () => resolve({ server, http, port: http.address().port }));
  });
}

function startTerminal (port, nick, args = []) {
  const bin = process.env.TINCAN_BIN;

  assert.ok(bin, 'TINCAN_BIN must point at the built tincan binary (meson sets it)');
  const child = spawn(bin, ['--headless', '--join', `http://127.0.0.1:${port}`, '--nick', nick, ...args],
                      { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines = [];
  let buffered = '';
  let stderr = '';

  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    buffered += chunk;
    let nl;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      lines.push(buffered.slice(0, nl));
      buffered = buffered.slice(nl + 1);
      child.emit('line');
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  child.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));

  child.waitForLine = (wanted) => new Promise((resolve, reject) => {
    const guard = setTimeout(() => reject(new Error(`terminal never printed ${JSON.stringify(wanted)}; ` +
                                                    `got ${JSON.stringify(lines)}; stderr: ${stderr}`)),
                             HANG_GUARD_MS);
    const check = () => {
      if (lines.includes(wanted)) {
        clearTimeout(guard);
        child.off('line', check);
        resolve();
      }
    };
    child.on('line', check);
    check();
  });
  child.stderrText = () => stderr;
  return child;
}

function nextMessage (socket, wanted) {
  return new Promise((resolve, reject) => {
    const guard = setTimeout(() => reject(new Error(`never received ${JSON.stringify(wanted)}`)), HANG_GUARD_MS);
    const handler = (msg) => {
      if (msg === wanted) {
        clearTimeout(guard);
        socket.off('chat message', handler);
        resolve();
      }
    };
    socket.on('chat message', handler);
  });
}

for (const dialect of [[], ['--dialect', 'chat message']]) {
  test(`terminal client through a Node tutorial server (${dialect.length ? 'explicit' : 'detected'} dialect)`, async () => {
    const { server, http, port } = await tutorialServer();
    const browser = io(`http://127.0.0.1:${port}`, { forceNew: true });

    try {
      await new Promise((resolve) => browser.on('connect', resolve));
      const terminal = startTerminal(port, 'termi', dialect);
      const fromTerminal = nextMessage(browser, 'hello from the terminal');

      terminal.stdin.write('hello from the terminal\n');
      await fromTerminal;

      // The other way: what the page-like client says is printed by the terminal as it came.
      browser.emit('chat message', 'hello from node');
      await terminal.waitForLine('hello from node');

      // At the end of input the client waits for its lines to come back, then exits 0.
      const last = nextMessage(browser, 'last words');
      terminal.stdin.end('last words\n');
      await last;
      assert.equal(await terminal.exited, 0, terminal.stderrText());
    } finally {
      browser.close();
      server.close();
      http.close();
    }
  });
}

test('a bad --join URL ends with a one-line error and status 2', async () => {
  const bin = process.env.TINCAN_BIN;
  const child = spawn(bin, ['--headless', '--join', 'ftp://example.invalid/', '--nick', 'x']);
  let stderr = '';

  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const code = await new Promise((resolve) => child.on('exit', resolve));
  assert.equal(code, 2);
  assert.match(stderr, /^tincan: --join needs an http:\/\/ URL/);
});
