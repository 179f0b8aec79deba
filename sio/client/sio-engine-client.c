/* sio-engine-client.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SioEngineClient:
 *
 * The client end of one Engine.IO v4 session, as engine.io-client 6.6's `Socket` is.
 *
 * It opens the session over HTTP long-polling (the default) or directly over WebSocket,
 * depending on [property@EngineClient:transports], and upgrades a polling session to WebSocket
 * when the server offers it and [property@EngineClient:upgrade] allows: a probe WebSocket
 * sends "2probe", and once "3probe" came back the polling transport is paused (the running
 * poll and POST finish), "5" is sent over the WebSocket and writing goes on there.
 *
 * The server pings every `pingInterval` ms; the client answers each "2" with "3". When no ping
 * arrives within `pingInterval + pingTimeout`, the server is considered gone and the session
 * closes with "ping timeout" (protocol, "Heartbeat"). Packets written while the transport is
 * busy wait in a buffer; over polling they leave in POSTs of at most the server's
 * `maxPayload` bytes.
 *
 * Every session ends with exactly one [signal@EngineClient::close], with the reason as
 * engine.io-client words it: "transport close" (the server closed it), "transport error" (with
 * a #GError saying what failed, including bad input from the server), "ping timeout" or
 * "forced close" ([method@EngineClient.close]). A session that could not be opened ends the
 * same way, without [signal@EngineClient::open] first. A client is opened once; reconnecting
 * means a new client, which is what [class@Manager] does.
 *
 * [method@EngineClient.close] flushes what is buffered and ends the session cleanly (a CLOSE
 * packet over polling, a closing handshake over WebSocket) even if the last reference is
 * dropped right after it.
 */

#include "config.h"

#include "sio-client-private.h"

#include "sio-client-transport-private.h"
#include "sio-enums.h"
#include "sio-json.h"

#include <string.h>

#define DEFAULT_PATH "/engine.io/"

typedef enum
{
  STATE_NEW,
  STATE_OPENING,
  STATE_OPEN,
  STATE_CLOSING,
  STATE_CLOSED,
} EngineState;

struct _SioEngineClient
{
  GObject              parent_instance;

  /* configuration */
  char                *uri;
  SoupSession         *session;
  SioEngineTransports  transports;
  gboolean             upgrade;
  guint64              max_incoming;
  GString             *query;            /* encoded "name=value&..." from the URI and the caller */
  GPtrArray           *headers;          /* name, value, name, value, ... */

  /* session */
  EngineState          state;
  char                *sid;
  guint                ping_interval;
  guint                ping_timeout;
  gsize                max_payload;
  gboolean             server_upgrades_ws;
  GUri                *endpoint;
  SioClientTransport  *transport;
  SioClientTransport  *probe;
  gboolean             probe_answered;
  gboolean             upgrading;
  GPtrArray           *write_buffer;     /* SioEnginePacket *, oldest first */
  guint                prev_buffer_len;  /* how many of them the transport is sending */
  guint                ping_timer_id;
  gint64               ping_deadline;    /* monotonic µs, 0 when none */
  guint                idle_id;          /* a deferred open failure or ping-expiry close */
  GError              *deferred_error;
  gboolean             close_pending;    /* close() waits for a drain or an upgrade */
  gboolean             holds_self;       /* a reference taken by close() until closed */
};

enum {
  PROP_0,
  PROP_URI,
  PROP_SESSION,
  PROP_TRANSPORTS,
  PROP_UPGRADE,
  PROP_MAX_INCOMING_PAYLOAD,
  PROP_SID,
  PROP_TRANSPORT,
  N_PROPS
};

enum {
  OPEN,
  MESSAGE,
  PING,
  UPGRADE,
  UPGRADE_ERROR,
  CLOSE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];
static guint n_alive;

G_DEFINE_FINAL_TYPE (SioEngineClient, sio_engine_client, G_TYPE_OBJECT)

static void flush (SioEngineClient *self);
static void on_close (SioEngineClient *self,
                      const char      *reason,
                      const GError    *error);

/* ---- GObject ---------------------------------------------------------------------------- */

static void
drop_transport (SioEngineClient     *self,
                SioClientTransport **transport,
                gboolean             close)
{
  if (*transport == NULL)
    return;

  g_signal_handlers_disconnect_by_data (*transport, self);
  if (close)
    _sio_client_transport_close (*transport);
  g_clear_object (transport);
}

static void
sio_engine_client_dispose (GObject *object)
{
  SioEngineClient *self = SIO_ENGINE_CLIENT (object);

  g_clear_handle_id (&self->ping_timer_id, g_source_remove);
  g_clear_handle_id (&self->idle_id, g_source_remove);
  /* A transport closes cleanly on its own even after we are gone. */
  drop_transport (self, &self->probe, TRUE);
  drop_transport (self, &self->transport, TRUE);
  if (self->state != STATE_NEW)
    self->state = STATE_CLOSED;
  g_clear_object (&self->session);

  G_OBJECT_CLASS (sio_engine_client_parent_class)->dispose (object);
}

static void
sio_engine_client_finalize (GObject *object)
{
  SioEngineClient *self = SIO_ENGINE_CLIENT (object);

  g_clear_pointer (&self->uri, g_free);
  g_clear_pointer (&self->sid, g_free);
  g_clear_pointer (&self->endpoint, g_uri_unref);
  g_clear_pointer (&self->write_buffer, g_ptr_array_unref);
  g_clear_pointer (&self->headers, g_ptr_array_unref);
  g_clear_error (&self->deferred_error);
  g_string_free (self->query, TRUE);
  n_alive--;

  G_OBJECT_CLASS (sio_engine_client_parent_class)->finalize (object);
}

