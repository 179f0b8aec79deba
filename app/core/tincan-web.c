/* tincan-web.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The chat page guests open in a browser (data/web/), compiled in as a GResource and served
 * at /. Only the files listed below are served, at fixed paths: any other request that reaches
 * the / handler is a 404, so no path can reach another resource, let alone the file system.
 * The Socket.IO server and its browser client (/socket.io/...) are registered on longer paths,
 * which SoupServer prefers, so they never come here.
 *
 * Every answer carries a Content-Security-Policy that allows this host's own scripts, styles
 * and connections and nothing else (no inline script, no framing), and nosniff: the page only
 * ever puts what people typed into text nodes, and the policy is the second line of defence. */

#include "config.h"

#include "tincan-web.h"

#include "sio.h"
#include "tincan-web-resources.h"

#include <string.h>

#define WEB_PREFIX RESOURCE_PATH "web/"

/* Browsers revalidate every time (an ETag makes that a body-less 304), so a host update never
 * leaves them running an old page against a new host. */
#define CACHE_CONTROL "no-cache"

/* connect-src: 'self' covers ws:// and wss:// to this host in CSP 3 browsers; older ones need
 * the host named, which comes from the request when it is a plain host[:port]. */
#define CSP_BEFORE_CONNECT \
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " \
  "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; connect-src 'self'"

static const struct
{
  const char *path;
  const char *file;
  const char *content_type;
} web_files[] = {
  { "/", "index.html", "text/html; charset=utf-8" },
  { "/favicon.svg", "favicon.svg", "image/svg+xml" },
  { "/tincan.css", "tincan.css", "text/css; charset=utf-8" },
  { "/tincan.js", "tincan.js", "text/javascript; charset=utf-8" },
};

typedef struct
{
  GBytes     *content;        /* points into the program's read-only resource data */
  const char *content_type;
  char       *etag;
} WebFile;

static void
web_file_free (gpointer data)
{
  WebFile *file = data;

  g_clear_pointer (&file->content, g_bytes_unref);
  g_clear_pointer (&file->etag, g_free);
  g_free (file);
}

/* host = reg-name / IPv4 with an optional port: what a CSP host-source can name. IPv6
 * literals cannot be named there (and anything else is not worth echoing into a header). */
static gboolean
is_plain_host (const char *host)
{
  const char *p;
  gboolean in_port = FALSE;

  if (host == NULL || *host == '\0' || strlen (host) > 255)
    return FALSE;

  for (p = host; *p != '\0'; p++)
    {
      if (*p == ':' && !in_port && p != host && p[1] != '\0')
        in_port = TRUE;
      else if (in_port ? !g_ascii_isdigit (*p) : !(g_ascii_isalnum (*p) || *p == '.' || *p == '-'))
        return FALSE;
    }

  return TRUE;
}

static void
set_security_headers (SoupServerMessage *msg)
{
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  const char *host = soup_message_headers_get_one (request, "Host");
  g_autofree char *csp = NULL;

  if (is_plain_host (host))
    csp = g_strdup_printf (CSP_BEFORE_CONNECT " ws://%s wss://%s", host, host);
  else
    csp = g_strdup (CSP_BEFORE_CONNECT " ws: wss:");

  soup_message_headers_replace (headers, "Content-Security-Policy", csp);
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (headers, "X-Frame-Options", "DENY");
  soup_message_headers_replace (headers, "Referrer-Policy", "no-referrer");
  soup_message_headers_replace (headers, "Cross-Origin-Opener-Policy", "same-origin");
}

static void
web_handler (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  GHashTable *files = user_data;
  WebFile *file = g_hash_table_lookup (files, path);

  set_security_headers (msg);
  if (file == NULL)
    {
      static const char not_found[] = "Not found\n";

      soup_server_message_set_response (msg, "text/plain; charset=utf-8", SOUP_MEMORY_STATIC,
                                        not_found, strlen (not_found));
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }

  sio_http_serve_bytes (msg, file->content, file->content_type, file->etag, CACHE_CONTROL);
}

/**
 * tincan_web_attach:
 * @server: the host's server
 *
 * Serves the chat page on @server: `/` and the few files it loads, nothing else.
 */
void
tincan_web_attach (SoupServer *server)
{
  g_autoptr(GHashTable) files = NULL;

  g_return_if_fail (SOUP_IS_SERVER (server));

  files = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, web_file_free);
  for (guint i = 0; i < G_N_ELEMENTS (web_files); i++)
    {
      g_autofree char *resource_path = g_strconcat (WEB_PREFIX, web_files[i].file, NULL);
      g_autofree char *checksum = NULL;
      g_autoptr(GError) error = NULL;
      WebFile *file = g_new0 (WebFile, 1);

      file->content = g_resource_lookup_data (tincan_web_get_resource (), resource_path,
                                              G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
      /* The files are compiled in: missing means a broken build, not a runtime condition. */
      g_assert_no_error (error);

      /* Content-addressed: the tag changes exactly when the bytes do. */
      checksum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, file->content);
      file->etag = g_strdup_printf ("\"%.16s\"", checksum);
      file->content_type = web_files[i].content_type;
      g_hash_table_insert (files, (char *) web_files[i].path, file);
    }

  soup_server_add_handler (server, "/", web_handler, g_steal_pointer (&files),
                           (GDestroyNotify) g_hash_table_unref);
}
