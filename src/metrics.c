/*-------------------------------------------------------------------------
 *
 * metrics.c
 *	  The scheduler's health, for monitoring: cron_metrics.scheduler().
 *
 * A monitoring system (postgres_exporter, then Prometheus) asks every few
 * seconds whether the launcher is alive, how many runs are in flight or
 * waiting and why, how many started lately, and how far the history purge
 * is behind.  All of it comes from shared memory: a scrape reads no table,
 * takes no lock the launcher waits for, and costs the same with a hundred
 * thousand jobs as with one.  (Per-job figures come from cron.job and
 * cron.job_stats, in SQL: sql/update-1.1-metrics.sql.)
 *
 * The launcher keeps its figures in BeatShared->metrics through the
 * beat_metrics_* calls below: launcher.c when it wakes and when it starts
 * runs, launcher_jobs.c when its ready heap (runs waiting for a run slot)
 * changes size, launcher_housekeeping.c as the purge goes.  Each call is a
 * few stores under a spinlock that only these functions take, so the
 * launcher never waits for a reader for longer than a few loads.  The run
 * slots themselves (in flight, waiting for a worker or an exclusive group)
 * are read under the shared LWLock, as cron.running_runs() does.
 *
 * "No launcher" and "nothing due" must never look alike: launcher_up
 * checks that the pid the launcher registered is a live backend, and
 * last_wakeup shows a launcher that is alive but stuck (it wakes at least
 * once a minute whatever happens).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/proc.h"
#include "storage/procarray.h"
#include "storage/spin.h"
#include "utils/timestamp.h"

#include "guc.h"
#include "metrics.h"
#include "shmem.h"

PG_FUNCTION_INFO_V1(cron_metrics_scheduler);

/* The columns of cron_metrics.scheduler(), in order. */
enum
{
	METRICS_LAUNCHER_UP,
	METRICS_LAUNCHER_PID,
	METRICS_LAUNCHER_STARTED,
	METRICS_LAST_WAKEUP,
	METRICS_LAUNCH_ACTIVE,
	METRICS_RUN_SLOTS,
	METRICS_RUNS_IN_FLIGHT,
	METRICS_WAITING_FOR_WORKER,
	METRICS_WAITING_FOR_SLOT,
	METRICS_WAITING_FOR_GROUP,
	METRICS_RUNS_STARTED,
	METRICS_RUNS_STARTED_LAST_MINUTE,
	METRICS_PURGE_BACKLOG,
	METRICS_PURGE_BACKLOG_AT_LEAST,
	METRICS_PURGE_BACKLOG_AT,
	METRICS_NCOLUMNS
};

/* The launcher's own tally of the purge backlog, between two counts. */
static uint64 metrics_purge_backlog = 0;
static bool metrics_purge_counted = false;

/* ----------------------------------------------------------------
 * Called by the launcher
 * ----------------------------------------------------------------
 */

/* A launcher begins: what the previous one measured is not ours. */
void
beat_metrics_launcher_started(TimestampTz now)
{
	BeatMetricsShared *m = &beat_shared->metrics;

	SpinLockAcquire(&m->mutex);
	m->launcher_started = now;
	m->last_wakeup = now;
	m->purge_backlog = 0;
	m->purge_backlog_at_least = false;
	m->purge_backlog_at = 0;
	SpinLockRelease(&m->mutex);
	pg_atomic_write_u32(&m->runs_waiting_for_slot, 0);
}

/* The launcher woke up and goes through its loop once more. */
void
beat_metrics_wakeup(TimestampTz now)
{
	BeatMetricsShared *m = &beat_shared->metrics;

	SpinLockAcquire(&m->mutex);
	m->last_wakeup = now;
	SpinLockRelease(&m->mutex);
}

/*
 * The launcher started n runs (recorded them and handed them to workers or
 * pooled sessions).  The counter only grows; the per-second window says how
 * many started in the last minute.
 */
