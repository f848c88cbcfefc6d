// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "quantize",
    products: [
        .executable(name: "quantize", targets: ["quantize"]),
        .library(name: "QuantKit", targets: ["QuantKit"]),
    ],
    targets: [
        // The system zlib (Debian: zlib1g-dev), used only to inflate and deflate zip members.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // The kernels Swift cannot express portably: CRC-32 by carry-less multiplication and the
        // float32/int8 GEMMs, each compiled per instruction set (AVX-512, AVX2, PCLMULQDQ) with
        // target attributes and chosen at run time by CPU, so no compiler flags are needed and
        // the binary runs on any x86-64 (and builds on arm64, where the portable code runs).
        .target(name: "CKernels"),
        // The hand-rolled command-line parser; knows nothing of quantization.
        .target(name: "ArgKit"),
        // Charts written as self-contained SVG (bars, lines, scatter with a Pareto front,
        // histograms); knows nothing of quantization.
        .target(name: "SVGPlot"),
        // Everything testable: tensors, formats, quantization, archives, reports.
        .target(name: "QuantKit", dependencies: ["CZlib", "CKernels", "SVGPlot"]),
        // The commands: orchestrate QuantKit, map errors to exit status.
        .target(name: "QuantCLI", dependencies: ["QuantKit", "ArgKit"]),
        .executableTarget(name: "quantize", dependencies: ["QuantCLI"]),
        // Times the float32 and int8 matrix multiplies (Benchmarks/gemm_numpy.py is NumPy's side).
        .executableTarget(name: "quantize-bench", dependencies: ["QuantKit"]),
        .testTarget(name: "ArgKitTests", dependencies: ["ArgKit"]),
        .testTarget(name: "SVGPlotTests", dependencies: ["SVGPlot"]),
        .testTarget(name: "QuantKitTests", dependencies: ["QuantKit"]),
        .testTarget(name: "QuantCLITests", dependencies: ["QuantCLI", "QuantKit", "SVGPlot"]),
    ]
)

// The libFuzzer targets (`make fuzz`), declared only when QUANTIZE_FUZZ is set: they call
// libFuzzer's driver, which only links when built with `-sanitize=fuzzer`, so a normal build
// must not see them. The Makefile sets the variable and builds them in `.build-fuzz`.
if Context.environment["QUANTIZE_FUZZ"] != nil {
    package.targets += [
        .target(name: "CFuzzerDriver", path: "Fuzz/Sources/CFuzzerDriver"),
        .target(name: "FuzzSupport", dependencies: ["CFuzzerDriver", "QuantKit"], path: "Fuzz/Sources/FuzzSupport"),
    ]
    for name in ["FuzzNPY", "FuzzZip", "FuzzSafetensors", "FuzzGGUF", "FuzzArchiveMetadata", "FuzzCommandLine", "FuzzQuantizationConfig"] {
        package.targets.append(.executableTarget(
            name: name, dependencies: ["FuzzSupport", "QuantKit", "QuantCLI", "ArgKit"], path: "Fuzz/Sources/\(name)"))
        package.products.append(.executable(name: name, targets: [name]))
    }
}
