/*-------------------------------------------------------------------------
 *
 * api.c
 *	  SQL-callable functions that guard cron.job and show runs in flight.
 *
 * The SQL API (cron.schedule, cron.alter_job, ...) writes cron.job as the
 * extension's owner on behalf of its caller (api_call.c; ordinary roles hold
 * only SELECT on the tables); every row it writes passes through
 * cron.job_check(), the BEFORE trigger here.  The trigger is where the rules
 * live, so they hold the same for the API and for a direct INSERT or UPDATE
 * (a superuser's, or a role a DBA granted table privileges to), and it
 * judges by the acting user (beat_acting_user()): the API's caller inside
 * an API call, else the current user:
 *
 *	- the schedule parses and the time zone exists;
 *	- the owner (username) exists and may log in;
 *	- a non-superuser schedules only as themselves, only in databases they
 *	  may CONNECT to, and cannot hand a job to someone else;
 *	- with cron.enable_superuser_jobs off, no job belongs to a superuser;
 *	- the pg_beat options hold sensible values;
 *	- an "after" schedule names existing jobs of the same owner and makes no
 *	  cycle; the trigger resolves the names to ids (depends_on) when the
 *	  schedule is written, so a dependency follows its upstream job through
 *	  a rename.
 *
 * Two more triggers keep dependencies whole: cron.job_renamed() rewrites
 * the schedules that name a renamed job, and cron.job_deleted() refuses to
 * remove a job that others still run after (cron.unschedule(..., cascade
 * => true) removes them together, in one statement).
 *
 * The triggers' own queries on cron.job see what row-level security shows
 * the acting user (api_visible_owner()): inside an API call they run as
 * the extension's owner, whom row-level security does not filter.
 *
 * Dependencies are checked against the latest committed state, not the
 * transaction's snapshot, and the rows a check reads are locked FOR SHARE:
 * two transactions that each add one edge of a cycle, or one that adds a
 * dependent while another removes its upstream, cannot both commit (the
 * second waits for the first, then sees its work), as core's
 * ri_triggers.c does for foreign keys.
 *
 * A superuser's restore (check_function_bodies off) skips the checks of
 * whether the job can run now (its database and owner exist, the owner may
 * log in, superuser jobs are enabled): a restore brings back every job.
 *
 * cron.job_changed(), the row and TRUNCATE trigger, tells the launcher
 * which jobs to reload once the transaction commits.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_type.h"
#include "commands/sequence.h"
#include "commands/dbcommands.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/proc.h"
#include "storage/procarray.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/backend_status.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"

#include "api_call.h"
#include "compat.h"
#include "cronexpr.h"
#include "dependency.h"
#include "guc.h"
#include "schedule.h"
#include "shmem.h"

PG_FUNCTION_INFO_V1(cron_job_check);
PG_FUNCTION_INFO_V1(cron_job_changed);
PG_FUNCTION_INFO_V1(cron_job_renamed);
PG_FUNCTION_INFO_V1(cron_job_deleted);
PG_FUNCTION_INFO_V1(cron_running_runs);
PG_FUNCTION_INFO_V1(cron_run_job);
PG_FUNCTION_INFO_V1(cron_cancel_run);

/* Longest command accepted: a typo that pastes a dump is not a job. */
#define API_MAX_COMMAND_LENGTH (1024 * 1024)

/* Longest exclusive group name, as for an identifier (NAMEDATALEN - 1). */
#define API_MAX_GROUP_LENGTH 63

/* Most jobs a cycle check visits: far more than any real chain. */
#define API_MAX_CHAIN_JOBS 100000

static Datum
api_get(TriggerData *trigdata, HeapTuple tuple, const char *column,
		bool *isnull)
{
	TupleDesc	desc = trigdata->tg_relation->rd_att;
	int			attno = SPI_fnumber(desc, column);

	if (attno <= 0)
		elog(ERROR, "cron.job has no column \"%s\"", column);
	return SPI_getbinval(tuple, desc, attno, isnull);
}

static char *
api_get_text(TriggerData *trigdata, HeapTuple tuple, const char *column)
{
	bool		isnull;
	Datum		d = api_get(trigdata, tuple, column, &isnull);

	return isnull ? NULL : TextDatumGetCString(d);
}

static void
api_require(const char *value, const char *what)
{
	if (value == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be null", what)));
	if (value[strspn(value, " \t\r\n")] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must not be empty", what)));
}

/*
 * Whose jobs the triggers' own queries on cron.job may see: the rows
 * row-level security shows the acting user.  NULL when that is every row (a
 * superuser, a role with BYPASSRLS, the table's owner), else the acting
 * user's name, to compare with username.  Inside an API call the queries
 * run as the extension's owner, whom row-level security does not filter,
 * so they filter by this themselves; elsewhere it repeats what row-level
 * security does anyway.
 */
static char *
api_visible_owner(TriggerData *trigdata)
{
	Oid			acting = beat_acting_user();

	if (check_enable_rls(RelationGetRelid(trigdata->tg_relation), acting,
						 true) != RLS_ENABLED)
		return NULL;
	return GetUserNameFromId(acting, false);
}

/*
 * Check the owner of a job being written: exists, may log in, and, when the
 * acting user (caller) is not a superuser, is the caller.
 */
static void
api_check_owner(const char *username, const char *database, Oid caller_id,
				bool caller_super, bool remote, bool restoring)
{
	HeapTuple	roletup;
	Form_pg_authid role;
	Oid			database_oid;
	bool		owner_super;
	bool		owner_login;

	/* a remote job's database lives on the other server */
	database_oid = remote ? InvalidOid : get_database_oid(database, true);
	if (!remote && !OidIsValid(database_oid) && !restoring)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_DATABASE),
				 errmsg("database \"%s\" does not exist", database)));

	roletup = SearchSysCache1(AUTHNAME, CStringGetDatum(username));
	if (!HeapTupleIsValid(roletup) && restoring)
		return;
	if (!HeapTupleIsValid(roletup))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("role \"%s\" does not exist", username)));
	role = (Form_pg_authid) GETSTRUCT(roletup);
	owner_super = role->rolsuper;
	owner_login = role->rolcanlogin;
	ReleaseSysCache(roletup);

	if (!caller_super)
	{
		char	   *caller = GetUserNameFromId(caller_id, false);

		if (strcmp(caller, username) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("permission denied to schedule a job as role \"%s\"",
							username),
					 errdetail("Only superusers may schedule or change jobs of other roles.")));

		if (!remote &&
			beat_database_aclcheck(database_oid, caller_id, ACL_CONNECT) != ACLCHECK_OK)
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("permission denied for database \"%s\"", database),
					 errdetail("Role \"%s\" does not have CONNECT privilege on database \"%s\".",
							   username, database)));
	}

	/* a restore keeps the job; the launcher reports it when it is due */
	if (restoring)
		return;

	if (!owner_login)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("role \"%s\" is not permitted to log in", username),
				 errdetail("A job runs in a session of its owner, so the owner needs the LOGIN attribute.")));

	if (owner_super && !beat_enable_superuser_jobs)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("cannot schedule a job as superuser \"%s\"", username),
				 errdetail("cron.enable_superuser_jobs is off.")));
}

