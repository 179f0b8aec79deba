/* test-host.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * TincanHost on 127.0.0.1 with real Socket.IO clients (raw Engine.IO/Socket.IO over libsoup
 * WebSockets): every dialect, one room shared across dialects, history replay per dialect with
 * private messages filtered, acknowledgements after storing, passcode, nickname clashes,
 * flood errors, kick and ban (across a restart on the same history file).
 *
 * "X did not receive Y" is never a timer: X asks for a namespace that does not exist, and the
 * server answers that on X's own connection after everything it sent X before.
 */

#include "config.h"

#include "sio-test-client.h"
#include "tincan-history-private.h"
#include "tincan-host.h"

#include <glib/gstdio.h>
#include <string.h>

/* ---------------------------------------------------------------------------------------- */
/* Fixture                                                                                   */

typedef struct
{
  gboolean    on_disk;          /* a history file in a temporary folder, not ":memory:" */
  const char *passcode;
} HostConfig;

typedef struct
{
  char          *dir;           /* temporary folder, when on disk */
  char          *path;          /* the history file, or ":memory:" */
  TincanHistory *history;
  TincanRoom    *room;
  TincanHost    *host;
  SioFixture     sio;           /* only base and session are used, by sio_test_client_new_full() */
  GPtrArray     *clients;       /* Client *, freed at teardown */
  GPtrArray     *left_reasons;  /* char *, "nick reason" from the room's "user-left" */
} HostFixture;

static void
on_user_left (TincanRoom  *room,
              TincanUser  *user,
              const char  *reason,
              HostFixture *f)
{
  g_ptr_array_add (f->left_reasons, g_strdup_printf ("%s %s", tincan_user_get_nick (user), reason));
}

static void
host_start (HostFixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  f->history = tincan_history_open (f->path, &error);
  g_assert_no_error (error);
  f->room = tincan_room_new ("Lobby", "Host", f->history);
  g_signal_connect (f->room, "user-left", G_CALLBACK (on_user_left), f);
  f->host = tincan_host_new (f->room);
  g_assert_true (tincan_host_listen (f->host, "127.0.0.1", 0, FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tincan_host_get_port (f->host), >, 0);

  url = g_strdup_printf ("http://127.0.0.1:%u/", tincan_host_get_port (f->host));
  g_clear_pointer (&f->sio.base, g_uri_unref);
  f->sio.base = g_uri_parse (url, G_URI_FLAGS_NONE, &error);
  g_assert_no_error (error);
}

static void client_free (gpointer data);

/* Stops the host the way the headless binary does, and checks nothing keeps it alive. */
static void
host_stop (HostFixture *f)
{
  g_ptr_array_set_size (f->clients, 0);
  tincan_host_shutdown (f->host);
  test_drain_main_context ();
  g_signal_handlers_disconnect_by_data (f->room, f);
  tincan_history_close (f->history);
  test_drain_main_context ();

  g_assert_finalize_object (g_steal_pointer (&f->host));
  g_assert_finalize_object (g_steal_pointer (&f->room));
  g_assert_finalize_object (g_steal_pointer (&f->history));
}

static void
host_setup (HostFixture   *f,
            gconstpointer  data)
{
  const HostConfig *config = data;

  f->clients = g_ptr_array_new_with_free_func (client_free);
  f->left_reasons = g_ptr_array_new_with_free_func (g_free);
  if (config != NULL && config->on_disk)
    {
      f->dir = g_dir_make_tmp ("tincan-host-XXXXXX", NULL);
      g_assert_nonnull (f->dir);
      f->path = g_build_filename (f->dir, "history.sqlite3", NULL);
    }
  else
    f->path = g_strdup (":memory:");

  f->sio.session = soup_session_new ();
  host_start (f);
  if (config != NULL && config->passcode != NULL)
    tincan_host_set_passcode (f->host, config->passcode);
}

static void
host_teardown (HostFixture   *f,
               gconstpointer  data)
{
  if (f->host != NULL)
    host_stop (f);
  g_clear_pointer (&f->clients, g_ptr_array_unref);
  g_clear_pointer (&f->left_reasons, g_ptr_array_unref);
  g_clear_pointer (&f->sio.base, g_uri_unref);
  g_clear_object (&f->sio.session);

  if (f->dir != NULL)
    {
      g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (f->path, "-shm", NULL);

      g_remove (wal);
      g_remove (shm);
      g_assert_no_errno (g_remove (f->path));
      g_assert_no_errno (g_rmdir (f->dir));
    }
  g_free (f->dir);
  g_free (f->path);
}

/* ---------------------------------------------------------------------------------------- */
/* Client: a SioTestClient whose Socket.IO packets are parsed as they come                   */

enum {
  PACKET_CONNECT = 0,
  PACKET_DISCONNECT = 1,
  PACKET_EVENT = 2,
  PACKET_ACK = 3,
  PACKET_CONNECT_ERROR = 4,
};

typedef struct
{
  int        type;
  char      *nsp;
  gint64     id;          /* -1 when none */
  JsonNode  *payload;     /* NULL when none */
  char      *raw;
  gboolean   used;
} Packet;

typedef struct
{
  SioTestClient *sc;
  char          *label;
  char          *sid;
  GPtrArray     *packets;   /* Packet *, in arrival order */
  gint64         next_ack;
  guint          n_syncs;
} Client;

static void
packet_free (Packet *p)
{
  g_clear_pointer (&p->payload, json_node_unref);
  g_free (p->nsp);
  g_free (p->raw);
  g_free (p);
}

static void
client_free (gpointer data)
{
  Client *c = data;

  g_clear_pointer (&c->sc, sio_test_client_free);
  g_clear_pointer (&c->packets, g_ptr_array_unref);
  g_free (c->label);
  g_free (c->sid);
  g_free (c);
}

static Packet *
parse_packet (const char *raw)
{
  Packet *p = g_new0 (Packet, 1);
  const char *s = raw + 1;

  p->raw = g_strdup (raw);
  p->id = -1;
  g_assert_true (g_ascii_isdigit (raw[0]));
  p->type = raw[0] - '0';

  if (*s == '/')
    {
      const char *comma = strchr (s, ',');

      g_assert_nonnull (comma);
      p->nsp = g_strndup (s, comma - s);
      s = comma + 1;
    }
  else
    p->nsp = g_strdup ("/");

  if (g_ascii_isdigit (*s))
    {
      p->id = 0;
      while (g_ascii_isdigit (*s))
        p->id = p->id * 10 + (*s++ - '0');
    }

  if (*s != '\0')
    {
      g_autoptr(GError) error = NULL;

      p->payload = json_from_string (s, &error);
      g_assert_no_error (error);
    }
  return p;
}

/* Moves whatever arrived into @c->packets. */
static void
client_pump (Client *c)
{
  TestWsMessage *message;

  while ((message = g_queue_pop_head (&c->sc->queue)) != NULL)
    {
      gsize len = 0;
      const char *data = g_bytes_get_data (message->data, &len);
      g_autofree char *text = g_strndup (data ? data : "", len);

      g_assert_cmpint (message->type, ==, SOUP_WEBSOCKET_DATA_TEXT);
      /* Engine.IO "4" is a message; anything else (noop, close) carries no Socket.IO packet. */
      if (text[0] == '4')
        g_ptr_array_add (c->packets, parse_packet (text + 1));
      test_ws_message_free (message);
    }
}

static const char *
event_name (Packet *p)
{
  JsonArray *array;

  if (p->type != PACKET_EVENT || p->payload == NULL || !JSON_NODE_HOLDS_ARRAY (p->payload))
    return NULL;
  array = json_node_get_array (p->payload);
  if (json_array_get_length (array) == 0)
    return NULL;
  return json_array_get_string_element (array, 0);
}

static Packet *
client_find (Client     *c,
             int         type,
             const char *name,
             gint64      id)
{
  client_pump (c);
  for (guint i = 0; i < c->packets->len; i++)
    {
      Packet *p = g_ptr_array_index (c->packets, i);

      if (p->used || p->type != type)
        continue;
      if (name != NULL && g_strcmp0 (event_name (p), name) != 0)
        continue;
      if (type == PACKET_ACK && p->id != id)
        continue;
      if (type != PACKET_CONNECT_ERROR && type != PACKET_CONNECT && g_strcmp0 (p->nsp, "/") != 0)
        continue;
      return p;
    }
  return NULL;
}

static Packet *
client_wait (Client     *c,
             int         type,
             const char *name,
             gint64      id)
{
  Packet *p = NULL;

  WAIT_FOR ((p = client_find (c, type, name, id)) != NULL ||
            (c->sc->closed && g_queue_is_empty (&c->sc->queue)));
  if (p == NULL)
    g_error ("%s: connection closed while waiting for %s %s", c->label,
             type == PACKET_EVENT ? "event" : "packet", name ? name : "");
  p->used = TRUE;
  return p;
}

/* The event's arguments, without its name, as compact JSON. */
static char *
event_args (Packet *p)
{
  JsonArray *array = json_node_get_array (p->payload);
  g_autoptr(JsonArray) args = json_array_new ();
  g_autoptr(JsonNode) node = NULL;

  for (guint i = 1; i < json_array_get_length (array); i++)
    json_array_add_element (args, json_node_copy (json_array_get_element (array, i)));
  node = json_node_init_array (json_node_alloc (), args);
  return json_to_string (node, FALSE);
}

static JsonObject *
event_object (Packet *p)
{
  JsonArray *array = json_node_get_array (p->payload);

  g_assert_cmpuint (json_array_get_length (array), >=, 2);
  return json_array_get_object_element (array, 1);
}

/* Waits for the next event called @name and checks its arguments, as compact JSON. */
#define assert_event(c, name, args)                                                      \
  G_STMT_START                                                                           \
  {                                                                                      \
    g_autofree char *assert_args_ = event_args (client_wait ((c), PACKET_EVENT, (name), -1)); \
    g_assert_cmpstr (assert_args_, ==, (args));                                          \
  }                                                                                      \
  G_STMT_END

static JsonObject *
wait_event_object (Client     *c,
                   const char *name)
{
  return event_object (client_wait (c, PACKET_EVENT, name, -1));
}

/* A round trip on @c's own connection: everything the server sent @c before is here now. */
static void
client_sync (Client *c)
{
  g_autofree char *nsp = g_strdup_printf ("/sync-%u", ++c->n_syncs);
  g_autofree char *request = g_strdup_printf ("40%s,", nsp);
  Packet *p;

  sio_test_client_send (c->sc, request);
  WAIT_FOR ((p = client_find (c, PACKET_CONNECT_ERROR, NULL, -1)) != NULL &&
            g_strcmp0 (p->nsp, nsp) == 0);
  p->used = TRUE;
}

/* Nothing but what the test already looked at: no event left unread. */
static void
assert_quiet (Client *c)
{
  client_sync (c);
  for (guint i = 0; i < c->packets->len; i++)
    {
      Packet *p = g_ptr_array_index (c->packets, i);

      if (!p->used && p->type == PACKET_EVENT)
        g_error ("%s got an unexpected %s", c->label, p->raw);
    }
}

static void
client_emit_node (Client     *c,
                  gint64      ack,
                  const char *name,
                  JsonNode   *arg)
{
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *json = NULL;
  g_autofree char *packet = NULL;

  json_array_add_string_element (array, name);
  if (arg != NULL)
    json_array_add_element (array, json_node_copy (arg));
  node = json_node_init_array (json_node_alloc (), array);
  json = json_to_string (node, FALSE);
  if (ack >= 0)
    packet = g_strdup_printf ("42%" G_GINT64_FORMAT "%s", ack, json);
  else
    packet = g_strdup_printf ("42%s", json);
  sio_test_client_send (c->sc, packet);
}

static void
client_emit (Client     *c,
             const char *name,
             const char *text)
{
  g_autoptr(JsonNode) arg = text ? json_node_init_string (json_node_alloc (), text) : NULL;

  client_emit_node (c, -1, name, arg);
}

/* Emits with an ack and returns the ack's first argument. */
static JsonObject *
client_emit_ack_node (Client     *c,
                      const char *name,
                      JsonNode   *arg)
{
  gint64 id = c->next_ack++;
  Packet *ack;
  JsonArray *args;

  client_emit_node (c, id, name, arg);
  ack = client_wait (c, PACKET_ACK, NULL, id);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (ack->payload));
  args = json_node_get_array (ack->payload);
  g_assert_cmpuint (json_array_get_length (args), ==, 1);
  return json_array_get_object_element (args, 0);
}

