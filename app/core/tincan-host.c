/* tincan-host.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/**
 * TincanHost:
 *
 * Hosting a room: the HTTP server, the Socket.IO server on it, and one guest per connected
 * socket, each served in the dialect its client speaks. Room events are broadcast once per
 * dialect, to the Socket.IO room that holds that dialect's sockets, so a message costs one
 * encoding per dialect in use, not one per recipient.
 */

#include "config.h"

#include <string.h>

#include "tincan-dialect.h"
#include "tincan-history.h"
#include "tincan-host.h"
#include "tincan-lan.h"
#include "tincan-web.h"

#define GUEST_KEY "tincan-guest"
#define MAX_PORT_TRIES 20
/* A phone or laptop has a session per open tab; more than this from one address is an attack. */
#define HOST_MAX_SESSIONS_PER_ADDRESS 32
/* Messages, typing notices, pongs: a person produces a few per second, a reconnecting page
 * flushing its queue a burst. */
#define HOST_MAX_PACKET_RATE 100

JsonNode *_tincan_user_to_json (TincanUser *user);

struct _TincanHost
{
  GObject       parent_instance;

  TincanRoom   *room;
  TincanUser   *host_user;
  SoupServer   *soup;
  SioHttpListener *listener;
  SioServer    *io;
  SioNamespace *nsp;                     /* borrowed from io */
  GHashTable   *guests_by_user;          /* user id → TincanGuest (borrowed) */
  char         *passcode;
  char         *bind_address;
  guint         port;
};

enum {
  LOG,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  PROP_0,
  PROP_STORAGE_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const TincanDialectOps * const dialects[] = {
  &tincan_dialect_undecided,
  &tincan_dialect_tincan,
  &tincan_dialect_chat_message,
  &tincan_dialect_chat,
  &tincan_dialect_usernames,
  &tincan_dialect_demo,
};

G_DEFINE_FINAL_TYPE (TincanHost, tincan_host, G_TYPE_OBJECT)

static void G_GNUC_PRINTF (2, 3)
host_log (TincanHost *self,
          const char *format,
          ...)
{
  g_autofree char *line = NULL;
  va_list args;

  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);

  g_debug ("%s", line);
  g_signal_emit (self, signals[LOG], 0, line);
}

/* ---- Helpers shared with the dialects ------------------------------------------------- */

void
_tincan_emit_strings (SioBroadcast *to,
                      const char   *event,
                      const char   *first,
                      ...)
{
  g_autoptr(JsonArray) args = json_array_new ();
  va_list ap;

  va_start (ap, first);
  for (const char *s = first; s != NULL; s = va_arg (ap, const char *))
    json_array_add_string_element (args, s);
  va_end (ap);

  sio_broadcast_emit (to, event, args, NULL);
}

void
_tincan_emit_node (SioBroadcast *to,
                   const char   *event,
                   JsonNode     *arg)
{
  g_autoptr(JsonArray) args = json_array_new ();

  json_array_add_element (args, json_node_ref (arg));
  sio_broadcast_emit (to, event, args, NULL);
}

guint
_tincan_room_count_users (TincanRoom *room)
{
  return g_list_model_get_n_items (tincan_room_get_users (room));
}

TincanRoom *
_tincan_guest_get_room (TincanGuest *guest)
{
  return guest->host->room;
}

SioBroadcast *
_tincan_guest_to_self (TincanGuest *guest)
{
  return sio_namespace_to (guest->host->nsp, sio_socket_get_id (guest->socket));
}

/* Moves the socket into its dialect's Socket.IO room, which is how broadcasts find it. */
void
_tincan_guest_set_dialect (TincanGuest            *guest,
                           const TincanDialectOps *dialect)
{
  if (guest->dialect == dialect)
    return;

  if (guest->dialect != NULL)
    sio_socket_leave (guest->socket, guest->dialect->room);
  guest->dialect = dialect;
  sio_socket_join (guest->socket, dialect->room);
}

static char *
peer_address (SioSocket *socket)
{
  GSocketAddress *address = sio_socket_get_remote_address (socket);

  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return NULL;
  return g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));
}

static const char *auth_string (SioSocket  *socket,
                                const char *name);

/* What is kept of a client's key (docs/protocol.md, "Joining"): its SHA-256, so the history
 * file holds nothing a reader could join with. Anything not shaped like a key counts as none. */
static char *
key_hash (const char *key)
{
  gsize len = key ? strlen (key) : 0;

  if (len < 16 || len > 128)
    return NULL;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (key[i]) && key[i] != '_' && key[i] != '-')
      return NULL;
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, len);
}