static void
sio_engine_client_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  SioEngineClient *self = SIO_ENGINE_CLIENT (object);

  switch (prop_id)
    {
    case PROP_URI:
      g_value_set_string (value, self->uri);
      break;

    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;

    case PROP_TRANSPORTS:
      g_value_set_flags (value, self->transports);
      break;

    case PROP_UPGRADE:
      g_value_set_boolean (value, self->upgrade);
      break;

    case PROP_MAX_INCOMING_PAYLOAD:
      g_value_set_uint64 (value, self->max_incoming);
      break;

    case PROP_SID:
      g_value_set_string (value, self->sid);
      break;

    case PROP_TRANSPORT:
      g_value_set_flags (value, sio_engine_client_get_transport (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sio_engine_client_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  SioEngineClient *self = SIO_ENGINE_CLIENT (object);

  switch (prop_id)
    {
    case PROP_URI:
      self->uri = g_value_dup_string (value);
      break;

    case PROP_SESSION:
      self->session = g_value_dup_object (value);
      break;

    case PROP_TRANSPORTS:
      sio_engine_client_set_transports (self, g_value_get_flags (value));
      break;

    case PROP_UPGRADE:
      sio_engine_client_set_upgrade (self, g_value_get_boolean (value));
      break;

    case PROP_MAX_INCOMING_PAYLOAD:
      sio_engine_client_set_max_incoming_payload (self, g_value_get_uint64 (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* Splits the URI into the endpoint (http or https, path with a trailing slash, as
 * engine.io-client's addTrailingSlash) and the query it already carries. An unusable URI
 * leaves the endpoint NULL; open() reports it. */
static void
sio_engine_client_constructed (GObject *object)
{
  SioEngineClient *self = SIO_ENGINE_CLIENT (object);
  g_autoptr(GUri) parsed = NULL;
  g_autofree char *path = NULL;
  const char *scheme;

  G_OBJECT_CLASS (sio_engine_client_parent_class)->constructed (object);

  /* Enough connections for a long poll, a POST and a probe WebSocket at once: libsoup's
   * default of 2 per host would hold the probe until the poll returns. */
  if (self->session == NULL)
    self->session = soup_session_new_with_options ("max-conns-per-host", 8, NULL);

  if (self->uri == NULL)
    return;

  parsed = g_uri_parse (self->uri, G_URI_FLAGS_ENCODED, NULL);
  if (parsed == NULL || g_uri_get_host (parsed) == NULL || g_uri_get_host (parsed)[0] == '\0')
    return;

  scheme = g_uri_get_scheme (parsed);
  if (g_ascii_strcasecmp (scheme, "http") == 0 || g_ascii_strcasecmp (scheme, "ws") == 0)
    scheme = "http";
  else if (g_ascii_strcasecmp (scheme, "https") == 0 || g_ascii_strcasecmp (scheme, "wss") == 0)
    scheme = "https";
  else
    return;

  if (g_uri_get_path (parsed)[0] == '\0' || strcmp (g_uri_get_path (parsed), "/") == 0)
    path = g_strdup (DEFAULT_PATH);
  else if (g_str_has_suffix (g_uri_get_path (parsed), "/"))
    path = g_strdup (g_uri_get_path (parsed));
  else
    path = g_strconcat (g_uri_get_path (parsed), "/", NULL);

  self->endpoint = g_uri_build (G_URI_FLAGS_ENCODED, scheme, NULL, g_uri_get_host (parsed),
                                g_uri_get_port (parsed), path, NULL, NULL);

  if (g_uri_get_query (parsed) != NULL && g_uri_get_query (parsed)[0] != '\0')
    g_string_append (self->query, g_uri_get_query (parsed));
}

static void
sio_engine_client_class_init (SioEngineClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = sio_engine_client_constructed;
  object_class->dispose = sio_engine_client_dispose;
  object_class->finalize = sio_engine_client_finalize;
  object_class->get_property = sio_engine_client_get_property;
  object_class->set_property = sio_engine_client_set_property;

  /**
   * SioEngineClient:uri:
   *
   * The server: `http://host:port/path/?query` (`ws:` and `wss:` work too). An empty path
   * means `/engine.io/`, the reference's default.
   */
  properties[PROP_URI] =
    g_param_spec_string ("uri", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * SioEngineClient:session:
   *
   * The libsoup session the requests go through. One with a `max-conns-per-host` of at least
   * 3 is needed to upgrade; the default session has 8.
   */
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, SOUP_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * SioEngineClient:transports:
   *
   * The transports the client may use: the session opens over polling when allowed and over
   * WebSocket otherwise.
   */
  properties[PROP_TRANSPORTS] =
    g_param_spec_flags ("transports", NULL, NULL, SIO_TYPE_ENGINE_TRANSPORTS,
                        SIO_ENGINE_TRANSPORT_POLLING | SIO_ENGINE_TRANSPORT_WEBSOCKET,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * SioEngineClient:upgrade:
   *
   * Whether a polling session tries to upgrade to WebSocket.
   */
  properties[PROP_UPGRADE] =
    g_param_spec_boolean ("upgrade", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * SioEngineClient:max-incoming-payload:
   *
   * The largest WebSocket message or polling response accepted from the server, in bytes;
   * 0 for no limit. A larger one ends the session with %SIO_ERROR_PAYLOAD_TOO_LARGE.
   */
  properties[PROP_MAX_INCOMING_PAYLOAD] =
    g_param_spec_uint64 ("max-incoming-payload", NULL, NULL, 0, G_MAXUINT64,
                         SIO_ENGINE_CLIENT_DEFAULT_MAX_INCOMING,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * SioEngineClient:sid:
   *
   * The session id the server gave, while open.
   */
  properties[PROP_SID] =
    g_param_spec_string ("sid", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * SioEngineClient:transport:
   *
   * The transport in use, or 0 when none.
   */
  properties[PROP_TRANSPORT] =
    g_param_spec_flags ("transport", NULL, NULL, SIO_TYPE_ENGINE_TRANSPORTS, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SioEngineClient::open:
   * @self: the client
   *
   * Emitted once the server accepted the handshake.
   */
  signals[OPEN] =
    g_signal_new ("open", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * SioEngineClient::message:
   * @self: the client
   * @packet: a MESSAGE packet, text or binary
   *
   * Emitted for every message from the server.
   */
  signals[MESSAGE] =
    g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  SIO_TYPE_ENGINE_PACKET | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * SioEngineClient::ping:
   * @self: the client
   *
   * Emitted for every ping of the server, after the pong was queued.
   */
  signals[PING] =
    g_signal_new ("ping", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * SioEngineClient::upgrade:
   * @self: the client
   * @transport: the new transport
   *
   * Emitted when the session moved to another transport.
   */
  signals[UPGRADE] =
    g_signal_new ("upgrade", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, SIO_TYPE_ENGINE_TRANSPORTS);

  /**
   * SioEngineClient::upgrade-error:
   * @self: the client
   * @error: why the probe failed
   *
   * Emitted when an upgrade probe failed; the session goes on over polling.
   */
  signals[UPGRADE_ERROR] =
    g_signal_new ("upgrade-error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * SioEngineClient::close:
   * @self: the client
   * @reason: "transport close", "transport error", "ping timeout" or "forced close"
   * @error: (nullable): what failed, for "transport error" and "ping timeout"
   *
   * Emitted once when the session ended, or could not be opened.
   */
  signals[CLOSE] =
    g_signal_new ("close", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING,
                  G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
sio_engine_client_init (SioEngineClient *self)
{
  self->transports = SIO_ENGINE_TRANSPORT_POLLING | SIO_ENGINE_TRANSPORT_WEBSOCKET;
  self->upgrade = TRUE;
  self->max_incoming = SIO_ENGINE_CLIENT_DEFAULT_MAX_INCOMING;
  self->query = g_string_new (NULL);
  self->headers = g_ptr_array_new_with_free_func (g_free);
  self->write_buffer = g_ptr_array_new_with_free_func ((GDestroyNotify) sio_engine_packet_unref);
  n_alive++;
}

guint
_sio_engine_client_get_n_alive (void)
{
  return n_alive;
}

/* ---- Transports ------------------------------------------------------------------------- */

static SioClientTransport *
create_transport (SioEngineClient     *self,
                  SioEngineTransports  kind)
{
  g_autoptr(GString) query = g_string_new (self->query->str);
  SioClientTransport *transport;

  /* socket.ts createTransport(): the caller's query, then EIO, transport and sid. */
  if (query->len > 0)
    g_string_append_c (query, '&');
  g_string_append_printf (query, "EIO=4&transport=%s",
                          kind == SIO_ENGINE_TRANSPORT_POLLING ? "polling" : "websocket");

  transport = _sio_client_transport_new (kind, self->session, self->endpoint, query->str,
                                         self->headers, self->max_incoming);
  if (self->sid != NULL)
    _sio_client_transport_set_sid (transport, self->sid);
  return transport;
}

static void on_transport_packet (SioClientTransport *transport,
                                 SioEnginePacket    *packet,
                                 SioEngineClient    *self);
static void on_transport_error  (SioClientTransport *transport,
                                 const GError       *error,
                                 SioEngineClient    *self);
static void on_transport_close  (SioClientTransport *transport,
                                 const char         *description,
                                 SioEngineClient    *self);
static void on_transport_drain  (SioClientTransport *transport,
                                 SioEngineClient    *self);

static void
set_transport (SioEngineClient    *self,
               SioClientTransport *transport)
{
  /* The previous transport is paused (after an upgrade) or was never used: just let go. */
  drop_transport (self, &self->transport, FALSE);

  self->transport = transport;
  g_signal_connect (transport, "packet", G_CALLBACK (on_transport_packet), self);
  g_signal_connect (transport, "error", G_CALLBACK (on_transport_error), self);
  g_signal_connect (transport, "close", G_CALLBACK (on_transport_close), self);
  g_signal_connect (transport, "drain", G_CALLBACK (on_transport_drain), self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRANSPORT]);
}

static void
send_now (SioClientTransport  *transport,
          SioEnginePacketType  type,
          const char          *data)
{
  g_autoptr(SioEnginePacket) packet = sio_engine_packet_new (type, data, -1);

  _sio_client_transport_send (transport, &packet, 1);
}

/* ---- Heartbeat -------------------------------------------------------------------------- */

static void
on_ping_timeout (gpointer user_data)
{
  SioEngineClient *self = user_data;
  G_GNUC_UNUSED g_autoptr(SioEngineClient) hold = g_object_ref (self);
  g_autoptr(GError) error = NULL;

  self->ping_timer_id = 0;
  g_set_error (&error, SIO_ERROR, SIO_ERROR_TIMEOUT,
               "The server sent no ping within %u ms (pingInterval %u + pingTimeout %u)",
               self->ping_interval + self->ping_timeout, self->ping_interval, self->ping_timeout);
  on_close (self, "ping timeout", error);
}

/* socket.ts _resetPingTimeout(): only the server's pings count, not other packets. */
static void
reset_ping_timeout (SioEngineClient *self)
{
  guint delay = self->ping_interval + self->ping_timeout;

  g_clear_handle_id (&self->ping_timer_id, g_source_remove);
  self->ping_deadline = g_get_monotonic_time () + (gint64) delay * 1000;
  self->ping_timer_id = g_timeout_add_once (delay, on_ping_timeout, self);
}

static void
on_ping_expired (gpointer user_data)
{
  SioEngineClient *self = user_data;
  G_GNUC_UNUSED g_autoptr(SioEngineClient) hold = g_object_ref (self);
  g_autoptr(GError) error = NULL;

  self->idle_id = 0;
  g_set_error_literal (&error, SIO_ERROR, SIO_ERROR_TIMEOUT,
                       "The server's ping is overdue");
  on_close (self, "ping timeout", error);
}

/* socket.ts _hasPingExpired(): a timer may fire late (a suspended machine); a caller about to
 * write checks the deadline itself, and the session is closed right after. */
gboolean
_sio_engine_client_has_ping_expired (SioEngineClient *self)
{
  g_return_val_if_fail (SIO_IS_ENGINE_CLIENT (self), TRUE);

  if (self->state != STATE_OPEN || self->ping_deadline == 0)
    return self->state != STATE_OPEN;

  if (g_get_monotonic_time () <= self->ping_deadline)
    return FALSE;

  if (self->idle_id == 0)
    self->idle_id = g_idle_add_once (on_ping_expired, self);
  return TRUE;
}

/* ---- Handshake -------------------------------------------------------------------------- */

static gboolean
get_uint_member (JsonObject  *object,
                 const char  *name,
                 gboolean     required,
                 guint64      max,
                 guint64     *out,
                 GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);
  GType type;
  double value;

  if (node == NULL && !required)
    return TRUE;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    goto invalid;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    value = (double) json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    value = json_node_get_double (node);
  else
    goto invalid;

  if (!(value >= 0) || value > (double) max)
    goto invalid;

  *out = (guint64) value;
  return TRUE;

invalid:
  g_set_error (error, SIO_ERROR, SIO_ERROR_PROTOCOL,
               "Invalid handshake from the server: \"%s\" is missing or not a valid number", name);
  return FALSE;
}

/* Reads the OPEN packet (protocol, "Handshake"): `{"sid", "upgrades", "pingInterval",
 * "pingTimeout", "maxPayload"}`. */
static gboolean
parse_handshake (SioEngineClient  *self,
                 SioEnginePacket  *packet,
                 GError          **error)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  JsonNode *node;
  const char *data;
  gsize len;
  guint64 ping_interval = 0;
  guint64 ping_timeout = 0;
  guint64 max_payload = 0;

  data = sio_engine_packet_get_data (packet, &len);
  root = sio_json_from_string (data, len, error);
  if (root == NULL)
    {
      g_prefix_error (error, "Invalid handshake from the server: ");
      return FALSE;
    }

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, SIO_ERROR, SIO_ERROR_PROTOCOL,
                           "Invalid handshake from the server: not a JSON object");
      return FALSE;
    }
  object = json_node_get_object (root);

  node = json_object_get_member (object, "sid");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING || json_node_get_string (node)[0] == '\0')
    {
      g_set_error_literal (error, SIO_ERROR, SIO_ERROR_PROTOCOL,
                           "Invalid handshake from the server: no session id");
      return FALSE;
    }

  /* Timer arithmetic adds the two, so each is kept below G_MAXINT / 2. */
  if (!get_uint_member (object, "pingInterval", TRUE, G_MAXINT / 2, &ping_interval, error) ||
      !get_uint_member (object, "pingTimeout", TRUE, G_MAXINT / 2, &ping_timeout, error) ||
      !get_uint_member (object, "maxPayload", FALSE, G_MAXSIZE, &max_payload, error))
    return FALSE;

  self->server_upgrades_ws = FALSE;
  node = json_object_get_member (object, "upgrades");
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *upgrades = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (upgrades); i++)
        {
          JsonNode *element = json_array_get_element (upgrades, i);

          if (JSON_NODE_HOLDS_VALUE (element) &&
              json_node_get_value_type (element) == G_TYPE_STRING &&
              strcmp (json_node_get_string (element), "websocket") == 0)
            self->server_upgrades_ws = TRUE;
        }
    }
  else if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      g_set_error_literal (error, SIO_ERROR, SIO_ERROR_PROTOCOL,
                           "Invalid handshake from the server: \"upgrades\" is not an array");
      return FALSE;
    }

  g_free (self->sid);
  self->sid = g_strdup (json_node_get_string (json_object_get_member (object, "sid")));
  self->ping_interval = (guint) ping_interval;
  self->ping_timeout = (guint) ping_timeout;
  self->max_payload = (gsize) max_payload;
  return TRUE;
}

static void probe (SioEngineClient *self);

static void
on_handshake (SioEngineClient *self,
              SioEnginePacket *packet)
{
  g_autoptr(GError) error = NULL;

  if (!parse_handshake (self, packet, &error))
    {
      on_close (self, "transport error", error);
      return;
    }

  _sio_client_transport_set_sid (self->transport, self->sid);
  g_debug ("Engine.IO session %s open over %s", self->sid,
           _sio_client_transport_get_name (self->transport));

  self->state = STATE_OPEN;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SID]);
  g_signal_emit (self, signals[OPEN], 0);
  flush (self);

  /* An "open" handler may have closed the session. */
  if (self->state != STATE_OPEN)
    return;

  if (self->upgrade && self->server_upgrades_ws &&
      (self->transports & SIO_ENGINE_TRANSPORT_WEBSOCKET) != 0 &&
      _sio_client_transport_get_kind (self->transport) == SIO_ENGINE_TRANSPORT_POLLING)
    probe (self);

  reset_ping_timeout (self);
}

/* ---- Upgrade ---------------------------------------------------------------------------- */

static void do_close (SioEngineClient *self);

static void on_polling_paused (SioClientTransport *transport,
                               SioEngineClient    *self);

static void
probe_failed (SioEngineClient *self,
              const GError    *error)
{
  G_GNUC_UNUSED g_autoptr(SioEngineClient) hold = g_object_ref (self);

  if (self->probe == NULL)
    return;

  g_debug ("Upgrade to websocket failed: %s", error->message);
  drop_transport (self, &self->probe, TRUE);
  if (self->upgrading)
    {
      /* The probe died while polling was pausing: polling is still the transport, so it goes
       * on (the reference would leave it paused until the ping timeout). */
      self->upgrading = FALSE;
      g_signal_handlers_disconnect_by_func (self->transport, on_polling_paused, self);
      _sio_client_transport_resume (self->transport);
    }
  g_signal_emit (self, signals[UPGRADE_ERROR], 0, error);

  if (self->state == STATE_CLOSING && self->close_pending && self->write_buffer->len == 0)
    do_close (self);
}

static void
on_polling_paused (SioClientTransport *transport,
                   SioEngineClient    *self)
{
  G_GNUC_UNUSED g_autoptr(SioEngineClient) hold = g_object_ref (self);
  SioClientTransport *ws;

  if (self->probe == NULL || self->state == STATE_CLOSED)
    return;

  /* socket.ts _probe(): switch, then "5" over the new transport before anything else. */
  ws = g_steal_pointer (&self->probe);
  g_signal_handlers_disconnect_by_data (ws, self);
  set_transport (self, ws);
  send_now (ws, SIO_ENGINE_PACKET_UPGRADE, NULL);
  self->upgrading = FALSE;
  g_debug ("Engine.IO session %s upgraded to websocket", self->sid);
  g_signal_emit (self, signals[UPGRADE], 0, SIO_ENGINE_TRANSPORT_WEBSOCKET);

  if (self->state == STATE_CLOSING && self->close_pending && self->write_buffer->len == 0)
    do_close (self);
  else
    flush (self);
}

static void
on_probe_open (SioClientTransport *transport,
               SioEngineClient    *self)
{
  send_now (transport, SIO_ENGINE_PACKET_PING, "probe");
}

static void
on_probe_packet (SioClientTransport *transport,
                 SioEnginePacket    *packet,
                 SioEngineClient    *self)
{
  gsize len;
  const char *data = sio_engine_packet_get_data (packet, &len);

  if (self->probe_answered)
    return;
  self->probe_answered = TRUE;

  if (sio_engine_packet_get_kind (packet) == SIO_ENGINE_PACKET_PONG &&
      len == 5 && memcmp (data, "probe", 5) == 0)
    {
      self->upgrading = TRUE;
      /* The paused polling transport still reports what its last poll brings. */
      g_signal_connect (self->transport, "paused", G_CALLBACK (on_polling_paused), self);
      _sio_client_transport_pause (self->transport);
    }
  else
    {
      g_autoptr(GError) error = g_error_new_literal (SIO_ERROR, SIO_ERROR_PROTOCOL,
                                                     "probe error: the server did not answer the probe");
      probe_failed (self, error);
    }
}

static void
on_probe_error (SioClientTransport *transport,
                const GError       *error,
                SioEngineClient    *self)
{
  g_autoptr(GError) wrapped = g_error_new (error->domain, error->code, "probe error: %s",
                                           error->message);
  probe_failed (self, wrapped);
}

static void
on_probe_close (SioClientTransport *transport,
                const char         *description,
                SioEngineClient    *self)
{
  g_autoptr(GError) error = g_error_new_literal (SIO_ERROR, SIO_ERROR_TRANSPORT,
                                                 "probe error: transport closed");
  probe_failed (self, error);
}

static void
probe (SioEngineClient *self)
{
  self->probe = create_transport (self, SIO_ENGINE_TRANSPORT_WEBSOCKET);
  self->probe_answered = FALSE;
  g_signal_connect (self->probe, "open", G_CALLBACK (on_probe_open), self);
  g_signal_connect (self->probe, "packet", G_CALLBACK (on_probe_packet), self);
  g_signal_connect (self->probe, "error", G_CALLBACK (on_probe_error), self);
  g_signal_connect (self->probe, "close", G_CALLBACK (on_probe_close), self);
  _sio_client_transport_open (self->probe);
}

/* ---- Packets ---------------------------------------------------------------------------- */

static void
on_transport_packet (SioClientTransport *transport,
                     SioEnginePacket    *packet,
                     SioEngineClient    *self)
{
  G_GNUC_UNUSED g_autoptr(SioEngineClient) hold = g_object_ref (self);
  SioEnginePacketType type = sio_engine_packet_get_kind (packet);

  if (self->state != STATE_OPENING && self->state != STATE_OPEN && self->state != STATE_CLOSING)
    return;

  if (self->state == STATE_OPENING && type != SIO_ENGINE_PACKET_OPEN)
    {
      g_autoptr(GError) error = NULL;

      g_set_error (&error, SIO_ERROR, SIO_ERROR_PROTOCOL,
                   "The server sent packet type %d before the handshake", type);
      on_close (self, "transport error", error);
      return;
    }

  switch (type)
    {
    case SIO_ENGINE_PACKET_OPEN:
      if (self->state == STATE_OPENING)
        on_handshake (self, packet);
      else
        {
          g_autoptr(GError) error = g_error_new_literal (SIO_ERROR, SIO_ERROR_PROTOCOL,
                                                         "The server sent a second handshake");
          on_close (self, "transport error", error);
        }
      break;

    case SIO_ENGINE_PACKET_PING:
      {
        g_autoptr(SioEnginePacket) pong = sio_engine_packet_new (SIO_ENGINE_PACKET_PONG, NULL, 0);

        g_ptr_array_add (self->write_buffer, g_steal_pointer (&pong));
        flush (self);
        g_signal_emit (self, signals[PING], 0);
        if (self->state == STATE_OPEN || self->state == STATE_CLOSING)
          reset_ping_timeout (self);
      }
      break;

    case SIO_ENGINE_PACKET_MESSAGE:
      g_signal_emit (self, signals[MESSAGE], 0, packet);
      break;

    case SIO_ENGINE_PACKET_CLOSE:
      on_close (self, "transport close", NULL);
      break;

    case SIO_ENGINE_PACKET_PONG:
    case SIO_ENGINE_PACKET_UPGRADE:
    case SIO_ENGINE_PACKET_NOOP:
    default:
      break;
    }
}

static void
on_transport_error (SioClientTransport *transport,
                    const GError       *error,
                    SioEngineClient    *self)
{
  G_GNUC_UNUSED g_autoptr(SioEngineClient) hold = g_object_ref (self);

  on_close (self, "transport error", error);
}

static void
on_transport_close (SioClientTransport *transport,
                    const char         *description,
                    SioEngineClient    *self)
{
  G_GNUC_UNUSED g_autoptr(SioEngineClient) hold = g_object_ref (self);
  g_autoptr(GError) error = NULL;

  /* A session still opening that loses its transport failed to open: say so with an error. */
  if (self->state == STATE_OPENING)
    error = g_error_new (SIO_ERROR, SIO_ERROR_TRANSPORT, "The server closed the connection: %s",
                         description ? description : "no reason given");
  on_close (self, self->state == STATE_OPENING ? "transport error" : "transport close", error);
}

/* ---- Writing ---------------------------------------------------------------------------- */

static gsize
encoded_length (SioEnginePacket *packet)
{
  gsize len;

  sio_engine_packet_get_data (packet, &len);
  if (sio_engine_packet_is_binary (packet))
    return 1 + (len + 2) / 3 * 4;
  return 1 + len;
}

/* socket.ts _getWritablePackets(): over polling, one POST carries at most maxPayload bytes
 * (the server rejects larger bodies), but always at least one packet. */
static guint
count_writable (SioEngineClient *self)
{
  gsize size = 0;

  if (self->max_payload == 0 ||
      _sio_client_transport_get_kind (self->transport) != SIO_ENGINE_TRANSPORT_POLLING ||
      self->write_buffer->len <= 1)
    return self->write_buffer->len;

  for (guint i = 0; i < self->write_buffer->len; i++)
    {
      size += encoded_length (g_ptr_array_index (self->write_buffer, i)) + (i > 0 ? 1 : 0);
      if (i > 0 && size > self->max_payload)
        {
          g_debug ("Sending %u of %u packets to stay within maxPayload", i, self->write_buffer->len);
          return i;
        }
    }

  return self->write_buffer->len;
}

static void
flush (SioEngineClient *self)
{
  guint n;

  if (self->state == STATE_CLOSED || self->transport == NULL || self->upgrading ||
      self->prev_buffer_len > 0 || self->write_buffer->len == 0 ||
      !_sio_client_transport_is_writable (self->transport))
    return;

  n = count_writable (self);
  self->prev_buffer_len = n;
  _sio_client_transport_send (self->transport, (SioEnginePacket **) self->write_buffer->pdata, n);
}

static void
on_transport_drain (SioClientTransport *transport,
                    SioEngineClient    *self)
{
  G_GNUC_UNUSED g_autoptr(SioEngineClient) hold = g_object_ref (self);

  g_ptr_array_remove_range (self->write_buffer, 0, self->prev_buffer_len);
  self->prev_buffer_len = 0;

  if (self->write_buffer->len > 0)
    {
      flush (self);
      return;
    }

  if (self->state == STATE_CLOSING && self->close_pending && !self->upgrading)
    do_close (self);
}

/* ---- Closing ---------------------------------------------------------------------------- */

/* socket.ts _onClose(): the one way a session ends. */
static void
on_close (SioEngineClient *self,
          const char      *reason,
          const GError    *error)
{
  G_GNUC_UNUSED g_autoptr(SioEngineClient) hold = g_object_ref (self);
  gboolean held;

  if (self->state != STATE_OPENING && self->state != STATE_OPEN && self->state != STATE_CLOSING)
    return;

  g_debug ("Engine.IO session %s closed: %s%s%s", self->sid ? self->sid : "(none)", reason,
           error ? ": " : "", error ? error->message : "");

  g_clear_handle_id (&self->ping_timer_id, g_source_remove);
  g_clear_handle_id (&self->idle_id, g_source_remove);
  self->ping_deadline = 0;
  drop_transport (self, &self->probe, TRUE);
  drop_transport (self, &self->transport, TRUE);
  self->state = STATE_CLOSED;
  self->upgrading = FALSE;
  self->close_pending = FALSE;
  g_clear_pointer (&self->sid, g_free);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SID]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRANSPORT]);

  g_signal_emit (self, signals[CLOSE], 0, reason, error);

  /* Cleared after the signal, as the reference does, so handlers could still look. */
  g_ptr_array_set_size (self->write_buffer, 0);
  self->prev_buffer_len = 0;

  held = self->holds_self;
  self->holds_self = FALSE;
  if (held)
    g_object_unref (self);
}

static void
do_close (SioEngineClient *self)
{
  on_close (self, "forced close", NULL);
}

static void
on_deferred_failure (gpointer user_data)
{
  SioEngineClient *self = user_data;
  G_GNUC_UNUSED g_autoptr(SioEngineClient) hold = g_object_ref (self);
  g_autoptr(GError) error = g_steal_pointer (&self->deferred_error);

  self->idle_id = 0;
  on_close (self, "transport error", error);
}

/* ---- Public API ------------------------------------------------------------------------- */

/**
 * sio_engine_client_new:
 * @uri: the server, e.g. `http://127.0.0.1:3000/engine.io/`
 *
 * Creates a client for one Engine.IO session with its own libsoup session. Set options, then
 * call [method@EngineClient.open].
 *
 * Returns: (transfer full): a new client
 */
SioEngineClient *
sio_engine_client_new (const char *uri)
{
  g_return_val_if_fail (uri != NULL, NULL);

  return g_object_new (SIO_TYPE_ENGINE_CLIENT, "uri", uri, NULL);
}

/**
 * sio_engine_client_new_with_session:
 * @uri: the server
 * @session: the libsoup session to use
 *
 * Like [ctor@EngineClient.new], sharing @session (cookies, proxy, TLS settings).
 *
 * Returns: (transfer full): a new client
 */
SioEngineClient *
sio_engine_client_new_with_session (const char  *uri,
                                    SoupSession *session)
{
  g_return_val_if_fail (uri != NULL, NULL);
  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);

  return g_object_new (SIO_TYPE_ENGINE_CLIENT, "uri", uri, "session", session, NULL);
}

/**
 * sio_engine_client_get_uri:
 * @self: a client
 *
 * Returns: (nullable): the URI given at construction
 */
const char *
sio_engine_client_get_uri (SioEngineClient *self)
{
  g_return_val_if_fail (SIO_IS_ENGINE_CLIENT (self), NULL);

  return self->uri;
}

/**
 * sio_engine_client_get_session:
 * @self: a client
 *
 * Returns: (transfer none): the libsoup session
 */
SoupSession *
sio_engine_client_get_session (SioEngineClient *self)
{
  g_return_val_if_fail (SIO_IS_ENGINE_CLIENT (self), NULL);

  return self->session;
}

/**
 * sio_engine_client_get_transports:
 * @self: a client
 *
 * Returns: the transports the client may use
 */
SioEngineTransports
sio_engine_client_get_transports (SioEngineClient *self)
{
  g_return_val_if_fail (SIO_IS_ENGINE_CLIENT (self), 0);

  return self->transports;
}

/**
 * sio_engine_client_set_transports:
 * @self: a client
 * @transports: the transports the client may use
 *
 * Polling only, WebSocket only (no polling handshake at all) or both (polling first, then an
 * upgrade). Takes effect at [method@EngineClient.open].
 */
void
sio_engine_client_set_transports (SioEngineClient     *self,
                                  SioEngineTransports  transports)
{
  g_return_if_fail (SIO_IS_ENGINE_CLIENT (self));

  if (self->transports == transports)
    return;

  self->transports = transports;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRANSPORTS]);
}

/**
 * sio_engine_client_get_upgrade:
 * @self: a client
 *
 * Returns: whether a polling session tries to upgrade to WebSocket
 */
gboolean
sio_engine_client_get_upgrade (SioEngineClient *self)
{
  g_return_val_if_fail (SIO_IS_ENGINE_CLIENT (self), FALSE);

  return self->upgrade;
}

/**
 * sio_engine_client_set_upgrade:
 * @self: a client
 * @upgrade: whether to upgrade
 *
 * Sets whether a polling session tries to upgrade to WebSocket when the server offers it.
 */
void
sio_engine_client_set_upgrade (SioEngineClient *self,
                               gboolean         upgrade)
{
  g_return_if_fail (SIO_IS_ENGINE_CLIENT (self));

  upgrade = !!upgrade;
  if (self->upgrade == upgrade)
    return;

  self->upgrade = upgrade;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UPGRADE]);
}