/*
 * Run a query on cron.job that must see what other transactions committed
 * since ours took its snapshot, as ri_triggers.c does for foreign keys.  In
 * READ COMMITTED each SPI query takes a fresh snapshot anyway.  In
 * REPEATABLE READ and SERIALIZABLE the query runs on the latest snapshot,
 * with the transaction snapshot as crosscheck: an UPDATE of a row that
 * changed after our snapshot raises a serialization failure rather than
 * overwrite what we never saw.  nulls is as for SPI_execute_plan (NULL: no
 * argument is null).  Returns the SPI result code.  The caller is connected
 * to SPI.
 */
static int
api_execute_latest(const char *query, int nargs, Oid *argtypes, Datum *values,
				   const char *nulls, long tcount)
{
	SPIPlanPtr	plan = SPI_prepare(query, nargs, argtypes);
	Snapshot	test_snapshot = InvalidSnapshot;
	Snapshot	crosscheck_snapshot = InvalidSnapshot;
	int			ret;

	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed for \"%s\": %s", query,
			 SPI_result_code_string(SPI_result));
	if (IsolationUsesXactSnapshot())
	{
		CommandCounterIncrement();
		test_snapshot = GetLatestSnapshot();
		crosscheck_snapshot = GetTransactionSnapshot();
	}
	ret = SPI_execute_snapshot(plan, values, nulls, test_snapshot,
							   crosscheck_snapshot, false, true, tcount);
	SPI_freeplan(plan);
	if (ret < 0)
		elog(ERROR, "SPI_execute_snapshot failed for \"%s\": %s", query,
			 SPI_result_code_string(ret));
	return ret;
}

/* A one-element bigint[] datum. */
static Datum
api_int8_array1(int64 value)
{
	Datum		d = Int64GetDatum(value);

	return PointerGetDatum(construct_array(&d, 1, INT8OID, 8, FLOAT8PASSBYVAL,
										   TYPALIGN_DOUBLE));
}

/* A job as messages name it: its name as a schedule would write it. */
static char *
api_job_label(const char *jobname, int64 jobid)
{
	char	   *buf;
	size_t		len;

	if (jobname == NULL)
		return psprintf("job " INT64_FORMAT, jobid);
	len = dependency_quote_name(jobname, NULL, 0);
	buf = palloc(len + 1);
	dependency_quote_name(jobname, buf, len + 1);
	return buf;
}

/*
 * The jobs that run after job jobid, as a list for messages ("refresh",
 * "vacuum"), in *list; returns how many.  Sees the latest committed state,
 * of the jobs of visible_owner (NULL: every job; see api_visible_owner()).
 * Connects to SPI itself.
 */
static uint64
api_dependents(int64 jobid, const char *visible_owner, char **list)
{
	Oid			argtypes[2] = {INT8ARRAYOID, TEXTOID};
	Datum		values[2];
	char		nulls[2] = {' ', ' '};
	StringInfoData buf;
	uint64		n;
	uint64		i;
	MemoryContext cxt = CurrentMemoryContext;

	values[0] = api_int8_array1(jobid);
	values[1] = visible_owner ? CStringGetTextDatum(visible_owner) : (Datum) 0;
	nulls[1] = visible_owner ? ' ' : 'n';
	SPI_connect();
	api_execute_latest("SELECT jobname, jobid FROM cron.job "
					   "WHERE depends_on OPERATOR(pg_catalog.@>) $1 "
					   "AND ($2 IS NULL OR username OPERATOR(pg_catalog.=) $2) "
					   "ORDER BY jobid",
					   2, argtypes, values, nulls, 0);
	n = SPI_processed;
	initStringInfo(&buf);
	for (i = 0; i < n; i++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[i];
		bool		isnull;
		char	   *name = SPI_getvalue(tuple, SPI_tuptable->tupdesc, 1);
		int64		id = DatumGetInt64(SPI_getbinval(tuple, SPI_tuptable->tupdesc,
													 2, &isnull));

		if (i > 0)
			appendStringInfoString(&buf, ", ");
		if (name != NULL)
			appendStringInfo(&buf, "\"%s\"", name);
		else
			appendStringInfo(&buf, "job " INT64_FORMAT, id);
	}
	*list = MemoryContextStrdup(cxt, buf.data);
	SPI_finish();
	return n;
}

/* One job met while walking a dependency graph up from a job being written. */
typedef struct ApiChainNode
{
	int64		jobid;			/* hash key */
	int			index;			/* into the walk's arrays */
} ApiChainNode;

/*
 * Refuse a dependency cycle.  Job jobid (named jobname, perhaps NULL) is
 * being written to run after the jobs upstream[0..n): walk up from them
 * through depends_on, locking every job visited FOR SHARE and reading it as
 * last committed, and fail if the walk comes back to jobid.
 *
 * The locks are what make the check hold under concurrency: a transaction
 * that changes a job we visited waits for us (and we for it, if it is
 * already going, and then read its committed row), so two transactions
 * cannot each close half of a cycle.  The walk sees the jobs of
 * visible_owner (NULL: every job; see api_visible_owner()).  The caller is
 * connected to SPI.
 */
