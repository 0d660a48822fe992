/*-------------------------------------------------------------------------
 *
 * cronexpr.c
 *	  The pure schedule grammar and evaluator of pg_beat.
 *
 * This file turns the text of a schedule into a CronExpr and answers "when
 * does it fire next?".  It is deliberately free of PostgreSQL: it includes
 * only the C standard library, keeps no state between calls and never
 * allocates, so that it can be unit-tested, fuzzed and benchmarked as a
 * plain C program (test/unit, test/fuzz, bench).  The backend glue
 * (schedule.c) wraps it with ereport and PostgreSQL's time zone database.
 *
 * NOTES
 *
 * Parsing.  A schedule is a macro (@daily ...), an interval ("30 seconds",
 * "every 5 minutes") or five or six whitespace-separated fields.  Each field
 * is a comma-separated list of elements; every plain element becomes bits in
 * a bitmap, and the few day forms that depend on the month ("L", "15W",
 * "5L", "MON#2") are kept in their own bitmaps because they can only be
 * resolved once the year and month are known.  Errors are returned as data:
 * the field, the byte offset and length of the offending token, the token
 * itself and a full English sentence that the backend prints as errdetail.
 * The exact sentences are part of the contract with the regression tests,
 * so keep them stable.  Error text never contains raw non-ASCII bytes
 * (they are shown as \xNN), because it is reported in whatever encoding the
 * server uses and must not produce an invalidly encoded message.
 *
 * A schedule that can never fire (day 30 of February) is rejected.  Whether
 * any day can match depends only on the month, the length of the month and
 * the weekday of its first day, and every combination of those occurs in
 * the 400-year Gregorian cycle, so trying all of them is an exact test.
 *
 * Evaluation.  The next fire time is searched for in "wall" time: local
 * time expressed as seconds since 1970-01-01 00:00 as if the zone were UTC.
 * cron_find_wall() finds the first matching wall time at or after a lower
 * bound, field by field from the month down, using bit scans to jump to the
 * next allowed value and restarting at the next larger unit on overflow; it
 * never steps minute by minute, so even a schedule that fires once in 28
 * years is answered in a few dozen iterations.
 *
 * Time zones are piecewise-constant UTC offsets (CronZone).  Between two
 * transitions wall time is instant + offset, so cronexpr_next() walks the
 * segments from 'after' on and applies cronie's daylight-saving rules where
 * segments meet (see SPEC section 5 and cron_next_zoned()).
 *
 * IDENTIFICATION
 *	  src/cronexpr.c
 *
 *-------------------------------------------------------------------------
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cronexpr.h"

#define SECS_PER_DAY		86400
#define CRON_MAX_YEAR		9999

/* 0000-01-01 00:00:00 and 9999-12-31 23:59:59 UTC */
#define CRON_MIN_INSTANT	INT64_C(-62167219200)
#define CRON_MAX_INSTANT	INT64_C(253402300799)

/*
 * Largest UTC offset (in absolute value) for which cron_next_zoned() may
 * skip over transitions it has proved irrelevant.  Real zones stay within
 * about 15 hours; anything larger simply disables the shortcut.
 */
#define CRON_MAX_ZONE_OFFSET	(2 * SECS_PER_DAY)

/* Let the compiler check our format strings where it can. */
#if defined(__GNUC__) || defined(__clang__)
#define CRON_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define CRON_PRINTF(fmt, args)
#endif

/* Bound on the zone segments visited by one cronexpr_next() call. */
#define CRON_MAX_SEGMENTS	65536

/* Bitmaps of every value of a field. */
#define CRON_ALL_SECONDS	((UINT64_C(1) << 60) - 1)
#define CRON_ALL_MINUTES	((UINT64_C(1) << 60) - 1)
#define CRON_ALL_HOURS		((UINT32_C(1) << 24) - 1)
#define CRON_ALL_MDAYS		UINT32_C(0xFFFFFFFE)	/* bits 1-31 */
#define CRON_ALL_MONTHS		((uint16_t) 0x1FFE) /* bits 1-12 */
#define CRON_ALL_WDAYS		((uint8_t) 0x7F)	/* bits 0-6 */

static const char *const cron_month_abbrevs[12] = {
	"jan", "feb", "mar", "apr", "may", "jun",
	"jul", "aug", "sep", "oct", "nov", "dec"
};

static const char *const cron_day_abbrevs[7] = {
	"sun", "mon", "tue", "wed", "thu", "fri", "sat"
};

/* Indexed by month number; entry 0 is unused. */
static const char *const cron_month_names[13] = {
	"", "January", "February", "March", "April", "May", "June",
	"July", "August", "September", "October", "November", "December"
};

/* Indexed by day-of-week number 0-7, so that 7 is Sunday again. */
static const char *const cron_day_names[8] = {
	"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
	"Saturday", "Sunday"
};

static const char *const cron_ordinal_words[6] = {
	"", "first", "second", "third", "fourth", "fifth"
};

/*
 * What the parser needs to know about each field.  Indexed by CronField.
 */
typedef struct CronFieldSpec
{
	const char *name;			/* lower case, for the middle of a sentence */
	const char *title;			/* capitalised, to start a sentence */
	int			min;			/* smallest value that may be written */
	int			max;			/* largest value that may be written */
	const char *const *abbrevs; /* three-letter names, or NULL */
	int			nabbrevs;
	int			first_abbrev;	/* value of abbrevs[0] */
	const char *abbrev_kind;	/* "month" or "day", for "Unknown ... name" */
} CronFieldSpec;

static const CronFieldSpec cron_fields[7] = {
	{"", "", 0, 0, NULL, 0, 0, NULL},
	{"second", "Second", 0, 59, NULL, 0, 0, NULL},
	{"minute", "Minute", 0, 59, NULL, 0, 0, NULL},
	{"hour", "Hour", 0, 23, NULL, 0, 0, NULL},
	{"day-of-month", "Day-of-month", 1, 31, NULL, 0, 0, NULL},
	{"month", "Month", 1, 12, cron_month_abbrevs, 12, 1, "month"},
	{"day-of-week", "Day-of-week", 0, 7, cron_day_abbrevs, 7, 0, "day"}
};

/* The macros and what they stand for, as five-field text. */
typedef struct CronMacro
{
	const char *name;			/* without the '@' */
	const char *fields;			/* NULL for @reboot */
} CronMacro;

static const CronMacro cron_macros[] = {
	{"yearly", "0 0 1 1 *"},
	{"annually", "0 0 1 1 *"},
	{"monthly", "0 0 1 * *"},
	{"weekly", "0 0 * * 0"},
	{"daily", "0 0 * * *"},
	{"midnight", "0 0 * * *"},
	{"hourly", "0 * * * *"},
	{"reboot", NULL},
	/* pg_cron's spelling of @reboot, accepted for compatibility */
	{"restart", NULL}
};

/* Units of "every N <unit>" and the largest N each allows (31 days). */
typedef struct CronIntervalUnit
{
	const char *singular;
	const char *plural;
	int			seconds;
	int			max;
} CronIntervalUnit;

static const CronIntervalUnit cron_interval_units[3] = {
	{"second", "seconds", 1, 31 * SECS_PER_DAY},
	{"minute", "minutes", 60, 31 * 24 * 60},
	{"hour", "hours", 3600, 31 * 24}
};

/* Most fields a schedule may have, plus one to notice a seventh. */
#define CRON_MAX_WORDS		8

/* Parser state for one cronexpr_parse() call. */
typedef struct CronParser
{
	const char *text;			/* the whole schedule, as given */
	CronExpr   *expr;			/* the result being built */
	CronError  *err;			/* where a failure is described */
} CronParser;

static int	cron_ctz64(uint64_t x);
static int	cron_popcount64(uint64_t x);
static int64_t cron_floor_div(int64_t a, int64_t b);
static void cron_civil_from_days(int64_t days, int *year, int *month,
								 int *mday);
static int	cron_weekday(int64_t days);
static bool cron_is_leap(int year);
static int	cron_days_in_month(int year, int month);
static bool cron_is_space(char c);
static bool cron_is_digit(char c);
static bool cron_is_alpha(char c);
static char cron_lower(char c);
static bool cron_word_equals(const char *word, int len, const char *lower);
static void cron_set_token(CronError *err, const char *text, CronField field,
						   int offset, int length);
