/* conformance-modes.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "conformance-modes.h"

/* ---- --mode sio: socket.io-protocol's test-suite ----------------------------------------- */

static void
on_sio_event (SioSocket *socket,
              SioEvent  *event,
              gpointer   user_data)
{
  const char *name = sio_event_get_name (event);
  g_autoptr(JsonArray) args = sio_event_dup_args (event);

  if (g_strcmp0 (name, "message") == 0)
    sio_socket_emit (socket, "message-back", args, sio_event_get_attachments (event));
  else if (g_strcmp0 (name, "message-with-ack") == 0)
    sio_event_ack (event, args, sio_event_get_attachments (event));
}

static void
on_sio_connection (SioNamespace *nsp,
                   SioSocket    *socket,
                   gpointer      user_data)
{
  g_autoptr(JsonArray) args = json_array_new ();

  json_array_add_element (args, json_node_ref (sio_socket_get_auth (socket)));
  sio_socket_emit (socket, "auth", args, NULL);
  g_signal_connect (socket, "event", G_CALLBACK (on_sio_event), NULL);
}

void
conformance_setup_sio (SioServer *io)
{
  SioEngineServer *engine = sio_server_get_engine (io);

  sio_engine_server_set_ping_interval (engine, 300);
  sio_engine_server_set_ping_timeout (engine, 200);
  sio_server_set_connect_timeout (io, 1000);
  g_signal_connect (sio_server_of (io, "/"), "connection", G_CALLBACK (on_sio_connection), NULL);
  g_signal_connect (sio_server_of (io, "/custom"), "connection", G_CALLBACK (on_sio_connection), NULL);
}

/* ---- --mode client-suite: socket.io-client's test/support/server.ts ---------------------- */

static GBytes *
asdfasdf (void)
{
  return g_bytes_new_static ("asdfasdf", 8);
}

/* new Date() as JSON.stringify writes it. */
static char *
js_iso_now (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *base = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%03dZ", base, g_date_time_get_microsecond (now) / 1000);
}

static void
emit_binary (SioSocket  *socket,
             const char *event)
{
  g_autoptr(JsonArray) args = json_array_new ();
  g_autoptr(GPtrArray) attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  g_ptr_array_add (attachments, asdfasdf ());
  json_array_add_element (args, sio_packet_new_placeholder (0));
  sio_socket_emit (socket, event, args, attachments);
}

static void
emit_empty (SioSocket  *socket,
            const char *event)
{
  sio_socket_emit (socket, event, NULL, NULL);
}

static void
ack_with_node (SioEvent *event,
               JsonNode *node)
{
  g_autoptr(JsonArray) args = json_array_new ();

  json_array_add_element (args, node);
  sio_event_ack (event, args, NULL);
}

/* { hello: "lol", message: <binary>, goodbye: "gotcha" } */
static gboolean
is_json_with_binary (SioEvent *event)
{
  JsonNode *arg = sio_event_get_arg (event, 0);
  JsonObject *object;

  if (arg == NULL || !JSON_NODE_HOLDS_OBJECT (arg))
    return FALSE;

  object = json_node_get_object (arg);
  return g_strcmp0 (json_object_get_string_member_with_default (object, "hello", NULL), "lol") == 0 &&
         g_strcmp0 (json_object_get_string_member_with_default (object, "goodbye", NULL), "gotcha") == 0 &&
         json_object_has_member (object, "message") &&
         sio_event_lookup_bytes (event, json_object_get_member (object, "message")) != NULL;
}

static void
on_ack_answered (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  SioSocket *socket = SIO_SOCKET (source);
  g_autoptr(SioEvent) response = sio_socket_emit_with_ack_finish (socket, result, NULL);
  JsonNode *a;
  JsonNode *b;

  if (response == NULL)
    return;

  a = sio_event_get_arg (response, 0);
  b = sio_event_get_arg (response, 1);
  if (a != NULL && JSON_NODE_HOLDS_VALUE (a) && json_node_get_value_type (a) == G_TYPE_INT64 &&
      json_node_get_int (a) == 5 && b != NULL && JSON_NODE_HOLDS_OBJECT (b) &&
      json_object_get_boolean_member_with_default (json_node_get_object (b), "test", FALSE))
    emit_empty (socket, "got it");
}

