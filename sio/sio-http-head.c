/* sio-http-head.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * A strict reader for one HTTP/1.1 request head, for the WebSocket fast path
 * (sio-http-listener.c): only what a browser or socket.io-client sends for a plain upgrade gets
 * through, and anything else (HTTP/1.0, folded lines, bare LF, odd bytes, a huge head) is
 * INVALID, which only means "not for the fast path": the connection then goes to libsoup, which
 * answers it as it always did. Network bytes: fuzzed in tests/fuzz/fuzz-http-head.c.
 */

#include "config.h"

#include "sio-http-head.h"

#include <string.h>

#define MAX_METHOD_LEN 16
#define MAX_TARGET_LEN 2048

static gboolean
is_tchar (guchar c)
{
  return g_ascii_isalnum (c) || (c != '\0' && strchr ("!#$%&'*+-.^_`|~", c) != NULL);
}

static gboolean
is_field_char (guchar c)
{
  return c == '\t' || c == ' ' || (c >= 0x21 && c != 0x7f);
}

/* Finds the end of the line starting at @p (before @end): the CR of its CRLF, or NULL when a
 * bare CR or LF comes first. */
static const char *
line_end (const char *p,
          const char *end)
{
  for (; p < end; p++)
    {
      if (*p == '\r')
        return (p + 1 < end && p[1] == '\n') ? p : NULL;
      if (*p == '\n')
        return NULL;
    }
  return NULL;
}

static gboolean
parse_request_line (const char  *p,
                    const char  *eol,
                    SioHttpHead *head)
{
  const char *sp;

  head->method.start = p;
  for (sp = p; sp < eol && *sp != ' '; sp++)
    if (!g_ascii_isupper (*sp))
      return FALSE;
  head->method.len = sp - p;
  if (head->method.len == 0 || head->method.len > MAX_METHOD_LEN || sp == eol)
    return FALSE;

  p = sp + 1;
  head->target.start = p;
  for (sp = p; sp < eol && *sp != ' '; sp++)
    if ((guchar) *sp <= 0x20 || (guchar) *sp >= 0x7f)
      return FALSE;
  head->target.len = sp - p;
  if (head->target.len == 0 || head->target.len > MAX_TARGET_LEN || *p != '/' || sp == eol)
    return FALSE;

  p = sp + 1;
  return eol - p == 8 && memcmp (p, "HTTP/1.1", 8) == 0;
}

static gboolean
parse_header_line (const char  *p,
                   const char  *eol,
                   SioHttpHead *head)
{
  const char *colon;
  const char *value_end;
  guint i = head->n_headers;

  if (i == SIO_HTTP_HEAD_MAX_HEADERS)
    return FALSE;

  for (colon = p; colon < eol && *colon != ':'; colon++)
    if (!is_tchar (*colon))
      return FALSE;
  if (colon == p || colon == eol)
    return FALSE;
  head->names[i].start = p;
  head->names[i].len = colon - p;

  for (const char *q = colon + 1; q < eol; q++)
    if (!is_field_char (*q))
      return FALSE;
  p = colon + 1;
  while (p < eol && (*p == ' ' || *p == '\t'))
    p++;
  value_end = eol;
  while (value_end > p && (value_end[-1] == ' ' || value_end[-1] == '\t'))
    value_end--;
  head->values[i].start = p;
  head->values[i].len = value_end - p;
  head->n_headers++;
  return TRUE;
}

/**
 * _sio_http_head_parse:
 * @buf: the bytes received so far
 * @len: how many
 * @head: (out caller-allocates): the head, valid while @buf is
 *
 * Returns: whether @buf starts with a whole request head this parser takes
 */
SioHttpHeadStatus
_sio_http_head_parse (const char  *buf,
                      gsize        len,
                      SioHttpHead *head)
{
  const char *end;
  const char *p;
  const char *eol;

  memset (head, 0, sizeof *head);
  if (len > SIO_HTTP_HEAD_MAX_SIZE)
    len = SIO_HTTP_HEAD_MAX_SIZE;
  end = g_strstr_len (buf, len, "\r\n\r\n");
  if (end == NULL)
    {
      /* A NUL cannot be part of a head we take; g_strstr_len() would stop at it anyway. */
      if (len == SIO_HTTP_HEAD_MAX_SIZE || memchr (buf, '\0', len) != NULL)
        return SIO_HTTP_HEAD_INVALID;
      return SIO_HTTP_HEAD_INCOMPLETE;
    }
  end += 2;   /* the CRLF of the last header line stays part of that line */

  eol = line_end (buf, end);
  if (eol == NULL || !parse_request_line (buf, eol, head))
    return SIO_HTTP_HEAD_INVALID;

  for (p = eol + 2; p < end; p = eol + 2)
    {
      eol = line_end (p, end);
      if (eol == NULL || !parse_header_line (p, eol, head))
        return SIO_HTTP_HEAD_INVALID;
    }

  head->length = end - buf + 2;
  return SIO_HTTP_HEAD_COMPLETE;
}

/* ASCII case-insensitive comparison with a C string. */
gboolean
_sio_http_span_equal (SioHttpSpan  span,
                      const char  *text)
{
  return strlen (text) == span.len && g_ascii_strncasecmp (span.start, text, span.len) == 0;
}

/* The value of header @name; NULL when it is missing or given more than once (a repeated
 * Upgrade, Sec-WebSocket-Key... is for libsoup to judge). */
const SioHttpSpan *
_sio_http_head_lookup (const SioHttpHead *head,
                       const char        *name)
{
  const SioHttpSpan *found = NULL;

  for (guint i = 0; i < head->n_headers; i++)
    if (_sio_http_span_equal (head->names[i], name))
      {
        if (found != NULL)
          return NULL;
        found = &head->values[i];
      }
  return found;
}

/* Whether a comma-separated list (Connection: keep-alive, Upgrade) holds @token. */
gboolean
_sio_http_span_has_token (SioHttpSpan  span,
                          const char  *token)
{
  const char *p = span.start;
  const char *end = span.start + span.len;

  while (p < end)
    {
      const char *comma = memchr (p, ',', end - p);
      const char *item_end = comma ? comma : end;
      SioHttpSpan item;

      while (p < item_end && (*p == ' ' || *p == '\t'))
        p++;
      item.start = p;
      item.len = item_end - p;
      while (item.len > 0 && (item.start[item.len - 1] == ' ' || item.start[item.len - 1] == '\t'))
        item.len--;
      if (_sio_http_span_equal (item, token))
        return TRUE;
      p = comma ? comma + 1 : end;
    }
  return FALSE;
}
