/*-------------------------------------------------------------------------
 *
 * exec_command.c
 *	  Runs a job's command with psql -c semantics.
 *
 * DBAs write job commands as they would type them into psql -c, so they
 * must behave the same way: each statement goes through its own portal as
 * a top-level statement, which is what lets a lone VACUUM, CREATE INDEX
 * CONCURRENTLY or CALL of a procedure that COMMITs work; several statements
 * in one string form an implicit transaction block, all or nothing, in
 * which PostgreSQL itself refuses VACUUM and committing procedures; explicit
 * BEGIN/COMMIT inside the string behave as in psql.  This is a trimmed
 * rendition of exec_simple_query() in src/backend/tcop/postgres.c, without
 * the protocol messages that only make sense for a client connection.  What
 * a DBA set for sessions applies as it would to psql's: log_statement,
 * log_min_duration_statement (and its sampling), log_min_error_statement
 * (the statement is the current query), statement_timeout.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/printtup.h"
#include "access/xact.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "parser/analyze.h"
#include "storage/proc.h"
#include "tcop/cmdtag.h"
#include "tcop/dest.h"
#include "tcop/pquery.h"
#include "tcop/tcopprot.h"
#include "tcop/utility.h"
#include "utils/memutils.h"
#include "utils/portal.h"
#include "utils/snapmgr.h"
#include "utils/timeout.h"

#include "compat.h"
#include "exec_command.h"

static bool exec_xact_started = false;

/* true while the commit that ends the whole command is under way */
static bool exec_final_commit = false;

/* parse trees and plans of the command being run; NULL between commands */
static MemoryContext exec_context = NULL;

static void
exec_start_xact_command(void)
{
	if (!exec_xact_started)
	{
		StartTransactionCommand();
		exec_xact_started = true;
	}

	/* statement_timeout of the job's role and database applies, as in psql */
	if (StatementTimeout > 0 && !get_timeout_active(STATEMENT_TIMEOUT))
		enable_timeout_after(STATEMENT_TIMEOUT, StatementTimeout);
}

static void
exec_finish_xact_command(void)
{
	if (get_timeout_active(STATEMENT_TIMEOUT))
		disable_timeout(STATEMENT_TIMEOUT, false);

	if (exec_xact_started)
	{
		CommitTransactionCommand();
		exec_xact_started = false;
	}
}

/*
 * The completion tag as psql shows it, e.g. "INSERT 0 5".
 */
static char *
exec_completion_string(const QueryCompletion *qc)
{
	const char *name = GetCommandTagName(qc->commandTag);

	if (command_tag_display_rowcount(qc->commandTag))
	{
		if (qc->commandTag == CMDTAG_INSERT)
			return psprintf("%s 0 " UINT64_FORMAT, name, qc->nprocessed);
		return psprintf("%s " UINT64_FORMAT, name, qc->nprocessed);
	}
	return pstrdup(name);
}

/*
 * Does log_statement ask for this command to be logged?  As
 * check_log_statement() in postgres.c, which is not exported.
 */
static bool
exec_log_statement_wanted(List *parsetree_list)
{
	ListCell   *lc;

	if (log_statement == LOGSTMT_NONE)
		return false;
	if (log_statement == LOGSTMT_ALL)
		return true;
	foreach(lc, parsetree_list)
	{
		if (GetCommandLogLevel((Node *) lfirst(lc)) <= log_statement)
			return true;
	}
	return false;
}

