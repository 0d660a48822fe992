/*-------------------------------------------------------------------------
 *
 * remote.c
 *	  Runs a job's command on another server over libpq (see remote.h).
 *
 * A remote run happens in the run's background worker, which has no local
 * database connection: the worker only drives one libpq connection.  The
 * model is core's own use of libpq inside a backend (libpqwalreceiver.c and
 * contrib/postgres_fdw/connection.c): the connection is made with
 * PQconnectStartParams and PQconnectPoll, the command is sent with
 * PQsendQuery on a non-blocking connection, and every network wait is a
 * WaitLatchOrSocket on the connection's socket and the process latch.  So
 * the worker serves its signals while the remote server works, and a
 * "remote" server that is in fact this one (loopback) cannot wedge it.
 *
 * The command goes as one simple-protocol Query message, exactly as psql -c
 * sends it: the remote server runs a single statement as its own
 * transaction and several statements as one implicit transaction.  The
 * outcome is that of the last result (its command tag), or of the first
 * error, after which the server runs nothing more; the remaining results
 * are read all the same, so the protocol stays in step until the end.
 *
 * Stopping a run.  The launcher cancels a run with SIGINT
 * (StatementCancelHandler sets QueryCancelPending) and terminates it with
 * SIGTERM (die sets ProcDiePending).  Both set the latch; after each wait,
 * and before CHECK_FOR_INTERRUPTS acts on them, a cancel request goes to the
 * remote server (PQcancel), so that the remote statement stops too instead
 * of running on after we hang up.  A cancel then surfaces as the usual
 * query-cancel ERROR, which beat_run_remote catches and reports as a failed
 * run with SQLSTATE 57014, after reading the remote server's answer to the
 * cancel for a few seconds (as postgres_fdw does), so that the run ends
 * when the remote statement has.  A terminate is a FATAL that exits the
 * process.  The connection is never leaked: beat_run_remote closes it
 * before it returns, whether or not an ERROR interrupted the run, and
 * remote_at_exit closes it when the process exits in the middle (FATAL,
 * postmaster death), sending the cancel request if a command was still in
 * flight.
 *
 * What may still block: PQcancel opens a connection of its own to the
 * remote server and waits for it to take the request (PostgreSQL 15 has no
 * asynchronous cancel; postgres_fdw does the same), and libpq resolves host
 * names synchronously.  Neither needs anything from this server, so
 * neither can deadlock on loopback.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>

#include "libpq-fe.h"
#include "miscadmin.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"

#include "remote.h"

#define REMOTE_COPY_MESSAGE "COPY to or from the client is not supported in a job"

/*
 * How long an interrupted run waits for the remote server to confirm the
 * cancel.  The launcher terminates a cancelled run that lingers anyway.
 */
#define REMOTE_DRAIN_MS 5000

/*
 * The connection of the run in progress, for the error and exit paths; NULL
 * when there is none.  remote_result is the result being looked at, freed
 * with the connection if an error interrupts that.
 */
static PGconn *remote_conn = NULL;
static PGresult *remote_result = NULL;

/* A command was sent and not all of its results are in yet. */
static bool remote_busy = false;

/* A cancel request was sent for the command in flight. */
static bool remote_cancel_sent = false;

static bool remote_exit_callback_set = false;

/*
 * A copy of a libpq message without its trailing newline(s).
 */
static char *
remote_trimmed(const char *s)
{
	char	   *r = pstrdup(s != NULL ? s : "");
	size_t		len = strlen(r);

	while (len > 0 && isspace((unsigned char) r[len - 1]))
		r[--len] = '\0';
	return r;
}

/*
 * Ask the remote server to cancel the command in flight, once.  Blocks
 * until the remote server has taken the request (see the file header).
 */
