/* sio-ws-conn.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sio-engine-packet.h"
#include "sio-io-hub.h"

G_BEGIN_DECLS

/* A server-side WebSocket connection taken over from libsoup after the handshake: our own
 * RFC 6455 framing, a queue of shared frames flushed with one writev per main-loop turn, and
 * one bounded read per readiness so a busy sender cannot hold the main loop.
 *
 * Ownership: the owner ends every connection with _sio_ws_conn_close(); from then on the
 * connection finishes the closing handshake and frees itself, and calls nothing back. */

typedef struct _SioWsConn SioWsConn;

typedef struct
{
  /* @data is only valid during the call. */
  void (*message) (SioWsConn   *conn,
                   gboolean     binary,
                   const guint8 *data,
                   gsize        len,
                   gpointer     user_data);
  /* The peer closed, the transport failed or the peer broke the protocol. Called at most once;
   * the owner still calls _sio_ws_conn_close(). */
  void (*closed)  (SioWsConn            *conn,
                   SioEngineCloseReason  reason,
                   const char           *detail,
                   gpointer              user_data);
} SioWsConnCallbacks;

#define SIO_WS_CLOSE_NORMAL 1000
#define SIO_WS_CLOSE_GOING_AWAY 1001
#define SIO_WS_CLOSE_PROTOCOL_ERROR 1002
#define SIO_WS_CLOSE_INVALID_DATA 1007
#define SIO_WS_CLOSE_POLICY 1008
#define SIO_WS_CLOSE_TOO_BIG 1009

SioWsConn *_sio_ws_conn_new              (SioIoHub                 *hub,
                                          GIOStream                *stream,
                                          GSocket                  *socket,
                                          int                       protocol,
                                          gsize                     max_payload,
                                          gsize                     max_queued,
                                          const SioWsConnCallbacks *callbacks,
                                          gpointer                  user_data);
void       _sio_ws_conn_set_callbacks    (SioWsConn                *conn,
                                          const SioWsConnCallbacks *callbacks,
                                          gpointer                  user_data);
void       _sio_ws_conn_send             (SioWsConn                *conn,
                                          SioEnginePacket          *packet);
void       _sio_ws_conn_flush_now        (SioWsConn                *conn);
gboolean   _sio_ws_conn_is_writable      (SioWsConn                *conn);
gsize      _sio_ws_conn_get_queued_bytes (SioWsConn                *conn);
void       _sio_ws_conn_close            (SioWsConn                *conn,
                                          guint16                   code);

G_END_DECLS
