/* sio-http-listener.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * Accepts TCP connections for a SoupServer, instead of soup_server_listen(), because a server
 * every device on the LAN can reach needs what SoupServer's own listener does not do:
 *
 *  - caps: connections in all and per address, checked before a byte is read, so a flood of
 *    idle connections cannot eat every file descriptor;
 *  - a request timeout: from the moment a connection is accepted (or a keep-alive connection
 *    starts its next request) until the request's headers and body are all in. Without it a
 *    client that trickles a header a minute (slowloris) holds its connection forever;
 *  - addresses read once, at accept: SoupServer reads the peer's address lazily (for a
 *    handler, or when a WebSocket steals the connection) and warns when the peer has gone by
 *    then, which a client that connects and resets provokes at will;
 *  - an accept loop that survives: libsoup 3.2's stops for good at the first failed accept
 *    (out of descriptors, say), and leaks every socket it accepts (see build-aux/lsan.supp);
 *    this one pauses for a moment and takes up to 64 connections per wake-up.
 *
 * Accepted connections go to libsoup with soup_server_accept_iostream(); HTTP, handlers and
 * stealing for WebSocket are SoupServer's as before. A connection has ended when its socket is
 * closed, by libsoup or by whoever stole the stream; closed ones are swept once a second and
 * before a cap says no.
 */

#include "config.h"

#include "sio-http-listener.h"
#include "sio-address-counts.h"
#include "sio-http-head.h"
#include "sio-http-private.h"
#include "engine/sio-deadline-queue.h"
#include "engine/sio-tcp.h"

#define DEFAULT_MAX_CONNECTIONS           10000
#define DEFAULT_MAX_CONNECTIONS_PER_ADDR  64
#define DEFAULT_REQUEST_TIMEOUT_MS        30000
/* libsoup's own listen uses 10, and a room of phones reconnecting at once (or a benchmark's
 * ramp) then sees SYNs dropped and retried a second later. Linux caps it at somaxconn. */
#define LISTEN_BACKLOG                    1024
/* A flood of refused connections gets one log line per reason and second, not one each. */
#define REJECT_REPORT_INTERVAL_US         G_USEC_PER_SEC
#define SWEEP_INTERVAL_S                  1
/* Bounded, so a connect storm still leaves every other source its turn. */
#define MAX_ACCEPTS_PER_DISPATCH          64
#define ACCEPT_PAUSE_MS                   100

typedef enum
{
  REJECT_TOTAL,
  REJECT_PER_ADDRESS,
  REJECT_TIMEOUT,
  N_REJECT_KINDS
} RejectKind;

typedef struct
{
  SioHttpListener *listener;   /* unowned; NULL once the listener is gone */
  GSocket         *socket;     /* owned */
  GSocketAddress  *remote;     /* owned, libsoup's too (connections are found by it); NULL once
                                * the fast path took the connection */
  GSocketAddress  *local;      /* owned, until handed to libsoup */
  char            *address;    /* owned: the peer's IP address as text */
  gboolean         per_address;
  GSource         *sniff;      /* waiting for the first bytes, for the upgrade fast path */
  SioDeadline      deadline;
} Connection;

struct _SioHttpListener
{
  GObject parent_instance;

  SoupServer *server;
  GPtrArray  *listen_sockets;   /* GSocket * */
  GPtrArray  *listen_sources;   /* GSource *, one per listening socket */
  GSocket    *decoy;            /* see give_libsoup_a_listener() */
  GHashTable *connections;      /* Connection * set, owned */
  GHashTable *per_address;      /* char * -> count */
  SioDeadlineQueue *request_deadlines;

  guint    max_connections;
  guint    max_per_address;
  gboolean limit_loopback;
  guint    request_timeout_ms;
  guint    sweep_id;
  guint    resume_id;

  gint64   last_report[N_REJECT_KINDS];
  guint    unreported[N_REJECT_KINDS];
};

