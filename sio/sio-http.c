/* sio-http.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * Static content over a SoupServer handler: the socket.io browser client
 * (sio-client-bundle.c) and whatever page the application serves next to it. Everything the
 * Node socket.io server does for its client files is here, minus files on disk: GET and HEAD,
 * an ETag with If-None-Match revalidation, Cache-Control, and gzip when the browser takes it.
 *
 * Compressing is paid once per content. The gzip copies live in a small process-wide LRU list
 * keyed by the content's memory (data pointer and size), not by the GBytes: a caller that looks
 * its content up again for each request (g_resources_lookup_data() on an uncompressed resource
 * hands out a new GBytes over the same read-only data every time) still hits. Each entry holds a
 * reference on its content, so the memory it is keyed on cannot be freed and reused while the
 * entry exists. The list is capped at SIO_HTTP_GZIP_CACHE_MAX_ENTRIES; a lock guards it because
 * nothing stops two threads from running SoupServers of their own.
 */

#include "config.h"

#include "sio-http-private.h"

#include <string.h>

typedef struct
{
  GBytes *content;   /* owned: pins the memory the entry is keyed on */
  GBytes *gzip;      /* owned; NULL when gzip does not make the content smaller */
} GzipEntry;

G_LOCK_DEFINE_STATIC (gzip_cache);
static GQueue gzip_cache = G_QUEUE_INIT;   /* GzipEntry *, most recently served first */

static void
gzip_entry_free (gpointer data)
{
  GzipEntry *entry = data;

  g_clear_pointer (&entry->content, g_bytes_unref);
  g_clear_pointer (&entry->gzip, g_bytes_unref);
  g_free (entry);
}

static GList *
gzip_cache_find_locked (GBytes *content)
{
  gconstpointer data;
  gsize size;
  GList *l;

  data = g_bytes_get_data (content, &size);
  for (l = gzip_cache.head; l != NULL; l = l->next)
    {
      GzipEntry *entry = l->data;
      gsize entry_size;

      if (g_bytes_get_data (entry->content, &entry_size) == data && entry_size == size)
        return l;
    }

  return NULL;
}

