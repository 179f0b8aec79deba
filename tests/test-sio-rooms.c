/* test-sio-rooms.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Rooms and broadcasts over real WebSockets: who a broadcast reaches (rooms, unions, except,
 * the sender, the own-id room, volatile), the socket operations of a broadcast operator, and
 * that every recipient gets exactly one copy.
 *
 * "Nothing else arrived" is checked without timers: after the broadcast under test, the server
 * sends each client a marker, and the marker must be the very next message.
 */

#include "config.h"

#include "sio-server-private.h"
#include "sio-test-client.h"

#include <string.h>

#define N_CLIENTS 4

typedef struct
{
  SioTestClient *clients[N_CLIENTS];
  SioSocket     *sockets[N_CLIENTS];     /* borrowed: the namespace keeps them */
} Crowd;

static void
crowd_join (SioFixture *f,
            Crowd      *crowd,
            const char *nsp)
{
  for (guint i = 0; i < N_CLIENTS; i++)
    {
      g_autofree char *sid = NULL;

      crowd->clients[i] = sio_test_client_new (f);
      sid = sio_test_client_connect (crowd->clients[i], nsp, NULL, NULL);
      crowd->sockets[i] = sio_fixture_find_peer (f, sid)->socket;
    }
}

static void
crowd_clear (Crowd *crowd)
{
  for (guint i = 0; i < N_CLIENTS; i++)
    g_clear_pointer (&crowd->clients[i], sio_test_client_free);
}

/* Every client's next message, in order: @expected[i] when the bit i of @mask is set, then the
 * marker. */
static void
crowd_expect (Crowd      *crowd,
              guint       mask,
              const char *expected)
{
  SioNamespace *nsp = sio_socket_get_namespace (crowd->sockets[0]);
  const char *name = sio_namespace_get_name (nsp);
  g_autofree char *marker = strcmp (name, "/") == 0
                            ? g_strdup ("42[\"marker\"]")
                            : g_strdup_printf ("42%s,[\"marker\"]", name);

  sio_namespace_emit (nsp, "marker", NULL, NULL);
  for (guint i = 0; i < N_CLIENTS; i++)
    {
      if (mask & (1u << i))
        sio_test_client_assert_next (crowd->clients[i], expected);
      sio_test_client_assert_next (crowd->clients[i], marker);
    }
}

static void
emit_hi (SioBroadcast *broadcast)
{
  g_autoptr(JsonArray) args = json_array_new ();

  json_array_add_string_element (args, "hi");
  sio_broadcast_emit (broadcast, "hey", args, NULL);
  sio_broadcast_free (broadcast);
}

#define HI "42[\"hey\",\"hi\"]"

static void
assert_rooms (SioSocket          *socket,
              const char * const *expected)
{
  g_autoptr(GPtrArray) rooms = sio_socket_list_rooms (socket);

  g_assert_cmpuint (rooms->len, ==, g_strv_length ((char **) expected));
  for (guint i = 0; i < rooms->len; i++)
    g_assert_cmpstr (g_ptr_array_index (rooms, i), ==, expected[i]);
}

static guint
room_size (SioNamespace *nsp,
           const char   *room)
{
  GHashTable *members = g_hash_table_lookup (nsp->rooms, room);

  return members != NULL ? g_hash_table_size (members) : 0;
}

/* ---- Membership ------------------------------------------------------------------------- */

static void
test_join_leave (SioFixture    *f,
                 gconstpointer  data)
{
  g_autoptr(SioTestClient) c = sio_test_client_new (f);
  g_autofree char *sid = sio_test_client_connect (c, "/", NULL, NULL);
  SioSocket *socket = sio_fixture_find_peer (f, sid)->socket;

  /* Every socket is in the room named by its id, from the start. */
  g_assert_true (sio_socket_in_room (socket, sid));
  g_assert_false (sio_socket_in_room (socket, "a"));
  assert_rooms (socket, (const char *[]) { sid, NULL });

  sio_socket_join (socket, "a");
  sio_socket_join (socket, "b");
  sio_socket_join (socket, "a");
  g_assert_true (sio_socket_in_room (socket, "a"));
  g_assert_true (sio_socket_in_room (socket, "b"));
  assert_rooms (socket, (const char *[]) { sid, "a", "b", NULL });

  sio_socket_leave (socket, "a");
  g_assert_false (sio_socket_in_room (socket, "a"));
  assert_rooms (socket, (const char *[]) { sid, "b", NULL });

  /* Leaving a room one is not in, or one's own, changes nothing. */
  sio_socket_leave (socket, "never");
  sio_socket_leave (socket, sid);
  g_assert_true (sio_socket_in_room (socket, sid));
  assert_rooms (socket, (const char *[]) { sid, "b", NULL });

  /* Joining one's own id does not list it twice. */
  sio_socket_join (socket, sid);
  assert_rooms (socket, (const char *[]) { sid, "b", NULL });
}