/**
 * sio_engine_client_get_max_incoming_payload:
 * @self: a client
 *
 * Returns: the largest message or polling response accepted, 0 for no limit
 */
guint64
sio_engine_client_get_max_incoming_payload (SioEngineClient *self)
{
  g_return_val_if_fail (SIO_IS_ENGINE_CLIENT (self), 0);

  return self->max_incoming;
}

/**
 * sio_engine_client_set_max_incoming_payload:
 * @self: a client
 * @max_incoming: a size in bytes, 0 for no limit
 *
 * Sets the largest WebSocket message or polling response accepted from the server. Takes
 * effect for transports opened afterwards.
 */
void
sio_engine_client_set_max_incoming_payload (SioEngineClient *self,
                                            guint64          max_incoming)
{
  g_return_if_fail (SIO_IS_ENGINE_CLIENT (self));

  if (self->max_incoming == max_incoming)
    return;

  self->max_incoming = max_incoming;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_INCOMING_PAYLOAD]);
}

/**
 * sio_engine_client_add_query_param:
 * @self: a client
 * @name: the parameter name
 * @value: its value
 *
 * Adds a parameter to the query of every request (engine.io-client's `query`), after those of
 * the URI. Both are percent-encoded here. Call before [method@EngineClient.open].
 */
void
sio_engine_client_add_query_param (SioEngineClient *self,
                                   const char      *name,
                                   const char      *value)
{
  g_autofree char *escaped_name = NULL;
  g_autofree char *escaped_value = NULL;

  g_return_if_fail (SIO_IS_ENGINE_CLIENT (self));
  g_return_if_fail (name != NULL && value != NULL);

  escaped_name = g_uri_escape_string (name, NULL, FALSE);
  escaped_value = g_uri_escape_string (value, NULL, FALSE);
  if (self->query->len > 0)
    g_string_append_c (self->query, '&');
  g_string_append_printf (self->query, "%s=%s", escaped_name, escaped_value);
}

