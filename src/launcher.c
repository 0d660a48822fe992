/*-------------------------------------------------------------------------
 *
 * launcher.c
 *	  The pg_beat launcher: decides what runs when, and records it.
 *
 * There is one launcher per cluster, a static background worker connected
 * to cron.database_name.  It starts only once recovery has finished, so a
 * standby runs nothing and a promoted standby starts scheduling at once.
 *
 * The launcher keeps every job in a hash table, and the active ones in a
 * pairing heap ordered by their next fire instant, so the next due run is
 * found in O(log n).  It sleeps on its latch until that instant, until a
 * catalog change (a backend that changed cron.job bumps a generation counter
 * and sets the latch after it commits, see shmem.c), or until one of its
 * runs starts or ends (the workers set the latch too).  Each time it wakes:
 *
 *	1. it reloads the jobs if the catalog generation moved: only the jobs
 *	   committed transactions wrote, as shmem.c queues them, or every job
 *	   when the queue cannot say (launcher_load_jobs);
 *	2. it takes the jobs whose instant has come off the timer heap and
 *	   computes their next instant; a due slot becomes a run waiting in the
 *	   ready heap (ordered by due time), or, while the job's previous run is
 *	   still going, a pending run that starts when it ends (overlap policy
 *	   "queue": any number of slots coalesce into one);
 *	3. it collects the runs that started or ended since it last looked;
 *	4. it takes runs off the ready heap while cron.max_running_jobs allows,
 *	   checks that each owner may still run it, and records it;
 *	5. in ONE transaction it writes all of that to cron.job_run_details,
 *	   then starts a background worker (executor.c) per new run.
 *
 * A run is recorded, under the unique constraint on (jobid, scheduled_time,
 * attempt), before its worker starts, so no restart, crash or race can run a
 * slot twice.  The launcher never waits for a run: it learns of progress
 * through the run slots in shared memory.  Everything it knows is in the
 * catalog or in shared memory, so when it dies it is simply restarted: it
 * adopts the runs still in flight, closes the runs a crash interrupted, and
 * picks each job up where its history ends.
 *
 * Slots missed while the launcher was not running (a stop, a crash, a
 * forward clock jump) coalesce and run late, once, if the first of them is
 * less than BEAT_MISFIRE_GRACE old: a restart that takes a few seconds does
 * not lose a run.  After a longer outage the job's misfire_policy decides:
 * "skip" records one skipped row, "run_once" runs once for the newest
 * missed slot.
 *
 * A restart replays the state that made the launcher fail, so an error in
 * one of its own writes must not end it: one bad row, announcement or
 * setting would stop every role's jobs for good.  Each write that concerns
 * one run, job or announcement runs in a subtransaction (launcher_isolate)
 * and a failure costs only that write, logged as a WARNING; the launcher's
 * own transactions (loading jobs, purging, the overdue check) are guarded as
 * a whole (launcher_guarded_xact).  Its session ignores the defaults a DBA
 * set on its database or role (launcher_force_session_settings), and every
 * announcement is cut to fit in a NOTIFY.  An extension that was dropped is
 * a state, not an error: the launcher stops its runs and waits for CREATE
 * EXTENSION (launcher_wait_for_extension).  Only a failure to commit the
 * iteration's transaction itself still restarts it.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "access/xlog.h"
#include "access/xlogrecovery.h"
#include "catalog/namespace.h"
#include "catalog/pg_authid.h"
#include "commands/sequence.h"
#include "commands/async.h"
#include "commands/dbcommands.h"
#include "executor/spi.h"
#include "lib/pairingheap.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "postmaster/postmaster.h"
#include "storage/dsm.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/proc.h"
#include "tcop/tcopprot.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "mb/pg_wchar.h"
#include "utils/hsearch.h"
#include "utils/json.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "catalog.h"
#include "compat.h"
#include "cronexpr.h"
#include "guc.h"
#include "launcher.h"
#include "schedule.h"
#include "shmem.h"

/*
 * A run's session is started this long before its slot, when a run slot is
 * free, and waits for the instant: the command then starts on time instead
 * of a fork, a connection and a commit later.
 */
#define BEAT_PREWARM		(200 * 1000)

/*
 * A run still going this long after its command started is recorded as
 * 'running'.  Shorter runs go from 'starting' straight to their outcome:
 * two short transactions per run, each shared with the other runs of the
 * moment.
 */
#define BEAT_RUNNING_AFTER	(100 * 1000)

/*
 * Catalog changes are loaded at most this often.  The first change after a
 * quiet spell is loaded at once; a stream of commits (a script scheduling
 * jobs one transaction at a time) is loaded in batches, which costs the
 * launcher one transaction per batch instead of one per commit.
 */
#define BEAT_RELOAD_GAP		(10 * 1000)

/* A load that failed is tried again this much later. */
#define BEAT_LOAD_RETRY		(1 * USECS_PER_SEC)

/* Slots this much late still run; older ones follow misfire_policy. */
#define BEAT_MISFIRE_GRACE	(BEAT_MISFIRE_GRACE_SECONDS * USECS_PER_SEC)

/*
 * How often the launcher purges old history once it has caught up, and its
 * batches: BEAT_PURGE_BATCH rows, or, while it is behind, a
 * BEAT_PURGE_SPREAD-th of the backlog, at most BEAT_PURGE_BATCH_MAX (one
 * such DELETE takes well under the BEAT_PREWARM head start of a run).  The
 * backlog is counted up to BEAT_PURGE_COUNT_MAX rows, and logged every
 * BEAT_PURGE_REPORT_INTERVAL while it lasts.
 */
#define BEAT_PURGE_INTERVAL (60 * USECS_PER_SEC)
#define BEAT_PURGE_BATCH	1000
#define BEAT_PURGE_BATCH_MAX 10000
#define BEAT_PURGE_SPREAD	10
#define BEAT_PURGE_COUNT_MAX 1000000
#define BEAT_PURGE_REPORT_INTERVAL (60 * USECS_PER_SEC)

/* How often the dead man's switch is checked, when any threshold is set. */
#define BEAT_OVERDUE_INTERVAL (5 * USECS_PER_SEC)

/*
 * A cancelled run that has not stopped after this long is terminated.  A
 * remote run waits as long for the other server to confirm its cancel
 * (remote.c), so change both together.
 */
#define BEAT_CANCEL_GRACE	(5 * USECS_PER_SEC)

/* A housekeeping write that failed is tried again this much later. */
#define BEAT_RETRY_HOUSEKEEPING	(10 * USECS_PER_SEC)

/* At a shutdown, how long the launcher waits for its runs to end. */
#define BEAT_STOP_GRACE		(500 * 1000)

/* While runs wait for a background worker, look for one this often. */
#define BEAT_AWAIT_WORKER_MS	20

/* Longest sleep: the launcher re-checks settings and retention this often. */
#define BEAT_MAX_SLEEP_MS	60000

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
 * The jobs' rows.  Each row and all its strings are packed into one
 * exactly-sized piece of a large block: no chunk header per string and no
 * rounding up to a power of two, which with short strings more than doubled
 * a job's size.  A load keeps a job's packed row when the row did not
 * change, so reloading every job costs no memory.  A row that is replaced
 * or forgotten stays behind as garbage, counted in 'dead'; once the garbage
 * outweighs the rows in use, the rows are copied into fresh blocks and the
 * old ones freed, so reloads neither leak nor fragment.
 */
typedef struct LauncherRows
{
	MemoryContext cxt;			/* owns the blocks */
	char	   *next;			/* free space in the newest block */
	Size		left;			/* bytes free at next */
	Size		live;			/* bytes of rows in use */
	Size		dead;			/* bytes of rows replaced or forgotten */
} LauncherRows;

#define LAUNCHER_ROWS_BLOCK (64 * 1024)

/* The string fields of BeatJobRow, which launcher_pack_row copies. */
static const size_t launcher_row_strings[] = {
	offsetof(BeatJobRow, schedule),
	offsetof(BeatJobRow, command),
	offsetof(BeatJobRow, nodename),
	offsetof(BeatJobRow, database),
	offsetof(BeatJobRow, username),
	offsetof(BeatJobRow, jobname),
	offsetof(BeatJobRow, timezone),
	offsetof(BeatJobRow, on_failure),
};

#define LAUNCHER_ROW_STRING(row, i) \
	(*(char **) ((char *) (row) + launcher_row_strings[i]))

/*
 * What the launcher alone knows of a run slot.  A slot holds a run (in_use),
 * or a pooled session that waits for one (session), or nothing.
 */
typedef struct LauncherSlot
{
	bool		in_use;
	bool		session;		/* no run, but a session waits or exits */
	bool		retiring;		/* that session was asked to exit */
	TimestampTz idle_since;		/* when that session finished its run */
	int64		jobid;
	int64		runid;
	BackgroundWorkerHandle *handle; /* the session's worker; NULL for runs
									 * and sessions adopted after restart */
	dsm_segment *command_seg;
	int64		timeout_usecs;	/* the job's timeout; 0 = none */
	TimestampTz terminate_at;	/* when a cancelled run is terminated */
	bool		on_failure;		/* runs a job's on_failure command */
	bool		recorded;		/* the final outcome is committed */
	bool		awaiting_worker;	/* recorded, waits for a free worker */
	bool		in_history;		/* has a row in cron.job_run_details, which
								 * its outcome updates even if cron.log_run
								 * was turned off since */
	TimestampTz due;			/* when the run fell due: orders the wait */
	int64		first_runid;	/* runid of the run's first attempt */
} LauncherSlot;

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
} LauncherRefusal;

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
	const char *failed_run;		/* JSON for an on_failure run, else NULL */
} LauncherNewRun;

/* A run outside the timers: cron.run_job(), or a retry of a failed run. */
typedef struct LauncherExtraRun
{
	int64		jobid;
	int64		runid;			/* 0 = take a new one */
	TimestampTz slot;			/* scheduled_time; 0 for cron.run_job */
	int32		attempt;
	TimestampTz due;			/* not before */
	char	   *failed_run;		/* on_failure run: the failed run as JSON */
	int64		retry_of;		/* a retry: runid of the first attempt */
} LauncherExtraRun;

static MemoryContext launcher_context = NULL;
static MemoryContext launcher_scratch = NULL;
static LauncherRows launcher_rows;	/* every job's row */
static int64 launcher_changed[BEAT_MAX_CHANGED_JOBS];	/* taken from shmem */
static HTAB *launcher_jobs = NULL;
static pairingheap *launcher_timers = NULL;
static pairingheap *launcher_ready = NULL;
static LauncherSlot *launcher_slots = NULL;
static uint64 launcher_generation = 0;
static char *launcher_loaded_timezone = NULL;
static TimestampTz launcher_next_purge = 0;
static int64 launcher_purge_retention = 0;	/* the retention last applied */
static int	launcher_purge_batch = BEAT_PURGE_BATCH;
static bool launcher_purge_behind = false;
static TimestampTz launcher_last_backlog_report = 0;
static bool launcher_extension_present = false; /* as the last load found */
static bool launcher_load_failed = false;	/* the last load failed */
static bool launcher_load_startup = false;	/* ... and it was the first */
static TimestampTz launcher_last_load = 0;
static List *launcher_extra = NIL;	/* of LauncherExtraRun, in launcher_context */
static int	launcher_nready = 0;	/* jobs in launcher_ready */
static int	launcher_overdue_jobs = 0;	/* jobs with their own overdue_after */
static TimestampTz launcher_last_overdue_check = 0;
static int	launcher_nawaiting = 0; /* runs waiting for a background worker */

/* runs a restart interrupted are still open: their closing failed */
static bool launcher_interrupted_open = false;
static TimestampTz launcher_interrupted_retry = 0;

/* SIGTERM: stop gently (launcher_stop), if it comes between iterations */
static volatile sig_atomic_t launcher_may_stop_gently = false;
static volatile sig_atomic_t launcher_stop_requested = false;
static bool launcher_worker_shortage = false;	/* warned, not yet over */

static void launcher_cancel_job_runs(int64 jobid, BeatCancelReason reason,
									 TimestampTz now);
static char *launcher_not_begun_message(const BeatRunSlot *slot);
static char *launcher_cancel_message(BeatCancelReason reason,
									 int64 timeout_usecs);
static void launcher_add_extra(int64 jobid, int64 runid, TimestampTz slot,
							   int32 attempt, TimestampTz due);
static int64 launcher_retry_delay(LauncherJob *job, int32 attempt);
static bool launcher_session_gone(int slotno);
static bool launcher_register_worker(int slotno);
static void launcher_await_worker(int slotno);
static bool launcher_start_awaiting(void);
static void launcher_after_failure(int64 jobid, TimestampTz slot,
								   int32 attempt, int64 first_runid,
								   BeatCancelReason reason, TimestampTz now);
static void launcher_apply_log_level(void);
static void launcher_record_outcomes_xact(void *arg);
static void launcher_final_failure(LauncherJob *job, int64 runid,
								   TimestampTz scheduled_time, int32 attempt,
								   const BeatRunOutcome *o);

/*
 * A transaction of the launcher's own, with SPI connected and a snapshot:
 * what the catalog.c functions expect.
 */
static void
launcher_xact_begin(void)
{
	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	SPI_connect();
	PushActiveSnapshot(GetTransactionSnapshot());
}

static void
launcher_xact_end(void)
{
	PopActiveSnapshot();
	SPI_finish();
	CommitTransactionCommand();
}

/*
 * Failure isolation.  The launcher serves every role's jobs, so a failure
 * in one of its writes must not end it: it would be restarted, replay the
 * same write and fail again, and no job of any role would run.  Each write
 * that concerns one thing (a run, a job, an announcement) runs in a
 * subtransaction of the launcher's transaction, as PL/pgSQL runs an
 * exception block: on error only that write is rolled back, the error is
 * logged with what it was about, and the launcher carries on.  The
 * launcher's own transactions (a load, a purge, a check) are guarded the
 * same way as a whole.
 */

static bool launcher_isolate(void (*fn) (void *), void *arg,
							 const char *fmt,...) pg_attribute_printf(3, 4);

/* What launcher_report_failure logs: "could not <what>: <error>". */
static void
launcher_report_failure(ErrorData *edata, const char *what)
{
	ereport(WARNING,
			(errcode(edata->sqlerrcode),
			 errmsg("pg_beat: could not %s: %s", what, edata->message),
			 edata->detail ? errdetail_internal("%s", edata->detail) : 0,
			 errhint("The launcher skipped this and carried on; the other jobs are not affected.")));
}

/*
 * Run fn(arg) in a subtransaction of the current transaction.  Returns
 * false, with the error logged as a WARNING about what (a printf format),
 * when it failed; its writes are then rolled back and nothing else is.
 */