static void
api_check_cycle(int64 jobid, const char *jobname, const int64 *upstream, int n,
				const char *visible_owner)
{
	HASHCTL		ctl;
	HTAB	   *seen;
	int			capacity = Max(64, n);
	int64	   *ids = palloc(sizeof(int64) * capacity);
	int		   *parent = palloc(sizeof(int) * capacity);
	char	  **names = palloc0(sizeof(char *) * capacity);
	int			nnodes = 0;
	int			level_start = 0;
	int			i;

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(int64);
	ctl.entrysize = sizeof(ApiChainNode);
	ctl.hcxt = CurrentMemoryContext;
	seen = hash_create("pg_beat dependency walk", 64, &ctl,
					   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);

	for (i = 0; i < n; i++)
	{
		ApiChainNode *node = hash_search(seen, &upstream[i], HASH_ENTER, NULL);

		node->index = nnodes;
		ids[nnodes] = upstream[i];
		parent[nnodes] = -1;
		nnodes++;
	}

	while (level_start < nnodes)
	{
		int			level_end = nnodes;
		Datum	   *level = palloc(sizeof(Datum) * (level_end - level_start));
		Oid			argtypes[2] = {INT8ARRAYOID, TEXTOID};
		Datum		values[2];
		char		nulls[2] = {' ', ' '};
		uint64		r;

		for (i = level_start; i < level_end; i++)
			level[i - level_start] = Int64GetDatum(ids[i]);
		values[0] = PointerGetDatum(construct_array(level, level_end - level_start,
													INT8OID, 8, FLOAT8PASSBYVAL,
													TYPALIGN_DOUBLE));
		values[1] = visible_owner ? CStringGetTextDatum(visible_owner) : (Datum) 0;
		nulls[1] = visible_owner ? ' ' : 'n';
		/* in jobid order, so that concurrent walks lock in one order */
		api_execute_latest("SELECT jobid, jobname, depends_on FROM cron.job "
						   "WHERE jobid OPERATOR(pg_catalog.=) ANY ($1) "
						   "AND ($2 IS NULL OR username OPERATOR(pg_catalog.=) $2) "
						   "ORDER BY jobid FOR SHARE",
						   2, argtypes, values, nulls, 0);

		for (r = 0; r < SPI_processed; r++)
		{
			HeapTuple	tuple = SPI_tuptable->vals[r];
			TupleDesc	desc = SPI_tuptable->tupdesc;
			bool		isnull;
			int64		id = DatumGetInt64(SPI_getbinval(tuple, desc, 1, &isnull));
			ApiChainNode *node = hash_search(seen, &id, HASH_FIND, NULL);
			Datum		deps = SPI_getbinval(tuple, desc, 3, &isnull);
			Datum	   *upids;
			bool	   *upnulls;
			int			nup;
			int			k;

			if (node == NULL)
				continue;
			names[node->index] = SPI_getvalue(tuple, desc, 2);
			if (isnull)
				continue;

			deconstruct_array(DatumGetArrayTypeP(deps), INT8OID, 8,
							  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
							  &upids, &upnulls, &nup);
			for (k = 0; k < nup; k++)
			{
				int64		up;
				bool		found;
				ApiChainNode *upnode;

				if (upnulls[k])
					continue;
				up = DatumGetInt64(upids[k]);
				if (up == jobid)
				{
					StringInfoData path;
					int			j;

					/*
					 * The walk went from the job written up to this one;
					 * read it back downstream, the way the chain runs.
					 */
					initStringInfo(&path);
					appendStringInfoString(&path, api_job_label(jobname, jobid));
					for (j = node->index; j >= 0; j = parent[j])
						appendStringInfo(&path, " -> %s",
										 api_job_label(names[j], ids[j]));
					appendStringInfo(&path, " -> %s",
									 api_job_label(jobname, jobid));
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
							 errmsg("schedule of %s would make a dependency cycle",
									jobname ? psprintf("job \"%s\"", jobname) :
									psprintf("job " INT64_FORMAT, jobid)),
							 errdetail("The jobs would run after each other in a circle: %s.",
									   path.data),
							 errhint("A job cannot run after a job that runs after it; give one of the jobs of the cycle another schedule.")));
				}
				upnode = hash_search(seen, &up, HASH_ENTER, &found);
				if (found)
					continue;
				if (nnodes >= API_MAX_CHAIN_JOBS)
					ereport(ERROR,
							(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
							 errmsg("chain of dependent jobs is too large"),
							 errdetail("The jobs upstream of this job number more than %d.",
									   API_MAX_CHAIN_JOBS)));
				if (nnodes == capacity)
				{
					capacity *= 2;
					ids = repalloc(ids, sizeof(int64) * capacity);
					parent = repalloc(parent, sizeof(int) * capacity);
					names = repalloc(names, sizeof(char *) * capacity);
				}
				upnode->index = nnodes;
				ids[nnodes] = up;
				parent[nnodes] = node->index;
				names[nnodes] = NULL;
				nnodes++;
			}
		}
		level_start = level_end;
	}
	hash_destroy(seen);
}

/*
 * Resolve the names of an after schedule to job ids among the jobs of
 * username, in the order written, and check for cycles.  Job jobid (named
 * jobname, perhaps NULL) is the one being written.  Returns a bigint[]
 * datum allocated in the caller's context.
 *
 * A name that does not exist and a name that belongs to another role give
 * the same error: a dependent job cannot find out about others' jobs.
 */