static void
remote_send_cancel(void)
{
	PGcancel   *cancel;
	char		errbuf[256];
	bool		sent;

	if (remote_conn == NULL || !remote_busy || remote_cancel_sent)
		return;
	remote_cancel_sent = true;

	cancel = PQgetCancel(remote_conn);
	if (cancel == NULL)
		return;
	errbuf[0] = '\0';
	sent = PQcancel(cancel, errbuf, sizeof(errbuf));
	PQfreeCancel(cancel);
	if (!sent)
	{
		char	   *reason = remote_trimmed(errbuf);

		ereport(WARNING,
				(errcode(ERRCODE_CONNECTION_FAILURE),
				 errmsg("could not send cancel request to server \"%s\" port %s: %s",
						PQhost(remote_conn), PQport(remote_conn), reason)));
	}
}

/*
 * Close the connection, if any, and forget its state.
 */
static void
remote_close(void)
{
	PGconn	   *conn = remote_conn;
	PGresult   *res = remote_result;

	remote_conn = NULL;
	remote_result = NULL;
	remote_busy = false;
	remote_cancel_sent = false;
	if (res != NULL)
		PQclear(res);
	if (conn != NULL)
		PQfinish(conn);
}

/*
 * before_shmem_exit callback: the process is exiting (terminated, or the
 * postmaster died) in the middle of a run.  Stop the remote command and
 * hang up.
 */
static void
remote_at_exit(int code, Datum arg)
{
	remote_send_cancel();
	remote_close();
}

/*
 * Serve interrupts.  A pending cancel or terminate is forwarded to the
 * remote server first, as CHECK_FOR_INTERRUPTS does not return from either.
 */
static void
remote_check_for_interrupts(void)
{
	if (QueryCancelPending || ProcDiePending)
		remote_send_cancel();
	CHECK_FOR_INTERRUPTS();
}

/*
 * Wait until the connection's socket is ready for io_events, the latch is
 * set or timeout_ms (-1: none) has passed; then serve interrupts.  Returns
 * the events that fired.
 */
static int
remote_wait(int io_events, long timeout_ms)
{
	pgsocket	sock = PQsocket(remote_conn);
	int			events = WL_LATCH_SET | WL_EXIT_ON_PM_DEATH | io_events;
	int			rc;

	if (sock == PGINVALID_SOCKET)
		ereport(ERROR,
				(errcode(ERRCODE_CONNECTION_FAILURE),
				 errmsg("lost connection to server \"%s\" port %s",
						PQhost(remote_conn), PQport(remote_conn))));
	if (timeout_ms >= 0)
		events |= WL_TIMEOUT;

	rc = WaitLatchOrSocket(MyLatch, events, sock, timeout_ms,
						   PG_WAIT_EXTENSION);
	if (rc & WL_LATCH_SET)
		ResetLatch(MyLatch);
	remote_check_for_interrupts();
	return rc;
}

/*
 * Notices and warnings of the remote server go to this server's log as if
 * the command had raised them here (libpq would print them on stderr).
 */
static void
remote_notice_receiver(void *arg, const PGresult *res)
{
	const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	const char *severity = PQresultErrorField(res,
											  PG_DIAG_SEVERITY_NONLOCALIZED);

	if (msg == NULL)
		return;
	ereport((severity != NULL && strcmp(severity, "WARNING") == 0) ?
			WARNING : NOTICE,
			(errmsg_internal("%s", msg),
			 errcontext("remote job run on server \"%s\" port %s",
						PQhost(remote_conn), PQport(remote_conn))));
}

/*
 * Report a connection failure.
 */
static bool
remote_connect_failed(const BeatRemoteTarget *target, const char *reason,
					  char **message, char sqlstate[6])
{
	char	   *trimmed = remote_trimmed(reason);

	*message = psprintf("could not connect to server \"%s\" port %d: %s",
						target->host, target->port, trimmed);
	strlcpy(sqlstate, "08001", 6);
	return false;
}

/*
 * Open remote_conn to target, waiting at most target->connect_timeout
 * seconds (0: no limit).  libpq enforces connect_timeout only when it
 * blocks itself, so the deadline is ours.  On failure returns false with
 * *message and sqlstate set; remote_conn may then hold the failed
 * connection, for the caller to close.
 */
