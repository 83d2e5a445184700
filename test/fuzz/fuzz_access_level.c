/*
 * fuzz_access_level.c
 *		libFuzzer harness for the type permissions.access_level
 *		(src/access_level.c, compiled unchanged and called through fmgr).
 *
 * Each input is used twice:
 *
 *	as text (up to its first NUL, as a cstring can hold no NUL) given to
 *	access_level_in and perm_access_level_parse.  Asserted:
 *	  - accepted exactly when the text is, ignoring ASCII case, one of the
 *		documented spellings none, read, read-only, read_only, full -- so no
 *		whitespace, no prefix, no other separator, no non-ASCII folding;
 *	  - the value is the documented level, and both entry points agree;
 *	  - a rejection is an ERROR with SQLSTATE 22P02, the message
 *		'invalid input syntax for type permissions.access_level: "<input>"',
 *		no detail, and the hint listing the valid values;
 *	  - an accepted value round-trips: out() is the canonical lower-case
 *		name, in(out(v)) = v, recv(send(v)) = v, and the comparison, hash
 *		and larger/smaller functions agree with none < read < full;
 *
 *	as a binary message given to access_level_recv, followed by the check
 *	its callers (COPY BINARY, Bind, record_recv) make that the whole field
 *	was read.
 *	Asserted: accepted exactly when the message is one byte 0, 1 or 2;
 *	otherwise 08P01 (empty message), 22P03 naming the byte, or the
 *	unread-bytes error.
 *
 * At start, out() is called on all 256 byte values of a datum: the three
 * levels print their names, anything else is an ERROR, never a crash.
 *
 * The oracle below is written from SPEC.md and README.md, not from the
 * code.  The harness runs in the C locale.  With a single-byte database
 * encoding and another LC_CTYPE, pg_strcasecmp also folds non-ASCII upper
 * case bytes with tolower(); that is not modelled here.
 */
#include "stubs.h"

#include <stdio.h>
#include <string.h>

#include "permissions.h"
#include "mb/pg_wchar.h"

#define HARNESS "fuzz_access_level"
#define FAIL(...) fuzz_fail(HARNESS, data, size, __VA_ARGS__)

extern Datum permissions_access_level_in(PG_FUNCTION_ARGS);
extern Datum permissions_access_level_out(PG_FUNCTION_ARGS);
extern Datum permissions_access_level_recv(PG_FUNCTION_ARGS);
extern Datum permissions_access_level_send(PG_FUNCTION_ARGS);
extern Datum permissions_access_level_eq(PG_FUNCTION_ARGS);
extern Datum permissions_access_level_ne(PG_FUNCTION_ARGS);
extern Datum permissions_access_level_lt(PG_FUNCTION_ARGS);
extern Datum permissions_access_level_le(PG_FUNCTION_ARGS);
extern Datum permissions_access_level_gt(PG_FUNCTION_ARGS);
extern Datum permissions_access_level_ge(PG_FUNCTION_ARGS);
extern Datum permissions_access_level_cmp(PG_FUNCTION_ARGS);
extern Datum permissions_access_level_hash(PG_FUNCTION_ARGS);
extern Datum permissions_access_level_hash_extended(PG_FUNCTION_ARGS);
extern Datum permissions_access_level_larger(PG_FUNCTION_ARGS);
extern Datum permissions_access_level_smaller(PG_FUNCTION_ARGS);

int			LLVMFuzzerInitialize(int *argc, char ***argv);
int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const canonical[] = {"none", "read", "full"};

#define HINT "Valid values are none, read (also read-only or read_only) and full."

/*
 * The documented level of a spelling, or -1 (SPEC: "input is
 * case-insensitive and also takes read-only / read_only")
 */
static int
documented_level(const char *s)
{
	static const struct
	{
		const char *spelling;
		int			level;
	}			spellings[] = {
		{"none", 0}, {"read", 1}, {"read-only", 1}, {"read_only", 1}, {"full", 2}
	};
	char		lower[16];
	size_t		n = strlen(s);

	if (n >= sizeof(lower))
		return -1;
	for (size_t i = 0; i <= n; i++)
		lower[i] = (s[i] >= 'A' && s[i] <= 'Z') ? s[i] - 'A' + 'a' : s[i];
	for (int i = 0; i < (int) lengthof(spellings); i++)
		if (strcmp(lower, spellings[i].spelling) == 0)
			return spellings[i].level;
	return -1;
}

static bool
call2(PGFunction fn, int a, int b, Datum *result)
{
	return fuzz_call(fn, result, 2, AccessLevelGetDatum(a), AccessLevelGetDatum(b), 0);
}

/*
 * Everything an accepted level must satisfy
 */
