/* test-headless.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The real binary, `tincan --headless`, run with GSubprocess: bad arguments and unusable setups
 * (one line on stderr, exit status 2), the "Tincan listening on" line, clean shutdown on
 * SIGTERM and SIGINT, and durability: a host killed with SIGKILL in the middle of traffic has
 * every message it acknowledged in its history when it starts again.
 *
 * meson passes the binary in TINCAN_BIN.
 */

#include "config.h"

#include "sio-test-client.h"

#include <glib/gstdio.h>
#include <string.h>

#ifdef G_OS_UNIX
# include <signal.h>
#endif

/* ---------------------------------------------------------------------------------------- */
/* A tincan process                                                                          */

typedef struct
{
  GSubprocess      *proc;
  GDataInputStream *out;
  GInputStream     *err_stream;
  GCancellable     *cancellable;
  GPtrArray        *out_lines;     /* char *, stdout, without newlines */
  GString          *err;           /* stderr, as is */
  gboolean          out_eof;
  gboolean          err_eof;
  gboolean          exited;
  guint             port;          /* from the "Tincan listening on" line */
  char              buf[4096];
  int               refs;          /* the pending reads hold one each */
} Proc;

static char *tmp_root;

static const char *
tincan_bin (void)
{
  static char *bin;

  if (bin == NULL)
    {
      const char *env = g_getenv ("TINCAN_BIN");

      bin = env ? g_strdup (env) : g_test_build_filename (G_TEST_BUILT, "..", "app", "tincan", NULL);
      if (!g_file_test (bin, G_FILE_TEST_IS_EXECUTABLE))
        g_error ("No tincan binary at %s: set TINCAN_BIN (meson test does)", bin);
    }
  return bin;
}

static char *
make_tmp_dir (const char *name)
{
  g_autofree char *dir = g_build_filename (tmp_root, name, NULL);

  g_assert_no_errno (g_mkdir_with_parents (dir, 0700));
  return g_steal_pointer (&dir);
}

static void
proc_unref (Proc *p)
{
  if (--p->refs > 0)
    return;
  g_clear_object (&p->proc);
  g_clear_object (&p->out);
  g_clear_object (&p->err_stream);
  g_clear_object (&p->cancellable);
  g_ptr_array_unref (p->out_lines);
  g_string_free (p->err, TRUE);
  g_free (p);
}

static void
proc_free (Proc *p)
{
  if (p == NULL)
    return;

#ifdef G_OS_UNIX
  if (!p->exited)
    {
      g_subprocess_force_exit (p->proc);
      WAIT_FOR (p->exited);
    }
#endif
  g_cancellable_cancel (p->cancellable);
  proc_unref (p);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Proc, proc_free)

static void read_line (Proc *p);
static void read_err (Proc *p);

static void
line_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Proc *p = user_data;
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL,
                                                          &error);

  if (line == NULL)
    {
      p->out_eof = TRUE;
      proc_unref (p);
      return;
    }

  if (p->port == 0 && g_str_has_prefix (line, "Tincan listening on "))
    {
      const char *colon = strrchr (line, ':');

      p->port = colon ? (guint) g_ascii_strtoull (colon + 1, NULL, 10) : 0;
    }
  g_ptr_array_add (p->out_lines, line);
  read_line (p);
  proc_unref (p);
}

static void
read_line (Proc *p)
{
  p->refs++;
  g_data_input_stream_read_line_async (p->out, G_PRIORITY_DEFAULT, p->cancellable, line_cb, p);
}

static void
err_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  Proc *p = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n <= 0)
    {
      p->err_eof = TRUE;
      proc_unref (p);
      return;
    }

  g_string_append_len (p->err, p->buf, n);
  read_err (p);
  proc_unref (p);
}

static void
read_err (Proc *p)
{
  p->refs++;
  g_input_stream_read_async (p->err_stream, p->buf, sizeof p->buf, G_PRIORITY_DEFAULT, p->cancellable,
                             err_cb, p);
}

static void
wait_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Proc *p = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  p->exited = TRUE;
  proc_unref (p);
}

#ifdef __linux__
# include <sys/prctl.h>

