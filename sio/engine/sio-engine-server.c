/* sio-engine-server.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SioEngineServer:
 *
 * The Engine.IO v4 server: the bottom of the Socket.IO stack.
 *
 * It attaches to a caller's `SoupServer` at a path (Socket.IO uses `/socket.io/`), checks
 * every request the way the reference server does (transport, protocol revision, sid, method),
 * opens sessions on handshakes and hands each to its [class@EngineSocket]. libsoup parses HTTP
 * and answers the WebSocket handshake; after that the server takes the connection over and
 * frames WebSocket itself (see `sio-ws-conn.c` for why).
 *
 * Timers for all sessions live in a few deadline queues here rather than in per-socket
 * sources, so an idle server with thousands of clients costs the main loop nothing per turn.
 */

#include "config.h"

#include <string.h>

#include "sio-engine-socket-private.h"
#include "sio-enums.h"
#include "sio-json.h"
#include "sio-http-private.h"
#include "sio-address-counts.h"

#define DEFAULT_PING_INTERVAL 25000
#define DEFAULT_PING_TIMEOUT 20000
#define DEFAULT_MAX_PAYLOAD 1000000
#define DEFAULT_UPGRADE_TIMEOUT 10000
/* A client that stops reading is cut off once this much waits for it. */
#define DEFAULT_MAX_QUEUED (8 * 1024 * 1024)

#define BODY_KEY "sio-engine-body"
#define BODY_OVERFLOW_KEY "sio-engine-body-overflow"

struct _SioEngineServer
{
  GObject                    parent_instance;

  SoupServer                *soup;
  char                      *path;
  GHashTable                *sockets;          /* sid → SioEngineSocket, owned */
  SioEngineSocketContext     context;

  guint                      ping_interval;
  guint                      ping_timeout;
  SioEngineTransports        transports;
  gboolean                   allow_upgrades;
  gboolean                   allow_eio3;
  char                     **cors_origins;
  guint                      max_sessions_per_address;
  gboolean                   limit_loopback;
  GHashTable                *sessions_per_address;   /* IP text → count; only with a cap */

  SioEngineAllowRequestFunc  allow_request;
  SioEngineAllowRequestAsyncFunc allow_request_async;
  gpointer                   allow_request_data;
  GDestroyNotify             allow_request_destroy;
};

enum {
  PROP_0,
  PROP_PING_INTERVAL,
  PROP_PING_TIMEOUT,
  PROP_MAX_PAYLOAD,
  PROP_TRANSPORTS,
  PROP_ALLOW_UPGRADES,
  PROP_CORS_ORIGINS,
  PROP_ALLOW_EIO3,
  PROP_MAX_SESSIONS_PER_ADDRESS,
  PROP_LIMIT_LOOPBACK,
  PROP_MAX_PACKET_RATE,
  N_PROPS
};

enum {
  CONNECTION,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (SioEngineServer, sio_engine_server, G_TYPE_OBJECT)

static const char * const error_messages[] = {
  [SIO_ENGINE_ERROR_UNKNOWN_TRANSPORT] = "Transport unknown",
  [SIO_ENGINE_ERROR_UNKNOWN_SID] = "Session ID unknown",
  [SIO_ENGINE_ERROR_BAD_HANDSHAKE_METHOD] = "Bad handshake method",
  [SIO_ENGINE_ERROR_BAD_REQUEST] = "Bad request",
  [SIO_ENGINE_ERROR_FORBIDDEN] = "Forbidden",
  [SIO_ENGINE_ERROR_UNSUPPORTED_PROTOCOL_VERSION] = "Unsupported protocol version",
};

/* Answers as the reference does: 400 (403 when forbidden) with {"code":N,"message":"..."}. */
void
_sio_engine_respond_error (SoupServerMessage  *msg,
                           SioEngineErrorCode  code,
                           const char         *context)
{
  _sio_engine_respond_error_message (msg, code, NULL, context);
}

/* @message replaces the standard one, as the reference does with allowRequest's reason. */
void
_sio_engine_respond_error_message (SoupServerMessage  *msg,
                                   SioEngineErrorCode  code,
                                   const char         *message,
                                   const char         *context)
{
  g_autoptr(GString) body = g_string_new (NULL);

  if (context != NULL)
    g_debug ("Refusing %s %s: %s (%s)", soup_server_message_get_method (msg),
             g_uri_get_path (soup_server_message_get_uri (msg)), error_messages[code], context);

  g_string_append_printf (body, "{\"code\":%d,\"message\":", code);
  sio_json_append_string (body, message ? message : error_messages[code], -1);
  g_string_append_c (body, '}');
  soup_server_message_set_status (msg, code == SIO_ENGINE_ERROR_FORBIDDEN ? SOUP_STATUS_FORBIDDEN
                                                                          : SOUP_STATUS_BAD_REQUEST, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body->str, body->len);
}

static gboolean
origin_allowed (SioEngineServer *self,
                const char      *origin)
{
  if (origin == NULL || self->cors_origins == NULL)
    return FALSE;

  for (guint i = 0; self->cors_origins[i] != NULL; i++)
    if (strcmp (self->cors_origins[i], "*") == 0 || strcmp (self->cors_origins[i], origin) == 0)
      return TRUE;

  return FALSE;
}

/* Headers every Engine.IO response carries: CORS for allowed origins, and an explicit
 * "Connection: close" when the client asked for it. libsoup closes such connections without
 * saying so, and Node's keep-alive agent then reuses the dead socket ("socket hang up"). */
void
_sio_engine_server_prepare_response (SioEngineServer   *self,
                                     SoupServerMessage *msg)
{
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);
  const char *origin = soup_message_headers_get_one (request, "Origin");

  if (soup_message_headers_header_contains (request, "Connection", "close"))
    soup_message_headers_replace (response, "Connection", "close");
  /* Session traffic must never be served from a cache (the reference sends the same). */
  soup_message_headers_replace (response, "Cache-Control", "no-store");

  if (!origin_allowed (self, origin))
    return;

  soup_message_headers_replace (response, "Access-Control-Allow-Origin", origin);
  soup_message_headers_replace (response, "Access-Control-Allow-Credentials", "true");
  soup_message_headers_append (response, "Vary", "Origin");
}

static char *
address_key (SioEngineServer *self,
             GSocketAddress  *address)
{
  return _sio_address_counts_key (address, self->max_sessions_per_address, self->limit_loopback);
}

void
_sio_engine_server_socket_closed (SioEngineServer *self,
                                  SioEngineSocket *socket)
{
  g_autofree char *key = NULL;

  if (!g_hash_table_remove (self->sockets, sio_engine_socket_get_id (socket)))
    return;
  key = address_key (self, sio_engine_socket_get_remote_address (socket));
  if (key != NULL)
    _sio_address_counts_remove (self->sessions_per_address, key);
}

