/* sio-event.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SioEvent:
 *
 * An event a client emitted, or the arguments of a client's acknowledgement.
 *
 * Arguments are JSON nodes; a binary argument is a placeholder object whose bytes
 * [method@Event.get_bytes] or [method@Event.lookup_bytes] return. When the client asked for an
 * acknowledgement, [method@Event.ack] sends it, once.
 */

#include "config.h"

#include "sio-json.h"
#include "sio-server-private.h"

struct _SioEvent
{
  guint      ref_count;
  SioSocket *socket;
  SioPacket *packet;
  guint      first_arg;   /* 1 for an event (after its name), 0 for an ack response */
  gboolean   acked;
  char      *name;        /* a numeric event name, as the string JavaScript would key it by */
};

G_DEFINE_BOXED_TYPE (SioEvent, sio_event, sio_event_ref, sio_event_unref)

static SioEvent *
event_new (SioSocket *socket,
           SioPacket *packet,
           guint      first_arg)
{
  SioEvent *self = g_new0 (SioEvent, 1);

  self->ref_count = 1;
  self->socket = g_object_ref (socket);
  self->packet = sio_packet_ref (packet);
  self->first_arg = first_arg;
  return self;
}

SioEvent *
_sio_event_new (SioSocket *socket,
                SioPacket *packet)
{
  return event_new (socket, packet, 1);
}

SioEvent *
_sio_event_new_ack_response (SioSocket *socket,
                             SioPacket *packet)
{
  SioEvent *self = event_new (socket, packet, 0);

  /* A response cannot itself be acknowledged. */
  self->acked = TRUE;
  return self;
}

SioEvent *
sio_event_ref (SioEvent *event)
{
  g_return_val_if_fail (event != NULL, NULL);

  event->ref_count++;
  return event;
}

void
sio_event_unref (SioEvent *event)
{
  g_return_if_fail (event != NULL);

  if (--event->ref_count > 0)
    return;

  g_object_unref (event->socket);
  sio_packet_unref (event->packet);
  g_free (event->name);
  g_free (event);
}

static JsonArray *
data_array (SioEvent *event)
{
  JsonNode *data = sio_packet_get_data (event->packet);

  return data != NULL && JSON_NODE_HOLDS_ARRAY (data) ? json_node_get_array (data) : NULL;
}

/**
 * sio_event_get_name:
 * @event: an event
 *
 * Returns: (nullable): the event name; %NULL for an acknowledgement's arguments
 */
const char *
sio_event_get_name (SioEvent *event)
{
  JsonArray *data;
  JsonNode *name;

  g_return_val_if_fail (event != NULL, NULL);

  data = data_array (event);
  if (event->first_arg == 0 || data == NULL || json_array_get_length (data) == 0)
    return NULL;

  name = json_array_get_element (data, 0);
  if (json_node_get_value_type (name) == G_TYPE_STRING)
    return json_node_get_string (name);

  /* The parser accepts a number as the name; JavaScript listeners see it as a string key. */
  if (event->name == NULL && JSON_NODE_HOLDS_VALUE (name) &&
      (json_node_get_value_type (name) == G_TYPE_INT64 || json_node_get_value_type (name) == G_TYPE_DOUBLE))
    {
      g_autoptr(GString) text = g_string_new (NULL);

      if (json_node_get_value_type (name) == G_TYPE_INT64)
        g_string_append_printf (text, "%" G_GINT64_FORMAT, json_node_get_int (name));
      else
        sio_json_append_number (text, json_node_get_double (name));
      event->name = g_string_free (g_steal_pointer (&text), FALSE);
    }
  return event->name;
}

/**
 * sio_event_get_n_args:
 * @event: an event
 *
 * Returns: how many arguments came with the event
 */
guint
sio_event_get_n_args (SioEvent *event)
{
  JsonArray *data;

  g_return_val_if_fail (event != NULL, 0);

  data = data_array (event);
  if (data == NULL || json_array_get_length (data) < event->first_arg)
    return 0;
  return json_array_get_length (data) - event->first_arg;
}

