/* sio-socket.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SioSocket:
 *
 * One client in one namespace: what the application talks to.
 *
 * Events from the client arrive through the detailed [signal@Socket::event] signal
 * ("event::chat message" for one event, plain "event" for all of them). The socket is always
 * in the room named by its id, and in whatever rooms [method@Socket.join] adds.
 */

#include "config.h"

#include "sio-random.h"
#include "sio-server-private.h"

enum {
  EVENT,
  DISCONNECTING,
  DISCONNECT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  SioAckFunc func;
  gpointer   user_data;
} SioAckWaiter;

G_DEFINE_FINAL_TYPE (SioSocket, sio_socket, G_TYPE_OBJECT)

static void
sio_socket_finalize (GObject *object)
{
  SioSocket *self = (SioSocket *) object;

  g_assert (self->acks == NULL || g_hash_table_size (self->acks) == 0);

  g_clear_pointer (&self->acks, g_hash_table_unref);
  g_clear_pointer (&self->rooms, g_ptr_array_unref);
  g_clear_pointer (&self->auth, json_node_unref);
  g_clear_pointer (&self->data, json_object_unref);
  g_clear_pointer (&self->pid, g_free);
  g_clear_pointer (&self->id, g_free);
  g_clear_object (&self->engine);
  g_clear_object (&self->nsp);

  G_OBJECT_CLASS (sio_socket_parent_class)->finalize (object);
}

