/* tincan-history.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "tincan-message.h"

G_BEGIN_DECLS

#define TINCAN_HISTORY_ERROR (tincan_history_error_quark ())

/**
 * TincanHistoryError:
 * @TINCAN_HISTORY_ERROR_FAILED: any other SQLite failure; the message says which
 * @TINCAN_HISTORY_ERROR_CANT_OPEN: the file cannot be opened or created (a directory, a
 *   missing permission, a folder that cannot be made)
 * @TINCAN_HISTORY_ERROR_CORRUPT: the file is not an SQLite database, or a damaged one
 * @TINCAN_HISTORY_ERROR_READ_ONLY: the file or its file system cannot be written
 * @TINCAN_HISTORY_ERROR_FULL: the disk is full
 * @TINCAN_HISTORY_ERROR_IO: the operating system reported an I/O error
 * @TINCAN_HISTORY_ERROR_BUSY: another process (another Tincan) holds the file
 * @TINCAN_HISTORY_ERROR_TOO_NEW: the file was written by a newer Tincan
 * @TINCAN_HISTORY_ERROR_EXISTS: a message with the same id is already stored
 * @TINCAN_HISTORY_ERROR_CLOSED: [method@Tincan.History.close] was called
 */
typedef enum
{
  TINCAN_HISTORY_ERROR_FAILED,
  TINCAN_HISTORY_ERROR_CANT_OPEN,
  TINCAN_HISTORY_ERROR_CORRUPT,
  TINCAN_HISTORY_ERROR_READ_ONLY,
  TINCAN_HISTORY_ERROR_FULL,
  TINCAN_HISTORY_ERROR_IO,
  TINCAN_HISTORY_ERROR_BUSY,
  TINCAN_HISTORY_ERROR_TOO_NEW,
  TINCAN_HISTORY_ERROR_EXISTS,
  TINCAN_HISTORY_ERROR_CLOSED,
} TincanHistoryError;

/**
 * TincanBan:
 * @kind: `"nick"` or `"address"` (a static string)
 * @value: the nickname or address as it was banned
 * @created: when, in milliseconds since the Unix epoch
 *
 * One entry of [method@Tincan.History.list_bans].
 */
typedef struct
{
  const char *kind;
  char       *value;
  gint64      created;
} TincanBan;

#define TINCAN_TYPE_BAN (tincan_ban_get_type ())
#define TINCAN_TYPE_HISTORY (tincan_history_get_type ())

G_DECLARE_FINAL_TYPE (TincanHistory, tincan_history, TINCAN, HISTORY, GObject)

GQuark         tincan_history_error_quark    (void);

GType          tincan_ban_get_type           (void);
TincanBan     *tincan_ban_copy               (const TincanBan      *ban);
void           tincan_ban_free               (TincanBan            *ban);

TincanHistory *tincan_history_open           (const char           *path,
                                              GError              **error);
TincanHistory *tincan_history_open_or_recover
                                             (const char           *path,
                                              char                **set_aside_to,
                                              GError              **error);
const char    *tincan_history_get_storage_error
                                             (TincanHistory        *self);
void           tincan_history_close          (TincanHistory        *self);
gint64         tincan_history_next_id        (TincanHistory        *self);
void           tincan_history_append_async   (TincanHistory        *self,
                                              TincanMessage        *message,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gboolean       tincan_history_append_finish  (TincanHistory        *self,
                                              GAsyncResult         *result,
                                              GError              **error);
GPtrArray     *tincan_history_load_recent    (TincanHistory        *self,
                                              guint                 limit,
                                              const char           *viewer_nick,
                                              const char           *viewer_key,
                                              GError              **error);
gboolean       tincan_history_add_ban        (TincanHistory        *self,
                                              const char           *kind,
                                              const char           *value,
                                              GError              **error);
gboolean       tincan_history_remove_ban     (TincanHistory        *self,
                                              const char           *kind,
                                              const char           *value,
                                              GError              **error);
gboolean       tincan_history_is_banned      (TincanHistory        *self,
                                              const char           *nick,
                                              const char           *address);
GPtrArray     *tincan_history_list_bans      (TincanHistory        *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TincanBan, tincan_ban_free)

G_END_DECLS
