/*-------------------------------------------------------------------------
 *
 * launcher_lifecycle.h
 *	  How the launcher starts, resumes after a restart, waits for its
 *	  extension, and stops.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PG_BEAT_LAUNCHER_LIFECYCLE_H
#define PG_BEAT_LAUNCHER_LIFECYCLE_H

#include "postgres.h"

#include "datatype/timestamp.h"

extern void launcher_lifecycle_init(MemoryContext scratch);
extern void launcher_startup(void);
extern void launcher_apply_log_level(void);
extern void launcher_resume(uint64 *generation);
extern void launcher_retry_close_interrupted(TimestampTz now);
extern void launcher_extension_gone(TimestampTz now);
extern void launcher_enter_gentle_stop(void);
extern void launcher_leave_gentle_stop(void);

#endif							/* PG_BEAT_LAUNCHER_LIFECYCLE_H */
