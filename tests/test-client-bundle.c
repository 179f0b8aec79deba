/* test-client-bundle.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "sio-client-bundle.h"
#include "sio-http-private.h"
#include "test-utils.h"

#include <string.h>

#define CONTENT_TYPE_JS  "application/javascript; charset=utf-8"
#define CONTENT_TYPE_MAP "application/json; charset=utf-8"

/* What the stand-in for the Socket.IO server's handler answers: nothing we send ourselves. */
#define OTHER_STATUS SOUP_STATUS_ACCEPTED

static const struct
{
  const char *name;
  const char *content_type;
} files[] = {
  { "socket.io.js", CONTENT_TYPE_JS },
  { "socket.io.js.map", CONTENT_TYPE_MAP },
  { "socket.io.min.js", CONTENT_TYPE_JS },
  { "socket.io.min.js.map", CONTENT_TYPE_MAP },
  { "socket.io.esm.min.js", CONTENT_TYPE_JS },
  { "socket.io.esm.min.js.map", CONTENT_TYPE_MAP },
};

typedef struct
{
  SoupServer  *soup;
  SioHttpListener *listener;
  GUri        *base;       /* http://127.0.0.1:<port>/ */
  SoupSession *session;
  guint        n_other;    /* requests the stand-in for the Socket.IO server's handler got */
} Fixture;

/* The handler a SioServer would register at its path, shorter than the bundle's file paths. */
static void
other_handler (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  Fixture *f = user_data;

  f->n_other++;
  soup_server_message_set_status (msg, OTHER_STATUS, NULL);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gboolean with_other = GPOINTER_TO_INT (data);

  f->soup = soup_server_new (NULL, NULL);
  if (with_other)
    soup_server_add_handler (f->soup, "/socket.io", other_handler, f, NULL);

  g_assert_true (sio_client_bundle_attach (f->soup, "/socket.io/", &error));
  g_assert_no_error (error);

  f->listener = test_listen_local (f->soup, 0, &f->base);

  /* We check the bytes on the wire: the session must not undo the gzip for us, nor ask for it. */
  f->session = soup_session_new ();
  soup_session_remove_feature_by_type (f->session, SOUP_TYPE_CONTENT_DECODER);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  soup_session_abort (f->session);
  WAIT_FOR (test_http_get_n_pending () == 0 && test_raw_get_n_alive () == 0);
  g_assert_finalize_object (f->session);
  f->session = NULL;

  g_clear_object (&f->listener);
  soup_server_disconnect (f->soup);
  test_drain_main_context ();
  g_assert_finalize_object (f->soup);
  f->soup = NULL;
  test_drain_main_context ();

  g_clear_pointer (&f->base, g_uri_unref);

  /* The gzip copies are process-wide; drop them so leak checkers see a clean exit. */
  _sio_http_gzip_cache_clear ();
}

static char *
fixture_url (Fixture    *f,
             const char *path)
{
  return g_strdup_printf ("http://%s:%d%s", g_uri_get_host (f->base), g_uri_get_port (f->base),
                          path);
}

/* The vendored file, straight from the source tree. */
static GBytes *
read_vendored (const char *name)
{
  g_autofree char *filename = NULL;
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  filename = g_test_build_filename (G_TEST_DIST, "..", "sio", "client-dist", name, NULL);
  g_file_get_contents (filename, &contents, &len, &error);
  g_assert_no_error (error);

  return g_bytes_new_take (contents, len);
}

static GBytes *
gunzip (GBytes *compressed)
{
  g_autoptr(GZlibDecompressor) decompressor = NULL;
  g_autoptr(GInputStream) memory = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GOutputStream) out = NULL;
  g_autoptr(GError) error = NULL;

  decompressor = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  memory = g_memory_input_stream_new_from_bytes (compressed);
  stream = g_converter_input_stream_new (memory, G_CONVERTER (decompressor));
  out = g_memory_output_stream_new_resizable ();

  g_output_stream_splice (out, stream,
                          G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                          NULL, &error);
  g_assert_no_error (error);

  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

