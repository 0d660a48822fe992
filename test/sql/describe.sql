-- cron.describe_schedule: schedules in plain English.  Field schedules name
-- the zone they are read in (the argument, else cron.timezone); intervals and
-- @reboot do not depend on a zone.
\set SHOW_CONTEXT never

-- typical schedules, in the default zone (cron.timezone)
SHOW cron.timezone;
SELECT schedule, cron.describe_schedule(schedule) AS description
  FROM (VALUES (1, '30 2 * * *'),
               (2, '0 0 * * *'),
               (3, '*/15 * * * *'),
               (4, '* * * * *'),
               (5, '0 * * * *'),
               (6, '0 9 * * 1-5'),
               (7, '0 22 * * MON-FRI'),
               (8, '5 4 * * sun'),
               (9, '0 0,12 * * *'),
               (10, '0 8-18/2 * * *'),
               (11, '*/5 9-17 * * *'),
               (12, '0 0 1,15 * *'),
               (13, '0 0 L * *'),
               (14, '0 0 $ * *'),
               (15, '0 0 L-2 * *'),
               (16, '0 9 15W * *'),
               (17, '0 18 LW * *'),
               (18, '0 0 * * 5L'),
               (19, '0 10 * * MON#2'),
               (20, '0 0 1 1 *'),
               (21, '0 0 29 2 *'),
               (22, '0 0 1 */3 *'),
               (23, '0 12 1 jan,jul *'),
               (24, '0 12 13 * 5'),
               (25, '0 0 */2 * 5'),
               (26, '0 30 2 * * *'),
               (27, '*/10 * * * * *'),
               (28, '15,45 * * * * *'),
               (29, '30 0 2 * * *'),
               (30, '*/20 30 2 * * *'),
               (31, '0 */2 * * *'),
               (32, '0 0 L 2 *'),
               (33, '0 12 * 2 MON#5'),
               (34, '0 9 * * MON#2,FRI#5'),
               (35, '0 0 L,15 * *'),
               (36, '0 0 1 * MON'),
               (37, '0 0 1 * */2'),
               (38, '0 0 * * */2')) v(i, schedule)
 ORDER BY i;

-- macros
SELECT schedule, cron.describe_schedule(schedule) AS description
  FROM (VALUES (1, '@yearly'), (2, '@annually'), (3, '@monthly'), (4, '@weekly'),
               (5, '@daily'), (6, '@midnight'), (7, '@hourly'), (8, '@reboot')) v(i, schedule)
 ORDER BY i;

-- intervals
SELECT schedule, cron.describe_schedule(schedule) AS description
  FROM (VALUES (1, '30 seconds'), (2, '1 second'), (3, 'every 45 seconds'),
               (4, 'every 120 seconds'), (5, 'every 5 minutes'), (6, 'every 1 minute'),
               (7, 'every 90 minutes'), (8, 'every 2 hours'), (9, 'every 1 hour')) v(i, schedule)
 ORDER BY i;

-- with a zone
SELECT cron.describe_schedule('30 2 * * *', 'Europe/Berlin');
SELECT cron.describe_schedule('0 9 * * 1-5', 'America/New_York');
SELECT cron.describe_schedule('0 0 L * *', 'Asia/Kolkata');
SELECT cron.describe_schedule('@daily', 'Australia/Lord_Howe');
SELECT cron.describe_schedule('every 5 minutes', 'Europe/Berlin');
SELECT cron.describe_schedule('@reboot', 'Europe/Berlin');
-- a NULL zone means cron.timezone
SELECT cron.describe_schedule('30 2 * * *', NULL);

-- errors
SELECT cron.describe_schedule('61 * * * *');
SELECT cron.describe_schedule('0 0 30 2 *', 'Europe/Berlin');
SELECT cron.describe_schedule(NULL);
SELECT cron.describe_schedule('30 2 * * *', 'Mars/Olympus');
