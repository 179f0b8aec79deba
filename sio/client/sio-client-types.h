/* sio-client-types.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(SIO_INSIDE) && !defined(SIO_COMPILATION)
# error "Only <sio.h> can be included directly."
#endif

#include "sio-types.h"

G_BEGIN_DECLS

/* The client half of sio/ (sio/client/): forward declarations, so its headers need not include
 * each other. G_DECLARE_FINAL_TYPE repeats these typedefs, which C11 allows. */
typedef struct _SioClientEvent  SioClientEvent;
typedef struct _SioClientSocket SioClientSocket;
typedef struct _SioEngineClient SioEngineClient;
typedef struct _SioManager      SioManager;

G_END_DECLS
