/* tincan-cli.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef G_OS_UNIX
# include <glib-unix.h>
# include <signal.h>
#endif

#include "tincan-cli.h"
#include "tincan-history.h"
#include "tincan-host.h"
#include "tincan-remote-room.h"

#define DEFAULT_PORT 3000
#define EXIT_USAGE 2

#include <errno.h>

typedef struct
{
  gboolean  headless;
  int       port;
  char     *bind;
  char     *data_dir;
  char     *room;
  char     *passcode;
  char     *nick;
  int       history;
  int       flood;
  int       max_connections;
  int       max_per_address;
  int       request_timeout;
  char     *join;
  char     *dialect;
} Options;

static void
options_clear (Options *options)
{
  g_free (options->bind);
  g_free (options->data_dir);
  g_free (options->room);
  g_free (options->passcode);
  g_free (options->nick);
  g_free (options->join);
  g_free (options->dialect);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Options, options_clear)

/**
 * tincan_cli_wants_headless:
 * @argc: argument count
 * @argv: the arguments
 *
 * Returns: %TRUE when the command line asks for no window
 */
gboolean
tincan_cli_wants_headless (int    argc,
                           char **argv)
{
  for (int i = 1; i < argc; i++)
    if (g_str_equal (argv[i], "--headless"))
      return TRUE;
  return FALSE;
}

static int G_GNUC_PRINTF (1, 2)
fail (const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  fprintf (stderr, "tincan: %s\n", message);
  return EXIT_USAGE;
}

