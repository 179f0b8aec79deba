/* sio-ws-conn.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "sio-engine-packet-private.h"
#include "sio-tcp.h"
#include "sio-ws-conn.h"
#include "sio-ws-frame.h"

#define MAX_IOV 128
#define MIN_READ_BUFFER 16384

typedef enum
{
  STATE_OPEN,
  STATE_CLOSING,    /* owner closed: flushing the queue and our close frame */
  STATE_LINGER,     /* close frame sent, write side shut: waiting for the peer to finish */
  STATE_DEAD,       /* torn down: freed by the next flush */
} ConnState;

struct _SioWsConn
{
  SioFlushable              flushable;
  SioIoHub                 *hub;
  GIOStream                *stream;
  GPollableInputStream     *in;
  GPollableOutputStream    *out;
  GSocket                  *socket;
  SioPollerWatch           *watch;
  const SioWsConnCallbacks *callbacks;
  gpointer                  user_data;
  gsize                     max_payload;
  gsize                     max_queued;
  int                       protocol;       /* Engine.IO revision: frames differ for binary */

  /* Incoming: only a partial trailing frame is kept per connection; whole frames are parsed in
   * the hub's shared buffer, so an idle connection holds no read memory. */
  guint8                   *rbuf;
  gsize                     rlen;
  gsize                     rcap;
  GByteArray               *fragments;
  guint8                    fragments_opcode;

  /* Outgoing: a ring of shared packets; qoff bytes of the head are already written. */
  SioEnginePacket         **queue;
  guint                     qhead;
  guint                     qlen;
  guint                     qcap;
  gsize                     qoff;
  gsize                     qbytes;

  SioDeadline               linger;
  guint16                   close_code;
  guint                     state : 2;
  guint                     write_blocked : 1;
  guint                     reported : 1;
  guint                     peer_closed : 1;
  guint                     broken : 1;
  guint                     close_queued : 1;
};

static void conn_flush (SioFlushable *flushable);
static void conn_update_watch (SioWsConn *conn);
static void conn_write (SioWsConn *conn);

static void
queue_clear (SioWsConn *conn)
{
  while (conn->qlen > 0)
    {
      sio_engine_packet_unref (conn->queue[conn->qhead]);
      conn->qhead = (conn->qhead + 1) % conn->qcap;
      conn->qlen--;
    }
  g_clear_pointer (&conn->queue, g_free);
  conn->qcap = conn->qhead = 0;
  conn->qoff = conn->qbytes = 0;
}

static void
conn_destroy (SioWsConn *conn)
{
  if (conn->state == STATE_DEAD)
    return;

  conn->state = STATE_DEAD;
  _sio_deadline_cancel (&conn->linger);
  if (conn->watch != NULL)
    {
      _sio_poller_unwatch (_sio_io_hub_get_poller (conn->hub), conn->watch);
      conn->watch = NULL;
    }
  queue_clear (conn);
  g_clear_pointer (&conn->rbuf, g_free);
  conn->rlen = conn->rcap = 0;
  g_clear_pointer (&conn->fragments, g_byte_array_unref);
  g_io_stream_close (conn->stream, NULL, NULL);

  /* Callers up the stack may still hold the pointer during this turn; the flush frees it. */
  _sio_io_hub_schedule_flush (conn->hub, &conn->flushable);
}

static void
conn_free (SioWsConn *conn)
{
  SioIoHub *hub = conn->hub;

  g_clear_object (&conn->stream);
  g_clear_object (&conn->socket);
  g_free (conn);
  _sio_io_hub_unref (hub);
}

/* Tells the owner, once, that the connection can no longer carry messages. */
static void
conn_report (SioWsConn            *conn,
             SioEngineCloseReason  reason,
             const char           *detail,
             guint16               close_code)
{
  if (conn->close_code == 0)
    conn->close_code = close_code;

  if (conn->state != STATE_OPEN || conn->reported)
    return;

  conn->reported = TRUE;
  conn->callbacks->closed (conn, reason, detail, conn->user_data);
}

