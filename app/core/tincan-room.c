/* tincan-room.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/**
 * TincanRoom:
 *
 * The chat, independent of how anyone is connected: who is here, what was said, and the
 * rules (nicknames, message length, flood limit). Every client dialect and every view is an
 * adapter over this one model: data flows network → sio → room → views.
 *
 * A message is stored before anyone sees it: tincan_room_post_async() completes, and the
 * "message" signal fires, only after the history committed it.
 */

#include "config.h"

#include <string.h>

#include "tincan-history.h"
#include "tincan-room.h"

#define DEFAULT_HISTORY_LENGTH 100
#define DEFAULT_MAX_LENGTH 4000
#define DEFAULT_FLOOD_MESSAGES 10
#define DEFAULT_FLOOD_SECONDS 5
#define MAX_NICK_CHARS 32
/* The window's log keeps this many; the history keeps everything. */
#define MAX_LOG 1000

struct _TincanRoom
{
  GObject        parent_instance;

  char          *name;
  char          *host_nick;
  TincanHistory *history;
  GListStore    *users;
  GListStore    *messages;
  GHashTable    *by_id;          /* id → TincanUser (borrowed from users) */
  GHashTable    *by_nick;        /* casefolded nick → TincanUser (borrowed) */
  GHashTable    *recent_posts;   /* user id → GQueue of gint64 times, for the flood limit */
  GHashTable    *bans;           /* "nick:<folded>" / "address:<ip>": held even without a history */
  GHashTable    *by_cid;         /* "<folded nick>\n<cid>" → CidEntry: resends recognised */
  GQueue         cid_order;      /* keys of by_cid, oldest first, to bound it */
  gint64         next_id;
  guint          next_guest;
  guint          history_length;
  guint          max_length;
  guint          flood_messages;
  guint          flood_seconds;
};

enum {
  USER_JOINED,
  USER_LEFT,
  USER_RENAMED,
  TYPING,
  MESSAGE,
  KICK,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TincanRoom, tincan_room, G_TYPE_OBJECT)
G_DEFINE_QUARK (tincan-error-quark, tincan_error)

/**
 * tincan_error_code:
 * @error: a #TINCAN_ERROR error
 *
 * Returns: the error as the Tincan protocol names it ("nick-taken", ...), for clients
 */
const char *
tincan_error_code (const GError *error)
{
  static const char * const codes[] = {
    [TINCAN_ERROR_NICK_TAKEN] = "nick-taken",
    [TINCAN_ERROR_NICK_INVALID] = "nick-invalid",
    [TINCAN_ERROR_TOO_LONG] = "too-long",
    [TINCAN_ERROR_EMPTY] = "empty",
    [TINCAN_ERROR_FLOOD] = "flood",
    [TINCAN_ERROR_NO_SUCH_USER] = "no-such-user",
    [TINCAN_ERROR_PASSCODE] = "passcode",
    [TINCAN_ERROR_BANNED] = "banned",
    [TINCAN_ERROR_STORAGE] = "storage",
    [TINCAN_ERROR_NOT_JOINED] = "not-joined",
  };

  if (error == NULL || error->domain != TINCAN_ERROR || error->code < 0 ||
      (gsize) error->code >= G_N_ELEMENTS (codes))
    return "error";
  return codes[error->code];
}

static void
tincan_room_dispose (GObject *object)
{
  TincanRoom *self = (TincanRoom *) object;

  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->by_nick, g_hash_table_unref);
  g_clear_pointer (&self->recent_posts, g_hash_table_unref);
  g_clear_pointer (&self->bans, g_hash_table_unref);
  g_clear_pointer (&self->by_cid, g_hash_table_unref);
  g_queue_clear_full (&self->cid_order, g_free);
  g_clear_object (&self->users);
  g_clear_object (&self->messages);
  g_clear_object (&self->history);

  G_OBJECT_CLASS (tincan_room_parent_class)->dispose (object);
}

static void
tincan_room_finalize (GObject *object)
{
  TincanRoom *self = (TincanRoom *) object;

  g_free (self->name);
  g_free (self->host_nick);

  G_OBJECT_CLASS (tincan_room_parent_class)->finalize (object);
}

