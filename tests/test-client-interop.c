/* test-client-interop.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* The client half of sio/ against the real Node socket.io server (tests/interop-client/
 * server.mjs, socket.io as pinned in its package-lock.json), over polling, WebSocket and an
 * upgrade: namespaces, auth and a refusing middleware, acks both ways, binary both ways, rooms,
 * a kick and connection state recovery.
 *
 * The packages come from `npm ci --prefix tests/interop-client`; without them this test fails
 * with that instruction, it never skips. The server is found through $INTEROP_CLIENT_DIR (set
 * by meson) and node through $NODE or $PATH. */

#include "config.h"

#include <string.h>

#include "test-utils.h"
#include "sio-client-private.h"
#include "sio-client-transport-private.h"

#define PINNED_SOCKET_IO "4.8.4"

typedef struct
{
  const char          *name;
  SioEngineTransports  transports;
  gboolean             upgrade;
} Mode;

static const Mode modes[] = {
  { "polling", SIO_ENGINE_TRANSPORT_POLLING, FALSE },
  { "websocket", SIO_ENGINE_TRANSPORT_WEBSOCKET, FALSE },
  { "upgrade", SIO_ENGINE_TRANSPORT_POLLING | SIO_ENGINE_TRANSPORT_WEBSOCKET, TRUE },
};

/* ---- The Node server, one for the whole run --------------------------------------------- */

static struct
{
  GSubprocess *process;
  guint16      port;
  char        *line;
  gboolean     line_done;
} node_server;

static char *
interop_dir (void)
{
  const char *dir = g_getenv ("INTEROP_CLIENT_DIR");

  if (dir != NULL)
    return g_strdup (dir);
  return g_test_build_filename (G_TEST_DIST, "interop-client", NULL);
}

/* Why the server cannot run, or NULL when it can. */
static char *
check_dependencies (const char *dir)
{
  static const char *fix = "run `npm ci --prefix tests/interop-client` (from the source tree root) "
                           "to install the pinned socket.io from tests/interop-client/package-lock.json";
  g_autofree char *manifest = g_build_filename (dir, "node_modules", "socket.io", "package.json", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(JsonNode) root = NULL;
  const char *version = NULL;

  if (!g_file_test (manifest, G_FILE_TEST_EXISTS))
    return g_strdup_printf ("%s/node_modules/socket.io is missing: %s", dir, fix);

  if (g_file_get_contents (manifest, &contents, NULL, NULL))
    root = sio_json_from_string (contents, -1, NULL);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    version = json_object_get_string_member_with_default (json_node_get_object (root), "version", NULL);
  if (g_strcmp0 (version, PINNED_SOCKET_IO) != 0)
    return g_strdup_printf ("%s/node_modules/socket.io is %s, not the pinned " PINNED_SOCKET_IO ": %s",
                            dir, version ? version : "unreadable", fix);
  return NULL;
}

static void
on_line (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  node_server.line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result,
                                                                NULL, NULL);
  node_server.line_done = TRUE;
}

static char *
start_node_server (void)
{
  g_autofree char *dir = interop_dir ();
  g_autofree char *node = NULL;
  g_autofree char *missing = check_dependencies (dir);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;

  if (missing != NULL)
    return g_steal_pointer (&missing);

  node = g_strdup (g_getenv ("NODE"));
  if (node == NULL || node[0] == '\0')
    {
      g_free (node);
      node = g_find_program_in_path ("node");
    }
  if (node == NULL)
    return g_strdup ("node was not found: install Node.js 20 or set $NODE");

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_cwd (launcher, dir);
  node_server.process = g_subprocess_launcher_spawn (launcher, &error, node, "server.mjs", NULL);
  if (node_server.process == NULL)
    return g_strdup_printf ("could not run %s server.mjs: %s", node, error->message);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (node_server.process));
  g_data_input_stream_read_line_async (out, G_PRIORITY_DEFAULT, NULL, on_line, NULL);
  WAIT_FOR (node_server.line_done);

  if (node_server.line == NULL || !g_str_has_prefix (node_server.line, "listening on "))
    return g_strdup_printf ("server.mjs did not start (it printed \"%s\")",
                            node_server.line ? node_server.line : "nothing");

  node_server.port = (guint16) g_ascii_strtoull (node_server.line + strlen ("listening on "), NULL, 10);
  g_test_message ("socket.io " PINNED_SOCKET_IO " listening on port %u", node_server.port);
  return NULL;
}

static void
on_exited (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *(gboolean *) user_data = TRUE;
}

