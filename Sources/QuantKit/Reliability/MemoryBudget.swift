import Foundation

/// How much memory a run may use for tensor data, checked against the plan before any data is
/// read (see `MemoryCost` for what each tensor is charged).
///
/// The default is three quarters of the smallest of: physical memory, the cgroup's memory
/// limit (`/sys/fs/cgroup/memory.max`, or cgroup v1's `memory.limit_in_bytes`) and the address
/// space limit (`RLIMIT_AS`, `ulimit -v`). The quarter left is for what the budget does not
/// count: the program itself, its threads' stacks, the output's write buffers, per-channel
/// scales and the allocator's slack. Past that limit a run would be killed (cgroup), or an
/// allocation would fail half-way (`RLIMIT_AS`); refused up front, it fails in milliseconds
/// with the tensor named instead.
public struct MemoryBudget: Sendable, Equatable, CustomStringConvertible {
    public let bytes: Int

    public init(bytes: Int) {
        self.bytes = bytes
    }

    /// No limit.
    public static let unlimited = MemoryBudget(bytes: .max)

    /// Reads a size: plain bytes (`1048576`) or a number with a binary unit, K, M, G or T, any
    /// case, optionally followed by `iB` or `B` (`512M`, `1G`, `1.5GiB`, `64kb`; `1G` is 2^30
    /// bytes). Nil for anything else, zero and negative sizes included.
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        let unit = trimmed.dropFirst(digits.count).lowercased()
        let shifts: [Character: Int] = ["k": 10, "m": 20, "g": 30, "t": 40]
        var shift = 0
        if let first = unit.first, let prefixShift = shifts[first] {
            guard ["", "b", "ib"].contains(unit.dropFirst()) else { return nil }
            shift = prefixShift
        } else {
            guard unit.isEmpty || unit == "b" else { return nil }
        }
        guard let number = Double(digits), number.isFinite, number > 0 else { return nil }
        let value = (number * Double(1 << shift)).rounded(.down)
        guard value >= 1, value < 0x1p62 else { return nil }
        bytes = Int(value)
    }

    /// The default budget of this process (see the type).
    public static func systemDefault() -> MemoryBudget {
        let pages = sysconf(Int32(_SC_PHYS_PAGES))
        let pageSize = sysconf(Int32(_SC_PAGESIZE))
        let physical = pages > 0 && pageSize > 0 ? pages.multipliedReportingOverflow(by: pageSize) : (0, true)
        var limit = rlimit()
        let addressSpace = getrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &limit) == 0 && limit.rlim_cur != rlim_t.max
            ? Int(clamping: limit.rlim_cur) : nil
        return MemoryBudget(bytes: defaultBytes(physical: physical.1 ? nil : physical.0, cgroup: cgroupLimit(),
                                                addressSpace: addressSpace))
    }

    /// Three quarters of the smallest known limit; unlimited when none is known.
    static func defaultBytes(physical: Int?, cgroup: Int?, addressSpace: Int?) -> Int {
        guard let smallest = [physical, cgroup, addressSpace].compactMap({ $0 }).min() else { return .max }
        return smallest / 4 * 3
    }

    /// The memory limit of this process's cgroup (v2, then v1), nil when there is none
    /// (`max`, or v1's "unlimited" of nearly 2^63).
    static func cgroupLimit() -> Int? {
        for path in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            if let value = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), value > 0, value < 1 << 60 {
                return value
            }
            return nil
        }
        return nil
    }

    public var description: String { bytes == .max ? "unlimited" : formatBytes(bytes) }
}

/// Why a tensor cannot be processed within the memory budget.
public enum MemoryBudgetError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What was to be done with the tensor (see `MemoryCost` for each one's cost).
    public enum Operation: String, Sendable {
        case quantizing, copying, dequantizing
    }

    /// `operation` on the tensor of `tensorBytes` would take `needed` bytes.
    case overBudget(operation: Operation, needed: Int, tensorBytes: Int, budget: MemoryBudget)
    /// Evaluating a model of `modelBytes` would take `needed` bytes.
    case modelOverBudget(needed: Int, modelBytes: Int, budget: MemoryBudget)
    /// Calibrating through a transformer's blocks would take `needed` bytes (`TransformerCalibrationCost`).
    case calibrationOverBudget(needed: Int, budget: MemoryBudget)

    public var description: String {
        switch self {
        case .overBudget(let operation, let needed, let tensorBytes, let budget):
            "\(operation.rawValue) this \(formatBytes(tensorBytes)) tensor needs \(formatBytes(needed)) of memory at once, "
                + "over the memory budget of \(budget)"
        case .modelOverBudget(let needed, let modelBytes, let budget):
            "evaluating this model (\(formatBytes(modelBytes)) of tensors) needs \(formatBytes(needed)) of memory, "
                + "over the memory budget of \(budget)"
        case .calibrationOverBudget(let needed, let budget):
            "calibrating through this transformer (its float weights, every calibration token's hidden states, one block's "
                + "activations) needs \(formatBytes(needed)) of memory, over the memory budget of \(budget)"
        }
    }
}
