/* tincan-dialect-usernames.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The classic "usernames" tutorial chat: `adduser`(name) and `sendchat`(text) in, in whatever
 * letter case the copy at hand uses; `updatechat`(username, text) and `updateusers`({name:
 * name, ...}) out, sent in both spellings because copies of the tutorial differ, with
 * "SERVER" notices when people come and go. */

#include "config.h"

#include "tincan-dialect.h"

static void
emit_updatechat (SioBroadcast *to,
                 const char   *who,
                 const char   *text)
{

  _tincan_emit_strings (to, "updatechat", who, text, NULL);
  _tincan_emit_strings (to, "updateChat", who, text, NULL);
}

static JsonNode *
users_object (TincanRoom *room)
{
  g_autoptr(JsonObject) object = json_object_new ();
  GListModel *users = tincan_room_get_users (room);

  for (guint i = 0; i < g_list_model_get_n_items (users); i++)
    {
      g_autoptr(TincanUser) user = g_list_model_get_item (users, i);

      json_object_set_string_member (object, tincan_user_get_nick (user), tincan_user_get_nick (user));
    }
  return json_node_init_object (json_node_alloc (), object);
}

static void
emit_updateusers (SioBroadcast *to,
                  TincanRoom   *room)
{
  g_autoptr(JsonNode) users = users_object (room);

  _tincan_emit_node (to, "updateusers", users);
  _tincan_emit_node (to, "updateUsers", users);
}

static void
on_event (TincanGuest *guest,
          SioEvent    *event)
{
  const char *name = sio_event_get_name (event);
  g_autofree char *lower = name ? g_ascii_strdown (name, -1) : NULL;
  const char *arg = sio_event_get_string (event, 0);

  if (lower == NULL)
    return;

  if (g_str_equal (lower, "adduser"))
    {
      g_autoptr(GError) error = NULL;

      if (guest->user != NULL)
        return;
      _tincan_guest_set_dialect (guest, &tincan_dialect_usernames);
      if (!_tincan_guest_join (guest, arg, TRUE, &error))
        {
          g_autoptr(SioBroadcast) self = _tincan_guest_to_self (guest);

          emit_updatechat (self, "SERVER", error->message);
          return;
        }

      {
        g_autoptr(SioBroadcast) self = _tincan_guest_to_self (guest);
        g_autoptr(SioBroadcast) again = _tincan_guest_to_self (guest);

        emit_updatechat (self, "SERVER", "you have connected");
        emit_updateusers (again, _tincan_guest_get_room (guest));
      }
      _tincan_guest_send_history (guest);
    }
  else if (g_str_equal (lower, "sendchat"))
    {
      if (guest->user == NULL)
        {
          g_autoptr(SioBroadcast) self = _tincan_guest_to_self (guest);

          emit_updatechat (self, "SERVER", "Choose a username first (adduser)");
          return;
        }
      if (arg == NULL)
        return;
      _tincan_guest_post (guest, NULL, arg, NULL, event);
    }
}

static void
emit_message (SioBroadcast  *to,
              TincanRoom    *room,
              TincanMessage *message)
{
  const char *from = tincan_message_get_from_nick (message);

  if (tincan_message_get_kind (message) == TINCAN_MESSAGE_PRIVATE)
    {
      g_autofree char *who = g_strdup_printf ("%s (private)", from);
      emit_updatechat (to, who, tincan_message_get_text (message));
      return;
    }

  emit_updatechat (to, from ? from : "SERVER", tincan_message_get_text (message));
}

static void
emit_joined (SioBroadcast *to,
             TincanRoom   *room,
             TincanUser   *user)
{
  g_autofree char *text = g_strdup_printf ("%s has connected", tincan_user_get_nick (user));

  emit_updatechat (to, "SERVER", text);
  emit_updateusers (to, room);
}

static void
emit_left (SioBroadcast *to,
           TincanRoom   *room,
           TincanUser   *user)
{
  g_autofree char *text = g_strdup_printf ("%s has disconnected", tincan_user_get_nick (user));

  emit_updatechat (to, "SERVER", text);
  emit_updateusers (to, room);
}

static void
emit_renamed (SioBroadcast *to,
              TincanRoom   *room,
              TincanUser   *user)
{
  emit_updateusers (to, room);
}

const TincanDialectOps tincan_dialect_usernames = {
  .id = TINCAN_DIALECT_USERNAMES,
  .room = "dialect:usernames",
  .on_event = on_event,
  .emit_message = emit_message,
  .emit_joined = emit_joined,
  .emit_left = emit_left,
  .emit_renamed = emit_renamed,
  .echo_to_author = TRUE,
};
