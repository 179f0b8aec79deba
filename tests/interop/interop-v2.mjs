// interop-v2.mjs
//
// SPDX-FileCopyrightText: 2026 The Tincan authors
// SPDX-License-Identifier: GPL-3.0-or-later

// socket.io-client 2.x (Engine.IO v3, Socket.IO protocol v4), which a socket.io 4 server
// accepts with allowEIO3 (conformance-server --mode interop turns on its equivalent,
// sio_engine_server_set_allow_eio3). Not registered in meson yet.
// Run it by hand:
//
//   CONFORMANCE_SERVER=build/tests/conformance-server node --test tests/interop/interop-v2.mjs
//   INTEROP_SERVER=reference node --test tests/interop/interop-v2.mjs

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';

import {
  bytes, closeClients, connect, emitAck, eventArgs, guarded, loadClientV2, normalize, record,
  roundTrip, serverKind, startServer, waitFor,
} from './lib.mjs';

const ioV2 = loadClientV2();
const v2Sockets = new Set();

// No automatic reconnection: a refused handshake must fail the test now, not retry forever.
function socketV2 (server, nsp = '/', opts = {}) {
  const socket = ioV2(server.url + nsp, { forceNew: true, reconnection: false, ...opts });

  v2Sockets.add(socket);
  return socket;
}

function connectedV2 (socket) {
  let onConnect, onError, onNspError;
  const promise = new Promise((resolve, reject) => {
    onConnect = () => resolve(socket);
    onError = (err) => reject(new Error(`socket.io-client 2.x connect_error on ${socket.nsp}: ` +
                                        `${err?.message ?? err} (${describeError(err?.description)})`,
                                        { cause: err }));
    onNspError = (err) => reject(new Error(`socket.io-client 2.x error on ${socket.nsp}: ${JSON.stringify(err)}`));
    socket.once('connect', onConnect);
    socket.once('connect_error', onError);
    socket.once('error', onNspError);
  }).finally(() => {
    socket.off('connect', onConnect);
    socket.off('connect_error', onError);
    socket.off('error', onNspError);
  });

  return guarded(promise, `socket.io-client 2.x "connect" on ${socket.nsp}`);
}

function describeError (description) {
  if (description === undefined)
    return 'no description';
  return description?.message ?? description?.error?.message ?? String(description);
}

const connectV2 = (server, nsp, opts) => connectedV2(socketV2(server, nsp, opts));

// The next namespace 'error' (a refusal); fails on connect_error or on 'connect'.
function nspErrorV2 (socket) {
  let onConnect, onError, onNspError;
  const promise = new Promise((resolve, reject) => {
    onConnect = () => reject(new Error(`${socket.nsp} connected, expected an 'error'`));
    onError = (err) => reject(new Error(`socket.io-client 2.x connect_error on ${socket.nsp}: ` +
                                        `${err?.message ?? err} (${describeError(err?.description)})`,
                                        { cause: err }));
    onNspError = (err) => resolve(err);
    socket.once('connect', onConnect);
    socket.once('connect_error', onError);
    socket.once('error', onNspError);
  }).finally(() => {
    socket.off('connect', onConnect);
    socket.off('connect_error', onError);
    socket.off('error', onNspError);
  });

  return guarded(promise, `socket.io-client 2.x "error" on ${socket.nsp}`);
}

function closeV2 () {
  for (const socket of v2Sockets) {
    socket.io.reconnection(false);
    socket.close();
    socket.io.engine?.close();
  }
  v2Sockets.clear();
}

