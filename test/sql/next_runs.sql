-- cron.next_runs: calendars, month ends, the special day forms, intervals,
-- what "strictly after start" means, the defaults, and zones without
-- daylight-saving time.  Times print in UTC.
\set SHOW_CONTEXT never
SET timezone = 'UTC';
SET DateStyle = 'ISO, YMD';

--
-- Leap years
--

-- 29 February: every four years ...
SELECT t FROM cron.next_runs('0 0 29 2 *', 5, '2025-01-01 00:00:00+00', 'UTC') t;
-- ... but not in 2100 (divisible by 100), yet in 2000 and 2400 (by 400)
SELECT t FROM cron.next_runs('0 0 29 2 *', 2, '2100-01-01 00:00:00+00', 'UTC') t;
SELECT t FROM cron.next_runs('0 0 29 2 *', 2, '2096-03-01 00:00:00+00', 'UTC') t;
SELECT t FROM cron.next_runs('0 0 29 2 *', 2, '1999-01-01 00:00:00+00', 'UTC') t;
SELECT t FROM cron.next_runs('0 0 29 2 *', 1, '2396-03-01 00:00:00+00', 'UTC') t;
-- the last day of February follows the same rules
SELECT t FROM cron.next_runs('0 0 L 2 *', 5, '2027-01-01 00:00:00+00', 'UTC') t;
SELECT t FROM cron.next_runs('0 0 L 2 *', 2, '2099-03-01 00:00:00+00', 'UTC') t;
SELECT t FROM cron.next_runs('0 0 L-1 2 *', 2, '2027-01-01 00:00:00+00', 'UTC') t;
-- L-28 in February is the 1st, which exists only in leap years
SELECT t FROM cron.next_runs('0 0 L-28 2 *', 2, '2026-01-01 00:00:00+00', 'UTC') t;

--
-- Month ends
--

