/*-------------------------------------------------------------------------
 *
 * launcher_runs.h
 *	  Recording runs and their outcomes; requested runs, retries and
 *	  on_failure commands.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PG_BEAT_LAUNCHER_RUNS_H
#define PG_BEAT_LAUNCHER_RUNS_H

#include "postgres.h"

#include "nodes/pg_list.h"

#include "launcher_jobs.h"
#include "shmem.h"

extern void launcher_runs_init(MemoryContext cxt);

/* runs outside the timers: cron.run_job, retries, on_failure commands */
extern void launcher_take_requests(TimestampTz now);
extern bool launcher_extra_due(TimestampTz now);
extern TimestampTz launcher_extra_next_due(void);
extern void launcher_drop_extra(void);
extern void launcher_queue_retry(LauncherJob *job, TimestampTz slot,
								 int32 attempt, TimestampTz failed_at,
								 int64 first_runid);
extern void launcher_after_failure(int64 jobid, TimestampTz slot,
								   int32 attempt, int64 first_runid,
								   BeatCancelReason reason, TimestampTz now);

/* recording, inside the iteration's transaction */
extern List *launcher_record_new_runs(TimestampTz now);
extern void launcher_record_refusals(List *refusals);
extern void launcher_record_outcomes_xact(void *arg);
extern void launcher_record_final_failures(List *outcomes);

#endif							/* PG_BEAT_LAUNCHER_RUNS_H */
