/* sio-engine-packet.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(SIO_INSIDE) && !defined(SIO_COMPILATION)
# error "Only <sio.h> can be included directly."
#endif

#include "sio-types.h"

G_BEGIN_DECLS

#define SIO_TYPE_ENGINE_PACKET (sio_engine_packet_get_type ())

GType                sio_engine_packet_get_type      (void) G_GNUC_CONST;
SioEnginePacket     *sio_engine_packet_new           (SioEnginePacketType   type,
                                                      const char           *text,
                                                      gssize                len);
SioEnginePacket     *sio_engine_packet_new_binary    (GBytes               *data);
SioEnginePacket     *sio_engine_packet_ref           (SioEnginePacket      *packet);
void                 sio_engine_packet_unref         (SioEnginePacket      *packet);
SioEnginePacketType  sio_engine_packet_get_kind      (SioEnginePacket      *packet);
gboolean             sio_engine_packet_is_binary     (SioEnginePacket      *packet);
const char          *sio_engine_packet_get_data      (SioEnginePacket      *packet,
                                                      gsize                *len);
GBytes              *sio_engine_packet_get_bytes     (SioEnginePacket      *packet);
SioEnginePacket     *sio_engine_packet_decode        (const char           *encoded,
                                                      gsize                 len,
                                                      int                   protocol,
                                                      GError              **error);
GPtrArray           *sio_engine_payload_decode       (const char           *payload,
                                                      gsize                 len,
                                                      int                   protocol,
                                                      GError              **error);
GBytes              *sio_engine_payload_encode       (SioEnginePacket     **packets,
                                                      guint                 n_packets,
                                                      int                   protocol);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SioEnginePacket, sio_engine_packet_unref)

G_END_DECLS
