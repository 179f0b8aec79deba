/* sio-connection.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* One Engine.IO session seen from the Socket.IO layer (the reference's "Client"): it decodes
 * the session's messages into Socket.IO packets, routes them to the socket of their
 * namespace, and multiplexes every namespace's socket over the one session. A session that
 * joins no namespace within connectTimeout is closed. */

#include "config.h"

#include "sio-server-private.h"

struct _SioConnection
{
  GObject           parent_instance;

  SioServer        *server;               /* borrowed: the server owns its connections */
  SioEngineSocket  *engine;
  SioPacketDecoder *decoder;
  GPtrArray        *sockets;              /* one SioSocket per namespace joined (borrowed) */
  SioDeadline       connect_deadline;
  gboolean          closed;
};

G_DEFINE_FINAL_TYPE (SioConnection, _sio_connection, G_TYPE_OBJECT)

static void
_sio_connection_dispose (GObject *object)
{
  SioConnection *self = (SioConnection *) object;

  _sio_deadline_cancel (&self->connect_deadline);
  if (self->engine != NULL)
    _sio_engine_socket_set_delegate (self->engine, NULL, NULL);

  G_OBJECT_CLASS (_sio_connection_parent_class)->dispose (object);
}

static void
_sio_connection_finalize (GObject *object)
{
  SioConnection *self = (SioConnection *) object;

  g_clear_object (&self->engine);
  g_clear_pointer (&self->decoder, sio_packet_decoder_free);
  g_clear_pointer (&self->sockets, g_ptr_array_unref);

  G_OBJECT_CLASS (_sio_connection_parent_class)->finalize (object);
}

static void
_sio_connection_class_init (SioConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = _sio_connection_dispose;
  object_class->finalize = _sio_connection_finalize;
}

static void
_sio_connection_init (SioConnection *self)
{
  /* A client joins one namespace or a few: a short array beats a hash table, in memory
   * too, and an idle server holds thousands of these. */
  self->sockets = g_ptr_array_sized_new (1);
}

static SioSocket *
lookup_socket (SioConnection *self,
               const char    *nsp)
{
  for (guint i = 0; i < self->sockets->len; i++)
    {
      SioSocket *socket = g_ptr_array_index (self->sockets, i);

      if (g_str_equal (sio_namespace_get_name (sio_socket_get_namespace (socket)), nsp))
        return socket;
    }
  return NULL;
}

/* Ends every namespace socket with @reason; the caller ends the Engine.IO side. */
static void
close_sockets (SioConnection *self,
               const char    *reason,
               const char    *description)
{
  g_autoptr(GPtrArray) sockets = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < self->sockets->len; i++)
    g_ptr_array_add (sockets, g_object_ref (g_ptr_array_index (self->sockets, i)));
  for (guint i = 0; i < sockets->len; i++)
    _sio_socket_on_close (g_ptr_array_index (sockets, i), reason, description);
}

SioEngineSocket *
_sio_connection_get_engine (SioConnection *self)
{
  return self->engine;
}

int
_sio_connection_get_protocol (SioConnection *self)
{
  return sio_packet_decoder_get_protocol (self->decoder);
}

void
_sio_connection_send_encoded (SioConnection   *self,
                              SioEnginePacket *text,
                              GPtrArray       *binaries,
                              gboolean         is_volatile)
{
  if (self->closed)
    return;

  /* Volatile packets are dropped rather than queued when the transport is busy. */
  if (is_volatile && !sio_engine_socket_is_writable (self->engine))
    return;

  sio_engine_socket_send (self->engine, text);
  for (guint i = 0; binaries != NULL && i < binaries->len; i++)
    sio_engine_socket_send (self->engine, g_ptr_array_index (binaries, i));
}

void
_sio_connection_send_packet (SioConnection *self,
                             SioPacket     *packet,
                             gboolean       is_volatile)
{
  g_autoptr(GPtrArray) attachments = NULL;
  g_autoptr(GPtrArray) binaries = NULL;
  g_autoptr(SioEnginePacket) text = NULL;
  g_autofree char *encoded = NULL;

  if (self->closed)
    return;

  encoded = sio_packet_encode_for_protocol (packet, _sio_connection_get_protocol (self), &attachments);
  text = sio_engine_packet_new (SIO_ENGINE_PACKET_MESSAGE, encoded, -1);
  if (attachments != NULL && attachments->len > 0)
    {
      binaries = g_ptr_array_new_with_free_func ((GDestroyNotify) sio_engine_packet_unref);
      for (guint i = 0; i < attachments->len; i++)
        g_ptr_array_add (binaries, sio_engine_packet_new_binary (g_ptr_array_index (attachments, i)));
    }

  _sio_connection_send_encoded (self, text, binaries, is_volatile);
}