static Datum
api_resolve_upstreams(const DependencySpec *spec, const char *username,
					  int64 jobid, const char *jobname,
					  const char *visible_owner)
{
	MemoryContext cxt = CurrentMemoryContext;
	Datum	   *names = palloc(sizeof(Datum) * spec->nupstreams);
	int64	   *ids = palloc(sizeof(int64) * spec->nupstreams);
	Datum	   *idvalues = palloc(sizeof(Datum) * spec->nupstreams);
	Oid			argtypes[2] = {TEXTOID, TEXTARRAYOID};
	Datum		values[2];
	Datum		result;
	int			i;

	for (i = 0; i < spec->nupstreams; i++)
	{
		const char *name = dependency_upstream(spec, i);

		if (jobname != NULL && strcmp(name, jobname) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
					 errmsg("job \"%s\" cannot run after itself", jobname),
					 errhint("Name other jobs in its after schedule.")));
		names[i] = CStringGetTextDatum(name);
	}
	values[0] = CStringGetTextDatum(username);
	values[1] = PointerGetDatum(construct_array(names, spec->nupstreams,
												TEXTOID, -1, false, TYPALIGN_INT));

	SPI_connect();

	/* lock them, so that they are not removed or renamed before we commit */
	api_execute_latest("SELECT jobname, jobid FROM cron.job "
					   "WHERE username OPERATOR(pg_catalog.=) $1 "
					   "AND jobname OPERATOR(pg_catalog.=) ANY ($2) "
					   "ORDER BY jobid FOR SHARE",
					   2, argtypes, values, NULL, 0);
	for (i = 0; i < spec->nupstreams; i++)
	{
		const char *name = dependency_upstream(spec, i);
		bool		found = false;
		uint64		r;

		for (r = 0; r < SPI_processed && !found; r++)
		{
			HeapTuple	tuple = SPI_tuptable->vals[r];
			bool		isnull;

			if (strcmp(SPI_getvalue(tuple, SPI_tuptable->tupdesc, 1), name) == 0)
			{
				ids[i] = DatumGetInt64(SPI_getbinval(tuple, SPI_tuptable->tupdesc,
													 2, &isnull));
				found = true;
			}
		}
		if (!found)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("job \"%s\" does not exist", name),
					 errdetail("A dependent job runs after jobs of its own owner, and role \"%s\" has no job of that name.",
							   username),
					 errhint("Schedule the job it runs after first, as the same role, or correct the name (names are case-sensitive).")));
		if (ids[i] == jobid)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
					 errmsg("job \"%s\" cannot run after itself", name),
					 errhint("Name other jobs in its after schedule.")));
		idvalues[i] = Int64GetDatum(ids[i]);
	}

	api_check_cycle(jobid, jobname, ids, spec->nupstreams, visible_owner);
	SPI_finish();

	{
		MemoryContext old = MemoryContextSwitchTo(cxt);

		result = PointerGetDatum(construct_array(idvalues, spec->nupstreams,
												 INT8OID, 8, FLOAT8PASSBYVAL,
												 TYPALIGN_DOUBLE));
		MemoryContextSwitchTo(old);
	}
	return result;
}

/* Set one column of the row being written. */
static HeapTuple
api_set(TriggerData *trigdata, HeapTuple tuple, const char *column,
		Datum value, bool isnull)
{
	int			attno = SPI_fnumber(trigdata->tg_relation->rd_att, column);

	if (attno <= 0)
		elog(ERROR, "cron.job has no column \"%s\"", column);
	return heap_modify_tuple_by_cols(tuple, trigdata->tg_relation->rd_att,
									 1, &attno, &value, &isnull);
}

/*
 * Keep depends_on and depends_outcome in step with the schedule of the row
 * being written (spec is NULL for a clock schedule).  The names are
 * resolved again only when they may mean other jobs: a new row, a new
 * schedule text, or a new owner; any other write keeps the ids it had, so
 * that nothing but the trigger decides them.  A superuser's restore keeps
 * the ids it brings: the jobs it names may come later in the dump.
 */
