/*-------------------------------------------------------------------------
 *
 * launcher_housekeeping.c
 *	  The launcher's housekeeping, between its runs: purging history older
 *	  than cron.history_retention, forgetting the commits of ended runs, and
 *	  the dead man's switch.
 *
 * Each is a short transaction of its own, each guarded as a whole
 * (launcher_guarded_xact): a failure is logged and tried again later, and
 * never holds up a run by more than one batch.  The purge keeps pace with
 * the rate history is written; the dead man's switch announces each job
 * that became overdue, once (cron.overdue_after, or the job's
 * overdue_after).
 *
 * This file owns when each is done and the purge's pacing; launcher.c
 * calls both once per iteration and asks when to wake for them.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/timestamp.h"

#include "catalog.h"
#include "guc.h"
#include "launcher_announce.h"
#include "launcher_housekeeping.h"
#include "launcher_jobs.h"
#include "launcher_xact.h"
#include "metrics.h"

/*
 * How often the launcher purges old history once it has caught up, and its
 * batches: BEAT_PURGE_BATCH rows, or, while it is behind, a
 * BEAT_PURGE_SPREAD-th of the backlog, at most BEAT_PURGE_BATCH_MAX (one
 * such DELETE takes well under the BEAT_PREWARM head start of a run, see
 * launcher_jobs.c).  The backlog is counted up to BEAT_PURGE_COUNT_MAX rows,
 * and logged every BEAT_PURGE_REPORT_INTERVAL while it lasts.
 */
#define BEAT_PURGE_INTERVAL (60 * USECS_PER_SEC)
#define BEAT_PURGE_BATCH	1000
#define BEAT_PURGE_BATCH_MAX 10000
#define BEAT_PURGE_SPREAD	10
#define BEAT_PURGE_COUNT_MAX 1000000
#define BEAT_PURGE_REPORT_INTERVAL (60 * USECS_PER_SEC)

/* How often the dead man's switch is checked, when any threshold is set. */
#define BEAT_OVERDUE_INTERVAL (5 * USECS_PER_SEC)

/* One batch of the purge, in a transaction of its own. */
typedef struct LauncherPurge
{
	int64		retention;
	int			batch;
	uint64		deleted;
	uint64		backlog;		/* rows still to purge, when counted */
} LauncherPurge;

static TimestampTz launcher_next_purge = 0;
static int64 launcher_purge_retention = 0;	/* the retention last applied */
static int	launcher_purge_batch = BEAT_PURGE_BATCH;
static bool launcher_purge_behind = false;
static TimestampTz launcher_last_backlog_report = 0;
static TimestampTz launcher_last_overdue_check = 0;
static TimestampTz launcher_next_forget = 0;

static void launcher_purge_xact(void *arg);
static void launcher_count_backlog_xact(void *arg);
static bool launcher_overdue_watched(void);
static void launcher_check_overdue_xact(void *arg);

/* ----------------------------------------------------------------
 * History retention
 * ----------------------------------------------------------------
 */

static void
launcher_purge_xact(void *arg)
{
	LauncherPurge *p = arg;

	p->deleted = beat_catalog_purge_history(p->retention, p->batch);
	if (p->deleted < (uint64) p->batch)
		beat_catalog_purge_stats();
}

static void
launcher_count_backlog_xact(void *arg)
{
	LauncherPurge *p = arg;

	p->backlog = beat_catalog_count_purgeable(p->retention,
											  BEAT_PURGE_COUNT_MAX);
}

/*
 * Purge history older than cron.history_retention, at the rate it is
 * written.  Each batch is a short transaction of its own between the
 * launcher's other work, so runs are never held up by more than one batch.
 * While batches come back full the purge is behind: the next batch follows
 * at once (after the runs due meanwhile), sized by the backlog, which is
 * counted and logged every BEAT_PURGE_REPORT_INTERVAL.  Caught up, it looks
 * again after BEAT_PURGE_INTERVAL, or at once when the retention changes.
 */
