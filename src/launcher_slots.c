/*-------------------------------------------------------------------------
 *
 * launcher_slots.c
 *	  The launcher's run slots: pooled sessions, starting a run's worker,
 *	  waiting for background workers, stopping runs, and collecting what
 *	  the runs report.
 *
 * cron.max_running_jobs run slots live in shared memory (shmem.h): a run's
 * worker (executor.c) reports its progress there, and the launcher learns
 * of it only there; it never waits for a run.  Beside each shared slot the
 * launcher keeps what it alone knows (LauncherSlot, private to this file).
 *
 * A slot holds a run, or a pooled session that waits for one, or nothing.
 * A session that finished a run may stay for cron.session_idle_timeout and
 * take the next run of the same database and role (pool.c): a run is given
 * such a session first, else an empty slot, else the oldest idle session of
 * another pair is asked to exit and the run waits for its slot.
 *
 * When max_worker_processes has no room for a run's worker, the run stays
 * recorded 'starting' and waits, in due order, for a worker: never recorded
 * failed for that.  Idle pooled sessions hold workers that a due run needs
 * more, so they are asked to exit first.
 *
 * A run is stopped for real (unscheduled, deactivated, replaced, cancelled
 * or timed out): its statement is cancelled, and its session terminated if
 * it is still there BEAT_CANCEL_GRACE later (launcher_enforce_deadlines).
 *
 * This file owns the launcher's side of the slots and every write to the
 * shared slots the launcher makes; launcher_runs.c decides which run takes
 * a slot, and records what launcher_collect_outcomes reports.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <signal.h>

#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "postmaster/bgworker.h"
#include "storage/dsm.h"
#include "storage/latch.h"
#include "storage/lwlock.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "catalog.h"
#include "launcher_xact.h"
#include "guc.h"
#include "launcher_jobs.h"
#include "launcher_runs.h"
#include "launcher_slots.h"
#include "shmem.h"

/*
 * A run still going this long after its command started is recorded as
 * 'running'.  Shorter runs go from 'starting' straight to their outcome:
 * two short transactions per run, each shared with the other runs of the
 * moment.
 */
#define BEAT_RUNNING_AFTER	(100 * 1000)

/*
 * A cancelled run that has not stopped after this long is terminated.  A
 * remote run waits as long for the other server to confirm its cancel
 * (remote.c), so change both together.
 */
#define BEAT_CANCEL_GRACE	(5 * USECS_PER_SEC)

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
	bool		awaiting_group; /* recorded, waits for its exclusive group */
	bool		in_history;		/* has a row in cron.job_run_details, which
								 * its outcome updates even if cron.log_run
								 * was turned off since */
	TimestampTz due;			/* when the run fell due: orders the wait */
	int64		first_runid;	/* runid of the run's first attempt */
} LauncherSlot;

static MemoryContext launcher_context = NULL;
static LauncherSlot *launcher_slots = NULL;
static int	launcher_nawaiting = 0; /* runs waiting for a background worker */
static int	launcher_ngroupwait = 0;	/* runs waiting for their group */
static bool launcher_worker_shortage = false;	/* warned, not yet over */
static TimestampTz launcher_last_shortage = 0;	/* a run last found no worker */

/* A shortage of background workers is over after this long without one. */
#define BEAT_SHORTAGE_QUIET	(10 * USECS_PER_SEC)

static inline bool launcher_slot_is_open(int slotno);
static bool launcher_session_gone(int slotno);
static void launcher_retire_session(int slotno);
static bool launcher_session_fits(int slotno, Oid database_oid,
								  Oid user_oid);
static void launcher_free_slot(int slotno);
static void launcher_release_slot(int slotno, TimestampTz now);
static bool launcher_run_never_began(const BeatRunSlot *slot);
static BeatSlotState launcher_slot_state(int slotno);
static BeatRunOutcome *launcher_running_outcome(int slotno);
static BeatRunOutcome *launcher_final_outcome(int slotno);
static void launcher_cancel_slot(int slotno, BeatCancelReason reason,
								 TimestampTz now);
static char *launcher_cancel_message(BeatCancelReason reason,
									 int64 timeout_usecs);
static char *launcher_not_begun_message(const BeatRunSlot *slot);
static dsm_segment *launcher_copy_command(const LauncherNewRun *nr,
										  bool remote);
static void launcher_publish_run(LauncherNewRun *nr, bool remote);
static void launcher_fail_start(int slotno, bool pooled,
								const char *message);
