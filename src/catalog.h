/*-------------------------------------------------------------------------
 *
 * catalog.h
 *	  The launcher's reads and writes of cron.job and cron.job_run_details.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PG_BEAT_CATALOG_H
#define PG_BEAT_CATALOG_H

#include "datatype/timestamp.h"
#include "nodes/pg_list.h"

/* cron.job.overlap_policy: what a slot does while a run of the job goes */
typedef enum BeatOverlapPolicy
{
	BEAT_OVERLAP_QUEUE = 0,		/* one pending run, after the current one */
	BEAT_OVERLAP_SKIP,			/* record the slot as skipped */
	BEAT_OVERLAP_ALLOW,			/* run alongside */
	BEAT_OVERLAP_REPLACE		/* cancel the current run, then run */
} BeatOverlapPolicy;

/* cron.job.misfire_policy: what slots missed while pg_beat was down do */
typedef enum BeatMisfirePolicy
{
	BEAT_MISFIRE_SKIP = 0,		/* one skipped row */
	BEAT_MISFIRE_RUN_ONCE		/* one run, for the newest missed slot */
} BeatMisfirePolicy;

/*
 * One row of cron.job, as the launcher needs it.  The launcher keeps one per
 * job, with all its strings packed after it in one allocation, so the
 * fields are ordered to leave no padding, and the policies are small codes.
 */
/* cron.job.depends_outcome: what the upstream jobs of an after schedule reach */
typedef enum BeatDependsOutcome
{
	BEAT_DEPENDS_NONE = 0,		/* a clock schedule */
	BEAT_DEPENDS_SUCCEEDED,
	BEAT_DEPENDS_FAILED,
	BEAT_DEPENDS_FINISHED
} BeatDependsOutcome;

/* How a run's outcome ends its slot, for the jobs that depend on it. */
typedef enum BeatFinalOutcome
{
	BEAT_FINAL_NONE = 0,		/* not final: retried, stopped, skipped */
	BEAT_FINAL_SUCCESS,
	BEAT_FINAL_FAILURE			/* failed, no attempt left */
} BeatFinalOutcome;

typedef struct BeatJobRow
{
	int64		jobid;
	int64		timeout_usecs;	/* 0 = no limit */
	int64		retry_delay_usecs;
	char	   *schedule;
	char	   *command;
	char	   *nodename;
	char	   *database;
	char	   *username;
	char	   *jobname;		/* NULL if none */
	char	   *timezone;		/* NULL = cron.timezone */
	char	   *on_failure;		/* NULL if none */
	char	   *exclusive_group;	/* NULL if none */
	int32		nodeport;
	int32		max_retries;
	Oid			userid;			/* the owner's OID when the job was written */
	uint8		overlap_policy; /* a BeatOverlapPolicy */
	uint8		misfire_policy; /* a BeatMisfirePolicy */
	uint8		depends_outcome;	/* a BeatDependsOutcome */
	bool		active;
	bool		has_overdue_after;	/* overdue_after is set */
} BeatJobRow;

/*
 * Called by beat_catalog_scan_jobs() for each job read, in the caller's
 * memory context.  The row and its strings live only until it returns.
 * last_scheduled is the newest slot the job dealt with, from its history
 * and (catalog 1.1) cron.job_stats.slots_done_until: 0 if none, or when the
 * scan did not look.
 */
typedef void (*BeatJobRowCallback) (const BeatJobRow *row,
									TimestampTz last_scheduled, void *arg);

/* What a finished (or refused) run wrote. */
typedef struct BeatRunOutcome
{
	int			slotno;			/* run slot it came from, or -1 */
	int64		runid;
	const char *status;			/* "running", "succeeded", "failed", "skipped" */
	const char *message;		/* may be NULL */
	const char *sqlstate;		/* may be NULL */
	int32		pid;			/* 0 = unknown */
	TimestampTz start_time;		/* 0 = null */
	TimestampTz end_time;		/* 0 = null */
	bool		in_history;		/* the run has a row in cron.job_run_details */
} BeatRunOutcome;

