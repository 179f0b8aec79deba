/* tincan-history.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The room's memory: every message and every ban, in one SQLite file in the data directory.
 *
 * The room numbers a message itself (tincan_history_next_id()), so it can broadcast the id, and
 * sends or acknowledges the message only once append_async() has returned. Appends are
 * group-committed: those made during one main-loop turn wait in @pending, and one idle source
 * at the end of the turn writes them all in a single transaction, then completes every task
 * after COMMIT, or fails every task after ROLLBACK. A busy room therefore costs one commit per
 * turn, not one per message.
 *
 * Everything runs on the main thread, with no worker: in WAL mode with synchronous=NORMAL a
 * commit is a write() to the WAL and no fsync, tens of microseconds for a turn's worth of chat.
 * The only fsyncs happen at checkpoints (every 1000 pages of WAL, about 4 MiB of messages) and
 * at close.
 *
 * Bans are few and checked on every join, so they are also kept in memory: is_banned() never
 * touches the disk and cannot fail.
 *
 * A disk that fills up, turns read-only or fails is not a bug but something the host must be
 * told about and can fix: each failure sets "storage-error", which the host shows, and the next
 * write that succeeds clears it. Nothing is retried here: the messages of a failed batch are
 * refused to their senders, who may send them again. */

#include "config.h"

#include "tincan-history-private.h"

#include <sqlite3.h>
#include <string.h>

/* PRAGMA user_version of the schema below. Bump it with a migration step in ensure_schema(). */
#define SCHEMA_VERSION 2

/* The kind and CHECK columns hold words, not enum values, so the file stays readable (and the
 * enums reorderable) when someone opens it with the sqlite3 shell. A ban's "key" is the form
 * it is matched by (case-folded nickname, canonical address); "value" is what the host typed. */
static const char schema_sql[] =
  "CREATE TABLE messages ("
  "  id INTEGER PRIMARY KEY,"
  "  time INTEGER NOT NULL,"
  "  kind TEXT NOT NULL CHECK (kind IN ('chat', 'private', 'notice')),"
  "  from_nick TEXT,"
  "  to_nick TEXT,"
  "  text TEXT NOT NULL,"
  "  from_key TEXT,"
  "  to_key TEXT"
  ");"
  "CREATE TABLE bans ("
  "  kind TEXT NOT NULL CHECK (kind IN ('nick', 'address')),"
  "  value TEXT NOT NULL,"
  "  key TEXT NOT NULL,"
  "  created INTEGER NOT NULL,"
  "  PRIMARY KEY (kind, key)"
  ");";

enum {
  STMT_BEGIN,
  STMT_COMMIT,
  STMT_ROLLBACK,
  STMT_INSERT_MESSAGE,
  STMT_SELECT_RECENT,
  STMT_INSERT_BAN,
  STMT_DELETE_BAN,
  N_STMTS
};

static const char * const stmt_sql[N_STMTS] = {
  /* IMMEDIATE: take the write lock first, so a lock problem fails the batch before any insert. */
  [STMT_BEGIN] = "BEGIN IMMEDIATE",
  [STMT_COMMIT] = "COMMIT",
  [STMT_ROLLBACK] = "ROLLBACK",
  [STMT_INSERT_MESSAGE] =
    "INSERT INTO messages (id, time, kind, from_nick, to_nick, text, from_key, to_key) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
  [STMT_SELECT_RECENT] =
    "SELECT id, time, kind, from_nick, to_nick, text, from_key, to_key FROM messages ORDER BY id DESC",
  [STMT_INSERT_BAN] = "INSERT OR IGNORE INTO bans (kind, value, key, created) VALUES (?, ?, ?, ?)",
  [STMT_DELETE_BAN] = "DELETE FROM bans WHERE kind = ? AND key = ?",
};

struct _TincanHistory
{
  GObject        parent_instance;

  /* owned */
  sqlite3       *db;               /* NULL once closed */
  sqlite3_stmt  *stmts[N_STMTS];   /* prepared once, reset after every use */
  char          *display_name;     /* the path, for error messages */
  char          *storage_error;    /* why the last write failed; NULL once one succeeds */
  GMainContext  *context;
  GPtrArray     *pending;          /* GTask *, appends waiting for the end of the turn */
  GSource       *flush_source;
  GHashTable    *nick_bans;        /* case-folded nick → TincanBan * */
  GHashTable    *address_bans;     /* canonical address → TincanBan * */

  gint64         next_id;
  guint          n_commits;
};

enum {
  PROP_0,
  PROP_STORAGE_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (TincanHistory, tincan_history, G_TYPE_OBJECT)
G_DEFINE_BOXED_TYPE (TincanBan, tincan_ban, tincan_ban_copy, tincan_ban_free)
G_DEFINE_QUARK (tincan-history-error-quark, tincan_history_error)

static void flush (TincanHistory *self);

/**
 * tincan_ban_copy:
 * @ban: a ban
 *
 * Returns: (transfer full): a copy of @ban
 */
TincanBan *
tincan_ban_copy (const TincanBan *ban)
{
  TincanBan *copy;

  g_return_val_if_fail (ban != NULL, NULL);

  copy = g_new0 (TincanBan, 1);
  copy->kind = ban->kind;
  copy->value = g_strdup (ban->value);
  copy->created = ban->created;
  return copy;
}

/**
 * tincan_ban_free:
 * @ban: (nullable): a ban
 */
void
tincan_ban_free (TincanBan *ban)
{
  if (ban == NULL)
    return;

  g_free (ban->value);
  g_free (ban);
}

/* ---------------------------------------------------------------------------------------- */
/* Errors                                                                                     */

static TincanHistoryError
error_code_from_sqlite (int rc)
{
  /* Extended result codes are on; the low byte is the primary code. */
  switch (rc & 0xff)
    {
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return TINCAN_HISTORY_ERROR_CANT_OPEN;

    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return TINCAN_HISTORY_ERROR_CORRUPT;

    case SQLITE_READONLY:
      return TINCAN_HISTORY_ERROR_READ_ONLY;

    case SQLITE_FULL:
      return TINCAN_HISTORY_ERROR_FULL;

    case SQLITE_IOERR:
      return TINCAN_HISTORY_ERROR_IO;

    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return TINCAN_HISTORY_ERROR_BUSY;

    default:
      return TINCAN_HISTORY_ERROR_FAILED;
    }
}

/* Call right after the failing sqlite3_*() call: the next one on @db replaces its message. */
static void
set_sqlite_error (GError     **error,
                  sqlite3     *db,
                  int          rc,
                  const char  *doing)
{
  const char *detail = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);
  int system_errno = db != NULL ? sqlite3_system_errno (db) : 0;
  g_autofree char *reason = NULL;

