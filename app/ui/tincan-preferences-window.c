/* tincan-preferences-window.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The settings, straight onto GSettings. Text fields are saved with their apply button, not at
 * every keystroke: a nickname or passcode typed halfway must not reach the running host. */

#include "config.h"

#include "tincan-preferences-window.h"

#include <glib/gi18n.h>

struct _TincanPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* template children */
  AdwEntryRow          *nickname_row;
  AdwEntryRow          *passcode_row;
  GtkSpinButton        *port_spin;
  GtkSwitch            *lan_switch;
  GtkSpinButton        *history_spin;
  GtkSwitch            *notifications_switch;

  /* owned */
  GSettings            *settings;
};

G_DEFINE_FINAL_TYPE (TincanPreferencesWindow, tincan_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
on_nickname_apply (TincanPreferencesWindow *self,
                   AdwEntryRow             *row)
{
  g_autofree char *nick = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  g_settings_set_string (self->settings, "nickname", nick);
}

static void
on_passcode_apply (TincanPreferencesWindow *self,
                   AdwEntryRow             *row)
{
  g_settings_set_string (self->settings, "passcode", gtk_editable_get_text (GTK_EDITABLE (row)));
}

static void
tincan_preferences_window_dispose (GObject *object)
{
  TincanPreferencesWindow *self = (TincanPreferencesWindow *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), TINCAN_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (tincan_preferences_window_parent_class)->dispose (object);
}

static void
tincan_preferences_window_class_init (TincanPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tincan_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "ui/tincan-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TincanPreferencesWindow, nickname_row);
  gtk_widget_class_bind_template_child (widget_class, TincanPreferencesWindow, passcode_row);
  gtk_widget_class_bind_template_child (widget_class, TincanPreferencesWindow, port_spin);
  gtk_widget_class_bind_template_child (widget_class, TincanPreferencesWindow, lan_switch);
  gtk_widget_class_bind_template_child (widget_class, TincanPreferencesWindow, history_spin);
  gtk_widget_class_bind_template_child (widget_class, TincanPreferencesWindow, notifications_switch);
  gtk_widget_class_bind_template_callback (widget_class, on_nickname_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_passcode_apply);
}

static void
tincan_preferences_window_init (TincanPreferencesWindow *self)
{
  g_autofree char *nickname = NULL;
  g_autofree char *passcode = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);

  nickname = g_settings_get_string (self->settings, "nickname");
  passcode = g_settings_get_string (self->settings, "passcode");
  /* Show the name people see now; it is only saved if edited and applied. */
  if (*nickname == '\0')
    {
      const char *real_name = g_get_real_name ();

      g_free (nickname);
      nickname = g_strdup (real_name != NULL && *real_name != '\0' && !g_str_equal (real_name, "Unknown")
                           ? real_name : g_get_user_name ());
    }
  gtk_editable_set_text (GTK_EDITABLE (self->nickname_row), nickname);
  gtk_editable_set_text (GTK_EDITABLE (self->passcode_row), passcode);

  g_settings_bind (self->settings, "port", gtk_spin_button_get_adjustment (self->port_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "listen-on-lan", self->lan_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "history-length", gtk_spin_button_get_adjustment (self->history_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "notifications", self->notifications_switch, "active", G_SETTINGS_BIND_DEFAULT);
}

/**
 * tincan_preferences_window_new:
 * @parent: (nullable): the window it belongs to
 *
 * Returns: (transfer full): a new preferences window
 */
TincanPreferencesWindow *
tincan_preferences_window_new (GtkWindow *parent)
{
  return g_object_new (TINCAN_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       NULL);
}
