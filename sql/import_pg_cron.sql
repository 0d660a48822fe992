
-- Migration from pg_cron: cron.import_pg_cron().
--
-- pg_cron and pg_beat both keep their objects in schema cron, so they never
-- share a database.  A migration copies pg_cron's tables out while pg_cron
-- is still installed, drops pg_cron, switches shared_preload_libraries,
-- creates pg_beat and imports the copies (docs/migrating-from-pg_cron.md):
--
--     CREATE TABLE public.pg_cron_job AS TABLE cron.job;
--     CREATE TABLE public.pg_cron_job_run_details AS TABLE cron.job_run_details;
--     DROP EXTENSION pg_cron;  -- then preload pg_beat and restart
--     CREATE EXTENSION pg_beat;
--     SELECT * FROM cron.import_pg_cron('public.pg_cron_job');   -- dry run
--     SELECT * FROM cron.import_pg_cron('public.pg_cron_job',
--                                       'public.pg_cron_job_run_details',
--                                       dry_run => false);
--
-- The function runs with the caller's rights and writes through cron.job's
-- trigger, so the same ownership rules hold as for cron.schedule: a
-- superuser imports every job, anyone else only their own.  Every job is
-- tried in its own subtransaction, and a dry run rolls each one back, so
-- that a dry run reports exactly what the real import will do, including
-- the trigger's verdict (a role that no longer exists, a schedule pg_beat
-- refuses).  Jobs keep their pg_cron jobid unless another job has it.
--
-- The source tables are read through to_jsonb(), so copies of any pg_cron
-- version (1.0 to 1.6: with or without jobname, active, job_run_details)
-- import alike.  search_path is pinned; objects, functions and operators
-- are schema-qualified all the same, as in the rest of the install script.

CREATE FUNCTION cron.import_pg_cron(jobs regclass,
                                    history regclass DEFAULT NULL,
                                    dry_run boolean DEFAULT true,
                                    timezone text DEFAULT NULL)
    RETURNS TABLE (pg_cron_jobid bigint,
                   jobname text,
                   schedule text,
                   new_jobid bigint,
                   outcome text,
                   notes text)
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    src record;
    r pg_catalog.jsonb;
    v_jobid bigint;
    v_schedule text;
    v_command text;
    v_nodename text;
    v_nodeport integer;
    v_database text;
    v_username text;
    v_active boolean;
    v_jobname text;
    v_try_jobid bigint;
    v_existing record;
    v_note text[];
    v_fields text[];
    v_nfields integer;
    v_first5 text;
    v_reading text;
    i integer;
    v_zone text;
    v_zone_is_gmt boolean;
    v_port integer := pg_catalog.current_setting('port')::pg_catalog.int4;
    v_host text := 'localhost';
    v_max_duration interval;
    v_min_gap interval;
    v_err_message text;
    v_err_detail text;
    v_old_ids bigint[] := '{}';
    v_new_ids bigint[] := '{}';
    v_seq_last bigint;
    v_seq_called boolean;
    v_max_id bigint;
    v_count bigint;
    v_old bigint;
    v_retention text := pg_catalog.current_setting('cron.history_retention');
    v_failed integer := 0;
