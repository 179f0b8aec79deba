// interop-transports.mjs
//
// SPDX-FileCopyrightText: 2026 The Tincan authors
// SPDX-License-Identifier: GPL-3.0-or-later

// socket.io-client over each transport: polling only, WebSocket only, and the default
// (polling, then the upgrade to WebSocket).

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';

import {
  TRANSPORTS, bytes, closeClients, connect, connected, emitAck, eventArgs, serverKind, socketFor,
  startServer, waitFor,
} from './lib.mjs';

describe(`transports (${serverKind} server)`, () => {
  let server;

  before(async () => {
    server = await startServer();
  });
  afterEach(() => closeClients());
  after(async () => {
    await server?.stop();
  });

  async function echoAndHi (socket) {
    const hi = waitFor(socket, 'hi');

    assert.deepEqual(await emitAck(socket, 'echo', { over: 'this transport', n: 1 }),
                     [{ over: 'this transport', n: 1 }]);
    socket.emit('hi');
    assert.deepEqual(eventArgs(await hi, 0), []);
  }

  test('polling only', async () => {
    const socket = await connect(server, '/', TRANSPORTS.polling);

    assert.equal(socket.io.engine.transport.name, 'polling');
    await echoAndHi(socket);
    assert.equal(socket.io.engine.transport.name, 'polling');
  });

  test('websocket only', async () => {
    const socket = await connect(server, '/', TRANSPORTS.websocket);

    assert.equal(socket.io.engine.transport.name, 'websocket');
    await echoAndHi(socket);
    assert.equal(socket.io.engine.transport.name, 'websocket');
  });

  test('default: polling, then upgrade to websocket', async () => {
    const socket = socketFor(server, '/');
    const engine = socket.io.engine;
    const upgrade = waitFor(engine, 'upgrade');

    assert.equal(engine.transport.name, 'polling');
    await connected(socket);
    const [transport] = await upgrade;
    assert.equal(transport.name, 'websocket');
    assert.equal(engine.transport.name, 'websocket');
    await echoAndHi(socket);
  });

  test('default: acks sent while the upgrade is in progress all arrive, in order', async () => {
    const socket = socketFor(server, '/');
    const upgrade = waitFor(socket.io.engine, 'upgrade');
    const acks = [];

    // Emitted before 'connect' (buffered by the client) and right after it, so they travel
    // over polling, over the upgrade's pause, or over WebSocket: whichever, all must arrive.
    for (let i = 0; i < 10; i++)
      acks.push(emitAck(socket, 'echo', i));
    await connected(socket);
    for (let i = 10; i < 20; i++)
      acks.push(emitAck(socket, 'echo', i));

    const order = [];
    await Promise.all(acks.map((ack, i) => ack.then(([n]) => order.push([i, n]))));
    assert.deepEqual(order, Array.from({ length: 20 }, (_, i) => [i, i]));
    await upgrade;
    assert.equal(socket.io.engine.transport.name, 'websocket');
    assert.deepEqual(await emitAck(socket, 'echo', 'after'), ['after']);
  });

  test('default: binary right after connect and after the upgrade', async () => {
    const socket = socketFor(server, '/');
    const upgrade = waitFor(socket.io.engine, 'upgrade');
    const bin = Buffer.from([0, 1, 2, 253, 254, 255]);

    await connected(socket);
    const [first] = await emitAck(socket, 'echo', bin);
    assert.deepEqual(bytes(first), bin);
    await upgrade;
    const [second] = await emitAck(socket, 'echo', bin);
    assert.deepEqual(bytes(second), bin);
  });
});
