/* sio-engine-socket-private.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "sio-engine-private.h"

G_BEGIN_DECLS

typedef enum
{
  SOCKET_OPEN,
  SOCKET_CLOSING,   /* close() on polling: waiting for the client to fetch the close packet */
  SOCKET_CLOSED,
} SocketState;

/* Shared by sio-engine-socket.c (session, heartbeat, WebSocket) and sio-engine-polling.c. */
struct _SioEngineSocket
{
  GObject                 parent_instance;

  SioFlushable            polling_flush;
  SioEngineServer        *server;          /* borrowed: the server owns us until "closed" */
  SioEngineSocketContext  context;         /* hub reference owned */
  char                    id[21];
  int                     protocol;
  SioEngineTransports     transport;
  SocketState             state;

  /* The handshake request, kept compact: an idle server holds thousands of these, and most
   * are never asked for. One block "url\0ip\0port\0name\0value\0...\0"; the GObject views
   * below are built on first request. */
  char                   *handshake;
  SoupMessageHeaders     *headers;
  GHashTable             *query;
  GSocketAddress         *remote_address;
  gboolean                supports_binary;

  const SioEngineSocketDelegate *delegate;
  gpointer                delegate_data;

  /* Heartbeat: sits in the ping-interval queue, or in the ping-timeout queue after a ping. */
  SioDeadline             heartbeat;
  gboolean                awaiting_pong;
  double                  packet_allowance;  /* max-packet-rate's token bucket */
  gint64                  allowance_time;

  /* Polling: packets wait here for the next GET. */
  GPtrArray              *buffer;
  SoupServerMessage      *held_get;
  gulong                  held_get_disconnected_id;

  /* WebSocket: the live transport, and a candidate during an upgrade. */
  SioWsConn              *ws;
  SioWsConn              *probe;
  SioDeadline             upgrade_deadline;
  gboolean                upgrading;
};

void _sio_engine_socket_handle_packet   (SioEngineSocket       *self,
                                         SioEnginePacket       *packet);
void _sio_engine_socket_finish_close    (SioEngineSocket       *self,
                                         SioEngineCloseReason   reason,
                                         const char            *detail);
void _sio_engine_polling_flush          (SioFlushable          *flushable);
void _sio_engine_polling_schedule_flush (SioEngineSocket       *self);
void _sio_engine_polling_release        (SioEngineSocket       *self,
                                         SioEnginePacketType    last);

G_END_DECLS
