/* fuzz-sio-packet.c: Socket.IO packets, binary attachments included
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is split at NUL bytes: the first piece is fed as a text message, every other piece
 * as a binary message (an attachment), in order, to a protocol 4 and a protocol 5 decoder, as
 * a socket does with the Engine.IO messages it receives. Every packet that comes out has its
 * placeholders looked up, is encoded again and must decode to the same packet.
 */

#include "config.h"

#include <string.h>

#include "sio.h"

#include "fuzz-common.h"

static void
lookup_all (SioPacket *packet,
            JsonNode  *node)
{
  if (node == NULL)
    return;

  sio_packet_lookup_placeholder (packet, node);

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        lookup_all (packet, json_array_get_element (array, i));
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      JsonNode *member;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, NULL, &member))
        lookup_all (packet, member);
    }
}

/* The encoder leaves out a null payload, as the reference does, so null reads as none. */
static char *
data_to_string (SioPacket *packet)
{
  JsonNode *data = sio_packet_get_data (packet);

  return data && !JSON_NODE_HOLDS_NULL (data) ? sio_json_to_string (data) : NULL;
}

static gboolean
payload_is_number (SioPacket *packet)
{
  JsonNode *data = sio_packet_get_data (packet);
  GType type;

  if (data == NULL || !JSON_NODE_HOLDS_VALUE (data))
    return FALSE;
  type = json_node_get_value_type (data);
  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

static void
check_round_trip (SioPacket *packet,
                  int        protocol)
{
  g_autoptr(SioPacketDecoder) decoder = sio_packet_decoder_new (protocol);
  g_autoptr(GPtrArray) attachments = NULL;
  g_autoptr(SioPacket) again = NULL;
  g_autofree char *encoded = NULL;
  g_autofree char *data = NULL;
  g_autofree char *data_again = NULL;
  GPtrArray *original;
  guint n_original;

  encoded = sio_packet_encode_for_protocol (packet, protocol, &attachments);
  FUZZ_ASSERT (encoded != NULL);

  /* Protocol 4's ERROR may carry any JSON value, and a number payload is ambiguous: payload 9
   * is written "49", id 12 with payload 3 "4123" (as the reference writes them), which read
   * back as ids, or past 2^53 - 1 not at all. */
  if (protocol == SIO_PROTOCOL_V4 && sio_packet_get_kind (packet) == SIO_PACKET_CONNECT_ERROR &&
      payload_is_number (packet))
    return;

  sio_packet_decoder_set_max_attachments (decoder, G_MAXUINT);
  FUZZ_ASSERT (sio_packet_decoder_feed_text (decoder, encoded, strlen (encoded), &again, NULL));
  for (guint i = 0; attachments != NULL && i < attachments->len; i++)
    {
      FUZZ_ASSERT (again == NULL);
      FUZZ_ASSERT (sio_packet_decoder_feed_binary (decoder, g_ptr_array_index (attachments, i),
                                                   &again, NULL));
    }
  FUZZ_ASSERT (again != NULL);

  original = sio_packet_get_attachments (packet);
  n_original = original ? original->len : 0;
  FUZZ_ASSERT (sio_packet_get_kind (again) == sio_packet_get_kind (packet));
  FUZZ_ASSERT (g_strcmp0 (sio_packet_get_namespace (again), sio_packet_get_namespace (packet)) == 0);

  FUZZ_ASSERT (sio_packet_get_id (again) == sio_packet_get_id (packet));
  FUZZ_ASSERT ((sio_packet_get_attachments (again) ? sio_packet_get_attachments (again)->len : 0) == n_original);

  /* Protocol 4 writes a CONNECT's query string and no payload (socket.io 2.x). */
  if (protocol == SIO_PROTOCOL_V4 && sio_packet_get_kind (packet) == SIO_PACKET_CONNECT)
    {
      FUZZ_ASSERT (g_strcmp0 (sio_packet_get_query (again), sio_packet_get_query (packet)) == 0);
      return;
    }

  data = data_to_string (packet);
  data_again = data_to_string (again);
  FUZZ_ASSERT (g_strcmp0 (data, data_again) == 0);
}

static void
got_packet (SioPacket *packet,
            int        protocol)
{
  lookup_all (packet, sio_packet_get_data (packet));
  sio_packet_get_query (packet);
  check_round_trip (packet, protocol);
}

static void
fuzz_protocol (const guint8 *data,
               gsize         size,
               int           protocol)
{
  g_autoptr(SioPacketDecoder) decoder = sio_packet_decoder_new (protocol);
  const guint8 *end = data + size;
  const guint8 *piece = data;
  gboolean first = TRUE;

  while (piece <= end)
    {
      const guint8 *next = memchr (piece, '\0', end - piece);
      gsize len = (next ? next : end) - piece;
      g_autoptr(SioPacket) packet = NULL;
      g_autoptr(GError) error = NULL;
      gboolean ok;

      if (first)
        ok = sio_packet_decoder_feed_text (decoder, (const char *) piece, len, &packet, &error);
      else
        {
          g_autoptr(GBytes) bytes = g_bytes_new (piece, len);

          ok = sio_packet_decoder_feed_binary (decoder, bytes, &packet, &error);
        }

      FUZZ_ASSERT (ok == (error == NULL));
      FUZZ_ASSERT (ok || packet == NULL);
      if (packet != NULL)
        got_packet (packet, protocol);

      first = FALSE;
      if (next == NULL)
        break;
      piece = next + 1;
    }

  sio_packet_decoder_is_reconstructing (decoder);
  sio_packet_decoder_reset (decoder);
  FUZZ_ASSERT (!sio_packet_decoder_is_reconstructing (decoder));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  fuzz_protocol (data, size, SIO_PROTOCOL_V4);
  fuzz_protocol (data, size, SIO_PROTOCOL_V5);
  return 0;
}
