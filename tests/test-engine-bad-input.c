/* test-engine-bad-input.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Hostile and broken peers. Each test keeps a well-behaved WebSocket session open on the same
 * server and proves at the end that it, and a fresh polling session, still work.
 */

#include "config.h"

#include "test-utils.h"

#include <string.h>

#ifdef G_OS_UNIX
# include <sys/resource.h>
#endif

/* The control client does not answer pings: keep the heartbeat out of these tests' way. */
static const EngineConfig quiet_config = {
  .ping_interval = 600000,
  .ping_timeout = 600000,
};
static const EngineConfig small_payload_config = {
  .ping_interval = 600000,
  .ping_timeout = 600000,
  .max_payload = 1000,
};

typedef struct
{
  TestWs *ws;
  char   *sid;
} Control;

static void
control_free (Control *control)
{
  g_clear_pointer (&control->ws, test_ws_free);
  g_clear_pointer (&control->sid, g_free);
  g_free (control);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Control, control_free)

static Control *
control_open (EngineFixture *f)
{
  Control *control = g_new0 (Control, 1);

  control->ws = test_ws_open_session (f, &control->sid, NULL);
  return control;
}

/* The server survived: the control session echoes and was never closed, and a new polling
 * session can be opened and used. */
static void
assert_server_fine (EngineFixture *f,
                    Control       *control)
{
  EnginePeer *peer = engine_fixture_find_peer (f, control->sid);
  g_autofree char *sid = NULL;

  test_ws_echo (control->ws, "control still works");
  g_assert_cmpuint (peer->n_closed, ==, 0);
  g_assert_false (control->ws->closed);

  sid = test_polling_handshake (f, NULL);
  test_polling_echo (f, sid, "fresh session works");
}

static void
raw_http_request (TestRaw    *raw,
                  GUri       *base,
                  const char *method,
                  const char *target,
                  const char *extra_headers)
{
  g_autofree char *request = g_strdup_printf ("%s %s HTTP/1.1\r\n"
                                              "Host: %s:%d\r\n"
                                              "%s"
                                              "\r\n",
                                              method, target, g_uri_get_host (base),
                                              g_uri_get_port (base),
                                              extra_headers ? extra_headers : "");

  test_raw_write_str (raw, request);
}

/* --- polling --------------------------------------------------------------------------- */

typedef struct
{
  const char *body;
  gssize      len;
} BadBody;

static const BadBody bad_bodies[] = {
  { "abc", -1 },
  { "", 0 },
  { "\x1e", -1 },
  { "4a\x1e\x1e" "4b", -1 },
  { "4a\x1e", -1 },
  { "9x", -1 },
  { "7", -1 },
  { "8", -1 },
  { " 4x", -1 },
  { "b!!!", -1 },
  { "bAQ*DBA==", -1 },
  { "\xff\xfe", -1 },
  { "4\xff\xfe", -1 },
  { "4a\x1e" "9x", -1 },
  { "\0\x01\x02", 3 },
  { "\0" "4a", 3 },
};

static void
test_garbage_post_bodies (EngineFixture *f,
                          gconstpointer  data)
{
  g_autoptr(Control) control = control_open (f);

  for (guint i = 0; i < G_N_ELEMENTS (bad_bodies); i++)
    {
      g_autofree char *sid = test_polling_handshake (f, NULL);
      EnginePeer *peer = engine_fixture_find_peer (f, sid);
      g_autoptr(TestHttp) post = NULL;
      g_autoptr(TestHttp) get = NULL;

      g_test_message ("body %u", i);
      post = test_polling_post (f, sid, bad_bodies[i].body, bad_bodies[i].len);
      g_assert_cmpuint (post->status, ==, 400);
      WAIT_FOR (peer->n_closed == 1);
      g_assert_cmpint (peer->reason, ==, SIO_ENGINE_CLOSE_PARSE_ERROR);

      get = test_polling_get (f, sid);
      test_assert_http_error (get, 400, 1, "Session ID unknown");
    }

  assert_server_fine (f, control);
}