static void
register_socket (SioEngineServer *self,
                 SioEngineSocket *socket)
{
  g_autofree char *key = address_key (self, sio_engine_socket_get_remote_address (socket));

  if (key != NULL)
    _sio_address_counts_add (self->sessions_per_address, key);
  g_hash_table_insert (self->sockets, (char *) sio_engine_socket_get_id (socket), socket);
  _sio_engine_socket_start (socket);
  g_signal_emit (self, signals[CONNECTION], 0, socket);
}

static gboolean
is_websocket_upgrade (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  return soup_message_headers_header_contains (headers, "Upgrade", "websocket");
}

static SioEngineTransports
parse_transport (const char *name)
{
  if (g_strcmp0 (name, "polling") == 0)
    return SIO_ENGINE_TRANSPORT_POLLING;
  if (g_strcmp0 (name, "websocket") == 0)
    return SIO_ENGINE_TRANSPORT_WEBSOCKET;
  return 0;
}

typedef struct
{
  SioEngineServer *server;
  SioEngineSocket *socket;     /* NULL for a handshake */
  GHashTable      *query;
  int              protocol;
  gboolean         reject;     /* complete the handshake, then close at once */
} PendingUpgrade;

static void
ignore_message (SioWsConn    *conn,
                gboolean      binary,
                const guint8 *data,
                gsize         len,
                gpointer      user_data)
{
}

static void
ignore_closed (SioWsConn            *conn,
               SioEngineCloseReason  reason,
               const char           *detail,
               gpointer              user_data)
{
}

static const SioWsConnCallbacks reject_callbacks = {
  .message = ignore_message,
  .closed = ignore_closed,
};

static void
pending_upgrade_free (gpointer  data,
                      GClosure *closure)
{
  PendingUpgrade *pending = data;

  g_clear_object (&pending->server);
  g_clear_object (&pending->socket);
  g_clear_pointer (&pending->query, g_hash_table_unref);
  g_free (pending);
}

/* libsoup wrote "101 Switching Protocols": from here the connection is ours. */
static void
on_wrote_informational (SoupServerMessage *msg,
                        PendingUpgrade    *pending)
{
  SioEngineServer *self = pending->server;
  g_autoptr(GSocket) gsocket = NULL;
  g_autoptr(GIOStream) stream = NULL;

  if (soup_server_message_get_status (msg) != SOUP_STATUS_SWITCHING_PROTOCOLS)
    return;

  gsocket = g_object_ref (_sio_http_message_get_socket (msg));

  if (pending->reject)
    {
      /* As the reference does for a second upgrade of one session: a WebSocket that opens
       * and is closed straight away, rather than an HTTP error the client cannot tell from a
       * dead server. */
      SioWsConn *conn;

      stream = soup_server_message_steal_connection (msg);
      conn = _sio_ws_conn_new (self->context.hub, stream, gsocket, pending->protocol,
                               self->context.max_payload, self->context.max_queued,
                               &reject_callbacks, NULL);
      _sio_ws_conn_close (conn, SIO_WS_CLOSE_NORMAL);
      return;
    }

  if (pending->socket == NULL)
    {
      g_autoptr(SioEngineSocket) socket = NULL;
      g_autoptr(SioEnginePacket) open = NULL;
      g_autofree char *payload = NULL;

      socket = _sio_engine_socket_new (self, &self->context, pending->protocol, msg, pending->query);
      stream = soup_server_message_steal_connection (msg);
      _sio_engine_socket_attach_websocket (socket, stream, gsocket);
      payload = _sio_engine_socket_open_payload (socket, self->ping_interval, self->ping_timeout, FALSE);
      open = sio_engine_packet_new (SIO_ENGINE_PACKET_OPEN, payload, -1);
      sio_engine_socket_send (socket, open);
      register_socket (self, g_steal_pointer (&socket));
      return;
    }

  stream = soup_server_message_steal_connection (msg);
  if (!_sio_engine_socket_can_probe (pending->socket))
    {
      /* The session closed or upgraded while the handshake was being written. */
      g_io_stream_close (stream, NULL, NULL);
      return;
    }
  _sio_engine_socket_attach_probe (pending->socket, stream, gsocket);
}

static void
accept_websocket (SioEngineServer   *self,
                  SoupServerMessage *msg,
                  SioEngineSocket   *socket,
                  GHashTable        *query,
                  int                protocol,
                  gboolean           reject)
{
  PendingUpgrade *pending;

  /* No extension is offered back: permessage-deflate would cost CPU per recipient and undo
   * encode-once broadcasting. */
  if (!soup_websocket_server_process_handshake (msg, NULL, NULL, NULL, NULL))
    return;

  pending = g_new0 (PendingUpgrade, 1);
  pending->server = g_object_ref (self);
  pending->socket = socket ? g_object_ref (socket) : NULL;
  pending->query = query ? g_hash_table_ref (query) : NULL;
  pending->protocol = protocol;
  pending->reject = reject;
  g_signal_connect_data (msg, "wrote-informational", G_CALLBACK (on_wrote_informational),
                         pending, pending_upgrade_free, 0);
}

/* Creates the session for an accepted handshake. */
static void
open_session (SioEngineServer     *self,
              SoupServerMessage   *msg,
              SioEngineTransports  transport,
              GHashTable          *query,
              int                  protocol)
{
  g_autoptr(SioEngineSocket) socket = NULL;
  g_autoptr(SioEnginePacket) open = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *payload = NULL;

  if (transport == SIO_ENGINE_TRANSPORT_WEBSOCKET)
    {
      accept_websocket (self, msg, NULL, query, protocol, FALSE);
      return;
    }

  socket = _sio_engine_socket_new (self, &self->context, protocol, msg, query);
  payload = _sio_engine_socket_open_payload (socket, self->ping_interval, self->ping_timeout,
                                             self->allow_upgrades &&
                                             (self->transports & SIO_ENGINE_TRANSPORT_WEBSOCKET));
  open = sio_engine_packet_new (SIO_ENGINE_PACKET_OPEN, payload, -1);
  if (protocol == 3)
    {
      gboolean is_binary;

      body = _sio_engine_payload_encode_v3 (&open, 1, FALSE, &is_binary);
    }
  else
    body = sio_engine_payload_encode (&open, 1, protocol);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/plain; charset=UTF-8", SOUP_MEMORY_COPY,
                                    g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  register_socket (self, g_steal_pointer (&socket));
}

struct _SioEngineRequest
{
  guint                ref_count;
  SioEngineServer     *server;
  SoupServerMessage   *msg;
  GHashTable          *query;
  SioEngineTransports  transport;
  int                  protocol;
  gboolean             paused;
  gboolean             done;
};