static bool
remote_connect(const BeatRemoteTarget *target, char **message,
			   char sqlstate[6])
{
	const char *keywords[9];
	const char *values[9];
	char		port[16];
	char		timeout[16];
	int			n = 0;
	TimestampTz deadline = 0;
	PostgresPollingStatusType status;

	snprintf(port, sizeof(port), "%d", target->port);
	keywords[n] = "host";
	values[n++] = target->host;
	keywords[n] = "port";
	values[n++] = port;
	keywords[n] = "dbname";
	values[n++] = target->dbname;
	keywords[n] = "user";
	values[n++] = target->user;
	keywords[n] = "application_name";
	values[n++] = target->application_name;
	keywords[n] = "fallback_application_name";
	values[n++] = "pg_beat";

	/*
	 * The command and the messages travel as UTF-8: the remote server
	 * converts from its database's encoding, whatever that is.
	 */
	keywords[n] = "client_encoding";
	values[n++] = target->client_encoding;
	if (target->connect_timeout > 0)
	{
		snprintf(timeout, sizeof(timeout), "%d", target->connect_timeout);
		keywords[n] = "connect_timeout";
		values[n++] = timeout;
		deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
											   target->connect_timeout * 1000);
	}
	keywords[n] = NULL;
	values[n] = NULL;
	Assert(n < lengthof(keywords));

	/* expand_dbname = false: the database name is never a connection string */
	remote_conn = PQconnectStartParams(keywords, values, 0);
	if (remote_conn == NULL)
		return remote_connect_failed(target, "out of memory", message,
									 sqlstate);
	if (PQstatus(remote_conn) == CONNECTION_BAD)
		return remote_connect_failed(target, PQerrorMessage(remote_conn),
									 message, sqlstate);

	PQsetNoticeReceiver(remote_conn, remote_notice_receiver, NULL);

	/*
	 * Per PQconnectPoll's contract, behave as if the socket had been
	 * reported writable before the first call.
	 */
	status = PGRES_POLLING_WRITING;
	while (status != PGRES_POLLING_OK)
	{
		int			io_event;
		long		timeout_ms = -1;
		int			rc;

		if (status == PGRES_POLLING_FAILED)
			return remote_connect_failed(target, PQerrorMessage(remote_conn),
										 message, sqlstate);
		if (PQsocket(remote_conn) == PGINVALID_SOCKET)
			return remote_connect_failed(target, "invalid socket", message,
										 sqlstate);
		if (deadline != 0)
		{
			timeout_ms = TimestampDifferenceMilliseconds(GetCurrentTimestamp(),
														 deadline);
			if (timeout_ms <= 0)
				return remote_connect_failed(target, "timeout expired",
											 message, sqlstate);
		}

		io_event = (status == PGRES_POLLING_READING) ?
			WL_SOCKET_READABLE : WL_SOCKET_WRITEABLE;
		rc = remote_wait(io_event, timeout_ms);
		if (rc & io_event)
			status = PQconnectPoll(remote_conn);
	}
	return true;
}

/*
 * Send what libpq has buffered.  False if the connection broke.
 */
static bool
remote_flush(void)
{
	for (;;)
	{
		int			r = PQflush(remote_conn);
		int			rc;

		if (r == 0)
			return true;
		if (r < 0)
			return false;

		/* the server may be waiting for us to read before it reads more */
		rc = remote_wait(WL_SOCKET_READABLE | WL_SOCKET_WRITEABLE, -1);
		if ((rc & WL_SOCKET_READABLE) && !PQconsumeInput(remote_conn))
			return false;
	}
}

/*
 * Wait for the next result and return it (in remote_result too), or NULL
 * when there are no more.  *lost is set when the connection broke before
 * the results were all in.
 */
static PGresult *
remote_next_result(bool *lost)
{
	while (PQisBusy(remote_conn))
	{
		int			rc = remote_wait(WL_SOCKET_READABLE, -1);

		if ((rc & WL_SOCKET_READABLE) && !PQconsumeInput(remote_conn))
		{
			/*
			 * On a dropped connection PQgetResult returns, without waiting,
			 * what was still buffered (say, the FATAL that explains the
			 * drop) and then the failure itself.
			 */
			if (PQstatus(remote_conn) == CONNECTION_BAD)
				break;
			*lost = true;
			return NULL;
		}
	}
	remote_result = PQgetResult(remote_conn);
	return remote_result;
}

