/*-------------------------------------------------------------------------
 *
 * launcher.c
 *	  The pg_beat launcher: decides what runs when, and records it.  This
 *	  file is its loop: the steps of one iteration, and when to wake.
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
 *	   when the queue cannot say (launcher_catch_up, launcher_load_jobs);
 *	2. it takes the jobs whose instant has come off the timer heap and
 *	   computes their next instant; a due slot becomes a run waiting in the
 *	   ready heap (ordered by due time), or, while the job's previous run is
 *	   still going, a pending run that starts when it ends (overlap policy
 *	   "queue": any number of slots coalesce into one) (launcher_take_due);
 *	3. it collects the runs that started or ended since it last looked
 *	   (launcher_collect_outcomes);
 *	4. it takes runs off the ready heap while cron.max_running_jobs allows,
 *	   checks that each owner may still run it, and records it;
 *	5. in ONE transaction it writes all of that to cron.job_run_details
 *	   (launcher_record_iteration), then starts a background worker
 *	   (executor.c) per new run (launcher_start_new_runs);
 *	6. it does its housekeeping: purging old history, the dead man's switch;
 *	7. it sleeps until the next slot, deadline, catalog change or run event
 *	   (launcher_sleep_ms).
 *
 * A run is recorded, under the unique constraint on (jobid, scheduled_time,
 * attempt), before its worker starts, so no restart, crash or race can run a
 * slot twice.  The launcher never waits for a run: it learns of progress
 * through the run slots in shared memory.  Everything it knows is in the
 * catalog or in shared memory, so when it dies it is simply restarted: it
 * adopts the runs still in flight, closes the runs a crash interrupted, and
 * picks each job up where its history ends.
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
 * The launcher's files, each owning one concern and keeping its state
 * private (static), with a header naming what the others may call:
 *
 *	launcher.c				the loop and its wake-ups (this file)
 *	launcher_jobs.c			the in-memory jobs, the timer and ready heaps,
 *							catalog loads, due slots, misfires
 *	launcher_slots.c		run slots, pooled sessions, starting workers and
 *							waiting for them, stopping runs, deadlines,
 *							collecting what the runs report
 *	launcher_runs.c			recording runs and outcomes, owner checks,
 *							requested runs, retries, on_failure
 *	launcher_announce.c		the NOTIFY payloads
 *	launcher_housekeeping.c history retention, the dead man's switch
 *	launcher_lifecycle.c	startup, restart recovery, the dropped
 *							extension, stopping
 *	launcher_xact.c			transactions and failure isolation
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/latch.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "launcher.h"
#include "launcher_housekeeping.h"
#include "launcher_jobs.h"
#include "launcher_lifecycle.h"
#include "launcher_runs.h"
#include "launcher_slots.h"
#include "launcher_xact.h"
#include "metrics.h"
#include "shmem.h"

/*
 * Catalog changes are loaded at most this often.  The first change after a
 * quiet spell is loaded at once; a stream of commits (a script scheduling
 * jobs one transaction at a time) is loaded in batches, which costs the
 * launcher one transaction per batch instead of one per commit.
 */
#define BEAT_RELOAD_GAP		(10 * 1000)

/* A load that failed is tried again this much later. */
#define BEAT_LOAD_RETRY		(1 * USECS_PER_SEC)

/* While runs wait for a background worker, look for one this often. */
#define BEAT_AWAIT_WORKER_MS	20

/* Longest sleep: the launcher re-checks settings and retention this often. */
#define BEAT_MAX_SLEEP_MS	60000

/* What one iteration of the loop found and did. */
typedef struct LauncherIteration
{
	TimestampTz now;
	TimestampTz reload_at;		/* a load put off, or DT_NOEND */
	List	   *refusals;		/* of LauncherRefusal */
	List	   *outcomes;		/* of BeatRunOutcome */
	List	   *recorded;		/* slots whose final outcome is in outcomes */
	List	   *done;			/* slots to release once that is durable */
	List	   *newruns;		/* of LauncherNewRun, recorded, to start */
	TimestampTz session_deadline;	/* next idle session timeout */
	TimestampTz run_deadline;	/* next timeout or termination */
} LauncherIteration;

static MemoryContext launcher_context = NULL;
static MemoryContext launcher_scratch = NULL;
static uint64 launcher_generation = 0;
static TimestampTz launcher_last_load = 0;

static void launcher_init(void);
static void launcher_reload_config(void);
static bool launcher_catch_up(LauncherIteration *it, bool *first);
static void launcher_take_dependents_one(void *arg);
static void launcher_record_iteration(LauncherIteration *it);
static void launcher_start_new_runs(LauncherIteration *it);
static long launcher_sleep_ms(LauncherIteration *it);
static void launcher_sleep(long sleep_ms);

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

/*
 * The launcher's main loop; each iteration takes the steps of this file's
 * header comment.
 */