/* Ends every namespace socket with @reason, then the Engine.IO session. */
void
_sio_connection_close (SioConnection *self,
                       const char    *reason)
{
  g_autoptr(SioConnection) hold = g_object_ref (self);

  if (self->closed)
    return;
  self->closed = TRUE;

  _sio_deadline_cancel (&self->connect_deadline);
  close_sockets (self, reason, NULL);
  _sio_engine_socket_set_delegate (self->engine, NULL, NULL);
  sio_engine_socket_close (self->engine);
  g_hash_table_remove (self->server->connections, self);
}

/* socket.disconnect(true): every namespace gets its DISCONNECT packet and "server namespace
 * disconnect", then the session ends once those packets are out. */
void
_sio_connection_disconnect_all (SioConnection *self)
{
  g_autoptr(SioConnection) hold = g_object_ref (self);
  g_autoptr(GPtrArray) sockets = g_ptr_array_new_with_free_func (g_object_unref);

  if (self->closed)
    return;

  for (guint i = 0; i < self->sockets->len; i++)
    g_ptr_array_add (sockets, g_object_ref (g_ptr_array_index (self->sockets, i)));
  for (guint i = 0; i < sockets->len; i++)
    sio_socket_disconnect (g_ptr_array_index (sockets, i), FALSE);

  _sio_connection_close (self, "server namespace disconnect");
}

void
_sio_connection_remove_socket (SioConnection *self,
                               SioSocket     *socket)
{
  g_ptr_array_remove (self->sockets, socket);
}

void
_sio_connection_connect_overdue (gpointer owner,
                                 gpointer user_data)
{
  SioConnection *self = owner;

  if (self->sockets->len == 0)
    {
      g_debug ("Connection %s joined no namespace in time", sio_engine_socket_get_id (self->engine));
      _sio_connection_close (self, "connect timeout");
    }
}

/* CONNECT_ERROR: {message, data} in protocol 5; protocol 4 sends the data, or else the
 * message, alone. */
void
_sio_connection_send_connect_error (SioConnection *self,
                                    const char    *nsp,
                                    const char    *message,
                                    JsonNode      *data)
{
  g_autoptr(SioPacket) packet = NULL;
  g_autoptr(JsonNode) payload = NULL;

  if (_sio_connection_get_protocol (self) == SIO_PROTOCOL_V4)
    payload = data ? json_node_copy (data) : json_node_init_string (json_node_alloc (), message);
  else
    {
      g_autoptr(JsonObject) object = json_object_new ();

      json_object_set_string_member (object, "message", message);
      if (data != NULL)
        json_object_set_member (object, "data", json_node_copy (data));
      payload = json_node_init_object (json_node_alloc (), object);
    }

  packet = sio_packet_new (SIO_PACKET_CONNECT_ERROR, nsp, -1, payload);
  _sio_connection_send_packet (self, packet, FALSE);
}

/* Protocol 4 has no auth payload: the namespace's query string stands in for it. */
static JsonNode *
auth_from_query (const char *query)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(GHashTable) params = NULL;
  GHashTableIter iter;
  gpointer key, value;

  if (query != NULL)
    params = g_uri_parse_params (query, -1, "&", G_URI_PARAMS_WWW_FORM, NULL);
  if (params != NULL)
    {
      g_hash_table_iter_init (&iter, params);
      while (g_hash_table_iter_next (&iter, &key, &value))
        json_object_set_string_member (object, key, value);
    }

  return json_node_init_object (json_node_alloc (), object);
}

static SioNamespace *
find_namespace (SioConnection *self,
                const char    *name)
{
  SioNamespace *nsp = g_hash_table_lookup (self->server->namespaces, name);

  if (nsp != NULL)
    return nsp;

  /* Dynamic namespaces: the first pattern that matches creates the child. */
  for (guint i = 0; i < self->server->parents->len; i++)
    {
      SioNamespace *parent = g_ptr_array_index (self->server->parents, i);

      if (_sio_namespace_matches (parent, name))
        {
          nsp = _sio_namespace_new_child (parent, name);
          g_hash_table_insert (self->server->namespaces, (char *) sio_namespace_get_name (nsp), nsp);
          return nsp;
        }
    }

  return NULL;
}

