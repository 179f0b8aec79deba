/* tincan-remote-room.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sio.h"

#include "tincan-room.h"

G_BEGIN_DECLS

/**
 * TincanRemoteState:
 * @TINCAN_REMOTE_CONNECTING: opening the connection (or reconnecting)
 * @TINCAN_REMOTE_CONNECTED: in the room
 * @TINCAN_REMOTE_REFUSED: the server refused us (passcode, nickname, ban); not retrying
 * @TINCAN_REMOTE_CLOSED: left
 */
typedef enum
{
  TINCAN_REMOTE_CONNECTING,
  TINCAN_REMOTE_CONNECTED,
  TINCAN_REMOTE_REFUSED,
  TINCAN_REMOTE_CLOSED,
} TincanRemoteState;

#define TINCAN_TYPE_REMOTE_ROOM (tincan_remote_room_get_type ())

G_DECLARE_FINAL_TYPE (TincanRemoteRoom, tincan_remote_room, TINCAN, REMOTE_ROOM, GObject)

TincanRemoteRoom  *tincan_remote_room_new            (const char          *url,
                                                      const char          *nick,
                                                      const char          *passcode,
                                                      TincanDialect        dialect);
TincanRoom        *tincan_remote_room_get_room       (TincanRemoteRoom    *self);
TincanRemoteState  tincan_remote_room_get_state      (TincanRemoteRoom    *self);
TincanDialect      tincan_remote_room_get_dialect    (TincanRemoteRoom    *self);
const char        *tincan_remote_room_get_nick       (TincanRemoteRoom    *self);
SioManager        *tincan_remote_room_get_manager    (TincanRemoteRoom    *self);
void               tincan_remote_room_connect        (TincanRemoteRoom    *self);
void               tincan_remote_room_disconnect     (TincanRemoteRoom    *self);
void               tincan_remote_room_send_async     (TincanRemoteRoom    *self,
                                                      const char          *to_nick,
                                                      const char          *text,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean           tincan_remote_room_send_finish    (TincanRemoteRoom    *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);
void               tincan_remote_room_set_typing     (TincanRemoteRoom    *self,
                                                      gboolean             typing);
TincanDialect      tincan_dialect_from_string        (const char          *name,
                                                      gboolean            *ok);

G_END_DECLS
