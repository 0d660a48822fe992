/*-------------------------------------------------------------------------
 *
 * catalog.c
 *	  The only file that knows the names of pg_beat's tables and columns.
 *
 * The launcher reads cron.job and writes cron.job_run_details through the
 * functions here, with parameters (never SQL built from values) and with
 * plans prepared once per launcher and kept.  Every statement names its
 * objects with their schema and the launcher pins search_path, so objects
 * other users create cannot capture them.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "storage/lmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "catalog.h"
#include "guc.h"

static SPIPlanPtr catalog_insert_plan = NULL;
static SPIPlanPtr catalog_update_plan = NULL;

/*
 * Does the installed catalog have 1.1's columns?  One shared library serves
 * a 1.0 installation and a 1.1 one, and the launcher keeps running across
 * ALTER EXTENSION pg_beat UPDATE: set by every beat_catalog_extension_ready
 * (each load calls it; the update makes the launcher load every job).
 */
static bool catalog_1_1 = false;

/* Does it have 1.2's cron.run_commits?  Set with catalog_1_1. */
static bool catalog_1_2 = false;

/*
 * A plan prepared on first use and kept for the launcher's lifetime.
 */
static SPIPlanPtr
catalog_kept_plan(SPIPlanPtr *plan, const char *query, int nargs,
				  Oid *argtypes)
{
	if (*plan == NULL)
	{
		SPIPlanPtr	p = SPI_prepare(query, nargs, argtypes);

		if (p == NULL)
			elog(ERROR, "could not prepare \"%s\": %s", query,
				 SPI_result_code_string(SPI_result));
		SPI_keepplan(p);
		*plan = p;
	}
	return *plan;
}

/*
 * The count(*) that the query just executed returned; what names the work
 * for the error if it did not return one row.
 */
static uint64
catalog_count_result(int ret, const char *what)
{
	bool		isnull;

	if (ret != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "could not %s: SPI error %d", what, ret);
	return (uint64) DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
												SPI_tuptable->tupdesc, 1,
												&isnull));
}

/*
 * Execute a kept plan that finds its rows by a key the table has an index
 * on, with sequential scans off for whatever planning the execution does.
 *
 * A kept plan turns generic after a few executions, and the generic plan
 * stays until the table's statistics change.  Planned while the history was
 * empty and had been vacuumed (a new installation, a purge that emptied it,
 * TRUNCATE then VACUUM), a lookup by runid costs nothing as a sequential
 * scan, and that plan is kept while a burst of runs adds thousands of rows
 * before autovacuum looks again: every run's update reads every run recorded
 * before it, and a burst of N runs costs the launcher O(N^2).  The index
 * finds one row by its key at any size of the table, so that is the plan
 * however small the table looked when it was made.
 */
static int
catalog_execute_by_key(SPIPlanPtr plan, Datum *values, const char *nulls,
					   long count)
{
	int			save_nestlevel = NewGUCNestLevel();
	int			ret;

	(void) set_config_option("enable_seqscan", "off", PGC_USERSET,
							 PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	ret = SPI_execute_plan(plan, values, nulls, false, count);
	/* an error unwinds this with the (sub)transaction */
	AtEOXact_GUC(true, save_nestlevel);
	return ret;
}

/*
 * Is the extension installed in this database, its tables in place?
 *
 * A true answer holds until the end of the caller's transaction: the tables
 * are locked (AccessShareLock), then looked up again, because a DROP
 * EXTENSION that commits while we wait for the lock is seen only once the
 * lock is granted (the TAP test of DROP EXTENSION met that on PostgreSQL 18).
 */
bool
beat_catalog_extension_ready(void)
{
	Oid			nsp;
	Oid			job;
	Oid			details;

	if (!OidIsValid(get_extension_oid("pg_beat", true)))
		return false;
	nsp = get_namespace_oid("cron", true);
	if (!OidIsValid(nsp))
		return false;
	job = get_relname_relid("job", nsp);
	details = get_relname_relid("job_run_details", nsp);
	if (!OidIsValid(job) || !OidIsValid(details))
		return false;
	LockRelationOid(job, AccessShareLock);
	LockRelationOid(details, AccessShareLock);
	if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(job)) ||
		!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(details)))
		return false;
	catalog_1_1 = get_attnum(job, "depends_outcome") != InvalidAttrNumber;
	catalog_1_2 = OidIsValid(get_relname_relid("run_commits", nsp));
	return true;
}

/* Is the catalog 1.1's (as the latest beat_catalog_extension_ready saw)? */
bool
beat_catalog_is_1_1(void)
{
	return catalog_1_1;
}

/* Is the catalog 1.2's (as the latest beat_catalog_extension_ready saw)? */
bool
beat_catalog_is_1_2(void)
{
	return catalog_1_2;
}

/* The number of columns the job query returns. */
#define CATALOG_JOB_COLUMNS 21

/* Rows fetched and decoded at a time: bounds a load's transient memory. */
#define CATALOG_JOB_BATCH 1000

static uint8
catalog_overlap_policy(const char *policy)
{
	/* the trigger admits nothing else; anything odd queues, as the default */
	if (policy == NULL)
		return BEAT_OVERLAP_QUEUE;
	if (strcmp(policy, "skip") == 0)
		return BEAT_OVERLAP_SKIP;
	if (strcmp(policy, "allow") == 0)
		return BEAT_OVERLAP_ALLOW;
	if (strcmp(policy, "replace") == 0)
		return BEAT_OVERLAP_REPLACE;
	return BEAT_OVERLAP_QUEUE;
}

static uint8
catalog_depends_outcome(const char *outcome)
{
	if (outcome == NULL)
		return BEAT_DEPENDS_NONE;
	if (strcmp(outcome, "failed") == 0)
		return BEAT_DEPENDS_FAILED;
	if (strcmp(outcome, "finished") == 0)
		return BEAT_DEPENDS_FINISHED;
	return BEAT_DEPENDS_SUCCEEDED;
}

static uint8
catalog_misfire_policy(const char *policy)
{
	if (policy != NULL && strcmp(policy, "run_once") == 0)
		return BEAT_MISFIRE_RUN_ONCE;
	return BEAT_MISFIRE_SKIP;
}

/*
 * Read the jobs of cron.job and hand each to callback: every job, or, with
 * jobids, only those of the njobids given (a jobid with no row is simply not
 * reported).  With with_history, also the newest scheduled_time each job
 * has in the history (one index probe per job: done once, when the launcher
 * starts).  Rows are fetched through a cursor a batch at a time, so reading
 * a hundred thousand jobs never holds them all in memory at once.  Returns
 * the number of rows read.
 */
