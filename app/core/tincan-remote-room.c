/* tincan-remote-room.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/**
 * TincanRemoteRoom:
 *
 * A room on another server, joined through the Socket.IO client and mirrored into a
 * #TincanRoom, so the window and the terminal show it like the room they host.
 *
 * It speaks one dialect: Tincan's own (another Tincan), the getting-started tutorial's
 * `chat message` (or `chat`), or the official chat demo's. Asked to detect, it offers the
 * Tincan auth payload and waits a moment for the `welcome` that only a Tincan sends; a server
 * that says nothing is taken to be a tutorial server.
 */

#include "config.h"

#include "tincan-remote-room.h"

#define DETECT_TIMEOUT_MS 1500

struct _TincanRemoteRoom
{
  GObject            parent_instance;

  TincanRoom        *room;
  SioManager        *manager;
  SioClientSocket   *socket;
  char              *nick;
  char              *passcode;
  TincanDialect      dialect;
  gboolean           detecting;
  guint              detect_id;
  TincanRemoteState  state;
  GQueue             awaiting_echo;   /* tutorial dialects: GTasks whose text must come back */
  GQueue             deferred;        /* sent while detecting the dialect: Deferred */
  gint64             next_local_id;
};

enum {
  PROP_0,
  PROP_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (TincanRemoteRoom, tincan_remote_room, G_TYPE_OBJECT)

typedef struct
{
  char                *to_nick;
  char                *text;
  GCancellable        *cancellable;
  GAsyncReadyCallback  callback;
  gpointer             user_data;
} Deferred;

static void
deferred_free (Deferred *deferred)
{
  g_free (deferred->to_nick);
  g_free (deferred->text);
  g_clear_object (&deferred->cancellable);
  g_free (deferred);
}

/* Sends what waited for the dialect to be known, in order. */
static void
flush_deferred (TincanRemoteRoom *self)
{
  Deferred *deferred;

  while ((deferred = g_queue_pop_head (&self->deferred)) != NULL)
    {
      tincan_remote_room_send_async (self, deferred->to_nick, deferred->text, deferred->cancellable,
                                     deferred->callback, deferred->user_data);
      deferred_free (deferred);
    }
}

static void
set_state (TincanRemoteRoom  *self,
           TincanRemoteState  state)
{
  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
fail_awaiting (TincanRemoteRoom *self,
               const char       *why)
{
  GTask *task;

  while ((task = g_queue_pop_head (&self->awaiting_echo)) != NULL)
    {
      g_task_return_new_error (task, SIO_ERROR, SIO_ERROR_CLOSED, "%s", why);
      g_object_unref (task);
    }
}

static void
tincan_remote_room_dispose (GObject *object)
{
  TincanRemoteRoom *self = (TincanRemoteRoom *) object;

  g_clear_handle_id (&self->detect_id, g_source_remove);
  fail_awaiting (self, "The room was closed");
  g_queue_clear_full (&self->deferred, (GDestroyNotify) deferred_free);
  if (self->socket != NULL)
    g_signal_handlers_disconnect_by_data (self->socket, self);
  if (self->manager != NULL)
    sio_manager_close (self->manager);
  g_clear_object (&self->socket);
  g_clear_object (&self->manager);
  g_clear_object (&self->room);

  G_OBJECT_CLASS (tincan_remote_room_parent_class)->dispose (object);
}

static void
tincan_remote_room_finalize (GObject *object)
{
  TincanRemoteRoom *self = (TincanRemoteRoom *) object;

  g_free (self->nick);
  g_free (self->passcode);

  G_OBJECT_CLASS (tincan_remote_room_parent_class)->finalize (object);
}

static void
tincan_remote_room_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  TincanRemoteRoom *self = TINCAN_REMOTE_ROOM (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tincan_remote_room_class_init (TincanRemoteRoomClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tincan_remote_room_dispose;
  object_class->finalize = tincan_remote_room_finalize;
  object_class->get_property = tincan_remote_room_get_property;

  properties[PROP_STATE] = g_param_spec_int ("state", NULL, NULL, TINCAN_REMOTE_CONNECTING, TINCAN_REMOTE_CLOSED,
                                             TINCAN_REMOTE_CONNECTING,
                                             G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tincan_remote_room_init (TincanRemoteRoom *self)
{
  g_queue_init (&self->awaiting_echo);
  g_queue_init (&self->deferred);
  self->next_local_id = 1;
}

/* ---- From the server --------------------------------------------------------------------- */

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static TincanMessage *
message_from_json (JsonNode *node)
{
  JsonObject *object = node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  const char *kind = member_string (object, "kind");
  const char *text = member_string (object, "text");
  TincanMessageKind message_kind = TINCAN_MESSAGE_CHAT;

  if (text == NULL)
    return NULL;
  if (g_strcmp0 (kind, "private") == 0)
    message_kind = TINCAN_MESSAGE_PRIVATE;
  else if (g_strcmp0 (kind, "notice") == 0)
    message_kind = TINCAN_MESSAGE_NOTICE;

  return tincan_message_new (message_kind,
                             json_object_get_int_member_with_default (object, "id", 0),
                             json_object_get_int_member_with_default (object, "time", g_get_real_time () / 1000),
                             member_string (object, "from"), member_string (object, "to"), text);
}

static TincanUser *
user_from_json (JsonNode *node)
{
  JsonObject *object = node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  const char *nick = member_string (object, "nick");
  const char *id = member_string (object, "id");

  if (nick == NULL)
    return NULL;
  return tincan_user_new (id ? id : nick, nick, TINCAN_DIALECT_TINCAN, member_string (object, "client"), NULL);
}

static void
mirror_user_named (TincanRemoteRoom *self,
                   const char       *nick,
                   TincanDialect     dialect)
{
  g_autoptr(TincanUser) user = NULL;

  if (nick == NULL || tincan_room_lookup_nick (self->room, nick) != NULL)
    return;
  user = tincan_user_new (nick, nick, dialect, "tutorial", NULL);
  tincan_room_mirror_user (self->room, user);
}

static void
leave_user_named (TincanRemoteRoom *self,
                  const char       *nick,
                  const char       *reason)
{
  TincanUser *user = tincan_room_lookup_nick (self->room, nick);

  if (user != NULL)
    tincan_room_leave (self->room, user, reason);
}

static void
mirror_line (TincanRemoteRoom *self,
             const char       *from,
             const char       *text)
{
  g_autoptr(TincanMessage) message = tincan_message_new (TINCAN_MESSAGE_CHAT, 0, g_get_real_time () / 1000,
                                                         from, NULL, text);

  tincan_room_mirror_message (self->room, message);
}

static void
on_tincan_event (TincanRemoteRoom *self,
                 SioClientEvent   *event)
{
  const char *name = sio_client_event_get_name (event);
  JsonNode *arg = sio_client_event_get_arg (event, 0);

  if (g_strcmp0 (name, "welcome") == 0)
    {
      JsonObject *welcome = arg && JSON_NODE_HOLDS_OBJECT (arg) ? json_node_get_object (arg) : NULL;
      JsonArray *users = welcome ? json_object_get_array_member (welcome, "users") : NULL;
      JsonArray *history = welcome ? json_object_get_array_member (welcome, "history") : NULL;
      GListModel *present = tincan_room_get_users (self->room);

      g_clear_handle_id (&self->detect_id, g_source_remove);
      self->detecting = FALSE;
      self->dialect = TINCAN_DIALECT_TINCAN;

      /* The list is complete: whoever we still show from before a reconnection is gone. */
      while (g_list_model_get_n_items (present) > 0)
        {
          g_autoptr(TincanUser) user = g_list_model_get_item (present, 0);
          tincan_room_leave (self->room, user, "reconnected");
        }
      for (guint i = 0; users != NULL && i < json_array_get_length (users); i++)
        {
          g_autoptr(TincanUser) user = user_from_json (json_array_get_element (users, i));
          if (user != NULL)
            tincan_room_mirror_user (self->room, user);
        }
      for (guint i = 0; history != NULL && i < json_array_get_length (history); i++)
        {
          g_autoptr(TincanMessage) message = message_from_json (json_array_get_element (history, i));
          if (message != NULL)
            tincan_room_mirror_message (self->room, message);
        }
      set_state (self, TINCAN_REMOTE_CONNECTED);
      flush_deferred (self);
    }
  else if (g_strcmp0 (name, "message") == 0)
    {
      g_autoptr(TincanMessage) message = message_from_json (arg);

      if (message != NULL)
        tincan_room_mirror_message (self->room, message);
    }
  else if (g_strcmp0 (name, "user-joined") == 0)
    {
      g_autoptr(TincanUser) user = user_from_json (arg);

      if (user != NULL)
        tincan_room_mirror_user (self->room, user);
    }
  else if (g_strcmp0 (name, "user-left") == 0 && arg && JSON_NODE_HOLDS_OBJECT (arg))
    leave_user_named (self, member_string (json_node_get_object (arg), "nick"), "left");
  else if (g_strcmp0 (name, "typing") == 0 && arg && JSON_NODE_HOLDS_OBJECT (arg))
    {
      JsonObject *object = json_node_get_object (arg);
      TincanUser *user = tincan_room_lookup_nick (self->room, member_string (object, "nick"));

      if (user != NULL)
        tincan_room_set_typing (self->room, user, json_object_get_boolean_member_with_default (object, "typing", FALSE));
    }
  else if (g_strcmp0 (name, "kicked") == 0)
    set_state (self, TINCAN_REMOTE_REFUSED);
}

static void
on_tutorial_line (TincanRemoteRoom *self,
                  const char       *text)
{
  GTask *head = g_queue_peek_head (&self->awaiting_echo);

  /* The tutorial server sends our line back to us too: that is its acknowledgement. */
  if (head != NULL && g_strcmp0 (g_task_get_task_data (head), text) == 0)
    {
      g_task_return_boolean (g_queue_pop_head (&self->awaiting_echo), TRUE);
      g_object_unref (head);
      mirror_line (self, self->nick, text);
      return;
    }

  mirror_line (self, NULL, text);
}

static void
on_demo_event (TincanRemoteRoom *self,
               SioClientEvent   *event)
{
  const char *name = sio_client_event_get_name (event);
  JsonNode *arg = sio_client_event_get_arg (event, 0);
  JsonObject *object = arg && JSON_NODE_HOLDS_OBJECT (arg) ? json_node_get_object (arg) : NULL;
  const char *username = member_string (object, "username");

  if (g_strcmp0 (name, "new message") == 0)
    mirror_line (self, username, member_string (object, "message"));
  else if (g_strcmp0 (name, "user joined") == 0)
    mirror_user_named (self, username, TINCAN_DIALECT_DEMO);
  else if (g_strcmp0 (name, "user left") == 0)
    leave_user_named (self, username, "left");
  else if (g_strcmp0 (name, "typing") == 0 || g_strcmp0 (name, "stop typing") == 0)
    {
      TincanUser *user = tincan_room_lookup_nick (self->room, username);

      if (user != NULL)
        tincan_room_set_typing (self->room, user, g_str_equal (name, "typing"));
    }
}

static void
on_event (SioClientSocket  *socket,
          SioClientEvent   *event,
          TincanRemoteRoom *self)
{
  const char *name = sio_client_event_get_name (event);

  if (self->detecting && g_strcmp0 (name, "welcome") == 0)
    {
      on_tincan_event (self, event);
      return;
    }

  switch (self->dialect)
    {
    case TINCAN_DIALECT_TINCAN:
      on_tincan_event (self, event);
      break;

    case TINCAN_DIALECT_CHAT_MESSAGE:
    case TINCAN_DIALECT_CHAT:
      if (g_strcmp0 (name, self->dialect == TINCAN_DIALECT_CHAT ? "chat" : "chat message") == 0 &&
          sio_client_event_get_string (event, 0) != NULL)
        on_tutorial_line (self, sio_client_event_get_string (event, 0));
      break;

    case TINCAN_DIALECT_DEMO:
      on_demo_event (self, event);
      break;

    case TINCAN_DIALECT_UNDECIDED:
    case TINCAN_DIALECT_USERNAMES:
    case TINCAN_DIALECT_HOST:
    default:
      break;
    }
}

static gboolean
on_detect_timeout (gpointer user_data)
{
  TincanRemoteRoom *self = user_data;

  /* No welcome: not a Tincan. The getting-started tutorial is by far the likeliest. */
  self->detect_id = 0;
  self->detecting = FALSE;
  self->dialect = TINCAN_DIALECT_CHAT_MESSAGE;
  mirror_user_named (self, self->nick, TINCAN_DIALECT_CHAT_MESSAGE);
  set_state (self, TINCAN_REMOTE_CONNECTED);
  flush_deferred (self);
  return G_SOURCE_REMOVE;
}

static void
on_connect (SioClientSocket  *socket,
            TincanRemoteRoom *self)
{
  if (self->detecting)
    {
      if (self->detect_id == 0)
        self->detect_id = g_timeout_add (DETECT_TIMEOUT_MS, on_detect_timeout, self);
      return;
    }

  switch (self->dialect)
    {
    case TINCAN_DIALECT_DEMO:
      sio_client_socket_emit_string (socket, "add user", self->nick);
      mirror_user_named (self, self->nick, TINCAN_DIALECT_DEMO);
      set_state (self, TINCAN_REMOTE_CONNECTED);
      break;

    case TINCAN_DIALECT_CHAT_MESSAGE:
    case TINCAN_DIALECT_CHAT:
      mirror_user_named (self, self->nick, self->dialect);
      set_state (self, TINCAN_REMOTE_CONNECTED);
      break;

    case TINCAN_DIALECT_TINCAN:
    case TINCAN_DIALECT_UNDECIDED:
    case TINCAN_DIALECT_USERNAMES:
    case TINCAN_DIALECT_HOST:
    default:
      /* Tincan: connected once the welcome arrived. */
      break;
    }
}

static void
on_connect_error (SioClientSocket  *socket,
                  const GError     *error,
                  JsonNode         *data,
                  TincanRemoteRoom *self)
{
  g_debug ("Remote room refused or unreachable: %s", error->message);
  if (g_error_matches (error, SIO_ERROR, SIO_ERROR_REFUSED))
    {
      g_autoptr(TincanMessage) notice = tincan_message_new (TINCAN_MESSAGE_NOTICE, 0, g_get_real_time () / 1000,
                                                             NULL, NULL, error->message);

      tincan_room_mirror_message (self->room, notice);
      fail_awaiting (self, error->message);
      set_state (self, TINCAN_REMOTE_REFUSED);
    }
}

static void
on_disconnect (SioClientSocket  *socket,
               const char       *reason,
               const GError     *error,
               TincanRemoteRoom *self)
{
  if (self->state == TINCAN_REMOTE_CONNECTED)
    set_state (self, g_strcmp0 (reason, "io server disconnect") == 0 ? TINCAN_REMOTE_CLOSED
                                                                       : TINCAN_REMOTE_CONNECTING);
}

/* ---- API --------------------------------------------------------------------------------- */

/**
 * tincan_remote_room_new:
 * @url: the server, e.g. "http://192.168.1.20:3000"
 * @nick: our nickname
 * @passcode: (nullable): the room's passcode
 * @dialect: %TINCAN_DIALECT_TINCAN, %TINCAN_DIALECT_CHAT_MESSAGE, %TINCAN_DIALECT_CHAT,
 *   %TINCAN_DIALECT_DEMO, or %TINCAN_DIALECT_UNDECIDED to detect
 *
 * Returns: (transfer full): a remote room, not connected yet
 */
TincanRemoteRoom *
tincan_remote_room_new (const char    *url,
                        const char    *nick,
                        const char    *passcode,
                        TincanDialect  dialect)
{
  TincanRemoteRoom *self = g_object_new (TINCAN_TYPE_REMOTE_ROOM, NULL);
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_autoptr(JsonObject) auth = json_object_new ();
  g_autoptr(JsonNode) auth_node = NULL;

  self->nick = g_strdup (nick);
  self->passcode = g_strdup (passcode);
  self->dialect = dialect;
  self->detecting = dialect == TINCAN_DIALECT_UNDECIDED;
  self->room = tincan_room_new (uri && g_uri_get_host (uri) ? g_uri_get_host (uri) : url, NULL, NULL);
  self->manager = sio_manager_new (url);
  self->socket = g_object_ref (sio_manager_socket (self->manager, "/"));

  if (dialect == TINCAN_DIALECT_TINCAN || self->detecting)
    {
      json_object_set_string_member (auth, "client", "tincan");
      json_object_set_string_member (auth, "nick", nick);
      json_object_set_string_member (auth, "kind", "terminal");
      if (passcode != NULL)
        json_object_set_string_member (auth, "passcode", passcode);
      auth_node = json_node_init_object (json_node_alloc (), auth);
      sio_client_socket_set_auth (self->socket, auth_node);
    }
  else if (passcode != NULL)
    sio_manager_add_query_param (self->manager, "passcode", passcode);

  g_signal_connect (self->socket, "connect", G_CALLBACK (on_connect), self);
  g_signal_connect (self->socket, "connect-error", G_CALLBACK (on_connect_error), self);
  g_signal_connect (self->socket, "disconnect", G_CALLBACK (on_disconnect), self);
  g_signal_connect (self->socket, "event", G_CALLBACK (on_event), self);
  return self;
}

TincanRoom *
tincan_remote_room_get_room (TincanRemoteRoom *self)
{
  g_return_val_if_fail (TINCAN_IS_REMOTE_ROOM (self), NULL);

  return self->room;
}

TincanRemoteState
tincan_remote_room_get_state (TincanRemoteRoom *self)
{
  g_return_val_if_fail (TINCAN_IS_REMOTE_ROOM (self), TINCAN_REMOTE_CLOSED);

  return self->state;
}

/**
 * tincan_remote_room_get_dialect:
 * @self: a remote room
 *
 * Returns: the dialect spoken, %TINCAN_DIALECT_UNDECIDED while still detecting it
 */
TincanDialect
tincan_remote_room_get_dialect (TincanRemoteRoom *self)
{
  g_return_val_if_fail (TINCAN_IS_REMOTE_ROOM (self), TINCAN_DIALECT_UNDECIDED);

  return self->detecting ? TINCAN_DIALECT_UNDECIDED : self->dialect;
}

const char *
tincan_remote_room_get_nick (TincanRemoteRoom *self)
{
  g_return_val_if_fail (TINCAN_IS_REMOTE_ROOM (self), NULL);

  return self->nick;
}

SioManager *
tincan_remote_room_get_manager (TincanRemoteRoom *self)
{
  g_return_val_if_fail (TINCAN_IS_REMOTE_ROOM (self), NULL);

  return self->manager;
}

void
tincan_remote_room_connect (TincanRemoteRoom *self)
{
  g_return_if_fail (TINCAN_IS_REMOTE_ROOM (self));

  set_state (self, TINCAN_REMOTE_CONNECTING);
  sio_client_socket_connect (self->socket);
}

void
tincan_remote_room_disconnect (TincanRemoteRoom *self)
{
  g_return_if_fail (TINCAN_IS_REMOTE_ROOM (self));

  sio_client_socket_disconnect (self->socket);
  fail_awaiting (self, "Left the room");
  set_state (self, TINCAN_REMOTE_CLOSED);
}

static void
on_tincan_ack (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SioClientEvent) reply = sio_client_socket_emit_with_ack_finish (SIO_CLIENT_SOCKET (source), result, &error);
  JsonNode *arg;
  JsonObject *object;

  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  arg = sio_client_event_get_arg (reply, 0);
  object = arg && JSON_NODE_HOLDS_OBJECT (arg) ? json_node_get_object (arg) : NULL;
  if (object != NULL && json_object_get_boolean_member_with_default (object, "ok", FALSE))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_new_error (task, SIO_ERROR, SIO_ERROR_REFUSED, "%s",
                             member_string (object, "message") ? member_string (object, "message")
                                                               : "The server refused the message");
}

/**
 * tincan_remote_room_send_async:
 * @self: a remote room
 * @to_nick: (nullable): for a private message (Tincan servers only)
 * @text: the message
 * @cancellable: (nullable): a #GCancellable
 * @callback: called once the server acknowledged the message
 * @user_data: data for @callback
 *
 * Sends a message; while disconnected it waits in the client's buffer and goes out once on
 * reconnection. A Tincan acknowledges after storing it; a tutorial server by echoing it.
 */
void
tincan_remote_room_send_async (TincanRemoteRoom    *self,
                               const char          *to_nick,
                               const char          *text,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonArray) args = json_array_new ();

  g_return_if_fail (TINCAN_IS_REMOTE_ROOM (self));
  g_return_if_fail (text != NULL);

  if (self->detecting)
    {
      Deferred *deferred = g_new0 (Deferred, 1);

      /* Which event carries it depends on the dialect, not known yet. */
      deferred->to_nick = g_strdup (to_nick);
      deferred->text = g_strdup (text);
      deferred->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
      deferred->callback = callback;
      deferred->user_data = user_data;
      g_queue_push_tail (&self->deferred, deferred);
      return;
    }

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tincan_remote_room_send_async);

  /* Only Tincan has private messages; anywhere else "private" would reach everyone. */
  if (to_nick != NULL && self->dialect != TINCAN_DIALECT_TINCAN)
    {
      g_task_return_new_error (task, SIO_ERROR, SIO_ERROR_REFUSED,
                               "This server has no private messages: nothing was sent");
      return;
    }

  switch (self->dialect)
    {
    case TINCAN_DIALECT_TINCAN:
      if (to_nick != NULL)
        {
          g_autoptr(JsonObject) object = json_object_new ();

          json_object_set_string_member (object, "to", to_nick);
          json_object_set_string_member (object, "text", text);
          json_array_add_object_element (args, g_steal_pointer (&object));
        }
      else
        json_array_add_string_element (args, text);
      sio_client_socket_emit_with_ack_async (self->socket, to_nick ? "private" : "message", args, NULL, 0,
                                             cancellable, on_tincan_ack, g_steal_pointer (&task));
      break;

    case TINCAN_DIALECT_CHAT_MESSAGE:
    case TINCAN_DIALECT_CHAT:
      g_task_set_task_data (task, g_strdup (text), g_free);
      g_queue_push_tail (&self->awaiting_echo, g_steal_pointer (&task));
      sio_client_socket_emit_string (self->socket, self->dialect == TINCAN_DIALECT_CHAT ? "chat" : "chat message", text);
      break;

    case TINCAN_DIALECT_DEMO:
      /* The demo sends no acknowledgement and does not echo: the line is ours to show. */
      sio_client_socket_emit_string (self->socket, "new message", text);
      mirror_line (self, self->nick, text);
      g_task_return_boolean (task, TRUE);
      break;

    case TINCAN_DIALECT_UNDECIDED:
    case TINCAN_DIALECT_USERNAMES:
    case TINCAN_DIALECT_HOST:
    default:
      g_task_return_new_error (task, SIO_ERROR, SIO_ERROR_FAILED, "This dialect cannot send");
      break;
    }
}

gboolean
tincan_remote_room_send_finish (TincanRemoteRoom  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
tincan_remote_room_set_typing (TincanRemoteRoom *self,
                               gboolean          typing)
{
  g_autoptr(JsonArray) args = json_array_new ();

  g_return_if_fail (TINCAN_IS_REMOTE_ROOM (self));

  if (self->dialect == TINCAN_DIALECT_TINCAN)
    {
      json_array_add_boolean_element (args, typing);
      sio_client_socket_emit (self->socket, "typing", args, NULL);
    }
  else if (self->dialect == TINCAN_DIALECT_DEMO)
    sio_client_socket_emit (self->socket, typing ? "typing" : "stop typing", NULL, NULL);
}

/**
 * tincan_dialect_from_string:
 * @name: "tincan", "chat message", "chat", "demo" or "auto"
 * @ok: (out): whether @name was known
 *
 * Returns: the dialect a remote room should speak; %TINCAN_DIALECT_UNDECIDED for "auto"
 */
TincanDialect
tincan_dialect_from_string (const char *name,
                            gboolean   *ok)
{
  *ok = TRUE;
  if (name == NULL || g_str_equal (name, "auto"))
    return TINCAN_DIALECT_UNDECIDED;
  if (g_str_equal (name, "tincan"))
    return TINCAN_DIALECT_TINCAN;
  if (g_str_equal (name, "chat message") || g_str_equal (name, "chat-message") || g_str_equal (name, "1"))
    return TINCAN_DIALECT_CHAT_MESSAGE;
  if (g_str_equal (name, "chat") || g_str_equal (name, "2"))
    return TINCAN_DIALECT_CHAT;
  if (g_str_equal (name, "demo") || g_str_equal (name, "4"))
    return TINCAN_DIALECT_DEMO;
  *ok = FALSE;
  return TINCAN_DIALECT_UNDECIDED;
}
