/* tincan-application.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "tincan-application.h"
#include "tincan-window.h"

#include <glib/gi18n.h>
#include <stdlib.h>

struct _TincanApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (TincanApplication, tincan_application, ADW_TYPE_APPLICATION)

static const GOptionEntry main_entries[] = {
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
  { NULL }
};

TincanApplication *
tincan_application_new (const char        *application_id,
                        GApplicationFlags  flags)
{
  g_return_val_if_fail (application_id != NULL, NULL);

  return g_object_new (TINCAN_TYPE_APPLICATION,
                       "application-id", application_id,
                       "flags", flags,
                       NULL);
}

static int
tincan_application_handle_local_options (GApplication *app,
                                         GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("tincan %s\n", PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  /* Checked here, before startup, because GtkApplication's startup aborts without a display.
   * Until --headless exists there is nothing useful to do without one.
   */
  if (!gtk_init_check ())
    {
      g_printerr ("tincan: no display, nothing to show yet\n");
      return EXIT_SUCCESS;
    }

  return G_APPLICATION_CLASS (tincan_application_parent_class)->handle_local_options (app, options);
}

static void
tincan_application_activate (GApplication *app)
{
  GtkWindow *window;

  g_assert (TINCAN_IS_APPLICATION (app));

  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (window == NULL)
    window = GTK_WINDOW (tincan_window_new (TINCAN_APPLICATION (app)));

  gtk_window_present (window);
}

static void
tincan_application_about_action (GSimpleAction *action,
                                 GVariant      *parameter,
                                 gpointer       user_data)
{
  static const char *developers[] = { "The Tincan authors", NULL };
  TincanApplication *self = user_data;
  GtkIconTheme *icon_theme;
  GtkWindow *window;
  GtkWidget *about;

  g_assert (TINCAN_IS_APPLICATION (self));

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", window,
                        "application-name", _("Tincan"),
                        "developer-name", "The Tincan authors",
                        "developers", developers,
                        "version", PACKAGE_VERSION,
                        "comments", _("Host a chat on your local network in one click"),
                        "copyright", "© 2026 The Tincan authors",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        /* Translators: Replace "translator-credits" with your name/username,
                         * and optionally an email or URL.
                         */
                        "translator-credits", _("translator-credits"),
                        NULL);

  /* The icon is installed with the desktop file in a later issue; until then show none
   * rather than a broken-image placeholder.
   */
  icon_theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (about));
  if (gtk_icon_theme_has_icon (icon_theme, APP_ID))
    adw_about_window_set_application_icon (ADW_ABOUT_WINDOW (about), APP_ID);

  gtk_window_present (GTK_WINDOW (about));
}

static void
tincan_application_quit_action (GSimpleAction *action,
                                GVariant      *parameter,
                                gpointer       user_data)
{
  TincanApplication *self = user_data;

  g_assert (TINCAN_IS_APPLICATION (self));

  g_application_quit (G_APPLICATION (self));
}

static const GActionEntry app_actions[] = {
  { "about", tincan_application_about_action },
  { "quit", tincan_application_quit_action },
};

static void
tincan_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };

  G_APPLICATION_CLASS (tincan_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app),
                                   app_actions,
                                   G_N_ELEMENTS (app_actions),
                                   app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
}

static void
tincan_application_class_init (TincanApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->handle_local_options = tincan_application_handle_local_options;
  app_class->startup = tincan_application_startup;
  app_class->activate = tincan_application_activate;
}

static void
tincan_application_init (TincanApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), main_entries);
}