void
beat_launcher_main(Datum main_arg)
{
	bool		first = true;

	launcher_init();

	for (;;)
	{
		LauncherIteration it;

		memset(&it, 0, sizeof(it));
		CHECK_FOR_INTERRUPTS();
		launcher_reload_config();
		MemoryContextReset(launcher_scratch);

		/* at a start, or once a dropped extension is back */
		if (first)
			launcher_resume(&launcher_generation);

		/* 1. the jobs, if the catalog changed */
		if (!launcher_catch_up(&it, &first))
			continue;			/* the extension was dropped: wait for it */

		MemoryContextSwitchTo(launcher_scratch);
		it.now = GetCurrentTimestamp();
		/* monitoring: a launcher that stops waking up is stuck */
		beat_metrics_wakeup(it.now);

		/* 2. due slots; a requested run of a job whose load waits, waits */
		if (it.reload_at == DT_NOEND)
			launcher_take_requests(it.now);
		launcher_take_due(it.now, &it.refusals);

		/* final commits that sessions in other databases wait to make */
		launcher_record_commit_requests();

		/* 3. runs that started or ended; idle sessions */
		it.outcomes = launcher_collect_outcomes(&it.recorded, &it.done,
												it.now);
		it.session_deadline = launcher_reap_sessions(it.now);

		/* 4 and 5. record it all, and the new runs; start their workers */
		launcher_record_iteration(&it);
		launcher_start_new_runs(&it);

		/* 6. housekeeping, timeouts */
		launcher_purge_history(it.now);
		launcher_forget_commits(it.now);
		launcher_check_overdue(it.now);
		it.run_deadline = launcher_enforce_deadlines(GetCurrentTimestamp());

		/* 7. sleep until the next slot, deadline, change or run event */
		launcher_sleep(launcher_sleep_ms(&it));
	}
}

/*
 * Become the launcher, and set up its memory: launcher_context lives as
 * long as the launcher, launcher_scratch is reset every iteration.
 */
static void
launcher_init(void)
{
	launcher_startup();

	launcher_context = AllocSetContextCreate(TopMemoryContext,
											 "pg_beat launcher",
											 ALLOCSET_DEFAULT_SIZES);
	launcher_scratch = AllocSetContextCreate(launcher_context,
											 "pg_beat launcher scratch",
											 ALLOCSET_DEFAULT_SIZES);
	MemoryContextSwitchTo(launcher_context);

	launcher_jobs_init(launcher_context, launcher_scratch);
	launcher_slots_init(launcher_context);
	launcher_runs_init(launcher_context);
	launcher_lifecycle_init(launcher_scratch);
	beat_metrics_launcher_started(GetCurrentTimestamp());

	ereport(LOG, (errmsg("pg_beat launcher started")));
}

/* A SIGHUP: read the settings again. */
static void
launcher_reload_config(void)
{
	if (!ConfigReloadPending)
		return;
	ConfigReloadPending = false;
	ProcessConfigFile(PGC_SIGHUP);
	launcher_apply_log_level();
	/* jobs without a zone follow cron.timezone */
	if (launcher_jobs_timezone_changed())
		pg_atomic_fetch_add_u64(&beat_shared->catalog_generation, 1);
}

/*
 * Step 1: bring the jobs in line with the catalog, if the generation moved
 * (and at the first iteration), at most every BEAT_RELOAD_GAP: a load put
 * off is due at it->reload_at.  Runs whose closing at startup failed are
 * closed first.  Returns false when the load found the extension dropped:
 * its runs are stopped, and the loop starts over and waits for it.
 */
static bool
launcher_catch_up(LauncherIteration *it, bool *first)
{
	uint64		generation;
	TimestampTz now;

	generation = pg_atomic_read_u64(&beat_shared->catalog_generation);
	now = GetCurrentTimestamp();
	launcher_retry_close_interrupted(now);
	it->reload_at = DT_NOEND;
	if (!*first && generation != launcher_generation &&
		now < launcher_last_load + BEAT_RELOAD_GAP)
	{
		it->reload_at = launcher_last_load + BEAT_RELOAD_GAP;
		return true;
	}
	if (!*first && generation == launcher_generation)
		return true;

	/*
	 * Re-arm the wake, then read the generation, then load: a change
	 * committed during the load wakes us again.
	 */
	(void) pg_atomic_exchange_u32(&beat_shared->wake_pending, 0);
	launcher_generation = pg_atomic_read_u64(&beat_shared->catalog_generation);
	launcher_last_load = now;
	/* a load that failed is tried again after a pause, not in a loop */
	if (!launcher_load_jobs(*first, now))
		launcher_last_load = now + BEAT_LOAD_RETRY - BEAT_RELOAD_GAP;
	if (*first)
		launcher_queue_reboot_jobs(now);
	*first = false;

	/*
	 * Dropped extension: stop its runs, then start over and wait for it.  (A
	 * load that failed leaves the state as it was.)
	 */
	if (launcher_jobs_extension_dropped())
	{
		launcher_extension_gone(now);
		*first = true;
		return false;
	}
	return true;
}

