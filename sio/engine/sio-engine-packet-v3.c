/* sio-engine-packet-v3.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* The Engine.IO v3 polling payloads that socket.io 2.x clients speak (engine.io-parser 2.x).
 *
 * Text payloads prefix every packet with its length and a colon, the length counted in
 * UTF-16 code units as JavaScript's String#length does: "6:4hello2:40". Binary data inside a
 * text payload is "b4" + base64. A client that supports binary (no "b64" in its query) gets a
 * binary payload whenever a packet is binary: for each packet a 0 (string) or 1 (binary) byte,
 * the length as one byte per decimal digit, 255, then the packet (binary ones start with
 * their type byte). */

#include "config.h"

#include <string.h>

#include "sio-engine-packet-private.h"

/* Longer than any length a payload can declare within maxPayload (Number.MAX_VALUE has 309
 * digits; the reference allows 310 before calling it an error). */
#define MAX_LENGTH_DIGITS 16

static gsize
utf16_length (const char *text,
              gsize       len)
{
  const char *end = text + len;
  gsize units = 0;

  for (const char *p = text; p < end; p = g_utf8_next_char (p))
    units += g_utf8_get_char (p) >= 0x10000 ? 2 : 1;
  return units;
}

/* Byte length of the first @units UTF-16 units of @text, or -1 if @text is shorter or the
 * count splits a surrogate pair. */
static gssize
utf16_prefix_bytes (const char *text,
                    gsize       len,
                    gsize       units)
{
  const char *end = text + len;
  const char *p = text;

  while (units > 0)
    {
      gunichar c;

      if (p >= end)
        return -1;
      c = g_utf8_get_char (p);
      if (c >= 0x10000)
        {
          if (units < 2)
            return -1;
          units--;
        }
      units--;
      p = g_utf8_next_char (p);
    }

  return p - text;
}

static void
append_binary_record (GByteArray   *out,
                      gboolean      binary,
                      const guint8 *data,
                      gsize         len,
                      guint8        type_byte)
{
  char digits[32];
  guint8 marker = binary ? 1 : 0;
  guint8 end = 255;
  gsize n = len + (binary ? 1 : 0);

  g_snprintf (digits, sizeof digits, "%" G_GSIZE_FORMAT, n);
  g_byte_array_append (out, &marker, 1);
  for (gsize i = 0; digits[i] != '\0'; i++)
    {
      guint8 digit = digits[i] - '0';
      g_byte_array_append (out, &digit, 1);
    }
  g_byte_array_append (out, &end, 1);
  if (binary)
    g_byte_array_append (out, &type_byte, 1);
  g_byte_array_append (out, data, len);
}

