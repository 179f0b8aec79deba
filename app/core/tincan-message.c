/* tincan-message.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* One line of a room's log. Immutable: made once, stored, then shown by every view. Parties
 * are named by nickname, not by connection id, because history outlives connections. */

#include "config.h"

#include "tincan-message.h"

struct _TincanMessage
{
  GObject            parent_instance;

  TincanMessageKind  kind;
  gint64             id;
  gint64             time_ms;
  char              *from_nick;
  char              *to_nick;
  char              *text;
  char              *cid;        /* the author's client-side id, to recognise a resend */
  char              *from_key;   /* private messages: the parties' key hashes (or NULL) */
  char              *to_key;
};

G_DEFINE_FINAL_TYPE (TincanMessage, tincan_message, G_TYPE_OBJECT)

static void
tincan_message_finalize (GObject *object)
{
  TincanMessage *self = (TincanMessage *) object;

  g_free (self->from_nick);
  g_free (self->to_nick);
  g_free (self->text);
  g_free (self->cid);
  g_free (self->from_key);
  g_free (self->to_key);

  G_OBJECT_CLASS (tincan_message_parent_class)->finalize (object);
}

static void
tincan_message_class_init (TincanMessageClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tincan_message_finalize;
}

static void
tincan_message_init (TincanMessage *self)
{
}

/**
 * tincan_message_new:
 * @kind: the kind
 * @id: the room-wide id, increasing
 * @time_ms: when it was sent, milliseconds since the Unix epoch
 * @from_nick: (nullable): the author; %NULL for a notice
 * @to_nick: (nullable): the recipient of a private message
 * @text: plain text, never markup
 *
 * Returns: (transfer full): a new message
 */
TincanMessage *
tincan_message_new (TincanMessageKind  kind,
                    gint64             id,
                    gint64             time_ms,
                    const char        *from_nick,
                    const char        *to_nick,
                    const char        *text)
{
  TincanMessage *self = g_object_new (TINCAN_TYPE_MESSAGE, NULL);

  self->kind = kind;
  self->id = id;
  self->time_ms = time_ms;
  self->from_nick = g_strdup (from_nick);
  self->to_nick = g_strdup (to_nick);
  self->text = g_strdup (text);
  return self;
}

TincanMessageKind
tincan_message_get_kind (TincanMessage *self)
{
  g_return_val_if_fail (TINCAN_IS_MESSAGE (self), TINCAN_MESSAGE_CHAT);

  return self->kind;
}

gint64
tincan_message_get_id (TincanMessage *self)
{
  g_return_val_if_fail (TINCAN_IS_MESSAGE (self), 0);

  return self->id;
}

gint64
tincan_message_get_time (TincanMessage *self)
{
  g_return_val_if_fail (TINCAN_IS_MESSAGE (self), 0);

  return self->time_ms;
}

const char *
tincan_message_get_from_nick (TincanMessage *self)
{
  g_return_val_if_fail (TINCAN_IS_MESSAGE (self), NULL);

  return self->from_nick;
}

const char *
tincan_message_get_to_nick (TincanMessage *self)
{
  g_return_val_if_fail (TINCAN_IS_MESSAGE (self), NULL);

  return self->to_nick;
}

const char *
tincan_message_get_text (TincanMessage *self)
{
  g_return_val_if_fail (TINCAN_IS_MESSAGE (self), NULL);

  return self->text;
}

/**
 * tincan_message_get_cid:
 * @self: a message
 *
 * Returns: (nullable): the id the author's client gave the message, if any
 */
const char *
tincan_message_get_cid (TincanMessage *self)
{
  g_return_val_if_fail (TINCAN_IS_MESSAGE (self), NULL);

  return self->cid;
}

/**
 * tincan_message_set_cid:
 * @self: a message not yet published
 * @cid: (nullable): the client's id for it
 *
 * Only while the message is being made: messages are immutable once published.
 */
void
tincan_message_set_cid (TincanMessage *self,
                        const char    *cid)
{
  g_return_if_fail (TINCAN_IS_MESSAGE (self));

  g_free (self->cid);
  self->cid = g_strdup (cid);
}