uint64
beat_catalog_scan_jobs(const int64 *jobids, int njobids, bool with_history,
					   BeatJobRowCallback callback, void *arg)
{
	const char *columns =
		"SELECT j.jobid, j.schedule, j.command, j.nodename, j.nodeport,"
		" j.database, j.username, j.active, j.jobname, j.timezone,"
		" j.timeout, j.max_retries, j.retry_delay, j.overlap_policy,"
		" j.misfire_policy, j.on_failure, %s, j.userid,"
		" j.overdue_after IS NOT NULL, %s"
		" FROM cron.job j%s";
	const char *history =
		"(SELECT pg_catalog.max(r.scheduled_time) FROM cron.job_run_details r"
		"  WHERE r.jobid OPERATOR(pg_catalog.=) j.jobid)";

	/*
	 * 1.1 keeps how far each job's slots were dealt with in cron.job_stats,
	 * written with the runs: it holds without history (cron.log_run off)
	 * and after the history was purged.
	 */
	const char *progress =
		"GREATEST((SELECT pg_catalog.max(r.scheduled_time) FROM cron.job_run_details r"
		"  WHERE r.jobid OPERATOR(pg_catalog.=) j.jobid),"
		" (SELECT s.slots_done_until FROM cron.job_stats s"
		"  WHERE s.jobid OPERATOR(pg_catalog.=) j.jobid),"
		" (SELECT p.scheduled_from FROM cron.job_progress p"
		"  WHERE p.jobid OPERATOR(pg_catalog.=) j.jobid))";
	char	   *query;
	Portal		portal;
	MemoryContext callercxt = CurrentMemoryContext;
	MemoryContext batchcxt;
	uint64		nrows = 0;

	query = psprintf(columns,
					 !with_history ? "NULL::pg_catalog.timestamptz" :
					 catalog_1_1 ? progress : history,
					 catalog_1_1 ? "j.exclusive_group, j.depends_outcome" :
					 "NULL::pg_catalog.text, NULL::pg_catalog.text",
					 jobids != NULL ?
					 " WHERE j.jobid OPERATOR(pg_catalog.=) ANY ($1)" : "");
	if (jobids != NULL)
	{
		Oid			argtype = INT8ARRAYOID;
		Datum	   *elems = palloc(Max(njobids, 1) * sizeof(Datum));
		Datum		value;
		int			i;

		for (i = 0; i < njobids; i++)
			elems[i] = Int64GetDatum(jobids[i]);
		value = PointerGetDatum(construct_array(elems, njobids, INT8OID,
												sizeof(int64), FLOAT8PASSBYVAL,
												TYPALIGN_DOUBLE));
		portal = SPI_cursor_open_with_args(NULL, query, 1, &argtype, &value,
										   NULL, true, 0);
	}
	else
		portal = SPI_cursor_open_with_args(NULL, query, 0, NULL, NULL, NULL,
										   true, 0);

	batchcxt = AllocSetContextCreate(callercxt, "pg_beat job batch",
									 ALLOCSET_DEFAULT_SIZES);
	for (;;)
	{
		SPITupleTable *tuptable;
		uint64		nfetched;
		TupleDesc	desc;
		uint64		i;

		SPI_cursor_fetch(portal, true, CATALOG_JOB_BATCH);
		if (SPI_processed == 0)
			break;
		/* the callback must not, but could, run SPI itself */
		tuptable = SPI_tuptable;
		nfetched = SPI_processed;
		desc = tuptable->tupdesc;
		if (desc->natts != CATALOG_JOB_COLUMNS)
			elog(ERROR, "the job query returned %d columns, expected %d",
				 desc->natts, CATALOG_JOB_COLUMNS);

		for (i = 0; i < nfetched; i++)
		{
			BeatJobRow	job;
			TimestampTz last_scheduled;
			Datum		v[CATALOG_JOB_COLUMNS];
			bool		n[CATALOG_JOB_COLUMNS];
			char	   *overlap;
			char	   *misfire;

			MemoryContextSwitchTo(batchcxt);
			memset(&job, 0, sizeof(job));

			/* decode the row once, not column by column: 100k jobs add up */
			heap_deform_tuple(tuptable->vals[i], desc, v, n);

			job.jobid = DatumGetInt64(v[0]);
			job.schedule = n[1] ? NULL : TextDatumGetCString(v[1]);
			job.command = n[2] ? NULL : TextDatumGetCString(v[2]);
			job.nodename = n[3] ? NULL : TextDatumGetCString(v[3]);
			job.nodeport = n[4] ? 0 : DatumGetInt32(v[4]);
			job.database = n[5] ? NULL : TextDatumGetCString(v[5]);
			job.username = n[6] ? NULL : TextDatumGetCString(v[6]);
			job.active = n[7] ? false : DatumGetBool(v[7]);
			job.jobname = n[8] ? NULL : TextDatumGetCString(v[8]);
			job.timezone = n[9] ? NULL : TextDatumGetCString(v[9]);
			job.timeout_usecs = n[10] ? 0 : beat_interval_usecs(DatumGetIntervalP(v[10]));
			job.max_retries = n[11] ? 0 : DatumGetInt32(v[11]);
			job.retry_delay_usecs = n[12] ? 0 : beat_interval_usecs(DatumGetIntervalP(v[12]));
			overlap = n[13] ? NULL : TextDatumGetCString(v[13]);
			misfire = n[14] ? NULL : TextDatumGetCString(v[14]);
			job.on_failure = n[15] ? NULL : TextDatumGetCString(v[15]);
			last_scheduled = n[16] ? 0 : DatumGetTimestampTz(v[16]);
			job.userid = n[17] ? InvalidOid : DatumGetObjectId(v[17]);
			job.has_overdue_after = n[18] ? false : DatumGetBool(v[18]);
			job.exclusive_group = n[19] ? NULL : TextDatumGetCString(v[19]);
			job.depends_outcome =
				catalog_depends_outcome(n[20] ? NULL : TextDatumGetCString(v[20]));

			job.overlap_policy = catalog_overlap_policy(overlap);
			job.misfire_policy = catalog_misfire_policy(misfire);

			/* a NULL here would be a bug in the trigger; never run such a job */
			if (job.schedule == NULL || job.command == NULL ||
				job.database == NULL || job.username == NULL)
				job.active = false;
			if (job.nodename == NULL)
				job.nodename = "localhost";

			MemoryContextSwitchTo(callercxt);
			callback(&job, last_scheduled, arg);
			nrows++;
		}
		MemoryContextReset(batchcxt);
		SPI_freetuptable(tuptable);
	}
	SPI_cursor_close(portal);
	MemoryContextDelete(batchcxt);
	pfree(query);

	return nrows;
}

