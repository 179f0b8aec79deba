/* sio-namespace.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SioNamespace:
 *
 * A Socket.IO namespace: a channel multiplexed over each client's connection, with its own
 * sockets, rooms and middlewares.
 *
 * A namespace made by [method@Server.of_pattern] is a parent: it creates a child for each
 * name that matches when a client first connects to it; children share the parent's
 * middlewares, and the parent's "connection" signal fires for sockets of every child.
 *
 * Rooms are kept here (the reference's in-memory adapter): room → set of sockets. Every socket
 * is also in the room named by its id, which is implicit: the sockets table answers it, so an
 * idle socket does not pay for a room of its own.
 */

#include "config.h"

#include "sio-server-private.h"

enum {
  CONNECTION,
  EVENT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (SioNamespace, sio_namespace, G_TYPE_OBJECT)

static void
middleware_clear (SioMiddleware *middleware)
{
  if (middleware->destroy)
    middleware->destroy (middleware->user_data);
}

static void
sio_namespace_dispose (GObject *object)
{
  SioNamespace *self = (SioNamespace *) object;

  g_hash_table_remove_all (self->sockets);
  g_queue_clear_full (&self->persisted, (GDestroyNotify) _sio_persisted_packet_free);

  G_OBJECT_CLASS (sio_namespace_parent_class)->dispose (object);
}

static void
sio_namespace_finalize (GObject *object)
{
  SioNamespace *self = (SioNamespace *) object;

  g_clear_pointer (&self->sockets, g_hash_table_unref);
  g_clear_pointer (&self->rooms, g_hash_table_unref);
  g_clear_pointer (&self->middlewares, g_array_unref);
  g_clear_pointer (&self->sessions, g_hash_table_unref);
  g_clear_pointer (&self->children, g_ptr_array_unref);
  g_clear_pointer (&self->pattern, g_regex_unref);
  g_clear_pointer (&self->name, g_free);

  G_OBJECT_CLASS (sio_namespace_parent_class)->finalize (object);
}

static void
sio_namespace_class_init (SioNamespaceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sio_namespace_dispose;
  object_class->finalize = sio_namespace_finalize;

  /**
   * SioNamespace::connection:
   * @self: the namespace
   * @socket: the socket that joined
   *
   * Emitted when a socket joined the namespace (after the middlewares let it in and the
   * CONNECT reply was queued).
   */
  signals[CONNECTION] =
    g_signal_new ("connection",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, SIO_TYPE_SOCKET);

  /**
   * SioNamespace::event:
   * @self: the namespace
   * @socket: the socket the event came from
   * @event: the event
   *
   * Emitted for every event of every socket of the namespace, after the socket's own
   * [signal@Socket::event]; the detail is the event name. One handler here serves all
   * sockets, which costs nothing per connection on a server with thousands of them.
   */
  signals[EVENT] =
    g_signal_new ("event",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, SIO_TYPE_SOCKET, SIO_TYPE_EVENT | G_SIGNAL_TYPE_STATIC_SCOPE);
}

void
_sio_namespace_emit_event (SioNamespace *self,
                           SioSocket    *socket,
                           GQuark        detail,
                           SioEvent     *event)
{
  g_signal_emit (self, signals[EVENT], detail, socket, event);
  if (self->parent != NULL)
    g_signal_emit (self->parent, signals[EVENT], detail, socket, event);
}

static void
sio_namespace_init (SioNamespace *self)
{
  self->sockets = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  self->rooms = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_hash_table_unref);
  self->middlewares = g_array_new (FALSE, FALSE, sizeof (SioMiddleware));
  g_array_set_clear_func (self->middlewares, (GDestroyNotify) middleware_clear);
  self->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) _sio_session_free);
  g_queue_init (&self->persisted);
}

SioNamespace *
_sio_namespace_new (SioServer  *server,
                    const char *name)
{
  SioNamespace *self = g_object_new (SIO_TYPE_NAMESPACE, NULL);

  self->server = server;
  self->name = g_strdup (name);
  return self;
}

SioNamespace *
_sio_namespace_new_pattern (SioServer *server,
                            GRegex    *pattern)
{
  SioNamespace *self = _sio_namespace_new (server, g_regex_get_pattern (pattern));

  self->pattern = g_regex_ref (pattern);
  self->children = g_ptr_array_new ();
  return self;
}

