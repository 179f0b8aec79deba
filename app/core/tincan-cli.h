/* tincan-cli.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The command line without a window: `tincan --headless` hosts a room. */

gboolean tincan_cli_wants_headless (int    argc,
                                    char **argv);
int      tincan_cli_run            (int    argc,
                                    char **argv);

G_END_DECLS
