/*-------------------------------------------------------------------------
 *
 * launcher_jobs.c
 *	  The launcher's in-memory jobs: the job table, its two heaps, catalog
 *	  loads, and the slots that fall due.
 *
 * The launcher keeps every job of cron.job in a hash table, and the active
 * ones in a pairing heap (the timer heap) ordered by their next fire
 * instant, so the next due slot is found in O(log n).  A due slot becomes a
 * run waiting in the second heap (the ready heap, ordered by due time) until
 * a run slot takes it (launcher_runs.c), or, while the job's previous run
 * is still going, a pending run that starts when it ends (overlap policy
 * "queue": any number of slots coalesce into one).
 *
 * A load brings the table in line with cron.job: only the jobs committed
 * transactions wrote, as shmem.c queues them, or every job when the queue
 * cannot say.  A job whose schedule, zone and active flag did not change
 * keeps its next instant; the others start afresh, or, at the first load,
 * after the newest slot of their history.
 *
 * Slots missed while the launcher was not running (a stop, a crash, a
 * forward clock jump) coalesce and run late, once, if the first of them is
 * less than BEAT_MISFIRE_GRACE old: a restart that takes a few seconds does
 * not lose a run.  After a longer outage the job's misfire_policy decides:
 * "skip" records one skipped row, "run_once" runs once for the newest
 * missed slot.
 *
 * This file owns the job table, both heaps and the packed rows; the other
 * launcher files reach a job through launcher_find_job and read its row,
 * and change what this file owns only through the functions in
 * launcher_jobs.h.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "catalog.h"
#include "cronexpr.h"
#include "guc.h"
#include "launcher_jobs.h"
#include "launcher_runs.h"
#include "launcher_slots.h"
#include "launcher_xact.h"
#include "metrics.h"
#include "schedule.h"
#include "shmem.h"

/*
 * A run's session is started this long before its slot, when a run slot is
 * free, and waits for the instant: the command then starts on time instead
 * of a fork, a connection and a commit later.
 */
#define BEAT_PREWARM		(200 * 1000)

/* Slots this much late still run; older ones follow misfire_policy. */
#define BEAT_MISFIRE_GRACE	(BEAT_MISFIRE_GRACE_SECONDS * USECS_PER_SEC)

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
	offsetof(BeatJobRow, exclusive_group),
};

#define LAUNCHER_ROW_STRING(row, i) \
	(*(char **) ((char *) (row) + launcher_row_strings[i]))

/* A growing array of jobids, in launcher_scratch. */
typedef struct LauncherIds
{
	int64	   *ids;
	int			n;
	int			size;
} LauncherIds;

/* What launcher_apply_row needs to know of the load it belongs to. */
typedef struct LauncherLoad
{
	bool		at_startup;		/* first load: resume after the history */
	bool		timezone_changed;	/* cron.timezone changed since last load */
	TimestampTz now;
	int			nrows;			/* rows applied */
	bool		full;			/* read every job, not only nchanged */
	int			nchanged;		/* jobids in launcher_changed */
	LauncherIds anchored;		/* jobs scheduled afresh from now */
	LauncherIds dep_anchored;	/* dependent jobs new, changed or resumed */
} LauncherLoad;

static MemoryContext launcher_context = NULL;
static MemoryContext launcher_scratch = NULL;
static LauncherRows launcher_rows;	/* every job's row */
static int64 launcher_changed[BEAT_MAX_CHANGED_JOBS];	/* taken from shmem */
static HTAB *launcher_jobs = NULL;
static pairingheap *launcher_timers = NULL;
static pairingheap *launcher_ready = NULL;
static int	launcher_nready = 0;	/* jobs in launcher_ready */
static char *launcher_loaded_timezone = NULL;
static bool launcher_extension_present = false; /* as the last load found */
static bool launcher_load_failed = false;	/* the last load failed */
static bool launcher_load_startup = false;	/* ... and it was the first */
static int	launcher_overdue_jobs = 0;	/* jobs with their own overdue_after */
static int	launcher_dependent_jobs = 0;	/* jobs with an after schedule */
static bool launcher_deps_dirty = false;	/* dependents may be due */

static int	launcher_timer_compare(const pairingheap_node *a,
								   const pairingheap_node *b, void *arg);
static int	launcher_ready_compare(const pairingheap_node *a,
								   const pairingheap_node *b, void *arg);
