import Testing
@testable import QuantKit

/// `--max-memory` sizes, the default budget, and the per-tensor costs it is compared with.
@Suite struct MemoryBudgetTests {
    static let sizes: [(String, Int)] = [
        ("1048576", 1 << 20), ("512M", 512 << 20), ("512m", 512 << 20), ("1G", 1 << 30), ("1g", 1 << 30),
        ("1.5GiB", 3 << 29), ("2GB", 2 << 30), ("64kb", 64 << 10), ("64KiB", 64 << 10), ("1T", 1 << 40), ("100B", 100),
        (" 8M ", 8 << 20),
    ]

    @Test(arguments: sizes)
    func sizesParse(text: String, bytes: Int) {
        #expect(MemoryBudget(parsing: text)?.bytes == bytes)
    }

    @Test(arguments: ["", "0", "-1G", "1X", "G", "1.5.5G", "1 G", "1Gi", "nan", "1e3", "99999999999T", "0.1"])
    func nonsenseIsRefused(text: String) {
        #expect(MemoryBudget(parsing: text) == nil)
    }

    @Test func defaultIsThreeQuartersOfTheSmallestLimit() {
        #expect(MemoryBudget.defaultBytes(physical: 16 << 30, cgroup: nil, addressSpace: nil) == 12 << 30)
        #expect(MemoryBudget.defaultBytes(physical: 16 << 30, cgroup: 4 << 30, addressSpace: nil) == 3 << 30)
        #expect(MemoryBudget.defaultBytes(physical: 16 << 30, cgroup: 4 << 30, addressSpace: 1 << 30) == 3 << 28)
        #expect(MemoryBudget.defaultBytes(physical: nil, cgroup: nil, addressSpace: nil) == .max)
        #expect(MemoryBudget.systemDefault().bytes > 0)
    }

    @Test func costsFollowTheModel() {
        let big = TensorInfo(name: "w", dtype: .float32, shape: [1 << 14, 1 << 14])
        #expect(MemoryCost.quantizing(big) == 1 << 30)
        #expect(MemoryCost.passthrough(big) == 2 * MemoryCost.pieceSize)
        let half = TensorInfo(name: "h", dtype: .bfloat16, shape: [1024, 1024])
        #expect(MemoryCost.quantizing(half) == (2 << 20) + (4 << 20))
        let small = TensorInfo(name: "b", dtype: .float32, shape: [10])
        #expect(MemoryCost.passthrough(small) == 40)
        #expect(MemoryCost.dequantizing(shape: [1024, 1024]) == 9 << 20)
    }

    @Test func planOverTheBudgetIsRefusedNamingTheTensor() throws {
        let tensors = [TensorInfo(name: "bias", dtype: .float32, shape: [1 << 24]),
                       TensorInfo(name: "fc.weight", dtype: .float32, shape: [8192, 1024])]
        let plan = try QuantizationPlan(tensors: tensors, rules: SelectionRules(defaultScheme: QuantScheme(name: "per-channel")))
        try MemoryBudget(bytes: 32 << 20).check(plan, path: "m.npz")  // the 64 MiB bias is copied in pieces
        let error = #expect(throws: FileError.self) { try MemoryBudget(bytes: (32 << 20) - 1).check(plan, path: "m.npz") }
        #expect(error?.member == "fc.weight")
        #expect("\(error!)".hasPrefix("m.npz: 'fc.weight': quantizing this 32.0 MiB tensor needs 32.0 MiB"))
    }

    @Test func failedAllocationIsAnError() {
        #expect(throws: OutOfMemory(byteCount: Int.max / 2)) {
            _ = try ScratchBuffer().prepare(count: Int.max / 2)
        }
    }
}
