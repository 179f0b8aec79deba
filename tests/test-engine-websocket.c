/* test-engine-websocket.c
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
static const EngineConfig polling_only_config = { .transports = SIO_ENGINE_TRANSPORT_POLLING };
static const EngineConfig websocket_only_config = {
  .transports = SIO_ENGINE_TRANSPORT_WEBSOCKET,
};
static const EngineConfig small_payload_config = { .max_payload = 1000 };

static void
assert_text_packet (SioEnginePacket *packet,
                    const char      *data)
{
  g_autofree char *text = test_packet_dup_text (packet);

  g_assert_cmpint (sio_engine_packet_get_kind (packet), ==, SIO_ENGINE_PACKET_MESSAGE);
  g_assert_false (sio_engine_packet_is_binary (packet));
  g_assert_cmpstr (text, ==, data);
}

static void
assert_binary_packet (SioEnginePacket *packet,
                      const void      *data,
                      gsize            len)
{
  g_autoptr(GBytes) bytes = sio_engine_packet_get_bytes (packet);

  g_assert_cmpint (sio_engine_packet_get_kind (packet), ==, SIO_ENGINE_PACKET_MESSAGE);
  g_assert_true (sio_engine_packet_is_binary (packet));
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), data, len);
}

/* A WebSocket handshake the server must refuse: no 101, no session. */
static void
assert_ws_refused (EngineFixture *f,
                   const char    *query,
                   guint          status)
{
  g_autofree char *url = engine_fixture_url (f, TRUE, query);
  g_autoptr(TestWs) ws = NULL;
  guint n_peers = f->peers->len;

  g_test_message ("query %s", query);
  ws = test_ws_connect (f->session, url);
  g_assert_null (ws->conn);
  g_assert_error (ws->connect_error, SOUP_WEBSOCKET_ERROR, SOUP_WEBSOCKET_ERROR_NOT_WEBSOCKET);
  g_assert_cmpuint (soup_message_get_status (ws->msg), ==, status);
  g_assert_cmpuint (f->peers->len, ==, n_peers);
}

/* A raw WebSocket session: returns the connection with the open packet consumed. */
static TestRaw *
raw_ws_session (EngineFixture *f,
                char         **sid)
{
  TestRaw *raw = test_raw_ws_connect (f->base, NULL, "EIO=4&transport=websocket");
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(JsonObject) open = NULL;
  guint8 first_byte = 0;

  g_assert_true (test_raw_ws_next_frame (raw, &first_byte, &payload));
  g_assert_cmpint (first_byte, ==, 0x81);
  open = test_parse_open_packet (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload));
  if (sid != NULL)
    *sid = g_strdup (json_object_get_string_member (open, "sid"));
  return raw;
}