static void
queue_push (SioWsConn       *conn,
            SioEnginePacket *packet)
{
  gsize frame_len;

  if (conn->qlen == conn->qcap)
    {
      guint ncap = conn->qcap ? conn->qcap * 2 : 8;
      SioEnginePacket **nq = g_new (SioEnginePacket *, ncap);

      for (guint i = 0; i < conn->qlen; i++)
        nq[i] = conn->queue[(conn->qhead + i) % conn->qcap];
      g_free (conn->queue);
      conn->queue = nq;
      conn->qcap = ncap;
      conn->qhead = 0;
    }

  conn->queue[(conn->qhead + conn->qlen) % conn->qcap] = sio_engine_packet_ref (packet);
  conn->qlen++;
  _sio_engine_packet_get_frame (packet, conn->protocol, &frame_len);
  conn->qbytes += frame_len;

  if (!conn->write_blocked)
    _sio_io_hub_schedule_flush (conn->hub, &conn->flushable);
}

static void
queue_control (SioWsConn    *conn,
               guint8        opcode,
               const guint8 *payload,
               gsize         len)
{
  g_autoptr(SioEnginePacket) frame = _sio_engine_packet_new_control_frame (opcode, payload, len);

  queue_push (conn, frame);
}

static void
queue_close_frame (SioWsConn *conn)
{
  guint8 payload[2];
  guint16 code = conn->close_code ? conn->close_code : SIO_WS_CLOSE_NORMAL;

  if (conn->close_queued)
    return;

  conn->close_queued = TRUE;
  payload[0] = code >> 8;
  payload[1] = code & 0xff;
  queue_control (conn, SIO_WS_OP_CLOSE, payload, sizeof payload);
}

void
_sio_ws_conn_send (SioWsConn       *conn,
                   SioEnginePacket *packet)
{
  gsize frame_len;

  g_return_if_fail (conn != NULL);

  if (conn->state != STATE_OPEN || conn->broken)
    return;

  _sio_engine_packet_get_frame (packet, conn->protocol, &frame_len);
  if (conn->qbytes + frame_len > conn->max_queued)
    {
      /* A peer that does not read would otherwise grow this queue without bound. */
      queue_clear (conn);
      conn->broken = TRUE;
      conn_report (conn, SIO_ENGINE_CLOSE_SLOW_CONSUMER, "send queue full", SIO_WS_CLOSE_POLICY);
      return;
    }

  queue_push (conn, packet);
}

/* For the rare frame whose latency matters more than batching (the upgrade probe). */
void
_sio_ws_conn_flush_now (SioWsConn *conn)
{
  if (conn->state == STATE_OPEN)
    conn_write (conn);
}

gboolean
_sio_ws_conn_is_writable (SioWsConn *conn)
{
  return conn->state == STATE_OPEN && !conn->broken && !conn->write_blocked;
}

gsize
_sio_ws_conn_get_queued_bytes (SioWsConn *conn)
{
  return conn->qbytes;
}

static void
conn_after_flush (SioWsConn *conn)
{
  if (conn->state != STATE_CLOSING || conn->qlen > 0)
    return;

  /* Both close frames exchanged: the closing handshake is complete (section 7.1.1). */
  if (conn->peer_closed)
    {
      conn_destroy (conn);
      return;
    }

  /* Shut our side and wait a little for the peer's close frame, so it reads ours instead of
   * a reset. */
  g_socket_shutdown (conn->socket, FALSE, TRUE, NULL);
  conn->state = STATE_LINGER;
  conn_update_watch (conn);
  _sio_deadline_queue_push (_sio_io_hub_get_linger_queue (conn->hub), &conn->linger, &conn->flushable);
}