G_DEFINE_FINAL_TYPE (SioHttpListener, sio_http_listener, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_MAX_CONNECTIONS,
  PROP_MAX_CONNECTIONS_PER_ADDRESS,
  PROP_LIMIT_LOOPBACK,
  PROP_REQUEST_TIMEOUT,
  N_PROPS
};

enum {
  REJECTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Not G_DEFINE_QUARK: that defines global functions. */
static GQuark
connection_quark (void)
{
  return g_quark_from_static_string ("sio-http-listener-connection");
}

static GQuark
upgrade_quark (void)
{
  return g_quark_from_static_string ("sio-http-upgrade-hook");
}

typedef struct
{
  SioHttpUpgradeFunc func;
  gpointer           user_data;
} UpgradeHook;

/**
 * _sio_http_set_upgrade_func:
 * @server: the server the function answers WebSocket upgrades for
 * @func: (nullable): called with each plain upgrade request head a #SioHttpListener of
 *   @server sees first, the bytes still unread (peeked at): to take the connection it reads
 *   the head's bytes off the socket and returns %TRUE; returning %FALSE it leaves them. %NULL: no fast path, if @user_data's was
 *   the one set.
 * @user_data: for @func
 */
void
_sio_http_set_upgrade_func (SoupServer         *server,
                            SioHttpUpgradeFunc  func,
                            gpointer            user_data)
{
  UpgradeHook *hook = NULL;
  UpgradeHook *current = g_object_get_qdata (G_OBJECT (server), upgrade_quark ());

  /* Clearing: only the function of whoever asks (another endpoint may have set its own). */
  if (func == NULL && (current == NULL || current->user_data != user_data))
    return;
  if (func != NULL)
    {
      hook = g_new0 (UpgradeHook, 1);
      hook->func = func;
      hook->user_data = user_data;
    }
  g_object_set_qdata_full (G_OBJECT (server), upgrade_quark (), hook, g_free);
}

static GQuark
socket_quark (void)
{
  return g_quark_from_static_string ("sio-http-listener-socket");
}

static void
report (SioHttpListener *self,
        RejectKind       kind,
        const char      *address,
        const char      *reason)
{
  gint64 now = g_get_monotonic_time ();
  g_autofree char *line = NULL;

  if (self->last_report[kind] != 0 && now - self->last_report[kind] < REJECT_REPORT_INTERVAL_US)
    {
      self->unreported[kind]++;
      return;
    }

  if (self->unreported[kind] > 0)
    line = g_strdup_printf ("%s (and %u more since the last report)", reason, self->unreported[kind]);
  self->last_report[kind] = now;
  self->unreported[kind] = 0;
  g_signal_emit (self, signals[REJECTED], 0, address, line ? line : reason);
}

static char *
address_string (GSocketAddress *remote)
{
  if (G_IS_INET_SOCKET_ADDRESS (remote))
    return g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)));
  return g_strdup ("?");
}

static void
connection_free (Connection *conn)
{
  SioHttpListener *self = conn->listener;

  _sio_deadline_cancel (&conn->deadline);
  if (self != NULL && conn->per_address)
    _sio_address_counts_remove (self->per_address, conn->address);
  if (conn->sniff != NULL)
    {
      g_source_destroy (conn->sniff);
      g_source_unref (conn->sniff);
    }
  if (conn->remote != NULL)
    {
      g_object_set_qdata (G_OBJECT (conn->remote), connection_quark (), NULL);
      g_object_set_qdata (G_OBJECT (conn->remote), socket_quark (), NULL);
    }
  g_clear_object (&conn->remote);
  g_clear_object (&conn->local);
  g_object_unref (conn->socket);
  g_free (conn->address);
  g_free (conn);
}

static gboolean
sweep_if_closed (gpointer key,
                 gpointer value,
                 gpointer user_data)
{
  Connection *conn = key;

  if (!g_socket_is_closed (conn->socket))
    return FALSE;
  connection_free (conn);
  return TRUE;
}

