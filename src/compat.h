/*-------------------------------------------------------------------------
 *
 * compat.h
 *	  The one place where pg_beat's code differs by PostgreSQL major version.
 *
 * pg_beat supports PostgreSQL 15 to 18: 15, 17 and 18 are built and tested
 * (scripts/test), 16 is in no Debian suite, so it is not tested, but every
 * guard below is at the version where the API changed, 16 included.  The
 * rest of the code calls the beat_* names here and has no #if of its own.
 *
 * Include after postgres.h.
 *
 *-------------------------------------------------------------------------
 */
#ifndef PG_BEAT_COMPAT_H
#define PG_BEAT_COMPAT_H

#if PG_VERSION_NUM < 150000
#error "pg_beat supports PostgreSQL 15, 16, 17 and 18; this PostgreSQL is older (see docs/installing.md)"
#endif

#include "catalog/pg_database.h"
#include "tcop/pquery.h"
#include "utils/acl.h"
#include "utils/guc.h"

/*
 * beat_database_aclcheck: does role hold mode (ACL_CONNECT, ...) on the
 * database?  PostgreSQL 16 replaced pg_database_aclcheck by the generic
 * object_aclcheck.
 */
static inline AclResult
beat_database_aclcheck(Oid database_oid, Oid role_oid, AclMode mode)
{
#if PG_VERSION_NUM >= 160000
	return object_aclcheck(DatabaseRelationId, database_oid, role_oid, mode);
#else
	return pg_database_aclcheck(database_oid, role_oid, mode);
#endif
}

/*
 * beat_portal_run: PortalRun to completion.  PostgreSQL 18 dropped the
 * run_once argument (it was always true for a portal run once, as ours).
 */
static inline bool
beat_portal_run(Portal portal, long count, bool isTopLevel,
				DestReceiver *dest, DestReceiver *altdest, QueryCompletion *qc)
{
#if PG_VERSION_NUM >= 180000
	return PortalRun(portal, count, isTopLevel, dest, altdest, qc);
#else
	return PortalRun(portal, count, isTopLevel, true, dest, altdest, qc);
#endif
}

/*
 * beat_guc_malloc: memory for a GUC check hook's *extra, which GUC frees
 * itself.  Up to 15 GUC frees it with free(); since 16 GUC's memory lives in
 * its own memory context (guc_malloc, freed with pfree), and a malloc()ed
 * extra makes the postmaster die with "pfree called with invalid pointer".
 * Returns NULL when out of memory (guc_malloc at LOG does not throw).
 */
static inline void *
beat_guc_malloc(size_t size)
{
#if PG_VERSION_NUM >= 160000
	return guc_malloc(LOG, size);
#else
	return malloc(size);
#endif
}

#endif							/* PG_BEAT_COMPAT_H */