static SioEngineRequest *
request_ref (SioEngineRequest *request)
{
  request->ref_count++;
  return request;
}

static void
request_unref (SioEngineRequest *request)
{
  if (--request->ref_count > 0)
    return;

  g_clear_object (&request->server);
  g_clear_object (&request->msg);
  g_clear_pointer (&request->query, g_hash_table_unref);
  g_free (request);
}

static void
request_complete (SioEngineRequest *request,
                  gboolean          allowed,
                  const char       *message)
{
  SioEngineServer *self = request->server;

  g_return_if_fail (!request->done);
  request->done = TRUE;

  if (allowed)
    open_session (self, request->msg, request->transport, request->query, request->protocol);
  else
    _sio_engine_respond_error_message (request->msg, SIO_ENGINE_ERROR_FORBIDDEN, message,
                                       "refused by allow-request");

  /* A request answered later than its handler needs the usual headers, then to be resumed. */
  if (request->paused)
    {
      _sio_engine_server_prepare_response (self, request->msg);
      soup_server_message_unpause (request->msg);
    }

  request_unref (request);
}

/**
 * sio_engine_request_allow:
 * @request: (transfer full): a pending handshake
 *
 * Lets the handshake through. Ends the caller's part: @request must not be used again.
 */
void
sio_engine_request_allow (SioEngineRequest *request)
{
  g_return_if_fail (request != NULL);

  request_complete (request, TRUE, NULL);
}

/**
 * sio_engine_request_refuse:
 * @request: (transfer full): a pending handshake
 * @message: (nullable): why, sent in the 403 body instead of "Forbidden"
 *
 * Refuses the handshake. Ends the caller's part: @request must not be used again.
 */
void
sio_engine_request_refuse (SioEngineRequest *request,
                           const char       *message)
{
  g_return_if_fail (request != NULL);

  request_complete (request, FALSE, message);
}

static void
handle_handshake (SioEngineServer     *self,
                  SoupServerMessage   *msg,
                  SioEngineTransports  transport,
                  gboolean             upgrade,
                  GHashTable          *query,
                  int                  protocol)
{
  g_autofree char *refusal = NULL;
  g_autofree char *key = NULL;

  if (soup_server_message_get_method (msg) != SOUP_METHOD_GET)
    {
      _sio_engine_respond_error (msg, SIO_ENGINE_ERROR_BAD_HANDSHAKE_METHOD, "handshake must be a GET");
      return;
    }

  /* Checked again by no one later: an allow-request answer that comes after another session
   * from the same address opened can overshoot by the sessions pending with it, no more. */
  key = address_key (self, soup_server_message_get_remote_address (msg));
  if (key != NULL && _sio_address_counts_get (self->sessions_per_address, key) >= self->max_sessions_per_address)
    {
      _sio_engine_respond_error_message (msg, SIO_ENGINE_ERROR_FORBIDDEN, "Too many sessions from this address",
                                         "max-sessions-per-address");
      return;
    }

  if (transport == SIO_ENGINE_TRANSPORT_WEBSOCKET && !upgrade)
    {
      _sio_engine_respond_error (msg, SIO_ENGINE_ERROR_BAD_REQUEST, "websocket transport without upgrade");
      return;
    }

  if (self->allow_request_async != NULL)
    {
      SioEngineRequest *request = g_new0 (SioEngineRequest, 1);

      request->ref_count = 1;
      request->server = g_object_ref (self);
      request->msg = g_object_ref (msg);
      request->query = query ? g_hash_table_ref (query) : NULL;
      request->transport = transport;
      request->protocol = protocol;

      /* The function may answer now or later; only a later answer needs the pause. */
      self->allow_request_async (self, msg, request_ref (request), self->allow_request_data);
      if (!request->done)
        {
          request->paused = TRUE;
          soup_server_message_pause (msg);
        }
      request_unref (request);
      return;
    }

  if (self->allow_request != NULL &&
      !self->allow_request (self, msg, &refusal, self->allow_request_data))
    {
      _sio_engine_respond_error_message (msg, SIO_ENGINE_ERROR_FORBIDDEN, refusal, "refused by allow-request");
      return;
    }

  open_session (self, msg, transport, query, protocol);
}

static void
handle_session_request (SioEngineServer     *self,
                        SoupServerMessage   *msg,
                        SioEngineSocket     *socket,
                        SioEngineTransports  transport,
                        gboolean             upgrade)
{
  const char *method = soup_server_message_get_method (msg);

  if (upgrade)
    {
      if (transport != SIO_ENGINE_TRANSPORT_WEBSOCKET || !self->allow_upgrades)
        {
          _sio_engine_respond_error (msg, SIO_ENGINE_ERROR_BAD_REQUEST, "upgrade not allowed");
          return;
        }
      accept_websocket (self, msg, socket, NULL, sio_engine_socket_get_protocol (socket),
                        !_sio_engine_socket_can_probe (socket));
      return;
    }

  if (transport != sio_engine_socket_get_transport (socket))
    {
      _sio_engine_respond_error (msg, SIO_ENGINE_ERROR_BAD_REQUEST, "transport mismatch");
      return;
    }

  if (method == SOUP_METHOD_GET)
    {
      _sio_engine_socket_handle_poll (socket, msg);
      return;
    }

  if (method == SOUP_METHOD_POST)
    {
      SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
      GByteArray *body = g_object_get_data (G_OBJECT (msg), BODY_KEY);
      gboolean is_binary = g_strcmp0 (soup_message_headers_get_content_type (headers, NULL),
                                      "application/octet-stream") == 0;

      if (g_object_get_data (G_OBJECT (msg), BODY_OVERFLOW_KEY) != NULL)
        {
          soup_server_message_set_status (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, NULL);
          soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
          return;
        }

      /* Engine.IO v4 carries binary as base64 text; a binary body is a v3 client's. */
      if (sio_engine_socket_get_protocol (socket) >= 4 && is_binary)
        {
          _sio_engine_respond_error (msg, SIO_ENGINE_ERROR_BAD_REQUEST, "binary body");
          _sio_engine_socket_abort (socket, SIO_ENGINE_CLOSE_TRANSPORT_ERROR, "invalid content");
          return;
        }

      _sio_engine_socket_handle_data (socket, msg, body ? (const char *) body->data : "",
                                      body ? body->len : 0, is_binary);
      return;
    }

  _sio_engine_respond_error (msg, SIO_ENGINE_ERROR_BAD_REQUEST, "method not allowed");
}

