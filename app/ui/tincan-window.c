/* tincan-window.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The hosting window: it runs a TincanHost for as long as it is open, shows how to join (the
 * LAN link and its QR code), who is here and what they say, lets the host chat and moderate,
 * and keeps the server's log in a second view.
 *
 * Settings come from GSettings unless the command line overrode them for this run (the
 * construct-only properties); those that need a new listening socket or a new room (port,
 * network, nickname) apply when hosting restarts, the others at once. */

#include "config.h"

#include "tincan-window.h"

#include "tincan-chat-view.h"
#include "tincan-history.h"
#include "tincan-qr-code.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#define DEFAULT_ROOM_NAME "Tincan"
/* Enough to see what happened lately; the log is not an archive. */
#define MAX_LOG_LINES 5000
#define MAX_NOTICES 1000

struct _TincanWindow
{
  AdwApplicationWindow  parent_instance;

  /* template children */
  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  GtkStack             *main_stack;
  TincanChatView       *chat_view;
  TincanQrCode         *qr_code;
  GtkDropDown          *url_drop_down;
  GtkLabel             *invite_hint;
  GtkListView          *log_list;
  GtkScrolledWindow    *log_scroller;
  AdwStatusPage        *failed_page;
  GtkRevealer          *storage_revealer;
  GtkWidget            *storage_banner;
  GtkLabel             *storage_label;
  GtkWidget            *storage_dismiss;

  /* construct-only: the command line's overrides; unset means "from the settings" */
  int                   port;
  char                 *bind_address;
  char                 *data_dir;
  char                 *room_name;
  char                 *passcode;
  char                 *nick;
  int                   history_length;
  int                   flood_limit;

  /* owned */
  GSettings            *settings;
  TincanHistory        *history;
  TincanRoom           *room;
  TincanHost           *host;
  GCancellable         *cancellable;
  GtkStringList        *urls;
  GtkStringList        *log_lines;
  GListStore           *backlog;      /* TincanMessage: the history from before this run */
  GListStore           *notices;      /* TincanMessage: joins, leaves, kicks */
  GListStore           *parts;        /* GListModel: backlog, the room's messages, notices */
  GtkSortListModel     *timeline;     /* all of it, in time order, for the chat view */
  char                 *join_url;
  char                 *storage_notice;  /* a damaged history was set aside; until dismissed */

  gboolean              show_log;
  gboolean              restart_offered;
};

enum {
  PROP_0,
  PROP_PORT,
  PROP_BIND_ADDRESS,
  PROP_DATA_DIR,
  PROP_ROOM_NAME,
  PROP_PASSCODE,
  PROP_NICK,
  PROP_HISTORY_LENGTH,
  PROP_FLOOD_LIMIT,
  PROP_SHOW_LOG,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (TincanWindow, tincan_window, ADW_TYPE_APPLICATION_WINDOW)

static void tincan_window_stop_hosting  (TincanWindow *self);
static void tincan_window_start_hosting (TincanWindow *self);

/* ---- The server log --------------------------------------------------------------------- */

static void
append_log (TincanWindow *self,
            const char   *line)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%H:%M:%S");
  g_autofree char *text = g_strdup_printf ("%s  %s", stamp, line);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->log_scroller);
  gboolean at_bottom = gtk_adjustment_get_value (adjustment) >=
                       gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment) - 24;
  guint n;

  gtk_string_list_append (self->log_lines, text);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->log_lines));
  if (n > MAX_LOG_LINES)
    gtk_string_list_splice (self->log_lines, 0, n - MAX_LOG_LINES, NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->log_lines));
  if (at_bottom && n > 0)
    gtk_widget_activate_action (GTK_WIDGET (self->log_list), "list.scroll-to-item", "u", n - 1);
}

static void
on_host_log (TincanWindow *self,
             const char   *line,
             TincanHost   *host)
{
  append_log (self, line);
}

/* ---- Storage banner --------------------------------------------------------------------- */

/* The host's storage error outranks the notice: while it lasts, nothing anyone sends is kept
 * or delivered, which the host must see at once. It goes away by itself once a message is
 * stored again; the notice about a damaged history stays until dismissed. */
