/*-------------------------------------------------------------------------
 *
 * launcher_runs.c
 *	  Recording runs: which due run takes a slot, the owner checks, the rows
 *	  of cron.job_run_details, outcomes, retries, and what follows a final
 *	  failure.
 *
 * A run is recorded, under the unique constraint on (jobid, scheduled_time,
 * attempt), before its worker starts, so no restart, crash or race can run a
 * slot twice.  All the writes of one launcher iteration share ONE
 * transaction (launcher.c), each isolated from the others
 * (launcher_isolate): a bad row costs only itself.
 *
 * Runs come from the ready heap (launcher_jobs.c) and from the extra runs
 * kept here: cron.run_job requests, retries of failed runs, and on_failure
 * commands.  The extra runs go first.  Each run's owner is checked again
 * (the role may have been dropped, lost LOGIN or CONNECT, or become a
 * superuser) and a refused run is recorded with the reason.
 *
 * A failed run is retried after retry_delay, doubled for every attempt made
 * so far, at most an hour, while the job has attempts left
 * (launcher_retry_delay).  After the final failed attempt the failure is
 * announced (launcher_announce.c) and the job's on_failure command queued.
 * A run stopped on purpose is neither retried nor announced.
 *
 * This file owns the extra runs and the policy of recording and retrying;
 * the slots the runs take are launcher_slots.c's.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <unistd.h>

#include "access/htup_details.h"
#include "access/xlog.h"
#include "catalog/namespace.h"
#include "catalog/pg_authid.h"
#include "commands/dbcommands.h"
#include "commands/sequence.h"
#include "postmaster/postmaster.h"
#include "utils/acl.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "catalog.h"
#include "compat.h"
#include "guc.h"
#include "launcher_announce.h"
#include "launcher_jobs.h"
#include "launcher_runs.h"
#include "launcher_slots.h"
#include "launcher_xact.h"
#include "shmem.h"

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
	int64		after_seq;		/* dependent job: outcomes the run takes */
} LauncherRecord;

static MemoryContext launcher_context = NULL;
static List *launcher_extra = NIL;	/* of LauncherExtraRun, in launcher_context */

static bool launcher_check_owner(LauncherJob *job, bool remote,
								 Oid *database_oid, Oid *user_oid,
								 char **reason, const char **status);
static const char *launcher_node_name(LauncherJob *job);
static void launcher_record_refused_one(void *arg);
static void launcher_record_refused(LauncherJob *job, int64 runid,
									TimestampTz slot, int32 attempt,
									int64 retry_of, const char *status,
									const char *message, int64 after_seq);
static void launcher_record_start_one(void *arg);
static int64 launcher_record_start(LauncherJob *job, int64 runid,
								   TimestampTz slot, int32 attempt,
								   int64 retry_of, int64 after_seq);
static LauncherNewRun *launcher_record_one(LauncherJob *job, int64 runid,
										   TimestampTz slot_time,
										   int32 attempt, int64 retry_of,
										   const char *failed_run,
										   int64 after_seq, bool *no_slot);
static bool launcher_group_busy(LauncherJob *job);
static BeatFinalOutcome launcher_final_kind(const BeatRunOutcome *o);
static List *launcher_record_extra_runs(List *newruns, TimestampTz now);
static List *launcher_record_ready_runs(List *newruns);
static void launcher_add_extra(int64 jobid, int64 runid, TimestampTz slot,
							   int32 attempt, TimestampTz due);
static int64 launcher_retry_delay(LauncherJob *job, int32 attempt);
static bool launcher_will_retry(int64 jobid, int32 attempt,
								BeatCancelReason reason);
static bool launcher_stopped_on_purpose(BeatCancelReason reason);
static void launcher_final_failure(LauncherJob *job, int64 runid,
								   TimestampTz scheduled_time, int32 attempt,
								   const BeatRunOutcome *o);
static void launcher_record_outcome(void *arg);

/* Extra runs and the node name are kept in cxt. */
void
launcher_runs_init(MemoryContext cxt)
{
	launcher_context = cxt;
}