/* A failed assertion aborts the test before proc_free() runs; the kernel then ends the host
 * too, so no stray server outlives the run. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}
#endif

/* Starts `tincan --headless ARGS...` (NULL-terminated) with its own XDG folders. */
static Proc *
proc_start (const char *first,
            ...)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *home = make_tmp_dir ("home");
  Proc *p = g_new0 (Proc, 1);
  va_list ap;

  /* Nothing the binary does by default may touch the real user's folders. */
  g_subprocess_launcher_setenv (launcher, "HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
#ifdef __linux__
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
#endif

  g_ptr_array_add (argv, (char *) tincan_bin ());
  g_ptr_array_add (argv, (char *) "--headless");
  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  p->refs = 1;
  p->out_lines = g_ptr_array_new_with_free_func (g_free);
  p->err = g_string_new (NULL);
  p->cancellable = g_cancellable_new ();
  p->proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  p->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (p->proc));
  p->err_stream = g_object_ref (g_subprocess_get_stderr_pipe (p->proc));
  read_line (p);
  read_err (p);
  p->refs++;
  g_subprocess_wait_async (p->proc, NULL, wait_cb, p);
  return p;
}

static void
proc_wait_exit (Proc *p)
{
  WAIT_FOR (p->exited && p->out_eof && p->err_eof);
}

static void
proc_wait_listening (Proc *p)
{
  WAIT_FOR (p->port != 0 || p->exited);
  if (p->port == 0)
    {
      proc_wait_exit (p);
      g_error ("tincan exited without listening: %s", p->err->str);
    }
}

/* Waits until stdout has a line equal to @line. */
static void
proc_wait_line (Proc       *p,
                const char *line)
{
  WAIT_FOR (g_ptr_array_find_with_equal_func (p->out_lines, line, g_str_equal, NULL) || p->exited);
  g_assert_true (g_ptr_array_find_with_equal_func (p->out_lines, line, g_str_equal, NULL));
}

static void
assert_exit_status (Proc *p,
                    int   status)
{
  proc_wait_exit (p);
  if (!g_subprocess_get_if_exited (p->proc))
    g_error ("tincan did not exit normally (%s %d; stderr: %s)",
             g_subprocess_get_if_signaled (p->proc) ? "killed by signal" : "status",
             g_subprocess_get_if_signaled (p->proc) ? g_subprocess_get_term_sig (p->proc)
                                                    : g_subprocess_get_status (p->proc),
             p->err->str);
  if (g_subprocess_get_exit_status (p->proc) != status)
    g_error ("tincan exited with %d, not %d (stderr: %s)", g_subprocess_get_exit_status (p->proc),
             status, p->err->str);
}

/* Runs tincan with ARGS, expects exit status 2, nothing on stdout and exactly one line on
 * stderr, containing @needle; returns nothing. */
#define assert_usage_error(needle, ...)                                                  \
  G_STMT_START                                                                           \
  {                                                                                      \
    g_autoptr(Proc) usage_p_ = proc_start (__VA_ARGS__, NULL);                           \
    assert_exit_status (usage_p_, 2);                                                    \
    assert_one_line (usage_p_, (needle));                                                \
  }                                                                                      \
  G_STMT_END

static void
assert_one_line (Proc       *p,
                 const char *needle)
{
  const char *nl = strchr (p->err->str, '\n');

  g_assert_cmpuint (p->out_lines->len, ==, 0);
  if (nl == NULL || nl[1] != '\0')
    g_error ("stderr is not one line: “%s”", p->err->str);
  g_assert_true (g_str_has_prefix (p->err->str, "tincan: "));
  if (needle != NULL && strstr (p->err->str, needle) == NULL)
    g_error ("stderr does not mention “%s”: %s", needle, p->err->str);
}

/* ---------------------------------------------------------------------------------------- */
/* Bad arguments and unusable setups                                                         */

