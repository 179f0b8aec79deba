/* sio-random.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "sio-random.h"

/* 15 random bytes in base64url: 20 characters, 120 bits, the shape of the reference's ids. */
void
_sio_random_id (char out[21])
{
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  guint8 bytes[15];

  _sio_random_fill (bytes, sizeof bytes);
  for (int i = 0; i < 5; i++)
    {
      guint32 v = ((guint32) bytes[3 * i] << 16) | ((guint32) bytes[3 * i + 1] << 8) | bytes[3 * i + 2];

      out[4 * i + 0] = alphabet[(v >> 18) & 63];
      out[4 * i + 1] = alphabet[(v >> 12) & 63];
      out[4 * i + 2] = alphabet[(v >> 6) & 63];
      out[4 * i + 3] = alphabet[v & 63];
    }
  out[20] = '\0';
}
