/*-------------------------------------------------------------------------
 *
 * api_call.h
 *	  The SQL API writes the job catalog as the extension's owner, on behalf
 *	  of its caller (pg_beat 1.3).
 *
 *-------------------------------------------------------------------------
 */
#ifndef PG_BEAT_API_CALL_H
#define PG_BEAT_API_CALL_H

/*
 * The role on whose behalf cron.job is being written: the caller of the API
 * function in progress, while the current user is still the one that call
 * switched to; else the current user.  Whoever decides what a role may do
 * to a job (the triggers of cron.job) asks this, never GetUserId().
 */
extern Oid	beat_acting_user(void);

#endif							/* PG_BEAT_API_CALL_H */