static void launcher_hand_over(int slotno);
static bool launcher_register_worker(int slotno);
static void launcher_retire_idle_sessions(void);
static void launcher_await_worker(int slotno);
static void launcher_await_group(int slotno);
static bool launcher_group_running(const char *group);
static void launcher_release_group_waits(void);
static void launcher_end_wait(int slotno);

/* The launcher's side of every run slot, empty, in cxt. */
void
launcher_slots_init(MemoryContext cxt)
{
	launcher_context = cxt;
	launcher_slots = MemoryContextAllocZero(launcher_context,
											sizeof(LauncherSlot) *
											beat_shared->nslots);
}

/* May a run take the slot: it holds neither a run nor an exiting session? */
static inline bool
launcher_slot_is_open(int slotno)
{
	return !launcher_slots[slotno].in_use && !launcher_slots[slotno].retiring;
}

/* ----------------------------------------------------------------
 * Choosing a slot; pooled sessions
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
int
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
bool
launcher_slot_open(void)
{
	int			i;

	for (i = 0; i < beat_shared->nslots; i++)
		if (launcher_slot_is_open(i))
			return true;
	return false;
}

/* How many slots hold neither a run nor an exiting session. */
int
launcher_slots_open_count(void)
{
	int			nfree = 0;
	int			i;

	for (i = 0; i < beat_shared->nslots; i++)
		if (launcher_slot_is_open(i))
			nfree++;
	return nfree;
}

/*
 * Reserve the slot (launcher_pick_slot chose it) for a run that is being
 * recorded, so that the next run takes another one.  Returns whether the
 * slot's idle session is to take the run (pooled).
 */