static HeapTuple
api_set_dependencies(TriggerData *trigdata, HeapTuple newtuple,
					 const DependencySpec *spec, const char *username,
					 bool restoring)
{
	bool		isnull;
	int64		jobid = DatumGetInt64(api_get(trigdata, newtuple, "jobid", &isnull));
	char	   *jobname = api_get_text(trigdata, newtuple, "jobname");
	Datum		deps = (Datum) 0;
	bool		resolve = true;

	if (spec == NULL)
	{
		newtuple = api_set(trigdata, newtuple, "depends_on", (Datum) 0, true);
		return api_set(trigdata, newtuple, "depends_outcome", (Datum) 0, true);
	}

	if (TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
	{
		HeapTuple	oldtuple = trigdata->tg_trigtuple;
		char	   *old_schedule = api_get_text(trigdata, oldtuple, "schedule");
		char	   *old_username = api_get_text(trigdata, oldtuple, "username");
		Datum		old_deps = api_get(trigdata, oldtuple, "depends_on", &isnull);

		if (!isnull && old_schedule != NULL && old_username != NULL &&
			strcmp(old_schedule, api_get_text(trigdata, newtuple, "schedule")) == 0 &&
			strcmp(old_username, username) == 0)
		{
			deps = old_deps;
			resolve = false;
		}
	}
	if (resolve && restoring)
	{
		Datum		new_deps = api_get(trigdata, newtuple, "depends_on", &isnull);

		if (!isnull)
		{
			deps = new_deps;
			resolve = false;
		}
	}
	if (resolve)
		deps = api_resolve_upstreams(spec, username, jobid, jobname,
									 api_visible_owner(trigdata));

	newtuple = api_set(trigdata, newtuple, "depends_on", deps, false);
	return api_set(trigdata, newtuple, "depends_outcome",
				   CStringGetTextDatum(dependency_outcome_name(spec->outcome)),
				   false);
}

/*
 * An update that takes the name or the owner away from a job that others
 * run after would leave them naming a job that is gone: refuse it.
 */
static void
api_check_upstream_update(TriggerData *trigdata, HeapTuple newtuple,
						  const char *username)
{
	HeapTuple	oldtuple = trigdata->tg_trigtuple;
	char	   *old_jobname = api_get_text(trigdata, oldtuple, "jobname");
	char	   *old_username = api_get_text(trigdata, oldtuple, "username");
	char	   *jobname = api_get_text(trigdata, newtuple, "jobname");
	bool		isnull;
	int64		jobid = DatumGetInt64(api_get(trigdata, oldtuple, "jobid", &isnull));
	bool		unnamed = jobname == NULL;
	bool		new_owner = old_username != NULL && strcmp(old_username, username) != 0;
	char	   *list;
	uint64		n;

	if (old_jobname == NULL || (!unnamed && !new_owner))
		return;
	n = api_dependents(jobid, api_visible_owner(trigdata), &list);
	if (n == 0)
		return;
	ereport(ERROR,
			(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
			 unnamed ?
			 errmsg("cannot remove the name of job \"%s\" because other jobs run after it",
					old_jobname) :
			 errmsg("cannot change the owner of job \"%s\" because other jobs run after it",
					old_jobname),
			 errdetail_plural("Job %s runs after it, and a job runs after jobs of its own owner, by name.",
							  "Jobs %s run after it, and a job runs after jobs of its own owner, by name.",
							  n, list),
			 errhint("Give %s another schedule first, or unschedule them.", list)));
}

/*
 * cron.job_check(): BEFORE INSERT OR UPDATE FOR EACH ROW trigger on cron.job.
 */
Datum
cron_job_check(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	HeapTuple	newtuple;
	Oid			caller = beat_acting_user();
	bool		caller_super = superuser_arg(caller);
	bool		restoring;
	char	   *schedule;
	char	   *command;
	char	   *nodename;
	char	   *database;
	char	   *username;
	char	   *jobname;
	char	   *timezone;
	char	   *policy;
	char	   *group;
	CronExpr	expr;
	DependencySpec *spec = NULL;
	bool		catalog_1_1;
	Datum		d;
	bool		isnull;

	if (!CALLED_AS_TRIGGER(fcinfo) ||
		!TRIGGER_FIRED_BEFORE(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		TRIGGER_FIRED_BY_DELETE(trigdata->tg_event))
		elog(ERROR, "cron.job_check() must be a BEFORE INSERT OR UPDATE row trigger");

	newtuple = TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event) ?
		trigdata->tg_newtuple : trigdata->tg_trigtuple;

	schedule = api_get_text(trigdata, newtuple, "schedule");
	command = api_get_text(trigdata, newtuple, "command");
	nodename = api_get_text(trigdata, newtuple, "nodename");
	database = api_get_text(trigdata, newtuple, "database");
	username = api_get_text(trigdata, newtuple, "username");
	jobname = api_get_text(trigdata, newtuple, "jobname");
	timezone = api_get_text(trigdata, newtuple, "timezone");

	/* the columns of 1.1 are missing until ALTER EXTENSION pg_beat UPDATE */
	catalog_1_1 = SPI_fnumber(trigdata->tg_relation->rd_att, "depends_on") > 0;

	api_require(schedule, "schedule");
	if (beat_schedule_is_after(schedule))
	{
		spec = palloc(sizeof(DependencySpec));
		beat_parse_after(schedule, spec);
		if (!catalog_1_1)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("after schedules need pg_beat 1.1"),
					 errdetail("The pg_beat catalog in this database is version 1.0."),
					 errhint("Run ALTER EXTENSION pg_beat UPDATE.")));
	}
	else
		beat_parse_schedule(schedule, &expr);

	api_require(command, "command");
	if (strlen(command) > API_MAX_COMMAND_LENGTH)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("command is too long"),
				 errdetail("A command may be at most %d bytes.", API_MAX_COMMAND_LENGTH)));

	if (nodename == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("nodename must not be null")));
	d = api_get(trigdata, newtuple, "nodeport", &isnull);
	if (isnull || DatumGetInt32(d) < 1 || DatumGetInt32(d) > 65535)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("nodeport must be between 1 and 65535")));

	api_require(database, "database");
	api_require(username, "username");

	if (jobname != NULL && jobname[strspn(jobname, " \t\r\n")] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("job name must not be empty"),
				 errhint("Use NULL for a job without a name.")));

	if (timezone != NULL)
	{
		if (timezone[0] == '\0')
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("time zone must not be empty"),
					 errhint("Use NULL to follow cron.timezone.")));
		/* kept, but without meaning, while the schedule is an after one */
		(void) beat_lookup_timezone(timezone);
	}

	group = catalog_1_1 ? api_get_text(trigdata, newtuple, "exclusive_group") : NULL;
	if (group != NULL)
	{
		if (group[strspn(group, " \t\r\n")] == '\0')
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("exclusive group must not be empty"),
					 errhint("Use NULL for a job in no exclusive group.")));
		if (strlen(group) > API_MAX_GROUP_LENGTH)
			ereport(ERROR,
					(errcode(ERRCODE_NAME_TOO_LONG),
					 errmsg("exclusive group name \"%s\" is too long", group),
					 errdetail("An exclusive group name may be at most %d bytes.",
							   API_MAX_GROUP_LENGTH)));
	}

	d = api_get(trigdata, newtuple, "timeout", &isnull);
	if (!isnull && beat_interval_usecs(DatumGetIntervalP(d)) <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("timeout must be a positive interval"),
				 errhint("Use NULL for no limit.")));

	d = api_get(trigdata, newtuple, "overdue_after", &isnull);
	if (!isnull && beat_interval_usecs(DatumGetIntervalP(d)) <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("overdue_after must be a positive interval"),
				 errhint("Use NULL to follow cron.overdue_after.")));

	d = api_get(trigdata, newtuple, "max_retries", &isnull);
	if (isnull || DatumGetInt32(d) < 0 || DatumGetInt32(d) > 100)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_retries must be between 0 and 100")));

	d = api_get(trigdata, newtuple, "retry_delay", &isnull);
	if (isnull || beat_interval_usecs(DatumGetIntervalP(d)) <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("retry_delay must be a positive interval")));

	policy = api_get_text(trigdata, newtuple, "overlap_policy");
	if (policy == NULL ||
		(strcmp(policy, "queue") != 0 && strcmp(policy, "skip") != 0 &&
		 strcmp(policy, "allow") != 0 && strcmp(policy, "replace") != 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid overlap_policy \"%s\"", policy ? policy : "(null)"),
				 errhint("Use one of queue, skip, allow or replace.")));

	policy = api_get_text(trigdata, newtuple, "misfire_policy");
	if (policy == NULL ||
		(strcmp(policy, "skip") != 0 && strcmp(policy, "run_once") != 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid misfire_policy \"%s\"", policy ? policy : "(null)"),
				 errhint("Use skip or run_once.")));

	if (TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
	{
		HeapTuple	oldtuple = trigdata->tg_trigtuple;
		char	   *old_username = api_get_text(trigdata, oldtuple, "username");
		Datum		oldid = api_get(trigdata, oldtuple, "jobid", &isnull);
		Datum		newid = api_get(trigdata, newtuple, "jobid", &isnull);

		if (DatumGetInt64(oldid) != DatumGetInt64(newid))
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("cannot change the jobid of a job")));

		/* row-level security already hides others' jobs; be explicit */
		if (!caller_super && old_username != NULL &&
			strcmp(old_username, GetUserNameFromId(caller, false)) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("permission denied to change job " INT64_FORMAT,
							DatumGetInt64(oldid)),
					 errdetail("The job belongs to role \"%s\".", old_username)));
	}

	/*
	 * A job on another server connects with the credentials of this server's
	 * OS user (.pgpass, certificates): only a superuser may aim them.
	 */
	if (!beat_nodename_is_local(nodename) && !caller_super)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to run a job on server \"%s\"", nodename),
				 errdetail("Only superusers may schedule jobs whose nodename names another server."),
				 errhint("Use nodename 'localhost' to run the job on this server.")));

	/*
	 * A superuser's restore (pg_dump, pg_dumpall and pg_restore scripts all
	 * SET check_function_bodies = false, which is how PostgreSQL's own
	 * validators recognise a restore) must bring back every job as it was:
	 * pg_dumpall restores this database before the others a job may name,
	 * and a dump may hold jobs of a database since dropped, or of an owner
	 * who lost LOGIN or was dropped.  Those checks are about whether the job
	 * can run now, which the launcher checks again at every run and reports;
	 * the checks that protect against users still apply to everyone else.
	 */
	restoring = caller_super && !check_function_bodies;

	api_check_owner(username, database, caller, caller_super,
					!beat_nodename_is_local(nodename), restoring);

	/*
	 * Pin the owner's identity: the launcher runs the job only as the role
	 * with this OID, so a role dropped and re-created, or renamed, under the
	 * same name never inherits the job.  A write that keeps the owner keeps
	 * the pin; any other write (a new job, a new owner, a restore from a
	 * dump) takes the OID the name has now.  A restored job whose owner does
	 * not exist is pinned to no role (NULL), and the launcher runs it as
	 * nobody: a role created later under that name does not inherit it until
	 * a superuser writes the job again.
	 */
	{
		Oid			userid = get_role_oid(username, restoring);
		bool		keep = false;

		if (TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
		{
			char	   *old_username = api_get_text(trigdata, trigdata->tg_trigtuple,
													"username");
			Datum		old_userid = api_get(trigdata, trigdata->tg_trigtuple,
											 "userid", &isnull);

			keep = !isnull && old_username != NULL &&
				strcmp(old_username, username) == 0;
			if (keep)
				userid = DatumGetObjectId(old_userid);
		}
		{
			int			attno = SPI_fnumber(trigdata->tg_relation->rd_att, "userid");
			Datum		value = ObjectIdGetDatum(userid);
			bool		null = !OidIsValid(userid);

			newtuple = heap_modify_tuple_by_cols(newtuple,
												 trigdata->tg_relation->rd_att,
												 1, &attno, &value, &null);
		}
	}

	if (catalog_1_1)
	{
		if (TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
			api_check_upstream_update(trigdata, newtuple, username);
		newtuple = api_set_dependencies(trigdata, newtuple, spec, username,
										restoring);
	}

	return PointerGetDatum(newtuple);
}

/*
 * cron.job_renamed(): AFTER UPDATE FOR EACH ROW trigger on cron.job, fired
 * when jobname changes.  The jobs that run after the renamed job keep
 * running after it (depends_on holds its id), but their schedules name it:
 * rewrite the name in each, in place, so that the schedule still says what
 * the job does.  The rewrite goes through cron.job_check() like any
 * update, which resolves the new name to the same id.  The dependents
 * belong to the renamed job's owner, whom the acting user may see (the
 * acting user is that owner or a superuser); the query sees no more than
 * row-level security shows the acting user (api_visible_owner()).
 */
Datum
cron_job_renamed(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	HeapTuple	newtuple;
	char	   *new_name;
	int64		jobid;
	bool		isnull;
	Oid			argtypes[2] = {INT8OID, TEXTOID};
	int64	   *ids;
	char	  **schedules;
	Datum	   *deps;
	uint64		n;
	uint64		i;
	MemoryContext cxt = CurrentMemoryContext;

	if (!CALLED_AS_TRIGGER(fcinfo) ||
		!TRIGGER_FIRED_AFTER(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		!TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
		elog(ERROR, "cron.job_renamed() must be an AFTER UPDATE row trigger");

	newtuple = trigdata->tg_newtuple;
	new_name = api_get_text(trigdata, newtuple, "jobname");
	jobid = DatumGetInt64(api_get(trigdata, newtuple, "jobid", &isnull));
	/* cron.job_check() refused to unname a job others run after */
	if (new_name == NULL)
		return PointerGetDatum(NULL);

	SPI_connect();
	{
		Oid			types[2] = {INT8ARRAYOID, TEXTOID};
		Datum		values[2];
		char		nulls[2] = {' ', ' '};
		char	   *visible_owner = api_visible_owner(trigdata);

		values[0] = api_int8_array1(jobid);
		values[1] = visible_owner ? CStringGetTextDatum(visible_owner) : (Datum) 0;
		nulls[1] = visible_owner ? ' ' : 'n';
		api_execute_latest("SELECT jobid, schedule, depends_on FROM cron.job "
						   "WHERE depends_on OPERATOR(pg_catalog.@>) $1 "
						   "AND ($2 IS NULL OR username OPERATOR(pg_catalog.=) $2) "
						   "ORDER BY jobid",
						   2, types, values, nulls, 0);
	}
	n = SPI_processed;
	ids = palloc(sizeof(int64) * (n + 1));
	schedules = palloc(sizeof(char *) * (n + 1));
	deps = palloc(sizeof(Datum) * (n + 1));
	for (i = 0; i < n; i++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;

		ids[i] = DatumGetInt64(SPI_getbinval(tuple, desc, 1, &isnull));
		schedules[i] = MemoryContextStrdup(cxt, SPI_getvalue(tuple, desc, 2));
		deps[i] = datumCopy(SPI_getbinval(tuple, desc, 3, &isnull), false, -1);
	}

	for (i = 0; i < n; i++)
	{
		DependencySpec *spec = palloc(sizeof(DependencySpec));
		DependencyError err;
		Datum	   *upids;
		bool	   *upnulls;
		int			nup;
		int			k;
		StringInfoData text;
		Datum		values[2];
		char	   *quoted;
		size_t		len;

		/*
		 * depends_on holds the ids in the order the schedule names them, so
		 * the renamed job's position in it is the token to replace.  A row
		 * where they disagree (written with the trigger disabled) is left
		 * as it is.
		 */
		if (!dependency_parse(schedules[i], spec, &err))
			continue;
		deconstruct_array(DatumGetArrayTypeP(deps[i]), INT8OID, 8,
						  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
						  &upids, &upnulls, &nup);
		if (nup != spec->nupstreams)
			continue;
		for (k = 0; k < nup; k++)
			if (!upnulls[k] && DatumGetInt64(upids[k]) == jobid)
				break;
		if (k == nup)
			continue;

		len = dependency_quote_name(new_name, NULL, 0);
		quoted = palloc(len + 1);
		dependency_quote_name(new_name, quoted, len + 1);
		initStringInfo(&text);
		appendBinaryStringInfo(&text, schedules[i], spec->token_start[k]);
		appendStringInfoString(&text, quoted);
		appendStringInfoString(&text,
							   schedules[i] + spec->token_start[k] + spec->token_length[k]);

		values[0] = Int64GetDatum(ids[i]);
		values[1] = CStringGetTextDatum(text.data);
		api_execute_latest("UPDATE cron.job SET schedule = $2 "
						   "WHERE jobid OPERATOR(pg_catalog.=) $1",
						   2, argtypes, values, NULL, 0);
	}
	SPI_finish();

	return PointerGetDatum(NULL);
}

/*
 * cron.job_deleted(): AFTER DELETE FOR EACH ROW trigger on cron.job.
 * Refuse to remove a job that other jobs still run after.  An AFTER
 * trigger sees the whole statement done, so one DELETE may remove a job
 * together with its dependents, in any row order (that is how
 * cron.unschedule(..., cascade => true) works), and only dependents left
 * behind count.
 */
Datum
cron_job_deleted(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	HeapTuple	oldtuple;
	char	   *jobname;
	int64		jobid;
	bool		isnull;
	char	   *list;
	uint64		n;

	if (!CALLED_AS_TRIGGER(fcinfo) ||
		!TRIGGER_FIRED_AFTER(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		!TRIGGER_FIRED_BY_DELETE(trigdata->tg_event))
		elog(ERROR, "cron.job_deleted() must be an AFTER DELETE row trigger");

	oldtuple = trigdata->tg_trigtuple;
	jobname = api_get_text(trigdata, oldtuple, "jobname");
	jobid = DatumGetInt64(api_get(trigdata, oldtuple, "jobid", &isnull));

	/* only a named job can be named in an after schedule */
	if (jobname == NULL)
		return PointerGetDatum(NULL);

	n = api_dependents(jobid, api_visible_owner(trigdata), &list);
	if (n > 0)
		ereport(ERROR,
				(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
				 errmsg("cannot unschedule job \"%s\" because other jobs run after it",
						jobname),
				 errdetail_plural("Job %s runs after job \"%s\".",
								  "Jobs %s run after job \"%s\".",
								  n, list, jobname),
				 errhint("Unschedule %s first, or use cron.unschedule(..., cascade => true) to unschedule them too.",
						 list)));

	return PointerGetDatum(NULL);
}

/*
 * cron.job_changed(): AFTER INSERT OR UPDATE OR DELETE ... FOR EACH ROW and
 * AFTER TRUNCATE ... FOR EACH STATEMENT trigger on cron.job.  A row names
 * the job the launcher must reload when the transaction commits; anything
 * else (TRUNCATE) makes it reload every job.
 */
Datum
cron_job_changed(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		elog(ERROR, "cron.job_changed() must be called as a trigger");

	if (TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) &&
		TRIGGER_FIRED_AFTER(trigdata->tg_event))
	{
		bool		isnull;
		Datum		jobid;

		/* the old row of an UPDATE or DELETE, the new row of an INSERT */
		jobid = api_get(trigdata, trigdata->tg_trigtuple, "jobid", &isnull);
		if (!isnull)
			beat_job_changed_at_commit(DatumGetInt64(jobid));
		if (TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
		{
			Datum		newid = api_get(trigdata, trigdata->tg_newtuple,
										"jobid", &isnull);

			/* cron.job_check() forbids a new jobid; do not rely on it */
			if (!isnull && DatumGetInt64(newid) != DatumGetInt64(jobid))
				beat_job_changed_at_commit(DatumGetInt64(newid));
		}
	}
	else
		beat_all_jobs_changed_at_commit();

	return PointerGetDatum(NULL);
}

/*
 * cron.running_runs(): the runs in flight, from shared memory.  A
 * non-superuser sees the runs of the roles whose privileges they have.
 */
Datum
cron_running_runs(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	TimestampTz now = GetCurrentTimestamp();
	int			i;

	InitMaterializedSRF(fcinfo, 0);

	if (beat_shared == NULL)
		return (Datum) 0;

	for (i = 0; i < beat_shared->nslots; i++)
	{
		BeatRunSlot *slot = &beat_shared->slots[i];
		BeatRunSlot copy;
		Datum		values[11];
		bool		nulls[11];
		PGPROC	   *proc;
		const char *database;
		const char *username;

		LWLockAcquire(beat_shared->lock, LW_SHARED);
		if (slot->state != BEAT_SLOT_STARTING && slot->state != BEAT_SLOT_RUNNING)
		{
			LWLockRelease(beat_shared->lock);
			continue;
		}
		memcpy(&copy, slot, offsetof(BeatRunSlot, message));
		LWLockRelease(beat_shared->lock);

		/* as row-level security on the tables: your own runs, or all */
		if (!superuser() && copy.user_oid != GetUserId())
			continue;

		memset(nulls, 0, sizeof(nulls));
		values[0] = Int64GetDatum(copy.runid);
		values[1] = Int64GetDatum(copy.jobid);
		values[2] = Int32GetDatum(copy.pid);
		nulls[2] = (copy.pid == 0);
		values[3] = CStringGetTextDatum(copy.state == BEAT_SLOT_RUNNING ?
										"running" : "starting");
		values[4] = TimestampTzGetDatum(copy.scheduled_time);
		nulls[4] = (copy.scheduled_time == 0);
		values[5] = TimestampTzGetDatum(copy.start_time);
		nulls[5] = (copy.start_time == 0);
		if (copy.start_time != 0)
		{
			Interval   *iv = palloc0(sizeof(Interval));

			iv->time = now - copy.start_time;
			values[6] = IntervalPGetDatum(iv);
		}
		else
			nulls[6] = true;

		nulls[7] = nulls[8] = true;
		if (copy.awaiting_group)
		{
			/* recorded, waits for its exclusive group to be free */
			values[7] = CStringGetTextDatum("pg_beat");
			values[8] = CStringGetTextDatum("WaitingForExclusiveGroup");
			nulls[7] = nulls[8] = false;
		}
		else if (copy.awaiting_worker)
		{
			/* recorded, but max_worker_processes has no room yet */
			values[7] = CStringGetTextDatum("pg_beat");
			values[8] = CStringGetTextDatum("WaitingForBackgroundWorker");
			nulls[7] = nulls[8] = false;
		}
		else if (copy.pid != 0 && (proc = BackendPidGetProc(copy.pid)) != NULL)
		{
			uint32		info = *((volatile uint32 *) &proc->wait_event_info);
			const char *type = pgstat_get_wait_event_type(info);
			const char *event = pgstat_get_wait_event(info);

			if (type != NULL)
			{
				values[7] = CStringGetTextDatum(type);
				nulls[7] = false;
			}
			if (event != NULL)
			{
				values[8] = CStringGetTextDatum(event);
				nulls[8] = false;
			}
		}

		database = get_database_name(copy.database_oid);
		username = GetUserNameFromId(copy.user_oid, true);
		values[9] = database ? CStringGetTextDatum(database) : (Datum) 0;
		nulls[9] = (database == NULL);
		values[10] = username ? CStringGetTextDatum(username) : (Datum) 0;
		nulls[10] = (username == NULL);

		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}

	return (Datum) 0;
}

/*
 * Does the caller see this row?  Row-level security answers: a superuser
 * sees every row, anyone else their own.
 */
static bool
api_visible(const char *query, int64 id, char **status)
{
	Oid			argtypes[1] = {INT8OID};
	Datum		values[1];
	bool		found;
	int			ret;

	values[0] = Int64GetDatum(id);
	SPI_connect();
	ret = SPI_execute_with_args(query, 1, argtypes, values, NULL, true, 1);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "could not look up " INT64_FORMAT ": SPI error %d", id, ret);
	found = SPI_processed > 0;
	if (found && status != NULL)
	{
		char	   *value = SPI_getvalue(SPI_tuptable->vals[0],
										 SPI_tuptable->tupdesc, 1);

		*status = value ? SPI_palloc(strlen(value) + 1) : NULL;
		if (value)
			strcpy(*status, value);
	}
	SPI_finish();
	return found;
}

/*
 * cron.run_job(job_id bigint) returns bigint
 *
 * Run a job now, outside its schedule, with its overlap policy.  Only whom
 * the job belongs to (or a superuser) may.  The run is handed to the
 * launcher when the calling transaction commits; its runid is returned now.
 */
Datum
cron_run_job(PG_FUNCTION_ARGS)
{
	int64		jobid;
	int64		runid;
	Oid			seq;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("job id must not be null")));
	jobid = PG_GETARG_INT64(0);

	if (!api_visible("SELECT 1 FROM cron.job WHERE jobid OPERATOR(pg_catalog.=) $1",
					 jobid, NULL))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("could not find valid entry for job " INT64_FORMAT, jobid),
				 errdetail("There is no job with that id that you own.")));

	seq = get_relname_relid("runid_seq", get_namespace_oid("cron", false));
	runid = nextval_internal(seq, false);
	beat_request_run_at_commit(jobid, runid);
	PG_RETURN_INT64(runid);
}

