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
 * An "after" schedule (a dependent job, dependency.c) has no clock of its
 * own: cron.describe_schedule reads it back in English, and cron.next_runs
 * previews the clock of the chain it belongs to, found by walking the
 * caller's jobs up to the clock-driven roots.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "dependency.h"
#include "guc.h"
#include "schedule.h"

PG_FUNCTION_INFO_V1(cron_next_runs);
PG_FUNCTION_INFO_V1(cron_describe_schedule);
PG_FUNCTION_INFO_V1(cron_quote_job_name);

/* Seconds between the Unix epoch and PostgreSQL's (2000-01-01). */
#define BEAT_EPOCH_SHIFT \
	((int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY)

/* How many fire times cron.next_runs returns at most. */
#define BEAT_MAX_NEXT_RUNS 100000

#define BEAT_SCHEDULE_HINT \
	"A schedule is 5 fields \"minute hour day-of-month month day-of-week\" " \
	"or 6 with a leading second field, a macro such as @daily or @reboot, " \
	"\"N seconds\" (1-59), or \"every N seconds|minutes|hours\"."

#define BEAT_AFTER_HINT \
	"An after schedule is \"after <job>[, <job> ...]\" optionally followed by " \
	"succeeded (the default), failed or finished; write a job name that " \
	"holds spaces, commas or quotes in double quotes, with \"\" for a quote."

/* Most levels cron.next_runs climbs from a dependent job to its roots. */
#define BEAT_MAX_CHAIN_DEPTH 1000

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

bool
beat_schedule_is_after(const char *text)
{
	return dependency_is_after(text);
}

void
beat_parse_after(const char *text, DependencySpec *spec)
{
	DependencyError err;

	if (!dependency_parse(text, spec, &err))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid schedule \"%s\"", text),
				 errdetail("%s", err.message),
				 errhint(BEAT_AFTER_HINT)));
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

/* A clock-driven job at the root of a chain, for cron.next_runs. */
typedef struct BeatChainRoot
{
	CronExpr	expr;
	pg_tz	   *tz;
} BeatChainRoot;

/* Copy an SPI result column as text into the caller's context. */
static char *
beat_spi_text(HeapTuple tuple, TupleDesc desc, int col, MemoryContext cxt)
{
	char	   *value = SPI_getvalue(tuple, desc, col);

	return value ? MemoryContextStrdup(cxt, value) : NULL;
}

/*
 * The clock-driven roots of the chain an after schedule belongs to: the
 * named jobs (the caller's own, by name) and, for those that are dependent
 * jobs themselves, their upstream jobs (by id), up to the jobs with a clock
 * schedule.  Returns a palloc'd array in the caller's context.
 */
