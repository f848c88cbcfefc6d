# quantize: build, test and run the shipped example.
SWIFT ?= swift
BIN_DEBUG := .build/debug/quantize
EXAMPLE_OUT := .build/example/mlp.int8.npz

.PHONY: deps build release test style faults interop-hf interop-gguf example eval eval-methods bench bench-gguf fixtures clean fuzz-build fuzz fuzz-smoke tsan asan

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

# Code shape (Tests/style/): no function, initializer, subscript or computed or closure-bodied
# property in Sources/ spans more than 60 lines (long_functions.py), and the folders of
# Sources/QuantKit depend on each other without cycles (folder_graph.py prints the edges and,
# if any, the cycles with the names behind them). Python 3 only, no build needed.
style:
	@python3 Tests/style/long_functions.py; functions=$$?; \
		python3 Tests/style/folder_graph.py; graph=$$?; \
		[ $$functions = 0 ] && [ $$graph = 0 ]

# Fault injection against the release binary (Tests/faults/run.sh): signals mid-run, disk full
# on every output kind, special files, permission errors, concurrent runs, bombs under ulimit -v,
# odd names, 10,000 tensors, and peak RSS under the memory budget (measured with GNU time,
# installed when missing). Cases needing root (tmpfs, switching user) are skipped without it.
faults: release
	@if [ ! -x /usr/bin/time ]; then \
		echo "installing time (GNU time, for peak RSS)"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq time; \
	fi
	Tests/faults/run.sh .build/release/quantize

