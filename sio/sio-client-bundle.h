/* sio-client-bundle.h
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

gboolean     sio_client_bundle_attach       (SoupServer  *server,
                                             const char  *path,
                                             GError     **error);
const char  *sio_client_bundle_get_version  (void);

G_END_DECLS