static void
test_handshake (EngineFixture *f,
                gconstpointer  data)
{
  g_autofree char *url = engine_fixture_url (f, TRUE, "EIO=4&transport=websocket&foo=bar");
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(TestWs) ws = NULL;
  g_autoptr(JsonObject) open = NULL;
  g_autofree char *text = NULL;
  g_autofree char *host = NULL;
  EnginePeer *peer;
  SioEngineSocket *socket;
  GSocketAddress *address;
  GHashTable *query;
  const char *sid;

  soup_message_headers_append (soup_message_get_request_headers (msg), "X-Tincan-Test", "ws");
  ws = test_ws_connect_msg (f->session, msg);
  g_assert_no_error (ws->connect_error);
  g_assert_nonnull (ws->conn);

  /* The first frame is the open packet; a WebSocket session has nothing to upgrade to. */
  text = test_ws_next_text (ws);
  open = test_parse_open_packet (text, strlen (text));
  sid = json_object_get_string_member (open, "sid");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (open, "upgrades")), ==, 0);
  g_assert_cmpint (json_object_get_int_member (open, "pingInterval"), ==, 12345);
  g_assert_cmpint (json_object_get_int_member (open, "pingTimeout"), ==, 6789);
  g_assert_cmpint (json_object_get_int_member (open, "maxPayload"), ==, 54321);

  g_assert_cmpuint (f->peers->len, ==, 1);
  peer = g_ptr_array_index (f->peers, 0);
  g_assert_cmpstr (peer->sid, ==, sid);
  g_assert_cmpuint (sio_engine_server_get_n_sockets (f->engine), ==, 1);

  socket = sio_engine_server_lookup (f->engine, sid);
  g_assert_true (socket == peer->socket);
  g_assert_cmpint (sio_engine_socket_get_protocol (socket), ==, 4);
  g_assert_cmpint (sio_engine_socket_get_transport (socket), ==, SIO_ENGINE_TRANSPORT_WEBSOCKET);
  g_assert_true (sio_engine_socket_is_open (socket));
  g_assert_true (sio_engine_socket_is_writable (socket));

  address = sio_engine_socket_get_remote_address (socket);
  g_assert_true (G_IS_INET_SOCKET_ADDRESS (address));
  host = g_inet_address_to_string (
    g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));
  g_assert_cmpstr (host, ==, "127.0.0.1");

  g_assert_cmpstr (soup_message_headers_get_one (sio_engine_socket_get_headers (socket),
                                                 "X-Tincan-Test"), ==, "ws");
  query = sio_engine_socket_get_query (socket);
  g_assert_cmpstr (g_hash_table_lookup (query, "EIO"), ==, "4");
  g_assert_cmpstr (g_hash_table_lookup (query, "transport"), ==, "websocket");
  g_assert_cmpstr (g_hash_table_lookup (query, "foo"), ==, "bar");

  /* Nothing else arrived after the open packet. */
  test_ws_echo (ws, "after open");
  g_assert_true (g_queue_is_empty (&ws->queue));
}

static void
test_handshake_websocket_only (EngineFixture *f,
                               gconstpointer  data)
{
  g_autoptr(TestWs) ws = test_ws_open_session (f, NULL, NULL);

  test_ws_echo (ws, "websocket only");
}

static void
test_refused_polling_only (EngineFixture *f,
                           gconstpointer  data)
{
  /* The reference answers a refused upgrade with a plain HTTP 400 (server.ts abortUpgrade). */
  assert_ws_refused (f, "EIO=4&transport=websocket", 400);
}

static void
test_refused_bad_query (EngineFixture *f,
                        gconstpointer  data)
{
  assert_ws_refused (f, "transport=websocket", 400);
  assert_ws_refused (f, "EIO=abc&transport=websocket", 400);
  assert_ws_refused (f, "EIO=3&transport=websocket", 400);
  assert_ws_refused (f, "EIO=4", 400);
  assert_ws_refused (f, "EIO=4&transport=abc", 400);
  assert_ws_refused (f, "EIO=4&transport=websocket&sid=AAAAAAAAAAAAAAAAAAAA", 400);
  g_assert_cmpuint (sio_engine_server_get_n_sockets (f->engine), ==, 0);
}

static gboolean
refuse_request (SioEngineServer    *server,
                SoupServerMessage  *msg,
                char              **message,
                gpointer            user_data)
{
  (*(guint *) user_data)++;
  return FALSE;
}

static void
test_refused_forbidden (EngineFixture *f,
                        gconstpointer  data)
{
  g_autofree char *url = engine_fixture_url (f, TRUE, "EIO=4&transport=websocket");
  g_autoptr(TestWs) ws = NULL;
  guint n_calls = 0;
  guint status;

  sio_engine_server_set_allow_request_func (f->engine, refuse_request, &n_calls, NULL);
  ws = test_ws_connect (f->session, url);
  g_assert_null (ws->conn);
  g_assert_cmpuint (n_calls, ==, 1);
  g_assert_cmpuint (f->peers->len, ==, 0);

  /* The reference writes 400 for every refused upgrade; the header documents 403. */
  status = soup_message_get_status (ws->msg);
  g_test_message ("refused upgrade answered %u", status);
  g_assert_true (status == 400 || status == 403);

  sio_engine_server_set_allow_request_func (f->engine, NULL, NULL, NULL);
}

