/* tincan-message-row.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* One line of the chat log. Everything a message carries came from the network, so every
 * label is plain text (use-markup stays FALSE): "<b>" in a message is shown as "<b>". */

#include "config.h"

#include "tincan-message-row.h"

#include <glib/gi18n.h>

/* Messages by the same author closer than this are drawn as one group. */
#define GROUP_MS (5 * 60 * 1000)
#define N_NICK_COLORS 14

struct _TincanMessageRow
{
  GtkWidget      parent_instance;

  /* template children */
  GtkWidget     *message_box;
  AdwAvatar     *avatar;
  GtkWidget     *content_box;
  GtkWidget     *header_box;
  GtkLabel      *nick_label;
  GtkWidget     *private_box;
  GtkLabel      *private_label;
  GtkLabel      *time_label;
  GtkLabel      *text_label;
  GtkLabel      *notice_label;

  /* owned */
  TincanMessage *message;
  guint          color;
};

G_DEFINE_FINAL_TYPE (TincanMessageRow, tincan_message_row, GTK_TYPE_WIDGET)

/**
 * tincan_nick_color:
 * @nick: a nickname
 *
 * The same hash AdwAvatar uses for its colours, so a nickname's text matches its avatar.
 *
 * Returns: a colour index, 1 to 14, for the `nick-color-N` style classes
 */
guint
tincan_nick_color (const char *nick)
{
  if (nick == NULL || *nick == '\0')
    return N_NICK_COLORS;
  return g_str_hash (nick) % N_NICK_COLORS + 1;
}

static char *
format_time (gint64      time_ms,
             const char *format)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (time_ms / 1000);
  g_autoptr(GDateTime) local = utc ? g_date_time_to_local (utc) : NULL;

  return local ? g_date_time_format (local, format) : g_strdup ("");
}

/* The tooltip is made when asked for: gtk_widget_set_tooltip_text() on every bind makes GTK
 * look for the pointer at once, a round trip to the X server per row while the log scrolls. */
static gboolean
on_query_tooltip (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard_mode,
                  GtkTooltip *tooltip)
{
  TincanMessageRow *self = TINCAN_MESSAGE_ROW (widget);
  g_autofree char *full_time = NULL;

  if (self->message == NULL)
    return FALSE;

  /* Translators: a message's full date and time in its tooltip, g_date_time_format() syntax */
  full_time = format_time (tincan_message_get_time (self->message), _("%A %-d %B %Y, %H:%M:%S"));
  gtk_tooltip_set_text (tooltip, full_time);
  return TRUE;
}

static void
tincan_message_row_dispose (GObject *object)
{
  TincanMessageRow *self = (TincanMessageRow *) object;
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), TINCAN_TYPE_MESSAGE_ROW);
  /* A plain GtkWidget does not drop its children itself; the template's are not all bound. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->message);

  G_OBJECT_CLASS (tincan_message_row_parent_class)->dispose (object);
}

static void
tincan_message_row_class_init (TincanMessageRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tincan_message_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "ui/tincan-message-row.ui");
  gtk_widget_class_bind_template_child (widget_class, TincanMessageRow, message_box);
  gtk_widget_class_bind_template_child (widget_class, TincanMessageRow, avatar);
  gtk_widget_class_bind_template_child (widget_class, TincanMessageRow, content_box);
  gtk_widget_class_bind_template_child (widget_class, TincanMessageRow, header_box);
  gtk_widget_class_bind_template_child (widget_class, TincanMessageRow, nick_label);
  gtk_widget_class_bind_template_child (widget_class, TincanMessageRow, private_box);
  gtk_widget_class_bind_template_child (widget_class, TincanMessageRow, private_label);
  gtk_widget_class_bind_template_child (widget_class, TincanMessageRow, time_label);
  gtk_widget_class_bind_template_child (widget_class, TincanMessageRow, text_label);
  gtk_widget_class_bind_template_child (widget_class, TincanMessageRow, notice_label);

  widget_class->query_tooltip = on_query_tooltip;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "messagerow");
}

static void
tincan_message_row_init (TincanMessageRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
}

GtkWidget *
tincan_message_row_new (void)
{
  return g_object_new (TINCAN_TYPE_MESSAGE_ROW, NULL);
}

TincanMessage *
tincan_message_row_get_message (TincanMessageRow *self)
{
  g_return_val_if_fail (TINCAN_IS_MESSAGE_ROW (self), NULL);

  return self->message;
}

static gboolean
continues (TincanMessage *message,
           TincanMessage *previous)
{
  if (previous == NULL ||
      tincan_message_get_kind (previous) != tincan_message_get_kind (message) ||
      tincan_message_get_kind (message) == TINCAN_MESSAGE_NOTICE)
    return FALSE;

  return g_strcmp0 (tincan_message_get_from_nick (previous), tincan_message_get_from_nick (message)) == 0 &&
         g_strcmp0 (tincan_message_get_to_nick (previous), tincan_message_get_to_nick (message)) == 0 &&
         tincan_message_get_time (message) - tincan_message_get_time (previous) < GROUP_MS;
}

/**
 * tincan_message_row_set_message:
 * @self: a row
 * @message: (nullable): what to show
 * @previous: (nullable): the message above, to group consecutive lines of one author
 * @self_nick: (nullable): who is reading, to word private messages
 */
