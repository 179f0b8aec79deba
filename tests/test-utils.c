/* test-utils.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "test-utils.h"

#include <string.h>

gboolean
test_wakeup_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

void
test_drain_main_context (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static const guint8 *
find_bytes (const guint8 *haystack,
            gsize         haystack_len,
            const char   *needle)
{
  gsize needle_len = strlen (needle);

  if (needle_len == 0)
    return haystack;

  for (gsize i = 0; i + needle_len <= haystack_len; i++)
    {
      if (memcmp (haystack + i, needle, needle_len) == 0)
        return haystack + i;
    }

  return NULL;
}

/* ---------------------------------------------------------------------------------------- */
/* HTTP                                                                                      */

static guint n_http_pending;

static void
test_http_unref (TestHttp *req)
{
  if (--req->refs > 0)
    return;

  g_clear_object (&req->msg);
  g_clear_object (&req->cancellable);
  g_clear_pointer (&req->body, g_bytes_unref);
  g_clear_pointer (&req->text, g_free);
  g_clear_error (&req->error);
  g_free (req);
}

static void
http_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  TestHttp *req = user_data;

  req->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &req->error);
  req->status = soup_message_get_status (req->msg);
  if (req->error != NULL && req->status >= 100 && req->status < 200)
    req->status = 0;

  if (req->body != NULL)
    {
      gsize len = 0;
      const char *data = g_bytes_get_data (req->body, &len);

      req->text = g_strndup (data != NULL ? data : "", len);
      req->len = len;
    }
  else
    {
      req->text = g_strdup ("");
      req->len = 0;
    }

  req->done = TRUE;
  n_http_pending--;
  test_http_unref (req);
}

TestHttp *
test_http_begin_msg (SoupSession *session,
                     SoupMessage *msg)
{
  TestHttp *req;

  g_assert (SOUP_IS_SESSION (session));
  g_assert (SOUP_IS_MESSAGE (msg));

  req = g_new0 (TestHttp, 1);
  req->refs = 2; /* the caller's and the one the pending operation holds */
  req->msg = g_object_ref (msg);
  req->cancellable = g_cancellable_new ();

  n_http_pending++;
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, req->cancellable,
                                    http_done_cb, req);
  return req;
}

TestHttp *
test_http_begin (SoupSession *session,
                 const char  *method,
                 const char  *uri,
                 const char  *content_type,
                 const char  *body,
                 gssize       len)
{
  g_autoptr(SoupMessage) msg = NULL;

  msg = soup_message_new (method, uri);
  g_assert_nonnull (msg);

  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = NULL;

      if (len < 0)
        len = strlen (body);
      bytes = g_bytes_new (body, len);
      /* What a browser's fetch() sends for a string body. */
      soup_message_set_request_body_from_bytes (msg,
                                                content_type ? content_type
                                                             : "text/plain;charset=UTF-8",
                                                bytes);
    }

  return test_http_begin_msg (session, msg);
}

void
test_http_wait (TestHttp *req)
{
  WAIT_FOR (req->done);
}

TestHttp *
test_http_run (SoupSession *session,
               const char  *method,
               const char  *uri,
               const char  *content_type,
               const char  *body,
               gssize       len)
{
  TestHttp *req = test_http_begin (session, method, uri, content_type, body, len);

  test_http_wait (req);
  return req;
}

const char *
test_http_get_header (TestHttp   *req,
                      const char *name)
{
  return soup_message_headers_get_one (soup_message_get_response_headers (req->msg), name);
}

void
test_http_free (TestHttp *req)
{
  if (req == NULL)
    return;

  if (!req->done)
    g_cancellable_cancel (req->cancellable);
  test_http_unref (req);
}

guint
test_http_get_n_pending (void)
{
  return n_http_pending;
}

void
test_assert_http_error_impl (const char *file,
                             int         line,
                             TestHttp   *req,
                             guint       status,
                             int         code,
                             const char *message)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fail = NULL;
  const char *content_type;
  JsonObject *object;

  if (!req->done || req->status != status)
    {
      fail = g_strdup_printf ("expected HTTP %u {\"code\":%d}, got %u (%s) body '%s'", status, code,
                              req->status, req->error ? req->error->message : "no error",
                              req->text ? req->text : "");
      g_assertion_message (G_LOG_DOMAIN, file, line, G_STRFUNC, fail);
    }

  node = json_from_string (req->text, &error);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      fail = g_strdup_printf ("HTTP %u body is not a JSON object: '%s'", status, req->text);
      g_assertion_message (G_LOG_DOMAIN, file, line, G_STRFUNC, fail);
    }

  object = json_node_get_object (node);
  if (json_object_get_size (object) != 2
      || !json_object_has_member (object, "code")
      || !json_object_has_member (object, "message")
      || json_node_get_value_type (json_object_get_member (object, "code")) != G_TYPE_INT64
      || json_object_get_int_member (object, "code") != code
      || json_node_get_value_type (json_object_get_member (object, "message")) != G_TYPE_STRING
      || g_strcmp0 (json_object_get_string_member (object, "message"), message) != 0)
    {
      fail = g_strdup_printf ("expected {\"code\":%d,\"message\":\"%s\"}, got '%s'", code, message,
                              req->text);
      g_assertion_message (G_LOG_DOMAIN, file, line, G_STRFUNC, fail);
    }

  /* The reference answers errors with Content-Type: application/json. */
  content_type = test_http_get_header (req, "Content-Type");
  if (content_type == NULL || !g_str_has_prefix (content_type, "application/json"))
    {
      fail = g_strdup_printf ("error answer has Content-Type '%s', expected application/json",
                              content_type ? content_type : "(none)");
      g_assertion_message (G_LOG_DOMAIN, file, line, G_STRFUNC, fail);
    }
}