SioNamespace *
_sio_namespace_new_child (SioNamespace *parent,
                          const char   *name)
{
  SioNamespace *self = _sio_namespace_new (parent->server, name);

  self->parent = parent;
  g_ptr_array_add (parent->children, self);
  return self;
}

gboolean
_sio_namespace_matches (SioNamespace *self,
                        const char   *name)
{
  return self->pattern != NULL && g_regex_match (self->pattern, name, 0, NULL);
}

static gboolean
run_middlewares (SioNamespace  *self,
                 SioSocket     *socket,
                 JsonNode     **error_data,
                 GError       **error)
{
  if (self->parent != NULL && !run_middlewares (self->parent, socket, error_data, error))
    return FALSE;

  for (guint i = 0; i < self->middlewares->len; i++)
    {
      SioMiddleware *middleware = &g_array_index (self->middlewares, SioMiddleware, i);

      if (!middleware->func (socket, error_data, error, middleware->user_data))
        {
          if (error != NULL && *error == NULL)
            g_set_error_literal (error, SIO_ERROR, SIO_ERROR_REFUSED, "Not authorized");
          return FALSE;
        }
    }

  return TRUE;
}

static SioSession *
take_session (SioNamespace  *self,
              JsonNode      *auth,
              GPtrArray    **missed)
{
  g_autoptr(GPtrArray) packets = NULL;
  SioSession *session;
  JsonObject *object;
  const char *pid;
  const char *offset;
  gint64 threshold;
  GList *l;

  if (self->server->max_disconnection_duration == 0 || auth == NULL || !JSON_NODE_HOLDS_OBJECT (auth))
    return NULL;

  object = json_node_get_object (auth);
  if (!json_object_has_member (object, "pid") || !json_object_has_member (object, "offset") ||
      json_node_get_value_type (json_object_get_member (object, "pid")) != G_TYPE_STRING ||
      json_node_get_value_type (json_object_get_member (object, "offset")) != G_TYPE_STRING)
    return NULL;

  pid = json_object_get_string_member (object, "pid");
  offset = json_object_get_string_member (object, "offset");
  threshold = g_get_monotonic_time () - (gint64) self->server->max_disconnection_duration * 1000;
  _sio_namespace_prune (self, threshold);

  session = g_hash_table_lookup (self->sessions, pid);
  if (session == NULL)
    return NULL;

  /* The offset is the last packet the client processed; an unknown one may be too old. */
  for (l = self->persisted.head; l != NULL; l = l->next)
    if (g_strcmp0 (((SioPersistedPacket *) l->data)->offset, offset) == 0)
      break;
  if (l == NULL)
    return NULL;

  packets = g_ptr_array_new_with_free_func ((GDestroyNotify) sio_packet_unref);
  for (l = l->next; l != NULL; l = l->next)
    {
      SioPersistedPacket *persisted = l->data;
      gboolean included = persisted->rooms->len == 0;
      gboolean excluded = FALSE;

      /* shouldIncludePacket(): in one of the target rooms and in none of the excluded ones. */
      for (guint i = 0; i < session->rooms->len; i++)
        {
          const char *room = g_ptr_array_index (session->rooms, i);

          if (g_ptr_array_find_with_equal_func (persisted->rooms, room, g_str_equal, NULL))
            included = TRUE;
          if (g_ptr_array_find_with_equal_func (persisted->except, room, g_str_equal, NULL))
            excluded = TRUE;
        }

      if (included && !excluded)
        g_ptr_array_add (packets, sio_packet_ref (persisted->packet));
    }

  g_hash_table_steal (self->sessions, pid);
  *missed = g_steal_pointer (&packets);
  return session;
}