static void
test_garbage_websocket_frames (EngineFixture *f,
                               gconstpointer  data)
{
  static const char * const frames[] = {
    "abc", "", "9x", "7", "8", " 4x", "b!!!", "bAQ*DBA==", "\x1e", "\x1e" "4a",
  };
  g_autoptr(Control) control = control_open (f);

  for (guint i = 0; i < G_N_ELEMENTS (frames); i++)
    {
      g_autofree char *sid = NULL;
      g_autoptr(TestWs) ws = test_ws_open_session (f, &sid, NULL);
      EnginePeer *peer = engine_fixture_find_peer (f, sid);

      g_test_message ("frame %u", i);
      test_ws_send_text (ws, frames[i]);
      test_ws_wait_closed (ws);
      WAIT_FOR (peer->n_closed == 1);
      g_assert_cmpint (peer->reason, ==, SIO_ENGINE_CLOSE_PARSE_ERROR);
      g_assert_cmpuint (peer->messages->len, ==, 0);
    }

  assert_server_fine (f, control);
}

static void
test_client_noop (EngineFixture *f,
                  gconstpointer  data)
{
  g_autoptr(Control) control = control_open (f);
  g_autofree char *sid = test_polling_handshake (f, NULL);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);
  g_autoptr(TestHttp) post = test_polling_post (f, sid, "6", -1);

  /* A noop from the client is valid and means nothing. */
  g_assert_cmpuint (post->status, ==, 200);
  g_assert_cmpstr (post->text, ==, "ok");
  test_ws_send_text (control->ws, "6");
  test_polling_echo (f, sid, "after noop");
  g_assert_cmpuint (peer->n_closed, ==, 0);
  assert_server_fine (f, control);
}

static void
test_wrong_sid (EngineFixture *f,
                gconstpointer  data)
{
  g_autoptr(Control) control = control_open (f);
  g_autofree char *sid = test_polling_handshake (f, NULL);
  g_autofree char *near = g_strdup (sid);
  g_autofree char *long_sid = g_malloc (2001);
  g_autofree char *closed_sid = test_polling_handshake (f, NULL);
  const char *sids[8];

  near[0] = near[0] == 'A' ? 'B' : 'A';
  memset (long_sid, 'a', 2000);
  long_sid[2000] = '\0';

  {
    g_autoptr(TestHttp) close = test_polling_post (f, closed_sid, "1", -1);

    g_assert_cmpuint (close->status, ==, 200);
    WAIT_FOR (engine_fixture_find_peer (f, closed_sid)->n_closed == 1);
  }

  sids[0] = "AAAAAAAAAAAAAAAAAAAA";
  sids[1] = "x";
  sids[2] = long_sid;
  sids[3] = "%00";
  sids[4] = "..%2F..%2Fetc";
  sids[5] = near;
  sids[6] = closed_sid;
  sids[7] = control->sid;        /* a WebSocket session: polling is a transport mismatch */

  for (guint i = 0; i < G_N_ELEMENTS (sids); i++)
    {
      g_autoptr(TestHttp) get = test_polling_get (f, sids[i]);
      g_autoptr(TestHttp) post = test_polling_post (f, sids[i], "4hello", -1);

      g_test_message ("sid %u", i);
      if (i == 7)
        {
          test_assert_http_error (get, 400, 3, "Bad request");
          test_assert_http_error (post, 400, 3, "Bad request");
        }
      else
        {
          test_assert_http_error (get, 400, 1, "Session ID unknown");
          test_assert_http_error (post, 400, 1, "Session ID unknown");
        }
    }

  /* Upgrades with a wrong sid are refused too. */
  for (guint i = 0; i < 7; i++)
    {
      g_autofree char *url = engine_fixture_sid_url (f, TRUE, sids[i]);
      g_autoptr(TestWs) ws = test_ws_connect (f->session, url);

      g_assert_null (ws->conn);
    }

  test_polling_echo (f, sid, "right sid");
  g_assert_cmpuint (engine_fixture_find_peer (f, control->sid)->messages->len, ==, 0);
  assert_server_fine (f, control);
}

static void
test_query_garbage (EngineFixture *f,
                    gconstpointer  data)
{
  static const char * const targets[] = {
    "/engine.io/?EIO=4&transport=polling&sid=%zz",
    "/engine.io/?%%%%",
    "/engine.io/?\xff\xfe=\xff",
  };
  g_autoptr(Control) control = control_open (f);
  guint n_peers = f->peers->len;

  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      g_autoptr(TestRaw) raw = test_raw_connect (f->base);
      guint status;

      g_test_message ("target %u", i);
      raw_http_request (raw, f->base, "GET", targets[i], "Connection: close\r\n");
      status = test_raw_read_http_response (raw, NULL, NULL);
      /* Refused by libsoup or by the engine; never a session. */
      g_assert_cmpuint (status, >=, 400);
      g_assert_cmpuint (status, <, 500);
    }

  g_assert_cmpuint (f->peers->len, ==, n_peers);
  assert_server_fine (f, control);
}