static bool
launcher_isolate(void (*fn) (void *), void *arg, const char *fmt,...)
{
	MemoryContext oldcontext = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	bool		ok = true;

	BeginInternalSubTransaction(NULL);
	/* the caller's allocations must survive the subtransaction */
	MemoryContextSwitchTo(oldcontext);

	PG_TRY();
	{
		fn(arg);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcontext);
		CurrentResourceOwner = oldowner;
	}
	PG_CATCH();
	{
		ErrorData  *edata;
		StringInfoData what;
		va_list		args;

		MemoryContextSwitchTo(oldcontext);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcontext);
		CurrentResourceOwner = oldowner;

		initStringInfo(&what);
		for (;;)
		{
			int			needed;

			va_start(args, fmt);
			needed = appendStringInfoVA(&what, fmt, args);
			va_end(args);
			if (needed == 0)
				break;
			enlargeStringInfo(&what, needed);
		}
		launcher_report_failure(edata, what.data);
		FreeErrorData(edata);
		pfree(what.data);
		ok = false;
	}
	PG_END_TRY();
	return ok;
}

/*
 * Run fn(arg) in a launcher transaction of its own (launcher_xact_begin).
 * On error the transaction is rolled back, the error logged as a WARNING
 * about what, and false returned.
 */
static bool
launcher_guarded_xact(void (*fn) (void *), void *arg, const char *what)
{
	MemoryContext oldcontext = CurrentMemoryContext;
	bool		ok = true;

	PG_TRY();
	{
		launcher_xact_begin();
		fn(arg);
		launcher_xact_end();
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(oldcontext);
		edata = CopyErrorData();
		FlushErrorState();
		AbortCurrentTransaction();
		MemoryContextSwitchTo(oldcontext);
		launcher_report_failure(edata, what);
		FreeErrorData(edata);
		ok = false;
	}
	PG_END_TRY();
	MemoryContextSwitchTo(oldcontext);
	return ok;
}

/*
 * NOTIFY refuses a payload of NOTIFY_PAYLOAD_MAX_LENGTH bytes or more
 * (async.c, not exported): every announcement stays below it.
 */
#define LAUNCHER_NOTIFY_MAX (BLCKSZ - NAMEDATALEN - 128)

/* The longest each field of an announcement may be, escaped, in bytes. */
#define LAUNCHER_JSON_MESSAGE_MAX	2000	/* return_message */
#define LAUNCHER_JSON_NAME_MAX		1000	/* jobname */
#define LAUNCHER_JSON_FIELD_MAX		400 /* database, username, sqlstate, ... */

/*
 * An announcement being built: the JSON object and the names of the fields
 * that had to be cut to fit.
 */
typedef struct LauncherJson
{
	StringInfoData buf;
	StringInfoData truncated;	/* a JSON array's elements, or empty */
} LauncherJson;

static void
launcher_json_start(LauncherJson *js)
{
	initStringInfo(&js->buf);
	initStringInfo(&js->truncated);
	appendStringInfoChar(&js->buf, '{');
}

static void
launcher_json_key(LauncherJson *js, const char *name)
{
	if (js->buf.len > 1)
		appendStringInfoString(&js->buf, ", ");
	escape_json(&js->buf, name);
	appendStringInfoString(&js->buf, ": ");
}

/*
 * A string field, escaped, cut at a character boundary so that its JSON
 * form takes at most maxlen bytes; a cut field is listed in "truncated".
 */
static void
launcher_json_field_max(LauncherJson *js, const char *name, const char *value,
						int maxlen)
{
	StringInfoData esc;

	launcher_json_key(js, name);
	if (value == NULL)
	{
		appendStringInfoString(&js->buf, "null");
		return;
	}

	initStringInfo(&esc);
	escape_json(&esc, value);
	if (esc.len > maxlen)
	{
		/* escaping may expand a character up to six times: go one by one */
		StringInfoData one;
		const char *p = value;

		initStringInfo(&one);
		resetStringInfo(&esc);
		appendStringInfoChar(&esc, '"');
		while (*p != '\0')
		{
			int			len = pg_mblen(p);
			char	   *ch = pnstrdup(p, len);

			resetStringInfo(&one);
			escape_json(&one, ch);
			pfree(ch);
			/* one holds the character in quotes; keep room for ours */
			if (esc.len + (one.len - 2) + 1 > maxlen)
				break;
			appendBinaryStringInfo(&esc, one.data + 1, one.len - 2);
			p += len;
		}
		appendStringInfoChar(&esc, '"');
		pfree(one.data);

		if (js->truncated.len > 0)
			appendStringInfoString(&js->truncated, ", ");
		escape_json(&js->truncated, name);
	}
	appendBinaryStringInfo(&js->buf, esc.data, esc.len);
	pfree(esc.data);
}

static void
launcher_json_field(LauncherJson *js, const char *name, const char *value)
{
	launcher_json_field_max(js, name, value, LAUNCHER_JSON_FIELD_MAX);
}

static void
launcher_json_number(LauncherJson *js, const char *name, int64 value)
{
	launcher_json_key(js, name);
	appendStringInfo(&js->buf, INT64_FORMAT, value);
}

static void
launcher_json_time(LauncherJson *js, const char *name, TimestampTz t)
{
	launcher_json_field(js, name, t == 0 ? NULL : timestamptz_to_str(t));
}

/*
 * Close the object: "truncated" lists the fields that were cut, if any.
 * Every field is bounded, so the result always fits in a NOTIFY.
 */
static char *
launcher_json_finish(LauncherJson *js)
{
	if (js->truncated.len > 0)
	{
		launcher_json_key(js, "truncated");
		appendStringInfo(&js->buf, "[%s]", js->truncated.data);
	}
	appendStringInfoChar(&js->buf, '}');
	pfree(js->truncated.data);
	Assert(js->buf.len < LAUNCHER_NOTIFY_MAX);
	return js->buf.data;
}

static void
launcher_notify_one(void *arg)
{
	Async_Notify(beat_notify_channel, (const char *) arg);
}

/*
 * Send an announcement on cron.notify_channel, in the current transaction.
 * A NOTIFY that fails is logged and dropped: it never takes the recording
 * of the event, or the launcher, with it.
 */
static void
launcher_announce(const char *payload, const char *event, int64 id)
{
	if (beat_notify_channel == NULL || beat_notify_channel[0] == '\0')
		return;
	(void) launcher_isolate(launcher_notify_one, (void *) payload,
							"announce the %s of %s " INT64_FORMAT
							" on cron.notify_channel", event,
							strcmp(event, "overdue") == 0 ? "job" : "run", id);
}

/* May a run take the slot: it holds neither a run nor an exiting session? */
static inline bool
launcher_slot_is_open(int slotno)
{
	return !launcher_slots[slotno].in_use && !launcher_slots[slotno].retiring;
}

/* ----------------------------------------------------------------
 * Registration
 * ----------------------------------------------------------------
 */

void
beat_register_launcher(void)
{
	BackgroundWorker worker;

	memset(&worker, 0, sizeof(worker));
	worker.bgw_flags = BGWORKER_SHMEM_ACCESS |
		BGWORKER_BACKEND_DATABASE_CONNECTION;
	/* a standby runs nothing: start once recovery has finished */
	worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
	worker.bgw_restart_time = 1;
	snprintf(worker.bgw_library_name, BGW_MAXLEN, "pg_beat");
	snprintf(worker.bgw_function_name, BGW_MAXLEN, "beat_launcher_main");
	snprintf(worker.bgw_name, BGW_MAXLEN, "pg_beat launcher");
	snprintf(worker.bgw_type, BGW_MAXLEN, "pg_beat launcher");
	RegisterBackgroundWorker(&worker);
}

/* ----------------------------------------------------------------
 * The heaps
 * ----------------------------------------------------------------
 */

/* min-heap on next_fire, ties by jobid */
static int
launcher_timer_compare(const pairingheap_node *a, const pairingheap_node *b,
					   void *arg)
{
	const LauncherJob *ja = pairingheap_const_container(LauncherJob, timer_node, a);
	const LauncherJob *jb = pairingheap_const_container(LauncherJob, timer_node, b);

	if (ja->next_fire != jb->next_fire)
		return ja->next_fire < jb->next_fire ? 1 : -1;
	if (ja->jobid != jb->jobid)
		return ja->jobid < jb->jobid ? 1 : -1;
	return 0;
}

/* min-heap on ready_due, ties by jobid */
static int
launcher_ready_compare(const pairingheap_node *a, const pairingheap_node *b,
					   void *arg)
{
	const LauncherJob *ja = pairingheap_const_container(LauncherJob, ready_node, a);
	const LauncherJob *jb = pairingheap_const_container(LauncherJob, ready_node, b);

	if (ja->ready_due != jb->ready_due)
		return ja->ready_due < jb->ready_due ? 1 : -1;
	if (ja->jobid != jb->jobid)
		return ja->jobid < jb->jobid ? 1 : -1;
	return 0;
}

static void
launcher_timer_remove(LauncherJob *job)
{
	if (job->in_timers)
	{
		pairingheap_remove(launcher_timers, &job->timer_node);
		job->in_timers = false;
	}
}

static void
launcher_timer_set(LauncherJob *job, TimestampTz next_fire)
{
	launcher_timer_remove(job);
	job->next_fire = next_fire;
	if (next_fire != DT_NOEND && job->schedulable && job->row->active &&
		!job->deleted)
	{
		pairingheap_add(launcher_timers, &job->timer_node);
		job->in_timers = true;
	}
}

static void
launcher_ready_remove(LauncherJob *job)
{
	if (job->in_ready)
	{
		pairingheap_remove(launcher_ready, &job->ready_node);
		job->in_ready = false;
		launcher_nready--;
	}
}

/*
 * Queue a run of job for slot 'slot', which fell due at 'due'.  A job waits
 * in the ready heap at most once: a second slot before it started coalesces
 * into the first (which then serves the newer slot).
 */
static void
launcher_ready_add(LauncherJob *job, TimestampTz due, TimestampTz slot)
{
	if (job->in_ready)
	{
		job->ready_slot = slot;
		return;
	}
	job->ready_due = due;
	job->ready_slot = slot;
	pairingheap_add(launcher_ready, &job->ready_node);
	job->in_ready = true;
	launcher_nready++;
}

/* ----------------------------------------------------------------
 * Jobs
 * ----------------------------------------------------------------
 */

/*
 * Parse the job's schedule and zone.  The trigger validated both on write,
 * so failing here means the zone database or cron.timezone changed under
 * us: warn and leave the job idle rather than stop the launcher.
 */
static void
launcher_prepare_job(LauncherJob *job)
{
	MemoryContext oldcontext = CurrentMemoryContext;

	job->schedulable = false;
	PG_TRY();
	{
		beat_parse_schedule(job->row->schedule, &job->expr);
		job->tz = beat_lookup_timezone(job->row->timezone);
		job->schedulable = true;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(oldcontext);
		edata = CopyErrorData();
		FlushErrorState();
		ereport(WARNING,
				(errmsg("pg_beat: job " INT64_FORMAT " cannot be scheduled: %s",
						job->jobid, edata->message),
				 edata->detail ? errdetail("%s", edata->detail) : 0));
		FreeErrorData(edata);
	}
	PG_END_TRY();
}

