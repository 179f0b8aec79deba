/* test-limits.c: the caps and timeouts that keep one client from taking the server
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SioHttpListener (connections in all and per address, the request timeout against slowloris,
 * peers that reset at once, the WebSocket fast path) and SioEngineServer (sessions per address,
 * packets per second), each over real sockets on 127.0.0.1 with the caps made to count loopback.
 */

#include "config.h"

#include "test-utils.h"

#ifdef G_OS_UNIX
# include <sys/socket.h>
#endif

typedef struct
{
  GPtrArray *reasons;   /* char *, from SioHttpListener::rejected */
} Rejections;

static void
on_rejected (SioHttpListener *listener,
             const char      *address,
             const char      *reason,
             Rejections      *rejections)
{
  g_assert_cmpstr (address, ==, "127.0.0.1");
  g_ptr_array_add (rejections->reasons, g_strdup (reason));
}

static gboolean
has_reason (Rejections *rejections,
            const char *fragment)
{
  for (guint i = 0; i < rejections->reasons->len; i++)
    if (strstr (g_ptr_array_index (rejections->reasons, i), fragment) != NULL)
      return TRUE;
  return FALSE;
}

static Rejections *
watch_rejections (EngineFixture *f)
{
  Rejections *rejections = g_new0 (Rejections, 1);

  rejections->reasons = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (f->listener, "rejected", G_CALLBACK (on_rejected), rejections);
  return rejections;
}

static void
rejections_free (Rejections *rejections)
{
  g_ptr_array_unref (rejections->reasons);
  g_free (rejections);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Rejections, rejections_free)

/* A polling handshake over a connection of its own, so each counts as one connection. */
static guint
handshake_status (EngineFixture *f)
{
  g_autoptr(TestRaw) raw = test_raw_connect (f->base);
  g_autofree char *headers = NULL;
  g_autofree char *body = NULL;

  test_raw_write_str (raw, "GET /engine.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                           "Connection: close\r\n\r\n");
  return test_raw_read_http_response (raw, &headers, &body);
}

static const EngineConfig three_per_address = { .max_per_address = 3 };

static void
test_connections_per_address (EngineFixture *f,
                              gconstpointer  data)
{
  g_autoptr(Rejections) rejections = watch_rejections (f);
  g_autoptr(TestRaw) a = test_raw_connect (f->base);
  g_autoptr(TestRaw) b = test_raw_connect (f->base);
  g_autoptr(TestRaw) c = test_raw_connect (f->base);
  g_autoptr(TestRaw) refused = NULL;

  WAIT_FOR (sio_http_listener_get_n_connections (f->listener) == 3);

  /* The fourth is closed before anything is read from it, without an answer. */
  refused = test_raw_connect (f->base);
  test_raw_write_str (refused, "GET /engine.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n\r\n");
  test_raw_wait_closed (refused);
  g_assert_cmpuint (refused->in->len, ==, 0);
  g_assert_true (has_reason (rejections, "too many connections from this address"));

  /* The three still get answers... */
  test_raw_write_str (a, "GET /engine.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n\r\n");
  g_assert_true (test_raw_wait_for_string (a, "\"sid\""));

  /* ...and once one goes, its place is free again. */
  g_clear_pointer (&b, test_raw_free);
  WAIT_FOR (sio_http_listener_get_n_connections (f->listener) == 2);
  g_assert_cmpuint (handshake_status (f), ==, 200);
}

static const EngineConfig short_requests = { .request_timeout = 300 };

static void
test_slow_headers (EngineFixture *f,
                   gconstpointer  data)
{
  g_autoptr(Rejections) rejections = watch_rejections (f);
  g_autoptr(TestRaw) slow = test_raw_connect (f->base);
  g_autoptr(TestRaw) silent = test_raw_connect (f->base);

  /* Slowloris: the headers never end. */
  test_raw_write_str (slow, "GET /engine.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n");
  test_raw_write_str (slow, "X-Trickle: 1\r\n");

  /* Others are served meanwhile. */
  g_free (test_polling_handshake (f, NULL));

  test_raw_wait_closed (slow);
  test_raw_wait_closed (silent);
  g_assert_cmpuint (slow->in->len, ==, 0);
  g_assert_cmpuint (silent->in->len, ==, 0);
  g_assert_true (has_reason (rejections, "no complete request within 0.3 s"));
  WAIT_FOR (sio_http_listener_get_n_connections (f->listener) <= 1);
}

static void
test_slow_body (EngineFixture *f,
                gconstpointer  data)
{
  g_autofree char *sid = test_polling_handshake (f, NULL);
  g_autofree char *request = NULL;
  g_autoptr(TestRaw) slow = test_raw_connect (f->base);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);

  /* A body that stops short of its Content-Length. */
  request = g_strdup_printf ("POST /engine.io/?EIO=4&transport=polling&sid=%s HTTP/1.1\r\nHost: x\r\n"
                             "Content-Type: text/plain\r\nContent-Length: 1000\r\n\r\n4hello", sid);
  test_raw_write_str (slow, request);
  test_raw_wait_closed (slow);
  g_assert_cmpuint (slow->in->len, ==, 0);
  /* Nothing of the half body reached the session. */
  g_assert_cmpuint (peer->messages->len, ==, 0);
}

