// interop-recovery.mjs
//
// SPDX-FileCopyrightText: 2026 The Tincan authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Connection state recovery (socket.io ≥ 4.6, client `socket.recovered`): after the server
// drops the transport as a network failure would, the client's own reconnection gets the same
// socket id, data and rooms back, plus what it missed; a server-side disconnect is not recovered.
//
// The client keeps its default reconnection. To make "B sends while A is away" certain rather
// than likely, the test holds the Manager's reconnect timer until B's message is acknowledged,
// then lets that same timer callback run: the reconnect is the client's own, only later.

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';

import {
  TRANSPORTS, closeClients, connect, connected, emitAck, eventArgs, record, serverKind,
  startServer, track, waitFor,
} from './lib.mjs';

// Makes the next timer `manager` starts (the reconnect delay, started right after the 'close'
// that fires 'disconnect') wait for release() as well as for its delay.
function holdNextTimer (manager) {
  const original = manager.setTimeoutFn;
  let release;
  const released = new Promise((resolve) => {
    release = resolve;
  });

  manager.setTimeoutFn = (fn, delay) => {
    manager.setTimeoutFn = original;
    return original(() => released.then(fn), delay);
  };
  return () => release();
}

// A receives at least one event without an ack before losing its transport: that event's
// offset is what the client sends back to resume from (without one, the Node reference does
// not recover at all, by design).
async function receiveOneEvent (socket) {
  const all = waitFor(socket, 'all');

  socket.emit('to-all', 'prime the offset');
  const args = await all;
  assert.equal(args.length, 2, 'with recovery on, an event without an ack carries an offset');
  assert.equal(typeof args[1], 'string');
}

const variants = {
  'default transports': {},
  'polling only': TRANSPORTS.polling,
  'websocket only': TRANSPORTS.websocket,
};

for (const [variant, transportOpts] of Object.entries(variants)) {
  describe(`connection state recovery, ${variant} (${serverKind} server)`, () => {
    let server;

    before(async () => {
      server = await startServer();
    });
    afterEach(() => closeClients());
    after(async () => {
      await server?.stop();
    });

    for (const nsp of ['/', '/chat']) {
      test(`${nsp}: drop-transport → same id, data, rooms, and the missed room message once`, async () => {
        const a = await connect(server, nsp, transportOpts);
        const b = await connect(server, nsp, transportOpts);
        const missed = record(a, 'room-message');
        const id = a.id;

        await emitAck(a, 'set-data', { kept: ['across', 'the', 'gap'], n: 42 });
        await emitAck(a, 'join', 'r');
        await receiveOneEvent(a);
        assert.equal(a.recovered, false);

        let release;
        const disconnect = new Promise((resolve) => {
          a.once('disconnect', (reason) => {
            release = holdNextTimer(a.io);
            resolve(reason);
          });
        });
        const reconnect = waitFor(a, 'connect');
        const reconnectAttempt = waitFor(a.io, 'reconnect_attempt');

        a.emit('drop-transport');
        assert.equal(await disconnect, 'transport close');
        assert.equal(a.connected, false);
        assert.equal(a.active, true, 'the client will reconnect by itself');

        // A is away: B's message can only reach A through recovery.
        assert.deepEqual(await emitAck(b, 'to-room', 'r', { while: 'away' }), []);
        assert.deepEqual(missed.events, []);
        release();

        await reconnectAttempt;
        await reconnect;
        assert.equal(a.recovered, true, 'socket.recovered');
        assert.equal(a.id, id, 'same socket id');

        const [state] = await emitAck(a, 'get-state');
        assert.deepEqual(state, { id, recovered: true, value: { kept: ['across', 'the', 'gap'], n: 42 } });
        // get-state's ack was sent after the missed packets: all of them are in by now.
        assert.equal(missed.events.length, 1, `the missed message arrives exactly once: ${JSON.stringify(missed.events)}`);
        assert.deepEqual(eventArgs(missed.events[0], 1), [{ while: 'away' }]);

        const [rooms] = await emitAck(a, 'rooms');
        assert.deepEqual([...rooms].sort(), [id, 'r'].sort(), 'rooms are restored');

        // and the restored room membership is live
        await emitAck(b, 'to-room', 'r', 'after recovery');
        await missed.count(2);
        assert.deepEqual(eventArgs(missed.events[1], 1), ['after recovery']);
      });
    }

    test('several sockets on one Manager are all recovered', async () => {
      const main = await connect(server, '/', transportOpts);
      const chat = track(main.io.socket('/chat'));
      const mainId = main.id;

      await connected(chat);
      const chatId = chat.id;
      await emitAck(main, 'set-data', 'main data');
      await emitAck(chat, 'set-data', 'chat data');
      await receiveOneEvent(main);
      await receiveOneEvent(chat);

      const reconnects = [waitFor(main, 'connect'), waitFor(chat, 'connect')];
      const disconnects = [waitFor(main, 'disconnect'), waitFor(chat, 'disconnect')];
      main.emit('drop-transport');
      for (const [reason] of await Promise.all(disconnects))
        assert.equal(reason, 'transport close');
      await Promise.all(reconnects);

      assert.equal(main.recovered, true);
      assert.equal(chat.recovered, true);
      assert.equal(main.id, mainId);
      assert.equal(chat.id, chatId);
      assert.deepEqual((await emitAck(main, 'get-state'))[0], { id: mainId, recovered: true, value: 'main data' });
      assert.deepEqual((await emitAck(chat, 'get-state'))[0], { id: chatId, recovered: true, value: 'chat data' });
    });

    test('kick-me (server namespace disconnect) is not recovered', async () => {
      const a = await connect(server, '/', transportOpts);
      const id = a.id;

      await emitAck(a, 'set-data', 'lost');
      await emitAck(a, 'join', 'kicked-room');
      await receiveOneEvent(a);

      const disconnect = waitFor(a, 'disconnect');
      a.emit('kick-me');
      assert.equal((await disconnect)[0], 'io server disconnect');
      assert.equal(a.active, false, 'no automatic reconnection after a server disconnect');

      await connected(a.connect());
      assert.equal(a.recovered, false);
      assert.notEqual(a.id, id, 'a new socket id');
      assert.deepEqual((await emitAck(a, 'get-state'))[0], { id: a.id, recovered: false });
      assert.deepEqual(await emitAck(a, 'rooms'), [[a.id]]);
    });
  });
}
