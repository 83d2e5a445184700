/*
 * fuzz_privileges.c
 *		libFuzzer harness for the type permissions.privileges
 *		(src/privileges.c, compiled unchanged and called through fmgr).
 *
 * Each input is used twice:
 *
 *	as text (up to its first NUL) given to privileges_in.  Asserted:
 *	  - accepted exactly when every character is one of the lower-case
 *		letters r w d a o and none appears twice (SPEC: "letters in any
 *		order, each at most once, lower case only, no whitespace"); the
 *		empty string is the empty set;
 *	  - the value is the set of those letters (r=1 w=2 d=4 a=8 o=16);
 *	  - a rejection is an ERROR 22P02 with the message
 *		'invalid input syntax for type permissions.privileges: "<input>"',
 *		the hint naming the letters, and a detail about the first offending
 *		character: '"<c>" is not a privilege letter.' with the whole
 *		(multibyte) character, or 'The letter "<c>" appears more than once.';
 *	  - an accepted set round-trips: out() lists its letters in the order
 *		rwdao, in(out(s)) = s, recv(send(s)) = s; and against all 32 sets
 *		the operators = <> < <= > >= cmp @> <@ | & - agree with bit mask
 *		arithmetic, and equal sets hash alike;
 *
 *	as a binary message given to privileges_recv (and the callers' check
 *	that the whole field was read).  Asserted: accepted exactly when it is one byte
 *	with no bit above 0x1F; otherwise 08P01, 22P03 naming the value, or the
 *	unread-bytes error.
 *
 * The database encoding is UTF8 when the input is valid UTF-8 (the server
 * validates text before an input function sees it) and SQL_ASCII, where
 * any byte but NUL passes, otherwise; the detail's character is cut with
 * pg_mblen in that encoding.
 *
 * At start, out() is called on all 256 byte values: never a crash, at most
 * five letters.
 */
#include "stubs.h"

#include <stdio.h>
#include <string.h>

#include "permissions.h"
#include "mb/pg_wchar.h"

#define HARNESS "fuzz_privileges"
#define FAIL(...) fuzz_fail(HARNESS, data, size, __VA_ARGS__)

extern Datum permissions_privileges_in(PG_FUNCTION_ARGS);
extern Datum permissions_privileges_out(PG_FUNCTION_ARGS);
extern Datum permissions_privileges_recv(PG_FUNCTION_ARGS);
extern Datum permissions_privileges_send(PG_FUNCTION_ARGS);
extern Datum permissions_privileges_eq(PG_FUNCTION_ARGS);
extern Datum permissions_privileges_ne(PG_FUNCTION_ARGS);
extern Datum permissions_privileges_lt(PG_FUNCTION_ARGS);
extern Datum permissions_privileges_le(PG_FUNCTION_ARGS);
extern Datum permissions_privileges_gt(PG_FUNCTION_ARGS);
extern Datum permissions_privileges_ge(PG_FUNCTION_ARGS);
extern Datum permissions_privileges_cmp(PG_FUNCTION_ARGS);
extern Datum permissions_privileges_hash(PG_FUNCTION_ARGS);
extern Datum permissions_privileges_hash_extended(PG_FUNCTION_ARGS);
extern Datum permissions_privileges_contains(PG_FUNCTION_ARGS);
extern Datum permissions_privileges_contained(PG_FUNCTION_ARGS);
extern Datum permissions_privileges_union(PG_FUNCTION_ARGS);
extern Datum permissions_privileges_intersect(PG_FUNCTION_ARGS);
extern Datum permissions_privileges_minus(PG_FUNCTION_ARGS);

int			LLVMFuzzerInitialize(int *argc, char ***argv);
int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HINT "Use the lower-case letters r (read), w (write), d (delete), a (approve) and o (override), each at most once."

static int	encoding = PG_UTF8;

/* the documented bit of a letter (SPEC, Types), 0 for anything else */
static int
letter_bit(char c)
{
	switch (c)
	{
		case 'r':
			return 1;
		case 'w':
			return 2;
		case 'd':
			return 4;
		case 'a':
			return 8;
		case 'o':
			return 16;
	}
	return 0;
}

/* the canonical text of a mask, letters in the order rwdao */
static void
canonical_text(int mask, char *buf)
{
	int			n = 0;

	for (int i = 0; i < 5; i++)
		if (mask & (1 << i))
			buf[n++] = "rwdao"[i];
	buf[n] = '\0';
}

/* length of the character at s in the test's encoding, cut at the NUL */
static int
char_length(const char *s)
{
	unsigned char c = (unsigned char) *s;
	int			len = 1;

	if (encoding == PG_UTF8)
		len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 :
			(c & 0xf8) == 0xf0 ? 4 : 1;
	return (int) strnlen(s, len);
}

