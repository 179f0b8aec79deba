/* test-utils.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "sio.h"

G_BEGIN_DECLS

/* The longest a single WAIT_FOR() may spin. It only turns a hang into a readable failure that
 * names the condition; meson's per-test timeout stays the real guard. Tests never rely on it. */
#define TEST_WAIT_TIMEOUT_USEC (30 * G_USEC_PER_SEC)

/* Spins the default main context until @cond holds. A 100 ms wake-up source lets the loop notice
 * the deadline even when nothing else is happening. */
#define WAIT_FOR(cond)                                                                   \
  G_STMT_START                                                                           \
  {                                                                                      \
    gint64 wait_for_deadline_ = g_get_monotonic_time () + TEST_WAIT_TIMEOUT_USEC;        \
    guint wait_for_id_ = g_timeout_add (100, test_wakeup_cb, NULL);                      \
                                                                                         \
    while (!(cond))                                                                      \
      {                                                                                  \
        if (g_get_monotonic_time () > wait_for_deadline_)                                \
          g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC,              \
                               "timed out in WAIT_FOR (" #cond ")");                     \
        g_main_context_iteration (NULL, TRUE);                                           \
      }                                                                                  \
    g_source_remove (wait_for_id_);                                                      \
  }                                                                                      \
  G_STMT_END

gboolean test_wakeup_cb (gpointer user_data);

/* Runs every source that is ready now, without blocking. */
void     test_drain_main_context (void);

/* ---------------------------------------------------------------------------------------- */
/* HTTP client: a request started asynchronously that the test can wait on.                  */

typedef struct
{
  SoupMessage *msg;
  gboolean     done;
  guint        status;       /* 0 when the request failed at the transport level */
  GBytes      *body;         /* NULL on transport failure */
  char        *text;         /* body as a NUL-terminated copy ("" when there is none) */
  gsize        len;          /* body length */
  GError      *error;        /* transport-level error, if any */

  /*< private >*/
  GCancellable *cancellable;
  int           refs;
} TestHttp;

TestHttp    *test_http_begin_msg        (SoupSession  *session,
                                         SoupMessage  *msg);
TestHttp    *test_http_begin            (SoupSession  *session,
                                         const char   *method,
                                         const char   *uri,
                                         const char   *content_type,
                                         const char   *body,
                                         gssize        len);
void         test_http_wait             (TestHttp     *req);
TestHttp    *test_http_run              (SoupSession  *session,
                                         const char   *method,
                                         const char   *uri,
                                         const char   *content_type,
                                         const char   *body,
                                         gssize        len);
const char  *test_http_get_header       (TestHttp     *req,
                                         const char   *name);
void         test_http_free             (TestHttp     *req);
guint        test_http_get_n_pending    (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestHttp, test_http_free)

/* Asserts an Engine.IO error answer: @status and exactly {"code":@code,"message":@message}. */
#define test_assert_http_error(req, status_, code_, message_) \
  test_assert_http_error_impl (__FILE__, __LINE__, (req), (status_), (code_), (message_))
void         test_assert_http_error_impl (const char  *file,
                                          int          line,
                                          TestHttp    *req,
                                          guint        status,
                                          int          code,
                                          const char  *message);

/* ---------------------------------------------------------------------------------------- */
/* WebSocket client on libsoup, collecting what it receives into a queue.                    */

typedef struct
{
  SoupWebsocketDataType  type;
  GBytes                *data;
} TestWsMessage;

typedef struct
{
  SoupMessage             *msg;          /* the handshake; its status tells why a connect failed */
  SoupWebsocketConnection *conn;         /* NULL when the handshake failed */
  GError                  *connect_error;
  GQueue                   queue;        /* TestWsMessage *, oldest first */
  gboolean                 closed;
  gushort                  close_code;
  char                    *close_data;
  GError                  *error;        /* first "error" signal, if any */
  gboolean                 connect_done;
} TestWs;

