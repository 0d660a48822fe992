/*-------------------------------------------------------------------------
 *
 * launcher.h
 *	  The launcher: one background worker per cluster that schedules runs.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PG_BEAT_LAUNCHER_H
#define PG_BEAT_LAUNCHER_H

#include "postgres.h"
#include "fmgr.h"

extern void beat_register_launcher(void);
extern PGDLLEXPORT void beat_launcher_main(Datum main_arg);

#endif							/* PG_BEAT_LAUNCHER_H */
