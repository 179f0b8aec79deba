/* tincan-stall-probe.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* For the responsiveness benchmark (tests/bench/gui-stall.sh): measures how late the main loop
 * runs a 1 ms timer, and rewrites a small JSON report at @path every second. Started by the
 * app when TINCAN_STALL_REPORT names a file; costs nothing otherwise. */
void tincan_stall_probe_start (const char *path);

G_END_DECLS
