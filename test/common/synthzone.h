/*-------------------------------------------------------------------------
 *
 * synthzone.h
 *	  Synthetic time zones for the standalone programs that exercise
 *	  src/cronexpr.c.
 *
 * cronexpr.c sees a time zone only through a CronZone (three callbacks,
 * see cronexpr.h); inside the server schedule.c plugs PostgreSQL's time
 * zone database in.  The unit tests (test/unit), the
 * fuzzer (test/fuzz) and the benchmark (bench) run without a server, so they
 * need zones of their own.  This module is the one place that provides them:
 * zones described by a rule, computed from that rule on every call, which
 * is simple enough to be obviously right and slow enough that benchmark
 * figures in them are pessimistic.
 *
 * A zone has a standard offset and, optionally, a daylight-saving offset in
 * force from the nth (0 = last) Sunday of one month at a local standard time
 * to the nth Sunday of another month at a local daylight time, the way the
 * real rules are written.  Southern-hemisphere zones simply have the end
 * month before the start month.  Both months must be February to November,
 * so that a year's two transitions fall within that UTC year (offsets are
 * less than a day); the callbacks rely on it.
 *
 * Like cronexpr.c this is plain C99: no PostgreSQL, no state between calls,
 * no allocation, and no globals other than the constant zones below.
 *
 * Instants are int64 seconds since 1970-01-01 00:00:00 UTC.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PG_BEAT_SYNTHZONE_H
#define PG_BEAT_SYNTHZONE_H

#include <stdbool.h>
#include <stdint.h>

#include "../../src/cronexpr.h"

/* The rule of a synthetic zone; it is the arg of its CronZone. */
typedef struct SynthZoneRule
{
	const char *name;			/* for test output, e.g. "Berlin-like" */
	int32_t		std_off;		/* standard offset, seconds east of UTC */
	int32_t		dst_off;		/* daylight offset (if has_dst) */
	bool		has_dst;		/* false: a fixed offset, no transitions */
	int			start_month;	/* daylight time starts: month 2-11 */
	int			start_nth;		/* nth Sunday, 0 = last */
	int			start_local;	/* seconds after midnight, standard time */
	int			end_month;		/* daylight time ends: month 2-11 */
	int			end_nth;		/* nth Sunday, 0 = last */
	int			end_local;		/* seconds after midnight, daylight time */
} SynthZoneRule;

/* The CronZone callbacks of a rule zone; arg is a const SynthZoneRule *. */
extern int32_t synthzone_utc_offset(const void *arg, int64_t t);
extern bool synthzone_next_transition(const void *arg, int64_t t,
									  int64_t *boundary,
									  int32_t *after_offset);
extern bool synthzone_prev_transition(const void *arg, int64_t t,
									  int64_t *boundary,
									  int32_t *before_offset);

/* Initializer of a CronZone for a rule: SYNTHZONE_INIT(&my_rule). */
#define SYNTHZONE_INIT(rule) \
	{synthzone_utc_offset, synthzone_next_transition, \
	 synthzone_prev_transition, (rule)}

/*
 * The zones.  Transition instants of 2026 are given in UTC, as the tests
 * spell them.
 */

/* UTC through the callbacks: must agree exactly with the NULL zone. */
extern const CronZone synthzone_utc;

/* A fixed +05:30, like Asia/Kolkata: not a whole number of hours. */
extern const CronZone synthzone_kolkata;

/*
 * Like Europe/Berlin: +01:00, +02:00 from the last Sunday of March 02:00 to
 * the last Sunday of October 03:00 (2026-03-29 and 2026-10-25, both at
 * 01:00 UTC).
 */
extern const CronZone synthzone_berlin;

/*
 * Like America/New_York: -05:00, -04:00 from the second Sunday of March
 * 02:00 to the first Sunday of November 02:00 (2026-03-08 07:00 UTC and
 * 2026-11-01 06:00 UTC).
 */
extern const CronZone synthzone_newyork;

/*
 * Like Australia/Lord_Howe: +10:30, and a half-hour shift to +11:00 from
 * the first Sunday of October 02:00 to the first Sunday of April 02:00
 * (2026-10-03 15:30 UTC; 2026-04-04 15:00 UTC).  Southern hemisphere.
 */
extern const CronZone synthzone_lordhowe;

/*
 * Not a real zone: -12:00, and +14:00 from the second Sunday of May 01:00
 * to the last Sunday of September 01:00, a 26-hour shift, so that gaps and
 * folds span whole days.
 */
extern const CronZone synthzone_extreme;

/* The name of a zone above for messages; "UTC" for the NULL zone. */
extern const char *synthzone_name(const CronZone *zone);

#endif							/* PG_BEAT_SYNTHZONE_H */
