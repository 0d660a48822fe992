/*-------------------------------------------------------------------------
 *
 * remote.c
 *	  Runs a job's command on another server over libpq (see remote.h).
 *
 * Being written: until then a remote run fails with a clear message.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "remote.h"

bool
beat_run_remote(const BeatRemoteTarget *target, const char *command,
				char **tag, char **message, char sqlstate[6])
{
	*message = psprintf("running jobs on other servers (nodename \"%s\") is not supported yet",
						target->host);
	strlcpy(sqlstate, "0A000", 6);
	return false;
}
