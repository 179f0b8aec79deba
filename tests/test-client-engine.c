/* test-client-engine.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* SioEngineClient against our SioEngineServer (polling only, WebSocket only, polling upgraded
 * to WebSocket), and against scripted fake servers that misbehave: every bad answer must end
 * in "close" with a clear GError, never a crash, a hang or a warning. */

#include "config.h"

#include <string.h>

#include "test-utils.h"
#include "sio-client-private.h"
#include "sio-client-transport-private.h"

typedef struct
{
  const char          *name;
  SioEngineTransports  transports;
  gboolean             upgrade;
  SioEngineTransports  final;        /* the transport once settled */
} Mode;

static const Mode modes[] = {
  { "polling", SIO_ENGINE_TRANSPORT_POLLING, FALSE, SIO_ENGINE_TRANSPORT_POLLING },
  { "websocket", SIO_ENGINE_TRANSPORT_WEBSOCKET, FALSE, SIO_ENGINE_TRANSPORT_WEBSOCKET },
  { "upgrade", SIO_ENGINE_TRANSPORT_POLLING | SIO_ENGINE_TRANSPORT_WEBSOCKET, TRUE,
    SIO_ENGINE_TRANSPORT_WEBSOCKET },
};

/* EngineConfig first, so the shared engine fixture can read it. */
typedef struct
{
  EngineConfig  config;
  const Mode   *mode;
} Case;

/* ---- What a client reported ------------------------------------------------------------ */

typedef struct
{
  SioEngineClient *client;
  guint            n_open;
  guint            n_close;
  guint            n_upgrade;
  guint            n_upgrade_error;
  guint            n_ping;
  char            *reason;
  GError          *error;
  GPtrArray       *messages;       /* SioEnginePacket * */
} Watch;

static void
on_open (SioEngineClient *client,
         Watch           *w)
{
  g_assert_cmpuint (w->n_close, ==, 0);
  w->n_open++;
}

static void
on_close (SioEngineClient *client,
          const char      *reason,
          const GError    *error,
          Watch           *w)
{
  w->n_close++;
  g_assert_cmpuint (w->n_close, ==, 1);
  w->reason = g_strdup (reason);
  w->error = error ? g_error_copy (error) : NULL;
  g_test_message ("client closed: %s%s%s", reason, error ? ": " : "", error ? error->message : "");
}

static void
on_message (SioEngineClient *client,
            SioEnginePacket *packet,
            Watch           *w)
{
  g_ptr_array_add (w->messages, sio_engine_packet_ref (packet));
}

static void
on_upgrade (SioEngineClient     *client,
            SioEngineTransports  transport,
            Watch               *w)
{
  g_assert_cmpint (transport, ==, SIO_ENGINE_TRANSPORT_WEBSOCKET);
  w->n_upgrade++;
}

static void
on_upgrade_error (SioEngineClient *client,
                  const GError    *error,
                  Watch           *w)
{
  g_test_message ("upgrade error: %s", error->message);
  w->n_upgrade_error++;
}

static void
on_ping (SioEngineClient *client,
         Watch           *w)
{
  w->n_ping++;
}

static Watch *
watch_new (const char *uri,
           const Mode *mode)
{
  Watch *w = g_new0 (Watch, 1);

  w->client = sio_engine_client_new (uri);
  w->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) sio_engine_packet_unref);
  if (mode != NULL)
    {
      sio_engine_client_set_transports (w->client, mode->transports);
      sio_engine_client_set_upgrade (w->client, mode->upgrade);
    }
  g_signal_connect (w->client, "open", G_CALLBACK (on_open), w);
  g_signal_connect (w->client, "close", G_CALLBACK (on_close), w);
  g_signal_connect (w->client, "message", G_CALLBACK (on_message), w);
  g_signal_connect (w->client, "upgrade", G_CALLBACK (on_upgrade), w);
  g_signal_connect (w->client, "upgrade-error", G_CALLBACK (on_upgrade_error), w);
  g_signal_connect (w->client, "ping", G_CALLBACK (on_ping), w);
  return w;
}

/* Drops the client and waits until it and its transports are gone. */
static void
watch_free (Watch *w)
{
  g_signal_handlers_disconnect_by_data (w->client, w);
  g_assert_finalize_object (w->client);
  WAIT_FOR (_sio_engine_client_get_n_alive () == 0 && _sio_client_transport_get_n_alive () == 0);
  g_clear_pointer (&w->messages, g_ptr_array_unref);
  g_clear_error (&w->error);
  g_free (w->reason);
  g_free (w);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Watch, watch_free)