static gboolean
path_matches (SioEngineServer *self,
              const char      *path)
{
  gsize len = strlen (self->path);

  /* self->path has no trailing slash; both "/engine.io" and "/engine.io/" are ours. */
  return strncmp (path, self->path, len) == 0 && (path[len] == '\0' || strcmp (path + len, "/") == 0);
}

static void
handle_preflight (SioEngineServer   *self,
                  SoupServerMessage *msg)
{
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);
  const char *requested = soup_message_headers_get_one (request, "Access-Control-Request-Headers");

  if (!origin_allowed (self, soup_message_headers_get_one (request, "Origin")))
    {
      _sio_engine_respond_error (msg, SIO_ENGINE_ERROR_BAD_REQUEST, "CORS preflight from a foreign origin");
      _sio_engine_server_prepare_response (self, msg);
      return;
    }

  soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
  _sio_engine_server_prepare_response (self, msg);
  soup_message_headers_replace (response, "Access-Control-Allow-Methods", "GET,HEAD,PUT,PATCH,POST,DELETE");
  if (requested != NULL)
    soup_message_headers_replace (response, "Access-Control-Allow-Headers", requested);
}

/* Whether parameter @name's raw (still percent-encoded) value contains %00. */
gboolean
_sio_engine_query_param_has_nul (const char *raw_query,
                                 const char *name)
{
  gsize name_len = strlen (name);
  const char *p = raw_query;

  while (p != NULL && *p != '\0')
    {
      const char *end = strchr (p, '&');
      gsize len = end ? (gsize) (end - p) : strlen (p);

      if (len > name_len && strncmp (p, name, name_len) == 0 && p[name_len] == '=' &&
          g_strstr_len (p + name_len + 1, len - name_len - 1, "%00") != NULL)
        return TRUE;
      p = end ? end + 1 : NULL;
    }

  return FALSE;
}

static void
server_callback (SoupServer        *soup,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  SioEngineServer *self = user_data;
  SioEngineTransports transport;
  SioEngineSocket *socket;
  const char *raw_query;
  const char *eio;
  const char *sid;
  gboolean upgrade;
  int protocol;

  if (!path_matches (self, path))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      _sio_engine_server_prepare_response (self, msg);
      return;
    }

  if (soup_server_message_get_method (msg) == SOUP_METHOD_OPTIONS)
    {
      handle_preflight (self, msg);
      return;
    }

  raw_query = g_uri_get_query (soup_server_message_get_uri (msg));
  transport = parse_transport (query ? g_hash_table_lookup (query, "transport") : NULL);
  eio = query ? g_hash_table_lookup (query, "EIO") : NULL;
  sid = query ? g_hash_table_lookup (query, "sid") : NULL;
  upgrade = is_websocket_upgrade (msg);

  /* Decoded parameters are C strings, cut at an encoded NUL: "polling%00" must not pass for
   * "polling", nor "sid=%00" for no sid at all. */
  if (_sio_engine_query_param_has_nul (raw_query, "transport"))
    transport = 0;
  if (_sio_engine_query_param_has_nul (raw_query, "EIO"))
    eio = NULL;
  if (_sio_engine_query_param_has_nul (raw_query, "sid"))
    {
      _sio_engine_respond_error (msg, SIO_ENGINE_ERROR_UNKNOWN_SID, "NUL in sid");
      _sio_engine_server_prepare_response (self, msg);
      return;
    }

  if (transport == 0 || !(self->transports & transport))
    {
      _sio_engine_respond_error (msg, SIO_ENGINE_ERROR_UNKNOWN_TRANSPORT, "unknown transport");
      _sio_engine_server_prepare_response (self, msg);
      return;
    }

  /* The reference tests `if (sid)`: an empty sid is no sid. */
  if (sid != NULL && *sid != '\0')
    {
      socket = g_hash_table_lookup (self->sockets, sid);
      if (socket == NULL)
        _sio_engine_respond_error (msg, SIO_ENGINE_ERROR_UNKNOWN_SID, "unknown sid");
      else
        handle_session_request (self, msg, socket, transport, upgrade);
      _sio_engine_server_prepare_response (self, msg);
      return;
    }

  if (g_strcmp0 (eio, "4") == 0)
    protocol = 4;
  else if (g_strcmp0 (eio, "3") == 0 && self->allow_eio3)
    protocol = 3;
  else
    protocol = 0;
  if (protocol == 0)
    {
      _sio_engine_respond_error (msg, SIO_ENGINE_ERROR_UNSUPPORTED_PROTOCOL_VERSION, eio ? eio : "no EIO");
      _sio_engine_server_prepare_response (self, msg);
      return;
    }

  handle_handshake (self, msg, transport, upgrade, query, protocol);
  _sio_engine_server_prepare_response (self, msg);
}

static void
on_got_chunk (SoupServerMessage *msg,
              GBytes            *chunk,
              SioEngineServer   *self)
{
  GByteArray *body = g_object_get_data (G_OBJECT (msg), BODY_KEY);
  gsize len = g_bytes_get_size (chunk);

  if (body == NULL)
    return;

  if (body->len + len > self->context.max_payload)
    {
      /* Stop keeping anything: a client cannot make us buffer more than maxPayload. */
      g_object_set_data (G_OBJECT (msg), BODY_KEY, NULL);
      g_object_set_data (G_OBJECT (msg), BODY_OVERFLOW_KEY, GINT_TO_POINTER (1));
      return;
    }

  g_byte_array_append (body, g_bytes_get_data (chunk, NULL), len);
}

/* Runs when the headers are in, before the body is read: bodies are collected here up to
 * maxPayload instead of being accumulated whole by libsoup. */
static void
early_callback (SoupServer        *soup,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  SioEngineServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  if (soup_server_message_get_method (msg) != SOUP_METHOD_POST || !path_matches (self, path))
    return;

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      (gsize) soup_message_headers_get_content_length (headers) > self->context.max_payload)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, NULL);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
      _sio_engine_server_prepare_response (self, msg);
      return;
    }

  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  g_object_set_data_full (G_OBJECT (msg), BODY_KEY, g_byte_array_new (), (GDestroyNotify) g_byte_array_unref);
  g_signal_connect_object (msg, "got-chunk", G_CALLBACK (on_got_chunk), self, 0);
}

/* ---- The WebSocket fast path ------------------------------------------------------------ */

#define WEBSOCKET_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

static gboolean
valid_websocket_key (const SioHttpSpan *key)
{
  char copy[25];
  guchar decoded[18];
  gint state = 0;
  guint save = 0;

  /* 16 random bytes in base64: 24 characters, two of them padding. */
  if (key == NULL || key->len != 24)
    return FALSE;
  memcpy (copy, key->start, 24);
  copy[24] = '\0';
  for (guint i = 0; i < 24; i++)
    if (!g_ascii_isalnum (copy[i]) && copy[i] != '+' && copy[i] != '/' && copy[i] != '=')
      return FALSE;
  return g_base64_decode_step (copy, 24, decoded, &state, &save) == 16;
}