/* Joins the room; @nick NULL picks a "guest-N" name. Tutorial dialects cannot be told a
 * nickname is taken, so they get a suffix instead (@suffix_if_taken). */
gboolean
_tincan_guest_join (TincanGuest  *guest,
                    const char   *nick,
                    gboolean      suffix_if_taken,
                    GError      **error)
{
  TincanRoom *room = guest->host->room;
  g_autofree char *chosen = NULL;
  g_autofree char *address = peer_address (guest->socket);
  g_autoptr(TincanUser) user = NULL;
  const char *client;

  if (nick == NULL)
    chosen = tincan_room_free_guest_nick (room);
  else if (!tincan_room_check_nick (room, nick, error))
    return FALSE;
  else if (suffix_if_taken)
    chosen = tincan_room_unique_nick (room, nick);
  else
    chosen = g_strdup (nick);

  client = guest->dialect == &tincan_dialect_tincan ? "browser" : "tutorial";
  if (guest->dialect == &tincan_dialect_tincan)
    {
      JsonNode *auth = sio_socket_get_auth (guest->socket);
      const char *kind = json_object_get_string_member_with_default (json_node_get_object (auth), "kind", NULL);

      if (g_strcmp0 (kind, "desktop") == 0 || g_strcmp0 (kind, "terminal") == 0)
        client = kind;
    }

  user = tincan_user_new (sio_socket_get_id (guest->socket), chosen, guest->dialect->id, client, address);
  if (guest->dialect == &tincan_dialect_tincan)
    {
      g_autofree char *key = key_hash (auth_string (guest->socket, "key"));

      tincan_user_set_key (user, key);
    }
  guest->user = g_object_ref (user);
  g_hash_table_insert (guest->host->guests_by_user, (char *) tincan_user_get_id (user), guest);
  if (!tincan_room_join (room, user, error))
    {
      g_hash_table_remove (guest->host->guests_by_user, tincan_user_get_id (user));
      g_clear_object (&guest->user);
      return FALSE;
    }
  return TRUE;
}

void
_tincan_guest_notice (TincanGuest *guest,
                      const char  *text)
{
  g_autoptr(SioBroadcast) self = _tincan_guest_to_self (guest);
  g_autoptr(TincanMessage) notice = tincan_message_new (TINCAN_MESSAGE_NOTICE, 0, g_get_real_time () / 1000,
                                                         NULL, NULL, text);
  const TincanDialectOps *dialect = guest->dialect ? guest->dialect : &tincan_dialect_undecided;

  dialect->emit_message (self, guest->host->room, notice);
}

void
_tincan_guest_send_history (TincanGuest *guest)
{
  g_autoptr(GPtrArray) recent = NULL;
  g_autoptr(SioBroadcast) self = _tincan_guest_to_self (guest);

  recent = tincan_room_recent_for (guest->host->room, guest->user ? tincan_user_get_nick (guest->user) : NULL,
                                   guest->user ? tincan_user_get_key (guest->user) : NULL);
  for (guint i = 0; i < recent->len; i++)
    guest->dialect->emit_message (self, guest->host->room, g_ptr_array_index (recent, i));
}

typedef struct
{
  SioEvent *event;
  char     *socket_id;
  TincanHost *host;
} PendingPost;

static void
pending_post_free (PendingPost *pending)
{
  g_clear_pointer (&pending->event, sio_event_unref);
  g_free (pending->socket_id);
  g_clear_object (&pending->host);
  g_free (pending);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PendingPost, pending_post_free)

static void
on_posted (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(PendingPost) pending = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TincanMessage) message = tincan_room_post_finish (TINCAN_ROOM (source), result, &error);
  g_autoptr(JsonObject) reply = json_object_new ();
  g_autoptr(JsonArray) args = json_array_new ();

  if (message == NULL)
    {
      SioSocket *socket = sio_namespace_lookup_socket (pending->host->nsp, pending->socket_id);
      TincanGuest *guest = socket ? g_object_get_data (G_OBJECT (socket), GUEST_KEY) : NULL;

      host_log (pending->host, "Refused a message from %s: %s", pending->socket_id, error->message);
      /* Clients that cannot take an ack are told in their own dialect. */
      if (guest != NULL && (pending->event == NULL || !sio_event_wants_ack (pending->event)))
        _tincan_guest_notice (guest, error->message);
    }

  if (pending->event == NULL || !sio_event_wants_ack (pending->event))
    return;

  json_object_set_boolean_member (reply, "ok", message != NULL);
  if (message != NULL)
    json_object_set_member (reply, "message", tincan_message_to_json (message));
  else
    {
      json_object_set_string_member (reply, "error", tincan_error_code (error));
      json_object_set_string_member (reply, "message", error->message);
    }
  json_array_add_object_element (args, g_steal_pointer (&reply));
  sio_event_ack (pending->event, args, NULL);
}

