/* sio-broadcast.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SioBroadcast:
 *
 * Picks sockets of a namespace (rooms to include, rooms to skip, volatile delivery) and
 * emits to them, or fetches, moves or disconnects them.
 *
 * The builder functions change the operator and return it, so calls chain:
 * `sio_broadcast_emit (sio_broadcast_except (sio_namespace_to (nsp, "a"), "b"), ...)`.
 *
 * An emit is encoded once: one text message and its binary attachments are shared by
 * reference among all recipients, whatever their number.
 */

#include "config.h"

#include <string.h>

#include "sio-server-private.h"

G_DEFINE_BOXED_TYPE (SioBroadcast, sio_broadcast, sio_broadcast_copy, sio_broadcast_free)

SioBroadcast *
_sio_broadcast_new (SioNamespace *nsp)
{
  SioBroadcast *self = g_new0 (SioBroadcast, 1);

  self->nsp = g_object_ref (nsp);
  self->rooms = g_ptr_array_new_with_free_func (g_free);
  self->except = g_ptr_array_new_with_free_func (g_free);
  return self;
}

SioBroadcast *
sio_broadcast_copy (SioBroadcast *self)
{
  SioBroadcast *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = _sio_broadcast_new (self->nsp);
  for (guint i = 0; i < self->rooms->len; i++)
    g_ptr_array_add (copy->rooms, g_strdup (g_ptr_array_index (self->rooms, i)));
  for (guint i = 0; i < self->except->len; i++)
    g_ptr_array_add (copy->except, g_strdup (g_ptr_array_index (self->except, i)));
  copy->except_socket = g_strdup (self->except_socket);
  copy->is_volatile = self->is_volatile;
  return copy;
}

void
sio_broadcast_free (SioBroadcast *self)
{
  if (self == NULL)
    return;

  g_clear_object (&self->nsp);
  g_clear_pointer (&self->rooms, g_ptr_array_unref);
  g_clear_pointer (&self->except, g_ptr_array_unref);
  g_clear_pointer (&self->except_socket, g_free);
  g_free (self);
}

/**
 * sio_broadcast_to:
 * @self: an operator
 * @room: a room to include (a socket id names that socket's own room)
 *
 * Returns: (transfer none): @self
 */
SioBroadcast *
sio_broadcast_to (SioBroadcast *self,
                  const char   *room)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (room != NULL, self);

  g_ptr_array_add (self->rooms, g_strdup (room));
  return self;
}

/**
 * sio_broadcast_except:
 * @self: an operator
 * @room: a room whose sockets are skipped
 *
 * Returns: (transfer none): @self
 */
SioBroadcast *
sio_broadcast_except (SioBroadcast *self,
                      const char   *room)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (room != NULL, self);

  g_ptr_array_add (self->except, g_strdup (room));
  return self;
}

/**
 * sio_broadcast_volatile:
 * @self: an operator
 *
 * Drops the event for sockets whose transport is not ready to send right now.
 *
 * Returns: (transfer none): @self
 */
SioBroadcast *
sio_broadcast_volatile (SioBroadcast *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  self->is_volatile = TRUE;
  return self;
}

/**
 * sio_broadcast_local:
 * @self: an operator
 *
 * Limits the operation to this server. Tincan runs a single server, so this changes nothing;
 * it exists so code written against the reference's API reads the same.
 *
 * Returns: (transfer none): @self
 */
SioBroadcast *
sio_broadcast_local (SioBroadcast *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self;
}

static gboolean
socket_is_excluded (SioBroadcast *self,
                    SioSocket    *socket)
{
  if (self->except_socket != NULL && strcmp (socket->id, self->except_socket) == 0)
    return TRUE;

  for (guint i = 0; i < self->except->len; i++)
    if (sio_socket_in_room (socket, g_ptr_array_index (self->except, i)))
      return TRUE;

  return FALSE;
}

typedef void (*TargetFunc) (SioSocket *socket,
                            gpointer   user_data);