static void
tincan_room_class_init (TincanRoomClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tincan_room_dispose;
  object_class->finalize = tincan_room_finalize;

  signals[USER_JOINED] = g_signal_new ("user-joined", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 1, TINCAN_TYPE_USER);
  signals[USER_LEFT] = g_signal_new ("user-left", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 2, TINCAN_TYPE_USER, G_TYPE_STRING);
  signals[USER_RENAMED] = g_signal_new ("user-renamed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 2, TINCAN_TYPE_USER, G_TYPE_STRING);
  signals[TYPING] = g_signal_new ("typing", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, TINCAN_TYPE_USER);
  /**
   * TincanRoom::message:
   * @self: the room
   * @message: a message, already stored
   *
   * Emitted for every message, in the order they were stored.
   */
  signals[MESSAGE] = g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, TINCAN_TYPE_MESSAGE);
  /**
   * TincanRoom::kick:
   * @self: the room
   * @user: who is sent away
   * @ban: whether they are banned too
   *
   * The host asked for @user to go; whoever carries @user's connection ends it.
   */
  signals[KICK] = g_signal_new ("kick", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL, G_TYPE_NONE, 2, TINCAN_TYPE_USER, G_TYPE_BOOLEAN);
}

/* A message posted with a client id: while it is being stored, resends wait here for its
 * outcome; once stored, a resend gets the stored message back and nothing is sent again. */
typedef struct
{
  TincanMessage *message;
  GPtrArray     *waiters;     /* GTask */
} CidEntry;

#define MAX_CIDS 4096

static void
cid_entry_free (gpointer data)
{
  CidEntry *entry = data;

  g_clear_object (&entry->message);
  g_clear_pointer (&entry->waiters, g_ptr_array_unref);
  g_free (entry);
}

static void
free_times (gpointer times)
{
  g_queue_free_full (times, g_free);
}

static void
tincan_room_init (TincanRoom *self)
{
  self->users = g_list_store_new (TINCAN_TYPE_USER);
  self->messages = g_list_store_new (TINCAN_TYPE_MESSAGE);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->by_nick = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->recent_posts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, free_times);
  self->bans = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->by_cid = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, cid_entry_free);
  g_queue_init (&self->cid_order);
  self->history_length = DEFAULT_HISTORY_LENGTH;
  self->max_length = DEFAULT_MAX_LENGTH;
  self->flood_messages = DEFAULT_FLOOD_MESSAGES;
  self->flood_seconds = DEFAULT_FLOOD_SECONDS;
  self->next_id = 1;
  self->next_guest = 1;
}

/**
 * tincan_room_new:
 * @name: the room's name
 * @host_nick: the host's nickname, reserved for the host
 * @history: (nullable): where messages are stored; %NULL keeps them in memory only
 *
 * Returns: (transfer full): a new room
 */
TincanRoom *
tincan_room_new (const char    *name,
                 const char    *host_nick,
                 TincanHistory *history)
{
  TincanRoom *self = g_object_new (TINCAN_TYPE_ROOM, NULL);

  self->name = g_strdup (name);
  self->host_nick = g_strdup (host_nick);
  if (history != NULL)
    {
      self->history = g_object_ref (history);
      self->next_id = tincan_history_next_id (history);
    }
  return self;
}

const char *
tincan_room_get_name (TincanRoom *self)
{
  g_return_val_if_fail (TINCAN_IS_ROOM (self), NULL);

  return self->name;
}

const char *
tincan_room_get_host_nick (TincanRoom *self)
{
  g_return_val_if_fail (TINCAN_IS_ROOM (self), NULL);

  return self->host_nick;
}

TincanHistory *
tincan_room_get_history (TincanRoom *self)
{
  g_return_val_if_fail (TINCAN_IS_ROOM (self), NULL);

  return self->history;
}

/**
 * tincan_room_get_users:
 * @self: a room
 *
 * Returns: (transfer none): the users present, a list model of #TincanUser
 */
GListModel *
tincan_room_get_users (TincanRoom *self)
{
  g_return_val_if_fail (TINCAN_IS_ROOM (self), NULL);

  return G_LIST_MODEL (self->users);
}

/**
 * tincan_room_get_messages:
 * @self: a room
 *
 * Returns: (transfer none): this session's log, a list model of #TincanMessage
 */
GListModel *
tincan_room_get_messages (TincanRoom *self)
{
  g_return_val_if_fail (TINCAN_IS_ROOM (self), NULL);

  return G_LIST_MODEL (self->messages);
}

TincanUser *
tincan_room_lookup_user (TincanRoom *self,
                         const char *id)
{
  g_return_val_if_fail (TINCAN_IS_ROOM (self), NULL);

  return id ? g_hash_table_lookup (self->by_id, id) : NULL;
}

TincanUser *
tincan_room_lookup_nick (TincanRoom *self,
                         const char *nick)
{
  g_autofree char *folded = NULL;

  g_return_val_if_fail (TINCAN_IS_ROOM (self), NULL);

  if (nick == NULL)
    return NULL;
  folded = g_utf8_casefold (nick, -1);
  return g_hash_table_lookup (self->by_nick, folded);
}

