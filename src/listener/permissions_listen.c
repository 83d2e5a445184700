/*
 * permissions-listen -- the reference LISTEN client of the permissions
 * extension.
 *
 *	permissions-listen [--cursor FILE] [--once] CONNINFO USER_ID
 *
 * Connects with CONNINFO (a libpq connection string or URI), acts as the
 * application user USER_ID (SET permissions.user_id: the login role must be
 * trusted to switch identity), LISTENs on the channel "permissions", and
 * prints one JSON line per notification visible to that user:
 *
 *	{"id": 42, "user": "al", "kind": "low_stock", "subject": "...",
 *	 "subject_id": "...", "payload": {...}, "created_at": "..."}
 *
 * At start and on every NOTIFY it fetches, through the RLS-protected table,
 * the notifications it has not printed yet, in id order.  Ids come from a
 * sequence, so a transaction that took a lower id may commit after one that
 * took a higher id: "id > last printed" alone could skip it.  So the client
 * keeps a horizon H -- every transaction below H has finished and been read
 * -- and the ids it printed from transactions at or above H; each fetch
 * reads the rows of transactions >= H, prints the new ones, and then moves H
 * to the xmin of a snapshot taken before the fetch.  Nothing is missed,
 * nothing printed twice, and a row is printed as soon as it is visible.
 *
 * The horizon and those ids are kept in the cursor file (written to a
 * temporary file and renamed, after each line is flushed), so a restarted
 * client resumes where it stopped.  When the connection drops it reconnects
 * with backoff (0.1 s doubling to 5 s) and catches up.
 *
 * It shares no code with the server module: it needs only libpq.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

#include "libpq-fe.h"

#define MAX_PENDING 100000

static const char *cursor_path = NULL;
static const char *acting_user = NULL;
static unsigned long long horizon = 0;	/* every transaction below it is done */
static int	have_horizon = 0;
static long long pending[MAX_PENDING];	/* ids printed from transactions >= horizon */
static unsigned long long pending_xact[MAX_PENDING];
static int	npending = 0;
static volatile sig_atomic_t stopping = 0;

static int
is_pending(long long id)
{
	for (int i = 0; i < npending; i++)
		if (pending[i] == id)
			return 1;
	return 0;
}

static void
usage(FILE *out)
{
	fprintf(out,
			"Usage: permissions-listen [--cursor FILE] [--once] CONNINFO USER_ID\n"
			"\n"
			"Prints, as JSON lines, the notifications of the permissions extension\n"
			"for the application user USER_ID, live and after any disconnection.\n"
			"\n"
			"  CONNINFO       libpq connection string or URI; the login role must be\n"
			"                 allowed to SET permissions.user_id\n"
			"  USER_ID        the application user whose notifications to print\n"
			"  --cursor FILE  keep the last printed id in FILE and resume after it\n"
			"                 (default: start after the newest notification)\n"
			"  --once         print what is pending and exit instead of listening\n"
			"  --help         this help\n"
			"\n"
			"Each line: {\"id\", \"user\", \"kind\", \"subject\", \"subject_id\", \"payload\",\n"
			"\"created_at\"}.  Exit status: 0 on SIGINT/SIGTERM or --once, 1 on a\n"
			"usage or cursor-file error.\n");
}

static void
on_signal(int sig)
{
	(void) sig;
	stopping = 1;
}

/*
 * Read the horizon and pending ids from the cursor file; false with a
 * message on error.  A missing file means: start from now.
 */
static int
read_cursor(void)
{
	FILE	   *f;

	if (cursor_path == NULL)
		return 1;
	f = fopen(cursor_path, "r");
	if (f == NULL)
	{
		if (errno == ENOENT)
			return 1;
		fprintf(stderr, "permissions-listen: cannot read cursor file \"%s\": %s\n",
				cursor_path, strerror(errno));
		return 0;
	}
	if (fscanf(f, "%llu", &horizon) != 1)
	{
		fprintf(stderr, "permissions-listen: cursor file \"%s\" does not hold a horizon\n",
				cursor_path);
		fclose(f);
		return 0;
	}
	have_horizon = 1;
	while (npending < MAX_PENDING &&
		   fscanf(f, "%lld:%llu", &pending[npending], &pending_xact[npending]) == 2)
		npending++;
	fclose(f);
	return 1;
}