static void
client_emit_bool (Client     *c,
                  const char *name,
                  gboolean    value)
{
  g_autoptr(JsonNode) arg = json_node_init_boolean (json_node_alloc (), value);

  client_emit_node (c, -1, name, arg);
}

static JsonObject *
client_emit_ack (Client     *c,
                 const char *name,
                 const char *text)
{
  g_autoptr(JsonNode) arg = json_node_init_string (json_node_alloc (), text);

  return client_emit_ack_node (c, name, arg);
}

static Client *
client_open (HostFixture *f,
             const char  *label,
             const char  *query)
{
  Client *c = g_new0 (Client, 1);

  c->label = g_strdup (label);
  c->packets = g_ptr_array_new_with_free_func ((GDestroyNotify) packet_free);
  c->sc = sio_test_client_new_full (&f->sio, query, NULL);
  g_ptr_array_add (f->clients, c);
  return c;
}

/* Sends CONNECT with @auth (JSON text or NULL) and returns the answer. */
static Packet *
client_connect_packet (Client     *c,
                       const char *auth)
{
  g_autofree char *request = g_strconcat ("40", auth, NULL);
  Packet *p;

  sio_test_client_send (c->sc, request);
  WAIT_FOR ((p = client_find (c, PACKET_CONNECT, NULL, -1)) != NULL ||
            (p = client_find (c, PACKET_CONNECT_ERROR, NULL, -1)) != NULL);
  p->used = TRUE;
  return p;
}

static Client *
client_join (HostFixture *f,
             const char  *label,
             const char  *query,
             const char  *auth)
{
  Client *c = client_open (f, label, query);
  Packet *p = client_connect_packet (c, auth);

  if (p->type != PACKET_CONNECT)
    g_error ("%s: CONNECT refused: %s", label, p->raw);
  c->sid = g_strdup (json_object_get_string_member (json_node_get_object (p->payload), "sid"));
  return c;
}

/* A Tincan-dialect client, with a key of its own that stays the same for its nickname (as a
 * page keeps one); returns its welcome in @welcome if wanted. */
static Client *
tincan_join (HostFixture  *f,
             const char   *nick,
             JsonObject  **welcome)
{
  g_autofree char *key = g_compute_checksum_for_string (G_CHECKSUM_MD5, nick, -1);
  g_autofree char *auth = g_strdup_printf ("{\"client\":\"tincan\",\"nick\":\"%s\",\"key\":\"%s\"}", nick, key);
  Client *c = client_join (f, nick, NULL, auth);
  JsonObject *w = wait_event_object (c, "welcome");

  if (welcome != NULL)
    *welcome = w;
  return c;
}

/* Expects CONNECT_ERROR with data.code @code, and returns its message. */

static const char *
assert_refused (Client     *c,
                const char *auth,
                const char *code)
{
  Packet *p = client_connect_packet (c, auth);
  JsonObject *object;
  JsonObject *data;

  if (p->type != PACKET_CONNECT_ERROR)
    g_error ("%s: expected a refusal (%s), got %s", c->label, code, p->raw);
  object = json_node_get_object (p->payload);
  data = json_object_get_object_member (object, "data");
  g_assert_cmpstr (json_object_get_string_member (data, "code"), ==, code);
  return json_object_get_string_member (object, "message");
}

/* A Tincan-dialect client called @nick is refused with @code. */
static void
assert_tincan_refused (HostFixture *f,
                       const char  *nick,
                       const char  *code)
{
  g_autofree char *auth = g_strdup_printf ("{\"client\":\"tincan\",\"nick\":\"%s\"}", nick);

  assert_refused (client_open (f, nick, NULL), auth, code);
}

static void
client_close (Client *c)
{
  sio_test_client_close (c->sc);
}

static TincanUser *
user (HostFixture *f,
      const char  *nick)
{
  TincanUser *u = tincan_room_lookup_nick (f->room, nick);

  g_assert_nonnull (u);
  return u;
}

/* Waits until @nick is (or is no longer) in the room. */
#define WAIT_PRESENT(f, nick) WAIT_FOR (tincan_room_lookup_nick ((f)->room, (nick)) != NULL)
#define WAIT_GONE(f, nick) WAIT_FOR (tincan_room_lookup_nick ((f)->room, (nick)) == NULL)

static guint
n_users (HostFixture *f)
{
  return g_list_model_get_n_items (tincan_room_get_users (f->room));
}

typedef struct
{
  TincanHost    *host;
  gboolean       done;
  TincanMessage *message;
  GError        *error;
  GObject       *source;
} HostPosted;

static void
host_posted_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  HostPosted *posted = user_data;

  /* The source is checked by /tincan/host/post-source; the rest does not depend on it. */
  posted->source = source;
  posted->message = tincan_host_post_finish (posted->host, result, &posted->error);
  posted->done = TRUE;
}

static TincanMessage *
host_say (HostFixture *f,
          const char  *to,
          const char  *text)
{
  HostPosted posted = { .host = f->host };

  tincan_host_post_async (f->host, to, text, NULL, host_posted_cb, &posted);
  WAIT_FOR (posted.done);
  g_assert_no_error (posted.error);
  return posted.message;
}

#define host_say_(f, to, text) g_object_unref (host_say ((f), (to), (text)))

static gint64
last_stored_id (HostFixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) recent = tincan_history_load_recent (f->history, 1, NULL, NULL, &error);

  g_assert_no_error (error);
  return recent->len ? tincan_message_get_id (g_ptr_array_index (recent, 0)) : 0;
}

static gboolean
is_stored (HostFixture *f,
           gint64       id,
           const char  *viewer)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) recent = tincan_history_load_recent (f->history, 10000, viewer, NULL, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < recent->len; i++)
    if (tincan_message_get_id (g_ptr_array_index (recent, i)) == id)
      return TRUE;
  return FALSE;
}

static void
assert_message (JsonObject *m,
                const char *kind,
                const char *from,
                const char *to,
                const char *text)
{
  g_assert_cmpint (json_object_get_int_member (m, "id"), >, 0);
  g_assert_cmpint (json_object_get_int_member (m, "time"), >, 1600000000000);
  g_assert_cmpstr (json_object_get_string_member (m, "kind"), ==, kind);
  g_assert_cmpstr (json_object_get_string_member_with_default (m, "from", NULL), ==, from);
  g_assert_cmpstr (json_object_get_string_member_with_default (m, "to", NULL), ==, to);
  g_assert_cmpstr (json_object_get_string_member (m, "text"), ==, text);
}

static void
assert_user (JsonObject *u,
             const char *nick,
             const char *client,
             gboolean    typing)
{
  g_assert_cmpstr (json_object_get_string_member (u, "nick"), ==, nick);
  g_assert_cmpstr (json_object_get_string_member (u, "client"), ==, client);
  g_assert_cmpint (json_object_get_boolean_member (u, "typing"), ==, typing);
  g_assert_nonnull (json_object_get_string_member (u, "id"));
}

/* ---------------------------------------------------------------------------------------- */
/* Tincan dialect                                                                            */

