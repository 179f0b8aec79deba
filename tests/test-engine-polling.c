/* test-engine-polling.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "test-utils.h"

#include <string.h>

static const EngineConfig custom_config = {
  .ping_interval = 12345,
  .ping_timeout = 6789,
  .max_payload = 54321,
};
static const EngineConfig no_echo_config = { .no_echo = TRUE };
static const EngineConfig no_upgrades_config = { .no_upgrades = TRUE };
static const EngineConfig polling_only_config = { .transports = SIO_ENGINE_TRANSPORT_POLLING };
static const EngineConfig websocket_only_config = {
  .transports = SIO_ENGINE_TRANSPORT_WEBSOCKET,
};
static const EngineConfig small_payload_config = { .max_payload = 1000 };
static const char * const cors_origins[] = { "http://example.com", "https://app.example", NULL };
static const EngineConfig cors_config = { .cors_origins = cors_origins };

static TestHttp *
get_query (EngineFixture *f,
           const char    *method,
           const char    *query)
{
  g_autofree char *url = engine_fixture_url (f, FALSE, query);

  return test_http_run (f->session, method, url, NULL, NULL, 0);
}

/* Decodes a polling answer and returns its packets without the noops the server may add to end
 * a poll early. */
static GPtrArray *
decode_without_noops (TestHttp *req)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *packets;

  g_assert_cmpuint (req->status, ==, 200);
  packets = sio_engine_payload_decode (req->text, req->len, 4, &error);
  g_assert_no_error (error);

  for (guint i = packets->len; i > 0; i--)
    {
      if (sio_engine_packet_get_kind (g_ptr_array_index (packets, i - 1)) == SIO_ENGINE_PACKET_NOOP)
        g_ptr_array_remove_index (packets, i - 1);
    }

  return packets;
}

static void
assert_text_packet (SioEnginePacket     *packet,
                    SioEnginePacketType  type,
                    const char          *data)
{
  g_autofree char *text = test_packet_dup_text (packet);

  g_assert_cmpint (sio_engine_packet_get_kind (packet), ==, type);
  g_assert_false (sio_engine_packet_is_binary (packet));
  g_assert_cmpstr (text, ==, data);
}

static void
test_handshake (EngineFixture *f,
                gconstpointer  data)
{
  g_autofree char *url = engine_fixture_url (f, FALSE, "EIO=4&transport=polling&foo=bar%20baz");
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(TestHttp) req = NULL;
  g_autoptr(JsonObject) open = NULL;
  g_autofree char *sid2 = NULL;
  JsonArray *upgrades;
  const char *sid;
  EnginePeer *peer;
  SioEngineSocket *socket;
  GSocketAddress *address;
  g_autofree char *host = NULL;
  GHashTable *query;

  soup_message_headers_append (soup_message_get_request_headers (msg), "X-Tincan-Test", "yes");
  req = test_http_begin_msg (f->session, msg);
  test_http_wait (req);

  g_assert_no_error (req->error);
  g_assert_cmpuint (req->status, ==, 200);
  g_assert_true (g_str_has_prefix (test_http_get_header (req, "Content-Type"), "text/plain"));

  /* The whole body is the open packet, with exactly the reference's keys. */
  open = test_parse_open_packet (req->text, req->len);
  sid = json_object_get_string_member (open, "sid");
  upgrades = json_object_get_array_member (open, "upgrades");
  g_assert_cmpuint (json_array_get_length (upgrades), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (upgrades, 0), ==, "websocket");
  g_assert_cmpint (json_object_get_int_member (open, "pingInterval"), ==, 12345);
  g_assert_cmpint (json_object_get_int_member (open, "pingTimeout"), ==, 6789);
  g_assert_cmpint (json_object_get_int_member (open, "maxPayload"), ==, 54321);

  /* "connection" was emitted once, for this session. */
  g_assert_cmpuint (f->peers->len, ==, 1);
  peer = g_ptr_array_index (f->peers, 0);
  g_assert_cmpstr (peer->sid, ==, sid);
  g_assert_cmpuint (sio_engine_server_get_n_sockets (f->engine), ==, 1);

  socket = sio_engine_server_lookup (f->engine, sid);
  g_assert_true (socket == peer->socket);
  g_assert_cmpstr (sio_engine_socket_get_id (socket), ==, sid);
  g_assert_cmpint (sio_engine_socket_get_protocol (socket), ==, 4);
  g_assert_cmpint (sio_engine_socket_get_transport (socket), ==, SIO_ENGINE_TRANSPORT_POLLING);
  g_assert_true (sio_engine_socket_is_open (socket));

  address = sio_engine_socket_get_remote_address (socket);
  g_assert_true (G_IS_INET_SOCKET_ADDRESS (address));
  host = g_inet_address_to_string (
    g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));
  g_assert_cmpstr (host, ==, "127.0.0.1");

  g_assert_cmpstr (soup_message_headers_get_one (sio_engine_socket_get_headers (socket),
                                                 "X-Tincan-Test"), ==, "yes");
  query = sio_engine_socket_get_query (socket);
  g_assert_nonnull (query);
  g_assert_cmpstr (g_hash_table_lookup (query, "EIO"), ==, "4");
  g_assert_cmpstr (g_hash_table_lookup (query, "transport"), ==, "polling");
  g_assert_cmpstr (g_hash_table_lookup (query, "foo"), ==, "bar baz");

  g_assert_null (sio_engine_server_lookup (f->engine, "AAAAAAAAAAAAAAAAAAAA"));

  /* A second handshake is a second session. */
  sid2 = test_polling_handshake (f, NULL);
  g_assert_cmpstr (sid2, !=, sid);
  g_assert_cmpuint (f->peers->len, ==, 2);
  g_assert_cmpuint (sio_engine_server_get_n_sockets (f->engine), ==, 2);
}

