/* test-window.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The hosting window on 127.0.0.1, port 0, under a real display (Xvfb in `meson test`): the
 * join link and its QR code (rendered and read back module by module), a raw Socket.IO client
 * whose user appears in the people list and whose messages appear in the log, the entry
 * reaching that client, private messages, typing, kick and ban, plain text only, following
 * the bottom of the log, the server log, preferences applied live, and a second window
 * joining the first one's chat through the Socket.IO client. The screenshot test leaves
 * tests/artifacts/window.png (and window-dark.png) in the build folder.
 */

#include "config.h"

#include "sio-test-client.h"
#include "tincan-application.h"
#include "tincan-chat-view.h"
#include "tincan-history-private.h"
#include "tincan-join-dialog.h"
#include "tincan-message-row.h"
#include "tincan-preferences-window.h"
#include "tincan-qr-code.h"
#include "tincan-remote-window.h"
#include "tincan-user-row.h"
#include "tincan-window.h"

#include <glib/gstdio.h>
#include <string.h>

/* ---------------------------------------------------------------------------------------- */
/* Fixture: the application and a hosting window on a fresh data folder                      */

/* One per process, as in the real thing: once registered, GtkApplication keeps a reference
 * to itself until g_application_run() shuts it down, which these tests never call. */
static TincanApplication *app;

typedef struct
{
  char              *dir;
  TincanApplication *app;
  TincanWindow      *window;
  SioFixture         sio;          /* only base and session, for sio_test_client_new_full() */
  GSettings         *settings;
} Fixture;

static gboolean
count_frame (GtkWidget     *widget,
             GdkFrameClock *clock,
             gpointer       user_data)
{
  guint *frames = user_data;

  (*frames)++;
  return G_SOURCE_CONTINUE;
}

/* Lets @widget's window lay out and draw @n more frames: "nothing moved" is checked after
 * the list view had every chance to move, not after a guessed delay. */
static void
wait_frames (GtkWidget *widget,
             guint      n)
{
  guint frames = 0;
  guint id = gtk_widget_add_tick_callback (widget, count_frame, &frames, NULL);

  WAIT_FOR (frames >= n);
  gtk_widget_remove_tick_callback (widget, id);
}

static void
wait_ms (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;
  guint id = g_timeout_add (ms, test_wakeup_cb, NULL);

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  TincanHost *host;

  f->dir = g_dir_make_tmp ("tincan-window-XXXXXX", &error);
  g_assert_no_error (error);

  /* Settings from the memory backend start at their defaults in every test process. */
  f->settings = g_settings_new (APP_ID);

  f->app = app;

  f->window = g_object_new (TINCAN_TYPE_WINDOW,
                            "application", f->app,
                            "port", 0,
                            "bind-address", "127.0.0.1",
                            "data-dir", f->dir,
                            "room-name", "Lobby",
                            "nick", "Host",
                            "flood-limit", 0,
                            "default-width", 1000,
                            "default-height", 700,
                            NULL);
  g_object_add_weak_pointer (G_OBJECT (f->window), (gpointer *) &f->window);
  gtk_window_present (GTK_WINDOW (f->window));
  /* Mapped and laid out: the first frame has been drawn. */
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (f->window)) &&
            gtk_widget_get_width (GTK_WIDGET (tincan_window_get_chat_view (f->window))) > 0);

  host = tincan_window_get_host (f->window);
  g_assert_nonnull (host);
  url = g_strdup_printf ("http://127.0.0.1:%u/", tincan_host_get_port (host));
  f->sio.base = g_uri_parse (url, G_URI_FLAGS_NONE, &error);
  g_assert_no_error (error);
  f->sio.session = soup_session_new ();
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      g_assert_no_errno (g_remove (child));
    }
  g_assert_no_errno (g_rmdir (path));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  GList *windows;

  while ((windows = gtk_application_get_windows (GTK_APPLICATION (f->app))) != NULL)
    gtk_window_destroy (windows->data);
  WAIT_FOR (f->window == NULL);

  g_clear_pointer (&f->sio.base, g_uri_unref);
  g_clear_object (&f->sio.session);
  /* The memory backend lives as long as the process: start the next test from the defaults. */
  {
    g_autoptr(GSettingsSchema) schema = NULL;
    g_auto(GStrv) keys = NULL;

    g_object_get (f->settings, "settings-schema", &schema, NULL);
    keys = g_settings_schema_list_keys (schema);
    for (guint i = 0; keys[i] != NULL; i++)
      g_settings_reset (f->settings, keys[i]);
  }
  g_clear_object (&f->settings);
  f->app = NULL;

  remove_tree (f->dir);
  g_free (f->dir);
}

/* ---------------------------------------------------------------------------------------- */
/* Finding widgets                                                                           */