static void
test_rooms_removed_when_empty (SioFixture    *f,
                               gconstpointer  data)
{
  SioNamespace *nsp = sio_server_of (f->io, "/");
  Crowd crowd = { 0 };

  crowd_join (f, &crowd, "/");
  g_assert_cmpuint (g_hash_table_size (nsp->rooms), ==, 0);

  sio_socket_join (crowd.sockets[0], "r");
  sio_socket_join (crowd.sockets[1], "r");
  sio_socket_join (crowd.sockets[1], "s");
  g_assert_cmpuint (room_size (nsp, "r"), ==, 2);
  g_assert_cmpuint (room_size (nsp, "s"), ==, 1);

  sio_socket_leave (crowd.sockets[0], "r");
  g_assert_cmpuint (room_size (nsp, "r"), ==, 1);
  sio_socket_leave (crowd.sockets[1], "r");
  g_assert_false (g_hash_table_contains (nsp->rooms, "r"));
  g_assert_true (g_hash_table_contains (nsp->rooms, "s"));

  /* Leaving the namespace empties the rooms too. */
  sio_socket_join (crowd.sockets[2], "t");
  sio_socket_disconnect (crowd.sockets[1], FALSE);
  g_assert_false (g_hash_table_contains (nsp->rooms, "s"));
  sio_test_client_close (crowd.clients[2]);
  WAIT_FOR (!g_hash_table_contains (nsp->rooms, "t"));
  g_assert_cmpuint (g_hash_table_size (nsp->rooms), ==, 0);

  crowd_clear (&crowd);
}

/* ---- Who a broadcast reaches ------------------------------------------------------------ */

static void
test_to_room (SioFixture    *f,
              gconstpointer  data)
{
  SioNamespace *nsp = sio_server_of (f->io, "/");
  Crowd crowd = { 0 };

  crowd_join (f, &crowd, "/");
  sio_socket_join (crowd.sockets[1], "r");
  sio_socket_join (crowd.sockets[3], "r");
  sio_socket_join (crowd.sockets[2], "other");

  emit_hi (sio_namespace_to (nsp, "r"));
  crowd_expect (&crowd, 0xa, HI);

  /* A room nobody is in reaches nobody. */
  emit_hi (sio_namespace_to (nsp, "nobody"));
  crowd_expect (&crowd, 0, HI);

  /* sio_namespace_emit() and sio_namespace_broadcast() reach everyone. */
  emit_hi (sio_namespace_broadcast (nsp));
  crowd_expect (&crowd, 0xf, HI);
  crowd_clear (&crowd);
}

static void
test_union (SioFixture    *f,
            gconstpointer  data)
{
  SioNamespace *nsp = sio_server_of (f->io, "/");
  Crowd crowd = { 0 };

  crowd_join (f, &crowd, "/");
  sio_socket_join (crowd.sockets[0], "a");
  sio_socket_join (crowd.sockets[1], "a");
  sio_socket_join (crowd.sockets[1], "b");
  sio_socket_join (crowd.sockets[2], "b");

  /* Socket 1 is in both rooms and gets one copy; socket 3 in neither gets none. */
  emit_hi (sio_broadcast_to (sio_namespace_to (nsp, "a"), "b"));
  crowd_expect (&crowd, 0x7, HI);

  /* The same room twice, and a socket's own id next to a room it is in. */
  emit_hi (sio_broadcast_to (sio_broadcast_to (sio_namespace_to (nsp, "a"), "a"),
                             sio_socket_get_id (crowd.sockets[1])));
  crowd_expect (&crowd, 0x3, HI);
  crowd_clear (&crowd);
}

