/* tincan-message-row.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "tincan-message.h"

G_BEGIN_DECLS

#define TINCAN_TYPE_MESSAGE_ROW (tincan_message_row_get_type ())

G_DECLARE_FINAL_TYPE (TincanMessageRow, tincan_message_row, TINCAN, MESSAGE_ROW, GtkWidget)

GtkWidget     *tincan_message_row_new         (void);
TincanMessage *tincan_message_row_get_message (TincanMessageRow *self);
void           tincan_message_row_set_message (TincanMessageRow *self,
                                               TincanMessage    *message,
                                               TincanMessage    *previous,
                                               const char       *self_nick);
guint          tincan_nick_color              (const char       *nick);

G_END_DECLS