guint
tincan_room_get_history_length (TincanRoom *self)
{
  g_return_val_if_fail (TINCAN_IS_ROOM (self), 0);

  return self->history_length;
}

/**
 * tincan_room_set_history_length:
 * @self: a room
 * @length: how many past messages a joiner gets; 0 for none
 */
void
tincan_room_set_history_length (TincanRoom *self,
                                guint       length)
{
  g_return_if_fail (TINCAN_IS_ROOM (self));

  self->history_length = length;
}

guint
tincan_room_get_max_length (TincanRoom *self)
{
  g_return_val_if_fail (TINCAN_IS_ROOM (self), 0);

  return self->max_length;
}

void
tincan_room_set_max_length (TincanRoom *self,
                            guint       max_chars)
{
  g_return_if_fail (TINCAN_IS_ROOM (self));
  g_return_if_fail (max_chars > 0);

  self->max_length = max_chars;
}

/**
 * tincan_room_set_flood_limit:
 * @self: a room
 * @messages: how many messages...
 * @seconds: ...a user may send within this many seconds
 */
void
tincan_room_set_flood_limit (TincanRoom *self,
                             guint       messages,
                             guint       seconds)
{
  g_return_if_fail (TINCAN_IS_ROOM (self));

  self->flood_messages = messages;
  self->flood_seconds = seconds;
}

/* Messages one user may post per tincan_room_set_flood_limit() window; 0: no limit. */
guint
tincan_room_get_flood_limit (TincanRoom *self)
{
  g_return_val_if_fail (TINCAN_IS_ROOM (self), 0);

  return self->flood_messages;
}

static gboolean
is_spoofing_char (gunichar c)
{
  /* Bidirectional overrides and invisible characters would let "Server" be faked. */
  return (c >= 0x200B && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) ||
         (c >= 0x2060 && c <= 0x2069) || c == 0xFEFF;
}

/**
 * tincan_room_check_nick:
 * @self: a room
 * @nick: a wanted nickname
 * @error: why it is not acceptable
 *
 * Checks the rules, not whether the nickname is free.
 *
 * Returns: %TRUE if @nick may be used
 */
gboolean
tincan_room_check_nick (TincanRoom  *self,
                        const char  *nick,
                        GError     **error)
{
  g_autofree char *folded = NULL;
  g_autofree char *host = NULL;
  glong n_chars;

  g_return_val_if_fail (TINCAN_IS_ROOM (self), FALSE);

  if (nick == NULL || !g_utf8_validate (nick, -1, NULL) || *nick == '\0')
    {
      g_set_error_literal (error, TINCAN_ERROR, TINCAN_ERROR_NICK_INVALID, "A nickname cannot be empty");
      return FALSE;
    }

  n_chars = g_utf8_strlen (nick, -1);
  if (n_chars > MAX_NICK_CHARS)
    {
      g_set_error (error, TINCAN_ERROR, TINCAN_ERROR_NICK_INVALID,
                   "A nickname has at most %d characters", MAX_NICK_CHARS);
      return FALSE;
    }

  for (const char *p = nick; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c) || is_spoofing_char (c))
        {
          g_set_error_literal (error, TINCAN_ERROR, TINCAN_ERROR_NICK_INVALID,
                               "A nickname cannot contain control or invisible characters");
          return FALSE;
        }
    }

  if (g_unichar_isspace (g_utf8_get_char (nick)) ||
      g_unichar_isspace (g_utf8_get_char (g_utf8_prev_char (nick + strlen (nick)))))
    {
      g_set_error_literal (error, TINCAN_ERROR, TINCAN_ERROR_NICK_INVALID,
                           "A nickname cannot start or end with a space");
      return FALSE;
    }

  folded = g_utf8_casefold (nick, -1);
  host = self->host_nick ? g_utf8_casefold (self->host_nick, -1) : NULL;
  if (g_str_equal (folded, "server") || g_strcmp0 (folded, host) == 0)
    {
      g_set_error (error, TINCAN_ERROR, TINCAN_ERROR_NICK_INVALID, "The nickname “%s” is reserved", nick);
      return FALSE;
    }

  return TRUE;
}

/**
 * tincan_room_free_guest_nick:
 * @self: a room
 *
 * Returns: (transfer full): the next free "guest-N" nickname
 */
