-- The metrics surface (schema cron_metrics): what a monitoring role with
-- only the documented grant sees, and what it does not.
\set SHOW_CONTEXT never
SELECT p.proname, p.prosecdef, p.proconfig, p.proacl
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = 'cron_metrics' ORDER BY 1;
SELECT nspacl FROM pg_namespace WHERE nspname = 'cron_metrics';

CREATE ROLE beat_carol LOGIN;
GRANT USAGE ON SCHEMA cron TO beat_carol;
CREATE ROLE beat_monitor LOGIN;
GRANT pg_monitor TO beat_monitor;
CREATE ROLE beat_scraper LOGIN;          -- the grant without pg_monitor
GRANT USAGE ON SCHEMA cron_metrics TO beat_scraper;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA cron_metrics TO beat_scraper;
CREATE ROLE beat_nobody LOGIN;

-- carol's jobs never fire during the test (1 January, or paused)
SET ROLE beat_carol;
SELECT cron.schedule('carol-paused', '0 0 1 1 *', 'SELECT ''secret command''') > 0 AS scheduled;
SELECT cron.alter_job(jobid, active => false) FROM cron.job WHERE jobname = 'carol-paused';
SELECT cron.schedule_in_database('carol-late', '0 0 1 1 *', 'SELECT 2', current_database(),
                                 overdue_after => '1 hour') > 0 AS scheduled;
-- a threshold too large to subtract from now() must not break the metrics
SELECT cron.schedule_in_database('carol-patient', '0 0 1 1 *', 'SELECT 3', current_database(),
                                 overdue_after => '100000 years') > 0 AS scheduled;
SELECT cron.schedule('0 0 1 1 *', 'SELECT 4') > 0 AS scheduled;   -- no name
RESET ROLE;

-- counters as the launcher keeps them (the jobs never ran)
INSERT INTO cron.job_stats (jobid, last_run, last_status, last_duration, last_success,
                            consecutive_failures, total_runs, total_failures,
                            total_skipped, last_lateness, first_run)
SELECT jobid, '2001-01-01 00:00:05+00', 'failed', '1.5 seconds', '2000-01-01 00:00:00+00',
       2, 10, 3, 2, '0.25 seconds', '1999-12-31 00:00:00+00'
  FROM cron.job WHERE jobname IN ('carol-paused', 'carol-late', 'carol-patient');

-- the monitoring role sees every role's jobs, counters and outcomes
SET ROLE beat_monitor;
SELECT jobname, owner, database = current_database() AS this_db, active, running,
       overdue, consecutive_failures, runs, failures, skipped,
       last_run, last_success, last_status, last_duration, last_lateness,
       overdue_after
  FROM cron_metrics.jobs() ORDER BY jobid;
-- ... the scheduler's health.  The launcher is restarted every second until
-- the regression database exists: wait for it (with a deadline).
DO $$
DECLARE
    deadline timestamptz := clock_timestamp() + interval '30 seconds';
BEGIN
    WHILE NOT (SELECT launcher_up AND last_wakeup IS NOT NULL
                 FROM cron_metrics.scheduler())
          AND clock_timestamp() < deadline LOOP
        PERFORM pg_sleep(0.05);
    END LOOP;
END;
$$;
SELECT launcher_up,
       launcher_pid = (SELECT pid FROM pg_stat_activity
                        WHERE backend_type = 'pg_beat launcher') AS launcher_pid_matches,
       last_wakeup >= launcher_started AS woke_since_start,
       launch_active,
       run_slots = current_setting('cron.max_running_jobs')::int AS run_slots_match,
       runs_in_flight >= runs_waiting_for_worker + runs_waiting_for_group AS waiting_in_flight,
       runs_waiting_for_slot >= 0 AS waiting_for_slot,
       runs_started >= runs_started_last_minute AS started,
       COALESCE(purge_backlog, 0) AS purge_backlog
  FROM cron_metrics.scheduler();
-- ... and nothing else: no command, no right in schema cron
SELECT command FROM cron.job;
SELECT cron.schedule('0 0 1 1 *', 'SELECT 1');
SELECT count(*) FROM cron.job_run_details;
RESET ROLE;

-- the same with EXECUTE on the functions instead of pg_monitor
SET ROLE beat_scraper;
SELECT count(*) AS jobs FROM cron_metrics.jobs();
SELECT launcher_up FROM cron_metrics.scheduler();
SELECT command FROM cron.job;
RESET ROLE;

-- without the grant: nothing, whether or not the role may schedule
SET ROLE beat_nobody;
SELECT count(*) FROM cron_metrics.jobs();
SELECT launcher_up FROM cron_metrics.scheduler();
SET ROLE beat_carol;
SELECT count(*) FROM cron_metrics.jobs();
RESET ROLE;

-- counters outlive the history: purging it changes none of them
DELETE FROM cron.job_run_details WHERE jobid IN (SELECT jobid FROM cron.job WHERE username = 'beat_carol');
SELECT jobname, runs, failures, skipped FROM cron_metrics.jobs()
 WHERE owner = 'beat_carol' ORDER BY jobid;

-- clean up
DELETE FROM cron.job WHERE username = 'beat_carol';
REVOKE ALL ON SCHEMA cron_metrics FROM beat_scraper;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA cron_metrics FROM beat_scraper;
REVOKE USAGE ON SCHEMA cron FROM beat_carol;
DROP ROLE beat_carol;
DROP ROLE beat_monitor;
DROP ROLE beat_scraper;
DROP ROLE beat_nobody;
