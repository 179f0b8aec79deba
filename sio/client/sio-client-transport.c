/* sio-client-transport.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * SioClientTransport:
 *
 * The two transports of engine.io-client (`transports/polling.ts` and `transports/websocket.ts`)
 * in one internal class, on libsoup.
 *
 * Polling keeps one GET in flight while open (the long poll) and one POST at most (writes are
 * not writable again until the previous POST answered, which is what "drain" tells). Pausing,
 * for an upgrade, waits for both to finish without starting a new poll.
 *
 * A transport outlives its engine client when it has to: closing an open polling transport
 * POSTs the "1" CLOSE packet, and closing a WebSocket waits for the closing handshake. Both
 * keep a reference on the transport until done (bounded by LINGER_MS), so the server sees a
 * clean close even when the engine client is dropped at once. Nothing is reported once closed.
 */

#include "config.h"

#include "sio-client-transport-private.h"

#include <string.h>

/* How long a closed transport may wait for its CLOSE POST or WebSocket closing handshake. */
#define LINGER_MS 2000
#define READ_CHUNK 16384

typedef enum
{
  STATE_NEW,
  STATE_OPENING,
  STATE_OPEN,
  STATE_PAUSING,
  STATE_PAUSED,
  STATE_CLOSED,
} TransportState;

struct _SioClientTransport
{
  GObject                   parent_instance;

  SioEngineTransports       kind;
  TransportState            state;
  gboolean                  writable;

  /* owned */
  SoupSession              *session;
  GUri                     *endpoint;        /* http(s)://host:port/path/ */
  char                     *query;           /* encoded, without sid and t */
  char                     *sid;
  GStrv                     headers;         /* name, value, name, value, ... */
  guint64                   max_incoming;
  GCancellable             *cancellable;     /* every request and the WebSocket handshake */
  guint                     linger_id;

  /* polling */
  gboolean                  polling;         /* a GET is in flight */

  /* websocket */
  SoupWebsocketConnection  *ws;
  GError                   *ws_error;        /* first "error" of the connection */
  guint                     drain_id;
  gboolean                  lingering;       /* holds a reference until "closed" */
};

enum {
  OPEN,
  PACKET,
  ERROR,
  CLOSE,
  DRAIN,
  PAUSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];
static guint n_alive;

G_DEFINE_FINAL_TYPE (SioClientTransport, _sio_client_transport, G_TYPE_OBJECT)

typedef struct
{
  SioClientTransport *self;
  SoupMessage        *msg;
  GInputStream       *stream;
  GByteArray         *body;
  gboolean            is_post;
  gboolean            is_close;
} Request;

static void poll_start (SioClientTransport *self);

static void
request_free (Request *req)
{
  g_clear_object (&req->self);
  g_clear_object (&req->msg);
  g_clear_object (&req->stream);
  g_clear_pointer (&req->body, g_byte_array_unref);
  g_free (req);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Request, request_free)

static void
stop_ws (SioClientTransport *self)
{
  if (self->ws == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->ws, self);
  /* Unreffing a connection mid-handshake closes its stream at once (libsoup's dispose). */
  g_clear_object (&self->ws);
}

static void on_linger_timeout (gpointer user_data);

