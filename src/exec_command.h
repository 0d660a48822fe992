/*-------------------------------------------------------------------------
 *
 * exec_command.h
 *	  Run a command string exactly as psql -c would.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PG_BEAT_EXEC_COMMAND_H
#define PG_BEAT_EXEC_COMMAND_H

/*
 * Run query_string with the simple query protocol's transaction rules.
 * On success, returns the completion tag of the last statement ("SELECT 1",
 * "INSERT 0 5", "VACUUM"; empty for an empty string) as a palloc'd string.
 * Errors are thrown; the caller must not be inside a transaction.
 */
extern char *beat_exec_command(const char *query_string);

extern void beat_exec_command_cleanup(void);
extern bool beat_exec_command_final_commit(void);

#endif							/* PG_BEAT_EXEC_COMMAND_H */