static char *
websocket_accept (const SioHttpSpan *key)
{
  g_autoptr(GChecksum) sha1 = g_checksum_new (G_CHECKSUM_SHA1);
  guint8 digest[20];
  gsize digest_len = sizeof digest;

  g_checksum_update (sha1, (const guchar *) key->start, key->len);
  g_checksum_update (sha1, (const guchar *) WEBSOCKET_GUID, -1);
  g_checksum_get_digest (sha1, digest, &digest_len);
  return g_base64_encode (digest, digest_len);
}

static gboolean
drop_bytes (GSocket *gsocket,
            gsize    len)
{
  char buf[SIO_HTTP_HEAD_MAX_SIZE];
  gssize n;

  g_assert (len <= sizeof buf);
  n = g_socket_receive_with_blocking (gsocket, buf, len, FALSE, NULL, NULL);
  return n == (gssize) len;
}

/* A direct WebSocket handshake (no sid) answered from the request head alone, as libsoup's path
 * would answer it: 101, then the open packet. Anything this does not recognize as plainly
 * acceptable (another method or path, a probe with a sid, an allow-request function to ask, a
 * session cap reached, an odd header) returns FALSE and takes the libsoup path, which accepts
 * or refuses it with the usual answers. Called by SioHttpListener with the head only peeked at:
 * taking the connection means dropping those bytes first. */
static gboolean
fast_upgrade (gpointer           user_data,
              GSocket           *gsocket,
              GSocketAddress    *remote,
              const SioHttpHead *head)
{
  SioEngineServer *self = user_data;
  g_autofree char *target = NULL;
  g_autoptr(GHashTable) query = NULL;
  g_autoptr(SioEngineSocket) socket = NULL;
  g_autoptr(SioEnginePacket) open = NULL;
  g_autoptr(GIOStream) stream = NULL;
  g_autofree char *accept = NULL;
  g_autofree char *response = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *address = NULL;
  const SioHttpSpan *upgrade = _sio_http_head_lookup (head, "Upgrade");
  const SioHttpSpan *connection = _sio_http_head_lookup (head, "Connection");
  const SioHttpSpan *version = _sio_http_head_lookup (head, "Sec-WebSocket-Version");
  const SioHttpSpan *key = _sio_http_head_lookup (head, "Sec-WebSocket-Key");
  const char *eio;
  char *question;
  gssize sent;
  int protocol;

  if (!_sio_http_span_equal (head->method, "GET") || self->allow_request != NULL ||
      self->allow_request_async != NULL || !(self->transports & SIO_ENGINE_TRANSPORT_WEBSOCKET))
    return FALSE;
  if (upgrade == NULL || !_sio_http_span_equal (*upgrade, "websocket") || connection == NULL ||
      !_sio_http_span_has_token (*connection, "upgrade") || version == NULL ||
      !_sio_http_span_equal (*version, "13") || !valid_websocket_key (key))
    return FALSE;

  target = g_strndup (head->target.start, head->target.len);
  question = strchr (target, '?');
  if (question == NULL)
    return FALSE;
  *question = '\0';
  if (!path_matches (self, target) ||
      _sio_engine_query_param_has_nul (question + 1, "transport") ||
      _sio_engine_query_param_has_nul (question + 1, "EIO") ||
      _sio_engine_query_param_has_nul (question + 1, "sid"))
    return FALSE;
  query = g_uri_parse_params (question + 1, -1, "&", G_URI_PARAMS_WWW_FORM, NULL);
  if (query == NULL || g_hash_table_contains (query, "sid") ||
      parse_transport (g_hash_table_lookup (query, "transport")) != SIO_ENGINE_TRANSPORT_WEBSOCKET)
    return FALSE;
  eio = g_hash_table_lookup (query, "EIO");
  if (g_strcmp0 (eio, "4") == 0)
    protocol = 4;
  else if (g_strcmp0 (eio, "3") == 0 && self->allow_eio3)
    protocol = 3;
  else
    return FALSE;

  address = address_key (self, remote);
  if (address != NULL &&
      _sio_address_counts_get (self->sessions_per_address, address) >= self->max_sessions_per_address)
    return FALSE;

  /* The connection is ours from here: drop the head, which was only peeked at. A fresh
   * socket's send buffer takes the whole answer; if it somehow does not, the connection is
   * closed rather than half-answered. */
  if (!drop_bytes (gsocket, head->length))
    {
      g_socket_close (gsocket, NULL);
      return TRUE;
    }
  accept = websocket_accept (key);
  response = g_strdup_printf ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                              "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n", accept);
  sent = g_socket_send_with_blocking (gsocket, response, strlen (response), FALSE, NULL, NULL);
  if (sent != (gssize) strlen (response))
    {
      g_socket_close (gsocket, NULL);
      return TRUE;
    }

  socket = _sio_engine_socket_new_for_head (self, &self->context, protocol, head, remote, query);
  stream = G_IO_STREAM (g_socket_connection_factory_create_connection (gsocket));
  _sio_engine_socket_attach_websocket (socket, stream, gsocket);
  payload = _sio_engine_socket_open_payload (socket, self->ping_interval, self->ping_timeout, FALSE);
  open = sio_engine_packet_new (SIO_ENGINE_PACKET_OPEN, payload, -1);
  sio_engine_socket_send (socket, open);
  register_socket (self, g_steal_pointer (&socket));
  return TRUE;
}

/* ---- GObject ---------------------------------------------------------------------------- */

static void
sio_engine_server_dispose (GObject *object)
{
  SioEngineServer *self = (SioEngineServer *) object;

  sio_engine_server_close_all (self);
  sio_engine_server_detach (self);

  G_OBJECT_CLASS (sio_engine_server_parent_class)->dispose (object);
}

static void
sio_engine_server_finalize (GObject *object)
{
  SioEngineServer *self = (SioEngineServer *) object;

  g_clear_pointer (&self->sockets, g_hash_table_unref);
  g_clear_pointer (&self->context.ping_interval, _sio_deadline_queue_free);
  g_clear_pointer (&self->context.ping_timeout, _sio_deadline_queue_free);
  g_clear_pointer (&self->context.upgrade_timeout, _sio_deadline_queue_free);
  g_clear_pointer (&self->sessions_per_address, g_hash_table_unref);
  g_clear_pointer (&self->context.v3_heartbeat, _sio_deadline_queue_free);
  g_clear_pointer (&self->context.hub, _sio_io_hub_unref);
  g_clear_pointer (&self->cors_origins, g_strfreev);
  g_clear_pointer (&self->path, g_free);
  if (self->allow_request_destroy)
    self->allow_request_destroy (self->allow_request_data);

  G_OBJECT_CLASS (sio_engine_server_parent_class)->finalize (object);
}

