# The two commands of the README:
#   make run   — install Debian packages, build in Release, serve examples/concord.yaml
#   make test  — install, build and run every test (what .ci/run calls)
BUILD ?= build
JOBS ?= 2
CONFIG ?= examples/concord.yaml

.PHONY: deps test-deps build run test unit e2e bench clean

deps:
	scripts/install-deps

test-deps:
	CONCORD_DEPS=test scripts/install-deps

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release

build: $(BUILD)/build.ninja
	ninja -C $(BUILD) -j$(JOBS)

# Serves the example config on the embedded defaults; prints a key on first run.
run: deps build
	scripts/first-key $(BUILD)/concord $(CONFIG)
	$(BUILD)/concord serve -c $(CONFIG)

unit: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

e2e: build
	tests/e2e/run.sh $(BUILD)/concord

test: test-deps build
	$(MAKE) unit
	$(MAKE) e2e

bench: test-deps build
	bench/load/run.sh $(BUILD)/concord

clean:
	rm -rf $(BUILD)
