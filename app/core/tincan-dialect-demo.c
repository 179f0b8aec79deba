/* tincan-dialect-demo.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* socket.io's official chat demo (examples/chat): `add user`, `new message`, `typing` and
 * `stop typing` in; `login`{numUsers}, `new message`{username, message}, `typing` and
 * `stop typing`{username}, `user joined` and `user left`{username, numUsers} out. The demo page
 * shows its own messages as it sends them, so authors do not get theirs back. */

#include "config.h"

#include "tincan-dialect.h"

static JsonNode *
username_object (const char *nick,
                 gint64      num_users,
                 const char *message)
{
  g_autoptr(JsonObject) object = json_object_new ();

  json_object_set_string_member (object, "username", nick);
  if (message != NULL)
    json_object_set_string_member (object, "message", message);
  if (num_users >= 0)
    json_object_set_int_member (object, "numUsers", num_users);
  return json_node_init_object (json_node_alloc (), object);
}

static void
on_event (TincanGuest *guest,
          SioEvent    *event)
{
  const char *name = sio_event_get_name (event);
  const char *arg = sio_event_get_string (event, 0);
  TincanRoom *room = _tincan_guest_get_room (guest);

  if (name == NULL)
    return;

  if (g_str_equal (name, "add user"))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) login = json_object_new ();
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(SioBroadcast) self = NULL;

      if (guest->user != NULL)
        return;
      _tincan_guest_set_dialect (guest, &tincan_dialect_demo);
      if (!_tincan_guest_join (guest, arg, TRUE, &error))
        {
          _tincan_guest_notice (guest, error->message);
          return;
        }

      json_object_set_int_member (login, "numUsers", _tincan_room_count_users (room));
      node = json_node_init_object (json_node_alloc (), login);
      self = _tincan_guest_to_self (guest);
      _tincan_emit_node (self, "login", node);
      _tincan_guest_send_history (guest);
      return;
    }

  if (guest->user == NULL)
    return;

  if (g_str_equal (name, "new message") && arg != NULL)
    _tincan_guest_post (guest, NULL, arg, NULL, event);
  else if (g_str_equal (name, "typing"))
    tincan_room_set_typing (room, guest->user, TRUE);
  else if (g_str_equal (name, "stop typing"))
    tincan_room_set_typing (room, guest->user, FALSE);
}

static void
emit_message (SioBroadcast  *to,
              TincanRoom    *room,
              TincanMessage *message)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *who = NULL;

  if (tincan_message_get_kind (message) == TINCAN_MESSAGE_PRIVATE)
    who = g_strdup_printf ("%s (private)", tincan_message_get_from_nick (message));
  else
    who = g_strdup (tincan_message_get_from_nick (message) ? tincan_message_get_from_nick (message) : "Server");

  node = username_object (who, -1, tincan_message_get_text (message));
  _tincan_emit_node (to, "new message", node);
}

static void
emit_joined (SioBroadcast *to,
             TincanRoom   *room,
             TincanUser   *user)
{
  g_autoptr(JsonNode) node = username_object (tincan_user_get_nick (user), _tincan_room_count_users (room), NULL);

  _tincan_emit_node (to, "user joined", node);
}

static void
emit_left (SioBroadcast *to,
           TincanRoom   *room,
           TincanUser   *user)
{
  g_autoptr(JsonNode) node = username_object (tincan_user_get_nick (user), _tincan_room_count_users (room), NULL);

  _tincan_emit_node (to, "user left", node);
}

static void
emit_typing (SioBroadcast *to,
             TincanRoom   *room,
             TincanUser   *user)
{
  g_autoptr(JsonNode) node = username_object (tincan_user_get_nick (user), -1, NULL);

  _tincan_emit_node (to, tincan_user_get_typing (user) ? "typing" : "stop typing", node);
}

const TincanDialectOps tincan_dialect_demo = {
  .id = TINCAN_DIALECT_DEMO,
  .room = "dialect:demo",
  .on_event = on_event,
  .emit_message = emit_message,
  .emit_joined = emit_joined,
  .emit_left = emit_left,
  .emit_typing = emit_typing,
  .echo_to_author = FALSE,
};
