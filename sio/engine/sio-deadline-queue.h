/* sio-deadline-queue.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _SioDeadlineQueue SioDeadlineQueue;

/* Embedded in the owner; the owner is found again with G_STRUCT_MEMBER_P-style arithmetic or by
 * storing it in @owner. */
typedef struct
{
  GList    link;
  gint64   due;
  gpointer owner;
  SioDeadlineQueue *queue;
} SioDeadline;

typedef void (*SioDeadlineFunc) (gpointer owner,
                                 gpointer user_data);

SioDeadlineQueue *_sio_deadline_queue_new       (guint             delay_ms,
                                                 SioDeadlineFunc   func,
                                                 gpointer          user_data);
void              _sio_deadline_queue_free      (SioDeadlineQueue *queue);
void              _sio_deadline_queue_set_delay (SioDeadlineQueue *queue,
                                                 guint             delay_ms);
void              _sio_deadline_queue_push      (SioDeadlineQueue *queue,
                                                 SioDeadline      *deadline,
                                                 gpointer          owner);
void              _sio_deadline_queue_push_from (SioDeadlineQueue *queue,
                                                 SioDeadline      *deadline,
                                                 gpointer          owner,
                                                 gint64            start);
void              _sio_deadline_cancel          (SioDeadline      *deadline);
gboolean          _sio_deadline_is_pending      (SioDeadline      *deadline);

G_END_DECLS
