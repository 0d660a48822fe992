/*-------------------------------------------------------------------------
 *
 * cronexpr.h
 *	  The pure schedule grammar and evaluator of pg_beat.
 *
 * This module knows nothing about PostgreSQL: it includes only the C
 * standard library, has no global state and never allocates.  It turns the
 * text of a schedule into a CronExpr (bitmaps plus a few flags) and computes
 * the next fire instant of a CronExpr after a given instant, in a time zone
 * that the caller describes through a CronZone (two callbacks).  The backend
 * glue (schedule.c) plugs PostgreSQL's own time zone database in; the unit
 * tests and the fuzzer plug synthetic zones in.
 *
 * Instants are int64 seconds since 1970-01-01 00:00:00 UTC.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PG_BEAT_CRONEXPR_H
#define PG_BEAT_CRONEXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest schedule text accepted, in bytes. */
#define CRONEXPR_MAX_LENGTH 256

/* What kind of schedule a CronExpr is. */
typedef enum CronExprKind
{
	CRONEXPR_FIELDS,			/* classic 5- or 6-field expression or macro */
	CRONEXPR_REBOOT,			/* @reboot: once after each server start */
	CRONEXPR_INTERVAL			/* "N seconds", "every N minutes", ... */
} CronExprKind;

/* The fields of an expression, used in errors. */
typedef enum CronField
{
	CRONFIELD_NONE = 0,			/* the error is about the whole text */
	CRONFIELD_SECOND,
	CRONFIELD_MINUTE,
	CRONFIELD_HOUR,
	CRONFIELD_DAY_OF_MONTH,
	CRONFIELD_MONTH,
	CRONFIELD_DAY_OF_WEEK
} CronField;

typedef struct CronExpr
{
	CronExprKind kind;

	/* CRONEXPR_INTERVAL: the period in seconds */
	int64_t		interval_seconds;

	/* CRONEXPR_FIELDS: one bit per allowed value */
	uint64_t	seconds;		/* bits 0-59; only bit 0 for 5-field text */
	uint64_t	minutes;		/* bits 0-59 */
	uint32_t	hours;			/* bits 0-23 */
	uint32_t	mdays;			/* bits 1-31: plain day-of-month values */
	uint16_t	months;			/* bits 1-12 */
	uint8_t		wdays;			/* bits 0-6, Sunday = 0: plain day-of-week values */

	/* day-of-month special forms */
	uint32_t	mdays_nearest_weekday;	/* bits 1-31: "nW" */
	uint32_t	mdays_before_last;	/* bit n (0-30): "L-n"; bit 0 is "L" and "$" */
	bool		last_weekday_of_month;	/* "LW" */

	/* day-of-week special forms */
	uint8_t		wdays_last;		/* bits 0-6: "5L" = last Friday */
	uint8_t		wdays_nth[7];	/* per weekday, bits 1-5: "MON#2" */

	bool		has_seconds_field;	/* the text had 6 fields */
	bool		dom_restricted;	/* day-of-month field did not start with '*' */
	bool		dow_restricted;	/* day-of-week field did not start with '*' */

	/*
	 * Pinned (SPEC section 5): neither minute nor hour starts with '*'.
	 * Interval and @reboot schedules are never pinned.
	 */
	bool		pinned;
} CronExpr;

typedef struct CronError
{
	CronField	field;			/* which field, or CRONFIELD_NONE */
	int			offset;			/* byte offset of the bad token in the text */
	int			length;			/* its length in bytes (0 if none) */
	char		token[64];		/* the bad token, NUL-terminated, truncated */
	char		message[192];	/* a full sentence: "Minute 61 is out of range 0-59." */
} CronError;

/* Broken-down wall-clock time. */
typedef struct CronTm
{
	int			year;			/* e.g. 2026 */
	int			month;			/* 1-12 */
	int			mday;			/* 1-31 */
	int			hour;			/* 0-23 */
	int			minute;			/* 0-59 */
	int			second;			/* 0-59 */
	int			wday;			/* 0-6, Sunday = 0 */
} CronTm;

/*
 * A time zone, as the evaluator sees it: a piecewise-constant UTC offset.
 *
 * utc_offset(arg, t) returns the offset in seconds east of UTC in force at
 * instant t (local wall time = t + offset).
 *
 * next_transition(arg, t, &boundary, &after_offset) returns true and sets
 * *boundary to the first instant > t at which the offset changes, and
 * *after_offset to the offset from *boundary on; false if the offset never
 * changes after t.
 *
 * prev_transition(arg, t, &boundary, &before_offset) returns true and sets
 * *boundary to the last instant <= t at which the offset changed, and
 * *before_offset to the offset in force just before *boundary; false if there
 * is none.  Implementations may answer false for transitions more than 7
 * days before t: the evaluator never needs them.
 *
 * A NULL CronZone pointer means UTC.
 */
typedef struct CronZone
{
	int32_t		(*utc_offset) (const void *arg, int64_t t);
	bool		(*next_transition) (const void *arg, int64_t t,
									int64_t *boundary, int32_t *after_offset);
	bool		(*prev_transition) (const void *arg, int64_t t,
									int64_t *boundary, int32_t *before_offset);
	const void *arg;
} CronZone;

/*
 * Parse text into *expr.  Returns true on success; on failure returns false
 * and fills *err (never both).  Accepts every form of SPEC section 4 and
 * rejects everything else, including schedules that can never fire.
 */
extern bool cronexpr_parse(const char *text, CronExpr *expr, CronError *err);

/*
 * The next fire instant of a CRONEXPR_FIELDS expression strictly after
 * instant 'after', following the DST rules of SPEC section 5.  Returns false
 * if there is none before year 9999 (cannot happen for a parsed expression)
 * or if expr is not CRONEXPR_FIELDS.
 */
extern bool cronexpr_next(const CronExpr *expr, const CronZone *zone,
						  int64_t after, int64_t *next);

/*
 * Does the wall-clock time tm (its wday included) match the expression's
 * date and time fields?  Exposed for tests.
 */
extern bool cronexpr_matches(const CronExpr *expr, const CronTm *tm);

/*
 * Plain-English description into buf (always NUL-terminated, truncated to
 * buflen).  E.g. "at 02:30 every day", "every 15 minutes",
 * "at 00:00 on the last day of the month", "every 30 seconds",
 * "once after each server start".
 */
extern void cronexpr_describe(const CronExpr *expr, char *buf, size_t buflen);

/* Civil calendar helpers (proleptic Gregorian, UTC), exposed for the glue. */
extern int64_t cronexpr_days_from_civil(int year, int month, int mday);
extern void cronexpr_civil_from_seconds(int64_t t, CronTm *tm);
extern int64_t cronexpr_seconds_from_civil(const CronTm *tm);

#endif							/* PG_BEAT_CRONEXPR_H */