/* Calls @func once for every socket of @nsp the operator selects. */
static void
foreach_target_in (SioBroadcast *self,
                   SioNamespace *nsp,
                   TargetFunc    func,
                   gpointer      user_data)
{
  g_autoptr(GHashTable) seen = NULL;
  GHashTableIter iter;
  gpointer value;

  if (self->rooms->len == 0)
    {
      g_hash_table_iter_init (&iter, nsp->sockets);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        if (!socket_is_excluded (self, value))
          func (value, user_data);
      return;
    }

  /* The union of the rooms, each socket once. */
  if (self->rooms->len > 1)
    seen = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < self->rooms->len; i++)
    {
      const char *room = g_ptr_array_index (self->rooms, i);
      GHashTable *members = g_hash_table_lookup (nsp->rooms, room);
      SioSocket *own = g_hash_table_lookup (nsp->sockets, room);

      if (own != NULL && !socket_is_excluded (self, own) && (seen == NULL || g_hash_table_add (seen, own)))
        func (own, user_data);

      if (members == NULL)
        continue;

      g_hash_table_iter_init (&iter, members);
      while (g_hash_table_iter_next (&iter, &value, NULL))
        if (!socket_is_excluded (self, value) && (seen == NULL || g_hash_table_add (seen, value)))
          func (value, user_data);
    }
}

static void
foreach_target (SioBroadcast *self,
                TargetFunc    func,
                gpointer      user_data)
{
  /* A pattern namespace reaches the sockets of all its children. */
  if (self->nsp->children != NULL)
    {
      for (guint i = 0; i < self->nsp->children->len; i++)
        foreach_target_in (self, g_ptr_array_index (self->nsp->children, i), func, user_data);
      return;
    }

  foreach_target_in (self, self->nsp, func, user_data);
}

/* Engine messages of one packet, encoded on first need for each protocol revision. */
typedef struct
{
  SioPacket       *packet;
  gboolean         is_volatile;
  SioEnginePacket *text[2];
  GPtrArray       *binaries[2];
  guint            n_targets;
} Encoded;

static void
encoded_clear (Encoded *encoded)
{
  for (guint i = 0; i < 2; i++)
    {
      g_clear_pointer (&encoded->text[i], sio_engine_packet_unref);
      g_clear_pointer (&encoded->binaries[i], g_ptr_array_unref);
    }
}

static void
send_encoded (SioSocket *socket,
              gpointer   user_data)
{
  Encoded *encoded = user_data;
  int protocol = _sio_connection_get_protocol (socket->conn);
  guint slot = protocol == SIO_PROTOCOL_V4 ? 1 : 0;

  if (encoded->text[slot] == NULL)
    {
      g_autoptr(GPtrArray) attachments = NULL;
      g_autofree char *text = sio_packet_encode_for_protocol (encoded->packet, protocol, &attachments);

      encoded->text[slot] = sio_engine_packet_new (SIO_ENGINE_PACKET_MESSAGE, text, -1);
      if (attachments != NULL && attachments->len > 0)
        {
          encoded->binaries[slot] = g_ptr_array_new_with_free_func ((GDestroyNotify) sio_engine_packet_unref);
          for (guint i = 0; i < attachments->len; i++)
            g_ptr_array_add (encoded->binaries[slot],
                             sio_engine_packet_new_binary (g_ptr_array_index (attachments, i)));
        }
    }

  encoded->n_targets++;
  _sio_connection_send_encoded (socket->conn, encoded->text[slot], encoded->binaries[slot],
                                encoded->is_volatile);
}

SioPacket *
_sio_event_packet_new (const char *nsp,
                       const char *event,
                       JsonArray  *args,
                       GPtrArray  *attachments)
{
  g_autoptr(JsonArray) data = json_array_sized_new (1 + (args ? json_array_get_length (args) : 0));
  g_autoptr(JsonNode) node = NULL;
  SioPacket *packet;

  json_array_add_string_element (data, event);
  for (guint i = 0; args != NULL && i < json_array_get_length (args); i++)
    json_array_add_element (data, json_node_ref (json_array_get_element (args, i)));

  node = json_node_init_array (json_node_alloc (), data);
  packet = sio_packet_new (SIO_PACKET_EVENT, nsp, -1, node);
  for (guint i = 0; attachments != NULL && i < attachments->len; i++)
    sio_packet_add_attachment (packet, g_ptr_array_index (attachments, i));
  return packet;
}

static guint
emit_packet_in (SioBroadcast *self,
                SioNamespace *nsp,
                SioPacket    *packet)
{
  Encoded encoded = { packet, self->is_volatile };

  if (_sio_server_recovery_enabled (nsp->server) && !self->is_volatile && sio_packet_get_id (packet) < 0)
    {
      g_autoptr(GPtrArray) except = _sio_string_array_copy (self->except);

      if (self->except_socket != NULL)
        g_ptr_array_add (except, g_strdup (self->except_socket));
      g_free (_sio_namespace_persist (nsp, packet, self->rooms, except));
    }

  foreach_target_in (self, nsp, send_encoded, &encoded);
  encoded_clear (&encoded);
  return encoded.n_targets;
}

