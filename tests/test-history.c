/* test-history.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "test-utils.h"
#include "tincan-history-private.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#ifndef G_OS_WIN32
#include <unistd.h>
#endif

typedef struct
{
  char          *dir;     /* a fresh temporary folder */
  char          *path;    /* dir/history.db, not created yet */
  TincanHistory *history;
} Fixture;

/* What one append's callback saw. */
typedef struct
{
  gboolean  done;
  gboolean  stored;
  GError   *error;
  guint     n_commits;    /* _tincan_history_get_n_commits() when the callback ran */
  guint     order;        /* 1 for the first callback of the test, 2 for the next, ... */
} Append;

static guint n_callbacks;

static void
remove_tree (GFile *file)
{
  g_autoptr(GFileEnumerator) children = NULL;
  GFileInfo *info;
  GFile *child;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  while (children != NULL && g_file_enumerator_iterate (children, &info, &child, NULL, NULL) &&
         info != NULL)
    remove_tree (child);
  g_file_delete (file, NULL, NULL);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("tincan-history-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "history.db", NULL);
  n_callbacks = 0;
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GFile) dir = g_file_new_for_path (f->dir);

  if (f->history != NULL)
    g_assert_finalize_object (g_steal_pointer (&f->history));
#ifndef G_OS_WIN32
  /* Tests that take permissions away give them back here, so the tree can be removed. */
  g_chmod (f->dir, 0700);
#endif
  remove_tree (dir);
  g_clear_pointer (&f->path, g_free);
  g_clear_pointer (&f->dir, g_free);
}

static TincanHistory *
open_ok (const char *path)
{
  g_autoptr(GError) error = NULL;
  TincanHistory *history = tincan_history_open (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (history);
  return history;
}

static void
close_and_free (TincanHistory **history)
{
  tincan_history_close (*history);
  g_assert_finalize_object (g_steal_pointer (history));
}

static void
append_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Append *append = user_data;

  g_assert_false (append->done);
  append->stored = tincan_history_append_finish (TINCAN_HISTORY (source), result, &append->error);
  g_assert_true (append->stored == (append->error == NULL));
  append->n_commits = _tincan_history_get_n_commits (TINCAN_HISTORY (source));
  append->order = ++n_callbacks;
  append->done = TRUE;
}

static TincanMessage *
chat (gint64      id,
      const char *from,
      const char *text)
{
  return tincan_message_new (TINCAN_MESSAGE_CHAT, id, 1700000000000 + id, from, NULL, text);
}

static void
append (TincanHistory *history,
        TincanMessage *message,
        Append        *result)
{
  tincan_history_append_async (history, message, NULL, append_cb, result);
}

/* Appends @message on its own and waits for its callback. */
static gboolean
append_wait (TincanHistory  *history,
             TincanMessage  *message,
             GError        **error)
{
  Append result = { 0 };

  append (history, message, &result);
  WAIT_FOR (result.done);
  if (result.error != NULL)
    g_propagate_error (error, result.error);
  return result.stored;
}

static void
append_chats (TincanHistory *history,
              gint64         first,
              gint64         last)
{
  for (gint64 id = first; id <= last; id++)
    {
      g_autoptr(TincanMessage) message = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *text = g_strdup_printf ("message %" G_GINT64_FORMAT, id);

      message = chat (id, "alice", text);
      g_assert_true (append_wait (history, message, &error));
      g_assert_no_error (error);
    }
}

/* In these tests a party's key is its case-folded nickname (tincan_user_set_key()). */
static char *
key_of (const char *nick)
{
  return nick ? g_utf8_casefold (nick, -1) : NULL;
}

static void
set_keys (TincanMessage *message)
{
  g_autofree char *from_key = key_of (tincan_message_get_from_nick (message));
  g_autofree char *to_key = key_of (tincan_message_get_to_nick (message));

  if (tincan_message_get_kind (message) == TINCAN_MESSAGE_PRIVATE)
    tincan_message_set_keys (message, from_key, to_key);
}

static GPtrArray *
load (TincanHistory *history,
      guint          limit,
      const char    *viewer)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *key = key_of (viewer);
  GPtrArray *recent = tincan_history_load_recent (history, limit, viewer, key, &error);

  g_assert_no_error (error);
  g_assert_nonnull (recent);
  return recent;
}

/* The ids of @messages, as "1,2,3", for readable assertions. */
static char *
ids_of (GPtrArray *messages)
{
  GString *ids = g_string_new (NULL);

  for (guint i = 0; i < messages->len; i++)
    g_string_append_printf (ids, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "",
                            tincan_message_get_id (g_ptr_array_index (messages, i)));
  return g_string_free (ids, FALSE);
}

static void
assert_ids (TincanHistory *history,
            const char    *viewer,
            const char    *expected)
{
  g_autoptr(GPtrArray) recent = load (history, 1000, viewer);
  g_autofree char *ids = ids_of (recent);

  g_assert_cmpstr (ids, ==, expected);
}

static void
assert_same_message (TincanMessage *a,
                     TincanMessage *b)
{
  g_assert_cmpint (tincan_message_get_kind (a), ==, tincan_message_get_kind (b));
  g_assert_cmpint (tincan_message_get_id (a), ==, tincan_message_get_id (b));
  g_assert_cmpint (tincan_message_get_time (a), ==, tincan_message_get_time (b));
  g_assert_cmpstr (tincan_message_get_from_nick (a), ==, tincan_message_get_from_nick (b));
  g_assert_cmpstr (tincan_message_get_to_nick (a), ==, tincan_message_get_to_nick (b));
  g_assert_cmpstr (tincan_message_get_text (a), ==, tincan_message_get_text (b));
  g_assert_cmpstr (tincan_message_get_from_key (a), ==, tincan_message_get_from_key (b));
  g_assert_cmpstr (tincan_message_get_to_key (a), ==, tincan_message_get_to_key (b));
}

/* ---------------------------------------------------------------------------------------- */

