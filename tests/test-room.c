/* test-room.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * TincanRoom on its own, without any network: nickname rules, presence (signals and the users
 * model), what a post must pass (empty, too long, flood), who sees a private message, the
 * history a joiner gets, and kick and ban (bans stored in the history, kept across a reopen).
 */

#include "config.h"

#include "tincan-history.h"
#include "tincan-room.h"
#include "test-utils.h"

#include <glib/gstdio.h>
#include <string.h>

/* ---------------------------------------------------------------------------------------- */
/* Helpers                                                                                   */

typedef struct
{
  gboolean       done;
  TincanMessage *message;
  GError        *error;
} Posted;

static void
posted_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Posted *posted = user_data;

  posted->message = tincan_room_post_finish (TINCAN_ROOM (source), result, &posted->error);
  posted->done = TRUE;
}

/* Posts and waits for the outcome: the stored message, or NULL and @error. */
static TincanMessage *
post (TincanRoom  *room,
      TincanUser  *author,
      const char  *to_nick,
      const char  *text,
      GError     **error)
{
  Posted posted = { 0 };

  tincan_room_post_async (room, author, to_nick, text, NULL, posted_cb, &posted);
  WAIT_FOR (posted.done);
  g_assert_true ((posted.message == NULL) != (posted.error == NULL));
  if (posted.error != NULL)
    g_propagate_error (error, posted.error);
  return posted.message;
}

#define assert_post_ok(room, author, to, text)                                            \
  G_STMT_START                                                                            \
  {                                                                                       \
    g_autoptr(GError) post_error_ = NULL;                                                 \
    g_autoptr(TincanMessage) post_message_ = post ((room), (author), (to), (text),         \
                                                   &post_error_);                         \
    g_assert_no_error (post_error_);                                                      \
    g_assert_nonnull (post_message_);                                                     \
  }                                                                                       \
  G_STMT_END

#define assert_post_fails(room, author, to, text, code)                                   \
  G_STMT_START                                                                            \
  {                                                                                       \
    g_autoptr(GError) post_error_ = NULL;                                                 \
    g_autoptr(TincanMessage) post_message_ = post ((room), (author), (to), (text),         \
                                                   &post_error_);                         \
    g_assert_error (post_error_, TINCAN_ERROR, (code));                                   \
    g_assert_null (post_message_);                                                        \
  }                                                                                       \
  G_STMT_END

static TincanUser *
join (TincanRoom *room,
      const char *id,
      const char *nick,
      const char *address)
{
  g_autoptr(TincanUser) user = tincan_user_new (id, nick, TINCAN_DIALECT_TINCAN, "browser", address);
  g_autoptr(GError) error = NULL;

  g_assert_true (tincan_room_join (room, user, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&user);
}

static void
assert_join_fails (TincanRoom *room,
                   const char *nick,
                   const char *address,
                   int         code)
{
  g_autoptr(TincanUser) user = tincan_user_new ("refused", nick, TINCAN_DIALECT_TINCAN, NULL, address);
  g_autoptr(GError) error = NULL;
  guint n_before = g_list_model_get_n_items (tincan_room_get_users (room));

  g_assert_false (tincan_room_join (room, user, &error));
  g_assert_error (error, TINCAN_ERROR, code);
  g_assert_cmpuint (g_list_model_get_n_items (tincan_room_get_users (room)), ==, n_before);
  g_assert_null (tincan_room_lookup_user (room, "refused"));
}

static char *
repeat (const char *unit,
        guint       n)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append (s, unit);
  return g_string_free (s, FALSE);
}

/* ---------------------------------------------------------------------------------------- */
/* Nicknames                                                                                 */

static void
assert_nick_ok (TincanRoom *room,
                const char *nick)
{
  g_autoptr(GError) error = NULL;

  if (!tincan_room_check_nick (room, nick, &error))
    g_error ("“%s” refused: %s", nick, error->message);
  g_assert_no_error (error);
}

static void
assert_nick_invalid (TincanRoom *room,
                     const char *nick)
{
  g_autoptr(GError) error = NULL;

  if (tincan_room_check_nick (room, nick, &error))
    g_error ("“%s” accepted", nick);
  g_assert_error (error, TINCAN_ERROR, TINCAN_ERROR_NICK_INVALID);
  g_assert_cmpstr (tincan_error_code (error), ==, "nick-invalid");
  g_assert_cmpstr (error->message, !=, "");
}

static void
test_nick_rules (void)
{
  g_autoptr(TincanRoom) room = tincan_room_new ("Lobby", "Host", NULL);
  g_autofree char *max = repeat ("a", 32);
  g_autofree char *over = repeat ("a", 33);
  g_autofree char *max_wide = repeat ("é", 32);    /* 64 bytes, 32 characters */
  g_autofree char *over_wide = repeat ("é", 33);

  assert_nick_ok (room, "alice");
  assert_nick_ok (room, "Zoë");
  assert_nick_ok (room, "bob smith");
  assert_nick_ok (room, "<b>bold</b>");            /* plain text, never markup */
  assert_nick_ok (room, "猫");
  assert_nick_ok (room, max);
  assert_nick_ok (room, max_wide);
  assert_nick_ok (room, "Servers");                /* only the exact word is reserved */
  assert_nick_ok (room, "Hostess");

  assert_nick_invalid (room, NULL);
  assert_nick_invalid (room, "");
  assert_nick_invalid (room, over);
  assert_nick_invalid (room, over_wide);
  assert_nick_invalid (room, "\xff\xfe");          /* not UTF-8 */
  assert_nick_invalid (room, "a\tb");
  assert_nick_invalid (room, "a\nb");
  assert_nick_invalid (room, "a\x01");
  assert_nick_invalid (room, "a\x7f");
  assert_nick_invalid (room, "a\xc2\x85");         /* U+0085 NEL */
  assert_nick_invalid (room, "\xe2\x80\xae" "revres");  /* U+202E RIGHT-TO-LEFT OVERRIDE */
  assert_nick_invalid (room, "Ser\xe2\x80\x8bver");     /* U+200B ZERO WIDTH SPACE */
  assert_nick_invalid (room, "Ser\xe2\x80\x8dver");     /* U+200D ZERO WIDTH JOINER */
  assert_nick_invalid (room, "a\xe2\x81\xa6" "b");      /* U+2066 LEFT-TO-RIGHT ISOLATE */
  assert_nick_invalid (room, "\xef\xbb\xbf" "bob");     /* U+FEFF BOM */
  assert_nick_invalid (room, " alice");
  assert_nick_invalid (room, "alice ");
  assert_nick_invalid (room, "alice\xc2\xa0");          /* trailing NO-BREAK SPACE */

  /* Reserved: "Server" and the host's own nickname, in any letter case. */
  assert_nick_invalid (room, "Server");
  assert_nick_invalid (room, "server");
  assert_nick_invalid (room, "SERVER");
  assert_nick_invalid (room, "Host");
  assert_nick_invalid (room, "hOST");
}

