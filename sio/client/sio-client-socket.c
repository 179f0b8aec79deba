/* sio-client-socket.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SioClientSocket:
 *
 * The client's membership of one namespace of a Socket.IO server, as socket.io-client 4.8's
 * `Socket` is. Get one from [method@Manager.socket]; all sockets of a manager share its
 * connection.
 *
 * [method@ClientSocket.connect] sends CONNECT with [property@ClientSocket:auth] as soon as the
 * manager's connection is open, and again after every reconnection;
 * [signal@ClientSocket::connect] follows when the server lets the socket in, and
 * [signal@ClientSocket::connect-error] when it refuses (a middleware's message and data) or the
 * connection could not be opened. [signal@ClientSocket::disconnect] reports the end of every
 * connection of the socket with the reason as the reference words it: "io server disconnect"
 * (the server kicked the socket: it does not reconnect by itself), "io client disconnect",
 * "ping timeout", "transport close", "transport error" or "parse error" (the last four
 * reconnect, if the manager does).
 *
 * Events from the server arrive through the detailed [signal@ClientSocket::event] signal, and
 * events are sent with [method@ClientSocket.emit] or, waiting for the server's
 * acknowledgement, [method@ClientSocket.emit_with_ack_async]. Binary values are GBytes
 * attachments named by placeholders in the arguments (see sio-packet.h). An emit made while
 * the socket is not connected is buffered and sent once on the next connect (the reference's
 * `sendBuffer`); an emit handed to a connection that then drops is lost, never sent twice.
 *
 * With connection state recovery on the server, the socket remembers the session's `pid` and
 * the offset of the last event received, sends both in the next CONNECT, and
 * [method@ClientSocket.is_recovered] tells whether the server restored the session (and
 * replayed what was missed).
 *
 * Unlike the reference, "disconnect" is only emitted to a socket that was connected, so
 * "connect" and "disconnect" always come in pairs.
 */

#include "config.h"

#include "sio-client-private.h"

#include <string.h>

/* Event names the reference refuses to emit: its socket API gives them another meaning, and
 * the server's parser rejects them. */
static const char * const reserved_events[] = {
  "connect",
  "connect_error",
  "disconnect",
  "disconnecting",
  "newListener",
  "removeListener",
};

typedef struct
{
  SioClientSocket *socket;          /* borrowed: the socket owns its pending acks */
  gint64           id;
  GTask           *task;
  guint            timeout_id;
  GCancellable    *cancellable;
  gulong           cancelled_id;
  guint            cancel_idle_id;
} PendingAck;

struct _SioClientSocket
{
  GObject      parent_instance;

  /* owned */
  SioManager  *manager;
  char        *nsp;
  char        *id;
  char        *pid;               /* connection state recovery: the session's private id */
  char        *last_offset;       /* ... and the offset of the last event received */
  JsonNode    *auth;
  GQueue       receive_buffer;    /* SioClientEvent *, events before CONNECT's answer */
  GQueue       send_buffer;       /* SioPacket *, emits made while not connected */
  GHashTable  *acks;              /* gint64 id → PendingAck */
  gint64       next_ack_id;

  gboolean     active;            /* listening to the manager (socket.ts `subs`) */
  gboolean     connected;
  gboolean     recovered;
};

enum {
  PROP_0,
  PROP_MANAGER,
  PROP_NAMESPACE,
  PROP_ID,
  PROP_CONNECTED,
  PROP_ACTIVE,
  PROP_RECOVERED,
  PROP_AUTH,
  N_PROPS
};

