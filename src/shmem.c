/*-------------------------------------------------------------------------
 *
 * shmem.c
 *	  pg_beat's shared memory and the "wake the launcher" protocol.
 *
 * The shared area holds the launcher's latch, a generation counter of the
 * job catalog and one slot per run in flight (cron.max_running_jobs of
 * them).  It is sized at postmaster start, so it never moves.
 *
 * Catalog changes wake the launcher after the changing transaction commits,
 * never before: a launcher woken earlier would read the old catalog and go
 * back to sleep.  A backend that changes rows of cron.job (the row trigger)
 * remembers their jobids; one that truncates cron.job or creates or drops
 * the extension asks for a reload of every job.  At commit, an xact callback
 * appends the jobids to a bounded queue in shared memory (or, when they do
 * not fit, marks it "reload everything"), then bumps catalog_generation and
 * sets the launcher's latch.  An aborted transaction hands over nothing.
 * The launcher compares the generation with the one it loaded, and only
 * then takes the queue, so a wake for any other reason costs it nothing and
 * a change committed while it loads wakes it again.  With a hundred thousand
 * jobs, reloading the one job a cron.schedule() changed instead of all of
 * them is what keeps the launcher's cost per commit flat.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/objectaccess.h"
#include "catalog/pg_extension.h"
#include "miscadmin.h"
#include "storage/ipc.h"
#include "storage/shmem.h"
#include "utils/memutils.h"

#include "guc.h"
#include "shmem.h"

BeatShared *beat_shared = NULL;

static shmem_request_hook_type beat_prev_shmem_request_hook = NULL;
static shmem_startup_hook_type beat_prev_shmem_startup_hook = NULL;
static object_access_hook_type beat_prev_object_access_hook = NULL;

/* Set when this transaction changed something the launcher caches. */
static bool beat_wake_at_commit = false;

/*
 * What this transaction changed in cron.job, handed over at commit: either
 * "everything" or the jobids of the rows it wrote (kept in TopMemoryContext,
 * at most BEAT_MAX_CHANGED_JOBS of them; more make it "everything").
 */
static bool beat_reload_all_at_commit = false;
static bool beat_jobs_changed = false;	/* rows of cron.job, not the extension */
static int64 *beat_changed_jobs = NULL;
static int	beat_nchanged = 0;
static int	beat_changed_capacity = 0;

/* cron.run_job() requests of this transaction, handed over at commit. */
static List *beat_pending_requests = NIL;

static Size
beat_shmem_size(void)
{
	return add_size(offsetof(BeatShared, slots),
					mul_size(beat_max_running_jobs, sizeof(BeatRunSlot)));
}

static void
beat_shmem_request(void)
{
	if (beat_prev_shmem_request_hook)
		beat_prev_shmem_request_hook();

	RequestAddinShmemSpace(beat_shmem_size());
	RequestNamedLWLockTranche("pg_beat", 1);
}

static void
beat_shmem_startup(void)
{
	bool		found;

	if (beat_prev_shmem_startup_hook)
		beat_prev_shmem_startup_hook();

	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	beat_shared = ShmemInitStruct("pg_beat", beat_shmem_size(), &found);
	if (!found)
	{
		memset(beat_shared, 0, beat_shmem_size());
		beat_shared->lock = &(GetNamedLWLockTranche("pg_beat"))->lock;
		pg_atomic_init_u64(&beat_shared->catalog_generation, 1);
		pg_atomic_init_u64(&beat_shared->pool_generation, 0);
		pg_atomic_init_u32(&beat_shared->wake_pending, 0);
		/* monitoring figures (metrics.c); zero means "not yet" */
		SpinLockInit(&beat_shared->metrics.mutex);
		pg_atomic_init_u32(&beat_shared->metrics.runs_waiting_for_slot, 0);
		beat_shared->nslots = beat_max_running_jobs;
	}
	LWLockRelease(AddinShmemInitLock);
}

/*
 * Creating, dropping or updating (ALTER EXTENSION ... UPDATE, which changes
 * the catalog's columns) the extension changes what the launcher must do,
 * but fires no trigger on cron.job: notice it here.
 */
static void
beat_object_access(ObjectAccessType access, Oid classId, Oid objectId,
				   int subId, void *arg)
{
	if (beat_prev_object_access_hook)
		beat_prev_object_access_hook(access, classId, objectId, subId, arg);

	if (classId == ExtensionRelationId &&
		(access == OAT_POST_CREATE || access == OAT_DROP ||
		 access == OAT_POST_ALTER))
	{
		/*
		 * The new extension's row may not be visible to a catalog lookup
		 * yet, so do not look up its name: a needless wake is cheap.
		 */
		beat_wake_launcher_at_commit();
	}
}