static void
collect (GtkWidget *widget,
         GType      type,
         gboolean   mapped_only,
         GPtrArray *found)
{
  if (mapped_only && !gtk_widget_get_mapped (widget))
    return;
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    g_ptr_array_add (found, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect (child, type, mapped_only, found);
}

/* Every widget of @type on screen under @root. */
static GPtrArray *
find_all (gpointer root,
          GType    type)
{
  GPtrArray *found = g_ptr_array_new ();

  collect (GTK_WIDGET (root), type, TRUE, found);
  return found;
}

static gpointer
find_one (gpointer root,
          GType    type)
{
  g_autoptr(GPtrArray) found = find_all (root, type);

  return found->len > 0 ? g_ptr_array_index (found, 0) : NULL;
}

/* The mapped label showing exactly @text, or NULL. */
static GtkLabel *
find_label (gpointer    root,
            const char *text)
{
  g_autoptr(GPtrArray) labels = find_all (root, GTK_TYPE_LABEL);

  for (guint i = 0; i < labels->len; i++)
    if (g_strcmp0 (gtk_label_get_text (g_ptr_array_index (labels, i)), text) == 0)
      return g_ptr_array_index (labels, i);
  return NULL;
}

static GtkWidget *
message_list (Fixture *f)
{
  TincanChatView *view = tincan_window_get_chat_view (f->window);
  g_autoptr(GPtrArray) lists = g_ptr_array_new ();

  collect (GTK_WIDGET (view), GTK_TYPE_LIST_VIEW, FALSE, lists);
  for (guint i = 0; i < lists->len; i++)
    if (gtk_widget_has_css_class (g_ptr_array_index (lists, i), "messages"))
      return g_ptr_array_index (lists, i);
  g_assert_not_reached ();
}

static GtkWidget *
people_list (Fixture *f)
{
  TincanChatView *view = tincan_window_get_chat_view (f->window);
  g_autoptr(GPtrArray) lists = g_ptr_array_new ();

  collect (GTK_WIDGET (view), GTK_TYPE_LIST_VIEW, FALSE, lists);
  for (guint i = 0; i < lists->len; i++)
    if (gtk_widget_has_css_class (g_ptr_array_index (lists, i), "people"))
      return g_ptr_array_index (lists, i);
  g_assert_not_reached ();
}

static TincanUserRow *
find_user_row (gpointer    root,
               const char *nick)
{
  g_autoptr(GPtrArray) rows = find_all (root, TINCAN_TYPE_USER_ROW);

  for (guint i = 0; i < rows->len; i++)
    {
      TincanUser *user = tincan_user_row_get_user (g_ptr_array_index (rows, i));

      if (user != NULL && g_strcmp0 (tincan_user_get_nick (user), nick) == 0)
        return g_ptr_array_index (rows, i);
    }
  return NULL;
}

static gpointer
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type))
        return window;
    }
  return NULL;
}

/* ---------------------------------------------------------------------------------------- */
/* A Tincan-dialect browser over a raw WebSocket                                             */

static SioTestClient *
join_as (Fixture    *f,
         const char *nick,
         const char *kind)
{
  SioTestClient *c = sio_test_client_new_full (&f->sio, NULL, NULL);
  g_autofree char *auth = g_strdup_printf ("{\"client\":\"tincan\",\"nick\":\"%s\",\"kind\":\"%s\"}", nick, kind);
  g_autofree char *sid = sio_test_client_connect (c, NULL, auth, NULL);

  g_assert_nonnull (sid);
  return c;
}

/* Reads until an event whose packet contains @needle, and returns the packet. */
static char *
wait_for_packet (SioTestClient *c,
                 const char    *needle)
{
  for (;;)
    {
      g_autofree char *text = sio_test_client_next_text (c);

      if (g_str_has_prefix (text, "42") && strstr (text, needle) != NULL)
        return g_steal_pointer (&text);
    }
}

static const char *
user_id (Fixture    *f,
         const char *nick)
{
  TincanUser *user = tincan_room_lookup_nick (tincan_window_get_room (f->window), nick);

  g_assert_nonnull (user);
  return tincan_user_get_id (user);
}

/* ---------------------------------------------------------------------------------------- */
/* Rendering                                                                                 */

static GdkTexture *
render (GtkWidget *widget)
{
  GdkPaintable *paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(GskRenderNode) node = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  GdkTexture *texture;

  /* A widget whose layout is still pending paints nothing in GTK 4.8 (seen in the Flatpak
   * sandbox): let the frame clock run and ask again, a bounded number of times. */
  for (guint tries = 0; tries < 100; tries++)
    {
      gdk_paintable_snapshot (paintable, snapshot, width, height);
      node = gtk_snapshot_free_to_node (snapshot);
      if (node != NULL)
        break;
      snapshot = gtk_snapshot_new ();
      for (gint64 until = g_get_monotonic_time () + 20 * G_TIME_SPAN_MILLISECOND;
           g_get_monotonic_time () < until;)
        g_main_context_iteration (NULL, FALSE);
      width = gtk_widget_get_width (widget);
      height = gtk_widget_get_height (widget);
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_object_unref (paintable);
  return texture;
}

/* Luminance, 0 to 255, of the pixel at @x, @y of a texture downloaded as BGRA. */
static guint
luminance (const guint8 *pixels,
           gsize         stride,
           int           x,
           int           y)
{
  const guint8 *p = pixels + (gsize) y * stride + (gsize) x * 4;

  return (p[0] * 11 + p[1] * 59 + p[2] * 30) / 100;
}

static void
save_artifact (GdkTexture *texture,
               const char *name)
{
  g_autofree char *dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".",
                                           "artifacts", NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_assert_no_errno (g_mkdir_with_parents (dir, 0755));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

/* ---------------------------------------------------------------------------------------- */
/* Tests                                                                                     */

static void
on_text_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  char **text = user_data;
  g_autoptr(GError) error = NULL;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);
  g_assert_no_error (error);
}