static void
emit_event_in (SioBroadcast *self,
               SioNamespace *target,
               const char   *event,
               JsonArray    *args,
               GPtrArray    *attachments,
               gint64        ack_id)
{
  g_autoptr(SioPacket) plain = _sio_event_packet_new (target->name, event, args, attachments);
  g_autoptr(SioPacket) packet = NULL;

  if (ack_id < 0)
    packet = g_steal_pointer (&plain);
  else
    {
      GPtrArray *bytes = sio_packet_get_attachments (plain);

      packet = sio_packet_new (SIO_PACKET_EVENT, target->name, ack_id, sio_packet_get_data (plain));
      for (guint j = 0; bytes != NULL && j < bytes->len; j++)
        sio_packet_add_attachment (packet, g_ptr_array_index (bytes, j));
    }

  emit_packet_in (self, target, packet);
}

/* The namespaces an emit goes to: a pattern namespace's children, or the namespace itself.
 * Each gets its own packet, since the namespace is part of it. */
static GPtrArray *
target_namespaces (SioBroadcast *self)
{
  GPtrArray *targets = g_ptr_array_new ();

  if (self->nsp->children != NULL)
    g_ptr_array_extend (targets, self->nsp->children, NULL, NULL);
  else
    g_ptr_array_add (targets, self->nsp);
  return targets;
}

static void
emit_event (SioBroadcast *self,
            const char   *event,
            JsonArray    *args,
            GPtrArray    *attachments)
{
  g_autoptr(GPtrArray) targets = target_namespaces (self);

  for (guint i = 0; i < targets->len; i++)
    emit_event_in (self, g_ptr_array_index (targets, i), event, args, attachments, -1);
}

/**
 * sio_broadcast_emit:
 * @self: an operator
 * @event: the event name
 * @args: (nullable): the arguments
 * @attachments: (nullable) (element-type GBytes): binary values named by placeholders in @args
 *
 * Emits to every selected socket.
 */
void
sio_broadcast_emit (SioBroadcast *self,
                    const char   *event,
                    JsonArray    *args,
                    GPtrArray    *attachments)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (event != NULL);
  g_return_if_fail (!_sio_event_name_is_reserved (event));

  emit_event (self, event, args, attachments);
}

/* ---- Broadcast with acknowledgements ---------------------------------------------------- */

typedef struct
{
  GPtrArray *responses;     /* SioEvent */
  guint      expected;
  guint      timeout_id;
  gboolean   done;
} AckCollector;

static void
ack_collector_free (AckCollector *collector)
{
  g_clear_handle_id (&collector->timeout_id, g_source_remove);
  g_clear_pointer (&collector->responses, g_ptr_array_unref);
  g_free (collector);
}

static void
collector_maybe_finish (GTask *task)
{
  AckCollector *collector = g_task_get_task_data (task);

  if (collector->done || collector->responses->len < collector->expected)
    return;

  collector->done = TRUE;
  g_clear_handle_id (&collector->timeout_id, g_source_remove);
  g_task_return_pointer (task, g_ptr_array_ref (collector->responses), (GDestroyNotify) g_ptr_array_unref);
}

static void
on_broadcast_ack (SioSocket *socket,
                  SioEvent  *response,
                  gpointer   user_data)
{
  g_autoptr(GTask) task = user_data;
  AckCollector *collector = g_task_get_task_data (task);

  if (collector->done)
    return;

  /* A socket that left will never answer: stop waiting for it. */
  if (response == NULL)
    collector->expected--;
  else
    g_ptr_array_add (collector->responses, sio_event_ref (response));

  collector_maybe_finish (task);
}

static gboolean
on_broadcast_ack_timeout (gpointer user_data)
{
  GTask *task = user_data;
  AckCollector *collector = g_task_get_task_data (task);

  collector->timeout_id = 0;
  if (!collector->done)
    {
      collector->done = TRUE;
      g_task_return_new_error (task, SIO_ERROR, SIO_ERROR_TIMEOUT,
                               "operation has timed out (%u of %u clients answered)",
                               collector->responses->len, collector->expected);
    }
  return G_SOURCE_REMOVE;
}

typedef struct
{
  GTask *task;
  guint  id;
} ExpectAll;

static void
expect_ack (SioSocket *socket,
            gpointer   user_data)
{
  ExpectAll *expect = user_data;
  AckCollector *collector = g_task_get_task_data (expect->task);

  collector->expected++;
  _sio_socket_expect_ack (socket, expect->id, on_broadcast_ack, g_object_ref (expect->task));
}