void
beat_shmem_init_hooks(void)
{
	beat_prev_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = beat_shmem_request;
	beat_prev_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = beat_shmem_startup;
	beat_prev_object_access_hook = object_access_hook;
	object_access_hook = beat_object_access;
}

/*
 * Tell the launcher the catalog changed, now.
 */
void
beat_wake_launcher(void)
{
	Latch	   *latch;

	if (beat_shared == NULL)
		return;

	pg_atomic_fetch_add_u64(&beat_shared->catalog_generation, 1);

	/* the launcher was told already and has not loaded since */
	if (pg_atomic_exchange_u32(&beat_shared->wake_pending, 1) != 0)
		return;

	LWLockAcquire(beat_shared->lock, LW_SHARED);
	latch = beat_shared->launcher_latch;
	if (latch != NULL)
		SetLatch(latch);
	LWLockRelease(beat_shared->lock);
}

/*
 * Make the launcher reload every job when the current transaction commits:
 * for changes that no row trigger describes.
 */
void
beat_wake_launcher_at_commit(void)
{
	beat_wake_at_commit = true;
	beat_reload_all_at_commit = true;
}

/*
 * The current transaction emptied cron.job (TRUNCATE): reload every job
 * when it commits.
 */
void
beat_all_jobs_changed_at_commit(void)
{
	beat_wake_launcher_at_commit();
	beat_jobs_changed = true;
}

/*
 * Make the launcher reload job 'jobid' when the current transaction commits.
 * Called by the row trigger for every row written, so it must stay cheap:
 * a job written twice in a row (cron.alter_job after cron.schedule) is
 * remembered once, and past the size of the shared queue the transaction
 * simply asks for a full reload.
 */
void
beat_job_changed_at_commit(int64 jobid)
{
	beat_wake_at_commit = true;
	beat_jobs_changed = true;
	if (beat_reload_all_at_commit)
		return;
	if (beat_nchanged > 0 && beat_changed_jobs[beat_nchanged - 1] == jobid)
		return;
	if (beat_nchanged >= BEAT_MAX_CHANGED_JOBS)
	{
		beat_reload_all_at_commit = true;
		return;
	}
	if (beat_nchanged >= beat_changed_capacity)
	{
		int			newcap = Max(16, beat_changed_capacity * 2);

		newcap = Min(newcap, BEAT_MAX_CHANGED_JOBS);
		if (beat_changed_jobs == NULL)
			beat_changed_jobs = MemoryContextAlloc(TopMemoryContext,
												   newcap * sizeof(int64));
		else
			beat_changed_jobs = repalloc(beat_changed_jobs,
										 newcap * sizeof(int64));
		beat_changed_capacity = newcap;
	}
	beat_changed_jobs[beat_nchanged++] = jobid;
}

/* Forget what this transaction changed: it ended, one way or the other. */
static void
beat_reset_changes(void)
{
	beat_wake_at_commit = false;
	beat_reload_all_at_commit = false;
	beat_jobs_changed = false;
	beat_nchanged = 0;
}

/*
 * Hand this transaction's changes to the launcher; called at commit, before
 * the generation is bumped.  Nothing here may fail: the transaction has
 * already committed.
 */
static void
beat_push_changes(void)
{
	LWLockAcquire(beat_shared->lock, LW_EXCLUSIVE);
	if (!beat_shared->reload_all)
	{
		if (beat_reload_all_at_commit ||
			beat_shared->nchanged + beat_nchanged > BEAT_MAX_CHANGED_JOBS)
			beat_shared->reload_all = true;
		else if (beat_nchanged > 0)
		{
			memcpy(&beat_shared->changed_jobs[beat_shared->nchanged],
				   beat_changed_jobs, beat_nchanged * sizeof(int64));
			beat_shared->nchanged += beat_nchanged;
		}
	}
	LWLockRelease(beat_shared->lock);
}

/*
 * The launcher takes the catalog changes committed since it last did, after
 * it has read catalog_generation.  Returns true when it must reload every
 * job; else copies the changed jobids (possibly repeated, possibly none)
 * into jobids, which has room for BEAT_MAX_CHANGED_JOBS, and sets *njobids.
 */
