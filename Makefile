# PGXS build for the permissions extension.
# The version comes from permissions.control; the install script is built from
# src/sql/*.sql in name order (one file per concern, same order as the C).

PG_CONFIG ?= /usr/lib/postgresql/15/bin/pg_config

EXTENSION = permissions
EXTVERSION = $(shell sed -n "s/^default_version *= *'\([^']*\)'.*/\1/p" $(EXTENSION).control)

MODULE_big = permissions
OBJS = $(patsubst %.c,%.o,$(sort $(wildcard src/*.c)))

SQL_PARTS = $(sort $(wildcard src/sql/*.sql))
# Older versions: their frozen install scripts (to install them, in tests)
# and the upgrade scripts from each to the next (src/sql/upgrade/README).
OLD_SCRIPTS = $(wildcard src/sql/upgrade/$(EXTENSION)--*.sql)
UPGRADES = $(EXTENSION)--1.0--1.1.sql
DATA_built = $(EXTENSION)--$(EXTVERSION).sql $(UPGRADES)
DATA = $(OLD_SCRIPTS)

PG_CPPFLAGS = -I$(srcdir)/src
PG_CFLAGS = -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers -Wno-sign-compare
ifdef ASSERTS
PG_CFLAGS += -DUSE_ASSERT_CHECKING
endif

REGRESS = $(patsubst sql/%.sql,%,$(sort $(wildcard sql/*.sql)))
REGRESS_OPTS =

ISOLATION = $(patsubst test/isolation/specs/%.spec,%,$(sort $(wildcard test/isolation/specs/*.spec)))
ISOLATION_OPTS = --inputdir=test/isolation --outputdir=test/isolation/output

TAP_TESTS = 1
PROVE_TESTS = $(sort $(wildcard test/t/*.pl))

EXTRA_CLEAN = test/isolation/output results regression.diffs regression.out tmp_check

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# PGXS tracks no header dependencies (unless PostgreSQL was configured with
# --enable-depend): every object includes the one shared header
$(OBJS) $(OBJS:.o=.bc): src/permissions.h

# 1.0 -> 1.1: the changes to 1.0's objects, the approvals (new in 1.1), and
# lint() / access_matrix() as they are now
$(EXTENSION)--1.0--1.1.sql: src/sql/upgrade/1.0--1.1.sql src/sql/10_approvals.sql src/sql/11_lint.sql
	{ printf '%s\n' '-- $@: built by make from $^, do not edit' ''; \
	  for f in $^; do printf '\n-- ---- %s ----\n' "$$f"; cat "$$f"; done; } > $@

$(EXTENSION)--$(EXTVERSION).sql: $(SQL_PARTS) $(EXTENSION).control
	{ printf '%s\n' '-- $(EXTENSION)--$(EXTVERSION).sql: built from src/sql by make, do not edit' ''; \
	  printf '%s\n' '\echo Use "CREATE EXTENSION $(EXTENSION)" to load this file. \quit'; \
	  for f in $(SQL_PARTS); do printf '\n-- ---- %s ----\n' "$$f"; cat "$$f"; done; } > $@

.PHONY: bench demo test
bench:
	bash test/bench/run.sh

# the reference LISTEN client: a libpq program, built and installed with the module
LISTENER = src/listener/permissions-listen
all: $(LISTENER)
$(LISTENER): src/listener/permissions_listen.c
	$(CC) -O2 -Wall -Wextra -Werror -I$(shell $(PG_CONFIG) --includedir) -o $@ $< \
		-L$(shell $(PG_CONFIG) --libdir) -lpq
install: install-listener
.PHONY: install-listener
install-listener: $(LISTENER)
	$(INSTALL_PROGRAM) $(LISTENER) '$(DESTDIR)$(bindir)/permissions-listen'
EXTRA_CLEAN += $(LISTENER)