static gboolean
quit_loop (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static void
on_log (TincanHost *host,
        const char *line,
        gpointer    user_data)
{
  fprintf (stderr, "%s\n", line);
}

static void
on_message (TincanRoom    *room,
            TincanMessage *message,
            gpointer       user_data)
{
  /* Private messages are their two parties' business, the host's only when it is one. */
  if (!tincan_message_is_visible_to (message, tincan_room_get_host_nick (room)))
    return;

  if (tincan_message_get_kind (message) == TINCAN_MESSAGE_PRIVATE)
    printf ("%s → %s: %s\n", tincan_message_get_from_nick (message), tincan_message_get_to_nick (message),
            tincan_message_get_text (message));
  else
    printf ("%s: %s\n", tincan_message_get_from_nick (message), tincan_message_get_text (message));
  fflush (stdout);
}

static int
run_host (Options *options)
{
  g_autoptr(TincanHistory) history = NULL;
  g_autoptr(TincanRoom) room = NULL;
  g_autoptr(TincanHost) host = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *set_aside = NULL;
  g_auto(GStrv) urls = NULL;

  if (g_mkdir_with_parents (options->data_dir, 0700) != 0)
    return fail ("cannot use data directory %s: %s", options->data_dir, g_strerror (errno));

  db = g_build_filename (options->data_dir, "history.sqlite3", NULL);
  /* A damaged file is set aside rather than stopping the host; a read-only or locked one does
   * stop it: nothing could be stored, so no message could be sent, and the cause is fixable. */
  history = tincan_history_open_or_recover (db, &set_aside, &error);
  if (history == NULL)
    return fail ("cannot open the history in %s: %s", options->data_dir, error->message);
  if (set_aside != NULL)
    fprintf (stderr, "tincan: the history %s was damaged; it was moved to %s and a new one started\n",
             db, set_aside);

  room = tincan_room_new (options->room, options->nick, history);
  tincan_room_set_history_length (room, options->history);
  tincan_room_set_flood_limit (room, options->flood, 5);
  host = tincan_host_new (room);
  tincan_host_set_passcode (host, options->passcode);
  g_signal_connect (host, "log", G_CALLBACK (on_log), NULL);
  g_signal_connect (room, "message", G_CALLBACK (on_message), NULL);
  sio_http_listener_set_request_timeout (tincan_host_get_listener (host), options->request_timeout * 1000);
  if (options->max_connections >= 0)
    sio_http_listener_set_max_connections (tincan_host_get_listener (host), options->max_connections);
  /* Given here, the cap is meant for this computer's connections too (tests, a local proxy). */
  if (options->max_per_address >= 0)
    tincan_host_set_address_limit (host, options->max_per_address, TRUE);

  if (!tincan_host_listen (host, options->bind, options->port, TRUE, &error))
    return fail ("cannot listen on %s port %d: %s", options->bind, options->port, error->message);

  /* Before the "listening" line: whoever reads it may signal us at once. */
  loop = g_main_loop_new (NULL, FALSE);
#ifdef G_OS_UNIX
  g_unix_signal_add (SIGINT, quit_loop, loop);
  g_unix_signal_add (SIGTERM, quit_loop, loop);
#endif

  {
    g_autofree char *url = tincan_host_get_url (host);

    printf ("Tincan listening on %s\n", url);
  }
  urls = tincan_host_dup_urls (host);
  for (guint i = 0; urls[i] != NULL; i++)
    printf ("  join at %s\n", urls[i]);
  fflush (stdout);

  g_main_loop_run (loop);

  /* Clean shutdown: everyone told, every accepted message on disk. */
  tincan_host_shutdown (host);
  tincan_history_close (history);
  return 0;
}

/* ---- The terminal client ----------------------------------------------------------------- */

typedef struct
{
  TincanRemoteRoom *remote;
  GMainLoop        *loop;
  guint             pending;
  gboolean          input_done;
  int               status;
} Client;

typedef struct
{
  Client *client;
  char   *line;     /* NULL: end of input */
} InputLine;

static void
client_maybe_quit (Client *client)
{
  /* At the end of input, leave once every message was acknowledged. */
  if (client->input_done && client->pending == 0)
    g_main_loop_quit (client->loop);
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Client *client = user_data;
  g_autoptr(GError) error = NULL;

  if (!tincan_remote_room_send_finish (TINCAN_REMOTE_ROOM (source), result, &error))
    {
      fprintf (stderr, "tincan: a message was not delivered: %s\n", error->message);
      client->status = 1;
    }
  client->pending--;
  client_maybe_quit (client);
}

static gboolean
on_input_line (gpointer user_data)
{
  InputLine *input = user_data;
  Client *client = input->client;

  if (input->line == NULL)
    {
      client->input_done = TRUE;
      client_maybe_quit (client);
    }
  else if (*g_strstrip (input->line) != '\0')
    {
      client->pending++;
      tincan_remote_room_send_async (client->remote, NULL, input->line, NULL, on_sent, client);
    }

  g_free (input->line);
  g_free (input);
  return G_SOURCE_REMOVE;
}

/* Standard input is read by a thread: GIO has no portable non-blocking stdin stream (the Unix
 * and Windows ones differ), and this keeps the main loop free for the network. */
static gpointer
read_input (gpointer user_data)
{
  Client *client = user_data;
  char buffer[8192];

  for (;;)
    {
      InputLine *input = g_new0 (InputLine, 1);
      gboolean end;

      input->client = client;
      if (fgets (buffer, sizeof buffer, stdin) != NULL)
        {
          buffer[strcspn (buffer, "\r\n")] = '\0';
          input->line = g_utf8_make_valid (buffer, -1);
        }
      /* Decided before handing @input over: the main thread frees it, maybe at once. */
      end = input->line == NULL;
      g_main_context_invoke (NULL, on_input_line, input);
      if (end)
        return NULL;
    }
}

static void
on_remote_message (TincanRoom    *room,
                   TincanMessage *message,
                   gpointer       user_data)
{
  const char *from = tincan_message_get_from_nick (message);

  if (from == NULL)
    printf ("%s\n", tincan_message_get_text (message));
  else
    printf ("%s: %s\n", from, tincan_message_get_text (message));
  fflush (stdout);
}

static void
on_remote_state (TincanRemoteRoom *remote,
                 GParamSpec       *pspec,
                 Client           *client)
{
  if (tincan_remote_room_get_state (remote) == TINCAN_REMOTE_REFUSED ||
      tincan_remote_room_get_state (remote) == TINCAN_REMOTE_CLOSED)
    {
      fprintf (stderr, "tincan: the server closed the room to us\n");
      client->status = 1;
      /* From the main loop, which may not be running yet. */
      g_idle_add (quit_loop, client->loop);
    }
}

#define FLUSH_TIMEOUT_MS 5000

/* Leaving queues a disconnect behind whatever was sent last, and a line of a dialect without
 * acknowledgements counts as sent once queued: the connection must be allowed to write all of
 * it and close before the process ends, or the last words are lost. A dead server gets
 * FLUSH_TIMEOUT_MS. */
static void
leave_and_flush (TincanRemoteRoom *remote)
{
  SioEngineClient *engine = sio_manager_get_engine (tincan_remote_room_get_manager (remote));
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GSource) timeout = NULL;

  if (engine == NULL || !sio_engine_client_is_open (engine))
    {
      tincan_remote_room_disconnect (remote);
      return;
    }

  loop = g_main_loop_new (NULL, FALSE);
  g_object_ref (engine);
  g_signal_connect_swapped (engine, "close", G_CALLBACK (g_main_loop_quit), loop);
  timeout = g_timeout_source_new (FLUSH_TIMEOUT_MS);
  g_source_set_callback (timeout, quit_loop, loop, NULL);
  g_source_attach (timeout, NULL);
  tincan_remote_room_disconnect (remote);
  g_main_loop_run (loop);
  g_source_destroy (timeout);
  g_signal_handlers_disconnect_by_data (engine, loop);
  g_object_unref (engine);
}

static int
run_client (Options *options)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(TincanRemoteRoom) remote = NULL;
  g_autoptr(GThread) reader = NULL;
  g_autoptr(GUri) uri = NULL;
  TincanDialect dialect;
  Client client = { 0 };
  gboolean known;

  uri = g_uri_parse (options->join, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 && g_strcmp0 (g_uri_get_scheme (uri), "https") != 0))
    return fail ("--join needs an http:// URL, not “%s”", options->join);

  dialect = tincan_dialect_from_string (options->dialect, &known);
  if (!known)
    return fail ("unknown --dialect “%s” (tincan, chat message, chat, demo or auto)", options->dialect);

  remote = tincan_remote_room_new (options->join, options->nick, options->passcode, dialect);
  client.remote = remote;
  client.loop = loop;
  g_signal_connect (tincan_remote_room_get_room (remote), "message", G_CALLBACK (on_remote_message), NULL);
  g_signal_connect (remote, "notify::state", G_CALLBACK (on_remote_state), &client);
  tincan_remote_room_connect (remote);

  reader = g_thread_new ("stdin", read_input, &client);