  /* "disk I/O error" alone does not say what to fix. (Not for SQLITE_CANTOPEN: its errno is
   * often that of a read-only retry, ENOENT for a folder we may not write in.) */
  if (system_errno != 0 && (rc & 0xff) == SQLITE_IOERR)
    {
#ifdef G_OS_WIN32
      reason = g_win32_error_message (system_errno);
#else
      reason = g_strdup (g_strerror (system_errno));
#endif
    }

  if (reason != NULL)
    g_set_error (error, TINCAN_HISTORY_ERROR, error_code_from_sqlite (rc), "%s: %s (%s)",
                 doing, detail, reason);
  else
    g_set_error (error, TINCAN_HISTORY_ERROR, error_code_from_sqlite (rc), "%s: %s",
                 doing, detail);
}

/* @error: the failure, or NULL after a write that succeeded. Only failures of the file (full,
 * read-only, damaged, I/O) count: a duplicate id or a closed history says nothing about it. */
static void
set_storage_error (TincanHistory *self,
                   const GError  *error)
{
  const char *message = NULL;

  if (error != NULL)
    {
      if (error->domain != TINCAN_HISTORY_ERROR ||
          error->code == TINCAN_HISTORY_ERROR_EXISTS ||
          error->code == TINCAN_HISTORY_ERROR_CLOSED)
        return;
      message = error->message;
    }

  if (g_strcmp0 (self->storage_error, message) == 0)
    return;

  g_free (self->storage_error);
  self->storage_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORAGE_ERROR]);
}

static gboolean
check_open (TincanHistory  *self,
            GError        **error)
{
  if (self->db != NULL)
    return TRUE;

  g_set_error_literal (error, TINCAN_HISTORY_ERROR, TINCAN_HISTORY_ERROR_CLOSED,
                       "The history is closed");
  return FALSE;
}

/* ---------------------------------------------------------------------------------------- */
/* Conversions                                                                                */

static const char *
kind_to_string (TincanMessageKind kind)
{
  switch (kind)
    {
    case TINCAN_MESSAGE_PRIVATE:
      return "private";

    case TINCAN_MESSAGE_NOTICE:
      return "notice";

    case TINCAN_MESSAGE_CHAT:
    default:
      return "chat";
    }
}

static gboolean
kind_from_string (const char        *str,
                  TincanMessageKind *kind)
{
  if (g_strcmp0 (str, "chat") == 0)
    *kind = TINCAN_MESSAGE_CHAT;
  else if (g_strcmp0 (str, "private") == 0)
    *kind = TINCAN_MESSAGE_PRIVATE;
  else if (g_strcmp0 (str, "notice") == 0)
    *kind = TINCAN_MESSAGE_NOTICE;
  else
    return FALSE;

  return TRUE;
}

static const char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  return (const char *) sqlite3_column_text (stmt, column);
}

/* The same folding as tincan_message_is_visible_to(), so "Bob" banned keeps out "BOB". */
static char *
nick_key (const char *nick)
{
  g_autofree char *valid = g_utf8_make_valid (nick, -1);

  return g_utf8_casefold (valid, -1);
}

/* One spelling per address: "::FFFF:10.0.0.7" (what a dual-stack socket reports for an IPv4
 * peer) and "10.0.0.7" are the same guest. Anything unparsable is matched literally. */
static char *
address_key (const char *address)
{
  static const guint8 v4_mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);
  const guint8 *bytes;

  if (inet == NULL)
    return g_ascii_strdown (address, -1);

  bytes = g_inet_address_to_bytes (inet);
  if (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6 &&
      memcmp (bytes, v4_mapped, sizeof v4_mapped) == 0)
    {
      g_autoptr(GInetAddress) v4 = g_inet_address_new_from_bytes (bytes + 12,
                                                                  G_SOCKET_FAMILY_IPV4);

      return g_inet_address_to_string (v4);
    }

  return g_inet_address_to_string (inet);
}

static GHashTable *
bans_for_kind (TincanHistory  *self,
               const char     *kind,
               const char    **interned)
{
  if (g_strcmp0 (kind, "nick") == 0)
    {
      *interned = "nick";
      return self->nick_bans;
    }

  if (g_strcmp0 (kind, "address") == 0)
    {
      *interned = "address";
      return self->address_bans;
    }

  return NULL;
}

static char *
ban_key (const char *kind,
         const char *value)
{
  return g_str_equal (kind, "nick") ? nick_key (value) : address_key (value);
}

/* ---------------------------------------------------------------------------------------- */
/* Opening                                                                                    */

