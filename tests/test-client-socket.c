/* test-client-socket.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* SioManager and SioClientSocket against our SioServer, over polling only, WebSocket only and
 * polling upgraded to WebSocket: namespaces, auth, events and binary both ways, acks both
 * ways, ack timeouts, refusals, kicks, buffering and connection state recovery. */

#include "config.h"

#include <string.h>

#include "sio-test-client.h"
#include "sio-client-private.h"
#include "sio-client-transport-private.h"

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

/* SioConfig first, so the shared fixture can read it. */
typedef struct
{
  SioConfig   config;
  const Mode *mode;
} Case;

/* ---- What a client socket reported ------------------------------------------------------ */

typedef struct
{
  SioClientSocket *socket;
  guint            n_connect;
  guint            n_connect_error;
  guint            n_disconnect;
  char            *reason;
  GError          *error;
  JsonNode        *error_data;
  GPtrArray       *events;          /* SioClientEvent *, every event */
  guint            n_detailed;      /* "event::greeting" only */
} Client;

static void
on_connect (SioClientSocket *socket,
            Client          *c)
{
  g_assert_true (sio_client_socket_is_connected (socket));
  g_assert_nonnull (sio_client_socket_get_id (socket));
  /* "connect" and "disconnect" alternate. */
  g_assert_cmpuint (c->n_connect, ==, c->n_disconnect);
  c->n_connect++;
}

static void
on_connect_error (SioClientSocket *socket,
                  const GError    *error,
                  JsonNode        *data,
                  Client          *c)
{
  g_test_message ("connect_error on %s: %s", sio_client_socket_get_namespace (socket), error->message);
  c->n_connect_error++;
  g_clear_error (&c->error);
  c->error = g_error_copy (error);
  g_clear_pointer (&c->error_data, json_node_unref);
  c->error_data = data ? json_node_copy (data) : NULL;
}

static void
on_disconnect (SioClientSocket *socket,
               const char      *reason,
               const GError    *error,
               Client          *c)
{
  g_test_message ("disconnect on %s: %s", sio_client_socket_get_namespace (socket), reason);
  g_assert_false (sio_client_socket_is_connected (socket));
  c->n_disconnect++;
  g_assert_cmpuint (c->n_connect, ==, c->n_disconnect);
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

static void
on_greeting (SioClientSocket *socket,
             SioClientEvent  *event,
             Client          *c)
{
  g_assert_cmpstr (sio_client_event_get_name (event), ==, "greeting");
  c->n_detailed++;
}

static SioManager *
manager_new (SioFixture *f,
             const Mode *mode)
{
  g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (f->base));
  SioManager *manager = sio_manager_new (uri);

  sio_manager_set_transports (manager, mode->transports);
  sio_manager_set_upgrade (manager, mode->upgrade);
  sio_manager_set_reconnection_delay (manager, 20);
  sio_manager_set_reconnection_delay_max (manager, 100);
  return manager;
}

static Client *
client_new (SioManager *manager,
            const char *nsp)
{
  Client *c = g_new0 (Client, 1);

  c->socket = sio_manager_socket (manager, nsp);
  c->events = g_ptr_array_new_with_free_func ((GDestroyNotify) sio_client_event_unref);
  g_signal_connect (c->socket, "connect", G_CALLBACK (on_connect), c);
  g_signal_connect (c->socket, "connect-error", G_CALLBACK (on_connect_error), c);
  g_signal_connect (c->socket, "disconnect", G_CALLBACK (on_disconnect), c);
  g_signal_connect (c->socket, "event", G_CALLBACK (on_event), c);
  g_signal_connect (c->socket, "event::greeting", G_CALLBACK (on_greeting), c);
  return c;
}

static void
client_free (Client *c)
{
  g_signal_handlers_disconnect_by_data (c->socket, c);
  g_ptr_array_set_size (c->events, 0);
  g_assert_finalize_object (c->socket);
  g_clear_pointer (&c->events, g_ptr_array_unref);
  g_clear_pointer (&c->error_data, json_node_unref);
  g_clear_error (&c->error);
  g_free (c->reason);
  g_free (c);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Client, client_free)

/* Connects and, in upgrade mode, waits until the connection is on WebSocket. */
static void
client_connect (Client     *c,
                const Mode *mode)
{
  SioManager *manager = sio_client_socket_get_manager (c->socket);
  guint n = c->n_connect;

  sio_client_socket_connect (c->socket);
  WAIT_FOR (c->n_connect > n || c->n_connect_error > 0);
  g_assert_cmpuint (c->n_connect_error, ==, 0);
  if (mode->upgrade)
    WAIT_FOR (sio_manager_get_engine (manager) != NULL &&
              sio_engine_client_get_transport (sio_manager_get_engine (manager)) == SIO_ENGINE_TRANSPORT_WEBSOCKET);
}

