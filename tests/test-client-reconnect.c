/* test-client-reconnect.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* SioManager's reconnection and timeouts, and bad Socket.IO input: a server restarted during
 * traffic (buffered emits arrive exactly once), a server that accepts TCP connections and never
 * answers (connect timeout, reconnect-attempt/-error/-failed), a server that stops pinging
 * ("ping timeout"), and fake servers sending invalid Socket.IO packets ("parse error"). */

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
} Mode;

static const Mode modes[] = {
  { "polling", SIO_ENGINE_TRANSPORT_POLLING, FALSE },
  { "websocket", SIO_ENGINE_TRANSPORT_WEBSOCKET, FALSE },
  { "upgrade", SIO_ENGINE_TRANSPORT_POLLING | SIO_ENGINE_TRANSPORT_WEBSOCKET, TRUE },
};

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

/* ---- Client side ------------------------------------------------------------------------ */

typedef struct
{
  SioManager      *manager;
  SioClientSocket *socket;
  guint            n_connect;
  guint            n_connect_error;
  guint            n_disconnect;
  char            *reason;
  GError          *disconnect_error;
  GError          *connect_error;
  guint            n_attempt;
  guint            last_attempt;
  guint            n_reconnect;
  guint            n_reconnect_error;
  guint            n_reconnect_failed;
  guint            n_manager_error;
  GPtrArray       *events;          /* SioClientEvent * */
} Client;

static void
on_connect (SioClientSocket *socket,
            Client          *c)
{
  g_assert_cmpuint (c->n_connect, ==, c->n_disconnect);
  c->n_connect++;
}

static void
on_connect_error (SioClientSocket *socket,
                  const GError    *error,
                  JsonNode        *data,
                  Client          *c)
{
  g_test_message ("connect_error: %s", error->message);
  c->n_connect_error++;
  g_clear_error (&c->connect_error);
  c->connect_error = g_error_copy (error);
}

static void
on_disconnect (SioClientSocket *socket,
               const char      *reason,
               const GError    *error,
               Client          *c)
{
  g_test_message ("disconnect: %s%s%s", reason, error ? ": " : "", error ? error->message : "");
  c->n_disconnect++;
  g_assert_cmpuint (c->n_connect, ==, c->n_disconnect);
  g_free (c->reason);
  c->reason = g_strdup (reason);
  g_clear_error (&c->disconnect_error);
  c->disconnect_error = error ? g_error_copy (error) : NULL;
}

static void
on_event (SioClientSocket *socket,
          SioClientEvent  *event,
          Client          *c)
{
  g_ptr_array_add (c->events, sio_client_event_ref (event));
}

static void
on_reconnect_attempt (SioManager *manager,
                      guint       attempt,
                      Client     *c)
{
  g_assert_cmpuint (attempt, >=, 1);
  c->n_attempt++;
  c->last_attempt = attempt;
}

static void
on_reconnect (SioManager *manager,
              guint       attempt,
              Client     *c)
{
  /* The attempt that worked is the last one announced. */
  g_assert_cmpuint (attempt, ==, c->last_attempt);
  c->n_reconnect++;
}

static void
on_reconnect_error (SioManager   *manager,
                    const GError *error,
                    Client       *c)
{
  g_assert_nonnull (error);
  c->n_reconnect_error++;
}

static void
on_reconnect_failed (SioManager *manager,
                     Client     *c)
{
  c->n_reconnect_failed++;
}

static void
on_manager_error (SioManager   *manager,
                  const GError *error,
                  Client       *c)
{
  c->n_manager_error++;
}

static Client *
client_new (guint16     port,
            const char *path,
            const Mode *mode)
{
  g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%u", port);
  Client *c = g_new0 (Client, 1);

  c->manager = path ? g_object_new (SIO_TYPE_MANAGER, "uri", uri, "path", path, NULL)
                    : sio_manager_new (uri);
  sio_manager_set_reconnection_delay (c->manager, 20);
  sio_manager_set_reconnection_delay_max (c->manager, 100);
  if (mode != NULL)
    {
      sio_manager_set_transports (c->manager, mode->transports);
      sio_manager_set_upgrade (c->manager, mode->upgrade);
    }
  c->socket = sio_manager_socket (c->manager, "/");
  c->events = g_ptr_array_new_with_free_func ((GDestroyNotify) sio_client_event_unref);

  g_signal_connect (c->socket, "connect", G_CALLBACK (on_connect), c);
  g_signal_connect (c->socket, "connect-error", G_CALLBACK (on_connect_error), c);
  g_signal_connect (c->socket, "disconnect", G_CALLBACK (on_disconnect), c);
  g_signal_connect (c->socket, "event", G_CALLBACK (on_event), c);
  g_signal_connect (c->manager, "reconnect-attempt", G_CALLBACK (on_reconnect_attempt), c);
  g_signal_connect (c->manager, "reconnect", G_CALLBACK (on_reconnect), c);
  g_signal_connect (c->manager, "reconnect-error", G_CALLBACK (on_reconnect_error), c);
  g_signal_connect (c->manager, "reconnect-failed", G_CALLBACK (on_reconnect_failed), c);
  g_signal_connect (c->manager, "error", G_CALLBACK (on_manager_error), c);
  return c;
}