static void
conn_write (SioWsConn *conn)
{
  GOutputVector iov[MAX_IOV];

  while (conn->qlen > 0 && !conn->write_blocked)
    {
      g_autoptr(GError) error = NULL;
      GPollableReturn ret;
      gsize written = 0;
      guint n = MIN (conn->qlen, MAX_IOV);

      for (guint i = 0; i < n; i++)
        {
          gsize len;
          const guint8 *frame = _sio_engine_packet_get_frame (conn->queue[(conn->qhead + i) % conn->qcap], conn->protocol, &len);

          if (i == 0)
            {
              frame += conn->qoff;
              len -= conn->qoff;
            }
          iov[i].buffer = frame;
          iov[i].size = len;
        }

      ret = g_pollable_output_stream_writev_nonblocking (conn->out, iov, n, &written, NULL, &error);
      if (ret == G_POLLABLE_RETURN_FAILED)
        {
          g_debug ("WebSocket write failed: %s", error->message);
          queue_clear (conn);
          conn->broken = TRUE;
          if (conn->state == STATE_OPEN)
            conn_report (conn, SIO_ENGINE_CLOSE_TRANSPORT_ERROR, error->message, 0);
          else
            conn_destroy (conn);
          return;
        }

      if (ret == G_POLLABLE_RETURN_WOULD_BLOCK)
        written = 0;

      conn->qbytes -= written;
      while (conn->qlen > 0)
        {
          gsize len;

          _sio_engine_packet_get_frame (conn->queue[conn->qhead], conn->protocol, &len);
          len -= conn->qoff;
          if (written < len)
            {
              conn->qoff += written;
              break;
            }
          written -= len;
          conn->qoff = 0;
          sio_engine_packet_unref (conn->queue[conn->qhead]);
          conn->qhead = (conn->qhead + 1) % conn->qcap;
          conn->qlen--;
        }

      /* Short write: the socket buffer is full; wait until it drains. */
      if (ret == G_POLLABLE_RETURN_WOULD_BLOCK || (conn->qlen > 0 && n < MAX_IOV))
        {
          conn->write_blocked = TRUE;
          conn_update_watch (conn);
          return;
        }
    }

  /* Idle connections keep no queue memory. */
  if (conn->qlen == 0 && conn->queue != NULL)
    queue_clear (conn);

  conn_after_flush (conn);
}

static void
conn_flush (SioFlushable *flushable)
{
  SioWsConn *conn = (SioWsConn *) flushable;

  if (conn->state == STATE_DEAD)
    {
      if (!flushable->scheduled)
        conn_free (conn);
      return;
    }

  /* The linger deadline ran out (the hub calls us directly for that). */
  if ((conn->state == STATE_LINGER || conn->state == STATE_CLOSING) &&
      !_sio_deadline_is_pending (&conn->linger))
    {
      conn_destroy (conn);
      return;
    }

  conn_write (conn);
}

static void
deliver (SioWsConn    *conn,
         guint8        opcode,
         const guint8 *data,
         gsize         len)
{
  if (opcode == SIO_WS_OP_TEXT && !g_utf8_validate_len ((const char *) data, len, NULL))
    {
      conn_report (conn, SIO_ENGINE_CLOSE_TRANSPORT_ERROR, "invalid UTF-8 in text frame",
                   SIO_WS_CLOSE_INVALID_DATA);
      return;
    }

  conn->callbacks->message (conn, opcode == SIO_WS_OP_BINARY, data, len, conn->user_data);
}

static gboolean
close_code_is_valid (guint16 code)
{
  return (code >= 1000 && code <= 1014 && code != 1004 && code != 1005 && code != 1006) ||
         (code >= 3000 && code <= 4999);
}

