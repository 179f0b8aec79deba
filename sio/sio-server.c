/* sio-server.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SioServer:
 *
 * The Socket.IO v5 server (protocol revision 5, over Engine.IO v4), as the Node reference
 * `socket.io` 4.8 behaves.
 *
 * It runs on a [class@EngineServer] attached to a caller's `SoupServer`, owns the namespaces
 * (static ones from [method@Server.of], dynamic ones from [method@Server.of_pattern]) and one
 * connection object per Engine.IO session, and serves the official browser client next to
 * the endpoint. Connection state recovery is on when max-disconnection-duration is set.
 */

#include "config.h"

#include "sio-client-bundle.h"
#include "sio-server-private.h"

#define DEFAULT_CONNECT_TIMEOUT 45000
#define PRUNE_INTERVAL_S 60

enum {
  PROP_0,
  PROP_CONNECT_TIMEOUT,
  PROP_MAX_DISCONNECTION_DURATION,
  PROP_SKIP_MIDDLEWARES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (SioServer, sio_server, G_TYPE_OBJECT)

static void
on_engine_connection (SioEngineServer *engine,
                      SioEngineSocket *socket,
                      SioServer       *self)
{
  SioConnection *conn = _sio_connection_new (self, socket);

  g_hash_table_add (self->connections, conn);
}

static gboolean
prune_sessions (gpointer user_data)
{
  SioServer *self = user_data;
  gint64 threshold = g_get_monotonic_time () - (gint64) self->max_disconnection_duration * 1000;
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->namespaces);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    _sio_namespace_prune (value, threshold);

  return G_SOURCE_CONTINUE;
}

static void
sio_server_dispose (GObject *object)
{
  SioServer *self = (SioServer *) object;

  if (self->engine != NULL)
    {
      sio_server_close (self);
      g_signal_handlers_disconnect_by_data (self->engine, self);
    }
  g_clear_handle_id (&self->prune_id, g_source_remove);

  G_OBJECT_CLASS (sio_server_parent_class)->dispose (object);
}

static void
sio_server_finalize (GObject *object)
{
  SioServer *self = (SioServer *) object;

  g_clear_pointer (&self->connections, g_hash_table_unref);
  g_clear_pointer (&self->namespaces, g_hash_table_unref);
  g_clear_pointer (&self->parents, g_ptr_array_unref);
  g_clear_pointer (&self->connect_deadlines, _sio_deadline_queue_free);
  g_clear_object (&self->engine);

  G_OBJECT_CLASS (sio_server_parent_class)->finalize (object);
}