static gboolean
exec_sql (TincanHistory  *self,
          const char     *sql,
          const char     *doing,
          GError        **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, self->db, rc, doing);
      return FALSE;
    }

  return TRUE;
}

/* A statement that returns one integer (a PRAGMA, max()); NULL reads as 0. */
static gboolean
query_int64 (TincanHistory  *self,
             const char     *sql,
             const char     *doing,
             gint64         *value,
             GError        **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      set_sqlite_error (error, self->db, rc, doing);
      sqlite3_finalize (stmt);
      return FALSE;
    }

  *value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return TRUE;
}

/* Rolls back whatever transaction is still open; SQLite ends some on its own (on SQLITE_FULL,
 * SQLITE_IOERR, ...), hence the check. Failures here add nothing to the error already set. */
static void
rollback (TincanHistory *self)
{
  if (sqlite3_get_autocommit (self->db))
    return;

  sqlite3_step (self->stmts[STMT_ROLLBACK]);
  sqlite3_reset (self->stmts[STMT_ROLLBACK]);
}

/* Makes the folder and an empty file if they are missing. SQLite would create them too, but
 * world-readable (0644), and private messages live here; it gives its -wal file the mode of the
 * database. GIO also says why it failed, where SQLite only says "unable to open database file". */
static gboolean
ensure_file (const char  *path,
             GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) dir = g_file_get_parent (file);
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;

  if (dir != NULL &&
      !g_file_make_directory_with_parents (dir, NULL, &local_error) &&
      !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    goto fail;
  g_clear_error (&local_error);

  stream = g_file_create (file, G_FILE_CREATE_PRIVATE, NULL, &local_error);
  if (stream == NULL && !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    goto fail;
  if (stream != NULL && !g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, &local_error))
    goto fail;

  return TRUE;

fail:
  g_set_error_literal (error, TINCAN_HISTORY_ERROR,
                       g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_READ_ONLY)
                         ? TINCAN_HISTORY_ERROR_READ_ONLY : TINCAN_HISTORY_ERROR_CANT_OPEN,
                       local_error->message);
  return FALSE;
}

/* The durability we promise is against a killed process (crash, SIGKILL, the OOM killer,
 * a logout): a message is acknowledged only after COMMIT, and a WAL commit has handed its
 * frames to the kernel with write(), so they outlive the process and the next open replays
 * them. synchronous=NORMAL skips the fsync on each commit; an OS crash or power cut can then
 * lose the last few commits but never corrupts the file (WAL frames carry checksums).
 * FULL would cost an fsync, milliseconds on the main thread, per turn with messages.
 *
 * EXCLUSIVE locking: ids are handed out in memory from max(id)+1, so a second process
 * appending to the same file would reuse them. Holding the lock for the whole session makes a
 * second Tincan fail at open with "database is locked" instead. Set before journal_mode, it also
 * keeps the WAL index in our heap rather than in a shared-memory -shm file, which network
 * shares and some Windows setups do not support. */
static gboolean
configure (TincanHistory  *self,
           GError        **error)
{
  g_autofree char *doing = g_strdup_printf ("Could not open the history “%s”", self->display_name);

  if (sqlite3_db_readonly (self->db, "main") == 1)
    {
      g_set_error (error, TINCAN_HISTORY_ERROR, TINCAN_HISTORY_ERROR_READ_ONLY,
                   "%s: the file or its file system is read-only", doing);
      return FALSE;
    }

  return exec_sql (self,
                   "PRAGMA locking_mode = EXCLUSIVE;"
                   "PRAGMA journal_mode = WAL;"
                   "PRAGMA synchronous = NORMAL;",
                   doing, error);
}