static bool
launcher_same_string(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/*
 * The first slot of a job that the launcher has just learned about.  'from'
 * is where its history ends (or now).  Interval schedules count from the
 * previous slot.
 */
static TimestampTz
launcher_first_fire(LauncherJob *job, TimestampTz from)
{
	if (!job->schedulable)
		return DT_NOEND;
	return beat_next_fire(&job->expr, job->tz, from);
}

/* Bytes a packed copy of row takes: the struct, then its strings. */
static Size
launcher_row_size(const BeatJobRow *row)
{
	Size		size = MAXALIGN(sizeof(BeatJobRow));
	int			i;

	for (i = 0; i < lengthof(launcher_row_strings); i++)
	{
		const char *str = LAUNCHER_ROW_STRING(row, i);

		if (str != NULL)
			size += strlen(str) + 1;
	}
	return MAXALIGN(size);
}

static void
launcher_rows_start(LauncherRows *rows)
{
	rows->cxt = AllocSetContextCreate(launcher_context, "pg_beat job rows",
									  ALLOCSET_SMALL_SIZES);
	rows->next = NULL;
	rows->left = 0;
	rows->live = 0;
	rows->dead = 0;
}

/* A copy of row, strings and all, in launcher_rows. */
static BeatJobRow *
launcher_pack_row(const BeatJobRow *row)
{
	Size		size = launcher_row_size(row);
	BeatJobRow *copy;
	char	   *p;
	int			i;

	if (size > launcher_rows.left)
	{
		/* the tail of the previous block, less than a row, is lost */
		Size		blocksize = Max(LAUNCHER_ROWS_BLOCK, size);

		launcher_rows.next = MemoryContextAlloc(launcher_rows.cxt, blocksize);
		launcher_rows.left = blocksize;
	}
	copy = (BeatJobRow *) launcher_rows.next;
	launcher_rows.next += size;
	launcher_rows.left -= size;
	launcher_rows.live += size;

	memcpy(copy, row, sizeof(BeatJobRow));
	p = (char *) copy + MAXALIGN(sizeof(BeatJobRow));
	for (i = 0; i < lengthof(launcher_row_strings); i++)
	{
		const char *str = LAUNCHER_ROW_STRING(row, i);

		if (str != NULL)
		{
			Size		len = strlen(str) + 1;

			memcpy(p, str, len);
			LAUNCHER_ROW_STRING(copy, i) = p;
			p += len;
		}
	}
	return copy;
}

/* A job no longer uses row: it is garbage until the next compaction. */
static void
launcher_drop_row(BeatJobRow *row)
{
	Size		size;

	if (row == NULL)
		return;
	size = launcher_row_size(row);
	launcher_rows.live -= size;
	launcher_rows.dead += size;
}

/* Do a and b hold the same values, strings included? */
static bool
launcher_same_row(const BeatJobRow *a, const BeatJobRow *b)
{
	BeatJobRow	sa = *a;
	BeatJobRow	sb = *b;
	int			i;

	/* every field but the strings at once (rows start zeroed, padding too) */
	for (i = 0; i < lengthof(launcher_row_strings); i++)
	{
		if (!launcher_same_string(LAUNCHER_ROW_STRING(a, i),
								  LAUNCHER_ROW_STRING(b, i)))
			return false;
		LAUNCHER_ROW_STRING(&sa, i) = NULL;
		LAUNCHER_ROW_STRING(&sb, i) = NULL;
	}
	return memcmp(&sa, &sb, sizeof(BeatJobRow)) == 0;
}

/*
 * Copy every row into fresh blocks when the garbage outweighs them.  Called
 * at the end of a load only: nothing else keeps a row's address.
 */
static void
launcher_rows_compact(void)
{
	LauncherRows old = launcher_rows;
	HASH_SEQ_STATUS seq;
	LauncherJob *job;

	if (old.dead <= old.live + LAUNCHER_ROWS_BLOCK)
		return;

	launcher_rows_start(&launcher_rows);
	hash_seq_init(&seq, launcher_jobs);
	while ((job = hash_seq_search(&seq)) != NULL)
		job->row = launcher_pack_row(job->row);
	MemoryContextDelete(old.cxt);
}

static void
launcher_forget_job(LauncherJob *job)
{
	bool		found;

	launcher_timer_remove(job);
	launcher_ready_remove(job);
	launcher_drop_row(job->row);
	hash_search(launcher_jobs, &job->jobid, HASH_REMOVE, &found);
}

/* What launcher_apply_row needs to know of the load it belongs to. */
typedef struct LauncherLoad
{
	bool		at_startup;		/* first load: resume after the history */
	bool		timezone_changed;	/* cron.timezone changed since last load */
	TimestampTz now;
	int			nrows;			/* rows applied */
	bool		full;			/* read every job, not only nchanged */
	int			nchanged;		/* jobids in launcher_changed */
} LauncherLoad;

/*
 * Bring one job in line with its row of cron.job (a BeatJobRowCallback:
 * the row lives only during the call).  A job whose schedule, zone and
 * active flag did not change keeps its next instant; the others start
 * afresh from now, or, at startup, after the newest slot of their history.
 * Full and incremental loads both come through here.
 */
static void
launcher_apply_row(const BeatJobRow *row, TimestampTz last_scheduled,
				   void *arg)
{
	LauncherLoad *load = (LauncherLoad *) arg;
	LauncherJob *job;
	bool		found;
	bool		reschedule;

	job = hash_search(launcher_jobs, &row->jobid, HASH_ENTER, &found);
	if (!found)
	{
		memset(((char *) job) + sizeof(int64), 0,
			   sizeof(LauncherJob) - sizeof(int64));
		job->next_fire = DT_NOEND;
		reschedule = true;
	}
	else
	{
		reschedule = job->deleted ||
			!launcher_same_string(job->row->schedule, row->schedule) ||
			!launcher_same_string(job->row->timezone, row->timezone) ||
			job->row->active != row->active ||
			(row->timezone == NULL && load->timezone_changed);

		/* a job already gone from the catalog is no longer counted */
		if (!job->deleted && job->row->has_overdue_after)
			launcher_overdue_jobs--;
	}
	if (row->has_overdue_after)
		launcher_overdue_jobs++;

	if (!found || !launcher_same_row(job->row, row))
	{
		if (found)
			launcher_drop_row(job->row);
		job->row = launcher_pack_row(row);
	}
	job->seen = true;
	job->deleted = false;
	load->nrows++;

	if (reschedule)
	{
		TimestampTz from = load->now;

		launcher_prepare_job(job);
		if (load->at_startup && last_scheduled != 0 &&
			job->expr.kind != CRONEXPR_REBOOT)
			from = last_scheduled;
		launcher_timer_set(job, launcher_first_fire(job, from));
		if (!job->row->active)
		{
			launcher_ready_remove(job);
			job->pending = false;
			if (job->nrunning > 0)
				launcher_cancel_job_runs(job->jobid, BEAT_CANCEL_DEACTIVATED,
										 load->now);
		}
	}
}

/*
 * The job is gone from the catalog: forget it once its runs are over.  Runs
 * still going are cancelled (once) and the job stays, marked deleted, until
 * the last one ends.
 */
static void
launcher_job_gone(LauncherJob *job, TimestampTz now)
{
	if (!job->deleted && job->row->has_overdue_after)
		launcher_overdue_jobs--;
	launcher_timer_remove(job);
	launcher_ready_remove(job);
	job->pending = false;
	if (job->nrunning > 0)
	{
		if (!job->deleted)
			launcher_cancel_job_runs(job->jobid, BEAT_CANCEL_UNSCHEDULED, now);
		job->deleted = true;
	}
	else
		launcher_forget_job(job);
}

/*
 * Reload every job: the first load, and whenever a change cannot be told
 * job by job (see shmem.c).
 */
static void
launcher_load_all_jobs(LauncherLoad *load)
{
	List	   *retries = NIL;
	ListCell   *lc;
	HASH_SEQ_STATUS seq;
	LauncherJob *job;

	if (launcher_rows.cxt == NULL)
		launcher_rows_start(&launcher_rows);

	hash_seq_init(&seq, launcher_jobs);
	while ((job = hash_seq_search(&seq)) != NULL)
		job->seen = false;

	launcher_extension_present = beat_catalog_extension_ready();
	if (launcher_extension_present)
	{
		(void) beat_catalog_scan_jobs(NULL, 0, load->at_startup,
									  launcher_apply_row, load);
		if (load->at_startup)
			retries = beat_catalog_load_retries(launcher_scratch);
	}

	/* jobs gone from the catalog */
	hash_seq_init(&seq, launcher_jobs);
	while ((job = hash_seq_search(&seq)) != NULL)
	{
		if (!job->seen)
			launcher_job_gone(job, load->now);
	}
	launcher_rows_compact();

	/* retries that a restart interrupted */
	foreach(lc, retries)
	{
		BeatRetryRow *r = lfirst(lc);
		bool		found;

		job = hash_search(launcher_jobs, &r->jobid, HASH_FIND, &found);
		if (found)
		{
			launcher_add_extra(r->jobid, 0, r->scheduled_time, r->attempt + 1,
							   r->end_time + launcher_retry_delay(job, r->attempt));
			((LauncherExtraRun *) llast(launcher_extra))->retry_of = r->first_runid;
		}
	}
}

static int
launcher_jobid_cmp(const void *a, const void *b)
{
	int64		x = *(const int64 *) a;
	int64		y = *(const int64 *) b;

	return x < y ? -1 : (x > y ? 1 : 0);
}

/*
 * Reload the jobs committed transactions changed (launcher_changed, sorted
 * and without repeats): apply the rows still there, and treat the jobids
 * with no row as deleted, exactly as a full load would.
 */
static void
launcher_load_changed_jobs(LauncherLoad *load, int nchanged)
{
	LauncherJob *job;
	bool		found;
	int			i;

	for (i = 0; i < nchanged; i++)
	{
		job = hash_search(launcher_jobs, &launcher_changed[i], HASH_FIND,
						  &found);
		if (found)
			job->seen = false;
	}

	/* a dropped extension asks for a full load; be safe all the same */
	launcher_extension_present = beat_catalog_extension_ready();
	if (launcher_extension_present)
		(void) beat_catalog_scan_jobs(launcher_changed, nchanged, false,
									  launcher_apply_row, load);

	for (i = 0; i < nchanged; i++)
	{
		job = hash_search(launcher_jobs, &launcher_changed[i], HASH_FIND,
						  &found);
		if (found && !job->seen)
			launcher_job_gone(job, load->now);
	}

	launcher_rows_compact();
}

static void
launcher_load_xact(void *arg)
{
	LauncherLoad *load = arg;

	if (load->full)
		launcher_load_all_jobs(load);
	else
		launcher_load_changed_jobs(load, load->nchanged);
}

/*
 * Bring the in-memory jobs in line with cron.job.  The caller has read the
 * catalog generation; the changes are taken only now, so that a change
 * committed during the load bumps the generation again and is not missed.
 * Only the jobs committed transactions wrote are read, unless something
 * asks for every job: the first load (at_startup, which also resumes each
 * job after the newest slot of its history), an overflowing queue,
 * TRUNCATE, CREATE or DROP EXTENSION, or a new cron.timezone, which every
 * job without a zone of its own follows.
 */
static void
launcher_load_jobs(bool at_startup, TimestampTz now)
{
	LauncherLoad load;
	bool		full;
	int			nchanged;

	full = beat_take_catalog_changes(launcher_changed, &nchanged);

	/* a first load that failed is still owed */
	at_startup = at_startup || (launcher_load_failed && launcher_load_startup);
	load.at_startup = at_startup;
	load.timezone_changed = !launcher_same_string(launcher_loaded_timezone,
												  beat_timezone);
	load.now = now;
	load.nrows = 0;
	if (at_startup || load.timezone_changed || launcher_rows.cxt == NULL ||
		launcher_load_failed)
		full = true;

	if (!full)
	{
		int			i,
					n = 0;

		/* one job written by several transactions is read once */
		qsort(launcher_changed, nchanged, sizeof(int64), launcher_jobid_cmp);
		for (i = 0; i < nchanged; i++)
			if (n == 0 || launcher_changed[n - 1] != launcher_changed[i])
				launcher_changed[n++] = launcher_changed[i];
		nchanged = n;

		/* woken for something else (a run request): nothing to read */
		if (nchanged == 0)
			return;
	}

	load.full = full;
	load.nchanged = nchanged;
	if (!launcher_guarded_xact(launcher_load_xact, &load, "load the jobs"))
	{
		/*
		 * The changes taken are lost with the failed load: read every job
		 * next time, after a pause rather than in a loop.
		 */
		launcher_load_failed = true;
		launcher_load_startup = at_startup;
		launcher_last_load = now + BEAT_LOAD_RETRY - BEAT_RELOAD_GAP;
		pg_atomic_fetch_add_u64(&beat_shared->catalog_generation, 1);
		return;
	}
	launcher_load_failed = false;

	if (full)
		ereport(DEBUG1,
				(errmsg_internal("pg_beat: reloaded all jobs, %d found",
								 load.nrows)));
	else
		ereport(DEBUG1,
				(errmsg_internal("pg_beat: reloaded %d changed job(s), %d found",
								 nchanged, load.nrows)));

	if (launcher_loaded_timezone)
		pfree(launcher_loaded_timezone);
	launcher_loaded_timezone = MemoryContextStrdup(launcher_context,
												   beat_timezone);
}

/* ----------------------------------------------------------------
 * Due slots
 * ----------------------------------------------------------------
 */

/*
 * A run of job for slot 'slot' is due.  Start it (via the ready heap), or,
 * while a run of the job is going, apply the overlap policy.
 */
static void
launcher_refuse(List **refusals, LauncherJob *job, TimestampTz slot,
				const char *status, const char *message)
{
	LauncherRefusal *r = palloc(sizeof(LauncherRefusal));

	r->job = job;
	r->slot = slot;
	r->status = status;
	r->message = message;
	*refusals = lappend(*refusals, r);
}

static void
launcher_slot_due(LauncherJob *job, TimestampTz slot, TimestampTz now,
				  List **refusals)
{
	BeatOverlapPolicy policy = job->row->overlap_policy;

	if (job->nrunning == 0 || policy == BEAT_OVERLAP_ALLOW)
	{
		launcher_ready_add(job, slot, slot);
		return;
	}

	if (policy == BEAT_OVERLAP_SKIP)
	{
		launcher_refuse(refusals, job, slot, "skipped",
						"skipped: the previous run of the job was still running (overlap_policy skip)");
		return;
	}

	if (policy == BEAT_OVERLAP_REPLACE)
		launcher_cancel_job_runs(job->jobid, BEAT_CANCEL_REPLACED, now);

	/* queue, and replace once the old run has stopped: one pending run */
	job->pending = true;
	job->pending_slot = slot;
}

/*
 * The newest slot of job that is not after now, starting from a due slot.
 * The launcher may be late by several slots (it was stopped, or the clock
 * jumped); they coalesce.  A long backlog of a frequent schedule is not
 * walked slot by slot beyond a bound: only the grace window matters then.
 */
static TimestampTz
launcher_newest_slot(LauncherJob *job, TimestampTz slot, TimestampTz now)
{
	TimestampTz next;
	int			steps = 0;

	for (;;)
	{
		next = beat_next_fire(&job->expr, job->tz, slot);
		if (next == DT_NOEND || next > now)
			return slot;
		slot = next;
		if (++steps == 10000 && slot < now - BEAT_MISFIRE_GRACE)
		{
			next = beat_next_fire(&job->expr, job->tz, now - BEAT_MISFIRE_GRACE);
			if (next > now)
				return slot;	/* nothing in the window: slot is old enough */
			slot = next;
		}
	}
}

/*
 * Take the jobs whose instant has come off the timer heap.  Slots older
 * than the grace period under misfire_policy "skip", and slots the overlap
 * policy skips, are appended to *refusals; the others become runs.
 */
/*
 * May the job's next slot, not due yet, start its session now?  Only when
 * nothing else could claim the run slot: the job is idle, and more run slots
 * are free than runs wait for one.
 */
static bool launcher_extra_due(TimestampTz now);

static bool
launcher_can_prewarm(LauncherJob *job, TimestampTz now)
{
	int			nfree = 0;
	int			i;

	if (!beat_launch_active_jobs || job->nrunning > 0 || job->in_ready ||
		job->pending || launcher_extra_due(now))
		return false;
	for (i = 0; i < beat_shared->nslots; i++)
		if (launcher_slot_is_open(i))
			nfree++;
	return nfree > launcher_nready;
}

static void
launcher_take_due(TimestampTz now, List **refusals)
{
	while (!pairingheap_is_empty(launcher_timers))
	{
		LauncherJob *job = pairingheap_container(LauncherJob, timer_node,
												 pairingheap_first(launcher_timers));
		TimestampTz first_missed = job->next_fire;
		TimestampTz slot;

		if (job->next_fire > now)
		{
			/* not due yet: start its session ahead of the instant, if we may */
			if (job->next_fire > now + BEAT_PREWARM || !launcher_can_prewarm(job, now))
				break;
			slot = job->next_fire;
			launcher_timer_set(job, beat_next_fire(&job->expr, job->tz, slot));
			launcher_ready_add(job, slot, slot);
			continue;
		}

		slot = launcher_newest_slot(job, job->next_fire, now);
		launcher_timer_set(job, beat_next_fire(&job->expr, job->tz, slot));

		if (!beat_launch_active_jobs)
			continue;			/* paused: slots pass unrun */

		/*
		 * Late by more than the grace period (the first slot we did not run
		 * is that old): pg_beat was down, or the clock jumped forward.
		 */
		if (first_missed < now - BEAT_MISFIRE_GRACE &&
			job->row->misfire_policy != BEAT_MISFIRE_RUN_ONCE)
		{
			launcher_refuse(refusals, job, slot, "skipped",
							psprintf("skipped: slots missed while pg_beat was not running (newest missed slot %s, misfire_policy skip)",
									 timestamptz_to_str(slot)));
			continue;
		}
		launcher_slot_due(job, slot, now, refusals);
	}
}

/* ----------------------------------------------------------------
 * Run slots
 * ----------------------------------------------------------------
 */

/*
 * Is the slot's worker process gone?
 */
static bool
launcher_session_gone(int slotno)
{
	LauncherSlot *ls = &launcher_slots[slotno];
	BeatRunSlot *slot = &beat_shared->slots[slotno];

	if (ls->handle != NULL)
	{
		pid_t		pid;
		BgwHandleStatus status = GetBackgroundWorkerPid(ls->handle, &pid);

		return status == BGWH_STOPPED || status == BGWH_POSTMASTER_DIED;
	}
	return slot->pid == 0 || (kill(slot->pid, 0) != 0 && errno == ESRCH);
}

/*
 * Ask the idle session in the slot to exit; the slot is free once it is
 * gone (launcher_reap_sessions).
 */
static void
launcher_retire_session(int slotno)
{
	LauncherSlot *ls = &launcher_slots[slotno];
	BeatRunSlot *slot = &beat_shared->slots[slotno];

	LWLockAcquire(beat_shared->lock, LW_EXCLUSIVE);
	slot->retire = true;
	if (slot->worker_latch != NULL)
		SetLatch(slot->worker_latch);
	LWLockRelease(beat_shared->lock);
	ls->retiring = true;
}

/*
 * May the idle session in the slot take a run of this database and role?
 */
static bool
launcher_session_fits(int slotno, Oid database_oid, Oid user_oid)
{
	LauncherSlot *ls = &launcher_slots[slotno];
	BeatRunSlot *slot = &beat_shared->slots[slotno];

	return ls->session && !ls->retiring && !launcher_session_gone(slotno) &&
		slot->state == BEAT_SLOT_IDLE && !slot->retire &&
		slot->database_oid == database_oid && slot->user_oid == user_oid &&
		beat_session_is_current(slot);
}

/*
 * Choose the slot for a run of this database and role (InvalidOid for a
 * remote run): an idle session of the same pair first, so the run needs no
 * new backend; else an empty slot.  With neither, one idle session of
 * another pair is asked to exit, unless one is exiting already, and -1 is
 * returned: the run waits until that slot is free.
 */
static int
launcher_pick_slot(Oid database_oid, Oid user_oid)
{
	int			empty = -1;
	int			oldest_idle = -1;
	bool		any_retiring = false;
	int			i;

	for (i = 0; i < beat_shared->nslots; i++)
	{
		LauncherSlot *ls = &launcher_slots[i];

		if (ls->in_use)
			continue;
		if (!ls->session)
		{
			if (empty < 0)
				empty = i;
			continue;
		}
		if (ls->retiring)
		{
			any_retiring = true;
			continue;
		}
		if (OidIsValid(database_oid) &&
			launcher_session_fits(i, database_oid, user_oid))
			return i;
		if (oldest_idle < 0 ||
			ls->idle_since < launcher_slots[oldest_idle].idle_since)
			oldest_idle = i;
	}
	if (empty >= 0)
		return empty;
	if (oldest_idle >= 0 && !any_retiring)
		launcher_retire_session(oldest_idle);
	return -1;
}

/*
 * Could a run take a slot now, or soon?  True when some slot holds neither
 * a run nor an exiting session.
 */
static bool
launcher_slot_open(void)
{
	int			i;

	for (i = 0; i < beat_shared->nslots; i++)
		if (launcher_slot_is_open(i))
			return true;
	return false;
}

/*
 * Empty the slot for good: the session is gone.
 */
static void
launcher_free_slot(int slotno)
{
	LauncherSlot *ls = &launcher_slots[slotno];
	BeatRunSlot *slot = &beat_shared->slots[slotno];

	if (ls->command_seg != NULL)
		dsm_detach(ls->command_seg);
	if (ls->handle != NULL)
		pfree(ls->handle);
	memset(ls, 0, sizeof(LauncherSlot));

	LWLockAcquire(beat_shared->lock, LW_EXCLUSIVE);
	slot->state = BEAT_SLOT_FREE;
	slot->runid = 0;
	slot->jobid = 0;
	slot->pid = 0;
	slot->worker_latch = NULL;
	slot->reusable = false;
	slot->retire = false;
	LWLockRelease(beat_shared->lock);
}

/*
 * The run in the slot is recorded.  Keep its session for the next run if
 * it offered to stay and is still fit; else empty the slot, or wait for the
 * session to exit.
 */
static void
launcher_release_slot(int slotno, TimestampTz now)
{
	LauncherSlot *ls = &launcher_slots[slotno];
	BeatRunSlot *slot = &beat_shared->slots[slotno];
	BackgroundWorkerHandle *handle;
	bool		keep;

	if (launcher_session_gone(slotno))
	{
		launcher_free_slot(slotno);
		return;
	}

	/* forget the run, keep the session */
	handle = ls->handle;
	if (ls->command_seg != NULL)
		dsm_detach(ls->command_seg);
	memset(ls, 0, sizeof(LauncherSlot));
	ls->handle = handle;
	ls->session = true;
	ls->idle_since = now;

	LWLockAcquire(beat_shared->lock, LW_EXCLUSIVE);
	/* a run waiting for a worker needs this session's worker more */
	keep = slot->reusable && !slot->retire && beat_session_idle_timeout > 0 &&
		beat_session_is_current(slot) && launcher_nawaiting == 0;
	slot->state = BEAT_SLOT_IDLE;
	slot->runid = 0;
	slot->jobid = 0;
	if (!keep)
	{
		slot->retire = true;
		if (slot->worker_latch != NULL)
			SetLatch(slot->worker_latch);
	}
	LWLockRelease(beat_shared->lock);
	ls->retiring = !keep;
}

/*
 * Look after the slots that hold a session but no run: free those whose
 * session is gone, retire those idle too long or made stale by a change of
 * roles or databases.  Returns when the next idle session times out, or
 * DT_NOEND.
 */
static TimestampTz
launcher_reap_sessions(TimestampTz now)
{
	TimestampTz next = DT_NOEND;
	int64		timeout = (int64) beat_session_idle_timeout * 1000;
	int			i;

	for (i = 0; i < beat_shared->nslots; i++)
	{
		LauncherSlot *ls = &launcher_slots[i];
		BeatRunSlot *slot = &beat_shared->slots[i];

		if (ls->in_use || !ls->session)
			continue;
		if (launcher_session_gone(i))
		{
			launcher_free_slot(i);
			continue;
		}
		if (ls->retiring)
			continue;
		if (timeout <= 0 || ls->idle_since + timeout <= now || slot->retire ||
			!beat_session_is_current(slot))
			launcher_retire_session(i);
		else
			next = Min(next, ls->idle_since + timeout);
	}
	return next;
}

/*
 * A run ended: let the job's pending slot, if any, go.
 */
static void
launcher_run_ended(int64 jobid, TimestampTz now)
{
	LauncherJob *job;
	bool		found;

	job = hash_search(launcher_jobs, &jobid, HASH_FIND, &found);
	if (!found)
		return;
	if (job->nrunning > 0)
		job->nrunning--;
	if (job->deleted && job->nrunning == 0)
	{
		launcher_forget_job(job);
		return;
	}
	if (job->pending && job->nrunning == 0)
	{
		job->pending = false;
		if (job->row->active && beat_launch_active_jobs)
			launcher_ready_add(job, job->pending_slot, job->pending_slot);
	}
}

/*
 * Did the run in the slot end without its command ever starting, for a
 * reason that is not the run's own?  Cancelled before it began (the job was
 * paused, unscheduled or replaced), or its session was stopped or lost while
 * it waited for the slot's instant.  Nothing ran, so it is not a failure:
 * it is recorded skipped, with the reason, and neither retried nor
 * announced.  A session refused as a new one would be (the role may not log
 * in, too many connections) did not start either, but that is what psql -c
 * would have met: a failure.
 */
static bool
launcher_run_never_began(const BeatRunSlot *slot)
{
	if (slot->succeeded || slot->start_time != 0)
		return false;
	if (slot->cancel_reason != BEAT_CANCEL_NONE)
		return true;
	/* died without a word, or shut down / terminated (class 57P) */
	return slot->sqlstate[0] == '\0' || strncmp(slot->sqlstate, "57P", 3) == 0;
}

/*
 * A run stopped on purpose (unscheduled, deactivated, cancelled, replaced)
 * is not a failure to announce or to hand to on_failure: someone asked for
 * it.  A timeout is the job's own failure.
 */
static bool
launcher_stopped_on_purpose(BeatCancelReason reason)
{
	return reason != BEAT_CANCEL_NONE && reason != BEAT_CANCEL_TIMEOUT;
}

/*
 * Look at every slot in use: runs that started get a 'running' outcome,
 * runs that ended their final outcome.  Slots whose outcome is collected
 * are listed in *done, to be freed once the outcomes are committed.
 */
static List *
launcher_collect_outcomes(List **recorded, List **done, TimestampTz now)
{
	List	   *outcomes = NIL;
	int			i;

	for (i = 0; i < beat_shared->nslots; i++)
	{
		LauncherSlot *ls = &launcher_slots[i];
		BeatRunSlot *slot = &beat_shared->slots[i];
		BeatRunOutcome *o;
		BeatSlotState state;
		pid_t		worker_pid;
		BgwHandleStatus status = BGWH_STARTED;

		if (!ls->in_use)
			continue;

		LWLockAcquire(beat_shared->lock, LW_SHARED);
		state = slot->state;
		LWLockRelease(beat_shared->lock);

		/* a worker that died without a word (or never started) */
		if (state != BEAT_SLOT_DONE && ls->handle != NULL)
			status = GetBackgroundWorkerPid(ls->handle, &worker_pid);
		else if (state != BEAT_SLOT_DONE && ls->handle == NULL &&
				 slot->pid != 0 && kill(slot->pid, 0) != 0 && errno == ESRCH)
			status = BGWH_STOPPED;

		if (status == BGWH_STOPPED || status == BGWH_POSTMASTER_DIED)
		{
			/* the slot may have been finished just now; look again */
			LWLockAcquire(beat_shared->lock, LW_EXCLUSIVE);
			if (slot->state != BEAT_SLOT_DONE)
			{
				if (slot->message[0] == '\0')
					strlcpy(slot->message,
							"job session exited before completing the command",
							BEAT_MESSAGE_SIZE);
				slot->succeeded = false;
				slot->end_time = GetCurrentTimestamp();
				slot->state = BEAT_SLOT_DONE;
			}
			state = slot->state;
			LWLockRelease(beat_shared->lock);
		}

		if (state == BEAT_SLOT_RUNNING && !slot->recorded_running &&
			slot->start_time + BEAT_RUNNING_AFTER <= now)
		{
			o = palloc0(sizeof(BeatRunOutcome));
			o->slotno = -1;
			o->runid = slot->runid;
			o->status = "running";
			o->in_history = ls->in_history;
			o->pid = slot->pid;
			o->start_time = slot->start_time;
			slot->recorded_running = true;
			outcomes = lappend(outcomes, o);
		}
		else if (state == BEAT_SLOT_DONE && !ls->recorded)
		{
			o = palloc0(sizeof(BeatRunOutcome));
			o->slotno = i;
			o->runid = slot->runid;
			o->status = slot->succeeded ? "succeeded" : "failed";
			o->in_history = ls->in_history;
			o->message = pstrdup(slot->message);
			o->sqlstate = slot->sqlstate[0] ? pnstrdup(slot->sqlstate, 5) : NULL;
			if (launcher_run_never_began(slot))
			{
				o->status = "skipped";
				o->message = launcher_not_begun_message(slot);
				o->sqlstate = NULL;
			}
			else if (!slot->succeeded && slot->cancel_reason != BEAT_CANCEL_NONE)
			{
				o->message = launcher_cancel_message(slot->cancel_reason,
													 ls->timeout_usecs);
				o->sqlstate = "57014";
			}
			o->pid = slot->pid;
			/* a run refused before its command started has no start_time */
			o->start_time = slot->start_time ? slot->start_time : slot->end_time;
			o->end_time = slot->end_time;
			outcomes = lappend(outcomes, o);
			*recorded = lappend_int(*recorded, i);

			if (beat_log_run)
				ereport(slot->succeeded ? DEBUG1 : LOG,
						(errmsg("pg_beat: job " INT64_FORMAT " run " INT64_FORMAT " %s: %s",
								slot->jobid, slot->runid, o->status,
								o->message)));
		}

		/*
		 * The slot is free for another run only once its worker process is
		 * gone, or waits for that run (reusable): the postmaster holds a
		 * background worker slot until the process exits, and reusing ours
		 * earlier would exhaust max_worker_processes under load.
		 */
		if (state == BEAT_SLOT_DONE &&
			(slot->reusable || launcher_session_gone(i)))
			*done = lappend_int(*done, i);
	}
	return outcomes;
}

/*
 * Release the slots whose runs are recorded (or whose sessions are gone),
 * and let what waited on those runs go: the job's pending slot, a retry.
 */
static void
launcher_release_done(List *done, TimestampTz now)
{
	ListCell   *lc;

	foreach(lc, done)
	{
		int			slotno = lfirst_int(lc);
		BeatRunSlot *slot = &beat_shared->slots[slotno];
		int64		jobid = launcher_slots[slotno].jobid;
		bool		failed = !slot->succeeded && !launcher_run_never_began(slot);
		BeatCancelReason reason = slot->cancel_reason;
		TimestampTz scheduled_time = slot->scheduled_time;
		int32		attempt = slot->attempt;
		bool		on_failure = launcher_slots[slotno].on_failure;
		int64		first_runid = launcher_slots[slotno].first_runid;

		launcher_release_slot(slotno, now);
		launcher_run_ended(jobid, now);
		if (failed && !on_failure)
			launcher_after_failure(jobid, scheduled_time, attempt,
								   first_runid, reason, now);
	}
}

/* ----------------------------------------------------------------
 * Stopping runs
 * ----------------------------------------------------------------
 */

/*
 * Stop a run for real: cancel its statement now (SIGINT), and terminate its
 * session (SIGTERM) if it is still there BEAT_CANCEL_GRACE later.  A worker
 * that has not started the command yet sees cancel_reason and does not.
 */
static void
launcher_cancel_slot(int slotno, BeatCancelReason reason, TimestampTz now)
{
	LauncherSlot *ls = &launcher_slots[slotno];
	BeatRunSlot *slot = &beat_shared->slots[slotno];
	pid_t		pid = 0;
	bool		send = false;

	LWLockAcquire(beat_shared->lock, LW_EXCLUSIVE);
	if (slot->state != BEAT_SLOT_DONE && slot->state != BEAT_SLOT_FREE &&
		slot->cancel_reason == BEAT_CANCEL_NONE)
	{
		slot->cancel_reason = reason;
		pid = slot->pid;
		send = true;
		/* still waiting for a worker: it never begins */
		if (slot->awaiting_worker)
		{
			slot->awaiting_worker = false;
			slot->end_time = GetCurrentTimestamp();
			slot->state = BEAT_SLOT_DONE;
			send = false;
		}
	}
	LWLockRelease(beat_shared->lock);
	if (ls->awaiting_worker && !send)
	{
		ls->awaiting_worker = false;
		launcher_nawaiting--;
		SetLatch(MyLatch);
	}

	if (!send)
		return;
	if (pid != 0)
		kill(pid, SIGINT);
	ls->terminate_at = now + BEAT_CANCEL_GRACE;
}

static void
launcher_cancel_job_runs(int64 jobid, BeatCancelReason reason, TimestampTz now)
{
	int			i;

	for (i = 0; i < beat_shared->nslots; i++)
		if (launcher_slots[i].in_use && launcher_slots[i].jobid == jobid)
			launcher_cancel_slot(i, reason, now);
}

/*
 * Apply timeouts and terminate cancelled runs that did not stop.  Returns
 * the next instant at which something is due here, or DT_NOEND.
 */
static TimestampTz
launcher_enforce_deadlines(TimestampTz now)
{
	TimestampTz next = DT_NOEND;
	int			i;

	for (i = 0; i < beat_shared->nslots; i++)
	{
		LauncherSlot *ls = &launcher_slots[i];
		BeatRunSlot *slot = &beat_shared->slots[i];
		BeatSlotState state;
		TimestampTz start_time;
		BeatCancelReason reason;
		pid_t		pid;

		if (!ls->in_use)
			continue;

		LWLockAcquire(beat_shared->lock, LW_SHARED);
		state = slot->state;
		start_time = slot->start_time;
		reason = slot->cancel_reason;
		pid = slot->pid;
		LWLockRelease(beat_shared->lock);

		if (state == BEAT_SLOT_DONE)
			continue;

		/* wake to record a long run as 'running' */
		if (state == BEAT_SLOT_RUNNING && !slot->recorded_running)
			next = Min(next, start_time + BEAT_RUNNING_AFTER);

		/* the timeout counts from the moment the command started */
		if (ls->timeout_usecs > 0 && state == BEAT_SLOT_RUNNING &&
			reason == BEAT_CANCEL_NONE)
		{
			TimestampTz deadline = start_time + ls->timeout_usecs;

			if (deadline <= now)
			{
				launcher_cancel_slot(i, BEAT_CANCEL_TIMEOUT, now);
				reason = BEAT_CANCEL_TIMEOUT;
			}
			else
				next = Min(next, deadline);
		}

		if (reason != BEAT_CANCEL_NONE && ls->terminate_at != 0)
		{
			if (ls->terminate_at <= now)
			{
				if (pid != 0)
					kill(pid, SIGTERM);
				ls->terminate_at = 0;
			}
			else
				next = Min(next, ls->terminate_at);
		}
	}
	return next;
}

/*
 * The history message of a run the launcher stopped.
 */
static char *
launcher_cancel_message(BeatCancelReason reason, int64 timeout_usecs)
{
	switch (reason)
	{
		case BEAT_CANCEL_UNSCHEDULED:
			return pstrdup("job run cancelled because the job was unscheduled");
		case BEAT_CANCEL_DEACTIVATED:
			return pstrdup("job run cancelled because the job was deactivated");
		case BEAT_CANCEL_TIMEOUT:
			{
				Interval   *iv = palloc0(sizeof(Interval));

				iv->time = timeout_usecs;
				return psprintf("job run exceeded its timeout of %s and was cancelled",
								DatumGetCString(DirectFunctionCall1(interval_out,
																	IntervalPGetDatum(iv))));
			}
		case BEAT_CANCEL_REQUESTED:
			return pstrdup("job run cancelled by cron.cancel_run()");
		case BEAT_CANCEL_REPLACED:
			return pstrdup("job run cancelled: replaced by a newer run (overlap_policy replace)");
		case BEAT_CANCEL_NONE:
			break;
	}
	return NULL;
}

/*
 * Why a run that never began was skipped (launcher_run_never_began).
 */
static char *
launcher_not_begun_message(const BeatRunSlot *slot)
{
	switch (slot->cancel_reason)
	{
		case BEAT_CANCEL_UNSCHEDULED:
			return pstrdup("job run skipped: the job was unscheduled before the run started");
		case BEAT_CANCEL_DEACTIVATED:
			return pstrdup("job run skipped: the job was deactivated before the run started");
		case BEAT_CANCEL_TIMEOUT:
			return pstrdup("job run skipped: its timeout passed before the run started");
		case BEAT_CANCEL_REQUESTED:
			return pstrdup("job run skipped: cancelled by cron.cancel_run() before the run started");
		case BEAT_CANCEL_REPLACED:
			return pstrdup("job run skipped: replaced by a newer run before it started (overlap_policy replace)");
		case BEAT_CANCEL_NONE:
			break;
	}
	if (slot->message[0] != '\0')
		return psprintf("job run skipped: its session stopped before the command started (%s)",
						slot->message);
	return pstrdup("job run skipped: its session stopped before the command started");
}

/* ----------------------------------------------------------------
 * Starting runs
 * ----------------------------------------------------------------
 */

/*
 * May the job's owner run it now?  Rechecked at every run: the role may
 * have been dropped, lost LOGIN or CONNECT, or become a superuser.  On
 * refusal returns false with the reason and the status to record.
 */
static bool
launcher_check_owner(LauncherJob *job, bool remote, Oid *database_oid,
					 Oid *user_oid, char **reason, const char **status)
{
	HeapTuple	roletup;
	Form_pg_authid role;
	bool		is_super;

	*status = "failed";

	/* a remote job's database is the other server's business */
	*database_oid = remote ? InvalidOid :
		get_database_oid(job->row->database, true);
	if (!remote && !OidIsValid(*database_oid))
	{
		*reason = psprintf("database \"%s\" does not exist", job->row->database);
		return false;
	}

	roletup = SearchSysCache1(AUTHNAME, CStringGetDatum(job->row->username));
	if (!HeapTupleIsValid(roletup))
	{
		*reason = psprintf("role \"%s\" does not exist", job->row->username);
		return false;
	}
	role = (Form_pg_authid) GETSTRUCT(roletup);
	*user_oid = role->oid;
	/* a job restored without its owner is pinned to no role: never run */
	if (role->oid != job->row->userid)
	{
		ReleaseSysCache(roletup);
		*reason = psprintf("role \"%s\" is not the role that owns the job: the owner was dropped or renamed",
						   job->row->username);
		return false;
	}
	is_super = role->rolsuper;
	if (!role->rolcanlogin)
	{
		ReleaseSysCache(roletup);
		*reason = psprintf("role \"%s\" is not permitted to log in",
						   job->row->username);
		return false;
	}
	ReleaseSysCache(roletup);

	if (is_super && !beat_enable_superuser_jobs)
	{
		*status = "skipped";
		*reason = psprintf("job not run: role \"%s\" is a superuser and cron.enable_superuser_jobs is off",
						   job->row->username);
		return false;
	}

	if (!is_super && !remote &&
		beat_database_aclcheck(*database_oid, *user_oid, ACL_CONNECT) != ACLCHECK_OK)
	{
		*reason = psprintf("role \"%s\" does not have CONNECT privilege on database \"%s\"",
						   job->row->username, job->row->database);
		return false;
	}

	return true;
}

/*
 * Where a run of the job executes, for the history: the remote server, or
 * this one as host:port with its timeline, which tells a promoted standby
 * from the primary it replaced.
 */
static const char *
launcher_node_name(LauncherJob *job)
{
	static char *self = NULL;

	if (!beat_nodename_is_local(job->row->nodename))
		return psprintf("%s:%d", job->row->nodename, job->row->nodeport);

	if (self == NULL)
	{
		char		host[256];

		if (gethostname(host, sizeof(host)) != 0)
			strlcpy(host, "localhost", sizeof(host));
		host[sizeof(host) - 1] = '\0';
		self = MemoryContextStrdup(launcher_context,
								   psprintf("%s:%d", host, PostPortNumber));
	}
	return psprintf("%s (timeline %u)", self, GetWALInsertionTimeLine());
}

/* Is the job run on this server (SPEC section 6)? */
static bool
launcher_job_is_local(LauncherJob *job)
{
	return beat_nodename_is_local(job->row->nodename);
}

/* A run to record as it starts or as it is refused. */
typedef struct LauncherRecord
{
	LauncherJob *job;
	int64		runid;			/* 0 = take a new one; then the one taken */
	TimestampTz slot;
	int32		attempt;
	int64		retry_of;
	const char *status;
	const char *message;		/* refusals: the reason */
} LauncherRecord;

static void
launcher_record_refused_one(void *arg)
{
	LauncherRecord *rec = arg;
	LauncherJob *job = rec->job;
	BeatRunOutcome o;
	TimestampTz now = GetCurrentTimestamp();
	int64		runid;

	runid = beat_catalog_insert_run(job->row, rec->runid, rec->slot,
									rec->attempt, rec->status,
									launcher_node_name(job), rec->retry_of);
	if (runid == 0)
		return;					/* this slot was recorded already */
	memset(&o, 0, sizeof(o));
	o.runid = runid;
	o.status = rec->status;
	o.message = rec->message;
	o.start_time = now;
	o.end_time = now;
	beat_catalog_update_run(&o);
	beat_catalog_update_stats(job->jobid, rec->status, now, now, rec->slot);

	/* a run refused by the owner checks is a failure like any other */
	if (strcmp(rec->status, "failed") == 0)
		launcher_final_failure(job, runid, rec->slot, rec->attempt, &o);

	if (beat_log_run)
		ereport(LOG,
				(errmsg("pg_beat: job " INT64_FORMAT " run " INT64_FORMAT " %s",
						job->jobid, runid, rec->message)));
}

/*
 * Record a run that ends before it starts (refused or skipped), isolated
 * from the other writes of the transaction.
 */
static void
launcher_record_refused(LauncherJob *job, int64 runid, TimestampTz slot,
						int32 attempt, int64 retry_of, const char *status,
						const char *message)
{
	LauncherRecord rec;

	memset(&rec, 0, sizeof(rec));
	rec.job = job;
	rec.runid = runid;
	rec.slot = slot;
	rec.attempt = attempt;
	rec.retry_of = retry_of;
	rec.status = status;
	rec.message = message;
	(void) launcher_isolate(launcher_record_refused_one, &rec,
							"record a %s run of job " INT64_FORMAT,
							status, job->jobid);
}

static void
launcher_record_start_one(void *arg)
{
	LauncherRecord *rec = arg;

	if (beat_log_run)
		rec->runid = beat_catalog_insert_run(rec->job->row, rec->runid,
											 rec->slot, rec->attempt,
											 "starting",
											 launcher_node_name(rec->job),
											 rec->retry_of);
	else if (rec->runid == 0)
	{
		/* without history there is no runid from the table: take one */
		Oid			seq = get_relname_relid("runid_seq",
											get_namespace_oid("cron", false));

		rec->runid = nextval_internal(seq, false);
	}
}

/*
 * Record a run as it starts, isolated from the other writes of the
 * transaction.  Returns its runid, or 0 when its slot was recorded already
 * or the run could not be recorded (logged): then it must not start.
 */
static int64
launcher_record_start(LauncherJob *job, int64 runid, TimestampTz slot,
					  int32 attempt, int64 retry_of)
{
	LauncherRecord rec;

	memset(&rec, 0, sizeof(rec));
	rec.job = job;
	rec.runid = runid;
	rec.slot = slot;
	rec.attempt = attempt;
	rec.retry_of = retry_of;
	if (!launcher_isolate(launcher_record_start_one, &rec,
						  "record a run of job " INT64_FORMAT, job->jobid))
		return 0;
	return rec.runid;
}

/*
 * Check one run, choose its slot and record it.  Returns the run to start,
 * or NULL when it was refused (and recorded so), its slot had already run,
 * or no slot can take it yet (*no_slot: nothing was recorded, try later).
 */
static LauncherNewRun *
launcher_record_one(LauncherJob *job, int64 runid, TimestampTz slot_time,
					int32 attempt, int64 retry_of, const char *failed_run,
					bool *no_slot)
{
	Oid			database_oid = InvalidOid;
	Oid			user_oid = InvalidOid;
	char	   *reason = NULL;
	const char *status = NULL;
	LauncherNewRun *nr;
	bool		remote = !launcher_job_is_local(job);
	int			slotno;

	*no_slot = false;
	if (!launcher_check_owner(job, remote, &database_oid, &user_oid, &reason,
							  &status))
	{
		launcher_record_refused(job, runid, slot_time, attempt, retry_of,
								status, reason);
		return NULL;
	}

	/*
	 * A pooled session is chosen by the database and role just checked, so
	 * it runs exactly as a new session of the owner would.
	 */
	slotno = launcher_pick_slot(remote ? InvalidOid : database_oid, user_oid);
	if (slotno < 0)
	{
		*no_slot = true;
		return NULL;
	}

	if (failed_run != NULL)
		runid = 0;				/* on_failure commands are not runs of their own */
	else
		runid = launcher_record_start(job, runid, slot_time, attempt,
									  retry_of);
	if (runid == 0 && failed_run == NULL)
		return NULL;			/* this slot already ran (never twice), or
								 * could not be recorded (logged) */

	nr = palloc0(sizeof(LauncherNewRun));
	nr->pooled = launcher_slots[slotno].session;

	/* reserve the slot now so that the next run takes another one */
	launcher_slots[slotno].in_use = true;
	launcher_slots[slotno].session = false;
	launcher_slots[slotno].retiring = false;
	launcher_slots[slotno].jobid = job->jobid;
	launcher_slots[slotno].runid = runid;
	launcher_slots[slotno].first_runid = retry_of ? retry_of : runid;
	launcher_slots[slotno].in_history = beat_log_run && failed_run == NULL;
	launcher_slots[slotno].due = slot_time != 0 ? slot_time : GetCurrentTimestamp();
	job->nrunning++;

	nr->job = job;
	nr->runid = runid;
	nr->database_oid = database_oid;
	nr->user_oid = user_oid;
	nr->scheduled_time = slot_time;
	nr->attempt = attempt;
	nr->slotno = slotno;
	nr->failed_run = failed_run;
	launcher_slots[slotno].on_failure = (failed_run != NULL);
	return nr;
}

/*
 * Is an extra run (cron.run_job or a retry) due by now?
 */
static bool
launcher_extra_due(TimestampTz now)
{
	ListCell   *lc;

	foreach(lc, launcher_extra)
		if (((LauncherExtraRun *) lfirst(lc))->due <= now)
			return true;
	return false;
}

/*
 * Take due runs while slots are free, check them and record them: first the
 * extra runs (asked for with cron.run_job, or retries of slots that are due
 * already), then the ready heap in due-time order.  Must run inside the
 * iteration's transaction.
 */
static List *
launcher_record_new_runs(TimestampTz now)
{
	List	   *newruns = NIL;
	ListCell   *lc;

	foreach(lc, launcher_extra)
	{
		LauncherExtraRun *er = lfirst(lc);
		LauncherJob *job;
		bool		found;
		bool		no_slot;
		LauncherNewRun *nr;

		if (er->due > now)
			continue;

		job = hash_search(launcher_jobs, &er->jobid, HASH_FIND, &found);
		if (!found || job->deleted)
		{
			ereport(LOG,
					(errmsg("pg_beat: job " INT64_FORMAT " is gone; its requested run was dropped",
							er->jobid)));
			launcher_extra = foreach_delete_current(launcher_extra, lc);
			pfree(er);
			continue;
		}

		if (er->failed_run == NULL && job->nrunning > 0 &&
			job->row->overlap_policy != BEAT_OVERLAP_ALLOW)
		{
			if (job->row->overlap_policy == BEAT_OVERLAP_SKIP)
			{
				launcher_record_refused(job, er->runid, er->slot, er->attempt,
										er->retry_of, "skipped",
										"skipped: the previous run of the job was still running (overlap_policy skip)");
				launcher_extra = foreach_delete_current(launcher_extra, lc);
				pfree(er);
				continue;
			}
			if (job->row->overlap_policy == BEAT_OVERLAP_REPLACE)
				launcher_cancel_job_runs(job->jobid, BEAT_CANCEL_REPLACED, now);
			continue;			/* queue: waits for the running one */
		}

		if (!launcher_slot_open())
			break;

		nr = launcher_record_one(job, er->runid, er->slot, er->attempt,
								 er->retry_of, er->failed_run, &no_slot);
		if (no_slot)
			break;
		if (nr != NULL)
			newruns = lappend(newruns, nr);
		launcher_extra = foreach_delete_current(launcher_extra, lc);
	}

	while (!pairingheap_is_empty(launcher_ready))
	{
		LauncherJob *job = pairingheap_container(LauncherJob, ready_node,
												 pairingheap_first(launcher_ready));
		TimestampTz due = job->ready_due;
		TimestampTz slot_time = job->ready_slot;
		bool		no_slot;
		LauncherNewRun *nr;

		if (!launcher_slot_open())
			break;				/* cron.max_running_jobs reached */

		launcher_ready_remove(job);
		nr = launcher_record_one(job, 0, slot_time, 1, 0, NULL, &no_slot);
		if (no_slot)
		{
			/* an idle session of another role is making room */
			launcher_ready_add(job, due, slot_time);
			break;
		}
		if (nr != NULL)
			newruns = lappend(newruns, nr);
	}
	return newruns;
}

/*
 * Queue an extra run: a cron.run_job request or a retry.
 */
static void
launcher_add_extra(int64 jobid, int64 runid, TimestampTz slot, int32 attempt,
				   TimestampTz due)
{
	MemoryContext oldcontext = MemoryContextSwitchTo(launcher_context);
	LauncherExtraRun *er = palloc(sizeof(LauncherExtraRun));

	er->jobid = jobid;
	er->runid = runid;
	er->slot = slot;
	er->attempt = attempt;
	er->due = due;
	er->failed_run = NULL;
	er->retry_of = 0;
	launcher_extra = lappend(launcher_extra, er);
	MemoryContextSwitchTo(oldcontext);
}

/*
 * The delay before retry attempt+1: retry_delay, doubled for every attempt
 * made so far, at most an hour.
 */
static int64
launcher_retry_delay(LauncherJob *job, int32 attempt)
{
	int64		delay = job->row->retry_delay_usecs;
	int32		i;

	for (i = 1; i < attempt && delay < USECS_PER_HOUR; i++)
		delay *= 2;
	return Min(delay, USECS_PER_HOUR);
}

/*
 * A run failed.  Retry it if the job has attempts left and the failure was
 * not a deliberate stop.
 */
static bool
launcher_will_retry(int64 jobid, int32 attempt, BeatCancelReason reason)
{
	LauncherJob *job;
	bool		found;

	job = hash_search(launcher_jobs, &jobid, HASH_FIND, &found);
	if (!found || job->deleted || !job->row->active)
		return false;
	if (reason != BEAT_CANCEL_NONE && reason != BEAT_CANCEL_TIMEOUT)
		return false;
	return attempt <= job->row->max_retries;
}

static void
launcher_after_failure(int64 jobid, TimestampTz slot, int32 attempt,
					   int64 first_runid, BeatCancelReason reason,
					   TimestampTz now)
{
	LauncherJob *job;
	bool		found;

	if (!launcher_will_retry(jobid, attempt, reason))
		return;
	job = hash_search(launcher_jobs, &jobid, HASH_FIND, &found);
	launcher_add_extra(jobid, 0, slot, attempt + 1,
					   now + launcher_retry_delay(job, attempt));
	((LauncherExtraRun *) llast(launcher_extra))->retry_of = first_runid;
}

/*
 * The final failure of a run: announce it on cron.notify_channel and run the
 * job's on_failure command.  Inside the transaction that records it, so the
 * NOTIFY goes out exactly when the failure is visible.
 */
static void
launcher_final_failure(LauncherJob *job, int64 runid,
					   TimestampTz scheduled_time, int32 attempt,
					   const BeatRunOutcome *o)
{
	LauncherJson js;
	char	   *payload;

	launcher_json_start(&js);
	launcher_json_field(&js, "event", "failed");
	launcher_json_number(&js, "jobid", job->jobid);
	launcher_json_field_max(&js, "jobname", job->row->jobname,
							LAUNCHER_JSON_NAME_MAX);
	launcher_json_number(&js, "runid", runid);
	launcher_json_field(&js, "status", "failed");
	launcher_json_field_max(&js, "return_message",
							o->message ? o->message : "",
							LAUNCHER_JSON_MESSAGE_MAX);
	launcher_json_field(&js, "sqlstate", o->sqlstate);
	launcher_json_time(&js, "scheduled_time", scheduled_time);
	launcher_json_time(&js, "start_time", o->start_time);
	launcher_json_time(&js, "end_time", o->end_time);
	launcher_json_number(&js, "attempt", attempt);
	launcher_json_field(&js, "database", job->row->database);
	launcher_json_field(&js, "username", job->row->username);
	payload = launcher_json_finish(&js);

	launcher_announce(payload, "failure", runid);

	if (job->row->on_failure != NULL && !job->deleted)
	{
		MemoryContext oldcontext;
		LauncherExtraRun *er;

		launcher_add_extra(job->jobid, 0, scheduled_time, attempt,
						   GetCurrentTimestamp());
		er = llast(launcher_extra);
		oldcontext = MemoryContextSwitchTo(launcher_context);
		er->failed_run = pstrdup(payload);
		MemoryContextSwitchTo(oldcontext);
	}
}

/*
 * Take the cron.run_job requests out of shared memory.
 */
static void
launcher_take_requests(TimestampTz now)
{
	BeatRunRequest *requests;
	int			n;
	int			i;

	if (beat_shared->nrequests == 0)	/* unlocked peek: a miss only delays */
		return;
	requests = palloc(sizeof(BeatRunRequest) * BEAT_MAX_RUN_REQUESTS);
	LWLockAcquire(beat_shared->lock, LW_EXCLUSIVE);
	n = beat_shared->nrequests;
	memcpy(requests, beat_shared->requests, sizeof(BeatRunRequest) * n);
	beat_shared->nrequests = 0;
	LWLockRelease(beat_shared->lock);

	for (i = 0; i < n; i++)
		launcher_add_extra(requests[i].jobid, requests[i].runid, 0, 1, now);
}

/*
 * Start the worker of a recorded run.  On failure the slot is marked done
 * with the reason, and the next iteration records it.
 */
static void
launcher_start_run(LauncherNewRun *nr)
{
	LauncherSlot *ls = &launcher_slots[nr->slotno];
	BeatRunSlot *slot = &beat_shared->slots[nr->slotno];
	const char *command = nr->failed_run ? nr->job->row->on_failure :
		nr->job->row->command;
	size_t		len = strlen(command);
	size_t		extra = nr->failed_run ? strlen(nr->failed_run) : 0;
	bool		remote = !launcher_job_is_local(nr->job);
	const char *parts[3];
	size_t		partlen[3];
	size_t		total;
	int			i;
	Latch	   *old_latch = NULL;

	ls->timeout_usecs = nr->job->row->timeout_usecs;
	ls->terminate_at = 0;
	/*
	 * The command, then the failed run's JSON (empty for a normal run), then
	 * for a remote run the host, database and user, each NUL-terminated.
	 */
	parts[0] = remote ? nr->job->row->nodename : "";
	parts[1] = remote ? nr->job->row->database : "";
	parts[2] = remote ? nr->job->row->username : "";
	total = len + 1 + extra + 1;
	for (i = 0; i < 3; i++)
	{
		partlen[i] = strlen(parts[i]);
		total += partlen[i] + 1;
	}
	ls->command_seg = dsm_create(total, DSM_CREATE_NULL_IF_MAXSEGMENTS);
	if (ls->command_seg != NULL)
	{
		char	   *dst = dsm_segment_address(ls->command_seg);

		dsm_pin_mapping(ls->command_seg);
		memcpy(dst, command, len + 1);
		dst += len + 1;
		if (nr->failed_run)
			memcpy(dst, nr->failed_run, extra + 1);
		else
			dst[0] = '\0';
		dst += extra + 1;
		for (i = 0; i < 3; i++)
		{
			memcpy(dst, parts[i], partlen[i] + 1);
			dst += partlen[i] + 1;
		}
	}

	LWLockAcquire(beat_shared->lock, LW_EXCLUSIVE);

	/*
	 * The idle session may have been asked to exit since we chose it (a
	 * change of roles or databases, see pool.c): then a new session takes
	 * the run, and the old one, no longer the slot's, leaves.
	 */
	if (nr->pooled &&
		(slot->retire || slot->state != BEAT_SLOT_IDLE ||
		 !beat_session_is_current(slot)))
	{
		old_latch = slot->worker_latch;
		nr->pooled = false;
		if (ls->handle != NULL)
			pfree(ls->handle);
		ls->handle = NULL;
	}
	++slot->generation;
	slot->awaiting_worker = false;
	slot->runid = nr->runid;
	slot->jobid = nr->job->jobid;
	slot->database_oid = nr->database_oid;
	slot->user_oid = nr->user_oid;
	slot->scheduled_time = nr->scheduled_time;
	slot->attempt = nr->attempt;
	slot->remote = remote;
	slot->nodeport = nr->job->row->nodeport;
	slot->encoding = GetDatabaseEncoding();
	slot->command_handle = ls->command_seg ?
		dsm_segment_handle(ls->command_seg) : DSM_HANDLE_INVALID;
	if (!nr->pooled)
	{
		slot->pid = 0;
		slot->worker_latch = NULL;
	}
	slot->reusable = false;
	slot->retire = false;
	slot->start_time = 0;
	slot->end_time = 0;
	slot->succeeded = false;
	slot->recorded_running = false;
	slot->cancel_reason = 0;
	slot->sqlstate[0] = '\0';
	slot->message[0] = '\0';
	slot->state = BEAT_SLOT_STARTING;
	LWLockRelease(beat_shared->lock);
	if (old_latch != NULL)
		SetLatch(old_latch);

	if (ls->command_seg == NULL)
	{
		LWLockAcquire(beat_shared->lock, LW_EXCLUSIVE);
		strlcpy(slot->message, "could not allocate shared memory for the command",
				BEAT_MESSAGE_SIZE);
		slot->end_time = GetCurrentTimestamp();
		/* a pooled session never saw the run: it may take the next one */
		slot->reusable = nr->pooled;
		slot->state = BEAT_SLOT_DONE;
		LWLockRelease(beat_shared->lock);
		SetLatch(MyLatch);
		return;
	}

	/* an idle session of the same database and role: hand the run over */
	if (nr->pooled)
	{
		Latch	   *latch;

		LWLockAcquire(beat_shared->lock, LW_SHARED);
		latch = slot->worker_latch;
		LWLockRelease(beat_shared->lock);
		if (latch != NULL)
			SetLatch(latch);
		return;
	}

	/* runs that wait for a worker go first, in due order */
	if (launcher_nawaiting > 0 || !launcher_register_worker(nr->slotno))
		launcher_await_worker(nr->slotno);
}

/*
 * Start the background worker of the run in the slot.  False when
 * max_worker_processes has no room.
 */
static bool
launcher_register_worker(int slotno)
{
	LauncherSlot *ls = &launcher_slots[slotno];
	BeatRunSlot *slot = &beat_shared->slots[slotno];
	BackgroundWorker worker;
	MemoryContext oldcontext;
	uint32		generation;
	bool		registered;

	LWLockAcquire(beat_shared->lock, LW_SHARED);
	generation = slot->generation;
	LWLockRelease(beat_shared->lock);

	memset(&worker, 0, sizeof(worker));
	worker.bgw_flags = BGWORKER_SHMEM_ACCESS |
		BGWORKER_BACKEND_DATABASE_CONNECTION;
	worker.bgw_start_time = BgWorkerStart_ConsistentState;
	worker.bgw_restart_time = BGW_NEVER_RESTART;
	snprintf(worker.bgw_library_name, BGW_MAXLEN, "pg_beat");
	snprintf(worker.bgw_function_name, BGW_MAXLEN, "beat_run_worker_main");
	snprintf(worker.bgw_name, BGW_MAXLEN, "pg_beat job " INT64_FORMAT,
			 ls->jobid);
	snprintf(worker.bgw_type, BGW_MAXLEN, "pg_beat job");
	worker.bgw_main_arg = Int32GetDatum(slotno);
	memcpy(worker.bgw_extra, &generation, sizeof(uint32));
	/* the postmaster signals us when it starts or stops: our latch is set */
	worker.bgw_notify_pid = MyProcPid;

	/* the handle lives as long as the run, not the iteration */
	oldcontext = MemoryContextSwitchTo(launcher_context);
	registered = RegisterDynamicBackgroundWorker(&worker, &ls->handle);
	MemoryContextSwitchTo(oldcontext);
	if (!registered)
		ls->handle = NULL;
	return registered;
}

/*
 * Ask every idle pooled session to exit, to free its background worker.
 */
static void
launcher_retire_idle_sessions(void)
{
	int			i;

	for (i = 0; i < beat_shared->nslots; i++)
	{
		LauncherSlot *ls = &launcher_slots[i];

		if (!ls->in_use && ls->session && !ls->retiring)
			launcher_retire_session(i);
	}
}

/*
 * No background worker is free for the run in the slot: it stays recorded
 * as 'starting' and waits, in due order, for a worker (never recorded
 * failed for that reason).  Idle pooled sessions hold workers that a due
 * run needs more, so they are all asked to exit first.  One warning per
 * episode of shortage.
 */
static void
launcher_await_worker(int slotno)
{

	launcher_slots[slotno].awaiting_worker = true;
	launcher_nawaiting++;
	LWLockAcquire(beat_shared->lock, LW_EXCLUSIVE);
	beat_shared->slots[slotno].awaiting_worker = true;
	LWLockRelease(beat_shared->lock);

	launcher_retire_idle_sessions();

	if (!launcher_worker_shortage)
	{
		launcher_worker_shortage = true;
		ereport(WARNING,
				(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
				 errmsg("pg_beat: out of background worker slots, runs wait for workers to free"),
				 errdetail("max_worker_processes is %d.", max_worker_processes),
				 errhint("Raise max_worker_processes above cron.max_running_jobs plus the other background workers of the server.")));
	}
}

/*
 * Start the runs that wait for a background worker, oldest due first, as
 * far as workers are free.  A run stopped while it waited never began: it
 * ends at once (recorded skipped).  Returns true while some still wait.
 */
static bool
launcher_start_awaiting(void)
{
	while (launcher_nawaiting > 0)
	{
		int			best = -1;
		int			i;
		BeatRunSlot *slot;
		bool		cancelled;

		for (i = 0; i < beat_shared->nslots; i++)
		{
			if (!launcher_slots[i].in_use || !launcher_slots[i].awaiting_worker)
				continue;
			if (best < 0 ||
				launcher_slots[i].due < launcher_slots[best].due ||
				(launcher_slots[i].due == launcher_slots[best].due &&
				 launcher_slots[i].runid < launcher_slots[best].runid))
				best = i;
		}
		if (best < 0)
		{
			launcher_nawaiting = 0;
			break;
		}

		slot = &beat_shared->slots[best];
		LWLockAcquire(beat_shared->lock, LW_SHARED);
		cancelled = slot->cancel_reason != BEAT_CANCEL_NONE;
		LWLockRelease(beat_shared->lock);

		if (!cancelled && !launcher_register_worker(best))
		{
			/* sessions that went idle since hold workers too */
			launcher_retire_idle_sessions();
			break;
		}

		launcher_slots[best].awaiting_worker = false;
		launcher_nawaiting--;
		LWLockAcquire(beat_shared->lock, LW_EXCLUSIVE);
		slot->awaiting_worker = false;
		if (cancelled)
		{
			slot->end_time = GetCurrentTimestamp();
			slot->state = BEAT_SLOT_DONE;
		}
		LWLockRelease(beat_shared->lock);
		if (cancelled)
			SetLatch(MyLatch);
	}

	if (launcher_nawaiting == 0 && launcher_worker_shortage)
	{
		launcher_worker_shortage = false;
		ereport(LOG,
				(errmsg("pg_beat: background workers are free again, no run waits for one")));
	}
	return launcher_nawaiting > 0;
}

/* ----------------------------------------------------------------
 * Startup
 * ----------------------------------------------------------------
 */

/*
 * Runs still in flight from an earlier launcher (after an error restart;
 * after a crash, shared memory is new and empty).
 */
static void
launcher_adopt_slots(void)
{
	int			i;

	LWLockAcquire(beat_shared->lock, LW_EXCLUSIVE);
	for (i = 0; i < beat_shared->nslots; i++)
	{
		BeatRunSlot *slot = &beat_shared->slots[i];

		if (slot->state == BEAT_SLOT_FREE || launcher_slots[i].in_use ||
			launcher_slots[i].session)
			continue;
		if (slot->state == BEAT_SLOT_IDLE)
		{
			/* an idle session of the old launcher: let it go */
			launcher_slots[i].session = true;
			launcher_slots[i].retiring = true;
			slot->retire = true;
			if (slot->worker_latch != NULL)
				SetLatch(slot->worker_latch);
			continue;
		}
		launcher_slots[i].in_use = true;
		launcher_slots[i].jobid = slot->jobid;
		launcher_slots[i].runid = slot->runid;
		launcher_slots[i].handle = NULL;
		/* its row, if it has one, gets the outcome; no row, no harm */
		launcher_slots[i].in_history = true;
		/*
		 * A run that waited for a worker: its command went with the old
		 * launcher's memory, and it never began (recorded skipped).
		 */
		if (slot->awaiting_worker)
		{
			slot->awaiting_worker = false;
			slot->end_time = GetCurrentTimestamp();
			slot->state = BEAT_SLOT_DONE;
		}
	}
	LWLockRelease(beat_shared->lock);
}

/*
 * Close the runs a crash interrupted, except those still in flight.
 */
typedef struct LauncherCloseArgs
{
	int64	   *keep;
	int			nkeep;
	uint64		closed;
} LauncherCloseArgs;

static void
launcher_close_interrupted_xact(void *arg)
{
	LauncherCloseArgs *a = arg;

	/*
	 * On a promoted standby the runs left open were in flight on the old
	 * primary: say so, the DBA will look for them there.  What the standby
	 * replayed last bounds what of them can be here.
	 */
	a->closed = beat_catalog_close_interrupted_runs(a->keep, a->nkeep,
													PromoteIsTriggered(),
													PromoteIsTriggered() ?
													GetLatestXTime() : 0);
}

static void
launcher_close_interrupted(TimestampTz now)
{
	LauncherCloseArgs a;
	int			i;

	a.keep = palloc(sizeof(int64) * beat_shared->nslots);
	a.nkeep = 0;
	a.closed = 0;
	for (i = 0; i < beat_shared->nslots; i++)
		if (launcher_slots[i].in_use)
			a.keep[a.nkeep++] = launcher_slots[i].runid;

	/* should it fail (a lock someone holds), try again a little later */
	launcher_interrupted_open =
		!launcher_guarded_xact(launcher_close_interrupted_xact, &a,
							   "close the runs a restart interrupted");
	launcher_interrupted_retry = now + BEAT_RETRY_HOUSEKEEPING;
	pfree(a.keep);

	if (a.closed > 0)
		ereport(LOG,
				(errmsg("pg_beat: closed " UINT64_FORMAT " interrupted run(s)",
						a.closed)));
}

/*
 * @reboot jobs run once per server start: their slot is the postmaster's
 * start time, so the unique constraint stops a restarted launcher from
 * running them again.
 */
static void
launcher_queue_reboot_jobs(TimestampTz now)
{
	HASH_SEQ_STATUS seq;
	LauncherJob *job;

	hash_seq_init(&seq, launcher_jobs);
	while ((job = hash_seq_search(&seq)) != NULL)
	{
		if (job->schedulable && job->row->active &&
			job->expr.kind == CRONEXPR_REBOOT && beat_launch_active_jobs)
			launcher_ready_add(job, now, PgStartTime);
	}
}

/* ----------------------------------------------------------------
 * Stopping
 * ----------------------------------------------------------------
 */

/*
 * SIGTERM (a shutdown, or pg_terminate_backend): while the launcher sleeps
 * between iterations, stop gently (launcher_stop), so that the runs whose
 * sessions the shutdown ends are recorded as what they were: a session
 * stopped while it waited for its slot never began its command, and is
 * skipped, not left 'starting' for the next start to guess about.  Anywhere
 * else, and at a second SIGTERM, exit at once as any backend does.
 */
static void
launcher_handle_sigterm(SIGNAL_ARGS)
{
	if (!launcher_may_stop_gently || launcher_stop_requested)
	{
		die(postgres_signal_arg);
		return;
	}
	launcher_stop_requested = true;
	SetLatch(MyLatch);
}

/*
 * Wait a moment for the runs in flight to end (their sessions are being
 * stopped too, in a shutdown), record what ended, and exit.  The launcher
 * starts no run any more.  Whatever has not ended by then is closed at the
 * next start (beat_catalog_close_interrupted_runs).
 */
static void
launcher_stop(void)
{
	TimestampTz deadline = GetCurrentTimestamp() + BEAT_STOP_GRACE;
	List	   *outcomes;
	List	   *recorded = NIL;
	List	   *done = NIL;
	int			i;

	for (;;)
	{
		TimestampTz now = GetCurrentTimestamp();
		bool		in_flight = false;

		for (i = 0; i < beat_shared->nslots; i++)
		{
			BeatSlotState state;

			if (!launcher_slots[i].in_use || launcher_slots[i].recorded)
				continue;
			LWLockAcquire(beat_shared->lock, LW_SHARED);
			state = beat_shared->slots[i].state;
			LWLockRelease(beat_shared->lock);
			if (state != BEAT_SLOT_DONE && !launcher_session_gone(i))
				in_flight = true;
		}
		if (!in_flight || now >= deadline)
			break;
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 Max(1, TimestampDifferenceMilliseconds(now, deadline)),
						 PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
	}

	/* from here on, a SIGTERM ends the launcher at once */
	launcher_may_stop_gently = false;

	/* runs that waited for a worker never began */
	for (i = 0; i < beat_shared->nslots; i++)
	{
		BeatRunSlot *slot = &beat_shared->slots[i];

		LWLockAcquire(beat_shared->lock, LW_EXCLUSIVE);
		if (launcher_slots[i].in_use && slot->awaiting_worker)
		{
			slot->awaiting_worker = false;
			slot->end_time = GetCurrentTimestamp();
			slot->state = BEAT_SLOT_DONE;
		}
		LWLockRelease(beat_shared->lock);
	}

	MemoryContextSwitchTo(launcher_scratch);
	outcomes = launcher_collect_outcomes(&recorded, &done, GetCurrentTimestamp());
	if (outcomes != NIL)
	{
		/* a lock held by someone must not hold up the shutdown */
		SetConfigOption("statement_timeout", "2s", PGC_SUSET, PGC_S_OVERRIDE);
		(void) launcher_guarded_xact(launcher_record_outcomes_xact, outcomes,
									 "record the runs a shutdown ended");
	}
	ereport(LOG,
			(errmsg("pg_beat launcher stopping: %d run(s) recorded on the way out",
					list_length(outcomes))));
	proc_exit(1);
}

/* ----------------------------------------------------------------
 * Main loop
 * ----------------------------------------------------------------
 */

static void
launcher_detach_shmem(int code, Datum arg)
{
	LWLockAcquire(beat_shared->lock, LW_EXCLUSIVE);
	if (beat_shared->launcher_pid == MyProcPid)
	{
		beat_shared->launcher_pid = 0;
		beat_shared->launcher_latch = NULL;
	}
	LWLockRelease(beat_shared->lock);
}

/* Forget every extra run: requested runs, retries, on_failure commands. */
static void
launcher_drop_extra(void)
{
	ListCell   *lc;

	foreach(lc, launcher_extra)
	{
		LauncherExtraRun *er = lfirst(lc);

		if (er->failed_run)
			pfree(er->failed_run);
		pfree(er);
	}
	list_free(launcher_extra);
	launcher_extra = NIL;
}

/*
 * The extension was dropped: every job is gone (the load that found it
 * cancelled their runs), and so is every run waiting to start.  The launcher
 * then waits for CREATE EXTENSION, stopping its runs meanwhile, and writes
 * nothing: there is nothing to write to.
 */
static void
launcher_extension_gone(TimestampTz now)
{
	int			i;

	ereport(LOG,
			(errmsg("pg_beat: extension \"pg_beat\" was dropped"),
			 errdetail("Its runs in flight are stopped, and the launcher waits for CREATE EXTENSION pg_beat.")));

	for (i = 0; i < beat_shared->nslots; i++)
		if (launcher_slots[i].in_use)
			launcher_cancel_slot(i, BEAT_CANCEL_UNSCHEDULED, now);

	launcher_drop_extra();
}

/*
 * While waiting for the extension, stop the runs still in flight (their
 * cancel is escalated to termination as usual) and free their slots when
 * they end, without recording anything.  Returns when to look again.
 */
static TimestampTz
launcher_stop_runs_unrecorded(TimestampTz now)
{
	List	   *recorded = NIL;
	List	   *done = NIL;
	ListCell   *lc;
	TimestampTz next;

	(void) launcher_collect_outcomes(&recorded, &done, now);
	foreach(lc, recorded)
		launcher_slots[lfirst_int(lc)].recorded = true;
	launcher_release_done(done, now);
	launcher_drop_extra();		/* nothing may retry */
	next = launcher_enforce_deadlines(now);
	return Min(next, launcher_reap_sessions(now));
}

static void
launcher_check_extension_xact(void *arg)
{
	*(bool *) arg = beat_catalog_extension_ready();
}

/*
 * Wait until the extension exists in cron.database_name.  CREATE EXTENSION
 * wakes us (shmem.c); the timeout only covers ways of creating it that
 * bypass that.
 */
static void
launcher_wait_for_extension(void)
{
	MemoryContext oldcontext = MemoryContextSwitchTo(launcher_scratch);

	for (;;)
	{
		bool		ready = false;
		TimestampTz now;
		TimestampTz next;
		long		sleep_ms = 10000L;

		CHECK_FOR_INTERRUPTS();
		if (ConfigReloadPending)
		{
			ConfigReloadPending = false;
			ProcessConfigFile(PGC_SIGHUP);
			launcher_apply_log_level();
		}
		MemoryContextReset(launcher_scratch);

		(void) pg_atomic_exchange_u32(&beat_shared->wake_pending, 0);
		launcher_generation = pg_atomic_read_u64(&beat_shared->catalog_generation);
		if (launcher_guarded_xact(launcher_check_extension_xact, &ready,
								  "check for extension pg_beat") && ready)
			break;

		pgstat_report_activity(STATE_IDLE, "waiting for CREATE EXTENSION pg_beat");

		now = GetCurrentTimestamp();
		next = launcher_stop_runs_unrecorded(now);
		if (next != DT_NOEND)
			sleep_ms = Min(sleep_ms,
						   TimestampDifferenceMilliseconds(now, next));
		if (sleep_ms > 0)
			(void) WaitLatch(MyLatch,
							 WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
							 sleep_ms, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
	}

	/* pg_stat_activity must not go on saying that the launcher waits */
	pgstat_report_activity(STATE_IDLE, "");
	MemoryContextSwitchTo(oldcontext);
}

/*
 * The dead man's switch, checked every BEAT_OVERDUE_INTERVAL while any
 * threshold is set: announce each job that became overdue, once.
 */
static void
launcher_check_overdue_xact(void *arg)
{
	int64		default_usecs = *(int64 *) arg;
	List	   *rows;
	ListCell   *lc;

	rows = beat_catalog_take_overdue(default_usecs);
	foreach(lc, rows)
	{
		BeatOverdueRow *r = lfirst(lc);
		LauncherJson js;
		char	   *payload;

		launcher_json_start(&js);
		launcher_json_field(&js, "event", "overdue");
		launcher_json_number(&js, "jobid", r->jobid);
		launcher_json_field_max(&js, "jobname", r->jobname,
								LAUNCHER_JSON_NAME_MAX);
		launcher_json_time(&js, "last_success", r->last_success);
		launcher_json_field(&js, "overdue_after", r->overdue_after);
		launcher_json_field(&js, "database", r->database);
		launcher_json_field(&js, "username", r->username);
		payload = launcher_json_finish(&js);

		launcher_announce(payload, "overdue", r->jobid);
		ereport(LOG,
				(errmsg("pg_beat: job overdue: %s", payload)));
	}
}

static void
launcher_check_overdue(TimestampTz now)
{
	int64		default_usecs = beat_overdue_after_usecs();

	if (default_usecs <= 0 && launcher_overdue_jobs == 0)
		return;
	if (now - launcher_last_overdue_check < BEAT_OVERDUE_INTERVAL)
		return;
	launcher_last_overdue_check = now;

	(void) launcher_guarded_xact(launcher_check_overdue_xact, &default_usecs,
								 "check for overdue jobs");
}

/* One batch of the purge, in a transaction of its own. */
typedef struct LauncherPurge
{
	int64		retention;
	int			batch;
	uint64		deleted;
	uint64		backlog;		/* rows still to purge, when counted */
} LauncherPurge;

static void
launcher_purge_xact(void *arg)
{
	LauncherPurge *p = arg;

	p->deleted = beat_catalog_purge_history(p->retention, p->batch);
	if (p->deleted < (uint64) p->batch)
		beat_catalog_purge_stats();
}

static void
launcher_count_backlog_xact(void *arg)
{
	LauncherPurge *p = arg;

	p->backlog = beat_catalog_count_purgeable(p->retention,
											  BEAT_PURGE_COUNT_MAX);
}

/*
 * Purge history older than cron.history_retention, at the rate it is
 * written.  Each batch is a short transaction of its own between the
 * launcher's other work, so runs are never held up by more than one batch.
 * While batches come back full the purge is behind: the next batch follows
 * at once (after the runs due meanwhile), sized by the backlog, which is
 * counted and logged every BEAT_PURGE_REPORT_INTERVAL.  Caught up, it looks
 * again after BEAT_PURGE_INTERVAL, or at once when the retention changes.
 */
static void
launcher_purge_history(TimestampTz now)
{
	int64		retention = beat_history_retention_usecs();
	LauncherPurge p;

	if (retention <= 0)
	{
		launcher_purge_retention = retention;
		return;
	}
	if (retention != launcher_purge_retention)
	{
		/* a new retention applies at once */
		launcher_purge_retention = retention;
		launcher_next_purge = 0;
	}
	if (now < launcher_next_purge)
		return;

	memset(&p, 0, sizeof(p));
	p.retention = retention;
	p.batch = launcher_purge_batch;
	if (!launcher_guarded_xact(launcher_purge_xact, &p,
							   "purge the run history"))
	{
		launcher_next_purge = now + BEAT_PURGE_INTERVAL;
		return;
	}

	if (p.deleted < (uint64) p.batch)
	{
		if (launcher_purge_behind)
			ereport(LOG,
					(errmsg("pg_beat: the history purge caught up with cron.history_retention")));
		launcher_purge_behind = false;
		launcher_purge_batch = BEAT_PURGE_BATCH;
		launcher_next_purge = now + BEAT_PURGE_INTERVAL;
		return;
	}

	/* behind: go on at once, with batches sized by the backlog */
	launcher_next_purge = now;
	if (!launcher_purge_behind ||
		now - launcher_last_backlog_report >= BEAT_PURGE_REPORT_INTERVAL)
	{
		launcher_purge_behind = true;
		launcher_last_backlog_report = now;
		if (launcher_guarded_xact(launcher_count_backlog_xact, &p,
								  "count the run history to purge"))
		{
			launcher_purge_batch = (int) Min(Max(p.backlog / BEAT_PURGE_SPREAD,
												 BEAT_PURGE_BATCH),
											 BEAT_PURGE_BATCH_MAX);
			ereport(LOG,
					(errmsg("pg_beat: %s" UINT64_FORMAT " history rows older than cron.history_retention remain to purge",
							p.backlog >= BEAT_PURGE_COUNT_MAX ? "at least " : "",
							p.backlog),
					 errdetail("The launcher deletes them %d at a time, between runs, until none remain.",
							   launcher_purge_batch)));
		}
	}
}

/*
 * cron.log_min_messages is the launcher's log_min_messages, as in pg_cron:
 * how chatty the launcher is, without touching the rest of the server.
 */
static void
launcher_apply_log_level(void)
{
	const char *level = GetConfigOption("cron.log_min_messages", false, false);

	SetConfigOption("log_min_messages", level, PGC_SUSET, PGC_S_OVERRIDE);
}

/* Write a run's outcome and fold it into its job's statistics. */
static void
launcher_record_outcome(void *arg)
{
	BeatRunOutcome *o = arg;

	beat_catalog_update_run(o);
	if (o->slotno >= 0)
		beat_catalog_update_stats(beat_shared->slots[o->slotno].jobid,
								  o->status, o->start_time, o->end_time,
								  beat_shared->slots[o->slotno].scheduled_time);
}

/*
 * Record the outcomes of runs (a List of BeatRunOutcome) in the current
 * transaction, each one isolated from the others.
 */
static void
launcher_record_outcomes_xact(void *arg)
{
	List	   *outcomes = (List *) arg;
	ListCell   *lc;

	foreach(lc, outcomes)
	{
		BeatRunOutcome *o = lfirst(lc);

		if (o->runid == 0 || !o->in_history)
			continue;
		(void) launcher_isolate(launcher_record_outcome, o,
								"record the outcome of run " INT64_FORMAT,
								o->runid);
	}
}

/*
 * The launcher's session settings, whatever defaults a DBA gave the
 * database or the bootstrap role (ALTER DATABASE / ALTER ROLE ... SET): a
 * read-only or serializable default, a timeout or a search_path meant for
 * the applications must not fail, cancel or capture the launcher's writes,
 * which every role's jobs depend on.  PGC_S_OVERRIDE wins over those.
 */
static void
launcher_force_session_settings(void)
{
	static const char *const settings[][2] = {
		/* nothing a user creates may capture the launcher's queries */
		{"search_path", "pg_catalog, pg_temp"},
		{"default_transaction_read_only", "off"},
		{"default_transaction_isolation", "read committed"},
		{"default_transaction_deferrable", "off"},
		{"statement_timeout", "0"},

		/*
		 * A lock someone else holds must not stall every job: a role may
		 * delete its own history rows in a transaction it leaves open.  A
		 * write that waits this long fails alone (launcher_isolate).
		 */
		{"lock_timeout", "1s"},
		{"idle_in_transaction_session_timeout", "0"},
		{"idle_session_timeout", "0"},
		/* triggers and constraints of its tables always apply */
		{"session_replication_role", "origin"},
		/* announcements and messages read the same on every server */
		{"DateStyle", "ISO, YMD"},
		{"IntervalStyle", "postgres"},
	};
	int			i;

	for (i = 0; i < lengthof(settings); i++)
		SetConfigOption(settings[i][0], settings[i][1], PGC_SUSET,
						PGC_S_OVERRIDE);
}

void
beat_launcher_main(Datum main_arg)
{
	HASHCTL		ctl;
	bool		first = true;

	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	pqsignal(SIGTERM, launcher_handle_sigterm);
	BackgroundWorkerUnblockSignals();

	LWLockAcquire(beat_shared->lock, LW_EXCLUSIVE);
	beat_shared->launcher_pid = MyProcPid;
	beat_shared->launcher_latch = MyLatch;
	LWLockRelease(beat_shared->lock);
	before_shmem_exit(launcher_detach_shmem, (Datum) 0);

	BackgroundWorkerInitializeConnection(beat_database_name, NULL, 0);
	pgstat_report_appname("pg_beat launcher");

	launcher_apply_log_level();

	launcher_force_session_settings();

	launcher_context = AllocSetContextCreate(TopMemoryContext,
											 "pg_beat launcher",
											 ALLOCSET_DEFAULT_SIZES);
	launcher_scratch = AllocSetContextCreate(launcher_context,
											 "pg_beat launcher scratch",
											 ALLOCSET_DEFAULT_SIZES);
	MemoryContextSwitchTo(launcher_context);

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(int64);
	ctl.entrysize = sizeof(LauncherJob);
	ctl.hcxt = launcher_context;
	launcher_jobs = hash_create("pg_beat jobs", 1024, &ctl,
								HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	launcher_timers = pairingheap_allocate(launcher_timer_compare, NULL);
	launcher_ready = pairingheap_allocate(launcher_ready_compare, NULL);
	launcher_slots = palloc0(sizeof(LauncherSlot) * beat_shared->nslots);

	ereport(LOG, (errmsg("pg_beat launcher started")));

	for (;;)
	{
		TimestampTz now;
		List	   *refusals = NIL;
		List	   *outcomes;
		List	   *recorded = NIL;
		List	   *done = NIL;
		List	   *newruns = NIL;
		ListCell   *lc;
		uint64		generation;
		long		sleep_ms;
		bool		released = false;
		TimestampTz session_deadline;
		TimestampTz reload_at;

		CHECK_FOR_INTERRUPTS();

		if (ConfigReloadPending)
		{
			ConfigReloadPending = false;
			ProcessConfigFile(PGC_SIGHUP);
			launcher_apply_log_level();
			/* jobs without a zone follow cron.timezone */
			if (!launcher_same_string(launcher_loaded_timezone, beat_timezone))
				pg_atomic_fetch_add_u64(&beat_shared->catalog_generation, 1);
		}

		MemoryContextReset(launcher_scratch);

		if (first)
		{
			launcher_wait_for_extension();
			launcher_adopt_slots();
			launcher_close_interrupted(GetCurrentTimestamp());
		}

		generation = pg_atomic_read_u64(&beat_shared->catalog_generation);
		now = GetCurrentTimestamp();
		if (launcher_interrupted_open && now >= launcher_interrupted_retry)
			launcher_close_interrupted(now);
		reload_at = DT_NOEND;
		if (!first && generation != launcher_generation &&
			now < launcher_last_load + BEAT_RELOAD_GAP)
			reload_at = launcher_last_load + BEAT_RELOAD_GAP;
		else if (first || generation != launcher_generation)
		{
			/*
			 * Re-arm the wake, then read the generation, then load: a change
			 * committed during the load wakes us again.
			 */
			(void) pg_atomic_exchange_u32(&beat_shared->wake_pending, 0);
			generation = pg_atomic_read_u64(&beat_shared->catalog_generation);
			launcher_generation = generation;
			launcher_last_load = now;
			launcher_load_jobs(first, now);
			if (first)
				launcher_queue_reboot_jobs(now);
			first = false;

			/*
			 * Dropped extension: stop its runs, then start over and wait for
			 * it.  (A load that failed leaves the state as it was.)
			 */
			if (!launcher_extension_present && !launcher_load_failed)
			{
				launcher_extension_gone(now);
				first = true;
				continue;
			}
		}

		MemoryContextSwitchTo(launcher_scratch);
		now = GetCurrentTimestamp();
		/* a requested run may be of a job whose load waits: wait with it */
		if (reload_at == DT_NOEND)
			launcher_take_requests(now);
		launcher_take_due(now, &refusals);
		outcomes = launcher_collect_outcomes(&recorded, &done, now);
		session_deadline = launcher_reap_sessions(now);

		if (outcomes != NIL || refusals != NIL || launcher_extra_due(now) ||
			(!pairingheap_is_empty(launcher_ready) && launcher_slot_open()))
		{
			launcher_xact_begin();
			/* what we allocate must outlive the transaction */
			MemoryContextSwitchTo(launcher_scratch);

			launcher_record_outcomes_xact(outcomes);
			foreach(lc, outcomes)
			{
				BeatRunOutcome *o = lfirst(lc);
				BeatRunSlot *slot;

				if (o->slotno < 0 || strcmp(o->status, "failed") != 0 ||
					launcher_slots[o->slotno].on_failure)
					continue;
				slot = &beat_shared->slots[o->slotno];
				if (launcher_stopped_on_purpose(slot->cancel_reason))
					continue;
				if (!launcher_will_retry(slot->jobid, slot->attempt,
										 slot->cancel_reason))
				{
					LauncherJob *job;
					bool		found;

					job = hash_search(launcher_jobs, &slot->jobid, HASH_FIND,
									  &found);
					if (found)
						launcher_final_failure(job, slot->runid,
											   slot->scheduled_time,
											   slot->attempt, o);
				}
			}
			foreach(lc, refusals)
			{
				LauncherRefusal *r = lfirst(lc);

				launcher_record_refused(r->job, 0, r->slot, 1, 0, r->status,
										r->message);
			}

			/*
			 * Release the slots whose runs ended, so that their sessions take
			 * the next runs recorded in this same transaction.  Should it
			 * fail, the launcher restarts and closes the runs it did not
			 * record as interrupted.
			 */
			foreach(lc, recorded)
				launcher_slots[lfirst_int(lc)].recorded = true;
			launcher_release_done(done, now);
			released = true;

			newruns = launcher_record_new_runs(now);

			launcher_xact_end();
			MemoryContextSwitchTo(launcher_scratch);
		}

		/*
		 * Outcomes are durable: never record them again.  (Slots released
		 * above were marked before their release: they may hold new runs.)
		 */
		if (!released)
		{
			foreach(lc, recorded)
				launcher_slots[lfirst_int(lc)].recorded = true;
			launcher_release_done(done, now);
		}

		/* runs are recorded: start them, after those waiting for workers */
		(void) launcher_start_awaiting();
		foreach(lc, newruns)
			launcher_start_run((LauncherNewRun *) lfirst(lc));

		/* a freed slot may let a waiting run go at once */
		if ((done != NIL || newruns != NIL) &&
			!pairingheap_is_empty(launcher_ready) && launcher_slot_open())
			SetLatch(MyLatch);

		launcher_purge_history(now);
		launcher_check_overdue(now);

		/* sleep until the next slot, deadline, catalog change or run event */
		sleep_ms = BEAT_MAX_SLEEP_MS;
		/*
		 * Workers we did not start (another extension's, parallel query's)
		 * free without telling us: look again soon while runs wait.
		 */
		if (launcher_nawaiting > 0)
			sleep_ms = BEAT_AWAIT_WORKER_MS;
		if (beat_overdue_after_usecs() > 0 || launcher_overdue_jobs > 0)
			sleep_ms = Min(sleep_ms, BEAT_OVERDUE_INTERVAL / 1000);
		{
			TimestampTz deadline = launcher_enforce_deadlines(GetCurrentTimestamp());

			foreach(lc, launcher_extra)
				deadline = Min(deadline, ((LauncherExtraRun *) lfirst(lc))->due);
			deadline = Min(deadline, session_deadline);
			deadline = Min(deadline, reload_at);
			/* a purge that is behind goes on between the runs */
			if (beat_history_retention_usecs() > 0)
				deadline = Min(deadline, launcher_next_purge);
			if (deadline != DT_NOEND)
				sleep_ms = Min(sleep_ms,
							   TimestampDifferenceMilliseconds(GetCurrentTimestamp(),
															   deadline));
		}
		if (!pairingheap_is_empty(launcher_timers))
		{
			LauncherJob *job = pairingheap_container(LauncherJob, timer_node,
													 pairingheap_first(launcher_timers));
			TimestampTz wake = job->next_fire - BEAT_PREWARM;

			/* inside the window already but not prewarmable: wake when due */
			if (wake <= GetCurrentTimestamp())
				wake = job->next_fire;
			sleep_ms = Min(sleep_ms,
						   TimestampDifferenceMilliseconds(GetCurrentTimestamp(),
														   wake));
		}
		pgstat_report_activity(STATE_IDLE, NULL);
		launcher_may_stop_gently = true;
		if (launcher_stop_requested)
			launcher_stop();
		if (sleep_ms > 0)
			(void) WaitLatch(MyLatch,
							 WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
							 sleep_ms, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		if (launcher_stop_requested)
			launcher_stop();
		launcher_may_stop_gently = false;
	}
}
