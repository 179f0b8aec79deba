/* tincan-chat-view.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A conversation on screen, whoever carries it: the people list, the log and the entry. The
 * hosting window feeds it a TincanRoom's models, the remote window a TincanRemoteRoom's; it
 * only shows them and says, through "send" and "typing", what the person at the keyboard does.
 *
 * The log is a GtkListView, so only the rows on screen exist however long the conversation
 * gets. It follows new messages while it is scrolled to the bottom; once the reader scrolls up
 * it stays put and offers a button back down. */

#include "config.h"

#include "tincan-chat-view.h"
#include "tincan-message-row.h"
#include "tincan-message.h"
#include "tincan-user-row.h"
#include "tincan-user.h"

#include <glib/gi18n.h>
#include <string.h>

/* How close to the bottom still counts as "at the bottom", in pixels. */
#define FOLLOW_SLACK 48
/* Typing stops being announced after this long without a keystroke. */
#define TYPING_IDLE_SECONDS 4

struct _TincanChatView
{
  GtkWidget       parent_instance;

  /* template children */
  AdwFlap        *flap;
  GtkBox         *sidebar_header_box;
  GtkLabel       *people_count_label;
  GtkListView    *people_list;
  GtkStack       *log_stack;
  GtkScrolledWindow *message_scroller;
  GtkListView    *message_list;
  GtkRevealer    *jump_revealer;
  GtkLabel       *typing_label;
  GtkRevealer    *private_revealer;
  GtkLabel       *private_label;
  GtkEntry       *compose_entry;

  /* owned */
  GListModel     *users;
  GListModel     *messages;
  GtkSortListModel *sorted_users;
  GPtrArray      *watched_users;   /* TincanUser *, whose "typing" we listen to */
  char           *self_nick;
  char           *private_target;
  GtkWidget      *sidebar_header;

  guint           typing_timeout_id;
  guint           scroll_idle_id;
  double          last_upper;
  double          last_value;
  gboolean        typing;
  gboolean        follow;
  gboolean        can_moderate;
  gboolean        can_message;
};

enum {
  PROP_0,
  PROP_SHOW_SIDEBAR,
  PROP_FOLDED,
  PROP_CAN_MODERATE,
  PROP_PRIVATE_TARGET,
  PROP_SIDEBAR_HEADER,
  N_PROPS
};

enum {
  SEND,
  TYPING,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TincanChatView, tincan_chat_view, GTK_TYPE_WIDGET)

/* ---- Following the bottom --------------------------------------------------------------- */

static gboolean
is_at_bottom (GtkAdjustment *adjustment)
{
  double bottom = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);

  return gtk_adjustment_get_value (adjustment) >= bottom - FOLLOW_SLACK;
}

static void
jump_to_bottom (TincanChatView *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->message_scroller);
  guint n = self->messages ? g_list_model_get_n_items (self->messages) : 0;

  /* The list view only knows the real height of the rows it has laid out, so ask it to show
   * the last item first, then go to whatever the bottom is now. */
  if (n > 0)
    gtk_widget_activate_action (GTK_WIDGET (self->message_list), "list.scroll-to-item", "u", n - 1);
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) -
                                        gtk_adjustment_get_page_size (adjustment));
}

static gboolean
scroll_idle_cb (gpointer data)
{
  TincanChatView *self = data;

  self->scroll_idle_id = 0;
  if (self->follow)
    jump_to_bottom (self);
  return G_SOURCE_REMOVE;
}

static void
queue_scroll_to_bottom (TincanChatView *self)
{
  if (self->scroll_idle_id == 0)
    self->scroll_idle_id = g_idle_add_full (GTK_PRIORITY_RESIZE + 1, scroll_idle_cb, self, NULL);
}