static void
test_usage_errors (void)
{
  g_autofree char *dir = make_tmp_dir ("usage");
  g_autofree char *file = g_build_filename (dir, "a-file", NULL);
  g_autofree char *db_dir = make_tmp_dir ("usage/db-is-dir");
  g_autofree char *db = g_build_filename (db_dir, "history.sqlite3", NULL);
  g_autofree char *data = g_build_filename (dir, "data", NULL);

  g_assert_true (g_file_set_contents (file, "not a folder", -1, NULL));
  g_assert_no_errno (g_mkdir_with_parents (db, 0700));

  assert_usage_error ("--bogus", "--bogus");
  assert_usage_error ("--port", "--port", "70000", "--data-dir", data);
  assert_usage_error ("--port", "--port", "-1", "--data-dir", data);
  assert_usage_error ("port", "--port", "many", "--data-dir", data);
  assert_usage_error ("--history", "--history", "-1", "--data-dir", data);
  assert_usage_error ("extra", "--data-dir", data, "extra");
  assert_usage_error ("a-file", "--data-dir", file, "--port", "0", "--bind", "127.0.0.1");
  assert_usage_error (NULL, "--data-dir", db_dir, "--port", "0", "--bind", "127.0.0.1");
  assert_usage_error ("nowhere", "--bind", "nowhere", "--port", "0", "--data-dir", data);
  /* TEST-NET-1: not on this machine, so bind() fails without sending anything. */
  assert_usage_error ("192.0.2.1", "--bind", "192.0.2.1", "--port", "0", "--data-dir", data);
}

static void
test_data_dir_in_use (void)
{
  g_autofree char *data = make_tmp_dir ("in-use");
  g_autoptr(Proc) first = proc_start ("--port", "0", "--bind", "127.0.0.1", "--data-dir", data, NULL);
  g_autoptr(Proc) second = NULL;

  proc_wait_listening (first);

  /* A second host on the same history would hand out the same message ids. */
  second = proc_start ("--port", "0", "--bind", "127.0.0.1", "--data-dir", data, NULL);
  assert_exit_status (second, 2);
  assert_one_line (second, data);
  g_assert_false (first->exited);
}

/* A damaged history is no reason not to host: it is set aside, said so on stderr, and a new
 * one started. */
static void
test_damaged_history (void)
{
  g_autofree char *data = make_tmp_dir ("damaged");
  g_autofree char *db = g_build_filename (data, "history.sqlite3", NULL);
  g_autoptr(Proc) p = NULL;
  g_autoptr(GError) error = NULL;

  g_file_set_contents (db, "not a database", -1, &error);
  g_assert_no_error (error);

  p = proc_start ("--port", "0", "--bind", "127.0.0.1", "--data-dir", data, NULL);
  proc_wait_listening (p);
  WAIT_FOR (strstr (p->err->str, "moved to") != NULL || p->exited);
  g_assert_nonnull (strstr (p->err->str, "was damaged; it was moved to"));
  g_assert_nonnull (strstr (p->err->str, "history.sqlite3.corrupt-"));
  g_assert_false (p->exited);
}

/* ---------------------------------------------------------------------------------------- */
/* Listening                                                                                 */

static SioFixture *
fixture_for (guint port)
{
  SioFixture *f = g_new0 (SioFixture, 1);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", port);

  f->base = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  f->session = soup_session_new ();
  return f;
}

static void
fixture_free (SioFixture *f)
{
  g_clear_pointer (&f->base, g_uri_unref);
  g_clear_object (&f->session);
  g_free (f);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SioFixture, fixture_free)

static JsonArray *
parse_event (const char *text,
             gint64     *ack_id)
{
  g_autoptr(JsonNode) node = NULL;
  const char *s;

  if (!g_str_has_prefix (text, "42") && !g_str_has_prefix (text, "43"))
    return NULL;
  s = text + 2;
  *ack_id = -1;
  if (g_ascii_isdigit (*s))
    {
      *ack_id = 0;
      while (g_ascii_isdigit (*s))
        *ack_id = *ack_id * 10 + (*s++ - '0');
    }
  node = json_from_string (s, NULL);
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  return json_array_ref (json_node_get_array (node));
}

/* Waits for the event @name on @c, skipping others. */
static JsonArray *
wait_event (SioTestClient *c,
            const char    *name)
{
  for (;;)
    {
      g_autofree char *text = sio_test_client_next_text (c);
      gint64 id;
      g_autoptr(JsonArray) args = g_str_has_prefix (text, "42") ? parse_event (text, &id) : NULL;

      if (args != NULL && g_strcmp0 (json_array_get_string_element (args, 0), name) == 0)
        return g_steal_pointer (&args);
    }
}

static SioTestClient *
tincan_client (SioFixture *f,
               const char *nick,
               JsonArray **welcome)
{
  SioTestClient *c = sio_test_client_new (f);
  g_autofree char *auth = g_strdup_printf ("{\"client\":\"tincan\",\"nick\":\"%s\"}", nick);
  g_autofree char *sid = sio_test_client_connect (c, NULL, auth, NULL);
  g_autoptr(JsonArray) w = wait_event (c, "welcome");

  if (welcome != NULL)
    *welcome = g_steal_pointer (&w);
  return c;
}