static void
handle_close_frame (SioWsConn    *conn,
                    const guint8 *payload,
                    gsize         len)
{
  guint16 code = SIO_WS_CLOSE_NORMAL;

  conn->peer_closed = TRUE;

  if (conn->state == STATE_LINGER)
    {
      conn_destroy (conn);
      return;
    }

  /* Section 5.5.1: a close body is empty or a two-byte code and a UTF-8 reason; section
   * 7.4: some codes must never be sent. Anything else fails the connection, as the
   * reference's ws library does. */
  if (len >= 2)
    code = ((guint16) payload[0] << 8) | payload[1];

  if (conn->state == STATE_OPEN)
    {
      if (len == 1 || (len >= 2 && !close_code_is_valid (code)))
        conn_report (conn, SIO_ENGINE_CLOSE_TRANSPORT_ERROR, "invalid close frame", SIO_WS_CLOSE_PROTOCOL_ERROR);
      else if (len > 2 && !g_utf8_validate_len ((const char *) payload + 2, len - 2, NULL))
        conn_report (conn, SIO_ENGINE_CLOSE_TRANSPORT_ERROR, "invalid close reason", SIO_WS_CLOSE_INVALID_DATA);
      else
        conn_report (conn, SIO_ENGINE_CLOSE_TRANSPORT_CLOSE, "peer sent a close frame", SIO_WS_CLOSE_NORMAL);
    }
  else if (conn->close_queued && conn->qlen == 0)
    conn_destroy (conn);
}

/* Handles one complete frame whose payload is already unmasked. */
static void
handle_frame (SioWsConn              *conn,
              const SioWsFrameHeader *header,
              const guint8           *payload)
{
  gsize len = header->payload_len;

  switch (header->opcode)
    {
    case SIO_WS_OP_TEXT:
    case SIO_WS_OP_BINARY:
      if (conn->fragments != NULL)
        {
          conn_report (conn, SIO_ENGINE_CLOSE_TRANSPORT_ERROR, "new message inside a fragmented one",
                       SIO_WS_CLOSE_PROTOCOL_ERROR);
          return;
        }
      if (header->fin)
        {
          if (conn->state == STATE_OPEN)
            deliver (conn, header->opcode, payload, len);
          return;
        }
      conn->fragments = g_byte_array_sized_new (len);
      conn->fragments_opcode = header->opcode;
      g_byte_array_append (conn->fragments, payload, len);
      return;

    case SIO_WS_OP_CONTINUATION:
      if (conn->fragments == NULL)
        {
          conn_report (conn, SIO_ENGINE_CLOSE_TRANSPORT_ERROR, "continuation without a message",
                       SIO_WS_CLOSE_PROTOCOL_ERROR);
          return;
        }
      if (conn->fragments->len + len > conn->max_payload)
        {
          conn_report (conn, SIO_ENGINE_CLOSE_PAYLOAD_TOO_LARGE, "message larger than maxPayload",
                       SIO_WS_CLOSE_TOO_BIG);
          return;
        }
      g_byte_array_append (conn->fragments, payload, len);
      if (header->fin)
        {
          g_autoptr(GByteArray) message = g_steal_pointer (&conn->fragments);

          if (conn->state == STATE_OPEN)
            deliver (conn, conn->fragments_opcode, message->data, message->len);
        }
      return;

    case SIO_WS_OP_PING:
      if (conn->state == STATE_OPEN)
        queue_control (conn, SIO_WS_OP_PONG, payload, len);
      return;

    case SIO_WS_OP_PONG:
      return;

    case SIO_WS_OP_CLOSE:
      handle_close_frame (conn, payload, len);
      return;

    default:
      g_assert_not_reached ();
    }
}

/* Parses the whole frames in buf; returns how many bytes were used, or -1 when the connection
 * stopped accepting input. Sets *need to the size a partial trailing frame needs. */
