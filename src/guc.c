/*-------------------------------------------------------------------------
 *
 * guc.c
 *	  Defines the cron.* settings (SPEC section 3).
 *
 * The names, types and defaults are pg_cron's, so that a postgresql.conf
 * written for pg_cron works unchanged; pg_beat adds notify_channel,
 * history_retention and overdue_after.  Settings that decide which database the launcher
 * watches or how much shared memory it needs are postmaster-only; settings
 * an operator wants to change at run time are reloadable with SIGHUP.  All
 * of them may only be set by a superuser (in the configuration file or with
 * ALTER SYSTEM), because a scheduler's settings decide what runs as whom.
 *
 * A few variables (cron.job_id, cron.run_id, cron.scheduled_time,
 * cron.failed_run) are internal: the executor sets them in a job's session
 * so that the command can tell which run it is.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/int.h"
#include "pgtime.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/timestamp.h"

#include "compat.h"
#include "guc.h"

char	   *beat_database_name = NULL;
char	   *beat_timezone = NULL;
int			beat_max_running_jobs = 32;
int			beat_session_idle_timeout = 10000;
bool		beat_log_run = true;
bool		beat_log_statement = true;
int			beat_log_min_messages = WARNING;
bool		beat_enable_superuser_jobs = true;
bool		beat_launch_active_jobs = true;
bool		beat_use_background_workers = true;
char	   *beat_host = NULL;
char	   *beat_notify_channel = NULL;
char	   *beat_history_retention = NULL;
char	   *beat_overdue_after = NULL;

char	   *beat_current_job_id = NULL;
char	   *beat_current_run_id = NULL;
char	   *beat_current_scheduled_time = NULL;
char	   *beat_failed_run = NULL;

static const struct config_enum_entry beat_message_level_options[] = {
	{"debug5", DEBUG5, false},
	{"debug4", DEBUG4, false},
	{"debug3", DEBUG3, false},
	{"debug2", DEBUG2, false},
	{"debug1", DEBUG1, false},
	{"debug", DEBUG2, true},
	{"info", INFO, false},
	{"notice", NOTICE, false},
	{"warning", WARNING, false},
	{"error", ERROR, false},
	{"log", LOG, false},
	{"fatal", FATAL, false},
	{"panic", PANIC, false},
	{NULL, 0, false}
};

/*
 * cron.timezone must name a zone of PostgreSQL's time zone database: a typo
 * would otherwise shift every job silently.
 */
static bool
beat_check_timezone(char **newval, void **extra, GucSource source)
{
	if (*newval == NULL || (*newval)[0] == '\0')
	{
		GUC_check_errdetail("The time zone must not be empty.");
		return false;
	}
	if (pg_tzset(*newval) == NULL)
	{
		GUC_check_errdetail("Time zone \"%s\" is not recognized.", *newval);
		return false;
	}
	return true;
}

/*
 * The longest interval pg_beat computes with: 10000 years (of 12 months of
 * 30 days, as interval arithmetic counts them).  Any instant plus or minus
 * this stays an int64, so deadlines and cut-offs computed from a setting or
 * a job's column cannot overflow, however large a value someone typed.
 */
#define BEAT_INTERVAL_MAX_USECS \
	((int64) 10000 * MONTHS_PER_YEAR * DAYS_PER_MONTH * USECS_PER_DAY)

/*
 * An interval's length in microseconds, months counted as 30 days; false
 * when it is longer than BEAT_INTERVAL_MAX_USECS either way (or does not
 * fit an int64 at all).
 */
static bool
beat_interval_usecs_checked(const Interval *iv, int64 *usecs)
{
	int64		days_us;
	int64		months_us;
	int64		sum;

	if (pg_mul_s64_overflow((int64) iv->day, USECS_PER_DAY, &days_us) ||
		pg_mul_s64_overflow((int64) iv->month, DAYS_PER_MONTH * USECS_PER_DAY,
							&months_us) ||
		pg_add_s64_overflow(iv->time, days_us, &sum) ||
		pg_add_s64_overflow(sum, months_us, &sum))
		return false;
	*usecs = sum;
	return sum <= BEAT_INTERVAL_MAX_USECS && sum >= -BEAT_INTERVAL_MAX_USECS;
}

/*
 * An interval's length in microseconds; months count as 30 days, as in
 * interval arithmetic on timestamps.  Saturates at 10000 years either way:
 * a timeout or delay that long is the same as none, and callers may add
 * the result to any timestamp without overflow.
 */
int64
beat_interval_usecs(const Interval *iv)
{
	int64		usecs;

	if (beat_interval_usecs_checked(iv, &usecs))
		return usecs;
	/* the sign of the longest part decides the direction */
	if (iv->month > 0 || (iv->month == 0 && (iv->day > 0 ||
											  (iv->day == 0 && iv->time > 0))))
		return BEAT_INTERVAL_MAX_USECS;
	return -BEAT_INTERVAL_MAX_USECS;
}