static void
test_message (EngineFixture *f,
              gconstpointer  data)
{
  g_autofree char *sid = NULL;
  g_autoptr(TestWs) ws = test_ws_open_session (f, &sid, NULL);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);

  test_ws_echo (ws, "hello");
  g_assert_cmpuint (peer->messages->len, ==, 1);
  assert_text_packet (g_ptr_array_index (peer->messages, 0), "hello");

  /* An empty message is a message. */
  test_ws_echo (ws, "");
  g_assert_cmpuint (peer->messages->len, ==, 2);
  assert_text_packet (g_ptr_array_index (peer->messages, 1), "");
}

static void
test_message_binary (EngineFixture *f,
                     gconstpointer  data)
{
  static const guint8 four[] = { 1, 2, 3, 4 };
  g_autofree char *sid = NULL;
  g_autoptr(TestWs) ws = test_ws_open_session (f, &sid, NULL);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);
  g_autoptr(GBytes) reply = NULL;

  /* Binary frames carry the message bytes alone, no type byte. */
  test_ws_send_binary (ws, four, sizeof four);
  reply = test_ws_next_binary (ws);
  g_assert_cmpmem (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), four, sizeof four);

  g_assert_cmpuint (peer->messages->len, ==, 1);
  assert_binary_packet (g_ptr_array_index (peer->messages, 0), four, sizeof four);
}

static void
test_message_base64_text (EngineFixture *f,
                          gconstpointer  data)
{
  static const guint8 four[] = { 1, 2, 3, 4 };
  g_autofree char *sid = NULL;
  g_autoptr(TestWs) ws = test_ws_open_session (f, &sid, NULL);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);
  g_autoptr(GBytes) reply = NULL;

  /* The reference decodes a "b" text frame as a binary message (clients without binary
   * support send these), and answers binary with a binary frame. */
  test_ws_send_text (ws, "bAQIDBA==");
  reply = test_ws_next_binary (ws);
  g_assert_cmpmem (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), four, sizeof four);
  g_assert_cmpuint (peer->messages->len, ==, 1);
  assert_binary_packet (g_ptr_array_index (peer->messages, 0), four, sizeof four);
}

static void
test_message_utf8 (EngineFixture *f,
                   gconstpointer  data)
{
  g_autoptr(TestWs) ws = test_ws_open_session (f, NULL, NULL);

  test_ws_echo (ws, "h\xc3\xa9llo \xe2\x98\x83 \xf0\x9f\x98\x80 \xe4\xb8\xad\xe6\x96\x87");
}

static void
test_message_sizes (EngineFixture *f,
                    gconstpointer  data)
{
  /* Around the 7-bit, 16-bit and 64-bit length encodings of RFC 6455 section 5.2. */
  static const gsize sizes[] = { 124, 125, 126, 127, 65534, 65535, 65536, 65537, 500000 };
  g_autoptr(TestWs) ws = test_ws_open_session (f, NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *text = g_malloc (sizes[i] + 1);
      g_autofree guint8 *bin = g_malloc (sizes[i]);
      g_autofree char *reply = NULL;
      g_autoptr(GBytes) bin_reply = NULL;

      text[0] = '4';
      for (gsize j = 1; j < sizes[i]; j++)
        text[j] = 'a' + (j % 26);
      text[sizes[i]] = '\0';
      for (gsize j = 0; j < sizes[i]; j++)
        bin[j] = (j * 13 + i) & 0xff;

      test_ws_send_text (ws, text);
      reply = test_ws_next_text (ws);
      g_assert_cmpuint (strlen (reply), ==, sizes[i]);
      g_assert_cmpstr (reply, ==, text);

      test_ws_send_binary (ws, bin, sizes[i]);
      bin_reply = test_ws_next_binary (ws);
      g_assert_cmpmem (g_bytes_get_data (bin_reply, NULL), g_bytes_get_size (bin_reply),
                       bin, sizes[i]);
    }
}

