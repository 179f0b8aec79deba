/* tincan-remote-window.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A window on somebody else's chat: the same chat view as when hosting, over the TincanRoom
 * that a TincanRemoteRoom mirrors, with a page for "connecting" and one for "that did not
 * work". The log is kept here in arrival order (the room's messages plus join and leave
 * notices), because the other server's clock need not agree with ours. */

#include "config.h"

#include "tincan-remote-window.h"

#include "tincan-application.h"

#include <glib/gi18n.h>

#define MAX_LOG 1000

struct _TincanRemoteWindow
{
  AdwApplicationWindow  parent_instance;

  /* template children */
  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  GtkStack             *stack;
  TincanChatView       *chat_view;
  AdwStatusPage        *connecting_page;
  AdwStatusPage        *failed_page;

  /* owned */
  TincanRemoteRoom     *room;
  SioClientSocket      *socket;
  GCancellable         *cancellable;
  GListStore           *log;          /* TincanMessage, in arrival order */
  char                 *url;
  char                 *failure;      /* why the server refused or sent us away */
  char                 *problem;      /* why the connection is not open right now */
};

enum {
  PROP_0,
  PROP_ROOM,
  PROP_URL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (TincanRemoteWindow, tincan_remote_window, ADW_TYPE_APPLICATION_WINDOW)

static void
set_string (char       **field,
            const char  *value)
{
  char *copy = g_strdup (value);

  g_free (*field);
  *field = copy;
}

static void
update_state (TincanRemoteWindow *self)
{
  TincanRemoteState state = tincan_remote_room_get_state (self->room);
  TincanRoom *room = tincan_remote_room_get_room (self->room);
  const char *name = tincan_room_get_name (room);
  g_autofree char *subtitle = NULL;
  gboolean has_messages = g_list_model_get_n_items (G_LIST_MODEL (self->log)) > 0;
  TincanUser *me;
  gboolean private_ok;

  adw_window_title_set_title (self->window_title, name);
  gtk_window_set_title (GTK_WINDOW (self), name);

  switch (state)
    {
    case TINCAN_REMOTE_CONNECTING:
      gtk_stack_set_visible_child_name (self->stack, has_messages ? "chat" : "connecting");
      adw_status_page_set_description (self->connecting_page, self->problem ? self->problem : self->url);
      subtitle = g_strdup (has_messages ? _("Reconnecting…") : _("Connecting…"));
      break;

    case TINCAN_REMOTE_CONNECTED:
      g_clear_pointer (&self->problem, g_free);
      /* Only another Tincan has private messages: the tutorials would post them for all. */
      me = tincan_room_lookup_nick (room, tincan_remote_room_get_nick (self->room));
      private_ok = me != NULL && tincan_user_get_dialect (me) == TINCAN_DIALECT_TINCAN;
      tincan_chat_view_set_can_message_privately (self->chat_view, private_ok);
      gtk_stack_set_visible_child_name (self->stack, "chat");
      /* Translators: the window's subtitle; %s is your nickname */
      subtitle = g_strdup_printf (_("Joined as %s"), tincan_remote_room_get_nick (self->room));
      break;

    case TINCAN_REMOTE_REFUSED:
      adw_status_page_set_description (self->failed_page,
                                       self->failure ? self->failure : _("The server refused the connection"));
      gtk_stack_set_visible_child_name (self->stack, "failed");
      subtitle = g_strdup (_("Not connected"));
      break;

    case TINCAN_REMOTE_CLOSED:
    default:
      adw_status_page_set_description (self->failed_page,
                                       self->failure ? self->failure : _("The server closed the connection"));
      gtk_stack_set_visible_child_name (self->stack, "failed");
      subtitle = g_strdup (_("Not connected"));
      break;
    }

  adw_window_title_set_subtitle (self->window_title, subtitle);
}

static void
append_log (TincanRemoteWindow *self,
            TincanMessage      *message)
{
  g_list_store_append (self->log, message);
  if (g_list_model_get_n_items (G_LIST_MODEL (self->log)) > MAX_LOG)
    g_list_store_remove (self->log, 0);
}

static void
on_room_message (TincanRemoteWindow *self,
                 TincanMessage      *message,
                 TincanRoom         *room)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  append_log (self, message);

