/* fuzz-http-head.c: the request-head reader of the WebSocket fast path
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is what a client sent first. Whatever the verdict, every span the parser hands out
 * must lie inside the input; a complete head must end with the blank line at the length it
 * reports; and the verdict must not change when the input is cut short of that length (only
 * "incomplete" may come back) or when more bytes follow it. The header lookups and the token
 * search run over every value.
 */

#include "config.h"

#include <string.h>

#include "sio-http-head.h"

#include "fuzz-common.h"

static void
check_span (const uint8_t *data,
            size_t         size,
            SioHttpSpan    span)
{
  if (span.len == 0)
    return;
  FUZZ_ASSERT ((const uint8_t *) span.start >= data);
  FUZZ_ASSERT ((const uint8_t *) span.start + span.len <= data + size);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *buf = (const char *) data;
  SioHttpHead head;
  SioHttpHead again;
  SioHttpHeadStatus status = _sio_http_head_parse (buf, size, &head);

  if (status != SIO_HTTP_HEAD_COMPLETE)
    return 0;

  FUZZ_ASSERT (head.length >= 4 && head.length <= size && head.length <= SIO_HTTP_HEAD_MAX_SIZE);
  FUZZ_ASSERT (memcmp (buf + head.length - 4, "\r\n\r\n", 4) == 0);
  check_span (data, size, head.method);
  check_span (data, size, head.target);
  FUZZ_ASSERT (head.n_headers <= SIO_HTTP_HEAD_MAX_HEADERS);
  for (guint i = 0; i < head.n_headers; i++)
    {
      check_span (data, size, head.names[i]);
      check_span (data, size, head.values[i]);
      FUZZ_ASSERT (head.names[i].len > 0);
      _sio_http_span_has_token (head.values[i], "upgrade");
    }
  _sio_http_head_lookup (&head, "Sec-WebSocket-Key");

  /* The head alone reads the same; a head cut short is only ever incomplete. */
  FUZZ_ASSERT (_sio_http_head_parse (buf, head.length, &again) == SIO_HTTP_HEAD_COMPLETE);
  FUZZ_ASSERT (again.length == head.length && again.n_headers == head.n_headers);
  if (head.length > 1)
    FUZZ_ASSERT (_sio_http_head_parse (buf, head.length - 1, &again) == SIO_HTTP_HEAD_INCOMPLETE);

  return 0;
}