/* Posts for the guest; the client's ack, if it asked for one, is answered once stored. */
void
_tincan_guest_post (TincanGuest *guest,
                    const char  *to_nick,
                    const char  *text,
                    const char  *cid,
                    SioEvent    *ack_event)
{
  PendingPost *pending = g_new0 (PendingPost, 1);

  pending->event = ack_event ? sio_event_ref (ack_event) : NULL;
  pending->socket_id = g_strdup (sio_socket_get_id (guest->socket));
  pending->host = g_object_ref (guest->host);
  tincan_room_post_full_async (guest->host->room, guest->user, to_nick, text, cid, NULL, on_posted, pending);
}

/* ---- Room events to every dialect ----------------------------------------------------- */

static void
send_private (TincanHost    *self,
              TincanMessage *message,
              const char    *nick)
{
  TincanUser *user = tincan_room_lookup_nick (self->room, nick);
  TincanGuest *guest = user ? g_hash_table_lookup (self->guests_by_user, tincan_user_get_id (user)) : NULL;
  g_autoptr(SioBroadcast) to = NULL;

  if (guest == NULL)
    return;

  to = _tincan_guest_to_self (guest);
  guest->dialect->emit_message (to, self->room, message);
}

static void
on_room_message (TincanRoom    *room,
                 TincanMessage *message,
                 TincanHost    *self)
{
  TincanUser *author = tincan_room_lookup_nick (room, tincan_message_get_from_nick (message));
  const char *author_id = author ? tincan_user_get_id (author) : NULL;

  if (tincan_message_get_kind (message) == TINCAN_MESSAGE_PRIVATE)
    {
      /* Its two parties only, never a broadcast. */
      send_private (self, message, tincan_message_get_from_nick (message));
      if (g_utf8_collate (tincan_message_get_from_nick (message), tincan_message_get_to_nick (message)) != 0)
        send_private (self, message, tincan_message_get_to_nick (message));
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (dialects); i++)
    {
      g_autoptr(SioBroadcast) to = sio_namespace_to (self->nsp, dialects[i]->room);

      if (!dialects[i]->echo_to_author && author_id != NULL)
        sio_broadcast_except (to, author_id);
      dialects[i]->emit_message (to, room, message);
    }
}

typedef void (*UserEmitter) (SioBroadcast *, TincanRoom *, TincanUser *);

/* Tells every dialect about @user, except @user's own socket. */
static void
broadcast_user_event (TincanHost *self,
                      TincanUser *user,
                      gsize       emitter_offset)
{
  for (guint i = 0; i < G_N_ELEMENTS (dialects); i++)
    {
      UserEmitter emit = G_STRUCT_MEMBER (UserEmitter, dialects[i], emitter_offset);
      g_autoptr(SioBroadcast) to = NULL;

      if (emit == NULL)
        continue;
      to = sio_namespace_to (self->nsp, dialects[i]->room);
      sio_broadcast_except (to, tincan_user_get_id (user));
      emit (to, self->room, user);
    }
}

static void
on_user_joined (TincanRoom *room,
                TincanUser *user,
                TincanHost *self)
{
  host_log (self, "%s joined (%s, %s)", tincan_user_get_nick (user), tincan_dialect_to_string (tincan_user_get_dialect (user)),
            tincan_user_get_client (user));
  broadcast_user_event (self, user, G_STRUCT_OFFSET (TincanDialectOps, emit_joined));
}

static void
on_user_left (TincanRoom *room,
              TincanUser *user,
              const char *reason,
              TincanHost *self)
{
  host_log (self, "%s left (%s)", tincan_user_get_nick (user), reason);
  broadcast_user_event (self, user, G_STRUCT_OFFSET (TincanDialectOps, emit_left));
}

static void
on_user_renamed (TincanRoom *room,
                 TincanUser *user,
                 const char *old_nick,
                 TincanHost *self)
{
  host_log (self, "%s is now %s", old_nick, tincan_user_get_nick (user));
  broadcast_user_event (self, user, G_STRUCT_OFFSET (TincanDialectOps, emit_renamed));
}

