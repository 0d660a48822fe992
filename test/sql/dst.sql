-- Daylight-saving time (SPEC section 5), with cronie's rules:
-- * pinned jobs (neither minute nor hour starts with '*'): slots in a
--   spring-forward gap fire once, together, at the first instant after the
--   gap; in a fall-back, only the first occurrence of a repeated wall time
--   fires;
-- * elapsed jobs: no slots in the gap, and both occurrences fire in a
--   fall-back.
-- Every fire time is shown in UTC, as wall time in the job's zone, and with
-- the zone's UTC offset at that instant.
\set SHOW_CONTEXT never
SET timezone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET IntervalStyle = 'postgres';

CREATE FUNCTION pg_temp.runs(schedule text, n int, start timestamptz, zone text)
RETURNS TABLE (utc timestamptz, wall timestamp, utc_offset interval)
LANGUAGE sql AS $$
    SELECT t, t AT TIME ZONE zone, (t AT TIME ZONE zone) - (t AT TIME ZONE 'UTC')
      FROM cron.next_runs(schedule, n, start, zone) t
$$;

-- The transitions used below, from PostgreSQL's own zone data
SELECT zone, t AS transition_utc, prev_off AS offset_before, off AS offset_after
  FROM (SELECT zone, t,
               (t AT TIME ZONE zone) - (t AT TIME ZONE 'UTC') AS off,
               lag((t AT TIME ZONE zone) - (t AT TIME ZONE 'UTC'))
                   OVER (PARTITION BY zone ORDER BY t) AS prev_off
          FROM (VALUES ('Europe/Berlin'), ('America/New_York'), ('Australia/Lord_Howe'),
                       ('Australia/Sydney'), ('America/Santiago'), ('Asia/Kolkata')) z(zone),
               generate_series('2026-01-01 00:00:00+00'::timestamptz,
                               '2026-12-31 00:00:00+00', '30 minutes') t) s
 WHERE off <> prev_off
 ORDER BY zone, t;

--
-- Europe/Berlin, spring forward: 2026-03-29 01:00 UTC, 02:00 CET -> 03:00 CEST
--

-- pinned: 02:30 does not exist, the job fires at 03:00 CEST
SELECT * FROM pg_temp.runs('30 2 * * *', 3, '2026-03-28 12:00:00+00', 'Europe/Berlin');
SELECT * FROM pg_temp.runs('0 30 2 * * *', 3, '2026-03-28 12:00:00+00', 'Europe/Berlin');
SELECT * FROM pg_temp.runs('0 2 * * *', 2, '2026-03-28 12:00:00+00', 'Europe/Berlin');
SELECT * FROM pg_temp.runs('15 1,2,3 * * *', 5, '2026-03-28 23:00:00+00', 'Europe/Berlin');
-- several slots in the gap fire once, together
SELECT * FROM pg_temp.runs('0,30 2 * * *', 3, '2026-03-28 12:00:00+00', 'Europe/Berlin');
SELECT * FROM pg_temp.runs('*/20 30 2 * * *', 4, '2026-03-28 12:00:00+00', 'Europe/Berlin');
-- a gap slot and the real 03:00 slot are the same instant: one fire
SELECT * FROM pg_temp.runs('0 2,3 * * *', 3, '2026-03-28 12:00:00+00', 'Europe/Berlin');
SELECT * FROM pg_temp.runs('30 2,3 * * *', 3, '2026-03-28 12:00:00+00', 'Europe/Berlin');
-- around the boundary: the last second before it, the boundary itself
SELECT * FROM pg_temp.runs('30 2 * * *', 1, '2026-03-29 00:30:00+00', 'Europe/Berlin');
SELECT * FROM pg_temp.runs('30 2 * * *', 1, '2026-03-29 00:59:59+00', 'Europe/Berlin');
SELECT * FROM pg_temp.runs('30 2 * * *', 1, '2026-03-29 00:59:59.5+00', 'Europe/Berlin');
SELECT * FROM pg_temp.runs('30 2 * * *', 1, '2026-03-29 01:00:00+00', 'Europe/Berlin');
-- elapsed: no slots in the gap
SELECT * FROM pg_temp.runs('0 * * * *', 4, '2026-03-28 23:30:00+00', 'Europe/Berlin');
SELECT * FROM pg_temp.runs('*/30 * * * *', 5, '2026-03-28 23:50:00+00', 'Europe/Berlin');
SELECT * FROM pg_temp.runs('0 */2 * * *', 3, '2026-03-28 22:30:00+00', 'Europe/Berlin');
SELECT * FROM pg_temp.runs('* 2 * * *', 2, '2026-03-28 12:00:00+00', 'Europe/Berlin');
SELECT * FROM pg_temp.runs('0 30 * * * *', 3, '2026-03-28 23:45:00+00', 'Europe/Berlin');
-- pinned hourly: the 02:00 slot fires at 03:00, together with the 03:00 slot
SELECT * FROM pg_temp.runs('0 0-23 * * *', 3, '2026-03-28 23:30:00+00', 'Europe/Berlin');