char *
tincan_room_free_guest_nick (TincanRoom *self)
{
  for (;;)
    {
      g_autofree char *nick = g_strdup_printf ("guest-%u", self->next_guest++);

      if (tincan_room_lookup_nick (self, nick) == NULL)
        return g_steal_pointer (&nick);
    }
}

/**
 * tincan_room_unique_nick:
 * @self: a room
 * @wanted: a valid nickname
 *
 * For clients that cannot be told "taken" (the tutorial dialects): @wanted, or @wanted with
 * the first free "-2", "-3"... suffix. Never a silent duplicate.
 *
 * Returns: (transfer full): a free nickname
 */
char *
tincan_room_unique_nick (TincanRoom *self,
                         const char *wanted)
{
  if (tincan_room_lookup_nick (self, wanted) == NULL)
    return g_strdup (wanted);

  for (guint n = 2; ; n++)
    {
      g_autofree char *suffix = g_strdup_printf ("-%u", n);
      glong room_for = MAX_NICK_CHARS - (glong) strlen (suffix);
      g_autofree char *base = g_utf8_substring (wanted, 0, MIN (g_utf8_strlen (wanted, -1), room_for));
      g_autofree char *nick = g_strconcat (base, suffix, NULL);

      /* The result must itself be a usable nickname: within the length limit, not reserved. */
      if (tincan_room_lookup_nick (self, nick) == NULL && tincan_room_check_nick (self, nick, NULL))
        return g_steal_pointer (&nick);
    }
}

static char *
ban_key (const char *kind,
         const char *value)
{
  g_autofree char *folded = NULL;

  if (g_str_equal (kind, "nick"))
    return g_strconcat ("nick:", (folded = g_utf8_casefold (value, -1)), NULL);
  /* An IPv4 client seen through an IPv6 socket is the same client. */
  if (g_str_has_prefix (value, "::ffff:") && strchr (value + 7, '.') != NULL)
    value += 7;
  return g_strconcat ("address:", value, NULL);
}

/**
 * tincan_room_is_banned:
 * @self: a room
 * @nick: (nullable): a nickname
 * @address: (nullable): an IP address
 *
 * Returns: %TRUE if either is banned, this session or (with a history) before
 */
gboolean
tincan_room_is_banned (TincanRoom *self,
                       const char *nick,
                       const char *address)
{
  g_return_val_if_fail (TINCAN_IS_ROOM (self), FALSE);

  if (nick != NULL)
    {
      g_autofree char *key = ban_key ("nick", nick);
      if (g_hash_table_contains (self->bans, key))
        return TRUE;
    }
  if (address != NULL)
    {
      g_autofree char *key = ban_key ("address", address);
      if (g_hash_table_contains (self->bans, key))
        return TRUE;
    }
  return self->history != NULL && tincan_history_is_banned (self->history, nick, address);
}

/**
 * tincan_room_join:
 * @self: a room
 * @user: a user not yet in the room
 * @error: %TINCAN_ERROR_NICK_TAKEN or %TINCAN_ERROR_BANNED
 *
 * Returns: %TRUE if @user is now present
 */
gboolean
tincan_room_join (TincanRoom  *self,
                  TincanUser  *user,
                  GError     **error)
{
  const char *nick = tincan_user_get_nick (user);

  g_return_val_if_fail (TINCAN_IS_ROOM (self), FALSE);
  g_return_val_if_fail (TINCAN_IS_USER (user), FALSE);

  if (tincan_user_get_dialect (user) != TINCAN_DIALECT_HOST && !tincan_room_check_nick (self, nick, error))
    return FALSE;

  if (tincan_room_lookup_nick (self, nick) != NULL)
    {
      g_set_error (error, TINCAN_ERROR, TINCAN_ERROR_NICK_TAKEN, "Someone here is already called “%s”", nick);
      return FALSE;
    }

  if (tincan_room_is_banned (self, nick, tincan_user_get_address (user)))
    {
      g_set_error_literal (error, TINCAN_ERROR, TINCAN_ERROR_BANNED, "You are banned from this room");
      return FALSE;
    }

  g_hash_table_insert (self->by_id, (char *) tincan_user_get_id (user), user);
  g_hash_table_insert (self->by_nick, g_utf8_casefold (nick, -1), user);
  g_list_store_append (self->users, user);
  g_signal_emit (self, signals[USER_JOINED], 0, user);
  return TRUE;
}

static gboolean
find_user (TincanRoom *self,
           TincanUser *user,
           guint      *position)
{
  return g_list_store_find (self->users, user, position);
}

/**
 * tincan_room_leave:
 * @self: a room
 * @user: a present user
 * @reason: why, for the log ("left", "kicked", a transport reason...)
 */
