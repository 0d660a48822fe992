/*-------------------------------------------------------------------------
 *
 * executor.c
 *	  The per-run session: a dynamic background worker that runs one job's
 *	  command as the job's owner and reports the outcome.
 *
 * The launcher fills a run slot in shared memory (shmem.h), puts the
 * command into a DSM segment and starts this worker with the slot number as
 * its argument and the slot's generation in bgw_extra.  The worker connects
 * to the job's database as the job's owner (by OID, so neither pg_hba.conf
 * nor a password is involved, and the session has exactly the owner's
 * rights: session user and current user are the owner), runs the command
 * with psql -c semantics (exec_command.c) and writes the outcome into its
 * slot.  It never writes the history itself: the history lives in
 * cron.database_name, which may be another database, so the launcher
 * records it.
 *
 * After a local run the session resets itself (pool.c: DISCARD ALL, role
 * restored) and, if the reset worked and cron.session_idle_timeout allows,
 * says so in the slot (reusable) and waits on its latch: the launcher either
 * hands it the next run of the same (database, role) by filling the slot
 * again, or asks it to exit (retire).  Remote runs never stay.
 *
 * A run can end in three ways, and each one leaves a result in the slot:
 *	- success: the last command tag;
 *	- an ERROR (including a cancel): caught here, message and SQLSTATE;
 *	- a FATAL (terminated, or refused at connection time, e.g. a role that
 *	  may not log in): emit_log_hook captures the message on its way out and
 *	  the exit callback marks the slot done.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_database.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/dsm.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/procarray.h"
#include "tcop/tcopprot.h"
#include "utils/builtins.h"
#include "utils/elog.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "exec_command.h"
#include "remote.h"
#include "executor.h"
#include "guc.h"
#include "pool.h"
#include "run_commits.h"
#include "shmem.h"

/* What the launcher put into the slot for one run. */
typedef struct ExecutorRun
{
	int64		runid;
	int64		jobid;
	Oid			database_oid;
	Oid			user_oid;
	TimestampTz scheduled_time;
	dsm_handle	command_handle;
	bool		remote;
	int32		nodeport;
	bool		track_commits;	/* record its commits (run_commits.c) */
	bool		commit_via_launcher;	/* ... through the launcher */
	/* from the DSM segment, in executor_run_context */
	char	   *command;
	char	   *failed_run;
	char	   *remote_host;
	char	   *remote_dbname;
	char	   *remote_user;
} ExecutorRun;

/* The outcome of a run whose session is being reset, not yet reported. */
typedef struct ExecutorOutcome
{
	bool		valid;
	bool		succeeded;
	char	   *message;
	int			sqlerrcode;
	TimestampTz end_time;
} ExecutorOutcome;

static BeatRunSlot *executor_slot = NULL;
static uint32 executor_generation = 0;
static emit_log_hook_type executor_prev_emit_log_hook = NULL;
static MemoryContext executor_run_context = NULL;	/* reset at every run */
static ExecutorOutcome executor_outcome;

/* while resetting the session: its errors are not the run's */
static bool executor_resetting = false;

/*
 * What a new session would be held to when it connects, read once when this
 * one connected: a change to any of it (ALTER ROLE, ALTER DATABASE) retires
 * pooled sessions (pool.c), and a reload that changes the preload libraries
 * makes this one leave (executor_wait_for_run).
 */
typedef struct ExecutorSessionRules
{
	bool		superuser;		/* connection limits do not apply */
	int			role_limit;		/* rolconnlimit; -1 = none */
	int			database_limit; /* datconnlimit; -1 = none */
	char	   *role_name;
	char	   *database_name;
	char	   *session_preload;	/* session_preload_libraries */
	char	   *local_preload;	/* local_preload_libraries */
} ExecutorSessionRules;

static ExecutorSessionRules executor_rules;

/*
 * Is the slot still this session's current run, and not finished?
 * Caller holds the lock.
 */
static inline bool
executor_owns_run(void)
{
	return executor_slot != NULL &&
		executor_slot->generation == executor_generation &&
		(executor_slot->state == BEAT_SLOT_STARTING ||
		 executor_slot->state == BEAT_SLOT_RUNNING);
}