static void
on_vadjustment_value_changed (GtkAdjustment  *adjustment,
                              TincanChatView *self)
{
  double upper = gtk_adjustment_get_upper (adjustment);
  double value = gtk_adjustment_get_value (adjustment);
  /* Only the reader moves the view away from the bottom. The list view also moves the value
   * when rows are measured and the content grows: those changes come with a new upper bound,
   * and do not count. Nor do the small steps it takes re-anchoring rows while a jump to the
   * bottom is still pending: with new lines every frame the bound can stay the same, and a
   * busy room's log stopped following on its own. */
  gboolean settling = self->follow && self->scroll_idle_id != 0 &&
                      ABS (value - self->last_value) < FOLLOW_SLACK;

  if (is_at_bottom (adjustment))
    self->follow = TRUE;
  else if (upper == self->last_upper && !settling)
    self->follow = FALSE;
  self->last_upper = upper;
  self->last_value = value;
  gtk_revealer_set_reveal_child (self->jump_revealer, !self->follow);
}

static void
on_vadjustment_changed (GtkAdjustment  *adjustment,
                        TincanChatView *self)
{
  self->last_upper = gtk_adjustment_get_upper (adjustment);

  /* The content grew or the window was resized. */
  if (self->follow && !is_at_bottom (adjustment))
    queue_scroll_to_bottom (self);
}

static void
on_messages_changed (GListModel     *model,
                     guint           position,
                     guint           removed,
                     guint           added,
                     TincanChatView *self)
{
  gtk_stack_set_visible_child_name (self->log_stack, g_list_model_get_n_items (model) > 0 ? "log" : "empty");
  if (added > 0 && self->follow)
    queue_scroll_to_bottom (self);
}

/* ---- People ----------------------------------------------------------------------------- */

static void
update_typing (TincanChatView *self)
{
  g_autofree char *text = NULL;
  const char *first = NULL;
  const char *second = NULL;
  guint n = 0;

  for (guint i = 0; i < self->watched_users->len; i++)
    {
      TincanUser *user = g_ptr_array_index (self->watched_users, i);

      if (!tincan_user_get_typing (user) || g_strcmp0 (tincan_user_get_nick (user), self->self_nick) == 0)
        continue;
      if (n == 0)
        first = tincan_user_get_nick (user);
      else if (n == 1)
        second = tincan_user_get_nick (user);
      n++;
    }

  if (n == 0)
    text = g_strdup ("");
  else if (n == 1)
    /* Translators: under the chat log; %s is a nickname */
    text = g_strdup_printf (_("%s is typing…"), first);
  else if (n == 2)
    /* Translators: under the chat log; both %s are nicknames */
    text = g_strdup_printf (_("%s and %s are typing…"), first, second);
  else
    text = g_strdup (_("Several people are typing…"));

  gtk_label_set_text (self->typing_label, text);
}

static void
unwatch_users (TincanChatView *self)
{
  for (guint i = 0; i < self->watched_users->len; i++)
    g_signal_handlers_disconnect_by_func (g_ptr_array_index (self->watched_users, i), update_typing, self);
  g_ptr_array_set_size (self->watched_users, 0);
}

/* A filter model would not notice "typing" changing, so every present user is watched. */
static void
on_users_changed (TincanChatView *self)
{
  guint n = self->users ? g_list_model_get_n_items (self->users) : 0;
  g_autofree char *count = g_strdup_printf ("%u", n);
  gboolean still_here = FALSE;

  gtk_label_set_text (self->people_count_label, count);

  unwatch_users (self);
  for (guint i = 0; i < n; i++)
    {
      TincanUser *user = g_list_model_get_item (self->users, i);

      g_signal_connect_swapped (user, "notify::typing", G_CALLBACK (update_typing), self);
      g_ptr_array_add (self->watched_users, user);
      if (self->private_target != NULL && g_strcmp0 (tincan_user_get_nick (user), self->private_target) == 0)
        still_here = TRUE;
    }
  update_typing (self);

  /* Whoever we were writing to privately has left. */
  if (self->private_target != NULL && !still_here)
    tincan_chat_view_set_private_target (self, NULL);
}

static int
compare_people (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  TincanUser *ua = (TincanUser *) a;
  TincanUser *ub = (TincanUser *) b;
  gboolean host_a = tincan_user_get_dialect (ua) == TINCAN_DIALECT_HOST;
  gboolean host_b = tincan_user_get_dialect (ub) == TINCAN_DIALECT_HOST;
  g_autofree char *key_a = NULL;
  g_autofree char *key_b = NULL;

  if (host_a != host_b)
    return host_a ? -1 : 1;

  key_a = g_utf8_collate_key (tincan_user_get_nick (ua), -1);
  key_b = g_utf8_collate_key (tincan_user_get_nick (ub), -1);
  return strcmp (key_a, key_b);
}