static void
sio_socket_class_init (SioSocketClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sio_socket_finalize;

  /**
   * SioSocket::event:
   * @self: the socket
   * @event: the event, with its arguments and a way to acknowledge it
   *
   * Emitted for every event the client sends; the detail is the event name. Handlers that
   * connect without a detail see every event (a catch-all).
   */
  signals[EVENT] =
    g_signal_new ("event",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, SIO_TYPE_EVENT | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * SioSocket::disconnecting:
   * @self: the socket
   * @reason: why, as the reference words it ("transport close", ...)
   * @description: (nullable): more detail
   *
   * Emitted when the socket is about to leave, while it is still in its rooms.
   */
  signals[DISCONNECTING] =
    g_signal_new ("disconnecting",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  /**
   * SioSocket::disconnect:
   * @self: the socket
   * @reason: why, as the reference words it
   * @description: (nullable): more detail
   *
   * Emitted once, after the socket left its namespace.
   */
  signals[DISCONNECT] =
    g_signal_new ("disconnect",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
sio_socket_init (SioSocket *self)
{
}

gboolean
_sio_server_recovery_enabled (SioServer *server)
{
  return server->max_disconnection_duration > 0;
}

SioSocket *
_sio_socket_new (SioNamespace  *nsp,
                 SioConnection *conn,
                 JsonNode      *auth)
{
  SioSocket *self = g_object_new (SIO_TYPE_SOCKET, NULL);

  self->nsp = g_object_ref (nsp);
  self->conn = conn;
  /* Kept after disconnection too, so the handshake stays readable in "disconnect". */
  self->engine = g_object_ref (_sio_connection_get_engine (conn));
  if (_sio_connection_get_protocol (conn) == SIO_PROTOCOL_V4)
    {
      /* socket.io 2.x clients derive their id from the Engine.IO id, so the reference
       * reuses it for them. */
      const char *sid = sio_engine_socket_get_id (_sio_connection_get_engine (conn));

      self->id = g_str_equal (nsp->name, "/") ? g_strdup (sid) : g_strconcat (nsp->name, "#", sid, NULL);
    }
  else
    {
      char id[21];

      /* Not the Engine.IO id, which is a credential for the transport. */
      _sio_random_id (id);
      self->id = g_strdup (id);
    }
  if (_sio_server_recovery_enabled (nsp->server))
    {
      char pid[21];

      _sio_random_id (pid);
      self->pid = g_strdup (pid);
    }
  /* Without auth, the reference's default {} is made when first asked for. */
  if (auth != NULL)
    self->auth = json_node_ref (auth);
  self->handshake_time = g_get_real_time () / 1000;

  return self;
}

void
_sio_socket_restore (SioSocket  *self,
                     SioSession *session)
{
  g_free (self->id);
  self->id = g_strdup (session->sid);
  g_free (self->pid);
  self->pid = g_strdup (session->pid);
  g_clear_pointer (&self->data, json_object_unref);
  self->data = session->data ? json_object_ref (session->data) : NULL;

  for (guint i = 0; i < session->rooms->len; i++)
    {
      const char *room = g_ptr_array_index (session->rooms, i);

      if (g_strcmp0 (room, self->id) == 0)
        continue;
      if (self->rooms == NULL)
        self->rooms = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (self->rooms, g_strdup (room));
    }

  self->recovered = TRUE;
}

void
_sio_socket_send_packet (SioSocket *self,
                         SioPacket *packet)
{
  /* Before the CONNECT reply too: what a middleware emits goes out first, as in the
   * reference (the client buffers it until it is connected). */
  if (self->conn == NULL)
    return;

  _sio_connection_send_packet (self->conn, packet, FALSE);
}

void
_sio_socket_on_connect (SioSocket *self)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) data = NULL;
  g_autoptr(SioPacket) packet = NULL;

  self->connected = TRUE;
  for (guint i = 0; self->rooms != NULL && i < self->rooms->len; i++)
    _sio_namespace_room_add (self->nsp, g_ptr_array_index (self->rooms, i), self);

  json_object_set_string_member (object, "sid", self->id);
  if (self->pid != NULL)
    json_object_set_string_member (object, "pid", self->pid);
  data = json_node_init_object (json_node_alloc (), object);
  packet = sio_packet_new (SIO_PACKET_CONNECT, self->nsp->name, -1, data);
  _sio_socket_send_packet (self, packet);
}

void
_sio_socket_expect_ack (SioSocket  *self,
                        guint       id,
                        SioAckFunc  func,
                        gpointer    user_data)
{
  SioAckWaiter *waiter = g_new (SioAckWaiter, 1);

  waiter->func = func;
  waiter->user_data = user_data;
  if (self->acks == NULL)
    self->acks = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_hash_table_insert (self->acks, GUINT_TO_POINTER (id), waiter);
}

static void
on_ack (SioSocket *self,
        SioPacket *packet)
{
  g_autoptr(SioEvent) response = NULL;
  SioAckWaiter *waiter;
  gint64 id = sio_packet_get_id (packet);

  if (self->acks == NULL || id < 0 || id > G_MAXUINT)
    return;

  waiter = g_hash_table_lookup (self->acks, GUINT_TO_POINTER ((guint) id));
  if (waiter == NULL)
    {
      g_debug ("Socket %s: ack %" G_GINT64_FORMAT " matches no emit", self->id, id);
      return;
    }

  g_hash_table_steal (self->acks, GUINT_TO_POINTER ((guint) id));
  response = _sio_event_new_ack_response (self, packet);
  waiter->func (self, response, waiter->user_data);
  g_free (waiter);
}

void
_sio_socket_on_packet (SioSocket *self,
                       SioPacket *packet)
{
  g_autoptr(SioSocket) hold = g_object_ref (self);

  switch (sio_packet_get_kind (packet))
    {
    case SIO_PACKET_EVENT:
    case SIO_PACKET_BINARY_EVENT:
      {
        g_autoptr(SioEvent) event = _sio_event_new (self, packet);
        const char *name = sio_event_get_name (event);
        /* Never intern names a client made up: a quark that does not exist yet has no
         * handler either, so the catch-all emission is all that is needed. */
        GQuark detail = name ? g_quark_try_string (name) : 0;

        g_signal_emit (self, signals[EVENT], detail, event);
        if (self->connected)
          _sio_namespace_emit_event (self->nsp, self, detail, event);
      }
      break;

    case SIO_PACKET_ACK:
    case SIO_PACKET_BINARY_ACK:
      on_ack (self, packet);
      break;

    case SIO_PACKET_DISCONNECT:
      _sio_socket_on_close (self, "client namespace disconnect", NULL);
      break;

    case SIO_PACKET_CONNECT:
    case SIO_PACKET_CONNECT_ERROR:
    default:
      break;
    }
}

static gboolean
reason_is_recoverable (const char *reason)
{
  static const char * const recoverable[] = {
    "transport error", "transport close", "forced close", "ping timeout",
    "server shutting down", "forced server close", NULL,
  };

  return g_strv_contains (recoverable, reason);
}

void
_sio_socket_on_close (SioSocket  *self,
                      const char *reason,
                      const char *description)
{
  g_autoptr(SioSocket) hold = g_object_ref (self);
  g_autoptr(GHashTable) acks = NULL;
  GHashTableIter iter;
  gpointer value;

  if (!self->connected)
    return;

  g_debug ("Socket %s left %s: %s", self->id, self->nsp->name, reason);
  g_signal_emit (self, signals[DISCONNECTING], 0, reason, description);

  if (_sio_server_recovery_enabled (self->nsp->server) && reason_is_recoverable (reason))
    _sio_namespace_persist_session (self->nsp, self);

  for (guint i = 0; self->rooms != NULL && i < self->rooms->len; i++)
    _sio_namespace_room_remove (self->nsp, g_ptr_array_index (self->rooms, i), self);
  g_clear_pointer (&self->rooms, g_ptr_array_unref);

  self->connected = FALSE;
  if (self->conn != NULL)
    _sio_connection_remove_socket (self->conn, self);
  self->conn = NULL;

  /* Whoever waits for an acknowledgement learns that none will come. */
  acks = g_steal_pointer (&self->acks);
  if (acks != NULL)
    {
      g_hash_table_iter_init (&iter, acks);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          SioAckWaiter *waiter = value;

          waiter->func (self, NULL, waiter->user_data);
        }
    }

  _sio_namespace_remove (self->nsp, self);
  g_signal_emit (self, signals[DISCONNECT], 0, reason, description);
}

/* ---- Public API ------------------------------------------------------------------------- */

/**
 * sio_socket_get_id:
 * @self: a socket
 *
 * Returns: the socket id (not the Engine.IO session id)
 */
const char *
sio_socket_get_id (SioSocket *self)
{
  g_return_val_if_fail (SIO_IS_SOCKET (self), NULL);

  return self->id;
}

/**
 * sio_socket_get_namespace:
 * @self: a socket
 *
 * Returns: (transfer none): the namespace
 */
SioNamespace *
sio_socket_get_namespace (SioSocket *self)
{
  g_return_val_if_fail (SIO_IS_SOCKET (self), NULL);

  return self->nsp;
}

/**
 * sio_socket_get_engine:
 * @self: a socket
 *
 * Returns: (transfer none): the Engine.IO session the socket came over (closed once the
 *   socket is disconnected, but still readable: its id, headers, query)
 */
SioEngineSocket *
sio_socket_get_engine (SioSocket *self)
{
  g_return_val_if_fail (SIO_IS_SOCKET (self), NULL);

  return self->engine;
}

/**
 * sio_socket_get_auth:
 * @self: a socket
 *
 * Returns: (transfer none): the auth payload of the CONNECT packet ({} if none)
 */
JsonNode *
sio_socket_get_auth (SioSocket *self)
{
  g_return_val_if_fail (SIO_IS_SOCKET (self), NULL);

  if (self->auth == NULL)
    {
      g_autoptr(JsonObject) empty = json_object_new ();

      self->auth = json_node_init_object (json_node_alloc (), empty);
    }
  return self->auth;
}

/**
 * sio_socket_get_query:
 * @self: a socket
 *
 * Returns: (transfer none) (nullable) (element-type utf8 utf8): the handshake's query
 */
GHashTable *
sio_socket_get_query (SioSocket *self)
{
  SioEngineSocket *engine = sio_socket_get_engine (self);

  return engine ? sio_engine_socket_get_query (engine) : NULL;
}

/**
 * sio_socket_get_headers:
 * @self: a socket
 *
 * Returns: (transfer none) (nullable): the handshake's request headers
 */
SoupMessageHeaders *
sio_socket_get_headers (SioSocket *self)
{
  SioEngineSocket *engine = sio_socket_get_engine (self);

  return engine ? sio_engine_socket_get_headers (engine) : NULL;
}

/**
 * sio_socket_get_remote_address:
 * @self: a socket
 *
 * Returns: (transfer none) (nullable): the client's address
 */
GSocketAddress *
sio_socket_get_remote_address (SioSocket *self)
{
  SioEngineSocket *engine = sio_socket_get_engine (self);

  return engine ? sio_engine_socket_get_remote_address (engine) : NULL;
}

/**
 * sio_socket_get_handshake_time:
 * @self: a socket
 *
 * Returns: when the socket connected, in milliseconds since the Unix epoch
 */
gint64
sio_socket_get_handshake_time (SioSocket *self)
{
  g_return_val_if_fail (SIO_IS_SOCKET (self), 0);

  return self->handshake_time;
}

static char *
format_js_date (gint64 unix_ms)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_ms / 1000);
  g_autoptr(GDateTime) local = g_date_time_to_local (utc);
  g_autofree char *date = g_date_time_format (local, "%a %b %d %Y %H:%M:%S");
  g_autofree char *offset = g_date_time_format (local, "%z");

  /* Date.prototype.toString(): "Sun Nov 22 2026 04:12:00 GMT+0000 (zone name)". */
  return g_strdup_printf ("%s GMT%s (%s)", date, offset, g_date_time_get_timezone_abbreviation (local));
}

