/* sio-socket.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(SIO_INSIDE) && !defined(SIO_COMPILATION)
# error "Only <sio.h> can be included directly."
#endif

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "sio-types.h"

G_BEGIN_DECLS

#define SIO_TYPE_SOCKET (sio_socket_get_type ())

G_DECLARE_FINAL_TYPE (SioSocket, sio_socket, SIO, SOCKET, GObject)

const char          *sio_socket_get_id               (SioSocket            *self);
SioNamespace        *sio_socket_get_namespace        (SioSocket            *self);
SioEngineSocket     *sio_socket_get_engine           (SioSocket            *self);
JsonNode            *sio_socket_get_auth             (SioSocket            *self);
GHashTable          *sio_socket_get_query            (SioSocket            *self);
SoupMessageHeaders  *sio_socket_get_headers          (SioSocket            *self);
GSocketAddress      *sio_socket_get_remote_address   (SioSocket            *self);
gint64               sio_socket_get_handshake_time   (SioSocket            *self);
JsonNode            *sio_socket_dup_handshake        (SioSocket            *self);
JsonObject          *sio_socket_get_data             (SioSocket            *self);
gboolean             sio_socket_is_connected         (SioSocket            *self);
gboolean             sio_socket_is_recovered         (SioSocket            *self);
void                 sio_socket_join                 (SioSocket            *self,
                                                      const char           *room);
void                 sio_socket_leave                (SioSocket            *self,
                                                      const char           *room);
gboolean             sio_socket_in_room              (SioSocket            *self,
                                                      const char           *room);
GPtrArray           *sio_socket_list_rooms           (SioSocket            *self);
void                 sio_socket_emit                 (SioSocket            *self,
                                                      const char           *event,
                                                      JsonArray            *args,
                                                      GPtrArray            *attachments);
void                 sio_socket_emit_string          (SioSocket            *self,
                                                      const char           *event,
                                                      const char           *text);
void                 sio_socket_emit_with_ack_async  (SioSocket            *self,
                                                      const char           *event,
                                                      JsonArray            *args,
                                                      GPtrArray            *attachments,
                                                      guint                 timeout_ms,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
SioEvent            *sio_socket_emit_with_ack_finish (SioSocket            *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);
SioBroadcast        *sio_socket_broadcast            (SioSocket            *self);
SioBroadcast        *sio_socket_to                   (SioSocket            *self,
                                                      const char           *room);
void                 sio_socket_disconnect           (SioSocket            *self,
                                                      gboolean              close);

G_END_DECLS