/* ----------------------------------------------------------------
 * Checking and recording runs
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
	{
		/* this slot was recorded already: its outcomes were taken */
		if (rec->after_seq != 0)
			beat_catalog_note_progress(job->jobid, 0, rec->after_seq);
		return;
	}
	memset(&o, 0, sizeof(o));
	o.runid = runid;
	o.status = rec->status;
	o.message = rec->message;
	o.start_time = now;
	o.end_time = now;
	beat_catalog_update_run(&o);
	beat_catalog_update_stats(job->jobid, rec->status, now, now, rec->slot,
							  strcmp(rec->status, "failed") == 0 ?
							  BEAT_FINAL_FAILURE : BEAT_FINAL_NONE);
	if (rec->after_seq != 0)
		beat_catalog_note_progress(job->jobid, 0, rec->after_seq);
	if (strcmp(rec->status, "failed") == 0)
		launcher_dependents_changed();

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
						const char *message, int64 after_seq)
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
	rec.after_seq = after_seq;
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

	/*
	 * What the history does not say, the job's progress does, in this same
	 * subtransaction: the slot of a run without a row, and the upstream
	 * outcomes a dependent run takes (a slot recorded already took them
	 * too), and a retry without a row.
	 */
	if ((!beat_log_run && rec->slot != 0) || rec->after_seq != 0)
		beat_catalog_note_progress(rec->job->jobid,
								   beat_log_run ? 0 : rec->slot,
								   rec->after_seq);
	if (!beat_log_run && rec->retry_of != 0)
		beat_catalog_note_retry(rec->job->jobid, rec->slot, rec->retry_of,
								rec->attempt);
}

/*
 * Record a run as it starts, isolated from the other writes of the
 * transaction.  Returns its runid, or 0 when its slot was recorded already
 * or the run could not be recorded (logged): then it must not start.
 */
static int64
launcher_record_start(LauncherJob *job, int64 runid, TimestampTz slot,
					  int32 attempt, int64 retry_of, int64 after_seq)
{
	LauncherRecord rec;

	memset(&rec, 0, sizeof(rec));
	rec.job = job;
	rec.runid = runid;
	rec.slot = slot;
	rec.attempt = attempt;
	rec.retry_of = retry_of;
	rec.after_seq = after_seq;
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
					int64 after_seq, bool *no_slot)
{
	Oid			database_oid = InvalidOid;
	Oid			user_oid = InvalidOid;
	char	   *reason = NULL;
	const char *status = NULL;
	LauncherNewRun *nr;
	bool		remote = !launcher_job_is_local(job);
	int			slotno;
	TimestampTz due;
	bool		await_group;

	*no_slot = false;
	if (!launcher_check_owner(job, remote, &database_oid, &user_oid, &reason,
							  &status))
	{
		launcher_record_refused(job, runid, slot_time, attempt, retry_of,
								status, reason, after_seq);
		return NULL;
	}

	/*
	 * A pooled session is chosen by the database and role just checked, so
	 * it runs exactly as a new session of the owner would.  A run that must
	 * wait for its exclusive group takes no idle session: it would hold
	 * that session's worker for as long as it waits.
	 */
	await_group = failed_run == NULL && launcher_group_busy(job);
	slotno = launcher_pick_slot(remote || await_group ? InvalidOid :
								database_oid, user_oid);
	if (slotno < 0)
	{
		*no_slot = true;
		return NULL;
	}

	if (failed_run != NULL)
		runid = 0;				/* on_failure commands are not runs of their own */
	else
		runid = launcher_record_start(job, runid, slot_time, attempt,
									  retry_of, after_seq);
	if (runid == 0 && failed_run == NULL)
		return NULL;			/* this slot already ran (never twice), or
								 * could not be recorded (logged) */

	nr = palloc0(sizeof(LauncherNewRun));

	/* reserve the slot now so that the next run takes another one */
	due = slot_time != 0 ? slot_time : GetCurrentTimestamp();
	nr->pooled = launcher_slot_reserve(slotno, job->jobid, runid,
									   retry_of ? retry_of : runid,
									   beat_log_run && failed_run == NULL,
									   due, failed_run != NULL);
	launcher_run_started(job);

	nr->job = job;
	nr->runid = runid;
	nr->database_oid = database_oid;
	nr->user_oid = user_oid;
	nr->scheduled_time = slot_time;
	nr->attempt = attempt;
	nr->slotno = slotno;
	nr->failed_run = failed_run;
	nr->await_group = await_group;
	return nr;
}

/*
 * Must a run of the job wait for its exclusive group?  Yes while another
 * run of the group holds a slot (going, waiting for a worker, or ending),
 * or waits for the group already: those go first, in due order
 * (launcher_slots.c starts them).  on_failure commands follow no group.
 */
