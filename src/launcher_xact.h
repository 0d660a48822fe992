/*-------------------------------------------------------------------------
 *
 * launcher_xact.h
 *	  The launcher's transactions, and the isolation of its failures.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PG_BEAT_LAUNCHER_XACT_H
#define PG_BEAT_LAUNCHER_XACT_H

#include "postgres.h"

extern void launcher_xact_begin(void);
extern void launcher_xact_end(void);
extern bool launcher_isolate(void (*fn) (void *), void *arg,
							 const char *fmt,...) pg_attribute_printf(3, 4);
extern bool launcher_guarded_xact(void (*fn) (void *), void *arg,
								  const char *what);

#endif							/* PG_BEAT_LAUNCHER_XACT_H */
