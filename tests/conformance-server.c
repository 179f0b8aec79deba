/* conformance-server.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A server for suites we do not ship: the official Engine.IO and Socket.IO conformance suites,
 * socket.io-client's own test suite, and the benchmark's chat server. Each mode configures the
 * server the way that suite's reference server is configured (see README, "Conformance"). */

#include "config.h"

#include "conformance-modes.h"

#include <stdio.h>
#include <stdlib.h>

#ifdef G_OS_UNIX
# include <glib-unix.h>
# include <signal.h>
#endif

typedef struct
{
  const char *name;
  const char *path;
  guint       default_port;
  void      (*setup) (SioServer *io);
} Mode;

static void
on_echo_message (SioEngineSocket *socket,
                 SioEnginePacket *packet,
                 gpointer         user_data)
{
  sio_engine_socket_send (socket, packet);
}

static void
on_echo_connection (SioEngineServer *engine,
                    SioEngineSocket *socket,
                    gpointer         user_data)
{
  g_signal_connect (socket, "message", G_CALLBACK (on_echo_message), NULL);
}

/* --mode eio: engine.io-protocol's test-suite echoes at the bare Engine.IO level. */
static gboolean
start_eio (SoupServer  *soup,
           GObject    **keep,
           GError     **error)
{
  g_autoptr(SioEngineServer) engine = sio_engine_server_new ();

  sio_engine_server_set_ping_interval (engine, 300);
  sio_engine_server_set_ping_timeout (engine, 200);
  sio_engine_server_set_max_payload (engine, 1000000);
  g_signal_connect (engine, "connection", G_CALLBACK (on_echo_connection), NULL);
  if (!sio_engine_server_attach (engine, soup, "/engine.io/", error))
    return FALSE;

  *keep = G_OBJECT (g_steal_pointer (&engine));
  return TRUE;
}

static const Mode modes[] = {
  { "eio", "/engine.io/", 3000, NULL },
  { "sio", "/socket.io/", 3000, conformance_setup_sio },
  { "client-suite", "/socket.io/", 3210, conformance_setup_client_suite },
  { "interop", "/socket.io/", 0, conformance_setup_interop },
  { "bench", "/socket.io/", 39102, conformance_setup_bench },
};

static gboolean
quit (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SoupServer) soup = NULL;
  g_autoptr(SioHttpListener) listener = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GObject) keep = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *mode_name = NULL;
  const Mode *mode = NULL;
  int port = -1;
  GOptionEntry entries[] = {
    { "mode", 0, 0, G_OPTION_ARG_STRING, &mode_name, "eio, sio, client-suite, interop or bench", "MODE" },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "Port on localhost (default per mode)", "N" },
    { NULL }
  };

  context = g_option_context_new ("- conformance and benchmark server");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "conformance-server: %s\n", error->message);
      return 2;
    }

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    if (g_strcmp0 (mode_name, modes[i].name) == 0)
      mode = &modes[i];
  if (mode == NULL)
    {
      fprintf (stderr, "conformance-server: --mode must be eio, sio, client-suite, interop or bench\n");
      return 2;
    }
  if (port < 0)
    port = mode->default_port;

  soup = soup_server_new (NULL, NULL);
  if (mode->setup == NULL)
    {
      if (!start_eio (soup, &keep, &error))
        {
          fprintf (stderr, "conformance-server: %s\n", error->message);
          return 2;
        }
    }
  else
    {
      g_autoptr(SioServer) io = sio_server_new ();

      mode->setup (io);
      if (!sio_server_attach (io, soup, mode->path, &error))
        {
          fprintf (stderr, "conformance-server: %s\n", error->message);
          return 2;
        }
      keep = G_OBJECT (g_steal_pointer (&io));
    }

  /* Loopback only, IPv4 and IPv6 (the suites use http://localhost:PORT). The suites and the
   * benchmarks open thousands of connections from one address: no caps. */
  listener = sio_http_listener_new (soup);
  sio_http_listener_set_max_connections (listener, 0);
  sio_http_listener_set_max_connections_per_address (listener, 0);
  {
    g_autoptr(GInetAddress) v4 = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
    g_autoptr(GInetAddress) v6 = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
    g_autoptr(GSocketAddress) address4 = g_inet_socket_address_new (v4, port);
    g_autoptr(GSocketAddress) address6 = NULL;

    if (!sio_http_listener_listen (listener, address4, &error))
      {
        fprintf (stderr, "conformance-server: cannot listen on port %d: %s\n", port, error->message);
        return 2;
      }
    /* The real port, when 0 asked for any free one. */
    port = sio_http_listener_get_port (listener);
    /* IPv6 loopback too when the machine has it; IPv4 alone is enough for the suites. */
    address6 = g_inet_socket_address_new (v6, port);
    sio_http_listener_listen (listener, address6, NULL);
  }

  printf ("conformance-server --mode %s listening on http://localhost:%d%s\n", mode->name, port, mode->path);
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
#ifdef G_OS_UNIX
  g_unix_signal_add (SIGINT, quit, loop);
  g_unix_signal_add (SIGTERM, quit, loop);
#endif
  g_main_loop_run (loop);

  return 0;
}
