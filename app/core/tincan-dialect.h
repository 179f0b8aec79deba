/* tincan-dialect.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sio.h"

#include "tincan-room.h"

G_BEGIN_DECLS

typedef struct _TincanGuest TincanGuest;
typedef struct _TincanHost  TincanHost;

/* One client dialect: how its events map onto the room, and how room events look to it.
 *
 * Emitters write to a SioBroadcast, which is either everyone speaking the dialect (its
 * Socket.IO room) or one socket (the room named by its id): the same code serves the
 * broadcast, encoded once for all its recipients, and the history sent to one joiner. */
typedef struct
{
  TincanDialect  id;
  const char    *room;

  /* Handles an event of a socket that speaks this dialect (or is becoming one). */
  void (*on_event)     (TincanGuest   *guest,
                        SioEvent      *event);
  void (*emit_message) (SioBroadcast  *to,
                        TincanRoom    *room,
                        TincanMessage *message);
  void (*emit_joined)  (SioBroadcast  *to,
                        TincanRoom    *room,
                        TincanUser    *user);
  void (*emit_left)    (SioBroadcast  *to,
                        TincanRoom    *room,
                        TincanUser    *user);
  void (*emit_typing)  (SioBroadcast  *to,
                        TincanRoom    *room,
                        TincanUser    *user);
  /* After a rename; the user already carries the new nickname. */
  void (*emit_renamed) (SioBroadcast  *to,
                        TincanRoom    *room,
                        TincanUser    *user);
  /* Whether a message's author gets it back (the official demo adds its own lines itself). */
  gboolean echo_to_author;
} TincanDialectOps;

/* Per-socket state, owned by the host. */
struct _TincanGuest
{
  TincanHost             *host;      /* borrowed */
  SioSocket              *socket;    /* borrowed: the guest dies with the socket */
  TincanUser             *user;      /* NULL until the socket joined the room */
  const TincanDialectOps *dialect;
};

extern const TincanDialectOps tincan_dialect_undecided;
extern const TincanDialectOps tincan_dialect_tincan;
extern const TincanDialectOps tincan_dialect_chat_message;
extern const TincanDialectOps tincan_dialect_chat;
extern const TincanDialectOps tincan_dialect_usernames;
extern const TincanDialectOps tincan_dialect_demo;

/* tincan-host.c, for the dialects */
TincanRoom *_tincan_guest_get_room       (TincanGuest            *guest);
void        _tincan_guest_set_dialect    (TincanGuest            *guest,
                                          const TincanDialectOps *dialect);
gboolean    _tincan_guest_join           (TincanGuest            *guest,
                                          const char             *nick,
                                          gboolean                suffix_if_taken,
                                          GError                **error);
void        _tincan_guest_post           (TincanGuest            *guest,
                                          const char             *to_nick,
                                          const char             *text,
                                          const char             *cid,
                                          SioEvent               *ack_event);
void        _tincan_guest_send_history   (TincanGuest            *guest);
SioBroadcast *_tincan_guest_to_self      (TincanGuest            *guest);
void        _tincan_guest_notice         (TincanGuest            *guest,
                                          const char             *text);

/* Helpers shared by the dialects. */
void        _tincan_emit_strings         (SioBroadcast           *to,
                                          const char             *event,
                                          const char             *first,
                                          ...) G_GNUC_NULL_TERMINATED;
void        _tincan_emit_node            (SioBroadcast           *to,
                                          const char             *event,
                                          JsonNode               *arg);
guint       _tincan_room_count_users     (TincanRoom             *room);

G_END_DECLS