static void
test_query_nul (EngineFixture *f,
                gconstpointer  data)
{
  g_autoptr(Control) control = control_open (f);
  g_autoptr(TestRaw) raw = test_raw_connect (f->base);
  g_autofree char *body = NULL;
  guint n_peers = f->peers->len;
  guint status;

  /* "polling\0" is not "polling" (the reference compares whole strings). */
  raw_http_request (raw, f->base, "GET", "/engine.io/?EIO=4&transport=polling%00",
                    "Connection: close\r\n");
  status = test_raw_read_http_response (raw, NULL, &body);
  g_test_message ("answer %u: %s", status, body);
  g_assert_cmpuint (status, ==, 400);
  g_assert_cmpuint (f->peers->len, ==, n_peers);
  assert_server_fine (f, control);
}

static void
test_post_10mb (EngineFixture *f,
                gconstpointer  data)
{
  const gsize size = 10 * 1024 * 1024;
  g_autoptr(Control) control = control_open (f);
  g_autofree char *sid = test_polling_handshake (f, NULL);
  g_autofree char *target = g_strdup_printf ("/engine.io/?EIO=4&transport=polling&sid=%s", sid);
  g_autofree char *headers = g_strdup_printf ("Content-Type: text/plain;charset=UTF-8\r\n"
                                              "Content-Length: %" G_GSIZE_FORMAT "\r\n",
                                              size);
  g_autoptr(TestRaw) raw = test_raw_connect (f->base);
  g_autofree char *body = g_malloc (size);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);
  guint status;

  body[0] = '4';
  memset (body + 1, 'z', size - 1);

  raw_http_request (raw, f->base, "POST", target, headers);
  test_raw_write (raw, body, size);

  /* The server may answer before reading it all, and hang up. */
  status = test_raw_read_http_response (raw, NULL, NULL);
  g_assert_cmpuint (status, ==, 413);
  g_assert_cmpuint (peer->messages->len, ==, 0);

  g_clear_pointer (&raw, test_raw_free);
  assert_server_fine (f, control);
}

static void
test_post_chunked_too_large (EngineFixture *f,
                             gconstpointer  data)
{
  g_autoptr(Control) control = control_open (f);
  g_autofree char *sid = test_polling_handshake (f, NULL);
  g_autofree char *target = g_strdup_printf ("/engine.io/?EIO=4&transport=polling&sid=%s", sid);
  g_autoptr(TestRaw) raw = test_raw_connect (f->base);
  g_autofree char *chunk = g_malloc (65536);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);
  guint status;

  memset (chunk, 'q', 65536);
  chunk[0] = '4';

  /* No Content-Length to check up front: the limit must hold while the body streams in. */
  raw_http_request (raw, f->base, "POST", target,
                    "Content-Type: text/plain;charset=UTF-8\r\n"
                    "Transfer-Encoding: chunked\r\n");
  for (guint i = 0; i < 32; i++)
    {
      test_raw_write_str (raw, "10000\r\n");
      test_raw_write (raw, chunk, 65536);
      test_raw_write_str (raw, "\r\n");
      chunk[0] = 'q';
    }
  test_raw_write_str (raw, "0\r\n\r\n");

  status = test_raw_read_http_response (raw, NULL, NULL);
  g_assert_cmpuint (status, ==, 413);
  g_assert_cmpuint (peer->messages->len, ==, 0);

  g_clear_pointer (&raw, test_raw_free);
  assert_server_fine (f, control);
}

static void
test_truncated_post (EngineFixture *f,
                     gconstpointer  data)
{
  g_autoptr(Control) control = control_open (f);
  g_autofree char *sid = test_polling_handshake (f, NULL);
  g_autofree char *target = g_strdup_printf ("/engine.io/?EIO=4&transport=polling&sid=%s", sid);
  g_autoptr(TestRaw) raw = test_raw_connect (f->base);
  EnginePeer *peer = engine_fixture_find_peer (f, sid);

  /* 100 bytes announced, 6 sent, then the client goes away. */
  raw_http_request (raw, f->base, "POST", target,
                    "Content-Type: text/plain;charset=UTF-8\r\nContent-Length: 100\r\n");
  test_raw_write_str (raw, "4hello");
  test_raw_flush (raw);
  g_clear_pointer (&raw, test_raw_free);

  /* The half message is never delivered. The reference ends the session with "transport
   * error"; keeping it open is as safe, but then it must still work. */
  assert_server_fine (f, control);
  g_assert_cmpuint (peer->messages->len, ==, 0);
  if (peer->n_closed > 0)
    g_assert_cmpint (peer->reason, ==, SIO_ENGINE_CLOSE_TRANSPORT_ERROR);
  else
    test_polling_echo (f, sid, "survived");
}

