# pg_beat: a job scheduler inside PostgreSQL.
#
# PGXS build.  `make`, `make install` and `make installcheck` work as for any
# extension; `scripts/test` is the one command that runs every test tier.

EXTENSION = pg_beat
MODULE_big = pg_beat
# The install script is assembled from the parts under sql/.
DATA_built = pg_beat--1.0.sql
PGFILEDESC = "pg_beat - job scheduler for PostgreSQL"

OBJS = \
	src/api.o \
	src/catalog.o \
	src/cronexpr.o \
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
	src/pg_beat.o \
	src/pool.o \
	src/remote.o \
	src/schedule.o \
	src/shmem.o

PG_CPPFLAGS = -I$(srcdir)/src -I$(libpq_srcdir)
SHLIB_LINK_INTERNAL = $(libpq)
PG_CFLAGS = -Wall -Wmissing-prototypes $(BEAT_EXTRA_CFLAGS)

# pg_regress: deterministic SQL behaviour, on a temporary instance that
# preloads pg_beat and points cron.database_name at the regression database.
REGRESS = setup settings api security hostile schedule_grammar next_runs dst describe
REGRESS_OPTS = --inputdir=test --outputdir=test/output_regress \
	--temp-instance=tmp_regress --temp-config=test/regress.conf

# Isolation tests: races between sessions.
ISOLATION = schedule_same_name unschedule_running
ISOLATION_OPTS = --inputdir=test --outputdir=test/output_isolation \
	--temp-instance=tmp_isolation --temp-config=test/isolation.conf

# TAP tests: time, restarts, crashes, standbys.
TAP_TESTS = 1
PROVE_TESTS = test/t/*.pl

EXTRA_CLEAN = pg_beat--1.0.sql tmp_regress tmp_isolation test/output_regress test/output_isolation

PG_CONFIG ?= pg_config
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

pg_beat--1.0.sql: sql/pg_beat.sql sql/import_pg_cron.sql
	cat $^ > $@
