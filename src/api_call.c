/*-------------------------------------------------------------------------
 *
 * api_call.c
 *	  The SQL API writes the job catalog as the extension's owner, on behalf
 *	  of its caller (pg_beat 1.3).
 *
 * Ordinary roles hold only SELECT on pg_beat's tables: with INSERT, UPDATE
 * or DELETE on cron.job or cron.job_run_details any role allowed to use
 * schema cron could LOCK them in a mode the launcher waits for, and stall
 * every job.  They change their jobs (and delete their history) through the
 * API instead.  Each API function (cron.schedule, cron.alter_job, ...) is a
 * C function that lands here: cron_api_call() remembers who called, switches
 * the current user to the owner of the extension, who owns the tables, calls
 * the function's implementation cron._<name>_impl(caller oid, <the same
 * arguments>), a PL/pgSQL function whose EXECUTE is revoked from PUBLIC, and
 * switches back, on error too.  pg_cron's API writes its tables the same
 * way.
 *
 * While the call is elevated current_user is the extension's owner, whom
 * row-level security does not filter, so the rules that used to rest on
 * current_user rest on the caller instead:
 *
 *	- the implementations take the caller as their first argument, write it
 *	  as the owner of a new job, and filter the rows they change by it, as
 *	  row-level security did;
 *	- the triggers of cron.job (api.c) judge by beat_acting_user(): the
 *	  caller while the current user is the one this call switched to, else
 *	  the current user.  A trigger fired by anything else (a direct write by
 *	  a superuser, a SECURITY DEFINER function of another role called from
 *	  inside) judges by who is really writing.
 *
 * The caller is kept in a static for the triggers, saved and restored around
 * each call, so calls nest (the acting user of a nested call is the acting
 * user of the outer one), and restored in PG_FINALLY, so an error leaves no
 * stale caller behind for a later write to act as.
 *
 * Nothing the caller controls runs while elevated: the implementations are
 * pg_beat's own, pin search_path to pg_catalog, pg_temp and qualify every
 * object and operator, and get the caller's arguments as values, already
 * converted to their types by the caller's own call.  The implementation is
 * looked up by name in the schema of the API function, and must belong to
 * the same extension.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/dependency.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/pg_list.h"
#include "nodes/value.h"
#include "parser/parse_func.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/regproc.h"
#include "utils/syscache.h"

#include "api_call.h"

PG_FUNCTION_INFO_V1(cron_api_call);

/*
 * The API call in progress in this backend, if any: who called it, and the
 * user id it switched to.  InvalidOid outside a call.
 */
static Oid	api_caller = InvalidOid;
static Oid	api_elevated_user = InvalidOid;

/* What an API function calls, resolved once per call site (fn_extra). */
typedef struct ApiCallTarget
{
	Oid			extension;		/* the extension both functions belong to */
	int			nargs;			/* of the API function */
	FmgrInfo	impl;			/* its implementation: one more argument */
} ApiCallTarget;

Oid
beat_acting_user(void)
{
	Oid			userid = GetUserId();

	if (OidIsValid(api_caller) && userid == api_elevated_user)
		return api_caller;
	return userid;
}

/* The owner of the extension extoid. */
static Oid
api_extension_owner(Oid extoid)
{
	Relation	rel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tuple;
	Oid			owner;

	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_extension_oid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(extoid));
	scan = systable_beginscan(rel, ExtensionOidIndexId, true, NULL, 1, &key);
	tuple = systable_getnext(scan);
	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "cache lookup failed for extension %u", extoid);
	owner = ((Form_pg_extension) GETSTRUCT(tuple))->extowner;
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return owner;
}

/*
 * Find the implementation of the API function flinfo calls:
 * <its schema>._<its name>_impl(oid, <its argument types>), a function of
 * the same extension returning the same type.
 */
