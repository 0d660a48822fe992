# pg_beat: a job scheduler inside PostgreSQL.
#
# PGXS build.  `make`, `make install` and `make installcheck` work as for any
# extension; `scripts/test` is the one command that runs every test tier.

EXTENSION = pg_beat
MODULE_big = pg_beat
# The install scripts are assembled from the parts under sql/.  Released
# parts are never edited: sql/pg_beat.sql and sql/import_pg_cron.sql are 1.0
# as released; each later version adds sql/update-<version>*.sql, which is
# both its upgrade script and the tail of its fresh install script, so an
# upgraded installation and a fresh one run the same statements.
DATA_built = pg_beat--1.0.sql pg_beat--1.1.sql pg_beat--1.2.sql pg_beat--1.3.sql \
	pg_beat--1.0--1.1.sql pg_beat--1.1--1.2.sql pg_beat--1.2--1.3.sql
BEAT_SQL_1_0 = sql/pg_beat.sql sql/import_pg_cron.sql
BEAT_SQL_1_1 = sql/update-1.1.sql sql/update-1.1-chains.sql sql/update-1.1-metrics.sql
BEAT_SQL_1_2 = sql/update-1.2.sql sql/update-1.2-grants.sql
BEAT_SQL_1_3 = sql/update-1.3.sql
PGFILEDESC = "pg_beat - job scheduler for PostgreSQL"

OBJS = \
	src/api.o \
	src/api_call.o \
	src/catalog.o \
	src/cronexpr.o \
	src/dependency.o \
	src/exec_command.o \
	src/executor.o \
	src/guc.o \
	src/launcher.o \
	src/launcher_announce.o \
	src/launcher_housekeeping.o \
	src/launcher_jobs.o \
	src/launcher_lifecycle.o \
	src/launcher_runs.o \
	src/launcher_slots.o \
	src/launcher_xact.o \
	src/metrics.o \
	src/pg_beat.o \
	src/pool.o \
	src/remote.o \
	src/run_commits.o \
	src/schedule.o \
	src/shmem.o

PG_CPPFLAGS = -I$(srcdir)/src -I$(libpq_srcdir)
SHLIB_LINK_INTERNAL = $(libpq)
PG_CFLAGS = -Wall -Wmissing-prototypes $(BEAT_EXTRA_CFLAGS)

# pg_regress: deterministic SQL behaviour, on a temporary instance that
# preloads pg_beat and points cron.database_name at the regression database.
REGRESS = setup settings api security hostile schedule_grammar next_runs dst describe chains metrics
REGRESS_OPTS = --inputdir=test --outputdir=test/output_regress \
	--temp-instance=tmp_regress --temp-config=test/regress.conf

# Isolation tests: races between sessions.
ISOLATION = schedule_same_name unschedule_running chain_cycle
ISOLATION_OPTS = --inputdir=test --outputdir=test/output_isolation \
	--temp-instance=tmp_isolation --temp-config=test/isolation.conf

# TAP tests: time, restarts, crashes, standbys.
TAP_TESTS = 1
PROVE_TESTS = test/t/*.pl

EXTRA_CLEAN = $(DATA_built) tmp_regress tmp_isolation test/output_regress test/output_isolation

PG_CONFIG ?= pg_config

# Supported PostgreSQL majors: 15 to 18 (15, 17 and 18 are tested; 16 is in
# no Debian suite).  An older one stops here with a message, not with a
# compiler error in the middle of the code (src/compat.h says the same).
BEAT_PG_VERSION := $(shell $(PG_CONFIG) --version)
BEAT_PG_MAJOR := $(firstword $(subst ., ,$(subst devel, ,$(subst beta, ,$(subst rc, ,$(word 2,$(BEAT_PG_VERSION)))))))
ifeq ($(BEAT_PG_MAJOR),)
$(error could not read the PostgreSQL version from "$(PG_CONFIG) --version"; set PG_CONFIG to the pg_config of PostgreSQL 15, 16, 17 or 18)
endif
ifeq ($(shell test "$(BEAT_PG_MAJOR)" -ge 15 2>/dev/null && echo ok),)
$(error pg_beat supports PostgreSQL 15, 16, 17 and 18, but $(PG_CONFIG) is $(BEAT_PG_VERSION); set PG_CONFIG to the pg_config of a supported version)
endif

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# The C unit tests and the fuzzer of the pure schedule module need no server.
.PHONY: unittest fuzz
unittest:
	test/unit/run.sh
fuzz:
	test/fuzz/run.sh

# PGXS does not track header dependencies: rebuild every object when any
# header changes (shared structs must agree between files).
$(OBJS): $(wildcard $(srcdir)/src/*.h)

pg_beat--1.0.sql: $(BEAT_SQL_1_0)
	cat $^ > $@
pg_beat--1.1.sql: $(BEAT_SQL_1_0) $(BEAT_SQL_1_1)
	cat $^ > $@
pg_beat--1.2.sql: $(BEAT_SQL_1_0) $(BEAT_SQL_1_1) $(BEAT_SQL_1_2)
	cat $^ > $@
pg_beat--1.3.sql: $(BEAT_SQL_1_0) $(BEAT_SQL_1_1) $(BEAT_SQL_1_2) $(BEAT_SQL_1_3)
	cat $^ > $@
pg_beat--1.0--1.1.sql: $(BEAT_SQL_1_1)
	cat $^ > $@
pg_beat--1.1--1.2.sql: $(BEAT_SQL_1_2)
	cat $^ > $@
pg_beat--1.2--1.3.sql: $(BEAT_SQL_1_3)
	cat $^ > $@