void
tincan_room_leave (TincanRoom *self,
                   TincanUser *user,
                   const char *reason)
{
  g_autoptr(TincanUser) hold = NULL;
  g_autofree char *folded = NULL;
  guint position;

  g_return_if_fail (TINCAN_IS_ROOM (self));
  g_return_if_fail (TINCAN_IS_USER (user));

  if (!find_user (self, user, &position))
    return;

  hold = g_object_ref (user);
  folded = g_utf8_casefold (tincan_user_get_nick (user), -1);
  g_hash_table_remove (self->by_id, tincan_user_get_id (user));
  g_hash_table_remove (self->by_nick, folded);
  g_hash_table_remove (self->recent_posts, tincan_user_get_id (user));
  g_list_store_remove (self->users, position);
  tincan_user_set_typing (user, FALSE);
  g_signal_emit (self, signals[USER_LEFT], 0, user, reason);
}

/**
 * tincan_room_rename:
 * @self: a room
 * @user: a present user
 * @nick: the new nickname
 * @error: why not
 *
 * Returns: %TRUE if renamed
 */
gboolean
tincan_room_rename (TincanRoom  *self,
                    TincanUser  *user,
                    const char  *nick,
                    GError     **error)
{
  g_autofree char *old = NULL;
  g_autofree char *old_folded = NULL;
  TincanUser *owner;

  g_return_val_if_fail (TINCAN_IS_ROOM (self), FALSE);

  if (!find_user (self, user, NULL))
    {
      g_set_error_literal (error, TINCAN_ERROR, TINCAN_ERROR_NOT_JOINED, "Join the room first");
      return FALSE;
    }

  if (!tincan_room_check_nick (self, nick, error))
    return FALSE;

  if (tincan_room_is_banned (self, nick, NULL))
    {
      g_set_error_literal (error, TINCAN_ERROR, TINCAN_ERROR_BANNED, "That nickname is banned from this room");
      return FALSE;
    }

  owner = tincan_room_lookup_nick (self, nick);
  if (owner != NULL && owner != user)
    {
      g_set_error (error, TINCAN_ERROR, TINCAN_ERROR_NICK_TAKEN, "Someone here is already called “%s”", nick);
      return FALSE;
    }

  old = g_strdup (tincan_user_get_nick (user));
  old_folded = g_utf8_casefold (old, -1);
  g_hash_table_remove (self->by_nick, old_folded);
  tincan_user_set_nick (user, nick);
  g_hash_table_insert (self->by_nick, g_utf8_casefold (nick, -1), user);
  g_signal_emit (self, signals[USER_RENAMED], 0, user, old);
  return TRUE;
}

void
tincan_room_set_typing (TincanRoom *self,
                        TincanUser *user,
                        gboolean    typing)
{
  g_return_if_fail (TINCAN_IS_ROOM (self));

  if (!find_user (self, user, NULL) || tincan_user_get_typing (user) == !!typing)
    return;

  tincan_user_set_typing (user, typing);
  g_signal_emit (self, signals[TYPING], 0, user);
}

static gboolean
check_flood (TincanRoom  *self,
             TincanUser  *user,
             GError     **error)
{
  GQueue *times;
  gint64 now = g_get_monotonic_time ();
  gint64 window = (gint64) self->flood_seconds * G_USEC_PER_SEC;

  if (self->flood_messages == 0 || tincan_user_get_dialect (user) == TINCAN_DIALECT_HOST)
    return TRUE;

  times = g_hash_table_lookup (self->recent_posts, tincan_user_get_id (user));
  if (times == NULL)
    {
      times = g_queue_new ();
      g_hash_table_insert (self->recent_posts, g_strdup (tincan_user_get_id (user)), times);
    }

  while (!g_queue_is_empty (times) && now - *(gint64 *) g_queue_peek_head (times) >= window)
    g_free (g_queue_pop_head (times));

  if (g_queue_get_length (times) >= self->flood_messages)
    {
      g_set_error (error, TINCAN_ERROR, TINCAN_ERROR_FLOOD,
                   "Slow down: at most %u messages in %u seconds", self->flood_messages, self->flood_seconds);
      return FALSE;
    }

  g_queue_push_tail (times, g_memdup2 (&now, sizeof now));
  return TRUE;
}

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

static void
publish (TincanRoom    *self,
         TincanMessage *message)
{
  g_list_store_append (self->messages, message);
  if (g_list_model_get_n_items (G_LIST_MODEL (self->messages)) > MAX_LOG)
    g_list_store_remove (self->messages, 0);
  g_signal_emit (self, signals[MESSAGE], 0, message);
}