static BeatChainRoot *
beat_chain_roots(const DependencySpec *spec, int *nroots)
{
	MemoryContext cxt = CurrentMemoryContext;
	Datum	   *names = palloc(sizeof(Datum) * spec->nupstreams);
	Oid			argtypes[1] = {TEXTARRAYOID};
	Datum		args[1];
	List	   *schedules = NIL;	/* pairs: schedule, timezone */
	List	   *seen = NIL;
	BeatChainRoot *roots;
	int			depth;
	int			i;
	int			n;

	for (i = 0; i < spec->nupstreams; i++)
		names[i] = CStringGetTextDatum(dependency_upstream(spec, i));
	args[0] = PointerGetDatum(construct_array(names, spec->nupstreams, TEXTOID,
											  -1, false, TYPALIGN_INT));

	SPI_connect();

	/* the named jobs: the caller's own, as the trigger resolves them */
	if (SPI_execute_with_args("SELECT jobname, jobid, schedule, timezone, depends_on, "
							  "depends_outcome IS NOT NULL "
							  "FROM cron.job "
							  "WHERE username OPERATOR(pg_catalog.=) CURRENT_USER::pg_catalog.text "
							  "AND jobname OPERATOR(pg_catalog.=) ANY ($1)",
							  1, argtypes, args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not look up the jobs of an after schedule");
	for (i = 0; i < spec->nupstreams; i++)
	{
		const char *name = dependency_upstream(spec, i);
		bool		found = false;
		uint64		r;

		for (r = 0; r < SPI_processed && !found; r++)
		{
			char	   *value = SPI_getvalue(SPI_tuptable->vals[r],
											 SPI_tuptable->tupdesc, 1);

			found = strcmp(value, name) == 0;
		}
		if (!found)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("job \"%s\" does not exist", name),
					 errdetail("An after schedule names jobs of the current user, and you own no job of that name.")));
	}

	/*
	 * Climb level by level.  The trigger keeps the graph acyclic; the list
	 * of jobs seen and the depth bound keep a graph restored with a cycle
	 * from looping here.
	 */
	for (depth = 0; depth < BEAT_MAX_CHAIN_DEPTH; depth++)
	{
		SPITupleTable *tuptable = SPI_tuptable;
		uint64		processed = SPI_processed;
		Datum	   *next = NULL;
		int			nnext = 0;
		int			maxnext = 0;
		uint64		r;

		for (r = 0; r < processed; r++)
		{
			HeapTuple	tuple = tuptable->vals[r];
			TupleDesc	desc = tuptable->tupdesc;
			bool		isnull;
			int64		jobid = DatumGetInt64(SPI_getbinval(tuple, desc, 2, &isnull));
			bool		dependent = DatumGetBool(SPI_getbinval(tuple, desc, 6, &isnull));
			Datum		deps = SPI_getbinval(tuple, desc, 5, &isnull);
			ListCell   *sc;
			bool		already = false;

			foreach(sc, seen)
				already |= (*(int64 *) lfirst(sc) == jobid);
			if (already)
				continue;
			{
				int64	   *copy = palloc(sizeof(int64));

				*copy = jobid;
				seen = lappend(seen, copy);
			}

			if (!dependent)
			{
				/* kept past SPI_finish, which frees SPI's memory */
				MemoryContext old = MemoryContextSwitchTo(cxt);

				schedules = lappend(schedules, beat_spi_text(tuple, desc, 3, cxt));
				schedules = lappend(schedules, beat_spi_text(tuple, desc, 4, cxt));
				MemoryContextSwitchTo(old);
			}
			else if (!isnull)
			{
				Datum	   *ids;
				bool	   *nulls;
				int			nids;
				int			k;

				deconstruct_array(DatumGetArrayTypeP(deps), INT8OID, 8,
								  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
								  &ids, &nulls, &nids);
				for (k = 0; k < nids; k++)
				{
					if (nulls[k])
						continue;
					if (nnext == maxnext)
					{
						maxnext = Max(16, 2 * maxnext);
						next = next ? repalloc(next, sizeof(Datum) * maxnext) :
							palloc(sizeof(Datum) * maxnext);
					}
					next[nnext++] = ids[k];
				}
			}
		}
		if (nnext == 0)
			break;

		{
			Oid			idtypes[1] = {INT8ARRAYOID};
			Datum		idargs[1];

			idargs[0] = PointerGetDatum(construct_array(next, nnext, INT8OID, 8,
														FLOAT8PASSBYVAL,
														TYPALIGN_DOUBLE));
			if (SPI_execute_with_args("SELECT jobname, jobid, schedule, timezone, depends_on, "
									  "depends_outcome IS NOT NULL "
									  "FROM cron.job WHERE jobid OPERATOR(pg_catalog.=) ANY ($1)",
									  1, idtypes, idargs, NULL, true, 0) != SPI_OK_SELECT)
				elog(ERROR, "could not look up the upstream jobs of a chain");
		}
	}
	SPI_finish();

	n = list_length(schedules) / 2;
	if (n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the chain of this after schedule has no job with a clock schedule"),
				 errdetail("cron.next_runs previews the clock of the chain a dependent job belongs to, and no job upstream of it runs on a clock."),
				 errhint("Give the first job of the chain a cron schedule.")));
	roots = palloc(sizeof(BeatChainRoot) * n);
	for (i = 0; i < n; i++)
	{
		const char *schedule = list_nth(schedules, 2 * i);
		const char *zone = list_nth(schedules, 2 * i + 1);

		beat_parse_schedule(schedule, &roots[i].expr);
		roots[i].tz = beat_lookup_timezone(zone);
	}
	*nroots = n;
	return roots;
}

