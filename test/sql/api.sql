-- The pg_cron-compatible API and its errors.  The launcher watches this
-- database, so jobs here are inactive or far in the future: this file tests
-- the catalog, not execution (the TAP tests run jobs).
\set SHOW_CONTEXT never
SELECT setval('cron.jobid_seq', 1, false);

-- both forms of cron.schedule
SELECT cron.schedule('0 3 * * *', 'VACUUM');
SELECT cron.schedule('nightly', '0 4 * * *', 'SELECT 1');
-- the named form updates the caller's job of that name
SELECT cron.schedule('nightly', '30 4 * * *', 'SELECT 2');
SELECT jobid, schedule, command, nodename, database, username, active, jobname,
       timezone, timeout, max_retries, retry_delay, overlap_policy,
       misfire_policy, on_failure, nodeport = current_setting('port')::int AS port_ok
  FROM cron.job ORDER BY jobid;

-- schedule_in_database with pg_beat's options
SELECT cron.schedule_in_database('tz-job', '30 2 * * *', 'SELECT 3', 'contrib_regression',
                                 timezone => 'Europe/Berlin', timeout => '5 minutes',
                                 max_retries => 2, retry_delay => '30 seconds',
                                 overlap_policy => 'skip', misfire_policy => 'run_once',
                                 on_failure => 'SELECT 4');
SELECT jobname, schedule, timezone, timeout, max_retries, retry_delay,
       overlap_policy, misfire_policy, on_failure
  FROM cron.job WHERE jobname = 'tz-job';

-- alter_job: named arguments, NULL means unchanged
SELECT cron.alter_job(jobid, timeout => '1 hour') FROM cron.job WHERE jobname = 'tz-job';
SELECT cron.alter_job(jobid, schedule => '*/5 * * * *', active => false) FROM cron.job WHERE jobname = 'tz-job';
SELECT schedule, active, timeout, max_retries, timezone FROM cron.job WHERE jobname = 'tz-job';

-- (1.3) what alter_job cannot say: a new name, settings back to their defaults
SELECT cron.rename_job(jobid, 'tz-job-2') FROM cron.job WHERE jobname = 'tz-job';
SELECT cron.reset_job(jobid, 'timezone', 'timeout', 'max_retries', 'retry_delay',
                      'overlap_policy', 'misfire_policy', 'on_failure')
  FROM cron.job WHERE jobname = 'tz-job-2';
SELECT jobname, schedule, active, timezone, timeout, max_retries, retry_delay,
       overlap_policy, misfire_policy, on_failure
  FROM cron.job WHERE jobname = 'tz-job-2';
SELECT cron.rename_job(jobid, 'tz-job') FROM cron.job WHERE jobname = 'tz-job-2';

-- errors: each one writes nothing
SELECT count(*) AS jobs_before FROM cron.job;
SELECT cron.schedule('61 * * * *', 'SELECT 1');
SELECT cron.schedule('* * * * *', NULL);
SELECT cron.schedule(NULL, 'SELECT 1');
SELECT cron.schedule('* * * * *', '   ');
SELECT cron.schedule('', '* * * * *', 'SELECT 1');
SELECT cron.schedule(NULL, '* * * * *', 'SELECT 1');
SELECT cron.schedule_in_database('x', '* * * * *', 'SELECT 1', 'no_such_db');
SELECT cron.schedule_in_database('x', '* * * * *', 'SELECT 1', 'contrib_regression', username => 'no_such_role');
SELECT cron.schedule_in_database('x', '* * * * *', 'SELECT 1', 'contrib_regression', timezone => 'Mars/Olympus');
SELECT cron.schedule_in_database('x', '* * * * *', 'SELECT 1', 'contrib_regression', timezone => '');
SELECT cron.schedule_in_database('x', '* * * * *', 'SELECT 1', 'contrib_regression', overlap_policy => 'sometimes');
SELECT cron.schedule_in_database('x', '* * * * *', 'SELECT 1', 'contrib_regression', misfire_policy => 'never');
SELECT cron.schedule_in_database('x', '* * * * *', 'SELECT 1', 'contrib_regression', timeout => '-1 second');
SELECT cron.schedule_in_database('x', '* * * * *', 'SELECT 1', 'contrib_regression', max_retries => -1);
SELECT cron.schedule_in_database('x', '* * * * *', 'SELECT 1', 'contrib_regression', retry_delay => '0');
SELECT cron.schedule_in_database('x', '* * * * *', 'SELECT 1', NULL);
SELECT cron.schedule_in_database('x', '* * * * *', 'SELECT 1', 'contrib_regression', active => NULL);
CREATE ROLE beat_nologin NOLOGIN;
SELECT cron.schedule_in_database('x', '* * * * *', 'SELECT 1', 'contrib_regression', username => 'beat_nologin');
SELECT cron.alter_job(999, command => 'SELECT 1');
SELECT cron.alter_job(NULL, command => 'SELECT 1');
SELECT cron.alter_job(1, schedule => '* * * 13 *');
SELECT cron.unschedule(999);
SELECT cron.unschedule('no-such-job');
SELECT cron.unschedule(NULL::bigint);
SELECT cron.rename_job(999, 'x');
SELECT cron.rename_job(NULL, 'x');
SELECT cron.rename_job(jobid, 'nightly') FROM cron.job WHERE jobname = 'tz-job';
SELECT cron.rename_job(jobid, ' ') FROM cron.job WHERE jobname = 'tz-job';
SELECT cron.reset_job(999, 'timeout');
SELECT cron.reset_job(NULL, 'timeout');
SELECT cron.reset_job(1, 'schedule');
SELECT cron.reset_job(1, NULL);
SELECT cron.reset_job(1, VARIADIC NULL::text[]);
SELECT count(*) AS jobs_after FROM cron.job;

-- direct DML goes through the same guard
INSERT INTO cron.job (schedule, command) VALUES ('bad', 'SELECT 1');
UPDATE cron.job SET schedule = '0 0 30 2 *' WHERE jobid = 1;
UPDATE cron.job SET jobid = 100 WHERE jobid = 1;

-- unschedule by id and by name
SELECT cron.unschedule(1);
SELECT cron.unschedule('nightly');
SELECT jobid, jobname FROM cron.job ORDER BY jobid;

DELETE FROM cron.job;
DROP ROLE beat_nologin;