static bool cron_fail(CronError *err, const char *fmt,...) CRON_PRINTF(2, 3);
static int	cron_scan_number(const char *text, int p, int end, int *value);
static bool cron_parse_value(CronParser *ps, CronField field, int *pp,
							 int end, bool allow_l_suffix, int *value);
static bool cron_parse_step(CronParser *ps, CronField field, int *pp,
							int end, int *step);
static bool cron_unexpected(CronParser *ps, CronField field, int p);
static bool cron_parse_dom_last(CronParser *ps, int start, int end);
static bool cron_parse_element(CronParser *ps, CronField field, int start,
							   int end, uint64_t *bits);
static bool cron_parse_field(CronParser *ps, CronField field, int start,
							 int end);
static bool cron_parse_fields(CronParser *ps, const int *starts,
							  const int *ends, int nwords);
static bool cron_parse_macro(CronParser *ps, int start, int end);
static bool cron_parse_interval(CronParser *ps, const int *starts,
								const int *ends, int nwords, int end);
static bool cron_check_can_fire(CronParser *ps, const int *starts,
								const int *ends, int dom);
static int	cron_nearest_weekday(int n, int mlen, int wday);
static int	cron_last_weekday(int mlen, int wday_of_last);
static uint32_t cron_day_mask(const CronExpr *expr, int mlen, int wday1);
static bool cron_find_wall(const CronExpr *expr, int64_t wmin,
						   int64_t *result);
static bool cron_next_zoned(const CronExpr *expr, const CronZone *zone,
							int64_t lo, int64_t *next);


/* ----------------------------------------------------------------
 *		Small helpers
 * ----------------------------------------------------------------
 */

/* Index of the lowest set bit; x must not be 0. */
static int
cron_ctz64(uint64_t x)
{
#if defined(__GNUC__) || defined(__clang__)
	return __builtin_ctzll(x);
#else
	int			n = 0;

	while (!(x & 1))
	{
		x >>= 1;
		n++;
	}
	return n;
#endif
}

static int
cron_popcount64(uint64_t x)
{
#if defined(__GNUC__) || defined(__clang__)
	return __builtin_popcountll(x);
#else
	int			n = 0;

	while (x)
	{
		x &= x - 1;
		n++;
	}
	return n;
#endif
}

/* Division rounding towards minus infinity; b > 0. */
static int64_t
cron_floor_div(int64_t a, int64_t b)
{
	int64_t		q = a / b;

	if ((a % b) < 0)
		q--;
	return q;
}

static bool
cron_is_space(char c)
{
	return c == ' ' || c == '\t';
}

static bool
cron_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
cron_is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static char
cron_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char) (c - 'A' + 'a') : c;
}

/* Is text[0..len) equal to the lower-case word, ignoring ASCII case? */
static bool
cron_word_equals(const char *word, int len, const char *lower)
{
	int			i;

	for (i = 0; i < len; i++)
	{
		if (lower[i] == '\0' || cron_lower(word[i]) != lower[i])
			return false;
	}
	return lower[len] == '\0';
}


/* ----------------------------------------------------------------
 *		Civil calendar (proleptic Gregorian)
 *
 * These follow Howard Hinnant's days_from_civil/civil_from_days: shift the
 * year to start in March so that the leap day is the last day of the year,
 * then count 400-year eras, which makes everything exact for negative
 * values too.
 * ----------------------------------------------------------------
 */

int64_t
cronexpr_days_from_civil(int year, int month, int mday)
{
	int64_t		y = year;
	int64_t		m = month;
	int64_t		era;
	int64_t		yoe;
	int64_t		doy;
	int64_t		doe;

	/* Tolerate months outside 1-12 by carrying into the year. */
	if (m < 1 || m > 12)
	{
		int64_t		carry = cron_floor_div(m - 1, 12);

		y += carry;
		m -= carry * 12;
	}

	y -= (m <= 2);
	era = cron_floor_div(y, 400);
	yoe = y - era * 400;		/* [0, 399] */
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + mday - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
cron_civil_from_days(int64_t days, int *year, int *month, int *mday)
{
	int64_t		z = days + 719468;
	int64_t		era = cron_floor_div(z, 146097);
	int64_t		doe = z - era * 146097; /* [0, 146096] */
	int64_t		yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t		doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t		mp = (5 * doy + 2) / 153;
	int64_t		m = mp < 10 ? mp + 3 : mp - 9;

	*year = (int) (yoe + era * 400 + (m <= 2));
	*month = (int) m;
	*mday = (int) (doy - (153 * mp + 2) / 5 + 1);
}

/* Day of the week, Sunday = 0, of a day number (1970-01-01 was Thursday). */
static int
cron_weekday(int64_t days)
{
	int64_t		w = (days + 4) % 7;

	return (int) (w < 0 ? w + 7 : w);
}

static bool
cron_is_leap(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int
cron_days_in_month(int year, int month)
{
	static const int lengths[13] = {0, 31, 28, 31, 30, 31, 30,
	31, 31, 30, 31, 30, 31};

	if (month == 2 && cron_is_leap(year))
		return 29;
	return lengths[month];
}

void
cronexpr_civil_from_seconds(int64_t t, CronTm *tm)
{
	int64_t		days = cron_floor_div(t, SECS_PER_DAY);
	int			sod = (int) (t - days * SECS_PER_DAY);

	cron_civil_from_days(days, &tm->year, &tm->month, &tm->mday);
	tm->hour = sod / 3600;
	tm->minute = sod / 60 % 60;
	tm->second = sod % 60;
	tm->wday = cron_weekday(days);
}

int64_t
cronexpr_seconds_from_civil(const CronTm *tm)
{
	return cronexpr_days_from_civil(tm->year, tm->month, tm->mday) * SECS_PER_DAY
		+ (int64_t) tm->hour * 3600 + (int64_t) tm->minute * 60 + tm->second;
}


/* ----------------------------------------------------------------
 *		Errors
 * ----------------------------------------------------------------
 */

/*
 * Record where the error is and copy the offending token into err->token.
 * Bytes outside printable ASCII are written as \xNN so that the token, and
 * the message that quotes it, are valid in any server encoding.
 */
static void
cron_set_token(CronError *err, const char *text, CronField field,
			   int offset, int length)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t		out = 0;
	int			i;

	err->field = field;
	err->offset = offset;
	err->length = length;

	for (i = 0; i < length; i++)
	{
		unsigned char c = (unsigned char) text[offset + i];

		if (c >= 0x20 && c < 0x7f)
		{
			if (out + 1 >= sizeof(err->token))
				break;
			err->token[out++] = (char) c;
		}
		else
		{
			if (out + 4 >= sizeof(err->token))
				break;
			err->token[out++] = '\\';
			err->token[out++] = 'x';
			err->token[out++] = hex[c >> 4];
			err->token[out++] = hex[c & 0xF];
		}
	}
	err->token[out] = '\0';
}

/*
 * Format err->message; always returns false so that callers can return it.
 * The messages are built to fit, but should one not, it still ends in "..."
 * rather than in the middle of a word.
 */
static bool
cron_fail(CronError *err, const char *fmt,...)
{
	va_list		ap;
	int			n;

	va_start(ap, fmt);
	n = vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t) n >= sizeof(err->message))
		memcpy(err->message + sizeof(err->message) - 4, "...", 4);
	return false;
}


/* ----------------------------------------------------------------
 *		Parsing of fields
 * ----------------------------------------------------------------
 */

/*
 * Read the decimal number at text[p..end).  Returns the number of digits
 * (0 if there is none); *value saturates at a million so that absurdly long
 * numbers are still reported as out of range instead of overflowing.
 */
static int
cron_scan_number(const char *text, int p, int end, int *value)
{
	int			n = 0;
	int			v = 0;

	while (p + n < end && cron_is_digit(text[p + n]))
	{
		if (v < 1000000)
			v = v * 10 + (text[p + n] - '0');
		n++;
	}
	*value = v;
	return n;
}

static bool
cron_unexpected(CronParser *ps, CronField field, int p)
{
	cron_set_token(ps->err, ps->text, field, p, 1);
	return cron_fail(ps->err, "Unexpected character \"%s\" in the %s field.",
					 ps->err->token, cron_fields[field].name);
}