/* ---- List factories --------------------------------------------------------------------- */

static void
setup_message_row (GtkListItemFactory *factory,
                   GtkListItem        *item,
                   TincanChatView     *self)
{
  gtk_list_item_set_activatable (item, FALSE);
  gtk_list_item_set_selectable (item, FALSE);
  gtk_list_item_set_child (item, tincan_message_row_new ());
}

static void
bind_message_row (GtkListItemFactory *factory,
                  GtkListItem        *item,
                  TincanChatView     *self)
{
  TincanMessageRow *row = TINCAN_MESSAGE_ROW (gtk_list_item_get_child (item));
  guint position = gtk_list_item_get_position (item);
  g_autoptr(TincanMessage) previous = NULL;

  if (position > 0 && self->messages != NULL)
    previous = g_list_model_get_item (self->messages, position - 1);
  tincan_message_row_set_message (row, gtk_list_item_get_item (item), previous, self->self_nick);
}

static void
unbind_message_row (GtkListItemFactory *factory,
                    GtkListItem        *item,
                    TincanChatView     *self)
{
  tincan_message_row_set_message (TINCAN_MESSAGE_ROW (gtk_list_item_get_child (item)), NULL, NULL, NULL);
}

static void
setup_user_row (GtkListItemFactory *factory,
                GtkListItem        *item,
                TincanChatView     *self)
{
  gtk_list_item_set_activatable (item, FALSE);
  gtk_list_item_set_child (item, tincan_user_row_new ());
}

static void
bind_user_row (GtkListItemFactory *factory,
               GtkListItem        *item,
               TincanChatView     *self)
{
  TincanUserRow *row = TINCAN_USER_ROW (gtk_list_item_get_child (item));
  TincanUser *user = gtk_list_item_get_item (item);

  tincan_user_row_set_capabilities (row, self->can_message, self->can_moderate);
  tincan_user_row_set_user (row, user, g_strcmp0 (tincan_user_get_nick (user), self->self_nick) == 0);
}

static void
unbind_user_row (GtkListItemFactory *factory,
                 GtkListItem        *item,
                 TincanChatView     *self)
{
  tincan_user_row_set_user (TINCAN_USER_ROW (gtk_list_item_get_child (item)), NULL, FALSE);
}

/* ---- Composing -------------------------------------------------------------------------- */

static void
set_typing (TincanChatView *self,
            gboolean        typing)
{
  if (!typing)
    g_clear_handle_id (&self->typing_timeout_id, g_source_remove);
  if (self->typing == typing)
    return;
  self->typing = typing;
  g_signal_emit (self, signals[TYPING], 0, typing);
}

static gboolean
typing_timeout_cb (gpointer data)
{
  TincanChatView *self = data;

  self->typing_timeout_id = 0;
  set_typing (self, FALSE);
  return G_SOURCE_REMOVE;
}

static void
on_entry_changed (TincanChatView *self,
                  GtkEditable    *editable)
{
  const char *text = gtk_editable_get_text (editable);
  gboolean empty = text == NULL || *text == '\0';

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.send", !empty);
  if (empty)
    {
      set_typing (self, FALSE);
      return;
    }

  set_typing (self, TRUE);
  g_clear_handle_id (&self->typing_timeout_id, g_source_remove);
  self->typing_timeout_id = g_timeout_add_seconds (TYPING_IDLE_SECONDS, typing_timeout_cb, self);
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
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  TincanChatView *self = TINCAN_CHAT_VIEW (widget);
  g_autofree char *text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->compose_entry)));
  g_autofree char *to = g_strdup (self->private_target);

  if (is_blank (text))
    return;

  gtk_editable_set_text (GTK_EDITABLE (self->compose_entry), "");
  set_typing (self, FALSE);
  /* What the reader just wrote is what they want to see. */
  self->follow = TRUE;
  queue_scroll_to_bottom (self);
  g_signal_emit (self, signals[SEND], 0, text, to);
}

