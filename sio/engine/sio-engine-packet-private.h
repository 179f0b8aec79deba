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
                                                       gsize            *len);
void             _sio_engine_packet_append_polling    (SioEnginePacket  *packet,
                                                       GByteArray       *out);
gboolean         _sio_engine_base64_decode_strict     (const char       *text,
                                                       gsize             len,
                                                       GByteArray       *out);

G_END_DECLS