static gboolean
ensure_schema (TincanHistory  *self,
               GError        **error)
{
  g_autofree char *doing = g_strdup_printf ("Could not open the history “%s”", self->display_name);
  gint64 version = 0;

  /* IMMEDIATE also takes the lock now, so a file held by another Tincan fails here. */
  if (!exec_sql (self, "BEGIN IMMEDIATE", doing, error))
    return FALSE;

  if (!query_int64 (self, "PRAGMA user_version", doing, &version, error))
    goto fail;

  if (version > SCHEMA_VERSION)
    {
      g_set_error (error, TINCAN_HISTORY_ERROR, TINCAN_HISTORY_ERROR_TOO_NEW,
                   "%s: it was written by a newer version of Tincan (schema %" G_GINT64_FORMAT ")",
                   doing, version);
      goto fail;
    }

  if (version == 0)
    {
      g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %d", SCHEMA_VERSION);

      if (!exec_sql (self, schema_sql, doing, error) ||
          !exec_sql (self, set_version, doing, error))
        goto fail;
    }
  else if (version == 1)
    {
      /* Version 2 keeps the parties' keys of private messages. Those stored before have none,
       * so they are never replayed: nobody can prove to be who they went to. */
      if (!exec_sql (self, "ALTER TABLE messages ADD COLUMN from_key TEXT;"
                           "ALTER TABLE messages ADD COLUMN to_key TEXT;"
                           "PRAGMA user_version = 2", doing, error))
        goto fail;
    }

  if (!exec_sql (self, "COMMIT", doing, error))
    goto fail;

  return TRUE;

fail:
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

static gboolean
prepare_statements (TincanHistory  *self,
                    GError        **error)
{
  for (guint i = 0; i < N_STMTS; i++)
    {
      /* PERSISTENT: these live as long as the connection, so SQLite keeps them out of its
       * lookaside pool. */
      int rc = sqlite3_prepare_v3 (self->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                                   &self->stmts[i], NULL);

      if (rc != SQLITE_OK)
        {
          g_autofree char *doing = g_strdup_printf ("Could not open the history “%s”",
                                                    self->display_name);

          set_sqlite_error (error, self->db, rc, doing);
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
load_state (TincanHistory  *self,
            GError        **error)
{
  g_autofree char *doing = g_strdup_printf ("Could not read the history “%s”", self->display_name);
  sqlite3_stmt *stmt = NULL;
  gint64 max_id = 0;
  int rc;

  if (!query_int64 (self, "SELECT max(id) FROM messages", doing, &max_id, error))
    return FALSE;
  self->next_id = max_id + 1;

  rc = sqlite3_prepare_v2 (self->db, "SELECT kind, value, key, created FROM bans", -1, &stmt, NULL);
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *interned = NULL;
      GHashTable *table = bans_for_kind (self, column_text (stmt, 0), &interned);
      TincanBan *ban;

      rc = SQLITE_OK;
      if (table == NULL || column_text (stmt, 1) == NULL || column_text (stmt, 2) == NULL)
        continue;

      ban = g_new0 (TincanBan, 1);
      ban->kind = interned;
      ban->value = g_strdup (column_text (stmt, 1));
      ban->created = sqlite3_column_int64 (stmt, 3);
      g_hash_table_replace (table, g_strdup (column_text (stmt, 2)), ban);
    }

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, self->db, rc, doing);
      sqlite3_finalize (stmt);
      return FALSE;
    }

  sqlite3_finalize (stmt);
  return TRUE;
}

/**
 * tincan_history_open:
 * @path: (type filename): the database file, created with its folder if missing;
 *   `":memory:"` for a history that lives as long as the object
 * @error: return location for a #TINCAN_HISTORY_ERROR
 *
 * Opens the room's history, creating or upgrading the file as needed, and takes it for
 * this process until [method@Tincan.History.close]: a second open of the same file fails
 * with %TINCAN_HISTORY_ERROR_BUSY.
 *
 * Returns: (transfer full): the history, or %NULL if the file cannot be used
 */
TincanHistory *
tincan_history_open (const char  *path,
                     GError     **error)
{
  g_autoptr(TincanHistory) self = NULL;
  gboolean on_disk;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (TINCAN_TYPE_HISTORY, NULL);
  self->display_name = g_filename_display_name (path);
  on_disk = *path != '\0' && !g_str_equal (path, ":memory:");

  if (on_disk)
    {
      /* SQLite would only say "unable to open database file". */
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          g_set_error (error, TINCAN_HISTORY_ERROR, TINCAN_HISTORY_ERROR_CANT_OPEN,
                       "Could not open the history “%s”: it is a folder", self->display_name);
          return NULL;
        }

      if (!ensure_file (path, error))
        {
          g_prefix_error (error, "Could not open the history “%s”: ", self->display_name);
          return NULL;
        }
    }

  /* SQLite takes UTF-8 names; GLib's filename encoding is UTF-8 on Windows and the bytes
   * SQLite passes on unchanged elsewhere, so @path is right on both. */
  rc = sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc != SQLITE_OK)
    {
      g_autofree char *doing = g_strdup_printf ("Could not open the history “%s”",
                                                self->display_name);

      set_sqlite_error (error, self->db, rc, doing);
      return NULL;
    }
  sqlite3_extended_result_codes (self->db, 1);

  if (!configure (self, error) ||
      !ensure_schema (self, error) ||
      !prepare_statements (self, error) ||
      !load_state (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

/* Renames the damaged @path to "<path>.corrupt-<time>", with its -wal and -journal beside it
 * under the same new name: those belong to it, and left in place SQLite would replay them into
 * the new file. Renamed, not deleted: whoever wants can still try to rescue it. */
static char *
set_aside (const char  *path,
           GError     **error)
{
  static const char * const companions[] = { "-wal", "-journal" };
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) target = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *aside = NULL;
  guint moved = 0;

  for (guint n = 0; aside == NULL || g_file_test (aside, G_FILE_TEST_EXISTS); n++)
    {
      g_free (aside);
      aside = n == 0 ? g_strdup_printf ("%s.corrupt-%s", path, stamp)
                     : g_strdup_printf ("%s.corrupt-%s-%u", path, stamp, n);
    }

  for (; moved < G_N_ELEMENTS (companions); moved++)
    {
      g_autofree char *from = g_strconcat (path, companions[moved], NULL);
      g_autofree char *to = g_strconcat (aside, companions[moved], NULL);
      g_autoptr(GFile) from_file = g_file_new_for_path (from);
      g_autoptr(GFile) to_file = g_file_new_for_path (to);

      if (!g_file_move (from_file, to_file, G_FILE_COPY_NOFOLLOW_SYMLINKS, NULL, NULL, NULL,
                        &local_error) &&
          !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        goto fail;
      g_clear_error (&local_error);
    }

  target = g_file_new_for_path (aside);
  if (!g_file_move (file, target, G_FILE_COPY_NOFOLLOW_SYMLINKS, NULL, NULL, NULL, &local_error))
    goto fail;

  return g_steal_pointer (&aside);

fail:
  /* Put back what was moved, so that the file and its journal stay together. */
  while (moved-- > 0)
    {
      g_autofree char *from = g_strconcat (aside, companions[moved], NULL);
      g_autofree char *to = g_strconcat (path, companions[moved], NULL);
      g_autoptr(GFile) from_file = g_file_new_for_path (from);
      g_autoptr(GFile) to_file = g_file_new_for_path (to);

      g_file_move (from_file, to_file, G_FILE_COPY_NOFOLLOW_SYMLINKS, NULL, NULL, NULL, NULL);
    }
  g_set_error (error, TINCAN_HISTORY_ERROR, TINCAN_HISTORY_ERROR_CORRUPT,
               "it is damaged, and could not be moved aside: %s", local_error->message);
  return NULL;
}

/**
 * tincan_history_open_or_recover:
 * @path: (type filename): as for [func@Tincan.History.open]
 * @set_aside_to: (out) (optional) (nullable) (type filename): where a damaged file went
 * @error: return location for a #TINCAN_HISTORY_ERROR
 *
 * As [func@Tincan.History.open], except that a file that is damaged, truncated or not a
 * database at all does not stop the host: it is renamed to `<path>.corrupt-<time>` (never
 * deleted) and a new, empty history is started. @set_aside_to then says where it went, for
 * the host to report; it is %NULL when the file was fine.
 *
 * Any other failure (read-only, locked, a newer schema) is returned as is: those files are
 * intact, and the user can fix the cause.
 *
 * Returns: (transfer full): the history, or %NULL if none can be used
 */
TincanHistory *
tincan_history_open_or_recover (const char  *path,
                                char       **set_aside_to,
                                GError     **error)
{
  g_autoptr(TincanHistory) self = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *aside = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (set_aside_to != NULL)
    *set_aside_to = NULL;

  self = tincan_history_open (path, &local_error);
  if (self != NULL ||
      !g_error_matches (local_error, TINCAN_HISTORY_ERROR, TINCAN_HISTORY_ERROR_CORRUPT))
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      return g_steal_pointer (&self);
    }

  g_debug ("%s", local_error->message);
  g_clear_error (&local_error);
  aside = set_aside (path, &local_error);
  if (aside == NULL)
    {
      g_autofree char *display_name = g_filename_display_name (path);

      g_set_error (error, local_error->domain, local_error->code,
                   "Could not open the history “%s”: %s", display_name, local_error->message);
      return NULL;
    }

  self = tincan_history_open (path, error);
  if (self == NULL)
    {
      g_autofree char *display_name = g_filename_display_name (aside);

      g_prefix_error (error, "The damaged history was moved to “%s”, but no new one started: ",
                      display_name);
      return NULL;
    }

  if (set_aside_to != NULL)
    *set_aside_to = g_steal_pointer (&aside);
  return g_steal_pointer (&self);
}

/* ---------------------------------------------------------------------------------------- */
/* Closing                                                                                    */

static void
close_db (TincanHistory *self)
{
  if (self->flush_source != NULL)
    {
      g_source_destroy (self->flush_source);
      g_clear_pointer (&self->flush_source, g_source_unref);
    }

  if (self->pending->len > 0)
    flush (self);

  for (guint i = 0; i < N_STMTS; i++)
    g_clear_pointer (&self->stmts[i], sqlite3_finalize);

  /* With every statement finalized this cannot stay open; in WAL mode the last close
   * checkpoints and removes the -wal file. */
  g_clear_pointer (&self->db, sqlite3_close_v2);
}

/**
 * tincan_history_close:
 * @self: a history
 *
 * Writes every pending append now, then closes the file and releases it for other processes.
 * Call it on shutdown (SIGTERM, window closed) so nothing waits for a main-loop turn that
 * will not come. The flushed appends' callbacks still run from the main context, immediately
 * or on its next iteration; their messages are stored either way.
 *
 * Later appends and loads fail with %TINCAN_HISTORY_ERROR_CLOSED. Finalizing does the same.
 */
void
tincan_history_close (TincanHistory *self)
{
  g_return_if_fail (TINCAN_IS_HISTORY (self));

  close_db (self);
}

static void
tincan_history_dispose (GObject *object)
{
  TincanHistory *self = (TincanHistory *) object;

  /* Each pending task holds a reference, so there are none left when the last reference goes;
   * only an explicit g_object_run_dispose() gets here with work to flush. */
  close_db (self);

  G_OBJECT_CLASS (tincan_history_parent_class)->dispose (object);
}

static void
tincan_history_finalize (GObject *object)
{
  TincanHistory *self = (TincanHistory *) object;

  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_pointer (&self->nick_bans, g_hash_table_unref);
  g_clear_pointer (&self->address_bans, g_hash_table_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->display_name);
  g_free (self->storage_error);

  G_OBJECT_CLASS (tincan_history_parent_class)->finalize (object);
}

static void
tincan_history_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  TincanHistory *self = TINCAN_HISTORY (object);

  switch (prop_id)
    {
    case PROP_STORAGE_ERROR:
      g_value_set_string (value, self->storage_error);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tincan_history_class_init (TincanHistoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tincan_history_dispose;
  object_class->finalize = tincan_history_finalize;
  object_class->get_property = tincan_history_get_property;

  /**
   * TincanHistory:storage-error: (getter get_storage_error)
   *
   * Why the last write (or read) of the file failed: the disk is full, the file became
   * read-only or damaged. %NULL at first, and again once a write succeeds.
   */
  properties[PROP_STORAGE_ERROR] =
    g_param_spec_string ("storage-error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tincan_history_init (TincanHistory *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->pending = g_ptr_array_new_with_free_func (g_object_unref);
  self->nick_bans = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) tincan_ban_free);
  self->address_bans = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) tincan_ban_free);
  self->next_id = 1;
}

