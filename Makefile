# quantize: build, test and run the shipped example.
SWIFT ?= swift
BIN_DEBUG := .build/debug/quantize
EXAMPLE_OUT := .build/example/mlp.int8.npz

.PHONY: deps build release test example eval eval-methods bench fixtures clean

# The one system dependency: zlib's headers (Debian: zlib1g-dev), installed when missing.
deps:
	@if [ ! -f /usr/include/zlib.h ]; then \
		echo "installing zlib1g-dev (zlib headers)"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq zlib1g-dev; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# The CLI tests run the built binary, so build it first.
test: build
	$(SWIFT) test

# Quantize the shipped example model (per-channel int8) and print the report.
example: build
	@mkdir -p $(dir $(EXAMPLE_OUT))
	$(BIN_DEBUG) Fixtures/example/mlp.npz -o $(EXAMPLE_OUT) --force
	$(BIN_DEBUG) inspect $(EXAMPLE_OUT)

# Evaluate every scheme at 8, 4, 3 and 2 bits on the shipped digits classifier and its test set.
eval: build
	$(BIN_DEBUG) eval Fixtures/digits/mlp.npz --input Fixtures/digits/test_inputs.npy \
		--labels Fixtures/digits/test_labels.npy --compare

# Every method, scheme and width on the digits model, calibrated on its training split.
eval-methods: build
	$(BIN_DEBUG) eval Fixtures/digits/mlp.npz --input Fixtures/digits/test_inputs.npy \
		--labels Fixtures/digits/test_labels.npy --compare --calibration Fixtures/digits/calibration_inputs.npy

# Speed and memory against the NumPy pipeline on a generated 1 GiB (and, with BENCH_4G=1, 4 GiB)
# file, deflate both ways on 256 MiB, and the eval GEMMs against NumPy's `x @ W.T`; release
# build. The workloads are generated once under bench-data/ (not committed).
BENCH_DATA := bench-data
bench: release
	@mkdir -p $(BENCH_DATA)
	@[ -f $(BENCH_DATA)/weights-1g.npz ] || python3 Benchmarks/generate_workload.py $(BENCH_DATA)/weights-1g.npz 16
	@if [ -n "$(BENCH_4G)" ] && [ ! -f $(BENCH_DATA)/weights-4g.npz ]; then \
		python3 Benchmarks/generate_workload.py $(BENCH_DATA)/weights-4g.npz 64; fi
	@[ -f $(BENCH_DATA)/weights-256m.npz ] || python3 Benchmarks/generate_workload.py $(BENCH_DATA)/weights-256m.npz 4
	@[ -f $(BENCH_DATA)/weights-256m-deflated.npz ] || \
		python3 Benchmarks/generate_workload.py $(BENCH_DATA)/weights-256m-deflated.npz 4 --compressed
	python3 Benchmarks/run.py .build/release/quantize $(BENCH_DATA)/weights-1g.npz $(if $(BENCH_4G),$(BENCH_DATA)/weights-4g.npz) \
		--compressed $(BENCH_DATA)/weights-256m.npz $(BENCH_DATA)/weights-256m-deflated.npz
	@echo
	@echo "GEMM, 256x4096 by (4096x4096)^T (BENCH_FLAGS=\"--threads 1\" for one thread):"
	.build/release/quantize-bench $(BENCH_FLAGS)
	python3 Benchmarks/gemm_numpy.py

# Regenerate every committed fixture (needs python3 with NumPy; the outputs are committed).
fixtures:
	python3 Fixtures/example/generate.py
	python3 Fixtures/reference/generate.py
	python3 Fixtures/npy/generate.py
	python3 Fixtures/zip/generate.py
	python3 Fixtures/compressed_tensors/generate.py
	python3 Fixtures/npz/generate.py
	python3 Fixtures/safetensors/generate.py
	python3 Fixtures/digits/generate.py  # needs scikit-learn

clean:
	rm -rf .build
