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

-- Migration from pg_cron: cron.import_pg_cron().
--
-- pg_cron and pg_beat both keep their objects in schema cron, so they never
-- share a database.  A migration copies pg_cron's tables out while pg_cron
-- is still installed, drops pg_cron, switches shared_preload_libraries,
-- creates pg_beat and imports the copies (docs/migrating-from-pg_cron.md):
--
--     CREATE TABLE public.pg_cron_job AS TABLE cron.job;
--     CREATE TABLE public.pg_cron_job_run_details AS TABLE cron.job_run_details;
--     DROP EXTENSION pg_cron;  -- then preload pg_beat and restart
--     CREATE EXTENSION pg_beat;
--     SELECT * FROM cron.import_pg_cron('public.pg_cron_job');   -- dry run
--     SELECT * FROM cron.import_pg_cron('public.pg_cron_job',
--                                       'public.pg_cron_job_run_details',
--                                       dry_run => false);
--
-- The function runs with the caller's rights and writes through cron.job's
-- trigger, so the same ownership rules hold as for cron.schedule: a
-- superuser imports every job, anyone else only their own.  Every job is
-- tried in its own subtransaction, and a dry run rolls each one back, so
-- that a dry run reports exactly what the real import will do, including
-- the trigger's verdict (a role that no longer exists, a schedule pg_beat
-- refuses).  Jobs keep their pg_cron jobid unless another job has it.
--
-- The source tables are read through to_jsonb(), so copies of any pg_cron
-- version (1.0 to 1.6: with or without jobname, active, job_run_details)
-- import alike.  search_path is pinned; objects, functions and operators
-- are schema-qualified all the same, as in the rest of the install script.

CREATE FUNCTION cron.import_pg_cron(jobs regclass,
                                    history regclass DEFAULT NULL,
                                    dry_run boolean DEFAULT true,
                                    timezone text DEFAULT NULL)
    RETURNS TABLE (pg_cron_jobid bigint,
                   jobname text,
                   schedule text,
                   new_jobid bigint,
                   outcome text,
                   notes text)
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    src record;
    r pg_catalog.jsonb;
    v_jobid bigint;
    v_schedule text;
    v_command text;
    v_nodename text;
    v_nodeport integer;
    v_database text;
    v_username text;
    v_active boolean;
    v_jobname text;
    v_try_jobid bigint;
    v_existing record;
    v_note text[];
    v_fields text[];
    v_nfields integer;
    v_first5 text;
    v_reading text;
    i integer;
    v_zone text;
    v_zone_is_gmt boolean;
    v_port integer := pg_catalog.current_setting('port')::pg_catalog.int4;
    v_host text := 'localhost';
    v_max_duration interval;
    v_min_gap interval;
    v_err_message text;
    v_err_detail text;
    v_old_ids bigint[] := '{}';
    v_new_ids bigint[] := '{}';
    v_seq_last bigint;
    v_seq_called boolean;
    v_max_id bigint;
    v_count bigint;
    v_old bigint;
    v_retention text := pg_catalog.current_setting('cron.history_retention');
    v_failed integer := 0;