static void
test_nick_clash (void)
{
  g_autoptr(TincanRoom) room = tincan_room_new ("Lobby", "Host", NULL);
  g_autoptr(TincanUser) alice = join (room, "a", "alice", NULL);
  g_autoptr(TincanUser) strasse = join (room, "s", "Straße", NULL);
  g_autoptr(TincanUser) renamed = NULL;
  g_autoptr(GError) error = NULL;

  /* A clash is an error, never a second "alice". */
  assert_join_fails (room, "alice", NULL, TINCAN_ERROR_NICK_TAKEN);
  assert_join_fails (room, "ALICE", NULL, TINCAN_ERROR_NICK_TAKEN);
  assert_join_fails (room, "Alice", NULL, TINCAN_ERROR_NICK_TAKEN);
  assert_join_fails (room, "STRASSE", NULL, TINCAN_ERROR_NICK_TAKEN);  /* full case folding */
  assert_join_fails (room, "Server", NULL, TINCAN_ERROR_NICK_INVALID);
  assert_join_fails (room, "host", NULL, TINCAN_ERROR_NICK_INVALID);
  g_assert_cmpuint (g_list_model_get_n_items (tincan_room_get_users (room)), ==, 2);

  g_assert_true (tincan_room_lookup_nick (room, "ALICE") == alice);
  g_assert_true (tincan_room_lookup_nick (room, "strasse") == strasse);
  g_assert_null (tincan_room_lookup_nick (room, "bob"));
  g_assert_null (tincan_room_lookup_nick (room, NULL));

  {
    g_autoptr(GError) join_error = NULL;
    g_autoptr(TincanUser) user = tincan_user_new ("x", "alice", TINCAN_DIALECT_TINCAN, NULL, NULL);

    g_assert_false (tincan_room_join (room, user, &join_error));
    g_assert_cmpstr (tincan_error_code (join_error), ==, "nick-taken");
    g_assert_nonnull (strstr (join_error->message, "alice"));
  }

  /* The suffixes the tutorial dialects get instead of an error. */
  {
    g_autofree char *a2 = tincan_room_unique_nick (room, "ALICE");
    g_autofree char *free_nick = tincan_room_unique_nick (room, "bob");
    g_autoptr(TincanUser) alice2 = NULL;
    g_autofree char *a3 = NULL;

    g_assert_cmpstr (a2, ==, "ALICE-2");
    g_assert_cmpstr (free_nick, ==, "bob");
    alice2 = join (room, "a2", a2, NULL);
    a3 = tincan_room_unique_nick (room, "alice");
    g_assert_cmpstr (a3, ==, "alice-3");
    tincan_room_leave (room, alice2, "left");
  }

  /* guest-N skips taken names. */
  {
    g_autoptr(TincanUser) squatter = join (room, "g2", "GUEST-2", NULL);
    g_autofree char *g1 = tincan_room_free_guest_nick (room);
    g_autoptr(TincanUser) guest1 = join (room, "g1", g1, NULL);
    g_autofree char *g3 = tincan_room_free_guest_nick (room);

    g_assert_cmpstr (g1, ==, "guest-1");
    g_assert_cmpstr (g3, ==, "guest-3");
    tincan_room_leave (room, squatter, "left");
    tincan_room_leave (room, guest1, "left");
  }

  /* Renames follow the same rules; changing one's own letter case is fine. */
  g_assert_false (tincan_room_rename (room, alice, "straSSE", &error));
  g_assert_error (error, TINCAN_ERROR, TINCAN_ERROR_NICK_TAKEN);
  g_clear_error (&error);
  g_assert_false (tincan_room_rename (room, alice, "Server", &error));
  g_assert_error (error, TINCAN_ERROR, TINCAN_ERROR_NICK_INVALID);
  g_clear_error (&error);
  g_assert_false (tincan_room_rename (room, alice, "a\xe2\x80\xae", &error));
  g_assert_error (error, TINCAN_ERROR, TINCAN_ERROR_NICK_INVALID);
  g_clear_error (&error);
  g_assert_cmpstr (tincan_user_get_nick (alice), ==, "alice");

  g_assert_true (tincan_room_rename (room, alice, "Alice", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (tincan_user_get_nick (alice), ==, "Alice");
  g_assert_true (tincan_room_rename (room, alice, "carol", &error));
  g_assert_no_error (error);
  g_assert_true (tincan_room_lookup_nick (room, "CAROL") == alice);
  /* The old nickname is free again. */
  g_assert_null (tincan_room_lookup_nick (room, "alice"));
  renamed = join (room, "a-again", "alice", NULL);
  g_assert_true (tincan_room_lookup_nick (room, "alice") == renamed);
}

static void
test_host_nick (void)
{
  g_autoptr(TincanRoom) room = tincan_room_new ("Lobby", "Host", NULL);
  g_autoptr(TincanUser) host = tincan_user_new ("host", "Host", TINCAN_DIALECT_HOST, "desktop", NULL);
  g_autoptr(GError) error = NULL;

  /* The host may use its own reserved nickname; nobody else can, even after it joined. */
  g_assert_true (tincan_room_join (room, host, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (tincan_room_get_host_nick (room), ==, "Host");
  assert_join_fails (room, "HOST", NULL, TINCAN_ERROR_NICK_INVALID);
}

/* ---------------------------------------------------------------------------------------- */
/* Presence                                                                                  */

typedef struct
{
  GPtrArray *log;       /* char *, "joined alice", "left alice (kicked)", ... */
} Recorder;

static void
on_joined (TincanRoom *room,
           TincanUser *user,
           Recorder   *r)
{
  /* Already in the model and findable when the signal fires. */
  g_assert_true (tincan_room_lookup_user (room, tincan_user_get_id (user)) == user);
  g_ptr_array_add (r->log, g_strdup_printf ("joined %s", tincan_user_get_nick (user)));
}

static void
on_left (TincanRoom *room,
         TincanUser *user,
         const char *reason,
         Recorder   *r)
{
  /* Gone from the model when the signal fires. */
  g_assert_null (tincan_room_lookup_user (room, tincan_user_get_id (user)));
  g_assert_null (tincan_room_lookup_nick (room, tincan_user_get_nick (user)));
  g_ptr_array_add (r->log, g_strdup_printf ("left %s (%s)", tincan_user_get_nick (user), reason));
}

static void
on_renamed (TincanRoom *room,
            TincanUser *user,
            const char *old,
            Recorder   *r)
{
  g_ptr_array_add (r->log, g_strdup_printf ("renamed %s %s", old, tincan_user_get_nick (user)));
}

static void
on_typing (TincanRoom *room,
           TincanUser *user,
           Recorder   *r)
{
  g_ptr_array_add (r->log, g_strdup_printf ("typing %s %d", tincan_user_get_nick (user),
                                            tincan_user_get_typing (user)));
}

static void
on_kick (TincanRoom *room,
         TincanUser *user,
         gboolean    ban,
         Recorder   *r)
{
  /* Still present: whoever carries the connection can tell the user first. */
  g_assert_true (tincan_room_lookup_user (room, tincan_user_get_id (user)) == user);
  g_ptr_array_add (r->log, g_strdup_printf ("kick %s %d", tincan_user_get_nick (user), ban));
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Recorder   *r)
{
  g_ptr_array_add (r->log, g_strdup_printf ("items %u -%u +%u", position, removed, added));
}

static void
recorder_connect (Recorder   *r,
                  TincanRoom *room)
{
  r->log = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (room, "user-joined", G_CALLBACK (on_joined), r);
  g_signal_connect (room, "user-left", G_CALLBACK (on_left), r);
  g_signal_connect (room, "user-renamed", G_CALLBACK (on_renamed), r);
  g_signal_connect (room, "typing", G_CALLBACK (on_typing), r);
  g_signal_connect (room, "kick", G_CALLBACK (on_kick), r);
  g_signal_connect (tincan_room_get_users (room), "items-changed", G_CALLBACK (on_items_changed), r);
}

static void
recorder_disconnect (Recorder   *r,
                     TincanRoom *room)
{
  g_signal_handlers_disconnect_by_data (room, r);
  g_signal_handlers_disconnect_by_data (tincan_room_get_users (room), r);
  g_clear_pointer (&r->log, g_ptr_array_unref);
}

static void
assert_log (Recorder   *r,
            const char *expected)
{
  g_autofree char *joined = NULL;

  g_ptr_array_add (r->log, NULL);
  joined = g_strjoinv ("; ", (char **) r->log->pdata);
  g_ptr_array_set_size (r->log, 0);
  g_assert_cmpstr (joined, ==, expected);
}

static void
test_presence (void)
{
  g_autoptr(TincanRoom) room = tincan_room_new ("Lobby", "Host", NULL);
  GListModel *users = tincan_room_get_users (room);
  g_autoptr(TincanUser) alice = NULL;
  g_autoptr(TincanUser) bob = NULL;
  g_autoptr(TincanUser) item = NULL;
  g_autoptr(GError) error = NULL;
  Recorder r;

  g_assert_true (g_list_model_get_item_type (users) == TINCAN_TYPE_USER);
  recorder_connect (&r, room);

  alice = join (room, "a", "alice", NULL);
  bob = join (room, "b", "bob", NULL);
  assert_log (&r, "items 0 -0 +1; joined alice; items 1 -0 +1; joined bob");
  g_assert_cmpuint (g_list_model_get_n_items (users), ==, 2);
  item = g_list_model_get_item (users, 1);
  g_assert_true (item == bob);

  /* A refused join changes nothing and says nothing. */
  assert_join_fails (room, "BOB", NULL, TINCAN_ERROR_NICK_TAKEN);
  assert_log (&r, "");

  tincan_room_set_typing (room, alice, TRUE);
  tincan_room_set_typing (room, alice, TRUE);     /* no change, no signal */
  tincan_room_set_typing (room, alice, FALSE);
  assert_log (&r, "typing alice 1; typing alice 0");

  g_assert_true (tincan_room_rename (room, bob, "robert", &error));
  g_assert_no_error (error);
  assert_log (&r, "renamed bob robert");

  tincan_room_set_typing (room, alice, TRUE);
  tincan_room_leave (room, alice, "transport close");
  /* Typing ends with the user; leaving twice, or typing once gone, does nothing. */
  g_assert_false (tincan_user_get_typing (alice));
  tincan_room_leave (room, alice, "again");
  tincan_room_set_typing (room, alice, TRUE);
  assert_log (&r, "typing alice 1; items 0 -1 +0; left alice (transport close)");
  g_assert_cmpuint (g_list_model_get_n_items (users), ==, 1);
  g_assert_null (tincan_room_lookup_user (room, "a"));

  /* Whoever left can come back under the same name. */
  g_clear_object (&alice);
  alice = join (room, "a2", "Alice", NULL);
  assert_log (&r, "items 1 -0 +1; joined Alice");

  tincan_room_kick (room, bob, FALSE);
  assert_log (&r, "kick robert 0; items 0 -1 +0; left robert (kicked)");

  recorder_disconnect (&r, room);
}

/* ---------------------------------------------------------------------------------------- */
/* Posting                                                                                   */

static void
test_post_validation (void)
{
  g_autoptr(TincanRoom) room = tincan_room_new ("Lobby", "Host", NULL);
  g_autoptr(TincanUser) alice = join (room, "a", "alice", NULL);
  g_autoptr(TincanUser) stranger = tincan_user_new ("s", "stranger", TINCAN_DIALECT_TINCAN, NULL, NULL);
  g_autofree char *max = repeat ("x", 4000);
  g_autofree char *over = repeat ("x", 4001);
  g_autofree char *max_wide = repeat ("€", 4000);   /* characters, not bytes */
  g_autofree char *over_wide = repeat ("€", 4001);
  g_autoptr(TincanMessage) message = NULL;
  g_autoptr(GError) error = NULL;

  /* Only the length limit matters here. */
  tincan_room_set_flood_limit (room, 0, 0);
  g_assert_cmpuint (tincan_room_get_max_length (room), ==, 4000);

  assert_post_fails (room, alice, NULL, "", TINCAN_ERROR_EMPTY);
  assert_post_fails (room, alice, NULL, "   \n\t ", TINCAN_ERROR_EMPTY);
  assert_post_fails (room, alice, NULL, "\xe3\x80\x80", TINCAN_ERROR_EMPTY);  /* IDEOGRAPHIC SPACE */
  assert_post_fails (room, alice, NULL, NULL, TINCAN_ERROR_EMPTY);
  assert_post_fails (room, alice, NULL, "\xff", TINCAN_ERROR_EMPTY);          /* not UTF-8 */
  assert_post_fails (room, alice, NULL, over, TINCAN_ERROR_TOO_LONG);
  assert_post_fails (room, alice, NULL, over_wide, TINCAN_ERROR_TOO_LONG);
  assert_post_fails (room, stranger, NULL, "hello", TINCAN_ERROR_NOT_JOINED);
  assert_post_fails (room, alice, "nobody", "psst", TINCAN_ERROR_NO_SUCH_USER);
  g_assert_cmpuint (g_list_model_get_n_items (tincan_room_get_messages (room)), ==, 0);

  message = post (room, alice, NULL, over, &error);
  g_assert_cmpstr (tincan_error_code (error), ==, "too-long");
  g_assert_nonnull (strstr (error->message, "4000"));
  g_clear_error (&error);

  assert_post_ok (room, alice, NULL, max);
  assert_post_ok (room, alice, NULL, max_wide);

  /* Text is kept as it was sent: no trimming, no markup processing. */
  message = post (room, alice, NULL, "  <b>bold</b> &amp; <script>x</script>  ", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tincan_message_get_text (message), ==, "  <b>bold</b> &amp; <script>x</script>  ");
  g_assert_cmpint (tincan_message_get_kind (message), ==, TINCAN_MESSAGE_CHAT);
  g_assert_cmpstr (tincan_message_get_from_nick (message), ==, "alice");
  g_assert_null (tincan_message_get_to_nick (message));
  g_clear_object (&message);

  tincan_room_set_max_length (room, 5);
  assert_post_ok (room, alice, NULL, "12345");
  assert_post_fails (room, alice, NULL, "123456", TINCAN_ERROR_TOO_LONG);
  g_assert_cmpuint (g_list_model_get_n_items (tincan_room_get_messages (room)), ==, 4);
}

static void
test_post_ids (void)
{
  g_autoptr(TincanRoom) room = tincan_room_new ("Lobby", "Host", NULL);
  g_autoptr(TincanUser) alice = join (room, "a", "alice", NULL);
  g_autoptr(TincanMessage) first = NULL;
  g_autoptr(TincanMessage) second = NULL;
  g_autoptr(JsonNode) json = NULL;
  JsonObject *object;
  gint64 before = g_get_real_time () / 1000;

  first = post (room, alice, NULL, "one", NULL);
  second = post (room, alice, NULL, "two", NULL);
  g_assert_nonnull (first);
  g_assert_nonnull (second);
  g_assert_cmpint (tincan_message_get_id (first), >, 0);
  g_assert_cmpint (tincan_message_get_id (second), >, tincan_message_get_id (first));
  g_assert_cmpint (tincan_message_get_time (first), >=, before);
  g_assert_cmpint (tincan_message_get_time (second), <=, g_get_real_time () / 1000);

  json = tincan_message_to_json (second);
  object = json_node_get_object (json);
  g_assert_cmpint (json_object_get_int_member (object, "id"), ==, tincan_message_get_id (second));
  g_assert_cmpint (json_object_get_int_member (object, "time"), ==, tincan_message_get_time (second));
  g_assert_cmpstr (json_object_get_string_member (object, "kind"), ==, "chat");
  g_assert_cmpstr (json_object_get_string_member (object, "from"), ==, "alice");
  g_assert_false (json_object_has_member (object, "to"));
  g_assert_cmpstr (json_object_get_string_member (object, "text"), ==, "two");
}

static void
test_flood (void)
{
  g_autoptr(TincanRoom) room = tincan_room_new ("Lobby", "Host", NULL);
  g_autoptr(TincanUser) alice = join (room, "a", "alice", NULL);
  g_autoptr(TincanUser) bob = join (room, "b", "bob", NULL);
  g_autoptr(TincanUser) host = tincan_user_new ("host", "Host", TINCAN_DIALECT_HOST, "desktop", NULL);
  g_autoptr(TincanMessage) message = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (tincan_room_join (room, host, NULL));

  /* The default: 10 messages in 5 seconds. */
  for (guint i = 0; i < 10; i++)
    assert_post_ok (room, alice, NULL, "spam");
  message = post (room, alice, NULL, "spam", &error);
  g_assert_null (message);
  g_assert_error (error, TINCAN_ERROR, TINCAN_ERROR_FLOOD);
  g_assert_cmpstr (tincan_error_code (error), ==, "flood");
  g_assert_nonnull (strstr (error->message, "10"));
  g_clear_error (&error);

  /* Per user: bob and the host are not slowed down by alice. */
  assert_post_ok (room, bob, NULL, "hi");
  for (guint i = 0; i < 30; i++)
    assert_post_ok (room, host, NULL, "announcement");

  /* Refused messages are not stored. */
  g_assert_cmpuint (g_list_model_get_n_items (tincan_room_get_messages (room)), ==, 41);

  /* Configurable, and the window slides. */
  tincan_room_set_flood_limit (room, 2, 1);
  assert_post_ok (room, bob, NULL, "1");
  assert_post_fails (room, bob, NULL, "2", TINCAN_ERROR_FLOOD);
  g_usleep (1100 * 1000);
  assert_post_ok (room, bob, NULL, "3");
  assert_post_ok (room, bob, NULL, "4");
  assert_post_fails (room, bob, NULL, "5", TINCAN_ERROR_FLOOD);

  /* Leaving forgets the count: a new connection starts fresh. */
  tincan_room_leave (room, bob, "left");
  g_clear_object (&bob);
  bob = join (room, "b", "bob", NULL);
  assert_post_ok (room, bob, NULL, "back");

  /* 0 messages: no limit. */
  tincan_room_set_flood_limit (room, 0, 5);
  for (guint i = 0; i < 50; i++)
    assert_post_ok (room, alice, NULL, "unlimited");
}

/* ---------------------------------------------------------------------------------------- */
/* Private messages and history                                                              */

static void
test_private (void)
{
  g_autoptr(TincanRoom) room = tincan_room_new ("Lobby", "Host", NULL);
  g_autoptr(TincanUser) alice = join (room, "a", "alice", NULL);
  g_autoptr(TincanUser) bob = join (room, "b", "Bob", NULL);
  g_autoptr(TincanUser) carol = join (room, "c", "carol", NULL);
  g_autoptr(TincanMessage) message = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(GError) error = NULL;

  message = post (room, alice, "BOB", "psst", &error);
  g_assert_no_error (error);
  g_assert_cmpint (tincan_message_get_kind (message), ==, TINCAN_MESSAGE_PRIVATE);
  g_assert_cmpstr (tincan_message_get_from_nick (message), ==, "alice");
  /* The recipient as they call themselves, not as typed. */
  g_assert_cmpstr (tincan_message_get_to_nick (message), ==, "Bob");

  g_assert_true (tincan_message_is_visible_to (message, "alice"));
  g_assert_true (tincan_message_is_visible_to (message, "ALICE"));
  g_assert_true (tincan_message_is_visible_to (message, "Bob"));
  g_assert_true (tincan_message_is_visible_to (message, "bob"));
  g_assert_false (tincan_message_is_visible_to (message, "carol"));
  g_assert_false (tincan_message_is_visible_to (message, "Host"));
  g_assert_false (tincan_message_is_visible_to (message, NULL));
  g_assert_false (tincan_message_is_visible_to (message, ""));

  json = tincan_message_to_json (message);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (json), "kind"), ==, "private");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (json), "to"), ==, "Bob");

  /* A room message is seen by everyone, anonymous viewers included. */
  g_clear_object (&message);
  message = post (room, carol, NULL, "public", &error);
  g_assert_no_error (error);
  g_assert_true (tincan_message_is_visible_to (message, NULL));
  g_assert_true (tincan_message_is_visible_to (message, "anyone"));
}