/*
 * Copy a message into the slot, cutting it with "..." if it does not fit.
 */
static void
executor_set_message(const char *message)
{
	size_t		len = strlen(message);

	if (len < BEAT_MESSAGE_SIZE)
		memcpy(executor_slot->message, message, len + 1);
	else
	{
		size_t		keep = pg_encoding_mbcliplen(executor_slot->encoding, message,
												 len, BEAT_MESSAGE_SIZE - 4);

		memcpy(executor_slot->message, message, keep);
		strcpy(executor_slot->message + keep, "...");
	}
}

/*
 * Mark the run done and wake the launcher.  Only the first call for a run
 * counts.  end_time 0 means now; reusable says the session was reset and
 * waits for the next run.
 */
static void
executor_finish(bool succeeded, const char *message, int sqlerrcode,
				TimestampTz end_time, bool reusable)
{
	Latch	   *latch = NULL;

	if (executor_slot == NULL)
		return;

	LWLockAcquire(beat_shared->lock, LW_EXCLUSIVE);
	if (executor_owns_run())
	{
		if (message != NULL)
			executor_set_message(message);
		if (sqlerrcode != 0)
			memcpy(executor_slot->sqlstate, unpack_sql_state(sqlerrcode), 6);
		executor_slot->succeeded = succeeded;
		executor_slot->end_time = end_time ? end_time : GetCurrentTimestamp();
		executor_slot->reusable = reusable;
		executor_slot->state = BEAT_SLOT_DONE;
		latch = beat_shared->launcher_latch;
	}
	LWLockRelease(beat_shared->lock);

	if (latch != NULL)
		SetLatch(latch);
}

/*
 * Catch the message of an error that ends the process (FATAL) before we
 * could catch it ourselves, e.g. during connection.  ERRORs raised while
 * the command runs are caught in executor_run_local and recorded there;
 * they also pass through here, which is harmless as the slot keeps the last
 * message until it is marked done.
 */
static void
executor_emit_log(ErrorData *edata)
{
	if (executor_prev_emit_log_hook)
		executor_prev_emit_log_hook(edata);

	if (edata->elevel >= ERROR && !executor_resetting &&
		edata->message != NULL && executor_owns_run())
	{
		executor_set_message(edata->message);
		memcpy(executor_slot->sqlstate, unpack_sql_state(edata->sqlerrcode), 6);
	}
}

static void
executor_before_exit(int code, Datum arg)
{
	if (executor_slot == NULL)
		return;

	/* ended while resetting the session: the run itself had finished */
	if (executor_outcome.valid)
		executor_finish(executor_outcome.succeeded, executor_outcome.message,
						executor_outcome.sqlerrcode, executor_outcome.end_time,
						false);
	/* the message was captured by executor_emit_log, if there was one */
	else if (executor_slot->message[0] == '\0')
		executor_finish(false, "job session exited before completing the command",
						0, 0, false);
	else
		executor_finish(false, NULL, 0, 0, false);
}

/*
 * Take the run the launcher put into the slot, if the slot still holds the
 * one we were started or woken for.  Caller holds the lock.
 */
static void
executor_take_run(BeatRunSlot *slot, ExecutorRun *run)
{
	slot->pid = MyProcPid;
	slot->worker_latch = MyLatch;
	slot->reusable = false;
	run->runid = slot->runid;
	run->jobid = slot->jobid;
	run->database_oid = slot->database_oid;
	run->user_oid = slot->user_oid;
	run->scheduled_time = slot->scheduled_time;
	run->command_handle = slot->command_handle;
	run->remote = slot->remote;
	run->nodeport = slot->nodeport;
	run->track_commits = slot->track_commits;
	run->commit_via_launcher = slot->commit_via_launcher;
}

/*
 * Read the command and its companions from the run's DSM segment.  The
 * launcher keeps the segment until the run is recorded, so it is there.
 */
