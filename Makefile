# cordon: two commands from a fresh Debian 12 machine.
#   make run   install missing packages, build, run the demo
#   make test  install missing packages, build, run every test
JOBS ?= $(shell nproc)
BUILD ?= build
CMAKE_FLAGS ?=
FUZZ_SECONDS ?= 20
# ccache (installed by scripts/install-deps.sh) lets the builds below share compiled objects.
CCACHE := $(shell command -v ccache 2>/dev/null)
LAUNCHER := $(if $(CCACHE),-DCMAKE_CXX_COMPILER_LAUNCHER=$(CCACHE) -DCMAKE_C_COMPILER_LAUNCHER=$(CCACHE))
# Paths relative to the checkout, and the directory left out of the hash of debug builds, so that
# another clone of the repository (CI checks out a clean one each time) reuses the same objects.
export CCACHE_BASEDIR ?= $(CURDIR)
export CCACHE_NOHASHDIR ?= 1

.PHONY: all deps build run cluster-demo test minimal asan-build sanitize sim-compiler-check fuzz bench
.PHONY: soak format clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release $(LAUNCHER) $(CMAKE_FLAGS)

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

run: build
	$(BUILD)/cordon demo --out demo

# The demo's flow through three NATS servers and two workers on this machine
# (scripts/cluster-demo.sh; docs/design.md, "Workers on NATS JetStream").
cluster-demo: build
	scripts/cluster-demo.sh --cordon $(BUILD)/cordon --out demo-cluster

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# Every target with every optional package forced off, as on a fresh machine that has only what
# scripts/install-deps.sh installs: CI builds it so that nothing compiles only where an optional
# package (FAISS, OpenMP) was installed by hand.
MINIMAL_BUILD ?= build-minimal
minimal: deps
	cmake -S . -B $(MINIMAL_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DCORDON_OPTIONAL_DEPS=OFF \
	  $(LAUNCHER)
	cmake --build $(MINIMAL_BUILD) -j $(JOBS)

# One clang build serves both CI checks, so the library is compiled once: AddressSanitizer and
# UndefinedBehaviorSanitizer for the tests, libFuzzer's coverage for the fuzz targets.
ASAN_BUILD ?= build-asan

asan-build: deps
	@scripts/install-deps.sh --fuzz
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=clang++ \
	  -DCMAKE_C_COMPILER=clang $(LAUNCHER) -DCORDON_SANITIZE=ON -DCORDON_FUZZ=ON -DCORDON_BENCH=OFF
	cmake --build $(ASAN_BUILD) -j $(JOBS)

# Every test under the sanitizers, but the statistical calibrations: they repeat, on larger
# worlds, code paths other tests already run here, and cost minutes each under ASan. `make test`
# runs them. The two-process writer test and the ingest progress-bar test depend on a writer
# finishing a transaction within the 30 s busy timeout and on a bar redrawing while a file is
# parsed: under ASan on 2 cores neither holds (seen 2026-12-05), so `make test` alone runs them.
# The fault tests of the workers (a node, a worker, PostgreSQL killed mid-stream), the
# PostgreSQL equality test and the medium world's equality test each simulate and ingest a world
# in their own process, minutes under ASan; the same publish, worker and store paths run there
# in DistributeTest.PublishAndOneWorkerEqualIngestIntoSqlite and the other PostgresStoreTests.
ASAN_SKIP ?= SimulatorCalibration|SimulatorWeakAction|MinHashBeatsSimHash|WritersInTwoProcessesTakeTurns|IngestBarMovesWhileAFileIsParsed|DistributeTest\.(AWorker|ANode|Sigterm|TwoPublishers|Postgres)|PostgresStoreTest\.SameResultsAsSqlite|DistributeMedium
sanitize: asan-build
	UBSAN_OPTIONS=print_stacktrace=1 ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS) \
	  -E '$(ASAN_SKIP)'

# The simulator writes the same world whatever compiles it (docs/design.md): GCC's build against
# the sanitizer build's Clang, on a few small worlds.
sim-compiler-check: build asan-build
	scripts/sim-compiler-check.sh $(BUILD)/cordon $(ASAN_BUILD)/cordon

# Every libFuzzer target in fuzz/, run for FUZZ_SECONDS from its seed corpus.
fuzz: asan-build
	scripts/run-fuzzers.sh $(ASAN_BUILD) $(FUZZ_SECONDS)

bench: build
	scripts/run-benchmarks.sh $(BUILD)

# The crash soak at full length: 100 kill -9 landing on `cordon ingest` of a medium world (runs
# of up to 5 kills, each run resumed to the end and compared with a clean ingest). About 40
# minutes on 2 cores; `make test` runs a short version. Figures: docs/benchmarks.md.
SOAK_TOTAL ?= 100
SOAK_KILLS ?= 5
soak: build
	CORDON_SOAK_SCALE=medium CORDON_SOAK_TOTAL=$(SOAK_TOTAL) CORDON_SOAK_KILLS=$(SOAK_KILLS) \
	  $(BUILD)/cordon_tests --gtest_filter='CrashSoak.*'

format:
	clang-format -i $$(git ls-files '*.cc' '*.h')

clean:
	rm -rf build build-asan build-fuzz build-minimal