BEGIN
    IF jobs IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
            MESSAGE = 'jobs must not be null',
            HINT = 'Pass the copy of pg_cron''s cron.job, e.g. ''public.pg_cron_job''.';
    END IF;
    IF dry_run IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
            MESSAGE = 'dry_run must not be null';
    END IF;
    IF jobs OPERATOR(pg_catalog.=) 'cron.job'::pg_catalog.regclass
       OR history OPERATOR(pg_catalog.=) 'cron.job_run_details'::pg_catalog.regclass THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
            MESSAGE = 'cannot import pg_beat''s own tables',
            HINT = 'Copy pg_cron''s tables out before dropping pg_cron (CREATE TABLE public.pg_cron_job AS TABLE cron.job) and import the copies.';
    END IF;

    -- cron.host is visible to superusers only; others compare with its default.
    BEGIN
        v_host := pg_catalog.current_setting('cron.host');
    EXCEPTION WHEN insufficient_privilege THEN
        NULL;
    END;

    -- pg_cron before 1.5 reads every schedule in GMT; a job imported without
    -- a time zone follows cron.timezone.  Do the two ever differ in the
    -- coming year?
    v_zone := COALESCE(timezone, pg_catalog.current_setting('cron.timezone'));
    IF timezone IS NOT NULL THEN
        PERFORM cron.describe_schedule('0 0 * * *', timezone);  -- validates the zone
    END IF;
    SELECT pg_catalog.bool_and(pg_catalog.timezone(v_zone, t)
                               OPERATOR(pg_catalog.=) pg_catalog.timezone('GMT', t))
      INTO v_zone_is_gmt
      FROM pg_catalog.generate_series(pg_catalog.now(),
                                      pg_catalog.now() OPERATOR(pg_catalog.+) '1 year'::interval,
                                      '1 day'::interval) t;

    FOR src IN EXECUTE pg_catalog.format(
        'SELECT pg_catalog.to_jsonb(s) AS r FROM %s s'
        ' ORDER BY (pg_catalog.to_jsonb(s) OPERATOR(pg_catalog.->>) ''jobid'')::pg_catalog.int8',
        jobs)
    LOOP
        r := src.r;
        IF NOT (r OPERATOR(pg_catalog.?) 'jobid' AND r OPERATOR(pg_catalog.?) 'schedule'
                AND r OPERATOR(pg_catalog.?) 'command') THEN
            RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
                MESSAGE = pg_catalog.format('table %s is not a copy of pg_cron''s cron.job', jobs),
                DETAIL = 'It needs at least the columns jobid, schedule and command.';
        END IF;

        v_jobid := (r OPERATOR(pg_catalog.->>) 'jobid')::pg_catalog.int8;
        v_schedule := r OPERATOR(pg_catalog.->>) 'schedule';
        v_command := r OPERATOR(pg_catalog.->>) 'command';
        v_nodename := COALESCE(r OPERATOR(pg_catalog.->>) 'nodename', 'localhost');
        v_nodeport := COALESCE((r OPERATOR(pg_catalog.->>) 'nodeport')::pg_catalog.int4, v_port);
        v_database := COALESCE(r OPERATOR(pg_catalog.->>) 'database', pg_catalog.current_database());
        v_username := COALESCE(r OPERATOR(pg_catalog.->>) 'username', CURRENT_USER::text);
        v_active := COALESCE((r OPERATOR(pg_catalog.->>) 'active')::boolean, true);
        v_jobname := r OPERATOR(pg_catalog.->>) 'jobname';

        pg_cron_jobid := v_jobid;
        jobname := v_jobname;
        schedule := v_schedule;
        new_jobid := NULL;
        outcome := NULL;
        v_note := '{}';

        -- What changes in meaning.  pg_cron parses with Vixie cron's
        -- load_entry(): five fields, and anything after the fifth is
        -- ignored (a crontab line's command would follow).
        v_fields := pg_catalog.regexp_split_to_array(pg_catalog.btrim(v_schedule, E' \t'), E'[ \t]+');
        v_nfields := pg_catalog.array_length(v_fields, 1);
        IF v_schedule OPERATOR(pg_catalog.~) '^[ \t]*@'
           OR v_schedule OPERATOR(pg_catalog.~*) '^[ \t]*([0-9]+[ \t]*seconds?|every[ \t].*)[ \t]*$' THEN
            v_nfields := 0;     -- a macro or an interval: no fields
        END IF;
        IF v_nfields OPERATOR(pg_catalog.>=) 6 THEN
            v_first5 := pg_catalog.array_to_string(v_fields[1:5], ' ');
            BEGIN
                v_reading := cron.describe_schedule(v_schedule, v_zone);
            EXCEPTION WHEN invalid_parameter_value THEN
                v_reading := NULL;  -- pg_beat refuses it: reported below
            END;
            v_note := v_note OPERATOR(pg_catalog.||) pg_catalog.format(
                '%s fields: pg_cron ignores the fields after the fifth and runs it as "%s"%s',
                v_nfields, v_first5,
                CASE WHEN v_reading IS NOT NULL THEN
                    pg_catalog.format(', but pg_beat reads the first field as seconds (%s); to keep pg_cron''s times use "%s"',
                                      v_reading, v_first5)
                ELSE pg_catalog.format('; to keep pg_cron''s times use "%s"', v_first5)
                END);
        END IF;
        -- Within each of pg_cron's five fields, what its get_list() reads:
        -- elements "*[/n]", "a-b[/n]" or "a" separated by commas; at any
        -- other character it stops and skips the rest of the field.
        IF v_nfields OPERATOR(pg_catalog.>=) 5 THEN
            FOR i IN 1..5 LOOP
                v_first5 := pg_catalog.substring(v_fields[i],
                    '^(?:\*(?:/[0-9A-Za-z]+)?|[0-9A-Za-z]+-[0-9A-Za-z]+(?:/[0-9A-Za-z]+)?|[0-9A-Za-z]+)'
                    '(?:,(?:\*(?:/[0-9A-Za-z]+)?|[0-9A-Za-z]+-[0-9A-Za-z]+(?:/[0-9A-Za-z]+)?|[0-9A-Za-z]+))*');
                IF v_first5 IS NOT NULL AND v_first5 OPERATOR(pg_catalog.<>) ''
                   AND v_first5 OPERATOR(pg_catalog.<>) v_fields[i] THEN
                    v_note := v_note OPERATOR(pg_catalog.||) pg_catalog.format(
                        '%s field "%s": pg_cron reads only "%s" and ignores "%s"%s',
                        (ARRAY['minute', 'hour', 'day-of-month', 'month', 'day-of-week'])[i],
                        v_fields[i], v_first5,
                        pg_catalog.substr(v_fields[i], pg_catalog.length(v_first5) OPERATOR(pg_catalog.+) 1),
                        CASE WHEN v_fields[i] OPERATOR(pg_catalog.~) '#' AND i OPERATOR(pg_catalog.=) 5
                             THEN ', so it ran on that weekday every week; pg_beat runs it on the nth one of the month only'
                             ELSE '' END);
                END IF;
            END LOOP;
        END IF;
        IF v_nfields OPERATOR(pg_catalog.>=) 5
           AND v_fields[v_nfields OPERATOR(pg_catalog.-) 2] OPERATOR(pg_catalog.~) '\$' THEN
            v_note := v_note OPERATOR(pg_catalog.||)
                '"$" is the last day of the month, as in pg_cron 1.6 (pg_beat also spells it L)'::text;
        END IF;
        IF v_nfields OPERATOR(pg_catalog.>=) 5
           AND v_fields[v_nfields OPERATOR(pg_catalog.-) 2] OPERATOR(pg_catalog.!~) '^\*'
           AND v_fields[v_nfields] OPERATOR(pg_catalog.!~) '^\*' THEN
            v_note := v_note OPERATOR(pg_catalog.||)
                'day-of-month and day-of-week are both restricted: it runs on the days that match either, as in pg_cron by default (not as with pg_cron''s cron.dom_dow_and_logic = on)'::text;
        END IF;
        IF v_nfields OPERATOR(pg_catalog.>=) 5 AND NOT v_zone_is_gmt THEN
            v_note := v_note OPERATOR(pg_catalog.||) pg_catalog.format(
                'times are read in time zone "%s"%s; pg_cron before 1.5 reads every schedule in GMT%s',
                v_zone,
                CASE WHEN timezone IS NULL THEN ' (cron.timezone)' ELSE '' END,
                CASE WHEN timezone IS NULL THEN ': pass timezone => ''GMT'' to keep pg_cron''s times' ELSE '' END);
        END IF;
        IF v_nodename OPERATOR(pg_catalog.<>) ALL (ARRAY['localhost', '', v_host]) THEN
            v_note := v_note OPERATOR(pg_catalog.||) pg_catalog.format(
                'nodename "%s" is another server: pg_beat runs the job there over libpq at port %s',
                v_nodename, v_nodeport);
        ELSIF v_nodeport OPERATOR(pg_catalog.<>) v_port THEN
            v_note := v_note OPERATOR(pg_catalog.||) pg_catalog.format(
                'nodeport %s differs from this server''s port %s: pg_beat runs a localhost job on this server whatever its nodeport (pg_cron connected to port %s)',
                v_nodeport, v_port, v_nodeport);
        END IF;

        -- Runs longer than the gap between slots: pg_cron queues one run per
        -- slot, pg_beat coalesces them into one pending run.
        IF history IS NOT NULL THEN
            EXECUTE pg_catalog.format(
                'SELECT pg_catalog.max(((h.r OPERATOR(pg_catalog.->>) ''end_time'')::pg_catalog.timestamptz'
                ' OPERATOR(pg_catalog.-) (h.r OPERATOR(pg_catalog.->>) ''start_time'')::pg_catalog.timestamptz))'
                ' FROM (SELECT pg_catalog.to_jsonb(s) AS r FROM %s s) h'
                ' WHERE (h.r OPERATOR(pg_catalog.->>) ''jobid'')::pg_catalog.int8 OPERATOR(pg_catalog.=) $1',
                history)
              INTO v_max_duration USING v_jobid;
            v_min_gap := NULL;
            IF v_max_duration IS NOT NULL THEN
                BEGIN
                    SELECT pg_catalog.min(g.gap) INTO v_min_gap
                      FROM (SELECT n OPERATOR(pg_catalog.-) pg_catalog.lag(n) OVER (ORDER BY n) AS gap
                              FROM cron.next_runs(v_schedule, 50, pg_catalog.now(), v_zone) n) g;
                EXCEPTION WHEN invalid_parameter_value THEN
                    v_min_gap := NULL;  -- pg_beat refuses the schedule: reported below
                END;
            END IF;
            IF v_min_gap IS NOT NULL AND v_max_duration OPERATOR(pg_catalog.>) v_min_gap THEN
                v_note := v_note OPERATOR(pg_catalog.||) pg_catalog.format(
                    'runs took up to %s, longer than the %s between slots: pg_cron queues one run per slot that falls due meanwhile, pg_beat coalesces them into one pending run (overlap_policy queue)',
                    pg_catalog.date_trunc('second', v_max_duration), v_min_gap);
            END IF;
        END IF;

        -- Is it there already (an import run before)?
        SELECT j.jobid, j.schedule, j.command, j.database, j.username, j.jobname
          INTO v_existing
          FROM cron.job j
         WHERE j.jobid OPERATOR(pg_catalog.=) v_jobid;
        IF FOUND AND v_existing.schedule OPERATOR(pg_catalog.=) v_schedule
           AND v_existing.command OPERATOR(pg_catalog.=) v_command
           AND v_existing.database OPERATOR(pg_catalog.=) v_database
           AND v_existing.username OPERATOR(pg_catalog.=) v_username
           AND v_existing.jobname IS NOT DISTINCT FROM v_jobname THEN
            new_jobid := v_jobid;
            outcome := 'already imported';
            notes := pg_catalog.array_to_string(v_note, '; ');
            v_old_ids := v_old_ids OPERATOR(pg_catalog.||) v_jobid;
            v_new_ids := v_new_ids OPERATOR(pg_catalog.||) v_jobid;
            RETURN NEXT;
            CONTINUE;
        END IF;
        IF FOUND THEN
            v_note := v_note OPERATOR(pg_catalog.||) pg_catalog.format(
                'jobid %s belongs to another pg_beat job: this one gets a new jobid', v_jobid);
            v_try_jobid := NULL;
        ELSE
            v_try_jobid := v_jobid;
        END IF;

        IF v_jobname IS NOT NULL THEN
            SELECT j.jobid INTO v_existing
              FROM cron.job j
             WHERE j.jobname OPERATOR(pg_catalog.=) v_jobname
               AND j.username OPERATOR(pg_catalog.=) v_username;
            IF FOUND THEN
                outcome := CASE WHEN dry_run THEN 'would fail' ELSE 'failed' END;
                notes := pg_catalog.array_to_string(
                    v_note OPERATOR(pg_catalog.||) pg_catalog.format(
                        'role "%s" already has a pg_beat job named "%s" (jobid %s)',
                        v_username, v_jobname, v_existing.jobid), '; ');
                v_failed := v_failed OPERATOR(pg_catalog.+) 1;
                RETURN NEXT;
                CONTINUE;
            END IF;
        END IF;

        -- Write it through cron.job's trigger, in a subtransaction: the
        -- trigger decides, and a dry run undoes it.
        BEGIN
            BEGIN
                INSERT INTO cron.job AS j (jobid, schedule, command, nodename, nodeport,
                                           database, username, active, jobname, timezone)
                VALUES (COALESCE(v_try_jobid,
                                 CASE WHEN dry_run THEN OPERATOR(pg_catalog.-) v_jobid
                                      ELSE pg_catalog.nextval('cron.jobid_seq') END),
                        v_schedule, v_command, v_nodename, v_nodeport,
                        v_database, v_username, v_active, v_jobname, timezone)
                RETURNING j.jobid INTO new_jobid;
            EXCEPTION WHEN unique_violation THEN
                -- the jobid is taken by a job the caller cannot see
                GET STACKED DIAGNOSTICS v_err_message = CONSTRAINT_NAME;
                IF v_err_message OPERATOR(pg_catalog.<>) 'job_pkey' THEN
                    RAISE;
                END IF;
                v_note := v_note OPERATOR(pg_catalog.||) pg_catalog.format(
                    'jobid %s belongs to another pg_beat job: this one gets a new jobid', v_jobid);
                INSERT INTO cron.job AS j (jobid, schedule, command, nodename, nodeport,
                                           database, username, active, jobname, timezone)
                VALUES (CASE WHEN dry_run THEN OPERATOR(pg_catalog.-) v_jobid
                             ELSE pg_catalog.nextval('cron.jobid_seq') END,
                        v_schedule, v_command, v_nodename, v_nodeport,
                        v_database, v_username, v_active, v_jobname, timezone)
                RETURNING j.jobid INTO new_jobid;
            END;
            IF dry_run THEN
                RAISE EXCEPTION USING ERRCODE = 'PB001', MESSAGE = 'dry run';
            END IF;
            outcome := 'imported';
            v_old_ids := v_old_ids OPERATOR(pg_catalog.||) v_jobid;
            v_new_ids := v_new_ids OPERATOR(pg_catalog.||) new_jobid;
        EXCEPTION
            WHEN SQLSTATE 'PB001' THEN
                new_jobid := NULL;
                outcome := 'would import';
                v_old_ids := v_old_ids OPERATOR(pg_catalog.||) v_jobid;
            WHEN OTHERS THEN
                GET STACKED DIAGNOSTICS v_err_message = MESSAGE_TEXT,
                                        v_err_detail = PG_EXCEPTION_DETAIL;
                new_jobid := NULL;
                outcome := CASE WHEN dry_run THEN 'would fail' ELSE 'failed' END;
                v_note := v_note OPERATOR(pg_catalog.||) (
                    'pg_beat refuses it: ' OPERATOR(pg_catalog.||) v_err_message OPERATOR(pg_catalog.||)
                    CASE WHEN v_err_detail IS NOT NULL AND v_err_detail OPERATOR(pg_catalog.<>) ''
                         THEN ' (' OPERATOR(pg_catalog.||) v_err_detail OPERATOR(pg_catalog.||) ')'
                         ELSE '' END);
                v_failed := v_failed OPERATOR(pg_catalog.+) 1;
        END;
        notes := pg_catalog.array_to_string(v_note, '; ');
        RETURN NEXT;
    END LOOP;

    IF NOT dry_run THEN
        -- Jobs kept their pg_cron jobids: move the sequence past them.
        SELECT s.last_value, s.is_called INTO v_seq_last, v_seq_called FROM cron.jobid_seq s;
        SELECT pg_catalog.max(j.jobid) INTO v_max_id FROM cron.job j;
        IF v_max_id IS NOT NULL
           AND (v_max_id OPERATOR(pg_catalog.>) v_seq_last
                OR (v_max_id OPERATOR(pg_catalog.=) v_seq_last AND NOT v_seq_called)) THEN
            BEGIN
                PERFORM pg_catalog.setval('cron.jobid_seq', v_max_id);
            EXCEPTION WHEN insufficient_privilege THEN
                RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
                    MESSAGE = 'permission denied to move cron.jobid_seq past the imported jobids',
                    DETAIL = pg_catalog.format('The imported jobs keep their pg_cron jobids, up to %s.', v_max_id),
                    HINT = 'Run the import as a superuser.';
            END;
        END IF;
    END IF;

    -- History: the runs of the jobs imported (or imported before), with
    -- their runids where free.  pg_cron records no scheduled_time.
    IF history IS NOT NULL THEN
        EXECUTE pg_catalog.format(
            'SELECT pg_catalog.count(*),'
            ' pg_catalog.count(*) FILTER (WHERE (h.r OPERATOR(pg_catalog.->>) ''end_time'')::pg_catalog.timestamptz'
            '   OPERATOR(pg_catalog.<) (pg_catalog.now() OPERATOR(pg_catalog.-) $2::pg_catalog.interval))'
            ' FROM (SELECT pg_catalog.to_jsonb(s) AS r FROM %s s) h'
            ' WHERE (h.r OPERATOR(pg_catalog.->>) ''jobid'')::pg_catalog.int8 OPERATOR(pg_catalog.=) ANY ($1)',
            history)
          INTO v_count, v_old
          USING v_old_ids,
                CASE WHEN v_retention::pg_catalog.interval OPERATOR(pg_catalog.>) '0'::pg_catalog.interval
                     THEN v_retention END;
        IF dry_run THEN
            RAISE NOTICE 'dry run: % history rows would be copied for the jobs that import', v_count;
        ELSE
            SELECT s.last_value INTO v_seq_last FROM cron.runid_seq s;
            EXECUTE pg_catalog.format(
                'SELECT pg_catalog.max((h.r OPERATOR(pg_catalog.->>) ''runid'')::pg_catalog.int8)'
                ' FROM (SELECT pg_catalog.to_jsonb(s) AS r FROM %s s) h',
                history)
              INTO v_max_id;
            IF v_max_id OPERATOR(pg_catalog.>) v_seq_last THEN
                PERFORM pg_catalog.setval('cron.runid_seq', v_max_id);
            END IF;
            EXECUTE pg_catalog.format(
                'INSERT INTO cron.job_run_details AS d'
                '  (jobid, runid, job_pid, database, username, command, status,'
                '   return_message, start_time, end_time, scheduled_time, attempt)'
                ' SELECT m.new_id,'
                '        CASE WHEN EXISTS (SELECT 1 FROM cron.job_run_details e'
                '                           WHERE e.runid OPERATOR(pg_catalog.=) h.runid)'
                '             THEN pg_catalog.nextval(''cron.runid_seq'') ELSE h.runid END,'
                '        h.job_pid, h.database, h.username, h.command,'
                '        CASE WHEN h.status OPERATOR(pg_catalog.=) ANY (ARRAY[''succeeded'', ''failed''])'
                '             THEN h.status ELSE ''failed'' END,'
                '        CASE WHEN h.status OPERATOR(pg_catalog.=) ANY (ARRAY[''succeeded'', ''failed''])'
                '             THEN h.return_message'
                '             ELSE pg_catalog.format(''pg_cron run did not finish before the import (status %%s)'', h.status) END,'
                '        h.start_time, COALESCE(h.end_time, h.start_time), NULL, 1'
                '   FROM (SELECT (x.r OPERATOR(pg_catalog.->>) ''jobid'')::pg_catalog.int8 AS jobid,'
                '                (x.r OPERATOR(pg_catalog.->>) ''runid'')::pg_catalog.int8 AS runid,'
                '                (x.r OPERATOR(pg_catalog.->>) ''job_pid'')::pg_catalog.int4 AS job_pid,'
                '                x.r OPERATOR(pg_catalog.->>) ''database'' AS database,'
                '                x.r OPERATOR(pg_catalog.->>) ''username'' AS username,'
                '                x.r OPERATOR(pg_catalog.->>) ''command'' AS command,'
                '                x.r OPERATOR(pg_catalog.->>) ''status'' AS status,'
                '                x.r OPERATOR(pg_catalog.->>) ''return_message'' AS return_message,'
                '                (x.r OPERATOR(pg_catalog.->>) ''start_time'')::pg_catalog.timestamptz AS start_time,'
                '                (x.r OPERATOR(pg_catalog.->>) ''end_time'')::pg_catalog.timestamptz AS end_time'
                '           FROM (SELECT pg_catalog.to_jsonb(s) AS r FROM %s s) x) h'
                '   JOIN ROWS FROM (pg_catalog.unnest($1::pg_catalog.int8[]), pg_catalog.unnest($2::pg_catalog.int8[])) AS m (old_id, new_id)'
                '     ON m.old_id OPERATOR(pg_catalog.=) h.jobid'
                '  WHERE NOT EXISTS (SELECT 1 FROM cron.job_run_details e'  -- copied before
                '                     WHERE e.jobid OPERATOR(pg_catalog.=) m.new_id'
                '                       AND e.scheduled_time IS NULL'
                '                       AND e.start_time IS NOT DISTINCT FROM h.start_time'
                '                       AND e.end_time IS NOT DISTINCT FROM COALESCE(h.end_time, h.start_time)'
                '                       AND e.job_pid IS NOT DISTINCT FROM h.job_pid'
                '                       AND e.command IS NOT DISTINCT FROM h.command)'
                '  ORDER BY h.runid',
                history)
              USING v_old_ids, v_new_ids;
            GET DIAGNOSTICS v_count = ROW_COUNT;
            RAISE NOTICE 'copied % history rows', v_count;
        END IF;
        IF v_old OPERATOR(pg_catalog.>) 0 THEN
            RAISE NOTICE '% of them ended more than cron.history_retention (%) ago, so the launcher will delete them within minutes',
                v_old, v_retention
                USING HINT = 'To keep them, set cron.history_retention = 0 (or longer) and reload before the import.';
        END IF;
    END IF;

    IF v_failed OPERATOR(pg_catalog.>) 0 THEN
        IF dry_run THEN
            RAISE WARNING '% job(s) would not import: see the notes column', v_failed;
        ELSE
            RAISE WARNING '% job(s) were not imported: see the notes column', v_failed;
        END IF;
    END IF;
    RETURN;
END;
$$;
COMMENT ON FUNCTION cron.import_pg_cron(regclass, regclass, boolean, text)
    IS 'copy jobs (and optionally run history) from copies of pg_cron''s tables; dry run by default, reporting what would change in meaning';
/*
 * pg_beat 1.0 -> 1.1, part 1: the catalog.
 *
 * This file, then update-1.1-chains.sql and update-1.1-metrics.sql, make
 * pg_beat--1.0--1.1.sql (ALTER EXTENSION pg_beat UPDATE) and the tail of
 * pg_beat--1.1.sql (CREATE EXTENSION): a fresh 1.1 runs exactly the
 * statements an upgraded 1.0 ran.  Like 1.0, everything is schema-qualified
 * and every function pins search_path.
 *
 * The shared library serves both versions: the launcher finds out which
 * catalog it has (catalog.c) and keeps running across the update.
 */

\echo Use "ALTER EXTENSION pg_beat UPDATE TO '1.1'" to load this file. \quit

-- Dependent jobs ("after <job>, ...") and exclusive groups.  The trigger
-- resolves an after schedule's job names to ids when the schedule is
-- written: a dependency follows its upstream job through a rename.
ALTER TABLE cron.job ADD COLUMN exclusive_group text;
ALTER TABLE cron.job ADD COLUMN depends_on bigint[];
ALTER TABLE cron.job ADD COLUMN depends_outcome text;
COMMENT ON COLUMN cron.job.exclusive_group IS 'runs of jobs in the same group never overlap; NULL for none';
COMMENT ON COLUMN cron.job.depends_on IS 'for an after schedule: the ids of the upstream jobs, kept by the trigger from the schedule';
COMMENT ON COLUMN cron.job.depends_outcome IS 'for an after schedule: succeeded, failed or finished, the outcome the upstream jobs must reach';
CREATE INDEX job_depends_on_idx ON cron.job USING gin (depends_on);
-- the launcher looks for due dependent jobs after every final outcome: it
-- reads the dependent jobs only, however many clock jobs there are
CREATE INDEX job_dependents_idx ON cron.job (jobid) WHERE depends_outcome IS NOT NULL;

-- Durable per-job progress, written by the launcher in the transactions
-- that record runs: how far the job's slots were dealt with (exactly-once
-- without history, and after the history was purged), the final outcomes
-- its dependent jobs wait for, and the counters that never go backwards.
CREATE SEQUENCE cron.outcome_seq;
COMMENT ON SEQUENCE cron.outcome_seq IS 'orders the final outcomes of runs, for dependent jobs';
ALTER TABLE cron.job_stats ADD COLUMN total_skipped bigint NOT NULL DEFAULT 0;
ALTER TABLE cron.job_stats ADD COLUMN slots_done_until timestamptz;
ALTER TABLE cron.job_stats ADD COLUMN succeeded_seq bigint;
ALTER TABLE cron.job_stats ADD COLUMN succeeded_slot timestamptz;
ALTER TABLE cron.job_stats ADD COLUMN failed_seq bigint;
ALTER TABLE cron.job_stats ADD COLUMN failed_slot timestamptz;
ALTER TABLE cron.job_stats ADD COLUMN after_seq bigint;
COMMENT ON COLUMN cron.job_stats.total_skipped IS 'skipped runs';
COMMENT ON COLUMN cron.job_stats.slots_done_until IS 'the newest slot the launcher dealt with (ran, skipped or refused); missed slots are counted from here';
COMMENT ON COLUMN cron.job_stats.succeeded_seq IS 'order (cron.outcome_seq) of the latest final success';
COMMENT ON COLUMN cron.job_stats.succeeded_slot IS 'slot of the latest final success (its start for a run without slot)';
COMMENT ON COLUMN cron.job_stats.failed_seq IS 'order (cron.outcome_seq) of the latest final failure (retries exhausted)';
COMMENT ON COLUMN cron.job_stats.failed_slot IS 'slot of the latest final failure (its start for a run without slot)';
COMMENT ON COLUMN cron.job_stats.after_seq IS 'for a dependent job: the upstream outcomes up to this order were taken by a run';
SELECT pg_catalog.pg_extension_config_dump('cron.outcome_seq', '');
GRANT SELECT ON SEQUENCE cron.outcome_seq TO PUBLIC;

