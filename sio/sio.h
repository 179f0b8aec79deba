/* sio.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#define SIO_INSIDE
# include "sio-types.h"
# include "sio-enums.h"
# include "engine/sio-engine-packet.h"
# include "engine/sio-engine-server.h"
# include "engine/sio-engine-socket.h"
# include "sio-broadcast.h"
# include "sio-client-bundle.h"
# include "sio-event.h"
# include "sio-http.h"
# include "sio-http-listener.h"
# include "sio-json.h"
# include "sio-namespace.h"
# include "sio-packet.h"
# include "sio-server.h"
# include "sio-socket.h"
# include "client/sio-client-types.h"
# include "client/sio-client-event.h"
# include "client/sio-client-socket.h"
# include "client/sio-engine-client.h"
# include "client/sio-manager.h"
#undef SIO_INSIDE