/* Runs @method on @path with up to two extra request headers (NULL names are skipped). */
static TestHttp *
request2 (Fixture    *f,
          const char *method,
          const char *path,
          const char *name1,
          const char *value1,
          const char *name2,
          const char *value2)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *url = fixture_url (f, path);
  SoupMessageHeaders *headers;
  TestHttp *req;

  msg = soup_message_new (method, url);
  g_assert_nonnull (msg);
  headers = soup_message_get_request_headers (msg);
  if (name1 != NULL)
    soup_message_headers_replace (headers, name1, value1);
  if (name2 != NULL)
    soup_message_headers_replace (headers, name2, value2);

  req = test_http_begin_msg (f->session, msg);
  test_http_wait (req);
  g_assert_no_error (req->error);
  return req;
}

static TestHttp *
request (Fixture    *f,
         const char *method,
         const char *path,
         const char *header_name,
         const char *header_value)
{
  return request2 (f, method, path, header_name, header_value, NULL, NULL);
}

static char *
file_path (const char *name)
{
  return g_strconcat ("/socket.io/", name, NULL);
}

static char *
expected_etag (const char *name)
{
  return g_strdup_printf ("\"%s-%s\"", sio_client_bundle_get_version (), name);
}

/* Sends @request_text (which must ask for "Connection: close") over a raw connection and
 * returns everything after the response headers, to prove no body bytes were written. */
static guint
raw_exchange (Fixture     *f,
              const char  *request_text,
              char       **headers_out,
              GBytes     **after_headers)
{
  g_autoptr(TestRaw) raw = test_raw_connect (f->base);
  const char *in;
  const char *end;
  guint status = 0;

  test_raw_write_str (raw, request_text);
  test_raw_wait_closed (raw);
  g_assert_no_error (raw->read_error);

  in = (const char *) raw->in->data;
  end = g_strstr_len (in, raw->in->len, "\r\n\r\n");
  g_assert_nonnull (end);
  if (g_str_has_prefix (in, "HTTP/1.1 "))
    status = g_ascii_strtoull (in + 9, NULL, 10);

  if (headers_out != NULL)
    *headers_out = g_strndup (in, end + 2 - in);   /* keep the last line's CRLF */
  if (after_headers != NULL)
    *after_headers = g_bytes_new (end + 4, raw->in->len - (end + 4 - in));

  return status;
}

static void
test_version (void)
{
  g_autoptr(GBytes) version_file = read_vendored ("VERSION");
  g_autofree char *from_file = NULL;
  const char *version = sio_client_bundle_get_version ();
  g_autoptr(GRegex) regex = NULL;
  guint i;

  from_file = g_strstrip (g_strndup (g_bytes_get_data (version_file, NULL),
                                     g_bytes_get_size (version_file)));
  g_assert_cmpstr (version, ==, from_file);
  g_assert_true (sio_client_bundle_get_version () == version);

  regex = g_regex_new ("^[0-9]+\\.[0-9]+\\.[0-9]+$", 0, 0, NULL);
  g_assert_true (g_regex_match (regex, version, 0, NULL));

  /* The ETags say "this version's bytes": the vendored bundles must really be that version. */
  for (i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autoptr(GBytes) content = NULL;
      g_autofree char *banner = NULL;
      g_autofree char *head = NULL;

      if (!g_str_has_suffix (files[i].name, ".js"))
        continue;

      content = read_vendored (files[i].name);
      banner = g_strdup_printf (" * Socket.IO v%s\n", version);
      head = g_strndup (g_bytes_get_data (content, NULL), 200);
      g_assert_nonnull (strstr (head, banner));
    }
}

static void
test_files (Fixture       *f,
            gconstpointer  data)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = file_path (files[i].name);
      g_autofree char *etag = expected_etag (files[i].name);
      g_autoptr(GBytes) expected = read_vendored (files[i].name);
      g_autoptr(TestHttp) req = request (f, "GET", path, NULL, NULL);
      SoupMessageHeaders *headers = soup_message_get_response_headers (req->msg);

      g_test_message ("%s", path);
      g_assert_cmpuint (req->status, ==, SOUP_STATUS_OK);
      g_assert_cmpstr (test_http_get_header (req, "Content-Type"), ==, files[i].content_type);
      g_assert_cmpstr (test_http_get_header (req, "ETag"), ==, etag);
      g_assert_cmpstr (test_http_get_header (req, "Cache-Control"), ==, "public, max-age=0");
      g_assert_null (test_http_get_header (req, "Content-Encoding"));
      g_assert_true (soup_message_headers_header_contains (headers, "Vary", "Accept-Encoding"));
      g_assert_cmpint (soup_message_headers_get_content_length (headers), ==,
                       g_bytes_get_size (expected));
      g_assert_true (g_bytes_equal (req->body, expected));
    }
}

