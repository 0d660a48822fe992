-- Smoke test of a built or installed pg_beat package, in a server that
-- preloads pg_beat with cron.database_name = 'postgres': the extension
-- installs and a job runs within 30 seconds.  Used at build time by
-- debian/rules (pg_buildext psql) and by debian/tests/smoke.
\set ON_ERROR_STOP on
CREATE EXTENSION pg_beat;
SELECT extversion FROM pg_extension WHERE extname = 'pg_beat';
CREATE TABLE smoke (runid bigint, t timestamptz DEFAULT clock_timestamp());
SELECT cron.schedule('smoke', '1 seconds',
    $$INSERT INTO smoke (runid) VALUES (current_setting('cron.run_id')::bigint)$$) AS jobid;
DO $$
DECLARE
    deadline timestamptz := clock_timestamp() + interval '30 seconds';
BEGIN
    LOOP
        EXIT WHEN (SELECT count(*) FROM cron.job_run_details
                    WHERE status = 'succeeded') >= 2
              AND (SELECT count(*) FROM smoke) >= 2;
        IF clock_timestamp() > deadline THEN
            RAISE EXCEPTION 'pg_beat smoke test: the job did not run twice within 30 seconds'
                USING DETAIL = (SELECT string_agg(status || ': ' || coalesce(return_message, ''), '; ')
                                  FROM cron.job_run_details);
        END IF;
        PERFORM pg_sleep(0.1);
    END LOOP;
END;
$$;
SELECT 'pg_beat smoke test passed: ' || count(*) || ' runs succeeded'
  FROM cron.job_run_details WHERE status = 'succeeded';
SELECT cron.unschedule('smoke');
DROP EXTENSION pg_beat;
