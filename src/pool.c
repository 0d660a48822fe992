/*-------------------------------------------------------------------------
 *
 * pool.c
 *	  What makes it safe to reuse a job session for the next run.
 *
 * Starting a backend costs far more than running a short command, so a job
 * session that finished its run may stay connected and take the next run of
 * the same role in the same database (the launcher decides, see
 * launcher_slots.c; the session side is in executor.c).  Reuse must not
 * change what a run can see or do, so two things live here:
 *
 *	- the reset between runs: what DISCARD ALL does (portals, session
 *	  authorization, every setting, prepared statements, LISTEN, advisory
 *	  locks, plans, temporary objects, sequence state), after rolling back
 *	  whatever the command left open, and the role restored to the owner;
 *
 *	- invalidation: a new session takes some things only when it connects
 *	  (ALTER ROLE/DATABASE ... SET values, role attributes, the database
 *	  itself), so any statement that changes those bumps pool_generation and
 *	  asks idle sessions to exit at once.  Older sessions are never reused.
 *	  Exiting at once also keeps idle sessions from holding up DROP DATABASE,
 *	  ALTER DATABASE RENAME and CREATE DATABASE ... TEMPLATE, which refuse to
 *	  run while anyone is connected.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "commands/discard.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "storage/latch.h"
#include "tcop/utility.h"
#include "utils/guc.h"

#include "pool.h"
#include "shmem.h"

static ProcessUtility_hook_type pool_prev_process_utility = NULL;

/* This transaction ran a statement that invalidates pooled sessions. */
static bool pool_invalidate_at_commit = false;

/*
 * Make every pooled session stale, and ask the idle ones to exit now.
 * Sessions running a run see the new generation when it ends and exit then.
 */
void
beat_pool_invalidate(void)
{
	int			i;

	if (beat_shared == NULL)
		return;

	pg_atomic_fetch_add_u64(&beat_shared->pool_generation, 1);

	LWLockAcquire(beat_shared->lock, LW_EXCLUSIVE);
	for (i = 0; i < beat_shared->nslots; i++)
	{
		BeatRunSlot *slot = &beat_shared->slots[i];

		if (slot->state == BEAT_SLOT_IDLE && slot->worker_latch != NULL)
		{
			slot->retire = true;
			SetLatch(slot->worker_latch);
		}
	}
	LWLockRelease(beat_shared->lock);
}

/*
 * Does the statement change something a session takes at connection time,
 * or need the database free of other sessions?
 */
static bool
pool_statement_invalidates(Node *stmt)
{
	switch (nodeTag(stmt))
	{
		case T_AlterRoleSetStmt:
		case T_AlterDatabaseSetStmt:
		case T_AlterRoleStmt:
		case T_DropRoleStmt:
		case T_CreatedbStmt:
		case T_DropdbStmt:
		case T_AlterDatabaseStmt:
			return true;
		case T_RenameStmt:
			return ((RenameStmt *) stmt)->renameType == OBJECT_DATABASE ||
				((RenameStmt *) stmt)->renameType == OBJECT_ROLE;
		default:
			return false;
	}
}

static void
pool_process_utility(PlannedStmt *pstmt, const char *queryString,
					 bool readOnlyTree, ProcessUtilityContext context,
					 ParamListInfo params, QueryEnvironment *queryEnv,
					 DestReceiver *dest, QueryCompletion *qc)
{
	/*
	 * Now, for statements that need the database to themselves; and again
	 * at commit, for sessions that connected while the change was not yet
	 * visible.
	 */
	if (pool_statement_invalidates(pstmt->utilityStmt))
	{
		beat_pool_invalidate();
		pool_invalidate_at_commit = true;
	}

	if (pool_prev_process_utility)
		pool_prev_process_utility(pstmt, queryString, readOnlyTree, context,
								  params, queryEnv, dest, qc);
	else
		standard_ProcessUtility(pstmt, queryString, readOnlyTree, context,
								params, queryEnv, dest, qc);
}

static void
pool_xact_callback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_PREPARE:
			/* at PREPARE too: COMMIT PREPARED may come from anywhere */
			if (pool_invalidate_at_commit)
				beat_pool_invalidate();
			pool_invalidate_at_commit = false;
			break;
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_ABORT:
			pool_invalidate_at_commit = false;
			break;
		default:
			break;
	}
}

void
beat_pool_init_hooks(void)
{
	pool_prev_process_utility = ProcessUtility_hook;
	ProcessUtility_hook = pool_process_utility;
	RegisterXactCallback(pool_xact_callback, NULL);
}

/*
 * Leave the session as a new one would be, for the next run of the same
 * role: roll back what the command left open (an explicit BEGIN without
 * COMMIT ends as it would when psql disconnects), then DISCARD ALL, then
 * restore the role, which DISCARD ALL leaves as the GUC says.  Throws on
 * failure; the caller then closes the session instead of reusing it.
 */
void
beat_session_reset(void)
{
	DiscardStmt stmt;

	AbortOutOfAnyTransaction();

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	memset(&stmt, 0, sizeof(stmt));
	stmt.type = T_DiscardStmt;
	stmt.target = DISCARD_ALL;
	DiscardCommand(&stmt, true);
	SetPGVariable("role", NIL, false);
	CommitTransactionCommand();
}