static void
client_free (Client *c)
{
  g_signal_handlers_disconnect_by_data (c->socket, c);
  g_signal_handlers_disconnect_by_data (c->manager, c);
  g_ptr_array_set_size (c->events, 0);
  g_assert_finalize_object (c->socket);
  g_assert_finalize_object (c->manager);
  WAIT_FOR (_sio_engine_client_get_n_alive () == 0 && _sio_client_transport_get_n_alive () == 0);
  g_clear_pointer (&c->events, g_ptr_array_unref);
  g_clear_error (&c->disconnect_error);
  g_clear_error (&c->connect_error);
  g_free (c->reason);
  g_free (c);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Client, client_free)

/* ---- A SioServer that can be stopped and started again on the same port ----------------- */

typedef struct
{
  SoupServer *soup;
  SioHttpListener *listener;
  SioServer  *io;
  guint16     port;
  GArray     *received;     /* int: the argument of every "msg", across restarts */
  guint       n_connections;
} Restartable;

static void
on_msg (SioNamespace *nsp,
        SioSocket    *socket,
        SioEvent     *event,
        Restartable  *r)
{
  JsonNode *arg = sio_event_get_arg (event, 0);
  int value = (int) json_node_get_int (arg);

  g_array_append_val (r->received, value);
}

static void
on_server_connection (SioNamespace *nsp,
                      SioSocket    *socket,
                      Restartable  *r)
{
  r->n_connections++;
}

static void
restartable_start (Restartable *r)
{
  g_autoptr(GError) error = NULL;
  SioNamespace *nsp;

  r->soup = soup_server_new (NULL, NULL);
  r->io = sio_server_new ();
  nsp = sio_server_of (r->io, "/");
  g_signal_connect (nsp, "event::msg", G_CALLBACK (on_msg), r);
  g_signal_connect (nsp, "connection", G_CALLBACK (on_server_connection), r);
  sio_server_attach (r->io, r->soup, "/socket.io/", &error);
  g_assert_no_error (error);

  /* The listener binds with SO_REUSEADDR, so the port of a stopped server can be taken again. */
  r->listener = test_listen_local (r->soup, r->port, NULL);
  r->port = sio_http_listener_get_port (r->listener);
}

static void
restartable_stop (Restartable *r)
{
  sio_server_close (r->io);
  WAIT_FOR (sio_engine_server_get_n_sockets (sio_server_get_engine (r->io)) == 0);
  sio_http_listener_disconnect (r->listener);
  g_clear_object (&r->listener);
  soup_server_disconnect (r->soup);
  test_drain_main_context ();
  g_signal_handlers_disconnect_by_data (sio_server_of (r->io, "/"), r);
  g_assert_finalize_object (r->io);
  r->io = NULL;
  g_assert_finalize_object (r->soup);
  r->soup = NULL;
}

typedef struct
{
  Client  *client;
  int      next;
  GArray  *buffered;        /* values emitted while not connected: must arrive exactly once */
  guint    id;
} Emitter;

static void
emit_next (Emitter *e)
{
  g_autoptr(JsonArray) args = json_array_new ();

  if (!sio_client_socket_is_connected (e->client->socket))
    g_array_append_val (e->buffered, e->next);
  json_array_add_int_element (args, e->next++);
  sio_client_socket_emit (e->client->socket, "msg", args, NULL);
}

static gboolean
on_emit_tick (gpointer user_data)
{
  emit_next (user_data);
  return G_SOURCE_CONTINUE;
}

static guint
count_value (GArray *values,
             int     value)
{
  guint n = 0;

  for (guint i = 0; i < values->len; i++)
    n += g_array_index (values, int, i) == value;
  return n;
}

