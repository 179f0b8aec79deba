/* sio-session.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* What connection state recovery keeps between a disconnection and the reconnection. */

#include "config.h"

#include "sio-server-private.h"

void
_sio_session_free (SioSession *session)
{
  g_free (session->pid);
  g_free (session->sid);
  g_ptr_array_unref (session->rooms);
  g_clear_pointer (&session->data, json_object_unref);
  g_free (session);
}

void
_sio_persisted_packet_free (SioPersistedPacket *packet)
{
  g_free (packet->offset);
  sio_packet_unref (packet->packet);
  g_ptr_array_unref (packet->rooms);
  g_ptr_array_unref (packet->except);
  g_free (packet);
}

/* Copies an array of strings; NULL copies as empty. */
GPtrArray *
_sio_string_array_copy (GPtrArray *array)
{
  GPtrArray *copy = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; array != NULL && i < array->len; i++)
    g_ptr_array_add (copy, g_strdup (g_ptr_array_index (array, i)));
  return copy;
}