static void
test_tincan_welcome (HostFixture   *f,
                     gconstpointer  data)
{
  JsonObject *welcome;
  JsonObject *room;
  JsonArray *users;
  JsonObject *ack;
  JsonObject *seen;
  Client *alice;
  Client *bob;

  alice = client_join (f, "alice", NULL,
                       "{\"client\":\"tincan\",\"nick\":\"alice\",\"kind\":\"terminal\"}");
  welcome = wait_event_object (alice, "welcome");
  room = json_object_get_object_member (welcome, "room");
  g_assert_cmpstr (json_object_get_string_member (room, "name"), ==, "Lobby");
  g_assert_cmpstr (json_object_get_string_member (room, "host"), ==, "Host");
  g_assert_cmpint (json_object_get_int_member (room, "maxLength"), ==, 4000);
  assert_user (json_object_get_object_member (welcome, "you"), "alice", "terminal", FALSE);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (welcome, "you"), "id"),
                   ==, alice->sid);
  users = json_object_get_array_member (welcome, "users");
  g_assert_cmpuint (json_array_get_length (users), ==, 2);
  assert_user (json_array_get_object_element (users, 0), "Host", "desktop", FALSE);
  assert_user (json_array_get_object_element (users, 1), "alice", "terminal", FALSE);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (welcome, "history")), ==, 0);
  g_assert_cmpstr (tincan_user_get_client (user (f, "alice")), ==, "terminal");
  g_assert_cmpstr (tincan_user_get_address (user (f, "alice")), ==, "127.0.0.1");

  /* A second joiner: everyone else hears of it, the joiner gets its welcome instead. */
  bob = tincan_join (f, "bob", &welcome);
  assert_user (json_object_get_object_member (welcome, "you"), "bob", "browser", FALSE);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (welcome, "users")), ==, 3);
  assert_user (wait_event_object (alice, "user-joined"), "bob", "browser", FALSE);

  /* A message: stored, then sent to everyone (its author too), then acknowledged. */
  ack = client_emit_ack (bob, "message", "hello <b>alice</b>");
  g_assert_true (json_object_get_boolean_member (ack, "ok"));
  assert_message (json_object_get_object_member (ack, "message"), "chat", "bob", NULL,
                  "hello <b>alice</b>");
  seen = wait_event_object (alice, "message");
  assert_message (seen, "chat", "bob", NULL, "hello <b>alice</b>");
  g_assert_cmpint (json_object_get_int_member (seen, "id"), ==,
                   json_object_get_int_member (json_object_get_object_member (ack, "message"), "id"));
  assert_message (wait_event_object (bob, "message"), "chat", "bob", NULL, "hello <b>alice</b>");

  /* Typing reaches the others only. */
  client_emit_bool (alice, "typing", TRUE);
  assert_user (wait_event_object (bob, "typing"), "alice", "terminal", TRUE);
  client_emit_bool (alice, "typing", FALSE);
  assert_user (wait_event_object (bob, "typing"), "alice", "terminal", FALSE);

  /* The host speaks to everyone. */
  host_say_ (f, NULL, "welcome all");
  assert_message (wait_event_object (alice, "message"), "chat", "Host", NULL, "welcome all");
  assert_message (wait_event_object (bob, "message"), "chat", "Host", NULL, "welcome all");

  assert_quiet (alice);
  assert_quiet (bob);

  /* Leaving: the others are told. */
  client_close (bob);
  assert_user (wait_event_object (alice, "user-left"), "bob", "browser", FALSE);
  g_assert_cmpuint (n_users (f), ==, 2);
  assert_quiet (alice);
}

static void
test_tincan_refusals (HostFixture   *f,
                      gconstpointer  data)
{
  Client *alice = tincan_join (f, "alice", NULL);
  const char *message;

  message = assert_refused (client_open (f, "ALICE", NULL), "{\"client\":\"tincan\",\"nick\":\"ALICE\"}",
                            "nick-taken");
  g_assert_nonnull (strstr (message, "ALICE"));
  assert_refused (client_open (f, "server", NULL), "{\"client\":\"tincan\",\"nick\":\"server\"}",
                  "nick-invalid");
  assert_refused (client_open (f, "host", NULL), "{\"client\":\"tincan\",\"nick\":\"host\"}",
                  "nick-invalid");
  assert_refused (client_open (f, "none", NULL), "{\"client\":\"tincan\"}", "nick-invalid");
  assert_refused (client_open (f, "number", NULL), "{\"client\":\"tincan\",\"nick\":42}",
                  "nick-invalid");
  assert_refused (client_open (f, "rlo", NULL), "{\"client\":\"tincan\",\"nick\":\"\\u202eadmin\"}",
                  "nick-invalid");
  assert_refused (client_open (f, "long", NULL),
                  "{\"client\":\"tincan\",\"nick\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}",
                  "nick-invalid");

  /* Nobody joined; alice heard of nobody. */
  g_assert_cmpuint (n_users (f), ==, 2);
  assert_quiet (alice);
}

static void
test_tincan_errors (HostFixture   *f,
                    gconstpointer  data)
{
  Client *alice = tincan_join (f, "alice", NULL);
  Client *bob = tincan_join (f, "bob", NULL);
  g_autoptr(GString) long_text = g_string_new (NULL);
  JsonObject *ack;

  (void) wait_event_object (alice, "user-joined");
  for (guint i = 0; i < 4001; i++)
    g_string_append_c (long_text, 'x');

  ack = client_emit_ack (alice, "message", long_text->str);
  g_assert_false (json_object_get_boolean_member (ack, "ok"));
  g_assert_cmpstr (json_object_get_string_member (ack, "error"), ==, "too-long");
  g_assert_nonnull (strstr (json_object_get_string_member (ack, "message"), "4000"));

  ack = client_emit_ack (alice, "message", "   ");
  g_assert_false (json_object_get_boolean_member (ack, "ok"));
  g_assert_cmpstr (json_object_get_string_member (ack, "error"), ==, "empty");

  /* Not a string at all. */
  {
    g_autoptr(JsonNode) seven = json_node_init_int (json_node_alloc (), 7);

    ack = client_emit_ack_node (alice, "message", seven);
  }
  g_assert_false (json_object_get_boolean_member (ack, "ok"));
  g_assert_cmpstr (json_object_get_string_member (ack, "error"), ==, "empty");

  {
    g_autoptr(JsonNode) arg = json_from_string ("{\"to\":\"nobody\",\"text\":\"hi\"}", NULL);

    ack = client_emit_ack_node (alice, "private", arg);
    g_assert_false (json_object_get_boolean_member (ack, "ok"));
    g_assert_cmpstr (json_object_get_string_member (ack, "error"), ==, "no-such-user");
  }

  /* Renaming: taken, invalid, then fine. */
  ack = client_emit_ack (alice, "nick", "BOB");
  g_assert_false (json_object_get_boolean_member (ack, "ok"));
  g_assert_cmpstr (json_object_get_string_member (ack, "error"), ==, "nick-taken");
  ack = client_emit_ack (alice, "nick", "Server");
  g_assert_false (json_object_get_boolean_member (ack, "ok"));
  g_assert_cmpstr (json_object_get_string_member (ack, "error"), ==, "nick-invalid");
  ack = client_emit_ack (alice, "nick", "alicia");
  g_assert_true (json_object_get_boolean_member (ack, "ok"));
  g_assert_nonnull (tincan_room_lookup_nick (f->room, "alicia"));
  g_assert_null (tincan_room_lookup_nick (f->room, "alice"));

  /* Nothing was stored or sent. */
  g_assert_cmpint (last_stored_id (f), ==, 0);
  client_sync (bob);
  for (guint i = 0; i < bob->packets->len; i++)
    {
      Packet *p = g_ptr_array_index (bob->packets, i);

      g_assert_true (p->used || g_strcmp0 (event_name (p), "message") != 0);
    }
  assert_quiet (alice);
}

static void
test_tincan_rename_seen (HostFixture   *f,
                         gconstpointer  data)
{
  Client *alice = tincan_join (f, "alice", NULL);
  Client *bob = tincan_join (f, "bob", NULL);
  Client *ursula = client_join (f, "ursula", NULL, NULL);
  JsonObject *ack;

  (void) wait_event_object (alice, "user-joined");
  client_emit (ursula, "adduser", "ursula");
  assert_event (ursula, "updatechat", "[\"SERVER\",\"you have connected\"]");
  (void) wait_event_object (alice, "user-joined");
  (void) wait_event_object (bob, "user-joined");

  /* The others' user lists must not keep showing "alice". The protocol has no rename event
   * yet; any event naming the new nickname will do here. */
  ack = client_emit_ack (alice, "nick", "alicia");
  g_assert_true (json_object_get_boolean_member (ack, "ok"));
  client_sync (bob);
  {
    gboolean told = FALSE;

    for (guint i = 0; i < bob->packets->len; i++)
      {
        Packet *p = g_ptr_array_index (bob->packets, i);

        if (!p->used && p->type == PACKET_EVENT && strstr (p->raw, "alicia") != NULL)
          told = TRUE;
      }
    g_assert_true (told);
  }
}

/* ---------------------------------------------------------------------------------------- */
/* Every dialect in one room                                                                 */

static char *
strings_json (const char *first,
              ...)
{
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) node = NULL;
  va_list ap;

  va_start (ap, first);
  for (const char *s = first; s != NULL; s = va_arg (ap, const char *))
    json_array_add_string_element (array, s);
  va_end (ap);
  node = json_node_init_array (json_node_alloc (), array);
  return json_to_string (node, FALSE);
}

/* The usernames tutorial's line, in both spellings. */
static void
assert_updatechat (Client     *c,
                   const char *who,
                   const char *text)
{
  g_autofree char *expected = strings_json (who, text, NULL);

  assert_event (c, "updatechat", expected);
  assert_event (c, "updateChat", expected);
}