static char *
cid_key (TincanMessage *message)
{
  g_autofree char *folded = g_utf8_casefold (tincan_message_get_from_nick (message), -1);

  return g_strconcat (folded, "\n", tincan_message_get_cid (message), NULL);
}

/* Completes a post and whatever resends of it waited. */
static void
settle (TincanRoom    *self,
        GTask         *task,
        TincanMessage *message,
        const GError  *error)
{
  g_autoptr(GPtrArray) waiters = NULL;
  CidEntry *entry = NULL;
  g_autofree char *key = NULL;

  if (tincan_message_get_cid (message) != NULL)
    {
      key = cid_key (message);
      entry = g_hash_table_lookup (self->by_cid, key);
    }

  if (entry != NULL)
    {
      waiters = g_steal_pointer (&entry->waiters);
      if (error == NULL)
        entry->message = g_object_ref (message);
      else
        /* Refused: the same id may be tried again later. */
        g_hash_table_remove (self->by_cid, key);
    }

  if (error == NULL)
    g_task_return_pointer (task, g_object_ref (message), g_object_unref);
  else
    g_task_return_error (task, g_error_copy (error));

  for (guint i = 0; waiters != NULL && i < waiters->len; i++)
    {
      GTask *waiter = g_ptr_array_index (waiters, i);

      if (error == NULL)
        g_task_return_pointer (waiter, g_object_ref (message), g_object_unref);
      else
        g_task_return_error (waiter, g_error_copy (error));
    }
}

/* What the sender is told: the reason in plain words, without the file's path, which is the
 * host's business (its log and window show the full error). */
static const char *
storage_reason (const GError *error)
{
  if (error->domain == TINCAN_HISTORY_ERROR)
    {
      switch ((TincanHistoryError) error->code)
        {
        case TINCAN_HISTORY_ERROR_FULL:
          return "The host could not store your message: its disk is full";

        case TINCAN_HISTORY_ERROR_READ_ONLY:
          return "The host could not store your message: its history file is read-only";

        case TINCAN_HISTORY_ERROR_CORRUPT:
          return "The host could not store your message: its history file is damaged";

        case TINCAN_HISTORY_ERROR_IO:
          return "The host could not store your message: its disk reported an error";

        case TINCAN_HISTORY_ERROR_CLOSED:
          return "The host could not store your message: the room is closing";

        case TINCAN_HISTORY_ERROR_FAILED:
        case TINCAN_HISTORY_ERROR_CANT_OPEN:
        case TINCAN_HISTORY_ERROR_BUSY:
        case TINCAN_HISTORY_ERROR_TOO_NEW:
        case TINCAN_HISTORY_ERROR_EXISTS:
        default:
          break;
        }
    }

  return "The host could not store your message";
}

static void
on_stored (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TincanRoom *self = g_task_get_source_object (task);
  TincanMessage *message = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!tincan_history_append_finish (TINCAN_HISTORY (source), result, &error))
    {
      g_autoptr(GError) refusal = NULL;

      /* Nothing is sent or acknowledged that is not stored. */
      g_debug ("Message %" G_GINT64_FORMAT " not stored: %s", tincan_message_get_id (message), error->message);
      refusal = g_error_new_literal (TINCAN_ERROR, TINCAN_ERROR_STORAGE, storage_reason (error));
      settle (self, task, message, refusal);
      return;
    }

  publish (self, message);
  settle (self, task, message, NULL);
}

/* Returns TRUE if @task was answered or queued because @cid was seen from @author before. */
static gboolean
handle_resend (TincanRoom *self,
               TincanUser *author,
               const char *cid,
               GTask      *task)
{
  g_autofree char *folded = g_utf8_casefold (tincan_user_get_nick (author), -1);
  g_autofree char *key = g_strconcat (folded, "\n", cid, NULL);
  CidEntry *entry = g_hash_table_lookup (self->by_cid, key);

  if (entry == NULL)
    {
      entry = g_new0 (CidEntry, 1);
      entry->waiters = g_ptr_array_new_with_free_func (g_object_unref);
      g_hash_table_insert (self->by_cid, g_strdup (key), entry);
      g_queue_push_tail (&self->cid_order, g_strdup (key));
      /* Bounded: a resend comes within a reconnection, not hours later. */
      while (g_queue_get_length (&self->cid_order) > MAX_CIDS)
        {
          g_autofree char *oldest = g_queue_pop_head (&self->cid_order);
          CidEntry *old = g_hash_table_lookup (self->by_cid, oldest);

          if (old != NULL && old->message != NULL)
            g_hash_table_remove (self->by_cid, oldest);
        }
      return FALSE;
    }

  if (entry->message != NULL)
    g_task_return_pointer (task, g_object_ref (entry->message), g_object_unref);
  else
    g_ptr_array_add (entry->waiters, g_object_ref (task));
  return TRUE;
}

