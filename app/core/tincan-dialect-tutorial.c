/* tincan-dialect-tutorial.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The Socket.IO getting-started tutorial: a client emits `chat message` (or, in a common
 * variant, `chat`) with a string, and everyone, the sender included, receives the same event
 * with a string. Those clients have no nicknames: they are "guest-N" here. A socket that has not
 * spoken yet is "undecided": it gets the conversation as both events, so a tutorial page that
 * only listens still sees it, and its first event tells which dialect it speaks. */

#include "config.h"

#include "tincan-dialect.h"

static gboolean
author_is_guest (TincanRoom    *room,
                 TincanMessage *message)
{
  TincanUser *author = tincan_room_lookup_nick (room, tincan_message_get_from_nick (message));
  TincanDialect dialect = author ? tincan_user_get_dialect (author) : TINCAN_DIALECT_UNDECIDED;

  return dialect == TINCAN_DIALECT_CHAT_MESSAGE || dialect == TINCAN_DIALECT_CHAT;
}

/* Tutorial pages print the string as it comes. Their own guests stay anonymous, as in the
 * tutorial; people with real nicknames (other dialects, the host) are named. */
static char *
format_line (TincanRoom    *room,
             TincanMessage *message)
{
  const char *text = tincan_message_get_text (message);
  const char *from = tincan_message_get_from_nick (message);

  if (tincan_message_get_kind (message) == TINCAN_MESSAGE_PRIVATE)
    return g_strdup_printf ("(private) %s: %s", from, text);
  if (from == NULL)
    return g_strdup_printf ("Server: %s", text);
  if (author_is_guest (room, message))
    return g_strdup (text);
  return g_strdup_printf ("%s: %s", from, text);
}

static void
emit_line (SioBroadcast  *to,
           const char    *event,
           TincanRoom    *room,
           TincanMessage *message)
{
  g_autofree char *line = format_line (room, message);

  _tincan_emit_strings (to, event, line, NULL);
}

static void
emit_chat_message (SioBroadcast  *to,
                   TincanRoom    *room,
                   TincanMessage *message)
{
  emit_line (to, "chat message", room, message);
}

static void
emit_chat (SioBroadcast  *to,
           TincanRoom    *room,
           TincanMessage *message)
{
  emit_line (to, "chat", room, message);
}

static void
emit_both (SioBroadcast  *to,
           TincanRoom    *room,
           TincanMessage *message)
{

  emit_line (to, "chat message", room, message);
  emit_line (to, "chat", room, message);
}

static void
post_string (TincanGuest            *guest,
             const TincanDialectOps *dialect,
             SioEvent               *event)
{
  const char *text = sio_event_get_string (event, 0);

  if (guest->user == NULL)
    {
      g_autoptr(GError) error = NULL;

      _tincan_guest_set_dialect (guest, dialect);
      if (!_tincan_guest_join (guest, NULL, TRUE, &error))
        {
          _tincan_guest_notice (guest, error->message);
          return;
        }
    }

  if (text == NULL)
    {
      _tincan_guest_notice (guest, "A message must be a string");
      return;
    }

  _tincan_guest_post (guest, NULL, text, NULL, event);
}

static void
chat_message_on_event (TincanGuest *guest,
                       SioEvent    *event)
{
  if (g_strcmp0 (sio_event_get_name (event), "chat message") == 0)
    post_string (guest, &tincan_dialect_chat_message, event);
}

static void
chat_on_event (TincanGuest *guest,
               SioEvent    *event)
{
  if (g_strcmp0 (sio_event_get_name (event), "chat") == 0)
    post_string (guest, &tincan_dialect_chat, event);
}

static void
undecided_on_event (TincanGuest *guest,
                    SioEvent    *event)
{
  const char *name = sio_event_get_name (event);
  g_autofree char *lower = name ? g_ascii_strdown (name, -1) : NULL;

  if (name == NULL)
    return;

  if (g_str_equal (name, "chat message"))
    chat_message_on_event (guest, event);
  else if (g_str_equal (name, "chat"))
    chat_on_event (guest, event);
  else if (g_str_equal (lower, "adduser") || g_str_equal (lower, "sendchat"))
    tincan_dialect_usernames.on_event (guest, event);
  else if (g_str_equal (name, "add user") || g_str_equal (name, "new message") ||
           g_str_equal (name, "typing") || g_str_equal (name, "stop typing"))
    tincan_dialect_demo.on_event (guest, event);
}

const TincanDialectOps tincan_dialect_undecided = {
  .id = TINCAN_DIALECT_UNDECIDED,
  .room = "dialect:undecided",
  .on_event = undecided_on_event,
  .emit_message = emit_both,
  .echo_to_author = TRUE,
};

const TincanDialectOps tincan_dialect_chat_message = {
  .id = TINCAN_DIALECT_CHAT_MESSAGE,
  .room = "dialect:chat-message",
  .on_event = chat_message_on_event,
  .emit_message = emit_chat_message,
  .echo_to_author = TRUE,
};

const TincanDialectOps tincan_dialect_chat = {
  .id = TINCAN_DIALECT_CHAT,
  .room = "dialect:chat",
  .on_event = chat_on_event,
  .emit_message = emit_chat,
  .echo_to_author = TRUE,
};
