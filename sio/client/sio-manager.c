/* sio-manager.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SioManager:
 *
 * The client's connection to one Socket.IO server, as socket.io-client 4.8's `Manager` is.
 *
 * A manager owns the [class@EngineClient] of the current Engine.IO session and multiplexes
 * the namespaces over it: [method@Manager.socket] gives the [class@ClientSocket] of a
 * namespace, and all sockets of a manager share one connection. The manager opens the
 * connection when a socket connects, and closes it when no socket is active any more.
 *
 * Opening must complete within [property@Manager:timeout] ms (20 s by default), or fails with
 * %SIO_ERROR_TIMEOUT. When the connection is lost, or could not be opened, the manager
 * reconnects with exponential backoff: the n-th attempt waits
 * `min (reconnection-delay × 2ⁿ, reconnection-delay-max)`, randomised by ±
 * [property@Manager:randomization-factor] (1 s, 5 s and 0.5 by default, for ever unless
 * [property@Manager:reconnection-attempts] says otherwise), and reports it through
 * [signal@Manager::reconnect-attempt], [signal@Manager::reconnect],
 * [signal@Manager::reconnect-error] and [signal@Manager::reconnect-failed]. A socket the
 * server disconnected on purpose ("io server disconnect") does not come back by itself.
 *
 * The manager holds its sockets weakly; each socket holds its manager.
 */

#include "config.h"

#include "sio-client-private.h"

#include "sio-enums.h"

#include <math.h>
#include <string.h>

#define DEFAULT_PATH "/socket.io/"

typedef enum
{
  STATE_CLOSED,
  STATE_OPENING,
  STATE_OPEN,
} ManagerState;

struct _SioManager
{
  GObject               parent_instance;

  /* configuration */
  char                 *uri;
  char                 *path;
  SoupSession          *session;
  SioEngineTransports   transports;
  gboolean              upgrade;
  gboolean              reconnection;
  guint                 reconnection_attempts;
  guint                 reconnection_delay;
  guint                 reconnection_delay_max;
  double                randomization_factor;
  guint                 timeout;
  guint64               max_incoming;
  GPtrArray            *query;            /* name, value, ... */
  GPtrArray            *headers;          /* name, value, ... */

  /* state */
  ManagerState          state;
  gboolean              reconnecting;
  gboolean              skip_reconnect;
  gboolean              opening_for_reconnect;
  guint                 attempts;         /* backo2's `attempts` */
  SioEngineClient      *engine;
  SioPacketDecoder     *decoder;
  guint                 timeout_id;
  guint                 reconnect_id;

  /* borrowed: each socket removes itself when disposed */
  GHashTable           *sockets;          /* namespace → SioClientSocket */
};

enum {
  PROP_0,
  PROP_URI,
  PROP_PATH,
  PROP_SESSION,
  PROP_TRANSPORTS,
  PROP_UPGRADE,
  PROP_RECONNECTION,
  PROP_RECONNECTION_ATTEMPTS,
  PROP_RECONNECTION_DELAY,
  PROP_RECONNECTION_DELAY_MAX,
  PROP_RANDOMIZATION_FACTOR,
  PROP_TIMEOUT,
  PROP_MAX_INCOMING_PAYLOAD,
  N_PROPS
};

enum {
  OPEN,
  CLOSE,
  ERROR,
  PING,
  RECONNECT_ATTEMPT,
  RECONNECT,
  RECONNECT_ERROR,
  RECONNECT_FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (SioManager, sio_manager, G_TYPE_OBJECT)

static void open_connection (SioManager *self,
                             gboolean    for_reconnect);
static void reconnect       (SioManager *self);

/* ---- Helpers ---------------------------------------------------------------------------- */

/* The sockets that listen to the manager (socket.ts `subs`), referenced, since a handler may
 * drop any of them while they are told something. */
static GPtrArray *
list_active_sockets (SioManager *self)
{
  GPtrArray *active = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->sockets);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (_sio_client_socket_is_active (value))
      g_ptr_array_add (active, g_object_ref (value));
  return active;
}

/* manager.ts cleanup(): stop listening to the engine, forget half-decoded packets. With
 * @close_engine the engine is also told to close (it finishes that on its own). */
static void
cleanup (SioManager *self)
{
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_clear_handle_id (&self->reconnect_id, g_source_remove);

  if (self->engine != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->engine, self);
      sio_engine_client_close (self->engine);
      g_clear_object (&self->engine);
    }

  if (self->decoder != NULL)
    sio_packet_decoder_reset (self->decoder);
}