static void
update_storage_banner (TincanWindow *self)
{
  const char *error = self->host != NULL ? tincan_host_get_storage_error (self->host) : NULL;

  if (error != NULL)
    {
      g_autofree char *text = NULL;

      /* Translators: %s is the error, e.g. "database or disk is full" with the file's name */
      text = g_strdup_printf (_("Messages cannot be saved, so none are sent: %s"), error);
      gtk_label_set_text (self->storage_label, text);
      gtk_widget_remove_css_class (self->storage_banner, "warning");
      gtk_widget_set_visible (self->storage_dismiss, FALSE);
    }
  else if (self->storage_notice != NULL)
    {
      gtk_label_set_text (self->storage_label, self->storage_notice);
      gtk_widget_add_css_class (self->storage_banner, "warning");
      gtk_widget_set_visible (self->storage_dismiss, TRUE);
    }

  gtk_revealer_set_reveal_child (self->storage_revealer, error != NULL || self->storage_notice != NULL);
}

static void
on_storage_dismiss (TincanWindow *self)
{
  g_clear_pointer (&self->storage_notice, g_free);
  update_storage_banner (self);
}

/* ---- Notices ---------------------------------------------------------------------------- */

static void
add_notice (TincanWindow *self,
            const char   *text)
{
  g_autoptr(TincanMessage) notice = tincan_message_new (TINCAN_MESSAGE_NOTICE, 0, g_get_real_time () / 1000,
                                                         NULL, NULL, text);

  g_list_store_append (self->notices, notice);
  if (g_list_model_get_n_items (G_LIST_MODEL (self->notices)) > MAX_NOTICES)
    g_list_store_remove (self->notices, 0);
}

static void
update_title (TincanWindow *self)
{
  g_autofree char *subtitle = NULL;
  guint n;

  if (self->host == NULL)
    {
      adw_window_title_set_subtitle (self->window_title, _("Not hosting"));
      return;
    }

  n = g_list_model_get_n_items (tincan_room_get_users (self->room));
  /* Translators: the window's subtitle while hosting; the host counts too */
  subtitle = g_strdup_printf (ngettext ("Hosting · %u person here", "Hosting · %u people here", n), n);
  adw_window_title_set_subtitle (self->window_title, subtitle);
}

static void
on_user_joined (TincanWindow *self,
                TincanUser   *user,
                TincanRoom   *room)
{
  g_autofree char *text = NULL;

  /* Translators: a notice in the chat log; %s is a nickname */
  text = g_strdup_printf (_("%s joined"), tincan_user_get_nick (user));
  add_notice (self, text);
  update_title (self);
}

static void
on_user_left (TincanWindow *self,
              TincanUser   *user,
              const char   *reason,
              TincanRoom   *room)
{
  g_autofree char *text = NULL;

  if (g_strcmp0 (reason, "kicked") == 0)
    /* Translators: a notice in the chat log; %s is a nickname */
    text = g_strdup_printf (_("%s was removed by the host"), tincan_user_get_nick (user));
  else if (g_strcmp0 (reason, "banned") == 0)
    /* Translators: a notice in the chat log; %s is a nickname */
    text = g_strdup_printf (_("%s was banned by the host"), tincan_user_get_nick (user));
  else
    /* Translators: a notice in the chat log; %s is a nickname */
    text = g_strdup_printf (_("%s left"), tincan_user_get_nick (user));
  add_notice (self, text);
  update_title (self);
}

static void
on_user_renamed (TincanWindow *self,
                 TincanUser   *user,
                 const char   *old_nick,
                 TincanRoom   *room)
{
  g_autofree char *text = NULL;

  /* Translators: a notice in the chat log; the first %s is the old nickname, the second the new one */
  text = g_strdup_printf (_("%s is now called %s"), old_nick, tincan_user_get_nick (user));
  add_notice (self, text);
}

static void
on_room_message (TincanWindow  *self,
                 TincanMessage *message,
                 TincanRoom    *room)
{
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  const char *host_nick = tincan_room_get_host_nick (room);

  if (tincan_message_get_kind (message) == TINCAN_MESSAGE_NOTICE ||
      g_strcmp0 (tincan_message_get_from_nick (message), host_nick) == 0 ||
      !tincan_message_is_visible_to (message, host_nick))
    return;

  if (app != NULL && !gtk_window_is_active (GTK_WINDOW (self)))
    tincan_application_notify_message (TINCAN_APPLICATION (app), tincan_room_get_name (room), message);
}

/* ---- Joining ---------------------------------------------------------------------------- */

static void
update_join_url (TincanWindow *self)
{
  GtkStringObject *item = gtk_drop_down_get_selected_item (self->url_drop_down);
  const char *url = item ? gtk_string_object_get_string (item) : NULL;

  g_free (self->join_url);
  self->join_url = g_strdup (url);
  tincan_qr_code_set_text (self->qr_code, url);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->url_drop_down), url);
}

static void
on_url_selected (TincanWindow *self)
{
  update_join_url (self);
}

static gboolean
is_loopback_url (const char *url)
{
  return g_str_has_prefix (url, "http://127.") || g_str_has_prefix (url, "http://[::1]");
}

