-- Dependent jobs ("after" schedules) and exclusive groups: the catalog side.
-- The launcher watches this database, so every clock here fires on
-- February 29th only, or the job is inactive: this file tests what the
-- trigger, the API and the views do, not execution (the TAP tests run
-- chains).  Outcomes the views read are simulated in transactions that roll
-- back, so the launcher never sees them.
\set SHOW_CONTEXT never
SET timezone = 'UTC';
SELECT setval('cron.jobid_seq', 100, false);

-- a pipeline: load, then refresh, then vacuum; an alert when load fails; a
-- report after refresh and alert both finished
SELECT cron.schedule('load', '0 0 29 2 *', 'SELECT 1');
SELECT cron.schedule('refresh', 'after load', 'SELECT 2');
SELECT cron.schedule('vacuum', 'AFTER refresh Succeeded', 'SELECT 3');
SELECT cron.schedule('alert', 'after load failed', 'SELECT 4');
SELECT cron.schedule('report', 'after refresh, alert finished', 'SELECT 5');
-- names that are not plain words are double-quoted, "" for a quote
SELECT cron.schedule('my "odd", job', '0 0 29 2 *', 'SELECT 6');
SELECT cron.schedule('odd follower', 'after "my ""odd"", job"', 'SELECT 7');
-- the ids of the upstream jobs in the order written, and the outcome
SELECT jobid, jobname, schedule, depends_on, depends_outcome
  FROM cron.job ORDER BY jobid;

-- in plain English; a dependent job has no clock, so no zone
SELECT jobname, cron.describe_schedule(schedule) FROM cron.job ORDER BY jobid;
SELECT cron.describe_schedule('after a, b, c finished', 'Europe/Berlin');
SELECT cron.quote_job_name('load'), cron.quote_job_name('my job'),
       cron.quote_job_name('say "hi"');

-- next_runs of a dependent job: the instants of its chain's clock
SELECT * FROM cron.next_runs('after vacuum', 3, '2026-01-01 00:00+00');
-- a join of two clocks takes the slot of the later one
SELECT cron.schedule_in_database('extract-a', '0 1 * * *', 'SELECT 8', 'contrib_regression',
                                 active => false) > 0 AS scheduled;
SELECT cron.schedule_in_database('extract-b', '30 2 * * *', 'SELECT 9', 'contrib_regression',
                                 active => false, timezone => 'Europe/Berlin') > 0 AS scheduled;
SELECT cron.schedule_in_database('merge', 'after extract-a, extract-b', 'SELECT 10',
                                 'contrib_regression', active => false) > 0 AS scheduled;
SELECT * FROM cron.next_runs('after merge', 3, '2026-01-01 00:00+00');
SELECT * FROM cron.next_runs('after extract-a', 2, '2026-01-01 00:00+00', 'Asia/Tokyo');
-- a chain with no clock-driven instants (@reboot) has none
SELECT cron.schedule_in_database('boot', '@reboot', 'SELECT 11', 'contrib_regression',
                                 active => false) > 0 AS scheduled;
SELECT count(*) FROM cron.next_runs('after boot', 3, '2026-01-01 00:00+00');
SELECT * FROM cron.next_runs('after no-such-job');
SELECT * FROM cron.next_runs('after a,,b');

-- refusals: each writes nothing
SELECT count(*) AS jobs_before FROM cron.job;
SELECT cron.schedule('x', 'after', 'SELECT 1');
SELECT cron.schedule('x', 'after nightly load', 'SELECT 1');
SELECT cron.schedule('x', 'after load, load', 'SELECT 1');
SELECT cron.schedule('x', 'after "load', 'SELECT 1');
SELECT cron.schedule('x', 'after load failed, refresh', 'SELECT 1');
SELECT cron.schedule('x', 'after Load', 'SELECT 1');
SELECT cron.schedule('x', 'after x', 'SELECT 1');
-- cycles, named in the detail, the way the chain would run
SELECT cron.schedule('load', 'after vacuum', 'SELECT 1');
SELECT cron.alter_job(jobid, schedule => 'after alert') FROM cron.job WHERE jobname = 'load';
UPDATE cron.job SET schedule = 'after report' WHERE jobname = 'refresh';
UPDATE cron.job SET schedule = 'after refresh' WHERE jobname = 'refresh';
-- an unnamed job cannot be named, but may run after others
SELECT cron.schedule('after refresh', 'SELECT 12') > 0 AS scheduled;
-- exclusive groups: NULL for none; not empty, not longer than 63 bytes
SELECT cron.schedule_in_database('x', '0 0 29 2 *', 'SELECT 1', 'contrib_regression',
                                 exclusive_group => repeat('g', 64));
