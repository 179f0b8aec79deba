/* tincan-remote-window.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "tincan-chat-view.h"
#include "tincan-remote-room.h"

G_BEGIN_DECLS

#define TINCAN_TYPE_REMOTE_WINDOW (tincan_remote_window_get_type ())

G_DECLARE_FINAL_TYPE (TincanRemoteWindow, tincan_remote_window, TINCAN, REMOTE_WINDOW, AdwApplicationWindow)

TincanRemoteWindow *tincan_remote_window_new           (GtkApplication     *application,
                                                        TincanRemoteRoom   *room,
                                                        const char         *url);
TincanRemoteRoom   *tincan_remote_window_get_room      (TincanRemoteWindow *self);
TincanChatView     *tincan_remote_window_get_chat_view (TincanRemoteWindow *self);

G_END_DECLS