# The real client (issue #11): transformers + compressed-tensors load what we write, and our
# inspect/dequantize read what the library writes, on the real all-MiniLM-L6-v2, the full symmetric
# range included (see the docstring of Tests/interop/hf_interop.py); then the Linear-only defaults
# on random-weight Llama, Qwen2, GPT-2 and T5 models that transformers makes
# (Tests/interop/hf_architectures.py).
# The packages are pinned and installed only when the pinned version does not import. torch goes first, as the CPU wheel pip finds through its
# configured find-links (PyPI's default torch is a multi-GB CUDA build), and is named again in the
# second install so that no dependency can swap it. The work folder is a mktemp folder, removed
# afterwards.
PYTHON ?= python3
HF_TORCH := 2.13.0+cpu
HF_PACKAGES := transformers==5.24.0 compressed_tensors==0.20.1 safetensors==0.8.0 tokenizers==0.23.3
interop-hf: release
	@$(PYTHON) -c 'import sys, torch; sys.exit(torch.__version__ != "$(HF_TORCH)")' 2>/dev/null || \
		$(PYTHON) -m pip install -q "torch==$(HF_TORCH)"
	@missing=; for spec in $(HF_PACKAGES); do \
		module=$${spec%%==*}; version=$${spec##*==}; \
		$(PYTHON) -c "import sys, $$module; sys.exit($$module.__version__ != '$$version')" 2>/dev/null \
			|| missing="$$missing $$spec"; \
	done; \
	if [ -n "$$missing" ]; then $(PYTHON) -m pip install -q $$missing "torch==$(HF_TORCH)"; fi
	@model=$$($(PYTHON) Fixtures/minilm/fetch.py) && work=$$(mktemp -d) && trap 'rm -rf "$$work"' EXIT && \
		$(PYTHON) Tests/interop/hf_interop.py .build/release/quantize "$$model" --workdir "$$work" && \
		$(PYTHON) Tests/interop/hf_architectures.py .build/release/quantize "$$work"

# The real client of GGUF: llama.cpp (Tests/interop/gguf_interop.py). On all-MiniLM-L6-v2, converted
# to F32 by llama.cpp's own convert_hf_to_gguf.py, and on a synthetic random-weight llama written
# with gguf-py: every type, written by llama-quantize and by our quantize --type T, with --pure
# and without (llama-quantize's mixes, Q3_K_M, Q3_K_L, Q4_K_M and Q5_K_M included, and two option
# combinations such as --output-tensor-type q8_0 --tensor-type attn_v=q6_k), must be byte-identical
# (else the first differing metadata entry or tensor is printed, and gguf-py's dequantized values
# compared), and llama-embedding must load and run ours; a table of bits per weight and cosine to
# the F32 model's embeddings follows. Every file of ours (each pure type, then F16 and BF16) is read
# back: gguf-py's dequantized values must equal our `quantize dequantize`'s bit for bit, and our
# `inspect --json` list gguf-py's tensors. llama-quantize and
# llama-embedding come from Benchmarks/llama_cpp.sh --with-embedding (built once into .cache/).
# The packages are pinned and installed only when missing, as for interop-hf (torch as the CPU
# wheel first; gguf-py is only the reader here: the conversion uses llama.cpp's own copy). The work
# folder is a mktemp folder, removed afterwards. GGUF_INTEROP_FLAGS passes options to the script:
# `make -o release interop-gguf GGUF_INTEROP_FLAGS=--peer-only` runs llama.cpp against itself
# without building our binary (a second llama-quantize run stands in for ours).
GGUF_PACKAGES := gguf==0.19.0 transformers==5.24.0 safetensors==0.8.0 tokenizers==0.23.3
GGUF_INTEROP_FLAGS ?=
interop-gguf: release
	@$(PYTHON) -c 'import sys, torch; sys.exit(torch.__version__ != "$(HF_TORCH)")' 2>/dev/null || \
		$(PYTHON) -m pip install -q "torch==$(HF_TORCH)"
	@missing=; for spec in $(GGUF_PACKAGES); do \
		$(PYTHON) -c "import sys, importlib.metadata as m; sys.exit(m.version('$${spec%%==*}') != '$${spec##*==}')" \
			2>/dev/null || missing="$$missing $$spec"; \
	done; \
	if [ -n "$$missing" ]; then $(PYTHON) -m pip install -q $$missing "torch==$(HF_TORCH)"; fi
	@binaries=$$(Benchmarks/llama_cpp.sh --with-embedding) && \
		llama_quantize=$$(echo "$$binaries" | sed -n 1p) && llama_embedding=$$(echo "$$binaries" | sed -n 2p) && \
		model=$$($(PYTHON) Fixtures/minilm/fetch.py) && work=$$(mktemp -d) && trap 'rm -rf "$$work"' EXIT && \
		$(PYTHON) Tests/interop/gguf_interop.py .build/release/quantize --model "$$model" --workdir "$$work" \
			--llama-quantize "$$llama_quantize" --llama-embedding "$$llama_embedding" --mixes --imatrix $(GGUF_INTEROP_FLAGS)

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
# file, deflate both ways on 256 MiB, the full symmetric range's 4-bit group-32 error against the
# restricted range and llama.cpp's Q4_0 on all-MiniLM-L6-v2 (needs gguf: pip install gguf), the
# eval GEMMs against NumPy's `x @ W.T`, and GPTQ on 4096x4096 and 11008x4096 layers against the
# NumPy GPTQ (Benchmarks/gptq_bench.py); release build. The workloads are generated once under
# bench-data/ (not committed). Beside quantize at 1 and 2 threads: llama.cpp's llama-quantize on a
# GGUF copy of the 1 GiB file (Benchmarks/gguf_workload.py), built once into .cache/ by
# Benchmarks/llama_cpp.sh. Last, the GGUF section (make bench-gguf, below).
BENCH_DATA := bench-data
bench: release
	@mkdir -p $(BENCH_DATA)
	@if [ ! -x /usr/bin/time ]; then \
		echo "installing time (GNU time, for the GPTQ runs' peak RSS)"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq time; \
	fi
	@[ -f $(BENCH_DATA)/weights-1g.npz ] || python3 Benchmarks/generate_workload.py $(BENCH_DATA)/weights-1g.npz 16
	@if [ -n "$(BENCH_4G)" ] && [ ! -f $(BENCH_DATA)/weights-4g.npz ]; then \
		python3 Benchmarks/generate_workload.py $(BENCH_DATA)/weights-4g.npz 64; fi
	@[ -f $(BENCH_DATA)/weights-256m.npz ] || python3 Benchmarks/generate_workload.py $(BENCH_DATA)/weights-256m.npz 4
	@[ -f $(BENCH_DATA)/weights-256m-deflated.npz ] || \
		python3 Benchmarks/generate_workload.py $(BENCH_DATA)/weights-256m-deflated.npz 4 --compressed
	@[ -f $(BENCH_DATA)/weights-1g.gguf ] || { python3 -c 'import gguf' 2>/dev/null || python3 -m pip install -q gguf==0.19.0; \
		python3 Benchmarks/gguf_workload.py $(BENCH_DATA)/weights-1g.npz $(BENCH_DATA)/weights-1g.gguf; }
	@Benchmarks/llama_cpp.sh > /dev/null
	python3 Benchmarks/run.py .build/release/quantize $(BENCH_DATA)/weights-1g.npz $(if $(BENCH_4G),$(BENCH_DATA)/weights-4g.npz) \
		--llama-quantize $$(Benchmarks/llama_cpp.sh) --compressed $(BENCH_DATA)/weights-256m.npz $(BENCH_DATA)/weights-256m-deflated.npz
	python3 Benchmarks/minilm_fullrange.py .build/release/quantize "$$(python3 Fixtures/minilm/fetch.py)"
	@echo
	@echo "GEMM, 256x4096 by (4096x4096)^T (BENCH_FLAGS=\"--threads 1\" for one thread):"
	.build/release/quantize-bench $(BENCH_FLAGS)
	python3 Benchmarks/gemm_numpy.py
	@echo
	python3 Benchmarks/encoder_bench.py .build/release/quantize-bench "$$(python3 Fixtures/minilm/fetch.py)"
	python3 Benchmarks/gptq_bench.py .build/release/quantize $(BENCH_DATA)
	@$(MAKE) --no-print-directory -o release bench-gguf

# GGUF --pure against llama-quantize --pure (Benchmarks/gguf_bench.py): Q8_0, Q4_0, Q4_K, Q6_K,
# Q3_K, Q2_K and Q5_K, and the Q4_K_M mix (no --pure on either side), at 1 and 2 threads,
# interleaved rounds, peak memory against the budget (largest tensor + 32 MiB), and the two
# outputs compared byte for byte. Q8_0 and Q4_0 on the 1 GiB GGUF workload, the K-quants on a
# 256 MiB one of 4 tensors (llama-quantize's K-quants run at 0.05-0.2 GB/s): about ten minutes. Both workloads are made once by
# Benchmarks/gguf_workload.py from the npz workloads; outputs go to GGUF_BENCH_WORKDIR.
GGUF_BENCH_WORKDIR ?= $(BENCH_DATA)
bench-gguf: release
	@mkdir -p $(BENCH_DATA)
	@python3 -c 'import gguf' 2>/dev/null || python3 -m pip install -q gguf==0.19.0
	@[ -f $(BENCH_DATA)/weights-1g.npz ] || python3 Benchmarks/generate_workload.py $(BENCH_DATA)/weights-1g.npz 16
	@[ -f $(BENCH_DATA)/weights-256m.npz ] || python3 Benchmarks/generate_workload.py $(BENCH_DATA)/weights-256m.npz 4
	@[ -f $(BENCH_DATA)/weights-1g.gguf ] || python3 Benchmarks/gguf_workload.py $(BENCH_DATA)/weights-1g.npz $(BENCH_DATA)/weights-1g.gguf
	@[ -f $(BENCH_DATA)/weights-256m.gguf ] || \
		python3 Benchmarks/gguf_workload.py $(BENCH_DATA)/weights-256m.npz $(BENCH_DATA)/weights-256m.gguf
	@Benchmarks/llama_cpp.sh > /dev/null
	python3 Benchmarks/gguf_bench.py .build/release/quantize $$(Benchmarks/llama_cpp.sh) \
		$(BENCH_DATA)/weights-1g.gguf $(BENCH_DATA)/weights-256m.gguf --workdir $(GGUF_BENCH_WORKDIR)

# Regenerate every committed fixture (needs python3 with NumPy; the outputs are committed).
fixtures:
	python3 Fixtures/example/generate.py
	python3 Fixtures/reference/generate.py
	python3 Fixtures/npy/generate.py
	python3 Fixtures/zip/generate.py
	python3 Fixtures/compressed_tensors/generate.py
	python3 Fixtures/compressed_tensors/library_written.py  # needs torch and compressed-tensors
	python3 Fixtures/npz/generate.py
	python3 Fixtures/safetensors/generate.py
	python3 Fixtures/gguf/make_fixtures.py  # needs gguf (pip install gguf==0.19.0)
	python3 Fixtures/gguf/make_pure_fixtures.py  # needs gguf and the llama-quantize binary in .cache/
	python3 Fixtures/gguf/make_mix_fixtures.py  # the same
	python3 Fixtures/ggml/make_kquant_imatrix_fixtures.py  # needs ggml_reference's llama.cpp build in .cache/
	python3 Fixtures/gguf/imatrix/make_imatrix_fixtures.py  # needs gguf and the llama-quantize binary in .cache/
	python3 Fixtures/gguf/imatrix/make_native_imatrix_fixtures.py  # likewise
	python3 Fixtures/digits/generate.py  # needs scikit-learn
	python3 Fixtures/tokenizers/make_corpus.py
	python3 Fixtures/tokenizers/make_bpe_tokenizers.py  # needs tokenizers==0.23.3, like the four below
	python3 Fixtures/tokenizers/make_expected_ids.py  # and all-MiniLM-L6-v2 in .cache (Fixtures/minilm/fetch.py)
	python3 Fixtures/tokenizers/make_component_cases.py
	python3 Fixtures/tokenizers/make_character_classes.py
	python3 Fixtures/eval_metrics/make_eval_metrics_fixtures.py  # needs scipy
	python3 Fixtures/transformers/make_tiny_decoders.py  # needs torch and transformers (5.x)
	python3 Fixtures/transformers/make_minilm_reference.py  # and tokenizers, and all-MiniLM-L6-v2 in .cache

# Fuzzing (libFuzzer, with Address Sanitizer). The fuzz targets live in Fuzz/Sources and are
# declared only when QUANTIZE_FUZZ is set, so normal builds never see them; they build in their
# own scratch folder, with lld (gold fails on sanitizer runtimes). `make fuzz` runs each target
# for FUZZ_SECONDS and stops at the first crash, leak, timeout or out-of-memory, leaving the
# reproducer in .build-fuzz/artifacts/<target>/; `make fuzz-smoke` is the short run CI makes.
FUZZ_SECONDS ?= 180
FUZZ_TARGETS := FuzzNPY FuzzZip FuzzSafetensors FuzzGGUF FuzzArchiveMetadata FuzzCommandLine FuzzQuantizationConfig
FUZZ_SCRATCH := .build-fuzz
FUZZ_BIN := $(FUZZ_SCRATCH)/release
FUZZ_BUILD_FLAGS := -c release --scratch-path $(FUZZ_SCRATCH) -Xswiftc -sanitize=fuzzer,address \
	-Xswiftc -use-ld=lld -Xcc -fsanitize=address
# The Swift runtime's own crash backtracer reads memory ASan guards and is slow; libFuzzer prints
# the stack instead.
FUZZ_ENV := SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=0
FUZZ_MAX_LEN_FuzzNPY := 8192
FUZZ_MAX_LEN_FuzzZip := 65536
FUZZ_MAX_LEN_FuzzSafetensors := 16384
FUZZ_MAX_LEN_FuzzGGUF := 16384
FUZZ_MAX_LEN_FuzzArchiveMetadata := 4096
FUZZ_MAX_LEN_FuzzCommandLine := 1024
FUZZ_MAX_LEN_FuzzQuantizationConfig := 8192
FUZZ_DICT_FuzzNPY := Fuzz/dict/npy.dict
FUZZ_DICT_FuzzZip := Fuzz/dict/zip.dict
FUZZ_DICT_FuzzSafetensors := Fuzz/dict/safetensors.dict
FUZZ_DICT_FuzzGGUF := Fuzz/dict/gguf.dict
FUZZ_DICT_FuzzArchiveMetadata := Fuzz/dict/metadata.dict
FUZZ_DICT_FuzzCommandLine := Fuzz/dict/cli.dict
FUZZ_DICT_FuzzQuantizationConfig := Fuzz/dict/config.dict

fuzz-build: deps
	@for target in $(FUZZ_TARGETS); do \
		QUANTIZE_FUZZ=1 $(SWIFT) build $(FUZZ_BUILD_FLAGS) --product $$target || exit 1; \
	done

fuzz: fuzz-build
	@Fuzz/corpus.sh $(FUZZ_SCRATCH)/corpus
	@$(MAKE) --no-print-directory $(addprefix fuzz-run-,$(FUZZ_TARGETS))

fuzz-smoke:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=30

# One target for FUZZ_SECONDS; on failure, the end of its log and where the reproducer is.
fuzz-run-%:
	@echo "== $*: $(FUZZ_SECONDS) s"
	@mkdir -p $(FUZZ_SCRATCH)/artifacts/$*
	@$(FUZZ_ENV) $(FUZZ_BIN)/$* $(FUZZ_SCRATCH)/corpus/$* -max_total_time=$(FUZZ_SECONDS) \
		-rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=10 -max_len=$(FUZZ_MAX_LEN_$*) \
		-dict=$(FUZZ_DICT_$*) -artifact_prefix=$(FUZZ_SCRATCH)/artifacts/$*/ -print_final_stats=1 \
		2> $(FUZZ_SCRATCH)/artifacts/$*/log.txt \
		|| { grep -v '^0x' $(FUZZ_SCRATCH)/artifacts/$*/log.txt | tail -n 40; \
		     echo "$* failed: reproducer in $(FUZZ_SCRATCH)/artifacts/$*/"; exit 1; }
	@grep -E '^#[0-9]+.*(DONE|cov:)' $(FUZZ_SCRATCH)/artifacts/$*/log.txt | tail -n 1
	@grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' $(FUZZ_SCRATCH)/artifacts/$*/log.txt

# Thread Sanitizer over the concurrent paths: the binary's threaded commands on the fixtures and
# a generated 16 MiB workload (Fuzz/sanitizers/tsan-runs.sh), then the whole test suite (whose
# tests run in parallel, several of them on several threads, the CLI tests running the TSan
# binary); the first report fails the target. The sanitizer's allocator returns null for an
# impossible size, as malloc does, because the tests check that such a failure is a typed error.
TSAN_SCRATCH := .build-tsan
tsan: deps
	$(SWIFT) build --build-tests --scratch-path $(TSAN_SCRATCH) --sanitize=thread
	@[ -f $(TSAN_SCRATCH)/workload/deflated.npz ] || python3 Fuzz/sanitizers/workload.py $(TSAN_SCRATCH)/workload
	Fuzz/sanitizers/tsan-runs.sh $(TSAN_SCRATCH)/debug/quantize $(TSAN_SCRATCH)/workload
	SWIFT_BACKTRACE=enable=no TSAN_OPTIONS="halt_on_error=1 exitcode=66 allocator_may_return_null=1" \
		QUANTIZE_BIN=$(CURDIR)/$(TSAN_SCRATCH)/debug/quantize \
		$(SWIFT) test --skip-build --scratch-path $(TSAN_SCRATCH) --sanitize=thread

# Address Sanitizer (and LeakSanitizer) over the whole test suite, the CLI tests running the
# ASan-built binary. Leaks inside the toolchain's XCTest and Foundation are suppressed
# (Fuzz/sanitizers/lsan.supp); any other report fails the target. As under make tsan, an
# impossible allocation returns null (the tests check it becomes a typed error).
ASAN_SCRATCH := .build-asan
asan: deps
	$(SWIFT) build --build-tests --scratch-path $(ASAN_SCRATCH) --sanitize=address
	SWIFT_BACKTRACE=enable=no LSAN_OPTIONS=suppressions=$(CURDIR)/Fuzz/sanitizers/lsan.supp ASAN_OPTIONS=allocator_may_return_null=1 \
		QUANTIZE_BIN=$(CURDIR)/$(ASAN_SCRATCH)/debug/quantize \
		$(SWIFT) test --skip-build --scratch-path $(ASAN_SCRATCH) --sanitize=address

clean:
	rm -rf .build $(FUZZ_SCRATCH) $(TSAN_SCRATCH) $(ASAN_SCRATCH)