/* backo2: min × 2^attempts, ± jitter, capped at max. */
static guint
backoff_duration (SioManager *self)
{
  double ms = (double) self->reconnection_delay * pow (2.0, MIN (self->attempts, 64));

  self->attempts++;
  if (self->randomization_factor > 0 && self->randomization_factor <= 1)
    {
      double rand = g_random_double ();
      double deviation = floor (rand * self->randomization_factor * ms);

      ms = ((int) floor (rand * 10) & 1) == 0 ? ms - deviation : ms + deviation;
    }

  return (guint) MIN (ms, (double) self->reconnection_delay_max);
}

/* ---- GObject ---------------------------------------------------------------------------- */

static void
sio_manager_dispose (GObject *object)
{
  SioManager *self = SIO_MANAGER (object);

  self->skip_reconnect = TRUE;
  self->reconnecting = FALSE;
  cleanup (self);
  self->state = STATE_CLOSED;
  g_clear_object (&self->session);

  G_OBJECT_CLASS (sio_manager_parent_class)->dispose (object);
}

static void
sio_manager_finalize (GObject *object)
{
  SioManager *self = SIO_MANAGER (object);

  g_clear_pointer (&self->uri, g_free);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->query, g_ptr_array_unref);
  g_clear_pointer (&self->headers, g_ptr_array_unref);
  g_clear_pointer (&self->decoder, sio_packet_decoder_free);
  g_clear_pointer (&self->sockets, g_hash_table_unref);

  G_OBJECT_CLASS (sio_manager_parent_class)->finalize (object);
}

