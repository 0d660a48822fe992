/*-------------------------------------------------------------------------
 *
 * synthzone.c
 *	  Synthetic time zones for the standalone programs that exercise
 *	  src/cronexpr.c (the unit tests, the fuzzer and the benchmark).
 *
 * See synthzone.h for what the zones are and why they exist.  Each call
 * recomputes the transitions it needs from the zone's rule; nothing is
 * cached, so the callbacks are pure functions of their arguments.
 *
 *-------------------------------------------------------------------------
 */
#include "synthzone.h"

/* One change of offset: at instant 'at' the offset goes before -> after. */
typedef struct SynthTransition
{
	int64_t		at;
	int32_t		before;
	int32_t		after;
} SynthTransition;

/* ----------------------------------------------------------------
 *		The zones
 * ----------------------------------------------------------------
 */

static const SynthZoneRule utc_rule = {
	"UTC-zone", 0, 0, false, 0, 0, 0, 0, 0, 0
};
static const SynthZoneRule kolkata_rule = {
	"+05:30", 19800, 0, false, 0, 0, 0, 0, 0, 0
};
static const SynthZoneRule berlin_rule = {
	"Berlin-like", 3600, 7200, true, 3, 0, 2 * 3600, 10, 0, 3 * 3600
};
static const SynthZoneRule newyork_rule = {
	"New-York-like", -5 * 3600, -4 * 3600, true, 3, 2, 2 * 3600, 11, 1, 2 * 3600
};
static const SynthZoneRule lordhowe_rule = {
	"Lord-Howe-like", 37800, 39600, true, 10, 1, 2 * 3600, 4, 1, 2 * 3600
};
static const SynthZoneRule extreme_rule = {
	"26-hour-shift", -12 * 3600, 14 * 3600, true, 5, 2, 3600, 9, 0, 3600
};

const CronZone synthzone_utc = SYNTHZONE_INIT(&utc_rule);
const CronZone synthzone_kolkata = SYNTHZONE_INIT(&kolkata_rule);
const CronZone synthzone_berlin = SYNTHZONE_INIT(&berlin_rule);
const CronZone synthzone_newyork = SYNTHZONE_INIT(&newyork_rule);
const CronZone synthzone_lordhowe = SYNTHZONE_INIT(&lordhowe_rule);
const CronZone synthzone_extreme = SYNTHZONE_INIT(&extreme_rule);

const char *
synthzone_name(const CronZone *zone)
{
	return zone ? ((const SynthZoneRule *) zone->arg)->name : "UTC";
}

/* ----------------------------------------------------------------
 *		Transitions
 * ----------------------------------------------------------------
 */

/* Weekday of a day number (days since 1970-01-01, a Thursday); Sunday = 0. */
static int
weekday(int64_t day)
{
	return (int) (((day + 4) % 7 + 7) % 7);
}

/* Day number of the nth (0 = last) Sunday of a month. */
static int64_t
nth_sunday(int year, int month, int nth)
{
	int64_t		day;

	if (nth > 0)
	{
		day = cronexpr_days_from_civil(year, month, 1);
		return day + (7 - weekday(day)) % 7 + 7 * (nth - 1);
	}
	/* last Sunday: step back from the last day of the month */
	day = cronexpr_days_from_civil(year, month + 1, 1) - 1;
	return day - weekday(day);
}

/*
 * The two transitions of year 'year' of a zone with daylight-saving time,
 * sorted, into out[2].  With the months the rules allow (2-11, see
 * synthzone.h) both fall within that UTC year.
 */
static void
year_transitions(const SynthZoneRule *z, int year, SynthTransition *out)
{
	SynthTransition start;
	SynthTransition end;

	start.at = nth_sunday(year, z->start_month, z->start_nth) * 86400 +
		z->start_local - z->std_off;
	start.before = z->std_off;
	start.after = z->dst_off;
	end.at = nth_sunday(year, z->end_month, z->end_nth) * 86400 +
		z->end_local - z->dst_off;
	end.before = z->dst_off;
	end.after = z->std_off;

	/* the northern hemisphere starts first, the southern ends first */
	out[0] = start.at < end.at ? start : end;
	out[1] = start.at < end.at ? end : start;
}

/* The UTC year of an instant. */
static int
utc_year(int64_t t)
{
	CronTm		tm;

	cronexpr_civil_from_seconds(t, &tm);
	return tm.year;
}

/*
 * The transition nearest instant t of a zone with daylight-saving time: the
 * first one after t if 'after', else the last one at or before t.  Only
 * when t lies outside its own year's two does it look at the year before
 * or after.
 */
static SynthTransition
nearest_transition(const SynthZoneRule *z, int64_t t, bool after)
{
	SynthTransition tr[2];
	int			year = utc_year(t);

	year_transitions(z, year, tr);
	if (t < tr[0].at)
	{
		if (after)
			return tr[0];
		year_transitions(z, year - 1, tr);
		return tr[1];
	}
	if (t < tr[1].at)
		return after ? tr[1] : tr[0];
	if (!after)
		return tr[1];
	year_transitions(z, year + 1, tr);
	return tr[0];
}

/* ----------------------------------------------------------------
 *		CronZone callbacks
 *
 * Each computes the two transitions of the UTC year of t, and those of the
 * year before or after only when it must: the benchmark runs in these
 * zones, so they should not cost much more than a real zone.
 * ----------------------------------------------------------------
 */

int32_t
synthzone_utc_offset(const void *arg, int64_t t)
{
	const SynthZoneRule *z = arg;
	SynthTransition tr[2];

	if (!z->has_dst)
		return z->std_off;
	year_transitions(z, utc_year(t), tr);
	if (t < tr[0].at)
		return tr[0].before;
	if (t < tr[1].at)
		return tr[1].before;
	return tr[1].after;
}

bool
synthzone_next_transition(const void *arg, int64_t t, int64_t *boundary,
						  int32_t *after_offset)
{
	const SynthZoneRule *z = arg;
	SynthTransition tr;

	if (!z->has_dst)
		return false;
	tr = nearest_transition(z, t, true);
	*boundary = tr.at;
	*after_offset = tr.after;
	return true;
}

bool
synthzone_prev_transition(const void *arg, int64_t t, int64_t *boundary,
						  int32_t *before_offset)
{
	const SynthZoneRule *z = arg;
	SynthTransition tr;

	if (!z->has_dst)
		return false;
	tr = nearest_transition(z, t, false);
	*boundary = tr.at;
	*before_offset = tr.before;
	return true;
}
