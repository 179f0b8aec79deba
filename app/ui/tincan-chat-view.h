/* tincan-chat-view.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TINCAN_TYPE_CHAT_VIEW (tincan_chat_view_get_type ())

G_DECLARE_FINAL_TYPE (TincanChatView, tincan_chat_view, TINCAN, CHAT_VIEW, GtkWidget)

void         tincan_chat_view_set_room                  (TincanChatView *self,
                                                         GListModel     *users,
                                                         GListModel     *messages,
                                                         const char     *self_nick);
GListModel  *tincan_chat_view_get_messages              (TincanChatView *self);
GListModel  *tincan_chat_view_get_users                 (TincanChatView *self);
const char  *tincan_chat_view_get_self_nick             (TincanChatView *self);
void         tincan_chat_view_set_sidebar_header        (TincanChatView *self,
                                                         GtkWidget      *widget);
void         tincan_chat_view_set_can_moderate          (TincanChatView *self,
                                                         gboolean        can_moderate);
void         tincan_chat_view_set_can_message_privately (TincanChatView *self,
                                                         gboolean        can_message);
const char  *tincan_chat_view_get_private_target        (TincanChatView *self);
void         tincan_chat_view_set_private_target        (TincanChatView *self,
                                                         const char     *nick);
void         tincan_chat_view_restore_draft             (TincanChatView *self,
                                                         const char     *text,
                                                         const char     *to_nick);
GtkEditable *tincan_chat_view_get_entry                 (TincanChatView *self);
gboolean     tincan_chat_view_get_following             (TincanChatView *self);
void         tincan_chat_view_scroll_to_bottom          (TincanChatView *self);
void         tincan_chat_view_focus_entry               (TincanChatView *self);

G_END_DECLS