static void
sio_manager_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  SioManager *self = SIO_MANAGER (object);

  switch (prop_id)
    {
    case PROP_URI:
      g_value_set_string (value, self->uri);
      break;

    case PROP_PATH:
      g_value_set_string (value, self->path);
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

    case PROP_RECONNECTION:
      g_value_set_boolean (value, self->reconnection);
      break;

    case PROP_RECONNECTION_ATTEMPTS:
      g_value_set_uint (value, self->reconnection_attempts);
      break;

    case PROP_RECONNECTION_DELAY:
      g_value_set_uint (value, self->reconnection_delay);
      break;

    case PROP_RECONNECTION_DELAY_MAX:
      g_value_set_uint (value, self->reconnection_delay_max);
      break;

    case PROP_RANDOMIZATION_FACTOR:
      g_value_set_double (value, self->randomization_factor);
      break;

    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;

    case PROP_MAX_INCOMING_PAYLOAD:
      g_value_set_uint64 (value, self->max_incoming);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sio_manager_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  SioManager *self = SIO_MANAGER (object);

  switch (prop_id)
    {
    case PROP_URI:
      self->uri = g_value_dup_string (value);
      break;

    case PROP_PATH:
      g_free (self->path);
      self->path = g_value_dup_string (value);
      if (self->path == NULL)
        self->path = g_strdup (DEFAULT_PATH);
      break;

    case PROP_SESSION:
      self->session = g_value_dup_object (value);
      break;

    case PROP_TRANSPORTS:
      sio_manager_set_transports (self, g_value_get_flags (value));
      break;

    case PROP_UPGRADE:
      sio_manager_set_upgrade (self, g_value_get_boolean (value));
      break;

    case PROP_RECONNECTION:
      sio_manager_set_reconnection (self, g_value_get_boolean (value));
      break;

    case PROP_RECONNECTION_ATTEMPTS:
      sio_manager_set_reconnection_attempts (self, g_value_get_uint (value));
      break;

    case PROP_RECONNECTION_DELAY:
      sio_manager_set_reconnection_delay (self, g_value_get_uint (value));
      break;

    case PROP_RECONNECTION_DELAY_MAX:
      sio_manager_set_reconnection_delay_max (self, g_value_get_uint (value));
      break;

    case PROP_RANDOMIZATION_FACTOR:
      sio_manager_set_randomization_factor (self, g_value_get_double (value));
      break;

    case PROP_TIMEOUT:
      sio_manager_set_timeout (self, g_value_get_uint (value));
      break;

    case PROP_MAX_INCOMING_PAYLOAD:
      if (self->max_incoming != g_value_get_uint64 (value))
        {
          self->max_incoming = g_value_get_uint64 (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sio_manager_constructed (GObject *object)
{
  SioManager *self = SIO_MANAGER (object);

  G_OBJECT_CLASS (sio_manager_parent_class)->constructed (object);

  /* A long poll, a POST and an upgrade probe at once; see SioEngineClient:session. */
  if (self->session == NULL)
    self->session = soup_session_new_with_options ("max-conns-per-host", 8, NULL);
}

static void
sio_manager_class_init (SioManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = sio_manager_constructed;
  object_class->dispose = sio_manager_dispose;
  object_class->finalize = sio_manager_finalize;
  object_class->get_property = sio_manager_get_property;
  object_class->set_property = sio_manager_set_property;

  /**
   * SioManager:uri:
   *
   * The server, `http://host:port` (or `https:`, `ws:`, `wss:`), with an optional query sent
   * with every request. Its path is ignored: see [property@Manager:path].
   */
  properties[PROP_URI] =
    g_param_spec_string ("uri", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * SioManager:path:
   *
   * Where the server listens, `/socket.io/` by default.
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, DEFAULT_PATH,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * SioManager:session:
   *
   * The libsoup session of every connection; see [property@EngineClient:session].
   */
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, SOUP_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * SioManager:transports:
   *
   * The transports connections may use; see [property@EngineClient:transports].
   */
  properties[PROP_TRANSPORTS] =
    g_param_spec_flags ("transports", NULL, NULL, SIO_TYPE_ENGINE_TRANSPORTS,
                        SIO_ENGINE_TRANSPORT_POLLING | SIO_ENGINE_TRANSPORT_WEBSOCKET,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * SioManager:upgrade:
   *
   * Whether polling connections upgrade to WebSocket.
   */
  properties[PROP_UPGRADE] =
    g_param_spec_boolean ("upgrade", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * SioManager:reconnection:
   *
   * Whether a lost or failed connection is tried again.
   */
  properties[PROP_RECONNECTION] =
    g_param_spec_boolean ("reconnection", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * SioManager:reconnection-attempts:
   *
   * How many attempts in a row before giving up; %G_MAXUINT (the default) for no limit.
   */
  properties[PROP_RECONNECTION_ATTEMPTS] =
    g_param_spec_uint ("reconnection-attempts", NULL, NULL, 0, G_MAXUINT, G_MAXUINT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * SioManager:reconnection-delay:
   *
   * The wait before the first attempt, in ms; it doubles with every further attempt.
   */
  properties[PROP_RECONNECTION_DELAY] =
    g_param_spec_uint ("reconnection-delay", NULL, NULL, 0, G_MAXINT, 1000,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * SioManager:reconnection-delay-max:
   *
   * The longest wait between two attempts, in ms.
   */
  properties[PROP_RECONNECTION_DELAY_MAX] =
    g_param_spec_uint ("reconnection-delay-max", NULL, NULL, 0, G_MAXINT, 5000,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * SioManager:randomization-factor:
   *
   * How far each wait may be moved at random, as a fraction of it (0 to 1), so clients that
   * lost the same server do not all come back at once.
   */
  properties[PROP_RANDOMIZATION_FACTOR] =
    g_param_spec_double ("randomization-factor", NULL, NULL, 0, 1, 0.5,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * SioManager:timeout:
   *
   * How long opening a connection may take, in ms; 0 for no limit.
   */
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL, 0, G_MAXINT, 20000,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * SioManager:max-incoming-payload:
   *
   * See [property@EngineClient:max-incoming-payload].
   */
  properties[PROP_MAX_INCOMING_PAYLOAD] =
    g_param_spec_uint64 ("max-incoming-payload", NULL, NULL, 0, G_MAXUINT64,
                         SIO_ENGINE_CLIENT_DEFAULT_MAX_INCOMING,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SioManager::open:
   * @self: the manager
   *
   * Emitted when a connection is open (its sockets then join their namespaces).
   */
  signals[OPEN] =
    g_signal_new ("open", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * SioManager::close:
   * @self: the manager
   * @reason: as the engine words it, "parse error" for an invalid Socket.IO packet, or
   *   "forced close" for [method@Manager.close]
   * @error: (nullable): what failed
   *
   * Emitted when a connection ended.
   */
  signals[CLOSE] =
    g_signal_new ("close", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING,
                  G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * SioManager::error:
   * @self: the manager
   * @error: what failed
   *
   * Emitted when a connection could not be opened, or its transport failed.
   */
  signals[ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * SioManager::ping:
   * @self: the manager
   *
   * Emitted for every ping of the server.
   */
  signals[PING] =
    g_signal_new ("ping", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * SioManager::reconnect-attempt:
   * @self: the manager
   * @attempt: the attempt's number, from 1
   *
   * Emitted when a reconnection attempt starts.
   */
  signals[RECONNECT_ATTEMPT] =
    g_signal_new ("reconnect-attempt", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  /**
   * SioManager::reconnect:
   * @self: the manager
   * @attempt: the number of the attempt that worked
   *
   * Emitted when a reconnection attempt opened a connection.
   */
  signals[RECONNECT] =
    g_signal_new ("reconnect", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  /**
   * SioManager::reconnect-error:
   * @self: the manager
   * @error: why the attempt failed
   *
   * Emitted when a reconnection attempt failed; the next one is scheduled first.
   */
  signals[RECONNECT_ERROR] =
    g_signal_new ("reconnect-error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * SioManager::reconnect-failed:
   * @self: the manager
   *
   * Emitted when [property@Manager:reconnection-attempts] attempts failed in a row.
   */
  signals[RECONNECT_FAILED] =
    g_signal_new ("reconnect-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
sio_manager_init (SioManager *self)
{
  self->path = g_strdup (DEFAULT_PATH);
  self->transports = SIO_ENGINE_TRANSPORT_POLLING | SIO_ENGINE_TRANSPORT_WEBSOCKET;
  self->upgrade = TRUE;
  self->reconnection = TRUE;
  self->reconnection_attempts = G_MAXUINT;
  self->reconnection_delay = 1000;
  self->reconnection_delay_max = 5000;
  self->randomization_factor = 0.5;
  self->timeout = 20000;
  self->max_incoming = SIO_ENGINE_CLIENT_DEFAULT_MAX_INCOMING;
  self->query = g_ptr_array_new_with_free_func (g_free);
  self->headers = g_ptr_array_new_with_free_func (g_free);
  self->sockets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/* ---- Connection ------------------------------------------------------------------------- */

/* manager.ts onclose(). */
static void
on_close (SioManager   *self,
          const char   *reason,
          const GError *error)
{
  G_GNUC_UNUSED g_autoptr(SioManager) hold = g_object_ref (self);
  g_autoptr(GPtrArray) sockets = NULL;

  g_debug ("Socket.IO connection to %s closed: %s", self->uri, reason);

  cleanup (self);
  self->attempts = 0;
  self->state = STATE_CLOSED;
  g_signal_emit (self, signals[CLOSE], 0, reason, error);

  sockets = list_active_sockets (self);
  for (guint i = 0; i < sockets->len; i++)
    _sio_client_socket_on_close (g_ptr_array_index (sockets, i), reason, error);

  if (self->reconnection && !self->skip_reconnect)
    reconnect (self);
}

static void
emit_error (SioManager   *self,
            const GError *error)
{
  g_autoptr(GPtrArray) sockets = NULL;

  g_signal_emit (self, signals[ERROR], 0, error);

  sockets = list_active_sockets (self);
  for (guint i = 0; i < sockets->len; i++)
    _sio_client_socket_on_error (g_ptr_array_index (sockets, i), error);
}

/* manager.ts open()'s onError: the connection could not be opened. */
static void
on_open_error (SioManager   *self,
               const GError *error)
{
  G_GNUC_UNUSED g_autoptr(SioManager) hold = g_object_ref (self);

  g_debug ("Socket.IO connection to %s failed: %s", self->uri, error->message);

  cleanup (self);
  self->state = STATE_CLOSED;
  emit_error (self, error);

  if (self->opening_for_reconnect)
    {
      self->opening_for_reconnect = FALSE;
      self->reconnecting = FALSE;
      reconnect (self);
      g_signal_emit (self, signals[RECONNECT_ERROR], 0, error);
    }
  else if (!self->reconnecting && self->reconnection && self->attempts == 0)
    {
      /* maybeReconnectOnOpen(): only the first failure starts a reconnection loop. */
      reconnect (self);
    }
}

static void
on_open_timeout (gpointer user_data)
{
  SioManager *self = user_data;
  g_autoptr(GError) error = NULL;

  self->timeout_id = 0;
  g_set_error (&error, SIO_ERROR, SIO_ERROR_TIMEOUT,
               "Timed out connecting to %s: no handshake within %u ms", self->uri, self->timeout);
  on_open_error (self, error);
}

static void
on_engine_open (SioEngineClient *engine,
                SioManager      *self)
{
  G_GNUC_UNUSED g_autoptr(SioManager) hold = g_object_ref (self);
  g_autoptr(GPtrArray) sockets = NULL;
  gboolean for_reconnect;

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->state = STATE_OPEN;
  for_reconnect = self->opening_for_reconnect;
  self->opening_for_reconnect = FALSE;

  g_signal_emit (self, signals[OPEN], 0);

  sockets = list_active_sockets (self);
  for (guint i = 0; i < sockets->len && self->state == STATE_OPEN; i++)
    _sio_client_socket_on_open (g_ptr_array_index (sockets, i));

  /* manager.ts onreconnect(). */
  if (for_reconnect && self->state == STATE_OPEN)
    {
      guint attempt = self->attempts;

      self->reconnecting = FALSE;
      self->attempts = 0;
      g_signal_emit (self, signals[RECONNECT], 0, attempt);
    }
}

static void
on_engine_close (SioEngineClient *engine,
                 const char      *reason,
                 const GError    *error,
                 SioManager      *self)
{
  G_GNUC_UNUSED g_autoptr(SioManager) hold = g_object_ref (self);

  if (self->state == STATE_OPENING)
    {
      g_autoptr(GError) fallback = NULL;

      if (error == NULL)
        error = fallback = g_error_new (SIO_ERROR, SIO_ERROR_TRANSPORT,
                                        "The connection closed while opening: %s", reason);
      on_open_error (self, error);
      return;
    }

  /* engine.io-client emits "error" before closing for a transport error; the sockets not
   * connected yet report it as connect_error. */
  if (error != NULL && g_strcmp0 (reason, "transport error") == 0)
    emit_error (self, error);

  on_close (self, reason, error);
}

static void
dispatch_packet (SioManager *self,
                 SioPacket  *packet)
{
  SioClientSocket *socket = g_hash_table_lookup (self->sockets, sio_packet_get_namespace (packet));
  g_autoptr(SioClientSocket) hold = NULL;

  if (socket == NULL || !_sio_client_socket_is_active (socket))
    {
      g_debug ("Dropping a packet for namespace %s, which has no active socket",
               sio_packet_get_namespace (packet));
      return;
    }

  hold = g_object_ref (socket);
  _sio_client_socket_on_packet (socket, packet);
}

static void
on_engine_message (SioEngineClient *engine,
                   SioEnginePacket *message,
                   SioManager      *self)
{
  G_GNUC_UNUSED g_autoptr(SioManager) hold = g_object_ref (self);
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
      g_prefix_error (&error, "Invalid Socket.IO packet from the server: ");
      on_close (self, "parse error", error);
      return;
    }

  if (packet != NULL)
    dispatch_packet (self, packet);
}

static void
on_engine_ping (SioEngineClient *engine,
                SioManager      *self)
{
  g_signal_emit (self, signals[PING], 0);
}

static char *
engine_uri (SioManager *self)
{
  g_autoptr(GUri) parsed = g_uri_parse (self->uri, G_URI_FLAGS_ENCODED, NULL);

  /* An unusable URI goes through as is; the engine client reports it. */
  if (parsed == NULL)
    return g_strdup (self->uri);

  return g_uri_join (G_URI_FLAGS_ENCODED, g_uri_get_scheme (parsed), NULL,
                     g_uri_get_host (parsed), g_uri_get_port (parsed), self->path,
                     g_uri_get_query (parsed), NULL);
}

/* manager.ts open(). */
static void
open_connection (SioManager *self,
                 gboolean    for_reconnect)
{
  g_autofree char *uri = NULL;
  SioEngineClient *engine;

  if (self->state != STATE_CLOSED)
    return;

  uri = engine_uri (self);
  g_debug ("Opening a Socket.IO connection to %s", uri);

  engine = sio_engine_client_new_with_session (uri, self->session);
  sio_engine_client_set_transports (engine, self->transports);
  sio_engine_client_set_upgrade (engine, self->upgrade);
  sio_engine_client_set_max_incoming_payload (engine, self->max_incoming);
  for (guint i = 0; i + 1 < self->query->len; i += 2)
    sio_engine_client_add_query_param (engine, g_ptr_array_index (self->query, i),
                                       g_ptr_array_index (self->query, i + 1));
  for (guint i = 0; i + 1 < self->headers->len; i += 2)
    sio_engine_client_add_header (engine, g_ptr_array_index (self->headers, i),
                                  g_ptr_array_index (self->headers, i + 1));

  g_signal_connect (engine, "open", G_CALLBACK (on_engine_open), self);
  g_signal_connect (engine, "close", G_CALLBACK (on_engine_close), self);
  g_signal_connect (engine, "message", G_CALLBACK (on_engine_message), self);
  g_signal_connect (engine, "ping", G_CALLBACK (on_engine_ping), self);

  self->engine = engine;
  self->state = STATE_OPENING;
  self->skip_reconnect = FALSE;
  self->opening_for_reconnect = for_reconnect;

  if (self->decoder == NULL)
    self->decoder = sio_packet_decoder_new (SIO_PROTOCOL_V5);
  sio_packet_decoder_reset (self->decoder);

  if (self->timeout > 0)
    self->timeout_id = g_timeout_add_once (self->timeout, on_open_timeout, self);

  sio_engine_client_open (engine);
}

static void
on_reconnect_timer (gpointer user_data)
{
  SioManager *self = user_data;
  G_GNUC_UNUSED g_autoptr(SioManager) hold = g_object_ref (self);

  self->reconnect_id = 0;
  if (self->skip_reconnect)
    return;

  g_debug ("Reconnection attempt %u to %s", self->attempts, self->uri);
  g_signal_emit (self, signals[RECONNECT_ATTEMPT], 0, self->attempts);

  /* A handler may have closed the manager. */
  if (self->skip_reconnect)
    return;

  open_connection (self, TRUE);
}

/* manager.ts reconnect(). */
static void
reconnect (SioManager *self)
{
  guint delay;

  if (self->reconnecting || self->skip_reconnect)
    return;

  if (self->attempts >= self->reconnection_attempts)
    {
      g_debug ("Giving up reconnecting to %s after %u attempts", self->uri, self->attempts);
      self->attempts = 0;
      self->reconnecting = FALSE;
      g_signal_emit (self, signals[RECONNECT_FAILED], 0);
      return;
    }

  delay = backoff_duration (self);
  g_debug ("Reconnecting to %s in %u ms", self->uri, delay);
  self->reconnecting = TRUE;
  g_clear_handle_id (&self->reconnect_id, g_source_remove);
  self->reconnect_id = g_timeout_add_once (delay, on_reconnect_timer, self);
}

/* manager.ts _close(): no socket needs the connection any more, or the caller said so. */
static void
close_connection (SioManager *self)
{
  self->skip_reconnect = TRUE;
  self->reconnecting = FALSE;
  on_close (self, "forced close", NULL);
}

/* ---- Internal API, for SioClientSocket -------------------------------------------------- */

void
_sio_manager_open (SioManager *self)
{
  open_connection (self, FALSE);
}

gboolean
_sio_manager_is_open (SioManager *self)
{
  return self->state == STATE_OPEN;
}

gboolean
_sio_manager_is_reconnecting (SioManager *self)
{
  return self->reconnecting;
}

gboolean
_sio_manager_has_ping_expired (SioManager *self)
{
  return self->engine == NULL || _sio_engine_client_has_ping_expired (self->engine);
}

/* manager.ts _packet(). */
void
_sio_manager_packet (SioManager *self,
                     SioPacket  *packet)
{
  g_autoptr(GPtrArray) attachments = NULL;
  g_autofree char *text = NULL;

  if (self->engine == NULL)
    {
      g_debug ("No connection, dropping a packet for %s", sio_packet_get_namespace (packet));
      return;
    }

  text = sio_packet_encode (packet, &attachments);
  sio_engine_client_send_text (self->engine, text);
  for (guint i = 0; i < attachments->len; i++)
    sio_engine_client_send_binary (self->engine, g_ptr_array_index (attachments, i));
}

/* manager.ts _destroy(): the last active socket left, so the connection goes. */
void
_sio_manager_destroy_socket (SioManager      *self,
                             SioClientSocket *socket)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->sockets);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (_sio_client_socket_is_active (value))
      return;

  close_connection (self);
}

void
_sio_manager_forget_socket (SioManager      *self,
                            SioClientSocket *socket)
{
  const char *nsp = sio_client_socket_get_namespace (socket);

  if (g_hash_table_lookup (self->sockets, nsp) == socket)
    g_hash_table_remove (self->sockets, nsp);
}

/* ---- Public API ------------------------------------------------------------------------- */

/**
 * sio_manager_new:
 * @uri: the server, e.g. `http://127.0.0.1:3000`
 *
 * Creates a manager with its own libsoup session. Nothing connects until a socket of it does
 * (or [method@Manager.open] is called).
 *
 * Returns: (transfer full): a new manager
 */
SioManager *
sio_manager_new (const char *uri)
{
  g_return_val_if_fail (uri != NULL, NULL);

  return g_object_new (SIO_TYPE_MANAGER, "uri", uri, NULL);
}

/**
 * sio_manager_new_with_session:
 * @uri: the server
 * @session: the libsoup session to use
 *
 * Like [ctor@Manager.new], sharing @session.
 *
 * Returns: (transfer full): a new manager
 */
SioManager *
sio_manager_new_with_session (const char  *uri,
                              SoupSession *session)
{
  g_return_val_if_fail (uri != NULL, NULL);
  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);

  return g_object_new (SIO_TYPE_MANAGER, "uri", uri, "session", session, NULL);
}

/**
 * sio_manager_get_uri:
 * @self: a manager
 *
 * Returns: the server URI
 */
const char *
sio_manager_get_uri (SioManager *self)
{
  g_return_val_if_fail (SIO_IS_MANAGER (self), NULL);

  return self->uri;
}

/**
 * sio_manager_get_session:
 * @self: a manager
 *
 * Returns: (transfer none): the libsoup session
 */
SoupSession *
sio_manager_get_session (SioManager *self)
{
  g_return_val_if_fail (SIO_IS_MANAGER (self), NULL);

  return self->session;
}

/**
 * sio_manager_socket:
 * @self: a manager
 * @nsp: (nullable): a namespace such as `/chat`; %NULL for the main namespace `/`
 *
 * Returns the socket for @nsp, creating it if needed: while a socket of a namespace is alive,
 * this returns that same socket. It does not connect: see [method@ClientSocket.connect].
 *
 * Returns: (transfer full): the socket
 */
SioClientSocket *
sio_manager_socket (SioManager *self,
                    const char *nsp)
{
  SioClientSocket *socket;

  g_return_val_if_fail (SIO_IS_MANAGER (self), NULL);
  g_return_val_if_fail (nsp == NULL || (nsp[0] == '/' && strchr (nsp, ',') == NULL), NULL);

  if (nsp == NULL)
    nsp = "/";

  socket = g_hash_table_lookup (self->sockets, nsp);
  if (socket != NULL)
    return g_object_ref (socket);

  socket = _sio_client_socket_new (self, nsp);
  g_hash_table_insert (self->sockets, g_strdup (nsp), socket);
  return socket;
}

/**
 * sio_manager_add_query_param:
 * @self: a manager
 * @name: the parameter name
 * @value: its value
 *
 * Adds a parameter to the query of every request; see
 * [method@EngineClient.add_query_param]. Applies to connections opened afterwards.
 */
void
sio_manager_add_query_param (SioManager *self,
                             const char *name,
                             const char *value)
{
  g_return_if_fail (SIO_IS_MANAGER (self));
  g_return_if_fail (name != NULL && value != NULL);

  g_ptr_array_add (self->query, g_strdup (name));
  g_ptr_array_add (self->query, g_strdup (value));
}

/**
 * sio_manager_add_header:
 * @self: a manager
 * @name: a header name
 * @value: its value
 *
 * Adds a header to every request; see [method@EngineClient.add_header]. Applies to
 * connections opened afterwards.
 */
void
sio_manager_add_header (SioManager *self,
                        const char *name,
                        const char *value)
{
  g_return_if_fail (SIO_IS_MANAGER (self));
  g_return_if_fail (name != NULL && value != NULL);

  g_ptr_array_add (self->headers, g_strdup (name));
  g_ptr_array_add (self->headers, g_strdup (value));
}

/**
 * sio_manager_open:
 * @self: a manager
 *
 * Opens a connection now, if none is open or opening. Sockets do this themselves when they
 * connect.
 */
void
sio_manager_open (SioManager *self)
{
  g_return_if_fail (SIO_IS_MANAGER (self));

  open_connection (self, FALSE);
}

/**
 * sio_manager_close:
 * @self: a manager
 *
 * Closes the connection and stops reconnecting. Connected sockets see "disconnect" with "io
 * client disconnect"; they connect again with [method@ClientSocket.connect].
 */
void
sio_manager_close (SioManager *self)
{
  g_return_if_fail (SIO_IS_MANAGER (self));

  close_connection (self);
}

/**
 * sio_manager_is_open:
 * @self: a manager
 *
 * Returns: whether a connection is open
 */
gboolean
sio_manager_is_open (SioManager *self)
{
  g_return_val_if_fail (SIO_IS_MANAGER (self), FALSE);

  return self->state == STATE_OPEN;
}

/**
 * sio_manager_get_engine:
 * @self: a manager
 *
 * Returns: (transfer none) (nullable): the Engine.IO client of the current connection
 */
SioEngineClient *
sio_manager_get_engine (SioManager *self)
{
  g_return_val_if_fail (SIO_IS_MANAGER (self), NULL);

  return self->engine;
}

/**
 * sio_manager_get_transports:
 * @self: a manager
 *
 * Returns: the transports connections may use
 */
SioEngineTransports
sio_manager_get_transports (SioManager *self)
{
  g_return_val_if_fail (SIO_IS_MANAGER (self), 0);

  return self->transports;
}

/**
 * sio_manager_set_transports:
 * @self: a manager
 * @transports: the transports connections may use
 *
 * See [method@EngineClient.set_transports]; applies to connections opened afterwards.
 */
void
sio_manager_set_transports (SioManager          *self,
                            SioEngineTransports  transports)
{
  g_return_if_fail (SIO_IS_MANAGER (self));

  if (self->transports == transports)
    return;

  self->transports = transports;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRANSPORTS]);
}

/**
 * sio_manager_get_upgrade:
 * @self: a manager
 *
 * Returns: whether polling connections upgrade to WebSocket
 */
gboolean
sio_manager_get_upgrade (SioManager *self)
{
  g_return_val_if_fail (SIO_IS_MANAGER (self), FALSE);

  return self->upgrade;
}

/**
 * sio_manager_set_upgrade:
 * @self: a manager
 * @upgrade: whether to upgrade
 *
 * Sets whether polling connections upgrade to WebSocket.
 */
void
sio_manager_set_upgrade (SioManager *self,
                         gboolean    upgrade)
{
  g_return_if_fail (SIO_IS_MANAGER (self));

  upgrade = !!upgrade;
  if (self->upgrade == upgrade)
    return;

  self->upgrade = upgrade;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UPGRADE]);
}

/**
 * sio_manager_get_reconnection:
 * @self: a manager
 *
 * Returns: whether lost connections are tried again
 */
gboolean
sio_manager_get_reconnection (SioManager *self)
{
  g_return_val_if_fail (SIO_IS_MANAGER (self), FALSE);

  return self->reconnection;
}

/**
 * sio_manager_set_reconnection:
 * @self: a manager
 * @reconnection: whether to reconnect
 *
 * Sets whether lost or failed connections are tried again. Turning it off also stops a
 * reconnection under way after its current attempt.
 */
void
sio_manager_set_reconnection (SioManager *self,
                              gboolean    reconnection)
{
  g_return_if_fail (SIO_IS_MANAGER (self));

  reconnection = !!reconnection;
  if (self->reconnection == reconnection)
    return;

  self->reconnection = reconnection;
  if (!reconnection)
    self->skip_reconnect = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECONNECTION]);
}

/**
 * sio_manager_get_reconnection_attempts:
 * @self: a manager
 *
 * Returns: how many attempts in a row are made, %G_MAXUINT for no limit
 */
guint
sio_manager_get_reconnection_attempts (SioManager *self)
{
  g_return_val_if_fail (SIO_IS_MANAGER (self), 0);

  return self->reconnection_attempts;
}

/**
 * sio_manager_set_reconnection_attempts:
 * @self: a manager
 * @attempts: how many, %G_MAXUINT for no limit
 *
 * Sets how many reconnection attempts in a row are made before
 * [signal@Manager::reconnect-failed].
 */
void
sio_manager_set_reconnection_attempts (SioManager *self,
                                       guint       attempts)
{
  g_return_if_fail (SIO_IS_MANAGER (self));

  if (self->reconnection_attempts == attempts)
    return;

  self->reconnection_attempts = attempts;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECONNECTION_ATTEMPTS]);
}

/**
 * sio_manager_get_reconnection_delay:
 * @self: a manager
 *
 * Returns: the wait before the first reconnection attempt, in ms
 */
guint
sio_manager_get_reconnection_delay (SioManager *self)
{
  g_return_val_if_fail (SIO_IS_MANAGER (self), 0);

  return self->reconnection_delay;
}

/**
 * sio_manager_set_reconnection_delay:
 * @self: a manager
 * @msec: the wait before the first attempt
 *
 * Sets the initial reconnection delay; each further attempt waits twice as long.
 */
void
sio_manager_set_reconnection_delay (SioManager *self,
                                    guint       msec)
{
  g_return_if_fail (SIO_IS_MANAGER (self));

  if (self->reconnection_delay == msec)
    return;

  self->reconnection_delay = msec;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECONNECTION_DELAY]);
}

/**
 * sio_manager_get_reconnection_delay_max:
 * @self: a manager
 *
 * Returns: the longest wait between two attempts, in ms
 */
guint
sio_manager_get_reconnection_delay_max (SioManager *self)
{
  g_return_val_if_fail (SIO_IS_MANAGER (self), 0);

  return self->reconnection_delay_max;
}

/**
 * sio_manager_set_reconnection_delay_max:
 * @self: a manager
 * @msec: the longest wait
 *
 * Caps the wait between two reconnection attempts.
 */
void
sio_manager_set_reconnection_delay_max (SioManager *self,
                                        guint       msec)
{
  g_return_if_fail (SIO_IS_MANAGER (self));

  if (self->reconnection_delay_max == msec)
    return;

  self->reconnection_delay_max = msec;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECONNECTION_DELAY_MAX]);
}

/**
 * sio_manager_get_randomization_factor:
 * @self: a manager
 *
 * Returns: how far reconnection delays are moved at random
 */
double
sio_manager_get_randomization_factor (SioManager *self)
{
  g_return_val_if_fail (SIO_IS_MANAGER (self), 0);

  return self->randomization_factor;
}

/**
 * sio_manager_set_randomization_factor:
 * @self: a manager
 * @factor: from 0 (no jitter) to 1
 *
 * Sets the jitter of reconnection delays.
 */
void
sio_manager_set_randomization_factor (SioManager *self,
                                      double      factor)
{
  g_return_if_fail (SIO_IS_MANAGER (self));
  g_return_if_fail (factor >= 0 && factor <= 1);

  if (self->randomization_factor == factor)
    return;

  self->randomization_factor = factor;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RANDOMIZATION_FACTOR]);
}

/**
 * sio_manager_get_timeout:
 * @self: a manager
 *
 * Returns: how long opening a connection may take, in ms, 0 for no limit
 */
guint
sio_manager_get_timeout (SioManager *self)
{
  g_return_val_if_fail (SIO_IS_MANAGER (self), 0);

  return self->timeout;
}

/**
 * sio_manager_set_timeout:
 * @self: a manager
 * @msec: the limit, 0 for none
 *
 * Sets how long opening a connection may take before it fails with %SIO_ERROR_TIMEOUT.
 */
void
sio_manager_set_timeout (SioManager *self,
                         guint       msec)
{
  g_return_if_fail (SIO_IS_MANAGER (self));

  if (self->timeout == msec)
    return;

  self->timeout = msec;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}