/* ---------------------------------------------------------------------------------------- */
/* WebSocket over libsoup                                                                    */

void
test_ws_message_free (TestWsMessage *message)
{
  if (message == NULL)
    return;

  g_clear_pointer (&message->data, g_bytes_unref);
  g_free (message);
}

static void
ws_message_cb (SoupWebsocketConnection *conn,
               int                      type,
               GBytes                  *data,
               gpointer                 user_data)
{
  TestWs *ws = user_data;
  TestWsMessage *message = g_new0 (TestWsMessage, 1);

  message->type = type;
  message->data = g_bytes_ref (data);
  g_queue_push_tail (&ws->queue, message);
}

static void
ws_closed_cb (SoupWebsocketConnection *conn,
              gpointer                 user_data)
{
  TestWs *ws = user_data;

  ws->closed = TRUE;
  ws->close_code = soup_websocket_connection_get_close_code (conn);
  ws->close_data = g_strdup (soup_websocket_connection_get_close_data (conn));
}

static void
ws_error_cb (SoupWebsocketConnection *conn,
             GError                  *error,
             gpointer                 user_data)
{
  TestWs *ws = user_data;

  if (ws->error == NULL)
    ws->error = g_error_copy (error);
}

static void
ws_connect_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  TestWs *ws = user_data;

  ws->conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result,
                                                    &ws->connect_error);
  if (ws->conn != NULL)
    {
      /* Our own tests send and expect frames far above libsoup's 128 KiB default. */
      soup_websocket_connection_set_max_incoming_payload_size (ws->conn, 0);
      soup_websocket_connection_set_keepalive_interval (ws->conn, 0);
      g_signal_connect (ws->conn, "message", G_CALLBACK (ws_message_cb), ws);
      g_signal_connect (ws->conn, "closed", G_CALLBACK (ws_closed_cb), ws);
      g_signal_connect (ws->conn, "error", G_CALLBACK (ws_error_cb), ws);
    }

  ws->connect_done = TRUE;
}

TestWs *
test_ws_connect (SoupSession *session,
                 const char  *uri)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);

  g_assert_nonnull (msg);
  return test_ws_connect_msg (session, msg);
}

TestWs *
test_ws_connect_msg (SoupSession *session,
                     SoupMessage *msg)
{
  TestWs *ws = g_new0 (TestWs, 1);

  g_queue_init (&ws->queue);
  ws->msg = g_object_ref (msg);

  soup_session_websocket_connect_async (session, ws->msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        ws_connect_cb, ws);
  WAIT_FOR (ws->connect_done);
  return ws;
}

void
test_ws_send_text (TestWs     *ws,
                   const char *text)
{
  g_assert_nonnull (ws->conn);
  soup_websocket_connection_send_text (ws->conn, text);
}

void
test_ws_send_binary (TestWs     *ws,
                     const void *data,
                     gsize       len)
{
  g_assert_nonnull (ws->conn);
  soup_websocket_connection_send_binary (ws->conn, data, len);
}

TestWsMessage *
test_ws_next (TestWs *ws)
{
  g_assert_nonnull (ws->conn);
  WAIT_FOR (!g_queue_is_empty (&ws->queue) || ws->closed);
  return g_queue_pop_head (&ws->queue);
}

char *
test_ws_message_take_text (TestWsMessage *taken,
                           guint          close_code)
{
  g_autoptr(TestWsMessage) message = taken;
  gsize len = 0;
  const char *data;

  if (message == NULL)
    {
      g_autofree char *fail = g_strdup_printf ("WebSocket closed (code %u) instead of sending a "
                                               "text frame", close_code);
      g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC, fail);
    }

  g_assert_cmpint (message->type, ==, SOUP_WEBSOCKET_DATA_TEXT);
  data = g_bytes_get_data (message->data, &len);
  return g_strndup (data != NULL ? data : "", len);
}

GBytes *
test_ws_message_take_binary (TestWsMessage *taken,
                             guint          close_code)
{
  g_autoptr(TestWsMessage) message = taken;

  if (message == NULL)
    {
      g_autofree char *fail = g_strdup_printf ("WebSocket closed (code %u) instead of sending a "
                                               "binary frame", close_code);
      g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC, fail);
    }

  if (message->type != SOUP_WEBSOCKET_DATA_BINARY)
    {
      g_autofree char *text = g_strndup (g_bytes_get_data (message->data, NULL),
                                         g_bytes_get_size (message->data));
      g_autofree char *fail = g_strdup_printf ("expected a binary frame, got text '%s'", text);
      g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC, fail);
    }
  return g_bytes_ref (message->data);
}