static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) sent = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) recent = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (sent, tincan_message_new (TINCAN_MESSAGE_CHAT, 1,
                                             G_GINT64_CONSTANT (1767225600123), "Zoë", NULL,
                                             "héllo, “world” 🥫\nline two; DROP TABLE messages;"));
  g_ptr_array_add (sent, tincan_message_new (TINCAN_MESSAGE_PRIVATE, 2,
                                             G_GINT64_CONSTANT (1767225600456), "Zoë", "bob",
                                             "psst"));
  g_ptr_array_add (sent, tincan_message_new (TINCAN_MESSAGE_NOTICE, 3,
                                             G_GINT64_CONSTANT (1767225600789), NULL, NULL,
                                             "bob joined"));
  set_keys (g_ptr_array_index (sent, 1));

  f->history = open_ok (f->path);
  for (guint i = 0; i < sent->len; i++)
    {
      g_assert_true (append_wait (f->history, g_ptr_array_index (sent, i), &error));
      g_assert_no_error (error);
    }

  /* From the same connection, then from a fresh one reading the file. */
  for (guint round = 0; round < 2; round++)
    {
      g_clear_pointer (&recent, g_ptr_array_unref);
      recent = load (f->history, 10, "ZOË");
      g_assert_cmpuint (recent->len, ==, sent->len);
      for (guint i = 0; i < sent->len; i++)
        assert_same_message (g_ptr_array_index (recent, i), g_ptr_array_index (sent, i));

      close_and_free (&f->history);
      f->history = open_ok (f->path);
    }
}

static void
test_memory (void)
{
  g_autoptr(TincanHistory) history = open_ok (":memory:");
  g_autoptr(TincanMessage) message = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (tincan_history_next_id (history), ==, 1);
  message = chat (1, "alice", "hi");
  g_assert_true (append_wait (history, message, &error));
  g_assert_no_error (error);
  assert_ids (history, NULL, "1");
  g_assert_cmpint (tincan_history_next_id (history), ==, 2);
  close_and_free (&history);
}

/* Private messages live in the file: only its owner may read it, and its WAL likewise. */
static void
test_file_mode (Fixture       *f,
                gconstpointer  data)
{
#ifdef G_OS_WIN32
  g_test_skip ("File modes do not apply on Windows");
#else
  g_autofree char *nested = g_build_filename (f->dir, "new", "folder", "history.db", NULL);
  g_autofree char *wal = g_strconcat (nested, "-wal", NULL);
  GStatBuf st;

  /* The data folder does not exist on the first run. */
  f->history = open_ok (nested);
  append_chats (f->history, 1, 1);

  g_assert_cmpint (g_stat (nested, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (wal, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
#endif
}

/* Appends from two sources dispatched in the same main-loop turn. */
typedef struct
{
  TincanHistory *history;
  Append        *results;
  gint64         first;
  guint          n;
} Burst;

static gboolean
burst_cb (gpointer user_data)
{
  Burst *burst = user_data;

  for (guint i = 0; i < burst->n; i++)
    {
      g_autoptr(TincanMessage) message = chat (burst->first + i, "alice", "burst");

      append (burst->history, message, &burst->results[burst->first - 1 + i]);
    }

  return G_SOURCE_REMOVE;
}

static void
test_group_commit (Fixture       *f,
                   gconstpointer  data)
{
  Append results[100] = { { 0 } };
  Burst bursts[2];
  guint n_before;

  f->history = open_ok (f->path);
  n_before = _tincan_history_get_n_commits (f->history);

  /* Two ready sources of the same priority are dispatched in one iteration: one turn. */
  for (guint b = 0; b < G_N_ELEMENTS (bursts); b++)
    {
      bursts[b] = (Burst) { f->history, results, 1 + 50 * b, 50 };
      g_idle_add_full (G_PRIORITY_DEFAULT, burst_cb, &bursts[b], NULL);
    }

  WAIT_FOR (results[99].done);
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_assert_true (results[i].done);
      g_assert_no_error (results[i].error);
      g_assert_true (results[i].stored);
      /* Every callback ran after the one COMMIT, and in append order. */
      g_assert_cmpuint (results[i].n_commits, ==, n_before + 1);
      g_assert_cmpuint (results[i].order, ==, i + 1);
    }
  g_assert_cmpuint (_tincan_history_get_n_commits (f->history), ==, n_before + 1);

  /* And they are all in the file, not only in this connection's view of it. */
  close_and_free (&f->history);
  f->history = open_ok (f->path);
  {
    g_autoptr(GPtrArray) recent = load (f->history, 1000, NULL);

    g_assert_cmpuint (recent->len, ==, 100);
    for (guint i = 0; i < recent->len; i++)
      g_assert_cmpint (tincan_message_get_id (g_ptr_array_index (recent, i)), ==, i + 1);
  }
}

/* Appends made from a callback are written by the next batch, not lost or nested. */
typedef struct
{
  Append first;
  Append second;
} Chain;

static void
chain_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Chain *chain = user_data;
  g_autoptr(TincanMessage) message = chat (2, "bob", "reply");

  append_cb (source, result, &chain->first);
  append (TINCAN_HISTORY (source), message, &chain->second);
}

static void
test_append_from_callback (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(TincanMessage) message = chat (1, "alice", "ping");
  Chain chain = { { 0 } };
  guint n_before;

  f->history = open_ok (f->path);
  n_before = _tincan_history_get_n_commits (f->history);
  tincan_history_append_async (f->history, message, NULL, chain_cb, &chain);
  g_assert_false (chain.first.done);

  WAIT_FOR (chain.second.done);
  g_assert_no_error (chain.first.error);
  g_assert_no_error (chain.second.error);
  g_assert_cmpuint (chain.first.n_commits, ==, n_before + 1);
  g_assert_cmpuint (chain.second.n_commits, ==, n_before + 2);
  assert_ids (f->history, NULL, "1,2");
}

static void
test_ordering (Fixture       *f,
               gconstpointer  data)
{
  Append results[30] = { { 0 } };

  f->history = open_ok (f->path);

  /* Three turns of ten; each turn is one batch, callbacks keep the append order. */
  for (guint turn = 0; turn < 3; turn++)
    {
      for (guint i = 0; i < 10; i++)
        {
          gint64 id = tincan_history_next_id (f->history);
          g_autoptr(TincanMessage) message = chat (id, "alice", "x");

          g_assert_cmpint (id, ==, turn * 10 + i + 1);
          append (f->history, message, &results[id - 1]);
        }
      WAIT_FOR (results[turn * 10 + 9].done);
    }

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_assert_true (results[i].stored);
      g_assert_cmpuint (results[i].order, ==, i + 1);
      g_assert_cmpuint (results[i].n_commits, ==, i / 10 + 1);
    }

  assert_ids (f->history, NULL,
              "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,"
              "21,22,23,24,25,26,27,28,29,30");
}