static void
on_user_typing (TincanRoom *room,
                TincanUser *user,
                TincanHost *self)
{
  broadcast_user_event (self, user, G_STRUCT_OFFSET (TincanDialectOps, emit_typing));
}

static void
on_kick (TincanRoom *room,
         TincanUser *user,
         gboolean    ban,
         TincanHost *self)
{
  TincanGuest *guest = g_hash_table_lookup (self->guests_by_user, tincan_user_get_id (user));
  g_autoptr(SioSocket) socket = NULL;

  if (guest == NULL)
    return;

  socket = g_object_ref (guest->socket);
  host_log (self, "%s %s by the host", tincan_user_get_nick (user), ban ? "banned" : "kicked");
  /* Gone from the room for this reason, before the connection ends for its own. */
  g_hash_table_remove (self->guests_by_user, tincan_user_get_id (user));
  tincan_room_leave (self->room, user, ban ? "banned" : "kicked");
  if (guest->dialect == &tincan_dialect_tincan)
    {
      g_autoptr(JsonObject) object = json_object_new ();
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(SioBroadcast) to = _tincan_guest_to_self (guest);

      json_object_set_boolean_member (object, "banned", ban);
      node = json_node_init_object (json_node_alloc (), object);
      _tincan_emit_node (to, "kicked", node);
    }
  sio_socket_disconnect (socket, TRUE);
}

/* ---- Sockets -------------------------------------------------------------------------- */

static void
guest_free (TincanGuest *guest)
{
  g_clear_object (&guest->user);
  g_free (guest);
}

static void
on_socket_disconnect (SioSocket  *socket,
                      const char *reason,
                      const char *description,
                      TincanHost *self)
{
  TincanGuest *guest = g_object_get_data (G_OBJECT (socket), GUEST_KEY);

  host_log (self, "Connection %s closed: %s", sio_socket_get_id (socket), reason);
  if (guest != NULL && guest->user != NULL)
    {
      g_hash_table_remove (self->guests_by_user, tincan_user_get_id (guest->user));
      tincan_room_leave (self->room, guest->user, reason);
    }
  g_object_set_data (G_OBJECT (socket), GUEST_KEY, NULL);
}

static gboolean
is_tincan_client (SioSocket *socket)
{
  JsonNode *auth = sio_socket_get_auth (socket);

  return JSON_NODE_HOLDS_OBJECT (auth) &&
         g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (auth), "client", NULL),
                    "tincan") == 0;
}

static const char *
auth_string (SioSocket  *socket,
             const char *name)
{
  JsonNode *auth = sio_socket_get_auth (socket);
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (auth) ? json_node_get_object (auth) : NULL;
  JsonNode *member = object ? json_object_get_member (object, name) : NULL;

  if (member != NULL && JSON_NODE_HOLDS_VALUE (member) && json_node_get_value_type (member) == G_TYPE_STRING)
    return json_node_get_string (member);
  return NULL;
}

static void
send_welcome (TincanGuest *guest)
{
  TincanRoom *room = guest->host->room;
  GListModel *users = tincan_room_get_users (room);
  g_autoptr(JsonObject) welcome = json_object_new ();
  g_autoptr(JsonObject) about = json_object_new ();
  g_autoptr(JsonArray) people = json_array_new ();
  g_autoptr(JsonArray) history = json_array_new ();
  g_autoptr(GPtrArray) recent = tincan_room_recent_for (room, tincan_user_get_nick (guest->user),
                                                        tincan_user_get_key (guest->user));
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(SioBroadcast) to = _tincan_guest_to_self (guest);

  json_object_set_string_member (about, "name", tincan_room_get_name (room));
  json_object_set_string_member (about, "host", tincan_room_get_host_nick (room));
  json_object_set_int_member (about, "maxLength", tincan_room_get_max_length (room));
  json_object_set_object_member (welcome, "room", g_steal_pointer (&about));
  json_object_set_member (welcome, "you", _tincan_user_to_json (guest->user));
  for (guint i = 0; i < g_list_model_get_n_items (users); i++)
    {
      g_autoptr(TincanUser) user = g_list_model_get_item (users, i);

      json_array_add_element (people, _tincan_user_to_json (user));
    }
  json_object_set_array_member (welcome, "users", g_steal_pointer (&people));
  for (guint i = 0; i < recent->len; i++)
    json_array_add_element (history, tincan_message_to_json (g_ptr_array_index (recent, i)));
  json_object_set_array_member (welcome, "history", g_steal_pointer (&history));

  node = json_node_init_object (json_node_alloc (), welcome);
  _tincan_emit_node (to, "welcome", node);
}