/*
 * Parse one value (a number, or a month or day name) at *pp and check its
 * range.  In the day-of-week field, allow_l_suffix lets "friL" be read as
 * "fri" followed by the "L" of "last Friday".
 */
static bool
cron_parse_value(CronParser *ps, CronField field, int *pp, int end,
				 bool allow_l_suffix, int *value)
{
	const CronFieldSpec *spec = &cron_fields[field];
	const char *text = ps->text;
	int			p = *pp;
	int			n;

	if (p < end && cron_is_digit(text[p]))
	{
		n = cron_scan_number(text, p, end, value);
		if (*value < spec->min || *value > spec->max)
		{
			cron_set_token(ps->err, text, field, p, n);
			return cron_fail(ps->err, "%s %s is out of range %d-%d.",
							 spec->title, ps->err->token,
							 spec->min, spec->max);
		}
		*pp = p + n;
		return true;
	}

	if (p < end && cron_is_alpha(text[p]) && spec->abbrevs != NULL)
	{
		int			i;

		n = 0;
		while (p + n < end && cron_is_alpha(text[p + n]))
			n++;
		if (allow_l_suffix && n == 4 && cron_lower(text[p + 3]) == 'l')
			n = 3;				/* "friL": the name, then the 'L' */

		for (i = 0; i < spec->nabbrevs; i++)
		{
			if (cron_word_equals(text + p, n, spec->abbrevs[i]))
			{
				*value = spec->first_abbrev + i;
				*pp = p + n;
				return true;
			}
		}
		cron_set_token(ps->err, text, field, p, n);
		return cron_fail(ps->err, "Unknown %s name \"%s\".",
						 spec->abbrev_kind, ps->err->token);
	}

	return cron_unexpected(ps, field, p);
}

/*
 * Parse the step after a '/' at *pp (which points at the '/').  A step may
 * be at most the span of the field (59 for minutes): anything larger could
 * only ever select the first value, which is surely not what was meant.
 */
static bool
cron_parse_step(CronParser *ps, CronField field, int *pp, int end, int *step)
{
	const CronFieldSpec *spec = &cron_fields[field];
	int			slash = *pp;
	int			p = slash + 1;
	int			n;

	n = cron_scan_number(ps->text, p, end, step);
	if (n == 0)
	{
		if (p < end)
			return cron_unexpected(ps, field, p);
		cron_set_token(ps->err, ps->text, field, slash, 1);
		return cron_fail(ps->err, "Missing step after \"/\" in the %s field.",
						 spec->name);
	}
	if (*step < 1 || *step > spec->max - spec->min)
	{
		cron_set_token(ps->err, ps->text, field, p, n);
		return cron_fail(ps->err, "Step %s in the %s field is out of range 1-%d.",
						 ps->err->token, spec->name, spec->max - spec->min);
	}
	*pp = p + n;
	return true;
}

/*
 * The day-of-month forms that start with 'L' or '$': "L", "$", "LW" and
 * "L-n".  text[start] is 'L', 'l' or '$'.
 */
static bool
cron_parse_dom_last(CronParser *ps, int start, int end)
{
	const char *text = ps->text;
	CronExpr   *expr = ps->expr;
	int			p = start + 1;
	int			offset;
	int			n;

	if (p == end)
	{
		expr->mdays_before_last |= 1;
		return true;
	}
	if (text[start] == '$')
		return cron_unexpected(ps, CRONFIELD_DAY_OF_MONTH, p);

	if (cron_lower(text[p]) == 'w')
	{
		if (p + 1 < end)
			return cron_unexpected(ps, CRONFIELD_DAY_OF_MONTH, p + 1);
		expr->last_weekday_of_month = true;
		return true;
	}
	if (text[p] != '-')
		return cron_unexpected(ps, CRONFIELD_DAY_OF_MONTH, p);

	p++;
	n = cron_scan_number(text, p, end, &offset);
	if (n == 0)
	{
		if (p < end)
			return cron_unexpected(ps, CRONFIELD_DAY_OF_MONTH, p);
		cron_set_token(ps->err, text, CRONFIELD_DAY_OF_MONTH, start, 2);
		return cron_fail(ps->err,
						 "Missing number after \"%s\" in the day-of-month field.",
						 ps->err->token);
	}
	if (offset < 1 || offset > 30)
	{
		cron_set_token(ps->err, text, CRONFIELD_DAY_OF_MONTH, p, n);
		return cron_fail(ps->err,
						 "Offset %s in the day-of-month field is out of range 1-30.",
						 ps->err->token);
	}
	if (p + n < end)
		return cron_unexpected(ps, CRONFIELD_DAY_OF_MONTH, p + n);

	expr->mdays_before_last |= UINT32_C(1) << offset;
	return true;
}

/*
 * Parse one list element, text[start..end), of a field.  Plain values are
 * added to *bits; the day forms that depend on the month go straight into
 * the expression.
 *
 *	element := '*' ['/' step]
 *			 | value ['-' value] ['/' step]		("a/n" means a-max/n)
 *			 | dom: 'L' | '$' | 'LW' | 'L-' n | n 'W'
 *			 | dow: value 'L' | value '#' n
 */
static bool
cron_parse_element(CronParser *ps, CronField field, int start, int end,
				   uint64_t *bits)
{
	const CronFieldSpec *spec = &cron_fields[field];
	const char *text = ps->text;
	CronExpr   *expr = ps->expr;
	int			p = start;
	int			lo;
	int			hi;
	int			step = 1;
	int			v;

	/*
	 * Where "*" and "a/n" end.  Day-of-week stops at Saturday, so that "1/2"
	 * means Monday, Wednesday and Friday and not Sunday (7) as well.
	 */
	int			implicit_max = (field == CRONFIELD_DAY_OF_WEEK) ? 6 : spec->max;

	if (text[p] == '*')
	{
		lo = spec->min;
		hi = implicit_max;
		p++;
	}
	else if (field == CRONFIELD_DAY_OF_MONTH &&
			 (cron_lower(text[p]) == 'l' || text[p] == '$'))
	{
		return cron_parse_dom_last(ps, start, end);
	}
	else
	{
		if (!cron_parse_value(ps, field, &p, end,
							  field == CRONFIELD_DAY_OF_WEEK, &lo))
			return false;

		/* "15W": the weekday nearest the 15th */
		if (field == CRONFIELD_DAY_OF_MONTH && p < end &&
			cron_lower(text[p]) == 'w')
		{
			if (p + 1 < end)
				return cron_unexpected(ps, field, p + 1);
			expr->mdays_nearest_weekday |= UINT32_C(1) << lo;
			return true;
		}

		/* "5L": the last Friday of the month */
		if (field == CRONFIELD_DAY_OF_WEEK && p < end &&
			cron_lower(text[p]) == 'l')
		{
			if (p + 1 < end)
				return cron_unexpected(ps, field, p + 1);
			expr->wdays_last |= (uint8_t) (1 << (lo % 7));
			return true;
		}

		/* "MON#2": the second Monday of the month */
		if (field == CRONFIELD_DAY_OF_WEEK && p < end && text[p] == '#')
		{
			int			hash = p;
			int			n;

			p++;
			n = cron_scan_number(text, p, end, &v);
			if (n == 0)
			{
				if (p < end)
					return cron_unexpected(ps, field, p);
				cron_set_token(ps->err, text, field, hash, 1);
				return cron_fail(ps->err,
								 "Missing number after \"#\" in the day-of-week field.");
			}
			if (v < 1 || v > 5)
			{
				cron_set_token(ps->err, text, field, p, n);
				return cron_fail(ps->err,
								 "Occurrence %s in the day-of-week field is out of range 1-5.",
								 ps->err->token);
			}
			if (p + n < end)
				return cron_unexpected(ps, field, p + n);
			expr->wdays_nth[lo % 7] |= (uint8_t) (1 << v);
			return true;
		}

		hi = lo;
		if (p < end && text[p] == '-')
		{
			int			dash = p;

			p++;
			if (p == end)
			{
				cron_set_token(ps->err, text, field, dash, 1);
				return cron_fail(ps->err,
								 "Missing range end after \"-\" in the %s field.",
								 spec->name);
			}
			if (!cron_parse_value(ps, field, &p, end, false, &hi))
				return false;
			if (hi < lo)
			{
				/* "FRI-SUN" wraps to Sunday = 7 rather than being reversed */
				if (field == CRONFIELD_DAY_OF_WEEK && hi == 0)
					hi = 7;
				else
				{
					cron_set_token(ps->err, text, field, start, p - start);
					return cron_fail(ps->err,
									 "Range %s in the %s field is reversed.",
									 ps->err->token, spec->name);
				}
			}
		}
		else if (p < end && text[p] == '/')
		{
			/* "a/n" runs to the end of the field; "7/n" is Sunday alone */
			hi = (lo > implicit_max) ? lo : implicit_max;
		}
	}

	if (p < end && text[p] == '/')
	{
		if (!cron_parse_step(ps, field, &p, end, &step))
			return false;
	}
	if (p < end)
		return cron_unexpected(ps, field, p);

	for (v = lo; v <= hi; v += step)
		*bits |= UINT64_C(1) << v;
	return true;
}

