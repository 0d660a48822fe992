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
 * The zones are the synthetic ones of test/common/synthzone.c: UTC through
 * the callbacks, Berlin-like, Lord-Howe-like and a 26-hour shift.
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
#include "../common/synthzone.h"

/* Longest input tried; a little more than the parser accepts. */
#define FUZZ_MAX_INPUT	300

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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

			if (!cronexpr_next(expr, &synthzone_utc, after, &zone_next) ||
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
			cronexpr_next(&expr, &synthzone_berlin, 0, &next))
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
		check_next(text, &expr, &synthzone_berlin, start);
		check_next(text, &expr, &synthzone_lordhowe, start);
		check_next(text, &expr, &synthzone_extreme, start);
	}

	/* and the seconds around a Berlin transition, where rules meet */
	check_next(text, &expr, &synthzone_berlin, INT64_C(1774746000) - 1 - (int64_t) (hash % 7200));
	check_next(text, &expr, &synthzone_berlin, INT64_C(1792890000) - 1 - (int64_t) (hash % 7200));
	check_next(text, &expr, &synthzone_extreme, INT64_C(1778450000) - (int64_t) (hash % 200000));
	check_next(text, &expr, NULL, INT64_C(253402300799) - 86400 * 400);
	return 0;
}
