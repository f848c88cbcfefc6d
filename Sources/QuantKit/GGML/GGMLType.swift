/// A tensor type of ggml (llama.cpp's tensor library), as GGUF files name it by number: its
/// block of `blockSize` elements takes `blockBytes` bytes (float types: one element a block).
///
/// Every type of ggml's `enum ggml_type` at the version this tool matches (llama.cpp in the
/// llama-cpp-python 0.3.36 source distribution) is listed, so that a file holding any of them
/// can be described and its sizes checked; `isQuantizable` says which this tool reads as the
/// floats it quantizes. Numbers ggml retired (4, 5, 31-33, 36-38) are not types: a file using
/// them is refused by number.
public enum GGMLType: UInt32, Sendable, CaseIterable {
    case f32 = 0, f16 = 1
    case q4_0 = 2, q4_1 = 3, q5_0 = 6, q5_1 = 7, q8_0 = 8, q8_1 = 9
    case q2_K = 10, q3_K = 11, q4_K = 12, q5_K = 13, q6_K = 14, q8_K = 15
    case iq2_xxs = 16, iq2_xs = 17, iq3_xxs = 18, iq1_s = 19, iq4_nl = 20, iq3_s = 21, iq2_s = 22, iq4_xs = 23
    case i8 = 24, i16 = 25, i32 = 26, i64 = 27, f64 = 28
    case iq1_m = 29, bf16 = 30, tq1_0 = 34, tq2_0 = 35, mxfp4 = 39, nvfp4 = 40, q1_0 = 41, q2_0 = 42

    /// ggml's name (`type_name`): `f32`, `q4_0`, `q6_K`, ... which is also how `"\(type)"`
    /// prints it. (Not `CustomStringConvertible`: then `"\(self)"` would call `description`
    /// again, forever.)
    public var description: String { "\(self)" }

    /// Elements per block (`blck_size`).
    public var blockSize: Int {
        switch self {
        case .f32, .f16, .bf16, .f64, .i8, .i16, .i32, .i64: 1
        case .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q8_1, .iq4_nl, .mxfp4: 32
        case .nvfp4, .q2_0: 64
        case .q1_0: 128
        case .q2_K, .q3_K, .q4_K, .q5_K, .q6_K, .q8_K, .iq2_xxs, .iq2_xs, .iq3_xxs, .iq1_s, .iq3_s, .iq2_s, .iq4_xs,
             .iq1_m, .tq1_0, .tq2_0: 256
        }
    }

    /// Bytes per block (`type_size`, `sizeof(block_<type>)`).
    public var blockBytes: Int {
        switch self {
        case .f32, .i32: 4
        case .f16, .bf16, .i16: 2
        case .f64, .i64: 8
        case .i8: 1
        case .q4_0, .iq4_nl: 18
        case .q4_1: 20
        case .q5_0: 22
        case .q5_1: 24
        case .q8_0: 34
        case .q8_1: 36
        case .q2_K: 84
        case .q3_K, .iq3_s: 110
        case .q4_K: 144
        case .q5_K: 176
        case .q6_K: 210
        case .q8_K: 292
        case .iq2_xxs, .tq2_0: 66
        case .iq2_xs: 74
        case .iq3_xxs: 98
        case .iq1_s: 50
        case .iq2_s: 82
        case .iq4_xs: 136
        case .iq1_m: 56
        case .tq1_0: 54
        case .mxfp4: 17
        case .nvfp4: 36
        case .q1_0, .q2_0: 18
        }
    }

    /// Bits per weight: `8 · blockBytes / blockSize` (4.5 for q4_0, 6.5625 for q6_K).
    public var bitsPerWeight: Double { 8 * Double(blockBytes) / Double(blockSize) }

    /// The bytes of `count` elements, nil when `count` is not a whole number of blocks or the
    /// size overflows.
    public func byteCount(elements count: Int) -> Int? {
        guard count >= 0, count % blockSize == 0 else { return nil }
        let (bytes, overflow) = (count / blockSize).multipliedReportingOverflow(by: blockBytes)
        return overflow ? nil : bytes
    }

    /// The float types this tool reads as input to quantize: f32, f16, bf16.
    public var isQuantizable: Bool { self == .f32 || self == .f16 || self == .bf16 }
}