static bool
call2(PGFunction fn, int a, int b, Datum *result)
{
	return fuzz_call(fn, result, 2, PrivilegesGetDatum(a), PrivilegesGetDatum(b), 0);
}

/*
 * Everything an accepted set must satisfy
 */
static void
check_set(int mask, const uint8_t *data, size_t size)
{
	Datum		d;
	char		want[8];
	char	   *text;
	bytea	   *sent;
	StringInfoData msg;
	Datum		h_self;

	canonical_text(mask, want);
	if (!fuzz_call(permissions_privileges_out, &d, 1, PrivilegesGetDatum(mask), 0, 0))
		FAIL("out(%d) failed", mask);
	text = DatumGetCString(d);
	if (strcmp(text, want) != 0)
		FAIL("out(%d) is \"%s\", not \"%s\"", mask, text, want);
	if (!fuzz_call(permissions_privileges_in, &d, 3, CStringGetDatum(text),
				   ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)) ||
		d != PrivilegesGetDatum(mask))
		FAIL("in(out(%d)) is not %d", mask, mask);

	if (!fuzz_call(permissions_privileges_send, &d, 1, PrivilegesGetDatum(mask), 0, 0))
		FAIL("send(%d) failed", mask);
	sent = (bytea *) DatumGetPointer(d);
	if (VARSIZE(sent) != VARHDRSZ + 1 || (uint8) VARDATA(sent)[0] != mask)
		FAIL("send(%d) is not the single byte %d", mask, mask);
	msg.data = VARDATA(sent);
	msg.len = 1;
	msg.maxlen = 1;
	msg.cursor = 0;
	if (!fuzz_call(permissions_privileges_recv, &d, 3, PointerGetDatum(&msg),
				   ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)) ||
		d != PrivilegesGetDatum(mask) || msg.cursor != msg.len)
		FAIL("recv(send(%d)) is not %d", mask, mask);

	if (!fuzz_call(permissions_privileges_hash, &h_self, 1, PrivilegesGetDatum(mask), 0, 0))
		FAIL("hash(%d) failed", mask);
	{
		Datum		hx;

		if (!fuzz_call(permissions_privileges_hash_extended, &hx, 2,
					   PrivilegesGetDatum(mask), Int64GetDatum(0), 0) ||
			(uint32) DatumGetUInt64(hx) != DatumGetUInt32(h_self))
			FAIL("hash_extended(%d, 0) disagrees with hash", mask);
	}

	for (int other = 0; other < 32; other++)
	{
		Datum		eq,
					ne,
					lt,
					le,
					gt,
					ge,
					cmp,
					contains,
					contained,
					uni,
					inter,
					minus,
					h;

		if (!call2(permissions_privileges_eq, mask, other, &eq) ||
			!call2(permissions_privileges_ne, mask, other, &ne) ||
			!call2(permissions_privileges_lt, mask, other, &lt) ||
			!call2(permissions_privileges_le, mask, other, &le) ||
			!call2(permissions_privileges_gt, mask, other, &gt) ||
			!call2(permissions_privileges_ge, mask, other, &ge) ||
			!call2(permissions_privileges_cmp, mask, other, &cmp) ||
			!call2(permissions_privileges_contains, mask, other, &contains) ||
			!call2(permissions_privileges_contained, mask, other, &contained) ||
			!call2(permissions_privileges_union, mask, other, &uni) ||
			!call2(permissions_privileges_intersect, mask, other, &inter) ||
			!call2(permissions_privileges_minus, mask, other, &minus) ||
			!fuzz_call(permissions_privileges_hash, &h, 1, PrivilegesGetDatum(other), 0, 0))
			FAIL("an operator failed on (%d, %d)", mask, other);
		if (DatumGetBool(eq) != (mask == other) || DatumGetBool(ne) != (mask != other) ||
			DatumGetBool(lt) != (mask < other) || DatumGetBool(le) != (mask <= other) ||
			DatumGetBool(gt) != (mask > other) || DatumGetBool(ge) != (mask >= other) ||
			DatumGetInt32(cmp) != (mask > other) - (mask < other))
			FAIL("the ordering of %d and %d is not the bit mask order", mask, other);
		if (DatumGetBool(contains) != ((mask & other) == other) ||
			DatumGetBool(contained) != ((mask & other) == mask))
			FAIL("@> or <@ of %d and %d is not set inclusion", mask, other);
		if (DatumGetPrivileges(uni) != (mask | other) ||
			DatumGetPrivileges(inter) != (mask & other) ||
			DatumGetPrivileges(minus) != (mask & ~other))
			FAIL("| & or - of %d and %d is wrong", mask, other);
		if (mask == other && DatumGetUInt32(h) != DatumGetUInt32(h_self))
			FAIL("equal sets %d hash differently", mask);
	}
}

