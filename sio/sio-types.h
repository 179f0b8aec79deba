/* sio-types.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(SIO_INSIDE) && !defined(SIO_COMPILATION)
# error "Only <sio.h> can be included directly."
#endif

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _SioBroadcast    SioBroadcast;
typedef struct _SioEnginePacket SioEnginePacket;
typedef struct _SioEngineServer SioEngineServer;
typedef struct _SioEngineSocket SioEngineSocket;
typedef struct _SioNamespace    SioNamespace;
typedef struct _SioServer       SioServer;
typedef struct _SioSocket       SioSocket;

#define SIO_ERROR (sio_error_quark ())

/**
 * SioError:
 * @SIO_ERROR_FAILED: generic failure
 * @SIO_ERROR_PARSE: the peer sent bytes that do not form a valid packet
 * @SIO_ERROR_PAYLOAD_TOO_LARGE: a packet, frame or body is larger than allowed
 * @SIO_ERROR_TRANSPORT: the transport failed or was closed under us
 * @SIO_ERROR_TIMEOUT: the peer did not answer in time
 * @SIO_ERROR_CLOSED: the connection or socket is already closed
 * @SIO_ERROR_REFUSED: the peer or a middleware refused the request
 * @SIO_ERROR_PROTOCOL: the peer broke the protocol's rules (valid packet, wrong moment)
 *
 * Error codes of the %SIO_ERROR domain.
 */
typedef enum
{
  SIO_ERROR_FAILED,
  SIO_ERROR_PARSE,
  SIO_ERROR_PAYLOAD_TOO_LARGE,
  SIO_ERROR_TRANSPORT,
  SIO_ERROR_TIMEOUT,
  SIO_ERROR_CLOSED,
  SIO_ERROR_REFUSED,
  SIO_ERROR_PROTOCOL,
} SioError;

/**
 * SioEnginePacketType:
 *
 * Engine.IO packet types, with their wire digit as value.
 */
typedef enum
{
  SIO_ENGINE_PACKET_OPEN = 0,
  SIO_ENGINE_PACKET_CLOSE = 1,
  SIO_ENGINE_PACKET_PING = 2,
  SIO_ENGINE_PACKET_PONG = 3,
  SIO_ENGINE_PACKET_MESSAGE = 4,
  SIO_ENGINE_PACKET_UPGRADE = 5,
  SIO_ENGINE_PACKET_NOOP = 6,
} SioEnginePacketType;

/**
 * SioEngineTransports:
 * @SIO_ENGINE_TRANSPORT_POLLING: HTTP long-polling
 * @SIO_ENGINE_TRANSPORT_WEBSOCKET: WebSocket
 *
 * Engine.IO transports, as flags so a server can allow a set of them.
 */
typedef enum /*< flags >*/
{
  SIO_ENGINE_TRANSPORT_POLLING = 1 << 0,
  SIO_ENGINE_TRANSPORT_WEBSOCKET = 1 << 1,
} SioEngineTransports;

/**
 * SioEngineCloseReason:
 * @SIO_ENGINE_CLOSE_TRANSPORT_CLOSE: the peer closed the connection
 * @SIO_ENGINE_CLOSE_TRANSPORT_ERROR: the transport failed (I/O error, overlap, bad request)
 * @SIO_ENGINE_CLOSE_PING_TIMEOUT: no pong arrived within pingTimeout
 * @SIO_ENGINE_CLOSE_PARSE_ERROR: the peer sent a packet that could not be decoded
 * @SIO_ENGINE_CLOSE_FORCED: the server closed the session
 * @SIO_ENGINE_CLOSE_PAYLOAD_TOO_LARGE: the peer sent more than maxPayload in one frame
 * @SIO_ENGINE_CLOSE_SLOW_CONSUMER: the peer did not read fast enough and its send queue overflowed
 *
 * Why an Engine.IO session ended. sio_engine_close_reason_to_string() gives the string the
 * reference server reports for each.
 */
typedef enum
{
  SIO_ENGINE_CLOSE_TRANSPORT_CLOSE,
  SIO_ENGINE_CLOSE_TRANSPORT_ERROR,
  SIO_ENGINE_CLOSE_PING_TIMEOUT,
  SIO_ENGINE_CLOSE_PARSE_ERROR,
  SIO_ENGINE_CLOSE_FORCED,
  SIO_ENGINE_CLOSE_PAYLOAD_TOO_LARGE,
  SIO_ENGINE_CLOSE_SLOW_CONSUMER,
} SioEngineCloseReason;

GQuark      sio_error_quark                       (void);
const char *sio_engine_close_reason_to_string     (SioEngineCloseReason reason);

G_END_DECLS