bool
launcher_slot_reserve(int slotno, int64 jobid, int64 runid, int64 first_runid,
					  bool in_history, TimestampTz due, bool on_failure)
{
	LauncherSlot *ls = &launcher_slots[slotno];
	bool		pooled = ls->session;

	ls->in_use = true;
	ls->session = false;
	ls->retiring = false;
	ls->jobid = jobid;
	ls->runid = runid;
	ls->first_runid = first_runid;
	ls->in_history = in_history;
	ls->due = due;
	ls->on_failure = on_failure;
	return pooled;
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
TimestampTz
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

/* ----------------------------------------------------------------
 * What the runs report
 * ----------------------------------------------------------------
 */

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
 * Look at every slot in use: runs that started get a 'running' outcome,
 * runs that ended their final outcome.  Slots whose outcome is collected
 * are listed in *done, to be freed once the outcomes are committed.
 */
List *
launcher_collect_outcomes(List **recorded, List **done, TimestampTz now)
{
	List	   *outcomes = NIL;
	int			i;

	for (i = 0; i < beat_shared->nslots; i++)
	{
		LauncherSlot *ls = &launcher_slots[i];
		BeatRunSlot *slot = &beat_shared->slots[i];
		BeatSlotState state;

		if (!ls->in_use)
			continue;

		state = launcher_slot_state(i);
		if (state == BEAT_SLOT_RUNNING && !slot->recorded_running &&
			slot->start_time + BEAT_RUNNING_AFTER <= now)
			outcomes = lappend(outcomes, launcher_running_outcome(i));
		else if (state == BEAT_SLOT_DONE && !ls->recorded)
		{
			outcomes = lappend(outcomes, launcher_final_outcome(i));
			*recorded = lappend_int(*recorded, i);
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
 * The state of the run in the slot.  A worker that died without a word (or
 * never started) ended its run: the slot is marked done, as failed.
 */
static BeatSlotState
launcher_slot_state(int slotno)
{
	LauncherSlot *ls = &launcher_slots[slotno];
	BeatRunSlot *slot = &beat_shared->slots[slotno];
	BeatSlotState state;
	pid_t		worker_pid;
	BgwHandleStatus status = BGWH_STARTED;

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
	return state;
}

/* The run in the slot has gone on long enough to be recorded 'running'. */
static BeatRunOutcome *
launcher_running_outcome(int slotno)
{
	LauncherSlot *ls = &launcher_slots[slotno];
	BeatRunSlot *slot = &beat_shared->slots[slotno];
	BeatRunOutcome *o = palloc0(sizeof(BeatRunOutcome));

	o->slotno = -1;
	o->runid = slot->runid;
	o->status = "running";
	o->in_history = ls->in_history;
	o->pid = slot->pid;
	o->start_time = slot->start_time;
	slot->recorded_running = true;
	return o;
}

/*
 * The final outcome of the run in the slot, which ended: succeeded,
 * failed, or skipped when it never began.
 */
static BeatRunOutcome *
launcher_final_outcome(int slotno)
{
	LauncherSlot *ls = &launcher_slots[slotno];
	BeatRunSlot *slot = &beat_shared->slots[slotno];
	BeatRunOutcome *o = palloc0(sizeof(BeatRunOutcome));

	o->slotno = slotno;
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

	if (beat_log_run)
		ereport(slot->succeeded ? DEBUG1 : LOG,
				(errmsg("pg_beat: job " INT64_FORMAT " run " INT64_FORMAT " %s: %s",
						slot->jobid, slot->runid, o->status,
						o->message)));
	return o;
}

/* Does the run in the slot run a job's on_failure command? */
bool
launcher_slot_runs_on_failure(int slotno)
{
	return launcher_slots[slotno].on_failure;
}

/*
 * The outcomes of these slots (from launcher_collect_outcomes) are durable:
 * never record them again.
 */
void
launcher_mark_recorded(List *recorded)
{
	ListCell   *lc;

	foreach(lc, recorded)
		launcher_slots[lfirst_int(lc)].recorded = true;
}

/*
 * Release the slots whose runs are recorded (or whose sessions are gone),
 * and let what waited on those runs go: the job's pending slot, a retry.
 */
void
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
		/* still waiting for a worker or its group: it never begins */
		if (slot->awaiting_worker || slot->awaiting_group)
		{
			slot->awaiting_worker = false;
			slot->awaiting_group = false;
			slot->end_time = GetCurrentTimestamp();
			slot->state = BEAT_SLOT_DONE;
			send = false;
		}
	}
	LWLockRelease(beat_shared->lock);
	if ((ls->awaiting_worker || ls->awaiting_group) && !send)
	{
		launcher_end_wait(slotno);
		SetLatch(MyLatch);
	}

	if (!send)
		return;
	if (pid != 0)
		kill(pid, SIGINT);
	ls->terminate_at = now + BEAT_CANCEL_GRACE;
}

void
launcher_cancel_job_runs(int64 jobid, BeatCancelReason reason, TimestampTz now)
{
	int			i;

	for (i = 0; i < beat_shared->nslots; i++)
		if (launcher_slots[i].in_use && launcher_slots[i].jobid == jobid)
			launcher_cancel_slot(i, reason, now);
}

/* Stop every run in flight. */
void
launcher_cancel_all_runs(BeatCancelReason reason, TimestampTz now)
{
	int			i;

	for (i = 0; i < beat_shared->nslots; i++)
		if (launcher_slots[i].in_use)
			launcher_cancel_slot(i, reason, now);
}

/*
 * Apply timeouts and terminate cancelled runs that did not stop.  Returns
 * the next instant at which something is due here, or DT_NOEND.
 */
TimestampTz
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
 * Start the worker of a recorded run: copy its command to shared memory,
 * publish the run in its slot, and hand it to the slot's idle session or
 * to a new background worker.  On failure the slot is marked done with the
 * reason, and the next iteration records it.
 */
void
launcher_start_run(LauncherNewRun *nr)
{
	LauncherSlot *ls = &launcher_slots[nr->slotno];
	bool		remote = !launcher_job_is_local(nr->job);

	ls->timeout_usecs = nr->job->row->timeout_usecs;
	ls->terminate_at = 0;
	ls->command_seg = launcher_copy_command(nr, remote);
	launcher_publish_run(nr, remote);

	if (ls->command_seg == NULL)
	{
		launcher_fail_start(nr->slotno, nr->pooled,
							"could not allocate shared memory for the command");
		return;
	}

	/* another run of its exclusive group goes first (never pooled) */
	if (nr->await_group)
	{
		launcher_await_group(nr->slotno);
		return;
	}

	/* an idle session of the same database and role: hand the run over */
	if (nr->pooled)
	{
		launcher_hand_over(nr->slotno);
		return;
	}

	/* runs that wait for a worker go first, in due order */
	if (launcher_nawaiting > 0 || !launcher_register_worker(nr->slotno))
		launcher_await_worker(nr->slotno);
}

/*
 * The run's command in a new DSM segment, or NULL when none can be made:
 * the command, then the failed run's JSON (empty for a normal run), then
 * for a remote run the host, database and user, each NUL-terminated.
 */
static dsm_segment *
launcher_copy_command(const LauncherNewRun *nr, bool remote)
{
	const char *command = nr->failed_run ? nr->job->row->on_failure :
		nr->job->row->command;
	size_t		len = strlen(command);
	size_t		extra = nr->failed_run ? strlen(nr->failed_run) : 0;
	const char *parts[3];
	size_t		partlen[3];
	size_t		total;
	int			i;
	dsm_segment *seg;
	char	   *dst;

	parts[0] = remote ? nr->job->row->nodename : "";
	parts[1] = remote ? nr->job->row->database : "";
	parts[2] = remote ? nr->job->row->username : "";
	total = len + 1 + extra + 1;
	for (i = 0; i < 3; i++)
	{
		partlen[i] = strlen(parts[i]);
		total += partlen[i] + 1;
	}
	seg = dsm_create(total, DSM_CREATE_NULL_IF_MAXSEGMENTS);
	if (seg == NULL)
		return NULL;

	dst = dsm_segment_address(seg);
	dsm_pin_mapping(seg);
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
	return seg;
}

/*
 * Publish the run in its shared slot, as 'starting', for its worker (new
 * generation) to find.  The slot's idle session, if the run was to go to
 * one, may have been asked to exit since we chose it (a change of roles or
 * databases, see pool.c): then a new session takes the run (nr->pooled is
 * cleared), and the old one, no longer the slot's, leaves.
 */
static void
launcher_publish_run(LauncherNewRun *nr, bool remote)
{
	LauncherSlot *ls = &launcher_slots[nr->slotno];
	BeatRunSlot *slot = &beat_shared->slots[nr->slotno];
	Latch	   *old_latch = NULL;

	LWLockAcquire(beat_shared->lock, LW_EXCLUSIVE);
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
	slot->awaiting_group = false;
	slot->runid = nr->runid;
	slot->jobid = nr->job->jobid;
	slot->database_oid = nr->database_oid;
	slot->user_oid = nr->user_oid;
	slot->scheduled_time = nr->scheduled_time;
	slot->attempt = nr->attempt;
	slot->remote = remote;
	slot->nodeport = nr->job->row->nodeport;
	/*
	 * Only a session in our database can write our tables as it commits;
	 * one in another asks us to (launcher_record_commit_requests).
	 */
	slot->track_commits = ls->in_history && !remote &&
		nr->database_oid == MyDatabaseId;
	slot->commit_via_launcher = ls->in_history && !remote &&
		nr->database_oid != MyDatabaseId && beat_catalog_is_1_2();
	slot->commit_request = BEAT_COMMIT_NONE;
	slot->commit_fxid = 0;
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
}

/*
 * The published run cannot start: it ends at once, with the message, and
 * the next iteration records it.
 */
static void
launcher_fail_start(int slotno, bool pooled, const char *message)
{
	BeatRunSlot *slot = &beat_shared->slots[slotno];

	LWLockAcquire(beat_shared->lock, LW_EXCLUSIVE);
	strlcpy(slot->message, message, BEAT_MESSAGE_SIZE);
	slot->end_time = GetCurrentTimestamp();
	/* a pooled session never saw the run: it may take the next one */
	slot->reusable = pooled;
	slot->state = BEAT_SLOT_DONE;
	LWLockRelease(beat_shared->lock);
	SetLatch(MyLatch);
}

/* Wake the slot's idle session: the published run is its to take. */
static void
launcher_hand_over(int slotno)
{
	BeatRunSlot *slot = &beat_shared->slots[slotno];
	Latch	   *latch;

	LWLockAcquire(beat_shared->lock, LW_SHARED);
	latch = slot->worker_latch;
	LWLockRelease(beat_shared->lock);
	if (latch != NULL)
		SetLatch(latch);
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

	launcher_last_shortage = GetCurrentTimestamp();
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
 * The run in the slot waits for its exclusive group: recorded 'starting',
 * it starts once no other run of the group holds a slot, in due order
 * (launcher_release_group_waits).  No polling: a run of the group that
 * ends wakes the launcher anyway.
 */
static void
launcher_await_group(int slotno)
{
	launcher_slots[slotno].awaiting_group = true;
	launcher_ngroupwait++;
	LWLockAcquire(beat_shared->lock, LW_EXCLUSIVE);
	beat_shared->slots[slotno].awaiting_group = true;
	LWLockRelease(beat_shared->lock);
}

/* The run in the slot waits no more (started, stopped, or gone). */
static void
launcher_end_wait(int slotno)
{
	LauncherSlot *ls = &launcher_slots[slotno];

	if (ls->awaiting_worker)
		launcher_nawaiting--;
	if (ls->awaiting_group)
		launcher_ngroupwait--;
	ls->awaiting_worker = false;
	ls->awaiting_group = false;
}

/*
 * Does a run of the group hold a slot, not counting the runs that wait for
 * the group?  on_failure commands are not runs of the group.
 */
static bool
launcher_group_running(const char *group)
{
	int			i;

	for (i = 0; i < beat_shared->nslots; i++)
	{
		LauncherSlot *ls = &launcher_slots[i];
		const char *g;

		if (!ls->in_use || ls->on_failure || ls->awaiting_group)
			continue;
		g = launcher_job_group(ls->jobid);
		if (g != NULL && strcmp(g, group) == 0)
			return true;
	}
	return false;
}

/*
 * Must a new run of the group wait: does a run of it hold a slot, or wait
 * for it already (those go first)?
 */
bool
launcher_slots_group_in_use(const char *group)
{
	int			i;

	for (i = 0; i < beat_shared->nslots; i++)
	{
		LauncherSlot *ls = &launcher_slots[i];
		const char *g;

		if (!ls->in_use || ls->on_failure)
			continue;
		g = launcher_job_group(ls->jobid);
		if (g != NULL && strcmp(g, group) == 0)
			return true;
	}
	return false;
}

/*
 * Let the runs whose group is free go, oldest due first, one per group:
 * each then waits for a background worker as any run does (and gets one
 * at once when one is free).  A run stopped while it waited never began.
 */
static void
launcher_release_group_waits(void)
{
	while (launcher_ngroupwait > 0)
	{
		int			best = -1;
		int			i;
		BeatRunSlot *slot;

		for (i = 0; i < beat_shared->nslots; i++)
		{
			LauncherSlot *ls = &launcher_slots[i];
			const char *g;

			if (!ls->in_use || !ls->awaiting_group)
				continue;
			if (best >= 0 &&
				(ls->due > launcher_slots[best].due ||
				 (ls->due == launcher_slots[best].due &&
				  ls->runid > launcher_slots[best].runid)))
				continue;
			g = launcher_job_group(ls->jobid);
			if (g != NULL && launcher_group_running(g))
				continue;
			best = i;
		}
		if (best < 0)
			break;

		slot = &beat_shared->slots[best];
		launcher_end_wait(best);
		launcher_slots[best].awaiting_worker = true;
		launcher_nawaiting++;
		LWLockAcquire(beat_shared->lock, LW_EXCLUSIVE);
		slot->awaiting_group = false;
		slot->awaiting_worker = true;
		LWLockRelease(beat_shared->lock);
	}
}

/*
 * Start the runs that wait for a background worker, oldest due first, as
 * far as workers are free, after letting go the runs whose exclusive group
 * is free.  A run stopped while it waited never began: it ends at once
 * (recorded skipped).  Returns true while some still wait for a worker.
 */
bool
launcher_start_awaiting(void)
{
	launcher_release_group_waits();
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
			launcher_last_shortage = GetCurrentTimestamp();
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

	/* the episode is over once no run has had to wait for a while */
	if (launcher_nawaiting == 0 && launcher_worker_shortage &&
		GetCurrentTimestamp() >= launcher_last_shortage + BEAT_SHORTAGE_QUIET)
	{
		launcher_worker_shortage = false;
		ereport(LOG,
				(errmsg("pg_beat: background workers are free again, no run waits for one")));
	}
	return launcher_nawaiting > 0;
}

/* How many runs of the job hold a slot (in flight, or ending)? */
int
launcher_slots_job_runs(int64 jobid)
{
	int			n = 0;
	int			i;

	for (i = 0; i < beat_shared->nslots; i++)
		if (launcher_slots[i].in_use && launcher_slots[i].jobid == jobid)
			n++;
	return n;
}

/* Do runs wait for a background worker? */
bool
launcher_runs_await_workers(void)
{
	return launcher_nawaiting > 0;
}

/*
 * When a shortage of background workers that no run waits on any more is
 * due to be reported over, or DT_NOEND.
 */
TimestampTz
launcher_worker_shortage_ends(void)
{
	if (!launcher_worker_shortage || launcher_nawaiting > 0)
		return DT_NOEND;
	return launcher_last_shortage + BEAT_SHORTAGE_QUIET;
}

/* ----------------------------------------------------------------
 * Startup and stopping
 * ----------------------------------------------------------------
 */

/*
 * Runs still in flight from an earlier launcher (after an error restart;
 * after a crash, shared memory is new and empty).
 */
void
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
		if (slot->awaiting_worker || slot->awaiting_group)
		{
			slot->awaiting_worker = false;
			slot->awaiting_group = false;
			slot->end_time = GetCurrentTimestamp();
			slot->state = BEAT_SLOT_DONE;
		}
	}
	LWLockRelease(beat_shared->lock);
}

/* The runids of the runs in flight, into runids; returns how many. */
int
launcher_slots_runids(int64 *runids)
{
	int			n = 0;
	int			i;

	for (i = 0; i < beat_shared->nslots; i++)
		if (launcher_slots[i].in_use)
			runids[n++] = launcher_slots[i].runid;
	return n;
}

/*
 * Is a run still in flight: not ended, not recorded, its session still
 * there?
 */
bool
launcher_slots_in_flight(void)
{
	bool		in_flight = false;
	int			i;

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
	return in_flight;
}

/* At a shutdown: the runs that waited for a worker never began. */
void
launcher_slots_end_awaiting(void)
{
	int			i;

	for (i = 0; i < beat_shared->nslots; i++)
	{
		BeatRunSlot *slot = &beat_shared->slots[i];

		LWLockAcquire(beat_shared->lock, LW_EXCLUSIVE);
		if (launcher_slots[i].in_use &&
			(slot->awaiting_worker || slot->awaiting_group))
		{
			slot->awaiting_worker = false;
			slot->awaiting_group = false;
			slot->end_time = GetCurrentTimestamp();
			slot->state = BEAT_SLOT_DONE;
		}
		LWLockRelease(beat_shared->lock);
	}
}

/* ----------------------------------------------------------------
 * Final commits of sessions in other databases
 * ----------------------------------------------------------------
 */

typedef struct LauncherCommitRequests
{
	int			n;
	int		   *slotnos;
	uint32	   *generations;
	int64	   *runids;
	uint64	   *fxids;
} LauncherCommitRequests;

static void
launcher_record_commit_requests_xact(void *arg)
{
	LauncherCommitRequests *r = arg;

	beat_catalog_record_final_commits(r->runids, r->fxids, r->n);
}

/*
 * Record the final commits that sessions in other databases wait to make
 * (run_commits.c), in a short transaction of their own, and let the
 * sessions commit: recorded, or declined when the write failed.
 */
void
launcher_record_commit_requests(void)
{
	LauncherCommitRequests r;
	bool		recorded;
	int			i;

	/*
	 * A hint read without the lock: the session sets it under the lock and
	 * then our latch, and the latch's barriers make it visible to the
	 * iteration that wakes.
	 */
	if (!beat_shared->commit_requests)
		return;

	r.n = 0;
	r.slotnos = palloc(sizeof(int) * beat_shared->nslots);
	r.generations = palloc(sizeof(uint32) * beat_shared->nslots);
	r.runids = palloc(sizeof(int64) * beat_shared->nslots);
	r.fxids = palloc(sizeof(uint64) * beat_shared->nslots);

	LWLockAcquire(beat_shared->lock, LW_EXCLUSIVE);
	beat_shared->commit_requests = false;
	for (i = 0; i < beat_shared->nslots; i++)
	{
		BeatRunSlot *slot = &beat_shared->slots[i];

		if (slot->commit_request != BEAT_COMMIT_PENDING)
			continue;
		r.slotnos[r.n] = i;
		r.generations[r.n] = slot->generation;
		r.runids[r.n] = slot->runid;
		r.fxids[r.n] = slot->commit_fxid;
		r.n++;
	}
	LWLockRelease(beat_shared->lock);
	if (r.n == 0)
		return;

	recorded = beat_catalog_is_1_2() &&
		launcher_guarded_xact(launcher_record_commit_requests_xact, &r,
							  "record the final commits of runs in other databases");

	LWLockAcquire(beat_shared->lock, LW_EXCLUSIVE);
	for (i = 0; i < r.n; i++)
	{
		BeatRunSlot *slot = &beat_shared->slots[r.slotnos[i]];

		if (slot->generation != r.generations[i] ||
			slot->commit_request != BEAT_COMMIT_PENDING ||
			slot->commit_fxid != r.fxids[i])
			continue;
		slot->commit_request = recorded ? BEAT_COMMIT_RECORDED :
			BEAT_COMMIT_DECLINED;
		if (slot->worker_latch != NULL)
			SetLatch(slot->worker_latch);
	}
	LWLockRelease(beat_shared->lock);
}