void
_sio_namespace_add (SioNamespace  *self,
                    SioConnection *conn,
                    JsonNode      *auth)
{
  g_autoptr(SioSocket) socket = NULL;
  g_autoptr(GPtrArray) missed = NULL;
  SioSession *session;

  socket = _sio_socket_new (self, conn, auth);

  session = take_session (self, auth, &missed);
  if (session != NULL)
    {
      _sio_socket_restore (socket, session);
      _sio_session_free (session);
    }

  if (!(socket->recovered && self->server->skip_middlewares))
    {
      g_autoptr(JsonNode) error_data = NULL;
      g_autoptr(GError) error = NULL;

      if (!run_middlewares (self, socket, &error_data, &error))
        {
          g_debug ("Namespace %s refused a socket: %s", self->name, error->message);
          _sio_connection_send_connect_error (conn, self->name, error->message, error_data);
          return;
        }
    }

  g_hash_table_insert (self->sockets, socket->id, g_object_ref (socket));
  _sio_connection_register_socket (conn, socket);
  _sio_socket_on_connect (socket);

  /* Packets the client missed go out after the CONNECT reply, in their original order. */
  for (guint i = 0; missed != NULL && i < missed->len; i++)
    _sio_socket_send_packet (socket, g_ptr_array_index (missed, i));

  g_signal_emit (self, signals[CONNECTION], 0, socket);
  if (self->parent != NULL && socket->connected)
    g_signal_emit (self->parent, signals[CONNECTION], 0, socket);
}

void
_sio_namespace_remove (SioNamespace *self,
                       SioSocket    *socket)
{
  g_hash_table_remove (self->sockets, socket->id);
}

void
_sio_namespace_room_add (SioNamespace *self,
                         const char   *room,
                         SioSocket    *socket)
{
  GHashTable *members = g_hash_table_lookup (self->rooms, room);

  if (members == NULL)
    {
      members = g_hash_table_new (NULL, NULL);
      g_hash_table_insert (self->rooms, g_strdup (room), members);
    }
  g_hash_table_add (members, socket);
}

void
_sio_namespace_room_remove (SioNamespace *self,
                            const char   *room,
                            SioSocket    *socket)
{
  GHashTable *members = g_hash_table_lookup (self->rooms, room);

  if (members == NULL)
    return;

  g_hash_table_remove (members, socket);
  if (g_hash_table_size (members) == 0)
    g_hash_table_remove (self->rooms, room);
}

/* Stamps an EVENT with the next offset (as its last argument, which keeps the format
 * backward-compatible) and keeps it for clients that reconnect within the window. */
char *
_sio_namespace_persist (SioNamespace *self,
                        SioPacket    *packet,
                        GPtrArray    *rooms,
                        GPtrArray    *except)
{
  SioPersistedPacket *persisted;
  JsonNode *data = sio_packet_get_data (packet);
  char *offset;

  offset = g_strdup_printf ("%" G_GINT64_MODIFIER "x", ++self->server->next_offset);
  json_array_add_string_element (json_node_get_array (data), offset);

  persisted = g_new0 (SioPersistedPacket, 1);
  persisted->offset = g_strdup (offset);
  persisted->packet = sio_packet_ref (packet);
  persisted->rooms = _sio_string_array_copy (rooms);
  persisted->except = _sio_string_array_copy (except);
  persisted->emitted_at = g_get_monotonic_time ();
  g_queue_push_tail (&self->persisted, persisted);

  return offset;
}

void
_sio_namespace_persist_session (SioNamespace *self,
                                SioSocket    *socket)
{
  SioSession *session = g_new0 (SioSession, 1);

  session->pid = g_strdup (socket->pid);
  session->sid = g_strdup (socket->id);
  session->rooms = _sio_string_array_copy (socket->rooms);
  g_ptr_array_add (session->rooms, g_strdup (socket->id));
  session->data = socket->data ? json_object_ref (socket->data) : NULL;
  session->disconnected_at = g_get_monotonic_time ();
  g_hash_table_replace (self->sessions, session->pid, session);
}

void
_sio_namespace_prune (SioNamespace *self,
                      gint64        threshold)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((SioSession *) value)->disconnected_at < threshold)
      g_hash_table_iter_remove (&iter);

  while (!g_queue_is_empty (&self->persisted) &&
         ((SioPersistedPacket *) g_queue_peek_head (&self->persisted))->emitted_at < threshold)
    _sio_persisted_packet_free (g_queue_pop_head (&self->persisted));
}

/* ---- Public API ------------------------------------------------------------------------- */

/**
 * sio_namespace_get_name:
 * @self: a namespace
 *
 * Returns: the name, such as "/" or "/chat"; a pattern namespace returns its pattern
 */
const char *
sio_namespace_get_name (SioNamespace *self)
{
  g_return_val_if_fail (SIO_IS_NAMESPACE (self), NULL);

  return self->name;
}

