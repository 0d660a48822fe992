/*
 * pg_beat 1.0: the job catalog, its guards and the SQL API.
 *
 * Everything here is schema-qualified (objects, functions and operators),
 * and every function pins search_path, so nothing a user creates in another
 * schema can capture a call made by this script or by the API.
 */

\echo Use "CREATE EXTENSION pg_beat" to load this file. \quit

DO $$
BEGIN
    IF pg_catalog.current_setting('cron.database_name', true) IS NULL THEN
        RAISE EXCEPTION USING
            ERRCODE = 'object_not_in_prerequisite_state',
            MESSAGE = 'pg_beat must be loaded via shared_preload_libraries',
            HINT = 'Add pg_beat to the shared_preload_libraries configuration parameter in postgresql.conf, restart the server, then create the extension.';
    END IF;
    IF pg_catalog.current_database() OPERATOR(pg_catalog.<>)
       pg_catalog.current_setting('cron.database_name') THEN
        RAISE EXCEPTION USING
            ERRCODE = 'object_not_in_prerequisite_state',
            MESSAGE = pg_catalog.format('cannot create extension pg_beat in database "%s"',
                                        pg_catalog.current_database()),
            DETAIL = pg_catalog.format('pg_beat keeps its jobs in the database named by cron.database_name, which is "%s".',
                                       pg_catalog.current_setting('cron.database_name')),
            HINT = pg_catalog.format('Create the extension in database "%s", or set cron.database_name = ''%s'' in postgresql.conf and restart the server.',
                                     pg_catalog.current_setting('cron.database_name'),
                                     pg_catalog.current_database());
    END IF;
END;
$$;

CREATE SCHEMA cron;
COMMENT ON SCHEMA cron IS 'pg_beat job scheduler: jobs, run history and the scheduling API';

CREATE SEQUENCE cron.jobid_seq;
CREATE SEQUENCE cron.runid_seq;
COMMENT ON SEQUENCE cron.jobid_seq IS 'job ids of cron.job';
COMMENT ON SEQUENCE cron.runid_seq IS 'run ids of cron.job_run_details';

CREATE TABLE cron.job (
    jobid bigint PRIMARY KEY DEFAULT pg_catalog.nextval('cron.jobid_seq'),
    schedule text NOT NULL,
    command text NOT NULL,
    nodename text NOT NULL DEFAULT 'localhost',
    nodeport integer NOT NULL DEFAULT pg_catalog.current_setting('port')::pg_catalog.int4,
    database text NOT NULL DEFAULT pg_catalog.current_database(),
    username text NOT NULL DEFAULT CURRENT_USER,
    active boolean NOT NULL DEFAULT true,
    jobname text,
    timezone text,
    timeout interval,
    max_retries integer NOT NULL DEFAULT 0,
    retry_delay interval NOT NULL DEFAULT '10 seconds',
    overlap_policy text NOT NULL DEFAULT 'queue',
    misfire_policy text NOT NULL DEFAULT 'skip',
    on_failure text,
    userid oid,
    overdue_after interval,
    CONSTRAINT jobname_username_uniq UNIQUE (jobname, username)
);
COMMENT ON TABLE cron.job IS 'scheduled jobs: one row per job';
COMMENT ON COLUMN cron.job.jobid IS 'job id, from cron.jobid_seq';
COMMENT ON COLUMN cron.job.schedule IS 'cron expression, macro or interval; validated on write';
COMMENT ON COLUMN cron.job.command IS 'SQL run as psql -c would run it';
COMMENT ON COLUMN cron.job.nodename IS 'localhost, empty or cron.host run locally; another host runs the job there';
COMMENT ON COLUMN cron.job.nodeport IS 'port of the server that runs the job';
COMMENT ON COLUMN cron.job.database IS 'database the job runs in';
COMMENT ON COLUMN cron.job.username IS 'role the job runs as';
COMMENT ON COLUMN cron.job.active IS 'false pauses the job';
COMMENT ON COLUMN cron.job.jobname IS 'optional name, unique per username';
COMMENT ON COLUMN cron.job.timezone IS 'IANA time zone of the schedule; NULL follows cron.timezone';
COMMENT ON COLUMN cron.job.timeout IS 'longest a run may take; NULL means no limit';
COMMENT ON COLUMN cron.job.max_retries IS 'extra attempts of a failed run';
COMMENT ON COLUMN cron.job.retry_delay IS 'delay before the first retry; doubles each attempt, capped at 1 hour';
COMMENT ON COLUMN cron.job.overlap_policy IS 'queue, skip, allow or replace: what a slot does while a run is going';
COMMENT ON COLUMN cron.job.misfire_policy IS 'skip or run_once: what slots missed while pg_beat was down do';
COMMENT ON COLUMN cron.job.on_failure IS 'SQL run as the owner after the final failed attempt';
COMMENT ON COLUMN cron.job.overdue_after IS 'dead man''s switch: the job is overdue when its last success is older; NULL follows cron.overdue_after';
COMMENT ON COLUMN cron.job.userid IS 'OID of the owner when the job was written: a dropped or renamed owner never lends the job to a new role of the same name';