static char *
fixture_uri (EngineFixture *f)
{
  return g_strdup_printf ("http://127.0.0.1:%d/engine.io/", g_uri_get_port (f->base));
}

static Watch *
open_settled (EngineFixture *f,
              const Mode    *mode)
{
  g_autofree char *uri = fixture_uri (f);
  Watch *w = watch_new (uri, mode);

  sio_engine_client_open (w->client);
  g_assert_cmpuint (w->n_open, ==, 0);
  WAIT_FOR (w->n_open == 1 || w->n_close > 0);
  g_assert_cmpuint (w->n_close, ==, 0);
  if (mode->upgrade)
    WAIT_FOR (w->n_upgrade == 1 || w->n_close > 0);
  g_assert_cmpint (sio_engine_client_get_transport (w->client), ==, mode->final);
  return w;
}

static void
assert_text (SioEnginePacket *packet,
             const char      *text)
{
  g_autofree char *got = test_packet_dup_text (packet);

  g_assert_false (sio_engine_packet_is_binary (packet));
  g_assert_cmpstr (got, ==, text);
}

/* ---- Against SioEngineServer ------------------------------------------------------------ */

static void
test_echo (EngineFixture *f,
           gconstpointer  data)
{
  const Case *c = data;
  g_autoptr(Watch) w = open_settled (f, c->mode);
  g_autoptr(GBytes) bytes = g_bytes_new_static ("\x00\x01\xff binary", 10);
  EnginePeer *peer = engine_fixture_wait_peer (f, 0);
  SioEnginePacket *packet;
  gsize len;

  g_assert_cmpstr (sio_engine_client_get_sid (w->client), ==, peer->sid);
  g_assert_cmpuint (sio_engine_client_get_ping_interval (w->client), ==, 25000);
  g_assert_cmpuint (sio_engine_client_get_ping_timeout (w->client), ==, 20000);
  g_assert_cmpuint (sio_engine_client_get_max_payload (w->client), ==, 1000000);
  g_assert_true (sio_engine_client_is_open (w->client));

  sio_engine_client_send_text (w->client, "hello");
  sio_engine_client_send_binary (w->client, bytes);
  sio_engine_client_send_text (w->client, "ünïcödé €");

  WAIT_FOR (w->messages->len == 3);
  assert_text (g_ptr_array_index (w->messages, 0), "hello");
  packet = g_ptr_array_index (w->messages, 1);
  g_assert_true (sio_engine_packet_is_binary (packet));
  g_assert_cmpmem (sio_engine_packet_get_data (packet, &len), 10, "\x00\x01\xff binary", 10);
  assert_text (g_ptr_array_index (w->messages, 2), "ünïcödé €");
  g_assert_cmpuint (peer->messages->len, ==, 3);
  g_assert_cmpuint (w->n_upgrade_error, ==, 0);

  sio_engine_client_close (w->client);
  WAIT_FOR (w->n_close == 1);
  g_assert_cmpstr (w->reason, ==, "forced close");
  g_assert_no_error (w->error);
  g_assert_false (sio_engine_client_is_open (w->client));
  g_assert_null (sio_engine_client_get_sid (w->client));

  /* A clean close: the server saw the client leave, not an error. */
  WAIT_FOR (peer->n_closed == 1);
  g_assert_cmpint (peer->reason, ==, SIO_ENGINE_CLOSE_TRANSPORT_CLOSE);
}

/* Messages queued before the handshake and dropped right after close() still go out: close()
 * flushes first and keeps the client alive until done. */
static void
test_close_flushes (EngineFixture *f,
                    gconstpointer  data)
{
  const Case *c = data;
  g_autofree char *uri = fixture_uri (f);
  Watch *w = watch_new (uri, c->mode);
  EnginePeer *peer;

  sio_engine_client_send_text (w->client, "early");
  sio_engine_client_open (w->client);
  WAIT_FOR (w->n_open == 1);
  for (guint i = 0; i < 50; i++)
    {
      g_autofree char *text = g_strdup_printf ("message %u", i);
      sio_engine_client_send_text (w->client, text);
    }
  sio_engine_client_close (w->client);
  g_signal_handlers_disconnect_by_data (w->client, w);
  g_clear_object (&w->client);

  peer = engine_fixture_wait_peer (f, 0);
  WAIT_FOR (peer->n_closed == 1);
  g_assert_cmpuint (peer->messages->len, ==, 51);
  assert_text (g_ptr_array_index (peer->messages, 0), "early");
  assert_text (g_ptr_array_index (peer->messages, 50), "message 49");
  g_assert_cmpint (peer->reason, ==, SIO_ENGINE_CLOSE_TRANSPORT_CLOSE);

  WAIT_FOR (_sio_engine_client_get_n_alive () == 0 && _sio_client_transport_get_n_alive () == 0);
  g_clear_pointer (&w->messages, g_ptr_array_unref);
  g_free (w);
}