static void
update_urls (TincanWindow *self)
{
  g_auto(GStrv) urls = self->host ? tincan_host_dup_urls (self->host) : g_new0 (char *, 1);
  guint n_lan = 0;
  guint n = g_strv_length (urls);

  for (guint i = 0; urls[i] != NULL; i++)
    if (!is_loopback_url (urls[i]))
      n_lan++;

  gtk_string_list_splice (self->urls, 0, g_list_model_get_n_items (G_LIST_MODEL (self->urls)),
                          (const char * const *) urls);
  gtk_drop_down_set_selected (self->url_drop_down, 0);
  gtk_drop_down_set_show_arrow (self->url_drop_down, n > 1);
  gtk_widget_set_can_target (GTK_WIDGET (self->url_drop_down), n > 1);
  update_join_url (self);

  if (self->host == NULL)
    gtk_label_set_text (self->invite_hint, "");
  else if (n_lan > 0)
    gtk_label_set_text (self->invite_hint,
                        _("Scan the code with a phone, or open the link in a browser on the same network."));
  else if (n > 0 && g_str_has_prefix (urls[0], "http://127."))
    gtk_label_set_text (self->invite_hint,
                        _("Only this computer can join. Open Tincan to the local network in Preferences."));
  else
    gtk_label_set_text (self->invite_hint,
                        _("No network connection was found: only this computer can join for now."));
}

static void
copy_link_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  TincanWindow *self = TINCAN_WINDOW (widget);

  if (self->join_url == NULL)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->join_url);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Link copied")));
}

/* ---- Chatting --------------------------------------------------------------------------- */

typedef struct
{
  TincanWindow *self;
  char         *text;
  char         *to_nick;
} Post;

static void
post_free (Post *post)
{
  g_clear_object (&post->self);
  g_free (post->text);
  g_free (post->to_nick);
  g_free (post);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Post, post_free)

static char *
describe_post_error (TincanWindow *self,
                     const GError *error,
                     const char   *to_nick)
{
  if (error->domain == TINCAN_ERROR)
    {
      switch ((TincanError) error->code)
        {
        case TINCAN_ERROR_TOO_LONG:
          return g_strdup_printf (ngettext ("Messages can have at most %u character",
                                            "Messages can have at most %u characters",
                                            tincan_room_get_max_length (self->room)),
                                  tincan_room_get_max_length (self->room));

        case TINCAN_ERROR_NO_SUCH_USER:
          /* Translators: %s is a nickname */
          return g_strdup_printf (_("%s is no longer here"), to_nick ? to_nick : "");

        case TINCAN_ERROR_STORAGE:
          return g_strdup (_("The message could not be saved, so it was not sent"));

        case TINCAN_ERROR_FLOOD:
          return g_strdup (_("Too many messages at once, slow down"));

        case TINCAN_ERROR_NICK_TAKEN:
        case TINCAN_ERROR_NICK_INVALID:
        case TINCAN_ERROR_EMPTY:
        case TINCAN_ERROR_PASSCODE:
        case TINCAN_ERROR_BANNED:
        case TINCAN_ERROR_NOT_JOINED:
        default:
          break;
        }
    }

  /* Translators: %s is an error message */
  return g_strdup_printf (_("The message was not sent: %s"), error->message);
}

static void
on_posted (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Post) post = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TincanMessage) message = tincan_host_post_finish (TINCAN_HOST (source), result, &error);
  g_autofree char *text = NULL;

  /* Sent, or the window closed meanwhile. */
  if (message != NULL || post->self->chat_view == NULL)
    return;

  text = describe_post_error (post->self, error, post->to_nick);
  tincan_chat_view_restore_draft (post->self->chat_view, post->text, post->to_nick);
  adw_toast_overlay_add_toast (post->self->toast_overlay, adw_toast_new (text));
}

static void
on_send (TincanWindow   *self,
         const char     *text,
         const char     *to_nick,
         TincanChatView *view)
{
  Post *post;

  if (self->host == NULL)
    return;

  post = g_new0 (Post, 1);
  post->self = g_object_ref (self);
  post->text = g_strdup (text);
  post->to_nick = g_strdup (to_nick);
  tincan_host_post_async (self->host, to_nick, text, self->cancellable, on_posted, post);
}

static void
on_typing (TincanWindow   *self,
           gboolean        typing,
           TincanChatView *view)
{
  if (self->host != NULL)
    tincan_room_set_typing (self->room, tincan_host_get_user (self->host), typing);
}

/* ---- Moderation ------------------------------------------------------------------------- */