/* ---------------------------------------------------------------------------------------- */
/* Messages                                                                                   */

/**
 * tincan_history_next_id:
 * @self: a history
 *
 * Hands out the id for a new message: one more than any stored when the file was opened,
 * then increasing with every call (and past any id given to
 * [method@Tincan.History.append_async]). An id whose message was not stored leaves a gap, or
 * comes again after a restart; nobody saw it, since nothing unstored is sent.
 *
 * Returns: the id to give the next message
 */
gint64
tincan_history_next_id (TincanHistory *self)
{
  g_return_val_if_fail (TINCAN_IS_HISTORY (self), 0);

  return self->next_id++;
}

static gboolean
flush_cb (gpointer user_data)
{
  TincanHistory *self = user_data;

  g_clear_pointer (&self->flush_source, g_source_unref);
  flush (self);
  return G_SOURCE_REMOVE;
}

/**
 * tincan_history_append_async:
 * @self: a history
 * @message: the message, numbered with [method@Tincan.History.next_id]
 * @cancellable: (nullable): cancels the append if it fires before the batch is written
 * @callback: called once the message is stored, or could not be
 * @user_data: data for @callback
 *
 * Stores @message. Appends made during one main-loop turn are written together, in one
 * transaction, at the end of the turn; @callback runs only after that transaction committed,
 * so whatever it acknowledges or broadcasts is on disk. If the transaction fails, every
 * append of the batch fails and none of it is kept.
 *
 * A message already written is reported as stored even if @cancellable fires in between.
 */