static void
on_entry_activate (TincanChatView *self,
                   GtkEntry       *entry)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "chat.send", NULL);
}

static void
private_message_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  TincanChatView *self = TINCAN_CHAT_VIEW (widget);

  tincan_chat_view_set_private_target (self, g_variant_get_string (parameter, NULL));
  tincan_chat_view_focus_entry (self);
}

static void
cancel_private_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  tincan_chat_view_set_private_target (TINCAN_CHAT_VIEW (widget), NULL);
}

static void
scroll_to_bottom_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  tincan_chat_view_scroll_to_bottom (TINCAN_CHAT_VIEW (widget));
}

static void
update_placeholder (TincanChatView *self)
{
  g_autofree char *placeholder = NULL;

  if (self->private_target != NULL)
    /* Translators: placeholder of the message entry; %s is a nickname */
    placeholder = g_strdup_printf (_("Message %s privately"), self->private_target);
  else
    placeholder = g_strdup (_("Message everyone"));
  gtk_entry_set_placeholder_text (self->compose_entry, placeholder);
}

/* ---- GObject ---------------------------------------------------------------------------- */

static void
tincan_chat_view_dispose (GObject *object)
{
  TincanChatView *self = (TincanChatView *) object;
  GtkWidget *child;

  g_clear_handle_id (&self->typing_timeout_id, g_source_remove);
  g_clear_handle_id (&self->scroll_idle_id, g_source_remove);
  if (self->messages != NULL)
    g_signal_handlers_disconnect_by_data (self->messages, self);
  if (self->users != NULL)
    g_signal_handlers_disconnect_by_data (self->users, self);
  if (self->watched_users != NULL)
    unwatch_users (self);

  gtk_widget_dispose_template (GTK_WIDGET (self), TINCAN_TYPE_CHAT_VIEW);
  /* A plain GtkWidget does not drop its children itself; the template's are not all bound. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  g_clear_pointer (&self->watched_users, g_ptr_array_unref);
  g_clear_object (&self->sorted_users);
  g_clear_object (&self->users);
  g_clear_object (&self->messages);

  G_OBJECT_CLASS (tincan_chat_view_parent_class)->dispose (object);
}

static void
tincan_chat_view_finalize (GObject *object)
{
  TincanChatView *self = (TincanChatView *) object;

  g_free (self->self_nick);
  g_free (self->private_target);

  G_OBJECT_CLASS (tincan_chat_view_parent_class)->finalize (object);
}

static void
tincan_chat_view_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  TincanChatView *self = TINCAN_CHAT_VIEW (object);

  switch (prop_id)
    {
    case PROP_SHOW_SIDEBAR:
      g_value_set_boolean (value, adw_flap_get_reveal_flap (self->flap));
      break;

    case PROP_FOLDED:
      g_value_set_boolean (value, adw_flap_get_folded (self->flap));
      break;

    case PROP_CAN_MODERATE:
      g_value_set_boolean (value, self->can_moderate);
      break;

    case PROP_PRIVATE_TARGET:
      g_value_set_string (value, self->private_target);
      break;

    case PROP_SIDEBAR_HEADER:
      g_value_set_object (value, self->sidebar_header);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tincan_chat_view_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  TincanChatView *self = TINCAN_CHAT_VIEW (object);

  switch (prop_id)
    {
    case PROP_SHOW_SIDEBAR:
      adw_flap_set_reveal_flap (self->flap, g_value_get_boolean (value));
      break;

    case PROP_CAN_MODERATE:
      tincan_chat_view_set_can_moderate (self, g_value_get_boolean (value));
      break;

    case PROP_PRIVATE_TARGET:
      tincan_chat_view_set_private_target (self, g_value_get_string (value));
      break;

    case PROP_SIDEBAR_HEADER:
      tincan_chat_view_set_sidebar_header (self, g_value_get_object (value));
      break;

    case PROP_FOLDED:
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
on_flap_notify (TincanChatView *self,
                GParamSpec     *pspec,
                AdwFlap        *flap)
{
  if (g_str_equal (pspec->name, "reveal-flap"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_SIDEBAR]);
  else if (g_str_equal (pspec->name, "folded"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLDED]);
}

static void
tincan_chat_view_class_init (TincanChatViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tincan_chat_view_dispose;
  object_class->finalize = tincan_chat_view_finalize;
  object_class->get_property = tincan_chat_view_get_property;
  object_class->set_property = tincan_chat_view_set_property;

  properties[PROP_SHOW_SIDEBAR] =
    g_param_spec_boolean ("show-sidebar", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FOLDED] =
    g_param_spec_boolean ("folded", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_MODERATE] =
    g_param_spec_boolean ("can-moderate", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PRIVATE_TARGET] =
    g_param_spec_string ("private-target", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_SIDEBAR_HEADER] =
    g_param_spec_object ("sidebar-header", NULL, NULL, GTK_TYPE_WIDGET,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TincanChatView::send:
   * @self: the view
   * @text: what was written
   * @to_nick: (nullable): the recipient of a private message
   *
   * The entry was sent; it is already empty. Give the text back with
   * tincan_chat_view_restore_draft() if it cannot be delivered.
   */
  signals[SEND] = g_signal_new ("send", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  /**
   * TincanChatView::typing:
   * @self: the view
   * @typing: whether the person at the keyboard is writing a message
   */
  signals[TYPING] = g_signal_new ("typing", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "ui/tincan-chat-view.ui");
  gtk_widget_class_bind_template_child (widget_class, TincanChatView, flap);
  gtk_widget_class_bind_template_child (widget_class, TincanChatView, sidebar_header_box);
  gtk_widget_class_bind_template_child (widget_class, TincanChatView, people_count_label);
  gtk_widget_class_bind_template_child (widget_class, TincanChatView, people_list);
  gtk_widget_class_bind_template_child (widget_class, TincanChatView, log_stack);
  gtk_widget_class_bind_template_child (widget_class, TincanChatView, message_scroller);
  gtk_widget_class_bind_template_child (widget_class, TincanChatView, message_list);
  gtk_widget_class_bind_template_child (widget_class, TincanChatView, jump_revealer);
  gtk_widget_class_bind_template_child (widget_class, TincanChatView, typing_label);
  gtk_widget_class_bind_template_child (widget_class, TincanChatView, private_revealer);
  gtk_widget_class_bind_template_child (widget_class, TincanChatView, private_label);
  gtk_widget_class_bind_template_child (widget_class, TincanChatView, compose_entry);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_flap_notify);

  gtk_widget_class_install_action (widget_class, "chat.send", NULL, send_action);
  gtk_widget_class_install_action (widget_class, "chat.private-message", "s", private_message_action);
  gtk_widget_class_install_action (widget_class, "chat.cancel-private", NULL, cancel_private_action);
  gtk_widget_class_install_action (widget_class, "chat.scroll-to-bottom", NULL, scroll_to_bottom_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "chat.cancel-private", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "chatview");

  g_type_ensure (TINCAN_TYPE_MESSAGE_ROW);
  g_type_ensure (TINCAN_TYPE_USER_ROW);
}

