/*-------------------------------------------------------------------------
 *
 * launcher_announce.c
 *	  What the launcher announces on cron.notify_channel: the final failure
 *	  of a run, and a job that became overdue.
 *
 * An announcement is a JSON object sent with NOTIFY in the transaction that
 * records the event, so it goes out exactly when the event is visible.
 * NOTIFY refuses a payload of 8000 bytes or more, and a refused NOTIFY would
 * take the recording of the event with it, so every field is cut to a bound
 * (at a character boundary) and the fields that were cut are listed in
 * "truncated": an announcement always fits.  A NOTIFY that fails all the
 * same is logged and dropped (launcher_isolate).
 *
 * This file owns the payloads' format; when to announce is decided by
 * launcher_runs.c (failures) and launcher_housekeeping.c (the dead man's
 * switch).  The failure's payload is also what an on_failure command reads
 * in cron.failed_run.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "commands/async.h"
#include "mb/pg_wchar.h"
#include "utils/json.h"
#include "utils/timestamp.h"

#include "guc.h"
#include "launcher_announce.h"
#include "launcher_xact.h"

/*
 * NOTIFY refuses a payload of NOTIFY_PAYLOAD_MAX_LENGTH bytes or more
 * (async.c, not exported): every announcement stays below it.
 */
#define LAUNCHER_NOTIFY_MAX (BLCKSZ - NAMEDATALEN - 128)

/* The longest each field of an announcement may be, escaped, in bytes. */
#define LAUNCHER_JSON_MESSAGE_MAX	2000	/* return_message */
#define LAUNCHER_JSON_NAME_MAX		1000	/* jobname */
#define LAUNCHER_JSON_FIELD_MAX		400 /* database, username, sqlstate, ... */

/*
 * An announcement being built: the JSON object and the names of the fields
 * that had to be cut to fit.
 */
typedef struct LauncherJson
{
	StringInfoData buf;
	StringInfoData truncated;	/* a JSON array's elements, or empty */
} LauncherJson;

static void launcher_json_start(LauncherJson *js);
static void launcher_json_key(LauncherJson *js, const char *name);
static void launcher_json_field_max(LauncherJson *js, const char *name,
									const char *value, int maxlen);
static void launcher_json_field(LauncherJson *js, const char *name,
								const char *value);
static void launcher_json_number(LauncherJson *js, const char *name,
								 int64 value);
static void launcher_json_time(LauncherJson *js, const char *name,
							   TimestampTz t);
static char *launcher_json_finish(LauncherJson *js);
static void launcher_notify_one(void *arg);
static void launcher_announce(const char *payload, const char *event,
							  int64 id);

/*
 * The final failure of a run, announced in the current transaction.
 * Returns the payload, the run as JSON, for the job's on_failure command.
 */
char *
launcher_announce_failure(int64 jobid, const BeatJobRow *row, int64 runid,
						  TimestampTz scheduled_time, int32 attempt,
						  const BeatRunOutcome *o)
{
	LauncherJson js;
	char	   *payload;

	launcher_json_start(&js);
	launcher_json_field(&js, "event", "failed");
	launcher_json_number(&js, "jobid", jobid);
	launcher_json_field_max(&js, "jobname", row->jobname,
							LAUNCHER_JSON_NAME_MAX);
	launcher_json_number(&js, "runid", runid);
	launcher_json_field(&js, "status", "failed");
	launcher_json_field_max(&js, "return_message",
							o->message ? o->message : "",
							LAUNCHER_JSON_MESSAGE_MAX);
	launcher_json_field(&js, "sqlstate", o->sqlstate);
	launcher_json_time(&js, "scheduled_time", scheduled_time);
	launcher_json_time(&js, "start_time", o->start_time);
	launcher_json_time(&js, "end_time", o->end_time);
	launcher_json_number(&js, "attempt", attempt);
	launcher_json_field(&js, "database", row->database);
	launcher_json_field(&js, "username", row->username);
	payload = launcher_json_finish(&js);

	launcher_announce(payload, "failure", runid);
	return payload;
}

/*
 * A job that became overdue (the dead man's switch), announced and logged
 * in the current transaction.
 */