enum {
  CONNECT,
  CONNECT_ERROR,
  DISCONNECT,
  EVENT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (SioClientSocket, sio_client_socket, G_TYPE_OBJECT)

/* ---- Acknowledgements ------------------------------------------------------------------- */

static void
pending_ack_free (PendingAck *ack)
{
  g_clear_handle_id (&ack->timeout_id, g_source_remove);
  g_clear_handle_id (&ack->cancel_idle_id, g_source_remove);
  if (ack->cancelled_id != 0)
    g_cancellable_disconnect (ack->cancellable, ack->cancelled_id);
  g_clear_object (&ack->cancellable);
  g_clear_object (&ack->task);
  g_free (ack);
}

/* Takes @ack out of the table and the packet it belongs to out of the send buffer, so that
 * the caller can complete its task with nothing left behind. */
static PendingAck *
steal_ack (SioClientSocket *self,
           gint64           id)
{
  PendingAck *ack = NULL;
  gpointer key = NULL;

  if (!g_hash_table_steal_extended (self->acks, &id, &key, (gpointer *) &ack))
    return NULL;
  g_free (key);

  for (GList *l = self->send_buffer.head; l != NULL; l = l->next)
    {
      if (sio_packet_get_id (l->data) == id)
        {
          sio_packet_unref (l->data);
          g_queue_delete_link (&self->send_buffer, l);
          break;
        }
    }

  return ack;
}

static void
fail_ack (PendingAck *ack_,
          GError     *error)
{
  g_autoptr(GTask) task = g_object_ref (ack_->task);

  pending_ack_free (ack_);
  g_task_return_error (task, error);
}

static void
on_ack_timeout (gpointer user_data)
{
  PendingAck *ack = user_data;
  guint timeout = GPOINTER_TO_UINT (g_task_get_task_data (ack->task));

  ack->timeout_id = 0;
  ack = steal_ack (ack->socket, ack->id);
  fail_ack (ack, g_error_new (SIO_ERROR, SIO_ERROR_TIMEOUT,
                              "operation has timed out: no acknowledgement within %u ms", timeout));
}

static void
on_ack_cancel_idle (gpointer user_data)
{
  PendingAck *ack = user_data;

  ack->cancel_idle_id = 0;
  ack = steal_ack (ack->socket, ack->id);
  fail_ack (ack, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Operation was cancelled"));
}

static void
on_ack_cancelled (GCancellable *cancellable,
                  PendingAck   *ack)
{
  /* Not from here: disconnecting a cancellable inside its own handler deadlocks. */
  if (ack->cancel_idle_id == 0)
    ack->cancel_idle_id = g_idle_add_once (on_ack_cancel_idle, ack);
}

static gboolean
id_is_buffered (SioClientSocket *self,
                gint64           id)
{
  for (GList *l = self->send_buffer.head; l != NULL; l = l->next)
    if (sio_packet_get_id (l->data) == id)
      return TRUE;
  return FALSE;
}

/* socket.ts _clearAcks(): acks of packets that left can no longer come; those of packets still
 * buffered will be sent at the next connect and keep waiting. */
static void
clear_acks (SioClientSocket *self,
            gboolean         buffered_too)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->acks);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (buffered_too || !id_is_buffered (self, *(gint64 *) key))
      g_array_append_val (ids, *(gint64 *) key);

  for (guint i = 0; i < ids->len; i++)
    {
      PendingAck *ack = steal_ack (self, g_array_index (ids, gint64, i));

      if (ack != NULL)
        fail_ack (ack, g_error_new_literal (SIO_ERROR, SIO_ERROR_CLOSED,
                                            "socket has been disconnected"));
    }
}

/* ---- GObject ---------------------------------------------------------------------------- */

static void
sio_client_socket_dispose (GObject *object)
{
  SioClientSocket *self = SIO_CLIENT_SOCKET (object);

  if (self->manager != NULL)
    {
      /* Leave quietly: nobody is left to hear "disconnect". */
      if (self->connected)
        {
          g_autoptr(SioPacket) packet = sio_packet_new (SIO_PACKET_DISCONNECT, self->nsp, -1, NULL);
          _sio_manager_packet (self->manager, packet);
        }
      self->connected = FALSE;
      _sio_manager_forget_socket (self->manager, self);
      if (self->active)
        {
          self->active = FALSE;
          _sio_manager_destroy_socket (self->manager, self);
        }
    }

  clear_acks (self, TRUE);
  g_queue_clear_full (&self->receive_buffer, (GDestroyNotify) sio_client_event_unref);
  g_queue_clear_full (&self->send_buffer, (GDestroyNotify) sio_packet_unref);
  g_clear_object (&self->manager);

  G_OBJECT_CLASS (sio_client_socket_parent_class)->dispose (object);
}

static void
sio_client_socket_finalize (GObject *object)
{
  SioClientSocket *self = SIO_CLIENT_SOCKET (object);

  g_clear_pointer (&self->nsp, g_free);
  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->pid, g_free);
  g_clear_pointer (&self->last_offset, g_free);
  g_clear_pointer (&self->auth, json_node_unref);
  g_clear_pointer (&self->acks, g_hash_table_unref);

  G_OBJECT_CLASS (sio_client_socket_parent_class)->finalize (object);
}

