# The two commands of the README:
#   make run   — install Debian packages, build in Release, serve examples/concord.yaml
#   make test  — install, build and run every test (what .ci/run calls)
BUILD ?= build
JOBS ?= 2
CONFIG ?= examples/concord.yaml

.PHONY: deps test-deps build console run test unit e2e browser bench clean

deps:
	scripts/install-deps

test-deps:
	CONCORD_DEPS=test scripts/install-deps

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release

build: $(BUILD)/build.ninja
	ninja -C $(BUILD) -j$(JOBS)

# The web console the admin listener serves (console/dist).
console:
	cd console && npm ci --no-audit --no-fund --loglevel=error && npm run build

# Serves the example config on the embedded defaults; prints a key on first run.
run: deps build console
	scripts/first-key $(BUILD)/concord $(CONFIG)
	$(BUILD)/concord serve -c $(CONFIG)

unit: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

e2e: build
	tests/e2e/run.sh $(BUILD)/concord

# The web console in Debian's Chromium (playwright-core): a held request approved in the inbox.
browser: build
	tests/browser/run.sh $(BUILD)/concord

test: test-deps build
	$(MAKE) unit
	$(MAKE) e2e
	$(MAKE) browser

bench: test-deps build
	bench/load/run.sh $(BUILD)/concord

clean:
	rm -rf $(BUILD)
