/*-------------------------------------------------------------------------
 *
 * executor.h
 *	  The session that runs one job run (a dynamic background worker).
 *
 *-------------------------------------------------------------------------
 */
#ifndef PG_BEAT_EXECUTOR_H
#define PG_BEAT_EXECUTOR_H

#include "postgres.h"
#include "fmgr.h"

extern PGDLLEXPORT void beat_run_worker_main(Datum main_arg);

#endif							/* PG_BEAT_EXECUTOR_H */
