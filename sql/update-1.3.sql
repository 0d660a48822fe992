/*
 * pg_beat 1.2 -> 1.3: ordinary roles hold no write privilege on the
 * catalog; they change their jobs through the API.  (1.2 reserved
 * sql/update-1.2-grants.sql for this, but was released with a comment there
 * alone: the change is 1.3's.)
 *
 * Up to 1.2, PUBLIC held INSERT, UPDATE and DELETE on cron.job and DELETE
 * on cron.job_run_details, and the API wrote them with the caller's rights;
 * the trigger cron.job_check() and row-level security decided which rows.
 * But a table privilege beyond SELECT also lets its holder LOCK the table
 * in a strong mode (DELETE suffices for ACCESS EXCLUSIVE), directly or
 * through a view of their own, and hold the lock as long as they like: any
 * role with USAGE on schema cron could stall the launcher, and every job
 * with it.  From 1.3 PUBLIC holds SELECT only (a lock no stronger than
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

-- ---- who the caller is, and which rows they may see -----------------------

-- The rows of a table row-level security would show the caller: all of them
-- to a superuser, a role with BYPASSRLS or a member of the table's owner,
-- else their own.  The implementations run as the extension's owner, whom
-- RLS does not filter, so they filter by this.
CREATE FUNCTION cron._api_caller(api_caller oid, tbl regclass,
                                 OUT caller_name text, OUT sees_all boolean)
    LANGUAGE sql
    STABLE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT r.rolname, r.rolsuper OR r.rolbypassrls
                      OR pg_catalog.pg_has_role(r.oid, c.relowner, 'USAGE')
      FROM pg_catalog.pg_roles r, pg_catalog.pg_class c
     WHERE r.oid OPERATOR(pg_catalog.=) api_caller
       AND c.oid OPERATOR(pg_catalog.=) tbl
$$;
COMMENT ON FUNCTION cron._api_caller(oid, regclass)
    IS 'the API caller''s name, and whether row-level security would show them every row of the table';
REVOKE ALL ON FUNCTION cron._api_caller(oid, regclass) FROM PUBLIC;

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
    -- the jobs row-level security would show the caller
    SELECT a.caller_name, a.sees_all INTO v_caller, v_sees_all
      FROM cron._api_caller(api_caller, 'cron.job'::pg_catalog.regclass) a;
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
    v_jobid bigint;
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
    -- rest (cascade, the jobs that run after it) is unschedule by id
    SELECT j.jobid INTO v_jobid FROM cron.job j
     WHERE j.jobname OPERATOR(pg_catalog.=) job_name
       AND j.username OPERATOR(pg_catalog.=)
           (SELECT a.caller_name FROM cron._api_caller(api_caller, 'cron.job'::pg_catalog.regclass) a);
    IF v_jobid IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'undefined_object',
            MESSAGE = pg_catalog.format('could not find valid entry for job "%s"', job_name),
            DETAIL = 'There is no job with that name that you own.';
    END IF;
    RETURN cron._unschedule_impl(api_caller, v_jobid, _unschedule_impl.cascade);
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
    -- the jobs row-level security would show the caller
    SELECT a.caller_name, a.sees_all INTO v_caller, v_sees_all
      FROM cron._api_caller(api_caller, 'cron.job'::pg_catalog.regclass) a;
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
    SELECT a.caller_name, a.sees_all INTO v_caller, v_sees_all
      FROM cron._api_caller(api_caller, 'cron.job_run_details'::pg_catalog.regclass) a;
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

-- Two writes ordinary roles made with UPDATE before 1.3 and that
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
    -- the jobs row-level security would show the caller
    SELECT a.caller_name, a.sees_all INTO v_caller, v_sees_all
      FROM cron._api_caller(api_caller, 'cron.job'::pg_catalog.regclass) a;
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
    -- the jobs row-level security would show the caller
    SELECT a.caller_name, a.sees_all INTO v_caller, v_sees_all
      FROM cron._api_caller(api_caller, 'cron.job'::pg_catalog.regclass) a;
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