/* Parse the comma-separated list text[start..end) of one field. */
static bool
cron_parse_field(CronParser *ps, CronField field, int start, int end)
{
	const char *text = ps->text;
	CronExpr   *expr = ps->expr;
	uint64_t	bits = 0;
	int			p = start;

	for (;;)
	{
		int			e = p;

		while (e < end && text[e] != ',')
			e++;
		if (e == p)
		{
			/* point at the comma that has nothing before or after it */
			int			comma = (e < end) ? e : e - 1;

			cron_set_token(ps->err, text, field, comma, 1);
			return cron_fail(ps->err, "Empty list element in the %s field.",
							 cron_fields[field].name);
		}
		if (!cron_parse_element(ps, field, p, e, &bits))
			return false;
		if (e == end)
			break;
		p = e + 1;
		if (p == end)
		{
			cron_set_token(ps->err, text, field, e, 1);
			return cron_fail(ps->err, "Empty list element in the %s field.",
							 cron_fields[field].name);
		}
	}

	switch (field)
	{
		case CRONFIELD_SECOND:
			expr->seconds = bits;
			break;
		case CRONFIELD_MINUTE:
			expr->minutes = bits;
			break;
		case CRONFIELD_HOUR:
			expr->hours = (uint32_t) bits;
			break;
		case CRONFIELD_DAY_OF_MONTH:
			expr->mdays = (uint32_t) bits;
			expr->dom_restricted = (text[start] != '*');
			break;
		case CRONFIELD_MONTH:
			expr->months = (uint16_t) bits;
			break;
		case CRONFIELD_DAY_OF_WEEK:
			/* 7 is Sunday too */
			expr->wdays = (uint8_t) ((bits & CRON_ALL_WDAYS) | ((bits >> 7) & 1));
			expr->dow_restricted = (text[start] != '*');
			break;
		case CRONFIELD_NONE:
			break;
	}
	return true;
}

/*
 * Can the parsed day, month and weekday fields ever select a day?  The
 * answer depends only on the month, its length and the weekday of its
 * first day, and all of those combinations occur in the Gregorian cycle
 * (February with 28 and with 29 days alike), so trying them all is exact.
 * dom is the index of the day-of-month word in starts/ends.
 */
static bool
cron_check_can_fire(CronParser *ps, const int *starts, const int *ends,
					int dom)
{
	const CronExpr *expr = ps->expr;
	const char *text = ps->text;
	int			month;
	int			dom_len;
	int			month_len;
	int			dow_len;

	for (month = 1; month <= 12; month++)
	{
		int			mlen;

		if (!(expr->months & (1 << month)))
			continue;
		/* 2001 is a common year, 2004 a leap year */
		for (mlen = cron_days_in_month(2001, month);
			 mlen <= cron_days_in_month(2004, month); mlen++)
		{
			int			wday1;

			for (wday1 = 0; wday1 < 7; wday1++)
			{
				if (cron_day_mask(expr, mlen, wday1) != 0)
					return true;
			}
		}
	}

	/* Quote the fields if they are short enough to make a clear sentence. */
	dom_len = ends[dom] - starts[dom];
	month_len = ends[dom + 1] - starts[dom + 1];
	dow_len = ends[dom + 2] - starts[dom + 2];

	cron_set_token(ps->err, text, CRONFIELD_DAY_OF_MONTH, starts[dom], dom_len);
	if (dom_len > 24 || month_len > 24 || dow_len > 24)
		return cron_fail(ps->err,
						 "The schedule can never fire: no day matches its day-of-month, month and day-of-week fields.");
	if (!expr->dow_restricted && expr->wdays == CRON_ALL_WDAYS)
		return cron_fail(ps->err,
						 "The schedule can never fire: day-of-month \"%.*s\" does not occur in month \"%.*s\".",
						 dom_len, text + starts[dom],
						 month_len, text + starts[dom + 1]);
	return cron_fail(ps->err,
					 "The schedule can never fire: no day matches day-of-month \"%.*s\", month \"%.*s\" and day-of-week \"%.*s\".",
					 dom_len, text + starts[dom],
					 month_len, text + starts[dom + 1],
					 dow_len, text + starts[dom + 2]);
}

/* Five or six fields, word i at text[starts[i]..ends[i]). */
static bool
cron_parse_fields(CronParser *ps, const int *starts, const int *ends,
				  int nwords)
{
	CronExpr   *expr = ps->expr;
	const char *text = ps->text;
	int			i;

	if (nwords < 5)
	{
		/* point just past the last field, where the next one is missing */
		cron_set_token(ps->err, text, CRONFIELD_NONE, ends[nwords - 1], 0);
		return cron_fail(ps->err, "Expected 5 or 6 fields but found %d.",
						 nwords);
	}

	expr->kind = CRONEXPR_FIELDS;
	expr->has_seconds_field = (nwords == 6);
	if (nwords == 5)
		expr->seconds = 1;

	/* the last five words are always minute ... day-of-week */
	for (i = 0; i < nwords; i++)
	{
		CronField	field = (CronField) (CRONFIELD_DAY_OF_WEEK - (nwords - 1 - i));

		if (!cron_parse_field(ps, field, starts[i], ends[i]))
			return false;
	}

	expr->pinned = text[starts[nwords - 5]] != '*' &&
		text[starts[nwords - 4]] != '*';

	return cron_check_can_fire(ps, starts, ends, nwords - 3);
}

/* "@daily" and friends; text[start..end) is the trimmed schedule. */
static bool
cron_parse_macro(CronParser *ps, int start, int end)
{
	const char *text = ps->text;
	int			wend = start;
	size_t		i;

	while (wend < end && !cron_is_space(text[wend]))
		wend++;

	for (i = 0; i < sizeof(cron_macros) / sizeof(cron_macros[0]); i++)
	{
		const CronMacro *m = &cron_macros[i];

		if (!cron_word_equals(text + start + 1, wend - start - 1, m->name))
			continue;

		if (wend < end)
		{
			int			rest = wend;

			while (cron_is_space(text[rest]))
				rest++;
			cron_set_token(ps->err, text, CRONFIELD_NONE, rest, end - rest);
			return cron_fail(ps->err, "Unexpected text \"%s\" after \"@%s\".",
							 ps->err->token, m->name);
		}

		if (m->fields == NULL)
		{
			ps->expr->kind = CRONEXPR_REBOOT;
			return true;
		}
		else
		{
			/* Parse the equivalent fields; errors here cannot happen. */
			CronExpr	copy;
			CronError	dummy;

			if (!cronexpr_parse(m->fields, &copy, &dummy))
				return cron_fail(ps->err, "Internal error in macro \"@%s\".",
								 m->name);
			*ps->expr = copy;
			return true;
		}
	}

	cron_set_token(ps->err, text, CRONFIELD_NONE, start, wend - start);
	return cron_fail(ps->err, "Unknown macro \"%s\".", ps->err->token);
}

/*
 * Interval schedules: "N seconds" (pg_cron's, also written "Nseconds"),
 * "every N seconds|minutes|hours".  starts/ends hold the first words (at
 * most CRON_MAX_WORDS), end is the end of the trimmed text.  Returns true
 * with ps->expr->kind set if the text is one; returns false with
 * err->message set if it looks like an interval but is wrong; returns false
 * with an empty message if it is not an interval at all.
 */