  /* The history replayed on joining is not news. */
  if (app == NULL || gtk_window_is_active (GTK_WINDOW (self)) ||
      tincan_remote_room_get_state (self->room) != TINCAN_REMOTE_CONNECTED ||
      tincan_message_get_kind (message) == TINCAN_MESSAGE_NOTICE ||
      g_strcmp0 (tincan_message_get_from_nick (message), tincan_remote_room_get_nick (self->room)) == 0)
    return;

  tincan_application_notify_message (TINCAN_APPLICATION (app), tincan_room_get_name (room), message);
}

static void
add_notice (TincanRemoteWindow *self,
            const char         *text)
{
  g_autoptr(TincanMessage) notice = tincan_message_new (TINCAN_MESSAGE_NOTICE, 0, g_get_real_time () / 1000,
                                                         NULL, NULL, text);

  append_log (self, notice);
}

static void
on_user_joined (TincanRemoteWindow *self,
                TincanUser         *user,
                TincanRoom         *room)
{
  g_autofree char *text = NULL;

  /* Everyone already there is listed on joining and on every reconnection: not news either. */
  if (tincan_remote_room_get_state (self->room) != TINCAN_REMOTE_CONNECTED ||
      g_strcmp0 (tincan_user_get_nick (user), tincan_remote_room_get_nick (self->room)) == 0)
    return;

  /* Translators: a notice in the chat log; %s is a nickname */
  text = g_strdup_printf (_("%s joined"), tincan_user_get_nick (user));
  add_notice (self, text);
}

static void
on_user_left (TincanRemoteWindow *self,
              TincanUser         *user,
              const char         *reason,
              TincanRoom         *room)
{
  g_autofree char *text = NULL;

  if (tincan_remote_room_get_state (self->room) != TINCAN_REMOTE_CONNECTED || g_strcmp0 (reason, "left") != 0)
    return;

  /* Translators: a notice in the chat log; %s is a nickname */
  text = g_strdup_printf (_("%s left"), tincan_user_get_nick (user));
  add_notice (self, text);
}

static void
on_connect_error (TincanRemoteWindow *self,
                  const GError       *error,
                  JsonNode           *data,
                  SioClientSocket    *socket)
{
  JsonObject *object = data && JSON_NODE_HOLDS_OBJECT (data) ? json_node_get_object (data) : NULL;
  const char *code = object ? json_object_get_string_member_with_default (object, "code", NULL) : NULL;
  g_autofree char *text = NULL;

  if (!g_error_matches (error, SIO_ERROR, SIO_ERROR_REFUSED))
    {
      /* Translators: %s is a network error; the connection is retried by itself */
      text = g_strdup_printf (_("Cannot reach the chat: %s. Trying again…"), error->message);
      set_string (&self->problem, text);
      update_state (self);
      return;
    }

  if (g_strcmp0 (code, "passcode") == 0)
    text = g_strdup (_("The passcode is missing or not right"));
  else if (g_strcmp0 (code, "nick-taken") == 0)
    /* Translators: %s is a nickname */
    text = g_strdup_printf (_("Someone there is already called %s"), tincan_remote_room_get_nick (self->room));
  else if (g_strcmp0 (code, "nick-invalid") == 0)
    /* Translators: %s is the server's explanation, in English */
    text = g_strdup_printf (_("That nickname cannot be used there: %s"), error->message);
  else if (g_strcmp0 (code, "banned") == 0)
    text = g_strdup (_("You are banned from this chat"));
  else
    /* Translators: %s is the server's explanation */
    text = g_strdup_printf (_("The server refused: %s"), error->message);
  set_string (&self->failure, text);
  update_state (self);
}

static void
on_kicked (TincanRemoteWindow *self,
           SioClientEvent     *event,
           SioClientSocket    *socket)
{
  JsonNode *arg = sio_client_event_get_n_args (event) > 0 ? sio_client_event_get_arg (event, 0) : NULL;
  JsonObject *object = arg && JSON_NODE_HOLDS_OBJECT (arg) ? json_node_get_object (arg) : NULL;

  set_string (&self->failure,
              object && json_object_get_boolean_member_with_default (object, "banned", FALSE)
              ? _("The host banned you from this chat")
              : _("The host removed you from this chat"));
  update_state (self);
}

