/* test-engine-heartbeat.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Short intervals make the server ping fast; the timeouts stay long wherever the test answers,
 * so a slow machine can only make a test slower, never make it fail.
 */

#include "config.h"

#include "test-utils.h"

#include <string.h>

/* Pings every 50 ms, a generous 5 s to answer. */
static const EngineConfig fast_ping_config = {
  .ping_interval = 50,
  .ping_timeout = 5000,
};
/* Nobody answers: the session must die. */
static const EngineConfig timeout_config = {
  .ping_interval = 50,
  .ping_timeout = 50,
};
/* Long enough for the client to get a second poll in before the session times out. */
static const EngineConfig held_timeout_config = {
  .ping_interval = 50,
  .ping_timeout = 2000,
};
static const EngineConfig interval_config = {
  .ping_interval = 200,
  .ping_timeout = 5000,
};

static void
test_polling_ping_pong (EngineFixture *f,
                        gconstpointer  data)
{
  g_autofree char *sid = test_polling_handshake (f, NULL);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);

  /* One ping per pong: each poll carries exactly "2". */
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(TestHttp) get = test_polling_get (f, sid);
      g_autoptr(TestHttp) post = NULL;

      g_assert_cmpuint (get->status, ==, 200);
      g_assert_cmpstr (get->text, ==, "2");

      post = test_polling_post (f, sid, "3", -1);
      g_assert_cmpuint (post->status, ==, 200);
      g_assert_cmpstr (post->text, ==, "ok");
    }

  g_assert_cmpuint (peer->n_closed, ==, 0);
  g_assert_cmpuint (peer->messages->len, ==, 0);
  test_polling_echo (f, sid, "alive");
}

static void
test_polling_timeout (EngineFixture *f,
                      gconstpointer  data)
{
  g_autofree char *sid = test_polling_handshake (f, NULL);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);
  g_autoptr(TestHttp) get = NULL;

  WAIT_FOR (peer->n_closed == 1);
  g_assert_cmpint (peer->reason, ==, SIO_ENGINE_CLOSE_PING_TIMEOUT);
  g_assert_cmpstr (sio_engine_close_reason_to_string (peer->reason), ==, "ping timeout");
  WAIT_FOR (sio_engine_server_get_n_sockets (f->engine) == 0);

  get = test_polling_get (f, sid);
  test_assert_http_error (get, 400, 1, "Session ID unknown");
}

static void
test_polling_timeout_held_poll (EngineFixture *f,
                                gconstpointer  data)
{
  g_autofree char *sid = test_polling_handshake (f, NULL);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);
  g_autoptr(TestHttp) first = test_polling_get (f, sid);
  g_autoptr(TestHttp) held = NULL;

  /* The first poll takes the ping; the next one is held when the timeout fires and is ended
   * with a close packet. */
  g_assert_cmpstr (first->text, ==, "2");
  held = test_polling_get_begin (f, sid);
  WAIT_FOR (peer->n_closed == 1);
  g_assert_cmpint (peer->reason, ==, SIO_ENGINE_CLOSE_PING_TIMEOUT);
  test_http_wait (held);
  g_assert_cmpuint (held->status, ==, 200);
  g_assert_cmpstr (held->text, ==, "1");
}

static void
test_polling_first_ping_after_interval (EngineFixture *f,
                                        gconstpointer  data)
{
  gint64 start = g_get_monotonic_time ();
  g_autofree char *sid = test_polling_handshake (f, NULL);
  g_autoptr(TestHttp) get = test_polling_get (f, sid);
  gint64 elapsed = g_get_monotonic_time () - start;

  /* A lower bound only: the timer starts at the handshake, and no ping leaves before
   * pingInterval (200 ms) has passed. A loaded machine can only make this longer. */
  g_assert_cmpstr (get->text, ==, "2");
  g_assert_cmpint (elapsed, >=, 200 * 1000 - 1000);
}

static void
test_polling_messages_do_not_replace_pong (EngineFixture *f,
                                           gconstpointer  data)
{
  g_autofree char *sid = test_polling_handshake (f, NULL);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);
  guint n = 0;

  /* Only a pong answers a ping: a stream of messages does not keep the session alive. */
  while (peer->n_closed == 0)
    {
      g_autofree char *body = g_strdup_printf ("4m%u", n++);
      g_autoptr(TestHttp) post = test_polling_post (f, sid, body, -1);

      if (post->status != 200)
        break;
      test_drain_main_context ();
    }

  WAIT_FOR (peer->n_closed == 1);
  g_assert_cmpint (peer->reason, ==, SIO_ENGINE_CLOSE_PING_TIMEOUT);
}

static void
test_websocket_ping_pong (EngineFixture *f,
                          gconstpointer  data)
{
  g_autofree char *sid = NULL;
  g_autoptr(TestWs) ws = test_ws_open_session (f, &sid, NULL);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *ping = test_ws_next_text (ws);

      g_assert_cmpstr (ping, ==, "2");
      test_ws_send_text (ws, "3");
    }

  g_assert_cmpuint (peer->n_closed, ==, 0);
  g_assert_cmpuint (peer->messages->len, ==, 0);
}

