/* sio-json.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:sio-json
 *
 * JSON as JavaScript sees it. Socket.IO payloads are whatever the peer's `JSON.stringify()`
 * produced and whatever its `JSON.parse()` accepts, so both directions follow ECMA-262 rather
 * than json-glib 1.6:
 *
 * - the writer produces exactly the bytes of `JSON.stringify(value)`: numbers in the
 *   `Number.prototype.toString()` form (json-glib writes `1.0` or `0.10000000000000001`), members
 *   with array-index names ("0", "42") first in ascending order and the rest in insertion order,
 *   and the same string escapes;
 * - the reader accepts exactly the grammar of `JSON.parse()`. json-glib 1.6 also takes single
 *   quotes, hexadecimal and leading-zero numbers, comments and unknown escapes, wraps integers
 *   that do not fit in 64 bits, and truncates strings at `\u0000`, none of which a Socket.IO peer
 *   may rely on.
 *
 * Numbers are read as JavaScript reads them: integers whose double value is exact and at most
 * 2^53 become int64 nodes, everything else becomes a double node with the correctly rounded
 * value. Strings in JsonNode are NUL-terminated UTF-8, so the two things a JavaScript string can
 * hold and they cannot, `\u0000` and unpaired surrogates, are kept as "modified UTF-8" and WTF-8
 * bytes that the writer turns back into the same escapes.
 */

#include "config.h"

#include "sio-json.h"

#include <math.h>
#include <string.h>

/* 2^53: every integer up to here is exactly representable as a double. */
#define MAX_SAFE_MAGNITUDE 9007199254740992.0

#define REPLACEMENT_CHARACTER "\xef\xbf\xbd"

/* Writer */

static void append_node (GString  *out,
                         JsonNode *node);

/* "%.Ne" gives N + 1 significant digits, correctly rounded (ties to even, like ECMA-262). */
static const char * const exp_formats[17] = {
  "%.0e", "%.1e", "%.2e", "%.3e", "%.4e", "%.5e", "%.6e", "%.7e", "%.8e",
  "%.9e", "%.10e", "%.11e", "%.12e", "%.13e", "%.14e", "%.15e", "%.16e",
};

static gboolean
digits_round_trip (double      value,
                   const char *digits,
                   int         n_digits,
                   int         exponent)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  gsize len = 0;

  g_assert (n_digits >= 1 && n_digits <= 17);

  /* d.ddde<exp>: at most 17 digits, a point and "e-324", well within buf. */
  buf[len++] = digits[0];
  if (n_digits > 1)
    {
      buf[len++] = '.';
      memcpy (buf + len, digits + 1, n_digits - 1);
      len += n_digits - 1;
    }
  g_snprintf (buf + len, sizeof buf - len, "e%d", exponent);

  return g_ascii_strtod (buf, NULL) == value;
}

/* Tries to write positive, finite, non-zero @value with @precision significant digits so that
 * the digits read back as @value; on success @digits holds them and @value = d.ddd × 10^@exponent.
 * Among the digit strings of that length that read back, picks the one closest to @value. */
static gboolean
try_precision (double  value,
               int     precision,
               char    digits[17],
               int    *exponent)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  const char *p;
  double candidate;
  int n = 0;
  int i;

  g_ascii_formatd (buf, sizeof buf, exp_formats[precision - 1], value);

  for (p = buf; *p != 'e'; p++)
    if (g_ascii_isdigit (*p))
      digits[n++] = *p;
  *exponent = (int) g_ascii_strtoll (p + 1, NULL, 10);
  g_assert (n == precision);

  candidate = g_ascii_strtod (buf, NULL);
  if (candidate == value)
    return TRUE;

  /* The correctly rounded candidate missed, but when @value is a power of two the interval
   * that reads back as @value is twice as wide above it as below, so the grid point on the
   * other side may still be inside it and is then the answer at this length. */
  if (candidate < value)
    {
      for (i = n - 1; i >= 0 && digits[i] == '9'; i--)
        digits[i] = '0';
      if (i >= 0)
        {
          digits[i]++;
        }
      else
        {
          digits[0] = '1';
          (*exponent)++;
        }
    }
  else
    {
      for (i = n - 1; digits[i] == '0'; i--)
        digits[i] = '9';
      digits[i]--;
      if (digits[0] == '0')
        {
          /* 10…0 × 10^e minus one step is 99…9 × 10^(e - 1). */
          memset (digits, '9', n);
          (*exponent)--;
        }
    }

  return digits_round_trip (value, digits, n, *exponent);
}