void
beat_metrics_runs_started(int n, TimestampTz now)
{
	BeatMetricsShared *m = &beat_shared->metrics;
	int64		second = now / USECS_PER_SEC;
	int			bucket = (int) (second % BEAT_METRICS_WINDOW);

	if (n <= 0)
		return;
	if (bucket < 0)
		bucket += BEAT_METRICS_WINDOW;

	SpinLockAcquire(&m->mutex);
	m->runs_started += n;
	if (m->started_second[bucket] != second)
	{
		/* the bucket last served a second a window ago, or more */
		m->started_second[bucket] = second;
		m->started_count[bucket] = 0;
	}
	m->started_count[bucket] += n;
	SpinLockRelease(&m->mutex);
}

/*
 * The ready heap (runs due, waiting for a run slot) now holds n runs.
 * Called as it changes; a store, so it costs nothing per change.
 */
void
beat_metrics_set_waiting_for_slot(int n)
{
	if (beat_shared != NULL)
		pg_atomic_write_u32(&beat_shared->metrics.runs_waiting_for_slot,
							(uint32) Max(n, 0));
}

static void
metrics_publish_purge_backlog(bool at_least, TimestampTz now)
{
	BeatMetricsShared *m = &beat_shared->metrics;

	SpinLockAcquire(&m->mutex);
	m->purge_backlog = metrics_purge_backlog;
	m->purge_backlog_at_least = at_least;
	m->purge_backlog_at = now;
	SpinLockRelease(&m->mutex);
}

/*
 * One batch of the history purge deleted 'deleted' rows; caught_up when
 * that was all there was to delete.  Between two counts of the backlog the
 * figure goes down by what each batch deleted.  A full batch beyond what
 * was counted (the first one after the purge had caught up, say) means a
 * backlog of unknown size: the figure published stays as it was until the
 * launcher counts, which it does at once when the purge falls behind.
 */
void
beat_metrics_purged(uint64 deleted, bool caught_up, TimestampTz now)
{
	if (caught_up)
	{
		metrics_purge_backlog = 0;
		metrics_purge_counted = true;
	}
	else if (!metrics_purge_counted || deleted >= metrics_purge_backlog)
	{
		metrics_purge_counted = false;
		return;
	}
	else
		metrics_purge_backlog -= deleted;
	metrics_publish_purge_backlog(false, now);
}

/*
 * The launcher counted the rows still to purge (at_least: the count stopped
 * at its bound, there may be more).
 */
void
beat_metrics_purge_counted(uint64 backlog, bool at_least, TimestampTz now)
{
	metrics_purge_backlog = backlog;
	metrics_purge_counted = true;
	metrics_publish_purge_backlog(at_least, now);
}

/* ----------------------------------------------------------------
 * cron_metrics.scheduler()
 * ----------------------------------------------------------------
 */

/*
 * Is the launcher alive: does the pid it registered (cleared when it exits)
 * belong to a live backend?
 */
static pid_t
metrics_live_launcher(void)
{
	pid_t		pid;

	LWLockAcquire(beat_shared->lock, LW_SHARED);
	pid = beat_shared->launcher_pid;
	LWLockRelease(beat_shared->lock);

	if (pid != 0 && BackendPidGetProc(pid) == NULL)
		pid = 0;				/* gone without cleaning up: a crash */
	return pid;
}

/*
 * One row: the scheduler's health.  Reads shared memory only.  Timestamps
 * that are not known yet (no launcher since the server started, no purge
 * yet) are NULL.
 */