static bool
launcher_group_busy(LauncherJob *job)
{
	const char *group = job->row->exclusive_group;

	return group != NULL && launcher_slots_group_in_use(group);
}

/*
 * Take due runs while slots are free, check them and record them: first the
 * extra runs (asked for with cron.run_job, or retries of slots that are due
 * already), then the ready heap in due-time order.  Must run inside the
 * iteration's transaction.
 */
List *
launcher_record_new_runs(TimestampTz now)
{
	List	   *newruns = NIL;

	newruns = launcher_record_extra_runs(newruns, now);
	newruns = launcher_record_ready_runs(newruns);
	return newruns;
}

/*
 * The extra runs that are due, while slots are free.  A run of a job that
 * is still running follows the job's overlap policy, as a due slot does.
 */
static List *
launcher_record_extra_runs(List *newruns, TimestampTz now)
{
	ListCell   *lc;

	foreach(lc, launcher_extra)
	{
		LauncherExtraRun *er = lfirst(lc);
		LauncherJob *job;
		bool		no_slot;
		LauncherNewRun *nr;

		if (er->due > now)
			continue;

		job = launcher_find_job(er->jobid);
		if (job == NULL || job->deleted)
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
										"skipped: the previous run of the job was still running (overlap_policy skip)",
										0);
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
								 er->retry_of, er->failed_run, 0, &no_slot);
		if (no_slot)
			break;
		if (nr != NULL)
			newruns = lappend(newruns, nr);
		launcher_extra = foreach_delete_current(launcher_extra, lc);
	}
	return newruns;
}

/* The runs of the ready heap, oldest due first, while slots are free. */
static List *
launcher_record_ready_runs(List *newruns)
{
	LauncherJob *job;

	while ((job = launcher_ready_first()) != NULL)
	{
		TimestampTz due = job->ready_due;
		TimestampTz slot_time = job->ready_slot;
		int64		seq = job->ready_seq;
		bool		no_slot;
		LauncherNewRun *nr;

		if (!launcher_slot_open())
			break;				/* cron.max_running_jobs reached */

		launcher_ready_remove(job);
		job->ready_seq = 0;
		nr = launcher_record_one(job, 0, slot_time, 1, 0, NULL, seq,
								 &no_slot);
		if (no_slot)
		{
			/* an idle session of another role is making room */
			launcher_ready_add(job, due, slot_time);
			job->ready_seq = seq;
			break;
		}
		if (nr != NULL)
			newruns = lappend(newruns, nr);
	}
	return newruns;
}

/*
 * Record the slots that end before they start (launcher_take_due's
 * refusals: missed, or skipped by the overlap policy).
 */
void
launcher_record_refusals(List *refusals)
{
	ListCell   *lc;

	foreach(lc, refusals)
	{
		LauncherRefusal *r = lfirst(lc);

		launcher_record_refused(r->job, 0, r->slot, 1, 0, r->status,
								r->message, r->after_seq);
	}
}

/* ----------------------------------------------------------------
 * Outcomes
 * ----------------------------------------------------------------
 */

/*
 * Does the outcome end its slot, for the jobs that depend on it?  A success
 * does; a failure when no attempt is left and nobody stopped the run on
 * purpose.  Skipped runs, runs still going and on_failure commands do not.
 */
static BeatFinalOutcome
launcher_final_kind(const BeatRunOutcome *o)
{
	BeatRunSlot *slot;

	if (o->slotno < 0 || launcher_slot_runs_on_failure(o->slotno))
		return BEAT_FINAL_NONE;
	slot = &beat_shared->slots[o->slotno];
	if (strcmp(o->status, "succeeded") == 0)
		return BEAT_FINAL_SUCCESS;
	if (strcmp(o->status, "failed") == 0 &&
		!launcher_stopped_on_purpose(slot->cancel_reason) &&
		!launcher_will_retry(slot->jobid, slot->attempt, slot->cancel_reason))
		return BEAT_FINAL_FAILURE;
	return BEAT_FINAL_NONE;
}

/*
 * Write a run's outcome and fold it into its job's statistics.  The
 * statistics (and, with catalog 1.1, the final outcomes that dependent
 * jobs wait for) are kept also for a run without history row: they are
 * the job's state, which cron.log_run does not switch off.
 */
