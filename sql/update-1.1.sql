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
