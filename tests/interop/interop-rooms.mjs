// interop-rooms.mjs
//
// SPDX-FileCopyrightText: 2026 The Tincan authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Rooms and broadcasts between three clients. "C did not get it" is proven by a round trip on
// C's own connection made after the sender's ack: the server queued anything it sent C for that
// broadcast before it acked the sender, so before it answers C's later request.

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';

import {
  closeClients, connect, connected, emitAck, eventArgs, normalize, record, roundTrip, serverKind, startServer,
} from './lib.mjs';

for (const nsp of ['/', '/chat']) {
  describe(`rooms on ${nsp} (${serverKind} server)`, () => {
    let server;
    let a, b, c;

    before(async () => {
      server = await startServer();
    });
    afterEach(() => closeClients());
    after(async () => {
      await server?.stop();
    });

    async function threeClients () {
      [a, b, c] = await Promise.all([connect(server, nsp), connect(server, nsp), connect(server, nsp)]);
    }

    const payloads = (recorder, n = 1) => recorder.events.map((args) => eventArgs(args, n)[0]);

    test('join, then to-room reaches only the members (the sender is one)', async () => {
      await threeClients();
      const got = [a, b, c].map((s) => record(s, 'room-message'));

      assert.deepEqual(await emitAck(a, 'join', 'red'), []);
      assert.deepEqual(await emitAck(b, 'join', 'red'), []);
      assert.deepEqual(await emitAck(a, 'to-room', 'red', { text: 'hello red', n: 1 }), []);

      await got[0].count(1);
      await got[1].count(1);
      await Promise.all([a, b, c].map(roundTrip));
      assert.deepEqual(payloads(got[0]), [{ text: 'hello red', n: 1 }]);
      assert.deepEqual(payloads(got[1]), [{ text: 'hello red', n: 1 }]);
      assert.deepEqual(got[2].events, [], 'the non-member got nothing');
    });

    test('a non-member can send to a room it is not in', async () => {
      await threeClients();
      const got = [a, b, c].map((s) => record(s, 'room-message'));

      await emitAck(a, 'join', 'blue');
      await emitAck(c, 'to-room', 'blue', 'from outside');
      await got[0].count(1);
      await Promise.all([a, b, c].map(roundTrip));
      assert.deepEqual(payloads(got[0]), ['from outside']);
      assert.deepEqual(got[1].events, []);
      assert.deepEqual(got[2].events, [], 'the sender is not a member');
    });

    test('to-room with binary reaches the members as binary', async () => {
      await threeClients();
      const got = [a, b, c].map((s) => record(s, 'room-message'));

      await emitAck(b, 'join', 'bin');
      await emitAck(a, 'to-room', 'bin', { blob: Buffer.from([1, 2, 3]), list: [Buffer.from('x')] });
      await got[1].count(1);
      await Promise.all([a, b, c].map(roundTrip));
      assert.deepEqual(normalize(payloads(got[1])), [{ blob: Buffer.from([1, 2, 3]), list: [Buffer.from('x')] }]);
      assert.deepEqual(got[0].events, []);
      assert.deepEqual(got[2].events, []);
    });

    test('to-room for a room nobody is in reaches nobody', async () => {
      await threeClients();
      const got = [a, b, c].map((s) => record(s, 'room-message'));

      assert.deepEqual(await emitAck(a, 'to-room', 'empty-room', 'anyone?'), []);
      await Promise.all([a, b, c].map(roundTrip));
      assert.deepEqual(got.map((r) => r.events), [[], [], []]);
    });

    test("a socket's own id is a room", async () => {
      await threeClients();
      const got = [a, b, c].map((s) => record(s, 'room-message'));

      await emitAck(a, 'to-room', c.id, 'just for c');
      await got[2].count(1);
      await Promise.all([a, b, c].map(roundTrip));
      assert.deepEqual(payloads(got[2]), ['just for c']);
      assert.deepEqual(got[0].events, []);
      assert.deepEqual(got[1].events, []);
    });

    test('to-others reaches everyone but the sender', async () => {
      await threeClients();
      const got = [a, b, c].map((s) => record(s, 'others'));

      a.emit('to-others', 'not for a', 2);
      await got[1].count(1);
      await got[2].count(1);
      // a's round trip is handled after its to-others: an 'others' for a would be before the ack.
      await Promise.all([a, b, c].map(roundTrip));
      assert.deepEqual(got[0].events, [], 'the sender got nothing');
      assert.deepEqual(got[1].events.map((args) => eventArgs(args, 2)), [['not for a', 2]]);
      assert.deepEqual(got[2].events.map((args) => eventArgs(args, 2)), [['not for a', 2]]);
    });

    test('to-all reaches everyone, the sender included', async () => {
      await threeClients();
      const got = [a, b, c].map((s) => record(s, 'all'));

      b.emit('to-all', { everyone: true }, [1, 2]);
      await Promise.all(got.map((r) => r.count(1)));
      await Promise.all([a, b, c].map(roundTrip));
      for (const r of got)
        assert.deepEqual(r.events.map((args) => eventArgs(args, 2)), [[{ everyone: true }, [1, 2]]]);
    });

    test('leave: a socket that left no longer gets the room', async () => {
      await threeClients();
      const got = [a, b, c].map((s) => record(s, 'room-message'));

      await emitAck(a, 'join', 'green');
      await emitAck(b, 'join', 'green');
      await emitAck(c, 'join', 'green');
      assert.deepEqual(await emitAck(b, 'leave', 'green'), []);
      await emitAck(a, 'to-room', 'green', 'after b left');
      await got[0].count(1);
      await got[2].count(1);
      await Promise.all([a, b, c].map(roundTrip));
      assert.deepEqual(payloads(got[0]), ['after b left']);
      assert.deepEqual(got[1].events, [], 'b left before the message');
      assert.deepEqual(payloads(got[2]), ['after b left']);
    });

    test('rooms lists the own id first, then the joined rooms; leave removes one', async () => {
      await threeClients();

      await emitAck(a, 'join', 'one');
      await emitAck(a, 'join', 'two');
      await emitAck(a, 'join', 'one');
      const [rooms] = await emitAck(a, 'rooms');
      assert.equal(rooms[0], a.id);
      assert.deepEqual([...rooms].sort(), [a.id, 'one', 'two'].sort());

      await emitAck(a, 'leave', 'one');
      assert.deepEqual(await emitAck(a, 'rooms'), [[a.id, 'two']]);
      await emitAck(a, 'leave', 'not-joined');
      assert.deepEqual(await emitAck(a, 'rooms'), [[a.id, 'two']]);
      assert.deepEqual(await emitAck(b, 'rooms'), [[b.id]], "b's rooms are its own");
    });

    test('a client that disconnects and connects again is in no room', async () => {
      await threeClients();
      const got = [a, b, c].map((s) => record(s, 'room-message'));

      await emitAck(a, 'join', 'gone');
      await emitAck(b, 'join', 'gone');
      b.disconnect();
      await connected(b.connect());
      assert.equal(b.recovered, false, 'a client-side disconnect is not recoverable');
      assert.deepEqual(await emitAck(b, 'rooms'), [[b.id]]);
      await emitAck(a, 'to-room', 'gone', 'b is gone');
      await got[0].count(1);
      await Promise.all([a, b].map(roundTrip));
      assert.deepEqual(payloads(got[0]), ['b is gone']);
      assert.deepEqual(got[1].events, []);
    });
  });
}

describe(`rooms are per namespace (${serverKind} server)`, () => {
  let server;

  before(async () => {
    server = await startServer();
  });
  afterEach(() => closeClients());
  after(async () => {
    await server?.stop();
  });

  test('a room of the same name in another namespace is another room', async () => {
    const main = await connect(server, '/');
    const chat = await connect(server, '/chat');
    const gotMain = record(main, 'room-message');
    const gotChat = record(chat, 'room-message');

    await emitAck(main, 'join', 'lobby');
    await emitAck(chat, 'join', 'lobby');
    await emitAck(main, 'to-room', 'lobby', 'main lobby');
    await gotMain.count(1);
    await roundTrip(chat);
    assert.deepEqual(gotChat.events, []);
    assert.equal(eventArgs(gotMain.events[0], 1)[0], 'main lobby');
  });
});