/*
 * Record a run before it starts, with the given runid (0 = a new one).  The
 * unique constraint on (jobid, scheduled_time, attempt) is what makes a slot
 * impossible to run twice: returns 0 when that slot was already recorded (by
 * this or an earlier launcher), else the runid.
 */
int64
beat_catalog_insert_run(const BeatJobRow *job, int64 runid,
						TimestampTz scheduled_time, int32 attempt,
						const char *status, const char *node, int64 retry_of)
{
	Oid			argtypes[10] = {INT8OID, TEXTOID, TEXTOID, TEXTOID, TEXTOID,
	TIMESTAMPTZOID, INT4OID, INT8OID, TEXTOID, INT8OID};
	Datum		values[10];
	char		nulls[10] = {' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '};
	int			ret;
	bool		isnull;

	catalog_kept_plan(&catalog_insert_plan, "INSERT INTO cron.job_run_details"
					  " (runid, jobid, database, username, command, status,"
					  "  scheduled_time, attempt, node, retry_of)"
					  " VALUES (COALESCE($8, pg_catalog.nextval('cron.runid_seq')),"
					  "  $1, $2, $3, $4, $5, $6, $7, $9, $10)"
					  " ON CONFLICT (jobid, scheduled_time, attempt) DO NOTHING"
					  " RETURNING runid",
					  10, argtypes);

	values[0] = Int64GetDatum(job->jobid);
	values[1] = CStringGetTextDatum(job->database);
	values[2] = CStringGetTextDatum(job->username);
	values[3] = CStringGetTextDatum(job->command);
	values[4] = CStringGetTextDatum(status);
	if (scheduled_time == 0)
		nulls[5] = 'n';
	values[5] = TimestampTzGetDatum(scheduled_time);
	values[6] = Int32GetDatum(attempt);
	values[7] = Int64GetDatum(runid);
	if (runid == 0)
		nulls[7] = 'n';
	values[8] = CStringGetTextDatum(node);
	values[9] = Int64GetDatum(retry_of);
	if (retry_of == 0)
		nulls[9] = 'n';

	ret = SPI_execute_plan(catalog_insert_plan, values, nulls, false, 1);
	if (ret != SPI_OK_INSERT_RETURNING)
		elog(ERROR, "could not record a run: SPI error %d", ret);
	if (SPI_processed == 0)
		return 0;
	return DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
									   SPI_tuptable->tupdesc, 1, &isnull));
}

/*
 * Write a run's status and outcome.  NULL arguments leave the column as it
 * is, so the same statement serves "running" and the final state.
 */
void
beat_catalog_update_run(const BeatRunOutcome *outcome)
{
	Oid			argtypes[7] = {INT8OID, TEXTOID, TEXTOID, TEXTOID, INT4OID,
	TIMESTAMPTZOID, TIMESTAMPTZOID};
	Datum		values[7];
	char		nulls[7] = {' ', ' ', ' ', ' ', ' ', ' ', ' '};
	int			ret;

	catalog_kept_plan(&catalog_update_plan, "UPDATE cron.job_run_details SET"
					  " status = $2,"
					  " return_message = COALESCE($3, return_message),"
					  " sqlstate = COALESCE($4, sqlstate),"
					  " job_pid = COALESCE($5, job_pid),"
					  " start_time = COALESCE($6, start_time),"
					  " end_time = COALESCE($7, end_time)"
					  " WHERE runid OPERATOR(pg_catalog.=) $1",
					  7, argtypes);

	values[0] = Int64GetDatum(outcome->runid);
	values[1] = CStringGetTextDatum(outcome->status);
	if (outcome->message != NULL)
		values[2] = CStringGetTextDatum(outcome->message);
	else
		nulls[2] = 'n';
	if (outcome->sqlstate != NULL && outcome->sqlstate[0] != '\0')
		values[3] = CStringGetTextDatum(outcome->sqlstate);
	else
		nulls[3] = 'n';
	values[4] = Int32GetDatum(outcome->pid);
	if (outcome->pid == 0)
		nulls[4] = 'n';
	values[5] = TimestampTzGetDatum(outcome->start_time);
	if (outcome->start_time == 0)
		nulls[5] = 'n';
	values[6] = TimestampTzGetDatum(outcome->end_time);
	if (outcome->end_time == 0)
		nulls[6] = 'n';

	ret = catalog_execute_by_key(catalog_update_plan, values, nulls, 0);
	if (ret != SPI_OK_UPDATE)
		elog(ERROR, "could not update run " INT64_FORMAT ": SPI error %d",
			 outcome->runid, ret);
}

/*
 * Close runs left 'starting' or 'running' by a crash or restart, except the
 * ones still in flight (keep).  Returns how many were closed.
 *
 * The history claims only what is proven.  From 1.2, a run whose session
 * ran in this database wrote a row into cron.run_commits inside each of its
 * command's writing transactions (run_commits.c), so its rows say what
 * committed: the final commit (the run succeeded), nothing (it failed, and
 * may be retried; or, still 'starting', it may not have begun: it took no
 * effect and is skipped, its slot runs again within the misfire grace), or
 * a part (it failed, and is not retried: running it again could do that
 * part twice).  A run in another database had the launcher record its
 * final transaction's id before it committed: pg_xact_status proves that
 * one a success.  Without such rows (a run in another
 * database or on another server, or in flight when 1.2 was installed), the
 * WAL still bounds it after a promotion: every transaction of a run's
 * command commits after its slot (after its start, once 'running'), so
 * when nothing committed after that instant reached this server
 * (survived_until, the last transaction a promoted standby replayed; 0 when
 * unknown, as after a crash), none of the run's work is here: a 'starting'
 * run never took effect and is skipped (it is run again within the misfire
 * grace, see beat_catalog_load_retries), a 'running' one failed and may be
 * retried.  Any other run may have committed: it is recorded failed with an
 * "outcome unknown" message and never retried.
 */