-- Where each job's slots count from, written by the launcher when it
-- schedules a job afresh (a new job, a new schedule, a job resumed): a
-- restart then finds the slots missed since, even before the job's first
-- run, and an interval schedule keeps its grid.  A dependent job likewise
-- takes only the upstream outcomes after the moment it was new, changed or
-- resumed.  The launcher's own state, read-only for users, and not part
-- of a dump (a restored job starts afresh, as a new one; its history and
-- statistics, which are dumped, still say where it stood).
CREATE TABLE cron.job_progress (
    jobid bigint PRIMARY KEY,
    scheduled_from timestamptz NOT NULL,
    outcomes_from bigint,
    retry_of bigint,
    retry_attempt integer
);
COMMENT ON TABLE cron.job_progress IS 'launcher state: the instant each job was last scheduled afresh from';
COMMENT ON COLUMN cron.job_progress.jobid IS 'the job';
COMMENT ON COLUMN cron.job_progress.scheduled_from IS 'its slots count from here when neither its history nor cron.job_stats says more';
COMMENT ON COLUMN cron.job_progress.outcomes_from IS 'for a dependent job: it takes only upstream outcomes after this order (cron.outcome_seq) (it was new, changed or resumed then)';
COMMENT ON COLUMN cron.job_progress.retry_of IS 'the latest retry started without history (cron.log_run off): the runid of its first attempt';
COMMENT ON COLUMN cron.job_progress.retry_attempt IS '... and its attempt number: a restart does not run it again';
-- Readable like cron.job_stats: each role sees the rows of its own jobs.
ALTER TABLE cron.job_progress ENABLE ROW LEVEL SECURITY;
CREATE POLICY cron_job_progress_policy ON cron.job_progress
    USING (EXISTS (SELECT 1 FROM cron.job j
                    WHERE j.jobid OPERATOR(pg_catalog.=) job_progress.jobid));
GRANT SELECT ON cron.job_progress TO PUBLIC;

