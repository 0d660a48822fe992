/*-------------------------------------------------------------------------
 *
 * test_cronexpr.c
 *	  Standalone unit tests of the schedule grammar and evaluator.
 *
 * cronexpr.c is pure C, so its tests need no server: this program links it
 * directly (see run.sh) and prints one "ok N - ..." or "not ok N - ..."
 * line per case, then a summary, and exits non-zero if anything failed.
 *
 * The cases are, in order: the civil calendar helpers; every valid form of
 * the grammar with the parsed bitmaps and flags asserted; every invalid
 * form with the exact error (field, offset, length, token, message); the
 * next fire time in UTC and in the synthetic time zones of
 * test/common/synthzone.c, built from rules like those of Europe/Berlin,
 * America/New_York and Australia/Lord_Howe (including the instants around
 * their transitions); cronexpr_matches; cronexpr_describe; and finally
 * randomised comparisons of cronexpr_next against a deliberately naive
 * minute-by-minute reference that has its own implementation of the day
 * rules and of the daylight-saving rules.
 *
 * Most cases are rows of tables, one row per case: the input and what it
 * must give.  The exact error sentences asserted here are the ones the
 * backend's regression tests rely on; change them only together.
 *
 *-------------------------------------------------------------------------
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/cronexpr.h"
#include "../common/synthzone.h"

/*
 * The expected CronExpr of each valid case is written as a compound literal
 * of defaults followed by the fields that differ; C99 says the later
 * designator wins, which is exactly what we want here.
 */
#if defined(__clang__)
#pragma clang diagnostic ignored "-Winitializer-overrides"
#elif defined(__GNUC__)
#pragma GCC diagnostic ignored "-Woverride-init"
#endif

/* ----------------------------------------------------------------
 *		Tiny test harness
 * ----------------------------------------------------------------
 */

#define lengthof(array) (sizeof(array) / sizeof((array)[0]))

static int	tests_run;
static int	tests_failed;

/* Report one case; on failure, why (already printed as "# ..." lines). */
static void
report(bool pass, const char *fmt,...)
{
	va_list		ap;

	tests_run++;
	if (!pass)
		tests_failed++;
	printf("%s %d - ", pass ? "ok" : "not ok", tests_run);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* A diagnostic line, TAP style. */
static void
diag(const char *fmt,...)
{
	va_list		ap;

	printf("#   ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* ----------------------------------------------------------------
 *		Time helpers
 * ----------------------------------------------------------------
 */

/* "2026-03-29 01:00:00" (UTC) to an instant; aborts on a typo in a test. */
static int64_t
ts(const char *s)
{
	CronTm		tm;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%d-%d-%d %d:%d:%d", &tm.year, &tm.month, &tm.mday,
			   &tm.hour, &tm.minute, &tm.second) != 6)
	{
		fprintf(stderr, "bad timestamp in test: %s\n", s);
		exit(2);
	}
	return cronexpr_seconds_from_civil(&tm);
}

/* Format an instant as "YYYY-MM-DD HH:MM:SS" into a caller's buffer. */
static const char *
fmt_ts(int64_t t, char *buf, size_t len)
{
	CronTm		tm;

	cronexpr_civil_from_seconds(t, &tm);
	snprintf(buf, len, "%04d-%02d-%02d %02d:%02d:%02d",
			 tm.year, tm.month, tm.mday, tm.hour, tm.minute, tm.second);
	return buf;
}

/* ----------------------------------------------------------------
 *		Civil calendar helpers
 * ----------------------------------------------------------------
 */

static void
test_civil(void)
{
	static const struct
	{
		int			y,
					m,
					d;
		int64_t		days;
	}			known[] = {
		{1970, 1, 1, 0},
		{1970, 1, 2, 1},
		{1969, 12, 31, -1},
		{2000, 1, 1, 10957},
		{2000, 2, 29, 11016},
		{2000, 3, 1, 11017},
		{1900, 3, 1, -25508},
		{1600, 1, 1, -135140},
		{2026, 3, 29, 20541},
		{0, 1, 1, -719528},
		{-1, 12, 31, -719529},
		{9999, 12, 31, 2932896},
		{2038, 1, 19, 24855},
		{2100, 3, 1, 47541},
	};
	size_t		i;
	int64_t		day;
	bool		pass;

	for (i = 0; i < lengthof(known); i++)
	{
		int64_t		got = cronexpr_days_from_civil(known[i].y, known[i].m, known[i].d);

		report(got == known[i].days, "days_from_civil(%d-%02d-%02d) = %" PRId64,
			   known[i].y, known[i].m, known[i].d, known[i].days);
		if (got != known[i].days)
			diag("got %" PRId64, got);
	}

	/* month carry: month 13 of 2025 is January 2026, month 0 is December */
	report(cronexpr_days_from_civil(2025, 13, 1) == cronexpr_days_from_civil(2026, 1, 1) &&
		   cronexpr_days_from_civil(2026, 0, 1) == cronexpr_days_from_civil(2025, 12, 1),
		   "days_from_civil carries months outside 1-12 into the year");

	/* round trip over 1,000 years around the epoch, both signs */
	pass = true;
	for (day = -200000; day <= 200000 && pass; day += 1)
	{
		CronTm		tm;

		cronexpr_civil_from_seconds(day * 86400 + 43210, &tm);
		if (cronexpr_days_from_civil(tm.year, tm.month, tm.mday) != day ||
			tm.hour != 12 || tm.minute != 0 || tm.second != 10 ||
			tm.wday != (int) (((day + 4) % 7 + 7) % 7))
		{
			diag("round trip failed at day %" PRId64, day);
			pass = false;
		}
	}
	report(pass, "civil_from_seconds and days_from_civil round-trip, days -200000..200000");

	{
		CronTm		tm;
		char		buf[32];

		cronexpr_civil_from_seconds(-1, &tm);
		report(tm.year == 1969 && tm.month == 12 && tm.mday == 31 &&
			   tm.hour == 23 && tm.minute == 59 && tm.second == 59 && tm.wday == 3,
			   "civil_from_seconds(-1) is 1969-12-31 23:59:59, a Wednesday");

		cronexpr_civil_from_seconds(INT64_C(-62135596800), &tm);
		report(tm.year == 1 && tm.month == 1 && tm.mday == 1 && tm.wday == 1,
			   "civil_from_seconds(0001-01-01) is a Monday");

		cronexpr_civil_from_seconds(INT64_C(253402300799), &tm);
		report(strcmp(fmt_ts(INT64_C(253402300799), buf, sizeof(buf)),
					  "9999-12-31 23:59:59") == 0 && tm.wday == 5,
			   "civil_from_seconds(253402300799) is 9999-12-31 23:59:59, a Friday");

		tm.year = 2026;
		tm.month = 3;
		tm.mday = 29;
		tm.hour = 1;
		tm.minute = 0;
		tm.second = 0;
		report(cronexpr_seconds_from_civil(&tm) == INT64_C(1774746000),
			   "seconds_from_civil(2026-03-29 01:00:00) = 1774746000");

		tm.year = 1960;
		tm.month = 6;
		tm.mday = 15;
		tm.hour = 6;
		tm.minute = 30;
		tm.second = 5;
		report(cronexpr_seconds_from_civil(&tm) == INT64_C(-301253395),
			   "seconds_from_civil(1960-06-15 06:30:05) = -301253395");
	}
}

/* ----------------------------------------------------------------
 *		Valid expressions
 * ----------------------------------------------------------------
 */

#define ALL_SEC		((UINT64_C(1) << 60) - 1)
#define ALL_MIN		((UINT64_C(1) << 60) - 1)
#define ALL_HOUR	((UINT32_C(1) << 24) - 1)
#define ALL_MDAY	UINT32_C(0xFFFFFFFE)
#define ALL_MONTH	((uint16_t) 0x1FFE)
#define ALL_WDAY	((uint8_t) 0x7F)
#define BIT(n)		(UINT64_C(1) << (n))

/* Defaults of a five-field expression, then the fields that differ. */
#define F5(...) ((CronExpr) { \
	.kind = CRONEXPR_FIELDS, .seconds = 1, .minutes = ALL_MIN, \
	.hours = ALL_HOUR, .mdays = ALL_MDAY, .months = ALL_MONTH, \
	.wdays = ALL_WDAY, __VA_ARGS__ })
/* Defaults of a six-field expression, then the fields that differ. */
#define F6(...) F5(.has_seconds_field = true, .seconds = ALL_SEC, __VA_ARGS__)
#define INTERVAL(n) ((CronExpr) {.kind = CRONEXPR_INTERVAL, .interval_seconds = (n)})

/* Bits lo, lo+step, ... <= hi */
static uint64_t
steps(int lo, int hi, int step)
{
	uint64_t	bits = 0;
	int			v;

	for (v = lo; v <= hi; v += step)
		bits |= BIT(v);
	return bits;
}

/* Bits of a list of values ended by -1. */
static uint64_t
list_bits(const int *values)
{
	uint64_t	bits = 0;

	for (; *values >= 0; values++)
		bits |= BIT(*values);
	return bits;
}

#define BITS(...) list_bits((const int[]) {__VA_ARGS__, -1})