char *
test_ws_next_text (TestWs *ws)
{
  TestWsMessage *message = test_ws_next (ws);

  return test_ws_message_take_text (message, ws->close_code);
}

GBytes *
test_ws_next_binary (TestWs *ws)
{
  TestWsMessage *message = test_ws_next (ws);

  return test_ws_message_take_binary (message, ws->close_code);
}

void
test_ws_wait_closed (TestWs *ws)
{
  g_assert_nonnull (ws->conn);
  WAIT_FOR (ws->closed);
}

void
test_ws_close (TestWs *ws)
{
  if (ws->conn == NULL || ws->closed)
    return;

  if (soup_websocket_connection_get_state (ws->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (ws->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  WAIT_FOR (ws->closed);
}

void
test_ws_free (TestWs *ws)
{
  if (ws == NULL)
    return;

  if (ws->conn != NULL)
    {
      test_ws_close (ws);
      g_signal_handlers_disconnect_by_data (ws->conn, ws);
      g_clear_object (&ws->conn);
    }

  g_queue_clear_full (&ws->queue, (GDestroyNotify) test_ws_message_free);
  g_clear_object (&ws->msg);
  g_clear_error (&ws->connect_error);
  g_clear_error (&ws->error);
  g_clear_pointer (&ws->close_data, g_free);
  g_free (ws);
}

/* ---------------------------------------------------------------------------------------- */
/* Raw TCP                                                                                   */

#define RAW_READ_SIZE 16384

static guint n_raw_alive;

static void raw_read_next (TestRaw *raw);
static void raw_write_next (TestRaw *raw);

static TestRaw *
test_raw_ref (TestRaw *raw)
{
  raw->refs++;
  return raw;
}

static void
test_raw_unref (TestRaw *raw)
{
  if (--raw->refs > 0)
    return;

  g_queue_clear_full (&raw->writes, (GDestroyNotify) g_bytes_unref);
  g_clear_pointer (&raw->current, g_bytes_unref);
  g_clear_object (&raw->conn);
  g_clear_object (&raw->cancellable);
  g_clear_pointer (&raw->in, g_byte_array_unref);
  g_clear_pointer (&raw->buf, g_free);
  g_clear_error (&raw->read_error);
  g_clear_error (&raw->write_error);
  g_clear_error (&raw->connect_error);
  g_free (raw);
  n_raw_alive--;
}

static void
raw_read_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  TestRaw *raw = user_data;
  GError *error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  if (n > 0)
    {
      g_byte_array_append (raw->in, raw->buf, n);
      if (!g_cancellable_is_cancelled (raw->cancellable))
        raw_read_next (raw);
    }
  else if (n == 0)
    raw->eof = TRUE;
  else
    raw->read_error = error;

  test_raw_unref (raw);
}

static void
raw_read_next (TestRaw *raw)
{
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (raw->conn)), raw->buf,
                             RAW_READ_SIZE, G_PRIORITY_DEFAULT, raw->cancellable, raw_read_cb,
                             test_raw_ref (raw));
}

static void
raw_write_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  TestRaw *raw = user_data;
  GError *error = NULL;

  raw->writing = FALSE;
  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    {
      /* Peers we test are allowed to hang up on us mid-request (413, bad frames...). */
      raw->write_error = error;
      g_queue_clear_full (&raw->writes, (GDestroyNotify) g_bytes_unref);
    }
  else
    raw_write_next (raw);

  test_raw_unref (raw);
}

static void
raw_write_next (TestRaw *raw)
{
  GBytes *bytes;

  if (raw->writing || raw->conn == NULL || raw->write_error != NULL)
    return;

  bytes = g_queue_pop_head (&raw->writes);
  if (bytes == NULL)
    return;

  raw->writing = TRUE;
  /* g_output_stream_write_all_async() copies nothing: @current keeps the data alive. */
  g_clear_pointer (&raw->current, g_bytes_unref);
  raw->current = bytes;
  g_output_stream_write_all_async (g_io_stream_get_output_stream (G_IO_STREAM (raw->conn)),
                                   g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                   G_PRIORITY_DEFAULT, raw->cancellable, raw_write_cb,
                                   test_raw_ref (raw));
}

static void
raw_connect_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  TestRaw *raw = user_data;

  raw->conn = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result,
                                              &raw->connect_error);
  raw->connect_done = TRUE;

  if (raw->conn != NULL && !g_cancellable_is_cancelled (raw->cancellable))
    {
      raw_read_next (raw);
      raw_write_next (raw);
    }

  test_raw_unref (raw);
}

TestRaw *
test_raw_connect_begin (GUri *base)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketAddress) address = NULL;
  TestRaw *raw = g_new0 (TestRaw, 1);

  n_raw_alive++;
  raw->refs = 1;
  raw->in = g_byte_array_new ();
  raw->buf = g_malloc (RAW_READ_SIZE);
  raw->cancellable = g_cancellable_new ();
  g_queue_init (&raw->writes);

  address = g_inet_socket_address_new_from_string (g_uri_get_host (base), g_uri_get_port (base));
  g_assert_nonnull (address);

  g_socket_client_set_enable_proxy (client, FALSE);
  g_socket_client_connect_async (client, G_SOCKET_CONNECTABLE (address), raw->cancellable,
                                 raw_connect_cb, test_raw_ref (raw));
  return raw;
}