static void
tincan_chat_view_init (TincanChatView *self)
{
  GtkListItemFactory *factory;
  GtkAdjustment *vadjustment;
  GtkNoSelection *selection;
  GtkSorter *sorter;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->follow = TRUE;
  self->can_message = TRUE;

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_message_row), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_message_row), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_message_row), self);
  gtk_list_view_set_factory (self->message_list, factory);
  g_object_unref (factory);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_user_row), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_user_row), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_user_row), self);
  gtk_list_view_set_factory (self->people_list, factory);
  g_object_unref (factory);

  sorter = GTK_SORTER (gtk_custom_sorter_new (compare_people, NULL, NULL));
  self->sorted_users = gtk_sort_list_model_new (NULL, sorter);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->sorted_users)));
  gtk_list_view_set_model (self->people_list, GTK_SELECTION_MODEL (selection));

  self->watched_users = g_ptr_array_new_with_free_func (g_object_unref);

  vadjustment = gtk_scrolled_window_get_vadjustment (self->message_scroller);
  g_signal_connect (vadjustment, "value-changed", G_CALLBACK (on_vadjustment_value_changed), self);
  g_signal_connect (vadjustment, "changed", G_CALLBACK (on_vadjustment_changed), self);

  update_placeholder (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.send", FALSE);
}

