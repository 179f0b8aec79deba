/* tincan-application.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The application: one hosting window, any number of windows on other people's chats, the
 * app-wide actions, and the command line. Without a display it hosts the same chat as
 * `tincan --headless` would. The colour scheme is left to AdwStyleManager, which follows the
 * system's dark style preference. */

#include "config.h"

#include "tincan-application.h"
#include "tincan-stall-probe.h"
#include "tincan-cli.h"
#include "tincan-join-dialog.h"
#include "tincan-preferences-window.h"
#include "tincan-window.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_USAGE 2
/* A notification shows the start of a long message; the window has the rest. */
#define NOTIFICATION_MAX_CHARS 200

struct _TincanApplication
{
  AdwApplication     parent_instance;

  TincanHostOptions  options;
  GSettings         *settings;
};

G_DEFINE_FINAL_TYPE (TincanApplication, tincan_application, ADW_TYPE_APPLICATION)

TincanApplication *
tincan_application_new (const char        *application_id,
                        GApplicationFlags  flags)
{
  /* Explicit, so tests with their own application id still find the shortcuts window and
   * style.css; without the trailing slash, which GTK and libadwaita add themselves. */
  g_autofree char *base_path = g_strndup (RESOURCE_PATH, strlen (RESOURCE_PATH) - 1);

  g_return_val_if_fail (application_id != NULL, NULL);

  return g_object_new (TINCAN_TYPE_APPLICATION,
                       "application-id", application_id,
                       "flags", flags,
                       "resource-base-path", base_path,
                       NULL);
}

/* Rebuilds the command line for tincan_cli_run(): GApplication has consumed the original. */
static int
run_headless (TincanApplication *self)
{
  const TincanHostOptions *o = &self->options;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;
  g_autofree char *port = NULL;
  g_autofree char *history = NULL;
  g_autofree char *flood = NULL;

  g_strv_builder_add_many (builder, g_get_prgname () ? g_get_prgname () : "tincan", "--headless", NULL);
  if (o->port >= 0)
    {
      port = g_strdup_printf ("%d", o->port);
      g_strv_builder_add_many (builder, "--port", port, NULL);
    }
  if (o->bind_address != NULL)
    g_strv_builder_add_many (builder, "--bind", o->bind_address, NULL);
  if (o->data_dir != NULL)
    g_strv_builder_add_many (builder, "--data-dir", o->data_dir, NULL);
  if (o->room_name != NULL)
    g_strv_builder_add_many (builder, "--room", o->room_name, NULL);
  if (o->passcode != NULL)
    g_strv_builder_add_many (builder, "--passcode", o->passcode, NULL);
  if (o->nick != NULL)
    g_strv_builder_add_many (builder, "--nick", o->nick, NULL);
  if (o->history_length >= 0)
    {
      history = g_strdup_printf ("%d", o->history_length);
      g_strv_builder_add_many (builder, "--history", history, NULL);
    }
  if (o->flood_limit >= 0)
    {
      flood = g_strdup_printf ("%d", o->flood_limit);
      g_strv_builder_add_many (builder, "--flood-limit", flood, NULL);
    }

  argv = g_strv_builder_end (builder);
  return tincan_cli_run (g_strv_length (argv), argv);
}