static void
test_heartbeat (EngineFixture *f,
                gconstpointer  data)
{
  const Case *c = data;
  g_autoptr(Watch) w = open_settled (f, c->mode);
  EnginePeer *peer = engine_fixture_wait_peer (f, 0);

  g_assert_cmpuint (sio_engine_client_get_ping_interval (w->client), ==, 50);

  /* Five pings mean the pongs kept the server happy, and the client did not time out either. */
  WAIT_FOR (w->n_ping >= 5);
  g_assert_cmpuint (w->n_close, ==, 0);
  g_assert_cmpuint (peer->n_closed, ==, 0);

  sio_engine_client_close (w->client);
  WAIT_FOR (peer->n_closed == 1);
}

/* The server ends the session: a close, not an error. */
static void
test_server_closes (EngineFixture *f,
                    gconstpointer  data)
{
  const Case *c = data;
  g_autoptr(Watch) w = open_settled (f, c->mode);
  EnginePeer *peer = engine_fixture_wait_peer (f, 0);

  sio_engine_socket_close (peer->socket);
  WAIT_FOR (w->n_close == 1);
  g_assert_cmpstr (w->reason, ==, "transport close");
}

static void
test_max_payload (EngineFixture *f,
                  gconstpointer  data)
{
  const Case *c = data;
  g_autoptr(Watch) w = open_settled (f, c->mode);
  EnginePeer *peer = engine_fixture_wait_peer (f, 0);
  g_autoptr(GBytes) bytes = g_bytes_new_take (g_malloc0 (30), 30);

  g_assert_cmpuint (sio_engine_client_get_max_payload (w->client), ==, 100);

  /* 40 packets of ~30 bytes: a single POST would be 1.3 kB, which the server refuses (413). */
  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *text = g_strdup_printf ("%02u-abcdefghijklmnopqrstuvwxyz", i);

      if (i % 10 == 9)
        sio_engine_client_send_binary (w->client, bytes);
      else
        sio_engine_client_send_text (w->client, text);
    }

  WAIT_FOR (peer->messages->len == 40 || w->n_close > 0);
  g_assert_cmpuint (w->n_close, ==, 0);
  assert_text (g_ptr_array_index (peer->messages, 0), "00-abcdefghijklmnopqrstuvwxyz");
  assert_text (g_ptr_array_index (peer->messages, 38), "38-abcdefghijklmnopqrstuvwxyz");
  g_assert_true (sio_engine_packet_is_binary (g_ptr_array_index (peer->messages, 39)));
  WAIT_FOR (w->messages->len == 40);
}

static void
test_query_headers (EngineFixture *f,
                    gconstpointer  data)
{
  const Case *c = data;
  g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%d/engine.io/?from=uri",
                                          g_uri_get_port (f->base));
  g_autoptr(Watch) w = watch_new (uri, c->mode);
  EnginePeer *peer;
  GHashTable *query;

  sio_engine_client_add_query_param (w->client, "token", "a b&c=d/é");
  sio_engine_client_add_header (w->client, "X-Tincan-Test", "yes");
  sio_engine_client_open (w->client);
  WAIT_FOR (w->n_open == 1);

  peer = engine_fixture_wait_peer (f, 0);
  query = sio_engine_socket_get_query (peer->socket);
  g_assert_cmpstr (g_hash_table_lookup (query, "from"), ==, "uri");
  g_assert_cmpstr (g_hash_table_lookup (query, "token"), ==, "a b&c=d/é");
  g_assert_cmpstr (g_hash_table_lookup (query, "EIO"), ==, "4");
  g_assert_cmpstr (sio_engine_socket_get_header (peer->socket, "X-Tincan-Test"), ==, "yes");

  if (c->mode->upgrade)
    {
      WAIT_FOR (w->n_upgrade == 1);
      WAIT_FOR (peer->n_upgraded == 1);
    }
  sio_engine_client_close (w->client);
  WAIT_FOR (peer->n_closed == 1);
}