static void
executor_read_command(ExecutorRun *run)
{
	dsm_segment *seg;
	char	   *src;
	MemoryContext oldcontext;

	seg = dsm_attach(run->command_handle);
	if (seg == NULL)
		ereport(FATAL,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("could not map the command of run " INT64_FORMAT,
						run->runid)));

	oldcontext = MemoryContextSwitchTo(executor_run_context);
	src = (char *) dsm_segment_address(seg);
	run->command = pstrdup(src);
	src += strlen(src) + 1;
	run->failed_run = pstrdup(src);
	src += strlen(src) + 1;
	run->remote_host = pstrdup(src);
	src += strlen(src) + 1;
	run->remote_dbname = pstrdup(src);
	src += strlen(src) + 1;
	run->remote_user = pstrdup(src);
	MemoryContextSwitchTo(oldcontext);
	dsm_detach(seg);
}

/*
 * Would a new session of this run's role in this database be refused for
 * its connection limit right now?  A background worker is exempt from the
 * limits (the postmaster counts only client backends), so we count as a
 * client connection would: the client backends of the role (database), the
 * runs of ours executing for it, and this run.  Idle pooled sessions do not
 * count: a run without pooling would not have them.  Returns the refusal
 * message, or NULL.  Caller holds the lock, so that two runs starting at
 * once count each other.
 */
static char *
executor_connection_refusal(void)
{
	int			role_count = 0;
	int			database_count = 0;
	int			i;

	if (executor_rules.superuser ||
		(executor_rules.role_limit < 0 && executor_rules.database_limit < 0))
		return NULL;

	for (i = 0; i < beat_shared->nslots; i++)
	{
		BeatRunSlot *other = &beat_shared->slots[i];

		if (other == executor_slot || other->state != BEAT_SLOT_RUNNING ||
			other->remote)
			continue;
		if (other->user_oid == GetAuthenticatedUserId())
			role_count++;
		if (other->database_oid == MyDatabaseId)
			database_count++;
	}

	if (executor_rules.database_limit >= 0 &&
		CountDBConnections(MyDatabaseId) + database_count + 1 >
		executor_rules.database_limit)
		return psprintf("too many connections for database \"%s\"",
						executor_rules.database_name);
	if (executor_rules.role_limit >= 0 &&
		CountUserBackends(GetAuthenticatedUserId()) + role_count + 1 >
		executor_rules.role_limit)
		return psprintf("too many connections for role \"%s\"",
						executor_rules.role_name);
	return NULL;
}

/*
 * Finish connecting as a client backend would: load the libraries that
 * session_preload_libraries and local_preload_libraries name (PostgresMain
 * does, the background worker start does not), and note what the session
 * is held to (ExecutorSessionRules).
 */
static void
executor_session_start(void)
{
	HeapTuple	tuple;
	MemoryContext oldcontext;

	process_session_preload_libraries();

	StartTransactionCommand();
	oldcontext = MemoryContextSwitchTo(TopMemoryContext);
	executor_rules.superuser = superuser_arg(GetAuthenticatedUserId());
	executor_rules.role_limit = -1;
	executor_rules.database_limit = -1;
	tuple = SearchSysCache1(AUTHOID,
							ObjectIdGetDatum(GetAuthenticatedUserId()));
	if (HeapTupleIsValid(tuple))
	{
		Form_pg_authid form = (Form_pg_authid) GETSTRUCT(tuple);

		executor_rules.role_limit = form->rolconnlimit;
		executor_rules.role_name = pstrdup(NameStr(form->rolname));
		ReleaseSysCache(tuple);
	}
	tuple = SearchSysCache1(DATABASEOID, ObjectIdGetDatum(MyDatabaseId));
	if (HeapTupleIsValid(tuple))
	{
		Form_pg_database form = (Form_pg_database) GETSTRUCT(tuple);

		executor_rules.database_limit = form->datconnlimit;
		executor_rules.database_name = pstrdup(NameStr(form->datname));
		ReleaseSysCache(tuple);
	}
	executor_rules.session_preload = pstrdup(session_preload_libraries_string ?
											 session_preload_libraries_string : "");
	executor_rules.local_preload = pstrdup(local_preload_libraries_string ?
										   local_preload_libraries_string : "");
	MemoryContextSwitchTo(oldcontext);
	CommitTransactionCommand();
}

/*
 * Would a session connecting now load other libraries than this one did?
 */