/* Fills @room with: 1 alice public, 2 alice→bob private, 3 bob public, 4 carol→alice private,
 * 5 host public (the texts start with those digits). */
static void
fill_room (TincanRoom *room,
           TincanUser *alice,
           TincanUser *bob,
           TincanUser *carol,
           TincanUser *host)
{
  assert_post_ok (room, alice, NULL, "1 alice to all");
  assert_post_ok (room, alice, "bob", "2 alice to bob");
  assert_post_ok (room, bob, NULL, "3 bob to all");
  assert_post_ok (room, carol, "alice", "4 carol to alice");
  assert_post_ok (room, host, NULL, "5 host to all");
}

static char *
texts (GPtrArray *messages)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < messages->len; i++)
    {
      const char *text = tincan_message_get_text (g_ptr_array_index (messages, i));

      g_string_append_printf (s, "%s%c", i ? "," : "", text[0]);
    }
  return g_string_free (s, FALSE);
}

#define assert_recent(room, viewer, key, expected)                                        \
  G_STMT_START                                                                            \
  {                                                                                       \
    g_autoptr(GPtrArray) recent_ = tincan_room_recent_for ((room), (viewer), (key));      \
    g_autofree char *got_ = texts (recent_);                                              \
    g_assert_cmpstr (got_, ==, (expected));                                               \
  }                                                                                       \
  G_STMT_END