static void
test_message_order (EngineFixture *f,
                    gconstpointer  data)
{
  g_autofree char *sid = NULL;
  g_autoptr(TestWs) ws = test_ws_open_session (f, &sid, NULL);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);

  for (guint i = 0; i < 300; i++)
    {
      g_autofree char *text = g_strdup_printf ("4m%u", i);

      test_ws_send_text (ws, text);
    }

  for (guint i = 0; i < 300; i++)
    {
      g_autofree char *expected = g_strdup_printf ("4m%u", i);
      g_autofree char *reply = test_ws_next_text (ws);

      g_assert_cmpstr (reply, ==, expected);
    }

  g_assert_cmpuint (peer->messages->len, ==, 300);
}

static void
test_server_send (EngineFixture *f,
                  gconstpointer  data)
{
  static const guint8 three[] = { 1, 2, 3 };
  g_autoptr(GBytes) bytes = g_bytes_new_static (three, sizeof three);
  g_autoptr(SioEnginePacket) packet = sio_engine_packet_new (SIO_ENGINE_PACKET_MESSAGE, "d", -1);
  g_autofree char *sid = NULL;
  g_autoptr(TestWs) ws = test_ws_open_session (f, &sid, NULL);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);
  g_autofree char *a = NULL;
  g_autofree char *d = NULL;
  g_autoptr(GBytes) bin = NULL;

  sio_engine_socket_send_text (peer->socket, "a");
  sio_engine_socket_send_binary (peer->socket, bytes);
  sio_engine_socket_send (peer->socket, packet);

  /* One packet per frame. */
  a = test_ws_next_text (ws);
  g_assert_cmpstr (a, ==, "4a");
  bin = test_ws_next_binary (ws);
  g_assert_cmpmem (g_bytes_get_data (bin, NULL), g_bytes_get_size (bin), three, sizeof three);
  d = test_ws_next_text (ws);
  g_assert_cmpstr (d, ==, "4d");
}

static void
test_server_send_burst (EngineFixture *f,
                        gconstpointer  data)
{
  g_autofree char *sid = NULL;
  g_autoptr(TestWs) ws = test_ws_open_session (f, &sid, NULL);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);

  for (guint i = 0; i < 2000; i++)
    {
      g_autofree char *text = g_strdup_printf ("burst %u", i);

      sio_engine_socket_send_text (peer->socket, text);
    }

  for (guint i = 0; i < 2000; i++)
    {
      g_autofree char *expected = g_strdup_printf ("4burst %u", i);
      g_autofree char *reply = test_ws_next_text (ws);

      g_assert_cmpstr (reply, ==, expected);
    }
}

static void
test_invalid_packet (EngineFixture *f,
                     gconstpointer  data)
{
  g_autofree char *sid = NULL;
  g_autoptr(TestWs) ws = test_ws_open_session (f, &sid, NULL);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);

  test_ws_send_text (ws, "abc");
  test_ws_wait_closed (ws);
  WAIT_FOR (peer->n_closed == 1);
  g_assert_cmpint (peer->reason, ==, SIO_ENGINE_CLOSE_PARSE_ERROR);
  g_assert_cmpuint (peer->messages->len, ==, 0);
  g_assert_true (g_queue_is_empty (&ws->queue));
  WAIT_FOR (sio_engine_server_get_n_sockets (f->engine) == 0);
}

