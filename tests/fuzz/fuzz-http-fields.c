/* fuzz-http-fields.c: the header and query checks we wrote ourselves
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is two strings separated by the first NUL: an If-None-Match header and an entity
 * tag for _sio_http_if_none_match_matches() (sio-http.c), and the same pair read as a raw query
 * and a parameter name for _sio_engine_query_param_has_nul() (the engine server). Checked:
 * a header equal to the tag, or "*", always matches; a parameter found to hold %00 means the
 * query holds "%00"; neither reads past the strings.
 */

#include "config.h"

#include <string.h>

#include "sio-http-private.h"
#include "engine/sio-engine-private.h"

#include "fuzz-common.h"

/* A tag as sio_http_serve_bytes() gets them: quoted, optionally weak, no quote inside. */
static gboolean
is_plain_tag (const char *tag)
{
  const char *opaque = g_str_has_prefix (tag, "W/") ? tag + 2 : tag;
  gsize len = strlen (opaque);

  if (len < 2 || opaque[0] != '"' || opaque[len - 1] != '"')
    return FALSE;
  for (gsize i = 1; i + 1 < len; i++)
    if (opaque[i] == '"' || (guchar) opaque[i] < 0x21 || (guchar) opaque[i] == 0x7f)
      return FALSE;
  return TRUE;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *copy = g_malloc (size + 2);
  const char *first;
  const char *second;

  /* Two NUL-terminated strings, whatever the input. */
  memcpy (copy, data, size);
  copy[size] = '\0';
  copy[size + 1] = '\0';
  first = copy;
  second = copy + strlen (copy) + 1;
  if (second > copy + size)
    second = copy + size + 1;

  if (is_plain_tag (second))
    {
      _sio_http_if_none_match_matches (first, second);
      FUZZ_ASSERT (_sio_http_if_none_match_matches (second, second));
      FUZZ_ASSERT (_sio_http_if_none_match_matches ("*", second));
    }

  if (*second != '\0' && _sio_engine_query_param_has_nul (first, second))
    FUZZ_ASSERT (strstr (first, "%00") != NULL);

  return 0;
}
