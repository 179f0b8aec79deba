/* tincan-stall-probe.c
 *
 * SPDX-FileCopyrightText: 2026 The Tincan authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "tincan-stall-probe.h"

#define N_BUCKETS 2001   /* 0.5 ms buckets up to 1 s; the last one counts everything longer */

typedef struct
{
  char   *path;
  gint64  last;
  gint64  last_report;
  guint64 samples;
  gint64  max_us;
  guint64 buckets[N_BUCKETS];
} Probe;

static double
percentile (Probe  *probe,
            double  fraction)
{
  guint64 wanted = (guint64) (probe->samples * fraction);
  guint64 seen = 0;

  for (guint i = 0; i < N_BUCKETS; i++)
    {
      seen += probe->buckets[i];
      if (seen > wanted)
        return i * 0.5;
    }
  return (N_BUCKETS - 1) * 0.5;
}

static void
write_report (Probe *probe)
{
  g_autofree char *json = NULL;

  json = g_strdup_printf ("{\"samples\":%" G_GUINT64_FORMAT ",\"p50Ms\":%.1f,\"p99Ms\":%.1f,"
                          "\"p999Ms\":%.1f,\"maxMs\":%.1f}\n",
                          probe->samples, percentile (probe, 0.50), percentile (probe, 0.99),
                          percentile (probe, 0.999), probe->max_us / 1000.0);
  g_file_set_contents (probe->path, json, -1, NULL);
}

static gboolean
on_tick (gpointer data)
{
  Probe *probe = data;
  gint64 now = g_get_monotonic_time ();
  /* How much later than asked for (1 ms) the loop came back to us: the stall. */
  gint64 late = MAX (0, now - probe->last - 1000);

  probe->last = now;
  probe->samples++;
  probe->max_us = MAX (probe->max_us, late);
  probe->buckets[MIN (late / 500, N_BUCKETS - 1)]++;

  if (now - probe->last_report > G_USEC_PER_SEC)
    {
      probe->last_report = now;
      write_report (probe);
    }
  return G_SOURCE_CONTINUE;
}

void
tincan_stall_probe_start (const char *path)
{
  Probe *probe = g_new0 (Probe, 1);

  probe->path = g_strdup (path);
  probe->last = probe->last_report = g_get_monotonic_time ();
  /* Lives as long as the process: it is a measuring instrument, not a feature. */
  g_timeout_add_full (G_PRIORITY_DEFAULT, 1, on_tick, probe, NULL);
}