static void
test_client_close (EngineFixture *f,
                   gconstpointer  data)
{
  g_autofree char *sid = NULL;
  g_autoptr(TestWs) ws = test_ws_open_session (f, &sid, NULL);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);

  test_ws_echo (ws, "bye");
  test_ws_close (ws);
  WAIT_FOR (peer->n_closed == 1);
  g_assert_cmpint (peer->reason, ==, SIO_ENGINE_CLOSE_TRANSPORT_CLOSE);
  g_assert_cmpuint (ws->close_code, ==, SOUP_WEBSOCKET_CLOSE_NORMAL);
  WAIT_FOR (sio_engine_server_get_n_sockets (f->engine) == 0);
  g_assert_null (sio_engine_server_lookup (f->engine, sid));
  WAIT_FOR (peer->socket == NULL);
}

static void
test_client_close_packet (EngineFixture *f,
                          gconstpointer  data)
{
  g_autofree char *sid = NULL;
  g_autoptr(TestWs) ws = test_ws_open_session (f, &sid, NULL);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);

  /* A close packet ends the session as it does over polling. */
  test_ws_send_text (ws, "1");
  test_ws_wait_closed (ws);
  WAIT_FOR (peer->n_closed == 1);
  g_assert_cmpint (peer->reason, ==, SIO_ENGINE_CLOSE_TRANSPORT_CLOSE);
}

static void
test_client_disconnect (EngineFixture *f,
                        gconstpointer  data)
{
  g_autofree char *sid = NULL;
  g_autoptr(TestRaw) raw = raw_ws_session (f, &sid);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);

  /* The TCP connection goes away without a close frame. */
  g_clear_pointer (&raw, test_raw_free);
  WAIT_FOR (peer->n_closed == 1);
  g_assert_cmpint (peer->reason, ==, SIO_ENGINE_CLOSE_TRANSPORT_CLOSE);
  WAIT_FOR (sio_engine_server_get_n_sockets (f->engine) == 0);
}

static void
test_server_close (EngineFixture *f,
                   gconstpointer  data)
{
  g_autofree char *sid = NULL;
  g_autoptr(TestWs) ws = test_ws_open_session (f, &sid, NULL);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  sio_engine_socket_send_text (peer->socket, "a");
  sio_engine_socket_send_text (peer->socket, "b");
  sio_engine_socket_close (peer->socket);

  /* What was queued leaves before the close. */
  a = test_ws_next_text (ws);
  b = test_ws_next_text (ws);
  g_assert_cmpstr (a, ==, "4a");
  g_assert_cmpstr (b, ==, "4b");
  test_ws_wait_closed (ws);
  g_assert_true (g_queue_is_empty (&ws->queue));

  WAIT_FOR (peer->n_closed == 1);
  g_assert_cmpint (peer->reason, ==, SIO_ENGINE_CLOSE_FORCED);
  WAIT_FOR (sio_engine_server_get_n_sockets (f->engine) == 0);
}

static void
test_close_all (EngineFixture *f,
                gconstpointer  data)
{
  g_autofree char *sid1 = NULL;
  g_autofree char *sid2 = NULL;
  g_autoptr(TestWs) ws1 = test_ws_open_session (f, &sid1, NULL);
  g_autoptr(TestWs) ws2 = test_ws_open_session (f, &sid2, NULL);
  g_autofree char *sid3 = test_polling_handshake (f, NULL);

  sio_engine_server_close_all (f->engine);
  test_ws_wait_closed (ws1);
  test_ws_wait_closed (ws2);
  WAIT_FOR (sio_engine_server_get_n_sockets (f->engine) == 0);

  for (guint i = 0; i < f->peers->len; i++)
    {
      EnginePeer *peer = g_ptr_array_index (f->peers, i);

      g_assert_cmpuint (peer->n_closed, ==, 1);
      g_assert_cmpint (peer->reason, ==, SIO_ENGINE_CLOSE_FORCED);
    }
}