static SioClientEvent *
client_wait_event (Client *c,
                   guint   n)
{
  WAIT_FOR (c->events->len >= n);
  return g_ptr_array_index (c->events, n - 1);
}

/* The manager goes last: it is what every socket holds, and nothing may outlive it. */
static void
manager_free (SioManager *manager)
{
  g_assert_finalize_object (manager);
  WAIT_FOR (_sio_engine_client_get_n_alive () == 0 && _sio_client_transport_get_n_alive () == 0);
}

static SioSocket *
server_socket (SioPeer *peer)
{
  g_assert_nonnull (peer->socket);
  return peer->socket;
}

static JsonArray *
parse_args (const char *json)
{
  return sio_test_parse_array (json);
}

static char *
client_event_args_json (SioClientEvent *event)
{
  g_autoptr(JsonArray) args = sio_client_event_dup_args (event);
  g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), args);

  return sio_json_to_string (node);
}

static void
count_signal (guint *counter)
{
  (*counter)++;
}

static void
set_flag (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* Lets the main loop run for @ms, to show that something does not happen. */
static void
wait_ms (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add_once (ms, set_flag, &done);
  WAIT_FOR (done);
}

/* ---- Tests ------------------------------------------------------------------------------ */

static void
test_connect_emit (SioFixture    *f,
                   gconstpointer  data)
{
  const Case *cs = data;
  SioManager *manager = manager_new (f, cs->mode);
  g_autoptr(Client) c = client_new (manager, NULL);
  g_autoptr(JsonArray) args = parse_args ("[1,\"two\",{\"three\":[3,null,true]}]");
  g_autoptr(JsonArray) greeting = parse_args ("[\"hi\",42]");
  g_autofree char *json = NULL;
  SioPeer *peer;
  SioEvent *event;
  SioClientEvent *received;

  g_object_unref (manager);   /* the socket holds it */
  g_assert_false (sio_client_socket_is_active (c->socket));
  client_connect (c, cs->mode);
  g_assert_true (sio_client_socket_is_active (c->socket));
  g_assert_true (sio_manager_is_open (manager));
  g_assert_cmpstr (sio_client_socket_get_namespace (c->socket), ==, "/");

  peer = sio_fixture_wait_peer (f, 0);
  g_assert_cmpstr (sio_client_socket_get_id (c->socket), ==, peer->id);
  g_assert_false (sio_client_socket_is_recovered (c->socket));

  sio_client_socket_emit (c->socket, "hello", args, NULL);
  sio_client_socket_emit_string (c->socket, "text", "ünïcödé");
  event = sio_peer_wait_event (peer, 2);
  g_assert_cmpstr (sio_event_get_name (event), ==, "text");
  g_assert_cmpstr (sio_event_get_string (event, 0), ==, "ünïcödé");
  event = g_ptr_array_index (peer->events, 0);
  g_assert_cmpstr (sio_event_get_name (event), ==, "hello");
  json = sio_test_event_args_json (event);
  g_assert_cmpstr (json, ==, "[1,\"two\",{\"three\":[3,null,true]}]");
  g_clear_pointer (&json, g_free);

  sio_socket_emit (server_socket (peer), "greeting", greeting, NULL);
  sio_socket_emit (server_socket (peer), "other", NULL, NULL);
  received = client_wait_event (c, 2);
  g_assert_cmpstr (sio_client_event_get_name (received), ==, "other");
  g_assert_cmpuint (sio_client_event_get_n_args (received), ==, 0);
  received = g_ptr_array_index (c->events, 0);
  g_assert_cmpstr (sio_client_event_get_name (received), ==, "greeting");
  g_assert_false (sio_client_event_wants_ack (received));
  json = client_event_args_json (received);
  g_assert_cmpstr (json, ==, "[\"hi\",42]");
  g_assert_cmpstr (sio_client_event_get_string (received, 0), ==, "hi");
  g_assert_null (sio_client_event_get_string (received, 1));
  g_assert_null (sio_client_event_get_arg (received, 2));
  g_assert_cmpuint (c->n_detailed, ==, 1);

  sio_client_socket_disconnect (c->socket);
  g_assert_cmpuint (c->n_disconnect, ==, 1);
  g_assert_cmpstr (c->reason, ==, "io client disconnect");
  g_assert_false (sio_client_socket_is_active (c->socket));
  g_assert_null (sio_client_socket_get_id (c->socket));
  WAIT_FOR (peer->n_disconnect == 1);
  g_assert_cmpstr (peer->reason, ==, "client namespace disconnect");
  /* The last active socket left, so the connection went too. */
  g_assert_false (sio_manager_is_open (manager));
  g_assert_null (sio_manager_get_engine (manager));

  g_object_ref (manager);
  g_clear_pointer (&c, client_free);
  manager_free (manager);
}

static void
on_chat_connection (SioNamespace *nsp,
                    SioSocket    *socket,
                    gpointer      user_data)
{
  sio_socket_emit_string (socket, "welcome", sio_namespace_get_name (nsp));
}

static void
test_namespaces (SioFixture    *f,
                 gconstpointer  data)
{
  const Case *cs = data;
  g_autoptr(SioManager) manager = manager_new (f, cs->mode);
  g_autoptr(Client) main_c = client_new (manager, "/");
  g_autoptr(Client) chat = client_new (manager, "/chat");
  SioNamespace *chat_nsp = sio_server_of (f->io, "/chat");
  g_autoptr(SioClientSocket) again = sio_manager_socket (manager, "/chat");
  SioPeer *main_peer;
  SioPeer *chat_peer;

  g_assert_true (again == chat->socket);
  g_clear_object (&again);

  sio_fixture_track (f, chat_nsp);
  g_signal_connect (chat_nsp, "connection", G_CALLBACK (on_chat_connection), NULL);

  client_connect (main_c, cs->mode);
  client_connect (chat, cs->mode);
  main_peer = sio_fixture_wait_peer (f, 0);
  chat_peer = sio_fixture_wait_peer (f, 1);
  g_assert_cmpstr (chat_peer->nsp, ==, "/chat");
  g_assert_cmpstr (sio_client_socket_get_id (chat->socket), ==, chat_peer->id);

  /* One Engine.IO session carries both. */
  g_assert_true (sio_socket_get_engine (server_socket (main_peer)) ==
                 sio_socket_get_engine (server_socket (chat_peer)));

  g_assert_cmpstr (sio_client_event_get_string (client_wait_event (chat, 1), 0), ==, "/chat");
  sio_client_socket_emit_string (chat->socket, "where", "chat");
  sio_client_socket_emit_string (main_c->socket, "where", "main");
  g_assert_cmpstr (sio_event_get_string (sio_peer_wait_event (chat_peer, 1), 0), ==, "chat");
  g_assert_cmpstr (sio_event_get_string (sio_peer_wait_event (main_peer, 1), 0), ==, "main");
  g_assert_cmpuint (chat_peer->events->len, ==, 1);
  g_assert_cmpuint (main_c->events->len, ==, 0);

  /* Leaving one namespace keeps the connection for the other. */
  sio_client_socket_disconnect (chat->socket);
  WAIT_FOR (chat_peer->n_disconnect == 1);
  g_assert_true (sio_manager_is_open (manager));
  sio_client_socket_emit_string (main_c->socket, "where", "still main");
  g_assert_cmpstr (sio_event_get_string (sio_peer_wait_event (main_peer, 2), 0), ==, "still main");
  g_assert_cmpuint (main_peer->n_disconnect, ==, 0);

  /* ...and the socket can come back. */
  client_connect (chat, cs->mode);
  chat_peer = sio_fixture_wait_peer (f, 2);
  g_assert_cmpstr (chat_peer->nsp, ==, "/chat");

  sio_client_socket_disconnect (chat->socket);
  sio_client_socket_disconnect (main_c->socket);
  WAIT_FOR (main_peer->n_disconnect == 1 && chat_peer->n_disconnect == 1);
  g_assert_false (sio_manager_is_open (manager));

  g_clear_pointer (&main_c, client_free);
  g_clear_pointer (&chat, client_free);
  manager_free (g_steal_pointer (&manager));
}

static void
test_auth (SioFixture    *f,
           gconstpointer  data)
{
  const Case *cs = data;
  g_autoptr(SioManager) manager = manager_new (f, cs->mode);
  g_autoptr(Client) c = client_new (manager, NULL);
  g_autoptr(JsonNode) auth = sio_json_from_string ("{\"token\":\"s3cret\",\"n\":1}", -1, NULL);
  g_autofree char *json = NULL;
  SioPeer *peer;

  sio_manager_add_query_param (manager, "room", "lobby");
  sio_manager_add_header (manager, "X-Tincan-Client", "test");
  sio_client_socket_set_auth (c->socket, auth);
  g_assert_true (json_node_equal (sio_client_socket_get_auth (c->socket), auth));
  client_connect (c, cs->mode);

  peer = sio_fixture_wait_peer (f, 0);
  json = sio_test_json (sio_socket_get_auth (server_socket (peer)));
  g_assert_cmpstr (json, ==, "{\"token\":\"s3cret\",\"n\":1}");
  g_assert_cmpstr (g_hash_table_lookup (sio_socket_get_query (server_socket (peer)), "room"), ==, "lobby");
  g_assert_cmpstr (soup_message_headers_get_one (sio_socket_get_headers (server_socket (peer)),
                                                 "X-Tincan-Client"), ==, "test");

  sio_client_socket_disconnect (c->socket);
  WAIT_FOR (peer->n_disconnect == 1);
  g_clear_pointer (&c, client_free);
  manager_free (g_steal_pointer (&manager));
}

static GPtrArray *
two_attachments (void)
{
  GPtrArray *attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  g_ptr_array_add (attachments, g_bytes_new_static ("\x00\x01\x02\xff", 4));
  g_ptr_array_add (attachments, g_bytes_new_static ("second", 6));
  return attachments;
}

/* [<bin 0>, {"nested": <bin 1>, "text": "t"}] */
static JsonArray *
binary_args (void)
{
  JsonArray *args = json_array_new ();
  g_autoptr(JsonObject) object = json_object_new ();

  json_array_add_element (args, sio_packet_new_placeholder (0));
  json_object_set_member (object, "nested", sio_packet_new_placeholder (1));
  json_object_set_string_member (object, "text", "t");
  json_array_add_object_element (args, g_steal_pointer (&object));
  return args;
}

static void
assert_bytes (GBytes     *bytes,
              const char *expected,
              gsize       len)
{
  g_assert_nonnull (bytes);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), expected, len);
}