/*
 * Save the state: write a temporary file, then rename it over the cursor
 */
static int
write_cursor(void)
{
	char		tmp[4096];
	FILE	   *f;
	int			ok;

	if (cursor_path == NULL)
		return 1;
	snprintf(tmp, sizeof(tmp), "%s.tmp", cursor_path);
	f = fopen(tmp, "w");
	ok = f != NULL && fprintf(f, "%llu\n", horizon) >= 0;
	for (int i = 0; ok && i < npending; i++)
		ok = fprintf(f, "%lld:%llu\n", pending[i], pending_xact[i]) >= 0;
	if (!ok || fflush(f) != 0 || fsync(fileno(f)) != 0 || fclose(f) != 0 ||
		rename(tmp, cursor_path) != 0)
	{
		fprintf(stderr, "permissions-listen: cannot write cursor file \"%s\": %s\n",
				cursor_path, strerror(errno));
		return 0;
	}
	return 1;
}

static PGconn *
connect_and_listen(const char *conninfo, const char *user_id, int first)
{
	PGconn	   *conn = PQconnectdb(conninfo);
	PGresult   *res;
	const char *params[1];

	if (PQstatus(conn) != CONNECTION_OK)
	{
		fprintf(stderr, "permissions-listen: cannot connect: %s", PQerrorMessage(conn));
		PQfinish(conn);
		return NULL;
	}
	params[0] = user_id;
	res = PQexecParams(conn, "SELECT pg_catalog.set_config('permissions.user_id', $1, false)",
					   1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		fprintf(stderr, "permissions-listen: cannot act as \"%s\": %s", user_id, PQerrorMessage(conn));
		PQclear(res);
		PQfinish(conn);
		return NULL;
	}
	PQclear(res);
	res = PQexec(conn, "LISTEN permissions");
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
	{
		fprintf(stderr, "permissions-listen: LISTEN failed: %s", PQerrorMessage(conn));
		PQclear(res);
		PQfinish(conn);
		return NULL;
	}
	PQclear(res);

	(void) first;

	/* the catch-up query, planned once per connection */
	res = PQprepare(conn, "catch_up",
					"SELECT s.h::text, n.notification_id, n.xact::text, n.line"
					   "  FROM (SELECT pg_catalog.pg_snapshot_xmin(pg_catalog.pg_current_snapshot()) AS h) s"
					   "  LEFT JOIN LATERAL ("
					   "   SELECT n.notification_id, n.xact, pg_catalog.json_build_object("
					   "    'id', n.notification_id, 'user', n.user_id, 'kind', n.kind,"
					   "    'subject', n.subject, 'subject_id', n.subject_id,"
					   "    'payload', n.payload, 'created_at', n.created_at) AS line"
					   "     FROM permissions.notifications n"
					   "    WHERE n.xact OPERATOR(pg_catalog.>=) COALESCE($1::pg_catalog.xid8, s.h)"
					   /* RLS already limits a non-superuser to their own rows */
					   "      AND n.user_id OPERATOR(pg_catalog.=) $2) n ON true"
					   " ORDER BY n.notification_id",
					2, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
	{
		fprintf(stderr, "permissions-listen: cannot prepare the catch-up query: %s", PQerrorMessage(conn));
		PQclear(res);
		PQfinish(conn);
		return NULL;
	}
	PQclear(res);
	return conn;
}

/*
 * Print every visible notification not printed yet; false when the
 * connection failed.  With no horizon yet (no cursor), start from now: what
 * is already there counts as printed.
 */
static int
catch_up(PGconn *conn)
{
	PGresult   *res;
	unsigned long long new_horizon;
	char		hbuf[32];
	const char *params[2];
	int			n;
	int			quiet = !have_horizon;

	/*
	 * One statement, one snapshot: the rows, and that snapshot's xmin as
	 * the new horizon -- every transaction below it had finished, so its
	 * rows are among those read.
	 */
	snprintf(hbuf, sizeof(hbuf), "%llu", horizon);
	params[0] = quiet ? NULL : hbuf;	/* no horizon yet: the snapshot's own */
	params[1] = acting_user;
	res = PQexecPrepared(conn, "catch_up", 2, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) < 1)
	{
		fprintf(stderr, "permissions-listen: cannot read notifications: %s", PQerrorMessage(conn));
		PQclear(res);
		return 0;
	}
	new_horizon = strtoull(PQgetvalue(res, 0, 0), NULL, 10);
	n = PQntuples(res);
	for (int i = 0; i < n; i++)
	{
		long long	id;
		unsigned long long xact;

		if (PQgetisnull(res, i, 1))
			continue;			/* no rows: just the horizon */
		id = atoll(PQgetvalue(res, i, 1));
		xact = strtoull(PQgetvalue(res, i, 2), NULL, 10);
		if (is_pending(id))
			continue;
		/*
		 * Full (a very old transaction holds the horizon back): print the
		 * rest later, and keep the horizon at or below every row left.
		 */
		if (npending == MAX_PENDING)
		{
			for (int j = i; j < n; j++)
			{
				unsigned long long x;

				if (PQgetisnull(res, j, 1) || is_pending(atoll(PQgetvalue(res, j, 1))))
					continue;
				x = strtoull(PQgetvalue(res, j, 2), NULL, 10);
				if (x < new_horizon)
					new_horizon = x;
			}
			break;
		}
		/* without a cursor, what is already there counts as printed */
		if (!quiet)
		{
			printf("%s\n", PQgetvalue(res, i, 3));
			fflush(stdout);
		}
		pending[npending] = id;
		pending_xact[npending] = xact;
		npending++;
		if (!quiet && !write_cursor())
			exit(1);
	}
	PQclear(res);

	/* every transaction below the new horizon is done: forget its ids */
	horizon = new_horizon;
	have_horizon = 1;
	for (int i = 0; i < npending;)
	{
		if (pending_xact[i] < horizon)
		{
			pending[i] = pending[npending - 1];
			pending_xact[i] = pending_xact[npending - 1];
			npending--;
		}
		else
			i++;
	}
	if (!write_cursor())
		exit(1);
	return 1;
}

