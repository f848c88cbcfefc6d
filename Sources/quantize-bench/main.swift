// Times the layer matrix multiplies on fixed seeded data, 256 x 4096 by (4096 x 4096)ᵀ, in a
// release build: `swift build -c release && .build/release/quantize-bench [--threads N] [--runs R]`.
// One line per measurement, `key=value` fields; Benchmarks/gemm_numpy.py prints NumPy's alike.
// `quantize-bench encoder ...` times a BERT encoder's forward pass instead (EncoderBench.swift).
import Dispatch
import Foundation
import QuantKit

if CommandLine.arguments.dropFirst().first == "encoder" {
    do {
        try runEncoderBench(Array(CommandLine.arguments.dropFirst(2)))
        exit(0)
    } catch {
        FileHandle.standardError.write("quantize-bench: \(error)\n".data(using: .utf8)!)
        exit(2)
    }
}

/// `--threads N` and `--runs R`, each a positive integer.
func options() -> (threads: Int, runs: Int) {
    var options = (threads: defaultThreadCount, runs: 7)
    var arguments = CommandLine.arguments.dropFirst()
    while let option = arguments.popFirst() {
        guard let value = arguments.popFirst().flatMap(Int.init), value > 0, option == "--threads" || option == "--runs" else {
            FileHandle.standardError.write("usage: quantize-bench [--threads N] [--runs R]\n".data(using: .utf8)!)
            exit(2)
        }
        if option == "--threads" { options.threads = value } else { options.runs = value }
    }
    return options
}

let (threads, runs) = options()

let (m, n, k) = (256, 4096, 4096)
let x = gaussianSamples(count: m * k, seed: 1)
let linear = Linear(weight: gaussianSamples(count: n * k, seed: 2).map { $0 / 64 }, bias: gaussianSamples(count: n, seed: 3),
                    outFeatures: n, inFeatures: k)
let layer = QuantizedLinear(from: linear)
let activationCodes = x.map { Int8(max(-127, min(127, ($0 * 40).rounded()))) }
let weightCodes = layer.weight.codes.map { Int8(bitPattern: $0) }

/// Median wall time of `runs` calls after one warm-up, in milliseconds.
func medianMilliseconds(_ body: () -> Void) -> Double {
    body()
    let times = (0 ..< runs).map { _ in
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
    }.sorted()
    return times[times.count / 2]
}

func report(_ name: String, kernel: String, _ milliseconds: Double) {
    let gflops = 2 * Double(m * n * k) / (milliseconds * 1e6)
    print("bench=\(name) impl=quantize kernel=\(kernel) shape=\(m)x\(n)x\(k) threads=\(threads) runs=\(runs) "
        + "median_ms=\(String(format: "%.2f", milliseconds)) gflops=\(String(format: "%.1f", gflops))")
}

let kernels = matrixMultiplyKernels
let floatTime = medianMilliseconds { _ = floatMatrixMultiply(x, linear.weight, bias: linear.bias, m: m, n: n, k: k, threads: threads) }
report("float32_gemm", kernel: kernels.float32, floatTime)
let int8Time = medianMilliseconds { _ = int8MatrixMultiply(activationCodes, weightCodes, m: m, n: n, k: k, threads: threads) }
report("int8_gemm", kernel: kernels.int8, int8Time)
let forwardTime = medianMilliseconds { _ = layer.forwardInt8(x, batch: m, threads: threads) }
report("int8_forward", kernel: kernels.int8, forwardTime)
print("ratio=int8_gemm_speedup_over_float32 value=\(String(format: "%.2f", floatTime / int8Time))")
print("ratio=int8_forward_speedup_over_float32 value=\(String(format: "%.2f", floatTime / forwardTime))")