static void
test_truncated_requests (EngineFixture *f,
                         gconstpointer  data)
{
  static const char * const partials[] = {
    "G",
    "GET /engine.io/?EIO=4&transport=pol",
    "GET /engine.io/?EIO=4&transport=polling HTTP/1.1\r\n",
    "GET /engine.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: b",
    "GET /engine.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
    "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n",
  };
  g_autoptr(Control) control = control_open (f);
  guint n_peers = f->peers->len;

  for (guint i = 0; i < G_N_ELEMENTS (partials); i++)
    {
      g_autoptr(TestRaw) raw = test_raw_connect (f->base);

      test_raw_write_str (raw, partials[i]);
      test_raw_flush (raw);
    }

  g_assert_cmpuint (f->peers->len, ==, n_peers);
  assert_server_fine (f, control);
  g_assert_cmpuint (f->peers->len, ==, n_peers + 1);
}

static void
test_garbage_http (EngineFixture *f,
                   gconstpointer  data)
{
  static const struct {
    const char *bytes;
    gsize len;
  } garbage[] = {
    { "\0\x01\x02garbage\r\n\r\n", 14 },
    { "GET / HTTP/9.9\r\n\r\n", 0 },
    { "\r\n\r\n\r\n\r\n", 0 },
    { "POST /engine.io/?EIO=4&transport=polling HTTP/1.1\r\nContent-Length: -5\r\n\r\n", 0 },
  };
  g_autoptr(Control) control = control_open (f);
  g_autoptr(GString) big = g_string_new ("GET /engine.io/?EIO=4&transport=polling HTTP/1.1\r\n");
  guint n_peers = f->peers->len;

  for (guint i = 0; i < G_N_ELEMENTS (garbage); i++)
    {
      g_autoptr(TestRaw) raw = test_raw_connect (f->base);
      gsize len = garbage[i].len ? garbage[i].len : strlen (garbage[i].bytes);

      g_test_message ("garbage %u", i);
      test_raw_write (raw, garbage[i].bytes, len);
      /* Whatever the answer, the server ends these connections itself. */
      test_raw_wait_closed (raw);
    }

  g_assert_cmpuint (f->peers->len, ==, n_peers);

  /* Half a megabyte of headers on a valid handshake: refused or served, the server copes. */
  for (guint i = 0; i < 8192; i++)
    g_string_append_printf (big, "X-Filler-%u: %s\r\n", i, "0123456789012345678901234567890123");
  g_string_append (big, "Connection: close\r\n\r\n");
  {
    g_autoptr(TestRaw) raw = test_raw_connect (f->base);
    guint status;

    test_raw_write (raw, big->str, big->len);
    status = test_raw_read_http_response (raw, NULL, NULL);
    g_test_message ("half a megabyte of headers: answered %u", status);
  }

  assert_server_fine (f, control);
}

static guint
raise_fd_limit (guint wanted)
{
#ifdef G_OS_UNIX
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) == 0)
    {
      if (limit.rlim_cur < wanted && limit.rlim_max != RLIM_INFINITY)
        limit.rlim_cur = MIN ((rlim_t) wanted, limit.rlim_max);
      else if (limit.rlim_cur < wanted)
        limit.rlim_cur = wanted;
      setrlimit (RLIMIT_NOFILE, &limit);
      getrlimit (RLIMIT_NOFILE, &limit);
      return limit.rlim_cur;
    }
#endif

  return wanted;
}

