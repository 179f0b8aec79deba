/* tincan-lan-unix.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* GIO has no portable interface listing, so this asks the system with getifaddrs(). */

#include "config.h"

#include <gio/gio.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "tincan-lan.h"

GStrv
tincan_lan_addresses (void)
{
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func (g_free);
  struct ifaddrs *list = NULL;

  if (getifaddrs (&list) == 0)
    {
      for (struct ifaddrs *ifa = list; ifa != NULL; ifa = ifa->ifa_next)
        {
          g_autoptr(GSocketAddress) address = NULL;
          GInetAddress *inet;

          if (ifa->ifa_addr == NULL || !(ifa->ifa_flags & IFF_UP) || (ifa->ifa_flags & IFF_LOOPBACK))
            continue;
          /* IPv4 only: a phone types or scans "http://192.168.1.20:3000/" far more easily. */
          if (ifa->ifa_addr->sa_family != AF_INET)
            continue;

          address = g_socket_address_new_from_native (ifa->ifa_addr, sizeof (struct sockaddr_in));
          if (!G_IS_INET_SOCKET_ADDRESS (address))
            continue;
          inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address));
          if (g_inet_address_get_is_link_local (inet))
            continue;
          g_ptr_array_add (result, g_inet_address_to_string (inet));
        }
      freeifaddrs (list);
    }

  g_ptr_array_add (result, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&result), FALSE);
}
