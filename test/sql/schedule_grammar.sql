-- The schedule grammar (SPEC section 4), through cron.next_runs with a fixed
-- start and zone so that every answer is deterministic.  2026-01-01 is a
-- Thursday.  Each accepted form shows its next fire times (strictly after the
-- start); each rejected one shows the exact error.
\set SHOW_CONTEXT never
SET timezone = 'UTC';
SET DateStyle = 'ISO, YMD';

--
-- Accepted forms
--

-- five fields: every minute; six fields: every second
SELECT t FROM cron.next_runs('* * * * *', 5, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT t FROM cron.next_runs('* * * * * *', 5, '2026-01-01 00:00:00+00', 'UTC') t;
-- single values, in both shapes
SELECT t FROM cron.next_runs('0 0 * * *', 3, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT t FROM cron.next_runs('15 30 2 * * *', 3, '2026-01-01 00:00:00+00', 'UTC') t;
-- ranges
SELECT t FROM cron.next_runs('30 9-11 * * *', 5, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT t FROM cron.next_runs('58-59 23 * * *', 3, '2026-01-01 00:00:00+00', 'UTC') t;
-- steps: */n, a-b/n, a/n (a to the end of the field)
SELECT t FROM cron.next_runs('*/20 * * * *', 5, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT t FROM cron.next_runs('*/15 * * * * *', 5, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT t FROM cron.next_runs('10-30/10 * * * *', 5, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT t FROM cron.next_runs('50/5 * * * *', 5, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT t FROM cron.next_runs('0 0 1 */3 *', 5, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT t FROM cron.next_runs('0 0 */10 * *', 5, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT t FROM cron.next_runs('*/59 * * * *', 3, '2026-01-01 00:00:00+00', 'UTC') t;
-- lists, mixing values, ranges and steps
SELECT t FROM cron.next_runs('0,15,45-47 * * * *', 5, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT t FROM cron.next_runs('5,0-10/5,5 12 * * *', 3, '2026-01-01 00:00:00+00', 'UTC') t;
-- whitespace: spaces and tabs between fields, around the text
SELECT t FROM cron.next_runs(E'  0\t12   *  * *\t ', 2, '2026-01-01 00:00:00+00', 'UTC') t;
-- month names, any case, in lists, ranges and a/n
SELECT t FROM cron.next_runs('0 12 1 Jan,jul,OCT *', 5, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT t FROM cron.next_runs('0 0 1 feb-APR *', 3, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT t FROM cron.next_runs('0 0 1 jan/5 *', 4, '2026-01-01 00:00:00+00', 'UTC') t;
-- day names, any case
SELECT t, to_char(t, 'Dy') AS dow FROM cron.next_runs('0 0 * * Mon-fri', 5, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT t, to_char(t, 'Dy') AS dow FROM cron.next_runs('0 0 * * sat,SUN', 5, '2026-01-01 00:00:00+00', 'UTC') t;
-- day-of-week 0 and 7 are both Sunday
SELECT t, to_char(t, 'Dy') AS dow FROM cron.next_runs('0 0 * * 0', 3, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT t, to_char(t, 'Dy') AS dow FROM cron.next_runs('0 0 * * 7', 3, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT t, to_char(t, 'Dy') AS dow FROM cron.next_runs('0 0 * * 5-7', 5, '2026-01-01 00:00:00+00', 'UTC') t;
-- FRI-SUN wraps to Sunday instead of being reversed
SELECT t, to_char(t, 'Dy') AS dow FROM cron.next_runs('0 0 * * fri-sun', 5, '2026-01-01 00:00:00+00', 'UTC') t;
-- a/n and */n in day-of-week stop at Saturday: 1/2 is Mon, Wed, Fri
SELECT t, to_char(t, 'Dy') AS dow FROM cron.next_runs('0 0 * * 1/2', 5, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT t, to_char(t, 'Dy') AS dow FROM cron.next_runs('0 0 * * */3', 5, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT t, to_char(t, 'Dy') AS dow FROM cron.next_runs('0 0 * * mon-fri/2', 3, '2026-01-01 00:00:00+00', 'UTC') t;
-- 7 is Sunday in a/n too: '7/2' starts on Sunday, so it can fire (from a
-- Saturday, the next fire is the Sunday after it)
SELECT t, to_char(t, 'Dy') AS dow FROM cron.next_runs('0 0 * * 7/2', 1, '2026-01-03 00:00:00+00', 'UTC') t;
-- L and $ (last day of the month), L-n
SELECT t FROM cron.next_runs('0 0 L * *', 5, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT t FROM cron.next_runs('0 0 $ * *', 5, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT t FROM cron.next_runs('0 0 l * *', 2, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT t FROM cron.next_runs('0 0 L-2 * *', 5, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT t FROM cron.next_runs('0 0 1,L * *', 4, '2026-01-01 00:00:00+00', 'UTC') t;
-- nW: the weekday nearest day n (Feb 15 and Mar 15 are Sundays)
SELECT t, to_char(t, 'Dy') AS dow FROM cron.next_runs('0 0 15W * *', 5, '2026-01-01 00:00:00+00', 'UTC') t;
-- LW: the last weekday (Jan 31 is a Saturday, May 31 a Sunday)
SELECT t, to_char(t, 'Dy') AS dow FROM cron.next_runs('0 0 LW * *', 5, '2026-01-01 00:00:00+00', 'UTC') t;
-- nL: the last such weekday of the month
SELECT t, to_char(t, 'Dy') AS dow FROM cron.next_runs('0 0 * * 5L', 5, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT t, to_char(t, 'Dy') AS dow FROM cron.next_runs('0 0 * * FriL', 2, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT t, to_char(t, 'Dy') AS dow FROM cron.next_runs('0 0 * * 7L', 3, '2026-01-01 00:00:00+00', 'UTC') t;
-- DAY#n: the n-th such weekday of the month
SELECT t, to_char(t, 'Dy') AS dow FROM cron.next_runs('0 0 * * MON#2', 5, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT t, to_char(t, 'Dy') AS dow FROM cron.next_runs('0 0 * * 1#1,sun#3', 4, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT t, to_char(t, 'Dy') AS dow FROM cron.next_runs('0 0 * * thu#5', 3, '2026-01-01 00:00:00+00', 'UTC') t;
-- macros, any case; @reboot (and pg_cron's @restart) has no fire times
SELECT t FROM cron.next_runs('@yearly', 3, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT t FROM cron.next_runs('@annually', 1, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT t FROM cron.next_runs('@monthly', 3, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT t, to_char(t, 'Dy') AS dow FROM cron.next_runs('@weekly', 3, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT t FROM cron.next_runs('@daily', 3, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT t FROM cron.next_runs('@Midnight', 3, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT t FROM cron.next_runs('@HOURLY', 3, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT count(*) FROM cron.next_runs('@reboot', 5, '2026-01-01 00:00:00+00', 'UTC');
SELECT count(*) FROM cron.next_runs('@restart', 5, '2026-01-01 00:00:00+00', 'UTC');
-- pg_cron's 'N seconds' (also 'N second', 'Nseconds')
SELECT t FROM cron.next_runs('30 seconds', 3, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT t FROM cron.next_runs('1 second', 3, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT t FROM cron.next_runs('59seconds', 2, '2026-01-01 00:00:00+00', 'UTC') t;
-- every N seconds|minutes|hours, measured from the start
SELECT t FROM cron.next_runs('every 10 seconds', 3, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT t FROM cron.next_runs('every 90 minutes', 3, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT t FROM cron.next_runs('every 1 minute', 2, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT t FROM cron.next_runs('Every 2 Hours', 3, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT t FROM cron.next_runs('every 744 hours', 2, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT t FROM cron.next_runs('every 2678400 seconds', 1, '2026-01-01 00:00:00+00', 'UTC') t;
-- Vixie rule: both day fields restricted means either (the 13th or a Friday)
SELECT t, to_char(t, 'Dy') AS dow FROM cron.next_runs('0 0 13 * 5', 5, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT t, to_char(t, 'Dy') AS dow FROM cron.next_runs('0 0 L * MON', 5, '2026-01-20 00:00:00+00', 'UTC') t;
-- one of them '*': both must hold (every day is a 13th / every 13th is a day)
SELECT t, to_char(t, 'Dy') AS dow FROM cron.next_runs('0 0 13 * *', 3, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT t, to_char(t, 'Dy') AS dow FROM cron.next_runs('0 0 * * 5', 3, '2026-01-01 00:00:00+00', 'UTC') t;
-- a step over '*' narrows the days but does not count as restricted:
-- odd days that are Fridays
SELECT t, to_char(t, 'Dy') AS dow FROM cron.next_runs('0 0 */2 * 5', 5, '2026-01-01 00:00:00+00', 'UTC') t;
-- whereas 1-31/2 is restricted: odd days or Fridays
SELECT t, to_char(t, 'Dy') AS dow FROM cron.next_runs('0 0 1-31/2 * 5', 5, '2026-01-01 00:00:00+00', 'UTC') t;
-- and in day-of-week: '*/2' (Sun, Tue, Thu, Sat) is not restricted either
SELECT t, to_char(t, 'Dy') AS dow FROM cron.next_runs('0 0 1,2,3,4,5 * */2', 5, '2026-01-01 00:00:00+00', 'UTC') t;
-- 29 February is accepted (leap years)
SELECT t FROM cron.next_runs('0 0 29 2 *', 2, '2026-01-01 00:00:00+00', 'UTC') t;
-- the longest schedule accepted is 256 bytes
SELECT length(s) AS len, (SELECT t FROM cron.next_runs(s, 1, '2026-01-01 00:00:00+00', 'UTC') t)
  FROM (SELECT repeat('0,', 123) || '00 0 * * *' AS s) x;

--
-- Rejected forms: the error names the field and the bad token
--

-- out of range, per field
SELECT * FROM cron.next_runs('60 * * * *', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('* 24 * * *', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('* * 0 * *', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('* * 32 * *', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('* * * 0 *', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('* * * 13 *', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('* * * * 8', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('60 * * * * *', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('0 60 * * * *', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('0 0-60 * * *', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('99999999999 * * * *', 1, '2026-01-01 00:00:00+00', 'UTC');
-- names where they do not belong, unknown names
SELECT * FROM cron.next_runs('* * * foo *', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('* * * * sunday', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('* * * * mon-x', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('* * jan * *', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('* * * mon *', 1, '2026-01-01 00:00:00+00', 'UTC');
-- reversed ranges
SELECT * FROM cron.next_runs('30-10 * * * *', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('* * * dec-jan *', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('* * * * fri-mon', 1, '2026-01-01 00:00:00+00', 'UTC');
-- steps: zero, larger than the field, missing, not a number
SELECT * FROM cron.next_runs('*/0 * * * *', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('*/60 * * * *', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('* */24 * * *', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('* * */31 * *', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('* * * */12 *', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('* * * * */8', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('*/ * * * *', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('*/x * * * *', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('1/2/3 * * * *', 1, '2026-01-01 00:00:00+00', 'UTC');
-- malformed elements and lists
SELECT * FROM cron.next_runs('1-2-3 * * * *', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('1- * * * *', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('-1 * * * *', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('1,,2 * * * *', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs(',1 * * * *', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('1, * * * *', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('? * * * *', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('** * * * *', 1, '2026-01-01 00:00:00+00', 'UTC');
-- the special day forms, misspelt
SELECT * FROM cron.next_runs('0 0 L-0 * *', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('0 0 L-31 * *', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('0 0 L- * *', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('0 0 LX * *', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('0 0 $W * *', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('0 0 LWW * *', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('0 0 32W * *', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('0 0 W * *', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('0 0 1-5W * *', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('0 0 * * 5L2', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('0 0 * * 8L', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('0 0 * * MON#0', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('0 0 * * MON#6', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('0 0 * * MON#', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('0 0 * * MON#2x', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('0 0 15L * *', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('0 0 * * 15W', 1, '2026-01-01 00:00:00+00', 'UTC');
-- too few, too many fields
SELECT * FROM cron.next_runs('0 0 * *', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('0', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('0 0 * * * * *', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('0 0 * * * * * * * *', 1, '2026-01-01 00:00:00+00', 'UTC');
-- empty, blank
SELECT * FROM cron.next_runs('', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs(E' \t ', 1, '2026-01-01 00:00:00+00', 'UTC');
-- control characters (the message shows the text as given, so these show
-- only the detail, with the bytes made visible)
CREATE FUNCTION pg_temp.schedule_error(s text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    msg text;
    detail text;
    hint text;
    state text;
BEGIN
    PERFORM cron.next_runs(s, 1, '2026-01-01 00:00:00+00', 'UTC');
    RETURN 'accepted';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
                            detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
    RETURN state || ': ' || (msg = format('invalid schedule "%s"', s))::text
        || ', ' || detail || CASE WHEN hint <> '' THEN ' (hint)' ELSE '' END;
END $$;
SELECT pg_temp.schedule_error('0 0 * * *' || chr(1));
SELECT pg_temp.schedule_error(E'0 0 * * *\n');
SELECT pg_temp.schedule_error(E'0\r0 * * *');
SELECT pg_temp.schedule_error('0 0 * * *' || chr(127));
SELECT pg_temp.schedule_error(E'@daily\x1b');
-- non-ASCII text is quoted as \xNN bytes in the detail
SELECT * FROM cron.next_runs('0 0 * * lundi', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('0 0 * * é', 1, '2026-01-01 00:00:00+00', 'UTC');
-- longer than 256 bytes
SELECT * FROM cron.next_runs(repeat('0,', 124) || '0 0 * * *', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT pg_temp.schedule_error(repeat('* ', 1000));
-- schedules that can never fire
SELECT * FROM cron.next_runs('0 0 30 2 *', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('0 0 31 4,6,9,11 *', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('0 0 0 31 feb *', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('0 0 L-29 2 *', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('0 0 */30 2 MON#5', 1, '2026-01-01 00:00:00+00', 'UTC');
-- ... unlike these, which can (Vixie OR, and the rare leap-year forms)
SELECT t FROM cron.next_runs('0 0 30 2 MON#5', 1, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT t FROM cron.next_runs('0 0 * 2 MON#5', 1, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT t FROM cron.next_runs('0 0 L-28 2 *', 1, '2026-01-01 00:00:00+00', 'UTC') t;
-- macros
SELECT * FROM cron.next_runs('@never', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('@', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('@daily now', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('@reboot 0 0 * * *', 1, '2026-01-01 00:00:00+00', 'UTC');
-- intervals
SELECT * FROM cron.next_runs('0 seconds', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('60 seconds', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('5 minutes', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('1 hour', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('5 days', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('every 0 minutes', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('every 2678401 seconds', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('every 44641 minutes', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('every 745 hours', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('every 5 days', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('every x minutes', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('every -5 minutes', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('every 5', 1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('every 5 minutes please', 1, '2026-01-01 00:00:00+00', 'UTC');

--
-- The other arguments
--

-- NULL schedule
SELECT * FROM cron.next_runs(NULL, 1, '2026-01-01 00:00:00+00', 'UTC');
-- bad time zone
SELECT * FROM cron.next_runs('0 0 * * *', 1, '2026-01-01 00:00:00+00', 'Mars/Olympus');
-- n out of range; 0 is an empty answer
SELECT * FROM cron.next_runs('0 0 * * *', -1, '2026-01-01 00:00:00+00', 'UTC');
SELECT * FROM cron.next_runs('0 0 * * *', 100001, '2026-01-01 00:00:00+00', 'UTC');
SELECT count(*) FROM cron.next_runs('0 0 * * *', 0, '2026-01-01 00:00:00+00', 'UTC');
-- start must be finite
SELECT * FROM cron.next_runs('0 0 * * *', 1, 'infinity', 'UTC');
SELECT * FROM cron.next_runs('0 0 * * *', 1, '-infinity', 'UTC');
