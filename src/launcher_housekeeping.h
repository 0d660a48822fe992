/*-------------------------------------------------------------------------
 *
 * launcher_housekeeping.h
 *	  The launcher's housekeeping: history retention and the dead man's
 *	  switch.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PG_BEAT_LAUNCHER_HOUSEKEEPING_H
#define PG_BEAT_LAUNCHER_HOUSEKEEPING_H

#include "postgres.h"

#include "datatype/timestamp.h"

extern void launcher_purge_history(TimestampTz now);
extern void launcher_forget_commits(TimestampTz now);
extern void launcher_check_overdue(TimestampTz now);
extern TimestampTz launcher_housekeeping_next_purge(void);
extern long launcher_housekeeping_cap_sleep(long sleep_ms);

#endif							/* PG_BEAT_LAUNCHER_HOUSEKEEPING_H */