/* ECMA-262 Number::toString, step 5: the fewest digits that read back as @value, and among those
 * the closest to it. Returns the number of digits. Reading back only gets easier as the
 * precision grows (each grid contains the coarser ones), so binary search finds the shortest. */
static int
shortest_digits (double  value,
                 char    digits[17],
                 int    *exponent)
{
  char trial[17];
  int trial_exponent;
  int low = 1;
  int high = 17;

  /* 17 significant digits always read back as the same double. */
  if (!try_precision (value, high, digits, exponent))
    g_assert_not_reached ();

  while (low < high)
    {
      int mid = (low + high) / 2;

      if (try_precision (value, mid, trial, &trial_exponent))
        {
          memcpy (digits, trial, mid);
          *exponent = trial_exponent;
          high = mid;
        }
      else
        {
          low = mid + 1;
        }
    }

  return high;
}

/**
 * sio_json_append_number:
 * @out: the string to append to
 * @value: a number
 *
 * Appends @value formatted like `JSON.stringify()` formats a JavaScript number: the shortest
 * digits that read back as @value, in plain decimal notation when 1e-7 <= |@value| < 1e21 and
 * in exponent form (`1e+21`, `1.5e-7`) otherwise. `-0` is written as `0`; NaN and the
 * infinities are written as `null`, as JSON has no spelling for them.
 */
void
sio_json_append_number (GString *out,
                        double   value)
{
  char digits[17];
  int n_digits;
  int exponent;
  int point;

  g_return_if_fail (out != NULL);

  if (!isfinite (value))
    {
      g_string_append (out, "null");
      return;
    }

  /* Also catches -0, which JavaScript writes as "0". */
  if (value == 0)
    {
      g_string_append_c (out, '0');
      return;
    }

  if (value == floor (value) && fabs (value) <= MAX_SAFE_MAGNITUDE)
    {
      g_string_append_printf (out, "%" G_GINT64_FORMAT, (gint64) value);
      return;
    }

  if (value < 0)
    {
      g_string_append_c (out, '-');
      value = -value;
    }

  n_digits = shortest_digits (value, digits, &exponent);
  while (n_digits > 1 && digits[n_digits - 1] == '0')
    n_digits--;

  /* ECMA-262 Number::toString, steps 6 to 10, with n = point and k = n_digits. */
  point = exponent + 1;
  if (n_digits <= point && point <= 21)
    {
      g_string_append_len (out, digits, n_digits);
      for (int i = n_digits; i < point; i++)
        g_string_append_c (out, '0');
    }
  else if (0 < point && point <= 21)
    {
      g_string_append_len (out, digits, point);
      g_string_append_c (out, '.');
      g_string_append_len (out, digits + point, n_digits - point);
    }
  else if (-6 < point && point <= 0)
    {
      g_string_append (out, "0.");
      for (int i = point; i < 0; i++)
        g_string_append_c (out, '0');
      g_string_append_len (out, digits, n_digits);
    }
  else
    {
      g_string_append_c (out, digits[0]);
      if (n_digits > 1)
        {
          g_string_append_c (out, '.');
          g_string_append_len (out, digits + 1, n_digits - 1);
        }
      g_string_append_printf (out, "e%c%d", exponent < 0 ? '-' : '+', ABS (exponent));
    }
}

static void
append_int (GString *out,
            gint64   value)
{
  /* Beyond 2^53 a JavaScript number can't hold the value; write what JS would have. */
  if (value > (gint64) MAX_SAFE_MAGNITUDE || value < -(gint64) MAX_SAFE_MAGNITUDE)
    sio_json_append_number (out, (double) value);
  else
    g_string_append_printf (out, "%" G_GINT64_FORMAT, value);
}