-- Rows written with session_replication_role = replica (a data-only
-- restore with --disable-triggers, a logical replication apply worker) must
-- reach the launcher too: the change triggers fire always.  The validation
-- trigger does not: what a restore writes is kept as it was.
ALTER TABLE cron.job ENABLE ALWAYS TRIGGER job_changed;
ALTER TABLE cron.job ENABLE ALWAYS TRIGGER job_truncated;
/*
 * pg_beat 1.0 -> 1.1, part: chains.  (See update-1.1.sql.)
 *
 * The SQL surface of dependent jobs ("after <job>, ..." schedules) and
 * exclusive groups: the triggers that keep dependencies whole, the API
 * functions that gain arguments, and the views that show what a job waits
 * for and where each chain stands.  update-1.1.sql added the columns;
 * cron.job_check() (C) resolves after schedules into them.
 *
 * Where a signature changes, the function is dropped and created again:
 * every pg_cron-compatible call (positional or named) keeps working, since
 * the new arguments come last and have defaults.
 */

\echo Use "ALTER EXTENSION pg_beat UPDATE TO '1.1'" to load this file. \quit

COMMENT ON COLUMN cron.job.schedule
    IS 'cron expression, macro, interval, or "after <job>, ..." for a dependent job; validated on write';

-- Dependencies stay whole: a renamed upstream job is renamed in the
-- schedules that name it, and a job others run after cannot be removed
-- alone.  Like job_check, these fire on ordinary writes only: what a
-- restore or a replica writes is kept as it was.
CREATE FUNCTION cron.job_renamed()
    RETURNS trigger
    LANGUAGE C
    AS 'MODULE_PATHNAME', 'cron_job_renamed';
COMMENT ON FUNCTION cron.job_renamed()
    IS 'rewrites the after schedules that name a renamed job';

CREATE FUNCTION cron.job_deleted()
    RETURNS trigger
    LANGUAGE C
    AS 'MODULE_PATHNAME', 'cron_job_deleted';
COMMENT ON FUNCTION cron.job_deleted()
    IS 'refuses to remove a job that other jobs run after';

CREATE TRIGGER job_renamed
    AFTER UPDATE OF jobname ON cron.job
    FOR EACH ROW
    WHEN (OLD.jobname IS DISTINCT FROM NEW.jobname)
    EXECUTE FUNCTION cron.job_renamed();
-- AFTER, not BEFORE: a statement that removes a job and its dependents
-- together succeeds whatever order it deletes the rows in.
CREATE TRIGGER job_deleted
    AFTER DELETE ON cron.job
    FOR EACH ROW EXECUTE FUNCTION cron.job_deleted();
COMMENT ON TRIGGER job_renamed ON cron.job IS 'a renamed job keeps its dependents: their schedules name it anew';
COMMENT ON TRIGGER job_deleted ON cron.job IS 'a job other jobs run after is removed only with them';

CREATE FUNCTION cron.quote_job_name(name text)
    RETURNS text
    LANGUAGE C IMMUTABLE STRICT
    AS 'MODULE_PATHNAME', 'cron_quote_job_name';
COMMENT ON FUNCTION cron.quote_job_name(text)
    IS 'a job name as an after schedule writes it: double-quoted unless a plain word';

-- cron.unschedule gains cascade: remove the jobs that run after the job
-- too, transitively, in the same statement.
DROP FUNCTION cron.unschedule(bigint);
DROP FUNCTION cron.unschedule(text);

CREATE FUNCTION cron.unschedule(job_id bigint, cascade boolean DEFAULT false)
    RETURNS boolean
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF job_id IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
            MESSAGE = 'job id must not be null';
    END IF;
    IF unschedule.cascade IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
            MESSAGE = 'cascade must not be null';
    END IF;
    IF unschedule.cascade THEN
        WITH RECURSIVE down(id) AS (
            SELECT j.jobid FROM cron.job j WHERE j.jobid OPERATOR(pg_catalog.=) job_id
            UNION
            SELECT d.jobid FROM cron.job d JOIN down
                ON d.depends_on OPERATOR(pg_catalog.@>) ARRAY[down.id])
        DELETE FROM cron.job j
         WHERE j.jobid OPERATOR(pg_catalog.=) ANY (ARRAY(SELECT down.id FROM down));
    ELSE
        DELETE FROM cron.job j WHERE j.jobid OPERATOR(pg_catalog.=) job_id;
    END IF;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'undefined_object',
            MESSAGE = pg_catalog.format('could not find valid entry for job %s', job_id),
            DETAIL = 'There is no job with that id that you own.';
    END IF;
    RETURN true;
END;
$$;
COMMENT ON FUNCTION cron.unschedule(bigint, boolean)
    IS 'remove one of your jobs by id; with cascade, the jobs that run after it too';

CREATE FUNCTION cron.unschedule(job_name text, cascade boolean DEFAULT false)
    RETURNS boolean
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF job_name IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
            MESSAGE = 'job name must not be null';
    END IF;
    IF unschedule.cascade IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
            MESSAGE = 'cascade must not be null';
    END IF;
    IF unschedule.cascade THEN
        WITH RECURSIVE down(id) AS (
            SELECT j.jobid FROM cron.job j
             WHERE j.jobname OPERATOR(pg_catalog.=) job_name
               AND j.username OPERATOR(pg_catalog.=) CURRENT_USER::pg_catalog.text
            UNION
            SELECT d.jobid FROM cron.job d JOIN down
                ON d.depends_on OPERATOR(pg_catalog.@>) ARRAY[down.id])
        DELETE FROM cron.job j
         WHERE j.jobid OPERATOR(pg_catalog.=) ANY (ARRAY(SELECT down.id FROM down));
    ELSE
        DELETE FROM cron.job j
         WHERE j.jobname OPERATOR(pg_catalog.=) job_name
           AND j.username OPERATOR(pg_catalog.=) CURRENT_USER::pg_catalog.text;
    END IF;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'undefined_object',
            MESSAGE = pg_catalog.format('could not find valid entry for job "%s"', job_name),
            DETAIL = 'There is no job with that name that you own.';
    END IF;
    RETURN true;
END;
$$;
COMMENT ON FUNCTION cron.unschedule(text, boolean)
    IS 'remove one of your jobs by name; with cascade, the jobs that run after it too';

-- schedule_in_database and alter_job gain exclusive_group, last.  An empty
-- string means no group: for alter_job, where NULL leaves a setting as it
-- is, '' is how to take a job out of its group.
DROP FUNCTION cron.schedule_in_database(text, text, text, text, text, boolean, text, interval, integer, interval, text, text, text, interval);

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
                                          overdue_after interval DEFAULT NULL,
                                          exclusive_group text DEFAULT NULL)
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
                               misfire_policy, on_failure, overdue_after,
                               exclusive_group)
    VALUES (schedule, command, 'localhost', pg_catalog.current_setting('port')::pg_catalog.int4,
            database, COALESCE(username, CURRENT_USER::text), active,
            job_name, timezone, timeout, max_retries, retry_delay,
            overlap_policy, misfire_policy, on_failure, overdue_after,
            NULLIF(schedule_in_database.exclusive_group, ''))
    ON CONFLICT ON CONSTRAINT jobname_username_uniq DO UPDATE
        SET schedule = EXCLUDED.schedule, command = EXCLUDED.command,
            database = EXCLUDED.database, active = EXCLUDED.active,
            timezone = EXCLUDED.timezone, timeout = EXCLUDED.timeout,
            max_retries = EXCLUDED.max_retries,
            retry_delay = EXCLUDED.retry_delay,
            overlap_policy = EXCLUDED.overlap_policy,
            misfire_policy = EXCLUDED.misfire_policy,
            on_failure = EXCLUDED.on_failure,
            overdue_after = EXCLUDED.overdue_after,
            exclusive_group = EXCLUDED.exclusive_group
    RETURNING j.jobid INTO new_jobid;
    RETURN new_jobid;
END;
$$;
COMMENT ON FUNCTION cron.schedule_in_database(text, text, text, text, text, boolean, text, interval, integer, interval, text, text, text, interval, text)
    IS 'schedule a named job in another database, with pg_beat''s options; returns its jobid';

DROP FUNCTION cron.alter_job(bigint, text, text, text, text, boolean, text, interval, integer, interval, text, text, text, interval);

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
                               overdue_after interval DEFAULT NULL,
                               exclusive_group text DEFAULT NULL)
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
        overdue_after = COALESCE(alter_job.overdue_after, j.overdue_after),
        exclusive_group = CASE WHEN alter_job.exclusive_group IS NULL THEN j.exclusive_group
                               ELSE NULLIF(alter_job.exclusive_group, '') END
    WHERE j.jobid OPERATOR(pg_catalog.=) job_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'undefined_object',
            MESSAGE = pg_catalog.format('could not find valid entry for job %s', job_id),
            DETAIL = 'There is no job with that id that you own.';
    END IF;
