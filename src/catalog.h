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

/* One row of cron.job, as the launcher needs it. */
typedef struct BeatJobRow
{
	int64		jobid;
	char	   *schedule;
	char	   *command;
	char	   *nodename;
	int32		nodeport;
	char	   *database;
	char	   *username;
	bool		active;
	char	   *jobname;		/* NULL if none */
	char	   *timezone;		/* NULL = cron.timezone */
	int64		timeout_usecs;	/* 0 = no limit */
	int32		max_retries;
	int64		retry_delay_usecs;
	char	   *overlap_policy;
	char	   *misfire_policy;
	char	   *on_failure;		/* NULL if none */
	TimestampTz last_scheduled; /* newest scheduled_time in the history, or 0 */
	Oid			userid;			/* the owner's OID when the job was written */
	bool		has_overdue_after;	/* overdue_after is set */
} BeatJobRow;

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
} BeatRunOutcome;

/* All of these must be called inside a transaction, with SPI connected. */
extern bool beat_catalog_extension_ready(void);
extern List *beat_catalog_load_jobs(MemoryContext cxt, bool with_history);
/* A failed attempt whose retry is still due. */
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
												  int nkeep,
												  const char *message);
extern uint64 beat_catalog_purge_history(int64 retention_usecs, int limit);
extern void beat_catalog_update_stats(int64 jobid, const char *status,
									  TimestampTz start_time,
									  TimestampTz end_time,
									  TimestampTz scheduled_time);
extern void beat_catalog_purge_stats(void);
extern List *beat_catalog_take_overdue(int64 default_usecs);

#endif							/* PG_BEAT_CATALOG_H */