/**
 * sio_json_append_string:
 * @out: the string to append to
 * @utf8: UTF-8 text
 * @len: length of @utf8 in bytes, or -1 if it is NUL-terminated
 *
 * Appends @utf8 as a quoted JSON string, escaped like `JSON.stringify()` does: `"` and `\`,
 * `\b`, `\f`, `\n`, `\r`, `\t`, other control characters as `\u00XX` (lowercase hex); all other
 * characters, U+2028 and U+2029 included, are copied as they are. Bytes that are not valid UTF-8
 * become U+FFFD, so the result is always valid UTF-8.
 */
void
sio_json_append_string (GString    *out,
                        const char *utf8,
                        gssize      len)
{
  const char *p;
  const char *run;
  const char *end;

  g_return_if_fail (out != NULL);
  g_return_if_fail (utf8 != NULL || len == 0);

  if (len < 0)
    len = strlen (utf8);

  g_string_append_c (out, '"');

  p = run = utf8;
  end = utf8 + len;
  while (p < end)
    {
      guchar c = (guchar) *p;

      if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\')
        {
          p++;
          continue;
        }

      if (c >= 0x80)
        {
          gunichar ch = g_utf8_get_char_validated (p, end - p);

          if (ch != (gunichar) -1 && ch != (gunichar) -2)
            {
              p = g_utf8_next_char (p);
              continue;
            }

          /* What the reader made of "\u0000" and lone surrogates (see parse_string()). */
          if (c == 0xc0 && end - p >= 2 && (guchar) p[1] == 0x80)
            {
              g_string_append_len (out, run, p - run);
              g_string_append (out, "\\u0000");
              p += 2;
              run = p;
              continue;
            }
          if (c == 0xed && end - p >= 3 && ((guchar) p[1] & 0xe0) == 0xa0 && ((guchar) p[2] & 0xc0) == 0x80)
            {
              guint unit = 0xd000 | (((guchar) p[1] & 0x3f) << 6) | ((guchar) p[2] & 0x3f);

              g_string_append_len (out, run, p - run);
              g_string_append_printf (out, "\\u%04x", unit);
              p += 3;
              run = p;
              continue;
            }
        }

      g_string_append_len (out, run, p - run);

      switch (c)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;

        case '\\':
          g_string_append (out, "\\\\");
          break;

        case '\b':
          g_string_append (out, "\\b");
          break;

        case '\f':
          g_string_append (out, "\\f");
          break;

        case '\n':
          g_string_append (out, "\\n");
          break;

        case '\r':
          g_string_append (out, "\\r");
          break;

        case '\t':
          g_string_append (out, "\\t");
          break;

        default:
          if (c < 0x20)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append (out, REPLACEMENT_CHARACTER);
          break;
        }

      p++;
      run = p;
    }

  g_string_append_len (out, run, p - run);
  g_string_append_c (out, '"');
}

typedef struct
{
  guint32     index;
  const char *name;
} IndexMember;

/* ECMA-262 OrdinaryOwnPropertyKeys: array indices are canonical decimal integers below
 * 2^32 - 1, and JavaScript lists them before every other key. */
static gboolean
is_array_index (const char *name,
                guint32    *index)
{
  guint64 value = 0;

  if (name[0] == '\0' || (name[0] == '0' && name[1] != '\0'))
    return FALSE;

  for (const char *p = name; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p))
        return FALSE;
      value = value * 10 + (*p - '0');
      if (value >= G_MAXUINT32)
        return FALSE;
    }

  *index = (guint32) value;
  return TRUE;
}

static int
compare_index_members (gconstpointer a,
                       gconstpointer b)
{
  const IndexMember *ma = a;
  const IndexMember *mb = b;

  return ma->index < mb->index ? -1 : ma->index > mb->index;
}

static void
append_member (GString    *out,
               JsonObject *object,
               const char *name,
               gboolean   *first)
{
  if (!*first)
    g_string_append_c (out, ',');
  *first = FALSE;

  sio_json_append_string (out, name, -1);
  g_string_append_c (out, ':');
  append_node (out, json_object_get_member (object, name));
}

