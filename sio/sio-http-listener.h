/* sio-http-listener.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(SIO_INSIDE) && !defined(SIO_COMPILATION)
# error "Only <sio.h> can be included directly."
#endif

#include <libsoup/soup.h>

G_BEGIN_DECLS

#define SIO_TYPE_HTTP_LISTENER (sio_http_listener_get_type ())

G_DECLARE_FINAL_TYPE (SioHttpListener, sio_http_listener, SIO, HTTP_LISTENER, GObject)

SioHttpListener *sio_http_listener_new                        (SoupServer      *server);
gboolean         sio_http_listener_listen                     (SioHttpListener *self,
                                                               GSocketAddress  *address,
                                                               GError         **error);
void             sio_http_listener_disconnect                 (SioHttpListener *self);
guint            sio_http_listener_get_port                   (SioHttpListener *self);
guint            sio_http_listener_get_n_connections          (SioHttpListener *self);
guint            sio_http_listener_get_max_connections        (SioHttpListener *self);
void             sio_http_listener_set_max_connections        (SioHttpListener *self,
                                                               guint            max_connections);
guint            sio_http_listener_get_max_connections_per_address (SioHttpListener *self);
void             sio_http_listener_set_max_connections_per_address (SioHttpListener *self,
                                                               guint            max_connections);
gboolean         sio_http_listener_get_limit_loopback         (SioHttpListener *self);
void             sio_http_listener_set_limit_loopback         (SioHttpListener *self,
                                                               gboolean         limit_loopback);
guint            sio_http_listener_get_request_timeout        (SioHttpListener *self);
void             sio_http_listener_set_request_timeout        (SioHttpListener *self,
                                                               guint            timeout_ms);

G_END_DECLS
