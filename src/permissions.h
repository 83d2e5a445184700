/*
 * permissions.h
 *		Internal interfaces of the permissions extension.
 *
 * Externs are grouped by the file that defines them.  Dependencies point
 * down: types know nothing; identity knows types; the rights cache knows
 * identity; checks know the cache.  Nothing in the answering parts may call
 * into the acting parts (policies, approvals, locks, activity, alerts).
 */
#ifndef PERMISSIONS_H
#define PERMISSIONS_H

#include "postgres.h"
#include "fmgr.h"

/* ---------------------------------------------------------------------
 * access_level.c -- the ordered type none < read < full
 * ---------------------------------------------------------------------
 */
typedef enum PermAccessLevel
{
	PERM_ACCESS_NONE = 0,
	PERM_ACCESS_READ = 1,
	PERM_ACCESS_FULL = 2
} PermAccessLevel;

#define DatumGetAccessLevel(d)	((PermAccessLevel) DatumGetChar(d))
#define AccessLevelGetDatum(a)	CharGetDatum((char) (a))
#define PG_GETARG_ACCESS_LEVEL(n)	DatumGetAccessLevel(PG_GETARG_DATUM(n))
#define PG_RETURN_ACCESS_LEVEL(a)	return AccessLevelGetDatum(a)

extern const char *perm_access_level_name(PermAccessLevel level);
extern bool perm_access_level_parse(const char *str, PermAccessLevel *result);

/* ---------------------------------------------------------------------
 * privileges.c -- a set of privilege letters r w d a o
 * ---------------------------------------------------------------------
 */
typedef uint8 PermPrivileges;

#define PERM_PRIV_READ		0x01	/* r */
#define PERM_PRIV_WRITE		0x02	/* w */
#define PERM_PRIV_DELETE	0x04	/* d */
#define PERM_PRIV_APPROVE	0x08	/* a */
#define PERM_PRIV_OVERRIDE	0x10	/* o */
#define PERM_PRIV_ALL		0x1F

#define DatumGetPrivileges(d)	((PermPrivileges) DatumGetChar(d))
#define PrivilegesGetDatum(p)	CharGetDatum((char) (p))
#define PG_GETARG_PRIVILEGES(n)	DatumGetPrivileges(PG_GETARG_DATUM(n))
#define PG_RETURN_PRIVILEGES(p)	return PrivilegesGetDatum(p)

/* the bit for one letter, or 0 when the letter is not a privilege */
extern PermPrivileges perm_privilege_bit(char letter);
/* canonical text (letters in the order rwdao) into buf of at least 6 bytes */
extern void perm_privileges_format(PermPrivileges privs, char *buf);

#endif							/* PERMISSIONS_H */
