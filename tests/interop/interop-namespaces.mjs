// interop-namespaces.mjs
//
// SPDX-FileCopyrightText: 2026 The Tincan authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Namespaces: connecting to custom ones, middleware refusals and unknown namespaces as the
// client reports them (connect_error), the handshake a namespace sees, and several namespaces
// multiplexed over one Manager (one Engine.IO session).

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';

import {
  Manager, closeClients, connect, connectError, connected, emitAck, eventArgs, io, serverKind,
  socketFor, startServer, track, waitFor,
} from './lib.mjs';

describe(`namespaces (${serverKind} server)`, () => {
  let server;

  before(async () => {
    server = await startServer();
  });
  afterEach(() => closeClients());
  after(async () => {
    await server?.stop();
  });

  test('/chat: the server sees the id the client was given', async () => {
    const socket = await connect(server, '/chat');
    const [state] = await emitAck(socket, 'get-state');

    assert.equal(typeof socket.id, 'string');
    assert.equal(state.id, socket.id);
    assert.equal(state.recovered, false);
    assert.deepEqual(await emitAck(socket, 'rooms'), [[socket.id]]);
  });

  test('/foo: getId acks socket.id', async () => {
    const socket = await connect(server, '/foo');

    assert.deepEqual(await emitAck(socket, 'getId'), [socket.id]);
  });

  test('/: getId acks socket.id, which is not the Engine.IO id', async () => {
    const socket = await connect(server, '/');

    assert.deepEqual(await emitAck(socket, 'getId'), [socket.id]);
    assert.notEqual(socket.id, socket.io.engine.id);
  });

  test('/no: the namespace middleware refuses', async () => {
    const socket = socketFor(server, '/no');
    const err = await connectError(socket);

    assert.equal(err.message, 'Auth failed (custom namespace)');
    assert.equal(err.data, undefined);
    assert.equal(socket.connected, false);
    assert.equal(socket.active, false, 'a middleware refusal is final: no automatic retry');
  });

  test('unknown namespace: connect_error "Invalid namespace"', async () => {
    const socket = socketFor(server, '/does-not-exist');
    const err = await connectError(socket);

    assert.equal(err.message, 'Invalid namespace');
    assert.equal(socket.connected, false);
  });

  test('/ with ?fail: the main namespace middleware refuses', async () => {
    const socket = socketFor(server, '/', { query: { fail: 'true' } });
    const err = await connectError(socket);

    assert.equal(err.message, 'Auth failed (main namespace)');
    assert.equal(err.data, undefined);
  });

  test('a refused namespace does not end the other namespaces of the connection', async () => {
    const manager = new Manager(server.url, { autoConnect: false });
    const main = track(manager.socket('/'));
    const refused = track(manager.socket('/no'));

    await connected(main.connect());
    const err = await connectError(refused.connect());
    assert.equal(err.message, 'Auth failed (custom namespace)');
    assert.deepEqual(await emitAck(main, 'echo', 'still here'), ['still here']);
    assert.equal(main.connected, true);
  });

  test('/abc sees the query and auth of the handshake', async () => {
    const socket = socketFor(server, '/abc', { query: { color: 'blue' }, auth: { token: 'abc-123' } });
    const handshake = waitFor(socket, 'handshake');

    await connected(socket);
    const [shake] = eventArgs(await handshake, 1);
    assert.equal(shake.query.color, 'blue');
    assert.equal(shake.query.EIO, '4');
    assert.deepEqual(shake.auth, { token: 'abc-123' });
  });

  test('getHandshake acks the handshake, auth included', async () => {
    const socket = await connect(server, '/', { auth: { user: 'me', n: 1 }, query: { q: 'x' } });
    const [shake] = await emitAck(socket, 'getHandshake');

    assert.deepEqual(shake.auth, { user: 'me', n: 1 });
    assert.equal(shake.query.q, 'x');
    assert.equal(typeof shake.issued, 'number');
    assert.equal(typeof shake.time, 'string');
  });

  test('two namespaces multiplexed over one Manager share the Engine.IO session', async () => {
    const manager = new Manager(server.url, { autoConnect: false });
    const main = track(manager.socket('/'));
    const chat = track(manager.socket('/chat'));

    await Promise.all([connected(main.connect()), connected(chat.connect())]);
    assert.equal(main.io, chat.io);
    assert.equal(typeof manager.engine.id, 'string');
    assert.notEqual(main.id, chat.id);

    const [state] = await emitAck(chat, 'get-state');
    assert.equal(state.id, chat.id);
    assert.deepEqual(await emitAck(main, 'getId'), [main.id]);
    assert.deepEqual(await emitAck(main, 'echo', 'over the shared session'), ['over the shared session']);
  });

  test("io() multiplexes by default: '/' and '/chat' on the same URL share a Manager", async () => {
    const main = track(io(server.url));
    const chat = track(io(server.url + '/chat'));
    const foo = track(io(server.url + '/foo'));

    await Promise.all([connected(main), connected(chat), connected(foo)]);
    assert.equal(main.io, chat.io);
    assert.equal(main.io, foo.io);
    assert.equal(main.io.engine.id, chat.io.engine.id);
    assert.deepEqual(await emitAck(foo, 'getId'), [foo.id]);
    assert.equal((await emitAck(chat, 'get-state'))[0].id, chat.id);
  });

  test('leaving one multiplexed namespace keeps the others connected', async () => {
    const manager = new Manager(server.url, { autoConnect: false });
    const main = track(manager.socket('/'));
    const chat = track(manager.socket('/chat'));

    await Promise.all([connected(main.connect()), connected(chat.connect())]);
    const engineId = manager.engine.id;
    chat.disconnect();
    assert.deepEqual(await emitAck(main, 'echo', 'main only'), ['main only']);
    assert.equal(manager.engine.id, engineId);

    // and the namespace can be joined again over the same session
    await connected(chat.connect());
    assert.equal(manager.engine.id, engineId);
    assert.equal((await emitAck(chat, 'get-state'))[0].id, chat.id);
  });

  test('the same event name is routed to the namespace it was sent on', async () => {
    const manager = new Manager(server.url, { autoConnect: false });
    const main = track(manager.socket('/'));
    const chat = track(manager.socket('/chat'));

    await Promise.all([connected(main.connect()), connected(chat.connect())]);
    assert.deepEqual(await emitAck(main, 'rooms'), [[main.id]]);
    assert.deepEqual(await emitAck(chat, 'rooms'), [[chat.id]]);
  });
});