Datum
cron_metrics_scheduler(PG_FUNCTION_ARGS)
{
	TupleDesc	tupdesc;
	Datum		values[METRICS_NCOLUMNS];
	bool		nulls[METRICS_NCOLUMNS];
	BeatMetricsShared copy;
	TimestampTz now = GetCurrentTimestamp();
	int64		now_second = now / USECS_PER_SEC;
	pid_t		pid;
	int			in_flight = 0;
	int			for_worker = 0;
	int			for_group = 0;
	int64		last_minute = 0;
	int			i;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	if (tupdesc->natts != METRICS_NCOLUMNS)
		elog(ERROR, "cron_metrics.scheduler() returns %d columns, the library knows %d",
			 tupdesc->natts, METRICS_NCOLUMNS);
	if (beat_shared == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("pg_beat must be loaded via shared_preload_libraries")));

	pid = metrics_live_launcher();

	/* the run slots, as cron.running_runs() sees them */
	LWLockAcquire(beat_shared->lock, LW_SHARED);
	for (i = 0; i < beat_shared->nslots; i++)
	{
		BeatRunSlot *slot = &beat_shared->slots[i];

		if (slot->state != BEAT_SLOT_STARTING &&
			slot->state != BEAT_SLOT_RUNNING)
			continue;
		in_flight++;
		if (slot->awaiting_worker)
			for_worker++;
		else if (slot->awaiting_group)
			for_group++;
	}
	LWLockRelease(beat_shared->lock);

	SpinLockAcquire(&beat_shared->metrics.mutex);
	memcpy(&copy, &beat_shared->metrics,
		   offsetof(BeatMetricsShared, runs_waiting_for_slot));
	SpinLockRelease(&beat_shared->metrics.mutex);

	for (i = 0; i < BEAT_METRICS_WINDOW; i++)
	{
		if (copy.started_count[i] > 0 &&
			copy.started_second[i] > now_second - BEAT_METRICS_WINDOW &&
			copy.started_second[i] <= now_second)
			last_minute += copy.started_count[i];
	}

	memset(nulls, 0, sizeof(nulls));
	values[METRICS_LAUNCHER_UP] = BoolGetDatum(pid != 0);
	values[METRICS_LAUNCHER_PID] = Int32GetDatum((int32) pid);
	nulls[METRICS_LAUNCHER_PID] = (pid == 0);
	values[METRICS_LAUNCHER_STARTED] = TimestampTzGetDatum(copy.launcher_started);
	nulls[METRICS_LAUNCHER_STARTED] = (copy.launcher_started == 0);
	values[METRICS_LAST_WAKEUP] = TimestampTzGetDatum(copy.last_wakeup);
	nulls[METRICS_LAST_WAKEUP] = (copy.last_wakeup == 0);
	values[METRICS_LAUNCH_ACTIVE] = BoolGetDatum(beat_launch_active_jobs);
	values[METRICS_RUN_SLOTS] = Int32GetDatum(beat_shared->nslots);
	values[METRICS_RUNS_IN_FLIGHT] = Int32GetDatum(in_flight);
	values[METRICS_WAITING_FOR_WORKER] = Int32GetDatum(for_worker);
	/* a ready heap left behind by a launcher that died waits for nobody */
	values[METRICS_WAITING_FOR_SLOT] =
		Int32GetDatum(pid == 0 ? 0 : (int32)
					  pg_atomic_read_u32(&beat_shared->metrics.runs_waiting_for_slot));
	values[METRICS_WAITING_FOR_GROUP] = Int32GetDatum(for_group);
	values[METRICS_RUNS_STARTED] = Int64GetDatum((int64) copy.runs_started);
	values[METRICS_RUNS_STARTED_LAST_MINUTE] = Int64GetDatum(last_minute);

	/* history kept for ever has nothing to purge */
	if (beat_history_retention_usecs() <= 0)
	{
		values[METRICS_PURGE_BACKLOG] = Int64GetDatum(0);
		values[METRICS_PURGE_BACKLOG_AT_LEAST] = BoolGetDatum(false);
		values[METRICS_PURGE_BACKLOG_AT] = TimestampTzGetDatum(now);
	}
	else if (copy.purge_backlog_at == 0)
	{
		nulls[METRICS_PURGE_BACKLOG] = true;
		nulls[METRICS_PURGE_BACKLOG_AT_LEAST] = true;
		nulls[METRICS_PURGE_BACKLOG_AT] = true;
	}
	else
	{
		values[METRICS_PURGE_BACKLOG] =
			Int64GetDatum((int64) copy.purge_backlog);
		values[METRICS_PURGE_BACKLOG_AT_LEAST] =
			BoolGetDatum(copy.purge_backlog_at_least);
		values[METRICS_PURGE_BACKLOG_AT] =
			TimestampTzGetDatum(copy.purge_backlog_at);
	}

	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
