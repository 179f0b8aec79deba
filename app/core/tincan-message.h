/* tincan-message.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * TincanMessageKind:
 * @TINCAN_MESSAGE_CHAT: a message to the whole room
 * @TINCAN_MESSAGE_PRIVATE: a message to one user, seen only by its two parties
 * @TINCAN_MESSAGE_NOTICE: a system notice (joins, leaves, moderation)
 */
typedef enum
{
  TINCAN_MESSAGE_CHAT,
  TINCAN_MESSAGE_PRIVATE,
  TINCAN_MESSAGE_NOTICE,
} TincanMessageKind;

#define TINCAN_TYPE_MESSAGE (tincan_message_get_type ())

G_DECLARE_FINAL_TYPE (TincanMessage, tincan_message, TINCAN, MESSAGE, GObject)

TincanMessage     *tincan_message_new              (TincanMessageKind  kind,
                                                    gint64             id,
                                                    gint64             time_ms,
                                                    const char        *from_nick,
                                                    const char        *to_nick,
                                                    const char        *text);
TincanMessageKind  tincan_message_get_kind         (TincanMessage     *self);
gint64             tincan_message_get_id           (TincanMessage     *self);
gint64             tincan_message_get_time         (TincanMessage     *self);
const char        *tincan_message_get_from_nick    (TincanMessage     *self);
const char        *tincan_message_get_to_nick      (TincanMessage     *self);
const char        *tincan_message_get_text         (TincanMessage     *self);
const char        *tincan_message_get_cid          (TincanMessage     *self);
void               tincan_message_set_keys         (TincanMessage     *self,
                                                    const char        *from_key,
                                                    const char        *to_key);
const char        *tincan_message_get_from_key     (TincanMessage     *self);
const char        *tincan_message_get_to_key       (TincanMessage     *self);
gboolean           tincan_message_may_replay_to    (TincanMessage     *self,
                                                    const char        *nick,
                                                    const char        *key);
void               tincan_message_set_cid          (TincanMessage     *self,
                                                    const char        *cid);
gboolean           tincan_message_is_visible_to    (TincanMessage     *self,
                                                    const char        *nick);
JsonNode          *tincan_message_to_json          (TincanMessage     *self);

G_END_DECLS
