/* sio-engine-polling.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* HTTP long-polling, the transport every session starts on unless the client goes straight to
 * WebSocket (protocol, "HTTP long-polling"): the client's GET is held (a paused
 * SoupServerMessage) until the server has packets for it; its POSTs carry packets the other
 * way. At most one of each may be in flight: an overlapping GET ends the session. */

#include "config.h"

#include "sio-engine-socket-private.h"

static void
on_held_get_disconnected (SoupServerMessage *msg,
                          SioEngineSocket   *self)
{
  g_clear_signal_handler (&self->held_get_disconnected_id, self->held_get);
  g_clear_object (&self->held_get);
  _sio_engine_socket_finish_close (self, SIO_ENGINE_CLOSE_TRANSPORT_ERROR,
                                   "poll connection closed prematurely");
}

static void
respond_held_get (SioEngineSocket *self,
                  SioEnginePacket *last)
{
  g_autoptr(SoupServerMessage) msg = g_steal_pointer (&self->held_get);
  g_autoptr(GPtrArray) packets = g_steal_pointer (&self->buffer);
  g_autoptr(GBytes) body = NULL;
  gboolean is_binary = FALSE;

  g_clear_signal_handler (&self->held_get_disconnected_id, msg);

  if (packets == NULL)
    packets = g_ptr_array_new_with_free_func ((GDestroyNotify) sio_engine_packet_unref);
  if (last != NULL)
    g_ptr_array_add (packets, sio_engine_packet_ref (last));

  if (self->protocol == 3)
    body = _sio_engine_payload_encode_v3 ((SioEnginePacket **) packets->pdata, packets->len,
                                          self->supports_binary, &is_binary);
  else
    body = sio_engine_payload_encode ((SioEnginePacket **) packets->pdata, packets->len, self->protocol);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, is_binary ? "application/octet-stream" : "text/plain; charset=UTF-8",
                                    SOUP_MEMORY_COPY, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  _sio_engine_server_prepare_response (self->server, msg);
  soup_server_message_unpause (msg);
}

void
_sio_engine_polling_schedule_flush (SioEngineSocket *self)
{
  if (self->polling_flush.scheduled)
    return;

  /* The hub's list holds a reference until the flush ran. */
  g_object_ref (self);
  _sio_io_hub_schedule_flush (self->context.hub, &self->polling_flush);
}

void
_sio_engine_polling_flush (SioFlushable *flushable)
{
  SioEngineSocket *self = G_STRUCT_MEMBER_P (flushable, -G_STRUCT_OFFSET (SioEngineSocket, polling_flush));
  g_autoptr(SioEngineSocket) hold = self;   /* the reference taken when scheduled */

  if (self->held_get == NULL || self->transport != SIO_ENGINE_TRANSPORT_POLLING)
    return;

  if (self->state == SOCKET_CLOSING)
    {
      g_autoptr(SioEnginePacket) close = sio_engine_packet_new (SIO_ENGINE_PACKET_CLOSE, NULL, 0);

      respond_held_get (self, close);
      _sio_engine_socket_finish_close (self, SIO_ENGINE_CLOSE_FORCED, "closed by the server");
      return;
    }

  if (self->buffer != NULL && self->buffer->len > 0)
    {
      respond_held_get (self, NULL);
      return;
    }

  /* During an upgrade the client must not be left waiting on a poll (protocol, "Upgrade"). */
  if (self->upgrading)
    {
      g_autoptr(SioEnginePacket) noop = sio_engine_packet_new (SIO_ENGINE_PACKET_NOOP, NULL, 0);

      respond_held_get (self, noop);
    }
}

/* Answers a GET still held, with what is buffered followed by @last (CLOSE or NOOP). */
void
_sio_engine_polling_release (SioEngineSocket     *self,
                             SioEnginePacketType  last)
{
  g_autoptr(SioEnginePacket) packet = NULL;

  if (self->held_get == NULL)
    return;

  packet = sio_engine_packet_new (last, NULL, 0);
  respond_held_get (self, packet);
}

void
_sio_engine_socket_handle_poll (SioEngineSocket   *self,
                                SoupServerMessage *msg)
{
  if (self->held_get != NULL)
    {
      /* The reference answers the newcomer 400 and ends the session; the held GET gets "1". */
      soup_server_message_set_status (msg, SOUP_STATUS_BAD_REQUEST, NULL);
      _sio_engine_server_prepare_response (self->server, msg);
      _sio_engine_socket_finish_close (self, SIO_ENGINE_CLOSE_TRANSPORT_ERROR, "overlapping GET from client");
      return;
    }

  self->held_get = g_object_ref (msg);
  self->held_get_disconnected_id =
    g_signal_connect (msg, "disconnected", G_CALLBACK (on_held_get_disconnected), self);
  soup_server_message_pause (msg);

  if ((self->buffer != NULL && self->buffer->len > 0) || self->upgrading || self->state == SOCKET_CLOSING)
    _sio_engine_polling_schedule_flush (self);
}

void
_sio_engine_socket_handle_data (SioEngineSocket   *self,
                                SoupServerMessage *msg,
                                const char        *body,
                                gsize              len,
                                gboolean           is_binary)
{
  g_autoptr(SioEngineSocket) hold = g_object_ref (self);
  g_autoptr(GPtrArray) packets = NULL;
  g_autoptr(GError) error = NULL;

  if (self->protocol == 3)
    packets = _sio_engine_payload_decode_v3 ((const guint8 *) body, len, is_binary, &error);
  else
    packets = sio_engine_payload_decode (body, len, self->protocol, &error);
  if (packets == NULL)
    {
      g_debug ("Session %s: bad payload: %s", self->id, error->message);
      _sio_engine_respond_error (msg, SIO_ENGINE_ERROR_BAD_REQUEST, error->message);
      _sio_engine_server_prepare_response (self->server, msg);
      _sio_engine_socket_finish_close (self, SIO_ENGINE_CLOSE_PARSE_ERROR, error->message);
      return;
    }

  /* text/html, not text/plain: old user agents offered plain text as a download. */
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, "ok", 2);
  _sio_engine_server_prepare_response (self->server, msg);

  for (guint i = 0; i < packets->len && self->state != SOCKET_CLOSED; i++)
    _sio_engine_socket_handle_packet (self, g_ptr_array_index (packets, i));
}