static void
sweep (SioHttpListener *self)
{
  g_hash_table_foreach_remove (self->connections, sweep_if_closed, NULL);
}

static gboolean
on_sweep (gpointer data)
{
  SioHttpListener *self = data;

  sweep (self);
  if (g_hash_table_size (self->connections) > 0)
    return G_SOURCE_CONTINUE;
  self->sweep_id = 0;
  return G_SOURCE_REMOVE;
}

static void
on_request_timeout (gpointer owner,
                    gpointer user_data)
{
  Connection *conn = owner;
  SioHttpListener *self = user_data;
  g_autofree char *reason = g_strdup_printf ("closed: no complete request within %g s",
                                             self->request_timeout_ms / 1000.0);

  report (self, REJECT_TIMEOUT, conn->address, reason);
  /* Shutdown, not close: libsoup still polls the descriptor; it reads end of file and tears the
   * connection down itself. */
  g_socket_shutdown (conn->socket, TRUE, TRUE, NULL);
}

static Connection *
connection_for_message (SoupServerMessage *msg)
{
  GSocketAddress *remote;

  /* Connections SoupServer accepted itself are not ours (and asking for their address could
   * make libsoup warn). */
  if (soup_server_message_get_socket (msg) != NULL)
    return NULL;
  remote = soup_server_message_get_remote_address (msg);
  return remote ? g_object_get_qdata (G_OBJECT (remote), connection_quark ()) : NULL;
}

/* The GSocket under a request, for whoever steals its connection: SoupServer knows it only for
 * connections it accepted itself; ours hang it on the address object libsoup was given. */
GSocket *
_sio_http_message_get_socket (SoupServerMessage *msg)
{
  GSocket *socket = soup_server_message_get_socket (msg);
  GSocketAddress *remote;

  if (socket != NULL)
    return socket;
  remote = soup_server_message_get_remote_address (msg);
  return remote ? g_object_get_qdata (G_OBJECT (remote), socket_quark ()) : NULL;
}

static void
on_request_started (SoupServer        *server,
                    SoupServerMessage *msg,
                    SioHttpListener   *self)
{
  Connection *conn = connection_for_message (msg);

  if (conn != NULL && conn->listener == self)
    _sio_deadline_queue_push (self->request_deadlines, &conn->deadline, conn);
}

static void
on_request_read (SoupServer        *server,
                 SoupServerMessage *msg,
                 SioHttpListener   *self)
{
  Connection *conn = connection_for_message (msg);

  if (conn != NULL)
    _sio_deadline_cancel (&conn->deadline);
}

/* TRUE if @address may have one more connection. */
static gboolean
admit (SioHttpListener *self,
       GSocketAddress  *remote,
       const char      *address,
       gboolean        *per_address)
{
  g_autofree char *key = NULL;
  guint count;

  if (self->max_connections != 0 && g_hash_table_size (self->connections) >= self->max_connections)
    sweep (self);
  if (self->max_connections != 0 && g_hash_table_size (self->connections) >= self->max_connections)
    {
      report (self, REJECT_TOTAL, address, "refused: too many connections");
      return FALSE;
    }

  key = _sio_address_counts_key (remote, self->max_per_address, self->limit_loopback);
  *per_address = key != NULL;
  if (!*per_address)
    return TRUE;

  count = _sio_address_counts_get (self->per_address, key);
  if (count >= self->max_per_address)
    {
      sweep (self);
      count = _sio_address_counts_get (self->per_address, key);
    }
  if (count >= self->max_per_address)
    {
      report (self, REJECT_PER_ADDRESS, address, "refused: too many connections from this address");
      return FALSE;
    }
  _sio_address_counts_add (self->per_address, key);
  return TRUE;
}

