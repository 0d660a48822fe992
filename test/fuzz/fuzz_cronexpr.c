/*-------------------------------------------------------------------------
 *
 * fuzz_cronexpr.c
 *	  libFuzzer target for the schedule grammar and evaluator.
 *
 * Schedules reach cronexpr.c straight from users (cron.schedule, direct
 * INSERTs into cron.job), and the launcher evaluates every stored schedule
 * in the background worker, so neither parsing nor evaluation may crash,
 * loop or read out of bounds on any input.  This target feeds arbitrary
 * bytes to cronexpr_parse() and, for every schedule it accepts, checks the
 * properties the rest of pg_beat relies on:
 *
 * - a rejected schedule comes with a well-formed error: a printable ASCII
 *	 sentence, a printable token, and an offset/length inside the text;
 * - parsing is deterministic;
 * - cronexpr_next() always moves forward, and what it returns matches the
 *	 expression on the local wall clock, except for the one documented case
 *	 (a pinned schedule firing at the first instant after a spring-forward
 *	 gap); in UTC, no earlier instant in a window matches either;
 * - cronexpr_describe() stays within its buffer and always terminates it.
 *
 * Violations abort(), which libFuzzer reports as a crash with the input.
 * Run it with test/fuzz/run.sh.
 *
 *-------------------------------------------------------------------------
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/cronexpr.h"

/* Longest input tried; a little more than the parser accepts. */
#define FUZZ_MAX_INPUT	300

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ----------------------------------------------------------------
 *		Synthetic zones
 *
 * A RuleZone is a standard offset plus an optional daylight offset from the
 * nth (0 = last) Sunday of one month to the nth Sunday of another, at local
 * times, as real rules are written (the unit tests use the same model).
 * ----------------------------------------------------------------
 */

typedef struct RuleZone
{
	int32_t		std_off;
	int32_t		dst_off;
	int			start_month;
	int			start_nth;
	int			start_local;
	int			end_month;
	int			end_nth;
	int			end_local;
} RuleZone;

typedef struct Transition
{
	int64_t		at;
	int32_t		before;
	int32_t		after;
} Transition;

/* Europe/Berlin's rules */
static const RuleZone berlin = {3600, 7200, 3, 0, 7200, 10, 0, 10800};

/* Australia/Lord_Howe's: half-hour shift, southern hemisphere */
static const RuleZone lordhowe = {37800, 39600, 10, 1, 7200, 4, 1, 7200};

/* Not a real zone: a 26-hour shift, so gaps and folds span whole days. */
static const RuleZone extreme = {-12 * 3600, 14 * 3600, 5, 2, 3600, 9, 0, 3600};

static int64_t
nth_sunday(int year, int month, int nth)
{
	int64_t		first = cronexpr_days_from_civil(year, month, 1);
	int			wday1 = (int) (((first + 4) % 7 + 7) % 7);
	int64_t		day;

	if (nth > 0)
		return first + (7 - wday1) % 7 + 7 * (nth - 1);
	day = cronexpr_days_from_civil(year, month + 1, 1) - 1;
	while (((day + 4) % 7 + 7) % 7 != 0)
		day--;
	return day;
}

/* The transitions of UTC years year-1 .. year+1, sorted. */
static int
zone_transitions(const RuleZone *z, int64_t t, Transition *out)
{
	CronTm		tm;
	int			n = 0;
	int			y;
	int			i;
	int			j;

	cronexpr_civil_from_seconds(t, &tm);
	for (y = tm.year - 1; y <= tm.year + 1; y++)
	{
		out[n].at = nth_sunday(y, z->start_month, z->start_nth) * 86400 +
			z->start_local - z->std_off;
		out[n].before = z->std_off;
		out[n].after = z->dst_off;
		n++;
		out[n].at = nth_sunday(y, z->end_month, z->end_nth) * 86400 +
			z->end_local - z->dst_off;
		out[n].before = z->dst_off;
		out[n].after = z->std_off;
		n++;
	}
	for (i = 1; i < n; i++)
	{
		for (j = i; j > 0 && out[j - 1].at > out[j].at; j--)
		{
			Transition	tmp = out[j];

			out[j] = out[j - 1];
			out[j - 1] = tmp;
		}
	}
	return n;
}

