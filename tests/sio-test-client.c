/* sio-test-client.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "sio-test-client.h"

#include <string.h>

/* ---------------------------------------------------------------------------------------- */
/* Fixture                                                                                   */

static void
sio_peer_free (SioPeer *peer)
{
  if (peer->socket != NULL)
    {
      g_signal_handlers_disconnect_by_data (peer->socket, peer);
      g_object_remove_weak_pointer (G_OBJECT (peer->socket), (gpointer *) &peer->socket);
    }
  g_clear_pointer (&peer->events, g_ptr_array_unref);
  g_clear_pointer (&peer->rooms_at_disconnecting, g_ptr_array_unref);
  g_clear_pointer (&peer->rooms_at_disconnect, g_ptr_array_unref);
  g_free (peer->id);
  g_free (peer->nsp);
  g_free (peer->disconnecting_reason);
  g_free (peer->reason);
  g_free (peer->description);
  g_free (peer);
}

static gboolean
room_reaches (SioSocket  *socket,
              const char *room)
{
  g_autoptr(SioBroadcast) to = sio_namespace_to (sio_socket_get_namespace (socket), room);
  g_autoptr(GPtrArray) sockets = sio_broadcast_fetch_sockets (to);

  return g_ptr_array_find (sockets, socket, NULL);
}

static guint
count_reachable (SioSocket *socket,
                 GPtrArray *rooms)
{
  guint n = 0;

  for (guint i = 0; i < rooms->len; i++)
    n += room_reaches (socket, g_ptr_array_index (rooms, i));

  /* The own-id room, even when the socket no longer lists it. */
  if (!g_ptr_array_find_with_equal_func (rooms, sio_socket_get_id (socket), g_str_equal, NULL))
    n += room_reaches (socket, sio_socket_get_id (socket));
  return n;
}

static void
on_peer_event (SioSocket *socket,
               SioEvent  *event,
               SioPeer   *peer)
{
  g_ptr_array_add (peer->events, sio_event_ref (event));
}

static void
on_peer_disconnecting (SioSocket  *socket,
                       const char *reason,
                       const char *description,
                       SioPeer    *peer)
{
  peer->n_disconnecting++;
  g_assert_cmpuint (peer->n_disconnect, ==, 0);
  g_free (peer->disconnecting_reason);
  peer->disconnecting_reason = g_strdup (reason);
  g_clear_pointer (&peer->rooms_at_disconnecting, g_ptr_array_unref);
  peer->rooms_at_disconnecting = sio_socket_list_rooms (socket);
  peer->n_reachable_at_disconnecting = count_reachable (socket, peer->rooms_at_disconnecting);
}

static void
on_peer_disconnect (SioSocket  *socket,
                    const char *reason,
                    const char *description,
                    SioPeer    *peer)
{
  peer->n_disconnect++;
  g_free (peer->reason);
  peer->reason = g_strdup (reason);
  g_free (peer->description);
  peer->description = g_strdup (description);
  g_clear_pointer (&peer->rooms_at_disconnect, g_ptr_array_unref);
  peer->rooms_at_disconnect = sio_socket_list_rooms (socket);
  peer->n_reachable_at_disconnect =
    count_reachable (socket, peer->rooms_at_disconnecting ? peer->rooms_at_disconnecting
                                                          : peer->rooms_at_disconnect);
  peer->connected_at_disconnect = sio_socket_is_connected (socket);
  g_test_message ("socket %s of %s disconnected: %s", peer->id, peer->nsp, reason);
}

static void
on_tracked_connection (SioNamespace *nsp,
                       SioSocket    *socket,
                       SioFixture   *f)
{
  SioPeer *peer = g_new0 (SioPeer, 1);

  g_assert_true (SIO_IS_SOCKET (socket));
  g_assert_true (sio_socket_is_connected (socket));

  peer->socket = socket;
  g_object_add_weak_pointer (G_OBJECT (socket), (gpointer *) &peer->socket);
  peer->id = g_strdup (sio_socket_get_id (socket));
  peer->nsp = g_strdup (sio_namespace_get_name (sio_socket_get_namespace (socket)));
  peer->events = g_ptr_array_new_with_free_func ((GDestroyNotify) sio_event_unref);

  g_signal_connect (socket, "event", G_CALLBACK (on_peer_event), peer);
  g_signal_connect (socket, "disconnecting", G_CALLBACK (on_peer_disconnecting), peer);
  g_signal_connect (socket, "disconnect", G_CALLBACK (on_peer_disconnect), peer);

  g_ptr_array_add (f->peers, peer);
}

