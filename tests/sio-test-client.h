/* sio-test-client.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "test-utils.h"

G_BEGIN_DECLS

/* ---------------------------------------------------------------------------------------- */
/* Socket.IO fixture: a SoupServer on 127.0.0.1:<random> with a SioServer at /socket.io/.    */

typedef struct
{
  guint ping_interval;               /* 0: keep the engine's default */
  guint ping_timeout;                /* 0: keep the engine's default */
  guint connect_timeout;             /* 0: keep the server's default */
  guint max_disconnection_duration;  /* 0: recovery off */
} SioConfig;

/* One server-side socket of a tracked namespace, kept after the socket itself is gone. */
typedef struct
{
  SioSocket  *socket;                  /* weak: NULL once the socket is finalized */
  char       *id;
  char       *nsp;
  GPtrArray  *events;                  /* SioEvent *, every event, in arrival order */
  guint       n_disconnecting;
  guint       n_disconnect;
  char       *disconnecting_reason;
  char       *reason;                  /* of "disconnect" */
  char       *description;             /* of "disconnect" */
  /* At "disconnecting" and at "disconnect": sio_socket_list_rooms(), and how many of those
   * rooms still reach the socket through sio_namespace_to() (its own-id room included). */
  GPtrArray  *rooms_at_disconnecting;
  guint       n_reachable_at_disconnecting;
  GPtrArray  *rooms_at_disconnect;
  guint       n_reachable_at_disconnect;
  gboolean    connected_at_disconnect;
} SioPeer;

typedef struct
{
  SoupServer   *soup;
  SioHttpListener *listener;
  SioServer    *io;
  GUri         *base;                  /* http://127.0.0.1:<port>/ */
  SoupSession  *session;
  GPtrArray    *peers;                 /* SioPeer *, in connection order */
  GPtrArray    *namespaces;            /* weak SioNamespace * slots (gpointer *) */
} SioFixture;

void          sio_fixture_setup          (SioFixture    *f,
                                          gconstpointer  data);
void          sio_fixture_teardown       (SioFixture    *f,
                                          gconstpointer  data);
/* Records every socket that joins @nsp as a SioPeer ("/" is tracked from the start), and
 * checks at teardown that @nsp was finalized. */
void          sio_fixture_track          (SioFixture    *f,
                                          SioNamespace  *nsp);
/* Only checks at teardown that @nsp was finalized. */
void          sio_fixture_watch          (SioFixture    *f,
                                          SioNamespace  *nsp);
SioPeer      *sio_fixture_wait_peer      (SioFixture    *f,
                                          guint          index);
SioPeer      *sio_fixture_find_peer      (SioFixture    *f,
                                          const char    *id);
/* Waits until @peer saw @n events and returns the last one. */
SioEvent     *sio_peer_wait_event        (SioPeer       *peer,
                                          guint          n);


/* Serialises with the project's JSON writer (the one the wire uses). */
char         *sio_test_json              (JsonNode      *node);
char         *sio_test_event_args_json   (SioEvent      *event);
JsonArray    *sio_test_parse_array       (const char    *json);

/* ---------------------------------------------------------------------------------------- */
/* A Socket.IO client over a raw libsoup WebSocket: it answers the server's pings ("2" with  */
/* "3") unless told not to, and queues every other message exactly as it came.              */

typedef struct
{
  SoupMessage             *msg;
  SoupWebsocketConnection *conn;
  GError                  *connect_error;
  gboolean                 connect_done;
  char                    *eio_sid;
  GQueue                   queue;        /* TestWsMessage *, oldest first; pings excluded */
  gboolean                 closed;
  gushort                  close_code;
  gboolean                 ignore_pings; /* stop answering pings, to provoke a ping timeout */
  guint                    n_pings;
} SioTestClient;

/* Opens ws://127.0.0.1:<port>/socket.io/?EIO=4&transport=websocket[&@query] with the extra
 * request @headers (name, value, ..., NULL) and reads the Engine.IO open packet. */
SioTestClient *sio_test_client_new_full  (SioFixture        *f,
                                          const char        *query,
                                          const char        *header,
                                          ...);
SioTestClient *sio_test_client_new       (SioFixture        *f);
void           sio_test_client_send      (SioTestClient     *c,
                                          const char        *text);
void           sio_test_client_send_binary (SioTestClient   *c,
                                          const void        *data,
                                          gsize              len);
char          *sio_test_client_next_text (SioTestClient     *c);
GBytes        *sio_test_client_next_binary (SioTestClient   *c);
/* Sends "40[/nsp,][auth]", expects `40[/nsp,]{"sid":"…"[,"pid":"…"]}` and returns the sid;
 * @pid receives the pid (NULL when the reply has none). */
char          *sio_test_client_connect   (SioTestClient     *c,
                                          const char        *nsp,
                                          const char        *auth,
                                          char             **pid);
void           sio_test_client_wait_closed (SioTestClient   *c);
/* Closes the WebSocket from the client side, as a tab being closed does. */
void           sio_test_client_close     (SioTestClient     *c);
void           sio_test_client_free      (SioTestClient     *c);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SioTestClient, sio_test_client_free)

/* Asserts the next message is the text @expected. */
#define sio_test_client_assert_next(c, expected)                                          \
  sio_test_client_assert_next_impl (__FILE__, __LINE__, G_STRFUNC, (c), (expected))
void           sio_test_client_assert_next_impl (const char    *file,
                                                 int            line,
                                                 const char    *func,
                                                 SioTestClient *c,
                                                 const char    *expected);
/* Asserts the next message is binary with exactly @len bytes of @expected. */
#define sio_test_client_assert_next_binary(c, expected, len)                              \
  sio_test_client_assert_next_binary_impl (__FILE__, __LINE__, G_STRFUNC, (c), (expected), \
                                           (len))
void           sio_test_client_assert_next_binary_impl (const char    *file,
                                                        int            line,
                                                        const char    *func,
                                                        SioTestClient *c,
                                                        const void    *expected,
                                                        gsize          len);

G_END_DECLS
