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
