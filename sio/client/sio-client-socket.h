/* sio-client-socket.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(SIO_INSIDE) && !defined(SIO_COMPILATION)
# error "Only <sio.h> can be included directly."
#endif

#include <json-glib/json-glib.h>

#include "sio-client-types.h"

G_BEGIN_DECLS

#define SIO_TYPE_CLIENT_SOCKET (sio_client_socket_get_type ())

G_DECLARE_FINAL_TYPE (SioClientSocket, sio_client_socket, SIO, CLIENT_SOCKET, GObject)

SioManager      *sio_client_socket_get_manager          (SioClientSocket      *self);
const char      *sio_client_socket_get_namespace        (SioClientSocket      *self);
const char      *sio_client_socket_get_id               (SioClientSocket      *self);
gboolean         sio_client_socket_is_connected         (SioClientSocket      *self);
gboolean         sio_client_socket_is_active            (SioClientSocket      *self);
gboolean         sio_client_socket_is_recovered         (SioClientSocket      *self);
JsonNode        *sio_client_socket_get_auth             (SioClientSocket      *self);
void             sio_client_socket_set_auth             (SioClientSocket      *self,
                                                         JsonNode             *auth);
guint            sio_client_socket_get_n_buffered       (SioClientSocket      *self);
void             sio_client_socket_connect              (SioClientSocket      *self);
void             sio_client_socket_disconnect           (SioClientSocket      *self);
void             sio_client_socket_emit                 (SioClientSocket      *self,
                                                         const char           *event,
                                                         JsonArray            *args,
                                                         GPtrArray            *attachments);
void             sio_client_socket_emit_string          (SioClientSocket      *self,
                                                         const char           *event,
                                                         const char           *text);
void             sio_client_socket_emit_with_ack_async  (SioClientSocket      *self,
                                                         const char           *event,
                                                         JsonArray            *args,
                                                         GPtrArray            *attachments,
                                                         guint                 timeout_ms,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
SioClientEvent  *sio_client_socket_emit_with_ack_finish (SioClientSocket      *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);

G_END_DECLS
