/* fuzz-replay.c: runs a fuzz target over saved inputs, without libFuzzer
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: fuzz-<name>-replay FILE-OR-DIR...
 *
 * Every regular file named (or found directly in a named directory) is given to
 * LLVMFuzzerTestOneInput() once, so a corpus, and every crash saved into it, stays a test in
 * builds made with any compiler. Exits non-zero when an argument cannot be read or nothing was
 * replayed; a crash in the target ends the process as it would under the fuzzer.
 */

#include <glib.h>
#include <stdint.h>
#include <stdio.h>

#include "fuzz-common.h"

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static gboolean
replay_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree guint8 *copy = NULL;
  gsize len;

  if (!g_file_get_contents (path, &contents, &len, &error))
    {
      g_printerr ("%s\n", error->message);
      return FALSE;
    }

  /* An exact-size heap copy, so AddressSanitizer sees any read past the end. */
  copy = g_memdup2 (contents, len);
  LLVMFuzzerTestOneInput (copy, len);
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  guint n_replayed = 0;
  gboolean ok = TRUE;

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GDir) dir = NULL;
      g_autoptr(GPtrArray) names = NULL;

      if (!g_file_test (argv[i], G_FILE_TEST_IS_DIR))
        {
          if (replay_file (argv[i]))
            n_replayed++;
          else
            ok = FALSE;
          continue;
        }

      dir = g_dir_open (argv[i], 0, NULL);
      if (dir == NULL)
        {
          g_printerr ("cannot open %s\n", argv[i]);
          ok = FALSE;
          continue;
        }

      /* Sorted, so a failure always shows up at the same input. */
      names = g_ptr_array_new_with_free_func (g_free);
      for (const char *name = g_dir_read_name (dir); name != NULL; name = g_dir_read_name (dir))
        g_ptr_array_add (names, g_build_filename (argv[i], name, NULL));
      g_ptr_array_sort (names, compare_paths);

      for (guint j = 0; j < names->len; j++)
        {
          const char *path = g_ptr_array_index (names, j);

          if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
            continue;
          if (replay_file (path))
            n_replayed++;
          else
            ok = FALSE;
        }
    }

  if (n_replayed == 0)
    {
      g_printerr ("no inputs replayed\n");
      return 1;
    }

  g_print ("replayed %u inputs\n", n_replayed);
  return ok ? 0 : 1;
}