/**
 * sio_event_get_arg:
 * @event: an event
 * @index: the argument's position, from 0
 *
 * Returns: (transfer none) (nullable): the argument, %NULL past the end
 */
JsonNode *
sio_event_get_arg (SioEvent *event,
                   guint     index)
{
  g_return_val_if_fail (event != NULL, NULL);

  if (index >= sio_event_get_n_args (event))
    return NULL;
  return json_array_get_element (data_array (event), index + event->first_arg);
}

/**
 * sio_event_get_string:
 * @event: an event
 * @index: the argument's position
 *
 * Returns: (nullable): the argument if it is a string, else %NULL
 */
const char *
sio_event_get_string (SioEvent *event,
                      guint     index)
{
  JsonNode *arg = sio_event_get_arg (event, index);

  if (arg == NULL || json_node_get_value_type (arg) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (arg);
}

/**
 * sio_event_lookup_bytes:
 * @event: an event
 * @node: a node anywhere inside the arguments
 *
 * Returns: (transfer none) (nullable): the bytes @node stands for, if it is a placeholder
 */
GBytes *
sio_event_lookup_bytes (SioEvent *event,
                        JsonNode *node)
{
  g_return_val_if_fail (event != NULL, NULL);

  if (node == NULL)
    return NULL;
  return sio_packet_lookup_placeholder (event->packet, node);
}

/**
 * sio_event_get_bytes:
 * @event: an event
 * @index: the argument's position
 *
 * Returns: (transfer none) (nullable): the argument if it is binary, else %NULL
 */
GBytes *
sio_event_get_bytes (SioEvent *event,
                     guint     index)
{
  return sio_event_lookup_bytes (event, sio_event_get_arg (event, index));
}

/**
 * sio_event_dup_args:
 * @event: an event
 *
 * Returns: (transfer full): the arguments as a new array (nodes shared), e.g. to emit them on
 */
JsonArray *
sio_event_dup_args (SioEvent *event)
{
  JsonArray *args;
  guint n;

  g_return_val_if_fail (event != NULL, NULL);

  n = sio_event_get_n_args (event);
  args = json_array_sized_new (n);
  for (guint i = 0; i < n; i++)
    json_array_add_element (args, json_node_ref (sio_event_get_arg (event, i)));
  return args;
}

/**
 * sio_event_get_attachments:
 * @event: an event
 *
 * Returns: (transfer none) (element-type GBytes): the binary attachments, placeholder order
 */
GPtrArray *
sio_event_get_attachments (SioEvent *event)
{
  g_return_val_if_fail (event != NULL, NULL);

  return sio_packet_get_attachments (event->packet);
}

/**
 * sio_event_wants_ack:
 * @event: an event
 *
 * Returns: %TRUE if the client waits for an acknowledgement not yet sent
 */
gboolean
sio_event_wants_ack (SioEvent *event)
{
  g_return_val_if_fail (event != NULL, FALSE);

  return !event->acked && sio_packet_get_id (event->packet) >= 0;
}

/**
 * sio_event_ack:
 * @event: an event
 * @args: (nullable): the acknowledgement's arguments
 * @attachments: (nullable) (element-type GBytes): binary values named by placeholders in @args
 *
 * Acknowledges the event. Does nothing if the client did not ask, or it was already done.
 */
void
sio_event_ack (SioEvent  *event,
               JsonArray *args,
               GPtrArray *attachments)
{
  g_autoptr(SioPacket) packet = NULL;
  g_autoptr(JsonNode) data = NULL;

  g_return_if_fail (event != NULL);

  if (!sio_event_wants_ack (event))
    return;
  event->acked = TRUE;

  data = json_node_init_array (json_node_alloc (), args ? args : json_array_new ());
  if (args == NULL)
    json_array_unref (json_node_get_array (data));
  packet = sio_packet_new (SIO_PACKET_ACK, sio_packet_get_namespace (event->packet),
                           sio_packet_get_id (event->packet), data);
  for (guint i = 0; attachments != NULL && i < attachments->len; i++)
    sio_packet_add_attachment (packet, g_ptr_array_index (attachments, i));
  _sio_socket_send_packet (event->socket, packet);
}