#ifdef G_OS_UNIX

static void
test_listening (void)
{
  g_autofree char *data = make_tmp_dir ("listening");
  g_autoptr(Proc) p = proc_start ("--port", "0", "--bind", "127.0.0.1", "--data-dir", data,
                                  "--nick", "Boss", "--room", "Den", NULL);
  g_autoptr(SioFixture) f = NULL;
  g_autoptr(SioTestClient) c = NULL;
  g_autoptr(JsonArray) welcome = NULL;
  g_autofree char *line = NULL;
  g_autofree char *join = NULL;
  JsonObject *room;

  proc_wait_listening (p);
  g_assert_cmpuint (p->port, >, 0);
  line = g_strdup_printf ("Tincan listening on http://127.0.0.1:%u/", p->port);
  g_assert_cmpstr (g_ptr_array_index (p->out_lines, 0), ==, line);
  join = g_strdup_printf ("  join at http://127.0.0.1:%u/", p->port);
  proc_wait_line (p, join);

  /* It is the real port: a client gets in, and the room is the one asked for. */
  f = fixture_for (p->port);
  c = tincan_client (f, "alice", &welcome);
  room = json_object_get_object_member (json_array_get_object_element (welcome, 1), "room");
  g_assert_cmpstr (json_object_get_string_member (room, "name"), ==, "Den");
  g_assert_cmpstr (json_object_get_string_member (room, "host"), ==, "Boss");

  /* Room messages go to stdout as "NICK: TEXT". */
  sio_test_client_send (c, "42[\"message\",\"hello there\"]");
  proc_wait_line (p, "alice: hello there");

  /* SIGTERM: a clean exit, the client is let go. */
  g_subprocess_send_signal (p->proc, SIGTERM);
  assert_exit_status (p, 0);
  sio_test_client_wait_closed (c);
  /* The connection was logged on stderr. */
  g_assert_nonnull (strstr (p->err->str, "alice"));
}

static void
test_sigint (void)
{
  g_autofree char *data = make_tmp_dir ("sigint");
  g_autoptr(Proc) p = proc_start ("--port", "0", "--bind", "127.0.0.1", "--data-dir", data, NULL);

  /* Right after the listening line: whoever supervises the host may stop it as soon as it
   * said it is up, so by then SIGINT and SIGTERM must already mean a clean shutdown. */
  proc_wait_listening (p);
  g_subprocess_send_signal (p->proc, SIGINT);
  assert_exit_status (p, 0);
}

static void
test_port_taken (void)
{
  g_autofree char *data = make_tmp_dir ("port-taken");
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(Proc) p = NULL;
  g_autofree char *port = NULL;
  guint taken;

  g_assert_true (g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM,
                                                G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error));
  g_assert_no_error (error);
  taken = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  port = g_strdup_printf ("%u", taken);

  /* Taken: the next free one, said on the listening line. */
  p = proc_start ("--port", port, "--bind", "127.0.0.1", "--data-dir", data, NULL);
  proc_wait_listening (p);
  g_assert_cmpuint (p->port, >, taken);
  g_assert_cmpuint (p->port, <, taken + 20);
  g_subprocess_send_signal (p->proc, SIGTERM);
  assert_exit_status (p, 0);
}

static void
test_ipv6_url (void)
{
  g_autofree char *data = make_tmp_dir ("ipv6");
  g_autoptr(GSocket) probe = g_socket_new (G_SOCKET_FAMILY_IPV6, G_SOCKET_TYPE_STREAM,
                                           G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(Proc) p = NULL;
  g_autofree char *line = NULL;
  g_autofree char *join = NULL;

  if (probe == NULL || !g_socket_bind (probe, address, TRUE, NULL))
    {
      g_test_skip ("no IPv6 loopback here");
      return;
    }
  g_clear_object (&probe);

  /* An IPv6 address goes in brackets, or the URL is not one. */
  p = proc_start ("--port", "0", "--bind", "::1", "--data-dir", data, NULL);
  WAIT_FOR (p->out_lines->len >= 2 || p->exited);
  g_assert_cmpuint (p->out_lines->len, >=, 2);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (p->out_lines, 0),
                                   "Tincan listening on http://[::1]:"));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (p->out_lines, 1), "  join at http://[::1]:"));
  g_subprocess_send_signal (p->proc, SIGTERM);
  assert_exit_status (p, 0);
}