static void
test_query (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GBytes) expected = read_vendored ("socket.io.min.js");
  g_autoptr(TestHttp) req = request (f, "GET", "/socket.io/socket.io.min.js?v=4", NULL, NULL);

  /* As the reference (extractFilename() drops the query): cache busting still gets the file. */
  g_assert_cmpuint (req->status, ==, SOUP_STATUS_OK);
  g_assert_true (g_bytes_equal (req->body, expected));
}

static void
test_path_without_slash (void)
{
  g_autoptr(SoupServer) soup = soup_server_new (NULL, NULL);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GBytes) expected = read_vendored ("socket.io.js");
  g_autoptr(TestHttp) req = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autoptr(SioHttpListener) listener = NULL;
  g_autoptr(GUri) base = NULL;

  g_assert_true (sio_client_bundle_attach (soup, "/custom", &error));
  g_assert_no_error (error);
  /* Attaching again replaces the handlers instead of stacking them. */
  g_assert_true (sio_client_bundle_attach (soup, "/custom/", &error));
  g_assert_no_error (error);
  listener = test_listen_local (soup, 0, &base);
  url = g_strdup_printf ("http://127.0.0.1:%d/custom/socket.io.js", g_uri_get_port (base));

  req = test_http_run (session, "GET", url, NULL, NULL, 0);
  g_assert_cmpuint (req->status, ==, SOUP_STATUS_OK);
  g_assert_true (g_bytes_equal (req->body, expected));
  g_clear_pointer (&req, test_http_free);

  soup_session_abort (session);
  g_assert_finalize_object (g_steal_pointer (&session));
  g_clear_object (&listener);
  soup_server_disconnect (soup);
  test_drain_main_context ();
  g_assert_finalize_object (g_steal_pointer (&soup));
}

static void
test_not_modified (Fixture       *f,
                   gconstpointer  data)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = file_path (files[i].name);
      g_autofree char *etag = expected_etag (files[i].name);
      g_autofree char *weak = g_strconcat ("W/", etag, NULL);
      g_autofree char *list = g_strdup_printf ("\"nope\", W/\"other\",%s", etag);
      const char *matching[] = { etag, weak, list, "*" };
      const char *not_matching[] = { "\"nope\"", "\"4.8.4\"", "nope", "W/", etag + 1 };
      guint j;

      g_test_message ("%s", path);

      for (j = 0; j < G_N_ELEMENTS (matching); j++)
        {
          g_autoptr(TestHttp) req = request (f, "GET", path, "If-None-Match", matching[j]);

          g_assert_cmpuint (req->status, ==, SOUP_STATUS_NOT_MODIFIED);
          g_assert_cmpuint (req->len, ==, 0);
          g_assert_cmpstr (test_http_get_header (req, "ETag"), ==, etag);
          g_assert_cmpstr (test_http_get_header (req, "Cache-Control"), ==, "public, max-age=0");
        }

      for (j = 0; j < G_N_ELEMENTS (not_matching); j++)
        {
          g_autoptr(TestHttp) req = request (f, "GET", path, "If-None-Match", not_matching[j]);

          g_assert_cmpuint (req->status, ==, SOUP_STATUS_OK);
          g_assert_cmpstr (test_http_get_header (req, "ETag"), ==, etag);
          g_assert_cmpuint (req->len, >, 0);
        }
    }
}

