/*-------------------------------------------------------------------------
 *
 * launcher_xact.c
 *	  The launcher's transactions, and the isolation of its failures.
 *
 * The launcher serves every role's jobs, so a failure in one of its writes
 * must not end it: it would be restarted, replay the same write and fail
 * again, and no job of any role would run.  Each write that concerns one
 * thing (a run, a job, an announcement) runs in a subtransaction of the
 * launcher's transaction, as PL/pgSQL runs an exception block: on error only
 * that write is rolled back, the error is logged with what it was about, and
 * the launcher carries on (launcher_isolate).  The launcher's own
 * transactions (a load, a purge, a check) are guarded the same way as a
 * whole (launcher_guarded_xact).
 *
 * This file owns the shape of those transactions and nothing else: every
 * other launcher file brackets its catalog work with these functions.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "executor/spi.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

#include "launcher_xact.h"

static void launcher_report_failure(ErrorData *edata, const char *what);

/*
 * A transaction of the launcher's own, with SPI connected and a snapshot:
 * what the catalog.c functions expect.
 */
void
launcher_xact_begin(void)
{
	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	SPI_connect();
	PushActiveSnapshot(GetTransactionSnapshot());
}

void
launcher_xact_end(void)
{
	PopActiveSnapshot();
	SPI_finish();
	CommitTransactionCommand();
}

/* What launcher_report_failure logs: "could not <what>: <error>". */
static void
launcher_report_failure(ErrorData *edata, const char *what)
{
	ereport(WARNING,
			(errcode(edata->sqlerrcode),
			 errmsg("pg_beat: could not %s: %s", what, edata->message),
			 edata->detail ? errdetail_internal("%s", edata->detail) : 0,
			 errhint("The launcher skipped this and carried on; the other jobs are not affected.")));
}

/*
 * Run fn(arg) in a subtransaction of the current transaction.  Returns
 * false, with the error logged as a WARNING about what (a printf format),
 * when it failed; its writes are then rolled back and nothing else is.
 */
bool
launcher_isolate(void (*fn) (void *), void *arg, const char *fmt,...)
{
	MemoryContext oldcontext = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	bool		ok = true;

	BeginInternalSubTransaction(NULL);
	/* the caller's allocations must survive the subtransaction */
	MemoryContextSwitchTo(oldcontext);

	PG_TRY();
	{
		fn(arg);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcontext);
		CurrentResourceOwner = oldowner;
	}
	PG_CATCH();
	{
		ErrorData  *edata;
		StringInfoData what;
		va_list		args;

		MemoryContextSwitchTo(oldcontext);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcontext);
		CurrentResourceOwner = oldowner;

		initStringInfo(&what);
		for (;;)
		{
			int			needed;

			va_start(args, fmt);
			needed = appendStringInfoVA(&what, fmt, args);
			va_end(args);
			if (needed == 0)
				break;
			enlargeStringInfo(&what, needed);
		}
		launcher_report_failure(edata, what.data);
		FreeErrorData(edata);
		pfree(what.data);
		ok = false;
	}
	PG_END_TRY();
	return ok;
}

/*
 * Run fn(arg) in a launcher transaction of its own (launcher_xact_begin).
 * On error the transaction is rolled back, the error logged as a WARNING
 * about what, and false returned.
 */
bool
launcher_guarded_xact(void (*fn) (void *), void *arg, const char *what)
{
	MemoryContext oldcontext = CurrentMemoryContext;
	bool		ok = true;

	PG_TRY();
	{
		launcher_xact_begin();
		fn(arg);
		launcher_xact_end();
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(oldcontext);
		edata = CopyErrorData();
		FlushErrorState();
		AbortCurrentTransaction();
		MemoryContextSwitchTo(oldcontext);
		launcher_report_failure(edata, what);
		FreeErrorData(edata);
		ok = false;
	}
	PG_END_TRY();
	MemoryContextSwitchTo(oldcontext);
	return ok;
}