static void
test_invite (Fixture       *f,
             gconstpointer  data)
{
  const char *url = tincan_window_get_join_url (f->window);
  g_autofree char *expected = g_strdup_printf ("http://127.0.0.1:%u/", tincan_host_get_port (tincan_window_get_host (f->window)));
  TincanQrCode *qr = find_one (f->window, TINCAN_TYPE_QR_CODE);
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree guint8 *pixels = NULL;
  g_autofree char *copied = NULL;
  guint n;
  int width;
  int height;
  int module;
  int x0;
  int y0;
  gsize stride;

  /* Bound to 127.0.0.1, so that is the link, shown and encoded. */
  g_assert_cmpstr (url, ==, expected);
  g_assert_nonnull (find_label (f->window, url));
  g_assert_nonnull (qr);
  g_assert_cmpstr (tincan_qr_code_get_text (qr), ==, url);
  n = tincan_qr_code_get_n_modules (qr);
  g_assert_cmpuint (n, >=, 21);

  /* Big enough for a phone across a desk: at least 4 pixels a module, whole pixels only. */
  width = gtk_widget_get_width (GTK_WIDGET (qr));
  height = gtk_widget_get_height (GTK_WIDGET (qr));
  module = MIN (width, height) / (int) (n + 8);
  g_assert_cmpint (module, >=, 4);
  g_assert_cmpint (MIN (width, height), >=, 150);

  /* Read the code back from the pixels: every module is where the encoder put it. */
  texture = render (GTK_WIDGET (qr));
  stride = (gsize) gdk_texture_get_width (texture) * 4;
  pixels = g_malloc (stride * gdk_texture_get_height (texture));
  gdk_texture_download (texture, pixels, stride);
  x0 = (width - module * (int) (n + 8)) / 2 + 4 * module;
  y0 = (height - module * (int) (n + 8)) / 2 + 4 * module;
  for (guint y = 0; y < n; y++)
    for (guint x = 0; x < n; x++)
      {
        /* Sample the module's corners too, just inside: crisp edges, no blending. */
        int left = x0 + (int) x * module;
        int top = y0 + (int) y * module;
        guint expected_lum = tincan_qr_code_get_module (qr, x, y) ? 0 : 255;

        g_assert_cmpuint (luminance (pixels, stride, left + module / 2, top + module / 2), ==, expected_lum);
        g_assert_cmpuint (luminance (pixels, stride, left, top), ==, expected_lum);
        g_assert_cmpuint (luminance (pixels, stride, left + module - 1, top + module - 1), ==, expected_lum);
      }
  /* The quiet zone is white. */
  g_assert_cmpuint (luminance (pixels, stride, x0 - 2 * module, y0 - 2 * module), ==, 255);

  /* The copy button puts the link on the clipboard. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.copy-link", NULL);
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (f->window)), NULL, on_text_read, &copied);
  WAIT_FOR (copied != NULL);
  g_assert_cmpstr (copied, ==, url);
}

static void
test_socket_client (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(SioTestClient) alice = join_as (f, "alice", "browser");
  GtkWidget *messages = message_list (f);
  GtkWidget *people = people_list (f);
  TincanChatView *view = tincan_window_get_chat_view (f->window);
  GtkEditable *entry = tincan_chat_view_get_entry (view);
  TincanUserRow *row = NULL;
  GtkLabel *label = NULL;
  g_autofree char *packet = NULL;
  const char *markup = "<b>not bold</b> &amp; <i>";

  /* In the people list, with where she came from on hover and what she uses. */
  WAIT_FOR ((row = find_user_row (people, "alice")) != NULL);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (row)), ==, "Connected from 127.0.0.1");
  g_assert_nonnull (find_label (row, "Web browser"));
  g_assert_nonnull (find_label (messages, "alice joined"));
  g_assert_cmpstr (adw_window_title_get_subtitle (ADW_WINDOW_TITLE (find_one (f->window, ADW_TYPE_WINDOW_TITLE))),
                   ==, "Hosting · 2 people here");

  /* What she says is in the log, under her coloured name. */
  sio_test_client_send (alice, "42[\"message\",\"hello from alice\"]");
  WAIT_FOR ((label = find_label (messages, "hello from alice")) != NULL);
  label = find_label (messages, "alice");
  g_assert_nonnull (label);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (label), "nick"));

  /* Typing shows in her row and under the log. */
  sio_test_client_send (alice, "42[\"typing\",true]");
  WAIT_FOR (find_label (view, "alice is typing…") != NULL);
  g_assert_nonnull (find_label (row, "typing…"));
  sio_test_client_send (alice, "42[\"typing\",false]");
  WAIT_FOR (find_label (view, "alice is typing…") == NULL);

  /* Text is text: markup from the network is shown as typed. */
  sio_test_client_send (alice, "42[\"message\",\"<b>not bold</b> &amp; <i>\"]");
  WAIT_FOR ((label = find_label (messages, markup)) != NULL);
  g_assert_false (gtk_label_get_use_markup (label));

  /* The entry reaches her: Enter sends. */
  gtk_editable_set_text (entry, "hi alice, from the window");
  g_signal_emit_by_name (entry, "activate");
  packet = wait_for_packet (alice, "hi alice, from the window");
  g_assert_nonnull (strstr (packet, "\"from\":\"Host\""));
  g_assert_nonnull (strstr (packet, "\"kind\":\"chat\""));
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "");
  WAIT_FOR (find_label (messages, "hi alice, from the window") != NULL);
  g_clear_pointer (&packet, g_free);

  /* "Message privately" from her row's menu. */
  gtk_widget_activate_action (GTK_WIDGET (row), "user.message", NULL);
  g_assert_cmpstr (tincan_chat_view_get_private_target (view), ==, "alice");
  gtk_editable_set_text (entry, "just for you");
  g_signal_emit_by_name (entry, "activate");
  packet = wait_for_packet (alice, "just for you");
  g_assert_nonnull (strstr (packet, "\"kind\":\"private\""));
  g_assert_nonnull (strstr (packet, "\"to\":\"alice\""));
  WAIT_FOR (find_label (messages, "privately to alice") != NULL);
  g_clear_pointer (&packet, g_free);

  /* Kick, from the same menu: she is told, disconnected and gone from the list. */
  gtk_widget_activate_action (GTK_WIDGET (row), "user.kick", NULL);
  packet = wait_for_packet (alice, "\"kicked\"");
  g_assert_nonnull (strstr (packet, "\"banned\":false"));
  sio_test_client_wait_closed (alice);
  WAIT_FOR (find_user_row (people, "alice") == NULL);
  WAIT_FOR (find_label (messages, "alice was removed by the host") != NULL);
  g_assert_null (tincan_room_lookup_nick (tincan_window_get_room (f->window), "alice"));
  /* Writing to her privately makes no sense any more. */
  g_assert_null (tincan_chat_view_get_private_target (view));
}

