/*-------------------------------------------------------------------------
 *
 * metrics.h
 *	  What the launcher tells monitoring (metrics.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef PG_BEAT_METRICS_H
#define PG_BEAT_METRICS_H

#include "datatype/timestamp.h"

/* called by the launcher only */
extern void beat_metrics_launcher_started(TimestampTz now);
extern void beat_metrics_wakeup(TimestampTz now);
extern void beat_metrics_runs_started(int n, TimestampTz now);
extern void beat_metrics_set_waiting_for_slot(int n);
extern void beat_metrics_purged(uint64 deleted, bool caught_up,
								TimestampTz now);
extern void beat_metrics_purge_counted(uint64 backlog, bool at_least,
									   TimestampTz now);

#endif							/* PG_BEAT_METRICS_H */