static void
hand_to_libsoup (Connection *conn)
{
  g_autoptr(GSocketConnection) stream = NULL;
  g_autoptr(GSocketAddress) local = g_steal_pointer (&conn->local);

  stream = g_socket_connection_factory_create_connection (conn->socket);
  soup_server_accept_iostream (conn->listener->server, G_IO_STREAM (stream), local, conn->remote, NULL);
}

static gboolean on_sniff_ready (GSocket      *socket,
                                GIOCondition  condition,
                                Connection   *conn);

/* The WebSocket fast path: a connection whose first bytes are a whole, plain upgrade request
 * for an endpoint that registered (_sio_http_set_upgrade_func()) is answered there, without
 * libsoup's per-connection and per-request objects; everything else goes to libsoup
 * untouched, since the bytes are only peeked at. A head that comes in pieces goes to libsoup
 * too: waiting for the rest here would mean polling a socket that stays readable. */
static void
sniff (Connection *conn)
{
  UpgradeHook *hook = g_object_get_qdata (G_OBJECT (conn->listener->server), upgrade_quark ());
  char buf[SIO_HTTP_HEAD_MAX_SIZE];
  GInputVector vector = { buf, sizeof buf };
  int flags = G_SOCKET_MSG_PEEK;
  g_autoptr(GError) error = NULL;
  SioHttpHead head;
  gssize n;

  /* No *_with_blocking() variant takes flags (MSG_PEEK): the socket is made non-blocking
   * around the call instead. */
  g_socket_set_blocking (conn->socket, FALSE);
  n = g_socket_receive_message (conn->socket, NULL, &vector, 1, NULL, NULL, &flags, NULL, &error);
  g_socket_set_blocking (conn->socket, TRUE);

  if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    {
      if (conn->sniff == NULL)
        {
          conn->sniff = g_socket_create_source (conn->socket, G_IO_IN, NULL);
          g_source_set_callback (conn->sniff, G_SOURCE_FUNC (on_sniff_ready), conn, NULL);
          g_source_set_static_name (conn->sniff, "[sio] http first bytes");
          g_source_attach (conn->sniff, g_main_context_get_thread_default ());
        }
      return;
    }

  if (n <= 0)
    {
      /* Gone before a byte; the sweep forgets it. */
      g_socket_close (conn->socket, NULL);
      return;
    }

  if (hook != NULL && _sio_http_head_parse (buf, n, &head) == SIO_HTTP_HEAD_COMPLETE &&
      hook->func (hook->user_data, conn->socket, conn->remote, &head))
    {
      /* Only the socket is left to watch: no libsoup message will look for its address. */
      _sio_deadline_cancel (&conn->deadline);
      g_clear_object (&conn->local);
      g_object_set_qdata (G_OBJECT (conn->remote), connection_quark (), NULL);
      g_object_set_qdata (G_OBJECT (conn->remote), socket_quark (), NULL);
      g_clear_object (&conn->remote);
      return;
    }

  hand_to_libsoup (conn);
}

static gboolean
on_sniff_ready (GSocket      *socket,
                GIOCondition  condition,
                Connection   *conn)
{
  g_clear_pointer (&conn->sniff, g_source_unref);
  sniff (conn);
  return G_SOURCE_REMOVE;
}

