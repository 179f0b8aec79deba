/* sio-packet.h
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

#define SIO_TYPE_PACKET (sio_packet_get_type ())

typedef struct _SioPacket SioPacket;
typedef struct _SioPacketDecoder SioPacketDecoder;

/**
 * SIO_PROTOCOL_V4:
 *
 * Socket.IO protocol revision 4, spoken by socket.io 1.x and 2.x (over Engine.IO 3).
 */
#define SIO_PROTOCOL_V4 4

/**
 * SIO_PROTOCOL_V5:
 *
 * Socket.IO protocol revision 5, spoken by socket.io 3.x and later (over Engine.IO 4).
 */
#define SIO_PROTOCOL_V5 5

/**
 * SIO_PACKET_DEFAULT_MAX_ATTACHMENTS:
 *
 * How many binary attachments a decoder accepts per packet unless told otherwise; the
 * reference parser's `maxAttachments` default.
 */
#define SIO_PACKET_DEFAULT_MAX_ATTACHMENTS 10

/**
 * SioPacketType:
 * @SIO_PACKET_CONNECT: connect to a namespace, or the server's approval of it
 * @SIO_PACKET_DISCONNECT: leave a namespace
 * @SIO_PACKET_EVENT: an event, data is `[name, args…]`
 * @SIO_PACKET_ACK: the answer to an event that carried an id, data is `[args…]`
 * @SIO_PACKET_CONNECT_ERROR: the server refused a namespace connection (`ERROR` in protocol 4)
 * @SIO_PACKET_BINARY_EVENT: an event with binary attachments (wire form only)
 * @SIO_PACKET_BINARY_ACK: an ack with binary attachments (wire form only)
 *
 * Socket.IO packet types, with their wire digit as value.
 */
typedef enum
{
  SIO_PACKET_CONNECT = 0,
  SIO_PACKET_DISCONNECT = 1,
  SIO_PACKET_EVENT = 2,
  SIO_PACKET_ACK = 3,
  SIO_PACKET_CONNECT_ERROR = 4,
  SIO_PACKET_BINARY_EVENT = 5,
  SIO_PACKET_BINARY_ACK = 6,
} SioPacketType;

/*
 * Binary data convention
 *
 * A JsonNode cannot hold bytes, so binary values stay where the wire format puts them: the
 * packet's data holds placeholder objects `{"_placeholder":true,"num":N}` and the packet's
 * attachments hold the GBytes, attachment N for placeholder N.
 *
 * Sending: build the data with sio_packet_new_placeholder (sio_packet_add_attachment (p, bytes))
 * where a binary value goes. sio_packet_encode() writes an EVENT or ACK that has attachments as
 * BINARY_EVENT or BINARY_ACK with the attachment count, and hands the attachments back to be
 * sent as binary messages after the text.
 *
 * Receiving: a decoded packet's data still contains the placeholders and its attachments hold
 * the GBytes; the caller resolves them, e.g. with sio_packet_lookup_placeholder(). The decoder
 * reports binary packets as SIO_PACKET_EVENT or SIO_PACKET_ACK with a non-empty attachment
 * array (as the reference parser does), and has already checked that every placeholder of a
 * binary packet names a distinct attachment. Placeholder-shaped objects in a packet without
 * attachments are ordinary data, as in the reference; lookup returns %NULL for them.
 */

GType             sio_packet_get_type                     (void) G_GNUC_CONST;
SioPacket        *sio_packet_new                          (SioPacketType      type,
                                                           const char        *nsp,
                                                           gint64             id,
                                                           JsonNode          *data);
SioPacket        *sio_packet_ref                          (SioPacket         *packet);
void              sio_packet_unref                        (SioPacket         *packet);
SioPacketType     sio_packet_get_kind                     (SioPacket         *packet);
const char       *sio_packet_get_namespace                (SioPacket         *packet);
gint64            sio_packet_get_id                       (SioPacket         *packet);
JsonNode         *sio_packet_get_data                     (SioPacket         *packet);
const char       *sio_packet_get_query                    (SioPacket         *packet);
void              sio_packet_set_query                    (SioPacket         *packet,
                                                           const char        *query);
GPtrArray        *sio_packet_get_attachments              (SioPacket         *packet);
guint             sio_packet_add_attachment               (SioPacket         *packet,
                                                           GBytes            *bytes);
JsonNode         *sio_packet_new_placeholder              (guint              num);
GBytes           *sio_packet_lookup_placeholder           (SioPacket         *packet,
                                                           JsonNode          *node);
char             *sio_packet_encode                       (SioPacket         *packet,
                                                           GPtrArray        **attachments_out);
char             *sio_packet_encode_for_protocol          (SioPacket         *packet,
                                                           int                protocol,
                                                           GPtrArray        **attachments_out);

SioPacketDecoder *sio_packet_decoder_new                  (int                protocol);
void              sio_packet_decoder_free                 (SioPacketDecoder  *decoder);
int               sio_packet_decoder_get_protocol         (SioPacketDecoder  *decoder);
guint             sio_packet_decoder_get_max_attachments  (SioPacketDecoder  *decoder);
void              sio_packet_decoder_set_max_attachments  (SioPacketDecoder  *decoder,
                                                           guint              max_attachments);
gboolean          sio_packet_decoder_is_reconstructing    (SioPacketDecoder  *decoder);
void              sio_packet_decoder_reset                (SioPacketDecoder  *decoder);
gboolean          sio_packet_decoder_feed_text            (SioPacketDecoder  *decoder,
                                                           const char        *text,
                                                           gsize              len,
                                                           SioPacket        **out,
                                                           GError           **error);
gboolean          sio_packet_decoder_feed_binary          (SioPacketDecoder  *decoder,
                                                           GBytes            *data,
                                                           SioPacket        **out,
                                                           GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SioPacket, sio_packet_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SioPacketDecoder, sio_packet_decoder_free)

G_END_DECLS
