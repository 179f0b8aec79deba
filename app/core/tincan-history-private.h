/* tincan-history-private.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "tincan-history.h"

G_BEGIN_DECLS

/* For tests only: how many batches have been committed, and a way to break the file on
 * purpose (PRAGMA query_only, max_page_count) to exercise the failure paths. */
guint     _tincan_history_get_n_commits (TincanHistory  *self);
gboolean  _tincan_history_exec          (TincanHistory  *self,
                                         const char     *sql,
                                         GError        **error);

G_END_DECLS