uint64
beat_catalog_close_interrupted_runs(const int64 *keep, int nkeep,
									bool promoted, TimestampTz survived_until)
{
	Oid			argtypes[9] = {INT8ARRAYOID, TIMESTAMPTZOID, TEXTOID, TEXTOID,
	TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID};
	Datum		values[9];
	char		nulls[9] = {' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '};
	const char *what = promoted ?
		"primary changed: the run was in flight on the previous primary when this server was promoted" :
		"server restarted while the run was in flight";
	Datum	   *elems;
	ArrayType  *arr;
	int			i;
	int			ret;

	elems = palloc(sizeof(Datum) * Max(nkeep, 1));
	for (i = 0; i < nkeep; i++)
		elems[i] = Int64GetDatum(keep[i]);
	arr = construct_array(elems, nkeep, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);

	values[0] = PointerGetDatum(arr);
	values[1] = TimestampTzGetDatum(survived_until);
	if (survived_until == 0)
		nulls[1] = 'n';
	values[2] = CStringGetTextDatum(BEAT_NOT_BEGUN_PROMOTED);
	values[3] = CStringGetTextDatum("primary changed: the run was in flight on the previous primary, and none of its work reached this server");
	values[4] = CStringGetTextDatum(psprintf("%s; %s", what, BEAT_OUTCOME_UNKNOWN));
	values[5] = CStringGetTextDatum(promoted ?
									"its command committed on the previous primary, which stopped before the run's end was recorded" :
									"its command committed; the server restarted before the run's end was recorded");
	values[6] = CStringGetTextDatum(psprintf("%s, before any of its command committed", what));
	values[7] = CStringGetTextDatum(psprintf("%s; %s", what, BEAT_PARTLY_COMMITTED));
	values[8] = CStringGetTextDatum(promoted ? BEAT_NOT_BEGUN_PROMOTED :
									BEAT_NOT_BEGUN_RESTART);

	if (!catalog_1_2)
	{
		ret = SPI_execute_with_args("UPDATE cron.job_run_details SET"
									" status = CASE"
									"  WHEN $2 IS NULL THEN 'failed'"
									"  WHEN status OPERATOR(pg_catalog.=) 'starting'"
									"   AND scheduled_time OPERATOR(pg_catalog.>) $2 THEN 'skipped'"
									"  ELSE 'failed' END,"
									" return_message = CASE"
									"  WHEN $2 IS NULL THEN $5"
									"  WHEN status OPERATOR(pg_catalog.=) 'starting'"
									"   AND scheduled_time OPERATOR(pg_catalog.>) $2 THEN $3"
									"  WHEN status OPERATOR(pg_catalog.=) 'running'"
									"   AND start_time OPERATOR(pg_catalog.>) $2 THEN $4"
									"  ELSE $5 END,"
									" end_time = pg_catalog.now()"
									" WHERE status OPERATOR(pg_catalog.=) ANY (ARRAY['starting', 'running']::pg_catalog.text[])"
									" AND NOT runid OPERATOR(pg_catalog.=) ANY ($1)",
									5, argtypes, values, nulls, false, 0);
		if (ret != SPI_OK_UPDATE)
			elog(ERROR, "could not close interrupted runs: SPI error %d", ret);
		return SPI_processed;
	}

	/*
	 * A run's commits were recorded if its session ran in this database
	 * (the history names it) on this server (a local run's node carries a
	 * timeline) and no row marks it as in flight before 1.2.  Its rows go
	 * with it: the run is closed.
	 */
	ret = SPI_execute_with_args("WITH interrupted AS ("
								"  SELECT r.runid,"
								"   (r.database OPERATOR(pg_catalog.=) pg_catalog.current_database()::pg_catalog.text"
								"    AND r.node OPERATOR(pg_catalog.~~) '% (timeline %)'"
								"    AND NOT COALESCE(pg_catalog.bool_or(c.runid IS NOT NULL AND c.final IS NULL), false)) AS tracked,"
								"   pg_catalog.count(c.final) FILTER (WHERE c.xid IS NULL) AS commits,"
								"   COALESCE(pg_catalog.bool_or(c.final) FILTER (WHERE c.xid IS NULL), false)"
								"   OR COALESCE(pg_catalog.bool_or(CASE WHEN c.xid OPERATOR(pg_catalog.<)"
								"      pg_catalog.pg_snapshot_xmax(pg_catalog.pg_current_snapshot())"
								"     THEN pg_catalog.pg_xact_status(c.xid) END"
								"     OPERATOR(pg_catalog.=) 'committed'), false) AS finished"
								"  FROM cron.job_run_details r"
								"  LEFT JOIN cron.run_commits c ON c.runid OPERATOR(pg_catalog.=) r.runid"
								"  WHERE r.status OPERATOR(pg_catalog.=) ANY (ARRAY['starting', 'running']::pg_catalog.text[])"
								"   AND NOT r.runid OPERATOR(pg_catalog.=) ANY ($1)"
								"  GROUP BY r.runid, r.database, r.node),"
								" closed AS ("
								"  UPDATE cron.job_run_details r SET"
								"   status = CASE"
								"    WHEN i.finished THEN 'succeeded'"
								"    WHEN $2 IS NOT NULL AND r.status OPERATOR(pg_catalog.=) 'starting'"
								"     AND r.scheduled_time OPERATOR(pg_catalog.>) $2 THEN 'skipped'"
								"    WHEN i.tracked AND i.commits OPERATOR(pg_catalog.=) 0"
								"     AND r.status OPERATOR(pg_catalog.=) 'starting' THEN 'skipped'"
								"    ELSE 'failed' END,"
								"   return_message = CASE"
								"    WHEN i.finished THEN $6"
								"    WHEN $2 IS NOT NULL AND r.status OPERATOR(pg_catalog.=) 'starting'"
								"     AND r.scheduled_time OPERATOR(pg_catalog.>) $2 THEN $3"
								"    WHEN i.tracked AND i.commits OPERATOR(pg_catalog.=) 0"
								"     AND r.status OPERATOR(pg_catalog.=) 'starting' THEN $9"
								"    WHEN i.tracked AND i.commits OPERATOR(pg_catalog.=) 0 THEN $7"
								"    WHEN $2 IS NOT NULL AND r.status OPERATOR(pg_catalog.=) 'running'"
								"     AND r.start_time OPERATOR(pg_catalog.>) $2 THEN $4"
								"    WHEN i.tracked THEN $8"
								"    ELSE $5 END,"
								"   end_time = pg_catalog.now()"
								"  FROM interrupted i WHERE r.runid OPERATOR(pg_catalog.=) i.runid"
								"  RETURNING r.runid),"
								" forgotten AS ("
								"  DELETE FROM cron.run_commits c USING closed"
								"  WHERE c.runid OPERATOR(pg_catalog.=) closed.runid)"
								" SELECT pg_catalog.count(*) FROM closed",
								9, argtypes, values, nulls, false, 0);
	return catalog_count_result(ret, "close interrupted runs");
}