static void
test_except (SioFixture    *f,
             gconstpointer  data)
{
  SioNamespace *nsp = sio_server_of (f->io, "/");
  Crowd crowd = { 0 };

  crowd_join (f, &crowd, "/");
  sio_socket_join (crowd.sockets[0], "a");
  sio_socket_join (crowd.sockets[1], "a");
  sio_socket_join (crowd.sockets[1], "muted");
  sio_socket_join (crowd.sockets[3], "muted");

  emit_hi (sio_broadcast_except (sio_namespace_broadcast (nsp), "muted"));
  crowd_expect (&crowd, 0x5, HI);

  emit_hi (sio_broadcast_except (sio_namespace_to (nsp, "a"), "muted"));
  crowd_expect (&crowd, 0x1, HI);

  /* Except wins over to, and a socket id works as a room there too. */
  emit_hi (sio_broadcast_except (sio_namespace_to (nsp, "a"),
                                 sio_socket_get_id (crowd.sockets[0])));
  crowd_expect (&crowd, 0x2, HI);
  crowd_clear (&crowd);
}

static void
test_socket_broadcast (SioFixture    *f,
                       gconstpointer  data)
{
  Crowd crowd = { 0 };

  crowd_join (f, &crowd, "/");
  sio_socket_join (crowd.sockets[0], "r");
  sio_socket_join (crowd.sockets[1], "r");
  sio_socket_join (crowd.sockets[2], "r");

  /* socket.broadcast: everyone but the sender. */
  emit_hi (sio_socket_broadcast (crowd.sockets[0]));
  crowd_expect (&crowd, 0xe, HI);

  /* socket.to(room): the room but the sender. */
  emit_hi (sio_socket_to (crowd.sockets[1], "r"));
  crowd_expect (&crowd, 0x5, HI);

  /* An operator can be copied and the copy used on its own. */
  {
    g_autoptr(SioBroadcast) original = sio_socket_to (crowd.sockets[2], "r");
    SioBroadcast *copy = sio_broadcast_copy (original);

    emit_hi (sio_broadcast_except (copy, sio_socket_get_id (crowd.sockets[0])));
    crowd_expect (&crowd, 0x2, HI);
    emit_hi (sio_broadcast_copy (original));
    crowd_expect (&crowd, 0x3, HI);
  }
  crowd_clear (&crowd);
}

static void
test_own_id_room (SioFixture    *f,
                  gconstpointer  data)
{
  SioNamespace *nsp = sio_server_of (f->io, "/");
  Crowd crowd = { 0 };
  g_autoptr(SioBroadcast) to = NULL;
  g_autoptr(GPtrArray) sockets = NULL;

  crowd_join (f, &crowd, "/");
  emit_hi (sio_namespace_to (nsp, sio_socket_get_id (crowd.sockets[2])));
  crowd_expect (&crowd, 0x4, HI);

  to = sio_namespace_to (nsp, sio_socket_get_id (crowd.sockets[2]));
  sockets = sio_broadcast_fetch_sockets (to);
  g_assert_cmpuint (sockets->len, ==, 1);
  g_assert_true (g_ptr_array_index (sockets, 0) == crowd.sockets[2]);

  /* The Engine.IO id is not a room. */
  emit_hi (sio_namespace_to (nsp, crowd.clients[2]->eio_sid));
  crowd_expect (&crowd, 0, HI);
  crowd_clear (&crowd);
}

static void
test_volatile (SioFixture    *f,
               gconstpointer  data)
{
  SioNamespace *nsp = sio_server_of (f->io, "/");
  Crowd crowd = { 0 };

  crowd_join (f, &crowd, "/");
  sio_socket_join (crowd.sockets[3], "r");

  /* An idle WebSocket can take a packet now: volatile changes nothing for it. */
  g_assert_true (sio_engine_socket_is_writable (sio_socket_get_engine (crowd.sockets[0])));
  emit_hi (sio_broadcast_volatile (sio_namespace_broadcast (nsp)));
  crowd_expect (&crowd, 0xf, HI);
  emit_hi (sio_broadcast_local (sio_broadcast_volatile (sio_namespace_to (nsp, "r"))));
  crowd_expect (&crowd, 0x8, HI);
  crowd_clear (&crowd);
}

static void
test_namespaces_apart (SioFixture    *f,
                       gconstpointer  data)
{
  SioNamespace *chat = sio_server_of (f->io, "/chat");
  SioNamespace *main_nsp = sio_server_of (f->io, "/");
  g_autoptr(SioTestClient) c = NULL;
  g_autofree char *main_sid = NULL;
  g_autofree char *chat_sid = NULL;
  SioSocket *main_socket;
  SioSocket *chat_socket;

  sio_fixture_track (f, chat);
  c = sio_test_client_new (f);
  main_sid = sio_test_client_connect (c, "/", NULL, NULL);
  chat_sid = sio_test_client_connect (c, "/chat", NULL, NULL);
  main_socket = sio_fixture_find_peer (f, main_sid)->socket;
  chat_socket = sio_fixture_find_peer (f, chat_sid)->socket;

  /* A room of the same name in two namespaces is two rooms. */
  sio_socket_join (main_socket, "r");
  sio_socket_join (chat_socket, "r");
  emit_hi (sio_namespace_to (chat, "r"));
  sio_test_client_assert_next (c, "42/chat,[\"hey\",\"hi\"]");
  emit_hi (sio_namespace_to (main_nsp, "r"));
  sio_test_client_assert_next (c, HI);

  /* A socket id is a room only in its own namespace. */
  emit_hi (sio_namespace_to (main_nsp, chat_sid));
  emit_hi (sio_namespace_to (chat, main_sid));
  sio_namespace_emit (main_nsp, "marker", NULL, NULL);
  sio_test_client_assert_next (c, "42[\"marker\"]");
}

