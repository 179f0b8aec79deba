/* tincan-application.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TINCAN_TYPE_APPLICATION (tincan_application_get_type ())

G_DECLARE_FINAL_TYPE (TincanApplication, tincan_application, TINCAN, APPLICATION, AdwApplication)

TincanApplication *tincan_application_new (const char        *application_id,
                                           GApplicationFlags  flags);

G_END_DECLS