TestRaw *
test_raw_connect (GUri *base)
{
  TestRaw *raw = test_raw_connect_begin (base);

  WAIT_FOR (raw->connect_done);
  g_assert_no_error (raw->connect_error);
  return raw;
}

void
test_raw_write (TestRaw    *raw,
                const void *data,
                gsize       len)
{
  g_queue_push_tail (&raw->writes, g_bytes_new (data, len));
  raw_write_next (raw);
}

void
test_raw_write_str (TestRaw    *raw,
                    const char *str)
{
  test_raw_write (raw, str, strlen (str));
}

void
test_raw_flush (TestRaw *raw)
{
  WAIT_FOR (raw->write_error != NULL || (!raw->writing && g_queue_is_empty (&raw->writes)));
}

gboolean
test_raw_is_finished (TestRaw *raw)
{
  return raw->eof || raw->read_error != NULL || raw->connect_error != NULL;
}

void
test_raw_wait_closed (TestRaw *raw)
{
  WAIT_FOR (test_raw_is_finished (raw));
}

gboolean
test_raw_wait_for_string (TestRaw    *raw,
                          const char *needle)
{
  WAIT_FOR (find_bytes (raw->in->data + raw->offset, raw->in->len - raw->offset, needle) != NULL
            || test_raw_is_finished (raw));
  return find_bytes (raw->in->data + raw->offset, raw->in->len - raw->offset, needle) != NULL;
}

/* Decodes a chunked body starting at @start; returns FALSE while it is incomplete. */
static gboolean
raw_dechunk (const guint8 *start,
             gsize         len,
             GString      *body,
             gsize        *consumed)
{
  gsize pos = 0;

  g_string_truncate (body, 0);
  for (;;)
    {
      const guint8 *eol = find_bytes (start + pos, len - pos, "\r\n");
      g_autofree char *size_line = NULL;
      guint64 size;

      if (eol == NULL)
        return FALSE;
      size_line = g_strndup ((const char *) start + pos, eol - (start + pos));
      size = g_ascii_strtoull (size_line, NULL, 16);
      pos = (eol - start) + 2;
      if (size == 0)
        {
          /* No trailers from the servers we test: just the final CRLF. */
          if (len - pos < 2)
            return FALSE;
          *consumed = pos + 2;
          return TRUE;
        }
      if (len - pos < size + 2)
        return FALSE;
      g_string_append_len (body, (const char *) start + pos, size);
      pos += size + 2;
    }
}

guint
test_raw_read_http_response (TestRaw  *raw,
                             char    **headers_out,
                             char    **body_out)
{
  g_autofree char *headers = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  const guint8 *start;
  const guint8 *end;
  gsize header_len;
  guint status = 0;
  gssize content_length = -1;
  gboolean chunked = FALSE;
  g_auto(GStrv) lines = NULL;

  if (!test_raw_wait_for_string (raw, "\r\n\r\n"))
    return 0;

  start = raw->in->data + raw->offset;
  end = find_bytes (start, raw->in->len - raw->offset, "\r\n\r\n");
  header_len = (end - start) + 4;
  headers = g_strndup ((const char *) start, end - start);

  lines = g_strsplit (headers, "\r\n", -1);
  if (g_str_has_prefix (lines[0], "HTTP/1.") && strlen (lines[0]) >= 12)
    status = g_ascii_strtoull (lines[0] + 9, NULL, 10);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      if (g_ascii_strncasecmp (lines[i], "Content-Length:", 15) == 0)
        content_length = g_ascii_strtoll (lines[i] + 15, NULL, 10);
      else if (g_ascii_strncasecmp (lines[i], "Transfer-Encoding:", 18) == 0
               && strstr (lines[i] + 18, "chunked") != NULL)
        chunked = TRUE;
    }

  raw->offset += header_len;

  if (status >= 100 && status < 200)
    ;
  else if (chunked)
    {
      gsize consumed = 0;

      WAIT_FOR (raw_dechunk (raw->in->data + raw->offset, raw->in->len - raw->offset, body,
                             &consumed)
                || test_raw_is_finished (raw));
      if (consumed == 0)
        {
          /* Truncated: take what arrived. */
          g_string_truncate (body, 0);
          g_string_append_len (body, (const char *) raw->in->data + raw->offset,
                               raw->in->len - raw->offset);
          consumed = raw->in->len - raw->offset;
        }
      raw->offset += consumed;
    }
  else if (content_length >= 0)
    {
      WAIT_FOR (raw->in->len - raw->offset >= (gsize) content_length
                || test_raw_is_finished (raw));
      content_length = MIN ((gsize) content_length, raw->in->len - raw->offset);
      g_string_append_len (body, (const char *) raw->in->data + raw->offset, content_length);
      raw->offset += content_length;
    }
  else
    {
      /* Delimited by the end of the connection. */
      test_raw_wait_closed (raw);
      g_string_append_len (body, (const char *) raw->in->data + raw->offset,
                           raw->in->len - raw->offset);
      raw->offset = raw->in->len;
    }

  if (headers_out != NULL)
    *headers_out = g_steal_pointer (&headers);
  if (body_out != NULL)
    *body_out = g_string_free (g_steal_pointer (&body), FALSE);

  return status;
}