static void
test_not_modified_on_the_wire (Fixture       *f,
                               gconstpointer  data)
{
  g_autofree char *etag = expected_etag ("socket.io.min.js");
  g_autoptr(GBytes) expected = read_vendored ("socket.io.min.js");
  g_autofree char *request_text = NULL;
  g_autofree char *headers = NULL;
  g_autofree char *length = NULL;
  g_autoptr(GBytes) rest = NULL;

  request_text = g_strdup_printf ("GET /socket.io/socket.io.min.js HTTP/1.1\r\n"
                                  "Host: 127.0.0.1\r\n"
                                  "If-None-Match: %s\r\n"
                                  "Connection: close\r\n\r\n", etag);
  g_assert_cmpuint (raw_exchange (f, request_text, &headers, &rest), ==, 304);
  g_assert_cmpuint (g_bytes_get_size (rest), ==, 0);

  /* RFC 9110 section 8.6: a 304 may state only the length a 200 would have had. */
  length = g_strdup_printf ("\r\nContent-Length: %" G_GSIZE_FORMAT "\r\n",
                            g_bytes_get_size (expected));
  g_assert_nonnull (strstr (headers, length));
}

static void
test_gzip (Fixture       *f,
           gconstpointer  data)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = file_path (files[i].name);
      g_autofree char *etag = expected_etag (files[i].name);
      g_autofree char *weak = g_strconcat ("W/", etag, NULL);
      g_autoptr(GBytes) expected = read_vendored (files[i].name);
      g_autoptr(GBytes) decompressed = NULL;
      g_autoptr(TestHttp) req = NULL;
      g_autoptr(TestHttp) again = NULL;
      g_autoptr(TestHttp) revalidate = NULL;
      SoupMessageHeaders *headers;

      g_test_message ("%s", path);
      req = request (f, "GET", path, "Accept-Encoding", "gzip, deflate, br");
      headers = soup_message_get_response_headers (req->msg);

      g_assert_cmpuint (req->status, ==, SOUP_STATUS_OK);
      g_assert_cmpstr (test_http_get_header (req, "Content-Encoding"), ==, "gzip");
      g_assert_cmpstr (test_http_get_header (req, "Content-Type"), ==, files[i].content_type);
      g_assert_true (soup_message_headers_header_contains (headers, "Vary", "Accept-Encoding"));
      /* Different bytes from the identity answer, same meaning: the tag goes weak. */
      g_assert_cmpstr (test_http_get_header (req, "ETag"), ==, weak);
      g_assert_cmpuint (g_bytes_get_size (req->body), <, g_bytes_get_size (expected));

      decompressed = gunzip (req->body);
      g_assert_true (g_bytes_equal (decompressed, expected));

      /* Compressed once, then served from the cache: the very same bytes. */
      again = request (f, "GET", path, "Accept-Encoding", "gzip");
      g_assert_true (g_bytes_equal (again->body, req->body));

      /* If-None-Match compares weakly, so a browser holding either form revalidates, and
       * the 304 names the tag of what it would have got. */
      revalidate = request2 (f, "GET", path, "Accept-Encoding", "gzip", "If-None-Match", weak);
      g_assert_cmpuint (revalidate->status, ==, SOUP_STATUS_NOT_MODIFIED);
      g_assert_cmpstr (test_http_get_header (revalidate, "ETag"), ==, weak);
      g_assert_cmpuint (revalidate->len, ==, 0);
      g_clear_pointer (&revalidate, test_http_free);
      revalidate = request2 (f, "GET", path, "Accept-Encoding", "gzip", "If-None-Match", etag);
      g_assert_cmpuint (revalidate->status, ==, SOUP_STATUS_NOT_MODIFIED);
      g_assert_cmpstr (test_http_get_header (revalidate, "ETag"), ==, weak);
    }

  g_assert_cmpuint (_sio_http_gzip_cache_get_length (), ==, G_N_ELEMENTS (files));
}