static void
test_half_open_requests (EngineFixture *f,
                         gconstpointer  data)
{
  g_autoptr(Control) control = control_open (f);
  g_autoptr(GPtrArray) raws = g_ptr_array_new_with_free_func ((GDestroyNotify) test_raw_free);
  guint n_connections = 1000;
  guint fd_limit;
  guint n_peers = f->peers->len;

  /* Client and server ends both live in this process. */
  fd_limit = raise_fd_limit (2 * n_connections + 200);
  if (fd_limit < 2 * n_connections + 200)
    {
      n_connections = (fd_limit - 200) / 2;
      g_test_message ("file descriptor limit %u: only %u connections", fd_limit, n_connections);
    }

  /* One connect at a time: libsoup listens with a short backlog and accepts on our own loop,
   * so a burst of SYNs would be dropped and retried a second later. */
  for (guint i = 0; i < n_connections; i++)
    {
      TestRaw *raw = test_raw_connect_begin (f->base);

      g_ptr_array_add (raws, raw);
      if (i % 2 == 0)
        test_raw_write_str (raw, "GET /engine.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.");
      else
        test_raw_write_str (raw, "POST /engine.io/?EIO=4&transport=polling&sid=");
      WAIT_FOR (raw->connect_done);
    }
  for (guint i = 0; i < raws->len; i++)
    {
      TestRaw *raw = g_ptr_array_index (raws, i);

      WAIT_FOR (raw->connect_done);
      g_assert_no_error (raw->connect_error);
      test_raw_flush (raw);
      g_assert_no_error (raw->write_error);
    }

  /* All of them are still open and pending while normal clients come and go. */
  assert_server_fine (f, control);
  {
    g_autoptr(TestWs) ws = test_ws_open_session (f, NULL, NULL);

    test_ws_echo (ws, "among the half-open");
  }
  {
    guint n_open = 0;

    /* A server may drop slow requests after a while (Node: headersTimeout); it need not. */
    for (guint i = 0; i < raws->len; i++)
      n_open += !test_raw_is_finished (g_ptr_array_index (raws, i));
    g_test_message ("%u of %u half-open requests still open", n_open, raws->len);
  }

  g_assert_cmpuint (f->peers->len, ==, n_peers + 2);
  g_ptr_array_set_size (raws, 0);
  WAIT_FOR (test_raw_get_n_alive () == 0);
  assert_server_fine (f, control);
}

/* --- WebSocket ------------------------------------------------------------------------- */

/* A raw WebSocket session with its open packet read. */
static TestRaw *
raw_ws_session (EngineFixture  *f,
                EnginePeer    **peer)
{
  TestRaw *raw = test_raw_ws_connect (f->base, NULL, "EIO=4&transport=websocket");
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(JsonObject) open = NULL;
  guint8 first_byte = 0;

  g_assert_true (test_raw_ws_next_frame (raw, &first_byte, &payload));
  g_assert_cmpint (first_byte, ==, 0x81);
  open = test_parse_open_packet (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload));
  *peer = engine_fixture_find_peer (f, json_object_get_string_member (open, "sid"));
  return raw;
}

static void
test_masked_frames_work (EngineFixture *f,
                         gconstpointer  data)
{
  g_autoptr(Control) control = control_open (f);
  EnginePeer *peer = NULL;
  g_autoptr(TestRaw) raw = raw_ws_session (f, &peer);
  g_autoptr(GBytes) echo = NULL;
  guint8 first_byte = 0;

  /* The positive control for the raw frames below. */
  test_raw_ws_send (raw, 0x81, "4hello", -1);
  g_assert_true (test_raw_ws_next_frame (raw, &first_byte, &echo));
  g_assert_cmpint (first_byte, ==, 0x81);
  g_assert_cmpmem (g_bytes_get_data (echo, NULL), g_bytes_get_size (echo), "4hello", 6);

  /* A client close frame: the server answers it and hangs up. */
  test_raw_ws_send (raw, 0x88, "\x03\xe8", 2);
  g_assert_true (test_raw_ws_next_frame (raw, &first_byte, NULL));
  g_assert_cmpint (first_byte, ==, 0x88);
  test_raw_wait_closed (raw);
  WAIT_FOR (peer->n_closed == 1);
  g_assert_cmpint (peer->reason, ==, SIO_ENGINE_CLOSE_TRANSPORT_CLOSE);

  assert_server_fine (f, control);
}

static void
test_unmasked_frame (EngineFixture *f,
                     gconstpointer  data)
{
  g_autoptr(Control) control = control_open (f);
  EnginePeer *peer = NULL;
  g_autoptr(TestRaw) raw = raw_ws_session (f, &peer);
  g_autoptr(GBytes) frame = test_ws_frame_build (0x81, FALSE, "4hello", 6);
  g_autoptr(GPtrArray) frames = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  /* Clients MUST mask (RFC 6455 section 5.1): protocol error 1002. */
  test_raw_write (raw, g_bytes_get_data (frame, NULL), g_bytes_get_size (frame));
  g_assert_cmpint (test_raw_ws_wait_close_code (raw, frames), ==, 1002);
  g_assert_cmpuint (frames->len, ==, 0);

  WAIT_FOR (peer->n_closed == 1);
  g_assert_cmpint (peer->reason, ==, SIO_ENGINE_CLOSE_TRANSPORT_ERROR);
  g_assert_cmpuint (peer->messages->len, ==, 0);
  assert_server_fine (f, control);
}