static void
test_keep_alive (EngineFixture *f,
                 gconstpointer  data)
{
  g_autoptr(TestRaw) raw = test_raw_connect (f->base);
  g_autofree char *headers = NULL;
  g_autofree char *body = NULL;
  g_autofree char *headers2 = NULL;
  g_autofree char *body2 = NULL;

  /* One connection, two requests: the guard re-arms, libsoup keeps the connection. */
  test_raw_write_str (raw, "GET /engine.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n\r\n");
  g_assert_cmpuint (test_raw_read_http_response (raw, &headers, &body), ==, 200);
  test_raw_write_str (raw, "GET /engine.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n\r\n");
  g_assert_cmpuint (test_raw_read_http_response (raw, &headers2, &body2), ==, 200);
  g_assert_false (test_raw_is_finished (raw));
  g_assert_cmpuint (sio_http_listener_get_n_connections (f->listener), ==, 1);
}

/* A WebSocket steals its connection from libsoup: it still counts while open, and its place
 * is free once it closes. */
static void
test_websocket_counted (EngineFixture *f,
                        gconstpointer  data)
{
  g_autofree char *sid = NULL;
  TestWs *ws = test_ws_open_session (f, &sid, NULL);

  g_assert_cmpuint (sio_http_listener_get_n_connections (f->listener), ==, 1);
  test_ws_echo (ws, "still here");
  g_assert_cmpuint (sio_http_listener_get_n_connections (f->listener), ==, 1);

  test_ws_free (ws);
  WAIT_FOR (engine_fixture_find_peer (f, sid)->n_closed == 1);
  WAIT_FOR (sio_http_listener_get_n_connections (f->listener) == 0);
}

#ifdef G_OS_UNIX
/* Connect, then reset at once (SO_LINGER 0): the peer is gone before its address is read. A
 * warning from anyone here fails the test (fatal warnings). */
static void
test_reset_at_once (EngineFixture *f,
                    gconstpointer  data)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, g_uri_get_port (f->base));

  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                                G_SOCKET_PROTOCOL_TCP, NULL);
      struct linger linger = { 1, 0 };
      g_autoptr(GError) error = NULL;

      g_assert_nonnull (socket);
      g_assert_true (g_socket_connect (socket, address, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpint (setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER, &linger, sizeof linger), ==, 0);
      if (i % 2 == 0)
        g_socket_send (socket, "GET /engine.io/?EIO=4&transport=polling HTTP/1.1\r\n", 50, NULL, NULL);
      g_socket_close (socket, NULL);
      if (i % 20 == 0)
        test_drain_main_context ();
    }

  g_assert_cmpuint (handshake_status (f), ==, 200);
  WAIT_FOR (sio_http_listener_get_n_connections (f->listener) == 0);
}
#endif

static void
count_request (SoupServer        *server,
               SoupServerMessage *msg,
               guint             *n)
{
  (*n)++;
}

/* A plain direct WebSocket handshake is answered without libsoup seeing a request; its
 * answer is the RFC's, and the session works. */
static void
test_fast_path_taken (EngineFixture *f,
                      gconstpointer  data)
{
  guint n_requests = 0;
  g_autoptr(TestRaw) raw = NULL;
  g_autofree char *sid = NULL;
  TestWs *ws;
  guint8 first_byte;
  g_autoptr(GBytes) payload = NULL;

  g_signal_connect (f->soup, "request-started", G_CALLBACK (count_request), &n_requests);

  raw = test_raw_ws_connect (f->base, NULL, "EIO=4&transport=websocket");
  g_assert_true (test_raw_ws_next_frame (raw, &first_byte, &payload));
  g_assert_cmpint (first_byte, ==, 0x81);
  g_assert_true (g_str_has_prefix (g_bytes_get_data (payload, NULL), "0{\"sid\":"));
  g_assert_cmpuint (n_requests, ==, 0);

  ws = test_ws_open_session (f, &sid, NULL);
  test_ws_echo (ws, "fast");
  g_assert_cmpuint (n_requests, ==, 0);
  test_ws_free (ws);

  /* Polling goes through libsoup as ever. */
  g_free (test_polling_handshake (f, NULL));
  g_assert_cmpuint (n_requests, ==, 1);
  g_signal_handlers_disconnect_by_data (f->soup, &n_requests);
}