static void
test_ban (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(SioTestClient) bob = join_as (f, "bob", "browser");
  g_autoptr(SioTestClient) again = NULL;
  g_autofree char *packet = NULL;
  g_autofree char *refusal = NULL;
  AdwMessageDialog *dialog = NULL;

  WAIT_FOR (tincan_room_lookup_nick (tincan_window_get_room (f->window), "bob") != NULL);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.ban-user", "s", user_id (f, "bob"));
  WAIT_FOR ((dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) != NULL);
  adw_message_dialog_response (dialog, "ban");

  packet = wait_for_packet (bob, "\"kicked\"");
  g_assert_nonnull (strstr (packet, "\"banned\":true"));
  sio_test_client_wait_closed (bob);

  /* Banned: the same nickname cannot come back. */
  again = sio_test_client_new_full (&f->sio, NULL, NULL);
  sio_test_client_send (again, "40{\"client\":\"tincan\",\"nick\":\"bob\",\"kind\":\"browser\"}");
  refusal = sio_test_client_next_text (again);
  g_assert_true (g_str_has_prefix (refusal, "44"));
  g_assert_nonnull (strstr (refusal, "banned"));
}

static void
test_follow (Fixture       *f,
             gconstpointer  data)
{
  TincanRoom *room = tincan_window_get_room (f->window);
  g_autoptr(TincanUser) carol = tincan_user_new ("carol-id", "carol", TINCAN_DIALECT_TINCAN, "browser", "192.168.1.7");
  TincanChatView *view = tincan_window_get_chat_view (f->window);
  GtkWidget *list = NULL;
  GtkAdjustment *adjustment;

  g_assert_true (tincan_room_join (room, carol, NULL));
  for (guint i = 0; i < 60; i++)
    {
      g_autofree char *text = g_strdup_printf ("line %u", i);

      tincan_room_post_async (room, carol, NULL, text, NULL, NULL, NULL);
    }
  WAIT_FOR (g_list_model_get_n_items (tincan_room_get_messages (room)) == 60);

  /* Following: the newest line is on screen. */
  list = message_list (f);
  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (list));
  WAIT_FOR (find_label (list, "line 59") != NULL &&
            gtk_adjustment_get_upper (adjustment) > 2 * gtk_adjustment_get_page_size (adjustment) &&
            gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment) >=
            gtk_adjustment_get_upper (adjustment) - 1);
  g_assert_true (tincan_chat_view_get_following (view));

  /* Scrolled up by the reader: new lines do not pull the view down. */
  gtk_adjustment_set_value (adjustment, 0);
  WAIT_FOR (!tincan_chat_view_get_following (view));
  tincan_room_post_async (room, carol, NULL, "a new line", NULL, NULL, NULL);
  WAIT_FOR (g_list_model_get_n_items (tincan_room_get_messages (room)) == 61);
  wait_frames (list, 5);
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), <, 1);
  g_assert_null (find_label (list, "a new line"));

  /* The jump button brings it back and following resumes. */
  gtk_widget_activate_action (GTK_WIDGET (view), "chat.scroll-to-bottom", NULL);
  WAIT_FOR (find_label (list, "a new line") != NULL);
  g_assert_true (tincan_chat_view_get_following (view));
  tincan_room_post_async (room, carol, NULL, "and another", NULL, NULL, NULL);
  WAIT_FOR (find_label (list, "and another") != NULL);
}

/* What the list view does while new lines arrive every frame: it re-anchors rows in small
 * steps, the upper bound unchanged, before the pending jump to the bottom runs. */
static void
settle_upwards (GListModel    *model,
                guint          position,
                guint          removed,
                guint          added,
                GtkAdjustment *adjustment)
{
  for (guint i = 0; i < 3; i++)
    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) - 30);
}

