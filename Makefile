# quantize: build, test and run the shipped example.
SWIFT ?= swift
BIN_DEBUG := .build/debug/quantize
EXAMPLE_OUT := .build/example/mlp.int8.npz

.PHONY: deps build release test example eval fixtures clean

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

# Regenerate every committed fixture (needs python3 with NumPy; the outputs are committed).
fixtures:
	python3 Fixtures/example/generate.py
	python3 Fixtures/reference/generate.py
	python3 Fixtures/npy/generate.py
	python3 Fixtures/zip/generate.py
	python3 Fixtures/npz/generate.py
	python3 Fixtures/digits/generate.py  # needs scikit-learn

clean:
	rm -rf .build