static void
append_object (GString    *out,
               JsonObject *object)
{
  g_autoptr(GArray) indices = NULL;
  GList *members;
  gboolean first = TRUE;

  /* json-glib 1.6 keeps members in insertion order here (JsonObjectIter does not). */
  members = json_object_get_members (object);

  for (const GList *l = members; l != NULL; l = l->next)
    {
      IndexMember member = { 0, l->data };

      if (!is_array_index (member.name, &member.index))
        continue;
      if (indices == NULL)
        indices = g_array_new (FALSE, FALSE, sizeof (IndexMember));
      g_array_append_val (indices, member);
    }

  g_string_append_c (out, '{');

  if (indices != NULL)
    {
      g_array_sort (indices, compare_index_members);
      for (guint i = 0; i < indices->len; i++)
        append_member (out, object, g_array_index (indices, IndexMember, i).name, &first);
    }

  for (const GList *l = members; l != NULL; l = l->next)
    {
      guint32 index;

      if (indices == NULL || !is_array_index (l->data, &index))
        append_member (out, object, l->data, &first);
    }

  g_string_append_c (out, '}');

  g_list_free (members);
}

static void
append_node (GString  *out,
             JsonNode *node)
{
  if (node == NULL)
    {
      g_string_append (out, "null");
      return;
    }

  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      append_object (out, json_node_get_object (node));
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint length = json_array_get_length (array);

        g_string_append_c (out, '[');
        for (guint i = 0; i < length; i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            append_node (out, json_array_get_element (array, i));
          }
        g_string_append_c (out, ']');
      }
      break;

    case JSON_NODE_VALUE:
      {
        GType type = json_node_get_value_type (node);

        if (type == G_TYPE_INT64)
          {
            append_int (out, json_node_get_int (node));
          }
        else if (type == G_TYPE_DOUBLE)
          {
            sio_json_append_number (out, json_node_get_double (node));
          }
        else if (type == G_TYPE_BOOLEAN)
          {
            g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          }
        else if (type == G_TYPE_STRING && json_node_get_string (node) != NULL)
          {
            sio_json_append_string (out, json_node_get_string (node), -1);
          }
        else
          {
            g_string_append (out, "null");
          }
      }
      break;

    case JSON_NODE_NULL:
    default:
      g_string_append (out, "null");
      break;
    }
}

/**
 * sio_json_append:
 * @out: the string to append to
 * @node: (nullable): a JSON node
 *
 * Appends @node serialised exactly as `JSON.stringify()` would serialise the equivalent
 * JavaScript value: no whitespace, numbers as with sio_json_append_number(), strings as with
 * sio_json_append_string(), object members in JavaScript's own-key order (array-index names in
 * ascending numeric order, then the others in insertion order). %NULL and null nodes are written
 * as `null`.
 */
void
sio_json_append (GString  *out,
                 JsonNode *node)
{
  g_return_if_fail (out != NULL);

  append_node (out, node);
}

/**
 * sio_json_to_string:
 * @node: (nullable): a JSON node
 *
 * Serialises @node like `JSON.stringify()`; see sio_json_append().
 *
 * Returns: (transfer full): the JSON text
 */
char *
sio_json_to_string (JsonNode *node)
{
  GString *out = g_string_new (NULL);

  append_node (out, node);

  return g_string_free (out, FALSE);
}

/* Reader */

typedef struct
{
  const char *start;
  const char *cur;
  const char *end;
  guint       depth;
} ParseState;

static JsonNode *parse_value (ParseState  *state,
                              GError     **error);