static void launcher_timer_remove(LauncherJob *job);
static void launcher_timer_set(LauncherJob *job, TimestampTz next_fire);
static void launcher_prepare_job(LauncherJob *job);
static bool launcher_same_string(const char *a, const char *b);
static TimestampTz launcher_first_fire(LauncherJob *job, TimestampTz from);
static Size launcher_row_size(const BeatJobRow *row);
static void launcher_rows_start(LauncherRows *rows);
static BeatJobRow *launcher_pack_row(const BeatJobRow *row);
static void launcher_drop_row(BeatJobRow *row);
static bool launcher_same_row(const BeatJobRow *a, const BeatJobRow *b);
static void launcher_rows_compact(void);
static void launcher_forget_job(LauncherJob *job);
static void launcher_apply_row(const BeatJobRow *row,
							   TimestampTz last_scheduled, void *arg);
static void launcher_job_gone(LauncherJob *job, TimestampTz now);
static void launcher_load_all_jobs(LauncherLoad *load);
static int	launcher_jobid_cmp(const void *a, const void *b);
static void launcher_load_changed_jobs(LauncherLoad *load, int nchanged);
static void launcher_load_xact(void *arg);
static void launcher_note_anchor(LauncherIds *ids, int64 jobid);
static void launcher_refuse(List **refusals, LauncherJob *job,
							TimestampTz slot, const char *status,
							const char *message);
static void launcher_slot_due(LauncherJob *job, TimestampTz slot,
							  TimestampTz now, List **refusals);
static TimestampTz launcher_newest_slot(LauncherJob *job, TimestampTz slot,
										TimestampTz now);
static bool launcher_can_prewarm(LauncherJob *job, TimestampTz now);

/*
 * Create the empty job table and heaps, in cxt; loads read the retries a
 * restart interrupted into scratch.
 */
void
launcher_jobs_init(MemoryContext cxt, MemoryContext scratch)
{
	HASHCTL		ctl;

	launcher_context = cxt;
	launcher_scratch = scratch;
	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(int64);
	ctl.entrysize = sizeof(LauncherJob);
	ctl.hcxt = launcher_context;
	launcher_jobs = hash_create("pg_beat jobs", 1024, &ctl,
								HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	launcher_timers = pairingheap_allocate(launcher_timer_compare, NULL);
	launcher_ready = pairingheap_allocate(launcher_ready_compare, NULL);
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

void
launcher_ready_remove(LauncherJob *job)
{
	if (job->in_ready)
	{
		pairingheap_remove(launcher_ready, &job->ready_node);
		job->in_ready = false;
		launcher_nready--;
		beat_metrics_set_waiting_for_slot(launcher_nready); /* metrics.c */
	}
}

/*
 * Queue a run of job for slot 'slot', which fell due at 'due'.  A job waits
 * in the ready heap at most once: a second slot before it started coalesces
 * into the first (which then serves the newer slot).
 */
void
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
	beat_metrics_set_waiting_for_slot(launcher_nready); /* metrics.c */
}

/* The run that has waited longest for a run slot, or NULL. */
LauncherJob *
launcher_ready_first(void)
{
	if (pairingheap_is_empty(launcher_ready))
		return NULL;
	return pairingheap_container(LauncherJob, ready_node,
								 pairingheap_first(launcher_ready));
}

/* ----------------------------------------------------------------
 * Jobs
 * ----------------------------------------------------------------
 */

/* The job of this jobid, or NULL when the launcher does not know it. */
LauncherJob *
launcher_find_job(int64 jobid)
{
	LauncherJob *job;
	bool		found;

	job = hash_search(launcher_jobs, &jobid, HASH_FIND, &found);
	return found ? job : NULL;
}

/* Is the job run on this server (SPEC section 6)? */
bool
launcher_job_is_local(const LauncherJob *job)
{
	return beat_nodename_is_local(job->row->nodename);
}

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
	/* an after schedule has no instants: upstream outcomes start its runs */
	if (job->row->depends_outcome != BEAT_DEPENDS_NONE)
		return;
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

/* A run of the job was recorded and takes a run slot. */
void
launcher_run_started(LauncherJob *job)
{
	job->nrunning++;
}

/*
 * A run ended: let the job's pending slot, if any, go.
 */
void
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
		{
			launcher_ready_add(job, job->pending_slot, job->pending_slot);
			job->ready_seq = job->pending_seq;
		}
		job->pending_seq = 0;
	}
}

