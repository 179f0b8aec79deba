/* tincan-user.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * TincanDialect:
 * @TINCAN_DIALECT_UNDECIDED: connected, has not spoken yet
 * @TINCAN_DIALECT_TINCAN: Tincan's own protocol (web page, desktop app, terminal client)
 * @TINCAN_DIALECT_CHAT_MESSAGE: the Socket.IO getting-started tutorial (`chat message`)
 * @TINCAN_DIALECT_CHAT: the same tutorial with the event named `chat`
 * @TINCAN_DIALECT_USERNAMES: the usernames tutorial (`adduser`, `sendchat`)
 * @TINCAN_DIALECT_DEMO: socket.io's official chat demo (`add user`, `new message`, ...)
 * @TINCAN_DIALECT_HOST: the host itself, chatting from the window or the terminal
 */
typedef enum
{
  TINCAN_DIALECT_UNDECIDED,
  TINCAN_DIALECT_TINCAN,
  TINCAN_DIALECT_CHAT_MESSAGE,
  TINCAN_DIALECT_CHAT,
  TINCAN_DIALECT_USERNAMES,
  TINCAN_DIALECT_DEMO,
  TINCAN_DIALECT_HOST,
} TincanDialect;

#define TINCAN_N_DIALECTS (TINCAN_DIALECT_HOST + 1)

#define TINCAN_TYPE_USER (tincan_user_get_type ())

G_DECLARE_FINAL_TYPE (TincanUser, tincan_user, TINCAN, USER, GObject)

TincanUser    *tincan_user_new          (const char    *id,
                                         const char    *nick,
                                         TincanDialect  dialect,
                                         const char    *client,
                                         const char    *address);
const char    *tincan_user_get_id       (TincanUser    *self);
const char    *tincan_user_get_nick     (TincanUser    *self);
void           tincan_user_set_nick     (TincanUser    *self,
                                         const char    *nick);
TincanDialect  tincan_user_get_dialect  (TincanUser    *self);
const char    *tincan_user_get_client   (TincanUser    *self);
const char    *tincan_user_get_address  (TincanUser    *self);
const char    *tincan_user_get_key      (TincanUser    *self);
void           tincan_user_set_key      (TincanUser    *self,
                                         const char    *key);
gboolean       tincan_user_get_typing   (TincanUser    *self);
void           tincan_user_set_typing   (TincanUser    *self,
                                         gboolean       typing);
const char    *tincan_dialect_to_string (TincanDialect  dialect);

G_END_DECLS
