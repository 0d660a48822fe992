/*-------------------------------------------------------------------------
 *
 * launcher_announce.h
 *	  What the launcher announces on cron.notify_channel.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PG_BEAT_LAUNCHER_ANNOUNCE_H
#define PG_BEAT_LAUNCHER_ANNOUNCE_H

#include "postgres.h"

#include "catalog.h"

extern char *launcher_announce_failure(int64 jobid, const BeatJobRow *row,
									   int64 runid,
									   TimestampTz scheduled_time,
									   int32 attempt,
									   const BeatRunOutcome *o);
extern void launcher_announce_overdue(const BeatOverdueRow *r);

#endif							/* PG_BEAT_LAUNCHER_ANNOUNCE_H */