static void
test_follow_busy (Fixture       *f,
                  gconstpointer  data)
{
  TincanRoom *room = tincan_window_get_room (f->window);
  g_autoptr(TincanUser) carol = tincan_user_new ("carol-id", "carol", TINCAN_DIALECT_TINCAN, "browser", "192.168.1.7");
  TincanChatView *view = tincan_window_get_chat_view (f->window);
  GtkWidget *list;
  GtkAdjustment *adjustment;
  gulong handler;

  g_assert_true (tincan_room_join (room, carol, NULL));
  for (guint i = 0; i < 60; i++)
    {
      g_autofree char *text = g_strdup_printf ("line %u", i);

      tincan_room_post_async (room, carol, NULL, text, NULL, NULL, NULL);
    }
  list = message_list (f);
  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (list));
  WAIT_FOR (find_label (list, "line 59") != NULL &&
            gtk_adjustment_get_upper (adjustment) > 2 * gtk_adjustment_get_page_size (adjustment) &&
            gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment) >=
            gtk_adjustment_get_upper (adjustment) - 1);

  handler = g_signal_connect_after (tincan_chat_view_get_messages (view), "items-changed",
                                    G_CALLBACK (settle_upwards), adjustment);
  tincan_room_post_async (room, carol, NULL, "a busy line", NULL, NULL, NULL);
  WAIT_FOR (g_list_model_get_n_items (tincan_room_get_messages (room)) == 61);
  g_signal_handler_disconnect (tincan_chat_view_get_messages (view), handler);

  /* Still following: the new line comes into view without the reader's help. */
  g_assert_true (tincan_chat_view_get_following (view));
  WAIT_FOR (find_label (list, "a busy line") != NULL);
}

static gboolean
log_contains (Fixture    *f,
              const char *needle)
{
  GListModel *log = tincan_window_get_log (f->window);

  for (guint i = 0; i < g_list_model_get_n_items (log); i++)
    if (strstr (gtk_string_list_get_string (GTK_STRING_LIST (log), i), needle) != NULL)
      return TRUE;
  return FALSE;
}

static void
test_server_log (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(SioTestClient) dave = NULL;
  g_autofree char *listening = g_strdup_printf ("Listening on http://127.0.0.1:%u/",
                                                tincan_host_get_port (tincan_window_get_host (f->window)));
  GtkStack *stack;

  g_assert_true (log_contains (f, listening));

  dave = join_as (f, "dave", "terminal");
  WAIT_FOR (log_contains (f, "over WebSocket"));
  WAIT_FOR (log_contains (f, "dave joined"));
  sio_test_client_close (dave);
  WAIT_FOR (log_contains (f, "dave left"));

  /* A second view: Ctrl+L's action switches to it, and back. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-log", NULL);
  stack = GTK_STACK (gtk_widget_get_parent (GTK_WIDGET (tincan_window_get_chat_view (f->window))));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "log");
  WAIT_FOR (find_one (f->window, TINCAN_TYPE_CHAT_VIEW) == NULL);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-log", NULL);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "chat");
}

static void
test_preferences (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(SioTestClient) erin = NULL;
  g_autoptr(SioTestClient) frank = NULL;
  g_autofree char *refusal = NULL;
  g_autofree char *sid = NULL;
  TincanPreferencesWindow *prefs = NULL;

  g_action_group_activate_action (G_ACTION_GROUP (f->app), "preferences", NULL);
  WAIT_FOR ((prefs = find_toplevel (TINCAN_TYPE_PREFERENCES_WINDOW)) != NULL);
  gtk_window_destroy (GTK_WINDOW (prefs));

  /* A passcode applies at once, to the next joiner. */
  g_settings_set_string (f->settings, "passcode", "sesame");
  erin = sio_test_client_new_full (&f->sio, NULL, NULL);
  sio_test_client_send (erin, "40{\"client\":\"tincan\",\"nick\":\"erin\"}");
  refusal = sio_test_client_next_text (erin);
  g_assert_true (g_str_has_prefix (refusal, "44"));
  g_assert_nonnull (strstr (refusal, "passcode"));

  frank = sio_test_client_new_full (&f->sio, NULL, NULL);
  sid = sio_test_client_connect (frank, NULL, "{\"client\":\"tincan\",\"nick\":\"frank\",\"passcode\":\"sesame\"}", NULL);
  g_assert_nonnull (sid);
}

static void
test_post_error (Fixture       *f,
                 gconstpointer  data)
{
  TincanChatView *view = tincan_window_get_chat_view (f->window);
  GtkEditable *entry = tincan_chat_view_get_entry (view);
  guint max = tincan_room_get_max_length (tincan_window_get_room (f->window));
  g_autofree char *too_long = g_strnfill (max + 1, 'x');

  /* Refused by the room: the text comes back to the entry rather than being lost. */
  gtk_editable_set_text (entry, too_long);
  g_signal_emit_by_name (entry, "activate");
  WAIT_FOR (g_strcmp0 (gtk_editable_get_text (entry), too_long) == 0);
  g_assert_cmpuint (g_list_model_get_n_items (tincan_room_get_messages (tincan_window_get_room (f->window))), ==, 0);
}

