/* test-engine-upgrade.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "test-utils.h"

#include <string.h>

static const EngineConfig no_echo_config = { .no_echo = TRUE };
static const EngineConfig polling_only_config = { .transports = SIO_ENGINE_TRANSPORT_POLLING };

static TestWs *
open_upgrade_ws (EngineFixture *f,
                 const char    *sid)
{
  g_autofree char *url = engine_fixture_sid_url (f, TRUE, sid);
  TestWs *ws = test_ws_connect (f->session, url);

  g_assert_no_error (ws->connect_error);
  g_assert_nonnull (ws->conn);
  return ws;
}

static void
probe (TestWs *ws)
{
  g_autofree char *reply = NULL;

  test_ws_send_text (ws, "2probe");
  reply = test_ws_next_text (ws);
  g_assert_cmpstr (reply, ==, "3probe");
}

/* The whole client side of an upgrade, as engine.io-client does it. */
static TestWs *
upgrade (EngineFixture *f,
         const char    *sid)
{
  TestWs *ws = open_upgrade_ws (f, sid);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);

  probe (ws);
  test_ws_send_text (ws, "5");
  WAIT_FOR (peer->n_upgraded == 1);
  return ws;
}

static void
test_basic (EngineFixture *f,
            gconstpointer  data)
{
  g_autofree char *sid = test_polling_handshake (f, NULL);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);
  g_autoptr(TestWs) ws = open_upgrade_ws (f, sid);
  g_autoptr(TestHttp) get = NULL;
  g_autofree char *reply = NULL;

  /* Opening the WebSocket does not make a new session or send an open packet. */
  g_assert_cmpuint (f->peers->len, ==, 1);
  probe (ws);
  g_assert_cmpint (sio_engine_socket_get_transport (peer->socket), ==,
                   SIO_ENGINE_TRANSPORT_POLLING);
  g_assert_cmpuint (peer->n_upgraded, ==, 0);

  /* The server ends the poll with a noop so the client can pause polling. */
  get = test_polling_get (f, sid);
  g_assert_cmpuint (get->status, ==, 200);
  g_assert_cmpstr (get->text, ==, "6");

  test_ws_send_text (ws, "5");
  test_ws_send_text (ws, "4hello");
  reply = test_ws_next_text (ws);
  g_assert_cmpstr (reply, ==, "4hello");

  g_assert_cmpuint (peer->n_upgraded, ==, 1);
  g_assert_cmpint (peer->transport_at_upgrade, ==, SIO_ENGINE_TRANSPORT_WEBSOCKET);
  g_assert_cmpint (sio_engine_socket_get_transport (peer->socket), ==,
                   SIO_ENGINE_TRANSPORT_WEBSOCKET);
  g_assert_cmpstr (sio_engine_socket_get_id (peer->socket), ==, sid);
  g_assert_true (sio_engine_socket_is_open (peer->socket));
  g_assert_cmpuint (f->peers->len, ==, 1);
  g_assert_cmpuint (sio_engine_server_get_n_sockets (f->engine), ==, 1);
  g_assert_cmpuint (peer->messages->len, ==, 1);
}

static void
test_held_poll (EngineFixture *f,
                gconstpointer  data)
{
  g_autofree char *sid = test_polling_handshake (f, NULL);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);
  g_autoptr(TestHttp) get = test_polling_get_begin (f, sid);
  g_autoptr(TestWs) ws = NULL;

  /* A poll held when the probe arrives is answered with a noop. */
  WAIT_FOR (sio_engine_socket_is_writable (peer->socket));
  ws = open_upgrade_ws (f, sid);
  probe (ws);
  test_http_wait (get);
  g_assert_cmpuint (get->status, ==, 200);
  g_assert_cmpstr (get->text, ==, "6");

  test_ws_send_text (ws, "5");
  WAIT_FOR (peer->n_upgraded == 1);
  test_ws_echo (ws, "upgraded");
}

static void
test_queued_during_upgrade (EngineFixture *f,
                            gconstpointer  data)
{
  g_autofree char *sid = test_polling_handshake (f, NULL);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);
  g_autoptr(TestWs) ws = open_upgrade_ws (f, sid);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;

  /* Sent while no poll is held: it waits for the upgrade and leaves on the WebSocket. */
  sio_engine_socket_send_text (peer->socket, "before probe");
  probe (ws);
  sio_engine_socket_send_text (peer->socket, "during");
  test_ws_send_text (ws, "5");
  WAIT_FOR (peer->n_upgraded == 1);
  sio_engine_socket_send_text (peer->socket, "after");

  first = test_ws_next_text (ws);
  second = test_ws_next_text (ws);
  third = test_ws_next_text (ws);
  g_assert_cmpstr (first, ==, "4before probe");
  g_assert_cmpstr (second, ==, "4during");
  g_assert_cmpstr (third, ==, "4after");
}

