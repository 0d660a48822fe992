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
