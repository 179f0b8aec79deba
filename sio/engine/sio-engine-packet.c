/* sio-engine-packet.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SioEnginePacket:
 *
 * One Engine.IO packet, immutable once built and shared by reference.
 *
 * A broadcast to a thousand sockets is one packet with a thousand references, so everything a
 * transport needs is prepared once, here: the bytes live behind a few bytes of headroom where
 * the WebSocket frame header is written at construction, which makes the complete frame one
 * contiguous slice that every WebSocket recipient's queue points at. The polling encoding of a
 * text packet is a slice of the same buffer; binary packets encode their base64 form lazily,
 * once, on first use by a polling recipient.
 */

#include "config.h"

#include <string.h>

#include "sio-engine-packet-private.h"
#include "sio-ws-frame.h"

#define HEADROOM SIO_WS_MAX_SERVER_HEADER

struct _SioEnginePacket
{
  guint     ref_count;
  guint8    type;          /* SioEnginePacketType, or 0xff for a raw control frame */
  guint8    opcode;        /* WebSocket opcode of the frame */
  guint8    frame_start;   /* offset of the frame header in buf */
  guint     binary : 1;
  gsize     len;           /* payload bytes, type character excluded */
  char     *polling_b64;   /* lazily: "b" + base64, for binary packets on polling */
  guint8   *v3_frame;      /* lazily: Engine.IO v3 binary frame (type byte, then data) */
  gsize     v3_frame_len;
  /* [HEADROOM][type][data, len bytes][NUL] */
  guint8    buf[];
};

G_DEFINE_BOXED_TYPE (SioEnginePacket, sio_engine_packet, sio_engine_packet_ref, sio_engine_packet_unref)

#define TYPE_OFFSET HEADROOM
#define DATA_OFFSET (HEADROOM + 1)

static SioEnginePacket *
packet_alloc (guint8       type,
              gboolean     binary,
              const void  *data,
              gsize        len)
{
  SioEnginePacket *packet;
  gsize payload_start;
  gsize payload_len;
  guint8 opcode;

  packet = g_malloc (sizeof *packet + DATA_OFFSET + len + 1);
  packet->ref_count = 1;
  packet->type = type;
  packet->binary = !!binary;
  packet->len = len;
  packet->polling_b64 = NULL;
  packet->v3_frame = NULL;
  packet->v3_frame_len = 0;
  packet->buf[TYPE_OFFSET] = binary ? type : (guint8) ('0' + type);
  if (len > 0)
    memcpy (packet->buf + DATA_OFFSET, data, len);
  packet->buf[DATA_OFFSET + len] = 0;

  /* Engine.IO v4 sends a binary message as a bare binary frame; text packets carry their type
   * digit as the first payload character (protocol, "Packet encoding"). */
  if (binary)
    {
      payload_start = DATA_OFFSET;
      payload_len = len;
      opcode = 0x2;
    }
  else
    {
      payload_start = TYPE_OFFSET;
      payload_len = len + 1;
      opcode = 0x1;
    }

  packet->opcode = opcode;
  packet->frame_start = (guint8) (payload_start - _sio_ws_header_size (payload_len));
  _sio_ws_write_header (packet->buf + packet->frame_start, opcode, payload_len);

  return packet;
}

/**
 * sio_engine_packet_new:
 * @type: the packet type
 * @text: (nullable): UTF-8 data, without the type digit
 * @len: length of @text, or -1 if nul-terminated
 *
 * Returns: (transfer full): a new text packet
 */
SioEnginePacket *
sio_engine_packet_new (SioEnginePacketType  type,
                       const char          *text,
                       gssize               len)
{
  g_return_val_if_fail (type <= SIO_ENGINE_PACKET_NOOP, NULL);

  if (text == NULL)
    len = 0;
  else if (len < 0)
    len = strlen (text);

  return packet_alloc (type, FALSE, text, len);
}

/**
 * sio_engine_packet_new_binary:
 * @data: the message bytes
 *
 * Returns: (transfer full): a new binary MESSAGE packet
 */
SioEnginePacket *
sio_engine_packet_new_binary (GBytes *data)
{
  const void *bytes;
  gsize len;

  g_return_val_if_fail (data != NULL, NULL);

  bytes = g_bytes_get_data (data, &len);
  return packet_alloc (SIO_ENGINE_PACKET_MESSAGE, TRUE, bytes, len);
}

SioEnginePacket *
_sio_engine_packet_new_raw (SioEnginePacketType  type,
                            gboolean             binary,
                            const guint8        *data,
                            gsize                len)
{
  return packet_alloc (type, binary, data, len);
}

SioEnginePacket *
_sio_engine_packet_new_control_frame (guint8        opcode,
                                      const guint8 *payload,
                                      gsize         len)
{
  SioEnginePacket *packet;

  g_assert (len <= 125);

  /* Reuse the binary layout: the frame payload starts at DATA_OFFSET. */
  packet = packet_alloc (SIO_ENGINE_PACKET_NOOP, TRUE, payload, len);
  packet->type = 0xff;
  packet->opcode = opcode;
  packet->buf[packet->frame_start] = 0x80 | opcode;
  return packet;
}

