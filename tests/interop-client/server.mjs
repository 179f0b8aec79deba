// server.mjs
//
// SPDX-FileCopyrightText: 2026 The Tincan authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The real socket.io server (the version package.json pins) that tests/test-client-interop.c
// runs the client half of sio/ (SioManager, SioClientSocket) against.
//
//   node server.mjs            prints "listening on PORT" once it accepts connections
//
// It exits when its standard input closes, so a test that dies never leaves it behind.
//
// Namespaces "/" and "/chat" share the handlers below; "/private" lets in only auth
// {token: "letmein"} and refuses everyone else with a message and data. Connection state
// recovery is on (2 minutes).
//
//   echo (...args, ack)          ack(...args), binary included
//   binary-echo (...args)        emit("binary-echo", ...args) back
//   ask (payload)                emitWithAck("question", payload) to the client, then
//                                emit("answer", ...its answer) or emit("answer-error", message)
//   join (room, ack)             socket.join(room); ack()
//   to-room (room, msg, ack)     nsp.to(room).emit("room-message", msg); ack()
//   state (ack)                  ack({id, recovered, rooms, auth})
//   drop ()                      closes the Engine.IO connection (a network failure, as far as
//                                recovery is concerned), then broadcasts "missed" while the
//                                client is away
//   kick ()                      socket.disconnect()
//
// On connection every socket gets emit("welcome", {nsp, id, auth, recovered}).

import { createServer } from 'node:http';
import { Server } from 'socket.io';

const httpServer = createServer();
const io = new Server(httpServer, {
  pingInterval: 2000,
  pingTimeout: 2000,
  connectionStateRecovery: { maxDisconnectionDuration: 2 * 60 * 1000, skipMiddlewares: true },
});

function lastAck (args) {
  return typeof args[args.length - 1] === 'function' ? args.pop() : undefined;
}

function handlers (socket) {
  const nsp = socket.nsp;

  socket.emit('welcome', {
    nsp: nsp.name,
    id: socket.id,
    auth: socket.handshake.auth,
    recovered: socket.recovered,
  });

  socket.on('echo', (...args) => {
    const ack = lastAck(args);
    ack?.(...args);
  });

  socket.on('binary-echo', (...args) => {
    lastAck(args);
    socket.emit('binary-echo', ...args);
  });

  socket.on('ask', async (payload) => {
    try {
      const answer = await socket.timeout(5000).emitWithAck('question', payload);
      socket.emit('answer', answer);
    } catch (err) {
      socket.emit('answer-error', err.message);
    }
  });

  socket.on('join', (room, ack) => {
    socket.join(room);
    ack?.();
  });

  socket.on('to-room', (room, msg, ack) => {
    nsp.to(room).emit('room-message', msg);
    ack?.();
  });

  socket.on('state', (ack) => {
    ack?.({
      id: socket.id,
      recovered: socket.recovered,
      rooms: [...socket.rooms].filter((room) => room !== socket.id).sort(),
      auth: socket.handshake.auth,
    });
  });

  socket.on('drop', () => {
    socket.once('disconnect', () => nsp.emit('missed', 'while-away'));
    socket.conn.close();
  });

  socket.on('kick', () => socket.disconnect());
}

io.of('/').on('connection', handlers);
io.of('/chat').on('connection', handlers);

io.of('/private').use((socket, next) => {
  const token = socket.handshake.auth?.token;

  if (token === 'letmein') {
    next();
    return;
  }

  const err = new Error('not authorized');
  err.data = { reason: 'bad token', token: token ?? null };
  next(err);
});
io.of('/private').on('connection', handlers);

process.stdin.on('end', () => process.exit(0));
process.stdin.resume();

httpServer.listen(0, '127.0.0.1', () => {
  console.log(`listening on ${httpServer.address().port}`);
});
