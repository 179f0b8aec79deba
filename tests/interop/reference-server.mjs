// reference-server.mjs
//
// SPDX-FileCopyrightText: 2026 The Tincan authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The Node reference for the interop tests: socket.io (the version package.json pins) with the
// handlers of `conformance-server --mode interop` (tests/conformance-modes.c), so that every
// interop script can be run against both (INTEROP_SERVER=reference, see lib.mjs).
//
//   node reference-server.mjs [--port N]
//
// Prints "reference-server --mode interop listening on http://127.0.0.1:PORT/socket.io/".
// allowEIO3 is on so interop-v2.mjs (socket.io-client 2.x) has a server it passes against.

import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { Server } from 'socket.io';

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' } } });

const httpServer = createServer();
const io = new Server(httpServer, {
  pingInterval: 2000,
  connectTimeout: 5000,
  // conformance_setup_client_suite: connectionStateRecovery: {} (2-minute window).
  connectionStateRecovery: { maxDisconnectionDuration: 2 * 60 * 1000 },
  allowEIO3: true,
});

// ---- socket.io-client's test/support/server.ts (--mode client-suite) ----------------------

function asdfasdf () {
  return Buffer.from('asdfasdf', 'utf8');
}

function isBinary (value) {
  return Buffer.isBuffer(value) || value instanceof ArrayBuffer || ArrayBuffer.isView(value);
}

function lastAck (args) {
  return typeof args[args.length - 1] === 'function' ? args.pop() : undefined;
}

function clientSuiteHandlers (socket) {
  socket.on('hi', () => socket.emit('hi'));
  socket.on('echo', (...args) => {
    const cb = lastAck(args);

    if (args.length > 0)
      cb?.(args[0]);
    else
      cb?.();
  });
  socket.on('ack', () => {
    socket.emit('ack', (a, b) => {
      if (a === 5 && b?.test === true)
        socket.emit('got it');
    });
  });
  socket.on('getAckDate', (...args) => lastAck(args)?.(new Date()));
  socket.on('getDate', () => socket.emit('takeDate', new Date()));
  socket.on('getDateObj', () => socket.emit('takeDateObj', { date: new Date() }));
  socket.on('getUtf8', () => {
    for (const text of ['てすと', 'Я Б Г Д Ж Й', 'Ä ä Ü ü ß', 'utf8 — string', 'utf8 — string'])
      socket.emit('takeUtf8', text);
  });
  socket.on('false', () => socket.emit('false', false));
  socket.on('doge', () => socket.emit('doge', asdfasdf()));
  socket.on('getbin', () => socket.emit('takebin', asdfasdf()));
  socket.on('buffa', (a) => {
    if (isBinary(a))
      socket.emit('buffack');
  });
  socket.on('jsonbuff', (a) => {
    if (a?.hello === 'lol' && isBinary(a.message) && a.goodbye === 'gotcha')
      socket.emit('jsonbuff-ack');
  });
  socket.on('getHandshake', (...args) => lastAck(args)?.(socket.handshake));
  socket.on('getId', (...args) => lastAck(args)?.(socket.id));
}

io.of('/foo').on('connection', (socket) => {
  socket.on('getId', (...args) => lastAck(args)?.(socket.id));
});
io.of('/timeout_socket');
io.of('/valid');
io.of('/asd');
io.of('/abc').on('connection', (socket) => socket.emit('handshake', socket.handshake));
io.use((socket, next) => {
  if (socket.handshake.query.fail !== undefined)
    return next(new Error('Auth failed (main namespace)'));
  next();
});
io.of('/no').use((socket, next) => next(new Error('Auth failed (custom namespace)')));

// ---- --mode interop -----------------------------------------------------------------------

function interopHandlers (nsp, socket) {
  socket.on('join', (room, ...rest) => {
    if (typeof room !== 'string')
      return;
    socket.join(room);
    lastAck(rest)?.();
  });
  socket.on('leave', (room, ...rest) => {
    if (typeof room !== 'string')
      return;
    socket.leave(room);
    lastAck(rest)?.();
  });
  socket.on('rooms', (...args) => lastAck(args)?.([...socket.rooms]));
  socket.on('to-room', (...args) => {
    const cb = lastAck(args);
    const [room, payload] = args;

    if (typeof room !== 'string')
      return;
    nsp.to(room).emit('room-message', payload ?? null);
    cb?.();
  });
  socket.on('to-others', (...args) => {
    lastAck(args);
    socket.broadcast.emit('others', ...args);
  });
  socket.on('to-all', (...args) => {
    lastAck(args);
    nsp.emit('all', ...args);
  });
  socket.on('ask-me', (...args) => {
    lastAck(args);
    socket.timeout(2000).emit('question', ...args, (err, ...answer) => {
      if (err)
        socket.emit('answer-error', err.message);
      else
        socket.emit('answer', ...answer);
    });
  });
  socket.on('set-data', (...args) => {
    const cb = lastAck(args);

    if (args.length > 0)
      socket.data.value = args[0];
    cb?.();
  });
  socket.on('get-state', (...args) => {
    const state = { id: socket.id, recovered: socket.recovered };

    if ('value' in socket.data)
      state.value = socket.data.value;
    lastAck(args)?.(state);
  });
  // Ends the Engine.IO session as a network failure would ("forced close" is recoverable).
  socket.on('drop-transport', () => socket.conn.close());
  socket.on('kick-me', () => socket.disconnect(false));
}

io.of('/').on('connection', (socket) => {
  clientSuiteHandlers(socket);
  interopHandlers(io.of('/'), socket);
});
io.of('/chat').on('connection', (socket) => interopHandlers(io.of('/chat'), socket));

httpServer.listen(Number(values.port), '127.0.0.1', () => {
  const { port } = httpServer.address();

  process.stdout.write(`reference-server --mode interop listening on http://127.0.0.1:${port}/socket.io/\n`);
});

for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => io.close(() => process.exit(0)));