static void
check_level(int level, const uint8_t *data, size_t size)
{
	Datum		d;
	char	   *text;
	bytea	   *sent;
	StringInfoData msg;

	/* out: the canonical name, which reads back to the same level */
	if (!fuzz_call(permissions_access_level_out, &d, 1, AccessLevelGetDatum(level), 0, 0))
		FAIL("out(%d) failed", level);
	text = DatumGetCString(d);
	if (strcmp(text, canonical[level]) != 0)
		FAIL("out(%d) is \"%s\", not \"%s\"", level, text, canonical[level]);
	if (!fuzz_call(permissions_access_level_in, &d, 3, CStringGetDatum(text),
				   ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)) ||
		d != AccessLevelGetDatum(level))
		FAIL("in(out(%d)) is not %d", level, level);

	/* send: a one-byte bytea; recv reads it back, all of it */
	if (!fuzz_call(permissions_access_level_send, &d, 1, AccessLevelGetDatum(level), 0, 0))
		FAIL("send(%d) failed", level);
	sent = (bytea *) DatumGetPointer(d);
	if (VARSIZE(sent) != VARHDRSZ + 1 || (uint8) VARDATA(sent)[0] != level)
		FAIL("send(%d) is not the single byte %d", level, level);
	msg.data = VARDATA(sent);
	msg.len = 1;
	msg.maxlen = 1;
	msg.cursor = 0;
	if (!fuzz_call(permissions_access_level_recv, &d, 3, PointerGetDatum(&msg),
				   ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)) ||
		d != AccessLevelGetDatum(level) || msg.cursor != msg.len)
		FAIL("recv(send(%d)) is not %d", level, level);

	/* the operators against every level agree with none < read < full */
	for (int other = 0; other <= 2; other++)
	{
		Datum		eq,
					ne,
					lt,
					le,
					gt,
					ge,
					cmp,
					larger,
					smaller;

		if (!call2(permissions_access_level_eq, level, other, &eq) ||
			!call2(permissions_access_level_ne, level, other, &ne) ||
			!call2(permissions_access_level_lt, level, other, &lt) ||
			!call2(permissions_access_level_le, level, other, &le) ||
			!call2(permissions_access_level_gt, level, other, &gt) ||
			!call2(permissions_access_level_ge, level, other, &ge) ||
			!call2(permissions_access_level_cmp, level, other, &cmp) ||
			!call2(permissions_access_level_larger, level, other, &larger) ||
			!call2(permissions_access_level_smaller, level, other, &smaller))
			FAIL("an operator failed on (%d, %d)", level, other);
		if (DatumGetBool(eq) != (level == other) || DatumGetBool(ne) != (level != other) ||
			DatumGetBool(lt) != (level < other) || DatumGetBool(le) != (level <= other) ||
			DatumGetBool(gt) != (level > other) || DatumGetBool(ge) != (level >= other) ||
			DatumGetInt32(cmp) != (level > other) - (level < other))
			FAIL("the comparison of %d and %d is wrong", level, other);
		if ((int) DatumGetAccessLevel(larger) != Max(level, other) ||
			(int) DatumGetAccessLevel(smaller) != Min(level, other))
			FAIL("larger/smaller of %d and %d are wrong", level, other);
	}

	/* hash_extended with seed 0 matches hash in the low 32 bits (hash opclass rule) */
	{
		Datum		h,
					h2,
					hx;

		if (!fuzz_call(permissions_access_level_hash, &h, 1, AccessLevelGetDatum(level), 0, 0) ||
			!fuzz_call(permissions_access_level_hash, &h2, 1, AccessLevelGetDatum(level), 0, 0) ||
			!fuzz_call(permissions_access_level_hash_extended, &hx, 2,
					   AccessLevelGetDatum(level), Int64GetDatum(0), 0))
			FAIL("hash(%d) failed", level);
		if (DatumGetUInt32(h) != DatumGetUInt32(h2) ||
			(uint32) DatumGetUInt64(hx) != DatumGetUInt32(h))
			FAIL("hash(%d) is unstable or disagrees with hash_extended", level);
	}
}

/*
 * The input as text
 */
