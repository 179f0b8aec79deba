/* sio-random-unix.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "sio-random.h"

void
_sio_random_fill (guint8 *buf,
                  gsize   len)
{
  static int fd = -1;
  gsize done = 0;

  if (fd < 0)
    fd = open ("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    g_error ("Cannot open /dev/urandom: %s", g_strerror (errno));

  while (done < len)
    {
      ssize_t n = read (fd, buf + done, len - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        g_error ("Cannot read /dev/urandom: %s", g_strerror (errno));
      done += n;
    }
}