static void
test_gzip_negotiation (Fixture       *f,
                       gconstpointer  data)
{
  static const struct
  {
    const char *accept_encoding;
    gboolean    gzip;
  } cases[] = {
    { "gzip", TRUE },
    { "GZip;q=0.5", TRUE },
    { "x-gzip", TRUE },
    { "identity;q=1, gzip;q=0.1", TRUE },
    { "*", TRUE },
    { "*;q=0, gzip", TRUE },
    { "br, deflate", FALSE },
    { "identity", FALSE },
    { "gzip;q=0", FALSE },
    { "gzip;q=0.000", FALSE },
    { "*, gzip;q=0", FALSE },
    { "*;q=0", FALSE },
    { "", FALSE },
  };
  g_autoptr(GBytes) expected = read_vendored ("socket.io.js");
  g_autofree char *etag = expected_etag ("socket.io.js");
  g_autoptr(TestHttp) plain = NULL;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TestHttp) req = request (f, "GET", "/socket.io/socket.io.js", "Accept-Encoding",
                                         cases[i].accept_encoding);
      g_autoptr(GBytes) body = NULL;

      g_test_message ("Accept-Encoding: %s", cases[i].accept_encoding);
      g_assert_cmpuint (req->status, ==, SOUP_STATUS_OK);
      if (cases[i].gzip)
        {
          g_assert_cmpstr (test_http_get_header (req, "Content-Encoding"), ==, "gzip");
          body = gunzip (req->body);
        }
      else
        {
          g_assert_null (test_http_get_header (req, "Content-Encoding"));
          g_assert_cmpstr (test_http_get_header (req, "ETag"), ==, etag);
          body = g_bytes_ref (req->body);
        }
      g_assert_true (g_bytes_equal (body, expected));
    }

  /* No Accept-Encoding at all: no preference, so the file as it is (as Node's accepts does). */
  plain = request (f, "GET", "/socket.io/socket.io.js", NULL, NULL);
  g_assert_null (soup_message_headers_get_one (soup_message_get_request_headers (plain->msg),
                                               "Accept-Encoding"));
  g_assert_null (test_http_get_header (plain, "Content-Encoding"));
  g_assert_true (g_bytes_equal (plain->body, expected));
}

static void
test_head (Fixture       *f,
           gconstpointer  data)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = file_path (files[i].name);
      g_autofree char *etag = expected_etag (files[i].name);
      g_autoptr(GBytes) expected = read_vendored (files[i].name);
      g_autoptr(TestHttp) req = request (f, "HEAD", path, NULL, NULL);
      g_autoptr(TestHttp) gzip = request (f, "HEAD", path, "Accept-Encoding", "gzip");
      g_autoptr(TestHttp) gzip_get = request (f, "GET", path, "Accept-Encoding", "gzip");
      SoupMessageHeaders *headers = soup_message_get_response_headers (req->msg);

      g_assert_cmpuint (req->status, ==, SOUP_STATUS_OK);
      g_assert_cmpstr (test_http_get_header (req, "Content-Type"), ==, files[i].content_type);
      g_assert_cmpstr (test_http_get_header (req, "ETag"), ==, etag);
      g_assert_cmpstr (test_http_get_header (req, "Cache-Control"), ==, "public, max-age=0");
      g_assert_cmpint (soup_message_headers_get_content_length (headers), ==,
                       g_bytes_get_size (expected));
      g_assert_cmpuint (req->len, ==, 0);

      /* HEAD states what GET would send, compressed answer included. */
      headers = soup_message_get_response_headers (gzip->msg);
      g_assert_cmpuint (gzip->status, ==, SOUP_STATUS_OK);
      g_assert_cmpstr (test_http_get_header (gzip, "Content-Encoding"), ==, "gzip");
      g_assert_cmpint (soup_message_headers_get_content_length (headers), ==,
                       g_bytes_get_size (gzip_get->body));
      g_assert_cmpuint (gzip->len, ==, 0);
    }
}

static void
test_head_on_the_wire (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GBytes) expected = read_vendored ("socket.io.js");
  g_autofree char *headers = NULL;
  g_autofree char *length = NULL;
  g_autoptr(GBytes) rest = NULL;
  guint status;

  status = raw_exchange (f,
                         "HEAD /socket.io/socket.io.js HTTP/1.1\r\n"
                         "Host: 127.0.0.1\r\n"
                         "Connection: close\r\n\r\n",
                         &headers, &rest);
  g_assert_cmpuint (status, ==, 200);
  length = g_strdup_printf ("\r\nContent-Length: %" G_GSIZE_FORMAT "\r\n",
                            g_bytes_get_size (expected));
  g_assert_nonnull (strstr (headers, length));
  g_assert_cmpuint (g_bytes_get_size (rest), ==, 0);
}

