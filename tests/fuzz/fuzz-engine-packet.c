/* fuzz-engine-packet.c: Engine.IO packets and polling payloads, as they come off the network
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each input goes through every decoder a server or client applies to bytes it received: one
 * packet (a WebSocket message) for Engine.IO 3 and 4, a v4 polling body, and a v3 polling body
 * as text and as binary. Whatever decodes must encode again and decode to the same packets.
 */

#include "config.h"

#include "sio.h"
#include "sio-engine-packet-private.h"

#include "fuzz-common.h"

static gboolean
packets_equal (SioEnginePacket *a,
               SioEnginePacket *b)
{
  const char *da, *db;
  gsize la, lb;

  if (sio_engine_packet_get_kind (a) != sio_engine_packet_get_kind (b) ||
      sio_engine_packet_is_binary (a) != sio_engine_packet_is_binary (b))
    return FALSE;

  da = sio_engine_packet_get_data (a, &la);
  db = sio_engine_packet_get_data (b, &lb);
  return la == lb && (la == 0 || memcmp (da, db, la) == 0);
}

static void
check_same (GPtrArray *a,
            GPtrArray *b)
{
  FUZZ_ASSERT (b != NULL);
  FUZZ_ASSERT (a->len == b->len);
  for (guint i = 0; i < a->len; i++)
    FUZZ_ASSERT (packets_equal (g_ptr_array_index (a, i), g_ptr_array_index (b, i)));
}

static void
touch (SioEnginePacket *packet)
{
  g_autoptr(GBytes) bytes = NULL;
  gsize len;

  sio_engine_packet_get_data (packet, &len);
  bytes = sio_engine_packet_get_bytes (packet);
  FUZZ_ASSERT (bytes != NULL && g_bytes_get_size (bytes) == len);
}

static void
fuzz_one_packet (const char *data,
                 gsize       size,
                 int         protocol)
{
  g_autoptr(SioEnginePacket) packet = NULL;
  g_autoptr(GError) error = NULL;

  packet = sio_engine_packet_decode (data, size, protocol, &error);
  FUZZ_ASSERT ((packet == NULL) == (error != NULL));
  if (packet != NULL)
    touch (packet);
}

static void
fuzz_payload_v4 (const char *data,
                 gsize       size)
{
  g_autoptr(GPtrArray) packets = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GBytes) encoded = NULL;
  g_autoptr(GError) error = NULL;
  const char *bytes;
  gsize len;

  packets = sio_engine_payload_decode (data, size, 4, &error);
  FUZZ_ASSERT ((packets == NULL) == (error != NULL));
  if (packets == NULL)
    return;

  for (guint i = 0; i < packets->len; i++)
    touch (g_ptr_array_index (packets, i));

  encoded = sio_engine_payload_encode ((SioEnginePacket **) packets->pdata, packets->len, 4);
  bytes = g_bytes_get_data (encoded, &len);
  again = sio_engine_payload_decode (bytes, len, 4, NULL);
  check_same (packets, again);
}

static void
fuzz_payload_v3 (const guint8 *data,
                 gsize         size,
                 gboolean      is_binary)
{
  g_autoptr(GPtrArray) packets = NULL;
  g_autoptr(GError) error = NULL;

  packets = _sio_engine_payload_decode_v3 (data, size, is_binary, &error);
  FUZZ_ASSERT ((packets == NULL) == (error != NULL));
  if (packets == NULL)
    return;

  for (guint i = 0; i < packets->len; i++)
    touch (g_ptr_array_index (packets, i));

  /* "0:" records decode to nothing, and an empty payload does not decode. */
  if (packets->len == 0)
    return;

  /* Both ways a v3 server may answer: binary records when the client takes them, else text. */
  for (int supports_binary = 0; supports_binary <= 1; supports_binary++)
    {
      g_autoptr(GPtrArray) again = NULL;
      g_autoptr(GBytes) encoded = NULL;
      gboolean encoded_binary = FALSE;
      const guint8 *bytes;
      gsize len;

      encoded = _sio_engine_payload_encode_v3 ((SioEnginePacket **) packets->pdata, packets->len,
                                               supports_binary, &encoded_binary);
      bytes = g_bytes_get_data (encoded, &len);
      again = _sio_engine_payload_decode_v3 (bytes, len, encoded_binary, NULL);
      check_same (packets, again);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *text = (const char *) data;

  fuzz_one_packet (text, size, 3);
  fuzz_one_packet (text, size, 4);
  fuzz_payload_v4 (text, size);
  fuzz_payload_v3 (data, size, FALSE);
  fuzz_payload_v3 (data, size, TRUE);
  return 0;
}