static void
sio_server_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  SioServer *self = SIO_SERVER (object);

  switch (prop_id)
    {
    case PROP_CONNECT_TIMEOUT:
      g_value_set_uint (value, self->connect_timeout);
      break;

    case PROP_MAX_DISCONNECTION_DURATION:
      g_value_set_uint (value, self->max_disconnection_duration);
      break;

    case PROP_SKIP_MIDDLEWARES:
      g_value_set_boolean (value, self->skip_middlewares);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sio_server_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  SioServer *self = SIO_SERVER (object);

  switch (prop_id)
    {
    case PROP_CONNECT_TIMEOUT:
      sio_server_set_connect_timeout (self, g_value_get_uint (value));
      break;

    case PROP_MAX_DISCONNECTION_DURATION:
      sio_server_set_max_disconnection_duration (self, g_value_get_uint (value));
      break;

    case PROP_SKIP_MIDDLEWARES:
      sio_server_set_skip_middlewares (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sio_server_class_init (SioServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sio_server_dispose;
  object_class->finalize = sio_server_finalize;
  object_class->get_property = sio_server_get_property;
  object_class->set_property = sio_server_set_property;

  properties[PROP_CONNECT_TIMEOUT] =
    g_param_spec_uint ("connect-timeout", NULL, NULL, 1, G_MAXINT, DEFAULT_CONNECT_TIMEOUT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_DISCONNECTION_DURATION] =
    g_param_spec_uint ("max-disconnection-duration", NULL, NULL, 0, G_MAXINT, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SKIP_MIDDLEWARES] =
    g_param_spec_boolean ("skip-middlewares", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sio_server_init (SioServer *self)
{
  self->connect_timeout = DEFAULT_CONNECT_TIMEOUT;
  self->skip_middlewares = TRUE;
  self->engine = sio_engine_server_new ();
  self->namespaces = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  self->parents = g_ptr_array_new_with_free_func (g_object_unref);
  self->connections = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  self->connect_deadlines = _sio_deadline_queue_new (self->connect_timeout, _sio_connection_connect_overdue, NULL);

  g_signal_connect (self->engine, "connection", G_CALLBACK (on_engine_connection), self);
  /* The main namespace always exists. */
  sio_server_of (self, "/");
}

/**
 * sio_server_new:
 *
 * Returns: (transfer full): a new server with the reference's defaults
 */
SioServer *
sio_server_new (void)
{
  return g_object_new (SIO_TYPE_SERVER, NULL);
}

/**
 * sio_server_get_engine:
 * @self: a server
 *
 * The Engine.IO server underneath, for its options (ping interval, max payload, CORS...).
 *
 * Returns: (transfer none): the engine server
 */
SioEngineServer *
sio_server_get_engine (SioServer *self)
{
  g_return_val_if_fail (SIO_IS_SERVER (self), NULL);

  return self->engine;
}

/**
 * sio_server_attach:
 * @self: a server
 * @server: the `SoupServer` to serve on
 * @path: the endpoint, usually "/socket.io/"
 * @error: return location for an error
 *
 * Serves Socket.IO at @path on @server, and the official browser client beside it
 * (`<path>socket.io.min.js` and friends).
 *
 * Returns: %TRUE on success
 */
gboolean
sio_server_attach (SioServer   *self,
                   SoupServer  *server,
                   const char  *path,
                   GError     **error)
{
  g_autofree char *prefix = NULL;

  g_return_val_if_fail (SIO_IS_SERVER (self), FALSE);
  g_return_val_if_fail (SOUP_IS_SERVER (server), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (!sio_engine_server_attach (self->engine, server, path, error))
    return FALSE;

  prefix = g_str_has_suffix (path, "/") ? g_strdup (path) : g_strconcat (path, "/", NULL);
  return sio_client_bundle_attach (server, prefix, error);
}

/**
 * sio_server_of:
 * @self: a server
 * @name: a namespace name, starting with "/"
 *
 * Returns: (transfer none): the namespace, created if needed
 */
SioNamespace *
sio_server_of (SioServer  *self,
               const char *name)
{
  SioNamespace *nsp;

  g_autofree char *normalized = NULL;

  g_return_val_if_fail (SIO_IS_SERVER (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  /* As the reference: "chat" means "/chat". */
  if (name[0] != '/')
    name = normalized = g_strconcat ("/", name, NULL);

  nsp = g_hash_table_lookup (self->namespaces, name);
  if (nsp != NULL)
    return nsp;

  /* A name a pattern namespace covers becomes its child, with its middlewares and handlers. */
  for (guint i = 0; i < self->parents->len; i++)
    {
      SioNamespace *parent = g_ptr_array_index (self->parents, i);

      if (_sio_namespace_matches (parent, name))
        {
          nsp = _sio_namespace_new_child (parent, name);
          g_hash_table_insert (self->namespaces, (char *) sio_namespace_get_name (nsp), nsp);
          return nsp;
        }
    }

  nsp = _sio_namespace_new (self, name);
  g_hash_table_insert (self->namespaces, (char *) sio_namespace_get_name (nsp), nsp);
  return nsp;
}

/**
 * sio_server_of_pattern:
 * @self: a server
 * @pattern: a regular expression namespace names must match
 * @error: return location for a regex error
 *
 * Creates a parent namespace: clients may connect to any matching name, and a child namespace
 * is made for each on first use, with the parent's middlewares.
 *
 * Returns: (transfer none) (nullable): the parent namespace
 */
SioNamespace *
sio_server_of_pattern (SioServer   *self,
                       const char  *pattern,
                       GError     **error)
{
  g_autoptr(GRegex) regex = NULL;
  SioNamespace *nsp;

  g_return_val_if_fail (SIO_IS_SERVER (self), NULL);
  g_return_val_if_fail (pattern != NULL, NULL);

  regex = g_regex_new (pattern, G_REGEX_OPTIMIZE, 0, error);
  if (regex == NULL)
    return NULL;

  nsp = _sio_namespace_new_pattern (self, regex);
  g_ptr_array_add (self->parents, nsp);
  return nsp;
}

/**
 * sio_server_lookup_namespace:
 * @self: a server
 * @name: a namespace name
 *
 * Returns: (transfer none) (nullable): the namespace, if it exists
 */
SioNamespace *
sio_server_lookup_namespace (SioServer  *self,
                             const char *name)
{
  g_return_val_if_fail (SIO_IS_SERVER (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return g_hash_table_lookup (self->namespaces, name);
}

/**
 * sio_server_close:
 * @self: a server
 *
 * Disconnects every client ("server shutting down") and stops accepting new ones.
 */
void
sio_server_close (SioServer *self)
{
  g_autoptr(GPtrArray) conns = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer key;

  g_return_if_fail (SIO_IS_SERVER (self));

  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (conns, g_object_ref (key));
  for (guint i = 0; i < conns->len; i++)
    _sio_connection_close (g_ptr_array_index (conns, i), "server shutting down");

  sio_engine_server_close_all (self->engine);
  sio_engine_server_detach (self->engine);
}

guint
sio_server_get_connect_timeout (SioServer *self)
{
  g_return_val_if_fail (SIO_IS_SERVER (self), 0);

  return self->connect_timeout;
}

/**
 * sio_server_set_connect_timeout:
 * @self: a server
 * @msec: how long a client may take to join a namespace before it is dropped
 */
void
sio_server_set_connect_timeout (SioServer *self,
                                guint      msec)
{
  g_return_if_fail (SIO_IS_SERVER (self));
  g_return_if_fail (msec > 0);

  if (self->connect_timeout == msec)
    return;

  self->connect_timeout = msec;
  _sio_deadline_queue_set_delay (self->connect_deadlines, msec);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECT_TIMEOUT]);
}

guint
sio_server_get_max_disconnection_duration (SioServer *self)
{
  g_return_val_if_fail (SIO_IS_SERVER (self), 0);

  return self->max_disconnection_duration;
}

/**
 * sio_server_set_max_disconnection_duration:
 * @self: a server
 * @msec: how long a disconnected client's state is kept; 0 turns recovery off
 *
 * Connection state recovery: a client that reconnects within @msec gets its id, rooms and
 * data back, and every packet it missed. The reference's default when enabled is 2 minutes.
 */
void
sio_server_set_max_disconnection_duration (SioServer *self,
                                           guint      msec)
{
  g_return_if_fail (SIO_IS_SERVER (self));

  if (self->max_disconnection_duration == msec)
    return;

  self->max_disconnection_duration = msec;
  g_clear_handle_id (&self->prune_id, g_source_remove);
  if (msec > 0)
    self->prune_id = g_timeout_add_seconds (PRUNE_INTERVAL_S, prune_sessions, self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_DISCONNECTION_DURATION]);
}

gboolean
sio_server_get_skip_middlewares (SioServer *self)
{
  g_return_val_if_fail (SIO_IS_SERVER (self), FALSE);

  return self->skip_middlewares;
}

/**
 * sio_server_set_skip_middlewares:
 * @self: a server
 * @skip: whether a recovered socket bypasses the middlewares (the reference's default)
 */
void
sio_server_set_skip_middlewares (SioServer *self,
                                 gboolean   skip)
{
  g_return_if_fail (SIO_IS_SERVER (self));

  skip = !!skip;
  if (self->skip_middlewares == skip)
    return;

  self->skip_middlewares = skip;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SKIP_MIDDLEWARES]);
}