/*
 * Parse an interval setting without catalog access.  Returns false when the
 * text is not an interval, or one longer than 10000 years (a value meant as
 * "forever" must not overflow into a short one); *usecs gets its length.
 */
static bool
beat_parse_interval(const char *text, int64 *usecs)
{
	Datum		d;

	if (text == NULL)
		return false;

	/* "0" alone means "keep everything" / "disabled" */
	if (strspn(text, " 0") == strlen(text) && strchr(text, '0') != NULL)
	{
		*usecs = 0;
		return true;
	}

	PG_TRY();
	{
		d = DirectFunctionCall3(interval_in, CStringGetDatum(text),
								ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
	}
	PG_CATCH();
	{
		FlushErrorState();
		return false;
	}
	PG_END_TRY();

	return beat_interval_usecs_checked(DatumGetIntervalP(d), usecs);
}

/*
 * Interval settings are parsed once, when set: the check hook hands the
 * length to the assign hook through *extra, and the launcher reads the
 * cached value in its loop instead of parsing text each time.
 */
static bool
beat_check_interval_setting(char **newval, void **extra, const char *detail)
{
	int64		usecs;
	int64	   *cached;

	if (!beat_parse_interval(*newval, &usecs) || usecs < 0)
	{
		GUC_check_errdetail("%s", detail);
		return false;
	}
	/* GUC frees extra itself: it must come from beat_guc_malloc() */
	cached = beat_guc_malloc(sizeof(int64));
	if (cached == NULL)
	{
		GUC_check_errcode(ERRCODE_OUT_OF_MEMORY);
		GUC_check_errmsg("out of memory");
		return false;
	}
	*cached = usecs;
	*extra = cached;
	return true;
}

/*
 * cron.notify_channel is used as NOTIFY's channel name, which must be
 * shorter than NAMEDATALEN: a longer one would make every announcement
 * fail, so it is refused when set instead.
 */
static bool
beat_check_notify_channel(char **newval, void **extra, GucSource source)
{
	if (*newval != NULL && strlen(*newval) >= NAMEDATALEN)
	{
		GUC_check_errdetail("A NOTIFY channel name must be at most %d bytes; this one has %zu.",
							NAMEDATALEN - 1, strlen(*newval));
		return false;
	}
	return true;
}

static int64 beat_history_retention_us = 0;
static int64 beat_overdue_after_us = 0;

static bool
beat_check_history_retention(char **newval, void **extra, GucSource source)
{
	return beat_check_interval_setting(newval, extra,
									   "cron.history_retention must be an interval between 0 and 10000 years, such as \"30 days\"; 0 keeps all history.");
}

static void
beat_assign_history_retention(const char *newval, void *extra)
{
	beat_history_retention_us = *(int64 *) extra;
}

static bool
beat_check_overdue_after(char **newval, void **extra, GucSource source)
{
	return beat_check_interval_setting(newval, extra,
									   "cron.overdue_after must be an interval between 0 and 10000 years, such as \"1 day\"; 0 disables it.");
}

static void
beat_assign_overdue_after(const char *newval, void *extra)
{
	beat_overdue_after_us = *(int64 *) extra;
}

/* The dead man's switch threshold for every job; 0 disables it. */
int64
beat_overdue_after_usecs(void)
{
	return beat_overdue_after_us;
}

/* History retention; 0 keeps everything. */
int64
beat_history_retention_usecs(void)
{
	return beat_history_retention_us;
}

/*
 * Is a job with this nodename run on this server (SPEC section 6)?  Yes for
 * localhost, an empty name and cron.host, whatever the port: a cluster that
 * moves to another port, or a promoted standby, still runs its jobs.
 */
bool
beat_nodename_is_local(const char *nodename)
{
	return nodename[0] == '\0' || strcmp(nodename, "localhost") == 0 ||
		(beat_host != NULL && strcmp(nodename, beat_host) == 0);
}

void
beat_define_settings(void)
{
	DefineCustomStringVariable("cron.database_name",
							   "Database in which pg_beat's catalog lives.",
							   "The launcher connects to this database and only there may CREATE EXTENSION pg_beat run.",
							   &beat_database_name,
							   "postgres",
							   PGC_POSTMASTER,
							   GUC_SUPERUSER_ONLY,
							   NULL, NULL, NULL);

	DefineCustomStringVariable("cron.timezone",
							   "Time zone of schedules that name none.",
							   "Any IANA time zone name known to PostgreSQL.",
							   &beat_timezone,
							   "GMT",
							   PGC_SIGHUP,
							   0,
							   beat_check_timezone, NULL, NULL);

	DefineCustomIntVariable("cron.max_running_jobs",
							"Maximum number of job runs in flight at once.",
							"Each run uses a background worker, so max_worker_processes must leave room for them.",
							&beat_max_running_jobs,
							32, 1, 4096,
							PGC_POSTMASTER,
							0,
							NULL, NULL, NULL);

	DefineCustomIntVariable("cron.session_idle_timeout",
							"How long a job session stays connected, idle, for the next run of the same role in the same database.",
							"Pooled sessions are reset between runs as by DISCARD ALL. 0 closes each session after its run.",
							&beat_session_idle_timeout,
							10000, 0, 3600 * 1000,
							PGC_SIGHUP,
							GUC_UNIT_MS,
							NULL, NULL, NULL);

	DefineCustomBoolVariable("cron.log_run",
							 "Record job runs in cron.job_run_details.",
							 NULL,
							 &beat_log_run,
							 true,
							 PGC_SIGHUP,
							 0,
							 NULL, NULL, NULL);

	DefineCustomBoolVariable("cron.log_statement",
							 "Log every job command before it runs.",
							 NULL,
							 &beat_log_statement,
							 true,
							 PGC_SIGHUP,
							 0,
							 NULL, NULL, NULL);

	DefineCustomEnumVariable("cron.log_min_messages",
							 "Minimum level of the launcher's own log messages.",
							 NULL,
							 &beat_log_min_messages,
							 WARNING,
							 beat_message_level_options,
							 PGC_SIGHUP,
							 0,
							 NULL, NULL, NULL);

	DefineCustomBoolVariable("cron.enable_superuser_jobs",
							 "Allow jobs that run as a superuser.",
							 NULL,
							 &beat_enable_superuser_jobs,
							 true,
							 PGC_SIGHUP,
							 0,
							 NULL, NULL, NULL);

	DefineCustomBoolVariable("cron.launch_active_jobs",
							 "Launch active jobs; off pauses every job without a restart.",
							 NULL,
							 &beat_launch_active_jobs,
							 true,
							 PGC_SIGHUP,
							 0,
							 NULL, NULL, NULL);

	DefineCustomBoolVariable("cron.use_background_workers",
							 "Accepted for compatibility with pg_cron; pg_beat always runs local jobs in background workers.",
							 NULL,
							 &beat_use_background_workers,
							 true,
							 PGC_POSTMASTER,
							 0,
							 NULL, NULL, NULL);

	DefineCustomStringVariable("cron.host",
							   "Host name that means this server in cron.job.nodename.",
							   "Jobs whose nodename is localhost, empty or this name run locally.",
							   &beat_host,
							   "localhost",
							   PGC_POSTMASTER,
							   GUC_SUPERUSER_ONLY,
							   NULL, NULL, NULL);

	DefineCustomStringVariable("cron.notify_channel",
							   "NOTIFY channel that announces failed runs; empty disables.",
							   NULL,
							   &beat_notify_channel,
							   "cron_job_failed",
							   PGC_SIGHUP,
							   0,
							   beat_check_notify_channel, NULL, NULL);

	DefineCustomStringVariable("cron.history_retention",
							   "How long rows of cron.job_run_details are kept; 0 keeps all.",
							   NULL,
							   &beat_history_retention,
							   "30 days",
							   PGC_SIGHUP,
							   0,
							   beat_check_history_retention,
							   beat_assign_history_retention, NULL);

	DefineCustomStringVariable("cron.overdue_after",
							   "A job whose last success is older than this is overdue; 0 disables.",
							   "The dead man's switch: cron.job_status flags overdue jobs and a NOTIFY on cron.notify_channel announces each once. cron.job.overdue_after overrides it per job.",
							   &beat_overdue_after,
							   "0",
							   PGC_SIGHUP,
							   0,
							   beat_check_overdue_after,
							   beat_assign_overdue_after, NULL);

	/* Internal: which run a job's session is executing. */
	DefineCustomStringVariable("cron.job_id",
							   "Job id of the run this session executes.",
							   NULL,
							   &beat_current_job_id,
							   "",
							   PGC_INTERNAL,
							   GUC_NOT_IN_SAMPLE | GUC_DISALLOW_IN_FILE,
							   NULL, NULL, NULL);
	DefineCustomStringVariable("cron.run_id",
							   "Run id of the run this session executes.",
							   NULL,
							   &beat_current_run_id,
							   "",
							   PGC_INTERNAL,
							   GUC_NOT_IN_SAMPLE | GUC_DISALLOW_IN_FILE,
							   NULL, NULL, NULL);
	DefineCustomStringVariable("cron.scheduled_time",
							   "Scheduled time of the run this session executes.",
							   NULL,
							   &beat_current_scheduled_time,
							   "",
							   PGC_INTERNAL,
							   GUC_NOT_IN_SAMPLE | GUC_DISALLOW_IN_FILE,
							   NULL, NULL, NULL);
	DefineCustomStringVariable("cron.failed_run",
							   "The failed run, as JSON, inside an on_failure command.",
							   NULL,
							   &beat_failed_run,
							   "",
							   PGC_INTERNAL,
							   GUC_NOT_IN_SAMPLE | GUC_DISALLOW_IN_FILE,
							   NULL, NULL, NULL);

	MarkGUCPrefixReserved("cron");
}