static void
test_load_limit (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(GPtrArray) last = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autofree char *last_ids = NULL;
  g_autofree char *all_ids = NULL;

  f->history = open_ok (f->path);

  none = load (f->history, 0, "alice");
  g_assert_cmpuint (none->len, ==, 0);
  g_clear_pointer (&none, g_ptr_array_unref);
  none = load (f->history, 5, "alice");
  g_assert_cmpuint (none->len, ==, 0);
  g_clear_pointer (&none, g_ptr_array_unref);

  append_chats (f->history, 1, 10);

  none = load (f->history, 0, "alice");
  g_assert_cmpuint (none->len, ==, 0);
  last = load (f->history, 3, "alice");
  last_ids = ids_of (last);
  g_assert_cmpstr (last_ids, ==, "8,9,10");
  all = load (f->history, 100, "alice");
  all_ids = ids_of (all);
  g_assert_cmpstr (all_ids, ==, "1,2,3,4,5,6,7,8,9,10");
}

static void
test_load_private (Fixture       *f,
                   gconstpointer  data)
{
  struct {
    TincanMessageKind  kind;
    const char        *from;
    const char        *to;
  } log[] = {
    { TINCAN_MESSAGE_CHAT, "alice", NULL },        /* 1 */
    { TINCAN_MESSAGE_PRIVATE, "alice", "Bob" },    /* 2 */
    { TINCAN_MESSAGE_PRIVATE, "carol", "dave" },   /* 3 */
    { TINCAN_MESSAGE_NOTICE, NULL, NULL },         /* 4 */
    { TINCAN_MESSAGE_PRIVATE, "BOB", "ALICE" },    /* 5 */
    { TINCAN_MESSAGE_PRIVATE, "Élodie", "carol" }, /* 6 */
    { TINCAN_MESSAGE_CHAT, "dave", NULL },         /* 7 */
  };
  g_autoptr(GPtrArray) page = NULL;
  g_autofree char *page_ids = NULL;

  f->history = open_ok (f->path);
  for (guint i = 0; i < G_N_ELEMENTS (log); i++)
    {
      g_autoptr(TincanMessage) message = NULL;
      g_autoptr(GError) error = NULL;

      message = tincan_message_new (log[i].kind, i + 1, i, log[i].from, log[i].to, "text");
      set_keys (message);
      g_assert_true (append_wait (f->history, message, &error));
      g_assert_no_error (error);
    }

  assert_ids (f->history, "alice", "1,2,4,5,7");   /* sender of 2, recipient of 5 */
  assert_ids (f->history, "bob", "1,2,4,5,7");     /* recipient of 2, sender of 5 */
  assert_ids (f->history, "Carol", "1,3,4,6,7");
  assert_ids (f->history, "ÉLODIE", "1,4,6,7");    /* folding is Unicode, not ASCII */
  assert_ids (f->history, "eve", "1,4,7");
  assert_ids (f->history, NULL, "1,4,7");

  /* The limit counts what the viewer sees: eve's last two are 4 and 7, not 6 and 7. */
  page = load (f->history, 2, "eve");
  page_ids = ids_of (page);
  g_assert_cmpstr (page_ids, ==, "4,7");

  /* Someone else under alice's nickname (another key) gets none of her private messages. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) impostor = tincan_history_load_recent (f->history, 100, "alice", "not-alice", &error);
    g_autofree char *impostor_ids = ids_of (impostor);

    g_assert_no_error (error);
    g_assert_cmpstr (impostor_ids, ==, "1,4,7");
  }
}

/* A history written before private messages kept their parties' keys (schema 1) opens, gains
 * the columns, and never replays its old private messages: nobody can prove who they were for. */
static void
test_schema_upgrade (Fixture       *f,
                     gconstpointer  data)
{
  sqlite3 *db = NULL;
  g_autoptr(TincanMessage) message = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
    "CREATE TABLE messages (id INTEGER PRIMARY KEY, time INTEGER NOT NULL,"
    "  kind TEXT NOT NULL CHECK (kind IN ('chat', 'private', 'notice')),"
    "  from_nick TEXT, to_nick TEXT, text TEXT NOT NULL);"
    "CREATE TABLE bans (kind TEXT NOT NULL CHECK (kind IN ('nick', 'address')), value TEXT NOT NULL,"
    "  key TEXT NOT NULL, created INTEGER NOT NULL, PRIMARY KEY (kind, key));"
    "INSERT INTO messages VALUES (1, 0, 'chat', 'alice', NULL, 'hello');"
    "INSERT INTO messages VALUES (2, 0, 'private', 'alice', 'bob', 'old secret');"
    "PRAGMA user_version = 1;", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  f->history = open_ok (f->path);
  assert_ids (f->history, "alice", "1");
  assert_ids (f->history, "bob", "1");

  message = tincan_message_new (TINCAN_MESSAGE_PRIVATE, 3, 0, "alice", "bob", "new secret");
  set_keys (message);
  g_assert_true (append_wait (f->history, message, &error));
  g_assert_no_error (error);
  close_and_free (&f->history);
  f->history = open_ok (f->path);
  assert_ids (f->history, "bob", "1,3");
}

static void
test_next_id (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(TincanMessage) message = NULL;
  g_autoptr(GError) error = NULL;

  f->history = open_ok (f->path);
  g_assert_cmpint (tincan_history_next_id (f->history), ==, 1);
  g_assert_cmpint (tincan_history_next_id (f->history), ==, 2);
  g_assert_cmpint (tincan_history_next_id (f->history), ==, 3);
  append_chats (f->history, 1, 3);
  close_and_free (&f->history);

  f->history = open_ok (f->path);
  g_assert_cmpint (tincan_history_next_id (f->history), ==, 4);

  /* A message numbered elsewhere moves the counter past it. */
  message = chat (10, "alice", "jump");
  g_assert_true (append_wait (f->history, message, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tincan_history_next_id (f->history), ==, 11);
  close_and_free (&f->history);

  f->history = open_ok (f->path);
  g_assert_cmpint (tincan_history_next_id (f->history), ==, 11);
  assert_ids (f->history, NULL, "1,2,3,10");
}

/* A repeated id fails that append alone; the rest of its batch is stored. */
static void
test_duplicate_id (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(TincanMessage) first = chat (1, "alice", "first");
  g_autoptr(TincanMessage) again = chat (1, "mallory", "again");
  g_autoptr(TincanMessage) next = chat (2, "alice", "next");
  g_autoptr(GPtrArray) recent = NULL;
  Append results[3] = { { 0 } };

  f->history = open_ok (f->path);
  append (f->history, first, &results[0]);
  append (f->history, again, &results[1]);
  append (f->history, next, &results[2]);
  WAIT_FOR (results[2].done);

  g_assert_true (results[0].stored);
  g_assert_error (results[1].error, TINCAN_HISTORY_ERROR, TINCAN_HISTORY_ERROR_EXISTS);
  g_assert_true (results[2].stored);
  g_clear_error (&results[1].error);

  recent = load (f->history, 10, NULL);
  g_assert_cmpuint (recent->len, ==, 2);
  assert_same_message (g_ptr_array_index (recent, 0), first);
  assert_same_message (g_ptr_array_index (recent, 1), next);
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(TincanMessage) dropped = chat (1, "alice", "never mind");
  g_autoptr(TincanMessage) kept = chat (2, "alice", "kept");
  Append results[2] = { { 0 } };

  f->history = open_ok (f->path);
  tincan_history_append_async (f->history, dropped, cancellable, append_cb, &results[0]);
  append (f->history, kept, &results[1]);
  g_cancellable_cancel (cancellable);
  WAIT_FOR (results[0].done && results[1].done);

  g_assert_error (results[0].error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&results[0].error);
  g_assert_true (results[1].stored);
  assert_ids (f->history, NULL, "2");
}

static void
test_close_flushes (Fixture       *f,
                    gconstpointer  data)
{
  Append results[3] = { { 0 } };
  Append late = { 0 };
  g_autoptr(TincanMessage) after = chat (4, "alice", "too late");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) recent = NULL;

  f->history = open_ok (f->path);
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_autoptr(TincanMessage) message = chat (i + 1, "alice", "bye");

      append (f->history, message, &results[i]);
    }

  /* As on SIGTERM: no further main-loop turn before the file is closed. */
  tincan_history_close (f->history);

  append (f->history, after, &late);
  recent = tincan_history_load_recent (f->history, 10, NULL, NULL, &error);
  g_assert_error (error, TINCAN_HISTORY_ERROR, TINCAN_HISTORY_ERROR_CLOSED);
  g_assert_null (recent);
  g_clear_error (&error);
  g_assert_false (tincan_history_add_ban (f->history, "nick", "x", &error));
  g_assert_error (error, TINCAN_HISTORY_ERROR, TINCAN_HISTORY_ERROR_CLOSED);
  g_clear_error (&error);
  tincan_history_close (f->history);   /* twice is fine */

  WAIT_FOR (late.done && results[2].done);
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_assert_no_error (results[i].error);
      g_assert_true (results[i].stored);
    }
  g_assert_error (late.error, TINCAN_HISTORY_ERROR, TINCAN_HISTORY_ERROR_CLOSED);
  g_clear_error (&late.error);

  g_assert_finalize_object (g_steal_pointer (&f->history));
  f->history = open_ok (f->path);
  assert_ids (f->history, NULL, "1,2,3");
}