static void
set_parse_error (ParseState  *state,
                 GError     **error)
{
  if (state->cur >= state->end)
    g_set_error_literal (error, SIO_ERROR, SIO_ERROR_PARSE, "Unexpected end of JSON input");
  else if ((guchar) *state->cur >= 0x20 && (guchar) *state->cur < 0x7f)
    g_set_error (error, SIO_ERROR, SIO_ERROR_PARSE,
                 "Unexpected token '%c' in JSON at position %" G_GSIZE_FORMAT,
                 *state->cur, (gsize) (state->cur - state->start));
  else
    g_set_error (error, SIO_ERROR, SIO_ERROR_PARSE,
                 "Unexpected byte 0x%02x in JSON at position %" G_GSIZE_FORMAT,
                 (guchar) *state->cur, (gsize) (state->cur - state->start));
}

static void
skip_whitespace (ParseState *state)
{
  /* JSON whitespace is these four and nothing else (no BOM, no NBSP). */
  while (state->cur < state->end &&
         (*state->cur == ' ' || *state->cur == '\t' ||
          *state->cur == '\n' || *state->cur == '\r'))
    state->cur++;
}

static gboolean
accept_literal (ParseState *state,
                const char *literal)
{
  gsize len = strlen (literal);

  if ((gsize) (state->end - state->cur) < len || memcmp (state->cur, literal, len) != 0)
    return FALSE;

  state->cur += len;
  return TRUE;
}

static int
read_hex4 (const char *p,
           const char *end)
{
  int value = 0;

  if (end - p < 4)
    return -1;

  for (int i = 0; i < 4; i++)
    {
      int digit = g_ascii_xdigit_value (p[i]);

      if (digit < 0)
        return -1;
      value = value * 16 + digit;
    }

  return value;
}

/* On entry state->cur is at the opening quote. The text is known to be valid UTF-8. */
static gboolean
parse_string (ParseState  *state,
              GString     *out,
              GError     **error)
{
  const char *run;

  g_assert (*state->cur == '"');

  run = ++state->cur;
  while (state->cur < state->end)
    {
      guchar c = (guchar) *state->cur;
      int unit;

      if (c == '"')
        {
          g_string_append_len (out, run, state->cur - run);
          state->cur++;
          return TRUE;
        }

      if (c < 0x20)
        {
          set_parse_error (state, error);
          return FALSE;
        }

      if (c != '\\')
        {
          state->cur++;
          continue;
        }

      g_string_append_len (out, run, state->cur - run);
      state->cur++;
      if (state->cur >= state->end)
        {
          set_parse_error (state, error);
          return FALSE;
        }

      switch (*state->cur)
        {
        case '"':
        case '\\':
        case '/':
          g_string_append_c (out, *state->cur);
          break;

        case 'b':
          g_string_append_c (out, '\b');
          break;

        case 'f':
          g_string_append_c (out, '\f');
          break;

        case 'n':
          g_string_append_c (out, '\n');
          break;

        case 'r':
          g_string_append_c (out, '\r');
          break;

        case 't':
          g_string_append_c (out, '\t');
          break;

        case 'u':
          unit = read_hex4 (state->cur + 1, state->end);
          if (unit < 0)
            {
              state->cur++;
              set_parse_error (state, error);
              return FALSE;
            }
          state->cur += 4;

          if (unit >= 0xd800 && unit <= 0xdbff &&
              state->end - state->cur >= 7 &&
              state->cur[1] == '\\' && state->cur[2] == 'u')
            {
              int low = read_hex4 (state->cur + 3, state->end);

              if (low >= 0xdc00 && low <= 0xdfff)
                {
                  g_string_append_unichar (out, 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00));
                  state->cur += 6;
                  break;
                }
            }

          /* A JavaScript string may hold these, and valid UTF-8 in a NUL-terminated C string
           * cannot: NUL becomes "modified UTF-8" C0 80 and a lone surrogate its 3-byte form
           * (WTF-8), which sio_json_append_string() turns back into the same escapes, so an
           * echo returns exactly what was sent. Text checked as UTF-8 rejects them. */
          if (unit == 0)
            g_string_append_len (out, "\xc0\x80", 2);
          else if (unit >= 0xd800 && unit <= 0xdfff)
            {
              g_string_append_c (out, (char) (0xe0 | (unit >> 12)));
              g_string_append_c (out, (char) (0x80 | ((unit >> 6) & 0x3f)));
              g_string_append_c (out, (char) (0x80 | (unit & 0x3f)));
            }
          else
            g_string_append_unichar (out, unit);
          break;

        default:
          set_parse_error (state, error);
          return FALSE;
        }

      run = ++state->cur;
    }

  set_parse_error (state, error);
  return FALSE;
}

