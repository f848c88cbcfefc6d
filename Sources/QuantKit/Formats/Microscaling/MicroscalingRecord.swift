import Foundation

/// The `__microscaling__` member of an `.npz` holding microscaled weights: a 1-D uint8 array of
/// UTF-8 JSON naming each weight's format, since NumPy has no float8 and every code and scale
/// member is a plain uint8 array (`np.load(..., allow_pickle=False)` opens it;
/// `json.loads(bytes(a["__microscaling__"]))` reads it):
///
///     {"format": "quantize.microscaling", "format_version": 1, "tool": "quantize 0.1.0",
///      "tensors": [{"name": "fc1.weight", "format": "nvfp4", "shape": [64, 64]}, ...]}
///
/// Each listed weight `M.weight` has the members compressed-tensors names (`MicroscaledSource`),
/// with E4M3 bytes (NVFP4 scales, MXFP8 codes) stored as their uint8 bit patterns.
public struct MicroscalingRecord: Codable, Sendable, Equatable {
    public struct Entry: Codable, Sendable, Equatable {
        public var name: String
        /// `MicroscalingFormat.rawValue`: `nvfp4`, `mxfp4`, `mxfp8`.
        public var format: String
        public var shape: [Int]

        public init(name: String, format: String, shape: [Int]) {
            self.name = name
            self.format = format
            self.shape = shape
        }
    }

    public var format = MicroscalingRecord.formatName
    public var formatVersion = 1
    public var tool = QuantKitVersion.toolName
    public var tensors: [Entry]

    public static let memberName = "__microscaling__"
    public static let formatName = "quantize.microscaling"

    enum CodingKeys: String, CodingKey {
        case format
        case formatVersion = "format_version"
        case tool
        case tensors
    }

    public init(tensors: [Entry]) {
        self.tensors = tensors
    }

    /// The JSON bytes, keys sorted.
    public func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings, integers and arrays cannot fail.
        return [UInt8](try! encoder.encode(self))
    }

    /// Each recorded weight's format and shape, refusing a record that is not this format's
    /// (version 1), names an unknown format, or lists a weight twice.
    public static func weights(decoding bytes: [UInt8]) throws(MicroscaledSourceError)
        -> [String: (format: MicroscalingFormat, shape: [Int])] {
        guard let record = try? JSONDecoder().decode(MicroscalingRecord.self, from: Data(bytes)),
              record.format == formatName, record.formatVersion == 1
        else { throw .invalidRecord("not a \(formatName) version 1 JSON record") }
        var weights: [String: (format: MicroscalingFormat, shape: [Int])] = [:]
        for entry in record.tensors {
            guard let format = MicroscalingFormat(rawValue: entry.format) else {
                throw .invalidRecord("'\(entry.name)' has the unknown format '\(entry.format)'")
            }
            guard weights.updateValue((format, entry.shape), forKey: entry.name) == nil else {
                throw .invalidRecord("'\(entry.name)' is listed twice")
            }
        }
        return weights
    }
}