static void
test_frame_declared_too_large (EngineFixture *f,
                               gconstpointer  data)
{
  g_autoptr(Control) control = control_open (f);
  EnginePeer *peer = NULL;
  g_autoptr(TestRaw) raw = raw_ws_session (f, &peer);
  /* FIN text, masked, 64-bit length 10 MiB, mask key, then only a few payload bytes. */
  static const guint8 header[] = {
    0x81, 0xff, 0, 0, 0, 0, 0, 0xa0, 0, 0, 1, 2, 3, 4, '4' ^ 1, 'x' ^ 2,
  };

  /* The server must not wait for 10 MiB it will never accept: close 1009 at once. */
  test_raw_write (raw, header, sizeof header);
  g_assert_cmpint (test_raw_ws_wait_close_code (raw, NULL), ==, 1009);
  WAIT_FOR (peer->n_closed == 1);
  g_assert_cmpint (peer->reason, ==, SIO_ENGINE_CLOSE_PAYLOAD_TOO_LARGE);
  assert_server_fine (f, control);
}

static void
test_frame_over_limit_streamed (EngineFixture *f,
                                gconstpointer  data)
{
  g_autoptr(Control) control = control_open (f);
  EnginePeer *peer = NULL;
  g_autoptr(TestRaw) raw = raw_ws_session (f, &peer);
  g_autofree char *payload = g_malloc (1001);

  /* Small limit, a frame of 1001 bytes sent in full; also as fragments adding up past it. */
  payload[0] = '4';
  memset (payload + 1, 'p', 1000);
  test_raw_ws_send (raw, 0x81, payload, 1001);
  g_assert_cmpint (test_raw_ws_wait_close_code (raw, NULL), ==, 1009);
  WAIT_FOR (peer->n_closed == 1);
  g_assert_cmpint (peer->reason, ==, SIO_ENGINE_CLOSE_PAYLOAD_TOO_LARGE);

  {
    EnginePeer *peer2 = NULL;
    g_autoptr(TestRaw) raw2 = raw_ws_session (f, &peer2);

    for (guint i = 0; i < 3; i++)
      test_raw_ws_send (raw2, i == 0 ? 0x01 : 0x00, payload, 400);
    test_raw_ws_send (raw2, 0x80, payload, 10);
    g_assert_cmpint (test_raw_ws_wait_close_code (raw2, NULL), ==, 1009);
    WAIT_FOR (peer2->n_closed == 1);
    g_assert_cmpint (peer2->reason, ==, SIO_ENGINE_CLOSE_PAYLOAD_TOO_LARGE);
    g_assert_cmpuint (peer2->messages->len, ==, 0);
  }

  assert_server_fine (f, control);
}

static void
test_websocket_protocol_errors (EngineFixture *f,
                                gconstpointer  data)
{
  static const struct {
    const char *name;
    guint8 first_bytes[2];
    const char *payloads[2];
    gssize lens[2];
    guint n_frames;
    int close_code;
  } cases[] = {
    { "rsv1 without extension", { 0xc1 }, { "4a" }, { -1 }, 1, 1002 },
    { "rsv3", { 0x91 }, { "4a" }, { -1 }, 1, 1002 },
    { "reserved opcode 3", { 0x83 }, { "4a" }, { -1 }, 1, 1002 },
    { "reserved control opcode b", { 0x8b }, { "" }, { 0 }, 1, 1002 },
    { "fragmented ping", { 0x09 }, { "p" }, { -1 }, 1, 1002 },
    { "continuation first", { 0x80 }, { "4a" }, { -1 }, 1, 1002 },
    { "text inside fragmented text", { 0x01, 0x81 }, { "4a", "4b" }, { -1, -1 }, 2, 1002 },
    { "invalid utf-8 text", { 0x81 }, { "4\xff\xfe" }, { -1 }, 1, 1007 },
    { "invalid utf-8 fragments", { 0x01, 0x80 }, { "4\xe2\x98", "\x28" }, { -1, -1 }, 2, 1007 },
  };
  g_autoptr(Control) control = control_open (f);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      EnginePeer *peer = NULL;
      g_autoptr(TestRaw) raw = raw_ws_session (f, &peer);

      g_test_message ("case: %s", cases[i].name);
      for (guint j = 0; j < cases[i].n_frames; j++)
        test_raw_ws_send (raw, cases[i].first_bytes[j], cases[i].payloads[j], cases[i].lens[j]);

      g_assert_cmpint (test_raw_ws_wait_close_code (raw, NULL), ==, cases[i].close_code);
      WAIT_FOR (peer->n_closed == 1);
      g_assert_cmpint (peer->reason, ==, SIO_ENGINE_CLOSE_TRANSPORT_ERROR);
      g_assert_cmpuint (peer->messages->len, ==, 0);
    }

  /* A ping with more than 125 bytes of data. */
  {
    EnginePeer *peer = NULL;
    g_autoptr(TestRaw) raw = raw_ws_session (f, &peer);
    char big[126];

    memset (big, 'p', sizeof big);
    test_raw_ws_send (raw, 0x89, big, sizeof big);
    g_assert_cmpint (test_raw_ws_wait_close_code (raw, NULL), ==, 1002);
    WAIT_FOR (peer->n_closed == 1);
  }

  assert_server_fine (f, control);
}