/*
 * Record the first failure of the run; later ones are consequences.
 */
static void
remote_fail(bool *failed, char **message, char sqlstate[6],
			const char *msg, const char *code)
{
	if (*failed)
		return;
	*failed = true;
	*message = pstrdup(msg);
	strlcpy(sqlstate, code, 6);
}

/*
 * Record an error result, keeping its primary message and SQLSTATE.
 * Errors libpq makes itself have no SQLSTATE: they mean the connection
 * failed or the protocol went wrong.
 */
static void
remote_fail_result(bool *failed, char **message, char sqlstate[6],
				   PGresult *res)
{
	const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	const char *code = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	char	   *msg;

	if (*failed)
		return;
	if (primary != NULL)
		msg = pstrdup(primary);
	else
	{
		msg = remote_trimmed(PQresultErrorMessage(res));
		if (msg[0] == '\0')
			msg = remote_trimmed(PQerrorMessage(remote_conn));
	}
	if (code == NULL || strlen(code) != 5)
		code = (PQstatus(remote_conn) == CONNECTION_BAD) ? "08006" : "08P01";
	remote_fail(failed, message, sqlstate, msg, code);
}

/*
 * Read and throw away the rows of a COPY TO STDOUT, until the copy ends.
 * False if the connection broke.
 */
static bool
remote_discard_copy_out(void)
{
	for (;;)
	{
		char	   *buf = NULL;
		int			r = PQgetCopyData(remote_conn, &buf, 1);
		int			rc;

		if (r > 0)
		{
			PQfreemem(buf);
			continue;
		}
		if (r < 0)
			return true;		/* -1: copy done; -2: PQgetResult says why */

		rc = remote_wait(WL_SOCKET_READABLE, -1);
		if ((rc & WL_SOCKET_READABLE) && !PQconsumeInput(remote_conn))
			return false;
	}
}

/*
 * Refuse a COPY FROM STDIN: end it with an error, which also aborts the
 * rest of the command string on the server.  False if the connection
 * broke.
 */
static bool
remote_refuse_copy_in(void)
{
	int			r;

	while ((r = PQputCopyEnd(remote_conn, REMOTE_COPY_MESSAGE)) == 0)
		(void) remote_wait(WL_SOCKET_WRITEABLE, -1);
	return r > 0 && remote_flush();
}

/*
 * After a cancel request, read what is left of the results, for at most
 * timeout_ms: the run then ends once the remote server has stopped the
 * command, and it does not see its client vanish.  Serves no interrupts
 * (the cancel is what we are doing), but gives up at once on a terminate.
 */
static void
remote_drain(long timeout_ms)
{
	TimestampTz deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
													   timeout_ms);

	while (remote_busy && !ProcDiePending)
	{
		long		remaining;
		int			rc;

		while (!PQisBusy(remote_conn))
		{
			PGresult   *res = PQgetResult(remote_conn);
			ExecStatusType status;

			if (res == NULL)
			{
				remote_busy = false;
				return;
			}
			status = PQresultStatus(res);
			PQclear(res);
			/* a COPY would need more than reading; just hang up */
			if (status == PGRES_COPY_IN || status == PGRES_COPY_OUT ||
				status == PGRES_COPY_BOTH)
				return;
		}

		remaining = TimestampDifferenceMilliseconds(GetCurrentTimestamp(),
													deadline);
		if (remaining <= 0 || PQsocket(remote_conn) == PGINVALID_SOCKET)
			return;
		rc = WaitLatchOrSocket(MyLatch,
							   WL_LATCH_SET | WL_SOCKET_READABLE | WL_TIMEOUT |
							   WL_EXIT_ON_PM_DEATH,
							   PQsocket(remote_conn), remaining,
							   PG_WAIT_EXTENSION);
		if (rc & WL_LATCH_SET)
			ResetLatch(MyLatch);
		if ((rc & WL_SOCKET_READABLE) && !PQconsumeInput(remote_conn))
			return;
	}
}

