/* sio-broadcast.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(SIO_INSIDE) && !defined(SIO_COMPILATION)
# error "Only <sio.h> can be included directly."
#endif

#include <json-glib/json-glib.h>

#include "sio-types.h"

G_BEGIN_DECLS

#define SIO_TYPE_BROADCAST (sio_broadcast_get_type ())

GType         sio_broadcast_get_type           (void) G_GNUC_CONST;
SioBroadcast *sio_broadcast_copy               (SioBroadcast         *self);
void          sio_broadcast_free               (SioBroadcast         *self);
SioBroadcast *sio_broadcast_to                 (SioBroadcast         *self,
                                                const char           *room);
SioBroadcast *sio_broadcast_except             (SioBroadcast         *self,
                                                const char           *room);
SioBroadcast *sio_broadcast_volatile           (SioBroadcast         *self);
SioBroadcast *sio_broadcast_local              (SioBroadcast         *self);
void          sio_broadcast_emit               (SioBroadcast         *self,
                                                const char           *event,
                                                JsonArray            *args,
                                                GPtrArray            *attachments);
void          sio_broadcast_emit_with_ack_async (SioBroadcast        *self,
                                                const char           *event,
                                                JsonArray            *args,
                                                GPtrArray            *attachments,
                                                guint                 timeout_ms,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
GPtrArray    *sio_broadcast_emit_with_ack_finish (SioBroadcast       *self,
                                                GAsyncResult         *result,
                                                GError              **error);
GPtrArray    *sio_broadcast_fetch_sockets      (SioBroadcast         *self);
void          sio_broadcast_sockets_join       (SioBroadcast         *self,
                                                const char           *room);
void          sio_broadcast_sockets_leave      (SioBroadcast         *self,
                                                const char           *room);
void          sio_broadcast_disconnect_sockets (SioBroadcast         *self,
                                                gboolean              close);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SioBroadcast, sio_broadcast_free)

G_END_DECLS
