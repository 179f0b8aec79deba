/* tincan-join-dialog.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* "Join another chat": an address, a nickname, a passcode and the dialect the server speaks
 * (a Tincan host, a server from one of the Socket.IO tutorials, or "find out"). Joining opens
 * a TincanRemoteWindow on a TincanRemoteRoom; the address is remembered for next time. */

#include "config.h"

#include "tincan-join-dialog.h"

#include "tincan-remote-room.h"
#include "tincan-remote-window.h"

#include <glib/gi18n.h>
#include <string.h>

/* The rows of the dialect list, in order. */
static const TincanDialect dialects[] = {
  TINCAN_DIALECT_UNDECIDED,
  TINCAN_DIALECT_TINCAN,
  TINCAN_DIALECT_CHAT_MESSAGE,
  TINCAN_DIALECT_CHAT,
  TINCAN_DIALECT_DEMO,
};

struct _TincanJoinDialog
{
  AdwWindow    parent_instance;

  /* template children */
  AdwEntryRow *url_row;
  AdwEntryRow *nick_row;
  AdwEntryRow *passcode_row;
  AdwComboRow *dialect_row;
  GtkLabel    *error_label;

  /* owned */
  GSettings   *settings;
};

G_DEFINE_FINAL_TYPE (TincanJoinDialog, tincan_join_dialog, ADW_TYPE_WINDOW)

static void
update_join (TincanJoinDialog *self)
{
  g_autofree char *url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->url_row))));
  g_autofree char *nick = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->nick_row))));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "join.join", *url != '\0' && *nick != '\0');
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
}

/* "192.168.1.5:3000" is what people read off a screen: the scheme is optional. */
static char *
normalise_url (const char  *url,
               GError     **error)
{
  g_autofree char *full = NULL;
  g_autofree char *scheme = NULL;
  g_autoptr(GUri) uri = NULL;

  full = strstr (url, "://") ? g_strdup (url) : g_strconcat ("http://", url, NULL);
  uri = g_uri_parse (full, G_URI_FLAGS_NONE, NULL);
  scheme = uri ? g_ascii_strdown (g_uri_get_scheme (uri), -1) : NULL;
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   /* Translators: %s is what was typed as the chat's address */
                   _("“%s” is not an address such as http://192.168.1.20:3000/"), url);
      return NULL;
    }

  return g_uri_join (G_URI_FLAGS_NONE, scheme, NULL, g_uri_get_host (uri), g_uri_get_port (uri), "/", NULL, NULL);
}

static void
join_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  TincanJoinDialog *self = TINCAN_JOIN_DIALOG (widget);
  g_autofree char *url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->url_row))));
  g_autofree char *nick = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->nick_row))));
  const char *passcode = gtk_editable_get_text (GTK_EDITABLE (self->passcode_row));
  guint selected = adw_combo_row_get_selected (self->dialect_row);
  TincanDialect dialect = selected < G_N_ELEMENTS (dialects) ? dialects[selected] : TINCAN_DIALECT_UNDECIDED;
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  GtkWindow *transient = gtk_window_get_transient_for (GTK_WINDOW (self));
  g_autoptr(TincanRemoteRoom) room = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *normalised = NULL;
  TincanRemoteWindow *window;

  if (app == NULL && transient != NULL)
    app = gtk_window_get_application (transient);
  if (app == NULL)
    return;

  normalised = normalise_url (url, &error);
  if (normalised == NULL)
    {
      gtk_label_set_text (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return;
    }

  room = tincan_remote_room_new (normalised, nick, *passcode != '\0' ? passcode : NULL, dialect);
  g_settings_set_string (self->settings, "join-url", url);
  window = tincan_remote_window_new (app, room, normalised);
  tincan_remote_room_connect (room);
  gtk_window_present (GTK_WINDOW (window));
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
on_entry_activated (TincanJoinDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "join.join", NULL);
}

static void
tincan_join_dialog_dispose (GObject *object)
{
  TincanJoinDialog *self = (TincanJoinDialog *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), TINCAN_TYPE_JOIN_DIALOG);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (tincan_join_dialog_parent_class)->dispose (object);
}

static void
tincan_join_dialog_class_init (TincanJoinDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tincan_join_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "ui/tincan-join-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TincanJoinDialog, url_row);
  gtk_widget_class_bind_template_child (widget_class, TincanJoinDialog, nick_row);
  gtk_widget_class_bind_template_child (widget_class, TincanJoinDialog, passcode_row);
  gtk_widget_class_bind_template_child (widget_class, TincanJoinDialog, dialect_row);
  gtk_widget_class_bind_template_child (widget_class, TincanJoinDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, update_join);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated);

  gtk_widget_class_install_action (widget_class, "join.join", NULL, join_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
tincan_join_dialog_init (TincanJoinDialog *self)
{
  g_autofree char *url = NULL;
  g_autofree char *nick = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  url = g_settings_get_string (self->settings, "join-url");
  nick = g_settings_get_string (self->settings, "nickname");
  if (*nick == '\0')
    {
      g_free (nick);
      nick = g_strdup (g_get_user_name ());
    }
  gtk_editable_set_text (GTK_EDITABLE (self->url_row), url);
  gtk_editable_set_text (GTK_EDITABLE (self->nick_row), nick);
  update_join (self);
}

/**
 * tincan_join_dialog_new:
 * @parent: (nullable): the window it belongs to
 *
 * Returns: (transfer full): a new dialog
 */
TincanJoinDialog *
tincan_join_dialog_new (GtkWindow *parent)
{
  return g_object_new (TINCAN_TYPE_JOIN_DIALOG,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       "application", parent ? gtk_window_get_application (parent) : NULL,
                       NULL);
}