static void
test_handshake_defaults (EngineFixture *f,
                         gconstpointer  data)
{
  g_autoptr(JsonObject) open = NULL;
  g_autofree char *sid = test_polling_handshake (f, &open);
  JsonArray *upgrades = json_object_get_array_member (open, "upgrades");

  g_assert_cmpuint (sio_engine_server_get_ping_interval (f->engine), ==, 25000);
  g_assert_cmpuint (sio_engine_server_get_ping_timeout (f->engine), ==, 20000);
  g_assert_cmpuint (sio_engine_server_get_max_payload (f->engine), ==, 1000000);
  g_assert_cmpint (sio_engine_server_get_transports (f->engine), ==,
                   SIO_ENGINE_TRANSPORT_POLLING | SIO_ENGINE_TRANSPORT_WEBSOCKET);
  g_assert_true (sio_engine_server_get_allow_upgrades (f->engine));
  g_assert_null (sio_engine_server_get_cors_origins (f->engine));

  g_assert_cmpint (json_object_get_int_member (open, "pingInterval"), ==, 25000);
  g_assert_cmpint (json_object_get_int_member (open, "pingTimeout"), ==, 20000);
  g_assert_cmpint (json_object_get_int_member (open, "maxPayload"), ==, 1000000);
  g_assert_cmpuint (json_array_get_length (upgrades), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (upgrades, 0), ==, "websocket");
}

static void
test_handshake_no_upgrades (EngineFixture *f,
                            gconstpointer  data)
{
  g_autoptr(JsonObject) open = NULL;
  g_autofree char *sid = test_polling_handshake (f, &open);

  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (open, "upgrades")), ==, 0);
  test_polling_echo (f, sid, "still works");
}

static void
test_error_transport (EngineFixture *f,
                      gconstpointer  data)
{
  g_autoptr(TestHttp) missing = get_query (f, "GET", "EIO=4");
  g_autoptr(TestHttp) unknown = get_query (f, "GET", "EIO=4&transport=abc");
  g_autoptr(TestHttp) empty = get_query (f, "GET", "EIO=4&transport=");
  g_autoptr(TestHttp) nothing = get_query (f, "GET", "");
  /* The transport is checked before the protocol version. */
  g_autoptr(TestHttp) both = get_query (f, "GET", "transport=abc");

  test_assert_http_error (missing, 400, 0, "Transport unknown");
  test_assert_http_error (unknown, 400, 0, "Transport unknown");
  test_assert_http_error (empty, 400, 0, "Transport unknown");
  test_assert_http_error (nothing, 400, 0, "Transport unknown");
  test_assert_http_error (both, 400, 0, "Transport unknown");
  g_assert_cmpuint (f->peers->len, ==, 0);
  g_assert_cmpuint (sio_engine_server_get_n_sockets (f->engine), ==, 0);
}

static void
test_error_transport_disabled (EngineFixture *f,
                               gconstpointer  data)
{
  g_autoptr(TestHttp) req = get_query (f, "GET", "EIO=4&transport=polling");

  test_assert_http_error (req, 400, 0, "Transport unknown");
  g_assert_cmpuint (f->peers->len, ==, 0);
}

static void
test_error_protocol (EngineFixture *f,
                     gconstpointer  data)
{
  static const char * const queries[] = {
    "transport=polling",
    "EIO=abc&transport=polling",
    "EIO=3&transport=polling",
    "EIO=5&transport=polling",
    "EIO=&transport=polling",
    "EIO=44&transport=polling",
  };

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autoptr(TestHttp) req = get_query (f, "GET", queries[i]);

      g_test_message ("query %s", queries[i]);
      test_assert_http_error (req, 400, 5, "Unsupported protocol version");
    }

  g_assert_cmpuint (f->peers->len, ==, 0);
}

static void
test_error_sid_unknown (EngineFixture *f,
                        gconstpointer  data)
{
  g_autofree char *url = engine_fixture_sid_url (f, FALSE, "AAAAAAAAAAAAAAAAAAAA");
  g_autoptr(TestHttp) get = test_http_run (f->session, "GET", url, NULL, NULL, 0);
  g_autoptr(TestHttp) post = test_http_run (f->session, "POST", url, NULL, "4hello", -1);

  test_assert_http_error (get, 400, 1, "Session ID unknown");
  test_assert_http_error (post, 400, 1, "Session ID unknown");
}

static void
test_error_sid_empty (EngineFixture *f,
                      gconstpointer  data)
{
  g_autoptr(TestHttp) empty = get_query (f, "GET", "EIO=4&transport=polling&sid=");

  /* The reference tests `if (sid)`: an empty sid is no sid, so this is a handshake. */
  g_test_message ("answer: %u '%s'", empty->status, empty->text);
  g_assert_cmpuint (empty->status, ==, 200);
  json_object_unref (test_parse_open_packet (empty->text, empty->len));
}

static void
test_error_handshake_method (EngineFixture *f,
                             gconstpointer  data)
{
  g_autofree char *url = engine_fixture_url (f, FALSE, "EIO=4&transport=polling");
  g_autoptr(TestHttp) post = test_http_run (f->session, "POST", url, NULL, "4hello", -1);
  g_autoptr(TestHttp) put = test_http_run (f->session, "PUT", url, NULL, "4hello", -1);

  test_assert_http_error (post, 400, 2, "Bad handshake method");
  test_assert_http_error (put, 400, 2, "Bad handshake method");
  g_assert_cmpuint (f->peers->len, ==, 0);
}

