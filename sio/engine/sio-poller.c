/* sio-poller.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "sio-poller.h"

SioPoller *
_sio_poller_new (void)
{
#if HAVE_EPOLL
  if (g_strcmp0 (g_getenv ("SIO_POLLER"), "gsource") != 0)
    {
      SioPoller *poller = _sio_poller_epoll_new ();

      if (poller != NULL)
        return poller;
    }
#endif

  return _sio_poller_gsource_new ();
}

const char *
_sio_poller_get_name (SioPoller *poller)
{
  return poller->vtable->name;
}

SioPollerWatch *
_sio_poller_watch (SioPoller     *poller,
                   GSocket       *socket,
                   GIOCondition   condition,
                   SioPollerFunc  func,
                   gpointer       user_data)
{
  return poller->vtable->watch (poller, socket, condition, func, user_data);
}

void
_sio_poller_watch_set_condition (SioPoller      *poller,
                                 SioPollerWatch *watch,
                                 GIOCondition    condition)
{
  poller->vtable->set_condition (watch, condition);
}

/* Safe to call from inside any watch's callback, including the watch's own. */
void
_sio_poller_unwatch (SioPoller      *poller,
                     SioPollerWatch *watch)
{
  poller->vtable->unwatch (watch);
}

void
_sio_poller_free (SioPoller *poller)
{
  if (poller != NULL)
    poller->vtable->free (poller);
}