static void
test_binary (SioFixture    *f,
             gconstpointer  data)
{
  const Case *cs = data;
  g_autoptr(SioManager) manager = manager_new (f, cs->mode);
  g_autoptr(Client) c = client_new (manager, NULL);
  g_autoptr(GPtrArray) attachments = two_attachments ();
  g_autoptr(JsonArray) args = binary_args ();
  SioPeer *peer;
  SioEvent *event;
  SioClientEvent *received;
  JsonNode *object;

  client_connect (c, cs->mode);
  peer = sio_fixture_wait_peer (f, 0);

  sio_client_socket_emit (c->socket, "upload", args, attachments);
  event = sio_peer_wait_event (peer, 1);
  g_assert_cmpstr (sio_event_get_name (event), ==, "upload");
  assert_bytes (sio_event_get_bytes (event, 0), "\x00\x01\x02\xff", 4);
  object = sio_event_get_arg (event, 1);
  assert_bytes (sio_event_lookup_bytes (event, json_object_get_member (json_node_get_object (object), "nested")),
                "second", 6);

  /* And back, as the server received it. */
  {
    g_autoptr(JsonArray) back = sio_event_dup_args (event);
    sio_socket_emit (server_socket (peer), "download", back, sio_event_get_attachments (event));
  }
  received = client_wait_event (c, 1);
  g_assert_cmpstr (sio_client_event_get_name (received), ==, "download");
  g_assert_cmpuint (sio_client_event_get_attachments (received)->len, ==, 2);
  assert_bytes (sio_client_event_get_bytes (received, 0), "\x00\x01\x02\xff", 4);
  object = sio_client_event_get_arg (received, 1);
  assert_bytes (sio_client_event_lookup_bytes (received, json_object_get_member (json_node_get_object (object),
                                                                                 "nested")),
                "second", 6);
  g_assert_null (sio_client_event_get_bytes (received, 1));

  sio_client_socket_disconnect (c->socket);
  WAIT_FOR (peer->n_disconnect == 1);
  g_clear_pointer (&c, client_free);
  manager_free (g_steal_pointer (&manager));
}