static void
test_error_websocket_without_upgrade (EngineFixture *f,
                                      gconstpointer  data)
{
  /* A plain GET asking for the websocket transport (reference: TRANSPORT_HANDSHAKE_ERROR). */
  g_autoptr(TestHttp) req = get_query (f, "GET", "EIO=4&transport=websocket");

  test_assert_http_error (req, 400, 3, "Bad request");
  g_assert_cmpuint (f->peers->len, ==, 0);
}

typedef struct
{
  guint       n_calls;
  gboolean    allow;
  const char *message;
  char       *last_query;
} AllowData;

static gboolean
allow_request (SioEngineServer    *server,
               SoupServerMessage  *msg,
               char              **message,
               gpointer            user_data)
{
  AllowData *allow = user_data;

  g_assert (SIO_IS_ENGINE_SERVER (server));
  g_assert (SOUP_IS_SERVER_MESSAGE (msg));

  allow->n_calls++;
  g_free (allow->last_query);
  allow->last_query = g_strdup (g_uri_get_query (soup_server_message_get_uri (msg)));
  if (!allow->allow && allow->message != NULL)
    *message = g_strdup (allow->message);

  return allow->allow;
}

static void
test_forbidden (EngineFixture *f,
                gconstpointer  data)
{
  AllowData allow = { 0, FALSE, NULL, NULL };
  g_autoptr(TestHttp) req = NULL;

  sio_engine_server_set_allow_request_func (f->engine, allow_request, &allow, NULL);

  req = get_query (f, "GET", "EIO=4&transport=polling&token=nope");
  test_assert_http_error (req, 403, 4, "Forbidden");
  g_assert_cmpuint (allow.n_calls, ==, 1);
  g_assert_cmpstr (allow.last_query, ==, "EIO=4&transport=polling&token=nope");
  g_assert_cmpuint (f->peers->len, ==, 0);
  g_assert_cmpuint (sio_engine_server_get_n_sockets (f->engine), ==, 0);

  sio_engine_server_set_allow_request_func (f->engine, NULL, NULL, NULL);
  g_free (allow.last_query);
}

static void
test_forbidden_message (EngineFixture *f,
                        gconstpointer  data)
{
  AllowData allow = { 0, FALSE, "Bad token", NULL };
  g_autoptr(TestHttp) custom = NULL;

  /* The reference (server.ts abortRequest) answers with the refusal's own message. */
  sio_engine_server_set_allow_request_func (f->engine, allow_request, &allow, NULL);
  custom = get_query (f, "GET", "EIO=4&transport=polling");
  test_assert_http_error (custom, 403, 4, "Bad token");
  g_assert_cmpuint (allow.n_calls, ==, 1);
  g_assert_cmpuint (f->peers->len, ==, 0);

  sio_engine_server_set_allow_request_func (f->engine, NULL, NULL, NULL);
  g_free (allow.last_query);
}

static void
destroy_counter (gpointer data)
{
  (*(guint *) data)++;
}

static void
test_allow_request_accepts (EngineFixture *f,
                            gconstpointer  data)
{
  AllowData allow = { 0, TRUE, NULL, NULL };
  g_autofree char *sid = NULL;
  guint n_destroyed = 0;

  sio_engine_server_set_allow_request_func (f->engine, allow_request, &allow, NULL);
  sid = test_polling_handshake (f, NULL);
  g_assert_cmpuint (allow.n_calls, ==, 1);
  g_assert_cmpstr (allow.last_query, ==, "EIO=4&transport=polling");

  /* Only handshakes are vetted, not the session's later requests. */
  test_polling_echo (f, sid, "hello");
  g_assert_cmpuint (allow.n_calls, ==, 1);

  /* Replacing the function releases the old closure data. */
  sio_engine_server_set_allow_request_func (f->engine, allow_request, &n_destroyed,
                                            destroy_counter);
  g_assert_cmpuint (n_destroyed, ==, 0);
  sio_engine_server_set_allow_request_func (f->engine, NULL, NULL, NULL);
  g_assert_cmpuint (n_destroyed, ==, 1);

  g_free (allow.last_query);
}

static void
test_message (EngineFixture *f,
              gconstpointer  data)
{
  g_autofree char *sid = test_polling_handshake (f, NULL);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);
  g_autoptr(TestHttp) post = test_polling_post (f, sid, "4hello", -1);
  g_autoptr(TestHttp) get = NULL;

  g_assert_cmpuint (post->status, ==, 200);
  g_assert_cmpstr (post->text, ==, "ok");
  g_assert_true (g_str_has_prefix (test_http_get_header (post, "Content-Type"), "text/html"));

  g_assert_cmpuint (peer->messages->len, ==, 1);
  assert_text_packet (g_ptr_array_index (peer->messages, 0), SIO_ENGINE_PACKET_MESSAGE, "hello");

  get = test_polling_get (f, sid);
  g_assert_cmpuint (get->status, ==, 200);
  g_assert_cmpstr (get->text, ==, "4hello");
  g_assert_true (g_str_has_prefix (test_http_get_header (get, "Content-Type"), "text/plain"));
}

static void
test_message_several (EngineFixture *f,
                      gconstpointer  data)
{
  g_autofree char *sid = test_polling_handshake (f, NULL);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);
  g_autoptr(TestHttp) post = NULL;
  g_autoptr(TestHttp) get = NULL;

  post = test_polling_post (f, sid, "4test1\x1e" "4test2\x1e" "4test3", -1);
  g_assert_cmpuint (post->status, ==, 200);
  g_assert_cmpstr (post->text, ==, "ok");

  g_assert_cmpuint (peer->messages->len, ==, 3);
  assert_text_packet (g_ptr_array_index (peer->messages, 0), SIO_ENGINE_PACKET_MESSAGE, "test1");
  assert_text_packet (g_ptr_array_index (peer->messages, 1), SIO_ENGINE_PACKET_MESSAGE, "test2");
  assert_text_packet (g_ptr_array_index (peer->messages, 2), SIO_ENGINE_PACKET_MESSAGE, "test3");

  get = test_polling_get (f, sid);
  g_assert_cmpuint (get->status, ==, 200);
  g_assert_cmpstr (get->text, ==, "4test1\x1e" "4test2\x1e" "4test3");
}