static void
sio_engine_server_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  SioEngineServer *self = SIO_ENGINE_SERVER (object);

  switch (prop_id)
    {
    case PROP_PING_INTERVAL:
      g_value_set_uint (value, self->ping_interval);
      break;

    case PROP_PING_TIMEOUT:
      g_value_set_uint (value, self->ping_timeout);
      break;

    case PROP_MAX_PAYLOAD:
      g_value_set_uint64 (value, self->context.max_payload);
      break;

    case PROP_TRANSPORTS:
      g_value_set_flags (value, self->transports);
      break;

    case PROP_ALLOW_UPGRADES:
      g_value_set_boolean (value, self->allow_upgrades);
      break;

    case PROP_CORS_ORIGINS:
      g_value_set_boxed (value, self->cors_origins);
      break;

    case PROP_ALLOW_EIO3:
      g_value_set_boolean (value, self->allow_eio3);
      break;

    case PROP_MAX_SESSIONS_PER_ADDRESS:
      g_value_set_uint (value, self->max_sessions_per_address);
      break;

    case PROP_LIMIT_LOOPBACK:
      g_value_set_boolean (value, self->limit_loopback);
      break;

    case PROP_MAX_PACKET_RATE:
      g_value_set_uint (value, self->context.max_packet_rate);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sio_engine_server_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  SioEngineServer *self = SIO_ENGINE_SERVER (object);

  switch (prop_id)
    {
    case PROP_PING_INTERVAL:
      sio_engine_server_set_ping_interval (self, g_value_get_uint (value));
      break;

    case PROP_PING_TIMEOUT:
      sio_engine_server_set_ping_timeout (self, g_value_get_uint (value));
      break;

    case PROP_MAX_PAYLOAD:
      sio_engine_server_set_max_payload (self, g_value_get_uint64 (value));
      break;

    case PROP_TRANSPORTS:
      sio_engine_server_set_transports (self, g_value_get_flags (value));
      break;

    case PROP_ALLOW_UPGRADES:
      sio_engine_server_set_allow_upgrades (self, g_value_get_boolean (value));
      break;

    case PROP_CORS_ORIGINS:
      sio_engine_server_set_cors_origins (self, g_value_get_boxed (value));
      break;

    case PROP_ALLOW_EIO3:
      sio_engine_server_set_allow_eio3 (self, g_value_get_boolean (value));
      break;

    case PROP_MAX_SESSIONS_PER_ADDRESS:
      sio_engine_server_set_max_sessions_per_address (self, g_value_get_uint (value));
      break;

    case PROP_LIMIT_LOOPBACK:
      sio_engine_server_set_limit_loopback (self, g_value_get_boolean (value));
      break;

    case PROP_MAX_PACKET_RATE:
      sio_engine_server_set_max_packet_rate (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sio_engine_server_class_init (SioEngineServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sio_engine_server_dispose;
  object_class->finalize = sio_engine_server_finalize;
  object_class->get_property = sio_engine_server_get_property;
  object_class->set_property = sio_engine_server_set_property;

  properties[PROP_PING_INTERVAL] =
    g_param_spec_uint ("ping-interval", NULL, NULL, 1, G_MAXINT, DEFAULT_PING_INTERVAL,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PING_TIMEOUT] =
    g_param_spec_uint ("ping-timeout", NULL, NULL, 1, G_MAXINT, DEFAULT_PING_TIMEOUT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_PAYLOAD] =
    g_param_spec_uint64 ("max-payload", NULL, NULL, 1, G_MAXUINT32, DEFAULT_MAX_PAYLOAD,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TRANSPORTS] =
    g_param_spec_flags ("transports", NULL, NULL, SIO_TYPE_ENGINE_TRANSPORTS,
                        SIO_ENGINE_TRANSPORT_POLLING | SIO_ENGINE_TRANSPORT_WEBSOCKET,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ALLOW_UPGRADES] =
    g_param_spec_boolean ("allow-upgrades", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CORS_ORIGINS] =
    g_param_spec_boxed ("cors-origins", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_ALLOW_EIO3] =
    g_param_spec_boolean ("allow-eio3", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * SioEngineServer:max-sessions-per-address:
   *
   * Open sessions one IP address may have; a handshake over it is refused (403, code 4).
   * 0, the default as in the reference: no cap. Loopback addresses count only with
   * #SioEngineServer:limit-loopback. Sessions, not connections: polling sessions hold no
   * connection between requests, so the HTTP listener's caps cannot see them.
   */
  properties[PROP_MAX_SESSIONS_PER_ADDRESS] =
    g_param_spec_uint ("max-sessions-per-address", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LIMIT_LOOPBACK] =
    g_param_spec_boolean ("limit-loopback", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * SioEngineServer:max-packet-rate:
   *
   * Packets per second a session may send, in bursts of up to one second's worth; one more
   * closes it as a transport error. 0, the default as in the reference: no limit.
   */
  properties[PROP_MAX_PACKET_RATE] =
    g_param_spec_uint ("max-packet-rate", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SioEngineServer::connection:
   * @self: the server
   * @socket: the new session
   *
   * Emitted for every new session, before any of its messages.
   */
  signals[CONNECTION] =
    g_signal_new ("connection",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, SIO_TYPE_ENGINE_SOCKET);
}

static void
sio_engine_server_init (SioEngineServer *self)
{
  self->ping_interval = DEFAULT_PING_INTERVAL;
  self->ping_timeout = DEFAULT_PING_TIMEOUT;
  self->transports = SIO_ENGINE_TRANSPORT_POLLING | SIO_ENGINE_TRANSPORT_WEBSOCKET;
  self->allow_upgrades = TRUE;
  self->sockets = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  self->sessions_per_address = _sio_address_counts_new ();

  self->context.hub = _sio_io_hub_new ();
  self->context.max_payload = DEFAULT_MAX_PAYLOAD;
  self->context.max_queued = DEFAULT_MAX_QUEUED;
  self->context.ping_interval = _sio_deadline_queue_new (self->ping_interval, _sio_engine_socket_ping_due, NULL);
  self->context.ping_timeout = _sio_deadline_queue_new (self->ping_timeout, _sio_engine_socket_pong_overdue, NULL);
  self->context.v3_heartbeat = _sio_deadline_queue_new (self->ping_interval + self->ping_timeout,
                                                        _sio_engine_socket_pong_overdue, NULL);
  self->context.upgrade_timeout = _sio_deadline_queue_new (DEFAULT_UPGRADE_TIMEOUT,
                                                           _sio_engine_socket_upgrade_overdue, NULL);
}

/* ---- Public API ------------------------------------------------------------------------- */

/**
 * sio_engine_server_new:
 *
 * Returns: (transfer full): a new engine server with the reference's defaults
 */
SioEngineServer *
sio_engine_server_new (void)
{
  return g_object_new (SIO_TYPE_ENGINE_SERVER, NULL);
}

/**
 * sio_engine_server_attach:
 * @self: an engine server
 * @server: the `SoupServer` to serve on
 * @path: the endpoint, such as "/socket.io/" or "/engine.io/"
 * @error: return location for an error
 *
 * Registers the Engine.IO endpoint on @server. Handlers for longer paths under @path (the
 * browser bundle, say) may be added to @server alongside.
 *
 * Returns: %TRUE on success
 */
gboolean
sio_engine_server_attach (SioEngineServer  *self,
                          SoupServer       *server,
                          const char       *path,
                          GError          **error)
{
  g_autofree char *trimmed = NULL;

  g_return_val_if_fail (SIO_IS_ENGINE_SERVER (self), FALSE);
  g_return_val_if_fail (SOUP_IS_SERVER (server), FALSE);
  g_return_val_if_fail (path != NULL && path[0] == '/', FALSE);

  if (self->soup != NULL)
    {
      g_set_error_literal (error, SIO_ERROR, SIO_ERROR_FAILED, "Engine server is already attached");
      return FALSE;
    }

  trimmed = g_strdup (path);
  while (strlen (trimmed) > 1 && g_str_has_suffix (trimmed, "/"))
    trimmed[strlen (trimmed) - 1] = '\0';

  self->soup = g_object_ref (server);
  self->path = g_steal_pointer (&trimmed);
  soup_server_add_early_handler (server, self->path, early_callback, self, NULL);
  soup_server_add_handler (server, self->path, server_callback, self, NULL);
  _sio_http_set_upgrade_func (server, fast_upgrade, self);
  return TRUE;
}

/**
 * sio_engine_server_detach:
 * @self: an engine server
 *
 * Removes the handlers added by sio_engine_server_attach(). Sessions stay open.
 */
void
sio_engine_server_detach (SioEngineServer *self)
{
  g_return_if_fail (SIO_IS_ENGINE_SERVER (self));

  if (self->soup == NULL)
    return;

  soup_server_remove_handler (self->soup, self->path);
  _sio_http_set_upgrade_func (self->soup, NULL, self);
  g_clear_object (&self->soup);
  g_clear_pointer (&self->path, g_free);
}

/**
 * sio_engine_server_close_all:
 * @self: an engine server
 *
 * Closes every session ("forced close").
 */
void
sio_engine_server_close_all (SioEngineServer *self)
{
  g_autoptr(GPtrArray) sockets = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (SIO_IS_ENGINE_SERVER (self));

  /* A snapshot: closing removes sockets from the table. */
  g_hash_table_iter_init (&iter, self->sockets);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (sockets, g_object_ref (value));

  for (guint i = 0; i < sockets->len; i++)
    _sio_engine_socket_finish_close (g_ptr_array_index (sockets, i), SIO_ENGINE_CLOSE_FORCED,
                                     "server shutting down");
}

/**
 * sio_engine_server_get_n_sockets:
 * @self: an engine server
 *
 * Returns: how many sessions are open
 */
guint
sio_engine_server_get_n_sockets (SioEngineServer *self)
{
  g_return_val_if_fail (SIO_IS_ENGINE_SERVER (self), 0);

  return g_hash_table_size (self->sockets);
}

/**
 * sio_engine_server_lookup:
 * @self: an engine server
 * @sid: a session id
 *
 * Returns: (transfer none) (nullable): the session
 */
SioEngineSocket *
sio_engine_server_lookup (SioEngineServer *self,
                          const char      *sid)
{
  g_return_val_if_fail (SIO_IS_ENGINE_SERVER (self), NULL);
  g_return_val_if_fail (sid != NULL, NULL);

  return g_hash_table_lookup (self->sockets, sid);
}

guint
sio_engine_server_get_ping_interval (SioEngineServer *self)
{
  g_return_val_if_fail (SIO_IS_ENGINE_SERVER (self), 0);

  return self->ping_interval;
}

/**
 * sio_engine_server_set_ping_interval:
 * @self: an engine server
 * @msec: milliseconds between the server's pings
 */
void
sio_engine_server_set_ping_interval (SioEngineServer *self,
                                     guint            msec)
{
  g_return_if_fail (SIO_IS_ENGINE_SERVER (self));
  g_return_if_fail (msec > 0);

  if (self->ping_interval == msec)
    return;

  self->ping_interval = msec;
  _sio_deadline_queue_set_delay (self->context.ping_interval, msec);
  _sio_deadline_queue_set_delay (self->context.v3_heartbeat, self->ping_interval + self->ping_timeout);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PING_INTERVAL]);
}

guint
sio_engine_server_get_ping_timeout (SioEngineServer *self)
{
  g_return_val_if_fail (SIO_IS_ENGINE_SERVER (self), 0);

  return self->ping_timeout;
}

/**
 * sio_engine_server_set_ping_timeout:
 * @self: an engine server
 * @msec: how long a pong may take before the session closes
 */
void
sio_engine_server_set_ping_timeout (SioEngineServer *self,
                                    guint            msec)
{
  g_return_if_fail (SIO_IS_ENGINE_SERVER (self));
  g_return_if_fail (msec > 0);

  if (self->ping_timeout == msec)
    return;

  self->ping_timeout = msec;
  _sio_deadline_queue_set_delay (self->context.ping_timeout, msec);
  _sio_deadline_queue_set_delay (self->context.v3_heartbeat, self->ping_interval + self->ping_timeout);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PING_TIMEOUT]);
}

gsize
sio_engine_server_get_max_payload (SioEngineServer *self)
{
  g_return_val_if_fail (SIO_IS_ENGINE_SERVER (self), 0);

  return self->context.max_payload;
}

/**
 * sio_engine_server_set_max_payload:
 * @self: an engine server
 * @max_payload: the largest POST body or WebSocket message accepted, in bytes
 */
void
sio_engine_server_set_max_payload (SioEngineServer *self,
                                   gsize            max_payload)
{
  g_return_if_fail (SIO_IS_ENGINE_SERVER (self));
  g_return_if_fail (max_payload > 0);

  if (self->context.max_payload == max_payload)
    return;

  self->context.max_payload = max_payload;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_PAYLOAD]);
}