static void
stop_node_server (void)
{
  gboolean exited = FALSE;
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  guint wakeup;

  if (node_server.process == NULL)
    return;

  /* server.mjs exits when its standard input closes; it is killed if it does not. */
  g_subprocess_wait_async (node_server.process, NULL, on_exited, &exited);
  g_output_stream_close (g_subprocess_get_stdin_pipe (node_server.process), NULL, NULL);
  wakeup = g_timeout_add (100, test_wakeup_cb, NULL);
  while (!exited && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wakeup);
  if (!exited)
    {
      g_subprocess_force_exit (node_server.process);
      WAIT_FOR (exited);
    }
  g_clear_object (&node_server.process);
  g_clear_pointer (&node_server.line, g_free);
}

/* ---- Client side ------------------------------------------------------------------------ */

typedef struct
{
  SioManager      *manager;
  SioClientSocket *socket;
  guint            n_connect;
  guint            n_connect_error;
  guint            n_disconnect;
  char            *reason;
  GError          *connect_error;
  JsonNode        *connect_error_data;
  GPtrArray       *events;          /* SioClientEvent * */
} Client;

static void
on_connect (SioClientSocket *socket,
            Client          *c)
{
  c->n_connect++;
}

static void
on_connect_error (SioClientSocket *socket,
                  const GError    *error,
                  JsonNode        *data,
                  Client          *c)
{
  c->n_connect_error++;
  g_clear_error (&c->connect_error);
  c->connect_error = g_error_copy (error);
  g_clear_pointer (&c->connect_error_data, json_node_unref);
  c->connect_error_data = data ? json_node_copy (data) : NULL;
}

static void
on_disconnect (SioClientSocket *socket,
               const char      *reason,
               const GError    *error,
               Client          *c)
{
  g_test_message ("disconnect: %s", reason);
  c->n_disconnect++;
  g_free (c->reason);
  c->reason = g_strdup (reason);
}

static void
on_event (SioClientSocket *socket,
          SioClientEvent  *event,
          Client          *c)
{
  g_ptr_array_add (c->events, sio_client_event_ref (event));
}

/* The client side of "ask": answer {"answer": <payload>, "bin": <bytes>}. */
static void
on_question (SioClientSocket *socket,
             SioClientEvent  *event,
             gpointer         user_data)
{
  g_autoptr(JsonArray) args = json_array_new ();
  g_autoptr(JsonObject) answer = json_object_new ();
  g_autoptr(GPtrArray) attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  g_assert_true (sio_client_event_wants_ack (event));
  json_object_set_member (answer, "answer", json_node_ref (sio_client_event_get_arg (event, 0)));
  json_object_set_member (answer, "bin", sio_packet_new_placeholder (0));
  g_ptr_array_add (attachments, g_bytes_new_static ("\x01\x02\x03", 3));
  json_array_add_object_element (args, g_steal_pointer (&answer));
  sio_client_event_ack (event, args, attachments);
}

static Client *
client_new (const Mode *mode,
            const char *nsp)
{
  g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%u", node_server.port);
  Client *c = g_new0 (Client, 1);

  c->manager = sio_manager_new (uri);
  sio_manager_set_transports (c->manager, mode->transports);
  sio_manager_set_upgrade (c->manager, mode->upgrade);
  sio_manager_set_reconnection_delay (c->manager, 20);
  sio_manager_set_reconnection_delay_max (c->manager, 100);
  c->socket = sio_manager_socket (c->manager, nsp);
  c->events = g_ptr_array_new_with_free_func ((GDestroyNotify) sio_client_event_unref);
  g_signal_connect (c->socket, "connect", G_CALLBACK (on_connect), c);
  g_signal_connect (c->socket, "connect-error", G_CALLBACK (on_connect_error), c);
  g_signal_connect (c->socket, "disconnect", G_CALLBACK (on_disconnect), c);
  g_signal_connect (c->socket, "event", G_CALLBACK (on_event), c);
  g_signal_connect (c->socket, "event::question", G_CALLBACK (on_question), c);
  return c;
}

static void
client_free (Client *c)
{
  if (c->socket != NULL)
    {
      sio_client_socket_disconnect (c->socket);
      g_signal_handlers_disconnect_by_data (c->socket, c);
      g_ptr_array_set_size (c->events, 0);
      g_assert_finalize_object (c->socket);
    }
  g_assert_finalize_object (c->manager);
  g_clear_pointer (&c->events, g_ptr_array_unref);
  g_clear_pointer (&c->connect_error_data, json_node_unref);
  g_clear_error (&c->connect_error);
  g_free (c->reason);
  g_free (c);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Client, client_free)

