/* sio-engine-packet-private.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "sio-engine-packet.h"

G_BEGIN_DECLS

SioEnginePacket *_sio_engine_packet_new_control_frame (guint8            opcode,
                                                       const guint8     *payload,
                                                       gsize             len);
const guint8    *_sio_engine_packet_get_frame         (SioEnginePacket  *packet,
                                                       int               protocol,
                                                       gsize            *len);
void             _sio_engine_packet_append_text       (SioEnginePacket  *packet,
                                                       int               protocol,
                                                       GByteArray       *out);
const guint8    *_sio_engine_packet_get_raw           (SioEnginePacket  *packet,
                                                       gsize            *len);
SioEnginePacket *_sio_engine_packet_new_raw           (SioEnginePacketType type,
                                                       gboolean          binary,
                                                       const guint8     *data,
                                                       gsize             len);
GBytes          *_sio_engine_payload_encode_v3        (SioEnginePacket **packets,
                                                       guint             n_packets,
                                                       gboolean          supports_binary,
                                                       gboolean         *is_binary);
GPtrArray       *_sio_engine_payload_decode_v3        (const guint8     *payload,
                                                       gsize             len,
                                                       gboolean          is_binary,
                                                       GError          **error);
gboolean         _sio_engine_base64_decode_strict     (const char       *text,
                                                       gsize             len,
                                                       GByteArray       *out);

G_END_DECLS