static int32_t
rz_utc_offset(const void *arg, int64_t t)
{
	const RuleZone *z = arg;
	Transition	tr[6];
	int			n = zone_transitions(z, t, tr);
	int32_t		off = tr[0].before;
	int			i;

	for (i = 0; i < n; i++)
	{
		if (tr[i].at <= t)
			off = tr[i].after;
	}
	return off;
}

static bool
rz_next_transition(const void *arg, int64_t t, int64_t *boundary,
				   int32_t *after_offset)
{
	const RuleZone *z = arg;
	Transition	tr[6];
	int			n = zone_transitions(z, t, tr);
	int			i;

	for (i = 0; i < n; i++)
	{
		if (tr[i].at > t)
		{
			*boundary = tr[i].at;
			*after_offset = tr[i].after;
			return true;
		}
	}
	return false;
}

static bool
rz_prev_transition(const void *arg, int64_t t, int64_t *boundary,
				   int32_t *before_offset)
{
	const RuleZone *z = arg;
	Transition	tr[6];
	int			n = zone_transitions(z, t, tr);
	int			i;

	for (i = n - 1; i >= 0; i--)
	{
		if (tr[i].at <= t)
		{
			*boundary = tr[i].at;
			*before_offset = tr[i].before;
			return true;
		}
	}
	return false;
}

/* UTC through the callbacks: must agree exactly with the NULL fast path. */
static int32_t
utc_offset(const void *arg, int64_t t)
{
	(void) arg;
	(void) t;
	return 0;
}

static bool
no_transition(const void *arg, int64_t t, int64_t *boundary, int32_t *offset)
{
	(void) arg;
	(void) t;
	(void) boundary;
	(void) offset;
	return false;
}

static const CronZone zone_utc = {utc_offset, no_transition, no_transition, NULL};
static const CronZone zone_berlin = {rz_utc_offset, rz_next_transition, rz_prev_transition, &berlin};
static const CronZone zone_lordhowe = {rz_utc_offset, rz_next_transition, rz_prev_transition, &lordhowe};
static const CronZone zone_extreme = {rz_utc_offset, rz_next_transition, rz_prev_transition, &extreme};

/* ----------------------------------------------------------------
 *		Checks
 * ----------------------------------------------------------------
 */

static void
fail(const char *text, const char *what)
{
	fprintf(stderr, "invariant violated for \"%s\": %s\n", text, what);
	abort();
}

static bool
printable(const char *s, size_t cap)
{
	size_t		i;

	for (i = 0; i < cap && s[i] != '\0'; i++)
	{
		if ((unsigned char) s[i] < 0x20 || (unsigned char) s[i] >= 0x7f)
			return false;
	}
	return i < cap;
}

static void
check_error(const char *text, size_t len, const CronError *err)
{
	size_t		mlen;

	if (!printable(err->message, sizeof(err->message)) ||
		!printable(err->token, sizeof(err->token)))
		fail(text, "error message or token not printable or not terminated");
	mlen = strlen(err->message);
	if (mlen < 2 || err->message[0] < 'A' || err->message[0] > 'Z' ||
		err->message[mlen - 1] != '.')
		fail(text, "error message is not a sentence");
	if (err->offset < 0 || err->length < 0 ||
		(size_t) err->offset + (size_t) err->length > len)
		fail(text, "error offset/length outside the text");
	if (err->field < CRONFIELD_NONE || err->field > CRONFIELD_DAY_OF_WEEK)
		fail(text, "error field out of range");
}

static void
check_describe(const char *text, const CronExpr *expr)
{
	static const size_t sizes[5] = {1, 2, 17, 64, 256};
	char		full[512];
	char		buf[260];
	size_t		i;

	memset(full, 0x7f, sizeof(full));
	cronexpr_describe(expr, full, sizeof(full));
	if (memchr(full, '\0', sizeof(full)) == NULL || full[0] == '\0')
		fail(text, "describe output empty or not terminated");

	for (i = 0; i < 5; i++)
	{
		memset(buf, 0x7f, sizeof(buf));
		cronexpr_describe(expr, buf, sizes[i]);
		if (memchr(buf, '\0', sizes[i]) == NULL)
			fail(text, "describe output not terminated within the buffer");
		if (buf[sizes[i]] != 0x7f)
			fail(text, "describe wrote past the buffer");
		if (strncmp(buf, full, strlen(buf)) != 0)
			fail(text, "truncated describe output is not a prefix");
	}
	buf[0] = 0x7f;
	cronexpr_describe(expr, buf, 0);
	if (buf[0] != 0x7f)
		fail(text, "describe wrote into a zero-length buffer");
}

