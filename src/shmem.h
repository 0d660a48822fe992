/*-------------------------------------------------------------------------
 *
 * shmem.h
 *	  Shared state of pg_beat: the launcher's latch and the run slots.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PG_BEAT_SHMEM_H
#define PG_BEAT_SHMEM_H

#include "datatype/timestamp.h"
#include "port/atomics.h"
#include "storage/dsm.h"
#include "storage/latch.h"
#include "storage/lwlock.h"
#include "storage/spin.h"

/* Longest return_message kept; longer messages are cut with "...". */
#define BEAT_MESSAGE_SIZE 4096

typedef enum BeatSlotState
{
	BEAT_SLOT_FREE = 0,			/* unused */
	BEAT_SLOT_STARTING,			/* filled by the launcher, worker not yet in */
	BEAT_SLOT_RUNNING,			/* the worker is executing the command */
	BEAT_SLOT_DONE,				/* the worker has finished; result is valid */
	BEAT_SLOT_IDLE				/* a pooled session waits for its next run */
} BeatSlotState;

/*
 * A session in another database than the launcher's asks the launcher to
 * record its command's final commit before it commits (run_commits.c).
 */
typedef enum BeatCommitRequest
{
	BEAT_COMMIT_NONE = 0,
	BEAT_COMMIT_PENDING,		/* the session waits for the launcher */
	BEAT_COMMIT_RECORDED,		/* committed in cron.run_commits */
	BEAT_COMMIT_DECLINED		/* could not be recorded: commit anyway */
} BeatCommitRequest;

/* Why the launcher is stopping a run; the history row says so. */
typedef enum BeatCancelReason
{
	BEAT_CANCEL_NONE = 0,
	BEAT_CANCEL_UNSCHEDULED,	/* cron.unschedule() */
	BEAT_CANCEL_DEACTIVATED,	/* cron.alter_job(active => false) */
	BEAT_CANCEL_TIMEOUT,		/* the job's timeout passed */
	BEAT_CANCEL_REQUESTED,		/* cron.cancel_run() */
	BEAT_CANCEL_REPLACED		/* overlap_policy replace */
} BeatCancelReason;

/*
 * One run in flight, and the session that runs it.  The launcher fills a
 * FREE slot (under the lock), starts a worker for it and, once it has
 * recorded the result, either frees the slot or, when the worker offered to
 * stay (reusable), keeps it IDLE: the session stays connected to the same
 * database as the same role and takes the next run of that pair, which the
 * launcher hands over by filling the slot again (STARTING, new generation)
 * and setting the session's latch.  The worker owns the result fields
 * between RUNNING and DONE.  Every field is read and written under
 * BeatShared->lock, except message, which only the worker writes and only
 * the launcher reads after it saw DONE.
 */
typedef struct BeatRunSlot
{
	BeatSlotState state;
	uint32		generation;		/* bumped at every reuse */

	/* set by the launcher */
	int64		runid;
	int64		jobid;
	Oid			database_oid;
	Oid			user_oid;
	TimestampTz scheduled_time; /* 0 when run outside the schedule */
	int32		attempt;
	bool		remote;			/* run on another server over libpq */
	int32		nodeport;		/* its port, when remote */
	int			encoding;		/* encoding of messages: the launcher's
								 * database's, for a remote run */
	dsm_handle	command_handle; /* DSM segment: command, failed-run JSON and,
								 * when remote, host, database, user */
	bool		awaiting_worker;	/* no background worker free yet: the
									 * run waits for one (launcher_slots.c) */
	bool		awaiting_group; /* another run of the job's exclusive group
								 * is going: the run waits for it to end */
	bool		track_commits;	/* the session records the commits of the
								 * command in cron.run_commits (it runs in
								 * the launcher's database, and the run has
								 * a history row) */
	bool		commit_via_launcher;	/* ... or, in another database, asks
										 * the launcher to record its final
										 * commit (commit_request) */

	/* the session: set by the worker */
	Latch	   *worker_latch;	/* where the launcher hands over a run */
	uint64		session_generation; /* pool_generation when it connected */
	bool		reusable;		/* reset after the run, waits for the next */
	/* set by the launcher or any backend */
	bool		retire;			/* an idle session should exit */

	/* set by the worker */
	pid_t		pid;
	TimestampTz start_time;
	TimestampTz end_time;
	bool		succeeded;
	bool		recorded_running;	/* launcher wrote status 'running' */
	BeatCommitRequest commit_request;	/* see BeatCommitRequest */
	uint64		commit_fxid;	/* the final commit's FullTransactionId */
	BeatCancelReason cancel_reason; /* set when the launcher stops it */
	char		sqlstate[6];
	char		message[BEAT_MESSAGE_SIZE];
} BeatRunSlot;