void
sio_fixture_watch (SioFixture   *f,
                   SioNamespace *nsp)
{
  gpointer *slot = g_new (gpointer, 1);

  *slot = nsp;
  g_object_add_weak_pointer (G_OBJECT (nsp), slot);
  g_ptr_array_add (f->namespaces, slot);
}

void
sio_fixture_track (SioFixture   *f,
                   SioNamespace *nsp)
{
  sio_fixture_watch (f, nsp);
  g_signal_connect (nsp, "connection", G_CALLBACK (on_tracked_connection), f);
}

void
sio_fixture_setup (SioFixture    *f,
                   gconstpointer  data)
{
  const SioConfig *config = data;
  g_autoptr(GError) error = NULL;

  f->soup = soup_server_new (NULL, NULL);
  f->io = sio_server_new ();
  f->peers = g_ptr_array_new_with_free_func ((GDestroyNotify) sio_peer_free);
  f->namespaces = g_ptr_array_new ();

  if (config != NULL)
    {
      SioEngineServer *engine = sio_server_get_engine (f->io);

      if (config->ping_interval != 0)
        sio_engine_server_set_ping_interval (engine, config->ping_interval);
      if (config->ping_timeout != 0)
        sio_engine_server_set_ping_timeout (engine, config->ping_timeout);
      if (config->connect_timeout != 0)
        sio_server_set_connect_timeout (f->io, config->connect_timeout);
      if (config->max_disconnection_duration != 0)
        sio_server_set_max_disconnection_duration (f->io, config->max_disconnection_duration);
    }

  sio_fixture_track (f, sio_server_of (f->io, "/"));

  sio_server_attach (f->io, f->soup, "/socket.io/", &error);
  g_assert_no_error (error);

  f->listener = test_listen_local (f->soup, 0, &f->base);

  f->session = soup_session_new ();
}

void
sio_fixture_teardown (SioFixture    *f,
                      gconstpointer  data)
{
  SioEngineServer *engine = sio_server_get_engine (f->io);

  sio_server_close (f->io);
  WAIT_FOR (sio_engine_server_get_n_sockets (engine) == 0);

  soup_session_abort (f->session);
  WAIT_FOR (test_http_get_n_pending () == 0 && test_raw_get_n_alive () == 0);
  g_assert_finalize_object (f->session);
  f->session = NULL;

  sio_http_listener_disconnect (f->listener);
  g_clear_object (&f->listener);
  soup_server_disconnect (f->soup);
  test_drain_main_context ();

  /* Events hold their socket: let go of them before checking lifetimes. */
  for (guint i = 0; i < f->peers->len; i++)
    g_ptr_array_set_size (((SioPeer *) g_ptr_array_index (f->peers, i))->events, 0);

  g_assert_cmpuint (G_OBJECT (f->io)->ref_count, ==, 1);
  g_assert_finalize_object (f->io);
  f->io = NULL;
  g_assert_finalize_object (f->soup);
  f->soup = NULL;
  test_drain_main_context ();

  for (guint i = 0; i < f->namespaces->len; i++)
    {
      gpointer *slot = g_ptr_array_index (f->namespaces, i);

      if (*slot != NULL)
        g_error ("namespace %s leaked: refcount %u", sio_namespace_get_name (*slot),
                 G_OBJECT (*slot)->ref_count);
      g_free (slot);
    }
  g_clear_pointer (&f->namespaces, g_ptr_array_unref);

  /* Every socket disconnects exactly once, and nothing keeps it alive afterwards. */
  for (guint i = 0; i < f->peers->len; i++)
    {
      SioPeer *peer = g_ptr_array_index (f->peers, i);

      if (peer->socket != NULL)
        g_error ("socket %s (%u) leaked: refcount %u", peer->id, i,
                 G_OBJECT (peer->socket)->ref_count);
      g_assert_cmpuint (peer->n_disconnecting, ==, 1);
      g_assert_cmpuint (peer->n_disconnect, ==, 1);
    }

  g_clear_pointer (&f->peers, g_ptr_array_unref);
  g_clear_pointer (&f->base, g_uri_unref);
}

SioPeer *
sio_fixture_wait_peer (SioFixture *f,
                       guint       index)
{
  WAIT_FOR (f->peers->len > index);
  return g_ptr_array_index (f->peers, index);
}

SioPeer *
sio_fixture_find_peer (SioFixture *f,
                       const char *id)
{
  /* The newest first: a recovered socket reuses the id of the one it replaces. */
  for (guint i = f->peers->len; i > 0; i--)
    {
      SioPeer *peer = g_ptr_array_index (f->peers, i - 1);

      if (g_strcmp0 (peer->id, id) == 0)
        return peer;
    }

  g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC,
                       "no \"connection\" was emitted for that socket id");
  return NULL;
}