/* A dependent job whose upstream jobs all reached its outcome. */
typedef struct BeatDueDependent
{
	int64		jobid;
	int64		seq;			/* newest upstream outcome it takes */
	TimestampTz slot;			/* the latest upstream slot */
} BeatDueDependent;

/* All of these must be called inside a transaction, with SPI connected. */
extern bool beat_catalog_extension_ready(void);
extern bool beat_catalog_is_1_1(void);
extern bool beat_catalog_is_1_2(void);
extern void beat_catalog_note_progress(int64 jobid, TimestampTz slot,
									   int64 after_seq);
extern List *beat_catalog_due_dependents(void);
extern void beat_catalog_note_retry(int64 jobid, TimestampTz slot,
									int64 retry_of, int32 attempt);
extern void beat_catalog_note_anchors(const int64 *jobids, int njobids,
									  TimestampTz at, bool dependents,
									  bool keep_existing);
extern uint64 beat_catalog_scan_jobs(const int64 *jobids, int njobids,
									 bool with_history,
									 BeatJobRowCallback callback, void *arg);
/* A failed attempt whose retry is still due. */
/* A job that became overdue, to be announced (beat_catalog_take_overdue). */
typedef struct BeatOverdueRow
{
	int64		jobid;
	char	   *jobname;		/* NULL when the job has none */
	TimestampTz last_success;	/* 0 when it never succeeded */
	char	   *overdue_after;	/* the threshold, as interval text */
	char	   *database;
	char	   *username;
} BeatOverdueRow;

typedef struct BeatRetryRow
{
	int64		jobid;
	TimestampTz scheduled_time;
	int32		attempt;		/* the failed attempt */
	TimestampTz end_time;
	int64		first_runid;	/* runid of the run's first attempt */
} BeatRetryRow;

extern int64 beat_catalog_insert_run(const BeatJobRow *job, int64 runid,
									 TimestampTz scheduled_time,
									 int32 attempt, const char *status,
									 const char *node, int64 retry_of);
extern List *beat_catalog_load_retries(MemoryContext cxt);
extern void beat_catalog_update_run(const BeatRunOutcome *outcome);
extern uint64 beat_catalog_close_interrupted_runs(const int64 *keep,
												 int nkeep, bool promoted,
												 TimestampTz survived_until);
extern uint64 beat_catalog_purge_history(int64 retention_usecs, int limit);
extern void beat_catalog_update_stats(int64 jobid, const char *status,
									  TimestampTz start_time,
									  TimestampTz end_time,
									  TimestampTz scheduled_time,
									  BeatFinalOutcome final);
extern void beat_catalog_purge_stats(void);
extern uint64 beat_catalog_forget_commits(void);
extern void beat_catalog_record_final_commits(const int64 *runids,
											  const uint64 *fxids, int n);
extern List *beat_catalog_take_overdue(int64 default_usecs);
extern uint64 beat_catalog_count_purgeable(int64 retention_usecs, int64 limit);

/*
 * Why runs interrupted by a restart or a failover were closed as they were
 * (beat_catalog_close_interrupted_runs); the retry logic reads them back.
 */
#define BEAT_OUTCOME_UNKNOWN \
	"its command may have committed, so its outcome is unknown and it is not retried"
#define BEAT_PARTLY_COMMITTED \
	"part of its command had committed, so it is not retried"
#define BEAT_NOT_BEGUN_RESTART \
	"job run skipped: the server restarted before the run took effect (none of its command committed)"
#define BEAT_NOT_BEGUN_PROMOTED \
	"job run skipped: the primary changed before the run took effect (none of its work reached this server)"

/* Slots this much late still run; older ones follow misfire_policy. */
#define BEAT_MISFIRE_GRACE_SECONDS 60

#endif							/* PG_BEAT_CATALOG_H */