/* Compare two expressions field by field, reporting every difference. */
static bool
expr_equal(const CronExpr *got, const CronExpr *want)
{
	bool		eq = true;
	int			i;

#define CMP(f, fmt) \
	if (got->f != want->f) { \
		diag(#f ": got " fmt ", want " fmt, got->f, want->f); \
		eq = false; \
	}
	CMP(kind, "%d");
	CMP(interval_seconds, "%" PRId64);
	CMP(seconds, "%#" PRIx64);
	CMP(minutes, "%#" PRIx64);
	CMP(hours, "%#" PRIx32);
	CMP(mdays, "%#" PRIx32);
	CMP(months, "%#x");
	CMP(wdays, "%#x");
	CMP(mdays_nearest_weekday, "%#" PRIx32);
	CMP(mdays_before_last, "%#" PRIx32);
	CMP(last_weekday_of_month, "%d");
	CMP(wdays_last, "%#x");
	for (i = 0; i < 7; i++)
	{
		CMP(wdays_nth[i], "%#x");
	}
	CMP(has_seconds_field, "%d");
	CMP(dom_restricted, "%d");
	CMP(dow_restricted, "%d");
	CMP(pinned, "%d");
#undef CMP
	return eq;
}

/* A schedule that must parse, and the CronExpr it must give. */
typedef struct ValidCase
{
	const char *text;
	CronExpr	want;
} ValidCase;

static void
check_valid(const ValidCase *c)
{
	CronExpr	got;
	CronError	err;
	bool		ok = cronexpr_parse(c->text, &got, &err);

	if (!ok)
	{
		diag("unexpected error: %s", err.message);
		report(false, "valid: \"%s\"", c->text);
		return;
	}
	report(expr_equal(&got, &c->want), "valid: \"%s\"", c->text);
}

static void
test_valid(void)
{
	/* not static: steps() and BITS() are not constant expressions */
	const ValidCase cases[] = {
		/* minutes */
		{"* * * * *", F5()},
		{"0 * * * *", F5(.minutes = BIT(0))},
		{"59 * * * *", F5(.minutes = BIT(59))},
		{"00 * * * *", F5(.minutes = BIT(0))},
		{"007 * * * *", F5(.minutes = BIT(7))},
		{"*/15 * * * *", F5(.minutes = steps(0, 59, 15))},
		{"*/1 * * * *", F5()},
		{"*/59 * * * *", F5(.minutes = BITS(0, 59))},
		{"*/7 * * * *", F5(.minutes = steps(0, 59, 7))},
		{"5-10 * * * *", F5(.minutes = steps(5, 10, 1))},
		{"5-10/2 * * * *", F5(.minutes = BITS(5, 7, 9))},
		{"5/15 * * * *", F5(.minutes = BITS(5, 20, 35, 50))},
		{"0-59/30 * * * *", F5(.minutes = BITS(0, 30))},
		{"0-5/10 * * * *", F5(.minutes = BIT(0))},
		{"1,2,3 * * * *", F5(.minutes = BITS(1, 2, 3))},
		{"1,5-7,*/20 * * * *", F5(.minutes = BITS(0, 1, 5, 6, 7, 20, 40))},
		{"3,3,3 * * * *", F5(.minutes = BIT(3))},
		{"59,0 * * * *", F5(.minutes = BITS(0, 59))},
		{"0-59 * * * *", F5(.minutes = ALL_MIN)},
		{"58/1 * * * *", F5(.minutes = BITS(58, 59))},
		{"*,5 * * * *", F5()},

		/* hours, and which expressions are pinned */
		{"0 0 * * *", F5(.minutes = BIT(0), .hours = BIT(0), .pinned = true)},
		{"30 2 * * *", F5(.minutes = BIT(30), .hours = BIT(2), .pinned = true)},
		{"15 1,2,3 * * *", F5(.minutes = BIT(15), .hours = BITS(1, 2, 3), .pinned = true)},
		{"0 */2 * * *", F5(.minutes = BIT(0), .hours = steps(0, 23, 2))},
		{"*/5 3 * * *", F5(.minutes = steps(0, 59, 5), .hours = BIT(3))},
		{"* 3 * * *", F5(.hours = BIT(3))},
		{"0-59 0-23 * * *", F5(.pinned = true)},
		{"0 0-23/2 * * *", F5(.minutes = BIT(0), .hours = steps(0, 23, 2), .pinned = true)},
		{"0 23 * * *", F5(.minutes = BIT(0), .hours = BIT(23), .pinned = true)},
		{"0 9-17 * * *", F5(.minutes = BIT(0), .hours = steps(9, 17, 1), .pinned = true)},
		{"0 */23 * * *", F5(.minutes = BIT(0), .hours = BITS(0, 23))},
		{"0 1/6 * * *", F5(.minutes = BIT(0), .hours = BITS(1, 7, 13, 19), .pinned = true)},
		{"0,30 9,17 * * *", F5(.minutes = BITS(0, 30), .hours = BITS(9, 17), .pinned = true)},
		{"0 *,3 * * *", F5(.minutes = BIT(0))},

		/* day of month */
		{"0 0 1 * *", F5(.minutes = BIT(0), .hours = BIT(0), .mdays = BIT(1),
						 .dom_restricted = true, .pinned = true)},
		{"* * 31 * *", F5(.mdays = BIT(31), .dom_restricted = true)},
		{"* * 1-15 * *", F5(.mdays = steps(1, 15, 1), .dom_restricted = true)},
		{"* * */2 * *", F5(.mdays = steps(1, 31, 2))},
		{"* * */30 * *", F5(.mdays = BITS(1, 31))},
		{"* * 1/10 * *", F5(.mdays = BITS(1, 11, 21, 31), .dom_restricted = true)},
		{"* * 1-31 * *", F5(.dom_restricted = true)},
		{"* * L * *", F5(.mdays = 0, .mdays_before_last = 1, .dom_restricted = true)},
		{"* * l * *", F5(.mdays = 0, .mdays_before_last = 1, .dom_restricted = true)},
		{"* * $ * *", F5(.mdays = 0, .mdays_before_last = 1, .dom_restricted = true)},
		{"* * L-1 * *", F5(.mdays = 0, .mdays_before_last = BIT(1), .dom_restricted = true)},
		{"* * l-5 * *", F5(.mdays = 0, .mdays_before_last = BIT(5), .dom_restricted = true)},
		{"* * L-30 * *", F5(.mdays = 0, .mdays_before_last = BIT(30), .dom_restricted = true)},
		{"* * L-01 * *", F5(.mdays = 0, .mdays_before_last = BIT(1), .dom_restricted = true)},
		{"* * LW * *", F5(.mdays = 0, .last_weekday_of_month = true, .dom_restricted = true)},
		{"* * lw * *", F5(.mdays = 0, .last_weekday_of_month = true, .dom_restricted = true)},
		{"* * 15W * *", F5(.mdays = 0, .mdays_nearest_weekday = BIT(15), .dom_restricted = true)},
		{"* * 1w * *", F5(.mdays = 0, .mdays_nearest_weekday = BIT(1), .dom_restricted = true)},
		{"* * 31W * *", F5(.mdays = 0, .mdays_nearest_weekday = BIT(31), .dom_restricted = true)},
		{"* * 1,L * *", F5(.mdays = BIT(1), .mdays_before_last = 1, .dom_restricted = true)},
		{"* * L,L-2,15W,LW,1-3 * *", F5(.mdays = BITS(1, 2, 3), .mdays_before_last = BITS(0, 2),
										.mdays_nearest_weekday = BIT(15),
										.last_weekday_of_month = true, .dom_restricted = true)},
		{"* * 1W,15W * *", F5(.mdays = 0, .mdays_nearest_weekday = BITS(1, 15), .dom_restricted = true)},
		{"* * $,L * *", F5(.mdays = 0, .mdays_before_last = 1, .dom_restricted = true)},
		{"* * *,L * *", F5(.mdays_before_last = 1)},

		/* months */
		{"* * * 1 *", F5(.months = BIT(1))},
		{"* * * 12 *", F5(.months = BIT(12))},
		{"* * * jan *", F5(.months = BIT(1))},
		{"* * * JAN *", F5(.months = BIT(1))},
		{"* * * Jan *", F5(.months = BIT(1))},
		{"* * * dec *", F5(.months = BIT(12))},
		{"* * * jan-mar *", F5(.months = BITS(1, 2, 3))},
		{"* * * 1-3 *", F5(.months = BITS(1, 2, 3))},
		{"* * * */3 *", F5(.months = BITS(1, 4, 7, 10))},
		{"* * * feb,aug *", F5(.months = BITS(2, 8))},
		{"* * * jan/2 *", F5(.months = BITS(1, 3, 5, 7, 9, 11))},
		{"* * * mar-dec/3 *", F5(.months = BITS(3, 6, 9, 12))},
		{"* * * jan-3 *", F5(.months = BITS(1, 2, 3))},
		{"* * * apr,MAY,Jun *", F5(.months = BITS(4, 5, 6))},
		{"* * * jul-jul *", F5(.months = BIT(7))},
		{"* * * sep,oct,nov *", F5(.months = BITS(9, 10, 11))},
		{"* * * */11 *", F5(.months = BITS(1, 12))},

		/* days of the week */
		{"* * * * 0", F5(.wdays = BIT(0), .dow_restricted = true)},
		{"* * * * 7", F5(.wdays = BIT(0), .dow_restricted = true)},
		{"* * * * 0,7", F5(.wdays = BIT(0), .dow_restricted = true)},
		{"* * * * 1-5", F5(.wdays = steps(1, 5, 1), .dow_restricted = true)},
		{"* * * * MON-FRI", F5(.wdays = steps(1, 5, 1), .dow_restricted = true)},
		{"* * * * mon-fri", F5(.wdays = steps(1, 5, 1), .dow_restricted = true)},
		{"* * * * Mon-Fri", F5(.wdays = steps(1, 5, 1), .dow_restricted = true)},
		{"* * * * sun", F5(.wdays = BIT(0), .dow_restricted = true)},
		{"* * * * SAT,SUN", F5(.wdays = BITS(0, 6), .dow_restricted = true)},
		{"* * * * 5-7", F5(.wdays = BITS(0, 5, 6), .dow_restricted = true)},
		{"* * * * fri-sun", F5(.wdays = BITS(0, 5, 6), .dow_restricted = true)},
		{"* * * * 6-0", F5(.wdays = BITS(0, 6), .dow_restricted = true)},
		{"* * * * */2", F5(.wdays = BITS(0, 2, 4, 6))},
		{"* * * * */7", F5(.wdays = BIT(0))},
		{"* * * * 1/2", F5(.wdays = BITS(1, 3, 5), .dow_restricted = true)},
		{"* * * * 7/2", F5(.wdays = BITS(0), .dow_restricted = true)},
		{"* * * * 0-7", F5(.dow_restricted = true)},
		{"* * * * 0-6", F5(.dow_restricted = true)},
		{"* * * * tue,thu", F5(.wdays = BITS(2, 4), .dow_restricted = true)},
		{"* * * * wed", F5(.wdays = BIT(3), .dow_restricted = true)},
		{"* * * * 1-7/2", F5(.wdays = BITS(0, 1, 3, 5), .dow_restricted = true)},
		{"* * * * 5L", F5(.wdays = 0, .wdays_last = BIT(5), .dow_restricted = true)},
		{"* * * * 5l", F5(.wdays = 0, .wdays_last = BIT(5), .dow_restricted = true)},
		{"* * * * friL", F5(.wdays = 0, .wdays_last = BIT(5), .dow_restricted = true)},
		{"* * * * FRIL", F5(.wdays = 0, .wdays_last = BIT(5), .dow_restricted = true)},
		{"* * * * 7L", F5(.wdays = 0, .wdays_last = BIT(0), .dow_restricted = true)},
		{"* * * * 0L", F5(.wdays = 0, .wdays_last = BIT(0), .dow_restricted = true)},
		{"* * * * sunl", F5(.wdays = 0, .wdays_last = BIT(0), .dow_restricted = true)},
		{"* * * * 1L,5L", F5(.wdays = 0, .wdays_last = BITS(1, 5), .dow_restricted = true)},
		{"* * * * MON#2", F5(.wdays = 0, .wdays_nth = {0, BIT(2)}, .dow_restricted = true)},
		{"* * * * 1#2", F5(.wdays = 0, .wdays_nth = {0, BIT(2)}, .dow_restricted = true)},
		{"* * * * mon#1,mon#3", F5(.wdays = 0, .wdays_nth = {0, BITS(1, 3)}, .dow_restricted = true)},
		{"* * * * 0#1", F5(.wdays = 0, .wdays_nth = {BIT(1)}, .dow_restricted = true)},
		{"* * * * 7#5", F5(.wdays = 0, .wdays_nth = {BIT(5)}, .dow_restricted = true)},
		{"* * * * sat#5", F5(.wdays = 0, .wdays_nth = {0, 0, 0, 0, 0, 0, BIT(5)}, .dow_restricted = true)},
		{"* * * * 1#1,5L,3", F5(.wdays = BIT(3), .wdays_last = BIT(5), .wdays_nth = {0, BIT(1)},
								.dow_restricted = true)},

		/* both day fields */
		{"0 0 1,15 * 1", F5(.minutes = BIT(0), .hours = BIT(0), .mdays = BITS(1, 15),
							.wdays = BIT(1), .dom_restricted = true, .dow_restricted = true,
							.pinned = true)},
		{"* * 1 * */7", F5(.mdays = BIT(1), .wdays = BIT(0), .dom_restricted = true)},
		{"* * */2 * 1", F5(.mdays = steps(1, 31, 2), .wdays = BIT(1), .dow_restricted = true)},
		{"0 0 29 2 *", F5(.minutes = BIT(0), .hours = BIT(0), .mdays = BIT(29), .months = BIT(2),
						  .dom_restricted = true, .pinned = true)},
		{"0 0 L 2 *", F5(.minutes = BIT(0), .hours = BIT(0), .mdays = 0, .mdays_before_last = 1,
						 .months = BIT(2), .dom_restricted = true, .pinned = true)},
		{"0 0 L-28 2 *", F5(.minutes = BIT(0), .hours = BIT(0), .mdays = 0,
							.mdays_before_last = BIT(28), .months = BIT(2), .dom_restricted = true,
							.pinned = true)},
		{"0 0 29W 2 *", F5(.minutes = BIT(0), .hours = BIT(0), .mdays = 0,
						   .mdays_nearest_weekday = BIT(29), .months = BIT(2),
						   .dom_restricted = true, .pinned = true)},
		{"0 0 30 2 1", F5(.minutes = BIT(0), .hours = BIT(0), .mdays = BIT(30), .months = BIT(2),
						  .wdays = BIT(1), .dom_restricted = true, .dow_restricted = true,
						  .pinned = true)},
		{"0 0 31 2,3 *", F5(.minutes = BIT(0), .hours = BIT(0), .mdays = BIT(31),
							.months = BITS(2, 3), .dom_restricted = true, .pinned = true)},
		{"0 0 * 2 MON#5", F5(.minutes = BIT(0), .hours = BIT(0), .months = BIT(2), .wdays = 0,
							 .wdays_nth = {0, BIT(5)}, .dow_restricted = true, .pinned = true)},
		{"0 0 1 * */7", F5(.minutes = BIT(0), .hours = BIT(0), .mdays = BIT(1), .wdays = BIT(0),
						   .dom_restricted = true, .pinned = true)},

		/* six fields */
		{"0 * * * * *", F6(.seconds = BIT(0))},
		{"* * * * * *", F6()},
		{"*/10 * * * * *", F6(.seconds = steps(0, 59, 10))},
		{"30 0 9 * * *", F6(.seconds = BIT(30), .minutes = BIT(0), .hours = BIT(9), .pinned = true)},
		{"59 59 23 31 12 *", F6(.seconds = BIT(59), .minutes = BIT(59), .hours = BIT(23),
								.mdays = BIT(31), .months = BIT(12), .dom_restricted = true,
								.pinned = true)},
		{"0,30 * * * * *", F6(.seconds = BITS(0, 30))},
		{"15-20 */5 * * * *", F6(.seconds = steps(15, 20, 1), .minutes = steps(0, 59, 5))},
		{"* 30 2 * * *", F6(.minutes = BIT(30), .hours = BIT(2), .pinned = true)},
		{"0 0 0 L * 5L", F6(.seconds = BIT(0), .minutes = BIT(0), .hours = BIT(0), .mdays = 0,
							.mdays_before_last = 1, .wdays = 0, .wdays_last = BIT(5),
							.dom_restricted = true, .dow_restricted = true, .pinned = true)},

		/* white space */
		{"  0   0  *\t* *  ", F5(.minutes = BIT(0), .hours = BIT(0), .pinned = true)},
		{"\t*/5\t*\t*\t*\t*\t", F5(.minutes = steps(0, 59, 5))},
		{"0 0 * * *     ", F5(.minutes = BIT(0), .hours = BIT(0), .pinned = true)},

		/* macros */
		{"@yearly", F5(.minutes = BIT(0), .hours = BIT(0), .mdays = BIT(1), .months = BIT(1),
					   .dom_restricted = true, .pinned = true)},
		{"@annually", F5(.minutes = BIT(0), .hours = BIT(0), .mdays = BIT(1), .months = BIT(1),
						 .dom_restricted = true, .pinned = true)},
		{"@YEARLY", F5(.minutes = BIT(0), .hours = BIT(0), .mdays = BIT(1), .months = BIT(1),
					   .dom_restricted = true, .pinned = true)},
		{"@monthly", F5(.minutes = BIT(0), .hours = BIT(0), .mdays = BIT(1), .dom_restricted = true,
						.pinned = true)},
		{"@weekly", F5(.minutes = BIT(0), .hours = BIT(0), .wdays = BIT(0), .dow_restricted = true,
					   .pinned = true)},
		{"@daily", F5(.minutes = BIT(0), .hours = BIT(0), .pinned = true)},
		{"@Daily", F5(.minutes = BIT(0), .hours = BIT(0), .pinned = true)},
		{"@midnight", F5(.minutes = BIT(0), .hours = BIT(0), .pinned = true)},
		{"@hourly", F5(.minutes = BIT(0))},
		{"  @hourly\t", F5(.minutes = BIT(0))},
		{"@reboot", (CronExpr) {.kind = CRONEXPR_REBOOT}},
		{"@REBOOT", (CronExpr) {.kind = CRONEXPR_REBOOT}},
		{"@restart", (CronExpr) {.kind = CRONEXPR_REBOOT}},

		/* intervals */
		{"1 second", INTERVAL(1)},
		{"1 seconds", INTERVAL(1)},
		{"30 seconds", INTERVAL(30)},
		{"59 seconds", INTERVAL(59)},
		{"30 SECONDS", INTERVAL(30)},
		{"30 Seconds", INTERVAL(30)},
		{"30seconds", INTERVAL(30)},
		{"05second", INTERVAL(5)},
		{"  5 second  ", INTERVAL(5)},
		{"10\tseconds", INTERVAL(10)},
		{"every 1 second", INTERVAL(1)},
		{"every 5 seconds", INTERVAL(5)},
		{"every 90 seconds", INTERVAL(90)},
		{"every 1 minute", INTERVAL(60)},
		{"every 59 minutes", INTERVAL(3540)},
		{"every 90 minutes", INTERVAL(5400)},
		{"every 1 hour", INTERVAL(3600)},
		{"every 2 hours", INTERVAL(7200)},
		{"EVERY 10 MINUTES", INTERVAL(600)},
		{"Every 3 Hours", INTERVAL(10800)},
		{"every   15\tminutes", INTERVAL(900)},
		{"every 744 hours", INTERVAL(744 * 3600)},
		{"every 44640 minutes", INTERVAL(44640 * 60)},
		{"every 2678400 seconds", INTERVAL(2678400)},
		{"every 2 second", INTERVAL(2)},
	};
	size_t		i;

	for (i = 0; i < lengthof(cases); i++)
		check_valid(&cases[i]);
}

/* ----------------------------------------------------------------
 *		Invalid expressions
 * ----------------------------------------------------------------
 */

typedef struct InvalidCase
{
	const char *text;
	CronField	field;
	int			offset;
	int			length;
	const char *token;
	const char *message;
} InvalidCase;

static const InvalidCase invalid_cases[] = {
	/* whole text */
	{"", CRONFIELD_NONE, 0, 0, "", "The schedule is empty."},
	{"   ", CRONFIELD_NONE, 0, 0, "", "The schedule is empty."},
	{"\t \t", CRONFIELD_NONE, 0, 0, "", "The schedule is empty."},
	{"0 0 * * *\n", CRONFIELD_NONE, 9, 1, "\\x0A",
	"The schedule contains the control character 0x0A at byte 9."},
	{"0\x01 0 * * *", CRONFIELD_NONE, 1, 1, "\\x01",
	"The schedule contains the control character 0x01 at byte 1."},
	{"\r0 0 * * *", CRONFIELD_NONE, 0, 1, "\\x0D",
	"The schedule contains the control character 0x0D at byte 0."},
	{"0 0 * * *\x7f", CRONFIELD_NONE, 9, 1, "\\x7F",
	"The schedule contains the control character 0x7F at byte 9."},
	{"0 0\v* * *", CRONFIELD_NONE, 3, 1, "\\x0B",
	"The schedule contains the control character 0x0B at byte 3."},
	{"*", CRONFIELD_NONE, 1, 0, "", "Expected 5 or 6 fields but found 1."},
	{"* *", CRONFIELD_NONE, 3, 0, "", "Expected 5 or 6 fields but found 2."},
	{"* * *", CRONFIELD_NONE, 5, 0, "", "Expected 5 or 6 fields but found 3."},
	{"1 2 3 4", CRONFIELD_NONE, 7, 0, "", "Expected 5 or 6 fields but found 4."},
	{" 1 2 3 4 ", CRONFIELD_NONE, 8, 0, "", "Expected 5 or 6 fields but found 4."},
	{"a", CRONFIELD_NONE, 1, 0, "", "Expected 5 or 6 fields but found 1."},
	{"1 2 3 4 5 6 7", CRONFIELD_NONE, 12, 1, "7", "Expected 5 or 6 fields but found 7."},
	{"* * * * * * *", CRONFIELD_NONE, 12, 1, "*", "Expected 5 or 6 fields but found 7."},
	{"* * * * * * * * * *", CRONFIELD_NONE, 12, 1, "*", "Expected 5 or 6 fields but found 10."},
	{"0 0 * * * * extra", CRONFIELD_NONE, 12, 5, "extra", "Expected 5 or 6 fields but found 7."},

	/* values out of range */
	{"61 * * * *", CRONFIELD_MINUTE, 0, 2, "61", "Minute 61 is out of range 0-59."},
	{"60 * * * *", CRONFIELD_MINUTE, 0, 2, "60", "Minute 60 is out of range 0-59."},
	{"99999999999 * * * *", CRONFIELD_MINUTE, 0, 11, "99999999999",
	"Minute 99999999999 is out of range 0-59."},
	{"1,2,75 * * * *", CRONFIELD_MINUTE, 4, 2, "75", "Minute 75 is out of range 0-59."},
	{"10-60 * * * *", CRONFIELD_MINUTE, 3, 2, "60", "Minute 60 is out of range 0-59."},
	{"* 24 * * *", CRONFIELD_HOUR, 2, 2, "24", "Hour 24 is out of range 0-23."},
	{"* 0-24 * * *", CRONFIELD_HOUR, 4, 2, "24", "Hour 24 is out of range 0-23."},
	{"* 99/2 * * *", CRONFIELD_HOUR, 2, 2, "99", "Hour 99 is out of range 0-23."},
	{"* * 0 * *", CRONFIELD_DAY_OF_MONTH, 4, 1, "0", "Day-of-month 0 is out of range 1-31."},
	{"* * 32 * *", CRONFIELD_DAY_OF_MONTH, 4, 2, "32", "Day-of-month 32 is out of range 1-31."},
	{"* * 1-32 * *", CRONFIELD_DAY_OF_MONTH, 6, 2, "32", "Day-of-month 32 is out of range 1-31."},
	{"* * 00 * *", CRONFIELD_DAY_OF_MONTH, 4, 2, "00", "Day-of-month 00 is out of range 1-31."},
	{"* * * 0 *", CRONFIELD_MONTH, 6, 1, "0", "Month 0 is out of range 1-12."},
	{"* * * 13 *", CRONFIELD_MONTH, 6, 2, "13", "Month 13 is out of range 1-12."},
	{"* * * jan-13 *", CRONFIELD_MONTH, 10, 2, "13", "Month 13 is out of range 1-12."},
	{"* * * * 8", CRONFIELD_DAY_OF_WEEK, 8, 1, "8", "Day-of-week 8 is out of range 0-7."},
	{"* * * * 0-8", CRONFIELD_DAY_OF_WEEK, 10, 1, "8", "Day-of-week 8 is out of range 0-7."},
	{"* * * * 10", CRONFIELD_DAY_OF_WEEK, 8, 2, "10", "Day-of-week 10 is out of range 0-7."},
	{"60 * * * * *", CRONFIELD_SECOND, 0, 2, "60", "Second 60 is out of range 0-59."},
	{"0 60 * * * *", CRONFIELD_MINUTE, 2, 2, "60", "Minute 60 is out of range 0-59."},
	{"0 0 24 * * *", CRONFIELD_HOUR, 4, 2, "24", "Hour 24 is out of range 0-23."},
	{"0 0 0 0 * *", CRONFIELD_DAY_OF_MONTH, 6, 1, "0", "Day-of-month 0 is out of range 1-31."},
	{"0 0 0 1 13 *", CRONFIELD_MONTH, 8, 2, "13", "Month 13 is out of range 1-12."},
	{"0 0 0 1 1 9", CRONFIELD_DAY_OF_WEEK, 10, 1, "9", "Day-of-week 9 is out of range 0-7."},

	/* reversed ranges */
	{"5-1 * * * *", CRONFIELD_MINUTE, 0, 3, "5-1", "Range 5-1 in the minute field is reversed."},
	{"0,59-58 * * * *", CRONFIELD_MINUTE, 2, 5, "59-58", "Range 59-58 in the minute field is reversed."},
	{"* 23-1 * * *", CRONFIELD_HOUR, 2, 4, "23-1", "Range 23-1 in the hour field is reversed."},
	{"* * 31-1 * *", CRONFIELD_DAY_OF_MONTH, 4, 4, "31-1", "Range 31-1 in the day-of-month field is reversed."},
	{"* * * dec-jan *", CRONFIELD_MONTH, 6, 7, "dec-jan", "Range dec-jan in the month field is reversed."},
	{"* * * 12-1 *", CRONFIELD_MONTH, 6, 4, "12-1", "Range 12-1 in the month field is reversed."},
	{"* * * * 5-1", CRONFIELD_DAY_OF_WEEK, 8, 3, "5-1", "Range 5-1 in the day-of-week field is reversed."},
	{"* * * * fri-mon", CRONFIELD_DAY_OF_WEEK, 8, 7, "fri-mon", "Range fri-mon in the day-of-week field is reversed."},
	{"* * * * 7-1", CRONFIELD_DAY_OF_WEEK, 8, 3, "7-1", "Range 7-1 in the day-of-week field is reversed."},
	{"5-1/2 * * * *", CRONFIELD_MINUTE, 0, 3, "5-1", "Range 5-1 in the minute field is reversed."},

	/* steps */
	{"*/0 * * * *", CRONFIELD_MINUTE, 2, 1, "0", "Step 0 in the minute field is out of range 1-59."},
	{"*/60 * * * *", CRONFIELD_MINUTE, 2, 2, "60", "Step 60 in the minute field is out of range 1-59."},
	{"1-5/0 * * * *", CRONFIELD_MINUTE, 4, 1, "0", "Step 0 in the minute field is out of range 1-59."},
	{"5/100 * * * *", CRONFIELD_MINUTE, 2, 3, "100", "Step 100 in the minute field is out of range 1-59."},
	{"* */24 * * *", CRONFIELD_HOUR, 4, 2, "24", "Step 24 in the hour field is out of range 1-23."},
	{"* * */31 * *", CRONFIELD_DAY_OF_MONTH, 6, 2, "31", "Step 31 in the day-of-month field is out of range 1-30."},
	{"* * * */12 *", CRONFIELD_MONTH, 8, 2, "12", "Step 12 in the month field is out of range 1-11."},
	{"* * * * */8", CRONFIELD_DAY_OF_WEEK, 10, 1, "8", "Step 8 in the day-of-week field is out of range 1-7."},
	{"* * * * MON-FRI/0", CRONFIELD_DAY_OF_WEEK, 16, 1, "0", "Step 0 in the day-of-week field is out of range 1-7."},
	{"*/60 * * * * *", CRONFIELD_SECOND, 2, 2, "60", "Step 60 in the second field is out of range 1-59."},
	{"*/ * * * *", CRONFIELD_MINUTE, 1, 1, "/", "Missing step after \"/\" in the minute field."},
	{"5/ * * * *", CRONFIELD_MINUTE, 1, 1, "/", "Missing step after \"/\" in the minute field."},
	{"1-5/ * * * *", CRONFIELD_MINUTE, 3, 1, "/", "Missing step after \"/\" in the minute field."},
	{"5/x * * * *", CRONFIELD_MINUTE, 2, 1, "x", "Unexpected character \"x\" in the minute field."},
	{"*/-1 * * * *", CRONFIELD_MINUTE, 2, 1, "-", "Unexpected character \"-\" in the minute field."},
	{"*/5/2 * * * *", CRONFIELD_MINUTE, 3, 1, "/", "Unexpected character \"/\" in the minute field."},

	/* malformed elements */
	{"1-2-3 * * * *", CRONFIELD_MINUTE, 3, 1, "-", "Unexpected character \"-\" in the minute field."},
	{"1,,2 * * * *", CRONFIELD_MINUTE, 2, 1, ",", "Empty list element in the minute field."},
	{",1 * * * *", CRONFIELD_MINUTE, 0, 1, ",", "Empty list element in the minute field."},
	{"1, * * * *", CRONFIELD_MINUTE, 1, 1, ",", "Empty list element in the minute field."},
	{", * * * *", CRONFIELD_MINUTE, 0, 1, ",", "Empty list element in the minute field."},
	{"* * * * MON,,FRI", CRONFIELD_DAY_OF_WEEK, 12, 1, ",", "Empty list element in the day-of-week field."},
	{"* * * * MON,", CRONFIELD_DAY_OF_WEEK, 11, 1, ",", "Empty list element in the day-of-week field."},
	{"* 1,,2 * * *", CRONFIELD_HOUR, 4, 1, ",", "Empty list element in the hour field."},
	{"5- * * * *", CRONFIELD_MINUTE, 1, 1, "-", "Missing range end after \"-\" in the minute field."},
	{"* * * * 1-", CRONFIELD_DAY_OF_WEEK, 9, 1, "-", "Missing range end after \"-\" in the day-of-week field."},
	{"* * * * mon-", CRONFIELD_DAY_OF_WEEK, 11, 1, "-", "Missing range end after \"-\" in the day-of-week field."},
	{"-5 * * * *", CRONFIELD_MINUTE, 0, 1, "-", "Unexpected character \"-\" in the minute field."},
	{"5-/2 * * * *", CRONFIELD_MINUTE, 2, 1, "/", "Unexpected character \"/\" in the minute field."},
	{"*5 * * * *", CRONFIELD_MINUTE, 1, 1, "5", "Unexpected character \"5\" in the minute field."},
	{"** * * * *", CRONFIELD_MINUTE, 1, 1, "*", "Unexpected character \"*\" in the minute field."},
	{"*-5 * * * *", CRONFIELD_MINUTE, 1, 1, "-", "Unexpected character \"-\" in the minute field."},
	{"1.5 * * * *", CRONFIELD_MINUTE, 1, 1, ".", "Unexpected character \".\" in the minute field."},
	{"x * * * *", CRONFIELD_MINUTE, 0, 1, "x", "Unexpected character \"x\" in the minute field."},
	{"jan * * * *", CRONFIELD_MINUTE, 0, 1, "j", "Unexpected character \"j\" in the minute field."},
	{"* x * * *", CRONFIELD_HOUR, 2, 1, "x", "Unexpected character \"x\" in the hour field."},
	{"* 1x * * *", CRONFIELD_HOUR, 3, 1, "x", "Unexpected character \"x\" in the hour field."},
	{"* * x * *", CRONFIELD_DAY_OF_MONTH, 4, 1, "x", "Unexpected character \"x\" in the day-of-month field."},
	{"* * 5X * *", CRONFIELD_DAY_OF_MONTH, 5, 1, "X", "Unexpected character \"X\" in the day-of-month field."},
	{"* * W * *", CRONFIELD_DAY_OF_MONTH, 4, 1, "W", "Unexpected character \"W\" in the day-of-month field."},
	{"? * * * *", CRONFIELD_MINUTE, 0, 1, "?", "Unexpected character \"?\" in the minute field."},
	{"* * ? * *", CRONFIELD_DAY_OF_MONTH, 4, 1, "?", "Unexpected character \"?\" in the day-of-month field."},
	{"* * * * ?", CRONFIELD_DAY_OF_WEEK, 8, 1, "?", "Unexpected character \"?\" in the day-of-week field."},
	{"* * * * *a", CRONFIELD_DAY_OF_WEEK, 9, 1, "a", "Unexpected character \"a\" in the day-of-week field."},
	{"0 @daily * * *", CRONFIELD_HOUR, 2, 1, "@", "Unexpected character \"@\" in the hour field."},
	{"\xc3\xa9 * * * *", CRONFIELD_MINUTE, 0, 1, "\\xC3", "Unexpected character \"\\xC3\" in the minute field."},
	{"* * * j\xc3\xa4n *", CRONFIELD_MONTH, 6, 1, "j", "Unknown month name \"j\"."},
	{"* * * * 1;2", CRONFIELD_DAY_OF_WEEK, 9, 1, ";", "Unexpected character \";\" in the day-of-week field."},

	/* names */
	{"* * * foo *", CRONFIELD_MONTH, 6, 3, "foo", "Unknown month name \"foo\"."},
	{"* * * january *", CRONFIELD_MONTH, 6, 7, "january", "Unknown month name \"january\"."},
	{"* * * ja *", CRONFIELD_MONTH, 6, 2, "ja", "Unknown month name \"ja\"."},
	{"* * * jan-xyz *", CRONFIELD_MONTH, 10, 3, "xyz", "Unknown month name \"xyz\"."},
	{"* * * * foo", CRONFIELD_DAY_OF_WEEK, 8, 3, "foo", "Unknown day name \"foo\"."},
	{"* * * * monday", CRONFIELD_DAY_OF_WEEK, 8, 6, "monday", "Unknown day name \"monday\"."},
	{"* * * * mon-xyz", CRONFIELD_DAY_OF_WEEK, 12, 3, "xyz", "Unknown day name \"xyz\"."},
	{"* * * * L", CRONFIELD_DAY_OF_WEEK, 8, 1, "L", "Unknown day name \"L\"."},
	{"* * * * fril2", CRONFIELD_DAY_OF_WEEK, 12, 1, "2", "Unexpected character \"2\" in the day-of-week field."},
	{"* * * * frix", CRONFIELD_DAY_OF_WEEK, 8, 4, "frix", "Unknown day name \"frix\"."},
	{"* * * * jan", CRONFIELD_DAY_OF_WEEK, 8, 3, "jan", "Unknown day name \"jan\"."},
	{"* * * mon *", CRONFIELD_MONTH, 6, 3, "mon", "Unknown month name \"mon\"."},
	{"0 0 * * * seconds", CRONFIELD_DAY_OF_WEEK, 10, 7, "seconds", "Unknown day name \"seconds\"."},

	/* day-of-month special forms */
	{"0 0 L-0 * *", CRONFIELD_DAY_OF_MONTH, 6, 1, "0", "Offset 0 in the day-of-month field is out of range 1-30."},
	{"0 0 L-31 * *", CRONFIELD_DAY_OF_MONTH, 6, 2, "31", "Offset 31 in the day-of-month field is out of range 1-30."},
	{"0 0 L- * *", CRONFIELD_DAY_OF_MONTH, 4, 2, "L-", "Missing number after \"L-\" in the day-of-month field."},
	{"0 0 l- * *", CRONFIELD_DAY_OF_MONTH, 4, 2, "l-", "Missing number after \"l-\" in the day-of-month field."},
	{"0 0 L-x * *", CRONFIELD_DAY_OF_MONTH, 6, 1, "x", "Unexpected character \"x\" in the day-of-month field."},
	{"0 0 L-5x * *", CRONFIELD_DAY_OF_MONTH, 7, 1, "x", "Unexpected character \"x\" in the day-of-month field."},
	{"0 0 L-3-1 * *", CRONFIELD_DAY_OF_MONTH, 7, 1, "-", "Unexpected character \"-\" in the day-of-month field."},
	{"0 0 LX * *", CRONFIELD_DAY_OF_MONTH, 5, 1, "X", "Unexpected character \"X\" in the day-of-month field."},
	{"0 0 LWX * *", CRONFIELD_DAY_OF_MONTH, 6, 1, "X", "Unexpected character \"X\" in the day-of-month field."},
	{"0 0 L/2 * *", CRONFIELD_DAY_OF_MONTH, 5, 1, "/", "Unexpected character \"/\" in the day-of-month field."},
	{"0 0 $W * *", CRONFIELD_DAY_OF_MONTH, 5, 1, "W", "Unexpected character \"W\" in the day-of-month field."},
	{"0 0 $$ * *", CRONFIELD_DAY_OF_MONTH, 5, 1, "$", "Unexpected character \"$\" in the day-of-month field."},
	{"0 0 1-L * *", CRONFIELD_DAY_OF_MONTH, 6, 1, "L", "Unexpected character \"L\" in the day-of-month field."},
	{"0 0 32W * *", CRONFIELD_DAY_OF_MONTH, 4, 2, "32", "Day-of-month 32 is out of range 1-31."},
	{"0 0 0W * *", CRONFIELD_DAY_OF_MONTH, 4, 1, "0", "Day-of-month 0 is out of range 1-31."},
	{"0 0 15WW * *", CRONFIELD_DAY_OF_MONTH, 7, 1, "W", "Unexpected character \"W\" in the day-of-month field."},
	{"0 0 W15 * *", CRONFIELD_DAY_OF_MONTH, 4, 1, "W", "Unexpected character \"W\" in the day-of-month field."},
	{"0 0 15W/2 * *", CRONFIELD_DAY_OF_MONTH, 7, 1, "/", "Unexpected character \"/\" in the day-of-month field."},
	{"0 0 1-15W * *", CRONFIELD_DAY_OF_MONTH, 8, 1, "W", "Unexpected character \"W\" in the day-of-month field."},
	{"0 0 5L * *", CRONFIELD_DAY_OF_MONTH, 5, 1, "L", "Unexpected character \"L\" in the day-of-month field."},
	{"0 0 1#2 * *", CRONFIELD_DAY_OF_MONTH, 5, 1, "#", "Unexpected character \"#\" in the day-of-month field."},

	/* day-of-week special forms */
	{"0 0 * * 8L", CRONFIELD_DAY_OF_WEEK, 8, 1, "8", "Day-of-week 8 is out of range 0-7."},
	{"0 0 * * 5LL", CRONFIELD_DAY_OF_WEEK, 10, 1, "L", "Unexpected character \"L\" in the day-of-week field."},
	{"0 0 * * 5L/2", CRONFIELD_DAY_OF_WEEK, 10, 1, "/", "Unexpected character \"/\" in the day-of-week field."},
	{"0 0 * * 1-5L", CRONFIELD_DAY_OF_WEEK, 11, 1, "L", "Unexpected character \"L\" in the day-of-week field."},
	{"0 0 * * MON#6", CRONFIELD_DAY_OF_WEEK, 12, 1, "6", "Occurrence 6 in the day-of-week field is out of range 1-5."},
	{"0 0 * * MON#0", CRONFIELD_DAY_OF_WEEK, 12, 1, "0", "Occurrence 0 in the day-of-week field is out of range 1-5."},
	{"0 0 * * 1#10", CRONFIELD_DAY_OF_WEEK, 10, 2, "10", "Occurrence 10 in the day-of-week field is out of range 1-5."},
	{"0 0 * * MON#", CRONFIELD_DAY_OF_WEEK, 11, 1, "#", "Missing number after \"#\" in the day-of-week field."},
	{"0 0 * * MON#x", CRONFIELD_DAY_OF_WEEK, 12, 1, "x", "Unexpected character \"x\" in the day-of-week field."},
	{"0 0 * * MON#1x", CRONFIELD_DAY_OF_WEEK, 13, 1, "x", "Unexpected character \"x\" in the day-of-week field."},
	{"0 0 * * MON#1-2", CRONFIELD_DAY_OF_WEEK, 13, 1, "-", "Unexpected character \"-\" in the day-of-week field."},
	{"0 0 * * #1", CRONFIELD_DAY_OF_WEEK, 8, 1, "#", "Unexpected character \"#\" in the day-of-week field."},
	{"0 0 * * 8#1", CRONFIELD_DAY_OF_WEEK, 8, 1, "8", "Day-of-week 8 is out of range 0-7."},
	{"0 0 * * 1-5#2", CRONFIELD_DAY_OF_WEEK, 11, 1, "#", "Unexpected character \"#\" in the day-of-week field."},
	{"0 0 * * *#2", CRONFIELD_DAY_OF_WEEK, 9, 1, "#", "Unexpected character \"#\" in the day-of-week field."},
	{"0 0 * * W", CRONFIELD_DAY_OF_WEEK, 8, 1, "W", "Unknown day name \"W\"."},
	{"0 0 * 5L *", CRONFIELD_MONTH, 7, 1, "L", "Unexpected character \"L\" in the month field."},

	/* schedules that can never fire */
	{"0 0 30 2 *", CRONFIELD_DAY_OF_MONTH, 4, 2, "30",
	"The schedule can never fire: day-of-month \"30\" does not occur in month \"2\"."},
	{"0 0 31 2 *", CRONFIELD_DAY_OF_MONTH, 4, 2, "31",
	"The schedule can never fire: day-of-month \"31\" does not occur in month \"2\"."},
	{"0 0 30,31 feb *", CRONFIELD_DAY_OF_MONTH, 4, 5, "30,31",
	"The schedule can never fire: day-of-month \"30,31\" does not occur in month \"feb\"."},
	{"0 0 31 4,6,9,11 *", CRONFIELD_DAY_OF_MONTH, 4, 2, "31",
	"The schedule can never fire: day-of-month \"31\" does not occur in month \"4,6,9,11\"."},
	{"0 0 31 apr *", CRONFIELD_DAY_OF_MONTH, 4, 2, "31",
	"The schedule can never fire: day-of-month \"31\" does not occur in month \"apr\"."},
	{"0 0 31 2,4 *", CRONFIELD_DAY_OF_MONTH, 4, 2, "31",
	"The schedule can never fire: day-of-month \"31\" does not occur in month \"2,4\"."},
	{"0 0 30W 2 *", CRONFIELD_DAY_OF_MONTH, 4, 3, "30W",
	"The schedule can never fire: day-of-month \"30W\" does not occur in month \"2\"."},
	{"0 0 31W 2 *", CRONFIELD_DAY_OF_MONTH, 4, 3, "31W",
	"The schedule can never fire: day-of-month \"31W\" does not occur in month \"2\"."},
	{"0 0 L-29 2 *", CRONFIELD_DAY_OF_MONTH, 4, 4, "L-29",
	"The schedule can never fire: day-of-month \"L-29\" does not occur in month \"2\"."},
	{"0 0 L-30 4 *", CRONFIELD_DAY_OF_MONTH, 4, 4, "L-30",
	"The schedule can never fire: day-of-month \"L-30\" does not occur in month \"4\"."},
	{"0 0 0 30 2 *", CRONFIELD_DAY_OF_MONTH, 6, 2, "30",
	"The schedule can never fire: day-of-month \"30\" does not occur in month \"2\"."},
	{"0 0 LW * */7", CRONFIELD_DAY_OF_MONTH, 4, 2, "LW",
	"The schedule can never fire: no day matches day-of-month \"LW\", month \"*\" and day-of-week \"*/7\"."},
	{"0 0 */30 2 MON#5", CRONFIELD_DAY_OF_MONTH, 4, 4, "*/30",
	"The schedule can never fire: no day matches day-of-month \"*/30\", month \"2\" and day-of-week \"MON#5\"."},
	{"0 0 31 4,6,9,11,2,2,2,2,2,2,2,2,2 *", CRONFIELD_DAY_OF_MONTH, 4, 2, "31",
	"The schedule can never fire: no day matches its day-of-month, month and day-of-week fields."},

	/* intervals */
	{"60 seconds", CRONFIELD_NONE, 0, 2, "60", "Interval 60 seconds is out of range 1-59."},
	{"0 seconds", CRONFIELD_NONE, 0, 1, "0", "Interval 0 seconds is out of range 1-59."},
	{"100 second", CRONFIELD_NONE, 0, 3, "100", "Interval 100 seconds is out of range 1-59."},
	{"99999999999seconds", CRONFIELD_NONE, 0, 11, "99999999999",
	"Interval 99999999999 seconds is out of range 1-59."},
	{"5 minutes", CRONFIELD_NONE, 0, 9, "5 minutes",
	"Interval \"5 minutes\" is not supported; write \"every 5 minutes\"."},
	{"1 minute", CRONFIELD_NONE, 0, 8, "1 minute",
	"Interval \"1 minute\" is not supported; write \"every 1 minute\"."},
	{"2 hours", CRONFIELD_NONE, 0, 7, "2 hours",
	"Interval \"2 hours\" is not supported; write \"every 2 hours\"."},
	{"1hour", CRONFIELD_NONE, 0, 5, "1hour",
	"Interval \"1hour\" is not supported; write \"every 1 hour\"."},
	{"1234567 minutes", CRONFIELD_NONE, 0, 15, "1234567 minutes",
	"Interval \"1234567 minutes\" is not supported; write \"every N minutes\"."},
	{" 444444444444444444444444444444444444444444444444444444444444444444444444444442hours",
		CRONFIELD_NONE, 1, 83, "444444444444444444444444444444444444444444444444444444444444444",
	"Interval \"444444444444444444444444444444444444444444444444444444444444444\" is not supported; write \"every N hours\"."},
	{"every 0 minutes", CRONFIELD_NONE, 6, 1, "0", "Interval 0 minutes is out of range 1-44640."},
	{"every 0 seconds", CRONFIELD_NONE, 6, 1, "0", "Interval 0 seconds is out of range 1-2678400."},
	{"every 745 hours", CRONFIELD_NONE, 6, 3, "745", "Interval 745 hours is out of range 1-744."},
	{"every 44641 minutes", CRONFIELD_NONE, 6, 5, "44641", "Interval 44641 minutes is out of range 1-44640."},
	{"every 2678401 seconds", CRONFIELD_NONE, 6, 7, "2678401",
	"Interval 2678401 seconds is out of range 1-2678400."},
	{"every 5 days", CRONFIELD_NONE, 8, 4, "days",
	"Unknown interval unit \"days\"; expected seconds, minutes or hours."},
	{"every 5 mins", CRONFIELD_NONE, 8, 4, "mins",
	"Unknown interval unit \"mins\"; expected seconds, minutes or hours."},
	{"every five minutes", CRONFIELD_NONE, 6, 4, "five",
	"Expected a whole number after \"every\" but found \"five\"."},
	{"every 5m minutes", CRONFIELD_NONE, 6, 2, "5m",
	"Expected a whole number after \"every\" but found \"5m\"."},
	{"every 5", CRONFIELD_NONE, 0, 7, "every 5",
	"Expected \"every N seconds\", \"every N minutes\" or \"every N hours\"."},
	{"every", CRONFIELD_NONE, 0, 5, "every",
	"Expected \"every N seconds\", \"every N minutes\" or \"every N hours\"."},
	{"every 5 minutes now", CRONFIELD_NONE, 0, 19, "every 5 minutes now",
	"Expected \"every N seconds\", \"every N minutes\" or \"every N hours\"."},
	{"every 1 2 3 4 5 6 7 8 9", CRONFIELD_NONE, 0, 23, "every 1 2 3 4 5 6 7 8 9",
	"Expected \"every N seconds\", \"every N minutes\" or \"every N hours\"."},
	{"5 seconds later", CRONFIELD_NONE, 15, 0, "", "Expected 5 or 6 fields but found 3."},
	{"seconds", CRONFIELD_NONE, 7, 0, "", "Expected 5 or 6 fields but found 1."},
	{"x seconds", CRONFIELD_NONE, 9, 0, "", "Expected 5 or 6 fields but found 2."},

	/* macros */
	{"@foo", CRONFIELD_NONE, 0, 4, "@foo", "Unknown macro \"@foo\"."},
	{"@", CRONFIELD_NONE, 0, 1, "@", "Unknown macro \"@\"."},
	{"@dailyx", CRONFIELD_NONE, 0, 7, "@dailyx", "Unknown macro \"@dailyx\"."},
	{"@ daily", CRONFIELD_NONE, 0, 1, "@", "Unknown macro \"@\"."},
	{"@every", CRONFIELD_NONE, 0, 6, "@every", "Unknown macro \"@every\"."},
	{"@dail\xc3\xa9", CRONFIELD_NONE, 0, 7, "@dail\\xC3\\xA9", "Unknown macro \"@dail\\xC3\\xA9\"."},
	{"@daily 5", CRONFIELD_NONE, 7, 1, "5", "Unexpected text \"5\" after \"@daily\"."},
	{"@reboot  now please ", CRONFIELD_NONE, 9, 10, "now please",
	"Unexpected text \"now please\" after \"@reboot\"."},
	{"@HOURLY *", CRONFIELD_NONE, 8, 1, "*", "Unexpected text \"*\" after \"@hourly\"."},
};

static void
check_invalid(const InvalidCase *c)
{
	CronExpr	expr;
	CronError	err;
	bool		ok = cronexpr_parse(c->text, &expr, &err);
	bool		pass = !ok;
	const char *nul = memchr(err.message, '\0', sizeof(err.message));
	size_t		mlen = nul ? (size_t) (nul - err.message) : sizeof(err.message);

	if (ok)
		diag("parsed, but should have failed");
	else
	{
		if (err.field != c->field)
		{
			diag("field: got %d, want %d", err.field, c->field);
			pass = false;
		}
		if (err.offset != c->offset || err.length != c->length)
		{
			diag("offset/length: got %d/%d, want %d/%d", err.offset,
				 err.length, c->offset, c->length);
			pass = false;
		}
		if (strcmp(err.token, c->token) != 0)
		{
			diag("token: got \"%s\", want \"%s\"", err.token, c->token);
			pass = false;
		}
		if (strcmp(err.message, c->message) != 0)
		{
			diag("message: got \"%s\"", err.message);
			diag("     want \"%s\"", c->message);
			pass = false;
		}
		/* every message is a sentence */
		if (mlen == 0 || mlen >= sizeof(err.message) ||
			!(err.message[0] >= 'A' && err.message[0] <= 'Z') ||
			err.message[mlen - 1] != '.')
		{
			diag("message is not a full sentence");
			pass = false;
		}
	}
	report(pass, "invalid: \"%s\"", c->text);
}

static void
test_invalid(void)
{
	size_t		i;
	char		longtext[CRONEXPR_MAX_LENGTH + 2];
	CronExpr	expr;
	CronError	err;

	for (i = 0; i < lengthof(invalid_cases); i++)
		check_invalid(&invalid_cases[i]);

	/* too long: the limit is exactly CRONEXPR_MAX_LENGTH bytes */
	memset(longtext, ' ', sizeof(longtext));
	memcpy(longtext, "* * * * *", 9);
	longtext[CRONEXPR_MAX_LENGTH] = '\0';
	report(cronexpr_parse(longtext, &expr, &err),
		   "a schedule of exactly %d bytes (padded) is accepted", CRONEXPR_MAX_LENGTH);
	longtext[CRONEXPR_MAX_LENGTH] = ' ';
	longtext[CRONEXPR_MAX_LENGTH + 1] = '\0';
	report(!cronexpr_parse(longtext, &expr, &err) &&
		   err.field == CRONFIELD_NONE && err.offset == CRONEXPR_MAX_LENGTH &&
		   err.length == 0 &&
		   strcmp(err.message, "The schedule is longer than 256 bytes.") == 0,
		   "a schedule of %d bytes is rejected: \"%s\"", CRONEXPR_MAX_LENGTH + 1,
		   err.message);

	report(!cronexpr_parse(NULL, &expr, &err) &&
		   strcmp(err.message, "The schedule is empty.") == 0,
		   "a NULL schedule is rejected as empty");

	/* a failed parse leaves the expression zeroed, a good one the error */
	memset(&expr, 0x55, sizeof(expr));
	cronexpr_parse("61 * * * *", &expr, &err);
	report(expr.kind == CRONEXPR_FIELDS && expr.minutes == 0 && expr.hours == 0 &&
		   !expr.pinned, "a failed parse leaves the expression zeroed");
	memset(&err, 0x55, sizeof(err));
	cronexpr_parse("* * * * *", &expr, &err);
	report(err.message[0] == '\0' && err.field == CRONFIELD_NONE,
		   "a successful parse leaves the error cleared");
}

/* ----------------------------------------------------------------
 *		Next fire times
 * ----------------------------------------------------------------
 */

/* The most fire instants a case lists. */
#define NEXT_MAX 6

/*
 * A schedule, an instant, and the instants at which the schedule must fire
 * in turn strictly after it: the list ends at NEXT_MAX or at the first
 * NULL, and "none" means cronexpr_next must return false there.  The zone
 * is given by the test, or in ZoneNextCase by the row.
 */
typedef struct NextCase
{
	const char *text;
	const char *start;
	const char *want[NEXT_MAX];
} NextCase;

typedef struct ZoneNextCase
{
	const CronZone *zone;
	const char *text;
	const char *start;
	const char *want[NEXT_MAX];
} ZoneNextCase;

/*
 * Check that the schedule fires at each of the expected instants in turn,
 * starting strictly after 'start'; want[] is as in NextCase.
 */
static void
check_next_seq(const CronZone *zone, const char *text, const char *start,
			   const char *const *want)
{
	CronExpr	expr;
	CronError	err;
	int			i;
	int64_t		t = ts(start);
	bool		pass = true;
	char		buf1[32];
	char		buf2[32];
	char		label[160];

	snprintf(label, sizeof(label), "next: \"%s\" in %s after %s", text,
			 synthzone_name(zone), start);
	if (!cronexpr_parse(text, &expr, &err))
	{
		diag("parse failed: %s", err.message);
		report(false, "%s", label);
		return;
	}

	for (i = 0; i < NEXT_MAX && want[i] != NULL; i++)
	{
		int64_t		got;

		if (strcmp(want[i], "none") == 0)
		{
			if (cronexpr_next(&expr, zone, t, &got))
			{
				diag("got %s, want none", fmt_ts(got, buf1, sizeof(buf1)));
				pass = false;
			}
			break;
		}
		if (!cronexpr_next(&expr, zone, t, &got))
		{
			diag("got none, want %s", want[i]);
			pass = false;
			break;
		}
		if (got != ts(want[i]))
		{
			diag("after %s: got %s, want %s", fmt_ts(t, buf2, sizeof(buf2)),
				 fmt_ts(got, buf1, sizeof(buf1)), want[i]);
			pass = false;
			break;
		}
		t = got;
	}
	report(pass, "%s", label);
}

/* Next fire times in UTC; test_next_utc runs each in two kinds of UTC. */
static const NextCase next_utc_cases[] = {
	{"* * * * *", "2026-01-01 00:00:00", {"2026-01-01 00:01:00", "2026-01-01 00:02:00"}},
	{"* * * * *", "2026-01-01 00:00:59", {"2026-01-01 00:01:00"}},
	{"*/5 * * * *", "2026-01-01 00:00:00",
		{"2026-01-01 00:05:00", "2026-01-01 00:10:00", "2026-01-01 00:15:00"}},
	{"*/5 * * * *", "2026-01-01 00:04:59", {"2026-01-01 00:05:00"}},
	{"*/5 * * * *", "2026-12-31 23:55:00", {"2027-01-01 00:00:00"}},
	{"0 3 * * *", "2026-01-01 03:00:00", {"2026-01-02 03:00:00", "2026-01-03 03:00:00"}},
	{"0 3 * * *", "2026-01-01 02:59:59", {"2026-01-01 03:00:00"}},
	{"0 0 1 * *", "2026-01-31 12:00:00", {"2026-02-01 00:00:00", "2026-03-01 00:00:00"}},
	{"0 0 29 2 *", "2026-01-01 00:00:00", {"2028-02-29 00:00:00", "2032-02-29 00:00:00"}},
	{"0 0 29 2 *", "2096-03-01 00:00:00", {"2104-02-29 00:00:00"}},
	{"0 0 29 2 *", "1899-01-01 00:00:00", {"1904-02-29 00:00:00"}},
	{"0 0 L 2 *", "2026-01-01 00:00:00",
		{"2026-02-28 00:00:00", "2027-02-28 00:00:00", "2028-02-29 00:00:00"}},
	{"0 0 L 2 *", "2100-01-01 00:00:00", {"2100-02-28 00:00:00"}},
	{"0 0 L 2 *", "2000-01-01 00:00:00", {"2000-02-29 00:00:00"}},
	{"59 23 31 12 *", "2026-12-31 23:59:00", {"2027-12-31 23:59:00"}},
	{"0 0 31 * *", "2026-01-31 00:00:00",
		{"2026-03-31 00:00:00", "2026-05-31 00:00:00", "2026-07-31 00:00:00",
		 "2026-08-31 00:00:00", "2026-10-31 00:00:00"}},
	{"0 0 * 2 MON#5", "2026-01-01 00:00:00", {"2044-02-29 00:00:00", "2072-02-29 00:00:00"}},
	{"*/10 * * * * *", "2026-01-01 00:00:05", {"2026-01-01 00:00:10", "2026-01-01 00:00:20"}},
	{"30 0 9 * * *", "2026-01-01 09:00:30", {"2026-01-02 09:00:30"}},
	{"59 59 23 * * *", "2026-01-01 00:00:00", {"2026-01-01 23:59:59", "2026-01-02 23:59:59"}},
	{"* * * * * *", "2026-01-01 23:59:59", {"2026-01-02 00:00:00"}},
	{"0 9 * * MON-FRI", "2026-01-01 00:00:00",
		{"2026-01-01 09:00:00", "2026-01-02 09:00:00", "2026-01-05 09:00:00"}},
	{"0 0 1,15 * 1", "2026-01-01 00:00:00",
		{"2026-01-05 00:00:00", "2026-01-12 00:00:00", "2026-01-15 00:00:00",
		 "2026-01-19 00:00:00"}},
	{"0 0 1 * */7", "2026-01-01 00:00:00",
		{"2026-02-01 00:00:00", "2026-03-01 00:00:00", "2026-11-01 00:00:00"}},
	{"0 0 */2 * 1", "2026-01-01 00:00:00", {"2026-01-05 00:00:00", "2026-01-19 00:00:00"}},
	{"0 0 LW * *", "2026-01-01 00:00:00",
		{"2026-01-30 00:00:00", "2026-02-27 00:00:00", "2026-03-31 00:00:00",
		 "2026-04-30 00:00:00", "2026-05-29 00:00:00"}},
	{"0 0 1W * *", "2026-07-15 00:00:00", {"2026-08-03 00:00:00", "2026-09-01 00:00:00"}},
	{"0 0 31W * *", "2026-05-01 00:00:00", {"2026-05-29 00:00:00", "2026-07-31 00:00:00"}},
	{"0 0 15W * *", "2026-02-01 00:00:00",
		{"2026-02-16 00:00:00", "2026-03-16 00:00:00", "2026-04-15 00:00:00"}},
	{"0 0 15W * *", "2026-08-01 00:00:00", {"2026-08-14 00:00:00"}},
	{"0 0 L-2 * *", "2026-01-01 00:00:00", {"2026-01-29 00:00:00", "2026-02-26 00:00:00"}},
	{"0 0 L-28 * *", "2026-01-01 00:00:00", {"2026-01-03 00:00:00", "2026-03-03 00:00:00"}},
	{"0 0 L-28 2 *", "2026-01-01 00:00:00", {"2028-02-01 00:00:00"}},
	{"0 0 L-30 * *", "2026-01-01 00:00:00", {"2026-03-01 00:00:00", "2026-05-01 00:00:00"}},
	{"0 0 * * 5L", "2026-01-01 00:00:00",
		{"2026-01-30 00:00:00", "2026-02-27 00:00:00", "2026-03-27 00:00:00"}},
	{"0 0 * * 0L", "2026-01-01 00:00:00", {"2026-01-25 00:00:00", "2026-02-22 00:00:00"}},
	{"0 0 * * MON#2", "2026-01-01 00:00:00", {"2026-01-12 00:00:00", "2026-02-09 00:00:00"}},
	{"0 0 * * 0#1", "2026-01-01 00:00:00", {"2026-01-04 00:00:00", "2026-02-01 00:00:00"}},
	{"0 0 * * 4#5", "2026-01-01 00:00:00", {"2026-01-29 00:00:00", "2026-04-30 00:00:00"}},
	{"0 0 13 * 5", "2026-01-01 00:00:00",
		{"2026-01-02 00:00:00", "2026-01-09 00:00:00", "2026-01-13 00:00:00"}},
	{"0 0 13 * */7", "2026-01-01 00:00:00", {"2026-09-13 00:00:00", "2026-12-13 00:00:00"}},
	{"0 12 * jan,jul *", "2026-01-31 12:00:00", {"2026-07-01 12:00:00"}},
	{"0 0 1 1 *", "1969-12-31 23:59:59", {"1970-01-01 00:00:00", "1971-01-01 00:00:00"}},
	{"0 0 1 1 *", "1960-06-01 00:00:00", {"1961-01-01 00:00:00"}},
	{"@hourly", "2026-01-01 00:30:00", {"2026-01-01 01:00:00", "2026-01-01 02:00:00"}},
	{"@weekly", "2026-01-01 00:00:00", {"2026-01-04 00:00:00", "2026-01-11 00:00:00"}},
	{"@monthly", "2026-12-15 00:00:00", {"2027-01-01 00:00:00"}},
	{"@yearly", "2026-01-01 00:00:00", {"2027-01-01 00:00:00"}},
	{"* * * * *", "9999-12-31 23:58:30", {"9999-12-31 23:59:00", "none"}},
	{"0 0 29 2 *", "9996-03-01 00:00:00", {"none"}},
	{"0 0 1 1 *", "9999-06-01 00:00:00", {"none"}},
};

static void
test_next_utc(void)
{
	const CronZone *zones[2] = {NULL, &synthzone_utc};
	int			z;
	size_t		i;

	/*
	 * The same UTC expectations hold for the NULL zone (the fast path) and
	 * for a zone object that is UTC without transitions.
	 */
	for (z = 0; z < 2; z++)
	{
		for (i = 0; i < lengthof(next_utc_cases); i++)
		{
			const NextCase *c = &next_utc_cases[i];

			check_next_seq(zones[z], c->text, c->start, c->want);
		}
	}
}

/* Next fire times in the other synthetic zones, around their transitions. */
static const ZoneNextCase next_zone_cases[] = {
	/* fixed offsets, not a whole number of hours */
	{&synthzone_kolkata, "0 9 * * *", "2026-01-01 00:00:00", {"2026-01-01 03:30:00", "2026-01-02 03:30:00"}},
	{&synthzone_kolkata, "30 2 * * *", "2026-01-01 00:00:00", {"2026-01-01 21:00:00"}},
	{&synthzone_kolkata, "0 * * * *", "2026-01-01 00:00:00", {"2026-01-01 00:30:00", "2026-01-01 01:30:00"}},
	{&synthzone_kolkata, "0 0 1 * *", "2026-01-15 00:00:00", {"2026-01-31 18:30:00"}},
	{&synthzone_kolkata, "0 0 * * MON", "2026-01-01 00:00:00", {"2026-01-04 18:30:00"}},

	/* Berlin-like: spring forward on 2026-03-29 at 01:00 UTC (02:00 -> 03:00) */
	{&synthzone_berlin, "30 2 * * *", "2026-03-28 12:00:00", {"2026-03-29 01:00:00", "2026-03-30 00:30:00"}},
	{&synthzone_berlin, "30 2 * * *", "2026-03-27 12:00:00", {"2026-03-28 01:30:00", "2026-03-29 01:00:00"}},
	{&synthzone_berlin, "0 2 * * *", "2026-03-28 12:00:00", {"2026-03-29 01:00:00", "2026-03-30 00:00:00"}},
	{&synthzone_berlin, "0,30 2 * * *", "2026-03-28 12:00:00",
		{"2026-03-29 01:00:00", "2026-03-30 00:00:00"}},
	{&synthzone_berlin, "59 2 * * *", "2026-03-28 12:00:00", {"2026-03-29 01:00:00"}},
	{&synthzone_berlin, "0 3 * * *", "2026-03-28 12:00:00", {"2026-03-29 01:00:00", "2026-03-30 01:00:00"}},
	{&synthzone_berlin, "0 2,3 * * *", "2026-03-28 12:00:00", {"2026-03-29 01:00:00", "2026-03-30 00:00:00"}},
	{&synthzone_berlin, "59 1 * * *", "2026-03-28 12:00:00", {"2026-03-29 00:59:00", "2026-03-29 23:59:00"}},
	{&synthzone_berlin, "15 1,2,3 * * *", "2026-03-28 22:00:00",
		{"2026-03-29 00:15:00", "2026-03-29 01:00:00", "2026-03-29 01:15:00",
		 "2026-03-29 23:15:00"}},
	{&synthzone_berlin, "0 * * * *", "2026-03-28 22:30:00",
		{"2026-03-28 23:00:00", "2026-03-29 00:00:00", "2026-03-29 01:00:00",
		 "2026-03-29 02:00:00"}},
	{&synthzone_berlin, "*/30 * * * *", "2026-03-29 00:15:00",
		{"2026-03-29 00:30:00", "2026-03-29 01:00:00", "2026-03-29 01:30:00"}},
	{&synthzone_berlin, "30 * * * *", "2026-03-29 00:00:00", {"2026-03-29 00:30:00", "2026-03-29 01:30:00"}},

	/* elapsed (the minute field starts with '*'): no slot in the gap */
	{&synthzone_berlin, "*/20 2 * * *", "2026-03-28 12:00:00",
		{"2026-03-30 00:00:00", "2026-03-30 00:20:00"}},
	{&synthzone_berlin, "30 2 * * *", "2026-03-29 00:59:59", {"2026-03-29 01:00:00"}},
	{&synthzone_berlin, "30 2 * * *", "2026-03-29 01:00:00", {"2026-03-30 00:30:00"}},
	{&synthzone_berlin, "0 3 * * *", "2026-03-29 00:59:59", {"2026-03-29 01:00:00", "2026-03-30 01:00:00"}},
	{&synthzone_berlin, "0 * * * *", "2026-03-29 00:59:59", {"2026-03-29 01:00:00", "2026-03-29 02:00:00"}},
	{&synthzone_berlin, "30 2 * * *", "2026-10-25 00:59:59", {"2026-10-26 01:30:00"}},
	{&synthzone_berlin, "0 * * * *", "2026-10-25 00:59:59", {"2026-10-25 01:00:00", "2026-10-25 02:00:00"}},
	{&synthzone_lordhowe, "15 2 * * *", "2026-10-03 15:29:59", {"2026-10-03 15:30:00"}},
	{&synthzone_berlin, "0 0 * * *", "2026-03-27 12:00:00",
		{"2026-03-27 23:00:00", "2026-03-28 23:00:00", "2026-03-29 22:00:00"}},
	{&synthzone_berlin, "30 2 29 3 *", "2026-01-01 00:00:00", {"2026-03-29 01:00:00", "2027-03-29 00:30:00"}},
	{&synthzone_berlin, "10 30 2 * * *", "2026-03-28 12:00:00",
		{"2026-03-29 01:00:00", "2026-03-30 00:30:10"}},
	{&synthzone_berlin, "*/15 * * * * *", "2026-03-29 00:59:50",
		{"2026-03-29 01:00:00", "2026-03-29 01:00:15"}},

	/* Berlin-like: fall back on 2026-10-25 at 01:00 UTC (03:00 -> 02:00) */
	{&synthzone_berlin, "30 2 * * *", "2026-10-24 12:00:00", {"2026-10-25 00:30:00", "2026-10-26 01:30:00"}},
	{&synthzone_berlin, "30 2 * * *", "2026-10-25 00:45:00", {"2026-10-26 01:30:00"}},
	{&synthzone_berlin, "30 2 * * *", "2026-10-25 01:10:00", {"2026-10-26 01:30:00"}},
	{&synthzone_berlin, "30 2 * * *", "2026-10-25 02:00:00", {"2026-10-26 01:30:00"}},
	{&synthzone_berlin, "0 2 * * *", "2026-10-25 00:00:00", {"2026-10-26 01:00:00"}},
	{&synthzone_berlin, "0 3 * * *", "2026-10-24 12:00:00", {"2026-10-25 02:00:00"}},
	{&synthzone_berlin, "15 1,2,3 * * *", "2026-10-24 22:00:00",
		{"2026-10-24 23:15:00", "2026-10-25 00:15:00", "2026-10-25 02:15:00",
		 "2026-10-26 00:15:00"}},
	{&synthzone_berlin, "0 * * * *", "2026-10-24 23:30:00",
		{"2026-10-25 00:00:00", "2026-10-25 01:00:00", "2026-10-25 02:00:00"}},
	{&synthzone_berlin, "30 * * * *", "2026-10-24 23:00:00",
		{"2026-10-24 23:30:00", "2026-10-25 00:30:00", "2026-10-25 01:30:00",
		 "2026-10-25 02:30:00"}},
	{&synthzone_berlin, "*/20 * * * *", "2026-10-25 00:50:00",
		{"2026-10-25 01:00:00", "2026-10-25 01:20:00"}},
	{&synthzone_berlin, "*/20 * * * *", "2026-10-25 01:10:00", {"2026-10-25 01:20:00"}},
	{&synthzone_berlin, "30 */1 * * *", "2026-10-25 00:00:00",
		{"2026-10-25 00:30:00", "2026-10-25 01:30:00"}},
	{&synthzone_berlin, "30 2 * * 0", "2026-10-18 12:00:00", {"2026-10-25 00:30:00", "2026-11-01 01:30:00"}},
	{&synthzone_berlin, "0 0 * * *", "2026-10-24 12:00:00", {"2026-10-24 22:00:00", "2026-10-25 23:00:00"}},
	{&synthzone_berlin, "30 30 2 * * *", "2026-10-25 00:00:00",
		{"2026-10-25 00:30:30", "2026-10-26 01:30:30"}},
	{&synthzone_berlin, "*/30 * * * * *", "2026-10-25 00:59:00",
		{"2026-10-25 00:59:30", "2026-10-25 01:00:00", "2026-10-25 01:00:30"}},
	{&synthzone_berlin, "0 0 29 2 *", "2026-01-01 00:00:00", {"2028-02-28 23:00:00", "2032-02-28 23:00:00"}},
	{&synthzone_berlin, "0 12 * * *", "2026-06-01 00:00:00", {"2026-06-01 10:00:00"}},
	{&synthzone_berlin, "0 0 * 2 MON#5", "2026-01-01 00:00:00", {"2044-02-28 23:00:00"}},
	{&synthzone_berlin, "30 2 * * *", "2027-03-27 12:00:00", {"2027-03-28 01:00:00"}},
	{&synthzone_berlin, "30 2 * * *", "2027-10-31 00:45:00", {"2027-11-01 01:30:00"}},
	{&synthzone_berlin, "@daily", "2026-03-28 23:00:00", {"2026-03-29 22:00:00"}},
	{&synthzone_berlin, "@hourly", "2026-10-25 00:30:00", {"2026-10-25 01:00:00", "2026-10-25 02:00:00"}},

	/* New-York-like: spring 2026-03-08 07:00 UTC, fall 2026-11-01 06:00 UTC */
	{&synthzone_newyork, "30 2 * * *", "2026-03-07 12:00:00", {"2026-03-08 07:00:00", "2026-03-09 06:30:00"}},
	{&synthzone_newyork, "0 * * * *", "2026-03-08 05:30:00",
		{"2026-03-08 06:00:00", "2026-03-08 07:00:00", "2026-03-08 08:00:00"}},
	{&synthzone_newyork, "30 1 * * *", "2026-10-31 12:00:00", {"2026-11-01 05:30:00", "2026-11-02 06:30:00"}},
	{&synthzone_newyork, "*/30 * * * *", "2026-11-01 04:45:00",
		{"2026-11-01 05:00:00", "2026-11-01 05:30:00", "2026-11-01 06:00:00",
		 "2026-11-01 06:30:00", "2026-11-01 07:00:00"}},
	{&synthzone_newyork, "0 0 * * *", "2026-03-07 12:00:00", {"2026-03-08 05:00:00", "2026-03-09 04:00:00"}},
	{&synthzone_newyork, "0 1 * * *", "2026-11-01 05:00:00", {"2026-11-02 06:00:00"}},
	{&synthzone_newyork, "0 2 * * *", "2026-10-31 12:00:00", {"2026-11-01 07:00:00"}},
	{&synthzone_newyork, "0 9 * * MON-FRI", "2026-03-06 15:00:00", {"2026-03-09 13:00:00"}},
	{&synthzone_newyork, "0 0 1 1 *", "2026-06-01 00:00:00", {"2027-01-01 05:00:00"}},

	/* Lord-Howe-like: half-hour shift; spring 2026-10-03 15:30 UTC */
	{&synthzone_lordhowe, "15 2 * * *", "2026-10-03 00:00:00",
		{"2026-10-03 15:30:00", "2026-10-04 15:15:00"}},
	{&synthzone_lordhowe, "0 2 * * *", "2026-10-03 00:00:00", {"2026-10-03 15:30:00", "2026-10-04 15:00:00"}},
	{&synthzone_lordhowe, "30 2 * * *", "2026-10-03 00:00:00",
		{"2026-10-03 15:30:00", "2026-10-04 15:30:00"}},
	{&synthzone_lordhowe, "*/15 * * * *", "2026-10-03 15:00:00",
		{"2026-10-03 15:15:00", "2026-10-03 15:30:00", "2026-10-03 15:45:00"}},

	/* fall back 2026-04-04 15:00 UTC (02:00 -> 01:30) */
	{&synthzone_lordhowe, "45 1 * * *", "2026-04-04 00:00:00",
		{"2026-04-04 14:45:00", "2026-04-05 15:15:00"}},
	{&synthzone_lordhowe, "*/15 * * * *", "2026-04-04 14:20:00",
		{"2026-04-04 14:30:00", "2026-04-04 14:45:00", "2026-04-04 15:00:00",
		 "2026-04-04 15:15:00", "2026-04-04 15:30:00"}},
	{&synthzone_lordhowe, "30 1 * * *", "2026-04-04 00:00:00",
		{"2026-04-04 14:30:00", "2026-04-05 15:00:00"}},
	{&synthzone_lordhowe, "0 0 * * *", "2026-04-03 00:00:00",
		{"2026-04-03 13:00:00", "2026-04-04 13:00:00", "2026-04-05 13:30:00"}},

	/* a rare schedule across many years of transitions */
	{&synthzone_newyork, "0 0 29 2 *", "2026-01-01 00:00:00", {"2028-02-29 05:00:00", "2032-02-29 05:00:00"}},
	{&synthzone_lordhowe, "0 0 * 2 MON#5", "2026-01-01 00:00:00", {"2044-02-28 13:00:00"}},
	{&synthzone_berlin, "* * * * *", "9999-12-31 22:58:30", {"9999-12-31 22:59:00"}},
};

static void
test_next_zones(void)
{
	size_t		i;

	for (i = 0; i < lengthof(next_zone_cases); i++)
	{
		const ZoneNextCase *c = &next_zone_cases[i];

		check_next_seq(c->zone, c->text, c->start, c->want);
	}
}

/* Expressions other than CRONEXPR_FIELDS have no next fire time here. */
static void
test_next_kinds(void)
{
	CronExpr	expr;
	CronError	err;
	int64_t		next = 42;

	cronexpr_parse("@reboot", &expr, &err);
	report(!cronexpr_next(&expr, NULL, 0, &next) && next == 42,
		   "cronexpr_next refuses @reboot");
	cronexpr_parse("every 5 minutes", &expr, &err);
	report(!cronexpr_next(&expr, &synthzone_berlin, 0, &next) && next == 42,
		   "cronexpr_next refuses interval schedules");
	cronexpr_parse("* * * * *", &expr, &err);
	report(cronexpr_next(&expr, NULL, INT64_MIN, &next) &&
		   next == INT64_C(-62167219200),
		   "cronexpr_next from INT64_MIN starts at 0000-01-01");
	report(!cronexpr_next(&expr, NULL, INT64_MAX, &next),
		   "cronexpr_next after INT64_MAX has no answer");
	report(!cronexpr_next(&expr, &synthzone_berlin, INT64_MAX - 10, &next),
		   "cronexpr_next in a zone after INT64_MAX - 10 has no answer");
	memset(&expr, 0, sizeof(expr));
	report(!cronexpr_next(&expr, NULL, 0, &next),
		   "cronexpr_next of an all-zero expression has no answer");
}

/* ----------------------------------------------------------------
 *		cronexpr_matches
 * ----------------------------------------------------------------
 */

/* Does the schedule match the wall-clock time 'when'? */
typedef struct MatchesCase
{
	const char *text;
	const char *when;
	bool		want;
} MatchesCase;

static const MatchesCase matches_cases[] = {
	{"30 2 * * *", "2026-03-29 02:30:00", true},
	{"30 2 * * *", "2026-03-29 02:30:01", false},
	{"30 2 * * *", "2026-03-29 02:31:00", false},
	{"* * * * * *", "2026-03-29 02:30:01", true},
	{"0 0 * * 5L", "2026-01-30 00:00:00", true},
	{"0 0 * * 5L", "2026-01-23 00:00:00", false},
	{"0 0 15W * *", "2026-02-16 00:00:00", true},
	{"0 0 15W * *", "2026-02-15 00:00:00", false},
	{"0 0 1W * *", "2026-08-03 00:00:00", true},
	{"0 0 1W * *", "2026-08-01 00:00:00", false},
	{"0 0 LW * *", "2026-05-29 00:00:00", true},
	{"0 0 LW * *", "2026-05-31 00:00:00", false},
	{"0 0 L * *", "2028-02-29 00:00:00", true},
	{"0 0 L * *", "2028-02-28 00:00:00", false},
	{"0 0 L-1 * *", "2028-02-28 00:00:00", true},
	{"0 0 1 * 1", "2026-01-05 00:00:00", true},
	{"0 0 1 * 1", "2026-01-01 00:00:00", true},
	{"0 0 1 * 1", "2026-01-02 00:00:00", false},
	{"0 0 1 * */7", "2026-02-01 00:00:00", true},
	{"0 0 1 * */7", "2026-01-01 00:00:00", false},
	{"0 0 * * MON#2", "2026-01-12 00:00:00", true},
	{"0 0 * * MON#2", "2026-01-19 00:00:00", false},
	{"0 0 29 2 *", "2028-02-29 00:00:00", true},
	{"0 0 * jan *", "2026-02-01 00:00:00", false},
};

static void
check_matches(const MatchesCase *c)
{
	CronExpr	expr;
	CronError	err;
	CronTm		tm;

	if (!cronexpr_parse(c->text, &expr, &err))
	{
		diag("parse failed: %s", err.message);
		report(false, "matches: \"%s\" at %s", c->text, c->when);
		return;
	}
	cronexpr_civil_from_seconds(ts(c->when), &tm);
	report(cronexpr_matches(&expr, &tm) == c->want,
		   "matches: \"%s\" at %s is %s",
		   c->text, c->when, c->want ? "true" : "false");
}

static void
test_matches(void)
{
	CronExpr	expr;
	CronError	err;
	CronTm		tm;
	size_t		i;

	for (i = 0; i < lengthof(matches_cases); i++)
		check_matches(&matches_cases[i]);

	cronexpr_parse("0 0 31 * *", &expr, &err);
	memset(&tm, 0, sizeof(tm));
	tm.year = 2026;
	tm.month = 2;
	tm.mday = 31;
	tm.wday = 2;
	report(!cronexpr_matches(&expr, &tm), "matches: February 31 never matches");
	tm.month = 13;
	tm.mday = 1;
	report(!cronexpr_matches(&expr, &tm), "matches: month 13 never matches");
	cronexpr_parse("@reboot", &expr, &err);
	tm.month = 1;
	report(!cronexpr_matches(&expr, &tm), "matches: @reboot matches no time");
}

/* ----------------------------------------------------------------
 *		cronexpr_describe
 * ----------------------------------------------------------------
 */

/* What cronexpr_describe must say about a schedule. */
typedef struct DescribeCase
{
	const char *text;
	const char *want;
} DescribeCase;

static const DescribeCase describe_cases[] = {
	{"* * * * *", "every minute"},
	{"*/15 * * * *", "every 15 minutes"},
	{"*/5 * * * *", "every 5 minutes"},
	{"0 * * * *", "at minute 0 of every hour"},
	{"@hourly", "at minute 0 of every hour"},
	{"15,45 * * * *", "at minutes 15 and 45 of every hour"},
	{"30 2 * * *", "at 02:30 every day"},
	{"@daily", "at 00:00 every day"},
	{"0 9 * * MON-FRI", "at 09:00 on Monday through Friday"},
	{"0 0 L * *", "at 00:00 on the last day of the month"},
	{"0 0 29 2 *", "at 00:00 on day 29 of February"},
	{"0 0 1 1 *", "at 00:00 on day 1 of January"},
	{"@monthly", "at 00:00 on day 1 of the month"},
	{"@weekly", "at 00:00 on Sunday"},
	{"15 1,2,3 * * *", "at 01:15, 02:15 and 03:15 every day"},
	{"0 */2 * * *", "at minute 0 of every 2nd hour"},
	{"*/15 9-17 * * 1-5", "every 15 minutes during hours 9 through 17 on Monday through Friday"},
	{"* 9 * * *", "every minute during hour 9"},
	{"0 0 1,15 * 1", "at 00:00 on days 1 and 15 of the month or on Monday"},
	{"0 0 1 * */7", "at 00:00 on day 1 of the month, but only on Sunday"},
	{"0 0 * * 5L", "at 00:00 on the last Friday of the month"},
	{"0 0 * * MON#2", "at 00:00 on the second Monday of the month"},
	{"0 0 * 2 MON#5", "at 00:00 on the fifth Monday of February"},
	{"0 0 LW * *", "at 00:00 on the last weekday of the month"},
	{"0 0 15W * *", "at 00:00 on the weekday nearest day 15 of the month"},
	{"0 0 L-1 * *", "at 00:00 on the 2nd-to-last day of the month"},
	{"0 0 1,L * *", "at 00:00 on day 1 and the last day of the month"},
	{"0 0 */2 * *", "at 00:00 on every 2nd day of the month"},
	{"0 0 1 1,4,7,10 *", "at 00:00 on day 1 of the month in January, April, July and October"},
	{"0 12 * jan-mar *", "at 12:00 every day in January through March"},
	{"* * * * * *", "every second"},
	{"*/30 * * * * *", "every 30 seconds"},
	{"30 0 9 * * *", "at 09:00:30 every day"},
	{"30 15 * * * *", "at second 30 of minute 15 of every hour"},
	{"30 seconds", "every 30 seconds"},
	{"1 second", "every second"},
	{"every 5 minutes", "every 5 minutes"},
	{"every 60 seconds", "every minute"},
	{"every 90 minutes", "every 90 minutes"},
	{"every 1 hour", "every hour"},
	{"every 2 hours", "every 2 hours"},
	{"@reboot", "once after each server start"},
	{"0 0 * * 6,0", "at 00:00 on Sunday and Saturday"},
};

static void
check_describe(const DescribeCase *c)
{
	CronExpr	expr;
	CronError	err;
	char		buf[256];

	if (!cronexpr_parse(c->text, &expr, &err))
	{
		diag("parse failed: %s", err.message);
		report(false, "describe: \"%s\"", c->text);
		return;
	}
	cronexpr_describe(&expr, buf, sizeof(buf));
	if (strcmp(buf, c->want) != 0)
		diag("got \"%s\"", buf);
	report(strcmp(buf, c->want) == 0, "describe: \"%s\" is \"%s\"",
		   c->text, c->want);
}

static void
test_describe(void)
{
	CronExpr	expr;
	CronError	err;
	char		buf[64];
	char		full[256];
	size_t		n;
	size_t		i;
	bool		pass;

	for (i = 0; i < lengthof(describe_cases); i++)
		check_describe(&describe_cases[i]);

	/* never overflows; always NUL-terminated; prefix of the full text */
	cronexpr_parse("1,3,5,7,9,11,13 1,3,5,7,9,11 1,3,5,7,9,L,LW,15W * 1#1,2#2,5L",
				   &expr, &err);
	cronexpr_describe(&expr, full, sizeof(full));
	pass = strlen(full) > 0;
	for (n = 0; n <= sizeof(buf); n++)
	{
		memset(buf, 'x', sizeof(buf));
		cronexpr_describe(&expr, buf, n);
		if (n > 0 && (strlen(buf) >= n || strncmp(buf, full, strlen(buf)) != 0))
			pass = false;
		if (n == 0 && buf[0] != 'x')
			pass = false;
	}
	report(pass, "describe truncates safely for every buffer size 0..%zu", sizeof(buf));
	cronexpr_describe(&expr, NULL, 10);
	report(true, "describe accepts a NULL buffer");
}

/* ----------------------------------------------------------------
 *		Randomised comparison with a naive reference
 * ----------------------------------------------------------------
 */

static uint64_t rng_state = UINT64_C(0x9E3779B97F4A7C15);

static uint64_t
rng(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * UINT64_C(2685821657736338717);
}

static int
rnd(int n)
{
	return (int) (rng() % (uint64_t) n);
}

/*
 * Does day mday of year/month match, computed the obvious way from the
 * definitions (no bit tricks), as an independent check of the evaluator?
 */
static bool
naive_day_matches(const CronExpr *e, int year, int month, int mday)
{
	int			mlen = 31;
	int64_t		day = cronexpr_days_from_civil(year, month, mday);
	int			wday = (int) (((day + 4) % 7 + 7) % 7);
	bool		dom = false;
	bool		dow = false;
	int			n;

	while (cronexpr_days_from_civil(year, month, mlen) >=
		   cronexpr_days_from_civil(year, month + 1, 1))
		mlen--;
	if (mday > mlen)
		return false;

	if (e->mdays & BIT(mday))
		dom = true;
	for (n = 0; n <= 30; n++)
	{
		if ((e->mdays_before_last & BIT(n)) && mday == mlen - n)
			dom = true;
	}
	for (n = 1; n <= mlen; n++)
	{
		if (e->mdays_nearest_weekday & BIT(n))
		{
			/* try n, then n-1, n+1, n-2, n+2 within the month */
			static const int tries[5] = {0, -1, 1, -2, 2};
			int			k;

			for (k = 0; k < 5; k++)
			{
				int			c = n + tries[k];
				int			cw;

				if (c < 1 || c > mlen)
					continue;
				cw = (int) (((cronexpr_days_from_civil(year, month, c) + 4) % 7 + 7) % 7);
				if (cw == 0 || cw == 6)
					continue;
				/* Quartz: a Saturday the 1st goes to Monday the 3rd */
				if (k == 1 && n == 1)
					continue;
				if (c == mday)
					dom = true;
				break;
			}
		}
	}
	if (e->last_weekday_of_month)
	{
		int			c = mlen;

		while (((cronexpr_days_from_civil(year, month, c) + 4) % 7 + 7) % 7 == 0 ||
			   ((cronexpr_days_from_civil(year, month, c) + 4) % 7 + 7) % 7 == 6)
			c--;
		if (c == mday)
			dom = true;
	}

	if (e->wdays & BIT(wday))
		dow = true;
	if ((e->wdays_last & BIT(wday)) && mday + 7 > mlen)
		dow = true;
	if (e->wdays_nth[wday] & BIT((mday - 1) / 7 + 1))
		dow = true;

	if (e->dom_restricted && e->dow_restricted)
		return dom || dow;
	return dom && dow;
}

static bool
naive_matches(const CronExpr *e, int64_t wall)
{
	CronTm		tm;

	cronexpr_civil_from_seconds(wall, &tm);
	return (e->months & BIT(tm.month)) && (e->hours & BIT(tm.hour)) &&
		(e->minutes & BIT(tm.minute)) && (e->seconds & BIT(tm.second)) &&
		naive_day_matches(e, tm.year, tm.month, tm.mday);
}

/*
 * Does the schedule fire at instant x?  Written from the rules in SPEC
 * section 5 without looking at segments: the wall time at x matches and,
 * for a pinned schedule, has not been seen before (fall back); or x is the
 * first instant after a gap that a pinned schedule matched (spring
 * forward).  'step' is the granularity of the search (60 or 1).
 */
static bool
reference_fires(const CronExpr *e, const CronZone *z, int64_t x, int step)
{
	int32_t		o = z ? z->utc_offset(z->arg, x) : 0;
	int32_t		o_before = z ? z->utc_offset(z->arg, x - 1) : 0;
	int64_t		wall = x + o;

	if (naive_matches(e, wall))
	{
		int64_t		y;

		if (!e->pinned || z == NULL)
			return true;
		/* pinned: did this wall time already occur within the last day? */
		for (y = x - step; y >= x - 86400; y -= step)
		{
			if (y + z->utc_offset(z->arg, y) == wall)
				return false;
		}
		return true;
	}
	if (e->pinned && o > o_before)
	{
		int64_t		w;

		/* x begins after a gap of wall times [x + o_before, x + o) */
		for (w = x + o_before; w < x + o; w += step)
		{
			if (naive_matches(e, w))
				return true;
		}
	}
	return false;
}

/* A random element for a field, often near interesting values. */
static void
random_element(char *out, size_t len, CronField field)
{
	static const int mins[7] = {0, 0, 0, 0, 1, 0, 0};
	static const int maxs[7] = {0, 59, 59, 23, 31, 12, 7};
	static const char *const dom_specials[] = {
		"L", "LW", "L-1", "L-3", "1W", "15W", "31W", "$", "L-27", "30W"
	};
	static const char *const dow_specials[] = {
		"5L", "0L", "MON#1", "1#2", "5#5", "0#5", "SAT#1", "friL", "3#3", "6L"
	};
	int			lo = mins[field];
	int			hi = maxs[field];
	int			a = lo + rnd(hi - lo + 1);
	int			b = a + rnd(hi - a + 1);
	int			kind = rnd(10);

	if (field == CRONFIELD_HOUR && rnd(2))
	{
		/* hours near the transitions of the synthetic zones */
		static const int near[6] = {0, 1, 2, 3, 15, 23};

		a = near[rnd(6)];
		b = a + rnd(3);
		if (b > 23)
			b = 23;
	}
	if (field == CRONFIELD_DAY_OF_MONTH && rnd(4) == 0)
	{
		snprintf(out, len, "%s", dom_specials[rnd(10)]);
		return;
	}
	if (field == CRONFIELD_DAY_OF_WEEK && rnd(4) == 0)
	{
		snprintf(out, len, "%s", dow_specials[rnd(10)]);
		return;
	}
	if (kind < 4)
		snprintf(out, len, "%d", a);
	else if (kind < 6)
		snprintf(out, len, "%d-%d", a, b);
	else if (kind < 8)
		snprintf(out, len, "*/%d", 1 + rnd(hi - lo > 1 ? hi - lo : 1));
	else
		snprintf(out, len, "%d-%d/%d", a, b, 1 + rnd(hi - lo > 1 ? hi - lo : 1));
}

static void
random_field(char *out, size_t len, CronField field)
{
	int			n;
	int			i;
	size_t		used = 0;

	if (rnd(3) == 0 && field != CRONFIELD_SECOND)
	{
		snprintf(out, len, "*");
		return;
	}
	n = 1 + rnd(3);
	out[0] = '\0';
	for (i = 0; i < n; i++)
	{
		char		el[32];

		random_element(el, sizeof(el), field);
		used += snprintf(out + used, len - used, "%s%s", i ? "," : "", el);
	}
}

/*
 * A random start instant: often in the months of the transitions of
 * 2020-2030, and often within seconds of a transition itself, where the
 * off-by-one mistakes live.
 */
static int64_t
random_start(const CronZone *zone)
{
	int			year = 2020 + rnd(11);
	static const int months[6] = {3, 4, 10, 11, 2, 12};
	int			month = months[rnd(6)];
	int64_t		t = cronexpr_days_from_civil(year, month, 1 + rnd(28)) * 86400;
	int64_t		boundary;
	int32_t		after_offset;

	t += rnd(86400 * 3) - 86400;
	if (zone != NULL && rnd(3) == 0 &&
		zone->next_transition(zone->arg, t, &boundary, &after_offset))
	{
		static const int deltas[8] = {-3601, -61, -60, -2, -1, 0, 1, 59};

		return boundary + deltas[rnd(8)];
	}
	return t;
}

/*
 * Compare cronexpr_next with a scan of every minute (or, for six fields,
 * every second) over a window.  Within the window the answers must agree;
 * if the reference finds nothing, cronexpr_next must answer later.
 */
static void
test_random(const CronZone *zone, int count, bool six)
{
	int			i;
	int			compared = 0;
	int			failures = 0;

	for (i = 0; i < count && failures < 5; i++)
	{
		char		text[400];
		char		f[6][64];
		int			k;
		CronExpr	e;
		CronError	err;
		int64_t		start = random_start(zone);
		int64_t		got;
		bool		has;
		int			step = six ? 1 : 60;
		int64_t		window = six ? 3 * 3600 : 4 * 86400;
		int64_t		x;
		int64_t		want = -1;
		char		b1[32];
		char		b2[32];
		char		b3[32];

		for (k = 0; k < 6; k++)
			random_field(f[k], sizeof(f[k]), (CronField) (CRONFIELD_SECOND + k));
		if (six)
			snprintf(text, sizeof(text), "%s %s %s %s %s %s", f[0], f[1], f[2], f[3], f[4], f[5]);
		else
			snprintf(text, sizeof(text), "%s %s %s %s %s", f[1], f[2], f[3], f[4], f[5]);
		if (!cronexpr_parse(text, &e, &err))
			continue;			/* e.g. reversed ranges, never-firing days */

		/* first candidate on the grid strictly after start */
		x = start - (((start % step) + step) % step) + step;
		for (; x <= start + window; x += step)
		{
			if (reference_fires(&e, zone, x, step))
			{
				want = x;
				break;
			}
		}
		has = cronexpr_next(&e, zone, start, &got);
		compared++;
		if (want >= 0 ? (!has || got != want) : (has && got <= start + window))
		{
			diag("\"%s\" in %s after %s: got %s, reference %s", text,
				 synthzone_name(zone), fmt_ts(start, b1, sizeof(b1)),
				 has ? fmt_ts(got, b2, sizeof(b2)) : "none",
				 want >= 0 ? fmt_ts(want, b3, sizeof(b3)) : "none in window");
			failures++;
		}
	}
	report(failures == 0, "random: %d %s-field schedules in %s agree with the naive reference",
		   compared, six ? "six" : "five", synthzone_name(zone));
}

/*
 * A random five-field schedule into text[len], or with days_only one whose
 * fields other than day-of-month and day-of-week are '*'.  Returns whether
 * it parses, into *e.
 */
static bool
random_schedule(char *text, size_t len, bool days_only, CronExpr *e)
{
	char		f[5][64];
	CronError	err;
	int			k;

	for (k = 0; k < 5; k++)
		random_field(f[k], sizeof(f[k]), (CronField) (CRONFIELD_MINUTE + k));
	if (days_only)
		snprintf(text, len, "* * %s * %s", f[2], f[4]);
	else
		snprintf(text, len, "%s %s %s %s %s", f[0], f[1], f[2], f[3], f[4]);
	return cronexpr_parse(text, e, &err);
}

/* cronexpr_matches agrees with the naive day rules on random days. */
static void
test_random_matches(int count)
{
	int			i;
	int			failures = 0;
	int			compared = 0;

	for (i = 0; i < count && failures < 5; i++)
	{
		char		text[400];
		CronExpr	e;
		int			d;

		if (!random_schedule(text, sizeof(text), true, &e))
			continue;
		for (d = 0; d < 400; d++)
		{
			int64_t		t = (cronexpr_days_from_civil(2020, 1, 1) + rnd(366 * 12)) * 86400;
			CronTm		tm;

			cronexpr_civil_from_seconds(t, &tm);
			compared++;
			if (cronexpr_matches(&e, &tm) != naive_matches(&e, t))
			{
				char		b[32];

				diag("\"%s\" at %s: matches %d, naive %d", text,
					 fmt_ts(t, b, sizeof(b)), cronexpr_matches(&e, &tm),
					 naive_matches(&e, t));
				failures++;
				break;
			}
		}
	}
	report(failures == 0, "random: cronexpr_matches agrees with the naive day rules on %d days",
		   compared);
}

/* Every parsed schedule either fires or is rejected: spot-check many. */
static void
test_random_can_fire(int count)
{
	int			i;
	int			failures = 0;
	int			parsed = 0;

	for (i = 0; i < count && failures < 5; i++)
	{
		char		text[400];
		CronExpr	e;
		int64_t		next;

		if (!random_schedule(text, sizeof(text), false, &e))
			continue;
		parsed++;
		if (!cronexpr_next(&e, &synthzone_berlin, ts("2000-01-01 00:00:00"), &next) ||
			next > ts("2400-01-01 00:00:00"))
		{
			diag("\"%s\" was accepted but does not fire within 400 years", text);
			failures++;
		}
	}
	report(failures == 0, "random: all %d accepted schedules fire", parsed);
}

int
main(void)
{
	test_civil();
	test_valid();
	test_invalid();
	test_next_utc();
	test_next_zones();
	test_next_kinds();
	test_matches();
	test_describe();

	test_random(NULL, 400, false);
	test_random(&synthzone_utc, 200, false);
	test_random(&synthzone_kolkata, 200, false);
	test_random(&synthzone_berlin, 800, false);
	test_random(&synthzone_newyork, 800, false);
	test_random(&synthzone_lordhowe, 800, false);
	test_random(&synthzone_berlin, 150, true);
	test_random(&synthzone_lordhowe, 150, true);
	test_random_matches(2000);
	test_random_can_fire(5000);

	printf("1..%d\n", tests_run);
	if (tests_failed)
		printf("# FAILED %d of %d cases\n", tests_failed, tests_run);
	else
		printf("# all %d cases passed\n", tests_run);
	return tests_failed ? 1 : 0;
}
