/*-------------------------------------------------------------------------
 *
 * schedule.h
 *	  Backend glue of the schedule grammar: errors, time zones, next fires.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PG_BEAT_SCHEDULE_H
#define PG_BEAT_SCHEDULE_H

#include "datatype/timestamp.h"
#include "pgtime.h"

#include "cronexpr.h"
#include "dependency.h"

/* Parse a schedule or raise an error that says what is wrong with it. */
extern void beat_parse_schedule(const char *text, CronExpr *expr);

/*
 * Is the schedule an "after" schedule (a dependent job)?  Such a text is
 * never a cron expression: parse it with beat_parse_after.
 */
extern bool beat_schedule_is_after(const char *text);

/* Parse an after schedule or raise an error that says what is wrong. */
extern void beat_parse_after(const char *text, DependencySpec *spec);

/* The zone named name (NULL or "" = cron.timezone), or an error. */
extern pg_tz *beat_lookup_timezone(const char *name);

/*
 * Name of the zone a job with this timezone column uses: the column itself,
 * or cron.timezone when it is NULL.
 */
extern const char *beat_effective_timezone_name(const char *name);

/*
 * Next fire instant strictly after 'after' (whole seconds), or
 * DT_NOEND if the schedule has none (@reboot).  Interval schedules fire
 * 'interval' after 'after'.
 */
extern TimestampTz beat_next_fire(const CronExpr *expr, pg_tz *tz,
								  TimestampTz after);

extern int64 beat_timestamp_to_unix(TimestampTz ts);
extern TimestampTz beat_unix_to_timestamp(int64 secs);

#endif							/* PG_BEAT_SCHEDULE_H */