TestWs        *test_ws_connect          (SoupSession   *session,
                                         const char    *uri);
TestWs        *test_ws_connect_msg      (SoupSession   *session,
                                         SoupMessage   *msg);
void           test_ws_send_text        (TestWs        *ws,
                                         const char    *text);
void           test_ws_send_binary      (TestWs        *ws,
                                         const void    *data,
                                         gsize          len);
TestWsMessage *test_ws_next             (TestWs        *ws);
/* The text (or bytes) of @message, taken (transfer full); a test failure if it is NULL (the
 * socket closed, with @close_code) or of the other kind. */
char          *test_ws_message_take_text   (TestWsMessage *message,
                                            guint          close_code);
GBytes        *test_ws_message_take_binary (TestWsMessage *message,
                                            guint          close_code);
char          *test_ws_next_text        (TestWs        *ws);
GBytes        *test_ws_next_binary      (TestWs        *ws);
void           test_ws_wait_closed      (TestWs        *ws);
void           test_ws_close            (TestWs        *ws);
void           test_ws_free             (TestWs        *ws);
void           test_ws_message_free     (TestWsMessage *message);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestWs, test_ws_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestWsMessage, test_ws_message_free)

/* ---------------------------------------------------------------------------------------- */
/* Raw TCP client for hand-made bytes: writes are queued and sent in order in the background,
 * everything the peer sends is appended to @in until EOF or an error. */

typedef struct
{
  GSocketConnection *conn;
  GByteArray        *in;
  gsize              offset;        /* bytes of @in already consumed by the parsers below */
  gboolean           eof;
  GError            *read_error;
  GError            *write_error;
  GError            *connect_error;
  gboolean           connect_done;

  /*< private >*/
  GQueue             writes;
  GBytes            *current;
  gboolean           writing;
  GCancellable      *cancellable;
  guint8            *buf;
  int                refs;
} TestRaw;

TestRaw     *test_raw_connect_begin     (GUri         *base);
TestRaw     *test_raw_connect           (GUri         *base);
void         test_raw_write             (TestRaw      *raw,
                                         const void   *data,
                                         gsize         len);
void         test_raw_write_str         (TestRaw      *raw,
                                         const char   *str);
void         test_raw_flush             (TestRaw      *raw);
gboolean     test_raw_is_finished       (TestRaw      *raw);
void         test_raw_wait_closed       (TestRaw      *raw);
gboolean     test_raw_wait_for_string   (TestRaw      *raw,
                                         const char   *needle);
guint        test_raw_read_http_response (TestRaw     *raw,
                                          char       **headers,
                                          char       **body);
void         test_raw_free              (TestRaw      *raw);
guint        test_raw_get_n_alive       (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestRaw, test_raw_free)

/* WebSocket framing by hand (RFC 6455 section 5.2). @first_byte is FIN|RSV|opcode. */
GBytes      *test_ws_frame_build        (guint8        first_byte,
                                         gboolean      masked,
                                         const void   *payload,
                                         gsize         len);
gsize        test_ws_frame_parse        (const guint8 *buf,
                                         gsize         len,
                                         guint8       *first_byte,
                                         GBytes      **payload);

/* Opens a WebSocket over a raw connection at /engine.io/?@query and checks for 101. */
TestRaw     *test_raw_ws_connect        (GUri         *base,
                                         const char   *path,
                                         const char   *query);
void         test_raw_ws_send           (TestRaw      *raw,
                                         guint8        first_byte,
                                         const char   *payload,
                                         gssize        len);
gboolean     test_raw_ws_next_frame     (TestRaw      *raw,
                                         guint8       *first_byte,
                                         GBytes      **payload);
/* Reads to EOF and returns the status code of the first close frame, or 0 when none came. */
int          test_raw_ws_wait_close_code (TestRaw     *raw,
                                          GPtrArray   *data_frames);