static void
test_message_binary (EngineFixture *f,
                     gconstpointer  data)
{
  static const guint8 four[] = { 1, 2, 3, 4 };
  g_autofree char *sid = test_polling_handshake (f, NULL);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);
  g_autoptr(TestHttp) post = NULL;
  g_autoptr(TestHttp) get = NULL;
  g_autoptr(GBytes) bytes = NULL;
  SioEnginePacket *packet;

  post = test_polling_post (f, sid, "4hello\x1e" "bAQIDBA==", -1);
  g_assert_cmpuint (post->status, ==, 200);
  g_assert_cmpstr (post->text, ==, "ok");

  g_assert_cmpuint (peer->messages->len, ==, 2);
  assert_text_packet (g_ptr_array_index (peer->messages, 0), SIO_ENGINE_PACKET_MESSAGE, "hello");
  packet = g_ptr_array_index (peer->messages, 1);
  g_assert_cmpint (sio_engine_packet_get_kind (packet), ==, SIO_ENGINE_PACKET_MESSAGE);
  g_assert_true (sio_engine_packet_is_binary (packet));
  bytes = sio_engine_packet_get_bytes (packet);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), four, sizeof four);

  get = test_polling_get (f, sid);
  g_assert_cmpuint (get->status, ==, 200);
  g_assert_cmpstr (get->text, ==, "4hello\x1e" "bAQIDBA==");
}

static void
test_message_utf8 (EngineFixture *f,
                   gconstpointer  data)
{
  g_autofree char *sid = test_polling_handshake (f, NULL);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);

  test_polling_echo (f, sid, "h\xc3\xa9llo \xe2\x98\x83 \xf0\x9f\x98\x80 \xe4\xb8\xad\xe6\x96\x87");
  g_assert_cmpuint (peer->messages->len, ==, 1);
  assert_text_packet (g_ptr_array_index (peer->messages, 0), SIO_ENGINE_PACKET_MESSAGE,
                      "h\xc3\xa9llo \xe2\x98\x83 \xf0\x9f\x98\x80 \xe4\xb8\xad\xe6\x96\x87");
}

static void
test_message_many (EngineFixture *f,
                   gconstpointer  data)
{
  g_autofree char *sid = test_polling_handshake (f, NULL);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(TestHttp) post = NULL;
  g_autoptr(TestHttp) get = NULL;

  for (guint i = 0; i < 500; i++)
    g_string_append_printf (body, "%s4m%u", i ? "\x1e" : "", i);

  post = test_polling_post (f, sid, body->str, body->len);
  g_assert_cmpuint (post->status, ==, 200);
  g_assert_cmpuint (peer->messages->len, ==, 500);
  for (guint i = 0; i < 500; i++)
    {
      g_autofree char *expected = g_strdup_printf ("m%u", i);

      assert_text_packet (g_ptr_array_index (peer->messages, i), SIO_ENGINE_PACKET_MESSAGE,
                          expected);
    }

  /* The echoes come back in one payload, in order. */
  get = test_polling_get (f, sid);
  g_assert_cmpuint (get->status, ==, 200);
  g_assert_cmpstr (get->text, ==, body->str);
}

static void
test_server_send_queued (EngineFixture *f,
                         gconstpointer  data)
{
  static const guint8 three[] = { 1, 2, 3 };
  g_autoptr(GBytes) bytes = g_bytes_new_static (three, sizeof three);
  g_autoptr(SioEnginePacket) packet = sio_engine_packet_new (SIO_ENGINE_PACKET_MESSAGE, "d", -1);
  g_autofree char *sid = test_polling_handshake (f, NULL);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);
  g_autoptr(TestHttp) get = NULL;

  /* No poll is held: nothing can leave now. */
  g_assert_false (sio_engine_socket_is_writable (peer->socket));

  sio_engine_socket_send_text (peer->socket, "a");
  sio_engine_socket_send_text (peer->socket, "b");
  sio_engine_socket_send_binary (peer->socket, bytes);
  sio_engine_socket_send (peer->socket, packet);

  get = test_polling_get (f, sid);
  g_assert_cmpuint (get->status, ==, 200);
  g_assert_cmpstr (get->text, ==, "4a\x1e" "4b\x1e" "bAQID\x1e" "4d");
}

static void
test_long_poll (EngineFixture *f,
                gconstpointer  data)
{
  g_autofree char *sid = test_polling_handshake (f, NULL);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);
  g_autoptr(TestHttp) get = test_polling_get_begin (f, sid);
  g_autoptr(TestHttp) get2 = NULL;

  /* The server holds the poll: the socket becomes writable, the answer waits for data. */
  WAIT_FOR (sio_engine_socket_is_writable (peer->socket));
  test_drain_main_context ();
  g_assert_false (get->done);

  sio_engine_socket_send_text (peer->socket, "late");
  test_http_wait (get);
  g_assert_cmpuint (get->status, ==, 200);
  g_assert_cmpstr (get->text, ==, "4late");
  g_assert_false (sio_engine_socket_is_writable (peer->socket));

  /* And again, with a POST arriving while the poll is held. */
  get2 = test_polling_get_begin (f, sid);
  WAIT_FOR (sio_engine_socket_is_writable (peer->socket));
  {
    g_autoptr(TestHttp) post = test_polling_post (f, sid, "4ping-pong", -1);

    g_assert_cmpuint (post->status, ==, 200);
    g_assert_cmpstr (post->text, ==, "ok");
  }
  test_http_wait (get2);
  g_assert_cmpuint (get2->status, ==, 200);
  g_assert_cmpstr (get2->text, ==, "4ping-pong");
}