void
tincan_history_append_async (TincanHistory       *self,
                             TincanMessage       *message,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TINCAN_IS_HISTORY (self));
  g_return_if_fail (TINCAN_IS_MESSAGE (message));
  g_return_if_fail (tincan_message_get_text (message) != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tincan_history_append_async);
  g_task_set_task_data (task, g_object_ref (message), g_object_unref);
  /* The outcome is decided when the batch is written, and must then be reported as is. */
  g_task_set_check_cancellable (task, FALSE);

  if (self->db == NULL)
    {
      g_task_return_new_error (task, TINCAN_HISTORY_ERROR, TINCAN_HISTORY_ERROR_CLOSED,
                               "The history is closed");
      return;
    }

  self->next_id = MAX (self->next_id, tincan_message_get_id (message) + 1);
  g_ptr_array_add (self->pending, g_steal_pointer (&task));

  /* G_PRIORITY_DEFAULT, not an idle priority: under steady traffic there is always a socket
   * ready at DEFAULT, and an idle source would then wait forever while nothing is acked.
   * Added during this turn's dispatch, it runs in the next one, after everything this turn. */
  if (self->flush_source == NULL)
    {
      self->flush_source = g_idle_source_new ();
      g_source_set_priority (self->flush_source, G_PRIORITY_DEFAULT);
      g_source_set_static_name (self->flush_source, "[tincan] history group commit");
      g_source_set_callback (self->flush_source, flush_cb, self, NULL);
      g_source_attach (self->flush_source, self->context);
    }
}

/**
 * tincan_history_append_finish:
 * @self: a history
 * @result: the result passed to the callback
 * @error: return location for a #TINCAN_HISTORY_ERROR, or %G_IO_ERROR_CANCELLED
 *
 * Returns: %TRUE if the message is stored
 */
gboolean
tincan_history_append_finish (TincanHistory  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  g_return_val_if_fail (TINCAN_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tincan_history_append_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static int
insert_message (TincanHistory *self,
                TincanMessage *message)
{
  sqlite3_stmt *stmt = self->stmts[STMT_INSERT_MESSAGE];

  /* SQLITE_STATIC: @message outlives the step, and the statement is reset right after. */
  sqlite3_bind_int64 (stmt, 1, tincan_message_get_id (message));
  sqlite3_bind_int64 (stmt, 2, tincan_message_get_time (message));
  sqlite3_bind_text (stmt, 3, kind_to_string (tincan_message_get_kind (message)), -1,
                     SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, tincan_message_get_from_nick (message), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, tincan_message_get_to_nick (message), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, tincan_message_get_text (message), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, tincan_message_get_from_key (message), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, tincan_message_get_to_key (message), -1, SQLITE_STATIC);
  return sqlite3_step (stmt);
}

/* Writes @batch in one transaction. A message whose id is already stored fails alone (its
 * statement is undone, the transaction goes on); any other failure fails the batch: it is
 * rolled back and FALSE returned. Cancelled tasks are skipped. No task is completed here. */
static gboolean
write_batch (TincanHistory  *self,
             GPtrArray      *batch,
             GError        **errors,
             GError        **error)
{
  /* The same words for every batch: this is also the storage error the host shows. */
  g_autofree char *doing = g_strdup_printf ("Could not store messages in “%s”", self->display_name);
  sqlite3_stmt *insert = self->stmts[STMT_INSERT_MESSAGE];
  int rc;

  rc = sqlite3_step (self->stmts[STMT_BEGIN]);
  if (rc != SQLITE_DONE)
    set_sqlite_error (error, self->db, rc, doing);
  sqlite3_reset (self->stmts[STMT_BEGIN]);
  if (rc != SQLITE_DONE)
    goto fail;

  for (guint i = 0; i < batch->len; i++)
    {
      GTask *task = g_ptr_array_index (batch, i);
      TincanMessage *message = g_task_get_task_data (task);

      if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &errors[i]))
        continue;

      rc = insert_message (self, message);
      if (rc == SQLITE_CONSTRAINT_PRIMARYKEY)
        {
          g_set_error (&errors[i], TINCAN_HISTORY_ERROR, TINCAN_HISTORY_ERROR_EXISTS,
                       "Message %" G_GINT64_FORMAT " is already stored",
                       tincan_message_get_id (message));
        }
      else if ((rc & 0xff) == SQLITE_CONSTRAINT)
        {
          g_autofree char *doing_one = NULL;

          doing_one = g_strdup_printf ("Could not store message %" G_GINT64_FORMAT,
                                       tincan_message_get_id (message));

          set_sqlite_error (&errors[i], self->db, rc, doing_one);
        }
      else if (rc != SQLITE_DONE)
        {
          set_sqlite_error (error, self->db, rc, doing);
        }
      sqlite3_reset (insert);
      sqlite3_clear_bindings (insert);
      if (rc != SQLITE_DONE && (rc & 0xff) != SQLITE_CONSTRAINT)
        goto fail;
    }

  rc = sqlite3_step (self->stmts[STMT_COMMIT]);
  if (rc != SQLITE_DONE)
    set_sqlite_error (error, self->db, rc, doing);
  sqlite3_reset (self->stmts[STMT_COMMIT]);
  if (rc != SQLITE_DONE)
    goto fail;

  self->n_commits++;
  return TRUE;

fail:
  rollback (self);
  return FALSE;
}

