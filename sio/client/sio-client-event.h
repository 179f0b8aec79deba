/* sio-client-event.h
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

#define SIO_TYPE_CLIENT_EVENT (sio_client_event_get_type ())

GType            sio_client_event_get_type         (void) G_GNUC_CONST;
SioClientEvent  *sio_client_event_ref              (SioClientEvent  *event);
void             sio_client_event_unref            (SioClientEvent  *event);
const char      *sio_client_event_get_name         (SioClientEvent  *event);
guint            sio_client_event_get_n_args       (SioClientEvent  *event);
JsonNode        *sio_client_event_get_arg          (SioClientEvent  *event,
                                                    guint            index);
const char      *sio_client_event_get_string       (SioClientEvent  *event,
                                                    guint            index);
GBytes          *sio_client_event_get_bytes        (SioClientEvent  *event,
                                                    guint            index);
GBytes          *sio_client_event_lookup_bytes     (SioClientEvent  *event,
                                                    JsonNode        *node);
JsonArray       *sio_client_event_dup_args         (SioClientEvent  *event);
GPtrArray       *sio_client_event_get_attachments  (SioClientEvent  *event);
gboolean         sio_client_event_wants_ack        (SioClientEvent  *event);
void             sio_client_event_ack              (SioClientEvent  *event,
                                                    JsonArray       *args,
                                                    GPtrArray       *attachments);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SioClientEvent, sio_client_event_unref)

G_END_DECLS