/* Starts the WebSocket closing handshake and keeps the transport alive until it is done. */
static void
ws_shutdown (SioClientTransport *self)
{
  if (self->ws != NULL && !self->lingering &&
      soup_websocket_connection_get_state (self->ws) == SOUP_WEBSOCKET_STATE_OPEN)
    {
      soup_websocket_connection_close (self->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      self->lingering = TRUE;
      g_object_ref (self);
      g_clear_handle_id (&self->linger_id, g_source_remove);
      self->linger_id = g_timeout_add_once (LINGER_MS, on_linger_timeout, self);
      return;
    }

  if (!self->lingering)
    stop_ws (self);
}

static void
sio_client_transport_dispose (GObject *object)
{
  SioClientTransport *self = SIO_CLIENT_TRANSPORT (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->linger_id, g_source_remove);
  g_clear_handle_id (&self->drain_id, g_source_remove);
  stop_ws (self);

  G_OBJECT_CLASS (_sio_client_transport_parent_class)->dispose (object);
}

static void
sio_client_transport_finalize (GObject *object)
{
  SioClientTransport *self = SIO_CLIENT_TRANSPORT (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  g_clear_pointer (&self->endpoint, g_uri_unref);
  g_clear_pointer (&self->query, g_free);
  g_clear_pointer (&self->sid, g_free);
  g_clear_pointer (&self->headers, g_strfreev);
  g_clear_error (&self->ws_error);
  n_alive--;

  G_OBJECT_CLASS (_sio_client_transport_parent_class)->finalize (object);
}

static void
_sio_client_transport_class_init (SioClientTransportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sio_client_transport_dispose;
  object_class->finalize = sio_client_transport_finalize;

  signals[OPEN] = g_signal_new ("open", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[PACKET] = g_signal_new ("packet", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                  SIO_TYPE_ENGINE_PACKET | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[ERROR] = g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                 G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[CLOSE] = g_signal_new ("close", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[DRAIN] = g_signal_new ("drain", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[PAUSED] = g_signal_new ("paused", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
_sio_client_transport_init (SioClientTransport *self)
{
  self->cancellable = g_cancellable_new ();
  n_alive++;
}

SioClientTransport *
_sio_client_transport_new (SioEngineTransports  kind,
                           SoupSession         *session,
                           GUri                *endpoint,
                           const char          *query,
                           GPtrArray           *headers,
                           guint64              max_incoming)
{
  SioClientTransport *self;
  GStrvBuilder *builder = g_strv_builder_new ();

  g_assert (kind == SIO_ENGINE_TRANSPORT_POLLING || kind == SIO_ENGINE_TRANSPORT_WEBSOCKET);
  g_assert (SOUP_IS_SESSION (session));

  self = g_object_new (SIO_TYPE_CLIENT_TRANSPORT, NULL);
  self->kind = kind;
  self->session = g_object_ref (session);
  self->endpoint = g_uri_ref (endpoint);
  self->query = g_strdup (query);
  self->max_incoming = max_incoming;

  for (guint i = 0; headers != NULL && i < headers->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (headers, i));
  self->headers = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);

  return self;
}

SioEngineTransports
_sio_client_transport_get_kind (SioClientTransport *self)
{
  return self->kind;
}

const char *
_sio_client_transport_get_name (SioClientTransport *self)
{
  return self->kind == SIO_ENGINE_TRANSPORT_POLLING ? "polling" : "websocket";
}

void
_sio_client_transport_set_sid (SioClientTransport *self,
                               const char         *sid)
{
  g_free (self->sid);
  self->sid = g_strdup (sid);
}

gboolean
_sio_client_transport_is_writable (SioClientTransport *self)
{
  return self->writable;
}

guint
_sio_client_transport_get_n_alive (void)
{
  return n_alive;
}

/* ---- Reporting ------------------------------------------------------------------------- */

static void
report_open (SioClientTransport *self)
{
  self->state = STATE_OPEN;
  self->writable = TRUE;
  g_signal_emit (self, signals[OPEN], 0);
}

static void
report_error (SioClientTransport *self,
              GError             *error)
{
  if (self->state == STATE_CLOSED)
    return;

  g_debug ("%s transport error: %s", _sio_client_transport_get_name (self), error->message);
  g_signal_emit (self, signals[ERROR], 0, error);
}

/* The transport ended under us; the engine client decides what follows. */
static void
report_close (SioClientTransport *self,
              const char         *description)
{
  if (self->state == STATE_CLOSED)
    return;

  self->state = STATE_CLOSED;
  self->writable = FALSE;
  g_cancellable_cancel (self->cancellable);
  ws_shutdown (self);
  g_signal_emit (self, signals[CLOSE], 0, description);
}

static void
maybe_paused (SioClientTransport *self)
{
  if (self->state != STATE_PAUSING || self->polling || !self->writable)
    return;

  self->state = STATE_PAUSED;
  g_signal_emit (self, signals[PAUSED], 0);
}

/* ---- URIs and requests ------------------------------------------------------------------ */

static GUri *
build_uri (SioClientTransport *self,
           gboolean            websocket)
{
  g_autoptr(GString) query = g_string_new (self->query);
  const char *scheme = g_uri_get_scheme (self->endpoint);

  if (self->sid != NULL)
    {
      g_autofree char *sid = g_uri_escape_string (self->sid, NULL, FALSE);
      g_string_append_printf (query, "&sid=%s", sid);
    }

  /* engine.io-client busts caches on every poll (`timestampRequests`, the "t" parameter). */
  if (!websocket)
    g_string_append_printf (query, "&t=%08x%04x", g_random_int (), g_random_int_range (0, 0x10000));

  if (websocket)
    scheme = g_ascii_strcasecmp (scheme, "https") == 0 ? "wss" : "ws";

  return g_uri_build (G_URI_FLAGS_ENCODED, scheme, NULL,
                      g_uri_get_host (self->endpoint), g_uri_get_port (self->endpoint),
                      g_uri_get_path (self->endpoint), query->str, NULL);
}

static SoupMessage *
new_message (SioClientTransport *self,
             const char         *method,
             gboolean            websocket)
{
  g_autoptr(GUri) uri = build_uri (self, websocket);
  SoupMessage *msg = soup_message_new_from_uri (method, uri);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);

  for (guint i = 0; self->headers[i] != NULL && self->headers[i + 1] != NULL; i += 2)
    soup_message_headers_replace (headers, self->headers[i], self->headers[i + 1]);
  if (!websocket)
    soup_message_headers_replace (headers, "Accept", "*/*");

  return msg;
}

/* An HTTP error as a GError that says what the server said: Engine.IO servers answer
 * {"code":N,"message":"..."} (e.g. 400 "Session ID unknown"). */
static GError *
http_error (SoupMessage *msg,
            GBytes      *body,
            const char  *what)
{
  guint status = soup_message_get_status (msg);
  g_autofree char *detail = NULL;
  gsize len = 0;
  const char *text = body ? g_bytes_get_data (body, &len) : NULL;

  if (text != NULL && len > 0 && len < 512 && g_utf8_validate_len (text, len, NULL))
    detail = g_strndup (text, len);

  return g_error_new (SIO_ERROR, SIO_ERROR_TRANSPORT, "%s failed: HTTP %u %s%s%s%s", what, status,
                      soup_message_get_reason_phrase (msg) ? soup_message_get_reason_phrase (msg) : "",
                      detail ? " (" : "", detail ? detail : "", detail ? ")" : "");
}

static void request_done (Request *req,
                          GError  *error);

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Request *req = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);

  if (chunk == NULL)
    {
      request_done (req, error);
      return;
    }

  if (g_bytes_get_size (chunk) == 0)
    {
      request_done (req, NULL);
      return;
    }

  if (req->self->max_incoming > 0 &&
      req->body->len + g_bytes_get_size (chunk) > req->self->max_incoming)
    {
      g_set_error (&error, SIO_ERROR, SIO_ERROR_PAYLOAD_TOO_LARGE,
                   "The server sent a polling response larger than %" G_GUINT64_FORMAT " bytes",
                   req->self->max_incoming);
      request_done (req, error);
      return;
    }

  g_byte_array_append (req->body, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
  g_input_stream_read_bytes_async (req->stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   req->self->cancellable, on_read, req);
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Request *req = user_data;
  g_autoptr(GError) error = NULL;

  req->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (req->stream == NULL)
    {
      request_done (req, error);
      return;
    }

  req->body = g_byte_array_new ();
  g_input_stream_read_bytes_async (req->stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   req->self->cancellable, on_read, req);
}

static void
request_start (SioClientTransport *self,
               SoupMessage        *msg,
               gboolean            is_post,
               gboolean            is_close)
{
  Request *req = g_new0 (Request, 1);

  req->self = g_object_ref (self);
  req->msg = msg;
  req->is_post = is_post;
  req->is_close = is_close;
  soup_session_send_async (self->session, msg, G_PRIORITY_DEFAULT, self->cancellable, on_sent, req);
}

/* ---- Polling ---------------------------------------------------------------------------- */

static void
poll_on_data (SioClientTransport *self,
              GBytes             *body)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) packets = NULL;
  gsize len;
  const char *data = g_bytes_get_data (body, &len);

  packets = sio_engine_payload_decode (data ? data : "", len, 4, &error);
  if (packets == NULL)
    {
      g_prefix_error (&error, "Invalid polling payload from the server: ");
      report_error (self, error);
      return;
    }

  for (guint i = 0; i < packets->len; i++)
    {
      SioEnginePacket *packet = g_ptr_array_index (packets, i);
      SioEnginePacketType type = sio_engine_packet_get_kind (packet);

      /* polling.ts onData(): the first packet of the handshake opens the transport. */
      if (self->state == STATE_OPENING && type == SIO_ENGINE_PACKET_OPEN)
        report_open (self);

      if (type == SIO_ENGINE_PACKET_CLOSE)
        {
          report_close (self, "transport closed by the server");
          return;
        }

      g_signal_emit (self, signals[PACKET], 0, packet);
      if (self->state == STATE_CLOSED)
        return;
    }

  self->polling = FALSE;
  if (self->state == STATE_OPEN)
    poll_start (self);
  else if (self->state == STATE_OPENING)
    {
      /* A handshake answer without OPEN: the engine client has seen the packets and judged
       * them; an empty-handed poll while opening cannot go on. */
      g_set_error_literal (&error, SIO_ERROR, SIO_ERROR_PROTOCOL,
                           "The server answered the handshake without an open packet");
      report_error (self, error);
    }
  else
    maybe_paused (self);
}

static void
request_done (Request *req_,
              GError  *error)
{
  g_autoptr(Request) req = req_;
  g_autoptr(SioClientTransport) self = g_object_ref (req->self);
  g_autoptr(GBytes) body = NULL;
  guint status;

  if (req->is_close)
    {
      /* The CLOSE packet went through (or never will): nothing else of this transport needs to
       * finish, so end the long poll too. */
      g_clear_handle_id (&self->linger_id, g_source_remove);
      g_cancellable_cancel (self->cancellable);
      return;
    }

  if (self->state == STATE_CLOSED || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (error != NULL)
    {
      g_autoptr(GError) wrapped = NULL;

      if (error->domain == SIO_ERROR)
        wrapped = g_error_copy (error);
      else
        wrapped = g_error_new (SIO_ERROR, SIO_ERROR_TRANSPORT, "Polling %s request failed: %s",
                               req->is_post ? "POST" : "GET", error->message);
      report_error (self, wrapped);
      return;
    }

  body = g_byte_array_free_to_bytes (g_steal_pointer (&req->body));
  status = soup_message_get_status (req->msg);

  if (status != SOUP_STATUS_OK)
    {
      g_autoptr(GError) http = http_error (req->msg, body,
                                           req->is_post ? "Polling POST request" : "Polling GET request");
      report_error (self, http);
      return;
    }

  if (req->is_post)
    {
      self->writable = TRUE;
      g_signal_emit (self, signals[DRAIN], 0);
      if (self->state != STATE_CLOSED)
        maybe_paused (self);
      return;
    }

  poll_on_data (self, body);
}

static void
poll_start (SioClientTransport *self)
{
  self->polling = TRUE;
  request_start (self, new_message (self, "GET", FALSE), FALSE, FALSE);
}

static void
poll_write (SioClientTransport  *self,
            SioEnginePacket    **packets,
            guint                n_packets,
            gboolean             is_close)
{
  g_autoptr(GBytes) body = sio_engine_payload_encode (packets, n_packets, 4);
  SoupMessage *msg = new_message (self, "POST", FALSE);

  soup_message_set_request_body_from_bytes (msg, "text/plain;charset=UTF-8", body);
  if (!is_close)
    self->writable = FALSE;
  request_start (self, msg, TRUE, is_close);
}

/* ---- WebSocket -------------------------------------------------------------------------- */

static void
on_ws_message (SoupWebsocketConnection *ws,
               int                      type,
               GBytes                  *message,
               gpointer                 user_data)
{
  SioClientTransport *self = user_data;
  G_GNUC_UNUSED g_autoptr(SioClientTransport) hold = g_object_ref (self);
  g_autoptr(SioEnginePacket) packet = NULL;
  g_autoptr(GError) error = NULL;

  if (self->state == STATE_CLOSED)
    return;

  /* Engine.IO v4 sends binary messages as bare binary frames ("Packet encoding"). */
  if (type == SOUP_WEBSOCKET_DATA_BINARY)
    packet = sio_engine_packet_new_binary (message);
  else
    {
      gsize len;
      const char *text = g_bytes_get_data (message, &len);

      packet = sio_engine_packet_decode (text ? text : "", len, 4, &error);
    }

  if (packet == NULL)
    {
      g_prefix_error (&error, "Invalid WebSocket message from the server: ");
      report_error (self, error);
      return;
    }

  if (sio_engine_packet_get_kind (packet) == SIO_ENGINE_PACKET_CLOSE)
    {
      report_close (self, "transport closed by the server");
      return;
    }

  g_signal_emit (self, signals[PACKET], 0, packet);
}

static void
on_ws_error (SoupWebsocketConnection *ws,
             GError                  *error,
             gpointer                 user_data)
{
  SioClientTransport *self = user_data;

  if (self->ws_error == NULL)
    self->ws_error = g_error_copy (error);
}

static void
on_ws_closed (SoupWebsocketConnection *ws,
              gpointer                 user_data)
{
  SioClientTransport *self = user_data;
  G_GNUC_UNUSED g_autoptr(SioClientTransport) hold = g_object_ref (self);
  g_autofree char *description = NULL;

  if (self->lingering)
    {
      self->lingering = FALSE;
      g_clear_handle_id (&self->linger_id, g_source_remove);
      stop_ws (self);
      g_object_unref (self);
      return;
    }

  if (self->state == STATE_CLOSED)
    return;

  /* websocket.ts: an "error" is reported as a transport error; a plain close as a close. */
  if (self->ws_error != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (self->ws_error->domain == SOUP_WEBSOCKET_ERROR &&
          self->ws_error->code == SOUP_WEBSOCKET_CLOSE_TOO_BIG)
        error = g_error_new (SIO_ERROR, SIO_ERROR_PAYLOAD_TOO_LARGE,
                             "The server sent a WebSocket message larger than %" G_GUINT64_FORMAT
                             " bytes", self->max_incoming);
      else
        error = g_error_new (SIO_ERROR, SIO_ERROR_TRANSPORT, "WebSocket error: %s",
                             self->ws_error->message);
      report_error (self, error);
      return;
    }

  description = g_strdup_printf ("websocket connection closed (code %u)",
                                 soup_websocket_connection_get_close_code (ws));
  report_close (self, description);
}

static void
on_ws_connected (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(SioClientTransport) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupWebsocketConnection) ws = NULL;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);

  ws = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (ws == NULL)
    {
      g_autoptr(GError) wrapped = NULL;
      guint status = msg ? soup_message_get_status (msg) : 0;

      if (self->state == STATE_CLOSED || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      if (status != 0 && status != SOUP_STATUS_SWITCHING_PROTOCOLS)
        wrapped = g_error_new (SIO_ERROR, SIO_ERROR_TRANSPORT,
                               "WebSocket handshake failed: HTTP %u %s", status,
                               soup_message_get_reason_phrase (msg) ? soup_message_get_reason_phrase (msg) : "");
      else
        wrapped = g_error_new (SIO_ERROR, SIO_ERROR_TRANSPORT, "WebSocket connection failed: %s",
                               error->message);
      report_error (self, wrapped);
      return;
    }

  if (self->state == STATE_CLOSED)
    {
      soup_websocket_connection_close (ws, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
      return;
    }

  self->ws = g_steal_pointer (&ws);
  soup_websocket_connection_set_max_incoming_payload_size (self->ws, self->max_incoming);
  /* Engine.IO has its own heartbeat. */
  soup_websocket_connection_set_keepalive_interval (self->ws, 0);
  g_signal_connect (self->ws, "message", G_CALLBACK (on_ws_message), self);
  g_signal_connect (self->ws, "error", G_CALLBACK (on_ws_error), self);
  g_signal_connect (self->ws, "closed", G_CALLBACK (on_ws_closed), self);

  report_open (self);
}

static void
on_ws_drain (gpointer user_data)
{
  SioClientTransport *self = user_data;
  G_GNUC_UNUSED g_autoptr(SioClientTransport) hold = g_object_ref (self);

  self->drain_id = 0;
  if (self->state == STATE_CLOSED)
    return;
  self->writable = TRUE;
  g_signal_emit (self, signals[DRAIN], 0);
}

static void
ws_write (SioClientTransport  *self,
          SioEnginePacket    **packets,
          guint                n_packets)
{
  for (guint i = 0; i < n_packets; i++)
    {
      SioEnginePacket *packet = packets[i];
      gsize len;
      const char *data = sio_engine_packet_get_data (packet, &len);

      if (self->ws == NULL || soup_websocket_connection_get_state (self->ws) != SOUP_WEBSOCKET_STATE_OPEN)
        break;

      if (sio_engine_packet_is_binary (packet))
        soup_websocket_connection_send_binary (self->ws, data, len);
      else
        {
          g_autoptr(GString) text = g_string_sized_new (len + 1);

          g_string_append_c (text, '0' + sio_engine_packet_get_kind (packet));
          g_string_append_len (text, data, len);
          soup_websocket_connection_send_text (self->ws, text->str);
        }
    }

  /* websocket.ts fakes "drain" on the next tick: WebSocket framing needs no request cycle. */
  self->writable = FALSE;
  if (self->drain_id == 0)
    self->drain_id = g_idle_add_once (on_ws_drain, self);
}

/* ---- Public (internal) API -------------------------------------------------------------- */

void
_sio_client_transport_open (SioClientTransport *self)
{
  g_return_if_fail (self->state == STATE_NEW);

  self->state = STATE_OPENING;

  if (self->kind == SIO_ENGINE_TRANSPORT_POLLING)
    {
      poll_start (self);
      return;
    }

  soup_session_websocket_connect_async (self->session, new_message (self, "GET", TRUE), NULL, NULL,
                                        G_PRIORITY_DEFAULT, self->cancellable, on_ws_connected,
                                        g_object_ref (self));
}

void
_sio_client_transport_send (SioClientTransport  *self,
                            SioEnginePacket    **packets,
                            guint                n_packets)
{
  /* transport.ts send(): a transport that is not open drops what it is given. */
  if (self->state != STATE_OPEN && self->state != STATE_PAUSING && self->state != STATE_PAUSED)
    {
      g_debug ("%s transport is not open, discarding %u packets",
               _sio_client_transport_get_name (self), n_packets);
      return;
    }

  if (self->kind == SIO_ENGINE_TRANSPORT_POLLING)
    poll_write (self, packets, n_packets, FALSE);
  else
    ws_write (self, packets, n_packets);
}

void
_sio_client_transport_pause (SioClientTransport *self)
{
  if (self->state != STATE_OPEN)
    return;

  self->state = STATE_PAUSING;
  maybe_paused (self);
}

/* Undoes a pause whose upgrade failed. */
void
_sio_client_transport_resume (SioClientTransport *self)
{
  if (self->state != STATE_PAUSING && self->state != STATE_PAUSED)
    return;

  self->state = STATE_OPEN;
  if (self->kind == SIO_ENGINE_TRANSPORT_POLLING && !self->polling)
    poll_start (self);
  if (self->writable)
    g_signal_emit (self, signals[DRAIN], 0);
}

static void
on_linger_timeout (gpointer user_data)
{
  SioClientTransport *self = user_data;

  self->linger_id = 0;
  g_debug ("%s transport: the server did not finish the close in time",
           _sio_client_transport_get_name (self));
  g_cancellable_cancel (self->cancellable);

  if (self->lingering)
    {
      self->lingering = FALSE;
      stop_ws (self);
      g_object_unref (self);
    }
}

/*
 * Closes the transport for good; "close" is still emitted to whoever listens. An open polling
 * transport POSTs a CLOSE packet first (polling.ts doClose()); a WebSocket starts the closing
 * handshake. Either way the transport keeps itself alive until the server answered, or for
 * LINGER_MS at most.
 */
void
_sio_client_transport_close (SioClientTransport *self)
{
  G_GNUC_UNUSED g_autoptr(SioClientTransport) hold = g_object_ref (self);
  TransportState state = self->state;

  if (state == STATE_CLOSED)
    return;

  self->state = STATE_CLOSED;
  self->writable = FALSE;
  g_clear_handle_id (&self->drain_id, g_source_remove);

  if (self->kind == SIO_ENGINE_TRANSPORT_POLLING && state == STATE_OPEN)
    {
      g_autoptr(SioEnginePacket) close = sio_engine_packet_new (SIO_ENGINE_PACKET_CLOSE, NULL, 0);

      poll_write (self, &close, 1, TRUE);
      /* The timeout holds no reference: the POST does, and ends it when done. */
      self->linger_id = g_timeout_add_once (LINGER_MS, on_linger_timeout, self);
    }
  else
    {
      g_cancellable_cancel (self->cancellable);
      ws_shutdown (self);
    }

  g_signal_emit (self, signals[CLOSE], 0, "transport closed by the client");
}
