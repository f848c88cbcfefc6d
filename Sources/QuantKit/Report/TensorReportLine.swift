import Foundation

/// One tensor's line of a report: what it is, the scheme it gets and its bytes before and after.
/// `QuantizationReport.TensorLine` (a run, with its error metrics) and `PlanReport.Line` (a dry
/// run, from the plan alone) share these fields, their JSON keys and the sums over them.
public protocol TensorReportLine: Sendable, Encodable {
    var name: String { get }
    var shape: [Int] { get }
    /// The input's stored dtype.
    var dtype: String { get }
    /// The scheme name, or `none` for a tensor kept as it was.
    var scheme: String { get }
    var bits: Int? { get }
    /// Bytes of the tensor's data in the input.
    var bytesBefore: Int { get }
    /// Bytes of its codes, scales and zero points (or its data, when kept) in the output.
    var bytesAfter: Int { get }
    /// Why a tensor that is not a Linear weight stays in float (`ModuleRole`), in words.
    var keptBecause: String? { get }
}

extension TensorReportLine {
    /// The product of `shape` (1 for a scalar).
    public var elementCount: Int { shape.reduce(1, *) }

    /// `8 · bytesAfter / elementCount`: codes, scales and zero points all counted.
    public var bitsPerWeight: Double { bitsPerElement(bytes: bytesAfter, elements: elementCount) }

    /// Encodes the shared fields under their keys: `bits` null when there are none,
    /// `kept_because` only when there is a reason.
    func encodeSharedFields(into container: inout KeyedEncodingContainer<TensorReportKey>) throws {
        try container.encode(name, forKey: .name)
        try container.encode(shape, forKey: .shape)
        try container.encode(dtype, forKey: .dtype)
        try container.encode(scheme, forKey: .scheme)
        try container.encode(bits, forKey: .bits)
        try container.encode(bytesBefore, forKey: .bytesBefore)
        try container.encode(bytesAfter, forKey: .bytesAfter)
        try container.encode(bitsPerWeight, forKey: .bitsPerWeight)
        try container.encodeIfPresent(keptBecause, forKey: .keptBecause)
    }
}

/// The JSON keys of a report's tensor lines: the shared ones, then `QuantizationReport.TensorLine`'s own.
enum TensorReportKey: String, CodingKey {
    case name, shape, dtype, scheme, bits
    case bytesBefore = "bytes_before", bytesAfter = "bytes_after", bitsPerWeight = "bits_per_weight"
    case keptBecause = "kept_because"
    case axis, mse
    case maxAbsError = "max_abs_error", sqnrDB = "sqnr_db", sqnrGainDB = "sqnr_gain_db"
}

extension Sequence where Element: TensorReportLine {
    /// Sum of the lines' `bytesBefore`.
    var bytesBefore: Int { reduce(0) { $0 + $1.bytesBefore } }
    /// Sum of the lines' `bytesAfter`.
    var bytesAfter: Int { reduce(0) { $0 + $1.bytesAfter } }
    /// Over every line: `8 · Σ bytesAfter / Σ elements`, 0 for no elements.
    var bitsPerWeight: Double {
        bitsPerElement(bytes: bytesAfter, elements: reduce(0) { $0 + $1.elementCount })
    }
}

/// `before -> after (Nx smaller, B bits per weight)`, sizes as `formatBytes` writes them and the
/// ratio `before / after` (1 when nothing is written), both to two decimals.
func sizeSummary(before: Int, after: Int, bitsPerWeight: Double) -> String {
    String(format: "%@ -> %@ (%.2fx smaller, %.2f bits per weight)", formatBytes(before) as NSString,
           formatBytes(after) as NSString, compressionRatio(before: before, after: after), bitsPerWeight)
}

/// `before / after`; 1 when `after` is 0 (an empty input).
func compressionRatio(before: Int, after: Int) -> Double {
    after == 0 ? 1 : Double(before) / Double(after)
}

/// `8 · bytes / elements`, 0 for no elements.
func bitsPerElement(bytes: Int, elements: Int) -> Double {
    elements == 0 ? 0 : 8 * Double(bytes) / Double(elements)
}
