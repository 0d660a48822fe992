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
 * A session in another database cannot write into the launcher's database
 * in its own transactions.  Before its command's final commit it asks the
 * launcher to record the transaction id instead, and waits until the
 * launcher has committed that row: the row is then in the WAL before the
 * command's commit, and a restart or a promoted standby asks pg_xact_status
 * whether that transaction committed.  This proves only a success (the
 * launcher may decline, and earlier commits of the command are not
 * recorded): a run of which it proves nothing keeps an unknown outcome, as
 * do runs on other servers.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/transam.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_authid.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "storage/latch.h"
#include "utils/lsyscache.h"
#include "utils/snapmgr.h"

#include "exec_command.h"
#include "run_commits.h"
#include "shmem.h"

/* the run whose commits are recorded now; 0 between runs */
static int64 run_commits_runid = 0;
static bool run_commits_registered = false;

/* in another database: its slot, where the launcher is asked */
static BeatRunSlot *run_commits_slot = NULL;
static uint32 run_commits_generation = 0;

/* How often a session waiting for the launcher checks that one runs. */
#define RUN_COMMITS_CHECK_MS 100

static void run_commits_xact_callback(XactEvent event, void *arg);
static void run_commits_record(bool final);
static void run_commits_ask_launcher(FullTransactionId fxid);

/*
 * Record the commits of this run's command, from now until
 * beat_run_commits_end: in the session's own transactions (the launcher's
 * database) or, when slot is given (another database), by asking the
 * launcher for the final one.
 */
void
beat_run_commits_begin(int64 runid, BeatRunSlot *slot)
{
	if (!run_commits_registered)
	{
		RegisterXactCallback(run_commits_xact_callback, NULL);
		run_commits_registered = true;
	}
	run_commits_runid = runid;
	run_commits_slot = slot;
	if (slot != NULL)
		run_commits_generation = slot->generation;
}

void
beat_run_commits_end(void)
{
	run_commits_runid = 0;
	run_commits_slot = NULL;
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

	if (run_commits_slot == NULL)
		run_commits_record(beat_exec_command_final_commit());
	else if (beat_exec_command_final_commit())
		run_commits_ask_launcher(GetTopFullTransactionIdIfAny());
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

/*
 * Ask the launcher to record that this run's final commit is fxid, and wait
 * until it has (or declined, or no launcher runs: then commit all the
 * same, the run's outcome is only less certain after a crash).  A cancel or
 * a termination meanwhile aborts the transaction, as during any commit
 * wait; a row recorded for it then names a transaction that aborted.
 */
static void
run_commits_ask_launcher(FullTransactionId fxid)
{
	BeatRunSlot *slot = run_commits_slot;
	Latch	   *latch = NULL;
	bool		asked = false;

	LWLockAcquire(beat_shared->lock, LW_EXCLUSIVE);
	if (beat_shared->launcher_pid != 0 &&
		slot->generation == run_commits_generation &&
		slot->runid == run_commits_runid)
	{
		slot->commit_fxid = U64FromFullTransactionId(fxid);
		slot->commit_request = BEAT_COMMIT_PENDING;
		beat_shared->commit_requests = true;
		latch = beat_shared->launcher_latch;
		asked = true;
	}
	LWLockRelease(beat_shared->lock);
	if (!asked)
		return;
	if (latch != NULL)
		SetLatch(latch);

	for (;;)
	{
		bool		waiting;

		LWLockAcquire(beat_shared->lock, LW_EXCLUSIVE);
		waiting = slot->commit_request == BEAT_COMMIT_PENDING &&
			slot->generation == run_commits_generation;
		if (waiting && beat_shared->launcher_pid == 0)
		{
			/* the launcher went away: the next one may never look */
			slot->commit_request = BEAT_COMMIT_DECLINED;
			waiting = false;
		}
		LWLockRelease(beat_shared->lock);
		if (!waiting)
			break;

		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 RUN_COMMITS_CHECK_MS, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}
}
