/*-------------------------------------------------------------------------
 *
 * launcher_jobs.h
 *	  The launcher's in-memory jobs, their two heaps, and catalog loads.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PG_BEAT_LAUNCHER_JOBS_H
#define PG_BEAT_LAUNCHER_JOBS_H

#include "postgres.h"

#include "lib/pairingheap.h"
#include "nodes/pg_list.h"
#include "pgtime.h"

#include "catalog.h"
#include "cronexpr.h"

/*
 * A job, as the launcher keeps it between catalog loads.  A hundred thousand
 * of these live in the hash table, so the fields are ordered to leave no
 * padding: pointers and timestamps, then the heap nodes and the parsed
 * schedule, then the small fields together.
 */
typedef struct LauncherJob
{
	int64		jobid;			/* hash key; must come first */
	BeatJobRow *row;			/* packed, in launcher_rows */
	pg_tz	   *tz;
	TimestampTz next_fire;		/* next slot; DT_NOEND when none */
	TimestampTz ready_due;		/* when it fell due: orders the ready heap */
	TimestampTz ready_slot;		/* scheduled_time it will be recorded with */
	TimestampTz pending_slot;
	int64		ready_seq;		/* dependent job: upstream outcomes the
								 * ready run takes (0 for other jobs) */
	int64		pending_seq;	/* ... and the pending run */
	int64		seq_taken;		/* ... and the newest taken since the load */
	pairingheap_node timer_node;
	pairingheap_node ready_node;
	CronExpr	expr;
	int			nrunning;
	bool		seen;			/* present in the latest catalog load */
	bool		deleted;		/* gone from the catalog, runs still going */
	bool		schedulable;	/* schedule parsed and zone known */
	bool		in_timers;
	bool		in_ready;		/* a run waits for a free slot */
	bool		pending;		/* a slot fell due while a run was going */
} LauncherJob;

/*
 * A slot that ends before it starts (missed, or skipped by the overlap
 * policy), to be recorded in this iteration's transaction.
 */
typedef struct LauncherRefusal
{
	LauncherJob *job;
	TimestampTz slot;
	const char *status;
	const char *message;
	int64		after_seq;		/* dependent job: outcomes the slot took */
} LauncherRefusal;

extern void launcher_jobs_init(MemoryContext cxt, MemoryContext scratch);

/* catalog loads */
extern bool launcher_load_jobs(bool at_startup, TimestampTz now);
extern bool launcher_jobs_extension_dropped(void);
extern bool launcher_jobs_timezone_changed(void);
extern int	launcher_jobs_overdue_count(void);

/* the jobs */
extern LauncherJob *launcher_find_job(int64 jobid);
extern bool launcher_job_is_local(const LauncherJob *job);
extern void launcher_run_started(LauncherJob *job);
extern void launcher_run_ended(int64 jobid, TimestampTz now);

/* the timer heap: slots falling due */
extern void launcher_queue_reboot_jobs(TimestampTz now);
extern void launcher_take_due(TimestampTz now, List **refusals);

/* dependent jobs (after schedules) */
extern bool launcher_dependents_dirty(void);
extern void launcher_dependents_changed(void);
extern void launcher_take_dependents(TimestampTz now, List **refusals);
extern const char *launcher_job_group(int64 jobid);
extern TimestampTz launcher_jobs_next_wake(void);

/* the ready heap: runs waiting for a run slot */
extern void launcher_ready_add(LauncherJob *job, TimestampTz due,
							   TimestampTz slot);
extern void launcher_ready_remove(LauncherJob *job);
extern LauncherJob *launcher_ready_first(void);

#endif							/* PG_BEAT_LAUNCHER_JOBS_H */