static void
kick_user_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  TincanWindow *self = TINCAN_WINDOW (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  TincanUser *user = self->room ? tincan_room_lookup_user (self->room, id) : NULL;
  g_autofree char *text = NULL;

  if (user == NULL || tincan_user_get_dialect (user) == TINCAN_DIALECT_HOST)
    return;

  /* Translators: %s is a nickname */
  text = g_strdup_printf (_("%s was removed from the chat"), tincan_user_get_nick (user));
  tincan_room_kick (self->room, user, FALSE);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

static void
on_ban_response (AdwMessageDialog *dialog,
                 const char       *response,
                 TincanWindow     *self)
{
  const char *id = g_object_get_data (G_OBJECT (dialog), "user-id");
  TincanUser *user;

  if (!g_str_equal (response, "ban") || self->room == NULL)
    return;

  /* They may have left while the dialog was open. */
  user = tincan_room_lookup_user (self->room, id);
  if (user != NULL)
    tincan_room_kick (self->room, user, TRUE);
}

static void
ban_user_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  TincanWindow *self = TINCAN_WINDOW (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  TincanUser *user = self->room ? tincan_room_lookup_user (self->room, id) : NULL;
  GtkWidget *dialog;

  if (user == NULL || tincan_user_get_dialect (user) == TINCAN_DIALECT_HOST)
    return;

  /* Translators: the title of a confirmation; %s is a nickname */
  dialog = adw_message_dialog_new (GTK_WINDOW (self), NULL, NULL);
  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog), _("Ban %s?"), tincan_user_get_nick (user));
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog),
                               _("They are removed from the chat and cannot join again with this "
                                 "nickname or from this device, even after Tincan restarts."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "ban", _("_Ban"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "ban", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "user-id", g_strdup (tincan_user_get_id (user)), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_ban_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- Hosting ---------------------------------------------------------------------------- */

static char *
resolve_nick (TincanWindow *self)
{
  g_autofree char *nick = NULL;
  const char *real_name;

  if (self->nick != NULL && *self->nick != '\0')
    return g_strdup (self->nick);

  nick = g_settings_get_string (self->settings, "nickname");
  if (*nick != '\0')
    return g_steal_pointer (&nick);

  /* The same default as `tincan --headless`. */
  real_name = g_get_real_name ();
  if (real_name != NULL && *real_name != '\0' && !g_str_equal (real_name, "Unknown"))
    return g_strdup (real_name);
  return g_strdup (g_get_user_name ());
}

static char *
resolve_bind_address (TincanWindow *self)
{
  if (self->bind_address != NULL)
    return g_strdup (self->bind_address);
  return g_strdup (g_settings_get_boolean (self->settings, "listen-on-lan") ? "0.0.0.0" : "127.0.0.1");
}

static guint
resolve_port (TincanWindow *self)
{
  if (self->port >= 0)
    return self->port;
  return g_settings_get_uint (self->settings, "port");
}

static void
apply_passcode (TincanWindow *self)
{
  g_autofree char *passcode = NULL;

  if (self->host == NULL)
    return;
  passcode = self->passcode ? g_strdup (self->passcode) : g_settings_get_string (self->settings, "passcode");
  tincan_host_set_passcode (self->host, passcode);
}

static void
apply_history_length (TincanWindow *self)
{
  if (self->room == NULL)
    return;
  tincan_room_set_history_length (self->room, self->history_length >= 0
                                               ? (guint) self->history_length
                                               : g_settings_get_uint (self->settings, "history-length"));
}

static void
show_failure (TincanWindow *self,
              const char   *description)
{
  adw_status_page_set_description (self->failed_page, description);
  gtk_stack_set_visible_child_name (self->main_stack, "failed");
  update_title (self);
}

static gboolean
open_history (TincanWindow  *self,
              GError       **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *set_aside = NULL;

  if (self->history != NULL)
    return TRUE;

  dir = self->data_dir ? g_strdup (self->data_dir) : g_build_filename (g_get_user_data_dir (), "tincan", NULL);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   /* Translators: %s is a folder, the second %s why it cannot be used */
                   _("The folder %s cannot be used: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }

  /* A damaged file is set aside and reported; a read-only or locked one stops hosting, on the
   * failure page: nothing could be stored, so no message could be sent, and it can be fixed. */
  path = g_build_filename (dir, "history.sqlite3", NULL);
  self->history = tincan_history_open_or_recover (path, &set_aside, error);
  if (set_aside != NULL)
    {
      g_autofree char *line = g_strdup_printf ("The history %s was damaged; it was moved to %s and a new one started",
                                               path, set_aside);

      append_log (self, line);
      g_free (self->storage_notice);
      /* Translators: %s is a file name */
      self->storage_notice = g_strdup_printf (_("The chat history was damaged. It was kept as %s, and a new one was started."),
                                              set_aside);
    }
  return self->history != NULL;
}

static gboolean
is_visible_to_host (gpointer item,
                    gpointer user_data)
{
  TincanRoom *room = user_data;

  /* Private messages between two guests stay theirs, even on the host's screen. */
  return tincan_message_is_visible_to (item, tincan_room_get_host_nick (room));
}

static int
compare_by_time (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  gint64 ta = tincan_message_get_time ((TincanMessage *) a);
  gint64 tb = tincan_message_get_time ((TincanMessage *) b);
  gint64 ida = tincan_message_get_id ((TincanMessage *) a);
  gint64 idb = tincan_message_get_id ((TincanMessage *) b);

  if (ta != tb)
    return ta < tb ? -1 : 1;
  /* Notices have no id. At the same millisecond a notice comes first: that is a tutorial
   * client joining with its first message. */
  if (ida == 0 || idb == 0)
    return (idb == 0) - (ida == 0);
  return ida < idb ? -1 : (ida > idb);
}

static void
load_backlog (TincanWindow *self)
{
  g_autoptr(GPtrArray) recent = tincan_room_recent_for (self->room, tincan_room_get_host_nick (self->room),
                                                        TINCAN_HOST_KEY);

  g_list_store_remove_all (self->backlog);
  g_list_store_splice (self->backlog, 0, 0, recent->pdata, recent->len);
}

static void
tincan_window_start_hosting (TincanWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *nick = NULL;
  g_autofree char *bind_address = NULL;
  g_autofree char *line = NULL;
  g_autoptr(GtkFilterListModel) visible = NULL;
  guint port;

  g_assert (self->host == NULL);

  if (!open_history (self, &error))
    {
      g_autofree char *text = NULL;

      /* Translators: %s is an error message */
      text = g_strdup_printf (_("The chat history cannot be opened: %s"), error->message);
      append_log (self, error->message);
      show_failure (self, text);
      return;
    }

  nick = resolve_nick (self);
  bind_address = resolve_bind_address (self);
  port = resolve_port (self);

  self->room = tincan_room_new (self->room_name ? self->room_name : DEFAULT_ROOM_NAME, nick, self->history);
  if (self->flood_limit >= 0)
    tincan_room_set_flood_limit (self->room, self->flood_limit, 5);
  apply_history_length (self);

  self->host = tincan_host_new (self->room);
  apply_passcode (self);
  g_signal_connect_object (self->host, "log", G_CALLBACK (on_host_log), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->host, "notify::storage-error", G_CALLBACK (update_storage_banner), self,
                           G_CONNECT_SWAPPED);
  update_storage_banner (self);

  if (!tincan_host_listen (self->host, bind_address, port, TRUE, &error))
    {
      g_autofree char *text = NULL;

      line = g_strdup_printf ("Cannot listen on %s port %u: %s", bind_address, port, error->message);
      append_log (self, line);
      /* Translators: the first %u is a port number, %s an error message */
      text = g_strdup_printf (_("Tincan could not listen on port %u: %s"), port, error->message);
      tincan_host_shutdown (self->host);
      g_clear_object (&self->host);
      g_clear_object (&self->room);
      update_urls (self);
      show_failure (self, text);
      return;
    }

  line = g_strdup_printf ("Listening on http://%s:%u/", bind_address, tincan_host_get_port (self->host));
  append_log (self, line);

  g_signal_connect_object (self->room, "user-joined", G_CALLBACK (on_user_joined), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->room, "user-left", G_CALLBACK (on_user_left), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->room, "user-renamed", G_CALLBACK (on_user_renamed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->room, "message", G_CALLBACK (on_room_message), self, G_CONNECT_SWAPPED);

  load_backlog (self);
  g_list_store_remove_all (self->notices);
  visible = gtk_filter_list_model_new (g_object_ref (tincan_room_get_messages (self->room)),
                                       GTK_FILTER (gtk_custom_filter_new (is_visible_to_host, self->room, NULL)));
  g_list_store_remove_all (self->parts);
  g_list_store_append (self->parts, self->backlog);
  g_list_store_append (self->parts, visible);
  g_list_store_append (self->parts, self->notices);

  tincan_chat_view_set_room (self->chat_view, tincan_room_get_users (self->room),
                             G_LIST_MODEL (self->timeline), nick);

  adw_window_title_set_title (self->window_title, tincan_room_get_name (self->room));
  gtk_window_set_title (GTK_WINDOW (self), tincan_room_get_name (self->room));
  update_urls (self);
  update_title (self);
  gtk_stack_set_visible_child_name (self->main_stack, self->show_log ? "log" : "chat");
  self->restart_offered = FALSE;
}

static void
tincan_window_stop_hosting (TincanWindow *self)
{
  if (self->host != NULL)
    {
      tincan_host_shutdown (self->host);
      g_signal_handlers_disconnect_by_data (self->host, self);
      append_log (self, "Stopped hosting");
    }
  if (self->room != NULL)
    g_signal_handlers_disconnect_by_data (self->room, self);

  tincan_chat_view_set_room (self->chat_view, NULL, NULL, NULL);
  if (self->parts != NULL)
    g_list_store_remove_all (self->parts);
  g_clear_object (&self->host);
  g_clear_object (&self->room);
  if (self->urls != NULL)
    update_urls (self);
  update_storage_banner (self);
}

static void
restart_host_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  TincanWindow *self = TINCAN_WINDOW (widget);

  tincan_window_stop_hosting (self);
  tincan_window_start_hosting (self);
}

static void
on_settings_changed (TincanWindow *self,
                     const char   *key,
                     GSettings    *settings)
{
  AdwToast *toast;

  if (g_str_equal (key, "passcode"))
    {
      apply_passcode (self);
      return;
    }
  if (g_str_equal (key, "history-length"))
    {
      apply_history_length (self);
      return;
    }

  /* Overridden on the command line: the setting does not apply to this run. */
  if ((g_str_equal (key, "port") && self->port >= 0) ||
      (g_str_equal (key, "listen-on-lan") && self->bind_address != NULL) ||
      (g_str_equal (key, "nickname") && self->nick != NULL))
    return;
  if (!g_str_equal (key, "port") && !g_str_equal (key, "listen-on-lan") && !g_str_equal (key, "nickname"))
    return;

  if (self->host == NULL)
    {
      tincan_window_start_hosting (self);
      return;
    }
  if (self->restart_offered)
    return;

  self->restart_offered = TRUE;
  toast = adw_toast_new (_("The new settings apply when hosting restarts"));
  adw_toast_set_button_label (toast, _("_Restart"));
  adw_toast_set_action_name (toast, "win.restart-host");
  adw_toast_set_timeout (toast, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* ---- Views ------------------------------------------------------------------------------ */

static gboolean
invert_boolean (gpointer unused,
                gboolean value)
{
  return !value;
}

static void
tincan_window_set_show_log (TincanWindow *self,
                            gboolean      show_log)
{
  show_log = !!show_log;
  if (self->show_log == show_log)
    return;

  self->show_log = show_log;
  if (!g_str_equal (gtk_stack_get_visible_child_name (self->main_stack), "failed"))
    gtk_stack_set_visible_child_name (self->main_stack, show_log ? "log" : "chat");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_LOG]);
}

static void
toggle_sidebar_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  TincanWindow *self = TINCAN_WINDOW (widget);
  gboolean shown;

  tincan_window_set_show_log (self, FALSE);
  g_object_get (self->chat_view, "show-sidebar", &shown, NULL);
  g_object_set (self->chat_view, "show-sidebar", !shown, NULL);
}

static void
copy_log_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  TincanWindow *self = TINCAN_WINDOW (widget);
  GListModel *lines = G_LIST_MODEL (self->log_lines);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (lines); i++)
    {
      g_string_append (text, gtk_string_list_get_string (self->log_lines, i));
      g_string_append_c (text, '\n');
    }
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text->str);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Log copied")));
}