/* Upgrades offered but refused by the client, or not offered by the server. */
static void
test_no_upgrade (EngineFixture *f,
                 gconstpointer  data)
{
  const Case *c = data;
  g_autofree char *uri = fixture_uri (f);
  g_autoptr(Watch) w = watch_new (uri, c->mode);
  EnginePeer *peer;

  sio_engine_client_open (w->client);
  WAIT_FOR (w->n_open == 1);
  sio_engine_client_send_text (w->client, "ping?");
  WAIT_FOR (w->messages->len == 1);
  g_assert_cmpint (sio_engine_client_get_transport (w->client), ==, SIO_ENGINE_TRANSPORT_POLLING);
  g_assert_cmpuint (w->n_upgrade + w->n_upgrade_error, ==, 0);

  peer = engine_fixture_wait_peer (f, 0);
  g_assert_cmpuint (peer->n_upgraded, ==, 0);
  sio_engine_client_close (w->client);
  WAIT_FOR (peer->n_closed == 1);
}

static void
test_connection_refused (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  g_autoptr(Watch) w = NULL;
  guint16 port;

  /* A port nobody listens on: bind one, then close it. */
  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  g_socket_listener_close (listener);

  uri = g_strdup_printf ("http://127.0.0.1:%u/", port);
  w = watch_new (uri, NULL);
  g_assert_cmpstr (sio_engine_client_get_uri (w->client), ==, uri);
  sio_engine_client_open (w->client);
  WAIT_FOR (w->n_close == 1);
  g_assert_cmpuint (w->n_open, ==, 0);
  g_assert_cmpstr (w->reason, ==, "transport error");
  g_assert_error (w->error, SIO_ERROR, SIO_ERROR_TRANSPORT);
}

static void
test_invalid_uri (void)
{
  static const char * const uris[] = { "not a uri", "ftp://127.0.0.1/", "http:///x" };

  for (guint i = 0; i < G_N_ELEMENTS (uris); i++)
    {
      g_autoptr(Watch) w = watch_new (uris[i], NULL);

      sio_engine_client_open (w->client);
      g_assert_cmpuint (w->n_close, ==, 0);
      WAIT_FOR (w->n_close == 1);
      g_assert_error (w->error, SIO_ERROR, SIO_ERROR_FAILED);
      g_assert_nonnull (strstr (w->error->message, "Invalid Engine.IO server URI"));
    }

  {
    g_autoptr(Watch) w = watch_new ("http://127.0.0.1:1/", NULL);

    sio_engine_client_set_transports (w->client, 0);
    sio_engine_client_open (w->client);
    WAIT_FOR (w->n_close == 1);
    g_assert_error (w->error, SIO_ERROR, SIO_ERROR_FAILED);
    g_assert_cmpstr (w->error->message, ==, "No transports available");
  }
}

/* ---- Against a scripted fake server ----------------------------------------------------- */

typedef struct
{
  guint       status;
  const char *body;      /* NULL: hold the request forever */
  gsize       len;       /* 0: strlen (body) */
} Answer;

typedef struct
{
  SoupServer   *soup;
  SioHttpListener *listener;
  GUri         *base;
  const Answer *gets;           /* answers to the polling GETs, in order */
  guint         n_gets;
  guint         next_get;
  guint         n_posts;
  GString      *posted;         /* every POST body, "|"-separated */
  GPtrArray    *held;           /* SoupServerMessage *, never answered */
  const char  **ws_texts;       /* sent at WebSocket connect, NULL-terminated */
  gsize         ws_binary_len;  /* if set, a binary message of that size after the texts */
  guint         ws_status;      /* if set, refuse the WebSocket handshake with it */
  GPtrArray    *ws_conns;
} Fake;

static void
fake_handler (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  Fake *fake = user_data;
  const Answer *answer;

  /* libsoup calls the plain handler for WebSocket handshakes too; leaving the status unset
   * lets the WebSocket handler take it. */
  if (g_strcmp0 (query ? g_hash_table_lookup (query, "transport") : NULL, "websocket") == 0)
    {
      if (fake->ws_status != 0)
        soup_server_message_set_status (msg, fake->ws_status, NULL);
      return;
    }

  if (strcmp (soup_server_message_get_method (msg), "POST") == 0)
    {
      SoupMessageBody *body = soup_server_message_get_request_body (msg);
      g_autoptr(GBytes) bytes = soup_message_body_flatten (body);

      fake->n_posts++;
      g_string_append_len (fake->posted, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      g_string_append_c (fake->posted, '|');
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "ok", 2);
      return;
    }

  if (fake->next_get >= fake->n_gets || fake->gets[fake->next_get].body == NULL)
    {
      fake->next_get++;
      soup_server_message_pause (msg);
      g_ptr_array_add (fake->held, g_object_ref (msg));
      return;
    }

  answer = &fake->gets[fake->next_get++];
  soup_server_message_set_status (msg, answer->status, NULL);
  soup_server_message_set_response (msg, "text/plain; charset=UTF-8", SOUP_MEMORY_COPY,
                                    answer->body, answer->len ? answer->len : strlen (answer->body));
}