/* The usernames tutorial's user list, in both spellings; returns it as JSON. */
static char *
wait_updateusers (Client *c)
{
  g_autofree char *lower = event_args (client_wait (c, PACKET_EVENT, "updateusers", -1));
  g_autofree char *camel = event_args (client_wait (c, PACKET_EVENT, "updateUsers", -1));

  g_assert_cmpstr (lower, ==, camel);
  return g_steal_pointer (&lower);
}

static void
assert_updateusers (Client     *c,
                    const char *expected)
{
  g_autofree char *got = wait_updateusers (c);

  g_assert_cmpstr (got, ==, expected);
}

static void
test_cross_dialect (HostFixture   *f,
                    gconstpointer  data)
{
  Client *tut;        /* 'chat message' */
  Client *chat;       /* 'chat' */
  Client *usr;        /* usernames tutorial */
  Client *demo;       /* official demo */
  Client *kim;        /* tincan */
  Client *lurker;     /* undecided: never speaks */
  JsonObject *o;

  kim = tincan_join (f, "kim", NULL);
  tut = client_join (f, "tutorial", NULL, NULL);
  chat = client_join (f, "chat", NULL, NULL);
  usr = client_join (f, "usernames", NULL, NULL);
  demo = client_join (f, "demo", NULL, NULL);
  lurker = client_join (f, "lurker", NULL, NULL);

  /* Joining, as each dialect announces it. */
  client_emit (usr, "addUser", "ursula");
  assert_updatechat (usr, "SERVER", "you have connected");
  assert_updateusers (usr, "[{\"Host\":\"Host\",\"kim\":\"kim\",\"ursula\":\"ursula\"}]");
  assert_user (wait_event_object (kim, "user-joined"), "ursula", "tutorial", FALSE);
  client_emit (demo, "add user", "dora");
  o = wait_event_object (demo, "login");
  g_assert_cmpint (json_object_get_int_member (o, "numUsers"), ==, 4);   /* Host, kim, ursula, dora */
  g_assert_cmpuint (n_users (f), ==, 4);
  assert_user (wait_event_object (kim, "user-joined"), "dora", "tutorial", FALSE);
  assert_updatechat (usr, "SERVER", "dora has connected");
  assert_updateusers (usr, "[{\"Host\":\"Host\",\"kim\":\"kim\",\"ursula\":\"ursula\","
                           "\"dora\":\"dora\"}]");

  /* 'chat message': everyone, the sender included; guests anonymous to tutorial pages. */
  client_emit (tut, "chat message", "from the tutorial");
  assert_event (tut, "chat message", "[\"from the tutorial\"]");
  assert_event (chat, "chat message", "[\"from the tutorial\"]");
  assert_event (chat, "chat", "[\"from the tutorial\"]");
  assert_event (lurker, "chat message", "[\"from the tutorial\"]");
  assert_event (lurker, "chat", "[\"from the tutorial\"]");
  assert_updatechat (usr, "SERVER", "guest-1 has connected");
  g_free (wait_updateusers (usr));
  assert_updatechat (usr, "guest-1", "from the tutorial");
  assert_event (demo, "user joined", "[{\"username\":\"guest-1\",\"numUsers\":5}]");
  assert_event (demo, "new message", "[{\"username\":\"guest-1\",\"message\":\"from the tutorial\"}]");
  assert_user (wait_event_object (kim, "user-joined"), "guest-1", "tutorial", FALSE);
  assert_message (wait_event_object (kim, "message"), "chat", "guest-1", NULL, "from the tutorial");
  g_assert_cmpint (tincan_user_get_dialect (user (f, "guest-1")), ==, TINCAN_DIALECT_CHAT_MESSAGE);

  /* 'chat': the same with its own event name. */
  client_emit (chat, "chat", "from chat");
  assert_event (chat, "chat", "[\"from chat\"]");
  assert_event (tut, "chat message", "[\"from chat\"]");
  assert_event (lurker, "chat message", "[\"from chat\"]");
  assert_event (lurker, "chat", "[\"from chat\"]");
  assert_updatechat (usr, "SERVER", "guest-2 has connected");
  assert_updateusers (usr, "[{\"Host\":\"Host\",\"kim\":\"kim\",\"ursula\":\"ursula\",\"dora\":\"dora\","
                           "\"guest-1\":\"guest-1\",\"guest-2\":\"guest-2\"}]");
  assert_updatechat (usr, "guest-2", "from chat");
  assert_event (demo, "user joined", "[{\"username\":\"guest-2\",\"numUsers\":6}]");
  assert_event (demo, "new message", "[{\"username\":\"guest-2\",\"message\":\"from chat\"}]");
  assert_user (wait_event_object (kim, "user-joined"), "guest-2", "tutorial", FALSE);
  assert_message (wait_event_object (kim, "message"), "chat", "guest-2", NULL, "from chat");
  g_assert_cmpint (tincan_user_get_dialect (user (f, "guest-2")), ==, TINCAN_DIALECT_CHAT);

  /* Usernames tutorial, in another letter case. */
  client_emit (usr, "SendChat", "from usernames");
  assert_updatechat (usr, "ursula", "from usernames");
  assert_event (tut, "chat message", "[\"ursula: from usernames\"]");
  assert_event (chat, "chat", "[\"ursula: from usernames\"]");
  assert_event (lurker, "chat message", "[\"ursula: from usernames\"]");
  assert_event (lurker, "chat", "[\"ursula: from usernames\"]");
  assert_event (demo, "new message", "[{\"username\":\"ursula\",\"message\":\"from usernames\"}]");
  assert_message (wait_event_object (kim, "message"), "chat", "ursula", NULL, "from usernames");

  /* The demo: to everyone but its author, who shows it by itself. */
  client_emit (demo, "new message", "from the demo");
  assert_event (tut, "chat message", "[\"dora: from the demo\"]");
  assert_event (chat, "chat", "[\"dora: from the demo\"]");
  assert_event (lurker, "chat message", "[\"dora: from the demo\"]");
  assert_event (lurker, "chat", "[\"dora: from the demo\"]");
  assert_updatechat (usr, "dora", "from the demo");
  assert_message (wait_event_object (kim, "message"), "chat", "dora", NULL, "from the demo");

  /* Tincan, with markup that must arrive as the same characters. */
  o = client_emit_ack (kim, "message", "<i>from</i> tincan & co");
  g_assert_true (json_object_get_boolean_member (o, "ok"));
  assert_message (wait_event_object (kim, "message"), "chat", "kim", NULL, "<i>from</i> tincan & co");
  assert_event (tut, "chat message", "[\"kim: <i>from</i> tincan & co\"]");
  assert_event (chat, "chat", "[\"kim: <i>from</i> tincan & co\"]");
  assert_event (lurker, "chat message", "[\"kim: <i>from</i> tincan & co\"]");
  assert_event (lurker, "chat", "[\"kim: <i>from</i> tincan & co\"]");
  assert_updatechat (usr, "kim", "<i>from</i> tincan & co");
  assert_event (demo, "new message", "[{\"username\":\"kim\",\"message\":\"<i>from</i> tincan & co\"}]");

  /* The host. */
  host_say_ (f, NULL, "from the host");
  assert_event (tut, "chat message", "[\"Host: from the host\"]");
  assert_event (chat, "chat", "[\"Host: from the host\"]");
  assert_event (lurker, "chat message", "[\"Host: from the host\"]");
  assert_event (lurker, "chat", "[\"Host: from the host\"]");
  assert_updatechat (usr, "Host", "from the host");
  assert_event (demo, "new message", "[{\"username\":\"Host\",\"message\":\"from the host\"}]");
  assert_message (wait_event_object (kim, "message"), "chat", "Host", NULL, "from the host");

  /* Typing, from the demo and from tincan, to the dialects that show it. */
  client_emit (demo, "typing", NULL);
  assert_user (wait_event_object (kim, "typing"), "dora", "tutorial", TRUE);
  client_emit (demo, "stop typing", NULL);
  assert_user (wait_event_object (kim, "typing"), "dora", "tutorial", FALSE);
  client_emit_bool (kim, "typing", TRUE);
  assert_event (demo, "typing", "[{\"username\":\"kim\"}]");
  client_emit_bool (kim, "typing", FALSE);
  assert_event (demo, "stop typing", "[{\"username\":\"kim\"}]");

  /* Nothing else reached anyone: exactly one copy of each line. */
  assert_quiet (kim);

  /* Leaving, as each dialect announces it. */
  client_close (kim);
  assert_event (demo, "user left", "[{\"username\":\"kim\",\"numUsers\":5}]");
  assert_updatechat (usr, "SERVER", "kim has disconnected");
  assert_updateusers (usr, "[{\"Host\":\"Host\",\"ursula\":\"ursula\",\"dora\":\"dora\","
                           "\"guest-1\":\"guest-1\",\"guest-2\":\"guest-2\"}]");

  assert_quiet (tut);
  assert_quiet (chat);
  assert_quiet (lurker);
  assert_quiet (demo);
  assert_quiet (usr);
}