/*
 * Take the dependent jobs that are due (isolated: the transaction goes on
 * without them if it fails), and record the slots their overlap policy
 * skips.
 */
static void
launcher_take_dependents_one(void *arg)
{
	LauncherIteration *it = arg;
	List	   *refusals = NIL;

	launcher_take_dependents(it->now, &refusals);
	launcher_record_refusals(refusals);
}

/*
 * Steps 4 and 5: in one transaction, record the outcomes collected and the
 * slots refused, announce final failures, release the slots whose runs
 * ended, and take and record new runs while slots are free.  With nothing
 * to write, only the slots are released.
 */
static void
launcher_record_iteration(LauncherIteration *it)
{
	if (it->outcomes == NIL && it->refusals == NIL &&
		!launcher_dependents_dirty() && !launcher_extra_due(it->now) &&
		(launcher_ready_first() == NULL || !launcher_slot_open()))
	{
		/* outcomes are durable: never record them again */
		launcher_mark_recorded(it->recorded);
		launcher_release_done(it->done, it->now);
		return;
	}

	launcher_xact_begin();
	/* what we allocate must outlive the transaction */
	MemoryContextSwitchTo(launcher_scratch);

	launcher_record_outcomes_xact(it->outcomes);
	launcher_record_final_failures(it->outcomes);
	launcher_record_refusals(it->refusals);

	/* dependent jobs that the outcomes just recorded (or a load) made due */
	(void) launcher_isolate(launcher_take_dependents_one, it,
							"start the dependent jobs");

	/*
	 * Release the slots whose runs ended, so that their sessions take the
	 * next runs recorded in this same transaction.  Should it fail, the
	 * launcher restarts and closes the runs it did not record as
	 * interrupted.  (The slots are marked recorded before their release:
	 * they may hold new runs.)
	 */
	launcher_mark_recorded(it->recorded);
	launcher_release_done(it->done, it->now);

	it->newruns = launcher_record_new_runs(it->now);

	launcher_xact_end();
	MemoryContextSwitchTo(launcher_scratch);
}

/*
 * Step 5, once the runs are recorded: start them, after those waiting for
 * workers.
 */
static void
launcher_start_new_runs(LauncherIteration *it)
{
	ListCell   *lc;

	(void) launcher_start_awaiting();
	foreach(lc, it->newruns)
		launcher_start_run((LauncherNewRun *) lfirst(lc));
	/* monitoring: runs started (recorded, handed to a worker or session) */
	beat_metrics_runs_started(list_length(it->newruns), it->now);

	/* a freed slot may let a waiting run go at once */
	if ((it->done != NIL || it->newruns != NIL) &&
		launcher_ready_first() != NULL && launcher_slot_open())
		SetLatch(MyLatch);
}

/*
 * Step 7: how long to sleep, until the earliest of the next slot (or its
 * session's head start), a run's deadline, an extra run, an idle session's
 * timeout, a load put off, and the housekeeping.
 */
static long
launcher_sleep_ms(LauncherIteration *it)
{
	long		sleep_ms = BEAT_MAX_SLEEP_MS;
	TimestampTz deadline;
	TimestampTz wake;

	/*
	 * Workers we did not start (another extension's, parallel query's) free
	 * without telling us: look again soon while runs wait.
	 */
	if (launcher_runs_await_workers())
		sleep_ms = BEAT_AWAIT_WORKER_MS;
	sleep_ms = launcher_housekeeping_cap_sleep(sleep_ms);

	deadline = it->run_deadline;
	deadline = Min(deadline, launcher_extra_next_due());
	deadline = Min(deadline, it->session_deadline);
	deadline = Min(deadline, it->reload_at);
	/* to report a worker shortage over when it is */
	deadline = Min(deadline, launcher_worker_shortage_ends());
	/* a purge that is behind goes on between the runs */
	deadline = Min(deadline, launcher_housekeeping_next_purge());
	if (deadline != DT_NOEND)
		sleep_ms = Min(sleep_ms,
					   TimestampDifferenceMilliseconds(GetCurrentTimestamp(),
													   deadline));

	wake = launcher_jobs_next_wake();
	if (wake != DT_NOEND)
		sleep_ms = Min(sleep_ms,
					   TimestampDifferenceMilliseconds(GetCurrentTimestamp(),
													   wake));
	return sleep_ms;
}

/*
 * Sleep on the latch.  A SIGTERM that comes meanwhile stops the launcher
 * gently (launcher_lifecycle.c).
 */
static void
launcher_sleep(long sleep_ms)
{
	pgstat_report_activity(STATE_IDLE, NULL);
	launcher_enter_gentle_stop();
	if (sleep_ms > 0)
		(void) WaitLatch(MyLatch,
						 WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 sleep_ms, PG_WAIT_EXTENSION);
	ResetLatch(MyLatch);
	launcher_leave_gentle_stop();
}