static void
fake_ws_handler (SoupServer              *server,
                 SoupServerMessage       *msg,
                 const char              *path,
                 SoupWebsocketConnection *conn,
                 gpointer                 user_data)
{
  Fake *fake = user_data;

  g_ptr_array_add (fake->ws_conns, g_object_ref (conn));
  for (guint i = 0; fake->ws_texts != NULL && fake->ws_texts[i] != NULL; i++)
    soup_websocket_connection_send_text (conn, fake->ws_texts[i]);
  if (fake->ws_binary_len > 0)
    {
      g_autofree guint8 *data = g_malloc0 (fake->ws_binary_len);
      soup_websocket_connection_send_binary (conn, data, fake->ws_binary_len);
    }
}

static void
fake_setup (Fake *fake)
{
  g_autoptr(GError) error = NULL;

  fake->soup = soup_server_new (NULL, NULL);
  fake->posted = g_string_new (NULL);
  fake->held = g_ptr_array_new_with_free_func (g_object_unref);
  fake->ws_conns = g_ptr_array_new_with_free_func (g_object_unref);
  soup_server_add_handler (fake->soup, "/engine.io/", fake_handler, fake, NULL);
  soup_server_add_websocket_handler (fake->soup, "/engine.io/", NULL, NULL, fake_ws_handler, fake, NULL);
  fake->listener = test_listen_local (fake->soup, 0, &fake->base);
}

