/* fuzz-ws-frame.c: the RFC 6455 frame parser
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The first input byte picks the side (bit 0: expect masked client frames, as the server does)
 * and the payload limit (bits 1-2); the rest is a stream of frames, parsed one after the other
 * as the connection does. Every whole frame's payload is unmasked twice, in one go and in two
 * pieces split at a point taken from the input, and both must equal the bytes XORed with the
 * key. Every accepted header must survive being written back (unmasked, FIN) and parsed again.
 */

#include "config.h"

#include <string.h>

#include "sio-ws-frame.h"

#include "fuzz-common.h"

static const guint64 max_payloads[] = { 125, 65535, 1024 * 1024, G_MAXUINT64 };

static void
check_unmask (const guint8           *payload,
              gsize                   len,
              const SioWsFrameHeader *header,
              gsize                   split)
{
  g_autofree guint8 *whole = g_malloc (len + 1);
  g_autofree guint8 *pieces = g_malloc (len + 1);

  memcpy (whole, payload, len);
  memcpy (pieces, payload, len);

  split = len > 0 ? split % (len + 1) : 0;
  _sio_ws_unmask (whole, len, header->mask, 0);
  _sio_ws_unmask (pieces, split, header->mask, 0);
  _sio_ws_unmask (pieces + split, len - split, header->mask, split);

  for (gsize i = 0; i < len; i++)
    {
      FUZZ_ASSERT (whole[i] == (payload[i] ^ header->mask[i % 4]));
      FUZZ_ASSERT (pieces[i] == whole[i]);
    }
}

static void
check_rewrite (const SioWsFrameHeader *header)
{
  guint8 out[SIO_WS_MAX_SERVER_HEADER];
  SioWsFrameHeader again;
  gsize n;

  n = _sio_ws_write_header (out, header->opcode, header->payload_len);
  FUZZ_ASSERT (n == _sio_ws_header_size (header->payload_len));

  /* A non-FIN control frame was refused above, so FIN changes nothing the parser checks. */
  FUZZ_ASSERT (_sio_ws_parse_header (out, n, FALSE, G_MAXUINT64, &again) == SIO_WS_PARSE_OK);
  FUZZ_ASSERT (again.header_len == n);
  FUZZ_ASSERT (again.opcode == header->opcode);
  FUZZ_ASSERT (again.payload_len == header->payload_len);
  FUZZ_ASSERT (again.fin && !again.masked);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  gboolean require_mask;
  guint64 max_payload;
  gsize pos = 1;

  if (size < 1)
    return 0;

  require_mask = (data[0] & 1) != 0;
  max_payload = max_payloads[(data[0] >> 1) & 3];

  while (pos < size)
    {
      SioWsFrameHeader header;
      SioWsParseResult res;

      memset (&header, 0xa5, sizeof header);
      res = _sio_ws_parse_header (data + pos, size - pos, require_mask, max_payload, &header);
      if (res != SIO_WS_PARSE_OK)
        {
          FUZZ_ASSERT (res == SIO_WS_PARSE_INCOMPLETE || res == SIO_WS_PARSE_ERROR ||
                       res == SIO_WS_PARSE_TOO_BIG);
          break;
        }

      FUZZ_ASSERT (header.header_len >= 2 && header.header_len <= 14);
      FUZZ_ASSERT (header.header_len <= size - pos);
      FUZZ_ASSERT (header.masked == require_mask);
      FUZZ_ASSERT (header.payload_len <= max_payload);
      check_rewrite (&header);

      pos += header.header_len;
      if (header.payload_len > size - pos)
        break;

      if (header.masked)
        check_unmask (data + pos, header.payload_len, &header, data[size - 1]);
      pos += header.payload_len;
    }

  return 0;
}