/**
 * tincan_chat_view_set_room:
 * @self: a chat view
 * @users: (nullable): a list model of #TincanUser
 * @messages: (nullable): a list model of #TincanMessage, oldest first
 * @self_nick: (nullable): the nickname of the person at the keyboard
 */
void
tincan_chat_view_set_room (TincanChatView *self,
                           GListModel     *users,
                           GListModel     *messages,
                           const char     *self_nick)
{
  g_return_if_fail (TINCAN_IS_CHAT_VIEW (self));
  g_return_if_fail (users == NULL || G_IS_LIST_MODEL (users));
  g_return_if_fail (messages == NULL || G_IS_LIST_MODEL (messages));

  if (self->messages != NULL)
    g_signal_handlers_disconnect_by_data (self->messages, self);
  if (self->users != NULL)
    g_signal_handlers_disconnect_by_data (self->users, self);

  g_free (self->self_nick);
  self->self_nick = g_strdup (self_nick);
  g_set_object (&self->users, users);
  g_set_object (&self->messages, messages);
  tincan_chat_view_set_private_target (self, NULL);

  gtk_sort_list_model_set_model (self->sorted_users, users);
  if (users != NULL)
    g_signal_connect_swapped (users, "items-changed", G_CALLBACK (on_users_changed), self);
  on_users_changed (self);

  if (messages != NULL)
    {
      gtk_list_view_set_model (self->message_list,
                               GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (messages))));
      g_signal_connect (messages, "items-changed", G_CALLBACK (on_messages_changed), self);
      on_messages_changed (messages, 0, 0, 0, self);
    }
  else
    {
      gtk_list_view_set_model (self->message_list, NULL);
      gtk_stack_set_visible_child_name (self->log_stack, "empty");
    }

  self->follow = TRUE;
  queue_scroll_to_bottom (self);
}

GListModel *
tincan_chat_view_get_messages (TincanChatView *self)
{
  g_return_val_if_fail (TINCAN_IS_CHAT_VIEW (self), NULL);

  return self->messages;
}

GListModel *
tincan_chat_view_get_users (TincanChatView *self)
{
  g_return_val_if_fail (TINCAN_IS_CHAT_VIEW (self), NULL);

  return self->users;
}

const char *
tincan_chat_view_get_self_nick (TincanChatView *self)
{
  g_return_val_if_fail (TINCAN_IS_CHAT_VIEW (self), NULL);

  return self->self_nick;
}

/**
 * tincan_chat_view_set_sidebar_header:
 * @self: a chat view
 * @widget: (nullable): shown above the people list (the hosting window's invitation)
 */
void
tincan_chat_view_set_sidebar_header (TincanChatView *self,
                                     GtkWidget      *widget)
{
  g_return_if_fail (TINCAN_IS_CHAT_VIEW (self));

  if (self->sidebar_header == widget)
    return;
  if (self->sidebar_header != NULL)
    gtk_box_remove (self->sidebar_header_box, self->sidebar_header);
  self->sidebar_header = widget;
  if (widget != NULL)
    gtk_box_append (self->sidebar_header_box, widget);
  gtk_widget_set_visible (GTK_WIDGET (self->sidebar_header_box), widget != NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIDEBAR_HEADER]);
}

static void
refresh_user_rows (TincanChatView *self)
{
  /* Rebinding every row is the simplest way to update their menus, and people lists are short. */
  GtkSelectionModel *model = gtk_list_view_get_model (self->people_list);

  if (model != NULL)
    g_list_model_items_changed (G_LIST_MODEL (model), 0, g_list_model_get_n_items (G_LIST_MODEL (model)),
                                g_list_model_get_n_items (G_LIST_MODEL (model)));
}