typedef struct
{
  TincanRemoteWindow *self;
  char               *text;
  char               *to_nick;
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

static void
on_posted (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Post) post = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (tincan_remote_room_send_finish (TINCAN_REMOTE_ROOM (source), result, &error) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || post->self->chat_view == NULL)
    return;

  /* Translators: %s is why, usually the server's words */
  text = g_strdup_printf (_("The message was not sent: %s"), error->message);
  tincan_chat_view_restore_draft (post->self->chat_view, post->text, post->to_nick);
  adw_toast_overlay_add_toast (post->self->toast_overlay, adw_toast_new (text));
}

static void
on_send (TincanRemoteWindow *self,
         const char         *text,
         const char         *to_nick,
         TincanChatView     *view)
{
  Post *post = g_new0 (Post, 1);

  post->self = g_object_ref (self);
  post->text = g_strdup (text);
  post->to_nick = g_strdup (to_nick);
  tincan_remote_room_send_async (self->room, to_nick, text, self->cancellable, on_posted, post);
}

static void
on_typing (TincanRemoteWindow *self,
           gboolean            typing,
           TincanChatView     *view)
{
  tincan_remote_room_set_typing (self->room, typing);
}

static void
reconnect_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  TincanRemoteWindow *self = TINCAN_REMOTE_WINDOW (widget);

  g_clear_pointer (&self->failure, g_free);
  g_clear_pointer (&self->problem, g_free);
  tincan_remote_room_connect (self->room);
  update_state (self);
}

static void
toggle_sidebar_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  TincanRemoteWindow *self = TINCAN_REMOTE_WINDOW (widget);
  gboolean shown;

  g_object_get (self->chat_view, "show-sidebar", &shown, NULL);
  g_object_set (self->chat_view, "show-sidebar", !shown, NULL);
}

static void
on_is_active_changed (TincanRemoteWindow *self,
                      GParamSpec         *pspec,
                      gpointer            user_data)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  if (app != NULL && gtk_window_is_active (GTK_WINDOW (self)))
    tincan_application_withdraw_notification (TINCAN_APPLICATION (app));
}

static void
tincan_remote_window_constructed (GObject *object)
{
  TincanRemoteWindow *self = (TincanRemoteWindow *) object;
  TincanRoom *room;
  GListModel *messages;

  G_OBJECT_CLASS (tincan_remote_window_parent_class)->constructed (object);

  g_assert (self->room != NULL);

  room = tincan_remote_room_get_room (self->room);
  messages = tincan_room_get_messages (room);
  self->socket = sio_manager_socket (tincan_remote_room_get_manager (self->room), "/");

  /* Whatever the room already holds, for a room joined before the window opened. */
  for (guint i = 0; i < g_list_model_get_n_items (messages); i++)
    {
      g_autoptr(TincanMessage) message = g_list_model_get_item (messages, i);

      append_log (self, message);
    }

  tincan_chat_view_set_room (self->chat_view, tincan_room_get_users (room), G_LIST_MODEL (self->log),
                             tincan_remote_room_get_nick (self->room));
  tincan_chat_view_set_can_message_privately (self->chat_view, FALSE);

  g_signal_connect_object (self->room, "notify::state", G_CALLBACK (update_state), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (room, "message", G_CALLBACK (on_room_message), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (room, "user-joined", G_CALLBACK (on_user_joined), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (room, "user-left", G_CALLBACK (on_user_left), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->socket, "connect-error", G_CALLBACK (on_connect_error), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->socket, "event::kicked", G_CALLBACK (on_kicked), self, G_CONNECT_SWAPPED);

  update_state (self);
}

static void
tincan_remote_window_dispose (GObject *object)
{
  TincanRemoteWindow *self = (TincanRemoteWindow *) object;

  g_cancellable_cancel (self->cancellable);
  if (self->socket != NULL)
    g_signal_handlers_disconnect_by_data (self->socket, self);
  if (self->room != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->room, self);
      g_signal_handlers_disconnect_by_data (tincan_remote_room_get_room (self->room), self);
      tincan_remote_room_disconnect (self->room);
    }
  if (self->chat_view != NULL)
    tincan_chat_view_set_room (self->chat_view, NULL, NULL, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), TINCAN_TYPE_REMOTE_WINDOW);

  g_clear_object (&self->socket);
  g_clear_object (&self->room);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->log);

  G_OBJECT_CLASS (tincan_remote_window_parent_class)->dispose (object);
}

