/* sio-random-win32.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <windows.h>
#include <bcrypt.h>

#include "sio-random.h"

void
_sio_random_fill (guint8 *buf,
                  gsize   len)
{
  if (BCryptGenRandom (NULL, buf, (ULONG) len, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0)
    g_error ("BCryptGenRandom failed");
}
