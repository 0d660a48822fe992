\set SHOW_CONTEXT never
-- Row-level security and ownership, seen from two ordinary roles.
CREATE ROLE beat_alice LOGIN;
CREATE ROLE beat_bob LOGIN;
GRANT USAGE ON SCHEMA cron TO beat_alice, beat_bob;
CREATE DATABASE beat_noconnect;
REVOKE CONNECT ON DATABASE beat_noconnect FROM PUBLIC;
-- job ids in messages below are fixed
SELECT setval('cron.jobid_seq', 1000);

-- (1.3) every privilege PUBLIC holds on the tables, views and sequences of
-- schema cron: SELECT, nothing stronger (no write, no TRUNCATE, REFERENCES
-- or TRIGGER, each of which allows a lock the launcher waits for; no
-- nextval)
SELECT c.relname, c.relkind, a.privilege_type
  FROM pg_class c, aclexplode(c.relacl) a
 WHERE c.relnamespace = 'cron'::regnamespace AND a.grantee = 0
 ORDER BY 1, 3;
-- the API's implementations are for the API only
SELECT p.proname, pg_get_function_identity_arguments(p.oid) AS args, l.lanname
  FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
 WHERE p.pronamespace = 'cron'::regnamespace
   AND NOT EXISTS (SELECT 1 FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                    WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE')
 ORDER BY 1, 2;

SET ROLE beat_alice;
SELECT cron.schedule('alice-job', '0 0 29 2 *', 'SELECT 1');
SELECT cron.schedule_in_database('alice-2', '0 0 29 2 *', 'SELECT 2', 'contrib_regression');
SELECT cron.schedule('0 0 29 2 *', 'SELECT 3');
-- the API wrote them as the extension's owner, for her: they are hers
SELECT jobid, jobname, username, userid = 'beat_alice'::regrole AS pinned FROM cron.job ORDER BY jobid;
-- the named form updates her own job of that name
SELECT cron.schedule('alice-job', '0 0 29 2 *', 'SELECT 11');
SELECT cron.alter_job(1003, active => false);
SELECT cron.unschedule(1003);
SELECT jobid, jobname, command, active FROM cron.job ORDER BY jobid;
-- cannot schedule as someone else, or where she may not connect: the
-- trigger judges by the API's caller, not by the owner the API writes as
SELECT cron.schedule_in_database('x', '0 0 29 2 *', 'SELECT 1', 'contrib_regression', username => 'beat_bob');
SELECT cron.schedule_in_database('x', '0 0 29 2 *', 'SELECT 1', 'contrib_regression', username => 'postgres');
SELECT cron.schedule_in_database('x', '0 0 29 2 *', 'SELECT 1', 'beat_noconnect');
-- (1.3) no direct write: only the API writes the catalog
INSERT INTO cron.job (schedule, command) VALUES ('0 0 29 2 *', 'SELECT 1');
UPDATE cron.job SET command = 'SELECT 666' WHERE jobname = 'alice-job';
DELETE FROM cron.job WHERE jobname = 'alice-job';
DELETE FROM cron.job_run_details;
TRUNCATE cron.job_run_details;
SELECT nextval('cron.jobid_seq');
SELECT jobid FROM cron.job FOR UPDATE;
SELECT jobid FROM cron.job FOR KEY SHARE;
-- ... and so no lock the launcher would wait for, on any table
BEGIN;
LOCK TABLE cron.job_run_details IN ACCESS EXCLUSIVE MODE;
ROLLBACK;
BEGIN;
LOCK TABLE cron.job IN SHARE ROW EXCLUSIVE MODE;
ROLLBACK;
BEGIN;
LOCK TABLE cron.job IN ROW EXCLUSIVE MODE;
ROLLBACK;
BEGIN;
LOCK TABLE cron.job_stats IN EXCLUSIVE MODE;
ROLLBACK;
BEGIN;
LOCK TABLE cron.job_progress IN SHARE MODE;
ROLLBACK;
-- nor through pg_beat's views (a lock on a view locks its tables) ...
BEGIN;
LOCK TABLE cron.job_status IN ACCESS EXCLUSIVE MODE;
ROLLBACK;
BEGIN;
LOCK TABLE cron.slot_runs IN SHARE ROW EXCLUSIVE MODE;
ROLLBACK;
RESET ROLE;
GRANT CREATE ON SCHEMA public TO beat_alice;
SET ROLE beat_alice;
-- ... nor through a view of her own, which locks the tables with her rights
CREATE VIEW public.alice_history AS SELECT * FROM cron.job_run_details;
CREATE VIEW public.alice_jobs WITH (security_invoker = true) AS SELECT * FROM cron.job;
BEGIN;
LOCK TABLE public.alice_history IN ACCESS EXCLUSIVE MODE;
ROLLBACK;
BEGIN;
LOCK TABLE public.alice_jobs IN SHARE ROW EXCLUSIVE MODE;
ROLLBACK;
-- the lock of a plain read remains, which the launcher's writes never wait for
BEGIN;
LOCK TABLE cron.job_run_details IN ACCESS SHARE MODE;
LOCK TABLE public.alice_jobs IN ACCESS SHARE MODE;
ROLLBACK;
DROP VIEW public.alice_history, public.alice_jobs;
RESET ROLE;
REVOKE CREATE ON SCHEMA public FROM beat_alice;

SET ROLE beat_bob;
SELECT cron.schedule('bob-job', '0 0 29 2 *', 'SELECT 1');
-- bob sees only his job, and cannot touch alice's: her jobs are as
-- invisible to the API as to his queries
SELECT jobname, username FROM cron.job ORDER BY jobname;
SELECT cron.unschedule('alice-job');
-- the ids are guessable; they must not help
SELECT cron.unschedule(1001);
SELECT cron.unschedule(1001, cascade => true);
SELECT cron.alter_job(1001, command => 'SELECT 666');
-- bob cannot give his job to alice
SELECT cron.alter_job(jobid, username => 'beat_alice') FROM cron.job WHERE jobname = 'bob-job';
UPDATE cron.job SET username = 'beat_alice' WHERE jobname = 'bob-job';
-- his own job he may change, run and remove
SELECT cron.alter_job(jobid, schedule => '0 12 29 2 *', timeout => '1 minute') FROM cron.job WHERE jobname = 'bob-job';
-- (1.3) ... rename, and set back to its default: what he did with UPDATE
SELECT cron.rename_job(jobid, 'bob-renamed') FROM cron.job WHERE jobname = 'bob-job';
SELECT cron.schedule('bob-after', 'after bob-renamed', 'SELECT 2');
SELECT cron.rename_job(jobid, 'bob-job') FROM cron.job WHERE jobname = 'bob-renamed';
SELECT cron.reset_job(jobid, 'timeout') FROM cron.job WHERE jobname = 'bob-job';
SELECT jobname, schedule, timeout FROM cron.job ORDER BY jobid;
SELECT cron.rename_job(1001, 'bob-2');
SELECT cron.reset_job(1001, 'timeout');
SELECT cron.unschedule('bob-job');
SELECT cron.unschedule('bob-job', cascade => true);
SELECT cron.schedule('bob-job', '0 0 29 2 *', 'SELECT 1');
RESET ROLE;
-- nothing of alice's changed
SELECT jobid, jobname, username, command FROM cron.job ORDER BY jobid;

-- (1.3) history: a role deletes its own, through cron.delete_run_details.
SET ROLE beat_bob;
SELECT cron.delete_run_details(NULL);
RESET ROLE;
-- In one transaction, so that the launcher neither purges nor closes the
-- rows written here.
BEGIN;
INSERT INTO cron.job_run_details (jobid, username, status, start_time, end_time)
SELECT j.jobid, j.username, s.status, now() - s.age - interval '1 second', now() - s.age
  FROM cron.job j,
       (VALUES ('succeeded', interval '3 hours'), ('failed', interval '2 hours'),
               ('succeeded', interval '1 hour')) AS s(status, age)
 WHERE j.jobname IN ('alice-job', 'bob-job');
-- runs in flight: no end_time yet
INSERT INTO cron.job_run_details (jobid, username, status, start_time)
SELECT j.jobid, j.username, 'running', now() - interval '4 hours'
  FROM cron.job j WHERE j.jobname IN ('alice-job', 'bob-job');
SET LOCAL ROLE beat_bob;
SELECT username, status FROM cron.job_run_details ORDER BY runid;
SELECT cron.delete_run_details(now() - interval '150 minutes');
-- another role's job: nothing to delete
SELECT cron.delete_run_details('infinity', job_id => 1001);
SELECT cron.delete_run_details(job_id => (SELECT jobid FROM cron.job WHERE jobname = 'bob-job'));
SELECT cron.delete_run_details();
SELECT username, status, end_time IS NULL AS in_flight FROM cron.job_run_details ORDER BY runid;
RESET ROLE;
SELECT username, status, end_time IS NULL AS in_flight FROM cron.job_run_details ORDER BY runid;
-- a superuser deletes every role's history
SELECT cron.delete_run_details('infinity');
SELECT username, status FROM cron.job_run_details ORDER BY runid;
ROLLBACK;

-- A role a DBA grants write privileges to is still confined by the
-- trigger, whatever it writes: its own jobs, on this server.
GRANT INSERT, UPDATE, DELETE ON cron.job TO beat_alice;
GRANT USAGE ON SEQUENCE cron.jobid_seq TO beat_alice;
SET ROLE beat_alice;
INSERT INTO cron.job (schedule, command, username) VALUES ('0 0 29 2 *', 'SELECT 1', 'beat_bob');
INSERT INTO cron.job (schedule, command, username) VALUES ('0 0 29 2 *', 'SELECT 1', 'postgres');
-- nor aim this server's credentials at another server
INSERT INTO cron.job (schedule, command, nodename) VALUES ('0 0 29 2 *', 'SELECT 1', '10.0.0.1');
UPDATE cron.job SET nodename = 'db.example.com' WHERE jobname = 'alice-job';
-- localhost, '' and cron.host are this server, whatever the port
UPDATE cron.job SET nodename = '', nodeport = 1 WHERE jobname = 'alice-job';
SELECT nodename, nodeport FROM cron.job WHERE jobname = 'alice-job';
UPDATE cron.job SET nodename = 'localhost', nodeport = current_setting('port')::int WHERE jobname = 'alice-job';
-- row-level security still hides bob's job
UPDATE cron.job SET command = 'SELECT 666' WHERE jobname = 'bob-job';
DELETE FROM cron.job WHERE jobname = 'bob-job';
RESET ROLE;
REVOKE INSERT, UPDATE, DELETE ON cron.job FROM beat_alice;
REVOKE USAGE ON SEQUENCE cron.jobid_seq FROM beat_alice;
SELECT jobname, username, command FROM cron.job ORDER BY jobid;

-- The triggers' own queries see the rows row-level security shows the
-- caller, though the API writes as the extension's owner: a dependency on
-- another role's job (only a superuser's restore writes one) is invisible
-- to alice, as when she wrote the table herself, and her job goes.
SET ROLE beat_alice;
SELECT cron.schedule('alice-up', '0 0 29 2 *', 'SELECT 1') > 0 AS scheduled;
RESET ROLE;
SET check_function_bodies = off;
INSERT INTO cron.job (schedule, command, username, jobname, depends_on)
SELECT 'after alice-up', 'SELECT 1', 'beat_bob', 'bob-restored', ARRAY[jobid]
  FROM cron.job WHERE jobname = 'alice-up';