static void
test_frame_too_large (EngineFixture *f,
                      gconstpointer  data)
{
  g_autofree char *sid = NULL;
  g_autofree char *other_sid = NULL;
  g_autoptr(TestWs) ws = test_ws_open_session (f, &sid, NULL);
  g_autoptr(TestWs) other = test_ws_open_session (f, &other_sid, NULL);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);
  g_autofree char *text = g_malloc (1002);

  text[0] = '4';
  memset (text + 1, 'x', 1000);
  text[1001] = '\0';

  /* 1001 bytes against maxPayload 1000: "Message Too Big" (RFC 6455 section 7.4.1). */
  test_ws_send_text (ws, text);
  test_ws_wait_closed (ws);
  g_assert_cmpuint (ws->close_code, ==, SOUP_WEBSOCKET_CLOSE_TOO_BIG);

  WAIT_FOR (peer->n_closed == 1);
  g_assert_cmpint (peer->reason, ==, SIO_ENGINE_CLOSE_PAYLOAD_TOO_LARGE);
  g_assert_cmpstr (sio_engine_close_reason_to_string (peer->reason), ==, "transport error");
  g_assert_cmpuint (peer->messages->len, ==, 0);

  test_ws_echo (other, "unaffected");
}

static void
test_frame_max_size (EngineFixture *f,
                     gconstpointer  data)
{
  g_autoptr(TestWs) ws = test_ws_open_session (f, NULL, NULL);
  g_autofree char *text = g_malloc (1000);

  /* maxPayload is inclusive: 1000 bytes pass. */
  memset (text, 'y', 999);
  text[999] = '\0';
  test_ws_echo (ws, text);
}

static void
test_send_from_connection_cb (SioEngineServer *engine,
                              SioEngineSocket *socket,
                              gpointer         user_data)
{
  sio_engine_socket_send_text (socket, "welcome");
}

static void
test_send_from_connection (EngineFixture *f,
                           gconstpointer  data)
{
  g_autoptr(TestWs) ws = NULL;
  g_autofree char *welcome = NULL;

  g_signal_connect (f->engine, "connection", G_CALLBACK (test_send_from_connection_cb), NULL);
  /* test_ws_open_session() checks the open packet comes first. */
  ws = test_ws_open_session (f, NULL, NULL);
  welcome = test_ws_next_text (ws);
  g_assert_cmpstr (welcome, ==, "4welcome");
  g_signal_handlers_disconnect_by_func (f->engine, test_send_from_connection_cb, NULL);
}

static void
test_control_ping (EngineFixture *f,
                   gconstpointer  data)
{
  g_autoptr(TestRaw) raw = raw_ws_session (f, NULL);
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(GBytes) echo = NULL;
  guint8 first_byte = 0;

  /* A ping is answered with a pong carrying the same data (RFC 6455 section 5.5.2). */
  test_raw_ws_send (raw, 0x89, "hi", 2);
  g_assert_true (test_raw_ws_next_frame (raw, &first_byte, &payload));
  g_assert_cmpint (first_byte, ==, 0x8a);
  g_assert_cmpmem (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload), "hi", 2);

  /* An unsolicited pong is ignored. */
  test_raw_ws_send (raw, 0x8a, "zz", 2);
  test_raw_ws_send (raw, 0x81, "4after", -1);
  g_assert_true (test_raw_ws_next_frame (raw, &first_byte, &echo));
  g_assert_cmpint (first_byte, ==, 0x81);
  g_assert_cmpmem (g_bytes_get_data (echo, NULL), g_bytes_get_size (echo), "4after", 6);
}