/**
 * sio_socket_dup_handshake:
 * @self: a socket
 *
 * The handshake details as the reference's `socket.handshake` object: headers, time,
 * address, xdomain, secure, issued, url, query and auth.
 *
 * Returns: (transfer full): a new object node
 */
JsonNode *
sio_socket_dup_handshake (SioSocket *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  SoupMessageHeaders *headers = sio_socket_get_headers (self);
  GSocketAddress *address = sio_socket_get_remote_address (self);
  GHashTable *query = sio_socket_get_query (self);
  SioEngineSocket *engine = sio_socket_get_engine (self);
  g_autofree char *time = NULL;
  SoupMessageHeadersIter iter;
  const char *name;
  const char *value;

  g_return_val_if_fail (SIO_IS_SOCKET (self), NULL);

  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "headers");
  json_builder_begin_object (builder);
  if (headers != NULL)
    {
      g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

      soup_message_headers_iter_init (&iter, headers);
      while (soup_message_headers_iter_next (&iter, &name, &value))
        {
          g_autofree char *lower = g_ascii_strdown (name, -1);
          g_autofree char *joined = NULL;

          if (!g_hash_table_add (seen, g_strdup (lower)))
            continue;
          /* As Node's request.headers: repeated headers joined, cookies with "; ". */
          if (g_str_equal (lower, "cookie"))
            {
              g_autoptr(GString) cookies = g_string_new (NULL);
              SoupMessageHeadersIter again;
              const char *other_name, *other_value;

              soup_message_headers_iter_init (&again, headers);
              while (soup_message_headers_iter_next (&again, &other_name, &other_value))
                if (g_ascii_strcasecmp (other_name, "cookie") == 0)
                  g_string_append_printf (cookies, "%s%s", cookies->len ? "; " : "", other_value);
              joined = g_string_free (g_steal_pointer (&cookies), FALSE);
            }
          else
            joined = g_strdup (soup_message_headers_get_list (headers, name));

          json_builder_set_member_name (builder, lower);
          json_builder_add_string_value (builder, joined ? joined : value);
        }
    }
  json_builder_end_object (builder);

  time = format_js_date (self->handshake_time);
  json_builder_set_member_name (builder, "time");
  json_builder_add_string_value (builder, time);

  json_builder_set_member_name (builder, "address");
  if (G_IS_INET_SOCKET_ADDRESS (address))
    {
      g_autofree char *ip = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));
      json_builder_add_string_value (builder, ip);
    }
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "xdomain");
  json_builder_add_boolean_value (builder, headers && soup_message_headers_get_one (headers, "Origin"));
  json_builder_set_member_name (builder, "secure");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_set_member_name (builder, "issued");
  json_builder_add_int_value (builder, self->handshake_time);

  json_builder_set_member_name (builder, "url");
  if (engine != NULL)
    json_builder_add_string_value (builder, sio_engine_socket_get_url (engine));
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "query");
  json_builder_begin_object (builder);
  if (query != NULL)
    {
      GHashTableIter hiter;
      gpointer k, v;

      g_hash_table_iter_init (&hiter, query);
      while (g_hash_table_iter_next (&hiter, &k, &v))
        {
          json_builder_set_member_name (builder, k);
          json_builder_add_string_value (builder, v);
        }
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "auth");
  json_builder_add_value (builder, json_node_copy (sio_socket_get_auth (self)));

  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/**
 * sio_socket_get_data:
 * @self: a socket
 *
 * Application data for this socket; survives a recovered reconnection.
 *
 * Returns: (transfer none): a mutable object
 */
