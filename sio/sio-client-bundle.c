/* sio-client-bundle.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * The official socket.io browser client, served next to the server the way the Node socket.io
 * server's serveClient option does it (lib/index.ts: attachServe(), serve(), sendFile()): a page
 * loads <path>socket.io.min.js from the very server it then connects to, so client and server
 * versions always match.
 *
 * The files are the npm package socket.io-client, vendored unmodified in client-dist/ by
 * build-aux/update-socket-io-client.sh and compiled into the library as a GResource, so
 * builds need no network and the running server reads no files. Unlike the reference, we do not
 * serve socket.io.msgpack.min.js: Tincan speaks the default JSON parser only.
 */

#include "config.h"

#include "sio-client-bundle.h"
#include "sio-client-dist-resources.h"
#include "sio-http.h"

#include <string.h>

#define RESOURCE_PREFIX "/io/github/tincanchat/Sio/client-dist/"

/* As the reference: caches may keep the files but must revalidate them on every use, so a
 * browser never runs a client older than the server after an update. The ETag makes that
 * revalidation a body-less 304. */
#define CACHE_CONTROL "public, max-age=0"

#define CONTENT_TYPE_JS  "application/javascript; charset=utf-8"
#define CONTENT_TYPE_MAP "application/json; charset=utf-8"

static const struct
{
  const char *name;
  const char *content_type;
} client_files[] = {
  { "socket.io.js", CONTENT_TYPE_JS },
  { "socket.io.js.map", CONTENT_TYPE_MAP },
  { "socket.io.min.js", CONTENT_TYPE_JS },
  { "socket.io.min.js.map", CONTENT_TYPE_MAP },
  { "socket.io.esm.min.js", CONTENT_TYPE_JS },
  { "socket.io.esm.min.js.map", CONTENT_TYPE_MAP },
};

typedef struct
{
  char       *path;           /* the exact request path answered */
  GBytes     *content;        /* points into the library's read-only resource data */
  const char *content_type;
  char       *etag;
} BundleFile;

static void
bundle_file_free (gpointer data)
{
  BundleFile *file = data;

  g_clear_pointer (&file->path, g_free);
  g_clear_pointer (&file->content, g_bytes_unref);
  g_clear_pointer (&file->etag, g_free);
  g_free (file);
}

static void
bundle_file_handler (SoupServer        *server,
                     SoupServerMessage *msg,
                     const char        *path,
                     GHashTable        *query,
                     gpointer           user_data)
{
  BundleFile *file = user_data;

  g_assert (file != NULL);

  /* SoupServer matches handler paths as plain string prefixes, so "socket.io.js.bak" and
   * "socket.io.js/x" land here too. They are not ours to serve; another handler registered on
   * a shorter path would have had them, but SoupServer cannot pass them on. */
  if (strcmp (path, file->path) != 0)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }

  sio_http_serve_bytes (msg, file->content, file->content_type, file->etag, CACHE_CONTROL);
}

/**
 * sio_client_bundle_get_version:
 *
 * Returns the version of the npm package `socket.io-client` whose browser bundles
 * [func@Sio.client_bundle_attach] serves, e.g. `4.8.4`.
 *
 * Returns: (transfer none): the version string
 */
const char *
sio_client_bundle_get_version (void)
{
  static char *version = NULL;

  if (g_once_init_enter (&version))
    {
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      char *value;

      bytes = g_resource_lookup_data (sio_client_dist_get_resource (),
                                      RESOURCE_PREFIX "VERSION",
                                      G_RESOURCE_LOOKUP_FLAGS_NONE,
                                      &error);
      /* The file is compiled in: missing means a broken build, not a runtime condition. */
      g_assert_no_error (error);

      value = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      g_once_init_leave (&version, g_strstrip (value));
    }

  return version;
}

/**
 * sio_client_bundle_attach:
 * @server: the server to answer on
 * @path: the Socket.IO path the clients use, e.g. `/socket.io/` (a missing final `/` is added)
 * @error: return location for a #GError
 *
 * Registers handlers on @server for the official socket.io browser client:
 * `socket.io.js`, `socket.io.min.js`, `socket.io.esm.min.js` and each one's `.map`, under
 * @path. Each file gets its own handler at its exact path, so these requests reach it even
 * when another handler (such as the Socket.IO server's) is registered at @path: SoupServer
 * picks the longest matching handler path. Other paths under @path are left alone.
 *
 * The answers follow the Node `socket.io` server's `serveClient` option: JavaScript as
 * `application/javascript; charset=utf-8`, source maps as `application/json; charset=utf-8`,
 * `Cache-Control: public, max-age=0` and an ETag for revalidation, gzip when the client takes
 * it (see [func@Sio.http_serve_bytes]). The ETag is `"<version>-<file name>"`: the files only
 * change together with the package version (they are vendored unmodified), so the version
 * identifies their bytes without hashing them at start-up, as in the reference, which tags
 * with its version alone.
 *
 * Calling it again for the same @server and @path replaces the handlers.
 *
 * Returns: %TRUE on success, %FALSE if the bundled files cannot be read
 */
gboolean
sio_client_bundle_attach (SoupServer  *server,
                          const char  *path,
                          GError     **error)
{
  g_autoptr(GPtrArray) files = NULL;
  g_autofree char *prefix = NULL;
  GResource *resource;
  const char *version;
  guint i;

  g_return_val_if_fail (SOUP_IS_SERVER (server), FALSE);
  g_return_val_if_fail (path != NULL && path[0] == '/', FALSE);
  g_return_val_if_fail (strpbrk (path, "?#") == NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  prefix = g_str_has_suffix (path, "/") ? g_strdup (path) : g_strconcat (path, "/", NULL);
  resource = sio_client_dist_get_resource ();
  version = sio_client_bundle_get_version ();
  files = g_ptr_array_new_with_free_func (bundle_file_free);

  /* Read everything before registering anything, so a failure leaves @server untouched. */
  for (i = 0; i < G_N_ELEMENTS (client_files); i++)
    {
      g_autofree char *resource_path = NULL;
      BundleFile *file;
      GBytes *content;

      resource_path = g_strconcat (RESOURCE_PREFIX, client_files[i].name, NULL);
      content = g_resource_lookup_data (resource, resource_path,
                                        G_RESOURCE_LOOKUP_FLAGS_NONE, error);
      if (content == NULL)
        {
          g_prefix_error (error, "Cannot read the socket.io client bundle: ");
          return FALSE;
        }

      file = g_new0 (BundleFile, 1);
      file->path = g_strconcat (prefix, client_files[i].name, NULL);
      file->content = content;
      file->content_type = client_files[i].content_type;
      file->etag = g_strdup_printf ("\"%s-%s\"", version, client_files[i].name);
      g_ptr_array_add (files, file);
    }

  /* From here on each handler owns its file and frees it when it is removed or @server goes. */
  g_ptr_array_set_free_func (files, NULL);
  for (i = 0; i < files->len; i++)
    {
      BundleFile *file = g_ptr_array_index (files, i);

      g_debug ("Serving the socket.io client %s at %s", version, file->path);
      soup_server_add_handler (server, file->path, bundle_file_handler, file, bundle_file_free);
    }

  return TRUE;
}