static void
test_bad_close_frames (EngineFixture *f,
                       gconstpointer  data)
{
  static const struct {
    const char *name;
    const char *payload;
    gsize len;
  } cases[] = {
    { "1-byte body", "\x03", 1 },
    { "code 999", "\x03\xe7", 2 },
    { "code 1005", "\x03\xed", 2 },
    { "code 1006", "\x03\xee", 2 },
    { "invalid utf-8 reason", "\x03\xe8\xff", 3 },
  };
  g_autoptr(Control) control = control_open (f);

  /* RFC 6455 section 7.4: these are protocol errors (1002), not orderly closes; the
   * reference's ws library fails the connection, so the session ends with "transport
   * error". */
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      EnginePeer *peer = NULL;
      g_autoptr(TestRaw) raw = raw_ws_session (f, &peer);

      g_test_message ("close frame: %s", cases[i].name);
      test_raw_ws_send (raw, 0x88, cases[i].payload, cases[i].len);
      g_assert_cmpint (test_raw_ws_wait_close_code (raw, NULL), ==,
                       g_str_equal (cases[i].name, "invalid utf-8 reason") ? 1007 : 1002);
      WAIT_FOR (peer->n_closed == 1);
      g_assert_cmpint (peer->reason, ==, SIO_ENGINE_CLOSE_TRANSPORT_ERROR);
    }

  assert_server_fine (f, control);
}

static void
test_truncated_frames (EngineFixture *f,
                       gconstpointer  data)
{
  static const guint8 half_header[] = { 0x81 };
  static const guint8 half_payload[] = { 0x81, 0x86, 1, 2, 3, 4, '4' ^ 1, 'h' ^ 2 };
  static const guint8 half_mask[] = { 0x81, 0x86, 1, 2 };
  const struct {
    const guint8 *bytes;
    gsize len;
  } cases[] = {
    { half_header, sizeof half_header },
    { half_payload, sizeof half_payload },
    { half_mask, sizeof half_mask },
  };
  g_autoptr(Control) control = control_open (f);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      EnginePeer *peer = NULL;
      g_autoptr(TestRaw) raw = raw_ws_session (f, &peer);

      /* Part of a frame, then the client vanishes. */
      test_raw_write (raw, cases[i].bytes, cases[i].len);
      test_raw_flush (raw);
      g_clear_pointer (&raw, test_raw_free);

      WAIT_FOR (peer->n_closed == 1);
      g_assert_true (peer->reason == SIO_ENGINE_CLOSE_TRANSPORT_CLOSE
                     || peer->reason == SIO_ENGINE_CLOSE_TRANSPORT_ERROR);
      g_assert_cmpuint (peer->messages->len, ==, 0);
    }

  assert_server_fine (f, control);
}

static void
test_websocket_bad_handshakes (EngineFixture *f,
                               gconstpointer  data)
{
  static const char * const headers[] = {
    /* unsupported version */
    "Upgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 99\r\n",
    /* no key */
    "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n",
    /* a key that is not 16 bytes of base64 */
    "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: short\r\n"
    "Sec-WebSocket-Version: 13\r\n",
  };
  g_autoptr(Control) control = control_open (f);
  guint n_peers = f->peers->len;

  for (guint i = 0; i < G_N_ELEMENTS (headers); i++)
    {
      g_autoptr(TestRaw) raw = test_raw_connect (f->base);
      guint status;

      g_test_message ("handshake %u", i);
      raw_http_request (raw, f->base, "GET", "/engine.io/?EIO=4&transport=websocket", headers[i]);
      status = test_raw_read_http_response (raw, NULL, NULL);
      g_assert_cmpuint (status, >=, 400);
      g_assert_cmpuint (status, <, 500);
    }

  g_assert_cmpuint (f->peers->len, ==, n_peers);
  assert_server_fine (f, control);
}