INSERT INTO cron.job (schedule, command, exclusive_group) VALUES ('0 0 29 2 *', 'SELECT 1', '');
INSERT INTO cron.job (schedule, command, exclusive_group) VALUES ('0 0 29 2 *', 'SELECT 1', '  ');
SELECT count(*) AS jobs_after FROM cron.job;

-- exclusive_group through the API: '' means none, and takes a job out of
-- its group in alter_job (where NULL leaves it unchanged)
SELECT cron.schedule_in_database('maint-reindex', '0 0 29 2 *', 'SELECT 13', 'contrib_regression',
                                 exclusive_group => 'maint') > 0 AS scheduled;
SELECT cron.alter_job(jobid, exclusive_group => repeat('g', 63)) FROM cron.job WHERE jobname = 'maint-reindex';
SELECT length(exclusive_group) FROM cron.job WHERE jobname = 'maint-reindex';
SELECT cron.alter_job(jobid, command => 'SELECT 14') FROM cron.job WHERE jobname = 'maint-reindex';
SELECT length(exclusive_group) FROM cron.job WHERE jobname = 'maint-reindex';
SELECT cron.alter_job(jobid, exclusive_group => '') FROM cron.job WHERE jobname = 'maint-reindex';
SELECT exclusive_group IS NULL AS no_group FROM cron.job WHERE jobname = 'maint-reindex';
SELECT cron.alter_job(jobid, exclusive_group => 'maint') FROM cron.job WHERE jobname = 'maint-reindex';
SELECT cron.schedule_in_database('maint-vacuum', 'after refresh', 'SELECT 15', 'contrib_regression',
                                 exclusive_group => 'maint') > 0 AS scheduled;
SELECT jobname, exclusive_group FROM cron.job WHERE exclusive_group IS NOT NULL ORDER BY jobid;

-- a time zone has no meaning for a dependent job: kept, not used
SELECT cron.schedule_in_database('zoned', 'after load', 'SELECT 16', 'contrib_regression',
                                 timezone => 'Europe/Berlin') > 0 AS scheduled;
SELECT cron.schedule_in_database('zoned', 'after load', 'SELECT 16', 'contrib_regression',
                                 timezone => 'Mars/Olympus');
SELECT jobname, timezone, depends_on FROM cron.job WHERE jobname = 'zoned';

-- direct DML: the trigger owns depends_on and depends_outcome
INSERT INTO cron.job (schedule, command, jobname, depends_on, depends_outcome)
VALUES ('after load finished', 'SELECT 17', 'direct', '{105}', 'failed')
RETURNING jobname, depends_on, depends_outcome;
UPDATE cron.job SET depends_on = '{105}', depends_outcome = 'failed', command = 'SELECT 18'
 WHERE jobname = 'direct'
RETURNING jobname, depends_on, depends_outcome;
-- a clock schedule again: no dependency left
UPDATE cron.job SET schedule = '0 0 29 2 *' WHERE jobname = 'direct'
RETURNING jobname, depends_on, depends_outcome;
UPDATE cron.job SET schedule = 'after "my ""odd"", job", load' WHERE jobname = 'direct'
RETURNING jobname, depends_on, depends_outcome;

-- renaming an upstream job keeps its dependents: their schedules name it anew
UPDATE cron.job SET jobname = 'nightly load' WHERE jobname = 'load';
SELECT jobid, jobname, schedule, depends_on FROM cron.job
 WHERE depends_on @> '{100}' ORDER BY jobid;
UPDATE cron.job SET jobname = 'load' WHERE jobname = 'nightly load';
SELECT jobid, jobname, schedule, depends_on FROM cron.job
 WHERE depends_on @> '{100}' ORDER BY jobid;
-- but its name cannot go away
UPDATE cron.job SET jobname = NULL WHERE jobname = 'load';

-- the views: job_status keeps its 1.0 columns and appends two
SELECT attnum, attname, format_type(atttypid, atttypmod)
  FROM pg_attribute WHERE attrelid = 'cron.job_status'::regclass AND attnum > 0
 ORDER BY attnum;
SELECT attnum, attname, format_type(atttypid, atttypmod)
  FROM pg_attribute WHERE attrelid = 'cron.chain_runs'::regclass AND attnum > 0
 ORDER BY attnum;
