/* sio-client-event.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SioClientEvent:
 *
 * An event the server emitted to a [class@ClientSocket], or the arguments of the server's
 * acknowledgement of an event the client emitted (then it has no name).
 *
 * Arguments are JSON nodes; a binary argument is a placeholder object whose bytes
 * [method@ClientEvent.get_bytes] or [method@ClientEvent.lookup_bytes] return (the convention
 * of sio-packet.h). When the server asked for an acknowledgement, [method@ClientEvent.ack]
 * sends it, once: socket.io-client's ack callback.
 *
 * An event does not keep its socket alive; acknowledging after the socket is gone does
 * nothing.
 */

#include "config.h"

#include "sio-client-private.h"
#include "sio-event-args.h"

struct _SioClientEvent
{
  guint         ref_count;
  GWeakRef      socket;
  SioEventArgs  args;
  gboolean      acked;
};

G_DEFINE_BOXED_TYPE (SioClientEvent, sio_client_event, sio_client_event_ref, sio_client_event_unref)

SioClientEvent *
_sio_client_event_new (SioClientSocket *socket,
                       SioPacket       *packet)
{
  SioClientEvent *self = g_new0 (SioClientEvent, 1);

  self->ref_count = 1;
  g_weak_ref_init (&self->socket, socket);
  _sio_event_args_init (&self->args, packet, FALSE);
  return self;
}

SioClientEvent *
_sio_client_event_new_ack_response (SioPacket *packet)
{
  SioClientEvent *self = _sio_client_event_new (NULL, packet);

  /* A response cannot itself be acknowledged. */
  self->args.first_arg = 0;
  self->acked = TRUE;
  return self;
}

SioPacket *
_sio_client_event_get_packet (SioClientEvent *event)
{
  return event->args.packet;
}

/**
 * sio_client_event_ref:
 * @event: an event
 *
 * Returns: (transfer full): @event
 */
SioClientEvent *
sio_client_event_ref (SioClientEvent *event)
{
  g_return_val_if_fail (event != NULL, NULL);

  event->ref_count++;
  return event;
}

/**
 * sio_client_event_unref:
 * @event: (transfer full): an event
 */
void
sio_client_event_unref (SioClientEvent *event)
{
  g_return_if_fail (event != NULL);

  if (--event->ref_count > 0)
    return;

  g_weak_ref_clear (&event->socket);
  _sio_event_args_clear (&event->args);
  g_free (event);
}

/**
 * sio_client_event_get_name:
 * @event: an event
 *
 * Returns: (nullable): the event name (a numeric name as its decimal string); %NULL for an
 *   acknowledgement's arguments
 */
const char *
sio_client_event_get_name (SioClientEvent *event)
{
  g_return_val_if_fail (event != NULL, NULL);

  return _sio_event_args_get_name (&event->args);
}

/**
 * sio_client_event_get_n_args:
 * @event: an event
 *
 * Returns: how many arguments came with the event
 */
guint
sio_client_event_get_n_args (SioClientEvent *event)
{
  g_return_val_if_fail (event != NULL, 0);

  return _sio_event_args_get_n (&event->args);
}

/**
 * sio_client_event_get_arg:
 * @event: an event
 * @index: the argument's position, from 0
 *
 * Returns: (transfer none) (nullable): the argument, %NULL past the end
 */
JsonNode *
sio_client_event_get_arg (SioClientEvent *event,
                          guint           index)
{
  g_return_val_if_fail (event != NULL, NULL);

  return _sio_event_args_get (&event->args, index);
}

/**
 * sio_client_event_get_string:
 * @event: an event
 * @index: the argument's position
 *
 * Returns: (nullable): the argument if it is a string, else %NULL
 */
const char *
sio_client_event_get_string (SioClientEvent *event,
                             guint           index)
{
  g_return_val_if_fail (event != NULL, NULL);

  return _sio_event_args_get_string (&event->args, index);
}

/**
 * sio_client_event_lookup_bytes:
 * @event: an event
 * @node: (nullable): a node anywhere inside the arguments
 *
 * Returns: (transfer none) (nullable): the bytes @node stands for, if it is a placeholder
 */
GBytes *
sio_client_event_lookup_bytes (SioClientEvent *event,
                               JsonNode       *node)
{
  g_return_val_if_fail (event != NULL, NULL);

  return _sio_event_args_lookup_bytes (&event->args, node);
}

/**
 * sio_client_event_get_bytes:
 * @event: an event
 * @index: the argument's position
 *
 * Returns: (transfer none) (nullable): the argument if it is binary, else %NULL
 */
GBytes *
sio_client_event_get_bytes (SioClientEvent *event,
                            guint           index)
{
  return sio_client_event_lookup_bytes (event, sio_client_event_get_arg (event, index));
}

/**
 * sio_client_event_dup_args:
 * @event: an event
 *
 * Returns: (transfer full): the arguments as a new array (nodes shared), e.g. to emit them on
 *   together with [method@ClientEvent.get_attachments]
 */
JsonArray *
sio_client_event_dup_args (SioClientEvent *event)
{
  g_return_val_if_fail (event != NULL, NULL);

  return _sio_event_args_dup (&event->args);
}

/**
 * sio_client_event_get_attachments:
 * @event: an event
 *
 * Returns: (transfer none) (element-type GBytes): the binary attachments, in placeholder order
 */
GPtrArray *
sio_client_event_get_attachments (SioClientEvent *event)
{
  g_return_val_if_fail (event != NULL, NULL);

  return sio_packet_get_attachments (event->args.packet);
}

/**
 * sio_client_event_wants_ack:
 * @event: an event
 *
 * Returns: %TRUE if the server waits for an acknowledgement not yet sent
 */
gboolean
sio_client_event_wants_ack (SioClientEvent *event)
{
  g_return_val_if_fail (event != NULL, FALSE);

  return !event->acked && sio_packet_get_id (event->args.packet) >= 0;
}

/**
 * sio_client_event_ack:
 * @event: an event
 * @args: (nullable): the acknowledgement's arguments
 * @attachments: (nullable) (element-type GBytes): binary values named by placeholders in @args
 *
 * Acknowledges the event. Does nothing if the server did not ask, it was already done, or the
 * socket is gone. Like the reference, the acknowledgement is not buffered: it is lost if the
 * connection dropped in the meantime.
 */
void
sio_client_event_ack (SioClientEvent *event,
                      JsonArray      *args,
                      GPtrArray      *attachments)
{
  g_autoptr(SioClientSocket) socket = NULL;
  g_autoptr(SioPacket) packet = NULL;

  g_return_if_fail (event != NULL);

  if (!sio_client_event_wants_ack (event))
    return;
  event->acked = TRUE;

  socket = g_weak_ref_get (&event->socket);
  if (socket == NULL)
    return;

  packet = _sio_event_args_new_ack (&event->args, args, attachments);
  _sio_client_socket_send_packet (socket, packet);
}
