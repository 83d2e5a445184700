/*
 * fuzz_lookup.c
 *		libFuzzer harness for the name lookups of the rights cache
 *		(src/cache.c, compiled unchanged): perm_find_action, which resolves
 *		the action text of every can() call by length, and perm_find_role,
 *		perm_find_setting (allow_self_approval), perm_area_known and
 *		perm_area_locked_until (the lock trigger's area argument).
 *
 * The input is lines: the first is the name asked about, the others are
 * the model's names (deduplicated, at most 64; a line holding a NUL is
 * dropped, as a text column cannot hold one).  The harness builds a model
 * the way build_model does -- each array sorted with strcmp, every name in
 * its own exactly-sized allocation, so a read past a name's end is an
 * AddressSanitizer report -- and asserts that each lookup finds exactly the
 * entry a linear search finds:
 *
 *	- perm_find_action(name, len) for every prefix length of the query:
 *	  the action whose name is exactly those len bytes, else NULL;
 *	- perm_find_role, perm_find_setting (its value), perm_area_known and
 *	  perm_area_locked_until (the area's date, else DATEVAL_NOBEGIN) for
 *	  the query as a C string.
 *
 * Queries may hold NUL bytes: perm_find_action takes a length, and a name
 * never holds a NUL, so such a query matches nothing.  (This harness found
 * that perm_find_action used to read past the end of a name for the query
 * "abc\0x" and the action "abc": strncmp stopped at the NUL and returned 0,
 * then name[len] was read.  No SQL caller could pass a NUL; it now refuses
 * one itself.)
 */
#include "stubs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "permissions.h"

#define HARNESS "fuzz_lookup"
#define FAIL(...) fuzz_fail(HARNESS, data, size, __VA_ARGS__)

#define MAX_NAMES 64

int			LLVMFuzzerInitialize(int *argc, char ***argv);
int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* the index of the name that is exactly these len bytes, or -1 */
static int
linear_find(char **names, int n, const char *q, size_t len)
{
	for (int i = 0; i < n; i++)
		if (strlen(names[i]) == len && memcmp(names[i], q, len) == 0)
			return i;
	return -1;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *end = (const char *) data + size;
	const char *line = (const char *) data;
	const char *nl = memchr(line, '\n', size);
	size_t		qlen = nl ? (size_t) (nl - line) : size;
	char	   *query = fuzz_cstring(data, qlen);
	char	   *names[MAX_NAMES];
	int			n = 0;
	PermModel	m;

	/* the model's names: the other lines */
	for (const char *p = nl ? nl + 1 : end; p < end && n < MAX_NAMES;)
	{
		const char *e = memchr(p, '\n', end - p);
		size_t		len = e ? (size_t) (e - p) : (size_t) (end - p);

		if (memchr(p, '\0', len) == NULL)
		{
			char	   *name = fuzz_cstring((const uint8_t *) p, len);

			if (linear_find(names, n, name, len) < 0)
				names[n++] = name;
		}
		p += len + 1;
	}
	qsort(names, n, sizeof(char *), cmp_names);

	memset(&m, 0, sizeof(m));
	m.nactions = m.nroles = m.nsettings = m.nareas = n;
	m.actions = palloc0(sizeof(PermAction) * Max(n, 1));
	m.roles = palloc0(sizeof(PermRole) * Max(n, 1));
	m.settings = palloc0(sizeof(PermSetting) * Max(n, 1));
	m.areas = palloc0(sizeof(char *) * Max(n, 1));
	m.locked_until = palloc0(sizeof(DateADT) * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		m.actions[i].action = names[i];
		m.roles[i].role = names[i];
		m.settings[i].name = names[i];
		m.settings[i].value = psprintf("value of %d", i);
		m.areas[i] = names[i];
		m.locked_until[i] = i % 3 == 0 ? DATEVAL_NOBEGIN : (DateADT) (i * 1000 - 30000);
	}

	/* perm_find_action, by length, for every prefix of the query */
	{
		size_t		upto = qlen;

		for (size_t len = 0; len <= upto; len++)
		{
			const PermAction *a = perm_find_action(&m, query, (int) len);
			int			want = linear_find(names, n, query, len);

			if (want < 0 ? a != NULL : a != &m.actions[want])
				FAIL("perm_find_action(len %zu) found %s, a linear search %s", len,
					 a ? a->action : "nothing", want < 0 ? "nothing" : names[want]);
		}
	}

	/* the lookups by C string */
	{
		int			want = linear_find(names, n, query, strlen(query));
		const PermRole *r = perm_find_role(&m, query);
		const char *setting = perm_find_setting(&m, query);
		bool		known = perm_area_known(&m, query);
		DateADT		until = perm_area_locked_until(&m, query);

		if (want < 0 ? r != NULL : r != &m.roles[want])
			FAIL("perm_find_role found %s", r ? r->role : "nothing");
		if (want < 0 ? setting != NULL : setting != m.settings[want].value)
			FAIL("perm_find_setting found %s", setting ? setting : "nothing");
		if (known != (want >= 0))
			FAIL("perm_area_known says %d", known);
		if (until != (want < 0 ? DATEVAL_NOBEGIN : m.locked_until[want]))
			FAIL("perm_area_locked_until is %d", (int) until);
		if (perm_find_role(&m, NULL) != NULL)
			FAIL("perm_find_role(NULL) found a role");
	}

	fuzz_reset();
	return 0;
}