static void
tincan_remote_window_finalize (GObject *object)
{
  TincanRemoteWindow *self = (TincanRemoteWindow *) object;

  g_free (self->url);
  g_free (self->failure);
  g_free (self->problem);

  G_OBJECT_CLASS (tincan_remote_window_parent_class)->finalize (object);
}

static void
tincan_remote_window_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  TincanRemoteWindow *self = TINCAN_REMOTE_WINDOW (object);

  switch (prop_id)
    {
    case PROP_ROOM:
      g_value_set_object (value, self->room);
      break;

    case PROP_URL:
      g_value_set_string (value, self->url);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tincan_remote_window_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  TincanRemoteWindow *self = TINCAN_REMOTE_WINDOW (object);

  switch (prop_id)
    {
    case PROP_ROOM:
      self->room = g_value_dup_object (value);
      break;

    case PROP_URL:
      self->url = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tincan_remote_window_class_init (TincanRemoteWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = tincan_remote_window_constructed;
  object_class->dispose = tincan_remote_window_dispose;
  object_class->finalize = tincan_remote_window_finalize;
  object_class->get_property = tincan_remote_window_get_property;
  object_class->set_property = tincan_remote_window_set_property;

  properties[PROP_ROOM] =
    g_param_spec_object ("room", NULL, NULL, TINCAN_TYPE_REMOTE_ROOM,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "ui/tincan-remote-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TincanRemoteWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TincanRemoteWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, TincanRemoteWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, TincanRemoteWindow, chat_view);
  gtk_widget_class_bind_template_child (widget_class, TincanRemoteWindow, connecting_page);
  gtk_widget_class_bind_template_child (widget_class, TincanRemoteWindow, failed_page);
  gtk_widget_class_bind_template_callback (widget_class, on_send);
  gtk_widget_class_bind_template_callback (widget_class, on_typing);

  gtk_widget_class_install_action (widget_class, "win.reconnect", NULL, reconnect_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-sidebar", NULL, toggle_sidebar_action);

  g_type_ensure (TINCAN_TYPE_CHAT_VIEW);
}

static void
tincan_remote_window_init (TincanRemoteWindow *self)
{
  self->cancellable = g_cancellable_new ();
  self->log = g_list_store_new (TINCAN_TYPE_MESSAGE);

  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self, "notify::is-active", G_CALLBACK (on_is_active_changed), NULL);

#if DEVELOPMENT_BUILD
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif
}

/**
 * tincan_remote_window_new:
 * @application: the application
 * @room: the chat to show; the window leaves it when it closes
 * @url: the address it was joined at, shown while connecting
 *
 * Returns: (transfer full): a new window
 */
TincanRemoteWindow *
tincan_remote_window_new (GtkApplication   *application,
                          TincanRemoteRoom *room,
                          const char       *url)
{
  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (TINCAN_IS_REMOTE_ROOM (room), NULL);

  return g_object_new (TINCAN_TYPE_REMOTE_WINDOW,
                       "application", application,
                       "room", room,
                       "url", url,
                       NULL);
}

TincanRemoteRoom *
tincan_remote_window_get_room (TincanRemoteWindow *self)
{
  g_return_val_if_fail (TINCAN_IS_REMOTE_WINDOW (self), NULL);

  return self->room;
}

TincanChatView *
tincan_remote_window_get_chat_view (TincanRemoteWindow *self)
{
  g_return_val_if_fail (TINCAN_IS_REMOTE_WINDOW (self), NULL);

  return self->chat_view;
}
