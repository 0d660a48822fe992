/*-------------------------------------------------------------------------
 *
 * schedule.c
 *	  Backend glue between the pure grammar (cronexpr.c) and PostgreSQL.
 *
 * cronexpr.c knows nothing of PostgreSQL.  This file gives it PostgreSQL's
 * own time zone database (pg_tzset, pg_next_dst_boundary) through the small
 * CronZone interface, turns its errors into ereports in PostgreSQL's style,
 * and implements the pure SQL functions cron.next_runs and
 * cron.describe_schedule.  The launcher computes fire times through
 * beat_next_fire too, so a preview with cron.next_runs is exactly what the
 * scheduler will do.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "guc.h"
#include "schedule.h"

PG_FUNCTION_INFO_V1(cron_next_runs);
PG_FUNCTION_INFO_V1(cron_describe_schedule);

/* Seconds between the Unix epoch and PostgreSQL's (2000-01-01). */
#define BEAT_EPOCH_SHIFT \
	((int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY)

/* How many fire times cron.next_runs returns at most. */
#define BEAT_MAX_NEXT_RUNS 100000

#define BEAT_SCHEDULE_HINT \
	"A schedule is 5 fields \"minute hour day-of-month month day-of-week\" " \
	"or 6 with a leading second field, a macro such as @daily or @reboot, " \
	"\"N seconds\" (1-59), or \"every N seconds|minutes|hours\"."

int64
beat_timestamp_to_unix(TimestampTz ts)
{
	int64		secs = ts / USECS_PER_SEC;

	/* floor, not truncation, for instants before 2000 */
	if (ts < 0 && ts % USECS_PER_SEC != 0)
		secs--;
	return secs + BEAT_EPOCH_SHIFT;
}

TimestampTz
beat_unix_to_timestamp(int64 secs)
{
	return (secs - BEAT_EPOCH_SHIFT) * USECS_PER_SEC;
}

void
beat_parse_schedule(const char *text, CronExpr *expr)
{
	CronError	err;

	if (text == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("schedule must not be null")));

	if (!cronexpr_parse(text, expr, &err))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid schedule \"%s\"", text),
				 errdetail("%s", err.message),
				 errhint(BEAT_SCHEDULE_HINT)));
}

const char *
beat_effective_timezone_name(const char *name)
{
	if (name == NULL || name[0] == '\0')
		return beat_timezone;
	return name;
}

pg_tz *
beat_lookup_timezone(const char *name)
{
	const char *zone = beat_effective_timezone_name(name);
	pg_tz	   *tz;

	tz = pg_tzset(zone);
	if (tz == NULL || !pg_tz_acceptable(tz))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid time zone \"%s\"", zone),
				 errdetail("Time zone \"%s\" is not in PostgreSQL's time zone database.", zone),
				 errhint("Use an IANA name such as \"Europe/Berlin\" or \"UTC\"; pg_timezone_names lists them.")));
	return tz;
}

/* CronZone callbacks over a pg_tz */

static int32_t
beat_zone_utc_offset(const void *arg, int64_t t)
{
	pg_time_t	pt = (pg_time_t) t;
	long		before_gmtoff;
	int			before_isdst;
	pg_time_t	boundary;
	long		after_gmtoff;
	int			after_isdst;

	/* the state prevailing at t, whatever the result */
	(void) pg_next_dst_boundary(&pt, &before_gmtoff, &before_isdst, &boundary,
								&after_gmtoff, &after_isdst, (const pg_tz *) arg);
	return (int32_t) before_gmtoff;
}

static bool
beat_zone_next_transition(const void *arg, int64_t t, int64_t *boundary,
						  int32_t *after_offset)
{
	pg_time_t	pt = (pg_time_t) t;
	long		before_gmtoff;
	int			before_isdst;
	pg_time_t	b;
	long		after_gmtoff;
	int			after_isdst;

	if (pg_next_dst_boundary(&pt, &before_gmtoff, &before_isdst, &b,
							 &after_gmtoff, &after_isdst,
							 (const pg_tz *) arg) != 1)
		return false;
	*boundary = b;
	*after_offset = (int32_t) after_gmtoff;
	return true;
}

/*
 * The last transition at or before t.  PostgreSQL only searches forward, so
 * walk forward from a week earlier: the evaluator never needs older ones,
 * and zones change offset at most a few times a year.
 */