--
-- Europe/Berlin, fall back: 2026-10-25 01:00 UTC, 03:00 CEST -> 02:00 CET
--

-- pinned: 02:30 CEST, not again at 02:30 CET
SELECT * FROM pg_temp.runs('30 2 * * *', 3, '2026-10-24 12:00:00+00', 'Europe/Berlin');
SELECT * FROM pg_temp.runs('0 30 2 * * *', 3, '2026-10-24 12:00:00+00', 'Europe/Berlin');
SELECT * FROM pg_temp.runs('0 2 * * *', 2, '2026-10-24 12:00:00+00', 'Europe/Berlin');
SELECT * FROM pg_temp.runs('15 1,2,3 * * *', 5, '2026-10-24 22:00:00+00', 'Europe/Berlin');
SELECT * FROM pg_temp.runs('30 1-3 * * *', 4, '2026-10-24 22:00:00+00', 'Europe/Berlin');
-- a start in the first occurrence, on the slot, in the second occurrence
SELECT * FROM pg_temp.runs('30 2 * * *', 1, '2026-10-25 00:29:59+00', 'Europe/Berlin');
SELECT * FROM pg_temp.runs('30 2 * * *', 1, '2026-10-25 00:30:00+00', 'Europe/Berlin');
SELECT * FROM pg_temp.runs('30 2 * * *', 1, '2026-10-25 00:40:00+00', 'Europe/Berlin');
SELECT * FROM pg_temp.runs('30 2 * * *', 1, '2026-10-25 01:00:00+00', 'Europe/Berlin');
SELECT * FROM pg_temp.runs('30 2 * * *', 1, '2026-10-25 01:10:00+00', 'Europe/Berlin');
SELECT * FROM pg_temp.runs('15 1,2,3 * * *', 1, '2026-10-25 00:20:00+00', 'Europe/Berlin');
SELECT * FROM pg_temp.runs('15 2 * * *', 1, '2026-10-25 00:20:00+00', 'Europe/Berlin');
-- '0 0-23 * * *' fires every hour but is pinned (its hour does not start
-- with '*'): once in the repeated hour, unlike '0 * * * *' below
SELECT * FROM pg_temp.runs('0 0-23 * * *', 4, '2026-10-24 23:30:00+00', 'Europe/Berlin');
-- elapsed: both occurrences
SELECT * FROM pg_temp.runs('0 * * * *', 4, '2026-10-24 23:30:00+00', 'Europe/Berlin');
SELECT * FROM pg_temp.runs('*/30 * * * *', 5, '2026-10-24 23:50:00+00', 'Europe/Berlin');
SELECT * FROM pg_temp.runs('0 */2 * * *', 5, '2026-10-24 21:30:00+00', 'Europe/Berlin');
SELECT * FROM pg_temp.runs('0 30 * * * *', 3, '2026-10-24 23:45:00+00', 'Europe/Berlin');
-- '* 2 * * *' is elapsed (its minute is '*'): 120 fires in the doubled hour
SELECT count(*), min(utc), max(utc)
  FROM pg_temp.runs('* 2 * * *', 200, '2026-10-24 12:00:00+00', 'Europe/Berlin')
 WHERE utc < '2026-10-25 12:00:00+00';
-- interval schedules count real time, whatever the wall clock does
SELECT * FROM pg_temp.runs('every 1 hours', 3, '2026-10-24 23:30:00+00', 'Europe/Berlin');
SELECT * FROM pg_temp.runs('every 30 minutes', 3, '2026-03-29 00:15:00+00', 'Europe/Berlin');

--
-- Europe/Berlin, year after year: the last Sunday of March at 02:30 never
-- exists, the last Sunday of October at 02:30 always twice
--
SELECT * FROM pg_temp.runs('30 2 * 3 0L', 3, '2026-01-01 00:00:00+00', 'Europe/Berlin');
SELECT * FROM pg_temp.runs('30 2 * 10 SUNL', 3, '2026-01-01 00:00:00+00', 'Europe/Berlin');
SELECT * FROM pg_temp.runs('30 2 29 2 *', 1, '2026-01-01 00:00:00+00', 'Europe/Berlin');
-- over a whole year: a daily pinned job fires 365 times, an hourly elapsed
-- job 8760 times (one slot fewer in March, one more in October)
SELECT schedule, count(*) AS fires, count(DISTINCT utc) AS distinct_fires
  FROM (VALUES ('30 2 * * *'), ('0 2 * * *'), ('15 1,2,3 * * *'), ('0 * * * *'), ('*/30 * * * *')) s(schedule),
       pg_temp.runs(schedule, 20000, '2025-12-31 22:59:59+00', 'Europe/Berlin')
 WHERE utc < '2026-12-31 23:00:00+00'
 GROUP BY schedule ORDER BY schedule;