static void
test_undecided (HostFixture   *f,
                gconstpointer  data)
{
  Client *lurker;
  Client *other;
  JsonObject *ack;

  host_say_ (f, NULL, "before");
  lurker = client_join (f, "lurker", NULL, NULL);
  other = client_join (f, "other", NULL, NULL);

  /* The history, then live messages, as both events until the socket speaks. */
  assert_event (lurker, "chat message", "[\"Host: before\"]");
  assert_event (lurker, "chat", "[\"Host: before\"]");
  host_say_ (f, NULL, "live");
  assert_event (lurker, "chat message", "[\"Host: live\"]");
  assert_event (lurker, "chat", "[\"Host: live\"]");
  /* An undecided socket is nobody in the room. */
  g_assert_cmpuint (n_users (f), ==, 1);

  /* Its first event decides, and acks come after storing. */
  {
    g_autoptr(JsonNode) arg = json_node_init_string (json_node_alloc (), "now I speak chat");

    ack = client_emit_ack_node (lurker, "chat", arg);
  }
  g_assert_true (json_object_get_boolean_member (ack, "ok"));
  g_assert_true (is_stored (f, json_object_get_int_member (
                              json_object_get_object_member (ack, "message"), "id"), NULL));
  assert_event (lurker, "chat", "[\"now I speak chat\"]");
  assert_event (other, "chat message", "[\"Host: before\"]");
  assert_event (other, "chat", "[\"Host: before\"]");
  assert_event (other, "chat message", "[\"Host: live\"]");
  assert_event (other, "chat", "[\"Host: live\"]");
  assert_event (other, "chat message", "[\"now I speak chat\"]");
  assert_event (other, "chat", "[\"now I speak chat\"]");

  host_say_ (f, NULL, "after");
  assert_event (lurker, "chat", "[\"Host: after\"]");
  assert_event (other, "chat message", "[\"Host: after\"]");
  assert_event (other, "chat", "[\"Host: after\"]");
  assert_quiet (lurker);
  assert_quiet (other);
}

static void
test_usernames (HostFixture   *f,
                gconstpointer  data)
{
  Client *u1 = client_join (f, "u1", NULL, NULL);
  Client *u2 = client_join (f, "u2", NULL, NULL);
  Client *u3 = client_join (f, "u3", NULL, NULL);

  /* Chatting before choosing a name. */
  client_emit (u1, "sendchat", "too early");
  assert_event (u1, "updatechat", "[\"SERVER\",\"Choose a username first (adduser)\"]");
  assert_event (u1, "updateChat", "[\"SERVER\",\"Choose a username first (adduser)\"]");

  /* A reserved name is refused with a SERVER line; the client may try again. */
  client_emit (u1, "adduser", "Server");
  {
    Packet *p = client_wait (u1, PACKET_EVENT, "updatechat", -1);
    JsonArray *args = json_node_get_array (p->payload);

    g_assert_cmpstr (json_array_get_string_element (args, 1), ==, "SERVER");
    g_assert_nonnull (strstr (json_array_get_string_element (args, 2), "reserved"));
  }
  (void) client_wait (u1, PACKET_EVENT, "updateChat", -1);
  g_assert_cmpuint (n_users (f), ==, 1);

  client_emit (u1, "ADDUSER", "bob");
  assert_event (u1, "updatechat", "[\"SERVER\",\"you have connected\"]");
  assert_event (u1, "updateChat", "[\"SERVER\",\"you have connected\"]");
  assert_event (u1, "updateusers", "[{\"Host\":\"Host\",\"bob\":\"bob\"}]");
  assert_event (u1, "updateUsers", "[{\"Host\":\"Host\",\"bob\":\"bob\"}]");

  /* Taken: a suffix, never a duplicate. */
  client_emit (u2, "adduser", "BOB");
  assert_event (u2, "updatechat", "[\"SERVER\",\"you have connected\"]");
  assert_event (u2, "updateusers", "[{\"Host\":\"Host\",\"bob\":\"bob\",\"BOB-2\":\"BOB-2\"}]");
  assert_event (u1, "updatechat", "[\"SERVER\",\"BOB-2 has connected\"]");
  assert_event (u1, "updateusers", "[{\"Host\":\"Host\",\"bob\":\"bob\",\"BOB-2\":\"BOB-2\"}]");
  client_emit (u3, "addUser", "bob");
  assert_event (u3, "updatechat", "[\"SERVER\",\"you have connected\"]");
  WAIT_PRESENT (f, "bob-3");

  /* A second adduser changes nothing. */
  client_emit (u1, "adduser", "robert");
  client_emit (u1, "sendchat", "hi");
  assert_event (u2, "updatechat", "[\"SERVER\",\"bob-3 has connected\"]");
  assert_event (u2, "updatechat", "[\"bob\",\"hi\"]");
  g_assert_null (tincan_room_lookup_nick (f->room, "robert"));

  client_close (u2);
  assert_event (u1, "updatechat", "[\"SERVER\",\"bob-3 has connected\"]");
  assert_event (u1, "updatechat", "[\"bob\",\"hi\"]");
  assert_event (u1, "updatechat", "[\"SERVER\",\"BOB-2 has disconnected\"]");
  WAIT_GONE (f, "BOB-2");
}

static void
test_demo (HostFixture   *f,
           gconstpointer  data)
{
  Client *dora = client_join (f, "dora", NULL, NULL);
  Client *eve = client_join (f, "eve", NULL, NULL);
  JsonObject *o;
  gint64 n;

  /* Messages before "add user" are ignored, as by the demo's server. */
  client_emit (dora, "new message", "anonymous");
  client_emit (dora, "add user", "dora");
  o = wait_event_object (dora, "login");
  n = json_object_get_int_member (o, "numUsers");
  g_assert_cmpint (n, ==, n_users (f));
  g_assert_cmpint (last_stored_id (f), ==, 0);

  client_emit (eve, "add user", "Dora");     /* taken: a suffix */
  o = wait_event_object (eve, "login");
  g_assert_cmpint (json_object_get_int_member (o, "numUsers"), ==, n + 1);
  assert_event (dora, "user joined", "[{\"username\":\"Dora-2\",\"numUsers\":3}]");

  client_emit (eve, "new message", "hello dora");
  assert_event (dora, "new message", "[{\"username\":\"Dora-2\",\"message\":\"hello dora\"}]");
  client_emit (eve, "typing", NULL);
  assert_event (dora, "typing", "[{\"username\":\"Dora-2\"}]");
  client_emit (eve, "stop typing", NULL);
  assert_event (dora, "stop typing", "[{\"username\":\"Dora-2\"}]");

  /* The author does not get its own line back, nor its own typing. */
  assert_quiet (eve);

  client_close (eve);
  assert_event (dora, "user left", "[{\"username\":\"Dora-2\",\"numUsers\":2}]");
  assert_quiet (dora);
}

/* ---------------------------------------------------------------------------------------- */
/* Private messages                                                                          */

static void
test_private (HostFixture   *f,
              gconstpointer  data)
{
  Client *alice = tincan_join (f, "alice", NULL);
  Client *bob = tincan_join (f, "bob", NULL);
  Client *carol = tincan_join (f, "carol", NULL);
  Client *usr = client_join (f, "usernames", NULL, NULL);
  Client *demo = client_join (f, "demo", NULL, NULL);
  Client *lurker = client_join (f, "lurker", NULL, NULL);
  Client *tut = client_join (f, "tutorial", NULL, NULL);
  g_autoptr(JsonNode) to_bob = json_from_string ("{\"to\":\"BOB\",\"text\":\"psst bob\"}", NULL);
  g_autoptr(JsonNode) to_ursula = json_from_string ("{\"to\":\"ursula\",\"text\":\"psst ursula\"}",
                                                    NULL);
  g_autoptr(JsonNode) to_dora = json_from_string ("{\"to\":\"dora\",\"text\":\"psst dora\"}", NULL);
  g_autoptr(JsonNode) to_guest = json_from_string ("{\"to\":\"guest-1\",\"text\":\"psst guest\"}", NULL);
  JsonObject *ack;

  client_emit (usr, "adduser", "ursula");
  assert_event (usr, "updatechat", "[\"SERVER\",\"you have connected\"]");
  client_emit (demo, "add user", "dora");
  (void) wait_event_object (demo, "login");
  client_emit (tut, "chat message", "hi");
  assert_event (tut, "chat message", "[\"hi\"]");
  client_sync (alice);
  client_sync (bob);
  client_sync (carol);
  client_sync (usr);
  client_sync (demo);
  client_sync (lurker);
  client_sync (tut);
  for (guint i = 0; i < f->clients->len; i++)
    {
      Client *c = g_ptr_array_index (f->clients, i);

      for (guint j = 0; j < c->packets->len; j++)
        ((Packet *) g_ptr_array_index (c->packets, j))->used = TRUE;
    }

  ack = client_emit_ack_node (alice, "private", to_bob);
  g_assert_true (json_object_get_boolean_member (ack, "ok"));
  assert_message (json_object_get_object_member (ack, "message"), "private", "alice", "bob", "psst bob");
  assert_message (wait_event_object (alice, "message"), "private", "alice", "bob", "psst bob");
  assert_message (wait_event_object (bob, "message"), "private", "alice", "bob", "psst bob");

  ack = client_emit_ack_node (alice, "private", to_ursula);
  g_assert_true (json_object_get_boolean_member (ack, "ok"));
  assert_message (wait_event_object (alice, "message"), "private", "alice", "ursula", "psst ursula");
  assert_event (usr, "updatechat", "[\"alice (private)\",\"psst ursula\"]");
  assert_event (usr, "updateChat", "[\"alice (private)\",\"psst ursula\"]");

  ack = client_emit_ack_node (alice, "private", to_dora);
  g_assert_true (json_object_get_boolean_member (ack, "ok"));
  assert_message (wait_event_object (alice, "message"), "private", "alice", "dora", "psst dora");
  assert_event (demo, "new message", "[{\"username\":\"alice (private)\",\"message\":\"psst dora\"}]");

  ack = client_emit_ack_node (alice, "private", to_guest);
  g_assert_true (json_object_get_boolean_member (ack, "ok"));
  assert_message (wait_event_object (alice, "message"), "private", "alice", "guest-1", "psst guest");
  assert_event (tut, "chat message", "[\"(private) alice: psst guest\"]");

  /* The host, privately. */
  host_say_ (f, "carol", "psst carol");
  assert_message (wait_event_object (carol, "message"), "private", "Host", "carol", "psst carol");

  /* Nobody else saw any of it. */
  assert_quiet (alice);
  assert_quiet (bob);
  assert_quiet (carol);
  assert_quiet (usr);
  assert_quiet (demo);
  assert_quiet (lurker);
  assert_quiet (tut);
}

