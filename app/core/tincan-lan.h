/* tincan-lan.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The machine's own addresses that other devices on the LAN can reach (no loopback), so the
 * window and the terminal show a URL a phone can open. Platform code: tincan-lan-unix.c. */
GStrv tincan_lan_addresses (void);

G_END_DECLS
