/* fuzz-chat.c: the checks a room applies to what guests send
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is up to four NUL-separated strings: a nickname, a message text, a client message
 * id and a recipient, each as a guest could send it (any bytes). The nickname goes through
 * tincan_room_check_nick(); if it passes, a guest of that name joins a room where "Host" hosts
 * and "Bob" is present, and posts the text (privately when a recipient is given) the way the
 * dialects do. Then Bob tries to take the nickname. The validation must agree with itself:
 * a nickname check_nick() accepts can join an empty room, one it refuses cannot.
 */

#include "config.h"

#include <string.h>

#include "tincan-message.h"
#include "tincan-room.h"
#include "tincan-user.h"

#include "fuzz-common.h"

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

static void
post (TincanRoom *room,
      TincanUser *author,
      const char *to_nick,
      const char *text,
      const char *cid)
{
  Posted posted = { 0 };
  g_autoptr(GPtrArray) recent = NULL;

  tincan_room_post_full_async (room, author, to_nick, text, cid, NULL, posted_cb, &posted);
  while (!posted.done)
    g_main_context_iteration (NULL, TRUE);

  FUZZ_ASSERT ((posted.message == NULL) != (posted.error == NULL));
  if (posted.message != NULL)
    {
      g_autoptr(JsonNode) json = tincan_message_to_json (posted.message);

      FUZZ_ASSERT (g_utf8_validate (tincan_message_get_text (posted.message), -1, NULL));
      FUZZ_ASSERT (json != NULL);
    }
  else
    FUZZ_ASSERT (tincan_error_code (posted.error) != NULL);

  recent = tincan_room_recent_for (room, tincan_user_get_nick (author), tincan_user_get_key (author));
  g_clear_object (&posted.message);
  g_clear_error (&posted.error);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(TincanRoom) room = tincan_room_new ("Lobby", "Host", NULL);
  g_autoptr(TincanUser) bob = tincan_user_new ("bob-id", "Bob", TINCAN_DIALECT_TINCAN, "fuzz", "192.0.2.2");
  g_autoptr(TincanUser) guest = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *unique = NULL;
  char *fields[4] = { NULL, NULL, NULL, NULL };
  const guint8 *piece = data;
  const guint8 *end = data + size;
  gboolean valid;

  for (guint i = 0; i < G_N_ELEMENTS (fields) && piece <= end; i++)
    {
      const guint8 *next = memchr (piece, '\0', end - piece);

      fields[i] = g_strndup ((const char *) piece, (next ? next : end) - piece);
      if (next == NULL)
        break;
      piece = next + 1;
    }

  valid = tincan_room_check_nick (room, fields[0], &error);
  FUZZ_ASSERT (valid == (error == NULL));
  if (!valid)
    {
      FUZZ_ASSERT (g_error_matches (error, TINCAN_ERROR, TINCAN_ERROR_NICK_INVALID));
      goto out;
    }

  unique = tincan_room_unique_nick (room, fields[0]);
  FUZZ_ASSERT (g_str_equal (unique, fields[0]));

  guest = tincan_user_new ("guest-id", fields[0], TINCAN_DIALECT_TINCAN, "fuzz", "192.0.2.1");
  FUZZ_ASSERT (tincan_room_join (room, guest, NULL));

  if (tincan_room_join (room, bob, NULL))
    {
      post (room, guest, fields[3], fields[1] ? fields[1] : "", fields[2]);
      FUZZ_ASSERT (!tincan_room_rename (room, bob, fields[0], NULL));
      tincan_room_leave (room, bob, NULL);
    }
  else
    {
      g_autofree char *folded = g_utf8_casefold (fields[0], -1);

      FUZZ_ASSERT (g_str_equal (folded, "bob"));
    }

  tincan_room_leave (room, guest, NULL);

out:
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    g_free (fields[i]);
  return 0;
}