/* cron.run_job() requests waiting for the launcher. */
#define BEAT_MAX_RUN_REQUESTS 8192

typedef struct BeatRunRequest
{
	int64		jobid;
	int64		runid;			/* already taken from cron.runid_seq */
} BeatRunRequest;

/*
 * Jobs changed by committed transactions, waiting for the launcher to reload
 * them.  More changes than this between two launcher loads, or a change no
 * row trigger describes (TRUNCATE, CREATE or DROP EXTENSION), make the
 * launcher reload every job instead.
 */
#define BEAT_MAX_CHANGED_JOBS 1024

/* Runs started are counted per second over this many seconds. */
#define BEAT_METRICS_WINDOW 60

/*
 * What the launcher tells monitoring, beyond the run slots.  Only the
 * launcher writes these fields, each under mutex (a spinlock held for a few
 * stores or loads, never while doing anything else), so that a scrape never
 * waits for the launcher's LWLock nor holds it up; runs_waiting_for_slot is
 * an atomic, stored each time the ready heap changes size.
 */
typedef struct BeatMetricsShared
{
	slock_t		mutex;
	TimestampTz launcher_started;	/* when the current launcher began */
	TimestampTz last_wakeup;	/* its latest loop iteration */
	uint64		runs_started;	/* since the server started */
	/* runs started in each second of the window, by second % window */
	int64		started_second[BEAT_METRICS_WINDOW];
	uint32		started_count[BEAT_METRICS_WINDOW];
	/* history older than cron.history_retention still to delete */
	uint64		purge_backlog;
	bool		purge_backlog_at_least; /* the count stopped at its bound */
	TimestampTz purge_backlog_at;	/* when measured; 0 for not yet */
	pg_atomic_uint32 runs_waiting_for_slot; /* the ready heap's size */
} BeatMetricsShared;

typedef struct BeatShared
{
	LWLock	   *lock;
	pid_t		launcher_pid;	/* 0 when no launcher runs */
	Latch	   *launcher_latch;
	pg_atomic_uint64 catalog_generation;	/* bumped after each change */
	/*
	 * Bumped when what a session took at connection time changes (role and
	 * database settings, role attributes, databases): pooled sessions older
	 * than this are not reused.
	 */
	pg_atomic_uint64 pool_generation;
	/*
	 * Set by the first change since the launcher last loaded the catalog,
	 * which alone sets the launcher's latch: while the launcher waits to
	 * load a stream of changes in one go, the next ones do not wake it.
	 */
	pg_atomic_uint32 wake_pending;
	int			nrequests;		/* used entries of requests */
	BeatRunRequest requests[BEAT_MAX_RUN_REQUESTS];

	/*
	 * Catalog changes not yet taken by the launcher, under lock.  Committing
	 * backends append before they bump catalog_generation, and the launcher
	 * reads the generation before it takes them, so no change is missed.
	 */
	bool		reload_all;		/* reload every job, not just changed_jobs */
	int			nchanged;		/* used entries of changed_jobs */
	int64		changed_jobs[BEAT_MAX_CHANGED_JOBS];

	/*
	 * A session set its slot's commit_request to PENDING since the launcher
	 * last looked (under lock; run_commits.c, launcher_slots.c): the
	 * launcher scans the slots only then, not in every iteration.
	 */
	bool		commit_requests;

	/*
	 * Figures for monitoring (metrics.c): the launcher writes them, any
	 * backend reads them for cron_metrics.scheduler().
	 */
	BeatMetricsShared metrics;

	/* must stay last: sized by cron.max_running_jobs */
	int			nslots;
	BeatRunSlot slots[FLEXIBLE_ARRAY_MEMBER];
} BeatShared;

extern BeatShared *beat_shared;

/*
 * Is the slot's session as current as a new one would be: nothing it took
 * at connection time has changed since (pool.c)?
 */
static inline bool
beat_session_is_current(const BeatRunSlot *slot)
{
	return slot->session_generation ==
		pg_atomic_read_u64(&beat_shared->pool_generation);
}

extern void beat_shmem_init_hooks(void);
extern void beat_wake_launcher(void);
extern void beat_wake_launcher_at_commit(void);
extern void beat_job_changed_at_commit(int64 jobid);
extern void beat_all_jobs_changed_at_commit(void);
extern bool beat_take_catalog_changes(int64 *jobids, int *njobids);
extern void beat_register_xact_callbacks(void);
extern void beat_request_run_at_commit(int64 jobid, int64 runid);

#endif							/* PG_BEAT_SHMEM_H */