static void
client_connect (Client     *c,
                const Mode *mode)
{
  guint n = c->n_connect;

  sio_client_socket_connect (c->socket);
  WAIT_FOR (c->n_connect > n || c->n_connect_error > 0);
  g_assert_no_error (c->connect_error);
  if (mode->upgrade)
    WAIT_FOR (sio_manager_get_engine (c->manager) != NULL &&
              sio_engine_client_get_transport (sio_manager_get_engine (c->manager)) ==
              SIO_ENGINE_TRANSPORT_WEBSOCKET);
}

static guint
count_events (Client     *c,
              const char *name)
{
  guint n = 0;

  for (guint i = 0; i < c->events->len; i++)
    n += g_strcmp0 (sio_client_event_get_name (g_ptr_array_index (c->events, i)), name) == 0;
  return n;
}

/* Waits for the @n-th event called @name. */
static SioClientEvent *
wait_event (Client     *c,
            const char *name,
            guint       n)
{
  WAIT_FOR (count_events (c, name) >= n);
  for (guint i = 0, seen = 0; i < c->events->len; i++)
    {
      SioClientEvent *event = g_ptr_array_index (c->events, i);

      if (g_strcmp0 (sio_client_event_get_name (event), name) == 0 && ++seen == n)
        return event;
    }
  g_assert_not_reached ();
}

static char *
node_json (JsonNode *node)
{
  return sio_json_to_string (node);
}

typedef struct
{
  SioClientEvent *response;
  GError         *error;
  gboolean        done;
} Ack;

static void
on_ack (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  Ack *ack = user_data;

  ack->response = sio_client_socket_emit_with_ack_finish (SIO_CLIENT_SOCKET (source), result, &ack->error);
  ack->done = TRUE;
}

/* Emits @event with @args and returns the acknowledgement's arguments as JSON. */
static SioClientEvent *
call (Client     *c,
      const char *event,
      JsonArray  *args,
      GPtrArray  *attachments)
{
  Ack ack = { 0 };

  sio_client_socket_emit_with_ack_async (c->socket, event, args, attachments, 5000, NULL, on_ack, &ack);
  WAIT_FOR (ack.done);
  g_assert_no_error (ack.error);
  return ack.response;
}

static JsonObject *
call_state (Client *c)
{
  g_autoptr(SioClientEvent) response = call (c, "state", NULL, NULL);
  JsonNode *state = sio_client_event_get_arg (response, 0);

  g_assert_true (JSON_NODE_HOLDS_OBJECT (state));
  return json_object_ref (json_node_get_object (state));
}

static void
assert_bytes (GBytes     *bytes,
              const char *expected,
              gsize       len)
{
  g_assert_nonnull (bytes);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), expected, len);
}

/* ---- Tests ------------------------------------------------------------------------------ */

/* Nothing to set up: the server is shared. The teardown checks that every client closed and
 * went away, transports included. */
typedef struct
{
  int unused;
} Fixture;

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  WAIT_FOR (_sio_engine_client_get_n_alive () == 0 && _sio_client_transport_get_n_alive () == 0);
}

static void
test_echo_ack (Fixture       *f,
               gconstpointer  data)
{
  const Mode *mode = data;
  g_autoptr(Client) c = client_new (mode, NULL);
  g_autoptr(JsonArray) args = json_array_new ();
  g_autoptr(GPtrArray) attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(SioClientEvent) response = NULL;
  g_autofree char *json = NULL;
  JsonObject *welcome;

  client_connect (c, mode);
  welcome = json_node_get_object (sio_client_event_get_arg (wait_event (c, "welcome", 1), 0));
  g_assert_cmpstr (json_object_get_string_member (welcome, "nsp"), ==, "/");
  g_assert_cmpstr (json_object_get_string_member (welcome, "id"), ==, sio_client_socket_get_id (c->socket));
  g_assert_false (json_object_get_boolean_member (welcome, "recovered"));

  json_array_add_int_element (args, 1);
  json_array_add_string_element (args, "two ü €");
  json_array_add_element (args, sio_json_from_string ("{\"three\":[3,null,true,1.5]}", -1, NULL));
  json_array_add_element (args, sio_packet_new_placeholder (0));
  g_ptr_array_add (attachments, g_bytes_new_static ("\x00\xff", 2));

  response = call (c, "echo", args, attachments);
  node = json_node_init_array (json_node_alloc (), sio_client_event_dup_args (response));
  json_array_unref (json_node_get_array (node));
  json = node_json (node);
  g_assert_cmpstr (json, ==, "[1,\"two ü €\",{\"three\":[3,null,true,1.5]},{\"_placeholder\":true,\"num\":0}]");
  assert_bytes (sio_client_event_get_bytes (response, 3), "\x00\xff", 2);
}