static void
on_client_suite_event (SioSocket *socket,
                       SioEvent  *event,
                       gpointer   user_data)
{
  const char *name = sio_event_get_name (event);

  if (name == NULL)
    return;

  if (g_str_equal (name, "hi"))
    emit_empty (socket, "hi");
  else if (g_str_equal (name, "echo"))
    {
      JsonNode *arg = sio_event_get_arg (event, 0);
      g_autoptr(JsonArray) args = json_array_new ();

      if (arg != NULL)
        json_array_add_element (args, json_node_ref (arg));
      sio_event_ack (event, args, sio_event_get_attachments (event));
    }
  else if (g_str_equal (name, "ack"))
    sio_socket_emit_with_ack_async (socket, "ack", NULL, NULL, 0, NULL, on_ack_answered, NULL);
  else if (g_str_equal (name, "getAckDate"))
    {
      g_autofree char *date = js_iso_now ();
      ack_with_node (event, json_node_init_string (json_node_alloc (), date));
    }
  else if (g_str_equal (name, "getDate"))
    {
      g_autofree char *date = js_iso_now ();
      sio_socket_emit_string (socket, "takeDate", date);
    }
  else if (g_str_equal (name, "getDateObj"))
    {
      g_autoptr(JsonArray) args = json_array_new ();
      g_autoptr(JsonObject) object = json_object_new ();
      g_autofree char *date = js_iso_now ();

      json_object_set_string_member (object, "date", date);
      json_array_add_object_element (args, g_steal_pointer (&object));
      sio_socket_emit (socket, "takeDateObj", args, NULL);
    }
  else if (g_str_equal (name, "getUtf8"))
    {
      static const char * const texts[] = {
        "てすと", "Я Б Г Д Ж Й", "Ä ä Ü ü ß", "utf8 — string", "utf8 — string",
      };

      for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
        sio_socket_emit_string (socket, "takeUtf8", texts[i]);
    }
  else if (g_str_equal (name, "false"))
    {
      g_autoptr(JsonArray) args = json_array_new ();

      json_array_add_boolean_element (args, FALSE);
      sio_socket_emit (socket, "false", args, NULL);
    }
  else if (g_str_equal (name, "doge"))
    emit_binary (socket, "doge");
  else if (g_str_equal (name, "getbin"))
    emit_binary (socket, "takebin");
  else if (g_str_equal (name, "buffa") || g_str_equal (name, "blob"))
    {
      if (sio_event_get_bytes (event, 0) != NULL)
        emit_empty (socket, g_str_equal (name, "buffa") ? "buffack" : "back");
    }
  else if (g_str_equal (name, "jsonbuff") || g_str_equal (name, "jsonblob"))
    {
      if (is_json_with_binary (event))
        emit_empty (socket, g_str_equal (name, "jsonbuff") ? "jsonbuff-ack" : "jsonblob-ack");
    }
  else if (g_str_equal (name, "abuff1") || g_str_equal (name, "blob1"))
    {
      if (sio_event_get_bytes (event, 0) != NULL)
        g_object_set_data (G_OBJECT (socket), name, GINT_TO_POINTER (1));
    }
  else if (g_str_equal (name, "abuff2"))
    {
      if (g_object_get_data (G_OBJECT (socket), "abuff1"))
        emit_empty (socket, "abuff2-ack");
    }
  else if (g_str_equal (name, "blob2"))
    {
      if (g_object_get_data (G_OBJECT (socket), "blob1") &&
          g_strcmp0 (sio_event_get_string (event, 0), "second") == 0)
        g_object_set_data (G_OBJECT (socket), "blob2", GINT_TO_POINTER (1));
    }
  else if (g_str_equal (name, "blob3"))
    {
      if (sio_event_get_bytes (event, 0) != NULL && g_object_get_data (G_OBJECT (socket), "blob1") &&
          g_object_get_data (G_OBJECT (socket), "blob2"))
        emit_empty (socket, "blob3-ack");
    }
  else if (g_str_equal (name, "getHandshake"))
    ack_with_node (event, sio_socket_dup_handshake (socket));
  else if (g_str_equal (name, "getId"))
    ack_with_node (event, json_node_init_string (json_node_alloc (), sio_socket_get_id (socket)));
}

static void
on_client_suite_connection (SioNamespace *nsp,
                            SioSocket    *socket,
                            gpointer      user_data)
{
  g_signal_connect (socket, "event", G_CALLBACK (on_client_suite_event), NULL);
}

static void
on_foo_event (SioSocket *socket,
              SioEvent  *event,
              gpointer   user_data)
{
  ack_with_node (event, json_node_init_string (json_node_alloc (), sio_socket_get_id (socket)));
}