/**
 * sio_namespace_get_server:
 * @self: a namespace
 *
 * Returns: (transfer none): the server
 */
SioServer *
sio_namespace_get_server (SioNamespace *self)
{
  g_return_val_if_fail (SIO_IS_NAMESPACE (self), NULL);

  return self->server;
}

/**
 * sio_namespace_get_parent:
 * @self: a namespace
 *
 * Returns: (transfer none) (nullable): the pattern namespace that created this one
 */
SioNamespace *
sio_namespace_get_parent (SioNamespace *self)
{
  g_return_val_if_fail (SIO_IS_NAMESPACE (self), NULL);

  return self->parent;
}

/**
 * sio_namespace_get_n_sockets:
 * @self: a namespace
 *
 * Returns: how many sockets are connected (for a pattern namespace, across its children)
 */
guint
sio_namespace_get_n_sockets (SioNamespace *self)
{
  guint n;

  g_return_val_if_fail (SIO_IS_NAMESPACE (self), 0);

  n = g_hash_table_size (self->sockets);
  for (guint i = 0; self->children != NULL && i < self->children->len; i++)
    n += g_hash_table_size (((SioNamespace *) g_ptr_array_index (self->children, i))->sockets);
  return n;
}

/**
 * sio_namespace_lookup_socket:
 * @self: a namespace
 * @id: a socket id
 *
 * Returns: (transfer none) (nullable): the socket
 */
SioSocket *
sio_namespace_lookup_socket (SioNamespace *self,
                             const char   *id)
{
  g_return_val_if_fail (SIO_IS_NAMESPACE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  return g_hash_table_lookup (self->sockets, id);
}

/**
 * sio_namespace_list_sockets:
 * @self: a namespace
 *
 * Returns: (transfer container) (element-type SioSocket): the connected sockets
 */
GPtrArray *
sio_namespace_list_sockets (SioNamespace *self)
{
  g_autoptr(SioBroadcast) all = NULL;

  g_return_val_if_fail (SIO_IS_NAMESPACE (self), NULL);

  all = _sio_broadcast_new (self);
  return sio_broadcast_fetch_sockets (all);
}

/**
 * sio_namespace_use:
 * @self: a namespace
 * @func: a middleware
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data with the namespace
 *
 * Adds a middleware, run for every socket before it joins, in the order added.
 */
void
sio_namespace_use (SioNamespace      *self,
                   SioMiddlewareFunc  func,
                   gpointer           user_data,
                   GDestroyNotify     destroy)
{
  SioMiddleware middleware = { func, user_data, destroy };

  g_return_if_fail (SIO_IS_NAMESPACE (self));
  g_return_if_fail (func != NULL);

  g_array_append_val (self->middlewares, middleware);
}

/**
 * sio_namespace_broadcast:
 * @self: a namespace
 *
 * Returns: (transfer full): an operator that targets every socket of the namespace
 */
SioBroadcast *
sio_namespace_broadcast (SioNamespace *self)
{
  g_return_val_if_fail (SIO_IS_NAMESPACE (self), NULL);

  return _sio_broadcast_new (self);
}

/**
 * sio_namespace_to:
 * @self: a namespace
 * @room: a room
 *
 * Returns: (transfer full): an operator that targets the sockets in @room
 */
SioBroadcast *
sio_namespace_to (SioNamespace *self,
                  const char   *room)
{
  g_return_val_if_fail (SIO_IS_NAMESPACE (self), NULL);

  return sio_broadcast_to (_sio_broadcast_new (self), room);
}

/**
 * sio_namespace_emit:
 * @self: a namespace
 * @event: the event name
 * @args: (nullable): the arguments
 * @attachments: (nullable) (element-type GBytes): binary values named by placeholders in @args
 *
 * Emits to every socket of the namespace. The packet is encoded once for all of them.
 */
void
sio_namespace_emit (SioNamespace *self,
                    const char   *event,
                    JsonArray    *args,
                    GPtrArray    *attachments)
{
  g_autoptr(SioBroadcast) all = NULL;

  g_return_if_fail (SIO_IS_NAMESPACE (self));

  all = _sio_broadcast_new (self);
  sio_broadcast_emit (all, event, args, attachments);
}