SioEvent *
sio_peer_wait_event (SioPeer *peer,
                     guint    n)
{
  WAIT_FOR (peer->events->len >= n);
  return g_ptr_array_index (peer->events, n - 1);
}

char *
sio_test_json (JsonNode *node)
{
  return sio_json_to_string (node);
}

char *
sio_test_event_args_json (SioEvent *event)
{
  g_autoptr(JsonArray) args = sio_event_dup_args (event);
  g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), args);

  return sio_json_to_string (node);
}

JsonArray *
sio_test_parse_array (const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = sio_json_from_string (json, -1, &error);

  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  return json_array_ref (json_node_get_array (node));
}

/* ---------------------------------------------------------------------------------------- */
/* Client                                                                                    */

static void
client_message_cb (SoupWebsocketConnection *conn,
                   int                      type,
                   GBytes                  *data,
                   SioTestClient           *c)
{
  TestWsMessage *message;
  gsize len = 0;
  const char *text = g_bytes_get_data (data, &len);

  /* Engine.IO heartbeat: the server pings, the client answers (protocol v4). */
  if (type == SOUP_WEBSOCKET_DATA_TEXT && len == 1 && text[0] == '2')
    {
      c->n_pings++;
      if (!c->ignore_pings)
        soup_websocket_connection_send_text (conn, "3");
      return;
    }

  message = g_new0 (TestWsMessage, 1);
  message->type = type;
  message->data = g_bytes_ref (data);
  g_queue_push_tail (&c->queue, message);
}

static void
client_closed_cb (SoupWebsocketConnection *conn,
                  SioTestClient           *c)
{
  c->closed = TRUE;
  c->close_code = soup_websocket_connection_get_close_code (conn);
}

static void
client_connect_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  SioTestClient *c = user_data;

  c->conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result,
                                                   &c->connect_error);
  if (c->conn != NULL)
    {
      soup_websocket_connection_set_max_incoming_payload_size (c->conn, 0);
      soup_websocket_connection_set_keepalive_interval (c->conn, 0);
      g_signal_connect (c->conn, "message", G_CALLBACK (client_message_cb), c);
      g_signal_connect (c->conn, "closed", G_CALLBACK (client_closed_cb), c);
    }
  c->connect_done = TRUE;
}

SioTestClient *
sio_test_client_new_full (SioFixture *f,
                          const char *query,
                          const char *header,
                          ...)
{
  SioTestClient *c = g_new0 (SioTestClient, 1);
  g_autofree char *url = NULL;
  g_autofree char *open = NULL;
  g_autoptr(JsonObject) object = NULL;
  va_list ap;

  g_queue_init (&c->queue);
  url = g_strdup_printf ("ws://%s:%d/socket.io/?EIO=4&transport=websocket%s%s",
                         g_uri_get_host (f->base), g_uri_get_port (f->base),
                         query ? "&" : "", query ? query : "");
  c->msg = soup_message_new ("GET", url);
  g_assert_nonnull (c->msg);

  va_start (ap, header);
  for (const char *name = header; name != NULL; name = va_arg (ap, const char *))
    {
      const char *value = va_arg (ap, const char *);

      soup_message_headers_append (soup_message_get_request_headers (c->msg), name, value);
    }
  va_end (ap);

  soup_session_websocket_connect_async (f->session, c->msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        client_connect_cb, c);
  WAIT_FOR (c->connect_done);
  g_assert_no_error (c->connect_error);
  g_assert_nonnull (c->conn);

  open = sio_test_client_next_text (c);
  object = test_parse_open_packet (open, strlen (open));
  c->eio_sid = g_strdup (json_object_get_string_member (object, "sid"));

  return c;
}

SioTestClient *
sio_test_client_new (SioFixture *f)
{
  return sio_test_client_new_full (f, NULL, NULL);
}

void
sio_test_client_send (SioTestClient *c,
                      const char    *text)
{
  g_assert_nonnull (c->conn);
  g_assert_false (c->closed);
  soup_websocket_connection_send_text (c->conn, text);
}

void
sio_test_client_send_binary (SioTestClient *c,
                             const void    *data,
                             gsize          len)
{
  g_assert_nonnull (c->conn);
  g_assert_false (c->closed);
  soup_websocket_connection_send_binary (c->conn, data, len);
}

static TestWsMessage *
client_next (SioTestClient *c)
{
  WAIT_FOR (!g_queue_is_empty (&c->queue) || c->closed);
  return g_queue_pop_head (&c->queue);
}

char *
sio_test_client_next_text (SioTestClient *c)
{
  TestWsMessage *message = client_next (c);

  return test_ws_message_take_text (message, c->close_code);
}

GBytes *
sio_test_client_next_binary (SioTestClient *c)
{
  TestWsMessage *message = client_next (c);

  return test_ws_message_take_binary (message, c->close_code);
}