END;
$$;
COMMENT ON FUNCTION cron.alter_job(bigint, text, text, text, text, boolean, text, interval, integer, interval, text, text, text, interval, text)
    IS 'change one of your jobs; NULL arguments leave a setting unchanged, exclusive_group => '''' takes the job out of its group';

-- cron.job_status gains exclusive_group and waiting_for; its 1.0 columns
-- keep their names, types and order.  A dependent job has no next_run of
-- its own (it runs when its upstream jobs are done): NULL.
CREATE OR REPLACE VIEW cron.job_status WITH (security_invoker = true) AS
SELECT j.jobid, j.jobname, j.username, j.database, j.schedule, j.timezone,
       j.active,
       (r.jobid IS NOT NULL) AS running,
       CASE WHEN j.active AND j.depends_outcome IS NULL THEN
           (SELECT n FROM cron.next_runs(j.schedule, 1, pg_catalog.now(), j.timezone) n)
       END AS next_run,
       s.last_run, s.last_status, s.last_duration, s.last_success,
       COALESCE(s.consecutive_failures, 0) AS consecutive_failures,
       COALESCE(s.total_runs, 0) AS total_runs,
       COALESCE(s.total_failures, 0) AS total_failures,
       s.last_lateness,
       -- the age is compared with the threshold: a threshold as large as a
       -- user may write ('100000 years') never overflows a timestamp
       COALESCE(j.active
                AND (pg_catalog.now() OPERATOR(pg_catalog.-) COALESCE(s.last_success, s.first_run))
                    OPERATOR(pg_catalog.>)
                    COALESCE(j.overdue_after,
                             NULLIF(pg_catalog.current_setting('cron.overdue_after')::pg_catalog.interval,
                                    '0'::pg_catalog.interval)),
                false) AS overdue,
       j.exclusive_group,
       CASE
           WHEN r.group_wait THEN
               pg_catalog.format('exclusive group "%s"', j.exclusive_group)
           WHEN r.worker_wait THEN 'a background worker'
           WHEN j.active AND j.depends_outcome IS NOT NULL THEN
               (SELECT pg_catalog.format('after %s (%s)',
                                         pg_catalog.string_agg(cron.quote_job_name(uj.jobname), ', '
                                                               ORDER BY u.ord),
                                         j.depends_outcome)
                  FROM pg_catalog.unnest(j.depends_on) WITH ORDINALITY AS u(id, ord)
                  JOIN cron.job uj ON uj.jobid OPERATOR(pg_catalog.=) u.id
                  LEFT JOIN cron.job_stats us ON us.jobid OPERATOR(pg_catalog.=) u.id
                 WHERE COALESCE(CASE j.depends_outcome
                                    WHEN 'succeeded' THEN us.succeeded_seq
                                    WHEN 'failed' THEN us.failed_seq
                                    ELSE GREATEST(us.succeeded_seq, us.failed_seq)
                                END, 0)
                       OPERATOR(pg_catalog.<=) GREATEST(COALESCE(s.after_seq, 0),
                                                        COALESCE(p.outcomes_from, 0))
                HAVING pg_catalog.count(*) OPERATOR(pg_catalog.>) 0)
       END AS waiting_for
  FROM cron.job j
  LEFT JOIN cron.job_stats s ON s.jobid OPERATOR(pg_catalog.=) j.jobid
  LEFT JOIN cron.job_progress p ON p.jobid OPERATOR(pg_catalog.=) j.jobid
  LEFT JOIN (SELECT rr.jobid,
                    pg_catalog.bool_or(rr.wait_event_type OPERATOR(pg_catalog.=) 'pg_beat'
                                       AND rr.wait_event OPERATOR(pg_catalog.=) 'WaitingForExclusiveGroup') AS group_wait,
                    pg_catalog.bool_or(rr.wait_event_type OPERATOR(pg_catalog.=) 'pg_beat'
                                       AND rr.wait_event OPERATOR(pg_catalog.=) 'WaitingForBackgroundWorker') AS worker_wait
               FROM cron.running_runs() rr
              GROUP BY rr.jobid) r
         ON r.jobid OPERATOR(pg_catalog.=) j.jobid;
COMMENT ON COLUMN cron.job_status.next_run IS 'next fire time from cron.next_runs (for interval schedules: now plus the interval); NULL for a dependent job';
COMMENT ON COLUMN cron.job_status.exclusive_group IS 'the job''s exclusive group, NULL for none';
COMMENT ON COLUMN cron.job_status.waiting_for IS 'what the job waits for: a run waiting for its exclusive group or a background worker, or the upstream jobs a dependent job waits for';

-- Did last night's pipeline finish?  One row per chain, slot and step: a
-- chain is a clock-driven job (its root) and every job that runs after it,
-- directly or not; its slots are the root's runs, and every dependent run
-- of a chain carries the slot of the run it followed.
CREATE VIEW cron.chain_runs WITH (security_invoker = true) AS
WITH RECURSIVE
steps(root, jobid, depth) AS (
    SELECT j.jobid, j.jobid, 0
      FROM cron.job j
     WHERE j.depends_outcome IS NULL
       AND EXISTS (SELECT 1 FROM cron.job d
                    WHERE d.depends_on OPERATOR(pg_catalog.@>) ARRAY[j.jobid])
    UNION
    -- the depth bound stops a cycle that a restore brought in
    SELECT s.root, d.jobid, s.depth OPERATOR(pg_catalog.+) 1
      FROM steps s
      JOIN cron.job d ON d.depends_on OPERATOR(pg_catalog.@>) ARRAY[s.jobid]
     WHERE s.depth OPERATOR(pg_catalog.<) 100
),
chain AS (
    -- a step's place is its longest path from the root: after all it needs
    SELECT s.root, s.jobid, pg_catalog.max(s.depth) AS step
      FROM steps s
     GROUP BY s.root, s.jobid
),
attempts AS (
    -- a run without slot (cron.run_job) is in the slot of its start
    SELECT d.jobid, d.runid, d.attempt, d.status, d.start_time, d.end_time,
           d.return_message,
           COALESCE(d.scheduled_time, f.start_time, d.start_time) AS slot
      FROM cron.job_run_details d
      LEFT JOIN cron.job_run_details f ON f.runid OPERATOR(pg_catalog.=) d.retry_of
     WHERE d.jobid OPERATOR(pg_catalog.=) ANY (ARRAY(SELECT c.jobid FROM chain c))
),
runs AS (
    SELECT a.jobid, a.slot,
           (pg_catalog.array_agg(a.status ORDER BY a.attempt DESC, a.runid DESC))[1] AS status,
           (pg_catalog.array_agg(a.return_message ORDER BY a.attempt DESC, a.runid DESC))[1] AS return_message,
           pg_catalog.count(*) AS attempts,
           pg_catalog.min(a.start_time) AS start_time,
           pg_catalog.max(a.end_time) AS end_time
      FROM attempts a
     WHERE a.slot IS NOT NULL
     GROUP BY a.jobid, a.slot
),
slots AS (
    SELECT c.root, r.slot
      FROM chain c
      JOIN runs r ON r.jobid OPERATOR(pg_catalog.=) c.root
     WHERE c.step OPERATOR(pg_catalog.=) 0
),
per_step AS (
    SELECT sl.root, sl.slot, c.step, j.jobid, j.jobname, r.status,
           r.attempts, r.start_time, r.end_time, r.return_message,
           -- due in this slot: every upstream's run of the slot reached the outcome
           (r.jobid IS NULL AND j.depends_outcome IS NOT NULL
            AND NOT EXISTS (
                SELECT 1
                  FROM pg_catalog.unnest(j.depends_on) AS u(id)
                  LEFT JOIN runs ur ON ur.jobid OPERATOR(pg_catalog.=) u.id
                                   AND ur.slot OPERATOR(pg_catalog.=) sl.slot
                 WHERE NOT COALESCE(ur.status OPERATOR(pg_catalog.=) ANY (
                           CASE j.depends_outcome
                               WHEN 'succeeded' THEN ARRAY['succeeded']
                               WHEN 'failed' THEN ARRAY['failed']
                               ELSE ARRAY['succeeded', 'failed']
                           END), false))) AS due,
           -- never in this slot: an upstream's run of the slot ended otherwise
           (r.jobid IS NULL AND EXISTS (
                SELECT 1
                  FROM pg_catalog.unnest(j.depends_on) AS u(id)
                  JOIN runs ur ON ur.jobid OPERATOR(pg_catalog.=) u.id
                              AND ur.slot OPERATOR(pg_catalog.=) sl.slot
                 WHERE ur.status OPERATOR(pg_catalog.=) ANY (ARRAY['succeeded', 'failed'])
                   AND ur.status OPERATOR(pg_catalog.<>) j.depends_outcome
                   AND j.depends_outcome OPERATOR(pg_catalog.<>) 'finished')) AS excluded
      FROM slots sl
      JOIN chain c ON c.root OPERATOR(pg_catalog.=) sl.root
      JOIN cron.job j ON j.jobid OPERATOR(pg_catalog.=) c.jobid
      LEFT JOIN runs r ON r.jobid OPERATOR(pg_catalog.=) c.jobid
                      AND r.slot OPERATOR(pg_catalog.=) sl.slot
),
state AS (
    SELECT p.root, p.slot,
           pg_catalog.bool_or(p.status OPERATOR(pg_catalog.=) ANY (ARRAY['starting', 'running'])) AS running,
           pg_catalog.bool_or(p.due) AS waiting,
           (pg_catalog.array_agg(COALESCE(cron.quote_job_name(p.jobname), 'job ' OPERATOR(pg_catalog.||) p.jobid)
                                  ORDER BY p.step, p.jobid)
                FILTER (WHERE p.status OPERATOR(pg_catalog.=) 'failed'))[1] AS failed_at
      FROM per_step p
     GROUP BY p.root, p.slot
)
SELECT p.root AS root_jobid, rj.jobname AS root_jobname,
       p.slot AS scheduled_time,
       CASE
           WHEN st.running THEN 'running'
           WHEN st.waiting THEN 'waiting'
           WHEN st.failed_at IS NOT NULL THEN 'failed at ' OPERATOR(pg_catalog.||) st.failed_at
           ELSE 'finished'
       END AS chain_status,
       p.step, p.jobid, p.jobname,
       COALESCE(p.status,
                CASE
                    WHEN p.due THEN 'waiting'
                    WHEN p.excluded THEN 'not run'
                    WHEN st.running OR st.waiting THEN 'pending'
                    ELSE 'not run'
                END) AS status,
       COALESCE(p.attempts, 0) AS attempts,
       p.start_time, p.end_time, p.return_message
  FROM per_step p
  JOIN state st ON st.root OPERATOR(pg_catalog.=) p.root
               AND st.slot OPERATOR(pg_catalog.=) p.slot
  JOIN cron.job rj ON rj.jobid OPERATOR(pg_catalog.=) p.root;
COMMENT ON VIEW cron.chain_runs IS 'one row per chain (a clock-driven job and the jobs that run after it), slot and step: what each step did and where the chain stands';
COMMENT ON COLUMN cron.chain_runs.root_jobid IS 'the clock-driven job that starts the chain';
COMMENT ON COLUMN cron.chain_runs.scheduled_time IS 'the slot: a run of the root, which every dependent run of the chain carries';
COMMENT ON COLUMN cron.chain_runs.chain_status IS 'running, waiting (a step is due and has not started), failed at <job> (the first step that failed), or finished';
COMMENT ON COLUMN cron.chain_runs.step IS '0 for the root, else the longest path from it';
COMMENT ON COLUMN cron.chain_runs.status IS 'the final attempt''s status in this slot; else waiting (due, not started), pending (may still run: the chain goes on) or not run';
COMMENT ON COLUMN cron.chain_runs.attempts IS 'attempts in this slot';
GRANT SELECT ON cron.chain_runs TO PUBLIC;
/*
 * pg_beat 1.0 -> 1.1, part: metrics.  (See update-1.1.sql.)
 *
 * The scheduler's health for a monitoring system (postgres_exporter and
 * Prometheus, monitoring/ in the source tree): per job, counters and the
 * latest outcome; for the scheduler, the launcher's liveness and the runs in
 * flight and waiting.
 *
 * The figures live in a schema of their own, cron_metrics, so that a
 * monitoring role needs no right in schema cron (USAGE there lets a role
 * schedule jobs).  Members of pg_monitor may use it; any other role needs
 *
 *     GRANT USAGE ON SCHEMA cron_metrics TO monitor;
 *     GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA cron_metrics TO monitor;
 *
 * and sees every job's name, owner, database and figures, never a command,
 * a schedule or a message.  cron_metrics.jobs() is SECURITY DEFINER (row-
 * level security would otherwise show a monitoring role no job), pins its
 * search_path and bounds its wait for a lock: a scrape never waits long on a
 * session that locked cron.job, and it takes only the AccessShareLock of a
 * plain read, which the launcher's writes never wait for.
 * cron_metrics.scheduler() reads shared memory only (src/metrics.c).
 */

\echo Use "ALTER EXTENSION pg_beat UPDATE TO '1.1'" to load this file. \quit

CREATE SCHEMA cron_metrics;
COMMENT ON SCHEMA cron_metrics IS 'pg_beat figures for monitoring; usable by pg_monitor';
GRANT USAGE ON SCHEMA cron_metrics TO pg_monitor;

CREATE FUNCTION cron_metrics.scheduler(
    OUT launcher_up boolean,
    OUT launcher_pid integer,
    OUT launcher_started timestamptz,
    OUT last_wakeup timestamptz,
    OUT launch_active boolean,
    OUT run_slots integer,
    OUT runs_in_flight integer,
    OUT runs_waiting_for_worker integer,
    OUT runs_waiting_for_slot integer,
    OUT runs_waiting_for_group integer,
    OUT runs_started bigint,
    OUT runs_started_last_minute bigint,
    OUT purge_backlog bigint,
    OUT purge_backlog_at_least boolean,
    OUT purge_backlog_at timestamptz)
    RETURNS record
    LANGUAGE C VOLATILE
    AS 'MODULE_PATHNAME', 'cron_metrics_scheduler';
COMMENT ON FUNCTION cron_metrics.scheduler()
    IS 'the scheduler''s health, from shared memory: launcher alive, last wake-up, runs in flight, waiting and started, history purge backlog';
REVOKE ALL ON FUNCTION cron_metrics.scheduler() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cron_metrics.scheduler() TO pg_monitor;

-- overdue compares the age of the last success with the threshold (never
-- now() minus the threshold, which overflows for a huge overdue_after), so
-- that no job's settings can make the whole scrape fail.
CREATE FUNCTION cron_metrics.jobs(
    OUT jobid bigint,
    OUT jobname text,
    OUT owner text,
    OUT database text,
    OUT active boolean,
    OUT running integer,
    OUT overdue boolean,
    OUT consecutive_failures integer,
    OUT runs bigint,
    OUT failures bigint,
    OUT skipped bigint,
    OUT last_run timestamptz,
    OUT last_success timestamptz,
    OUT last_status text,
    OUT last_duration double precision,
    OUT last_lateness double precision,
    OUT overdue_after double precision)
    RETURNS SETOF record
    LANGUAGE sql VOLATILE
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    SET lock_timeout = '5s'
    AS $$
SELECT j.jobid, j.jobname, j.username, j.database, j.active,
       COALESCE(r.n, 0)::integer,
       COALESCE(j.active
                AND t.threshold IS NOT NULL
                AND pg_catalog.now() OPERATOR(pg_catalog.-)
                    COALESCE(s.last_success, s.first_run) OPERATOR(pg_catalog.>) t.threshold,
                false),
       COALESCE(s.consecutive_failures, 0),
       COALESCE(s.total_runs, 0),
       COALESCE(s.total_failures, 0),
       COALESCE(s.total_skipped, 0),
       s.last_run, s.last_success, s.last_status,
       pg_catalog.date_part('epoch', s.last_duration),
       pg_catalog.date_part('epoch', s.last_lateness),
       pg_catalog.date_part('epoch', t.threshold)
  FROM cron.job j
  LEFT JOIN cron.job_stats s ON s.jobid OPERATOR(pg_catalog.=) j.jobid
  LEFT JOIN (SELECT rr.jobid, pg_catalog.count(*) AS n
               FROM cron.running_runs() rr GROUP BY rr.jobid) r
         ON r.jobid OPERATOR(pg_catalog.=) j.jobid
  CROSS JOIN LATERAL (
      SELECT COALESCE(j.overdue_after,
                      NULLIF(pg_catalog.current_setting('cron.overdue_after')::pg_catalog.interval,
                             '0'::pg_catalog.interval)) AS threshold) t
 ORDER BY j.jobid
$$;
COMMENT ON FUNCTION cron_metrics.jobs()
    IS 'one row per job, every role''s: counters that survive history purges, the latest outcome, lateness, running, overdue; no commands';
REVOKE ALL ON FUNCTION cron_metrics.jobs() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cron_metrics.jobs() TO pg_monitor;
/*
 * pg_beat 1.1 -> 1.2, part 1: what a restart knows of an interrupted run.
 *
 * This file, then update-1.2-grants.sql, make pg_beat--1.1--1.2.sql (ALTER
 * EXTENSION pg_beat UPDATE) and the tail of pg_beat--1.2.sql (CREATE
 * EXTENSION): a fresh 1.2 runs exactly the statements an upgraded 1.1 ran.
 */

\echo Use "ALTER EXTENSION pg_beat UPDATE TO '1.2'" to load this file. \quit

-- What a restart knows of a run it interrupted.  A job session running in
-- the launcher's database writes one row here inside each transaction of
-- the command that writes to the database, just before that transaction
-- commits (final: the commit that ends the command).  The row commits with
-- the transaction or not at all, so after a crash or a failover the rows
-- of a run say exactly what of its command committed: nothing (no row: the
-- run failed and may be retried), all of it (a final row: the run
-- succeeded), or a part.  A session in another database cannot write
-- here in its own transactions: the launcher records its final
-- transaction's id before it commits, and pg_xact_status tells a restart
-- whether it did.  The launcher deletes the rows once the run's outcome is
-- recorded.  Launcher state: no privilege for PUBLIC, not part of a dump.
CREATE TABLE cron.run_commits (
    runid bigint NOT NULL,
    final boolean,
    xid pg_catalog.xid8
);
CREATE INDEX run_commits_runid_idx ON cron.run_commits (runid);
COMMENT ON TABLE cron.run_commits IS 'launcher state: the committed writing transactions of runs whose outcome is not recorded yet';
COMMENT ON COLUMN cron.run_commits.runid IS 'the run';
COMMENT ON COLUMN cron.run_commits.xid IS 'for a run in another database: its final transaction, recorded by the launcher before it committed (pg_xact_status tells whether it did); NULL for a row the run wrote itself';
COMMENT ON COLUMN cron.run_commits.final IS 'true for the commit that ended the command, false for an earlier one (a COMMIT inside the command); NULL marks a run already in flight when 1.2 was installed, whose commits were not all recorded';
ALTER TABLE cron.run_commits ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON cron.run_commits FROM PUBLIC;

-- Runs in flight now began before their sessions recorded commits: a
-- restart must not read the absence of rows as "nothing committed".
INSERT INTO cron.run_commits (runid, final)
SELECT runid, NULL FROM cron.job_run_details
 WHERE status OPERATOR(pg_catalog.=) ANY (ARRAY['starting', 'running']::pg_catalog.text[]);
/*
 * pg_beat 1.1 -> 1.2, part 2: ordinary roles hold no write privilege on the
 * catalog; they change their jobs through the API.
 *
 * Up to 1.1, PUBLIC held INSERT, UPDATE and DELETE on cron.job and DELETE
 * on cron.job_run_details, and the API wrote them with the caller's rights;
 * the trigger cron.job_check() and row-level security decided which rows.
 * But a table privilege beyond SELECT also lets its holder LOCK the table
 * in a strong mode (DELETE suffices for ACCESS EXCLUSIVE), directly or
 * through a view of their own, and hold the lock as long as they like: any
 * role with USAGE on schema cron could stall the launcher, and every job
 * with it.  From 1.2 PUBLIC holds SELECT only (a lock no stronger than
 * ACCESS SHARE, which the launcher never waits for), as pg_cron grants on
 * cron.job.
 *
 * The API functions keep their signatures, defaults and behaviour, and
 * write as the extension's owner on behalf of the caller, as pg_cron's do:
 * each becomes a C function (cron_api_call, src/api_call.c) that calls its
 * implementation cron._<name>_impl(api_caller oid, <the same arguments>)
 * with the user id switched to the extension's owner, and back.  The
 * implementations are the former bodies, with the caller in place of
 * CURRENT_USER, and with the filtering row-level security did for the
 * caller spelled out, since the owner is not subject to it: a job of
 * another role is as invisible to cron.unschedule and cron.alter_job as
 * before.  EXECUTE on them is revoked from PUBLIC.  cron.job_check() and
 * the other triggers judge by the caller too (beat_acting_user()).
 *
 * Like the rest of the install script, everything is schema-qualified and
 * every implementation pins search_path: nothing a user creates runs while
 * the API writes as the owner.
 */

-- ---- grants ---------------------------------------------------------------

-- SELECT stays everywhere: roles read their own jobs and history through
-- row-level security.  Nothing else in schema cron grants PUBLIC more than
-- SELECT (cron.job_stats, cron.job_progress, cron.runid_seq,
-- cron.outcome_seq, and the views, whose strong locks need a privilege on
-- the view itself).
REVOKE INSERT, UPDATE, DELETE ON cron.job FROM PUBLIC;
REVOKE DELETE ON cron.job_run_details FROM PUBLIC;
REVOKE USAGE ON SEQUENCE cron.jobid_seq FROM PUBLIC;

-- ---- cron.schedule(schedule, command) -------------------------------------

CREATE FUNCTION cron._schedule_impl(api_caller oid, schedule text, command text)
    RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    v_caller text;
    new_jobid bigint;
BEGIN
    SELECT r.rolname INTO v_caller
      FROM pg_catalog.pg_roles r WHERE r.oid OPERATOR(pg_catalog.=) api_caller;
    INSERT INTO cron.job (schedule, command, nodename, nodeport, database, username)
    VALUES (schedule, command, 'localhost', pg_catalog.current_setting('port')::pg_catalog.int4,
            pg_catalog.current_database(), v_caller)
    RETURNING jobid INTO new_jobid;
    RETURN new_jobid;
END;
$$;
COMMENT ON FUNCTION cron._schedule_impl(oid, text, text)
    IS 'implementation of cron.schedule(text, text), called as the extension''s owner for the role api_caller';
REVOKE ALL ON FUNCTION cron._schedule_impl(oid, text, text) FROM PUBLIC;

CREATE OR REPLACE FUNCTION cron.schedule(schedule text, command text)
    RETURNS bigint
    LANGUAGE C
    AS 'MODULE_PATHNAME', 'cron_api_call';

-- ---- cron.schedule(job_name, schedule, command) ---------------------------

CREATE FUNCTION cron._schedule_impl(api_caller oid, job_name text, schedule text, command text)
    RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    v_caller text;
    new_jobid bigint;
BEGIN
    IF job_name IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
            MESSAGE = 'job name must not be null',
            HINT = 'Use cron.schedule(schedule, command) for a job without a name.';
    END IF;
    SELECT r.rolname INTO v_caller
      FROM pg_catalog.pg_roles r WHERE r.oid OPERATOR(pg_catalog.=) api_caller;
    -- the conflict is with the caller's own job of that name
    INSERT INTO cron.job AS j (schedule, command, nodename, nodeport, database, username, jobname)
    VALUES (schedule, command, 'localhost', pg_catalog.current_setting('port')::pg_catalog.int4,
            pg_catalog.current_database(), v_caller, job_name)
    ON CONFLICT ON CONSTRAINT jobname_username_uniq DO UPDATE
        SET schedule = EXCLUDED.schedule, command = EXCLUDED.command
    RETURNING j.jobid INTO new_jobid;
    RETURN new_jobid;
END;
$$;
COMMENT ON FUNCTION cron._schedule_impl(oid, text, text, text)
    IS 'implementation of cron.schedule(text, text, text), called as the extension''s owner for the role api_caller';
REVOKE ALL ON FUNCTION cron._schedule_impl(oid, text, text, text) FROM PUBLIC;

CREATE OR REPLACE FUNCTION cron.schedule(job_name text, schedule text, command text)
    RETURNS bigint
    LANGUAGE C
    AS 'MODULE_PATHNAME', 'cron_api_call';

-- ---- cron.schedule_in_database --------------------------------------------

CREATE FUNCTION cron._schedule_in_database_impl(api_caller oid,
                                                job_name text,
                                                schedule text,
                                                command text,
                                                database text,
                                                username text,
                                                active boolean,
                                                timezone text,
                                                timeout interval,
                                                max_retries integer,
                                                retry_delay interval,
                                                overlap_policy text,
                                                misfire_policy text,
                                                on_failure text,
                                                overdue_after interval,
                                                exclusive_group text)
    RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    v_caller text;
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
    SELECT r.rolname INTO v_caller
      FROM pg_catalog.pg_roles r WHERE r.oid OPERATOR(pg_catalog.=) api_caller;
    -- cron.job_check() refuses an owner other than the caller to a
    -- non-superuser, before the insert can meet another role's job
    INSERT INTO cron.job AS j (schedule, command, nodename, nodeport, database,
                               username, active, jobname, timezone, timeout,
                               max_retries, retry_delay, overlap_policy,
                               misfire_policy, on_failure, overdue_after,
                               exclusive_group)
    VALUES (schedule, command, 'localhost', pg_catalog.current_setting('port')::pg_catalog.int4,
            database, COALESCE(username, v_caller), active,
            job_name, timezone, timeout, max_retries, retry_delay,
            overlap_policy, misfire_policy, on_failure, overdue_after,
            NULLIF(_schedule_in_database_impl.exclusive_group, ''))
    ON CONFLICT ON CONSTRAINT jobname_username_uniq DO UPDATE
        SET schedule = EXCLUDED.schedule, command = EXCLUDED.command,
            database = EXCLUDED.database, active = EXCLUDED.active,
            timezone = EXCLUDED.timezone, timeout = EXCLUDED.timeout,
            max_retries = EXCLUDED.max_retries,
            retry_delay = EXCLUDED.retry_delay,
            overlap_policy = EXCLUDED.overlap_policy,
            misfire_policy = EXCLUDED.misfire_policy,
            on_failure = EXCLUDED.on_failure,
            overdue_after = EXCLUDED.overdue_after,
            exclusive_group = EXCLUDED.exclusive_group
    RETURNING j.jobid INTO new_jobid;
    RETURN new_jobid;
END;
$$;
COMMENT ON FUNCTION cron._schedule_in_database_impl(oid, text, text, text, text, text, boolean, text, interval, integer, interval, text, text, text, interval, text)
    IS 'implementation of cron.schedule_in_database, called as the extension''s owner for the role api_caller';
REVOKE ALL ON FUNCTION cron._schedule_in_database_impl(oid, text, text, text, text, text, boolean, text, interval, integer, interval, text, text, text, interval, text) FROM PUBLIC;

CREATE OR REPLACE FUNCTION cron.schedule_in_database(job_name text,
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
                                                     overdue_after interval DEFAULT NULL,
                                                     exclusive_group text DEFAULT NULL)
    RETURNS bigint
    LANGUAGE C
    AS 'MODULE_PATHNAME', 'cron_api_call';

-- ---- cron.unschedule(job_id, cascade) -------------------------------------

CREATE FUNCTION cron._unschedule_impl(api_caller oid, job_id bigint, cascade boolean)
    RETURNS boolean
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    v_caller text;
    v_sees_all boolean;
BEGIN
    IF job_id IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
            MESSAGE = 'job id must not be null';
    END IF;
    IF _unschedule_impl.cascade IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
            MESSAGE = 'cascade must not be null';
    END IF;
    -- the jobs row-level security would show the caller: all of them to a
    -- superuser, a role with BYPASSRLS or the table's owner, else their own
    SELECT r.rolname, r.rolsuper OR r.rolbypassrls
                      OR pg_catalog.pg_has_role(r.oid, c.relowner, 'USAGE')
      INTO v_caller, v_sees_all
      FROM pg_catalog.pg_roles r, pg_catalog.pg_class c
     WHERE r.oid OPERATOR(pg_catalog.=) api_caller
       AND c.oid OPERATOR(pg_catalog.=) 'cron.job'::pg_catalog.regclass;
    IF _unschedule_impl.cascade THEN
        WITH RECURSIVE down(id) AS (
            SELECT j.jobid FROM cron.job j
             WHERE j.jobid OPERATOR(pg_catalog.=) job_id
               AND (v_sees_all OR j.username OPERATOR(pg_catalog.=) v_caller)
            UNION
            SELECT d.jobid FROM cron.job d JOIN down
                ON d.depends_on OPERATOR(pg_catalog.@>) ARRAY[down.id]
             WHERE v_sees_all OR d.username OPERATOR(pg_catalog.=) v_caller)
        DELETE FROM cron.job j
         WHERE j.jobid OPERATOR(pg_catalog.=) ANY (ARRAY(SELECT down.id FROM down));
    ELSE
        DELETE FROM cron.job j
         WHERE j.jobid OPERATOR(pg_catalog.=) job_id
           AND (v_sees_all OR j.username OPERATOR(pg_catalog.=) v_caller);
    END IF;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'undefined_object',
            MESSAGE = pg_catalog.format('could not find valid entry for job %s', job_id),
            DETAIL = 'There is no job with that id that you own.';
    END IF;
    RETURN true;
END;
$$;
COMMENT ON FUNCTION cron._unschedule_impl(oid, bigint, boolean)
    IS 'implementation of cron.unschedule(bigint, boolean), called as the extension''s owner for the role api_caller';
REVOKE ALL ON FUNCTION cron._unschedule_impl(oid, bigint, boolean) FROM PUBLIC;

CREATE OR REPLACE FUNCTION cron.unschedule(job_id bigint, cascade boolean DEFAULT false)
    RETURNS boolean
    LANGUAGE C
    AS 'MODULE_PATHNAME', 'cron_api_call';

-- ---- cron.unschedule(job_name, cascade) -----------------------------------

CREATE FUNCTION cron._unschedule_impl(api_caller oid, job_name text, cascade boolean)
    RETURNS boolean
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    v_caller text;
    v_sees_all boolean;
BEGIN
    IF job_name IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
            MESSAGE = 'job name must not be null';
    END IF;
    IF _unschedule_impl.cascade IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
            MESSAGE = 'cascade must not be null';
    END IF;
    -- a name means one of the caller's own jobs, for a superuser too; the
    -- jobs that run after it are those row-level security would show
    SELECT r.rolname, r.rolsuper OR r.rolbypassrls
                      OR pg_catalog.pg_has_role(r.oid, c.relowner, 'USAGE')
      INTO v_caller, v_sees_all
      FROM pg_catalog.pg_roles r, pg_catalog.pg_class c
     WHERE r.oid OPERATOR(pg_catalog.=) api_caller
       AND c.oid OPERATOR(pg_catalog.=) 'cron.job'::pg_catalog.regclass;
    IF _unschedule_impl.cascade THEN
        WITH RECURSIVE down(id) AS (
            SELECT j.jobid FROM cron.job j
             WHERE j.jobname OPERATOR(pg_catalog.=) job_name
               AND j.username OPERATOR(pg_catalog.=) v_caller
            UNION
            SELECT d.jobid FROM cron.job d JOIN down
                ON d.depends_on OPERATOR(pg_catalog.@>) ARRAY[down.id]
             WHERE v_sees_all OR d.username OPERATOR(pg_catalog.=) v_caller)
        DELETE FROM cron.job j
         WHERE j.jobid OPERATOR(pg_catalog.=) ANY (ARRAY(SELECT down.id FROM down));
    ELSE
        DELETE FROM cron.job j
         WHERE j.jobname OPERATOR(pg_catalog.=) job_name
           AND j.username OPERATOR(pg_catalog.=) v_caller;
    END IF;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'undefined_object',
            MESSAGE = pg_catalog.format('could not find valid entry for job "%s"', job_name),
            DETAIL = 'There is no job with that name that you own.';
    END IF;
    RETURN true;
END;
$$;
COMMENT ON FUNCTION cron._unschedule_impl(oid, text, boolean)
    IS 'implementation of cron.unschedule(text, boolean), called as the extension''s owner for the role api_caller';
REVOKE ALL ON FUNCTION cron._unschedule_impl(oid, text, boolean) FROM PUBLIC;

CREATE OR REPLACE FUNCTION cron.unschedule(job_name text, cascade boolean DEFAULT false)
    RETURNS boolean
    LANGUAGE C
    AS 'MODULE_PATHNAME', 'cron_api_call';

-- ---- cron.alter_job -------------------------------------------------------

CREATE FUNCTION cron._alter_job_impl(api_caller oid,
                                     job_id bigint,
                                     schedule text,
                                     command text,
                                     database text,
                                     username text,
                                     active boolean,
                                     timezone text,
                                     timeout interval,
                                     max_retries integer,
                                     retry_delay interval,
                                     overlap_policy text,
                                     misfire_policy text,
                                     on_failure text,
                                     overdue_after interval,
                                     exclusive_group text)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    v_caller text;
    v_sees_all boolean;
BEGIN
    IF job_id IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
            MESSAGE = 'job id must not be null';
    END IF;
    -- the jobs row-level security would show the caller (see _unschedule_impl)
    SELECT r.rolname, r.rolsuper OR r.rolbypassrls
                      OR pg_catalog.pg_has_role(r.oid, c.relowner, 'USAGE')
      INTO v_caller, v_sees_all
      FROM pg_catalog.pg_roles r, pg_catalog.pg_class c
     WHERE r.oid OPERATOR(pg_catalog.=) api_caller
       AND c.oid OPERATOR(pg_catalog.=) 'cron.job'::pg_catalog.regclass;
    UPDATE cron.job j SET
        schedule = COALESCE(_alter_job_impl.schedule, j.schedule),
        command = COALESCE(_alter_job_impl.command, j.command),
        database = COALESCE(_alter_job_impl.database, j.database),
        username = COALESCE(_alter_job_impl.username, j.username),
        active = COALESCE(_alter_job_impl.active, j.active),
        timezone = COALESCE(_alter_job_impl.timezone, j.timezone),
        timeout = COALESCE(_alter_job_impl.timeout, j.timeout),
        max_retries = COALESCE(_alter_job_impl.max_retries, j.max_retries),
        retry_delay = COALESCE(_alter_job_impl.retry_delay, j.retry_delay),
        overlap_policy = COALESCE(_alter_job_impl.overlap_policy, j.overlap_policy),
        misfire_policy = COALESCE(_alter_job_impl.misfire_policy, j.misfire_policy),
        on_failure = COALESCE(_alter_job_impl.on_failure, j.on_failure),
        overdue_after = COALESCE(_alter_job_impl.overdue_after, j.overdue_after),
        exclusive_group = CASE WHEN _alter_job_impl.exclusive_group IS NULL THEN j.exclusive_group
                               ELSE NULLIF(_alter_job_impl.exclusive_group, '') END
    WHERE j.jobid OPERATOR(pg_catalog.=) job_id
      AND (v_sees_all OR j.username OPERATOR(pg_catalog.=) v_caller);
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'undefined_object',
            MESSAGE = pg_catalog.format('could not find valid entry for job %s', job_id),
            DETAIL = 'There is no job with that id that you own.';
    END IF;
END;
$$;
COMMENT ON FUNCTION cron._alter_job_impl(oid, bigint, text, text, text, text, boolean, text, interval, integer, interval, text, text, text, interval, text)
    IS 'implementation of cron.alter_job, called as the extension''s owner for the role api_caller';
REVOKE ALL ON FUNCTION cron._alter_job_impl(oid, bigint, text, text, text, text, boolean, text, interval, integer, interval, text, text, text, interval, text) FROM PUBLIC;

CREATE OR REPLACE FUNCTION cron.alter_job(job_id bigint,
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
                                          overdue_after interval DEFAULT NULL,
                                          exclusive_group text DEFAULT NULL)
    RETURNS void
    LANGUAGE C
    AS 'MODULE_PATHNAME', 'cron_api_call';

-- ---- cron.delete_run_details ----------------------------------------------

-- What DELETE on cron.job_run_details gave: a role deletes its own history
-- (pg_cron grants DELETE there).  Rows of runs still in flight have no
-- end_time and are never deleted; the launcher writes them until they end.
CREATE FUNCTION cron._delete_run_details_impl(api_caller oid,
                                              ended_before timestamptz,
                                              job_id bigint)
    RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    v_caller text;
    v_sees_all boolean;
    v_count bigint;
BEGIN
    IF ended_before IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
            MESSAGE = 'ended_before must not be null',
            HINT = 'Pass ''infinity'' to delete every run that ended.';
    END IF;
    -- the rows row-level security would show the caller
    SELECT r.rolname, r.rolsuper OR r.rolbypassrls
                      OR pg_catalog.pg_has_role(r.oid, c.relowner, 'USAGE')
      INTO v_caller, v_sees_all
      FROM pg_catalog.pg_roles r, pg_catalog.pg_class c
     WHERE r.oid OPERATOR(pg_catalog.=) api_caller
       AND c.oid OPERATOR(pg_catalog.=) 'cron.job_run_details'::pg_catalog.regclass;
    DELETE FROM cron.job_run_details d
     WHERE d.end_time OPERATOR(pg_catalog.<) ended_before
       AND NOT COALESCE(d.status OPERATOR(pg_catalog.=) ANY (ARRAY['starting', 'running']), false)
       AND (job_id IS NULL OR d.jobid OPERATOR(pg_catalog.=) job_id)
       AND (v_sees_all OR d.username OPERATOR(pg_catalog.=) v_caller);
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END;
$$;
COMMENT ON FUNCTION cron._delete_run_details_impl(oid, timestamptz, bigint)
    IS 'implementation of cron.delete_run_details, called as the extension''s owner for the role api_caller';
REVOKE ALL ON FUNCTION cron._delete_run_details_impl(oid, timestamptz, bigint) FROM PUBLIC;

CREATE FUNCTION cron.delete_run_details(ended_before timestamptz DEFAULT pg_catalog.now(),
                                        job_id bigint DEFAULT NULL)
    RETURNS bigint
    LANGUAGE C
    AS 'MODULE_PATHNAME', 'cron_api_call';
COMMENT ON FUNCTION cron.delete_run_details(timestamptz, bigint)
    IS 'delete the history of your runs that ended before ended_before (default now), of one job or of all; returns how many rows; runs in flight are kept';

-- ---- cron.rename_job and cron.reset_job -----------------------------------

-- Two writes ordinary roles made with UPDATE before 1.2 and that
-- cron.alter_job cannot express: a new name (a rename keeps the job's
-- dependents: cron.job_renamed() rewrites their schedules), and a setting
-- back to its default (alter_job reads NULL as "unchanged").

CREATE FUNCTION cron._rename_job_impl(api_caller oid, job_id bigint, new_name text)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    v_caller text;
    v_sees_all boolean;
    v_owner text;
BEGIN
    IF job_id IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
            MESSAGE = 'job id must not be null';
    END IF;
    -- the jobs row-level security would show the caller (see _unschedule_impl)
    SELECT r.rolname, r.rolsuper OR r.rolbypassrls
                      OR pg_catalog.pg_has_role(r.oid, c.relowner, 'USAGE')
      INTO v_caller, v_sees_all
      FROM pg_catalog.pg_roles r, pg_catalog.pg_class c
     WHERE r.oid OPERATOR(pg_catalog.=) api_caller
       AND c.oid OPERATOR(pg_catalog.=) 'cron.job'::pg_catalog.regclass;
    BEGIN
        UPDATE cron.job j SET jobname = new_name
         WHERE j.jobid OPERATOR(pg_catalog.=) job_id
           AND (v_sees_all OR j.username OPERATOR(pg_catalog.=) v_caller)
        RETURNING j.username INTO v_owner;
    EXCEPTION WHEN unique_violation THEN
        RAISE EXCEPTION USING ERRCODE = 'unique_violation',
            MESSAGE = pg_catalog.format('job name "%s" is already taken', new_name),
            DETAIL = 'A job name is unique among the jobs of its owner.',
            HINT = 'Rename or unschedule the other job first.';
    END;
    IF v_owner IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'undefined_object',
            MESSAGE = pg_catalog.format('could not find valid entry for job %s', job_id),
            DETAIL = 'There is no job with that id that you own.';
    END IF;
END;
$$;
COMMENT ON FUNCTION cron._rename_job_impl(oid, bigint, text)
    IS 'implementation of cron.rename_job, called as the extension''s owner for the role api_caller';
REVOKE ALL ON FUNCTION cron._rename_job_impl(oid, bigint, text) FROM PUBLIC;

CREATE FUNCTION cron.rename_job(job_id bigint, new_name text)
    RETURNS void
    LANGUAGE C
    AS 'MODULE_PATHNAME', 'cron_api_call';
COMMENT ON FUNCTION cron.rename_job(bigint, text)
    IS 'give one of your jobs a new name (NULL: no name); the schedules of the jobs that run after it name it anew';

CREATE FUNCTION cron._reset_job_impl(api_caller oid, job_id bigint, settings text[])
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    v_known text[] := ARRAY['timezone', 'timeout', 'max_retries', 'retry_delay',
                            'overlap_policy', 'misfire_policy', 'on_failure',
                            'overdue_after', 'exclusive_group'];
    v_caller text;
    v_sees_all boolean;
    v_unknown text;
BEGIN
    IF job_id IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
            MESSAGE = 'job id must not be null';
    END IF;
    IF settings IS NULL OR pg_catalog.array_position(settings, NULL) IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
            MESSAGE = 'setting names must not be null';
    END IF;
    SELECT s INTO v_unknown
      FROM pg_catalog.unnest(settings) s
     WHERE s OPERATOR(pg_catalog.<>) ALL (v_known)
     LIMIT 1;
    IF v_unknown IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
            MESSAGE = pg_catalog.format('cannot reset job setting "%s"', v_unknown),
            HINT = 'Settings that have a default: ' OPERATOR(pg_catalog.||)
                   pg_catalog.array_to_string(v_known, ', ') OPERATOR(pg_catalog.||)
                   '.  Use cron.alter_job to change the others.';
    END IF;
    -- the jobs row-level security would show the caller (see _unschedule_impl)
    SELECT r.rolname, r.rolsuper OR r.rolbypassrls
                      OR pg_catalog.pg_has_role(r.oid, c.relowner, 'USAGE')
      INTO v_caller, v_sees_all
      FROM pg_catalog.pg_roles r, pg_catalog.pg_class c
     WHERE r.oid OPERATOR(pg_catalog.=) api_caller
       AND c.oid OPERATOR(pg_catalog.=) 'cron.job'::pg_catalog.regclass;
    -- the defaults of a new job (cron.job's column defaults, and NULL)
    UPDATE cron.job j SET
        timezone = CASE WHEN 'timezone' OPERATOR(pg_catalog.=) ANY (settings)
                        THEN NULL ELSE j.timezone END,
        timeout = CASE WHEN 'timeout' OPERATOR(pg_catalog.=) ANY (settings)
                       THEN NULL ELSE j.timeout END,
        max_retries = CASE WHEN 'max_retries' OPERATOR(pg_catalog.=) ANY (settings)
                           THEN 0 ELSE j.max_retries END,
        retry_delay = CASE WHEN 'retry_delay' OPERATOR(pg_catalog.=) ANY (settings)
                           THEN '10 seconds'::pg_catalog.interval ELSE j.retry_delay END,
        overlap_policy = CASE WHEN 'overlap_policy' OPERATOR(pg_catalog.=) ANY (settings)
                              THEN 'queue' ELSE j.overlap_policy END,
        misfire_policy = CASE WHEN 'misfire_policy' OPERATOR(pg_catalog.=) ANY (settings)
                              THEN 'skip' ELSE j.misfire_policy END,
        on_failure = CASE WHEN 'on_failure' OPERATOR(pg_catalog.=) ANY (settings)
                          THEN NULL ELSE j.on_failure END,
        overdue_after = CASE WHEN 'overdue_after' OPERATOR(pg_catalog.=) ANY (settings)
                             THEN NULL ELSE j.overdue_after END,
        exclusive_group = CASE WHEN 'exclusive_group' OPERATOR(pg_catalog.=) ANY (settings)
                               THEN NULL ELSE j.exclusive_group END
    WHERE j.jobid OPERATOR(pg_catalog.=) job_id
      AND (v_sees_all OR j.username OPERATOR(pg_catalog.=) v_caller);
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'undefined_object',
            MESSAGE = pg_catalog.format('could not find valid entry for job %s', job_id),
            DETAIL = 'There is no job with that id that you own.';
    END IF;
END;
$$;
COMMENT ON FUNCTION cron._reset_job_impl(oid, bigint, text[])
    IS 'implementation of cron.reset_job, called as the extension''s owner for the role api_caller';
REVOKE ALL ON FUNCTION cron._reset_job_impl(oid, bigint, text[]) FROM PUBLIC;

CREATE FUNCTION cron.reset_job(job_id bigint, VARIADIC settings text[])
    RETURNS void
    LANGUAGE C
    AS 'MODULE_PATHNAME', 'cron_api_call';
COMMENT ON FUNCTION cron.reset_job(bigint, text[])
    IS 'set settings of one of your jobs back to their defaults (timezone, timeout, on_failure, overdue_after, exclusive_group: none), which cron.alter_job cannot';