static void
on_foo_connection (SioNamespace *nsp,
                   SioSocket    *socket,
                   gpointer      user_data)
{
  g_signal_connect (socket, "event::getId", G_CALLBACK (on_foo_event), NULL);
}

static void
on_abc_connection (SioNamespace *nsp,
                   SioSocket    *socket,
                   gpointer      user_data)
{
  g_autoptr(JsonArray) args = json_array_new ();

  json_array_add_element (args, sio_socket_dup_handshake (socket));
  sio_socket_emit (socket, "handshake", args, NULL);
}

static gboolean
fail_if_asked (SioSocket  *socket,
               JsonNode  **error_data,
               GError    **error,
               gpointer    user_data)
{
  GHashTable *query = sio_socket_get_query (socket);

  if (query != NULL && g_hash_table_contains (query, "fail"))
    {
      g_set_error_literal (error, SIO_ERROR, SIO_ERROR_REFUSED, "Auth failed (main namespace)");
      return FALSE;
    }
  return TRUE;
}

static gboolean
always_fail (SioSocket  *socket,
             JsonNode  **error_data,
             GError    **error,
             gpointer    user_data)
{
  g_set_error_literal (error, SIO_ERROR, SIO_ERROR_REFUSED, "Auth failed (custom namespace)");
  return FALSE;
}

static gboolean
allow_later (gpointer request)
{
  sio_engine_request_allow (request);
  return G_SOURCE_REMOVE;
}

/* The reference delays every handshake by 10 ms "to test the connection timeout on the client
 * side"; the client's connect-timeout tests rely on it. */
static void
allow_after_delay (SioEngineServer   *server,
                   SoupServerMessage *msg,
                   SioEngineRequest  *request,
                   gpointer           user_data)
{
  g_timeout_add (10, allow_later, request);
}

void
conformance_setup_client_suite (SioServer *io)
{
  sio_engine_server_set_allow_request_async_func (sio_server_get_engine (io), allow_after_delay, NULL, NULL);
  sio_engine_server_set_ping_interval (sio_server_get_engine (io), 2000);
  /* connectionStateRecovery: {} means the reference's default window, 2 minutes. */
  sio_server_set_max_disconnection_duration (io, 2 * 60 * 1000);

  g_signal_connect (sio_server_of (io, "/foo"), "connection", G_CALLBACK (on_foo_connection), NULL);
  sio_server_of (io, "/timeout_socket");
  sio_server_of (io, "/valid");
  sio_server_of (io, "/asd");
  g_signal_connect (sio_server_of (io, "/abc"), "connection", G_CALLBACK (on_abc_connection), NULL);
  sio_namespace_use (sio_server_of (io, "/"), fail_if_asked, NULL, NULL);
  sio_namespace_use (sio_server_of (io, "/no"), always_fail, NULL, NULL);
  g_signal_connect (sio_server_of (io, "/"), "connection", G_CALLBACK (on_client_suite_connection), NULL);
}

/* ---- --mode interop: client-suite plus rooms, broadcasts and server-side acks ----------- */

static JsonArray *
single_arg (JsonNode *node)
{
  JsonArray *args = json_array_new ();

  json_array_add_element (args, node ? json_node_ref (node) : json_node_new (JSON_NODE_NULL));
  return args;
}