RESET check_function_bodies;
SET ROLE beat_alice;
SELECT cron.unschedule('alice-up');
RESET ROLE;
SELECT jobname, username FROM cron.job WHERE jobname IN ('alice-up', 'bob-restored');
DELETE FROM cron.job WHERE jobname = 'bob-restored';

-- A role with BYPASSRLS sees every job, through the API as in its
-- queries, and the trigger still refuses it another role's job.
CREATE ROLE beat_auditor LOGIN BYPASSRLS;
GRANT USAGE ON SCHEMA cron TO beat_auditor;
SET ROLE beat_auditor;
SELECT count(*) FROM cron.job;
SELECT cron.alter_job(jobid, command => 'SELECT 666') FROM cron.job WHERE jobname = 'bob-job';
RESET ROLE;
REVOKE USAGE ON SCHEMA cron FROM beat_auditor;
DROP ROLE beat_auditor;

-- The caller of a failed API call is forgotten: the superuser, who owns the
-- extension (the user the API writes as), then writes as itself.
SET ROLE beat_alice;
SELECT cron.schedule_in_database('x', '0 0 29 2 *', 'SELECT 1', 'contrib_regression', username => 'beat_bob');
DO $$
BEGIN
    PERFORM cron.alter_job(1001, username => 'beat_bob');
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'alter_job to another owner failed with SQLSTATE %', SQLSTATE;
END;
$$;
RESET ROLE;
INSERT INTO cron.job (schedule, command, username, jobname)
VALUES ('0 0 29 2 *', 'SELECT 1', 'beat_bob', 'by-superuser');
SELECT jobname, username FROM cron.job WHERE jobname = 'by-superuser';

