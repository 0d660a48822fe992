/*-------------------------------------------------------------------------
 *
 * cronexpr_bench.c
 *	  Benchmark of cronexpr_next(): calls per second and worst-case latency.
 *
 * The launcher computes a next fire time for every job after each run and
 * for every job whenever the job list is reloaded, and cron.next_runs()
 * computes many in one query, so cronexpr_next() must be cheap for the
 * schedules people write and bounded for the rare ones.  The targets are
 * at least 2 million calls per second on one core for typical schedules and
 * under 20 microseconds for any single call.
 *
 * Each schedule is evaluated from 4096 pseudo-random instants in 2000-2100,
 * in UTC (the NULL zone) and in the Berlin-like synthetic zone of
 * test/common/synthzone.c, whose callbacks compute its transitions from the
 * rules on every call (slower than a real zone table lookup, so this is a
 * pessimistic figure).
 *
 * Throughput is measured over at least BENCH_MIN_SECONDS per case.  The
 * worst single call is measured per starting instant as the fastest of a
 * few repetitions, which removes timer interrupts and preemption from the
 * figure, and then the slowest starting instant is reported: that is the
 * cost of the most expensive computation, which is what the target is
 * about.
 *
 * Run it with bench/cronexpr_bench.sh.  With BENCH_ENFORCE=1 in the
 * environment it exits 1 if a target is missed.
 *
 *-------------------------------------------------------------------------
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../src/cronexpr.h"
#include "../test/common/synthzone.h"

#define BENCH_STARTS		4096
#define BENCH_MIN_SECONDS	0.3
#define BENCH_REPEATS		5
#define TARGET_CALLS_PER_SEC	2000000.0
#define TARGET_WORST_US		20.0

/* ----------------------------------------------------------------
 *		Benchmark
 * ----------------------------------------------------------------
 */

typedef struct BenchCase
{
	const char *text;
	bool		typical;		/* held to the throughput target */
	bool		berlin;			/* in the Berlin-like zone, else UTC */
} BenchCase;

static const BenchCase cases[] = {
	{"*/5 * * * *", true, false},
	{"0 3 * * *", true, false},
	{"30 2 * * *", true, true},
	{"0 0 1 * *", true, false},
	{"*/10 * * * * *", true, false},
	{"0 9 * * MON-FRI", true, false},
	{"*/5 * * * *", true, true},
	{"0 9 * * MON-FRI", true, true},
	{"0 0 29 2 *", false, false},
	{"59 23 31 12 *", false, false},
	{"0 0 L 2 *", false, false},
	{"0 0 * 2 MON#5", false, false},
	{"0 0 31 * *", false, false},
	{"0 0 29 2 *", false, true},
	{"59 23 31 12 *", false, true},
	{"0 0 * 2 MON#5", false, true},
	{"59 59 23 L 12 5L", false, true},
};

static volatile int64_t sink;

static double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int
main(void)
{
	static int64_t starts[BENCH_STARTS];
	uint64_t	rng = UINT64_C(88172645463325252);
	int64_t		lo = cronexpr_days_from_civil(2000, 1, 1) * 86400;
	int64_t		span = cronexpr_days_from_civil(2100, 1, 1) * 86400 - lo;
	bool		all_met = true;
	size_t		c;
	int			i;

	for (i = 0; i < BENCH_STARTS; i++)
	{
		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		starts[i] = lo + (int64_t) (rng % (uint64_t) span);
	}

	printf("%-20s %-12s %14s %10s %12s  %s\n", "schedule", "zone",
		   "calls/s", "ns/call", "worst (us)", "verdict");

	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++)
	{
		const BenchCase *bc = &cases[c];
		const CronZone *zone = bc->berlin ? &synthzone_berlin : NULL;
		CronExpr	expr;
		CronError	err;
		double		t0;
		double		elapsed;
		long		calls = 0;
		double		rate;
		int64_t		worst_ns = 0;
		bool		met;

		if (!cronexpr_parse(bc->text, &expr, &err))
		{
			fprintf(stderr, "cannot parse \"%s\": %s\n", bc->text, err.message);
			return 2;
		}

		/* throughput */
		t0 = now_seconds();
		do
		{
			for (i = 0; i < BENCH_STARTS; i++)
			{
				int64_t		next = 0;

				cronexpr_next(&expr, zone, starts[i], &next);
				sink += next;
			}
			calls += BENCH_STARTS;
			elapsed = now_seconds() - t0;
		} while (elapsed < BENCH_MIN_SECONDS);
		rate = calls / elapsed;

		/* worst single call: the fastest of a few tries, slowest start */
		for (i = 0; i < BENCH_STARTS; i++)
		{
			int64_t		best = INT64_MAX;
			int			r;

			for (r = 0; r < BENCH_REPEATS; r++)
			{
				int64_t		next = 0;
				int64_t		a = now_ns();
				int64_t		d;

				cronexpr_next(&expr, zone, starts[i], &next);
				d = now_ns() - a;
				sink += next;
				if (d < best)
					best = d;
			}
			if (best > worst_ns)
				worst_ns = best;
		}

		met = worst_ns / 1000.0 < TARGET_WORST_US &&
			(!bc->typical || rate >= TARGET_CALLS_PER_SEC);
		if (!met)
			all_met = false;
		printf("%-20s %-12s %14.0f %10.1f %12.2f  %s\n", bc->text,
			   bc->berlin ? "Berlin-like" : "UTC", rate, 1e9 / rate,
			   worst_ns / 1000.0,
			   met ? "ok" : "TARGET MISSED");
	}

	printf("\ntargets: >= %.0f calls/s for the typical schedules (first 8 rows), "
		   "< %.0f us for any single call: %s\n",
		   TARGET_CALLS_PER_SEC, TARGET_WORST_US, all_met ? "met" : "MISSED");

	if (!all_met && getenv("BENCH_ENFORCE") != NULL &&
		strcmp(getenv("BENCH_ENFORCE"), "1") == 0)
		return 1;
	return 0;
}
