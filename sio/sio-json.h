/* sio-json.h
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(SIO_INSIDE) && !defined(SIO_COMPILATION)
# error "Only <sio.h> can be included directly."
#endif

#include <json-glib/json-glib.h>

#include "sio-types.h"

G_BEGIN_DECLS

/**
 * SIO_JSON_MAX_DEPTH:
 *
 * How deeply arrays and objects may nest in text given to sio_json_from_string().
 */
#define SIO_JSON_MAX_DEPTH 1000

char     *sio_json_to_string          (JsonNode    *node);
void      sio_json_append             (GString     *out,
                                       JsonNode    *node);
void      sio_json_append_number      (GString     *out,
                                       double       value);
void      sio_json_append_string      (GString     *out,
                                       const char  *utf8,
                                       gssize       len);
JsonNode *sio_json_from_string        (const char  *text,
                                       gssize       len,
                                       GError     **error);

G_END_DECLS
