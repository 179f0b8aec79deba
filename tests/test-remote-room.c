/* test-remote-room.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A TincanRemoteRoom joining a TincanHost over real sockets on 127.0.0.1: the room another
 * Tincan hosts, mirrored through the Socket.IO client. */

#include "config.h"

#include "test-utils.h"
#include "tincan-host.h"
#include "tincan-remote-room.h"

typedef struct
{
  TincanRoom *room;
  TincanHost *host;
  char       *url;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->room = tincan_room_new ("Lobby", "Host", NULL);
  f->host = tincan_host_new (f->room);
  if (data != NULL)
    tincan_host_set_passcode (f->host, data);
  g_assert_true (tincan_host_listen (f->host, "127.0.0.1", 0, FALSE, &error));
  g_assert_no_error (error);
  f->url = g_strdup_printf ("http://127.0.0.1:%u", tincan_host_get_port (f->host));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  tincan_host_shutdown (f->host);
  g_clear_object (&f->host);
  g_clear_object (&f->room);
  g_clear_pointer (&f->url, g_free);
}

typedef struct
{
  gboolean done;
  gboolean ok;
} Sent;

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Sent *sent = user_data;
  g_autoptr(GError) error = NULL;

  sent->ok = tincan_remote_room_send_finish (TINCAN_REMOTE_ROOM (source), result, &error);
  sent->done = TRUE;
}

static guint
count_messages_with (GListModel *messages,
                     const char *text)
{
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (messages); i++)
    {
      g_autoptr(TincanMessage) message = g_list_model_get_item (messages, i);

      if (g_strcmp0 (tincan_message_get_text (message), text) == 0)
        n++;
    }
  return n;
}

static void
test_tincan_dialect (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(TincanRemoteRoom) remote = tincan_remote_room_new (f->url, "alice", NULL, TINCAN_DIALECT_UNDECIDED);
  TincanRoom *mirror = tincan_remote_room_get_room (remote);
  Sent sent = { 0 };
  g_autoptr(GError) error = NULL;

  tincan_remote_room_connect (remote);
  WAIT_FOR (tincan_remote_room_get_state (remote) == TINCAN_REMOTE_CONNECTED);

  /* Detected as a Tincan: the welcome's users are mirrored, the host among them. */
  g_assert_nonnull (tincan_room_lookup_nick (mirror, "Host"));
  g_assert_nonnull (tincan_room_lookup_nick (mirror, "alice"));
  g_assert_nonnull (tincan_room_lookup_nick (f->room, "alice"));

  /* Ours reaches the host's room, stored and acknowledged. */
  tincan_remote_room_send_async (remote, NULL, "hello over there", NULL, on_sent, &sent);
  WAIT_FOR (sent.done);
  g_assert_true (sent.ok);
  g_assert_cmpuint (count_messages_with (tincan_room_get_messages (f->room), "hello over there"), ==, 1);
  WAIT_FOR (count_messages_with (tincan_room_get_messages (mirror), "hello over there") == 1);

  /* The host's reaches us. */
  tincan_host_post_async (f->host, NULL, "welcome, alice", NULL, NULL, NULL);
  WAIT_FOR (count_messages_with (tincan_room_get_messages (mirror), "welcome, alice") == 1);

  /* A refused message is reported, not pretended. */
  sent.done = FALSE;
  tincan_remote_room_send_async (remote, NULL, "   ", NULL, on_sent, &sent);
  WAIT_FOR (sent.done);
  g_assert_false (sent.ok);

  tincan_remote_room_disconnect (remote);
  WAIT_FOR (tincan_room_lookup_nick (f->room, "alice") == NULL);
}

static void
test_wrong_passcode (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(TincanRemoteRoom) remote = tincan_remote_room_new (f->url, "mallory", "guess", TINCAN_DIALECT_TINCAN);

  tincan_remote_room_connect (remote);
  WAIT_FOR (tincan_remote_room_get_state (remote) == TINCAN_REMOTE_REFUSED);
  g_assert_null (tincan_room_lookup_nick (f->room, "mallory"));
}

static void
test_tutorial_dialect (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(TincanRemoteRoom) remote = tincan_remote_room_new (f->url, "bob", NULL, TINCAN_DIALECT_CHAT_MESSAGE);
  TincanRoom *mirror = tincan_remote_room_get_room (remote);
  Sent sent = { 0 };

  tincan_remote_room_connect (remote);
  WAIT_FOR (tincan_remote_room_get_state (remote) == TINCAN_REMOTE_CONNECTED);

  /* As a tutorial client: acknowledged by the echo of our own line. */
  tincan_remote_room_send_async (remote, NULL, "plain line", NULL, on_sent, &sent);
  WAIT_FOR (sent.done);
  g_assert_true (sent.ok);
  g_assert_cmpuint (count_messages_with (tincan_room_get_messages (f->room), "plain line"), ==, 1);
  g_assert_cmpuint (count_messages_with (tincan_room_get_messages (mirror), "plain line"), ==, 1);

  /* No private messages in a tutorial's world: refused rather than shown to everyone. */
  sent.done = FALSE;
  tincan_remote_room_send_async (remote, "alice", "secret", NULL, on_sent, &sent);
  WAIT_FOR (sent.done);
  g_assert_false (sent.ok);
  g_assert_cmpuint (count_messages_with (tincan_room_get_messages (f->room), "secret"), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/tincan/remote-room/tincan", Fixture, NULL, fixture_setup, test_tincan_dialect, fixture_teardown);
  g_test_add ("/tincan/remote-room/wrong-passcode", Fixture, "secret", fixture_setup, test_wrong_passcode,
              fixture_teardown);
  g_test_add ("/tincan/remote-room/tutorial", Fixture, NULL, fixture_setup, test_tutorial_dialect, fixture_teardown);

  return g_test_run ();
}