static gboolean
same_nick (const char *a,
           const char *b)
{
  g_autofree char *fa = NULL;
  g_autofree char *fb = NULL;

  if (a == NULL || b == NULL)
    return FALSE;

  fa = g_utf8_casefold (a, -1);
  fb = g_utf8_casefold (b, -1);
  return g_str_equal (fa, fb);
}

/**
 * tincan_message_is_visible_to:
 * @self: a message
 * @nick: (nullable): who would see it
 *
 * Private messages are seen by their two parties only; everything else by everyone.
 *
 * Returns: %TRUE if @nick may see the message
 */
gboolean
tincan_message_is_visible_to (TincanMessage *self,
                              const char    *nick)
{
  g_return_val_if_fail (TINCAN_IS_MESSAGE (self), FALSE);

  if (self->kind != TINCAN_MESSAGE_PRIVATE)
    return TRUE;
  return same_nick (nick, self->from_nick) || same_nick (nick, self->to_nick);
}

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

/**
 * tincan_message_to_json:
 * @self: a message
 *
 * The message as the Tincan protocol sends it (docs/protocol.md):
 * `{"id","time","kind","from","to","text"}`, with "from" and "to" only when set.
 *
 * Returns: (transfer full): a new object node
 */
JsonNode *
tincan_message_to_json (TincanMessage *self)
{
  g_autoptr(JsonObject) object = json_object_new ();

  g_return_val_if_fail (TINCAN_IS_MESSAGE (self), NULL);

  json_object_set_int_member (object, "id", self->id);
  json_object_set_int_member (object, "time", self->time_ms);
  json_object_set_string_member (object, "kind", kind_to_string (self->kind));
  if (self->from_nick != NULL)
    json_object_set_string_member (object, "from", self->from_nick);
  if (self->to_nick != NULL)
    json_object_set_string_member (object, "to", self->to_nick);
  json_object_set_string_member (object, "text", self->text);
  if (self->cid != NULL)
    json_object_set_string_member (object, "cid", self->cid);
  return json_node_init_object (json_node_alloc (), object);
}

/**
 * tincan_message_set_keys:
 * @self: a private message
 * @from_key: (nullable): the author's key hash ([method@Tincan.User.get_key])
 * @to_key: (nullable): the recipient's
 */
void
tincan_message_set_keys (TincanMessage *self,
                         const char    *from_key,
                         const char    *to_key)
{
  g_return_if_fail (TINCAN_IS_MESSAGE (self));

  g_free (self->from_key);
  g_free (self->to_key);
  self->from_key = g_strdup (from_key);
  self->to_key = g_strdup (to_key);
}

const char *
tincan_message_get_from_key (TincanMessage *self)
{
  g_return_val_if_fail (TINCAN_IS_MESSAGE (self), NULL);

  return self->from_key;
}

const char *
tincan_message_get_to_key (TincanMessage *self)
{
  g_return_val_if_fail (TINCAN_IS_MESSAGE (self), NULL);

  return self->to_key;
}

/**
 * tincan_message_may_replay_to:
 * @self: a message
 * @nick: (nullable): who would get it again, from the history
 * @key: (nullable): the key hash of their client
 *
 * Like [method@Tincan.Message.is_visible_to], for a later session: a private message goes back
 * only to a party with the key it had when the message was sent. A nickname alone proves
 * nothing once its owner has left; a party that had no key gets nothing back.
 *
 * Returns: %TRUE if the message may be in the history @nick with @key gets
 */
gboolean
tincan_message_may_replay_to (TincanMessage *self,
                              const char    *nick,
                              const char    *key)
{
  g_return_val_if_fail (TINCAN_IS_MESSAGE (self), FALSE);

  if (self->kind != TINCAN_MESSAGE_PRIVATE)
    return TRUE;
  if (key == NULL)
    return FALSE;
  return (same_nick (nick, self->from_nick) && g_strcmp0 (key, self->from_key) == 0) ||
         (same_nick (nick, self->to_nick) && g_strcmp0 (key, self->to_key) == 0);
}