JsonObject *
sio_socket_get_data (SioSocket *self)
{
  g_return_val_if_fail (SIO_IS_SOCKET (self), NULL);

  /* Made on first use: most sockets of a busy server never store anything. */
  if (self->data == NULL)
    self->data = json_object_new ();
  return self->data;
}

gboolean
sio_socket_is_connected (SioSocket *self)
{
  g_return_val_if_fail (SIO_IS_SOCKET (self), FALSE);

  return self->connected;
}

/**
 * sio_socket_is_recovered:
 * @self: a socket
 *
 * Returns: %TRUE if this socket resumed a session (same id, rooms and data, missed packets
 *   replayed)
 */
gboolean
sio_socket_is_recovered (SioSocket *self)
{
  g_return_val_if_fail (SIO_IS_SOCKET (self), FALSE);

  return self->recovered;
}

static gboolean
find_room (SioSocket  *self,
           const char *room,
           guint      *index)
{
  return self->rooms != NULL && g_ptr_array_find_with_equal_func (self->rooms, room, g_str_equal, index);
}

/**
 * sio_socket_join:
 * @self: a socket
 * @room: a room name
 *
 * Adds the socket to @room.
 */
void
sio_socket_join (SioSocket  *self,
                 const char *room)
{
  g_return_if_fail (SIO_IS_SOCKET (self));
  g_return_if_fail (room != NULL);

  if (g_strcmp0 (room, self->id) == 0 || find_room (self, room, NULL))
    return;

  if (self->rooms == NULL)
    self->rooms = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->rooms, g_strdup (room));
  if (self->connected)
    _sio_namespace_room_add (self->nsp, room, self);
}