/**
 * tincan_room_post_async:
 * @self: a room
 * @author: a present user
 * @to_nick: (nullable): for a private message, the recipient
 * @text: plain text
 * @cancellable: (nullable): a #GCancellable
 * @callback: called once the message is stored and sent, or refused
 * @user_data: data for @callback
 *
 * Checks, stores, then publishes a message. The "message" signal fires just before
 * @callback, so everyone sees the message no later than its author's acknowledgement.
 */
void
tincan_room_post_async (TincanRoom          *self,
                        TincanUser          *author,
                        const char          *to_nick,
                        const char          *text,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  tincan_room_post_full_async (self, author, to_nick, text, NULL, cancellable, callback, user_data);
}

/**
 * tincan_room_post_full_async:
 * @self: a room
 * @author: a present user
 * @to_nick: (nullable): for a private message, the recipient
 * @text: plain text
 * @cid: (nullable): the author's client-side id for the message
 * @cancellable: (nullable): a #GCancellable
 * @callback: called once the message is stored and sent, or refused
 * @user_data: data for @callback
 *
 * As tincan_room_post_async(). A client that did not get its acknowledgement sends again with
 * the same @cid; the resend gets the first one's outcome and nothing is posted twice.
 */
void
tincan_room_post_full_async (TincanRoom          *self,
                             TincanUser          *author,
                             const char          *to_nick,
                             const char          *text,
                             const char          *cid,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(TincanMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  TincanUser *recipient = NULL;
  glong n_chars;

  g_return_if_fail (TINCAN_IS_ROOM (self));
  g_return_if_fail (TINCAN_IS_USER (author));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tincan_room_post_async);

  if (!find_user (self, author, NULL))
    {
      g_task_return_new_error (task, TINCAN_ERROR, TINCAN_ERROR_NOT_JOINED, "Join the room first");
      return;
    }

  if (text == NULL || !g_utf8_validate (text, -1, NULL) || is_blank (text))
    {
      g_task_return_new_error (task, TINCAN_ERROR, TINCAN_ERROR_EMPTY, "A message cannot be empty");
      return;
    }

  n_chars = g_utf8_strlen (text, -1);
  if ((guint) n_chars > self->max_length)
    {
      g_task_return_new_error (task, TINCAN_ERROR, TINCAN_ERROR_TOO_LONG,
                               "A message has at most %u characters", self->max_length);
      return;
    }

  if (to_nick != NULL)
    {
      recipient = tincan_room_lookup_nick (self, to_nick);
      if (recipient == NULL)
        {
          g_task_return_new_error (task, TINCAN_ERROR, TINCAN_ERROR_NO_SUCH_USER, "Nobody here is called “%s”", to_nick);
          return;
        }
    }

  if (cid != NULL && handle_resend (self, author, cid, task))
    return;

  if (!check_flood (self, author, &error))
    {
      if (cid != NULL)
        {
          g_autoptr(TincanMessage) refused = tincan_message_new (TINCAN_MESSAGE_CHAT, 0, 0,
                                                                  tincan_user_get_nick (author), NULL, text);

          tincan_message_set_cid (refused, cid);
          settle (self, task, refused, error);
          return;
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  message = tincan_message_new (recipient ? TINCAN_MESSAGE_PRIVATE : TINCAN_MESSAGE_CHAT,
                                self->next_id++, g_get_real_time () / 1000,
                                tincan_user_get_nick (author),
                                recipient ? tincan_user_get_nick (recipient) : NULL, text);
  tincan_message_set_cid (message, cid);
  if (recipient != NULL)
    tincan_message_set_keys (message, tincan_user_get_key (author), tincan_user_get_key (recipient));
  g_task_set_task_data (task, g_object_ref (message), g_object_unref);

  if (self->history == NULL)
    {
      publish (self, message);
      settle (self, task, message, NULL);
      return;
    }

  tincan_history_append_async (self->history, message, NULL, on_stored, g_steal_pointer (&task));
}

/**
 * tincan_room_post_finish:
 * @self: a room
 * @result: the result
 * @error: why the message was refused
 *
 * Returns: (transfer full): the stored message
 */
TincanMessage *
tincan_room_post_finish (TincanRoom    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * tincan_room_recent_for:
 * @self: a room
 * @viewer_nick: (nullable): who will see them
 *
 * The history a joiner gets: the last history-length messages @viewer_nick may see.
 *
 * Returns: (transfer container) (element-type TincanMessage): oldest first
 */
GPtrArray *
tincan_room_recent_for (TincanRoom *self,
                        const char *viewer_nick,
                        const char *viewer_key)
{
  GPtrArray *recent = NULL;
  guint n;

  g_return_val_if_fail (TINCAN_IS_ROOM (self), NULL);

  if (self->history_length == 0)
    return g_ptr_array_new_with_free_func (g_object_unref);

  if (self->history != NULL)
    {
      g_autoptr(GError) error = NULL;

      recent = tincan_history_load_recent (self->history, self->history_length, viewer_nick, viewer_key,
                                           &error);
      if (recent != NULL)
        return recent;
      g_debug ("Could not read the history: %s", error->message);
    }

  recent = g_ptr_array_new_with_free_func (g_object_unref);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->messages));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TincanMessage) message = g_list_model_get_item (G_LIST_MODEL (self->messages), i);

      if (tincan_message_may_replay_to (message, viewer_nick, viewer_key))
        g_ptr_array_add (recent, g_steal_pointer (&message));
    }
  if (recent->len > self->history_length)
    g_ptr_array_remove_range (recent, 0, recent->len - self->history_length);
  return recent;
}