void
sio_test_client_assert_next_impl (const char    *file,
                                  int            line,
                                  const char    *func,
                                  SioTestClient *c,
                                  const char    *expected)
{
  g_autoptr(TestWsMessage) message = client_next (c);
  g_autofree char *text = NULL;

  if (message == NULL)
    {
      g_autofree char *fail = g_strdup_printf ("WebSocket closed (code %u) instead of sending "
                                               "'%s'", c->close_code, expected);
      g_assertion_message (G_LOG_DOMAIN, file, line, func, fail);
    }

  text = g_strndup (g_bytes_get_data (message->data, NULL), g_bytes_get_size (message->data));
  if (message->type != SOUP_WEBSOCKET_DATA_TEXT || strcmp (text, expected) != 0)
    {
      g_autofree char *fail = g_strdup_printf ("expected text '%s', got %s '%s'", expected,
                                               message->type == SOUP_WEBSOCKET_DATA_TEXT
                                               ? "text" : "binary", text);
      g_assertion_message (G_LOG_DOMAIN, file, line, func, fail);
    }
}

void
sio_test_client_assert_next_binary_impl (const char    *file,
                                         int            line,
                                         const char    *func,
                                         SioTestClient *c,
                                         const void    *expected,
                                         gsize          len)
{
  g_autoptr(TestWsMessage) message = client_next (c);

  if (message == NULL)
    g_assertion_message (G_LOG_DOMAIN, file, line, func,
                         "WebSocket closed instead of sending a binary frame");

  if (message->type != SOUP_WEBSOCKET_DATA_BINARY
      || g_bytes_get_size (message->data) != len
      || memcmp (g_bytes_get_data (message->data, NULL), expected, len) != 0)
    {
      g_autofree char *text = g_strndup (g_bytes_get_data (message->data, NULL),
                                         g_bytes_get_size (message->data));
      g_autofree char *fail = g_strdup_printf ("expected a binary frame of %" G_GSIZE_FORMAT
                                               " bytes, got %s of %" G_GSIZE_FORMAT " ('%s')",
                                               len,
                                               message->type == SOUP_WEBSOCKET_DATA_TEXT
                                               ? "text" : "binary",
                                               g_bytes_get_size (message->data), text);
      g_assertion_message (G_LOG_DOMAIN, file, line, func, fail);
    }
}

char *
sio_test_client_connect (SioTestClient  *c,
                         const char     *nsp,
                         const char     *auth,
                         char          **pid)
{
  gboolean main_nsp = nsp == NULL || strcmp (nsp, "/") == 0;
  g_autofree char *prefix = main_nsp ? g_strdup ("40") : g_strdup_printf ("40%s,", nsp);
  g_autofree char *request = g_strconcat (prefix, auth ? auth : "", NULL);
  g_autofree char *reply = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  guint n_keys = 1;

  sio_test_client_send (c, request);
  reply = sio_test_client_next_text (c);
  if (!g_str_has_prefix (reply, prefix) || reply[strlen (prefix)] != '{')
    {
      g_autofree char *fail = g_strdup_printf ("CONNECT '%s' answered '%s'", request, reply);
      g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC, fail);
    }

  node = sio_json_from_string (reply + strlen (prefix), -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  object = json_node_get_object (node);

  g_assert_true (json_object_has_member (object, "sid"));
  test_assert_valid_sid (json_object_get_string_member (object, "sid"));
  if (json_object_has_member (object, "pid"))
    {
      test_assert_valid_sid (json_object_get_string_member (object, "pid"));
      n_keys++;
    }
  g_assert_cmpuint (json_object_get_size (object), ==, n_keys);

  if (pid != NULL)
    *pid = g_strdup (json_object_get_string_member_with_default (object, "pid", NULL));
  return g_strdup (json_object_get_string_member (object, "sid"));
}

void
sio_test_client_wait_closed (SioTestClient *c)
{
  WAIT_FOR (c->closed);
}

void
sio_test_client_close (SioTestClient *c)
{
  if (c->conn == NULL || c->closed)
    return;

  if (soup_websocket_connection_get_state (c->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (c->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  WAIT_FOR (c->closed);
}

void
sio_test_client_free (SioTestClient *c)
{
  if (c == NULL)
    return;

  if (c->conn != NULL)
    {
      sio_test_client_close (c);
      g_signal_handlers_disconnect_by_data (c->conn, c);
      g_clear_object (&c->conn);
    }

  g_queue_clear_full (&c->queue, (GDestroyNotify) test_ws_message_free);
  g_clear_object (&c->msg);
  g_clear_error (&c->connect_error);
  g_free (c->eio_sid);
  g_free (c);
}
