-- Install and use pg_beat with hostile objects planted in public: nothing a
-- user creates may capture a call of the extension script or the API.
\set SHOW_CONTEXT never
DROP EXTENSION pg_beat;
CREATE ROLE beat_mallory LOGIN;
GRANT CREATE ON SCHEMA public TO beat_mallory;
SET ROLE beat_mallory;
CREATE TABLE public.trap_log (what text);
-- an operator on text that logs every comparison
CREATE FUNCTION public.trap_texteq(text, text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.trap_log VALUES ('operator = on text called');
    RETURN $1 OPERATOR(pg_catalog.=) $2;
END $$;
CREATE OPERATOR public.= (LEFTARG = text, RIGHTARG = text, FUNCTION = public.trap_texteq);
-- functions named like builtins the script uses
CREATE FUNCTION public.current_database() RETURNS name LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.trap_log VALUES ('current_database called');
    RETURN 'contrib_regression';
END $$;
CREATE FUNCTION public.now() RETURNS timestamptz LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.trap_log VALUES ('now called');
    RETURN pg_catalog.now();
END $$;
CREATE FUNCTION public.nextval(regclass) RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.trap_log VALUES ('nextval called');
    RETURN pg_catalog.nextval($1);
END $$;
CREATE FUNCTION public.current_setting(text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.trap_log VALUES ('current_setting called');
    RETURN pg_catalog.current_setting($1);
END $$;
-- a type with an implicit cast from text
CREATE TYPE public.trap_type AS (t text);
CREATE FUNCTION public.trap_cast(text) RETURNS public.trap_type LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.trap_log VALUES ('implicit cast called');
    RETURN ROW($1);
END $$;
RESET ROLE;
CREATE CAST (text AS public.trap_type) WITH FUNCTION public.trap_cast(text) AS IMPLICIT;
GRANT ALL ON public.trap_log TO PUBLIC;

-- the superuser installs and uses the extension with public first in the path
SET search_path = public, pg_catalog;
CREATE EXTENSION pg_beat;
SELECT cron.schedule('hostile-1', '0 5 * * *', 'SELECT 1') > 0 AS scheduled;
SELECT cron.schedule_in_database('hostile-2', '0 6 * * *', 'SELECT 2', 'contrib_regression',
                                 timezone => 'UTC') > 0 AS scheduled;
SELECT cron.alter_job(jobid, command => 'SELECT 3') FROM cron.job WHERE jobname OPERATOR(pg_catalog.=) 'hostile-2';
SELECT count(*) FROM cron.next_runs('0 5 * * *', 3, '2026-01-01', 'UTC');
SELECT cron.rename_job(jobid, 'hostile-two') FROM cron.job WHERE jobname OPERATOR(pg_catalog.=) 'hostile-2';
SELECT cron.reset_job(jobid, 'timezone') FROM cron.job WHERE jobname OPERATOR(pg_catalog.=) 'hostile-two';
SELECT cron.delete_run_details() >= 0 AS deleted;
SELECT cron.unschedule('hostile-1');
SELECT cron.unschedule('hostile-two');
-- (1.3) an ordinary role's API calls write as the extension's owner: the
-- objects it planted, first in its search_path, must not run then either
GRANT USAGE ON SCHEMA cron TO beat_mallory;
SET ROLE beat_mallory;
SELECT cron.schedule('hostile-3', '0 5 * * *', 'SELECT 1') > 0 AS scheduled;
SELECT cron.schedule('0 5 * * *', 'SELECT 1') > 0 AS scheduled;
SELECT cron.schedule_in_database('hostile-4', '0 6 * * *', 'SELECT 2', 'contrib_regression',
                                 timezone => 'UTC') > 0 AS scheduled;
SELECT cron.alter_job(jobid, command => 'SELECT 3') FROM cron.job WHERE jobname OPERATOR(pg_catalog.=) 'hostile-4';
SELECT cron.rename_job(jobid, 'hostile-four') FROM cron.job WHERE jobname OPERATOR(pg_catalog.=) 'hostile-4';
SELECT cron.reset_job(jobid, 'timezone') FROM cron.job WHERE jobname OPERATOR(pg_catalog.=) 'hostile-four';
SELECT cron.delete_run_details() >= 0 AS deleted;
SELECT cron.unschedule(jobid) FROM cron.job WHERE jobname IS NULL;
SELECT cron.unschedule('hostile-3', cascade => true);
SELECT cron.unschedule('hostile-four');
RESET ROLE;
REVOKE USAGE ON SCHEMA cron FROM beat_mallory;
RESET search_path;
-- no trap fired
SELECT what, count(*) FROM public.trap_log GROUP BY what ORDER BY what;

-- every function of the extension pins search_path or is C
SELECT p.proname
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = 'cron' AND p.prolang <> (SELECT oid FROM pg_language WHERE lanname = 'c')
   AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%');

DROP CAST (text AS public.trap_type);
DROP OPERATOR public.= (text, text);
DROP FUNCTION public.trap_texteq(text, text), public.current_database(), public.now(),
    public.nextval(regclass), public.current_setting(text), public.trap_cast(text);
DROP TYPE public.trap_type;
DROP TABLE public.trap_log;
REVOKE CREATE ON SCHEMA public FROM beat_mallory;
DROP ROLE beat_mallory;