void
launcher_announce_overdue(const BeatOverdueRow *r)
{
	LauncherJson js;
	char	   *payload;

	launcher_json_start(&js);
	launcher_json_field(&js, "event", "overdue");
	launcher_json_number(&js, "jobid", r->jobid);
	launcher_json_field_max(&js, "jobname", r->jobname,
							LAUNCHER_JSON_NAME_MAX);
	launcher_json_time(&js, "last_success", r->last_success);
	launcher_json_field(&js, "overdue_after", r->overdue_after);
	launcher_json_field(&js, "database", r->database);
	launcher_json_field(&js, "username", r->username);
	payload = launcher_json_finish(&js);

	launcher_announce(payload, "overdue", r->jobid);
	ereport(LOG,
			(errmsg("pg_beat: job overdue: %s", payload)));
}

static void
launcher_json_start(LauncherJson *js)
{
	initStringInfo(&js->buf);
	initStringInfo(&js->truncated);
	appendStringInfoChar(&js->buf, '{');
}

static void
launcher_json_key(LauncherJson *js, const char *name)
{
	if (js->buf.len > 1)
		appendStringInfoString(&js->buf, ", ");
	escape_json(&js->buf, name);
	appendStringInfoString(&js->buf, ": ");
}

/*
 * A string field, escaped, cut at a character boundary so that its JSON
 * form takes at most maxlen bytes; a cut field is listed in "truncated".
 */
static void
launcher_json_field_max(LauncherJson *js, const char *name, const char *value,
						int maxlen)
{
	StringInfoData esc;

	launcher_json_key(js, name);
	if (value == NULL)
	{
		appendStringInfoString(&js->buf, "null");
		return;
	}

	initStringInfo(&esc);
	escape_json(&esc, value);
	if (esc.len > maxlen)
	{
		/* escaping may expand a character up to six times: go one by one */
		StringInfoData one;
		const char *p = value;

		initStringInfo(&one);
		resetStringInfo(&esc);
		appendStringInfoChar(&esc, '"');
		while (*p != '\0')
		{
			int			len = pg_mblen(p);
			char	   *ch = pnstrdup(p, len);

			resetStringInfo(&one);
			escape_json(&one, ch);
			pfree(ch);
			/* one holds the character in quotes; keep room for ours */
			if (esc.len + (one.len - 2) + 1 > maxlen)
				break;
			appendBinaryStringInfo(&esc, one.data + 1, one.len - 2);
			p += len;
		}
		appendStringInfoChar(&esc, '"');
		pfree(one.data);

		if (js->truncated.len > 0)
			appendStringInfoString(&js->truncated, ", ");
		escape_json(&js->truncated, name);
	}
	appendBinaryStringInfo(&js->buf, esc.data, esc.len);
	pfree(esc.data);
}

static void
launcher_json_field(LauncherJson *js, const char *name, const char *value)
{
	launcher_json_field_max(js, name, value, LAUNCHER_JSON_FIELD_MAX);
}

static void
launcher_json_number(LauncherJson *js, const char *name, int64 value)
{
	launcher_json_key(js, name);
	appendStringInfo(&js->buf, INT64_FORMAT, value);
}

static void
launcher_json_time(LauncherJson *js, const char *name, TimestampTz t)
{
	launcher_json_field(js, name, t == 0 ? NULL : timestamptz_to_str(t));
}

/*
 * Close the object: "truncated" lists the fields that were cut, if any.
 * Every field is bounded, so the result always fits in a NOTIFY.
 */
static char *
launcher_json_finish(LauncherJson *js)
{
	if (js->truncated.len > 0)
	{
		launcher_json_key(js, "truncated");
		appendStringInfo(&js->buf, "[%s]", js->truncated.data);
	}
	appendStringInfoChar(&js->buf, '}');
	pfree(js->truncated.data);
	Assert(js->buf.len < LAUNCHER_NOTIFY_MAX);
	return js->buf.data;
}

static void
launcher_notify_one(void *arg)
{
	Async_Notify(beat_notify_channel, (const char *) arg);
}

/*
 * Send an announcement on cron.notify_channel, in the current transaction.
 * A NOTIFY that fails is logged and dropped: it never takes the recording
 * of the event, or the launcher, with it.
 */
static void
launcher_announce(const char *payload, const char *event, int64 id)
{
	if (beat_notify_channel == NULL || beat_notify_channel[0] == '\0')
		return;
	(void) launcher_isolate(launcher_notify_one, (void *) payload,
							"announce the %s of %s " INT64_FORMAT
							" on cron.notify_channel", event,
							strcmp(event, "overdue") == 0 ? "job" : "run", id);
}
