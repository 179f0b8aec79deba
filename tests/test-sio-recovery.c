/* test-sio-recovery.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Connection state recovery (the reference's connectionStateRecovery option) over real
 * WebSockets: the private id in the CONNECT reply, offsets on broadcasts, and a reconnection
 * that gets its id, rooms, data and missed packets back, or a fresh socket when it may not.
 */

#include "config.h"

#include "sio-test-client.h"

#include <string.h>

static const SioConfig recovery_config = {
  .max_disconnection_duration = 60 * 1000,
};
static const SioConfig short_recovery_config = {
  .max_disconnection_duration = 200,
};

/* An event as the client sees it: name, arguments, and the offset the server appended. */
typedef struct
{
  char      *name;
  JsonArray *args;     /* without the name and the offset */
  char      *offset;   /* NULL when the last argument is not a string */
} Received;

static void
received_free (Received *r)
{
  g_free (r->name);
  json_array_unref (r->args);
  g_free (r->offset);
  g_free (r);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Received, received_free)

static Received *
parse_event (const char *text,
             const char *prefix)
{
  g_autoptr(JsonArray) data = NULL;
  Received *r = g_new0 (Received, 1);
  guint n;

  if (!g_str_has_prefix (text, prefix))
    {
      g_autofree char *fail = g_strdup_printf ("expected '%s...', got '%s'", prefix, text);
      g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC, fail);
    }
  data = sio_test_parse_array (text + strlen (prefix));
  n = json_array_get_length (data);
  if (n < 2)
    {
      g_autofree char *fail = g_strdup_printf ("expected an event with an offset, got '%s'", text);
      g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC, fail);
    }
  r->name = g_strdup (json_array_get_string_element (data, 0));
  r->args = json_array_new ();
  for (guint i = 1; i + 1 < n; i++)
    json_array_add_element (r->args, json_node_copy (json_array_get_element (data, i)));
  if (json_node_get_value_type (json_array_get_element (data, n - 1)) == G_TYPE_STRING)
    r->offset = g_strdup (json_array_get_string_element (data, n - 1));
  return r;
}

/* Reads the next event from @c, which must be @name with an offset, and returns the offset. */
static char *
next_offset (SioTestClient *c,
             const char    *name)
{
  g_autofree char *text = sio_test_client_next_text (c);
  g_autoptr(Received) r = parse_event (text, "42");

  g_assert_cmpstr (r->name, ==, name);
  g_assert_nonnull (r->offset);
  g_assert_cmpstr (r->offset, !=, "");
  return g_steal_pointer (&r->offset);
}

/* `40{"pid":@pid,"offset":@offset}` */
static char *
recovery_auth (const char *pid,
               const char *offset)
{
  return g_strdup_printf ("{\"pid\":\"%s\",\"offset\":\"%s\"}", pid, offset);
}

typedef struct
{
  SioTestClient *c;
  char          *sid;
  char          *pid;
  char          *offset;     /* of the last event the client read */
  SioPeer       *peer;
} Session;

static void
session_clear (Session *s)
{
  g_clear_pointer (&s->c, sio_test_client_free);
  g_clear_pointer (&s->sid, g_free);
  g_clear_pointer (&s->pid, g_free);
  g_clear_pointer (&s->offset, g_free);
}

/* Connects to "/", reads one broadcast so the client holds an offset. */
static void
session_start (SioFixture *f,
               Session    *s)
{
  s->c = sio_test_client_new (f);
  s->sid = sio_test_client_connect (s->c, "/", NULL, &s->pid);
  g_assert_nonnull (s->pid);
  g_assert_cmpstr (s->pid, !=, s->sid);
  s->peer = sio_fixture_find_peer (f, s->sid);

  sio_socket_emit (s->peer->socket, "welcome", NULL, NULL);
  s->offset = next_offset (s->c, "welcome");
}

/* A new connection presenting @s's pid and offset. */
static SioTestClient *
session_resume (SioFixture  *f,
                Session     *s,
                char       **sid_out,
                char       **pid_out)
{
  SioTestClient *c = sio_test_client_new (f);
  g_autofree char *auth = recovery_auth (s->pid, s->offset);

  g_assert_cmpstr (c->eio_sid, !=, s->c->eio_sid);
  *sid_out = sio_test_client_connect (c, "/", auth, pid_out);
  return c;
}

