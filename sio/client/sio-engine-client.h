/* sio-engine-client.h
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
#include "sio-engine-packet.h"

G_BEGIN_DECLS

#define SIO_TYPE_ENGINE_CLIENT (sio_engine_client_get_type ())

G_DECLARE_FINAL_TYPE (SioEngineClient, sio_engine_client, SIO, ENGINE_CLIENT, GObject)

/**
 * SIO_ENGINE_CLIENT_DEFAULT_MAX_INCOMING:
 *
 * The largest WebSocket message or polling response a client accepts unless told otherwise:
 * 100 MiB, the `maxPayload` default of the `ws` package that engine.io-client uses on Node.
 */
#define SIO_ENGINE_CLIENT_DEFAULT_MAX_INCOMING (G_GUINT64_CONSTANT (100) * 1024 * 1024)

SioEngineClient     *sio_engine_client_new                      (const char           *uri);
SioEngineClient     *sio_engine_client_new_with_session         (const char           *uri,
                                                                 SoupSession          *session);
const char          *sio_engine_client_get_uri                  (SioEngineClient      *self);
SoupSession         *sio_engine_client_get_session              (SioEngineClient      *self);
SioEngineTransports  sio_engine_client_get_transports           (SioEngineClient      *self);
void                 sio_engine_client_set_transports           (SioEngineClient      *self,
                                                                 SioEngineTransports   transports);
gboolean             sio_engine_client_get_upgrade              (SioEngineClient      *self);
void                 sio_engine_client_set_upgrade              (SioEngineClient      *self,
                                                                 gboolean              upgrade);
guint64              sio_engine_client_get_max_incoming_payload (SioEngineClient      *self);
void                 sio_engine_client_set_max_incoming_payload (SioEngineClient      *self,
                                                                 guint64               max_incoming);
void                 sio_engine_client_add_query_param          (SioEngineClient      *self,
                                                                 const char           *name,
                                                                 const char           *value);
void                 sio_engine_client_add_header               (SioEngineClient      *self,
                                                                 const char           *name,
                                                                 const char           *value);
void                 sio_engine_client_open                     (SioEngineClient      *self);
void                 sio_engine_client_close                    (SioEngineClient      *self);
gboolean             sio_engine_client_is_open                  (SioEngineClient      *self);
const char          *sio_engine_client_get_sid                  (SioEngineClient      *self);
SioEngineTransports  sio_engine_client_get_transport            (SioEngineClient      *self);
guint                sio_engine_client_get_ping_interval        (SioEngineClient      *self);
guint                sio_engine_client_get_ping_timeout         (SioEngineClient      *self);
gsize                sio_engine_client_get_max_payload          (SioEngineClient      *self);
void                 sio_engine_client_send                     (SioEngineClient      *self,
                                                                 SioEnginePacket      *packet);
void                 sio_engine_client_send_text                (SioEngineClient      *self,
                                                                 const char           *text);
void                 sio_engine_client_send_binary              (SioEngineClient      *self,
                                                                 GBytes               *data);

G_END_DECLS