/* Server side: "echo" acknowledges with its arguments; "ask" asks the client for an ack. */
static void
on_server_echo (SioNamespace *nsp,
                SioSocket    *socket,
                SioEvent     *event,
                gpointer      user_data)
{
  g_autoptr(JsonArray) args = sio_event_dup_args (event);

  sio_event_ack (event, args, sio_event_get_attachments (event));
}

typedef struct
{
  SioEvent *response;
  GError   *error;
  gboolean  done;
} ServerAck;

static void
on_server_ack_answered (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  ServerAck *ack = user_data;

  ack->response = sio_socket_emit_with_ack_finish (SIO_SOCKET (source), result, &ack->error);
  ack->done = TRUE;
}

typedef struct
{
  SioClientEvent *response;
  GError         *error;
  gboolean        done;
} ClientAck;

static void
on_client_ack_answered (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  ClientAck *ack = user_data;

  ack->response = sio_client_socket_emit_with_ack_finish (SIO_CLIENT_SOCKET (source), result, &ack->error);
  ack->done = TRUE;
}

static void
client_ack_clear (ClientAck *ack)
{
  g_clear_pointer (&ack->response, sio_client_event_unref);
  g_clear_error (&ack->error);
  ack->done = FALSE;
}

static void
on_client_question (SioClientSocket *socket,
                    SioClientEvent  *event,
                    gpointer         user_data)
{
  g_autoptr(JsonArray) args = json_array_new ();
  g_autoptr(GPtrArray) attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  g_assert_true (sio_client_event_wants_ack (event));
  json_array_add_string_element (args, "answer");
  json_array_add_element (args, json_node_ref (sio_client_event_get_arg (event, 0)));
  json_array_add_element (args, sio_packet_new_placeholder (0));
  g_ptr_array_add (attachments, g_bytes_new_static ("bin", 3));
  sio_client_event_ack (event, args, attachments);
  g_assert_false (sio_client_event_wants_ack (event));
  /* A second ack is ignored, as in the reference. */
  sio_client_event_ack (event, NULL, NULL);
}

