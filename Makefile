# OSB build. Targets: all run check bench fuzz format clean.
# Release objects go to build/rel, sanitizer (test) objects to build/san.

CC      ?= cc
CSTD    := -std=c11 -D_GNU_SOURCE
WARN    := -Wall -Wextra -Werror -Wshadow -Wvla -Wstrict-prototypes -Wformat-security
PKGS    := libmicrohttpd sqlite3 libpq jansson libsodium libcurl pangocairo fontconfig xlsxwriter zlib
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# core/banned.h goes into every translation unit: a banned libc call is a compile error.
INC     := -Isrc -include src/core/banned.h
LIBS    := $(PKG_LIBS) -lpthread -lm

SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

LIB_SRC := $(sort $(wildcard src/core/*.c src/rules/*.c src/store/*.c src/flow/*.c \
                             src/http/*.c src/cli/*.c src/report/*.c))
PURE_SRC := $(sort $(wildcard src/core/*.c src/rules/*.c))
MAIN_SRC := src/main.c

REL_OBJ := $(patsubst src/%.c,build/rel/%.o,$(LIB_SRC) $(MAIN_SRC))
SAN_OBJ := $(patsubst src/%.c,build/san/%.o,$(LIB_SRC))
SAN_MAIN := build/san/main.o
PURE_SAN_OBJ := $(patsubst src/%.c,build/san/%.o,$(PURE_SRC))

UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(patsubst tests/unit/%.c,build/unit/%,$(UNIT_SRC))

FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(FUZZ_SRC))
FUZZ_SECONDS ?= 20

.PHONY: all deps have-libs run run-built check check-built test-ha-built bench-pg-built unit scenario e2e fuzz fuzz-smoke bench bench-aging bench-reports format lint clean san test-ha bench-pg bench-p99 bench-soak bench-lists bench-lists-pg

all: build/osb

deps:
	@scripts/deps.sh

# make run, check, test-ha and bench-pg install what is missing first and then build in a make
# of their own: PKG_CFLAGS and PKG_LIBS are read from pkg-config when a make starts, so the make
# that has just installed the libraries (a fresh machine) still holds none of their flags.
run check test-ha bench-pg: deps
	@$(MAKE) --no-print-directory $@-built

# Every compile needs the libraries' flags: say so, rather than a missing header.
have-libs:
	@test -n "$(PKG_LIBS)" || { echo "make: pkg-config does not find all of $(PKGS);" \
	    "run 'make deps' (scripts/deps.sh) first" >&2; exit 1; }

build/osb: $(REL_OBJ)
	$(CC) -o $@ $^ $(LIBS)

build/rel/%.o: src/%.c $(wildcard src/*/*.h) | have-libs
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CSTD) $(WARN) -O2 -g $(INC) $(PKG_CFLAGS) -MMD -c -o $@ $<

build/san/%.o: src/%.c $(wildcard src/*/*.h) | have-libs
	@mkdir -p $(dir $@)
	@echo "  CC san  $<"
	@$(CC) $(CSTD) $(WARN) -O1 -g $(SAN) $(INC) $(PKG_CFLAGS) -MMD -c -o $@ $<

san: build/san/osb
build/san/osb: $(SAN_OBJ) $(SAN_MAIN)
	$(CC) $(SAN) -o $@ $^ $(LIBS)

build/unit/%: tests/unit/%.c $(PURE_SAN_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) -O1 -g $(SAN) $(INC) $(PKG_CFLAGS) -o $@ $< $(PURE_SAN_OBJ) $(LIBS) -lcmocka

# Unit tests named test_store_* reach the store (a SQLite file of their own): they link every
# sanitizer object of src/ but main.
build/unit/test_store_%: tests/unit/test_store_%.c $(SAN_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) -O1 -g $(SAN) $(INC) $(PKG_CFLAGS) -o $@ $< $(SAN_OBJ) $(LIBS) -lcmocka

# libFuzzer targets: the server's objects are compiled with clang once for all of them
# (build/fuzz/obj, instrumented for coverage and the sanitizers) into one archive, and each
# target links what it uses from it. Compiling every source into every target, one clang run
# each, took up to 50 minutes a target on the loaded machine.
FUZZ_CFLAGS := $(CSTD) -g -O1 $(INC) $(PKG_CFLAGS)
FUZZ_OBJ := $(patsubst src/%.c,build/fuzz/obj/%.o,$(LIB_SRC))
build/fuzz/obj/%.o: src/%.c $(wildcard src/*/*.h) | have-libs
	@mkdir -p $(dir $@)
	@echo "  CC fuzz $<"
	@clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined -MMD -c -o $@ $<