/* The mapped label whose text contains @part, or NULL. */
static GtkLabel *
find_label_containing (gpointer    root,
                       const char *part)
{
  g_autoptr(GPtrArray) labels = find_all (root, GTK_TYPE_LABEL);

  for (guint i = 0; i < labels->len; i++)
    if (strstr (gtk_label_get_text (g_ptr_array_index (labels, i)), part) != NULL)
      return g_ptr_array_index (labels, i);
  return NULL;
}

static gboolean
window_log_contains (TincanWindow *window,
                     const char   *needle)
{
  GListModel *log = tincan_window_get_log (window);

  for (guint i = 0; i < g_list_model_get_n_items (log); i++)
    if (strstr (gtk_string_list_get_string (GTK_STRING_LIST (log), i), needle) != NULL)
      return TRUE;
  return FALSE;
}

/* While the history refuses writes the banner says why, over every page; it goes once a
 * message is stored again. PRAGMA query_only makes the file refuse writes the way a read-only
 * one does, and works when the tests run as root, whom file modes do not stop. */
static void
test_storage_banner (Fixture       *f,
                     gconstpointer  data)
{
  TincanRoom *room = tincan_window_get_room (f->window);
  TincanHistory *history = tincan_room_get_history (room);
  GtkEditable *entry = tincan_chat_view_get_entry (tincan_window_get_chat_view (f->window));
  g_autoptr(GError) error = NULL;
  GtkLabel *label = NULL;
  GtkRevealer *revealer;

  g_assert_null (find_label_containing (f->window, "cannot be saved"));
  g_assert_true (_tincan_history_exec (history, "PRAGMA query_only = ON", &error));
  g_assert_no_error (error);

  gtk_editable_set_text (entry, "not kept");
  g_signal_emit_by_name (entry, "activate");
  WAIT_FOR ((label = find_label_containing (f->window, "Messages cannot be saved")) != NULL);
  g_assert_nonnull (strstr (gtk_label_get_text (label), "readonly"));
  revealer = GTK_REVEALER (gtk_widget_get_ancestor (GTK_WIDGET (label), GTK_TYPE_REVEALER));
  g_assert_true (gtk_revealer_get_reveal_child (revealer));
  g_assert_true (window_log_contains (f->window, "Messages cannot be stored"));
  g_assert_cmpuint (g_list_model_get_n_items (tincan_room_get_messages (room)), ==, 0);

  g_assert_true (_tincan_history_exec (history, "PRAGMA query_only = OFF", &error));
  g_assert_no_error (error);
  gtk_editable_set_text (entry, "kept");
  g_signal_emit_by_name (entry, "activate");
  WAIT_FOR (g_list_model_get_n_items (tincan_room_get_messages (room)) == 1);
  g_assert_false (gtk_revealer_get_reveal_child (revealer));
  g_assert_true (window_log_contains (f->window, "Messages are stored again"));
}

/* A damaged history is kept aside, reported, and hosting goes on with a new one. */
static void
test_damaged_history (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tincan-window-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "history.sqlite3", NULL);
  g_autoptr(GDir) listing = NULL;
  TincanWindow *second;
  GtkLabel *label = NULL;
  GtkRevealer *revealer;
  const char *name;
  guint n_aside = 0;

  g_assert_no_error (error);
  g_file_set_contents (path, "not a database, just words", -1, &error);
  g_assert_no_error (error);

  second = g_object_new (TINCAN_TYPE_WINDOW,
                         "application", f->app,
                         "port", 0,
                         "bind-address", "127.0.0.1",
                         "data-dir", dir,
                         "room-name", "Damaged",
                         "nick", "Host",
                         NULL);
  g_object_add_weak_pointer (G_OBJECT (second), (gpointer *) &second);
  gtk_window_present (GTK_WINDOW (second));
  WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (second)));
  g_assert_nonnull (tincan_window_get_host (second));

  WAIT_FOR ((label = find_label_containing (second, "The chat history was damaged")) != NULL);
  g_assert_nonnull (strstr (gtk_label_get_text (label), "history.sqlite3.corrupt-"));
  g_assert_true (window_log_contains (second, "was damaged; it was moved to"));
  listing = g_dir_open (dir, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_prefix (name, "history.sqlite3.corrupt-"))
      n_aside++;
  g_assert_cmpuint (n_aside, ==, 1);

  /* A notice, not an error: the host may dismiss it. */
  revealer = GTK_REVEALER (gtk_widget_get_ancestor (GTK_WIDGET (label), GTK_TYPE_REVEALER));
  g_signal_emit_by_name (find_one (revealer, GTK_TYPE_BUTTON), "clicked");
  g_assert_false (gtk_revealer_get_reveal_child (revealer));

  gtk_window_destroy (GTK_WINDOW (second));
  WAIT_FOR (second == NULL);
  remove_tree (dir);
}

