/* tincan-host.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sio.h"

#include "tincan-room.h"

G_BEGIN_DECLS

/* The host's own key (tincan_user_set_key()): no secret is needed, as no guest can take the
 * host's nickname, and no guest's key hash (64 hex digits) can equal it. */
#define TINCAN_HOST_KEY "host"

#define TINCAN_TYPE_HOST (tincan_host_get_type ())

G_DECLARE_FINAL_TYPE (TincanHost, tincan_host, TINCAN, HOST, GObject)

TincanHost  *tincan_host_new            (TincanRoom          *room);
TincanRoom  *tincan_host_get_room       (TincanHost          *self);
TincanUser  *tincan_host_get_user       (TincanHost          *self);
SioServer   *tincan_host_get_server     (TincanHost          *self);
SoupServer  *tincan_host_get_soup       (TincanHost          *self);
void         tincan_host_set_passcode   (TincanHost          *self,
                                         const char          *passcode);
gboolean     tincan_host_listen         (TincanHost          *self,
                                         const char          *bind_address,
                                         guint                port,
                                         gboolean             try_next,
                                         GError             **error);
guint        tincan_host_get_port       (TincanHost          *self);
char        *tincan_host_get_url        (TincanHost          *self);
GStrv        tincan_host_dup_urls       (TincanHost          *self);
void         tincan_host_post_async     (TincanHost          *self,
                                         const char          *to_nick,
                                         const char          *text,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
TincanMessage *tincan_host_post_finish  (TincanHost          *self,
                                         GAsyncResult        *result,
                                         GError             **error);
void         tincan_host_shutdown       (TincanHost          *self);
const char  *tincan_host_get_storage_error (TincanHost       *self);
SioHttpListener *tincan_host_get_listener (TincanHost        *self);
void         tincan_host_set_address_limit (TincanHost       *self,
                                            guint             max_per_address,
                                            gboolean          include_loopback);

G_END_DECLS