static bool
cron_parse_interval(CronParser *ps, const int *starts, const int *ends,
					int nwords, int end)
{
	const char *text = ps->text;
	CronExpr   *expr = ps->expr;
	int			value;
	int			ndigits;
	int			u;

	/* pg_cron's "N seconds", "N second", "Nseconds" */
	ndigits = cron_scan_number(text, starts[0], ends[0], &value);
	if (ndigits > 0 && nwords <= 2)
	{
		int			unit_start = -1;
		int			unit_end = -1;

		if (nwords == 1 && ndigits < ends[0] - starts[0])
		{
			unit_start = starts[0] + ndigits;
			unit_end = ends[0];
		}
		else if (nwords == 2 && ndigits == ends[0] - starts[0])
		{
			unit_start = starts[1];
			unit_end = ends[1];
		}

		if (unit_start >= 0)
		{
			int			ulen = unit_end - unit_start;

			if (cron_word_equals(text + unit_start, ulen, "second") ||
				cron_word_equals(text + unit_start, ulen, "seconds"))
			{
				if (value < 1 || value > 59)
				{
					cron_set_token(ps->err, text, CRONFIELD_NONE, starts[0],
								   ndigits);
					return cron_fail(ps->err,
									 "Interval %s seconds is out of range 1-59.",
									 ps->err->token);
				}
				expr->kind = CRONEXPR_INTERVAL;
				expr->interval_seconds = value;
				return true;
			}
			for (u = 1; u < 3; u++)
			{
				if (cron_word_equals(text + unit_start, ulen,
									 cron_interval_units[u].singular) ||
					cron_word_equals(text + unit_start, ulen,
									 cron_interval_units[u].plural))
				{
					cron_set_token(ps->err, text, CRONFIELD_NONE, starts[0],
								   unit_end - starts[0]);
					/* spell out the fix unless the number is absurd anyway */
					if (ndigits > 6)
						return cron_fail(ps->err,
										 "Interval \"%s\" is not supported; write \"every N %s\".",
										 ps->err->token,
										 cron_interval_units[u].plural);
					return cron_fail(ps->err,
									 "Interval \"%s\" is not supported; write \"every %.*s %s\".",
									 ps->err->token, ndigits, text + starts[0],
									 value == 1 ? cron_interval_units[u].singular :
									 cron_interval_units[u].plural);
				}
			}
		}
		return false;
	}

	if (ndigits > 0 ||
		!cron_word_equals(text + starts[0], ends[0] - starts[0], "every"))
		return false;

	if (nwords != 3)
	{
		cron_set_token(ps->err, text, CRONFIELD_NONE, starts[0],
					   end - starts[0]);
		return cron_fail(ps->err,
						 "Expected \"every N seconds\", \"every N minutes\" or \"every N hours\".");
	}

	ndigits = cron_scan_number(text, starts[1], ends[1], &value);
	if (ndigits == 0 || ndigits != ends[1] - starts[1])
	{
		cron_set_token(ps->err, text, CRONFIELD_NONE, starts[1],
					   ends[1] - starts[1]);
		return cron_fail(ps->err,
						 "Expected a whole number after \"every\" but found \"%s\".",
						 ps->err->token);
	}

	for (u = 0; u < 3; u++)
	{
		const CronIntervalUnit *unit = &cron_interval_units[u];
		int			ulen = ends[2] - starts[2];

		if (!cron_word_equals(text + starts[2], ulen, unit->singular) &&
			!cron_word_equals(text + starts[2], ulen, unit->plural))
			continue;
		if (value < 1 || value > unit->max)
		{
			cron_set_token(ps->err, text, CRONFIELD_NONE, starts[1], ndigits);
			return cron_fail(ps->err, "Interval %s %s is out of range 1-%d.",
							 ps->err->token, unit->plural, unit->max);
		}
		expr->kind = CRONEXPR_INTERVAL;
		expr->interval_seconds = (int64_t) value * unit->seconds;
		return true;
	}

	cron_set_token(ps->err, text, CRONFIELD_NONE, starts[2],
				   ends[2] - starts[2]);
	return cron_fail(ps->err,
					 "Unknown interval unit \"%s\"; expected seconds, minutes or hours.",
					 ps->err->token);
}

bool
cronexpr_parse(const char *text, CronExpr *expr, CronError *err)
{
	CronParser	ps;
	int			len = 0;
	int			start;
	int			end;
	int			starts[CRON_MAX_WORDS];
	int			ends[CRON_MAX_WORDS];
	int			nwords = 0;
	int			p;
	bool		ok;

	memset(expr, 0, sizeof(*expr));
	memset(err, 0, sizeof(*err));
	ps.text = text ? text : "";
	ps.expr = expr;
	ps.err = err;
	text = ps.text;

	/* Measure without reading past what we would accept. */
	while (len <= CRONEXPR_MAX_LENGTH && text[len] != '\0')
		len++;
	if (len > CRONEXPR_MAX_LENGTH)
	{
		cron_set_token(err, text, CRONFIELD_NONE, CRONEXPR_MAX_LENGTH, 0);
		return cron_fail(err, "The schedule is longer than %d bytes.",
						 CRONEXPR_MAX_LENGTH);
	}

	for (p = 0; p < len; p++)
	{
		unsigned char c = (unsigned char) text[p];

		if ((c < 0x20 && c != ' ' && c != '\t') || c == 0x7f)
		{
			cron_set_token(err, text, CRONFIELD_NONE, p, 1);
			return cron_fail(err,
							 "The schedule contains the control character 0x%02X at byte %d.",
							 c, p);
		}
	}

	start = 0;
	end = len;
	while (start < end && cron_is_space(text[start]))
		start++;
	while (end > start && cron_is_space(text[end - 1]))
		end--;
	if (start == end)
	{
		cron_set_token(err, text, CRONFIELD_NONE, 0, 0);
		return cron_fail(err, "The schedule is empty.");
	}

	if (text[start] == '@')
	{
		ok = cron_parse_macro(&ps, start, end);
		if (ok)
			return true;
		memset(expr, 0, sizeof(*expr));
		return false;
	}

	/* Split into words; remember the first eight, count them all. */
	p = start;
	while (p < end)
	{
		int			w = p;

		while (w < end && !cron_is_space(text[w]))
			w++;
		if (nwords < CRON_MAX_WORDS)
		{
			starts[nwords] = p;
			ends[nwords] = w;
		}
		nwords++;
		p = w;
		while (p < end && cron_is_space(text[p]))
			p++;
	}

	if (cron_parse_interval(&ps, starts, ends, nwords, end))
		return true;
	if (err->message[0] != '\0')
	{
		memset(expr, 0, sizeof(*expr));
		return false;
	}
	memset(err, 0, sizeof(*err));

	if (nwords > 6)
	{
		/* report the count, point at the seventh field */
		cron_set_token(err, text, CRONFIELD_NONE, starts[6],
					   ends[6] - starts[6]);
		ok = cron_fail(err, "Expected 5 or 6 fields but found %d.", nwords);
	}
	else
		ok = cron_parse_fields(&ps, starts, ends, nwords);

	if (!ok)
		memset(expr, 0, sizeof(*expr));
	return ok;
}


/* ----------------------------------------------------------------
 *		Matching days
 * ----------------------------------------------------------------
 */

/*
 * "nW" (Quartz): the weekday nearest day n of a month of mlen days, where
 * day n falls on weekday wday, without leaving the month.
 */
static int
cron_nearest_weekday(int n, int mlen, int wday)
{
	if (wday == 6)				/* Saturday: Friday, or Monday if n is the 1st */
		return n > 1 ? n - 1 : n + 2;
	if (wday == 0)				/* Sunday: Monday, or Friday if n is the last */
		return n < mlen ? n + 1 : n - 2;
	return n;
}

/* "LW": the last Monday-to-Friday day of a month. */
static int
cron_last_weekday(int mlen, int wday_of_last)
{
	if (wday_of_last == 6)
		return mlen - 1;
	if (wday_of_last == 0)
		return mlen - 2;
	return mlen;
}

/*
 * The days (bits 1..mlen) of a month of mlen days whose first day is
 * weekday wday1 that the expression selects, with the Vixie rule applied:
 * if both day fields are restricted a day matches either; otherwise it must
 * match both.  An unrestricted field usually selects every day anyway; the
 * exception is a step over a star ("every second day"), which narrows the
 * days without counting as restricted, exactly as in Vixie cron.
 */
