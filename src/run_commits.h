/*-------------------------------------------------------------------------
 *
 * run_commits.h
 *	  What of a run's command committed, written by the run itself
 *	  (cron.run_commits, pg_beat 1.2).
 *
 *-------------------------------------------------------------------------
 */
#ifndef PG_BEAT_RUN_COMMITS_H
#define PG_BEAT_RUN_COMMITS_H

#include "shmem.h"

extern void beat_run_commits_begin(int64 runid, BeatRunSlot *slot);
extern void beat_run_commits_end(void);

#endif							/* PG_BEAT_RUN_COMMITS_H */
