/* tincan-dialect-tincan.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Tincan's own protocol, spoken by the web page, the desktop app and the terminal client
 * (docs/protocol.md). The client declares itself in its auth payload and has joined by the
 * time its socket connects; everything it sends may carry an ack, answered once the message
 * is stored: {"ok":true,"message":{...}} or {"ok":false,"error":code,"message":text}. */

#include "config.h"

#include <string.h>

#include "tincan-dialect.h"

JsonNode *_tincan_user_to_json (TincanUser *user);

JsonNode *
_tincan_user_to_json (TincanUser *user)
{
  g_autoptr(JsonObject) object = json_object_new ();

  json_object_set_string_member (object, "id", tincan_user_get_id (user));
  json_object_set_string_member (object, "nick", tincan_user_get_nick (user));
  json_object_set_string_member (object, "client", tincan_user_get_client (user));
  json_object_set_boolean_member (object, "typing", tincan_user_get_typing (user));
  return json_node_init_object (json_node_alloc (), object);
}

/* An optional client id, 1 to 64 of [A-Za-z0-9_-]; anything else counts as none, never as a
 * reason to refuse the message. */
static const char *
valid_cid (JsonObject *object)
{
  JsonNode *node = json_object_get_member (object, "cid");
  const char *cid;
  gsize len;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  cid = json_node_get_string (node);
  len = strlen (cid);
  if (len == 0 || len > 64)
    return NULL;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (cid[i]) && cid[i] != '_' && cid[i] != '-')
      return NULL;
  return cid;
}

static void
on_event (TincanGuest *guest,
          SioEvent    *event)
{
  const char *name = sio_event_get_name (event);
  TincanRoom *room = _tincan_guest_get_room (guest);
  JsonNode *arg = sio_event_get_arg (event, 0);

  if (name == NULL || guest->user == NULL)
    return;

  if (g_str_equal (name, "message"))
    {
      JsonNode *options = sio_event_get_arg (event, 1);

      _tincan_guest_post (guest, NULL, sio_event_get_string (event, 0),
                          options && JSON_NODE_HOLDS_OBJECT (options) ? valid_cid (json_node_get_object (options)) : NULL,
                          event);
    }
  else if (g_str_equal (name, "private"))
    {
      JsonObject *object = arg && JSON_NODE_HOLDS_OBJECT (arg) ? json_node_get_object (arg) : NULL;

      _tincan_guest_post (guest,
                          object ? json_object_get_string_member_with_default (object, "to", "") : "",
                          object ? json_object_get_string_member_with_default (object, "text", NULL) : NULL,
                          object ? valid_cid (object) : NULL,
                          event);
    }
  else if (g_str_equal (name, "typing"))
    tincan_room_set_typing (room, guest->user,
                            arg && JSON_NODE_HOLDS_VALUE (arg) && json_node_get_value_type (arg) == G_TYPE_BOOLEAN &&
                            json_node_get_boolean (arg));
  else if (g_str_equal (name, "nick"))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) reply = json_object_new ();
      g_autoptr(JsonArray) args = json_array_new ();
      const char *nick = sio_event_get_string (event, 0);

      if (tincan_room_rename (room, guest->user, nick, &error))
        json_object_set_boolean_member (reply, "ok", TRUE);
      else
        {
          json_object_set_boolean_member (reply, "ok", FALSE);
          json_object_set_string_member (reply, "error", tincan_error_code (error));
          json_object_set_string_member (reply, "message", error->message);
        }
      json_array_add_object_element (args, g_steal_pointer (&reply));
      sio_event_ack (event, args, NULL);
    }
}

static void
emit_message (SioBroadcast  *to,
              TincanRoom    *room,
              TincanMessage *message)
{
  g_autoptr(JsonNode) node = tincan_message_to_json (message);

  _tincan_emit_node (to, "message", node);
}

static void
emit_joined (SioBroadcast *to,
             TincanRoom   *room,
             TincanUser   *user)
{
  g_autoptr(JsonNode) node = _tincan_user_to_json (user);

  _tincan_emit_node (to, "user-joined", node);
}

static void
emit_left (SioBroadcast *to,
           TincanRoom   *room,
           TincanUser   *user)
{
  g_autoptr(JsonNode) node = _tincan_user_to_json (user);

  _tincan_emit_node (to, "user-left", node);
}

static void
emit_typing (SioBroadcast *to,
             TincanRoom   *room,
             TincanUser   *user)
{
  g_autoptr(JsonNode) node = _tincan_user_to_json (user);

  _tincan_emit_node (to, "typing", node);
}

static void
emit_renamed (SioBroadcast *to,
              TincanRoom   *room,
              TincanUser   *user)
{
  g_autoptr(JsonNode) node = _tincan_user_to_json (user);

  _tincan_emit_node (to, "user-renamed", node);
}

const TincanDialectOps tincan_dialect_tincan = {
  .id = TINCAN_DIALECT_TINCAN,
  .room = "dialect:tincan",
  .on_event = on_event,
  .emit_message = emit_message,
  .emit_joined = emit_joined,
  .emit_left = emit_left,
  .emit_typing = emit_typing,
  .emit_renamed = emit_renamed,
  .echo_to_author = TRUE,
};