CREATE TABLE cron.job_run_details (
    jobid bigint,
    runid bigint PRIMARY KEY DEFAULT pg_catalog.nextval('cron.runid_seq'),
    job_pid integer,
    database text,
    username text,
    command text,
    status text,
    return_message text,
    start_time timestamptz,
    end_time timestamptz,
    scheduled_time timestamptz,
    attempt integer NOT NULL DEFAULT 1,
    sqlstate text,
    node text,
    retry_of bigint,
    CONSTRAINT job_run_details_slot_uniq UNIQUE (jobid, scheduled_time, attempt)
);
COMMENT ON TABLE cron.job_run_details IS 'run history: one row per run attempt';
COMMENT ON COLUMN cron.job_run_details.jobid IS 'the job this run belongs to';
COMMENT ON COLUMN cron.job_run_details.runid IS 'run id, from cron.runid_seq';
COMMENT ON COLUMN cron.job_run_details.database IS 'database the run used';
COMMENT ON COLUMN cron.job_run_details.username IS 'role the run ran as';
COMMENT ON COLUMN cron.job_run_details.command IS 'the command as run';
COMMENT ON COLUMN cron.job_run_details.job_pid IS 'pid of the session that ran the command';
COMMENT ON COLUMN cron.job_run_details.status IS 'starting, running, succeeded, failed or skipped';
COMMENT ON COLUMN cron.job_run_details.return_message IS 'last command tag on success, error message on failure';
COMMENT ON COLUMN cron.job_run_details.start_time IS 'when the command started executing';
COMMENT ON COLUMN cron.job_run_details.end_time IS 'when the run ended';
COMMENT ON COLUMN cron.job_run_details.scheduled_time IS 'the slot this run serves; NULL for cron.run_job';
COMMENT ON COLUMN cron.job_run_details.attempt IS 'attempt number, 1 for the first';
COMMENT ON COLUMN cron.job_run_details.sqlstate IS 'SQLSTATE of the error of a failed run';
COMMENT ON COLUMN cron.job_run_details.retry_of IS 'for a retry, the runid of the first attempt; NULL for a first attempt';
COMMENT ON COLUMN cron.job_run_details.node IS 'where the run was decided and executed: this server as host:port (timeline), or the remote nodename:nodeport';

CREATE INDEX job_run_details_jobid_start_idx
    ON cron.job_run_details (jobid, start_time);
CREATE INDEX job_run_details_unfinished_idx
    ON cron.job_run_details (status)
    WHERE status OPERATOR(pg_catalog.=) ANY (ARRAY['starting', 'running']::pg_catalog.text[]);
CREATE INDEX job_run_details_end_time_idx
    ON cron.job_run_details (end_time);