static void
check_recent (TincanRoom *room)
{
  g_autoptr(TincanUser) alice = join (room, "a", "alice", NULL);
  g_autoptr(TincanUser) bob = join (room, "b", "bob", NULL);
  g_autoptr(TincanUser) carol = join (room, "c", "carol", NULL);
  g_autoptr(TincanUser) host = tincan_user_new ("host", "Host", TINCAN_DIALECT_HOST, "desktop", NULL);

  g_assert_true (tincan_room_join (room, host, NULL));
  tincan_user_set_key (alice, "key-a");
  tincan_user_set_key (bob, "key-b");
  tincan_user_set_key (host, "key-host");
  g_assert_cmpuint (tincan_room_get_history_length (room), ==, 100);
  assert_recent (room, "alice", "key-a", "");
  fill_room (room, alice, bob, carol, host);

  assert_recent (room, "alice", "key-a", "1,2,3,4,5");
  assert_recent (room, "ALICE", "key-a", "1,2,3,4,5");
  assert_recent (room, "bob", "key-b", "1,2,3,5");
  assert_recent (room, "Host", "key-host", "1,3,5");
  assert_recent (room, NULL, NULL, "1,3,5");
  assert_recent (room, "dave", "key-d", "1,3,5");

  /* Private messages come back only to the key they were sent with: not to someone who took
   * the nickname later, nor to a party that had no key (carol). */
  assert_recent (room, "alice", "key-b", "1,3,5");
  assert_recent (room, "alice", NULL, "1,3,5");
  assert_recent (room, "carol", NULL, "1,3,5");
  assert_recent (room, "carol", "key-a", "1,3,5");

  /* The last N the viewer may see, not the last N filtered. */
  tincan_room_set_history_length (room, 2);
  assert_recent (room, "alice", "key-a", "4,5");
  assert_recent (room, "bob", "key-b", "3,5");
  assert_recent (room, NULL, NULL, "3,5");

  tincan_room_set_history_length (room, 0);
  g_assert_cmpuint (tincan_room_get_history_length (room), ==, 0);
  assert_recent (room, "alice", "key-a", "");
  assert_recent (room, NULL, NULL, "");
}

