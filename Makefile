# SPDX-License-Identifier: MIT
# The thin front of the CMake build: `make`, `make test`, `make demo`.
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=
# CI (and `make test`) treats warnings as errors.
WERROR     ?= ON

.PHONY: all deps test-deps release asan test unit demo bench clean fuzz

all: release

deps:
	@sh scripts/deps.sh build

test-deps:
	@sh scripts/deps.sh test

release: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DWERROR=$(WERROR) $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

asan: test-deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWERROR=$(WERROR) \
		-DENABLE_ASAN=ON -DENABLE_UBSAN=ON $(CMAKE_FLAGS) >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)

# The whole suite twice: under ASan+UBSan (every test), and the Release
# build, whose seccomp filters are the ones shipped.
test: test-deps release asan
	cd $(ASAN_BUILD) && ctest --output-on-failure --timeout 900 -j 2
	cd $(BUILD) && ctest --output-on-failure --timeout 900 -j 2

unit: asan
	cd $(ASAN_BUILD) && ctest --output-on-failure -L unit

demo: release
	@bash scripts/demo.sh $(BUILD)

bench: release
	@sh scripts/deps.sh bench
	@bash bench/run.sh $(BUILD)
	@HB_BUILD=$(abspath $(BUILD)) bash bench/ingest.sh
	@HB_BUILD=$(abspath $(BUILD)) bash bench/reduce.sh

fuzz:
	@sh scripts/deps.sh test
	cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DBUILD_FUZZERS=ON \
		-DBUILD_TESTING=OFF -DBUILD_COLLECTOR=OFF >/dev/null
	cmake --build build-fuzz -j $(JOBS)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-fuzz
