/*-------------------------------------------------------------------------
 *
 * api.c
 *	  SQL-callable functions that guard cron.job and show runs in flight.
 *
 * The SQL API (cron.schedule, cron.alter_job, ...) is written in SQL and
 * runs with the caller's rights; every row it writes to cron.job passes
 * through cron.job_check(), the BEFORE trigger here.  The trigger is where
 * the rules live, so they hold the same for the API and for direct INSERT or
 * UPDATE, whatever table privileges a DBA granted:
 *
 *	- the schedule parses and the time zone exists;
 *	- the owner (username) exists and may log in;
 *	- a non-superuser schedules only as themselves, only in databases they
 *	  may CONNECT to, and cannot hand a job to someone else;
 *	- with cron.enable_superuser_jobs off, no job belongs to a superuser;
 *	- the pg_beat options hold sensible values.
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
#include "utils/backend_status.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"

#include "compat.h"
#include "cronexpr.h"
#include "guc.h"
#include "schedule.h"
#include "shmem.h"

PG_FUNCTION_INFO_V1(cron_job_check);
PG_FUNCTION_INFO_V1(cron_job_changed);
PG_FUNCTION_INFO_V1(cron_running_runs);
PG_FUNCTION_INFO_V1(cron_run_job);
PG_FUNCTION_INFO_V1(cron_cancel_run);

/* Longest command accepted: a typo that pastes a dump is not a job. */
#define API_MAX_COMMAND_LENGTH (1024 * 1024)

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
 * Check the owner of a job being written: exists, may log in, and, when the
 * caller is not a superuser, is the caller.
 */
static void
api_check_owner(const char *username, const char *database, bool caller_super,
				bool remote, bool restoring)
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
		char	   *caller = GetUserNameFromId(GetUserId(), false);

		if (strcmp(caller, username) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("permission denied to schedule a job as role \"%s\"",
							username),
					 errdetail("Only superusers may schedule or change jobs of other roles.")));

		if (!remote &&
			beat_database_aclcheck(database_oid, GetUserId(), ACL_CONNECT) != ACLCHECK_OK)
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
 * cron.job_check(): BEFORE INSERT OR UPDATE FOR EACH ROW trigger on cron.job.
 */
Datum
cron_job_check(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	HeapTuple	newtuple;
	bool		caller_super = superuser();
	bool		restoring;
	char	   *schedule;
	char	   *command;
	char	   *nodename;
	char	   *database;
	char	   *username;
	char	   *jobname;
	char	   *timezone;
	char	   *policy;
	CronExpr	expr;
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

	api_require(schedule, "schedule");
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
		(void) beat_lookup_timezone(timezone);
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
			strcmp(old_username, GetUserNameFromId(GetUserId(), false)) != 0)
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

	api_check_owner(username, database, caller_super,
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

	return PointerGetDatum(newtuple);
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