static void
test_client_close (EngineFixture *f,
                   gconstpointer  data)
{
  g_autofree char *sid = test_polling_handshake (f, NULL);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);
  g_autoptr(TestHttp) get = test_polling_get_begin (f, sid);
  g_autoptr(TestHttp) post = NULL;
  g_autoptr(TestHttp) after = NULL;

  WAIT_FOR (sio_engine_socket_is_writable (peer->socket));
  post = test_polling_post (f, sid, "1", -1);
  g_assert_cmpuint (post->status, ==, 200);
  g_assert_cmpstr (post->text, ==, "ok");

  /* The held poll ends with a noop, the session with "transport close". */
  test_http_wait (get);
  g_assert_cmpuint (get->status, ==, 200);
  g_assert_cmpstr (get->text, ==, "6");

  WAIT_FOR (peer->n_closed == 1);
  g_assert_cmpint (peer->reason, ==, SIO_ENGINE_CLOSE_TRANSPORT_CLOSE);
  g_assert_cmpuint (sio_engine_server_get_n_sockets (f->engine), ==, 0);
  g_assert_null (sio_engine_server_lookup (f->engine, sid));

  after = test_polling_get (f, sid);
  test_assert_http_error (after, 400, 1, "Session ID unknown");
}

static void
test_client_close_no_poll (EngineFixture *f,
                           gconstpointer  data)
{
  g_autofree char *sid = test_polling_handshake (f, NULL);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);
  g_autoptr(TestHttp) post = test_polling_post (f, sid, "4last words\x1e" "1", -1);
  g_autoptr(TestHttp) after = NULL;

  g_assert_cmpuint (post->status, ==, 200);
  WAIT_FOR (peer->n_closed == 1);
  g_assert_cmpint (peer->reason, ==, SIO_ENGINE_CLOSE_TRANSPORT_CLOSE);
  /* Packets before the close packet were delivered. */
  g_assert_cmpuint (peer->messages->len, ==, 1);
  assert_text_packet (g_ptr_array_index (peer->messages, 0), SIO_ENGINE_PACKET_MESSAGE,
                      "last words");

  after = test_polling_get (f, sid);
  test_assert_http_error (after, 400, 1, "Session ID unknown");
}

static void
test_socket_freed (EngineFixture *f,
                   gconstpointer  data)
{
  g_autofree char *sid = test_polling_handshake (f, NULL);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);
  g_autoptr(TestHttp) post = test_polling_post (f, sid, "1", -1);

  g_assert_cmpuint (post->status, ==, 200);
  WAIT_FOR (peer->n_closed == 1);
  /* Nothing but the server held the socket: once the session is over it goes away. */
  WAIT_FOR (peer->socket == NULL);
}

static void
test_server_close_held (EngineFixture *f,
                        gconstpointer  data)
{
  g_autofree char *sid = test_polling_handshake (f, NULL);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);
  g_autoptr(TestHttp) get = test_polling_get_begin (f, sid);
  g_autoptr(TestHttp) after = NULL;

  WAIT_FOR (sio_engine_socket_is_writable (peer->socket));
  sio_engine_socket_close (peer->socket);

  test_http_wait (get);
  g_assert_cmpuint (get->status, ==, 200);
  g_assert_cmpstr (get->text, ==, "1");

  WAIT_FOR (peer->n_closed == 1);
  g_assert_cmpint (peer->reason, ==, SIO_ENGINE_CLOSE_FORCED);
  g_assert_cmpstr (sio_engine_close_reason_to_string (peer->reason), ==, "forced close");
  if (peer->socket != NULL)
    g_assert_false (sio_engine_socket_is_open (peer->socket));

  after = test_polling_get (f, sid);
  test_assert_http_error (after, 400, 1, "Session ID unknown");
}

static void
test_server_close_flushes (EngineFixture *f,
                           gconstpointer  data)
{
  g_autofree char *sid = test_polling_handshake (f, NULL);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (
    (GDestroyNotify) sio_engine_packet_unref);
  gboolean got_close = FALSE;

  sio_engine_socket_send_text (peer->socket, "a");
  sio_engine_socket_send_text (peer->socket, "b");
  sio_engine_socket_close (peer->socket);

  /* Whatever the split over polls, the client sees both messages and then the close packet. */
  for (guint i = 0; i < 3 && !got_close; i++)
    {
      g_autoptr(TestHttp) get = test_polling_get (f, sid);
      g_autoptr(GPtrArray) packets = decode_without_noops (get);

      for (guint j = 0; j < packets->len; j++)
        {
          SioEnginePacket *packet = g_ptr_array_index (packets, j);

          g_ptr_array_add (seen, sio_engine_packet_ref (packet));
          if (sio_engine_packet_get_kind (packet) == SIO_ENGINE_PACKET_CLOSE)
            got_close = TRUE;
        }
    }

  g_assert_true (got_close);
  g_assert_cmpuint (seen->len, ==, 3);
  assert_text_packet (g_ptr_array_index (seen, 0), SIO_ENGINE_PACKET_MESSAGE, "a");
  assert_text_packet (g_ptr_array_index (seen, 1), SIO_ENGINE_PACKET_MESSAGE, "b");
  assert_text_packet (g_ptr_array_index (seen, 2), SIO_ENGINE_PACKET_CLOSE, "");

  WAIT_FOR (peer->n_closed == 1);
  g_assert_cmpint (peer->reason, ==, SIO_ENGINE_CLOSE_FORCED);
}