static void
test_restart (gconstpointer data)
{
  const Mode *mode = data;
  Restartable r = { .received = g_array_new (FALSE, FALSE, sizeof (int)) };
  Emitter e = { .buffered = g_array_new (FALSE, FALSE, sizeof (int)) };
  g_autoptr(Client) c = NULL;
  guint n_lost = 0;

  restartable_start (&r);
  c = client_new (r.port, NULL, mode);
  e.client = c;
  sio_client_socket_connect (c->socket);
  WAIT_FOR (c->n_connect == 1);

  /* Traffic all along: an emit every 5 ms, through the stop and the restart. */
  e.id = g_timeout_add (5, on_emit_tick, &e);
  WAIT_FOR (r.received->len >= 10);

  restartable_stop (&r);
  WAIT_FOR (c->n_disconnect == 1);
  /* Closed by the server, or (polling between two polls) refused by the closed listener. */
  g_assert_true (g_strcmp0 (c->reason, "transport close") == 0 ||
                 g_strcmp0 (c->reason, "transport error") == 0);
  /* Down for a while: emits pile up in the buffer, attempts fail. */
  WAIT_FOR (c->n_reconnect_error >= 2 && e.buffered->len >= 10);
  g_assert_cmpuint (sio_client_socket_get_n_buffered (c->socket), >=, 10);

  restartable_start (&r);
  WAIT_FOR (c->n_connect == 2);
  g_assert_cmpuint (c->n_reconnect, ==, 1);
  g_assert_cmpuint (c->n_attempt, ==, c->n_reconnect_error + 1);
  g_assert_cmpuint (sio_client_socket_get_n_buffered (c->socket), ==, 0);

  /* A few more after the reconnection, then the tally. */
  {
    int target = e.next + 10;
    WAIT_FOR (r.received->len > 0 && g_array_index (r.received, int, r.received->len - 1) >= target);
  }
  g_clear_handle_id (&e.id, g_source_remove);
  {
    int last = e.next - 1;
    WAIT_FOR (g_array_index (r.received, int, r.received->len - 1) == last);
  }

  for (int v = 0; v < e.next; v++)
    {
      guint n = count_value (r.received, v);

      g_assert_cmpuint (n, <=, 1);
      n_lost += n == 0;
    }
  for (guint i = 0; i < e.buffered->len; i++)
    g_assert_cmpuint (count_value (r.received, g_array_index (e.buffered, int, i)), ==, 1);
  g_test_message ("%d emitted, %u buffered, %u lost in flight", e.next, e.buffered->len, n_lost);
  g_assert_cmpuint (r.n_connections, ==, 2);

  sio_client_socket_disconnect (c->socket);
  g_clear_pointer (&c, client_free);
  restartable_stop (&r);
  g_array_unref (r.received);
  g_array_unref (e.buffered);
}

/* ---- A listener that accepts and never answers ------------------------------------------ */

typedef struct
{
  GSocketListener *listener;
  GPtrArray       *conns;
  GCancellable    *cancellable;
  guint16          port;
} Silent;

static void
on_silent_accept (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Silent *s = user_data;
  g_autoptr(GError) error = NULL;
  GSocketConnection *conn = g_socket_listener_accept_finish (G_SOCKET_LISTENER (source), result, NULL, &error);

  if (conn == NULL)
    return;
  g_ptr_array_add (s->conns, conn);
  g_socket_listener_accept_async (s->listener, s->cancellable, on_silent_accept, s);
}

static void
silent_start (Silent *s)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;

  s->listener = g_socket_listener_new ();
  s->conns = g_ptr_array_new_with_free_func (g_object_unref);
  s->cancellable = g_cancellable_new ();
  g_socket_listener_add_address (s->listener, address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                 NULL, &effective, &error);
  g_assert_no_error (error);
  s->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  g_socket_listener_accept_async (s->listener, s->cancellable, on_silent_accept, s);
}

static void
silent_stop (Silent *s)
{
  g_cancellable_cancel (s->cancellable);
  g_socket_listener_close (s->listener);
  test_drain_main_context ();
  g_clear_object (&s->listener);
  g_clear_object (&s->cancellable);
  g_clear_pointer (&s->conns, g_ptr_array_unref);
}

static void
test_connect_timeout (gconstpointer data)
{
  const Mode *mode = data;
  Silent s = { 0 };
  g_autoptr(Client) c = NULL;

  silent_start (&s);
  c = client_new (s.port, NULL, mode);
  sio_manager_set_timeout (c->manager, 200);
  sio_manager_set_reconnection (c->manager, FALSE);

  sio_client_socket_connect (c->socket);
  WAIT_FOR (c->n_connect_error == 1);
  g_assert_error (c->connect_error, SIO_ERROR, SIO_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (c->connect_error->message, "no handshake within 200 ms"));
  g_assert_cmpuint (c->n_manager_error, ==, 1);
  g_assert_false (sio_manager_is_open (c->manager));

  wait_ms (300);
  g_assert_cmpuint (c->n_attempt, ==, 0);
  g_assert_cmpuint (c->n_connect_error, ==, 1);
  g_assert_cmpuint (s.conns->len, <=, 1);
  g_assert_cmpuint (c->n_disconnect, ==, 0);

  sio_client_socket_disconnect (c->socket);
  g_clear_pointer (&c, client_free);
  silent_stop (&s);
}

/* manager.ts: the first failure starts the loop; each attempt that fails reports
 * reconnect_error (and connect_error to the socket); after the last, reconnect_failed. */
