# SPDX-License-Identifier: MIT
# The thin front of the CMake build: `make`, `make test`, `make demo`.
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=
# CI (and `make test`) treats warnings as errors.
WERROR     ?= ON
# libFuzzer: seconds per harness for `make fuzz`, and for the short run in
# `make test`.
FUZZ_BUILD     ?= build-fuzz
FUZZ_TIME      ?= 120
FUZZ_TEST_TIME ?= 15

.PHONY: all deps test-deps release asan test unit demo bench clean fuzz fuzz-build \
	rootfs image

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
# build, whose seccomp filters are the ones shipped, with its root file
# systems and the images (the Release tree runs rootfs.sh and image.sh);
# then each fuzz harness for FUZZ_TEST_TIME seconds.
test: test-deps release rootfs image asan fuzz-build
	cd $(ASAN_BUILD) && ctest --output-on-failure --timeout 900 -j 2
	cd $(BUILD) && ctest --output-on-failure --timeout 900 -j 2
	@bash scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_TEST_TIME)

unit: asan
	cd $(ASAN_BUILD) && ctest --output-on-failure -L unit

demo: release
	@bash scripts/demo.sh $(BUILD)

bench: release
	@sh scripts/deps.sh bench
	@bash bench/run.sh $(BUILD)
	@HB_BUILD=$(abspath $(BUILD)) bash bench/ingest.sh
	@HB_BUILD=$(abspath $(BUILD)) bash bench/reduce.sh
	@HB_BUILD=$(abspath $(BUILD)) bash bench/web.sh

# The harnesses (fuzz/harnesses.cmake) with all of our code instrumented
# for libFuzzer, ASan and UBSan; clang only.
fuzz-build: test-deps
	cmake -S . -B $(FUZZ_BUILD) -DCMAKE_C_COMPILER=clang \
		-DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_FUZZERS=ON \
		-DBUILD_TESTING=OFF -DWERROR=$(WERROR) $(CMAKE_FLAGS) >/dev/null
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzzers

fuzz: fuzz-build
	@bash scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_TIME)

# The images' root file systems (scripts/rootfs.sh): the agent with its
# modules and the libraries they load in $(BUILD)/rootfs, the collector in
# $(BUILD)/rootfs-collector; what the Dockerfile copies FROM scratch.
rootfs: release
	@sh scripts/deps.sh rootfs
	@bash scripts/rootfs.sh $(BUILD)

# Both images, built offline with podman from the Dockerfile, on a Debian
# base made here with debootstrap (scripts/image.sh; names in
# scripts/images.sh).
image:
	@sh scripts/deps.sh image
	@bash scripts/image.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
