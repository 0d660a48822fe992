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

#include "access/xact.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "storage/dsm.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "tcop/tcopprot.h"
#include "utils/builtins.h"
#include "utils/elog.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "exec_command.h"
#include "remote.h"
#include "executor.h"
#include "guc.h"
#include "shmem.h"

static BeatRunSlot *executor_slot = NULL;
static uint32 executor_generation = 0;
static emit_log_hook_type executor_prev_emit_log_hook = NULL;

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
 * Mark the slot done and wake the launcher.  Only the first call counts.
 */
static void
executor_finish(bool succeeded, const char *message, int sqlerrcode)
{
	Latch	   *latch = NULL;

	if (executor_slot == NULL)
		return;

	LWLockAcquire(beat_shared->lock, LW_EXCLUSIVE);
	if (executor_slot->generation == executor_generation &&
		executor_slot->state != BEAT_SLOT_DONE)
	{
		if (message != NULL)
			executor_set_message(message);
		if (sqlerrcode != 0)
			memcpy(executor_slot->sqlstate, unpack_sql_state(sqlerrcode), 6);
		executor_slot->succeeded = succeeded;
		executor_slot->end_time = GetCurrentTimestamp();
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
 * the command runs are caught in beat_run_worker_main and recorded there;
 * they also pass through here, which is harmless as the slot keeps the last
 * message until it is marked done.
 */
static void
executor_emit_log(ErrorData *edata)
{
	if (executor_prev_emit_log_hook)
		executor_prev_emit_log_hook(edata);

	if (edata->elevel >= ERROR && executor_slot != NULL &&
		executor_slot->generation == executor_generation &&
		executor_slot->state != BEAT_SLOT_DONE && edata->message != NULL)
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

	/* the message was captured by executor_emit_log, if there was one */
	if (executor_slot->message[0] == '\0')
		executor_finish(false, "job session exited before completing the command", 0);
	else
		executor_finish(false, NULL, 0);
}

/*
 * Mark the run as executing now; false if it was cancelled before it began.
 * A session started ahead of its slot (the launcher prewarms it) first waits
 * for the slot's instant, so the command starts on time.
 */
static bool
executor_mark_running(BeatRunSlot *slot)
{
	Latch	   *latch;
	TimestampTz scheduled_time = slot->scheduled_time;

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
						ERRCODE_QUERY_CANCELED);
		return false;
	}
	slot->start_time = GetCurrentTimestamp();
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
executor_run_remote(BeatRunSlot *slot, int64 jobid, int64 runid,
					const char *command, const char *host, int32 port,
					const char *dbname, const char *user)
{
	BeatRemoteTarget target;
	char		appname[64];
	char	   *tag = NULL;
	char	   *message = NULL;
	char		sqlstate[6] = "";

	snprintf(appname, sizeof(appname), "pg_beat job " INT64_FORMAT, jobid);
	target.host = host;
	target.port = port;
	target.dbname = dbname;
	target.user = user;
	target.application_name = appname;
	target.connect_timeout = 10;
	/* messages go to the launcher's database: ask for its encoding */
	target.client_encoding = pg_encoding_to_char(slot->encoding);

	if (beat_log_statement)
		ereport(LOG,
				(errmsg("pg_beat: job " INT64_FORMAT " run " INT64_FORMAT " starting on %s:%d: %s",
						jobid, runid, host, port, command)));

	if (!executor_mark_running(slot))
		return;

	if (beat_run_remote(&target, command, &tag, &message, sqlstate))
		executor_finish(true, tag, 0);
	else
		executor_finish(false, message,
						sqlstate[0] ? MAKE_SQLSTATE(sqlstate[0], sqlstate[1],
													sqlstate[2], sqlstate[3],
													sqlstate[4]) : 0);
}

void
beat_run_worker_main(Datum main_arg)
{
	int			slotno = DatumGetInt32(main_arg);
	BeatRunSlot *slot;
	Oid			database_oid;
	Oid			user_oid;
	int64		runid;
	int64		jobid;
	TimestampTz scheduled_time;
	dsm_handle	handle;
	dsm_segment *seg;
	char	   *command;
	char	   *failed_run;
	char	   *remote_host;
	char	   *remote_dbname;
	char	   *remote_user;
	bool		remote;
	int32		nodeport;
	char		buf[64];

	memcpy(&executor_generation, MyBgworkerEntry->bgw_extra, sizeof(uint32));

	/*
	 * SIGTERM ends the run at the next safe point; SIGINT cancels it.
	 * StatementCancelHandler is installed for SIGINT by the postmaster only
	 * because the worker is registered with
	 * BGWORKER_BACKEND_DATABASE_CONNECTION, which remote runs keep for that
	 * reason even though they never connect to a local database.
	 */
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();

	if (beat_shared == NULL || slotno < 0 || slotno >= beat_shared->nslots)
	{
		elog(LOG, "pg_beat: run slot %d does not exist", slotno);
		proc_exit(0);
	}
	slot = &beat_shared->slots[slotno];

	LWLockAcquire(beat_shared->lock, LW_EXCLUSIVE);
	if (slot->generation != executor_generation ||
		slot->state != BEAT_SLOT_STARTING)
	{
		/* the launcher gave up on this run before we got here */
		elog(LOG, "pg_beat: run slot %d was reused (generation %u, expected %u, state %d)",
			 slotno, slot->generation, executor_generation, (int) slot->state);
		LWLockRelease(beat_shared->lock);
		proc_exit(0);
	}
	slot->pid = MyProcPid;
	database_oid = slot->database_oid;
	user_oid = slot->user_oid;
	runid = slot->runid;
	jobid = slot->jobid;
	scheduled_time = slot->scheduled_time;
	handle = slot->command_handle;
	remote = slot->remote;
	nodeport = slot->nodeport;
	LWLockRelease(beat_shared->lock);

	executor_slot = slot;
	before_shmem_exit(executor_before_exit, (Datum) 0);
	executor_prev_emit_log_hook = emit_log_hook;
	emit_log_hook = executor_emit_log;

	/* the command first: the launcher keeps the segment only for a while */
	seg = dsm_attach(handle);
	if (seg == NULL)
		ereport(FATAL,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("could not map the command of run " INT64_FORMAT, runid)));
	command = MemoryContextStrdup(TopMemoryContext,
								  (char *) dsm_segment_address(seg));
	{
		char	   *src = (char *) dsm_segment_address(seg) + strlen(command) + 1;

		failed_run = MemoryContextStrdup(TopMemoryContext, src);
		src += strlen(src) + 1;
		remote_host = MemoryContextStrdup(TopMemoryContext, src);
		src += strlen(src) + 1;
		remote_dbname = MemoryContextStrdup(TopMemoryContext, src);
		src += strlen(src) + 1;
		remote_user = MemoryContextStrdup(TopMemoryContext, src);
	}
	dsm_detach(seg);

	if (remote)
	{
		executor_run_remote(slot, jobid, runid, command, remote_host,
							nodeport, remote_dbname, remote_user);
		proc_exit(0);
	}

	BackgroundWorkerInitializeConnectionByOid(database_oid, user_oid, 0);

	/* tell the command which run it is */
	snprintf(buf, sizeof(buf), INT64_FORMAT, jobid);
	SetConfigOption("cron.job_id", buf, PGC_INTERNAL, PGC_S_OVERRIDE);
	snprintf(buf, sizeof(buf), INT64_FORMAT, runid);
	SetConfigOption("cron.run_id", buf, PGC_INTERNAL, PGC_S_OVERRIDE);
	if (scheduled_time != 0)
		SetConfigOption("cron.scheduled_time",
						timestamptz_to_str(scheduled_time),
						PGC_INTERNAL, PGC_S_OVERRIDE);
	/* an on_failure command learns which run failed */
	if (failed_run[0] != '\0')
		SetConfigOption("cron.failed_run", failed_run, PGC_INTERNAL,
						PGC_S_OVERRIDE);
	snprintf(buf, sizeof(buf), "pg_beat job " INT64_FORMAT, jobid);
	SetConfigOption("application_name", buf, PGC_USERSET, PGC_S_SESSION);

	if (beat_log_statement)
		ereport(LOG,
				(errmsg("pg_beat: job " INT64_FORMAT " run " INT64_FORMAT " starting: %s",
						jobid, runid, command)));

	/* start_time is the moment the command starts executing */
	if (!executor_mark_running(slot))
		proc_exit(0);

	pgstat_report_activity(STATE_RUNNING, command);

	PG_TRY();
	{
		char	   *tag = beat_exec_command(command);

		executor_finish(true, tag, 0);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(TopMemoryContext);
		edata = CopyErrorData();
		EmitErrorReport();
		FlushErrorState();
		AbortOutOfAnyTransaction();
		executor_finish(false, edata->message, edata->sqlerrcode);
	}
	PG_END_TRY();

	pgstat_report_activity(STATE_IDLE, NULL);
	proc_exit(0);
}
