/* sio-poller-gsource.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* The portable back end: one GSocket source per socket, works wherever GIO does. */

#include "config.h"

#include "sio-poller.h"

struct _SioPollerWatch
{
  GSocket       *socket;
  GSource       *source;
  GIOCondition   condition;
  SioPollerFunc  func;
  gpointer       user_data;
};

static gboolean
on_socket_ready (GSocket      *socket,
                 GIOCondition  condition,
                 gpointer      data)
{
  SioPollerWatch *watch = data;

  watch->func (condition, watch->user_data);
  return G_SOURCE_CONTINUE;
}

static void
attach_source (SioPollerWatch *watch)
{
  if (watch->source != NULL)
    {
      g_source_destroy (watch->source);
      g_clear_pointer (&watch->source, g_source_unref);
    }

  if (watch->condition == 0)
    return;

  watch->source = g_socket_create_source (watch->socket, watch->condition | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (watch->source, G_SOURCE_FUNC (on_socket_ready), watch, NULL);
  g_source_attach (watch->source, NULL);
}

static SioPollerWatch *
gsource_watch (SioPoller     *poller,
               GSocket       *socket,
               GIOCondition   condition,
               SioPollerFunc  func,
               gpointer       user_data)
{
  SioPollerWatch *watch = g_new0 (SioPollerWatch, 1);

  watch->socket = g_object_ref (socket);
  watch->condition = condition;
  watch->func = func;
  watch->user_data = user_data;
  attach_source (watch);
  return watch;
}

static void
gsource_set_condition (SioPollerWatch *watch,
                       GIOCondition    condition)
{
  if (watch->condition == condition)
    return;

  watch->condition = condition;
  attach_source (watch);
}

static void
gsource_unwatch (SioPollerWatch *watch)
{
  watch->condition = 0;
  attach_source (watch);
  g_clear_object (&watch->socket);
  g_free (watch);
}

static void
gsource_free (SioPoller *poller)
{
  g_free (poller);
}

static const SioPollerVTable gsource_vtable = {
  .name = "gsource",
  .watch = gsource_watch,
  .set_condition = gsource_set_condition,
  .unwatch = gsource_unwatch,
  .free = gsource_free,
};

SioPoller *
_sio_poller_gsource_new (void)
{
  SioPoller *poller = g_new0 (SioPoller, 1);

  poller->vtable = &gsource_vtable;
  return poller;
}
