/* sio-event-args.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "sio-packet.h"

G_BEGIN_DECLS

/* The arguments of a received EVENT or ACK packet, read the same way by the server's SioEvent
 * and the client's SioClientEvent: an event's first element is its name, an ack has none. */
typedef struct
{
  SioPacket *packet;
  guint      first_arg;   /* 1 for an event (after its name), 0 for an ack response */
  char      *number_name; /* a numeric event name, as the string JavaScript keys it by */
} SioEventArgs;

void        _sio_event_args_init        (SioEventArgs *args,
                                         SioPacket    *packet,
                                         gboolean      is_ack);
void        _sio_event_args_clear       (SioEventArgs *args);
const char *_sio_event_args_get_name    (SioEventArgs *args);
guint       _sio_event_args_get_n       (SioEventArgs *args);
JsonNode   *_sio_event_args_get         (SioEventArgs *args,
                                         guint         index);
const char *_sio_event_args_get_string  (SioEventArgs *args,
                                         guint         index);
GBytes     *_sio_event_args_lookup_bytes (SioEventArgs *args,
                                          JsonNode     *node);
JsonArray  *_sio_event_args_dup         (SioEventArgs *args);
SioPacket  *_sio_event_args_new_ack     (SioEventArgs *args,
                                         JsonArray    *ack_args,
                                         GPtrArray    *attachments);

G_END_DECLS