static uint32_t
cron_day_mask(const CronExpr *expr, int mlen, int wday1)
{
	uint32_t	valid = (uint32_t) (((UINT64_C(1) << mlen) - 1) << 1);
	uint32_t	dom = expr->mdays;
	uint64_t	dow;
	uint32_t	bits;
	unsigned int week;
	int			wday_last = (wday1 + mlen - 1) % 7;
	int			w;

	/* "L" and "L-n" */
	bits = expr->mdays_before_last;
	while (bits)
	{
		int			n = cron_ctz64(bits);

		bits &= bits - 1;
		if (n < mlen)
			dom |= UINT32_C(1) << (mlen - n);
	}

	/* "nW" */
	bits = expr->mdays_nearest_weekday & valid;
	while (bits)
	{
		int			n = cron_ctz64(bits);

		bits &= bits - 1;
		dom |= UINT32_C(1) << cron_nearest_weekday(n, mlen, (wday1 + n - 1) % 7);
	}

	if (expr->last_weekday_of_month)
		dom |= UINT32_C(1) << cron_last_weekday(mlen, wday_last);

	/*
	 * Plain weekdays: rotate the weekday bitmap so that bit k says whether
	 * day k+1 matches, then repeat that week five times (0x10204081 has a bit
	 * every 7 positions).
	 */
	week = ((unsigned int) expr->wdays >> wday1 |
			(unsigned int) expr->wdays << (7 - wday1)) & CRON_ALL_WDAYS;
	dow = ((uint64_t) week * UINT64_C(0x10204081)) << 1;

	/* "5L": the last such weekday is within the last seven days */
	if (expr->wdays_last)
	{
		for (w = 0; w < 7; w++)
		{
			if (expr->wdays_last & (1 << w))
				dow |= UINT64_C(1) << (mlen - (wday_last - w + 7) % 7);
		}
	}

	/* "MON#2" */
	for (w = 0; w < 7; w++)
	{
		unsigned int nth = expr->wdays_nth[w];

		if (nth)
		{
			int			first = 1 + (w - wday1 + 7) % 7;
			int			k;

			for (k = 1; k <= 5; k++)
			{
				if (nth & (1u << k))
					dow |= UINT64_C(1) << (first + 7 * (k - 1));
			}
		}
	}

	if (expr->dom_restricted && expr->dow_restricted)
		return (dom | (uint32_t) dow) & valid;
	return dom & (uint32_t) dow & valid;
}

bool
cronexpr_matches(const CronExpr *expr, const CronTm *tm)
{
	int			mlen;
	int			wday1;

	if (expr->kind != CRONEXPR_FIELDS)
		return false;
	if (tm->month < 1 || tm->month > 12 || tm->mday < 1 ||
		tm->hour < 0 || tm->hour > 23 || tm->minute < 0 || tm->minute > 59 ||
		tm->second < 0 || tm->second > 59 || tm->wday < 0 || tm->wday > 6)
		return false;
	mlen = cron_days_in_month(tm->year, tm->month);
	if (tm->mday > mlen)
		return false;

	if (!(expr->months & (1 << tm->month)) ||
		!(expr->hours & (UINT32_C(1) << tm->hour)) ||
		!(expr->minutes & (UINT64_C(1) << tm->minute)) ||
		!(expr->seconds & (UINT64_C(1) << tm->second)))
		return false;

	wday1 = ((tm->wday - (tm->mday - 1)) % 7 + 7) % 7;
	return (cron_day_mask(expr, mlen, wday1) >> tm->mday) & 1;
}


/* ----------------------------------------------------------------
 *		Finding the next fire time
 * ----------------------------------------------------------------
 */

/*
 * The first wall time >= wmin (seconds, local time read as if it were UTC)
 * that the expression matches.  Works from the month down: at each level,
 * mask off the values already passed, jump to the lowest remaining bit, and
 * if none is left move to the start of the next unit above.  Returns false
 * past the end of year 9999.
 */
static bool
cron_find_wall(const CronExpr *expr, int64_t wmin, int64_t *result)
{
	int64_t		days = cron_floor_div(wmin, SECS_PER_DAY);
	int			sod = (int) (wmin - days * SECS_PER_DAY);
	int			year;
	int			month;
	int			mday;
	int			hour = sod / 3600;
	int			minute = sod / 60 % 60;
	int			second = sod % 60;

	if ((expr->months & CRON_ALL_MONTHS) == 0 || expr->hours == 0 ||
		expr->minutes == 0 || expr->seconds == 0)
		return false;

	cron_civil_from_days(days, &year, &month, &mday);

	for (;;)
	{
		int64_t		first_day;
		uint64_t	dmask;

		if (year > CRON_MAX_YEAR)
			return false;

		if (!(expr->months & (1 << month)))
		{
			unsigned int later = expr->months & CRON_ALL_MONTHS &
			~((2u << month) - 1);

			if (later)
				month = cron_ctz64(later);
			else
			{
				year++;
				month = cron_ctz64(expr->months & CRON_ALL_MONTHS);
			}
			mday = 1;
			hour = minute = second = 0;
			continue;
		}

		first_day = cronexpr_days_from_civil(year, month, 1);
		dmask = cron_day_mask(expr, cron_days_in_month(year, month),
							  cron_weekday(first_day));
		dmask &= ~UINT64_C(0) << mday;

		while (dmask)
		{
			int			d = cron_ctz64(dmask);
			uint64_t	hmask;

			if (d != mday)
			{
				mday = d;
				hour = minute = second = 0;
			}

			hmask = (uint64_t) expr->hours & (~UINT64_C(0) << hour);
			while (hmask)
			{
				int			h = cron_ctz64(hmask);
				uint64_t	mmask;

				if (h != hour)
				{
					hour = h;
					minute = second = 0;
				}

				mmask = expr->minutes & (~UINT64_C(0) << minute);
				while (mmask)
				{
					int			mi = cron_ctz64(mmask);
					uint64_t	smask;

					if (mi != minute)
					{
						minute = mi;
						second = 0;
					}
					smask = expr->seconds & (~UINT64_C(0) << second);
					if (smask)
					{
						second = cron_ctz64(smask);
						*result = (first_day + mday - 1) * SECS_PER_DAY +
							hour * 3600 + minute * 60 + second;
						return true;
					}
					mmask &= mmask - 1;
				}
				hmask &= hmask - 1;
			}
			dmask &= dmask - 1;
		}

		/* nothing left this month */
		if (++month > 12)
		{
			month = 1;
			year++;
		}
		mday = 1;
		hour = minute = second = 0;
	}
}

/*
 * cronexpr_next() for a zone with transitions.  lo is the earliest instant
 * allowed (after + 1).
 *
 * The zone is walked segment by segment; in a segment [lo, B) the offset o
 * is constant, so a wall time w in [lo + o, B + o) fires at instant w - o.
 * Where segments meet (B, after which the offset is o2):
 *
 * - Spring forward (o2 > o): wall times [B + o, B + o2) do not exist.  A
 *	 pinned schedule that matches one of them fires once, at B; an elapsed
 *	 schedule just has no slot there.
 * - Fall back (o2 < o): wall times [B + o2, B + o) happen twice.  An elapsed
 *	 schedule fires in both; a pinned one only in the first, so when lo lies
 *	 in the second occurrence its search starts at the end of the repeated
 *	 stretch (found with prev_transition).
 *
 * The first match w found from a lower bound stays valid while the bound
 * moves forward but not past w, so a rare schedule is searched once, not
 * once per transition.  And since wall time cannot fall behind its value at
 * the first lo once more than 2 * CRON_MAX_ZONE_OFFSET has elapsed, every
 * transition more than that before w only moves wall times that are known
 * not to match: after that point the walk jumps to shortly before w instead
 * of visiting years of transitions one by one.
 */
