/*-------------------------------------------------------------------------
 *
 * launcher_slots.h
 *	  Run slots, pooled sessions, and the background workers of runs.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PG_BEAT_LAUNCHER_SLOTS_H
#define PG_BEAT_LAUNCHER_SLOTS_H

#include "postgres.h"

#include "nodes/pg_list.h"

#include "launcher_jobs.h"
#include "shmem.h"

/* A run recorded in this iteration whose worker is still to start. */
typedef struct LauncherNewRun
{
	LauncherJob *job;
	int64		runid;
	Oid			database_oid;
	Oid			user_oid;
	TimestampTz scheduled_time;
	int32		attempt;
	int			slotno;
	bool		pooled;			/* the slot's idle session takes the run */
	bool		await_group;	/* waits for its exclusive group */
	const char *failed_run;		/* JSON for an on_failure run, else NULL */
} LauncherNewRun;

extern void launcher_slots_init(MemoryContext cxt);

/* choosing and taking a slot */
extern bool launcher_slot_open(void);
extern int	launcher_slots_open_count(void);
extern int	launcher_pick_slot(Oid database_oid, Oid user_oid);
extern bool launcher_slot_reserve(int slotno, int64 jobid, int64 runid,
								  int64 first_runid, bool in_history,
								  TimestampTz due, bool on_failure);

/* starting runs, and waiting for background workers */
extern void launcher_start_run(LauncherNewRun *nr);
extern bool launcher_start_awaiting(void);
extern bool launcher_slots_group_in_use(const char *group);
extern bool launcher_runs_await_workers(void);
extern TimestampTz launcher_worker_shortage_ends(void);

/* runs that started or ended, and the slots they free */
extern List *launcher_collect_outcomes(List **recorded, List **done,
									   TimestampTz now);
extern bool launcher_slot_runs_on_failure(int slotno);
extern void launcher_mark_recorded(List *recorded);
extern void launcher_release_done(List *done, TimestampTz now);
extern TimestampTz launcher_reap_sessions(TimestampTz now);

/* stopping runs */
extern void launcher_cancel_job_runs(int64 jobid, BeatCancelReason reason,
									 TimestampTz now);
extern void launcher_cancel_all_runs(BeatCancelReason reason,
									 TimestampTz now);
extern TimestampTz launcher_enforce_deadlines(TimestampTz now);

/* startup and stopping */
extern void launcher_adopt_slots(void);
extern void launcher_record_commit_requests(void);
extern int	launcher_slots_runids(int64 *runids);
extern bool launcher_slots_in_flight(void);
extern int	launcher_slots_job_runs(int64 jobid);
extern void launcher_slots_end_awaiting(void);

#endif							/* PG_BEAT_LAUNCHER_SLOTS_H */