/* ---- Exactly one copy each -------------------------------------------------------------- */

static void
test_one_frame_each (SioFixture    *f,
                     gconstpointer  data)
{
  static const guint8 payload[] = { 0x00, 0xff, 0x7f };
  SioNamespace *nsp = sio_server_of (f->io, "/");
  Crowd crowd = { 0 };
  g_autoptr(GBytes) bytes = g_bytes_new_static (payload, sizeof payload);
  g_autoptr(GPtrArray) attachments = g_ptr_array_new ();
  g_autoptr(JsonArray) args = json_array_new ();
  g_autoptr(SioBroadcast) all = NULL;
  SioNamespace *chat = sio_server_of (f->io, "/chat");

  sio_fixture_track (f, chat);
  crowd_join (f, &crowd, "/");
  /* Being in more namespaces and rooms does not multiply what a "/" broadcast sends. */
  for (guint i = 0; i < N_CLIENTS; i++)
    {
      sio_socket_join (crowd.sockets[i], "a");
      sio_socket_join (crowd.sockets[i], "b");
      g_free (sio_test_client_connect (crowd.clients[i], "/chat", NULL, NULL));
    }

  g_ptr_array_add (attachments, bytes);
  json_array_add_string_element (args, "x");
  json_array_add_element (args, sio_packet_new_placeholder (0));
  all = sio_namespace_broadcast (nsp);
  sio_broadcast_emit (all, "bin", args, attachments);

  sio_namespace_emit (nsp, "marker", NULL, NULL);
  for (guint i = 0; i < N_CLIENTS; i++)
    {
      sio_test_client_assert_next (crowd.clients[i],
                                   "451-[\"bin\",\"x\",{\"_placeholder\":true,\"num\":0}]");
      sio_test_client_assert_next_binary (crowd.clients[i], payload, sizeof payload);
      sio_test_client_assert_next (crowd.clients[i], "42[\"marker\"]");
    }

  /* An operator can emit again. */
  sio_broadcast_emit (sio_broadcast_to (sio_broadcast_to (all, "a"), "b"), "again", NULL, NULL);
  crowd_expect (&crowd, 0xf, "42[\"again\"]");
  crowd_clear (&crowd);
}

/* ---- Socket operations of an operator --------------------------------------------------- */

static gboolean
contains_socket (GPtrArray *sockets,
                 SioSocket *socket)
{
  return g_ptr_array_find (sockets, socket, NULL);
}

static void
test_fetch_sockets (SioFixture    *f,
                    gconstpointer  data)
{
  SioNamespace *nsp = sio_server_of (f->io, "/");
  Crowd crowd = { 0 };
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) in_r = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(SioBroadcast) to_r = NULL;
  g_autoptr(SioBroadcast) everyone = NULL;

  crowd_join (f, &crowd, "/");
  sio_socket_join (crowd.sockets[1], "r");
  sio_socket_join (crowd.sockets[2], "r");
  sio_socket_join (crowd.sockets[2], "x");

  everyone = sio_namespace_broadcast (nsp);
  all = sio_broadcast_fetch_sockets (everyone);
  g_assert_cmpuint (all->len, ==, N_CLIENTS);
  for (guint i = 0; i < N_CLIENTS; i++)
    g_assert_true (contains_socket (all, crowd.sockets[i]));
  listed = sio_namespace_list_sockets (nsp);
  g_assert_cmpuint (listed->len, ==, N_CLIENTS);

  to_r = sio_broadcast_except (sio_namespace_to (nsp, "r"), "x");
  in_r = sio_broadcast_fetch_sockets (to_r);
  g_assert_cmpuint (in_r->len, ==, 1);
  g_assert_true (g_ptr_array_index (in_r, 0) == crowd.sockets[1]);
  crowd_clear (&crowd);
}