static void
check_text(const uint8_t *data, size_t size)
{
	char	   *str = fuzz_cstring(data, size);
	int			want = documented_level(str);
	PermAccessLevel parsed = -1;
	bool		parse_ok;
	Datum		d;
	bool		ok;
	char		expected_msg[64];

	parse_ok = perm_access_level_parse(str, &parsed);
	if (fuzz_report.elevel != 0)
		FAIL("perm_access_level_parse reported something");
	if (parse_ok != (want >= 0) || (parse_ok && (int) parsed != want))
		FAIL("perm_access_level_parse %s, documented: %s",
			 parse_ok ? psprintf("gives level %d", (int) parsed) : "rejects it",
			 want >= 0 ? psprintf("level %d", want) : "invalid");

	ok = fuzz_call(permissions_access_level_in, &d, 3, CStringGetDatum(str),
				   ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
	if (ok != (want >= 0))
		FAIL("access_level_in %s it; documented: %s", ok ? "accepted" : "rejected",
			 want >= 0 ? "valid" : "invalid");
	if (ok)
	{
		/* the datum is exactly the level byte, so equal values are equal datums */
		if (d != AccessLevelGetDatum(want))
			FAIL("access_level_in returned datum %lu, not level %d", (unsigned long) d, want);
		check_level(want, data, size);
		return;
	}

	if (fuzz_report.elevel != ERROR ||
		fuzz_report.sqlerrcode != ERRCODE_INVALID_TEXT_REPRESENTATION)
		FAIL("rejected with level %d SQLSTATE %s, not ERROR 22P02",
			 fuzz_report.elevel, fuzz_sqlstate(fuzz_report.sqlerrcode));
	snprintf(expected_msg, sizeof(expected_msg),
			 "invalid input syntax for type permissions.access_level: \"");
	if (fuzz_report.message == NULL ||
		strncmp(fuzz_report.message, expected_msg, strlen(expected_msg)) != 0 ||
		strncmp(fuzz_report.message + strlen(expected_msg), str, strlen(str)) != 0 ||
		strcmp(fuzz_report.message + strlen(expected_msg) + strlen(str), "\"") != 0)
		FAIL("the message does not quote the whole input");
	if (fuzz_report.detail != NULL)
		FAIL("unexpected detail");
	if (fuzz_report.hint == NULL || strcmp(fuzz_report.hint, HINT) != 0)
		FAIL("the hint is not the list of valid values");
}

/*
 * The input as a binary message (COPY BINARY, a binary bind parameter)
 */
static void
check_binary(const uint8_t *data, size_t size)
{
	StringInfoData msg;
	Datum		d;
	bool		ok;
	bool		want = size == 1 && data[0] <= 2;
	char		expected_msg[64];

	/* the server's message buffers are NUL-terminated */
	msg.data = fuzz_cstring(data, size);
	msg.len = (int) size;
	msg.maxlen = (int) size + 1;
	msg.cursor = 0;
	ok = fuzz_call(permissions_access_level_recv, &d, 3, PointerGetDatum(&msg),
				   ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
	if (ok && msg.cursor != 1)
		FAIL("recv read %d bytes, not 1", msg.cursor);
	/* the callers reject a field that was not read to its end */
	if ((ok && msg.cursor == msg.len) != want)
		FAIL("recv %s it", want ? "rejected" : "accepted");
	if (ok)
	{
		if (want && d != AccessLevelGetDatum(data[0]))
			FAIL("recv returned datum %lu for byte %d", (unsigned long) d, data[0]);
		return;
	}
	if (size == 0)
	{
		if (fuzz_report.sqlerrcode != ERRCODE_PROTOCOL_VIOLATION)
			FAIL("an empty message is not 08P01");
		return;
	}
	snprintf(expected_msg, sizeof(expected_msg),
			 "invalid access level %d in binary input", data[0]);
	if (fuzz_report.elevel != ERROR ||
		fuzz_report.sqlerrcode != ERRCODE_INVALID_BINARY_REPRESENTATION ||
		fuzz_report.message == NULL || strcmp(fuzz_report.message, expected_msg) != 0)
		FAIL("recv rejected byte %d without 22P03 \"%s\"", data[0], expected_msg);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const uint8_t *data = (const uint8_t *) "";
	size_t		size = 0;

	/* out() of every byte a datum can hold: a name, or an ERROR */
	for (int b = 0; b < 256; b++)
	{
		Datum		d;
		bool		ok = fuzz_call(permissions_access_level_out, &d, 1, CharGetDatum((char) b), 0, 0);

		if (ok != (b <= 2))
			FAIL("out() of byte %d %s", b, ok ? "succeeded" : "failed");
		if (ok && strcmp(DatumGetCString(d), canonical[b]) != 0)
			FAIL("out() of byte %d is \"%s\"", b, DatumGetCString(d));
		fuzz_reset();
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the text is the bytes before the first NUL; UTF8 when it is valid UTF-8 */
	int			textlen = (int) strnlen((const char *) data, size);

	fuzz_set_encoding(pg_encoding_verifymbstr(PG_UTF8, (const char *) data, textlen) == textlen
					  ? PG_UTF8 : PG_SQL_ASCII);
	check_text(data, size);
	fuzz_reset();
	check_binary(data, size);
	fuzz_reset();
	return 0;
}