/*
 * Run command on remote_conn and collect its outcome (see the file header).
 */
static bool
remote_execute(const char *command, char **tag, char **message,
			   char sqlstate[6])
{
	bool		failed = false;
	bool		lost = false;
	PGresult   *res;

	if (PQsetnonblocking(remote_conn, 1) != 0)
	{
		remote_fail(&failed, message, sqlstate,
					remote_trimmed(PQerrorMessage(remote_conn)), "08006");
		return false;
	}

	CHECK_FOR_INTERRUPTS();
	if (!PQsendQuery(remote_conn, command))
	{
		remote_fail(&failed, message, sqlstate,
					remote_trimmed(PQerrorMessage(remote_conn)), "08006");
		return false;
	}
	remote_busy = true;
	if (!remote_flush())
		lost = true;

	*tag = pstrdup("");
	while (!lost && (res = remote_next_result(&lost)) != NULL)
	{
		ExecStatusType status = PQresultStatus(res);

		switch (status)
		{
			case PGRES_COMMAND_OK:
			case PGRES_TUPLES_OK:
			case PGRES_EMPTY_QUERY:
				if (!failed)
					*tag = pstrdup(PQcmdStatus(res));
				break;
			case PGRES_FATAL_ERROR:
			case PGRES_BAD_RESPONSE:
				remote_fail_result(&failed, message, sqlstate, res);
				break;
			case PGRES_COPY_IN:
				remote_fail(&failed, message, sqlstate, REMOTE_COPY_MESSAGE,
							"0A000");
				if (!remote_refuse_copy_in())
					lost = true;
				break;
			case PGRES_COPY_OUT:

				/*
				 * The server cannot be told to stop a COPY TO STDOUT but by
				 * a cancel, which also keeps the rest of the string, if it
				 * is still running, from committing while the run fails.
				 */
				remote_fail(&failed, message, sqlstate, REMOTE_COPY_MESSAGE,
							"0A000");
				remote_send_cancel();
				if (!remote_discard_copy_out())
					lost = true;
				break;
			default:
				/* PGRES_COPY_BOTH and the like: no way to carry on */
				remote_fail(&failed, message, sqlstate,
							psprintf("unexpected result from server: %s",
									 PQresStatus(status)),
							"08P01");
				lost = true;
				break;
		}
		remote_result = NULL;
		PQclear(res);
	}

	if (lost)
		remote_fail(&failed, message, sqlstate,
					remote_trimmed(PQerrorMessage(remote_conn)), "08006");
	else
		remote_busy = false;
	return !failed;
}

bool
beat_run_remote(const BeatRemoteTarget *target, const char *command,
				char **tag, char **message, char sqlstate[6])
{
	MemoryContext caller_context = CurrentMemoryContext;
	volatile bool ok = false;

	*tag = NULL;
	*message = NULL;
	sqlstate[0] = '\0';

	if (!remote_exit_callback_set)
	{
		before_shmem_exit(remote_at_exit, (Datum) 0);
		remote_exit_callback_set = true;
	}
	remote_close();

	PG_TRY();
	{
		if (remote_connect(target, message, sqlstate))
			ok = remote_execute(command, tag, message, sqlstate);
		remote_close();
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		/* most likely the cancel: CHECK_FOR_INTERRUPTS threw it */
		MemoryContextSwitchTo(caller_context);
		edata = CopyErrorData();
		FlushErrorState();

		*message = edata->message;
		strlcpy(sqlstate, unpack_sql_state(edata->sqlerrcode), 6);
		ok = false;
	}
	PG_END_TRY();

	/* interrupted: stop the remote command, let it say so, hang up */
	if (remote_conn != NULL)
	{
		remote_send_cancel();
		remote_drain(REMOTE_DRAIN_MS);
		remote_close();
	}

	if (!ok)
	{
		*tag = NULL;
		if (*message == NULL)
			*message = pstrdup("remote run failed");
	}
	return ok;
}
