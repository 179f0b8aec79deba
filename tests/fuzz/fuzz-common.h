/* fuzz-common.h: what every fuzz target shares
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

G_BEGIN_DECLS

/* The libFuzzer entry point; fuzz-replay.c calls it too. */
int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

/* A finding: print why and abort, so both libFuzzer and the replay test report it. */
#define FUZZ_ASSERT(cond) \
  G_STMT_START { \
    if (G_UNLIKELY (!(cond))) \
      { \
        g_printerr ("%s:%d: fuzz assertion failed: %s\n", __FILE__, __LINE__, #cond); \
        abort (); \
      } \
  } G_STMT_END

G_END_DECLS