/*
 * Record that the final commit of each of these runs (sessions in other
 * databases, run_commits.c) is the transaction fxids[i], before it commits.
 */
void
beat_catalog_record_final_commits(const int64 *runids, const uint64 *fxids,
								  int n)
{
	Oid			argtypes[2] = {INT8ARRAYOID, INT8ARRAYOID};
	Datum		values[2];
	Datum	   *r = palloc(sizeof(Datum) * n);
	Datum	   *x = palloc(sizeof(Datum) * n);
	int			i;
	int			ret;

	for (i = 0; i < n; i++)
	{
		r[i] = Int64GetDatum(runids[i]);
		x[i] = Int64GetDatum((int64) fxids[i]);
	}
	values[0] = PointerGetDatum(construct_array(r, n, INT8OID, 8,
												FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	values[1] = PointerGetDatum(construct_array(x, n, INT8OID, 8,
												FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	ret = SPI_execute_with_args("INSERT INTO cron.run_commits (runid, final, xid)"
								" SELECT r, true, x::pg_catalog.text::pg_catalog.xid8"
								" FROM ROWS FROM (pg_catalog.unnest($1), pg_catalog.unnest($2)) AS u (r, x)",
								2, argtypes, values, NULL, false, 0);
	if (ret != SPI_OK_INSERT)
		elog(ERROR, "could not record final commits: SPI error %d", ret);
}

/*
 * Delete the rows of cron.run_commits whose run is over (recorded, or gone
 * from the history): only an interrupted run needs them.  Returns how many.
 */
uint64
beat_catalog_forget_commits(void)
{
	int			ret;

	if (!catalog_1_2)
		return 0;
	ret = SPI_execute("DELETE FROM cron.run_commits c"
					  " WHERE NOT EXISTS (SELECT 1 FROM cron.job_run_details r"
					  "  WHERE r.runid OPERATOR(pg_catalog.=) c.runid"
					  "   AND r.status OPERATOR(pg_catalog.=) ANY (ARRAY['starting', 'running']::pg_catalog.text[]))",
					  false, 0);
	if (ret != SPI_OK_DELETE)
		elog(ERROR, "could not forget the commits of ended runs: SPI error %d", ret);
	return SPI_processed;
}

/*
 * Delete at most limit history rows that ended more than retention ago.
 * Small batches keep locks and WAL bursts short.  Rows locked by others (a
 * role deleting its own history in an open transaction) are skipped, not
 * waited for: the launcher must never wait on a user.  Returns rows
 * deleted.
 */
uint64
beat_catalog_purge_history(int64 retention_usecs, int limit)
{
	Oid			argtypes[2] = {TIMESTAMPTZOID, INT4OID};
	Datum		values[2];
	int			ret;

	values[0] = TimestampTzGetDatum(GetCurrentTimestamp() - retention_usecs);
	values[1] = Int32GetDatum(limit);

	ret = SPI_execute_with_args("DELETE FROM cron.job_run_details WHERE runid"
								" OPERATOR(pg_catalog.=) ANY (ARRAY("
								"  SELECT runid FROM cron.job_run_details"
								"  WHERE end_time OPERATOR(pg_catalog.<) $1"
								"  LIMIT $2 FOR UPDATE SKIP LOCKED))",
								2, argtypes, values, NULL, false, 0);
	if (ret != SPI_OK_DELETE)
		elog(ERROR, "could not purge the run history: SPI error %d", ret);
	return SPI_processed;
}

/*
 * Failed attempts of scheduled slots that still have retries left and whose
 * next attempt was never recorded: a restart must not lose them.  Also the
 * slots whose run never took effect because the primary changed
 * (beat_catalog_close_interrupted_runs) while they are within the misfire
 * grace: they run late, once, like any slot a short outage made late.  Returns a
 * list of BeatRetryRow, allocated in cxt.
 */
List *
beat_catalog_load_retries(MemoryContext cxt)
{
	char	   *query;
	List	   *retries = NIL;
	uint64		i;
	int			ret;

	/*
	 * Attempts of one run are tied by retry_of (the first attempt's runid),
	 * which also covers cron.run_job runs, whose scheduled_time is NULL.
	 * Runs someone stopped on purpose are not retried, nor (1.1) a retry
	 * already started without a history row (cron.job_progress).
	 */
	query = psprintf("%s%s", "SELECT r.jobid, r.scheduled_time, r.attempt, r.end_time,"
					  "  COALESCE(r.retry_of, r.runid)"
					  " FROM cron.job_run_details r"
					  " JOIN cron.job j ON j.jobid = r.jobid"
					  " WHERE ((r.status = 'failed'"
					  "         AND r.attempt <= j.max_retries"
					  "         AND r.return_message NOT LIKE 'job run cancelled%'"
					  "         AND r.return_message NOT LIKE '%" BEAT_OUTCOME_UNKNOWN "'"
					  "         AND r.return_message NOT LIKE '%" BEAT_PARTLY_COMMITTED "'"
					  "         AND r.end_time > now() - '1 day'::interval)"
					  "        OR (r.status = 'skipped'"
					  "         AND r.return_message IN ('" BEAT_NOT_BEGUN_PROMOTED "',"
					  "                                  '" BEAT_NOT_BEGUN_RESTART "')"
					  "         AND r.scheduled_time > now() - '" CppAsString2(BEAT_MISFIRE_GRACE_SECONDS) " s'::interval))"
					  "   AND j.active"
					  "   AND NOT EXISTS (SELECT 1 FROM cron.job_run_details n"
					  "     WHERE n.jobid = r.jobid"
					  "       AND n.attempt > r.attempt"
					  "       AND (n.scheduled_time = r.scheduled_time"
					  "            OR n.retry_of = COALESCE(r.retry_of, r.runid)))",
					  catalog_1_1 ?
					  "   AND NOT EXISTS (SELECT 1 FROM cron.job_progress p"
					  "     WHERE p.jobid = r.jobid"
					  "       AND p.retry_of = COALESCE(r.retry_of, r.runid)"
					  "       AND p.retry_attempt > r.attempt)" : "");
	ret = SPI_execute(query, true, 0);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "could not read pending retries: SPI error %d", ret);

	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		BeatRetryRow *r = MemoryContextAllocZero(cxt, sizeof(BeatRetryRow));
		bool		isnull;
		Datum		d;

		r->jobid = DatumGetInt64(SPI_getbinval(tuple, desc, 1, &isnull));
		d = SPI_getbinval(tuple, desc, 2, &isnull);
		r->scheduled_time = isnull ? 0 : DatumGetTimestampTz(d);
		r->attempt = DatumGetInt32(SPI_getbinval(tuple, desc, 3, &isnull));
		d = SPI_getbinval(tuple, desc, 4, &isnull);
		r->end_time = isnull ? GetCurrentTimestamp() : DatumGetTimestampTz(d);
		r->first_runid = DatumGetInt64(SPI_getbinval(tuple, desc, 5, &isnull));
		{
			MemoryContext old = MemoryContextSwitchTo(cxt);

			retries = lappend(retries, r);
			MemoryContextSwitchTo(old);
		}
	}
	return retries;
}

/*
 * Fold a finished run into cron.job_stats, the cheap state behind
 * cron.job_status: the view never scans the history.  With catalog 1.1,
 * also count skipped runs, move how far the job's slots were dealt with,
 * and stamp a final outcome (a success, or a failure with no attempt left)
 * with the next cron.outcome_seq: its dependent jobs wait for it.
 */
void
beat_catalog_update_stats(int64 jobid, const char *status,
						  TimestampTz start_time, TimestampTz end_time,
						  TimestampTz scheduled_time, BeatFinalOutcome final)
{
	static SPIPlanPtr plan_1_0 = NULL;
	static SPIPlanPtr plan_1_1 = NULL;
	Oid			argtypes[6] = {INT8OID, TIMESTAMPTZOID, TEXTOID,
	TIMESTAMPTZOID, TIMESTAMPTZOID, INT4OID};
	Datum		values[6];
	char		nulls[6] = {' ', ' ', ' ', ' ', ' ', ' '};
	SPIPlanPtr	plan;
	int			ret;

	if (!catalog_1_1)
		plan = catalog_kept_plan(&plan_1_0, "INSERT INTO cron.job_stats AS s"
								 " (jobid, last_run, last_status, last_duration, last_success,"
								 "  consecutive_failures, total_runs, total_failures, last_lateness,"
								 "  first_run)"
								 " VALUES ($1, $2, $3, $4 - $2,"
								 "  CASE WHEN $3 = 'succeeded' THEN $2 END,"
								 "  CASE WHEN $3 = 'failed' THEN 1 ELSE 0 END, 1,"
								 "  CASE WHEN $3 = 'failed' THEN 1 ELSE 0 END, $2 - $5, $2)"
								 " ON CONFLICT (jobid) DO UPDATE SET"
								 "  last_run = EXCLUDED.last_run,"
								 "  last_status = EXCLUDED.last_status,"
								 "  last_duration = EXCLUDED.last_duration,"
								 "  last_success = COALESCE(EXCLUDED.last_success, s.last_success),"
								 "  consecutive_failures = CASE EXCLUDED.last_status"
								 "    WHEN 'failed' THEN s.consecutive_failures + 1"
								 "    WHEN 'succeeded' THEN 0 ELSE s.consecutive_failures END,"
								 "  total_runs = s.total_runs + 1,"
								 "  total_failures = s.total_failures + EXCLUDED.total_failures,"
								 "  last_lateness = EXCLUDED.last_lateness,"
								 "  first_run = COALESCE(s.first_run, EXCLUDED.first_run),"
								 "  overdue_notified = s.overdue_notified AND EXCLUDED.last_status <> 'succeeded'",
								 6, argtypes);
	else
		plan = catalog_kept_plan(&plan_1_1, "INSERT INTO cron.job_stats AS s"
								 " (jobid, last_run, last_status, last_duration, last_success,"
								 "  consecutive_failures, total_runs, total_failures, last_lateness,"
								 "  first_run, total_skipped, slots_done_until,"
								 "  succeeded_seq, succeeded_slot, failed_seq, failed_slot)"
								 " VALUES ($1, $2, $3, $4 - $2,"
								 "  CASE WHEN $3 = 'succeeded' THEN $2 END,"
								 "  CASE WHEN $3 = 'failed' THEN 1 ELSE 0 END, 1,"
								 "  CASE WHEN $3 = 'failed' THEN 1 ELSE 0 END, $2 - $5, $2,"
								 "  CASE WHEN $3 = 'skipped' THEN 1 ELSE 0 END, $5,"
								 "  CASE WHEN $6 = 1 THEN pg_catalog.nextval('cron.outcome_seq'::pg_catalog.regclass) END,"
								 "  CASE WHEN $6 = 1 THEN COALESCE($5, $2) END,"
								 "  CASE WHEN $6 = 2 THEN pg_catalog.nextval('cron.outcome_seq'::pg_catalog.regclass) END,"
								 "  CASE WHEN $6 = 2 THEN COALESCE($5, $2) END)"
								 " ON CONFLICT (jobid) DO UPDATE SET"
								 "  last_run = EXCLUDED.last_run,"
								 "  last_status = EXCLUDED.last_status,"
								 "  last_duration = EXCLUDED.last_duration,"
								 "  last_success = COALESCE(EXCLUDED.last_success, s.last_success),"
								 "  consecutive_failures = CASE EXCLUDED.last_status"
								 "    WHEN 'failed' THEN s.consecutive_failures + 1"
								 "    WHEN 'succeeded' THEN 0 ELSE s.consecutive_failures END,"
								 "  total_runs = s.total_runs + 1,"
								 "  total_failures = s.total_failures + EXCLUDED.total_failures,"
								 "  last_lateness = EXCLUDED.last_lateness,"
								 "  first_run = COALESCE(s.first_run, EXCLUDED.first_run),"
								 "  overdue_notified = s.overdue_notified AND EXCLUDED.last_status <> 'succeeded',"
								 "  total_skipped = s.total_skipped + EXCLUDED.total_skipped,"
								 "  slots_done_until = GREATEST(s.slots_done_until, EXCLUDED.slots_done_until),"
								 "  succeeded_seq = COALESCE(EXCLUDED.succeeded_seq, s.succeeded_seq),"
								 "  succeeded_slot = COALESCE(EXCLUDED.succeeded_slot, s.succeeded_slot),"
								 "  failed_seq = COALESCE(EXCLUDED.failed_seq, s.failed_seq),"
								 "  failed_slot = COALESCE(EXCLUDED.failed_slot, s.failed_slot)",
								 6, argtypes);

	values[0] = Int64GetDatum(jobid);
	values[1] = TimestampTzGetDatum(start_time);
	values[2] = CStringGetTextDatum(status);
	values[3] = TimestampTzGetDatum(end_time);
	values[4] = TimestampTzGetDatum(scheduled_time);
	if (scheduled_time == 0)
		nulls[4] = 'n';
	values[5] = Int32GetDatum((int32) final);

	ret = SPI_execute_plan(plan, values, nulls, false, 0);
	if (ret != SPI_OK_INSERT)
		elog(ERROR, "could not update cron.job_stats: SPI error %d", ret);
}

/*
 * Catalog 1.1: note that the job's slot 'slot' was dealt with (0: none) and,
 * for a dependent job, that its run took the upstream outcomes up to
 * after_seq (0: none), in the transaction that records the run.  Needed
 * where the history does not say it: the run has no row (cron.log_run off),
 * or the job is dependent.
 */
void
beat_catalog_note_progress(int64 jobid, TimestampTz slot, int64 after_seq)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[3] = {INT8OID, TIMESTAMPTZOID, INT8OID};
	Datum		values[3];
	char		nulls[3] = {' ', ' ', ' '};
	int			ret;

	if (!catalog_1_1)
		return;
	catalog_kept_plan(&plan, "INSERT INTO cron.job_stats AS s"
					  " (jobid, slots_done_until, after_seq) VALUES ($1, $2, $3)"
					  " ON CONFLICT (jobid) DO UPDATE SET"
					  "  slots_done_until = GREATEST(s.slots_done_until, EXCLUDED.slots_done_until),"
					  "  after_seq = GREATEST(s.after_seq, EXCLUDED.after_seq)",
					  3, argtypes);
	values[0] = Int64GetDatum(jobid);
	values[1] = TimestampTzGetDatum(slot);
	if (slot == 0)
		nulls[1] = 'n';
	values[2] = Int64GetDatum(after_seq);
	if (after_seq == 0)
		nulls[2] = 'n';
	ret = SPI_execute_plan(plan, values, nulls, false, 0);
	if (ret != SPI_OK_INSERT)
		elog(ERROR, "could not update cron.job_stats: SPI error %d", ret);
}

/*
 * Catalog 1.1: a retry (attempt 'attempt' of the run whose first attempt is
 * retry_of) starts without a history row (cron.log_run off).  Noted in the
 * transaction that starts it, so that a restart, which finds the failed
 * attempt in the history but not this one, does not run it again
 * (beat_catalog_load_retries).
 */
void
beat_catalog_note_retry(int64 jobid, TimestampTz slot, int64 retry_of,
						int32 attempt)
{
	static SPIPlanPtr plan = NULL;
	Oid			argtypes[4] = {INT8OID, TIMESTAMPTZOID, INT8OID, INT4OID};
	Datum		values[4];
	int			ret;

	if (!catalog_1_1)
		return;
	catalog_kept_plan(&plan, "INSERT INTO cron.job_progress AS p"
					  " (jobid, scheduled_from, retry_of, retry_attempt)"
					  " VALUES ($1, COALESCE($2, pg_catalog.now()), $3, $4)"
					  " ON CONFLICT (jobid) DO UPDATE SET"
					  "  retry_of = EXCLUDED.retry_of,"
					  "  retry_attempt = EXCLUDED.retry_attempt",
					  4, argtypes);
	values[0] = Int64GetDatum(jobid);
	values[1] = TimestampTzGetDatum(slot);
	values[2] = Int64GetDatum(retry_of);
	values[3] = Int32GetDatum(attempt);
	ret = SPI_execute_plan(plan, values, slot == 0 ? " n  " : NULL, false, 0);
	if (ret != SPI_OK_INSERT)
		elog(ERROR, "could not update cron.job_progress: SPI error %d", ret);
}

/*
 * Catalog 1.1: the jobs were scheduled afresh at 'at', so their slots count
 * from there (cron.job_progress, the launcher's own table: not in
 * cron.job_stats, which a restore fills, and which must not be written
 * before it).  For dependent jobs, also: they take only the upstream
 * outcomes after the latest one so far.  keep_existing leaves the jobs that
 * have a row alone.  One statement for many jobs.
 */
void
beat_catalog_note_anchors(const int64 *jobids, int njobids, TimestampTz at,
						  bool dependents, bool keep_existing)
{
	static SPIPlanPtr plans[2][2];
	Oid			argtypes[2] = {INT8ARRAYOID, TIMESTAMPTZOID};
	Datum		values[2];
	Datum	   *elems;
	int			ret;
	int			i;

	if (!catalog_1_1 || njobids == 0)
		return;
	catalog_kept_plan(&plans[dependents][keep_existing],
					  psprintf("INSERT INTO cron.job_progress AS p (jobid, scheduled_from, outcomes_from)"
							   " SELECT u.jobid, $2, %s FROM pg_catalog.unnest($1) AS u(jobid)"
							   " ON CONFLICT (jobid) DO %s",
							   dependents ?
							   "(SELECT CASE WHEN s.is_called THEN s.last_value ELSE 0 END"
							   "  FROM cron.outcome_seq s)" : "NULL::pg_catalog.int8",
							   keep_existing ? "NOTHING" :
							   dependents ?
							   "UPDATE SET scheduled_from = EXCLUDED.scheduled_from,"
							   " outcomes_from = EXCLUDED.outcomes_from" :
							   "UPDATE SET scheduled_from = EXCLUDED.scheduled_from"),
					  2, argtypes);
	elems = palloc(njobids * sizeof(Datum));
	for (i = 0; i < njobids; i++)
		elems[i] = Int64GetDatum(jobids[i]);
	values[0] = PointerGetDatum(construct_array(elems, njobids, INT8OID,
												sizeof(int64), FLOAT8PASSBYVAL,
												TYPALIGN_DOUBLE));
	values[1] = TimestampTzGetDatum(at);
	ret = SPI_execute_plan(plans[dependents][keep_existing], values, NULL,
						   false, 0);
	if (ret != SPI_OK_INSERT)
		elog(ERROR, "could not update cron.job_progress: SPI error %d", ret);
	pfree(elems);
}

/*
 * Catalog 1.1: the active dependent jobs whose upstream jobs have all
 * reached the awaited outcome since the dependent's last run took them
 * (a BeatDueDependent List, in the caller's memory context).  A join waits
 * for every upstream; the run serves the latest upstream slot.
 */
List *
beat_catalog_due_dependents(void)
{
	static SPIPlanPtr plan = NULL;
	MemoryContext callercxt = CurrentMemoryContext;
	List	   *due = NIL;
	uint64		i;
	int			ret;

	if (!catalog_1_1)
		return NIL;
	catalog_kept_plan(&plan,
					  "SELECT m.jobid, pg_catalog.max(m.seq), pg_catalog.max(m.slot)"
					  " FROM (SELECT j.jobid,"
					  "   GREATEST(ds.after_seq, p.outcomes_from) AS after_seq,"
					  "   CASE j.depends_outcome"
					  "     WHEN 'succeeded' THEN us.succeeded_seq"
					  "     WHEN 'failed' THEN us.failed_seq"
					  "     ELSE GREATEST(us.succeeded_seq, us.failed_seq) END AS seq,"
					  "   CASE j.depends_outcome"
					  "     WHEN 'succeeded' THEN us.succeeded_slot"
					  "     WHEN 'failed' THEN us.failed_slot"
					  "     ELSE CASE WHEN COALESCE(us.succeeded_seq, 0) > COALESCE(us.failed_seq, 0)"
					  "          THEN us.succeeded_slot ELSE us.failed_slot END END AS slot"
					  "  FROM cron.job j"
					  "  CROSS JOIN LATERAL pg_catalog.unnest(j.depends_on) AS u(upstream)"
					  "  LEFT JOIN cron.job_stats us ON us.jobid OPERATOR(pg_catalog.=) u.upstream"
					  "  LEFT JOIN cron.job_stats ds ON ds.jobid OPERATOR(pg_catalog.=) j.jobid"
					  "  LEFT JOIN cron.job_progress p ON p.jobid OPERATOR(pg_catalog.=) j.jobid"
					  "  WHERE j.depends_outcome IS NOT NULL AND j.active) m"
					  " GROUP BY m.jobid, m.after_seq"
					  " HAVING pg_catalog.bool_and(COALESCE(m.seq, 0) > COALESCE(m.after_seq, 0))",
					  0, NULL);
	/* not read-only: see the outcomes this transaction just wrote */
	ret = SPI_execute_plan(plan, NULL, NULL, false, 0);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "could not read the due dependent jobs: SPI error %d", ret);
	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		Datum		d;
		BeatDueDependent *dd;
		MemoryContext old = MemoryContextSwitchTo(callercxt);

		dd = palloc(sizeof(BeatDueDependent));
		MemoryContextSwitchTo(old);
		dd->jobid = DatumGetInt64(SPI_getbinval(tuple, desc, 1, &isnull));
		dd->seq = DatumGetInt64(SPI_getbinval(tuple, desc, 2, &isnull));
		d = SPI_getbinval(tuple, desc, 3, &isnull);
		dd->slot = isnull ? GetCurrentTimestamp() : DatumGetTimestampTz(d);
		old = MemoryContextSwitchTo(callercxt);
		due = lappend(due, dd);
		MemoryContextSwitchTo(old);
	}
	return due;
}