static void
accept_one (SioHttpListener *self,
            GSocket         *client)
{
  g_autoptr(GSocketAddress) remote = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GSocketConnection) stream = NULL;
  g_autofree char *address = NULL;
  gboolean per_address = FALSE;
  Connection *conn;

  /* A peer that is already gone has no address: nothing to serve, nothing to report. */
  remote = g_socket_get_remote_address (client, NULL);
  local = g_socket_get_local_address (client, NULL);
  if (remote == NULL || local == NULL)
    {
      g_socket_close (client, NULL);
      return;
    }

  address = address_string (remote);
  if (!admit (self, remote, address, &per_address))
    {
      g_socket_close (client, NULL);
      return;
    }

  _sio_tcp_set_nodelay (client);
  conn = g_new0 (Connection, 1);
  conn->listener = self;
  conn->socket = g_object_ref (client);
  conn->remote = g_object_ref (remote);
  conn->address = g_steal_pointer (&address);
  conn->per_address = per_address;
  g_hash_table_add (self->connections, conn);
  if (self->sweep_id == 0)
    self->sweep_id = g_timeout_add_seconds (SWEEP_INTERVAL_S, on_sweep, self);

  conn->local = g_object_ref (local);
  /* No reference: the record holds the socket, and clears this when it goes. A reference here
   * would tie the socket's life to libsoup's address object, and its to ours. */
  g_object_set_qdata (G_OBJECT (remote), socket_quark (), client);
  g_object_set_qdata (G_OBJECT (remote), connection_quark (), conn);
  _sio_deadline_queue_push (self->request_deadlines, &conn->deadline, conn);

  if (self->server != NULL && g_object_get_qdata (G_OBJECT (self->server), upgrade_quark ()) != NULL)
    sniff (conn);
  else
    hand_to_libsoup (conn);
}

static gboolean on_incoming (GSocket         *listen_socket,
                             GIOCondition     condition,
                             SioHttpListener *self);

static void
watch (SioHttpListener *self,
       guint            index)
{
  GSource *source = g_socket_create_source (g_ptr_array_index (self->listen_sockets, index), G_IO_IN, NULL);

  g_source_set_callback (source, G_SOURCE_FUNC (on_incoming), self, NULL);
  g_source_set_static_name (source, "[sio] http listener");
  g_source_attach (source, g_main_context_get_thread_default ());
  if (index < self->listen_sources->len)
    {
      g_source_unref (g_ptr_array_index (self->listen_sources, index));
      g_ptr_array_index (self->listen_sources, index) = source;
    }
  else
    g_ptr_array_add (self->listen_sources, source);
}

static gboolean
on_resume (gpointer data)
{
  SioHttpListener *self = data;

  self->resume_id = 0;
  for (guint i = 0; i < self->listen_sockets->len; i++)
    watch (self, i);
  return G_SOURCE_REMOVE;
}

static gboolean
on_incoming (GSocket         *listen_socket,
             GIOCondition     condition,
             SioHttpListener *self)
{
  for (guint i = 0; i < MAX_ACCEPTS_PER_DISPATCH; i++)
    {
      g_autoptr(GSocket) client = NULL;
      g_autoptr(GError) error = NULL;

      client = g_socket_accept (listen_socket, NULL, &error);
      if (client != NULL)
        {
          accept_one (self, client);
          continue;
        }

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        break;

      /* Out of file descriptors, most likely. The pending connection stays queued and the
       * socket stays readable, so watching on would spin: stop accepting for a moment. */
      report (self, REJECT_TOTAL, "?", error->message);
      for (guint j = 0; j < self->listen_sources->len; j++)
        g_source_destroy (g_ptr_array_index (self->listen_sources, j));
      if (self->resume_id == 0)
        self->resume_id = g_timeout_add (ACCEPT_PAUSE_MS, on_resume, self);
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

/* soup_server_disconnect() drops the decoy with the rest. */
static gboolean
server_has_own_listener (SioHttpListener *self)
{
  GSList *listeners = soup_server_get_listeners (self->server);
  gboolean found = listeners != NULL;

  g_slist_free (listeners);
  return found;
}

/* libsoup 3.2 keeps a connection alive after a response only on a server with a listener of
 * its own (soup-server.c, request_finished()). It gets one that can never accept anything: a
 * loopback socket that listens and is then shut down, which ends its listening on Linux (its
 * watch wakes once, fails to accept and goes). Where shutting down a listening socket does
 * nothing, it stays listening on a random loopback port, served by libsoup as before. */
static gboolean
give_libsoup_a_listener (SioHttpListener  *self,
                         GError          **error)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocket) socket = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return FALSE;
  g_socket_set_listen_backlog (socket, 1);
  if (!g_socket_bind (socket, address, FALSE, error) || !g_socket_listen (socket, error) ||
      !soup_server_listen_socket (self->server, socket, 0, error))
    return FALSE;
  g_socket_shutdown (socket, TRUE, FALSE, NULL);
  g_set_object (&self->decoy, socket);
  return TRUE;
}