static void
on_connection (SioNamespace *nsp,
               SioSocket    *socket,
               TincanHost   *self)
{
  TincanGuest *guest = g_new0 (TincanGuest, 1);
  SioEngineSocket *engine = sio_socket_get_engine (socket);

  guest->host = self;
  guest->socket = socket;
  g_object_set_data_full (G_OBJECT (socket), GUEST_KEY, guest, (GDestroyNotify) guest_free);
  g_signal_connect_object (socket, "disconnect", G_CALLBACK (on_socket_disconnect), self, 0);

  host_log (self, "Connection %s from %s over %s", sio_socket_get_id (socket),
            sio_engine_socket_get_header (engine, "User-Agent") ?: "an unknown client",
            sio_engine_socket_get_transport (engine) == SIO_ENGINE_TRANSPORT_WEBSOCKET ? "WebSocket" : "polling");

  if (is_tincan_client (socket))
    {
      g_autoptr(GError) error = NULL;

      _tincan_guest_set_dialect (guest, &tincan_dialect_tincan);
      /* The middleware checked the nickname; only a race with another joiner fails here. */
      if (!_tincan_guest_join (guest, auth_string (socket, "nick"), FALSE, &error))
        {
          _tincan_guest_notice (guest, error->message);
          sio_socket_disconnect (socket, FALSE);
          return;
        }
      send_welcome (guest);
      return;
    }

  _tincan_guest_set_dialect (guest, &tincan_dialect_undecided);
  _tincan_guest_send_history (guest);
}

static void
on_event (SioNamespace *nsp,
          SioSocket    *socket,
          SioEvent     *event,
          TincanHost   *self)
{
  TincanGuest *guest = g_object_get_data (G_OBJECT (socket), GUEST_KEY);

  if (guest != NULL && guest->dialect != NULL)
    guest->dialect->on_event (guest, event);
}

/* Compares without leaking, through timing, how much of the passcode was right. */
static gboolean
passcode_equal (const char *given,
                const char *expected)
{
  gsize given_len = given ? strlen (given) : 0;
  gsize expected_len = strlen (expected);
  guint diff = given_len != expected_len;

  for (gsize i = 0; i < expected_len; i++)
    diff |= (guint8) expected[i] ^ (guint8) (i < given_len ? given[i] : 0);
  return diff == 0;
}

static gboolean
admit (SioSocket  *socket,
       JsonNode  **error_data,
       GError    **error,
       gpointer    user_data)
{
  TincanHost *self = user_data;
  g_autofree char *address = peer_address (socket);
  g_autoptr(GError) refusal = NULL;
  gboolean tincan = is_tincan_client (socket);
  const char *nick = tincan ? auth_string (socket, "nick") : NULL;

  if (self->passcode != NULL)
    {
      GHashTable *query = sio_socket_get_query (socket);
      const char *given = auth_string (socket, "passcode");

      if (given == NULL && query != NULL)
        given = g_hash_table_lookup (query, "passcode");
      if (!passcode_equal (given, self->passcode))
        g_set_error_literal (&refusal, TINCAN_ERROR, TINCAN_ERROR_PASSCODE,
                             given ? "Wrong passcode" : "This room needs a passcode");
    }

  if (refusal == NULL && tincan_room_is_banned (self->room, nick, address))
    g_set_error_literal (&refusal, TINCAN_ERROR, TINCAN_ERROR_BANNED, "You are banned from this room");

  if (refusal == NULL && tincan)
    {
      if (tincan_room_check_nick (self->room, nick, &refusal) && tincan_room_lookup_nick (self->room, nick) != NULL)
        g_set_error (&refusal, TINCAN_ERROR, TINCAN_ERROR_NICK_TAKEN, "Someone here is already called “%s”", nick);
    }

  if (refusal != NULL)
    {
      g_autoptr(JsonObject) data = json_object_new ();

      json_object_set_string_member (data, "code", tincan_error_code (refusal));
      *error_data = json_node_init_object (json_node_alloc (), data);
      g_set_error_literal (error, SIO_ERROR, SIO_ERROR_REFUSED, refusal->message);
      host_log (self, "Refused a connection from %s: %s", address ? address : "?", refusal->message);
      return FALSE;
    }

  return TRUE;
}

