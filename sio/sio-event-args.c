/* sio-event-args.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "sio-event-args.h"
#include "sio-json.h"

void
_sio_event_args_init (SioEventArgs *args,
                      SioPacket    *packet,
                      gboolean      is_ack)
{
  args->packet = sio_packet_ref (packet);
  args->first_arg = is_ack ? 0 : 1;
  args->number_name = NULL;
}

void
_sio_event_args_clear (SioEventArgs *args)
{
  g_clear_pointer (&args->packet, sio_packet_unref);
  g_clear_pointer (&args->number_name, g_free);
}

static JsonArray *
data_array (SioEventArgs *args)
{
  JsonNode *data = sio_packet_get_data (args->packet);

  return data != NULL && JSON_NODE_HOLDS_ARRAY (data) ? json_node_get_array (data) : NULL;
}

const char *
_sio_event_args_get_name (SioEventArgs *args)
{
  JsonArray *data = data_array (args);
  JsonNode *name;

  if (args->first_arg == 0 || data == NULL || json_array_get_length (data) == 0)
    return NULL;

  name = json_array_get_element (data, 0);
  if (json_node_get_value_type (name) == G_TYPE_STRING)
    return json_node_get_string (name);

  /* The parser accepts a number as the name; JavaScript listeners see it as a string key. */
  if (args->number_name == NULL && JSON_NODE_HOLDS_VALUE (name) &&
      (json_node_get_value_type (name) == G_TYPE_INT64 || json_node_get_value_type (name) == G_TYPE_DOUBLE))
    {
      g_autoptr(GString) text = g_string_new (NULL);

      if (json_node_get_value_type (name) == G_TYPE_INT64)
        g_string_append_printf (text, "%" G_GINT64_FORMAT, json_node_get_int (name));
      else
        sio_json_append_number (text, json_node_get_double (name));
      args->number_name = g_string_free (g_steal_pointer (&text), FALSE);
    }
  return args->number_name;
}

guint
_sio_event_args_get_n (SioEventArgs *args)
{
  JsonArray *data = data_array (args);

  if (data == NULL || json_array_get_length (data) < args->first_arg)
    return 0;
  return json_array_get_length (data) - args->first_arg;
}

JsonNode *
_sio_event_args_get (SioEventArgs *args,
                     guint         index)
{
  if (index >= _sio_event_args_get_n (args))
    return NULL;
  return json_array_get_element (data_array (args), index + args->first_arg);
}

const char *
_sio_event_args_get_string (SioEventArgs *args,
                            guint         index)
{
  JsonNode *arg = _sio_event_args_get (args, index);

  if (arg == NULL || json_node_get_value_type (arg) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (arg);
}

GBytes *
_sio_event_args_lookup_bytes (SioEventArgs *args,
                              JsonNode     *node)
{
  if (node == NULL)
    return NULL;
  return sio_packet_lookup_placeholder (args->packet, node);
}

JsonArray *
_sio_event_args_dup (SioEventArgs *args)
{
  guint n = _sio_event_args_get_n (args);
  JsonArray *copy = json_array_sized_new (n);

  for (guint i = 0; i < n; i++)
    json_array_add_element (copy, json_node_ref (_sio_event_args_get (args, i)));
  return copy;
}

/* The ACK answering this event, in its namespace, with its id. */
SioPacket *
_sio_event_args_new_ack (SioEventArgs *args,
                         JsonArray    *ack_args,
                         GPtrArray    *attachments)
{
  g_autoptr(JsonArray) empty = NULL;
  g_autoptr(JsonNode) data = NULL;
  SioPacket *packet;

  if (ack_args == NULL)
    ack_args = empty = json_array_new ();
  data = json_node_init_array (json_node_alloc (), ack_args);
  packet = sio_packet_new (SIO_PACKET_ACK, sio_packet_get_namespace (args->packet),
                           sio_packet_get_id (args->packet), data);
  for (guint i = 0; attachments != NULL && i < attachments->len; i++)
    sio_packet_add_attachment (packet, g_ptr_array_index (attachments, i));
  return packet;
}
