/* sio-deadline-queue.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* Timers for thousands of sockets without thousands of GSources.
 *
 * A GMainContext walks every attached source on each iteration, so one ping timer per socket
 * makes every main-loop turn O(connections). Every socket of a server waits the same delay for
 * the same thing (next ping, pong, upgrade), so deadlines pushed in order are due in order:
 * a FIFO is a sorted queue, push and cancel are O(1), and one timer source per queue, armed for
 * the head, serves them all. */

#include "config.h"

#include "sio-deadline-queue.h"

struct _SioDeadlineQueue
{
  GQueue           entries;
  guint            delay_ms;
  guint            timer_id;
  gint64           timer_due;
  SioDeadlineFunc  func;
  gpointer         user_data;
};

static void arm (SioDeadlineQueue *queue);

static gboolean
on_timer (gpointer data)
{
  SioDeadlineQueue *queue = data;
  gint64 now = g_get_monotonic_time ();

  queue->timer_id = 0;

  while (queue->entries.head != NULL)
    {
      SioDeadline *deadline = queue->entries.head->data;

      /* Within a millisecond counts as due: the timer is armed in whole milliseconds. */
      if (deadline->due > now + 1000)
        break;

      g_queue_unlink (&queue->entries, &deadline->link);
      deadline->queue = NULL;
      /* The callback may push, cancel or free other entries; the loop re-reads the head. */
      queue->func (deadline->owner, queue->user_data);
    }

  arm (queue);
  return G_SOURCE_REMOVE;
}

static void
arm (SioDeadlineQueue *queue)
{
  SioDeadline *head;
  gint64 wait_ms;

  if (queue->entries.head == NULL)
    {
      g_clear_handle_id (&queue->timer_id, g_source_remove);
      return;
    }

  head = queue->entries.head->data;
  if (queue->timer_id != 0 && queue->timer_due <= head->due)
    return;

  g_clear_handle_id (&queue->timer_id, g_source_remove);
  wait_ms = (head->due - g_get_monotonic_time ()) / 1000;
  queue->timer_due = head->due;
  queue->timer_id = g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) CLAMP (wait_ms, 0, G_MAXUINT),
                                        on_timer, queue, NULL);
}

SioDeadlineQueue *
_sio_deadline_queue_new (guint           delay_ms,
                         SioDeadlineFunc func,
                         gpointer        user_data)
{
  SioDeadlineQueue *queue = g_new0 (SioDeadlineQueue, 1);

  g_queue_init (&queue->entries);
  queue->delay_ms = delay_ms;
  queue->func = func;
  queue->user_data = user_data;
  return queue;
}

void
_sio_deadline_queue_free (SioDeadlineQueue *queue)
{
  if (queue == NULL)
    return;

  while (queue->entries.head != NULL)
    _sio_deadline_cancel (queue->entries.head->data);
  g_clear_handle_id (&queue->timer_id, g_source_remove);
  g_free (queue);
}

/* Entries already queued keep their due time; later pushes use the new delay. */
void
_sio_deadline_queue_set_delay (SioDeadlineQueue *queue,
                               guint             delay_ms)
{
  queue->delay_ms = delay_ms;
}

void
_sio_deadline_queue_push (SioDeadlineQueue *queue,
                          SioDeadline      *deadline,
                          gpointer          owner)
{
  _sio_deadline_queue_push_from (queue, deadline, owner, g_get_monotonic_time ());
}

/* Due @start plus the queue's delay: chaining from the previous deadline's due time instead of
 * from "now" keeps timer lateness from adding up (a ping timeout is counted from when the ping
 * was due, as the protocol says, not from when the main loop got round to it). */
void
_sio_deadline_queue_push_from (SioDeadlineQueue *queue,
                               SioDeadline      *deadline,
                               gpointer          owner,
                               gint64            start)
{
  SioDeadline *tail;

  _sio_deadline_cancel (deadline);

  deadline->owner = owner;
  deadline->queue = queue;
  deadline->due = start + (gint64) queue->delay_ms * 1000;
  deadline->link.data = deadline;
  deadline->link.prev = deadline->link.next = NULL;

  /* Keep the FIFO sorted even if the delay was lowered while entries were queued. */
  tail = queue->entries.tail ? queue->entries.tail->data : NULL;
  if (tail != NULL && tail->due > deadline->due)
    {
      GList *l = queue->entries.tail;

      while (l != NULL && ((SioDeadline *) l->data)->due > deadline->due)
        l = l->prev;
      if (l == NULL)
        g_queue_push_head_link (&queue->entries, &deadline->link);
      else
        {
          deadline->link.prev = l;
          deadline->link.next = l->next;
          l->next->prev = &deadline->link;
          l->next = &deadline->link;
          queue->entries.length++;
        }
    }
  else
    g_queue_push_tail_link (&queue->entries, &deadline->link);

  arm (queue);
}

void
_sio_deadline_cancel (SioDeadline *deadline)
{
  if (deadline->queue == NULL)
    return;

  g_queue_unlink (&deadline->queue->entries, &deadline->link);
  /* The timer stays armed for an earlier head; on_timer re-arms for what is left. */
  deadline->queue = NULL;
}

gboolean
_sio_deadline_is_pending (SioDeadline *deadline)
{
  return deadline->queue != NULL;
}
