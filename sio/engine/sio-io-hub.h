/* sio-io-hub.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sio-deadline-queue.h"
#include "sio-poller.h"

G_BEGIN_DECLS

/* What the connections of one server share: the poller, one read buffer, and the list of
 * connections with output waiting, flushed once at the end of each main-loop turn so that all
 * the frames queued for a connection during the turn leave in one writev. */

typedef struct _SioIoHub     SioIoHub;
typedef struct _SioFlushable SioFlushable;

struct _SioFlushable
{
  void     (*flush) (SioFlushable *self);
  gboolean   scheduled;
};

#define SIO_IO_HUB_READ_SIZE 65536

SioIoHub         *_sio_io_hub_new              (void);
SioIoHub         *_sio_io_hub_ref              (SioIoHub     *hub);
void              _sio_io_hub_unref            (SioIoHub     *hub);
SioPoller        *_sio_io_hub_get_poller       (SioIoHub     *hub);
guint8           *_sio_io_hub_get_read_buffer  (SioIoHub     *hub);
SioDeadlineQueue *_sio_io_hub_get_linger_queue (SioIoHub     *hub);
void              _sio_io_hub_schedule_flush   (SioIoHub     *hub,
                                                SioFlushable *flushable);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SioIoHub, _sio_io_hub_unref)

G_END_DECLS