static void
test_binary (Fixture       *f,
             gconstpointer  data)
{
  const Mode *mode = data;
  g_autoptr(Client) c = client_new (mode, NULL);
  g_autoptr(JsonArray) args = json_array_new ();
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(GPtrArray) attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autofree guint8 *big = g_malloc (100000);
  SioClientEvent *back;
  JsonNode *nested;

  for (guint i = 0; i < 100000; i++)
    big[i] = (guint8) (i * 7);

  client_connect (c, mode);
  json_array_add_element (args, sio_packet_new_placeholder (0));
  json_object_set_member (object, "nested", sio_packet_new_placeholder (1));
  json_object_set_string_member (object, "label", "big");
  json_array_add_object_element (args, g_steal_pointer (&object));
  g_ptr_array_add (attachments, g_bytes_new_static ("small", 5));
  g_ptr_array_add (attachments, g_bytes_new (big, 100000));

  sio_client_socket_emit (c->socket, "binary-echo", args, attachments);
  back = wait_event (c, "binary-echo", 1);
  g_assert_cmpuint (sio_client_event_get_attachments (back)->len, ==, 2);
  assert_bytes (sio_client_event_get_bytes (back, 0), "small", 5);
  nested = json_object_get_member (json_node_get_object (sio_client_event_get_arg (back, 1)), "nested");
  assert_bytes (sio_client_event_lookup_bytes (back, nested), (const char *) big, 100000);
}

static void
test_server_ack (Fixture       *f,
                 gconstpointer  data)
{
  const Mode *mode = data;
  g_autoptr(Client) c = client_new (mode, NULL);
  g_autoptr(JsonArray) args = json_array_new ();
  SioClientEvent *answer;
  JsonObject *object;
  g_autofree char *json = NULL;

  client_connect (c, mode);
  json_array_add_element (args, sio_json_from_string ("{\"q\":\"why\",\"n\":[1,2]}", -1, NULL));
  sio_client_socket_emit (c->socket, "ask", args, NULL);

  answer = wait_event (c, "answer", 1);
  g_assert_cmpuint (count_events (c, "answer-error"), ==, 0);
  object = json_node_get_object (sio_client_event_get_arg (answer, 0));
  json = node_json (json_object_get_member (object, "answer"));
  g_assert_cmpstr (json, ==, "{\"q\":\"why\",\"n\":[1,2]}");
  assert_bytes (sio_client_event_lookup_bytes (answer, json_object_get_member (object, "bin")), "\x01\x02\x03", 3);
}