/* Finalizing with nothing pending closes the file too (the lock is released). */
static void
test_finalize_closes (Fixture       *f,
                      gconstpointer  data)
{
  f->history = open_ok (f->path);
  append_chats (f->history, 1, 2);
  g_assert_finalize_object (g_steal_pointer (&f->history));

  f->history = open_ok (f->path);
  assert_ids (f->history, NULL, "1,2");
}

static void
test_bans (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) bans = NULL;
  gint64 before = g_get_real_time () / 1000;
  TincanBan *ban;

  f->history = open_ok (f->path);
  g_assert_false (tincan_history_is_banned (f->history, "Bob", "10.0.0.7"));
  g_assert_true (tincan_history_add_ban (f->history, "nick", "Bob", &error));
  g_assert_no_error (error);
  g_assert_true (tincan_history_add_ban (f->history, "address", "10.0.0.7", &error));
  g_assert_no_error (error);
  g_assert_true (tincan_history_add_ban (f->history, "nick", "Straße", &error));
  g_assert_no_error (error);
  /* Already banned, in another spelling: nothing changes. */
  g_assert_true (tincan_history_add_ban (f->history, "nick", "BOB", &error));
  g_assert_no_error (error);

  for (guint round = 0; round < 2; round++)
    {
      g_assert_true (tincan_history_is_banned (f->history, "bob", NULL));
      g_assert_true (tincan_history_is_banned (f->history, "bOB", "192.168.1.1"));
      g_assert_true (tincan_history_is_banned (f->history, "STRASSE", NULL));
      g_assert_true (tincan_history_is_banned (f->history, NULL, "10.0.0.7"));
      g_assert_true (tincan_history_is_banned (f->history, "alice", "::ffff:10.0.0.7"));
      g_assert_true (tincan_history_is_banned (f->history, "alice", "::FFFF:10.0.0.7"));
      g_assert_false (tincan_history_is_banned (f->history, "alice", "10.0.0.8"));
      g_assert_false (tincan_history_is_banned (f->history, "bobby", NULL));
      g_assert_false (tincan_history_is_banned (f->history, NULL, NULL));

      g_clear_pointer (&bans, g_ptr_array_unref);
      bans = tincan_history_list_bans (f->history);
      g_assert_cmpuint (bans->len, ==, 3);
      for (guint i = 0; i < bans->len; i++)
        {
          ban = g_ptr_array_index (bans, i);
          g_assert_cmpint (ban->created, >=, before);
          g_assert_cmpint (ban->created, <=, g_get_real_time () / 1000);
          if (g_str_equal (ban->kind, "address"))
            g_assert_cmpstr (ban->value, ==, "10.0.0.7");
          else
            g_assert_true (g_str_equal (ban->value, "Bob") || g_str_equal (ban->value, "Straße"));
        }

      /* They survive a restart. */
      close_and_free (&f->history);
      f->history = open_ok (f->path);
    }

  g_assert_true (tincan_history_remove_ban (f->history, "nick", "bOb", &error));
  g_assert_no_error (error);
  g_assert_true (tincan_history_remove_ban (f->history, "address", "::ffff:10.0.0.7", &error));
  g_assert_no_error (error);
  g_assert_true (tincan_history_remove_ban (f->history, "nick", "nobody", &error));
  g_assert_no_error (error);
  g_assert_false (tincan_history_is_banned (f->history, "Bob", "10.0.0.7"));

  close_and_free (&f->history);
  f->history = open_ok (f->path);
  g_assert_false (tincan_history_is_banned (f->history, "Bob", "10.0.0.7"));
  g_assert_true (tincan_history_is_banned (f->history, "strasse", NULL));
  g_clear_pointer (&bans, g_ptr_array_unref);
  bans = tincan_history_list_bans (f->history);
  g_assert_cmpuint (bans->len, ==, 1);
  ban = g_ptr_array_index (bans, 0);
  g_assert_cmpstr (ban->kind, ==, "nick");
  g_assert_cmpstr (ban->value, ==, "Straße");

  /* Bans are answered from memory, so a closed history still keeps people out. */
  tincan_history_close (f->history);
  g_assert_true (tincan_history_is_banned (f->history, "STRASSE", NULL));
}

