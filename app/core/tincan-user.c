/* tincan-user.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Someone present in a room, whatever client they came with. Views bind to the properties. */

#include "config.h"

#include "tincan-user.h"

struct _TincanUser
{
  GObject        parent_instance;

  char          *id;
  char          *nick;
  char          *client;
  char          *address;
  char          *key;       /* hash of the client's secret key, or NULL: see tincan_user_set_key() */
  TincanDialect  dialect;
  gboolean       typing;
};

enum {
  PROP_0,
  PROP_ID,
  PROP_NICK,
  PROP_CLIENT,
  PROP_ADDRESS,
  PROP_TYPING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (TincanUser, tincan_user, G_TYPE_OBJECT)

static void
tincan_user_finalize (GObject *object)
{
  TincanUser *self = (TincanUser *) object;

  g_free (self->id);
  g_free (self->nick);
  g_free (self->client);
  g_free (self->address);
  g_free (self->key);

  G_OBJECT_CLASS (tincan_user_parent_class)->finalize (object);
}

static void
tincan_user_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  TincanUser *self = TINCAN_USER (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;

    case PROP_NICK:
      g_value_set_string (value, self->nick);
      break;

    case PROP_CLIENT:
      g_value_set_string (value, self->client);
      break;

    case PROP_ADDRESS:
      g_value_set_string (value, self->address);
      break;

    case PROP_TYPING:
      g_value_set_boolean (value, self->typing);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tincan_user_class_init (TincanUserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tincan_user_finalize;
  object_class->get_property = tincan_user_get_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL,
                                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NICK] = g_param_spec_string ("nick", NULL, NULL, NULL,
                                               G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CLIENT] = g_param_spec_string ("client", NULL, NULL, NULL,
                                                 G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ADDRESS] = g_param_spec_string ("address", NULL, NULL, NULL,
                                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TYPING] = g_param_spec_boolean ("typing", NULL, NULL, FALSE,
                                                  G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tincan_user_init (TincanUser *self)
{
}

/**
 * tincan_user_new:
 * @id: the connection's id, unique in the room
 * @nick: the nickname
 * @dialect: what the client speaks
 * @client: (nullable): what kind of client ("browser", "desktop", "terminal", "tutorial")
 * @address: (nullable): the peer address, for moderation
 *
 * Returns: (transfer full): a new user
 */
TincanUser *
tincan_user_new (const char    *id,
                 const char    *nick,
                 TincanDialect  dialect,
                 const char    *client,
                 const char    *address)
{
  TincanUser *self = g_object_new (TINCAN_TYPE_USER, NULL);

  self->id = g_strdup (id);
  self->nick = g_strdup (nick);
  self->dialect = dialect;
  self->client = g_strdup (client ? client : "tutorial");
  self->address = g_strdup (address);
  return self;
}

const char *
tincan_user_get_id (TincanUser *self)
{
  g_return_val_if_fail (TINCAN_IS_USER (self), NULL);

  return self->id;
}

const char *
tincan_user_get_nick (TincanUser *self)
{
  g_return_val_if_fail (TINCAN_IS_USER (self), NULL);

  return self->nick;
}

void
tincan_user_set_nick (TincanUser *self,
                      const char *nick)
{
  g_return_if_fail (TINCAN_IS_USER (self));

  if (g_strcmp0 (self->nick, nick) == 0)
    return;

  g_free (self->nick);
  self->nick = g_strdup (nick);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NICK]);
}

TincanDialect
tincan_user_get_dialect (TincanUser *self)
{
  g_return_val_if_fail (TINCAN_IS_USER (self), TINCAN_DIALECT_UNDECIDED);

  return self->dialect;
}

const char *
tincan_user_get_client (TincanUser *self)
{
  g_return_val_if_fail (TINCAN_IS_USER (self), NULL);

  return self->client;
}

const char *
tincan_user_get_address (TincanUser *self)
{
  g_return_val_if_fail (TINCAN_IS_USER (self), NULL);

  return self->address;
}

gboolean
tincan_user_get_typing (TincanUser *self)
{
  g_return_val_if_fail (TINCAN_IS_USER (self), FALSE);

  return self->typing;
}

void
tincan_user_set_typing (TincanUser *self,
                        gboolean    typing)
{
  g_return_if_fail (TINCAN_IS_USER (self));

  typing = !!typing;
  if (self->typing == typing)
    return;

  self->typing = typing;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TYPING]);
}

const char *
tincan_dialect_to_string (TincanDialect dialect)
{
  switch (dialect)
    {
    case TINCAN_DIALECT_TINCAN:
      return "tincan";

    case TINCAN_DIALECT_CHAT_MESSAGE:
      return "chat message";

    case TINCAN_DIALECT_CHAT:
      return "chat";

    case TINCAN_DIALECT_USERNAMES:
      return "usernames";

    case TINCAN_DIALECT_DEMO:
      return "demo";

    case TINCAN_DIALECT_HOST:
      return "host";

    case TINCAN_DIALECT_UNDECIDED:
    default:
      return "undecided";
    }
}

/**
 * tincan_user_get_key:
 * @self: a user
 *
 * Returns: (nullable): the hash of the secret this user's client proves itself with, or %NULL
 */
const char *
tincan_user_get_key (TincanUser *self)
{
  g_return_val_if_fail (TINCAN_IS_USER (self), NULL);

  return self->key;
}

/**
 * tincan_user_set_key:
 * @self: a user
 * @key: (nullable): the hash of a secret the client keeps (a page keeps one in localStorage)
 *
 * Nicknames are not accounts: whoever takes a free one is that nickname. Private messages
 * keep the keys of their two parties, and only a client with the same key gets them again in
 * its history; a client without a key gets none.
 */
void
tincan_user_set_key (TincanUser *self,
                     const char *key)
{
  g_return_if_fail (TINCAN_IS_USER (self));

  g_free (self->key);
  self->key = g_strdup (key);
}