static void
on_is_active_changed (TincanWindow *self,
                      GParamSpec   *pspec,
                      gpointer      user_data)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  if (app != NULL && gtk_window_is_active (GTK_WINDOW (self)))
    tincan_application_withdraw_notification (TINCAN_APPLICATION (app));
}

static gboolean
on_close_request (GtkWindow *window)
{
  TincanWindow *self = TINCAN_WINDOW (window);
  int width;
  int height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);

  return GTK_WINDOW_CLASS (tincan_window_parent_class)->close_request (window);
}

/* ---- GObject ---------------------------------------------------------------------------- */

static void
tincan_window_constructed (GObject *object)
{
  TincanWindow *self = (TincanWindow *) object;

  G_OBJECT_CLASS (tincan_window_parent_class)->constructed (object);

  tincan_window_start_hosting (self);
}

static void
tincan_window_dispose (GObject *object)
{
  TincanWindow *self = (TincanWindow *) object;

  g_cancellable_cancel (self->cancellable);
  if (self->chat_view != NULL)
    tincan_window_stop_hosting (self);
  if (self->history != NULL)
    tincan_history_close (self->history);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), TINCAN_TYPE_WINDOW);

  g_clear_object (&self->history);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->urls);
  g_clear_object (&self->log_lines);
  g_clear_object (&self->timeline);
  g_clear_object (&self->parts);
  g_clear_object (&self->backlog);
  g_clear_object (&self->notices);

  G_OBJECT_CLASS (tincan_window_parent_class)->dispose (object);
}