/* ---------------------------------------------------------------------------------------- */
/* History                                                                                   */

static void
test_history_replay (HostFixture   *f,
                     gconstpointer  data)
{
  g_autoptr(JsonNode) to_bob = json_from_string ("{\"to\":\"bob\",\"text\":\"p1\"}", NULL);
  JsonObject *welcome;
  JsonArray *history;
  Client *alice;
  Client *bob;
  Client *c;

  /* h1 (host), a1 (alice), p1 (alice to bob, private). */
  host_say_ (f, NULL, "h1");
  alice = tincan_join (f, "alice", NULL);
  bob = tincan_join (f, "bob", NULL);
  g_assert_true (json_object_get_boolean_member (client_emit_ack (alice, "message", "a1"), "ok"));
  g_assert_true (json_object_get_boolean_member (client_emit_ack_node (alice, "private", to_bob), "ok"));
  client_close (alice);
  client_close (bob);
  WAIT_FOR (n_users (f) == 1);

  /* Tincan: in the welcome, private lines only for their parties. */
  c = tincan_join (f, "bob", &welcome);
  history = json_object_get_array_member (welcome, "history");
  g_assert_cmpuint (json_array_get_length (history), ==, 3);
  assert_message (json_array_get_object_element (history, 0), "chat", "Host", NULL, "h1");
  assert_message (json_array_get_object_element (history, 1), "chat", "alice", NULL, "a1");
  assert_message (json_array_get_object_element (history, 2), "private", "alice", "bob", "p1");
  client_close (c);
  WAIT_GONE (f, "bob");

  /* Someone else taking the nickname "bob" (another key, or none) gets no private line. */
  c = client_join (f, "bob", NULL, "{\"client\":\"tincan\",\"nick\":\"bob\",\"key\":\"someone-else-entirely\"}");
  welcome = wait_event_object (c, "welcome");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (welcome, "history")), ==, 2);
  client_close (c);
  WAIT_GONE (f, "bob");
  c = client_join (f, "bob", NULL, "{\"client\":\"tincan\",\"nick\":\"bob\"}");
  welcome = wait_event_object (c, "welcome");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (welcome, "history")), ==, 2);
  client_close (c);
  WAIT_GONE (f, "bob");

  c = tincan_join (f, "carol", &welcome);
  history = json_object_get_array_member (welcome, "history");
  g_assert_cmpuint (json_array_get_length (history), ==, 2);
  assert_message (json_array_get_object_element (history, 0), "chat", "Host", NULL, "h1");
  assert_message (json_array_get_object_element (history, 1), "chat", "alice", NULL, "a1");

  /* Undecided: both events, no private lines. */
  c = client_join (f, "lurker", NULL, NULL);
  assert_event (c, "chat message", "[\"Host: h1\"]");
  assert_event (c, "chat", "[\"Host: h1\"]");
  assert_event (c, "chat message", "[\"alice: a1\"]");
  assert_event (c, "chat", "[\"alice: a1\"]");
  assert_quiet (c);

  /* Usernames, after its adduser: a client without a key proves nothing, so alice's private
   * line is not replayed to whoever now calls themselves alice. */
  c = client_join (f, "usernames", NULL, NULL);
  assert_event (c, "chat message", "[\"Host: h1\"]");
  assert_event (c, "chat message", "[\"alice: a1\"]");
  client_emit (c, "adduser", "alice");
  assert_updatechat (c, "SERVER", "you have connected");
  assert_updateusers (c, "[{\"Host\":\"Host\",\"carol\":\"carol\",\"alice\":\"alice\"}]");
  assert_updatechat (c, "Host", "h1");
  assert_updatechat (c, "alice", "a1");
  for (guint i = 0; i < c->packets->len; i++)
    {
      g_assert_null (strstr (((Packet *) g_ptr_array_index (c->packets, i))->raw, "p1"));
      ((Packet *) g_ptr_array_index (c->packets, i))->used = TRUE;
    }
  assert_quiet (c);

  /* Demo, after its add user. */
  c = client_join (f, "demo", NULL, NULL);
  client_emit (c, "add user", "dave");
  (void) wait_event_object (c, "login");
  assert_event (c, "new message", "[{\"username\":\"Host\",\"message\":\"h1\"}]");
  assert_event (c, "new message", "[{\"username\":\"alice\",\"message\":\"a1\"}]");
  for (guint i = 0; i < c->packets->len; i++)
    ((Packet *) g_ptr_array_index (c->packets, i))->used = TRUE;
  assert_quiet (c);

  /* The last N only. */
  tincan_room_set_history_length (f->room, 1);
  c = tincan_join (f, "erin", &welcome);
  history = json_object_get_array_member (welcome, "history");
  g_assert_cmpuint (json_array_get_length (history), ==, 1);
  assert_message (json_array_get_object_element (history, 0), "chat", "alice", NULL, "a1");

  /* History 0: nothing, in any dialect. */
  tincan_room_set_history_length (f->room, 0);
  c = tincan_join (f, "frank", &welcome);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (welcome, "history")), ==, 0);
  c = client_join (f, "lurker-2", NULL, NULL);
  assert_quiet (c);
  client_emit (c, "add user", "gina");
  (void) wait_event_object (c, "login");
  assert_quiet (c);
}

/* ---------------------------------------------------------------------------------------- */
/* Acknowledgements                                                                          */

static void
test_ack_after_store (HostFixture   *f,
                      gconstpointer  data)
{
  Client *kim = tincan_join (f, "kim", NULL);
  Client *tut = client_join (f, "tutorial", NULL, NULL);
  Client *usr = client_join (f, "usernames", NULL, NULL);
  Client *demo = client_join (f, "demo", NULL, NULL);
  JsonObject *ack;
  JsonObject *m;

  client_emit (usr, "adduser", "ursula");
  assert_event (usr, "updatechat", "[\"SERVER\",\"you have connected\"]");
  client_emit (demo, "add user", "dora");
  (void) wait_event_object (demo, "login");

  ack = client_emit_ack (kim, "message", "k");
  g_assert_true (json_object_get_boolean_member (ack, "ok"));
  m = json_object_get_object_member (ack, "message");
  assert_message (m, "chat", "kim", NULL, "k");
  g_assert_true (is_stored (f, json_object_get_int_member (m, "id"), NULL));

  ack = client_emit_ack (tut, "chat message", "t");
  g_assert_true (json_object_get_boolean_member (ack, "ok"));
  m = json_object_get_object_member (ack, "message");
  assert_message (m, "chat", "guest-1", NULL, "t");
  g_assert_true (is_stored (f, json_object_get_int_member (m, "id"), NULL));

  ack = client_emit_ack (usr, "sendchat", "u");
  g_assert_true (json_object_get_boolean_member (ack, "ok"));
  m = json_object_get_object_member (ack, "message");
  assert_message (m, "chat", "ursula", NULL, "u");
  g_assert_true (is_stored (f, json_object_get_int_member (m, "id"), NULL));

  ack = client_emit_ack (demo, "new message", "d");
  g_assert_true (json_object_get_boolean_member (ack, "ok"));
  m = json_object_get_object_member (ack, "message");
  assert_message (m, "chat", "dora", NULL, "d");
  g_assert_true (is_stored (f, json_object_get_int_member (m, "id"), NULL));

  /* A tutorial client's refusal comes in the ack when it asked for one, not as a line. */
  ack = client_emit_ack (tut, "chat message", " ");
  g_assert_false (json_object_get_boolean_member (ack, "ok"));
  g_assert_cmpstr (json_object_get_string_member (ack, "error"), ==, "empty");
}

static void
test_storage_failure (HostFixture   *f,
                      gconstpointer  data)
{
  Client *kim = tincan_join (f, "kim", NULL);
  Client *bob = tincan_join (f, "bob", NULL);
  Client *tut = client_join (f, "tutorial", NULL, NULL);
  g_autoptr(GError) error = NULL;
  JsonObject *ack;

  (void) wait_event_object (kim, "user-joined");
  client_emit (tut, "chat message", "joined");
  assert_user (wait_event_object (kim, "user-joined"), "guest-1", "tutorial", FALSE);
  assert_user (wait_event_object (bob, "user-joined"), "guest-1", "tutorial", FALSE);
  assert_message (wait_event_object (bob, "message"), "chat", "guest-1", NULL, "joined");
  assert_message (wait_event_object (kim, "message"), "chat", "guest-1", NULL, "joined");
  assert_event (tut, "chat message", "[\"joined\"]");

  /* The disk refuses: nothing is sent, the author is told. */
  g_assert_true (_tincan_history_exec (f->history, "PRAGMA query_only = 1", &error));
  g_assert_no_error (error);
  ack = client_emit_ack (kim, "message", "lost");
  g_assert_false (json_object_get_boolean_member (ack, "ok"));
  g_assert_cmpstr (json_object_get_string_member (ack, "error"), ==, "storage");
  g_assert_cmpstr (json_object_get_string_member (ack, "message"), ==,
                   "The host could not store your message: its history file is read-only");
  g_assert_nonnull (strstr (tincan_host_get_storage_error (f->host), "readonly"));
  client_emit (tut, "chat message", "lost too");
  {
    Packet *p = client_wait (tut, PACKET_EVENT, "chat message", -1);
    JsonArray *args = json_node_get_array (p->payload);

    g_assert_true (g_str_has_prefix (json_array_get_string_element (args, 1), "Server: "));
  }
  assert_quiet (bob);
  assert_quiet (kim);
  assert_quiet (tut);

  g_assert_true (_tincan_history_exec (f->history, "PRAGMA query_only = 0", &error));
  ack = client_emit_ack (kim, "message", "kept");
  g_assert_true (json_object_get_boolean_member (ack, "ok"));
  assert_message (wait_event_object (bob, "message"), "chat", "kim", NULL, "kept");
  g_assert_null (tincan_host_get_storage_error (f->host));
}

