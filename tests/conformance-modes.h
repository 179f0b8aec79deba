/* conformance-modes.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sio.h"

G_BEGIN_DECLS

/* The server behaviours the official suites and the benchmark expect, one per mode of
 * conformance-server; each configures a fresh SioServer before it is attached. */

void conformance_setup_sio          (SioServer *io);
void conformance_setup_client_suite (SioServer *io);
void conformance_setup_interop      (SioServer *io);
void conformance_setup_bench        (SioServer *io);

G_END_DECLS
