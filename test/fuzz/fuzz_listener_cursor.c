/*
 * fuzz_listener_cursor.c
 *		libFuzzer harness for the cursor file of permissions-listen
 *		(src/listener/permissions_listen.c, included unchanged with its
 *		main() renamed; nothing of libpq is reached).
 *
 * The cursor file is the one text the listener reads from outside the
 * server: a horizon, then "id:xact" pairs, one per line.  The listener
 * replaces it atomically, but it may be edited by hand, copied from
 * another installation or damaged.  The input
 * is written as the cursor file and read with read_cursor().  Asserted:
 *
 *	- read_cursor fails (prints why, returns 0) exactly when the file does
 *	  not start with a number; the horizon is then unset and nothing is
 *	  pending;
 *	- otherwise the horizon is what strtoull reads from the start of the
 *	  file, and at most MAX_PENDING ids are pending;
 *	- what write_cursor() then writes is exactly the canonical text of that
 *	  state, and read_cursor() of it gives the same state back (so a
 *	  restarted listener resumes exactly where it stopped); writing that
 *	  again gives the same bytes.
 *
 * The file lives in $PERMISSIONS_FUZZ_SCRATCH (run.sh points it at its
 * temporary directory), else in $TMPDIR or /tmp, under a name unique to
 * the process.
 */
#define main permissions_listen_main
#include "permissions_listen.c"
#undef main

#include <stdint.h>

int			LLVMFuzzerInitialize(int *argc, char ***argv);
int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HARNESS "fuzz_listener_cursor"

static char path[4096];
static FILE *devnull;

/* the state as read, for comparison */
static unsigned long long saved_horizon;
static int	saved_npending;
static long long saved_pending[MAX_PENDING];
static unsigned long long saved_xact[MAX_PENDING];

static void
fail(const uint8_t *data, size_t size, const char *what)
{
	fprintf(stderr, "\n%s: INVARIANT FAILED: %s\n%s: input (%zu bytes): \"", HARNESS, what,
			HARNESS, size);
	for (size_t i = 0; i < size; i++)
	{
		if (data[i] >= 0x20 && data[i] < 0x7f && data[i] != '"' && data[i] != '\\')
			fputc(data[i], stderr);
		else
			fprintf(stderr, "\\x%02x", data[i]);
	}
	fprintf(stderr, "\"\n");
	abort();
}

static void
write_file(const char *p, const uint8_t *data, size_t size)
{
	FILE	   *f = fopen(p, "wb");

	if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0)
	{
		fprintf(stderr, "%s: cannot write %s\n", HARNESS, p);
		exit(1);
	}
}

/* the whole file, NUL-terminated; its length in *len */
static char *
read_file(const char *p, size_t *len)
{
	FILE	   *f = fopen(p, "rb");
	char	   *buf = NULL;
	size_t		cap = 0;

	*len = 0;
	if (f == NULL)
		return NULL;
	for (;;)
	{
		size_t		got;

		if (*len + 4096 + 1 > cap)
		{
			cap = (*len + 4096 + 1) * 2;
			buf = realloc(buf, cap);
		}
		got = fread(buf + *len, 1, 4096, f);
		*len += got;
		if (got == 0)
			break;
	}
	fclose(f);
	buf[*len] = '\0';
	return buf;
}

static void
reset_state(void)
{
	horizon = 0;
	have_horizon = 0;
	npending = 0;
}

/* read_cursor() with its messages kept off the fuzzer's output */
static int
quiet_read(void)
{
	FILE	   *saved = stderr;
	int			ok;

	stderr = devnull;
	ok = read_cursor();
	stderr = saved;
	return ok;
}

static int
quiet_write(void)
{
	FILE	   *saved = stderr;
	int			ok;

	stderr = devnull;
	ok = write_cursor();
	stderr = saved;
	return ok;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = getenv("PERMISSIONS_FUZZ_SCRATCH");

	if (dir == NULL || dir[0] == '\0')
		dir = getenv("TMPDIR");
	if (dir == NULL || dir[0] == '\0')
		dir = "/tmp";
	snprintf(path, sizeof(path), "%s/fuzz_listener_cursor.%d", dir, (int) getpid());
	devnull = fopen("/dev/null", "w");
	cursor_path = path;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *copy = malloc(size + 1);
	char	   *first;
	char	   *second;
	size_t		first_len;
	size_t		second_len;
	char	   *canonical;
	size_t		clen = 0;
	size_t		ccap;
	char	   *endp;
	unsigned long long want_horizon;
	int			ok;

	memcpy(copy, data, size);
	copy[size] = '\0';

	write_file(path, data, size);
	reset_state();
	ok = quiet_read();

	/* fscanf("%llu") skips white space and reads what strtoull reads */
	want_horizon = strtoull(copy, &endp, 10);
	{
		const char *p = copy;

		while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
			p++;
		if (*p == '+' || *p == '-')
			p++;
		if ((*p >= '0' && *p <= '9') != (ok != 0))
			fail(data, size, ok ? "read_cursor accepted a file that does not start with a number"
				 : "read_cursor rejected a file that starts with a number");
	}
	if (!ok)
	{
		if (have_horizon || npending != 0)
			fail(data, size, "a rejected file left state behind");
		free(copy);
		unlink(path);
		return 0;
	}
	if (!have_horizon || horizon != want_horizon)
		fail(data, size, "the horizon is not the leading number");
	if (npending < 0 || npending > MAX_PENDING)
		fail(data, size, "npending out of range");

	saved_horizon = horizon;
	saved_npending = npending;
	memcpy(saved_pending, pending, sizeof(long long) * npending);
	memcpy(saved_xact, pending_xact, sizeof(unsigned long long) * npending);

	/* the canonical text of that state */
	ccap = 32 + (size_t) npending * 48;
	canonical = malloc(ccap);
	clen += snprintf(canonical + clen, ccap - clen, "%llu\n", saved_horizon);
	for (int i = 0; i < saved_npending; i++)
		clen += snprintf(canonical + clen, ccap - clen, "%lld:%llu\n",
						 saved_pending[i], saved_xact[i]);

	/* write it, read it back: the same state */
	if (!quiet_write())
		fail(data, size, "write_cursor failed");
	first = read_file(path, &first_len);
	if (first == NULL || first_len != clen || memcmp(first, canonical, clen) != 0)
		fail(data, size, "write_cursor did not write the canonical text of the state");
	reset_state();
	if (!quiet_read())
		fail(data, size, "read_cursor rejected what write_cursor wrote");
	if (horizon != saved_horizon || npending != saved_npending ||
		memcmp(pending, saved_pending, sizeof(long long) * npending) != 0 ||
		memcmp(pending_xact, saved_xact, sizeof(unsigned long long) * npending) != 0)
		fail(data, size, "the state read back differs from the state written");
	if (!quiet_write())
		fail(data, size, "the second write_cursor failed");
	second = read_file(path, &second_len);
	if (second == NULL || second_len != first_len || memcmp(first, second, first_len) != 0)
		fail(data, size, "writing the state again changed the file");

	free(first);
	free(second);
	free(canonical);
	free(copy);
	unlink(path);
	return 0;
}