/* ---- GObject ---------------------------------------------------------------------------- */

static gboolean
free_connection_entry (gpointer key,
                       gpointer value,
                       gpointer user_data)
{
  Connection *conn = key;

  conn->listener = NULL;
  connection_free (conn);
  return TRUE;
}

static void
sio_http_listener_dispose (GObject *object)
{
  SioHttpListener *self = (SioHttpListener *) object;

  g_clear_handle_id (&self->sweep_id, g_source_remove);
  sio_http_listener_disconnect (self);
  g_clear_object (&self->decoy);
  if (self->server != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->server, self);
      g_clear_object (&self->server);
    }

  G_OBJECT_CLASS (sio_http_listener_parent_class)->dispose (object);
}

static void
sio_http_listener_finalize (GObject *object)
{
  SioHttpListener *self = (SioHttpListener *) object;

  /* Connections still open are libsoup's to end; only our records of them go. */
  g_hash_table_foreach_remove (self->connections, (GHRFunc) free_connection_entry, NULL);
  g_hash_table_unref (self->connections);
  g_hash_table_unref (self->per_address);
  g_ptr_array_unref (self->listen_sockets);
  g_ptr_array_unref (self->listen_sources);
  _sio_deadline_queue_free (self->request_deadlines);

  G_OBJECT_CLASS (sio_http_listener_parent_class)->finalize (object);
}