static void
test_reconnect_failed (void)
{
  Silent s = { 0 };
  g_autoptr(Client) c = NULL;

  silent_start (&s);
  c = client_new (s.port, NULL, &modes[1]);
  sio_manager_set_timeout (c->manager, 100);
  sio_manager_set_reconnection_attempts (c->manager, 2);
  g_assert_cmpuint (sio_manager_get_reconnection_attempts (c->manager), ==, 2);

  sio_client_socket_connect (c->socket);
  WAIT_FOR (c->n_reconnect_failed == 1);
  g_assert_cmpuint (c->n_connect_error, ==, 3);
  g_assert_cmpuint (c->n_attempt, ==, 2);
  g_assert_cmpuint (c->last_attempt, ==, 2);
  g_assert_cmpuint (c->n_reconnect_error, ==, 2);
  g_assert_cmpuint (c->n_reconnect, ==, 0);
  g_assert_error (c->connect_error, SIO_ERROR, SIO_ERROR_TIMEOUT);

  wait_ms (300);
  g_assert_cmpuint (c->n_attempt, ==, 2);
  /* One TCP connection per attempt at most (a loaded machine may time out before connecting). */
  g_assert_cmpuint (s.conns->len, <=, 3);
  /* Still active: connecting again starts over. */
  g_assert_true (sio_client_socket_is_active (c->socket));

  sio_client_socket_disconnect (c->socket);
  g_clear_pointer (&c, client_free);
  silent_stop (&s);
}

static void
test_backoff_defaults (void)
{
  g_autoptr(SioManager) manager = sio_manager_new ("http://127.0.0.1:1");

  g_assert_true (sio_manager_get_reconnection (manager));
  g_assert_cmpuint (sio_manager_get_reconnection_attempts (manager), ==, G_MAXUINT);
  g_assert_cmpuint (sio_manager_get_reconnection_delay (manager), ==, 1000);
  g_assert_cmpuint (sio_manager_get_reconnection_delay_max (manager), ==, 5000);
  g_assert_cmpfloat (sio_manager_get_randomization_factor (manager), ==, 0.5);
  g_assert_cmpuint (sio_manager_get_timeout (manager), ==, 20000);
  g_assert_cmpint (sio_manager_get_transports (manager), ==,
                   SIO_ENGINE_TRANSPORT_POLLING | SIO_ENGINE_TRANSPORT_WEBSOCKET);
  g_assert_true (sio_manager_get_upgrade (manager));
  g_assert_cmpstr (sio_manager_get_uri (manager), ==, "http://127.0.0.1:1");
  g_assert_true (SOUP_IS_SESSION (sio_manager_get_session (manager)));
  g_assert_false (sio_manager_is_open (manager));
  g_assert_finalize_object (g_steal_pointer (&manager));
}

/* Connection refused, again and again, with exponential backoff capped by the maximum. */
static void
test_backoff_timing (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(Client) c = NULL;
  gint64 start;
  gint64 elapsed;
  guint16 port;

  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  g_socket_listener_close (listener);

  c = client_new (port, NULL, &modes[1]);
  sio_manager_set_reconnection_delay (c->manager, 40);
  sio_manager_set_reconnection_delay_max (c->manager, 160);
  sio_manager_set_randomization_factor (c->manager, 0);
  sio_manager_set_reconnection_attempts (c->manager, 4);

  start = g_get_monotonic_time ();
  sio_client_socket_connect (c->socket);
  WAIT_FOR (c->n_reconnect_failed == 1);
  elapsed = (g_get_monotonic_time () - start) / 1000;

  /* 40 + 80 + 160 + 160 (capped) = 440 ms of waiting, plus the refusals themselves. */
  g_test_message ("4 attempts took %" G_GINT64_FORMAT " ms", elapsed);
  g_assert_cmpint (elapsed, >=, 440);
  g_assert_cmpint (elapsed, <, 5000);
  g_assert_cmpuint (c->n_attempt, ==, 4);
  g_assert_cmpuint (c->n_connect_error, ==, 5);
  g_assert_error (c->connect_error, SIO_ERROR, SIO_ERROR_TRANSPORT);

  sio_client_socket_disconnect (c->socket);
  g_clear_pointer (&c, client_free);
}

/* ---- Fake Socket.IO servers over WebSocket ---------------------------------------------- */

typedef struct
{
  const char  *name;
  const char  *after_connect[4];    /* sent after the reply to CONNECT, in order */
  guint        ping_interval;       /* the handshake's; the fake never pings */
  const char  *connect_reply;       /* default: 40{"sid":"fake"} */
  /* what the client must report */
  gboolean     connects;
  const char  *reason;              /* of "disconnect"; NULL: expect connect_error */
  int          code;
  const char  *message_part;
} FakeCase;

typedef struct
{
  SoupServer     *soup;
  SioHttpListener *listener;
  guint16         port;
  const FakeCase *fc;
  GPtrArray      *conns;
  GPtrArray      *received;     /* char *: every text message from clients */
} Fake;