static bool
executor_preload_changed(void)
{
	const char *session = session_preload_libraries_string ?
		session_preload_libraries_string : "";
	const char *local = local_preload_libraries_string ?
		local_preload_libraries_string : "";

	return strcmp(session, executor_rules.session_preload) != 0 ||
		strcmp(local, executor_rules.local_preload) != 0;
}

/*
 * Mark the run as executing now; false if it did not begin: cancelled
 * before it began (the launcher records that as skipped, since nothing
 * ran), or refused as a new session would be.  A session started ahead of
 * its slot (the launcher prewarms it) first waits for the slot's instant,
 * so the command starts on time.
 *
 * The statement start timestamp is set here: the transactions of the
 * command take their start (now(), pg_stat_activity.xact_start) from it, so
 * the command sees the instant it started, as under psql -c, not the moment
 * the session connected, was prewarmed or finished its previous run.
 */
static bool
executor_mark_running(BeatRunSlot *slot)
{
	Latch	   *latch;
	TimestampTz scheduled_time = slot->scheduled_time;
	char	   *refusal = NULL;

	for (;;)
	{
		TimestampTz now = GetCurrentTimestamp();
		long		ms;

		if (scheduled_time == 0 || now >= scheduled_time)
			break;
		/* wake no earlier than the instant: round the wait up */
		ms = (long) ((scheduled_time - now + 999) / 1000);
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 ms, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
		if (slot->cancel_reason != BEAT_CANCEL_NONE)
			break;
	}

	LWLockAcquire(beat_shared->lock, LW_EXCLUSIVE);
	if (slot->cancel_reason != BEAT_CANCEL_NONE)
	{
		LWLockRelease(beat_shared->lock);
		executor_finish(false, "job run cancelled before it started",
						ERRCODE_QUERY_CANCELED, 0, false);
		return false;
	}
	if (!slot->remote)
		refusal = executor_connection_refusal();
	if (refusal != NULL)
	{
		LWLockRelease(beat_shared->lock);
		executor_finish(false, refusal, ERRCODE_TOO_MANY_CONNECTIONS, 0, false);
		return false;
	}
	SetCurrentStatementStartTimestamp();
	slot->start_time = GetCurrentStatementStartTimestamp();
	slot->state = BEAT_SLOT_RUNNING;
	latch = beat_shared->launcher_latch;
	LWLockRelease(beat_shared->lock);
	if (latch != NULL)
		SetLatch(latch);
	return true;
}

/*
 * A run on another server: no local session, libpq does the work.
 */
static void
executor_run_remote(BeatRunSlot *slot, ExecutorRun *run)
{
	BeatRemoteTarget target;
	char		appname[64];
	char	   *tag = NULL;
	char	   *message = NULL;
	char		sqlstate[6] = "";

	snprintf(appname, sizeof(appname), "pg_beat job " INT64_FORMAT, run->jobid);
	target.host = run->remote_host;
	target.port = run->nodeport;
	target.dbname = run->remote_dbname;
	target.user = run->remote_user;
	target.application_name = appname;
	target.connect_timeout = 10;
	/* messages go to the launcher's database: ask for its encoding */
	target.client_encoding = pg_encoding_to_char(slot->encoding);

	if (beat_log_statement)
		ereport(LOG,
				(errmsg("pg_beat: job " INT64_FORMAT " run " INT64_FORMAT " starting on %s:%d: %s",
						run->jobid, run->runid, run->remote_host,
						run->nodeport, run->command)));

	if (!executor_mark_running(slot))
		return;

	if (beat_run_remote(&target, run->command, &tag, &message, sqlstate))
		executor_finish(true, tag, 0, 0, false);
	else
		executor_finish(false, message,
						sqlstate[0] ? MAKE_SQLSTATE(sqlstate[0], sqlstate[1],
													sqlstate[2], sqlstate[3],
													sqlstate[4]) : 0,
						0, false);
}

/*
 * Tell the command which run it is.  Every run sets all of them, so that
 * nothing of an earlier run in the same session shows through.
 */
