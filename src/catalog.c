/*
 * catalog.c
 *		Triggers guarding the config tables.
 *
 *	- config_guard (BEFORE, each statement): only superusers, the extension
 *	  owner and acting users who may do users.admin change the model; any
 *	  other writer gets 42501 before a single row changes.  For roles it also
 *	  takes SHARE ROW EXCLUSIVE, so concurrent edits of the inheritance chain
 *	  are serialised and the cycle check below sees them all.
 *	- config_changed (AFTER, each statement): sends a relcache invalidation
 *	  for the table, delivered to every session when (and only if) the
 *	  transaction commits; the rights cache listens for it.
 *	- roles_check_cycles (AFTER, each statement): rejects inheritance cycles.
 *
 * All three are ENABLE ALWAYS, so session_replication_role cannot skip them.
 */
#include "permissions.h"

#include "access/xact.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "storage/lmgr.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/rel.h"

PG_FUNCTION_INFO_V1(permissions_config_guard);
PG_FUNCTION_INFO_V1(permissions_config_changed);
PG_FUNCTION_INFO_V1(permissions_roles_check_cycles);

/*
 * Ensure we are called as a statement-level trigger
 */
static TriggerData *
statement_trigger_data(FunctionCallInfo fcinfo, const char *name)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo) ||
		!TRIGGER_FIRED_FOR_STATEMENT(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function %s must be fired as a statement-level trigger", name)));
	return trigdata;
}

Datum
permissions_config_guard(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = statement_trigger_data(fcinfo, "config_guard");
	Relation	rel = trigdata->tg_relation;
	StringInfoData why;

	initStringInfo(&why);
	if (!perm_may_admin(&why))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied for action \"users.admin\""),
				 errdetail("Changing permissions.%s needs users.admin, and %s.",
						   RelationGetRelationName(rel), perm_reason_text(why.data)),
				 errhint("Act as a user whose role is an administrator role or may do users.admin, or as a superuser or the extension owner.")));

	if (strcmp(RelationGetRelationName(rel), "roles") == 0)
		LockRelationOid(RelationGetRelid(rel), ShareRowExclusiveLock);

	return PointerGetDatum(NULL);
}

/* the top-level transaction that last wrote a config table */
static FullTransactionId config_writer = {0};

/*
 * Has the current transaction written a config table?  Decisions that must
 * rest on committed grants (approvals) refuse to run after such a write.
 * A write undone by a rolled-back savepoint still counts: that only makes
 * the refusal cautious, never wrong.
 */
bool
perm_config_written_in_xact(void)
{
	FullTransactionId top = GetTopFullTransactionIdIfAny();

	return FullTransactionIdIsValid(top) && FullTransactionIdEquals(top, config_writer);
}

Datum
permissions_config_changed(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = statement_trigger_data(fcinfo, "config_changed");

	config_writer = GetTopFullTransactionId();
	CacheInvalidateRelcache(trigdata->tg_relation);
	return PointerGetDatum(NULL);
}

/*
 * Ensure no role inherits itself, directly or through a chain
 */
Datum
permissions_roles_check_cycles(PG_FUNCTION_ARGS)
{
	(void) statement_trigger_data(fcinfo, "roles_check_cycles");

	SPI_connect();
	/* walk every chain upwards; stop a walk as soon as it revisits a role */
	if (SPI_execute(
					"WITH RECURSIVE walk(cur, path) AS ("
					"  SELECT r.inherits, pg_catalog.array_append(ARRAY[]::text[], r.role::text)"
					"    FROM permissions.roles r WHERE r.inherits IS NOT NULL"
					"  UNION ALL"
					"  SELECT p.inherits, pg_catalog.array_append(w.path, w.cur::text)"
					"    FROM walk w JOIN permissions.roles p ON p.role OPERATOR(pg_catalog.=) w.cur"
					"   WHERE p.inherits IS NOT NULL"
					"     AND NOT (w.cur::text OPERATOR(pg_catalog.=) ANY (w.path))"
					") "
					"SELECT pg_catalog.array_to_string(pg_catalog.array_append(path, cur::text), ' -> ')"
					"  FROM walk WHERE cur::text OPERATOR(pg_catalog.=) ANY (path) LIMIT 1",
					false, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not check role inheritance cycles");
	if (SPI_processed > 0)
	{
		char	   *path = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);

		ereport(ERROR,
				(errcode(ERRCODE_INVALID_RECURSION),
				 errmsg("role inheritance cycle: %s", path),
				 errdetail("A role cannot inherit from itself, directly or through other roles."),
				 errhint("Set inherits of one of these roles to another role or to NULL.")));
	}
	SPI_finish();
	return PointerGetDatum(NULL);
}
