/* tincan-preferences-window.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TINCAN_TYPE_PREFERENCES_WINDOW (tincan_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (TincanPreferencesWindow, tincan_preferences_window, TINCAN, PREFERENCES_WINDOW, AdwPreferencesWindow)

TincanPreferencesWindow *tincan_preferences_window_new (GtkWindow *parent);

G_END_DECLS