/**
 * sio_engine_client_add_header:
 * @self: a client
 * @name: a header name
 * @value: its value
 *
 * Adds a header to every request, WebSocket handshakes included (engine.io-client's
 * `extraHeaders`). Call before [method@EngineClient.open].
 */
void
sio_engine_client_add_header (SioEngineClient *self,
                              const char      *name,
                              const char      *value)
{
  g_return_if_fail (SIO_IS_ENGINE_CLIENT (self));
  g_return_if_fail (name != NULL && value != NULL);

  g_ptr_array_add (self->headers, g_strdup (name));
  g_ptr_array_add (self->headers, g_strdup (value));
}

/**
 * sio_engine_client_open:
 * @self: a client
 *
 * Starts the handshake. [signal@EngineClient::open] follows on success, and
 * [signal@EngineClient::close] with "transport error" on failure; neither is emitted before
 * this function returns. A client is opened at most once.
 */
void
sio_engine_client_open (SioEngineClient *self)
{
  g_return_if_fail (SIO_IS_ENGINE_CLIENT (self));
  g_return_if_fail (self->state == STATE_NEW);

  self->state = STATE_OPENING;

  if (self->endpoint == NULL || self->transports == 0)
    {
      /* socket.ts _open(): reported on the next tick, so callers can connect first. */
      if (self->endpoint == NULL)
        self->deferred_error = g_error_new (SIO_ERROR, SIO_ERROR_FAILED,
                                            "Invalid Engine.IO server URI \"%s\"",
                                            self->uri ? self->uri : "");
      else
        self->deferred_error = g_error_new_literal (SIO_ERROR, SIO_ERROR_FAILED,
                                                    "No transports available");
      self->idle_id = g_idle_add_once (on_deferred_failure, self);
      return;
    }

  set_transport (self, create_transport (self, (self->transports & SIO_ENGINE_TRANSPORT_POLLING) != 0
                                                 ? SIO_ENGINE_TRANSPORT_POLLING
                                                 : SIO_ENGINE_TRANSPORT_WEBSOCKET));
  _sio_client_transport_open (self->transport);
}