--
-- America/New_York, spring forward: 2026-03-08 07:00 UTC, 02:00 EST -> 03:00 EDT
--
SELECT * FROM pg_temp.runs('30 2 * * *', 3, '2026-03-07 12:00:00+00', 'America/New_York');
SELECT * FROM pg_temp.runs('0 30 2 * * *', 2, '2026-03-07 12:00:00+00', 'America/New_York');
SELECT * FROM pg_temp.runs('0 2 * * *', 2, '2026-03-07 12:00:00+00', 'America/New_York');
SELECT * FROM pg_temp.runs('15 1,2,3 * * *', 4, '2026-03-08 05:00:00+00', 'America/New_York');
SELECT * FROM pg_temp.runs('0 * * * *', 3, '2026-03-08 05:30:00+00', 'America/New_York');
SELECT * FROM pg_temp.runs('*/30 * * * *', 4, '2026-03-08 05:50:00+00', 'America/New_York');
SELECT * FROM pg_temp.runs('0 */2 * * *', 3, '2026-03-08 04:30:00+00', 'America/New_York');

--
-- America/New_York, fall back: 2026-11-01 06:00 UTC, 02:00 EDT -> 01:00 EST
-- (the repeated hour is 01:00-02:00)
--
SELECT * FROM pg_temp.runs('30 1 * * *', 2, '2026-10-31 12:00:00+00', 'America/New_York');
SELECT * FROM pg_temp.runs('0 30 1 * * *', 2, '2026-10-31 12:00:00+00', 'America/New_York');
SELECT * FROM pg_temp.runs('30 2 * * *', 2, '2026-10-31 12:00:00+00', 'America/New_York');
SELECT * FROM pg_temp.runs('0 2 * * *', 2, '2026-10-31 12:00:00+00', 'America/New_York');
SELECT * FROM pg_temp.runs('15 1,2,3 * * *', 4, '2026-11-01 04:00:00+00', 'America/New_York');
-- pinned because its hour field starts with '1', not '*'
SELECT * FROM pg_temp.runs('0 1/2 * * *', 3, '2026-11-01 03:30:00+00', 'America/New_York');
SELECT * FROM pg_temp.runs('0 * * * *', 4, '2026-11-01 04:30:00+00', 'America/New_York');
SELECT * FROM pg_temp.runs('*/30 * * * *', 5, '2026-11-01 04:50:00+00', 'America/New_York');
SELECT * FROM pg_temp.runs('0 */2 * * *', 3, '2026-11-01 03:30:00+00', 'America/New_York');
SELECT * FROM pg_temp.runs('0 0 * * * *', 3, '2026-11-01 04:30:00+00', 'America/New_York');
-- a rare schedule, many transitions away: the fifth Monday of February
SELECT * FROM pg_temp.runs('0 0 * 2 MON#5', 1, '2026-01-01 00:00:00+00', 'America/New_York');

--
-- Australia/Lord_Howe shifts by 30 minutes.
-- Fall back: 2026-04-04 15:00 UTC, 02:00 (+11) -> 01:30 (+10:30)
--
SELECT * FROM pg_temp.runs('45 1 * * *', 2, '2026-04-04 00:00:00+00', 'Australia/Lord_Howe');
SELECT * FROM pg_temp.runs('30 1 * * *', 2, '2026-04-04 00:00:00+00', 'Australia/Lord_Howe');
SELECT * FROM pg_temp.runs('0 2 * * *', 2, '2026-04-04 00:00:00+00', 'Australia/Lord_Howe');
SELECT * FROM pg_temp.runs('0,15,30,45 1 * * *', 6, '2026-04-04 13:50:00+00', 'Australia/Lord_Howe');
SELECT * FROM pg_temp.runs('*/30 * * * *', 5, '2026-04-04 13:50:00+00', 'Australia/Lord_Howe');
SELECT * FROM pg_temp.runs('0 * * * *', 3, '2026-04-04 13:30:00+00', 'Australia/Lord_Howe');
-- Spring forward: 2026-10-03 15:30 UTC, 02:00 (+10:30) -> 02:30 (+11)
SELECT * FROM pg_temp.runs('15 2 * * *', 2, '2026-10-03 00:00:00+00', 'Australia/Lord_Howe');
SELECT * FROM pg_temp.runs('0 2 * * *', 2, '2026-10-03 00:00:00+00', 'Australia/Lord_Howe');
SELECT * FROM pg_temp.runs('0,15,30 2 * * *', 4, '2026-10-03 00:00:00+00', 'Australia/Lord_Howe');
SELECT * FROM pg_temp.runs('0 15 2 * * *', 2, '2026-10-03 00:00:00+00', 'Australia/Lord_Howe');
SELECT * FROM pg_temp.runs('*/15 * * * *', 3, '2026-10-03 15:10:00+00', 'Australia/Lord_Howe');
SELECT * FROM pg_temp.runs('0 */2 * * *', 2, '2026-10-03 12:00:00+00', 'Australia/Lord_Howe');
SELECT schedule, count(*) AS fires
  FROM (VALUES ('*/30 * * * *'), ('0,30 2 * * *'), ('45 1 * * *')) s(schedule),
       pg_temp.runs(schedule, 20000, '2025-12-31 12:59:59+00', 'Australia/Lord_Howe')
 WHERE utc < '2026-12-31 13:00:00+00'
 GROUP BY schedule ORDER BY schedule;