static int
tincan_application_handle_local_options (GApplication *app,
                                         GVariantDict *options)
{
  TincanApplication *self = TINCAN_APPLICATION (app);
  TincanHostOptions *o = &self->options;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("tincan %s\n", PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  /* -1 is "not given": GOption only writes the options that are on the command line. */
  if (o->port < -1 || o->port > 65535)
    {
      g_printerr ("tincan: --port must be between 0 and 65535\n");
      return EXIT_USAGE;
    }
  if (o->history_length < -1)
    {
      g_printerr ("tincan: --history must be 0 or more\n");
      return EXIT_USAGE;
    }
  if (o->flood_limit < -1)
    {
      g_printerr ("tincan: --flood-limit must be 0 or more\n");
      return EXIT_USAGE;
    }

  /* Checked here, before startup, because GtkApplication's startup aborts without a display. */
  if (!gtk_init_check ())
    {
      g_printerr ("tincan: no display, hosting without a window (as with --headless)\n");
      return run_headless (self);
    }

  return G_APPLICATION_CLASS (tincan_application_parent_class)->handle_local_options (app, options);
}

static void
tincan_application_activate (GApplication *app)
{
  GtkWindow *window = NULL;

  g_assert (TINCAN_IS_APPLICATION (app));

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    {
      if (TINCAN_IS_WINDOW (l->data))
        {
          window = l->data;
          break;
        }
    }

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
                        "comments", _("Host a chat on your local network in one click. "
                                      "Anyone with a web browser on the same network can join."),
                        "copyright", "© 2026 The Tincan authors",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        /* Translators: Replace "translator-credits" with your name/username,
                         * and optionally an email or URL.
                         */
                        "translator-credits", _("translator-credits"),
                        NULL);

  /* The icon is installed with the desktop file; until then show none rather than a
   * broken-image placeholder.
   */
  icon_theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (about));
  if (gtk_icon_theme_has_icon (icon_theme, APP_ID))
    adw_about_window_set_application_icon (ADW_ABOUT_WINDOW (about), APP_ID);

  gtk_window_present (GTK_WINDOW (about));
}

static void
tincan_application_preferences_action (GSimpleAction *action,
                                       GVariant      *parameter,
                                       gpointer       user_data)
{
  TincanApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  gtk_window_present (GTK_WINDOW (tincan_preferences_window_new (parent)));
}

static void
tincan_application_join_action (GSimpleAction *action,
                                GVariant      *parameter,
                                gpointer       user_data)
{
  TincanApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  gtk_window_present (GTK_WINDOW (tincan_join_dialog_new (parent)));
}

static void
tincan_application_quit_action (GSimpleAction *action,
                                GVariant      *parameter,
                                gpointer       user_data)
{
  TincanApplication *self = user_data;

  g_assert (TINCAN_IS_APPLICATION (self));

  /* Closing the windows first stops hosting cleanly: everyone is told, history is flushed. */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; )
    {
      GtkWindow *window = l->data;

      l = l->next;
      gtk_window_destroy (window);
    }
  g_application_quit (G_APPLICATION (self));
}

static const GActionEntry app_actions[] = {
  { "about", tincan_application_about_action },
  { "preferences", tincan_application_preferences_action },
  { "join", tincan_application_join_action },
  { "quit", tincan_application_quit_action },
};

static void
tincan_application_startup (GApplication *app)
{
  static const struct {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "app.join", { "<Control>j", NULL } },
    { "win.show-log", { "<Control>l", NULL } },
    { "win.toggle-sidebar", { "F9", NULL } },
    { "win.copy-link", { "<Control><Shift>c", NULL } },
    { "window.close", { "<Control>w", NULL } },
  };
  TincanApplication *self = TINCAN_APPLICATION (app);

  G_APPLICATION_CLASS (tincan_application_parent_class)->startup (app);

  /* The responsiveness benchmark's instrument (tests/bench/gui-stall.sh). */
  if (g_getenv ("TINCAN_STALL_REPORT") != NULL)
    tincan_stall_probe_start (g_getenv ("TINCAN_STALL_REPORT"));

  g_action_map_add_action_entries (G_ACTION_MAP (app),
                                   app_actions,
                                   G_N_ELEMENTS (app_actions),
                                   app);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (app), accels[i].action, accels[i].accels);

  self->settings = g_settings_new (APP_ID);
}

static void
tincan_application_finalize (GObject *object)
{
  TincanApplication *self = (TincanApplication *) object;

  g_clear_object (&self->settings);
  g_free (self->options.bind_address);
  g_free (self->options.data_dir);
  g_free (self->options.room_name);
  g_free (self->options.passcode);
  g_free (self->options.nick);

  G_OBJECT_CLASS (tincan_application_parent_class)->finalize (object);
}

static void
tincan_application_class_init (TincanApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = tincan_application_finalize;

  app_class->handle_local_options = tincan_application_handle_local_options;
  app_class->startup = tincan_application_startup;
  app_class->activate = tincan_application_activate;
}

