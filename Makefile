# The two README commands: `make baseline` (main job) and `make test` (all tests).
# Both install missing Debian/PyPI packages first (scripts/install_deps.sh) and build. The command line is the Python
# console script (`learnrace`, run here as `python -m learnrace.cli` so that it need not be on PATH).
BUILD ?= build
JOBS ?= $(shell nproc)
PYTHON ?= python3
# CPU threads for the main job (0 = all cores).
THREADS ?= 0

.PHONY: deps build baseline test test-cpp test-python python-install lint format clean

deps:
	./scripts/install_deps.sh

build: deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD) -j$(JOBS)

baseline: python-install
	mkdir -p data
	$(PYTHON) -m learnrace.cli run experiments/baseline.toml -o data/baseline.h5 --backend cpu --threads $(THREADS)

python-install: deps
	$(PYTHON) -m pip install -q --disable-pip-version-check --no-build-isolation .

test-cpp: build
	ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS)

test-python: python-install
	$(PYTHON) -m pytest -q tests/python

CXX_SOURCES = $(shell find kernels host bindings tests bench -name '*.[ch]pp' -o -name '*.cu' -o -name '*.cuh')

lint:
	@clang-format --dry-run --Werror $(CXX_SOURCES) && echo "clang-format: clean"
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .

test: test-cpp test-python lint

format:
	$(PYTHON) -m ruff format .
	clang-format -i $(CXX_SOURCES)

clean:
	rm -rf $(BUILD)
