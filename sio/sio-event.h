/* sio-event.h
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

#define SIO_TYPE_EVENT (sio_event_get_type ())

typedef struct _SioEvent SioEvent;

GType        sio_event_get_type         (void) G_GNUC_CONST;
SioEvent    *sio_event_ref              (SioEvent    *event);
void         sio_event_unref            (SioEvent    *event);
const char  *sio_event_get_name         (SioEvent    *event);
guint        sio_event_get_n_args       (SioEvent    *event);
JsonNode    *sio_event_get_arg          (SioEvent    *event,
                                         guint        index);
const char  *sio_event_get_string       (SioEvent    *event,
                                         guint        index);
GBytes      *sio_event_get_bytes        (SioEvent    *event,
                                         guint        index);
GBytes      *sio_event_lookup_bytes     (SioEvent    *event,
                                         JsonNode    *node);
JsonArray   *sio_event_dup_args         (SioEvent    *event);
GPtrArray   *sio_event_get_attachments  (SioEvent    *event);
gboolean     sio_event_wants_ack        (SioEvent    *event);
void         sio_event_ack              (SioEvent    *event,
                                         JsonArray   *args,
                                         GPtrArray   *attachments);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SioEvent, sio_event_unref)

G_END_DECLS