/* ---------------------------------------------------------------------------------------- */
/* Crash: a child appends and dies without closing; every acked message must survive. */

#define CRASH_PATH_VAR "TINCAN_TEST_HISTORY_PATH"

typedef struct
{
  TincanHistory *history;
  guint          n_acked;
  gboolean       die_on_ack;
} Child;

static void
child_append_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Child *child = user_data;
  g_autoptr(GError) error = NULL;

  if (!tincan_history_append_finish (TINCAN_HISTORY (source), result, &error))
    g_error ("append failed in the child: %s", error->message);

  child->n_acked++;
  g_print ("acked %u\n", child->n_acked);

  if (child->die_on_ack)
    {
      /* Appended now, never written: the next batch would have, but the process is gone. */
      g_autoptr(TincanMessage) lost = chat (100, "alice", "lost");

      tincan_history_append_async (child->history, lost, NULL, child_append_cb, child);
      fflush (stdout);   /* the acks above are the parent's evidence */
      /* No close, no finalization, no atexit handlers: as close to SIGKILL as portable C gets. */
      _Exit (0);
    }
}

static void
crash_child (void)
{
  Child child = { 0 };
  g_autoptr(GError) error = NULL;

  child.history = tincan_history_open (g_getenv (CRASH_PATH_VAR), &error);
  g_assert_no_error (error);

  /* Batch of 4..8, all acked. */
  for (gint64 id = 4; id <= 8; id++)
    {
      g_autoptr(TincanMessage) message = chat (id, "alice", "before the crash");

      tincan_history_append_async (child.history, message, NULL, child_append_cb, &child);
    }
  WAIT_FOR (child.n_acked == 5);

  /* Batch of 9..13: die in its first callback, so the other four are never acked. */
  child.die_on_ack = TRUE;
  for (gint64 id = 9; id <= 13; id++)
    {
      g_autoptr(TincanMessage) message = chat (id, "alice", "during the crash");

      tincan_history_append_async (child.history, message, NULL, child_append_cb, &child);
    }
  WAIT_FOR (FALSE);
}

static void
test_crash (void)
{
  g_autoptr(TincanHistory) history = NULL;
  g_autoptr(TincanMessage) last = chat (13, "alice", "during the crash");
  g_autoptr(GPtrArray) recent = NULL;
  g_autoptr(GFile) dir_file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *wal = NULL;
  g_autofree char *ids = NULL;

  if (g_test_subprocess ())
    {
      crash_child ();
      return;
    }

  dir = g_dir_make_tmp ("tincan-history-XXXXXX", &error);
  g_assert_no_error (error);
  dir_file = g_file_new_for_path (dir);
  path = g_build_filename (dir, "history.db", NULL);
  wal = g_strconcat (path, "-wal", NULL);

  history = open_ok (path);
  append_chats (history, 1, 3);
  close_and_free (&history);

  /* GLib 2.74 cannot give a trapped subprocess arguments or an environment of its own (2.80
   * can), and it starts it in the initial working directory; it does inherit ours. */
  g_setenv (CRASH_PATH_VAR, path, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_unsetenv (CRASH_PATH_VAR);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*acked 1\n*acked 5\nacked 6\n");
  g_test_trap_assert_stdout_unmatched ("*acked 7*");

  /* The child never checkpointed: what it committed is only in the WAL, which open replays. */
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));

  /* Batch 9..13 was committed as a whole before its first callback acked 9; 100 never was. */
  history = open_ok (path);
  recent = load (history, 1000, NULL);
  ids = ids_of (recent);
  g_assert_cmpstr (ids, ==, "1,2,3,4,5,6,7,8,9,10,11,12,13");
  assert_same_message (g_ptr_array_index (recent, 12), last);
  g_assert_cmpint (tincan_history_next_id (history), ==, 14);
  close_and_free (&history);

  remove_tree (dir_file);
}

/* ---------------------------------------------------------------------------------------- */
/* Errors */

static void
assert_open_fails (const char *path,
                   int         code,
                   const char *message_part)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TincanHistory) history = tincan_history_open (path, &error);

  g_assert_null (history);
  g_assert_error (error, TINCAN_HISTORY_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "Could not open the history"));
  g_assert_nonnull (strstr (error->message, message_part));
}

static void
test_error_directory (Fixture       *f,
                      gconstpointer  data)
{
  assert_open_fails (f->dir, TINCAN_HISTORY_ERROR_CANT_OPEN, "folder");
}

static void
test_error_corrupt (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  char garbage[4096];

  for (guint i = 0; i < sizeof garbage; i++)
    garbage[i] = (char) (i * 7 + 13);
  g_file_set_contents (f->path, garbage, sizeof garbage, &error);
  g_assert_no_error (error);

  assert_open_fails (f->path, TINCAN_HISTORY_ERROR_CORRUPT, "file is not a database");
}

static void
test_error_too_new (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->history = open_ok (f->path);
  g_assert_true (_tincan_history_exec (f->history, "PRAGMA user_version = 99", &error));
  g_assert_no_error (error);
  close_and_free (&f->history);

  assert_open_fails (f->path, TINCAN_HISTORY_ERROR_TOO_NEW, "newer version");
}

/* A second process (here: connection) must not share the id counter. */
static void
test_error_locked (Fixture       *f,
                   gconstpointer  data)
{
  f->history = open_ok (f->path);
  assert_open_fails (f->path, TINCAN_HISTORY_ERROR_BUSY, "locked");

  /* Released on close. */
  close_and_free (&f->history);
  f->history = open_ok (f->path);
}