/* ---- Offsets ---------------------------------------------------------------------------- */

static void
test_pid_and_offsets (SioFixture    *f,
                      gconstpointer  data)
{
  static const guint8 payload[] = { 7 };
  SioNamespace *nsp = sio_server_of (f->io, "/");
  g_autoptr(SioTestClient) c = sio_test_client_new (f);
  g_autofree char *pid = NULL;
  g_autofree char *sid = sio_test_client_connect (c, "/", NULL, &pid);
  g_autofree char *offset1 = NULL;
  g_autofree char *offset2 = NULL;
  g_autofree char *offset3 = NULL;
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new_static (payload, sizeof payload);
  g_autoptr(GPtrArray) attachments = g_ptr_array_new ();
  g_autoptr(JsonArray) args = json_array_new ();
  g_autoptr(Received) r = NULL;
  SioPeer *peer = sio_fixture_find_peer (f, sid);

  g_assert_nonnull (pid);
  g_assert_cmpstr (pid, !=, sid);

  /* Broadcasts and direct emits carry an offset as their last argument. */
  json_array_add_string_element (args, "a");
  sio_namespace_emit (nsp, "one", args, NULL);
  text = sio_test_client_next_text (c);
  r = parse_event (text, "42");
  g_assert_cmpstr (r->name, ==, "one");
  g_assert_cmpuint (json_array_get_length (r->args), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (r->args, 0), ==, "a");
  offset1 = g_strdup (r->offset);
  expected = g_strdup_printf ("42[\"one\",\"a\",\"%s\"]", offset1);
  g_assert_cmpstr (text, ==, expected);

  sio_socket_emit (peer->socket, "two", NULL, NULL);
  offset2 = next_offset (c, "two");
  g_assert_cmpstr (offset2, !=, offset1);

  /* After the placeholders, for a binary event. */
  g_ptr_array_add (attachments, bytes);
  json_array_remove_element (args, 0);
  json_array_add_element (args, sio_packet_new_placeholder (0));
  sio_namespace_emit (nsp, "bin", args, attachments);
  g_clear_pointer (&text, g_free);
  text = sio_test_client_next_text (c);
  g_clear_pointer (&r, received_free);
  r = parse_event (text, "451-");
  g_assert_cmpstr (r->name, ==, "bin");
  offset3 = g_strdup (r->offset);
  g_assert_nonnull (offset3);
  g_assert_cmpstr (offset3, !=, offset2);
  g_assert_cmpstr (offset3, !=, offset1);
  sio_test_client_assert_next_binary (c, payload, sizeof payload);

  /* Volatile packets and packets with an ack are not kept, so they have no offset. */
  {
    g_autoptr(SioBroadcast) vol = sio_broadcast_volatile (sio_namespace_broadcast (nsp));

    sio_broadcast_emit (vol, "volatile", NULL, NULL);
    sio_test_client_assert_next (c, "42[\"volatile\"]");
  }
  sio_socket_emit_with_ack_async (peer->socket, "asks", NULL, NULL, 0, NULL, NULL, NULL);
  sio_test_client_assert_next (c, "420[\"asks\"]");
  sio_test_client_send (c, "430[]");

  /* The caller's argument array is left alone. */
  g_assert_cmpuint (json_array_get_length (args), ==, 1);
}

/* ---- Recovery --------------------------------------------------------------------------- */

static void
join_rooms_and_set_data (SioSocket *socket)
{
  sio_socket_join (socket, "room1");
  sio_socket_join (socket, "room2");
  json_object_set_string_member (sio_socket_get_data (socket), "foo", "bar");
  json_object_set_int_member (sio_socket_get_data (socket), "n", 42);
}

