// interop-events.mjs
//
// SPDX-FileCopyrightText: 2026 The Tincan authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Events, acknowledgements in both directions, binary in both directions, and JSON values
// (UTF-8 text, numbers) that must survive the server's parser and writer exactly; over
// polling and over WebSocket, whose binary encodings differ (base64 vs binary frames).

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';

import {
  TRANSPORTS, bytes, closeClients, connect, emitAck, eventArgs, guarded, normalize, serverKind,
  startServer, waitFor,
} from './lib.mjs';

const TEXTS = [
  'てすと',
  'Я Б Г Д Ж Й',
  'Ä ä Ü ü ß',
  'utf8 — string',
  '😀 🎉 𝄞 (outside the BMP: surrogate pairs in JS)',
  'e\u0301 (combining) ﬁ (ligature) \u200b (zero width)',
  '\u2028\u2029 (line/paragraph separators)',
  'quotes " and \\ backslash / slash',
  'tab\tnewline\ncarriage\rreturn',
  '\u0001\u001f\u007f control characters',
  'a NUL \u0000 in the middle',
  'an unpaired surrogate \ud800 (JSON.stringify writes it as an escape)',
  '',
  'x'.repeat(100_000),
];

const NUMBERS = [
  0, 1, -1, 0.1, 0.5, -0.25, 0.30000000000000004, 1 / 3, 1e-7, 1.5e-10, 123456789.123, 1e21, 1e300,
  1.7976931348623157e308, 5e-324, 2 ** 31, -(2 ** 31) - 1, 2 ** 32, 2 ** 53 - 1, -(2 ** 53 - 1),
  2 ** 53, 2 ** 63, -(2 ** 63), 2 ** 64, 1e20, 123e18,
];