static void
on_question_answered (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  SioSocket *socket = SIO_SOCKET (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(SioEvent) response = sio_socket_emit_with_ack_finish (socket, result, &error);

  if (response == NULL)
    {
      sio_socket_emit_string (socket, "answer-error", error->message);
      return;
    }

  /* Echo the client's answer back, binary included. */
  {
    g_autoptr(JsonArray) args = sio_event_dup_args (response);
    sio_socket_emit (socket, "answer", args, sio_event_get_attachments (response));
  }
}

static void
on_interop_event (SioSocket *socket,
                  SioEvent  *event,
                  gpointer   user_data)
{
  SioNamespace *nsp = sio_socket_get_namespace (socket);
  const char *name = sio_event_get_name (event);
  const char *room = sio_event_get_string (event, 0);

  if (name == NULL)
    return;

  if (g_str_equal (name, "join") && room != NULL)
    {
      sio_socket_join (socket, room);
      sio_event_ack (event, NULL, NULL);
    }
  else if (g_str_equal (name, "leave") && room != NULL)
    {
      sio_socket_leave (socket, room);
      sio_event_ack (event, NULL, NULL);
    }
  else if (g_str_equal (name, "rooms"))
    {
      g_autoptr(GPtrArray) rooms = sio_socket_list_rooms (socket);
      g_autoptr(JsonArray) list = json_array_new ();
      g_autoptr(JsonArray) args = json_array_new ();

      for (guint i = 0; i < rooms->len; i++)
        json_array_add_string_element (list, g_ptr_array_index (rooms, i));
      json_array_add_array_element (args, g_steal_pointer (&list));
      sio_event_ack (event, args, NULL);
    }
  else if (g_str_equal (name, "to-room") && room != NULL)
    {
      g_autoptr(SioBroadcast) to = sio_namespace_to (nsp, room);
      g_autoptr(JsonArray) args = single_arg (sio_event_get_arg (event, 1));

      sio_broadcast_emit (to, "room-message", args, sio_event_get_attachments (event));
      sio_event_ack (event, NULL, NULL);
    }
  else if (g_str_equal (name, "to-others"))
    {
      g_autoptr(SioBroadcast) others = sio_socket_broadcast (socket);
      g_autoptr(JsonArray) args = sio_event_dup_args (event);

      sio_broadcast_emit (others, "others", args, sio_event_get_attachments (event));
    }
  else if (g_str_equal (name, "to-all"))
    {
      g_autoptr(JsonArray) args = sio_event_dup_args (event);

      sio_namespace_emit (nsp, "all", args, sio_event_get_attachments (event));
    }
  else if (g_str_equal (name, "ask-me"))
    {
      g_autoptr(JsonArray) args = sio_event_dup_args (event);

      sio_socket_emit_with_ack_async (socket, "question", args, sio_event_get_attachments (event),
                                      2000, NULL, on_question_answered, NULL);
    }
  else if (g_str_equal (name, "set-data"))
    {
      JsonNode *value = sio_event_get_arg (event, 0);

      if (value != NULL)
        json_object_set_member (sio_socket_get_data (socket), "value", json_node_copy (value));
      sio_event_ack (event, NULL, NULL);
    }
  else if (g_str_equal (name, "get-state"))
    {
      g_autoptr(JsonObject) state = json_object_new ();
      g_autoptr(JsonArray) args = json_array_new ();
      JsonObject *data = sio_socket_get_data (socket);

      json_object_set_string_member (state, "id", sio_socket_get_id (socket));
      json_object_set_boolean_member (state, "recovered", sio_socket_is_recovered (socket));
      if (json_object_has_member (data, "value"))
        json_object_set_member (state, "value", json_node_copy (json_object_get_member (data, "value")));
      json_array_add_object_element (args, g_steal_pointer (&state));
      sio_event_ack (event, args, NULL);
    }
  else if (g_str_equal (name, "drop-transport"))
    {
      /* Ends the Engine.IO session as a network failure would, to test recovery. */
      SioEngineSocket *engine = sio_socket_get_engine (socket);

      if (engine != NULL)
        sio_engine_socket_close (engine);
    }
  else if (g_str_equal (name, "kick-me"))
    sio_socket_disconnect (socket, FALSE);
}

static void
on_interop_connection (SioNamespace *nsp,
                       SioSocket    *socket,
                       gpointer      user_data)
{
  g_signal_connect (socket, "event", G_CALLBACK (on_interop_event), NULL);
}

void
conformance_setup_interop (SioServer *io)
{
  conformance_setup_client_suite (io);
  sio_server_set_connect_timeout (io, 5000);
  /* socket.io 2.x clients too (the reference's allowEIO3). */
  sio_engine_server_set_allow_eio3 (sio_server_get_engine (io), TRUE);
  g_signal_connect (sio_server_of (io, "/"), "connection", G_CALLBACK (on_interop_connection), NULL);
  g_signal_connect (sio_server_of (io, "/chat"), "connection", G_CALLBACK (on_interop_connection), NULL);
}

/* ---- --mode bench: ../shared/bench's chat server ------------------------------------------ */

static void
on_chat_message (SioNamespace *nsp,
                 SioSocket    *socket,
                 SioEvent     *event,
                 gpointer      user_data)
{
  g_autoptr(JsonArray) args = sio_event_dup_args (event);

  /* io.emit(): everyone, the sender included; encoded once for all. */
  sio_namespace_emit (nsp, "chat message", args, NULL);
}

void
conformance_setup_bench (SioServer *io)
{
  /* One namespace-wide handler rather than one per socket. */
  g_signal_connect (sio_server_of (io, "/"), "event::chat message", G_CALLBACK (on_chat_message), NULL);
}