static void
test_overlapping_get (EngineFixture *f,
                      gconstpointer  data)
{
  g_autofree char *sid = test_polling_handshake (f, NULL);
  g_autofree char *burst_query = g_strdup_printf ("EIO=4&transport=polling&sid=%s&t=burst", sid);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);
  g_autoptr(TestHttp) first = test_polling_get_begin (f, sid);
  g_autoptr(TestHttp) second = NULL;
  g_autoptr(TestHttp) after = NULL;

  WAIT_FOR (sio_engine_socket_is_writable (peer->socket));
  second = get_query (f, "GET", burst_query);
  /* The reference answers a bare 400 (polling.ts onPollRequest); a {"code":3} body is as good. */
  if (second->len > 0)
    test_assert_http_error (second, 400, 3, "Bad request");
  else
    g_assert_cmpuint (second->status, ==, 400);

  test_http_wait (first);
  g_assert_cmpuint (first->status, ==, 200);
  g_assert_cmpstr (first->text, ==, "1");

  WAIT_FOR (peer->n_closed == 1);
  g_assert_cmpint (peer->reason, ==, SIO_ENGINE_CLOSE_TRANSPORT_ERROR);

  after = test_polling_get (f, sid);
  test_assert_http_error (after, 400, 1, "Session ID unknown");
}

static void
test_invalid_packet (EngineFixture *f,
                     gconstpointer  data)
{
  g_autofree char *sid = test_polling_handshake (f, NULL);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);
  g_autoptr(TestHttp) post = test_polling_post (f, sid, "abc", -1);
  g_autoptr(TestHttp) after = NULL;

  g_assert_cmpuint (post->status, ==, 400);
  WAIT_FOR (peer->n_closed == 1);
  g_assert_cmpint (peer->reason, ==, SIO_ENGINE_CLOSE_PARSE_ERROR);
  g_assert_cmpuint (peer->messages->len, ==, 0);

  after = test_polling_get (f, sid);
  test_assert_http_error (after, 400, 1, "Session ID unknown");
}

static void
test_invalid_packet_held_poll (EngineFixture *f,
                               gconstpointer  data)
{
  g_autofree char *sid = test_polling_handshake (f, NULL);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);
  g_autoptr(TestHttp) get = test_polling_get_begin (f, sid);
  g_autoptr(TestHttp) post = NULL;

  WAIT_FOR (sio_engine_socket_is_writable (peer->socket));
  post = test_polling_post (f, sid, "9x", -1);
  g_assert_cmpuint (post->status, ==, 400);

  /* The session closes the held poll with a close packet. */
  test_http_wait (get);
  g_assert_cmpuint (get->status, ==, 200);
  g_assert_cmpstr (get->text, ==, "1");
  WAIT_FOR (peer->n_closed == 1);
  g_assert_cmpint (peer->reason, ==, SIO_ENGINE_CLOSE_PARSE_ERROR);
}

static void
test_binary_content_type (EngineFixture *f,
                          gconstpointer  data)
{
  g_autofree char *sid = test_polling_handshake (f, NULL);
  g_autofree char *url = engine_fixture_sid_url (f, FALSE, sid);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);
  g_autoptr(TestHttp) post = NULL;

  /* EIO=4 polling payloads are always text (reference: onError "invalid content"). */
  post = test_http_run (f->session, "POST", url, "application/octet-stream", "4hello", -1);
  g_assert_cmpuint (post->status, ==, 400);
  WAIT_FOR (peer->n_closed == 1);
  g_assert_cmpint (peer->reason, ==, SIO_ENGINE_CLOSE_TRANSPORT_ERROR);
  g_assert_cmpuint (peer->messages->len, ==, 0);
}

static void
test_post_too_large (EngineFixture *f,
                     gconstpointer  data)
{
  g_autofree char *sid = test_polling_handshake (f, NULL);
  g_autofree char *other = test_polling_handshake (f, NULL);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);
  g_autofree char *body = g_malloc (1002);
  g_autoptr(TestHttp) post = NULL;

  body[0] = '4';
  memset (body + 1, 'a', 1000);
  body[1001] = '\0';

  post = test_polling_post (f, sid, body, 1001);
  g_assert_cmpuint (post->status, ==, 413);
  g_assert_cmpuint (peer->messages->len, ==, 0);

  test_polling_echo (f, other, "unaffected");
}

static void
test_post_max_size (EngineFixture *f,
                    gconstpointer  data)
{
  g_autofree char *sid = test_polling_handshake (f, NULL);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);
  g_autofree char *body = g_malloc (1001);
  g_autoptr(TestHttp) post = NULL;
  gsize len = 0;

  /* maxPayload is inclusive. */
  body[0] = '4';
  memset (body + 1, 'a', 999);
  body[1000] = '\0';

  post = test_polling_post (f, sid, body, 1000);
  g_assert_cmpuint (post->status, ==, 200);
  g_assert_cmpstr (post->text, ==, "ok");
  g_assert_cmpuint (peer->messages->len, ==, 1);
  sio_engine_packet_get_data (g_ptr_array_index (peer->messages, 0), &len);
  g_assert_cmpuint (len, ==, 999);
}

static void
test_close_all (EngineFixture *f,
                gconstpointer  data)
{
  g_autofree char *sid1 = test_polling_handshake (f, NULL);
  g_autofree char *sid2 = test_polling_handshake (f, NULL);
  EnginePeer *peer1 = engine_fixture_find_peer (f, sid1);
  EnginePeer *peer2 = engine_fixture_find_peer (f, sid2);
  g_autoptr(TestHttp) get = test_polling_get_begin (f, sid1);
  g_autoptr(TestHttp) after = NULL;

  WAIT_FOR (sio_engine_socket_is_writable (peer1->socket));
  sio_engine_server_close_all (f->engine);

  test_http_wait (get);
  g_assert_cmpuint (get->status, ==, 200);
  g_assert_cmpstr (get->text, ==, "1");

  WAIT_FOR (peer1->n_closed == 1 && peer2->n_closed == 1);
  g_assert_cmpint (peer1->reason, ==, SIO_ENGINE_CLOSE_FORCED);
  g_assert_cmpint (peer2->reason, ==, SIO_ENGINE_CLOSE_FORCED);
  WAIT_FOR (sio_engine_server_get_n_sockets (f->engine) == 0);

  after = test_polling_get (f, sid1);
  test_assert_http_error (after, 400, 1, "Session ID unknown");

  /* The server still takes new sessions. */
  {
    g_autofree char *sid3 = test_polling_handshake (f, NULL);

    test_polling_echo (f, sid3, "after close-all");
  }
}