static void
test_acks (SioFixture    *f,
           gconstpointer  data)
{
  const Case *cs = data;
  g_autoptr(SioManager) manager = manager_new (f, cs->mode);
  g_autoptr(Client) c = client_new (manager, NULL);
  g_autoptr(GPtrArray) attachments = two_attachments ();
  g_autoptr(JsonArray) args = binary_args ();
  g_autoptr(JsonArray) question = parse_args ("[7]");
  g_autofree char *json = NULL;
  ClientAck client_ack = { 0 };
  ServerAck server_ack = { 0 };
  SioPeer *peer;

  g_signal_connect (sio_server_of (f->io, "/"), "event::echo", G_CALLBACK (on_server_echo), NULL);
  g_signal_connect (c->socket, "event::question", G_CALLBACK (on_client_question), NULL);
  client_connect (c, cs->mode);
  peer = sio_fixture_wait_peer (f, 0);

  /* Client asks, server answers (binary included). */
  sio_client_socket_emit_with_ack_async (c->socket, "echo", args, attachments, 5000, NULL,
                                         on_client_ack_answered, &client_ack);
  WAIT_FOR (client_ack.done);
  g_assert_no_error (client_ack.error);
  g_assert_null (sio_client_event_get_name (client_ack.response));
  g_assert_false (sio_client_event_wants_ack (client_ack.response));
  g_assert_cmpuint (sio_client_event_get_n_args (client_ack.response), ==, 2);
  assert_bytes (sio_client_event_get_bytes (client_ack.response, 0), "\x00\x01\x02\xff", 4);
  client_ack_clear (&client_ack);

  /* Without arguments, and without a timeout. */
  sio_client_socket_emit_with_ack_async (c->socket, "echo", NULL, NULL, 0, NULL,
                                         on_client_ack_answered, &client_ack);
  WAIT_FOR (client_ack.done);
  g_assert_no_error (client_ack.error);
  g_assert_cmpuint (sio_client_event_get_n_args (client_ack.response), ==, 0);
  client_ack_clear (&client_ack);

  /* Server asks, client answers. */
  sio_socket_emit_with_ack_async (server_socket (peer), "question", question, NULL, 5000, NULL,
                                  on_server_ack_answered, &server_ack);
  WAIT_FOR (server_ack.done);
  g_assert_no_error (server_ack.error);
  json = sio_test_event_args_json (server_ack.response);
  g_assert_cmpstr (json, ==, "[\"answer\",7,{\"_placeholder\":true,\"num\":0}]");
  assert_bytes (sio_event_get_bytes (server_ack.response, 2), "bin", 3);
  g_clear_pointer (&server_ack.response, sio_event_unref);

  sio_client_socket_disconnect (c->socket);
  WAIT_FOR (peer->n_disconnect == 1);
  g_clear_pointer (&c, client_free);
  manager_free (g_steal_pointer (&manager));
}

