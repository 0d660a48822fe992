-- Every cron.* setting exists, with pg_cron's defaults and the right context.
SELECT name, setting, unit, context, vartype
  FROM pg_settings WHERE name LIKE 'cron.%' ORDER BY name;
-- the prefix is reserved: a typo is an error, not a silent placeholder
SET cron.no_such_setting = 1;
-- internal settings cannot be set by users
SET cron.job_id = '5';
-- postmaster-only settings cannot change at run time
SET cron.database_name = 'x';