for (const transport of [undefined, 'polling', 'websocket']) {
  const transportOpts = transport ? { transports: [transport] } : {};
  const label = transport ?? 'default transports';

  describe(`socket.io-client 2.x, ${label} (${serverKind} server)`, () => {
    let server;

    before(async () => {
      server = await startServer();
    });
    afterEach(() => {
      closeV2();
      closeClients();
    });
    after(async () => {
      await server?.stop();
    });

    test('connect to / and emit with an ack', async () => {
      const socket = await connectV2(server, '/', transportOpts);

      assert.deepEqual(await emitAck(socket, 'echo', { v: 2, text: 'てすと' }), [{ v: 2, text: 'てすと' }]);
      const hi = waitFor(socket, 'hi');
      socket.emit('hi');
      assert.deepEqual(eventArgs(await hi, 0), []);
    });

    test('connect to /chat and emit with an ack', async () => {
      const socket = await connectV2(server, '/chat', transportOpts);
      const [state] = await emitAck(socket, 'get-state');

      assert.equal(typeof state.id, 'string');
      assert.equal(state.recovered, false);
      assert.deepEqual(await emitAck(socket, 'rooms'), [[state.id]]);
    });

    test('/ and /chat multiplexed over one 2.x Manager', async () => {
      const main = await connectV2(server, '/', transportOpts);
      const chat = main.io.socket('/chat');

      v2Sockets.add(chat);
      await connectedV2(chat);
      assert.equal(main.io, chat.io);
      assert.deepEqual(await emitAck(main, 'echo', 'main'), ['main']);
      assert.equal(typeof (await emitAck(chat, 'get-state'))[0].id, 'string');
    });

    test('server → client ack (ask-me → question → answer)', async () => {
      const socket = await connectV2(server, '/', transportOpts);
      const answer = waitFor(socket, 'answer');

      socket.once('question', (...args) => {
        const ack = args.pop();
        ack(...args, 'and more');
      });
      socket.emit('ask-me', 'q', 1);
      assert.deepEqual(eventArgs(await answer, 3), ['q', 1, 'and more']);
    });

    test('binary both ways', async () => {
      const socket = await connectV2(server, '/', transportOpts);
      const doge = waitFor(socket, 'doge');
      const bin = Buffer.from([0, 1, 2, 255]);

      assert.deepEqual(bytes((await emitAck(socket, 'echo', bin))[0]), bin);
      assert.deepEqual(normalize((await emitAck(socket, 'echo', { nested: [bin] }))[0]), { nested: [bin] });
      socket.emit('doge');
      assert.deepEqual(bytes(eventArgs(await doge, 1)[0]), Buffer.from('asdfasdf'));
    });

    test('refusals: /no, unknown namespace, ?fail', async () => {
      const refused = socketV2(server, '/no', transportOpts);
      const unknown = socketV2(server, '/does-not-exist', transportOpts);
      const failing = socketV2(server, '/', { ...transportOpts, query: { fail: 'true' } });

      // 2.x reports namespace errors as 'error' with the packet's data: for an EIO=3 client
      // socket.io 4 sends a middleware error as its message alone, but an unknown namespace
      // as { message } (Client#connect does not look at the protocol).
      const [errNo, errUnknown, errFail] = await Promise.all([refused, unknown, failing].map(nspErrorV2));
      assert.equal(errNo, 'Auth failed (custom namespace)');
      assert.deepEqual(errUnknown, { message: 'Invalid namespace' });
      assert.equal(errFail, 'Auth failed (main namespace)');
    });

    test('rooms: only members get to-room, others and all as expected', async () => {
      const [a, b, c] = await Promise.all([1, 2, 3].map(() => connectV2(server, '/', transportOpts)));
      const roomMessages = [a, b, c].map((s) => record(s, 'room-message'));
      const others = [a, b, c].map((s) => record(s, 'others'));

      await emitAck(a, 'join', 'v2-room');
      await emitAck(b, 'join', 'v2-room');
      await emitAck(c, 'to-room', 'v2-room', { bin: Buffer.from('x') });
      await roomMessages[0].count(1);
      await roomMessages[1].count(1);
      await Promise.all([a, b, c].map(roundTrip));
      assert.deepEqual(normalize(eventArgs(roomMessages[0].events[0], 1)), [{ bin: Buffer.from('x') }]);
      assert.deepEqual(roomMessages[2].events, []);

      a.emit('to-others', 'from a');
      await others[1].count(1);
      await others[2].count(1);
      await roundTrip(a);
      assert.deepEqual(others[0].events, []);

      await emitAck(b, 'leave', 'v2-room');
      await emitAck(c, 'to-room', 'v2-room', 'after leave');
      await roomMessages[0].count(2);
      await roundTrip(b);
      assert.equal(roomMessages[1].events.length, 1);
    });

    test('a 2.x and a 4.x client in the same room', async () => {
      const old = await connectV2(server, '/', transportOpts);
      const current = await connect(server, '/', transportOpts);
      const gotOld = record(old, 'room-message');
      const gotCurrent = record(current, 'room-message');

      await emitAck(old, 'join', 'mixed');
      await emitAck(current, 'join', 'mixed');
      await emitAck(current, 'to-room', 'mixed', { from: 4, bin: Buffer.from([4]) });
      await emitAck(old, 'to-room', 'mixed', { from: 2, bin: Buffer.from([2]) });
      await gotOld.count(2);
      await gotCurrent.count(2);
      const expected = [{ from: 4, bin: Buffer.from([4]) }, { from: 2, bin: Buffer.from([2]) }];
      assert.deepEqual(gotOld.events.map((args) => normalize(eventArgs(args, 1)[0])), expected);
      assert.deepEqual(gotCurrent.events.map((args) => normalize(eventArgs(args, 1)[0])), expected);
    });
  });
}
