/* sio-server-private.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "sio-broadcast.h"
#include "sio-deadline-queue.h"
#include "sio-engine-private.h"
#include "sio-event.h"
#include "sio-namespace.h"
#include "sio-packet.h"
#include "sio-server.h"
#include "sio-socket.h"

G_BEGIN_DECLS

/* The Socket.IO layer's objects know each other's insides: they are one unit split into files
 * by role (server, namespace, socket, the per-client connection, broadcast), as in the
 * reference. */

typedef struct _SioConnection SioConnection;

#define SIO_TYPE_CONNECTION (_sio_connection_get_type ())
G_DECLARE_FINAL_TYPE (SioConnection, _sio_connection, SIO, CONNECTION, GObject)

/* A disconnected socket kept for connection state recovery. */
typedef struct
{
  char       *pid;
  char       *sid;
  GPtrArray  *rooms;
  JsonObject *data;
  gint64      disconnected_at;
} SioSession;

/* A broadcast kept for connection state recovery, with its offset as the last argument. */
typedef struct
{
  char         *offset;
  SioPacket    *packet;
  GPtrArray    *rooms;
  GPtrArray    *except;
  gint64        emitted_at;
} SioPersistedPacket;

struct _SioServer
{
  GObject           parent_instance;

  SioEngineServer  *engine;
  GHashTable       *namespaces;           /* name → SioNamespace, owned */
  GPtrArray        *parents;              /* namespaces created by pattern, owned */
  GHashTable       *connections;          /* SioConnection set, owned */
  guint             connect_timeout;
  SioDeadlineQueue *connect_deadlines;

  /* Connection state recovery: off while max_disconnection_duration is 0. */
  guint             max_disconnection_duration;
  gboolean          skip_middlewares;
  guint64           next_offset;
  guint             prune_id;
};

typedef struct
{
  SioMiddlewareFunc func;
  gpointer          user_data;
  GDestroyNotify    destroy;
} SioMiddleware;

struct _SioNamespace
{
  GObject       parent_instance;

  SioServer    *server;                   /* borrowed: the server owns its namespaces */
  SioNamespace *parent;                   /* for a child of a pattern namespace */
  GRegex       *pattern;                  /* for a pattern namespace */
  GPtrArray    *children;                 /* pattern namespace: its children (borrowed) */
  char         *name;
  GHashTable   *sockets;                  /* id → SioSocket, owned */
  GHashTable   *rooms;                    /* room → GHashTable set of SioSocket (borrowed) */
  GArray       *middlewares;
  GHashTable   *sessions;                 /* pid → SioSession: recovery */
  GQueue        persisted;                /* SioPersistedPacket: recovery */
  guint         next_ack_id;              /* per namespace, as the reference numbers them */
};

/* Someone waiting for the client's ACK of an emit; @response is NULL when the socket went
 * away first. */
typedef void (*SioAckFunc) (SioSocket *socket,
                            SioEvent  *response,
                            gpointer   user_data);

struct _SioSocket
{
  GObject        parent_instance;

  SioNamespace  *nsp;                     /* owned */
  SioConnection *conn;                    /* borrowed while connected */
  SioEngineSocket *engine;
  char          *id;
  char          *pid;
  JsonNode      *auth;
  JsonObject    *data;
  GPtrArray     *rooms;                   /* char *, excluding the implicit own-id room */
  GHashTable    *acks;                    /* ack id → SioAckWaiter */
  gint64         handshake_time;
  gboolean       connected;
  gboolean       recovered;
};

struct _SioBroadcast
{
  SioNamespace *nsp;                      /* owned */
  GPtrArray    *rooms;
  GPtrArray    *except;
  char         *except_socket;            /* socket.broadcast: everyone but the sender */
  gboolean      is_volatile;
};

/* sio-connection.c */
SioConnection   *_sio_connection_new              (SioServer           *server,
                                                   SioEngineSocket     *engine);
SioEngineSocket *_sio_connection_get_engine       (SioConnection       *self);
int              _sio_connection_get_protocol     (SioConnection       *self);
void             _sio_connection_send_packet      (SioConnection       *self,
                                                   SioPacket           *packet,
                                                   gboolean             is_volatile);