static ApiCallTarget *
api_call_target(FmgrInfo *flinfo)
{
	ApiCallTarget *target = (ApiCallTarget *) flinfo->fn_extra;
	HeapTuple	proctup;
	Form_pg_proc proc;
	Oid			argtypes[FUNC_MAX_ARGS];
	int			nargs;
	Oid			rettype;
	char	   *schema;
	char	   *implname;
	Oid			extension;
	Oid			implid;

	if (target != NULL)
		return target;

	proctup = SearchSysCache1(PROCOID, ObjectIdGetDatum(flinfo->fn_oid));
	if (!HeapTupleIsValid(proctup))
		elog(ERROR, "cache lookup failed for function %u", flinfo->fn_oid);
	proc = (Form_pg_proc) GETSTRUCT(proctup);
	nargs = proc->pronargs;
	if (nargs + 1 > FUNC_MAX_ARGS)
		elog(ERROR, "function %u has too many arguments for pg_beat's API",
			 flinfo->fn_oid);
	argtypes[0] = OIDOID;
	memcpy(&argtypes[1], proc->proargtypes.values, nargs * sizeof(Oid));
	rettype = proc->prorettype;
	schema = get_namespace_name(proc->pronamespace);
	implname = psprintf("_%s_impl", NameStr(proc->proname));
	ReleaseSysCache(proctup);

	/*
	 * Only a superuser can create a C function, but one that points at this
	 * symbol from outside the extension would still run something as the
	 * extension's owner: refuse it.
	 */
	extension = getExtensionOfObject(ProcedureRelationId, flinfo->fn_oid);
	if (!OidIsValid(extension))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("function %s is not part of extension pg_beat",
						format_procedure(flinfo->fn_oid)),
				 errdetail("Only pg_beat's own API functions may call cron_api_call.")));

	implid = LookupFuncName(list_make2(makeString(schema), makeString(implname)),
							nargs + 1, argtypes, true);
	if (!OidIsValid(implid) ||
		getExtensionOfObject(ProcedureRelationId, implid) != extension ||
		get_func_rettype(implid) != rettype)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FUNCTION),
				 errmsg("implementation of %s is missing",
						format_procedure(flinfo->fn_oid)),
				 errdetail("pg_beat expects function %s.%s, of the extension, returning the same type.",
						   schema, implname),
				 errhint("Run ALTER EXTENSION pg_beat UPDATE, or create the extension again.")));

	target = MemoryContextAllocZero(flinfo->fn_mcxt, sizeof(ApiCallTarget));
	target->extension = extension;
	target->nargs = nargs;
	fmgr_info_cxt(implid, &target->impl, flinfo->fn_mcxt);
	flinfo->fn_extra = target;
	return target;
}

/*
 * cron_api_call: the body of every API function that writes the catalog.
 *
 * Calls the function's implementation with the caller (the acting user,
 * so that a nested call keeps the outer caller) as first argument and the
 * function's own arguments after it, as the extension's owner, and returns
 * what it returns.
 */
Datum
cron_api_call(PG_FUNCTION_ARGS)
{
	ApiCallTarget *target;
	FunctionCallInfo implcall;
	Oid			caller = beat_acting_user();
	Oid			owner;
	Oid			save_userid;
	int			save_sec_context;
	Oid			save_caller = api_caller;
	Oid			save_elevated_user = api_elevated_user;
	Datum		result;
	bool		isnull;
	int			i;

	if (fcinfo->flinfo == NULL || !OidIsValid(fcinfo->flinfo->fn_oid))
		elog(ERROR, "cron_api_call must be called as an SQL function");

	target = api_call_target(fcinfo->flinfo);
	owner = api_extension_owner(target->extension);

	implcall = palloc0(SizeForFunctionCallInfo(target->nargs + 1));
	InitFunctionCallInfoData(*implcall, &target->impl, target->nargs + 1,
							 fcinfo->fncollation, NULL, NULL);
	implcall->args[0].value = ObjectIdGetDatum(caller);
	implcall->args[0].isnull = false;
	for (i = 0; i < target->nargs; i++)
		implcall->args[i + 1] = fcinfo->args[i];

	/*
	 * As core switches to a table's owner (vacuum, RI checks): the local
	 * flag forbids SET ROLE and SET SESSION AUTHORIZATION in between, and
	 * keeps any restriction the caller runs under.
	 */
	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	SetUserIdAndSecContext(owner, save_sec_context | SECURITY_LOCAL_USERID_CHANGE);
	api_caller = caller;
	api_elevated_user = owner;
	PG_TRY();
	{
		result = FunctionCallInvoke(implcall);
		isnull = implcall->isnull;
	}
	PG_FINALLY();
	{
		api_caller = save_caller;
		api_elevated_user = save_elevated_user;
		SetUserIdAndSecContext(save_userid, save_sec_context);
	}
	PG_END_TRY();

	fcinfo->isnull = isnull;
	return result;
}
