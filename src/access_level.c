/*
 * access_level.c
 *		The type permissions.access_level: none < read < full.
 *
 * A pure value type stored in one byte (PermAccessLevel).  Input is
 * case-insensitive and also takes read-only / read_only; output is always
 * the canonical lower-case name.  Whitespace anywhere is rejected rather
 * than trimmed, so a stored value always round-trips to the same text.
 * Depends on nothing else in the extension.
 */
#include "permissions.h"

#include "common/hashfn.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(permissions_access_level_in);
PG_FUNCTION_INFO_V1(permissions_access_level_out);
PG_FUNCTION_INFO_V1(permissions_access_level_recv);
PG_FUNCTION_INFO_V1(permissions_access_level_send);
PG_FUNCTION_INFO_V1(permissions_access_level_eq);
PG_FUNCTION_INFO_V1(permissions_access_level_ne);
PG_FUNCTION_INFO_V1(permissions_access_level_lt);
PG_FUNCTION_INFO_V1(permissions_access_level_le);
PG_FUNCTION_INFO_V1(permissions_access_level_gt);
PG_FUNCTION_INFO_V1(permissions_access_level_ge);
PG_FUNCTION_INFO_V1(permissions_access_level_cmp);
PG_FUNCTION_INFO_V1(permissions_access_level_hash);
PG_FUNCTION_INFO_V1(permissions_access_level_hash_extended);
PG_FUNCTION_INFO_V1(permissions_access_level_larger);
PG_FUNCTION_INFO_V1(permissions_access_level_smaller);

static const char *const level_names[] = {"none", "read", "full"};

/*
 * Canonical name of a level
 */
const char *
perm_access_level_name(PermAccessLevel level)
{
	if ((int) level < 0 || (int) level > PERM_ACCESS_FULL)
		elog(ERROR, "invalid access level %d", (int) level);
	return level_names[level];
}

/*
 * Parse a level name; false when the text is not one
 */
bool
perm_access_level_parse(const char *str, PermAccessLevel *result)
{
	static const struct
	{
		const char *name;
		PermAccessLevel level;
	}			names[] = {
		{"none", PERM_ACCESS_NONE},
		{"read", PERM_ACCESS_READ},
		{"read-only", PERM_ACCESS_READ},
		{"read_only", PERM_ACCESS_READ},
		{"full", PERM_ACCESS_FULL},
	};

	for (int i = 0; i < lengthof(names); i++)
	{
		if (pg_strcasecmp(str, names[i].name) == 0)
		{
			*result = names[i].level;
			return true;
		}
	}
	return false;
}

/*
 * Ensure a valid byte from a binary message or a stored datum
 */
static PermAccessLevel
checked_level(int value)
{
	if (value < PERM_ACCESS_NONE || value > PERM_ACCESS_FULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid access level %d in binary input", value)));
	return (PermAccessLevel) value;
}

Datum
permissions_access_level_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	PermAccessLevel level;

	if (!perm_access_level_parse(str, &level))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s: \"%s\"",
						"permissions.access_level", str),
				 errhint("Valid values are none, read (also read-only or read_only) and full.")));
	PG_RETURN_ACCESS_LEVEL(level);
}

Datum
permissions_access_level_out(PG_FUNCTION_ARGS)
{
	PermAccessLevel level = PG_GETARG_ACCESS_LEVEL(0);

	PG_RETURN_CSTRING(pstrdup(perm_access_level_name(level)));
}

Datum
permissions_access_level_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);

	PG_RETURN_ACCESS_LEVEL(checked_level(pq_getmsgbyte(buf)));
}

Datum
permissions_access_level_send(PG_FUNCTION_ARGS)
{
	PermAccessLevel level = PG_GETARG_ACCESS_LEVEL(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, (uint8) level);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

#define LEVEL_CMP_FUNC(name, op) \
Datum \
permissions_access_level_##name(PG_FUNCTION_ARGS) \
{ \
	PG_RETURN_BOOL(PG_GETARG_ACCESS_LEVEL(0) op PG_GETARG_ACCESS_LEVEL(1)); \
}

LEVEL_CMP_FUNC(eq, ==)
LEVEL_CMP_FUNC(ne, !=)
LEVEL_CMP_FUNC(lt, <)
LEVEL_CMP_FUNC(le, <=)
LEVEL_CMP_FUNC(gt, >)
LEVEL_CMP_FUNC(ge, >=)

Datum
permissions_access_level_cmp(PG_FUNCTION_ARGS)
{
	int			a = PG_GETARG_ACCESS_LEVEL(0);
	int			b = PG_GETARG_ACCESS_LEVEL(1);

	PG_RETURN_INT32((a > b) - (a < b));
}

Datum
permissions_access_level_hash(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(hash_uint32((uint32) PG_GETARG_ACCESS_LEVEL(0)));
}

Datum
permissions_access_level_hash_extended(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(hash_uint32_extended((uint32) PG_GETARG_ACCESS_LEVEL(0),
										 PG_GETARG_INT64(1)));
}

Datum
permissions_access_level_larger(PG_FUNCTION_ARGS)
{
	PermAccessLevel a = PG_GETARG_ACCESS_LEVEL(0);
	PermAccessLevel b = PG_GETARG_ACCESS_LEVEL(1);

	PG_RETURN_ACCESS_LEVEL(a > b ? a : b);
}

Datum
permissions_access_level_smaller(PG_FUNCTION_ARGS)
{
	PermAccessLevel a = PG_GETARG_ACCESS_LEVEL(0);
	PermAccessLevel b = PG_GETARG_ACCESS_LEVEL(1);

	PG_RETURN_ACCESS_LEVEL(a < b ? a : b);
}