-- Cheap per-job state behind cron.job_status, kept by the launcher as runs
-- end, so that the view never scans the history.
CREATE TABLE cron.job_stats (
    jobid bigint PRIMARY KEY,
    last_run timestamptz,
    last_status text,
    last_duration interval,
    last_success timestamptz,
    consecutive_failures integer NOT NULL DEFAULT 0,
    total_runs bigint NOT NULL DEFAULT 0,
    total_failures bigint NOT NULL DEFAULT 0,
    last_lateness interval,
    first_run timestamptz,
    overdue_notified boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE cron.job_stats IS 'per-job run statistics kept by the launcher; read cron.job_status instead';
COMMENT ON COLUMN cron.job_stats.jobid IS 'the job';
COMMENT ON COLUMN cron.job_stats.last_run IS 'start of the latest finished run';
COMMENT ON COLUMN cron.job_stats.last_status IS 'its status: succeeded, failed or skipped';
COMMENT ON COLUMN cron.job_stats.last_duration IS 'its duration';
COMMENT ON COLUMN cron.job_stats.last_success IS 'start of the latest successful run';
COMMENT ON COLUMN cron.job_stats.consecutive_failures IS 'failed runs since the latest success';
COMMENT ON COLUMN cron.job_stats.total_runs IS 'finished runs, skipped ones included';
COMMENT ON COLUMN cron.job_stats.total_failures IS 'failed runs';
COMMENT ON COLUMN cron.job_stats.last_lateness IS 'start_time minus scheduled_time of the latest run';
COMMENT ON COLUMN cron.job_stats.first_run IS 'start of the first run the statistics saw';
COMMENT ON COLUMN cron.job_stats.overdue_notified IS 'the job''s overdue NOTIFY was sent and no success came since';

-- pg_dump keeps the jobs and their history
SELECT pg_catalog.pg_extension_config_dump('cron.job', '');
SELECT pg_catalog.pg_extension_config_dump('cron.jobid_seq', '');
SELECT pg_catalog.pg_extension_config_dump('cron.job_run_details', '');
SELECT pg_catalog.pg_extension_config_dump('cron.runid_seq', '');
SELECT pg_catalog.pg_extension_config_dump('cron.job_stats', '');

-- Row-level security: a non-superuser sees and changes only their own rows.
ALTER TABLE cron.job ENABLE ROW LEVEL SECURITY;
CREATE POLICY cron_job_policy ON cron.job
    USING (username OPERATOR(pg_catalog.=) CURRENT_USER::pg_catalog.text);
ALTER TABLE cron.job_run_details ENABLE ROW LEVEL SECURITY;
CREATE POLICY cron_job_run_details_policy ON cron.job_run_details
    USING (username OPERATOR(pg_catalog.=) CURRENT_USER::pg_catalog.text);
ALTER TABLE cron.job_stats ENABLE ROW LEVEL SECURITY;
CREATE POLICY cron_job_stats_policy ON cron.job_stats
    USING (EXISTS (SELECT 1 FROM cron.job j
                    WHERE j.jobid OPERATOR(pg_catalog.=) job_stats.jobid));

-- Every role that may use schema cron manages its own jobs; the trigger and
-- the policies decide which rows.
GRANT SELECT, INSERT, UPDATE, DELETE ON cron.job TO PUBLIC;
GRANT SELECT, DELETE ON cron.job_run_details TO PUBLIC;
GRANT SELECT, USAGE ON SEQUENCE cron.jobid_seq TO PUBLIC;
GRANT SELECT ON SEQUENCE cron.runid_seq TO PUBLIC;
GRANT SELECT ON cron.job_stats TO PUBLIC;

-- Guards
CREATE FUNCTION cron.job_check()
    RETURNS trigger
    LANGUAGE C
    AS 'MODULE_PATHNAME', 'cron_job_check';
COMMENT ON FUNCTION cron.job_check()
    IS 'validates every row written to cron.job and enforces who may own it';

CREATE FUNCTION cron.job_changed()
    RETURNS trigger
    LANGUAGE C
    AS 'MODULE_PATHNAME', 'cron_job_changed';
COMMENT ON FUNCTION cron.job_changed()
    IS 'tells the pg_beat launcher which jobs to reload once a change to cron.job commits';

CREATE TRIGGER job_check
    BEFORE INSERT OR UPDATE ON cron.job
    FOR EACH ROW EXECUTE FUNCTION cron.job_check();
-- A row trigger, so that the launcher reloads only the jobs a transaction
-- wrote; TRUNCATE fires no row trigger and makes it reload every job.
CREATE TRIGGER job_changed
    AFTER INSERT OR UPDATE OR DELETE ON cron.job
    FOR EACH ROW EXECUTE FUNCTION cron.job_changed();
CREATE TRIGGER job_truncated
    AFTER TRUNCATE ON cron.job
    FOR EACH STATEMENT EXECUTE FUNCTION cron.job_changed();
COMMENT ON TRIGGER job_check ON cron.job IS 'every write obeys the schedule, time zone and ownership rules';
COMMENT ON TRIGGER job_changed ON cron.job IS 'the launcher reloads the jobs written once the change commits';
COMMENT ON TRIGGER job_truncated ON cron.job IS 'the launcher reloads every job once the TRUNCATE commits';

-- Schedules
CREATE FUNCTION cron.next_runs(schedule text,
                               n integer DEFAULT 5,
                               start timestamptz DEFAULT NULL,
                               timezone text DEFAULT NULL)
    RETURNS SETOF timestamptz
    LANGUAGE C STABLE
    AS 'MODULE_PATHNAME', 'cron_next_runs';
COMMENT ON FUNCTION cron.next_runs(text, integer, timestamptz, text)
    IS 'the next n fire times of a schedule strictly after start (default now), in a time zone (default cron.timezone)';

CREATE FUNCTION cron.describe_schedule(schedule text, timezone text DEFAULT NULL)
    RETURNS text
    LANGUAGE C STABLE
    AS 'MODULE_PATHNAME', 'cron_describe_schedule';
COMMENT ON FUNCTION cron.describe_schedule(text, text)
    IS 'a schedule in plain English';

-- Runs in flight
CREATE FUNCTION cron.running_runs(
    OUT runid bigint, OUT jobid bigint, OUT pid integer, OUT status text,
    OUT scheduled_time timestamptz, OUT started timestamptz,
    OUT elapsed interval, OUT wait_event_type text, OUT wait_event text,
    OUT database text, OUT username text)
    RETURNS SETOF record
    LANGUAGE C VOLATILE
    AS 'MODULE_PATHNAME', 'cron_running_runs';
COMMENT ON FUNCTION cron.running_runs()
    IS 'the runs in flight, from shared memory; a non-superuser sees their own';

-- Runs on demand
CREATE FUNCTION cron.run_job(job_id bigint)
    RETURNS bigint
    LANGUAGE C VOLATILE
    AS 'MODULE_PATHNAME', 'cron_run_job';
COMMENT ON FUNCTION cron.run_job(bigint)
    IS 'run one of your jobs now, outside its schedule, once the transaction commits; returns the runid';

CREATE FUNCTION cron.cancel_run(run_id bigint)
    RETURNS boolean
    LANGUAGE C VOLATILE
    AS 'MODULE_PATHNAME', 'cron_cancel_run';
COMMENT ON FUNCTION cron.cancel_run(bigint)
    IS 'stop one of your runs in flight (cancel, then terminate); false if it is not in flight';

-- The pg_cron API.  These run with the caller's rights: row-level security
-- and cron.job_check() decide what the caller may do.

CREATE FUNCTION cron.schedule(schedule text, command text)
    RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    new_jobid bigint;
BEGIN
    INSERT INTO cron.job (schedule, command, nodename, nodeport, database, username)
    VALUES (schedule, command, 'localhost', pg_catalog.current_setting('port')::pg_catalog.int4,
            pg_catalog.current_database(), CURRENT_USER)
    RETURNING jobid INTO new_jobid;
    RETURN new_jobid;
END;
$$;
COMMENT ON FUNCTION cron.schedule(text, text)
    IS 'schedule a job in the current database as the current user; returns its jobid';

CREATE FUNCTION cron.schedule(job_name text, schedule text, command text)
    RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    new_jobid bigint;
BEGIN
    IF job_name IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
            MESSAGE = 'job name must not be null',
            HINT = 'Use cron.schedule(schedule, command) for a job without a name.';
    END IF;
    INSERT INTO cron.job AS j (schedule, command, nodename, nodeport, database, username, jobname)
    VALUES (schedule, command, 'localhost', pg_catalog.current_setting('port')::pg_catalog.int4,
            pg_catalog.current_database(), CURRENT_USER, job_name)
    ON CONFLICT ON CONSTRAINT jobname_username_uniq DO UPDATE
        SET schedule = EXCLUDED.schedule, command = EXCLUDED.command
    RETURNING j.jobid INTO new_jobid;
    RETURN new_jobid;
END;
$$;
COMMENT ON FUNCTION cron.schedule(text, text, text)
    IS 'schedule a named job, or change the schedule and command of your job of that name; returns its jobid';

CREATE FUNCTION cron.schedule_in_database(job_name text,
                                          schedule text,
                                          command text,
                                          database text,
                                          username text DEFAULT NULL,
                                          active boolean DEFAULT true,
                                          timezone text DEFAULT NULL,
                                          timeout interval DEFAULT NULL,
                                          max_retries integer DEFAULT 0,
                                          retry_delay interval DEFAULT '10 seconds',
                                          overlap_policy text DEFAULT 'queue',
                                          misfire_policy text DEFAULT 'skip',
                                          on_failure text DEFAULT NULL,
                                          overdue_after interval DEFAULT NULL)
    RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    new_jobid bigint;
BEGIN
    IF job_name IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
            MESSAGE = 'job name must not be null';
    END IF;
    IF active IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
            MESSAGE = 'active must not be null';
    END IF;
    INSERT INTO cron.job AS j (schedule, command, nodename, nodeport, database,
                               username, active, jobname, timezone, timeout,
                               max_retries, retry_delay, overlap_policy,
                               misfire_policy, on_failure, overdue_after)
    VALUES (schedule, command, 'localhost', pg_catalog.current_setting('port')::pg_catalog.int4,
            database, COALESCE(username, CURRENT_USER::text), active,
            job_name, timezone, timeout, max_retries, retry_delay,
            overlap_policy, misfire_policy, on_failure, overdue_after)
    ON CONFLICT ON CONSTRAINT jobname_username_uniq DO UPDATE
        SET schedule = EXCLUDED.schedule, command = EXCLUDED.command,
            database = EXCLUDED.database, active = EXCLUDED.active,
            timezone = EXCLUDED.timezone, timeout = EXCLUDED.timeout,
            max_retries = EXCLUDED.max_retries,
            retry_delay = EXCLUDED.retry_delay,
            overlap_policy = EXCLUDED.overlap_policy,
            misfire_policy = EXCLUDED.misfire_policy,
            on_failure = EXCLUDED.on_failure,
            overdue_after = EXCLUDED.overdue_after
    RETURNING j.jobid INTO new_jobid;
    RETURN new_jobid;
END;
$$;
COMMENT ON FUNCTION cron.schedule_in_database(text, text, text, text, text, boolean, text, interval, integer, interval, text, text, text, interval)
    IS 'schedule a named job in another database, with pg_beat''s options; returns its jobid';

CREATE FUNCTION cron.unschedule(job_id bigint)
    RETURNS boolean
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF job_id IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
            MESSAGE = 'job id must not be null';
    END IF;
    DELETE FROM cron.job j WHERE j.jobid OPERATOR(pg_catalog.=) job_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'undefined_object',
            MESSAGE = pg_catalog.format('could not find valid entry for job %s', job_id),
            DETAIL = 'There is no job with that id that you own.';
    END IF;
    RETURN true;
END;
$$;
COMMENT ON FUNCTION cron.unschedule(bigint)
    IS 'remove one of your jobs by id';

CREATE FUNCTION cron.unschedule(job_name text)
    RETURNS boolean
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF job_name IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
            MESSAGE = 'job name must not be null';
    END IF;
    DELETE FROM cron.job j
     WHERE j.jobname OPERATOR(pg_catalog.=) job_name
       AND j.username OPERATOR(pg_catalog.=) CURRENT_USER::pg_catalog.text;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'undefined_object',
            MESSAGE = pg_catalog.format('could not find valid entry for job "%s"', job_name),
            DETAIL = 'There is no job with that name that you own.';
    END IF;
    RETURN true;
END;
$$;
COMMENT ON FUNCTION cron.unschedule(text)
    IS 'remove one of your jobs by name';

CREATE FUNCTION cron.alter_job(job_id bigint,
                               schedule text DEFAULT NULL,
                               command text DEFAULT NULL,
                               database text DEFAULT NULL,
                               username text DEFAULT NULL,
                               active boolean DEFAULT NULL,
                               timezone text DEFAULT NULL,
                               timeout interval DEFAULT NULL,
                               max_retries integer DEFAULT NULL,
                               retry_delay interval DEFAULT NULL,
                               overlap_policy text DEFAULT NULL,
                               misfire_policy text DEFAULT NULL,
                               on_failure text DEFAULT NULL,
                               overdue_after interval DEFAULT NULL)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF job_id IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
            MESSAGE = 'job id must not be null';
    END IF;
    UPDATE cron.job j SET
        schedule = COALESCE(alter_job.schedule, j.schedule),
        command = COALESCE(alter_job.command, j.command),
        database = COALESCE(alter_job.database, j.database),
        username = COALESCE(alter_job.username, j.username),
        active = COALESCE(alter_job.active, j.active),
        timezone = COALESCE(alter_job.timezone, j.timezone),
        timeout = COALESCE(alter_job.timeout, j.timeout),
        max_retries = COALESCE(alter_job.max_retries, j.max_retries),
        retry_delay = COALESCE(alter_job.retry_delay, j.retry_delay),
        overlap_policy = COALESCE(alter_job.overlap_policy, j.overlap_policy),
        misfire_policy = COALESCE(alter_job.misfire_policy, j.misfire_policy),
        on_failure = COALESCE(alter_job.on_failure, j.on_failure),
        overdue_after = COALESCE(alter_job.overdue_after, j.overdue_after)
    WHERE j.jobid OPERATOR(pg_catalog.=) job_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'undefined_object',
            MESSAGE = pg_catalog.format('could not find valid entry for job %s', job_id),
            DETAIL = 'There is no job with that id that you own.';
    END IF;
END;
$$;
COMMENT ON FUNCTION cron.alter_job(bigint, text, text, text, text, boolean, text, interval, integer, interval, text, text, text, interval)
    IS 'change one of your jobs; NULL arguments leave a setting unchanged';

-- What runs, what will run, what failed: one row per job you may see.
CREATE VIEW cron.job_status WITH (security_invoker = true) AS
SELECT j.jobid, j.jobname, j.username, j.database, j.schedule, j.timezone,
       j.active,
       (r.jobid IS NOT NULL) AS running,
       CASE WHEN j.active THEN
           (SELECT n FROM cron.next_runs(j.schedule, 1, pg_catalog.now(), j.timezone) n)
       END AS next_run,
       s.last_run, s.last_status, s.last_duration, s.last_success,
       COALESCE(s.consecutive_failures, 0) AS consecutive_failures,
       COALESCE(s.total_runs, 0) AS total_runs,
       COALESCE(s.total_failures, 0) AS total_failures,
       s.last_lateness,
       COALESCE(j.active
                AND COALESCE(s.last_success, s.first_run) OPERATOR(pg_catalog.<)
                    (pg_catalog.now() OPERATOR(pg_catalog.-)
                     COALESCE(j.overdue_after,
                              NULLIF(pg_catalog.current_setting('cron.overdue_after')::pg_catalog.interval,
                                     '0'::pg_catalog.interval))),
                false) AS overdue
  FROM cron.job j
  LEFT JOIN cron.job_stats s ON s.jobid OPERATOR(pg_catalog.=) j.jobid
  LEFT JOIN (SELECT DISTINCT rr.jobid FROM cron.running_runs() rr) r
         ON r.jobid OPERATOR(pg_catalog.=) j.jobid;
COMMENT ON VIEW cron.job_status IS 'one row per job: running, next run, latest outcome, failures and totals';
COMMENT ON COLUMN cron.job_status.running IS 'a run of the job is in flight';
COMMENT ON COLUMN cron.job_status.next_run IS 'next fire time from cron.next_runs (for interval schedules: now plus the interval)';
COMMENT ON COLUMN cron.job_status.last_run IS 'start of the latest finished run';
COMMENT ON COLUMN cron.job_status.last_lateness IS 'start_time minus scheduled_time of the latest run';
COMMENT ON COLUMN cron.job_status.overdue IS 'dead man''s switch: no success within overdue_after (or cron.overdue_after)';
GRANT SELECT ON cron.job_status TO PUBLIC;

-- Did this slot run, where, and once?  One row per (job, slot) in the
-- history, across failovers: the history replicates, and each attempt of a
-- slot is recorded once under job_run_details_slot_uniq.
CREATE VIEW cron.slot_runs WITH (security_invoker = true) AS
SELECT d.jobid, d.scheduled_time,
       pg_catalog.count(*) AS attempts,
       (pg_catalog.array_agg(d.status ORDER BY d.attempt DESC))[1] AS final_status,
       pg_catalog.bool_or(d.status OPERATOR(pg_catalog.=) 'succeeded') AS succeeded,
       pg_catalog.array_agg(DISTINCT d.node) AS nodes,
       pg_catalog.min(d.start_time) AS first_start,
       pg_catalog.max(d.end_time) AS last_end
  FROM cron.job_run_details d
 WHERE d.scheduled_time IS NOT NULL
 GROUP BY d.jobid, d.scheduled_time;
COMMENT ON VIEW cron.slot_runs IS 'one row per scheduled slot in the history: attempts, final status and the nodes that ran it';
GRANT SELECT ON cron.slot_runs TO PUBLIC;
