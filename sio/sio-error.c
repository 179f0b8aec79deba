/* sio-error.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "sio-types.h"

G_DEFINE_QUARK (sio-error-quark, sio_error)

/**
 * sio_engine_close_reason_to_string:
 * @reason: a close reason
 *
 * Returns: the reason as the Node reference server words it ("ping timeout", ...)
 */
const char *
sio_engine_close_reason_to_string (SioEngineCloseReason reason)
{
  switch (reason)
    {
    case SIO_ENGINE_CLOSE_TRANSPORT_CLOSE:
      return "transport close";

    case SIO_ENGINE_CLOSE_TRANSPORT_ERROR:
      return "transport error";

    case SIO_ENGINE_CLOSE_PING_TIMEOUT:
      return "ping timeout";

    case SIO_ENGINE_CLOSE_PARSE_ERROR:
      return "parse error";

    case SIO_ENGINE_CLOSE_FORCED:
      return "forced close";

    /* The reference reports both as a transport error; we keep the cause distinct for the
     * server log but word it the same way. */
    case SIO_ENGINE_CLOSE_PAYLOAD_TOO_LARGE:
    case SIO_ENGINE_CLOSE_SLOW_CONSUMER:
      return "transport error";

    default:
      return "unknown";
    }
}