int
main(int argc, char **argv)
{
	const char *conninfo = NULL;
	const char *user_id = NULL;
	int			once = 0;
	int			first = 1;
	int			backoff_ms = 100;

	for (int i = 1; i < argc; i++)
	{
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
		{
			usage(stdout);
			return 0;
		}
		else if (strcmp(argv[i], "--cursor") == 0 && i + 1 < argc)
			cursor_path = argv[++i];
		else if (strcmp(argv[i], "--once") == 0)
			once = 1;
		else if (argv[i][0] == '-')
		{
			fprintf(stderr, "permissions-listen: unknown option \"%s\"\n", argv[i]);
			usage(stderr);
			return 1;
		}
		else if (conninfo == NULL)
			conninfo = argv[i];
		else if (user_id == NULL)
			user_id = argv[i];
		else
		{
			usage(stderr);
			return 1;
		}
	}
	if (conninfo == NULL || user_id == NULL)
	{
		usage(stderr);
		return 1;
	}
	if (!read_cursor())
		return 1;
	acting_user = user_id;

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);

	while (!stopping)
	{
		PGconn	   *conn = connect_and_listen(conninfo, user_id, first);

		if (conn == NULL)
		{
			struct timespec ts = {backoff_ms / 1000, (backoff_ms % 1000) * 1000000L};

			if (once)
				return 2;
			nanosleep(&ts, NULL);
			backoff_ms = backoff_ms * 2 > 5000 ? 5000 : backoff_ms * 2;
			continue;
		}
		first = 0;
		backoff_ms = 100;

		/* catch up, then wait for NOTIFY and catch up again */
		if (catch_up(conn) && !once)
		{
			while (!stopping)
			{
				int			sock = PQsocket(conn);
				fd_set		fds;
				struct timeval tv = {1, 0};
				PGnotify   *notify;
				int			got = 0;

				FD_ZERO(&fds);
				FD_SET(sock, &fds);
				if (select(sock + 1, &fds, NULL, NULL, &tv) < 0 && errno != EINTR)
					break;
				if (!PQconsumeInput(conn))
					break;
				while ((notify = PQnotifies(conn)) != NULL)
				{
					got = 1;
					PQfreemem(notify);
				}
				if (PQstatus(conn) != CONNECTION_OK)
					break;
				if (got && !catch_up(conn))
					break;
			}
		}
		PQfinish(conn);
		if (once)
			return 0;
		if (!stopping)
			fprintf(stderr, "permissions-listen: connection lost, reconnecting\n");
	}
	return 0;
}