static void
test_restore (SioFixture    *f,
              gconstpointer  data)
{
  SioNamespace *nsp = sio_server_of (f->io, "/");
  Session s = { 0 };
  g_autoptr(SioTestClient) bystander = sio_test_client_new (f);
  g_autoptr(SioTestClient) c = NULL;
  g_autofree char *bystander_sid = sio_test_client_connect (bystander, "/", NULL, NULL);
  g_autofree char *sid = NULL;
  g_autofree char *pid = NULL;
  g_autofree char *reply = NULL;
  g_autofree char *data_json = NULL;
  g_autoptr(JsonNode) data_node = NULL;
  g_autoptr(GPtrArray) rooms = NULL;
  const char *expected[] = { "hello1", "hello2", "hello3", "hello4" };
  g_autofree char *last = NULL;
  SioPeer *peer;

  session_start (f, &s);
  join_rooms_and_set_data (s.peer->socket);

  /* The transport drops (a tab put to sleep, a network change). */
  sio_test_client_close (s.c);
  WAIT_FOR (s.peer->n_disconnect == 1);
  g_assert_cmpstr (s.peer->reason, ==, "transport close");

  /* Meanwhile: what it should get back, and what it should not. */
  sio_namespace_emit (nsp, "hello1", NULL, NULL);
  {
    g_autoptr(SioBroadcast) to = sio_namespace_to (nsp, "room1");
    g_autoptr(SioBroadcast) elsewhere = sio_namespace_to (nsp, "room3");
    g_autoptr(SioBroadcast) except = sio_broadcast_except (sio_namespace_broadcast (nsp),
                                                           "room2");
    g_autoptr(SioBroadcast) to_sid = sio_namespace_to (nsp, s.sid);
    g_autoptr(SioBroadcast) vol = sio_broadcast_volatile (sio_namespace_broadcast (nsp));
    g_autoptr(SioBroadcast) others = sio_socket_broadcast (
      sio_fixture_find_peer (f, bystander_sid)->socket);

    sio_broadcast_emit (to, "hello2", NULL, NULL);
    sio_broadcast_emit (elsewhere, "not in room3", NULL, NULL);
    sio_broadcast_emit (except, "excepted", NULL, NULL);
    sio_broadcast_emit (to_sid, "hello3", NULL, NULL);
    sio_broadcast_emit (vol, "volatile", NULL, NULL);
    /* The bystander's broadcast to everyone else includes the absent socket. */
    sio_broadcast_emit (others, "hello4", NULL, NULL);
  }
  sio_namespace_emit (sio_server_of (f->io, "/other"), "other namespace", NULL, NULL);

  c = session_resume (f, &s, &sid, &pid);
  g_assert_cmpstr (sid, ==, s.sid);
  g_assert_cmpstr (pid, ==, s.pid);

  /* The CONNECT reply first, then the missed packets in their order, and nothing else. */
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autofree char *offset = next_offset (c, expected[i]);

      g_assert_cmpstr (offset, !=, s.offset);
      if (last != NULL)
        g_assert_cmpstr (offset, !=, last);
      g_free (last);
      last = g_steal_pointer (&offset);
    }

  peer = sio_fixture_find_peer (f, sid);
  g_assert_true (peer != s.peer);
  g_assert_true (sio_socket_is_recovered (peer->socket));
  g_assert_cmpstr (sio_socket_get_id (peer->socket), ==, s.sid);
  rooms = sio_socket_list_rooms (peer->socket);
  g_assert_cmpuint (rooms->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (rooms, 0), ==, s.sid);
  g_assert_true (sio_socket_in_room (peer->socket, "room1"));
  g_assert_true (sio_socket_in_room (peer->socket, "room2"));
  data_node = json_node_init_object (json_node_alloc (), sio_socket_get_data (peer->socket));
  data_json = sio_test_json (data_node);
  g_assert_cmpstr (data_json, ==, "{\"foo\":\"bar\",\"n\":42}");
  g_assert_true (sio_namespace_lookup_socket (nsp, s.sid) == peer->socket);

  /* The rooms are live again: broadcasts to them reach the socket. */
  {
    g_autoptr(SioBroadcast) to = sio_namespace_to (nsp, "room2");
    g_autofree char *offset = NULL;

    sio_broadcast_emit (to, "back in room2", NULL, NULL);
    offset = next_offset (c, "back in room2");
  }

  /* The bystander got the live broadcasts, not the room ones. */
  {
    g_autofree char *o1 = next_offset (bystander, "hello1");
    g_autofree char *o2 = next_offset (bystander, "excepted");

    sio_test_client_assert_next (bystander, "42[\"volatile\"]");
  }

  session_clear (&s);
}