static void
executor_set_run_settings(ExecutorRun *run)
{
	char		buf[64];

	snprintf(buf, sizeof(buf), INT64_FORMAT, run->jobid);
	SetConfigOption("cron.job_id", buf, PGC_INTERNAL, PGC_S_OVERRIDE);
	snprintf(buf, sizeof(buf), INT64_FORMAT, run->runid);
	SetConfigOption("cron.run_id", buf, PGC_INTERNAL, PGC_S_OVERRIDE);
	SetConfigOption("cron.scheduled_time",
					run->scheduled_time != 0 ?
					timestamptz_to_str(run->scheduled_time) : "",
					PGC_INTERNAL, PGC_S_OVERRIDE);
	/* an on_failure command learns which run failed */
	SetConfigOption("cron.failed_run", run->failed_run, PGC_INTERNAL,
					PGC_S_OVERRIDE);
	snprintf(buf, sizeof(buf), "pg_beat job " INT64_FORMAT, run->jobid);
	SetConfigOption("application_name", buf, PGC_USERSET, PGC_S_SESSION);
}

/*
 * Run a local command in this session and report the outcome.  Returns
 * true if the session was reset and waits for another run.
 */
static bool
executor_run_local(BeatRunSlot *slot, ExecutorRun *run)
{
	bool		reusable;

	executor_set_run_settings(run);

	if (beat_log_statement)
		ereport(LOG,
				(errmsg("pg_beat: job " INT64_FORMAT " run " INT64_FORMAT " starting: %s",
						run->jobid, run->runid, run->command)));

	/* start_time is the moment the command starts executing */
	if (!executor_mark_running(slot))
		return false;

	pgstat_report_activity(STATE_RUNNING, run->command);

	/* what the command leaves behind goes when the run is over */
	MemoryContextSwitchTo(executor_run_context);
	memset(&executor_outcome, 0, sizeof(executor_outcome));
	if (run->track_commits)
		beat_run_commits_begin(run->runid, NULL);
	else if (run->commit_via_launcher)
		beat_run_commits_begin(run->runid, slot);
	PG_TRY();
	{
		executor_outcome.message = beat_exec_command(run->command);
		executor_outcome.succeeded = true;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		beat_run_commits_end();
		MemoryContextSwitchTo(executor_run_context);
		edata = CopyErrorData();
		EmitErrorReport();
		FlushErrorState();
		AbortOutOfAnyTransaction();
		beat_exec_command_cleanup();
		executor_outcome.succeeded = false;
		executor_outcome.message = edata->message;
		executor_outcome.sqlerrcode = edata->sqlerrcode;
	}
	PG_END_TRY();
	beat_run_commits_end();
	executor_outcome.end_time = GetCurrentTimestamp();
	executor_outcome.valid = true;
	pgstat_report_activity(STATE_IDLE, NULL);

	/*
	 * Stay for the next run only if pooling is on and nothing this session
	 * took at connection time has changed since.
	 */
	reusable = beat_session_idle_timeout > 0 && beat_session_is_current(slot);
	if (reusable)
	{
		executor_resetting = true;
		PG_TRY();
		{
			beat_session_reset();
		}
		PG_CATCH();
		{
			EmitErrorReport();
			FlushErrorState();
			AbortOutOfAnyTransaction();
			reusable = false;
		}
		PG_END_TRY();
		executor_resetting = false;
		SetConfigOption("application_name", "pg_beat idle session",
						PGC_USERSET, PGC_S_SESSION);
	}

	executor_finish(executor_outcome.succeeded, executor_outcome.message,
					executor_outcome.sqlerrcode, executor_outcome.end_time,
					reusable);
	executor_outcome.valid = false;
	return reusable;
}

/*
 * Wait, idle, until the launcher hands over another run (true) or asks us
 * to exit (false).
 */