static gboolean
skip_digits (ParseState *state)
{
  const char *begin = state->cur;

  while (state->cur < state->end && g_ascii_isdigit (*state->cur))
    state->cur++;

  return state->cur > begin;
}

static JsonNode *
parse_number (ParseState  *state,
              GError     **error)
{
  g_autofree char *copy = NULL;
  const char *begin = state->cur;
  gboolean integral = TRUE;
  JsonNode *node;
  double value;

  if (state->cur < state->end && *state->cur == '-')
    state->cur++;

  if (state->cur >= state->end || !g_ascii_isdigit (*state->cur))
    {
      set_parse_error (state, error);
      return NULL;
    }

  /* No leading zeros: "01" is a "0" followed by garbage. */
  if (*state->cur == '0')
    state->cur++;
  else
    skip_digits (state);

  if (state->cur < state->end && *state->cur == '.')
    {
      integral = FALSE;
      state->cur++;
      if (!skip_digits (state))
        {
          set_parse_error (state, error);
          return NULL;
        }
    }

  if (state->cur < state->end && (*state->cur == 'e' || *state->cur == 'E'))
    {
      integral = FALSE;
      state->cur++;
      if (state->cur < state->end && (*state->cur == '+' || *state->cur == '-'))
        state->cur++;
      if (!skip_digits (state))
        {
          set_parse_error (state, error);
          return NULL;
        }
    }

  copy = g_strndup (begin, state->cur - begin);
  node = json_node_new (JSON_NODE_VALUE);

  /* Up to 15 digits an integer is exact both ways; beyond, go through the double JavaScript
   * would see, so 9007199254740993 reads as 9007199254740992, as in JSON.parse(). */
  if (integral && state->cur - begin <= 15)
    {
      json_node_set_int (node, g_ascii_strtoll (copy, NULL, 10));
      return node;
    }

  value = g_ascii_strtod (copy, NULL);
  if (integral && value == floor (value) && fabs (value) <= MAX_SAFE_MAGNITUDE)
    json_node_set_int (node, (gint64) value);
  else
    json_node_set_double (node, value);

  return node;
}

static JsonNode *
parse_array (ParseState  *state,
             GError     **error)
{
  g_autoptr(JsonArray) array = json_array_new ();

  g_assert (*state->cur == '[');
  state->cur++;

  skip_whitespace (state);
  if (state->cur < state->end && *state->cur == ']')
    {
      state->cur++;
      return json_node_init_array (json_node_alloc (), array);
    }

  for (;;)
    {
      JsonNode *element = parse_value (state, error);

      if (element == NULL)
        return NULL;
      json_array_add_element (array, element);

      skip_whitespace (state);
      if (state->cur < state->end && *state->cur == ',')
        {
          state->cur++;
          continue;
        }
      if (state->cur < state->end && *state->cur == ']')
        {
          state->cur++;
          return json_node_init_array (json_node_alloc (), array);
        }

      set_parse_error (state, error);
      return NULL;
    }
}

static JsonNode *
parse_object (ParseState  *state,
              GError     **error)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(GString) name = g_string_new (NULL);

  g_assert (*state->cur == '{');
  state->cur++;

  skip_whitespace (state);
  if (state->cur < state->end && *state->cur == '}')
    {
      state->cur++;
      return json_node_init_object (json_node_alloc (), object);
    }

  for (;;)
    {
      JsonNode *member;

      skip_whitespace (state);
      if (state->cur >= state->end || *state->cur != '"')
        {
          set_parse_error (state, error);
          return NULL;
        }

      g_string_truncate (name, 0);
      if (!parse_string (state, name, error))
        return NULL;

      skip_whitespace (state);
      if (state->cur >= state->end || *state->cur != ':')
        {
          set_parse_error (state, error);
          return NULL;
        }
      state->cur++;

      member = parse_value (state, error);
      if (member == NULL)
        return NULL;

      /* A repeated name keeps its first position and takes the last value, as in JS. */
      json_object_set_member (object, name->str, member);

      skip_whitespace (state);
      if (state->cur < state->end && *state->cur == ',')
        {
          state->cur++;
          continue;
        }
      if (state->cur < state->end && *state->cur == '}')
        {
          state->cur++;
          return json_node_init_object (json_node_alloc (), object);
        }

      set_parse_error (state, error);
      return NULL;
    }
}

