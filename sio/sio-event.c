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

#include "sio-event-args.h"
#include "sio-server-private.h"

struct _SioEvent
{
  guint         ref_count;
  SioSocket    *socket;
  SioEventArgs  args;
  gboolean      acked;
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
  _sio_event_args_init (&self->args, packet, first_arg == 0);
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
  _sio_event_args_clear (&event->args);
  g_free (event);
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
  g_return_val_if_fail (event != NULL, NULL);

  return _sio_event_args_get_name (&event->args);
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
  g_return_val_if_fail (event != NULL, 0);

  return _sio_event_args_get_n (&event->args);
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

  return _sio_event_args_get (&event->args, index);
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
  g_return_val_if_fail (event != NULL, NULL);

  return _sio_event_args_get_string (&event->args, index);
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

  return _sio_event_args_lookup_bytes (&event->args, node);
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
  g_return_val_if_fail (event != NULL, NULL);

  return _sio_event_args_dup (&event->args);
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

  return sio_packet_get_attachments (event->args.packet);
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

  return !event->acked && sio_packet_get_id (event->args.packet) >= 0;
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

  g_return_if_fail (event != NULL);

  if (!sio_event_wants_ack (event))
    return;
  event->acked = TRUE;

  packet = _sio_event_args_new_ack (&event->args, args, attachments);
  _sio_socket_send_packet (event->socket, packet);
}