SioEnginePacket *
sio_engine_packet_ref (SioEnginePacket *packet)
{
  g_return_val_if_fail (packet != NULL, NULL);

  /* Single-threaded by design (every Sio object lives on one main context), so a plain
   * increment: atomics would cost on every broadcast recipient. */
  packet->ref_count++;
  return packet;
}

void
sio_engine_packet_unref (SioEnginePacket *packet)
{
  g_return_if_fail (packet != NULL);

  if (--packet->ref_count > 0)
    return;

  g_free (packet->polling_b64);
  g_free (packet->v3_frame);
  g_free (packet);
}

SioEnginePacketType
sio_engine_packet_get_kind (SioEnginePacket *packet)
{
  g_return_val_if_fail (packet != NULL, SIO_ENGINE_PACKET_NOOP);

  return packet->type == 0xff ? SIO_ENGINE_PACKET_NOOP : packet->type;
}

gboolean
sio_engine_packet_is_binary (SioEnginePacket *packet)
{
  g_return_val_if_fail (packet != NULL, FALSE);

  return packet->binary;
}

/**
 * sio_engine_packet_get_data:
 * @packet: a packet
 * @len: (out) (optional): length of the data
 *
 * Returns: (transfer none): the data after the type digit, nul-terminated
 */
const char *
sio_engine_packet_get_data (SioEnginePacket *packet,
                            gsize           *len)
{
  g_return_val_if_fail (packet != NULL, NULL);

  if (len)
    *len = packet->len;
  return (const char *) packet->buf + DATA_OFFSET;
}

/**
 * sio_engine_packet_get_bytes:
 * @packet: a packet
 *
 * Returns: (transfer full): a copy of the data as bytes
 */
GBytes *
sio_engine_packet_get_bytes (SioEnginePacket *packet)
{
  g_return_val_if_fail (packet != NULL, NULL);

  return g_bytes_new (packet->buf + DATA_OFFSET, packet->len);
}

/* The complete WebSocket frame for a client of @protocol. */
const guint8 *
_sio_engine_packet_get_frame (SioEnginePacket *packet,
                              int              protocol,
                              gsize           *len)
{
  gsize payload_end = DATA_OFFSET + packet->len;

  /* Engine.IO v3 prefixes binary frames with the type byte; that slot of the buffer holds
   * the v4 header, so the v3 form is built once, on first use. */
  if (protocol == 3 && packet->binary && packet->type != 0xff)
    {
      if (packet->v3_frame == NULL)
        {
          gsize header = _sio_ws_header_size (packet->len + 1);

          packet->v3_frame_len = header + 1 + packet->len;
          packet->v3_frame = g_malloc (packet->v3_frame_len);
          _sio_ws_write_header (packet->v3_frame, 0x2, packet->len + 1);
          packet->v3_frame[header] = packet->type;
          memcpy (packet->v3_frame + header + 1, packet->buf + DATA_OFFSET, packet->len);
        }
      *len = packet->v3_frame_len;
      return packet->v3_frame;
    }

  *len = payload_end - packet->frame_start;
  return packet->buf + packet->frame_start;
}

/* Appends the packet in the text codec: its type digit and data, or for binary data "b" +
 * base64 (v4) or "b4" + base64 (v3). The base64 is computed once per packet. */
void
_sio_engine_packet_append_text (SioEnginePacket *packet,
                                int              protocol,
                                GByteArray      *out)
{
  if (!packet->binary)
    {
      g_byte_array_append (out, packet->buf + TYPE_OFFSET, packet->len + 1);
      return;
    }

  if (packet->polling_b64 == NULL)
    packet->polling_b64 = g_base64_encode (packet->buf + DATA_OFFSET, packet->len);

  g_byte_array_append (out, (const guint8 *) (protocol == 3 ? "b4" : "b"), protocol == 3 ? 2 : 1);
  g_byte_array_append (out, (const guint8 *) packet->polling_b64, strlen (packet->polling_b64));
}

const guint8 *
_sio_engine_packet_get_raw (SioEnginePacket *packet,
                            gsize           *len)
{
  *len = packet->len;
  return packet->buf + DATA_OFFSET;
}


static int
base64_value (char c)
{
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+')
    return 62;
  if (c == '/')
    return 63;
  return -1;
}

/* g_base64_decode() skips characters it does not know, so garbage would silently become
 * bytes. The Node reference is as lenient; we reject instead, so a corrupted packet is a
 * parse error rather than a message nobody sent. */