build/fuzz/libosb.a: $(FUZZ_OBJ)
	@rm -f $@
	ar rcs $@ $^
build/fuzz/%: tests/fuzz/%.c tests/fuzz/harness.h build/fuzz/libosb.a
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $< build/fuzz/libosb.a $(LIBS)

run-built: build/osb
	@test -f osb.db || { OSB_ADMIN_PASSWORD=$${OSB_ADMIN_PASSWORD:-admin123} build/osb init --db osb.db && \
	    build/osb demo --db osb.db; }
	@echo "OSB: http://127.0.0.1:8080/  (demo logins: see README — every demo user's password is 'demo123', admin's 'admin123')"
	build/osb serve --db osb.db --listen 127.0.0.1:8080

# The whole suite. Each runner prints its own results into build/results; the last line sums them.
check-built: build/osb build/san/osb $(UNIT_BIN) $(FUZZ_BIN)
	@rm -rf build/results && mkdir -p build/results
	@scripts/run-tests.sh

unit: $(UNIT_BIN)
	@for t in $(UNIT_BIN); do $$t || exit 1; done

# make scenario [K=substring] [START=YYYY-MM-DD] [ALONE=1]: the scenario suite, or the tests
# whose module::name contains K, with the servers' test clock started on START (default
# 2026-12-01). ALONE=1 runs every selected test by itself (own database and server, -j2).
# PG=1 runs them on PostgreSQL (a throwaway cluster; tests marked lib.sqlite_only left out).
scenario: build/san/osb
	python3 tests/scenario/run.py --bin build/san/osb $(if $(K),-k '$(K)') $(if $(START),--start $(START)) $(if $(ALONE),--alone) $(if $(PG),--pg)

# The failover test (issue #16): deploy/ha-up.sh's three Patroni nodes, HAProxy, pgbouncer and
# two `osb serve`; the primary killed twice under an order load (tests/ha/run.sh). Root only;
# about 4-5 minutes.
test-ha-built: build/osb
	tests/ha/run.sh build/osb

# The OP path on PostgreSQL (1 and 2 instances, 2 and 8 clients) beside pgbench TPC-B and
# SQLite; ends with "pg-ratio: ..." (scripts/bench-pg.sh, bench/README.md).
bench-pg-built: build/osb
	@scripts/bench-pg.sh

# p99 of GET /me while 1,000 idle connections are open and 32 statement PDFs render
# (bench/p99_me.py, bench/README.md; issue #15). Not in make check.
bench-p99: build/osb
	@python3 bench/p99_me.py

# The server's RSS every SOAK_EVERY orders over SOAK_ORDERS (default 200,000) orders through
# the OP path (scripts/bench-soak.sh, bench/README.md; issue #15 item 11). Not in make check.
bench-soak: build/osb
	@scripts/bench-soak.sh

# make fuzz: every target for FUZZ_SECONDS (20) each, as make check runs them;
# FUZZ_LONG=600 make fuzz for a longer search. New findings' inputs stay in build/fuzz/corpus-*.
fuzz: $(FUZZ_BIN)
	@for f in $(FUZZ_BIN); do n=$$(basename $$f); mkdir -p build/fuzz/corpus-$$n; \
	  echo "== $$n ($${FUZZ_LONG:-$(FUZZ_SECONDS)} s)"; \
	  $$f -max_total_time=$${FUZZ_LONG:-$(FUZZ_SECONDS)} -print_final_stats=0 \
	    build/fuzz/corpus-$$n tests/fuzz/corpus/$$n > build/fuzz/$$n.log 2>&1 \
	    || { tail -40 build/fuzz/$$n.log; exit 1; }; grep -h '^Done' build/fuzz/$$n.log; done

bench: build/osb
	@scripts/bench.sh

# The receivables aging query on 10 million invoices (bench/aging_bench.c, the server's own
# SQL on a database `osb init` made); prints the figure. AGING_ARGS="-n 1000000" for less.
bench-aging: build/osb
	@mkdir -p build/bench
	$(CC) $(CSTD) $(WARN) -O2 $(INC) -o build/bench/aging_bench bench/aging_bench.c \
	    $(shell pkg-config --cflags --libs sqlite3)
	@rm -f build/bench/aging.db build/bench/aging.db-wal build/bench/aging.db-shm
	@OSB_KDF=fast build/osb init --db build/bench/aging.db --admin-password bench-aging >/dev/null
	build/bench/aging_bench --db build/bench/aging.db $(AGING_ARGS)