static void
test_many_sessions (EngineFixture *f,
                    gconstpointer  data)
{
  g_autoptr(GHashTable) sids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < 25; i++)
    {
      char *sid = test_polling_handshake (f, NULL);

      g_assert_false (g_hash_table_contains (sids, sid));
      g_hash_table_add (sids, sid);
    }

  g_assert_cmpuint (sio_engine_server_get_n_sockets (f->engine), ==, 25);
  g_assert_cmpuint (f->peers->len, ==, 25);

  {
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init (&iter, sids);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      test_polling_echo (f, key, key);
  }
}

static void
send_welcome (SioEngineServer *engine,
              SioEngineSocket *socket,
              gpointer         user_data)
{
  sio_engine_socket_send_text (socket, "welcome");
}

static void
test_send_from_connection (EngineFixture *f,
                           gconstpointer  data)
{
  g_autofree char *url = engine_fixture_url (f, FALSE, "EIO=4&transport=polling");
  g_autoptr(TestHttp) handshake = NULL;
  g_autoptr(GPtrArray) packets = NULL;
  g_autoptr(JsonObject) open = NULL;
  g_autofree char *sid = NULL;
  g_autofree char *open_text = NULL;

  g_signal_connect (f->engine, "connection", G_CALLBACK (send_welcome), NULL);
  handshake = test_http_run (f->session, "GET", url, NULL, NULL, 0);

  /* The open packet comes first; a packet sent from "connection" follows it, in the same
   * answer or the next poll. */
  packets = decode_without_noops (handshake);
  g_assert_cmpuint (packets->len, >=, 1);
  open_text = g_strconcat ("0", sio_engine_packet_get_data (g_ptr_array_index (packets, 0), NULL),
                           NULL);
  g_assert_cmpint (sio_engine_packet_get_kind (g_ptr_array_index (packets, 0)), ==,
                   SIO_ENGINE_PACKET_OPEN);
  open = test_parse_open_packet (open_text, strlen (open_text));
  sid = g_strdup (json_object_get_string_member (open, "sid"));

  if (packets->len == 1)
    {
      g_autoptr(TestHttp) get = test_polling_get (f, sid);

      g_assert_cmpuint (get->status, ==, 200);
      g_assert_cmpstr (get->text, ==, "4welcome");
    }
  else
    {
      g_assert_cmpuint (packets->len, ==, 2);
      assert_text_packet (g_ptr_array_index (packets, 1), SIO_ENGINE_PACKET_MESSAGE, "welcome");
    }

  g_signal_handlers_disconnect_by_func (f->engine, send_welcome, NULL);
}

static void
test_cors_none (EngineFixture *f,
                gconstpointer  data)
{
  g_autofree char *url = engine_fixture_url (f, FALSE, "EIO=4&transport=polling");
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(TestHttp) req = NULL;

  soup_message_headers_append (soup_message_get_request_headers (msg), "Origin",
                               "http://example.com");
  req = test_http_begin_msg (f->session, msg);
  test_http_wait (req);
  g_assert_cmpuint (req->status, ==, 200);
  g_assert_null (test_http_get_header (req, "Access-Control-Allow-Origin"));
}

static TestHttp *
request_with_origin (EngineFixture *f,
                     const char    *method,
                     const char    *query,
                     const char    *origin)
{
  g_autofree char *url = engine_fixture_url (f, FALSE, query);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  TestHttp *req;

  soup_message_headers_append (soup_message_get_request_headers (msg), "Origin", origin);
  if (g_str_equal (method, "OPTIONS"))
    soup_message_headers_append (soup_message_get_request_headers (msg),
                                 "Access-Control-Request-Method", "POST");
  req = test_http_begin_msg (f->session, msg);
  test_http_wait (req);
  return req;
}

static void
test_cors_origins (EngineFixture *f,
                   gconstpointer  data)
{
  g_autoptr(TestHttp) allowed = NULL;
  g_autoptr(TestHttp) second = NULL;
  g_autoptr(TestHttp) refused = NULL;
  g_autoptr(TestHttp) error = NULL;
  g_autoptr(TestHttp) preflight = NULL;
  const char * const *origins = sio_engine_server_get_cors_origins (f->engine);
  const char *methods;

  g_assert_nonnull (origins);
  g_assert_cmpstr (origins[0], ==, "http://example.com");
  g_assert_cmpstr (origins[1], ==, "https://app.example");
  g_assert_null (origins[2]);

  allowed = request_with_origin (f, "GET", "EIO=4&transport=polling", "http://example.com");
  g_assert_cmpuint (allowed->status, ==, 200);
  g_assert_cmpstr (test_http_get_header (allowed, "Access-Control-Allow-Origin"), ==,
                   "http://example.com");

  second = request_with_origin (f, "GET", "EIO=4&transport=polling", "https://app.example");
  g_assert_cmpuint (second->status, ==, 200);
  g_assert_cmpstr (test_http_get_header (second, "Access-Control-Allow-Origin"), ==,
                   "https://app.example");

  refused = request_with_origin (f, "GET", "EIO=4&transport=polling", "http://evil.example");
  g_assert_null (test_http_get_header (refused, "Access-Control-Allow-Origin"));

  /* The reference applies CORS before anything else, so errors are readable by the page. */
  error = request_with_origin (f, "GET", "EIO=4&transport=abc", "http://example.com");
  test_assert_http_error (error, 400, 0, "Transport unknown");
  g_assert_cmpstr (test_http_get_header (error, "Access-Control-Allow-Origin"), ==,
                   "http://example.com");

  /* Preflight: the cors package answers 204 with the allowed methods. */
  preflight = request_with_origin (f, "OPTIONS", "EIO=4&transport=polling", "http://example.com");
  g_assert_cmpuint (preflight->status, ==, 204);
  g_assert_cmpstr (test_http_get_header (preflight, "Access-Control-Allow-Origin"), ==,
                   "http://example.com");
  methods = test_http_get_header (preflight, "Access-Control-Allow-Methods");
  g_assert_nonnull (methods);
  g_assert_nonnull (strstr (methods, "GET"));
  g_assert_nonnull (strstr (methods, "POST"));
}

