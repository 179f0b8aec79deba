/* sio-http-private.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "sio-http.h"
#include "sio-http-head.h"

G_BEGIN_DECLS

/* How many contents keep a gzip copy at most; the least recently served one goes first. */
#define SIO_HTTP_GZIP_CACHE_MAX_ENTRIES 16

/* Contents at least this large are never compressed (served as they are). */
#define SIO_HTTP_GZIP_MAX_CONTENT_SIZE (16 * 1024 * 1024)

/* Contents smaller than this are not worth a gzip header and trailer. */
#define SIO_HTTP_GZIP_MIN_CONTENT_SIZE 256

guint  _sio_http_gzip_cache_get_length  (void);
GSocket *_sio_http_message_get_socket   (SoupServerMessage *msg);
gboolean _sio_http_if_none_match_matches (const char *header,
                                          const char *etag);

typedef gboolean (*SioHttpUpgradeFunc) (gpointer           user_data,
                                        GSocket           *socket,
                                        GSocketAddress    *remote,
                                        const SioHttpHead *head);

void   _sio_http_set_upgrade_func       (SoupServer         *server,
                                         SioHttpUpgradeFunc  func,
                                         gpointer            user_data);
void   _sio_http_gzip_cache_clear       (void);

G_END_DECLS