static void
test_recent_memory (void)
{
  g_autoptr(TincanRoom) room = tincan_room_new ("Lobby", "Host", NULL);

  g_assert_null (tincan_room_get_history (room));
  check_recent (room);
}

static void
test_recent_history (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TincanHistory) history = tincan_history_open (":memory:", &error);
  g_autoptr(TincanRoom) room = NULL;

  g_assert_no_error (error);
  room = tincan_room_new ("Lobby", "Host", history);
  g_assert_true (tincan_room_get_history (room) == history);
  check_recent (room);

  /* What a joiner gets comes from the history, not from this session's log. */
  {
    g_autoptr(GPtrArray) stored = NULL;

    tincan_room_set_history_length (room, 100);
    stored = tincan_history_load_recent (history, 100, "alice", "key-a", &error);
    g_assert_no_error (error);
    g_assert_cmpuint (stored->len, ==, 5);
  }
}

typedef struct
{
  TincanHistory *history;
  guint          n_messages;
  gboolean       stored_at_signal;
} StoredCheck;

static void
on_message_check_stored (TincanRoom    *room,
                         TincanMessage *message,
                         StoredCheck   *check)
{
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GError) error = NULL;

  check->n_messages++;
  stored = tincan_history_load_recent (check->history, 1, tincan_message_get_from_nick (message),
                                       tincan_message_get_from_key (message), &error);
  g_assert_no_error (error);
  check->stored_at_signal =
    stored->len == 1 &&
    tincan_message_get_id (g_ptr_array_index (stored, 0)) == tincan_message_get_id (message);
}