static void
test_error_permissions (Fixture       *f,
                        gconstpointer  data)
{
#ifdef G_OS_WIN32
  g_test_skip ("File modes do not apply on Windows");
#else
  g_autofree char *locked_dir = g_build_filename (f->dir, "locked", NULL);
  g_autofree char *inside = g_build_filename (locked_dir, "history.db", NULL);

  f->history = open_ok (f->path);
  append_chats (f->history, 1, 1);
  close_and_free (&f->history);
  g_assert_cmpint (g_mkdir (locked_dir, 0700), ==, 0);

  g_assert_cmpint (g_chmod (f->path, 0444), ==, 0);
  g_assert_cmpint (g_chmod (locked_dir, 0555), ==, 0);
  if (g_access (f->path, W_OK) == 0)
    {
      g_test_skip ("File modes do not stop this user (root?)");
      return;
    }

  assert_open_fails (f->path, TINCAN_HISTORY_ERROR_READ_ONLY, "read-only");
  assert_open_fails (inside, TINCAN_HISTORY_ERROR_CANT_OPEN, "ermission denied");
#endif
}

/* Batches that fail after open: nothing is acked, nothing of the batch is kept, and the
 * history works again once the cause is gone. */
static void
test_error_write_read_only (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  Append results[3] = { { 0 } };
  guint n_before;

  f->history = open_ok (f->path);
  append_chats (f->history, 1, 1);
  n_before = _tincan_history_get_n_commits (f->history);

  g_assert_true (_tincan_history_exec (f->history, "PRAGMA query_only = ON", &error));
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_autoptr(TincanMessage) message = chat (i + 2, "alice", "into the void");

      append (f->history, message, &results[i]);
    }
  WAIT_FOR (results[2].done);
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_assert_false (results[i].stored);
      g_assert_error (results[i].error, TINCAN_HISTORY_ERROR, TINCAN_HISTORY_ERROR_READ_ONLY);
      g_test_message ("%s", results[i].error->message);
      g_assert_nonnull (strstr (results[i].error->message, "Could not store messages in"));
      g_clear_error (&results[i].error);
    }
  g_assert_cmpuint (_tincan_history_get_n_commits (f->history), ==, n_before);
  g_assert_nonnull (strstr (tincan_history_get_storage_error (f->history), "readonly"));

  g_assert_true (_tincan_history_exec (f->history, "PRAGMA query_only = OFF", &error));
  g_assert_no_error (error);
  append_chats (f->history, 5, 5);
  g_assert_null (tincan_history_get_storage_error (f->history));
  close_and_free (&f->history);

  f->history = open_ok (f->path);
  assert_ids (f->history, NULL, "1,5");
}

static void
test_error_write_full (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(TincanMessage) small = chat (2, "alice", "fits");
  g_autoptr(TincanMessage) big = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  Append results[2] = { { 0 } };

  f->history = open_ok (f->path);
  append_chats (f->history, 1, 1);

  /* Capped at its current size, the file has room for a short row but not a 256 KiB one. */
  g_assert_true (_tincan_history_exec (f->history, "PRAGMA max_page_count = 1", &error));
  g_assert_no_error (error);
  text = g_strnfill (256 * 1024, 'x');
  big = chat (3, "alice", text);
  append (f->history, small, &results[0]);
  append (f->history, big, &results[1]);
  WAIT_FOR (results[1].done);

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_assert_false (results[i].stored);
      g_assert_error (results[i].error, TINCAN_HISTORY_ERROR, TINCAN_HISTORY_ERROR_FULL);
      g_test_message ("%s", results[i].error->message);
      g_clear_error (&results[i].error);
    }
  /* The small one had been inserted; the rollback took it back. */
  assert_ids (f->history, NULL, "1");
  g_assert_nonnull (strstr (tincan_history_get_storage_error (f->history), "full"));

  g_assert_true (_tincan_history_exec (f->history, "PRAGMA max_page_count = 100000", &error));
  g_assert_no_error (error);
  append_chats (f->history, 4, 4);
  g_assert_null (tincan_history_get_storage_error (f->history));
  close_and_free (&f->history);

  f->history = open_ok (f->path);
  assert_ids (f->history, NULL, "1,4");
}

/* ---------------------------------------------------------------------------------------- */
/* A full disk at COMMIT                                                                     */

/* max_page_count (above) makes SQLite refuse to grow the file while inserting; a real full
 * disk shows up later, when COMMIT appends the transaction to the -wal file (or a checkpoint
 * grows the database) and write() fails with ENOSPC, which SQLite's VFS reports as SQLITE_FULL.
 * Filling a real file system would need a small one mounted (root, and not in every CI), so
 * this VFS wraps the default one and answers SQLITE_FULL, as it does for ENOSPC, to any write
 * past the end of a file while the "disk" is full; overwrites within a file still succeed, as
 * on a real full disk. Registered as the default, it is what tincan_history_open() uses. */

typedef struct
{
  sqlite3_file  base;
  sqlite3_file *real;   /* just after this struct, in the same allocation */
} FullFile;

static sqlite3_vfs *real_vfs;
static gboolean disk_full;
static guint n_full_writes;

#define REAL(file) (((FullFile *) (file))->real)

static int
full_close (sqlite3_file *file)
{
  return REAL (file)->pMethods->xClose (REAL (file));
}

static int
full_read (sqlite3_file  *file,
           void          *buffer,
           int            amount,
           sqlite3_int64  offset)
{
  return REAL (file)->pMethods->xRead (REAL (file), buffer, amount, offset);
}

static int
full_write (sqlite3_file  *file,
            const void    *buffer,
            int            amount,
            sqlite3_int64  offset)
{
  sqlite3_int64 size = 0;

  if (disk_full && REAL (file)->pMethods->xFileSize (REAL (file), &size) == SQLITE_OK &&
      offset + amount > size)
    {
      n_full_writes++;
      return SQLITE_FULL;
    }
  return REAL (file)->pMethods->xWrite (REAL (file), buffer, amount, offset);
}

static int
full_truncate (sqlite3_file  *file,
               sqlite3_int64  size)
{
  return REAL (file)->pMethods->xTruncate (REAL (file), size);
}

static int
full_sync (sqlite3_file *file,
           int           flags)
{
  return REAL (file)->pMethods->xSync (REAL (file), flags);
}

static int
full_file_size (sqlite3_file  *file,
                sqlite3_int64 *size)
{
  return REAL (file)->pMethods->xFileSize (REAL (file), size);
}

static int
full_lock (sqlite3_file *file,
           int           lock)
{
  return REAL (file)->pMethods->xLock (REAL (file), lock);
}

static int
full_unlock (sqlite3_file *file,
             int           lock)
{
  return REAL (file)->pMethods->xUnlock (REAL (file), lock);
}

