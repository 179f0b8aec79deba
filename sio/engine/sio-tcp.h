/* sio-tcp.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Turns off Nagle's algorithm: a chat frame must leave now, not wait for the previous one's
 * ACK (Node's servers do the same by default). Platform code: sio-tcp-unix.c, sio-tcp-win32.c. */
void _sio_tcp_set_nodelay (GSocket *socket);

G_END_DECLS