static void
test_stored_before_published (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TincanHistory) history = tincan_history_open (":memory:", &error);
  g_autoptr(TincanRoom) room = NULL;
  g_autoptr(TincanUser) alice = NULL;
  g_autoptr(TincanMessage) message = NULL;
  StoredCheck check = { 0 };
  Posted posted = { 0 };

  g_assert_no_error (error);
  room = tincan_room_new ("Lobby", "Host", history);
  alice = join (room, "a", "alice", NULL);
  tincan_user_set_key (alice, "key-a");
  check.history = history;
  g_signal_connect (room, "message", G_CALLBACK (on_message_check_stored), &check);

  /* Nothing is published while the append waits for the end of the turn. */
  tincan_room_post_async (room, alice, NULL, "stored first", NULL, posted_cb, &posted);
  g_assert_cmpuint (check.n_messages, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (tincan_room_get_messages (room)), ==, 0);
  WAIT_FOR (posted.done);
  g_assert_no_error (posted.error);
  g_assert_cmpuint (check.n_messages, ==, 1);
  g_assert_true (check.stored_at_signal);
  g_clear_object (&posted.message);

  /* Private ones too. */
  {
    g_autoptr(TincanUser) bob = join (room, "b", "bob", NULL);

    message = post (room, alice, "bob", "psst", &error);
    g_assert_no_error (error);
    g_assert_cmpuint (check.n_messages, ==, 2);
    g_assert_true (check.stored_at_signal);
  }

  g_signal_handlers_disconnect_by_data (room, &check);
}

static void
test_storage_failure (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TincanHistory) history = tincan_history_open (":memory:", &error);
  g_autoptr(TincanRoom) room = NULL;
  g_autoptr(TincanUser) alice = NULL;
  g_autoptr(TincanMessage) message = NULL;
  StoredCheck check = { 0 };

  g_assert_no_error (error);
  room = tincan_room_new ("Lobby", "Host", history);
  alice = join (room, "a", "alice", NULL);
  check.history = history;
  g_signal_connect (room, "message", G_CALLBACK (on_message_check_stored), &check);

  /* A message that cannot be stored is refused, never sent. */
  tincan_history_close (history);
  message = post (room, alice, NULL, "lost?", &error);
  g_assert_null (message);
  g_assert_error (error, TINCAN_ERROR, TINCAN_ERROR_STORAGE);
  g_assert_cmpstr (tincan_error_code (error), ==, "storage");
  g_assert_cmpuint (check.n_messages, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (tincan_room_get_messages (room)), ==, 0);

  g_signal_handlers_disconnect_by_data (room, &check);
}

static void
test_ids_continue (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tincan-room-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "history.sqlite3", NULL);
  gint64 last_id = 0;

  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TincanHistory) history = tincan_history_open (path, &error);
      g_autoptr(TincanRoom) room = NULL;
      g_autoptr(TincanUser) alice = NULL;

      g_assert_no_error (error);
      room = tincan_room_new ("Lobby", "Host", history);
      alice = join (room, "a", "alice", NULL);
      for (guint i = 0; i < 3; i++)
        {
          g_autoptr(TincanMessage) message = post (room, alice, NULL, "hello", &error);

          g_assert_no_error (error);
          /* Never an id already used, not even by a previous run. */
          g_assert_cmpint (tincan_message_get_id (message), >, last_id);
          last_id = tincan_message_get_id (message);
        }
      tincan_history_close (history);
    }

  g_assert_no_errno (g_remove (path));
  g_assert_no_errno (g_rmdir (dir));
}