static void
test_polling_during_upgrade (EngineFixture *f,
                             gconstpointer  data)
{
  g_autofree char *sid = test_polling_handshake (f, NULL);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);
  g_autoptr(TestWs) ws = open_upgrade_ws (f, sid);
  g_autoptr(TestHttp) post = NULL;
  g_autofree char *reply = NULL;

  /* Until "5", polling still carries the session. */
  probe (ws);
  post = test_polling_post (f, sid, "4via polling", -1);
  g_assert_cmpuint (post->status, ==, 200);
  g_assert_cmpstr (post->text, ==, "ok");

  test_ws_send_text (ws, "5");
  WAIT_FOR (peer->n_upgraded == 1);
  test_ws_send_text (ws, "4via websocket");

  /* The echo of the polling message was queued; it comes out on the WebSocket, in order. */
  reply = test_ws_next_text (ws);
  g_assert_cmpstr (reply, ==, "4via polling");
  g_free (g_steal_pointer (&reply));
  reply = test_ws_next_text (ws);
  g_assert_cmpstr (reply, ==, "4via websocket");
  g_assert_cmpuint (peer->messages->len, ==, 2);
}

static void
test_polling_refused_after (EngineFixture *f,
                            gconstpointer  data)
{
  g_autofree char *sid = test_polling_handshake (f, NULL);
  g_autoptr(TestWs) ws = upgrade (f, sid);
  g_autoptr(TestHttp) get = test_polling_get (f, sid);
  g_autoptr(TestHttp) post = test_polling_post (f, sid, "4nope", -1);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);

  /* The reference: TRANSPORT_MISMATCH, a 400 "Bad request"; the session itself is fine. */
  test_assert_http_error (get, 400, 3, "Bad request");
  test_assert_http_error (post, 400, 3, "Bad request");
  g_assert_cmpuint (peer->n_closed, ==, 0);
  g_assert_cmpuint (peer->messages->len, ==, 0);
  test_ws_echo (ws, "hello");
}

static void
test_second_websocket_after (EngineFixture *f,
                             gconstpointer  data)
{
  g_autofree char *sid = test_polling_handshake (f, NULL);
  g_autoptr(TestWs) ws = upgrade (f, sid);
  g_autofree char *url = engine_fixture_sid_url (f, TRUE, sid);
  g_autoptr(TestWs) ws2 = test_ws_connect (f->session, url);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);

  /* Refused or opened and closed at once; it never carries anything. */
  if (ws2->conn != NULL)
    {
      test_ws_wait_closed (ws2);
      g_assert_true (g_queue_is_empty (&ws2->queue));
    }

  g_assert_cmpuint (peer->n_closed, ==, 0);
  g_assert_cmpuint (peer->n_upgraded, ==, 1);
  test_ws_echo (ws, "hello");
}

static void
test_second_websocket_during (EngineFixture *f,
                              gconstpointer  data)
{
  g_autofree char *sid = test_polling_handshake (f, NULL);
  g_autoptr(TestWs) ws = open_upgrade_ws (f, sid);
  g_autofree char *url = engine_fixture_sid_url (f, TRUE, sid);
  g_autoptr(TestWs) ws2 = NULL;
  EnginePeer *peer = engine_fixture_find_peer (f, sid);

  probe (ws);
  /* The session is already upgrading (reference: "transport has already been trying to
   * upgrade"). */
  ws2 = test_ws_connect (f->session, url);
  if (ws2->conn != NULL)
    {
      test_ws_send_text (ws2, "2probe");
      test_ws_wait_closed (ws2);
      g_assert_true (g_queue_is_empty (&ws2->queue));
    }

  test_ws_send_text (ws, "5");
  WAIT_FOR (peer->n_upgraded == 1);
  test_ws_echo (ws, "first wins");
}

static void
test_bad_packet_before_probe (EngineFixture *f,
                              gconstpointer  data)
{
  g_autofree char *sid = test_polling_handshake (f, NULL);
  g_autoptr(TestWs) ws = open_upgrade_ws (f, sid);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);

  /* Anything but the probe (or "5" after it) drops the candidate WebSocket, not the session. */
  test_ws_send_text (ws, "4too early");
  test_ws_wait_closed (ws);

  g_assert_cmpuint (peer->n_closed, ==, 0);
  g_assert_cmpuint (peer->n_upgraded, ==, 0);
  g_assert_cmpuint (peer->messages->len, ==, 0);
  g_assert_cmpint (sio_engine_socket_get_transport (peer->socket), ==,
                   SIO_ENGINE_TRANSPORT_POLLING);
  test_polling_echo (f, sid, "still polling");
}

static void
test_websocket_closed_during (EngineFixture *f,
                              gconstpointer  data)
{
  g_autofree char *sid = test_polling_handshake (f, NULL);
  g_autoptr(TestWs) ws = open_upgrade_ws (f, sid);
  g_autoptr(TestWs) ws2 = NULL;
  EnginePeer *peer = engine_fixture_find_peer (f, sid);

  /* The client gives up between probe and upgrade: polling goes on, and a later upgrade
   * works. */
  probe (ws);
  test_ws_close (ws);
  g_clear_pointer (&ws, test_ws_free);

  test_polling_echo (f, sid, "still polling");
  g_assert_cmpuint (peer->n_closed, ==, 0);

  ws2 = upgrade (f, sid);
  test_ws_echo (ws2, "second try");
  g_assert_cmpuint (peer->n_upgraded, ==, 1);
}

