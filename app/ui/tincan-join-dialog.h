/* tincan-join-dialog.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TINCAN_TYPE_JOIN_DIALOG (tincan_join_dialog_get_type ())

G_DECLARE_FINAL_TYPE (TincanJoinDialog, tincan_join_dialog, TINCAN, JOIN_DIALOG, AdwWindow)

TincanJoinDialog *tincan_join_dialog_new (GtkWindow *parent);

G_END_DECLS