/* Said once when the history starts failing and once when it works again; every message
 * refused in between has its own "Refused a message" line. */
static void
on_storage_error (TincanHost    *self,
                  GParamSpec    *pspec,
                  TincanHistory *history)
{
  const char *error = tincan_history_get_storage_error (history);

  if (error != NULL)
    host_log (self, "Messages cannot be stored, so none are sent: %s", error);
  else
    host_log (self, "Messages are stored again");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORAGE_ERROR]);
}

/* A connection a limit turned away (floods arrive summarized). */
static void
on_rejected (TincanHost *self,
             const char *address,
             const char *reason)
{
  host_log (self, "Connection from %s %s", address, reason);
}

/* ---- GObject -------------------------------------------------------------------------- */

static void
tincan_host_dispose (GObject *object)
{
  TincanHost *self = (TincanHost *) object;

  tincan_host_shutdown (self);
  if (self->room != NULL)
    g_signal_handlers_disconnect_by_data (self->room, self);
  g_clear_object (&self->io);
  g_clear_object (&self->listener);
  g_clear_object (&self->soup);
  g_clear_object (&self->host_user);
  g_clear_object (&self->room);
  g_clear_pointer (&self->guests_by_user, g_hash_table_unref);

  G_OBJECT_CLASS (tincan_host_parent_class)->dispose (object);
}

static void
tincan_host_finalize (GObject *object)
{
  TincanHost *self = (TincanHost *) object;

  g_free (self->passcode);
  g_free (self->bind_address);

  G_OBJECT_CLASS (tincan_host_parent_class)->finalize (object);
}