/*
 * Forget the statistics of jobs that no longer exist.
 */
void
beat_catalog_purge_stats(void)
{
	int			ret;

	ret = SPI_execute("DELETE FROM cron.job_stats s WHERE NOT EXISTS"
					  " (SELECT 1 FROM cron.job j WHERE j.jobid = s.jobid)",
					  false, 0);
	if (ret != SPI_OK_DELETE)
		elog(ERROR, "could not purge cron.job_stats: SPI error %d", ret);
	if (!catalog_1_1)
		return;
	ret = SPI_execute("DELETE FROM cron.job_progress p WHERE NOT EXISTS"
					  " (SELECT 1 FROM cron.job j WHERE j.jobid = p.jobid)",
					  false, 0);
	if (ret != SPI_OK_DELETE)
		elog(ERROR, "could not purge cron.job_progress: SPI error %d", ret);
}

/*
 * The dead man's switch: jobs whose last success (or, if none, first run) is
 * older than their threshold and that were not announced yet.  Marks them
 * announced and returns them (a List of BeatOverdueRow), to be announced in
 * this transaction.  A success clears the mark.  The age is compared with
 * the threshold, not the threshold subtracted from now(): any threshold, as
 * large as a user may write it, compares without overflow.  The launcher
 * builds the announcement: fields of any length must be cut to fit it.
 */
