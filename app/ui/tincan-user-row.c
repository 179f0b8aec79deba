/* tincan-user-row.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Someone in the people list: nickname, what they joined with, whether they are typing, where
 * from (tooltip), and a menu to message, kick or ban them. The labels follow the user's
 * "notify". (Expression bindings that look up the template object itself trip a GTK 4.8 bug
 * at finalization, "couldn't find weak ref", so this is done in code.) */

#include "config.h"

#include "tincan-user-row.h"

#include <glib/gi18n.h>

struct _TincanUserRow
{
  GtkWidget      parent_instance;

  /* template children */
  AdwAvatar     *avatar;
  GtkLabel      *nick_label;
  GtkLabel      *you_label;
  GtkLabel      *client_label;
  GtkLabel      *typing_label;
  GtkMenuButton *menu_button;

  /* owned */
  TincanUser    *user;
  gulong         notify_id;

  gboolean       is_self;
  gboolean       can_message;
  gboolean       can_moderate;
};

enum {
  PROP_0,
  PROP_USER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (TincanUserRow, tincan_user_row, GTK_TYPE_WIDGET)

static char *
describe_client (TincanUser *user,
                 const char *client)
{
  if (user != NULL && tincan_user_get_dialect (user) == TINCAN_DIALECT_HOST)
    /* Translators: in the people list, under the nickname of whoever hosts the chat */
    return g_strdup (_("Host"));
  if (g_strcmp0 (client, "browser") == 0)
    return g_strdup (_("Web browser"));
  if (g_strcmp0 (client, "desktop") == 0)
    return g_strdup (_("Tincan app"));
  if (g_strcmp0 (client, "terminal") == 0)
    return g_strdup (_("Terminal"));
  /* Translators: someone who joined with a page from a Socket.IO tutorial */
  return g_strdup (_("Tutorial page"));
}

static char *
describe_address (const char *address)
{
  if (address == NULL || *address == '\0')
    return NULL;
  /* Translators: tooltip of a person in the people list; %s is an IP address */
  return g_strdup_printf (_("Connected from %s"), address);
}

static void
update_labels (TincanUserRow *self)
{
  g_autofree char *client = NULL;
  g_autofree char *address = NULL;
  gboolean typing;

  if (self->user == NULL)
    return;

  client = describe_client (self->user, tincan_user_get_client (self->user));
  address = describe_address (tincan_user_get_address (self->user));
  /* You know whether you are typing. */
  typing = tincan_user_get_typing (self->user) && !self->is_self;

  adw_avatar_set_text (self->avatar, tincan_user_get_nick (self->user));
  gtk_label_set_text (self->nick_label, tincan_user_get_nick (self->user));
  gtk_label_set_text (self->client_label, client);
  gtk_widget_set_visible (GTK_WIDGET (self->client_label), !typing);
  gtk_widget_set_visible (GTK_WIDGET (self->typing_label), typing);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), address);
}

static void
update_actions (TincanUserRow *self)
{
  gboolean can_message = self->user != NULL && !self->is_self && self->can_message;
  gboolean can_moderate = self->user != NULL && !self->is_self && self->can_moderate &&
                          tincan_user_get_dialect (self->user) != TINCAN_DIALECT_HOST;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "user.message", can_message);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "user.kick", can_moderate);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "user.ban", can_moderate);
  gtk_widget_set_visible (GTK_WIDGET (self->menu_button), can_message || can_moderate);
  gtk_widget_set_visible (GTK_WIDGET (self->you_label), self->is_self);
}

static void
user_message_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  TincanUserRow *self = TINCAN_USER_ROW (widget);

  if (self->user != NULL)
    gtk_widget_activate_action (widget, "chat.private-message", "s", tincan_user_get_nick (self->user));
}

static void
user_kick_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  TincanUserRow *self = TINCAN_USER_ROW (widget);

  if (self->user != NULL)
    gtk_widget_activate_action (widget, g_str_equal (action_name, "user.ban") ? "win.ban-user" : "win.kick-user",
                                "s", tincan_user_get_id (self->user));
}