static int
full_check_reserved_lock (sqlite3_file *file,
                          int          *result)
{
  return REAL (file)->pMethods->xCheckReservedLock (REAL (file), result);
}

static int
full_file_control (sqlite3_file *file,
                   int           op,
                   void         *arg)
{
  return REAL (file)->pMethods->xFileControl (REAL (file), op, arg);
}

static int
full_sector_size (sqlite3_file *file)
{
  return REAL (file)->pMethods->xSectorSize (REAL (file));
}

static int
full_device_characteristics (sqlite3_file *file)
{
  return REAL (file)->pMethods->xDeviceCharacteristics (REAL (file));
}

static int
full_shm_map (sqlite3_file  *file,
              int            region,
              int            size,
              int            extend,
              void volatile **mapped)
{
  return REAL (file)->pMethods->xShmMap (REAL (file), region, size, extend, mapped);
}

static int
full_shm_lock (sqlite3_file *file,
               int           offset,
               int           n,
               int           flags)
{
  return REAL (file)->pMethods->xShmLock (REAL (file), offset, n, flags);
}

static void
full_shm_barrier (sqlite3_file *file)
{
  REAL (file)->pMethods->xShmBarrier (REAL (file));
}

static int
full_shm_unmap (sqlite3_file *file,
                int           delete_flag)
{
  return REAL (file)->pMethods->xShmUnmap (REAL (file), delete_flag);
}

/* No xFetch/xUnfetch (version 2): SQLite then reads through xRead, never a mapping. */
static const sqlite3_io_methods full_io_methods = {
  .iVersion = 2,
  .xClose = full_close,
  .xRead = full_read,
  .xWrite = full_write,
  .xTruncate = full_truncate,
  .xSync = full_sync,
  .xFileSize = full_file_size,
  .xLock = full_lock,
  .xUnlock = full_unlock,
  .xCheckReservedLock = full_check_reserved_lock,
  .xFileControl = full_file_control,
  .xSectorSize = full_sector_size,
  .xDeviceCharacteristics = full_device_characteristics,
  .xShmMap = full_shm_map,
  .xShmLock = full_shm_lock,
  .xShmBarrier = full_shm_barrier,
  .xShmUnmap = full_shm_unmap,
};

static int
full_open (sqlite3_vfs  *vfs,
           const char   *name,
           sqlite3_file *file,
           int           flags,
           int          *out_flags)
{
  FullFile *full = (FullFile *) file;
  int rc;

  full->real = (sqlite3_file *) &full[1];
  full->base.pMethods = NULL;
  rc = real_vfs->xOpen (real_vfs, name, full->real, flags, out_flags);
  if (full->real->pMethods != NULL)
    full->base.pMethods = &full_io_methods;
  return rc;
}

static void
full_vfs_register (void)
{
  static sqlite3_vfs vfs;

  real_vfs = sqlite3_vfs_find (NULL);
  g_assert_nonnull (real_vfs);
  vfs = *real_vfs;
  vfs.zName = "tincan-test-full";
  vfs.szOsFile = sizeof (FullFile) + real_vfs->szOsFile;
  vfs.xOpen = full_open;
  g_assert_cmpint (sqlite3_vfs_register (&vfs, 1), ==, SQLITE_OK);
}

static void
on_storage_error_notify (TincanHistory *history,
                         GParamSpec    *pspec,
                         guint         *n_notifies)
{
  (*n_notifies)++;
}

/* COMMIT fails: nothing of the batch is acked or kept, what was committed before survives,
 * and once there is room again the same history (not a new one) stores messages. */
static void
test_error_commit_full (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  Append results[3] = { { 0 } };
  guint n_notifies = 0;
  guint n_before;

  f->history = open_ok (f->path);
  g_signal_connect (f->history, "notify::storage-error", G_CALLBACK (on_storage_error_notify),
                    &n_notifies);
  append_chats (f->history, 1, 3);
  n_before = _tincan_history_get_n_commits (f->history);

  disk_full = TRUE;
  n_full_writes = 0;
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_autoptr(TincanMessage) message = chat (i + 4, "alice", "no room on the disk");

      append (f->history, message, &results[i]);
    }
  WAIT_FOR (results[2].done);
  g_assert_cmpuint (n_full_writes, >, 0);
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_assert_false (results[i].stored);
      g_assert_error (results[i].error, TINCAN_HISTORY_ERROR, TINCAN_HISTORY_ERROR_FULL);
      g_test_message ("%s", results[i].error->message);
      g_clear_error (&results[i].error);
    }
  g_assert_cmpuint (_tincan_history_get_n_commits (f->history), ==, n_before);
  g_assert_nonnull (strstr (tincan_history_get_storage_error (f->history), "full"));
  g_assert_cmpuint (n_notifies, ==, 1);

  /* Still full: refused again, reported once. */
  {
    g_autoptr(TincanMessage) message = chat (7, "alice", "still no room");

    g_assert_false (append_wait (f->history, message, &error));
    g_assert_error (error, TINCAN_HISTORY_ERROR, TINCAN_HISTORY_ERROR_FULL);
    g_clear_error (&error);
  }
  g_assert_cmpuint (n_notifies, ==, 1);
  assert_ids (f->history, NULL, "1,2,3");

  disk_full = FALSE;
  append_chats (f->history, 8, 9);
  g_assert_null (tincan_history_get_storage_error (f->history));
  g_assert_cmpuint (n_notifies, ==, 2);
  close_and_free (&f->history);

  f->history = open_ok (f->path);
  assert_ids (f->history, NULL, "1,2,3,8,9");
}

/* The disk fills while the file is closed: the next start cannot write its WAL, and says so. */
static void
test_error_open_full (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TincanHistory) history = NULL;

  f->history = open_ok (f->path);
  append_chats (f->history, 1, 2);
  close_and_free (&f->history);

  disk_full = TRUE;
  history = tincan_history_open (f->path, &error);
  disk_full = FALSE;
  if (history != NULL)
    {
      /* Opening may need no new bytes at all; then the first write is where it shows. */
      g_autoptr(TincanMessage) message = chat (3, "alice", "x");

      disk_full = TRUE;
      g_assert_false (append_wait (history, message, &error));
      disk_full = FALSE;
      g_assert_error (error, TINCAN_HISTORY_ERROR, TINCAN_HISTORY_ERROR_FULL);
      tincan_history_close (history);
    }
  else
    g_assert_error (error, TINCAN_HISTORY_ERROR, TINCAN_HISTORY_ERROR_FULL);
  g_test_message ("%s", error->message);
  g_clear_object (&history);

  f->history = open_ok (f->path);
  assert_ids (f->history, NULL, "1,2");
}