void
test_raw_free (TestRaw *raw)
{
  if (raw == NULL)
    return;

  /* Pending operations finish cancelled on a later iteration; the last reference closes the
   * socket. */
  g_cancellable_cancel (raw->cancellable);
  test_raw_unref (raw);
}

guint
test_raw_get_n_alive (void)
{
  return n_raw_alive;
}

GBytes *
test_ws_frame_build (guint8      first_byte,
                     gboolean    masked,
                     const void *payload,
                     gsize       len)
{
  static const guint8 mask[4] = { 0x37, 0xfa, 0x21, 0x3d };
  GByteArray *frame = g_byte_array_sized_new (len + 14);
  guint8 header[14];
  gsize h = 0;

  header[h++] = first_byte;
  if (len < 126)
    header[h++] = (masked ? 0x80 : 0) | len;
  else if (len < 65536)
    {
      header[h++] = (masked ? 0x80 : 0) | 126;
      header[h++] = len >> 8;
      header[h++] = len & 0xff;
    }
  else
    {
      header[h++] = (masked ? 0x80 : 0) | 127;
      for (int i = 7; i >= 0; i--)
        header[h++] = ((guint64) len >> (8 * i)) & 0xff;
    }

  if (masked)
    {
      memcpy (header + h, mask, 4);
      h += 4;
    }

  g_byte_array_append (frame, header, h);
  if (len > 0)
    g_byte_array_append (frame, payload, len);
  if (masked)
    {
      for (gsize i = 0; i < len; i++)
        frame->data[h + i] ^= mask[i % 4];
    }

  return g_byte_array_free_to_bytes (frame);
}

gsize
test_ws_frame_parse (const guint8  *buf,
                     gsize          len,
                     guint8        *first_byte,
                     GBytes       **payload)
{
  guint64 payload_len;
  gsize h = 2;
  gboolean masked;
  guint8 mask[4] = { 0, };
  guint8 *data;

  if (len < 2)
    return 0;

  masked = (buf[1] & 0x80) != 0;
  payload_len = buf[1] & 0x7f;
  if (payload_len == 126)
    {
      if (len < 4)
        return 0;
      payload_len = ((guint64) buf[2] << 8) | buf[3];
      h = 4;
    }
  else if (payload_len == 127)
    {
      if (len < 10)
        return 0;
      payload_len = 0;
      for (int i = 0; i < 8; i++)
        payload_len = (payload_len << 8) | buf[2 + i];
      h = 10;
    }

  if (masked)
    {
      if (len < h + 4)
        return 0;
      memcpy (mask, buf + h, 4);
      h += 4;
    }

  if (len - h < payload_len)
    return 0;

  data = g_memdup2 (buf + h, payload_len);
  if (masked)
    {
      for (gsize i = 0; i < payload_len; i++)
        data[i] ^= mask[i % 4];
    }

  if (first_byte != NULL)
    *first_byte = buf[0];
  if (payload != NULL)
    *payload = g_bytes_new_take (data, payload_len);
  else
    g_free (data);

  return h + payload_len;
}

TestRaw *
test_raw_ws_connect (GUri       *base,
                     const char *path,
                     const char *query)
{
  TestRaw *raw = test_raw_connect (base);
  g_autofree char *request = NULL;
  g_autofree char *headers = NULL;
  guint status;

  /* The sample key and accept value of RFC 6455 section 1.3. */
  request = g_strdup_printf ("GET %s?%s HTTP/1.1\r\n"
                             "Host: %s:%d\r\n"
                             "Upgrade: websocket\r\n"
                             "Connection: Upgrade\r\n"
                             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                             "Sec-WebSocket-Version: 13\r\n"
                             "\r\n",
                             path ? path : "/engine.io/", query, g_uri_get_host (base),
                             g_uri_get_port (base));
  test_raw_write_str (raw, request);

  status = test_raw_read_http_response (raw, &headers, NULL);
  if (status != 101)
    {
      g_autofree char *fail = g_strdup_printf ("WebSocket handshake answered %u: %s", status,
                                               headers ? headers : "(nothing)");
      g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC, fail);
    }
  g_assert_nonnull (strstr (headers, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));

  return raw;
}

void
test_raw_ws_send (TestRaw    *raw,
                  guint8      first_byte,
                  const char *payload,
                  gssize      len)
{
  g_autoptr(GBytes) frame = NULL;

  if (len < 0)
    len = payload ? strlen (payload) : 0;
  frame = test_ws_frame_build (first_byte, TRUE, payload, len);
  test_raw_write (raw, g_bytes_get_data (frame, NULL), g_bytes_get_size (frame));
}

