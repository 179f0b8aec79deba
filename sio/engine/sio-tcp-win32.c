/* sio-tcp-win32.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <winsock2.h>

#include "sio-tcp.h"

void
_sio_tcp_set_nodelay (GSocket *socket)
{
  g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
}