static void
test_namespaces (Fixture       *f,
                 gconstpointer  data)
{
  const Mode *mode = data;
  g_autoptr(Client) c = client_new (mode, NULL);
  g_autoptr(SioClientSocket) chat = sio_manager_socket (c->manager, "/chat");
  Client chat_c = { .manager = c->manager, .socket = chat,
                    .events = g_ptr_array_new_with_free_func ((GDestroyNotify) sio_client_event_unref) };
  JsonObject *welcome;
  SioEngineClient *engine;

  g_signal_connect (chat, "connect", G_CALLBACK (on_connect), &chat_c);
  g_signal_connect (chat, "event", G_CALLBACK (on_event), &chat_c);

  client_connect (c, mode);
  engine = sio_manager_get_engine (c->manager);
  sio_client_socket_connect (chat);
  WAIT_FOR (chat_c.n_connect == 1);
  /* Multiplexed: the same Engine.IO session. */
  g_assert_true (sio_manager_get_engine (c->manager) == engine);
  g_assert_cmpstr (sio_client_socket_get_id (chat), !=, sio_client_socket_get_id (c->socket));

  welcome = json_node_get_object (sio_client_event_get_arg (wait_event (&chat_c, "welcome", 1), 0));
  g_assert_cmpstr (json_object_get_string_member (welcome, "nsp"), ==, "/chat");
  g_assert_cmpstr (json_object_get_string_member (welcome, "id"), ==, sio_client_socket_get_id (chat));

  /* A room broadcast in /chat does not reach "/". */
  {
    g_autoptr(JsonArray) join = json_array_new ();
    g_autoptr(JsonArray) to_room = json_array_new ();
    g_autoptr(SioClientEvent) r1 = NULL;
    g_autoptr(SioClientEvent) r2 = NULL;
    Ack ack = { 0 };

    json_array_add_string_element (join, "lobby");
    sio_client_socket_emit_with_ack_async (chat, "join", join, NULL, 5000, NULL, on_ack, &ack);
    WAIT_FOR (ack.done);
    g_assert_no_error (ack.error);
    g_clear_pointer (&ack.response, sio_client_event_unref);
    ack.done = FALSE;
    r1 = call (c, "join", join, NULL);

    json_array_add_string_element (to_room, "lobby");
    json_array_add_string_element (to_room, "chat only");
    sio_client_socket_emit_with_ack_async (chat, "to-room", to_room, NULL, 5000, NULL, on_ack, &ack);
    WAIT_FOR (ack.done);
    g_clear_pointer (&ack.response, sio_client_event_unref);
    g_assert_cmpstr (sio_client_event_get_string (wait_event (&chat_c, "room-message", 1), 0), ==, "chat only");
    r2 = call (c, "echo", NULL, NULL);
    g_assert_cmpuint (count_events (c, "room-message"), ==, 0);
  }

  sio_client_socket_disconnect (chat);
  g_signal_handlers_disconnect_by_data (chat, &chat_c);
  g_ptr_array_unref (chat_c.events);
  g_assert_finalize_object (g_steal_pointer (&chat));
}

static void
test_middleware (Fixture       *f,
                 gconstpointer  data)
{
  const Mode *mode = data;
  g_autoptr(Client) c = client_new (mode, "/private");
  g_autoptr(JsonNode) auth = sio_json_from_string ("{\"token\":\"letmein\",\"user\":\"ada\"}", -1, NULL);
  g_autofree char *json = NULL;
  JsonObject *welcome;

  sio_client_socket_connect (c->socket);
  WAIT_FOR (c->n_connect_error == 1);
  g_assert_error (c->connect_error, SIO_ERROR, SIO_ERROR_REFUSED);
  g_assert_cmpstr (c->connect_error->message, ==, "not authorized");
  json = node_json (c->connect_error_data);
  g_assert_cmpstr (json, ==, "{\"reason\":\"bad token\",\"token\":null}");
  g_assert_false (sio_client_socket_is_active (c->socket));
  g_assert_cmpuint (c->n_connect, ==, 0);
  g_clear_error (&c->connect_error);

  sio_client_socket_set_auth (c->socket, auth);
  client_connect (c, mode);
  welcome = json_node_get_object (sio_client_event_get_arg (wait_event (c, "welcome", 1), 0));
  g_clear_pointer (&json, g_free);
  json = node_json (json_object_get_member (welcome, "auth"));
  g_assert_cmpstr (json, ==, "{\"token\":\"letmein\",\"user\":\"ada\"}");
}

static void
test_rooms (Fixture       *f,
            gconstpointer  data)
{
  const Mode *mode = data;
  g_autoptr(Client) a = client_new (mode, NULL);
  g_autoptr(Client) b = client_new (mode, NULL);
  g_autoptr(Client) outsider = client_new (mode, NULL);
  g_autoptr(JsonArray) join = json_array_new ();
  g_autoptr(JsonArray) to_room = json_array_new ();
  g_autoptr(SioClientEvent) r1 = NULL;
  g_autoptr(SioClientEvent) r2 = NULL;
  g_autoptr(SioClientEvent) r3 = NULL;
  g_autoptr(SioClientEvent) r4 = NULL;
  g_autoptr(JsonObject) state = NULL;
  g_autofree char *rooms = NULL;

  client_connect (a, mode);
  client_connect (b, mode);
  client_connect (outsider, mode);

  json_array_add_string_element (join, "r1");
  r1 = call (a, "join", join, NULL);
  r2 = call (b, "join", join, NULL);
  state = call_state (a);
  rooms = node_json (json_object_get_member (state, "rooms"));
  g_assert_cmpstr (rooms, ==, "[\"r1\"]");

  json_array_add_string_element (to_room, "r1");
  json_array_add_string_element (to_room, "hello room");
  r3 = call (a, "to-room", to_room, NULL);
  g_assert_cmpstr (sio_client_event_get_string (wait_event (a, "room-message", 1), 0), ==, "hello room");
  g_assert_cmpstr (sio_client_event_get_string (wait_event (b, "room-message", 1), 0), ==, "hello room");

  /* The server answers the outsider's echo after anything it would have sent it before. */
  r4 = call (outsider, "echo", NULL, NULL);
  g_assert_cmpuint (count_events (outsider, "room-message"), ==, 0);
  g_assert_cmpuint (count_events (a, "room-message"), ==, 1);
}