static void
sio_http_listener_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  SioHttpListener *self = SIO_HTTP_LISTENER (object);

  switch (prop_id)
    {
    case PROP_MAX_CONNECTIONS:
      g_value_set_uint (value, self->max_connections);
      break;
    case PROP_MAX_CONNECTIONS_PER_ADDRESS:
      g_value_set_uint (value, self->max_per_address);
      break;
    case PROP_LIMIT_LOOPBACK:
      g_value_set_boolean (value, self->limit_loopback);
      break;
    case PROP_REQUEST_TIMEOUT:
      g_value_set_uint (value, self->request_timeout_ms);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sio_http_listener_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  SioHttpListener *self = SIO_HTTP_LISTENER (object);

  switch (prop_id)
    {
    case PROP_MAX_CONNECTIONS:
      sio_http_listener_set_max_connections (self, g_value_get_uint (value));
      break;
    case PROP_MAX_CONNECTIONS_PER_ADDRESS:
      sio_http_listener_set_max_connections_per_address (self, g_value_get_uint (value));
      break;
    case PROP_LIMIT_LOOPBACK:
      sio_http_listener_set_limit_loopback (self, g_value_get_boolean (value));
      break;
    case PROP_REQUEST_TIMEOUT:
      sio_http_listener_set_request_timeout (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sio_http_listener_class_init (SioHttpListenerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sio_http_listener_dispose;
  object_class->finalize = sio_http_listener_finalize;
  object_class->get_property = sio_http_listener_get_property;
  object_class->set_property = sio_http_listener_set_property;

  /**
   * SioHttpListener:max-connections:
   *
   * Open connections in all; one more is closed as soon as it is accepted. 0: no cap.
   */
  properties[PROP_MAX_CONNECTIONS] =
    g_param_spec_uint ("max-connections", NULL, NULL, 0, G_MAXUINT, DEFAULT_MAX_CONNECTIONS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * SioHttpListener:max-connections-per-address:
   *
   * Open connections from one IP address. 0: no cap. Loopback addresses are not counted unless
   * #SioHttpListener:limit-loopback is set.
   */
  properties[PROP_MAX_CONNECTIONS_PER_ADDRESS] =
    g_param_spec_uint ("max-connections-per-address", NULL, NULL, 0, G_MAXUINT, DEFAULT_MAX_CONNECTIONS_PER_ADDR,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LIMIT_LOOPBACK] =
    g_param_spec_boolean ("limit-loopback", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * SioHttpListener:request-timeout:
   *
   * Milliseconds a connection has, from accept or from the start of its next request, until
   * that request (headers and body) is read; then it is closed.
   */
  properties[PROP_REQUEST_TIMEOUT] =
    g_param_spec_uint ("request-timeout", NULL, NULL, 1, G_MAXUINT, DEFAULT_REQUEST_TIMEOUT_MS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SioHttpListener::rejected:
   * @address: the peer's IP address
   * @reason: what was done and why, for a log
   *
   * A connection was refused or closed by a limit. Floods are summarized: at most one
   * emission per kind and second, the next one counting those left out.
   */
  signals[REJECTED] = g_signal_new ("rejected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                    G_TYPE_STRING, G_TYPE_STRING);
}

static void
sio_http_listener_init (SioHttpListener *self)
{
  self->listen_sockets = g_ptr_array_new_with_free_func (g_object_unref);
  self->listen_sources = g_ptr_array_new_with_free_func ((GDestroyNotify) g_source_unref);
  self->connections = g_hash_table_new (NULL, NULL);
  self->per_address = _sio_address_counts_new ();
  self->max_connections = DEFAULT_MAX_CONNECTIONS;
  self->max_per_address = DEFAULT_MAX_CONNECTIONS_PER_ADDR;
  self->request_timeout_ms = DEFAULT_REQUEST_TIMEOUT_MS;
  self->request_deadlines = _sio_deadline_queue_new (self->request_timeout_ms, on_request_timeout, self);
}

/* ---- Public API ------------------------------------------------------------------------- */

/**
 * sio_http_listener_new:
 * @server: the server that handles the connections
 *
 * Returns: (transfer full): a listener that listens nowhere yet
 */
SioHttpListener *
sio_http_listener_new (SoupServer *server)
{
  SioHttpListener *self;

  g_return_val_if_fail (SOUP_IS_SERVER (server), NULL);

  self = g_object_new (SIO_TYPE_HTTP_LISTENER, NULL);
  self->server = g_object_ref (server);
  g_signal_connect (server, "request-started", G_CALLBACK (on_request_started), self);
  g_signal_connect (server, "request-read", G_CALLBACK (on_request_read), self);
  return self;
}

/**
 * sio_http_listener_listen:
 * @self: a #SioHttpListener
 * @address: where to listen (port 0: any free port)
 * @error: return location for a #GError
 *
 * Returns: %TRUE if @self now also listens on @address
 */
gboolean
sio_http_listener_listen (SioHttpListener  *self,
                          GSocketAddress   *address,
                          GError          **error)
{
  g_autoptr(GSocket) socket = NULL;

  g_return_val_if_fail (SIO_IS_HTTP_LISTENER (self), FALSE);
  g_return_val_if_fail (G_IS_SOCKET_ADDRESS (address), FALSE);

  socket = g_socket_new (g_socket_address_get_family (address), G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return FALSE;

  /* The accept loop takes connections until there are none left, which must not block. */
  g_socket_set_blocking (socket, FALSE);
  g_socket_set_listen_backlog (socket, LISTEN_BACKLOG);
  if (!g_socket_bind (socket, address, TRUE, error) || !g_socket_listen (socket, error))
    return FALSE;

  if (!server_has_own_listener (self) && !give_libsoup_a_listener (self, error))
    return FALSE;
  g_ptr_array_add (self->listen_sockets, g_steal_pointer (&socket));
  watch (self, self->listen_sockets->len - 1);
  return TRUE;
}

/**
 * sio_http_listener_disconnect:
 * @self: a #SioHttpListener
 *
 * Stops listening and closes the listening sockets, so the port is free again. Connections
 * already accepted go on; soup_server_disconnect() ends them.
 */
void
sio_http_listener_disconnect (SioHttpListener *self)
{
  g_return_if_fail (SIO_IS_HTTP_LISTENER (self));

  g_clear_handle_id (&self->resume_id, g_source_remove);
  for (guint i = 0; i < self->listen_sources->len; i++)
    g_source_destroy (g_ptr_array_index (self->listen_sources, i));
  for (guint i = 0; i < self->listen_sockets->len; i++)
    g_socket_close (g_ptr_array_index (self->listen_sockets, i), NULL);
  g_ptr_array_set_size (self->listen_sources, 0);
  g_ptr_array_set_size (self->listen_sockets, 0);
}

/**
 * sio_http_listener_get_port:
 * @self: a #SioHttpListener
 *
 * Returns: the port of the first address @self listens on, 0 if none
 */
guint
sio_http_listener_get_port (SioHttpListener *self)
{
  g_autoptr(GSocketAddress) local = NULL;

  g_return_val_if_fail (SIO_IS_HTTP_LISTENER (self), 0);

  if (self->listen_sockets->len == 0)
    return 0;
  local = g_socket_get_local_address (g_ptr_array_index (self->listen_sockets, 0), NULL);
  return G_IS_INET_SOCKET_ADDRESS (local) ? g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local)) : 0;
}

guint
sio_http_listener_get_n_connections (SioHttpListener *self)
{
  g_return_val_if_fail (SIO_IS_HTTP_LISTENER (self), 0);

  sweep (self);
  return g_hash_table_size (self->connections);
}

guint
sio_http_listener_get_max_connections (SioHttpListener *self)
{
  g_return_val_if_fail (SIO_IS_HTTP_LISTENER (self), 0);

  return self->max_connections;
}

void
sio_http_listener_set_max_connections (SioHttpListener *self,
                                       guint            max_connections)
{
  g_return_if_fail (SIO_IS_HTTP_LISTENER (self));

  if (self->max_connections == max_connections)
    return;
  self->max_connections = max_connections;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_CONNECTIONS]);
}

guint
sio_http_listener_get_max_connections_per_address (SioHttpListener *self)
{
  g_return_val_if_fail (SIO_IS_HTTP_LISTENER (self), 0);

  return self->max_per_address;
}

/* Connections already open keep counting (or not) as they did when they were accepted. */
void
sio_http_listener_set_max_connections_per_address (SioHttpListener *self,
                                                   guint            max_connections)
{
  g_return_if_fail (SIO_IS_HTTP_LISTENER (self));

  if (self->max_per_address == max_connections)
    return;
  self->max_per_address = max_connections;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_CONNECTIONS_PER_ADDRESS]);
}

gboolean
sio_http_listener_get_limit_loopback (SioHttpListener *self)
{
  g_return_val_if_fail (SIO_IS_HTTP_LISTENER (self), FALSE);

  return self->limit_loopback;
}

void
sio_http_listener_set_limit_loopback (SioHttpListener *self,
                                      gboolean         limit_loopback)
{
  g_return_if_fail (SIO_IS_HTTP_LISTENER (self));

  limit_loopback = !!limit_loopback;
  if (self->limit_loopback == limit_loopback)
    return;
  self->limit_loopback = limit_loopback;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LIMIT_LOOPBACK]);
}

guint
sio_http_listener_get_request_timeout (SioHttpListener *self)
{
  g_return_val_if_fail (SIO_IS_HTTP_LISTENER (self), 0);

  return self->request_timeout_ms;
}

void
sio_http_listener_set_request_timeout (SioHttpListener *self,
                                       guint            timeout_ms)
{
  g_return_if_fail (SIO_IS_HTTP_LISTENER (self));
  g_return_if_fail (timeout_ms > 0);

  if (self->request_timeout_ms == timeout_ms)
    return;
  self->request_timeout_ms = timeout_ms;
  _sio_deadline_queue_set_delay (self->request_deadlines, timeout_ms);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REQUEST_TIMEOUT]);
}