void
launcher_purge_history(TimestampTz now)
{
	int64		retention = beat_history_retention_usecs();
	LauncherPurge p;

	if (retention <= 0)
	{
		launcher_purge_retention = retention;
		return;
	}
	if (retention != launcher_purge_retention)
	{
		/* a new retention applies at once */
		launcher_purge_retention = retention;
		launcher_next_purge = 0;
	}
	if (now < launcher_next_purge)
		return;

	memset(&p, 0, sizeof(p));
	p.retention = retention;
	p.batch = launcher_purge_batch;
	if (!launcher_guarded_xact(launcher_purge_xact, &p,
							   "purge the run history"))
	{
		launcher_next_purge = now + BEAT_PURGE_INTERVAL;
		return;
	}

	/* monitoring: the backlog goes down by what the batch deleted */
	beat_metrics_purged(p.deleted, p.deleted < (uint64) p.batch, now);

	if (p.deleted < (uint64) p.batch)
	{
		if (launcher_purge_behind)
			ereport(LOG,
					(errmsg("pg_beat: the history purge caught up with cron.history_retention")));
		launcher_purge_behind = false;
		launcher_purge_batch = BEAT_PURGE_BATCH;
		launcher_next_purge = now + BEAT_PURGE_INTERVAL;
		return;
	}

	/* behind: go on at once, with batches sized by the backlog */
	launcher_next_purge = now;
	if (!launcher_purge_behind ||
		now - launcher_last_backlog_report >= BEAT_PURGE_REPORT_INTERVAL)
	{
		launcher_purge_behind = true;
		launcher_last_backlog_report = now;
		if (launcher_guarded_xact(launcher_count_backlog_xact, &p,
								  "count the run history to purge"))
		{
			beat_metrics_purge_counted(p.backlog,
									   p.backlog >= BEAT_PURGE_COUNT_MAX, now);
			launcher_purge_batch = (int) Min(Max(p.backlog / BEAT_PURGE_SPREAD,
												 BEAT_PURGE_BATCH),
											 BEAT_PURGE_BATCH_MAX);
			ereport(LOG,
					(errmsg("pg_beat: %s" UINT64_FORMAT " history rows older than cron.history_retention remain to purge",
							p.backlog >= BEAT_PURGE_COUNT_MAX ? "at least " : "",
							p.backlog),
					 errdetail("The launcher deletes them %d at a time, between runs, until none remain.",
							   launcher_purge_batch)));
		}
	}
}

/*
 * When the purge goes on: at once while it is behind, else after
 * BEAT_PURGE_INTERVAL; DT_NOEND when history is kept for ever.
 */
TimestampTz
launcher_housekeeping_next_purge(void)
{
	if (beat_history_retention_usecs() > 0)
		return launcher_next_purge;
	return DT_NOEND;
}

/* ----------------------------------------------------------------
 * The commits of ended runs
 * ----------------------------------------------------------------
 */

static void
launcher_forget_commits_xact(void *arg)
{
	(void) beat_catalog_forget_commits();
}

/*
 * Delete, every BEAT_PURGE_INTERVAL, the rows of cron.run_commits (1.2)
 * whose runs ended: only a run a restart interrupts needs its rows, and a
 * run writes one per committing transaction, so they pile up otherwise.
 * No wake-up of its own: the rows come with runs, which wake the launcher.
 */
void
launcher_forget_commits(TimestampTz now)
{
	if (!beat_catalog_is_1_2() || now < launcher_next_forget)
		return;
	launcher_next_forget = now + BEAT_PURGE_INTERVAL;
	(void) launcher_guarded_xact(launcher_forget_commits_xact, NULL,
								 "forget the commits of ended runs");
}

/* ----------------------------------------------------------------
 * The dead man's switch
 * ----------------------------------------------------------------
 */

/* Is any threshold set: cron.overdue_after, or a job's overdue_after? */
static bool
launcher_overdue_watched(void)
{
	return beat_overdue_after_usecs() > 0 || launcher_jobs_overdue_count() > 0;
}

/*
 * The launcher's sleep, at most BEAT_OVERDUE_INTERVAL while the dead man's
 * switch is watched.
 */
long
launcher_housekeeping_cap_sleep(long sleep_ms)
{
	if (launcher_overdue_watched())
		sleep_ms = Min(sleep_ms, BEAT_OVERDUE_INTERVAL / 1000);
	return sleep_ms;
}

/*
 * The dead man's switch, checked every BEAT_OVERDUE_INTERVAL while any
 * threshold is set: announce each job that became overdue, once.
 */
static void
launcher_check_overdue_xact(void *arg)
{
	int64		default_usecs = *(int64 *) arg;
	List	   *rows;
	ListCell   *lc;

	rows = beat_catalog_take_overdue(default_usecs);
	foreach(lc, rows)
		launcher_announce_overdue((BeatOverdueRow *) lfirst(lc));
}

void
launcher_check_overdue(TimestampTz now)
{
	int64		default_usecs = beat_overdue_after_usecs();

	if (default_usecs <= 0 && launcher_jobs_overdue_count() == 0)
		return;
	if (now - launcher_last_overdue_check < BEAT_OVERDUE_INTERVAL)
		return;
	launcher_last_overdue_check = now;

	(void) launcher_guarded_xact(launcher_check_overdue_xact, &default_usecs,
								 "check for overdue jobs");
}