/**
 * sio_socket_leave:
 * @self: a socket
 * @room: a room name
 *
 * Removes the socket from @room. The room named by the socket's id cannot be left.
 */
void
sio_socket_leave (SioSocket  *self,
                  const char *room)
{
  guint index;

  g_return_if_fail (SIO_IS_SOCKET (self));
  g_return_if_fail (room != NULL);

  if (!find_room (self, room, &index))
    return;

  if (self->connected)
    _sio_namespace_room_remove (self->nsp, room, self);
  g_ptr_array_remove_index (self->rooms, index);
}

gboolean
sio_socket_in_room (SioSocket  *self,
                    const char *room)
{
  g_return_val_if_fail (SIO_IS_SOCKET (self), FALSE);
  g_return_val_if_fail (room != NULL, FALSE);

  return self->connected && (g_strcmp0 (room, self->id) == 0 || find_room (self, room, NULL));
}

/**
 * sio_socket_list_rooms:
 * @self: a socket
 *
 * Returns: (transfer full) (element-type utf8): the rooms, its own id first
 */
GPtrArray *
sio_socket_list_rooms (SioSocket *self)
{
  GPtrArray *rooms;

  g_return_val_if_fail (SIO_IS_SOCKET (self), NULL);

  rooms = g_ptr_array_new_with_free_func (g_free);
  /* As the reference's socket.rooms: empty before the socket connected and after it left. */
  if (!self->connected)
    return rooms;
  g_ptr_array_add (rooms, g_strdup (self->id));
  for (guint i = 0; self->rooms != NULL && i < self->rooms->len; i++)
    g_ptr_array_add (rooms, g_strdup (g_ptr_array_index (self->rooms, i)));
  return rooms;
}

static void
socket_emit_packet (SioSocket *self,
                    SioPacket *packet)
{
  /* With recovery on, what a socket is sent is stamped and kept like a broadcast to its own
   * room, so a reconnecting client gets it again. */
  if (_sio_server_recovery_enabled (self->nsp->server) && sio_packet_get_id (packet) < 0)
    {
      g_autoptr(GPtrArray) rooms = g_ptr_array_new ();
      g_autoptr(GPtrArray) except = g_ptr_array_new ();

      g_ptr_array_add (rooms, self->id);
      g_free (_sio_namespace_persist (self->nsp, packet, rooms, except));
    }

  _sio_socket_send_packet (self, packet);
}

