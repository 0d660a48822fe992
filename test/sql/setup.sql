-- The extension installs, and only in cron.database_name.
SHOW cron.database_name;
CREATE EXTENSION pg_beat;
SELECT extname, extversion FROM pg_extension WHERE extname = 'pg_beat';
-- objects are in place
SELECT c.relname, c.relkind, c.relrowsecurity
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'cron' ORDER BY c.relname;
-- pg_cron's columns first, in pg_cron's order
SELECT attnum, attname, format_type(atttypid, atttypmod)
  FROM pg_attribute WHERE attrelid = 'cron.job'::regclass AND attnum > 0
 ORDER BY attnum;
SELECT attnum, attname, format_type(atttypid, atttypmod)
  FROM pg_attribute WHERE attrelid = 'cron.job_run_details'::regclass AND attnum > 0
 ORDER BY attnum;
-- every object explains itself
SELECT p.proname, p.pronargs, p.prosecdef, p.proconfig,
       obj_description(p.oid, 'pg_proc') IS NOT NULL AS has_comment
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = 'cron' ORDER BY 1, 2;
-- drop and create again
DROP EXTENSION pg_beat;
SELECT count(*) FROM pg_namespace WHERE nspname = 'cron';
CREATE EXTENSION pg_beat;
-- wrong database: clear error
CREATE DATABASE beat_other;
\c beat_other
-- (no CONTEXT: PostgreSQL 18 adds the extension script's text and line to it)
\set SHOW_CONTEXT never
CREATE EXTENSION pg_beat;
\set SHOW_CONTEXT errors
\set VERBOSITY sqlstate
CREATE EXTENSION pg_beat;
\set VERBOSITY default
\c contrib_regression
DROP DATABASE beat_other;