static bool
cron_next_zoned(const CronExpr *expr, const CronZone *zone, int64_t lo,
				int64_t *next)
{
	const int64_t window = 2 * (int64_t) CRON_MAX_ZONE_OFFSET;
	int64_t		lo0 = lo;
	int64_t		w = 0;			/* cached first match ... */
	int64_t		w_from = 0;		/* ... at or after this wall time */
	bool		have_w = false;
	bool		may_jump = true;
	int			segment;

	for (segment = 0; segment < CRON_MAX_SEGMENTS; segment++)
	{
		int32_t		o;
		int32_t		o2 = 0;
		int64_t		boundary = 0;
		bool		has_boundary;
		int64_t		wmin;
		int64_t		search_from;
		bool		after_gap = false;

		if (may_jump && have_w && lo - lo0 >= window && w - window > lo)
			lo = w - window;

		o = zone->utc_offset(zone->arg, lo);
		if (o > CRON_MAX_ZONE_OFFSET || o < -CRON_MAX_ZONE_OFFSET)
			may_jump = false;

		has_boundary = zone->next_transition != NULL &&
			zone->next_transition(zone->arg, lo, &boundary, &o2);
		/* ignore transitions that break the contract or lie beyond 9999 */
		if (has_boundary &&
			(boundary <= lo || boundary > CRON_MAX_INSTANT + window))
			has_boundary = false;

		wmin = lo + o;
		search_from = wmin;
		if (expr->pinned && zone->prev_transition != NULL)
		{
			int64_t		prev;
			int32_t		before;

			if (zone->prev_transition(zone->arg, lo, &prev, &before) &&
				prev <= lo)
			{
				if (before > o && wmin < prev + before)
				{
					/* lo is in the second occurrence of repeated wall times */
					wmin = search_from = prev + before;
				}
				else if (before < o && prev == lo && segment == 0)
				{
					/*
					 * The search begins exactly at the first instant after a
					 * gap ('after' was the last instant before it), so the
					 * gap's slots are still to be fired, at lo.  Later
					 * segments begin at a boundary whose gap the previous
					 * segment has already examined.
					 */
					search_from = prev + before;
					after_gap = true;
				}
			}
		}

		if (!have_w || search_from < w_from || search_from > w)
		{
			if (!cron_find_wall(expr, search_from, &w))
				return false;
			w_from = search_from;
			have_w = true;
		}
		if (after_gap && w < wmin)
		{
			*next = lo;
			return true;
		}

		if (!has_boundary || w < boundary + o)
		{
			*next = w - o;
			return true;
		}
		if (o2 > o && expr->pinned && w < boundary + o2)
		{
			*next = boundary;
			return true;
		}
		lo = boundary;
	}
	return false;
}

bool
cronexpr_next(const CronExpr *expr, const CronZone *zone, int64_t after,
			  int64_t *next)
{
	int64_t		lo;

	if (expr == NULL || expr->kind != CRONEXPR_FIELDS)
		return false;
	if (after >= CRON_MAX_INSTANT)
		return false;
	lo = (after < CRON_MIN_INSTANT) ? CRON_MIN_INSTANT : after + 1;

	if (zone == NULL || zone->utc_offset == NULL)
		return cron_find_wall(expr, lo, next);
	return cron_next_zoned(expr, zone, lo, next);
}


/* ----------------------------------------------------------------
 *		Description in plain English
 * ----------------------------------------------------------------
 */

/* A bounded output buffer that is always NUL-terminated. */
typedef struct CronOut
{
	char	   *buf;
	size_t		cap;
	size_t		len;
} CronOut;

static void cron_put(CronOut *out, const char *s);
static void cron_put_int(CronOut *out, int v);
static void cron_put_2d(CronOut *out, int v);
static void cron_put_ordinal(CronOut *out, int v);
static int	cron_step_of(uint64_t bits, int min, int max);
static int	cron_list_items(uint64_t bits, int min, int max);
static void cron_put_list(CronOut *out, uint64_t bits, int min, int max,
						  const char *const *names);
static void cron_put_sep(CronOut *out, int i, int n);
static bool cron_describe_time(CronOut *out, const CronExpr *expr);
static void cron_describe_dom(CronOut *out, const CronExpr *expr,
							  int single_month);
static bool cron_describe_dow(CronOut *out, const CronExpr *expr,
							  int single_month);

static void
cron_put(CronOut *out, const char *s)
{
	while (*s && out->len + 1 < out->cap)
		out->buf[out->len++] = *s++;
	if (out->cap > 0)
		out->buf[out->len] = '\0';
}

static void
cron_put_int(CronOut *out, int v)
{
	char		tmp[16];

	snprintf(tmp, sizeof(tmp), "%d", v);
	cron_put(out, tmp);
}

static void
cron_put_2d(CronOut *out, int v)
{
	char		tmp[16];

	snprintf(tmp, sizeof(tmp), "%02d", v);
	cron_put(out, tmp);
}

/* 1st, 2nd, 3rd, 4th, 11th, 21st ... */
static void
cron_put_ordinal(CronOut *out, int v)
{
	const char *suffix = "th";

	if (v % 100 < 11 || v % 100 > 13)
	{
		if (v % 10 == 1)
			suffix = "st";
		else if (v % 10 == 2)
			suffix = "nd";
		else if (v % 10 == 3)
			suffix = "rd";
	}
	cron_put_int(out, v);
	cron_put(out, suffix);
}

/* The n if bits is exactly {min, min+n, min+2n, ...} with n >= 2, else 0. */
static int
cron_step_of(uint64_t bits, int min, int max)
{
	int			n;

	for (n = 2; n <= max - min; n++)
	{
		uint64_t	mask = 0;
		int			v;

		for (v = min; v <= max; v += n)
			mask |= UINT64_C(1) << v;
		if (mask == bits)
			return n;
	}
	return 0;
}

/* Separator before item i of n: "", ", " or " and ". */
static void
cron_put_sep(CronOut *out, int i, int n)
{
	if (i == 0)
		return;
	cron_put(out, i == n - 1 ? " and " : ", ");
}

/* How many items cron_put_list() writes: runs of 3+ count as one. */
static int
cron_list_items(uint64_t bits, int min, int max)
{
	int			n = 0;
	int			v = min;

	while (v <= max)
	{
		int			run = 0;

		while (v + run <= max && (bits >> (v + run)) & 1)
			run++;
		if (run == 0)
			v++;
		else
		{
			n += (run >= 3) ? 1 : run;
			v += run;
		}
	}
	return n;
}

/* "1, 3 through 5 and 9", with names[v] instead of numbers if given. */
static void
cron_put_list(CronOut *out, uint64_t bits, int min, int max,
			  const char *const *names)
{
	int			n = cron_list_items(bits, min, max);
	int			i = 0;
	int			v = min;

	while (v <= max)
	{
		int			run = 0;
		int			k;

		while (v + run <= max && (bits >> (v + run)) & 1)
			run++;
		if (run == 0)
		{
			v++;
			continue;
		}
		for (k = 0; k < (run >= 3 ? 1 : run); k++)
		{
			cron_put_sep(out, i++, n);
			if (names)
				cron_put(out, names[v + k]);
			else
				cron_put_int(out, v + k);
		}
		if (run >= 3)
		{
			cron_put(out, " through ");
			if (names)
				cron_put(out, names[v + run - 1]);
			else
				cron_put_int(out, v + run - 1);
		}
		v += run;
	}
}

/*
 * The time-of-day part.  Returns true if it is a list of clock times
 * ("at 02:30"), after which "every day" reads well.
 */
