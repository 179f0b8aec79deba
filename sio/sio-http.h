/* sio-http.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(SIO_INSIDE) && !defined(SIO_COMPILATION)
# error "Only <sio.h> can be included directly."
#endif

#include <libsoup/soup.h>

#include "sio-types.h"

G_BEGIN_DECLS

void  sio_http_serve_bytes  (SoupServerMessage *msg,
                             GBytes            *content,
                             const char        *content_type,
                             const char        *etag,
                             const char        *cache_control);

G_END_DECLS