-- no run yet: every dependent job waits for its upstream jobs
SELECT jobname, next_run IS NOT NULL AS has_next_run, exclusive_group, waiting_for
  FROM cron.job_status WHERE jobid BETWEEN 100 AND 106 OR jobname = 'merge' ORDER BY jobid;

-- simulated outcomes (as the launcher writes them), rolled back; the chain
-- of load is load, refresh, alert, vacuum and report from here on
SELECT cron.unschedule(jobid) FROM cron.job
 WHERE jobname IN ('zoned', 'maint-vacuum') OR (jobname IS NULL AND schedule = 'after refresh');
BEGIN;
-- load succeeded in the slot of 2028-02-29
INSERT INTO cron.job_stats (jobid, succeeded_seq, succeeded_slot)
VALUES (100, 1, '2028-02-29 00:00+00');
INSERT INTO cron.job_run_details (jobid, status, start_time, end_time, scheduled_time, username)
VALUES (100, 'succeeded', '2028-02-29 00:00:01+00', '2028-02-29 00:10+00', '2028-02-29 00:00+00', 'postgres');
SELECT jobname, waiting_for FROM cron.job_status WHERE jobid BETWEEN 100 AND 106 ORDER BY jobid;
SELECT root_jobname, scheduled_time, chain_status, step, jobname, status, attempts
  FROM cron.chain_runs WHERE root_jobid = 100 ORDER BY scheduled_time, step, jobid;
-- refresh took that outcome and runs
INSERT INTO cron.job_stats (jobid, after_seq) VALUES (101, 1);
INSERT INTO cron.job_run_details (jobid, status, start_time, scheduled_time, username)
VALUES (101, 'running', '2028-02-29 00:10:01+00', '2028-02-29 00:00+00', 'postgres');
SELECT jobname, waiting_for FROM cron.job_status WHERE jobid BETWEEN 100 AND 106 ORDER BY jobid;
SELECT root_jobname, scheduled_time, chain_status, step, jobname, status, attempts
  FROM cron.chain_runs WHERE root_jobid = 100 ORDER BY scheduled_time, step, jobid;
-- refresh failed once and succeeded on its retry; vacuum is due
UPDATE cron.job_run_details SET status = 'failed', end_time = '2028-02-29 00:11+00'
 WHERE jobid = 101;
INSERT INTO cron.job_run_details (jobid, status, start_time, end_time, scheduled_time, attempt, username)
VALUES (101, 'succeeded', '2028-02-29 00:12+00', '2028-02-29 00:13+00', '2028-02-29 00:00+00', 2, 'postgres');
UPDATE cron.job_stats SET succeeded_seq = 2, succeeded_slot = '2028-02-29 00:00+00' WHERE jobid = 101;
SELECT jobname, waiting_for FROM cron.job_status WHERE jobid IN (102, 104) ORDER BY jobid;
SELECT root_jobname, scheduled_time, chain_status, step, jobname, status, attempts
  FROM cron.chain_runs WHERE root_jobid = 100 ORDER BY scheduled_time, step, jobid;
-- vacuum succeeded: the pipeline of that night finished
INSERT INTO cron.job_run_details (jobid, status, start_time, end_time, scheduled_time, username)
VALUES (102, 'succeeded', '2028-02-29 00:14+00', '2028-02-29 00:20+00', '2028-02-29 00:00+00', 'postgres');
-- next leap day load failed, and the alert ran
INSERT INTO cron.job_run_details (jobid, status, start_time, end_time, scheduled_time, username)
VALUES (100, 'failed', '2032-02-29 00:00:01+00', '2032-02-29 00:01+00', '2032-02-29 00:00+00', 'postgres'),
       (103, 'succeeded', '2032-02-29 00:01:01+00', '2032-02-29 00:01:02+00', '2032-02-29 00:00+00', 'postgres');
SELECT root_jobname, scheduled_time, chain_status, step, jobname, status, attempts
  FROM cron.chain_runs WHERE root_jobid = 100 ORDER BY scheduled_time, step, jobid;
-- "did last night's pipeline finish?" in one query
SELECT DISTINCT ON (root_jobid) root_jobname, scheduled_time, chain_status
  FROM cron.chain_runs WHERE root_jobname = 'load'
 ORDER BY root_jobid, scheduled_time DESC;
ROLLBACK;