static bool
cron_describe_time(CronOut *out, const CronExpr *expr)
{
	uint64_t	secs = expr->seconds & CRON_ALL_SECONDS;
	uint64_t	mins = expr->minutes & CRON_ALL_MINUTES;
	uint64_t	hours = expr->hours & CRON_ALL_HOURS;
	bool		lead = false;	/* something already written */
	bool		secs_every = false; /* seconds phrase covers every minute */
	bool		mins_listed = false;
	int			step;

	if (cron_popcount64(secs) == 1 && cron_popcount64(mins) == 1 &&
		hours != CRON_ALL_HOURS && cron_popcount64(hours) <= 6 && hours != 0)
	{
		int			n = cron_popcount64(hours);
		int			i = 0;
		uint64_t	h = hours;

		cron_put(out, "at ");
		while (h)
		{
			cron_put_sep(out, i++, n);
			cron_put_2d(out, cron_ctz64(h));
			cron_put(out, ":");
			cron_put_2d(out, cron_ctz64(mins));
			if (secs != 1)
			{
				cron_put(out, ":");
				cron_put_2d(out, cron_ctz64(secs));
			}
			h &= h - 1;
		}
		return true;
	}

	/* seconds */
	if (secs == CRON_ALL_SECONDS)
	{
		cron_put(out, "every second");
		lead = secs_every = true;
	}
	else if ((step = cron_step_of(secs, 0, 59)) != 0)
	{
		cron_put(out, "every ");
		cron_put_int(out, step);
		cron_put(out, " seconds");
		lead = secs_every = true;
	}
	else if (secs != 1)
	{
		cron_put(out, cron_popcount64(secs) == 1 ? "at second " : "at seconds ");
		cron_put_list(out, secs, 0, 59, NULL);
		lead = true;
	}

	/* minutes */
	if (mins == CRON_ALL_MINUTES)
	{
		if (!lead)
			cron_put(out, "every minute");
		else if (!secs_every)
			cron_put(out, " of every minute");
	}
	else if ((step = cron_step_of(mins, 0, 59)) != 0)
	{
		if (lead)
		{
			cron_put(out, " of every ");
			cron_put_ordinal(out, step);
			cron_put(out, " minute");
		}
		else
		{
			cron_put(out, "every ");
			cron_put_int(out, step);
			cron_put(out, " minutes");
		}
	}
	else
	{
		cron_put(out, lead ? " of " : "at ");
		cron_put(out, cron_popcount64(mins) == 1 ? "minute " : "minutes ");
		cron_put_list(out, mins, 0, 59, NULL);
		mins_listed = true;
	}

	/* hours */
	if (hours == CRON_ALL_HOURS)
	{
		if (mins_listed)
			cron_put(out, " of every hour");
	}
	else if ((step = cron_step_of(hours, 0, 23)) != 0)
	{
		cron_put(out, " of every ");
		cron_put_ordinal(out, step);
		cron_put(out, " hour");
	}
	else
	{
		cron_put(out, cron_popcount64(hours) == 1 ? " during hour " :
				 " during hours ");
		cron_put_list(out, hours, 0, 23, NULL);
	}
	return false;
}

/* "on day 1 and the last day of the month" */
static void
cron_describe_dom(CronOut *out, const CronExpr *expr, int single_month)
{
	uint32_t	mdays = expr->mdays & CRON_ALL_MDAYS;
	uint32_t	before_last = expr->mdays_before_last;
	uint32_t	nearest = expr->mdays_nearest_weekday & CRON_ALL_MDAYS;
	int			n = 0;
	int			i = 0;
	int			step = cron_step_of(mdays, 1, 31);

	/* count the items to place the commas and the final "and" */
	if (mdays)
		n++;
	n += cron_popcount64(before_last);
	if (nearest)
		n++;
	if (expr->last_weekday_of_month)
		n++;

	cron_put(out, "on ");
	if (mdays)
	{
		cron_put_sep(out, i++, n);
		if (mdays == CRON_ALL_MDAYS)
			cron_put(out, "every day");
		else if (step)
		{
			cron_put(out, "every ");
			cron_put_ordinal(out, step);
			cron_put(out, " day");
		}
		else
		{
			cron_put(out, cron_popcount64(mdays) == 1 ? "day " : "days ");
			cron_put_list(out, mdays, 1, 31, NULL);
		}
	}
	while (before_last)
	{
		int			k = cron_ctz64(before_last);

		before_last &= before_last - 1;
		cron_put_sep(out, i++, n);
		if (k == 0)
			cron_put(out, "the last day");
		else
		{
			cron_put(out, "the ");
			cron_put_ordinal(out, k + 1);
			cron_put(out, "-to-last day");
		}
	}
	if (nearest)
	{
		cron_put_sep(out, i++, n);
		cron_put(out, cron_popcount64(nearest) == 1 ?
				 "the weekday nearest day " : "the weekdays nearest days ");
		cron_put_list(out, nearest, 1, 31, NULL);
	}
	if (expr->last_weekday_of_month)
	{
		cron_put_sep(out, i++, n);
		cron_put(out, "the last weekday");
	}

	if (single_month)
	{
		cron_put(out, " of ");
		cron_put(out, cron_month_names[single_month]);
	}
	else
		cron_put(out, " of the month");
}

/*
 * "on Monday through Friday", "on the last Friday of the month".  Returns
 * true if it named single_month ("the fifth Monday of February").
 */
static bool
cron_describe_dow(CronOut *out, const CronExpr *expr, int single_month)
{
	int			n = 0;
	int			i = 0;
	int			w;
	bool		special = false;

	if (expr->wdays & CRON_ALL_WDAYS)
		n += cron_list_items(expr->wdays, 0, 6);
	for (w = 0; w < 7; w++)
	{
		if (expr->wdays_last & (1 << w))
			n++;
		n += cron_popcount64(expr->wdays_nth[w] & 0x3E);
	}

	cron_put(out, "on ");
	if (expr->wdays & CRON_ALL_WDAYS)
	{
		cron_put_list(out, expr->wdays, 0, 6, cron_day_names);
		i = cron_list_items(expr->wdays, 0, 6);
	}
	for (w = 0; w < 7; w++)
	{
		int			k;

		for (k = 1; k <= 5; k++)
		{
			if (!(expr->wdays_nth[w] & (1 << k)))
				continue;
			cron_put_sep(out, i++, n);
			cron_put(out, "the ");
			cron_put(out, cron_ordinal_words[k]);
			cron_put(out, " ");
			cron_put(out, cron_day_names[w]);
			special = true;
		}
		if (expr->wdays_last & (1 << w))
		{
			cron_put_sep(out, i++, n);
			cron_put(out, "the last ");
			cron_put(out, cron_day_names[w]);
			special = true;
		}
	}
	if (!special)
		return false;
	cron_put(out, " of ");
	cron_put(out, single_month ? cron_month_names[single_month] : "the month");
	return single_month != 0;
}

void
cronexpr_describe(const CronExpr *expr, char *buf, size_t buflen)
{
	CronOut		out;

	out.buf = buf;
	out.cap = (buf == NULL) ? 0 : buflen;
	out.len = 0;
	if (out.cap > 0)
		buf[0] = '\0';

	if (expr->kind == CRONEXPR_REBOOT)
		cron_put(&out, "once after each server start");
	else if (expr->kind == CRONEXPR_INTERVAL)
	{
		int64_t		s = expr->interval_seconds;
		int64_t		n = s;
		const char *unit = "second";

		if (s > 0 && s % 3600 == 0)
		{
			n = s / 3600;
			unit = "hour";
		}
		else if (s > 0 && s % 60 == 0)
		{
			n = s / 60;
			unit = "minute";
		}
		cron_put(&out, "every ");
		if (n != 1)
		{
			char		tmp[32];

			snprintf(tmp, sizeof(tmp), "%lld ", (long long) n);
			cron_put(&out, tmp);
		}
		cron_put(&out, unit);
		if (n != 1)
			cron_put(&out, "s");
	}
	else
	{
		uint16_t	months = expr->months & CRON_ALL_MONTHS;
		bool		dom_any = !expr->dom_restricted &&
		(expr->mdays & CRON_ALL_MDAYS) == CRON_ALL_MDAYS &&
		expr->mdays_before_last == 0 &&
		expr->mdays_nearest_weekday == 0 &&
		!expr->last_weekday_of_month;
		bool		dow_any = !expr->dow_restricted &&
		expr->wdays == CRON_ALL_WDAYS;
		int			single_month = 0;
		bool		month_named = false;
		bool		clock;

		/* one month and one day phrase: say "of February", not "in" */
		if (cron_popcount64(months) == 1 && dom_any != dow_any)
			single_month = cron_ctz64(months);

		clock = cron_describe_time(&out, expr);

		if (dom_any && dow_any)
		{
			if (clock)
				cron_put(&out, " every day");
		}
		else if (dow_any)
		{
			cron_put(&out, " ");
			cron_describe_dom(&out, expr, single_month);
			month_named = single_month != 0;
		}
		else if (dom_any)
		{
			cron_put(&out, " ");
			month_named = cron_describe_dow(&out, expr, single_month);
		}
		else
		{
			cron_put(&out, " ");
			cron_describe_dom(&out, expr, 0);
			/* Vixie: both restricted means either; otherwise both */
			cron_put(&out, (expr->dom_restricted && expr->dow_restricted) ?
					 " or " : ", but only ");
			cron_describe_dow(&out, expr, 0);
		}

		if (months != CRON_ALL_MONTHS && months != 0 && !month_named)
		{
			cron_put(&out, " in ");
			cron_put_list(&out, months, 1, 12, cron_month_names);
		}
	}
}
