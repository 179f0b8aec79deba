/* tincan-user-row.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "tincan-user.h"

G_BEGIN_DECLS

#define TINCAN_TYPE_USER_ROW (tincan_user_row_get_type ())

G_DECLARE_FINAL_TYPE (TincanUserRow, tincan_user_row, TINCAN, USER_ROW, GtkWidget)

GtkWidget  *tincan_user_row_new              (void);
TincanUser *tincan_user_row_get_user         (TincanUserRow *self);
void        tincan_user_row_set_user         (TincanUserRow *self,
                                              TincanUser    *user,
                                              gboolean       is_self);
void        tincan_user_row_set_capabilities (TincanUserRow *self,
                                              gboolean       can_message,
                                              gboolean       can_moderate);

G_END_DECLS