static void
flush (TincanHistory *self)
{
  g_autoptr(GPtrArray) batch = NULL;
  g_autoptr(GError) batch_error = NULL;
  GError **errors;

  if (self->pending->len == 0)
    return;

  /* Callbacks may append again; those go to the next batch. */
  batch = g_steal_pointer (&self->pending);
  self->pending = g_ptr_array_new_with_free_func (g_object_unref);
  errors = g_new0 (GError *, batch->len);

  if (check_open (self, &batch_error))
    {
      if (!write_batch (self, batch, errors, &batch_error))
        g_debug ("%u message(s) refused: %s", batch->len, batch_error->message);
      set_storage_error (self, batch_error);
    }

  /* Only now, after COMMIT or ROLLBACK: a callback may acknowledge, broadcast, append again
   * or close the history, and each of those must see the transaction finished. */
  for (guint i = 0; i < batch->len; i++)
    {
      GTask *task = g_ptr_array_index (batch, i);

      if (errors[i] != NULL)
        g_task_return_error (task, g_steal_pointer (&errors[i]));
      else if (batch_error != NULL)
        g_task_return_error (task, g_error_copy (batch_error));
      else
        g_task_return_boolean (task, TRUE);
    }

  g_free (errors);
}

static TincanMessage *
message_from_row (sqlite3_stmt *stmt)
{
  TincanMessageKind kind;
  TincanMessage *message;

  /* The CHECK constraint rules this out unless the file was edited by hand. */
  if (!kind_from_string (column_text (stmt, 2), &kind) || column_text (stmt, 5) == NULL)
    return NULL;

  message = tincan_message_new (kind,
                                sqlite3_column_int64 (stmt, 0),
                                sqlite3_column_int64 (stmt, 1),
                                column_text (stmt, 3),
                                column_text (stmt, 4),
                                column_text (stmt, 5));
  tincan_message_set_keys (message, column_text (stmt, 6), column_text (stmt, 7));
  return message;
}

/**
 * tincan_history_load_recent:
 * @self: a history
 * @limit: how many messages at most; 0 gives an empty array
 * @viewer_nick: (nullable): who will see them; %NULL sees no private messages
 * @viewer_key: (nullable): the key hash of their client; %NULL sees no private messages
 * @error: return location for a #TINCAN_HISTORY_ERROR
 *
 * The last @limit stored messages that @viewer_nick may see again (as
 * [method@Tincan.Message.may_replay_to] decides), oldest first. Appends still waiting for the
 * end of the turn are not included: they are broadcast once stored, so a guest who joins now
 * gets them that way, and only once.
 *
 * Returns: (transfer full) (element-type TincanMessage): the messages, or %NULL on error
 */