gboolean
_sio_engine_base64_decode_strict (const char *text,
                                  gsize       len,
                                  GByteArray *out)
{
  gsize padding = 0;

  if (len % 4 != 0)
    return FALSE;

  if (len >= 1 && text[len - 1] == '=')
    padding++;
  if (len >= 2 && text[len - 2] == '=')
    padding++;

  for (gsize i = 0; i < len; i += 4)
    {
      int v[4];
      guint32 triple;
      gsize n_chars = (i + 4 == len) ? 4 - padding : 4;

      for (gsize j = 0; j < 4; j++)
        {
          v[j] = j < n_chars ? base64_value (text[i + j]) : 0;
          if (v[j] < 0)
            return FALSE;
        }

      triple = ((guint32) v[0] << 18) | ((guint32) v[1] << 12) | ((guint32) v[2] << 6) | (guint32) v[3];
      {
        guint8 bytes[3] = { triple >> 16, (triple >> 8) & 0xff, triple & 0xff };
        g_byte_array_append (out, bytes, n_chars - 1);
      }
    }

  return TRUE;
}

/**
 * sio_engine_packet_decode:
 * @encoded: one encoded packet: a type digit and its data, or "b" and base64
 * @len: length of @encoded
 * @protocol: the Engine.IO protocol revision (3 or 4)
 * @error: return location for a #SIO_ERROR_PARSE error
 *
 * Returns: (transfer full) (nullable): the packet
 */
SioEnginePacket *
sio_engine_packet_decode (const char  *encoded,
                          gsize        len,
                          int          protocol,
                          GError     **error)
{
  g_return_val_if_fail (encoded != NULL || len == 0, NULL);

  if (len == 0)
    {
      g_set_error_literal (error, SIO_ERROR, SIO_ERROR_PARSE, "Empty packet");
      return NULL;
    }

  if (encoded[0] == 'b')
    {
      g_autoptr(GByteArray) bytes = g_byte_array_sized_new (len);
      gsize skip = 1;

      /* v3 writes the packet type after the "b"; only messages carry binary data. */
      if (protocol == 3)
        {
          if (len < 2 || encoded[1] != '4')
            {
              g_set_error_literal (error, SIO_ERROR, SIO_ERROR_PARSE, "Invalid base64 packet type");
              return NULL;
            }
          skip = 2;
        }

      if (!_sio_engine_base64_decode_strict (encoded + skip, len - skip, bytes))
        {
          g_set_error_literal (error, SIO_ERROR, SIO_ERROR_PARSE, "Invalid base64 in binary packet");
          return NULL;
        }

      return packet_alloc (SIO_ENGINE_PACKET_MESSAGE, TRUE, bytes->data, bytes->len);
    }

  if (encoded[0] < '0' || encoded[0] > '6')
    {
      g_set_error (error, SIO_ERROR, SIO_ERROR_PARSE, "Unknown packet type 0x%02x",
                   (guint8) encoded[0]);
      return NULL;
    }

  if (!g_utf8_validate_len (encoded + 1, len - 1, NULL))
    {
      g_set_error_literal (error, SIO_ERROR, SIO_ERROR_PARSE, "Packet is not valid UTF-8");
      return NULL;
    }

  return packet_alloc (encoded[0] - '0', FALSE, encoded + 1, len - 1);
}

/**
 * sio_engine_payload_decode:
 * @payload: a polling request body
 * @len: its length
 * @protocol: the Engine.IO protocol revision
 * @error: return location for a #SIO_ERROR_PARSE error
 *
 * Splits a v4 polling payload at the record separator (0x1e) and decodes every packet.
 *
 * Returns: (transfer full) (element-type SioEnginePacket) (nullable): the packets
 */
GPtrArray *
sio_engine_payload_decode (const char  *payload,
                           gsize        len,
                           int          protocol,
                           GError     **error)
{
  g_autoptr(GPtrArray) packets = g_ptr_array_new_with_free_func ((GDestroyNotify) sio_engine_packet_unref);
  gsize start = 0;

  g_return_val_if_fail (payload != NULL || len == 0, NULL);

  for (gsize i = 0; i <= len; i++)
    {
      SioEnginePacket *packet;

      if (i < len && payload[i] != '\x1e')
        continue;

      packet = sio_engine_packet_decode (payload + start, i - start, protocol, error);
      if (packet == NULL)
        return NULL;
      g_ptr_array_add (packets, packet);
      start = i + 1;
    }

  return g_steal_pointer (&packets);
}

/**
 * sio_engine_payload_encode:
 * @packets: (array length=n_packets): packets
 * @n_packets: how many
 * @protocol: the Engine.IO protocol revision
 *
 * Returns: (transfer full): the polling body carrying @packets
 */
GBytes *
sio_engine_payload_encode (SioEnginePacket **packets,
                           guint             n_packets,
                           int               protocol)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();

  for (guint i = 0; i < n_packets; i++)
    {
      if (i > 0)
        g_byte_array_append (out, (const guint8 *) "\x1e", 1);
      _sio_engine_packet_append_text (packets[i], protocol, out);
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}