static bool
beat_zone_prev_transition(const void *arg, int64_t t, int64_t *boundary,
						  int32_t *before_offset)
{
	pg_time_t	pt = (pg_time_t) (t - 7 * SECS_PER_DAY);
	bool		found = false;

	for (;;)
	{
		long		before_gmtoff;
		int			before_isdst;
		pg_time_t	b;
		long		after_gmtoff;
		int			after_isdst;

		if (pg_next_dst_boundary(&pt, &before_gmtoff, &before_isdst, &b,
								 &after_gmtoff, &after_isdst,
								 (const pg_tz *) arg) != 1 || b > t)
			break;
		*boundary = b;
		*before_offset = (int32_t) before_gmtoff;
		found = true;
		pt = b;
	}
	return found;
}

TimestampTz
beat_next_fire(const CronExpr *expr, pg_tz *tz, TimestampTz after)
{
	int64		after_unix = beat_timestamp_to_unix(after);
	int64		next;

	switch (expr->kind)
	{
		case CRONEXPR_REBOOT:
			return DT_NOEND;
		case CRONEXPR_INTERVAL:
			return beat_unix_to_timestamp(after_unix + expr->interval_seconds);
		case CRONEXPR_FIELDS:
			{
				CronZone	zone;

				zone.utc_offset = beat_zone_utc_offset;
				zone.next_transition = beat_zone_next_transition;
				zone.prev_transition = beat_zone_prev_transition;
				zone.arg = tz;

				if (!cronexpr_next(expr, &zone, after_unix, &next))
					return DT_NOEND;
				return beat_unix_to_timestamp(next);
			}
	}
	return DT_NOEND;			/* keep compiler quiet */
}

/* 0001-01-01 00:00:00+00, in PostgreSQL's microseconds since 2000 */
#define BEAT_MIN_START	INT64CONST(-63082281600000000)

/*
 * cron.next_runs(schedule text, n int, start timestamptz, timezone text)
 *		returns setof timestamptz
 *
 * The next n fire times strictly after start.  Pure: the same arguments give
 * the same answer, which is what lets pg_regress test the whole grammar and
 * every DST rule.  An interval schedule fires every interval from start; a
 * @reboot schedule has no fire times.
 */
Datum
cron_next_runs(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *schedule_text;
	int32		n;
	TimestampTz start;
	char	   *zone_name = NULL;
	CronExpr	expr;
	pg_tz	   *tz;
	int32		i;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("schedule must not be null")));
	schedule_text = text_to_cstring(PG_GETARG_TEXT_PP(0));
	n = PG_ARGISNULL(1) ? 5 : PG_GETARG_INT32(1);
	start = PG_ARGISNULL(2) ? GetCurrentTransactionStartTimestamp() :
		PG_GETARG_TIMESTAMPTZ(2);
	if (!PG_ARGISNULL(3))
		zone_name = text_to_cstring(PG_GETARG_TEXT_PP(3));

	if (n < 0 || n > BEAT_MAX_NEXT_RUNS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("n must be between 0 and %d", BEAT_MAX_NEXT_RUNS)));
	if (TIMESTAMP_NOT_FINITE(start))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("start must be a finite timestamp")));
	/* the evaluator's calendar starts in 1 BC; earlier starts would clamp */
	if (start < BEAT_MIN_START)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("start must not be earlier than 0001-01-01 00:00:00+00"),
				 errdetail("Schedules are evaluated from year 1 AD onwards.")));

	beat_parse_schedule(schedule_text, &expr);
	tz = beat_lookup_timezone(zone_name);

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);

	for (i = 0; i < n; i++)
	{
		Datum		value;
		bool		isnull = false;

		CHECK_FOR_INTERRUPTS();
		start = beat_next_fire(&expr, tz, start);
		if (start == DT_NOEND || !IS_VALID_TIMESTAMP(start))
			break;
		value = TimestampTzGetDatum(start);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &value,
							 &isnull);
	}

	return (Datum) 0;
}

/*
 * cron.describe_schedule(schedule text, timezone text) returns text
 *
 * The schedule in plain English, with the zone it is read in.
 */
Datum
cron_describe_schedule(PG_FUNCTION_ARGS)
{
	char	   *schedule_text;
	char	   *zone_name = NULL;
	CronExpr	expr;
	char		buf[512];

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("schedule must not be null")));
	schedule_text = text_to_cstring(PG_GETARG_TEXT_PP(0));
	if (!PG_ARGISNULL(1))
		zone_name = text_to_cstring(PG_GETARG_TEXT_PP(1));

	beat_parse_schedule(schedule_text, &expr);
	(void) beat_lookup_timezone(zone_name);
	cronexpr_describe(&expr, buf, sizeof(buf));

	if (expr.kind == CRONEXPR_FIELDS)
		PG_RETURN_TEXT_P(cstring_to_text(psprintf("%s, %s", buf,
												  beat_effective_timezone_name(zone_name))));
	PG_RETURN_TEXT_P(cstring_to_text(buf));
}