GPtrArray *
tincan_history_load_recent (TincanHistory  *self,
                            guint           limit,
                            const char     *viewer_nick,
                            const char     *viewer_key,
                            GError        **error)
{
  g_autoptr(GPtrArray) recent = NULL;
  sqlite3_stmt *stmt;
  int rc = SQLITE_DONE;

  g_return_val_if_fail (TINCAN_IS_HISTORY (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  recent = g_ptr_array_new_with_free_func (g_object_unref);
  if (limit == 0)
    return g_steal_pointer (&recent);

  if (!check_open (self, error))
    return NULL;

  /* Newest first, filtered here rather than in SQL so that visibility has one definition:
   * SQLite's lower() folds ASCII only. */
  stmt = self->stmts[STMT_SELECT_RECENT];
  while (recent->len < limit && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(TincanMessage) message = message_from_row (stmt);

      if (message != NULL && tincan_message_may_replay_to (message, viewer_nick, viewer_key))
        g_ptr_array_add (recent, g_steal_pointer (&message));
    }

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      g_autofree char *doing = g_strdup_printf ("Could not read the history “%s”",
                                                self->display_name);

      g_autoptr(GError) local_error = NULL;

      set_sqlite_error (&local_error, self->db, rc, doing);
      sqlite3_reset (stmt);
      set_storage_error (self, local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  /* Also ends the read transaction, which would otherwise hold back checkpoints. */
  sqlite3_reset (stmt);

  for (guint i = 0, j = recent->len; i + 1 < j; i++, j--)
    {
      gpointer tmp = recent->pdata[i];

      recent->pdata[i] = recent->pdata[j - 1];
      recent->pdata[j - 1] = tmp;
    }

  return g_steal_pointer (&recent);
}

/* ---------------------------------------------------------------------------------------- */
/* Bans                                                                                       */

/**
 * tincan_history_add_ban:
 * @self: a history
 * @kind: `"nick"` or `"address"`
 * @value: the nickname (matched ignoring case) or the IP address
 * @error: return location for a #TINCAN_HISTORY_ERROR
 *
 * Bans a nickname or an address, for good: the ban is on disk when this returns. Banning
 * again what is already banned succeeds and changes nothing.
 *
 * Returns: %TRUE if the ban is stored
 */
gboolean
tincan_history_add_ban (TincanHistory  *self,
                        const char     *kind,
                        const char     *value,
                        GError        **error)
{
  sqlite3_stmt *stmt;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *key = NULL;
  const char *interned = NULL;
  GHashTable *table;
  TincanBan *ban;
  gint64 created;
  int rc;

  g_return_val_if_fail (TINCAN_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  table = bans_for_kind (self, kind, &interned);
  g_return_val_if_fail (table != NULL, FALSE);

  if (!check_open (self, error))
    return FALSE;

  key = ban_key (interned, value);
  if (g_hash_table_contains (table, key))
    return TRUE;

  created = g_get_real_time () / 1000;
  stmt = self->stmts[STMT_INSERT_BAN];
  sqlite3_bind_text (stmt, 1, interned, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, key, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, created);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    {
      g_autofree char *doing = g_strdup_printf ("Could not store the ban in “%s”",
                                                self->display_name);

      set_sqlite_error (&local_error, self->db, rc, doing);
    }
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  set_storage_error (self, local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  ban = g_new0 (TincanBan, 1);
  ban->kind = interned;
  ban->value = g_strdup (value);
  ban->created = created;
  g_hash_table_replace (table, g_steal_pointer (&key), ban);
  return TRUE;
}

/**
 * tincan_history_remove_ban:
 * @self: a history
 * @kind: `"nick"` or `"address"`
 * @value: the nickname (matched ignoring case) or the IP address
 * @error: return location for a #TINCAN_HISTORY_ERROR
 *
 * Lifts a ban. Lifting one that does not exist succeeds and changes nothing.
 *
 * Returns: %TRUE unless the file could not be written
 */
gboolean
tincan_history_remove_ban (TincanHistory  *self,
                           const char     *kind,
                           const char     *value,
                           GError        **error)
{
  sqlite3_stmt *stmt;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *key = NULL;
  const char *interned = NULL;
  GHashTable *table;
  int rc;

  g_return_val_if_fail (TINCAN_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  table = bans_for_kind (self, kind, &interned);
  g_return_val_if_fail (table != NULL, FALSE);

  if (!check_open (self, error))
    return FALSE;

  key = ban_key (interned, value);
  stmt = self->stmts[STMT_DELETE_BAN];
  sqlite3_bind_text (stmt, 1, interned, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, key, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_DONE)
    {
      g_autofree char *doing = g_strdup_printf ("Could not remove the ban from “%s”",
                                                self->display_name);

      set_sqlite_error (&local_error, self->db, rc, doing);
    }
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  set_storage_error (self, local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  g_hash_table_remove (table, key);
  return TRUE;
}

/**
 * tincan_history_is_banned:
 * @self: a history
 * @nick: (nullable): a nickname, matched ignoring case
 * @address: (nullable): an IP address
 *
 * Answers from memory, so it works even after [method@Tincan.History.close].
 *
 * Returns: %TRUE if @nick or @address is banned
 */
gboolean
tincan_history_is_banned (TincanHistory *self,
                          const char    *nick,
                          const char    *address)
{
  g_return_val_if_fail (TINCAN_IS_HISTORY (self), FALSE);

  if (nick != NULL)
    {
      g_autofree char *key = nick_key (nick);

      if (g_hash_table_contains (self->nick_bans, key))
        return TRUE;
    }

  if (address != NULL)
    {
      g_autofree char *key = address_key (address);

      if (g_hash_table_contains (self->address_bans, key))
        return TRUE;
    }

  return FALSE;
}

static int
compare_bans (gconstpointer a,
              gconstpointer b)
{
  const TincanBan *ban_a = *(TincanBan * const *) a;
  const TincanBan *ban_b = *(TincanBan * const *) b;

  if (ban_a->created != ban_b->created)
    return ban_a->created < ban_b->created ? -1 : 1;
  if (ban_a->kind != ban_b->kind)
    return strcmp (ban_a->kind, ban_b->kind);
  return g_utf8_collate (ban_a->value, ban_b->value);
}

/**
 * tincan_history_list_bans:
 * @self: a history
 *
 * Returns: (transfer full) (element-type TincanBan): every ban, oldest first
 */
GPtrArray *
tincan_history_list_bans (TincanHistory *self)
{
  GHashTable *tables[2];
  GPtrArray *bans;

  g_return_val_if_fail (TINCAN_IS_HISTORY (self), NULL);

  tables[0] = self->nick_bans;
  tables[1] = self->address_bans;
  bans = g_ptr_array_new_with_free_func ((GDestroyNotify) tincan_ban_free);
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      GHashTableIter iter;
      gpointer value;

      g_hash_table_iter_init (&iter, tables[i]);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        g_ptr_array_add (bans, tincan_ban_copy (value));
    }

  g_ptr_array_sort (bans, compare_bans);
  return bans;
}

/* ---------------------------------------------------------------------------------------- */
/* Storage state                                                                              */

/**
 * tincan_history_get_storage_error:
 * @self: a history
 *
 * Returns: (nullable): why the file could not be written lately, or %NULL if all is well
 */
const char *
tincan_history_get_storage_error (TincanHistory *self)
{
  g_return_val_if_fail (TINCAN_IS_HISTORY (self), NULL);

  return self->storage_error;
}

/* ---------------------------------------------------------------------------------------- */
/* Test hooks                                                                                 */

guint
_tincan_history_get_n_commits (TincanHistory *self)
{
  g_return_val_if_fail (TINCAN_IS_HISTORY (self), 0);

  return self->n_commits;
}

gboolean
_tincan_history_exec (TincanHistory  *self,
                      const char     *sql,
                      GError        **error)
{
  g_return_val_if_fail (TINCAN_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (sql != NULL, FALSE);

  return check_open (self, error) && exec_sql (self, sql, "Could not run test SQL", error);
}
