/* sio-client-private.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "sio-client-event.h"
#include "sio-client-socket.h"
#include "sio-engine-client.h"
#include "sio-manager.h"
#include "sio-packet.h"

G_BEGIN_DECLS

/* The client half of sio/ shares these between its files; they are not API. A SioManager and
 * its SioClientSockets are one unit split by role, as manager.ts and socket.ts are: the
 * manager calls its sockets directly rather than through signals. */

/* SioEngineClient */
gboolean         _sio_engine_client_has_ping_expired   (SioEngineClient  *self);
guint            _sio_engine_client_get_n_alive        (void);

/* SioClientEvent */
SioClientEvent  *_sio_client_event_new                 (SioClientSocket  *socket,
                                                        SioPacket        *packet);
SioClientEvent  *_sio_client_event_new_ack_response    (SioPacket        *packet);
SioPacket       *_sio_client_event_get_packet          (SioClientEvent   *event);

/* SioManager, for its sockets */
void             _sio_manager_open                     (SioManager       *self);
gboolean         _sio_manager_is_open                  (SioManager       *self);
gboolean         _sio_manager_is_reconnecting          (SioManager       *self);
void             _sio_manager_packet                   (SioManager       *self,
                                                        SioPacket        *packet);
void             _sio_manager_destroy_socket           (SioManager       *self,
                                                        SioClientSocket  *socket);
void             _sio_manager_forget_socket            (SioManager       *self,
                                                        SioClientSocket  *socket);
gboolean         _sio_manager_has_ping_expired         (SioManager       *self);

/* SioClientSocket, for its manager */
SioClientSocket *_sio_client_socket_new                (SioManager       *manager,
                                                        const char       *nsp);
gboolean         _sio_client_socket_is_active          (SioClientSocket  *self);
void             _sio_client_socket_send_packet        (SioClientSocket  *self,
                                                        SioPacket        *packet);
void             _sio_client_socket_on_open            (SioClientSocket  *self);
void             _sio_client_socket_on_packet          (SioClientSocket  *self,
                                                        SioPacket        *packet);
void             _sio_client_socket_on_error           (SioClientSocket  *self,
                                                        const GError     *error);
void             _sio_client_socket_on_close           (SioClientSocket  *self,
                                                        const char       *reason,
                                                        const GError     *error);

G_END_DECLS