static void
test_random_post_bodies (EngineFixture *f,
                         gconstpointer  data)
{
  g_autoptr(Control) control = control_open (f);

  /* Seeded by GTest (--seed), so a failure can be replayed. */
  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *sid = test_polling_handshake (f, NULL);
      EnginePeer *peer = engine_fixture_find_peer (f, sid);
      guint len = g_test_rand_int_range (0, 64);
      g_autofree char *body = g_malloc (len + 1);
      g_autoptr(TestHttp) post = NULL;

      for (guint j = 0; j < len; j++)
        body[j] = g_test_rand_int_range (0, 256);
      post = test_polling_post (f, sid, body, len);

      /* Either accepted or a parse error that ends the session; never anything else. An
       * accepted body may itself end the session: a close packet ("1"), or a ping ("2"),
       * which a v4 client must not send. */
      if (post->status == 200)
        {
          g_assert_cmpstr (post->text, ==, "ok");
          if (peer->n_closed != 0)
            g_assert_true (peer->reason == SIO_ENGINE_CLOSE_TRANSPORT_CLOSE ||
                           peer->reason == SIO_ENGINE_CLOSE_TRANSPORT_ERROR);
        }
      else
        {
          g_assert_cmpuint (post->status, ==, 400);
          WAIT_FOR (peer->n_closed == 1);
          g_assert_cmpint (peer->reason, ==, SIO_ENGINE_CLOSE_PARSE_ERROR);
        }
    }

  assert_server_fine (f, control);
}

static void
test_random_frames (EngineFixture *f,
                    gconstpointer  data)
{
  g_autoptr(Control) control = control_open (f);

  for (guint i = 0; i < 60; i++)
    {
      EnginePeer *peer = NULL;
      g_autoptr(TestRaw) raw = raw_ws_session (f, &peer);
      guint len = g_test_rand_int_range (0, 300);
      g_autofree guint8 *bytes = g_malloc (len + 1);

      /* Random bytes straight onto the wire after the handshake. */
      for (guint j = 0; j < len; j++)
        bytes[j] = g_test_rand_int_range (0, 256);
      test_raw_write (raw, bytes, len);
      test_raw_flush (raw);
      g_clear_pointer (&raw, test_raw_free);

      WAIT_FOR (peer->n_closed == 1);
    }

  assert_server_fine (f, control);
}

#define ADD(path, func, config) \
  g_test_add ("/sio/engine/bad-input/" path, EngineFixture, config, engine_fixture_setup, func, \
              engine_fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("polling/garbage-bodies", test_garbage_post_bodies, &quiet_config);
  ADD ("polling/client-noop", test_client_noop, &quiet_config);
  ADD ("polling/wrong-sid", test_wrong_sid, &quiet_config);
  ADD ("polling/query-garbage", test_query_garbage, &quiet_config);
  ADD ("polling/query-nul", test_query_nul, &quiet_config);
  ADD ("polling/post-10mb", test_post_10mb, &quiet_config);
  ADD ("polling/post-chunked-too-large", test_post_chunked_too_large, &quiet_config);
  ADD ("polling/truncated-post", test_truncated_post, &quiet_config);
  ADD ("polling/random-bodies", test_random_post_bodies, &quiet_config);
  ADD ("http/truncated-requests", test_truncated_requests, &quiet_config);
  ADD ("http/garbage", test_garbage_http, &quiet_config);
  ADD ("http/half-open-requests", test_half_open_requests, &quiet_config);
  ADD ("websocket/garbage-frames", test_garbage_websocket_frames, &quiet_config);
  ADD ("websocket/masked-frames-work", test_masked_frames_work, &quiet_config);
  ADD ("websocket/unmasked-frame", test_unmasked_frame, &quiet_config);
  ADD ("websocket/frame-declared-too-large", test_frame_declared_too_large, &quiet_config);
  ADD ("websocket/frame-over-limit", test_frame_over_limit_streamed, &small_payload_config);
  ADD ("websocket/protocol-errors", test_websocket_protocol_errors, &quiet_config);
  ADD ("websocket/bad-close-frames", test_bad_close_frames, &quiet_config);
  ADD ("websocket/truncated-frames", test_truncated_frames, &quiet_config);
  ADD ("websocket/bad-handshakes", test_websocket_bad_handshakes, &quiet_config);
  ADD ("websocket/random-bytes", test_random_frames, &quiet_config);

  return g_test_run ();
}