static gssize
parse_frames (SioWsConn *conn,
              guint8    *buf,
              gsize      len,
              gsize     *need)
{
  gsize pos = 0;

  *need = 0;

  while (pos < len)
    {
      SioWsFrameHeader header;
      SioWsParseResult res;

      res = _sio_ws_parse_header (buf + pos, len - pos, TRUE, conn->max_payload, &header);
      if (res == SIO_WS_PARSE_INCOMPLETE)
        break;

      if (res == SIO_WS_PARSE_ERROR)
        {
          conn_report (conn, SIO_ENGINE_CLOSE_TRANSPORT_ERROR, "WebSocket protocol error",
                       SIO_WS_CLOSE_PROTOCOL_ERROR);
          return -1;
        }

      if (res == SIO_WS_PARSE_TOO_BIG)
        {
          conn_report (conn, SIO_ENGINE_CLOSE_PAYLOAD_TOO_LARGE, "frame larger than maxPayload",
                       SIO_WS_CLOSE_TOO_BIG);
          return -1;
        }

      if (len - pos < header.header_len + header.payload_len)
        {
          *need = header.header_len + header.payload_len;
          break;
        }

      _sio_ws_unmask (buf + pos + header.header_len, header.payload_len, header.mask, 0);
      handle_frame (conn, &header, buf + pos + header.header_len);
      pos += header.header_len + header.payload_len;

      if (conn->reported || conn->state == STATE_DEAD)
        return -1;
    }

  return pos;
}

static void
conn_read (SioWsConn *conn)
{
  g_autoptr(GError) error = NULL;
  guint8 *buf;
  gssize n;
  gssize used;
  gsize have;
  gsize need;

  /* One read per readiness: a peer that sends without pause gets its turn like everyone
   * else instead of holding the loop until its socket is empty. */
  if (conn->rlen > 0)
    {
      if (conn->rcap - conn->rlen < MIN_READ_BUFFER / 4)
        {
          conn->rcap = MAX (conn->rcap * 2, conn->rlen + MIN_READ_BUFFER);
          conn->rbuf = g_realloc (conn->rbuf, conn->rcap);
        }
      buf = conn->rbuf;
      n = g_pollable_input_stream_read_nonblocking (conn->in, buf + conn->rlen,
                                                    conn->rcap - conn->rlen, NULL, &error);
      have = conn->rlen + MAX (n, 0);
    }
  else
    {
      buf = _sio_io_hub_get_read_buffer (conn->hub);
      n = g_pollable_input_stream_read_nonblocking (conn->in, buf, SIO_IO_HUB_READ_SIZE, NULL, &error);
      have = MAX (n, 0);
    }

  if (n < 0)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return;
      g_debug ("WebSocket read failed: %s", error->message);
      conn->broken = TRUE;
      if (conn->state == STATE_OPEN)
        conn_report (conn, SIO_ENGINE_CLOSE_TRANSPORT_ERROR, error->message, 0);
      else
        conn_destroy (conn);
      return;
    }

  if (n == 0)
    {
      conn->broken = TRUE;
      if (conn->state == STATE_OPEN)
        conn_report (conn, SIO_ENGINE_CLOSE_TRANSPORT_CLOSE, "connection closed", 0);
      else
        conn_destroy (conn);
      return;
    }

  used = parse_frames (conn, buf, have, &need);
  if (used < 0 || conn->state == STATE_DEAD)
    {
      conn->rlen = 0;
      g_clear_pointer (&conn->rbuf, g_free);
      conn->rcap = 0;
      /* Reported to the owner: read no further until it closes us. */
      if (conn->state == STATE_OPEN)
        conn_update_watch (conn);
      return;
    }

  have -= used;
  if (have == 0)
    {
      conn->rlen = 0;
      g_clear_pointer (&conn->rbuf, g_free);
      conn->rcap = 0;
      return;
    }

  if (buf != conn->rbuf)
    {
      conn->rcap = MAX (MAX (have, need), MIN_READ_BUFFER);
      conn->rbuf = g_malloc (conn->rcap);
      memcpy (conn->rbuf, buf + used, have);
    }
  else
    {
      memmove (conn->rbuf, conn->rbuf + used, have);
      if (need > conn->rcap)
        {
          conn->rcap = need;
          conn->rbuf = g_realloc (conn->rbuf, conn->rcap);
        }
    }
  conn->rlen = have;
}