void
tincan_chat_view_set_can_moderate (TincanChatView *self,
                                   gboolean        can_moderate)
{
  g_return_if_fail (TINCAN_IS_CHAT_VIEW (self));

  can_moderate = !!can_moderate;
  if (self->can_moderate == can_moderate)
    return;
  self->can_moderate = can_moderate;
  refresh_user_rows (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_MODERATE]);
}

void
tincan_chat_view_set_can_message_privately (TincanChatView *self,
                                            gboolean        can_message)
{
  g_return_if_fail (TINCAN_IS_CHAT_VIEW (self));

  can_message = !!can_message;
  if (self->can_message == can_message)
    return;
  self->can_message = can_message;
  if (!can_message)
    tincan_chat_view_set_private_target (self, NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.private-message", can_message);
  refresh_user_rows (self);
}

const char *
tincan_chat_view_get_private_target (TincanChatView *self)
{
  g_return_val_if_fail (TINCAN_IS_CHAT_VIEW (self), NULL);

  return self->private_target;
}

/**
 * tincan_chat_view_set_private_target:
 * @self: a chat view
 * @nick: (nullable): who the entry writes to privately; %NULL for everyone
 */
void
tincan_chat_view_set_private_target (TincanChatView *self,
                                     const char     *nick)
{
  g_autofree char *label = NULL;

  g_return_if_fail (TINCAN_IS_CHAT_VIEW (self));

  if (nick != NULL && *nick == '\0')
    nick = NULL;
  if (g_strcmp0 (self->private_target, nick) == 0)
    return;

  g_free (self->private_target);
  self->private_target = g_strdup (nick);

  if (nick != NULL)
    {
      /* Translators: above the message entry; %s is a nickname */
      label = g_strdup_printf (_("Private message to %s"), nick);
      gtk_label_set_text (self->private_label, label);
    }
  gtk_revealer_set_reveal_child (self->private_revealer, nick != NULL);
  update_placeholder (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRIVATE_TARGET]);
}

/**
 * tincan_chat_view_restore_draft:
 * @self: a chat view
 * @text: a message that could not be sent
 * @to_nick: (nullable): its recipient, for a private one
 *
 * Puts @text back into the entry unless something new was written meanwhile.
 */
void
tincan_chat_view_restore_draft (TincanChatView *self,
                                const char     *text,
                                const char     *to_nick)
{
  const char *current;

  g_return_if_fail (TINCAN_IS_CHAT_VIEW (self));

  current = gtk_editable_get_text (GTK_EDITABLE (self->compose_entry));
  if (current != NULL && *current != '\0')
    return;

  gtk_editable_set_text (GTK_EDITABLE (self->compose_entry), text);
  gtk_editable_set_position (GTK_EDITABLE (self->compose_entry), -1);
  if (to_nick != NULL && self->users != NULL)
    tincan_chat_view_set_private_target (self, to_nick);
}

/**
 * tincan_chat_view_get_entry:
 * @self: a chat view
 *
 * Returns: (transfer none): the message entry
 */
GtkEditable *
tincan_chat_view_get_entry (TincanChatView *self)
{
  g_return_val_if_fail (TINCAN_IS_CHAT_VIEW (self), NULL);

  return GTK_EDITABLE (self->compose_entry);
}

/**
 * tincan_chat_view_get_following:
 * @self: a chat view
 *
 * Returns: whether the log scrolls to new messages (the reader has not scrolled up)
 */
gboolean
tincan_chat_view_get_following (TincanChatView *self)
{
  g_return_val_if_fail (TINCAN_IS_CHAT_VIEW (self), FALSE);

  return self->follow;
}

void
tincan_chat_view_scroll_to_bottom (TincanChatView *self)
{
  g_return_if_fail (TINCAN_IS_CHAT_VIEW (self));

  self->follow = TRUE;
  gtk_revealer_set_reveal_child (self->jump_revealer, FALSE);
  jump_to_bottom (self);
  queue_scroll_to_bottom (self);
}

void
tincan_chat_view_focus_entry (TincanChatView *self)
{
  g_return_if_fail (TINCAN_IS_CHAT_VIEW (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->compose_entry));
}