/* ----------------------------------------------------------------
 * Catalog loads
 * ----------------------------------------------------------------
 */

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
		/*
		 * Runs of the job a restarted launcher adopted are in flight: they
		 * count for its overlap policy as the runs it starts itself do.
		 */
		job->nrunning = launcher_slots_job_runs(row->jobid);
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
		if (!job->deleted && job->row->depends_outcome != BEAT_DEPENDS_NONE)
			launcher_dependent_jobs--;
	}
	if (row->has_overdue_after)
		launcher_overdue_jobs++;
	if (row->depends_outcome != BEAT_DEPENDS_NONE)
	{
		launcher_dependent_jobs++;
		/* new, changed or resumed: its upstream jobs may be done already */
		launcher_deps_dirty = true;
	}

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
		else if (job->schedulable && job->row->active)
			launcher_note_anchor(&load->anchored, job->jobid);
		/* a dependent job takes only the upstream outcomes to come */
		if (job->row->depends_outcome != BEAT_DEPENDS_NONE && job->row->active)
			launcher_note_anchor(&load->dep_anchored, job->jobid);
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
	if (!job->deleted && job->row->depends_outcome != BEAT_DEPENDS_NONE)
		launcher_dependent_jobs--;
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
			launcher_queue_retry(job, r->scheduled_time, r->attempt,
								 r->end_time, r->first_runid);
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

/*
 * The job's slots start afresh from the load's instant (a new job, a new
 * schedule, a resumed job, or one without any progress yet): remember to
 * note that instant as the job's progress (launcher_load_xact), so that a
 * restart finds the slots missed since, even before the job's first run,
 * and an interval schedule keeps its grid.  The same for a dependent job
 * new, changed or resumed: it takes only the upstream outcomes that come
 * after, never one from before it existed or while it was paused.
 */
static void
launcher_note_anchor(LauncherIds *ids, int64 jobid)
{
	if (ids->n == ids->size)
	{
		ids->size = Max(64, ids->size * 2);
		ids->ids = ids->ids == NULL ?
			MemoryContextAlloc(launcher_scratch, ids->size * sizeof(int64)) :
			repalloc(ids->ids, ids->size * sizeof(int64));
	}
	ids->ids[ids->n++] = jobid;
}

static void
launcher_load_xact(void *arg)
{
	LauncherLoad *load = arg;

	if (load->full)
		launcher_load_all_jobs(load);
	else
		launcher_load_changed_jobs(load, load->nchanged);

	/*
	 * One statement for all the jobs, after the scan's cursor is closed.  At
	 * a start, a dependent job keeps what it had (its upstream outcomes of
	 * the outage are still its to take); only one never noted is.
	 */
	if (!launcher_extension_present)
		return;
	if (load->anchored.n > 0)
		beat_catalog_note_anchors(load->anchored.ids, load->anchored.n,
								  load->now, false, false);
	if (load->dep_anchored.n > 0)
		beat_catalog_note_anchors(load->dep_anchored.ids, load->dep_anchored.n,
								  load->now, true, load->at_startup);
}

/*
 * Bring the in-memory jobs in line with cron.job.  The caller has read the
 * catalog generation; the changes are taken only now, so that a change
 * committed during the load bumps the generation again and is not missed.
 * Only the jobs committed transactions wrote are read, unless something
 * asks for every job: the first load (at_startup, which also resumes each
 * job after the newest slot of its history), an overflowing queue,
 * TRUNCATE, CREATE or DROP EXTENSION, or a new cron.timezone, which every
 * job without a zone of its own follows.  Returns false when the load
 * failed: every job is read next time, which the caller puts off a while.
 */
bool
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
	memset(&load.anchored, 0, sizeof(LauncherIds));
	memset(&load.dep_anchored, 0, sizeof(LauncherIds));
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
			return true;
	}

	load.full = full;
	load.nchanged = nchanged;
	if (!launcher_guarded_xact(launcher_load_xact, &load, "load the jobs"))
	{
		/*
		 * The changes taken are lost with the failed load: read every job
		 * next time, which the caller puts off a little rather than loop.
		 */
		launcher_load_failed = true;
		launcher_load_startup = at_startup;
		pg_atomic_fetch_add_u64(&beat_shared->catalog_generation, 1);
		return false;
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
	return true;
}

/*
 * Did the last load find the extension dropped?  A load that failed leaves
 * the state as it was, and says nothing.
 */
bool
launcher_jobs_extension_dropped(void)
{
	return !launcher_extension_present && !launcher_load_failed;
}

/* Has cron.timezone changed since the last load? */
bool
launcher_jobs_timezone_changed(void)
{
	return !launcher_same_string(launcher_loaded_timezone, beat_timezone);
}

/* How many jobs have an overdue_after of their own. */
int
launcher_jobs_overdue_count(void)
{
	return launcher_overdue_jobs;
}

/* ----------------------------------------------------------------
 * Due slots
 * ----------------------------------------------------------------
 */

/* A slot that ends before it starts, to record in this iteration. */
static void
launcher_refuse(List **refusals, LauncherJob *job, TimestampTz slot,
				const char *status, const char *message)
{
	LauncherRefusal *r = palloc(sizeof(LauncherRefusal));

	r->job = job;
	r->slot = slot;
	r->status = status;
	r->message = message;
	r->after_seq = 0;
	*refusals = lappend(*refusals, r);
}