-- An API call made inside another (here, from a trigger a superuser put on
-- cron.job) acts for the same caller: the outer call's.
CREATE FUNCTION public.beat_nested() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM cron.schedule('nested-inner', '0 0 29 2 *', 'SELECT 5');
    RETURN NULL;
END;
$$;
CREATE TRIGGER beat_nested AFTER INSERT ON cron.job
    FOR EACH ROW WHEN (NEW.jobname = 'nested-outer') EXECUTE FUNCTION public.beat_nested();
SET ROLE beat_alice;
SELECT cron.schedule('nested-outer', '0 0 29 2 *', 'SELECT 5') > 0 AS scheduled;
RESET ROLE;
DROP TRIGGER beat_nested ON cron.job;
DROP FUNCTION public.beat_nested();
SELECT jobname, username FROM cron.job WHERE jobname LIKE 'nested-%' ORDER BY jobname;

-- the superuser sees and may change everyone's jobs; each job is pinned to
-- its owner's OID, which a change of owner moves
SELECT jobname, username, userid = username::regrole AS pinned FROM cron.job ORDER BY jobname;
UPDATE cron.job SET username = 'beat_bob' WHERE jobname = 'alice-2';
SELECT jobname, userid = 'beat_bob'::regrole AS pinned_to_bob FROM cron.job WHERE jobname = 'alice-2';
SELECT cron.alter_job(jobid, command => 'SELECT 42') FROM cron.job WHERE jobname = 'alice-job';
SELECT command FROM cron.job WHERE jobname = 'alice-job';
SELECT cron.schedule_in_database('for-bob', '0 0 29 2 *', 'SELECT 1', 'beat_noconnect', username => 'beat_bob') > 0 AS scheduled;
SELECT cron.unschedule(jobid) FROM cron.job WHERE jobname = 'for-bob';
-- ... and holds every privilege, locks included
BEGIN;
LOCK TABLE cron.job_run_details IN ACCESS EXCLUSIVE MODE;
LOCK TABLE cron.job IN SHARE ROW EXCLUSIVE MODE;
ROLLBACK;

DELETE FROM cron.job;
DELETE FROM cron.job_run_details;
REVOKE USAGE ON SCHEMA cron FROM beat_alice, beat_bob;
DROP ROLE beat_alice;
DROP ROLE beat_bob;
DROP DATABASE beat_noconnect;