/* ---------------------------------------------------------------------------------------- */
/* Durability: kill -9 in the middle of traffic                                              */

#define N_SENDERS 25
#define PER_SENDER 10        /* the flood limit: 10 messages in 5 seconds */
#define WINDOW 2             /* acks each sender waits for at most */
#define KILL_AFTER 100       /* acknowledged messages */

typedef struct
{
  SioTestClient *c;
  guint          sent;
  guint          outstanding;
  GHashTable    *pending;    /* ack id → text */
} Sender;

static void
sender_send (Sender *s,
             guint   index)
{
  g_autofree char *text = g_strdup_printf ("sender %u message %u", index, s->sent);
  g_autofree char *packet = g_strdup_printf ("42%u[\"message\",\"%s\"]", s->sent, text);

  g_hash_table_insert (s->pending, GUINT_TO_POINTER (s->sent), g_steal_pointer (&text));
  sio_test_client_send (s->c, packet);
  s->sent++;
  s->outstanding++;
}

/* Reads whatever @s received; records ok acks in @acked (id → text). */
static void
sender_pump (Sender     *s,
             guint       index,
             GHashTable *acked,
             guint      *n_refused)
{
  TestWsMessage *message;

  while ((message = g_queue_pop_head (&s->c->queue)) != NULL)
    {
      gsize len = 0;
      const char *data = g_bytes_get_data (message->data, &len);
      g_autofree char *text = g_strndup (data, len);
      g_autoptr(JsonArray) args = NULL;
      gint64 id = -1;

      test_ws_message_free (message);
      if (!g_str_has_prefix (text, "43"))
        continue;
      args = parse_event (text, &id);
      {
        JsonObject *ack = json_array_get_object_element (args, 0);
        char *sent = g_hash_table_lookup (s->pending, GUINT_TO_POINTER ((guint) id));

        g_assert_nonnull (sent);
        s->outstanding--;
        if (json_object_get_boolean_member (ack, "ok"))
          {
            JsonObject *m = json_object_get_object_member (ack, "message");

            g_assert_cmpstr (json_object_get_string_member (m, "text"), ==, sent);
            g_hash_table_insert (acked, GINT_TO_POINTER ((int) json_object_get_int_member (m, "id")),
                                 g_strdup (sent));
          }
        else
          (*n_refused)++;
      }
      if (s->sent < PER_SENDER && s->outstanding < WINDOW && !s->c->closed)
        sender_send (s, index);
    }
}