/*
 * Follow a few successive fire times in a zone and check each one.  In UTC
 * also check that nothing earlier in a bounded window matches.
 */
static void
check_next(const char *text, const CronExpr *expr, const CronZone *zone,
		   int64_t after)
{
	int			i;

	for (i = 0; i < 3; i++)
	{
		int64_t		next;
		int64_t		wall;
		CronTm		tm;

		if (!cronexpr_next(expr, zone, after, &next))
			return;				/* past year 9999 */
		if (next <= after)
			fail(text, "next is not after 'after'");

		wall = next + (zone ? zone->utc_offset(zone->arg, next) : 0);
		cronexpr_civil_from_seconds(wall, &tm);
		if (!cronexpr_matches(expr, &tm))
		{
			int64_t		prev;
			int32_t		before;

			/* only a pinned schedule firing right after a gap may do this */
			if (zone == NULL || !expr->pinned ||
				!zone->prev_transition(zone->arg, next, &prev, &before) ||
				prev != next || before >= zone->utc_offset(zone->arg, next))
				fail(text, "next does not match the expression");
		}

		if (zone == NULL)
		{
			int64_t		zone_next;
			int			step = expr->has_seconds_field ? 1 : 60;
			int64_t		limit = after + (expr->has_seconds_field ? 3600 : 2 * 86400);
			int64_t		t;

			if (!cronexpr_next(expr, &zone_utc, after, &zone_next) ||
				zone_next != next)
				fail(text, "UTC via callbacks differs from the NULL zone");

			t = after - ((after % step) + step) % step + step;
			for (; t < next && t <= limit; t += step)
			{
				cronexpr_civil_from_seconds(t, &tm);
				if (cronexpr_matches(expr, &tm))
					fail(text, "an earlier instant matches");
			}
		}
		after = next;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		text[FUZZ_MAX_INPUT + 1];
	CronExpr	expr;
	CronExpr	again;
	CronError	err;
	CronError	err2;
	bool		ok;
	uint64_t	hash = UINT64_C(1469598103934665603);
	size_t		i;

	if (size > FUZZ_MAX_INPUT)
		size = FUZZ_MAX_INPUT;
	memcpy(text, data, size);
	text[size] = '\0';

	ok = cronexpr_parse(text, &expr, &err);
	if (cronexpr_parse(text, &again, &err2) != ok ||
		(ok ? memcmp(&expr, &again, sizeof(expr)) != 0 :
		 memcmp(&err, &err2, sizeof(err)) != 0))
		fail(text, "parsing is not deterministic");

	if (!ok)
	{
		check_error(text, strlen(text), &err);
		return 0;
	}
	if (err.message[0] != '\0')
		fail(text, "success with an error message");

	check_describe(text, &expr);

	if (expr.kind == CRONEXPR_INTERVAL)
	{
		if (expr.interval_seconds < 1 || expr.interval_seconds > 31 * 86400)
			fail(text, "interval out of range");
	}
	if (expr.kind != CRONEXPR_FIELDS)
	{
		int64_t		next;

		if (cronexpr_next(&expr, NULL, 0, &next) ||
			cronexpr_next(&expr, &zone_berlin, 0, &next))
			fail(text, "next of a non-field schedule");
		return 0;
	}

	/* a start instant that depends on the input, in 1900-2200 */
	for (i = 0; i < size; i++)
		hash = (hash ^ (uint8_t) text[i]) * UINT64_C(1099511628211);
	{
		int64_t		start = INT64_C(-2208988800) +
		(int64_t) (hash % UINT64_C(9467280000));

		check_next(text, &expr, NULL, start);
		check_next(text, &expr, &zone_berlin, start);
		check_next(text, &expr, &zone_lordhowe, start);
		check_next(text, &expr, &zone_extreme, start);
	}

	/* and the seconds around a Berlin transition, where rules meet */
	check_next(text, &expr, &zone_berlin, INT64_C(1774746000) - 1 - (int64_t) (hash % 7200));
	check_next(text, &expr, &zone_berlin, INT64_C(1792890000) - 1 - (int64_t) (hash % 7200));
	check_next(text, &expr, &zone_extreme, INT64_C(1778450000) - (int64_t) (hash % 200000));
	check_next(text, &expr, NULL, INT64_C(253402300799) - 86400 * 400);
	return 0;
}
