/*-------------------------------------------------------------------------
 *
 * launcher_lifecycle.c
 *	  How the launcher starts, resumes what an earlier launcher left,
 *	  waits for its extension, and stops.
 *
 * Everything the launcher knows is in the catalog or in shared memory, so
 * when it dies it is simply restarted (bgw_restart_time): it adopts the runs
 * still in flight, closes the runs a crash interrupted (marked failed,
 * "server restarted"), and picks each job up where its history ends
 * (launcher_jobs.c).  A closing that fails is tried again later rather than
 * ending the launcher.
 *
 * Its session ignores the defaults a DBA set on its database or role
 * (launcher_force_session_settings).  An extension that was dropped is a
 * state, not an error: the launcher stops its runs and waits for CREATE
 * EXTENSION (launcher_wait_for_extension), then resumes as after a start.
 *
 * At a SIGTERM between iterations it stops gently (launcher_stop): it waits
 * a moment for the runs in flight and records what ended, so that nothing
 * is left 'starting' for the next start to guess about.
 *
 * This file owns the launcher's signal handling, its session settings and
 * the state of closing interrupted runs.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xlog.h"
#include "access/xlogrecovery.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/proc.h"
#include "tcop/tcopprot.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "catalog.h"
#include "guc.h"
#include "launcher_lifecycle.h"
#include "launcher_runs.h"
#include "launcher_slots.h"
#include "launcher_xact.h"
#include "shmem.h"

/* A housekeeping write that failed is tried again this much later. */
#define BEAT_RETRY_HOUSEKEEPING	(10 * USECS_PER_SEC)

/* At a shutdown, how long the launcher waits for its runs to end. */
#define BEAT_STOP_GRACE		(500 * 1000)

/*
 * Close the runs a crash interrupted, except those still in flight.
 */
typedef struct LauncherCloseArgs
{
	int64	   *keep;
	int			nkeep;
	uint64		closed;
} LauncherCloseArgs;

static MemoryContext launcher_scratch = NULL;

/* runs a restart interrupted are still open: their closing failed */
static bool launcher_interrupted_open = false;
static TimestampTz launcher_interrupted_retry = 0;

/* SIGTERM: stop gently (launcher_stop), if it comes between iterations */
static volatile sig_atomic_t launcher_may_stop_gently = false;
static volatile sig_atomic_t launcher_stop_requested = false;

static void launcher_handle_sigterm(SIGNAL_ARGS);
static void launcher_detach_shmem(int code, Datum arg);
static void launcher_force_session_settings(void);
static void launcher_close_interrupted_xact(void *arg);
static void launcher_close_interrupted(TimestampTz now);
static void launcher_check_extension_xact(void *arg);
static void launcher_wait_for_extension(uint64 *generation);
static TimestampTz launcher_stop_runs_unrecorded(TimestampTz now);
static void launcher_stop(void);

/* ----------------------------------------------------------------
 * Startup
 * ----------------------------------------------------------------
 */

/* Waiting for the extension and stopping work in scratch, which is reset. */
void
launcher_lifecycle_init(MemoryContext scratch)
{
	launcher_scratch = scratch;
}

/*
 * Become the launcher: signal handlers, the launcher's place in shared
 * memory, the connection to cron.database_name and the session's settings.
 */
void
launcher_startup(void)
{
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
}

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

/*
 * cron.log_min_messages is the launcher's log_min_messages, as in pg_cron:
 * how chatty the launcher is, without touching the rest of the server.
 */
void
launcher_apply_log_level(void)
{
	const char *level = GetConfigOption("cron.log_min_messages", false, false);

	SetConfigOption("log_min_messages", level, PGC_SUSET, PGC_S_OVERRIDE);
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

/*
 * At a start, and when the extension was created again: wait for the
 * extension (*generation is then the catalog generation read before it was
 * found), adopt the runs an earlier launcher left in flight, and close the
 * runs a restart interrupted.
 */
void
launcher_resume(uint64 *generation)
{
	launcher_wait_for_extension(generation);
	launcher_adopt_slots();
	launcher_close_interrupted(GetCurrentTimestamp());
}

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

	a.keep = palloc(sizeof(int64) * beat_shared->nslots);
	a.nkeep = launcher_slots_runids(a.keep);
	a.closed = 0;

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

/* Try again to close the interrupted runs, if that failed and it is time. */
void
launcher_retry_close_interrupted(TimestampTz now)
{
	if (launcher_interrupted_open && now >= launcher_interrupted_retry)
		launcher_close_interrupted(now);
}

/* ----------------------------------------------------------------
 * The extension dropped, and created again
 * ----------------------------------------------------------------
 */

/*
 * The extension was dropped: every job is gone (the load that found it
 * cancelled their runs), and so is every run waiting to start.  The launcher
 * then waits for CREATE EXTENSION, stopping its runs meanwhile, and writes
 * nothing: there is nothing to write to.
 */
void
launcher_extension_gone(TimestampTz now)
{
	ereport(LOG,
			(errmsg("pg_beat: extension \"pg_beat\" was dropped"),
			 errdetail("Its runs in flight are stopped, and the launcher waits for CREATE EXTENSION pg_beat.")));

	launcher_cancel_all_runs(BEAT_CANCEL_UNSCHEDULED, now);

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
	TimestampTz next;

	(void) launcher_collect_outcomes(&recorded, &done, now);
	launcher_mark_recorded(recorded);
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
 * bypass that.  *generation is the catalog generation read before the
 * check that found it.
 */
static void
launcher_wait_for_extension(uint64 *generation)
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
		*generation = pg_atomic_read_u64(&beat_shared->catalog_generation);
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
 * The launcher is about to sleep: a SIGTERM from now on stops it gently,
 * and one that came already does so now.
 */
void
launcher_enter_gentle_stop(void)
{
	launcher_may_stop_gently = true;
	if (launcher_stop_requested)
		launcher_stop();
}

/* The launcher woke: stop if asked to, else go back to work. */
void
launcher_leave_gentle_stop(void)
{
	if (launcher_stop_requested)
		launcher_stop();
	launcher_may_stop_gently = false;
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

	for (;;)
	{
		TimestampTz now = GetCurrentTimestamp();

		if (!launcher_slots_in_flight() || now >= deadline)
			break;
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 Max(1, TimestampDifferenceMilliseconds(now, deadline)),
						 PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
	}

	/* from here on, a SIGTERM ends the launcher at once */
	launcher_may_stop_gently = false;

	/* runs that waited for a worker never began */
	launcher_slots_end_awaiting();

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
