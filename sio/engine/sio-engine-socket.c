/* sio-engine-socket.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SioEngineSocket:
 *
 * One Engine.IO session, from the handshake to "closed".
 *
 * It owns the session's transport (long-polling, or WebSocket after an upgrade or a direct
 * connection), the heartbeat (the server pings every pingInterval and expects a pong within
 * pingTimeout, protocol "Heartbeat"), and the upgrade dance ("2probe", "3probe", "5"). Owners
 * see MESSAGE packets through [signal@EngineSocket::message] and the end of the session,
 * exactly once, through [signal@EngineSocket::closed].
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sio-engine-socket-private.h"
#include "sio-enums.h"
#include "sio-random.h"

enum {
  MESSAGE,
  UPGRADED,
  CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (SioEngineSocket, sio_engine_socket, G_TYPE_OBJECT)

static SioEnginePacket *
shared_packet (SioEnginePacketType  type,
               const char          *data)
{
  static SioEnginePacket *ping, *probe_pong, *noop;
  SioEnginePacket **slot;

  /* Immutable and shared across every socket: a heartbeat costs no allocation. They live for
   * the process, like GLib's interned strings. */
  switch (type)
    {
    case SIO_ENGINE_PACKET_PING:
      slot = &ping;
      break;

    case SIO_ENGINE_PACKET_PONG:
      slot = &probe_pong;
      break;

    case SIO_ENGINE_PACKET_NOOP:
      slot = &noop;
      break;

    case SIO_ENGINE_PACKET_OPEN:
    case SIO_ENGINE_PACKET_CLOSE:
    case SIO_ENGINE_PACKET_MESSAGE:
    case SIO_ENGINE_PACKET_UPGRADE:
    default:
      g_assert_not_reached ();
    }

  if (g_once_init_enter (slot))
    g_once_init_leave (slot, sio_engine_packet_new (type, data, -1));
  return *slot;
}

static void
sio_engine_socket_dispose (GObject *object)
{
  SioEngineSocket *self = (SioEngineSocket *) object;

  /* A socket is only dropped after "closed", which released every transport. */
  g_assert (self->ws == NULL && self->probe == NULL && self->held_get == NULL);

  G_OBJECT_CLASS (sio_engine_socket_parent_class)->dispose (object);
}

static void
sio_engine_socket_finalize (GObject *object)
{
  SioEngineSocket *self = (SioEngineSocket *) object;

  g_clear_pointer (&self->buffer, g_ptr_array_unref);
  g_clear_object (&self->remote_address);
  g_clear_pointer (&self->headers, soup_message_headers_unref);
  g_clear_pointer (&self->query, g_hash_table_unref);
  g_clear_pointer (&self->handshake, g_free);
  g_clear_pointer (&self->context.hub, _sio_io_hub_unref);

  G_OBJECT_CLASS (sio_engine_socket_parent_class)->finalize (object);
}