static void
on_fake_message (SoupWebsocketConnection *conn,
                 int                      type,
                 GBytes                  *message,
                 Fake                    *fake)
{
  g_autofree char *text = g_strndup (g_bytes_get_data (message, NULL), g_bytes_get_size (message));

  g_ptr_array_add (fake->received, g_strdup (text));
  if (g_str_has_prefix (text, "40"))
    {
      soup_websocket_connection_send_text (conn, fake->fc->connect_reply ? fake->fc->connect_reply
                                                                         : "40{\"sid\":\"fake\"}");
      for (guint i = 0; i < G_N_ELEMENTS (fake->fc->after_connect) && fake->fc->after_connect[i]; i++)
        {
          const char *packet = fake->fc->after_connect[i];

          /* "\x01..." stands for a binary frame. */
          if (packet[0] == '\x01')
            soup_websocket_connection_send_binary (conn, packet + 1, strlen (packet + 1));
          else
            soup_websocket_connection_send_text (conn, packet);
        }
    }
}

static void
on_fake_ws (SoupServer              *server,
            SoupServerMessage       *msg,
            const char              *path,
            SoupWebsocketConnection *conn,
            gpointer                 user_data)
{
  Fake *fake = user_data;
  g_autofree char *handshake = NULL;
  guint ping = fake->fc->ping_interval ? fake->fc->ping_interval : 5000;

  handshake = g_strdup_printf ("0{\"sid\":\"eio-%u\",\"upgrades\":[],\"pingInterval\":%u,"
                               "\"pingTimeout\":%u,\"maxPayload\":1000000}", fake->conns->len, ping, ping);
  g_ptr_array_add (fake->conns, g_object_ref (conn));
  g_signal_connect (conn, "message", G_CALLBACK (on_fake_message), fake);
  soup_websocket_connection_send_text (conn, handshake);
}

static void
fake_start (Fake           *fake,
            const FakeCase *fc)
{
  g_autoptr(GError) error = NULL;

  fake->fc = fc;
  fake->soup = soup_server_new (NULL, NULL);
  fake->conns = g_ptr_array_new_with_free_func (g_object_unref);
  fake->received = g_ptr_array_new_with_free_func (g_free);
  soup_server_add_websocket_handler (fake->soup, "/socket.io/", NULL, NULL, on_fake_ws, fake, NULL);
  fake->listener = test_listen_local (fake->soup, 0, NULL);
  fake->port = sio_http_listener_get_port (fake->listener);
}