static void
test_remote (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *url = g_strdup_printf ("127.0.0.1:%u", tincan_host_get_port (tincan_window_get_host (f->window)));
  TincanJoinDialog *dialog = NULL;
  TincanRemoteWindow *remote = NULL;
  TincanChatView *remote_view;
  g_autoptr(GPtrArray) rows = NULL;
  GtkWidget *host_messages = message_list (f);

  g_action_group_activate_action (G_ACTION_GROUP (f->app), "join", NULL);
  WAIT_FOR ((dialog = find_toplevel (TINCAN_TYPE_JOIN_DIALOG)) != NULL);
  rows = find_all (dialog, ADW_TYPE_ENTRY_ROW);
  g_assert_cmpuint (rows->len, >=, 2);
  gtk_editable_set_text (g_ptr_array_index (rows, 0), url);     /* no scheme: http:// is implied */
  gtk_editable_set_text (g_ptr_array_index (rows, 1), "gina");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "join.join", NULL);

  WAIT_FOR ((remote = find_toplevel (TINCAN_TYPE_REMOTE_WINDOW)) != NULL);
  WAIT_FOR (tincan_remote_room_get_state (tincan_remote_window_get_room (remote)) == TINCAN_REMOTE_CONNECTED);
  remote_view = tincan_remote_window_get_chat_view (remote);

  /* Both sides see each other. */
  WAIT_FOR (find_user_row (people_list (f), "gina") != NULL);
  WAIT_FOR (find_user_row (remote_view, "Host") != NULL);

  /* The remote window's entry reaches the host's window... */
  gtk_editable_set_text (tincan_chat_view_get_entry (remote_view), "hello host, from gina");
  g_signal_emit_by_name (tincan_chat_view_get_entry (remote_view), "activate");
  WAIT_FOR (find_label (host_messages, "hello host, from gina") != NULL);

  /* ...and the host's entry reaches it. */
  gtk_editable_set_text (tincan_chat_view_get_entry (tincan_window_get_chat_view (f->window)), "welcome, gina");
  g_signal_emit_by_name (tincan_chat_view_get_entry (tincan_window_get_chat_view (f->window)), "activate");
  WAIT_FOR (find_label (remote_view, "welcome, gina") != NULL);

  /* Closing it leaves the chat. */
  gtk_window_destroy (GTK_WINDOW (remote));
  WAIT_FOR (find_user_row (people_list (f), "gina") == NULL);
}

static void
test_restart (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(SioTestClient) hana = join_as (f, "hana", "browser");
  g_autoptr(SioTestClient) ivan = NULL;
  TincanHost *before = tincan_window_get_host (f->window);
  g_autofree char *url = NULL;
  g_autoptr(GError) error = NULL;

  g_object_add_weak_pointer (G_OBJECT (before), (gpointer *) &before);
  WAIT_FOR (find_user_row (people_list (f), "hana") != NULL);

  /* Everyone is disconnected, the old host is gone, a new one listens. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.restart-host", NULL);
  sio_test_client_wait_closed (hana);
  WAIT_FOR (before == NULL);
  g_assert_nonnull (tincan_window_get_host (f->window));
  g_assert_null (find_user_row (people_list (f), "hana"));
  WAIT_FOR (find_user_row (people_list (f), "Host") != NULL);

  url = g_strdup_printf ("http://127.0.0.1:%u/", tincan_host_get_port (tincan_window_get_host (f->window)));
  g_assert_cmpstr (tincan_window_get_join_url (f->window), ==, url);
  g_clear_pointer (&f->sio.base, g_uri_unref);
  f->sio.base = g_uri_parse (url, G_URI_FLAGS_NONE, &error);
  g_assert_no_error (error);
  ivan = join_as (f, "ivan", "browser");
  WAIT_FOR (find_user_row (people_list (f), "ivan") != NULL);
}

static void
test_other_windows (Fixture       *f,
                    gconstpointer  data)
{
  GtkWindow *window = NULL;

  g_action_group_activate_action (G_ACTION_GROUP (f->app), "about", NULL);
  WAIT_FOR ((window = find_toplevel (ADW_TYPE_ABOUT_WINDOW)) != NULL);
  gtk_window_destroy (window);

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-help-overlay", NULL);
  WAIT_FOR ((window = find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW)) != NULL);
  gtk_window_close (window);
  WAIT_FOR (!gtk_widget_get_visible (GTK_WIDGET (window)));

  g_action_group_activate_action (G_ACTION_GROUP (f->app), "join", NULL);
  WAIT_FOR ((window = find_toplevel (TINCAN_TYPE_JOIN_DIALOG)) != NULL);
  /* Nothing to join yet: the button waits for an address. */
  {
    g_autoptr(GPtrArray) buttons = find_all (window, GTK_TYPE_BUTTON);
    GtkWidget *join = NULL;

    for (guint i = 0; i < buttons->len; i++)
      if (g_strcmp0 (gtk_button_get_label (g_ptr_array_index (buttons, i)), "_Join") == 0)
        join = g_ptr_array_index (buttons, i);
    g_assert_nonnull (join);
    g_assert_false (gtk_widget_get_sensitive (join));
  }
  gtk_window_destroy (window);
}

static void
post_as (TincanRoom *room,
         TincanUser *user,
         const char *to,
         const char *text)
{
  guint n = g_list_model_get_n_items (tincan_room_get_messages (room));

  tincan_room_post_async (room, user, to, text, NULL, NULL, NULL);
  WAIT_FOR (g_list_model_get_n_items (tincan_room_get_messages (room)) > n ||
            g_list_model_get_n_items (tincan_room_get_messages (room)) == 1000);
}