static void
sio_engine_socket_class_init (SioEngineSocketClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sio_engine_socket_dispose;
  object_class->finalize = sio_engine_socket_finalize;

  /**
   * SioEngineSocket::message:
   * @self: the socket
   * @packet: the MESSAGE packet, text or binary
   *
   * Emitted for every message the client sends.
   */
  signals[MESSAGE] =
    g_signal_new ("message",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, SIO_TYPE_ENGINE_PACKET | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * SioEngineSocket::upgraded:
   * @self: the socket
   *
   * Emitted when the session moved from long-polling to WebSocket.
   */
  signals[UPGRADED] =
    g_signal_new ("upgraded",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * SioEngineSocket::closed:
   * @self: the socket
   * @reason: a #SioEngineCloseReason
   * @description: a human-readable detail for logs
   *
   * Emitted once when the session ends, for whatever reason.
   */
  signals[CLOSED] =
    g_signal_new ("closed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, SIO_TYPE_ENGINE_CLOSE_REASON, G_TYPE_STRING);
}

static void
sio_engine_socket_init (SioEngineSocket *self)
{
  self->polling_flush.flush = _sio_engine_polling_flush;
  self->state = SOCKET_OPEN;
}

/* The handshake block: path?query, the peer's IP and port, then header names and values, each
 * NUL-terminated, the headers ending with an empty name. One allocation per socket. */
static GString *
pack_handshake_begin (const char     *path_and_query,
                      GSocketAddress *remote)
{
  GString *block = g_string_new (path_and_query);

  g_string_append_c (block, '\0');
  if (G_IS_INET_SOCKET_ADDRESS (remote))
    {
      GInetSocketAddress *inet = G_INET_SOCKET_ADDRESS (remote);
      g_autofree char *ip = g_inet_address_to_string (g_inet_socket_address_get_address (inet));

      g_string_append_printf (block, "%s%c%u", ip, '\0', g_inet_socket_address_get_port (inet));
    }
  else
    g_string_append_c (block, '\0');
  g_string_append_c (block, '\0');
  return block;
}

static void
pack_header (GString    *block,
             const char *name,
             gsize       name_len,
             const char *value,
             gsize       value_len)
{
  g_string_append_len (block, name, name_len);
  g_string_append_c (block, '\0');
  g_string_append_len (block, value, value_len);
  g_string_append_c (block, '\0');
}

static char *
pack_handshake (SoupServerMessage *msg)
{
  GUri *uri = soup_server_message_get_uri (msg);
  g_autofree char *path_and_query = NULL;
  GString *block;
  SoupMessageHeadersIter iter;
  const char *name;
  const char *value;

  if (g_uri_get_query (uri) != NULL)
    path_and_query = g_strdup_printf ("%s?%s", g_uri_get_path (uri), g_uri_get_query (uri));
  else
    path_and_query = g_strdup (g_uri_get_path (uri));
  block = pack_handshake_begin (path_and_query, soup_server_message_get_remote_address (msg));

  soup_message_headers_iter_init (&iter, soup_server_message_get_request_headers (msg));
  while (soup_message_headers_iter_next (&iter, &name, &value))
    pack_header (block, name, strlen (name), value, strlen (value));
  g_string_append_c (block, '\0');

  return g_string_free (block, FALSE);
}

/* A header value as sent may hold a NUL only if the parser let one through; it does not. */
static char *
pack_handshake_from_head (const SioHttpHead *head,
                          GSocketAddress    *remote)
{
  g_autofree char *path_and_query = g_strndup (head->target.start, head->target.len);
  GString *block = pack_handshake_begin (path_and_query, remote);

  for (guint i = 0; i < head->n_headers; i++)
    pack_header (block, head->names[i].start, head->names[i].len, head->values[i].start, head->values[i].len);
  g_string_append_c (block, '\0');

  return g_string_free (block, FALSE);
}

/* The fields of the handshake block, in order. */
static const char *
handshake_field (SioEngineSocket *self,
                 guint            index)
{
  const char *p = self->handshake;

  while (index-- > 0)
    p += strlen (p) + 1;
  return p;
}

static SioEngineSocket *
socket_new (SioEngineServer              *server,
            const SioEngineSocketContext *context,
            int                           protocol,
            char                         *handshake,
            GHashTable                   *query)
{
  SioEngineSocket *self = g_object_new (SIO_TYPE_ENGINE_SOCKET, NULL);

  self->server = server;
  self->context = *context;
  _sio_io_hub_ref (self->context.hub);
  self->protocol = protocol;
  self->transport = SIO_ENGINE_TRANSPORT_POLLING;
  _sio_random_id (self->id);
  self->handshake = handshake;
  /* v3: binary polling payloads unless the client asked for base64. */
  self->supports_binary = !(query && g_hash_table_contains (query, "b64"));

  return self;
}

SioEngineSocket *
_sio_engine_socket_new (SioEngineServer              *server,
                        const SioEngineSocketContext *context,
                        int                           protocol,
                        SoupServerMessage            *msg,
                        GHashTable                   *query)
{
  return socket_new (server, context, protocol, pack_handshake (msg), query);
}

/* For a WebSocket handshake answered without libsoup (sio-http-listener.c's fast path). */
SioEngineSocket *
_sio_engine_socket_new_for_head (SioEngineServer              *server,
                                 const SioEngineSocketContext *context,
                                 int                           protocol,
                                 const SioHttpHead            *head,
                                 GSocketAddress               *remote,
                                 GHashTable                   *query)
{
  return socket_new (server, context, protocol, pack_handshake_from_head (head, remote), query);
}

char *
_sio_engine_socket_open_payload (SioEngineSocket *self,
                                 guint            ping_interval,
                                 guint            ping_timeout,
                                 gboolean         upgrades)
{
  return g_strdup_printf ("{\"sid\":\"%s\",\"upgrades\":[%s],\"pingInterval\":%u,"
                          "\"pingTimeout\":%u,\"maxPayload\":%" G_GSIZE_FORMAT "}",
                          self->id, upgrades ? "\"websocket\"" : "", ping_interval, ping_timeout,
                          self->context.max_payload);
}

/* The heartbeat starts at the handshake (protocol, "Heartbeat"). */
void
_sio_engine_socket_start (SioEngineSocket *self)
{
  /* v3 clients ping and the server answers; the session dies when pings stop coming. */
  if (self->protocol == 3)
    _sio_deadline_queue_push (self->context.v3_heartbeat, &self->heartbeat, self);
  else
    _sio_deadline_queue_push (self->context.ping_interval, &self->heartbeat, self);
}

/* Queues one packet on whatever transport the session has now. */
static void
socket_send_packet (SioEngineSocket *self,
                    SioEnginePacket *packet)
{
  if (self->state != SOCKET_OPEN)
    return;

  if (self->transport == SIO_ENGINE_TRANSPORT_WEBSOCKET)
    {
      _sio_ws_conn_send (self->ws, packet);
      return;
    }

  if (self->buffer == NULL)
    self->buffer = g_ptr_array_new_with_free_func ((GDestroyNotify) sio_engine_packet_unref);
  g_ptr_array_add (self->buffer, sio_engine_packet_ref (packet));

  /* Held GETs are answered at the end of the turn, so everything sent during one turn leaves
   * in one response. */
  if (self->held_get != NULL)
    _sio_engine_polling_schedule_flush (self);
}

void
_sio_engine_socket_ping_due (gpointer owner,
                             gpointer user_data)
{
  SioEngineSocket *self = owner;

  socket_send_packet (self, shared_packet (SIO_ENGINE_PACKET_PING, NULL));
  self->awaiting_pong = TRUE;
  _sio_deadline_queue_push_from (self->context.ping_timeout, &self->heartbeat, self, self->heartbeat.due);
}

void
_sio_engine_socket_pong_overdue (gpointer owner,
                                 gpointer user_data)
{
  SioEngineSocket *self = owner;

  /* The same deadline bounds how long close() waits for a polling client's next GET. */
  if (self->state == SOCKET_CLOSING)
    _sio_engine_socket_finish_close (self, SIO_ENGINE_CLOSE_FORCED, "client did not fetch the close packet");
  else
    _sio_engine_socket_finish_close (self, SIO_ENGINE_CLOSE_PING_TIMEOUT, "no pong within pingTimeout");
}

void
_sio_engine_socket_upgrade_overdue (gpointer owner,
                                    gpointer user_data)
{
  SioEngineSocket *self = owner;

  g_debug ("Session %s: upgrade timed out", self->id);
  self->upgrading = FALSE;
  if (self->probe != NULL)
    _sio_ws_conn_close (g_steal_pointer (&self->probe), SIO_WS_CLOSE_NORMAL);
}

/* A token bucket: a second's worth of packets may come at once (a polling client flushing what
 * it queued offline), then no more than the rate. */
static gboolean
take_packet_allowance (SioEngineSocket *self)
{
  double rate = self->context.max_packet_rate;
  gint64 now;

  if (rate == 0)
    return TRUE;

  now = g_get_monotonic_time ();
  if (self->allowance_time == 0)
    self->packet_allowance = rate;
  else
    self->packet_allowance = MIN (rate, self->packet_allowance + (now - self->allowance_time) * rate / G_USEC_PER_SEC);
  self->allowance_time = now;

  if (self->packet_allowance < 1)
    return FALSE;
  self->packet_allowance -= 1;
  return TRUE;
}

void
_sio_engine_socket_handle_packet (SioEngineSocket *self,
                                  SioEnginePacket *packet)
{
  g_autoptr(SioEngineSocket) hold = g_object_ref (self);

  if (self->state == SOCKET_CLOSED)
    return;

  if (!take_packet_allowance (self))
    {
      _sio_engine_socket_finish_close (self, SIO_ENGINE_CLOSE_TRANSPORT_ERROR, "too many packets (max-packet-rate)");
      return;
    }

  switch (sio_engine_packet_get_kind (packet))
    {
    case SIO_ENGINE_PACKET_MESSAGE:
      if (self->delegate != NULL)
        self->delegate->message (self, packet, self->delegate_data);
      if (self->state != SOCKET_CLOSED)
        g_signal_emit (self, signals[MESSAGE], 0, packet);
      break;

    case SIO_ENGINE_PACKET_PONG:
      if (self->awaiting_pong)
        {
          self->awaiting_pong = FALSE;
          _sio_deadline_queue_push (self->context.ping_interval, &self->heartbeat, self);
        }
      break;

    case SIO_ENGINE_PACKET_PING:
      if (self->protocol == 3)
        {
          gsize len;
          const char *data = sio_engine_packet_get_data (packet, &len);
          g_autoptr(SioEnginePacket) pong = sio_engine_packet_new (SIO_ENGINE_PACKET_PONG, data, len);

          socket_send_packet (self, pong);
          _sio_deadline_queue_push (self->context.v3_heartbeat, &self->heartbeat, self);
          break;
        }
      /* Engine.IO v4 reversed the heartbeat: only the server pings. */
      _sio_engine_socket_finish_close (self, SIO_ENGINE_CLOSE_TRANSPORT_ERROR, "invalid heartbeat direction");
      break;

    case SIO_ENGINE_PACKET_CLOSE:
      if (self->transport == SIO_ENGINE_TRANSPORT_POLLING)
        _sio_engine_polling_release (self, SIO_ENGINE_PACKET_NOOP);
      _sio_engine_socket_finish_close (self, SIO_ENGINE_CLOSE_TRANSPORT_CLOSE, "client sent a close packet");
      break;

    case SIO_ENGINE_PACKET_OPEN:
    case SIO_ENGINE_PACKET_UPGRADE:
    case SIO_ENGINE_PACKET_NOOP:
    default:
      break;
    }
}

/* Session end, for every reason: releases every transport, tells the owner, leaves the
 * server's table. */
void
_sio_engine_socket_finish_close (SioEngineSocket      *self,
                                 SioEngineCloseReason  reason,
                                 const char           *detail)
{
  g_autoptr(SioEngineSocket) hold = g_object_ref (self);

  if (self->state == SOCKET_CLOSED)
    return;

  g_debug ("Session %s closed: %s (%s)", self->id, sio_engine_close_reason_to_string (reason),
           detail ? detail : "");

  self->state = SOCKET_CLOSED;
  _sio_deadline_cancel (&self->heartbeat);
  _sio_deadline_cancel (&self->upgrade_deadline);

  /* A GET still held learns of the close (protocol: the "1" packet ends a polling session). */
  _sio_engine_polling_release (self, SIO_ENGINE_PACKET_CLOSE);
  g_clear_pointer (&self->buffer, g_ptr_array_unref);

  if (self->ws != NULL)
    {
      guint16 code = SIO_WS_CLOSE_NORMAL;

      if (reason == SIO_ENGINE_CLOSE_PAYLOAD_TOO_LARGE)
        code = SIO_WS_CLOSE_TOO_BIG;
      _sio_ws_conn_close (g_steal_pointer (&self->ws), code);
    }
  if (self->probe != NULL)
    _sio_ws_conn_close (g_steal_pointer (&self->probe), SIO_WS_CLOSE_NORMAL);

  if (self->delegate != NULL)
    self->delegate->closed (self, reason, detail, self->delegate_data);
  g_signal_emit (self, signals[CLOSED], 0, reason, detail);
  _sio_engine_server_socket_closed (self->server, self);
}

void
_sio_engine_socket_abort (SioEngineSocket      *self,
                          SioEngineCloseReason  reason,
                          const char           *detail)
{
  _sio_engine_socket_finish_close (self, reason, detail);
}

/* ---- WebSocket transport ---------------------------------------------------------------- */

static void
ws_message (SioWsConn    *conn,
            gboolean      binary,
            const guint8 *data,
            gsize         len,
            gpointer      user_data)
{
  SioEngineSocket *self = user_data;
  g_autoptr(SioEnginePacket) packet = NULL;
  g_autoptr(GError) error = NULL;

  if (binary && self->protocol == 3)
    {
      /* v3 binary frames start with the packet type byte; only messages carry binary. */
      if (len >= 1 && data[0] == SIO_ENGINE_PACKET_MESSAGE)
        packet = _sio_engine_packet_new_raw (SIO_ENGINE_PACKET_MESSAGE, TRUE, data + 1, len - 1);
      else
        g_set_error_literal (&error, SIO_ERROR, SIO_ERROR_PARSE, "Invalid v3 binary frame");
    }
  else if (binary)
    packet = _sio_engine_packet_new_raw (SIO_ENGINE_PACKET_MESSAGE, TRUE, data, len);
  else
    packet = sio_engine_packet_decode ((const char *) data, len, self->protocol, &error);

  if (packet == NULL)
    {
      _sio_engine_socket_finish_close (self, SIO_ENGINE_CLOSE_PARSE_ERROR, error->message);
      return;
    }

  _sio_engine_socket_handle_packet (self, packet);
}

static void
ws_closed (SioWsConn            *conn,
           SioEngineCloseReason  reason,
           const char           *detail,
           gpointer              user_data)
{
  _sio_engine_socket_finish_close (user_data, reason, detail);
}

static const SioWsConnCallbacks ws_callbacks = {
  .message = ws_message,
  .closed = ws_closed,
};

void
_sio_engine_socket_attach_websocket (SioEngineSocket *self,
                                     GIOStream       *stream,
                                     GSocket         *socket)
{
  self->transport = SIO_ENGINE_TRANSPORT_WEBSOCKET;
  self->ws = _sio_ws_conn_new (self->context.hub, stream, socket, self->protocol, self->context.max_payload,
                               self->context.max_queued, &ws_callbacks, self);
}

static void
complete_upgrade (SioEngineSocket *self)
{
  g_autoptr(GPtrArray) pending = g_steal_pointer (&self->buffer);

  _sio_deadline_cancel (&self->upgrade_deadline);
  self->upgrading = FALSE;

  /* The GET still held gets a noop so the client's polling loop ends cleanly. */
  _sio_engine_polling_release (self, SIO_ENGINE_PACKET_NOOP);

  self->transport = SIO_ENGINE_TRANSPORT_WEBSOCKET;
  self->ws = g_steal_pointer (&self->probe);
  _sio_ws_conn_set_callbacks (self->ws, &ws_callbacks, self);

  /* What was waiting for the next poll now leaves over the WebSocket, in order. */
  for (guint i = 0; pending && i < pending->len; i++)
    _sio_ws_conn_send (self->ws, g_ptr_array_index (pending, i));

  g_debug ("Session %s upgraded to websocket", self->id);
  g_signal_emit (self, signals[UPGRADED], 0);
}

static void
probe_message (SioWsConn    *conn,
               gboolean      binary,
               const guint8 *data,
               gsize         len,
               gpointer      user_data)
{
  SioEngineSocket *self = user_data;
  g_autoptr(SioEnginePacket) packet = NULL;

  if (!binary)
    packet = sio_engine_packet_decode ((const char *) data, len, self->protocol, NULL);

  if (packet != NULL && sio_engine_packet_get_kind (packet) == SIO_ENGINE_PACKET_PING)
    {
      gsize data_len;
      const char *payload = sio_engine_packet_get_data (packet, &data_len);

      if (data_len == 5 && memcmp (payload, "probe", 5) == 0)
        {
          g_autoptr(SioEnginePacket) pong = sio_engine_packet_new (SIO_ENGINE_PACKET_PONG, "probe", 5);

          _sio_ws_conn_send (conn, pong);
          /* The reference answers the probe at once; a client may race it against a poll. */
          _sio_ws_conn_flush_now (conn);
          self->upgrading = TRUE;
          /* Ends the client's current poll so it can pause polling and send "5". */
          _sio_engine_polling_schedule_flush (self);
          return;
        }
    }

  /* The reference upgrades on "5" whether or not a probe came first. */
  if (packet != NULL && sio_engine_packet_get_kind (packet) == SIO_ENGINE_PACKET_UPGRADE)
    {
      complete_upgrade (self);
      return;
    }

  g_debug ("Session %s: unexpected packet during upgrade, dropping the probe", self->id);
  _sio_deadline_cancel (&self->upgrade_deadline);
  self->upgrading = FALSE;
  _sio_ws_conn_close (g_steal_pointer (&self->probe), SIO_WS_CLOSE_PROTOCOL_ERROR);
}

static void
probe_closed (SioWsConn            *conn,
              SioEngineCloseReason  reason,
              const char           *detail,
              gpointer              user_data)
{
  SioEngineSocket *self = user_data;

  /* A failed upgrade leaves the session on polling. */
  _sio_deadline_cancel (&self->upgrade_deadline);
  self->upgrading = FALSE;
  _sio_ws_conn_close (g_steal_pointer (&self->probe), SIO_WS_CLOSE_NORMAL);
}

static const SioWsConnCallbacks probe_callbacks = {
  .message = probe_message,
  .closed = probe_closed,
};

gboolean
_sio_engine_socket_can_probe (SioEngineSocket *self)
{
  return self->state == SOCKET_OPEN &&
         self->transport == SIO_ENGINE_TRANSPORT_POLLING &&
         self->probe == NULL && !self->upgrading;
}

void
_sio_engine_socket_attach_probe (SioEngineSocket *self,
                                 GIOStream       *stream,
                                 GSocket         *socket)
{
  self->probe = _sio_ws_conn_new (self->context.hub, stream, socket, self->protocol, self->context.max_payload,
                                  self->context.max_queued, &probe_callbacks, self);
  _sio_deadline_queue_push (self->context.upgrade_timeout, &self->upgrade_deadline, self);
}

/* ---- Public API ------------------------------------------------------------------------- */

/**
 * sio_engine_socket_get_id:
 * @self: a socket
 *
 * Returns: the session id (sid), 20 URL-safe characters
 */
const char *
sio_engine_socket_get_id (SioEngineSocket *self)
{
  g_return_val_if_fail (SIO_IS_ENGINE_SOCKET (self), NULL);

  return self->id;
}

/**
 * sio_engine_socket_get_protocol:
 * @self: a socket
 *
 * Returns: the Engine.IO protocol revision the client speaks (3 or 4)
 */
int
sio_engine_socket_get_protocol (SioEngineSocket *self)
{
  g_return_val_if_fail (SIO_IS_ENGINE_SOCKET (self), 0);

  return self->protocol;
}

/**
 * sio_engine_socket_get_transport:
 * @self: a socket
 *
 * Returns: the transport the session uses now
 */
SioEngineTransports
sio_engine_socket_get_transport (SioEngineSocket *self)
{
  g_return_val_if_fail (SIO_IS_ENGINE_SOCKET (self), 0);

  return self->transport;
}

/**
 * sio_engine_socket_is_open:
 * @self: a socket
 *
 * Returns: %TRUE until the session starts closing
 */
gboolean
sio_engine_socket_is_open (SioEngineSocket *self)
{
  g_return_val_if_fail (SIO_IS_ENGINE_SOCKET (self), FALSE);

  return self->state == SOCKET_OPEN;
}

/**
 * sio_engine_socket_get_remote_address:
 * @self: a socket
 *
 * Returns: (transfer none) (nullable): the client's address at the handshake
 */
GSocketAddress *
sio_engine_socket_get_remote_address (SioEngineSocket *self)
{
  const char *ip;

  g_return_val_if_fail (SIO_IS_ENGINE_SOCKET (self), NULL);

  ip = handshake_field (self, 1);
  if (self->remote_address == NULL && *ip != '\0')
    self->remote_address = g_inet_socket_address_new_from_string (ip, atoi (handshake_field (self, 2)));
  return self->remote_address;
}

/**
 * sio_engine_socket_get_header:
 * @self: a socket
 * @name: a header name, any case
 *
 * Returns: (nullable): the first value of header @name in the handshake request
 */
const char *
sio_engine_socket_get_header (SioEngineSocket *self,
                              const char      *name)
{
  const char *p;

  g_return_val_if_fail (SIO_IS_ENGINE_SOCKET (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (p = handshake_field (self, 3); *p != '\0'; )
    {
      const char *value = p + strlen (p) + 1;

      if (g_ascii_strcasecmp (p, name) == 0)
        return value;
      p = value + strlen (value) + 1;
    }

  return NULL;
}

/**
 * sio_engine_socket_get_headers:
 * @self: a socket
 *
 * Returns: (transfer none): the headers of the handshake request
 */
SoupMessageHeaders *
sio_engine_socket_get_headers (SioEngineSocket *self)
{
  g_return_val_if_fail (SIO_IS_ENGINE_SOCKET (self), NULL);

  if (self->headers == NULL)
    {
      self->headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
      for (const char *p = handshake_field (self, 3); *p != '\0'; )
        {
          const char *value = p + strlen (p) + 1;

          soup_message_headers_append (self->headers, p, value);
          p = value + strlen (value) + 1;
        }
    }

  return self->headers;
}

/**
 * sio_engine_socket_get_query:
 * @self: a socket
 *
 * Returns: (transfer none) (element-type utf8 utf8): the handshake's query parameters
 */
GHashTable *
sio_engine_socket_get_query (SioEngineSocket *self)
{
  const char *query;

  g_return_val_if_fail (SIO_IS_ENGINE_SOCKET (self), NULL);

  if (self->query == NULL)
    {
      query = strchr (handshake_field (self, 0), '?');
      if (query != NULL)
        self->query = g_uri_parse_params (query + 1, -1, "&", G_URI_PARAMS_WWW_FORM, NULL);
      if (self->query == NULL)
        self->query = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    }

  return self->query;
}

/**
 * sio_engine_socket_get_url:
 * @self: a socket
 *
 * Returns: the path and query of the handshake request
 */
const char *
sio_engine_socket_get_url (SioEngineSocket *self)
{
  g_return_val_if_fail (SIO_IS_ENGINE_SOCKET (self), NULL);

  return handshake_field (self, 0);
}

void
_sio_engine_socket_set_delegate (SioEngineSocket               *self,
                                 const SioEngineSocketDelegate *delegate,
                                 gpointer                       user_data)
{
  self->delegate = delegate;
  self->delegate_data = user_data;
}

/**
 * sio_engine_socket_send:
 * @self: a socket
 * @packet: a packet; only a reference is taken, so one packet can go to many sockets
 *
 * Queues @packet. Packets leave at the end of the current main-loop turn, all of a turn's
 * packets for this socket in one write.
 */
void
sio_engine_socket_send (SioEngineSocket *self,
                        SioEnginePacket *packet)
{
  g_return_if_fail (SIO_IS_ENGINE_SOCKET (self));
  g_return_if_fail (packet != NULL);

  socket_send_packet (self, packet);
}

/**
 * sio_engine_socket_send_text:
 * @self: a socket
 * @text: a UTF-8 message
 *
 * Sends a text MESSAGE packet.
 */
void
sio_engine_socket_send_text (SioEngineSocket *self,
                             const char      *text)
{
  g_autoptr(SioEnginePacket) packet = NULL;

  g_return_if_fail (SIO_IS_ENGINE_SOCKET (self));
  g_return_if_fail (text != NULL);

  packet = sio_engine_packet_new (SIO_ENGINE_PACKET_MESSAGE, text, -1);
  socket_send_packet (self, packet);
}

/**
 * sio_engine_socket_send_binary:
 * @self: a socket
 * @data: the message bytes
 *
 * Sends a binary MESSAGE packet.
 */
void
sio_engine_socket_send_binary (SioEngineSocket *self,
                               GBytes          *data)
{
  g_autoptr(SioEnginePacket) packet = NULL;

  g_return_if_fail (SIO_IS_ENGINE_SOCKET (self));
  g_return_if_fail (data != NULL);

  packet = sio_engine_packet_new_binary (data);
  socket_send_packet (self, packet);
}

/**
 * sio_engine_socket_is_writable:
 * @self: a socket
 *
 * Whether a packet sent now would leave without waiting: false while a WebSocket's send
 * buffer is full or no poll is held. Volatile packets are dropped when this is false.
 *
 * Returns: %TRUE if the transport can take a packet now
 */
gboolean
sio_engine_socket_is_writable (SioEngineSocket *self)
{
  g_return_val_if_fail (SIO_IS_ENGINE_SOCKET (self), FALSE);

  if (self->state != SOCKET_OPEN)
    return FALSE;
  if (self->transport == SIO_ENGINE_TRANSPORT_WEBSOCKET)
    return _sio_ws_conn_is_writable (self->ws);
  return self->held_get != NULL;
}

/**
 * sio_engine_socket_close:
 * @self: a socket
 *
 * Ends the session from the server side ("forced close"). Packets already queued are
 * delivered first: over WebSocket they precede the close frame; over polling the client's
 * next GET fetches them followed by a close packet.
 */
void
sio_engine_socket_close (SioEngineSocket *self)
{
  g_return_if_fail (SIO_IS_ENGINE_SOCKET (self));

  if (self->state != SOCKET_OPEN)
    return;

  if (self->transport == SIO_ENGINE_TRANSPORT_POLLING && self->held_get == NULL)
    {
      /* Wait for the next GET, at most a heartbeat's timeout. */
      self->state = SOCKET_CLOSING;
      if (self->probe != NULL)
        _sio_ws_conn_close (g_steal_pointer (&self->probe), SIO_WS_CLOSE_NORMAL);
      _sio_deadline_queue_push (self->context.ping_timeout, &self->heartbeat, self);
      return;
    }

  _sio_engine_socket_finish_close (self, SIO_ENGINE_CLOSE_FORCED, "closed by the server");
}