static void
tincan_window_finalize (GObject *object)
{
  TincanWindow *self = (TincanWindow *) object;

  g_free (self->bind_address);
  g_free (self->data_dir);
  g_free (self->room_name);
  g_free (self->passcode);
  g_free (self->nick);
  g_free (self->join_url);
  g_free (self->storage_notice);

  G_OBJECT_CLASS (tincan_window_parent_class)->finalize (object);
}

static void
tincan_window_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  TincanWindow *self = TINCAN_WINDOW (object);

  switch (prop_id)
    {
    case PROP_PORT:
      g_value_set_int (value, self->port);
      break;

    case PROP_BIND_ADDRESS:
      g_value_set_string (value, self->bind_address);
      break;

    case PROP_DATA_DIR:
      g_value_set_string (value, self->data_dir);
      break;

    case PROP_ROOM_NAME:
      g_value_set_string (value, self->room_name);
      break;

    case PROP_PASSCODE:
      g_value_set_string (value, self->passcode);
      break;

    case PROP_NICK:
      g_value_set_string (value, self->nick);
      break;

    case PROP_HISTORY_LENGTH:
      g_value_set_int (value, self->history_length);
      break;

    case PROP_FLOOD_LIMIT:
      g_value_set_int (value, self->flood_limit);
      break;

    case PROP_SHOW_LOG:
      g_value_set_boolean (value, self->show_log);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tincan_window_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  TincanWindow *self = TINCAN_WINDOW (object);

  switch (prop_id)
    {
    case PROP_PORT:
      self->port = g_value_get_int (value);
      break;

    case PROP_BIND_ADDRESS:
      self->bind_address = g_value_dup_string (value);
      break;

    case PROP_DATA_DIR:
      self->data_dir = g_value_dup_string (value);
      break;

    case PROP_ROOM_NAME:
      self->room_name = g_value_dup_string (value);
      break;

    case PROP_PASSCODE:
      self->passcode = g_value_dup_string (value);
      break;

    case PROP_NICK:
      self->nick = g_value_dup_string (value);
      break;

    case PROP_HISTORY_LENGTH:
      self->history_length = g_value_get_int (value);
      break;

    case PROP_FLOOD_LIMIT:
      self->flood_limit = g_value_get_int (value);
      break;

    case PROP_SHOW_LOG:
      tincan_window_set_show_log (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tincan_window_class_init (TincanWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);
  const GParamFlags construct = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = tincan_window_constructed;
  object_class->dispose = tincan_window_dispose;
  object_class->finalize = tincan_window_finalize;
  object_class->get_property = tincan_window_get_property;
  object_class->set_property = tincan_window_set_property;

  window_class->close_request = on_close_request;

  properties[PROP_PORT] = g_param_spec_int ("port", NULL, NULL, -1, 65535, -1, construct);
  properties[PROP_BIND_ADDRESS] = g_param_spec_string ("bind-address", NULL, NULL, NULL, construct);
  properties[PROP_DATA_DIR] = g_param_spec_string ("data-dir", NULL, NULL, NULL, construct);
  properties[PROP_ROOM_NAME] = g_param_spec_string ("room-name", NULL, NULL, NULL, construct);
  properties[PROP_PASSCODE] = g_param_spec_string ("passcode", NULL, NULL, NULL, construct);
  properties[PROP_NICK] = g_param_spec_string ("nick", NULL, NULL, NULL, construct);
  properties[PROP_HISTORY_LENGTH] = g_param_spec_int ("history-length", NULL, NULL, -1, G_MAXINT, -1, construct);
  properties[PROP_FLOOD_LIMIT] = g_param_spec_int ("flood-limit", NULL, NULL, -1, G_MAXINT, -1, construct);
  properties[PROP_SHOW_LOG] =
    g_param_spec_boolean ("show-log", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "ui/tincan-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, chat_view);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, qr_code);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, url_drop_down);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, invite_hint);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, log_list);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, log_scroller);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, failed_page);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, storage_revealer);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, storage_banner);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, storage_label);
  gtk_widget_class_bind_template_child (widget_class, TincanWindow, storage_dismiss);
  gtk_widget_class_bind_template_callback (widget_class, on_send);
  gtk_widget_class_bind_template_callback (widget_class, on_typing);
  gtk_widget_class_bind_template_callback (widget_class, on_url_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_storage_dismiss);
  gtk_widget_class_bind_template_callback (widget_class, invert_boolean);

  gtk_widget_class_install_action (widget_class, "win.copy-link", NULL, copy_link_action);
  gtk_widget_class_install_action (widget_class, "win.copy-log", NULL, copy_log_action);
  gtk_widget_class_install_action (widget_class, "win.kick-user", "s", kick_user_action);
  gtk_widget_class_install_action (widget_class, "win.ban-user", "s", ban_user_action);
  gtk_widget_class_install_action (widget_class, "win.restart-host", NULL, restart_host_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-sidebar", NULL, toggle_sidebar_action);
  gtk_widget_class_install_property_action (widget_class, "win.show-log", "show-log");

  g_type_ensure (TINCAN_TYPE_CHAT_VIEW);
  g_type_ensure (TINCAN_TYPE_QR_CODE);
}

static void
tincan_window_init (TincanWindow *self)
{
  GtkFlattenListModel *flat;
  GtkNoSelection *selection;
  GtkSorter *sorter;

  self->port = -1;
  self->history_length = -1;
  self->flood_limit = -1;
  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (APP_ID);
  self->urls = gtk_string_list_new (NULL);
  self->log_lines = gtk_string_list_new (NULL);
  self->backlog = g_list_store_new (TINCAN_TYPE_MESSAGE);
  self->notices = g_list_store_new (TINCAN_TYPE_MESSAGE);
  self->parts = g_list_store_new (G_TYPE_LIST_MODEL);
  sorter = GTK_SORTER (gtk_custom_sorter_new (compare_by_time, NULL, NULL));
  flat = gtk_flatten_list_model_new (g_object_ref (G_LIST_MODEL (self->parts)));
  self->timeline = gtk_sort_list_model_new (G_LIST_MODEL (flat), sorter);

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_drop_down_set_model (self->url_drop_down, G_LIST_MODEL (self->urls));
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->log_lines)));
  gtk_list_view_set_model (self->log_list, GTK_SELECTION_MODEL (selection));
  tincan_chat_view_set_can_moderate (self->chat_view, TRUE);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (on_settings_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect (self, "notify::is-active", G_CALLBACK (on_is_active_changed), NULL);

#if DEVELOPMENT_BUILD
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif
}

/**
 * tincan_window_new:
 * @application: the application
 *
 * Creates the hosting window with the command line's overrides, and starts hosting.
 *
 * Returns: (transfer full): a new window
 */
TincanWindow *
tincan_window_new (TincanApplication *application)
{
  const TincanHostOptions *options;

  g_return_val_if_fail (TINCAN_IS_APPLICATION (application), NULL);

  options = tincan_application_get_host_options (application);
  return g_object_new (TINCAN_TYPE_WINDOW,
                       "application", application,
                       "port", options->port,
                       "bind-address", options->bind_address,
                       "data-dir", options->data_dir,
                       "room-name", options->room_name,
                       "passcode", options->passcode,
                       "nick", options->nick,
                       "history-length", options->history_length,
                       "flood-limit", options->flood_limit,
                       NULL);
}

/**
 * tincan_window_get_host:
 * @self: a window
 *
 * Returns: (transfer none) (nullable): the host, %NULL when not hosting
 */
TincanHost *
tincan_window_get_host (TincanWindow *self)
{
  g_return_val_if_fail (TINCAN_IS_WINDOW (self), NULL);

  return self->host;
}

TincanRoom *
tincan_window_get_room (TincanWindow *self)
{
  g_return_val_if_fail (TINCAN_IS_WINDOW (self), NULL);

  return self->room;
}

TincanChatView *
tincan_window_get_chat_view (TincanWindow *self)
{
  g_return_val_if_fail (TINCAN_IS_WINDOW (self), NULL);

  return self->chat_view;
}

/**
 * tincan_window_get_join_url:
 * @self: a window
 *
 * Returns: (nullable): the link shown and encoded in the QR code
 */
const char *
tincan_window_get_join_url (TincanWindow *self)
{
  g_return_val_if_fail (TINCAN_IS_WINDOW (self), NULL);

  return self->join_url;
}

/**
 * tincan_window_get_log:
 * @self: a window
 *
 * Returns: (transfer none): the server log's lines, a #GtkStringList
 */
GListModel *
tincan_window_get_log (TincanWindow *self)
{
  g_return_val_if_fail (TINCAN_IS_WINDOW (self), NULL);

  return G_LIST_MODEL (self->log_lines);
}
