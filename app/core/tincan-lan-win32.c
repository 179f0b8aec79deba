/* tincan-lan-win32.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Windows: the addresses the host name resolves to. GetAdaptersAddresses() would be more
 * precise; this portable fallback is enough to show a URL. */

#include "config.h"

#include <gio/gio.h>

#include "tincan-lan.h"

GStrv
tincan_lan_addresses (void)
{
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GResolver) resolver = g_resolver_get_default ();
  GList *addresses = g_resolver_lookup_by_name (resolver, g_get_host_name (), NULL, NULL);

  for (GList *l = addresses; l != NULL; l = l->next)
    if (g_inet_address_get_family (l->data) == G_SOCKET_FAMILY_IPV4 && !g_inet_address_get_is_loopback (l->data))
      g_ptr_array_add (result, g_inet_address_to_string (l->data));
  g_resolver_free_addresses (addresses);

  g_ptr_array_add (result, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&result), FALSE);
}