gboolean
test_raw_ws_next_frame (TestRaw  *raw,
                        guint8   *first_byte,
                        GBytes  **payload)
{
  gsize consumed = 0;

  WAIT_FOR ((consumed = test_ws_frame_parse (raw->in->data + raw->offset,
                                             raw->in->len - raw->offset, NULL, NULL)) > 0
            || test_raw_is_finished (raw));
  if (consumed == 0)
    return FALSE;

  /* Server frames are never masked (RFC 6455 section 5.1). */
  g_assert_cmpint (raw->in->data[raw->offset + 1] & 0x80, ==, 0);
  test_ws_frame_parse (raw->in->data + raw->offset, raw->in->len - raw->offset, first_byte,
                       payload);
  raw->offset += consumed;
  return TRUE;
}

int
test_raw_ws_wait_close_code (TestRaw   *raw,
                             GPtrArray *data_frames)
{
  guint8 first_byte;
  int code = 0;

  for (;;)
    {
      g_autoptr(GBytes) payload = NULL;

      if (!test_raw_ws_next_frame (raw, &first_byte, &payload))
        break;

      if ((first_byte & 0x0f) == 0x8)
        {
          gsize len = 0;
          const guint8 *data = g_bytes_get_data (payload, &len);

          code = len >= 2 ? (data[0] << 8) | data[1] : 1005;
          /* Answer like a well-behaved client, then expect the server to hang up. */
          test_raw_ws_send (raw, 0x88, NULL, 0);
          break;
        }

      if (data_frames != NULL)
        g_ptr_array_add (data_frames, g_steal_pointer (&payload));
    }

  test_raw_wait_closed (raw);
  return code;
}

/* ---------------------------------------------------------------------------------------- */
/* Engine fixture                                                                            */

static void
engine_peer_free (EnginePeer *peer)
{
  if (peer->socket != NULL)
    g_object_remove_weak_pointer (G_OBJECT (peer->socket), (gpointer *) &peer->socket);
  g_clear_pointer (&peer->messages, g_ptr_array_unref);
  g_clear_pointer (&peer->sid, g_free);
  g_clear_pointer (&peer->description, g_free);
  g_free (peer);
}

char *
test_packet_dup_text (SioEnginePacket *packet)
{
  gsize len = 0;
  const char *data = sio_engine_packet_get_data (packet, &len);

  return g_strndup (data != NULL ? data : "", len);
}

static void
on_peer_message (SioEngineSocket *socket,
                 SioEnginePacket *packet,
                 EnginePeer      *peer)
{
  g_assert (SIO_IS_ENGINE_SOCKET (socket));
  g_assert_nonnull (packet);
  g_assert_cmpint (sio_engine_packet_get_kind (packet), ==, SIO_ENGINE_PACKET_MESSAGE);
  g_assert_cmpuint (peer->n_closed, ==, 0);

  g_ptr_array_add (peer->messages, sio_engine_packet_ref (packet));

  if (!peer->echo)
    return;

  if (sio_engine_packet_is_binary (packet))
    {
      g_autoptr(GBytes) bytes = sio_engine_packet_get_bytes (packet);

      sio_engine_socket_send_binary (socket, bytes);
    }
  else
    {
      g_autofree char *text = test_packet_dup_text (packet);

      sio_engine_socket_send_text (socket, text);
    }
}

static void
on_peer_closed (SioEngineSocket *socket,
                int              reason,
                const char      *description,
                EnginePeer      *peer)
{
  g_assert (SIO_IS_ENGINE_SOCKET (socket));
  peer->n_closed++;
  peer->reason = reason;
  g_free (peer->description);
  peer->description = g_strdup (description);
  g_test_message ("session %s closed: %s (%s)", peer->sid,
                  sio_engine_close_reason_to_string (reason), description ? description : "");
}

static void
on_peer_upgraded (SioEngineSocket *socket,
                  EnginePeer      *peer)
{
  peer->n_upgraded++;
  peer->transport_at_upgrade = sio_engine_socket_get_transport (socket);
}

static void
on_connection (SioEngineServer *engine,
               SioEngineSocket *socket,
               EngineFixture   *f)
{
  EnginePeer *peer = g_new0 (EnginePeer, 1);

  g_assert (SIO_IS_ENGINE_SERVER (engine));
  g_assert (SIO_IS_ENGINE_SOCKET (socket));

  peer->socket = socket;
  g_object_add_weak_pointer (G_OBJECT (socket), (gpointer *) &peer->socket);
  peer->sid = g_strdup (sio_engine_socket_get_id (socket));
  peer->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) sio_engine_packet_unref);
  peer->echo = f->echo;

  g_signal_connect (socket, "message", G_CALLBACK (on_peer_message), peer);
  g_signal_connect (socket, "closed", G_CALLBACK (on_peer_closed), peer);
  g_signal_connect (socket, "upgraded", G_CALLBACK (on_peer_upgraded), peer);

  g_ptr_array_add (f->peers, peer);
}