/* Listens on 127.0.0.1:@port (0: any) through SioHttpListener, as the product does; @base gets
 * http://127.0.0.1:<port>/. Free the listener before the server (it holds a reference). */
void             test_listener_listen (SioHttpListener *listener,
                                       guint            port,
                                       GUri           **base);
SioHttpListener *test_listen_local    (SoupServer      *soup,
                                       guint            port,
                                       GUri           **base);

/* ---------------------------------------------------------------------------------------- */
/* Engine fixture: a SoupServer on 127.0.0.1:<random> with a SioEngineServer at /engine.io/. */

typedef struct
{
  guint                 ping_interval;   /* 0: keep the server's default */
  guint                 ping_timeout;    /* 0: keep the server's default */
  gsize                 max_payload;     /* 0: keep the server's default */
  SioEngineTransports   transports;      /* 0: keep the server's default */
  gboolean              no_upgrades;
  const char * const   *cors_origins;
  gboolean              no_echo;         /* do not echo message packets back */
  /* Limits; a cap set here also counts 127.0.0.1, where the tests connect from. 0: defaults. */
  guint                 max_per_address; /* connections (listener) */
  guint                 max_sessions_per_address;
  guint                 request_timeout; /* ms */
  guint                 max_packet_rate;
} EngineConfig;

/* One Engine.IO session as the server saw it, kept after the socket itself is gone. */
typedef struct
{
  SioEngineSocket      *socket;          /* weak: NULL once the socket is finalized */
  char                 *sid;
  GPtrArray            *messages;        /* SioEnginePacket *, in arrival order */
  guint                 n_closed;
  SioEngineCloseReason  reason;
  char                 *description;
  guint                 n_upgraded;
  SioEngineTransports   transport_at_upgrade;
  gboolean              echo;
} EnginePeer;

typedef struct
{
  SoupServer      *soup;
  SioHttpListener *listener;
  SioEngineServer *engine;
  GUri            *base;            /* http://127.0.0.1:<port>/ */
  SoupSession     *session;
  GPtrArray       *peers;           /* EnginePeer *, in connection order */
  gboolean         echo;
} EngineFixture;

void         engine_fixture_setup       (EngineFixture *f,
                                         gconstpointer  data);
void         engine_fixture_teardown    (EngineFixture *f,
                                         gconstpointer  data);
char        *engine_fixture_url         (EngineFixture *f,
                                         gboolean       websocket,
                                         const char    *query);
char        *engine_fixture_sid_url     (EngineFixture *f,
                                         gboolean       websocket,
                                         const char    *sid);
EnginePeer  *engine_fixture_find_peer   (EngineFixture *f,
                                         const char    *sid);
EnginePeer  *engine_fixture_wait_peer   (EngineFixture *f,
                                         guint          index);

/* Polling helpers: each asserts the exchange worked at the HTTP level. */
char        *test_polling_handshake     (EngineFixture *f,
                                         JsonObject   **open_packet);
TestHttp    *test_polling_get           (EngineFixture *f,
                                         const char    *sid);
TestHttp    *test_polling_get_begin     (EngineFixture *f,
                                         const char    *sid);
TestHttp    *test_polling_post          (EngineFixture *f,
                                         const char    *sid,
                                         const char    *body,
                                         gssize         len);
void         test_polling_echo          (EngineFixture *f,
                                         const char    *sid,
                                         const char    *text);

/* WebSocket helpers. */
TestWs      *test_ws_open_session       (EngineFixture *f,
                                         char         **sid,
                                         JsonObject   **open_packet);
void         test_ws_echo               (TestWs        *ws,
                                         const char    *text);

/* Parses "0{...}", checks it has exactly the five handshake keys, returns the object. */
JsonObject  *test_parse_open_packet     (const char    *text,
                                         gsize          len);
void         test_assert_valid_sid      (const char    *sid);

/* A packet's text data as a new NUL-terminated string. */
char        *test_packet_dup_text       (SioEnginePacket *packet);

G_END_DECLS