SioEngineTransports
sio_engine_server_get_transports (SioEngineServer *self)
{
  g_return_val_if_fail (SIO_IS_ENGINE_SERVER (self), 0);

  return self->transports;
}

/**
 * sio_engine_server_set_transports:
 * @self: an engine server
 * @transports: the transports clients may use
 */
void
sio_engine_server_set_transports (SioEngineServer     *self,
                                  SioEngineTransports  transports)
{
  g_return_if_fail (SIO_IS_ENGINE_SERVER (self));

  if (self->transports == transports)
    return;

  self->transports = transports;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRANSPORTS]);
}

gboolean
sio_engine_server_get_allow_upgrades (SioEngineServer *self)
{
  g_return_val_if_fail (SIO_IS_ENGINE_SERVER (self), FALSE);

  return self->allow_upgrades;
}

/**
 * sio_engine_server_set_allow_upgrades:
 * @self: an engine server
 * @allow_upgrades: whether polling sessions may upgrade to WebSocket
 */
void
sio_engine_server_set_allow_upgrades (SioEngineServer *self,
                                      gboolean         allow_upgrades)
{
  g_return_if_fail (SIO_IS_ENGINE_SERVER (self));

  allow_upgrades = !!allow_upgrades;
  if (self->allow_upgrades == allow_upgrades)
    return;

  self->allow_upgrades = allow_upgrades;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ALLOW_UPGRADES]);
}