BEGIN
    IF jobs IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
            MESSAGE = 'jobs must not be null',
            HINT = 'Pass the copy of pg_cron''s cron.job, e.g. ''public.pg_cron_job''.';
    END IF;
    IF dry_run IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'null_value_not_allowed',
            MESSAGE = 'dry_run must not be null';
    END IF;
    IF jobs OPERATOR(pg_catalog.=) 'cron.job'::pg_catalog.regclass
       OR history OPERATOR(pg_catalog.=) 'cron.job_run_details'::pg_catalog.regclass THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
            MESSAGE = 'cannot import pg_beat''s own tables',
            HINT = 'Copy pg_cron''s tables out before dropping pg_cron (CREATE TABLE public.pg_cron_job AS TABLE cron.job) and import the copies.';
    END IF;

    -- cron.host is visible to superusers only; others compare with its default.
    BEGIN
        v_host := pg_catalog.current_setting('cron.host');
    EXCEPTION WHEN insufficient_privilege THEN
        NULL;
    END;

    -- pg_cron before 1.5 reads every schedule in GMT; a job imported without
    -- a time zone follows cron.timezone.  Do the two ever differ in the
    -- coming year?
    v_zone := COALESCE(timezone, pg_catalog.current_setting('cron.timezone'));
    IF timezone IS NOT NULL THEN
        PERFORM cron.describe_schedule('0 0 * * *', timezone);  -- validates the zone
    END IF;
    SELECT pg_catalog.bool_and(pg_catalog.timezone(v_zone, t)
                               OPERATOR(pg_catalog.=) pg_catalog.timezone('GMT', t))
      INTO v_zone_is_gmt
      FROM pg_catalog.generate_series(pg_catalog.now(),
                                      pg_catalog.now() OPERATOR(pg_catalog.+) '1 year'::interval,
                                      '1 day'::interval) t;

    FOR src IN EXECUTE pg_catalog.format(
        'SELECT pg_catalog.to_jsonb(s) AS r FROM %s s'
        ' ORDER BY (pg_catalog.to_jsonb(s) OPERATOR(pg_catalog.->>) ''jobid'')::pg_catalog.int8',
        jobs)
    LOOP
        r := src.r;
        IF NOT (r OPERATOR(pg_catalog.?) 'jobid' AND r OPERATOR(pg_catalog.?) 'schedule'
                AND r OPERATOR(pg_catalog.?) 'command') THEN
            RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
                MESSAGE = pg_catalog.format('table %s is not a copy of pg_cron''s cron.job', jobs),
                DETAIL = 'It needs at least the columns jobid, schedule and command.';
        END IF;

        v_jobid := (r OPERATOR(pg_catalog.->>) 'jobid')::pg_catalog.int8;
        v_schedule := r OPERATOR(pg_catalog.->>) 'schedule';
        v_command := r OPERATOR(pg_catalog.->>) 'command';
        v_nodename := COALESCE(r OPERATOR(pg_catalog.->>) 'nodename', 'localhost');
        v_nodeport := COALESCE((r OPERATOR(pg_catalog.->>) 'nodeport')::pg_catalog.int4, v_port);
        v_database := COALESCE(r OPERATOR(pg_catalog.->>) 'database', pg_catalog.current_database());
        v_username := COALESCE(r OPERATOR(pg_catalog.->>) 'username', CURRENT_USER::text);
        v_active := COALESCE((r OPERATOR(pg_catalog.->>) 'active')::boolean, true);
        v_jobname := r OPERATOR(pg_catalog.->>) 'jobname';

        pg_cron_jobid := v_jobid;
        jobname := v_jobname;
        schedule := v_schedule;
        new_jobid := NULL;
        outcome := NULL;
        v_note := '{}';

        -- What changes in meaning.  pg_cron parses with Vixie cron's
        -- load_entry(): five fields, and anything after the fifth is
        -- ignored (a crontab line's command would follow).
        v_fields := pg_catalog.regexp_split_to_array(pg_catalog.btrim(v_schedule, E' \t'), E'[ \t]+');
        v_nfields := pg_catalog.array_length(v_fields, 1);
        IF v_schedule OPERATOR(pg_catalog.~) '^[ \t]*@'
           OR v_schedule OPERATOR(pg_catalog.~*) '^[ \t]*([0-9]+[ \t]*seconds?|every[ \t].*)[ \t]*$' THEN
            v_nfields := 0;     -- a macro or an interval: no fields
        END IF;
        IF v_nfields OPERATOR(pg_catalog.>=) 6 THEN
            v_first5 := pg_catalog.array_to_string(v_fields[1:5], ' ');
            BEGIN
                v_reading := cron.describe_schedule(v_schedule, v_zone);
            EXCEPTION WHEN invalid_parameter_value THEN
                v_reading := NULL;  -- pg_beat refuses it: reported below
            END;
            v_note := v_note OPERATOR(pg_catalog.||) pg_catalog.format(
                '%s fields: pg_cron ignores the fields after the fifth and runs it as "%s"%s',
                v_nfields, v_first5,
                CASE WHEN v_reading IS NOT NULL THEN
                    pg_catalog.format(', but pg_beat reads the first field as seconds (%s); to keep pg_cron''s times use "%s"',
                                      v_reading, v_first5)
                ELSE pg_catalog.format('; to keep pg_cron''s times use "%s"', v_first5)
                END);
        END IF;
        -- Within each of pg_cron's five fields, what its get_list() reads:
        -- elements "*[/n]", "a-b[/n]" or "a" separated by commas; at any
        -- other character it stops and skips the rest of the field.
        IF v_nfields OPERATOR(pg_catalog.>=) 5 THEN
            FOR i IN 1..5 LOOP
                v_first5 := pg_catalog.substring(v_fields[i],
                    '^(?:\*(?:/[0-9A-Za-z]+)?|[0-9A-Za-z]+-[0-9A-Za-z]+(?:/[0-9A-Za-z]+)?|[0-9A-Za-z]+)'
                    '(?:,(?:\*(?:/[0-9A-Za-z]+)?|[0-9A-Za-z]+-[0-9A-Za-z]+(?:/[0-9A-Za-z]+)?|[0-9A-Za-z]+))*');
                IF v_first5 IS NOT NULL AND v_first5 OPERATOR(pg_catalog.<>) ''
                   AND v_first5 OPERATOR(pg_catalog.<>) v_fields[i] THEN
                    v_note := v_note OPERATOR(pg_catalog.||) pg_catalog.format(
                        '%s field "%s": pg_cron reads only "%s" and ignores "%s"%s',
                        (ARRAY['minute', 'hour', 'day-of-month', 'month', 'day-of-week'])[i],
                        v_fields[i], v_first5,
                        pg_catalog.substr(v_fields[i], pg_catalog.length(v_first5) OPERATOR(pg_catalog.+) 1),
                        CASE WHEN v_fields[i] OPERATOR(pg_catalog.~) '#' AND i OPERATOR(pg_catalog.=) 5
                             THEN ', so it ran on that weekday every week; pg_beat runs it on the nth one of the month only'
                             ELSE '' END);
                END IF;
            END LOOP;
        END IF;
        IF v_nfields OPERATOR(pg_catalog.>=) 5
           AND v_fields[v_nfields OPERATOR(pg_catalog.-) 2] OPERATOR(pg_catalog.~) '\$' THEN
            v_note := v_note OPERATOR(pg_catalog.||)
                '"$" is the last day of the month, as in pg_cron 1.6 (pg_beat also spells it L)'::text;
        END IF;
        IF v_nfields OPERATOR(pg_catalog.>=) 5
           AND v_fields[v_nfields OPERATOR(pg_catalog.-) 2] OPERATOR(pg_catalog.!~) '^\*'
           AND v_fields[v_nfields] OPERATOR(pg_catalog.!~) '^\*' THEN
            v_note := v_note OPERATOR(pg_catalog.||)
                'day-of-month and day-of-week are both restricted: it runs on the days that match either, as in pg_cron by default (not as with pg_cron''s cron.dom_dow_and_logic = on)'::text;
        END IF;
        IF v_nfields OPERATOR(pg_catalog.>=) 5 AND NOT v_zone_is_gmt THEN
            v_note := v_note OPERATOR(pg_catalog.||) pg_catalog.format(
                'times are read in time zone "%s"%s; pg_cron before 1.5 reads every schedule in GMT%s',
                v_zone,
                CASE WHEN timezone IS NULL THEN ' (cron.timezone)' ELSE '' END,
                CASE WHEN timezone IS NULL THEN ': pass timezone => ''GMT'' to keep pg_cron''s times' ELSE '' END);
        END IF;
        IF v_nodename OPERATOR(pg_catalog.<>) ALL (ARRAY['localhost', '', v_host]) THEN
            v_note := v_note OPERATOR(pg_catalog.||) pg_catalog.format(
                'nodename "%s" is another server: pg_beat runs the job there over libpq at port %s',
                v_nodename, v_nodeport);
        ELSIF v_nodeport OPERATOR(pg_catalog.<>) v_port THEN
            v_note := v_note OPERATOR(pg_catalog.||) pg_catalog.format(
                'nodeport %s differs from this server''s port %s: pg_beat runs a localhost job on this server whatever its nodeport (pg_cron connected to port %s)',
                v_nodeport, v_port, v_nodeport);
        END IF;

        -- Runs longer than the gap between slots: pg_cron queues one run per
        -- slot, pg_beat coalesces them into one pending run.
        IF history IS NOT NULL THEN
            EXECUTE pg_catalog.format(
                'SELECT pg_catalog.max(((h.r OPERATOR(pg_catalog.->>) ''end_time'')::pg_catalog.timestamptz'
                ' OPERATOR(pg_catalog.-) (h.r OPERATOR(pg_catalog.->>) ''start_time'')::pg_catalog.timestamptz))'
                ' FROM (SELECT pg_catalog.to_jsonb(s) AS r FROM %s s) h'
                ' WHERE (h.r OPERATOR(pg_catalog.->>) ''jobid'')::pg_catalog.int8 OPERATOR(pg_catalog.=) $1',
                history)
              INTO v_max_duration USING v_jobid;
            v_min_gap := NULL;
            IF v_max_duration IS NOT NULL THEN
                BEGIN
                    SELECT pg_catalog.min(g.gap) INTO v_min_gap
                      FROM (SELECT n OPERATOR(pg_catalog.-) pg_catalog.lag(n) OVER (ORDER BY n) AS gap
                              FROM cron.next_runs(v_schedule, 50, pg_catalog.now(), v_zone) n) g;
                EXCEPTION WHEN invalid_parameter_value THEN
                    v_min_gap := NULL;  -- pg_beat refuses the schedule: reported below
                END;
            END IF;
            IF v_min_gap IS NOT NULL AND v_max_duration OPERATOR(pg_catalog.>) v_min_gap THEN
                v_note := v_note OPERATOR(pg_catalog.||) pg_catalog.format(
                    'runs took up to %s, longer than the %s between slots: pg_cron queues one run per slot that falls due meanwhile, pg_beat coalesces them into one pending run (overlap_policy queue)',
                    pg_catalog.date_trunc('second', v_max_duration), v_min_gap);
            END IF;
        END IF;

        -- Is it there already (an import run before)?
        SELECT j.jobid, j.schedule, j.command, j.database, j.username, j.jobname
          INTO v_existing
          FROM cron.job j
         WHERE j.jobid OPERATOR(pg_catalog.=) v_jobid;
        IF FOUND AND v_existing.schedule OPERATOR(pg_catalog.=) v_schedule
           AND v_existing.command OPERATOR(pg_catalog.=) v_command
           AND v_existing.database OPERATOR(pg_catalog.=) v_database
           AND v_existing.username OPERATOR(pg_catalog.=) v_username
           AND v_existing.jobname IS NOT DISTINCT FROM v_jobname THEN
            new_jobid := v_jobid;
            outcome := 'already imported';
            notes := pg_catalog.array_to_string(v_note, '; ');
            v_old_ids := v_old_ids OPERATOR(pg_catalog.||) v_jobid;
            v_new_ids := v_new_ids OPERATOR(pg_catalog.||) v_jobid;
            RETURN NEXT;
            CONTINUE;
        END IF;
        IF FOUND THEN
            v_note := v_note OPERATOR(pg_catalog.||) pg_catalog.format(
                'jobid %s belongs to another pg_beat job: this one gets a new jobid', v_jobid);
            v_try_jobid := NULL;
        ELSE
            v_try_jobid := v_jobid;
        END IF;

        IF v_jobname IS NOT NULL THEN
            SELECT j.jobid INTO v_existing
              FROM cron.job j
             WHERE j.jobname OPERATOR(pg_catalog.=) v_jobname
               AND j.username OPERATOR(pg_catalog.=) v_username;
            IF FOUND THEN
                outcome := CASE WHEN dry_run THEN 'would fail' ELSE 'failed' END;
                notes := pg_catalog.array_to_string(
                    v_note OPERATOR(pg_catalog.||) pg_catalog.format(
                        'role "%s" already has a pg_beat job named "%s" (jobid %s)',
                        v_username, v_jobname, v_existing.jobid), '; ');
                v_failed := v_failed OPERATOR(pg_catalog.+) 1;
                RETURN NEXT;
                CONTINUE;
            END IF;
        END IF;

        -- Write it through cron.job's trigger, in a subtransaction: the
        -- trigger decides, and a dry run undoes it.
        BEGIN
            BEGIN
                INSERT INTO cron.job AS j (jobid, schedule, command, nodename, nodeport,
                                           database, username, active, jobname, timezone)
                VALUES (COALESCE(v_try_jobid,
                                 CASE WHEN dry_run THEN OPERATOR(pg_catalog.-) v_jobid
                                      ELSE pg_catalog.nextval('cron.jobid_seq') END),
                        v_schedule, v_command, v_nodename, v_nodeport,
                        v_database, v_username, v_active, v_jobname, timezone)
                RETURNING j.jobid INTO new_jobid;
            EXCEPTION WHEN unique_violation THEN
                -- the jobid is taken by a job the caller cannot see
                GET STACKED DIAGNOSTICS v_err_message = CONSTRAINT_NAME;
                IF v_err_message OPERATOR(pg_catalog.<>) 'job_pkey' THEN
                    RAISE;
                END IF;
                v_note := v_note OPERATOR(pg_catalog.||) pg_catalog.format(
                    'jobid %s belongs to another pg_beat job: this one gets a new jobid', v_jobid);
                INSERT INTO cron.job AS j (jobid, schedule, command, nodename, nodeport,
                                           database, username, active, jobname, timezone)
                VALUES (CASE WHEN dry_run THEN OPERATOR(pg_catalog.-) v_jobid
                             ELSE pg_catalog.nextval('cron.jobid_seq') END,
                        v_schedule, v_command, v_nodename, v_nodeport,
                        v_database, v_username, v_active, v_jobname, timezone)
                RETURNING j.jobid INTO new_jobid;
            END;
            IF dry_run THEN
                RAISE EXCEPTION USING ERRCODE = 'PB001', MESSAGE = 'dry run';
            END IF;
            outcome := 'imported';
            v_old_ids := v_old_ids OPERATOR(pg_catalog.||) v_jobid;
            v_new_ids := v_new_ids OPERATOR(pg_catalog.||) new_jobid;
        EXCEPTION
            WHEN SQLSTATE 'PB001' THEN
                new_jobid := NULL;
                outcome := 'would import';
                v_old_ids := v_old_ids OPERATOR(pg_catalog.||) v_jobid;
            WHEN OTHERS THEN
                GET STACKED DIAGNOSTICS v_err_message = MESSAGE_TEXT,
                                        v_err_detail = PG_EXCEPTION_DETAIL;
                new_jobid := NULL;
                outcome := CASE WHEN dry_run THEN 'would fail' ELSE 'failed' END;
                v_note := v_note OPERATOR(pg_catalog.||) (
                    'pg_beat refuses it: ' OPERATOR(pg_catalog.||) v_err_message OPERATOR(pg_catalog.||)
                    CASE WHEN v_err_detail IS NOT NULL AND v_err_detail OPERATOR(pg_catalog.<>) ''
                         THEN ' (' OPERATOR(pg_catalog.||) v_err_detail OPERATOR(pg_catalog.||) ')'
                         ELSE '' END);
                v_failed := v_failed OPERATOR(pg_catalog.+) 1;
        END;
        notes := pg_catalog.array_to_string(v_note, '; ');
        RETURN NEXT;
    END LOOP;

    IF NOT dry_run THEN
        -- Jobs kept their pg_cron jobids: move the sequence past them.
        SELECT s.last_value, s.is_called INTO v_seq_last, v_seq_called FROM cron.jobid_seq s;
        SELECT pg_catalog.max(j.jobid) INTO v_max_id FROM cron.job j;
        IF v_max_id IS NOT NULL
           AND (v_max_id OPERATOR(pg_catalog.>) v_seq_last
                OR (v_max_id OPERATOR(pg_catalog.=) v_seq_last AND NOT v_seq_called)) THEN
            BEGIN
                PERFORM pg_catalog.setval('cron.jobid_seq', v_max_id);
            EXCEPTION WHEN insufficient_privilege THEN
                RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
                    MESSAGE = 'permission denied to move cron.jobid_seq past the imported jobids',
                    DETAIL = pg_catalog.format('The imported jobs keep their pg_cron jobids, up to %s.', v_max_id),
                    HINT = 'Run the import as a superuser.';
            END;
        END IF;
    END IF;

    -- History: the runs of the jobs imported (or imported before), with
    -- their runids where free.  pg_cron records no scheduled_time.
    IF history IS NOT NULL THEN
        EXECUTE pg_catalog.format(
            'SELECT pg_catalog.count(*),'
            ' pg_catalog.count(*) FILTER (WHERE (h.r OPERATOR(pg_catalog.->>) ''end_time'')::pg_catalog.timestamptz'
            '   OPERATOR(pg_catalog.<) (pg_catalog.now() OPERATOR(pg_catalog.-) $2::pg_catalog.interval))'
            ' FROM (SELECT pg_catalog.to_jsonb(s) AS r FROM %s s) h'
            ' WHERE (h.r OPERATOR(pg_catalog.->>) ''jobid'')::pg_catalog.int8 OPERATOR(pg_catalog.=) ANY ($1)',
            history)
          INTO v_count, v_old
          USING v_old_ids,
                CASE WHEN v_retention::pg_catalog.interval OPERATOR(pg_catalog.>) '0'::pg_catalog.interval
                     THEN v_retention END;
        IF dry_run THEN
            RAISE NOTICE 'dry run: % history rows would be copied for the jobs that import', v_count;
        ELSE
            SELECT s.last_value INTO v_seq_last FROM cron.runid_seq s;
            EXECUTE pg_catalog.format(
                'SELECT pg_catalog.max((h.r OPERATOR(pg_catalog.->>) ''runid'')::pg_catalog.int8)'
                ' FROM (SELECT pg_catalog.to_jsonb(s) AS r FROM %s s) h',
                history)
              INTO v_max_id;
            IF v_max_id OPERATOR(pg_catalog.>) v_seq_last THEN
                PERFORM pg_catalog.setval('cron.runid_seq', v_max_id);
            END IF;
            EXECUTE pg_catalog.format(
                'INSERT INTO cron.job_run_details AS d'
                '  (jobid, runid, job_pid, database, username, command, status,'
                '   return_message, start_time, end_time, scheduled_time, attempt)'
                ' SELECT m.new_id,'
                '        CASE WHEN EXISTS (SELECT 1 FROM cron.job_run_details e'
                '                           WHERE e.runid OPERATOR(pg_catalog.=) h.runid)'
                '             THEN pg_catalog.nextval(''cron.runid_seq'') ELSE h.runid END,'
                '        h.job_pid, h.database, h.username, h.command,'
                '        CASE WHEN h.status OPERATOR(pg_catalog.=) ANY (ARRAY[''succeeded'', ''failed''])'
                '             THEN h.status ELSE ''failed'' END,'
                '        CASE WHEN h.status OPERATOR(pg_catalog.=) ANY (ARRAY[''succeeded'', ''failed''])'
                '             THEN h.return_message'
                '             ELSE pg_catalog.format(''pg_cron run did not finish before the import (status %%s)'', h.status) END,'
                '        h.start_time, COALESCE(h.end_time, h.start_time), NULL, 1'
                '   FROM (SELECT (x.r OPERATOR(pg_catalog.->>) ''jobid'')::pg_catalog.int8 AS jobid,'
                '                (x.r OPERATOR(pg_catalog.->>) ''runid'')::pg_catalog.int8 AS runid,'
                '                (x.r OPERATOR(pg_catalog.->>) ''job_pid'')::pg_catalog.int4 AS job_pid,'
                '                x.r OPERATOR(pg_catalog.->>) ''database'' AS database,'
                '                x.r OPERATOR(pg_catalog.->>) ''username'' AS username,'
                '                x.r OPERATOR(pg_catalog.->>) ''command'' AS command,'
                '                x.r OPERATOR(pg_catalog.->>) ''status'' AS status,'
                '                x.r OPERATOR(pg_catalog.->>) ''return_message'' AS return_message,'
                '                (x.r OPERATOR(pg_catalog.->>) ''start_time'')::pg_catalog.timestamptz AS start_time,'
                '                (x.r OPERATOR(pg_catalog.->>) ''end_time'')::pg_catalog.timestamptz AS end_time'
                '           FROM (SELECT pg_catalog.to_jsonb(s) AS r FROM %s s) x) h'
                '   JOIN ROWS FROM (pg_catalog.unnest($1::pg_catalog.int8[]), pg_catalog.unnest($2::pg_catalog.int8[])) AS m (old_id, new_id)'
                '     ON m.old_id OPERATOR(pg_catalog.=) h.jobid'
                '  WHERE NOT EXISTS (SELECT 1 FROM cron.job_run_details e'  -- copied before
                '                     WHERE e.jobid OPERATOR(pg_catalog.=) m.new_id'
                '                       AND e.scheduled_time IS NULL'
                '                       AND e.start_time IS NOT DISTINCT FROM h.start_time'
                '                       AND e.end_time IS NOT DISTINCT FROM COALESCE(h.end_time, h.start_time)'
                '                       AND e.job_pid IS NOT DISTINCT FROM h.job_pid'
                '                       AND e.command IS NOT DISTINCT FROM h.command)'
                '  ORDER BY h.runid',
                history)
              USING v_old_ids, v_new_ids;
            GET DIAGNOSTICS v_count = ROW_COUNT;
            RAISE NOTICE 'copied % history rows', v_count;
        END IF;
        IF v_old OPERATOR(pg_catalog.>) 0 THEN
            RAISE NOTICE '% of them ended more than cron.history_retention (%) ago, so the launcher will delete them within minutes',
                v_old, v_retention
                USING HINT = 'To keep them, set cron.history_retention = 0 (or longer) and reload before the import.';
        END IF;
    END IF;

    IF v_failed OPERATOR(pg_catalog.>) 0 THEN
        IF dry_run THEN
            RAISE WARNING '% job(s) would not import: see the notes column', v_failed;
        ELSE
            RAISE WARNING '% job(s) were not imported: see the notes column', v_failed;
        END IF;
    END IF;
    RETURN;
END;
$$;
COMMENT ON FUNCTION cron.import_pg_cron(regclass, regclass, boolean, text)
    IS 'copy jobs (and optionally run history) from copies of pg_cron''s tables; dry run by default, reporting what would change in meaning';