/* Called by the namespace once a socket passed its middlewares. */
static void
on_packet (SioConnection *self,
           SioPacket     *packet)
{
  const char *name = sio_packet_get_namespace (packet);
  SioSocket *socket = lookup_socket (self, name);
  SioPacketType type = sio_packet_get_kind (packet);

  if (socket == NULL && type == SIO_PACKET_CONNECT)
    {
      SioNamespace *nsp = find_namespace (self, name);

      if (nsp == NULL)
        {
          g_autoptr(JsonObject) object = json_object_new ();
          g_autoptr(JsonNode) payload = NULL;
          g_autoptr(SioPacket) refusal = NULL;

          /* The reference answers every protocol revision with the object form here. */
          json_object_set_string_member (object, "message", "Invalid namespace");
          payload = json_node_init_object (json_node_alloc (), object);
          refusal = sio_packet_new (SIO_PACKET_CONNECT_ERROR, name, -1, payload);
          _sio_connection_send_packet (self, refusal, FALSE);
          return;
        }

      if (_sio_connection_get_protocol (self) == SIO_PROTOCOL_V4)
        {
          g_autoptr(JsonNode) auth = auth_from_query (sio_packet_get_query (packet));

          _sio_namespace_add (nsp, self, auth);
        }
      else
        _sio_namespace_add (nsp, self, sio_packet_get_data (packet));
      return;
    }

  if (socket != NULL && type != SIO_PACKET_CONNECT && type != SIO_PACKET_CONNECT_ERROR)
    {
      _sio_socket_on_packet (socket, packet);
      return;
    }

  /* A packet for a namespace the client has not joined, a second CONNECT, or a
   * CONNECT_ERROR from a client: the reference closes the whole connection (Client.close()). */
  g_debug ("Connection %s: invalid state for packet type %d on %s",
           sio_engine_socket_get_id (self->engine), type, name);
  _sio_connection_close (self, "forced server close");
}

static void
on_engine_message (SioEngineSocket *engine,
                   SioEnginePacket *message,
                   gpointer         user_data)
{
  SioConnection *self = user_data;
  g_autoptr(SioConnection) hold = g_object_ref (self);
  g_autoptr(SioPacket) packet = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (sio_engine_packet_is_binary (message))
    {
      g_autoptr(GBytes) bytes = sio_engine_packet_get_bytes (message);
      ok = sio_packet_decoder_feed_binary (self->decoder, bytes, &packet, &error);
    }
  else
    {
      gsize len;
      const char *text = sio_engine_packet_get_data (message, &len);
      ok = sio_packet_decoder_feed_text (self->decoder, text, len, &packet, &error);
    }

  if (!ok)
    {
      /* As the reference's Client.onerror: the Engine.IO session is closed, which its
       * sockets see as "forced close". */
      g_debug ("Connection %s: %s", sio_engine_socket_get_id (engine), error->message);
      _sio_connection_close (self, "forced close");
      return;
    }

  if (packet != NULL)
    on_packet (self, packet);
}

static void
on_engine_closed (SioEngineSocket      *engine,
                  SioEngineCloseReason  reason,
                  const char           *description,
                  gpointer              user_data)
{
  SioConnection *self = user_data;
  g_autoptr(SioConnection) hold = g_object_ref (self);

  if (self->closed)
    return;
  self->closed = TRUE;

  _sio_deadline_cancel (&self->connect_deadline);
  close_sockets (self, sio_engine_close_reason_to_string (reason), description);
  _sio_engine_socket_set_delegate (self->engine, NULL, NULL);
  g_hash_table_remove (self->server->connections, self);
}

static const SioEngineSocketDelegate engine_delegate = {
  .message = on_engine_message,
  .closed = on_engine_closed,
};

SioConnection *
_sio_connection_new (SioServer       *server,
                     SioEngineSocket *engine)
{
  SioConnection *self = g_object_new (SIO_TYPE_CONNECTION, NULL);

  self->server = server;
  self->engine = g_object_ref (engine);
  self->decoder = sio_packet_decoder_new (sio_engine_socket_get_protocol (engine) == 3 ? SIO_PROTOCOL_V4
                                                                                      : SIO_PROTOCOL_V5);
  _sio_engine_socket_set_delegate (engine, &engine_delegate, self);
  /* socket.io 2.x clients are in the main namespace from the start, without asking. */
  if (_sio_connection_get_protocol (self) == SIO_PROTOCOL_V4)
    _sio_namespace_add (sio_server_of (server, "/"), self, NULL);
  else
    _sio_deadline_queue_push (server->connect_deadlines, &self->connect_deadline, self);

  return self;
}

/* Called by the namespace when a socket joined it. */
void
_sio_connection_register_socket (SioConnection *self,
                                 SioSocket     *socket)
{
  g_ptr_array_add (self->sockets, socket);
  _sio_deadline_cancel (&self->connect_deadline);
}