gboolean
sio_engine_server_get_allow_eio3 (SioEngineServer *self)
{
  g_return_val_if_fail (SIO_IS_ENGINE_SERVER (self), FALSE);

  return self->allow_eio3;
}

/**
 * sio_engine_server_set_allow_eio3:
 * @self: an engine server
 * @allow_eio3: whether Engine.IO v3 clients (socket.io 2.x) may connect
 */
void
sio_engine_server_set_allow_eio3 (SioEngineServer *self,
                                  gboolean         allow_eio3)
{
  g_return_if_fail (SIO_IS_ENGINE_SERVER (self));

  allow_eio3 = !!allow_eio3;
  if (self->allow_eio3 == allow_eio3)
    return;

  self->allow_eio3 = allow_eio3;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ALLOW_EIO3]);
}

/**
 * sio_engine_server_get_cors_origins:
 * @self: an engine server
 *
 * Returns: (transfer none) (nullable): the origins allowed cross-origin access
 */
const char * const *
sio_engine_server_get_cors_origins (SioEngineServer *self)
{
  g_return_val_if_fail (SIO_IS_ENGINE_SERVER (self), NULL);

  return (const char * const *) self->cors_origins;
}

/**
 * sio_engine_server_set_cors_origins:
 * @self: an engine server
 * @origins: (nullable) (array zero-terminated=1): allowed origins, "*" for any; %NULL for none
 *
 * Without origins, no CORS headers are sent and only same-origin pages can poll.
 */
void
sio_engine_server_set_cors_origins (SioEngineServer    *self,
                                    const char * const *origins)
{
  g_return_if_fail (SIO_IS_ENGINE_SERVER (self));

  g_clear_pointer (&self->cors_origins, g_strfreev);
  self->cors_origins = g_strdupv ((char **) origins);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CORS_ORIGINS]);
}

/**
 * sio_engine_server_set_allow_request_func:
 * @self: an engine server
 * @func: (nullable): decides on each handshake
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data
 *
 * Installs a check run on every handshake before a session is created.
 */
void
sio_engine_server_set_allow_request_func (SioEngineServer           *self,
                                          SioEngineAllowRequestFunc  func,
                                          gpointer                   user_data,
                                          GDestroyNotify             destroy)
{
  g_return_if_fail (SIO_IS_ENGINE_SERVER (self));

  if (self->allow_request_destroy)
    self->allow_request_destroy (self->allow_request_data);

  self->allow_request = func;
  self->allow_request_async = NULL;
  self->allow_request_data = user_data;
  self->allow_request_destroy = destroy;
}

/**
 * sio_engine_server_set_allow_request_async_func:
 * @self: an engine server
 * @func: (nullable): decides on each handshake, now or later
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data
 *
 * Like sio_engine_server_set_allow_request_func(), for checks that cannot answer at once
 * (the reference's asynchronous `allowRequest`): @func gets a #SioEngineRequest and must
 * eventually call sio_engine_request_allow() or sio_engine_request_refuse() on it.
 */
void
sio_engine_server_set_allow_request_async_func (SioEngineServer                *self,
                                                SioEngineAllowRequestAsyncFunc  func,
                                                gpointer                        user_data,
                                                GDestroyNotify                  destroy)
{
  g_return_if_fail (SIO_IS_ENGINE_SERVER (self));

  if (self->allow_request_destroy)
    self->allow_request_destroy (self->allow_request_data);

  self->allow_request = NULL;
  self->allow_request_async = func;
  self->allow_request_data = user_data;
  self->allow_request_destroy = destroy;
}

guint
sio_engine_server_get_max_sessions_per_address (SioEngineServer *self)
{
  g_return_val_if_fail (SIO_IS_ENGINE_SERVER (self), 0);

  return self->max_sessions_per_address;
}

/* Sessions open when the cap is set (or limit-loopback changes) are not counted. */
void
sio_engine_server_set_max_sessions_per_address (SioEngineServer *self,
                                                guint            max_sessions)
{
  g_return_if_fail (SIO_IS_ENGINE_SERVER (self));

  if (self->max_sessions_per_address == max_sessions)
    return;
  self->max_sessions_per_address = max_sessions;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_SESSIONS_PER_ADDRESS]);
}

gboolean
sio_engine_server_get_limit_loopback (SioEngineServer *self)
{
  g_return_val_if_fail (SIO_IS_ENGINE_SERVER (self), FALSE);

  return self->limit_loopback;
}

void
sio_engine_server_set_limit_loopback (SioEngineServer *self,
                                      gboolean         limit_loopback)
{
  g_return_if_fail (SIO_IS_ENGINE_SERVER (self));

  limit_loopback = !!limit_loopback;
  if (self->limit_loopback == limit_loopback)
    return;
  self->limit_loopback = limit_loopback;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LIMIT_LOOPBACK]);
}

guint
sio_engine_server_get_max_packet_rate (SioEngineServer *self)
{
  g_return_val_if_fail (SIO_IS_ENGINE_SERVER (self), 0);

  return self->context.max_packet_rate;
}

/* Sessions already open keep the rate they started with. */
void
sio_engine_server_set_max_packet_rate (SioEngineServer *self,
                                       guint            packets_per_second)
{
  g_return_if_fail (SIO_IS_ENGINE_SERVER (self));

  if (self->context.max_packet_rate == packets_per_second)
    return;
  self->context.max_packet_rate = packets_per_second;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_PACKET_RATE]);
}