static void
test_fragmented (EngineFixture *f,
                 gconstpointer  data)
{
  g_autofree char *sid = NULL;
  g_autoptr(TestRaw) raw = raw_ws_session (f, &sid);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);
  g_autoptr(GBytes) pong = NULL;
  g_autoptr(GBytes) echo = NULL;
  g_autoptr(GBytes) bin_echo = NULL;
  guint8 first_byte = 0;

  /* A text message in three fragments with a ping between them (RFC 6455 section 5.4). */
  test_raw_ws_send (raw, 0x01, "4he", -1);
  test_raw_ws_send (raw, 0x00, "l", -1);
  test_raw_ws_send (raw, 0x89, "p", -1);
  test_raw_ws_send (raw, 0x80, "lo", -1);

  g_assert_true (test_raw_ws_next_frame (raw, &first_byte, &pong));
  g_assert_cmpint (first_byte, ==, 0x8a);
  g_assert_true (test_raw_ws_next_frame (raw, &first_byte, &echo));
  g_assert_cmpint (first_byte, ==, 0x81);
  g_assert_cmpmem (g_bytes_get_data (echo, NULL), g_bytes_get_size (echo), "4hello", 6);

  /* And a binary one. */
  test_raw_ws_send (raw, 0x02, "\x01\x02", 2);
  test_raw_ws_send (raw, 0x80, "\x03", 1);
  g_assert_true (test_raw_ws_next_frame (raw, &first_byte, &bin_echo));
  g_assert_cmpint (first_byte, ==, 0x82);
  g_assert_cmpmem (g_bytes_get_data (bin_echo, NULL), g_bytes_get_size (bin_echo),
                   "\x01\x02\x03", 3);

  g_assert_cmpuint (peer->messages->len, ==, 2);
  assert_text_packet (g_ptr_array_index (peer->messages, 0), "hello");
  assert_binary_packet (g_ptr_array_index (peer->messages, 1), "\x01\x02\x03", 3);
}

static void
test_many_sessions (EngineFixture *f,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) clients = g_ptr_array_new_with_free_func ((GDestroyNotify) test_ws_free);

  for (guint i = 0; i < 30; i++)
    g_ptr_array_add (clients, test_ws_open_session (f, NULL, NULL));
  g_assert_cmpuint (sio_engine_server_get_n_sockets (f->engine), ==, 30);

  for (guint i = 0; i < clients->len; i++)
    {
      g_autofree char *text = g_strdup_printf ("client %u", i);

      test_ws_echo (g_ptr_array_index (clients, i), text);
    }

  g_ptr_array_set_size (clients, 0);
  WAIT_FOR (sio_engine_server_get_n_sockets (f->engine) == 0);
}

#define ADD(path, func, config) \
  g_test_add ("/sio/engine/websocket/" path, EngineFixture, config, engine_fixture_setup, func, \
              engine_fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("handshake", test_handshake, &custom_config);
  ADD ("handshake-websocket-only", test_handshake_websocket_only, &websocket_only_config);
  ADD ("refused/polling-only", test_refused_polling_only, &polling_only_config);
  ADD ("refused/bad-query", test_refused_bad_query, NULL);
  ADD ("refused/forbidden", test_refused_forbidden, NULL);
  ADD ("message", test_message, NULL);
  ADD ("message-binary", test_message_binary, NULL);
  ADD ("message-base64-text", test_message_base64_text, NULL);
  ADD ("message-utf8", test_message_utf8, NULL);
  ADD ("message-sizes", test_message_sizes, NULL);
  ADD ("message-order", test_message_order, NULL);
  ADD ("server-send", test_server_send, &no_echo_config);
  ADD ("server-send-burst", test_server_send_burst, &no_echo_config);
  ADD ("invalid-packet", test_invalid_packet, NULL);
  ADD ("client-close", test_client_close, NULL);
  ADD ("client-close-packet", test_client_close_packet, NULL);
  ADD ("client-disconnect", test_client_disconnect, NULL);
  ADD ("server-close", test_server_close, &no_echo_config);
  ADD ("close-all", test_close_all, NULL);
  ADD ("frame-too-large", test_frame_too_large, &small_payload_config);
  ADD ("frame-max-size", test_frame_max_size, &small_payload_config);
  ADD ("send-from-connection", test_send_from_connection, NULL);
  ADD ("control-ping", test_control_ping, NULL);
  ADD ("fragmented", test_fragmented, NULL);
  ADD ("many-sessions", test_many_sessions, NULL);

  return g_test_run ();
}
