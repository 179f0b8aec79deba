/* sio-ws-frame.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* RFC 6455 framing, kept free of any I/O so it can be fuzzed and unit-tested alone. */

typedef enum
{
  SIO_WS_OP_CONTINUATION = 0x0,
  SIO_WS_OP_TEXT = 0x1,
  SIO_WS_OP_BINARY = 0x2,
  SIO_WS_OP_CLOSE = 0x8,
  SIO_WS_OP_PING = 0x9,
  SIO_WS_OP_PONG = 0xA,
} SioWsOpcode;

/* The longest header a server (unmasked) frame can have. */
#define SIO_WS_MAX_SERVER_HEADER 10

typedef enum
{
  SIO_WS_PARSE_OK,          /* a whole frame was parsed */
  SIO_WS_PARSE_INCOMPLETE,  /* need more bytes */
  SIO_WS_PARSE_ERROR,       /* protocol violation: close with 1002 */
  SIO_WS_PARSE_TOO_BIG,     /* payload over the limit: close with 1009 */
} SioWsParseResult;

typedef struct
{
  guint8   opcode;
  gboolean fin;
  gsize    header_len;    /* bytes before the payload, mask included */
  guint64  payload_len;
  guint8   mask[4];
  gboolean masked;
} SioWsFrameHeader;

gsize            _sio_ws_header_size         (guint64              payload_len);
gsize            _sio_ws_write_header        (guint8              *out,
                                              guint8               opcode,
                                              guint64              payload_len);
SioWsParseResult _sio_ws_parse_header        (const guint8        *buf,
                                              gsize                len,
                                              gboolean             require_mask,
                                              guint64              max_payload,
                                              SioWsFrameHeader    *header);
void             _sio_ws_unmask              (guint8              *data,
                                              gsize                len,
                                              const guint8         mask[4],
                                              gsize                offset);

G_END_DECLS