static void
fake_teardown (Fake *fake)
{
  for (guint i = 0; i < fake->held->len; i++)
    {
      SoupServerMessage *msg = g_ptr_array_index (fake->held, i);

      soup_server_message_set_status (msg, 500, NULL);
      soup_server_message_unpause (msg);
    }
  for (guint i = 0; i < fake->ws_conns->len; i++)
    {
      SoupWebsocketConnection *conn = g_ptr_array_index (fake->ws_conns, i);

      if (soup_websocket_connection_get_state (conn) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    }
  test_drain_main_context ();
  g_clear_pointer (&fake->held, g_ptr_array_unref);
  g_clear_pointer (&fake->ws_conns, g_ptr_array_unref);
  g_clear_object (&fake->listener);
  soup_server_disconnect (fake->soup);
  test_drain_main_context ();
  g_assert_finalize_object (fake->soup);
  g_clear_pointer (&fake->base, g_uri_unref);
  g_string_free (fake->posted, TRUE);
}

/* Opens a client against @fake and waits for it to end. */
static Watch *
fake_run (Fake       *fake,
          const Mode *mode)
{
  g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%d/engine.io/", g_uri_get_port (fake->base));
  Watch *w = watch_new (uri, mode);

  sio_engine_client_set_max_incoming_payload (w->client, 1024);
  sio_engine_client_open (w->client);
  WAIT_FOR (w->n_close == 1);
  return w;
}

#define HANDSHAKE(ping) "0{\"sid\":\"fake-sid\",\"upgrades\":[],\"pingInterval\":" #ping \
                        ",\"pingTimeout\":" #ping ",\"maxPayload\":1000000}"

typedef struct
{
  const char *name;
  Answer      gets[3];
  guint       n_gets;
  gboolean    opens;          /* the handshake itself is fine */
  const char *reason;
  GQuark      domain;
  int         code;
  const char *message_part;
} PollingCase;

static void
test_fake_polling (gconstpointer data)
{
  const PollingCase *pc = data;
  Fake fake = { .gets = pc->gets, .n_gets = pc->n_gets };
  g_autoptr(Watch) w = NULL;

  fake_setup (&fake);
  w = fake_run (&fake, &modes[0]);

  g_assert_cmpuint (w->n_open, ==, pc->opens ? 1 : 0);
  g_assert_cmpstr (w->reason, ==, pc->reason);
  g_assert_nonnull (w->error);
  g_assert_cmpuint (w->error->domain, ==, SIO_ERROR);
  g_assert_cmpint (w->error->code, ==, pc->code);
  g_assert_nonnull (strstr (w->error->message, pc->message_part));

  g_clear_pointer (&w, watch_free);
  fake_teardown (&fake);
}

static const PollingCase polling_cases[] = {
  { "http-500", { { 500, "oops" } }, 1, FALSE, "transport error", 0, SIO_ERROR_TRANSPORT, "HTTP 500" },
  { "http-404", { { 404, "nothing here" } }, 1, FALSE, "transport error", 0, SIO_ERROR_TRANSPORT, "HTTP 404" },
  { "garbage-handshake", { { 200, "hello world" } }, 1, FALSE, "transport error", 0, SIO_ERROR_PARSE,
    "Invalid polling payload" },
  { "binary-garbage", { { 200, "\x01\x02\xff\xfe", 4 } }, 1, FALSE, "transport error", 0, SIO_ERROR_PARSE,
    "Invalid polling payload" },
  { "not-json", { { 200, "0{sid" } }, 1, FALSE, "transport error", 0, SIO_ERROR_PARSE,
    "Invalid handshake" },
  { "no-sid", { { 200, "0{\"pingInterval\":1,\"pingTimeout\":1}" } }, 1, FALSE, "transport error", 0,
    SIO_ERROR_PROTOCOL, "no session id" },
  { "bad-ping", { { 200, "0{\"sid\":\"x\",\"pingInterval\":\"soon\",\"pingTimeout\":1}" } }, 1, FALSE,
    "transport error", 0, SIO_ERROR_PROTOCOL, "pingInterval" },
  { "negative-ping", { { 200, "0{\"sid\":\"x\",\"pingInterval\":-5,\"pingTimeout\":1}" } }, 1, FALSE,
    "transport error", 0, SIO_ERROR_PROTOCOL, "pingInterval" },
  { "array-handshake", { { 200, "0[1,2]" } }, 1, FALSE, "transport error", 0, SIO_ERROR_PROTOCOL,
    "not a JSON object" },
  { "message-first", { { 200, "4hello" } }, 1, FALSE, "transport error", 0, SIO_ERROR_PROTOCOL,
    "before the handshake" },
  { "empty-body", { { 200, "" } }, 1, FALSE, "transport error", 0, SIO_ERROR_PARSE, "Empty packet" },
  { "wrong-sid", { { 200, HANDSHAKE (5000) }, { 400, "{\"code\":1,\"message\":\"Session ID unknown\"}" } }, 2,
    TRUE, "transport error", 0, SIO_ERROR_TRANSPORT, "Session ID unknown" },
  { "garbage-later", { { 200, HANDSHAKE (5000) }, { 200, "4ok\x1e" "9what" } }, 2, TRUE, "transport error", 0,
    SIO_ERROR_PARSE, "Unknown packet type" },
  { "second-handshake", { { 200, HANDSHAKE (5000) }, { 200, HANDSHAKE (5000) } }, 2, TRUE, "transport error",
    0, SIO_ERROR_PROTOCOL, "second handshake" },
  { "ping-timeout", { { 200, HANDSHAKE (50) } }, 1, TRUE, "ping timeout", 0, SIO_ERROR_TIMEOUT,
    "no ping within 100 ms" },
};

static void
test_fake_polling_oversized (void)
{
  g_autofree char *big = g_strnfill (4096, 'x');
  Answer gets[2] = { { 200, HANDSHAKE (5000) }, { 200, NULL } };
  Fake fake = { .gets = gets, .n_gets = 2 };
  g_autoptr(Watch) w = NULL;

  big[0] = '4';
  gets[1].body = big;
  fake_setup (&fake);
  w = fake_run (&fake, &modes[0]);
  g_assert_cmpuint (w->n_open, ==, 1);
  g_assert_cmpstr (w->reason, ==, "transport error");
  g_assert_error (w->error, SIO_ERROR, SIO_ERROR_PAYLOAD_TOO_LARGE);

  g_clear_pointer (&w, watch_free);
  fake_teardown (&fake);
}

/* The server sends "1" (CLOSE) in a poll: a close, not an error. */
static void
test_fake_polling_close_packet (void)
{
  Answer gets[2] = { { 200, HANDSHAKE (5000) }, { 200, "4bye\x1e" "1" } };
  Fake fake = { .gets = gets, .n_gets = 2 };
  g_autoptr(Watch) w = NULL;

  fake_setup (&fake);
  w = fake_run (&fake, &modes[0]);
  g_assert_cmpstr (w->reason, ==, "transport close");
  g_assert_no_error (w->error);
  g_assert_cmpuint (w->messages->len, ==, 1);
  assert_text (g_ptr_array_index (w->messages, 0), "bye");

  g_clear_pointer (&w, watch_free);
  fake_teardown (&fake);
}

/* Pongs and the client's CLOSE reach the server as POSTs. */
static void
test_fake_polling_pong (void)
{
  Answer gets[2] = { { 200, HANDSHAKE (5000) }, { 200, "2" } };
  Fake fake = { .gets = gets, .n_gets = 2 };
  g_autofree char *uri = NULL;
  g_autoptr(Watch) w = NULL;

  fake_setup (&fake);
  uri = g_strdup_printf ("http://127.0.0.1:%d/engine.io/", g_uri_get_port (fake.base));
  w = watch_new (uri, &modes[0]);
  sio_engine_client_open (w->client);
  WAIT_FOR (w->n_ping == 1);
  WAIT_FOR (strstr (fake.posted->str, "3|") != NULL);
  sio_engine_client_close (w->client);
  WAIT_FOR (w->n_close == 1);
  WAIT_FOR (strstr (fake.posted->str, "3|1|") != NULL);

  g_clear_pointer (&w, watch_free);
  fake_teardown (&fake);
}

typedef struct
{
  const char  *name;
  const char  *texts[4];
  gsize        binary_len;
  guint        ws_status;
  const char  *reason;
  int          code;
  const char  *message_part;
} WsCase;

static void
test_fake_websocket (gconstpointer data)
{
  const WsCase *wc = data;
  Fake fake = { .ws_texts = (const char **) wc->texts, .ws_binary_len = wc->binary_len,
                .ws_status = wc->ws_status };
  g_autoptr(Watch) w = NULL;

  fake_setup (&fake);
  w = fake_run (&fake, &modes[1]);
  g_assert_cmpstr (w->reason, ==, wc->reason);
  g_assert_nonnull (w->error);
  g_assert_cmpuint (w->error->domain, ==, SIO_ERROR);
  g_assert_cmpint (w->error->code, ==, wc->code);
  g_assert_nonnull (strstr (w->error->message, wc->message_part));

  g_clear_pointer (&w, watch_free);
  fake_teardown (&fake);
}

static const WsCase ws_cases[] = {
  { "refused", { NULL }, 0, 403, "transport error", SIO_ERROR_TRANSPORT, "WebSocket handshake failed" },
  { "garbage", { "garbage" }, 0, 0, "transport error", SIO_ERROR_PARSE, "Invalid WebSocket message" },
  { "message-first", { "4hello" }, 0, 0, "transport error", SIO_ERROR_PROTOCOL, "before the handshake" },
  { "bad-handshake", { "0{\"sid\":42}" }, 0, 0, "transport error", SIO_ERROR_PROTOCOL, "no session id" },
  { "oversized", { HANDSHAKE (5000) }, 4096, 0, "transport error", SIO_ERROR_PAYLOAD_TOO_LARGE,
    "larger than 1024 bytes" },
  { "ping-timeout", { HANDSHAKE (50) }, 0, 0, "ping timeout", SIO_ERROR_TIMEOUT, "no ping" },
};

/* A probe that the server answers wrongly: the session stays on polling. */
static void
test_fake_probe_error (void)
{
  static const char *texts[] = { "3nope", NULL };
  Answer gets[1] = { { 200, "0{\"sid\":\"fake-sid\",\"upgrades\":[\"websocket\"],\"pingInterval\":5000,"
                            "\"pingTimeout\":5000,\"maxPayload\":1000000}" } };
  Fake fake = { .gets = gets, .n_gets = 1, .ws_texts = texts };
  g_autofree char *uri = NULL;
  g_autoptr(Watch) w = NULL;

  fake_setup (&fake);
  uri = g_strdup_printf ("http://127.0.0.1:%d/engine.io/", g_uri_get_port (fake.base));
  w = watch_new (uri, &modes[2]);
  sio_engine_client_open (w->client);
  WAIT_FOR (w->n_upgrade_error == 1);
  g_assert_cmpuint (w->n_upgrade, ==, 0);
  g_assert_cmpint (sio_engine_client_get_transport (w->client), ==, SIO_ENGINE_TRANSPORT_POLLING);
  g_assert_true (sio_engine_client_is_open (w->client));

  sio_engine_client_send_text (w->client, "still here");
  WAIT_FOR (strstr (fake.posted->str, "4still here") != NULL);
  sio_engine_client_close (w->client);
  WAIT_FOR (w->n_close == 1);
  WAIT_FOR (strstr (fake.posted->str, "|1|") != NULL);

  g_clear_pointer (&w, watch_free);
  fake_teardown (&fake);
}

/* ---- main ------------------------------------------------------------------------------- */

int
main (int   argc,
      char *argv[])
{
  static Case echo_cases[G_N_ELEMENTS (modes)];
  static Case heartbeat_cases[G_N_ELEMENTS (modes)];
  static Case payload_case;
  static Case no_upgrade_cases[2];

  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autofree char *echo = g_strdup_printf ("/sio/client/engine/%s/echo", modes[i].name);
      g_autofree char *flush = g_strdup_printf ("/sio/client/engine/%s/close-flushes", modes[i].name);
      g_autofree char *heartbeat = g_strdup_printf ("/sio/client/engine/%s/heartbeat", modes[i].name);
      g_autofree char *server_closes = g_strdup_printf ("/sio/client/engine/%s/server-closes", modes[i].name);
      g_autofree char *query = g_strdup_printf ("/sio/client/engine/%s/query-headers", modes[i].name);

      echo_cases[i].mode = &modes[i];
      heartbeat_cases[i].mode = &modes[i];
      /* Short enough for a quick test, with room for slow (sanitizer) builds: the next ping
       * comes pingInterval after the pong reached the server, the client waits
       * pingInterval + pingTimeout. */
      heartbeat_cases[i].config.ping_interval = 50;
      heartbeat_cases[i].config.ping_timeout = 400;

      g_test_add (echo, EngineFixture, &echo_cases[i], engine_fixture_setup, test_echo,
                  engine_fixture_teardown);
      g_test_add (flush, EngineFixture, &echo_cases[i], engine_fixture_setup, test_close_flushes,
                  engine_fixture_teardown);
      g_test_add (heartbeat, EngineFixture, &heartbeat_cases[i], engine_fixture_setup, test_heartbeat,
                  engine_fixture_teardown);
      g_test_add (server_closes, EngineFixture, &echo_cases[i], engine_fixture_setup, test_server_closes,
                  engine_fixture_teardown);
      g_test_add (query, EngineFixture, &echo_cases[i], engine_fixture_setup, test_query_headers,
                  engine_fixture_teardown);
    }

  payload_case.mode = &modes[0];
  payload_case.config.max_payload = 100;
  g_test_add ("/sio/client/engine/polling/max-payload", EngineFixture, &payload_case,
              engine_fixture_setup, test_max_payload, engine_fixture_teardown);

  /* The client says no to upgrades; then the server does. */
  no_upgrade_cases[0].mode = &(const Mode) { "x", SIO_ENGINE_TRANSPORT_POLLING | SIO_ENGINE_TRANSPORT_WEBSOCKET,
                                             FALSE, SIO_ENGINE_TRANSPORT_POLLING };
  no_upgrade_cases[1].mode = &modes[2];
  no_upgrade_cases[1].config.no_upgrades = TRUE;
  g_test_add ("/sio/client/engine/upgrade/client-declines", EngineFixture, &no_upgrade_cases[0],
              engine_fixture_setup, test_no_upgrade, engine_fixture_teardown);
  g_test_add ("/sio/client/engine/upgrade/server-declines", EngineFixture, &no_upgrade_cases[1],
              engine_fixture_setup, test_no_upgrade, engine_fixture_teardown);

  g_test_add_func ("/sio/client/engine/connection-refused", test_connection_refused);
  g_test_add_func ("/sio/client/engine/invalid-uri", test_invalid_uri);

  for (guint i = 0; i < G_N_ELEMENTS (polling_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sio/client/engine/bad-server/polling/%s",
                                               polling_cases[i].name);
      g_test_add_data_func (path, &polling_cases[i], test_fake_polling);
    }
  g_test_add_func ("/sio/client/engine/bad-server/polling/oversized", test_fake_polling_oversized);
  g_test_add_func ("/sio/client/engine/bad-server/polling/close-packet", test_fake_polling_close_packet);
  g_test_add_func ("/sio/client/engine/bad-server/polling/pong", test_fake_polling_pong);
  for (guint i = 0; i < G_N_ELEMENTS (ws_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sio/client/engine/bad-server/websocket/%s",
                                               ws_cases[i].name);
      g_test_add_data_func (path, &ws_cases[i], test_fake_websocket);
    }
  g_test_add_func ("/sio/client/engine/bad-server/probe-error", test_fake_probe_error);

  return g_test_run ();
}
