/*-------------------------------------------------------------------------
 *
 * run_commits.c
 *	  What of a run's command committed, written by the run itself.
 *
 * A crash or a failover can interrupt a run at any moment, and the
 * launcher's record of it (cron.job_run_details) is written in transactions
 * of its own, before the command starts and after it ends.  In between,
 * only the command's own transactions know whether they committed.  So a
 * job session running in the launcher's database adds one row to
 * cron.run_commits inside each transaction of the command that writes to
 * the database (it has a transaction id), just before it commits: the row
 * commits with that transaction or not at all, whatever happens next.  At
 * the next start (catalog.c, beat_catalog_close_interrupted_runs) the rows
 * of an interrupted run say exactly what of its command committed: nothing,
 * all of it (a row marked final: the commit after the command's last
 * statement), or a part, and the run is recorded and retried accordingly.
 *
 * Sessions in other databases cannot write into the launcher's database in
 * their own transactions, nor can runs on other servers: their interrupted
 * runs keep an unknown outcome.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_authid.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/lsyscache.h"
#include "utils/snapmgr.h"

#include "exec_command.h"
#include "run_commits.h"

/* the run whose commits are recorded now; 0 between runs */
static int64 run_commits_runid = 0;
static bool run_commits_registered = false;

static void run_commits_xact_callback(XactEvent event, void *arg);
static void run_commits_record(bool final);

/*
 * Record the commits of this run's command, from now until
 * beat_run_commits_end.
 */
void
beat_run_commits_begin(int64 runid)
{
	if (!run_commits_registered)
	{
		RegisterXactCallback(run_commits_xact_callback, NULL);
		run_commits_registered = true;
	}
	run_commits_runid = runid;
}

void
beat_run_commits_end(void)
{
	run_commits_runid = 0;
}

static void
run_commits_xact_callback(XactEvent event, void *arg)
{
	if (event != XACT_EVENT_PRE_COMMIT || run_commits_runid == 0)
		return;

	/*
	 * A transaction without a transaction id wrote nothing that a crash
	 * could keep.  A read-only one can have one only for temporary tables,
	 * which no crash keeps either (and it could not write our row).
	 */
	if (!FullTransactionIdIsValid(GetTopFullTransactionIdIfAny()) ||
		XactReadOnly)
		return;

	run_commits_record(beat_exec_command_final_commit());
}

/*
 * Add the row of the committing transaction.  It is written as the
 * bootstrap superuser, in a security-restricted operation, by a fixed,
 * schema-qualified statement: the job's owner has no privilege on the
 * table, and nothing of its session (search_path, SET ROLE) takes part.
 * An error here aborts the command's transaction, like a failing
 * constraint would: committing without the row could make a restart
 * believe that nothing committed and run the work again.
 */
static void
run_commits_record(bool final)
{
	Oid			nsp;
	Oid			save_userid;
	int			save_sec_context;
	Oid			argtypes[2] = {INT8OID, BOOLOID};
	Datum		values[2];
	int			ret;

	/*
	 * A catalog older than 1.2 has no such table; a run of such a catalog
	 * was marked by the update as not recorded.
	 */
	nsp = get_namespace_oid("cron", true);
	if (!OidIsValid(nsp) || !OidIsValid(get_relname_relid("run_commits", nsp)))
		return;

	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	SetUserIdAndSecContext(BOOTSTRAP_SUPERUSERID,
						   save_sec_context | SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);
	PushActiveSnapshot(GetTransactionSnapshot());
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	values[0] = Int64GetDatum(run_commits_runid);
	values[1] = BoolGetDatum(final);
	ret = SPI_execute_with_args("INSERT INTO cron.run_commits (runid, final)"
								" VALUES ($1, $2)",
								2, argtypes, values, NULL, false, 0);
	if (ret != SPI_OK_INSERT)
		elog(ERROR, "could not record the commit of run " INT64_FORMAT ": SPI error %d",
			 run_commits_runid, ret);

	SPI_finish();
	PopActiveSnapshot();
	SetUserIdAndSecContext(save_userid, save_sec_context);
}