static bool
executor_wait_for_run(BeatRunSlot *slot, ExecutorRun *run)
{
	long		stats_ms = pgstat_report_stat(false);
	bool		stale = false;

	for (;;)
	{
		int			events = WL_LATCH_SET | WL_EXIT_ON_PM_DEATH;
		bool		got = false;
		bool		leave = false;

		if (stats_ms > 0)
			events |= WL_TIMEOUT;
		(void) WaitLatch(MyLatch, events, stats_ms, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);

		/* a cancel that arrives after its run ended is for nobody */
		QueryCancelPending = false;
		CHECK_FOR_INTERRUPTS();

		if (ConfigReloadPending)
		{
			ConfigReloadPending = false;
			ProcessConfigFile(PGC_SIGHUP);
			/* a new session would load other libraries: leave */
			stale = executor_preload_changed();
		}
		if (stats_ms > 0)
			stats_ms = pgstat_report_stat(false);

		/*
		 * The launcher hands a run over by filling the slot with our pid in
		 * it; a slot given to another session is no longer ours.
		 */
		LWLockAcquire(beat_shared->lock, LW_EXCLUSIVE);
		if (slot->retire || slot->state == BEAT_SLOT_FREE ||
			slot->pid != MyProcPid)
			leave = true;
		else if (slot->state == BEAT_SLOT_STARTING &&
				 slot->generation != executor_generation)
		{
			executor_generation = slot->generation;
			executor_take_run(slot, run);
			got = true;
		}
		else if (stale)
		{
			/* retire ourselves: the launcher hands us nothing from now on */
			slot->retire = true;
			leave = true;
		}
		LWLockRelease(beat_shared->lock);

		if (leave)
			return false;
		if (got)
			return true;
	}
}

void
beat_run_worker_main(Datum main_arg)
{
	int			slotno = DatumGetInt32(main_arg);
	BeatRunSlot *slot;
	ExecutorRun run;

	memcpy(&executor_generation, MyBgworkerEntry->bgw_extra, sizeof(uint32));

	/*
	 * SIGTERM ends the run at the next safe point; SIGINT cancels it.
	 * StatementCancelHandler is installed for SIGINT by the postmaster only
	 * because the worker is registered with
	 * BGWORKER_BACKEND_DATABASE_CONNECTION, which remote runs keep for that
	 * reason even though they never connect to a local database.  SIGHUP
	 * reloads the configuration between runs.
	 */
	pqsignal(SIGTERM, die);
	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	BackgroundWorkerUnblockSignals();

	if (beat_shared == NULL || slotno < 0 || slotno >= beat_shared->nslots)
	{
		elog(LOG, "pg_beat: run slot %d does not exist", slotno);
		proc_exit(0);
	}
	slot = &beat_shared->slots[slotno];

	memset(&run, 0, sizeof(run));
	LWLockAcquire(beat_shared->lock, LW_EXCLUSIVE);
	if (slot->generation != executor_generation ||
		slot->state != BEAT_SLOT_STARTING || slot->pid != 0)
	{
		/* the launcher gave up on this run before we got here */
		elog(LOG, "pg_beat: run slot %d was reused (generation %u, expected %u, state %d)",
			 slotno, slot->generation, executor_generation, (int) slot->state);
		LWLockRelease(beat_shared->lock);
		proc_exit(0);
	}
	executor_take_run(slot, &run);
	/* before connecting: a change made while we connect makes us stale */
	slot->session_generation = pg_atomic_read_u64(&beat_shared->pool_generation);
	LWLockRelease(beat_shared->lock);

	executor_slot = slot;
	before_shmem_exit(executor_before_exit, (Datum) 0);
	executor_prev_emit_log_hook = emit_log_hook;
	emit_log_hook = executor_emit_log;
	executor_run_context = AllocSetContextCreate(TopMemoryContext,
												 "pg_beat run",
												 ALLOCSET_DEFAULT_SIZES);

	/* the command first: the launcher keeps the segment only for a while */
	executor_read_command(&run);

	if (run.remote)
	{
		executor_run_remote(slot, &run);
		proc_exit(0);
	}

	BackgroundWorkerInitializeConnectionByOid(run.database_oid, run.user_oid, 0);
	executor_session_start();

	while (executor_run_local(slot, &run))
	{
		MemoryContextReset(executor_run_context);
		if (!executor_wait_for_run(slot, &run))
			break;
		/* the launcher hands a session only runs of its database and role */
		if (run.remote || run.database_oid != MyDatabaseId ||
			run.user_oid != GetAuthenticatedUserId())
		{
			executor_finish(false, "job run was handed to a session of another database or role",
							ERRCODE_INTERNAL_ERROR, 0, false);
			break;
		}
		executor_read_command(&run);
	}
	proc_exit(0);
}
