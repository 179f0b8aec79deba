/* sio-http-head.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Larger heads are left to libsoup (which has its own limits). */
#define SIO_HTTP_HEAD_MAX_SIZE    4096
#define SIO_HTTP_HEAD_MAX_HEADERS 32

typedef enum
{
  SIO_HTTP_HEAD_INCOMPLETE,   /* no blank line yet: wait for more bytes */
  SIO_HTTP_HEAD_COMPLETE,
  SIO_HTTP_HEAD_INVALID,      /* not a request head this parser takes; libsoup decides */
} SioHttpHeadStatus;

/* Views into the buffer given to _sio_http_head_parse(), which must outlive it; nothing is
 * NUL-terminated. */
typedef struct
{
  const char *start;
  gsize       len;
} SioHttpSpan;

typedef struct
{
  SioHttpSpan method;
  SioHttpSpan target;          /* origin-form: path, and ?query if any */
  SioHttpSpan names[SIO_HTTP_HEAD_MAX_HEADERS];
  SioHttpSpan values[SIO_HTTP_HEAD_MAX_HEADERS];   /* without surrounding blanks */
  guint       n_headers;
  gsize       length;          /* bytes of the head, blank line included */
} SioHttpHead;

SioHttpHeadStatus _sio_http_head_parse        (const char        *buf,
                                               gsize              len,
                                               SioHttpHead       *head);
gboolean          _sio_http_span_equal        (SioHttpSpan        span,
                                               const char        *text);
const SioHttpSpan *_sio_http_head_lookup      (const SioHttpHead *head,
                                               const char        *name);
gboolean          _sio_http_span_has_token    (SioHttpSpan        span,
                                               const char        *token);

G_END_DECLS