#ifdef G_OS_UNIX
  g_unix_signal_add (SIGINT, quit_loop, loop);
  g_unix_signal_add (SIGTERM, quit_loop, loop);
#endif
  g_main_loop_run (loop);

  g_signal_handlers_disconnect_by_func (remote, on_remote_state, &client);
  leave_and_flush (remote);
  /* The reader may still be blocked on the terminal; the process ends with it. */
  fflush (stdout);
  exit (client.status);
}

/**
 * tincan_cli_run:
 * @argc: argument count
 * @argv: the arguments
 *
 * Returns: the exit status: 0, or 2 for bad arguments or an unusable setup
 */
int
tincan_cli_run (int    argc,
                char **argv)
{
  g_auto(Options) options = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) args = NULL;
  GOptionEntry entries[] = {
    { "headless", 0, 0, G_OPTION_ARG_NONE, &options.headless, N_("Host without a window"), NULL },
    { "port", 'p', 0, G_OPTION_ARG_INT, &options.port, N_("Port to listen on (default 3000; the next free one if taken)"), "N" },
    { "bind", 0, 0, G_OPTION_ARG_STRING, &options.bind, N_("Address to listen on (default 0.0.0.0, the LAN)"), "ADDR" },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &options.data_dir, N_("Where the history is kept"), "DIR" },
    { "room", 0, 0, G_OPTION_ARG_STRING, &options.room, N_("Name of the room"), "NAME" },
    { "passcode", 0, 0, G_OPTION_ARG_STRING, &options.passcode, N_("Passcode joiners must give"), "P" },
    { "nick", 0, 0, G_OPTION_ARG_STRING, &options.nick, N_("Your nickname as host"), "NAME" },
    { "history", 0, 0, G_OPTION_ARG_INT, &options.history, N_("Messages a joiner gets (default 100, 0 for none)"), "N" },
    { "join", 0, 0, G_OPTION_ARG_STRING, &options.join, N_("Chat in the room at URL from the terminal"), "URL" },
    { "dialect", 0, 0, G_OPTION_ARG_STRING, &options.dialect, N_("With --join: tincan, chat message, chat, demo or auto (default)"), "D" },
    { "flood-limit", 0, 0, G_OPTION_ARG_INT, &options.flood, N_("Messages one person may send in 5 seconds (default 10, 0 for no limit)"), "N" },
    { "max-connections", 0, 0, G_OPTION_ARG_INT, &options.max_connections, N_("Open connections in all (default 10000, 0 for no limit)"), "N" },
    { "request-timeout", 0, 0, G_OPTION_ARG_INT, &options.request_timeout, N_("Seconds a connection has to send a whole request (default 30)"), "S" },
    { "max-per-address", 0, 0, G_OPTION_ARG_INT, &options.max_per_address, N_("Connections (and sessions) from one address (default 64 and 32, not counting this computer unless given here; 0 for no limit)"), "N" },
    { NULL }
  };

  options.port = DEFAULT_PORT;
  options.history = 100;
  options.flood = 10;
  options.max_connections = -1;
  options.max_per_address = -1;
  options.request_timeout = 30;

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("Host a chat on the local network."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  /* A copy parsed with _strv: it frees what it consumes, where g_option_context_parse() would
   * drop the strings of a caller-built, caller-freed vector (the window app's --headless). */
  args = g_new0 (char *, argc + 1);
  for (int i = 0; i < argc; i++)
    args[i] = g_strdup (argv[i]);
  if (!g_option_context_parse_strv (context, &args, &error))
    return fail ("%s", error->message);
  if (args[0] != NULL && args[1] != NULL)
    return fail ("unexpected argument “%s”", args[1]);
  if (options.port < 0 || options.port > 65535)
    return fail ("--port must be between 0 and 65535");
  if (options.history < 0)
    return fail ("--history must be 0 or more");
  if (options.flood < 0)
    return fail ("--flood-limit must be 0 or more");
  if (options.max_connections < -1 || options.max_per_address < -1)
    return fail ("--max-connections and --max-per-address must be 0 or more");
  if (options.request_timeout < 1)
    return fail ("--request-timeout must be 1 or more");

  if (options.bind == NULL)
    options.bind = g_strdup ("0.0.0.0");
  if (options.data_dir == NULL)
    options.data_dir = g_build_filename (g_get_user_data_dir (), "tincan", NULL);
  if (options.room == NULL)
    options.room = g_strdup ("Tincan");
  if (options.nick == NULL)
    options.nick = g_strdup (g_get_real_name () && !g_str_equal (g_get_real_name (), "Unknown") ? g_get_real_name ()
                                                                                                   : g_get_user_name ());

  if (options.join != NULL)
    return run_client (&options);
  return run_host (&options);
}