/*
 * The input as text
 */
static void
check_text(const uint8_t *data, size_t size)
{
	char	   *str = fuzz_cstring(data, size);
	int			mask = 0;
	int			bad = -1;		/* position of the first offending character */
	bool		duplicate = false;
	Datum		d;
	bool		ok;
	char		expected[256];

	for (int i = 0; str[i] != '\0'; i++)
	{
		int			bit = letter_bit(str[i]);

		if (bit == 0 || (mask & bit))
		{
			bad = i;
			duplicate = bit != 0;
			break;
		}
		mask |= bit;
	}

	ok = fuzz_call(permissions_privileges_in, &d, 3, CStringGetDatum(str),
				   ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
	if (ok != (bad < 0))
		FAIL("privileges_in %s it; documented: %s", ok ? "accepted" : "rejected",
			 bad < 0 ? "valid" : "invalid");
	if (ok)
	{
		if (d != PrivilegesGetDatum(mask))
			FAIL("privileges_in returned datum %lu, not the set %d", (unsigned long) d, mask);
		check_set(mask, data, size);
		return;
	}

	if (fuzz_report.elevel != ERROR ||
		fuzz_report.sqlerrcode != ERRCODE_INVALID_TEXT_REPRESENTATION)
		FAIL("rejected with level %d SQLSTATE %s, not ERROR 22P02",
			 fuzz_report.elevel, fuzz_sqlstate(fuzz_report.sqlerrcode));
	{
		const char *prefix = "invalid input syntax for type permissions.privileges: \"";
		size_t		plen = strlen(prefix);
		size_t		slen = strlen(str);

		if (fuzz_report.message == NULL ||
			strncmp(fuzz_report.message, prefix, plen) != 0 ||
			strncmp(fuzz_report.message + plen, str, slen) != 0 ||
			strcmp(fuzz_report.message + plen + slen, "\"") != 0)
			FAIL("the message does not quote the whole input");
	}
	if (duplicate)
		snprintf(expected, sizeof(expected), "The letter \"%c\" appears more than once.", str[bad]);
	else
		snprintf(expected, sizeof(expected), "\"%.*s\" is not a privilege letter.",
				 char_length(str + bad), str + bad);
	if (fuzz_report.detail == NULL || strcmp(fuzz_report.detail, expected) != 0)
		FAIL("the detail is \"%s\", expected \"%s\"",
			 fuzz_report.detail ? fuzz_report.detail : "(none)", expected);
	if (fuzz_report.hint == NULL || strcmp(fuzz_report.hint, HINT) != 0)
		FAIL("the hint is not the list of letters");
}

/*
 * The input as a binary message
 */
static void
check_binary(const uint8_t *data, size_t size)
{
	StringInfoData msg;
	Datum		d;
	bool		ok;
	bool		want = size == 1 && (data[0] & ~0x1F) == 0;
	char		expected_msg[64];

	msg.data = fuzz_cstring(data, size);
	msg.len = (int) size;
	msg.maxlen = (int) size + 1;
	msg.cursor = 0;
	ok = fuzz_call(permissions_privileges_recv, &d, 3, PointerGetDatum(&msg),
				   ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
	if (ok && msg.cursor != 1)
		FAIL("recv read %d bytes, not 1", msg.cursor);
	if ((ok && msg.cursor == msg.len) != want)
		FAIL("recv %s it", want ? "rejected" : "accepted");
	if (ok)
	{
		if (d != PrivilegesGetDatum(data[0]))
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
			 "invalid privilege set %d in binary input", data[0]);
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

	/* out() of every byte a datum can hold: at most the five letters */
	for (int b = 0; b < 256; b++)
	{
		Datum		d;
		char		want[8];

		if (!fuzz_call(permissions_privileges_out, &d, 1, CharGetDatum((char) b), 0, 0))
			FAIL("out() of byte %d failed", b);
		canonical_text(b & 0x1F, want);
		if (strcmp(DatumGetCString(d), want) != 0)
			FAIL("out() of byte %d is \"%s\"", b, DatumGetCString(d));
		fuzz_reset();
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the text is the bytes before the first NUL */
	int			textlen = (int) strnlen((const char *) data, size);

	encoding = pg_encoding_verifymbstr(PG_UTF8, (const char *) data, textlen) == textlen
		? PG_UTF8 : PG_SQL_ASCII;
	fuzz_set_encoding(encoding);
	check_text(data, size);
	fuzz_reset();
	check_binary(data, size);
	fuzz_reset();
	return 0;
}
