/* sio-address-counts.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Counts of what is open per peer address, for a per-address cap: connections in
 * SioHttpListener, Engine.IO sessions in SioEngineServer. A GHashTable of IP text → count;
 * plain functions rather than a class, as each owner keeps its own cap and properties. */

char       *_sio_address_counts_key    (GSocketAddress *address,
                                        guint           max,
                                        gboolean        limit_loopback);
GHashTable *_sio_address_counts_new    (void);
guint       _sio_address_counts_get    (GHashTable     *counts,
                                        const char     *key);
void        _sio_address_counts_add    (GHashTable     *counts,
                                        const char     *key);
void        _sio_address_counts_remove (GHashTable     *counts,
                                        const char     *key);

G_END_DECLS