static void
sio_client_socket_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  SioClientSocket *self = SIO_CLIENT_SOCKET (object);

  switch (prop_id)
    {
    case PROP_MANAGER:
      g_value_set_object (value, self->manager);
      break;

    case PROP_NAMESPACE:
      g_value_set_string (value, self->nsp);
      break;

    case PROP_ID:
      g_value_set_string (value, self->id);
      break;

    case PROP_CONNECTED:
      g_value_set_boolean (value, self->connected);
      break;

    case PROP_ACTIVE:
      g_value_set_boolean (value, self->active);
      break;

    case PROP_RECOVERED:
      g_value_set_boolean (value, self->recovered);
      break;

    case PROP_AUTH:
      g_value_set_boxed (value, self->auth);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sio_client_socket_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  SioClientSocket *self = SIO_CLIENT_SOCKET (object);

  switch (prop_id)
    {
    case PROP_MANAGER:
      self->manager = g_value_dup_object (value);
      break;

    case PROP_NAMESPACE:
      self->nsp = g_value_dup_string (value);
      break;

    case PROP_AUTH:
      sio_client_socket_set_auth (self, g_value_get_boxed (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sio_client_socket_class_init (SioClientSocketClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sio_client_socket_dispose;
  object_class->finalize = sio_client_socket_finalize;
  object_class->get_property = sio_client_socket_get_property;
  object_class->set_property = sio_client_socket_set_property;

  /**
   * SioClientSocket:manager:
   *
   * The manager whose connection the socket uses.
   */
  properties[PROP_MANAGER] =
    g_param_spec_object ("manager", NULL, NULL, SIO_TYPE_MANAGER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * SioClientSocket:namespace:
   *
   * The namespace, such as `/` or `/chat`.
   */
  properties[PROP_NAMESPACE] =
    g_param_spec_string ("namespace", NULL, NULL, "/",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * SioClientSocket:id:
   *
   * The socket id the server gave, while connected.
   */
  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * SioClientSocket:connected:
   *
   * Whether the socket is in its namespace.
   */
  properties[PROP_CONNECTED] =
    g_param_spec_boolean ("connected", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * SioClientSocket:active:
   *
   * Whether the socket wants to be connected: it reconnects with its manager. Set by
   * [method@ClientSocket.connect], cleared by [method@ClientSocket.disconnect], by the server
   * kicking the socket and by a refusal (CONNECT_ERROR).
   */
  properties[PROP_ACTIVE] =
    g_param_spec_boolean ("active", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * SioClientSocket:recovered:
   *
   * Whether the last connect restored the previous session (connection state recovery).
   */
  properties[PROP_RECOVERED] =
    g_param_spec_boolean ("recovered", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * SioClientSocket:auth:
   *
   * The JSON object sent with every CONNECT (the server's `socket.handshake.auth`), or %NULL.
   */
  properties[PROP_AUTH] =
    g_param_spec_boxed ("auth", NULL, NULL, JSON_TYPE_NODE,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SioClientSocket::connect:
   * @self: the socket
   *
   * Emitted when the server let the socket into its namespace, after every (re)connection.
   * Emits buffered while disconnected have been sent by then.
   */
  signals[CONNECT] =
    g_signal_new ("connect", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * SioClientSocket::connect-error:
   * @self: the socket
   * @error: why: %SIO_ERROR_REFUSED with the server's message when a middleware refused, else
   *   what failed while opening the connection (%SIO_ERROR_TIMEOUT, %SIO_ERROR_TRANSPORT, ...)
   * @data: (nullable): the `data` the server sent with its refusal
   *
   * Emitted when the socket could not join its namespace. After a refusal the socket is no
   * longer active (it does not retry by itself); after a connection failure the manager
   * retries, if it reconnects.
   */
  signals[CONNECT_ERROR] =
    g_signal_new ("connect-error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE,
                  JSON_TYPE_NODE | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * SioClientSocket::disconnect:
   * @self: the socket
   * @reason: "io server disconnect", "io client disconnect", "ping timeout",
   *   "transport close", "transport error" or "parse error"
   * @error: (nullable): what failed, when something did
   *
   * Emitted when a connected socket left its namespace. Acknowledgements that can no longer
   * come have failed with %SIO_ERROR_CLOSED by then.
   */
  signals[DISCONNECT] =
    g_signal_new ("disconnect", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING,
                  G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * SioClientSocket::event:
   * @self: the socket
   * @event: the event, with its arguments and a way to acknowledge it
   *
   * Emitted for every event the server sends; the detail is the event name. Handlers that
   * connect without a detail see every event (socket.io-client's `onAny`).
   */
  signals[EVENT] =
    g_signal_new ("event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  SIO_TYPE_CLIENT_EVENT | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
sio_client_socket_init (SioClientSocket *self)
{
  g_queue_init (&self->receive_buffer);
  g_queue_init (&self->send_buffer);
  self->acks = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                      (GDestroyNotify) pending_ack_free);
}

/* ---- Internal API, for SioManager ------------------------------------------------------- */

SioClientSocket *
_sio_client_socket_new (SioManager *manager,
                        const char *nsp)
{
  return g_object_new (SIO_TYPE_CLIENT_SOCKET, "manager", manager, "namespace", nsp, NULL);
}

gboolean
_sio_client_socket_is_active (SioClientSocket *self)
{
  return self->active;
}

void
_sio_client_socket_send_packet (SioClientSocket *self,
                                SioPacket       *packet)
{
  if (self->manager != NULL)
    _sio_manager_packet (self->manager, packet);
}

static void
send_packet (SioClientSocket *self,
             SioPacketType    type,
             JsonNode        *data)
{
  g_autoptr(SioPacket) packet = sio_packet_new (type, self->nsp, -1, data);

  _sio_client_socket_send_packet (self, packet);
}

/* socket.ts onopen() and _sendConnectPacket(): with recovery, {pid, offset} go first and the
 * auth object's members after them. */
void
_sio_client_socket_on_open (SioClientSocket *self)
{
  g_autoptr(JsonNode) data = NULL;

  g_debug ("Joining namespace %s", self->nsp);

  if (self->pid != NULL)
    {
      g_autoptr(JsonObject) object = json_object_new ();

      json_object_set_string_member (object, "pid", self->pid);
      if (self->last_offset != NULL)
        json_object_set_string_member (object, "offset", self->last_offset);

      if (self->auth != NULL)
        {
          JsonObjectIter iter;
          const char *name;
          JsonNode *value;

          json_object_iter_init (&iter, json_node_get_object (self->auth));
          while (json_object_iter_next (&iter, &name, &value))
            json_object_set_member (object, name, json_node_ref (value));
        }

      data = json_node_init_object (json_node_alloc (), object);
    }
  else if (self->auth != NULL)
    data = json_node_ref (self->auth);

  send_packet (self, SIO_PACKET_CONNECT, data);
}

static void
set_connected (SioClientSocket *self,
               gboolean         connected)
{
  self->connected = connected;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);
}

static void
set_active (SioClientSocket *self,
            gboolean         active)
{
  if (self->active == active)
    return;

  self->active = active;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
}

/* socket.ts destroy(): stop listening to the manager, which closes the connection if no
 * socket listens any more. */
static void
destroy (SioClientSocket *self)
{
  if (!self->active)
    return;

  set_active (self, FALSE);
  _sio_manager_destroy_socket (self->manager, self);
}

static void
emit_event (SioClientSocket *self,
            SioClientEvent  *event)
{
  SioPacket *packet = _sio_client_event_get_packet (event);
  const char *name = sio_client_event_get_name (event);
  GQuark detail = name != NULL ? g_quark_try_string (name) : 0;
  JsonNode *data;

  /* A detail nobody connected to has no quark yet; making one per event name from the
   * network would grow the quark table without bound. */
  g_signal_emit (self, signals[EVENT], detail, event);

  /* socket.ts emitEvent(): with recovery on, a string last argument is the offset (the ack
   * callback takes that place when the server asked for one). */
  data = sio_packet_get_data (packet);
  if (self->pid != NULL && sio_packet_get_id (packet) < 0 && data != NULL && JSON_NODE_HOLDS_ARRAY (data))
    {
      JsonArray *array = json_node_get_array (data);
      guint len = json_array_get_length (array);
      JsonNode *last = len > 0 ? json_array_get_element (array, len - 1) : NULL;

      if (last != NULL && JSON_NODE_HOLDS_VALUE (last) &&
          json_node_get_value_type (last) == G_TYPE_STRING)
        {
          g_free (self->last_offset);
          self->last_offset = g_strdup (json_node_get_string (last));
        }
    }
}

static void
on_connect (SioClientSocket *self,
            const char      *id,
            const char      *pid)
{
  gboolean recovered = pid != NULL && g_strcmp0 (self->pid, pid) == 0;

  g_debug ("Joined namespace %s as %s%s", self->nsp, id, recovered ? " (recovered)" : "");

  g_free (self->id);
  self->id = g_strdup (id);
  g_free (self->pid);
  self->pid = g_strdup (pid);
  if (self->recovered != recovered)
    {
      self->recovered = recovered;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECOVERED]);
    }
  set_connected (self, TRUE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);

  /* socket.ts emitBuffered(): what came early, then what waited to leave. */
  while (!g_queue_is_empty (&self->receive_buffer) && self->connected)
    {
      g_autoptr(SioClientEvent) event = g_queue_pop_head (&self->receive_buffer);
      emit_event (self, event);
    }

  while (!g_queue_is_empty (&self->send_buffer) && self->connected)
    {
      g_autoptr(SioPacket) packet = g_queue_pop_head (&self->send_buffer);
      _sio_client_socket_send_packet (self, packet);
    }

  if (self->connected)
    g_signal_emit (self, signals[CONNECT], 0);
}

static void
emit_connect_error (SioClientSocket *self,
                    const GError    *error,
                    JsonNode        *data)
{
  g_debug ("Could not join namespace %s: %s", self->nsp, error->message);
  g_signal_emit (self, signals[CONNECT_ERROR], 0, error, data);
}

/* json_object_get_string_member_with_default() is g_critical() about members that are objects
 * or arrays, and what the server sends may be anything. */
static const char *
get_string_member (JsonObject *object,
                   const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static void
on_connect_packet (SioClientSocket *self,
                   SioPacket       *packet)
{
  JsonNode *data = sio_packet_get_data (packet);
  JsonObject *object = data != NULL && JSON_NODE_HOLDS_OBJECT (data) ? json_node_get_object (data) : NULL;
  const char *sid = get_string_member (object, "sid");
  const char *pid = get_string_member (object, "pid");

  if (sid == NULL || sid[0] == '\0')
    {
      g_autoptr(GError) error = NULL;

      /* The reference's words: a v2 server answers CONNECT without a sid. */
      error = g_error_new_literal (SIO_ERROR, SIO_ERROR_PROTOCOL,
                                   "It seems you are trying to reach a Socket.IO server in v2.x "
                                   "with a v3.x client, but they are not compatible (the CONNECT "
                                   "answer has no \"sid\")");
      emit_connect_error (self, error, NULL);
      return;
    }

  on_connect (self, sid, pid);
}

static void
on_connect_error_packet (SioClientSocket *self,
                         SioPacket       *packet)
{
  G_GNUC_UNUSED g_autoptr(SioClientSocket) hold = g_object_ref (self);
  g_autoptr(GError) error = NULL;
  JsonNode *data = sio_packet_get_data (packet);
  JsonNode *extra = NULL;
  const char *message = NULL;

  if (data != NULL && JSON_NODE_HOLDS_OBJECT (data))
    {
      JsonObject *object = json_node_get_object (data);

      message = get_string_member (object, "message");
      extra = json_object_get_member (object, "data");
    }
  else if (data != NULL && JSON_NODE_HOLDS_VALUE (data) &&
           json_node_get_value_type (data) == G_TYPE_STRING)
    message = json_node_get_string (data);

  error = g_error_new_literal (SIO_ERROR, SIO_ERROR_REFUSED,
                               message ? message : "The server refused the connection");
  destroy (self);
  emit_connect_error (self, error, extra);
}

static void
on_event_packet (SioClientSocket *self,
                 SioPacket       *packet)
{
  g_autoptr(SioClientEvent) event = _sio_client_event_new (self, packet);

  if (self->connected)
    emit_event (self, event);
  else
    g_queue_push_tail (&self->receive_buffer, g_steal_pointer (&event));
}

static void
on_ack_packet (SioClientSocket *self,
               SioPacket       *packet)
{
  g_autoptr(SioClientEvent) response = NULL;
  g_autoptr(GTask) task = NULL;
  PendingAck *ack = steal_ack (self, sio_packet_get_id (packet));

  if (ack == NULL)
    {
      g_debug ("Ignoring an acknowledgement with unknown id %" G_GINT64_FORMAT,
               sio_packet_get_id (packet));
      return;
    }

  task = g_object_ref (ack->task);
  pending_ack_free (ack);
  response = _sio_client_event_new_ack_response (packet);
  g_task_return_pointer (task, g_steal_pointer (&response), (GDestroyNotify) sio_client_event_unref);
}

/* socket.ts onclose(). */
void
_sio_client_socket_on_close (SioClientSocket *self,
                             const char      *reason,
                             const GError    *error)
{
  G_GNUC_UNUSED g_autoptr(SioClientSocket) hold = g_object_ref (self);
  gboolean was_connected = self->connected;

  /* The manager's own word for its close() is the client's disconnect. */
  if (g_strcmp0 (reason, "forced close") == 0)
    reason = "io client disconnect";

  if (was_connected)
    {
      set_connected (self, FALSE);
      g_clear_pointer (&self->id, g_free);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
    }

  clear_acks (self, FALSE);

  if (was_connected)
    {
      g_debug ("Left namespace %s: %s", self->nsp, reason);
      g_signal_emit (self, signals[DISCONNECT], 0, reason, error);
    }
}

void
_sio_client_socket_on_error (SioClientSocket *self,
                             const GError    *error)
{
  G_GNUC_UNUSED g_autoptr(SioClientSocket) hold = g_object_ref (self);

  if (!self->connected)
    emit_connect_error (self, error, NULL);
}

void
_sio_client_socket_on_packet (SioClientSocket *self,
                              SioPacket       *packet)
{
  G_GNUC_UNUSED g_autoptr(SioClientSocket) hold = g_object_ref (self);

  switch (sio_packet_get_kind (packet))
    {
    case SIO_PACKET_CONNECT:
      on_connect_packet (self, packet);
      break;

    case SIO_PACKET_EVENT:
    case SIO_PACKET_BINARY_EVENT:
      on_event_packet (self, packet);
      break;

    case SIO_PACKET_ACK:
    case SIO_PACKET_BINARY_ACK:
      on_ack_packet (self, packet);
      break;

    case SIO_PACKET_DISCONNECT:
      g_debug ("The server disconnected namespace %s", self->nsp);
      destroy (self);
      _sio_client_socket_on_close (self, "io server disconnect", NULL);
      break;

    case SIO_PACKET_CONNECT_ERROR:
      on_connect_error_packet (self, packet);
      break;

    default:
      break;
    }
}

/* ---- Public API ------------------------------------------------------------------------- */

/**
 * sio_client_socket_get_manager:
 * @self: a socket
 *
 * Returns: (transfer none): the socket's manager
 */
SioManager *
sio_client_socket_get_manager (SioClientSocket *self)
{
  g_return_val_if_fail (SIO_IS_CLIENT_SOCKET (self), NULL);

  return self->manager;
}

/**
 * sio_client_socket_get_namespace:
 * @self: a socket
 *
 * Returns: the namespace
 */
const char *
sio_client_socket_get_namespace (SioClientSocket *self)
{
  g_return_val_if_fail (SIO_IS_CLIENT_SOCKET (self), NULL);

  return self->nsp;
}

/**
 * sio_client_socket_get_id:
 * @self: a socket
 *
 * Returns: (nullable): the socket id the server gave, while connected
 */
const char *
sio_client_socket_get_id (SioClientSocket *self)
{
  g_return_val_if_fail (SIO_IS_CLIENT_SOCKET (self), NULL);

  return self->id;
}

/**
 * sio_client_socket_is_connected:
 * @self: a socket
 *
 * Returns: whether the socket is in its namespace
 */
gboolean
sio_client_socket_is_connected (SioClientSocket *self)
{
  g_return_val_if_fail (SIO_IS_CLIENT_SOCKET (self), FALSE);

  return self->connected;
}

/**
 * sio_client_socket_is_active:
 * @self: a socket
 *
 * Returns: whether the socket wants to be connected (see [property@ClientSocket:active])
 */
gboolean
sio_client_socket_is_active (SioClientSocket *self)
{
  g_return_val_if_fail (SIO_IS_CLIENT_SOCKET (self), FALSE);

  return self->active;
}

/**
 * sio_client_socket_is_recovered:
 * @self: a socket
 *
 * Returns: whether the last connect restored the previous session
 */
gboolean
sio_client_socket_is_recovered (SioClientSocket *self)
{
  g_return_val_if_fail (SIO_IS_CLIENT_SOCKET (self), FALSE);

  return self->recovered;
}

/**
 * sio_client_socket_get_auth:
 * @self: a socket
 *
 * Returns: (transfer none) (nullable): the object sent with CONNECT
 */
JsonNode *
sio_client_socket_get_auth (SioClientSocket *self)
{
  g_return_val_if_fail (SIO_IS_CLIENT_SOCKET (self), NULL);

  return self->auth;
}

/**
 * sio_client_socket_set_auth:
 * @self: a socket
 * @auth: (nullable): a JSON object, or %NULL for none
 *
 * Sets what the next CONNECT carries, e.g. `{"token": "…"}`; the server reads it as
 * `socket.handshake.auth`.
 */
void
sio_client_socket_set_auth (SioClientSocket *self,
                            JsonNode        *auth)
{
  g_return_if_fail (SIO_IS_CLIENT_SOCKET (self));
  g_return_if_fail (auth == NULL || JSON_NODE_HOLDS_OBJECT (auth));

  if (self->auth == auth)
    return;

  g_clear_pointer (&self->auth, json_node_unref);
  self->auth = auth ? json_node_copy (auth) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTH]);
}

/**
 * sio_client_socket_get_n_buffered:
 * @self: a socket
 *
 * Returns: how many emits wait for the next connect
 */
guint
sio_client_socket_get_n_buffered (SioClientSocket *self)
{
  g_return_val_if_fail (SIO_IS_CLIENT_SOCKET (self), 0);

  return self->send_buffer.length;
}

/**
 * sio_client_socket_connect:
 * @self: a socket
 *
 * Joins the namespace: opens the manager's connection if needed and sends CONNECT once it is
 * open. The socket then stays active, rejoining after every reconnection, until
 * [method@ClientSocket.disconnect], a refusal or a kick.
 */
void
sio_client_socket_connect (SioClientSocket *self)
{
  g_autoptr(SioClientSocket) hold = NULL;

  g_return_if_fail (SIO_IS_CLIENT_SOCKET (self));
  g_return_if_fail (self->manager != NULL);

  if (self->connected)
    return;

  hold = g_object_ref (self);
  set_active (self, TRUE);
  if (!_sio_manager_is_reconnecting (self->manager))
    _sio_manager_open (self->manager);
  if (_sio_manager_is_open (self->manager))
    _sio_client_socket_on_open (self);
}

/**
 * sio_client_socket_disconnect:
 * @self: a socket
 *
 * Leaves the namespace (DISCONNECT) and stops reconnecting; [signal@ClientSocket::disconnect]
 * follows with "io client disconnect" if the socket was connected. The manager closes its
 * connection when no socket is active any more. Buffered emits stay buffered.
 */
void
sio_client_socket_disconnect (SioClientSocket *self)
{
  g_autoptr(SioClientSocket) hold = NULL;
  gboolean was_connected;

  g_return_if_fail (SIO_IS_CLIENT_SOCKET (self));

  if (self->manager == NULL)
    return;

  hold = g_object_ref (self);
  was_connected = self->connected;
  if (was_connected)
    send_packet (self, SIO_PACKET_DISCONNECT, NULL);

  destroy (self);

  if (was_connected)
    _sio_client_socket_on_close (self, "io client disconnect", NULL);
}

static gboolean
is_reserved (const char *event)
{
  for (guint i = 0; i < G_N_ELEMENTS (reserved_events); i++)
    if (strcmp (event, reserved_events[i]) == 0)
      return TRUE;
  return FALSE;
}

static SioPacket *
build_event (SioClientSocket *self,
             const char      *event,
             JsonArray       *args,
             GPtrArray       *attachments,
             gint64           id)
{
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) data = NULL;
  SioPacket *packet;

  json_array_add_string_element (array, event);
  for (guint i = 0; args != NULL && i < json_array_get_length (args); i++)
    json_array_add_element (array, json_node_ref (json_array_get_element (args, i)));

  data = json_node_init_array (json_node_alloc (), array);
  packet = sio_packet_new (SIO_PACKET_EVENT, self->nsp, id, data);
  for (guint i = 0; attachments != NULL && i < attachments->len; i++)
    sio_packet_add_attachment (packet, g_ptr_array_index (attachments, i));
  return packet;
}

/* socket.ts emit(): straight out when connected (and the heartbeat is not overdue), else into
 * the send buffer. */
static void
send_or_buffer (SioClientSocket *self,
                SioPacket       *packet)
{
  if (self->connected && !_sio_manager_has_ping_expired (self->manager))
    _sio_client_socket_send_packet (self, packet);
  else
    g_queue_push_tail (&self->send_buffer, sio_packet_ref (packet));
}

/**
 * sio_client_socket_emit:
 * @self: a socket
 * @event: the event name
 * @args: (nullable): the arguments
 * @attachments: (nullable) (element-type GBytes): binary values, attachment N for each
 *   placeholder `sio_packet_new_placeholder (N)` in @args
 *
 * Sends an event. While the socket is not connected the event is buffered and sent at the next
 * connect. Reserved names ("connect", "disconnect", ...) cannot be emitted.
 */
void
sio_client_socket_emit (SioClientSocket *self,
                        const char      *event,
                        JsonArray       *args,
                        GPtrArray       *attachments)
{
  g_autoptr(SioPacket) packet = NULL;

  g_return_if_fail (SIO_IS_CLIENT_SOCKET (self));
  g_return_if_fail (event != NULL && !is_reserved (event));
  g_return_if_fail (self->manager != NULL);

  packet = build_event (self, event, args, attachments, -1);
  send_or_buffer (self, packet);
}

/**
 * sio_client_socket_emit_string:
 * @self: a socket
 * @event: the event name
 * @text: the only argument
 *
 * Sends an event with one string argument; see [method@ClientSocket.emit].
 */
void
sio_client_socket_emit_string (SioClientSocket *self,
                               const char      *event,
                               const char      *text)
{
  g_autoptr(JsonArray) args = json_array_new ();

  g_return_if_fail (text != NULL);

  json_array_add_string_element (args, text);
  sio_client_socket_emit (self, event, args, NULL);
}

/**
 * sio_client_socket_emit_with_ack_async:
 * @self: a socket
 * @event: the event name
 * @args: (nullable): the arguments
 * @attachments: (nullable) (element-type GBytes): binary values named by placeholders
 * @timeout_ms: how long to wait for the acknowledgement, 0 for ever
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the server's answer
 * @user_data: data for @callback
 *
 * Sends an event and waits for the server to acknowledge it (socket.io-client's
 * `timeout(ms).emitWithAck()`). Buffering is as for [method@ClientSocket.emit]; a buffered
 * event that times out or is cancelled is taken out of the buffer. The wait fails with
 * %SIO_ERROR_TIMEOUT after @timeout_ms, with %SIO_ERROR_CLOSED when the connection the event
 * left on is lost first, and with %G_IO_ERROR_CANCELLED.
 *
 * As with any GIO operation, the pending call keeps @self (and so its manager) alive until it
 * completes: without a timeout or a cancellable, that is until the server answers.
 */
void
sio_client_socket_emit_with_ack_async (SioClientSocket     *self,
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
  PendingAck *ack;
  gint64 *key;

  g_return_if_fail (SIO_IS_CLIENT_SOCKET (self));
  g_return_if_fail (event != NULL && !is_reserved (event));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (self->manager != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sio_client_socket_emit_with_ack_async);
  g_task_set_task_data (task, GUINT_TO_POINTER (timeout_ms), NULL);

  if (g_task_return_error_if_cancelled (task))
    return;

  ack = g_new0 (PendingAck, 1);
  ack->socket = self;
  ack->id = self->next_ack_id++;
  ack->task = g_object_ref (task);
  key = g_new (gint64, 1);
  *key = ack->id;
  g_hash_table_insert (self->acks, key, ack);

  if (timeout_ms > 0)
    ack->timeout_id = g_timeout_add_once (timeout_ms, on_ack_timeout, ack);
  if (cancellable != NULL)
    {
      ack->cancellable = g_object_ref (cancellable);
      ack->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_ack_cancelled), ack, NULL);
    }

  packet = build_event (self, event, args, attachments, ack->id);
  send_or_buffer (self, packet);
}

/**
 * sio_client_socket_emit_with_ack_finish:
 * @self: a socket
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the acknowledgement's arguments, as an event without a name
 */
SioClientEvent *
sio_client_socket_emit_with_ack_finish (SioClientSocket  *self,
                                        GAsyncResult     *result,
                                        GError          **error)
{
  g_return_val_if_fail (SIO_IS_CLIENT_SOCKET (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
