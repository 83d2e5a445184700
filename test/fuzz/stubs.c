/*
 * stubs.c
 *		The backend functions the fuzzed files call, behaving like the
 *		server's (see stubs.h).  Each one follows the PostgreSQL 15 source
 *		it names; keep them that way, or a harness tests a different world.
 */
#include "stubs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "utils/memutils.h"

FuzzReport	fuzz_report;

/* PG_TRY's state, as in src/backend/utils/error/elog.c */
sigjmp_buf *PG_exception_stack = NULL;
ErrorContextCallback *error_context_stack = NULL;

static bool in_report = false;
static int	database_encoding = PG_UTF8;

/* ---------------------------------------------------------------------
 * Memory: one malloc per chunk, all freed by fuzz_reset()
 * ---------------------------------------------------------------------
 */
typedef struct Chunk
{
	struct Chunk *prev;
	struct Chunk *next;
	Size		size;
	Size		pad;			/* keeps the user pointer 16-byte aligned */
} Chunk;

static Chunk *chunks = NULL;

static void *
chunk_alloc(Size size, bool zero)
{
	Chunk	   *c;

	/* src/backend/utils/mmgr/mcxt.c: palloc */
	if (!AllocSizeIsValid(size))
		elog(ERROR, "invalid memory alloc request size %zu", size);
	c = malloc(sizeof(Chunk) + size);
	if (c == NULL)
	{
		fprintf(stderr, "fuzz stubs: out of memory\n");
		abort();
	}
	c->size = size;
	c->prev = NULL;
	c->next = chunks;
	if (chunks)
		chunks->prev = c;
	chunks = c;
	if (zero)
		memset(c + 1, 0, size);
	return c + 1;
}

static void
chunk_unlink(Chunk *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		chunks = c->next;
	if (c->next)
		c->next->prev = c->prev;
}

void *
palloc(Size size)
{
	return chunk_alloc(size, false);
}

void *
palloc0(Size size)
{
	return chunk_alloc(size, true);
}

void *
palloc_extended(Size size, int flags)
{
	return chunk_alloc(size, (flags & MCXT_ALLOC_ZERO) != 0);
}

void *
MemoryContextAlloc(MemoryContext context, Size size)
{
	return chunk_alloc(size, false);
}

void *
MemoryContextAllocZero(MemoryContext context, Size size)
{
	return chunk_alloc(size, true);
}

void
pfree(void *pointer)
{
	Chunk	   *c = ((Chunk *) pointer) - 1;

	chunk_unlink(c);
	free(c);
}

void *
repalloc(void *pointer, Size size)
{
	Chunk	   *c = ((Chunk *) pointer) - 1;
	Chunk	   *n;

	if (!AllocSizeIsValid(size))
		elog(ERROR, "invalid memory alloc request size %zu", size);
	n = chunk_alloc(size, false);
	memcpy(n, pointer, Min(size, c->size));
	pfree(pointer);
	return n;
}

char *
pstrdup(const char *in)
{
	Size		len = strlen(in) + 1;
	char	   *out = palloc(len);

	memcpy(out, in, len);
	return out;
}

char *
pnstrdup(const char *in, Size len)
{
	char	   *out;

	len = strnlen(in, len);
	out = palloc(len + 1);
	memcpy(out, in, len);
	out[len] = '\0';
	return out;
}

char *
MemoryContextStrdup(MemoryContext context, const char *string)
{
	return pstrdup(string);
}

char *
fuzz_cstring(const uint8_t *data, size_t n)
{
	char	   *s = palloc(n + 1);

	memcpy(s, data, n);
	s[n] = '\0';
	return s;
}

void
fuzz_reset(void)
{
	while (chunks)
	{
		Chunk	   *c = chunks;

		chunks = c->next;
		free(c);
	}
	memset(&fuzz_report, 0, sizeof(fuzz_report));
	in_report = false;
	PG_exception_stack = NULL;
	error_context_stack = NULL;
}

/* ---------------------------------------------------------------------
 * Error reports: src/backend/utils/error/elog.c
 * ---------------------------------------------------------------------
 */