# Every report query of the engine on a large data set (bench/reports_bench.c: loads through
# the server's tables, times the store functions GET /reports/{name} runs); prints the figures.
# The issue's size by default: ORDERS=1000000 orders, CUSTOMERS=5000, LEDGER=10 × ORDERS ledger
# rows; a smaller run: make bench-reports ORDERS=100000. The loader (one INSERT … SELECT per
# table inside SQLite, one transaction, no journal, indexes built after) keeps the books
# consistent: `osb check --db build/bench/reports.db` passes on what it leaves. The modules'
# rows (contracts, expenses, POP, samples, quotations, after-sales, visit plans and visits,
# forecasts, plans, weekly calls: bench/load_modules.c) are loaded with them; to add them to a
# data set loaded before: build/bench/reports_bench --db FILE --load-modules. To time the
# reports again on a data set loaded before: build/bench/reports_bench --db FILE --no-load.
ORDERS ?= 1000000
CUSTOMERS ?= 5000
LEDGER ?= $(shell echo $$(( $(ORDERS) * 10 )))
REPORTS_ARGS ?= -n $(ORDERS) -c $(CUSTOMERS) -l $(LEDGER)
build/bench/reports_bench: bench/reports_bench.c bench/load_stock.c bench/load_stock.h \
    bench/load_modules.c bench/load_modules.h $(REL_OBJ)
	@mkdir -p build/bench
	$(CC) $(CSTD) $(WARN) -O2 $(INC) $(PKG_CFLAGS) -o build/bench/reports_bench \
	    bench/reports_bench.c bench/load_stock.c bench/load_modules.c \
	    $(filter-out build/rel/main.o,$(REL_OBJ)) $(LIBS)

bench-reports: build/osb build/bench/reports_bench
	@mkdir -p build/bench
	@rm -f build/bench/reports.db build/bench/reports.db-wal build/bench/reports.db-shm
	@OSB_KDF=fast build/osb init --db build/bench/reports.db --admin-password bench-reports >/dev/null
	build/bench/reports_bench --db build/bench/reports.db $(REPORTS_ARGS)

# The main list endpoints (orders, invoices, customers; with and without state= and q=) of a
# running server over 10k, 100k and 1M orders (scripts/bench-lists.sh): p50/p99 per list and
# the load average. LISTS_SIZES="10000 100000" for fewer. Not part of make check.
bench-lists: build/osb build/bench/reports_bench
	scripts/bench-lists.sh $(LISTS_SIZES)

# The same lists on PostgreSQL: bench-lists' SQLite data sets (LISTS_KEEP=1) copied into a
# throwaway cluster (scripts/bench-lists-pg.sh). LISTS_SIZES as above (default 10k and 100k).
bench-lists-pg: build/osb
	scripts/bench-lists-pg.sh $(LISTS_SIZES)

format:
	clang-format -i $(wildcard src/*.c src/*/*.c src/*/*.h tests/unit/*.c tests/fuzz/*.[ch])

# make lint: every C file of src/ formatted as .clang-format says (clang-format --dry-run),
# and cppcheck's warnings (style, portability, performance included); both run, either fails
# it. LINT_SRC="..." narrows it to some files.
LINT_SRC ?= $(sort $(wildcard src/*.c src/*/*.c src/*/*.h))
CPPCHECK_FLAGS := --enable=warning,style,performance,portability --std=c11 --quiet \
    --error-exitcode=1 --inline-suppr --suppress=missingIncludeSystem \
    --suppress=unusedStructMember --suppress=constParameterCallback -D_GNU_SOURCE -Isrc \
    --include=src/core/banned.h --library=scripts/cppcheck/osb.cfg
lint:
	@command -v clang-format >/dev/null && command -v cppcheck >/dev/null || scripts/deps.sh
	@rc=0; \
	clang-format --dry-run --Werror $(LINT_SRC) || rc=1; \
	cppcheck $(CPPCHECK_FLAGS) $(filter %.c,$(LINT_SRC)) || rc=1; \
	if [ $$rc = 0 ]; then echo "lint: clean"; else echo "lint: see above"; fi; exit $$rc

clean:
	rm -rf build

-include $(wildcard build/rel/*/*.d build/san/*/*.d build/rel/*.d build/san/*.d build/fuzz/obj/*/*.d)
