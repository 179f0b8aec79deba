/* sio-poller.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Readiness notification for the sockets a server has taken over from libsoup.
 *
 * Two back ends sit behind this small interface: the portable one gives each socket its own
 * GSocket source; on Linux one epoll set is a single GSource for all of them, so a main-loop
 * turn costs O(ready sockets) instead of O(connections). Set SIO_POLLER=gsource to force the
 * portable one (the tests run both). */

typedef struct _SioPoller      SioPoller;
typedef struct _SioPollerWatch SioPollerWatch;

typedef void (*SioPollerFunc) (GIOCondition condition,
                               gpointer     user_data);

typedef struct
{
  const char     *name;
  SioPollerWatch *(*watch)          (SioPoller      *poller,
                                     GSocket        *socket,
                                     GIOCondition    condition,
                                     SioPollerFunc   func,
                                     gpointer        user_data);
  void            (*set_condition)  (SioPollerWatch *watch,
                                     GIOCondition    condition);
  void            (*unwatch)        (SioPollerWatch *watch);
  void            (*free)           (SioPoller      *poller);
} SioPollerVTable;

struct _SioPoller
{
  const SioPollerVTable *vtable;
};

SioPoller      *_sio_poller_new                (void);
SioPoller      *_sio_poller_gsource_new        (void);
#if HAVE_EPOLL
SioPoller      *_sio_poller_epoll_new          (void);
#endif
const char     *_sio_poller_get_name           (SioPoller      *poller);
SioPollerWatch *_sio_poller_watch              (SioPoller      *poller,
                                                GSocket        *socket,
                                                GIOCondition    condition,
                                                SioPollerFunc   func,
                                                gpointer        user_data);
void            _sio_poller_watch_set_condition (SioPoller     *poller,
                                                 SioPollerWatch *watch,
                                                 GIOCondition   condition);
void            _sio_poller_unwatch            (SioPoller      *poller,
                                                SioPollerWatch *watch);
void            _sio_poller_free               (SioPoller      *poller);

G_END_DECLS