void
tincan_message_row_set_message (TincanMessageRow *self,
                                TincanMessage    *message,
                                TincanMessage    *previous,
                                const char       *self_nick)
{
  g_autofree char *time = NULL;
  g_autofree char *color_class = NULL;
  const char *from;
  const char *to;
  gboolean is_notice;
  gboolean is_private;
  gboolean grouped;

  g_return_if_fail (TINCAN_IS_MESSAGE_ROW (self));

  g_set_object (&self->message, message);
  if (self->color != 0)
    {
      color_class = g_strdup_printf ("nick-color-%u", self->color);
      gtk_widget_remove_css_class (GTK_WIDGET (self->nick_label), color_class);
      g_clear_pointer (&color_class, g_free);
      self->color = 0;
    }
  if (message == NULL)
    return;

  from = tincan_message_get_from_nick (message);
  to = tincan_message_get_to_nick (message);
  is_notice = tincan_message_get_kind (message) == TINCAN_MESSAGE_NOTICE;
  is_private = tincan_message_get_kind (message) == TINCAN_MESSAGE_PRIVATE;
  grouped = continues (message, previous);

  /* Translators: the time of a message, in g_date_time_format() syntax */
  time = format_time (tincan_message_get_time (message), _("%H:%M"));

  gtk_widget_set_visible (self->message_box, !is_notice);
  gtk_widget_set_visible (GTK_WIDGET (self->notice_label), is_notice);
  if (is_notice)
    {
      gtk_label_set_text (self->notice_label, tincan_message_get_text (message));
      gtk_widget_remove_css_class (GTK_WIDGET (self), "private");
      gtk_widget_remove_css_class (GTK_WIDGET (self), "grouped");
      gtk_widget_add_css_class (GTK_WIDGET (self), "notice");
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self), "notice");

  if (grouped)
    gtk_widget_add_css_class (GTK_WIDGET (self), "grouped");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "grouped");
  if (is_private)
    gtk_widget_add_css_class (GTK_WIDGET (self), "private");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "private");

  /* A grouped line has no avatar and no header; the margin keeps its text aligned with the
   * first line's (avatar width plus spacing, as in the .ui). */
  gtk_widget_set_visible (GTK_WIDGET (self->avatar), !grouped);
  gtk_widget_set_margin_start (self->content_box, grouped ? 36 + 12 : 0);
  gtk_widget_set_visible (self->header_box, !grouped);

  adw_avatar_set_text (self->avatar, from && *from ? from : "?");
  gtk_label_set_text (self->nick_label, from && *from ? from : _("Unknown"));
  self->color = tincan_nick_color (from);
  color_class = g_strdup_printf ("nick-color-%u", self->color);
  gtk_widget_add_css_class (GTK_WIDGET (self->nick_label), color_class);
  gtk_label_set_text (self->time_label, time);

  gtk_widget_set_visible (self->private_box, is_private);
  if (is_private)
    {
      g_autofree char *text = NULL;

      if (self_nick != NULL && g_utf8_collate (from ? from : "", self_nick) == 0)
        /* Translators: marks a private message you sent; %s is the recipient */
        text = g_strdup_printf (_("privately to %s"), to ? to : "");
      else if (self_nick != NULL && g_utf8_collate (to ? to : "", self_nick) == 0)
        text = g_strdup (_("privately to you"));
      else
        /* Translators: a private message between two other people; %s is the recipient */
        text = g_strdup_printf (_("privately to %s"), to ? to : "");
      gtk_label_set_text (self->private_label, text);
    }

  gtk_label_set_text (self->text_label, tincan_message_get_text (message));
}
