/*-------------------------------------------------------------------------
 *
 * pool.h
 *	  Reuse of job sessions: the reset between runs and invalidation.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PG_BEAT_POOL_H
#define PG_BEAT_POOL_H

extern void beat_pool_init_hooks(void);
extern void beat_pool_invalidate(void);
extern void beat_session_reset(void);

#endif							/* PG_BEAT_POOL_H */
