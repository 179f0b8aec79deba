/* sio-server.h
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

#define SIO_TYPE_SERVER (sio_server_get_type ())

G_DECLARE_FINAL_TYPE (SioServer, sio_server, SIO, SERVER, GObject)

SioServer       *sio_server_new                            (void);
SioEngineServer *sio_server_get_engine                     (SioServer    *self);
gboolean         sio_server_attach                         (SioServer    *self,
                                                            SoupServer   *server,
                                                            const char   *path,
                                                            GError      **error);
SioNamespace    *sio_server_of                             (SioServer    *self,
                                                            const char   *name);
SioNamespace    *sio_server_of_pattern                     (SioServer    *self,
                                                            const char   *pattern,
                                                            GError      **error);
SioNamespace    *sio_server_lookup_namespace               (SioServer    *self,
                                                            const char   *name);
void             sio_server_close                          (SioServer    *self);
guint            sio_server_get_connect_timeout            (SioServer    *self);
void             sio_server_set_connect_timeout            (SioServer    *self,
                                                            guint         msec);
guint            sio_server_get_max_disconnection_duration (SioServer    *self);
void             sio_server_set_max_disconnection_duration (SioServer    *self,
                                                            guint         msec);
gboolean         sio_server_get_skip_middlewares           (SioServer    *self);
void             sio_server_set_skip_middlewares           (SioServer    *self,
                                                            gboolean      skip);

G_END_DECLS