/**
 * sio_socket_emit:
 * @self: a socket
 * @event: the event name
 * @args: (nullable): the arguments
 * @attachments: (nullable) (element-type GBytes): binary values named by placeholders in @args
 *
 * Sends an event to this client.
 */
/* Names the client reserves for itself; emitting one is a programming error (the reference
 * throws), and a client would drop the connection on receiving it. */
gboolean
_sio_event_name_is_reserved (const char *event)
{
  static const char * const reserved[] = {
    "connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener", NULL,
  };

  return g_strv_contains (reserved, event);
}

void
sio_socket_emit (SioSocket  *self,
                 const char *event,
                 JsonArray  *args,
                 GPtrArray  *attachments)
{
  g_autoptr(SioPacket) packet = NULL;

  g_return_if_fail (SIO_IS_SOCKET (self));
  g_return_if_fail (event != NULL);
  g_return_if_fail (!_sio_event_name_is_reserved (event));

  packet = _sio_event_packet_new (self->nsp->name, event, args, attachments);
  socket_emit_packet (self, packet);
}

/**
 * sio_socket_emit_string:
 * @self: a socket
 * @event: the event name
 * @text: the one string argument
 *
 * Sends an event with one string argument.
 */
void
sio_socket_emit_string (SioSocket  *self,
                        const char *event,
                        const char *text)
{
  g_autoptr(JsonArray) args = json_array_new ();

  g_return_if_fail (SIO_IS_SOCKET (self));
  g_return_if_fail (text != NULL);

  json_array_add_string_element (args, text);
  sio_socket_emit (self, event, args, NULL);
}

typedef struct
{
  guint         id;
  guint         timeout_id;
  gulong        cancelled_id;
  GCancellable *cancellable;
} AckWait;

static void
ack_wait_free (AckWait *wait)
{
  g_clear_handle_id (&wait->timeout_id, g_source_remove);
  if (wait->cancellable != NULL)
    g_cancellable_disconnect (wait->cancellable, wait->cancelled_id);
  g_clear_object (&wait->cancellable);
  g_free (wait);
}

static void
on_ack_response (SioSocket *socket,
                 SioEvent  *response,
                 gpointer   user_data)
{
  g_autoptr(GTask) task = user_data;

  if (response == NULL)
    g_task_return_new_error (task, SIO_ERROR, SIO_ERROR_CLOSED, "The socket disconnected before acknowledging");
  else
    g_task_return_pointer (task, sio_event_ref (response), (GDestroyNotify) sio_event_unref);
}

/* Gives up on an ack: returns the task with @error if the waiter is still registered. */
static void
abandon_ack (GTask  *task,
             GError *error)
{
  SioSocket *self = g_task_get_source_object (task);
  AckWait *wait = g_task_get_task_data (task);
  g_autoptr(GError) owned = error;

  if (self->acks == NULL || !g_hash_table_lookup (self->acks, GUINT_TO_POINTER (wait->id)))
    return;

  g_hash_table_remove (self->acks, GUINT_TO_POINTER (wait->id));
  g_task_return_error (task, g_steal_pointer (&owned));
  /* The waiter's reference. */
  g_object_unref (task);
}

static gboolean
on_ack_timeout (gpointer user_data)
{
  GTask *task = user_data;
  AckWait *wait = g_task_get_task_data (task);

  wait->timeout_id = 0;
  abandon_ack (task, g_error_new_literal (SIO_ERROR, SIO_ERROR_TIMEOUT, "operation has timed out"));
  return G_SOURCE_REMOVE;
}

