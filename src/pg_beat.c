/*-------------------------------------------------------------------------
 *
 * pg_beat.c
 *	  Entry point of the pg_beat shared library: _PG_init only.
 *
 * pg_beat must be loaded through shared_preload_libraries: it needs shared
 * memory and a launcher background worker, both of which can only be set
 * up while the postmaster starts.  Loading it any other way is an error.
 * In binary-upgrade mode (pg_upgrade) it stays inert, so that no job runs
 * against a half-upgraded cluster.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"

#include "compat.h"
#include "guc.h"
#include "launcher.h"
#include "pool.h"
#include "shmem.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

void
_PG_init(void)
{
	if (!process_shared_preload_libraries_in_progress)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("pg_beat must be loaded via shared_preload_libraries"),
				 errhint("Add pg_beat to the shared_preload_libraries configuration parameter in postgresql.conf and restart the server.")));

	if (IsBinaryUpgrade)
		return;

	beat_define_settings();
	beat_shmem_init_hooks();
	beat_register_xact_callbacks();
	beat_pool_init_hooks();
	beat_register_launcher();
}