/* ---------------------------------------------------------------------------------------- */
/* Passcode, flood, kick, ban                                                                */

static const HostConfig passcode_config = { .passcode = "sesame" };

static void collect_log (TincanHost *host,
                         const char *line,
                         GPtrArray  *lines);

static void
test_passcode (HostFixture   *f,
               gconstpointer  data)
{
  g_autoptr(GPtrArray) log = g_ptr_array_new_with_free_func (g_free);
  Client *c;
  const char *message;

  g_signal_connect (f->host, "log", G_CALLBACK (collect_log), log);
  message = assert_refused (client_open (f, "none", NULL), "{\"client\":\"tincan\",\"nick\":\"alice\"}",
                            "passcode");
  g_assert_cmpstr (message, ==, "This room needs a passcode");
  message = assert_refused (client_open (f, "wrong", NULL),
                            "{\"client\":\"tincan\",\"nick\":\"alice\",\"passcode\":\"sesam\"}",
                            "passcode");
  g_assert_cmpstr (message, ==, "Wrong passcode");
  assert_refused (client_open (f, "longer", NULL),
                  "{\"client\":\"tincan\",\"nick\":\"alice\",\"passcode\":\"sesame!\"}", "passcode");
  assert_refused (client_open (f, "number", NULL),
                  "{\"client\":\"tincan\",\"nick\":\"alice\",\"passcode\":1}", "passcode");
  c = client_join (f, "alice", NULL,
                   "{\"client\":\"tincan\",\"nick\":\"alice\",\"passcode\":\"sesame\"}");
  (void) wait_event_object (c, "welcome");

  /* Tutorial clients: in the URL. */
  assert_refused (client_open (f, "tutorial", NULL), NULL, "passcode");
  assert_refused (client_open (f, "tutorial", "passcode=nope"), NULL, "passcode");
  c = client_join (f, "tutorial", "passcode=sesame", NULL);
  client_emit (c, "chat message", "in");
  assert_event (c, "chat message", "[\"in\"]");
  /* Or in an auth payload, for clients that can send one. */
  c = client_join (f, "demo", NULL, "{\"passcode\":\"sesame\"}");
  client_emit (c, "add user", "dora");
  (void) wait_event_object (c, "login");

  g_assert_cmpuint (n_users (f), ==, 4);

  /* Refusals are logged, passcodes (right or wrong) never. */
  g_assert_cmpuint (log->len, >, 0);
  for (guint i = 0; i < log->len; i++)
    g_assert_null (strstr (g_ptr_array_index (log, i), "sesam"));
  g_signal_handlers_disconnect_by_data (f->host, log);
}

static void
test_flood (HostFixture   *f,
            gconstpointer  data)
{
  Client *kim;
  Client *bob;
  Client *tut;
  Client *demo;
  JsonObject *ack;

  tincan_room_set_flood_limit (f->room, 3, 60);
  kim = tincan_join (f, "kim", NULL);
  bob = tincan_join (f, "bob", NULL);
  tut = client_join (f, "tutorial", NULL, NULL);
  demo = client_join (f, "demo", NULL, NULL);
  client_emit (demo, "add user", "dora");
  (void) wait_event_object (demo, "login");
  client_sync (kim);
  for (guint i = 0; i < kim->packets->len; i++)
    ((Packet *) g_ptr_array_index (kim->packets, i))->used = TRUE;
  client_sync (bob);
  for (guint i = 0; i < bob->packets->len; i++)
    ((Packet *) g_ptr_array_index (bob->packets, i))->used = TRUE;

  /* Tincan: the error is in the ack, to the offender only. */
  for (guint i = 0; i < 3; i++)
    {
      ack = client_emit_ack (kim, "message", "k");
      g_assert_true (json_object_get_boolean_member (ack, "ok"));
      assert_message (wait_event_object (bob, "message"), "chat", "kim", NULL, "k");
      assert_message (wait_event_object (kim, "message"), "chat", "kim", NULL, "k");
      assert_event (tut, "chat message", "[\"kim: k\"]");
      assert_event (tut, "chat", "[\"kim: k\"]");
      assert_event (demo, "new message", "[{\"username\":\"kim\",\"message\":\"k\"}]");
    }
  ack = client_emit_ack (kim, "message", "k");
  g_assert_false (json_object_get_boolean_member (ack, "ok"));
  g_assert_cmpstr (json_object_get_string_member (ack, "error"), ==, "flood");
  g_assert_nonnull (strstr (json_object_get_string_member (ack, "message"), "3"));

  /* A tutorial client asks for no ack: it gets the error as a line, in its own dialect. */
  for (guint i = 0; i < 3; i++)
    {
      client_emit (tut, "chat message", "t");
      assert_event (tut, "chat message", "[\"t\"]");
      assert_message (wait_event_object (bob, "message"), "chat", "guest-1", NULL, "t");
      assert_message (wait_event_object (kim, "message"), "chat", "guest-1", NULL, "t");
      assert_event (demo, "new message", "[{\"username\":\"guest-1\",\"message\":\"t\"}]");
    }
  assert_user (wait_event_object (bob, "user-joined"), "guest-1", "tutorial", FALSE);
  assert_user (wait_event_object (kim, "user-joined"), "guest-1", "tutorial", FALSE);
  assert_event (demo, "user joined", "[{\"username\":\"guest-1\",\"numUsers\":5}]");
  client_emit (tut, "chat message", "t");
  {
    Packet *p = client_wait (tut, PACKET_EVENT, "chat message", -1);
    JsonArray *args = json_node_get_array (p->payload);

    g_assert_true (g_str_has_prefix (json_array_get_string_element (args, 1), "Server: Slow down"));
  }

  /* The demo: a "new message" from Server. */
  for (guint i = 0; i < 3; i++)
    {
      client_emit (demo, "new message", "d");
      assert_message (wait_event_object (bob, "message"), "chat", "dora", NULL, "d");
      assert_message (wait_event_object (kim, "message"), "chat", "dora", NULL, "d");
      assert_event (tut, "chat message", "[\"dora: d\"]");
    }
  client_emit (demo, "new message", "d");
  {
    JsonObject *o = wait_event_object (demo, "new message");

    g_assert_cmpstr (json_object_get_string_member (o, "username"), ==, "Server");
    g_assert_true (g_str_has_prefix (json_object_get_string_member (o, "message"), "Slow down"));
  }

  /* Nobody else heard of any refusal, and the refused messages went nowhere. */
  assert_quiet (bob);
  assert_quiet (kim);
  assert_quiet (demo);
  assert_quiet (tut);
}

static void
test_kick (HostFixture   *f,
           gconstpointer  data)
{
  Client *alice = tincan_join (f, "alice", NULL);
  Client *bob = tincan_join (f, "bob", NULL);
  Client *tut = client_join (f, "tutorial", NULL, NULL);
  Client *usr = client_join (f, "usernames", NULL, NULL);
  Packet *kicked = NULL;
  guint kicked_index = 0;

  (void) wait_event_object (alice, "user-joined");
  client_emit (tut, "chat message", "hi");
  assert_event (tut, "chat message", "[\"hi\"]");
  client_emit (usr, "adduser", "ursula");
  assert_event (usr, "updatechat", "[\"SERVER\",\"you have connected\"]");
  assert_event (usr, "updatechat", "[\"guest-1\",\"hi\"]");   /* the history */
  WAIT_PRESENT (f, "ursula");

  /* Tincan: told first, then disconnected. */
  tincan_room_kick (f->room, user (f, "alice"), FALSE);
  sio_test_client_wait_closed (alice->sc);
  client_pump (alice);
  for (guint i = 0; i < alice->packets->len; i++)
    if (g_strcmp0 (event_name (g_ptr_array_index (alice->packets, i)), "kicked") == 0)
      {
        kicked = g_ptr_array_index (alice->packets, i);
        kicked_index = i;
      }
  g_assert_nonnull (kicked);
  g_assert_cmpstr (strchr (kicked->raw, '['), ==, "[\"kicked\",{\"banned\":false}]");
  for (guint i = kicked_index + 1; i < alice->packets->len; i++)
    g_assert_cmpint (((Packet *) g_ptr_array_index (alice->packets, i))->type, !=, PACKET_EVENT);
  assert_user (wait_event_object (bob, "user-joined"), "guest-1", "tutorial", FALSE);
  assert_user (wait_event_object (bob, "user-joined"), "ursula", "tutorial", FALSE);
  assert_user (wait_event_object (bob, "user-left"), "alice", "browser", FALSE);
  assert_event (usr, "updatechat", "[\"SERVER\",\"alice has disconnected\"]");
  g_assert_null (tincan_room_lookup_nick (f->room, "alice"));

  /* Tutorial dialects: disconnected. */
  tincan_room_kick (f->room, user (f, "guest-1"), FALSE);
  sio_test_client_wait_closed (tut->sc);
  tincan_room_kick (f->room, user (f, "ursula"), FALSE);
  sio_test_client_wait_closed (usr->sc);
  WAIT_FOR (n_users (f) == 2);
  assert_user (wait_event_object (bob, "user-left"), "guest-1", "tutorial", FALSE);
  assert_user (wait_event_object (bob, "user-left"), "ursula", "tutorial", FALSE);

  /* Not banned: alice may come back. */
  alice = tincan_join (f, "alice", NULL);
  assert_user (wait_event_object (bob, "user-joined"), "alice", "browser", FALSE);

}

static const HostConfig on_disk_config = { .on_disk = TRUE };