static void
test_method_not_allowed (Fixture       *f,
                         gconstpointer  data)
{
  const char *methods[] = { "POST", "PUT", "DELETE", "OPTIONS", "PATCH" };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      g_autoptr(TestHttp) req = request (f, methods[i], "/socket.io/socket.io.js", NULL, NULL);

      g_test_message ("%s", methods[i]);
      g_assert_cmpuint (req->status, ==, SOUP_STATUS_METHOD_NOT_ALLOWED);
      g_assert_cmpstr (test_http_get_header (req, "Allow"), ==, "GET, HEAD");
      g_assert_cmpuint (req->len, ==, 0);
    }
}

static void
test_range (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GBytes) expected = read_vendored ("socket.io.js");
  g_autoptr(GBytes) slice = g_bytes_new_from_bytes (expected, 10, 20);
  g_autoptr(TestHttp) req = request (f, "GET", "/socket.io/socket.io.js", "Range", "bytes=10-29");
  SoupMessageHeaders *headers = soup_message_get_response_headers (req->msg);

  /* libsoup cuts the body itself; the length it sends must be the cut one. */
  g_assert_cmpuint (req->status, ==, SOUP_STATUS_PARTIAL_CONTENT);
  g_assert_cmpint (soup_message_headers_get_content_length (headers), ==, 20);
  g_assert_true (g_bytes_equal (req->body, slice));
}

static void
test_not_ours (Fixture       *f,
               gconstpointer  data)
{
  gboolean with_other = GPOINTER_TO_INT (data);
  /* Paths SoupServer hands to our handlers because they start with one of our paths. */
  const char *prefixed[] = {
    "/socket.io/socket.io.js.bak",
    "/socket.io/socket.io.js/x",
    "/socket.io/socket.io.min.jsx",
    "/socket.io/socket.io.esm.min.js.map.gz",
  };
  /* Paths that no file handler matches: the shorter handler's, or nobody's once SoupServer
   * has resolved the dot segments (RFC 3986 section 5.2.4), encoded ones included. */
  static const struct
  {
    const char *path;
    gboolean    under_prefix;
  } unmatched[] = {
    { "/socket.io/", TRUE },
    { "/socket.io/?EIO=4&transport=polling", TRUE },
    { "/socket.io/socket.io.msgpack.min.js", TRUE },
    { "/socket.io/socket.io.j", TRUE },
    { "/socket.io/SOCKET.IO.JS", TRUE },
    { "/socket.io/%2e%2e/etc/passwd", FALSE },
    { "/socket.io/../etc/passwd", FALSE },
    { "/socket.io/./../../etc/passwd", FALSE },
    { "/etc/passwd", FALSE },
  };
  const char *equivalent[] = {
    "/socket.io/socket.io%2Ejs",
    "/socket.io/./socket.io.js",
    "/socket.io/x/../socket.io.js",
    "/x/../socket.io/socket.io.js",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (prefixed); i++)
    {
      g_autofree char *request_text = NULL;

      g_test_message ("%s", prefixed[i]);
      request_text = g_strdup_printf ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                      "Connection: close\r\n\r\n", prefixed[i]);
      g_assert_cmpuint (raw_exchange (f, request_text, NULL, NULL), ==, 404);
    }

  for (i = 0; i < G_N_ELEMENTS (unmatched); i++)
    {
      g_autofree char *request_text = NULL;
      guint n_other = f->n_other;
      guint status;

      g_test_message ("%s", unmatched[i].path);
      /* Sent raw: a client library would resolve the dot segments before sending. */
      request_text = g_strdup_printf ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                      "Connection: close\r\n\r\n", unmatched[i].path);
      status = raw_exchange (f, request_text, NULL, NULL);

      if (with_other && unmatched[i].under_prefix)
        {
          g_assert_cmpuint (status, ==, OTHER_STATUS);
          g_assert_cmpuint (f->n_other, ==, n_other + 1);
        }
      else
        {
          g_assert_cmpuint (status, !=, 200);
          g_assert_cmpuint (status, !=, OTHER_STATUS);
          g_assert_cmpuint (f->n_other, ==, n_other);
        }
    }

  /* RFC 3986 section 6.2.2: SoupServer normalises what is equivalent to one of our paths,
   * and only that, so these are the file itself. */
  for (i = 0; i < G_N_ELEMENTS (equivalent); i++)
    {
      g_autofree char *request_text = NULL;

      g_test_message ("%s", equivalent[i]);
      request_text = g_strdup_printf ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                      "Connection: close\r\n\r\n", equivalent[i]);
      g_assert_cmpuint (raw_exchange (f, request_text, NULL, NULL), ==, 200);
    }

  /* The file paths themselves still win over the shorter handler. */
  for (i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = file_path (files[i].name);
      g_autoptr(TestHttp) req = request (f, "GET", path, NULL, NULL);

      g_assert_cmpuint (req->status, ==, SOUP_STATUS_OK);
    }
}