static void
launcher_record_outcome(void *arg)
{
	BeatRunOutcome *o = arg;
	BeatFinalOutcome final;

	if (o->in_history)
		beat_catalog_update_run(o);
	if (o->slotno >= 0)
	{
		final = launcher_final_kind(o);
		beat_catalog_update_stats(beat_shared->slots[o->slotno].jobid,
								  o->status, o->start_time, o->end_time,
								  beat_shared->slots[o->slotno].scheduled_time,
								  final);
		if (final != BEAT_FINAL_NONE)
			launcher_dependents_changed();
	}
}

/*
 * Record the outcomes of runs (a List of BeatRunOutcome) in the current
 * transaction, each one isolated from the others.
 */
void
launcher_record_outcomes_xact(void *arg)
{
	List	   *outcomes = (List *) arg;
	ListCell   *lc;

	foreach(lc, outcomes)
	{
		BeatRunOutcome *o = lfirst(lc);

		if (o->runid == 0 || (!o->in_history && o->slotno < 0))
			continue;
		(void) launcher_isolate(launcher_record_outcome, o,
								"record the outcome of run " INT64_FORMAT,
								o->runid);
	}
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
 * Of the outcomes just recorded (launcher_collect_outcomes), announce the
 * final failures and queue their on_failure commands: a failed run that
 * was not stopped on purpose and will not be retried.  In the transaction
 * that records them.
 */
void
launcher_record_final_failures(List *outcomes)
{
	ListCell   *lc;

	foreach(lc, outcomes)
	{
		BeatRunOutcome *o = lfirst(lc);
		BeatRunSlot *slot;

		if (o->slotno < 0 || strcmp(o->status, "failed") != 0 ||
			launcher_slot_runs_on_failure(o->slotno))
			continue;
		slot = &beat_shared->slots[o->slotno];
		if (launcher_stopped_on_purpose(slot->cancel_reason))
			continue;
		if (!launcher_will_retry(slot->jobid, slot->attempt,
								 slot->cancel_reason))
		{
			LauncherJob *job = launcher_find_job(slot->jobid);

			if (job != NULL)
				launcher_final_failure(job, slot->runid,
									   slot->scheduled_time,
									   slot->attempt, o);
		}
	}
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
	char	   *payload;

	payload = launcher_announce_failure(job->jobid, job->row, runid,
										scheduled_time, attempt, o);

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

/* ----------------------------------------------------------------
 * Extra runs: requests, retries, on_failure commands
 * ----------------------------------------------------------------
 */

/*
 * Take the cron.run_job requests out of shared memory.
 */
void
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
 * Is an extra run (cron.run_job or a retry) due by now?
 */
bool
launcher_extra_due(TimestampTz now)
{
	ListCell   *lc;

	foreach(lc, launcher_extra)
		if (((LauncherExtraRun *) lfirst(lc))->due <= now)
			return true;
	return false;
}

/* When the next extra run falls due, or DT_NOEND. */
TimestampTz
launcher_extra_next_due(void)
{
	TimestampTz next = DT_NOEND;
	ListCell   *lc;

	foreach(lc, launcher_extra)
		next = Min(next, ((LauncherExtraRun *) lfirst(lc))->due);
	return next;
}

/* Forget every extra run: requested runs, retries, on_failure commands. */
void
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
 * Queue attempt+1 of a run whose attempt failed at failed_at: a retry, due
 * launcher_retry_delay later, of the run whose first attempt is
 * first_runid.
 */
void
launcher_queue_retry(LauncherJob *job, TimestampTz slot, int32 attempt,
					 TimestampTz failed_at, int64 first_runid)
{
	launcher_add_extra(job->jobid, 0, slot, attempt + 1,
					   failed_at + launcher_retry_delay(job, attempt));
	((LauncherExtraRun *) llast(launcher_extra))->retry_of = first_runid;
}

/*
 * A run failed.  Retry it if the job has attempts left and the failure was
 * not a deliberate stop.
 */
static bool
launcher_will_retry(int64 jobid, int32 attempt, BeatCancelReason reason)
{
	LauncherJob *job = launcher_find_job(jobid);

	if (job == NULL || job->deleted || !job->row->active)
		return false;
	if (reason != BEAT_CANCEL_NONE && reason != BEAT_CANCEL_TIMEOUT)
		return false;
	return attempt <= job->row->max_retries;
}

void
launcher_after_failure(int64 jobid, TimestampTz slot, int32 attempt,
					   int64 first_runid, BeatCancelReason reason,
					   TimestampTz now)
{
	if (!launcher_will_retry(jobid, attempt, reason))
		return;
	launcher_queue_retry(launcher_find_job(jobid), slot, attempt, now,
						 first_runid);
}