static void
test_ban_restart (HostFixture   *f,
                  gconstpointer  data)
{
  Client *alice = tincan_join (f, "alice", NULL);
  Client *bob = tincan_join (f, "bob", NULL);
  Client *c;
  Packet *kicked = NULL;
  g_autoptr(GError) error = NULL;

  (void) wait_event_object (alice, "user-joined");
  tincan_room_kick (f->room, user (f, "alice"), TRUE);
  sio_test_client_wait_closed (alice->sc);
  client_pump (alice);
  for (guint i = 0; i < alice->packets->len; i++)
    if (g_strcmp0 (event_name (g_ptr_array_index (alice->packets, i)), "kicked") == 0)
      kicked = g_ptr_array_index (alice->packets, i);
  g_assert_nonnull (kicked);
  g_assert_cmpstr (strchr (kicked->raw, '['), ==, "[\"kicked\",{\"banned\":true}]");
  assert_user (wait_event_object (bob, "user-left"), "alice", "browser", FALSE);

  /* Banned by nickname and by address: everyone on 127.0.0.1 is out now, bob stays. */
  assert_tincan_refused (f, "ALICE", "banned");
  assert_tincan_refused (f, "carol", "banned");
  assert_refused (client_open (f, "tutorial", NULL), NULL, "banned");
  assert_quiet (bob);

  /* A restart on the same file. */
  host_stop (f);
  host_start (f);
  assert_tincan_refused (f, "alice", "banned");
  assert_refused (client_open (f, "tutorial", NULL), NULL, "banned");

  /* Lift the address ban: the nickname stays banned, in every dialect. */
  g_assert_true (tincan_history_remove_ban (f->history, "address", "127.0.0.1", &error));
  g_assert_no_error (error);
  assert_tincan_refused (f, "Alice", "banned");
  c = client_join (f, "usernames", NULL, NULL);
  client_emit (c, "adduser", "alice");
  {
    Packet *p = client_wait (c, PACKET_EVENT, "updatechat", -1);
    JsonArray *args = json_node_get_array (p->payload);

    g_assert_cmpstr (json_array_get_string_element (args, 1), ==, "SERVER");
    g_assert_nonnull (strstr (json_array_get_string_element (args, 2), "banned"));
  }
  c = client_join (f, "demo", NULL, NULL);
  client_emit (c, "add user", "ALICE");
  {
    JsonObject *o = wait_event_object (c, "new message");

    g_assert_cmpstr (json_object_get_string_member (o, "username"), ==, "Server");
    g_assert_nonnull (strstr (json_object_get_string_member (o, "message"), "banned"));
  }
  g_assert_null (tincan_room_lookup_nick (f->room, "alice"));

  c = tincan_join (f, "carol", NULL);
  g_assert_cmpuint (n_users (f), ==, 2);
}

/* The room's log ("user-left") says why someone left: "kicked" or "banned", not how the
 * connection happened to end. */
static void
test_leave_reason (HostFixture   *f,
                   gconstpointer  data)
{
  Client *alice = tincan_join (f, "alice", NULL);
  Client *tut = client_join (f, "tutorial", NULL, NULL);
  Client *bob = tincan_join (f, "bob", NULL);

  client_emit (tut, "chat message", "hi");
  assert_event (tut, "chat message", "[\"hi\"]");

  tincan_room_kick (f->room, user (f, "alice"), FALSE);
  sio_test_client_wait_closed (alice->sc);
  tincan_room_kick (f->room, user (f, "guest-1"), FALSE);
  sio_test_client_wait_closed (tut->sc);
  tincan_room_kick (f->room, user (f, "bob"), TRUE);
  sio_test_client_wait_closed (bob->sc);

  g_assert_cmpuint (f->left_reasons->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (f->left_reasons, 0), ==, "alice kicked");
  g_assert_cmpstr (g_ptr_array_index (f->left_reasons, 1), ==, "guest-1 kicked");
  g_assert_cmpstr (g_ptr_array_index (f->left_reasons, 2), ==, "bob banned");
}

static void
test_post_source (HostFixture   *f,
                  gconstpointer  data)
{
  HostPosted posted = { .host = f->host };

  /* GIO convention: the callback's source object is the object the _async call was made on. */
  tincan_host_post_async (f->host, NULL, "hello", NULL, host_posted_cb, &posted);
  WAIT_FOR (posted.done);
  g_assert_no_error (posted.error);
  g_assert_nonnull (posted.message);
  g_clear_object (&posted.message);
  g_assert_true (posted.source == (GObject *) f->host);
}

static void
collect_log (TincanHost *host,
             const char *line,
             GPtrArray  *lines)
{
  g_ptr_array_add (lines, g_strdup (line));
}

static guint
count_log (GPtrArray  *lines,
           const char *prefix)
{
  guint n = 0;

  for (guint i = 0; i < lines->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (lines, i), prefix))
      n++;
  return n;
}

static void
on_host_storage_error (TincanHost *host,
                       GParamSpec *pspec,
                       guint      *n_notifies)
{
  (*n_notifies)++;
}

/* The disk fills up mid-chat: the message that does not fit is refused to its sender and seen
 * by nobody, the host is told once, what was acknowledged before is kept, and the room carries
 * on once there is room again.
 *
 * PRAGMA max_page_count caps the file at its current size, so SQLite fails the insert with
 * SQLITE_FULL, the code a write() failing with ENOSPC gives; filling a real file system would
 * need one mounted for the test (root, and not in every CI). A full disk at COMMIT, through a
 * VFS that fails writes past the end of a file, is in tests/test-history.c. 4000 "€" are 12 000
 * bytes: overflow pages the capped file cannot get, however much room its last page has. */
static void
test_storage_full (HostFixture   *f,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) log = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) recent = NULL;
  g_autoptr(GString) big = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  HostPosted posted = { 0 };
  guint n_notifies = 0;
  Client *kim;
  Client *bob;
  JsonObject *ack;

  g_signal_connect (f->host, "log", G_CALLBACK (collect_log), log);
  g_signal_connect (f->host, "notify::storage-error", G_CALLBACK (on_host_storage_error),
                    &n_notifies);
  kim = tincan_join (f, "kim", NULL);
  bob = tincan_join (f, "bob", NULL);
  (void) wait_event_object (kim, "user-joined");

  ack = client_emit_ack (kim, "message", "before");
  g_assert_true (json_object_get_boolean_member (ack, "ok"));
  assert_message (wait_event_object (bob, "message"), "chat", "kim", NULL, "before");
  assert_message (wait_event_object (kim, "message"), "chat", "kim", NULL, "before");

  g_assert_true (_tincan_history_exec (f->history, "PRAGMA max_page_count = 1", &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 4000; i++)
    g_string_append (big, "€");
  ack = client_emit_ack (kim, "message", big->str);
  g_assert_false (json_object_get_boolean_member (ack, "ok"));
  g_assert_cmpstr (json_object_get_string_member (ack, "error"), ==, "storage");
  g_assert_cmpstr (json_object_get_string_member (ack, "message"), ==,
                   "The host could not store your message: its disk is full");
  g_assert_nonnull (strstr (tincan_host_get_storage_error (f->host), "full"));
  g_assert_cmpuint (n_notifies, ==, 1);
  g_assert_cmpuint (count_log (log, "Messages cannot be stored, so none are sent: "), ==, 1);

  /* Still full: the host's own message is refused too, and the host told no second time. */
  posted.host = f->host;
  tincan_host_post_async (f->host, NULL, big->str, NULL, host_posted_cb, &posted);
  WAIT_FOR (posted.done);
  g_assert_null (posted.message);
  g_assert_error (posted.error, TINCAN_ERROR, TINCAN_ERROR_STORAGE);
  g_clear_error (&posted.error);
  g_assert_cmpuint (count_log (log, "Messages cannot be stored"), ==, 1);
  assert_quiet (bob);
  assert_quiet (kim);

  /* Room again. */
  g_assert_true (_tincan_history_exec (f->history, "PRAGMA max_page_count = 1000000", &error));
  g_assert_no_error (error);
  ack = client_emit_ack (kim, "message", "after");
  g_assert_true (json_object_get_boolean_member (ack, "ok"));
  assert_message (wait_event_object (bob, "message"), "chat", "kim", NULL, "after");
  g_assert_null (tincan_host_get_storage_error (f->host));
  g_assert_cmpuint (n_notifies, ==, 2);
  g_assert_cmpuint (count_log (log, "Messages are stored again"), ==, 1);

  /* After a restart: everything acknowledged, nothing refused. */
  host_stop (f);
  host_start (f);
  recent = tincan_history_load_recent (f->history, 100, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (recent->len, ==, 2);
  g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (recent, 0)), ==, "before");
  g_assert_cmpstr (tincan_message_get_text (g_ptr_array_index (recent, 1)), ==, "after");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, config) \
  g_test_add ("/tincan/host/" path, HostFixture, config, host_setup, func, host_teardown)

  ADD ("tincan/welcome", test_tincan_welcome, NULL);
  ADD ("tincan/refusals", test_tincan_refusals, NULL);
  ADD ("tincan/errors", test_tincan_errors, NULL);
  ADD ("dialects/cross", test_cross_dialect, NULL);
  ADD ("dialects/undecided", test_undecided, NULL);
  ADD ("dialects/usernames", test_usernames, NULL);
  ADD ("dialects/demo", test_demo, NULL);
  ADD ("dialects/private", test_private, NULL);
  ADD ("history/replay", test_history_replay, NULL);
  ADD ("ack/after-store", test_ack_after_store, NULL);
  ADD ("ack/storage-failure", test_storage_failure, NULL);
  ADD ("ack/storage-full", test_storage_full, &on_disk_config);
  ADD ("limits/passcode", test_passcode, &passcode_config);
  ADD ("limits/flood", test_flood, NULL);
  ADD ("moderation/kick", test_kick, NULL);
  ADD ("moderation/ban-restart", test_ban_restart, &on_disk_config);
  ADD ("moderation/leave-reason", test_leave_reason, NULL);
  ADD ("api/post-source", test_post_source, NULL);
  ADD ("api/rename-seen", test_tincan_rename_seen, NULL);

  return g_test_run ();
}