static void
assert_no_store (TestHttp *req)
{
  const char *cache_control = test_http_get_header (req, "Cache-Control");

  g_assert_nonnull (cache_control);
  g_assert_nonnull (strstr (cache_control, "no-store"));
}

static void
test_no_store (EngineFixture *f,
               gconstpointer  data)
{
  g_autofree char *url = engine_fixture_url (f, FALSE, "EIO=4&transport=polling");
  g_autoptr(TestHttp) handshake = test_http_run (f->session, "GET", url, NULL, NULL, 0);
  g_autoptr(JsonObject) open = test_parse_open_packet (handshake->text, handshake->len);
  const char *sid = json_object_get_string_member (open, "sid");
  g_autoptr(TestHttp) post = test_polling_post (f, sid, "4x", -1);
  g_autoptr(TestHttp) get = test_polling_get (f, sid);

  /* Polling answers must never be cached (reference: polling.ts headers(),
   * "cache-control: no-store" on every data and poll answer). */
  g_assert_cmpuint (get->status, ==, 200);
  assert_no_store (handshake);
  assert_no_store (post);
  assert_no_store (get);
}

static void
test_detach (EngineFixture *f,
             gconstpointer  data)
{
  g_autofree char *sid = test_polling_handshake (f, NULL);
  g_autoptr(TestHttp) req = NULL;

  sio_engine_server_detach (f->engine);
  req = get_query (f, "GET", "EIO=4&transport=polling");
  g_assert_cmpuint (req->status, ==, 404);
  g_assert_cmpuint (f->peers->len, ==, 1);

  /* Sessions stay open; attaching again serves them. */
  {
    g_autoptr(GError) error = NULL;

    g_assert_true (sio_engine_server_attach (f->engine, f->soup, "/engine.io/", &error));
    g_assert_no_error (error);
  }
  test_polling_echo (f, sid, "back");
}

#define ADD(path, func, config) \
  g_test_add ("/sio/engine/polling/" path, EngineFixture, config, engine_fixture_setup, func, \
              engine_fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("handshake", test_handshake, &custom_config);
  ADD ("handshake-defaults", test_handshake_defaults, NULL);
  ADD ("handshake-no-upgrades", test_handshake_no_upgrades, &no_upgrades_config);
  ADD ("handshake-polling-only", test_handshake_no_upgrades, &polling_only_config);
  ADD ("error/transport", test_error_transport, NULL);
  ADD ("error/transport-disabled", test_error_transport_disabled, &websocket_only_config);
  ADD ("error/protocol", test_error_protocol, NULL);
  ADD ("error/sid-unknown", test_error_sid_unknown, NULL);
  ADD ("error/sid-empty", test_error_sid_empty, NULL);
  ADD ("error/handshake-method", test_error_handshake_method, NULL);
  ADD ("error/websocket-without-upgrade", test_error_websocket_without_upgrade, NULL);
  ADD ("forbidden", test_forbidden, NULL);
  ADD ("forbidden-message", test_forbidden_message, NULL);
  ADD ("allow-request", test_allow_request_accepts, NULL);
  ADD ("message", test_message, NULL);
  ADD ("message-several", test_message_several, NULL);
  ADD ("message-binary", test_message_binary, NULL);
  ADD ("message-utf8", test_message_utf8, NULL);
  ADD ("message-many", test_message_many, NULL);
  ADD ("server-send-queued", test_server_send_queued, &no_echo_config);
  ADD ("long-poll", test_long_poll, NULL);
  ADD ("client-close", test_client_close, NULL);
  ADD ("client-close-no-poll", test_client_close_no_poll, &no_echo_config);
  ADD ("socket-freed", test_socket_freed, NULL);
  ADD ("server-close-held", test_server_close_held, NULL);
  ADD ("server-close-flushes", test_server_close_flushes, &no_echo_config);
  ADD ("overlapping-get", test_overlapping_get, NULL);
  ADD ("invalid-packet", test_invalid_packet, NULL);
  ADD ("invalid-packet-held-poll", test_invalid_packet_held_poll, NULL);
  ADD ("binary-content-type", test_binary_content_type, NULL);
  ADD ("post-too-large", test_post_too_large, &small_payload_config);
  ADD ("post-max-size", test_post_max_size, &small_payload_config);
  ADD ("close-all", test_close_all, NULL);
  ADD ("many-sessions", test_many_sessions, NULL);
  ADD ("send-from-connection", test_send_from_connection, NULL);
  ADD ("cors-none", test_cors_none, NULL);
  ADD ("cors-origins", test_cors_origins, &cors_config);
  ADD ("no-store", test_no_store, NULL);
  ADD ("detach", test_detach, NULL);

  return g_test_run ();
}