static void
test_kill_durability (void)
{
  g_autofree char *data = make_tmp_dir ("durability");
  g_autoptr(GHashTable) acked = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_autoptr(JsonArray) welcome = NULL;
  Sender senders[N_SENDERS] = { { 0 } };
  guint n_refused = 0;
  gint64 max_acked = 0;

  {
    g_autoptr(Proc) p = proc_start ("--port", "0", "--bind", "127.0.0.1", "--data-dir", data, NULL);
    g_autoptr(SioFixture) f = NULL;

    proc_wait_listening (p);
    f = fixture_for (p->port);
    for (guint i = 0; i < N_SENDERS; i++)
      {
        g_autofree char *nick = g_strdup_printf ("sender-%u", i);

        senders[i].c = tincan_client (f, nick, NULL);
        senders[i].pending = g_hash_table_new_full (NULL, NULL, NULL, g_free);
      }

    for (guint i = 0; i < N_SENDERS; i++)
      for (guint w = 0; w < WINDOW; w++)
        sender_send (&senders[i], i);

    /* Traffic until enough is acknowledged; then SIGKILL, with more in flight. */
    while (g_hash_table_size (acked) < KILL_AFTER)
      {
        g_main_context_iteration (NULL, TRUE);
        for (guint i = 0; i < N_SENDERS; i++)
          sender_pump (&senders[i], i, acked, &n_refused);
        g_assert_false (p->exited);
      }
    g_subprocess_force_exit (p->proc);
    proc_wait_exit (p);
    g_assert_false (g_subprocess_get_if_exited (p->proc));
    g_assert_true (g_subprocess_get_if_signaled (p->proc));
    g_assert_cmpint (g_subprocess_get_term_sig (p->proc), ==, SIGKILL);

    /* Acks that were on the wire still count. */
    for (guint i = 0; i < N_SENDERS; i++)
      {
        sio_test_client_wait_closed (senders[i].c);
        sender_pump (&senders[i], i, acked, &n_refused);
        g_clear_pointer (&senders[i].c, sio_test_client_free);
        g_clear_pointer (&senders[i].pending, g_hash_table_unref);
      }
    g_test_message ("%u acknowledged, %u refused before SIGKILL", g_hash_table_size (acked), n_refused);
    g_assert_cmpuint (n_refused, ==, 0);
  }

  /* The same data folder again: every acknowledged message is there, once, unchanged. */
  {
    g_autoptr(Proc) p = proc_start ("--port", "0", "--bind", "127.0.0.1", "--data-dir", data,
                                    "--history", "100000", NULL);
    g_autoptr(SioFixture) f = NULL;
    g_autoptr(SioTestClient) c = NULL;
    g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
    JsonArray *history;
    GHashTableIter iter;
    gpointer key, value;

    proc_wait_listening (p);
    f = fixture_for (p->port);
    c = tincan_client (f, "checker", &welcome);
    history = json_object_get_array_member (json_array_get_object_element (welcome, 1), "history");
    g_test_message ("%u in the history after the restart", json_array_get_length (history));
    g_assert_cmpuint (json_array_get_length (history), >=, g_hash_table_size (acked));

    for (guint i = 0; i < json_array_get_length (history); i++)
      {
        JsonObject *m = json_array_get_object_element (history, i);
        int id = json_object_get_int_member (m, "id");

        g_assert_false (g_hash_table_contains (seen, GINT_TO_POINTER (id)));
        g_hash_table_add (seen, GINT_TO_POINTER (id));
        value = g_hash_table_lookup (acked, GINT_TO_POINTER (id));
        if (value != NULL)
          g_assert_cmpstr (json_object_get_string_member (m, "text"), ==, value);
      }

    g_hash_table_iter_init (&iter, acked);
    while (g_hash_table_iter_next (&iter, &key, &value))
      {
        if (!g_hash_table_contains (seen, key))
          g_error ("acknowledged message %d (“%s”) is missing after kill -9", GPOINTER_TO_INT (key),
                   (char *) value);
        max_acked = MAX (max_acked, GPOINTER_TO_INT (key));
      }

    /* New messages never reuse an id handed out before the crash. */
    sio_test_client_send (c, "421[\"message\",\"after the restart\"]");
    for (;;)
      {
        g_autofree char *text = sio_test_client_next_text (c);
        g_autoptr(JsonArray) args = NULL;
        gint64 id = -1;

        if (!g_str_has_prefix (text, "43"))
          continue;
        args = parse_event (text, &id);
        g_assert_cmpint (id, ==, 1);
        g_assert_true (json_object_get_boolean_member (json_array_get_object_element (args, 0), "ok"));
        g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (
                           json_array_get_object_element (args, 0), "message"), "id"), >, max_acked);
        break;
      }

    g_subprocess_send_signal (p->proc, SIGTERM);
    assert_exit_status (p, 0);
  }
}

#endif /* G_OS_UNIX */

static gboolean
rm_rf (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);

        rm_rf (child);
      }
  return g_remove (path) == 0;
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_root = g_dir_make_tmp ("tincan-headless-XXXXXX", NULL);
  g_assert_nonnull (tmp_root);

  g_test_add_func ("/tincan/headless/usage-errors", test_usage_errors);
  g_test_add_func ("/tincan/headless/data-dir-in-use", test_data_dir_in_use);
  g_test_add_func ("/tincan/headless/damaged-history", test_damaged_history);
#ifdef G_OS_UNIX
  g_test_add_func ("/tincan/headless/listening", test_listening);
  g_test_add_func ("/tincan/headless/port-taken", test_port_taken);
  g_test_add_func ("/tincan/headless/kill-durability", test_kill_durability);
  g_test_add_func ("/tincan/headless/sigint", test_sigint);
  g_test_add_func ("/tincan/headless/ipv6-url", test_ipv6_url);
#endif

  status = g_test_run ();
  rm_rf (tmp_root);
  g_free (tmp_root);
  return status;
}