-- unscheduling a job that others run after is refused, with their names
SELECT cron.unschedule('load');
SELECT cron.unschedule(100);
DELETE FROM cron.job WHERE jobname = 'refresh';
-- ... unless the dependents go first, or in the same statement
SELECT cron.unschedule('my "odd", job');
SELECT cron.unschedule('odd follower');
SELECT cron.unschedule('direct');
SELECT cron.unschedule('my "odd", job');
DELETE FROM cron.job WHERE jobname IN ('extract-a', 'merge', 'extract-b');
SELECT count(*) AS gone FROM cron.job WHERE jobname IN ('extract-a', 'merge', 'extract-b');
-- ... or with cascade, which removes the dependents transitively
SELECT cron.unschedule('refresh', cascade => true);
SELECT jobname, schedule FROM cron.job ORDER BY jobid;
SELECT cron.unschedule(100, true);
SELECT jobname, schedule FROM cron.job ORDER BY jobid;
SELECT cron.unschedule('no-such-job', cascade => true);
SELECT cron.unschedule(999, cascade => true);
SELECT cron.unschedule('boot', NULL);
-- pg_cron's positional calls work as before
SELECT cron.unschedule(jobid) FROM cron.job WHERE jobname = 'boot';
SELECT cron.unschedule('maint-reindex');

-- roles: a dependent job runs after jobs of its own owner only
CREATE ROLE beat_alice LOGIN;
CREATE ROLE beat_bob LOGIN;
GRANT USAGE ON SCHEMA cron TO beat_alice, beat_bob;
SET ROLE beat_alice;
SELECT cron.schedule('a-load', '0 0 29 2 *', 'SELECT 1') > 0 AS scheduled;
SELECT cron.schedule('a-refresh', 'after a-load', 'SELECT 2') > 0 AS scheduled;
SELECT cron.describe_schedule(schedule) FROM cron.job WHERE jobname = 'a-refresh';
SELECT count(*) FROM cron.next_runs('after a-load', 2, '2026-01-01 00:00+00');
RESET ROLE;
SET ROLE beat_bob;
-- another role's job reads exactly like a job that does not exist
SELECT cron.schedule('b-refresh', 'after a-load', 'SELECT 2');
SELECT cron.schedule('b-refresh', 'after a-nothing', 'SELECT 2');
SELECT * FROM cron.next_runs('after a-load');
SELECT cron.schedule('b-load', '0 0 29 2 *', 'SELECT 1') > 0 AS scheduled;
SELECT cron.schedule('b-refresh', 'after b-load', 'SELECT 2') > 0 AS scheduled;
SELECT jobname, waiting_for FROM cron.job_status ORDER BY jobid;
RESET ROLE;
-- a superuser writing a job for a role resolves names among that role's jobs
SELECT cron.schedule_in_database('b-x', 'after a-load', 'SELECT 3', 'contrib_regression',
                                 username => 'beat_bob');
-- an upstream job cannot change owner while others run after it
SELECT cron.alter_job(jobid, username => 'beat_bob') FROM cron.job WHERE jobname = 'a-load';
-- a dependent job that changes owner runs after jobs of the new owner
SELECT cron.alter_job(jobid, username => 'beat_bob') FROM cron.job WHERE jobname = 'a-refresh';
SELECT cron.alter_job(jobid, username => 'beat_bob', schedule => 'after b-load')
  FROM cron.job WHERE jobname = 'a-refresh';
SELECT cron.schedule_in_database('a-load', 'after a-load', 'SELECT 3', 'contrib_regression',
                                 username => 'beat_alice');
SELECT jobname, username, schedule, depends_on IS NOT NULL AS resolved
  FROM cron.job ORDER BY jobid;

-- a superuser's restore (check_function_bodies off, as pg_dump's scripts
-- set it) keeps the ids it brings: the jobs named may come later in the dump
DELETE FROM cron.job;
SET check_function_bodies = false;
INSERT INTO cron.job (jobid, schedule, command, jobname, depends_on)
VALUES (900, 'after later', 'SELECT 1', 'restored', '{901}');
INSERT INTO cron.job (jobid, schedule, command, jobname)
VALUES (901, '0 0 29 2 *', 'SELECT 1', 'later');
RESET check_function_bodies;
SELECT jobid, jobname, schedule, depends_on, depends_outcome FROM cron.job ORDER BY jobid;
-- outside a restore the same row is resolved by name
INSERT INTO cron.job (jobid, schedule, command, jobname, depends_on)
VALUES (902, 'after later', 'SELECT 1', 'written', '{900}')
RETURNING jobid, depends_on;

DELETE FROM cron.job;
REVOKE USAGE ON SCHEMA cron FROM beat_alice, beat_bob;
DROP ROLE beat_alice;
DROP ROLE beat_bob;