static void
fake_stop (Fake *fake)
{
  for (guint i = 0; i < fake->conns->len; i++)
    {
      SoupWebsocketConnection *conn = g_ptr_array_index (fake->conns, i);

      g_signal_handlers_disconnect_by_data (conn, fake);
      if (soup_websocket_connection_get_state (conn) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    }
  WAIT_FOR (({
    gboolean all_closed = TRUE;
    for (guint i = 0; i < fake->conns->len; i++)
      all_closed &= soup_websocket_connection_get_state (g_ptr_array_index (fake->conns, i)) ==
                    SOUP_WEBSOCKET_STATE_CLOSED;
    all_closed;
  }));
  g_clear_pointer (&fake->conns, g_ptr_array_unref);
  g_clear_pointer (&fake->received, g_ptr_array_unref);
  g_clear_object (&fake->listener);
  soup_server_disconnect (fake->soup);
  test_drain_main_context ();
  g_assert_finalize_object (fake->soup);
}

static void
test_fake (gconstpointer data)
{
  const FakeCase *fc = data;
  Fake fake = { 0 };
  g_autoptr(Client) c = NULL;
  const GError *error;

  fake_start (&fake, fc);
  c = client_new (fake.port, NULL, &modes[1]);
  sio_manager_set_reconnection (c->manager, FALSE);
  sio_client_socket_connect (c->socket);

  if (fc->reason != NULL)
    {
      WAIT_FOR (c->n_disconnect == 1);
      g_assert_cmpuint (c->n_connect, ==, 1);
      g_assert_cmpstr (c->reason, ==, fc->reason);
      error = c->disconnect_error;
    }
  else
    {
      WAIT_FOR (c->n_connect_error == 1);
      g_assert_cmpuint (c->n_connect, ==, 0);
      error = c->connect_error;
    }

  g_assert_nonnull (error);
  g_assert_cmpuint (error->domain, ==, SIO_ERROR);
  g_assert_cmpint (error->code, ==, fc->code);
  g_assert_nonnull (strstr (error->message, fc->message_part));

  sio_client_socket_disconnect (c->socket);
  g_clear_pointer (&c, client_free);
  fake_stop (&fake);
}

static const FakeCase fake_cases[] = {
  { "invalid-json", { "42[\"x\",{oops}]" }, 0, NULL, TRUE, "parse error", SIO_ERROR_PARSE, "invalid payload" },
  { "unknown-type", { "49" }, 0, NULL, TRUE, "parse error", SIO_ERROR_PARSE, "unknown packet type" },
  { "reserved-name", { "42[\"connect\"]" }, 0, NULL, TRUE, "parse error", SIO_ERROR_PARSE, "invalid payload" },
  { "event-not-array", { "42{\"a\":1}" }, 0, NULL, TRUE, "parse error", SIO_ERROR_PARSE, "invalid payload" },
  { "too-many-attachments", { "4511-[\"x\"]" }, 0, NULL, TRUE, "parse error", SIO_ERROR_PARSE, "too many attachments" },
  { "text-instead-of-attachment", { "451-[\"x\",{\"_placeholder\":true,\"num\":0}]", "42[\"y\"]" }, 0, NULL, TRUE,
    "parse error", SIO_ERROR_PARSE, "reconstructing" },
  { "stray-attachment", { "\x01" "abc" }, 0, NULL, TRUE, "parse error", SIO_ERROR_PARSE,
    "not reconstructing" },
  { "bad-placeholder", { "451-[\"x\",{\"_placeholder\":true,\"num\":3}]" }, 0, NULL, TRUE, "parse error",
    SIO_ERROR_PARSE, "illegal attachments" },
  { "engine-garbage", { "xyz" }, 0, NULL, TRUE, "transport error", SIO_ERROR_PARSE, "Invalid WebSocket message" },
  { "ping-timeout", { NULL }, 100, NULL, TRUE, "ping timeout", SIO_ERROR_TIMEOUT, "no ping" },
  { "connect-without-sid", { NULL }, 0, "40{}", FALSE, NULL, SIO_ERROR_PROTOCOL, "v2.x" },
  { "connect-error-string", { NULL }, 0, "44\"go away\"", FALSE, NULL, SIO_ERROR_REFUSED, "go away" },
  { "connect-error-empty", { NULL }, 0, "44", FALSE, NULL, SIO_ERROR_REFUSED, "refused the connection" },
  { "connect-sid-object", { NULL }, 0, "40{\"sid\":{\"a\":1},\"pid\":[1]}", FALSE, NULL, SIO_ERROR_PROTOCOL, "v2.x" },
  { "connect-error-object", { NULL }, 0, "44{\"message\":{\"a\":1},\"data\":[1]}", FALSE, NULL,
    SIO_ERROR_REFUSED, "refused the connection" },
};

/* Harmless oddities: an ack nobody asked for, an event for a namespace nobody joined, an
 * event with a number as name. The connection goes on. */
static void
test_fake_harmless (void)
{
  static const FakeCase fc = {
    "harmless", { "43/nowhere,[1]", "4399[1]", "42/other,[\"x\"]", "42[7,\"seven\"]" },
  };
  Fake fake = { 0 };
  g_autoptr(Client) c = NULL;

  fake_start (&fake, &fc);
  c = client_new (fake.port, NULL, &modes[1]);
  sio_client_socket_connect (c->socket);
  WAIT_FOR (c->events->len == 1);
  /* As JavaScript keys listeners: the number as a string. */
  g_assert_cmpstr (sio_client_event_get_name (g_ptr_array_index (c->events, 0)), ==, "7");
  g_assert_cmpstr (sio_client_event_get_string (g_ptr_array_index (c->events, 0), 0), ==, "seven");
  g_assert_true (sio_client_socket_is_connected (c->socket));
  g_assert_cmpuint (c->n_disconnect, ==, 0);

  sio_client_socket_disconnect (c->socket);
  WAIT_FOR (fake.received->len >= 2);
  g_assert_cmpstr (g_ptr_array_index (fake.received, fake.received->len - 1), ==, "41");
  g_clear_pointer (&c, client_free);
  fake_stop (&fake);
}

/* A server that stops pinging: the client notices after pingInterval + pingTimeout, says "ping
 * timeout", reconnects and rejoins. */
static void
test_fake_ping_timeout_reconnects (void)
{
  static const FakeCase fc = { "ping", { NULL }, 100 };
  Fake fake = { 0 };
  g_autoptr(Client) c = NULL;

  fake_start (&fake, &fc);
  c = client_new (fake.port, NULL, &modes[1]);
  sio_client_socket_connect (c->socket);
  WAIT_FOR (c->n_connect == 2);
  g_assert_cmpstr (c->reason, ==, "ping timeout");
  g_assert_error (c->disconnect_error, SIO_ERROR, SIO_ERROR_TIMEOUT);
  g_assert_cmpuint (c->n_reconnect, ==, 1);

  sio_client_socket_disconnect (c->socket);
  g_clear_pointer (&c, client_free);
  fake_stop (&fake);
}

/* An invalid packet closes the connection with "parse error", and the client comes back. */
static void
test_fake_parse_error_reconnects (void)
{
  static const FakeCase fc = { "parse", { "42[" } };
  Fake fake = { 0 };
  g_autoptr(Client) c = NULL;

  fake_start (&fake, &fc);
  c = client_new (fake.port, NULL, &modes[1]);
  sio_client_socket_connect (c->socket);
  WAIT_FOR (c->n_connect >= 3);
  g_assert_cmpstr (c->reason, ==, "parse error");
  g_assert_error (c->disconnect_error, SIO_ERROR, SIO_ERROR_PARSE);

  sio_client_socket_disconnect (c->socket);
  g_clear_pointer (&c, client_free);
  fake_stop (&fake);
}

/* An HTTP error at the handshake reaches the socket as connect_error. */
static void
answer_500 (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  soup_server_message_set_status (msg, 500, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "broken", 6);
}

static void
test_http_error (gconstpointer data)
{
  g_autoptr(SioHttpListener) listener = NULL;
  const Mode *mode = data;
  g_autoptr(SoupServer) soup = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(Client) c = NULL;
  guint16 port;

  soup_server_add_handler (soup, "/socket.io/", answer_500, NULL, NULL);
  listener = test_listen_local (soup, 0, NULL);
  port = sio_http_listener_get_port (listener);

  c = client_new (port, NULL, mode);
  sio_manager_set_reconnection (c->manager, FALSE);
  sio_client_socket_connect (c->socket);
  WAIT_FOR (c->n_connect_error == 1);
  g_assert_error (c->connect_error, SIO_ERROR, SIO_ERROR_TRANSPORT);
  g_assert_nonnull (strstr (c->connect_error->message, "500"));
  g_assert_cmpuint (c->n_manager_error, ==, 1);
  g_assert_cmpuint (c->n_connect, ==, 0);

  sio_client_socket_disconnect (c->socket);
  g_clear_pointer (&c, client_free);
  g_clear_object (&listener);
  soup_server_disconnect (soup);
  test_drain_main_context ();
  g_assert_finalize_object (g_steal_pointer (&soup));
}

/* ---- Closing from the client side ------------------------------------------------------- */

static void
test_manager_close (void)
{
  Restartable r = { .received = g_array_new (FALSE, FALSE, sizeof (int)) };
  g_autoptr(Client) c = NULL;

  restartable_start (&r);
  c = client_new (r.port, NULL, &modes[2]);
  sio_client_socket_connect (c->socket);
  WAIT_FOR (c->n_connect == 1);

  sio_manager_close (c->manager);
  g_assert_cmpuint (c->n_disconnect, ==, 1);
  g_assert_cmpstr (c->reason, ==, "io client disconnect");
  g_assert_false (sio_manager_is_open (c->manager));
  wait_ms (200);
  g_assert_cmpuint (c->n_attempt, ==, 0);

  /* connect() opens again. */
  sio_client_socket_connect (c->socket);
  WAIT_FOR (c->n_connect == 2);
  g_assert_cmpuint (r.n_connections, ==, 2);

  sio_client_socket_disconnect (c->socket);
  g_clear_pointer (&c, client_free);
  restartable_stop (&r);
  g_array_unref (r.received);
}

/* Dropping a connected socket and its manager leaves the server cleanly. */
static void
on_disconnect_reason (SioSocket  *socket,
                      const char *reason,
                      const char *description,
                      char      **out)
{
  *out = g_strdup (reason);
}

static void
on_track_connection (SioNamespace *nsp,
                     SioSocket    *socket,
                     char        **out)
{
  g_signal_connect (socket, "disconnect", G_CALLBACK (on_disconnect_reason), out);
}

static void
test_unref_while_connected (gconstpointer data)
{
  const Mode *mode = data;
  Restartable r = { .received = g_array_new (FALSE, FALSE, sizeof (int)) };
  g_autoptr(Client) c = NULL;
  g_autofree char *server_reason = NULL;
  g_autoptr(JsonArray) args = json_array_new ();

  restartable_start (&r);
  g_signal_connect (sio_server_of (r.io, "/"), "connection", G_CALLBACK (on_track_connection), &server_reason);
  c = client_new (r.port, NULL, mode);
  sio_client_socket_connect (c->socket);
  WAIT_FOR (c->n_connect == 1);

  /* The last emit and the DISCONNECT still leave before the connection closes. */
  json_array_add_int_element (args, 1);
  sio_client_socket_emit (c->socket, "msg", args, NULL);
  g_clear_pointer (&c, client_free);

  WAIT_FOR (server_reason != NULL);
  g_assert_cmpstr (server_reason, ==, "client namespace disconnect");
  g_assert_cmpuint (r.received->len, ==, 1);

  g_signal_handlers_disconnect_by_data (sio_server_of (r.io, "/"), &server_reason);
  restartable_stop (&r);
  g_array_unref (r.received);
}

/* A custom path, and a server URI with a query (its path is ignored). */
static void
on_custom_connection (SioNamespace *nsp,
                      SioSocket    *socket,
                      gboolean     *connected)
{
  *connected = TRUE;
}

static void
on_keep_socket (SioNamespace  *nsp,
                SioSocket     *socket,
                SioSocket    **out)
{
  g_set_object (out, socket);
}

static void
test_path_and_query (void)
{
  Restartable r = { .received = g_array_new (FALSE, FALSE, sizeof (int)) };
  g_autoptr(GError) error = NULL;
  g_autoptr(SioServer) io = sio_server_new ();
  g_autofree char *uri = NULL;
  g_autoptr(Client) c = NULL;
  gboolean custom_connected = FALSE;
  SioNamespace *nsp;

  restartable_start (&r);
  sio_server_attach (io, r.soup, "/custom/", &error);
  g_assert_no_error (error);
  nsp = sio_server_of (io, "/");
  g_signal_connect (nsp, "connection", G_CALLBACK (on_custom_connection), &custom_connected);

  c = client_new (r.port, "/custom/", &modes[0]);
  sio_client_socket_connect (c->socket);
  WAIT_FOR (c->n_connect == 1);
  g_assert_true (custom_connected);
  g_assert_cmpuint (r.n_connections, ==, 0);
  sio_client_socket_disconnect (c->socket);
  g_clear_pointer (&c, client_free);

  uri = g_strdup_printf ("ws://127.0.0.1:%u/ignored?token=t1", r.port);
  {
    g_autoptr(SioManager) manager = sio_manager_new (uri);
    g_autoptr(SioClientSocket) socket = sio_manager_socket (manager, NULL);
    SioSocket *server_socket = NULL;

    g_signal_connect (sio_server_of (r.io, "/"), "connection", G_CALLBACK (on_keep_socket), &server_socket);
    sio_client_socket_connect (socket);
    WAIT_FOR (server_socket != NULL);
    g_assert_cmpstr (g_hash_table_lookup (sio_socket_get_query (server_socket), "token"), ==, "t1");
    g_signal_handlers_disconnect_by_data (sio_server_of (r.io, "/"), &server_socket);
    g_clear_object (&server_socket);
    sio_client_socket_disconnect (socket);
    g_assert_finalize_object (g_steal_pointer (&socket));
    g_assert_finalize_object (g_steal_pointer (&manager));
    WAIT_FOR (_sio_engine_client_get_n_alive () == 0 && _sio_client_transport_get_n_alive () == 0);
  }

  sio_server_close (io);
  WAIT_FOR (sio_engine_server_get_n_sockets (sio_server_get_engine (io)) == 0);
  g_signal_handlers_disconnect_by_data (nsp, &custom_connected);
  g_assert_finalize_object (g_steal_pointer (&io));
  restartable_stop (&r);
  g_array_unref (r.received);
}

/* ---- main ------------------------------------------------------------------------------- */

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autofree char *restart = g_strdup_printf ("/sio/client/reconnect/%s/server-restart", modes[i].name);
      g_autofree char *timeout = g_strdup_printf ("/sio/client/reconnect/%s/connect-timeout", modes[i].name);
      g_autofree char *unref = g_strdup_printf ("/sio/client/reconnect/%s/unref-while-connected", modes[i].name);
      g_autofree char *http = g_strdup_printf ("/sio/client/reconnect/%s/http-500", modes[i].name);

      g_test_add_data_func (restart, &modes[i], test_restart);
      g_test_add_data_func (timeout, &modes[i], test_connect_timeout);
      g_test_add_data_func (unref, &modes[i], test_unref_while_connected);
      g_test_add_data_func (http, &modes[i], test_http_error);
    }

  g_test_add_func ("/sio/client/reconnect/reconnect-failed", test_reconnect_failed);
  g_test_add_func ("/sio/client/reconnect/backoff-defaults", test_backoff_defaults);
  g_test_add_func ("/sio/client/reconnect/backoff-timing", test_backoff_timing);
  g_test_add_func ("/sio/client/reconnect/manager-close", test_manager_close);
  g_test_add_func ("/sio/client/reconnect/path-and-query", test_path_and_query);
  g_test_add_func ("/sio/client/reconnect/ping-timeout", test_fake_ping_timeout_reconnects);
  g_test_add_func ("/sio/client/reconnect/parse-error", test_fake_parse_error_reconnects);
  g_test_add_func ("/sio/client/reconnect/bad-server/harmless", test_fake_harmless);

  for (guint i = 0; i < G_N_ELEMENTS (fake_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sio/client/reconnect/bad-server/%s", fake_cases[i].name);
      g_test_add_data_func (path, &fake_cases[i], test_fake);
    }

  return g_test_run ();
}