static void
test_close_after (EngineFixture *f,
                  gconstpointer  data)
{
  g_autofree char *sid = test_polling_handshake (f, NULL);
  g_autoptr(TestWs) ws = upgrade (f, sid);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);

  test_ws_close (ws);
  WAIT_FOR (peer->n_closed == 1);
  g_assert_cmpint (peer->reason, ==, SIO_ENGINE_CLOSE_TRANSPORT_CLOSE);
  WAIT_FOR (sio_engine_server_get_n_sockets (f->engine) == 0);
}

static void
test_server_close_after (EngineFixture *f,
                         gconstpointer  data)
{
  g_autofree char *sid = test_polling_handshake (f, NULL);
  g_autoptr(TestWs) ws = upgrade (f, sid);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);
  g_autofree char *last = NULL;

  sio_engine_socket_send_text (peer->socket, "last");
  sio_engine_socket_close (peer->socket);
  last = test_ws_next_text (ws);
  g_assert_cmpstr (last, ==, "4last");
  test_ws_wait_closed (ws);
  WAIT_FOR (peer->n_closed == 1);
  g_assert_cmpint (peer->reason, ==, SIO_ENGINE_CLOSE_FORCED);
}

static void
test_session_closed_during (EngineFixture *f,
                            gconstpointer  data)
{
  g_autofree char *sid = test_polling_handshake (f, NULL);
  g_autoptr(TestWs) ws = open_upgrade_ws (f, sid);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);

  /* The session ends while the WebSocket waits for "5": the WebSocket goes with it. */
  probe (ws);
  sio_engine_socket_close (peer->socket);

  /* Polling is still the transport: the close packet goes out on the next poll (the
   * reference holds an orderly close until then). */
  {
    g_autoptr(TestHttp) get = test_polling_get (f, sid);

    g_assert_cmpuint (get->status, ==, 200);
    g_assert_true (g_str_equal (get->text, "1") || g_str_equal (get->text, "6\x1e" "1"));
  }

  WAIT_FOR (peer->n_closed == 1);
  g_assert_cmpint (peer->reason, ==, SIO_ENGINE_CLOSE_FORCED);
  test_ws_wait_closed (ws);
  g_assert_cmpuint (peer->n_upgraded, ==, 0);
}

static void
test_upgrade_disabled_transport (EngineFixture *f,
                                 gconstpointer  data)
{
  g_autoptr(JsonObject) open = NULL;
  g_autofree char *sid = test_polling_handshake (f, &open);
  g_autofree char *url = engine_fixture_sid_url (f, TRUE, sid);
  g_autoptr(TestWs) ws = NULL;

  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (open, "upgrades")), ==, 0);
  ws = test_ws_connect (f->session, url);
  g_assert_null (ws->conn);
  test_polling_echo (f, sid, "still polling");
}

static void
test_binary_after (EngineFixture *f,
                   gconstpointer  data)
{
  static const guint8 bytes[] = { 0, 0xff, 0x1e, 0x34 };
  g_autofree char *sid = test_polling_handshake (f, NULL);
  g_autoptr(TestWs) ws = upgrade (f, sid);
  g_autoptr(GBytes) reply = NULL;

  /* On the WebSocket, binary is a binary frame again (not "b" + base64). */
  test_ws_send_binary (ws, bytes, sizeof bytes);
  reply = test_ws_next_binary (ws);
  g_assert_cmpmem (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), bytes, sizeof bytes);
}

#define ADD(path, func, config) \
  g_test_add ("/sio/engine/upgrade/" path, EngineFixture, config, engine_fixture_setup, func, \
              engine_fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("basic", test_basic, NULL);
  ADD ("held-poll", test_held_poll, NULL);
  ADD ("queued-during-upgrade", test_queued_during_upgrade, &no_echo_config);
  ADD ("polling-during-upgrade", test_polling_during_upgrade, NULL);
  ADD ("polling-refused-after", test_polling_refused_after, NULL);
  ADD ("second-websocket-after", test_second_websocket_after, NULL);
  ADD ("second-websocket-during", test_second_websocket_during, NULL);
  ADD ("bad-packet-before-probe", test_bad_packet_before_probe, NULL);
  ADD ("websocket-closed-during", test_websocket_closed_during, NULL);
  ADD ("close-after", test_close_after, NULL);
  ADD ("server-close-after", test_server_close_after, &no_echo_config);
  ADD ("session-closed-during", test_session_closed_during, NULL);
  ADD ("disabled-transport", test_upgrade_disabled_transport, &polling_only_config);
  ADD ("binary-after", test_binary_after, NULL);

  return g_test_run ();
}