/* expand a format into a palloc'd string, the way EVALUATE_MESSAGE does */
#define FORMAT_INTO(dest, fmt) \
	do { \
		StringInfoData buf_; \
		initStringInfo(&buf_); \
		for (;;) \
		{ \
			va_list		args_; \
			int			needed_; \
			va_start(args_, fmt); \
			needed_ = appendStringInfoVA(&buf_, fmt, args_); \
			va_end(args_); \
			if (needed_ == 0) \
				break; \
			enlargeStringInfo(&buf_, needed_); \
		} \
		(dest) = buf_.data; \
	} while (0)

static void
report_failure(const char *what)
{
	fprintf(stderr, "fuzz stubs: %s: level %d, SQLSTATE %s, at %s:%d (%s)\n"
			"  message: %s\n  detail: %s\n  hint: %s\n",
			what, fuzz_report.elevel, fuzz_sqlstate(fuzz_report.sqlerrcode),
			fuzz_report.filename ? fuzz_report.filename : "?", fuzz_report.lineno,
			fuzz_report.funcname ? fuzz_report.funcname : "?",
			fuzz_report.message ? fuzz_report.message : "(none)",
			fuzz_report.detail ? fuzz_report.detail : "(none)",
			fuzz_report.hint ? fuzz_report.hint : "(none)");
	abort();
}

bool
errstart(int elevel, const char *domain)
{
	if (in_report)
		report_failure("ereport() while another report is being built");
	memset(&fuzz_report, 0, sizeof(fuzz_report));
	fuzz_report.elevel = elevel;
	/* the default SQLSTATE, as errstart sets it */
	if (elevel >= ERROR)
		fuzz_report.sqlerrcode = ERRCODE_INTERNAL_ERROR;
	else if (elevel >= WARNING)
		fuzz_report.sqlerrcode = ERRCODE_WARNING;
	else
		fuzz_report.sqlerrcode = ERRCODE_SUCCESSFUL_COMPLETION;
	in_report = true;
	/* always evaluate the arguments: a bad format is found at every level */
	return true;
}

bool
errstart_cold(int elevel, const char *domain)
{
	return errstart(elevel, domain);
}

void
errfinish(const char *filename, int lineno, const char *funcname)
{
	fuzz_report.filename = filename;
	fuzz_report.lineno = lineno;
	fuzz_report.funcname = funcname;
	in_report = false;
	if (fuzz_report.elevel >= FATAL)
		report_failure("FATAL or PANIC");
	if (fuzz_report.elevel >= ERROR)
	{
		if (PG_exception_stack == NULL)
			report_failure("ERROR outside PG_TRY");
		siglongjmp(*PG_exception_stack, 1);
	}
}

void
pg_re_throw(void)
{
	if (PG_exception_stack == NULL)
		report_failure("PG_RE_THROW outside PG_TRY");
	siglongjmp(*PG_exception_stack, 1);
}

void
FlushErrorState(void)
{
	in_report = false;
}

int
errcode(int sqlerrcode)
{
	fuzz_report.sqlerrcode = sqlerrcode;
	return 0;
}

int
errmsg(const char *fmt,...)
{
	FORMAT_INTO(fuzz_report.message, fmt);
	return 0;
}

int
errmsg_internal(const char *fmt,...)
{
	FORMAT_INTO(fuzz_report.message, fmt);
	return 0;
}

int
errdetail(const char *fmt,...)
{
	FORMAT_INTO(fuzz_report.detail, fmt);
	return 0;
}

int
errdetail_internal(const char *fmt,...)
{
	FORMAT_INTO(fuzz_report.detail, fmt);
	return 0;
}

int
errhint(const char *fmt,...)
{
	FORMAT_INTO(fuzz_report.hint, fmt);
	return 0;
}

void
ExceptionalCondition(const char *conditionName, const char *errorType,
					 const char *fileName, int lineNumber)
{
	fprintf(stderr, "TRAP: %s(\"%s\", File: \"%s\", Line: %d)\n",
			errorType, conditionName, fileName, lineNumber);
	abort();
}