-- L in every month of a year
SELECT t FROM cron.next_runs('0 0 L * *', 12, '2026-01-01 00:00:00+00', 'UTC') t;
-- L-30 is the 1st of the 31-day months
SELECT t FROM cron.next_runs('0 0 L-30 * *', 4, '2026-01-01 00:00:00+00', 'UTC') t;
-- the 30th and the 31st skip the months without them
SELECT t FROM cron.next_runs('0 0 30 * *', 3, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT t FROM cron.next_runs('0 0 31 * *', 5, '2026-01-01 00:00:00+00', 'UTC') t;
-- the last minute of the year, across the year end
SELECT t FROM cron.next_runs('59 23 L 12 *', 2, '2026-01-01 00:00:00+00', 'UTC') t;

--
-- The weekday nearest day n (nW) never leaves the month
--

-- 2026-08-01 is a Saturday: Monday the 3rd; 2026-11-01 is a Sunday: Monday the 2nd
SELECT t, to_char(t, 'Dy') AS dow FROM cron.next_runs('0 0 1W * *', 4, '2026-07-15 00:00:00+00', 'UTC') t;
-- 2026-05-31 is a Sunday: Friday the 29th; 2026-10-31 a Saturday: Friday
-- the 30th; months of 30 days have no 31st and no 31W
SELECT t, to_char(t, 'Dy') AS dow FROM cron.next_runs('0 0 31W * *', 5, '2026-05-01 00:00:00+00', 'UTC') t;
-- 2026-08-15 is a Saturday: Friday the 14th; 2026-11-15 a Sunday: Monday the 16th
SELECT t, to_char(t, 'Dy') AS dow FROM cron.next_runs('0 0 15W * *', 4, '2026-08-01 00:00:00+00', 'UTC') t;
-- 28 February on a Saturday (2026), on a Sunday that ends the month (2027),
-- on a Monday (2028)
SELECT t, to_char(t, 'Dy') AS dow FROM cron.next_runs('0 0 28W 2 *', 3, '2026-01-01 00:00:00+00', 'UTC') t;
-- LW around weekends
SELECT t, to_char(t, 'Dy') AS dow FROM cron.next_runs('0 0 LW * *', 6, '2026-05-01 00:00:00+00', 'UTC') t;

--
-- Weekdays of the month: DAY#n and nL
--

-- the fifth Friday exists only in some months
SELECT t, to_char(t, 'Dy') AS dow FROM cron.next_runs('0 0 * * FRI#5', 4, '2026-01-01 00:00:00+00', 'UTC') t;
-- the fifth Monday of February: only in a leap year whose February starts on a Monday
SELECT t, to_char(t, 'Dy') AS dow FROM cron.next_runs('0 0 * 2 MON#5', 2, '2026-01-01 00:00:00+00', 'UTC') t;
-- the last Sunday, written 0L and 7L
SELECT t, to_char(t, 'Dy') AS dow FROM cron.next_runs('0 0 * * 0L', 4, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT t, to_char(t, 'Dy') AS dow FROM cron.next_runs('0 0 * * SUNL', 4, '2026-01-01 00:00:00+00', 'UTC') t;
-- the first Monday and the last Friday, at 09:30
SELECT t, to_char(t, 'Dy') AS dow FROM cron.next_runs('30 9 * * 1#1,5L', 6, '2026-01-01 00:00:00+00', 'UTC') t;

--
-- Intervals count from the start, whatever its second
--

SELECT t FROM cron.next_runs('every 90 minutes', 3, '2026-01-01 10:07:13+00', 'UTC') t;
SELECT t FROM cron.next_runs('45 seconds', 3, '2026-12-31 23:59:30+00', 'UTC') t;
SELECT t FROM cron.next_runs('every 744 hours', 3, '2026-01-15 12:00:00+00', 'UTC') t;

--
-- Strictly after start
--

-- a start on a fire time excludes it
SELECT t FROM cron.next_runs('0 0 * * *', 2, '2026-01-01 00:00:00+00', 'UTC') t;
SELECT t FROM cron.next_runs('0 0 * * *', 2, '2025-12-31 23:59:59.999999+00', 'UTC') t;
SELECT t FROM cron.next_runs('0 0 * * *', 2, '2026-01-01 00:00:00.000001+00', 'UTC') t;
SELECT t FROM cron.next_runs('* * * * * *', 2, '2026-01-01 00:00:00.5+00', 'UTC') t;
-- before 2000 and before 1970 too
SELECT t FROM cron.next_runs('* * * * * *', 3, '1999-12-31 23:59:58.5+00', 'UTC') t;
SELECT t FROM cron.next_runs('* * * * *', 2, '1969-12-31 23:59:30+00', 'UTC') t;
-- each fire time is the start of the next search: no duplicates, ascending
SELECT count(*) AS n, count(DISTINCT t) AS distinct_n, min(t), max(t)
  FROM cron.next_runs('* * * * * *', 100000, '2026-01-01 00:00:00+00', 'UTC') t;
-- nothing after year 9999
SELECT t FROM cron.next_runs('0 0 1 1 *', 5, '9998-06-01 00:00:00+00', 'UTC') t;

--
-- Defaults
--

-- n defaults to 5
SELECT count(*) FROM cron.next_runs('0 0 * * *', start => '2026-01-01 00:00:00+00', timezone => 'UTC');
-- start defaults to now()
SELECT count(*) AS n, min(t) = date_trunc('minute', now()) + interval '1 minute' AS first_ok,
       max(t) = date_trunc('minute', now()) + interval '5 minutes' AS last_ok
  FROM cron.next_runs('* * * * *') t;
-- the zone defaults to cron.timezone (GMT)
SHOW cron.timezone;
SELECT t FROM cron.next_runs('30 2 * * *', 2, '2026-01-01 00:00:00+00') t;
SELECT t FROM cron.next_runs('30 2 * * *', 2, '2026-07-01 00:00:00+00', NULL) t;

--
-- Zones without daylight-saving time
--

-- Asia/Kolkata is UTC+05:30 all year
SELECT t, t AT TIME ZONE 'Asia/Kolkata' AS kolkata
  FROM cron.next_runs('30 9 * * *', 3, '2026-01-01 00:00:00+00', 'Asia/Kolkata') t;
SELECT t, t AT TIME ZONE 'Asia/Kolkata' AS kolkata
  FROM cron.next_runs('0 0 * * *', 3, '2026-01-01 00:00:00+00', 'Asia/Kolkata') t;
-- the same daily job in March and October: no shift
SELECT t, t AT TIME ZONE 'Asia/Kolkata' AS kolkata
  FROM cron.next_runs('30 2 * * *', 2, '2026-03-28 12:00:00+00', 'Asia/Kolkata') t;
SELECT t, t AT TIME ZONE 'Asia/Kolkata' AS kolkata
  FROM cron.next_runs('30 2 * * *', 2, '2026-10-24 12:00:00+00', 'Asia/Kolkata') t;
-- the local date decides the day: Mondays in Kolkata begin on Sunday 18:30 UTC
SELECT t, t AT TIME ZONE 'Asia/Kolkata' AS kolkata, to_char(t AT TIME ZONE 'Asia/Kolkata', 'Dy') AS dow
  FROM cron.next_runs('0 0 * * MON', 2, '2026-01-01 00:00:00+00', 'Asia/Kolkata') t;
SELECT t, t AT TIME ZONE 'Asia/Kolkata' AS kolkata
  FROM cron.next_runs('0 0 L * *', 2, '2026-01-01 00:00:00+00', 'Asia/Kolkata') t;
-- hourly jobs run at half past in UTC
SELECT t, t AT TIME ZONE 'Asia/Kolkata' AS kolkata
  FROM cron.next_runs('0 * * * *', 3, '2026-01-01 00:00:00+00', 'Asia/Kolkata') t;
-- +05:45 and +14:00
SELECT t, t AT TIME ZONE 'Asia/Kathmandu' AS kathmandu
  FROM cron.next_runs('0 12 * * *', 2, '2026-01-01 00:00:00+00', 'Asia/Kathmandu') t;
SELECT t, t AT TIME ZONE 'Pacific/Kiritimati' AS kiritimati
  FROM cron.next_runs('0 0 1 1 *', 2, '2026-01-01 00:00:00+00', 'Pacific/Kiritimati') t;
-- a negative offset: America/Phoenix is UTC-07 all year
SELECT t, t AT TIME ZONE 'America/Phoenix' AS phoenix
  FROM cron.next_runs('0 0 * * *', 2, '2026-03-07 12:00:00+00', 'America/Phoenix') t;
-- interval schedules do not depend on the zone
SELECT t FROM cron.next_runs('every 2 hours', 3, '2026-01-01 00:00:00+00', 'Asia/Kolkata') t;
-- the calendar starts in year 1 AD: an earlier start is an error, not a clamp
SELECT cron.next_runs('0 0 1 1 *', 2, '0001-01-01 00:00:00+00', 'UTC');
SELECT cron.next_runs('0 0 1 1 *', 2, '0001-12-31 23:59:59+00 BC', 'UTC');
SELECT cron.next_runs('0 0 1 1 *', 2, '4713-11-24 00:00:00+00 BC', 'UTC');