void             _sio_connection_send_encoded     (SioConnection       *self,
                                                   SioEnginePacket     *text,
                                                   GPtrArray           *binaries,
                                                   gboolean             is_volatile);
void             _sio_connection_send_connect_error (SioConnection     *self,
                                                   const char          *nsp,
                                                   const char          *message,
                                                   JsonNode            *data);
void             _sio_connection_register_socket  (SioConnection       *self,
                                                   SioSocket           *socket);
void             _sio_connection_disconnect_all   (SioConnection       *self);
void             _sio_connection_remove_socket    (SioConnection       *self,
                                                   SioSocket           *socket);
void             _sio_connection_close            (SioConnection       *self,
                                                   const char          *reason);
void             _sio_connection_connect_overdue  (gpointer             owner,
                                                   gpointer             user_data);

/* sio-namespace.c */
SioNamespace    *_sio_namespace_new               (SioServer           *server,
                                                   const char          *name);
SioNamespace    *_sio_namespace_new_pattern       (SioServer           *server,
                                                   GRegex              *pattern);
SioNamespace    *_sio_namespace_new_child         (SioNamespace        *parent,
                                                   const char          *name);
gboolean         _sio_namespace_matches           (SioNamespace        *self,
                                                   const char          *name);
void             _sio_namespace_add               (SioNamespace        *self,
                                                   SioConnection       *conn,
                                                   JsonNode            *auth);
void             _sio_namespace_emit_event        (SioNamespace        *self,
                                                   SioSocket           *socket,
                                                   GQuark               detail,
                                                   SioEvent            *event);
void             _sio_namespace_remove            (SioNamespace        *self,
                                                   SioSocket           *socket);
void             _sio_namespace_room_add          (SioNamespace        *self,
                                                   const char          *room,
                                                   SioSocket           *socket);
void             _sio_namespace_room_remove       (SioNamespace        *self,
                                                   const char          *room,
                                                   SioSocket           *socket);
char            *_sio_namespace_persist           (SioNamespace        *self,
                                                   SioPacket           *packet,
                                                   GPtrArray           *rooms,
                                                   GPtrArray           *except);
void             _sio_namespace_persist_session   (SioNamespace        *self,
                                                   SioSocket           *socket);
void             _sio_namespace_prune             (SioNamespace        *self,
                                                   gint64               threshold);

/* sio-socket.c */
void             _sio_socket_expect_ack           (SioSocket           *self,
                                                   guint                id,
                                                   SioAckFunc           func,
                                                   gpointer             user_data);
gboolean         _sio_server_recovery_enabled     (SioServer           *server);
SioSocket       *_sio_socket_new                  (SioNamespace        *nsp,
                                                   SioConnection       *conn,
                                                   JsonNode            *auth);
void             _sio_socket_restore              (SioSocket           *self,
                                                   SioSession          *session);
void             _sio_socket_on_connect           (SioSocket           *self);
void             _sio_socket_on_packet            (SioSocket           *self,
                                                   SioPacket           *packet);
void             _sio_socket_on_close             (SioSocket           *self,
                                                   const char          *reason,
                                                   const char          *description);
void             _sio_socket_send_packet          (SioSocket           *self,
                                                   SioPacket           *packet);

gboolean         _sio_event_name_is_reserved      (const char          *event);

/* sio-event.c */
SioEvent        *_sio_event_new                   (SioSocket           *socket,
                                                   SioPacket           *packet);
SioEvent        *_sio_event_new_ack_response      (SioSocket           *socket,
                                                   SioPacket           *packet);

/* sio-broadcast.c */
SioBroadcast    *_sio_broadcast_new               (SioNamespace        *nsp);
SioPacket       *_sio_event_packet_new            (const char          *nsp,
                                                   const char          *event,
                                                   JsonArray           *args,
                                                   GPtrArray           *attachments);

/* sio-session.c */
void             _sio_session_free                (SioSession          *session);
void             _sio_persisted_packet_free       (SioPersistedPacket  *packet);
GPtrArray       *_sio_string_array_copy           (GPtrArray           *array);

G_END_DECLS