/**
 * tincan_room_mirror_user:
 * @self: a room that mirrors another server's room
 * @user: someone present there
 *
 * For a remote room: the other server applies its own rules, so none are checked here; a
 * nickname already listed is replaced.
 */
void
tincan_room_mirror_user (TincanRoom *self,
                         TincanUser *user)
{
  TincanUser *existing;

  g_return_if_fail (TINCAN_IS_ROOM (self));
  g_return_if_fail (TINCAN_IS_USER (user));

  existing = tincan_room_lookup_nick (self, tincan_user_get_nick (user));
  if (existing != NULL)
    tincan_room_leave (self, existing, "replaced");

  g_hash_table_insert (self->by_id, (char *) tincan_user_get_id (user), user);
  g_hash_table_insert (self->by_nick, g_utf8_casefold (tincan_user_get_nick (user), -1), user);
  g_list_store_append (self->users, user);
  g_signal_emit (self, signals[USER_JOINED], 0, user);
}

/**
 * tincan_room_mirror_message:
 * @self: a room that mirrors another server's room
 * @message: a message that server sent
 *
 * Shows @message as if posted here; the other server stored it.
 */
void
tincan_room_mirror_message (TincanRoom    *self,
                            TincanMessage *message)
{
  GListModel *messages;
  guint n;

  g_return_if_fail (TINCAN_IS_ROOM (self));
  g_return_if_fail (TINCAN_IS_MESSAGE (message));

  /* A reconnection replays recent history: show each message once. */
  messages = G_LIST_MODEL (self->messages);
  n = g_list_model_get_n_items (messages);
  if (tincan_message_get_id (message) > 0)
    for (guint i = n; i > 0 && i + 200 > n; i--)
      {
        g_autoptr(TincanMessage) seen = g_list_model_get_item (messages, i - 1);

        if (tincan_message_get_id (seen) == tincan_message_get_id (message))
          return;
      }

  publish (self, message);
}

/**
 * tincan_room_kick:
 * @self: a room
 * @user: a present user
 * @ban: also keep their address and nickname out, across restarts
 */
void
tincan_room_kick (TincanRoom *self,
                  TincanUser *user,
                  gboolean    ban)
{
  g_autoptr(TincanUser) hold = NULL;

  g_return_if_fail (TINCAN_IS_ROOM (self));
  g_return_if_fail (TINCAN_IS_USER (user));

  hold = g_object_ref (user);
  if (ban)
    {
      g_hash_table_add (self->bans, ban_key ("nick", tincan_user_get_nick (user)));
      if (tincan_user_get_address (user) != NULL)
        g_hash_table_add (self->bans, ban_key ("address", tincan_user_get_address (user)));
    }
  if (ban && self->history != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!tincan_history_add_ban (self->history, "nick", tincan_user_get_nick (user), &error) ||
          (tincan_user_get_address (user) != NULL &&
           !tincan_history_add_ban (self->history, "address", tincan_user_get_address (user), &error)))
        g_debug ("Could not store the ban: %s", error->message);
    }

  g_signal_emit (self, signals[KICK], 0, user, ban);
  tincan_room_leave (self, user, ban ? "banned" : "kicked");
}