GBytes *
_sio_engine_payload_encode_v3 (SioEnginePacket **packets,
                               guint             n_packets,
                               gboolean          supports_binary,
                               gboolean         *is_binary)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  gboolean any_binary = FALSE;

  for (guint i = 0; i < n_packets; i++)
    any_binary |= sio_engine_packet_is_binary (packets[i]);

  *is_binary = supports_binary && any_binary;

  for (guint i = 0; i < n_packets; i++)
    {
      g_autoptr(GByteArray) text = g_byte_array_new ();

      if (*is_binary && sio_engine_packet_is_binary (packets[i]))
        {
          gsize len;
          const guint8 *raw = _sio_engine_packet_get_raw (packets[i], &len);

          append_binary_record (out, TRUE, raw, len, sio_engine_packet_get_kind (packets[i]));
          continue;
        }

      _sio_engine_packet_append_text (packets[i], 3, text);
      if (*is_binary)
        {
          /* In a binary payload a string's length is its UTF-8 byte count. */
          append_binary_record (out, FALSE, text->data, text->len, 0);
        }
      else
        {
          g_autofree char *prefix = g_strdup_printf ("%" G_GSIZE_FORMAT ":",
                                                     utf16_length ((const char *) text->data, text->len));

          g_byte_array_append (out, (const guint8 *) prefix, strlen (prefix));
          g_byte_array_append (out, text->data, text->len);
        }
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static GPtrArray *
decode_text_payload (const char  *payload,
                     gsize        len,
                     GError     **error)
{
  g_autoptr(GPtrArray) packets = g_ptr_array_new_with_free_func ((GDestroyNotify) sio_engine_packet_unref);
  gsize pos = 0;

  if (len == 0 || !g_utf8_validate_len (payload, len, NULL))
    {
      g_set_error_literal (error, SIO_ERROR, SIO_ERROR_PARSE, "Invalid v3 payload");
      return NULL;
    }

  while (pos < len)
    {
      guint64 units = 0;
      gsize digits = 0;
      gssize bytes;

      while (pos < len && g_ascii_isdigit (payload[pos]) && digits < MAX_LENGTH_DIGITS)
        {
          units = units * 10 + (payload[pos] - '0');
          pos++;
          digits++;
        }

      if (digits == 0 || pos >= len || payload[pos] != ':')
        {
          g_set_error_literal (error, SIO_ERROR, SIO_ERROR_PARSE, "Invalid length in v3 payload");
          return NULL;
        }
      pos++;

      bytes = utf16_prefix_bytes (payload + pos, len - pos, units);
      if (bytes < 0)
        {
          g_set_error_literal (error, SIO_ERROR, SIO_ERROR_PARSE, "v3 payload shorter than declared");
          return NULL;
        }

      if (bytes > 0)
        {
          SioEnginePacket *packet = sio_engine_packet_decode (payload + pos, bytes, 3, error);

          if (packet == NULL)
            return NULL;
          g_ptr_array_add (packets, packet);
        }
      pos += bytes;
    }

  return g_steal_pointer (&packets);
}

static GPtrArray *
decode_binary_payload (const guint8  *payload,
                       gsize          len,
                       GError       **error)
{
  g_autoptr(GPtrArray) packets = g_ptr_array_new_with_free_func ((GDestroyNotify) sio_engine_packet_unref);
  gsize pos = 0;

  while (pos < len)
    {
      gboolean is_string = payload[pos] == 0;
      guint64 n = 0;
      gsize digits = 0;
      SioEnginePacket *packet;

      if (payload[pos] > 1)
        {
          g_set_error_literal (error, SIO_ERROR, SIO_ERROR_PARSE, "Invalid record in v3 binary payload");
          return NULL;
        }
      pos++;

      while (pos < len && payload[pos] != 255)
        {
          if (payload[pos] > 9 || ++digits > MAX_LENGTH_DIGITS)
            {
              g_set_error_literal (error, SIO_ERROR, SIO_ERROR_PARSE, "Invalid length in v3 binary payload");
              return NULL;
            }
          n = n * 10 + payload[pos];
          pos++;
        }

      if (pos >= len || digits == 0 || n > len - pos - 1 || n == 0)
        {
          g_set_error_literal (error, SIO_ERROR, SIO_ERROR_PARSE, "Truncated v3 binary payload");
          return NULL;
        }
      pos++;

      if (is_string)
        packet = sio_engine_packet_decode ((const char *) payload + pos, n, 3, error);
      else if (payload[pos] != SIO_ENGINE_PACKET_MESSAGE)
        {
          g_set_error_literal (error, SIO_ERROR, SIO_ERROR_PARSE, "Binary v3 packet is not a message");
          packet = NULL;
        }
      else
        packet = _sio_engine_packet_new_raw (SIO_ENGINE_PACKET_MESSAGE, TRUE, payload + pos + 1, n - 1);

      if (packet == NULL)
        return NULL;
      g_ptr_array_add (packets, packet);
      pos += n;
    }

  if (packets->len == 0)
    {
      g_set_error_literal (error, SIO_ERROR, SIO_ERROR_PARSE, "Empty v3 binary payload");
      return NULL;
    }

  return g_steal_pointer (&packets);
}

GPtrArray *
_sio_engine_payload_decode_v3 (const guint8  *payload,
                               gsize          len,
                               gboolean       is_binary,
                               GError       **error)
{
  if (is_binary)
    return decode_binary_payload (payload, len, error);
  return decode_text_payload ((const char *) payload, len, error);
}
