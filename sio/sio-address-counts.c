/* sio-address-counts.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "sio-address-counts.h"

/**
 * _sio_address_counts_key:
 * @address: the peer
 * @max: the cap; 0 means none
 * @limit_loopback: whether this computer's own addresses count
 *
 * The key @address counts under, or %NULL when it does not count: no cap, not an IP address,
 * or the host's own machine (benchmarks, a local proxy), which is trusted unless
 * @limit_loopback says otherwise.
 *
 * Returns: (transfer full) (nullable): the IP address as text
 */
char *
_sio_address_counts_key (GSocketAddress *address,
                         guint           max,
                         gboolean        limit_loopback)
{
  GInetAddress *inet;

  if (max == 0 || !G_IS_INET_SOCKET_ADDRESS (address))
    return NULL;
  inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address));
  if (!limit_loopback && g_inet_address_get_is_loopback (inet))
    return NULL;
  return g_inet_address_to_string (inet);
}

GHashTable *
_sio_address_counts_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

guint
_sio_address_counts_get (GHashTable *counts,
                         const char *key)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (counts, key));
}

void
_sio_address_counts_add (GHashTable *counts,
                         const char *key)
{
  g_hash_table_insert (counts, g_strdup (key), GUINT_TO_POINTER (_sio_address_counts_get (counts, key) + 1));
}

/* A key that is not counted (the cap came, or loopback started counting, after it opened) is
 * left alone. */
void
_sio_address_counts_remove (GHashTable *counts,
                            const char *key)
{
  guint count = _sio_address_counts_get (counts, key);

  if (count > 1)
    g_hash_table_insert (counts, g_strdup (key), GUINT_TO_POINTER (count - 1));
  else
    g_hash_table_remove (counts, key);
}