static void
test_websocket_timeout (EngineFixture *f,
                        gconstpointer  data)
{
  g_autofree char *sid = NULL;
  g_autoptr(TestWs) ws = test_ws_open_session (f, &sid, NULL);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);

  /* The client reads the ping but never answers: the server closes the WebSocket. */
  test_ws_wait_closed (ws);
  WAIT_FOR (peer->n_closed == 1);
  g_assert_cmpint (peer->reason, ==, SIO_ENGINE_CLOSE_PING_TIMEOUT);
  WAIT_FOR (sio_engine_server_get_n_sockets (f->engine) == 0);
}

static void
test_unsolicited_pong (EngineFixture *f,
                       gconstpointer  data)
{
  g_autofree char *sid = NULL;
  g_autoptr(TestWs) ws = test_ws_open_session (f, &sid, NULL);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);

  /* The reference just re-arms its timers on a pong nobody asked for. */
  test_ws_send_text (ws, "3");
  test_ws_echo (ws, "still here");
  g_assert_cmpuint (peer->n_closed, ==, 0);
}

static void
test_client_ping_websocket (EngineFixture *f,
                            gconstpointer  data)
{
  g_autofree char *sid = NULL;
  g_autoptr(TestWs) ws = test_ws_open_session (f, &sid, NULL);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);

  /* In v4 only the server pings (reference: "invalid heartbeat direction"). */
  test_ws_send_text (ws, "2");
  WAIT_FOR (peer->n_closed == 1);
  g_assert_cmpint (peer->reason, ==, SIO_ENGINE_CLOSE_TRANSPORT_ERROR);
  test_ws_wait_closed (ws);
}

static void
test_client_ping_polling (EngineFixture *f,
                          gconstpointer  data)
{
  g_autofree char *sid = test_polling_handshake (f, NULL);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);
  g_autoptr(TestHttp) post = test_polling_post (f, sid, "2", -1);
  g_autoptr(TestHttp) get = NULL;

  WAIT_FOR (peer->n_closed == 1);
  g_assert_cmpint (peer->reason, ==, SIO_ENGINE_CLOSE_TRANSPORT_ERROR);
  get = test_polling_get (f, sid);
  test_assert_http_error (get, 400, 1, "Session ID unknown");
}

static void
test_after_upgrade (EngineFixture *f,
                    gconstpointer  data)
{
  g_autofree char *sid = test_polling_handshake (f, NULL);
  g_autofree char *url = engine_fixture_sid_url (f, TRUE, sid);
  g_autoptr(TestWs) ws = test_ws_connect (f->session, url);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);
  g_autofree char *probe = NULL;
  guint n_pings = 0;

  /* Upgrade without polling; pings queued meanwhile follow on the WebSocket. */
  g_assert_nonnull (ws->conn);
  test_ws_send_text (ws, "2probe");
  probe = test_ws_next_text (ws);
  g_assert_cmpstr (probe, ==, "3probe");
  test_ws_send_text (ws, "5");
  WAIT_FOR (peer->n_upgraded == 1);

  while (n_pings < 5)
    {
      g_autofree char *text = test_ws_next_text (ws);

      g_assert_cmpstr (text, ==, "2");
      test_ws_send_text (ws, "3");
      n_pings++;
    }

  g_assert_cmpuint (peer->n_closed, ==, 0);
  g_assert_cmpint (sio_engine_socket_get_transport (peer->socket), ==,
                   SIO_ENGINE_TRANSPORT_WEBSOCKET);
}

static void
test_timeout_after_upgrade (EngineFixture *f,
                            gconstpointer  data)
{
  g_autofree char *sid = test_polling_handshake (f, NULL);
  g_autofree char *url = engine_fixture_sid_url (f, TRUE, sid);
  g_autoptr(TestWs) ws = test_ws_connect (f->session, url);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);

  /* The session may time out before, during or after the upgrade; either way it ends once,
   * with "ping timeout", and takes the WebSocket along. */
  if (ws->conn != NULL)
    {
      test_ws_send_text (ws, "2probe");
      test_ws_send_text (ws, "5");
    }
  WAIT_FOR (peer->n_closed == 1);
  g_assert_cmpint (peer->reason, ==, SIO_ENGINE_CLOSE_PING_TIMEOUT);
  if (ws->conn != NULL)
    test_ws_wait_closed (ws);
}

#define ADD(path, func, config) \
  g_test_add ("/sio/engine/heartbeat/" path, EngineFixture, config, engine_fixture_setup, func, \
              engine_fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("polling/ping-pong", test_polling_ping_pong, &fast_ping_config);
  ADD ("polling/timeout", test_polling_timeout, &timeout_config);
  ADD ("polling/timeout-held-poll", test_polling_timeout_held_poll, &held_timeout_config);
  ADD ("polling/first-ping-after-interval", test_polling_first_ping_after_interval,
       &interval_config);
  ADD ("polling/messages-do-not-replace-pong", test_polling_messages_do_not_replace_pong,
       &timeout_config);
  ADD ("polling/client-ping", test_client_ping_polling, NULL);
  ADD ("websocket/ping-pong", test_websocket_ping_pong, &fast_ping_config);
  ADD ("websocket/timeout", test_websocket_timeout, &timeout_config);
  ADD ("websocket/unsolicited-pong", test_unsolicited_pong, NULL);
  ADD ("websocket/client-ping", test_client_ping_websocket, NULL);
  ADD ("upgrade/ping-pong", test_after_upgrade, &fast_ping_config);
  ADD ("upgrade/timeout", test_timeout_after_upgrade, &timeout_config);

  return g_test_run ();
}