/**
 * sio_engine_client_close:
 * @self: a client
 *
 * Ends the session cleanly: what is buffered is sent first (and a running upgrade finishes),
 * then the transport closes and [signal@EngineClient::close] is emitted with "forced close".
 * The client keeps itself alive until then, so the caller may drop its reference at once.
 */
void
sio_engine_client_close (SioEngineClient *self)
{
  g_return_if_fail (SIO_IS_ENGINE_CLIENT (self));

  if (self->state != STATE_OPENING && self->state != STATE_OPEN)
    return;

  if (self->state == STATE_OPEN && (self->write_buffer->len > 0 || self->upgrading))
    {
      self->state = STATE_CLOSING;
      self->close_pending = TRUE;
      self->holds_self = TRUE;
      g_object_ref (self);
      return;
    }

  do_close (self);
}

/**
 * sio_engine_client_is_open:
 * @self: a client
 *
 * Returns: whether the handshake completed and the session has not ended
 */
gboolean
sio_engine_client_is_open (SioEngineClient *self)
{
  g_return_val_if_fail (SIO_IS_ENGINE_CLIENT (self), FALSE);

  return self->state == STATE_OPEN;
}

/**
 * sio_engine_client_get_sid:
 * @self: a client
 *
 * Returns: (nullable): the session id while the session is open
 */