static void
on_ack_cancelled (GCancellable *cancellable,
                  GTask        *task)
{
  abandon_ack (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Operation was cancelled"));
}

/**
 * sio_socket_emit_with_ack_async:
 * @self: a socket
 * @event: the event name
 * @args: (nullable): the arguments
 * @attachments: (nullable) (element-type GBytes): binary values named by placeholders in @args
 * @timeout_ms: fail with %SIO_ERROR_TIMEOUT after this long; 0 waits until disconnection
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the client's acknowledgement
 * @user_data: data for @callback
 *
 * Sends an event and waits for the client to acknowledge it.
 */
void
sio_socket_emit_with_ack_async (SioSocket           *self,
                                const char          *event,
                                JsonArray           *args,
                                GPtrArray           *attachments,
                                guint                timeout_ms,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(SioPacket) packet = NULL;
  AckWait *wait;

  g_return_if_fail (SIO_IS_SOCKET (self));
  g_return_if_fail (event != NULL);
  g_return_if_fail (!_sio_event_name_is_reserved (event));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sio_socket_emit_with_ack_async);

  if (!self->connected)
    {
      g_task_return_new_error (task, SIO_ERROR, SIO_ERROR_CLOSED, "The socket is disconnected");
      return;
    }

  wait = g_new0 (AckWait, 1);
  wait->id = self->nsp->next_ack_id++;
  g_task_set_task_data (task, wait, (GDestroyNotify) ack_wait_free);

  packet = _sio_event_packet_new (self->nsp->name, event, args, attachments);
  packet = sio_packet_ref (packet);
  sio_packet_unref (packet);
  {
    g_autoptr(SioPacket) with_id = sio_packet_new (SIO_PACKET_EVENT, self->nsp->name, wait->id,
                                                   sio_packet_get_data (packet));
    GPtrArray *bytes = sio_packet_get_attachments (packet);

    for (guint i = 0; bytes != NULL && i < bytes->len; i++)
      sio_packet_add_attachment (with_id, g_ptr_array_index (bytes, i));

    _sio_socket_expect_ack (self, wait->id, on_ack_response, g_object_ref (task));
    if (timeout_ms > 0)
      wait->timeout_id = g_timeout_add (timeout_ms, on_ack_timeout, task);
    if (cancellable != NULL)
      {
        wait->cancellable = g_object_ref (cancellable);
        wait->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_ack_cancelled), task, NULL);
      }
    _sio_socket_send_packet (self, with_id);
  }
}

/**
 * sio_socket_emit_with_ack_finish:
 * @self: a socket
 * @result: the result
 * @error: return location for an error
 *
 * Returns: (transfer full): the acknowledgement's arguments
 */
SioEvent *
sio_socket_emit_with_ack_finish (SioSocket     *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (SIO_IS_SOCKET (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * sio_socket_broadcast:
 * @self: a socket
 *
 * Returns: (transfer full): an operator targeting every socket of the namespace but this one
 */
SioBroadcast *
sio_socket_broadcast (SioSocket *self)
{
  SioBroadcast *broadcast;

  g_return_val_if_fail (SIO_IS_SOCKET (self), NULL);

  broadcast = _sio_broadcast_new (self->nsp);
  broadcast->except_socket = g_strdup (self->id);
  return broadcast;
}

/**
 * sio_socket_to:
 * @self: a socket
 * @room: a room
 *
 * Returns: (transfer full): an operator targeting @room, this socket excluded
 */
SioBroadcast *
sio_socket_to (SioSocket  *self,
               const char *room)
{
  g_return_val_if_fail (SIO_IS_SOCKET (self), NULL);

  return sio_broadcast_to (sio_socket_broadcast (self), room);
}

/**
 * sio_socket_disconnect:
 * @self: a socket
 * @close: also close the client's whole connection (all namespaces)
 *
 * Disconnects the socket ("server namespace disconnect"); with @close, the client's
 * connection ends ("forced server close" for each of its sockets).
 */
void
sio_socket_disconnect (SioSocket *self,
                       gboolean   close)
{
  g_autoptr(SioPacket) packet = NULL;

  g_return_if_fail (SIO_IS_SOCKET (self));

  if (!self->connected)
    return;

  if (close)
    {
      _sio_connection_disconnect_all (self->conn);
      return;
    }

  packet = sio_packet_new (SIO_PACKET_DISCONNECT, self->nsp->name, -1, NULL);
  _sio_socket_send_packet (self, packet);
  _sio_socket_on_close (self, "server namespace disconnect", NULL);
}