static void
test_ack_timeout (SioFixture    *f,
                  gconstpointer  data)
{
  const Case *cs = data;
  g_autoptr(SioManager) manager = manager_new (f, cs->mode);
  g_autoptr(Client) c = client_new (manager, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  ClientAck timed_out = { 0 };
  ClientAck cancelled = { 0 };
  ClientAck early = { 0 };
  SioPeer *peer;

  client_connect (c, cs->mode);
  peer = sio_fixture_wait_peer (f, 0);

  /* Nobody on the server acknowledges "ignored". */
  sio_client_socket_emit_with_ack_async (c->socket, "ignored", NULL, NULL, 100, NULL,
                                         on_client_ack_answered, &timed_out);
  sio_client_socket_emit_with_ack_async (c->socket, "ignored", NULL, NULL, 0, cancellable,
                                         on_client_ack_answered, &cancelled);
  WAIT_FOR (timed_out.done);
  g_assert_error (timed_out.error, SIO_ERROR, SIO_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (timed_out.error->message, "operation has timed out"));
  g_assert_false (cancelled.done);
  g_cancellable_cancel (cancellable);
  WAIT_FOR (cancelled.done);
  g_assert_error (cancelled.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* Already cancelled: fails without sending anything. */
  sio_client_socket_emit_with_ack_async (c->socket, "ignored", NULL, NULL, 0, cancellable,
                                         on_client_ack_answered, &early);
  WAIT_FOR (early.done);
  g_assert_error (early.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  sio_peer_wait_event (peer, 2);
  test_drain_main_context ();
  g_assert_cmpuint (peer->events->len, ==, 2);

  client_ack_clear (&timed_out);
  client_ack_clear (&cancelled);
  client_ack_clear (&early);
  sio_client_socket_disconnect (c->socket);
  WAIT_FOR (peer->n_disconnect == 1);
  g_clear_pointer (&c, client_free);
  manager_free (g_steal_pointer (&manager));
}

static gboolean
refuse_private (SioSocket  *socket,
                JsonNode  **error_data,
                GError    **error,
                gpointer    user_data)
{
  *error_data = sio_json_from_string ("{\"reason\":\"no token\",\"code\":401}", -1, NULL);
  g_set_error_literal (error, SIO_ERROR, SIO_ERROR_REFUSED, "not authorized");
  return FALSE;
}

static void
test_connect_error (SioFixture    *f,
                    gconstpointer  data)
{
  const Case *cs = data;
  g_autoptr(SioManager) manager = manager_new (f, cs->mode);
  g_autoptr(Client) c = client_new (manager, "/private");
  g_autoptr(Client) unknown = client_new (manager, "/nowhere");
  g_autofree char *json = NULL;
  guint n_attempts = 0;

  sio_namespace_use (sio_server_of (f->io, "/private"), refuse_private, NULL, NULL);
  sio_fixture_watch (f, sio_server_of (f->io, "/private"));
  g_signal_connect_swapped (manager, "reconnect-attempt", G_CALLBACK (count_signal), &n_attempts);

  sio_client_socket_connect (c->socket);
  WAIT_FOR (c->n_connect_error == 1);
  g_assert_error (c->error, SIO_ERROR, SIO_ERROR_REFUSED);
  g_assert_cmpstr (c->error->message, ==, "not authorized");
  json = sio_test_json (c->error_data);
  g_assert_cmpstr (json, ==, "{\"reason\":\"no token\",\"code\":401}");
  g_clear_pointer (&json, g_free);
  g_assert_cmpuint (c->n_connect, ==, 0);
  /* A refusal is final: no retry, and no socket left wanting the connection. */
  g_assert_false (sio_client_socket_is_active (c->socket));
  g_assert_false (sio_manager_is_open (manager));

  /* An unknown namespace is refused by the server itself. */
  sio_client_socket_connect (unknown->socket);
  WAIT_FOR (unknown->n_connect_error == 1);
  g_assert_error (unknown->error, SIO_ERROR, SIO_ERROR_REFUSED);
  g_assert_cmpstr (unknown->error->message, ==, "Invalid namespace");
  g_assert_null (unknown->error_data);
  g_assert_cmpuint (n_attempts, ==, 0);

  g_clear_pointer (&c, client_free);
  g_clear_pointer (&unknown, client_free);
  manager_free (g_steal_pointer (&manager));
}

static void
test_server_disconnect (SioFixture    *f,
                        gconstpointer  data)
{
  const Case *cs = data;
  g_autoptr(SioManager) manager = manager_new (f, cs->mode);
  g_autoptr(Client) c = client_new (manager, NULL);
  guint n_attempts = 0;
  SioPeer *peer;

  g_signal_connect_swapped (manager, "reconnect-attempt", G_CALLBACK (count_signal), &n_attempts);
  client_connect (c, cs->mode);
  peer = sio_fixture_wait_peer (f, 0);

  sio_socket_disconnect (server_socket (peer), FALSE);
  WAIT_FOR (c->n_disconnect == 1);
  g_assert_cmpstr (c->reason, ==, "io server disconnect");
  g_assert_false (sio_client_socket_is_active (c->socket));

  /* No reconnection: wait well past the reconnection delay, then look. */
  wait_ms (300);
  g_assert_cmpuint (n_attempts, ==, 0);
  g_assert_cmpuint (c->n_connect, ==, 1);
  g_assert_cmpuint (f->peers->len, ==, 1);
  WAIT_FOR (!sio_manager_is_open (manager));

  g_clear_pointer (&c, client_free);
  manager_free (g_steal_pointer (&manager));
}

static void
test_buffering (SioFixture    *f,
                gconstpointer  data)
{
  const Case *cs = data;
  g_autoptr(SioManager) manager = manager_new (f, cs->mode);
  g_autoptr(Client) c = client_new (manager, NULL);
  ClientAck ack = { 0 };
  SioPeer *peer;

  g_signal_connect (sio_server_of (f->io, "/"), "event::echo", G_CALLBACK (on_server_echo), NULL);

  /* Before connecting: buffered, then sent once, in order, on connect. */
  sio_client_socket_emit_string (c->socket, "early", "1");
  sio_client_socket_emit_with_ack_async (c->socket, "echo", NULL, NULL, 5000, NULL,
                                         on_client_ack_answered, &ack);
  sio_client_socket_emit_string (c->socket, "early", "2");
  g_assert_cmpuint (sio_client_socket_get_n_buffered (c->socket), ==, 3);

  client_connect (c, cs->mode);
  g_assert_cmpuint (sio_client_socket_get_n_buffered (c->socket), ==, 0);
  WAIT_FOR (ack.done);
  g_assert_no_error (ack.error);
  client_ack_clear (&ack);

  peer = sio_fixture_wait_peer (f, 0);
  sio_peer_wait_event (peer, 3);
  g_assert_cmpstr (sio_event_get_string (g_ptr_array_index (peer->events, 0), 0), ==, "1");
  g_assert_cmpstr (sio_event_get_name (g_ptr_array_index (peer->events, 1)), ==, "echo");
  g_assert_cmpstr (sio_event_get_string (g_ptr_array_index (peer->events, 2), 0), ==, "2");

  /* After a client disconnect, emits wait for the next connect. */
  sio_client_socket_disconnect (c->socket);
  sio_client_socket_emit_string (c->socket, "late", "3");
  g_assert_cmpuint (sio_client_socket_get_n_buffered (c->socket), ==, 1);
  WAIT_FOR (peer->n_disconnect == 1);
  client_connect (c, cs->mode);
  peer = sio_fixture_wait_peer (f, 1);
  g_assert_cmpstr (sio_event_get_string (sio_peer_wait_event (peer, 1), 0), ==, "3");

  /* A buffered emit whose ack times out leaves the buffer. */
  sio_client_socket_disconnect (c->socket);
  sio_client_socket_emit_with_ack_async (c->socket, "echo", NULL, NULL, 50, NULL,
                                         on_client_ack_answered, &ack);
  g_assert_cmpuint (sio_client_socket_get_n_buffered (c->socket), ==, 1);
  WAIT_FOR (ack.done);
  g_assert_error (ack.error, SIO_ERROR, SIO_ERROR_TIMEOUT);
  g_assert_cmpuint (sio_client_socket_get_n_buffered (c->socket), ==, 0);
  client_ack_clear (&ack);

  WAIT_FOR (peer->n_disconnect == 1);
  g_assert_cmpuint (peer->events->len, ==, 1);
  g_clear_pointer (&c, client_free);
  manager_free (g_steal_pointer (&manager));
}

/* An ack that left on a connection that then drops can no longer come. */
static void
test_ack_lost_on_close (SioFixture    *f,
                        gconstpointer  data)
{
  const Case *cs = data;
  g_autoptr(SioManager) manager = manager_new (f, cs->mode);
  g_autoptr(Client) c = client_new (manager, NULL);
  ClientAck ack = { 0 };
  SioPeer *peer;

  client_connect (c, cs->mode);
  peer = sio_fixture_wait_peer (f, 0);
  sio_client_socket_emit_with_ack_async (c->socket, "ignored", NULL, NULL, 0, NULL,
                                         on_client_ack_answered, &ack);
  sio_peer_wait_event (peer, 1);

  sio_engine_socket_close (sio_socket_get_engine (server_socket (peer)));
  WAIT_FOR (ack.done);
  g_assert_error (ack.error, SIO_ERROR, SIO_ERROR_CLOSED);
  g_assert_cmpuint (c->n_disconnect, ==, 1);
  g_assert_cmpstr (c->reason, ==, "transport close");
  client_ack_clear (&ack);

  /* It reconnects by itself. */
  WAIT_FOR (c->n_connect == 2);
  sio_client_socket_disconnect (c->socket);
  WAIT_FOR (sio_fixture_wait_peer (f, 1)->n_disconnect == 1);
  g_clear_pointer (&c, client_free);
  manager_free (g_steal_pointer (&manager));
}

static void
broadcast_tick (SioFixture *f,
                int         n)
{
  g_autoptr(JsonArray) args = json_array_new ();

  json_array_add_int_element (args, n);
  sio_namespace_emit (sio_server_of (f->io, "/"), "tick", args, NULL);
}

static void
test_recovery (SioFixture    *f,
               gconstpointer  data)
{
  const Case *cs = data;
  g_autoptr(SioManager) manager = manager_new (f, cs->mode);
  g_autoptr(Client) c = client_new (manager, NULL);
  g_autofree char *first_id = NULL;
  SioPeer *peer;

  client_connect (c, cs->mode);
  first_id = g_strdup (sio_client_socket_get_id (c->socket));
  peer = sio_fixture_wait_peer (f, 0);
  sio_socket_join (server_socket (peer), "kept-room");

  broadcast_tick (f, 1);
  broadcast_tick (f, 2);
  client_wait_event (c, 2);
  /* With recovery on, every event carries its offset as the last argument. */
  g_assert_cmpuint (sio_client_event_get_n_args (g_ptr_array_index (c->events, 1)), ==, 2);

  /* The transport drops (as a network failure would); the server goes on broadcasting. */
  sio_engine_socket_close (sio_socket_get_engine (server_socket (peer)));
  WAIT_FOR (c->n_disconnect == 1);
  g_assert_cmpstr (c->reason, ==, "transport close");
  broadcast_tick (f, 3);
  broadcast_tick (f, 4);

  WAIT_FOR (c->n_connect == 2);
  g_assert_true (sio_client_socket_is_recovered (c->socket));
  g_assert_cmpstr (sio_client_socket_get_id (c->socket), ==, first_id);

  /* What was missed arrives, once, in order. */
  client_wait_event (c, 4);
  broadcast_tick (f, 5);
  client_wait_event (c, 5);
  for (guint i = 0; i < 5; i++)
    {
      SioClientEvent *event = g_ptr_array_index (c->events, i);

      g_assert_cmpstr (sio_client_event_get_name (event), ==, "tick");
      g_assert_cmpint (json_node_get_int (sio_client_event_get_arg (event, 0)), ==, i + 1);
    }

  peer = sio_fixture_wait_peer (f, 1);
  g_assert_true (sio_socket_is_recovered (server_socket (peer)));
  g_assert_true (sio_socket_in_room (server_socket (peer), "kept-room"));

  sio_client_socket_disconnect (c->socket);
  WAIT_FOR (peer->n_disconnect == 1);
  g_clear_pointer (&c, client_free);
  manager_free (g_steal_pointer (&manager));
}

/* ---- main ------------------------------------------------------------------------------- */

typedef void (*TestFunc) (SioFixture *, gconstpointer);

int
main (int   argc,
      char *argv[])
{
  static const struct { const char *name; TestFunc func; guint recovery; } tests[] = {
    { "connect-emit", test_connect_emit, 0 },
    { "namespaces", test_namespaces, 0 },
    { "auth", test_auth, 0 },
    { "binary", test_binary, 0 },
    { "acks", test_acks, 0 },
    { "ack-timeout", test_ack_timeout, 0 },
    { "connect-error", test_connect_error, 0 },
    { "server-disconnect", test_server_disconnect, 0 },
    { "buffering", test_buffering, 0 },
    { "ack-lost-on-close", test_ack_lost_on_close, 0 },
    { "recovery", test_recovery, 60000 },
  };
  static Case cases[G_N_ELEMENTS (modes)][G_N_ELEMENTS (tests)];

  g_test_init (&argc, &argv, NULL);

  for (guint m = 0; m < G_N_ELEMENTS (modes); m++)
    for (guint t = 0; t < G_N_ELEMENTS (tests); t++)
      {
        g_autofree char *path = g_strdup_printf ("/sio/client/socket/%s/%s", modes[m].name, tests[t].name);

        cases[m][t].mode = &modes[m];
        cases[m][t].config.max_disconnection_duration = tests[t].recovery;
        g_test_add (path, SioFixture, &cases[m][t], sio_fixture_setup, tests[t].func, sio_fixture_teardown);
      }

  return g_test_run ();
}