static void
test_restore_from_latest (SioFixture    *f,
                          gconstpointer  data)
{
  SioNamespace *nsp = sio_server_of (f->io, "/");
  Session s = { 0 };
  g_autoptr(SioTestClient) c = NULL;
  g_autofree char *sid = NULL;
  g_autofree char *pid = NULL;

  session_start (f, &s);
  sio_socket_join (s.peer->socket, "r");
  sio_namespace_emit (nsp, "seen", NULL, NULL);
  g_free (s.offset);
  s.offset = next_offset (s.c, "seen");
  sio_test_client_close (s.c);
  WAIT_FOR (s.peer->n_disconnect == 1);

  /* Nothing was missed: the CONNECT reply is all, and the socket is recovered anyway. */
  c = session_resume (f, &s, &sid, &pid);
  g_assert_cmpstr (sid, ==, s.sid);
  g_assert_true (sio_socket_is_recovered (sio_fixture_find_peer (f, sid)->socket));
  sio_socket_emit (sio_fixture_find_peer (f, sid)->socket, "now", NULL, NULL);
  g_free (next_offset (c, "now"));

  /* A recovered socket can drop and recover again. */
  {
    SioPeer *peer = sio_fixture_find_peer (f, sid);
    g_autoptr(SioTestClient) again = NULL;
    g_autofree char *sid2 = NULL;
    g_autofree char *pid2 = NULL;

    sio_namespace_emit (nsp, "before", NULL, NULL);
    g_free (s.offset);
    s.offset = next_offset (c, "before");
    g_clear_pointer (&s.c, sio_test_client_free);
    s.c = g_steal_pointer (&c);
    sio_test_client_close (s.c);
    WAIT_FOR (peer->n_disconnect == 1);
    g_assert_cmpstr (peer->reason, ==, "transport close");

    sio_namespace_emit (nsp, "missed", NULL, NULL);
    again = session_resume (f, &s, &sid2, &pid2);
    g_assert_cmpstr (sid2, ==, s.sid);
    g_assert_cmpstr (pid2, ==, s.pid);
    g_free (next_offset (again, "missed"));
    g_assert_true (sio_socket_in_room (sio_fixture_find_peer (f, sid2)->socket, "r"));
  }

  session_clear (&s);
}

static void
test_restore_binary (SioFixture    *f,
                     gconstpointer  data)
{
  static const guint8 payload[] = { 0xff, 0x00, 0x01 };
  SioNamespace *nsp = sio_server_of (f->io, "/");
  Session s = { 0 };
  g_autoptr(SioTestClient) c = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new_static (payload, sizeof payload);
  g_autoptr(GPtrArray) attachments = g_ptr_array_new ();
  g_autoptr(JsonArray) args = json_array_new ();
  g_autoptr(Received) r = NULL;
  g_autofree char *sid = NULL;
  g_autofree char *pid = NULL;
  g_autofree char *text = NULL;

  session_start (f, &s);
  sio_test_client_close (s.c);
  WAIT_FOR (s.peer->n_disconnect == 1);

  g_ptr_array_add (attachments, bytes);
  json_array_add_element (args, sio_packet_new_placeholder (0));
  sio_namespace_emit (nsp, "bin", args, attachments);
  sio_namespace_emit (nsp, "text", NULL, NULL);

  /* A missed binary event comes back whole: its text with the offset, then its attachment. */
  c = session_resume (f, &s, &sid, &pid);
  g_assert_cmpstr (sid, ==, s.sid);
  text = sio_test_client_next_text (c);
  r = parse_event (text, "451-");
  g_assert_cmpstr (r->name, ==, "bin");
  g_assert_nonnull (r->offset);
  sio_test_client_assert_next_binary (c, payload, sizeof payload);
  g_free (next_offset (c, "text"));
  session_clear (&s);
}

static void
assert_fresh (SioFixture    *f,
              SioTestClient *c,
              Session       *s,
              const char    *sid,
              const char    *pid)
{
  SioPeer *peer = sio_fixture_find_peer (f, sid);

  g_assert_cmpstr (sid, !=, s->sid);
  g_assert_nonnull (pid);
  g_assert_cmpstr (pid, !=, s->pid);
  g_assert_false (sio_socket_is_recovered (peer->socket));
  g_assert_false (sio_socket_in_room (peer->socket, "room1"));
  g_assert_cmpuint (json_object_get_size (sio_socket_get_data (peer->socket)), ==, 0);

  /* And no missed packets follow the CONNECT reply. */
  sio_socket_emit (peer->socket, "marker", NULL, NULL);
  g_free (next_offset (c, "marker"));
}

