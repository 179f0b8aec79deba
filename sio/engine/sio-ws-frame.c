/* sio-ws-frame.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* RFC 6455 section 5.2 framing. We frame ourselves instead of using SoupWebsocketConnection
 * because libsoup writes one frame per syscall and allocates per frame; owning the framing lets
 * a broadcast frame be built once and handed by reference to every recipient's queue. */

#include "config.h"

#include <string.h>

#include "sio-ws-frame.h"

gsize
_sio_ws_header_size (guint64 payload_len)
{
  if (payload_len < 126)
    return 2;
  if (payload_len < 65536)
    return 4;
  return 10;
}

/* Writes an unmasked FIN frame header into @out (at least SIO_WS_MAX_SERVER_HEADER bytes). */
gsize
_sio_ws_write_header (guint8  *out,
                      guint8   opcode,
                      guint64  payload_len)
{
  out[0] = 0x80 | (opcode & 0x0f);

  if (payload_len < 126)
    {
      out[1] = (guint8) payload_len;
      return 2;
    }

  if (payload_len < 65536)
    {
      out[1] = 126;
      out[2] = (guint8) (payload_len >> 8);
      out[3] = (guint8) payload_len;
      return 4;
    }

  out[1] = 127;
  for (int i = 0; i < 8; i++)
    out[2 + i] = (guint8) (payload_len >> (56 - 8 * i));
  return 10;
}

static gboolean
opcode_is_known (guint8 opcode)
{
  switch (opcode)
    {
    case SIO_WS_OP_CONTINUATION:
    case SIO_WS_OP_TEXT:
    case SIO_WS_OP_BINARY:
    case SIO_WS_OP_CLOSE:
    case SIO_WS_OP_PING:
    case SIO_WS_OP_PONG:
      return TRUE;

    default:
      return FALSE;
    }
}

SioWsParseResult
_sio_ws_parse_header (const guint8     *buf,
                      gsize             len,
                      gboolean          require_mask,
                      guint64           max_payload,
                      SioWsFrameHeader *header)
{
  guint64 payload_len;
  gsize pos = 2;

  if (len < 2)
    return SIO_WS_PARSE_INCOMPLETE;

  header->fin = (buf[0] & 0x80) != 0;
  header->opcode = buf[0] & 0x0f;
  header->masked = (buf[1] & 0x80) != 0;

  /* No extension was negotiated, so any RSV bit is a protocol error (section 5.2). */
  if ((buf[0] & 0x70) != 0 || !opcode_is_known (header->opcode))
    return SIO_WS_PARSE_ERROR;

  /* Section 5.1: clients must mask, servers must not. */
  if (header->masked != require_mask)
    return SIO_WS_PARSE_ERROR;

  payload_len = buf[1] & 0x7f;
  if (payload_len == 126)
    {
      if (len < 4)
        return SIO_WS_PARSE_INCOMPLETE;
      payload_len = ((guint64) buf[2] << 8) | buf[3];
      pos = 4;
    }
  else if (payload_len == 127)
    {
      if (len < 10)
        return SIO_WS_PARSE_INCOMPLETE;
      payload_len = 0;
      for (int i = 0; i < 8; i++)
        payload_len = (payload_len << 8) | buf[2 + i];
      if (payload_len >> 63)
        return SIO_WS_PARSE_ERROR;
      pos = 10;
    }

  /* Section 5.5: control frames are short and never fragmented. */
  if (header->opcode >= SIO_WS_OP_CLOSE && (!header->fin || payload_len > 125))
    return SIO_WS_PARSE_ERROR;

  if (payload_len > max_payload)
    return SIO_WS_PARSE_TOO_BIG;

  if (header->masked)
    {
      if (len < pos + 4)
        return SIO_WS_PARSE_INCOMPLETE;
      memcpy (header->mask, buf + pos, 4);
      pos += 4;
    }

  header->header_len = pos;
  header->payload_len = payload_len;
  return SIO_WS_PARSE_OK;
}

/* @offset is the position of @data within the frame's payload, so a payload unmasked in
 * several pieces keeps the right key phase. */
void
_sio_ws_unmask (guint8       *data,
                gsize         len,
                const guint8  mask[4],
                gsize         offset)
{
  gsize i = 0;

  /* Word-at-a-time when aligned with the key: the per-byte loop is the hottest code on the
   * receive path of a busy server. */
  if ((offset & 3) == 0 && len >= 8)
    {
      guint32 key;
      memcpy (&key, mask, 4);
      for (; i + 4 <= len; i += 4)
        {
          guint32 word;
          memcpy (&word, data + i, 4);
          word ^= key;
          memcpy (data + i, &word, 4);
        }
    }

  for (; i < len; i++)
    data[i] ^= mask[(offset + i) & 3];
}