static void
test_kick (Fixture       *f,
           gconstpointer  data)
{
  const Mode *mode = data;
  g_autoptr(Client) c = client_new (mode, NULL);

  client_connect (c, mode);
  sio_client_socket_emit (c->socket, "kick", NULL, NULL);
  WAIT_FOR (c->n_disconnect == 1);
  g_assert_cmpstr (c->reason, ==, "io server disconnect");
  g_assert_false (sio_client_socket_is_active (c->socket));
  WAIT_FOR (!sio_manager_is_open (c->manager));
  g_assert_cmpuint (c->n_connect, ==, 1);
}

static void
test_recovery (Fixture       *f,
               gconstpointer  data)
{
  const Mode *mode = data;
  g_autoptr(Client) c = client_new (mode, NULL);
  g_autoptr(JsonArray) join = json_array_new ();
  g_autoptr(SioClientEvent) joined = NULL;
  g_autoptr(JsonObject) state = NULL;
  g_autoptr(SioClientEvent) round_trip = NULL;
  g_autofree char *id = NULL;
  g_autofree char *rooms = NULL;

  client_connect (c, mode);
  id = g_strdup (sio_client_socket_get_id (c->socket));
  wait_event (c, "welcome", 1);
  json_array_add_string_element (join, "kept");
  joined = call (c, "join", join, NULL);

  sio_client_socket_emit (c->socket, "drop", NULL, NULL);
  WAIT_FOR (c->n_disconnect == 1);
  g_assert_cmpstr (c->reason, ==, "transport close");
  WAIT_FOR (c->n_connect == 2);

  g_assert_true (sio_client_socket_is_recovered (c->socket));
  g_assert_cmpstr (sio_client_socket_get_id (c->socket), ==, id);
  g_assert_cmpstr (sio_client_event_get_string (wait_event (c, "missed", 1), 0), ==, "while-away");

  state = call_state (c);
  g_assert_true (json_object_get_boolean_member (state, "recovered"));
  g_assert_cmpstr (json_object_get_string_member (state, "id"), ==, id);
  rooms = node_json (json_object_get_member (state, "rooms"));
  g_assert_cmpstr (rooms, ==, "[\"kept\"]");

  /* Once only, and no second welcome (a recovered socket is not a new connection). */
  round_trip = call (c, "echo", NULL, NULL);
  g_assert_cmpuint (count_events (c, "missed"), ==, 1);
  g_assert_cmpuint (count_events (c, "welcome"), ==, 2);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (sio_client_event_get_arg (
                   wait_event (c, "welcome", 2), 0)), "recovered"));
}

static void
test_dependencies (gconstpointer data)
{
  g_test_fail_printf ("%s", (const char *) data);
}

int
main (int   argc,
      char *argv[])
{
  static const struct { const char *name; void (*func) (Fixture *, gconstpointer); gboolean all_modes; } tests[] = {
    { "echo-ack", test_echo_ack, TRUE },
    { "binary", test_binary, TRUE },
    { "server-ack", test_server_ack, TRUE },
    { "namespaces", test_namespaces, TRUE },
    { "recovery", test_recovery, TRUE },
    { "middleware", test_middleware, FALSE },
    { "rooms", test_rooms, FALSE },
    { "kick", test_kick, FALSE },
  };
  g_autofree char *failure = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  failure = start_node_server ();
  if (failure != NULL)
    {
      /* Fail loudly, never skip: CI installs the packages first. */
      g_test_add_data_func ("/sio/client/interop/server", failure, test_dependencies);
      status = g_test_run ();
      stop_node_server ();
      return status;
    }

  for (guint t = 0; t < G_N_ELEMENTS (tests); t++)
    for (guint m = 0; m < G_N_ELEMENTS (modes); m++)
      {
        g_autofree char *path = NULL;

        if (!tests[t].all_modes && m != 1)
          continue;
        path = g_strdup_printf ("/sio/client/interop/%s/%s", modes[m].name, tests[t].name);
        g_test_add (path, Fixture, &modes[m], NULL, tests[t].func, fixture_teardown);
      }

  status = g_test_run ();
  stop_node_server ();
  return status;
}