static void
test_unknown_pid (SioFixture    *f,
                  gconstpointer  data)
{
  Session s = { 0 };
  g_autoptr(SioTestClient) c = NULL;
  g_autofree char *sid = NULL;
  g_autofree char *pid = NULL;

  session_start (f, &s);
  join_rooms_and_set_data (s.peer->socket);
  sio_test_client_close (s.c);
  WAIT_FOR (s.peer->n_disconnect == 1);
  sio_namespace_emit (sio_server_of (f->io, "/"), "missed", NULL, NULL);

  g_free (s.pid);
  s.pid = g_strdup ("AAAAAAAAAAAAAAAAAAAA");
  c = session_resume (f, &s, &sid, &pid);
  assert_fresh (f, c, &s, sid, pid);
  session_clear (&s);
}

static void
test_unknown_offset (SioFixture    *f,
                     gconstpointer  data)
{
  Session s = { 0 };
  g_autoptr(SioTestClient) c = NULL;
  g_autoptr(SioTestClient) c2 = NULL;
  g_autofree char *sid = NULL;
  g_autofree char *pid = NULL;
  g_autofree char *sid2 = NULL;
  g_autofree char *pid2 = NULL;
  g_autofree char *good_offset = NULL;

  session_start (f, &s);
  join_rooms_and_set_data (s.peer->socket);
  sio_test_client_close (s.c);
  WAIT_FOR (s.peer->n_disconnect == 1);

  /* An offset the server never gave (or no longer has) may hide missed packets. */
  good_offset = g_steal_pointer (&s.offset);
  s.offset = g_strdup ("not-an-offset");
  c = session_resume (f, &s, &sid, &pid);
  assert_fresh (f, c, &s, sid, pid);

  /* The session itself is still there for a request that has a good offset. */
  g_free (s.offset);
  s.offset = g_steal_pointer (&good_offset);
  c2 = session_resume (f, &s, &sid2, &pid2);
  g_assert_cmpstr (sid2, ==, s.sid);
  g_assert_true (sio_socket_is_recovered (sio_fixture_find_peer (f, sid2)->socket));
  session_clear (&s);
}