--
-- Australia/Sydney (southern hemisphere: DST ends in April, starts in October)
-- Fall back: 2026-04-04 16:00 UTC, 03:00 AEDT -> 02:00 AEST
--
SELECT * FROM pg_temp.runs('30 2 * * *', 2, '2026-04-04 00:00:00+00', 'Australia/Sydney');
SELECT * FROM pg_temp.runs('15 1,2,3 * * *', 4, '2026-04-04 13:00:00+00', 'Australia/Sydney');
SELECT * FROM pg_temp.runs('0 * * * *', 3, '2026-04-04 14:30:00+00', 'Australia/Sydney');
-- Spring forward: 2026-10-03 16:00 UTC, 02:00 AEST -> 03:00 AEDT
SELECT * FROM pg_temp.runs('30 2 * * *', 2, '2026-10-03 00:00:00+00', 'Australia/Sydney');
SELECT * FROM pg_temp.runs('0 30 2 * * *', 2, '2026-10-03 00:00:00+00', 'Australia/Sydney');
SELECT * FROM pg_temp.runs('0 * * * *', 3, '2026-10-03 14:30:00+00', 'Australia/Sydney');
SELECT * FROM pg_temp.runs('0 */2 * * *', 3, '2026-10-03 13:30:00+00', 'Australia/Sydney');

--
-- America/Santiago changes at midnight, so the day changes too.
-- Fall back: 2026-04-05 03:00 UTC, 00:00 (-03) -> 23:00 (-04) on Saturday 4 April
--
SELECT * FROM pg_temp.runs('30 23 * * *', 2, '2026-04-04 12:00:00+00', 'America/Santiago');
SELECT * FROM pg_temp.runs('30 23 * * SAT', 2, '2026-04-04 12:00:00+00', 'America/Santiago');
SELECT * FROM pg_temp.runs('0 0 * * *', 2, '2026-04-04 12:00:00+00', 'America/Santiago');
SELECT * FROM pg_temp.runs('0 * * * *', 3, '2026-04-05 01:30:00+00', 'America/Santiago');
-- Spring forward: 2026-09-06 04:00 UTC, 00:00 (-04) -> 01:00 (-03): midnight
-- of Sunday 6 September does not exist
SELECT * FROM pg_temp.runs('0 0 * * *', 2, '2026-09-05 12:00:00+00', 'America/Santiago');
SELECT * FROM pg_temp.runs('0 0 * * SUN', 2, '2026-09-01 00:00:00+00', 'America/Santiago');
SELECT * FROM pg_temp.runs('30 0 6 9 *', 2, '2026-01-01 00:00:00+00', 'America/Santiago');
SELECT * FROM pg_temp.runs('0 * * * *', 3, '2026-09-06 02:30:00+00', 'America/Santiago');

--
-- Asia/Kolkata has no DST: the same UTC instants every day
--
SELECT * FROM pg_temp.runs('30 2 * * *', 3, '2026-03-28 12:00:00+00', 'Asia/Kolkata');
SELECT * FROM pg_temp.runs('30 2 * * *', 3, '2026-10-24 12:00:00+00', 'Asia/Kolkata');
SELECT * FROM pg_temp.runs('0 * * * *', 3, '2026-03-29 00:00:00+00', 'Asia/Kolkata');
SELECT * FROM pg_temp.runs('0 30 2 * * *', 2, '2026-11-01 00:00:00+00', 'Asia/Kolkata');
