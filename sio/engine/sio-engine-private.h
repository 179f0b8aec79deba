/* sio-engine-private.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "sio-http-head.h"
#include "sio-deadline-queue.h"
#include "sio-engine-packet-private.h"
#include "sio-engine-server.h"
#include "sio-engine-socket.h"
#include "sio-io-hub.h"
#include "sio-ws-conn.h"

G_BEGIN_DECLS

/* Engine.IO error codes (protocol, "Errors"), as the reference numbers them. */
typedef enum
{
  SIO_ENGINE_ERROR_UNKNOWN_TRANSPORT = 0,
  SIO_ENGINE_ERROR_UNKNOWN_SID = 1,
  SIO_ENGINE_ERROR_BAD_HANDSHAKE_METHOD = 2,
  SIO_ENGINE_ERROR_BAD_REQUEST = 3,
  SIO_ENGINE_ERROR_FORBIDDEN = 4,
  SIO_ENGINE_ERROR_UNSUPPORTED_PROTOCOL_VERSION = 5,
} SioEngineErrorCode;

/* The owner of a socket inside sio/ (the Socket.IO connection) is told directly, which costs
 * nothing per socket, unlike two signal handlers on each of thousands of idle sockets. */
typedef struct
{
  void (*message) (SioEngineSocket      *socket,
                   SioEnginePacket      *packet,
                   gpointer              user_data);
  void (*closed)  (SioEngineSocket      *socket,
                   SioEngineCloseReason  reason,
                   const char           *description,
                   gpointer              user_data);
} SioEngineSocketDelegate;

/* What a socket needs from its server, resolved once at creation. */
typedef struct
{
  SioIoHub         *hub;
  SioDeadlineQueue *ping_interval;
  SioDeadlineQueue *ping_timeout;
  SioDeadlineQueue *upgrade_timeout;
  SioDeadlineQueue *v3_heartbeat;     /* v3: client pings, we expect one per interval + timeout */
  gsize             max_payload;
  gsize             max_queued;
  guint             max_packet_rate;  /* packets per second a session may send; 0: no limit */
} SioEngineSocketContext;

void             _sio_engine_respond_error           (SoupServerMessage       *msg,
                                                      SioEngineErrorCode       code,
                                                      const char              *context);
void             _sio_engine_respond_error_message   (SoupServerMessage       *msg,
                                                      SioEngineErrorCode       code,
                                                      const char              *message,
                                                      const char              *context);
void             _sio_engine_server_prepare_response (SioEngineServer         *self,
                                                      SoupServerMessage       *msg);
void             _sio_engine_server_socket_closed    (SioEngineServer         *self,
                                                      SioEngineSocket         *socket);

SioEngineSocket *_sio_engine_socket_new              (SioEngineServer         *server,
                                                      const SioEngineSocketContext *context,
                                                      int                      protocol,
                                                      SoupServerMessage       *msg,
                                                      GHashTable              *query);
gboolean         _sio_engine_query_param_has_nul     (const char              *raw_query,
                                                      const char              *name);
SioEngineSocket *_sio_engine_socket_new_for_head     (SioEngineServer         *server,
                                                      const SioEngineSocketContext *context,
                                                      int                      protocol,
                                                      const SioHttpHead       *head,
                                                      GSocketAddress          *remote,
                                                      GHashTable              *query);
char            *_sio_engine_socket_open_payload     (SioEngineSocket         *self,
                                                      guint                    ping_interval,
                                                      guint                    ping_timeout,
                                                      gboolean                 upgrades);
void             _sio_engine_socket_set_delegate     (SioEngineSocket         *self,
                                                      const SioEngineSocketDelegate *delegate,
                                                      gpointer                 user_data);
void             _sio_engine_socket_start            (SioEngineSocket         *self);
void             _sio_engine_socket_attach_websocket (SioEngineSocket         *self,
                                                      GIOStream               *stream,
                                                      GSocket                 *socket);
void             _sio_engine_socket_attach_probe     (SioEngineSocket         *self,
                                                      GIOStream               *stream,
                                                      GSocket                 *socket);
gboolean         _sio_engine_socket_can_probe        (SioEngineSocket         *self);
void             _sio_engine_socket_handle_poll      (SioEngineSocket         *self,
                                                      SoupServerMessage       *msg);
void             _sio_engine_socket_handle_data      (SioEngineSocket         *self,
                                                      SoupServerMessage       *msg,
                                                      const char              *body,
                                                      gsize                    len,
                                                      gboolean                 is_binary);
void             _sio_engine_socket_ping_due         (gpointer                 owner,
                                                      gpointer                 user_data);
void             _sio_engine_socket_pong_overdue     (gpointer                 owner,
                                                      gpointer                 user_data);
void             _sio_engine_socket_upgrade_overdue  (gpointer                 owner,
                                                      gpointer                 user_data);
void             _sio_engine_socket_abort            (SioEngineSocket         *self,
                                                      SioEngineCloseReason     reason,
                                                      const char              *detail);

G_END_DECLS