/* ---------------------------------------------------------------------------------------- */
/* Kick and ban                                                                              */

static void
test_kick (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TincanHistory) history = tincan_history_open (":memory:", &error);
  g_autoptr(TincanRoom) room = NULL;
  g_autoptr(TincanUser) alice = NULL;
  g_autoptr(GPtrArray) bans = NULL;
  Recorder r;

  g_assert_no_error (error);
  room = tincan_room_new ("Lobby", "Host", history);
  alice = join (room, "a", "alice", "10.0.0.7");
  recorder_connect (&r, room);

  /* A kick is not a ban: the same person may come straight back. */
  tincan_room_kick (room, alice, FALSE);
  assert_log (&r, "kick alice 0; items 0 -1 +0; left alice (kicked)");
  g_assert_false (tincan_history_is_banned (history, "alice", "10.0.0.7"));
  bans = tincan_history_list_bans (history);
  g_assert_cmpuint (bans->len, ==, 0);
  g_clear_object (&alice);
  alice = join (room, "a2", "alice", "10.0.0.7");
  assert_log (&r, "items 0 -0 +1; joined alice");

  recorder_disconnect (&r, room);
}

static void
test_ban (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tincan-room-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "history.sqlite3", NULL);

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(TincanHistory) history = tincan_history_open (path, &error);
    g_autoptr(TincanRoom) room = NULL;
    g_autoptr(TincanUser) mallory = NULL;
    g_autoptr(TincanUser) bystander = NULL;
    g_autoptr(GPtrArray) bans = NULL;
    Recorder r;

    g_assert_no_error (error);
    room = tincan_room_new ("Lobby", "Host", history);
    mallory = join (room, "m", "Mallory", "10.0.0.66");
    bystander = join (room, "b", "bob", "10.0.0.2");
    recorder_connect (&r, room);

    tincan_room_kick (room, mallory, TRUE);
    assert_log (&r, "kick Mallory 1; items 0 -1 +0; left Mallory (banned)");
    g_assert_true (tincan_history_is_banned (history, "mallory", NULL));
    g_assert_true (tincan_history_is_banned (history, NULL, "10.0.0.66"));
    bans = tincan_history_list_bans (history);
    g_assert_cmpuint (bans->len, ==, 2);

    /* Neither the nickname (any case) nor the address gets back in. */
    assert_join_fails (room, "MALLORY", "10.0.0.99", TINCAN_ERROR_BANNED);
    assert_join_fails (room, "eve", "10.0.0.66", TINCAN_ERROR_BANNED);
    assert_join_fails (room, "eve", "::ffff:10.0.0.66", TINCAN_ERROR_BANNED);
    assert_log (&r, "");
    /* Others are unaffected. */
    g_assert_true (tincan_room_lookup_nick (room, "bob") == bystander);
    {
      g_autoptr(TincanUser) carol = join (room, "c", "carol", "10.0.0.3");
    }

    recorder_disconnect (&r, room);
    tincan_history_close (history);
  }

  /* A restart on the same file: still banned. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(TincanHistory) history = tincan_history_open (path, &error);
    g_autoptr(TincanRoom) room = NULL;
    g_autoptr(GError) join_error = NULL;
    g_autoptr(TincanUser) user = NULL;

    g_assert_no_error (error);
    room = tincan_room_new ("Lobby", "Host", history);
    assert_join_fails (room, "mallory", NULL, TINCAN_ERROR_BANNED);
    assert_join_fails (room, "eve", "10.0.0.66", TINCAN_ERROR_BANNED);

    user = tincan_user_new ("x", "Mallory", TINCAN_DIALECT_TINCAN, NULL, "10.0.0.99");
    g_assert_false (tincan_room_join (room, user, &join_error));
    g_assert_cmpstr (tincan_error_code (join_error), ==, "banned");
    g_clear_object (&user);

    /* Lifting the ban lets them in again. */
    g_assert_true (tincan_history_remove_ban (history, "nick", "MALLORY", &error));
    g_assert_true (tincan_history_remove_ban (history, "address", "10.0.0.66", &error));
    g_assert_no_error (error);
    user = join (room, "m", "Mallory", "10.0.0.66");
    tincan_history_close (history);
  }

  g_assert_no_errno (g_remove (path));
  g_assert_no_errno (g_rmdir (dir));
}

static void
test_ban_rename (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TincanHistory) history = tincan_history_open (":memory:", &error);
  g_autoptr(TincanRoom) room = NULL;
  g_autoptr(TincanUser) mallory = NULL;
  g_autoptr(TincanUser) alice = NULL;

  g_assert_no_error (error);
  room = tincan_room_new ("Lobby", "Host", history);
  mallory = join (room, "m", "mallory", NULL);
  alice = join (room, "a", "alice", NULL);
  tincan_room_kick (room, mallory, TRUE);

  /* A banned nickname cannot be taken by renaming either. */
  g_assert_false (tincan_room_rename (room, alice, "Mallory", &error));
  g_assert_error (error, TINCAN_ERROR, TINCAN_ERROR_BANNED);
  g_assert_cmpstr (tincan_user_get_nick (alice), ==, "alice");
}

static void
test_ban_without_history (void)
{
  g_autoptr(TincanRoom) room = tincan_room_new ("Lobby", "Host", NULL);
  g_autoptr(TincanUser) mallory = join (room, "m", "mallory", "10.0.0.66");

  /* Nowhere to keep it across restarts, but a ban still holds for this session. */
  tincan_room_kick (room, mallory, TRUE);
  g_assert_null (tincan_room_lookup_nick (room, "mallory"));
  assert_join_fails (room, "mallory", "10.0.0.1", TINCAN_ERROR_BANNED);
  assert_join_fails (room, "eve", "10.0.0.66", TINCAN_ERROR_BANNED);
}