/* sio_http_serve_bytes() on its own, the way the app serves its page. */

static void
serve_handler (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  GBytes *content = user_data;

  sio_http_serve_bytes (msg, content, "text/html; charset=utf-8", "W/\"page\"", NULL);
}

typedef struct
{
  char  *data;
  guint *n_freed;
} Counted;

static void
counted_free (gpointer user_data)
{
  Counted *counted = user_data;

  (*counted->n_freed)++;
  g_free (counted->data);
  g_free (counted);
}

static void
test_http_weak_etag_and_no_cache_control (Fixture       *f,
                                          gconstpointer  data)
{
  g_autoptr(GString) page = g_string_new ("<!doctype html>");
  g_autoptr(GBytes) content = NULL;
  g_autoptr(GBytes) small = g_bytes_new_static ("<p>hi</p>", 9);
  g_autoptr(TestHttp) req = NULL;
  g_autoptr(TestHttp) gzip = NULL;
  g_autoptr(TestHttp) revalidate = NULL;
  g_autoptr(TestHttp) tiny = NULL;
  guint i;

  for (i = 0; i < 100; i++)
    g_string_append (page, "<p>Hello from Tincan</p>\n");
  content = g_string_free_to_bytes (g_steal_pointer (&page));
  soup_server_add_handler (f->soup, "/page", serve_handler, content, NULL);

  req = request (f, "GET", "/page", NULL, NULL);
  g_assert_cmpuint (req->status, ==, SOUP_STATUS_OK);
  g_assert_cmpstr (test_http_get_header (req, "Content-Type"), ==, "text/html; charset=utf-8");
  g_assert_cmpstr (test_http_get_header (req, "ETag"), ==, "W/\"page\"");
  g_assert_null (test_http_get_header (req, "Cache-Control"));
  g_assert_true (g_bytes_equal (req->body, content));

  gzip = request (f, "GET", "/page", "Accept-Encoding", "gzip");
  g_assert_cmpstr (test_http_get_header (gzip, "Content-Encoding"), ==, "gzip");
  g_assert_cmpstr (test_http_get_header (gzip, "ETag"), ==, "W/\"page\"");

  revalidate = request (f, "GET", "/page", "If-None-Match", "\"page\"");
  g_assert_cmpuint (revalidate->status, ==, SOUP_STATUS_NOT_MODIFIED);

  soup_server_remove_handler (f->soup, "/page");

  /* Too small to be worth compressing: served as it is even when gzip is welcome. */
  soup_server_add_handler (f->soup, "/page", serve_handler, small, NULL);
  tiny = request (f, "GET", "/page", "Accept-Encoding", "gzip");
  g_assert_null (test_http_get_header (tiny, "Content-Encoding"));
  g_assert_cmpstr (tiny->text, ==, "<p>hi</p>");
  soup_server_remove_handler (f->soup, "/page");
}

