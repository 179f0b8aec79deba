/* sio-random.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Session ids must be unguessable: g_random_*() is a Mersenne Twister whose state can be
 * recovered from its output, so ids come from the operating system's CSPRNG. */
void  _sio_random_fill      (guint8 *buf,
                             gsize   len);
void  _sio_random_id        (char    out[21]);

G_END_DECLS