static void
test_sockets_join_leave (SioFixture    *f,
                         gconstpointer  data)
{
  SioNamespace *nsp = sio_server_of (f->io, "/");
  Crowd crowd = { 0 };
  g_autoptr(SioBroadcast) to_r = NULL;
  g_autoptr(SioBroadcast) everyone = NULL;

  crowd_join (f, &crowd, "/");
  sio_socket_join (crowd.sockets[0], "r");
  sio_socket_join (crowd.sockets[3], "r");

  /* Everyone in "r" joins "s" (socketsJoin), then everyone leaves "r" (socketsLeave). */
  to_r = sio_namespace_to (nsp, "r");
  sio_broadcast_sockets_join (to_r, "s");
  g_assert_true (sio_socket_in_room (crowd.sockets[0], "s"));
  g_assert_false (sio_socket_in_room (crowd.sockets[1], "s"));
  g_assert_true (sio_socket_in_room (crowd.sockets[3], "s"));
  emit_hi (sio_namespace_to (nsp, "s"));
  crowd_expect (&crowd, 0x9, HI);

  everyone = sio_namespace_broadcast (nsp);
  sio_broadcast_sockets_leave (everyone, "r");
  for (guint i = 0; i < N_CLIENTS; i++)
    g_assert_false (sio_socket_in_room (crowd.sockets[i], "r"));
  g_assert_false (g_hash_table_contains (nsp->rooms, "r"));
  emit_hi (sio_namespace_to (nsp, "r"));
  crowd_expect (&crowd, 0, HI);
  crowd_clear (&crowd);
}

static void
test_disconnect_sockets (SioFixture    *f,
                         gconstpointer  data)
{
  SioNamespace *nsp = sio_server_of (f->io, "/");
  Crowd crowd = { 0 };
  g_autoptr(SioBroadcast) to_r = NULL;
  g_autoptr(SioBroadcast) to_s = NULL;
  SioPeer *peers[N_CLIENTS];

  crowd_join (f, &crowd, "/");
  for (guint i = 0; i < N_CLIENTS; i++)
    peers[i] = sio_fixture_wait_peer (f, i);
  sio_socket_join (crowd.sockets[0], "r");
  sio_socket_join (crowd.sockets[2], "r");
  sio_socket_join (crowd.sockets[3], "s");

  to_r = sio_namespace_to (nsp, "r");
  sio_broadcast_disconnect_sockets (to_r, FALSE);
  sio_test_client_assert_next (crowd.clients[0], "41");
  sio_test_client_assert_next (crowd.clients[2], "41");
  g_assert_cmpstr (peers[0]->reason, ==, "server namespace disconnect");
  g_assert_cmpstr (peers[2]->reason, ==, "server namespace disconnect");
  g_assert_cmpuint (peers[1]->n_disconnecting, ==, 0);
  g_assert_cmpuint (peers[3]->n_disconnecting, ==, 0);
  g_assert_cmpuint (sio_namespace_get_n_sockets (nsp), ==, 2);
  /* Namespace-only: the connections stay. */
  g_assert_false (crowd.clients[0]->closed);

  /* close = TRUE ends the client's connection. */
  to_s = sio_namespace_to (nsp, "s");
  sio_broadcast_disconnect_sockets (to_s, TRUE);
  sio_test_client_wait_closed (crowd.clients[3]);
  g_assert_cmpuint (peers[3]->n_disconnect, ==, 1);
  g_assert_cmpuint (peers[1]->n_disconnecting, ==, 0);

  emit_hi (sio_namespace_broadcast (nsp));
  sio_test_client_assert_next (crowd.clients[1], HI);
  crowd_clear (&crowd);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/sio/rooms/" path, SioFixture, NULL, sio_fixture_setup, func, sio_fixture_teardown)

  ADD ("join-leave", test_join_leave);
  ADD ("removed-when-empty", test_rooms_removed_when_empty);
  ADD ("to-room", test_to_room);
  ADD ("union", test_union);
  ADD ("except", test_except);
  ADD ("socket-broadcast", test_socket_broadcast);
  ADD ("own-id", test_own_id_room);
  ADD ("volatile", test_volatile);
  ADD ("namespaces-apart", test_namespaces_apart);
  ADD ("one-frame-each", test_one_frame_each);
  ADD ("fetch-sockets", test_fetch_sockets);
  ADD ("sockets-join-leave", test_sockets_join_leave);
  ADD ("disconnect-sockets", test_disconnect_sockets);

  return g_test_run ();
}