/**
 * sio_broadcast_emit_with_ack_async:
 * @self: an operator
 * @event: the event name
 * @args: (nullable): the arguments
 * @attachments: (nullable) (element-type GBytes): binary values named by placeholders in @args
 * @timeout_ms: how long to wait for all acknowledgements (must not be 0)
 * @cancellable: (nullable): not used yet; reserved
 * @callback: called once every selected socket answered, or at the timeout
 * @user_data: data for @callback
 *
 * Emits to every selected socket and collects each one's acknowledgement.
 */
void
sio_broadcast_emit_with_ack_async (SioBroadcast        *self,
                                   const char          *event,
                                   JsonArray           *args,
                                   GPtrArray           *attachments,
                                   guint                timeout_ms,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) targets = NULL;
  AckCollector *collector;
  ExpectAll expect;

  g_return_if_fail (self != NULL);
  g_return_if_fail (event != NULL);
  g_return_if_fail (!_sio_event_name_is_reserved (event));
  g_return_if_fail (timeout_ms > 0);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sio_broadcast_emit_with_ack_async);
  collector = g_new0 (AckCollector, 1);
  collector->responses = g_ptr_array_new_with_free_func ((GDestroyNotify) sio_event_unref);
  g_task_set_task_data (task, collector, (GDestroyNotify) ack_collector_free);

  /* One id per namespace: its packet is encoded once, so it carries one id, and each of its
   * recipients registers that id (ids come from the namespace, unique among its sockets). */
  targets = target_namespaces (self);
  expect.task = task;
  for (guint i = 0; i < targets->len; i++)
    {
      SioNamespace *target = g_ptr_array_index (targets, i);

      expect.id = target->next_ack_id++;
      foreach_target_in (self, target, expect_ack, &expect);
      emit_event_in (self, target, event, args, attachments, expect.id);
    }

  collector->timeout_id = g_timeout_add_full (G_PRIORITY_DEFAULT, timeout_ms, on_broadcast_ack_timeout,
                                              g_object_ref (task), g_object_unref);
  collector_maybe_finish (task);
}

/**
 * sio_broadcast_emit_with_ack_finish:
 * @self: an operator
 * @result: the result
 * @error: return location for an error
 *
 * Returns: (transfer container) (element-type SioEvent): every acknowledgement
 */
GPtrArray *
sio_broadcast_emit_with_ack_finish (SioBroadcast  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- Socket operations ------------------------------------------------------------------ */

static void
collect_socket (SioSocket *socket,
                gpointer   user_data)
{
  g_ptr_array_add (user_data, g_object_ref (socket));
}

/**
 * sio_broadcast_fetch_sockets:
 * @self: an operator
 *
 * Returns: (transfer container) (element-type SioSocket): the selected sockets
 */
GPtrArray *
sio_broadcast_fetch_sockets (SioBroadcast *self)
{
  GPtrArray *sockets;

  g_return_val_if_fail (self != NULL, NULL);

  sockets = g_ptr_array_new_with_free_func (g_object_unref);
  foreach_target (self, collect_socket, sockets);
  return sockets;
}

/**
 * sio_broadcast_sockets_join:
 * @self: an operator
 * @room: a room
 *
 * Makes every selected socket join @room.
 */
void
sio_broadcast_sockets_join (SioBroadcast *self,
                            const char   *room)
{
  g_autoptr(GPtrArray) sockets = sio_broadcast_fetch_sockets (self);

  for (guint i = 0; i < sockets->len; i++)
    sio_socket_join (g_ptr_array_index (sockets, i), room);
}

/**
 * sio_broadcast_sockets_leave:
 * @self: an operator
 * @room: a room
 *
 * Makes every selected socket leave @room.
 */
void
sio_broadcast_sockets_leave (SioBroadcast *self,
                             const char   *room)
{
  g_autoptr(GPtrArray) sockets = sio_broadcast_fetch_sockets (self);

  for (guint i = 0; i < sockets->len; i++)
    sio_socket_leave (g_ptr_array_index (sockets, i), room);
}

/**
 * sio_broadcast_disconnect_sockets:
 * @self: an operator
 * @close: also close each client's whole connection
 *
 * Disconnects every selected socket.
 */
void
sio_broadcast_disconnect_sockets (SioBroadcast *self,
                                  gboolean      close)
{
  g_autoptr(GPtrArray) sockets = sio_broadcast_fetch_sockets (self);

  for (guint i = 0; i < sockets->len; i++)
    sio_socket_disconnect (g_ptr_array_index (sockets, i), close);
}