const char *
sio_engine_client_get_sid (SioEngineClient *self)
{
  g_return_val_if_fail (SIO_IS_ENGINE_CLIENT (self), NULL);

  return self->sid;
}

/**
 * sio_engine_client_get_transport:
 * @self: a client
 *
 * Returns: the transport in use, or 0 when the session is not open or opening
 */
SioEngineTransports
sio_engine_client_get_transport (SioEngineClient *self)
{
  g_return_val_if_fail (SIO_IS_ENGINE_CLIENT (self), 0);

  return self->transport ? _sio_client_transport_get_kind (self->transport) : 0;
}

/**
 * sio_engine_client_get_ping_interval:
 * @self: a client
 *
 * Returns: the server's pingInterval in ms, from the handshake
 */
guint
sio_engine_client_get_ping_interval (SioEngineClient *self)
{
  g_return_val_if_fail (SIO_IS_ENGINE_CLIENT (self), 0);

  return self->ping_interval;
}

/**
 * sio_engine_client_get_ping_timeout:
 * @self: a client
 *
 * Returns: the server's pingTimeout in ms, from the handshake
 */
guint
sio_engine_client_get_ping_timeout (SioEngineClient *self)
{
  g_return_val_if_fail (SIO_IS_ENGINE_CLIENT (self), 0);

  return self->ping_timeout;
}

