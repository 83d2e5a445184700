/*
 * privileges.c
 *		The type permissions.privileges: a set of the letters r w d a o.
 *
 * Stored as a one-byte bit mask (PERM_PRIV_*).  The text form lists the
 * letters in the canonical order rwdao; the empty set is the empty string.
 * Input takes the letters in any order, each at most once, lower case only,
 * with no whitespace, so every accepted text names exactly one set.
 * The btree order is the order of the bit masks: total and stable, useful
 * for sorting and indexes, but it is not set inclusion (use @> and <@).
 * Depends on nothing else in the extension.
 */
#include "permissions.h"

#include "common/hashfn.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(permissions_privileges_in);
PG_FUNCTION_INFO_V1(permissions_privileges_out);
PG_FUNCTION_INFO_V1(permissions_privileges_recv);
PG_FUNCTION_INFO_V1(permissions_privileges_send);
PG_FUNCTION_INFO_V1(permissions_privileges_eq);
PG_FUNCTION_INFO_V1(permissions_privileges_ne);
PG_FUNCTION_INFO_V1(permissions_privileges_lt);
PG_FUNCTION_INFO_V1(permissions_privileges_le);
PG_FUNCTION_INFO_V1(permissions_privileges_gt);
PG_FUNCTION_INFO_V1(permissions_privileges_ge);
PG_FUNCTION_INFO_V1(permissions_privileges_cmp);
PG_FUNCTION_INFO_V1(permissions_privileges_hash);
PG_FUNCTION_INFO_V1(permissions_privileges_hash_extended);
PG_FUNCTION_INFO_V1(permissions_privileges_contains);
PG_FUNCTION_INFO_V1(permissions_privileges_contained);
PG_FUNCTION_INFO_V1(permissions_privileges_union);
PG_FUNCTION_INFO_V1(permissions_privileges_intersect);
PG_FUNCTION_INFO_V1(permissions_privileges_minus);

static const char privilege_letters[] = "rwdao";

/*
 * The bit for one letter, or 0 when it is not a privilege letter
 */
PermPrivileges
perm_privilege_bit(char letter)
{
	for (int i = 0; privilege_letters[i] != '\0'; i++)
	{
		if (privilege_letters[i] == letter)
			return (PermPrivileges) (1 << i);
	}
	return 0;
}

/*
 * Canonical text of a set into buf (at least 6 bytes)
 */
void
perm_privileges_format(PermPrivileges privs, char *buf)
{
	int			n = 0;

	for (int i = 0; privilege_letters[i] != '\0'; i++)
	{
		if (privs & (1 << i))
			buf[n++] = privilege_letters[i];
	}
	buf[n] = '\0';
}

Datum
permissions_privileges_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	PermPrivileges result = 0;

	for (const char *p = str; *p != '\0'; p++)
	{
		PermPrivileges bit = perm_privilege_bit(*p);

		if (bit == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid input syntax for type %s: \"%s\"",
							"permissions.privileges", str),
					 errdetail("\"%.*s\" is not a privilege letter.",
							   pg_mblen(p), p),
					 errhint("Use the lower-case letters r (read), w (write), d (delete), a (approve) and o (override), each at most once.")));
		if (result & bit)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid input syntax for type %s: \"%s\"",
							"permissions.privileges", str),
					 errdetail("The letter \"%c\" appears more than once.", *p),
					 errhint("Use the lower-case letters r (read), w (write), d (delete), a (approve) and o (override), each at most once.")));
		result |= bit;
	}
	PG_RETURN_PRIVILEGES(result);
}

Datum
permissions_privileges_out(PG_FUNCTION_ARGS)
{
	char	   *buf = palloc(sizeof(privilege_letters));

	perm_privileges_format(PG_GETARG_PRIVILEGES(0), buf);
	PG_RETURN_CSTRING(buf);
}

Datum
permissions_privileges_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			value = pq_getmsgbyte(buf);

	if (value & ~PERM_PRIV_ALL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid privilege set %d in binary input", value)));
	PG_RETURN_PRIVILEGES((PermPrivileges) value);
}

Datum
permissions_privileges_send(PG_FUNCTION_ARGS)
{
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, PG_GETARG_PRIVILEGES(0));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

#define PRIV_BOOL_FUNC(name, expr) \
Datum \
permissions_privileges_##name(PG_FUNCTION_ARGS) \
{ \
	PermPrivileges a = PG_GETARG_PRIVILEGES(0); \
	PermPrivileges b = PG_GETARG_PRIVILEGES(1); \
	PG_RETURN_BOOL(expr); \
}

PRIV_BOOL_FUNC(eq, a == b)
PRIV_BOOL_FUNC(ne, a != b)
PRIV_BOOL_FUNC(lt, a < b)
PRIV_BOOL_FUNC(le, a <= b)
PRIV_BOOL_FUNC(gt, a > b)
PRIV_BOOL_FUNC(ge, a >= b)
PRIV_BOOL_FUNC(contains, (a & b) == b)
PRIV_BOOL_FUNC(contained, (a & b) == a)

#define PRIV_SET_FUNC(name, expr) \
Datum \
permissions_privileges_##name(PG_FUNCTION_ARGS) \
{ \
	PermPrivileges a = PG_GETARG_PRIVILEGES(0); \
	PermPrivileges b = PG_GETARG_PRIVILEGES(1); \
	PG_RETURN_PRIVILEGES(expr); \
}

PRIV_SET_FUNC(union, a | b)
PRIV_SET_FUNC(intersect, a & b)
PRIV_SET_FUNC(minus, a & ~b)

Datum
permissions_privileges_cmp(PG_FUNCTION_ARGS)
{
	int			a = PG_GETARG_PRIVILEGES(0);
	int			b = PG_GETARG_PRIVILEGES(1);

	PG_RETURN_INT32((a > b) - (a < b));
}

Datum
permissions_privileges_hash(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(hash_uint32((uint32) PG_GETARG_PRIVILEGES(0)));
}

Datum
permissions_privileges_hash_extended(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(hash_uint32_extended((uint32) PG_GETARG_PRIVILEGES(0),
										 PG_GETARG_INT64(1)));
}