static void
tincan_application_init (TincanApplication *self)
{
  TincanHostOptions *o = &self->options;
  /* The same options as `tincan --headless` (tincan-cli.c), so a windowed host can be started
   * on a chosen port too. They are stored straight into the options: GApplication's packed
   * options cannot tell "--port 0" from no --port at all. */
  const GOptionEntry main_entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
    { "headless", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Host without a window"), NULL },
    { "port", 'p', 0, G_OPTION_ARG_INT, &o->port, N_("Port to listen on (the next free one if taken)"), "N" },
    { "bind", 0, 0, G_OPTION_ARG_STRING, &o->bind_address,
      N_("Address to listen on (0.0.0.0 for the LAN)"), "ADDR" },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &o->data_dir, N_("Where the history is kept"), "DIR" },
    { "room", 0, 0, G_OPTION_ARG_STRING, &o->room_name, N_("Name of the room"), "NAME" },
    { "passcode", 0, 0, G_OPTION_ARG_STRING, &o->passcode, N_("Passcode joiners must give"), "P" },
    { "nick", 0, 0, G_OPTION_ARG_STRING, &o->nick, N_("Your nickname as host"), "NAME" },
    { "history", 0, 0, G_OPTION_ARG_INT, &o->history_length, N_("Messages a joiner gets (0 for none)"), "N" },
    { "flood-limit", 0, 0, G_OPTION_ARG_INT, &o->flood_limit,
      N_("Messages one person may send in 5 seconds (0 for no limit)"), "N" },
    { NULL }
  };

  o->port = -1;
  o->history_length = -1;
  o->flood_limit = -1;

  g_application_add_main_option_entries (G_APPLICATION (self), main_entries);
  g_application_set_option_context_summary (G_APPLICATION (self), _("Host a chat on the local network."));
}

/**
 * tincan_application_withdraw_notification:
 * @self: the application
 *
 * Takes back the message notification, once the user is looking at the chat.
 */
void
tincan_application_withdraw_notification (TincanApplication *self)
{
  g_return_if_fail (TINCAN_IS_APPLICATION (self));

  if (g_application_get_dbus_connection (G_APPLICATION (self)) != NULL)
    g_application_withdraw_notification (G_APPLICATION (self), "message");
}

/**
 * tincan_application_get_host_options:
 * @self: the application
 *
 * Returns: (transfer none): what the command line set for the hosting window
 */
const TincanHostOptions *
tincan_application_get_host_options (TincanApplication *self)
{
  g_return_val_if_fail (TINCAN_IS_APPLICATION (self), NULL);

  return &self->options;
}

/**
 * tincan_application_notify_message:
 * @self: the application
 * @room_name: the chat it was said in
 * @message: a message someone else sent
 *
 * Shows a desktop notification, if the user wants them. Windows call this while they are not
 * focused, and withdraw it when they are.
 */
void
tincan_application_notify_message (TincanApplication *self,
                                   const char        *room_name,
                                   TincanMessage     *message)
{
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  const char *from;
  const char *text;

  g_return_if_fail (TINCAN_IS_APPLICATION (self));
  g_return_if_fail (TINCAN_IS_MESSAGE (message));

  /* Notifications go over D-Bus; without a session bus there is nobody to show them. */
  if (self->settings == NULL || !g_settings_get_boolean (self->settings, "notifications") ||
      g_application_get_dbus_connection (G_APPLICATION (self)) == NULL)
    return;

  from = tincan_message_get_from_nick (message);
  text = tincan_message_get_text (message);
  if (tincan_message_get_kind (message) == TINCAN_MESSAGE_PRIVATE)
    /* Translators: title of a notification; %s is a nickname */
    title = g_strdup_printf (_("%s (privately)"), from ? from : "");
  else
    /* Translators: title of a notification; the first %s is a nickname, the second the chat's name */
    title = g_strdup_printf (_("%s in %s"), from ? from : "", room_name ? room_name : _("Tincan"));

  if (g_utf8_strlen (text, -1) > NOTIFICATION_MAX_CHARS)
    {
      g_autofree char *start = g_utf8_substring (text, 0, NOTIFICATION_MAX_CHARS);

      body = g_strconcat (start, "…", NULL);
    }
  else
    body = g_strdup (text);

  notification = g_notification_new (title);
  g_notification_set_body (notification, body);
  g_application_send_notification (G_APPLICATION (self), "message", notification);
}
