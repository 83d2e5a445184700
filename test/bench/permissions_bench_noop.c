/*
 * permissions_bench_noop.c
 *		A C row trigger that does nothing, for make bench only.
 *
 * The single-row section of the activity log benchmark runs a third table
 * under this trigger: what PostgreSQL's AFTER ROW trigger machinery (the
 * event queue, re-fetching the rows, the call) costs by itself, the floor
 * under any trigger-based log.  Not part of the extension.
 */
#include "postgres.h"

#include "commands/trigger.h"
#include "fmgr.h"

PG_MODULE_MAGIC;

PG_FUNCTION_INFO_V1(permissions_bench_noop);

Datum
permissions_bench_noop(PG_FUNCTION_ARGS)
{
	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("permissions_bench_noop must be called as a trigger")));
	return PointerGetDatum(NULL);
}
