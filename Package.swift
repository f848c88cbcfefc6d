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
        // The one kernel with no Swift spelling: CRC-32 by carry-less multiplication (x86-64,
        // chosen at run time; other CPUs use zlib).
        .target(name: "CKernels"),
        // The hand-rolled command-line parser; knows nothing of quantization.
        .target(name: "ArgKit"),
        // Everything testable: tensors, formats, quantization, archives, reports.
        .target(name: "QuantKit", dependencies: ["CZlib", "CKernels"]),
        // The commands: orchestrate QuantKit, map errors to exit status.
        .target(name: "QuantCLI", dependencies: ["QuantKit", "ArgKit"]),
        .executableTarget(name: "quantize", dependencies: ["QuantCLI"]),
        .testTarget(name: "ArgKitTests", dependencies: ["ArgKit"]),
        .testTarget(name: "QuantKitTests", dependencies: ["QuantKit"]),
        .testTarget(name: "QuantCLITests", dependencies: ["QuantCLI", "QuantKit"]),
    ]
)
