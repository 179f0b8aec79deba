/* tincan-window.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "tincan-application.h"
#include "tincan-chat-view.h"
#include "tincan-host.h"

G_BEGIN_DECLS

#define TINCAN_TYPE_WINDOW (tincan_window_get_type ())

G_DECLARE_FINAL_TYPE (TincanWindow, tincan_window, TINCAN, WINDOW, AdwApplicationWindow)

TincanWindow   *tincan_window_new           (TincanApplication *application);
TincanHost     *tincan_window_get_host      (TincanWindow      *self);
TincanRoom     *tincan_window_get_room      (TincanWindow      *self);
TincanChatView *tincan_window_get_chat_view (TincanWindow      *self);
const char     *tincan_window_get_join_url  (TincanWindow      *self);
GListModel     *tincan_window_get_log       (TincanWindow      *self);

G_END_DECLS
