\set SHOW_CONTEXT never
-- Row-level security and ownership, seen from two ordinary roles.
CREATE ROLE beat_alice LOGIN;
CREATE ROLE beat_bob LOGIN;
GRANT USAGE ON SCHEMA cron TO beat_alice, beat_bob;
CREATE DATABASE beat_noconnect;
REVOKE CONNECT ON DATABASE beat_noconnect FROM PUBLIC;

SET ROLE beat_alice;
SELECT cron.schedule('alice-job', '0 1 * * *', 'SELECT 1') > 0 AS scheduled;
SELECT cron.schedule_in_database('alice-2', '0 2 * * *', 'SELECT 2', 'contrib_regression') > 0 AS scheduled;
-- cannot schedule as someone else, or where she may not connect
SELECT cron.schedule_in_database('x', '0 1 * * *', 'SELECT 1', 'contrib_regression', username => 'beat_bob');
SELECT cron.schedule_in_database('x', '0 1 * * *', 'SELECT 1', 'beat_noconnect');
INSERT INTO cron.job (schedule, command, username) VALUES ('0 1 * * *', 'SELECT 1', 'beat_bob');
INSERT INTO cron.job (schedule, command, username) VALUES ('0 1 * * *', 'SELECT 1', 'postgres');
-- nor aim this server's credentials at another server
INSERT INTO cron.job (schedule, command, nodename) VALUES ('0 1 * * *', 'SELECT 1', '10.0.0.1');
UPDATE cron.job SET nodename = 'db.example.com' WHERE jobname = 'alice-job';
-- localhost, '' and cron.host are this server, whatever the port
UPDATE cron.job SET nodename = '', nodeport = 1 WHERE jobname = 'alice-job';
SELECT nodename, nodeport FROM cron.job WHERE jobname = 'alice-job';
UPDATE cron.job SET nodename = 'localhost', nodeport = current_setting('port')::int WHERE jobname = 'alice-job';
RESET ROLE;

SET ROLE beat_bob;
SELECT cron.schedule('bob-job', '0 1 * * *', 'SELECT 1') > 0 AS scheduled;
-- bob sees only his job, and cannot touch alice's
SELECT jobname, username FROM cron.job ORDER BY jobname;
SELECT cron.unschedule('alice-job');
DO $$
DECLARE
    alice_job bigint;
BEGIN
    -- the id is guessable; it must not help
    SELECT max(jobid) INTO alice_job FROM cron.job;
    PERFORM cron.alter_job(alice_job - 1, command => 'SELECT 666');
EXCEPTION WHEN undefined_object THEN
    RAISE NOTICE 'alter_job of another role''s job failed with SQLSTATE %', SQLSTATE;
END;
$$;
UPDATE cron.job SET command = 'SELECT 666' WHERE jobname = 'alice-job';
DELETE FROM cron.job WHERE jobname = 'alice-job';
-- bob cannot give his job to alice
UPDATE cron.job SET username = 'beat_alice' WHERE jobname = 'bob-job';
SELECT cron.alter_job(jobid, username => 'beat_alice') FROM cron.job WHERE jobname = 'bob-job';
-- history: bob sees only his own rows, and may delete them
SELECT count(*) FROM cron.job_run_details;
RESET ROLE;

INSERT INTO cron.job_run_details (jobid, username, status, scheduled_time)
SELECT jobid, username, 'succeeded', '2026-01-01' FROM cron.job;
SET ROLE beat_bob;
SELECT username, status FROM cron.job_run_details;
DELETE FROM cron.job_run_details;
RESET ROLE;
SELECT username, status FROM cron.job_run_details ORDER BY username;

-- the superuser sees and may change everyone's jobs; each job is pinned to
-- its owner's OID, which a change of owner moves
SELECT jobname, username, userid = username::regrole AS pinned FROM cron.job ORDER BY jobname;
UPDATE cron.job SET username = 'beat_bob' WHERE jobname = 'alice-2';
SELECT jobname, userid = 'beat_bob'::regrole AS pinned_to_bob FROM cron.job WHERE jobname = 'alice-2';
SELECT cron.alter_job(jobid, command => 'SELECT 42') FROM cron.job WHERE jobname = 'alice-job';
SELECT command FROM cron.job WHERE jobname = 'alice-job';

DELETE FROM cron.job;
DELETE FROM cron.job_run_details;
REVOKE USAGE ON SCHEMA cron FROM beat_alice, beat_bob;
DROP ROLE beat_alice;
DROP ROLE beat_bob;
DROP DATABASE beat_noconnect;
