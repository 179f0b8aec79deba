/* sio-namespace.h
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

#define SIO_TYPE_NAMESPACE (sio_namespace_get_type ())

G_DECLARE_FINAL_TYPE (SioNamespace, sio_namespace, SIO, NAMESPACE, GObject)

/**
 * SioMiddlewareFunc:
 * @socket: the socket asking to join the namespace
 * @error_data: (out) (transfer full) (nullable): the `data` of the CONNECT_ERROR, if refusing
 * @error: the refusal; its message becomes the CONNECT_ERROR's `message`
 * @user_data: closure data
 *
 * Runs before a socket joins a namespace, as `namespace.use()` does in the reference.
 *
 * Returns: %TRUE to let the socket in
 */
typedef gboolean (*SioMiddlewareFunc) (SioSocket  *socket,
                                       JsonNode  **error_data,
                                       GError    **error,
                                       gpointer    user_data);

const char   *sio_namespace_get_name        (SioNamespace      *self);
SioServer    *sio_namespace_get_server      (SioNamespace      *self);
SioNamespace *sio_namespace_get_parent      (SioNamespace      *self);
guint         sio_namespace_get_n_sockets   (SioNamespace      *self);
SioSocket    *sio_namespace_lookup_socket   (SioNamespace      *self,
                                             const char        *id);
GPtrArray    *sio_namespace_list_sockets    (SioNamespace      *self);
void          sio_namespace_use             (SioNamespace      *self,
                                             SioMiddlewareFunc  func,
                                             gpointer           user_data,
                                             GDestroyNotify     destroy);
SioBroadcast *sio_namespace_broadcast       (SioNamespace      *self);
SioBroadcast *sio_namespace_to              (SioNamespace      *self,
                                             const char        *room);
void          sio_namespace_emit            (SioNamespace      *self,
                                             const char        *event,
                                             JsonArray         *args,
                                             GPtrArray         *attachments);

G_END_DECLS