List *
beat_catalog_take_overdue(int64 default_usecs)
{
	Oid			argtypes[1] = {INTERVALOID};
	Datum		values[1];
	Interval   *iv = palloc0(sizeof(Interval));
	List	   *rows = NIL;
	uint64		i;
	int			ret;

	iv->time = default_usecs;
	values[0] = IntervalPGetDatum(iv);

	ret = SPI_execute_with_args("UPDATE cron.job_stats s SET overdue_notified = true"
								" FROM cron.job j"
								" WHERE j.jobid = s.jobid AND j.active"
								"   AND NOT s.overdue_notified"
								"   AND COALESCE(j.overdue_after, NULLIF($1, '0')) IS NOT NULL"
								"   AND now() - COALESCE(s.last_success, s.first_run)"
								"       > COALESCE(j.overdue_after, $1)"
								" RETURNING j.jobid, j.jobname, s.last_success,"
								"   COALESCE(j.overdue_after, $1)::text,"
								"   j.database, j.username",
								1, argtypes, values, NULL, false, 0);
	if (ret != SPI_OK_UPDATE_RETURNING)
		elog(ERROR, "could not check overdue jobs: SPI error %d", ret);
	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		BeatOverdueRow *r = palloc0(sizeof(BeatOverdueRow));
		bool		isnull;
		Datum		d;

		r->jobid = DatumGetInt64(SPI_getbinval(tuple, desc, 1, &isnull));
		r->jobname = SPI_getvalue(tuple, desc, 2);
		d = SPI_getbinval(tuple, desc, 3, &isnull);
		r->last_success = isnull ? 0 : DatumGetTimestampTz(d);
		r->overdue_after = SPI_getvalue(tuple, desc, 4);
		r->database = SPI_getvalue(tuple, desc, 5);
		r->username = SPI_getvalue(tuple, desc, 6);
		rows = lappend(rows, r);
	}
	return rows;
}

/*
 * How many history rows ended more than retention ago, counting at most
 * limit: the purge's backlog, for the log.
 */
uint64
beat_catalog_count_purgeable(int64 retention_usecs, int64 limit)
{
	Oid			argtypes[2] = {TIMESTAMPTZOID, INT8OID};
	Datum		values[2];
	int			ret;

	values[0] = TimestampTzGetDatum(GetCurrentTimestamp() - retention_usecs);
	values[1] = Int64GetDatum(limit);

	ret = SPI_execute_with_args("SELECT pg_catalog.count(*) FROM"
								" (SELECT 1 FROM cron.job_run_details"
								"  WHERE end_time OPERATOR(pg_catalog.<) $1"
								"  LIMIT $2) s",
								2, argtypes, values, NULL, true, 1);
	return catalog_count_result(ret, "count the history to purge");
}