void
test_listener_listen (SioHttpListener *listener,
                      guint            port,
                      GUri           **base)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  g_autoptr(GError) error = NULL;

  sio_http_listener_listen (listener, address, &error);
  g_assert_no_error (error);
  if (base != NULL)
    {
      g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", sio_http_listener_get_port (listener));

      *base = g_uri_parse (url, G_URI_FLAGS_NONE, &error);
      g_assert_no_error (error);
    }
}

SioHttpListener *
test_listen_local (SoupServer *soup,
                   guint       port,
                   GUri      **base)
{
  SioHttpListener *listener = sio_http_listener_new (soup);

  test_listener_listen (listener, port, base);
  return listener;
}

void
engine_fixture_setup (EngineFixture *f,
                      gconstpointer  data)
{
  const EngineConfig *config = data;
  g_autoptr(GError) error = NULL;

  f->soup = soup_server_new (NULL, NULL);
  f->listener = sio_http_listener_new (f->soup);
  f->engine = sio_engine_server_new ();
  f->peers = g_ptr_array_new_with_free_func ((GDestroyNotify) engine_peer_free);
  f->echo = config == NULL || !config->no_echo;

  if (config != NULL)
    {
      if (config->ping_interval != 0)
        sio_engine_server_set_ping_interval (f->engine, config->ping_interval);
      if (config->ping_timeout != 0)
        sio_engine_server_set_ping_timeout (f->engine, config->ping_timeout);
      if (config->max_payload != 0)
        sio_engine_server_set_max_payload (f->engine, config->max_payload);
      if (config->transports != 0)
        sio_engine_server_set_transports (f->engine, config->transports);
      if (config->no_upgrades)
        sio_engine_server_set_allow_upgrades (f->engine, FALSE);
      if (config->cors_origins != NULL)
        sio_engine_server_set_cors_origins (f->engine, config->cors_origins);
      if (config->max_per_address != 0)
        sio_http_listener_set_max_connections_per_address (f->listener, config->max_per_address);
      if (config->max_sessions_per_address != 0)
        sio_engine_server_set_max_sessions_per_address (f->engine, config->max_sessions_per_address);
      if (config->request_timeout != 0)
        sio_http_listener_set_request_timeout (f->listener, config->request_timeout);
      if (config->max_packet_rate != 0)
        sio_engine_server_set_max_packet_rate (f->engine, config->max_packet_rate);
      /* The tests connect from 127.0.0.1, which the caps leave alone unless told. */
      sio_http_listener_set_limit_loopback (f->listener, config->max_per_address != 0);
      sio_engine_server_set_limit_loopback (f->engine, config->max_sessions_per_address != 0);
    }

  g_signal_connect (f->engine, "connection", G_CALLBACK (on_connection), f);

  sio_engine_server_attach (f->engine, f->soup, "/engine.io/", &error);
  g_assert_no_error (error);

  /* Through the listener the product uses, with its caps and timeouts. */
  test_listener_listen (f->listener, 0, &f->base);

  /* Long-polls hold a connection each: libsoup's default of 2 per host would serialise tests. */
  f->session = soup_session_new_with_options ("max-conns", 4000,
                                              "max-conns-per-host", 2000,
                                              NULL);
}

void
engine_fixture_teardown (EngineFixture *f,
                         gconstpointer  data)
{
  /* Every session ends, and ends once. */
  sio_engine_server_close_all (f->engine);
  WAIT_FOR (sio_engine_server_get_n_sockets (f->engine) == 0);

  soup_session_abort (f->session);
  WAIT_FOR (test_http_get_n_pending () == 0 && test_raw_get_n_alive () == 0);
  g_assert_finalize_object (f->session);
  f->session = NULL;

  sio_engine_server_detach (f->engine);
  soup_server_disconnect (f->soup);
  test_drain_main_context ();
  g_assert_finalize_object (f->listener);
  f->listener = NULL;

  g_signal_handlers_disconnect_by_data (f->engine, f);
  g_assert_finalize_object (f->engine);
  f->engine = NULL;
  g_assert_finalize_object (f->soup);
  f->soup = NULL;
  test_drain_main_context ();

  for (guint i = 0; i < f->peers->len; i++)
    {
      EnginePeer *peer = g_ptr_array_index (f->peers, i);

      if (peer->socket != NULL)
        g_error ("session %s (%u) leaked: refcount %u", peer->sid, i,
                 G_OBJECT (peer->socket)->ref_count);
      g_assert_cmpuint (peer->n_closed, ==, 1);
    }

  g_clear_pointer (&f->peers, g_ptr_array_unref);
  g_clear_pointer (&f->base, g_uri_unref);
}

char *
engine_fixture_url (EngineFixture *f,
                    gboolean       websocket,
                    const char    *query)
{
  return g_strdup_printf ("%s://%s:%d/engine.io/?%s", websocket ? "ws" : "http",
                          g_uri_get_host (f->base), g_uri_get_port (f->base), query);
}

char *
engine_fixture_sid_url (EngineFixture *f,
                        gboolean       websocket,
                        const char    *sid)
{
  g_autofree char *query = g_strdup_printf ("EIO=4&transport=%s&sid=%s",
                                            websocket ? "websocket" : "polling", sid);

  return engine_fixture_url (f, websocket, query);
}