static void
test_screenshot (Fixture       *f,
                 gconstpointer  data)
{
  TincanRoom *room = tincan_window_get_room (f->window);
  TincanUser *host = tincan_host_get_user (tincan_window_get_host (f->window));
  g_autoptr(SioTestClient) maya = join_as (f, "Maya", "browser");
  g_autoptr(SioTestClient) theo = join_as (f, "theo", "browser");
  g_autoptr(TincanUser) priya = tincan_user_new ("priya-id", "Priya", TINCAN_DIALECT_TINCAN, "desktop", "192.168.1.31");
  g_autoptr(TincanUser) sam = tincan_user_new ("sam-id", "sam", TINCAN_DIALECT_CHAT_MESSAGE, "tutorial", "192.168.1.40");
  TincanChatView *view = tincan_window_get_chat_view (f->window);
  g_autoptr(GdkTexture) light = NULL;
  g_autoptr(GdkTexture) dark = NULL;
  g_autoptr(GdkTexture) log = NULL;
  g_autoptr(GdkTexture) preferences = NULL;
  g_autoptr(GdkTexture) join = NULL;
  GtkWindow *other = NULL;
  AdwStyleManager *style = adw_style_manager_get_default ();

  g_assert_true (tincan_room_join (room, priya, NULL));
  g_assert_true (tincan_room_join (room, sam, NULL));
  WAIT_FOR (find_user_row (people_list (f), "theo") != NULL);

  post_as (room, host, NULL, "Welcome! The slides are on the projector, questions go here.");
  sio_test_client_send (maya, "42[\"message\",\"Hi everyone!\"]");
  WAIT_FOR (find_label (message_list (f), "Hi everyone!") != NULL);
  sio_test_client_send (maya, "42[\"message\",\"Could you share the link to the repository?\"]");
  WAIT_FOR (find_label (message_list (f), "Could you share the link to the repository?") != NULL);
  post_as (room, priya, NULL, "Sure, it's in the chat topic. Also: <b>tags</b> stay as typed.");
  post_as (room, host, "Maya", "I'll send you the draft after the talk.");
  post_as (room, sam, NULL, "hello from the socket.io tutorial page");
  sio_test_client_send (theo, "42[\"typing\",true]");
  WAIT_FOR (find_label (view, "theo is typing…") != NULL);
  gtk_editable_set_text (tincan_chat_view_get_entry (view), "Thanks, all");
  wait_ms (500);

  light = render (GTK_WIDGET (f->window));
  save_artifact (light, "window.png");

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  wait_ms (500);
  dark = render (GTK_WIDGET (f->window));
  save_artifact (dark, "window-dark.png");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  gtk_editable_set_text (tincan_chat_view_get_entry (view), "");

  /* The other views, for the record. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-log", NULL);
  wait_ms (500);
  log = render (GTK_WIDGET (f->window));
  save_artifact (log, "window-log.png");
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-log", NULL);

  g_action_group_activate_action (G_ACTION_GROUP (f->app), "preferences", NULL);
  WAIT_FOR ((other = find_toplevel (TINCAN_TYPE_PREFERENCES_WINDOW)) != NULL &&
            gtk_widget_get_width (GTK_WIDGET (other)) > 0);
  wait_ms (300);
  preferences = render (GTK_WIDGET (other));
  save_artifact (preferences, "preferences.png");
  gtk_window_destroy (other);

  g_settings_set_string (f->settings, "join-url", "192.168.1.20:3000");
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "join", NULL);
  WAIT_FOR ((other = find_toplevel (TINCAN_TYPE_JOIN_DIALOG)) != NULL &&
            gtk_widget_get_width (GTK_WIDGET (other)) > 0);
  wait_ms (300);
  join = render (GTK_WIDGET (other));
  save_artifact (join, "join.png");
  gtk_window_destroy (other);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  app = tincan_application_new ("io.github.tincanchat.Tincan.Test", G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  g_test_add ("/tincan/window/invite", Fixture, NULL, fixture_setup, test_invite, fixture_teardown);
  g_test_add ("/tincan/window/socket-client", Fixture, NULL, fixture_setup, test_socket_client, fixture_teardown);
  g_test_add ("/tincan/window/ban", Fixture, NULL, fixture_setup, test_ban, fixture_teardown);
  g_test_add ("/tincan/window/follow", Fixture, NULL, fixture_setup, test_follow, fixture_teardown);
  g_test_add ("/tincan/window/follow-busy", Fixture, NULL, fixture_setup, test_follow_busy, fixture_teardown);
  g_test_add ("/tincan/window/server-log", Fixture, NULL, fixture_setup, test_server_log, fixture_teardown);
  g_test_add ("/tincan/window/preferences", Fixture, NULL, fixture_setup, test_preferences, fixture_teardown);
  g_test_add ("/tincan/window/post-error", Fixture, NULL, fixture_setup, test_post_error, fixture_teardown);
  g_test_add ("/tincan/window/storage-banner", Fixture, NULL, fixture_setup, test_storage_banner, fixture_teardown);
  g_test_add ("/tincan/window/damaged-history", Fixture, NULL, fixture_setup, test_damaged_history, fixture_teardown);
  g_test_add ("/tincan/window/remote", Fixture, NULL, fixture_setup, test_remote, fixture_teardown);
  g_test_add ("/tincan/window/restart", Fixture, NULL, fixture_setup, test_restart, fixture_teardown);
  g_test_add ("/tincan/window/other-windows", Fixture, NULL, fixture_setup, test_other_windows, fixture_teardown);
  g_test_add ("/tincan/window/screenshot", Fixture, NULL, fixture_setup, test_screenshot, fixture_teardown);

  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