static void
conn_update_watch (SioWsConn *conn)
{
  GIOCondition condition = 0;

  if (conn->watch == NULL)
    return;

  /* After reporting to the owner we stop reading until it closes us, so nothing more is
   * delivered; once closing we read again, to see the peer's close frame or EOF. */
  if (!conn->broken && !(conn->state == STATE_OPEN && conn->reported))
    condition |= G_IO_IN;
  if (conn->write_blocked)
    condition |= G_IO_OUT;

  _sio_poller_watch_set_condition (_sio_io_hub_get_poller (conn->hub), conn->watch, condition);
}

static void
on_ready (GIOCondition condition,
          gpointer     user_data)
{
  SioWsConn *conn = user_data;

  if (conn->state == STATE_DEAD)
    return;

  if ((condition & (G_IO_OUT | G_IO_HUP | G_IO_ERR)) && conn->write_blocked)
    {
      conn->write_blocked = FALSE;
      conn_update_watch (conn);
      conn_write (conn);
      if (conn->state == STATE_DEAD)
        return;
    }

  if (condition & (G_IO_IN | G_IO_HUP | G_IO_ERR))
    {
      if (conn->broken || (conn->state == STATE_OPEN && conn->reported))
        {
          /* Nothing more to read from this one; a hang-up needs no further notice. */
          if (conn->state != STATE_OPEN)
            conn_destroy (conn);
          else
            conn_update_watch (conn);
          return;
        }
      conn_read (conn);
    }
}

SioWsConn *
_sio_ws_conn_new (SioIoHub                 *hub,
                  GIOStream                *stream,
                  GSocket                  *socket,
                  int                       protocol,
                  gsize                     max_payload,
                  gsize                     max_queued,
                  const SioWsConnCallbacks *callbacks,
                  gpointer                  user_data)
{
  SioWsConn *conn = g_new0 (SioWsConn, 1);

  conn->flushable.flush = conn_flush;
  conn->hub = _sio_io_hub_ref (hub);
  conn->stream = g_object_ref (stream);
  conn->in = G_POLLABLE_INPUT_STREAM (g_io_stream_get_input_stream (stream));
  conn->out = G_POLLABLE_OUTPUT_STREAM (g_io_stream_get_output_stream (stream));
  conn->socket = g_object_ref (socket);
  conn->protocol = protocol;
  conn->max_payload = max_payload;
  conn->max_queued = max_queued;
  conn->callbacks = callbacks;
  conn->user_data = user_data;
  conn->state = STATE_OPEN;
  conn->watch = _sio_poller_watch (_sio_io_hub_get_poller (hub), socket, G_IO_IN, on_ready, conn);
  _sio_tcp_set_nodelay (socket);

  return conn;
}

void
_sio_ws_conn_set_callbacks (SioWsConn                *conn,
                            const SioWsConnCallbacks *callbacks,
                            gpointer                  user_data)
{
  conn->callbacks = callbacks;
  conn->user_data = user_data;
}

void
_sio_ws_conn_close (SioWsConn *conn,
                    guint16    code)
{
  g_return_if_fail (conn != NULL);

  if (conn->state != STATE_OPEN)
    return;

  if (conn->close_code == 0)
    conn->close_code = code;

  if (conn->broken)
    {
      conn_destroy (conn);
      return;
    }

  queue_close_frame (conn);
  conn->state = STATE_CLOSING;
  conn_update_watch (conn);
  /* Bounds the wait for a peer that stopped reading with our frames still queued. */
  _sio_deadline_queue_push (_sio_io_hub_get_linger_queue (conn->hub), &conn->linger, &conn->flushable);
}
