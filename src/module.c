/*
 * module.c
 *		Entry point of the permissions library.
 *
 * _PG_init defines every setting before reserving the "permissions" prefix,
 * so placeholders of our own settings are re-applied (and privilege-checked)
 * by PostgreSQL, and any other permissions.* placeholder is removed.
 */
#include "permissions.h"

#include "utils/guc.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

void
_PG_init(void)
{
	perm_identity_init();
	perm_locks_init();
	perm_cache_init();
	perm_activity_init();
	perm_direct_init();
	MarkGUCPrefixReserved("permissions");
}