/**
 * sio_engine_client_get_max_payload:
 * @self: a client
 *
 * Returns: the server's maxPayload in bytes, from the handshake; 0 when it gave none
 */
gsize
sio_engine_client_get_max_payload (SioEngineClient *self)
{
  g_return_val_if_fail (SIO_IS_ENGINE_CLIENT (self), 0);

  return self->max_payload;
}

/**
 * sio_engine_client_send:
 * @self: a client
 * @packet: a MESSAGE packet
 *
 * Queues @packet; it leaves as soon as the transport can write. Packets sent while the
 * session is closing or closed are dropped, as in the reference.
 */
void
sio_engine_client_send (SioEngineClient *self,
                        SioEnginePacket *packet)
{
  g_return_if_fail (SIO_IS_ENGINE_CLIENT (self));
  g_return_if_fail (packet != NULL);
  g_return_if_fail (sio_engine_packet_get_kind (packet) == SIO_ENGINE_PACKET_MESSAGE);

  if (self->state != STATE_NEW && self->state != STATE_OPENING && self->state != STATE_OPEN)
    {
      g_debug ("Engine.IO client is closing or closed, dropping a message");
      return;
    }

  g_ptr_array_add (self->write_buffer, sio_engine_packet_ref (packet));
  flush (self);
}

/**
 * sio_engine_client_send_text:
 * @self: a client
 * @text: UTF-8 text
 *
 * Sends a text message; see [method@EngineClient.send].
 */
void
sio_engine_client_send_text (SioEngineClient *self,
                             const char      *text)
{
  g_autoptr(SioEnginePacket) packet = NULL;

  g_return_if_fail (SIO_IS_ENGINE_CLIENT (self));
  g_return_if_fail (text != NULL);

  packet = sio_engine_packet_new (SIO_ENGINE_PACKET_MESSAGE, text, -1);
  sio_engine_client_send (self, packet);
}

/**
 * sio_engine_client_send_binary:
 * @self: a client
 * @data: the bytes
 *
 * Sends a binary message (base64 over polling); see [method@EngineClient.send].
 */
void
sio_engine_client_send_binary (SioEngineClient *self,
                               GBytes          *data)
{
  g_autoptr(SioEnginePacket) packet = NULL;

  g_return_if_fail (SIO_IS_ENGINE_CLIENT (self));
  g_return_if_fail (data != NULL);

  packet = sio_engine_packet_new_binary (data);
  sio_engine_client_send (self, packet);
}