static void
on_secondary_click (GtkGestureClick *gesture,
                    int              n_press,
                    double           x,
                    double           y,
                    TincanUserRow   *self)
{
  if (!gtk_widget_get_visible (GTK_WIDGET (self->menu_button)))
    return;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  gtk_menu_button_popup (self->menu_button);
}

static void
tincan_user_row_dispose (GObject *object)
{
  TincanUserRow *self = (TincanUserRow *) object;
  GtkWidget *child;

  if (self->user != NULL)
    g_clear_signal_handler (&self->notify_id, self->user);
  gtk_widget_dispose_template (GTK_WIDGET (self), TINCAN_TYPE_USER_ROW);
  /* A plain GtkWidget does not drop its children itself; the template's are not all bound. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->user);

  G_OBJECT_CLASS (tincan_user_row_parent_class)->dispose (object);
}

static void
tincan_user_row_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  TincanUserRow *self = TINCAN_USER_ROW (object);

  switch (prop_id)
    {
    case PROP_USER:
      g_value_set_object (value, self->user);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tincan_user_row_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  TincanUserRow *self = TINCAN_USER_ROW (object);

  switch (prop_id)
    {
    case PROP_USER:
      tincan_user_row_set_user (self, g_value_get_object (value), self->is_self);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tincan_user_row_class_init (TincanUserRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tincan_user_row_dispose;
  object_class->get_property = tincan_user_row_get_property;
  object_class->set_property = tincan_user_row_set_property;

  properties[PROP_USER] =
    g_param_spec_object ("user", NULL, NULL, TINCAN_TYPE_USER,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "ui/tincan-user-row.ui");
  gtk_widget_class_bind_template_child (widget_class, TincanUserRow, avatar);
  gtk_widget_class_bind_template_child (widget_class, TincanUserRow, nick_label);
  gtk_widget_class_bind_template_child (widget_class, TincanUserRow, you_label);
  gtk_widget_class_bind_template_child (widget_class, TincanUserRow, client_label);
  gtk_widget_class_bind_template_child (widget_class, TincanUserRow, typing_label);
  gtk_widget_class_bind_template_child (widget_class, TincanUserRow, menu_button);
  gtk_widget_class_bind_template_callback (widget_class, on_secondary_click);

  gtk_widget_class_install_action (widget_class, "user.message", NULL, user_message_action);
  gtk_widget_class_install_action (widget_class, "user.kick", NULL, user_kick_action);
  gtk_widget_class_install_action (widget_class, "user.ban", NULL, user_kick_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "userrow");
}

static void
tincan_user_row_init (TincanUserRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update_actions (self);
}

GtkWidget *
tincan_user_row_new (void)
{
  return g_object_new (TINCAN_TYPE_USER_ROW, NULL);
}

TincanUser *
tincan_user_row_get_user (TincanUserRow *self)
{
  g_return_val_if_fail (TINCAN_IS_USER_ROW (self), NULL);

  return self->user;
}

/**
 * tincan_user_row_set_user:
 * @self: a row
 * @user: (nullable): who to show
 * @is_self: whether @user is the person using this window (no menu, a "you" tag)
 */
void
tincan_user_row_set_user (TincanUserRow *self,
                          TincanUser    *user,
                          gboolean       is_self)
{
  g_return_if_fail (TINCAN_IS_USER_ROW (self));

  self->is_self = !!is_self;
  if (self->user != user)
    {
      if (self->user != NULL)
        g_clear_signal_handler (&self->notify_id, self->user);
      g_set_object (&self->user, user);
      if (user != NULL)
        self->notify_id = g_signal_connect_swapped (user, "notify", G_CALLBACK (update_labels), self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USER]);
    }
  update_labels (self);
  update_actions (self);
}

/**
 * tincan_user_row_set_capabilities:
 * @self: a row
 * @can_message: whether private messages can be sent (not to tutorial servers)
 * @can_moderate: whether kick and ban apply (only when hosting)
 */
void
tincan_user_row_set_capabilities (TincanUserRow *self,
                                  gboolean       can_message,
                                  gboolean       can_moderate)
{
  g_return_if_fail (TINCAN_IS_USER_ROW (self));

  self->can_message = !!can_message;
  self->can_moderate = !!can_moderate;
  update_actions (self);
}