char *
beat_exec_command(const char *query_string)
{
	MemoryContext result_context = CurrentMemoryContext;
	char	   *result = pstrdup("");
	List	   *parsetree_list;
	ListCell   *parsetree_item;
	bool		use_implicit_block;
	bool		was_logged = false;
	char		msec_str[32];

	/* errors name the statement, as log_min_error_statement asks */
	debug_query_string = query_string;

	/*
	 * Parse trees and plans must outlive the transactions that a COMMIT
	 * inside the string ends, so they live in a context of their own (the
	 * MessageContext of a client backend).
	 */
	exec_context = AllocSetContextCreate(TopMemoryContext,
										 "pg_beat command",
										 ALLOCSET_DEFAULT_SIZES);

	exec_start_xact_command();
	MemoryContextSwitchTo(exec_context);
	parsetree_list = pg_parse_query(query_string);

	if (exec_log_statement_wanted(parsetree_list))
	{
		ereport(LOG,
				(errmsg("statement: %s", query_string),
				 errhidestmt(true)));
		was_logged = true;
	}

	/* several statements in one string run as one transaction block */
	use_implicit_block = (list_length(parsetree_list) > 1);

	foreach(parsetree_item, parsetree_list)
	{
		RawStmt    *parsetree = lfirst_node(RawStmt, parsetree_item);
		bool		snapshot_set = false;
		CommandTag	commandTag;
		QueryCompletion qc;
		List	   *querytree_list;
		List	   *plantree_list;
		Portal		portal;
		DestReceiver *receiver;
		int16		format = 0;

		commandTag = CreateCommandTag(parsetree->stmt);

		exec_start_xact_command();

		if (use_implicit_block)
			BeginImplicitTransactionBlock();

		CHECK_FOR_INTERRUPTS();
		MemoryContextSwitchTo(exec_context);

		if (analyze_requires_snapshot(parsetree))
		{
			PushActiveSnapshot(GetTransactionSnapshot());
			snapshot_set = true;
		}

		querytree_list = pg_analyze_and_rewrite_fixedparams(parsetree,
															query_string,
															NULL, 0, NULL);
		plantree_list = pg_plan_queries(querytree_list, query_string,
										CURSOR_OPT_PARALLEL_OK, NULL);

		if (snapshot_set)
			PopActiveSnapshot();

		CHECK_FOR_INTERRUPTS();

		portal = CreatePortal("", true, true);
		portal->visible = false;
		PortalDefineQuery(portal, NULL, query_string, commandTag,
						  plantree_list, NULL);
		PortalStart(portal, NULL, 0, InvalidSnapshot);
		PortalSetResultFormat(portal, 1, &format);

		/* rows a job returns go nowhere, as with psql -c > /dev/null */
		receiver = CreateDestReceiver(DestNone);

		InitializeQueryCompletion(&qc);
		(void) beat_portal_run(portal, FETCH_ALL, true, receiver, receiver, &qc);
		receiver->rDestroy(receiver);
		PortalDrop(portal, false);

		/* keep the tag outside the transaction, which may commit below */
		{
			MemoryContext oldcontext = MemoryContextSwitchTo(result_context);

			result = exec_completion_string(&qc);
			MemoryContextSwitchTo(oldcontext);
		}

		if (lnext(parsetree_list, parsetree_item) == NULL)
		{
			/* last statement: close the implicit block and commit */
			if (use_implicit_block)
				EndImplicitTransactionBlock();
			exec_final_commit = true;
			exec_finish_xact_command();
			exec_final_commit = false;
		}
		else if (IsA(parsetree->stmt, TransactionStmt))
		{
			/* commit a transaction control statement now */
			exec_finish_xact_command();
		}
		else
		{
			/* make this statement's effects visible to the next one */
			CommandCounterIncrement();
			if (get_timeout_active(STATEMENT_TIMEOUT))
				disable_timeout(STATEMENT_TIMEOUT, false);
		}
	}

	/* an empty string still opened and must close a transaction */
	exec_final_commit = true;
	exec_finish_xact_command();
	exec_final_commit = false;

	switch (check_log_duration(msec_str, was_logged))
	{
		case 1:
			ereport(LOG,
					(errmsg("duration: %s ms", msec_str),
					 errhidestmt(true)));
			break;
		case 2:
			ereport(LOG,
					(errmsg("duration: %s ms  statement: %s",
							msec_str, query_string),
					 errhidestmt(true)));
			break;
	}

	debug_query_string = NULL;
	MemoryContextSwitchTo(result_context);
	MemoryContextDelete(exec_context);
	exec_context = NULL;
	return result;
}

/*
 * Forget a command that ended in an error, once the caller has aborted the
 * transaction: a session that runs another command must start clean.
 */
void
beat_exec_command_cleanup(void)
{
	debug_query_string = NULL;
	exec_xact_started = false;
	exec_final_commit = false;
	if (exec_context != NULL)
	{
		MemoryContextDelete(exec_context);
		exec_context = NULL;
	}
}

/*
 * Is the transaction committing now the one that ends the command (the
 * commit after its last statement), rather than one a COMMIT inside it, a
 * procedure or a VACUUM ends on the way?
 */
bool
beat_exec_command_final_commit(void)
{
	return exec_final_commit;
}