static GBytes *
gzip_compress (GBytes *content)
{
  g_autoptr(GZlibCompressor) compressor = NULL;
  g_autoptr(GOutputStream) memory = NULL;
  g_autoptr(GOutputStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  gconstpointer data;
  gsize size;

  /* Level 9: the result is cached, so the extra time is spent once per content. */
  compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 9);
  memory = g_memory_output_stream_new_resizable ();
  stream = g_converter_output_stream_new (memory, G_CONVERTER (compressor));
  data = g_bytes_get_data (content, &size);

  if (!g_output_stream_write_all (stream, data, size, NULL, NULL, &error) ||
      !g_output_stream_close (stream, NULL, &error))
    {
      g_debug ("Cannot gzip %" G_GSIZE_FORMAT " bytes, serving them as they are: %s",
               size, error->message);
      return NULL;
    }

  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

/* Returns the gzip copy of @content, or NULL when @content is better sent as it is. */
static GBytes *
gzip_cache_lookup (GBytes *content)
{
  g_autoptr(GBytes) gzip = NULL;
  GQueue evicted = G_QUEUE_INIT;
  GzipEntry *entry;
  GList *link;
  gsize size;

  size = g_bytes_get_size (content);
  if (size < SIO_HTTP_GZIP_MIN_CONTENT_SIZE || size >= SIO_HTTP_GZIP_MAX_CONTENT_SIZE)
    return NULL;

  G_LOCK (gzip_cache);
  link = gzip_cache_find_locked (content);
  if (link != NULL)
    {
      g_queue_unlink (&gzip_cache, link);
      g_queue_push_head_link (&gzip_cache, link);
      entry = link->data;
      if (entry->gzip != NULL)
        gzip = g_bytes_ref (entry->gzip);
      G_UNLOCK (gzip_cache);
      return g_steal_pointer (&gzip);
    }
  G_UNLOCK (gzip_cache);

  /* Compress without the lock held; if another thread raced us, its entry wins below. */
  gzip = gzip_compress (content);
  if (gzip != NULL && g_bytes_get_size (gzip) >= size)
    g_clear_pointer (&gzip, g_bytes_unref);

  G_LOCK (gzip_cache);
  if (gzip_cache_find_locked (content) == NULL)
    {
      entry = g_new0 (GzipEntry, 1);
      entry->content = g_bytes_ref (content);
      entry->gzip = gzip != NULL ? g_bytes_ref (gzip) : NULL;
      g_queue_push_head (&gzip_cache, entry);
      while (gzip_cache.length > SIO_HTTP_GZIP_CACHE_MAX_ENTRIES)
        g_queue_push_tail (&evicted, g_queue_pop_tail (&gzip_cache));
    }
  G_UNLOCK (gzip_cache);

  /* Outside the lock: dropping the last reference on a content runs its owner's free function. */
  g_queue_clear_full (&evicted, gzip_entry_free);

  return g_steal_pointer (&gzip);
}

guint
_sio_http_gzip_cache_get_length (void)
{
  guint length;

  G_LOCK (gzip_cache);
  length = gzip_cache.length;
  G_UNLOCK (gzip_cache);

  return length;
}

void
_sio_http_gzip_cache_clear (void)
{
  GQueue entries = G_QUEUE_INIT;

  G_LOCK (gzip_cache);
  entries = gzip_cache;
  g_queue_init (&gzip_cache);
  G_UNLOCK (gzip_cache);

  g_queue_clear_full (&entries, gzip_entry_free);
}

static gboolean
coding_is_gzip (const char *coding)
{
  /* RFC 9110 section 8.4.1.3: "x-gzip" is an alias of "gzip". */
  return g_ascii_strcasecmp (coding, "gzip") == 0 || g_ascii_strcasecmp (coding, "x-gzip") == 0;
}

/* Like the reference server (accepts(req).encodings([..., "gzip", ...])), gzip wins whenever the
 * browser takes it at all, whatever quality it gives identity. RFC 9110 section 12.5.3: no
 * Accept-Encoding means "no preference" and we then send the content as it is, as Node does; "*"
 * covers gzip unless gzip is named on its own; q=0 rules a coding out. */
static gboolean
accepts_gzip (SoupMessageHeaders *headers)
{
  GSList *acceptable;
  GSList *unacceptable = NULL;
  const char *header;
  gboolean star = FALSE;
  gboolean gzip = FALSE;
  gboolean refused = FALSE;
  GSList *l;

  header = soup_message_headers_get_list (headers, "Accept-Encoding");
  if (header == NULL)
    return FALSE;

  acceptable = soup_header_parse_quality_list (header, &unacceptable);
  for (l = acceptable; l != NULL; l = l->next)
    {
      if (coding_is_gzip (l->data))
        gzip = TRUE;
      else if (strcmp (l->data, "*") == 0)
        star = TRUE;
    }
  for (l = unacceptable; l != NULL; l = l->next)
    {
      if (coding_is_gzip (l->data))
        refused = TRUE;
    }

  soup_header_free_list (acceptable);
  soup_header_free_list (unacceptable);

  return !refused && (gzip || star);
}

/* entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE, etagc = %x21 / %x23-7E / obs-text
 * (RFC 9110 section 8.8.3). Returns the length of the tag at @p, or 0 when there is none. */
static gsize
entity_tag_length (const char *p)
{
  const char *start = p;

  if (p[0] == 'W' && p[1] == '/')
    p += 2;
  if (*p++ != '"')
    return 0;
  while ((guchar) *p == 0x21 || (guchar) *p >= 0x23)
    {
      if ((guchar) *p == 0x7f)
        return 0;
      p++;
    }
  if (*p != '"')
    return 0;

  return p + 1 - start;
}

static gboolean
entity_tag_is_valid (const char *etag)
{
  gsize len = entity_tag_length (etag);

  return len > 0 && etag[len] == '\0';
}

static const char *
entity_tag_opaque (const char *etag)
{
  return g_str_has_prefix (etag, "W/") ? etag + 2 : etag;
}

/* RFC 9110 section 13.1.2: If-None-Match uses the weak comparison, so only the opaque tags
 * count and W/"x" matches "x" either way round. "*" matches any current representation. A
 * malformed member ends the list: we never guess what a broken header meant. */
gboolean
_sio_http_if_none_match_matches (const char *header,
                                 const char *etag)
{
  const char *opaque = entity_tag_opaque (etag);
  gsize opaque_len = strlen (opaque);
  const char *p = header;

  while (TRUE)
    {
      const char *member;
      gsize len;

      while (*p == ' ' || *p == '\t' || *p == ',')
        p++;
      if (*p == '\0')
        return FALSE;

      if (*p == '*')
        return TRUE;

      len = entity_tag_length (p);
      if (len == 0)
        return FALSE;

      member = entity_tag_opaque (p);
      if ((gsize) (p + len - member) == opaque_len && memcmp (member, opaque, opaque_len) == 0)
        return TRUE;

      p += len;
    }
}

/**
 * sio_http_serve_bytes:
 * @msg: a request a [class@Soup.Server] handler is answering
 * @content: (transfer none): the representation to send
 * @content_type: the `Content-Type`, e.g. `application/javascript; charset=utf-8`
 * @etag: (nullable): a strong or weak entity tag for @content, quotes included
 *   (`"4.8.4-socket.io.js"` or `W/"…"`); %NULL for no `ETag` and no revalidation
 * @cache_control: (nullable): the `Cache-Control` value, or %NULL for none
 *
 * Answers @msg with @content, the way a static file server would.
 *
 * `GET` and `HEAD` are answered; any other method gets `405 Method Not Allowed` with
 * `Allow: GET, HEAD`. When @etag is given and the request's `If-None-Match` matches it (an
 * exact or weak tag, one in a list, or `*`), the answer is `304 Not Modified` with no body.
 * When the request's `Accept-Encoding` takes gzip, the body is @content gzipped, with
 * `Content-Encoding: gzip`; the gzip copy is made once and reused for as long as @content stays
 * among the most recently served contents, so pass the same #GBytes (or one over the same
 * memory) every time. A gzipped answer carries @etag in its weak form, since its bytes are not
 * those of @content. Every answer carries `Vary: Accept-Encoding`.
 *
 * The caller picks the handler path; this function does not look at the request's path.
 */
void
sio_http_serve_bytes (SoupServerMessage *msg,
                      GBytes            *content,
                      const char        *content_type,
                      const char        *etag,
                      const char        *cache_control)
{
  g_autoptr(GBytes) gzip = NULL;
  g_autofree char *weak_etag = NULL;
  SoupMessageHeaders *request_headers;
  SoupMessageHeaders *response_headers;
  const char *method;
  const char *sent_etag;
  const char *if_none_match;
  GBytes *body;

  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));
  g_return_if_fail (content != NULL);
  g_return_if_fail (content_type != NULL);
  g_return_if_fail (etag == NULL || entity_tag_is_valid (etag));

  method = soup_server_message_get_method (msg);
  request_headers = soup_server_message_get_request_headers (msg);
  response_headers = soup_server_message_get_response_headers (msg);

  if (method != SOUP_METHOD_GET && method != SOUP_METHOD_HEAD)
    {
      soup_message_headers_replace (response_headers, "Allow", "GET, HEAD");
      soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
      return;
    }

  if (accepts_gzip (request_headers))
    gzip = gzip_cache_lookup (content);
  body = gzip != NULL ? gzip : content;

  /* The gzip body is another representation with the same meaning. A strong tag promises
   * identical bytes (RFC 9110 section 8.8.1), so it goes weak there, as nginx does; the weak
   * comparison of If-None-Match still revalidates either form. */
  sent_etag = etag;
  if (etag != NULL && gzip != NULL && !g_str_has_prefix (etag, "W/"))
    sent_etag = weak_etag = g_strconcat ("W/", etag, NULL);

  soup_message_headers_append (response_headers, "Vary", "Accept-Encoding");
  if (cache_control != NULL)
    soup_message_headers_replace (response_headers, "Cache-Control", cache_control);
  if (sent_etag != NULL)
    soup_message_headers_replace (response_headers, "ETag", sent_etag);

  if_none_match = soup_message_headers_get_list (request_headers, "If-None-Match");
  if (sent_etag != NULL && if_none_match != NULL &&
      _sio_http_if_none_match_matches (if_none_match, sent_etag))
    {
      /* RFC 9110 section 8.6: a 304 may only state the length a 200 would have had, and
       * libsoup would otherwise write "Content-Length: 0". */
      soup_message_headers_set_content_length (response_headers, g_bytes_get_size (body));
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_MODIFIED, NULL);
      return;
    }

  soup_message_headers_replace (response_headers, "Content-Type", content_type);
  if (gzip != NULL)
    soup_message_headers_replace (response_headers, "Content-Encoding", "gzip");

  /* For GET, libsoup derives Content-Length from the body itself, after it has cut the body
   * down for a Range request; a length set here would be wrong for a 206. HEAD has no body. */
  if (method == SOUP_METHOD_GET)
    soup_message_body_append_bytes (soup_server_message_get_response_body (msg), body);
  else
    soup_message_headers_set_content_length (response_headers, g_bytes_get_size (body));

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
}
