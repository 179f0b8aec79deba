/* sio-engine-socket.h
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

#define SIO_TYPE_ENGINE_SOCKET (sio_engine_socket_get_type ())

G_DECLARE_FINAL_TYPE (SioEngineSocket, sio_engine_socket, SIO, ENGINE_SOCKET, GObject)

const char          *sio_engine_socket_get_id             (SioEngineSocket  *self);
int                  sio_engine_socket_get_protocol       (SioEngineSocket  *self);
SioEngineTransports  sio_engine_socket_get_transport      (SioEngineSocket  *self);
gboolean             sio_engine_socket_is_open            (SioEngineSocket  *self);
GSocketAddress      *sio_engine_socket_get_remote_address (SioEngineSocket  *self);
SoupMessageHeaders  *sio_engine_socket_get_headers        (SioEngineSocket  *self);
GHashTable          *sio_engine_socket_get_query          (SioEngineSocket  *self);
const char          *sio_engine_socket_get_header         (SioEngineSocket  *self,
                                                           const char       *name);
const char          *sio_engine_socket_get_url            (SioEngineSocket  *self);
void                 sio_engine_socket_send               (SioEngineSocket  *self,
                                                           SioEnginePacket  *packet);
void                 sio_engine_socket_send_text          (SioEngineSocket  *self,
                                                           const char       *text);
void                 sio_engine_socket_send_binary        (SioEngineSocket  *self,
                                                           GBytes           *data);
gboolean             sio_engine_socket_is_writable        (SioEngineSocket  *self);
void                 sio_engine_socket_close              (SioEngineSocket  *self);

G_END_DECLS
