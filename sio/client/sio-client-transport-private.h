/* sio-client-transport-private.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "sio-client-types.h"
#include "sio-engine-packet.h"

G_BEGIN_DECLS

/* One Engine.IO client transport (HTTP long-polling or WebSocket) for SioEngineClient; not API.
 * It is engine.io-client's Transport: it moves packets and reports what happened through
 * signals ("open", "packet", "error", "close", "drain", "paused"), and the engine client
 * decides what that means for the session. */

#define SIO_TYPE_CLIENT_TRANSPORT (_sio_client_transport_get_type ())

G_DECLARE_FINAL_TYPE (SioClientTransport, _sio_client_transport, SIO, CLIENT_TRANSPORT, GObject)

SioClientTransport  *_sio_client_transport_new          (SioEngineTransports   kind,
                                                         SoupSession          *session,
                                                         GUri                 *endpoint,
                                                         const char           *query,
                                                         GPtrArray            *headers,
                                                         guint64               max_incoming);
SioEngineTransports  _sio_client_transport_get_kind     (SioClientTransport   *self);
const char          *_sio_client_transport_get_name     (SioClientTransport   *self);
void                 _sio_client_transport_set_sid      (SioClientTransport   *self,
                                                         const char           *sid);
void                 _sio_client_transport_open         (SioClientTransport   *self);
gboolean             _sio_client_transport_is_writable  (SioClientTransport   *self);
void                 _sio_client_transport_send         (SioClientTransport   *self,
                                                         SioEnginePacket     **packets,
                                                         guint                 n_packets);
void                 _sio_client_transport_pause        (SioClientTransport   *self);
void                 _sio_client_transport_resume       (SioClientTransport   *self);
void                 _sio_client_transport_close        (SioClientTransport   *self);
guint                _sio_client_transport_get_n_alive  (void);

G_END_DECLS