/* What the fast path does not take, libsoup answers as before. */
static void
test_fast_path_declines (EngineFixture *f,
                         gconstpointer  data)
{
  guint n_requests = 0;
  g_autoptr(TestRaw) bad_key = test_raw_connect (f->base);
  g_autoptr(TestRaw) probe = NULL;
  g_autofree char *sid = test_polling_handshake (f, NULL);
  g_autofree char *query = g_strdup_printf ("EIO=4&transport=websocket&sid=%s", sid);
  g_autofree char *headers = NULL;

  g_signal_connect (f->soup, "request-started", G_CALLBACK (count_request), &n_requests);

  test_raw_write_str (bad_key, "GET /engine.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\n"
                               "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                               "Sec-WebSocket-Key: too-short\r\nSec-WebSocket-Version: 13\r\n\r\n");
  g_assert_cmpuint (test_raw_read_http_response (bad_key, &headers, NULL), ==, 400);
  g_assert_cmpuint (n_requests, ==, 1);

  /* An upgrade of a polling session (it has a sid) is libsoup's too, and works. */
  probe = test_raw_ws_connect (f->base, NULL, query);
  g_assert_cmpuint (n_requests, ==, 2);
  g_signal_handlers_disconnect_by_data (f->soup, &n_requests);
}

static const EngineConfig two_sessions = { .max_sessions_per_address = 2 };

static void
test_sessions_per_address (EngineFixture *f,
                           gconstpointer  data)
{
  g_autofree char *first = test_polling_handshake (f, NULL);
  g_autofree char *second = test_polling_handshake (f, NULL);
  g_autofree char *url = engine_fixture_url (f, FALSE, "EIO=4&transport=polling");
  g_autoptr(TestHttp) third = test_http_run (f->session, "GET", url, NULL, NULL, 0);
  g_autoptr(TestHttp) close = NULL;
  g_autoptr(TestHttp) again = NULL;

  /* Polling sessions hold no connection: only the engine can count them. */
  test_assert_http_error (third, 403, 4, "Too many sessions from this address");

  close = test_polling_post (f, first, "1", 1);
  WAIT_FOR (engine_fixture_find_peer (f, first)->n_closed == 1);
  again = test_http_run (f->session, "GET", url, NULL, NULL, 0);
  g_assert_cmpuint (again->status, ==, 200);
  g_assert_nonnull (strstr (again->text, "\"sid\""));
}

static const EngineConfig twenty_packets = { .max_packet_rate = 20 };

static void
test_packet_rate (EngineFixture *f,
                  gconstpointer  data)
{
  g_autofree char *calm_sid = NULL;
  g_autofree char *flood_sid = NULL;
  g_autoptr(TestWs) calm = test_ws_open_session (f, &calm_sid, NULL);
  g_autoptr(TestWs) flood = test_ws_open_session (f, &flood_sid, NULL);
  EnginePeer *flooder = engine_fixture_find_peer (f, flood_sid);

  /* A second's worth goes through at once; the rest of a flood ends the session. */
  for (guint i = 0; i < 200; i++)
    test_ws_send_text (flood, "4spam");
  WAIT_FOR (flooder->n_closed == 1);
  g_assert_cmpint (flooder->reason, ==, SIO_ENGINE_CLOSE_TRANSPORT_ERROR);
  g_assert_cmpstr (flooder->description, ==, "too many packets (max-packet-rate)");
  g_assert_cmpuint (flooder->messages->len, <=, 20 + 1);
  g_assert_cmpuint (flooder->messages->len, >=, 20);

  /* Within the rate, nothing happens. */
  for (guint i = 0; i < 5; i++)
    test_ws_echo (calm, "hello");
  g_assert_cmpuint (engine_fixture_find_peer (f, calm_sid)->n_closed, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, config, func) \
  g_test_add (path, EngineFixture, config, engine_fixture_setup, func, engine_fixture_teardown)

  ADD ("/limits/connections-per-address", &three_per_address, test_connections_per_address);
  ADD ("/limits/slow-headers", &short_requests, test_slow_headers);
  ADD ("/limits/slow-body", &short_requests, test_slow_body);
  ADD ("/limits/keep-alive", &short_requests, test_keep_alive);
  ADD ("/limits/websocket-counted", NULL, test_websocket_counted);
  ADD ("/limits/fast-path/taken", NULL, test_fast_path_taken);
  ADD ("/limits/fast-path/declines", NULL, test_fast_path_declines);
#ifdef G_OS_UNIX
  ADD ("/limits/reset-at-once", NULL, test_reset_at_once);
#endif
  ADD ("/limits/sessions-per-address", &two_sessions, test_sessions_per_address);
  ADD ("/limits/packet-rate", &twenty_packets, test_packet_rate);

  return g_test_run ();
}
