# Candor — the two commands a newcomer needs:
#   make run    install dependencies, build, start Candor with a demo
#   make test   install dependencies, build, run the whole suite (also under ASan+UBSan)
SHELL := /bin/bash
JOBS ?= $(shell nproc)
BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
HTTP_FUZZ_REQUESTS ?= 100000
FUZZ_TARGETS := $(patsubst fuzz/%.cc,%,$(wildcard fuzz/*_fuzz.cc))
CMAKE_FLAGS ?=
PORT ?= 8080

.PHONY: deb all deps build build-asan web test test-unit test-asan tidy run fuzz bench vectors format format-check clean crash-test hostile-test

all: build web

deps:
	@bash scripts/install-deps.sh

# The Debian package: $(BUILD)/candor_<version>_<arch>.deb (packaging/CMakeLists.txt), with the
# binary, the web front end, man pages, the systemd unit and /etc/candor/candor.json.
deb: build web
	cmake --build $(BUILD) --target candor_man_pages
	cd $(BUILD) && cpack -G DEB

$(BUILD)/build.ninja: | deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS)

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

# The web front end (web/): type-checked with TypeScript, bundled by Vite into web/dist, which
# `candor serve` serves at its root. Rebuilt when a source file changes.
WEB_SOURCES := $(shell find web/src web/public web/index.html web/package.json web/package-lock.json \
                 web/tsconfig.json web/vite.config.ts -type f 2>/dev/null)

web/dist/index.html: $(WEB_SOURCES) | deps
	cd web && npx --no-install tsc --noEmit -p . && npx --no-install vite build

web: deps web/dist/index.html

$(ASAN_BUILD)/build.ninja: | deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCANDOR_SANITIZE=ON -DCANDOR_BENCH=OFF $(CMAKE_FLAGS)

build-asan: deps $(ASAN_BUILD)/build.ninja
	cmake --build $(ASAN_BUILD) -j $(JOBS)

# Both run inside a throwaway PostgreSQL cluster (scripts/with-postgres.sh), so the storage
# tests cover PostgreSQL as well as SQLite.
# The browser tests (tests/e2e) run inside CTest against each build's `candor`; they need web/dist.
# Within `make test`, the two longest black-box runs (the browser tests and the hostile-replies
# run of every command) go once, against the ASan build, where they also check memory: running
# them against both builds took four of CI's 45 minutes. `make test-unit` alone runs them all.
test-unit: build web
	bash scripts/with-postgres.sh ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS) $(UNIT_EXCLUDE)

# The web unit tests run once, in the regular build: their TypeScript does not change under a
# sanitizer, and the C++ paths they cross-check are run under ASan by the C++ tests and fuzz
# corpora (it would add three minutes to CI). The browser tests do run against the ASan server.
test-asan: build-asan web
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  bash scripts/with-postgres.sh ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS) -E '^web_unit_tests$$'

# clang-tidy with .clang-tidy's checks on every C++ source file (and the headers under src/ they
# include), against the regular build's compile_commands.json; any warning fails it (about
# seven minutes on two cores).
TIDY_SOURCES = $(shell git ls-files 'src/*.cc' | grep -v '_test\.cc$$')
tidy: build
	run-clang-tidy -p $(BUILD) -j $(JOBS) -quiet $(TIDY_SOURCES) > $(BUILD)/tidy.log 2>&1 \
	  || { sed 's/\x1b\[[0-9;]*m//g' $(BUILD)/tidy.log | grep -E 'warning:|error:' | sort -u; \
	       echo "clang-tidy: see $(BUILD)/tidy.log"; exit 1; }
	@echo "clang-tidy: clean ($(words $(TIDY_SOURCES)) files)"

# The whole suite: the formatting, the regular build and clang-tidy, then the same tests under
# AddressSanitizer+UBSan.
test: UNIT_EXCLUDE = -E '^(web_e2e|cli_hostile_replies)$$'
test: format-check tidy test-unit test-asan

# Starts the server on http://127.0.0.1:8080 (the web front end and the API) with the embedded
# SQLite store in candor-data/ and a demo organization (marked as demo data); prints how to sign
# in. Ctrl-C stops it.
run: build web
	$(BUILD)/src/cli/candor demo --members 100
	$(BUILD)/src/cli/candor serve --demo --data-dir candor-data --port $(PORT) --batch-interval 30 --web-dir web/dist

# libFuzzer (clang): every target for FUZZ_SECONDS each, starting from its saved corpus.
fuzz: deps
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCANDOR_FUZZ=ON -DCANDOR_BENCH=OFF $(CMAKE_FLAGS)
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target $(FUZZ_TARGETS)
	@set -e; for t in $(FUZZ_TARGETS); do f=$(FUZZ_BUILD)/fuzz/$$t; \
	  name=$$(basename $$f _fuzz); work=$$(mktemp -d); \
	  cp -r fuzz/corpus/$$name/. $$work/; \
	  echo "== fuzzing $$name for $(FUZZ_SECONDS)s"; \
	  $$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 -artifact_prefix=fuzz/artifacts/ $$work; \
	  rm -rf $$work; \
	done
	$(MAKE) build
	python3 fuzz/http_fuzz.py --candor $(BUILD)/src/cli/candor --requests $(HTTP_FUZZ_REQUESTS) --seed $$(date +%s)

# Crash durability on demand (issue 12 item 4): TRIALS SIGKILL trials on SQLite, on PostgreSQL,
# and on two servers sharing one PostgreSQL store. `make test` runs a few of each.
TRIALS ?= 1000
# Run in pieces of CRASH_PIECE trials, each on a fresh store with its own seed: one long run's
# store grows until rings of thousands of members make co-signatures and cables too slow to
# finish between two kills, and the later trials then exercise enrollments only.
CRASH_PIECE ?= 100
crash-test: build
	@set -e; pieces=$$(( ($(TRIALS) + $(CRASH_PIECE) - 1) / $(CRASH_PIECE) )); \
	for mode in "" "--postgres" "--postgres --two"; do \
	  for i in $$(seq $$pieces); do \
	    echo "== crash trials $$mode, piece $$i of $$pieces"; \
	    bash scripts/with-postgres.sh python3 tests/crash/crash_harness.py --candor $(BUILD)/src/cli/candor \
	      --trials $(CRASH_PIECE) --seed $$i --keep-going $$mode; \
	  done; \
	done

# Every command against hostile server answers, with more single-field mutations than `make test`.
hostile-test: build
	python3 tests/cli/hostile_replies.py --candor $(BUILD)/src/cli/candor --seeds 8

bench: build
	$(BUILD)/bench/candor_bench --benchmark_counters_tabular=true

# Regenerate tests/vectors/*.json from the generators (tests check they match).
vectors: build
	$(BUILD)/tools/candor-vectors tests/vectors

format:
	clang-format -i $$(git ls-files '*.cc' '*.h')

# Every C++ file as .clang-format says (Debian's clang-format 14, which `deps` installs); `make
# format` fixes what this reports.
format-check: | deps
	clang-format --dry-run --Werror $$(git ls-files '*.cc' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) web/dist