/* A ban that cannot be written is reported like a message, and cleared the same way. */
static void
test_error_ban_read_only (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->history = open_ok (f->path);
  g_assert_true (_tincan_history_exec (f->history, "PRAGMA query_only = ON", &error));
  g_assert_false (tincan_history_add_ban (f->history, "nick", "mallory", &error));
  g_assert_error (error, TINCAN_HISTORY_ERROR, TINCAN_HISTORY_ERROR_READ_ONLY);
  g_clear_error (&error);
  g_assert_false (tincan_history_is_banned (f->history, "mallory", NULL));
  g_assert_nonnull (strstr (tincan_history_get_storage_error (f->history), "ban"));

  g_assert_true (_tincan_history_exec (f->history, "PRAGMA query_only = OFF", &error));
  g_assert_true (tincan_history_add_ban (f->history, "nick", "mallory", &error));
  g_assert_no_error (error);
  g_assert_null (tincan_history_get_storage_error (f->history));
}

/* ---------------------------------------------------------------------------------------- */
/* Damaged files are set aside                                                              */

/* Opens @f->path, which must be damaged, and checks it was moved aside whole, and that the
 * new history is empty and usable. */
static void
assert_recovered (Fixture    *f,
                  const char *original,
                  gsize       original_len)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *aside = NULL;
  g_autofree char *moved = NULL;
  gsize moved_len = 0;
  g_autofree char *basename = NULL;

  f->history = tincan_history_open_or_recover (f->path, &aside, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->history);
  g_assert_nonnull (aside);
  g_test_message ("set aside as %s", aside);

  basename = g_path_get_basename (aside);
  g_assert_true (g_str_has_prefix (basename, "history.db.corrupt-"));
  g_file_get_contents (aside, &moved, &moved_len, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (moved, moved_len, original, original_len);

  assert_ids (f->history, NULL, "");
  g_assert_cmpint (tincan_history_next_id (f->history), ==, 1);
  append_chats (f->history, 1, 1);
  close_and_free (&f->history);

  /* The new file is a sound one, and is kept the next time. */
  g_clear_pointer (&aside, g_free);
  f->history = tincan_history_open_or_recover (f->path, &aside, &error);
  g_assert_no_error (error);
  g_assert_null (aside);
  assert_ids (f->history, NULL, "1");
}

static void
test_recover_garbage (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  char garbage[8192];

  for (guint i = 0; i < sizeof garbage; i++)
    garbage[i] = (char) (i * 7 + 13);
  g_file_set_contents (f->path, garbage, sizeof garbage, &error);
  g_assert_no_error (error);

  assert_recovered (f, garbage, sizeof garbage);
}

static void
test_recover_not_sqlite (Fixture       *f,
                         gconstpointer  data)
{
  static const char text[] = "These are my notes, not a database.\n";
  g_autoptr(GError) error = NULL;
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);

  g_file_set_contents (f->path, text, strlen (text), &error);
  g_assert_no_error (error);
  /* A journal left beside it must not end up in the new file. (This one has no valid frame,
   * and SQLite itself drops it when the failed open closes the file.) */
  g_file_set_contents (wal, "stale", -1, &error);
  g_assert_no_error (error);

  assert_recovered (f, text, strlen (text));
}

static void
test_recover_truncated (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree Append *results = g_new0 (Append, 200);
  gsize len = 0;

  /* Enough messages for a few pages, checkpointed into the file by close. */
  f->history = open_ok (f->path);
  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *text = g_strnfill (100, 'a' + i % 26);
      g_autoptr(TincanMessage) message = chat (i + 1, "alice", text);

      append (f->history, message, &results[i]);
    }
  WAIT_FOR (results[199].done);
  g_assert_true (results[199].stored);
  close_and_free (&f->history);

  g_file_get_contents (f->path, &contents, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (len, >, 4 * 4096);
  len = len / 2 + 100;
  g_file_set_contents (f->path, contents, len, &error);
  g_assert_no_error (error);

  assert_recovered (f, contents, len);
}

/* A file that is fine but cannot be used now is never moved. */
static void
test_recover_not_locked (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TincanHistory) second = NULL;
  g_autofree char *aside = NULL;

  f->history = open_ok (f->path);
  append_chats (f->history, 1, 1);

  second = tincan_history_open_or_recover (f->path, &aside, &error);
  g_assert_null (second);
  g_assert_null (aside);
  g_assert_error (error, TINCAN_HISTORY_ERROR, TINCAN_HISTORY_ERROR_BUSY);
  close_and_free (&f->history);

  f->history = open_ok (f->path);
  assert_ids (f->history, NULL, "1");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  full_vfs_register ();

#define ADD(path, func) \
  g_test_add ("/core/history/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("round-trip", test_round_trip);
  ADD ("schema-upgrade", test_schema_upgrade);
  g_test_add_func ("/core/history/memory", test_memory);
  ADD ("file-mode", test_file_mode);
  ADD ("group-commit", test_group_commit);
  ADD ("append-from-callback", test_append_from_callback);
  ADD ("ordering", test_ordering);
  ADD ("load-recent/limit", test_load_limit);
  ADD ("load-recent/private", test_load_private);
  ADD ("next-id", test_next_id);
  ADD ("duplicate-id", test_duplicate_id);
  ADD ("cancel", test_cancel);
  ADD ("close-flushes", test_close_flushes);
  ADD ("finalize-closes", test_finalize_closes);
  ADD ("bans", test_bans);
  g_test_add_func ("/core/history/crash", test_crash);
  ADD ("error/directory", test_error_directory);
  ADD ("error/corrupt", test_error_corrupt);
  ADD ("error/too-new", test_error_too_new);
  ADD ("error/locked", test_error_locked);
  ADD ("error/permissions", test_error_permissions);
  ADD ("error/write-read-only", test_error_write_read_only);
  ADD ("error/write-full", test_error_write_full);
  ADD ("error/commit-full", test_error_commit_full);
  ADD ("error/open-full", test_error_open_full);
  ADD ("error/ban-read-only", test_error_ban_read_only);
  ADD ("recover/garbage", test_recover_garbage);
  ADD ("recover/not-sqlite", test_recover_not_sqlite);
  ADD ("recover/truncated", test_recover_truncated);
  ADD ("recover/not-locked", test_recover_not_locked);

#undef ADD

  return g_test_run ();
}