for (const [transportName, transportOpts] of Object.entries(TRANSPORTS)) {
  describe(`events over ${transportName} (${serverKind} server)`, () => {
    let server;

    before(async () => {
      server = await startServer();
    });
    afterEach(() => closeClients());
    after(async () => {
      await server?.stop();
    });

    const connectHere = () => connect(server, '/', transportOpts);

    // ---- acknowledgements ----

    test('client → server ack with a callback', async () => {
      const socket = await connectHere();
      const reply = await guarded(new Promise((resolve) => {
        socket.emit('echo', { hello: 'world', list: [1, 'two', null, true] }, (...args) => resolve(args));
      }), 'the ack of "echo"');

      assert.deepEqual(reply, [{ hello: 'world', list: [1, 'two', null, true] }]);
    });

    test('client → server ack with emitWithAck', async () => {
      const socket = await connectHere();

      assert.equal(await guarded(socket.emitWithAck('echo', 'promised'), 'emitWithAck'), 'promised');
      assert.deepEqual(await guarded(socket.timeout(5000).emitWithAck('echo', [1, [2, [3]]]), 'emitWithAck'),
                       [1, [2, [3]]]);
    });

    test('client → server ack without arguments', async () => {
      const socket = await connectHere();

      assert.deepEqual(await emitAck(socket, 'join', 'ack-without-args'), []);
    });

    test('many acks in flight are matched to their own emits', async () => {
      const socket = await connectHere();
      const replies = await Promise.all(Array.from({ length: 50 }, (_, i) => emitAck(socket, 'echo', { i })));

      assert.deepEqual(replies, Array.from({ length: 50 }, (_, i) => [{ i }]));
    });

    test('server → client ack: ask-me → question (acked by the client) → answer', async () => {
      const socket = await connectHere();
      const answer = waitFor(socket, 'answer');
      const question = waitFor(socket, 'question');

      socket.emit('ask-me', 'what?', 42, { nested: [true] });
      const args = await question;
      const ack = args.pop();
      assert.equal(typeof ack, 'function', 'question carries an ack callback');
      assert.deepEqual(args, ['what?', 42, { nested: [true] }], 'no offset on an event with an ack');
      ack('yes', 7, { ok: true }, null);
      assert.deepEqual(eventArgs(await answer, 4), ['yes', 7, { ok: true }, null]);
    });

    test('server → client ack with no arguments', async () => {
      const socket = await connectHere();
      const answer = waitFor(socket, 'answer');

      socket.once('question', (...args) => args.pop()());
      socket.emit('ask-me');
      assert.deepEqual(eventArgs(await answer, 0), []);
    });

    test("server → client ack: the client suite's 'ack' → 'got it'", async () => {
      const socket = await connectHere();
      const gotIt = waitFor(socket, 'got it');

      socket.once('ack', (...args) => args.pop()(5, { test: true }));
      socket.emit('ack');
      assert.deepEqual(eventArgs(await gotIt, 0), []);
    });

    // ---- binary ----

    test('binary: echo of a Buffer', async () => {
      const socket = await connectHere();
      const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      const [reply] = await emitAck(socket, 'echo', all);

      assert.deepEqual(bytes(reply), all);
    });

    test('binary: empty and large Buffers', async () => {
      const socket = await connectHere();
      const large = Buffer.alloc(200_000, 0xa5);

      assert.deepEqual(bytes((await emitAck(socket, 'echo', Buffer.alloc(0)))[0]), Buffer.alloc(0));
      assert.deepEqual(bytes((await emitAck(socket, 'echo', large))[0]), large);
    });

    test('binary: Buffers inside objects and arrays', async () => {
      const socket = await connectHere();
      const value = {
        a: Buffer.from('first'),
        list: [Buffer.from([0]), 'text', { deep: Buffer.from([1, 2, 3]) }],
        same: 'no binary here',
        empty: Buffer.alloc(0),
      };
      const [reply] = await emitAck(socket, 'echo', value);

      assert.deepEqual(normalize(reply), value);
      assert.ok(Buffer.isBuffer(bytes(reply.list[2].deep)));
    });

    test('binary: several top-level Buffer arguments both ways (ask-me → question → answer)', async () => {
      const socket = await connectHere();
      const question = waitFor(socket, 'question');
      const answer = waitFor(socket, 'answer');

      socket.emit('ask-me', Buffer.from('one'), 'between', Buffer.from([0xff, 0x00]), { b: Buffer.from('x') });
      const args = await question;
      const ack = args.pop();
      assert.deepEqual(normalize(args),
                       [Buffer.from('one'), 'between', Buffer.from([0xff, 0x00]), { b: Buffer.from('x') }]);
      ack(Buffer.from('back'), { nested: [Buffer.from([9, 8])] }, 3);
      assert.deepEqual(normalize(eventArgs(await answer, 3)),
                       [Buffer.from('back'), { nested: [Buffer.from([9, 8])] }, 3]);
    });

    test("binary from the server: 'doge' and 'getbin'", async () => {
      const socket = await connectHere();
      const doge = waitFor(socket, 'doge');
      const takebin = waitFor(socket, 'takebin');

      socket.emit('doge');
      socket.emit('getbin');
      assert.deepEqual(bytes(eventArgs(await doge, 1)[0]), Buffer.from('asdfasdf'));
      assert.deepEqual(bytes(eventArgs(await takebin, 1)[0]), Buffer.from('asdfasdf'));
    });

    test("binary to the server: 'buffa' and 'jsonbuff'", async () => {
      const socket = await connectHere();
      const buffack = waitFor(socket, 'buffack');
      const jsonbuffAck = waitFor(socket, 'jsonbuff-ack');

      socket.emit('buffa', Buffer.from('asdfasdf'));
      socket.emit('jsonbuff', { hello: 'lol', message: Buffer.from('asdfasdf'), goodbye: 'gotcha' });
      assert.deepEqual(eventArgs(await buffack, 0), []);
      assert.deepEqual(eventArgs(await jsonbuffAck, 0), []);
    });

    test('binary in an event sent to everyone (to-all)', async () => {
      const socket = await connectHere();
      const all = waitFor(socket, 'all');

      socket.emit('to-all', Buffer.from('to everyone'), { bin: Buffer.from([7]) });
      assert.deepEqual(normalize(eventArgs(await all, 2)), [Buffer.from('to everyone'), { bin: Buffer.from([7]) }]);
    });

    test('a string that looks like a binary placeholder stays a string', async () => {
      const socket = await connectHere();
      const value = { _placeholder: true, num: 0 };

      assert.deepEqual(await emitAck(socket, 'echo', value), [value]);
    });

    // ---- JSON values ----

    test('UTF-8 text from the server (getUtf8 → takeUtf8)', async () => {
      const socket = await connectHere();
      const texts = [];
      const done = new Promise((resolve) => {
        socket.on('takeUtf8', (...args) => {
          texts.push(eventArgs(args, 1)[0]);
          if (texts.length === 5)
            resolve();
        });
      });

      socket.emit('getUtf8');
      await guarded(done, 'five "takeUtf8"');
      assert.deepEqual(texts, ['てすと', 'Я Б Г Д Ж Й', 'Ä ä Ü ü ß', 'utf8 — string', 'utf8 — string']);
    });

    for (const text of TEXTS) {
      const label = text.length > 80 ? `${text.slice(0, 20)}… (${text.length} chars)` : JSON.stringify(text);

      test(`string round trip: ${label}`, async () => {
        const socket = await connectHere();

        assert.deepEqual(await emitAck(socket, 'echo', text), [text]);
      });
    }

    test('strings as object keys round-trip', async () => {
      const socket = await connectHere();
      const value = { 'てすと': 1, '😀': 2, 'a"b': 3, '': 4, 'tab\t': 5 };

      assert.deepEqual(await emitAck(socket, 'echo', value), [value]);
    });

    for (const n of NUMBERS) {
      test(`number round trip: ${JSON.stringify(n)} (${n})`, async () => {
        const socket = await connectHere();
        const [reply] = await emitAck(socket, 'echo', n);

        assert.ok(Object.is(reply, n), `sent ${JSON.stringify(n)}, got back ${JSON.stringify(reply)}`);
      });
    }

    test('numbers inside arrays and objects round-trip', async () => {
      const socket = await connectHere();
      const value = { list: NUMBERS, nested: { tenth: 0.1, big: 1e21, neg: -1, max: 2 ** 53 - 1 } };

      assert.deepEqual(await emitAck(socket, 'echo', value), [value]);
    });

    test('booleans, null and empty containers round-trip', async () => {
      const socket = await connectHere();
      const value = { t: true, f: false, n: null, a: [], o: {}, deep: [[[[]]], { x: [{}] }] };
      const falseEvent = waitFor(socket, 'false');

      assert.deepEqual(await emitAck(socket, 'echo', value), [value]);
      assert.deepEqual(await emitAck(socket, 'echo', null), [null]);
      socket.emit('false');
      assert.deepEqual(eventArgs(await falseEvent, 1), [false]);
    });
  });
}
