/* fuzz-json.c: our JSON reader and writer against json-glib's parser
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Three checks per input:
 *  - whatever json-glib parses, sio_json_to_string() must write as JSON that json-glib and
 *    sio_json_from_string() both parse again;
 *  - whatever sio_json_from_string() parses must be written as JSON that json-glib parses, and
 *    reading and writing that again must give the same text (the writer is a fixed point);
 *  - the first 8 bytes as a double: sio_json_append_number() must write a number that parses
 *    back to the same value (null for NaN and infinities, as JavaScript writes them).
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "sio.h"

#include "fuzz-common.h"

static gboolean
glib_parses (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  return json_parser_load_from_data (parser, text, -1, NULL);
}

/* Unpaired surrogate escapes are valid JSON (RFC 8259 section 8.2; JSON.parse() takes them and
 * so does sio_json_from_string(), and the writer writes them back as escapes), but json-glib
 * refuses them: such text is only checked with our own parser. */
static gboolean
has_surrogate_escape (const char *text)
{
  for (const char *p = strstr (text, "\\u"); p != NULL; p = strstr (p + 2, "\\u"))
    if (g_ascii_tolower (p[2]) == 'd' && p[3] != '\0' && strchr ("89abcdefABCDEF", p[3]) != NULL)
      return TRUE;
  return FALSE;
}

static void
check_written (const char *text)
{
  g_autoptr(JsonNode) ours = NULL;

  FUZZ_ASSERT (text != NULL);
  FUZZ_ASSERT (g_utf8_validate (text, -1, NULL));
  FUZZ_ASSERT (has_surrogate_escape (text) || glib_parses (text));
  ours = sio_json_from_string (text, -1, NULL);
  FUZZ_ASSERT (ours != NULL);
}

/* json-glib 1.6 (Debian 12) leaks on some of its error paths: the string buffer when a string
 * has a bad surrogate escape ("\udfff\u0041", "\ud83d\u:"), and nodes of a half-read
 * object. Its bugs, not ours, and the server never gives it network input. Only memory allocated
 * inside json_parser_load_from_data() matches: the parser we own and anything of ours is still
 * reported. LeakSanitizer (gcc's and clang's) reads this hook; elsewhere it is unused. The
 * function names need full stacks: ASAN_OPTIONS=fast_unwind_on_malloc=0, as build-aux/test and
 * build-aux/fuzz set it. */
const char *__lsan_default_suppressions (void);

const char *
__lsan_default_suppressions (void)
{
  return "leak:json_parser_load_from_data\n";
}

static guint
count_openers (const char *data,
               gsize       size)
{
  guint n = 0;

  for (gsize i = 0; i < size; i++)
    n += data[i] == '[' || data[i] == '{';
  return n;
}

static void
fuzz_json_glib (const char *data,
                gsize       size)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *written = NULL;
  JsonNode *root;

  /* json-glib does not check UTF-8 itself; the server never hands it anything else. */
  if (!g_utf8_validate_len (data, size, NULL))
    return;
  /* json-glib recurses once per nesting level: deep input pushes json_parser_load_from_data()
   * out of the leak report's stack, and the suppression above stops matching. Our own reader
   * (fuzz_ours) still gets deep input. */
  if (count_openers (data, size) > 8)
    return;
  if (!json_parser_load_from_data (parser, data, size, NULL))
    return;
  root = json_parser_get_root (parser);
  if (root == NULL)
    return;

  written = sio_json_to_string (root);
  check_written (written);
}

static void
fuzz_ours (const char *data,
           gsize       size)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *written = NULL;
  g_autofree char *rewritten = NULL;

  node = sio_json_from_string (data, size, &error);
  FUZZ_ASSERT ((node == NULL) == (error != NULL));
  if (node == NULL)
    return;

  written = sio_json_to_string (node);
  check_written (written);

  again = sio_json_from_string (written, -1, NULL);
  rewritten = sio_json_to_string (again);
  FUZZ_ASSERT (g_str_equal (written, rewritten));
}

static void
fuzz_number (const guint8 *data,
             gsize         size)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(JsonNode) node = NULL;
  double value;

  if (size < sizeof value)
    return;
  memcpy (&value, data, sizeof value);

  sio_json_append_number (out, value);
  check_written (out->str);

  node = sio_json_from_string (out->str, out->len, NULL);
  if (!isfinite (value))
    {
      FUZZ_ASSERT (JSON_NODE_HOLDS_NULL (node));
      return;
    }

  FUZZ_ASSERT (JSON_NODE_HOLDS_VALUE (node));
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    FUZZ_ASSERT ((double) json_node_get_int (node) == value);
  else
    FUZZ_ASSERT (json_node_get_double (node) == value);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  fuzz_json_glib ((const char *) data, size);
  fuzz_ours ((const char *) data, size);
  fuzz_number (data, size);
  return 0;
}
