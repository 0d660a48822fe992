/*-------------------------------------------------------------------------
 *
 * guc.h
 *	  The cron.* settings of pg_beat.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PG_BEAT_GUC_H
#define PG_BEAT_GUC_H

#include "datatype/timestamp.h"

extern char *beat_database_name;
extern char *beat_timezone;
extern int	beat_max_running_jobs;
extern int	beat_session_idle_timeout;
extern bool beat_log_run;
extern bool beat_log_statement;
extern int	beat_log_min_messages;
extern bool beat_enable_superuser_jobs;
extern bool beat_launch_active_jobs;
extern bool beat_use_background_workers;
extern char *beat_host;
extern char *beat_notify_channel;
extern char *beat_history_retention;
extern char *beat_overdue_after;

/* Set inside a job's session; empty elsewhere. */
extern char *beat_current_job_id;
extern char *beat_current_run_id;
extern char *beat_current_scheduled_time;
extern char *beat_failed_run;

extern void beat_define_settings(void);
extern bool beat_nodename_is_local(const char *nodename);
extern int64 beat_interval_usecs(const Interval *iv);
extern int64 beat_history_retention_usecs(void);
extern int64 beat_overdue_after_usecs(void);

#endif							/* PG_BEAT_GUC_H */
