/* sio-engine-server.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(SIO_INSIDE) && !defined(SIO_COMPILATION)
# error "Only <sio.h> can be included directly."
#endif

#include <libsoup/soup.h>

#include "sio-types.h"

G_BEGIN_DECLS

#define SIO_TYPE_ENGINE_SERVER (sio_engine_server_get_type ())

G_DECLARE_FINAL_TYPE (SioEngineServer, sio_engine_server, SIO, ENGINE_SERVER, GObject)

/**
 * SioEngineAllowRequestFunc:
 * @server: the engine server
 * @msg: the handshake request (polling GET or WebSocket upgrade)
 * @message: (out) (transfer full) (nullable): why the request is refused
 * @user_data: closure data
 *
 * Decides whether a new session may be opened. Returning %FALSE answers
 * 403 `{"code":4,"message":"Forbidden"}`.
 *
 * Returns: %TRUE to accept the handshake
 */
typedef gboolean (*SioEngineAllowRequestFunc) (SioEngineServer   *server,
                                               SoupServerMessage *msg,
                                               char             **message,
                                               gpointer           user_data);

typedef struct _SioEngineRequest SioEngineRequest;

/**
 * SioEngineAllowRequestAsyncFunc:
 * @server: the engine server
 * @msg: the handshake request
 * @request: (transfer full): answer it with sio_engine_request_allow() or
 *   sio_engine_request_refuse(), now or later
 * @user_data: closure data
 *
 * Decides whether a new session may be opened, possibly after waiting for something.
 */
typedef void (*SioEngineAllowRequestAsyncFunc) (SioEngineServer   *server,
                                                SoupServerMessage *msg,
                                                SioEngineRequest  *request,
                                                gpointer           user_data);

void                 sio_engine_request_allow                (SioEngineRequest          *request);
void                 sio_engine_request_refuse               (SioEngineRequest          *request,
                                                              const char                *message);
SioEngineServer     *sio_engine_server_new                   (void);
gboolean             sio_engine_server_attach                (SioEngineServer           *self,
                                                              SoupServer                *server,
                                                              const char                *path,
                                                              GError                   **error);
void                 sio_engine_server_detach                (SioEngineServer           *self);
void                 sio_engine_server_close_all             (SioEngineServer           *self);
guint                sio_engine_server_get_n_sockets         (SioEngineServer           *self);
SioEngineSocket     *sio_engine_server_lookup                (SioEngineServer           *self,
                                                              const char                *sid);
guint                sio_engine_server_get_ping_interval     (SioEngineServer           *self);
void                 sio_engine_server_set_ping_interval     (SioEngineServer           *self,
                                                              guint                      msec);
guint                sio_engine_server_get_ping_timeout      (SioEngineServer           *self);
void                 sio_engine_server_set_ping_timeout      (SioEngineServer           *self,
                                                              guint                      msec);
gsize                sio_engine_server_get_max_payload       (SioEngineServer           *self);
void                 sio_engine_server_set_max_payload       (SioEngineServer           *self,
                                                              gsize                      max_payload);
SioEngineTransports  sio_engine_server_get_transports        (SioEngineServer           *self);
void                 sio_engine_server_set_transports        (SioEngineServer           *self,
                                                              SioEngineTransports        transports);
gboolean             sio_engine_server_get_allow_upgrades    (SioEngineServer           *self);
void                 sio_engine_server_set_allow_upgrades    (SioEngineServer           *self,
                                                              gboolean                   allow_upgrades);
gboolean             sio_engine_server_get_allow_eio3        (SioEngineServer           *self);
void                 sio_engine_server_set_allow_eio3        (SioEngineServer           *self,
                                                              gboolean                   allow_eio3);
const char * const  *sio_engine_server_get_cors_origins      (SioEngineServer           *self);
void                 sio_engine_server_set_cors_origins      (SioEngineServer           *self,
                                                              const char * const        *origins);
guint                sio_engine_server_get_max_sessions_per_address (SioEngineServer *self);
void                 sio_engine_server_set_max_sessions_per_address (SioEngineServer *self,
                                                                     guint            max_sessions);
gboolean             sio_engine_server_get_limit_loopback    (SioEngineServer           *self);
void                 sio_engine_server_set_limit_loopback    (SioEngineServer           *self,
                                                              gboolean                   limit_loopback);
guint                sio_engine_server_get_max_packet_rate   (SioEngineServer           *self);
void                 sio_engine_server_set_max_packet_rate   (SioEngineServer           *self,
                                                              guint                      packets_per_second);
void                 sio_engine_server_set_allow_request_func (SioEngineServer          *self,
                                                              SioEngineAllowRequestFunc  func,
                                                              gpointer                   user_data,
                                                              GDestroyNotify             destroy);
void                 sio_engine_server_set_allow_request_async_func (SioEngineServer                *self,
                                                                     SioEngineAllowRequestAsyncFunc  func,
                                                                     gpointer                        user_data,
                                                                     GDestroyNotify                  destroy);

G_END_DECLS