static void
test_rename_absent (void)
{
  g_autoptr(TincanRoom) room = tincan_room_new ("Lobby", "Host", NULL);
  g_autoptr(TincanUser) ghost = tincan_user_new ("g", "ghost", TINCAN_DIALECT_TINCAN, NULL, NULL);
  g_autoptr(TincanUser) alice = NULL;
  g_autoptr(GError) error = NULL;

  /* Someone not in the room cannot rename into it and block the name for good. */
  g_assert_false (tincan_room_rename (room, ghost, "alice", &error));
  g_assert_error (error, TINCAN_ERROR, TINCAN_ERROR_NOT_JOINED);
  g_assert_null (tincan_room_lookup_nick (room, "alice"));
  alice = join (room, "a", "alice", NULL);
}

static void
test_unique_nick_valid (void)
{
  g_autofree char *max = repeat ("a", 32);
  g_autoptr(TincanRoom) room = tincan_room_new ("Lobby", "bob-2", NULL);
  g_autoptr(TincanUser) first = join (room, "1", max, NULL);
  g_autoptr(TincanUser) bob = join (room, "b", "bob", NULL);
  g_autofree char *second = tincan_room_unique_nick (room, max);
  g_autofree char *bob2 = tincan_room_unique_nick (room, "bob");
  g_autoptr(GError) error = NULL;

  /* The suffix a tutorial client gets instead of "taken" must itself be a usable nickname:
   * not over the length limit, not reserved (here the host is "bob-2"). */
  g_assert_cmpstr (second, !=, max);
  g_assert_true (tincan_room_check_nick (room, second, &error));
  g_assert_no_error (error);
  g_assert_null (tincan_room_lookup_nick (room, second));

  g_assert_cmpstr (bob2, !=, "bob");
  g_assert_true (tincan_room_check_nick (room, bob2, &error));
  g_assert_no_error (error);
}

typedef struct
{
  guint          n_done;
  TincanMessage *results[3];
} CidResults;

static void
on_cid_posted (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  CidResults *results = user_data;
  g_autoptr(GError) error = NULL;

  results->results[results->n_done++] = tincan_room_post_finish (TINCAN_ROOM (source), result, &error);
  g_assert_no_error (error);
}

static void
count_message (TincanRoom    *room,
               TincanMessage *message,
               guint         *n)
{
  (*n)++;
}

/* A client that lost its ack sends again with the same cid: one message, the same answer. */
static void
test_post_cid_resend (void)
{
  g_autoptr(TincanHistory) history = tincan_history_open (":memory:", NULL);
  g_autoptr(TincanRoom) room = tincan_room_new ("Lobby", "Host", history);
  g_autoptr(TincanUser) alice = join (room, "a", "alice", NULL);
  CidResults results = { 0 };
  guint n_published = 0;

  g_signal_connect (room, "message", G_CALLBACK (count_message), &n_published);
  /* Twice while the first is still being stored, then once after. */
  tincan_room_post_full_async (room, alice, NULL, "hi", "c-1", NULL, on_cid_posted, &results);
  tincan_room_post_full_async (room, alice, NULL, "hi", "c-1", NULL, on_cid_posted, &results);
  while (results.n_done < 2)
    g_main_context_iteration (NULL, TRUE);
  tincan_room_post_full_async (room, alice, NULL, "hi", "c-1", NULL, on_cid_posted, &results);
  while (results.n_done < 3)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (n_published, ==, 1);
  g_assert_true (results.results[0] == results.results[1]);
  g_assert_true (results.results[0] == results.results[2]);
  g_assert_cmpstr (tincan_message_get_cid (results.results[0]), ==, "c-1");

  /* Another cid is another message. */
  results.n_done = 0;
  g_clear_object (&results.results[0]);
  g_clear_object (&results.results[1]);
  g_clear_object (&results.results[2]);
  tincan_room_post_full_async (room, alice, NULL, "hi", "c-2", NULL, on_cid_posted, &results);
  while (results.n_done < 1)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (n_published, ==, 2);
  g_clear_object (&results.results[0]);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tincan/room/nick/rules", test_nick_rules);
  g_test_add_func ("/tincan/room/nick/clash", test_nick_clash);
  g_test_add_func ("/tincan/room/nick/host", test_host_nick);
  g_test_add_func ("/tincan/room/presence/signals", test_presence);
  g_test_add_func ("/tincan/room/post/validation", test_post_validation);
  g_test_add_func ("/tincan/room/post/ids", test_post_ids);
  g_test_add_func ("/tincan/room/post/flood", test_flood);
  g_test_add_func ("/tincan/room/post/private", test_private);
  g_test_add_func ("/tincan/room/post/stored-before-published", test_stored_before_published);
  g_test_add_func ("/tincan/room/post/storage-failure", test_storage_failure);
  g_test_add_func ("/tincan/room/post/ids-continue", test_ids_continue);
  g_test_add_func ("/tincan/room/post/cid-resend", test_post_cid_resend);
  g_test_add_func ("/tincan/room/recent/memory", test_recent_memory);
  g_test_add_func ("/tincan/room/recent/history", test_recent_history);
  g_test_add_func ("/tincan/room/moderation/kick", test_kick);
  g_test_add_func ("/tincan/room/moderation/ban-persisted", test_ban);
  /* Rules a user must not get around. */
  g_test_add_func ("/tincan/room/rules/rename-absent", test_rename_absent);
  g_test_add_func ("/tincan/room/rules/rename-to-banned", test_ban_rename);
  g_test_add_func ("/tincan/room/rules/ban-without-history", test_ban_without_history);
  g_test_add_func ("/tincan/room/rules/unique-nick-valid", test_unique_nick_valid);

  return g_test_run ();
}