static void
on_timeout_flag (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

static void
test_expired (SioFixture    *f,
              gconstpointer  data)
{
  Session s = { 0 };
  g_autoptr(SioTestClient) c = NULL;
  g_autofree char *sid = NULL;
  g_autofree char *pid = NULL;
  gboolean waited = FALSE;

  g_assert_cmpuint (sio_server_get_max_disconnection_duration (f->io), ==, 200);
  session_start (f, &s);
  join_rooms_and_set_data (s.peer->socket);
  sio_test_client_close (s.c);
  WAIT_FOR (s.peer->n_disconnect == 1);

  /* Twice the window: however slow the machine, the session is over. */
  g_timeout_add_once (400, on_timeout_flag, &waited);
  WAIT_FOR (waited);

  c = session_resume (f, &s, &sid, &pid);
  assert_fresh (f, c, &s, sid, pid);
  session_clear (&s);
}

static void
not_recoverable (SioFixture *f,
                 gboolean    by_server)
{
  Session s = { 0 };
  g_autoptr(SioTestClient) c = NULL;
  g_autofree char *sid = NULL;
  g_autofree char *pid = NULL;

  session_start (f, &s);
  join_rooms_and_set_data (s.peer->socket);

  /* Leaving a namespace on purpose is not a drop to recover from. */
  if (by_server)
    {
      sio_socket_disconnect (s.peer->socket, FALSE);
      sio_test_client_assert_next (s.c, "41");
      g_assert_cmpstr (s.peer->reason, ==, "server namespace disconnect");
    }
  else
    {
      sio_test_client_send (s.c, "41");
      WAIT_FOR (s.peer->n_disconnect == 1);
      g_assert_cmpstr (s.peer->reason, ==, "client namespace disconnect");
    }

  c = session_resume (f, &s, &sid, &pid);
  assert_fresh (f, c, &s, sid, pid);
  session_clear (&s);
}

static void
test_not_recoverable_by_client (SioFixture    *f,
                                gconstpointer  data)
{
  not_recoverable (f, FALSE);
}

static void
test_not_recoverable_by_server (SioFixture    *f,
                                gconstpointer  data)
{
  not_recoverable (f, TRUE);
}

static void
test_other_namespace (SioFixture    *f,
                      gconstpointer  data)
{
  Session s = { 0 };
  g_autoptr(SioTestClient) c = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *sid = NULL;
  g_autofree char *pid = NULL;
  SioPeer *peer;

  sio_fixture_track (f, sio_server_of (f->io, "/chat"));
  session_start (f, &s);
  sio_test_client_close (s.c);
  WAIT_FOR (s.peer->n_disconnect == 1);

  /* Sessions belong to their namespace. */
  c = sio_test_client_new (f);
  auth = recovery_auth (s.pid, s.offset);
  sid = sio_test_client_connect (c, "/chat", auth, &pid);
  g_assert_cmpstr (sid, !=, s.sid);
  g_assert_cmpstr (pid, !=, s.pid);
  peer = sio_fixture_find_peer (f, sid);
  g_assert_false (sio_socket_is_recovered (peer->socket));
  session_clear (&s);
}

/* ---- Middlewares on recovery ------------------------------------------------------------ */

static gboolean
count_middleware (SioSocket  *socket,
                  JsonNode  **error_data,
                  GError    **error,
                  gpointer    user_data)
{
  (*(guint *) user_data)++;
  return TRUE;
}

static void
skip_middlewares (SioFixture *f,
                  gboolean    skip)
{
  Session s = { 0 };
  g_autoptr(SioTestClient) c = NULL;
  g_autofree char *sid = NULL;
  g_autofree char *pid = NULL;
  guint n_runs = 0;

  g_assert_true (sio_server_get_skip_middlewares (f->io));
  sio_server_set_skip_middlewares (f->io, skip);
  sio_namespace_use (sio_server_of (f->io, "/"), count_middleware, &n_runs, NULL);

  session_start (f, &s);
  g_assert_cmpuint (n_runs, ==, 1);
  sio_test_client_close (s.c);
  WAIT_FOR (s.peer->n_disconnect == 1);

  c = session_resume (f, &s, &sid, &pid);
  g_assert_cmpstr (sid, ==, s.sid);
  g_assert_true (sio_socket_is_recovered (sio_fixture_find_peer (f, sid)->socket));
  g_assert_cmpuint (n_runs, ==, skip ? 1 : 2);
  session_clear (&s);
}

static void
test_skip_middlewares_default (SioFixture    *f,
                               gconstpointer  data)
{
  skip_middlewares (f, TRUE);
}

static void
test_run_middlewares (SioFixture    *f,
                      gconstpointer  data)
{
  skip_middlewares (f, FALSE);
}

/* ---- Known bugs ------------------------------------------------------------------------- */

/* socket.disconnect(true) disconnects each socket with "server namespace disconnect" in the
 * reference, which is not a recoverable reason: the client gets a fresh socket. */
static void
test_known_bug_disconnect_close (SioFixture    *f,
                                 gconstpointer  data)
{
  Session s = { 0 };
  g_autoptr(SioTestClient) c = NULL;
  g_autofree char *sid = NULL;
  g_autofree char *pid = NULL;

  session_start (f, &s);
  sio_socket_disconnect (s.peer->socket, TRUE);
  sio_test_client_wait_closed (s.c);

  c = session_resume (f, &s, &sid, &pid);
  assert_fresh (f, c, &s, sid, pid);
  session_clear (&s);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/sio/recovery/" path, SioFixture, &recovery_config, sio_fixture_setup, func, \
              sio_fixture_teardown)

  ADD ("pid-and-offsets", test_pid_and_offsets);
  ADD ("restore", test_restore);
  ADD ("restore-again", test_restore_from_latest);
  ADD ("restore-binary", test_restore_binary);
  ADD ("unknown-pid", test_unknown_pid);
  ADD ("unknown-offset", test_unknown_offset);
  g_test_add ("/sio/recovery/expired", SioFixture, &short_recovery_config, sio_fixture_setup,
              test_expired, sio_fixture_teardown);
  ADD ("not-recoverable/client-disconnect", test_not_recoverable_by_client);
  ADD ("not-recoverable/server-disconnect", test_not_recoverable_by_server);
  ADD ("other-namespace", test_other_namespace);
  ADD ("middlewares/skipped", test_skip_middlewares_default);
  ADD ("middlewares/run", test_run_middlewares);
  ADD ("known-bug/disconnect-close", test_known_bug_disconnect_close);

  return g_test_run ();
}