const char *
fuzz_sqlstate(int sqlerrcode)
{
	static char buf[6];

	for (int i = 0; i < 5; i++)
	{
		buf[i] = PGUNSIXBIT(sqlerrcode);
		sqlerrcode >>= 6;
	}
	buf[5] = '\0';
	return buf;
}

/* ---------------------------------------------------------------------
 * Binary I/O: src/backend/libpq/pqformat.c
 * ---------------------------------------------------------------------
 */

void
pq_begintypsend(StringInfo buf)
{
	initStringInfo(buf);
	/* Reserve four bytes for the bytea length word */
	appendStringInfoCharMacro(buf, '\0');
	appendStringInfoCharMacro(buf, '\0');
	appendStringInfoCharMacro(buf, '\0');
	appendStringInfoCharMacro(buf, '\0');
}

bytea *
pq_endtypsend(StringInfo buf)
{
	bytea	   *result = (bytea *) buf->data;

	/* Insert correct length into bytea length word */
	Assert(buf->len >= VARHDRSZ);
	SET_VARSIZE(result, buf->len);
	return result;
}

int
pq_getmsgbyte(StringInfo msg)
{
	if (msg->cursor >= msg->len)
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("no data left in message")));
	return (unsigned char) msg->data[msg->cursor++];
}

/* ---------------------------------------------------------------------
 * Encoding: src/backend/utils/mb/mbutils.c
 * ---------------------------------------------------------------------
 */

void
fuzz_set_encoding(int encoding)
{
	database_encoding = encoding;
}

int
pg_mblen(const char *mbstr)
{
	return pg_encoding_mblen(database_encoding, mbstr);
}

/* ---------------------------------------------------------------------
 * Harness helpers
 * ---------------------------------------------------------------------
 */

bool
fuzz_call(PGFunction fn, Datum *result, int nargs, Datum arg0, Datum arg1, Datum arg2)
{
	LOCAL_FCINFO(fcinfo, 3);
	volatile bool ok = true;
	volatile Datum value = (Datum) 0;

	InitFunctionCallInfoData(*fcinfo, NULL, nargs, InvalidOid, NULL, NULL);
	fcinfo->args[0].value = arg0;
	fcinfo->args[0].isnull = false;
	fcinfo->args[1].value = arg1;
	fcinfo->args[1].isnull = false;
	fcinfo->args[2].value = arg2;
	fcinfo->args[2].isnull = false;
	memset(&fuzz_report, 0, sizeof(fuzz_report));

	PG_TRY();
	{
		value = fn(fcinfo);
		/* FunctionCall1Coll: "function %u returned NULL" */
		if (fcinfo->isnull)
		{
			fprintf(stderr, "fuzz stubs: a function returned NULL\n");
			abort();
		}
	}
	PG_CATCH();
	{
		ok = false;
		FlushErrorState();
	}
	PG_END_TRY();
	*result = value;
	return ok;
}

void
fuzz_fail(const char *harness, const uint8_t *data, size_t size, const char *fmt,...)
{
	va_list		args;

	fprintf(stderr, "\n%s: INVARIANT FAILED: ", harness);
	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
	fprintf(stderr, "\n%s: input (%zu bytes): \"", harness, size);
	for (size_t i = 0; i < size; i++)
	{
		if (data[i] >= 0x20 && data[i] < 0x7f && data[i] != '"' && data[i] != '\\')
			fputc(data[i], stderr);
		else
			fprintf(stderr, "\\x%02x", data[i]);
	}
	fprintf(stderr, "\"\n");
	if (fuzz_report.elevel)
		fprintf(stderr, "%s: last report: level %d SQLSTATE %s: %s | detail: %s | hint: %s\n",
				harness, fuzz_report.elevel, fuzz_sqlstate(fuzz_report.sqlerrcode),
				fuzz_report.message ? fuzz_report.message : "(none)",
				fuzz_report.detail ? fuzz_report.detail : "(none)",
				fuzz_report.hint ? fuzz_report.hint : "(none)");
	abort();
}