EnginePeer *
engine_fixture_find_peer (EngineFixture *f,
                          const char    *sid)
{
  for (guint i = 0; i < f->peers->len; i++)
    {
      EnginePeer *peer = g_ptr_array_index (f->peers, i);

      if (g_strcmp0 (peer->sid, sid) == 0)
        return peer;
    }

  g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC,
                       "no \"connection\" was emitted for that sid");
  return NULL;
}

EnginePeer *
engine_fixture_wait_peer (EngineFixture *f,
                          guint          index)
{
  WAIT_FOR (f->peers->len > index);
  return g_ptr_array_index (f->peers, index);
}

void
test_assert_valid_sid (const char *sid)
{
  g_assert_nonnull (sid);
  g_assert_cmpuint (strlen (sid), ==, 20);
  for (const char *p = sid; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
        g_error ("sid '%s' is not URL-safe", sid);
    }
}

JsonObject *
test_parse_open_packet (const char *text,
                        gsize       len)
{
  static const char * const keys[] = {
    "sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload",
  };
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  JsonObject *object;

  g_assert_cmpuint (len, >, 1);
  g_assert_cmpint (text[0], ==, '0');
  json = g_strndup (text + 1, len - 1);

  node = json_from_string (json, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  object = json_node_get_object (node);

  g_assert_cmpuint (json_object_get_size (object), ==, G_N_ELEMENTS (keys));
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_assert_true (json_object_has_member (object, keys[i]));

  g_assert_true (JSON_NODE_HOLDS_VALUE (json_object_get_member (object, "sid")));
  test_assert_valid_sid (json_object_get_string_member (object, "sid"));
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "upgrades")));
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (object, "pingInterval")), ==,
                   G_TYPE_INT64);
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (object, "pingTimeout")), ==,
                   G_TYPE_INT64);
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (object, "maxPayload")), ==,
                   G_TYPE_INT64);

  return json_object_ref (object);
}

TestHttp *
test_polling_get_begin (EngineFixture *f,
                        const char    *sid)
{
  g_autofree char *url = engine_fixture_sid_url (f, FALSE, sid);

  return test_http_begin (f->session, "GET", url, NULL, NULL, 0);
}

TestHttp *
test_polling_get (EngineFixture *f,
                  const char    *sid)
{
  TestHttp *req = test_polling_get_begin (f, sid);

  test_http_wait (req);
  return req;
}

TestHttp *
test_polling_post (EngineFixture *f,
                   const char    *sid,
                   const char    *body,
                   gssize         len)
{
  g_autofree char *url = engine_fixture_sid_url (f, FALSE, sid);

  return test_http_run (f->session, "POST", url, NULL, body, len);
}

char *
test_polling_handshake (EngineFixture  *f,
                        JsonObject    **open_packet)
{
  g_autofree char *url = engine_fixture_url (f, FALSE, "EIO=4&transport=polling");
  g_autoptr(TestHttp) req = test_http_run (f->session, "GET", url, NULL, NULL, 0);
  g_autoptr(JsonObject) object = NULL;
  char *sid;

  g_assert_no_error (req->error);
  g_assert_cmpuint (req->status, ==, 200);
  object = test_parse_open_packet (req->text, req->len);
  sid = g_strdup (json_object_get_string_member (object, "sid"));

  if (open_packet != NULL)
    *open_packet = g_steal_pointer (&object);

  return sid;
}

void
test_polling_echo (EngineFixture *f,
                   const char    *sid,
                   const char    *text)
{
  g_autofree char *packet = g_strconcat ("4", text, NULL);
  g_autoptr(TestHttp) post = test_polling_post (f, sid, packet, -1);
  g_autoptr(TestHttp) get = NULL;

  g_assert_cmpuint (post->status, ==, 200);
  g_assert_cmpstr (post->text, ==, "ok");

  get = test_polling_get (f, sid);
  g_assert_cmpuint (get->status, ==, 200);
  g_assert_cmpstr (get->text, ==, packet);
}

TestWs *
test_ws_open_session (EngineFixture  *f,
                      char          **sid,
                      JsonObject    **open_packet)
{
  g_autofree char *url = engine_fixture_url (f, TRUE, "EIO=4&transport=websocket");
  g_autoptr(JsonObject) object = NULL;
  g_autofree char *text = NULL;
  TestWs *ws;

  ws = test_ws_connect (f->session, url);
  g_assert_no_error (ws->connect_error);
  g_assert_nonnull (ws->conn);

  text = test_ws_next_text (ws);
  object = test_parse_open_packet (text, strlen (text));

  if (sid != NULL)
    *sid = g_strdup (json_object_get_string_member (object, "sid"));
  if (open_packet != NULL)
    *open_packet = g_steal_pointer (&object);

  return ws;
}

void
test_ws_echo (TestWs     *ws,
              const char *text)
{
  g_autofree char *packet = g_strconcat ("4", text, NULL);
  g_autofree char *reply = NULL;

  test_ws_send_text (ws, packet);
  reply = test_ws_next_text (ws);
  g_assert_cmpstr (reply, ==, packet);
}
