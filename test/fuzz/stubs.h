/*
 * stubs.h
 *		The slice of the PostgreSQL backend that the fuzz harnesses link
 *		the extension's own C files against.
 *
 * The harnesses compile the files of src/ unchanged and call the real functions.
 * What those need from the server is provided here, written after the
 * server's code so it behaves the same way:
 *
 *	- ereport/elog: errstart..errfinish record the report (level, SQLSTATE,
 *	  message, detail, hint; the formats are expanded with PostgreSQL's own
 *	  snprintf from libpgport) and an ERROR longjmps to the innermost PG_TRY,
 *	  exactly like the server.  An ERROR outside PG_TRY, a FATAL or PANIC,
 *	  or an ereport nested in another aborts the process (a fuzz crash).
 *	- palloc and friends: every chunk is a separate malloc, so
 *	  AddressSanitizer sees the exact bounds of each one; fuzz_reset() frees
 *	  everything, like a memory context reset after each input.
 *	- pq_begintypsend, pq_endtypsend, pq_getmsgbyte: as in
 *	  src/backend/libpq/pqformat.c.
 *	- pg_mblen: pg_encoding_mblen() (libpgcommon) in the encoding chosen by
 *	  fuzz_set_encoding().
 *	- Assert() is enabled (USE_ASSERT_CHECKING); a failed one aborts.
 *
 * Everything else (pg_strcasecmp, hash_bytes_uint32, initStringInfo,
 * snprintf, the encoding tables) is PostgreSQL's real code from
 * libpgport.a and libpgcommon.a.  The harnesses are linked with
 * --gc-sections, so a backend function that the fuzzed code can reach and
 * that is not provided here is a link error rather than a silent gap.
 */
#ifndef FUZZ_STUBS_H
#define FUZZ_STUBS_H

#include "postgres.h"
#include "fmgr.h"
#include "lib/stringinfo.h"

/* the last report made through ereport/elog */
typedef struct FuzzReport
{
	int			elevel;			/* 0 when there is none */
	int			sqlerrcode;
	char	   *message;		/* errmsg or errmsg_internal, NULL if none */
	char	   *detail;
	char	   *hint;
	const char *filename;
	int			lineno;
	const char *funcname;
} FuzzReport;

extern FuzzReport fuzz_report;

/* free every palloc'd chunk and forget the last report */
extern void fuzz_reset(void);

/* the database encoding pg_mblen() works in (PG_UTF8 by default) */
extern void fuzz_set_encoding(int encoding);

/* a palloc'd NUL-terminated copy of n bytes */
extern char *fuzz_cstring(const uint8_t *data, size_t n);

/* print a failed invariant with the input and abort (the fuzzer's crash) */
extern void fuzz_fail(const char *harness, const uint8_t *data, size_t size,
					  const char *fmt,...) pg_attribute_printf(4, 5) pg_attribute_noreturn();

/*
 * Call a V1 function as the executor does; false when it raised an ERROR
 * (then fuzz_report holds it).  The function may not return NULL.
 */
extern bool fuzz_call(PGFunction fn, Datum *result, int nargs,
					  Datum arg0, Datum arg1, Datum arg2);

/* the text of a report's SQLSTATE, e.g. "22P02" */
extern const char *fuzz_sqlstate(int sqlerrcode);

#endif							/* FUZZ_STUBS_H */
