/* sio-manager.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(SIO_INSIDE) && !defined(SIO_COMPILATION)
# error "Only <sio.h> can be included directly."
#endif

#include <libsoup/soup.h>

#include "sio-client-types.h"

G_BEGIN_DECLS

#define SIO_TYPE_MANAGER (sio_manager_get_type ())

G_DECLARE_FINAL_TYPE (SioManager, sio_manager, SIO, MANAGER, GObject)

SioManager          *sio_manager_new                        (const char           *uri);
SioManager          *sio_manager_new_with_session           (const char           *uri,
                                                             SoupSession          *session);
const char          *sio_manager_get_uri                    (SioManager           *self);
SoupSession         *sio_manager_get_session                (SioManager           *self);
SioClientSocket     *sio_manager_socket                     (SioManager           *self,
                                                             const char           *nsp);
void                 sio_manager_add_query_param            (SioManager           *self,
                                                             const char           *name,
                                                             const char           *value);
void                 sio_manager_add_header                 (SioManager           *self,
                                                             const char           *name,
                                                             const char           *value);
void                 sio_manager_open                       (SioManager           *self);
void                 sio_manager_close                      (SioManager           *self);
gboolean             sio_manager_is_open                    (SioManager           *self);
SioEngineClient     *sio_manager_get_engine                 (SioManager           *self);
SioEngineTransports  sio_manager_get_transports             (SioManager           *self);
void                 sio_manager_set_transports             (SioManager           *self,
                                                             SioEngineTransports   transports);
gboolean             sio_manager_get_upgrade                (SioManager           *self);
void                 sio_manager_set_upgrade                (SioManager           *self,
                                                             gboolean              upgrade);
gboolean             sio_manager_get_reconnection           (SioManager           *self);
void                 sio_manager_set_reconnection           (SioManager           *self,
                                                             gboolean              reconnection);
guint                sio_manager_get_reconnection_attempts  (SioManager           *self);
void                 sio_manager_set_reconnection_attempts  (SioManager           *self,
                                                             guint                 attempts);
guint                sio_manager_get_reconnection_delay     (SioManager           *self);
void                 sio_manager_set_reconnection_delay     (SioManager           *self,
                                                             guint                 msec);
guint                sio_manager_get_reconnection_delay_max (SioManager           *self);
void                 sio_manager_set_reconnection_delay_max (SioManager           *self,
                                                             guint                 msec);
double               sio_manager_get_randomization_factor   (SioManager           *self);
void                 sio_manager_set_randomization_factor   (SioManager           *self,
                                                             double                factor);
guint                sio_manager_get_timeout                (SioManager           *self);
void                 sio_manager_set_timeout                (SioManager           *self,
                                                             guint                 msec);

G_END_DECLS