/*
 * cron.next_runs(schedule text, n int, start timestamptz, timezone text)
 *		returns setof timestamptz
 *
 * The next n fire times strictly after start.  Pure: the same arguments give
 * the same answer, which is what lets pg_regress test the whole grammar and
 * every DST rule.  An interval schedule fires every interval from start; a
 * @reboot schedule has no fire times.
 *
 * An after schedule has no clock of its own: its runs take the slot of the
 * chain's clock-driven root, so the answer is the root's fire times (each in
 * the root's own time zone; the timezone argument does not apply).  With
 * several roots (a join), a run needs every root to have fired since the
 * previous one and takes the latest root's slot: each instant is the latest
 * of the roots' next fire times after the previous instant.  This one reads
 * the caller's jobs, so it is not pure.
 */
Datum
cron_next_runs(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *schedule_text;
	int32		n;
	TimestampTz start;
	char	   *zone_name = NULL;
	BeatChainRoot single;
	BeatChainRoot *roots = &single;
	int			nroots = 1;
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

	if (beat_schedule_is_after(schedule_text))
	{
		DependencySpec *spec = palloc(sizeof(DependencySpec));

		beat_parse_after(schedule_text, spec);
		roots = beat_chain_roots(spec, &nroots);
	}
	else
	{
		beat_parse_schedule(schedule_text, &single.expr);
		single.tz = beat_lookup_timezone(zone_name);
	}

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);

	for (i = 0; i < n; i++)
	{
		Datum		value;
		bool		isnull = false;
		TimestampTz next = DT_NOBEGIN;
		int			r;

		CHECK_FOR_INTERRUPTS();
		for (r = 0; r < nroots; r++)
		{
			TimestampTz t = beat_next_fire(&roots[r].expr, roots[r].tz, start);

			if (t == DT_NOEND || !IS_VALID_TIMESTAMP(t))
			{
				next = DT_NOEND;
				break;
			}
			if (t > next)
				next = t;
		}
		if (next == DT_NOEND)
			break;
		start = next;
		value = TimestampTzGetDatum(start);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &value,
							 &isnull);
	}

	return (Datum) 0;
}

/*
 * cron.describe_schedule(schedule text, timezone text) returns text
 *
 * The schedule in plain English, with the zone it is read in; an after
 * schedule as "after load succeeds", with no zone.
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

	/* a dependent job has no clock: the time zone does not apply */
	if (beat_schedule_is_after(schedule_text))
	{
		DependencySpec *spec = palloc(sizeof(DependencySpec));
		char	   *description = palloc(DEPENDENCY_MAX_LENGTH * 2 + 64);

		beat_parse_after(schedule_text, spec);
		dependency_describe(spec, description, DEPENDENCY_MAX_LENGTH * 2 + 64);
		PG_RETURN_TEXT_P(cstring_to_text(description));
	}

	beat_parse_schedule(schedule_text, &expr);
	(void) beat_lookup_timezone(zone_name);
	cronexpr_describe(&expr, buf, sizeof(buf));

	if (expr.kind == CRONEXPR_FIELDS)
		PG_RETURN_TEXT_P(cstring_to_text(psprintf("%s, %s", buf,
												  beat_effective_timezone_name(zone_name))));
	PG_RETURN_TEXT_P(cstring_to_text(buf));
}

/*
 * cron.quote_job_name(name text) returns text
 *
 * A job name as an after schedule writes it: as is when it is a plain word,
 * else in double quotes with quotes doubled.  Renames rewrite schedules with
 * it; views show upstream jobs with it.
 */
Datum
cron_quote_job_name(PG_FUNCTION_ARGS)
{
	char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	size_t		len = dependency_quote_name(name, NULL, 0);
	char	   *buf = palloc(len + 1);

	dependency_quote_name(name, buf, len + 1);
	PG_RETURN_TEXT_P(cstring_to_text(buf));
}