/*
 * A run of job for slot 'slot' is due.  Start it (via the ready heap), or,
 * while a run of the job is going, apply the overlap policy.
 */
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
 * May the job's next slot, not due yet, start its session now?  Only when
 * nothing else could claim the run slot: the job is idle, and more run slots
 * are free than runs wait for one.
 */
static bool
launcher_can_prewarm(LauncherJob *job, TimestampTz now)
{
	if (!beat_launch_active_jobs || job->nrunning > 0 || job->in_ready ||
		job->pending || launcher_extra_due(now))
		return false;
	return launcher_slots_open_count() > launcher_nready;
}

/*
 * Take the jobs whose instant has come off the timer heap.  Slots older
 * than the grace period under misfire_policy "skip", and slots the overlap
 * policy skips, are appended to *refusals; the others become runs.
 */
void
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
 * Dependent jobs
 * ----------------------------------------------------------------
 */

/* Are there dependent jobs to look at (a load or an outcome since)? */
bool
launcher_dependents_dirty(void)
{
	return launcher_deps_dirty;
}

/*
 * A final outcome was recorded: a dependent job may be due.  Only matters
 * when there are dependent jobs at all.
 */
void
launcher_dependents_changed(void)
{
	if (launcher_dependent_jobs > 0)
		launcher_deps_dirty = true;
}

/*
 * Make the dependent jobs whose upstream jobs all reached the awaited
 * outcome due, in the iteration's transaction (which already holds the
 * outcomes it records).  A dependent run is like a slot falling due: the
 * job's overlap policy applies, and its slot is the upstream's.  What a run
 * took is written durably only when the run is recorded (launcher_runs.c),
 * so a restart before that makes it due again, never twice: seq_taken
 * keeps a run that waits in memory from being taken again meanwhile.
 */
void
launcher_take_dependents(TimestampTz now, List **refusals)
{
	List	   *due;
	ListCell   *lc;

	if (!launcher_deps_dirty)
		return;
	launcher_deps_dirty = false;
	if (launcher_dependent_jobs == 0)
		return;

	due = beat_catalog_due_dependents();
	foreach(lc, due)
	{
		BeatDueDependent *dd = lfirst(lc);
		LauncherJob *job = launcher_find_job(dd->jobid);
		BeatOverlapPolicy policy;

		if (job == NULL || job->deleted || !job->row->active ||
			job->row->depends_outcome == BEAT_DEPENDS_NONE ||
			dd->seq <= job->seq_taken)
			continue;
		if (!beat_launch_active_jobs)
		{
			/* paused: the outcome waits to be taken until the resume */
			launcher_deps_dirty = true;
			continue;
		}
		job->seq_taken = dd->seq;

		policy = job->row->overlap_policy;
		if (job->nrunning == 0 || policy == BEAT_OVERLAP_ALLOW)
		{
			launcher_ready_add(job, now, dd->slot);
			job->ready_seq = dd->seq;
		}
		else if (policy == BEAT_OVERLAP_SKIP)
		{
			launcher_refuse(refusals, job, dd->slot, "skipped",
							"skipped: the previous run of the job was still running (overlap_policy skip)");
			((LauncherRefusal *) llast(*refusals))->after_seq = dd->seq;
		}
		else
		{
			if (policy == BEAT_OVERLAP_REPLACE)
				launcher_cancel_job_runs(job->jobid, BEAT_CANCEL_REPLACED, now);
			job->pending = true;
			job->pending_slot = dd->slot;
			job->pending_seq = dd->seq;
		}
	}
}

/* The exclusive group of the job, or NULL (also for a job not known). */
const char *
launcher_job_group(int64 jobid)
{
	LauncherJob *job = launcher_find_job(jobid);

	return job != NULL ? job->row->exclusive_group : NULL;
}

/*
 * @reboot jobs run once per server start: their slot is the postmaster's
 * start time, so the unique constraint stops a restarted launcher from
 * running them again.
 */
void
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

/*
 * When the launcher must wake for the timer heap: ahead of the next slot by
 * BEAT_PREWARM, or at the slot when that is too late to start its session
 * ahead; DT_NOEND when no job is scheduled.
 */
TimestampTz
launcher_jobs_next_wake(void)
{
	LauncherJob *job;
	TimestampTz wake;

	if (pairingheap_is_empty(launcher_timers))
		return DT_NOEND;
	job = pairingheap_container(LauncherJob, timer_node,
								pairingheap_first(launcher_timers));
	wake = job->next_fire - BEAT_PREWARM;

	/* inside the window already but not prewarmable: wake when due */
	if (wake <= GetCurrentTimestamp())
		wake = job->next_fire;
	return wake;
}
