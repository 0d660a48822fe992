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
 * back to sleep.  A backend that changes cron.job (the statement trigger) or
 * creates or drops the extension sets a flag; at commit, an xact callback
 * bumps catalog_generation and sets the launcher's latch.  The launcher
 * compares the generation with the one it loaded, so a wake for any other
 * reason costs it nothing.
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
		beat_shared->nslots = beat_max_running_jobs;
	}
	LWLockRelease(AddinShmemInitLock);
}

/*
 * Creating or dropping the extension changes what the launcher must do, but
 * fires no trigger on cron.job: notice it here.
 */
static void
beat_object_access(ObjectAccessType access, Oid classId, Oid objectId,
				   int subId, void *arg)
{
	if (beat_prev_object_access_hook)
		beat_prev_object_access_hook(access, classId, objectId, subId, arg);

	if (classId == ExtensionRelationId &&
		(access == OAT_POST_CREATE || access == OAT_DROP))
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

	LWLockAcquire(beat_shared->lock, LW_SHARED);
	latch = beat_shared->launcher_latch;
	if (latch != NULL)
		SetLatch(latch);
	LWLockRelease(beat_shared->lock);
}

/*
 * Tell the launcher when the current transaction commits.
 */
void
beat_wake_launcher_at_commit(void)
{
	beat_wake_at_commit = true;
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
				beat_wake_at_commit = false;
				beat_wake_launcher();
			}
			break;
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_ABORT:
			beat_wake_at_commit = false;
			list_free_deep(beat_pending_requests);
			beat_pending_requests = NIL;
			break;
		default:
			break;
	}
}

/*
 * A change rolled back to a savepoint may still leave other changes of the
 * transaction; waking the launcher for nothing is harmless, so the flag
 * simply survives subtransaction aborts.
 */
void
beat_register_xact_callbacks(void)
{
	RegisterXactCallback(beat_xact_callback, NULL);
}
