/* tincan-qr-code.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TINCAN_TYPE_QR_CODE (tincan_qr_code_get_type ())

G_DECLARE_FINAL_TYPE (TincanQrCode, tincan_qr_code, TINCAN, QR_CODE, GtkWidget)

GtkWidget  *tincan_qr_code_new           (void);
const char *tincan_qr_code_get_text      (TincanQrCode *self);
void        tincan_qr_code_set_text      (TincanQrCode *self,
                                          const char   *text);
guint       tincan_qr_code_get_n_modules (TincanQrCode *self);
gboolean    tincan_qr_code_get_module    (TincanQrCode *self,
                                          guint         x,
                                          guint         y);

G_END_DECLS
