/* sio-tcp-unix.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>

#include "sio-tcp.h"

void
_sio_tcp_set_nodelay (GSocket *socket)
{
  /* Best effort: a socket that refuses (not TCP, say) works the same, a little later. */
  g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
}
