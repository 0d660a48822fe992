/*-------------------------------------------------------------------------
 *
 * remote.h
 *	  Run a job's command on another server over libpq.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PG_BEAT_REMOTE_H
#define PG_BEAT_REMOTE_H

/* Where and as whom a remote run connects. */
typedef struct BeatRemoteTarget
{
	const char *host;			/* cron.job.nodename */
	int			port;			/* cron.job.nodeport */
	const char *dbname;			/* cron.job.database */
	const char *user;			/* cron.job.username */
	const char *application_name;	/* "pg_beat job <jobid>" */
	int			connect_timeout;	/* seconds */
	const char *client_encoding;	/* encoding the messages are wanted in */
} BeatRemoteTarget;

/*
 * Connect to target and run command with the simple query protocol, as
 * psql -c does.  Called in a background worker without a local database
 * connection.  Never blocks on the network without also waiting on the
 * process latch, so a cancel (SIGINT: QueryCancelPending) is forwarded to
 * the remote server with PQcancel and a terminate (SIGTERM) ends the run.
 *
 * On success returns true and sets *tag to the last command tag (palloc'd,
 * e.g. "INSERT 0 1").  On failure returns false and sets *message (palloc'd)
 * and sqlstate (5 characters and a NUL; "08001" for connection failures).
 * Credentials and TLS are libpq's: .pgpass, service files, certificates of
 * the server's OS user.
 */
extern bool beat_run_remote(const BeatRemoteTarget *target,
							const char *command, char **tag,
							char **message, char sqlstate[6]);

#endif							/* PG_BEAT_REMOTE_H */