static void
tincan_host_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  TincanHost *self = TINCAN_HOST (object);

  switch (prop_id)
    {
    case PROP_STORAGE_ERROR:
      g_value_set_string (value, tincan_host_get_storage_error (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tincan_host_class_init (TincanHostClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tincan_host_dispose;
  object_class->finalize = tincan_host_finalize;
  object_class->get_property = tincan_host_get_property;

  /**
   * TincanHost:storage-error: (getter get_storage_error)
   *
   * Why messages cannot be stored right now (a full disk, a read-only or damaged history),
   * or %NULL. While it is set every message is refused, its sender told why; it clears
   * itself when a message is stored again.
   */
  properties[PROP_STORAGE_ERROR] =
    g_param_spec_string ("storage-error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TincanHost::log:
   * @self: the host
   * @line: what happened: connections, transports, disconnect reasons, refusals
   *
   * The server log, for the window's log view and the terminal.
   */
  signals[LOG] = g_signal_new ("log", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                               0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
tincan_host_init (TincanHost *self)
{
  self->guests_by_user = g_hash_table_new (g_str_hash, g_str_equal);
}

/**
 * tincan_host_new:
 * @room: the room to host
 *
 * Returns: (transfer full): a host, not listening yet
 */
TincanHost *
tincan_host_new (TincanRoom *room)
{
  TincanHost *self = g_object_new (TINCAN_TYPE_HOST, NULL);
  g_autoptr(GError) error = NULL;

  self->room = g_object_ref (room);
  self->soup = soup_server_new ("server-header", "Tincan ", NULL);
  self->listener = sio_http_listener_new (self->soup);
  g_signal_connect_object (self->listener, "rejected", G_CALLBACK (on_rejected), self, G_CONNECT_SWAPPED);
  self->io = sio_server_new ();
  /* Sessions per device: polling sessions hold no connection, so the listener's caps miss them. */
  sio_engine_server_set_max_sessions_per_address (sio_server_get_engine (self->io), HOST_MAX_SESSIONS_PER_ADDRESS);
  self->nsp = sio_server_of (self->io, "/");

  /* Tutorial servers are often reached by socket.io 2.x clients too. */
  sio_engine_server_set_allow_eio3 (sio_server_get_engine (self->io), TRUE);
  sio_namespace_use (self->nsp, admit, self, NULL);
  g_signal_connect_object (self->nsp, "connection", G_CALLBACK (on_connection), self, 0);
  g_signal_connect_object (self->nsp, "event", G_CALLBACK (on_event), self, 0);
  if (!sio_server_attach (self->io, self->soup, "/socket.io/", &error))
    g_critical ("Cannot attach the Socket.IO server: %s", error->message);
  tincan_web_attach (self->soup);

  g_signal_connect_object (room, "message", G_CALLBACK (on_room_message), self, 0);
  g_signal_connect_object (room, "user-joined", G_CALLBACK (on_user_joined), self, 0);
  g_signal_connect_object (room, "user-left", G_CALLBACK (on_user_left), self, 0);
  g_signal_connect_object (room, "typing", G_CALLBACK (on_user_typing), self, 0);
  g_signal_connect_object (room, "user-renamed", G_CALLBACK (on_user_renamed), self, 0);
  g_signal_connect_object (room, "kick", G_CALLBACK (on_kick), self, 0);
  if (tincan_room_get_history (room) != NULL)
    g_signal_connect_object (tincan_room_get_history (room), "notify::storage-error",
                             G_CALLBACK (on_storage_error), self, G_CONNECT_SWAPPED);

  self->host_user = tincan_user_new ("host", tincan_room_get_host_nick (room), TINCAN_DIALECT_HOST, "desktop", NULL);
  tincan_user_set_key (self->host_user, TINCAN_HOST_KEY);
  tincan_room_join (room, self->host_user, NULL);
  return self;
}

/**
 * tincan_host_get_storage_error:
 * @self: a host
 *
 * Returns: (nullable): why messages cannot be stored right now, or %NULL
 */
const char *
tincan_host_get_storage_error (TincanHost *self)
{
  TincanHistory *history;

  g_return_val_if_fail (TINCAN_IS_HOST (self), NULL);

  history = self->room != NULL ? tincan_room_get_history (self->room) : NULL;
  return history != NULL ? tincan_history_get_storage_error (history) : NULL;
}

TincanRoom *
tincan_host_get_room (TincanHost *self)
{
  g_return_val_if_fail (TINCAN_IS_HOST (self), NULL);

  return self->room;
}

TincanUser *
tincan_host_get_user (TincanHost *self)
{
  g_return_val_if_fail (TINCAN_IS_HOST (self), NULL);

  return self->host_user;
}

SioServer *
tincan_host_get_server (TincanHost *self)
{
  g_return_val_if_fail (TINCAN_IS_HOST (self), NULL);

  return self->io;
}

SoupServer *
tincan_host_get_soup (TincanHost *self)
{
  g_return_val_if_fail (TINCAN_IS_HOST (self), NULL);

  return self->soup;
}

/**
 * tincan_host_set_passcode:
 * @self: a host
 * @passcode: (nullable): what joiners must give; %NULL or "" for an open room
 */
void
tincan_host_set_passcode (TincanHost *self,
                          const char *passcode)
{
  g_return_if_fail (TINCAN_IS_HOST (self));

  g_clear_pointer (&self->passcode, g_free);
  if (passcode != NULL && *passcode != '\0')
    self->passcode = g_strdup (passcode);
}

/**
 * tincan_host_listen:
 * @self: a host
 * @bind_address: an IP address: "0.0.0.0" for the LAN, "127.0.0.1" for this computer only
 * @port: the port; 0 for any free one
 * @try_next: when @port is taken, try the following ones
 * @error: why not
 *
 * Returns: %TRUE if listening; tincan_host_get_port() tells where
 */
gboolean
tincan_host_listen (TincanHost  *self,
                    const char  *bind_address,
                    guint        port,
                    gboolean     try_next,
                    GError     **error)
{
  g_autoptr(GInetAddress) inet = NULL;
  guint tries = (try_next && port != 0) ? MAX_PORT_TRIES : 1;
  SioEngineServer *engine;

  g_return_val_if_fail (TINCAN_IS_HOST (self), FALSE);

  /* Packets per session, an engine-level limit below the room's: a room without a flood limit
   * (benchmarks) gets no packet rate either. */
  engine = sio_server_get_engine (self->io);
  sio_engine_server_set_max_packet_rate (engine, tincan_room_get_flood_limit (self->room) > 0 ? HOST_MAX_PACKET_RATE : 0);

  inet = g_inet_address_new_from_string (bind_address ? bind_address : "0.0.0.0");
  if (inet == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "“%s” is not an IP address", bind_address);
      return FALSE;
    }

  for (guint i = 0; i < tries; i++)
    {
      g_autoptr(GSocketAddress) address = g_inet_socket_address_new (inet, port + i);
      g_autoptr(GError) local_error = NULL;

      if (sio_http_listener_listen (self->listener, address, &local_error))
        {
          self->port = sio_http_listener_get_port (self->listener);
          g_free (self->bind_address);
          self->bind_address = g_strdup (bind_address ? bind_address : "0.0.0.0");
          return TRUE;
        }

      if (i + 1 == tries || !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }

  return FALSE;
}

guint
tincan_host_get_port (TincanHost *self)
{
  g_return_val_if_fail (TINCAN_IS_HOST (self), 0);

  return self->port;
}

/* An address as it goes in a URL: IPv6 literals in brackets. */
static char *
url_for (const char *address,
         guint       port)
{
  if (strchr (address, ':') != NULL)
    return g_strdup_printf ("http://[%s]:%u/", address, port);
  return g_strdup_printf ("http://%s:%u/", address, port);
}

/**
 * tincan_host_get_url:
 * @self: a listening host
 *
 * Returns: (transfer full): the URL of the address the host is bound to
 */
char *
tincan_host_get_url (TincanHost *self)
{
  g_return_val_if_fail (TINCAN_IS_HOST (self), NULL);

  return url_for (self->bind_address ? self->bind_address : "0.0.0.0", self->port);
}

/**
 * tincan_host_dup_urls:
 * @self: a listening host
 *
 * Returns: (transfer full): the URLs to join: the LAN ones first when listening on all
 *   addresses, else the bound address
 */
GStrv
tincan_host_dup_urls (TincanHost *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (TINCAN_IS_HOST (self), NULL);

  if (g_strcmp0 (self->bind_address, "0.0.0.0") == 0)
    {
      g_auto(GStrv) lan = tincan_lan_addresses ();

      for (guint i = 0; lan[i] != NULL; i++)
        {
          g_autofree char *url = url_for (lan[i], self->port);
          g_strv_builder_add (builder, url);
        }
      {
        g_autofree char *url = url_for ("127.0.0.1", self->port);
        g_strv_builder_add (builder, url);
      }
    }
  else
    {
      g_autofree char *url = url_for (self->bind_address, self->port);
      g_strv_builder_add (builder, url);
    }

  return g_strv_builder_end (builder);
}

/**
 * tincan_host_post_async:
 * @self: a host
 * @to_nick: (nullable): for a private message, the recipient
 * @text: what the host says
 * @cancellable: (nullable): a #GCancellable
 * @callback: called once stored and sent
 * @user_data: data for @callback
 *
 * The host chatting from the window or the terminal: it reaches every dialect.
 */
static void
on_host_posted (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  TincanMessage *message = tincan_room_post_finish (TINCAN_ROOM (source), result, &error);

  if (message == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, message, g_object_unref);
}

void
tincan_host_post_async (TincanHost          *self,
                        const char          *to_nick,
                        const char          *text,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (TINCAN_IS_HOST (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tincan_host_post_async);
  tincan_room_post_async (self->room, self->host_user, to_nick, text, cancellable, on_host_posted, task);
}

/**
 * tincan_host_post_finish:
 * @self: a host
 * @result: the result
 * @error: why the message was refused
 *
 * Returns: (transfer full): the stored message
 */
TincanMessage *
tincan_host_post_finish (TincanHost    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * tincan_host_shutdown:
 * @self: a host
 *
 * Disconnects everyone and stops listening.
 */
void
tincan_host_shutdown (TincanHost *self)
{
  g_return_if_fail (TINCAN_IS_HOST (self));

  if (self->io != NULL)
    sio_server_close (self->io);
  if (self->listener != NULL)
    sio_http_listener_disconnect (self->listener);
  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
}

/**
 * tincan_host_set_address_limit:
 * @self: a host
 * @max_per_address: connections, and sessions, one address may have open; 0 for no limit
 * @include_loopback: whether this computer's own connections count too
 *
 * By default an address may have 64 connections and 32 sessions, this computer unlimited.
 */
void
tincan_host_set_address_limit (TincanHost *self,
                               guint       max_per_address,
                               gboolean    include_loopback)
{
  SioEngineServer *engine;

  g_return_if_fail (TINCAN_IS_HOST (self));

  engine = sio_server_get_engine (self->io);
  sio_http_listener_set_max_connections_per_address (self->listener, max_per_address);
  sio_http_listener_set_limit_loopback (self->listener, include_loopback);
  sio_engine_server_set_max_sessions_per_address (engine, max_per_address);
  sio_engine_server_set_limit_loopback (engine, include_loopback);
}

/**
 * tincan_host_get_listener:
 * @self: a host
 *
 * Returns: (transfer none): what accepts connections, with its caps and timeouts
 */
SioHttpListener *
tincan_host_get_listener (TincanHost *self)
{
  g_return_val_if_fail (TINCAN_IS_HOST (self), NULL);

  return self->listener;
}