static JsonNode *
parse_value (ParseState  *state,
             GError     **error)
{
  JsonNode *node = NULL;

  skip_whitespace (state);
  if (state->cur >= state->end)
    {
      set_parse_error (state, error);
      return NULL;
    }

  switch (*state->cur)
    {
    case '{':
    case '[':
      if (state->depth >= SIO_JSON_MAX_DEPTH)
        {
          g_set_error (error, SIO_ERROR, SIO_ERROR_PARSE,
                       "JSON nested deeper than %d levels", SIO_JSON_MAX_DEPTH);
          return NULL;
        }
      state->depth++;
      node = *state->cur == '{' ? parse_object (state, error) : parse_array (state, error);
      state->depth--;
      return node;

    case '"':
      {
        g_autoptr(GString) str = g_string_new (NULL);

        if (!parse_string (state, str, error))
          return NULL;
        return json_node_init_string (json_node_alloc (), str->str);
      }

    case 't':
      if (accept_literal (state, "true"))
        return json_node_init_boolean (json_node_alloc (), TRUE);
      break;

    case 'f':
      if (accept_literal (state, "false"))
        return json_node_init_boolean (json_node_alloc (), FALSE);
      break;

    case 'n':
      if (accept_literal (state, "null"))
        return json_node_init_null (json_node_alloc ());
      break;

    default:
      if (*state->cur == '-' || g_ascii_isdigit (*state->cur))
        return parse_number (state, error);
      break;
    }

  set_parse_error (state, error);
  return NULL;
}

/**
 * sio_json_from_string:
 * @text: JSON text
 * @len: length of @text in bytes, or -1 if it is NUL-terminated
 * @error: return location for a #GError
 *
 * Parses @text with the grammar of JavaScript's `JSON.parse()`: RFC 8259 with nothing added
 * (no comments, single quotes, hex or leading zeros, trailing commas, BOM, or unknown escapes)
 * and whitespace allowed around the value. @text must be valid UTF-8.
 *
 * Integers that a JavaScript number holds exactly (|n| <= 2^53) become int64 nodes; every other
 * number becomes a double node with the value `JSON.parse()` would give (so `1e400` becomes
 * infinity, which sio_json_append() writes as `null`, as JavaScript does). `\u0000` and unpaired
 * surrogate escapes are kept in a form only sio_json_append() reads back (not valid UTF-8). Arrays and objects may nest %SIO_JSON_MAX_DEPTH deep.
 *
 * Returns: (transfer full): the parsed value, or %NULL with @error set to %SIO_ERROR_PARSE
 */
JsonNode *
sio_json_from_string (const char  *text,
                      gssize       len,
                      GError     **error)
{
  g_autoptr(JsonNode) node = NULL;
  ParseState state;

  g_return_val_if_fail (text != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (len < 0)
    len = strlen (text);

  /* Also rejects NUL bytes, which valid JSON cannot contain outside strings either. */
  if (!g_utf8_validate_len (text, len, NULL))
    {
      g_set_error_literal (error, SIO_ERROR, SIO_ERROR_PARSE, "JSON text is not valid UTF-8");
      return NULL;
    }

  state.start = state.cur = text;
  state.end = text + len;
  state.depth = 0;

  node = parse_value (&state, error);
  if (node == NULL)
    return NULL;

  skip_whitespace (&state);
  if (state.cur != state.end)
    {
      set_parse_error (&state, error);
      return NULL;
    }

  return g_steal_pointer (&node);
}
