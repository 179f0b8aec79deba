/* sio-io-hub.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "sio-io-hub.h"

/* How long a closed WebSocket waits for the peer's close frame before dropping TCP. */
#define LINGER_MS 2000
/* How long one flush may write before it lets the main loop run again: a broadcast to a
 * thousand sockets takes 10 ms or more, and a GUI that shares the loop must draw meanwhile. */
#define FLUSH_BUDGET_US 3000

struct _SioIoHub
{
  guint             ref_count;
  SioPoller        *poller;
  SioDeadlineQueue *linger;
  GPtrArray        *dirty;
  guint             flush_id;
  guint8            read_buffer[SIO_IO_HUB_READ_SIZE];
};

static void
on_linger_expired (gpointer owner,
                   gpointer user_data)
{
  SioFlushable *flushable = owner;

  /* A lingering connection gives up waiting: its flush sees the expired deadline and frees. */
  flushable->flush (flushable);
}

SioIoHub *
_sio_io_hub_new (void)
{
  SioIoHub *hub = g_new0 (SioIoHub, 1);

  hub->ref_count = 1;
  hub->poller = _sio_poller_new ();
  hub->linger = _sio_deadline_queue_new (LINGER_MS, on_linger_expired, hub);
  hub->dirty = g_ptr_array_new ();
  return hub;
}

SioIoHub *
_sio_io_hub_ref (SioIoHub *hub)
{
  hub->ref_count++;
  return hub;
}

void
_sio_io_hub_unref (SioIoHub *hub)
{
  if (--hub->ref_count > 0)
    return;

  /* Every connection holds a reference, so nothing can be scheduled any more. */
  g_assert (hub->dirty->len == 0);
  g_clear_handle_id (&hub->flush_id, g_source_remove);
  g_ptr_array_unref (hub->dirty);
  _sio_deadline_queue_free (hub->linger);
  _sio_poller_free (hub->poller);
  g_free (hub);
}

SioPoller *
_sio_io_hub_get_poller (SioIoHub *hub)
{
  return hub->poller;
}

/* Valid until the caller returns to the main loop; connections copy what they keep. */
guint8 *
_sio_io_hub_get_read_buffer (SioIoHub *hub)
{
  return hub->read_buffer;
}

SioDeadlineQueue *
_sio_io_hub_get_linger_queue (SioIoHub *hub)
{
  return hub->linger;
}

static gboolean
flush_dirty (gpointer data)
{
  SioIoHub *hub = data;
  g_autoptr(SioIoHub) hold = _sio_io_hub_ref (hub);
  gint64 deadline = g_get_monotonic_time () + FLUSH_BUDGET_US;
  guint i;

  hub->flush_id = 0;

  /* A flush may schedule more (a connection that closes itself): index-based so those run in
   * this same pass. Those left over when the budget runs out stay scheduled, in order, for the
   * next pass; a connection is only freed by its own flush, so they stay valid. */
  for (i = 0; i < hub->dirty->len; i++)
    {
      SioFlushable *flushable = g_ptr_array_index (hub->dirty, i);

      flushable->scheduled = FALSE;
      flushable->flush (flushable);
      if (i % 32 == 31 && g_get_monotonic_time () >= deadline)
        {
          i++;
          break;
        }
    }
  g_ptr_array_remove_range (hub->dirty, 0, i);

  if (hub->dirty->len > 0 && hub->flush_id == 0)
    hub->flush_id = g_idle_add_full (G_PRIORITY_DEFAULT, flush_dirty, hub, NULL);

  return G_SOURCE_REMOVE;
}

void
_sio_io_hub_schedule_flush (SioIoHub     *hub,
                            SioFlushable *flushable)
{
  if (flushable->scheduled)
    return;

  flushable->scheduled = TRUE;
  g_ptr_array_add (hub->dirty, flushable);

  /* Default priority, not idle priority: the flush must not starve behind a stream of
   * incoming traffic, and must still come after this turn's other dispatches. */
  if (hub->flush_id == 0)
    hub->flush_id = g_idle_add_full (G_PRIORITY_DEFAULT, flush_dirty, hub, NULL);
}