static void
test_http_gzip_cache_bounded (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GString) page = g_string_new (NULL);
  const guint n_contents = 3 * SIO_HTTP_GZIP_CACHE_MAX_ENTRIES;
  guint n_freed = 0;
  guint i;

  for (i = 0; i < 200; i++)
    g_string_append (page, "compressible compressible compressible\n");

  _sio_http_gzip_cache_clear ();
  g_assert_cmpuint (_sio_http_gzip_cache_get_length (), ==, 0);

  /* More distinct contents than the cache holds, each dropped by us once served: only the
   * cache's references keep any alive, and it lets go of the least recently served. */
  for (i = 0; i < n_contents; i++)
    {
      g_autoptr(TestHttp) req = NULL;
      g_autoptr(GBytes) decompressed = NULL;
      g_autoptr(GBytes) content = NULL;
      Counted *counted;

      counted = g_new0 (Counted, 1);
      counted->data = g_memdup2 (page->str, page->len);
      counted->data[0] = 'A' + i % 26;
      counted->n_freed = &n_freed;
      content = g_bytes_new_with_free_func (counted->data, page->len, counted_free, counted);

      soup_server_add_handler (f->soup, "/page", serve_handler, content, NULL);
      req = request (f, "GET", "/page", "Accept-Encoding", "gzip");
      soup_server_remove_handler (f->soup, "/page");

      g_assert_cmpstr (test_http_get_header (req, "Content-Encoding"), ==, "gzip");
      decompressed = gunzip (req->body);
      g_assert_true (g_bytes_equal (decompressed, content));
      g_assert_cmpuint (_sio_http_gzip_cache_get_length (), ==,
                        MIN (i + 1, SIO_HTTP_GZIP_CACHE_MAX_ENTRIES));
    }

  test_drain_main_context ();
  g_assert_cmpuint (n_freed, ==, n_contents - SIO_HTTP_GZIP_CACHE_MAX_ENTRIES);

  _sio_http_gzip_cache_clear ();
  g_assert_cmpuint (_sio_http_gzip_cache_get_length (), ==, 0);
  g_assert_cmpuint (n_freed, ==, n_contents);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sio/client-bundle/version", test_version);
  g_test_add ("/sio/client-bundle/files", Fixture, NULL,
              fixture_setup, test_files, fixture_teardown);
  g_test_add ("/sio/client-bundle/query", Fixture, NULL,
              fixture_setup, test_query, fixture_teardown);
  g_test_add_func ("/sio/client-bundle/path-without-slash", test_path_without_slash);
  g_test_add ("/sio/client-bundle/not-modified", Fixture, NULL,
              fixture_setup, test_not_modified, fixture_teardown);
  g_test_add ("/sio/client-bundle/not-modified-on-the-wire", Fixture, NULL,
              fixture_setup, test_not_modified_on_the_wire, fixture_teardown);
  g_test_add ("/sio/client-bundle/gzip", Fixture, NULL,
              fixture_setup, test_gzip, fixture_teardown);
  g_test_add ("/sio/client-bundle/gzip-negotiation", Fixture, NULL,
              fixture_setup, test_gzip_negotiation, fixture_teardown);
  g_test_add ("/sio/client-bundle/head", Fixture, NULL,
              fixture_setup, test_head, fixture_teardown);
  g_test_add ("/sio/client-bundle/head-on-the-wire", Fixture, NULL,
              fixture_setup, test_head_on_the_wire, fixture_teardown);
  g_test_add ("/sio/client-bundle/method-not-allowed", Fixture, NULL,
              fixture_setup, test_method_not_allowed, fixture_teardown);
  g_test_add ("/sio/client-bundle/range", Fixture, NULL,
              fixture_setup, test_range, fixture_teardown);
  g_test_add ("/sio/client-bundle/not-ours", Fixture, GINT_TO_POINTER (FALSE),
              fixture_setup, test_not_ours, fixture_teardown);
  g_test_add ("/sio/client-bundle/not-ours-with-server-handler", Fixture, GINT_TO_POINTER (TRUE),
              fixture_setup, test_not_ours, fixture_teardown);
  g_test_add ("/sio/client-bundle/http/weak-etag", Fixture, NULL,
              fixture_setup, test_http_weak_etag_and_no_cache_control, fixture_teardown);
  g_test_add ("/sio/client-bundle/http/gzip-cache-bounded", Fixture, NULL,
              fixture_setup, test_http_gzip_cache_bounded, fixture_teardown);

  return g_test_run ();
}
