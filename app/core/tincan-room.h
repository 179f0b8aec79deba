/* tincan-room.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "tincan-message.h"
#include "tincan-user.h"

G_BEGIN_DECLS

#define TINCAN_ERROR (tincan_error_quark ())

/**
 * TincanError:
 * @TINCAN_ERROR_NICK_TAKEN: someone in the room already has that nickname
 * @TINCAN_ERROR_NICK_INVALID: empty, too long, reserved or with characters not allowed
 * @TINCAN_ERROR_TOO_LONG: a message over the room's length limit
 * @TINCAN_ERROR_EMPTY: an empty message
 * @TINCAN_ERROR_FLOOD: too many messages too fast
 * @TINCAN_ERROR_NO_SUCH_USER: a private message to someone not here
 * @TINCAN_ERROR_PASSCODE: a missing or wrong room passcode
 * @TINCAN_ERROR_BANNED: the address or nickname is banned
 * @TINCAN_ERROR_STORAGE: the message could not be stored, so it was not sent
 * @TINCAN_ERROR_NOT_JOINED: the client has not joined the room yet
 */
typedef enum
{
  TINCAN_ERROR_NICK_TAKEN,
  TINCAN_ERROR_NICK_INVALID,
  TINCAN_ERROR_TOO_LONG,
  TINCAN_ERROR_EMPTY,
  TINCAN_ERROR_FLOOD,
  TINCAN_ERROR_NO_SUCH_USER,
  TINCAN_ERROR_PASSCODE,
  TINCAN_ERROR_BANNED,
  TINCAN_ERROR_STORAGE,
  TINCAN_ERROR_NOT_JOINED,
} TincanError;

#define TINCAN_TYPE_ROOM (tincan_room_get_type ())

G_DECLARE_FINAL_TYPE (TincanRoom, tincan_room, TINCAN, ROOM, GObject)

typedef struct _TincanHistory TincanHistory;

GQuark         tincan_error_quark             (void);
const char    *tincan_error_code              (const GError  *error);
TincanRoom    *tincan_room_new                (const char    *name,
                                               const char    *host_nick,
                                               TincanHistory *history);
const char    *tincan_room_get_name           (TincanRoom    *self);
const char    *tincan_room_get_host_nick      (TincanRoom    *self);
TincanHistory *tincan_room_get_history        (TincanRoom    *self);
GListModel    *tincan_room_get_users          (TincanRoom    *self);
GListModel    *tincan_room_get_messages       (TincanRoom    *self);
TincanUser    *tincan_room_lookup_user        (TincanRoom    *self,
                                               const char    *id);
TincanUser    *tincan_room_lookup_nick        (TincanRoom    *self,
                                               const char    *nick);
guint          tincan_room_get_history_length (TincanRoom    *self);
void           tincan_room_set_history_length (TincanRoom    *self,
                                               guint          length);
guint          tincan_room_get_max_length     (TincanRoom    *self);
void           tincan_room_set_max_length     (TincanRoom    *self,
                                               guint          max_chars);
void           tincan_room_set_flood_limit    (TincanRoom    *self,
                                               guint          messages,
                                               guint          seconds);
guint          tincan_room_get_flood_limit    (TincanRoom    *self);
gboolean       tincan_room_check_nick         (TincanRoom    *self,
                                               const char    *nick,
                                               GError       **error);
char          *tincan_room_free_guest_nick    (TincanRoom    *self);
char          *tincan_room_unique_nick        (TincanRoom    *self,
                                               const char    *wanted);
gboolean       tincan_room_is_banned          (TincanRoom    *self,
                                               const char    *nick,
                                               const char    *address);
gboolean       tincan_room_join               (TincanRoom    *self,
                                               TincanUser    *user,
                                               GError       **error);
void           tincan_room_leave              (TincanRoom    *self,
                                               TincanUser    *user,
                                               const char    *reason);
gboolean       tincan_room_rename             (TincanRoom    *self,
                                               TincanUser    *user,
                                               const char    *nick,
                                               GError       **error);
void           tincan_room_set_typing         (TincanRoom    *self,
                                               TincanUser    *user,
                                               gboolean       typing);
void           tincan_room_post_async         (TincanRoom    *self,
                                               TincanUser    *author,
                                               const char    *to_nick,
                                               const char    *text,
                                               GCancellable  *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer       user_data);
void           tincan_room_post_full_async    (TincanRoom    *self,
                                               TincanUser    *author,
                                               const char    *to_nick,
                                               const char    *text,
                                               const char    *cid,
                                               GCancellable  *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer       user_data);
TincanMessage *tincan_room_post_finish        (TincanRoom    *self,
                                               GAsyncResult  *result,
                                               GError       **error);
GPtrArray     *tincan_room_recent_for         (TincanRoom    *self,
                                               const char    *viewer_nick,
                                               const char    *viewer_key);
void           tincan_room_mirror_user        (TincanRoom    *self,
                                               TincanUser    *user);
void           tincan_room_mirror_message     (TincanRoom    *self,
                                               TincanMessage *message);
void           tincan_room_kick               (TincanRoom    *self,
                                               TincanUser    *user,
                                               gboolean       ban);

G_END_DECLS