/*
 * cron.cancel_run(runid bigint) returns boolean
 *
 * Stop a run in flight: cancel its statement now, and terminate its session
 * if it has not stopped a few seconds later (the launcher does that).
 * Returns false if the run is not in flight.
 */
Datum
cron_cancel_run(PG_FUNCTION_ARGS)
{
	int64		runid;
	char	   *status = NULL;
	bool		cancelled = false;
	pid_t		pid = 0;
	Latch	   *latch = NULL;
	int			i;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("run id must not be null")));
	runid = PG_GETARG_INT64(0);

	if (!api_visible("SELECT status FROM cron.job_run_details WHERE runid OPERATOR(pg_catalog.=) $1",
					 runid, &status))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("could not find valid entry for run " INT64_FORMAT, runid),
				 errdetail("There is no run with that id of a job that you own.")));

	LWLockAcquire(beat_shared->lock, LW_EXCLUSIVE);
	for (i = 0; i < beat_shared->nslots; i++)
	{
		BeatRunSlot *slot = &beat_shared->slots[i];

		if (slot->runid != runid ||
			(slot->state != BEAT_SLOT_STARTING && slot->state != BEAT_SLOT_RUNNING))
			continue;
		if (slot->cancel_reason == BEAT_CANCEL_NONE)
			slot->cancel_reason = BEAT_CANCEL_REQUESTED;
		pid = slot->pid;
		latch = beat_shared->launcher_latch;
		cancelled = true;
		break;
	}
	LWLockRelease(beat_shared->lock);

	/* the worker runs as the same OS user as we do */
	if (pid != 0)
		kill(pid, SIGINT);
	if (latch != NULL)
		SetLatch(latch);

	PG_RETURN_BOOL(cancelled);
}
