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