bool
beat_take_catalog_changes(int64 *jobids, int *njobids)
{
	bool		reload_all;

	LWLockAcquire(beat_shared->lock, LW_EXCLUSIVE);
	reload_all = beat_shared->reload_all;
	*njobids = reload_all ? 0 : beat_shared->nchanged;
	if (*njobids > 0)
		memcpy(jobids, beat_shared->changed_jobs, *njobids * sizeof(int64));
	beat_shared->reload_all = false;
	beat_shared->nchanged = 0;
	LWLockRelease(beat_shared->lock);

	return reload_all;
}

/*
 * Ask the launcher to run a job once the current transaction commits: a
 * cron.run_job() in a transaction that rolls back runs nothing.  The queue
 * is checked for room now, so that the caller gets the error.
 */
void
beat_request_run_at_commit(int64 jobid, int64 runid)
{
	BeatRunRequest *req;
	MemoryContext oldcontext;
	int			used;

	LWLockAcquire(beat_shared->lock, LW_SHARED);
	used = beat_shared->nrequests;
	LWLockRelease(beat_shared->lock);
	if (used + list_length(beat_pending_requests) >= BEAT_MAX_RUN_REQUESTS)
		ereport(ERROR,
				(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
				 errmsg("too many cron.run_job() requests are waiting"),
				 errdetail("At most %d requests may wait for the launcher.",
						   BEAT_MAX_RUN_REQUESTS),
				 errhint("Try again once the launcher has caught up.")));

	oldcontext = MemoryContextSwitchTo(TopMemoryContext);
	req = palloc(sizeof(BeatRunRequest));
	req->jobid = jobid;
	req->runid = runid;
	beat_pending_requests = lappend(beat_pending_requests, req);
	MemoryContextSwitchTo(oldcontext);
}

static void
beat_push_requests(void)
{
	ListCell   *lc;

	LWLockAcquire(beat_shared->lock, LW_EXCLUSIVE);
	foreach(lc, beat_pending_requests)
	{
		BeatRunRequest *req = lfirst(lc);

		/* room was checked when the request was made; a race can still lose */
		if (beat_shared->nrequests < BEAT_MAX_RUN_REQUESTS)
			beat_shared->requests[beat_shared->nrequests++] = *req;
		else
			ereport(WARNING,
					(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
					 errmsg("pg_beat: run request queue is full, run " INT64_FORMAT " of job " INT64_FORMAT " was dropped",
							req->runid, req->jobid),
					 errhint("Call cron.run_job() for fewer jobs in one transaction.")));
	}
	LWLockRelease(beat_shared->lock);
	list_free_deep(beat_pending_requests);
	beat_pending_requests = NIL;
}

static void
beat_xact_callback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_PARALLEL_COMMIT:
			if (beat_pending_requests != NIL)
			{
				beat_push_requests();
				beat_wake_at_commit = true;
			}
			if (beat_wake_at_commit)
			{
				/* the queue first: the generation tells the launcher to look */
				beat_push_changes();
				beat_reset_changes();
				beat_wake_launcher();
			}
			break;
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_ABORT:
			beat_reset_changes();
			list_free_deep(beat_pending_requests);
			beat_pending_requests = NIL;
			break;
		case XACT_EVENT_PREPARE:
			/* a prepared CREATE or DROP EXTENSION: the launcher polls for it */
			beat_reset_changes();
			break;
		case XACT_EVENT_PRE_PREPARE:

			/*
			 * COMMIT PREPARED may come from another session, long after this
			 * one forgot what the transaction changed: the launcher would
			 * never hear of it.  Refuse, as PostgreSQL does for NOTIFY.
			 */
			if (beat_jobs_changed || beat_pending_requests != NIL)
				ereport(ERROR,
						(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						 errmsg("cannot PREPARE a transaction that changed pg_beat jobs or requested runs"),
						 errdetail("pg_beat hands changes to its launcher at COMMIT, which COMMIT PREPARED would bypass."),
						 errhint("Change jobs in a transaction of its own.")));
			break;
		default:
			break;
	}
}

/*
 * A change rolled back to a savepoint may still leave other changes of the
 * transaction; reloading a job that did not change is harmless (the
 * launcher keeps its timers when nothing it schedules by changed), so the
 * jobids simply survive subtransaction aborts.
 */
void
beat_register_xact_callbacks(void)
{
	RegisterXactCallback(beat_xact_callback, NULL);
}
