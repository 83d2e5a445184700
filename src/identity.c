/*
 * identity.c
 *		Who is acting: the permissions.user_id setting and its guards.
 *
 * The acting user is the value of permissions.user_id when it is set, else
 * the users row whose db_role is current_user (resolved by the rights cache,
 * which is the only reader of config tables), else nobody.
 *
 * permissions.user_id is PGC_SUSET, so PostgreSQL itself refuses it (42501)
 * to every role that is neither a superuser nor granted
 * SET ON PARAMETER permissions.user_id -- through SET, set_config(),
 * ALTER ROLE ... SET, a function's SET clause, and placeholders set before
 * this library loaded (PostgreSQL 15 re-checks those against the role that
 * set them, and MarkGUCPrefixReserved removes any that remain).  The check is
 * made against the current user, so a security-definer function switches
 * identity only when its owner may.  On top of that we refuse any change made
 * inside a security-restricted operation (index expressions, maintenance
 * commands), where no legitimate caller switches identity.
 *
 * Invariant: every change of the setting, including the restores done by
 * transaction and savepoint abort, RESET, RESET ALL and DISCARD ALL, goes
 * through the assign hook, which bumps perm_identity_generation; the rights
 * cache compares that counter on every call.
 */
#include "permissions.h"

#include "mb/pg_wchar.h"
#include "parser/scansup.h"

#include "access/parallel.h"
#include "miscadmin.h"
#include "utils/guc.h"
#include "utils/rls.h"

/* bumped whenever permissions.user_id changes value */
uint64		perm_identity_generation = 1;

static char *user_id_setting = NULL;
static char *reason_setting = NULL;

/*
 * Ensure the identity is not switched inside a security-restricted operation
 */
static bool
check_user_id(char **newval, void **extra, GucSource source)
{
	if (source >= PGC_S_INTERACTIVE && !IsParallelWorker() &&
		InSecurityRestrictedOperation())
	{
		GUC_check_errcode(ERRCODE_INSUFFICIENT_PRIVILEGE);
		GUC_check_errmsg("cannot set parameter \"permissions.user_id\" within security-restricted operation");
		return false;
	}
	return true;
}

static void
assign_user_id(const char *newval, void *extra)
{
	perm_identity_generation++;
}

/*
 * Define the settings of this file
 */
void
perm_identity_init(void)
{
	DefineCustomStringVariable("permissions.user_id",
							   "The application user on whose behalf this session acts.",
							   "Empty means: the user whose db_role is current_user, or nobody. "
							   "Only superusers and roles granted SET ON PARAMETER permissions.user_id "
							   "(for example a pooled login role) may set it.",
							   &user_id_setting,
							   "",
							   PGC_SUSET,
							   GUC_NOT_IN_SAMPLE,
							   check_user_id,
							   assign_user_id,
							   NULL);

	DefineCustomStringVariable("permissions.reason",
							   "Why the acting user overrides a lock or decides an approval.",
							   "Recorded in the activity log with the next overrides and decisions.",
							   &reason_setting,
							   "",
							   PGC_USERSET,
							   GUC_NOT_IN_SAMPLE,
							   NULL, NULL, NULL);
}

/*
 * The user_id setting, or NULL when it is not set
 */
const char *
perm_identity_setting(void)
{
	if (user_id_setting == NULL || user_id_setting[0] == '\0')
		return NULL;
	return user_id_setting;
}

/*
 * The length in bytes of a character at c that shows nothing: ASCII white
 * space and vertical tab, and in UTF-8 Unicode's other spaces (U+0085,
 * U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000) and
 * the invisible U+180E, U+200B-U+200D, U+2060 and U+FEFF; 0 for any other
 */
static int
blank_length(const unsigned char *c)
{
	if (scanner_isspace((char) c[0]) || c[0] == '\v')
		return 1;
	if (GetDatabaseEncoding() != PG_UTF8)
		return 0;
	if (c[0] == 0xC2 && (c[1] == 0x85 || c[1] == 0xA0))
		return 2;
	if (c[0] == 0xE1 && ((c[1] == 0x9A && c[2] == 0x80) || (c[1] == 0xA0 && c[2] == 0x8E)))
		return 3;
	if (c[0] == 0xE2 && c[1] == 0x80 &&
		((c[2] >= 0x80 && c[2] <= 0x8D) || c[2] == 0xA8 || c[2] == 0xA9 || c[2] == 0xAF))
		return 3;
	if (c[0] == 0xE2 && c[1] == 0x81 && (c[2] == 0x9F || c[2] == 0xA0))
		return 3;
	if ((c[0] == 0xE3 && c[1] == 0x80 && c[2] == 0x80) ||
		(c[0] == 0xEF && c[1] == 0xBB && c[2] == 0xBF))
		return 3;
	return 0;
}

/*
 * The reason setting, or NULL when it is not set or says nothing (only
 * white space or invisible characters)
 */
const char *
perm_identity_reason(void)
{
	const unsigned char *c;

	if (reason_setting == NULL)
		return NULL;
	for (c = (const unsigned char *) reason_setting; *c != '\0';)
	{
		int			n = blank_length(c);

		if (n == 0)
			return reason_setting;
		c += n;
	}
	return NULL;
}

/*
 * Is this session loading a dump?
 *
 * pg_dump's output (restored by pg_restore or psql) runs as a superuser,
 * with row_security = off, and nobody acting.  Data loaded that way was
 * accepted and logged when it was first written; its activity log arrives
 * with it.  So the activity and lock triggers stand aside: logging the load
 * again would collide with the restored log, and a lock_before table could
 * not be restored at all.  Only a superuser can be in this state, and a
 * superuser can switch any trigger off anyway.
 */
bool
perm_loading_dump(void)
{
	/*
	 * The session's user, not the current one: the extension runs a
	 * document table's owner's code as that owner, who may be a superuser
	 */
	return !row_security && perm_identity_setting() == NULL && superuser_arg(GetSessionUserId());
}
